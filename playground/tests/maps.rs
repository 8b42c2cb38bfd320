//! The Maps tab in headless Chromium: entries put in or deleted from user
//! space before a run are what the run sees, the run's changes are marked,
//! a bad field keeps its text and says why, and the event log lists
//! trace_printk lines and ring buffer records.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

/// Returns the value of `cfg[0]` (0 when missing).
const READ_CFG: &str = ".type xdp\n.map cfg, hash, key=4, value=8, max_entries=4\n\
    .entry cfg, key=u32:0, value=u64:5\n\
    *(u32 *)(r10 - 4) = 0\nr1 = map[cfg] ll\nr2 = r10\nr2 += -4\n\
    call bpf_map_lookup_elem\nr1 = r0\nr0 = 0\nif r1 == 0 goto out\n\
    r0 = *(u64 *)(r1 + 0)\nout:\nexit\n";

async fn open_maps(source: &str) -> Element {
    let root = run_program(source).await;
    click(&root, "#tab-maps").await;
    root
}

#[wasm_bindgen_test]
async fn an_edited_entry_is_what_the_next_run_reads() {
    let root = open_maps(READ_CFG).await;
    assert_result(&root, "r0 = 5");
    type_into(&root, "#map-cfg-key", "0").await;
    type_into(&root, "#map-cfg-value", "u64:1234").await;
    click(&root, "#map-cfg-put").await;
    let before = text_of(&root, ".map-before");
    assert!(before.contains("d2 04 00 00 00 00 00 00"), "{before:?}");
    assert!(text_of(&root, "#map-cfg").contains("1 edited"));
    run(&root).await;
    assert_result(&root, "r0 = 1234");

    // Delete it: the run finds no entry.
    click(&root, ".map-before .map-delete").await;
    run(&root).await;
    assert_result(&root, "r0 = 0");

    // Undo the edits: back to the .entry line.
    click(&root, "#map-cfg-reset").await;
    run(&root).await;
    assert_result(&root, "r0 = 5");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_bad_field_keeps_its_text_and_changes_nothing() {
    let root = open_maps(READ_CFG).await;
    type_into(&root, "#map-cfg-key", "0").await;
    type_into(&root, "#map-cfg-value", "12 34").await;
    click(&root, "#map-cfg-put").await;
    let error = text_of(&root, "#map-cfg-error");
    assert_eq!(error, "the value has 2 bytes but this map's values have 8");
    let field: HtmlInputElement = find(&root, "#map-cfg-value");
    assert_eq!(field.value(), "12 34", "the typed text stays");
    assert!(!text_of(&root, "#map-cfg").contains("edited"));

    // A fifth key does not fit in a 4-entry hash map: the map says so.
    for k in 1..=3 {
        type_into(&root, "#map-cfg-key", &k.to_string()).await;
        type_into(&root, "#map-cfg-value", "1").await;
        click(&root, "#map-cfg-put").await;
    }
    type_into(&root, "#map-cfg-key", "9").await;
    click(&root, "#map-cfg-put").await;
    assert!(
        text_of(&root, "#map-cfg-error").contains("E2BIG"),
        "{}",
        text_of(&root, "#map-cfg")
    );
    run(&root).await;
    assert_result(&root, "r0 = 5");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_run_s_changes_are_marked_added_changed_removed() {
    let src = ".type xdp\n.map m, hash, key=4, value=8, max_entries=8\n\
        .entry m, key=u32:1, value=u64:10\n.entry m, key=u32:2, value=u64:20\n\
        .entry m, key=u32:3, value=u64:30\n\
        *(u32 *)(r10 - 4) = 1\nr1 = map[m] ll\nr2 = r10\nr2 += -4\ncall bpf_map_delete_elem\n\
        *(u32 *)(r10 - 4) = 2\n*(u64 *)(r10 - 16) = 99\nr1 = map[m] ll\nr2 = r10\nr2 += -4\n\
        r3 = r10\nr3 += -16\nr4 = 0\ncall bpf_map_update_elem\n\
        *(u32 *)(r10 - 4) = 7\nr1 = map[m] ll\nr2 = r10\nr2 += -4\n\
        r3 = r10\nr3 += -16\nr4 = 0\ncall bpf_map_update_elem\n\
        r0 = 2\nexit\n";
    let root = open_maps(src).await;
    let after = text_of(&root, "#map-m");
    assert!(
        after.contains("After the run: 1 added, 1 changed, 1 removed"),
        "{after:?}"
    );
    let marked = |class: &str| -> String {
        find::<Element>(&root, &format!(".map-after tr.{class}"))
            .text_content()
            .unwrap_or_default()
    };
    assert!(
        marked("added").contains("07 00 00 00"),
        "{}",
        marked("added")
    );
    assert!(
        marked("changed").contains("14 00 00 00 00 00 00 00")
            && marked("changed").contains("63 00 00 00 00 00 00 00"),
        "old and new value: {}",
        marked("changed")
    );
    assert!(
        marked("removed").contains("01 00 00 00"),
        "{}",
        marked("removed")
    );
    assert_eq!(
        root.query_selector_all(".map-after tr.diff-row")
            .unwrap()
            .length(),
        4,
        "key 3 unchanged, listed without a mark"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn trace_printk_and_ring_buffer_records_are_logged() {
    let src = ".type xdp\n.map events, ringbuf, key=0, value=0, max_entries=4096\n\
        r1 = 0x0a216948 ll\n*(u64 *)(r10 - 8) = r1\nr1 = r10\nr1 += -8\nr2 = 5\n\
        call bpf_trace_printk\n\
        r1 = 0x1122334455667788 ll\n*(u64 *)(r10 - 16) = r1\n\
        r1 = map[events] ll\nr2 = r10\nr2 += -16\nr3 = 8\nr4 = 0\ncall bpf_ringbuf_output\n\
        r0 = 2\nexit\n";
    let root = open_maps(src).await;
    let log = text_of(&root, "#event-log");
    assert!(log.contains("bpf_trace_printk: Hi!"), "{log:?}");
    assert!(log.contains("events (ringbuf)"), "{log:?}");
    assert!(log.contains("88 77 66 55 44 33 22 11"), "{log:?}");
    assert!(text_of(&root, "#map-events").contains("User space puts no entries"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_big_array_folds_so_the_run_s_change_stays_in_view() {
    let src = ".type xdp\n.map slots, array, key=4, value=8, max_entries=64\n\
        *(u32 *)(r10 - 4) = 9\nr1 = map[slots] ll\nr2 = r10\nr2 += -4\n\
        call bpf_map_lookup_elem\nif r0 == 0 goto out\nr1 = 5\n*(u64 *)(r0 + 0) = r1\n\
        out:\nr0 = 2\nexit\n";
    let root = open_maps(src).await;
    let folded: Element = find(&root, "#map-slots details.map-before-all");
    assert!(!folded.has_attribute("open"), "64 entries start folded");
    assert!(text_of(&root, "#map-slots details.map-before-all summary").contains("64 entries"));
    // The one change is in the open table; the 63 others are folded.
    let open_rows = root
        .query_selector_all("#map-slots > table.map-after tr.diff-row")
        .unwrap();
    assert_eq!(open_rows.length(), 1);
    assert!(text_of(&root, "#map-slots > table.map-after").contains("09 00 00 00"));
    assert!(
        text_of(&root, "#map-slots details.map-unchanged summary").contains("63 unchanged entries")
    );
    root.remove();
}
