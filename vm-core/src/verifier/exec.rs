//! The walk over all paths (the kernel's `do_check`): one current state,
//! a stack of pushed branches, saved states at prune points, the log and the
//! trace. Transfer functions live in `alu`, `mem`, `branch` and `call`.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;

use super::cfg::{self, Cfg};
use super::error::{ErrorKind, VerifierError};
use super::log::{kernel_insn_text, state_column_padding, FrameSnapshot, StepEvent, TraceStep};
use super::prune::states_equal;
use super::reg::{RegState, RegType};
use super::stack::{SlotDisplay, SLOT_SIZE};
use super::state::{FuncState, VerifierState};
use super::{Reject, VerifierOptions, VerifierResult, VerifierStats};
use crate::isa::{Insn, Reg};
use crate::program::{Program, ProgramType};

/// Where the path goes after an instruction.
pub(crate) enum Flow {
    /// Continue at this instruction.
    Goto(usize),
    /// The path ended (main program `exit`).
    End,
}

struct Pending {
    state: VerifierState,
    insn: usize,
    prev_insn: usize,
    path: u32,
    parent: Option<usize>,
}

struct Saved {
    state: VerifierState,
    branches: u32,
    parent: Option<usize>,
    hits: u32,
    misses: u32,
}

/// How many times a callback-calling helper call is revisited with changing
/// scalars before the changed ones are widened to unknown (see
/// [`Verifier::widen_after_callback`]).
pub const CALLBACK_REVISITS_BEFORE_WIDENING: usize = 8;

/// The verifier's working state for one run.
pub(crate) struct Verifier<'a> {
    pub prog: &'a Program,
    pub opts: &'a VerifierOptions,
    pub prog_type: ProgramType,
    pub cfg: Cfg,
    pub cur: VerifierState,
    pub insn_idx: usize,
    pub prev_insn_idx: usize,
    pub path: u32,
    parent: Option<usize>,
    pending: Vec<Pending>,
    saved: Vec<Option<Saved>>,
    explored: Vec<Vec<usize>>,
    id_gen: u32,
    pub stats: VerifierStats,
    pub jmps_processed: u64,
    prev_jmps: u64,
    prev_insns: u64,
    cur_states: u32,
    log: String,
    scratched_regs: u16,
    scratched_stack: u64,
    insn_line_end: Option<usize>,
    pub do_print_state: bool,
    trace: Vec<TraceStep>,
    trace_truncated: bool,
    step_log_start: usize,
    path_counter: u32,
    /// Deepest stack use seen per function (index into `cfg.subprogs`).
    pub subprog_stack: Vec<u32>,
    /// Calls between functions seen: (caller, callee) function indices.
    pub call_edges: Vec<(usize, usize)>,
    /// What the current instruction did to the path (for the trace).
    pub event: StepEvent,
    /// Where each acquired reference was acquired: (id, insn).
    pub ref_insns: Vec<(u32, usize)>,
}

impl<'a> Verifier<'a> {
    // ----- registers ---------------------------------------------------------

    /// Register `r` of the innermost frame.
    pub fn reg(&self, r: Reg) -> RegState {
        self.cur.cur().regs[r.index()]
    }

    /// Register `r` of the innermost frame, mutably.
    pub fn reg_mut(&mut self, r: Reg) -> &mut RegState {
        self.scratch_reg(r);
        &mut self.cur.cur_mut().regs[r.index()]
    }

    /// Sets register `r`.
    pub fn set_reg(&mut self, r: Reg, v: RegState) {
        *self.reg_mut(r) = v;
    }

    pub fn scratch_reg(&mut self, r: Reg) {
        self.scratched_regs |= 1 << r.index();
    }

    pub fn scratch_stack(&mut self, off: i32) {
        if let Some((spi, _)) = super::stack::StackState::locate(off) {
            self.scratched_stack |= 1 << spi;
        }
    }

