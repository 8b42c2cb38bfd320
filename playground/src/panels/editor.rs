//! The editor: a plain `<textarea>` (so undo/redo, selection, IME and
//! screen readers work as in any text field) over a highlighted copy of the
//! same text, with line numbers, the assembler's error underlined, a
//! problems list, and optional vim keys ([`crate::vim`]).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDocument, HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::highlight::tokenize_line;
use crate::session::SourceError;
use crate::vim::{Action as VimAction, Mode, Vim};

/// Local storage key of the vim-keys preference (a person's, not a workspace's).
const VIM_KEY: &str = "bpfplay.vim-keys";

/// One entry of the problems list.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Who found it: `assembler` or `verifier`.
    pub source: &'static str,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// The message.
    pub message: String,
}

/// Editor properties.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text.
    pub source: AttrValue,
    /// The error to underline, if the last run failed to assemble.
    #[prop_or_default]
    pub error: Option<SourceError>,
    /// Everything wrong with the last run, listed under the editor.
    #[prop_or_default]
    pub problems: Vec<Problem>,
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
    /// The cursor moved to another line (1-based).
    #[prop_or_default]
    pub on_cursor_line: Callback<u32>,
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
    let vim = use_mut_ref(Vim::default);
    let vim_on = use_state(|| LocalStorage::get::<bool>(VIM_KEY).unwrap_or(false));
    // What the status line shows: the mode and the keys of an unfinished command.
    let vim_status = use_state(|| (Mode::Normal, String::new()));
    let onkeydown = {
        let on_run = props.on_run.clone();
        let readonly = props.readonly;
        let vim = vim.clone();
        let vim_on = *vim_on;
        let vim_status = vim_status.clone();
        Callback::from(move |e: KeyboardEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_run.emit(());
                return;
            }
            if vim_on && !readonly && e.key() != "Tab" {
                let handled = apply_vim_key(&vim, &area, &e);
                let v = vim.borrow();
                vim_status.set((v.mode(), v.pending().to_string()));
                if handled {
                    e.prevent_default();
                    return;
                }
            }
            if e.key() == "Tab" && !e.shift_key() && !readonly {
                // Indent with a tab instead of leaving the editor; Shift+Tab
                // (and Escape, then Tab) still moves focus on.
                e.prevent_default();
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
    let on_vim_toggle = {
        let vim_on = vim_on.clone();
        let vim = vim.clone();
        let vim_status = vim_status.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            let _ = LocalStorage::set(VIM_KEY, on);
            *vim.borrow_mut() = Vim::default();
            vim_status.set((Mode::Normal, String::new()));
            vim_on.set(on);
        })
    };
    let input_ref = use_node_ref();
    let on_problem = {
        let input_ref = input_ref.clone();
        let source = props.source.clone();
        Callback::from(move |(line, column): (u32, Option<u32>)| {
            if let Some(area) = input_ref.cast::<HtmlTextAreaElement>() {
                let at = utf16_offset_of(&source, line, column.unwrap_or(1));
                let _ = area.focus();
                let _ = area.set_selection_range(at, at);
            }
        })
    };
    // Where the cursor is, for the program view (after clicks and keys).
    let on_caret = {
        let on_cursor_line = props.on_cursor_line.clone();
        let last = use_mut_ref(|| 0u32);
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let text = area.value();
            let at = byte_offset(&text, area.selection_start().ok().flatten().unwrap_or(0));
            let line = text[..at].matches('\n').count() as u32 + 1;
            if *last.borrow() != line {
                *last.borrow_mut() = line;
                on_cursor_line.emit(line);
            }
        })
    };
    let onkeyup = on_caret.reform(|e: KeyboardEvent| e.into());
    let onclick = on_caret.reform(|e: MouseEvent| e.into());
    let on_hover = problem_on_hover(overlay.clone());
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
    // When the current line moves (a step, a run), scroll it into view as
    // an IDE does: only when it is out of view or at the edge, keeping a
    // few lines around it. Not on other renders, so a learner who scrolled
    // away to read is left there until the next step.
    let band_ref = use_node_ref();
    {
        let (area, overlay, gutter, band_ref) = (
            input_ref.clone(),
            overlay.clone(),
            gutter.clone(),
            band_ref.clone(),
        );
        use_effect_with(band, move |band| {
            let (Some(line), Some(area), Some(b)) = (
                *band,
                area.cast::<HtmlElement>(),
                band_ref.cast::<HtmlElement>(),
            ) else {
                return;
            };
            // The band's box is one line, at the text's top padding (its
            // transform does not count). Its height unrounded: a line is
            // 22.3 px at some text sizes, and whole pixels drift by a line
            // in 60.
            let view = ScrollView {
                pad: f64::from(b.offset_top()),
                line_height: b.get_bounding_client_rect().height(),
                top: f64::from(area.scroll_top()),
                height: f64::from(area.client_height()),
            };
            if let Some(top) = view.scroll_to_show(line) {
                area.set_scroll_top(top.round() as i32);
                // The overlay and the gutter follow now, not a frame later
                // from the scroll event.
                let top = area.scroll_top();
                for e in [overlay.cast::<HtmlElement>(), gutter.cast::<HtmlElement>()]
                    .into_iter()
                    .flatten()
                {
                    e.set_scroll_top(top);
                }
            }
        });
    }
    // Moved by a transform, which the browser composites without laying
    // out the lines again.
    // A fixed width (from the number of digits), so the browser never sizes
    // the gutter by measuring every line number.
    let gutter_width = format!("width: calc({}ch + 1.2rem)", count.to_string().len().max(2));
    let top = |line: usize| format!("transform: translateY(calc({} * 1.6em))", line - 1);

    html! {
        <section class="panel editor-panel" aria-label="Program source">
            <div class="editor">
                <div class="gutter" ref={gutter} aria-hidden="true" style={gutter_width}>
                    <Gutter {count} {error_line} problems={props.problems.clone()} breakpoints={props.breakpoints.clone()}
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
                            <div class="line-band" ref={band_ref} style={top(l)}></div>
                        }
                        <CodeLines source={props.source.clone()} error={props.error.clone()} problems={props.problems.clone()} />
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
                        ref={input_ref}
                        {oninput}
                        {onkeydown}
                        {onkeyup}
                        {onclick}
                        {onscroll}
                        onmousemove={on_hover}
                    />
                </div>
            </div>
            if !props.readonly {
                <div class="editor-status">
                    <label class="vim-toggle">
                        <input type="checkbox" id="vim-toggle" checked={*vim_on} onchange={on_vim_toggle} />
                        { " Vim keys" }
                    </label>
                    if *vim_on {
                        <span id="vim-mode" class="vim-mode" aria-live="polite">
                            { match vim_status.0 { Mode::Normal => "-- NORMAL --", Mode::Insert => "-- INSERT --" } }
                            { " " }{ vim_status.1.clone() }
                        </span>
                    }
                </div>
            }
            <Problems problems={props.problems.clone()} on_pick={on_problem} />
        </section>
    }
}

