//! The only module that calls `vm-core`: source text and an input packet in,
//! a [`Report`] the panels can show out. The pipeline is the core's own:
//! assemble -> verify -> run (only when the verifier accepts, as the kernel
//! would load it). Nothing here knows about HTML.

use std::rc::Rc;

pub mod concrete;
pub mod debug;
pub mod tracing;
pub mod walk;

pub use tracing::{TracingEdit, TracingInput};

use vm_core::asm::{assemble, AsmError, Syntax};
use vm_core::disasm::format_insn;
use vm_core::isa::encode;
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run_with, Input, RunError, RunOptions};
use vm_core::verifier::{verify, StepEvent, VerifierOptions, VerifierResult};
use vm_core::{Program, ProgramType};

use crate::map_edits::MapEdits;

/// Instructions a run may execute before the UI calls it a runaway loop.
pub const RUN_BUDGET: u64 = 1_000_000;

/// Verifier steps kept for the stepper (the kernel's log has them all).
pub const TRACE_LIMIT: usize = 20_000;

/// The packet a packet program sees when the user has given none: Ethernet,
/// IPv4, UDP from 10.0.0.1:1234 to 10.0.0.2:53 with a 4-byte payload.
pub const SAMPLE_PACKET_HEX: &str = "\
02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00
00 20 00 01 00 00 40 11 66 ca 0a 00 00 01 0a 00
00 02 04 d2 00 35 00 0c 00 00 de ad be ef";

/// Where in the source something went wrong (1-based, in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
    /// How many characters to underline (at least 1).
    pub len: u32,
    /// What was expected and what was found.
    pub message: String,
}

impl From<AsmError> for SourceError {
    fn from(e: AsmError) -> Self {
        SourceError {
            line: e.line,
            column: e.column,
            len: e.len.max(1),
            message: e.message,
        }
    }
}

/// One instruction slot of the program view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingRow {
    /// Slot index.
    pub index: usize,
    /// The 8 bytes, as hex.
    pub bytes: String,
    /// Pseudo-C text.
    pub pseudo_c: String,
    /// Mnemonic text.
    pub mnemonic: String,
    /// Source line, when known.
    pub line: Option<u32>,
}

/// The verifier's verdict, as the panels show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// True when the program would load.
    pub accepted: bool,
    /// The failing instruction, its line, the kernel's message and a plain explanation.
    pub error: Option<VerdictError>,
    /// `processed N insns (limit ...) ...`.
    pub summary: String,
    /// The full kernel-format log.
    pub log: String,
}

/// Why the verifier rejected the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictError {
    /// Instruction index.
    pub insn: usize,
    /// Source line.
    pub line: Option<u32>,
    /// The kernel's message.
    pub message: String,
    /// The rule in plain words.
    pub explanation: String,
    /// How to fix it, with this error's register, offsets and sizes filled
    /// in (code in backticks).
    pub fix: String,
}

/// What the run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// The program returned.
    Returned {
        /// `r0`.
        r0: u64,
        /// Its meaning for the program type (`XDP_PASS`, ...).
        verdict: String,
        /// Instructions executed.
        executed: u64,
        /// The packet as it leaves, for packet programs.
        packet_out: Option<Vec<u8>>,
        /// `bpf_trace_printk` lines.
        trace_log: Vec<String>,
    },
    /// The run stopped with an error.
    Fault {
        /// Instruction index, when the error is at one.
        pc: Option<usize>,
        /// Its source line.
        line: Option<u32>,
        /// What went wrong.
        message: String,
    },
    /// Not run: the verifier rejected the program, as the kernel would.
    NotLoaded,
}

/// One map after the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapView {
    /// Its name.
    pub name: String,
    /// Its kernel type name.
    pub kind: String,
    /// Key and value sizes.
    pub key_size: u32,
    /// Value size.
    pub value_size: u32,
    /// Entries (key, value), at most [`MAP_ROWS`].
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Rows shown per map.
pub const MAP_ROWS: usize = 256;

