//! Batch run: the current program over every packet of the list, with the
//! maps kept between packets. Verdict counts are drawn as bars; each
//! packet's verdict and map changes are listed. The packets run in a web
//! worker ([`crate::batch_worker`]) chunk by chunk, so a capture of
//! thousands of packets shows a progress bar, the page stays responsive,
//! and Cancel closes the worker. A worker that cannot start (or stops
//! answering) is named with the reason; a small batch can then run on the
//! page instead.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::batch_worker::{self, BatchBridge, BatchInput, BatchOutput};
use crate::map_edits::MapEdits;
use crate::packet_list::PacketList;
use crate::session::BatchOutcome;

/// Rows listed at most.
pub const BATCH_ROWS: usize = 1000;

/// Most packets the page offers to run itself when the worker is lost
/// (the page does not respond while they run).
pub const PAGE_BATCH_MAX: usize = 500;

/// Batch properties.
#[derive(Properties, PartialEq)]
pub struct BatchProps {
    /// The program text.
    pub source: AttrValue,
    /// The packets.
    pub list: PacketList,
    /// The Maps panel's edits (the maps start with them).
    #[prop_or_default]
    pub edits: MapEdits,
}

/// Verdict counts in first-seen order.
pub fn verdict_counts(outcomes: &[(String, BatchOutcome)]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (_, o) in outcomes {
        match counts.iter_mut().find(|(v, _)| *v == o.verdict) {
            Some((_, n)) => *n += 1,
            None => counts.push((o.verdict.clone(), 1)),
        }
    }
    counts
}

fn bar_class(verdict: &str) -> &'static str {
    let v = verdict.to_ascii_lowercase();
    if v.contains("drop") || v.contains("shot") || v.contains("aborted") {
        "drop"
    } else if v == "error" {
        "fault"
    } else if v.contains("pass") || v.contains("ok") {
        "pass"
    } else {
        ""
    }
}

/// Drops the worker bridge (which closes the worker) outside the current
/// callback: the bridge may be calling us.
fn close(bridge: &Rc<RefCell<Option<BatchBridge>>>) {
    if let Some(b) = bridge.borrow_mut().take() {
        yew::platform::spawn_local(async move { drop(b) });
    }
}

