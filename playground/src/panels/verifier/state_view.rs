//! Registers and stack slots at the current step, named as the kernel names
//! them (`R1=ctx()`, `fp-8=mmmmmmmm`), with what the instruction read and
//! wrote marked and shown as old -> new. A register name is a button: it
//! traces where the value came from.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::walk::reg_number;
use crate::session::{step_view, Analysis};

/// State view properties.
#[derive(Properties)]
pub struct StateViewProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
    /// Show the state after the instruction (predict mode hides it until guessed).
    pub show_after: bool,
    /// The register whose origin is shown.
    pub traced: Option<u8>,
    /// A register name was clicked.
    pub on_trace: Callback<u8>,
}

impl PartialEq for StateViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.step == other.step
            && self.show_after == other.show_after
            && self.traced == other.traced
    }
}

/// `old -> new` when a value changed, else the value.
fn change(before: &str, after: &str, show_after: bool) -> Html {
    let shown = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    if !show_after {
        return html! { <span class="mono">{ shown(before) }</span> };
    }
    if before == after {
        return html! { <span class="mono">{ shown(after) }</span> };
    }
    html! {
        <span class="mono">
            <span class="old">{ shown(before) }</span>
            <span class="arrow" aria-label="becomes">{ " -> " }</span>
            <span class="new">{ if after.is_empty() { "(path ends)".to_string() } else { after.to_string() } }</span>
        </span>
    }
}

/// The registers and stack slots.
#[component]
pub fn StateView(props: &StateViewProps) -> Html {
    let a = &props.analysis;
    let Some(view) = step_view(a, props.step) else {
        return Html::default();
    };
    let Some(step) = a.verifier.trace.get(props.step) else {
        return Html::default();
    };
    let ended = step.after.is_none();
    let rows = view.regs.iter().map(|(name, before, after)| {
        let n = reg_number(name);
        let touched = n.is_some_and(|i| view.touched & (1 << i) != 0);
        let after = if ended { before.as_str() } else { after.as_str() };
        let changed = props.show_after && before != after;
        let onclick = n.map(|i| {
            let on_trace = props.on_trace.clone();
            Callback::from(move |_: MouseEvent| on_trace.emit(i))
        });
        let pressed = n.is_some() && props.traced == n;
        html! {
            <tr class={classes!(touched.then_some("touched"), changed.then_some("changed"))}>
                <th scope="row">
                    <button class="reg-button" {onclick} aria-pressed={pressed.to_string()}
                        title="Trace where this value came from">{ name.clone() }</button>
                </th>
                <td>{ change(before, after, props.show_after) }</td>
                <td class="rw muted">{ if touched { if changed { "written" } else { "read" } } else { "" } }</td>
            </tr>
        }
    });
    // Stack slots before and after, by name.
    let program = &a.program;
    let before = step.before.stack_text(program);
    let after = step
        .after
        .as_ref()
        .map(|s| s.stack_text(program))
        .unwrap_or_else(|| before.clone());
    let mut names: Vec<&String> = before.iter().chain(&after).map(|(n, _)| n).collect();
    names.sort_by_key(|n| n[3..].parse::<u32>().unwrap_or(u32::MAX));
    names.dedup();
    let find = |list: &[(String, String)], n: &str| {
        list.iter()
            .find(|(m, _)| m == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let slots = names.iter().map(|n| {
        let (b, af) = (find(&before, n), find(&after, n));
        let changed = props.show_after && b != af;
        html! {
            <tr class={classes!(changed.then_some("changed"))}>
                <th scope="row" class="slot">{ (*n).clone() }</th>
                <td>{ change(&b, &af, props.show_after) }</td>
                <td class="rw muted">{ if changed { "written" } else { "" } }</td>
            </tr>
        }
    });
    html! {
        <div class="state-view">
            <table class="regs" id="regs">
                <caption>{ if props.show_after { "Registers: before -> after (click a name to trace its value)" } else { "Registers before this instruction" } }</caption>
                <tbody>{ for rows }</tbody>
            </table>
            if !names.is_empty() {
                <table class="regs" id="stack-slots">
                    <caption>{ "Stack slots" }</caption>
                    <tbody>{ for slots }</tbody>
                </table>
            }
        </div>
    }
}
