//! Walks over a verifier trace that was recorded once: the path that led to
//! a step, where a register's value came from, the loop iterations of an
//! instruction, a step in plain words, and how a run's concrete registers
//! sit inside the verifier's abstract ones. Everything indexes into the
//! stored trace; nothing verifies or runs again.

use vm_core::disasm::format_insn;
use vm_core::isa::{AluOp, CallTarget, Insn, Operand, Reg};
use vm_core::verifier::{RegState, RegType, StepEvent, TraceStep};
use vm_core::Program;

use super::concrete::RunTrace;
use super::Analysis;
use vm_core::asm::Syntax;

/// The trace indices that led to step `i` (its own path back to where it
/// was pushed, then the pushing path, back to the first step), oldest first.
///
/// A pushed path's steps come after the push in the trace (the verifier
/// explores depth first), so one backward scan that switches to the parent
/// path at the step that pushed the current one finds them all.
pub fn lineage(trace: &[TraceStep], i: usize) -> Vec<usize> {
    let Some(step) = trace.get(i) else {
        return Vec::new();
    };
    let mut path = step.path;
    let mut out = vec![i];
    for j in (0..i).rev() {
        let s = &trace[j];
        if s.path == path {
            out.push(j);
        } else if let StepEvent::BranchPushed { pushed_path, .. } = s.event {
            if pushed_path == path {
                out.push(j);
                path = s.path;
            }
        }
    }
    out.reverse();
    out
}

/// The trace index of the step that failed, for a rejected program: the
/// last step, unless the trace stopped (at [`TRACE_LIMIT`](super::TRACE_LIMIT))
/// before the verifier got there; then `None`, as the failing step is not
/// in the trace (the error's message and instruction still are known).
pub fn error_step(analysis: &Analysis) -> Option<usize> {
    analysis.verdict.error.as_ref()?;
    if analysis.verifier.trace_truncated {
        return None;
    }
    analysis.verifier.trace.len().checked_sub(1)
}

/// The register an instruction writes, if any (`call` writes `r0`).
pub fn written_reg(insn: &Insn) -> Option<u8> {
    match *insn {
        Insn::Alu { dst, .. } | Insn::Endian { dst, .. } | Insn::LdImm64 { dst, .. } => {
            Some(dst.number())
        }
        Insn::Load { dst, .. } => Some(dst.number()),
        Insn::Atomic {
            fetch: true,
            op,
            src,
            ..
        } => {
            if matches!(op, vm_core::isa::AtomicOp::Cmpxchg) {
                Some(0)
            } else {
                Some(src.number())
            }
        }
        Insn::Call(_) | Insn::Callx { .. } | Insn::LdPacket { .. } => Some(0),
        _ => None,
    }
}

/// One link of a register's history: the step that wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Trace index of the writing step.
    pub step: usize,
    /// Instruction index.
    pub insn: usize,
    /// The instruction, pseudo-C.
    pub text: String,
    /// The register written (`R4`).
    pub reg: String,
    /// Its state after the write, as the kernel prints it.
    pub value: String,
}

/// Most links shown for one register's history.
pub const ORIGIN_LIMIT: usize = 12;