/// The batch run section.
#[component]
pub fn BatchPanel(props: &BatchProps) -> Html {
    let results = use_mut_ref(Vec::<(String, BatchOutcome)>::new);
    let progress = use_state(|| (0usize, 0usize));
    let running = use_state(|| false);
    let error = use_state(|| None::<String>);
    // The worker could not start or stopped answering: why, and the
    // packets done by then.
    let lost = use_state(|| None::<(String, usize)>);
    // The results shown came from a run on the page (the worker was lost).
    let on_page = use_state(|| false);
    let bridge = use_mut_ref(|| None::<BatchBridge>);
    // Which run the answers belong to: a cancelled run's late answers are ignored.
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u32)));

    let start = {
        let (results, progress, running, error, lost, on_page) = (
            results.clone(),
            progress.clone(),
            running.clone(),
            error.clone(),
            lost.clone(),
            on_page.clone(),
        );
        let (bridge, generation) = (bridge.clone(), generation.clone());
        let (source, list, edits) = (
            props.source.to_string(),
            props.list.clone(),
            props.edits.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let gen = generation.borrow().clone();
            gen.set(gen.get().wrapping_add(1));
            let mine = gen.get();
            error.set(None);
            lost.set(None);
            progress.set((0, list.items.len()));
            running.set(true);
            // The last results stay until this run's first chunk replaces
            // them, so a worker that cannot start loses nothing.
            let fresh = Cell::new(true);
            let on_output = {
                let (results, progress, running, error, lost, on_page) = (
                    results.clone(),
                    progress.clone(),
                    running.clone(),
                    error.clone(),
                    lost.clone(),
                    on_page.clone(),
                );
                let bridge = bridge.clone();
                let total = list.items.len();
                move |out: BatchOutput| {
                    if gen.get() != mine {
                        return;
                    }
                    let finished = match out {
                        BatchOutput::Failed(e) => {
                            error.set(Some(e));
                            true
                        }
                        BatchOutput::Lost(why) => {
                            let done = if fresh.get() {
                                0
                            } else {
                                results.borrow().len()
                            };
                            lost.set(Some((why, done)));
                            progress.set((done, total));
                            true
                        }
                        BatchOutput::Chunk {
                            outcomes,
                            done,
                            total,
                        } => {
                            if fresh.replace(false) {
                                results.borrow_mut().clear();
                                on_page.set(false);
                            }
                            results.borrow_mut().extend(outcomes);
                            progress.set((done, total));
                            if done < total {
                                if let Some(b) = bridge.borrow().as_ref() {
                                    b.send(BatchInput::Next);
                                }
                            }
                            done >= total
                        }
                    };
                    if finished {
                        running.set(false);
                        close(&bridge);
                    }
                }
            };
            match batch_worker::spawn(on_output) {
                Ok(b) => {
                    b.send(BatchInput::Start {
                        source: source.clone(),
                        edits: edits.clone(),
                        packets: list.items.clone(),
                    });
                    close(&bridge);
                    *bridge.borrow_mut() = Some(b);
                }
                Err(why) => {
                    lost.set(Some((why, 0)));
                    progress.set((0, 0));
                    running.set(false);
                }
            }
        })
    };
    // The fallback when the worker is lost: the same batch, on the page.
    let run_here = {
        let (results, progress, error, lost, on_page) = (
            results.clone(),
            progress.clone(),
            error.clone(),
            lost.clone(),
            on_page.clone(),
        );
        let (source, list, edits) = (
            props.source.to_string(),
            props.list.clone(),
            props.edits.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            lost.set(None);
            match batch_worker::run_all(&source, &edits, &list.items) {
                Ok(outcomes) => {
                    *results.borrow_mut() = outcomes;
                    progress.set((list.items.len(), list.items.len()));
                    on_page.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let stop = {
        let (bridge, generation, running) = (bridge.clone(), generation.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            let gen = generation.borrow().clone();
            gen.set(gen.get().wrapping_add(1));
            close(&bridge);
            running.set(false);
        })
    };

    let outcomes = results.borrow();
    let counts = verdict_counts(&outcomes);
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(1);
    let bars = counts.iter().map(|(verdict, n)| {
        // Integer permille: exact, and no float formatting on this path.
        let permille = n.saturating_mul(1000) / max.max(1);
        let width = format!("width: {}.{}%", permille / 10, permille % 10);
        html! {
            <div class="batch-bar">
                <span class="mono">{ verdict.clone() }</span>
                <span class="batch-bar-track" aria-hidden="true">
                    <span class={classes!("batch-bar-fill", bar_class(verdict))} style={width}></span>
                </span>
                <span class="num mono">{ n.to_string() }</span>
            </div>
        }
    });
    let rows = outcomes
        .iter()
        .take(BATCH_ROWS)
        .enumerate()
        .map(|(i, (name, o))| {
            html! {
                <tr>
                    <td class="num mono">{ (i + 1).to_string() }</td>
                    <td>{ name.clone() }</td>
                    <td class="mono verdict-name">{ o.verdict.clone() }</td>
                    <td class="mono">{ o.detail.clone() }</td>
                    <td class="mono">{ o.map_changes.join("; ") }</td>
                </tr>
            }
        });
    let (done, total) = *progress;
    html! {
        <section class="batch" aria-label="Batch run">
            <div class="packet-actions">
                <button type="button" id="batch-run" class="button small primary" onclick={start} disabled={*running}>
                    { format!("Run on all {} packets", props.list.items.len()) }
                </button>
                if *running {
                    <button type="button" id="batch-cancel" class="button small" onclick={stop}>{ "Cancel" }</button>
                }
            </div>
            if *running || done > 0 {
                <label for="batch-progress" class="field-label">{ format!("{done} / {total} packets") }</label>
                <progress id="batch-progress" class="batch-progress" max={total.to_string()} value={done.to_string()}></progress>
            }
            if let Some(e) = &*error {
                <p class="warn" role="alert">{ e.clone() }</p>
            }
            if let Some((why, at)) = &*lost {
                <div id="batch-lost" class="warn" role="alert">
                    <p>{ if *at == 0 {
                        format!("The batch could not start: {why}. Your program and packets are unchanged; Run tries again.")
                    } else {
                        format!("The batch stopped after {at} of {total} packets: {why}. The results so far are below; Run starts again.")
                    } }</p>
                    if props.list.items.len() <= PAGE_BATCH_MAX {
                        <button type="button" id="batch-on-page" class="button small" onclick={run_here}>
                            { format!("Run the {} packets on this page instead", props.list.items.len()) }
                        </button>
                        <span class="hint">{ " The page does not respond while they run." }</span>
                    }
                </div>
            }
            if *on_page && !counts.is_empty() {
                <p id="batch-where" class="hint">{ "Ran on this page, not in the worker." }</p>
            }
            if !counts.is_empty() {
                <div id="batch-chart" class="batch-bars" role="img"
                    aria-label={counts.iter().map(|(v, n)| format!("{v}: {n}")).collect::<Vec<_>>().join(", ")}>
                    { for bars }
                </div>
                <table id="batch-results" class="listing">
                    <thead><tr><th>{ "#" }</th><th>{ "packet" }</th><th>{ "verdict" }</th><th>{ "result" }</th><th>{ "map changes" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(v: &str) -> (String, BatchOutcome) {
        (
            "p".into(),
            BatchOutcome {
                verdict: v.into(),
                detail: String::new(),
                map_changes: Vec::new(),
            },
        )
    }

    #[test]
    fn counts_keep_first_seen_order() {
        let o = [
            outcome("XDP_PASS"),
            outcome("XDP_DROP"),
            outcome("XDP_PASS"),
        ];
        assert_eq!(
            verdict_counts(&o),
            [("XDP_PASS".to_string(), 2), ("XDP_DROP".to_string(), 1)]
        );
    }
}
