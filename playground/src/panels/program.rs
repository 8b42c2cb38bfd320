//! The assembled program: index, bytes and both syntaxes per slot, linked to
//! the verifier stepper (click a row to jump to its next step) and to the
//! editor (the rows of the cursor's source line are marked), with a
//! breakpoint toggle per row for the run debugger; hovering a row that read
//! or wrote the packet names the bytes and their protocol fields.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::Analysis;

/// Program view properties.
#[derive(Properties)]
pub struct ProgramProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// The instruction the stepper is on.
    pub current: Option<usize>,
    /// A row was clicked.
    pub on_pick: Callback<usize>,
    /// Source lines with a run breakpoint.
    #[prop_or_default]
    pub breakpoints: Vec<u32>,
    /// A row's breakpoint toggle was pressed (with the row's source line).
    #[prop_or_default]
    pub on_breakpoint: Callback<u32>,
    /// The editor's cursor line: its instructions are marked (source -> program).
    #[prop_or_default]
    pub cursor_line: Option<u32>,
}

impl PartialEq for ProgramProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.current == other.current
            && self.breakpoints == other.breakpoints
            && self.cursor_line == other.cursor_line
    }
}

/// The program view.
#[component]
pub fn ProgramPanel(props: &ProgramProps) -> Html {
    let error_insn = props.analysis.verdict.error.as_ref().map(|e| e.insn);
    // The C source column, for programs from clang objects built with -g.
    let program = &props.analysis.program;
    let has_c = program.c_lines.iter().any(Option::is_some);
    // When the current instruction moves, its row scrolls into view (as
    // little as it takes); other renders leave the scroll alone.
    let current_row = use_node_ref();
    {
        let current_row = current_row.clone();
        use_effect_with(props.current, move |_| {
            if let Some(row) = current_row.cast::<web_sys::Element>() {
                let how = web_sys::ScrollIntoViewOptions::new();
                how.set_block(web_sys::ScrollLogicalPosition::Nearest);
                row.scroll_into_view_with_scroll_into_view_options(&how);
            }
        });
    }
    let rows = props.analysis.listing.iter().map(|row| {
        let index = row.index;
        let onclick = {
            let on_pick = props.on_pick.clone();
            Callback::from(move |_: MouseEvent| on_pick.emit(index))
        };
        let class = classes!(
            "insn-row",
            (props.current == Some(index)).then_some("current"),
            (error_insn == Some(index)).then_some("error-row"),
            (row.line.is_some() && row.line == props.cursor_line).then_some("from-cursor"),
        );
        // What the run did to the packet here, e.g. "read bytes 12-13: Ethernet EtherType".
        let touched = props
            .analysis
            .debug
            .as_ref()
            .and_then(|t| t.insn_packet_text(index));
        let title = match &touched {
            Some(t) => format!("Step the verifier to this instruction\nThe run {t}"),
            None => "Step the verifier to this instruction".to_string(),
        };
        let breakpoint = row.line.map(|line| {
            let on = props.breakpoints.binary_search(&line).is_ok();
            let onclick = {
                let on_breakpoint = props.on_breakpoint.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    on_breakpoint.emit(line);
                })
            };
            html! {
                <button type="button" class={classes!("bp-toggle", on.then_some("on"))}
                    aria-pressed={on.to_string()} aria-label={format!("Breakpoint on line {line}")}
                    title={format!("Toggle the run breakpoint on line {line}")} {onclick}>{ "●" }</button>
            }
        });
        let here = (props.current == Some(index)).then(|| current_row.clone());
        html! {
            <tr {class} {onclick} {title} data-packet={touched.unwrap_or_default()} ref={here.unwrap_or_default()}>
                <td class="bp-cell">{ for breakpoint }</td>
                <td class="num"><button type="button" class="link-button insn-go" aria-label={format!("Step the verifier to instruction {index}")}>{ index }</button></td>
                <td class="mono bytes">{ row.bytes.clone() }</td>
                <td class="mono">{ row.pseudo_c.clone() }</td>
                if has_c {
                    <td class="mono c-line">{ c_line(program, index) }</td>
                }
                <td class="mono muted">{ row.mnemonic.clone() }</td>
                <td class="num muted">{ row.line.map(|l| l.to_string()).unwrap_or_default() }</td>
            </tr>
        }
    });
    html! {
        <table class="listing" id="listing">
            <thead><tr>
                <th><span class="visually-hidden">{ "breakpoint" }</span></th>
                <th>{ "#" }</th><th>{ "bytes" }</th><th>{ "pseudo-C" }</th>
                if has_c { <th>{ "C source" }</th> }
                <th>{ "mnemonic" }</th><th>{ "line" }</th>
            </tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// The C line of instruction `index`, with its place as a tooltip.
fn c_line(program: &vm_core::Program, index: usize) -> Html {
    match program.c_line(index) {
        Some(l) => html! {
            <span title={format!("{}:{}", l.file, l.line)}>{ l.text.trim().to_string() }</span>
        },
        None => Html::default(),
    }
}
