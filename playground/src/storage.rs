//! Saving the workspace in the browser's local storage on every edit, so
//! nothing typed is lost on a reload or a crash.

use gloo_storage::{LocalStorage, Storage};

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

/// Saves the editor text; storage errors (quota, private mode) are ignored
/// because the page keeps working without them.
pub fn save_source(source: &str) {
    let _ = LocalStorage::set(SOURCE_KEY, source);
}

/// Saves the packet text.
pub fn save_packet(packet: &str) {
    let _ = LocalStorage::set(PACKET_KEY, packet);
}

/// The saved packet list (JSON), if any.
pub fn load_packets() -> Option<String> {
    LocalStorage::get(PACKETS_KEY).ok()
}

/// Saves the packet list (JSON).
pub fn save_packets(json: &str) {
    let _ = LocalStorage::set(PACKETS_KEY, json);
}

const MAP_EDITS_KEY: &str = "bpfplay.map_edits";

/// The saved map edits, if any (JSON of [`crate::map_edits::MapEdits`]).
pub fn load_map_edits() -> Option<crate::map_edits::MapEdits> {
    LocalStorage::get(MAP_EDITS_KEY).ok()
}

/// Saves the map edits.
pub fn save_map_edits(edits: &crate::map_edits::MapEdits) {
    let _ = LocalStorage::set(MAP_EDITS_KEY, edits);
}

const TRACING_KEY: &str = "bpfplay.tracing";
const BREAKPOINTS_KEY: &str = "bpfplay.breakpoints";

/// The saved tracing inputs (the Run tab's event and process table), if any.
pub fn load_tracing() -> Option<crate::session::TracingInput> {
    LocalStorage::get(TRACING_KEY).ok()
}

/// Saves the tracing inputs.
pub fn save_tracing(tracing: &crate::session::TracingInput) {
    let _ = LocalStorage::set(TRACING_KEY, tracing);
}

/// The saved run breakpoints (source lines), if any.
pub fn load_breakpoints() -> Option<Vec<u32>> {
    LocalStorage::get(BREAKPOINTS_KEY).ok()
}

/// Saves the run breakpoints.
pub fn save_breakpoints(lines: &[u32]) {
    let _ = LocalStorage::set(BREAKPOINTS_KEY, lines);
}

const VIEW_KEY: &str = "bpfplay.view";

/// The saved tab and steppers' position, if any.
pub fn load_view() -> Option<crate::snapshot::View> {
    LocalStorage::get(VIEW_KEY).ok()
}

/// Saves the tab and the steppers' position. A step writes only this small
/// record (about 100 bytes), so the stepper saves on every move.
pub fn save_view(view: &crate::snapshot::View) {
    let _ = LocalStorage::set(VIEW_KEY, view);
}

const SET_ASIDE_KEY: &str = "bpfplay.set_aside";

/// The workspace the last example, link, import or object set aside.
pub fn load_set_aside() -> crate::set_aside::SetAside {
    LocalStorage::get(SET_ASIDE_KEY).unwrap_or_default()
}

/// Saves what was set aside.
pub fn save_set_aside(slot: &crate::set_aside::SetAside) {
    let _ = LocalStorage::set(SET_ASIDE_KEY, slot);
}
