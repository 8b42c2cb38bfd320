//! `bpfplay verify [--type T] [--log] [--json] [--program NAME] FILE|-`: runs
//! the kernel-faithful verifier.
//!
//! The input is assembly source (either syntax), raw bytecode, base16 text, or
//! a clang BPF object (its only program, or `--program NAME` / `--section SEC`). Exit status: 0
//! accepted, 1 rejected (the error printed as `<insn>: <message>` followed by
//! an explanation and a hint), 2 when the input cannot be read or parsed
//! (reported on standard error as compilers do, see [`crate::diagnostic`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use vm_core::verifier::{verify, VerifierOptions, VerifierResult};
use vm_core::ProgramType;

use crate::input;

/// Program types on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    /// `BPF_PROG_TYPE_XDP`.
    Xdp,
    /// `BPF_PROG_TYPE_SOCKET_FILTER`.
    #[value(name = "socket_filter", alias = "socket")]
    SocketFilter,
    /// `BPF_PROG_TYPE_SCHED_CLS` (tc).
    #[value(name = "sched_cls", alias = "tc")]
    SchedCls,
    /// `BPF_PROG_TYPE_KPROBE`.
    Kprobe,
    /// `BPF_PROG_TYPE_TRACEPOINT`.
    Tracepoint,
}

impl From<TypeArg> for ProgramType {
    fn from(t: TypeArg) -> ProgramType {
        match t {
            TypeArg::Xdp => ProgramType::Xdp,
            TypeArg::SocketFilter => ProgramType::SocketFilter,
            TypeArg::SchedCls => ProgramType::SchedCls,
            TypeArg::Kprobe => ProgramType::Kprobe,
            TypeArg::Tracepoint => ProgramType::Tracepoint,
        }
    }
}

/// Verifies a program as the Linux kernel's verifier would.
#[derive(Args)]
pub struct VerifyArgs {
    /// Verify as this program type (default: the program's own, or xdp).
    #[arg(long = "type", value_enum)]
    prog_type: Option<TypeArg>,
    /// Print the whole verifier log in the kernel's format.
    #[arg(long)]
    log: bool,
    /// Print one JSON object: accepted, error {insn, line, message}, processed_insns, states.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    elf: input::ElfPick,
    /// Assembly source, bytecode (raw or base16), or a clang BPF object; `-` for standard input.
    file: PathBuf,
}

pub fn run(args: &VerifyArgs) -> ExitCode {
    let mut program = match input::load_program(&args.file, &args.elf) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(t) = args.prog_type {
        program.prog_type = t.into();
    }
    let result = verify(&program, &VerifierOptions::default());
    if args.json {
        println!("{}", json(&result));
    } else {
        if args.log {
            print!("{}", result.log());
        }
        match &result.error {
            None => {
                if !args.log {
                    println!("accepted: {}", result.summary());
                }
            }
            Some(e) => {
                if !args.log {
                    println!("{}: {}", e.insn, e.message.replace('\n', "\n    "));
                }
                if let Some(l) = e.line {
                    println!("(source line {l})");
                }
                if let Some(c) = program.c_line(e.insn) {
                    println!("; {} @ {}:{}", c.text.trim(), c.file, c.line);
                }
                let hint = result.fix().unwrap_or_default().replace('`', "");
                println!("\n{}\nHint: {hint}", e.explanation());
            }
        }
    }
    if result.accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The result as one JSON object.
fn json(r: &VerifierResult) -> String {
    let error = match &r.error {
        None => "null".to_string(),
        Some(e) => format!(
            "{{\"insn\":{},\"line\":{},\"message\":{},\"explanation\":{},\"hint\":{}}}",
            e.insn,
            e.line.map_or("null".to_string(), |l| l.to_string()),
            json_str(&e.message),
            json_str(e.explanation()),
            json_str(&r.fix().unwrap_or_default())
        ),
    };
    format!(
        "{{\"accepted\":{},\"error\":{},\"processed_insns\":{},\"states\":{},\"peak_states\":{},\"max_states_per_insn\":{}}}",
        r.accepted(),
        error,
        r.stats.processed_insns,
        r.stats.total_states,
        r.stats.peak_states,
        r.stats.max_states_per_insn
    )
}
