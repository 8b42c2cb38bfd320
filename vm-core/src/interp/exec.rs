//! The executor: a [`Vm`] runs a [`CompiledProgram`] in one tight loop over
//! pre-decoded ops, with the registers in locals, and stops at `exit`, an
//! error, a breakpoint or after a number of steps.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use super::env::{func_pc, Env, HelperError, HelperResult};
use super::error::{InterpError, InterpErrorKind};
use super::memory::{Memory, RegionId, RegionKind};
use super::op::{compile, Op};
use super::trace::{HelperWrite, MemAccess, Observer, Silent, Trace};
use crate::isa::{AtomicOp, Insn, Reg};
use crate::program::Program;

/// Bytes of stack per call frame, as in the kernel.
pub const STACK_SIZE: usize = 512;
/// Call frames at most (the main program plus seven nested calls), as in the kernel.
pub const MAX_FRAMES: usize = 8;
/// Instructions a run may execute by default before it is stopped.
pub const DEFAULT_BUDGET: u64 = 10_000_000;

/// A program pre-decoded for execution; compile once, run many times.
#[derive(Clone, Debug)]
pub struct CompiledProgram {
    ops: Vec<Op>,
    len: usize,
}

impl CompiledProgram {
    /// Compiles a program's instructions. Never fails: encodings that can only
    /// go wrong at run time become errors when (and if) they are reached.
    pub fn new(program: &Program) -> CompiledProgram {
        CompiledProgram::from_insns(&program.insns)
    }

    /// Compiles bare instructions.
    pub fn from_insns(insns: &[Insn]) -> CompiledProgram {
        CompiledProgram {
            ops: compile(insns),
            len: insns.len(),
        }
    }

    /// Number of instruction slots.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the program has no instructions.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Limits of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VmConfig {
    /// Instructions the run may execute in total.
    pub budget: u64,
    /// Call frames at most (1 to [`MAX_FRAMES`]).
    pub max_frames: usize,
}

impl Default for VmConfig {
    fn default() -> VmConfig {
        VmConfig {
            budget: DEFAULT_BUDGET,
            max_frames: MAX_FRAMES,
        }
    }
}

/// Why a run returned without an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The program executed `exit` in its main function (or a helper ended it); `r0`.
    Exited(u64),
    /// Execution reached a breakpoint; the instruction at this index has not run yet.
    Breakpoint(usize),
    /// The requested number of steps ran; the program goes on from [`Vm::pc`].
    Paused,
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    /// Where the caller continues.
    ret_pc: usize,
    /// The caller's r6-r9.
    saved: [u64; 4],
    /// Whether a helper called this function; its `r0` goes back to the environment.
    callback: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Running,
    Exited(u64),
    Failed,
}

/// One run of a program: registers, call frames, memory, and where it is.
///
/// ```
/// use vm_core::interp::{CompiledProgram, Memory, NoHelpers, Vm, VmConfig};
/// use vm_core::isa::{Insn, Operand, Reg, AluOp, Width};
/// use std::sync::Arc;
///
/// // r0 = 42; exit
/// let insns = [
///     Insn::Alu { width: Width::W64, op: AluOp::Mov, dst: Reg::R0, src: Operand::Imm(42) },
///     Insn::Exit,
/// ];
/// let code = Arc::new(CompiledProgram::from_insns(&insns));
/// let mut vm = Vm::new(code, Memory::new(), VmConfig::default());
/// assert_eq!(vm.run(&mut NoHelpers), Ok(42));
/// ```
#[derive(Clone, Debug)]
pub struct Vm {
    code: Arc<CompiledProgram>,
    /// r0-r10; 11-15 are never used (a 16-entry file lets the executor mask
    /// register numbers instead of bounds-checking them).
    regs: [u64; 16],
    pc: usize,
    frames: Vec<Frame>,
    mem: Memory,
    stack: RegionId,
    stack_top: u64,
    config: VmConfig,
    executed: u64,
    state: State,
    /// The deepest call depth reached: [`Vm::reset`] zeroes only those frames.
    max_depth: usize,
}

impl Vm {
    /// A run at instruction 0 with all registers zero except `r10`, which points
    /// at the top of a fresh zeroed stack mapped into `memory`. Set arguments
    /// (`r1` = context address ...) with [`Vm::set_reg`] before running.
    pub fn new(code: Arc<CompiledProgram>, mut memory: Memory, config: VmConfig) -> Vm {
        let max_frames = config.max_frames.clamp(1, MAX_FRAMES);
        let stack_len = STACK_SIZE * max_frames;
        let stack = memory.add_region(RegionKind::Stack, vec![0; stack_len], true);
        let base = memory.region(stack).map(|r| r.base()).unwrap_or(0);
        memory.set_accessible_from(stack, stack_len - STACK_SIZE);
        let stack_top = base + stack_len as u64;
        let mut regs = [0u64; 16];
        regs[10] = stack_top;
        Vm {
            code,
            regs,
            pc: 0,
            frames: Vec::with_capacity(max_frames),
            mem: memory,
            stack,
            stack_top,
            config: VmConfig {
                budget: config.budget,
                max_frames,
            },
            executed: 0,
            state: State::Running,
            max_depth: 0,
        }
    }

    /// Makes the run start over at instruction 0 with the same memory: registers
    /// zero except `r10`, the stack zeroed, the budget full. A host that runs a
    /// program over many inputs reuses one `Vm` this way instead of mapping
    /// its regions again; change the inputs through [`Vm::memory_mut`].
    pub fn reset(&mut self) {
        self.regs = [0; 16];
        self.regs[10] = self.stack_top;
        self.pc = 0;
        self.frames.clear();
        self.executed = 0;
        self.state = State::Running;
        let used = STACK_SIZE * (self.max_depth + 1);
        self.max_depth = 0;
        let lo = self.frame_lo(0);
        if let Some(stack) = self.mem.region_mut(self.stack) {
            let data = stack.data_mut();
            let start = data.len().saturating_sub(used);
            if let Some(live) = data.get_mut(start..) {
                live.fill(0);
            }
        }
        self.mem.set_accessible_from(self.stack, lo);
    }

    /// Index of the next instruction to run.
    pub fn pc(&self) -> usize {
        self.pc
    }

    /// r0 to r10.
    pub fn regs(&self) -> [u64; 11] {
        let mut out = [0u64; 11];
        out.copy_from_slice(&self.regs[..11]);
        out
    }

    /// One register.
    pub fn reg(&self, reg: Reg) -> u64 {
        self.regs[reg.index() & 15]
    }

    /// Sets a register (arguments before the run, or edits in the debugger).
    pub fn set_reg(&mut self, reg: Reg, value: u64) {
        self.regs[reg.index() & 15] = value;
    }

    /// The program's memory.
    pub fn memory(&self) -> &Memory {
        &self.mem
    }

    /// The program's memory, to change it between steps.
    pub fn memory_mut(&mut self) -> &mut Memory {
        &mut self.mem
    }

    /// Ends the run and gives the memory back (the host reads packets and map values from it).
    pub fn into_memory(self) -> Memory {
        self.mem
    }

    /// The stack region (all frames).
    pub fn stack_region(&self) -> RegionId {
        self.stack
    }

    /// The address one past the main frame's stack (its `r10`).
    pub fn stack_top(&self) -> u64 {
        self.stack_top
    }

