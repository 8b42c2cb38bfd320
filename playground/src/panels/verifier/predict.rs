//! Predict mode: before the state after an instruction is shown, the
//! learner guesses what the verifier will learn (the value of the register
//! the instruction writes, or which way a conditional jump goes; before
//! anything else, the verdict); the app says whether the guess was right.
//! An instruction that writes no register (a store, `goto`, `exit`) asks
//! nothing: its step is narrated.

use std::rc::Rc;

use vm_core::isa::Insn;
use vm_core::verifier::{RegState, RegType, StepEvent};
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

/// What predict mode asks about one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    /// The value of the register the instruction writes (`R0`).
    Register(u8),
    /// Which way a conditional jump goes for the verifier; the answer.
    Branch(Way),
}

/// Where the verifier goes from a conditional jump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// The comparison is always true here: only the jump is followed.
    Jumps,
    /// The comparison is always false here: only the fall-through is followed.
    FallsThrough,
    /// Both are possible: the verifier checks both sides, one after the other.
    Both,
}

impl Way {
    /// The answer as a learner reads it.
    pub fn words(self) -> &'static str {
        match self {
            Way::Jumps => "what the verifier knows makes the comparison always true, so it only follows the jump",
            Way::FallsThrough => "what the verifier knows makes the comparison always false, so it only follows the fall-through",
            Way::Both => "both outcomes are possible, so the verifier checks both sides",
        }
    }
}

/// What to ask at step `i`; `None` when the step has nothing to guess (it
/// writes no register, or the path ends there).
pub fn question(a: &Analysis, i: usize) -> Option<Question> {
    let step = a.verifier.trace.get(i)?;
    let insn = a.program.insns.get(step.insn)?;
    match (insn, &step.event) {
        (Insn::Jump { .. }, StepEvent::BranchKnown { taken: true }) => {
            Some(Question::Branch(Way::Jumps))
        }
        (Insn::Jump { .. }, StepEvent::BranchKnown { taken: false }) => {
            Some(Question::Branch(Way::FallsThrough))
        }
        (Insn::Jump { .. }, StepEvent::BranchPushed { .. }) => Some(Question::Branch(Way::Both)),
        _ => {
            step.after.as_ref()?;
            written_reg(insn).map(Question::Register)
        }
    }
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

/// Guess what the verifier learns at this step: a register's value, or
/// which way a conditional jump goes.
#[component]
pub fn Predict(props: &PredictProps) -> Html {
    let a = &props.analysis;
    let result = use_state(|| None::<(bool, String)>);
    {
        let result = result.clone();
        use_effect_with(props.step, move |_| result.set(None));
    }
    let input = use_node_ref();
    let narration = html! {
        <p class="narration" id="narration">{ narrate(a, props.step) }</p>
    };
    let Some(q) = question(a, props.step) else {
        // Nothing to guess: no register is written, or the path ends here.
        return narration;
    };
    let asked = match q {
        Question::Register(reg) => register_form(a, props, reg, &input, &result),
        Question::Branch(way) => branch_buttons(way, props, &result),
    };
    html! {
        <div class="predict" id="predict">
            if let Some((right, message)) = (*result).clone() {
                <p class={classes!("predict-result", if right { "predict-right" } else { "predict-wrong" })}
                    id="predict-result" role="status">{ message }</p>
                { narration }
            } else if props.revealed {
                { narration }
            } else {
                { asked }
            }
        </div>
    }
}

/// "What will R0 be after this instruction?" with a text field.
fn register_form(
    a: &Analysis,
    props: &PredictProps,
    reg: u8,
    input: &NodeRef,
    result: &UseStateHandle<Option<(bool, String)>>,
) -> Html {
    let Some(after) = a
        .verifier
        .trace
        .get(props.step)
        .and_then(|s| s.after.as_ref())
    else {
        return Html::default();
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
        <form class="predict-form" {onsubmit}>
            <label for="predict-input">
                { format!("What will R{reg} be after this instruction? (a number, or the kernel's text such as pkt(off=14,r=0), or a type such as scalar)") }
            </label>
            <input id="predict-input" class="jump-input mono predict-input" ref={input.clone()}
                autocomplete="off" spellcheck="false" />
            <button class="button" id="predict-check" type="submit">{ "Check" }</button>
        </form>
    }
}

/// "Which way does the verifier go from this jump?", one button per answer.
fn branch_buttons(
    way: Way,
    props: &PredictProps,
    result: &UseStateHandle<Option<(bool, String)>>,
) -> Html {
    let choose = |guess: Way| {
        let result = result.clone();
        let on_reveal = props.on_reveal.clone();
        Callback::from(move |_: MouseEvent| {
            let verdict = if guess == way { "Right" } else { "Not quite" };
            result.set(Some((guess == way, format!("{verdict}: {}", way.words()))));
            on_reveal.emit(());
        })
    };
    html! {
        <div class="predict-form" role="group" aria-labelledby="predict-branch-q">
            <span id="predict-branch-q">
                { "Which way will the verifier go from this jump, given what it knows about the registers compared?" }
            </span>
            <button class="button" id="guess-jumps" onclick={choose(Way::Jumps)}>{ "Always jumps" }</button>
            <button class="button" id="guess-falls" onclick={choose(Way::FallsThrough)}>{ "Always falls through" }</button>
            <button class="button" id="guess-both" onclick={choose(Way::Both)}>{ "Both: it checks each side" }</button>
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

    fn analysed(source: &str) -> Rc<Analysis> {
        let packet = crate::session::parse_packet(crate::session::SAMPLE_PACKET_HEX).unwrap();
        match crate::session::analyse(source, &packet) {
            crate::session::Report::Analysed(a) => a,
            crate::session::Report::Asm(e) => panic!("{e:?}"),
        }
    }

    fn question_at(a: &Analysis, insn: usize) -> Option<Question> {
        let i = a
            .verifier
            .trace
            .iter()
            .position(|s| s.insn == insn)
            .unwrap();
        question(a, i)
    }

    #[test]
    fn a_jump_asks_which_way_and_a_store_or_exit_asks_nothing() {
        let a = analysed(
            ".type xdp\nr2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = 1\n\
             *(u64 *)(r10 - 8) = r4\nif r4 == 1 goto known\nr0 = 1\nexit\n\
             known:\nif r3 > r2 goto pass\nr0 = 1\nexit\npass:\nr0 = 2\nexit\n",
        );
        assert_eq!(question_at(&a, 2), Some(Question::Register(4)));
        assert_eq!(question_at(&a, 3), None, "a store writes no register");
        assert_eq!(question_at(&a, 4), Some(Question::Branch(Way::Jumps)));
        assert_eq!(question_at(&a, 7), Some(Question::Branch(Way::Both)));
        assert_eq!(question_at(&a, 9), None, "exit writes no register");
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