/// Where register `reg`'s value at step `i` (before the instruction) came
/// from: the last step on this path that wrote it, then the register that
/// step copied or updated, and so on back to a constant, a load, a call or
/// the program's entry. Newest first.
pub fn origins(analysis: &Analysis, i: usize, reg: u8) -> Vec<Origin> {
    let trace = &analysis.verifier.trace;
    let program = &analysis.program;
    let line = lineage(trace, i);
    // Steps strictly before `i` on its path, newest first.
    let mut earlier = line.iter().rev().skip(1).copied();
    let mut reg = reg;
    let mut out = Vec::new();
    while out.len() < ORIGIN_LIMIT {
        let Some(j) = earlier.find(|&j| {
            let s = &trace[j];
            s.after.is_some()
                && program
                    .insns
                    .get(s.insn)
                    .and_then(written_reg)
                    .is_some_and(|w| w == reg)
        }) else {
            break;
        };
        let s = &trace[j];
        let value = s
            .after
            .as_ref()
            .and_then(|a| a.regs.get(reg as usize))
            .map(|r| r.display(&program.maps, s.before.frameno).to_string())
            .unwrap_or_default();
        out.push(Origin {
            step: j,
            insn: s.insn,
            text: format_insn(program, s.insn, Syntax::PseudoC),
            reg: format!("R{reg}"),
            value,
        });
        // Follow the value: a copy continues with its source, an update
        // (`r4 += 14`) with the register's own earlier value; anything else
        // (a constant, a load, a call) is where the value was born.
        match program.insns.get(s.insn) {
            Some(Insn::Alu {
                op: AluOp::Mov | AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32,
                src: Operand::Reg(r),
                ..
            }) => reg = r.number(),
            Some(Insn::Alu {
                op: AluOp::Mov | AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32,
                src: Operand::Imm(_),
                ..
            }) => break,
            Some(Insn::Alu { .. } | Insn::Endian { .. }) => {}
            _ => break,
        }
    }
    out
}

/// The trace indices of every visit to the instruction of step `i` on the
/// same path lineage: the loop iterations the verifier walked through.
pub fn iterations(trace: &[TraceStep], i: usize) -> Vec<usize> {
    let Some(step) = trace.get(i) else {
        return Vec::new();
    };
    let insn = step.insn;
    let line = lineage(trace, i);
    let mut out: Vec<usize> = line
        .into_iter()
        .filter(|&j| trace[j].insn == insn)
        .collect();
    // Visits after `i` on the same path continue the loop.
    out.extend(
        trace
            .iter()
            .enumerate()
            .skip(i + 1)
            .filter(|(_, s)| s.path == step.path && s.insn == insn)
            .map(|(j, _)| j),
    );
    out
}

/// How a register state reads in plain words.
pub fn describe(r: &RegState, program: &Program) -> String {
    let off = |o: i64| match o {
        0 => "at its start".to_string(),
        o if o > 0 => format!("{o} bytes past its start"),
        o => format!("{} bytes before its start", -o),
    };
    let fixed = r.off as i64;
    let var = if r.var_off.is_const() {
        String::new()
    } else {
        " plus a variable offset".to_string()
    };
    match r.ty {
        RegType::NotInit => "not initialised: reading it is an error".into(),
        RegType::Scalar if r.var_off.is_const() => {
            format!("the number {}", r.var_off.value as i64)
        }
        RegType::Scalar if r.umin == 0 && r.umax == u64::MAX => {
            "a number the verifier knows nothing about".into()
        }
        RegType::Scalar => format!("a number between {} and {}", r.umin, r.umax),
        RegType::PtrToCtx => format!("the context pointer, {}", off(fixed)),
        RegType::ConstPtrToMap => {
            let name = program
                .maps
                .get(r.map as usize)
                .map_or("?", |m| m.name.as_str());
            format!("a pointer to the map {name}")
        }
        RegType::PtrToMapValue if r.maybe_null => {
            format!("a map value pointer that may be NULL{var}: compare it with 0 before using it")
        }
        RegType::PtrToMapValue => format!(
            "a pointer into a {}-byte map value, {}{var}",
            r.mem_size,
            off(fixed)
        ),
        RegType::PtrToMapKey => format!("a pointer into a map key, {}", off(fixed)),
        RegType::PtrToStack => format!("a pointer to the stack at fp{:+}{var}", fixed),
        RegType::PtrToPacketMeta => format!("a pointer to the packet metadata, {}", off(fixed)),
        RegType::PtrToPacket => {
            let proven = if r.range > 0 {
                format!(
                    "the first {} bytes from it are proven inside the packet",
                    r.range
                )
            } else {
                "nothing is proven about the packet yet".to_string()
            };
            format!("a packet pointer {}{var}; {proven}", off(fixed))
        }
        RegType::PtrToPacketEnd => "the end of the packet (data_end)".into(),
        RegType::PtrToMem if r.maybe_null => {
            "helper memory that may be NULL: compare it with 0 first".into()
        }
        RegType::PtrToMem => format!("a pointer into {} bytes of helper memory", r.mem_size),
        RegType::PtrToFunc => "the address of a function".into(),
    }
}

