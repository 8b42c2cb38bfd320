//! Capture files in and out: pcap/pcapng import (file picker or drop onto
//! the panel) and pcap export (a download through a Blob URL).

use packets::capture::{read_capture, write_pcap, CapturedPacket};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::download::download;
use crate::packet_list::{PacketItem, PacketList, PacketSource};
use crate::session::hex;

/// The packets of a capture file as list items named `{file} #n`; errors
/// name the byte offset.
pub fn import_capture(file_name: &str, bytes: &[u8]) -> Result<Vec<PacketItem>, String> {
    let captured = read_capture(bytes).map_err(|e| format!("{file_name}: {e}"))?;
    if captured.is_empty() {
        return Err(format!("{file_name}: the capture holds no packets"));
    }
    Ok(captured
        .into_iter()
        .enumerate()
        .map(|(i, p)| PacketItem {
            name: format!("{file_name} #{}", i + 1),
            source: PacketSource::Hex(hex(&p.data)),
        })
        .collect())
}

/// The list as a pcap file (packets that do not build are reported by name).
pub fn export_pcap(list: &PacketList) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(list.items.len());
    for (i, item) in list.items.iter().enumerate() {
        let data = item.bytes().map_err(|e| format!("{}: {e}", item.name))?;
        // One millisecond apart, so tools show them in list order.
        out.push(CapturedPacket::new(i as u64 * 1_000_000, data));
    }
    write_pcap(&out).map_err(|e| e.to_string())
}

async fn read_file(file: web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("{}: the browser could not read the file", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Reads each file and hands its packets (or its error) on.
fn import_files(
    files: Option<web_sys::FileList>,
    on_import: Callback<Result<Vec<PacketItem>, String>>,
) {
    let Some(files) = files else { return };
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let on_import = on_import.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let result = read_file(file)
                .await
                .and_then(|b| import_capture(&name, &b));
            on_import.emit(result);
        });
    }
}

/// Capture properties.
#[derive(Properties, PartialEq)]
pub struct CaptureProps {
    /// The packets (for export).
    pub list: PacketList,
    /// Called with an imported capture's packets, or why it could not be read.
    pub on_import: Callback<Result<Vec<PacketItem>, String>>,
}

/// Import and export buttons, and the drop zone around them.
#[component]
pub fn CaptureFiles(props: &CaptureProps) -> Html {
    let error = use_state(|| None::<String>);
    let dragging = use_state(|| false);
    let on_import = {
        let error = error.clone();
        let on = props.on_import.clone();
        Callback::from(move |r: Result<Vec<PacketItem>, String>| match r {
            Ok(items) => {
                error.set(None);
                on.emit(Ok(items));
            }
            Err(e) => error.set(Some(e)),
        })
    };
    let onchange = {
        let on_import = on_import.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            import_files(input.files(), on_import.clone());
            input.set_value("");
        })
    };
    let ondrop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            import_files(e.data_transfer().and_then(|d| d.files()), on_import.clone());
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let export = {
        let list = props.list.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            match export_pcap(&list)
                .and_then(|b| download(&b, "application/vnd.tcpdump.pcap", "packets.pcap"))
            {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    html! {
        <div class={classes!("capture-files", dragging.then_some("dragging"))} {ondrop} {ondragover} {ondragleave}>
            <label for="capture-import" class="button small">{ "Import pcap/pcapng…" }</label>
            <input id="capture-import" type="file" class="visually-hidden" accept=".pcap,.pcapng,.cap"
                multiple=true {onchange} />
            <button type="button" id="capture-export" class="button small" onclick={export}>{ "Export pcap" }</button>
            <span class="hint">{ "or drop a capture here" }</span>
            if let Some(e) = &*error {
                <p class="warn" role="alert">{ e.clone() }</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet_list::PacketAction;

    #[test]
    fn export_then_import_gives_the_same_bytes() {
        let list = PacketList::from_hex("02 00 00 00 00 02 02 00 00 00 00 01 08 06")
            .apply(PacketAction::Add);
        let pcap = export_pcap(&list).unwrap();
        let items = import_capture("x.pcap", &pcap).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].name, "x.pcap #2");
        for (a, b) in list.items.iter().zip(&items) {
            assert_eq!(a.bytes(), b.bytes());
        }
    }

    #[test]
    fn a_broken_capture_names_the_byte_offset() {
        let list = PacketList::from_hex("00 11 22");
        let mut pcap = export_pcap(&list).unwrap();
        pcap.truncate(30);
        let e = import_capture("cut.pcap", &pcap).unwrap_err();
        assert!(e.starts_with("cut.pcap: at byte offset 24"), "{e}");
    }
}
