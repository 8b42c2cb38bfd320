//! Running a program as the kernel would for its program type: build the
//! context from an [`Input`] (a packet, kprobe registers, a tracepoint record),
//! run it with maps and helpers, and report an [`Outcome`]: the verdict by name,
//! the packet as it leaves, the `bpf_trace_printk` log, ring buffer and perf
//! records. Map state stays in the caller's [`Maps`], so runs chain.
//!
//! [`run`] is the whole thing as one function; [`Execution`] is the same run
//! in steps, for a debugger.
//!
//! ```
//! use vm_core::asm::assemble;
//! use vm_core::maps::{Maps, MapsConfig};
//! use vm_core::run::{run, Input};
//!
//! let program = assemble("
//!     .type xdp
//!     .map counts, array, key=4, value=8, max_entries=1
//!     *(u32 *)(r10 - 4) = 0
//!     r1 = map[counts] ll
//!     r2 = r10
//!     r2 += -4
//!     call bpf_map_lookup_elem
//!     if r0 == 0 goto out
//!     r1 = 1
//!     lock *(u64 *)(r0 + 0) += r1
//! out:
//!     r0 = 1
//!     exit").unwrap();
//! let mut maps = Maps::for_program(&program, MapsConfig::default()).unwrap();
//! let packet = vec![0u8; 60];
//! for _ in 0..3 {
//!     let outcome = run(&program, &Input::packet(packet.clone()), &mut maps).unwrap();
//!     assert_eq!(outcome.verdict.name, "XDP_DROP");
//! }
//! assert_eq!(maps.lookup(0, &0u32.to_le_bytes()).unwrap(), 3u64.to_le_bytes());
//! ```

pub mod env;
mod input;
pub mod packet;

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use crate::ctx::{layout, verdict, Verdict};
use crate::helpers::HelperRegistry;
use crate::interp::{
    CompiledProgram, InterpError, Memory, RegionKind, Stop, Trace, Vm, VmConfig, DEFAULT_BUDGET,
};
use crate::isa::Reg;
use crate::maps::Maps;
use crate::program::{Program, ProgramType};

pub use env::{
    map_handle, map_index_of_handle, EventRecord, Redirect, RunEnv, TraceLine, MAP_HANDLE_BASE,
    MAX_TAIL_CALL_CNT, MAX_TRACE_LINES,
};
pub use input::{
    sample_processes, Event, Input, KprobeEvent, MemorySegment, PacketInput, Process, System,
    TracepointEvent,
};
pub use packet::PacketBuffer;

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions<'a> {
    /// Instructions the run may execute (tail-called programs included).
    pub budget: u64,
    /// Programs `bpf_tail_call` can reach: a prog array slot holds an index into
    /// this list. Their maps are matched to the run's maps by name.
    pub programs: &'a [Program],
    /// The helpers (default: the built-in ones).
    pub helpers: Option<&'a HelperRegistry>,
    /// The main program already compiled (saves compiling it per packet).
    pub compiled: Option<Arc<CompiledProgram>>,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            budget: DEFAULT_BUDGET,
            programs: &[],
            helpers: None,
            compiled: None,
        }
    }
}

