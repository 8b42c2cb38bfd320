//! The public eBPF conformance suite, run as an ordinary test.
//!
//! Looks for the suite in `$BPF_CONFORMANCE_DIR`, else in `shared/conformance`
//! beside the workspace root (or beside one of its parent folders, so git
//! worktrees find it too). Without either it says so and passes: the suite is
//! not part of the repository.

use std::path::PathBuf;

#[path = "support/conformance.rs"]
mod conformance;
use conformance::suite_dir;

#[test]
fn conformance_suite() {
    let Some(dir) = suite_dir() else {
        println!("conformance suite not found (set BPF_CONFORMANCE_DIR); nothing to run");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "data"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .data files in {}", dir.display());
    let cases: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (name, text)
        })
        .collect();
    let report =
        vm_core::conformance::run_suite(cases.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    println!("{} (suite in {})", report.summary(), dir.display());
    let failures: Vec<String> = report
        .failed
        .iter()
        .map(|(name, why)| format!("  {name}: {why}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} conformance files failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
