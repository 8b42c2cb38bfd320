//! The Packets tab: the packet list, the selected packet's builder or hex
//! text, its bytes as a labelled hex view, and capture import/export. Each
//! part is its own component in this folder.

mod batch;
mod builder;
mod capture;
mod field;
mod hex_paste;
mod hex_view;
mod list;
mod run_view;

pub use batch::{verdict_counts, BatchPanel, BatchProps};
pub use builder::{Builder, BuilderProps};
pub use capture::{export_pcap, import_capture, CaptureFiles, CaptureProps};
pub use field::{TextField, TextFieldProps};
pub use hex_paste::{HexPaste, HexPasteProps};
pub use hex_view::{HexView, HexViewProps};
pub use list::{ListProps, PacketListView, LIST_ROWS};
pub use run_view::{changed_ranges, RunView, RunViewProps};

use yew::prelude::*;

use crate::packet_list::{PacketAction, PacketList, PacketSource};
use crate::session::{hex, Report};

/// Packets panel properties.
#[derive(Properties, PartialEq)]
pub struct PacketsProps {
    /// The packet list.
    pub list: PacketList,
    /// Called with what the user did to it.
    pub on_action: Callback<PacketAction>,
    /// The program text (for the batch run).
    #[prop_or_default]
    pub source: AttrValue,
    /// The last report, when it is current (not edited since).
    #[prop_or_default]
    pub report: Option<Report>,
    /// The Maps panel's edits (the batch run's maps start with them).
    #[prop_or_default]
    pub edits: crate::map_edits::MapEdits,
}

/// The Packets tab.
#[component]
pub fn PacketsPanel(props: &PacketsProps) -> Html {
    let on_action = props.on_action.clone();
    let selected = props.list.selected;
    let Some(item) = props.list.current() else {
        return html! { <p class="hint">{ "No packets." }</p> };
    };
    let bytes = item.bytes();
    let editor = match &item.source {
        PacketSource::Built(spec) => {
            let on_change = {
                let on = on_action.clone();
                Callback::from(move |s: packets::PacketSpec| on.emit(PacketAction::SetSpec(s)))
            };
            let as_hex = {
                let on = on_action.clone();
                let text = bytes.as_ref().map(|b| hex(b)).unwrap_or_default();
                Callback::from(move |_: MouseEvent| on.emit(PacketAction::SetHex(text.clone())))
            };
            html! {
                <>
                    <Builder key={format!("b{selected}")} spec={spec.clone()} {on_change} />
                    <button type="button" id="packet-as-hex" class="button small" onclick={as_hex}>
                        { "Edit as hex" }
                    </button>
                </>
            }
        }
        PacketSource::Hex(text) => {
            let on_edit = {
                let on = on_action.clone();
                Callback::from(move |t: String| on.emit(PacketAction::SetHex(t)))
            };
            let error = bytes.as_ref().err().map(|e| AttrValue::from(e.clone()));
            let dump = (!text.trim().is_empty())
                .then(|| crate::session::parse_dump(text).ok())
                .flatten();
            let note = dump
                .as_ref()
                .map(|d| AttrValue::from(hex_paste::dump_note(d)));
            let packets = dump.as_ref().map_or(0, |d| d.packets.len());
            let on_split = {
                let on = on_action.clone();
                Callback::from(move |()| on.emit(PacketAction::SplitHex))
            };
            html! {
                <HexPaste text={AttrValue::from(text.clone())} {error} {on_edit} {note} {packets} {on_split} />
            }
        }
    };
    let ran = match (&props.report, &bytes) {
        (Some(Report::Analysed(a)), Ok(b)) if a.verdict.accepted => {
            html! { <RunView analysis={a.clone()} input={b.clone()} /> }
        }
        _ => html! {},
    };
    let view = match &bytes {
        Ok(b) => html! { <HexView bytes={b.clone()} /> },
        Err(e) if matches!(item.source, PacketSource::Built(_)) => {
            html! { <p class="warn" role="alert">{ e.clone() }</p> }
        }
        Err(_) => html! {},
    };
    let on_import = {
        let on = on_action.clone();
        Callback::from(
            move |r: Result<Vec<crate::packet_list::PacketItem>, String>| {
                if let Ok(items) = r {
                    on.emit(PacketAction::Append(items));
                }
            },
        )
    };
    html! {
        <div class="packets">
            <PacketListView list={props.list.clone()} on_action={on_action.clone()} />
            <CaptureFiles list={props.list.clone()} {on_import} />
            <h3 class="packet-heading">{ format!("{}: the input of Run", item.name) }</h3>
            { editor }
            { view }
            { ran }
            <BatchPanel source={props.source.clone()} list={props.list.clone()} edits={props.edits.clone()} />
        </div>
    }
}
