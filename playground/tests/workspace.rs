//! The whole workspace saved and shared, in headless Chromium: a JSON file
//! exported from a workspace imports back to the same workspace (source,
//! packets, map edits, settings, step); a bad or truncated file is refused
//! with a message and the workspace stays; share links of today and of the
//! first format open; a damaged link says so and the saved workspace opens;
//! a reload opens on the tab and step the user left, and after a link or
//! Share it opens the edits made since (an embed keeps its link).
#![cfg(target_arch = "wasm32")]

use gloo_storage::{LocalStorage, Storage};
use playground::map_edits::MapEdit;
use playground::packet_list::{PacketAction, PacketList};
use playground::snapshot::Snapshot;
use playground::state::{Action, StepMove, Tab, Workspace};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

const SOURCE: &str = ".type xdp\n.map cfg, hash, key=4, value=8, max_entries=4\n\
    *(u32 *)(r10 - 4) = 0\nr1 = map[cfg] ll\nr2 = r10\nr2 += -4\n\
    call bpf_map_lookup_elem\nr1 = r0\nr0 = 0\nif r1 == 0 goto out\n\
    r0 = *(u64 *)(r1 + 0)\nout:\nexit\n";

/// A workspace with two packets (the second selected), a map edit that the
/// run returns (r0 = 77), the Maps tab open, a breakpoint and step 3.
fn workspace() -> Workspace {
    let mut ws = Workspace::new(SOURCE.into(), "00 11 22".into());
    ws.packets = ws
        .packets
        .apply(PacketAction::Add)
        .apply(PacketAction::Rename(1, "second".into()));
    ws.packet = ws.packets.selected_text();
    ws.map_edits = ws.map_edits.with(MapEdit::Put {
        map: "cfg".into(),
        key: vec![0; 4],
        value: 77u64.to_le_bytes().to_vec(),
    });
    ws.tab = Tab::Maps;
    ws.debug.breakpoints = vec![4];
    let ws = std::rc::Rc::new(ws.ran()).reduce(Action::Step(StepMove::To(3)));
    std::rc::Rc::unwrap_or_clone(ws)
}

fn status(root: &Element) -> String {
    text_if_any(root, ".share-status[role=status]")
}

/// Picks `text` as a file named `name` in the Import file input (wait
/// with `until` for what it shows).
fn import(root: &Element, name: &str, text: &str) {
    pick_file(root, "#import-input", name, text.as_bytes());
}

