//! Opening clang objects: the committed fixtures go in through the same
//! paths a person uses (the file input's change event, a drop on the
//! editor), and the page shows the program list, the C lines in the editor
//! and the program view, and the object's maps and globals.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{
    DataTransfer, DragEvent, DragEventInit, Element, File, HtmlElement, HtmlInputElement,
    HtmlTextAreaElement,
};

use super::{click, find, mount, settle, text_of, type_program};

const XDP_FIREWALL: &[u8] = include_bytes!("../../../vm-core/tests/elf_fixtures/xdp_firewall.o");
const KPROBE_CORE: &[u8] = include_bytes!("../../../vm-core/tests/elf_fixtures/kprobe_core.o");

/// A DataTransfer holding one file with these bytes, as a drop or a file
/// picker gives it.
fn files(name: &str, bytes: &[u8]) -> DataTransfer {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let file = File::new_with_u8_array_sequence(&parts, name).unwrap();
    let dt = DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    dt
}

/// Picks a file with the "Open .o" input.
fn pick_file(root: &Element, name: &str, bytes: &[u8]) {
    let input: HtmlInputElement = find(root, "#object-input");
    input.set_files(files(name, bytes).files().as_ref());
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// Drops a file on the editor.
fn drop_file(root: &Element, name: &str, bytes: &[u8]) {
    let init = DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&files(name, bytes)));
    let event = DragEvent::new_with_event_init_dict("drop", &init).unwrap();
    let editor: HtmlTextAreaElement = find(root, "#editor-input");
    editor.dispatch_event(&event).unwrap();
}

/// Waits (reading a file is asynchronous) until `selector` is on the page.
async fn wait_for(root: &Element, selector: &str) {
    for _ in 0..100 {
        if root.query_selector(selector).unwrap().is_some() {
            return;
        }
        settle().await;
    }
    panic!("{selector} never appeared");
}

/// Waits until the editor holds text other than `old`.
async fn editor_changes_from(root: &Element, old: &str) -> String {
    for _ in 0..100 {
        let now = find::<HtmlTextAreaElement>(root, "#editor-input").value();
        if now != old {
            return now;
        }
        settle().await;
    }
    panic!("the editor still holds {old:?}");
}

fn editor_text(root: &Element) -> String {
    find::<HtmlTextAreaElement>(root, "#editor-input").value()
}

#[wasm_bindgen_test]
async fn an_object_with_two_programs_lists_them_and_loads_the_one_picked() {
    let root = mount().await;
    let mine = "; my draft\nr0 = 7\nexit\n";
    type_program(&root, mine).await;
    pick_file(&root, "kprobe_core.o", KPROBE_CORE);
    wait_for(&root, "#object-programs").await;
    let list = text_of(&root, "#object-programs");
    for expected in [
        "kprobe_core.o",
        "2 programs",
        "kprobe/do_unlinkat",
        "kretprobe/do_unlinkat",
        "kprobe",
    ] {
        assert!(list.contains(expected), "{expected:?} not in {list:?}");
    }
    assert_eq!(
        editor_text(&root),
        mine,
        "nothing replaces the editor text until a program is picked"
    );

    // Load the second program (the kretprobe).
    let buttons = root
        .query_selector_all("#object-programs tbody button")
        .unwrap();
    assert_eq!(buttons.length(), 2);
    buttons
        .item(1)
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    let text = editor_changes_from(&root, mine).await;
    assert!(text.contains(".type kprobe"), "{text}");
    assert!(text.contains("section kretprobe/do_unlinkat"), "{text}");
    assert!(
        text.contains(" @ ./kprobe_core.c:"),
        "C lines as comments: {text}"
    );
    let rows = text_of(&root, "#object-programs tbody");
    assert!(rows.contains("Loaded"), "{rows:?}");

    // The draft is one click away.
    click(&root, "#object-restore").await;
    assert_eq!(editor_text(&root), mine);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_dropped_object_shows_c_lines_beside_the_instructions_and_its_globals() {
    let root = mount().await;
    let before = editor_text(&root);
    drop_file(&root, "xdp_firewall.o", XDP_FIREWALL);
    // One program: it loads at once and runs.
    let text = editor_changes_from(&root, &before).await;
    settle().await;
    assert!(
        text.contains("; packets_seen++; @ ./xdp_firewall.c:55"),
        "{text}"
    );
    assert!(text.contains(".map blocklist, lpm_trie"), "{text}");

    click(&root, "#tab-program").await;
    let c_column = root.query_selector_all("#listing td.c-line").unwrap();
    assert!(c_column.length() > 10, "a C column for each instruction");
    let listing = text_of(&root, "#listing");
    assert!(listing.contains("C source"), "{listing:?}");
    assert!(listing.contains("packets_seen++;"), "{listing:?}");

    click(&root, "#tab-maps").await;
    let maps = text_of(&root, ".maps");
    for expected in ["blocklist", "verdicts", ".rodata", ".bss"] {
        assert!(maps.contains(expected), "{expected:?} not in {maps:?}");
    }
    // The .rodata config's contents, as compiled into the object.
    assert!(maps.contains("01 00 00 00 02 00 00 00"), "{maps:?}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_broken_object_shows_where_and_keeps_the_editor_text() {
    let root = mount().await;
    let mine = "r0 = 1\nexit\n";
    type_program(&root, mine).await;
    pick_file(&root, "cut.o", &XDP_FIREWALL[..XDP_FIREWALL.len() / 2]);
    wait_for(&root, "#object-error").await;
    let error = text_of(&root, "#object-error");
    assert!(error.starts_with("cut.o: "), "{error:?}");
    assert!(
        error.contains("section") || error.contains("offset"),
        "the loader's place: {error:?}"
    );
    assert_eq!(editor_text(&root), mine);

    // Text, never HTML: a file name with markup stays text.
    drop_file(&root, "<img src=x onerror=alert(1)>.o", b"\x7fELF junk");
    for _ in 0..100 {
        if text_of(&root, "#object-error").starts_with("<img") {
            break;
        }
        settle().await;
    }
    let error = text_of(&root, "#object-error");
    assert!(error.starts_with("<img src=x"), "{error:?}");
    assert!(root.query_selector("#object-error img").unwrap().is_none());
    root.remove();
}
