//! A portable eBPF virtual machine.
//!
//! Data flows one way, and each stage is a pure function of the previous one's output:
//!
//! 1. source text ([`asm`]) or raw bytecode ([`isa::decode`]) becomes a [`Program`];
//! 2. the verifier walks every path of the program with abstract states;
//! 3. the interpreter runs it on concrete inputs, recording a trace;
//! 4. the results (return value, maps, packet, trace) go to the caller or the UI.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod asm;
pub mod conformance;
pub mod ctx;
pub mod disasm;
pub mod elf;
pub mod helpers;
pub mod interp;
pub mod isa;
pub mod maps;
pub mod program;
pub mod run;
pub mod verifier;

pub use program::{LineInfo, MapDef, MapType, Program, ProgramType, SourceMap};
