//! The current step in plain English.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::walk::narrate;
use crate::session::Analysis;

/// Narration properties.
#[derive(Properties)]
pub struct NarrationProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// Current step.
    pub step: usize,
}

impl PartialEq for NarrationProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis) && self.step == other.step
    }
}

/// One sentence about what the verifier learned at this step.
#[component]
pub fn Narration(props: &NarrationProps) -> Html {
    html! {
        <p class="narration" id="narration" aria-live="polite">{ narrate(&props.analysis, props.step) }</p>
    }
}
