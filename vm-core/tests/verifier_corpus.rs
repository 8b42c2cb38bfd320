//! Runs the verifier over every program in `tests/verifier_corpus/` and checks
//! the verdict and the kernel's message recorded there (see
//! `support/verifier_corpus.rs` for the format; `generate.py` re-records them).
//! `VERIFIER_CORPUS_SHOW=name` prints our log for matching programs.

#[path = "support/verifier_corpus.rs"]
mod corpus;

use corpus::{load_corpus, to_program};
use vm_core::verifier::{verify, VerifierOptions};

#[test]
fn corpus_matches_recorded_kernel_verdicts() {
    let corpus = load_corpus();
    let show = std::env::var("VERIFIER_CORPUS_SHOW").ok();
    let mut failures = Vec::new();
    for c in &corpus {
        let prog = to_program(c);
        let res = verify(&prog, &VerifierOptions::default());
        if show.as_deref().is_some_and(|s| c.name.contains(s)) {
            println!("=== {}\n{}", c.name, res.log());
        }
        let ours = res.error.as_ref().map(|e| e.message.clone());
        if let Some(expected) = c.ours {
            if expected != res.accepted() {
                failures.push(format!("{}: documented difference no longer holds", c.name));
            }
            continue;
        }
        let ok = match (&c.message, &ours) {
            (_, _) if c.accept != res.accepted() => false,
            (Some(k), Some(o)) => o.lines().any(|l| corpus::same_message(k, l)),
            _ => true,
        };
        if !ok {
            failures.push(format!(
                "{}: kernel {} {:?}, ours {} {:?}",
                c.name,
                if c.accept { "accept" } else { "reject" },
                c.message,
                if res.accepted() { "accept" } else { "reject" },
                ours
            ));
        }
    }
    println!(
        "{} corpus programs, {} agree",
        corpus.len(),
        corpus.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
