//! `cargo xtask serve` and `cargo xtask test`: the project's two commands
//! (and `cargo xtask bench`, the interpreter benchmark native and in Chromium).
//!
//! Both install what is missing first (Debian packages when run as root,
//! the wasm32 toolchain, wasm-bindgen-cli at the Cargo.lock version, Trunk,
//! npm binaryen), skipping in milliseconds whatever is already there.

mod install;
mod steps;
mod toolchain;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use install::cargo;
use steps::{exec, Outcome, StepError, Steps};
use toolchain::{apply, WasmToolchain, WASM_TARGET};

const USAGE: &str = "\
usage: cargo xtask <command> [--debian-toolchain]

commands:
  serve   install what is missing, build the playground and serve it on
          http://127.0.0.1:8080 with live reload (trunk serve)
  test    install what is missing, then run every check: fmt, clippy,
          native tests, wasm tests in headless Chromium, a release trunk
          build and an end-to-end WebDriver test of dist/
  bench   the interpreter benchmark (vm-core against rbpf on the same
          bytecode): natively with criterion, then compiled to wasm32 in
          headless Chromium

options:
  --debian-toolchain   build wasm32 code with Debian's rustc-web and
                       -Zbuild-std instead of rustup's wasm32 target
                       (same as XTASK_WASM_TOOLCHAIN=debian)";

/// Chromium and its WebDriver, for the browser tests.
const BROWSER_PACKAGES: &[(&str, &str)] = &[
    ("chromium", "/usr/bin/chromium"),
    ("chromium-driver", "/usr/bin/chromedriver"),
];

struct Context {
    root: PathBuf,
    target_dir: PathBuf,
    force_debian: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    add_cargo_bin_to_path();
    let cx = Context {
        root,
        target_dir,
        force_debian: toolchain::debian_forced(&args),
    };
    match args.first().map(String::as_str) {
        Some("serve") => serve(&cx),
        Some("test") => test(&cx),
        Some("bench") => bench(&cx),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `cargo install` puts tools in $CARGO_HOME/bin; make sure we find them
/// even when only cargo itself was put on PATH.
fn add_cargo_bin_to_path() {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| Path::new(&h).join(".cargo")));
    if let Ok(home) = home {
        let bin = home.join("bin");
        let path = std::env::var("PATH").unwrap_or_default();
        if !std::env::split_paths(&path).any(|p| p == bin) {
            std::env::set_var("PATH", format!("{}:{path}", bin.display()));
        }
    }
}

/// The installs both commands share. Returns the wasm toolchain, or
/// `None` when a tool the wasm build needs could not be installed.
fn install_web_tools(cx: &Context, steps: &mut Steps) -> Option<WasmToolchain> {
    let mut wasm = None;
    steps.run("wasm32 toolchain", || {
        let (tc, outcome) = toolchain::select(cx.force_debian)?;
        println!("    using the {tc:?} toolchain for {WASM_TARGET}");
        wasm = Some(tc);
        Ok(outcome)
    });
    let bindgen = steps.run("wasm-bindgen-cli (Cargo.lock version)", || {
        install::wasm_bindgen(&cx.root)
    });
    let trunk = steps.run("trunk", install::trunk);
    let binaryen = steps.run("wasm-opt (npm binaryen)", || install::binaryen(&cx.root));
    let fetched = steps.run("cargo fetch (trunk builds offline)", || {
        install::cargo_fetch(&cx.root, &cx.target_dir)
    });
    if bindgen && trunk && binaryen && fetched {
        wasm
    } else {
        None
    }
}

/// PATH for trunk: node_modules/.bin first so it finds npm's wasm-opt.
fn trunk_command(cx: &Context, env: &[(String, String)]) -> Command {
    let mut cmd = Command::new("trunk");
    cmd.current_dir(&cx.root);
    apply(&mut cmd, env);
    let path = env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| std::env::var("PATH").unwrap_or_default());
    let bin = cx.root.join("node_modules/.bin");
    cmd.env("PATH", format!("{}:{path}", bin.display()));
    cmd
}

