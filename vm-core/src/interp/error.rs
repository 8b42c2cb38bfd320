//! [`InterpError`]: why a run stopped before `exit`, always naming the instruction.

use alloc::string::String;
use core::fmt;

use super::memory::MemoryFault;

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpErrorKind {
    /// A load, store or atomic touched memory no region allows.
    Memory(MemoryFault),
    /// The instruction budget ran out (the program may loop forever).
    BudgetExhausted {
        /// The budget that was exceeded.
        budget: u64,
    },
    /// Execution left the program (a jump or fall-through past the end).
    PcOutOfRange {
        /// The instruction index it tried to execute.
        target: i64,
    },
    /// A jump landed on the second slot of an `lddw`.
    JumpIntoLdImm64,
    /// A bpf-to-bpf call beyond the frame limit.
    CallStackOverflow {
        /// The frame limit.
        max_frames: usize,
    },
    /// `LD_ABS`/`LD_IND` with no packet region, or outside the packet.
    PacketLoad {
        /// Packet offset read.
        offset: i64,
        /// Bytes read.
        size: usize,
    },
    /// A helper the environment does not provide.
    UnknownHelper(i64),
    /// A helper failed (its message says why).
    Helper {
        /// The helper's id.
        id: i32,
        /// What the helper reported.
        message: String,
    },
    /// An `lddw` map or BTF reference the environment cannot resolve.
    UnresolvedLdImm64 {
        /// The `src` pseudo kind.
        src: u8,
        /// The immediate.
        imm: i32,
    },
    /// A kfunc call (unsupported).
    Kfunc(i32),
    /// A write to `r10`, the read-only frame pointer.
    FramePointerWrite,
    /// The run already finished (by `exit` or an error); make a new `Vm`.
    Finished,
}

/// A run-time error at instruction `pc`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpError {
    /// Index of the instruction that failed.
    pub pc: usize,
    /// What went wrong.
    pub kind: InterpErrorKind,
}

impl InterpErrorKind {
    /// True for the faults a program the verifier accepted must never hit:
    /// bad memory access, leaving the program, a jump into `lddw`, too deep
    /// calls, an out-of-packet `LD_ABS`. Seeing one after an accepting
    /// verdict is a verifier soundness bug (the property tests and the
    /// `verify` fuzz target check this).
    pub fn is_verifier_preventable(&self) -> bool {
        matches!(
            self,
            InterpErrorKind::Memory(_)
                | InterpErrorKind::PcOutOfRange { .. }
                | InterpErrorKind::JumpIntoLdImm64
                | InterpErrorKind::CallStackOverflow { .. }
                | InterpErrorKind::PacketLoad { .. }
        )
    }
}

impl fmt::Display for InterpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "insn {}: ", self.pc)?;
        match &self.kind {
            InterpErrorKind::Memory(m) => write!(f, "{m}"),
            InterpErrorKind::BudgetExhausted { budget } => {
                write!(f, "instruction budget of {budget} exhausted")
            }
            InterpErrorKind::PcOutOfRange { target } => {
                write!(
                    f,
                    "jump or fall-through out of the program (to insn {target})"
                )
            }
            InterpErrorKind::JumpIntoLdImm64 => f.write_str("jump into the middle of ldimm64 insn"),
            InterpErrorKind::CallStackOverflow { max_frames } => {
                write!(f, "the call stack of {max_frames} frames is too deep")
            }
            InterpErrorKind::PacketLoad { offset, size } => {
                write!(
                    f,
                    "legacy packet load of {size} bytes at offset {offset} is outside the packet"
                )
            }
            InterpErrorKind::UnknownHelper(id) => write!(f, "invalid func unknown#{id}"),
            InterpErrorKind::Helper { id, message } => write!(f, "helper {id} failed: {message}"),
            InterpErrorKind::UnresolvedLdImm64 { src, imm } => {
                write!(f, "cannot resolve ldimm64 pseudo src {src} imm {imm}")
            }
            InterpErrorKind::Kfunc(id) => {
                write!(f, "kernel function calls are not supported (btf id {id})")
            }
            InterpErrorKind::FramePointerWrite => f.write_str("frame pointer is read only"),
            InterpErrorKind::Finished => f.write_str("the program has already finished"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for InterpError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_faults_a_verified_program_cannot_hit_are_verifier_preventable() {
        assert!(InterpErrorKind::JumpIntoLdImm64.is_verifier_preventable());
        assert!(InterpErrorKind::PcOutOfRange { target: 9 }.is_verifier_preventable());
        // Running out of budget or a helper's own failure can happen to any program.
        assert!(!InterpErrorKind::BudgetExhausted { budget: 1 }.is_verifier_preventable());
        assert!(!InterpErrorKind::UnknownHelper(999).is_verifier_preventable());
    }
}