/// One verifier step in plain English, e.g. `r4 = r2 + 14`-style updates
/// named with what the result is: "r4 is a packet pointer 14 bytes past its
/// start; nothing is proven about the packet yet".
pub fn narrate(analysis: &Analysis, i: usize) -> String {
    let program = &analysis.program;
    let Some(s) = analysis.verifier.trace.get(i) else {
        return String::new();
    };
    let text = format_insn(program, s.insn, Syntax::PseudoC);
    let after = |reg: u8| {
        s.after
            .as_ref()
            .and_then(|a| a.regs.get(reg as usize))
            .map(|r| describe(r, program))
    };
    let before = |reg: u8| {
        s.before
            .regs
            .get(reg as usize)
            .map(|r| describe(r, program))
            .unwrap_or_default()
    };
    let what = match (&s.event, program.insns.get(s.insn)) {
        (StepEvent::Error, _) => match analysis.verdict.error.as_ref() {
            // The kernel's message is in the error box and the log; here the
            // same thing in plain words, then the fix for this instruction.
            Some(e) => format!(
                "the verifier rejects this instruction. {} {}",
                e.explanation.replace('`', ""),
                e.fix.replace('`', "").trim_end_matches('.')
            ),
            None => "the verifier rejects this instruction".into(),
        },
        (StepEvent::Pruned, _) => "the state here lies within one already verified at this instruction, so this path stops here (pruned)".into(),
        (_, Some(Insn::Exit)) => match s.before.frameno {
            0 => format!("the path ends; the program returns r0, which is {}", before(0)),
            _ => format!("the function returns to its caller with r0, which is {}", before(0)),
        },
        (StepEvent::BranchKnown { taken }, Some(Insn::Jump { .. })) => format!(
            "the verifier already knows the outcome of this comparison, so it only follows the {} side",
            if *taken { "jumping" } else { "fall-through" }
        ),
        (StepEvent::BranchPushed { taken, pushed_path, pushed_insn }, Some(Insn::Jump { .. })) => format!(
            "both outcomes are possible: the verifier follows the {} side now and saves the other (path {pushed_path}, at insn {pushed_insn}) to check later; each side learns what the comparison proves",
            if *taken { "jumping" } else { "fall-through" }
        ),
        (_, Some(Insn::Ja { .. })) => "jumps unconditionally".into(),
        (_, Some(Insn::Call(CallTarget::Local(_)))) => "calls a local function: it gets a new stack frame, and r1-r5 carry the arguments".into(),
        (_, Some(Insn::Call(_))) => format!(
            "calls a helper: r0 is now {}; r1-r5 are unreadable until written again",
            after(0).unwrap_or_default()
        ),
        (_, Some(Insn::Store { size, dst, off, .. })) => format!(
            "stores {} bytes at offset {off} from r{}, which is {}",
            size.bytes(),
            dst.number(),
            before(dst.number())
        ),
        (_, Some(Insn::Load { dst, src, size, off, .. })) => format!(
            "reads {} bytes at offset {off} from r{}, which is {}; r{} is now {}",
            size.bytes(),
            src.number(),
            before(src.number()),
            dst.number(),
            after(dst.number()).unwrap_or_default()
        ),
        (_, Some(insn)) => match written_reg(insn) {
            Some(r) => format!("r{r} is now {}", after(r).unwrap_or_default()),
            None => "the state does not change".into(),
        },
        (_, None) => String::new(),
    };
    format!("{text}: {what}.")
}

