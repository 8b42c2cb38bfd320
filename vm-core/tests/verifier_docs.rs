//! Every example of `docs/verifier-messages.md` is rejected with exactly the
//! message in its heading (the first ```bpf block after each `### `message``).

use std::path::Path;

use vm_core::asm::assemble;
use vm_core::verifier::{verify, VerifierOptions};

#[test]
fn every_documented_message_is_what_its_example_gets() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/verifier-messages.md");
    let text = std::fs::read_to_string(&path).expect("docs/verifier-messages.md");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(msg) = line.strip_prefix("### `").and_then(|l| l.strip_suffix('`')) else {
            continue;
        };
        let mut unprivileged = false;
        let mut code = String::new();
        while let Some(l) = lines.next() {
            if l.starts_with("### ") {
                break;
            }
            if l.contains("*(unprivileged)*") {
                unprivileged = true;
            }
            if l == "```bpf" {
                for c in lines.by_ref() {
                    if c == "```" {
                        break;
                    }
                    code.push_str(c);
                    code.push('\n');
                }
                break;
            }
        }
        assert!(!code.is_empty(), "`{msg}` has no example");
        let prog =
            assemble(&code).unwrap_or_else(|e| panic!("`{msg}`: example does not assemble: {e}"));
        let opts = VerifierOptions {
            privileged: !unprivileged,
            log: false,
            trace_limit: 0,
            ..VerifierOptions::default()
        };
        let res = verify(&prog, &opts);
        match &res.error {
            Some(e) if e.message.lines().any(|l| l == msg) => {}
            other => failures.push(format!(
                "`{msg}`: got {:?}",
                other.as_ref().map(|e| &e.message)
            )),
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} documented messages");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
