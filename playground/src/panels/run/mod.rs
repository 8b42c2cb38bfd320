//! The Run tab: the program's run on the current input, step by step. The
//! program type and its context; restart, step back, step, continue to a
//! breakpoint, run to the end; the registers (hex, decimal or signed, the
//! ones the last instruction changed marked); the current stack frame with
//! the bytes written marked; the packet with the bytes the last instruction
//! read or wrote marked and named by protocol field; the verdict by name and
//! the output packet against the input; under them, folded, the tracing
//! inputs (for kprobe and tracepoint programs).
//!
//! The run is recorded once per Run ([`Analysis::concrete`], indexed in
//! [`Analysis::debug`]); a step only reads the timeline at a new position.

mod context;
mod controls;
mod inputs;
mod packet_view;
mod registers;
mod stack;

use std::rc::Rc;

use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::session::debug::{AccessView, Radix, RunPoint};
use crate::session::walk::{fit, verifier_steps_of_run, Fit};
use crate::session::{Analysis, RunEnd, TracingEdit, TracingInput};
use crate::state::RunMove;

use context::ContextView;
use controls::{Breakpoints, Controls};
use inputs::TracingInputs;
use packet_view::{OutputDiff, PacketAtStep};
use registers::{Registers, VerifierColumn};
use stack::StackView;

/// Run panel properties.
#[derive(Properties)]
pub struct RunProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Instructions executed so far.
    pub pos: usize,
    /// Source lines with a breakpoint.
    pub breakpoints: Vec<u32>,
    /// The tracing inputs.
    pub tracing: TracingInput,
    /// Move the run.
    pub on_move: Callback<RunMove>,
    /// Toggle the breakpoint on a line.
    pub on_breakpoint: Callback<u32>,
    /// Edit the tracing inputs.
    pub on_tracing: Callback<TracingEdit>,
}

impl PartialEq for RunProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.pos == other.pos
            && self.breakpoints == other.breakpoints
            && self.tracing == other.tracing
    }
}

/// A key of the run debugger, or `None` for keys it leaves alone.
pub fn key_move(key: &str) -> Option<RunMove> {
    Some(match key {
        "j" | "ArrowDown" => RunMove::Forward,
        "k" | "ArrowUp" => RunMove::Back,
        "c" => RunMove::Continue,
        "Home" | "r" => RunMove::Restart,
        "End" => RunMove::End,
        _ => return None,
    })
}

/// The Run tab.
#[component]
pub fn RunPanel(props: &RunProps) -> Html {
    let a = &props.analysis;
    let radix = use_state(Radix::default);
    let point: Rc<Option<RunPoint>> = {
        let a = a.clone();
        use_memo(
            (Rc::as_ptr(&a) as usize, props.pos),
            move |(_, pos)| match (&a.debug, &a.concrete) {
                (Some(t), Some(run)) => Some(t.point(run, *pos)),
                _ => None,
            },
        )
    };
    let onkeydown = {
        let on_move = props.on_move.clone();
        Callback::from(move |e: KeyboardEvent| {
            let in_field = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                .is_some();
            if in_field || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            if let Some(how) = key_move(&e.key()) {
                e.prevent_default();
                on_move.emit(how);
            }
        })
    };
    // Per run step, the verifier step on the path the run took (once per run).
    let on_path: Rc<Vec<Option<usize>>> = {
        let a = a.clone();
        use_memo(Rc::as_ptr(&a) as usize, move |_| match &a.concrete {
            Some(run) => verifier_steps_of_run(&a, run),
            None => Vec::new(),
        })
    };
    let on_radix = {
        let radix = radix.clone();
        Callback::from(move |r: Radix| radix.set(r))
    };

    let tracing = matches!(
        a.program.prog_type,
        vm_core::ProgramType::Kprobe | vm_core::ProgramType::Tracepoint
    );
    let body = match (&*point, &a.debug) {
        (Some(p), Some(t)) => html! {
            <>
                <Controls pos={p.pos} len={t.len} truncated={a.concrete.as_ref().is_some_and(|r| r.truncated)}
                    on_move={props.on_move.clone()} />
                <Breakpoints breakpoints={props.breakpoints.clone()} on_toggle={props.on_breakpoint.clone()}
                    lines={a.program.source_map.line_of(a.program.insns.len().saturating_sub(1)).unwrap_or(0)} />
                { where_now(a, p, t.len) }
                <Registers regs={p.regs} before={p.before} radix={*radix} {on_radix}
                    verifier={verifier_column(a, p, &on_path)} />
                <StackView stack={p.stack.clone()} written={p.stack_written.clone()}
                    just={p.stack_just.clone()} depth={p.depth} />
                if !tracing {
                    <PacketAtStep analysis={a.clone()} packet={p.packet.clone()} touched={p.packet_touched.clone()} />
                    if p.pos == t.len {
                        <OutputDiff analysis={a.clone()} />
                    }
                }
            </>
        },
        _ => html! {
            <p class="hint">{ match &a.run {
                RunEnd::NotLoaded => "The verifier rejected this program, so it never runs (the kernel would not load it). The Verifier tab steps to the error.".to_string(),
                RunEnd::Fault { message, .. } => format!("The run could not start: {message}"),
                RunEnd::Returned { .. } => "The run could not be recorded.".to_string(),
            } }</p>
        },
    };
    html! {
        <div class="run-debugger" id="run-debugger" tabindex="0" {onkeydown}
            aria-label="Run debugger (j/k step, c continue to a breakpoint, Home restart, End run to the end)">
            <ContextView analysis={a.clone()} />
            { body }
            // Under the debugger, folded while there is a run to step.
            if tracing {
                <TracingInputs prog_type={a.program.prog_type} tracing={props.tracing.clone()}
                    on_edit={props.on_tracing.clone()} open={point.is_none()} />
            }
        </div>
    }
}

