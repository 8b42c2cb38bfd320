//! For the wasm32 browser test only (tests/wasm.rs): embeds the conformance
//! suite's files, found as tests/conformance.rs finds them
//! (`$BPF_CONFORMANCE_DIR`, else `shared/conformance` beside the workspace or
//! one of its parents), as a generated `include_str!` list. Native builds get
//! an empty list and touch no files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn suite_dir() -> Option<PathBuf> {
    println!("cargo:rerun-if-env-changed=BPF_CONFORMANCE_DIR");
    if let Some(dir) = std::env::var_os("BPF_CONFORMANCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let workspace = Path::new(&manifest).parent()?.to_path_buf();
    workspace
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared").join("conformance"))
        .find(|d| d.is_dir())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut list = String::from("&[\n");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if let Some(dir) = suite_dir().filter(|_| wasm) {
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|x| x == "data"));
        files.sort();
        for path in files {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let _ = writeln!(
                list,
                "    ({name:?}, include_str!({:?})),",
                path.display().to_string()
            );
        }
    }
    list.push_str("]\n");
    std::fs::write(out.join("conformance_cases.rs"), list).expect("write the conformance list");
}
