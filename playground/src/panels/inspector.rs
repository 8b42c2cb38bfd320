//! The tabbed inspector beside the editor: Verifier, Program, Maps, Packet.

use yew::prelude::*;

use crate::panels::{MapsPanel, PacketsPanel, ProgramPanel, VerifierPanel};
use crate::session::Report;
use crate::state::{Action, StepMove, Tab, Workspace};

/// Inspector properties.
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The workspace.
    pub workspace: UseReducerHandle<Workspace>,
}

const TABS: [(Tab, &str); 4] = [
    (Tab::Verifier, "Verifier"),
    (Tab::Program, "Program"),
    (Tab::Maps, "Maps"),
    (Tab::Packet, "Packet"),
];

/// The inspector.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let ws = &props.workspace;
    let tabs = TABS.iter().map(|&(tab, label)| {
        let onclick = {
            let ws = ws.dispatcher();
            Callback::from(move |_: MouseEvent| ws.dispatch(Action::Show(tab)))
        };
        let selected = ws.tab == tab;
        html! {
            <button role="tab" id={format!("tab-{}", label.to_lowercase())}
                class={classes!("tab", selected.then_some("selected"))}
                aria-selected={selected.to_string()} {onclick}>{ label }</button>
        }
    });
    let on_step = {
        let ws = ws.dispatcher();
        Callback::from(move |how: StepMove| ws.dispatch(Action::Step(how)))
    };
    let on_pick = {
        let ws = ws.dispatcher();
        Callback::from(move |insn: usize| {
            ws.dispatch(Action::Step(StepMove::ToInsn(insn)));
            ws.dispatch(Action::Show(Tab::Verifier));
        })
    };
    let analysis = match &ws.report {
        Some(Report::Analysed(a)) => Some(a.clone()),
        _ => None,
    };
    let needs_run = || html! { <p class="hint">{ "Run the program to see this." }</p> };
    let body = match (ws.tab, analysis) {
        (Tab::Packet, _) => {
            let on_action = {
                let ws = ws.dispatcher();
                Callback::from(move |a| ws.dispatch(Action::Packets(a)))
            };
            html! { <PacketsPanel list={ws.packets.clone()} {on_action} source={AttrValue::from(ws.source.clone())}
            report={(!ws.stale).then(|| ws.report.clone()).flatten()} /> }
        }
        (Tab::Verifier, Some(a)) => {
            html! { <VerifierPanel analysis={a} step={ws.step} {on_step} /> }
        }
        (Tab::Program, Some(a)) => {
            let current = a.verifier.trace.get(ws.step).map(|s| s.insn);
            html! { <ProgramPanel analysis={a} {current} {on_pick} /> }
        }
        (Tab::Maps, Some(a)) => {
            let on_edit = {
                let ws = ws.dispatcher();
                Callback::from(move |e| ws.dispatch(Action::EditMap(e)))
            };
            let on_reset = {
                let ws = ws.dispatcher();
                Callback::from(move |m| ws.dispatch(Action::ResetMap(m)))
            };
            html! { <MapsPanel analysis={a} edits={ws.map_edits.clone()} stale={ws.stale} {on_edit} {on_reset} /> }
        }
        (_, None) => needs_run(),
    };
    html! {
        <section class="panel inspector" aria-label="Inspector">
            <div class="tabs" role="tablist">{ for tabs }</div>
            <div class="panel-body" role="tabpanel">{ body }</div>
        </section>
    }
}
