//! The inputs of tracing programs, as the user edits them: the synthetic
//! event (a kprobe's registers, a `raw_syscalls/sys_enter` record's syscall
//! number and arguments) and the synthetic process table, one process of
//! which is the current one (what `bpf_get_current_pid_tgid`,
//! `bpf_get_current_uid_gid`, `bpf_get_current_comm` and
//! `bpf_get_current_cgroup_id` report). Packet programs ignore all of it.

use serde::{Deserialize, Serialize};
use vm_core::ctx::PT_REGS;
use vm_core::run::{sample_processes, Input, KprobeEvent, Process, TracepointEvent};
use vm_core::{Program, ProgramType};

/// What a kprobe or tracepoint program runs on. Saved (and restored) as
/// JSON through [`SavedTracing`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SavedTracing", into = "SavedTracing")]
pub struct TracingInput {
    /// The kprobe hit: the probed function and its `struct pt_regs`.
    pub kprobe: KprobeEvent,
    /// The tracepoint record's syscall number (`id`).
    pub syscall: i64,
    /// The tracepoint record's `args[6]`.
    pub args: [u64; 6],
    /// The process table.
    pub processes: Vec<Process>,
    /// Index into `processes` of the process the event fires in.
    pub current: usize,
}

impl Default for TracingInput {
    /// The inputs runs used before they were editable: an `openat2` kprobe with
    /// zero arguments, syscall 0, in the default `bpfplay` process.
    fn default() -> Self {
        let processes = sample_processes();
        let current = processes
            .iter()
            .position(|p| *p == Process::default())
            .unwrap_or(0);
        TracingInput {
            kprobe: KprobeEvent::with_args("do_sys_openat2", 0, &[]),
            syscall: 0,
            args: [0; 6],
            processes,
            current,
        }
    }
}

/// [`TracingInput`] as plain data, for local storage and exported workspaces.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedTracing {
    function: String,
    regs: Vec<u64>,
    syscall: i64,
    args: [u64; 6],
    /// (pid, tgid, uid, gid, comm, cgroup id).
    processes: Vec<(u32, u32, u32, u32, String, u64)>,
    current: usize,
}

impl From<TracingInput> for SavedTracing {
    fn from(t: TracingInput) -> Self {
        SavedTracing {
            function: t.kprobe.function,
            regs: t.kprobe.regs.to_vec(),
            syscall: t.syscall,
            args: t.args,
            processes: t
                .processes
                .into_iter()
                .map(|p| (p.pid, p.tgid, p.uid, p.gid, p.comm, p.cgroup_id))
                .collect(),
            current: t.current,
        }
    }
}

impl From<SavedTracing> for TracingInput {
    /// Missing registers read as 0; an empty process table gets the default one.
    fn from(s: SavedTracing) -> Self {
        let mut regs = [0u64; 21];
        for (d, v) in regs.iter_mut().zip(s.regs) {
            *d = v;
        }
        let mut processes: Vec<Process> = s
            .processes
            .into_iter()
            .map(|(pid, tgid, uid, gid, comm, cgroup_id)| Process {
                pid,
                tgid,
                uid,
                gid,
                comm,
                cgroup_id,
            })
            .collect();
        if processes.is_empty() {
            processes = TracingInput::default().processes;
        }
        TracingInput {
            kprobe: KprobeEvent {
                regs,
                function: s.function,
            },
            syscall: s.syscall,
            args: s.args,
            current: s.current.min(processes.len() - 1),
            processes,
        }
    }
}

/// One edit of the tracing inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TracingEdit {
    /// The kprobe's function name.
    Function(String),
    /// `pt_regs` register number `n` (in [`PT_REGS`] order).
    Reg(usize, u64),
    /// The syscall number.
    Syscall(i64),
    /// Argument `n` of the syscall.
    Arg(usize, u64),
    /// Replace process `n`.
    Process(usize, Process),
    /// Make process `n` the current one.
    Current(usize),
    /// Add a process (a copy of the current one with the next free pid).
    AddProcess,
    /// Remove process `n` (the last one stays).
    RemoveProcess(usize),
}

