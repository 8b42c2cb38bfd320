//! Whole-program abstract state: one [`FuncState`] per active call frame, plus
//! the references (ring buffer records) the program must still release.

use alloc::vec::Vec;

use super::reg::{RegState, RegType};
use super::stack::StackState;
use crate::isa::Reg;

/// Maximum call depth (`MAX_CALL_FRAMES`).
pub const MAX_CALL_FRAMES: usize = 8;

/// Registers and stack of one function invocation (the kernel's `bpf_func_state`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncState {
    /// `r0` to `r10`.
    pub regs: [RegState; Reg::COUNT],
    /// The frame's stack.
    pub stack: StackState,
    /// The instruction that called this frame (0 for the main program).
    pub callsite: usize,
    /// Position in the call chain (0 = main program).
    pub frameno: u8,
    /// First instruction of the function this frame runs.
    pub subprog_start: usize,
    /// True when this frame is a callback (e.g. of `bpf_loop`).
    pub in_callback: bool,
}

impl FuncState {
    /// A fresh frame: every register uninitialised except `r10`, the frame pointer.
    pub fn new(frameno: u8, callsite: usize, subprog_start: usize) -> FuncState {
        let mut regs = [RegState::NOT_INIT; Reg::COUNT];
        let mut fp = RegState::pointer(RegType::PtrToStack);
        fp.frameno = frameno;
        regs[10] = fp;
        FuncState {
            regs,
            stack: StackState::default(),
            callsite,
            frameno,
            subprog_start,
            in_callback: false,
        }
    }
}

/// The state of one path through the program (the kernel's `bpf_verifier_state`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VerifierState {
    /// Active frames, innermost last.
    pub frames: Vec<FuncState>,
    /// Ids of acquired references not yet released.
    pub refs: Vec<u32>,
}

impl VerifierState {
    /// The innermost frame.
    pub fn cur(&self) -> &FuncState {
        // `frames` is never empty: the verifier creates it with one frame and
        // pops a frame only when another remains.
        &self.frames[self.frames.len() - 1]
    }

    /// The innermost frame, mutably.
    pub fn cur_mut(&mut self) -> &mut FuncState {
        let n = self.frames.len() - 1;
        &mut self.frames[n]
    }

    /// Calls `f` on every register and spilled register of every frame.
    pub fn for_each_reg(&mut self, mut f: impl FnMut(&mut RegState)) {
        for frame in self.frames.iter_mut() {
            for r in frame.regs.iter_mut() {
                f(r);
            }
            for s in frame.stack.slots.iter_mut() {
                if s.is_spill() {
                    f(&mut s.spilled);
                }
            }
        }
    }
}
