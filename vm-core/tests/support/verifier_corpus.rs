//! The verifier corpus (`tests/verifier_corpus/*.prog`): programs with the
//! verdict and message the reference kernel (6.18, loading as root) gave.
//!
//! File format, one item per line:
//! ```text
//! # what the program shows
//! type: xdp
//! map: hash:4:8:16          (zero or more; index = order)
//! expect: accept | reject
//! message: R0 !read_ok      (reject only: the kernel's error line)
//! ours: accept              (only for documented differences: our verdict)
//! code: 95 00 00 00 00 00 00 00   (one or more lines of hex bytes)
//! ```
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use vm_core::isa::decode;
use vm_core::{MapDef, MapType, Program, ProgramType};

/// One corpus program with what the kernel said about it.
pub struct CorpusProgram {
    pub name: String,
    pub prog_type: String,
    pub maps: Vec<String>,
    pub accept: bool,
    pub message: Option<String>,
    /// Our verdict when it knowingly differs from the kernel's (see the README).
    pub ours: Option<bool>,
    pub bytes: Vec<u8>,
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/verifier_corpus")
}

pub fn load_corpus() -> Vec<CorpusProgram> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "prog"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("read corpus file");
        let mut p = CorpusProgram {
            name: path.file_stem().unwrap().to_string_lossy().into_owned(),
            prog_type: "xdp".into(),
            maps: Vec::new(),
            accept: true,
            message: None,
            ours: None,
            bytes: Vec::new(),
        };
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let (k, v) = line.split_once(':').unwrap_or((line, ""));
            let v = v.trim();
            match k.trim() {
                "type" => p.prog_type = v.into(),
                "map" => p.maps.push(v.into()),
                "expect" => p.accept = v == "accept",
                "message" => p.message = Some(v.into()),
                "ours" => p.ours = Some(v == "accept"),
                "code" => {
                    for b in v.split_whitespace() {
                        p.bytes.push(u8::from_str_radix(b, 16).expect("hex byte"));
                    }
                }
                other => panic!("{}: unknown key {other}", p.name),
            }
        }
        out.push(p);
    }
    out
}

pub fn map_def(spec: &str) -> MapDef {
    let parts: Vec<&str> = spec.split(':').collect();
    MapDef {
        name: String::new(),
        map_type: MapType::from_name(parts[0]).expect("map type"),
        key_size: parts[1].parse().unwrap(),
        value_size: parts[2].parse().unwrap(),
        max_entries: parts[3].parse().unwrap(),
        flags: if parts[0] == "lpm_trie" { 1 } else { 0 },
        initial_value: None,
        initial_entries: Vec::new(),
    }
}

/// The corpus program as a [`Program`]: map fds in `lddw` are map indices.
pub fn to_program(c: &CorpusProgram) -> Program {
    let insns = decode(&c.bytes).unwrap_or_else(|e| panic!("{}: {e}", c.name));
    let mut prog = Program::from_insns(insns);
    prog.prog_type = ProgramType::from_name(&c.prog_type).expect("program type");
    prog.maps = c.maps.iter().map(|m| map_def(m)).collect();
    prog
}

/// True when `ours` is the kernel's line `kernel`. A few kernel messages lack
/// their newline, so the summary line is glued to them in the log.
pub fn same_message(kernel: &str, ours: &str) -> bool {
    kernel == ours
        || kernel
            .strip_prefix(ours)
            .is_some_and(|rest| rest.starts_with("processed "))
}
