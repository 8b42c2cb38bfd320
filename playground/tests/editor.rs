//! The editor in headless Chromium: the problems list and vim keys.
#![cfg(target_arch = "wasm32")]

mod support;

use gloo_storage::{LocalStorage, Storage};
use support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Presses `key` in the editor, as the keyboard would (only the keydown).
async fn press_in_editor(root: &Element, key: &str) {
    let _ = find::<HtmlElement>(root, "#editor-input").focus();
    press(root, "#editor-input", key).await;
}

fn cursor(root: &Element) -> u32 {
    find::<HtmlTextAreaElement>(root, "#editor-input")
        .selection_start()
        .unwrap()
        .unwrap()
}

/// Moves the pointer over the middle of the editor's line `n` (1-based).
async fn hover_line(root: &Element, n: u32) {
    let line: Element = find(root, &format!(".code-line:nth-child({n})"));
    let r = line.get_bounding_client_rect();
    let init = web_sys::PointerEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((r.left() + 10.0) as i32);
    init.set_client_y((r.top() + r.height() / 2.0) as i32);
    let e = web_sys::PointerEvent::new_with_event_init_dict("mousemove", &init).unwrap();
    find::<Element>(root, "#editor-input")
        .dispatch_event(&e)
        .unwrap();
    settle().await;
}

/// The overlay's lines take no pointer events, so the message of the line
/// under the pointer is the text area's title (a tooltip, never clipped).
#[wasm_bindgen_test]
async fn the_pointer_on_a_bad_line_shows_its_whole_message() {
    let root = run_program("r0 = 1\nr0 +== 2\nexit\n").await;
    let title = || {
        find::<Element>(&root, "#editor-input")
            .get_attribute("title")
            .unwrap_or_default()
    };
    hover_line(&root, 2).await;
    let message = title();
    assert!(message.starts_with("assembler 2:"), "{message:?}");
    let listed = text_of(&root, "#problems");
    let said = message.rsplit(": ").next().unwrap_or_default();
    assert!(
        !said.is_empty() && listed.contains(said),
        "{message:?} / {listed:?}"
    );
    hover_line(&root, 3).await;
    assert_eq!(title(), "", "no title off the bad line");
    root.remove();
}

#[wasm_bindgen_test]
async fn an_assembler_error_is_listed_and_clicking_it_puts_the_cursor_there() {
    let root = run_program("r0 = 1\nr0 +== 2\nexit\n").await;
    let problems = text_of(&root, "#problems");
    assert!(problems.contains("Problems (1)"), "{problems:?}");
    assert!(problems.contains("assembler"), "{problems:?}");
    assert!(problems.contains("2:"), "{problems:?}");
    // The message also stands after the bad line, and on the line number.
    let lens = text_of(&root, ".lens");
    assert!(!lens.is_empty());
    let gutter: Element = find(&root, ".gutter-line[data-line='2']");
    assert!(gutter.get_attribute("title").unwrap().contains("assembler"));
    click(&root, ".problem").await;
    let area: HtmlTextAreaElement = find(&root, "#editor-input");
    let at = area.selection_start().unwrap().unwrap() as usize;
    // Line 2 starts after "r0 = 1\n" (7 characters).
    assert!((7..16).contains(&at), "cursor at {at}");
    // Fixing the program and running again clears the list.
    type_program(&root, "r0 = 1\nexit\n").await;
    run(&root).await;
    assert!(root.query_selector("#problems").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_verifier_rejection_is_listed_at_its_source_line() {
    let root = run_program("r0 = 0\nr1 = *(u64 *)(r1 + 0)\nexit\n").await;
    let problems = text_of(&root, "#problems");
    assert!(problems.contains("verifier"), "{problems:?}");
    assert!(
        problems.contains("insn 1: invalid bpf_context access"),
        "{problems:?}"
    );
    let gutter: Element = find(&root, ".gutter-line[data-line='2']");
    assert!(gutter.class_name().contains("gutter-error"));
    root.remove();
}

#[wasm_bindgen_test]
async fn vim_keys_edit_move_undo_and_are_remembered() {
    let root = mount_fresh().await;
    type_program(&root, "r0 = 1\nr0 += 2\nexit\n").await;
    assert!(root.query_selector("#vim-mode").unwrap().is_none());
    let toggle: HtmlInputElement = find(&root, "#vim-toggle");
    toggle.click();
    settle().await;
    assert!(text_of(&root, "#vim-mode").contains("NORMAL"));
    let area: HtmlTextAreaElement = find(&root, "#editor-input");
    let _ = area.set_selection_range(0, 0);
    // j moves down a line; dd deletes it; the app sees the edit.
    press_in_editor(&root, "j").await;
    assert_eq!(cursor(&root), 7);
    press_in_editor(&root, "d").await;
    assert!(
        text_of(&root, "#vim-mode").contains('d'),
        "pending keys shown"
    );
    press_in_editor(&root, "d").await;
    assert_eq!(editor_text(&root), "r0 = 1\nexit\n");
    // u undoes through the browser's own history.
    press_in_editor(&root, "u").await;
    assert_eq!(editor_text(&root), "r0 = 1\nr0 += 2\nexit\n");
    // Normal-mode letters type nothing; i enters insert mode, Escape leaves it.
    press_in_editor(&root, "q").await;
    assert_eq!(editor_text(&root), "r0 = 1\nr0 += 2\nexit\n");
    press_in_editor(&root, "i").await;
    assert!(text_of(&root, "#vim-mode").contains("INSERT"));
    press_in_editor(&root, "Escape").await;
    assert!(text_of(&root, "#vim-mode").contains("NORMAL"));
    // A new page remembers the choice; turning it off stops the commands.
    root.remove();
    let root = mount().await;
    let toggle: HtmlInputElement = find(&root, "#vim-toggle");
    assert!(toggle.checked());
    toggle.click();
    settle().await;
    find::<HtmlElement>(&root, "#editor-input").focus().unwrap();
    press_in_editor(&root, "x").await;
    assert!(root.query_selector("#vim-mode").unwrap().is_none());
    root.remove();
    LocalStorage::clear();
}

#[wasm_bindgen_test]
async fn the_program_view_marks_the_instructions_of_the_cursor_line() {
    let root = run_program("r0 = 1\nr1 = 0x100000000 ll\nexit\n").await;
    click(&root, "#tab-program").await;
    let marked = |root: &Element| {
        let rows = root.query_selector_all("#listing tr.from-cursor").unwrap();
        (0..rows.length())
            .filter_map(|i| rows.item(i))
            .filter_map(|n| n.text_content())
            .collect::<Vec<String>>()
    };
    assert!(marked(&root).is_empty());
    // A click on line 2 (the two-slot lddw) marks its instruction.
    let area: HtmlTextAreaElement = find(&root, "#editor-input");
    area.set_selection_range(10, 10).unwrap();
    area.click();
    settle().await;
    let rows = marked(&root);
    assert!(!rows.is_empty(), "nothing marked");
    assert!(rows.iter().all(|r| !r.contains("exit")), "{rows:?}");
    assert!(rows[0].contains("0x100000000"), "{rows:?}");
    // Moving to line 3 with a key moves the mark.
    area.set_selection_range(28, 28).unwrap();
    key_event(&area, "keyup", "ArrowDown", Held::default());
    settle().await;
    let rows = marked(&root);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("exit"), "{rows:?}");
    root.remove();
}
