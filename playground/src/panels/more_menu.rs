//! The toolbar's less-used actions (Export, Import, Embed…): inline on a
//! wide screen; on a phone folded behind one "More" button, so the toolbar
//! keeps to two rows (the style sheet decides which, by width).
//!
//! A disclosure (a button with `aria-expanded` that shows a group), not an
//! ARIA menu: the actions stay ordinary buttons, next in the Tab order
//! after the button. Picking one, Escape (focus back on the button) or a
//! press outside closes it.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent, Node};
use yew::prelude::*;

/// More-menu properties.
#[derive(Properties, PartialEq)]
pub struct MoreMenuProps {
    /// The button's accessible name (what the group holds).
    pub label: AttrValue,
    /// The actions.
    #[prop_or_default]
    pub children: Html,
}

/// The folded actions and their button.
#[component]
pub fn MoreMenu(props: &MoreMenuProps) -> Html {
    let open = use_state(|| false);
    let wrapper = use_node_ref();
    let button = use_node_ref();
    // A press outside closes the group (listened for only while it is open).
    {
        let (wrapper, set_open) = (wrapper.clone(), open.setter());
        use_effect_with(*open, move |&is_open| {
            let listener = is_open
                .then(|| web_sys::window().and_then(|w| w.document()))
                .flatten()
                .map(|doc| {
                    EventListener::new(&doc, "pointerdown", move |e| {
                        let target = e.target().and_then(|t| t.dyn_into::<Node>().ok());
                        let inside = wrapper.get().is_some_and(|w| w.contains(target.as_ref()));
                        if !inside {
                            set_open.set(false);
                        }
                    })
                });
            move || drop(listener)
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let onkeydown = {
        let (open, button) = (open.clone(), button.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && *open {
                e.prevent_default();
                open.set(false);
                if let Some(b) = button.cast::<HtmlElement>() {
                    let _ = b.focus();
                }
            }
        })
    };
    // A click on an action (it has run by the time this bubbles up).
    let picked = {
        let open = open.setter();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    html! {
        <div class={classes!("toolbar-more", open.then_some("open"))} ref={wrapper} {onkeydown}>
            <button type="button" id="more-button" class="button icon toolbar-more-toggle" ref={button}
                aria-expanded={open.to_string()} aria-controls="more-items"
                aria-label={props.label.clone()} title={props.label.clone()} onclick={toggle}>
                <span aria-hidden="true">{ "⋯" }</span>
            </button>
            <div id="more-items" class="toolbar-more-items" role="group" aria-label={props.label.clone()}
                onclick={picked}>
                { props.children.clone() }
            </div>
        </div>
    }
}
