//! The interpreter: runs a [`Program`](crate::Program) on concrete inputs.
//!
//! - [`memory`]: the regions the program can reach (context, packet, stack,
//!   map values, host memory); every access is checked, a bad one is an
//!   [`InterpError`] naming the instruction and the address, never a panic.
//! - [`CompiledProgram`]: the program pre-decoded once into a flat op form.
//! - [`Vm`]: one run: run to the end, single-step, run to a breakpoint, or
//!   record a [`Trace`] for the debugger to walk forwards and backwards.
//! - [`Env`]: the host's helpers and `lddw` map references, so the runtime
//!   plugs maps and helpers in without touching the executor.
//!
//! ```
//! use std::sync::Arc;
//! use vm_core::interp::{CompiledProgram, Memory, NoHelpers, RegionKind, Vm, VmConfig};
//! use vm_core::isa::decode;
//! use vm_core::isa::Reg;
//!
//! // r0 = *(u8 *)(r1 + 1); exit
//! let bytes = [0x71, 0x10, 1, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
//! let code = Arc::new(CompiledProgram::from_insns(&decode(&bytes).unwrap()));
//! let mut mem = Memory::new();
//! let input = mem.add_region(RegionKind::User, vec![7, 42], false);
//! let addr = mem.region(input).unwrap().base();
//! let mut vm = Vm::new(code, mem, VmConfig::default());
//! vm.set_reg(Reg::R1, addr);
//! assert_eq!(vm.run(&mut NoHelpers), Ok(42));
//! ```

mod env;
mod error;
mod exec;
pub mod memory;
mod op;
mod trace;

pub use env::{func_address, func_pc, Env, HelperError, HelperResult, NoHelpers, CODE_BASE};
pub use error::{InterpError, InterpErrorKind};
pub use exec::{CompiledProgram, Stop, Vm, VmConfig, DEFAULT_BUDGET, MAX_FRAMES, STACK_SIZE};
pub use memory::{AccessKind, Memory, MemoryFault, Region, RegionId, RegionKind};
pub use trace::{HelperWrite, MemAccess, Trace, TraceStep};
