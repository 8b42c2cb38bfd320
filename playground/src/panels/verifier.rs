//! The verifier: its verdict and statistics, the error explained, a stepper
//! over every processed instruction with the registers and stack slots as
//! the kernel names them (old -> new), and the full kernel-format log.

use std::rc::Rc;

use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::session::{step_view, Analysis};
use crate::state::StepMove;

/// Verifier panel properties.
#[derive(Properties)]
pub struct VerifierProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
    /// Move the stepper.
    pub on_step: Callback<StepMove>,
}

impl PartialEq for VerifierProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.step == other.step
    }
}

/// The verifier panel.
#[component]
pub fn VerifierPanel(props: &VerifierProps) -> Html {
    let a = &props.analysis;
    let n = a.verifier.trace.len();
    let go = |how: StepMove| {
        let on_step = props.on_step.clone();
        Callback::from(move |_: MouseEvent| on_step.emit(how))
    };
    let onkeydown = {
        let on_step = props.on_step.clone();
        Callback::from(move |e: KeyboardEvent| {
            let how = match e.key().as_str() {
                "j" | "ArrowDown" => StepMove::Forward,
                "k" | "ArrowUp" => StepMove::Back,
                "Home" | "g" => StepMove::First,
                "End" | "G" => StepMove::Last,
                "e" => StepMove::ToError,
                _ => return,
            };
            e.prevent_default();
            on_step.emit(how);
        })
    };

    let verdict = if a.verdict.accepted {
        html! { <span class="verdict verdict-ok">{ "accepted" }</span> }
    } else {
        html! { <span class="verdict verdict-bad">{ "rejected" }</span> }
    };
    let error = a.verdict.error.as_ref().map(|e| {
        let at = match e.line {
            Some(l) => format!("{}: (line {l}) ", e.insn),
            None => format!("{}: ", e.insn),
        };
        html! {
            <div class="outcome outcome-error">
                <p class="error-location">{ format!("{at}{}", e.message) }</p>
                <p class="explain">{ e.explanation.clone() }</p>
            </div>
        }
    });

    let current = step_view(a, props.step).map(|s| {
        let where_ = match s.line {
            Some(l) => format!("insn {} · line {l} · path {}", s.insn, s.path),
            None => format!("insn {} · path {}", s.insn, s.path),
        };
        let rows = s.regs.iter().map(|(name, before, after)| {
            let idx: u32 = name[1..].parse().unwrap_or(99);
            let touched = idx < 16 && s.touched & (1 << idx) != 0;
            let changed = !after.is_empty() && before != after;
            html! {
                <tr class={classes!(touched.then_some("touched"), changed.then_some("changed"))}>
                    <th scope="row">{ name.clone() }</th>
                    <td class="mono">{ if before.is_empty() { "—".to_string() } else { before.clone() } }</td>
                    <td class="mono">{ if after.is_empty() { "".to_string() } else { after.clone() } }</td>
                </tr>
            }
        });
        let stack = s.stack.iter().map(|(slot, v)| html! {
            <li><span class="mono slot">{ slot.clone() }</span>{ " " }<span class="mono">{ v.clone() }</span></li>
        });
        html! {
            <div class="step">
                <p class="step-insn"><code>{ s.text.clone() }</code></p>
                <p class="step-meta">{ where_ }{ " · " }<span class="step-event">{ s.event.clone() }</span></p>
                <table class="regs">
                    <thead><tr><th>{ "reg" }</th><th>{ "before" }</th><th>{ "after" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if !s.stack.is_empty() {
                    <ul class="stack" aria-label="Stack slots">{ for stack }</ul>
                }
                <pre class="mono log step-log">{ s.log.clone() }</pre>
            </div>
        }
    });

    let copy = {
        let log = a.verdict.log.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&log);
            }
        })
    };

    html! {
        <div class="verifier" id="verifier" tabindex="0" {onkeydown} aria-label="Verifier stepper (j/k to step)">
            <p class="verdict-line">{ verdict }<span class="mono stats">{ a.verdict.summary.clone() }</span></p>
            { for error }
            <div class="stepper" role="toolbar" aria-label="Step through the verifier">
                <button class="button" title="First step (g)" onclick={go(StepMove::First)}>{ "⏮" }</button>
                <button class="button" id="step-back" title="Back (k)" onclick={go(StepMove::Back)}>{ "◀" }</button>
                <span class="step-count" id="step-count">{ format!("step {} / {}", (props.step + 1).min(n), n) }</span>
                <button class="button" id="step-forward" title="Forward (j)" onclick={go(StepMove::Forward)}>{ "▶" }</button>
                <button class="button" title="Last step (G)" onclick={go(StepMove::Last)}>{ "⏭" }</button>
                if !a.verdict.accepted {
                    <button class="button" title="Jump to the error (e)" onclick={go(StepMove::ToError)}>{ "⚠ error" }</button>
                }
            </div>
            { for current }
            <details class="sub">
                <summary>{ "Kernel log" }</summary>
                <button class="button small" onclick={copy}>{ "Copy log" }</button>
                <pre class="mono log" id="verifier-log">{ a.verdict.log.clone() }</pre>
            </details>
        </div>
    }
}
