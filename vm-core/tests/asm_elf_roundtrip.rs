//! Programs loaded from clang objects (maps, globals with initial values,
//! subprograms) survive disassembly and re-assembly in both syntaxes.

use vm_core::asm::{assemble_with, Syntax};
use vm_core::disasm::disassemble;
use vm_core::elf::ElfObject;

#[test]
fn clang_objects_survive_disassembly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/elf_fixtures");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "o"))
        .collect();
    entries.sort();
    for path in entries {
        let bytes = std::fs::read(&path).expect("read object");
        let object = ElfObject::parse(&bytes).expect("parse object");
        for (info, program) in object.load_all() {
            let Ok(p) = program else { continue };
            for syntax in [Syntax::PseudoC, Syntax::Mnemonic] {
                let text = disassemble(&p, syntax);
                let q = assemble_with(&text, syntax)
                    .unwrap_or_else(|e| panic!("{} {}: {e}\n{text}", path.display(), info.name));
                assert_eq!(q.insns, p.insns, "{} {}\n{text}", path.display(), info.name);
                assert_eq!(q.maps, p.maps, "{} {}", path.display(), info.name);
                assert_eq!(q.prog_type, p.prog_type);
                assert_eq!(q.functions, p.functions, "{} {}", path.display(), info.name);
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} programs");
}
