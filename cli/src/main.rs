//! `bpfplay`: the playground's VM on the command line.
//!
//! One module per subcommand; each parses its own arguments (a clap `Args`
//! struct) and returns the process exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod asm;
mod capture;
mod diagnostic;
mod disasm;
mod input;
mod packet;
mod plugin;
mod prog_array;
mod run;
mod verify;

/// The eBPF playground's VM on the command line.
#[derive(Parser)]
#[command(name = "bpfplay", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Assemble source (pseudo-C or mnemonic) into bytecode.
    Asm(asm::AsmArgs),
    /// Disassemble bytecode (raw, hex text or a clang BPF object) into source.
    Disasm(disasm::DisasmArgs),
    /// Conformance-suite plugin: runs a base16 program from standard input with
    /// r1 = MEMORY_HEX's bytes and r2 = their length; prints r0 in hex.
    Plugin(plugin::PluginArgs),
    /// Show packets from a capture, a JSON packet description or a hex dump,
    /// field by field (`--hex`: one hex line each; `--to-pcap`: write a pcap).
    Packet(packet::PacketArgs),
    /// Run a program on a packet or event with its maps and the built-in helpers;
    /// print r0 and the verdict (`--trace`: every step; `--json`: one object).
    Run(run::RunArgs),
    /// Verify a program as the Linux kernel's verifier would (exit 0 accepted, 1 rejected, 2 unreadable).
    Verify(verify::VerifyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Asm(args) => asm::run(&args),
        Command::Disasm(args) => disasm::run(&args),
        Command::Packet(args) => packet::run(&args),
        Command::Plugin(args) => plugin::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Verify(args) => verify::run(&args),
    }
}
