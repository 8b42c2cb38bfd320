//! The cargo-fuzz targets' bodies (`fuzz/src/lib.rs`), run by `cargo test` on
//! stable Rust: on their seeds (corpus programs, ELF fixtures, examples), on
//! fixed-seed mutations of those seeds, and on every input a fuzzing run
//! found (`fuzz/regressions/<target>/`, one file per fixed crash). A fuzzing
//! session (`cargo fuzz run <target>`, see fuzz/README.md) explores further.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/verifier_corpus.rs"]
mod corpus;
#[path = "support/rng.rs"]
mod rng;
#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every file in `dir` (none when it does not exist).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            (e.path().display().to_string(), bytes)
        })
        .collect();
    out.sort();
    out
}

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    files(&root().join("fuzz/regressions").join(target))
}

// A fixed seed, so every run tries the same mutants.
use rng::Rng;

/// `seed` with a few bytes changed, inserted or removed, as a fuzzer would.
fn mutant(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut m = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(m.len() as u64 + 1) as usize;
        match rng.below(4) {
            0 if at < m.len() => m[at] ^= 1 << rng.below(8),
            1 if at < m.len() => m[at] = rng.next() as u8,
            2 => m.insert(at, rng.next() as u8),
            _ if at < m.len() => {
                m.remove(at);
            }
            _ => {}
        }
    }
    m
}

/// Runs `body` on each seed, on `per_seed` mutants of it, and on the regressions.
fn exercise(target: &str, seeds: &[(String, Vec<u8>)], per_seed: usize, body: fn(&[u8])) {
    assert!(!seeds.is_empty(), "{target}: no seeds found");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut runs = 0;
    for (name, seed) in seeds.iter().chain(regressions(target).iter()) {
        let run = |data: &[u8]| {
            if std::panic::catch_unwind(|| body(data)).is_err() {
                panic!(
                    "{target}: found a bug on an input derived from {name}: {}",
                    data.iter().map(|b| format!("{b:02x}")).collect::<String>()
                );
            }
        };
        run(seed);
        for _ in 0..per_seed {
            run(&mutant(seed, &mut rng));
        }
        runs += 1 + per_seed;
    }
    println!("{target}: {runs} inputs");
}

fn corpus_code() -> Vec<(String, Vec<u8>)> {
    corpus::load_corpus()
        .iter()
        .map(|c| {
            let code = vm_core::isa::encode(&corpus::to_program(c).insns);
            (c.name.clone(), code)
        })
        .collect()
}

#[test]
fn verify_target() {
    let seeds: Vec<(String, Vec<u8>)> = corpus_code()
        .into_iter()
        .flat_map(|(name, code)| {
            // Program types in ProgramType::ALL order, privileged and not.
            [0u8, 0x80, 1, 3].map(|sel| {
                let mut data = vec![sel];
                data.extend_from_slice(&code);
                (format!("{name}/{sel:#x}"), data)
            })
        })
        .collect();
    exercise("verify", &seeds, 1, targets::verify_and_run);
}

#[test]
fn interp_run_target() {
    let seeds: Vec<(String, Vec<u8>)> = corpus_code()
        .into_iter()
        .map(|(name, code)| {
            let mut data = vec![16];
            data.extend((0u8..16).map(|b| b.wrapping_mul(37)));
            data.extend_from_slice(&code);
            (name, data)
        })
        .collect();
    exercise("interp_run", &seeds, 1, targets::interp_run);
}

#[test]
fn elf_load_target() {
    let seeds: Vec<(String, Vec<u8>)> = files(&root().join("vm-core/tests/elf_fixtures"))
        .into_iter()
        .filter(|(name, _)| name.ends_with(".o"))
        .collect();
    exercise("elf_load", &seeds, 64, targets::elf_load);
}

#[test]
fn asm_text_target() {
    let mut seeds = files(&root().join("examples"));
    seeds.extend(files(&root().join("examples/tail_calls")));
    seeds.retain(|(name, _)| name.ends_with(".s"));
    exercise("asm_text", &seeds, 16, targets::asm_text);
}
