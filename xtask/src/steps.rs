//! A step runner: each step prints what it does, how long it took, and on
//! failure what failed and how to fix it. The summary counts steps.

use std::fmt;
use std::process::Command;
use std::time::Instant;

/// Why a step failed, and what a person can do about it.
#[derive(Debug)]
pub struct StepError {
    /// What went wrong, in one or a few lines.
    pub what: String,
    /// How to fix it.
    pub fix: String,
}

impl StepError {
    pub fn new(what: impl Into<String>, fix: impl Into<String>) -> Self {
        StepError {
            what: what.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n    fix: {}", self.what, self.fix)
    }
}

/// What a successful step did.
pub enum Outcome {
    /// Already satisfied; nothing was done. The text says what was found.
    Skipped(String),
    /// The step did its work.
    Done,
}

/// Runs steps in order and keeps the tally for the closing summary line.
#[derive(Default)]
pub struct Steps {
    passed: usize,
    failed: Vec<String>,
    index: usize,
}

impl Steps {
    /// Runs one step, printing its name before and its outcome after.
    /// Returns whether it succeeded, so later steps can depend on it.
    pub fn run(&mut self, name: &str, f: impl FnOnce() -> Result<Outcome, StepError>) -> bool {
        self.index += 1;
        println!("==> [{}] {name}", self.index);
        let start = Instant::now();
        let result = f();
        let took = start.elapsed().as_secs_f64();
        match result {
            Ok(Outcome::Skipped(why)) => {
                println!("    ok, skipped: {why} ({took:.2}s)");
                self.passed += 1;
                true
            }
            Ok(Outcome::Done) => {
                println!("    ok ({took:.1}s)");
                self.passed += 1;
                true
            }
            Err(e) => {
                println!("    FAILED: {e} ({took:.1}s)");
                self.failed.push(name.to_string());
                false
            }
        }
    }

    /// Records a step that could not run because a step it needs failed.
    pub fn blocked(&mut self, name: &str, needs: &str) {
        self.index += 1;
        println!("==> [{}] {name}", self.index);
        println!("    FAILED: not run because `{needs}` failed (see above)");
        self.failed.push(name.to_string());
    }

    pub fn any_failed(&self) -> bool {
        !self.failed.is_empty()
    }

    /// Prints the failed steps and the closing `N passed, N failed` line.
    pub fn summary(&self) {
        println!();
        for name in &self.failed {
            println!("failed step: {name}");
        }
        println!("{} passed, {} failed", self.passed, self.failed.len());
    }
}

/// Renders a command the way a person would type it, for the log.
pub fn show(cmd: &Command) -> String {
    let mut s = String::new();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            s.push_str(&format!("{}={} ", k.to_string_lossy(), v.to_string_lossy()));
        }
    }
    s.push_str(&cmd.get_program().to_string_lossy());
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.contains(' ') || a.is_empty() {
            s.push_str(&format!(" '{a}'"));
        } else {
            s.push(' ');
            s.push_str(&a);
        }
    }
    s
}

/// Runs a command with inherited output; a non-zero exit is a step error
/// whose fix text is `fix`.
pub fn exec(cmd: &mut Command, fix: &str) -> Result<Outcome, StepError> {
    println!("    $ {}", show(cmd));
    match cmd.status() {
        Ok(s) if s.success() => Ok(Outcome::Done),
        Ok(s) => Err(StepError::new(
            format!("`{}` exited with {s}", show(cmd)),
            fix,
        )),
        Err(e) => Err(StepError::new(
            format!(
                "could not start `{}`: {e}",
                cmd.get_program().to_string_lossy()
            ),
            fix,
        )),
    }
}

/// Runs a command quietly and returns its trimmed stdout, or `None` if it
/// cannot start or fails. Used for fast "is it installed?" checks.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