/// The verifier's registers before the instruction the run is about to
/// execute: its state on the path the run took, or, where the verifier did
/// not walk that path (it pruned it as covered by a state already
/// verified), its first state at the instruction, said so.
fn verifier_column(
    a: &Analysis,
    p: &RunPoint,
    on_path: &[Option<usize>],
) -> Option<VerifierColumn> {
    let pc = p.next_pc?;
    let run = a.concrete.as_ref()?;
    let trace = &a.verifier.trace;
    let (i, own) = match on_path.get(p.pos).copied().flatten() {
        Some(i) => (i, true),
        None => (trace.iter().position(|s| s.insn == pc)?, false),
    };
    let state = &trace.get(i)?.before;
    let source = if own {
        format!(
            "verifier: its state before insn {pc} on the path this run took (verifier step {})",
            i + 1
        )
    } else {
        format!(
            "verifier: it did not walk this run's path this far (it pruned it: a state it had verified covers it); shown: its state before insn {pc} at verifier step {}, on another path",
            i + 1
        )
    };
    let fp = p.regs[10];
    let (regs, fit) = state
        .regs
        .iter()
        .zip(p.regs)
        .map(|(r, v)| {
            let text = (r.ty != vm_core::verifier::RegType::NotInit)
                .then(|| r.display(&a.program.maps, state.frameno).to_string());
            let fit = match fit(r, v, fp, run) {
                Fit::Within => (
                    "this run's value lies within these bounds".to_string(),
                    false,
                ),
                Fit::PointsInto(what) => (format!("this run's value points into {what}"), false),
                Fit::Outside(why) if own => (
                    format!(
                        "OUTSIDE the verifier's bounds ({why}): a verifier bug, please report it"
                    ),
                    true,
                ),
                Fit::Outside(why) => (
                    format!("this run's value lies {why} of that other path's state"),
                    false,
                ),
                Fit::NotTracked => (String::new(), false),
            };
            (text, fit)
        })
        .unzip();
    Some(VerifierColumn { source, regs, fit })
}

