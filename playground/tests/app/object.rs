//! Opening clang objects: the committed fixtures go in through the same
//! paths a person uses (the file input's change event, a drop on the
//! editor), and the page shows the program list, the C lines in the editor
//! and the program view, and the object's maps and globals.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement};

use crate::support::*;

const XDP_FIREWALL: &[u8] = include_bytes!("../../../vm-core/tests/elf_fixtures/xdp_firewall.o");
const KPROBE_CORE: &[u8] = include_bytes!("../../../vm-core/tests/elf_fixtures/kprobe_core.o");

/// Waits (reading a file is asynchronous) until the editor holds text
/// other than `old`, and returns it.
async fn editor_changes_from(root: &Element, old: &str) -> String {
    until(
        &format!("the editor to hold other text than {old:?}"),
        || editor_text(root) != old,
    )
    .await;
    editor_text(root)
}

#[wasm_bindgen_test]
async fn an_object_with_two_programs_lists_them_and_loads_the_one_picked() {
    let root = mount_fresh().await;
    let mine = "; my draft\nr0 = 7\nexit\n";
    type_program(&root, mine).await;
    pick_file(&root, "#object-input", "kprobe_core.o", KPROBE_CORE);
    until("the program list", || exists(&root, "#object-programs")).await;
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
    click(&root, "#restore-previous").await;
    assert_eq!(editor_text(&root), mine);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_dropped_object_shows_c_lines_beside_the_instructions_and_its_globals() {
    let root = mount_fresh().await;
    let before = editor_text(&root);
    drop_file(&root, "#editor-input", "xdp_firewall.o", XDP_FIREWALL);
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
    let root = mount_fresh().await;
    let mine = "r0 = 1\nexit\n";
    type_program(&root, mine).await;
    pick_file(
        &root,
        "#object-input",
        "cut.o",
        &XDP_FIREWALL[..XDP_FIREWALL.len() / 2],
    );
    until("the object's error", || exists(&root, "#object-error")).await;
    let error = text_of(&root, "#object-error");
    assert!(error.starts_with("cut.o: "), "{error:?}");
    assert!(
        error.contains("section") || error.contains("offset"),
        "the loader's place: {error:?}"
    );
    assert_eq!(editor_text(&root), mine);

    // Text, never HTML: a file name with markup stays text.
    drop_file(
        &root,
        "#editor-input",
        "<img src=x onerror=alert(1)>.o",
        b"\x7fELF junk",
    );
    until("the second file's error", || {
        text_of(&root, "#object-error").starts_with("<img")
    })
    .await;
    let error = text_of(&root, "#object-error");
    assert!(error.starts_with("<img src=x"), "{error:?}");
    assert!(root.query_selector("#object-error img").unwrap().is_none());
    root.remove();
}
