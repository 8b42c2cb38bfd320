//! The input packet: hex (plain, xxd, od, tcpdump -xx, Wireshark and scapy
//! dumps are all read) and its bytes labelled by protocol field.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::session::{packet_fields, parse_packet};

/// Packet panel properties.
#[derive(Properties, PartialEq)]
pub struct PacketProps {
    /// The packet text.
    pub text: AttrValue,
    /// Called with the new text on every edit.
    pub on_edit: Callback<String>,
}

/// The packet panel.
#[component]
pub fn PacketPanel(props: &PacketProps) -> Html {
    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_edit.emit(area.value());
        })
    };
    let parsed = parse_packet(&props.text);
    let status = match &parsed {
        Ok(b) => html! { <p class="hint">{ format!("{} bytes", b.len()) }</p> },
        Err(e) => html! { <p class="warn">{ e.clone() }</p> },
    };
    let fields = parsed.map(|b| packet_fields(&b)).unwrap_or_default();
    let rows = fields.iter().map(|f| {
        html! {
            <tr>
                <td class="num mono">{ f.range.clone() }</td>
                <td>{ f.layer.clone() }</td>
                <td>{ f.name.clone() }</td>
                <td class="mono">{ f.value.clone() }</td>
            </tr>
        }
    });
    html! {
        <div class="packet">
            <label for="packet-input" class="field-label">{ "Packet bytes (hex or a hex dump)" }</label>
            <textarea id="packet-input" class="packet-input mono" spellcheck="false" rows="5"
                value={props.text.clone()} {oninput} />
            { status }
            if !fields.is_empty() {
                <table class="listing">
                    <thead><tr><th>{ "bytes" }</th><th>{ "layer" }</th><th>{ "field" }</th><th>{ "value" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}
