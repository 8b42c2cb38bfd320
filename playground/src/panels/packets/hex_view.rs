//! A packet's bytes as a hex dump (offset, 16 bytes, ASCII), each byte
//! labelled with the protocol field it belongs to (from `packets::dissect`):
//! hovering or focusing a byte names its field and highlights the field's
//! bytes.

use std::ops::Range;

use yew::prelude::*;

/// Hex view properties.
#[derive(Properties, PartialEq)]
pub struct HexViewProps {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Byte ranges to mark (e.g. what the program read or wrote).
    #[prop_or_default]
    pub marked: Vec<Range<usize>>,
    /// Byte ranges to show as changed (e.g. rewritten by the program).
    #[prop_or_default]
    pub changed: Vec<Range<usize>>,
    /// The dump's accessible name.
    #[prop_or(AttrValue::Static("Packet bytes"))]
    pub label: AttrValue,
}

struct Label {
    range: Range<usize>,
    text: String,
}

/// The hex view.
#[component]
pub fn HexView(props: &HexViewProps) -> Html {
    let hovered = use_state(|| None::<usize>);
    let fields: Vec<Label> = packets::dissect(&props.bytes)
        .into_iter()
        .map(|f| Label {
            range: f.start..f.end(),
            text: if f.len == 1 {
                format!(
                    "byte {}: {} {} = {}",
                    f.start, f.layer, f.name, f.value_text
                )
            } else {
                format!(
                    "bytes {}-{}: {} {} = {}",
                    f.start,
                    f.end() - 1,
                    f.layer,
                    f.name,
                    f.value_text
                )
            },
        })
        .collect();
    // Field index of each byte.
    let mut owner = vec![None; props.bytes.len()];
    for (i, f) in fields.iter().enumerate() {
        for b in f.range.clone() {
            if let Some(slot) = owner.get_mut(b) {
                *slot = Some(i);
            }
        }
    }
    let active = hovered.and_then(|b| owner.get(b).copied().flatten());
    let rows = props.bytes.chunks(16).enumerate().map(|(row, chunk)| {
        let base = row * 16;
        let cells = chunk.iter().enumerate().map(|(i, byte)| {
            let at = base + i;
            let field = owner[at];
            let title = field.map(|f| fields[f].text.clone());
            let marked = props.marked.iter().any(|r| r.contains(&at));
            let changed = props.changed.iter().any(|r| r.contains(&at));
            let class = classes!(
                "hex-byte",
                (field.is_some() && field == active).then_some("active"),
                marked.then_some("marked"),
                changed.then_some("changed"),
                (i == 8).then_some("gap")
            );
            let enter = {
                let hovered = hovered.clone();
                Callback::from(move |_: MouseEvent| hovered.set(Some(at)))
            };
            let focus = {
                let hovered = hovered.clone();
                Callback::from(move |_: FocusEvent| hovered.set(Some(at)))
            };
            html! {
                <span {class} title={title} data-offset={at.to_string()} tabindex="-1"
                    onmouseenter={enter} onfocus={focus}>{ format!("{byte:02x}") }</span>
            }
        });
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        html! {
            <div class="hex-row">
                <span class="hex-offset">{ format!("{base:04x}") }</span>
                <span class="hex-bytes">{ for cells }</span>
                <span class="hex-ascii">{ ascii }</span>
            </div>
        }
    });
    let status = match active {
        Some(f) => fields[f].text.clone(),
        None => format!(
            "{} bytes; hover a byte to name its field",
            props.bytes.len()
        ),
    };
    let leave = {
        let hovered = hovered.clone();
        Callback::from(move |_: MouseEvent| hovered.set(None))
    };
    html! {
        <div class="hex-view">
            <div class="hex-dump mono" role="group" aria-label={props.label.clone()} onmouseleave={leave}>{ for rows }</div>
            <p class="hex-status mono" aria-live="polite">{ status }</p>
            <details class="sub">
                <summary>{ format!("{} fields", fields.len()) }</summary>
                <ul class="field-list mono">
                    { for fields.iter().map(|f| html! { <li>{ f.text.clone() }</li> }) }
                </ul>
            </details>
        </div>
    }
}
