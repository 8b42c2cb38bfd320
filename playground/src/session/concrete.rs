//! A run recorded step by step, once per analysis, so the verifier panel
//! can put each register's concrete value beside the verifier's abstract
//! state for the same instruction.

use vm_core::interp::RegionKind;
use vm_core::interp::{Trace, TraceStep};
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{Execution, Input, RunOptions};
use vm_core::Program;

/// Run steps recorded (a longer run is cut; the verifier trace is too).
pub const RUN_TRACE_LIMIT: usize = super::TRACE_LIMIT;

/// The recorded run: every step's registers, and the memory regions the
/// program could reach (to name what a pointer points into).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunTrace {
    /// The steps, in execution order.
    pub steps: Vec<TraceStep>,
    /// Each region: base address, length, kind (`ctx`, `packet`, `stack`, `map_value(map=0)`).
    pub regions: Vec<(u64, u64, String)>,
    /// The run went on past [`RUN_TRACE_LIMIT`] steps.
    pub truncated: bool,
    /// The context's bytes at entry.
    pub ctx: Vec<u8>,
    /// The packet region's bytes at entry (empty for tracing programs).
    pub packet: Vec<u8>,
}

impl RunTrace {
    /// The region holding `addr` and the offset into it.
    pub fn region_of(&self, addr: u64) -> Option<(&str, u64)> {
        self.regions
            .iter()
            .find(|(base, len, _)| addr >= *base && addr - base < *len)
            .map(|(base, _, kind)| (kind.as_str(), addr - base))
    }
}

/// Runs `program` on `input` (as [`super::analyse`] does), recording each step.
/// `None` when the run cannot start.
pub fn record(program: &Program, input: &Input) -> Option<RunTrace> {
    let mut maps = Maps::for_program(program, MapsConfig::default()).ok()?;
    let options = RunOptions {
        budget: super::RUN_BUDGET,
        ..RunOptions::default()
    };
    let mut exec = Execution::new(program, input, &mut maps, options).ok()?;
    let memory = exec.vm().memory();
    let bytes_of = |kind: RegionKind| {
        memory
            .regions()
            .iter()
            .find(|r| r.kind() == kind)
            .map(|r| r.data().to_vec())
            .unwrap_or_default()
    };
    let (ctx, packet) = (bytes_of(RegionKind::Context), bytes_of(RegionKind::Packet));
    let regions = exec
        .vm()
        .memory()
        .regions()
        .iter()
        .map(|r| (r.base(), r.end() - r.base(), r.kind().to_string()))
        .collect();
    let mut trace = Trace::with_limit(RUN_TRACE_LIMIT);
    // A run-time error ends the run; the steps before it are still worth showing.
    let _ = exec.run_traced(&mut trace, RUN_TRACE_LIMIT as u64, &[]);
    Some(RunTrace {
        truncated: trace.truncated || trace.steps.len() >= RUN_TRACE_LIMIT,
        steps: trace.steps,
        regions,
        ctx,
        packet,
    })
}