/// Why a run could not start or did not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The input does not suit the program type (e.g. a packet shorter than an
    /// Ethernet header, as `BPF_PROG_TEST_RUN` refuses with `EINVAL`).
    Input(String),
    /// A map the program uses is missing from the maps passed in.
    Maps(String),
    /// The program stopped with a run-time error.
    Exec(InterpError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Input(m) => write!(f, "bad input: {m}"),
            RunError::Maps(m) => write!(f, "maps: {m}"),
            RunError::Exec(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RunError {}

/// What a run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The program type it ran as.
    pub prog_type: ProgramType,
    /// The return value and what it means.
    pub verdict: Verdict,
    /// The packet as it leaves (after stores and head / tail adjustment):
    /// XDP `data .. data_end`, tc from the Ethernet header, socket filter from the
    /// network header (unchanged: socket filters cannot write it). `None` for tracing.
    pub packet: Option<Vec<u8>>,
    /// XDP metadata in front of the packet (`data_meta .. data`).
    pub packet_meta: Vec<u8>,
    /// The context at exit (tc programs may write `mark`, `priority`, `cb` ...).
    pub ctx: Vec<u8>,
    /// `bpf_trace_printk` output, in order.
    pub trace_log: Vec<TraceLine>,
    /// Lines past [`MAX_TRACE_LINES`] that were not kept.
    pub trace_lines_dropped: u64,
    /// Records sent to ring buffers and perf event arrays, in order.
    pub events: Vec<EventRecord>,
    /// Where `bpf_redirect` / `bpf_redirect_map` sent the packet.
    pub redirect: Option<Redirect>,
    /// Instructions executed (tail-called programs included).
    pub executed: u64,
    /// Tail calls taken.
    pub tail_calls: u32,
    /// The virtual clock at the end, to start the next run from.
    pub clock_ns: u64,
    /// The random generator's state at the end, to seed the next run from.
    pub random_state: u64,
}

impl Outcome {
    /// The bytes `BPF_PROG_TEST_RUN` reports as `data_out`: for XDP the
    /// metadata then the packet, for tc the packet, for a socket filter the
    /// packet behind a zeroed Ethernet header (the kernel pushes the header it
    /// pulled back as zeros); for comparisons with the kernel.
    pub fn test_run_data_out(&self) -> Vec<u8> {
        let mut out = self.packet_meta.clone();
        if self.prog_type == ProgramType::SocketFilter {
            out.extend_from_slice(&[0; packet::ETH_HLEN]);
        }
        out.extend_from_slice(self.packet.as_deref().unwrap_or(&[]));
        out
    }
}

/// Runs `program` on `input` with `maps` and the built-in helpers.
pub fn run(program: &Program, input: &Input, maps: &mut Maps) -> Result<Outcome, RunError> {
    run_with(program, input, maps, RunOptions::default())
}

/// Runs `program` on `input` with `maps`, as `options` say.
pub fn run_with<'a>(
    program: &Program,
    input: &Input,
    maps: &'a mut Maps,
    options: RunOptions<'a>,
) -> Result<Outcome, RunError> {
    let mut exec = Execution::new(program, input, maps, options)?;
    match exec.run() {
        Ok(_) => Ok(exec.finish()),
        Err(e) => Err(RunError::Exec(e)),
    }
}

/// The `pkt_type` `eth_type_trans` gives a frame on the loopback device
/// (whose address and broadcast address are all zero).
fn pkt_type(frame: &[u8]) -> u32 {
    match frame.get(..6) {
        Some([0, 0, 0, 0, 0, 0]) => 0,
        Some([first, ..]) if first & 1 == 1 => 2,
        _ => 3,
    }
}

/// `skb->protocol` as `eth_type_trans` sets it, as the `u32` a program loads.
fn skb_protocol(frame: &[u8]) -> u32 {
    let ethertype = match frame.get(12..14) {
        Some(b) => u16::from_be_bytes([b[0], b[1]]),
        None => 0,
    };
    let proto = if ethertype >= 0x600 {
        ethertype
    } else {
        0x0004
    };
    u32::from(u16::from_le_bytes(proto.to_be_bytes()))
}

fn put_u32(buf: &mut [u8], off: usize, v: u32) {
    if let Some(d) = buf.get_mut(off..off + 4) {
        d.copy_from_slice(&v.to_le_bytes());
    }
}

/// One run, in steps. Dropping it mid-way gives the maps their values back.
pub struct Execution<'a> {
    vm: Vm,
    env: RunEnv<'a>,
    packet_len_at_entry: usize,
}