impl TracingInput {
    /// The current process (the default one if the table is empty).
    pub fn process(&self) -> Process {
        self.processes
            .get(self.current)
            .cloned()
            .unwrap_or_default()
    }

    /// This input after `edit`; edits naming a row that does not exist change nothing.
    pub fn apply(&self, edit: TracingEdit) -> TracingInput {
        let mut next = self.clone();
        match edit {
            TracingEdit::Function(name) => next.kprobe.function = name,
            TracingEdit::Reg(n, v) => {
                if let Some(r) = next.kprobe.regs.get_mut(n) {
                    *r = v;
                }
            }
            TracingEdit::Syscall(id) => next.syscall = id,
            TracingEdit::Arg(n, v) => {
                if let Some(a) = next.args.get_mut(n) {
                    *a = v;
                }
            }
            TracingEdit::Process(n, p) => {
                if let Some(slot) = next.processes.get_mut(n) {
                    *slot = p;
                }
            }
            TracingEdit::Current(n) => {
                if n < next.processes.len() {
                    next.current = n;
                }
            }
            TracingEdit::AddProcess => {
                let pid = next.processes.iter().map(|p| p.pid).max().unwrap_or(0) + 1;
                next.processes.push(Process {
                    pid,
                    tgid: pid,
                    ..self.process()
                });
            }
            TracingEdit::RemoveProcess(n) => {
                if next.processes.len() > 1 && n < next.processes.len() {
                    next.processes.remove(n);
                    if next.current > n || next.current >= next.processes.len() {
                        next.current = next.current.saturating_sub(1);
                    }
                }
            }
        }
        next
    }

    /// The run's input for `program`: these inputs for tracing programs,
    /// `packet` for packet programs.
    pub fn input_for(&self, program: &Program, packet: &[u8]) -> Input {
        let input = match program.prog_type {
            ProgramType::Kprobe => Input::kprobe(self.kprobe.clone()),
            ProgramType::Tracepoint => {
                Input::tracepoint(TracepointEvent::sys_enter(self.syscall, self.args))
            }
            _ => return Input::packet(packet.to_vec()),
        };
        input.with_process(self.process())
    }
}

/// The names of the `pt_regs` registers, in the order of [`KprobeEvent::regs`].
pub fn pt_regs_names() -> impl Iterator<Item = &'static str> {
    PT_REGS.fields.iter().map(|f| f.name)
}

