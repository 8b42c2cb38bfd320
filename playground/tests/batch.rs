//! The batch run in its web worker, in headless Chromium: the worker gives
//! exactly what a run on the page gives for the same packets, the Packets
//! tab shows the same counts, the worker runs only the chunks it is asked
//! for, and Cancel stops it part way. A worker that cannot load, that the
//! browser refuses, or that never answers is named in the Packets tab, Run
//! works again, and a small batch runs on the page instead.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gloo_storage::Storage;
use playground::batch_worker::{self, BatchInput, BatchOutput, Launch};
use playground::map_edits::{MapEdit, MapEdits};
use playground::packet_list::{PacketItem, PacketList, PacketSource};
use playground::session::BatchOutcome;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

/// Drops packets shorter than the map's `min[0]` (default 40 bytes) and
/// counts the packets it saw in `seen[0]`.
const DROP_SHORT: &str = ".type xdp\n\
    .map seen, array, key=4, value=8, max_entries=1\n\
    .map min, array, key=4, value=8, max_entries=1\n\
    .entry min, key=u32:0, value=u64:40\n\
    r6 = r1\n*(u32 *)(r10 - 4) = 0\n\
    r1 = map[seen] ll\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem\n\
    if r0 == 0 goto out\nr1 = 1\nlock *(u64 *)(r0 + 0) += r1\n\
    r1 = map[min] ll\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem\n\
    if r0 == 0 goto out\nr7 = *(u64 *)(r0 + 0)\n\
    r2 = *(u32 *)(r6 + 4)\nr1 = *(u32 *)(r6 + 0)\nr2 -= r1\n\
    r0 = 2\nif r2 >= r7 goto out\nr0 = 1\nout:\nexit\n";

/// `n` packets of lengths 14, 15, ... 77, 14, ... (some bad hex among them).
fn packets(n: usize) -> Vec<PacketItem> {
    (0..n)
        .map(|i| PacketItem {
            name: format!("p{i}"),
            source: if i % 97 == 5 {
                PacketSource::Hex("zz".into())
            } else {
                PacketSource::Hex(playground::session::hex(&vec![0xab; 14 + i % 64]))
            },
        })
        .collect()
}

/// Runs a whole batch in a worker, asking for every chunk.
async fn in_worker(
    source: &str,
    edits: &MapEdits,
    items: &[PacketItem],
) -> Vec<(String, BatchOutcome)> {
    let got = Rc::new(RefCell::new((Vec::new(), false, None::<String>)));
    let bridge = Rc::new(RefCell::new(None::<batch_worker::BatchBridge>));
    let on_output = {
        let (got, bridge) = (got.clone(), bridge.clone());
        move |out: BatchOutput| match out {
            BatchOutput::Failed(e) | BatchOutput::Lost(e) => got.borrow_mut().2 = Some(e),
            BatchOutput::Chunk {
                outcomes,
                done,
                total,
            } => {
                got.borrow_mut().0.extend(outcomes);
                if done < total {
                    if let Some(b) = bridge.borrow().as_ref() {
                        b.send(BatchInput::Next);
                    }
                } else {
                    got.borrow_mut().1 = true;
                }
            }
        }
    };
    let b = batch_worker::spawn(on_output).unwrap();
    b.send(BatchInput::Start {
        source: source.into(),
        edits: edits.clone(),
        packets: items.to_vec(),
    });
    *bridge.borrow_mut() = Some(b);
    until("the worker to finish", || {
        got.borrow().1 || got.borrow().2.is_some()
    })
    .await;
    let (outcomes, _, failed) = got.borrow().clone();
    assert_eq!(failed, None);
    bridge.borrow_mut().take();
    outcomes
}

#[wasm_bindgen_test]
async fn the_worker_gives_what_a_run_on_the_page_gives() {
    let items = packets(3000);
    let edits = MapEdits::default().with(MapEdit::Put {
        map: "min".into(),
        key: vec![0; 4],
        value: 60u64.to_le_bytes().to_vec(),
    });
    let here = batch_worker::run_all(DROP_SHORT, &edits, &items).unwrap();
    let there = in_worker(DROP_SHORT, &edits, &items).await;
    assert_eq!(there.len(), 3000);
    assert_eq!(
        there, here,
        "verdicts, details and map changes, packet by packet"
    );
    let counts = playground::panels::packets::verdict_counts(&there);
    assert_eq!(
        counts,
        playground::panels::packets::verdict_counts(&here),
        "same verdict counts"
    );
    assert!(counts.len() == 3, "drop, pass and bad packets: {counts:?}");
    // The edit (60 instead of the .entry line's 40) reached the worker.
    let drops = counts.iter().find(|(v, _)| v == "XDP_DROP").unwrap().1;
    assert!(drops > 3000 * 40 / 64, "{counts:?}");
}

