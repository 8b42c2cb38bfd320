//! Every program of the conformance suite assembles (mnemonic syntax, detected
//! without being told), a `-- raw` listing gives the very same bytes, and every
//! program survives disassembly and re-assembly in both syntaxes.
//!
//! Looks for the suite in `$BPF_CONFORMANCE_DIR`, else in `shared/conformance`
//! beside the workspace root or one of its parents; without it, it says so and passes.

use vm_core::asm::{assemble, assemble_with, detect_syntax, Syntax};
use vm_core::disasm::disassemble;
use vm_core::isa::{encode, RawInsn};

#[path = "support/conformance.rs"]
mod conformance;
use conformance::suite_dir;

/// The text of section `-- name` of a `.data` file.
fn section(text: &str, name: &str) -> Option<String> {
    let mut out: Option<String> = None;
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("-- ") {
            if out.is_some() {
                break;
            }
            if header.trim() == name {
                out = Some(String::new());
            }
            continue;
        }
        if let Some(o) = out.as_mut() {
            o.push_str(line);
            o.push('\n');
        }
    }
    out
}

fn suite() -> Vec<(String, String)> {
    let Some(dir) = suite_dir() else {
        println!("conformance suite not found (set BPF_CONFORMANCE_DIR); nothing to check");
        return Vec::new();
    };
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("read the suite")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "data"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read a test file"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 300, "only {} files in {dir:?}", files.len());
    files
}

#[test]
fn every_conformance_program_assembles() {
    let mut checked = 0;
    let mut raw_checked = 0;
    let mut failures = Vec::new();
    for (name, text) in suite() {
        let Some(src) = section(&text, "asm") else {
            continue;
        };
        if detect_syntax(&src) != Syntax::Mnemonic && src.contains('%') {
            failures.push(format!("{name}: syntax not detected as mnemonic"));
        }
        let prog = match assemble(&src) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}:{e}"));
                continue;
            }
        };
        checked += 1;
        for syntax in [Syntax::PseudoC, Syntax::Mnemonic] {
            let text = disassemble(&prog, syntax);
            match assemble_with(&text, syntax) {
                Ok(again) if again.insns == prog.insns => {}
                Ok(_) => failures.push(format!("{name}: {syntax:?} round trip differs\n{text}")),
                Err(e) => failures.push(format!("{name}: {syntax:?} round trip: {e}\n{text}")),
            }
        }
        if let Some(raw) = section(&text, "raw") {
            let words: Vec<u64> = raw
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(|l| u64::from_str_radix(l.trim_start_matches("0x"), 16).expect("raw word"))
                .collect();
            let want: Vec<u8> = words
                .iter()
                .flat_map(|w| RawInsn::from_u64(*w).to_bytes())
                .collect();
            if encode(&prog.insns) != want {
                failures.push(format!("{name}: bytes differ from -- raw"));
            }
            raw_checked += 1;
        }
    }
    println!("{checked} conformance programs assembled, {raw_checked} compared with -- raw");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if checked > 0 {
        assert!(checked >= 300, "only {checked} programs");
        assert!(raw_checked >= 1);
    }
}
