//! [`RunEnv`]: the kernel's side of a run, as the interpreter sees it through
//! [`Env`]: helper calls (dispatched through the [`HelperRegistry`]), `lddw`
//! map references, callbacks, and everything helpers act on (maps, the packet,
//! the clock, the random generator, the trace log, ring buffer reservations).

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::input::System;
use super::packet::PacketBuffer;
use crate::helpers::impls::builtin_implementation;
use crate::helpers::{proto_by_id, HelperFn, HelperRegistry};
use crate::interp::{
    CompiledProgram, Env, HelperError, HelperResult, Memory, RegionId, RegionKind, Vm, VmConfig,
};
use crate::isa::{LdImm64Kind, Reg};
use crate::maps::{Map, MapError, Maps};
use crate::program::{Program, ProgramType};

/// Map handles (what `lddw` of a map loads, the kernel's `CONST_PTR_TO_MAP`)
/// start here, far from any mapped region, so dereferencing one faults.
pub const MAP_HANDLE_BASE: u64 = 0xffff_8880_0000_0000;
const MAP_HANDLE_STRIDE: u64 = 0x1000;

/// Trace log lines one run keeps; later ones are counted, not kept.
pub const MAX_TRACE_LINES: usize = 100_000;

/// The kernel's limit on chained tail calls (`MAX_TAIL_CALL_CNT`).
pub const MAX_TAIL_CALL_CNT: u32 = 33;

/// The handle of map `index` (of [`Maps`]).
pub const fn map_handle(index: usize) -> u64 {
    MAP_HANDLE_BASE + index as u64 * MAP_HANDLE_STRIDE
}

/// The [`Maps`] index a map handle names.
pub fn map_index_of_handle(handle: u64) -> Option<usize> {
    let off = handle.checked_sub(MAP_HANDLE_BASE)?;
    if off % MAP_HANDLE_STRIDE != 0 {
        return None;
    }
    usize::try_from(off / MAP_HANDLE_STRIDE).ok()
}

/// One line `bpf_trace_printk` wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLine {
    /// The formatted text (without the trailing newline the format may carry).
    pub message: String,
    /// The clock when it was written, in ns.
    pub time_ns: u64,
    /// The CPU.
    pub cpu: u32,
    /// The current process's pid.
    pub pid: u32,
    /// The current process's command.
    pub comm: String,
}

impl TraceLine {
    /// The line as `/sys/kernel/tracing/trace_pipe` prints it:
    /// `bash-1337    [000] d..31  1.000001: bpf_trace_printk: hello`.
    pub fn trace_pipe(&self) -> String {
        let secs = self.time_ns / 1_000_000_000;
        let micros = (self.time_ns % 1_000_000_000) / 1000;
        format!(
            "{:>16}-{:<7} [{:03}] d..31 {:>5}.{:06}: bpf_trace_printk: {}",
            self.comm, self.pid, self.cpu, secs, micros, self.message
        )
    }
}

/// A record a program sent through a ring buffer or perf event array during the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// The map's index (in [`Maps`]).
    pub map: usize,
    /// The CPU it was produced on (perf event arrays: the buffer it went to).
    pub cpu: u32,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// Where `bpf_redirect` / `bpf_redirect_map` sent the packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// Target interface index.
    pub ifindex: u32,
    /// The helper's flags (`BPF_F_INGRESS`, ...).
    pub flags: u64,
    /// The devmap it was looked up in, if any (index in [`Maps`]).
    pub map: Option<usize>,
}

/// A map's value arena while it is lent to the program's memory.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LentArena {
    pub(crate) region: RegionId,
    pub(crate) base: u64,
    /// False for maps the program may only read (`BPF_F_RDONLY_PROG`, e.g. `.rodata`).
    pub(crate) writable: bool,
}

pub use crate::program::BPF_F_RDONLY_PROG;

/// A ring buffer record reserved and not yet submitted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reservation {
    pub(crate) addr: u64,
    pub(crate) region: RegionId,
    pub(crate) map: usize,
    pub(crate) id: u64,
}

