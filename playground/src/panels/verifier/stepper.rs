//! The stepper's controls: first, back, forward, last, the error, an
//! instruction by number, and the previous / next iteration of a loop (the
//! same instruction visited again on the same path).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::session::walk;
use crate::session::Analysis;
use crate::state::StepMove;

/// Stepper properties.
#[derive(Properties)]
pub struct StepperProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
    /// Move the stepper.
    pub on_step: Callback<StepMove>,
}

impl PartialEq for StepperProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.step == other.step
    }
}

/// What a learner must know when the trace stopped at [`TRACE_LIMIT`](crate::session::TRACE_LIMIT):
/// how far the verifier went on, and where it failed if it did.
pub fn trace_cut(a: &Analysis) -> String {
    let steps = with_commas(a.verifier.trace.len() as u64);
    let went_on = with_commas(a.verifier.stats.processed_insns);
    let head = format!(
        "The trace stopped after {steps} steps; the verifier went on to process {went_on} instructions"
    );
    match a.verdict.error.as_ref() {
        Some(e) => {
            let line = e.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            let first = e.message.lines().next().unwrap_or_default();
            format!(
                "{head} and rejected insn {}{line}: {first}. That step is not in the trace, so \"⚠ error\" cannot show it; the error is explained above.",
                e.insn
            )
        }
        None => format!("{head} and accepted the program. Later steps are not in the trace."),
    }
}

/// `1234567` -> `1,234,567`.
fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The stepper's buttons.
#[component]
pub fn Stepper(props: &StepperProps) -> Html {
    let a = &props.analysis;
    let n = a.verifier.trace.len();
    let step = props.step;
    let go = |how: StepMove| {
        let on_step = props.on_step.clone();
        Callback::from(move |_: MouseEvent| on_step.emit(how))
    };
    let its = walk::iterations(&a.verifier.trace, step);
    let prev = its.iter().rev().find(|&&i| i < step).copied();
    let next = its.iter().find(|&&i| i > step).copied();
    let iteration = its.iter().position(|&i| i == step).map(|k| k + 1);
    let error_at = walk::error_step(a);

    let jump_input = use_node_ref();
    let jump_error = use_state(|| None::<String>);
    let onsubmit = {
        let on_step = props.on_step.clone();
        let input = jump_input.clone();
        let jump_error = jump_error.clone();
        let insns = a.program.insns.len();
        let visited: Vec<usize> = a.verifier.trace.iter().map(|s| s.insn).collect();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match text.trim().parse::<usize>() {
                Ok(i) if i < insns && visited.contains(&i) => {
                    jump_error.set(None);
                    on_step.emit(StepMove::ToInsn(i));
                }
                Ok(i) if i < insns => jump_error.set(Some(format!("insn {i} was never reached"))),
                _ => jump_error.set(Some(format!(
                    "give an instruction 0 to {}",
                    insns.saturating_sub(1)
                ))),
            }
        })
    };

    html! {
        <div class="stepper-block">
            <div class="stepper" role="toolbar" aria-label="Step through the verifier">
                <button class="button" id="step-first" title="First step (g)" aria-label="First step"
                    disabled={step == 0} onclick={go(StepMove::First)}>{ "|◀" }</button>
                <button class="button" id="step-back" title="Back (k)" aria-label="Back one step"
                    disabled={step == 0} onclick={go(StepMove::Back)}>{ "◀" }</button>
                <span class="step-count" id="step-count" aria-live="polite">
                    { format!("step {} / {}", (step + 1).min(n), n) }
                </span>
                <button class="button" id="step-forward" title="Forward (j)" aria-label="Forward one step"
                    disabled={step + 1 >= n} onclick={go(StepMove::Forward)}>{ "▶" }</button>
                <button class="button" id="step-last" title="Last step (G)" aria-label="Last step"
                    disabled={step + 1 >= n} onclick={go(StepMove::Last)}>{ "▶|" }</button>
                if a.verifier.error.is_some() {
                    <button class="button" id="step-error"
                        title={ if error_at.is_some() { "Jump to the error (e)" } else { "The error's step is not in the trace: it stopped first" } }
                        disabled={error_at.is_none()}
                        onclick={go(StepMove::ToError)}>{ "⚠ error" }</button>
                }
            </div>
            if a.verifier.trace_truncated {
                <p class="warn" id="trace-cut" role="status">{ trace_cut(a) }</p>
            }
            <div class="stepper">
                <button class="button" id="iter-prev" title="Previous iteration of this instruction (p)"
                    disabled={prev.is_none()}
                    onclick={go(StepMove::To(prev.unwrap_or(step)))}>{ "↶ prev iteration" }</button>
                <span class="step-count" id="iteration">
                    { match iteration {
                        Some(k) if its.len() > 1 => format!("visit {k} of {}", its.len()),
                        _ => "visited once".to_string(),
                    } }
                </span>
                <button class="button" id="iter-next" title="Next iteration of this instruction (n)"
                    disabled={next.is_none()}
                    onclick={go(StepMove::To(next.unwrap_or(step)))}>{ "next iteration ↷" }</button>
                <form class="jump" {onsubmit}>
                    <label for="jump-insn" class="muted">{ "insn" }</label>
                    <input id="jump-insn" class="jump-input mono" type="number" min="0"
                        inputmode="numeric" ref={jump_input} aria-label="Jump to instruction number" />
                    <button class="button" id="jump-go" type="submit">{ "Go" }</button>
                </form>
            </div>
            if let Some(msg) = (*jump_error).clone() {
                <p class="warn" role="status">{ msg }</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::with_commas;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(with_commas(0), "0");
        assert_eq!(with_commas(999), "999");
        assert_eq!(with_commas(20_000), "20,000");
        assert_eq!(with_commas(1_000_001), "1,000,001");
    }
}
