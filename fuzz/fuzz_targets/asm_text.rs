//! Any text given to the assembler assembles or fails with an error, never a
//! panic; and whatever assembles survives disassembly: printing the program
//! and assembling that gives the same instructions and maps, in both syntaxes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vm_core::asm::{assemble_with, Syntax};
use vm_core::disasm::disassemble;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for syntax in [Syntax::PseudoC, Syntax::Mnemonic] {
        if let Ok(p) = assemble_with(text, syntax) {
            let listing = disassemble(&p, syntax);
            let q = assemble_with(&listing, syntax)
                .unwrap_or_else(|e| panic!("{e}\n--- source\n{text}\n--- listing\n{listing}"));
            assert_eq!(q.insns, p.insns, "--- source\n{text}\n--- listing\n{listing}");
            assert_eq!(q.maps, p.maps);
        }
    }
});
