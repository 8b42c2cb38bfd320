//! The loader never panics: the fixtures, truncated and with bytes changed at
//! random, load or fail with an error. (`fuzz/` holds the coverage-guided
//! version of this test.)

use std::path::Path;

use proptest::prelude::*;
use vm_core::elf::ElfObject;

fn fixtures() -> &'static [Vec<u8>] {
    static FIXTURES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    FIXTURES.get_or_init(read_fixtures)
}

fn read_fixtures() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/elf_fixtures");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "o"))
        .collect();
    names.sort();
    names.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Parses and links everything; errors are fine, panics are not.
fn load_everything(bytes: &[u8]) {
    if let Ok(obj) = ElfObject::parse(bytes) {
        for (_, prog) in obj.load_all() {
            if let Err(e) = prog {
                // Every error can be shown.
                let _ = e.to_string();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_objects_never_panic(
        which in 0usize..64,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let all = fixtures();
        let mut bytes = all[which % all.len()].clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            let len = cut.index(bytes.len());
            bytes.truncate(len);
        }
        load_everything(&bytes);
    }

    /// Mutations aimed at the structures the loader itself reads: the section
    /// contents of `.BTF`, `.BTF.ext`, `.maps`, relocations and code live in
    /// the first part of the file, before the debug sections.
    #[test]
    fn mutated_headers_and_tables_never_panic(
        which in 0usize..64,
        flips in prop::collection::vec((0usize..2048, any::<u8>()), 1..6),
        tail_flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let all = fixtures();
        let mut bytes = all[which % all.len()].clone();
        let len = bytes.len();
        for (at, value) in flips {
            bytes[at % len] = value;
        }
        // The section header table sits at the end.
        for (at, value) in tail_flips {
            let i = len - 1 - at.index(len.min(1024));
            bytes[i] = value;
        }
        load_everything(&bytes);
    }
}

#[test]
fn every_truncation_of_one_object_is_an_error_or_loads() {
    let bytes = &fixtures()[0];
    for len in (0..bytes.len()).step_by(7) {
        load_everything(&bytes[..len]);
    }
}
