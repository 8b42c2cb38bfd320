//! The verifier panel: its verdict and statistics, the error explained, a
//! stepper over every processed instruction with the registers and stack
//! slots as the kernel names them (old -> new), the paths explored, where a
//! register's value came from, the run's concrete values beside the
//! verifier's abstract ones, each step in plain words, a predict mode, and
//! the full kernel-format log.
//!
//! The trace is recorded once per Run (in [`Analysis`]); a step only indexes
//! into it, so stepping never verifies again.

mod concrete;
mod explain;
mod narration;
mod origin;
mod paths;
mod predict;
mod state_view;
mod stepper;
mod verdict;

use std::rc::Rc;

use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::session::walk;
use crate::session::{step_view, Analysis};
use crate::state::StepMove;

use concrete::ConcreteView;
use explain::{ErrorExplained, KernelLog};
use narration::Narration;
use origin::OriginChain;
use paths::PathList;
use predict::{Predict, PredictVerdict};
use state_view::StateView;
use stepper::Stepper;
use verdict::VerdictLine;

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

/// A key of the stepper, or `None` for keys it leaves alone.
pub fn key_move(key: &str, analysis: &Analysis, step: usize) -> Option<StepMove> {
    Some(match key {
        "j" | "ArrowDown" => StepMove::Forward,
        "k" | "ArrowUp" => StepMove::Back,
        "Home" | "g" => StepMove::First,
        "End" | "G" => StepMove::Last,
        "e" => StepMove::ToError,
        "n" | "p" => {
            let its = walk::iterations(&analysis.verifier.trace, step);
            let to = if key == "n" {
                its.iter().find(|&&i| i > step)
            } else {
                its.iter().rev().find(|&&i| i < step)
            };
            StepMove::To(*to?)
        }
        _ => return None,
    })
}

/// The verifier panel.
#[component]
pub fn VerifierPanel(props: &VerifierProps) -> Html {
    let a = &props.analysis;
    // The register whose history is shown (cleared on a new analysis).
    let traced = use_state(|| None::<u8>);
    let predicting = use_state(|| false);
    let verdict_guess = use_state(|| None::<bool>);
    // In predict mode, the step whose outcome the learner has guessed.
    let revealed = use_state(|| None::<usize>);
    {
        let traced = traced.clone();
        let verdict_guess = verdict_guess.clone();
        use_effect_with(Rc::as_ptr(a) as usize, move |_| {
            traced.set(None);
            verdict_guess.set(None);
        });
    }

    let onkeydown = {
        let on_step = props.on_step.clone();
        let a = a.clone();
        let step = props.step;
        Callback::from(move |e: KeyboardEvent| {
            // Typing in a field (jump to instruction, a prediction) is not stepping.
            let in_field = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                .is_some();
            if in_field || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            if let Some(how) = key_move(&e.key(), &a, step) {
                e.prevent_default();
                on_step.emit(how);
            }
        })
    };
    let on_trace = {
        let traced = traced.clone();
        Callback::from(move |r: u8| traced.set(if *traced == Some(r) { None } else { Some(r) }))
    };
    let toggle_predict = {
        let predicting = predicting.clone();
        Callback::from(move |_: MouseEvent| predicting.set(!*predicting))
    };
    let on_guess_verdict = {
        let verdict_guess = verdict_guess.clone();
        Callback::from(move |accepted: bool| verdict_guess.set(Some(accepted)))
    };

    // In predict mode the verdict (and the error, which gives it away) stay
    // hidden until the learner has guessed it.
    let verdict_hidden = *predicting && verdict_guess.is_none();
    let view = step_view(a, props.step);
    let reveal_after = !*predicting || *revealed == Some(props.step);
    let on_reveal = {
        let revealed = revealed.clone();
        let step = props.step;
        Callback::from(move |()| revealed.set(Some(step)))
    };

    html! {
        <div class="verifier" id="verifier" tabindex="0" {onkeydown}
            aria-label="Verifier stepper (j/k to step, n/p for loop iterations)">
            if verdict_hidden {
                <PredictVerdict on_guess={on_guess_verdict} />
            } else {
                <VerdictLine analysis={a.clone()} guess={*verdict_guess} />
                <ErrorExplained analysis={a.clone()} />
            }
            <Stepper analysis={a.clone()} step={props.step} on_step={props.on_step.clone()} />
            <div class="predict-toggle">
                <label>
                    <input type="checkbox" id="predict-mode" checked={*predicting}
                        onclick={toggle_predict} />
                    { " Predict mode: guess before you see" }
                </label>
            </div>
            if let Some(view) = view {
                <p class="step-insn"><code>{ view.text.clone() }</code></p>
                <p class="step-meta">
                    { match view.line {
                        Some(l) => format!("insn {} · line {l} · path {}", view.insn, view.path),
                        None => format!("insn {} · path {}", view.insn, view.path),
                    } }
                    { " · " }<span class="step-event">{ view.event.clone() }</span>
                </p>
                if *predicting {
                    <Predict analysis={a.clone()} step={props.step} revealed={reveal_after} {on_reveal} />
                } else {
                    <Narration analysis={a.clone()} step={props.step} />
                }
                <StateView analysis={a.clone()} step={props.step} show_after={reveal_after}
                    traced={*traced} on_trace={on_trace} />
                if let Some(reg) = *traced {
                    <OriginChain analysis={a.clone()} step={props.step} {reg}
                        on_step={props.on_step.clone()} />
                }
                <ConcreteView analysis={a.clone()} step={props.step} />
                <PathList analysis={a.clone()} step={props.step} on_step={props.on_step.clone()} />
                <pre class="mono log step-log" aria-label="Kernel log of this step">{ view.log.clone() }</pre>
            }
            <KernelLog analysis={a.clone()} />
        </div>
    }
}
