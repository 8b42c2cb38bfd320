//! Raw hex for the selected packet: plain hex or any dump format
//! `packets::parse_hex_dump` reads. The text is kept as typed; an error
//! names its line and column.

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
    use super::hex_error_text;

    #[test]
    fn errors_read_as_line_and_column() {
        assert_eq!(hex_error_text("2:4: not hex"), "line 2, column 4: not hex");
        assert_eq!(
            hex_error_text("no packet bytes found"),
            "no packet bytes found"
        );
    }
}
