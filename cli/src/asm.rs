//! `bpfplay asm [--syntax pseudo-c|mnemonic] [--hex] FILE|-`: source -> bytecode.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use vm_core::asm::{assemble, assemble_with, AsmError};
use vm_core::isa::encode;

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
        Err(e) => {
            eprintln!("bpfplay asm: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(src) = String::from_utf8(bytes) else {
        eprintln!("bpfplay asm: {name}: not UTF-8 text");
        return ExitCode::FAILURE;
    };
    let result = match args.syntax {
        Some(s) => assemble_with(&src, s.into()),
        None => assemble(&src),
    };
    let program = match result {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", render_error(&name, &src, &e));
            return ExitCode::FAILURE;
        }
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
        Err(e) => {
            eprintln!("bpfplay asm: writing the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `FILE:line:col: message`, then the source line and a caret under the error.
fn render_error(name: &str, src: &str, e: &AsmError) -> String {
    let mut out = format!("{name}:{e}\n");
    let line_idx = usize::try_from(e.line.saturating_sub(1)).unwrap_or(usize::MAX);
    if let Some(line) = src.lines().nth(line_idx) {
        let line = line.replace('\t', " ");
        let col = usize::try_from(e.column.saturating_sub(1)).unwrap_or(0);
        let len = usize::try_from(e.len.max(1)).unwrap_or(1);
        out.push_str(&format!(
            "  {line}\n  {}^{}\n",
            " ".repeat(col),
            "~".repeat(len - 1)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_show_the_line_and_a_caret() {
        let src = "r0 = 0\n  r1 = *(u33 *)(r2 + 0)\nexit";
        let e = assemble(src).unwrap_err();
        assert_eq!(
            render_error("p.s", src, &e),
            "p.s:2:10: expected a type (u8, u16, u32, u64, s8, s16, s32), found 'u33'\n    r1 = *(u33 *)(r2 + 0)\n           ^~~\n"
        );
    }
}
