//! The result of the last run: `r0`, the final registers, or the error
//! with its line and column.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::{Report, RunEnd};

/// Result panel properties.
#[derive(Properties, PartialEq)]
pub struct ResultProps {
    /// The last report, if the program was run.
    pub report: Option<Rc<Report>>,
    /// The source changed since the report was made.
    #[prop_or_default]
    pub stale: bool,
}

/// The result panel.
#[component]
pub fn ResultPanel(props: &ResultProps) -> Html {
    let body = match props.report.as_deref() {
        None => html! {
            <p class="hint">{ "Press Run (Ctrl+Enter) to assemble and run the program." }</p>
        },
        Some(Report::Asm(err)) => html! {
            <div class="outcome outcome-error" role="alert">
                <h3>{ "Assembly error" }</h3>
                <p class="error-location">
                    { format!("line {}, column {}: {}", err.line, err.column, err.message) }
                </p>
            </div>
        },
        Some(Report::Ran(run)) => {
            let headline = match &run.end {
                RunEnd::Returned { r0 } => html! {
                    <div class="outcome outcome-ok">
                        <p class="r0">{ format!("r0 = {}", *r0 as i64) }</p>
                        <p class="r0-detail">
                            { format!("0x{r0:x} · returned after {} instructions", run.steps) }
                        </p>
                    </div>
                },
                RunEnd::Fault { pc, line, message } => html! {
                    <div class="outcome outcome-error" role="alert">
                        <h3>{ "Run stopped" }</h3>
                        <p class="error-location">{ match line {
                            Some(l) => format!("instruction {pc} (line {l}): {message}"),
                            None => format!("instruction {pc}: {message}"),
                        } }</p>
                    </div>
                },
            };
            let regs = run.regs.iter().enumerate().map(|(i, v)| {
                let name = if i == 10 {
                    "r10 (fp)".to_string()
                } else {
                    format!("r{i}")
                };
                html! {
                    <tr>
                        <th scope="row">{ name }</th>
                        <td class="mono">{ format!("0x{v:016x}") }</td>
                        <td class="mono num">{ *v as i64 }</td>
                    </tr>
                }
            });
            html! {
                <>
                    { headline }
                    <table class="regs">
                        <caption>{ "Registers at the end of the run" }</caption>
                        <thead><tr><th>{ "reg" }</th><th>{ "hex" }</th><th>{ "signed" }</th></tr></thead>
                        <tbody>{ for regs }</tbody>
                    </table>
                </>
            }
        }
    };
    html! {
        <section class="panel result-panel" aria-label="Result" aria-live="polite">
            <h2 class="panel-title">
                { "Result" }
                if props.stale { <span class="badge">{ "edited since run" }</span> }
            </h2>
            <div id="result" class="panel-body">{ body }</div>
        </section>
    }
}
