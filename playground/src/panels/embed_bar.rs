//! The slim bar of an embedded playground: the name, a read-only badge,
//! help, a link to the full playground with this workspace, and Run.

use yew::prelude::*;

/// Embed bar properties.
#[derive(Properties, PartialEq)]
pub struct EmbedBarProps {
    /// Assemble, verify and run.
    pub on_run: Callback<()>,
    /// Open the help dialog.
    pub on_help: Callback<()>,
    /// Open this workspace in the full playground (a new tab).
    pub on_open_full: Callback<()>,
    /// The embed is read-only.
    #[prop_or_default]
    pub readonly: bool,
}

/// The embed bar.
#[component]
pub fn EmbedBar(props: &EmbedBarProps) -> Html {
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <header class="toolbar embed-bar">
            <p class="brand"><span class="brand-mark">{ "eBPF" }</span>{ " playground" }
                if props.readonly {
                    <span class="badge" id="readonly-badge">{ "read-only" }</span>
                }
            </p>
            <div class="toolbar-actions">
                <button id="help-button" class="button icon" onclick={click(&props.on_help)}
                    title="Keyboard shortcuts and display settings (?)"
                    aria-label="Help: keyboard shortcuts and display settings" aria-haspopup="dialog">
                    <span aria-hidden="true">{ "?" }</span>
                </button>
                <button id="open-full" class="button" onclick={click(&props.on_open_full)}
                    title="Open this workspace in the full playground, in a new tab">
                    { "Open in playground ↗" }
                </button>
                <button id="run-button" class="button primary" onclick={click(&props.on_run)}
                    title="Assemble, verify and run (Ctrl+Enter)">{ "▶ Run" }</button>
            </div>
        </header>
    }
}