    /// Checks `r` may be read (`R2 !read_ok`).
    pub fn check_reg_read(&mut self, r: Reg) -> Result<RegState, Reject> {
        self.scratch_reg(r);
        let v = self.reg(r);
        if v.ty == RegType::NotInit {
            return Err(self.reject(
                ErrorKind::UninitRegister,
                format!("R{} !read_ok", r.number()),
            ));
        }
        Ok(v)
    }

    /// Checks `r` may be written (`frame pointer is read only`).
    pub fn check_reg_write(&mut self, r: Reg) -> Result<(), Reject> {
        self.scratch_reg(r);
        if r == Reg::R10 {
            return Err(self.reject(
                ErrorKind::FramePointerWrite,
                "frame pointer is read only".into(),
            ));
        }
        Ok(())
    }

    /// An error at the current instruction.
    pub fn reject(&self, kind: ErrorKind, msg: String) -> Reject {
        Reject {
            insn: self.insn_idx,
            kind,
            msg,
        }
    }

    /// A fresh id for pointer copies and linked scalars.
    pub fn new_id(&mut self) -> u32 {
        self.id_gen = self.id_gen.wrapping_add(1).max(1);
        self.id_gen
    }

    /// The kernel's name of helper `id` (`bpf_map_lookup_elem`).
    pub fn helper_name(&self, id: i32) -> Option<&'static str> {
        self.opts.helpers.by_id(id as u32).map(|p| p.name)
    }

    // ----- branches and pruning -----------------------------------------------

    /// Saves `state` to be explored later from `insn`; returns its path id.
    pub fn push_branch(&mut self, state: VerifierState, insn: usize) -> u32 {
        self.path_counter += 1;
        if let Some(p) = self.parent {
            if let Some(Some(s)) = self.saved.get_mut(p) {
                s.branches += 1;
            }
        }
        self.pending.push(Pending {
            state,
            insn,
            prev_insn: self.insn_idx,
            path: self.path_counter,
            parent: self.parent,
        });
        self.stats.paths += 1;
        self.path_counter
    }

    /// The current path ended: the states it passed through may be fully verified now.
    fn end_path(&mut self) {
        let mut p = self.parent;
        while let Some(i) = p {
            let Some(Some(s)) = self.saved.get_mut(i) else {
                break;
            };
            s.branches = s.branches.saturating_sub(1);
            if s.branches > 0 {
                break;
            }
            p = s.parent;
        }
    }

    fn pop(&mut self) -> bool {
        match self.pending.pop() {
            Some(p) => {
                self.cur = p.state;
                self.insn_idx = p.insn;
                self.prev_insn_idx = p.prev_insn;
                self.path = p.path;
                self.parent = p.parent;
                self.do_print_state = true;
                self.scratch_all();
                true
            }
            None => false,
        }
    }

    pub fn clear_scratch(&mut self) {
        self.scratched_regs = 0;
        self.scratched_stack = 0;
    }

    pub fn scratch_all(&mut self) {
        self.scratched_regs = 0x7ff;
        self.scratched_stack = u64::MAX;
    }

    /// Compares the current state with those saved at `idx`; true when it can be pruned.
    fn is_state_visited(&mut self, idx: usize) -> Result<bool, Reject> {
        let force = self.cfg.force_checkpoint.get(idx).copied().unwrap_or(false);
        let mut add_new = force;
        if self.jmps_processed - self.prev_jmps >= 2
            && self.stats.processed_insns - self.prev_insns >= 8
        {
            add_new = true;
        }
        let live = self.cfg.live_before.get(idx).copied().unwrap_or(0x7ff);
        let calls_cb = self.cfg.calls_callback.get(idx).copied().unwrap_or(false);
        let list = core::mem::take(&mut self.explored[idx]);
        let mut keep = Vec::with_capacity(list.len());
        let mut found = false;
        let mut looping = false;
        for si in list {
            if found || looping {
                keep.push(si);
                continue;
            }
            let Some(Some(s)) = self.saved.get_mut(si) else {
                continue;
            };
            if s.branches > 0 {
                if calls_cb {
                    // Another run of a callback: done when it changes nothing new.
                    if states_equal(&s.state, &self.cur, live, false, self.opts.privileged) {
                        s.hits += 1;
                        found = true;
                        keep.push(si);
                        continue;
                    }
                } else if states_equal(&s.state, &self.cur, live, true, self.opts.privileged) {
                    looping = true;
                    keep.push(si);
                    continue;
                } else if self.jmps_processed - self.prev_jmps < 20
                    && self.stats.processed_insns - self.prev_insns < 100
                {
                    // Inside a loop: different iterations rarely help pruning, so
                    // save a state only now and then (as the kernel does).
                    add_new = false;
                }
            } else if states_equal(&s.state, &self.cur, live, false, self.opts.privileged) {
                s.hits += 1;
                found = true;
                keep.push(si);
                continue;
            }
            // A miss. Misses count only when a new state is saved here, so that
            // a loop keeps states from early and late iterations; a state that
            // keeps missing stops being compared, as the kernel drops it (more
            // patiently at a callback call, where revisits must converge).
            if add_new {
                s.misses += 1;
            }
            let patience = if calls_cb && s.branches > 0 { 64 } else { 3 };
            if s.misses > s.hits * patience + patience {
                if s.branches == 0 {
                    self.saved[si] = None;
                    self.cur_states = self.cur_states.saturating_sub(1);
                }
                // A state whose paths are still being explored stays saved (its
                // children report to it) but is no longer compared.
                continue;
            }
            keep.push(si);
        }
        let compared = keep.len() as u32;
        self.stats.max_states_per_insn = self.stats.max_states_per_insn.max(compared);
        self.explored[idx] = keep;
        if looping {
            return Err(self.reject(
                ErrorKind::InfiniteLoop,
                format!("infinite loop detected at insn {}", idx),
            ));
        }
        if found {
            self.stats.pruned += 1;
            return Ok(true);
        }
        if !add_new {
            return Ok(false);
        }
        let si = self.saved.len();
        self.saved.push(Some(Saved {
            state: self.cur.clone(),
            branches: 1,
            parent: self.parent,
            hits: 0,
            misses: 0,
        }));
        self.parent = Some(si);
        self.explored[idx].push(si);
        self.stats.total_states += 1;
        self.cur_states += 1;
        self.stats.peak_states = self.stats.peak_states.max(self.cur_states);
        self.prev_jmps = self.jmps_processed;
        self.prev_insns = self.stats.processed_insns;
        Ok(false)
    }

    /// Widens the scalars a callback changed, against the newest state saved at
    /// `callsite` on the current path (the kernel's `find_prev_entry` and
    /// `widen_imprecise_scalars`). The kernel widens only scalars not marked
    /// precise; we keep no precision marks, so we widen every changed scalar,
    /// but only once the call has been revisited [`CALLBACK_REVISITS_BEFORE_WIDENING`]
    /// times: a value that settles within that many callback runs (a bounded
    /// counter the caller later relies on) keeps its bounds as in the kernel.
    pub fn widen_after_callback(&mut self, callsite: usize) {
        let cur = &self.cur;
        let saved = &self.saved;
        let mut entries = self
            .explored
            .get(callsite)
            .into_iter()
            .flatten()
            .rev()
            .filter_map(|&si| match saved.get(si) {
                Some(Some(s))
                    if s.branches > 0
                        && s.state.frames.len() == cur.frames.len()
                        && s.state
                            .frames
                            .iter()
                            .zip(cur.frames.iter())
                            .all(|(a, b)| a.callsite == b.callsite) =>
                {
                    Some(&s.state)
                }
                _ => None,
            });
        let Some(prev) = entries.next() else {
            return;
        };
        if entries.count() + 1 < CALLBACK_REVISITS_BEFORE_WIDENING {
            return;
        }
        super::prune::widen_changed_scalars(prev, &mut self.cur);
    }

    // ----- log ------------------------------------------------------------

    fn logging(&self) -> bool {
        self.opts.log
    }

    /// Appends text to the log (the kernel caps its buffer; we cap at 16 MiB).
    pub fn log_str(&mut self, s: &str) {
        if self.logging() && self.log.len() < (16 << 20) {
            self.log.push_str(s);
        }
    }

    /// Writes the innermost frame as the kernel's `print_verifier_state` does.
    fn print_state(&mut self, all: bool) {
        if !self.logging() {
            return;
        }
        let mut s = String::new();
        let frame = self.cur.cur();
        if frame.frameno > 0 {
            let _ = write!(s, " frame{}:", frame.frameno);
        }
        for (i, r) in frame.regs.iter().enumerate() {
            if r.ty == RegType::NotInit || (!all && self.scratched_regs & (1 << i) == 0) {
                continue;
            }
            let _ = write!(s, " R{}={}", i, r.display(&self.prog.maps, frame.frameno));
        }
        for (i, slot) in frame.stack.slots.iter().enumerate() {
            if (!all && self.scratched_stack & (1u64 << i) == 0) || slot.is_empty() {
                continue;
            }
            let _ = write!(
                s,
                " fp-{}={}",
                (i + 1) * SLOT_SIZE,
                SlotDisplay {
                    slot,
                    maps: &self.prog.maps,
                    frameno: frame.frameno
                }
            );
        }
        if !self.cur.refs.is_empty() {
            let _ = write!(s, " refs=");
            for (i, r) in self.cur.refs.iter().enumerate() {
                let _ = write!(s, "{}{}", if i > 0 { "," } else { "" }, r);
            }
        }
        if frame.in_callback {
            s.push_str(" cb");
        }
        s.push('\n');
        self.log_str(&s);
        if !all {
            self.scratched_regs = 0;
            self.scratched_stack = 0;
        }
    }

    /// After an instruction: its scratched registers on the same line, or on a new one.
    fn print_insn_state(&mut self) {
        if self.scratched_regs == 0 && self.scratched_stack == 0 {
            return;
        }
        if !self.logging() {
            self.scratched_regs = 0;
            self.scratched_stack = 0;
            return;
        }
        match self.insn_line_end {
            Some(end) if end == self.log.len() && self.log.ends_with('\n') => {
                self.log.pop();
                let line_start = self.log.rfind('\n').map_or(0, |p| p + 1);
                let len = self.log.len() - line_start;
                let pad = state_column_padding(len);
                for _ in 0..pad {
                    self.log.push(' ');
                }
                self.log.push(';');
            }
            _ => {
                let s = format!("{}:", self.insn_idx);
                self.log_str(&s);
            }
        }
        self.print_state(false);
    }

    fn snapshot(&self) -> FrameSnapshot {
        let f = self.cur.cur();
        FrameSnapshot {
            frameno: f.frameno,
            regs: f.regs,
            stack: f.stack.slots.clone(),
        }
    }

    fn close_step(&mut self) {
        if let Some(last) = self.trace.last_mut() {
            if last.log.is_empty() {
                last.log = self.log.get(self.step_log_start..).unwrap_or("").into();
            }
        }
        self.step_log_start = self.log.len();
    }

    fn record(&mut self, step: TraceStep) {
        if self.trace.len() < self.opts.trace_limit {
            self.trace.push(step);
        } else {
            self.trace_truncated = true;
        }
    }

    // ----- the walk -------------------------------------------------------

    fn main_loop(&mut self) -> Result<(), Reject> {
        loop {
            let idx = self.insn_idx;
            let Some(insn) = self.prog.insns.get(idx).copied() else {
                return Err(self.reject(
                    ErrorKind::Structure,
                    format!(
                        "invalid insn idx {} insn_cnt {}",
                        idx,
                        self.prog.insns.len()
                    ),
                ));
            };
            self.stats.processed_insns += 1;
            if self.stats.processed_insns > self.opts.insn_limit {
                return Err(self.reject(
                    ErrorKind::TooComplex,
                    format!(
                        "BPF program is too large. Processed {} insn",
                        self.stats.processed_insns
                    ),
                ));
            }
            if self.cfg.prune_point.get(idx).copied().unwrap_or(false)
                && self.is_state_visited(idx)?
            {
                self.close_step();
                if self.do_print_state {
                    let s = format!("\nfrom {} to {}: safe\n", self.prev_insn_idx, idx);
                    self.log_str(&s);
                } else {
                    let s = format!("{}: safe\n", idx);
                    self.log_str(&s);
                }
                let before = self.snapshot();
                self.record(TraceStep {
                    insn: idx,
                    path: self.path,
                    before,
                    after: None,
                    regs_touched: 0,
                    event: StepEvent::Pruned,
                    log: String::new(),
                });
                self.end_path();
                if !self.pop() {
                    self.close_step();
                    return Ok(());
                }
                continue;
            }
            if self.do_print_state {
                let s = format!("\nfrom {} to {}:", self.prev_insn_idx, idx);
                self.log_str(&s);
                self.print_state(true);
                self.do_print_state = false;
            }
            self.print_insn_state();
            self.close_step();
            let text = kernel_insn_text(self.prog, idx, |id| self.helper_name(id));
            let line = format!("{}: {}\n", idx, text);
            self.log_str(&line);
            self.insn_line_end = Some(self.log.len());
            let before = self.snapshot();
            self.event = StepEvent::Next;
            self.scratched_regs = 0;
            self.scratched_stack = 0;
            let flow = self.do_check_insn(&insn);
            let touched = self.scratched_regs;
            match flow {
                Err(e) => {
                    self.record(TraceStep {
                        insn: idx,
                        path: self.path,
                        before,
                        after: None,
                        regs_touched: touched,
                        event: StepEvent::Error,
                        log: String::new(),
                    });
                    return Err(e);
                }
                Ok(Flow::Goto(next)) => {
                    let after = self.snapshot();
                    let event = core::mem::replace(&mut self.event, StepEvent::Next);
                    self.record(TraceStep {
                        insn: idx,
                        path: self.path,
                        before,
                        after: Some(after),
                        regs_touched: touched,
                        event,
                        log: String::new(),
                    });
                    self.prev_insn_idx = idx;
                    self.insn_idx = next;
                }
                Ok(Flow::End) => {
                    self.record(TraceStep {
                        insn: idx,
                        path: self.path,
                        before,
                        after: None,
                        regs_touched: touched,
                        event: StepEvent::Exit,
                        log: String::new(),
                    });
                    self.end_path();
                    if !self.pop() {
                        self.close_step();
                        return Ok(());
                    }
                }
            }
        }
    }

    fn do_check_insn(&mut self, insn: &Insn) -> Result<Flow, Reject> {
        let idx = self.insn_idx;
        match *insn {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => {
                self.check_alu(width, op, dst, src)?;
                Ok(Flow::Goto(idx + 1))
            }
            Insn::Endian { kind, bits, dst } => {
                self.check_endian(kind, bits, dst)?;
                Ok(Flow::Goto(idx + 1))
            }
            Insn::Load {
                size,
                sign_extend,
                dst,
                src,
                off,
            } => {
                self.check_load(size, sign_extend, dst, src, off)?;
                Ok(Flow::Goto(idx + 1))
            }
            Insn::Store {
                size,
                dst,
                off,
                src,
            } => {
                self.check_store(size, dst, off, src)?;
                Ok(Flow::Goto(idx + 1))
            }
            Insn::Atomic {
                size,
                op,
                fetch,
                dst,
                src,
                off,
            } => {
                self.check_atomic(size, op, fetch, dst, src, off)?;
                Ok(Flow::Goto(idx + 1))
            }
            Insn::LdImm64 {
                dst,
                kind,
                imm,
                next_imm,
            } => {
                self.check_ld_imm64(dst, kind, imm, next_imm)?;
                Ok(Flow::Goto(idx + 2))
            }
            Insn::LdImm64Tail => Err(self.reject(
                ErrorKind::Structure,
                format!("jump into the middle of ldimm64 insn {}", idx),
            )),
            Insn::LdPacket { size, mode, imm } => {
                self.check_ld_abs(size, mode, imm)?;
                Ok(Flow::Goto(idx + 1))
            }
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                off,
            } => {
                self.jmps_processed += 1;
                self.check_cond_jmp(width, cond, dst, src, off)
            }
            Insn::Ja { .. } => {
                self.jmps_processed += 1;
                let t = insn.branch_target(idx).unwrap_or(-1);
                Ok(Flow::Goto(t.max(0) as usize))
            }
            Insn::Call(target) => {
                self.jmps_processed += 1;
                self.check_call(target)
            }
            Insn::Callx { reg } => Err(self.reject(
                ErrorKind::Structure,
                format!("callx r{} is not supported", reg.number()),
            )),
            Insn::Exit => {
                self.jmps_processed += 1;
                self.check_exit()
            }
        }
    }
}

