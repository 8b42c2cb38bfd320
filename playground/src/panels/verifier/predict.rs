//! Predict mode: before the state after an instruction is shown, the
//! learner guesses a register's value (or, before anything else, the
//! verdict); the app says whether the guess was right.

use std::rc::Rc;

use vm_core::verifier::{RegState, RegType};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::session::walk::{narrate, written_reg};
use crate::session::Analysis;

/// Whether `guess` names register state `r` (printed `text` by the kernel):
/// the kernel's exact text, the number for a known scalar (decimal or
/// `0x` hex), or the type name (`pkt`, `ctx`, `scalar`, `map_value_or_null`).
pub fn judge(guess: &str, r: &RegState, text: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let g = norm(guess);
    // "r0 = 42", "R0=42" and "42" are the same guess.
    let g = match g.split_once('=') {
        Some((name, rest)) if name.starts_with('r') => rest.to_string(),
        _ => g,
    };
    if g.is_empty() {
        return false;
    }
    if g == norm(text) {
        return true;
    }
    if r.ty == RegType::Scalar && r.var_off.is_const() {
        let v = r.var_off.value;
        let parsed = match g.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => g
                .parse::<u64>()
                .ok()
                .or_else(|| g.parse::<i64>().ok().map(|s| s as u64)),
        };
        return parsed == Some(v);
    }
    let type_name = norm(&r.type_str().to_string());
    !r.var_off.is_const() && g == type_name
        || r.ty != RegType::Scalar && g == norm(text.split('(').next().unwrap_or(""))
}

/// Predict properties.
#[derive(Properties)]
pub struct PredictProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
    /// The outcome is already shown.
    pub revealed: bool,
    /// The learner has guessed: show the outcome.
    pub on_reveal: Callback<()>,
}

impl PartialEq for PredictProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.step == other.step
            && self.revealed == other.revealed
    }
}

/// Guess one register's value after this instruction.
#[component]
pub fn Predict(props: &PredictProps) -> Html {
    let a = &props.analysis;
    let result = use_state(|| None::<(bool, String)>);
    {
        let result = result.clone();
        use_effect_with(props.step, move |_| result.set(None));
    }
    let input = use_node_ref();
    let Some(step) = a.verifier.trace.get(props.step) else {
        return Html::default();
    };
    let reg = a
        .program
        .insns
        .get(step.insn)
        .and_then(written_reg)
        .unwrap_or(0);
    let Some(after) = step.after.as_ref() else {
        // Nothing to guess: the path ends here.
        return html! {
            <p class="narration" id="narration">{ narrate(a, props.step) }</p>
        };
    };
    let target = after
        .regs
        .get(reg as usize)
        .cloned()
        .unwrap_or(RegState::NOT_INIT);
    let text = target.display(&a.program.maps, after.frameno).to_string();
    let onsubmit = {
        let input = input.clone();
        let result = result.clone();
        let on_reveal = props.on_reveal.clone();
        let text = text.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let guess = input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let right = judge(&guess, &target, &text);
            let message = if right {
                format!("Right: R{reg}={text}")
            } else {
                format!("Not quite: R{reg}={text}")
            };
            result.set(Some((right, message)));
            on_reveal.emit(());
        })
    };
    html! {
        <div class="predict" id="predict">
            if let Some((right, message)) = (*result).clone() {
                <p class={classes!("predict-result", if right { "predict-right" } else { "predict-wrong" })}
                    id="predict-result" role="status">{ message }</p>
                <p class="narration" id="narration">{ narrate(a, props.step) }</p>
            } else if props.revealed {
                <p class="narration" id="narration">{ narrate(a, props.step) }</p>
            } else {
                <form class="predict-form" {onsubmit}>
                    <label for="predict-input">
                        { format!("What will R{reg} be after this instruction? (a number, or the kernel's text such as pkt(off=14,r=0), or a type such as scalar)") }
                    </label>
                    <input id="predict-input" class="jump-input mono predict-input" ref={input}
                        autocomplete="off" spellcheck="false" />
                    <button class="button" id="predict-check" type="submit">{ "Check" }</button>
                </form>
            }
        </div>
    }
}

/// Guess the verdict before seeing it.
#[derive(Properties, PartialEq)]
pub struct PredictVerdictProps {
    /// `true` = accepted.
    pub on_guess: Callback<bool>,
}

/// Two buttons: will the kernel load it?
#[component]
pub fn PredictVerdict(props: &PredictVerdictProps) -> Html {
    let guess = |accepted: bool| {
        let on_guess = props.on_guess.clone();
        Callback::from(move |_: MouseEvent| on_guess.emit(accepted))
    };
    html! {
        <div class="predict verdict-line" id="predict-verdict">
            <span>{ "Will the verifier accept this program?" }</span>
            <button class="button" id="guess-accepted" onclick={guess(true)}>{ "Accepted" }</button>
            <button class="button" id="guess-rejected" onclick={guess(false)}>{ "Rejected" }</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_number_is_judged_by_value() {
        let r = RegState::known(42);
        assert!(judge("42", &r, "42"));
        assert!(judge("r0 = 42", &r, "42"));
        assert!(judge("0x2a", &r, "42"));
        assert!(!judge("41", &r, "42"));
        assert!(!judge("", &r, "42"));
    }

    #[test]
    fn a_pointer_is_judged_by_text_or_type() {
        let mut r = RegState::pointer(RegType::PtrToPacket);
        r.off = 14;
        let text = "pkt(off=14,r=0)";
        assert!(judge("pkt(off=14, r=0)", &r, text));
        assert!(judge("pkt", &r, text));
        assert!(!judge("ctx", &r, text));
    }
}
