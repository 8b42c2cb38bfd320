//! A modal dialog (the help, the embed-link maker): a native `<dialog>`
//! opened with `showModal()`, so the page behind it is inert. Focus moves to
//! its first control on open, Tab and Shift+Tab wrap around inside it,
//! Escape, a click on the backdrop or its Close button shut it, and focus
//! goes back to where it was. It draws its own head (title and Close), so
//! every dialog names itself and closes the same way.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDialogElement, HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// Modal properties.
#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// The `<dialog>`'s id.
    pub id: AttrValue,
    /// The heading that names the dialog.
    pub title: AttrValue,
    /// The heading's id (the dialog's `aria-labelledby`).
    pub labelled_by: AttrValue,
    /// The Close button's id.
    pub close_id: AttrValue,
    /// Whether the dialog is shown.
    pub open: bool,
    /// The dialog was closed (Escape, a click outside).
    pub on_close: Callback<()>,
    /// The content.
    #[prop_or_default]
    pub children: Html,
}

/// The elements Tab can reach inside `root`, in order.
fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(
        "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])",
    ) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        // Of a radio group only the checked button is in the Tab order.
        .filter(|el| {
            el.dyn_ref::<web_sys::HtmlInputElement>()
                .is_none_or(|i| i.type_() != "radio" || i.checked())
        })
        .collect()
}

fn active_element() -> Option<Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|doc| doc.active_element())
}

/// A modal dialog.
#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog = use_node_ref();
    // Where focus was when the dialog opened, to return it on close.
    let opener = use_mut_ref(|| None::<HtmlElement>);
    {
        let dialog = dialog.clone();
        let opener = opener.clone();
        use_effect_with(props.open, move |&open| {
            let Some(d) = dialog.cast::<HtmlDialogElement>() else {
                return;
            };
            if open && !d.open() {
                *opener.borrow_mut() = active_element().and_then(|el| el.dyn_into().ok());
                let _ = d.show_modal();
                if let Some(first) = focusables(&d).first() {
                    let _ = first.focus();
                }
            } else if !open {
                if d.open() {
                    d.close();
                }
                if let Some(el) = opener.borrow_mut().take() {
                    let _ = el.focus();
                }
            }
        });
    }

    // The browser closes a modal dialog on Escape; keep the state in step.
    let onclose = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: Event| on_close.emit(()))
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    // A click on the backdrop lands on the <dialog> itself.
    let onclick = {
        let on_close = props.on_close.clone();
        let dialog = dialog.clone();
        Callback::from(move |e: MouseEvent| {
            let on_backdrop = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .zip(dialog.cast::<Element>())
                .is_some_and(|(t, d)| t == d);
            if on_backdrop {
                on_close.emit(());
            }
        })
    };
    // Tab and Shift+Tab wrap around inside the dialog.
    let onkeydown = {
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Tab" {
                return;
            }
            let Some(d) = dialog.cast::<Element>() else {
                return;
            };
            let items = focusables(&d);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = active_element();
            let at = |el: &HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == el.unchecked_ref::<Element>())
            };
            if e.shift_key() && at(first) {
                e.prevent_default();
                let _ = last.focus();
            } else if !e.shift_key() && at(last) {
                e.prevent_default();
                let _ = first.focus();
            }
        })
    };

    html! {
        <dialog id={props.id.clone()} class="modal" ref={dialog} aria-labelledby={props.labelled_by.clone()}
            {onclose} {onclick} {onkeydown}>
            <div class="modal-content">
                <div class="modal-head">
                    <h2 id={props.labelled_by.clone()}>{ props.title.clone() }</h2>
                    <button type="button" id={props.close_id.clone()} class="button" onclick={close}>{ "Close" }</button>
                </div>
                { props.children.clone() }
            </div>
        </dialog>
    }
}
