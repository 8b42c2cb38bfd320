//! The app mounted into a fresh DOM node in headless Chromium, used the way
//! a person would: type, click Run, read the page.
#![cfg(target_arch = "wasm32")]

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Opening clang objects (file input, drop on the editor).
#[path = "app/object.rs"]
mod object;

mod support;
use support::*;

#[wasm_bindgen_test]
async fn typing_a_program_and_clicking_run_shows_r0() {
    let root = run_program("r0 = 42\nexit\n").await;
    assert_result(&root, "r0 = 42");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_typo_names_its_line_and_column_and_marks_the_line() {
    let root = run_program("r0 = 42\nexti\n").await;
    assert_result(&root, "line 2, column 1");
    let marked: Element = find(&root, ".gutter-error");
    assert_eq!(marked.text_content().as_deref(), Some("2"));
    let squiggle: Element = find(&root, ".squiggle");
    assert_eq!(squiggle.text_content().as_deref(), Some("exti"));
    root.remove();
}

#[wasm_bindgen_test]
async fn ctrl_enter_in_the_editor_runs() {
    let root = mount_fresh().await;
    type_program(&root, "r0 = 7\nexit\n").await;
    key_event(&find(&root, "#editor-input"), "keydown", "Enter", CTRL);
    settle().await;
    assert_result(&root, "r0 = 7");
    root.remove();
}

#[wasm_bindgen_test]
async fn edits_are_saved_and_restored_from_local_storage() {
    let root = mount_fresh().await;
    type_program(&root, "r0 = 5\nexit\n").await;
    root.remove();
    // A second app (a reload) starts from the saved text.
    let again = mount().await;
    assert_eq!(editor_text(&again), "r0 = 5\nexit\n");
    again.remove();
}

#[wasm_bindgen_test]
fn the_panic_banner_shows_text_never_html() {
    playground::panic_banner::show("boom <b id=\"injected\">bold</b>");
    let banner = document()
        .get_element_by_id(playground::panic_banner::BANNER_ID)
        .expect("the banner is on the page");
    let text = banner.text_content().unwrap_or_default();
    assert!(
        text.contains("boom <b id=\"injected\">bold</b>"),
        "{text:?}"
    );
    assert!(document().get_element_by_id("injected").is_none());
    assert!(
        banner.query_selector("button").unwrap().is_some(),
        "copy button"
    );
    banner.remove();
}

#[wasm_bindgen_test]
async fn an_example_from_the_gallery_loads_runs_and_shows_its_verdict() {
    let root = mount_fresh().await;
    pick_example(&root, "xdp-drop-dns").await;
    assert!(editor_text(&root).contains("drop UDP datagrams to port 53"));
    // The sample packet is UDP to port 53: dropped.
    assert_result(&root, "XDP_DROP");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_verifier_stepper_opens_on_the_error_and_steps() {
    let root = run_program(".type xdp\nr0 = 1\nr0 += r3\nexit\n").await;
    assert_result(&root, "Rejected by the verifier");
    let verifier = text_of(&root, "#verifier");
    assert!(verifier.contains("rejected"), "{verifier:?}");
    assert!(verifier.contains("R3 !read_ok"), "{verifier:?}");
    assert_eq!(text_of(&root, "#step-count"), "step 2 / 2");
    // The editor marks the line of the current step (r0 += r3, line 3).
    assert_eq!(text_of(&root, ".gutter-current"), "3");
    click(&root, "#step-back").await;
    assert_eq!(text_of(&root, "#step-count"), "step 1 / 2");
    assert_eq!(text_of(&root, ".gutter-current"), "2");
    let verifier = text_of(&root, "#verifier");
    assert!(verifier.contains("r0 = 1"), "{verifier:?}");
    click(&root, "#step-forward").await;
    assert_eq!(text_of(&root, "#step-count"), "step 2 / 2");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_program_view_lists_bytes_and_both_syntaxes() {
    let root = run_program("r0 = 42\nexit\n").await;
    click(&root, "#tab-program").await;
    let listing = text_of(&root, "#listing");
    assert!(listing.contains("b7 00 00 00 2a 00 00 00"), "{listing:?}");
    assert!(listing.contains("r0 = 42"), "{listing:?}");
    assert!(
        listing.contains("mov %r0, 42") || listing.contains("mov r0, 42"),
        "{listing:?}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn maps_show_their_entries_after_the_run() {
    let root = run_program(
        ".type xdp\n.map counts, array, key=4, value=8, max_entries=2\n\
         *(u32 *)(r10 - 4) = 1\nr1 = map[counts] ll\nr2 = r10\nr2 += -4\n\
         call bpf_map_lookup_elem\nif r0 == 0 goto out\nr1 = 4660\n*(u64 *)(r0 + 0) = r1\n\
         out:\nr0 = 2\nexit\n",
    )
    .await;
    click(&root, "#tab-maps").await;
    let panel = text_of(&root, ".inspector");
    assert!(panel.contains("counts"), "{panel:?}");
    assert!(panel.contains("34 12 00 00 00 00 00 00"), "{panel:?}");
    assert!(panel.contains("4660"), "{panel:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_share_link_restores_the_workspace_and_runs_it() {
    let packet = "02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 14";
    let fragment = playground::share::encode("r0 = 9\nexit\n", packet);
    LocalStorage::clear();
    let root = mount_at(&format!("#{fragment}")).await;
    assert_eq!(editor_text(&root), "r0 = 9\nexit\n");
    assert_result(&root, "r0 = 9");
    click(&root, "#tab-packet").await;
    let area: HtmlTextAreaElement = find(&root, "#packet-input");
    assert_eq!(area.value(), packet);
    assert!(text_of(&root, ".inspector").contains("EtherType"));
    root.remove();
}

// The Packets tab: list, builder, hex view, hex paste, captures.

async fn open_packets() -> Element {
    let root = mount_fresh().await;
    click(&root, "#tab-packet").await;
    root
}

fn packet_names(root: &Element) -> Vec<String> {
    texts_of(root, ".packet-name")
}

#[wasm_bindgen_test]
async fn packets_are_added_duplicated_renamed_deleted_and_saved() {
    let root = open_packets().await;
    assert_eq!(packet_names(&root), ["Packet 1"]);
    click(&root, "#packet-add").await;
    until("a second packet", || {
        packet_names(&root) == ["Packet 1", "Packet 2"]
    })
    .await;
    type_into(&root, "#packet-name", "DNS query").await;
    click(&root, "#packet-duplicate").await;
    until("the copy", || {
        packet_names(&root) == ["Packet 1", "DNS query", "DNS query (copy)"]
    })
    .await;
    click(&root, "#packet-delete").await;
    until("the copy to go", || {
        packet_names(&root) == ["Packet 1", "DNS query"]
    })
    .await;
    // The list is saved: a reload restores it with its selection.
    until("the list to be saved", || {
        LocalStorage::get::<String>("bpfplay.packets")
            .is_ok_and(|j| j.contains("DNS query") && !j.contains("(copy)"))
    })
    .await;
    root.remove();
    let again = mount().await;
    click(&again, "#tab-packet").await;
    assert_eq!(packet_names(&again), ["Packet 1", "DNS query"]);
    assert_eq!(
        text_of(&again, ".packet-row.selected .packet-name"),
        "DNS query"
    );
    again.remove();
}

#[wasm_bindgen_test]
async fn the_selected_packet_is_the_input_of_run() {
    let root = open_packets().await;
    type_program(
        &root,
        ".type xdp\nr2 = *(u32 *)(r1 + 4)\nr1 = *(u32 *)(r1 + 0)\nr0 = r2\nr0 -= r1\nexit\n",
    )
    .await;
    // A new packet is the default UDP datagram with "hello": 47 bytes.
    click(&root, "#packet-add").await;
    until("a second packet", || packet_names(&root).len() == 2).await;
    run(&root).await;
    assert_result(&root, "r0 = 47");
    // Back to the 46-byte sample.
    let first: HtmlElement = find(&root, ".packet-pick");
    first.click();
    settle().await;
    run(&root).await;
    assert_result(&root, "r0 = 46");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_builder_edits_the_packet_and_the_hex_view_labels_its_bytes() {
    let root = open_packets().await;
    click(&root, "#packet-add").await;
    type_into(&root, "#pkt-dport", "8080").await;
    // UDP destination port at bytes 36-37 of Ethernet + IPv4 + UDP.
    let port: Element = find(&root, ".hex-byte[data-offset='36']");
    assert_eq!(port.text_content().as_deref(), Some("1f"));
    let title = port.get_attribute("title").unwrap_or_default();
    assert!(title.contains("UDP") && title.contains("8080"), "{title:?}");
    let ethertype: Element = find(&root, ".hex-byte[data-offset='12']");
    let title = ethertype.get_attribute("title").unwrap_or_default();
    assert!(
        title.starts_with("bytes 12-13: Ethernet EtherType"),
        "{title:?}"
    );
    // A bad value keeps the text, says why, and leaves the packet as it was.
    type_into(&root, "#pkt-ip4-dst", "10.0.0.300").await;
    let input: web_sys::HtmlInputElement = find(&root, "#pkt-ip4-dst");
    assert_eq!(input.value(), "10.0.0.300");
    assert!(text_of(&root, ".field-error").contains("not an IPv4 address"));
    assert_eq!(
        find::<Element>(&root, ".hex-byte[data-offset='33']")
            .text_content()
            .as_deref(),
        Some("02")
    );
    // TCP with SYN: flags byte 47 (14 + 20 + 13) is 0x02.
    change(&root, "#pkt-transport", "tcp").await;
    let syn: HtmlElement = find(&root, "#pkt-tcp-syn");
    if !syn.unchecked_ref::<web_sys::HtmlInputElement>().checked() {
        syn.click();
        settle().await;
    }
    let flags: Element = find(&root, ".hex-byte[data-offset='47']");
    assert!(flags
        .get_attribute("title")
        .unwrap_or_default()
        .contains("TCP"));
    assert_eq!(flags.text_content().as_deref(), Some("02"));
    root.remove();
}

#[wasm_bindgen_test]
async fn pasted_hex_dumps_are_read_and_bad_ones_are_kept_with_line_and_column() {
    let root = open_packets().await;
    type_into(
        &root,
        "#packet-input",
        "0000  02 00 00 00 00 02 02 00  00 00 00 01 08 06\n000e\n",
    )
    .await;
    let t: Element = find(&root, ".hex-byte[data-offset='13']");
    assert_eq!(t.text_content().as_deref(), Some("06"));
    let bad = "00 11\n22 zz\n";
    type_into(&root, "#packet-input", bad).await;
    let area: HtmlTextAreaElement = find(&root, "#packet-input");
    assert_eq!(area.value(), bad, "the text stays as typed");
    let error = text_of(&root, "#packet-input-error");
    assert!(error.starts_with("line 2, column 4"), "{error:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_share_link_carries_the_packet_list() {
    let list = playground::packet_list::PacketList::from_hex("00 11 22")
        .apply(playground::packet_list::PacketAction::Add)
        .apply(playground::packet_list::PacketAction::Rename(
            1,
            "shared".into(),
        ));
    let fragment = playground::share::encode_with_packets(
        "r0 = 1\nexit\n",
        &list.selected_text(),
        Some(&list.to_json()),
    );
    LocalStorage::clear();
    let root = mount_at(&format!("#{fragment}")).await;
    click(&root, "#tab-packet").await;
    assert_eq!(packet_names(&root), ["Packet 1", "shared"]);
    assert_eq!(
        text_of(&root, ".packet-row.selected .packet-name"),
        "shared"
    );
    root.remove();
}

const DROP_SHORT_PACKETS: &str = ".type xdp\n.map seen, array, key=4, value=8, max_entries=1\n\
    *(u32 *)(r10 - 4) = 0\nr6 = r1\nr1 = map[seen] ll\nr2 = r10\nr2 += -4\n\
    call bpf_map_lookup_elem\nif r0 == 0 goto out\nr1 = 1\nlock *(u64 *)(r0 + 0) += r1\n\
    out:\nr2 = *(u32 *)(r6 + 4)\nr1 = *(u32 *)(r6 + 0)\nr2 -= r1\nr0 = 2\n\
    if r2 > 46 goto pass\nr0 = 1\npass:\nexit\n";

#[wasm_bindgen_test]
async fn a_batch_run_counts_verdicts_and_lists_map_changes() {
    let root = open_packets().await;
    type_program(&root, DROP_SHORT_PACKETS).await;
    click(&root, "#packet-add").await;
    until("a second packet", || packet_names(&root).len() == 2).await;
    click(&root, "#batch-run").await;
    until("the batch to finish", || {
        text_of(&root, ".batch").contains("2 / 2 packets")
    })
    .await;
    let chart: Element = find(&root, "#batch-chart");
    assert_eq!(
        chart.get_attribute("aria-label").as_deref(),
        Some("XDP_DROP: 1, XDP_PASS: 1"),
        "{}",
        text_of(&root, ".batch")
    );
    let rows = text_of(&root, "#batch-results");
    assert!(
        rows.contains("seen[00 00 00 00]: 01 00 00 00 00 00 00 00 -> 02 00 00 00 00 00 00 00"),
        "{rows:?}"
    );
    assert!(text_of(&root, ".batch").contains("2 / 2 packets"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_dropped_capture_is_imported_and_its_long_batch_run_can_be_cancelled() {
    let mut list =
        playground::packet_list::PacketList::from_hex(playground::session::SAMPLE_PACKET_HEX);
    list.items = vec![list.items[0].clone(); 5000];
    let pcap = playground::panels::packets::export_pcap(&list).unwrap();
    let root = open_packets().await;
    type_program(&root, DROP_SHORT_PACKETS).await;
    // Drop the capture onto the panel, as a user dragging a file would.
    drop_file(&root, ".capture-files", "many.pcap", &pcap);
    until("the import", || packet_names(&root).len() == 500).await;
    assert_eq!(packet_names(&root)[1], "many.pcap #1");
    assert!(text_of(&root, ".packet-list").contains("and 4501 more"));
    click(&root, "#batch-run").await;
    // Cancel before the worker's first chunk is back (the worker still has
    // to load): deterministic, however fast the machine runs the batch.
    // (batch.rs cancels a batch part way.)
    assert!(exists(&root, "#batch-cancel"), "the batch runs");
    click(&root, "#batch-cancel").await;
    assert!(!exists(&root, "#batch-cancel"), "Cancel stops the batch");
    assert!(!find::<HtmlElement>(&root, "#batch-run").has_attribute("disabled"));
    let done = || {
        root.query_selector("#batch-progress")
            .unwrap()
            .map_or(0.0, |p| {
                p.unchecked_into::<web_sys::HtmlProgressElement>().value()
            })
    };
    stays(
        "no packet counted after Cancel",
        std::time::Duration::from_millis(500),
        || done() == 0.0,
    )
    .await;
    root.remove();
}

#[wasm_bindgen_test]
async fn a_broken_capture_names_its_byte_offset() {
    let root = open_packets().await;
    let mut pcap = playground::panels::packets::export_pcap(
        &playground::packet_list::PacketList::from_hex("00 11 22"),
    )
    .unwrap();
    pcap.truncate(30);
    drop_file(&root, ".capture-files", "cut.pcap", &pcap);
    until("the error", || {
        text_of(&root, ".capture-files").contains("cut.pcap: at byte offset")
    })
    .await;
    assert_eq!(packet_names(&root), ["Packet 1"], "nothing imported");
    root.remove();
}

#[wasm_bindgen_test]
async fn after_a_run_touched_bytes_are_marked_and_the_output_is_diffed() {
    let root = open_packets().await;
    type_program(
        &root,
        ".type xdp\nr2 = *(u32 *)(r1 + 4)\nr1 = *(u32 *)(r1 + 0)\nr3 = r1\nr3 += 34\n\
         if r3 > r2 goto out\nr4 = *(u16 *)(r1 + 12)\nr5 = 1\n*(u8 *)(r1 + 22) = r5\n\
         out:\nr0 = 2\nexit\n",
    )
    .await;
    run(&root).await;
    let touches = text_of(&root, "#packet-touches");
    assert!(
        touches.contains("insn 5: read bytes 12-13: Ethernet EtherType"),
        "{touches:?}"
    );
    assert!(
        touches.contains("insn 7: wrote byte 22: IPv4 TTL"),
        "{touches:?}"
    );
    let marked = root
        .query_selector_all(".run-view .hex-byte.marked")
        .unwrap();
    assert_eq!(marked.length(), 3, "bytes 12, 13 and 22");
    let diff = text_of(&root, "#packet-diff");
    assert!(diff.contains("IPv4 TTL: 64 -> 1"), "{diff:?}");
    let changed: Element = find(&root, ".run-view .hex-byte.changed");
    assert_eq!(changed.get_attribute("data-offset").as_deref(), Some("22"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_pasted_dump_of_several_packets_says_so_and_adds_them_all() {
    let root = open_packets().await;
    // tcpdump -x: three IP packets, no link-layer header (an Ethernet
    // header is made up only for valid IPv4 headers, checksum included).
    let ip = |id: u8| {
        format!(
            "12:00:00.00000{id} IP 10.0.0.1 > 10.0.0.2: ICMP echo request\n\
             \t0x0000:  4500 001c 000{id} 0000 4001 66d{:x} 0a00 0001\n\
             \t0x0010:  0a00 0002 0800 f7ff 0000 0000\n",
            0xf - id // the header checksum follows the IP id
        )
    };
    let dump = format!("{}{}{}", ip(1), ip(2), ip(3));
    type_into(&root, "#packet-input", &dump).await;
    let note = text_of(&root, "#packet-input-note");
    assert!(
        note.starts_with("read as tcpdump -xx: 3 packets (an Ethernet header was added to each"),
        "{note:?}"
    );
    assert!(note.contains("Run uses the first"), "{note:?}");
    let before = packet_names(&root).len();
    click(&root, "#packet-split").await;
    let names = packet_names(&root);
    assert_eq!(names.len(), before + 2, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("· 3 of 3")), "{names:?}");
    // The selected packet is now the first alone: one packet, in hex.
    assert_eq!(
        text_of(&root, "#packet-input-note"),
        "read as plain hex: 1 packet"
    );
    root.remove();
}