impl<'a> Execution<'a> {
    /// Prepares a run: checks the input suits the program type, builds the
    /// context and packet, maps the map values into the program's memory and
    /// sets `r1` to the context.
    pub fn new(
        program: &Program,
        input: &Input,
        maps: &'a mut Maps,
        options: RunOptions<'a>,
    ) -> Result<Execution<'a>, RunError> {
        let prog_type = program.prog_type;
        let mut map_tables = Vec::with_capacity(options.programs.len() + 1);
        for p in core::iter::once(program).chain(options.programs) {
            let mut table = Vec::with_capacity(p.maps.len());
            for def in &p.maps {
                let index = maps.index_of(&def.name).ok_or_else(|| {
                    RunError::Maps(format!("map '{}' is not among the maps given", def.name))
                })?;
                table.push(Some(index));
            }
            map_tables.push(table);
        }
        let system = input.system.clone();
        let mut mem = Memory::new();
        let mut packet = None;
        let mut packet_len_at_entry = 0;
        let ctx_bytes = match (&input.event, prog_type) {
            (
                Event::Packet(p),
                ProgramType::Xdp | ProgramType::SchedCls | ProgramType::SocketFilter,
            ) => {
                if p.data.len() < packet::ETH_HLEN {
                    return Err(RunError::Input(format!(
                        "a packet needs at least {} bytes (an Ethernet header), this one has {}",
                        packet::ETH_HLEN,
                        p.data.len()
                    )));
                }
                let mut buf = match prog_type {
                    ProgramType::Xdp => PacketBuffer::xdp(&p.data),
                    ProgramType::SchedCls => PacketBuffer::skb(&p.data),
                    _ => PacketBuffer::skb(p.data.get(packet::ETH_HLEN..).unwrap_or(&[])),
                };
                buf.map(&mut mem);
                packet_len_at_entry = buf.len();
                let mut ctx = alloc::vec![0u8; layout(prog_type).size as usize];
                if prog_type == ProgramType::Xdp {
                    put_u32(&mut ctx, 12, p.ifindex);
                    put_u32(&mut ctx, 16, p.rx_queue_index);
                } else {
                    put_u32(&mut ctx, 4, pkt_type(&p.data));
                    put_u32(&mut ctx, 8, p.mark);
                    put_u32(&mut ctx, 16, skb_protocol(&p.data));
                    put_u32(&mut ctx, 32, p.priority);
                    put_u32(&mut ctx, 40, p.ifindex);
                }
                packet = Some(buf);
                ctx
            }
            (Event::Kprobe(k), ProgramType::Kprobe) => {
                k.regs.iter().flat_map(|r| r.to_le_bytes()).collect()
            }
            (Event::Tracepoint(t), ProgramType::Tracepoint) => {
                let mut ctx = alloc::vec![0u8; layout(prog_type).size as usize];
                let n = t.record.len().min(ctx.len());
                if let (Some(d), Some(s)) = (ctx.get_mut(..n), t.record.get(..n)) {
                    d.copy_from_slice(s);
                }
                if n >= 8 && ctx.get(4..8) == Some(&[0, 0, 0, 0]) {
                    put_u32(&mut ctx, 4, system.process.pid);
                }
                ctx
            }
            (event, t) => {
                let given = match event {
                    Event::Packet(_) => "a packet",
                    Event::Kprobe(_) => "kprobe registers",
                    Event::Tracepoint(_) => "a tracepoint record",
                };
                let wanted = match t {
                    ProgramType::Kprobe => "kprobe registers",
                    ProgramType::Tracepoint => "a tracepoint record",
                    _ => "a packet",
                };
                return Err(RunError::Input(format!(
                    "{} programs run on {wanted}, not on {given}",
                    t.name()
                )));
            }
        };
        let writable = matches!(prog_type, ProgramType::SchedCls | ProgramType::SocketFilter);
        let ctx_region = mem.add_region(RegionKind::Context, ctx_bytes, writable);
        let ctx_addr = mem.region(ctx_region).map_or(0, |r| r.base());
        let code = options
            .compiled
            .clone()
            .unwrap_or_else(|| Arc::new(CompiledProgram::new(program)));
        let mut env = RunEnv {
            maps,
            registry: options.helpers,
            prog_type,
            arenas: Vec::new(),
            map_tables,
            programs: options.programs,
            compiled: alloc::vec![None; options.programs.len()],
            running: alloc::vec![0],
            clock_ns: system.clock_ns,
            rng: system.random_seed,
            system,
            ctx_addr,
            ctx_region: Some(ctx_region),
            packet,
            log: Vec::new(),
            log_dropped: 0,
            events: Vec::new(),
            reservations: Vec::new(),
            iterations: Vec::new(),
            tail_calls: 0,
            redirect: None,
            budget: options.budget,
            nested_executed: 0,
        };
        env.lend_arenas(&mut mem);
        env.sync_ctx_packet_fields(&mut mem);
        let mut vm = Vm::new(
            code,
            mem,
            VmConfig {
                budget: options.budget,
                ..VmConfig::default()
            },
        );
        vm.set_reg(Reg::R1, ctx_addr);
        Ok(Execution {
            vm,
            env,
            packet_len_at_entry,
        })
    }

    /// The interpreter (registers, memory, pc).
    pub fn vm(&self) -> &Vm {
        &self.vm
    }

    /// The kernel side (maps, trace log so far, ...).
    pub fn env(&self) -> &RunEnv<'a> {
        &self.env
    }

    /// Runs to the end; `r0`.
    pub fn run(&mut self) -> Result<u64, InterpError> {
        self.vm.run(&mut self.env)
    }

    /// Runs one instruction.
    pub fn step(&mut self) -> Result<Stop, InterpError> {
        self.vm.step(&mut self.env)
    }

    /// Runs at most `steps` instructions.
    pub fn run_steps(&mut self, steps: u64) -> Result<Stop, InterpError> {
        self.vm.run_steps(&mut self.env, steps)
    }

    /// Runs to a breakpoint (`breakpoints[pc]`), the end, or an error.
    pub fn run_to_breakpoint(&mut self, breakpoints: &[bool]) -> Result<Stop, InterpError> {
        self.vm.run_to_breakpoint(&mut self.env, breakpoints)
    }

    /// Runs at most `steps` instructions (or to a breakpoint), recording them.
    pub fn run_traced(
        &mut self,
        trace: &mut Trace,
        steps: u64,
        breakpoints: &[bool],
    ) -> Result<Stop, InterpError> {
        self.vm.run_traced(&mut self.env, trace, steps, breakpoints)
    }

    /// Ends the run (wherever it stopped) and reports what it produced; the maps
    /// get their values back.
    pub fn finish(mut self) -> Outcome {
        let r0 = self.vm.exit_value().unwrap_or_else(|| self.vm.reg(Reg::R0));
        let mem = self.vm.memory_mut();
        let env = &mut self.env;
        let (packet, packet_meta, len) = match &env.packet {
            Some(p) => (Some(p.packet(mem)), p.metadata(mem), p.len()),
            None => (None, Vec::new(), self.packet_len_at_entry),
        };
        let ctx = env
            .ctx_region
            .and_then(|id| mem.region(id))
            .map(|r| r.data().to_vec())
            .unwrap_or_default();
        env.reclaim_arenas(mem);
        let verdict = verdict(env.prog_type, r0, len);
        Outcome {
            prog_type: env.prog_type,
            verdict,
            packet,
            packet_meta,
            ctx,
            trace_log: core::mem::take(&mut env.log),
            trace_lines_dropped: env.log_dropped,
            events: core::mem::take(&mut env.events),
            redirect: env.redirect.take(),
            executed: self.vm.executed().saturating_add(env.nested_executed),
            tail_calls: env.tail_calls,
            clock_ns: env.clock_ns,
            random_state: env.rng,
        }
    }
}

impl Drop for Execution<'_> {
    fn drop(&mut self) {
        let mem = self.vm.memory_mut();
        self.env.reclaim_arenas(mem);
    }
}
