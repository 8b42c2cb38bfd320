//! The inputs of a tracing program, editable: the kprobe's function and
//! `struct pt_regs`, or the `raw_syscalls/sys_enter` record; and the process
//! table, one row of which is the process the event fires in. An edit runs
//! the program again with the new input. Typed text is parsed, never
//! inserted as markup.

use std::rc::Rc;

use vm_core::run::Process;
use vm_core::ProgramType;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::session::tracing::{parse_number, pt_regs_names};
use crate::session::{TracingEdit, TracingInput};

/// Tracing inputs properties.
#[derive(Properties, PartialEq)]
pub struct TracingInputsProps {
    /// Kprobe or tracepoint.
    pub prog_type: ProgramType,
    /// The inputs.
    pub tracing: TracingInput,
    /// An edit.
    pub on_edit: Callback<TracingEdit>,
    /// Open at first: when there is no run to step (the inputs are then
    /// the thing to look at). With a run the debugger comes first and the
    /// inputs wait folded under it, their summary saying what they are.
    #[prop_or_default]
    pub open: bool,
}

/// `pt_regs` registers that hold the first six arguments, and their number.
fn arg_of(name: &str) -> Option<usize> {
    ["di", "si", "dx", "cx", "r8", "r9"]
        .iter()
        .position(|n| *n == name)
        .map(|i| i + 1)
}

