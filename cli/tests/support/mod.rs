//! What the CLI tests share: running `bpfplay` as a user would, reading
//! what it printed, the paths of the repository's fixtures, and temporary
//! files that are removed when the test ends, whether it passed or failed.
#![allow(dead_code)]

use std::io::Write;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `bpfplay ARGS` with `stdin` as its standard input.
pub fn bpfplay(args: &[&str], stdin: &[u8]) -> Output {
    bpfplay_in(None, args, stdin)
}

/// Runs `bpfplay ARGS` in the directory `dir` (messages then name files as
/// given), with `stdin` as its standard input.
pub fn bpfplay_in(dir: Option<&Path>, args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bpfplay"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn().expect("run bpfplay");
    // A command that exits without reading its input closes the pipe: not
    // an error of the test.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("wait for bpfplay")
}

/// Standard output of `bpfplay ARGS`, which must succeed.
pub fn succeeds(args: &[&str]) -> String {
    let out = bpfplay(args, b"");
    assert!(out.status.success(), "bpfplay {args:?}: {}", stderr(&out));
    stdout(&out)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// A clang object of the ELF loader's fixtures (`vm-core/tests/elf_fixtures/`).
pub fn elf_fixture(name: &str) -> String {
    repo_path(&["vm-core", "tests", "elf_fixtures", name])
}

/// A capture of the packets crate's test data (`packets/tests/data/`).
pub fn packet_sample(name: &str) -> String {
    repo_path(&["packets", "tests", "data", name])
}

/// A program of `examples/`.
pub fn example(name: &str) -> String {
    repo_path(&["examples", name])
}

fn repo_path(parts: &[&str]) -> String {
    let mut path = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    path.push("..");
    path.extend(parts);
    path.to_string_lossy().into_owned()
}

/// Bytes as plain lowercase hex, as `--packet` reads them.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh temporary directory, removed with everything in it when dropped
/// (also when the test panics).
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("bpfplay-test-")
        .tempdir()
        .expect("create a temporary directory")
}

/// A file in its own temporary directory; both are removed when it is
/// dropped. Derefs to its path.
pub struct TempFile {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

/// Writes `contents` to a new temporary file called `name`.
pub fn temp_file(name: &str, contents: &[u8]) -> TempFile {
    let dir = temp_dir();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write temp file");
    TempFile { path, _dir: dir }
}

impl TempFile {
    /// The path as text, for an argument.
    pub fn arg(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }
}

impl Deref for TempFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}
