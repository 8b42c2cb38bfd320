//! Where the conformance suite is: `$BPF_CONFORMANCE_DIR`, else
//! `shared/conformance` beside the workspace root or beside one of its
//! parent folders (so git worktrees find it too). The suite is not part of
//! the repository; a test that does not find it says so and passes.

use std::path::{Path, PathBuf};

pub fn suite_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BPF_CONFORMANCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    workspace
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared").join("conformance"))
        .find(|d| d.is_dir())
}
