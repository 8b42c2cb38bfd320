//! What the app says when the browser refuses: local storage full (the
//! toolbar names what is not saved, until it saves again), the clipboard
//! refusing Share's link (the link is in the address bar) or the panic
//! banner's report (each says whether the copy worked).
#![cfg(target_arch = "wasm32")]

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

/// One test, run in order: the clipboard and local storage are the page's.
#[wasm_bindgen_test]
async fn refused_saves_and_copies_are_said() {
    a_full_storage_says_what_is_not_saved().await;
    share_says_whether_the_link_was_copied().await;
    copy_report_says_whether_it_copied().await;
}

/// Fills local storage until it refuses even one more character; returns
/// the keys it used.
fn fill_storage() -> Vec<String> {
    let raw = LocalStorage::raw();
    let mut keys = Vec::new();
    let mut chunk = 1usize << 20;
    while chunk > 0 {
        let key = format!("filler{}", keys.len());
        if raw.set_item(&key, &"x".repeat(chunk)).is_ok() {
            keys.push(key);
        } else {
            chunk /= 2;
        }
    }
    keys
}

fn save_warning(root: &Element) -> String {
    text_if_any(root, "#save-warning")
}

async fn a_full_storage_says_what_is_not_saved() {
    let root = mount_fresh().await;
    assert_eq!(save_warning(&root), "");
    let fillers = fill_storage();
    type_program(&root, &format!("; {}\nr0 = 1\nexit\n", "long ".repeat(40))).await;
    let said = save_warning(&root);
    assert!(
        said.contains("Not saved: browser storage full") && said.contains("source"),
        "{said:?}"
    );
    for key in fillers {
        LocalStorage::delete(&key);
    }
    type_program(&root, "r0 = 2\nexit\n").await;
    assert!(
        !save_warning(&root).contains("source"),
        "saved again: {:?}",
        save_warning(&root)
    );
    assert_eq!(
        LocalStorage::get::<String>("bpfplay.source")
            .ok()
            .as_deref(),
        Some("r0 = 2\nexit\n")
    );
    root.remove();
}

/// Makes `navigator.clipboard.writeText` resolve or reject (`None`: the
/// browser's own again).
fn clipboard_answers(ok: Option<bool>) {
    let clipboard: JsValue = web_sys::window().unwrap().navigator().clipboard().into();
    let key = JsValue::from_str("writeText");
    match ok {
        None => {
            js_sys::Reflect::delete_property(&clipboard.into(), &key).unwrap();
        }
        Some(ok) => {
            let body = if ok {
                "return Promise.resolve()"
            } else {
                "return Promise.reject(new DOMException('denied', 'NotAllowedError'))"
            };
            js_sys::Reflect::set(&clipboard, &key, &js_sys::Function::new_no_args(body)).unwrap();
        }
    }
}

fn status(root: &Element) -> String {
    text_if_any(root, ".share-status[role=status]")
}

async fn share_says_whether_the_link_was_copied() {
    let before = web_sys::window().unwrap().location().href().unwrap();
    let root = mount_fresh().await;
    clipboard_answers(Some(false));
    click(&root, "#share-button").await;
    until("Share to say the copy failed", || {
        status(&root) == "Copy failed, the link is in the address bar"
    })
    .await;
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(
        hash.starts_with("#w2="),
        "the link is in the address bar: {hash}"
    );
    clipboard_answers(Some(true));
    click(&root, "#share-button").await;
    until("Share to say the link was copied", || {
        status(&root).starts_with("Link copied")
    })
    .await;
    clipboard_answers(None);
    root.remove();
    replace_url(&before);
}

async fn copy_report_says_whether_it_copied() {
    playground::panic_banner::show("boom");
    let banner = document()
        .get_element_by_id(playground::panic_banner::BANNER_ID)
        .expect("the banner");
    let button: HtmlElement = find(&banner, "button");
    assert_eq!(button.text_content().as_deref(), Some("Copy report"));
    clipboard_answers(Some(false));
    button.click();
    until("Copy report to say it failed", || {
        button
            .text_content()
            .unwrap_or_default()
            .starts_with("Copy failed")
    })
    .await;
    clipboard_answers(Some(true));
    button.click();
    until("Copy report to say it copied", || {
        button.text_content().as_deref() == Some("Report copied")
    })
    .await;
    clipboard_answers(None);
    banner.remove();
}