/// Whether a concrete value lies inside an abstract register state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Inside every bound the verifier keeps (tnum, signed and unsigned, 64 and 32 bit).
    Within,
    /// Outside: a soundness bug in the verifier (it must never happen).
    Outside(String),
    /// A pointer: its concrete address lies in the kind of memory the
    /// verifier's type names, at the offset the verifier tracks.
    PointsInto(String),
    /// Nothing to compare (the register is uninitialised for the verifier).
    NotTracked,
}

/// Checks concrete `v` against abstract `r`. For pointers, `fp` is the
/// run's frame pointer (for stack offsets) and `trace` names the memory.
pub fn fit(r: &RegState, v: u64, fp: u64, run: &RunTrace) -> Fit {
    match r.ty {
        RegType::NotInit => Fit::NotTracked,
        RegType::Scalar => {
            let t = r.var_off;
            let s = v as i64;
            let (v32, s32) = (v as u32, v as u32 as i32);
            let checks = [
                (v & !t.mask == t.value, "its known bits (tnum)"),
                (r.umin <= v && v <= r.umax, "umin..umax"),
                (r.smin <= s && s <= r.smax, "smin..smax"),
                (r.u32_min <= v32 && v32 <= r.u32_max, "u32_min..u32_max"),
                (r.s32_min <= s32 && s32 <= r.s32_max, "s32_min..s32_max"),
            ];
            match checks.iter().find(|(ok, _)| !ok) {
                None => Fit::Within,
                Some((_, what)) => Fit::Outside(format!("outside {what}")),
            }
        }
        RegType::PtrToStack => {
            let off = v.wrapping_sub(fp) as i64;
            let lo = (r.off as i64).wrapping_add(r.smin);
            let hi = (r.off as i64).wrapping_add(r.smax);
            if lo <= off && off <= hi {
                Fit::PointsInto(format!("the stack at fp{off:+}"))
            } else {
                Fit::Outside(format!("fp{off:+} is not fp{:+}", r.off))
            }
        }
        ty => {
            let want = match ty {
                RegType::PtrToCtx => "ctx",
                RegType::PtrToPacket | RegType::PtrToPacketMeta | RegType::PtrToPacketEnd => {
                    "packet"
                }
                RegType::PtrToMapValue => "map_value",
                _ => "",
            };
            match run.region_of(v) {
                Some((kind, _)) if !want.is_empty() && !kind.starts_with(want) => {
                    Fit::Outside(format!("points into {kind}, not {want}"))
                }
                Some((kind, off)) => Fit::PointsInto(format!("{kind} + {off}")),
                // One past the end of the packet (data_end) lies outside every region.
                None if ty == RegType::PtrToPacketEnd => {
                    Fit::PointsInto("one past the packet's last byte".into())
                }
                None if r.maybe_null && v == 0 => Fit::PointsInto("NULL".into()),
                None => Fit::PointsInto("memory the run does not map".into()),
            }
        }
    }
}

/// The run's step that matches verifier step `i`: the run executed the
/// same instructions, in the same order, as the verifier's path to `i`.
/// `None` when the run went another way (or was not recorded that far).
pub fn matching_run_step(analysis: &Analysis, run: &RunTrace, i: usize) -> Option<usize> {
    let trace = &analysis.verifier.trace;
    let line = lineage(trace, i);
    if line.len() > run.steps.len() {
        return None;
    }
    let same = line
        .iter()
        .zip(&run.steps)
        .all(|(&j, r)| trace[j].insn == r.pc);
    same.then(|| line.len() - 1)
}

