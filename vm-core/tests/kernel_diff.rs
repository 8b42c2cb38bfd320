//! Differential test against the host kernel's verifier: every corpus program
//! (`tests/verifier_corpus/`) is loaded into the running kernel with raw
//! `bpf(2)` calls and our verdict is compared with the kernel's. Prints the
//! agreement figure (reported in the README) and fails on any disagreement
//! that is not a documented difference (`ours:` in the corpus file).
//!
//! Runs only as root on Linux with `bpf(2)`; elsewhere it prints why it
//! skipped and passes.

#[path = "support/verifier_corpus.rs"]
mod corpus;
#[path = "support/kernel.rs"]
mod kernel;

use corpus::{load_corpus, to_program};
use kernel::{Kernel, Verdict};
use vm_core::verifier::{verify, VerifierOptions};

#[test]
fn verifier_verdicts_agree_with_the_host_kernel() {
    let k = match Kernel::open() {
        Ok(k) => k,
        Err(why) => {
            println!("skipped: the host kernel cannot be asked: {why}");
            return;
        }
    };
    let corpus = load_corpus();
    let (mut same_verdict, mut rejected_both, mut same_message) = (0, 0, 0);
    let mut undocumented = Vec::new();
    let mut documented = Vec::new();
    for c in &corpus {
        let prog = to_program(c);
        let kernel_verdict = k.load(&prog, "GPL").expect("bpf(2) works");
        let ours = verify(&prog, &VerifierOptions::default());
        let (k_accept, k_log) = match &kernel_verdict {
            Verdict::Accepted { .. } => (true, String::new()),
            Verdict::Rejected { log, .. } => (false, log.clone()),
        };
        if c.ours.is_some() {
            // A documented difference (see the README): not counted as agreement.
            documented.push(c.name.clone());
        } else if k_accept == ours.accepted() {
            same_verdict += 1;
            if let (false, Some(e)) = (k_accept, &ours.error) {
                rejected_both += 1;
                if e.message
                    .lines()
                    .any(|l| k_log.lines().any(|kl| corpus::same_message(kl, l)))
                {
                    same_message += 1;
                } else {
                    undocumented.push(format!("{}: message differs: ours {:?}", c.name, e.message));
                }
            }
        } else {
            undocumented.push(format!(
                "{}: kernel {}, ours {} {:?}",
                c.name,
                if k_accept { "accepts" } else { "rejects" },
                if ours.accepted() {
                    "accepts"
                } else {
                    "rejects"
                },
                ours.error.as_ref().map(|e| &e.message)
            ));
        }
        // The recorded expectation must still be what this kernel says.
        assert_eq!(
            k_accept, c.accept,
            "{}: the host kernel changed its verdict",
            c.name
        );
    }
    let n = corpus.len();
    println!(
        "kernel agreement: {same_verdict}/{n} verdicts ({:.1}%), {same_message}/{rejected_both} rejection messages; {} documented differences: {:?}",
        100.0 * same_verdict as f64 / n as f64,
        documented.len(),
        documented
    );
    assert!(undocumented.is_empty(), "{}", undocumented.join("\n"));
}
