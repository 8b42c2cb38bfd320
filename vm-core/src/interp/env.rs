//! [`Env`]: what the host plugs into the interpreter: helper functions and the
//! meaning of `lddw` map references. The executor knows nothing about maps or
//! program types; the runtime implements this trait.

use alloc::string::String;

use super::memory::Memory;
use crate::isa::LdImm64Kind;

/// What a helper call does to the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelperResult {
    /// The helper returns this value in `r0`; r1-r5 become undefined (the
    /// interpreter leaves them as they were).
    Return(u64),
    /// The program ends now with this `r0` (the conformance suite's `unwind`;
    /// a tail call that the host ran to completion).
    Exit(u64),
    /// Call the bpf function at `target` (a [`func_address`] value, as
    /// `lddw` of kind `Func` loads it) with `args` in r1-r5, on a new frame;
    /// when it returns, the interpreter hands its `r0` to
    /// [`Env::callback_returned`]. This is how `bpf_loop` and friends run callbacks
    /// without the interpreter recursing (and so the debugger can step into them).
    CallFunction {
        /// The function's address.
        target: u64,
        /// Its arguments, r1 to r5.
        args: [u64; 5],
    },
}

/// A helper's failure, with a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelperError {
    /// The environment has no helper with this id.
    Unknown,
    /// The helper failed.
    Failed(String),
}

/// Instruction slots are this many bytes apart in the code addresses that
/// [`func_address`] hands out.
const CODE_STRIDE: u64 = 8;
/// Code addresses start here, far above the data regions, so a function
/// pointer can never be dereferenced as data.
pub const CODE_BASE: u64 = 0xc0de_0000_0000;

/// The value a function reference (`lddw` of kind `Func`) loads for the
/// function starting at instruction `pc`.
pub const fn func_address(pc: usize) -> u64 {
    CODE_BASE + pc as u64 * CODE_STRIDE
}

/// The instruction index a [`func_address`] value names, if it is one.
pub fn func_pc(addr: u64) -> Option<usize> {
    let off = addr.checked_sub(CODE_BASE)?;
    if off % CODE_STRIDE != 0 {
        return None;
    }
    usize::try_from(off / CODE_STRIDE).ok()
}

/// The host's side of a run.
///
/// ```
/// use vm_core::interp::{Env, HelperError, HelperResult, Memory};
/// /// Helper 1 doubles its first argument.
/// struct Doubler;
/// impl Env for Doubler {
///     fn call_helper(&mut self, id: i32, args: [u64; 5], _mem: &mut Memory)
///         -> Result<HelperResult, HelperError> {
///         match id {
///             1 => Ok(HelperResult::Return(args[0].wrapping_mul(2))),
///             _ => Err(HelperError::Unknown),
///         }
///     }
/// }
/// ```
pub trait Env {
    /// Runs helper `id` with r1-r5; `mem` is the program's memory (helpers
    /// read keys and write buffers through it, and may map new regions, e.g.
    /// a map value to return a pointer to).
    fn call_helper(
        &mut self,
        id: i32,
        args: [u64; 5],
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError>;

    /// A callback requested with [`HelperResult::CallFunction`] returned `ret`;
    /// decide what happens next (call it again, or return from the helper).
    fn callback_returned(
        &mut self,
        ret: u64,
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        let _ = (ret, mem);
        Err(HelperError::Failed(String::from(
            "this environment runs no callbacks",
        )))
    }

    /// The value an `lddw` with a map pseudo kind (`MapFd`, `MapValue`,
    /// `MapIdx`, `MapIdxValue`) or `BtfId` loads: a map handle, or the address
    /// of a map value `next_imm` bytes in. `None` when it names nothing.
    /// Evaluated each time the instruction runs.
    fn resolve_ld_imm64(
        &mut self,
        kind: LdImm64Kind,
        imm: i32,
        next_imm: i32,
        mem: &mut Memory,
    ) -> Option<u64> {
        let _ = (kind, imm, next_imm, mem);
        None
    }
}

/// An environment without helpers or maps: programs that only compute.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHelpers;

impl Env for NoHelpers {
    fn call_helper(
        &mut self,
        _: i32,
        _: [u64; 5],
        _: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        Err(HelperError::Unknown)
    }
}

impl<E: Env + ?Sized> Env for &mut E {
    fn call_helper(
        &mut self,
        id: i32,
        args: [u64; 5],
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        (**self).call_helper(id, args, mem)
    }
    fn callback_returned(
        &mut self,
        ret: u64,
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        (**self).callback_returned(ret, mem)
    }
    fn resolve_ld_imm64(
        &mut self,
        kind: LdImm64Kind,
        imm: i32,
        next_imm: i32,
        mem: &mut Memory,
    ) -> Option<u64> {
        (**self).resolve_ld_imm64(kind, imm, next_imm, mem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_addresses_round_trip() {
        assert_eq!(func_pc(func_address(0)), Some(0));
        assert_eq!(func_pc(func_address(17)), Some(17));
        assert_eq!(func_pc(func_address(3) + 1), None);
        assert_eq!(func_pc(5), None);
    }
}