#[wasm_bindgen_test]
async fn a_rejected_program_fails_in_the_worker_with_the_verifier_s_words() {
    let got = Rc::new(RefCell::new(None));
    let b = {
        let got = got.clone();
        batch_worker::spawn(move |out| *got.borrow_mut() = Some(out)).unwrap()
    };
    b.send(BatchInput::Start {
        source: "exit\n".into(),
        edits: MapEdits::default(),
        packets: packets(3),
    });
    until("the answer", || got.borrow().is_some()).await;
    let answer = got.borrow().clone();
    match answer {
        Some(BatchOutput::Failed(e)) => assert!(e.contains("R0 !read_ok"), "{e}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn the_worker_runs_only_the_chunks_it_is_asked_for() {
    let chunks = Rc::new(RefCell::new(Vec::new()));
    let b = {
        let chunks = chunks.clone();
        batch_worker::spawn(move |out| {
            if let BatchOutput::Chunk { done, total, .. } = out {
                chunks.borrow_mut().push((done, total));
            }
        })
        .unwrap()
    };
    b.send(BatchInput::Start {
        source: DROP_SHORT.into(),
        edits: MapEdits::default(),
        packets: packets(200_000),
    });
    until("the first chunk", || !chunks.borrow().is_empty()).await;
    stays(
        "one chunk without a Next",
        Duration::from_millis(300),
        || chunks.borrow().len() == 1,
    )
    .await;
    let seen = chunks.borrow().clone();
    assert_eq!(seen.len(), 1, "no Next, no second chunk: {seen:?}");
    let (done, total) = seen[0];
    assert!(done > 0 && done < total, "{seen:?}");
    b.send(BatchInput::Next);
    until("the second chunk", || chunks.borrow().len() == 2).await;
    assert!(chunks.borrow()[1].0 > done);
}

/// The verdict counts of a run on the page, as the chart's label says them.
fn page_counts(items: &[PacketItem]) -> String {
    let here = batch_worker::run_all(DROP_SHORT, &MapEdits::default(), items).unwrap();
    playground::panels::packets::verdict_counts(&here)
        .iter()
        .map(|(v, n)| format!("{v}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Packets tab chart's counts.
fn chart_counts(root: &Element) -> String {
    find::<Element>(root, "#batch-chart")
        .get_attribute("aria-label")
        .unwrap_or_default()
}

async fn open_packets_with(list: &PacketList) -> Element {
    gloo_storage::LocalStorage::set("bpfplay.packets", list.to_json()).unwrap();
    let root = mount().await;
    click(&root, "#tab-packet").await;
    root
}

#[wasm_bindgen_test]
async fn the_packets_tab_counts_what_the_page_would_and_cancel_stops_it() {
    let items = packets(2000);
    let list = PacketList {
        items: items.clone(),
        selected: 0,
    };
    let root = open_packets_with(&list).await;
    type_program(&root, DROP_SHORT).await;
    click(&root, "#batch-run").await;
    until("the batch to finish", || {
        text_of(&root, ".batch").contains("2000 / 2000 packets")
    })
    .await;
    let expected = page_counts(&items);
    assert_eq!(chart_counts(&root), expected);

    // A long batch, cancelled: the progress stops part way and stays there.
    let many = PacketList {
        items: (0..20_000)
            .map(|i| PacketItem {
                name: format!("{i}"),
                source: PacketSource::Hex("ab".repeat(14 + i % 8)),
            })
            .collect(),
        selected: 0,
    };
    root.remove();
    let root = open_packets_with(&many).await;
    // A loop of 3,000 iterations per packet: the batch takes many chunks
    // however fast the machine, so Cancel lands part way.
    type_program(&root, &counting_loop(3000)).await;
    click(&root, "#batch-run").await;
    let progress = || -> f64 {
        root.query_selector("#batch-progress")
            .unwrap()
            .map(|p| {
                wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlProgressElement>(p).value()
            })
            .unwrap_or(0.0)
    };
    // Cancel in the turn that sees the first chunk in.
    until("some progress, to press Cancel", || {
        let started = progress() > 0.0 && exists(&root, "#batch-cancel");
        if started {
            find::<web_sys::HtmlElement>(&root, "#batch-cancel").click();
        }
        started
    })
    .await;
    settle().await;
    let stopped = progress();
    assert!(!exists(&root, "#batch-cancel"));
    stays(
        &format!("the progress at {stopped} after Cancel"),
        Duration::from_millis(300),
        || progress() == stopped,
    )
    .await;
    assert!(stopped < 20_000.0, "stopped part way: {stopped}");
    root.remove();
}

fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

fn lost_text(root: &Element) -> String {
    text_of(root, "#batch-lost")
}

/// Clicks Run on all packets with workers started as `launch` says, and
/// waits for the Packets tab to say the batch could not start.
async fn run_batch_with(root: &Element, launch: Launch) -> String {
    batch_worker::set_launch(launch);
    click(root, "#batch-run").await;
    until("the batch to give up", || {
        root.query_selector("#batch-lost").unwrap().is_some()
    })
    .await;
    batch_worker::set_launch(Launch::default());
    let run: Element = find(root, "#batch-run");
    assert!(!run.has_attribute("disabled"), "Run is usable again");
    assert!(root.query_selector("#batch-cancel").unwrap().is_none());
    lost_text(root)
}

#[wasm_bindgen_test]
async fn a_worker_that_cannot_load_says_why_and_the_page_can_run_the_batch() {
    let items = packets(40);
    let root = open_packets_with(&PacketList {
        items: items.clone(),
        selected: 0,
    })
    .await;
    type_program(&root, DROP_SHORT).await;
    let missing = format!("{}/no-such-dir/playground.js", origin());
    let why = run_batch_with(
        &root,
        Launch {
            script: Some(missing.clone()),
            ..Launch::default()
        },
    )
    .await;
    assert!(
        why.contains("The batch could not start") && why.contains(&missing),
        "{why}"
    );

    // The page runs the 40 packets instead, and says so.
    click(&root, "#batch-on-page").await;
    let expected = page_counts(&items);
    assert_eq!(chart_counts(&root), expected);
    assert!(text_of(&root, "#batch-where").contains("on this page"));
    assert!(root.query_selector("#batch-lost").unwrap().is_none());

    // A worker that cannot start leaves those results; a working one
    // replaces them.
    let why = run_batch_with(
        &root,
        Launch {
            script: Some(missing),
            ..Launch::default()
        },
    )
    .await;
    assert!(why.contains("could not start"), "{why}");
    assert_eq!(chart_counts(&root), expected);
    click(&root, "#batch-run").await;
    until("the worker's batch", || {
        text_of(&root, ".batch").contains("40 / 40 packets")
            && root.query_selector("#batch-where").unwrap().is_none()
    })
    .await;
    assert_eq!(chart_counts(&root), expected);
    assert!(root.query_selector("#batch-lost").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_refused_worker_and_a_silent_one_are_named() {
    let root = open_packets_with(&PacketList {
        items: packets(3),
        selected: 0,
    })
    .await;
    type_program(&root, DROP_SHORT).await;

    // The Worker constructor throws (a content security policy, a sandbox).
    let global = js_sys::global();
    let key = wasm_bindgen::JsValue::from_str("Worker");
    let real = js_sys::Reflect::get(&global, &key).unwrap();
    let refuse = js_sys::Function::new_no_args(
        "throw new DOMException('workers are off here', 'SecurityError');",
    );
    js_sys::Reflect::set(&global, &key, &refuse).unwrap();
    batch_worker::set_launch(Launch::default());
    click(&root, "#batch-run").await;
    js_sys::Reflect::set(&global, &key, &real).unwrap();
    let why = lost_text(&root);
    assert!(
        why.contains("would not start a web worker") && why.contains("workers are off here"),
        "{why}"
    );

    // A worker whose code never finishes loading: given up after the
    // launch's time, not waited on forever.
    let parts = js_sys::Array::of1(&"await new Promise(() => {});".into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).unwrap();
    let hang = web_sys::Url::create_object_url_with_blob(&blob).unwrap();
    let why = run_batch_with(
        &root,
        Launch {
            script: Some(hang),
            answer_within_ms: 300,
        },
    )
    .await;
    assert!(why.contains("did not answer within 0.3 s"), "{why}");
    root.remove();
}
