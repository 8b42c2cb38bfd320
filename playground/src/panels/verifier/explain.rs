//! Why a program was rejected, in the kernel's words and in plain ones,
//! with the fix hint; and the whole kernel-format log, copyable.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::Analysis;

/// Properties of the error explanation and of the log.
#[derive(Properties)]
pub struct AnalysisProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
}

impl PartialEq for AnalysisProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
    }
}

/// The verifier's error: where, the kernel's message, what it means, how to fix it.
#[component]
pub fn ErrorExplained(props: &AnalysisProps) -> Html {
    let Some(e) = props.analysis.verdict.error.as_ref() else {
        return Html::default();
    };
    let at = match e.line {
        Some(l) => format!("insn {} (line {l})", e.insn),
        None => format!("insn {}", e.insn),
    };
    html! {
        <div class="outcome outcome-error verifier-error" id="verifier-error" role="alert">
            <h3>{ format!("Rejected at {at}") }</h3>
            <p class="error-location">{ e.message.clone() }</p>
            <p class="explain" id="error-explanation">
                <strong>{ "What it means: " }</strong>{ code_spans(&e.explanation) }
            </p>
            <p class="explain fix-hint" id="error-hint">
                <strong>{ "How to fix it: " }</strong>{ code_spans(&e.fix) }
            </p>
        </div>
    }
}

/// `text` with its backtick-quoted spans as `<code>`: every piece is a
/// text node, never parsed as HTML.
fn code_spans(text: &str) -> Html {
    split_code(text)
        .into_iter()
        .map(|(code, piece)| {
            if code {
                html! { <code>{ piece.to_string() }</code> }
            } else {
                html! { { piece.to_string() } }
            }
        })
        .collect()
}

/// `text` cut at its backticks into `(is_code, piece)`; an unmatched
/// backtick stays as text.
pub fn split_code(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + 1 + len]));
        rest = &rest[open + 2 + len..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// Lines of the kernel log the page shows at most.
pub const LOG_TAIL_LINES: usize = 400;

/// The last `keep` lines of `log`, and how many lines come before them.
pub fn log_tail(log: &str, keep: usize) -> (&str, usize) {
    let lines = log.lines().count();
    if lines <= keep {
        return (log, 0);
    }
    let skip = lines - keep;
    let start = log
        .match_indices('\n')
        .nth(skip - 1)
        .map_or(0, |(i, _)| i + 1);
    (&log[start..], skip)
}

/// The whole log in the kernel's format, with a Copy button.
#[component]
pub fn KernelLog(props: &AnalysisProps) -> Html {
    let status = use_state(|| None::<&'static str>);
    let copy = {
        let log = props.analysis.verdict.log.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
            let Some(clipboard) = clipboard else {
                status.set(Some(
                    "This browser gives no clipboard: select the text instead",
                ));
                return;
            };
            let promise = clipboard.write_text(&log);
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await;
                status.set(Some(match done {
                    Ok(_) => "Copied",
                    Err(_) => "The browser refused the clipboard: select the text instead",
                }));
            });
        })
    };
    // A long verification's log runs to megabytes: the page shows its end
    // (where the verdict is); Copy log gives all of it.
    let log = &props.analysis.verdict.log;
    let (tail, cut) = log_tail(log, LOG_TAIL_LINES);
    html! {
        <details class="sub kernel-log" open={props.analysis.verifier.error.is_some()}>
            <summary>{ "Kernel log" }</summary>
            <div class="log-actions">
                <button class="button small" id="copy-log" onclick={copy}>{ "Copy log" }</button>
                if let Some(s) = *status {
                    <span class="muted copy-status" id="copy-status" role="status">{ s }</span>
                }
            </div>
            if cut > 0 {
                <p class="muted" id="log-cut">
                    { format!("Showing the last {} of {} lines; Copy log copies the whole log ({} KB).",
                        LOG_TAIL_LINES, LOG_TAIL_LINES + cut, log.len().div_ceil(1024)) }
                </p>
            }
            <pre class="mono log" id="verifier-log">{ tail.to_string() }</pre>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::{log_tail, split_code};

    #[test]
    fn a_long_log_shows_its_last_lines() {
        assert_eq!(log_tail("a\nb\nc\n", 5), ("a\nb\nc\n", 0));
        assert_eq!(log_tail("a\nb\nc\nd\n", 2), ("c\nd\n", 2));
        assert_eq!(log_tail("a\nb\nc", 1), ("c", 2));
    }

    #[test]
    fn backticks_become_code_pieces() {
        assert_eq!(
            split_code("check `if r2 + 14 > data_end goto drop` first"),
            vec![
                (false, "check "),
                (true, "if r2 + 14 > data_end goto drop"),
                (false, " first")
            ]
        );
        assert_eq!(split_code("`exit`"), vec![(true, "exit")]);
        assert_eq!(split_code("a ` b"), vec![(false, "a ` b")]);
        assert_eq!(split_code("<b>x</b>"), vec![(false, "<b>x</b>")]);
    }
}
