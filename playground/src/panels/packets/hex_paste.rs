//! Raw hex for the selected packet: plain hex or any dump format
//! `packets::parse_hex_dump` reads. The text is kept as typed; an error
//! names its line and column. Under the box: the format the text was read
//! as, how many packets it holds (a button adds them all to the list; Run
//! uses the first until then) and whether an Ethernet header was made up.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Hex paste properties.
#[derive(Properties, PartialEq)]
pub struct HexPasteProps {
    /// The text.
    pub text: AttrValue,
    /// Why it does not parse, if it does not.
    pub error: Option<AttrValue>,
    /// Called with the new text.
    pub on_edit: Callback<String>,
    /// What the text was read as ([`dump_note`]), when it parses.
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// How many packets the text holds.
    #[prop_or_default]
    pub packets: usize,
    /// Put each of the dump's packets in the list.
    #[prop_or_default]
    pub on_split: Callback<()>,
}

/// "read as tcpdump -xx: 3 packets (an Ethernet header was added to each)".
pub fn dump_note(dump: &packets::HexDump) -> String {
    let n = dump.packets.len();
    let count = if n == 1 {
        "1 packet".to_string()
    } else {
        format!("{n} packets")
    };
    let added = match (dump.ethernet_added, n) {
        (false, _) => "",
        (true, 1) => " (an Ethernet header was added: the dump holds an IP packet, and Run needs a frame; its MAC addresses are zero)",
        (true, _) => " (an Ethernet header was added to each: the dump holds IP packets, and Run needs frames; their MAC addresses are zero)",
    };
    format!("read as {}: {count}{added}", dump.format)
}

/// The hex paste box.
#[component]
pub fn HexPaste(props: &HexPasteProps) -> Html {
    let oninput = {
        let on = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on.emit(area.value());
        })
    };
    let split = {
        let on = props.on_split.clone();
        Callback::from(move |_: MouseEvent| on.emit(()))
    };
    html! {
        <div class="hex-paste">
            <label for="packet-input" class="field-label">
                { "Hex bytes or a dump (xxd, od, tcpdump -xx, Wireshark, scapy, C array)" }
            </label>
            <textarea id="packet-input" class="packet-input mono" spellcheck="false" rows="6"
                value={props.text.clone()} {oninput}
                aria-invalid={props.error.is_some().to_string()}
                aria-describedby={props.error.is_some().then_some("packet-input-error")} />
            if let Some(e) = &props.error {
                <p id="packet-input-error" class="warn" role="alert">{ hex_error_text(e) }</p>
            } else if let Some(note) = &props.note {
                <p id="packet-input-note" class="hint" role="status">
                    { note.to_string() }
                    if props.packets > 1 {
                        { "; Run uses the first. " }
                        <button type="button" id="packet-split" class="button small" onclick={split}>
                            { format!("Add all {} to the list", props.packets) }
                        </button>
                    }
                </p>
            }
        </div>
    }
}

/// `3:5: message` as `line 3, column 5: message`.
fn hex_error_text(e: &str) -> String {
    let mut parts = e.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(l), Some(c), Some(m)) if l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok() => {
            format!("line {l}, column {c}:{m}")
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{dump_note, hex_error_text};

    #[test]
    fn the_note_names_the_format_the_count_and_a_made_up_header() {
        let one = packets::parse_hex_dump("00 11 22").unwrap();
        assert_eq!(dump_note(&one), "read as plain hex: 1 packet");
        let ip = "\t0x0000:  4500 001c 0001 0000 4001 66de 0a00 0001\n\
                  \t0x0010:  0a00 0002 0800 f7ff 0000 0000\n";
        let two = packets::parse_hex_dump(&format!("{ip}{ip}")).unwrap();
        let note = dump_note(&two);
        assert!(
            note.starts_with(
                "read as tcpdump -xx: 2 packets (an Ethernet header was added to each"
            ),
            "{note}"
        );
    }

    #[test]
    fn errors_read_as_line_and_column() {
        assert_eq!(hex_error_text("2:4: not hex"), "line 2, column 4: not hex");
        assert_eq!(
            hex_error_text("no packet bytes found"),
            "no packet bytes found"
        );
    }
}