/// One record the run sent to user space, for the event log: a
/// `bpf_trace_printk` line, a ring buffer record or a perf event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventView {
    /// Where it went: `trace_pipe`, or the map's name and kind.
    pub source: String,
    /// The CPU it was produced on.
    pub cpu: u32,
    /// The text (trace lines) or the record's bytes as hex.
    pub text: String,
    /// The record's length in bytes (0 for trace lines).
    pub len: usize,
}

/// An assembled program and everything the core says about it.
#[derive(Debug)]
pub struct Analysis {
    /// The program.
    pub program: Program,
    /// The program view's rows.
    pub listing: Vec<ListingRow>,
    /// The verifier's result (trace included).
    pub verifier: VerifierResult,
    /// The verdict, formatted.
    pub verdict: Verdict,
    /// The run.
    pub run: RunEnd,
    /// The maps after the run.
    pub maps: Vec<MapView>,
    /// The maps as user space filled them before the run (`.entry` lines
    /// and the Maps panel's edits), for the diff.
    pub maps_before: Vec<MapView>,
    /// `bpf_trace_printk` lines, ring buffer records and perf events, in
    /// that order.
    pub events: Vec<EventView>,
    /// The run recorded step by step (accepted programs only), for
    /// "abstract beside concrete".
    pub concrete: Option<concrete::RunTrace>,
    /// The same run indexed for the run debugger.
    pub debug: Option<debug::Timeline>,
}

/// What the panels show after Run.
#[derive(Clone, Debug)]
pub enum Report {
    /// The source did not assemble.
    Asm(SourceError),
    /// It assembled; verified and (if accepted) ran.
    Analysed(Rc<Analysis>),
}

