//! Opening a clang object file: an "Open .o" button and drag-and-drop onto
//! the editor (its children), a list to pick from when the object holds
//! several programs, the loader's error with its section and offset, and
//! "Restore previous program" when a replacement (an object's program, an
//! example, a link, an import) set the learner's workspace aside.

use std::rc::Rc;

use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;

use crate::object::{self, OpenedObject};

/// Object opener properties.
#[derive(Properties, PartialEq)]
pub struct ObjectOpenerProps {
    /// Put this text in the editor and run it (the app sets the workspace
    /// it replaces aside).
    pub on_load: Callback<String>,
    /// Put back the workspace set aside, when there is one.
    #[prop_or_default]
    pub on_restore: Option<Callback<()>>,
    /// The editor: dropping a file on it opens the file.
    #[prop_or_default]
    pub children: Html,
}

#[derive(Clone, Default, PartialEq)]
struct OpenerState {
    object: Option<Rc<OpenedObject>>,
    /// Index of the program in the editor, if one was loaded.
    loaded: Option<usize>,
    error: Option<String>,
    dragging: bool,
}

/// Reads `file` and hands its name and bytes to `on_bytes`; read errors go
/// to `on_error`. The file input and a drop both come through here.
fn read_file(file: File, on_bytes: Callback<(String, Vec<u8>)>, on_error: Callback<String>) {
    let name = file.name();
    spawn_local(async move {
        match JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => {
                let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                on_bytes.emit((name, bytes));
            }
            Err(_) => on_error.emit(format!("{name}: the browser could not read the file")),
        }
    });
}

/// The opener: its bar, the program list and the editor it wraps.
#[component]
pub fn ObjectOpener(props: &ObjectOpenerProps) -> Html {
    let state = use_state(OpenerState::default);

    // Loads program `index` of `object` into the editor.
    let load = {
        let state = state.clone();
        let on_load = props.on_load.clone();
        move |object: Rc<OpenedObject>, index: usize, base: OpenerState| {
            let mut next = OpenerState {
                object: Some(object.clone()),
                ..base
            };
            match object.load(index) {
                Ok(program) => {
                    next.loaded = Some(index);
                    next.error = None;
                    on_load.emit(program.source);
                }
                Err(e) => next.error = Some(e),
            }
            state.set(next);
        }
    };

    let on_bytes = {
        let state = state.clone();
        let load = load.clone();
        Callback::from(move |(name, bytes): (String, Vec<u8>)| {
            let base = OpenerState::default();
            match object::open(&name, &bytes) {
                Ok(opened) => {
                    let opened = Rc::new(opened);
                    if opened.programs.len() == 1 {
                        load(opened, 0, base);
                    } else {
                        state.set(OpenerState {
                            object: Some(opened),
                            ..base
                        });
                    }
                }
                // The editor keeps its text; only the error shows.
                Err(e) => state.set(OpenerState {
                    error: Some(e),
                    ..base
                }),
            }
        })
    };
    let on_error = {
        let state = state.clone();
        Callback::from(move |e: String| {
            state.set(OpenerState {
                error: Some(e),
                ..(*state).clone()
            })
        })
    };

    let onchange = {
        let on_bytes = on_bytes.clone();
        let on_error = on_error.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                read_file(file, on_bytes.clone(), on_error.clone());
            }
            // The same file can be opened again after it changed on disk.
            input.set_value("");
        })
    };
    let set_dragging = |on: bool| {
        let state = state.clone();
        move |e: DragEvent| {
            let is_file = e
                .data_transfer()
                .is_some_and(|d| d.types().includes(&"Files".into(), 0));
            if is_file || !on {
                e.prevent_default();
                if state.dragging != on {
                    state.set(OpenerState {
                        dragging: on,
                        ..(*state).clone()
                    });
                }
            }
        }
    };
    let ondragover = Callback::from(set_dragging(true));
    let ondragleave = Callback::from(set_dragging(false));
    let ondrop = {
        let state = state.clone();
        Callback::from(move |e: DragEvent| {
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                e.prevent_default();
                state.set(OpenerState {
                    dragging: false,
                    ..(*state).clone()
                });
                read_file(file, on_bytes.clone(), on_error.clone());
            }
        })
    };

    let restore = props.on_restore.clone().map(|on_restore| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            on_restore.emit(());
            state.set(OpenerState {
                loaded: None,
                ..(*state).clone()
            });
        })
    });
    let close = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            state.set(OpenerState {
                object: None,
                error: None,
                ..(*state).clone()
            })
        })
    };

    let picker = state.object.as_ref().map(|opened| {
        let rows = opened.programs.iter().enumerate().map(|(i, p)| {
            let onclick = {
                let load = load.clone();
                let opened = opened.clone();
                let state = state.clone();
                Callback::from(move |_: MouseEvent| load(opened.clone(), i, (*state).clone()))
            };
            let current = state.loaded == Some(i);
            let kind = if p.supported {
                p.kind.clone()
            } else {
                format!("{} (the VM does not run this type)", p.kind)
            };
            html! {
                <tr class={classes!("object-program", current.then_some("current"))}>
                    <td class="mono">{ p.name.clone() }</td>
                    <td class="mono">{ p.section.clone() }</td>
                    <td class="mono">{ kind }</td>
                    <td class="num">{ p.insns }</td>
                    <td>
                        <button class="button small" {onclick} aria-pressed={current.to_string()}
                            title="Put this program's disassembly in the editor and run it">
                            { if current { "Loaded" } else { "Load" } }
                        </button>
                    </td>
                </tr>
            }
        });
        html! {
            <div class="object-picker" id="object-programs">
                <p class="object-file">
                    <span class="mono">{ opened.file_name.clone() }</span>
                    if let [only] = opened.programs.as_slice() {
                        <span class="hint">{ format!(" · {} in section {} ({}, {} insns)", only.name, only.section, only.kind, only.insns) }</span>
                    } else {
                        <span class="hint">{ format!(" · {} programs", opened.programs.len()) }</span>
                    }
                    if state.loaded.is_none() {
                        <span class="hint">{ " · pick one to load" }</span>
                    }
                    <button class="button small object-close" onclick={close.clone()} aria-label="Close the object">{ "×" }</button>
                </p>
                if opened.programs.len() > 1 {
                <table class="listing">
                    <thead><tr>
                        <th>{ "program" }</th><th>{ "section" }</th><th>{ "type" }</th><th>{ "insns" }</th><th></th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                }
            </div>
        }
    });

    html! {
        <div class={classes!("object-column", state.dragging.then_some("dragging"))}
            {ondragover} {ondragleave} {ondrop}>
            <div class="object-bar">
                <label class="button small" for="object-input"
                    title="Open a clang BPF object (clang -target bpf -O2 -g -c prog.c)">{ "Open .o…" }</label>
                <input id="object-input" class="visually-hidden" type="file" accept=".o,.elf,application/x-object" {onchange} />
                <span class="hint">{ "or drop an object file on the editor" }</span>
                if let Some(onclick) = restore {
                    <button id="restore-previous" class="button small" {onclick}
                        title="Put back the workspace (source, packets, map edits, settings) that the last example, link, import or object replaced">{ "↶ Restore previous program" }</button>
                }
            </div>
            if let Some(error) = &state.error {
                <p id="object-error" class="object-error" role="alert">{ error.clone() }</p>
            }
            { picker.unwrap_or_default() }
            { props.children.clone() }
        </div>
    }
}
