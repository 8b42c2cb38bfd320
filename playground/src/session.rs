//! The only module that calls `vm-core`: source text in, a [`Report`] the
//! panels can show out. Nothing here knows about HTML.

use std::sync::Arc;

use vm_core::asm::{assemble, AsmError};
use vm_core::interp::{CompiledProgram, Memory, NoHelpers, Vm, VmConfig};

/// Instructions a run may execute before the UI calls it a runaway loop.
pub const RUN_BUDGET: u64 = 1_000_000;

/// Where in the source something went wrong (1-based, in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
    /// How many characters to underline (at least 1).
    pub len: u32,
    /// What was expected and what was found.
    pub message: String,
}

impl From<AsmError> for SourceError {
    fn from(e: AsmError) -> Self {
        SourceError {
            line: e.line,
            column: e.column,
            len: e.len.max(1),
            message: e.message,
        }
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// `exit` with this `r0`.
    Returned {
        /// The return value.
        r0: u64,
    },
    /// A run-time error at instruction `pc`.
    Fault {
        /// Instruction index.
        pc: usize,
        /// Its source line, when known.
        line: Option<u32>,
        /// What went wrong.
        message: String,
    },
}

/// A finished run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunReport {
    /// How it ended.
    pub end: RunEnd,
    /// Instructions executed.
    pub steps: u64,
    /// r0 to r10 at the end.
    pub regs: [u64; 11],
}

/// What the panels show after Run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// The source did not assemble.
    Asm(SourceError),
    /// It assembled and ran.
    Ran(RunReport),
}

/// Assembles `source` and runs it with no input.
pub fn run(source: &str) -> Report {
    let program = match assemble(source) {
        Ok(p) => p,
        Err(e) => return Report::Asm(e.into()),
    };
    let code = Arc::new(CompiledProgram::new(&program));
    let config = VmConfig {
        budget: RUN_BUDGET,
        ..VmConfig::default()
    };
    let mut vm = Vm::new(code, Memory::new(), config);
    let end = match vm.run(&mut NoHelpers) {
        Ok(r0) => RunEnd::Returned { r0 },
        Err(e) => RunEnd::Fault {
            pc: e.pc,
            line: program.source_map.line_of(e.pc),
            message: e.kind_message(),
        },
    };
    Report::Ran(RunReport {
        end,
        steps: vm.executed(),
        regs: vm.regs(),
    })
}

/// The error's text without the `insn N: ` prefix the panel already shows.
trait KindMessage {
    fn kind_message(&self) -> String;
}

impl KindMessage for vm_core::interp::InterpError {
    fn kind_message(&self) -> String {
        let full = self.to_string();
        let prefix = format!("insn {}: ", self.pc);
        full.strip_prefix(&prefix).unwrap_or(&full).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_r0() {
        match run("r0 = 42\nexit\n") {
            Report::Ran(r) => {
                assert_eq!(r.end, RunEnd::Returned { r0: 42 });
                assert_eq!(r.regs[0], 42);
                assert_eq!(r.steps, 2);
            }
            other => panic!("expected a run, got {other:?}"),
        }
    }

    #[test]
    fn typo_names_line_and_column() {
        match run("r0 = 42\nexti\n") {
            Report::Asm(e) => assert_eq!((e.line, e.column), (2, 1), "{e:?}"),
            other => panic!("expected an assembly error, got {other:?}"),
        }
    }

    #[test]
    fn endless_loop_stops_at_the_budget() {
        match run("l: goto l\n") {
            Report::Ran(RunReport {
                end: RunEnd::Fault { message, .. },
                ..
            }) => assert!(message.contains("budget"), "{message}"),
            other => panic!("expected a budget fault, got {other:?}"),
        }
    }
}
