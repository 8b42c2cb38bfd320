//! The inputs of a tracing program, editable: the kprobe's function and
//! `struct pt_regs`, or the `raw_syscalls/sys_enter` record; and the process
//! table, one row of which is the process the event fires in. An edit runs
//! the program again with the new input. Typed text is parsed, never
//! inserted as markup.

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
    let error = use_state(|| None::<String>);
    // A number field: parses on change, reports text it cannot read.
    let number = |id: String,
                  label: String,
                  value: String,
                  make: std::rc::Rc<dyn Fn(u64) -> TracingEdit>| {
        let onchange = {
            let on_edit = props.on_edit.clone();
            let error = error.clone();
            let label = label.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                match parse_number(&input.value()) {
                    Some(v) => {
                        error.set(None);
                        on_edit.emit(make(v));
                    }
                    None => error.set(Some(format!(
                        "{label}: {:?} is not a number (decimal, 0x hex, or negative)",
                        input.value()
                    ))),
                }
            })
        };
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <input id={id} class="mono" type="text" inputmode="numeric" spellcheck="false"
                    {value} {onchange} />
            </div>
        }
    };
    let event = match props.prog_type {
        ProgramType::Kprobe => {
            let k = &props.tracing.kprobe;
            let on_function = {
                let on_edit = props.on_edit.clone();
                Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    on_edit.emit(TracingEdit::Function(input.value()));
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
                    std::rc::Rc::new(move |v| TracingEdit::Reg(n, v)),
                )
            });
            html! {
                <fieldset class="layer tracing-event">
                    <legend>{ "kprobe hit: struct pt_regs" }</legend>
                    <div class="field">
                        <label for="kprobe-function">{ "probed function (for display)" }</label>
                        <input id="kprobe-function" class="mono" type="text" spellcheck="false"
                            value={k.function.clone()} onchange={on_function} />
                    </div>
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
                    std::rc::Rc::new(move |v| TracingEdit::Arg(i, v)),
                )
            });
            html! {
                <fieldset class="layer tracing-event">
                    <legend>{ "tracepoint hit: raw_syscalls/sys_enter record" }</legend>
                    <p class="hint">{ "common_pid is filled in from the current process." }</p>
                    <div class="input-grid">
                        { number("tp-id".into(), "id (syscall number)".into(), t.syscall.to_string(),
                            std::rc::Rc::new(|v| TracingEdit::Syscall(v as i64))) }
                        { for args }
                    </div>
                </fieldset>
            }
        }
    };
    html! {
        <section class="tracing-inputs" aria-label="Tracing inputs">
            { event }
            <ProcessTable tracing={props.tracing.clone()} on_edit={props.on_edit.clone()} />
            if let Some(e) = (*error).clone() {
                <p class="warn" role="alert" id="tracing-error">{ e }</p>
            }
        </section>
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
    let error = use_state(|| None::<String>);
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
            let onchange = {
                let on_edit = props.on_edit.clone();
                let error = error.clone();
                let p = p.clone();
                Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    match col.set(&p, input.value().trim()) {
                        Ok(q) => {
                            error.set(None);
                            on_edit.emit(TracingEdit::Process(i, q));
                        }
                        Err(why) => error.set(Some(format!("process {} {name}: {why}", i + 1))),
                    }
                })
            };
            html! {
                <td>
                    <input class={classes!("mono", matches!(col, Column::Comm).then_some("comm"))}
                        type="text" spellcheck="false" id={format!("proc-{i}-{}", name.replace(' ', "-"))}
                        aria-label={format!("process {} {name}", i + 1)}
                        value={col.get(p)} {onchange} />
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
            if let Some(e) = (*error).clone() {
                <p class="warn" role="alert">{ e }</p>
            }
        </fieldset>
    }
}
