//! The program type and its context: the structure `r1` points to at entry,
//! field by field, with the values this run starts with.

use std::rc::Rc;

use vm_core::ctx::{layout, FieldAccess};
use yew::prelude::*;

use crate::session::Analysis;

/// Context view properties.
#[derive(Properties)]
pub struct ContextProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
}

impl PartialEq for ContextProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
    }
}

/// Program type and context.
#[component]
pub fn ContextView(props: &ContextProps) -> Html {
    let a = &props.analysis;
    let t = a.program.prog_type;
    let l = layout(t);
    let ctx = a.concrete.as_ref().map(|r| r.ctx.as_slice()).unwrap_or(&[]);
    let rows = l.fields.iter().map(|f| {
        let value = if f.size <= 8 && !ctx.is_empty() {
            let mut b = [0u8; 8];
            let start = f.offset as usize;
            if let Some(src) = ctx.get(start..start + f.size as usize) {
                b[..src.len()].copy_from_slice(src);
            }
            format!("{:#x}", u64::from_le_bytes(b))
        } else {
            format!("{} bytes", f.size)
        };
        let access = match (f.read, f.write) {
            (FieldAccess::None, _) => "no access",
            (_, FieldAccess::None) => "read",
            _ => "read, write",
        };
        html! {
            <tr>
                <th scope="row" class="mono">{ f.name }</th>
                <td class="num">{ f.offset }</td>
                <td class="num">{ f.size }</td>
                <td class="mono">{ value }</td>
                <td class="muted">{ access }</td>
            </tr>
        }
    });
    html! {
        <details class="sub run-context" id="run-context">
            <summary>
                { "Program type " }<strong id="run-prog-type">{ t.name() }</strong>
                { format!(" · r1 points to its context, {} ({} bytes)", l.name, l.size) }
            </summary>
            <table class="listing">
                <thead><tr><th>{ "field" }</th><th>{ "offset" }</th><th>{ "size" }</th><th>{ "at entry" }</th><th>{ "program may" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </details>
    }
}
