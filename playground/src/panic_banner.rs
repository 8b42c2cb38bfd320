//! A panic never leaves a blank page: the hook shows a banner with the
//! message and a "Copy report" button. The workspace is already in local
//! storage (saved on every edit), so a reload restores it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The banner's element id (tests look for it).
pub const BANNER_ID: &str = "panic-banner";

/// Installs the panic hook. Call once, before mounting the app.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let report = format!("The playground crashed: {info}");
        web_sys::console::error_1(&report.as_str().into());
        show(&report);
    }));
}

/// Shows the error banner at the top of the page. The message goes in as
/// text, never as HTML.
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if document.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_id(BANNER_ID);
    let _ = banner.set_attribute("role", "alert");
    if let Ok(text) = document.create_element("p") {
        text.set_text_content(Some(&format!(
            "{message}\nYour program is saved; reload the page to continue."
        )));
        let _ = banner.append_child(&text);
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Copy report"));
        let report = message.to_string();
        let said = button.clone();
        // Says whether the copy worked (the clipboard may refuse), through
        // the promise's own callbacks rather than the async executor, which
        // the panic may have left mid-task.
        let copy = Closure::<dyn Fn()>::new(move || {
            let Some(window) = web_sys::window() else {
                return;
            };
            let say = |text: &'static str| {
                let said = said.clone();
                Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
                    said.set_text_content(Some(text))
                })
            };
            let (copied, failed) = (
                say("Report copied"),
                say("Copy failed: select the text above and copy it"),
            );
            let _ = window
                .navigator()
                .clipboard()
                .write_text(&report)
                .then2(&copied, &failed);
            // The promise calls one of them later.
            copied.forget();
            failed.forget();
        });
        let _ = button.add_event_listener_with_callback("click", copy.as_ref().unchecked_ref());
        copy.forget();
        let _ = banner.append_child(&button);
    }
    let _ = body.prepend_with_node_1(&banner);
}
