//! `bpfplay asm [--syntax pseudo-c|mnemonic] [--hex] FILE|-`: source -> bytecode.
//! Exit status 1 when the source cannot be read or assembled.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use vm_core::asm::{assemble, assemble_with};
use vm_core::isa::encode;

use crate::diagnostic::Diagnostic;
use crate::input::{self, SyntaxArg};

/// Assembles a source file into bytecode.
#[derive(Args)]
pub struct AsmArgs {
    /// The source syntax; detected from the source when omitted.
    #[arg(long, value_enum)]
    syntax: Option<SyntaxArg>,
    /// Print the bytecode as base16 text (one line) instead of raw bytes.
    #[arg(long)]
    hex: bool,
    /// The source file, or `-` for standard input.
    file: PathBuf,
}

pub fn run(args: &AsmArgs) -> ExitCode {
    let name = input::display_name(&args.file);
    let bytes = match input::read(&args.file) {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    let Ok(src) = String::from_utf8(bytes) else {
        return fail(&Diagnostic::file(&name, "not UTF-8 text"));
    };
    let result = match args.syntax {
        Some(s) => assemble_with(&src, s.into()),
        None => assemble(&src),
    };
    let program = match result {
        Ok(p) => p,
        Err(e) => return fail(&Diagnostic::source(&name, &src, &e)),
    };
    if !program.maps.is_empty() {
        let names: Vec<&str> = program.maps.iter().map(|m| m.name.as_str()).collect();
        eprintln!(
            "bpfplay asm: note: bytecode does not carry map definitions; map references are indices ({})",
            names.join(", ")
        );
    }
    let code = encode(&program.insns);
    let mut out = std::io::stdout().lock();
    let written = if args.hex {
        writeln!(out, "{}", input::to_hex(&code))
    } else {
        out.write_all(&code)
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&Diagnostic::command(
            "bpfplay asm",
            format_args!("writing the output: {e}"),
        )),
    }
}

fn fail(d: &Diagnostic) -> ExitCode {
    eprint!("{d}");
    ExitCode::FAILURE
}
