//! The one reducer every panel reads: the workspace (source text, input
//! packet), the last report from the core, and where the verifier stepper is.

use std::rc::Rc;

use yew::Reducible;

use crate::map_edits::{MapEdit, MapEdits};
use crate::packet_list::{PacketAction, PacketList};
use crate::session::{self, Report, TracingEdit, TracingInput, SAMPLE_PACKET_HEX};

/// The program shown when nothing is saved: the first thing to run.
pub const DEFAULT_SOURCE: &str = "\
; Return 42 from the program: press Run or Ctrl+Enter.
r0 = 42
exit
";

/// Which tab of the inspector is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// The verifier's verdict and stepper.
    #[default]
    Verifier,
    /// The assembled instructions.
    Program,
    /// Map contents after the run.
    Maps,
    /// The input packet.
    Packet,
    /// The run debugger and the tracing inputs.
    Run,
}

/// A move of the run debugger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMove {
    /// Back to the start of the run.
    Restart,
    /// One instruction back.
    Back,
    /// One instruction forward.
    Forward,
    /// On to the next breakpoint, or the end.
    Continue,
    /// To the end of the run.
    End,
    /// To `n` instructions executed.
    To(usize),
}

/// Where the run debugger is and where it stops.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DebugState {
    /// Instructions executed so far.
    pub pos: usize,
    /// Source lines with a breakpoint, sorted.
    pub breakpoints: Vec<u32>,
    /// The run debugger (not the verifier stepper) moved last: the editor and
    /// the program view highlight its instruction.
    pub active: bool,
}

/// A move of the verifier stepper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepMove {
    /// The first step.
    First,
    /// One back.
    Back,
    /// One forward.
    Forward,
    /// The last step.
    Last,
    /// The step that failed.
    ToError,
    /// The first step at this instruction (after the current one, wrapping).
    ToInsn(usize),
    /// Trace step number `n` (a loop iteration, a register's origin).
    To(usize),
}

/// Everything the panels show.
#[derive(Clone, Debug, PartialEq)]
pub struct Workspace {
    /// The editor text.
    pub source: String,
    /// The input packet, as hex text.
    pub packet: String,
    /// The report of the last Run, if any.
    pub report: Option<Report>,
    /// True when the source changed since `report` was made.
    pub stale: bool,
    /// Index into the verifier trace.
    pub step: usize,
    /// The open inspector tab.
    pub tab: Tab,
    /// Why the packet text could not be read at the last run (it ran with
    /// an empty packet).
    pub packet_error: Option<String>,
    /// The packet list; its selected packet is the input of Run (and
    /// `packet` holds that packet's text).
    pub packets: PacketList,
    /// Map entries put in or deleted from user space before the run.
    pub map_edits: MapEdits,
    /// The run debugger's position and breakpoints.
    pub debug: DebugState,
    /// The event and process table tracing programs run with.
    pub tracing: TracingInput,
}

impl Workspace {
    /// A workspace holding `source` and `packet`, not yet run.
    pub fn new(source: String, packet: String) -> Self {
        Workspace {
            source,
            packets: PacketList::from_hex(&packet),
            packet,
            report: None,
            stale: false,
            step: 0,
            tab: Tab::default(),
            packet_error: None,
            map_edits: MapEdits::default(),
            debug: DebugState::default(),
            tracing: TracingInput::default(),
        }
    }

    /// This workspace with `packets` as its packet list, when given (a saved
    /// or shared list).
    pub fn with_packets(mut self, packets: Option<PacketList>) -> Self {
        if let Some(list) = packets {
            self.packet = list.selected_text();
            self.packets = list;
        }
        self
    }

    /// This workspace with `edits` as its map edits, when given (saved ones).
    pub fn with_map_edits(mut self, edits: Option<MapEdits>) -> Self {
        if let Some(edits) = edits {
            self.map_edits = edits;
        }
        self
    }

    /// This workspace with saved tracing inputs and breakpoints, when given.
    pub fn with_debug(
        mut self,
        tracing: Option<TracingInput>,
        breakpoints: Option<Vec<u32>>,
    ) -> Self {
        if let Some(t) = tracing {
            self.tracing = t;
        }
        if let Some(mut lines) = breakpoints {
            lines.sort_unstable();
            lines.dedup();
            self.debug.breakpoints = lines;
        }
        self
    }

    /// The default workspace: the first program and the sample packet.
    pub fn sample() -> Self {
        Workspace::new(DEFAULT_SOURCE.into(), SAMPLE_PACKET_HEX.into())
    }

