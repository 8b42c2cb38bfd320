//! The editor: a plain `<textarea>` (so undo/redo, selection, IME and
//! screen readers work as in any text field) over a highlighted copy of the
//! same text, with line numbers and the assembler's error underlined.

use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::highlight::tokenize_line;
use crate::session::SourceError;

/// Editor properties.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text.
    pub source: AttrValue,
    /// The error to underline, if the last run failed to assemble.
    #[prop_or_default]
    pub error: Option<SourceError>,
    /// The line of the instruction the verifier stepper is on.
    #[prop_or_default]
    pub current_line: Option<u32>,
    /// Called with the new text on every edit.
    pub on_edit: Callback<String>,
    /// Ctrl+Enter (or Cmd+Enter).
    pub on_run: Callback<()>,
    /// Lines with a run breakpoint (sorted).
    #[prop_or_default]
    pub breakpoints: Vec<u32>,
    /// A line number in the gutter was clicked.
    #[prop_or_default]
    pub on_breakpoint: Callback<u32>,
    /// The text cannot be changed (a read-only embed); it can still be
    /// selected, copied and run.
    #[prop_or_default]
    pub readonly: bool,
}

/// The source editor panel.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let overlay = use_node_ref();
    let gutter = use_node_ref();

    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_edit.emit(area.value());
        })
    };
    let onkeydown = {
        let on_run = props.on_run.clone();
        let readonly = props.readonly;
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_run.emit(());
            } else if e.key() == "Tab" && !e.shift_key() && !readonly {
                // Indent with a tab instead of leaving the editor; Shift+Tab
                // (and Escape, then Tab) still moves focus on.
                e.prevent_default();
                let area: HtmlTextAreaElement = e.target_unchecked_into();
                let _ = area.set_range_text_with_start_and_end_and_mode(
                    "\t",
                    area.selection_start().ok().flatten().unwrap_or(0),
                    area.selection_end().ok().flatten().unwrap_or(0),
                    "end",
                );
                let _ =
                    area.dispatch_event(&web_sys::InputEvent::new("input").expect("InputEvent"));
            }
        })
    };
    let onscroll = {
        let overlay = overlay.clone();
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(o) = overlay.cast::<HtmlElement>() {
                o.set_scroll_top(area.scroll_top());
                o.set_scroll_left(area.scroll_left());
            }
            if let Some(g) = gutter.cast::<HtmlElement>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };

    // The lines render in memoised components that depend on the text and
    // the error only; the verifier stepper's current line is a band laid
    // over them, so a step re-renders one element, not a 4,096-line program.
    // The lines sit in a wrapper of their own, so the browser lays out the
    // moved band without walking every line again.
    let count = props.source.split('\n').count();
    let error_line = props.error.as_ref().map(|e| e.line as usize);
    let band = props
        .current_line
        .map(|l| l as usize)
        .filter(|&l| l >= 1 && l <= count);
    // Moved by a transform, which the browser composites without laying
    // out the lines again.
    // A fixed width (from the number of digits), so the browser never sizes
    // the gutter by measuring every line number.
    let gutter_width = format!("width: calc({}ch + 1.2rem)", count.to_string().len().max(2));
    let top = |line: usize| format!("transform: translateY({}em)", (line - 1) as f64 * 1.6);

    html! {
        <section class="panel editor-panel" aria-label="Program source">
            <div class="editor">
                <div class="gutter" ref={gutter} aria-hidden="true" style={gutter_width}>
                    <Gutter {count} {error_line} breakpoints={props.breakpoints.clone()}
                        on_toggle={props.on_breakpoint.clone()} />
                    if let Some(l) = band {
                        <div class={classes!("gutter-line", "gutter-current",
                            props.breakpoints.binary_search(&(l as u32)).is_ok().then_some("gutter-bp"))}
                            style={top(l)}>{ l }</div>
                    }
                </div>
                <div class="editor-body">
                    <pre class="editor-overlay" ref={overlay} aria-hidden="true">
                        if let Some(l) = band {
                            <div class="line-band" style={top(l)}></div>
                        }
                        <CodeLines source={props.source.clone()} error={props.error.clone()} />
                    </pre>
                    <textarea
                        id="editor-input"
                        class="editor-input"
                        aria-label="eBPF assembly source"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        value={props.source.clone()}
                        readonly={props.readonly}
                        {oninput}
                        {onkeydown}
                        {onscroll}
                    />
                </div>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    count: usize,
    error_line: Option<usize>,
    breakpoints: Vec<u32>,
    on_toggle: Callback<u32>,
}