impl PartialEq for Report {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Report::Asm(a), Report::Asm(b)) => a == b,
            (Report::Analysed(a), Report::Analysed(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Parses the packet editor's text (plain hex, or any hex dump format the
/// `packets` crate reads): the first packet of the dump. The packet list
/// says how many more the dump holds and can add them
/// ([`parse_dump`], `PacketAction::SplitHex`).
pub fn parse_packet(text: &str) -> Result<Vec<u8>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    parse_dump(text)?
        .packets
        .into_iter()
        .next()
        .ok_or_else(|| "no packet bytes found".to_string())
}

/// Every packet of a pasted dump, with the format it was read as and
/// whether an Ethernet header was made up for IP packets (tcpdump -x).
pub fn parse_dump(text: &str) -> Result<packets::HexDump, String> {
    packets::parse_hex_dump(text).map_err(|e| e.to_string())
}

/// Assembles `source`, verifies it, and runs it on `packet` when accepted.
pub fn analyse(source: &str, packet: &[u8]) -> Report {
    analyse_with(source, packet, &MapEdits::default())
}

/// [`analyse`] with the Maps panel's edits applied to the maps' initial
/// entries (on top of the source's `.entry` lines) before the run.
pub fn analyse_with(source: &str, packet: &[u8], edits: &MapEdits) -> Report {
    analyse_inputs(source, packet, edits, &TracingInput::default())
}

/// [`analyse_with`], with `tracing` as the input of kprobe and tracepoint
/// programs (the Run tab's tracing inputs).
pub fn analyse_inputs(
    source: &str,
    packet: &[u8],
    edits: &MapEdits,
    tracing: &TracingInput,
) -> Report {
    let mut program = match assemble(source) {
        Ok(p) => p,
        Err(e) => return Report::Asm(e.into()),
    };
    // Text disassembled from a clang object keeps its C lines as comments.
    crate::object::attach_c_lines(source, &mut program);
    let listing = listing(&program);
    let options = VerifierOptions {
        trace_limit: TRACE_LIMIT,
        ..VerifierOptions::default()
    };
    let verifier = verify(&program, &options);
    let verdict = Verdict {
        accepted: verifier.accepted(),
        error: verifier.error.as_ref().map(|e| VerdictError {
            insn: e.insn,
            line: e.line,
            message: e.message.clone(),
            explanation: e.explanation().to_string(),
            fix: verifier.fix().unwrap_or_default(),
        }),
        summary: verifier.summary(),
        log: verifier.log().to_string(),
    };
    // The program keeps its own `.entry` lines; the run's maps get the
    // edits on top (see `maps_before`).
    let mut edited = program.clone();
    edits.apply(&mut edited);
    let input = tracing.input_for(&program, packet);
    let ran = if verdict.accepted {
        run_program(&edited, &input)
    } else {
        Ran::default()
    };
    let concrete = if verdict.accepted {
        concrete::record(&edited, &input)
    } else {
        None
    };
    let frame = match program.prog_type {
        ProgramType::Kprobe | ProgramType::Tracepoint => &[][..],
        _ => packet,
    };
    let debug = concrete
        .as_ref()
        .map(|run| debug::Timeline::new(run, program.prog_type, program.insns.len(), frame));
    Report::Analysed(Rc::new(Analysis {
        program,
        listing,
        verifier,
        verdict,
        run: ran.end,
        maps: ran.maps,
        maps_before: ran.maps_before,
        events: ran.events,
        concrete,
        debug,
    }))
}

fn listing(program: &Program) -> Vec<ListingRow> {
    let bytes = encode(&program.insns);
    bytes
        .chunks(8)
        .enumerate()
        .map(|(index, slot)| ListingRow {
            index,
            bytes: hex(slot),
            pseudo_c: format_insn(program, index, Syntax::PseudoC),
            mnemonic: format_insn(program, index, Syntax::Mnemonic),
            line: program.source_map.line_of(index),
        })
        .collect()
}

pub(crate) fn input_for(program: &Program, packet: &[u8]) -> Input {
    TracingInput::default().input_for(program, packet)
}

/// What running an accepted program gave.
struct Ran {
    end: RunEnd,
    maps: Vec<MapView>,
    maps_before: Vec<MapView>,
    events: Vec<EventView>,
}

impl Default for Ran {
    fn default() -> Self {
        Ran {
            end: RunEnd::NotLoaded,
            maps: Vec::new(),
            maps_before: Vec::new(),
            events: Vec::new(),
        }
    }
}

/// The maps `program` (as assembled) declares as user space fills them
/// before a run (its `.entry` lines, then `edits`), or why they cannot be
/// made.
pub fn maps_before(program: &Program, edits: &MapEdits) -> Result<Vec<MapView>, String> {
    let mut program = program.clone();
    edits.apply(&mut program);
    let maps = Maps::for_program(&program, MapsConfig::default()).map_err(|e| e.to_string())?;
    Ok(map_views(&program, &maps))
}

fn run_program(program: &Program, input: &Input) -> Ran {
    let mut maps = match Maps::for_program(program, MapsConfig::default()) {
        Ok(m) => m,
        Err(e) => {
            let end = RunEnd::Fault {
                pc: None,
                line: None,
                message: format!("maps: {e}"),
            };
            return Ran {
                end,
                ..Ran::default()
            };
        }
    };
    let maps_before = map_views(program, &maps);
    let mut events = Vec::new();
    let options = RunOptions {
        budget: RUN_BUDGET,
        ..RunOptions::default()
    };
    let end = match run_with(program, input, &mut maps, options) {
        Ok(out) => {
            events = event_views(program, &out);
            RunEnd::Returned {
                r0: out.verdict.code,
                verdict: out.verdict.name,
                executed: out.executed,
                packet_out: out.packet,
                trace_log: out.trace_log.into_iter().map(|l| l.message).collect(),
            }
        }
        Err(RunError::Exec(e)) => {
            let full = e.to_string();
            let prefix = format!("insn {}: ", e.pc);
            RunEnd::Fault {
                pc: Some(e.pc),
                line: program.source_map.line_of(e.pc),
                message: full.strip_prefix(&prefix).unwrap_or(&full).to_string(),
            }
        }
        Err(e) => RunEnd::Fault {
            pc: None,
            line: None,
            message: e.to_string(),
        },
    };
    Ran {
        end,
        maps: map_views(program, &maps),
        maps_before,
        events,
    }
}

fn event_views(program: &Program, out: &vm_core::run::Outcome) -> Vec<EventView> {
    let lines = out.trace_log.iter().map(|l| EventView {
        source: "trace_pipe".into(),
        cpu: l.cpu,
        text: l.trace_pipe(),
        len: 0,
    });
    let records = out.events.iter().map(|e| {
        let source = match program.maps.get(e.map) {
            Some(def) => format!("{} ({})", def.name, def.map_type.name()),
            None => format!("map {}", e.map),
        };
        EventView {
            source,
            cpu: e.cpu,
            text: hex(&e.data),
            len: e.data.len(),
        }
    });
    lines.chain(records).collect()
}

fn map_views(program: &Program, maps: &Maps) -> Vec<MapView> {
    program
        .maps
        .iter()
        .enumerate()
        .map(|(i, def)| MapView {
            name: def.name.clone(),
            kind: format!("{:?}", def.map_type),
            key_size: def.key_size,
            value_size: def.value_size,
            entries: maps
                .entries(i)
                .map(|es| {
                    es.into_iter()
                        .take(MAP_ROWS)
                        .map(|e| (e.key, e.value))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// One verifier step, formatted for the stepper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepView {
    /// Instruction index.
    pub insn: usize,
    /// Its source line.
    pub line: Option<u32>,
    /// The path (branch) id.
    pub path: u32,
    /// The instruction in pseudo-C.
    pub text: String,
    /// What happened, in words.
    pub event: String,
    /// Registers before and after: (name, before, after); after is empty
    /// when the path ended here.
    pub regs: Vec<(String, String, String)>,
    /// Stack slots after (or before, when the path ended): (slot, value).
    pub stack: Vec<(String, String)>,
    /// Registers the instruction read or wrote (bit i = ri).
    pub touched: u16,
    /// The kernel's log for this step.
    pub log: String,
}

/// Formats verifier step `i` of `analysis`, if it exists.
pub fn step_view(analysis: &Analysis, i: usize) -> Option<StepView> {
    let program = &analysis.program;
    let step = analysis.verifier.trace.get(i)?;
    let before = step.before.regs_text(program);
    let after = step
        .after
        .as_ref()
        .map(|a| a.regs_text(program))
        .unwrap_or_default();
    let mut names: Vec<String> = before.iter().map(|(n, _)| n.clone()).collect();
    for (n, _) in &after {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    names.sort_by_key(|n| n[1..].parse::<u32>().unwrap_or(99));
    let find = |list: &[(String, String)], n: &str| {
        list.iter()
            .find(|(m, _)| m == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let regs = names
        .iter()
        .map(|n| (n.clone(), find(&before, n), find(&after, n)))
        .collect();
    let stack = step
        .after
        .as_ref()
        .unwrap_or(&step.before)
        .stack_text(program);
    let event = match &step.event {
        StepEvent::Next => "next instruction".to_string(),
        StepEvent::BranchKnown { taken: true } => "branch always taken here".to_string(),
        StepEvent::BranchKnown { taken: false } => "branch never taken here".to_string(),
        StepEvent::BranchPushed {
            taken,
            pushed_path,
            pushed_insn,
        } => format!(
            "both sides possible: this path {}; path {pushed_path} (at insn {pushed_insn}) is pushed for later",
            if *taken { "jumps" } else { "falls through" }
        ),
        StepEvent::Pruned => "pruned: an equivalent state was already verified".to_string(),
        StepEvent::Exit => "path reaches exit".to_string(),
        StepEvent::Call => "enters a function".to_string(),
        StepEvent::Return => "returns from a function".to_string(),
        StepEvent::Error => "rejected here".to_string(),
    };
    Some(StepView {
        insn: step.insn,
        line: program.source_map.line_of(step.insn),
        path: step.path,
        text: format_insn(program, step.insn, Syntax::PseudoC),
        event,
        regs,
        stack,
        touched: step.regs_touched,
        log: step.log.clone(),
    })
}

/// One labelled field of the input packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketField {
    /// Bytes, e.g. `12-13`.
    pub range: String,
    /// `IPv4`, `UDP`, ...
    pub layer: String,
    /// `EtherType`, `Source port`, ...
    pub name: String,
    /// The value, for people.
    pub value: String,
}

/// The packet's bytes labelled by protocol field.
pub fn packet_fields(bytes: &[u8]) -> Vec<PacketField> {
    packets::dissect(bytes)
        .into_iter()
        .map(|f| PacketField {
            range: if f.len == 1 {
                f.start.to_string()
            } else {
                format!("{}-{}", f.start, f.end() - 1)
            },
            layer: f.layer.to_string(),
            name: f.name.to_string(),
            value: f.value_text,
        })
        .collect()
}

/// Hex bytes as `de ad be ef`.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysed(source: &str) -> Rc<Analysis> {
        let packet = parse_packet(SAMPLE_PACKET_HEX).unwrap();
        match analyse(source, &packet) {
            Report::Analysed(a) => a,
            Report::Asm(e) => panic!("expected it to assemble: {e:?}"),
        }
    }

    #[test]
    fn returns_r0_with_its_verdict() {
        let a = analysed("r0 = 2\nexit\n");
        assert!(a.verdict.accepted);
        match &a.run {
            RunEnd::Returned {
                r0,
                verdict,
                executed,
                ..
            } => {
                assert_eq!(*r0, 2);
                assert_eq!(verdict, "XDP_PASS");
                assert_eq!(*executed, 2);
            }
            other => panic!("expected a return, got {other:?}"),
        }
        assert_eq!(a.listing.len(), 2);
        assert_eq!(a.listing[0].bytes, "b7 00 00 00 02 00 00 00");
        assert_eq!(a.listing[1].line, Some(2));
    }

    #[test]
    fn typo_names_line_and_column() {
        match analyse("r0 = 42\nexti\n", &[]) {
            Report::Asm(e) => assert_eq!((e.line, e.column), (2, 1), "{e:?}"),
            other => panic!("expected an assembly error, got {other:?}"),
        }
    }

    #[test]
    fn a_rejected_program_is_not_run() {
        let a = analysed("exit\n");
        assert!(!a.verdict.accepted);
        let err = a.verdict.error.as_ref().unwrap();
        assert_eq!(err.message, "R0 !read_ok");
        assert_eq!(err.line, Some(1));
        assert_eq!(a.run, RunEnd::NotLoaded);
        let last = step_view(&a, a.verifier.trace.len() - 1).unwrap();
        assert_eq!(last.event, "rejected here");
    }

    #[test]
    fn steps_show_registers_before_and_after() {
        let a = analysed("r0 = 42\nexit\n");
        let first = step_view(&a, 0).unwrap();
        assert_eq!(first.insn, 0);
        let r0 = first.regs.iter().find(|(n, _, _)| n == "R0").unwrap();
        assert_eq!(r0.1, "");
        assert_eq!(r0.2, "42");
    }

    #[test]
    fn maps_are_shown_after_the_run() {
        let a = analysed(
            ".map counts, array, key=4, value=8, max_entries=2\n\
             *(u32 *)(r10 - 4) = 1\n\
             r1 = map[counts] ll\n\
             r2 = r10\n\
             r2 += -4\n\
             call bpf_map_lookup_elem\n\
             if r0 == 0 goto out\n\
             r1 = 7\n\
             *(u64 *)(r0 + 0) = r1\n\
             out:\n\
             r0 = 2\n\
             exit\n",
        );
        assert!(a.verdict.accepted, "{:?}", a.verdict.error);
        let m = &a.maps[0];
        assert_eq!(m.name, "counts");
        assert_eq!(m.entries[1].1, 7u64.to_le_bytes());
    }

    #[test]
    fn the_sample_packet_parses() {
        let p = parse_packet(SAMPLE_PACKET_HEX).unwrap();
        assert_eq!(p.len(), 46);
        assert_eq!(&p[12..14], &[0x08, 0x00]);
    }
}

/// One packet's result in a batch run.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchOutcome {
    /// The verdict name (`XDP_PASS`, ...), or `error` when the run stopped.
    pub verdict: String,
    /// `r0`, or the run-time error.
    pub detail: String,
    /// Map entries this packet's run changed: `name[key]: old -> new`.
    pub map_changes: Vec<String>,
}

/// A program assembled and verified once, run on packet after packet with
/// its maps kept between runs (as the kernel keeps them between packets).
pub struct BatchRun {
    program: Program,
    maps: Maps,
}

impl BatchRun {
    /// Assembles and verifies `source`; the error says why it cannot run.
    pub fn prepare(source: &str) -> Result<BatchRun, String> {
        BatchRun::prepare_with(source, &MapEdits::default())
    }

    /// [`BatchRun::prepare`] with the Maps panel's edits in the maps.
    pub fn prepare_with(source: &str, edits: &MapEdits) -> Result<BatchRun, String> {
        let mut program = assemble(source).map_err(|e| format!("assembly error: {e}"))?;
        edits.apply(&mut program);
        let verifier = verify(&program, &VerifierOptions::default());
        if let Some(e) = &verifier.error {
            return Err(format!(
                "rejected by the verifier at instruction {}: {}",
                e.insn, e.message
            ));
        }
        let maps =
            Maps::for_program(&program, MapsConfig::default()).map_err(|e| format!("maps: {e}"))?;
        Ok(BatchRun { program, maps })
    }

    fn snapshot(&self) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
        (0..self.program.maps.len())
            .map(|i| {
                self.maps
                    .entries(i)
                    .map(|es| es.into_iter().map(|e| (e.key, e.value)).collect())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Runs the program on one packet.
    pub fn run(&mut self, packet: &[u8]) -> BatchOutcome {
        let before = self.snapshot();
        let options = RunOptions {
            budget: RUN_BUDGET,
            ..RunOptions::default()
        };
        let input = input_for(&self.program, packet);
        let (verdict, detail) = match run_with(&self.program, &input, &mut self.maps, options) {
            Ok(out) => (
                out.verdict.name,
                format!("r0 = {}", out.verdict.code as i64),
            ),
            Err(e) => ("error".to_string(), e.to_string()),
        };
        let after = self.snapshot();
        let mut map_changes = Vec::new();
        for (i, (old, new)) in before.iter().zip(&after).enumerate() {
            let name = self.program.maps.get(i).map_or("?", |d| d.name.as_str());
            for (key, value) in new {
                match old.iter().find(|(k, _)| k == key) {
                    Some((_, v)) if v == value => {}
                    Some((_, v)) => map_changes.push(format!(
                        "{name}[{}]: {} -> {}",
                        hex(key),
                        hex(v),
                        hex(value)
                    )),
                    None => map_changes.push(format!("{name}[{}]: (new) {}", hex(key), hex(value))),
                }
            }
            for (key, value) in old {
                if !new.iter().any(|(k, _)| k == key) {
                    map_changes.push(format!("{name}[{}]: {} -> (deleted)", hex(key), hex(value)));
                }
            }
        }
        BatchOutcome {
            verdict,
            detail,
            map_changes,
        }
    }
}

#[cfg(test)]
mod batch_tests {
    use super::*;

    #[test]
    fn maps_carry_over_between_packets_and_changes_are_listed() {
        let mut batch = BatchRun::prepare(
            ".type xdp\n.map counts, array, key=4, value=8, max_entries=1\n\
             *(u32 *)(r10 - 4) = 0\nr1 = map[counts] ll\nr2 = r10\nr2 += -4\n\
             call bpf_map_lookup_elem\nif r0 == 0 goto out\nr1 = 1\nlock *(u64 *)(r0 + 0) += r1\n\
             out:\nr0 = 1\nexit\n",
        )
        .unwrap();
        let first = batch.run(&[0; 14]);
        assert_eq!(first.verdict, "XDP_DROP");
        assert_eq!(
            first.map_changes,
            ["counts[00 00 00 00]: 00 00 00 00 00 00 00 00 -> 01 00 00 00 00 00 00 00"]
        );
        let second = batch.run(&[0; 14]);
        assert!(second.map_changes[0].ends_with("-> 02 00 00 00 00 00 00 00"));
    }

    #[test]
    fn a_rejected_program_does_not_batch() {
        let e = BatchRun::prepare("exit\n").err().unwrap();
        assert!(e.contains("R0 !read_ok"), "{e}");
    }
}

/// Packet bytes one load or store of the run touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketTouch {
    /// First byte (offset into the packet).
    pub start: usize,
    /// Bytes.
    pub len: usize,
    /// A store rather than a load.
    pub write: bool,
    /// The instruction that did it.
    pub pc: usize,
}

/// Instructions recorded when looking for packet accesses.
pub const TOUCH_TRACE_LIMIT: usize = 100_000;

/// Runs `program` on `packet` with a trace and returns the packet bytes its
/// loads and stores touched (offsets from the packet's start as it was when
/// the program began). Empty for a program that faults before touching the
/// packet or is not a packet program.
pub fn packet_touches(program: &Program, packet: &[u8]) -> Vec<PacketTouch> {
    let Ok(mut maps) = Maps::for_program(program, MapsConfig::default()) else {
        return Vec::new();
    };
    let options = RunOptions {
        budget: RUN_BUDGET,
        ..RunOptions::default()
    };
    let input = input_for(program, packet);
    let Ok(mut exec) = vm_core::run::Execution::new(program, &input, &mut maps, options) else {
        return Vec::new();
    };
    let Some((base, end)) = exec.vm().memory().packet().map(|r| (r.base(), r.end())) else {
        return Vec::new();
    };
    let mut trace = vm_core::interp::Trace::with_limit(TOUCH_TRACE_LIMIT);
    let _ = exec.run_traced(&mut trace, RUN_BUDGET, &[]);
    trace
        .steps
        .iter()
        .flat_map(|s| s.mem.iter().map(move |m| (s.pc, m)))
        .filter(|(_, m)| m.addr >= base && m.addr < end)
        .map(|(pc, m)| PacketTouch {
            start: (m.addr - base) as usize,
            len: usize::from(m.size),
            write: m.write,
            pc,
        })
        .collect()
}

#[cfg(test)]
mod touch_tests {
    use super::*;

    #[test]
    fn loads_through_the_packet_pointer_are_found() {
        let program = assemble(
            ".type xdp\nr2 = *(u32 *)(r1 + 4)\nr1 = *(u32 *)(r1 + 0)\nr3 = r1\nr3 += 14\n\
             if r3 > r2 goto out\nr0 = *(u16 *)(r1 + 12)\nout:\nr0 = 2\nexit\n",
        )
        .unwrap();
        let packet = parse_packet(SAMPLE_PACKET_HEX).unwrap();
        let touches = packet_touches(&program, &packet);
        assert_eq!(
            touches,
            [PacketTouch {
                start: 12,
                len: 2,
                write: false,
                pc: 5
            }]
        );
    }
}