/// Where the editor's text is scrolled, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ScrollView {
    /// The text's top padding.
    pad: f64,
    /// One line.
    line_height: f64,
    /// The scroll offset.
    top: f64,
    /// The visible height.
    height: f64,
}

/// Lines kept in view above and below the current line when it scrolls.
const CONTEXT_LINES: f64 = 3.0;

impl ScrollView {
    /// The scroll offset that brings 1-based `line` into view with
    /// [`CONTEXT_LINES`] around it (fewer in a view too short for them),
    /// moving as little as it can; `None` when it is in view already.
    fn scroll_to_show(self, line: usize) -> Option<f64> {
        if self.line_height <= 0.0 || self.height <= 0.0 {
            return None;
        }
        let lines_in_view = (self.height / self.line_height).floor();
        let context = CONTEXT_LINES.min(((lines_in_view - 1.0) / 2.0).floor().max(0.0));
        let context = context * self.line_height;
        let line_top = self.pad + (line.saturating_sub(1) as f64) * self.line_height;
        let line_bottom = line_top + self.line_height;
        let to = if line_top - context < self.top {
            (line_top - context).max(0.0)
        } else if line_bottom + context > self.top + self.height {
            line_bottom + context - self.height
        } else {
            return None;
        };
        // Less than a pixel away is where it is.
        ((to - self.top).abs() >= 1.0).then_some(to)
    }
}

#[derive(Properties, PartialEq)]
struct ProblemsProps {
    problems: Vec<Problem>,
    on_pick: Callback<(u32, Option<u32>)>,
}

/// The problems list: each entry puts the cursor on its line and column.
#[component]
fn Problems(props: &ProblemsProps) -> Html {
    if props.problems.is_empty() {
        return html! {};
    }
    let items = props.problems.iter().map(|p| {
        let at = match p.column {
            Some(c) => format!("{}:{}", p.line, c),
            None => p.line.to_string(),
        };
        let onclick = {
            let on_pick = props.on_pick.clone();
            let (line, column) = (p.line, p.column);
            Callback::from(move |_: MouseEvent| on_pick.emit((line, column)))
        };
        html! {
            <li>
                <button class="problem" {onclick} title="Go to this line">
                    <span class="problem-source">{ p.source }</span>
                    <span class="problem-at">{ at }</span>
                    <span class="problem-message">{ p.message.lines().next().unwrap_or_default().to_string() }</span>
                </button>
            </li>
        }
    });
    html! {
        <div class="problems" id="problems" role="region" aria-label="Problems">
            <h3>{ format!("Problems ({})", props.problems.len()) }</h3>
            <ul>{ for items }</ul>
        </div>
    }
}