/// The line numbers (re-rendered when the line count, the error or the
/// breakpoints change).
#[component]
fn Gutter(props: &GutterProps) -> Html {
    let lines = (1..=props.count).map(|n| {
        let bad = props.error_line == Some(n);
        let breakpoint = props.breakpoints.binary_search(&(n as u32)).is_ok();
        html! { <GutterLine key={n} {n} {bad} {breakpoint} on_toggle={props.on_toggle.clone()} /> }
    });
    html! { <div class="gutter-lines">{ for lines }</div> }
}

#[derive(Properties, PartialEq)]
struct GutterLineProps {
    n: usize,
    bad: bool,
    breakpoint: bool,
    on_toggle: Callback<u32>,
}

/// A line number; a click sets or clears the run breakpoint on the line
/// (the Run tab's breakpoint form does the same from the keyboard).
#[component]
fn GutterLine(props: &GutterLineProps) -> Html {
    let onclick = {
        let on_toggle = props.on_toggle.clone();
        let n = props.n as u32;
        Callback::from(move |_: MouseEvent| on_toggle.emit(n))
    };
    html! {
        <div class={classes!("gutter-line", props.bad.then_some("gutter-error"), props.breakpoint.then_some("gutter-bp"))}
            data-line={props.n.to_string()} title="Toggle a run breakpoint on this line" {onclick}>{ props.n }</div>
    }
}

#[derive(Properties, PartialEq)]
struct CodeLinesProps {
    source: AttrValue,
    error: Option<SourceError>,
}

/// The highlighted text (re-rendered on an edit; one memoised component per
/// line, so typing re-renders the line typed in).
#[component]
fn CodeLines(props: &CodeLinesProps) -> Html {
    let error = props.error.as_ref();
    let lines = props.source.split('\n').enumerate().map(|(i, line)| {
        let error = error.filter(|e| e.line as usize == i + 1).cloned();
        html! { <CodeLine key={i} text={AttrValue::from(line.to_string())} {error} /> }
    });
    html! { <div class="code-lines">{ for lines }</div> }
}

#[derive(Properties, PartialEq)]
struct CodeLineProps {
    text: AttrValue,
    error: Option<SourceError>,
}

#[component]
fn CodeLine(props: &CodeLineProps) -> Html {
    html! {
        <div class="code-line">{ highlight_line(&props.text, props.error.as_ref()) }{ "\n" }</div>
    }
}

/// Colours one line; the error's columns get a wavy underline.
fn highlight_line(line: &str, error: Option<&SourceError>) -> Html {
    // Column range of the error, in characters, 0-based half-open.
    let bad = error.map(|e| {
        let start = e.column.saturating_sub(1) as usize;
        (start, start + e.len.max(1) as usize)
    });
    let mut out = Vec::new();
    let mut col = 0usize;
    for token in tokenize_line(line) {
        let class = token.kind.class();
        // Split a token at the error's bounds so only the bad text is marked.
        let mut chars: Vec<(usize, char)> = Vec::new();
        for c in token.text.chars() {
            chars.push((col, c));
            col += 1;
        }
        let mut run = String::new();
        let mut run_bad = None;
        for (at, c) in chars {
            let is_bad = bad.is_some_and(|(s, e)| at >= s && at < e);
            if run_bad.is_some_and(|b| b != is_bad) {
                out.push(span(class, &run, run_bad == Some(true), error));
                run.clear();
            }
            run_bad = Some(is_bad);
            run.push(c);
        }
        if !run.is_empty() {
            out.push(span(class, &run, run_bad == Some(true), error));
        }
    }
    // An error past the end of the line (e.g. "expected an operand"): mark a
    // space so it is visible.
    if let Some((s, _)) = bad {
        if s >= col {
            out.push(span("", " ", true, error));
        }
    }
    out.into_iter().collect::<Html>()
}

fn span(class: &'static str, text: &str, bad: bool, error: Option<&SourceError>) -> Html {
    let title = if bad {
        error.map(|e| AttrValue::from(e.message.clone()))
    } else {
        None
    };
    html! {
        <span class={classes!(class, bad.then_some("squiggle"))} {title}>{ text.to_string() }</span>
    }
}
