//! The packet at the current point of the run, and at the end the output
//! packet against the input. Both reuse the Packets tab's hex view, which
//! names each byte's protocol field on hover.

use std::rc::Rc;

use yew::prelude::*;

use crate::panels::packets::{changed_ranges, HexView};
use crate::session::debug::PacketAccess;
use crate::session::{Analysis, RunEnd};

/// Properties.
#[derive(Properties)]
pub struct PacketAtStepProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// The packet now.
    pub packet: Vec<u8>,
    /// What the last instruction read or wrote of it.
    pub touched: Vec<PacketAccess>,
}

impl PartialEq for PacketAtStepProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.packet == other.packet
            && self.touched == other.touched
    }
}

/// The packet now: bytes the last instruction touched marked and named,
/// bytes the run has changed so far shown as changed.
#[component]
pub fn PacketAtStep(props: &PacketAtStepProps) -> Html {
    let a = &props.analysis;
    let Some(t) = &a.debug else {
        return Html::default();
    };
    let marked = props.touched.iter().map(|x| x.range()).collect::<Vec<_>>();
    let changed = changed_ranges(&t.frame, &props.packet);
    let labels = props.touched.iter().map(|x| {
        let verb = if x.write { "wrote" } else { "read" };
        html! { <li>{ format!("{verb} {}", t.packet_label(x)) }</li> }
    });
    html! {
        <section class="run-packet" aria-label="The packet at this step">
            <h4 class="field-label">{ format!("Packet ({} bytes)", props.packet.len()) }</h4>
            if props.touched.is_empty() {
                <p class="hint" id="run-packet-touch-none">{ "The last instruction did not touch the packet." }</p>
            } else {
                <ul class="diff-list mono" id="run-packet-touch">{ for labels }</ul>
            }
            <HexView bytes={props.packet.clone()} {marked} {changed} label="Packet bytes at this step" />
        </section>
    }
}

/// Properties.
#[derive(Properties)]
pub struct OutputDiffProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
}

impl PartialEq for OutputDiffProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
    }
}

/// The packet as it leaves, field by field against the input.
#[component]
pub fn OutputDiff(props: &OutputDiffProps) -> Html {
    let a = &props.analysis;
    let Some(t) = &a.debug else {
        return Html::default();
    };
    let RunEnd::Returned {
        packet_out: Some(out),
        ..
    } = &a.run
    else {
        return Html::default();
    };
    if a.program.prog_type == vm_core::ProgramType::SocketFilter {
        return html! { <p class="hint" id="run-output">{ "A socket filter cannot change the packet." }</p> };
    }
    let input = &t.frame;
    let changes = packets::diff(input, out);
    let list = if out == input {
        html! { <p class="hint" id="run-output">{ "Output packet: unchanged." }</p> }
    } else {
        html! {
            <ul class="diff-list mono" id="run-output">
                { for changes.iter().map(|c| html! { <li>{ c.to_string() }</li> }) }
                if out.len() != input.len() {
                    <li>{ format!("length: {} -> {} bytes", input.len(), out.len()) }</li>
                }
            </ul>
        }
    };
    let changed = changed_ranges(input, out);
    html! {
        <section class="run-output" aria-label="Output packet against the input">
            <h4 class="field-label">{ "Output packet, changes against the input" }</h4>
            { list }
            if !changed.is_empty() {
                <HexView bytes={out.clone()} {changed} label="Output packet bytes" />
            }
        </section>
    }
}
