//! "Embed…": makes an embed link of the current workspace for slides and
//! course pages: pick the panels, read-only or not, then copy the link or
//! an `<iframe>` for it. See [`crate::embed`].

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::modal::Modal;
use crate::embed;

/// The panels an embed can show, with their labels.
pub const EMBED_PANELS: [(&str, &str); 7] = [
    ("editor", "Editor"),
    ("result", "Result"),
    ("verifier", "Verifier"),
    ("run", "Run"),
    ("program", "Program"),
    ("maps", "Maps"),
    ("packets", "Packets"),
];

/// Embed link dialog properties.
#[derive(Properties, PartialEq)]
pub struct EmbedLinkProps {
    /// Whether the dialog is shown.
    pub open: bool,
    /// The dialog was closed.
    pub on_close: Callback<()>,
    /// The share fragment of the current workspace (made when it opens).
    pub fragment: AttrValue,
}

fn copy(text: &str) -> bool {
    web_sys::window()
        .map(|w| {
            let _ = w.navigator().clipboard().write_text(text);
        })
        .is_some()
}

/// The embed link dialog.
#[component]
pub fn EmbedLinkDialog(props: &EmbedLinkProps) -> Html {
    let chosen = use_state(|| embed::DEFAULT_PANELS.to_vec());
    let readonly = use_state(|| true);
    let status = use_state(|| None::<&'static str>);

    let panels: Vec<&str> = EMBED_PANELS
        .iter()
        .map(|&(name, _)| name)
        .filter(|n| chosen.contains(n))
        .collect();
    let url = embed::link(&embed::query(&panels, *readonly), &props.fragment).unwrap_or_default();
    let iframe = format!(
        "<iframe src=\"{url}\" width=\"960\" height=\"540\" title=\"eBPF playground\" loading=\"lazy\"></iframe>"
    );

    let boxes = EMBED_PANELS.iter().map(|&(name, label)| {
        let onchange = {
            let chosen = chosen.clone();
            let status = status.clone();
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                let mut next: Vec<&'static str> =
                    chosen.iter().copied().filter(|&n| n != name).collect();
                if on {
                    next.push(name);
                }
                chosen.set(next);
                status.set(None);
            })
        };
        html! {
            <label class="choice">
                <input type="checkbox" id={format!("embed-panel-{name}")}
                    checked={chosen.contains(&name)} {onchange} />
                { label }
            </label>
        }
    });
    let on_readonly = {
        let readonly = readonly.clone();
        let status = status.clone();
        Callback::from(move |e: Event| {
            readonly.set(e.target_unchecked_into::<HtmlInputElement>().checked());
            status.set(None);
        })
    };
    let copy_link = {
        let url = url.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            status.set(Some(if copy(&url) {
                "Link copied"
            } else {
                "Could not copy"
            }))
        })
    };
    let copy_iframe = {
        let iframe = iframe.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            status.set(Some(if copy(&iframe) {
                "<iframe> copied"
            } else {
                "Could not copy"
            }))
        })
    };
    let empty = panels.is_empty();

    html! {
        <Modal id="embed-dialog" title="Embed this workspace" labelled_by="embed-title" close_id="embed-close"
            open={props.open} on_close={props.on_close.clone()}>
            <p class="hint">{ "For slides and course pages: the link holds this workspace and shows only the panels picked here. It never touches what a learner has saved in their own playground." }</p>
            <fieldset class="choices">
                <legend>{ "Panels" }</legend>
                { for boxes }
            </fieldset>
            <fieldset class="choices">
                <legend>{ "Editing" }</legend>
                <label class="choice">
                    <input type="checkbox" id="embed-readonly" checked={*readonly} onchange={on_readonly} />
                    { "Read-only (Run and stepping still work)" }
                </label>
            </fieldset>
            if empty {
                <p class="warn" role="alert">{ "Pick at least one panel." }</p>
            } else {
                <label class="field-label" for="embed-url">{ "Link" }</label>
                <input id="embed-url" class="embed-code mono" type="text" readonly=true value={url.clone()} />
                <label class="field-label" for="embed-iframe">{ "HTML" }</label>
                <input id="embed-iframe" class="embed-code mono" type="text" readonly=true value={iframe} />
                <div class="embed-actions">
                    <button type="button" id="embed-copy" class="button primary" onclick={copy_link}>{ "Copy link" }</button>
                    <button type="button" id="embed-copy-iframe" class="button" onclick={copy_iframe}>{ "Copy <iframe>" }</button>
                    <a id="embed-open" class="button" href={url} target="_blank" rel="noopener">{ "Try it ↗" }</a>
                    if let Some(s) = *status {
                        <span class="muted" role="status">{ s }</span>
                    }
                </div>
            }
        </Modal>
    }
}
