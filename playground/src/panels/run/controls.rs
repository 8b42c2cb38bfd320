//! The run debugger's buttons and its breakpoint list.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::RunMove;

/// Controls properties.
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// Instructions executed so far.
    pub pos: usize,
    /// Instructions recorded.
    pub len: usize,
    /// The recording stopped before the run did.
    pub truncated: bool,
    /// Move the run.
    pub on_move: Callback<RunMove>,
}

/// Restart, back, step, continue, run to the end.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let go = |how: RunMove| {
        let on_move = props.on_move.clone();
        Callback::from(move |_: MouseEvent| on_move.emit(how))
    };
    let (pos, len) = (props.pos, props.len);
    html! {
        <>
            <div class="stepper" role="toolbar" aria-label="Step through the run">
                <button class="button" id="run-restart" title="Restart (Home)" aria-label="Restart the run"
                    disabled={pos == 0} onclick={go(RunMove::Restart)}>{ "⟲ restart" }</button>
                <button class="button" id="run-back" title="Step back (k)" aria-label="Step back"
                    disabled={pos == 0} onclick={go(RunMove::Back)}>{ "◀ back" }</button>
                <span class="step-count" id="run-pos" aria-live="polite">
                    { format!("executed {pos} / {len}") }
                </span>
                <button class="button" id="run-forward" title="Step (j)" aria-label="Step one instruction"
                    disabled={pos >= len} onclick={go(RunMove::Forward)}>{ "step ▶" }</button>
                <button class="button" id="run-continue" title="Run to the next breakpoint (c)"
                    aria-label="Run to the next breakpoint"
                    disabled={pos >= len} onclick={go(RunMove::Continue)}>{ "run to breakpoint ▶▶" }</button>
                <button class="button" id="run-end" title="Run to the end (End)" aria-label="Run to the end"
                    disabled={pos >= len} onclick={go(RunMove::End)}>{ "▶|" }</button>
            </div>
            if props.truncated {
                <p class="hint">{ format!("The run went on past the {len} instructions recorded; the result below is the whole run's.") }</p>
            }
        </>
    }
}

/// Breakpoints properties.
#[derive(Properties, PartialEq)]
pub struct BreakpointsProps {
    /// Lines with a breakpoint.
    pub breakpoints: Vec<u32>,
    /// The last line with an instruction (bounds the form).
    pub lines: u32,
    /// Toggle a line's breakpoint.
    pub on_toggle: Callback<u32>,
}

/// The breakpoints as a list (each removable) and a form to add one by line
/// number: the keyboard's way to what a click in the editor gutter does.
#[component]
pub fn Breakpoints(props: &BreakpointsProps) -> Html {
    let input = use_node_ref();
    let error = use_state(|| None::<String>);
    let onsubmit = {
        let input = input.clone();
        let error = error.clone();
        let on_toggle = props.on_toggle.clone();
        let have = props.breakpoints.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match text.trim().parse::<u32>() {
                Ok(l) if l > 0 => {
                    error.set(None);
                    if !have.contains(&l) {
                        on_toggle.emit(l);
                    }
                }
                _ => error.set(Some("give a line number".into())),
            }
        })
    };
    let items = props.breakpoints.iter().map(|&l| {
        let onclick = {
            let on_toggle = props.on_toggle.clone();
            Callback::from(move |_: MouseEvent| on_toggle.emit(l))
        };
        html! {
            <li class="bp-item">
                { format!("line {l}") }
                <button class="button small" type="button" aria-label={format!("Remove the breakpoint on line {l}")}
                    {onclick}>{ "×" }</button>
            </li>
        }
    });
    html! {
        <div class="breakpoints">
            <span class="muted">{ "Breakpoints (click a line number in the editor):" }</span>
            if props.breakpoints.is_empty() {
                <span class="muted" id="bp-none">{ " none" }</span>
            } else {
                <ul class="bp-list" id="bp-list">{ for items }</ul>
            }
            <form class="jump" {onsubmit}>
                <label for="bp-line" class="muted">{ "line" }</label>
                <input id="bp-line" class="jump-input mono" type="number" min="1" max={props.lines.max(1).to_string()}
                    inputmode="numeric" ref={input} aria-label="Add a breakpoint at line" />
                <button class="button" id="bp-add" type="submit">{ "Add" }</button>
            </form>
            if let Some(msg) = (*error).clone() {
                <p class="warn" role="status">{ msg }</p>
            }
        </div>
    }
}