/// A helper iterating a callback (`bpf_loop`, `bpf_for_each_map_elem`).
#[derive(Clone, Debug)]
pub(crate) enum Iteration {
    Loop {
        callback: u64,
        ctx: u64,
        done: u64,
        total: u64,
    },
    MapElems {
        callback: u64,
        ctx: u64,
        map: usize,
        keys: Vec<Vec<u8>>,
        done: usize,
        key_region: RegionId,
        key_addr: u64,
    },
}

/// The kernel's side of one run.
pub struct RunEnv<'a> {
    pub(crate) maps: &'a mut Maps,
    /// The helpers; `None` is the built-in table, looked up without allocating.
    pub(crate) registry: Option<&'a HelperRegistry>,
    pub(crate) prog_type: ProgramType,
    pub(crate) arenas: Vec<Option<LentArena>>,
    /// Per program (0 = the main program, `i + 1` = tail-call target `i`): its
    /// map indices translated to [`Maps`] indices (maps are shared by name).
    pub(crate) map_tables: Vec<Vec<Option<usize>>>,
    /// Programs tail calls may reach (prog array values index this list).
    pub(crate) programs: &'a [Program],
    pub(crate) compiled: Vec<Option<Arc<CompiledProgram>>>,
    /// Which program runs now (0 = main, `i + 1` = target `i`), innermost last.
    pub(crate) running: Vec<usize>,
    pub(crate) system: System,
    pub(crate) clock_ns: u64,
    pub(crate) rng: u64,
    pub(crate) ctx_addr: u64,
    pub(crate) ctx_region: Option<RegionId>,
    pub(crate) packet: Option<PacketBuffer>,
    pub(crate) log: Vec<TraceLine>,
    pub(crate) log_dropped: u64,
    pub(crate) events: Vec<EventRecord>,
    pub(crate) reservations: Vec<Reservation>,
    pub(crate) iterations: Vec<Iteration>,
    pub(crate) tail_calls: u32,
    pub(crate) redirect: Option<Redirect>,
    pub(crate) budget: u64,
    pub(crate) nested_executed: u64,
}

/// A failed helper, with the kernel's name for it.
pub(crate) fn failed(message: impl Into<String>) -> HelperError {
    HelperError::Failed(message.into())
}

impl<'a> RunEnv<'a> {
    /// The maps (their arenas may be lent to the program's memory: use
    /// [`RunEnv::with_map`] to change a map during a run).
    pub fn maps(&self) -> &Maps {
        self.maps
    }

    /// The program type being run.
    pub fn prog_type(&self) -> ProgramType {
        self.prog_type
    }

    /// The synthetic system (process, CPU, stacks, memory).
    pub fn system(&self) -> &System {
        &self.system
    }

    /// Reads the virtual clock, then moves it on by the configured step.
    pub fn read_clock(&mut self) -> u64 {
        let now = self.clock_ns;
        self.clock_ns = self.clock_ns.wrapping_add(self.system.clock_step_ns);
        now
    }

