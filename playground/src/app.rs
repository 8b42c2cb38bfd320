//! The app: the workspace reducer and the panels laid out around it.

use std::rc::Rc;

use yew::prelude::*;
use yew::Reducible;

use crate::embed::{self, Embed};
use crate::examples;
use crate::packet_list::PacketList;
use crate::panels::{
    download_json, embed_shows_any_tab, use_help_key, Editor, EmbedBar, EmbedLinkDialog,
    HelpDialog, Inspector, ObjectOpener, Problem, ResultPanel, Toolbar, WorkspaceFile, EXPORT_NAME,
};
use crate::prefs::{self, TextSize, Theme};
use crate::session::{Report, SAMPLE_PACKET_HEX};
use crate::set_aside::SetAside;
use crate::share;
use crate::snapshot::{Snapshot, View};
use crate::state::{Action, Workspace, DEFAULT_SOURCE};
use crate::storage;

/// The starting workspace: a share link wins (run at once, stepped to its
/// step), then what local storage saved (on its tab, and run and stepped
/// to its step when it had been run and not edited since, as a link
/// opens), then the first example.
/// A link's workspace is saved, unrun, and the link taken out of the
/// address bar before it runs: a reload opens the saved work (edits made
/// since included), and a link whose run crashes the page opens unrun.
/// An embed never reads local storage: it shows its link's workspace, or
/// the first program, run, and keeps its link, so reloading an embed shows
/// the link's workspace again. A damaged link is named in the returned
/// notice and the saved workspace opens instead, untouched.
fn initial_workspace(embedded: bool) -> (Workspace, Option<String>) {
    let fragment = share::current_fragment().unwrap_or_default();
    let link = share::decode_snapshot(&fragment);
    let notice = |e: String| {
        format!("This link could not be opened ({e}); your saved workspace is shown instead.")
    };
    if embedded {
        return match link {
            Some(Ok(doc)) => (doc.into_workspace(), None),
            other => (
                Workspace::sample().ran(),
                other.and_then(Result::err).map(notice),
            ),
        };
    }
    let saved = Workspace::new(
        storage::load_source().unwrap_or_else(|| DEFAULT_SOURCE.to_string()),
        storage::load_packet().unwrap_or_else(|| SAMPLE_PACKET_HEX.to_string()),
    )
    .with_packets(storage::load_packets().and_then(|j| PacketList::from_json(&j)))
    .with_map_edits(storage::load_map_edits())
    .with_debug(storage::load_tracing(), storage::load_breakpoints());
    let view = storage::load_view();
    let notice = match link {
        Some(Ok(doc)) => {
            // The learner's saved work is set aside, one click away.
            let mut own = saved;
            if let Some(view) = &view {
                own.tab = view.open_tab();
            }
            storage::save_set_aside(
                &storage::load_set_aside().replacing(Snapshot::of(&own), doc.clone()),
            );
            let position = doc.position.clone();
            let linked = doc.into_unrun();
            save_all(&linked);
            share::forget_link();
            return (position.step(linked.ran()), None);
        }
        other => other.and_then(Result::err).map(notice),
    };
    let Some(view) = view else {
        return (saved, notice);
    };
    if view.position.ran {
        // Should this run crash the page, the next reload opens the
        // workspace unrun rather than crashing again (the app saves the
        // real position once it has rendered).
        let mut unrun = view.clone();
        unrun.position.ran = false;
        storage::save_view(&unrun);
    }
    (view.open(saved), notice)
}

/// Puts `text` on the clipboard; false when the browser refuses (no
/// permission, the page not focused, no clipboard).
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let copied = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(copied).await.is_ok()
}

/// Saves every part of `ws` the app saves on its own change.
fn save_all(ws: &Workspace) {
    storage::save_source(&ws.source);
    storage::save_packet(&ws.packet);
    storage::save_packets(&ws.packets.to_json());
    storage::save_map_edits(&ws.map_edits);
    storage::save_tracing(&ws.tracing);
    storage::save_breakpoints(&ws.debug.breakpoints);
    storage::save_view(&View::of(ws));
}

/// Runs `write` (a save of one part of the workspace) unless the page is
/// an embed; a saved change also takes a share link out of the address
/// bar, so after Share the link stays only until the first edit.
fn keep(save: bool, write: impl FnOnce()) {
    if save {
        write();
        share::forget_link();
    }
}

/// The `performance.mark` set after the app's first render.
pub const READY_MARK: &str = "bpfplay-ready";