/// Runs one key through the vim state machine and applies its action to the
/// textarea. True when the key was handled (the browser must not act on it).
fn apply_vim_key(vim: &Rc<RefCell<Vim>>, area: &HtmlTextAreaElement, e: &KeyboardEvent) -> bool {
    if e.alt_key() {
        return false;
    }
    let text = area.value();
    let cursor = byte_offset(&text, area.selection_start().ok().flatten().unwrap_or(0));
    let action = vim
        .borrow_mut()
        .key(&e.key(), e.ctrl_key() || e.meta_key(), &text, cursor);
    match action {
        VimAction::PassThrough => false,
        VimAction::Ignore => true,
        VimAction::Move(to) => {
            let at = utf16_len(&text[..to]);
            let _ = area.set_selection_range(at, at);
            true
        }
        VimAction::Edit {
            start,
            end,
            text: with,
            cursor,
        } => {
            let _ = area.set_selection_range(utf16_len(&text[..start]), utf16_len(&text[..end]));
            // The browser's editing commands keep its undo history.
            let command = if with.is_empty() {
                "delete"
            } else {
                "insertText"
            };
            if let Some(doc) = html_document() {
                let _ = doc.exec_command_with_show_ui_and_value(command, false, &with);
            }
            let mut after = text;
            after.replace_range(start..end, &with);
            let at = utf16_len(&after[..cursor.min(after.len())]);
            let _ = area.set_selection_range(at, at);
            true
        }
        VimAction::Undo | VimAction::Redo => {
            let command = if action == VimAction::Undo {
                "undo"
            } else {
                "redo"
            };
            if let Some(doc) = html_document() {
                let _ = doc.exec_command(command);
            }
            true
        }
    }
}

fn html_document() -> Option<HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<HtmlDocument>()
        .ok()
}

/// Length in UTF-16 code units, the textarea's unit for positions.
fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// The byte offset of a UTF-16 position in `text`.
fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 position of a 1-based line and column.
fn utf16_offset_of(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(l.len(), |(b, _)| b);
            return utf16_len(&text[..offset + col]);
        }
        offset += l.len() + 1;
    }
    utf16_len(text)
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    count: usize,
    error_line: Option<usize>,
    problems: Vec<Problem>,
    breakpoints: Vec<u32>,
    on_toggle: Callback<u32>,
}

/// The line numbers (re-rendered when the line count, the error or the
/// breakpoints change).
#[component]
fn Gutter(props: &GutterProps) -> Html {
    let lines = (1..=props.count).map(|n| {
        // The message is on the line number too (the text itself is under the textarea).
        let problem = props.problems.iter().find(|p| p.line as usize == n);
        let bad = props.error_line == Some(n) || problem.is_some();
        let title = problem.map(|p| AttrValue::from(format!("{}: {}", p.source, p.message)));
        let breakpoint = props.breakpoints.binary_search(&(n as u32)).is_ok();
        html! { <GutterLine key={n} {n} {bad} {title} {breakpoint} on_toggle={props.on_toggle.clone()} /> }
    });
    html! { <div class="gutter-lines">{ for lines }</div> }
}

#[derive(Properties, PartialEq)]
struct GutterLineProps {
    n: usize,
    bad: bool,
    title: Option<AttrValue>,
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
            data-line={props.n.to_string()}
            title={props.title.clone().unwrap_or(AttrValue::Static("Toggle a run breakpoint on this line"))}
            {onclick}>{ props.n }</div>
    }
}

#[derive(Properties, PartialEq)]
struct CodeLinesProps {
    source: AttrValue,
    error: Option<SourceError>,
    problems: Vec<Problem>,
}

/// The highlighted text (re-rendered on an edit; one memoised component per
/// line, so typing re-renders the line typed in).
#[component]
fn CodeLines(props: &CodeLinesProps) -> Html {
    let error = props.error.as_ref();
    let lines = props.source.split('\n').enumerate().map(|(i, line)| {
        let error = error.filter(|e| e.line as usize == i + 1).cloned();
        // The first problem on the line, shown after its text.
        let problem = props.problems.iter().find(|p| p.line as usize == i + 1);
        let lens = problem
            .map(|p| AttrValue::from(p.message.lines().next().unwrap_or_default().to_string()));
        // The whole message, for the editor's title while the pointer is
        // on the line.
        let message = problem.map(|p| {
            let at = p.column.map(|c| format!(":{c}")).unwrap_or_default();
            AttrValue::from(format!("{} {}{at}: {}", p.source, p.line, p.message))
        });
        html! { <CodeLine key={i} text={AttrValue::from(line.to_string())} {error} {lens} {message} /> }
    });
    html! { <div class="code-lines">{ for lines }</div> }
}

