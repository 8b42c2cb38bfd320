//! The verifier: decides, as the Linux kernel's verifier does, whether a
//! program is safe to run, and records every step so the decision can be
//! watched.
//!
//! It walks every path of the program with abstract states (the kernel's
//! `bpf_verifier_state`): each register is NOT_INIT, a SCALAR_VALUE with a
//! [`Tnum`] and signed/unsigned 64- and 32-bit bounds, or a pointer
//! (`PTR_TO_CTX`, `PTR_TO_STACK`, `PTR_TO_PACKET`, `PTR_TO_MAP_VALUE`, ...);
//! each stack byte is tracked. Conditional jumps refine both sides; states
//! already covered by a verified one are pruned. The kernel on the test host
//! (6.18, loading as root) is the reference for verdicts and messages.
//!
//! - [`cfg`]: structure checks (jumps, unreachable code, `lddw`, last insn).
//! - [`tnum`], [`reg`], [`stack`], [`state`]: the abstract state.
//! - `alu`, `mem`, `branch`, `call`: transfer functions per instruction family.
//! - `prune`: state equivalence at prune points.
//! - [`log`]: the kernel-format log and the step trace.
//!
//! ```
//! use vm_core::isa::{Insn, Reg};
//! use vm_core::verifier::{verify, VerifierOptions};
//! use vm_core::Program;
//!
//! // exit without setting r0
//! let prog = Program::from_insns(vec![Insn::Exit]);
//! let result = verify(&prog, &VerifierOptions::default());
//! assert!(!result.accepted());
//! let err = result.error.as_ref().unwrap();
//! assert_eq!((err.insn, err.message.as_str()), (0, "R0 !read_ok"));
//! assert!(result.log().contains("0: (95) exit\nR0 !read_ok\n"));
//! ```

mod alu;
mod branch;
mod call;
pub mod cfg;
mod error;
mod exec;
pub mod log;
mod mem;
mod prune;
pub mod reg;
pub mod stack;
pub mod state;
pub mod tnum;

use alloc::string::String;
use alloc::vec::Vec;

pub use error::{ErrorKind, VerifierError};
pub use log::{FrameSnapshot, StepEvent, TraceStep};
pub use reg::{RegState, RegType};
pub use tnum::Tnum;

use crate::helpers::HelperRegistry;
use crate::program::{Program, ProgramType};

/// The kernel's limit on processed instructions (`BPF_COMPLEXITY_LIMIT_INSNS`).
pub const COMPLEXITY_LIMIT_INSNS: u64 = 1_000_000;

/// How to verify.
#[derive(Clone, Debug)]
pub struct VerifierOptions {
    /// Verify as this program type instead of [`Program::prog_type`].
    pub prog_type: Option<ProgramType>,
    /// Emulate a privileged (root, `CAP_BPF` + `CAP_PERFMON`) loader, as the
    /// reference kernel runs: reading uninitialised stack and leaking pointers
    /// are allowed. When false, those are rejected as for unprivileged users.
    pub privileged: bool,
    /// Build the kernel-format log text.
    pub log: bool,
    /// Record at most this many trace steps (0 = no trace).
    pub trace_limit: usize,
    /// Processed-instruction limit.
    pub insn_limit: u64,
    /// The helpers a program may call.
    pub helpers: HelperRegistry,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions {
            prog_type: None,
            privileged: true,
            log: true,
            trace_limit: 200_000,
            insn_limit: COMPLEXITY_LIMIT_INSNS,
            helpers: HelperRegistry::builtin(),
        }
    }
}

/// Counters, named as the kernel's summary line names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerifierStats {
    /// Instructions processed over all paths (`processed N insns`).
    pub processed_insns: u64,
    /// Most states saved at a single instruction (`max_states_per_insn`).
    pub max_states_per_insn: u32,
    /// States saved for pruning over the whole run (`total_states`).
    pub total_states: u32,
    /// Most states saved at the same time (`peak_states`).
    pub peak_states: u32,
    /// Paths ended because an equivalent state was already verified.
    pub pruned: u32,
    /// Paths (branches) explored.
    pub paths: u32,
    /// Deepest combined stack of a call chain, in bytes.
    pub stack_depth: u32,
}

/// The verdict, the first error, the statistics, the log and the trace.
#[derive(Clone, Debug)]
pub struct VerifierResult {
    /// The first error, or `None` when the program is accepted.
    pub error: Option<VerifierError>,
    /// Counters.
    pub stats: VerifierStats,
    /// Every processed instruction, in order (up to `trace_limit`).
    pub trace: Vec<TraceStep>,
    /// True when the trace stopped at `trace_limit` before the end.
    pub trace_truncated: bool,
    log: String,
}

impl VerifierResult {
    /// True when the program is accepted.
    pub fn accepted(&self) -> bool {
        self.error.is_none()
    }

    /// The whole log in the kernel's format (`3: (07) r4 += 60 ; R4=pkt(off=60,r=0)`),
    /// ending with the `processed N insns ...` summary.
    pub fn log(&self) -> &str {
        &self.log
    }

    /// How to fix the error ([`VerifierError::fix`]), with the registers of
    /// the failing step when the trace holds it; `None` when accepted.
    pub fn fix(&self) -> Option<String> {
        let e = self.error.as_ref()?;
        let regs = self
            .trace
            .iter()
            .rev()
            .find(|s| s.event == StepEvent::Error && s.insn == e.insn)
            .map(|s| &s.before.regs[..]);
        Some(e.fix(regs))
    }

    /// The kernel's summary line.
    pub fn summary(&self) -> String {
        alloc::format!(
            "processed {} insns (limit {}) max_states_per_insn {} total_states {} peak_states {} mark_read 0",
            self.stats.processed_insns,
            COMPLEXITY_LIMIT_INSNS,
            self.stats.max_states_per_insn,
            self.stats.total_states,
            self.stats.peak_states
        )
    }
}

/// An error found while walking; turned into a [`VerifierError`] with the source line.
#[derive(Clone, Debug)]
pub(crate) struct Reject {
    pub insn: usize,
    pub kind: ErrorKind,
    pub msg: String,
}

/// Verifies `prog`: the verdict, statistics, log and trace.
pub fn verify(prog: &Program, opts: &VerifierOptions) -> VerifierResult {
    exec::run(prog, opts)
}
