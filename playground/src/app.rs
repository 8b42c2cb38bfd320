//! The app: the workspace reducer and the panels laid out around it.

use yew::prelude::*;

use crate::panels::{Editor, ResultPanel, Toolbar};
use crate::session::Report;
use crate::state::{Action, Workspace, DEFAULT_SOURCE};
use crate::storage;

/// The whole playground.
#[component]
pub fn App() -> Html {
    let workspace = use_reducer(|| {
        Workspace::new(storage::load_source().unwrap_or_else(|| DEFAULT_SOURCE.to_string()))
    });

    // Save every edit, so nothing typed is lost on a reload or a crash.
    use_effect_with(workspace.source.clone(), |source| {
        storage::save_source(source)
    });

    let on_edit = {
        let ws = workspace.dispatcher();
        Callback::from(move |s: String| ws.dispatch(Action::Edit(s)))
    };
    let on_run = {
        let ws = workspace.dispatcher();
        Callback::from(move |()| ws.dispatch(Action::Run))
    };
    let error = match workspace.report.as_deref() {
        Some(Report::Asm(e)) if !workspace.stale => Some(e.clone()),
        _ => None,
    };

    html! {
        <div class="app">
            <Toolbar on_run={on_run.clone()} />
            <main class="workspace">
                <Editor source={AttrValue::from(workspace.source.clone())} {error} {on_edit} {on_run} />
                <ResultPanel report={workspace.report.clone()} stale={workspace.stale} />
            </main>
        </div>
    }
}