fn serve(cx: &Context) -> ExitCode {
    let mut steps = Steps::default();
    let Some(tc) = install_web_tools(cx, &mut steps) else {
        steps.summary();
        return ExitCode::FAILURE;
    };
    let env = tc.env(&cx.target_dir);
    println!("==> serving the playground on http://127.0.0.1:8080 (live reload; Ctrl+C stops)");
    let mut cmd = trunk_command(cx, &env);
    cmd.arg("serve");
    match exec(
        &mut cmd,
        "read trunk's error above; `cargo xtask test` checks every part",
    ) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            println!("    FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn test(cx: &Context) -> ExitCode {
    let mut steps = Steps::default();
    let components = steps.run("rustfmt and clippy", install::rust_components);
    let browser = steps.run("Chromium and ChromeDriver", || {
        install::apt_install(BROWSER_PACKAGES, "the headless browser tests")
    });
    let wasm = install_web_tools(cx, &mut steps);

    let native = |args: &[&str]| {
        let mut cmd = Command::new(cargo());
        cmd.args(args).current_dir(&cx.root);
        cmd
    };
    if components {
        steps.run("cargo fmt --check", || {
            exec(
                &mut native(&["fmt", "--all", "--check"]),
                "run `cargo fmt --all` and commit the result",
            )
        });
        steps.run("cargo clippy", || {
            exec(
                &mut native(&[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]),
                "fix the warnings clippy printed above",
            )
        });
    } else {
        steps.blocked("cargo fmt --check", "rustfmt and clippy");
        steps.blocked("cargo clippy", "rustfmt and clippy");
    }
    steps.run("native tests (cargo test --workspace)", || {
        exec(
            &mut native(&["test", "--workspace"]),
            "read the failing test's output above",
        )
    });

    let browser_steps = [
        "vm-core wasm tests in headless Chromium",
        "playground wasm tests in headless Chromium",
        "release trunk build",
        "end-to-end WebDriver test of dist/",
    ];
    let Some(tc) = wasm else {
        for name in browser_steps {
            steps.blocked(name, "the web tool installs");
        }
        return finish(&steps);
    };
    if !browser {
        for name in &browser_steps[..2] {
            steps.blocked(name, "Chromium and ChromeDriver");
        }
    } else {
        let env = tc.env(&cx.target_dir);
        steps.run(browser_steps[0], || {
            wasm_test(cx, &env, "vm-core", "wasm")?;
            // `cargo xtask bench` runs it; here it only has to compile.
            let mut cmd = wasm_cargo(
                cx,
                &env,
                &["check", "--package", "vm-core", "--bench", "interp"],
            );
            exec(
                &mut cmd,
                "the browser benchmark (vm-core/benches/interp.rs) does not compile for wasm32",
            )
        });
        steps.run(browser_steps[1], || {
            wasm_test(cx, &env, "playground", "app")?;
            wasm_test(cx, &env, "playground", "verifier")?;
            wasm_test(cx, &env, "playground", "maps")?;
            wasm_test(cx, &env, "playground", "debugger")?;
            wasm_test(cx, &env, "playground", "editor")?;
            wasm_test(cx, &env, "playground", "shell")?;
            wasm_test(cx, &env, "playground", "toolbar")?;
            wasm_test(cx, &env, "playground", "batch")?;
            wasm_test(cx, &env, "playground", "feedback")?;
            wasm_test(cx, &env, "playground", "workspace")
        });
    }
    let env = tc.env(&cx.target_dir);
    let built = steps.run(browser_steps[2], || {
        let mut cmd = trunk_command(cx, &env);
        cmd.args(["build", "--release"]);
        exec(&mut cmd, "read trunk's error above")?;
        report_page_size(&cx.root.join("dist"));
        Ok(Outcome::Done)
    });
    if !built {
        steps.blocked(browser_steps[3], browser_steps[2]);
    } else if !browser {
        steps.blocked(browser_steps[3], "Chromium and ChromeDriver");
    } else {
        steps.run(browser_steps[3], || e2e(cx));
    }
    finish(&steps)
}

/// `vm-core/benches/interp.rs` natively, then in headless Chromium (its
/// `#[wasm_bindgen_bench]` functions, run by `wasm-bindgen-test-runner`).
fn bench(cx: &Context) -> ExitCode {
    let mut steps = Steps::default();
    let browser = steps.run("Chromium and ChromeDriver", || {
        install::apt_install(BROWSER_PACKAGES, "the browser benchmark")
    });
    let mut wasm = None;
    steps.run("wasm32 toolchain", || {
        let (tc, outcome) = toolchain::select(cx.force_debian)?;
        wasm = Some(tc);
        Ok(outcome)
    });
    let bindgen = steps.run("wasm-bindgen-cli (Cargo.lock version)", || {
        install::wasm_bindgen(&cx.root)
    });
    steps.run("native benchmark (criterion)", || {
        let mut cmd = Command::new(cargo());
        cmd.current_dir(&cx.root)
            .args(["bench", "--package", "vm-core", "--bench", "interp"]);
        exec(&mut cmd, "read the error above")
    });
    let name = "the same benchmark compiled to wasm32, in headless Chromium";
    match wasm {
        Some(tc) if browser && bindgen => {
            steps.run(name, || {
                let mut cmd = wasm_cargo(
                    cx,
                    &tc.env(&cx.target_dir),
                    &["bench", "--package", "vm-core", "--bench", "interp"],
                );
                in_browser(&mut cmd, 600)
                    // The runner compares with (and keeps) the previous run's
                    // figures here, not in a target/ inside the crate.
                    .env(
                        "WASM_BINDGEN_BENCH_RESULT",
                        cx.target_dir.join("wbg_benchmark.json"),
                    );
                with_browser_tmp(cx, &mut cmd, |cmd| exec(cmd, "read the error above"))
            });
        }
        _ => steps.blocked(name, "the browser and wasm tool installs"),
    }
    finish(&steps)
}

fn finish(steps: &Steps) -> ExitCode {
    steps.summary();
    if steps.any_failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// One wasm-bindgen-test file of one package, in headless Chromium. The
/// runner reads the Chromium flags from the package's webdriver.json.
fn wasm_test(
    cx: &Context,
    env: &[(String, String)],
    package: &str,
    test: &str,
) -> Result<Outcome, StepError> {
    let mut cmd = wasm_cargo(cx, env, &["test", "--package", package, "--test", test]);
    in_browser(&mut cmd, 120);
    let fix = format!(
        "read the failing test above; rerun just this with `{}`",
        steps::show(&cmd)
    );
    with_browser_tmp(cx, &mut cmd, |cmd| exec(cmd, &fix))
}

/// `cargo ARGS --target wasm32-unknown-unknown` at the workspace root, with
/// the wasm toolchain's environment.
fn wasm_cargo(cx: &Context, env: &[(String, String)], args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&cx.root);
    apply(&mut cmd, env);
    cmd.args(args).args(["--target", WASM_TARGET]);
    cmd
}

/// Runs the wasm32 test or bench binaries in headless Chromium through
/// `wasm-bindgen-test-runner`, giving each up to `timeout_secs`.
fn in_browser(cmd: &mut Command, timeout_secs: u32) -> &mut Command {
    cmd.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", chromedriver())
    .env("WASM_BINDGEN_TEST_TIMEOUT", timeout_secs.to_string())
}

/// Runs `cmd` with TMPDIR set to a new directory, removed afterwards
/// whatever the outcome: ChromeDriver and Chromium put their profiles
/// (`org.chromium.Chromium.scoped_dir.*`) and singleton sockets there, and
/// leave them behind in /tmp when the runner stops them abruptly.
fn with_browser_tmp<T>(cx: &Context, cmd: &mut Command, run: impl FnOnce(&mut Command) -> T) -> T {
    let dir = cx
        .target_dir
        .join(format!("browser-tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(&dir).is_ok() {
        cmd.env("TMPDIR", &dir);
    }
    let result = run(cmd);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The end-to-end test drives Chromium over WebDriver against dist/.
fn e2e(cx: &Context) -> Result<Outcome, StepError> {
    let shots = cx.root.join("target/screenshots");
    let mut cmd = Command::new(cargo());
    cmd.current_dir(&cx.root)
        .args([
            "test",
            "--package",
            "e2e",
            "--",
            "--ignored",
            "--test-threads=1",
        ])
        .env("E2E_DIST", cx.root.join("dist"))
        .env("E2E_SCREENSHOTS", &shots)
        .env("CHROMEDRIVER", chromedriver());
    exec(
        &mut cmd,
        "read the failing test above; screenshots are in target/screenshots",
    )?;
    println!("    screenshots in {}", shots.display());
    Ok(Outcome::Done)
}

/// Prints the raw and gzip size of each file in dist/ (the wasm, its JS
/// glue and snippets, the style sheet, the HTML, the icon) and their total,
/// for the README.
fn report_page_size(dist: &Path) {
    let mut files = Vec::new();
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut total_raw, mut total_gz) = (0, 0);
    for path in &files {
        let raw = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let gz = Command::new("gzip")
            .args(["-9", "-c"])
            .arg(path)
            .output()
            .map(|o| o.stdout.len() as u64)
            .unwrap_or(0);
        total_raw += raw;
        total_gz += gz;
        println!(
            "    {}: {:.1} KB raw, {:.1} KB gzip",
            path.strip_prefix(dist).unwrap_or(path).display(),
            raw as f64 / 1024.0,
            gz as f64 / 1024.0
        );
    }
    println!(
        "    all of dist/: {:.1} KB raw, {:.1} KB gzip",
        total_raw as f64 / 1024.0,
        total_gz as f64 / 1024.0
    );
}