/// Runs the verifier (see [`super::verify`]).
pub(crate) fn run(prog: &Program, opts: &VerifierOptions) -> VerifierResult {
    let prog_type = opts.prog_type.unwrap_or(prog.prog_type);
    let mut log = String::new();
    let cfg = match cfg::check(prog, &opts.helpers) {
        Ok(c) => c,
        Err(r) => {
            if opts.log {
                log.push_str("func#0 @0\n");
                log.push_str(&r.msg);
                log.push('\n');
            }
            let mut res = VerifierResult {
                error: Some(to_error(prog, r)),
                stats: VerifierStats::default(),
                trace: Vec::new(),
                trace_truncated: false,
                log,
            };
            let summary = res.summary();
            if opts.log {
                res.log.push_str(&summary);
                res.log.push('\n');
            }
            return res;
        }
    };
    if opts.log {
        for (i, s) in cfg.subprogs.iter().enumerate() {
            let _ = writeln!(log, "func#{} @{}", i, s);
        }
    }
    let mut frame = FuncState::new(0, 0, 0);
    frame.regs[1] = RegState::pointer(RegType::PtrToCtx);
    let n = prog.insns.len();
    let nsub = cfg.subprogs.len();
    let mut v = Verifier {
        prog,
        opts,
        prog_type,
        cfg,
        cur: VerifierState {
            frames: vec![frame],
            refs: Vec::new(),
        },
        insn_idx: 0,
        prev_insn_idx: 0,
        path: 0,
        parent: None,
        pending: Vec::new(),
        saved: Vec::new(),
        explored: vec![Vec::new(); n],
        id_gen: 0,
        stats: VerifierStats {
            paths: 1,
            ..VerifierStats::default()
        },
        jmps_processed: 0,
        prev_jmps: 0,
        prev_insns: 0,
        cur_states: 0,
        log,
        scratched_regs: 0x7ff,
        scratched_stack: 0,
        insn_line_end: None,
        do_print_state: false,
        trace: Vec::new(),
        trace_truncated: false,
        step_log_start: 0,
        path_counter: 0,
        subprog_stack: vec![0; nsub],
        call_edges: Vec::new(),
        event: StepEvent::Next,
        ref_insns: Vec::new(),
    };
    let mut outcome = v.main_loop();
    if outcome.is_ok() {
        outcome = v.check_max_stack_depth();
    }
    let error = match outcome {
        Ok(()) => None,
        Err(r) => {
            let msg = format!("{}\n", r.msg);
            v.log_str(&msg);
            v.close_step();
            Some(to_error(prog, r))
        }
    };
    let mut res = VerifierResult {
        error,
        stats: v.stats,
        trace: v.trace,
        trace_truncated: v.trace_truncated,
        log: v.log,
    };
    if opts.log {
        let summary = res.summary();
        res.log.push_str(&summary);
        res.log.push('\n');
    }
    res
}

fn to_error(prog: &Program, r: Reject) -> VerifierError {
    VerifierError {
        insn: r.insn,
        line: prog.source_map.line_of(r.insn),
        kind: r.kind,
        message: r.msg,
    }
}
