//! Keeps docs/assembly.md true: every code block tagged `bpf` (pseudo-C) or
//! `bpf-mnemonic` assembles with that syntax, is detected as that syntax, and
//! survives disassembly.

use vm_core::asm::{assemble, assemble_with, Syntax};
use vm_core::disasm::disassemble;

#[test]
fn every_example_in_the_assembly_guide_assembles() {
    let doc_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/assembly.md");
    let doc = std::fs::read_to_string(doc_path).expect("read docs/assembly.md");
    let mut blocks: Vec<(Syntax, String, usize)> = Vec::new();
    let mut current: Option<(Syntax, String, usize)> = None;
    for (n, line) in doc.lines().enumerate() {
        if let Some(tag) = line.strip_prefix("```") {
            if let Some(block) = current.take() {
                blocks.push(block);
            } else if tag == "bpf" {
                current = Some((Syntax::PseudoC, String::new(), n + 1));
            } else if tag == "bpf-mnemonic" {
                current = Some((Syntax::Mnemonic, String::new(), n + 1));
            } else if !tag.is_empty() {
                // Another language: skip to its closing fence.
                current = None;
                blocks.push((Syntax::PseudoC, String::from("\u{0}skip"), n + 1));
            }
        } else if let Some((_, text, _)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    let examples: Vec<_> = blocks
        .into_iter()
        .filter(|(_, t, _)| !t.starts_with('\u{0}'))
        .collect();
    assert!(examples.len() >= 10, "only {} examples", examples.len());
    for (syntax, text, line) in examples {
        let p = assemble_with(&text, syntax)
            .unwrap_or_else(|e| panic!("docs/assembly.md block at line {line}: {e}\n{text}"));
        let detected = assemble(&text).unwrap_or_else(|e| panic!("line {line}: {e}"));
        assert_eq!(
            detected.insns, p.insns,
            "block at line {line} detected wrongly"
        );
        let again = assemble_with(&disassemble(&p, syntax), syntax).expect("round trip");
        assert_eq!(again.insns, p.insns, "block at line {line}");
        assert_eq!(again.maps, p.maps, "block at line {line}");
    }
}
