//! The toolbar's More button, in headless Chromium: it shows and hides the
//! less-used actions (Export, Import, Embed…) that a phone folds behind it,
//! says whether they are shown (`aria-expanded`), and closes on Escape
//! (focus back on it), on a press outside and when an action is picked.
//! Which actions are folded, and the two rows on a 360 px phone, are the
//! style sheet's and are checked on the release build
//! (`e2e/tests/e2e.rs`, the phone layout).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/mod.rs"]
mod support;
use support::*;

fn expanded(root: &Element) -> String {
    find::<Element>(root, "#more-button")
        .get_attribute("aria-expanded")
        .unwrap_or_default()
}

fn is_open(root: &Element) -> bool {
    exists(root, ".toolbar-more.open")
}

/// One test, run in order: the second one loads the style sheet, which
/// hides More on a wide page.
#[wasm_bindgen_test]
async fn the_more_menu_and_keyboard_focus_on_the_file_buttons() {
    more_opens_and_closes_on_escape_outside_and_a_pick().await;
    a_focused_file_input_outlines_its_label().await;
}

async fn more_opens_and_closes_on_escape_outside_and_a_pick() {
    let root = mount_fresh().await;
    assert_eq!(expanded(&root), "false");
    assert!(!is_open(&root));
    let label = find::<Element>(&root, "#more-button")
        .get_attribute("aria-label")
        .unwrap_or_default();
    assert!(
        label.contains("export") && label.contains("embed"),
        "{label}"
    );
    // The folded actions are named buttons inside the group it controls.
    for id in ["#more-items #export-button", "#more-items #embed-button"] {
        assert!(!text_of(&root, id).trim().is_empty(), "{id} has a label");
    }
    assert!(exists(&root, "#more-items label[for=import-input]"));

    // Escape closes and puts focus back on the button.
    click(&root, "#more-button").await;
    assert_eq!(expanded(&root), "true");
    assert!(is_open(&root));
    press(&root, "#export-button", "Escape").await;
    assert_eq!(expanded(&root), "false");
    let focused = document().active_element().map(|e| e.id());
    assert_eq!(focused.as_deref(), Some("more-button"));

    // A press outside closes it; one inside does not.
    click(&root, "#more-button").await;
    let pointer_down = |el: &Element| {
        let init = web_sys::PointerEventInit::new();
        init.set_bubbles(true);
        let e = web_sys::PointerEvent::new_with_event_init_dict("pointerdown", &init).unwrap();
        el.dispatch_event(&e).unwrap();
    };
    pointer_down(&find(&root, "#more-items"));
    settle().await;
    assert!(is_open(&root), "a press inside keeps it open");
    pointer_down(&find(&root, "#editor-input"));
    settle().await;
    assert!(!is_open(&root), "a press outside closes it");

    // Picking an action runs it and closes the group.
    click(&root, "#more-button").await;
    click(&root, "#export-button").await;
    assert!(!is_open(&root));
    assert!(
        text_of(&root, ".share-status").contains("Exported"),
        "the action ran"
    );
    root.remove();
}

/// The computed `outline-style` of `el`.
fn outline_style(el: &Element) -> String {
    let window = web_sys::window().unwrap();
    let get = js_sys::Reflect::get(&window, &"getComputedStyle".into()).unwrap();
    let style = get
        .unchecked_ref::<js_sys::Function>()
        .call1(&window, el)
        .unwrap();
    js_sys::Reflect::get(&style, &"outlineStyle".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// Import and "Open .o…" are labels standing for visually hidden file
/// inputs: Tab reaches the input, and the label shows the focus ring.
async fn a_focused_file_input_outlines_its_label() {
    let sheet = document().create_element("style").unwrap();
    sheet.set_text_content(Some(include_str!("../../static/style.css")));
    document().head().unwrap().append_child(&sheet).unwrap();
    let root = mount_fresh().await;
    // Import may be folded behind More at this width.
    click(&root, "#more-button").await;
    for (input, label) in [
        ("#import-input", "label[for=import-input]"),
        ("#object-input", "label[for=object-input]"),
    ] {
        let label: Element = find(&root, label);
        assert_eq!(outline_style(&label), "none", "{input} not focused yet");
        find::<HtmlElement>(&root, input).focus().unwrap();
        settle().await;
        assert_eq!(
            document().active_element().map(|e| format!("#{}", e.id())),
            Some(input.to_string())
        );
        assert_eq!(outline_style(&label), "solid", "{input} focused");
        find::<HtmlElement>(&root, input).blur().unwrap();
    }
    root.remove();
    sheet.remove();
}
