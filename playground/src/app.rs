//! The app: the workspace reducer and the panels laid out around it.

use yew::prelude::*;

use crate::examples;
use crate::packet_list::PacketList;
use crate::panels::{Editor, Inspector, ObjectOpener, ResultPanel, Toolbar};
use crate::session::{Report, SAMPLE_PACKET_HEX};
use crate::share;
use crate::state::{Action, Workspace, DEFAULT_SOURCE};
use crate::storage;

/// The starting workspace: a share link wins (and runs at once), then what
/// local storage saved, then the first example.
fn initial_workspace() -> Workspace {
    let fragment = share::current_fragment().unwrap_or_default();
    if let Some((source, packet)) = share::decode(&fragment) {
        let list = share::decode_packets(&fragment).and_then(|j| PacketList::from_json(&j));
        return Workspace::new(source, packet).with_packets(list).ran();
    }
    Workspace::new(
        storage::load_source().unwrap_or_else(|| DEFAULT_SOURCE.to_string()),
        storage::load_packet().unwrap_or_else(|| SAMPLE_PACKET_HEX.to_string()),
    )
    .with_packets(storage::load_packets().and_then(|j| PacketList::from_json(&j)))
    .with_map_edits(storage::load_map_edits())
}

/// The whole playground.
#[component]
pub fn App() -> Html {
    let workspace = use_reducer(initial_workspace);
    let share_status = use_state(|| None::<AttrValue>);

    // Save every edit, so nothing typed is lost on a reload or a crash.
    use_effect_with(workspace.source.clone(), |source| {
        storage::save_source(source)
    });
    use_effect_with(workspace.packet.clone(), |packet| {
        storage::save_packet(packet)
    });
    use_effect_with(workspace.packets.clone(), |packets| {
        storage::save_packets(&packets.to_json())
    });
    use_effect_with(workspace.map_edits.clone(), storage::save_map_edits);

    // Stable callbacks (made once), so a verifier step does not re-render
    // the editor's every line.
    let on_edit = {
        let ws = workspace.dispatcher();
        use_callback((), move |s: String, _| ws.dispatch(Action::Edit(s)))
    };
    let on_run = {
        let ws = workspace.dispatcher();
        use_callback((), move |(), _| ws.dispatch(Action::Run))
    };
    let on_breakpoint = {
        let ws = workspace.dispatcher();
        use_callback((), move |line: u32, _| {
            ws.dispatch(Action::ToggleBreakpoint(line))
        })
    };
    let on_example = {
        let ws = workspace.dispatcher();
        Callback::from(move |id: String| {
            if let Some(e) = examples::by_id(&id) {
                ws.dispatch(Action::Load(e.source.to_string()));
            }
        })
    };
    let on_object = {
        let ws = workspace.dispatcher();
        Callback::from(move |source: String| ws.dispatch(Action::Load(source)))
    };
    let on_share = {
        let ws = workspace.clone();
        let status = share_status.clone();
        Callback::from(move |()| {
            let packets = ws.packets.to_json();
            let text = match share::publish_with_packets(&ws.source, &ws.packet, Some(&packets)) {
                Some(url) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.navigator().clipboard().write_text(&url);
                    }
                    "Link copied: it holds the whole workspace"
                }
                None => "Could not make a link in this browser",
            };
            status.set(Some(AttrValue::from(text)));
        })
    };

    let (error, current_line) = match &workspace.report {
        Some(Report::Asm(e)) if !workspace.stale => (Some(e.clone()), None),
        Some(Report::Analysed(a)) if !workspace.stale => {
            // The verifier stepper's instruction, or the run debugger's when it moved last.
            let line = workspace
                .current_insn()
                .and_then(|insn| a.program.source_map.line_of(insn));
            (None, line)
        }
        _ => (None, None),
    };

    html! {
        <div class="app">
            <Toolbar on_run={on_run.clone()} {on_example} {on_share} share_status={(*share_status).clone()} />
            <main class="workspace">
                <ObjectOpener source={AttrValue::from(workspace.source.clone())} on_load={on_object}>
                    <Editor source={AttrValue::from(workspace.source.clone())} {error} {current_line} {on_edit} {on_run}
                        breakpoints={workspace.debug.breakpoints.clone()} {on_breakpoint} />
                </ObjectOpener>
                <div class="side">
                    <ResultPanel report={workspace.report.clone()} stale={workspace.stale}
                        packet_error={workspace.packet_error.clone()} />
                    <Inspector workspace={workspace.clone()} />
                </div>
            </main>
        </div>
    }
}