    /// The next pseudo-random `u32` (SplitMix64 from the seed: reproducible).
    pub fn next_random(&mut self) -> u32 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as u32
    }

    /// Appends a line to the trace log (past [`MAX_TRACE_LINES`] it is only counted).
    pub fn trace(&mut self, message: String) {
        if self.log.len() >= MAX_TRACE_LINES {
            self.log_dropped += 1;
            return;
        }
        let time_ns = self.clock_ns;
        self.log.push(TraceLine {
            message,
            time_ns,
            cpu: self.system.cpu,
            pid: self.system.process.pid,
            comm: self.system.process.comm.clone(),
        });
    }

    /// Reads `len` bytes of program memory, or fails with the fault.
    pub fn read(
        &self,
        mem: &mut Memory,
        addr: u64,
        len: u64,
        helper: &str,
    ) -> Result<Vec<u8>, HelperError> {
        let len =
            usize::try_from(len).map_err(|_| failed(format!("{helper}: size {len} too large")))?;
        mem.read(addr, len)
            .map(<[u8]>::to_vec)
            .map_err(|f| failed(format!("{helper}: {f}")))
    }

    /// Writes program memory, or fails with the fault.
    pub fn write(
        &self,
        mem: &mut Memory,
        addr: u64,
        bytes: &[u8],
        helper: &str,
    ) -> Result<(), HelperError> {
        mem.write_bytes(addr, bytes)
            .map_err(|f| failed(format!("{helper}: {f}")))
    }

    /// The [`Maps`] index a map handle argument names.
    pub fn map_arg(&self, handle: u64, helper: &str) -> Result<usize, HelperError> {
        map_index_of_handle(handle)
            .filter(|i| *i < self.maps.len())
            .ok_or_else(|| failed(format!("{helper}: {handle:#x} is not a map")))
    }

    /// The address of byte `offset` of map `index`'s value arena, while lent.
    pub fn arena_addr(&self, index: usize, offset: usize) -> Option<u64> {
        let lent = self.arenas.get(index).copied().flatten()?;
        Some(lent.base + offset as u64)
    }

    /// Runs `f` on map `index` with its value arena back in the map, then lends
    /// the arena to `mem` again at the same address (pointers stay valid).
    pub fn with_map<R>(
        &mut self,
        mem: &mut Memory,
        index: usize,
        f: impl FnOnce(&mut dyn Map) -> R,
    ) -> Result<R, HelperError> {
        let lent = self.arenas.get(index).copied().flatten();
        let map = self
            .maps
            .get_mut(index)
            .ok_or_else(|| failed(format!("no map {index}")))?;
        if let Some(l) = lent {
            if let Some(region) = mem.remove_region(l.region) {
                map.restore_values(region.into_data());
            }
        }
        let out = f(map);
        if let Some(l) = lent {
            let values = map.take_values();
            let id = mem
                .add_region_at(
                    l.base,
                    RegionKind::MapValue { map: index as u32 },
                    values,
                    l.writable,
                )
                .map_err(|_| failed("map value region could not be mapped back"))?;
            if let Some(slot) = self.arenas.get_mut(index) {
                *slot = Some(LentArena {
                    region: id,
                    base: l.base,
                    writable: l.writable,
                });
            }
        }
        Ok(out)
    }

    /// Lends every map's arena to `mem` (at the start of a run).
    pub(crate) fn lend_arenas(&mut self, mem: &mut Memory) {
        self.arenas = (0..self.maps.len())
            .map(|i| {
                let map = self.maps.get_mut(i)?;
                if map.values().is_empty() {
                    return None;
                }
                let writable = map.def().flags & BPF_F_RDONLY_PROG == 0;
                let values = map.take_values();
                let region =
                    mem.add_region(RegionKind::MapValue { map: i as u32 }, values, writable);
                let base = mem.region(region)?.base();
                Some(LentArena {
                    region,
                    base,
                    writable,
                })
            })
            .collect();
    }

    /// Gives every arena back to its map (at the end of a run). Safe to call twice.
    pub(crate) fn reclaim_arenas(&mut self, mem: &mut Memory) {
        for (i, lent) in core::mem::take(&mut self.arenas).into_iter().enumerate() {
            let Some(l) = lent else { continue };
            if let (Some(region), Some(map)) = (mem.remove_region(l.region), self.maps.get_mut(i)) {
                map.restore_values(region.into_data());
            }
        }
    }

    /// The [`Maps`] index of map `idx` of the running program.
    fn translate_map(&self, idx: i32) -> Option<usize> {
        let prog = self.running.last().copied().unwrap_or(0);
        let table = self.map_tables.get(prog)?;
        table.get(usize::try_from(idx).ok()?).copied().flatten()
    }

    /// The context pointer (`r1` at entry).
    pub fn ctx_addr(&self) -> u64 {
        self.ctx_addr
    }

    /// The packet, for network program types.
    pub fn packet_mut(&mut self) -> Option<&mut PacketBuffer> {
        self.packet.as_mut()
    }

    /// Rewrites the context's packet pointer fields after the packet moved.
    pub(crate) fn sync_ctx_packet_fields(&mut self, mem: &mut Memory) {
        let (Some(p), Some(ctx)) = (&self.packet, self.ctx_region) else {
            return;
        };
        let fields: &[(usize, u64)] = match self.prog_type {
            ProgramType::Xdp => &[(0, p.data_addr()), (4, p.end_addr()), (8, p.meta_addr())],
            ProgramType::SchedCls | ProgramType::SocketFilter => &[
                (0, p.len() as u64),
                (76, p.data_addr()),
                (80, p.end_addr()),
                (140, p.meta_addr()),
            ],
            _ => &[],
        };
        if let Some(r) = mem.region_mut(ctx) {
            for (off, v) in fields {
                if let Some(dst) = r.data_mut().get_mut(*off..*off + 4) {
                    dst.copy_from_slice(&(*v as u32).to_le_bytes());
                }
            }
        }
    }

    /// Runs tail-call target `prog` (an index into the run's programs) in place
    /// of the current program; its `r0` ends the run.
    pub(crate) fn run_tail_call(
        &mut self,
        mem: &mut Memory,
        prog: usize,
    ) -> Result<HelperResult, HelperError> {
        let code = match self.compiled.get(prog).cloned().flatten() {
            Some(code) => code,
            None => {
                let p = self
                    .programs
                    .get(prog)
                    .ok_or_else(|| failed(format!("bpf_tail_call: no program {prog}")))?;
                let code = Arc::new(CompiledProgram::new(p));
                if let Some(slot) = self.compiled.get_mut(prog) {
                    *slot = Some(Arc::clone(&code));
                }
                code
            }
        };
        let budget = self.budget.saturating_sub(self.nested_executed);
        let mut vm = Vm::new(
            code,
            core::mem::take(mem),
            VmConfig {
                budget,
                ..VmConfig::default()
            },
        );
        vm.set_reg(Reg::R1, self.ctx_addr);
        self.running.push(prog + 1);
        let result = vm.run(self);
        self.running.pop();
        self.nested_executed = self.nested_executed.saturating_add(vm.executed());
        let stack = vm.stack_region();
        *mem = vm.into_memory();
        mem.remove_region(stack);
        match result {
            Ok(r0) => Ok(HelperResult::Exit(r0)),
            Err(e) => Err(failed(format!("in tail-called program {prog}: {e}"))),
        }
    }
}

