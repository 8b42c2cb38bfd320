//! Export the whole workspace as a JSON file (a Blob URL download) and
//! import one (a file input). A file that is not a workspace is refused
//! with the reason; the workspace stays as it was.

use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::snapshot::{Snapshot, MAX_BYTES};

/// The name exported files get.
pub const EXPORT_NAME: &str = "bpfplay-workspace.json";

/// Workspace file properties.
#[derive(Properties, PartialEq)]
pub struct WorkspaceFileProps {
    /// Export was clicked.
    pub on_export: Callback<()>,
    /// A file was read: the workspace it holds, or why it holds none (the
    /// message names the file).
    pub on_import: Callback<Result<Snapshot, String>>,
}

/// Offers `text` as a JSON download named `name`.
pub fn download_json(text: &str, name: &str) -> Result<(), String> {
    crate::download::download(text.as_bytes(), "application/json", name)
}

/// Reads a workspace file.
pub async fn read_snapshot(file: web_sys::File) -> Result<Snapshot, String> {
    let name = file.name();
    if file.size() > MAX_BYTES as f64 {
        return Err(format!(
            "{name}: {} bytes is too large for a workspace",
            file.size()
        ));
    }
    let text = JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("{name}: the browser could not read the file"))?;
    Snapshot::from_json(&text).map_err(|e| format!("{name} was not imported: {e}"))
}

/// Export and Import buttons.
#[component]
pub fn WorkspaceFile(props: &WorkspaceFileProps) -> Html {
    let export = {
        let on_export = props.on_export.clone();
        Callback::from(move |_: MouseEvent| on_export.emit(()))
    };
    let onchange = {
        let on_import = props.on_import.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // The same file may be picked again after a fix.
            input.set_value("");
            let on_import = on_import.clone();
            wasm_bindgen_futures::spawn_local(async move {
                on_import.emit(read_snapshot(file).await);
            });
        })
    };
    html! {
        <>
            <button type="button" id="export-button" class="button" onclick={export}
                title="Download the whole workspace as a JSON file">{ "Export" }</button>
            <input id="import-input" type="file" accept=".json,application/json" class="visually-hidden" {onchange} />
            <label for="import-input" class="button" title="Open a workspace JSON file">{ "Import" }</label>
        </>
    }
}
