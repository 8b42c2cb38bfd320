//! What the maps, batch and workspace browser tests share: mount a fresh
//! app, type, click, wait for what a user would see.
#![allow(dead_code)]

use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh app (whatever local storage holds) and lets it render.
pub async fn mount() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    playground::mount(root.clone());
    settle().await;
    root
}

pub async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

pub fn find<T: JsCast>(root: &Element, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} on the page"))
        .dyn_into()
        .unwrap()
}

pub fn text_of(root: &Element, selector: &str) -> String {
    find::<Element>(root, selector)
        .text_content()
        .unwrap_or_default()
}

pub async fn click(root: &Element, selector: &str) {
    find::<HtmlElement>(root, selector).click();
    settle().await;
}

fn input_event() -> web_sys::InputEvent {
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap()
}

pub async fn type_program(root: &Element, source: &str) {
    let editor: HtmlTextAreaElement = find(root, "#editor-input");
    editor.set_value(source);
    editor.dispatch_event(&input_event()).unwrap();
    settle().await;
}

pub async fn type_into(root: &Element, selector: &str, text: &str) {
    let input: HtmlInputElement = find(root, selector);
    input.set_value(text);
    input.dispatch_event(&input_event()).unwrap();
    settle().await;
}

pub async fn run(root: &Element) {
    click(root, "#run-button").await;
}

pub fn result_text(root: &Element) -> String {
    text_of(root, "#result")
}

/// Waits (up to 6 s) until `ok` holds.
pub async fn until(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..300 {
        if ok() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}
