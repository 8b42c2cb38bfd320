//! The app's shell in headless Chromium: the help dialog (opened by `?`,
//! focus kept inside and returned), the display settings it holds, and
//! embed mode (only the chosen panels, read-only).
#![cfg(target_arch = "wasm32")]

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlDialogElement, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

fn key(target: &Element, key: &str, shift: bool) {
    let held = if shift { SHIFT } else { Held::default() };
    key_event(target, "keydown", key, held);
}

fn focused_id() -> String {
    document()
        .active_element()
        .map(|e| e.id())
        .unwrap_or_default()
}

fn root_attr(name: &str) -> Option<String> {
    document().document_element().unwrap().get_attribute(name)
}

/// One test, run in order: the `?` listener is on the window, so two apps
/// mounted at once would both open their help.
#[wasm_bindgen_test]
async fn help_display_settings_and_embed_mode() {
    question_mark_opens_help_focus_stays_inside_and_comes_back().await;
    theme_and_text_size_are_applied_and_remembered().await;
    an_embed_link_shows_only_its_panels_read_only().await;
    the_embed_maker_makes_the_link_of_the_picked_panels().await;
}

async fn question_mark_opens_help_focus_stays_inside_and_comes_back() {
    let root = mount().await;
    let dialog: HtmlDialogElement = find(&root, "#help-dialog");
    assert!(!dialog.open());

    // `?` typed in the editor is text, not a shortcut.
    let editor: Element = find(&root, "#editor-input");
    key(&editor, "?", false);
    settle().await;
    assert!(!dialog.open(), "? in the editor does not open help");

    // From a button it opens help, with focus on Close.
    let run: HtmlElement = find(&root, "#run-button");
    run.focus().unwrap();
    key(&run, "?", false);
    settle().await;
    assert!(dialog.open(), "? opens help");
    assert_eq!(focused_id(), "help-close");
    let text = dialog.text_content().unwrap_or_default();
    for listed in [
        "Ctrl+Enter",
        "Next step",
        "Jump to the error",
        "Continue to the next breakpoint",
    ] {
        assert!(text.contains(listed), "help lists {listed}");
    }

    // Shift+Tab on the first control wraps to the last; Tab wraps back.
    key(&find(&root, "#help-close"), "Tab", true);
    assert_eq!(focused_id(), "text-size-normal");
    key(&find(&root, "#text-size-normal"), "Tab", false);
    assert_eq!(focused_id(), "help-close");

    // Close returns focus to where it was.
    find::<HtmlElement>(&root, "#help-close").click();
    settle().await;
    assert!(!dialog.open());
    assert_eq!(focused_id(), "run-button");
    root.remove();
}

async fn theme_and_text_size_are_applied_and_remembered() {
    let root = mount().await;
    find::<HtmlElement>(&root, "#help-button").click();
    settle().await;
    find::<HtmlElement>(&root, "#theme-dark").click();
    settle().await;
    assert_eq!(root_attr("data-theme").as_deref(), Some("dark"));
    assert_eq!(
        LocalStorage::get::<String>("bpfplay.theme").ok().as_deref(),
        Some("dark")
    );
    find::<HtmlElement>(&root, "#text-size-projector").click();
    settle().await;
    assert_eq!(root_attr("data-text-size").as_deref(), Some("projector"));
    // Back to the system's theme and the normal size.
    find::<HtmlElement>(&root, "#theme-system").click();
    find::<HtmlElement>(&root, "#text-size-normal").click();
    settle().await;
    assert_eq!(root_attr("data-theme"), None);
    assert_eq!(root_attr("data-text-size"), None);
    assert_eq!(
        LocalStorage::get::<String>("bpfplay.theme").ok().as_deref(),
        Some("system")
    );
    find::<HtmlElement>(&root, "#help-close").click();
    settle().await;
    root.remove();
}

async fn an_embed_link_shows_only_its_panels_read_only() {
    let source = ".type xdp\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u16 *)(r2 + 12)\nexit\n";
    let fragment = playground::share::encode(source, "00 11 22");
    LocalStorage::set("bpfplay.source", "r0 = 7\nexit\n").unwrap();
    LocalStorage::set("bpfplay.breakpoints", [9]).unwrap();
    LocalStorage::delete("bpfplay.tracing");

    let root = mount_at(&format!("?embed=editor,verifier&readonly#{fragment}")).await;
    let editor: HtmlTextAreaElement = find(&root, "#editor-input");
    assert_eq!(
        editor.value(),
        source,
        "the link's workspace, not the saved one"
    );
    assert!(editor.read_only());
    assert!(exists(&root, "#tab-verifier"));
    for absent in [
        "#tab-program",
        "#tab-maps",
        "#tab-packet",
        "#tab-run",
        "#result",
        "#example-select",
        "#share-button",
    ] {
        assert!(!exists(&root, absent), "{absent} is not in the embed");
    }
    let verifier = text_of(&root, "#verifier");
    assert!(verifier.contains("invalid access to packet"), "{verifier}");
    // Editing is off, and the saved workspace is left alone.
    assert_eq!(
        LocalStorage::get::<String>("bpfplay.source")
            .ok()
            .as_deref(),
        Some("r0 = 7\nexit\n")
    );
    assert_eq!(
        LocalStorage::get::<Vec<u32>>("bpfplay.breakpoints").ok(),
        Some(vec![9]),
        "the saved breakpoints are left alone"
    );
    assert!(
        LocalStorage::get::<serde_json::Value>("bpfplay.tracing").is_err(),
        "no tracing inputs are saved"
    );
    root.remove();

    // The packets of a read-only embed cannot be changed.
    let root = mount_at(&format!("?embed=packets&readonly#{fragment}")).await;
    assert!(!exists(&root, "#editor-input"));
    let add: HtmlElement = find(&root, "#packet-add");
    assert!(add.matches(":disabled").unwrap(), "packet editing is off");
    root.remove();

    // Without `readonly` the editor takes edits.
    let root = mount_at(&format!("?embed=editor,result#{fragment}")).await;
    let editor: HtmlTextAreaElement = find(&root, "#editor-input");
    assert!(!editor.read_only());
    assert!(exists(&root, "#result"));
    assert!(!exists(&root, ".inspector"));
    root.remove();
}

async fn the_embed_maker_makes_the_link_of_the_picked_panels() {
    let root = mount().await;
    let dialog: HtmlDialogElement = find(&root, "#embed-dialog");
    find::<HtmlElement>(&root, "#embed-button").click();
    settle().await;
    assert!(dialog.open());
    let url = || find::<web_sys::HtmlInputElement>(&root, "#embed-url").value();
    assert!(
        url().contains("?embed=editor,result,verifier&readonly#w2="),
        "{}",
        url()
    );
    find::<HtmlElement>(&root, "#embed-panel-result").click();
    find::<HtmlElement>(&root, "#embed-panel-run").click();
    find::<HtmlElement>(&root, "#embed-readonly").click();
    settle().await;
    let link = url();
    let (query, fragment) = link
        .split_once('?')
        .and_then(|(_, rest)| rest.split_once('#'))
        .expect("a query and a fragment");
    let e = playground::embed::Embed::parse(query).expect("an embed query");
    assert_eq!(e.panels, ["editor", "verifier", "run"]);
    assert!(!e.readonly);
    assert!(
        matches!(playground::share::decode_snapshot(fragment), Some(Ok(_))),
        "the fragment holds the workspace"
    );
    find::<HtmlElement>(&root, "#embed-close").click();
    settle().await;
    assert!(!dialog.open());
    root.remove();
}
