//! Saving the workspace in the browser's local storage on every edit, so
//! nothing typed is lost on a reload or a crash.
//!
//! Every write goes through [`set`], the one place that sees a refused
//! write (storage full, or turned off): it tells the watcher ([`watch`],
//! the app's status line) which parts are not saved, and again once they
//! are.

use std::cell::RefCell;
use std::collections::BTreeMap;

use gloo_storage::errors::StorageError;
use gloo_storage::{LocalStorage, Storage};
use serde::Serialize;
use yew::Callback;

thread_local! {
    /// The keys whose last write was refused, and why.
    static UNSAVED: RefCell<BTreeMap<String, &'static str>> = const { RefCell::new(BTreeMap::new()) };
    /// Told what is not saved (`None` once everything is).
    static WATCHER: RefCell<Option<Callback<Option<String>>>> = const { RefCell::new(None) };
}

/// Has `on_change` told, on every change, what the browser refused to
/// save ("Not saved: browser storage full (packets). …"), or `None` once
/// every part saves again.
pub fn watch(on_change: Callback<Option<String>>) {
    // Writes refused before it watched (a link's workspace is saved before
    // the app renders) are told at once.
    if let Some(message) = UNSAVED.with(|u| unsaved_message(&u.borrow())) {
        on_change.emit(Some(message));
    }
    WATCHER.with(|w| *w.borrow_mut() = Some(on_change));
}

/// What the watcher is told about the `unsaved` keys.
fn unsaved_message(unsaved: &BTreeMap<String, &'static str>) -> Option<String> {
    let why = unsaved.values().next()?;
    let parts: Vec<&str> = unsaved
        .keys()
        .map(|k| k.strip_prefix("bpfplay.").unwrap_or(k))
        .collect();
    Some(format!(
        "Not saved: {why} ({}). Export keeps a copy.",
        parts.join(", ")
    ))
}

/// Why a write was refused, in a user's words.
fn refusal(e: &StorageError) -> &'static str {
    match e {
        StorageError::JsError(js) if js.name == "QuotaExceededError" => "browser storage full",
        StorageError::JsError(_) => "browser storage unavailable",
        _ => "it could not be written",
    }
}

/// Writes `value` under `key`. A refused write does not stop the page
/// (the workspace stays in memory); the watcher says what is not saved.
pub fn set<T: Serialize + ?Sized>(key: &str, value: &T) {
    let refused = LocalStorage::set(key, value).err();
    let changed = UNSAVED.with(|u| {
        let mut u = u.borrow_mut();
        let changed = match &refused {
            Some(e) => u.insert(key.to_string(), refusal(e)).is_none(),
            None => u.remove(key).is_some(),
        };
        changed.then(|| unsaved_message(&u))
    });
    if let Some(message) = changed {
        if let Some(w) = WATCHER.with(|w| w.borrow().clone()) {
            w.emit(message);
        }
    }
}

const SOURCE_KEY: &str = "bpfplay.source";
const PACKET_KEY: &str = "bpfplay.packet";
const PACKETS_KEY: &str = "bpfplay.packets";

/// The saved editor text, if any.
pub fn load_source() -> Option<String> {
    LocalStorage::get(SOURCE_KEY).ok()
}

/// The saved packet text, if any.
pub fn load_packet() -> Option<String> {
    LocalStorage::get(PACKET_KEY).ok()
}

/// Saves the editor text.
pub fn save_source(source: &str) {
    set(SOURCE_KEY, source);
}

/// Saves the packet text.
pub fn save_packet(packet: &str) {
    set(PACKET_KEY, packet);
}

/// The saved packet list (JSON), if any.
pub fn load_packets() -> Option<String> {
    LocalStorage::get(PACKETS_KEY).ok()
}

/// Saves the packet list (JSON).
pub fn save_packets(json: &str) {
    set(PACKETS_KEY, json);
}

const MAP_EDITS_KEY: &str = "bpfplay.map_edits";

/// The saved map edits, if any (JSON of [`crate::map_edits::MapEdits`]).
pub fn load_map_edits() -> Option<crate::map_edits::MapEdits> {
    LocalStorage::get(MAP_EDITS_KEY).ok()
}

/// Saves the map edits.
pub fn save_map_edits(edits: &crate::map_edits::MapEdits) {
    set(MAP_EDITS_KEY, edits);
}

const TRACING_KEY: &str = "bpfplay.tracing";
const BREAKPOINTS_KEY: &str = "bpfplay.breakpoints";

/// The saved tracing inputs (the Run tab's event and process table), if any.
pub fn load_tracing() -> Option<crate::session::TracingInput> {
    LocalStorage::get(TRACING_KEY).ok()
}

/// Saves the tracing inputs.
pub fn save_tracing(tracing: &crate::session::TracingInput) {
    set(TRACING_KEY, tracing);
}

/// The saved run breakpoints (source lines), if any.
pub fn load_breakpoints() -> Option<Vec<u32>> {
    LocalStorage::get(BREAKPOINTS_KEY).ok()
}

/// Saves the run breakpoints.
pub fn save_breakpoints(lines: &[u32]) {
    set(BREAKPOINTS_KEY, lines);
}

const VIEW_KEY: &str = "bpfplay.view";

/// The saved tab and steppers' position, if any.
pub fn load_view() -> Option<crate::snapshot::View> {
    LocalStorage::get(VIEW_KEY).ok()
}

/// Saves the tab and the steppers' position. A step writes only this small
/// record (about 100 bytes), so the stepper saves on every move.
pub fn save_view(view: &crate::snapshot::View) {
    set(VIEW_KEY, view);
}

const SET_ASIDE_KEY: &str = "bpfplay.set_aside";

/// The workspace the last example, link, import or object set aside.
pub fn load_set_aside() -> crate::set_aside::SetAside {
    LocalStorage::get(SET_ASIDE_KEY).unwrap_or_default()
}

/// Saves what was set aside.
pub fn save_set_aside(slot: &crate::set_aside::SetAside) {
    set(SET_ASIDE_KEY, slot);
}
