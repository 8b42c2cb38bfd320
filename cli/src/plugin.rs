//! `bpfplay plugin`: the bpf_conformance suite's plugin protocol, so the
//! suite's own runner can drive this VM with `--plugin_path bpfplay
//! --plugin_options plugin`: the program arrives base16-encoded on standard
//! input, the memory base16-encoded as the argument; r0 is printed in hex.

use std::io::Read;
use std::process::ExitCode;

use clap::Args;
use vm_core::conformance::{parse_hex_bytes, run_insns};
use vm_core::elf::ElfObject;
use vm_core::isa::decode;

/// Arguments of `bpfplay plugin`.
#[derive(Args)]
pub struct PluginArgs {
    /// The input memory, base16 (`aabb11...`); r1 points at it, r2 holds its length.
    memory_hex: Option<String>,
    /// Standard input holds a base16 ELF object (its first program runs) instead of bytecode.
    #[arg(long)]
    elf: bool,
}

/// Runs the plugin protocol; exit code 0 with r0 on standard output, or 1
/// with the error on standard error.
pub fn run(args: &PluginArgs) -> ExitCode {
    match plugin(args) {
        Ok(r0) => {
            println!("{r0:x}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bpfplay plugin: {e}");
            ExitCode::FAILURE
        }
    }
}

fn plugin(args: &PluginArgs) -> Result<u64, String> {
    let mut stdin = String::new();
    std::io::stdin()
        .read_to_string(&mut stdin)
        .map_err(|e| format!("cannot read the program from standard input: {e}"))?;
    let bytes = parse_hex_bytes(&stdin).map_err(|e| format!("program: {e}"))?;
    let memory = match &args.memory_hex {
        Some(hex) => parse_hex_bytes(hex).map_err(|e| format!("memory: {e}"))?,
        None => Vec::new(),
    };
    let insns = if args.elf {
        let object = ElfObject::parse(&bytes).map_err(|e| e.to_string())?;
        let info = object
            .programs()
            .first()
            .ok_or("the object holds no program")?;
        object.load(info).map_err(|e| e.to_string())?.insns
    } else {
        decode(&bytes).map_err(|e| e.to_string())?
    };
    run_insns(&insns, &memory).map_err(|e| e.to_string())
}