/// For every step `k` of the run, the verifier step that
/// [`matching_run_step`] maps to it: the verifier's state at the same
/// instruction on the path the run took (the first such step when two
/// match). `None` where the verifier did not walk the run's path that far
/// (it pruned the path, or stopped).
///
/// One pass over the trace, made once per run, where asking
/// [`matching_run_step`] of every step would walk each step's lineage: a
/// path's steps extend the run prefix its pushing step matched.
pub fn verifier_steps_of_run(analysis: &Analysis, run: &RunTrace) -> Vec<Option<usize>> {
    let mut out = vec![None; run.steps.len()];
    // Per path id: how many run steps its lineage so far matches (`None`
    // once it left the run's way).
    let mut matched: std::collections::HashMap<u32, Option<usize>> =
        std::collections::HashMap::from([(0, Some(0))]);
    for (j, step) in analysis.verifier.trace.iter().enumerate() {
        let m = matched.get(&step.path).copied().flatten();
        let now = m.filter(|&m| run.steps.get(m).is_some_and(|r| r.pc == step.insn));
        if let Some(m) = now {
            if let Some(slot) = out.get_mut(m) {
                slot.get_or_insert(j);
            }
        }
        let after = now.map(|m| m + 1);
        matched.insert(step.path, after);
        if let StepEvent::BranchPushed { pushed_path, .. } = step.event {
            matched.insert(pushed_path, after);
        }
    }
    out
}

