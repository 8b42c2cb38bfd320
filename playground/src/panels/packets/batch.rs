//! Batch run: the current program over every packet of the list, with the
//! maps kept between packets. Verdict counts are drawn as bars; each
//! packet's verdict and map changes are listed. The packets run in a web
//! worker ([`crate::batch_worker`]) chunk by chunk, so a capture of
//! thousands of packets shows a progress bar, the page stays responsive,
//! and Cancel closes the worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_worker::WorkerBridge;
use yew::prelude::*;

use crate::batch_worker::{self, BatchInput, BatchOutput, BatchWorker};
use crate::map_edits::MapEdits;
use crate::packet_list::PacketList;
use crate::session::BatchOutcome;

/// Rows listed at most.
pub const BATCH_ROWS: usize = 1000;

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
fn close(bridge: &Rc<RefCell<Option<WorkerBridge<BatchWorker>>>>) {
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
    let bridge = use_mut_ref(|| None::<WorkerBridge<BatchWorker>>);
    // Which run the answers belong to: a cancelled run's late answers are ignored.
    let generation = use_mut_ref(|| Rc::new(Cell::new(0u32)));

    let start = {
        let (results, progress, running, error) = (
            results.clone(),
            progress.clone(),
            running.clone(),
            error.clone(),
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
            results.borrow_mut().clear();
            progress.set((0, list.items.len()));
            running.set(true);
            let on_output = {
                let (results, progress, running, error) = (
                    results.clone(),
                    progress.clone(),
                    running.clone(),
                    error.clone(),
                );
                let bridge = bridge.clone();
                move |out: BatchOutput| {
                    if gen.get() != mine {
                        return;
                    }
                    let finished = match out {
                        BatchOutput::Failed(e) => {
                            error.set(Some(e));
                            true
                        }
                        BatchOutput::Chunk {
                            outcomes,
                            done,
                            total,
                        } => {
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
                Err(e) => {
                    error.set(Some(e));
                    running.set(false);
                }
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
        let width = format!("width: {:.1}%", *n as f64 * 100.0 / max as f64);
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
