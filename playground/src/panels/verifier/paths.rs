//! The paths the verifier explored, as a small tree: where each started
//! (pushed at a branch), how it ended (exit, pruned, error), the current
//! one marked; each entry jumps to the path's first step.

use std::collections::HashMap;
use std::rc::Rc;

use vm_core::verifier::StepEvent;
use yew::prelude::*;

use crate::session::Analysis;
use crate::state::StepMove;

/// Paths shown at most (a loop can push hundreds).
const PATHS_SHOWN: usize = 64;

/// Path list properties.
#[derive(Properties)]
pub struct PathListProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
    /// Move the stepper.
    pub on_step: Callback<StepMove>,
}

impl PartialEq for PathListProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.step == other.step
    }
}

/// One explored path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSummary {
    /// Path id.
    pub id: u32,
    /// Depth in the tree (0 = the first path).
    pub depth: usize,
    /// Its first and last trace steps.
    pub first: usize,
    /// Last step.
    pub last: usize,
    /// The instruction it started at.
    pub start_insn: usize,
    /// How it ended.
    pub end: &'static str,
}

/// Every path of the trace, in the order the verifier explored them.
pub fn summarise(a: &Analysis) -> Vec<PathSummary> {
    let trace = &a.verifier.trace;
    let mut out: Vec<PathSummary> = Vec::new();
    // Path id -> index in `out`, and pushed path -> the path that pushed it.
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut parent_of: HashMap<u32, u32> = HashMap::new();
    for (i, s) in trace.iter().enumerate() {
        match index.get(&s.path) {
            Some(&k) => out[k].last = i,
            None => {
                let depth = parent_of
                    .get(&s.path)
                    .and_then(|parent| index.get(parent))
                    .map_or(0, |&k| out[k].depth + 1);
                index.insert(s.path, out.len());
                out.push(PathSummary {
                    id: s.path,
                    depth,
                    first: i,
                    last: i,
                    start_insn: s.insn,
                    end: "",
                });
            }
        }
        if let StepEvent::BranchPushed { pushed_path, .. } = s.event {
            parent_of.insert(pushed_path, s.path);
        }
        if let Some(p) = index.get(&s.path).and_then(|&k| out.get_mut(k)) {
            p.end = match s.event {
                StepEvent::Exit => "reached exit",
                StepEvent::Pruned => "pruned",
                StepEvent::Error => "rejected",
                _ => p.end,
            };
        }
    }
    out
}

/// The tree of paths.
#[component]
pub fn PathList(props: &PathListProps) -> Html {
    let a = &props.analysis;
    // Summarised once per analysis: stepping only moves the marker.
    let paths = {
        let a = a.clone();
        use_memo(Rc::as_ptr(&props.analysis) as usize, move |_| summarise(&a))
    };
    if paths.len() < 2 {
        return Html::default();
    }
    let current = a.verifier.trace.get(props.step).map(|s| s.path);
    let items = paths.iter().take(PATHS_SHOWN).map(|p| {
        let onclick = {
            let on_step = props.on_step.clone();
            let to = p.first;
            Callback::from(move |_: MouseEvent| on_step.emit(StepMove::To(to)))
        };
        let here = current == Some(p.id);
        let end = if p.end.is_empty() { "unfinished" } else { p.end };
        html! {
            <li class={classes!("path", here.then_some("current"), (p.end == "rejected").then_some("bad"))}
                style={format!("padding-left: calc({} * 0.9rem)", p.depth.min(12))}>
                <button class="link-button" {onclick} aria-current={here.then_some("step")}>
                    { format!("path {} from insn {}", p.id, p.start_insn) }
                </button>
                <span class="muted">{ format!(" · {} steps · {end}", p.last - p.first + 1) }</span>
            </li>
        }
    });
    let more = paths.len().saturating_sub(PATHS_SHOWN);
    html! {
        <details class="sub paths" open=true>
            <summary>{ format!("Paths explored ({})", paths.len()) }</summary>
            <ul class="path-tree" id="path-tree">{ for items }</ul>
            if more > 0 {
                <p class="hint">{ format!("and {more} more") }</p>
            }
        </details>
    }
}
