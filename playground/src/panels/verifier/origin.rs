//! Where a register's value came from: the chain of steps, on the path to
//! the current one, that wrote it (following copies and updates back to a
//! constant, a load or a call). Each link jumps to its step.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::walk::origins;
use crate::session::Analysis;
use crate::state::StepMove;

/// Origin chain properties.
#[derive(Properties)]
pub struct OriginProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
    /// The register traced.
    pub reg: u8,
    /// Move the stepper.
    pub on_step: Callback<StepMove>,
}

impl PartialEq for OriginProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.step == other.step
            && self.reg == other.reg
    }
}

/// The chain of writes behind one register.
#[component]
pub fn OriginChain(props: &OriginProps) -> Html {
    let chain = origins(&props.analysis, props.step, props.reg);
    let items = chain.iter().map(|o| {
        let onclick = {
            let on_step = props.on_step.clone();
            let to = o.step;
            Callback::from(move |_: MouseEvent| on_step.emit(StepMove::To(to)))
        };
        html! {
            <li>
                <button class="link-button mono" {onclick} title="Go to this step">
                    { format!("insn {}: {}", o.insn, o.text) }
                </button>
                <span class="mono muted">{ format!(" ; {}={}", o.reg, o.value) }</span>
            </li>
        }
    });
    let entry = match props.reg {
        1 => " R1 was set by the kernel: the context pointer.",
        10 => " R10 is the frame pointer, set by the kernel.",
        _ => "",
    };
    html! {
        <section class="origin" id="origin" aria-label={format!("Where R{} came from", props.reg)}>
            <h4>{ format!("Where R{}'s value came from", props.reg) }</h4>
            if chain.is_empty() {
                <p class="hint">{ format!("No instruction on this path wrote R{} before this step.{entry}", props.reg) }</p>
            } else {
                <ol class="origin-chain">{ for items }</ol>
                if !entry.is_empty() && chain.len() < crate::session::walk::ORIGIN_LIMIT {
                    <p class="hint">{ entry.trim() }</p>
                }
            }
        </section>
    }
}