#[wasm_bindgen_test]
async fn an_exported_workspace_imports_back_whole() {
    let root = mount().await;
    type_program(&root, "r0 = 1\nexit\n").await;
    let json = Snapshot::of(&workspace()).to_json();
    import(&root, "saved.json", &json);
    until("the import", || {
        status(&root).contains("Workspace imported")
    })
    .await;
    assert_eq!(editor_text(&root), SOURCE);
    assert!(
        result_text(&root).contains("r0 = 77"),
        "the map edit ran: {}",
        result_text(&root)
    );
    assert!(
        text_of(&root, "#map-cfg").contains("1 edited"),
        "the Maps tab is open with the edit"
    );
    click(&root, "#tab-verifier").await;
    assert!(
        text_of(&root, "#step-count").starts_with("step 4 /"),
        "{}",
        text_of(&root, "#step-count")
    );
    click(&root, "#tab-packet").await;
    assert_eq!(
        text_of(&root, ".packet-heading"),
        "second: the input of Run"
    );

    // Export offers the same document (what the download holds).
    click(&root, "#export-button").await;
    assert!(
        status(&root).contains("Exported bpfplay-workspace.json"),
        "{}",
        status(&root)
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_bad_or_truncated_file_is_refused_and_nothing_is_lost() {
    let root = mount().await;
    type_program(&root, "r0 = 3\nexit\n").await;
    let json = Snapshot::of(&workspace()).to_json();
    import(&root, "cut.json", &json[..json.len() / 3]);
    until("the refusal", || status(&root).contains("cut.json")).await;
    let text = status(&root);
    assert!(
        text.contains("cut.json was not imported: it ends too early"),
        "{text}"
    );
    assert!(
        text.contains("truncated") && text.contains("unchanged"),
        "{text}"
    );
    assert_eq!(editor_text(&root), "r0 = 3\nexit\n", "the workspace stays");

    import(&root, "notes.json", "{\"version\": 2, \"source\": [1, 2]}");
    until("the refusal", || status(&root).contains("notes.json")).await;
    assert!(
        status(&root).contains("not a playground workspace"),
        "{}",
        status(&root)
    );
    import(&root, "future.json", "{\"version\": 7, \"source\": \"\"}");
    until("the refusal", || status(&root).contains("future.json")).await;
    assert!(status(&root).contains("version 7"), "{}", status(&root));
    assert_eq!(editor_text(&root), "r0 = 3\nexit\n");
    root.remove();
}

/// Mounts with `fragment` in the address bar (then takes it away again).
async fn open_link(fragment: &str) -> Element {
    mount_at(&format!("#{fragment}")).await
}

#[wasm_bindgen_test]
async fn share_links_old_and_new_open_and_a_damaged_one_keeps_the_saved_workspace() {
    // Today's link: the whole workspace.
    let fragment = playground::share::encode_snapshot(&Snapshot::of(&workspace()));
    let root = open_link(&fragment).await;
    assert_eq!(editor_text(&root), SOURCE);
    assert_result(&root, "r0 = 77");
    assert!(text_of(&root, "#map-cfg").contains("1 edited"));
    root.remove();

    // The first links: source and packet (and later the packet list).
    let old = playground::share::encode_with_packets(
        "r0 = 9\nexit\n",
        "aa bb",
        Some(
            &PacketList::from_hex("cc dd")
                .apply(PacketAction::Add)
                .to_json(),
        ),
    );
    assert!(old.starts_with("w1="));
    let root = open_link(&old).await;
    assert_eq!(editor_text(&root), "r0 = 9\nexit\n");
    assert!(result_text(&root).contains("r0 = 9"), "it runs at once");
    click(&root, "#tab-packet").await;
    assert_eq!(
        text_of(&root, ".packet-list").matches("Packet").count(),
        2,
        "{}",
        text_of(&root, ".packet-list")
    );
    root.remove();

    // A link cut short: the message, and the saved workspace as it was.
    let saved: String = LocalStorage::get("bpfplay.source").unwrap_or_default();
    let root = open_link(&fragment[..fragment.len() * 2 / 3]).await;
    let text = status(&root);
    assert!(text.contains("This link could not be opened"), "{text}");
    assert!(text.contains("cut short"), "{text}");
    assert_eq!(editor_text(&root), saved);
    root.remove();
}

fn address_bar() -> (String, String) {
    let location = web_sys::window().unwrap().location();
    (location.search().unwrap(), location.hash().unwrap())
}

#[wasm_bindgen_test]
async fn a_reload_after_a_link_or_share_keeps_the_edits_made_since() {
    let before = web_sys::window().unwrap().location().href().unwrap();
    let fragment = playground::share::encode_snapshot(&Snapshot::of(&workspace()));

    // A link opens, is saved, and leaves the address bar (the query stays).
    go_to(&format!("?lesson=1#{fragment}"));
    let root = mount().await;
    assert_eq!(editor_text(&root), SOURCE);
    assert_eq!(address_bar(), ("?lesson=1".into(), String::new()));
    type_program(&root, "r0 = 5\nexit\n").await;
    root.remove();
    // The reload opens the edit, not the link.
    let root = mount().await;
    assert_eq!(editor_text(&root), "r0 = 5\nexit\n");

    // After Share the link stays in the address bar until the next edit.
    click(&root, "#share-button").await;
    assert!(address_bar().1.starts_with("#w2="), "{:?}", address_bar());
    type_program(&root, "r0 = 6\nexit\n").await;
    assert_eq!(address_bar().1, "", "the edit took the link away");
    root.remove();
    let root = mount().await;
    assert_eq!(editor_text(&root), "r0 = 6\nexit\n");
    root.remove();

    // An embed saves nothing, so it keeps its link: a reload shows it again.
    go_to(&format!("?embed=editor#{fragment}"));
    let root = mount().await;
    assert_eq!(editor_text(&root), SOURCE);
    type_program(&root, "r0 = 7\nexit\n").await;
    assert_eq!(
        address_bar(),
        ("?embed=editor".into(), format!("#{fragment}"))
    );
    root.remove();
    replace_url(&before);
}

fn packet_count(root: &Element) -> usize {
    text_of(root, ".packet-list").matches("Packet").count()
}

#[wasm_bindgen_test]
async fn what_an_example_or_a_link_replaces_is_one_click_away() {
    let mine = "r0 = 11\nexit\n";
    let root = mount_fresh().await;
    type_program(&root, mine).await;
    // Choosing an example (as arrowing through the closed list does) loads
    // nothing; Open does.
    change(&root, "#example-select", "xdp-drop-dns").await;
    assert_eq!(editor_text(&root), mine);
    assert!(!exists(&root, "#restore-previous"), "nothing set aside yet");
    click(&root, "#example-open").await;
    assert_ne!(editor_text(&root), mine);
    // A second example: the learner's program is still the one kept.
    pick_example(&root, "reject-packet-bounds").await;
    click(&root, "#restore-previous").await;
    assert_eq!(editor_text(&root), mine);
    assert!(
        !exists(&root, "#restore-previous"),
        "the examples were only looked at: nothing else is kept"
    );
    root.remove();

    // A link replaces the whole workspace; the saved one comes back whole,
    // after a reload too.
    let three = PacketList::from_hex("aa bb")
        .apply(PacketAction::Add)
        .apply(PacketAction::Add);
    LocalStorage::set("bpfplay.packets", three.to_json()).unwrap();
    let fragment = playground::share::encode_snapshot(&Snapshot::of(&workspace()));
    let root = open_link(&fragment).await;
    assert_eq!(editor_text(&root), SOURCE);
    root.remove();
    let root = mount().await;
    assert_eq!(editor_text(&root), SOURCE);
    click(&root, "#restore-previous").await;
    assert_eq!(editor_text(&root), mine);
    click(&root, "#tab-packet").await;
    assert_eq!(packet_count(&root), 3, "{}", text_of(&root, ".packet-list"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_reload_opens_on_the_same_tab_and_step_as_a_link_would() {
    LocalStorage::clear();
    let root = mount().await;
    type_program(&root, SOURCE).await;
    run(&root).await;
    click(&root, "#tab-verifier").await;
    click(&root, "#step-first").await;
    click(&root, "#step-forward").await;
    click(&root, "#step-forward").await;
    let step = text_of(&root, "#step-count");
    assert!(step.starts_with("step 3 /"), "{step}");
    click(&root, "#tab-run").await;
    click(&root, "#run-forward").await;
    click(&root, "#run-forward").await;
    let executed = text_of(&root, "#run-pos");
    assert!(executed.starts_with("executed 2 /"), "{executed}");
    root.remove();

    // The reload: the Run tab, the debugger where it was, the verifier on
    // its step (not the first or the error step a fresh run opens on).
    let root = mount().await;
    assert_eq!(text_of(&root, "#run-pos"), executed);
    click(&root, "#tab-verifier").await;
    assert_eq!(text_of(&root, "#step-count"), step);

    // An edit since the run: the reload opens the text unrun, on its tab.
    click(&root, "#tab-maps").await;
    type_program(&root, "r0 = 9\nexit\n").await;
    root.remove();
    let root = mount().await;
    assert_eq!(editor_text(&root), "r0 = 9\nexit\n");
    assert!(
        result_text(&root).contains("Press Run"),
        "not run: {}",
        result_text(&root)
    );
    assert!(root
        .query_selector("#tab-maps[aria-selected=true]")
        .unwrap()
        .is_some());
    root.remove();
}

/// The view is saved on every step, synchronously: this is what that costs.
#[wasm_bindgen_test]
fn saving_the_view_costs_microseconds() {
    let ws = workspace();
    let view = playground::snapshot::View::of(&ws);
    let perf = web_sys::window().unwrap().performance().unwrap();
    let n = 2000;
    let t0 = perf.now();
    for _ in 0..n {
        playground::storage::save_view(&view);
    }
    let per = (perf.now() - t0) / f64::from(n);
    web_sys::console::log_1(&format!("save_view: {:.1} µs per save", per * 1000.0).into());
    assert!(per < 1.0, "a save took {per} ms; save less often");
    assert_eq!(playground::storage::load_view(), Some(view));
}