/// Parses a number as typed: decimal, `0x` hex, or negative decimal
/// (two's complement); `None` for anything else.
pub fn parse_number(text: &str) -> Option<u64> {
    let t = text.trim().replace('_', "");
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok();
    }
    if t.starts_with('-') {
        return t.parse::<i64>().ok().map(|v| v as u64);
    }
    t.parse::<u64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vm_core::asm::assemble;

    #[test]
    fn the_default_is_the_input_runs_always_had() {
        let t = TracingInput::default();
        assert_eq!(t.process(), Process::default());
        let kprobe = assemble(".type kprobe\nr0 = 0\nexit\n").unwrap();
        assert_eq!(
            t.input_for(&kprobe, &[]),
            Input::kprobe(KprobeEvent::with_args("do_sys_openat2", 0, &[]))
        );
        let tp = assemble(".type tracepoint\nr0 = 0\nexit\n").unwrap();
        assert_eq!(
            t.input_for(&tp, &[]),
            Input::tracepoint(TracepointEvent::sys_enter(0, [0; 6]))
        );
    }

    #[test]
    fn edits_reach_the_input() {
        let t = TracingInput::default()
            .apply(TracingEdit::Reg(14, 7))
            .apply(TracingEdit::Syscall(59))
            .apply(TracingEdit::Arg(1, 3))
            .apply(TracingEdit::Current(0));
        let kprobe = assemble(".type kprobe\nr0 = 0\nexit\n").unwrap();
        let input = t.input_for(&kprobe, &[]);
        match &input.event {
            vm_core::run::Event::Kprobe(k) => assert_eq!(k.regs[14], 7, "di"),
            other => panic!("{other:?}"),
        }
        assert_eq!(input.system.process.comm, "systemd");
        let tp = assemble(".type tracepoint\nr0 = 0\nexit\n").unwrap();
        match t.input_for(&tp, &[]).event {
            vm_core::run::Event::Tracepoint(e) => {
                assert_eq!(e.record[8..16], 59i64.to_le_bytes());
                assert_eq!(e.record[24..32], 3u64.to_le_bytes());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_process_table_keeps_a_current_row() {
        let t = TracingInput::default();
        let n = t.processes.len();
        let t = t.apply(TracingEdit::Current(n - 1));
        let t = t.apply(TracingEdit::RemoveProcess(n - 1));
        assert_eq!(t.current, n - 2);
        let t = t.apply(TracingEdit::AddProcess);
        assert_eq!(t.processes.len(), n);
        assert!(
            t.processes
                .iter()
                .filter(|p| p.pid == t.processes[n - 1].pid)
                .count()
                == 1
        );
        let mut one = t.clone();
        one.processes.truncate(1);
        one.current = 0;
        assert_eq!(one.apply(TracingEdit::RemoveProcess(0)).processes.len(), 1);
        assert_eq!(t.apply(TracingEdit::Current(99)), t);
    }

    #[test]
    fn an_edited_event_and_process_change_the_run() {
        use crate::map_edits::MapEdits;
        use crate::session::{analyse_inputs, Report, RunEnd};
        let r0 =
            |src: &str, t: &TracingInput| match analyse_inputs(src, &[], &MapEdits::default(), t) {
                Report::Analysed(a) => match &a.run {
                    RunEnd::Returned { r0, .. } => *r0,
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            };
        let di = ".type kprobe\nr0 = *(u64 *)(r1 + 112)\nexit\n";
        let t = TracingInput::default();
        assert_eq!(r0(di, &t), 0);
        assert_eq!(r0(di, &t.apply(TracingEdit::Reg(14, 7))), 7);
        let uid = ".type tracepoint\ncall bpf_get_current_uid_gid\nr0 &= 0xffff\nexit\n";
        assert_eq!(r0(uid, &t), 1000);
        assert_eq!(
            r0(uid, &t.apply(TracingEdit::Current(0))),
            0,
            "systemd is root"
        );
        let id = ".type tracepoint\nr0 = *(u64 *)(r1 + 8)\nexit\n";
        assert_eq!(r0(id, &t.apply(TracingEdit::Syscall(59))), 59);
    }

    #[test]
    fn saved_inputs_come_back_the_same() {
        let t = TracingInput::default()
            .apply(TracingEdit::Reg(20, u64::MAX))
            .apply(TracingEdit::Syscall(-1))
            .apply(TracingEdit::Current(2));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<TracingInput>(&json).unwrap(), t);
        let bare: TracingInput = serde_json::from_str(
            r#"{"function":"f","regs":[],"syscall":0,"args":[0,0,0,0,0,0],"processes":[],"current":9}"#,
        )
        .unwrap();
        assert_eq!(bare.current, bare.processes.len() - 1);
    }

    #[test]
    fn numbers_parse_as_typed() {
        assert_eq!(parse_number("42"), Some(42));
        assert_eq!(parse_number(" 0x2A "), Some(42));
        assert_eq!(parse_number("-1"), Some(u64::MAX));
        assert_eq!(parse_number("1_000"), Some(1000));
        assert_eq!(parse_number("x"), None);
        assert_eq!(pt_regs_names().nth(14), Some("di"));
    }
}