/// The instruction about to run, the one that ran and what it touched, and
/// at the end the verdict.
fn where_now(a: &Analysis, p: &RunPoint, len: usize) -> Html {
    let text = |pc: usize| {
        let row = a.listing.get(pc);
        let insn = row.map(|r| r.pseudo_c.clone()).unwrap_or_default();
        match row.and_then(|r| r.line) {
            Some(l) => format!("insn {pc} (line {l}): {insn}"),
            None => format!("insn {pc}: {insn}"),
        }
    };
    let next = match p.next_pc {
        Some(pc) => {
            html! { <p class="run-next" id="run-next">{ "next: " }<code>{ text(pc) }</code></p> }
        }
        None => Html::default(),
    };
    let last = p.last_pc.map(|pc| {
        let helper = p.helper.and_then(|id| u32::try_from(id).ok()).map(|id| {
            match vm_core::helpers::proto_by_id(id) {
                Some(h) => format!("called {}", h.name),
                None => format!("called helper {id}"),
            }
        });
        let accesses = p.accesses.iter().map(|m| {
            let what = match &m.field {
                Some(field) => packet_access_text(a, p, pc, m, field),
                None if m.write => format!(
                    "wrote {} byte(s) at {}: {:#x} -> {:#x}",
                    m.size, m.place, m.old, m.value
                ),
                None => format!("read {} byte(s) at {}: {:#x}", m.size, m.place, m.value),
            };
            html! { <li>{ what }</li> }
        });
        html! {
            <div class="run-last" id="run-last">
                <p>{ "ran: " }<code>{ text(pc) }</code>
                    if let Some(h) = helper { { format!(" · {h}") } }
                </p>
                if !p.accesses.is_empty() {
                    <ul class="diff-list mono" id="run-accesses">{ for accesses }</ul>
                }
            </div>
        }
    });
    let end = (p.pos == len).then(|| match &a.run {
        RunEnd::Returned { r0, verdict, .. } => {
            match vm_core::ctx::invalid_action(a.program.prog_type, *r0) {
                None => html! {
                    <p class="run-verdict outcome-ok" id="run-verdict">
                        { "exit: r0 = " }{ format!("{} ", *r0 as i64) }
                        <span class="verdict-name">{ verdict.clone() }</span>
                    </p>
                },
                Some(note) => html! {
                    <p class="run-verdict warn" id="run-verdict" role="alert">
                        { "exit: r0 = " }{ format!("{} ", *r0 as i64) }
                        <span class="verdict-name">{ verdict.clone() }</span>
                        { format!(" ({note})") }
                    </p>
                },
            }
        }
        RunEnd::Fault { message, .. } => html! {
            <p class="run-verdict warn" id="run-verdict" role="alert">{ format!("the run stopped: {message}") }</p>
        },
        RunEnd::NotLoaded => Html::default(),
    });
    html! {
        <div class="run-where" aria-live="polite">
            { next }
            { for last }
            { for end }
        </div>
    }
}

/// A packet load or store in words, the bytes as the packet carries them
/// (network order) beside what the register holds: `read packet bytes
/// 12-13 = 08 00: Ethernet EtherType 0x0800 (IPv4); r5 = 0x8 (loaded
/// little-endian)`. Read as one number the loaded value looks nothing like
/// the field's, which is what `bpf_ntohs` is for.
fn packet_access_text(
    a: &Analysis,
    p: &RunPoint,
    pc: usize,
    m: &AccessView,
    field: &str,
) -> String {
    let len = usize::from(m.size).min(8);
    let bytes = |v: u64| {
        v.to_le_bytes()[..len]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if m.write {
        return format!(
            "wrote {}: {} -> {} ({field})",
            m.place,
            bytes(m.old),
            bytes(m.value)
        );
    }
    let into = match a.program.insns.get(pc) {
        Some(vm_core::isa::Insn::Load {
            dst, sign_extend, ..
        }) => {
            let r = usize::from(dst.number());
            let v = p.regs.get(r).copied().unwrap_or(0);
            match (len, *sign_extend) {
                (1, false) => format!("; r{r} = {v:#x}"),
                (_, false) => format!("; r{r} = {v:#x} (loaded little-endian)"),
                (_, true) => format!("; r{r} = {v:#x} (loaded little-endian, sign-extended)"),
            }
        }
        Some(vm_core::isa::Insn::LdPacket { .. }) => format!(
            "; r0 = {:#x} (BPF_LD_ABS/IND load in network order)",
            p.regs[0]
        ),
        _ => String::new(),
    };
    format!("read {} = {}: {field}{into}", m.place, bytes(m.value))
}
