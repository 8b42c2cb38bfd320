//! Abstract beside concrete: for the current instruction, each register as
//! the verifier knows it next to the value it held in the run on the
//! current packet, and whether the value lies within the verifier's bounds
//! (it always must: the verifier proves facts about every possible run).

use std::rc::Rc;

use yew::prelude::*;

use crate::session::walk::{fit, matching_run_step, Fit};
use crate::session::Analysis;

/// Properties.
#[derive(Properties)]
pub struct ConcreteProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
}

impl PartialEq for ConcreteProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.step == other.step
    }
}

/// The comparison table.
#[component]
pub fn ConcreteView(props: &ConcreteProps) -> Html {
    let a = &props.analysis;
    let body = match (&a.concrete, a.verifier.trace.get(props.step)) {
        (_, None) => return Html::default(),
        (None, _) if !a.verdict.accepted => html! {
            <p class="hint">{ "A rejected program never runs (the kernel would not load it), so there are no concrete values to compare." }</p>
        },
        (None, _) => html! { <p class="hint">{ "The run could not start on this input." }</p> },
        (Some(run), Some(step)) => match matching_run_step(a, run, props.step) {
            None => html! {
                <p class="hint" id="concrete-other-path">{ "The run on the current packet did not come this way: it took another path before reaching this step (or stopped earlier). Step along a path the run took to compare." }</p>
            },
            Some(k) => {
                let regs = &run.steps[k].regs_before;
                let fp = regs[10];
                let mut outside = 0;
                let rows = step
                    .before
                    .regs
                    .iter()
                    .enumerate()
                    .filter_map(|(n, r)| {
                        let f = fit(r, regs[n], fp, run);
                        if f == Fit::NotTracked {
                            return None;
                        }
                        let abs = r.display(&a.program.maps, step.before.frameno).to_string();
                        let v = regs[n];
                        let concrete = if r.ty == vm_core::verifier::RegType::Scalar {
                            if v as i64 >= 0 {
                                format!("{v}")
                            } else {
                                format!("{} ({v:#x})", v as i64)
                            }
                        } else {
                            format!("{v:#x}")
                        };
                        let (class, verdict) = match &f {
                            Fit::Within => ("fit-ok", "within bounds".to_string()),
                            Fit::PointsInto(what) => ("fit-ok", format!("points into {what}")),
                            Fit::Outside(why) => {
                                outside += 1;
                                ("fit-bad", format!("OUTSIDE: {why}"))
                            }
                            Fit::NotTracked => ("", String::new()),
                        };
                        Some(html! {
                            <tr>
                                <th scope="row">{ format!("R{n}") }</th>
                                <td class="mono">{ abs }</td>
                                <td class="mono">{ concrete }</td>
                                <td class={class}>{ verdict }</td>
                            </tr>
                        })
                    })
                    .collect::<Vec<_>>();
                let summary = if outside == 0 {
                    html! { <p class="fit-summary fit-ok" id="fit-summary">{ "Every concrete value lies within the verifier's abstract state, as it always must: the verifier's bounds hold for every input, this packet included." }</p> }
                } else {
                    html! { <p class="fit-summary fit-bad" id="fit-summary" role="alert">{ format!("{outside} value(s) lie outside the verifier's bounds: that is a verifier soundness bug, please report it.") }</p> }
                };
                html! {
                    <>
                        <table class="regs" id="concrete-table">
                            <thead><tr><th>{ "reg" }</th><th>{ "verifier (every run)" }</th><th>{ "this run" }</th><th>{ "" }</th></tr></thead>
                            <tbody>{ rows }</tbody>
                        </table>
                        { summary }
                    </>
                }
            }
        },
    };
    html! {
        <details class="sub concrete" open=true>
            <summary>{ "Abstract beside concrete" }</summary>
            { body }
        </details>
    }
}
