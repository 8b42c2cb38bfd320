//! Which Rust toolchain builds the wasm32 code, and the environment the
//! wasm commands (and only those) run with.
//!
//! In order: a wasm32 standard library already installed for the active
//! toolchain; else `rustup target add wasm32-unknown-unknown` (with a
//! timeout); else Debian's `rustc-web` + `rust-web-src` + `lld-19`, which
//! builds `std` from source with `-Zbuild-std`. `--debian-toolchain` or
//! `XTASK_WASM_TOOLCHAIN=debian` forces the Debian path.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::install::apt_install;
use crate::steps::{probe, Outcome, StepError};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Debian packages of the fallback toolchain and a file each one installs.
pub const DEBIAN_TOOLCHAIN: &[(&str, &str)] = &[
    ("rustc-web", "/usr/bin/rustc"),
    ("cargo-web", "/usr/bin/cargo"),
    (
        "rust-web-src",
        "/usr/lib/rustlib/src/rust/library/std/Cargo.toml",
    ),
    ("lld-19", "/usr/bin/wasm-ld-19"),
];

/// How wasm32 code gets built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmToolchain {
    /// The active rustup toolchain with its prebuilt wasm32 `std`.
    Rustup,
    /// Debian's rustc with `std` built from source (`-Zbuild-std`).
    Debian,
}

/// True when the user asked for the Debian path.
pub fn debian_forced(args: &[String]) -> bool {
    args.iter().any(|a| a == "--debian-toolchain")
        || std::env::var("XTASK_WASM_TOOLCHAIN").is_ok_and(|v| v == "debian")
}

/// The wasm32 `std` of the active toolchain, if installed.
fn rustup_wasm_std() -> Option<PathBuf> {
    let sysroot = probe("rustc", &["--print", "sysroot"])?;
    let lib = Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .join("lib");
    lib.is_dir().then_some(lib)
}

/// Picks the toolchain, installing the target or the Debian packages when
/// needed. Prints what it found; the step's outcome says whether it installed.
pub fn select(force_debian: bool) -> Result<(WasmToolchain, Outcome), StepError> {
    if !force_debian {
        if let Some(lib) = rustup_wasm_std() {
            return Ok((
                WasmToolchain::Rustup,
                Outcome::Skipped(format!("rustup {WASM_TARGET} std at {}", lib.display())),
            ));
        }
        if probe("rustup", &["--version"]).is_some() {
            println!("    no {WASM_TARGET} std installed; trying rustup (timeout 180 s)");
            let ok = Command::new("timeout")
                .args(["180", "rustup", "target", "add", WASM_TARGET])
                .status()
                .is_ok_and(|s| s.success());
            if ok && rustup_wasm_std().is_some() {
                return Ok((WasmToolchain::Rustup, Outcome::Done));
            }
            println!("    rustup could not add {WASM_TARGET}; falling back to Debian's rustc-web");
        }
    } else {
        println!("    Debian toolchain forced (--debian-toolchain or XTASK_WASM_TOOLCHAIN=debian)");
    }
    let outcome = apt_install(
        DEBIAN_TOOLCHAIN,
        "the wasm32 fallback toolchain (rustc-web builds std from rust-web-src)",
    )?;
    Ok((WasmToolchain::Debian, outcome))
}

impl WasmToolchain {
    /// Environment for commands that build wasm32 code (cargo test
    /// --target wasm32, trunk). Native commands never get it.
    pub fn env(self, target_dir: &Path) -> Vec<(String, String)> {
        match self {
            WasmToolchain::Rustup => Vec::new(),
            WasmToolchain::Debian => {
                let path = std::env::var("PATH").unwrap_or_default();
                vec![
                    ("PATH".into(), format!("/usr/bin:{path}")),
                    ("RUSTC".into(), "/usr/bin/rustc".into()),
                    ("RUSTC_BOOTSTRAP".into(), "1".into()),
                    ("CARGO_UNSTABLE_BUILD_STD".into(), "std,panic_abort".into()),
                    (
                        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER".into(),
                        "wasm-ld-19".into(),
                    ),
                    // A separate target dir: artifacts of another rustc would
                    // otherwise evict the native builds' cache on every switch.
                    (
                        "CARGO_TARGET_DIR".into(),
                        target_dir.join("wasm-debian").display().to_string(),
                    ),
                ]
            }
        }
    }
}

/// Gives a command the wasm environment.
pub fn apply(cmd: &mut Command, env: &[(String, String)]) {
    for (k, v) in env {
        cmd.env(k, v);
    }
}