    fn analysed(&self) -> Option<&Rc<session::Analysis>> {
        match &self.report {
            Some(Report::Analysed(a)) => Some(a),
            _ => None,
        }
    }

    /// Number of verifier steps recorded.
    pub fn step_count(&self) -> usize {
        self.analysed().map_or(0, |a| a.verifier.trace.len())
    }

    /// This workspace after Run (used for share links, which run at once).
    pub fn ran(self) -> Workspace {
        self.run()
    }

    fn run(&self) -> Workspace {
        let input = match self.packets.current() {
            Some(item) => item.bytes(),
            None => session::parse_packet(&self.packet),
        };
        let (bytes, packet_error) = match input {
            Ok(bytes) => (bytes, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let mut next = Workspace {
            report: Some(session::analyse_inputs(
                &self.source,
                &bytes,
                &self.map_edits,
                &self.tracing,
            )),
            packet_error,
            stale: false,
            ..self.clone()
        };
        next.debug.pos = 0;
        // Open on the failing step of a rejected program, else the first.
        next.step = next.error_step().unwrap_or(0);
        next
    }

    fn error_step(&self) -> Option<usize> {
        session::walk::error_step(self.analysed()?)
    }

    /// The instruction the editor and program view highlight: the one the
    /// run debugger is about to run (or ran last, at the end) when it moved
    /// last, else the verifier stepper's.
    pub fn current_insn(&self) -> Option<usize> {
        let a = self.analysed()?;
        if self.debug.active {
            let run = a.concrete.as_ref()?;
            let pos = self.debug.pos;
            run.steps
                .get(pos)
                .or_else(|| pos.checked_sub(1).and_then(|p| run.steps.get(p)))
                .map(|s| s.pc)
        } else {
            a.verifier.trace.get(self.step).map(|s| s.insn)
        }
    }

    fn run_moved(&self, how: RunMove) -> usize {
        let Some(a) = self.analysed() else { return 0 };
        let (Some(t), Some(run)) = (&a.debug, &a.concrete) else {
            return 0;
        };
        let pos = self.debug.pos.min(t.len);
        match how {
            RunMove::Restart => 0,
            RunMove::Back => pos.saturating_sub(1),
            RunMove::Forward => (pos + 1).min(t.len),
            RunMove::End => t.len,
            RunMove::To(n) => n.min(t.len),
            RunMove::Continue => {
                let lines = &self.debug.breakpoints;
                let map = &a.program.source_map;
                t.next_stop(run, pos, |pc| {
                    map.line_of(pc)
                        .is_some_and(|l| lines.binary_search(&l).is_ok())
                })
            }
        }
    }

    fn moved(&self, how: StepMove) -> usize {
        let n = self.step_count();
        if n == 0 {
            return 0;
        }
        let last = n - 1;
        match how {
            StepMove::First => 0,
            StepMove::Back => self.step.saturating_sub(1),
            StepMove::Forward => (self.step + 1).min(last),
            StepMove::Last => last,
            StepMove::ToError => self.error_step().unwrap_or(self.step),
            StepMove::To(i) => i.min(last),
            StepMove::ToInsn(insn) => {
                let trace = match self.analysed() {
                    Some(a) => &a.verifier.trace,
                    None => return self.step,
                };
                (self.step + 1..n)
                    .chain(0..=self.step.min(last))
                    .find(|&i| trace[i].insn == insn)
                    .unwrap_or(self.step)
            }
        }
    }
}

/// What a user (or a panel) can do to the workspace.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The editor text changed.
    Edit(String),
    /// The packet text changed.
    EditPacket(String),
    /// Assemble, verify and run the current source.
    Run,
    /// Replace the source (an example, a share link) and run it.
    Load(String),
    /// Replace source and packet (a share link) and run.
    LoadWorkspace {
        /// Source.
        source: String,
        /// Packet hex.
        packet: String,
    },
    /// Move the verifier stepper.
    Step(StepMove),
    /// Open an inspector tab.
    Show(Tab),
    /// Change the packet list.
    Packets(PacketAction),
    /// Replace the packet list (restored from storage or a share link).
    SetPackets(PacketList),
    /// Put or delete a map entry from user space (the next run sees it).
    EditMap(MapEdit),
    /// Undo every edit of one map (back to the source's `.entry` lines).
    ResetMap(String),
    /// Replace the whole workspace (an imported file).
    Replace(Box<Workspace>),
    /// Move the run debugger.
    RunStep(RunMove),
    /// Set or clear the breakpoint on a source line.
    ToggleBreakpoint(u32),
    /// Change the tracing inputs (and run again, when there is a run).
    Tracing(TracingEdit),
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit(source) => {
                if source == self.source {
                    return self;
                }
                Rc::new(Workspace {
                    source,
                    stale: self.report.is_some(),
                    ..(*self).clone()
                })
            }
            Action::EditPacket(packet) => Rc::new(Workspace {
                packets: self.packets.apply(PacketAction::SetHex(packet.clone())),
                packet,
                stale: self.report.is_some(),
                ..(*self).clone()
            }),
            Action::Run => Rc::new(self.run()),
            // Another program: the old one's breakpoints mean nothing in it.
            Action::Load(source) => Rc::new(
                Workspace {
                    source,
                    debug: DebugState::default(),
                    ..(*self).clone()
                }
                .run(),
            ),
            Action::LoadWorkspace { source, packet } => Rc::new(
                Workspace {
                    source,
                    packets: PacketList::from_hex(&packet),
                    packet,
                    ..(*self).clone()
                }
                .run(),
            ),
            Action::Step(how) => {
                let step = self.moved(how);
                if step == self.step && !self.debug.active {
                    return self;
                }
                let mut next = Workspace {
                    step,
                    ..(*self).clone()
                };
                next.debug.active = false;
                Rc::new(next)
            }
            Action::RunStep(how) => {
                let pos = self.run_moved(how);
                if pos == self.debug.pos && self.debug.active {
                    return self;
                }
                let mut next = (*self).clone();
                next.debug.pos = pos;
                next.debug.active = true;
                Rc::new(next)
            }
            Action::ToggleBreakpoint(line) => {
                let mut next = (*self).clone();
                match next.debug.breakpoints.binary_search(&line) {
                    Ok(i) => {
                        next.debug.breakpoints.remove(i);
                    }
                    Err(i) => next.debug.breakpoints.insert(i, line),
                }
                Rc::new(next)
            }
            Action::Tracing(edit) => {
                let tracing = self.tracing.apply(edit);
                if tracing == self.tracing {
                    return self;
                }
                let next = Workspace {
                    tracing,
                    ..(*self).clone()
                };
                Rc::new(if next.report.is_some() {
                    next.run()
                } else {
                    next
                })
            }
            Action::Show(tab) => Rc::new(Workspace {
                tab,
                ..(*self).clone()
            }),
            Action::Packets(change) => {
                let packets = self.packets.apply(change);
                if packets == self.packets {
                    return self;
                }
                Rc::new(Workspace {
                    packet: packets.selected_text(),
                    stale: self.report.is_some(),
                    packets,
                    ..(*self).clone()
                })
            }
            Action::SetPackets(packets) => Rc::new(Workspace {
                packet: packets.selected_text(),
                packets,
                ..(*self).clone()
            }),
            Action::EditMap(edit) => Rc::new(Workspace {
                map_edits: self.map_edits.with(edit),
                stale: self.report.is_some(),
                ..(*self).clone()
            }),
            Action::Replace(ws) => Rc::new(*ws),
            Action::ResetMap(map) => Rc::new(Workspace {
                map_edits: self.map_edits.without_map(&map),
                stale: self.report.is_some(),
                ..(*self).clone()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_debugger_steps_and_stops_at_breakpoints() {
        // Lines: 1 .type, 2 r1 = 0, 3 loop:, 4 r1 += 1, 5 if, 6 r0 = 2, 7 exit.
        let src = ".type xdp\nr1 = 0\nloop:\nr1 += 1\nif r1 < 3 goto loop\nr0 = 2\nexit\n";
        let w = ws(src).reduce(Action::Run);
        assert_eq!(w.debug.pos, 0);
        let w = w.reduce(Action::RunStep(RunMove::Forward));
        assert_eq!(w.debug.pos, 1);
        assert!(w.debug.active);
        assert_eq!(w.current_insn(), Some(1), "about to run r1 += 1");
        let w = w.reduce(Action::ToggleBreakpoint(4));
        assert_eq!(w.debug.breakpoints, [4]);
        let w = w.reduce(Action::RunStep(RunMove::Continue));
        assert_eq!(w.debug.pos, 3, "the second visit of line 4");
        let w = w.reduce(Action::RunStep(RunMove::Continue));
        assert_eq!(w.debug.pos, 5);
        let w = w.reduce(Action::ToggleBreakpoint(4));
        assert!(w.debug.breakpoints.is_empty());
        let w = w.reduce(Action::RunStep(RunMove::Continue));
        let end = w.debug.pos;
        assert_eq!(end, 9, "runs to the end");
        assert_eq!(w.current_insn(), Some(4), "the end shows exit");
        let w = w.reduce(Action::RunStep(RunMove::Forward));
        assert_eq!(w.debug.pos, end);
        let w = w.reduce(Action::RunStep(RunMove::Back));
        assert_eq!(w.debug.pos, end - 1);
        let w = w.reduce(Action::RunStep(RunMove::Restart));
        assert_eq!(w.debug.pos, 0);
        let w = w.reduce(Action::Step(StepMove::Last));
        assert!(
            !w.debug.active,
            "the verifier stepper takes the highlight back"
        );
        let w = w.reduce(Action::RunStep(RunMove::To(4)));
        assert_eq!(w.debug.pos, 4);
        assert_eq!(
            w.clone().reduce(Action::Run).debug.pos,
            0,
            "a new run starts over"
        );
        let w = w.reduce(Action::ToggleBreakpoint(2));
        let w = w.reduce(Action::Load("r0 = 1\nexit\n".into()));
        assert!(
            w.debug.breakpoints.is_empty(),
            "another program, no breakpoints"
        );
    }

    #[test]
    fn a_tracing_edit_runs_again() {
        let src = ".type kprobe\nr0 = *(u64 *)(r1 + 112)\nexit\n";
        let w = ws(src).reduce(Action::Run);
        let w = w.reduce(Action::Tracing(TracingEdit::Reg(14, 9)));
        match &w.report {
            Some(Report::Analysed(a)) => {
                assert!(matches!(a.run, session::RunEnd::Returned { r0: 9, .. }))
            }
            other => panic!("{other:?}"),
        }
    }

    fn ws(source: &str) -> Rc<Workspace> {
        Rc::new(Workspace::new(source.into(), SAMPLE_PACKET_HEX.into()))
    }

    #[test]
    fn run_reports_and_edit_marks_stale() {
        let w = ws("r0 = 42\nexit\n").reduce(Action::Run);
        assert!(w.report.is_some());
        assert!(!w.stale);
        let w = w.reduce(Action::Edit("r0 = 1\nexit\n".into()));
        assert!(w.stale);
        assert_eq!(w.source, "r0 = 1\nexit\n");
    }

    #[test]
    fn same_text_edit_keeps_the_state() {
        let w = ws("exit");
        let again = w.clone().reduce(Action::Edit("exit".into()));
        assert!(Rc::ptr_eq(&w, &again));
    }

    #[test]
    fn a_rejected_program_opens_on_its_error_and_steps_move() {
        let src = "r0 = 1\nif r0 > 0 goto l\nl:\nr1 = r5\nexit\n";
        let w = ws(src).reduce(Action::Run);
        let n = w.step_count();
        assert!(n >= 2);
        assert_eq!(w.step, n - 1, "opens on the failing step");
        let w = w.reduce(Action::Step(StepMove::First));
        assert_eq!(w.step, 0);
        let w = w.reduce(Action::Step(StepMove::Back));
        assert_eq!(w.step, 0, "no step before the first");
        let w = w.reduce(Action::Step(StepMove::Forward));
        assert_eq!(w.step, 1);
        let w = w.reduce(Action::Step(StepMove::ToError));
        assert_eq!(w.step, n - 1);
        let w = w.reduce(Action::Step(StepMove::ToInsn(0)));
        assert_eq!(w.step, 0);
        let w = w.reduce(Action::Step(StepMove::Last));
        assert_eq!(w.step, n - 1);
        let w = w.reduce(Action::Step(StepMove::Forward));
        assert_eq!(w.step, n - 1, "no step after the last");
    }

    #[test]
    fn a_map_edit_is_seen_by_the_next_run() {
        let src = ".map cfg, array, key=4, value=8, max_entries=1
                   *(u32 *)(r10 - 4) = 0
r1 = map[cfg] ll
r2 = r10
r2 += -4
                   call bpf_map_lookup_elem
r1 = r0
r0 = 0
if r1 == 0 goto out
                   r0 = *(u64 *)(r1 + 0)
out:
exit
";
        let w = ws(src).reduce(Action::EditMap(MapEdit::Put {
            map: "cfg".into(),
            key: vec![0; 4],
            value: 3u64.to_le_bytes().to_vec(),
        }));
        let w = w.reduce(Action::Run);
        let Some(Report::Analysed(a)) = &w.report else {
            panic!("expected a run")
        };
        assert!(
            matches!(a.run, session::RunEnd::Returned { r0: 3, .. }),
            "{:?}",
            a.run
        );
        let w = w.reduce(Action::ResetMap("cfg".into()));
        assert!(w.stale && w.map_edits.is_empty());
    }
}