/// The whole playground.
#[component]
pub fn App() -> Html {
    let embed: Option<Rc<Embed>> = (*use_memo((), |_| Embed::current().map(Rc::new))).clone();
    let save = embed.is_none();
    let started = use_memo((), move |_| initial_workspace(!save));
    let workspace = {
        let started = started.clone();
        use_reducer(move || started.0.clone())
    };
    let share_status = use_state(|| started.1.clone().map(AttrValue::from));
    // What the last example, link, import or object replaced (read after
    // `initial_workspace`, which sets aside the saved work a link replaces).
    let set_aside = use_state(|| {
        if save {
            storage::load_set_aside()
        } else {
            SetAside::default()
        }
    });

    // The first render is on the screen: the end-to-end test times a page
    // load from navigation start to this mark.
    use_effect_with((), |_| {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark(READY_MARK);
        }
    });

    // What the browser refused to save, until it saves again (watched
    // before the first save below).
    let save_warning = use_state(|| None::<AttrValue>);
    {
        let set = save_warning.setter();
        use_effect_with((), move |_| {
            if save {
                storage::watch(Callback::from(move |m: Option<String>| {
                    set.set(m.map(AttrValue::from))
                }));
            }
        });
    }

    // Save every edit, so nothing typed is lost on a reload or a crash (an
    // embed leaves the saved workspace alone).
    use_effect_with(workspace.source.clone(), move |source| {
        keep(save, || storage::save_source(source))
    });
    use_effect_with(workspace.packet.clone(), move |packet| {
        keep(save, || storage::save_packet(packet))
    });
    use_effect_with(workspace.packets.clone(), move |packets| {
        keep(save, || storage::save_packets(&packets.to_json()))
    });
    use_effect_with(workspace.map_edits.clone(), move |edits| {
        keep(save, || storage::save_map_edits(edits))
    });
    use_effect_with(workspace.tracing.clone(), move |tracing| {
        keep(save, || storage::save_tracing(tracing))
    });
    use_effect_with(workspace.debug.breakpoints.clone(), move |b| {
        keep(save, || storage::save_breakpoints(b))
    });
    // The tab and the steppers' position, on every move: a small record
    // whose save costs far less than the step's render (see README), so
    // nothing waits on a timer and a tab closed right after keeps the step.
    use_effect_with(View::of(&workspace), move |view| {
        if save {
            storage::save_view(view)
        }
    });

    // Help (`?` or the toolbar button) and the display settings.
    let help_open = use_state(|| false);
    // The editor's cursor line (view state, not part of the workspace).
    let cursor_line = use_state(|| None::<u32>);
    let on_cursor_line = {
        let cursor_line = cursor_line.clone();
        Callback::from(move |line: u32| cursor_line.set(Some(line)))
    };
    let theme = use_state(prefs::load_theme);
    let text_size = use_state(prefs::load_text_size);
    let open_help = {
        let help_open = help_open.setter();
        use_callback((), move |(), _| help_open.set(true))
    };
    use_help_key(open_help.clone());
    let close_help = {
        let help_open = help_open.setter();
        Callback::from(move |()| help_open.set(false))
    };
    let on_theme = {
        let theme = theme.setter();
        Callback::from(move |t: Theme| {
            prefs::set_theme(t);
            theme.set(t);
        })
    };
    let dark = match *theme {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::System => prefs::system_prefers_dark(),
    };
    let on_theme_toggle = {
        let on_theme = on_theme.clone();
        let now = *theme;
        Callback::from(move |()| on_theme.emit(now.toggled(prefs::system_prefers_dark())))
    };
    let on_text_size = {
        let text_size = text_size.setter();
        Callback::from(move |s: TextSize| {
            prefs::set_text_size(s);
            text_size.set(s);
        })
    };
    // The embed link maker (its share fragment is made only while it is open).
    let embed_open = use_state(|| false);
    let open_embed = {
        let embed_open = embed_open.setter();
        Callback::from(move |()| embed_open.set(true))
    };
    let close_embed = {
        let embed_open = embed_open.setter();
        Callback::from(move |()| embed_open.set(false))
    };
    let embed_fragment = if *embed_open {
        share::encode_snapshot(&Snapshot::of(&workspace))
    } else {
        String::new()
    };
    let help = html! {
        <HelpDialog open={*help_open} on_close={close_help} theme={*theme} {on_theme}
            text_size={*text_size} {on_text_size} />
    };

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
    // Every replacement of the learner's program goes through here, so
    // what it replaces is set aside ("Restore previous program").
    let replace = {
        let ws = workspace.clone();
        let set_aside = set_aside.clone();
        Callback::from(move |next: Workspace| {
            let slot = set_aside.replacing(Snapshot::of(&ws), Snapshot::of(&next));
            storage::save_set_aside(&slot);
            set_aside.set(slot);
            ws.dispatch(Action::Replace(Box::new(next)));
        })
    };
    let load_source = {
        let ws = workspace.clone();
        let replace = replace.clone();
        move |source: String| {
            let current = Rc::new((*ws).clone());
            replace.emit(Rc::unwrap_or_clone(current.reduce(Action::Load(source))));
        }
    };
    let on_example = {
        let load_source = load_source.clone();
        Callback::from(move |id: String| {
            if let Some(e) = examples::by_id(&id) {
                load_source(e.source.to_string());
            }
        })
    };
    let on_object = Callback::from(load_source);
    let on_restore = set_aside.kept.clone().map(|kept| {
        let ws = workspace.clone();
        let set_aside = set_aside.clone();
        Callback::from(move |()| {
            let slot = set_aside.restoring(Snapshot::of(&ws));
            storage::save_set_aside(&slot);
            set_aside.set(slot);
            ws.dispatch(Action::Replace(Box::new(kept.clone().into_workspace())));
        })
    });
    let on_share = {
        let ws = workspace.clone();
        let status = share_status.clone();
        Callback::from(move |()| {
            let Some(url) = share::publish_snapshot(&Snapshot::of(&ws)) else {
                status.set(Some(AttrValue::from(
                    "Could not make a link in this browser",
                )));
                return;
            };
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = if copy_text(&url).await {
                    "Link copied: it holds the whole workspace"
                } else {
                    "Copy failed, the link is in the address bar"
                };
                status.set(Some(AttrValue::from(text)));
            });
        })
    };

    let on_export = {
        let ws = workspace.clone();
        let status = share_status.clone();
        Callback::from(move |()| {
            let text = match download_json(&Snapshot::of(&ws).to_json(), EXPORT_NAME) {
                Ok(()) => format!("Exported {EXPORT_NAME}"),
                Err(e) => format!("Could not export: {e}"),
            };
            status.set(Some(AttrValue::from(text)));
        })
    };
    let on_import = {
        let status = share_status.clone();
        Callback::from(move |read: Result<Snapshot, String>| match read {
            Ok(doc) => {
                replace.emit(doc.into_workspace());
                status.set(Some(AttrValue::from("Workspace imported")));
            }
            Err(e) => status.set(Some(AttrValue::from(format!(
                "{e}. Your workspace is unchanged."
            )))),
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
    let problems = problems(&workspace);

    if let Some(e) = embed {
        let on_open_full = {
            let ws = workspace.clone();
            Callback::from(move |()| {
                let fragment = share::encode_snapshot(&Snapshot::of(&ws));
                if let (Some(w), Some(url)) = (web_sys::window(), embed::full_app_url(&fragment)) {
                    let _ = w.open_with_url_and_target(&url, "_blank");
                }
            })
        };
        let editor = e.shows("editor");
        let result = e.shows("result");
        let tabs = embed_shows_any_tab(&e);
        return html! {
            <div class={classes!("app", "embed", e.readonly.then_some("readonly"))}>
                <EmbedBar on_run={on_run.clone()} on_help={open_help} {on_open_full} readonly={e.readonly} />
                <main class={classes!("workspace", (!editor || !(result || tabs)).then_some("single"))}>
                    if editor {
                        <Editor source={AttrValue::from(workspace.source.clone())} {error} {problems} {current_line}
                            {on_edit} {on_run} readonly={e.readonly} />
                    }
                    if result || tabs {
                        <div class="side">
                            if result {
                                <ResultPanel report={workspace.report.clone()} stale={workspace.stale}
                                    packet_error={workspace.packet_error.clone()} />
                            }
                            if tabs {
                                <Inspector workspace={workspace.clone()} embed={e.clone()} />
                            }
                        </div>
                    }
                </main>
                { help }
            </div>
        };
    }

    html! {
        <div class="app">
            <Toolbar on_run={on_run.clone()} {on_example} {on_share} share_status={(*share_status).clone()}
                save_warning={(*save_warning).clone()}
                on_help={open_help} on_embed={open_embed} {on_theme_toggle} {dark}>
                <WorkspaceFile {on_export} {on_import} />
            </Toolbar>
            <main class="workspace">
                <ObjectOpener on_load={on_object} {on_restore}>
                    <Editor source={AttrValue::from(workspace.source.clone())} {error} {problems} {current_line} {on_edit} {on_run}
                        breakpoints={workspace.debug.breakpoints.clone()} {on_breakpoint} {on_cursor_line} />
                </ObjectOpener>
                <div class="side">
                    <ResultPanel report={workspace.report.clone()} stale={workspace.stale}
                        packet_error={workspace.packet_error.clone()} />
                    <Inspector workspace={workspace.clone()} cursor_line={*cursor_line} />
                </div>
            </main>
            { help }
            <EmbedLinkDialog open={*embed_open} on_close={close_embed} fragment={AttrValue::from(embed_fragment)} />
        </div>
    }
}

/// What the editor's problems list shows for the last run: the assembler's
/// error, or the verifier's rejection at its source line.
fn problems(workspace: &Workspace) -> Vec<Problem> {
    if workspace.stale {
        return Vec::new();
    }
    match &workspace.report {
        Some(Report::Asm(e)) => vec![Problem {
            source: "assembler",
            line: e.line,
            column: Some(e.column),
            message: e.message.clone(),
        }],
        Some(Report::Analysed(a)) => a
            .verifier
            .error
            .iter()
            .filter_map(|e| {
                let line = e.line.or_else(|| a.program.source_map.line_of(e.insn))?;
                Some(Problem {
                    source: "verifier",
                    line,
                    column: None,
                    message: format!("insn {}: {}", e.insn, e.message),
                })
            })
            .collect(),
        None => Vec::new(),
    }
}
