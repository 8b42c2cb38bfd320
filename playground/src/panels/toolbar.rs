//! The top bar: the app's name and the Run button.

use yew::prelude::*;

/// Toolbar properties.
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// Assemble and run.
    pub on_run: Callback<()>,
}

/// The top bar.
#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let onclick = {
        let on_run = props.on_run.clone();
        Callback::from(move |_: MouseEvent| on_run.emit(()))
    };
    html! {
        <header class="toolbar">
            <h1 class="brand"><span class="brand-mark">{ "eBPF" }</span>{ " playground" }</h1>
            <div class="toolbar-actions">
                <button id="run-button" class="button primary" {onclick}
                    title="Assemble and run (Ctrl+Enter)">
                    { "▶ Run" }<kbd>{ "Ctrl+Enter" }</kbd>
                </button>
            </div>
        </header>
    }
}
