//! Installing what is missing. Every check is a file lookup or one quick
//! `--version` call, so a satisfied step costs milliseconds.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::steps::{exec, probe, Outcome, StepError};

/// Trunk version: 0.22 needs a newer rustc than the stable toolchain here.
pub const TRUNK_VERSION: &str = "0.21.14";
/// npm binaryen version whose `wasm-opt` understands today's wasm.
pub const BINARYEN_VERSION: &str = "132.0.0";

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

fn is_root() -> bool {
    probe("id", &["-u"]).is_some_and(|uid| uid == "0")
}

/// Installs Debian packages unless every marker file already exists.
/// `packages` pairs a package with a file it installs.
pub fn apt_install(packages: &[(&str, &str)], why: &str) -> Result<Outcome, StepError> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|(_, file)| !Path::new(file).exists())
        .map(|(pkg, _)| *pkg)
        .collect();
    if missing.is_empty() {
        let names: Vec<&str> = packages.iter().map(|(p, _)| *p).collect();
        return Ok(Outcome::Skipped(format!("{} installed", names.join(", "))));
    }
    let fix = format!(
        "install them by hand: sudo apt-get update && sudo apt-get install -y {}",
        missing.join(" ")
    );
    if !is_root() {
        return Err(StepError::new(
            format!("missing Debian packages for {why}: {}", missing.join(" ")),
            fix,
        ));
    }
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        exec(
            Command::new("apt-get")
                .args(["update", "-q"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
            &fix,
        )?;
    }
    exec(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
        &fix,
    )
}

/// The version of a package pinned in Cargo.lock.
pub fn locked_version(root: &Path, package: &str) -> Result<String, StepError> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).map_err(|e| {
        StepError::new(
            format!("cannot read Cargo.lock: {e}"),
            "run `cargo generate-lockfile` at the repository root",
        )
    })?;
    let header = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == header {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_string());
            }
        }
    }
    Err(StepError::new(
        format!("{package} is not in Cargo.lock"),
        "run `cargo generate-lockfile` at the repository root",
    ))
}

/// `cargo install`s a tool unless `tool --version` already prints `expect`.
fn cargo_install(
    tool: &str,
    expect: &str,
    crate_name: &str,
    version: &str,
    locked: bool,
) -> Result<Outcome, StepError> {
    if let Some(found) = probe(tool, &["--version"]) {
        if found == expect {
            return Ok(Outcome::Skipped(found));
        }
        println!("    found `{found}`, need `{expect}`");
    }
    let mut cmd = Command::new(cargo());
    cmd.args(["install", crate_name, "--version", version]);
    if locked {
        cmd.arg("--locked");
    }
    let fix = format!(
        "run `{}` by hand and read cargo's error",
        crate::steps::show(&cmd)
    );
    exec(&mut cmd, &fix)
}

/// wasm-bindgen-cli at the exact version in Cargo.lock (the CLI and the
/// library must agree on the ABI). Also brings `wasm-bindgen-test-runner`.
pub fn wasm_bindgen(root: &Path) -> Result<Outcome, StepError> {
    let version = locked_version(root, "wasm-bindgen")?;
    let expect = format!("wasm-bindgen {version}");
    let outcome = cargo_install("wasm-bindgen", &expect, "wasm-bindgen-cli", &version, false)?;
    if probe("wasm-bindgen-test-runner", &["--version"]).is_none() {
        return Err(StepError::new(
            "wasm-bindgen-test-runner is not on PATH",
            format!("cargo install wasm-bindgen-cli --version {version} --force"),
        ));
    }
    Ok(outcome)
}

/// Trunk, pinned.
pub fn trunk() -> Result<Outcome, StepError> {
    let expect = format!("trunk {TRUNK_VERSION}");
    cargo_install("trunk", &expect, "trunk", TRUNK_VERSION, true)
}

/// npm's binaryen (wasm-opt) into the repository's node_modules.
pub fn binaryen(root: &Path) -> Result<Outcome, StepError> {
    let manifest = root.join("node_modules/binaryen/package.json");
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    if let Ok(text) = fs::read_to_string(&manifest) {
        if text.contains(&format!("\"version\": \"{BINARYEN_VERSION}\"")) && wasm_opt.exists() {
            return Ok(Outcome::Skipped(format!(
                "binaryen {BINARYEN_VERSION} in node_modules"
            )));
        }
    }
    if probe("npm", &["--version"]).is_none() {
        apt_install(
            &[("nodejs", "/usr/bin/node"), ("npm", "/usr/bin/npm")],
            "npm",
        )?;
    }
    exec(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root),
        "run `npm ci` at the repository root and read npm's error",
    )
}

/// Components the test command needs from rustup.
pub fn rust_components() -> Result<Outcome, StepError> {
    let fmt = probe(&cargo(), &["fmt", "--version"]);
    let clippy = probe(&cargo(), &["clippy", "--version"]);
    if let (Some(f), Some(c)) = (&fmt, &clippy) {
        return Ok(Outcome::Skipped(format!("{f}; {c}")));
    }
    exec(
        Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]),
        "run `rustup component add rustfmt clippy`",
    )
}

/// Downloads every crate in Cargo.lock so `trunk` (offline) can build.
/// Skipped when Cargo.lock has not changed since the last fetch.
pub fn cargo_fetch(root: &Path, target_dir: &Path) -> Result<Outcome, StepError> {
    let stamp = target_dir.join("xtask-fetched-Cargo.lock");
    let lock = fs::read(root.join("Cargo.lock")).unwrap_or_default();
    if fs::read(&stamp).is_ok_and(|s| s == lock) {
        return Ok(Outcome::Skipped(
            "Cargo.lock unchanged since last fetch".into(),
        ));
    }
    exec(
        Command::new(cargo()).arg("fetch").current_dir(root),
        "run `cargo fetch` and check the network to crates.io",
    )?;
    let _ = fs::create_dir_all(target_dir);
    let _ = fs::write(&stamp, lock);
    Ok(Outcome::Done)
}

/// The cargo that runs us (so native commands use the same toolchain).
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