/// `-errno` as a helper's return value.
pub(crate) fn ret_err(e: MapError) -> Result<HelperResult, HelperError> {
    Ok(HelperResult::Return(e.to_helper_ret()))
}

/// `-errno` for a raw errno.
pub(crate) fn ret_errno(errno: i64) -> Result<HelperResult, HelperError> {
    Ok(HelperResult::Return((-errno) as u64))
}

/// A plain return value.
pub(crate) fn ret(v: u64) -> Result<HelperResult, HelperError> {
    Ok(HelperResult::Return(v))
}

impl Env for RunEnv<'_> {
    fn call_helper(
        &mut self,
        id: i32,
        args: [u64; 5],
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        let Ok(uid) = u32::try_from(id) else {
            return Err(HelperError::Unknown);
        };
        let (proto, implementation) = match self.registry {
            Some(r) => match r.by_id(uid) {
                Some(p) => (*p, r.implementation(uid)),
                None => return Err(HelperError::Unknown),
            },
            None => match proto_by_id(uid) {
                Some(p) => (*p, builtin_implementation(uid)),
                None => return Err(HelperError::Unknown),
            },
        };
        if !proto.allowed_for(self.prog_type) {
            return Err(failed(format!(
                "program of this type cannot use helper {}#{}",
                proto.name, id
            )));
        }
        let f: HelperFn = implementation
            .ok_or_else(|| failed(format!("{}#{id} is not implemented in this VM", proto.name)))?;
        f(self, mem, args)
    }

    fn callback_returned(
        &mut self,
        ret: u64,
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        crate::helpers::impls::callback_returned(self, mem, ret)
    }

    fn resolve_ld_imm64(
        &mut self,
        kind: LdImm64Kind,
        imm: i32,
        next_imm: i32,
        _mem: &mut Memory,
    ) -> Option<u64> {
        let index = self.translate_map(imm)?;
        match kind {
            LdImm64Kind::MapFd | LdImm64Kind::MapIdx => Some(map_handle(index)),
            LdImm64Kind::MapValue | LdImm64Kind::MapIdxValue => {
                self.arena_addr(index, usize::try_from(next_imm).ok()?)
            }
            _ => None,
        }
    }
}
