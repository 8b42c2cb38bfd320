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
    let Some(e) = props.analysis.verifier.error.as_ref() else {
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
                <strong>{ "What it means: " }</strong>{ e.explanation() }
            </p>
            <p class="explain fix-hint" id="error-hint">
                <strong>{ "How to fix it: " }</strong>{ e.hint() }
            </p>
        </div>
    }
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
    html! {
        <details class="sub kernel-log" open={props.analysis.verifier.error.is_some()}>
            <summary>{ "Kernel log" }</summary>
            <div class="log-actions">
                <button class="button small" id="copy-log" onclick={copy}>{ "Copy log" }</button>
                if let Some(s) = *status {
                    <span class="muted copy-status" id="copy-status" role="status">{ s }</span>
                }
            </div>
            <pre class="mono log" id="verifier-log">{ props.analysis.verdict.log.clone() }</pre>
        </details>
    }
}
