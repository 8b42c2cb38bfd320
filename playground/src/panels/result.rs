//! The result of the last run: `r0` and its verdict, the run-time error, or
//! the assembly error with its line and column.

use yew::prelude::*;

use crate::session::{hex, Report, RunEnd};

/// Result panel properties.
#[derive(Properties, PartialEq)]
pub struct ResultProps {
    /// The last report, if the program was run.
    pub report: Option<Report>,
    /// The source changed since the report was made.
    #[prop_or_default]
    pub stale: bool,
    /// Why the packet text could not be read.
    #[prop_or_default]
    pub packet_error: Option<String>,
}

/// The result panel.
#[component]
pub fn ResultPanel(props: &ResultProps) -> Html {
    let body = match &props.report {
        None => html! {
            <p class="hint">{ "Press Run (Ctrl+Enter) to assemble, verify and run the program." }</p>
        },
        Some(Report::Asm(err)) => html! {
            <div class="outcome outcome-error" role="alert">
                <h3>{ "Assembly error" }</h3>
                <p class="error-location">
                    { format!("line {}, column {}: {}", err.line, err.column, err.message) }
                </p>
            </div>
        },
        Some(Report::Analysed(a)) => match &a.run {
            RunEnd::Returned {
                r0,
                verdict,
                executed,
                packet_out,
                trace_log,
            } => {
                let printk = (!trace_log.is_empty()).then(|| html! {
                    <details class="sub" open=true>
                        <summary>{ format!("bpf_trace_printk ({} lines)", trace_log.len()) }</summary>
                        <pre class="mono log">{ trace_log.join("\n") }</pre>
                    </details>
                });
                let packet = packet_out.as_ref().map(|p| {
                    html! {
                        <details class="sub">
                            <summary>{ format!("packet out ({} bytes)", p.len()) }</summary>
                            <pre class="mono log">{ hex(p) }</pre>
                        </details>
                    }
                });
                // A value the kernel does not take as an action is not a
                // success: say what the kernel does with it instead.
                let invalid = vm_core::ctx::invalid_action(a.program.prog_type, *r0);
                let class = if invalid.is_some() {
                    "outcome outcome-error"
                } else {
                    "outcome outcome-ok"
                };
                html! {
                    <>
                        <div {class} id="outcome" role={invalid.is_some().then_some("alert")}>
                            if invalid.is_some() {
                                <h3>{ "Not a valid return value" }</h3>
                            }
                            <p class="r0">{ format!("r0 = {}", *r0 as i64) }</p>
                            <p class="r0-detail">
                                <span class="verdict-name">{ verdict.clone() }</span>
                                { format!(" · 0x{r0:x} · {executed} instructions executed") }
                            </p>
                            if let Some(note) = invalid {
                                <p class="hint" id="invalid-action">{ format!("r0 = {} is {note}.", *r0 as i64) }</p>
                            }
                        </div>
                        { for printk }
                        { for packet }
                    </>
                }
            }
            RunEnd::Fault { pc, line, message } => {
                let at = match (pc, line) {
                    (Some(pc), Some(l)) => format!("instruction {pc} (line {l}): "),
                    (Some(pc), None) => format!("instruction {pc}: "),
                    _ => String::new(),
                };
                html! {
                    <div class="outcome outcome-error" role="alert">
                        <h3>{ "Run stopped" }</h3>
                        <p class="error-location">{ format!("{at}{message}") }</p>
                    </div>
                }
            }
            RunEnd::NotLoaded => {
                let why = a.verdict.error.as_ref().map(|e| {
                    let at = match e.line {
                        Some(l) => format!("instruction {} (line {l})", e.insn),
                        None => format!("instruction {}", e.insn),
                    };
                    format!("{at}: {}", e.message)
                });
                html! {
                    <div class="outcome outcome-error" role="alert">
                        <h3>{ "Rejected by the verifier: not run" }</h3>
                        <p class="error-location">{ why.unwrap_or_default() }</p>
                        <p class="hint">{ "The kernel would refuse to load it. The Verifier tab steps to the error." }</p>
                    </div>
                }
            }
        },
    };
    html! {
        <section class="panel result-panel" aria-label="Result" aria-live="polite">
            <h2 class="panel-title">
                { "Result" }
                if props.stale { <span class="badge">{ "edited since run" }</span> }
            </h2>
            <div id="result" class="panel-body">
                if let Some(e) = &props.packet_error {
                    <p class="warn">{ format!("The packet could not be read ({e}); the run used an empty packet.") }</p>
                }
                { body }
            </div>
        </section>
    }
}
