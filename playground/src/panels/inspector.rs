//! The tabbed inspector beside the editor: Verifier, Program, Maps, Packet.

use std::rc::Rc;

use yew::prelude::*;

use crate::embed::Embed;
use crate::panels::{MapsPanel, PacketsPanel, ProgramPanel, RunPanel, VerifierPanel};
use crate::session::Report;
use crate::state::{Action, RunMove, StepMove, Tab, Workspace};

/// Inspector properties.
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The workspace.
    pub workspace: UseReducerHandle<Workspace>,
    /// In embed mode, the tabs to show (by label) and whether the packets
    /// can be edited.
    #[prop_or_default]
    pub embed: Option<Rc<Embed>>,
    /// The editor's cursor line, for the program view.
    #[prop_or_default]
    pub cursor_line: Option<u32>,
}

const TABS: [(Tab, &str); 5] = [
    (Tab::Verifier, "Verifier"),
    (Tab::Run, "Run"),
    (Tab::Program, "Program"),
    (Tab::Maps, "Maps"),
    (Tab::Packet, "Packet"),
];

/// Whether an embed shows any of the inspector's tabs.
pub fn embed_shows_any_tab(embed: &Embed) -> bool {
    TABS.iter().any(|&(_, label)| embed.shows(label))
}

/// The inspector.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let ws = &props.workspace;
    let embed = props.embed.as_deref();
    let shown = |label: &str| embed.is_none_or(|e| e.shows(label));
    // An embed opens on its first tab when the workspace's is not shown.
    let open_tab = match TABS.iter().find(|&&(t, _)| t == ws.tab) {
        Some(&(t, label)) if shown(label) => t,
        _ => TABS
            .iter()
            .find(|&&(_, label)| shown(label))
            .map_or(ws.tab, |&(t, _)| t),
    };
    let tabs = TABS
        .iter()
        .filter(|&&(_, label)| shown(label))
        .map(|&(tab, label)| {
            let onclick = {
                let ws = ws.dispatcher();
                Callback::from(move |_: MouseEvent| ws.dispatch(Action::Show(tab)))
            };
            let selected = open_tab == tab;
            // One tab stop for the strip (the open tab); arrows move along it.
            html! {
                <button role="tab" id={format!("tab-{}", label.to_lowercase())}
                    class={classes!("tab", selected.then_some("selected"))}
                    aria-selected={selected.to_string()} aria-controls="inspector-panel"
                    tabindex={if selected { "0" } else { "-1" }} {onclick}>{ label }</button>
            }
        });
    // The tabs pattern of WAI-ARIA: Left/Right (and Home/End) open and focus
    // the neighbouring tab.
    let shown_tabs: Vec<(Tab, &'static str)> = TABS
        .iter()
        .copied()
        .filter(|&(_, label)| shown(label))
        .collect();
    let open_label = shown_tabs
        .iter()
        .find(|&&(t, _)| t == open_tab)
        .map_or("verifier".to_string(), |&(_, l)| l.to_lowercase());
    let on_tab_key = {
        let ws = ws.dispatcher();
        let tabs = shown_tabs.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(at) = tabs.iter().position(|&(t, _)| t == open_tab) else {
                return;
            };
            let last = tabs.len().saturating_sub(1);
            let to = match e.key().as_str() {
                "ArrowRight" => (at + 1) % tabs.len(),
                "ArrowLeft" => at.checked_sub(1).unwrap_or(last),
                "Home" => 0,
                "End" => last,
                _ => return,
            };
            e.prevent_default();
            let (tab, label) = tabs[to];
            ws.dispatch(Action::Show(tab));
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", label.to_lowercase())))
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                let _ = el.focus();
            }
        })
    };
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
    let on_breakpoint = {
        let ws = ws.dispatcher();
        Callback::from(move |line: u32| ws.dispatch(Action::ToggleBreakpoint(line)))
    };
    let analysis = match &ws.report {
        Some(Report::Analysed(a)) => Some(a.clone()),
        _ => None,
    };
    let needs_run = || html! { <p class="hint">{ "Run the program to see this." }</p> };
    let readonly = embed.is_some_and(|e| e.readonly);
    let body = match (open_tab, analysis) {
        (Tab::Packet, _) => {
            let on_action = {
                let ws = ws.dispatcher();
                Callback::from(move |a| ws.dispatch(Action::Packets(a)))
            };
            let panel = html! { <PacketsPanel list={ws.packets.clone()} {on_action} source={AttrValue::from(ws.source.clone())}
            report={(!ws.stale).then(|| ws.report.clone()).flatten()} edits={ws.map_edits.clone()} /> };
            if readonly {
                // A disabled fieldset turns off every control inside it.
                html! { <fieldset class="readonly" disabled=true aria-label="Packets (read-only)">{ panel }</fieldset> }
            } else {
                panel
            }
        }
        (Tab::Verifier, Some(a)) => {
            html! { <VerifierPanel analysis={a} step={ws.step} {on_step} /> }
        }
        (Tab::Program, Some(a)) => {
            let current = ws.current_insn();
            html! { <ProgramPanel analysis={a} {current} {on_pick} cursor_line={props.cursor_line}
            breakpoints={ws.debug.breakpoints.clone()} on_breakpoint={on_breakpoint} /> }
        }
        (Tab::Run, Some(a)) => {
            let on_move = {
                let ws = ws.dispatcher();
                Callback::from(move |how: RunMove| ws.dispatch(Action::RunStep(how)))
            };
            let on_tracing = {
                let ws = ws.dispatcher();
                Callback::from(move |edit| ws.dispatch(Action::Tracing(edit)))
            };
            html! { <RunPanel analysis={a} pos={ws.debug.pos} breakpoints={ws.debug.breakpoints.clone()}
            tracing={ws.tracing.clone()} {on_move} {on_breakpoint} {on_tracing} /> }
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
            <div class="tabs" role="tablist" aria-label="Inspector" onkeydown={on_tab_key}>{ for tabs }</div>
            <div class="panel-body" role="tabpanel" id="inspector-panel"
                aria-labelledby={format!("tab-{open_label}")}>{ body }</div>
        </section>
    }
}