    /// Current call depth (0 = main program).
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Instructions executed so far.
    pub fn executed(&self) -> u64 {
        self.executed
    }

    /// `r0` once the program has exited.
    pub fn exit_value(&self) -> Option<u64> {
        match self.state {
            State::Exited(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the run is over (exited or failed).
    pub fn is_finished(&self) -> bool {
        self.state != State::Running
    }

    /// Runs to `exit`; returns `r0`.
    pub fn run<E: Env>(&mut self, env: &mut E) -> Result<u64, InterpError> {
        loop {
            match self.exec::<_, _, false>(env, &mut Silent, u64::MAX, &[])? {
                Stop::Exited(v) => return Ok(v),
                Stop::Breakpoint(_) | Stop::Paused => {}
            }
        }
    }

    /// Runs one instruction.
    pub fn step<E: Env>(&mut self, env: &mut E) -> Result<Stop, InterpError> {
        self.exec::<_, _, false>(env, &mut Silent, 1, &[])
    }

    /// Runs at most `steps` instructions.
    pub fn run_steps<E: Env>(&mut self, env: &mut E, steps: u64) -> Result<Stop, InterpError> {
        self.exec::<_, _, false>(env, &mut Silent, steps, &[])
    }

    /// Runs until the next instruction to execute is a breakpoint
    /// (`breakpoints[pc]` is true), the program exits, or an error. The
    /// instruction at the current `pc` always runs, so calling it again continues.
    pub fn run_to_breakpoint<E: Env>(
        &mut self,
        env: &mut E,
        breakpoints: &[bool],
    ) -> Result<Stop, InterpError> {
        self.exec::<_, _, true>(env, &mut Silent, u64::MAX, breakpoints)
    }

    /// Runs at most `steps` instructions (or to a breakpoint when `breakpoints`
    /// is not empty), recording each into `trace`.
    ///
    /// A debugger walks the recorded steps in either direction: each step has
    /// the registers before and after, and the old and new value of every
    /// memory access (and of what a helper wrote).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vm_core::asm::assemble;
    /// use vm_core::interp::{CompiledProgram, Memory, NoHelpers, Stop, Trace, Vm, VmConfig};
    ///
    /// let program = assemble("*(u64 *)(r10 - 8) = 7\nr0 = *(u64 *)(r10 - 8)\nr0 += 1\nexit").unwrap();
    /// let mut vm = Vm::new(Arc::new(CompiledProgram::new(&program)), Memory::new(), VmConfig::default());
    /// let mut trace = Trace::default();
    /// assert_eq!(vm.run_traced(&mut NoHelpers, &mut trace, u64::MAX, &[]), Ok(Stop::Exited(8)));
    /// // Step 2 (`r0 += 1`) changed r0 from 7 to 8; stepping back shows r0 = 7 again.
    /// assert_eq!(trace.steps[2].changed_regs().collect::<Vec<_>>(), [(0, 7, 8)]);
    /// // Before step 0 the stack slot held 0; after it, 7.
    /// let slot = vm.stack_top() - 8;
    /// assert_eq!(trace.value_before(0, slot, 8, 7), 0);
    /// assert_eq!(trace.steps[0].mem[0].new, 7);
    /// ```
    pub fn run_traced<E: Env>(
        &mut self,
        env: &mut E,
        trace: &mut Trace,
        steps: u64,
        breakpoints: &[bool],
    ) -> Result<Stop, InterpError> {
        if breakpoints.is_empty() {
            self.exec::<_, _, false>(env, trace, steps, breakpoints)
        } else {
            self.exec::<_, _, true>(env, trace, steps, breakpoints)
        }
    }

    fn fail(&mut self, pc: usize, regs: &[u64; 16], kind: InterpErrorKind) -> InterpError {
        self.regs = *regs;
        self.pc = pc;
        self.state = State::Failed;
        InterpError { pc, kind }
    }

    fn frame_lo(&self, depth: usize) -> usize {
        STACK_SIZE * (self.config.max_frames - 1 - depth)
    }

    /// Pushes a frame and enters the function at `target`.
    fn enter(
        &mut self,
        regs: &mut [u64; 16],
        ret_pc: usize,
        target: usize,
        callback: bool,
    ) -> Result<usize, InterpErrorKind> {
        if self.frames.len() + 1 >= self.config.max_frames {
            return Err(InterpErrorKind::CallStackOverflow {
                max_frames: self.config.max_frames,
            });
        }
        if target >= self.code.len {
            return Err(InterpErrorKind::PcOutOfRange {
                target: target as i64,
            });
        }
        self.frames.push(Frame {
            ret_pc,
            saved: [regs[6], regs[7], regs[8], regs[9]],
            callback,
        });
        let depth = self.frames.len();
        self.max_depth = self.max_depth.max(depth);
        regs[10] = self.stack_top - (depth * STACK_SIZE) as u64;
        let lo = self.frame_lo(depth);
        self.mem.set_accessible_from(self.stack, lo);
        Ok(target)
    }

    /// Applies what a helper (or a callback's return) asks for; returns the next pc,
    /// or `Err(Ok(r0))` when the program ends.
    fn helper_outcome(
        &mut self,
        id: i32,
        res: Result<HelperResult, HelperError>,
        regs: &mut [u64; 16],
        ret_pc: usize,
    ) -> Result<usize, Result<u64, InterpErrorKind>> {
        match res {
            Ok(HelperResult::Return(v)) => {
                regs[0] = v;
                Ok(ret_pc)
            }
            Ok(HelperResult::Exit(v)) => {
                regs[0] = v;
                Err(Ok(v))
            }
            Ok(HelperResult::CallFunction { target, args }) => {
                let Some(t) = func_pc(target) else {
                    return Err(Err(InterpErrorKind::Helper {
                        id,
                        message: alloc::format!("callback {target:#x} is not a function address"),
                    }));
                };
                regs[1..6].copy_from_slice(&args);
                self.enter(regs, ret_pc, t, true).map_err(Err)
            }
            Err(HelperError::Unknown) => Err(Err(InterpErrorKind::UnknownHelper(id as i64))),
            Err(HelperError::Failed(message)) => Err(Err(InterpErrorKind::Helper { id, message })),
        }
    }

    fn call_helper<E: Env>(
        &mut self,
        env: &mut E,
        id: i32,
        regs: &mut [u64; 16],
        pc: usize,
    ) -> Result<usize, Result<u64, InterpErrorKind>> {
        let args = [regs[1], regs[2], regs[3], regs[4], regs[5]];
        let res = env.call_helper(id, args, &mut self.mem);
        self.helper_outcome(id, res, regs, pc + 1)
    }

    /// The main loop. `BP` enables breakpoint checks; `O` records a trace.
    #[inline(never)]
    fn exec<E: Env, O: Observer, const BP: bool>(
        &mut self,
        env: &mut E,
        obs: &mut O,
        steps: u64,
        breakpoints: &[bool],
    ) -> Result<Stop, InterpError> {
        match self.state {
            State::Running => {}
            State::Exited(v) => return Ok(Stop::Exited(v)),
            State::Failed => {
                return Err(InterpError {
                    pc: self.pc,
                    kind: InterpErrorKind::Finished,
                })
            }
        }
        let code = Arc::clone(&self.code);
        let ops: &[Op] = &code.ops;
        let mut regs = self.regs;
        let mut pc = self.pc;
        let budget_left = self.config.budget.saturating_sub(self.executed);
        let limit = steps.min(budget_left);
        // Steps left in this call; counting down keeps the check one compare with zero.
        let mut left: u64 = limit;

        macro_rules! reg {
            ($r:expr) => {
                regs[($r as usize) & 15]
            };
        }
        // The low 32 bits of a register, as ALU32 operations read it.
        macro_rules! reg32 {
            ($r:expr) => {
                (reg!($r) as u32)
            };
        }
        macro_rules! fail {
            ($kind:expr) => {{
                self.executed += limit - left;
                return Err(self.fail(pc, &regs, $kind));
            }};
        }
        macro_rules! mem_fault {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(f) => fail!(InterpErrorKind::Memory(f)),
                }
            };
        }
        macro_rules! load {
            ($d:expr, $s:expr, $off:expr, $n:literal, $conv:expr) => {{
                let addr = reg!($s).wrapping_add($off as i64 as u64);
                let bytes = mem_fault!(self.mem.load::<$n>(addr));
                let v: u64 = $conv(bytes);
                if O::ENABLED {
                    let mut b = [0u8; 8];
                    b[..$n].copy_from_slice(&bytes);
                    let raw = u64::from_le_bytes(b);
                    obs.mem(MemAccess {
                        addr,
                        size: $n,
                        write: false,
                        old: raw,
                        new: raw,
                    });
                }
                reg!($d) = v;
                pc += 1;
            }};
        }
        macro_rules! store {
            ($d:expr, $off:expr, $n:literal, $v:expr) => {{
                let addr = reg!($d).wrapping_add($off as i64 as u64);
                let v: u64 = $v;
                let old = if O::ENABLED {
                    self.mem.peek(addr, $n).unwrap_or(0)
                } else {
                    0
                };
                let mut bytes = [0u8; $n];
                bytes.copy_from_slice(&v.to_le_bytes()[..$n]);
                mem_fault!(self.mem.store::<$n>(addr, bytes));
                if O::ENABLED {
                    let mask = if $n == 8 {
                        u64::MAX
                    } else {
                        (1u64 << ($n * 8)) - 1
                    };
                    obs.mem(MemAccess {
                        addr,
                        size: $n,
                        write: true,
                        old,
                        new: v & mask,
                    });
                }
                pc += 1;
            }};
        }
        // Runs a helper call; in traced runs, records what it wrote into memory.
        macro_rules! journaled {
            ($e:expr) => {{
                if O::ENABLED {
                    self.mem.start_journal();
                }
                let result = $e;
                if O::ENABLED {
                    for (addr, old) in self.mem.take_journal() {
                        let new = self
                            .mem
                            .peek_bytes(addr, old.len())
                            .map(<[u8]>::to_vec)
                            .unwrap_or_default();
                        obs.helper_write(HelperWrite { addr, old, new });
                    }
                }
                result
            }};
        }
        macro_rules! alu64 {
            ($d:expr, $v:expr) => {{
                reg!($d) = $v;
                pc += 1;
            }};
        }
        macro_rules! alu32 {
            ($d:expr, $v:expr) => {{
                let v: u32 = $v;
                reg!($d) = v as u64;
                pc += 1;
            }};
        }
        macro_rules! jmp {
            ($cond:expr, $t:expr) => {{
                if $cond {
                    pc = $t as usize;
                } else {
                    pc += 1;
                }
            }};
        }

        let stop = loop {
            if left == 0 {
                break None;
            }
            if BP && left < limit && breakpoints.get(pc).copied().unwrap_or(false) {
                break Some(Stop::Breakpoint(pc));
            }
            let Some(&op) = ops.get(pc) else {
                fail!(InterpErrorKind::PcOutOfRange { target: pc as i64 });
            };
            left -= 1;
            if O::ENABLED {
                obs.begin(pc, self.frames.len(), &regs);
            }
            match op {
                Op::Add64R(d, s) => alu64!(d, reg!(d).wrapping_add(reg!(s))),
                Op::Sub64R(d, s) => alu64!(d, reg!(d).wrapping_sub(reg!(s))),
                Op::Mul64R(d, s) => alu64!(d, reg!(d).wrapping_mul(reg!(s))),
                Op::Div64R(d, s) => alu64!(d, reg!(d).checked_div(reg!(s)).unwrap_or(0)),
                Op::Sdiv64R(d, s) => alu64!(d, sdiv64(reg!(d), reg!(s))),
                Op::Or64R(d, s) => alu64!(d, reg!(d) | reg!(s)),
                Op::And64R(d, s) => alu64!(d, reg!(d) & reg!(s)),
                Op::Lsh64R(d, s) => alu64!(d, reg!(d) << (reg!(s) & 63)),
                Op::Rsh64R(d, s) => alu64!(d, reg!(d) >> (reg!(s) & 63)),
                Op::Mod64R(d, s) => alu64!(d, umod64(reg!(d), reg!(s))),
                Op::Smod64R(d, s) => alu64!(d, smod64(reg!(d), reg!(s))),
                Op::Xor64R(d, s) => alu64!(d, reg!(d) ^ reg!(s)),
                Op::Mov64R(d, s) => alu64!(d, reg!(s)),
                Op::Arsh64R(d, s) => alu64!(d, ((reg!(d) as i64) >> (reg!(s) & 63)) as u64),
                Op::Add64I(d, k) => alu64!(d, reg!(d).wrapping_add(k as u64)),
                Op::Mul64I(d, k) => alu64!(d, reg!(d).wrapping_mul(k as u64)),
                Op::Div64I(d, k) => alu64!(d, reg!(d).checked_div(k).unwrap_or(0)),
                Op::Sdiv64I(d, k) => alu64!(d, sdiv64(reg!(d), k as u64)),
                Op::Or64I(d, k) => alu64!(d, reg!(d) | k as u64),
                Op::And64I(d, k) => alu64!(d, reg!(d) & k as u64),
                Op::Lsh64I(d, k) => alu64!(d, reg!(d) << (k & 63)),
                Op::Rsh64I(d, k) => alu64!(d, reg!(d) >> (k & 63)),
                Op::Mod64I(d, k) => alu64!(d, umod64(reg!(d), k)),
                Op::Smod64I(d, k) => alu64!(d, smod64(reg!(d), k as u64)),
                Op::Xor64I(d, k) => alu64!(d, reg!(d) ^ k as u64),
                Op::Mov64I(d, k) => alu64!(d, k as u64),
                Op::Arsh64I(d, k) => alu64!(d, ((reg!(d) as i64) >> (k & 63)) as u64),
                Op::Neg64(d) => alu64!(d, reg!(d).wrapping_neg()),
                Op::Movsx64B(d, s) => alu64!(d, reg!(s) as i8 as i64 as u64),
                Op::Movsx64H(d, s) => alu64!(d, reg!(s) as i16 as i64 as u64),
                Op::Movsx64W(d, s) => alu64!(d, reg!(s) as i32 as i64 as u64),

                Op::Add32R(d, s) => alu32!(d, reg32!(d).wrapping_add(reg32!(s))),
                Op::Sub32R(d, s) => alu32!(d, reg32!(d).wrapping_sub(reg32!(s))),
                Op::Mul32R(d, s) => alu32!(d, reg32!(d).wrapping_mul(reg32!(s))),
                Op::Div32R(d, s) => {
                    alu32!(d, reg32!(d).checked_div(reg32!(s)).unwrap_or(0))
                }
                Op::Sdiv32R(d, s) => alu32!(d, sdiv32(reg32!(d), reg32!(s))),
                Op::Or32R(d, s) => alu32!(d, reg32!(d) | reg32!(s)),
                Op::And32R(d, s) => alu32!(d, reg32!(d) & reg32!(s)),
                Op::Lsh32R(d, s) => alu32!(d, reg32!(d) << (reg!(s) & 31)),
                Op::Rsh32R(d, s) => alu32!(d, reg32!(d) >> (reg!(s) & 31)),
                Op::Mod32R(d, s) => alu32!(d, umod32(reg32!(d), reg32!(s))),
                Op::Smod32R(d, s) => alu32!(d, smod32(reg32!(d), reg32!(s))),
                Op::Xor32R(d, s) => alu32!(d, reg32!(d) ^ reg32!(s)),
                Op::Mov32R(d, s) => alu32!(d, reg32!(s)),
                Op::Arsh32R(d, s) => alu32!(d, ((reg!(d) as i32) >> (reg!(s) & 31)) as u32),
                Op::Add32I(d, k) => alu32!(d, reg32!(d).wrapping_add(k)),
                Op::Mul32I(d, k) => alu32!(d, reg32!(d).wrapping_mul(k)),
                Op::Div32I(d, k) => alu32!(d, reg32!(d).checked_div(k).unwrap_or(0)),
                Op::Sdiv32I(d, k) => alu32!(d, sdiv32(reg32!(d), k as u32)),
                Op::Or32I(d, k) => alu32!(d, reg32!(d) | k),
                Op::And32I(d, k) => alu32!(d, reg32!(d) & k),
                Op::Lsh32I(d, k) => alu32!(d, reg32!(d) << (k & 31)),
                Op::Rsh32I(d, k) => alu32!(d, reg32!(d) >> (k & 31)),
                Op::Mod32I(d, k) => alu32!(d, umod32(reg32!(d), k)),
                Op::Smod32I(d, k) => alu32!(d, smod32(reg32!(d), k as u32)),
                Op::Xor32I(d, k) => alu32!(d, reg32!(d) ^ k),
                Op::Mov32I(d, k) => alu32!(d, k),
                Op::Arsh32I(d, k) => alu32!(d, ((reg!(d) as i32) >> (k & 31)) as u32),
                Op::Neg32(d) => alu32!(d, reg32!(d).wrapping_neg()),
                Op::Movsx32B(d, s) => alu32!(d, reg!(s) as i8 as i32 as u32),
                Op::Movsx32H(d, s) => alu32!(d, reg!(s) as i16 as i32 as u32),

                Op::Swap16(d) => alu64!(d, (reg!(d) as u16).swap_bytes() as u64),
                Op::Swap32(d) => alu64!(d, (reg!(d) as u32).swap_bytes() as u64),
                Op::Swap64(d) => alu64!(d, reg!(d).swap_bytes()),
                Op::Trunc16(d) => alu64!(d, reg!(d) as u16 as u64),
                Op::Trunc32(d) => alu64!(d, reg!(d) as u32 as u64),
                Op::Nop => pc += 1,

                Op::LdImm64(d, v) => {
                    reg!(d) = v;
                    pc += 2;
                }
                Op::LdImm64Env(d, kind, imm, next_imm) => {
                    match env.resolve_ld_imm64(kind, imm, next_imm, &mut self.mem) {
                        Some(v) => reg!(d) = v,
                        None => fail!(InterpErrorKind::UnresolvedLdImm64 {
                            src: kind.src(),
                            imm
                        }),
                    }
                    pc += 2;
                }

                Op::Ldx8(d, s, off) => load!(d, s, off, 1, |b: [u8; 1]| b[0] as u64),
                Op::Ldx16(d, s, off) => load!(d, s, off, 2, |b| u16::from_le_bytes(b) as u64),
                Op::Ldx32(d, s, off) => load!(d, s, off, 4, |b| u32::from_le_bytes(b) as u64),
                Op::Ldx64(d, s, off) => load!(d, s, off, 8, u64::from_le_bytes),
                Op::Ldxs8(d, s, off) => load!(d, s, off, 1, |b: [u8; 1]| b[0] as i8 as i64 as u64),
                Op::Ldxs16(d, s, off) => {
                    load!(d, s, off, 2, |b| i16::from_le_bytes(b) as i64 as u64)
                }
                Op::Ldxs32(d, s, off) => {
                    load!(d, s, off, 4, |b| i32::from_le_bytes(b) as i64 as u64)
                }
                Op::Stx8(d, s, off) => store!(d, off, 1, reg!(s)),
                Op::Stx16(d, s, off) => store!(d, off, 2, reg!(s)),
                Op::Stx32(d, s, off) => store!(d, off, 4, reg!(s)),
                Op::Stx64(d, s, off) => store!(d, off, 8, reg!(s)),
                Op::St8(d, k, off) => store!(d, off, 1, k as i64 as u64),
                Op::St16(d, k, off) => store!(d, off, 2, k as i64 as u64),
                Op::St32(d, k, off) => store!(d, off, 4, k as i64 as u64),
                Op::St64(d, k, off) => store!(d, off, 8, k as i64 as u64),
                Op::Atomic32(d, s, off, spec) => {
                    let (aop, fetch) = spec.parts();
                    let addr = reg!(d).wrapping_add(off as i64 as u64);
                    let old = mem_fault!(self.mem.load::<4>(addr).map(u32::from_le_bytes)) as u64;
                    let (new, fetched) = atomic(aop, fetch, old, reg!(s), reg!(0), u32::MAX as u64);
                    mem_fault!(self.mem.store::<4>(addr, (new as u32).to_le_bytes()));
                    if O::ENABLED {
                        obs.mem(MemAccess {
                            addr,
                            size: 4,
                            write: true,
                            old,
                            new,
                        });
                    }
                    apply_fetch(&mut regs, aop, s, fetched);
                    pc += 1;
                }
                Op::Atomic64(d, s, off, spec) => {
                    let (aop, fetch) = spec.parts();
                    let addr = reg!(d).wrapping_add(off as i64 as u64);
                    let old = mem_fault!(self.mem.load::<8>(addr).map(u64::from_le_bytes));
                    let (new, fetched) = atomic(aop, fetch, old, reg!(s), reg!(0), u64::MAX);
                    mem_fault!(self.mem.store::<8>(addr, new.to_le_bytes()));
                    if O::ENABLED {
                        obs.mem(MemAccess {
                            addr,
                            size: 8,
                            write: true,
                            old,
                            new,
                        });
                    }
                    apply_fetch(&mut regs, aop, s, fetched);
                    pc += 1;
                }
                Op::LdAbs(size, imm) | Op::LdInd(size, _, imm) => {
                    let off = match op {
                        Op::LdInd(_, s, _) => {
                            (reg!(s) as u32 as i32 as i64).wrapping_add(imm as i64)
                        }
                        _ => imm as i64,
                    };
                    let Some(packet) = self.mem.packet() else {
                        fail!(InterpErrorKind::PacketLoad {
                            offset: off,
                            size: size as usize
                        });
                    };
                    let bytes = usize::try_from(off)
                        .ok()
                        .and_then(|o| packet.data().get(o..o.checked_add(size as usize)?));
                    match bytes {
                        Some(b) => {
                            let v = b.iter().fold(0u64, |acc, x| (acc << 8) | *x as u64);
                            if O::ENABLED {
                                let addr = packet.base().wrapping_add(off as u64);
                                let raw = self.mem.peek(addr, size as usize).unwrap_or(0);
                                obs.mem(MemAccess {
                                    addr,
                                    size,
                                    write: false,
                                    old: raw,
                                    new: raw,
                                });
                            }
                            regs[0] = v;
                            pc += 1;
                        }
                        None => {
                            // The kernel ends the program with 0 when a legacy
                            // packet load falls outside the packet.
                            regs[0] = 0;
                            if O::ENABLED {
                                obs.end(&regs);
                            }
                            break Some(self.finish(&regs, pc, 0));
                        }
                    }
                }

                Op::Ja(t) => pc = t as usize,
                Op::Jeq64R(d, s, t) => jmp!(reg!(d) == reg!(s), t),
                Op::Jgt64R(d, s, t) => jmp!(reg!(d) > reg!(s), t),
                Op::Jge64R(d, s, t) => jmp!(reg!(d) >= reg!(s), t),
                Op::Jset64R(d, s, t) => jmp!(reg!(d) & reg!(s) != 0, t),
                Op::Jne64R(d, s, t) => jmp!(reg!(d) != reg!(s), t),
                Op::Jsgt64R(d, s, t) => jmp!((reg!(d) as i64) > reg!(s) as i64, t),
                Op::Jsge64R(d, s, t) => jmp!((reg!(d) as i64) >= reg!(s) as i64, t),
                Op::Jlt64R(d, s, t) => jmp!(reg!(d) < reg!(s), t),
                Op::Jle64R(d, s, t) => jmp!(reg!(d) <= reg!(s), t),
                Op::Jslt64R(d, s, t) => jmp!((reg!(d) as i64) < reg!(s) as i64, t),
                Op::Jsle64R(d, s, t) => jmp!((reg!(d) as i64) <= reg!(s) as i64, t),
                Op::Jeq64I(d, t, k) => jmp!(reg!(d) == k as u64, t),
                Op::Jgt64I(d, t, k) => jmp!(reg!(d) > k as u64, t),
                Op::Jge64I(d, t, k) => jmp!(reg!(d) >= k as u64, t),
                Op::Jset64I(d, t, k) => jmp!(reg!(d) & k as u64 != 0, t),
                Op::Jne64I(d, t, k) => jmp!(reg!(d) != k as u64, t),
                Op::Jsgt64I(d, t, k) => jmp!((reg!(d) as i64) > k, t),
                Op::Jsge64I(d, t, k) => jmp!((reg!(d) as i64) >= k, t),
                Op::Jlt64I(d, t, k) => jmp!(reg!(d) < k as u64, t),
                Op::Jle64I(d, t, k) => jmp!(reg!(d) <= k as u64, t),
                Op::Jslt64I(d, t, k) => jmp!((reg!(d) as i64) < k, t),
                Op::Jsle64I(d, t, k) => jmp!((reg!(d) as i64) <= k, t),
                Op::Jeq32R(d, s, t) => jmp!(reg!(d) as u32 == reg!(s) as u32, t),
                Op::Jgt32R(d, s, t) => jmp!(reg!(d) as u32 > reg!(s) as u32, t),
                Op::Jge32R(d, s, t) => jmp!(reg!(d) as u32 >= reg!(s) as u32, t),
                Op::Jset32R(d, s, t) => jmp!((reg!(d) as u32) & (reg!(s) as u32) != 0, t),
                Op::Jne32R(d, s, t) => jmp!(reg!(d) as u32 != reg!(s) as u32, t),
                Op::Jsgt32R(d, s, t) => jmp!(reg!(d) as i32 > reg!(s) as i32, t),
                Op::Jsge32R(d, s, t) => jmp!(reg!(d) as i32 >= reg!(s) as i32, t),
                Op::Jlt32R(d, s, t) => jmp!((reg!(d) as u32) < reg!(s) as u32, t),
                Op::Jle32R(d, s, t) => jmp!(reg!(d) as u32 <= reg!(s) as u32, t),
                Op::Jslt32R(d, s, t) => jmp!((reg!(d) as i32) < reg!(s) as i32, t),
                Op::Jsle32R(d, s, t) => jmp!(reg!(d) as i32 <= reg!(s) as i32, t),
                Op::Jeq32I(d, t, k) => jmp!(reg!(d) as u32 == k as u32, t),
                Op::Jgt32I(d, t, k) => jmp!(reg!(d) as u32 > k as u32, t),
                Op::Jge32I(d, t, k) => jmp!(reg!(d) as u32 >= k as u32, t),
                Op::Jset32I(d, t, k) => jmp!((reg!(d) as u32) & (k as u32) != 0, t),
                Op::Jne32I(d, t, k) => jmp!(reg!(d) as u32 != k as u32, t),
                Op::Jsgt32I(d, t, k) => jmp!(reg!(d) as i32 > k, t),
                Op::Jsge32I(d, t, k) => jmp!(reg!(d) as i32 >= k, t),
                Op::Jlt32I(d, t, k) => jmp!((reg!(d) as u32) < k as u32, t),
                Op::Jle32I(d, t, k) => jmp!(reg!(d) as u32 <= k as u32, t),
                Op::Jslt32I(d, t, k) => jmp!((reg!(d) as i32) < k, t),
                Op::Jsle32I(d, t, k) => jmp!(reg!(d) as i32 <= k, t),

                Op::CallHelper(id) => {
                    if O::ENABLED {
                        obs.helper(id);
                    }
                    match journaled!(self.call_helper(env, id, &mut regs, pc)) {
                        Ok(next) => pc = next,
                        Err(Ok(v)) => {
                            if O::ENABLED {
                                obs.end(&regs);
                            }
                            break Some(self.finish(&regs, pc, v));
                        }
                        Err(Err(kind)) => fail!(kind),
                    }
                }
                Op::CallLocal(t) => match self.enter(&mut regs, pc + 1, t as usize, false) {
                    Ok(next) => pc = next,
                    Err(kind) => fail!(kind),
                },
                Op::Callx(s) => {
                    let v = reg!(s);
                    match func_pc(v) {
                        Some(t) => match self.enter(&mut regs, pc + 1, t, false) {
                            Ok(next) => pc = next,
                            Err(kind) => fail!(kind),
                        },
                        None => {
                            // The conformance suite's convention: the register holds a helper id.
                            let Ok(id) = i32::try_from(v) else {
                                fail!(InterpErrorKind::UnknownHelper(v as i64));
                            };
                            if O::ENABLED {
                                obs.helper(id);
                            }
                            match journaled!(self.call_helper(env, id, &mut regs, pc)) {
                                Ok(next) => pc = next,
                                Err(Ok(v)) => {
                                    if O::ENABLED {
                                        obs.end(&regs);
                                    }
                                    break Some(self.finish(&regs, pc, v));
                                }
                                Err(Err(kind)) => fail!(kind),
                            }
                        }
                    }
                }
                Op::Exit => match self.frames.pop() {
                    None => {
                        if O::ENABLED {
                            obs.end(&regs);
                        }
                        break Some(self.finish(&regs, pc, regs[0]));
                    }
                    Some(frame) => {
                        regs[6..10].copy_from_slice(&frame.saved);
                        let depth = self.frames.len();
                        regs[10] = self.stack_top - (depth * STACK_SIZE) as u64;
                        let lo = self.frame_lo(depth);
                        self.mem.set_accessible_from(self.stack, lo);
                        pc = frame.ret_pc;
                        if frame.callback {
                            let res = journaled!(env.callback_returned(regs[0], &mut self.mem));
                            match self.helper_outcome(-1, res, &mut regs, frame.ret_pc) {
                                Ok(next) => pc = next,
                                Err(Ok(v)) => {
                                    if O::ENABLED {
                                        obs.end(&regs);
                                    }
                                    break Some(self.finish(&regs, pc, v));
                                }
                                Err(Err(kind)) => fail!(kind),
                            }
                        }
                    }
                },
                Op::Fault(f) => fail!(f.kind(pc)),
            }
            if O::ENABLED {
                obs.end(&regs);
            }
        };
        let n = limit - left;
        self.executed += n;
        match stop {
            Some(Stop::Exited(v)) => Ok(Stop::Exited(v)),
            Some(other) => {
                self.regs = regs;
                self.pc = pc;
                Ok(other)
            }
            None => {
                self.regs = regs;
                self.pc = pc;
                if n < steps {
                    let budget = self.config.budget;
                    Err(self.fail(pc, &regs, InterpErrorKind::BudgetExhausted { budget }))
                } else {
                    Ok(Stop::Paused)
                }
            }
        }
    }

    fn finish(&mut self, regs: &[u64; 16], pc: usize, r0: u64) -> Stop {
        self.regs = *regs;
        self.regs[0] = r0;
        self.pc = pc;
        self.state = State::Exited(r0);
        Stop::Exited(r0)
    }
}

/// The kernel's signed division and both modulos at one width: division by
/// zero gives 0, modulo by zero leaves the dividend, and the signed overflow
/// (`MIN / -1`) wraps.
macro_rules! div_mod {
    ($sdiv:ident, $smod:ident, $umod:ident, $u:ty, $i:ty) => {
        #[inline(always)]
        fn $sdiv(a: $u, b: $u) -> $u {
            if b == 0 {
                0
            } else {
                (a as $i).wrapping_div(b as $i) as $u
            }
        }

        #[inline(always)]
        fn $smod(a: $u, b: $u) -> $u {
            if b == 0 {
                a
            } else {
                (a as $i).wrapping_rem(b as $i) as $u
            }
        }

        #[inline(always)]
        fn $umod(a: $u, b: $u) -> $u {
            if b == 0 {
                a
            } else {
                a % b
            }
        }
    };
}

div_mod!(sdiv64, smod64, umod64, u64, i64);
div_mod!(sdiv32, smod32, umod32, u32, i32);

/// The new memory value and the value fetched (old value, or for `Cmpxchg`
/// the value `r0` receives), masked to the access width.
fn atomic(op: AtomicOp, fetch: bool, old: u64, src: u64, r0: u64, mask: u64) -> (u64, Option<u64>) {
    let src = src & mask;
    let new = match op {
        AtomicOp::Add => old.wrapping_add(src) & mask,
        AtomicOp::Or => old | src,
        AtomicOp::And => old & src,
        AtomicOp::Xor => old ^ src,
        AtomicOp::Xchg => src,
        AtomicOp::Cmpxchg => {
            if old == r0 & mask {
                src
            } else {
                old
            }
        }
    };
    let fetched = (fetch || matches!(op, AtomicOp::Xchg | AtomicOp::Cmpxchg)).then_some(old);
    (new, fetched)
}

fn apply_fetch(regs: &mut [u64; 16], op: AtomicOp, src: u8, fetched: Option<u64>) {
    if let Some(v) = fetched {
        match op {
            AtomicOp::Cmpxchg => regs[0] = v,
            _ => regs[(src as usize) & 15] = v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::memory::MemoryFault;
    use crate::isa::{AluOp, CallTarget, JmpCond, Operand, Size, Width};
    use alloc::vec;

    fn mov64(dst: Reg, imm: i32) -> Insn {
        Insn::Alu {
            width: Width::W64,
            op: AluOp::Mov,
            dst,
            src: Operand::Imm(imm),
        }
    }
    fn alu(width: Width, op: AluOp, dst: Reg, src: Operand) -> Insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        }
    }
    fn vm(insns: &[Insn]) -> Vm {
        Vm::new(
            Arc::new(CompiledProgram::from_insns(insns)),
            Memory::new(),
            VmConfig::default(),
        )
    }
    fn run(insns: &[Insn]) -> Result<u64, InterpError> {
        vm(insns).run(&mut crate::interp::NoHelpers)
    }

    #[test]
    fn division_edge_cases_follow_rfc_9669() {
        let r0 = Reg::R0;
        let cases: [(Width, AluOp, i64, i32, u64); 8] = [
            (Width::W64, AluOp::Div, 7, 0, 0),
            (Width::W64, AluOp::Mod, 7, 0, 7),
            (Width::W32, AluOp::Mod, -1, 0, 0xffff_ffff),
            (Width::W64, AluOp::Sdiv, i64::MIN, -1, i64::MIN as u64),
            (Width::W64, AluOp::Smod, i64::MIN, -1, 0),
            (
                Width::W32,
                AluOp::Sdiv,
                i32::MIN as i64,
                -1,
                i32::MIN as u32 as u64,
            ),
            (Width::W64, AluOp::Smod, -7, 2, (-1i64) as u64),
            (Width::W32, AluOp::Add, -1, 1, 0),
        ];
        for (width, op, a, b, want) in cases {
            let mut insns = Insn::ld_imm64(r0, a as u64).to_vec();
            insns.push(alu(width, op, r0, Operand::Imm(b)));
            insns.push(Insn::Exit);
            assert_eq!(run(&insns), Ok(want), "{width:?} {op:?} {a} {b}");
        }
    }

    #[test]
    fn stack_is_per_frame_and_local_calls_preserve_r6_to_r9() {
        // main: r6 = 5; *(u64 *)(r10 - 8) = 11; call f; r0 += r6; r0 += *(r10 - 8); exit
        // f:    r6 = 100; *(u64 *)(r10 - 8) = 1000; r0 = *(r10 - 8); exit
        let insns = [
            mov64(Reg::R6, 5),
            Insn::Store {
                size: Size::DW,
                dst: Reg::R10,
                off: -8,
                src: Operand::Imm(11),
            },
            Insn::Call(CallTarget::Local(4)),
            alu(Width::W64, AluOp::Add, Reg::R0, Operand::Reg(Reg::R6)),
            Insn::Load {
                size: Size::DW,
                sign_extend: false,
                dst: Reg::R1,
                src: Reg::R10,
                off: -8,
            },
            alu(Width::W64, AluOp::Add, Reg::R0, Operand::Reg(Reg::R1)),
            Insn::Exit,
            mov64(Reg::R6, 100),
            Insn::Store {
                size: Size::DW,
                dst: Reg::R10,
                off: -8,
                src: Operand::Imm(1000),
            },
            Insn::Load {
                size: Size::DW,
                sign_extend: false,
                dst: Reg::R0,
                src: Reg::R10,
                off: -8,
            },
            Insn::Exit,
        ];
        assert_eq!(run(&insns), Ok(1016));
    }

    #[test]
    fn faults_name_the_instruction_and_address() {
        let insns = [
            mov64(Reg::R1, 16),
            Insn::Load {
                size: Size::W,
                sign_extend: false,
                dst: Reg::R0,
                src: Reg::R1,
                off: 4,
            },
            Insn::Exit,
        ];
        let err = run(&insns).unwrap_err();
        assert_eq!(err.pc, 1);
        assert!(matches!(
            err.kind,
            InterpErrorKind::Memory(MemoryFault {
                addr: 20,
                size: 4,
                ..
            })
        ));
        // Below the live frame: the stack of deeper frames is not reachable.
        let insns = [
            Insn::Store {
                size: Size::B,
                dst: Reg::R10,
                off: -513,
                src: Operand::Imm(1),
            },
            Insn::Exit,
        ];
        assert_eq!(run(&insns).unwrap_err().pc, 0);
        // Above the stack top.
        let insns = [
            Insn::Load {
                size: Size::B,
                sign_extend: false,
                dst: Reg::R0,
                src: Reg::R10,
                off: 0,
            },
            Insn::Exit,
        ];
        assert!(run(&insns).is_err());
    }

    #[test]
    fn budget_stops_infinite_loops_and_deep_recursion_overflows() {
        let insns = [Insn::Ja {
            off: -1,
            long: false,
        }];
        let mut v = Vm::new(
            Arc::new(CompiledProgram::from_insns(&insns)),
            Memory::new(),
            VmConfig {
                budget: 1000,
                ..VmConfig::default()
            },
        );
        let err = v.run(&mut crate::interp::NoHelpers).unwrap_err();
        assert_eq!(err.kind, InterpErrorKind::BudgetExhausted { budget: 1000 });
        assert_eq!(v.executed(), 1000);
        let insns = [Insn::Call(CallTarget::Local(-1)), Insn::Exit];
        let err = run(&insns).unwrap_err();
        assert_eq!(
            err.kind,
            InterpErrorKind::CallStackOverflow {
                max_frames: MAX_FRAMES
            }
        );
        assert_eq!(
            run(&[mov64(Reg::R0, 1)]).unwrap_err().kind,
            InterpErrorKind::PcOutOfRange { target: 1 }
        );
        assert_eq!(
            run(&[mov64(Reg::R10, 1), Insn::Exit]).unwrap_err().kind,
            InterpErrorKind::FramePointerWrite
        );
    }

    #[test]
    fn stepping_breakpoints_and_trace_agree_with_run() {
        // r0 = 0; loop: r0 += 1; if r0 < 3 goto loop; exit
        let insns = [
            mov64(Reg::R0, 0),
            alu(Width::W64, AluOp::Add, Reg::R0, Operand::Imm(1)),
            Insn::Jump {
                width: Width::W64,
                cond: JmpCond::Lt,
                dst: Reg::R0,
                src: Operand::Imm(3),
                off: -2,
            },
            Insn::Exit,
        ];
        let mut v = vm(&insns);
        let env = &mut crate::interp::NoHelpers;
        assert_eq!(v.step(env), Ok(Stop::Paused));
        assert_eq!(v.pc(), 1);
        let mut bps = vec![false; insns.len()];
        bps[2] = true;
        assert_eq!(v.run_to_breakpoint(env, &bps), Ok(Stop::Breakpoint(2)));
        assert_eq!(v.reg(Reg::R0), 1);
        assert_eq!(v.run_to_breakpoint(env, &bps), Ok(Stop::Breakpoint(2)));
        assert_eq!(v.reg(Reg::R0), 2);
        assert_eq!(v.run(env), Ok(3));
        assert_eq!(v.step(env), Ok(Stop::Exited(3)));

        let mut t = Trace::default();
        let mut v = vm(&insns);
        assert_eq!(
            v.run_traced(env, &mut t, u64::MAX, &[]),
            Ok(Stop::Exited(3))
        );
        assert_eq!(t.steps.len() as u64, v.executed());
        assert_eq!(
            t.steps.iter().map(|s| s.pc).collect::<Vec<_>>(),
            [0, 1, 2, 1, 2, 1, 2, 3]
        );
        assert_eq!(t.steps[1].changed_regs().collect::<Vec<_>>(), [(0, 0, 1)]);
    }

    #[test]
    fn reset_starts_over_with_a_clean_stack() {
        // r0 = *(u64 *)(r10 - 8); *(u64 *)(r10 - 8) = 5; call f; exit   f: *(u64 *)(r10 - 8) = 6; exit
        let insns = [
            Insn::Load {
                size: Size::DW,
                sign_extend: false,
                dst: Reg::R0,
                src: Reg::R10,
                off: -8,
            },
            Insn::Store {
                size: Size::DW,
                dst: Reg::R10,
                off: -8,
                src: Operand::Imm(5),
            },
            Insn::Call(CallTarget::Local(1)),
            Insn::Exit,
            Insn::Store {
                size: Size::DW,
                dst: Reg::R10,
                off: -8,
                src: Operand::Imm(6),
            },
            Insn::Exit,
        ];
        let mut v = vm(&insns);
        let env = &mut crate::interp::NoHelpers;
        assert_eq!(v.run(env), Ok(0));
        v.reset();
        assert_eq!(v.run(env), Ok(0));
        assert!(v
            .memory()
            .region(v.stack_region())
            .unwrap()
            .data()
            .contains(&6));
        v.reset();
        assert!(v
            .memory()
            .region(v.stack_region())
            .unwrap()
            .data()
            .iter()
            .all(|b| *b == 0));
        assert_eq!(v.executed(), 0);
    }

    #[test]
    fn trace_records_stores_with_old_values() {
        let insns = [
            Insn::Store {
                size: Size::W,
                dst: Reg::R10,
                off: -4,
                src: Operand::Imm(7),
            },
            Insn::Store {
                size: Size::W,
                dst: Reg::R10,
                off: -4,
                src: Operand::Imm(9),
            },
            Insn::Load {
                size: Size::W,
                sign_extend: false,
                dst: Reg::R0,
                src: Reg::R10,
                off: -4,
            },
            Insn::Exit,
        ];
        let mut t = Trace::default();
        let mut v = vm(&insns);
        let env = &mut crate::interp::NoHelpers;
        assert_eq!(
            v.run_traced(env, &mut t, u64::MAX, &[]),
            Ok(Stop::Exited(9))
        );
        let addr = v.stack_top() - 4;
        let m = t.steps[1].mem[0];
        assert_eq!(
            (m.addr, m.size, m.write, m.old, m.new),
            (addr, 4, true, 7, 9)
        );
        assert_eq!(t.value_before(1, addr, 4, 9), 7);
        assert_eq!(t.value_before(0, addr, 4, 9), 0);
        assert!(!t.steps[2].mem[0].write);
    }

    /// `bpf_loop`-like helper 181: calls the callback r1 times with (i, r3).
    struct LoopEnv {
        left: u64,
        i: u64,
        callback: u64,
        ctx: u64,
    }
    impl Env for LoopEnv {
        fn call_helper(
            &mut self,
            id: i32,
            a: [u64; 5],
            _: &mut Memory,
        ) -> Result<HelperResult, HelperError> {
            match id {
                181 => {
                    (self.left, self.i, self.callback, self.ctx) = (a[0], 0, a[1], a[2]);
                    self.callback_returned(0, &mut Memory::new())
                }
                5 if a[0] == 0 => Ok(HelperResult::Exit(0)),
                5 => Ok(HelperResult::Return(a[0])),
                _ => Err(HelperError::Unknown),
            }
        }
        fn callback_returned(
            &mut self,
            _: u64,
            _: &mut Memory,
        ) -> Result<HelperResult, HelperError> {
            if self.i == self.left {
                return Ok(HelperResult::Return(self.i));
            }
            self.i += 1;
            Ok(HelperResult::CallFunction {
                target: self.callback,
                args: [self.i - 1, self.ctx, 0, 0, 0],
            })
        }
    }

    #[test]
    fn helper_callbacks_run_on_their_own_frame() {
        // r6 = 0 (accumulator at fp-8); r1 = 4; r2 = &cb; r3 = r10 - 8; call bpf_loop;
        // r0 = *(fp-8); exit.   cb: *(u64 *)(r2) += r1; r0 = 0; exit
        let mut insns = vec![
            Insn::Store {
                size: Size::DW,
                dst: Reg::R10,
                off: -8,
                src: Operand::Imm(0),
            },
            mov64(Reg::R1, 4),
            Insn::LdImm64 {
                dst: Reg::R2,
                kind: crate::isa::LdImm64Kind::Func,
                imm: 6,
                next_imm: 0,
            },
            Insn::LdImm64Tail,
            alu(Width::W64, AluOp::Mov, Reg::R3, Operand::Reg(Reg::R10)),
            alu(Width::W64, AluOp::Add, Reg::R3, Operand::Imm(-8)),
            Insn::Call(CallTarget::Helper(181)),
            Insn::Load {
                size: Size::DW,
                sign_extend: false,
                dst: Reg::R0,
                src: Reg::R10,
                off: -8,
            },
            Insn::Exit,
        ];
        insns.extend([
            Insn::Atomic {
                size: Size::DW,
                op: AtomicOp::Add,
                fetch: false,
                dst: Reg::R2,
                src: Reg::R1,
                off: 0,
            },
            mov64(Reg::R0, 0),
            Insn::Exit,
        ]);
        let mut env = LoopEnv {
            left: 0,
            i: 0,
            callback: 0,
            ctx: 0,
        };
        assert_eq!(vm(&insns).run(&mut env), Ok(1 + 2 + 3));
        // unwind(0) stops the program at once.
        let insns = [
            mov64(Reg::R1, 0),
            Insn::Call(CallTarget::Helper(5)),
            mov64(Reg::R0, 9),
            Insn::Exit,
        ];
        assert_eq!(vm(&insns).run(&mut env), Ok(0));
        let insns = [
            mov64(Reg::R2, 5),
            mov64(Reg::R1, 3),
            Insn::Callx { reg: Reg::R2 },
            Insn::Exit,
        ];
        assert_eq!(vm(&insns).run(&mut env), Ok(3));
        let err = vm(&[Insn::Call(CallTarget::Helper(77)), Insn::Exit])
            .run(&mut env)
            .unwrap_err();
        assert_eq!(err.kind, InterpErrorKind::UnknownHelper(77));
    }

    /// Helper 7 writes r2 bytes of 0xab at r1.
    struct Filler;
    impl Env for Filler {
        fn call_helper(
            &mut self,
            id: i32,
            a: [u64; 5],
            mem: &mut Memory,
        ) -> Result<HelperResult, HelperError> {
            if id != 7 {
                return Err(HelperError::Unknown);
            }
            let buf = mem
                .write(a[0], a[1] as usize)
                .map_err(|e| HelperError::Failed(alloc::format!("{e}")))?;
            buf.fill(0xab);
            Ok(HelperResult::Return(0))
        }
    }

    #[test]
    fn traces_record_what_helpers_write() {
        // *(u64 *)(r10 - 8) = 0x11; r1 = r10 - 8; r2 = 3; call 7; r0 = *(u64 *)(r10 - 8); exit
        let insns = [
            Insn::Store {
                size: Size::DW,
                dst: Reg::R10,
                off: -8,
                src: Operand::Imm(0x11),
            },
            alu(Width::W64, AluOp::Mov, Reg::R1, Operand::Reg(Reg::R10)),
            alu(Width::W64, AluOp::Add, Reg::R1, Operand::Imm(-8)),
            mov64(Reg::R2, 3),
            Insn::Call(CallTarget::Helper(7)),
            Insn::Load {
                size: Size::DW,
                sign_extend: false,
                dst: Reg::R0,
                src: Reg::R10,
                off: -8,
            },
            Insn::Exit,
        ];
        let mut v = vm(&insns);
        let mut t = Trace::default();
        assert_eq!(
            v.run_traced(&mut Filler, &mut t, u64::MAX, &[]),
            Ok(Stop::Exited(0xab_abab))
        );
        let addr = v.stack_top() - 8;
        let w = &t.steps[4].helper_writes;
        assert_eq!(w.len(), 1);
        assert_eq!(
            (w[0].addr, w[0].old.as_slice(), w[0].new.as_slice()),
            (addr, &[0x11, 0, 0][..], &[0xab; 3][..])
        );
        assert_eq!(t.value_before(5, addr, 8, 0xab_abab), 0xab_abab);
        assert_eq!(t.value_before(4, addr, 8, 0xab_abab), 0x11);
        assert_eq!(t.value_before(0, addr, 8, 0xab_abab), 0);
        assert_eq!(t.value_before(4, addr + 1, 1, 0xab), 0);
        // Untraced runs keep no journal.
        let mut v = vm(&insns);
        assert_eq!(v.run(&mut Filler), Ok(0xab_abab));
    }

    #[test]
    fn legacy_packet_loads_are_big_endian_and_end_with_zero_outside() {
        let mut mem = Memory::new();
        mem.add_region(RegionKind::Packet, vec![0x12, 0x34, 0x56, 0x78], false);
        let insns = [
            Insn::LdPacket {
                size: Size::H,
                mode: crate::isa::PacketMode::Abs,
                imm: 1,
            },
            Insn::Exit,
        ];
        let code = Arc::new(CompiledProgram::from_insns(&insns));
        let mut v = Vm::new(code.clone(), mem.clone(), VmConfig::default());
        assert_eq!(v.run(&mut crate::interp::NoHelpers), Ok(0x3456));
        let insns = [
            mov64(Reg::R0, 9),
            mov64(Reg::R1, 2),
            Insn::LdPacket {
                size: Size::W,
                mode: crate::isa::PacketMode::Ind(Reg::R1),
                imm: 1,
            },
            mov64(Reg::R0, 9),
            Insn::Exit,
        ];
        let mut v = Vm::new(
            Arc::new(CompiledProgram::from_insns(&insns)),
            mem,
            VmConfig::default(),
        );
        assert_eq!(v.run(&mut crate::interp::NoHelpers), Ok(0));
    }
}