/// True when `r` names a general register `R0`..`R10`; its number.
pub fn reg_number(name: &str) -> Option<u8> {
    let n: u8 = name.strip_prefix('R')?.parse().ok()?;
    Reg::new(n).map(|r| r.number())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{analyse, Report};
    use std::rc::Rc;

    fn analysed(source: &str) -> Rc<Analysis> {
        let packet = crate::session::parse_packet(crate::session::SAMPLE_PACKET_HEX).unwrap();
        match analyse(source, &packet) {
            Report::Analysed(a) => a,
            Report::Asm(e) => panic!("{e:?}"),
        }
    }

    const BRANCHY: &str = ".type xdp\nr2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 14\nif r4 > r3 goto out\nr0 = *(u8 *)(r2 + 12)\nout:\nr0 = 2\nexit\n";

    #[test]
    fn the_lineage_of_a_pushed_path_goes_through_the_push() {
        let a = analysed(BRANCHY);
        let trace = &a.verifier.trace;
        let last = trace.len() - 1;
        assert_ne!(trace[last].path, 0, "the last step is on a pushed path");
        let line = lineage(trace, last);
        let insns: Vec<usize> = line.iter().map(|&j| trace[j].insn).collect();
        assert_eq!(&insns[..5], &[0, 1, 2, 3, 4], "{insns:?}");
        assert_eq!(insns.last(), Some(&trace[last].insn));
        // The other side's steps are not part of it.
        assert!(insns.len() < trace.len(), "{insns:?}");
    }

    #[test]
    fn origins_follow_copies_and_updates_back_to_the_load() {
        let a = analysed(BRANCHY);
        let at = a.verifier.trace.iter().position(|s| s.insn == 4).unwrap();
        let chain = origins(&a, at, 4);
        let insns: Vec<usize> = chain.iter().map(|o| o.insn).collect();
        assert_eq!(insns, vec![3, 2, 0], "r4 += 14 <- r4 = r2 <- r2 = data");
        assert_eq!(chain[0].reg, "R4");
        assert_eq!(chain[2].reg, "R2");
        assert!(chain[0].value.starts_with("pkt("), "{:?}", chain[0]);
    }

    #[test]
    fn narration_names_the_packet_pointer_and_what_is_proven() {
        let a = analysed(BRANCHY);
        let at = a.verifier.trace.iter().position(|s| s.insn == 3).unwrap();
        let text = narrate(&a, at);
        assert!(
            text.contains("r4 is now a packet pointer 14 bytes past its start; nothing is proven about the packet yet"),
            "{text}"
        );
    }

    #[test]
    fn the_error_step_is_narrated_in_plain_words_with_its_fix() {
        let a =
            analysed(".type xdp\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u16 *)(r2 + 12)\nr0 = 2\nexit\n");
        let last = a.verifier.trace.len() - 1;
        let text = narrate(&a, last);
        assert!(text.contains("Packet bytes may only be read"), "{text}");
        assert!(text.contains("if r2 + 14 > data_end goto drop"), "{text}");
        assert!(!text.contains("invalid access to packet"), "{text}");
        assert!(!text.contains('`'), "{text}");
    }

    #[test]
    fn a_trace_cut_before_the_error_has_no_error_step() {
        let a = analysed(".type xdp\nr0 = 1\nr0 += r3\nexit\n");
        assert_eq!(error_step(&a), Some(a.verifier.trace.len() - 1));
        // Counts without end: rejected after 1,000,000 instructions, the
        // trace stops at TRACE_LIMIT steps long before.
        let a = analysed(".type xdp\nr1 = 0\nloop:\nr1 += 1\nif r1 != 0 goto loop\nr0 = 2\nexit\n");
        assert!(a.verifier.trace_truncated);
        assert_eq!(a.verifier.trace.len(), crate::session::TRACE_LIMIT);
        assert!(a.verdict.error.is_some());
        assert_eq!(error_step(&a), None);
    }

    #[test]
    fn loop_iterations_are_the_visits_of_one_instruction() {
        let a = analysed(".type xdp\nr1 = 0\nloop:\nr1 += 1\nif r1 < 4 goto loop\nr0 = 2\nexit\n");
        let trace = &a.verifier.trace;
        let first = trace.iter().position(|s| s.insn == 1).unwrap();
        let its = iterations(trace, first);
        assert!(its.len() >= 4, "{its:?}");
        assert!(its.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_run_matches_the_verifier_path_it_took_and_fits_its_bounds() {
        let a = analysed(BRANCHY);
        let run = a.concrete.as_ref().expect("accepted programs are recorded");
        let trace = &a.verifier.trace;
        let mut matched = 0;
        for (i, step) in trace.iter().enumerate() {
            let Some(k) = matching_run_step(&a, run, i) else {
                continue;
            };
            matched += 1;
            let regs = &run.steps[k].regs_before;
            for (n, r) in step.before.regs.iter().enumerate() {
                let f = fit(r, regs[n], regs[10], run);
                assert!(!matches!(f, Fit::Outside(_)), "step {i} R{n}: {f:?}");
            }
        }
        assert!(matched >= 5, "the sample packet takes one whole path");
    }

    #[test]
    fn the_run_to_verifier_map_agrees_with_matching_run_step() {
        for source in [
            BRANCHY,
            ".type xdp\nr1 = 0\nloop:\nr1 += 1\nif r1 < 4 goto loop\nr0 = 2\nexit\n",
            ".type xdp\nr2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 14\n\
             if r4 > r3 goto out\nr5 = *(u8 *)(r2 + 13)\nif r5 == 0 goto out\nr0 = 1\nexit\n\
             out:\nr0 = 2\nexit\n",
        ] {
            let a = analysed(source);
            let run = a.concrete.as_ref().unwrap();
            let map = verifier_steps_of_run(&a, run);
            assert_eq!(map.len(), run.steps.len());
            for (k, i) in map.iter().enumerate() {
                if let Some(i) = *i {
                    assert_eq!(matching_run_step(&a, run, i), Some(k), "{source}");
                }
            }
            for i in 0..a.verifier.trace.len() {
                if let Some(k) = matching_run_step(&a, run, i) {
                    assert!(map[k].is_some_and(|first| first <= i), "{source}: step {i}");
                }
            }
            assert!(map[0].is_some(), "the entry is on every path");
        }
    }

    #[test]
    fn a_value_outside_the_bounds_is_flagged() {
        let r = RegState::unknown_up_to(10);
        let run = RunTrace::default();
        assert_eq!(fit(&r, 7, 0, &run), Fit::Within);
        assert!(matches!(fit(&r, 11, 0, &run), Fit::Outside(_)));
    }
}
