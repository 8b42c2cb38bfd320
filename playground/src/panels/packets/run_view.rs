//! What the last run did to the selected packet: the bytes its loads and
//! stores touched, marked in the hex view and named by field, and the
//! output packet diffed against the input field by field.

use std::ops::Range;
use std::rc::Rc;

use yew::prelude::*;

use super::hex_view::HexView;
use crate::session::{packet_touches, Analysis, RunEnd};

/// Run view properties.
#[derive(Properties)]
pub struct RunViewProps {
    /// The analysis of the last run.
    pub analysis: Rc<Analysis>,
    /// The input packet of that run.
    pub input: Vec<u8>,
}

impl PartialEq for RunViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.input == other.input
    }
}

/// Byte ranges where two frames differ.
pub fn changed_ranges(before: &[u8], after: &[u8]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for i in 0..after.len() {
        if before.get(i) != after.get(i) {
            match out.last_mut() {
                Some(r) if r.end == i => r.end = i + 1,
                _ => out.push(i..i + 1),
            }
        }
    }
    out
}

/// The run view.
#[component]
pub fn RunView(props: &RunViewProps) -> Html {
    let touches = {
        let analysis = props.analysis.clone();
        let input = props.input.clone();
        use_memo(
            (Rc::as_ptr(&props.analysis) as usize, props.input.clone()),
            move |_| packet_touches(&analysis.program, &input),
        )
    };
    let fields = packets::dissect(&props.input);
    let marked: Vec<Range<usize>> = touches.iter().map(|t| t.start..t.start + t.len).collect();
    let touch_rows = touches.iter().take(200).map(|t| {
        let names: Vec<String> = packets::fields_touched(&fields, t.start, t.len)
            .into_iter()
            .map(|f| format!("{} {}", f.layer, f.name))
            .collect();
        let bytes = if t.len == 1 {
            format!("byte {}", t.start)
        } else {
            format!("bytes {}-{}", t.start, t.start + t.len - 1)
        };
        html! {
            <li>
                { format!("insn {}: {} {bytes}", t.pc, if t.write { "wrote" } else { "read" }) }
                if !names.is_empty() { { format!(": {}", names.join(", ")) } }
            </li>
        }
    });
    let output = match &props.analysis.run {
        RunEnd::Returned {
            packet_out: Some(out),
            ..
        } => {
            let changes = packets::diff(&props.input, out);
            let changed = changed_ranges(&props.input, out);
            let list = if changes.is_empty() && out == &props.input {
                html! { <p class="hint" id="packet-diff">{ "The program left the packet unchanged." }</p> }
            } else {
                html! {
                    <ul id="packet-diff" class="diff-list mono">
                        { for changes.iter().map(|c| html! { <li>{ c.to_string() }</li> }) }
                        if out.len() != props.input.len() {
                            <li>{ format!("length: {} -> {} bytes", props.input.len(), out.len()) }</li>
                        }
                    </ul>
                }
            };
            html! {
                <>
                    <h4 class="field-label">{ "Output packet, changes against the input" }</h4>
                    { list }
                    if !changed.is_empty() {
                        <HexView bytes={out.clone()} {changed} label="Output packet bytes" />
                    }
                </>
            }
        }
        _ => html! {},
    };
    html! {
        <section class="run-view" aria-label="What the run did to the packet">
            <h4 class="field-label">{ format!("Bytes the program read or wrote ({})", touches.len()) }</h4>
            if touches.is_empty() {
                <p class="hint">{ "The program did not load or store packet bytes." }</p>
            } else {
                <HexView bytes={props.input.clone()} {marked} label="Input packet bytes" />
                <ul id="packet-touches" class="diff-list mono">{ for touch_rows }</ul>
            }
            { output }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::changed_ranges;

    #[test]
    fn runs_of_changed_bytes() {
        assert_eq!(
            changed_ranges(&[1, 2, 3, 4], &[1, 9, 9, 4, 5]),
            [1..3, 4..5]
        );
        assert!(changed_ranges(&[1], &[1]).is_empty());
    }
}
