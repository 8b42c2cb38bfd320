//! The app mounted into a fresh DOM node in headless Chromium, used the way
//! a person would: type, click Run, read the page.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

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
