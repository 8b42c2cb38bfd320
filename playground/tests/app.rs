//! The app mounted into a fresh DOM node in headless Chromium, used the way
//! a person would: type, click Run, read the page.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{
    Element, HtmlElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh app and lets it render.
async fn mount() -> Element {
    LocalStorage::clear();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    playground::mount(root.clone());
    settle().await;
    root
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn find<T: JsCast>(root: &Element, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} on the page"))
        .dyn_into()
        .unwrap()
}

async fn type_program(root: &Element, source: &str) {
    let editor: HtmlTextAreaElement = find(root, "#editor-input");
    editor.set_value(source);
    editor
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    settle().await;
}

async fn click_run(root: &Element) {
    find::<HtmlElement>(root, "#run-button").click();
    settle().await;
}

fn result_text(root: &Element) -> String {
    find::<Element>(root, "#result")
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn typing_a_program_and_clicking_run_shows_r0() {
    let root = mount().await;
    type_program(&root, "r0 = 42\nexit\n").await;
    click_run(&root).await;
    let text = result_text(&root);
    assert!(text.contains("r0 = 42"), "result panel says {text:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_typo_names_its_line_and_column_and_marks_the_line() {
    let root = mount().await;
    type_program(&root, "r0 = 42\nexti\n").await;
    click_run(&root).await;
    let text = result_text(&root);
    assert!(
        text.contains("line 2, column 1"),
        "result panel says {text:?}"
    );
    let marked: Element = find(&root, ".gutter-error");
    assert_eq!(marked.text_content().as_deref(), Some("2"));
    let squiggle: Element = find(&root, ".squiggle");
    assert_eq!(squiggle.text_content().as_deref(), Some("exti"));
    root.remove();
}

#[wasm_bindgen_test]
async fn ctrl_enter_in_the_editor_runs() {
    let root = mount().await;
    type_program(&root, "r0 = 7\nexit\n").await;
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    find::<HtmlTextAreaElement>(&root, "#editor-input")
        .dispatch_event(&event)
        .unwrap();
    settle().await;
    let text = result_text(&root);
    assert!(text.contains("r0 = 7"), "result panel says {text:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn edits_are_saved_and_restored_from_local_storage() {
    let root = mount().await;
    type_program(&root, "r0 = 5\nexit\n").await;
    root.remove();
    // A second app (a reload) starts from the saved text.
    let again = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&again).unwrap();
    playground::mount(again.clone());
    settle().await;
    let editor: HtmlTextAreaElement = find(&again, "#editor-input");
    assert_eq!(editor.value(), "r0 = 5\nexit\n");
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

fn text_of(root: &Element, selector: &str) -> String {
    find::<Element>(root, selector)
        .text_content()
        .unwrap_or_default()
}

async fn click(root: &Element, selector: &str) {
    find::<HtmlElement>(root, selector).click();
    settle().await;
}

#[wasm_bindgen_test]
async fn an_example_from_the_gallery_loads_runs_and_shows_its_verdict() {
    let root = mount().await;
    let select: HtmlSelectElement = find(&root, "#example-select");
    select.set_value("xdp-drop-dns");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    let editor: HtmlTextAreaElement = find(&root, "#editor-input");
    assert!(editor.value().contains("drop UDP datagrams to port 53"));
    // The sample packet is UDP to port 53: dropped.
    let result = result_text(&root);
    assert!(result.contains("XDP_DROP"), "result panel says {result:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_verifier_stepper_opens_on_the_error_and_steps() {
    let root = mount().await;
    type_program(&root, ".type xdp\nr0 = 1\nr0 += r3\nexit\n").await;
    click_run(&root).await;
    assert!(result_text(&root).contains("Rejected by the verifier"));
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
    let root = mount().await;
    type_program(&root, "r0 = 42\nexit\n").await;
    click_run(&root).await;
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
    let root = mount().await;
    type_program(
        &root,
        ".type xdp\n.map counts, array, key=4, value=8, max_entries=2\n\
         *(u32 *)(r10 - 4) = 1\nr1 = map[counts] ll\nr2 = r10\nr2 += -4\n\
         call bpf_map_lookup_elem\nif r0 == 0 goto out\nr1 = 4660\n*(u64 *)(r0 + 0) = r1\n\
         out:\nr0 = 2\nexit\n",
    )
    .await;
    click_run(&root).await;
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
    let window = web_sys::window().unwrap();
    window.location().set_hash(&fragment).unwrap();
    let root = mount().await;
    let editor: HtmlTextAreaElement = find(&root, "#editor-input");
    assert_eq!(editor.value(), "r0 = 9\nexit\n");
    let result = result_text(&root);
    assert!(result.contains("r0 = 9"), "{result:?}");
    click(&root, "#tab-packet").await;
    let area: HtmlTextAreaElement = find(&root, "#packet-input");
    assert_eq!(area.value(), packet);
    assert!(text_of(&root, ".inspector").contains("EtherType"));
    window.location().set_hash("").unwrap();
    root.remove();
}
