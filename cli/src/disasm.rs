//! `bpfplay disasm [--syntax pseudo-c|mnemonic] FILE|-`: bytecode -> source.
//!
//! The input is raw bytecode, base16 text (as `bpfplay asm --hex` writes it),
//! or a clang BPF object (ELF), whose programs are each printed with their maps.
//! Exit status 1 when the input cannot be read or decoded.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use vm_core::asm::Syntax;
use vm_core::disasm::disassemble;
use vm_core::elf::ElfObject;
use vm_core::isa::decode;
use vm_core::Program;

use crate::diagnostic::Diagnostic;
use crate::input::{self, SyntaxArg};

/// Disassembles bytecode into source.
#[derive(Args)]
pub struct DisasmArgs {
    /// The output syntax.
    #[arg(long, value_enum, default_value = "pseudo-c")]
    syntax: SyntaxArg,
    /// Bytecode (raw or base16 text) or a clang BPF object, or `-` for standard input.
    file: PathBuf,
}

pub fn run(args: &DisasmArgs) -> ExitCode {
    let name = input::display_name(&args.file);
    let listed = input::read(&args.file).and_then(|bytes| {
        listing(&bytes, args.syntax.into()).map_err(|e| Diagnostic::file(&name, e))
    });
    match listed {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The source text of `bytes`, whichever form they are in.
fn listing(bytes: &[u8], syntax: Syntax) -> Result<String, String> {
    if bytes.starts_with(b"\x7fELF") {
        return elf_listing(bytes, syntax);
    }
    let code = std::str::from_utf8(bytes)
        .ok()
        .and_then(input::from_hex)
        .unwrap_or_else(|| bytes.to_vec());
    let insns = decode(&code).map_err(|e| e.to_string())?;
    Ok(disassemble(&Program::from_insns(insns), syntax))
}

/// Every program of an object, each under a comment naming it.
fn elf_listing(bytes: &[u8], syntax: Syntax) -> Result<String, String> {
    let object = ElfObject::parse(bytes).map_err(|e| e.to_string())?;
    let mut out = String::new();
    let mut first_error = None;
    let mut listed = 0;
    for (info, program) in object.load_all() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("# {} (section {})\n", info.name, info.section));
        match program {
            Ok(program) => {
                out.push_str(&disassemble(&program, syntax));
                listed += 1;
            }
            // One program the VM cannot load does not hide the others.
            Err(e) => {
                out.push_str(&format!("# not loadable: {e}\n"));
                first_error.get_or_insert(format!("program {}: {e}", info.name));
            }
        }
    }
    match first_error {
        Some(e) if listed == 0 => Err(e),
        _ => Ok(out),
    }
}
