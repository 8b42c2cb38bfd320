//! The verdict (accepted / rejected) and the verifier's statistics.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::Analysis;

/// Verdict line properties.
#[derive(Properties)]
pub struct VerdictLineProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// What the learner predicted (predict mode), if anything.
    #[prop_or_default]
    pub guess: Option<bool>,
}

impl PartialEq for VerdictLineProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.guess == other.guess
    }
}

/// The verdict and the statistics the kernel reports.
#[component]
pub fn VerdictLine(props: &VerdictLineProps) -> Html {
    let a = &props.analysis;
    let accepted = a.verdict.accepted;
    let verdict = if accepted {
        html! { <span class="verdict verdict-ok">{ "accepted" }</span> }
    } else {
        html! { <span class="verdict verdict-bad">{ "rejected" }</span> }
    };
    let s = &a.verifier.stats;
    let stats = [
        ("processed insns", s.processed_insns.to_string()),
        ("states", s.total_states.to_string()),
        ("peak states", s.peak_states.to_string()),
        ("pruned", s.pruned.to_string()),
        ("paths", s.paths.to_string()),
        ("stack depth", s.stack_depth.to_string()),
    ];
    let stats = stats.into_iter().map(|(name, value)| {
        html! { <div class="stat"><dt>{ name }</dt><dd class="mono">{ value }</dd></div> }
    });
    let guess = props.guess.map(|g| {
        let (class, text) = if g == accepted {
            ("predict-right", "Your prediction was right.")
        } else {
            ("predict-wrong", "Your prediction was wrong.")
        };
        html! { <span class={classes!("predict-result", class)} id="verdict-guess">{ text }</span> }
    });
    html! {
        <>
            <p class="verdict-line" id="verdict-line">
                { verdict }
                <span class="mono stats">{ a.verdict.summary.clone() }</span>
                { for guess }
            </p>
            <dl class="stat-grid" id="verifier-stats" aria-label="Verifier statistics">{ for stats }</dl>
        </>
    }
}
