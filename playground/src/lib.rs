//! The eBPF playground: a Yew app that assembles, verifies and runs eBPF
//! programs in the browser through `vm-core`.
//!
//! Layout mirrors the core's pipeline: [`session`] is the only module that
//! calls `vm-core`; [`state`] holds the one reducer every panel reads;
//! [`panels`] has one component per panel; [`app`] lays them out.

pub mod app;
pub mod batch_worker;
pub mod download;
pub mod embed;
pub mod examples;
pub mod highlight;
pub mod map_edits;
pub mod object;
pub mod packet_list;
pub mod panels;
pub mod panic_banner;
pub mod prefs;
pub mod session;
pub mod set_aside;
pub mod share;
pub mod snapshot;
pub mod state;
pub mod storage;
pub mod vim;

use wasm_bindgen::JsCast;

/// Starts the app in the page's `#app` element (or `<body>` if absent),
/// after installing the panic hook that shows an error banner.
pub fn start() {
    panic_banner::install();
    if batch_worker::in_worker() {
        // The batch worker loads this module too; its loader registers the
        // worker (`batch_worker::bpfplay_batch_worker`).
        return;
    }
    prefs::apply_saved();
    let document = web_sys::window().and_then(|w| w.document());
    let root = document.and_then(|d| {
        d.get_element_by_id("app")
            .or_else(|| d.body().map(|b| b.unchecked_into()))
    });
    match root {
        Some(root) => mount(root),
        None => panic_banner::show("the page has no <body> to mount the playground into"),
    }
}

/// Mounts the app into `root`; tests mount into a fresh node.
pub fn mount(root: web_sys::Element) {
    yew::Renderer::<app::App>::with_root(root).render();
}