/// The event and process table editors.
#[component]
pub fn TracingInputs(props: &TracingInputsProps) -> Html {
    // A number field: parses on change; text it cannot read stays, with why.
    let number = |id: String,
                  label: String,
                  value: String,
                  make: Rc<dyn Fn(u64) -> TracingEdit>| {
        let on_commit = {
            let on_edit = props.on_edit.clone();
            Callback::from(move |text: String| match parse_number(&text) {
                Some(v) => {
                    on_edit.emit(make(v));
                    None
                }
                None => Some(format!(
                    "{text:?} is not a number (decimal, 0x hex, or negative)"
                )),
            })
        };
        html! {
            <EditField id={id} label={Some(AttrValue::from(label))} value={value} numeric=true {on_commit} />
        }
    };
    let event = match props.prog_type {
        ProgramType::Kprobe => {
            let k = &props.tracing.kprobe;
            let on_function = {
                let on_edit = props.on_edit.clone();
                Callback::from(move |text: String| {
                    on_edit.emit(TracingEdit::Function(text));
                    None
                })
            };
            let regs = pt_regs_names().enumerate().map(|(n, name)| {
                let label = match arg_of(name) {
                    Some(i) => format!("{name} (arg {i})"),
                    None => name.to_string(),
                };
                let v = k.regs.get(n).copied().unwrap_or(0);
                number(
                    format!("pt-{name}"),
                    label,
                    format!("{v:#x}"),
                    Rc::new(move |v| TracingEdit::Reg(n, v)),
                )
            });
            html! {
                <fieldset class="layer tracing-event">
                    <legend>{ "kprobe hit: struct pt_regs" }</legend>
                    <EditField id="kprobe-function" label={Some(AttrValue::from("probed function (for display)"))}
                        value={k.function.clone()} on_commit={on_function} />
                    <div class="input-grid">{ for regs }</div>
                </fieldset>
            }
        }
        _ => {
            let t = &props.tracing;
            let args = (0..6).map(|i| {
                number(
                    format!("tp-arg{i}"),
                    format!("args[{i}]"),
                    format!("{:#x}", t.args[i]),
                    Rc::new(move |v| TracingEdit::Arg(i, v)),
                )
            });
            html! {
                <fieldset class="layer tracing-event">
                    <legend>{ "tracepoint hit: raw_syscalls/sys_enter record" }</legend>
                    <p class="hint">{ "common_pid is filled in from the current process." }</p>
                    <div class="input-grid">
                        { number("tp-id".into(), "id (syscall number)".into(), t.syscall.to_string(),
                            Rc::new(|v| TracingEdit::Syscall(v as i64))) }
                        { for args }
                    </div>
                </fieldset>
            }
        }
    };
    // What the run used, so the folded section says what it holds.
    let event_now = match props.prog_type {
        ProgramType::Kprobe => format!("kprobe on {}", props.tracing.kprobe.function),
        _ => format!("sys_enter, syscall {}", props.tracing.syscall),
    };
    let process_now = props
        .tracing
        .processes
        .get(props.tracing.current)
        .map(|p| format!(" in {} (pid {})", p.comm, p.pid))
        .unwrap_or_default();
    html! {
        <details class="sub tracing-inputs" id="tracing-inputs" open={props.open}>
            <summary>
                { "Tracing inputs: " }<span class="mono">{ format!("{event_now}{process_now}") }</span>
                <span class="muted">{ " · edit the event and the process table (an edit runs again)" }</span>
            </summary>
            { event }
            <ProcessTable tracing={props.tracing.clone()} on_edit={props.on_edit.clone()} />
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct EditFieldProps {
    id: AttrValue,
    /// A visible label; without one, `aria_label` names the field.
    #[prop_or_default]
    label: Option<AttrValue>,
    #[prop_or_default]
    aria_label: Option<AttrValue>,
    value: AttrValue,
    #[prop_or_default]
    class: Classes,
    #[prop_or_default]
    numeric: bool,
    /// Takes the text on change; returns why it was refused, if it was.
    on_commit: Callback<String, Option<String>>,
}

/// A text field that commits on change. Refused text stays in the field
/// (not replaced by the last good value) with the reason under it.
#[component]
fn EditField(props: &EditFieldProps) -> Html {
    let refused = use_state(|| None::<(String, String)>);
    let onchange = {
        let on_commit = props.on_commit.clone();
        let refused = refused.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let text = input.value();
            match on_commit.emit(text.clone()) {
                None => refused.set(None),
                Some(why) => refused.set(Some((text, why))),
            }
        })
    };
    let (value, why) = match &*refused {
        Some((text, why)) => (AttrValue::from(text.clone()), Some(why.clone())),
        None => (props.value.clone(), None),
    };
    let error_id = format!("{}-error", props.id);
    html! {
        <div class={classes!("field", why.is_some().then_some("invalid"))}>
            if let Some(label) = &props.label {
                <label for={props.id.clone()}>{ label.clone() }</label>
            }
            <input id={props.id.clone()} class={classes!("mono", props.class.clone())} type="text" spellcheck="false"
                inputmode={props.numeric.then_some("numeric")} aria-label={props.aria_label.clone()}
                aria-invalid={why.is_some().to_string()}
                aria-describedby={why.is_some().then(|| error_id.clone())}
                {value} {onchange} />
            if let Some(why) = why {
                <p class="field-error" id={error_id} role="alert">{ why }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ProcessTableProps {
    tracing: TracingInput,
    on_edit: Callback<TracingEdit>,
}

/// Which column of a process row.
#[derive(Clone, Copy)]
enum Column {
    Pid,
    Tgid,
    Uid,
    Gid,
    Comm,
    Cgroup,
}

impl Column {
    const ALL: [(Column, &'static str); 6] = [
        (Column::Pid, "pid"),
        (Column::Tgid, "tgid"),
        (Column::Uid, "uid"),
        (Column::Gid, "gid"),
        (Column::Comm, "comm"),
        (Column::Cgroup, "cgroup id"),
    ];

    fn get(self, p: &Process) -> String {
        match self {
            Column::Pid => p.pid.to_string(),
            Column::Tgid => p.tgid.to_string(),
            Column::Uid => p.uid.to_string(),
            Column::Gid => p.gid.to_string(),
            Column::Comm => p.comm.clone(),
            Column::Cgroup => p.cgroup_id.to_string(),
        }
    }

    /// `p` with this column set to `text`, or why `text` does not fit.
    fn set(self, p: &Process, text: &str) -> Result<Process, String> {
        let mut p = p.clone();
        let small = |t: &str| {
            parse_number(t)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| format!("{t:?} is not a number from 0 to 4294967295"))
        };
        match self {
            Column::Pid => p.pid = small(text)?,
            Column::Tgid => p.tgid = small(text)?,
            Column::Uid => p.uid = small(text)?,
            Column::Gid => p.gid = small(text)?,
            Column::Comm => {
                if text.len() > 15 {
                    return Err(
                        "comm holds at most 15 bytes (task->comm is 16 with its NUL)".into(),
                    );
                }
                p.comm = text.to_string();
            }
            Column::Cgroup => {
                p.cgroup_id =
                    parse_number(text).ok_or_else(|| format!("{text:?} is not a number"))?
            }
        }
        Ok(p)
    }
}

/// The process table: one radio per row picks the current process.
#[component]
fn ProcessTable(props: &ProcessTableProps) -> Html {
    let t = &props.tracing;
    let rows = t.processes.iter().enumerate().map(|(i, p)| {
        let on_current = {
            let on_edit = props.on_edit.clone();
            Callback::from(move |_: Event| on_edit.emit(TracingEdit::Current(i)))
        };
        let on_remove = {
            let on_edit = props.on_edit.clone();
            Callback::from(move |_: MouseEvent| on_edit.emit(TracingEdit::RemoveProcess(i)))
        };
        let cells = Column::ALL.iter().map(|&(col, name)| {
            let on_commit = {
                let on_edit = props.on_edit.clone();
                let p = p.clone();
                Callback::from(move |text: String| match col.set(&p, text.trim()) {
                    Ok(q) => {
                        on_edit.emit(TracingEdit::Process(i, q));
                        None
                    }
                    Err(why) => Some(why),
                })
            };
            let class = classes!(matches!(col, Column::Comm).then_some("comm"));
            html! {
                <td>
                    <EditField id={format!("proc-{i}-{}", name.replace(' ', "-"))} {class}
                        aria_label={Some(AttrValue::from(format!("process {} {name}", i + 1)))}
                        value={col.get(p)} numeric={!matches!(col, Column::Comm)} {on_commit} />
                </td>
            }
        });
        html! {
            <tr class={classes!((i == t.current).then_some("current"))}>
                <td>
                    <input type="radio" name="current-process" id={format!("proc-{i}-current")}
                        aria-label={format!("the event fires in process {} ({})", i + 1, p.comm)}
                        checked={i == t.current} onchange={on_current} />
                </td>
                { for cells }
                <td>
                    <button type="button" class="button small" aria-label={format!("Remove process {}", i + 1)}
                        disabled={t.processes.len() <= 1} onclick={on_remove}>{ "×" }</button>
                </td>
            </tr>
        }
    });
    let on_add = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| on_edit.emit(TracingEdit::AddProcess))
    };
    html! {
        <fieldset class="layer process-table">
            <legend>{ "process table (the event fires in the checked one)" }</legend>
            <table class="listing" id="process-table">
                <thead><tr>
                    <th>{ "current" }</th>
                    { for Column::ALL.iter().map(|(_, n)| html! { <th>{ *n }</th> }) }
                    <th></th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <button type="button" class="button small" id="proc-add" onclick={on_add}>{ "Add a process" }</button>
        </fieldset>
    }
}
