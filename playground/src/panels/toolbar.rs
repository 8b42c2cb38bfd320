//! The top bar: the app's name, the examples gallery, Share and Run; on a
//! phone, Export, Import and Embed… fold into a [`MoreMenu`].

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::more_menu::MoreMenu;
use crate::examples::EXAMPLES;

/// Toolbar properties.
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// Assemble, verify and run.
    pub on_run: Callback<()>,
    /// An example was chosen and opened (its id).
    pub on_example: Callback<String>,
    /// Put a share link in the address bar and copy it.
    pub on_share: Callback<()>,
    /// What the last share did, for the status text.
    #[prop_or_default]
    pub share_status: Option<AttrValue>,
    /// What the browser refused to save, while it refuses.
    #[prop_or_default]
    pub save_warning: Option<AttrValue>,
    /// Open the help dialog.
    #[prop_or_default]
    pub on_help: Callback<()>,
    /// Open the embed link maker.
    #[prop_or_default]
    pub on_embed: Callback<()>,
    /// Switch between light and dark.
    #[prop_or_default]
    pub on_theme_toggle: Callback<()>,
    /// Whether the page is dark now (the toggle offers the other one).
    #[prop_or_default]
    pub dark: bool,
    /// More actions, before Share (workspace export and import).
    #[prop_or_default]
    pub children: Html,
}

/// The top bar.
#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let onclick = {
        let on_run = props.on_run.clone();
        Callback::from(move |_: MouseEvent| on_run.emit(()))
    };
    let share = {
        let on_share = props.on_share.clone();
        Callback::from(move |_: MouseEvent| on_share.emit(()))
    };
    let help = {
        let on_help = props.on_help.clone();
        Callback::from(move |_: MouseEvent| on_help.emit(()))
    };
    let embed = {
        let on_embed = props.on_embed.clone();
        Callback::from(move |_: MouseEvent| on_embed.emit(()))
    };
    let theme = {
        let on_theme_toggle = props.on_theme_toggle.clone();
        Callback::from(move |_: MouseEvent| on_theme_toggle.emit(()))
    };
    let theme_label = if props.dark {
        "Switch to the light theme"
    } else {
        "Switch to the dark theme"
    };
    // Picking an example only chooses it; Open loads it. (Arrowing through
    // a closed select fires `change` in Chromium, so loading on `change`
    // would replace the program at one key press.)
    let chosen = use_state(String::new);
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            chosen.set(select.value());
        })
    };
    let open = {
        let on_example = props.on_example.clone();
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| {
            if !chosen.is_empty() {
                on_example.emit((*chosen).clone());
            }
        })
    };
    let options = EXAMPLES.iter().map(|e| {
        html! {
            <option value={e.id}>{ e.title }</option>
        }
    });
    html! {
        <header class="toolbar">
            <h1 class="brand"><span class="brand-mark">{ "eBPF" }</span>{ " playground" }</h1>
            <div class="toolbar-actions">
                <label class="visually-hidden" for="example-select">{ "Open an example" }</label>
                <select id="example-select" class="select" {onchange}>
                    <option value="" selected=true>{ "Examples…" }</option>
                    { for options }
                </select>
                <button id="example-open" class="button" onclick={open} disabled={chosen.is_empty()}
                    title="Open the chosen example (your program is set aside: Restore previous program puts it back)">{ "Open" }</button>
                if let Some(warning) = &props.save_warning {
                    <span id="save-warning" class="share-status warn" role="alert">{ warning.clone() }</span>
                }
                if let Some(status) = &props.share_status {
                    <span class="share-status" role="status">{ status.clone() }</span>
                }
                <MoreMenu label="More: export, import, embed">
                    { props.children.clone() }
                    <button id="embed-button" class="button" onclick={embed} aria-haspopup="dialog"
                        title="Make a link that shows chosen panels of this workspace, for slides and course pages">{ "Embed…" }</button>
                </MoreMenu>
                <button id="share-button" class="button" onclick={share}
                    title="Put a link to this workspace in the address bar and copy it">{ "Share" }</button>
                <button id="theme-toggle" class="button icon" onclick={theme}
                    title={theme_label} aria-label={theme_label}>
                    <span aria-hidden="true">{ if props.dark { "☀" } else { "☾" } }</span>
                </button>
                <button id="help-button" class="button icon" onclick={help}
                    title="Keyboard shortcuts and display settings (?)" aria-label="Help: keyboard shortcuts and display settings"
                    aria-haspopup="dialog">
                    <span aria-hidden="true">{ "?" }</span>
                </button>
                <button id="run-button" class="button primary" {onclick}
                    title="Assemble, verify and run (Ctrl+Enter)">
                    { "▶ Run" }<kbd>{ "Ctrl+Enter" }</kbd>
                </button>
            </div>
        </header>
    }
}
