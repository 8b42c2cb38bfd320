//! The current frame's 512 stack bytes, 16 to a row from `fp-512`: bytes
//! the run has written marked, the ones the last instruction wrote more so.
//! Each row is its own component, so a step re-renders only the rows that
//! changed.

use yew::prelude::*;

/// Stack view properties.
#[derive(Properties, PartialEq)]
pub struct StackProps {
    /// 512 bytes, `fp-512` first.
    pub stack: Vec<u8>,
    /// Written by the run so far.
    pub written: Vec<bool>,
    /// Written by the last instruction.
    pub just: Vec<bool>,
    /// Call depth of the frame.
    pub depth: usize,
}

/// The stack frame.
#[component]
pub fn StackView(props: &StackProps) -> Html {
    let written = props.written.iter().filter(|w| **w).count();
    let rows = props.stack.chunks(16).enumerate().map(|(i, chunk)| {
        let at = i * 16;
        let mut bytes = [0u8; 16];
        bytes[..chunk.len()].copy_from_slice(chunk);
        let mask = |v: &[bool]| {
            (0..16).fold(0u16, |m, k| {
                if v.get(at + k).copied().unwrap_or(false) {
                    m | 1 << k
                } else {
                    m
                }
            })
        };
        let offset = at as i64 - props.stack.len() as i64;
        html! { <StackRow key={i} {offset} {bytes} written={mask(&props.written)} just={mask(&props.just)} /> }
    });
    html! {
        <details class="sub run-stack" open=true>
            <summary>{ format!("Stack, frame {} (512 bytes, {written} written so far)", props.depth) }</summary>
            <div class="hex-dump mono stack-dump" id="run-stack" role="group" aria-label="Stack bytes, fp-512 to fp-1">
                { for rows }
            </div>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct StackRowProps {
    offset: i64,
    bytes: [u8; 16],
    written: u16,
    just: u16,
}

#[component]
fn StackRow(props: &StackRowProps) -> Html {
    let cells = props.bytes.iter().enumerate().map(|(k, b)| {
        let written = props.written & (1 << k) != 0;
        let just = props.just & (1 << k) != 0;
        let class = classes!(
            "hex-byte",
            written.then_some("written"),
            just.then_some("changed"),
            (k == 8).then_some("gap")
        );
        html! { <span {class}>{ format!("{b:02x}") }</span> }
    });
    html! {
        <div class="hex-row">
            <span class="hex-offset">{ format!("fp{:<4}", props.offset) }</span>
            <span class="hex-bytes">{ for cells }</span>
        </div>
    }
}
