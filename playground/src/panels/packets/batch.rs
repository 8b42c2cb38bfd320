//! Batch run: the current program over every packet of the list, with the
//! maps kept between packets. Verdict counts are drawn as bars; each
//! packet's verdict and map changes are listed. The run goes in chunks that
//! yield to the browser every few milliseconds, so a capture of thousands of packets
//! shows a progress bar and can be cancelled.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use crate::packet_list::PacketList;
use crate::session::{BatchOutcome, BatchRun};

/// Milliseconds of running between two yields to the browser (under one
/// 60 Hz frame, so the page stays responsive and Cancel is heard).
pub const SLICE_MS: f64 = 12.0;

/// Rows listed at most.
pub const BATCH_ROWS: usize = 1000;

/// Batch properties.
#[derive(Properties, PartialEq)]
pub struct BatchProps {
    /// The program text.
    pub source: AttrValue,
    /// The packets.
    pub list: PacketList,
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

/// The batch run section.
#[component]
pub fn BatchPanel(props: &BatchProps) -> Html {
    let results = use_mut_ref(Vec::<(String, BatchOutcome)>::new);
    let progress = use_state(|| (0usize, 0usize));
    let running = use_state(|| false);
    let error = use_state(|| None::<String>);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));

    let start = {
        let results = results.clone();
        let progress = progress.clone();
        let running = running.clone();
        let error = error.clone();
        let cancel = cancel.clone();
        let source = props.source.to_string();
        let list = props.list.clone();
        Callback::from(move |_: MouseEvent| {
            let mut batch = match BatchRun::prepare(&source) {
                Ok(b) => b,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
            error.set(None);
            results.borrow_mut().clear();
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            let total = list.items.len();
            progress.set((0, total));
            running.set(true);
            let results: Rc<RefCell<Vec<_>>> = results.clone();
            let progress = progress.clone();
            let running = running.clone();
            let items = list.items.clone();
            yew::platform::spawn_local(async move {
                let mut next = 0;
                while next < items.len() && !flag.get() {
                    let slice_end = js_sys::Date::now() + SLICE_MS;
                    while let Some(item) = items.get(next) {
                        let outcome = match item.bytes() {
                            Ok(bytes) => batch.run(&bytes),
                            Err(e) => BatchOutcome {
                                verdict: "error".into(),
                                detail: format!("packet: {e}"),
                                map_changes: Vec::new(),
                            },
                        };
                        results.borrow_mut().push((item.name.clone(), outcome));
                        next += 1;
                        if js_sys::Date::now() >= slice_end {
                            break;
                        }
                    }
                    progress.set((next, total));
                    // Let the browser paint and handle Cancel.
                    yew::platform::time::sleep(Duration::ZERO).await;
                }
                running.set(false);
            });
        })
    };
    let stop = {
        let cancel = cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.borrow().set(true))
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