#[derive(Properties, PartialEq)]
struct CodeLineProps {
    text: AttrValue,
    error: Option<SourceError>,
    lens: Option<AttrValue>,
    message: Option<AttrValue>,
}

#[component]
fn CodeLine(props: &CodeLineProps) -> Html {
    html! {
        <div class="code-line" data-message={props.message.clone()}>
            { highlight_line(&props.text, props.error.as_ref()) }
            if let Some(lens) = &props.lens {
                <span class="lens">{ lens.clone() }</span>
            }
            { "\n" }
        </div>
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
                out.push(span(class, &run, run_bad == Some(true)));
                run.clear();
            }
            run_bad = Some(is_bad);
            run.push(c);
        }
        if !run.is_empty() {
            out.push(span(class, &run, run_bad == Some(true)));
        }
    }
    // An error past the end of the line (e.g. "expected an operand"): mark a
    // space so it is visible.
    if let Some((s, _)) = bad {
        if s >= col {
            out.push(span("", " ", true));
        }
    }
    out.into_iter().collect::<Html>()
}

fn span(class: &'static str, text: &str, bad: bool) -> Html {
    html! {
        <span class={classes!(class, bad.then_some("squiggle"))}>{ text.to_string() }</span>
    }
}

/// The overlay's lines take no pointer events (the text area above them
/// gets the clicks), so their messages show as the text area's title while
/// the pointer is on a line with a problem: a tooltip, never clipped by
/// the editor's edge.
fn problem_on_hover(overlay: NodeRef) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        let area: HtmlElement = e.target_unchecked_into();
        let message = overlay
            .cast::<Element>()
            .and_then(|o| o.query_selector(".code-lines").ok().flatten())
            .and_then(|lines| line_at(&lines, e.client_y()))
            .and_then(|line| line.get_attribute("data-message"));
        match message {
            Some(m) if area.title() != m => area.set_title(&m),
            Some(_) => {}
            None if area.has_attribute("title") => {
                let _ = area.remove_attribute("title");
            }
            None => {}
        }
    })
}

/// The line of `lines` at the viewport's `y` (the lines are one height).
fn line_at(lines: &Element, y: i32) -> Option<Element> {
    let first = lines.first_element_child()?.get_bounding_client_rect();
    if first.height() <= 0.0 {
        return None;
    }
    let i = ((f64::from(y) - first.top()) / first.height()).floor();
    (i >= 0.0)
        .then(|| lines.children().item(i as u32))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20 px lines, 10 px padding, 200 px tall (10 lines), scrolled to `top`.
    fn view(top: f64) -> ScrollView {
        ScrollView {
            pad: 10.0,
            line_height: 20.0,
            top,
            height: 200.0,
        }
    }

    #[test]
    fn a_line_in_view_does_not_scroll() {
        assert_eq!(view(0.0).scroll_to_show(1), None);
        assert_eq!(view(0.0).scroll_to_show(5), None);
        // Line 20 (410-430) with three lines below it, in 300..500.
        assert_eq!(view(300.0).scroll_to_show(20), None);
    }

    #[test]
    fn a_line_below_scrolls_down_just_enough_to_show_three_more() {
        // Line 8 ends at 170; with 60 px below it, 230 > 200.
        assert_eq!(view(0.0).scroll_to_show(8), Some(30.0));
        // Far below: line 100 ends at 2010; the view ends at 2070.
        assert_eq!(view(0.0).scroll_to_show(100), Some(1870.0));
    }

    #[test]
    fn a_line_above_scrolls_up_leaving_three_lines_over_it() {
        // Line 50 starts at 990; three lines over it start at 930.
        assert_eq!(view(2000.0).scroll_to_show(50), Some(930.0));
        // Back at the first lines: to the very top.
        assert_eq!(view(2000.0).scroll_to_show(2), Some(0.0));
    }

    #[test]
    fn fractional_lines_do_not_drift() {
        // 22.3 px lines: line 62 ends at 10 + 62 * 22.3 = 1392.6.
        let v = ScrollView {
            line_height: 22.3,
            ..view(0.0)
        };
        let to = v.scroll_to_show(62).unwrap();
        assert!((to - (1392.6 + 3.0 * 22.3 - 200.0)).abs() < 1e-6, "{to}");
    }

    #[test]
    fn a_short_view_keeps_less_context() {
        let short = ScrollView {
            height: 60.0,
            ..view(0.0)
        };
        // Three lines fit: one above and one below the current line
        // (line 5 ends at 110, one more at 130).
        assert_eq!(short.scroll_to_show(5), Some(70.0));
        assert_eq!(
            ScrollView {
                height: 0.0,
                ..view(0.0)
            }
            .scroll_to_show(5),
            None
        );
    }
}
