//! The run debugger's timeline: the recorded run ([`RunTrace`], made once
//! per Run) turned, also once per Run, into what a step needs to show the
//! run at any point without running or replaying it from the start.
//!
//! A position is the number of instructions executed so far (0 to the
//! trace's length). Registers come straight from the trace step. Memory
//! (the stack's frames and the packet) is kept as a snapshot every
//! [`CHECKPOINT_EVERY`] steps; the view at a position copies the snapshot
//! before it and applies at most that many steps' stores, so a step costs
//! the same at the start and the end of a long run.

use std::ops::Range;

use vm_core::ctx::layout;
use vm_core::interp::{TraceStep, STACK_SIZE};
use vm_core::ProgramType;

use super::concrete::RunTrace;

/// Steps between two memory snapshots.
pub const CHECKPOINT_EVERY: usize = 256;

/// A load or store of packet bytes, as offsets into the input frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketAccess {
    /// First byte.
    pub start: usize,
    /// Bytes.
    pub len: usize,
    /// A store rather than a load.
    pub write: bool,
}

impl PacketAccess {
    /// The bytes, as a range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.len
    }
}

/// One memory access of a step, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessView {
    /// A store rather than a load.
    pub write: bool,
    /// Bytes.
    pub size: u8,
    /// Where: `fp-8`, `ctx+0 (data)`, `packet bytes 12-13`.
    pub place: String,
    /// For packet bytes, the protocol fields they cover with the value in
    /// network byte order, as the packet carries it: `Ethernet EtherType
    /// 0x0800 (IPv4)` (a load into a register reads the same bytes
    /// little-endian: 0x8).
    pub field: Option<String>,
    /// The value loaded, or stored.
    pub value: u64,
    /// The value in memory before a store.
    pub old: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    /// The stack region (every frame).
    stack: Vec<u8>,
    /// Stack bytes written so far.
    written: Vec<bool>,
    /// The frame, in input-frame offsets.
    packet: Vec<u8>,
}

/// The run at one position, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunPoint {
    /// Instructions executed so far.
    pub pos: usize,
    /// The instruction about to run (`None` at the end).
    pub next_pc: Option<usize>,
    /// The instruction that ran last (`None` at the start).
    pub last_pc: Option<usize>,
    /// r0 to r10 now.
    pub regs: [u64; 11],
    /// r0 to r10 before the last instruction ran (equal to `regs` at the start).
    pub before: [u64; 11],
    /// Call depth of the frame shown (0 = main program).
    pub depth: usize,
    /// The current frame's 512 stack bytes, `fp-512` first.
    pub stack: Vec<u8>,
    /// Which of them the run has written so far.
    pub stack_written: Vec<bool>,
    /// Which of them the last instruction wrote.
    pub stack_just: Vec<bool>,
    /// The packet as it is now (the input frame with the stores so far).
    pub packet: Vec<u8>,
    /// Packet bytes the last instruction read or wrote.
    pub packet_touched: Vec<PacketAccess>,
    /// The last instruction's loads and stores, in words.
    pub accesses: Vec<AccessView>,
    /// The helper the last instruction called.
    pub helper: Option<i32>,
}

impl RunPoint {
    /// Registers the last instruction changed (bit n = rn).
    pub fn changed(&self) -> u16 {
        (0..11).fold(0, |m, n| {
            if self.regs[n] != self.before[n] {
                m | 1 << n
            } else {
                m
            }
        })
    }
}

/// The recorded run, indexed for stepping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    prog_type: ProgramType,
    stack_base: u64,
    packet_base: Option<u64>,
    packet_len: usize,
    /// The input frame (what the Packets tab shows).
    pub frame: Vec<u8>,
    /// Frame offset of the packet region's first byte (14 for socket
    /// filters, which see the packet from the network header).
    frame_offset: usize,
    fields: Vec<packets::Field>,
    checkpoints: Vec<Snapshot>,
    /// Per instruction, the packet bytes it read or wrote over the whole run.
    insn_packet: Vec<Vec<PacketAccess>>,
    /// Steps recorded: positions run from 0 to this.
    pub len: usize,
}

impl Timeline {
    /// Indexes `run`, a run of a `prog_type` program with `insns`
    /// instructions on the input frame `frame` (empty for tracing programs).
    pub fn new(run: &RunTrace, prog_type: ProgramType, insns: usize, frame: &[u8]) -> Timeline {
        let region = |kind: &str| run.regions.iter().find(|(_, _, k)| k == kind);
        let (stack_base, stack_len) = region("stack").map_or((0, 0), |(b, l, _)| (*b, *l));
        let packet_base = region("packet").map(|(b, _, _)| *b);
        let packet_len = if packet_base.is_some() {
            run.packet.len()
        } else {
            0
        };
        let mut t = Timeline {
            prog_type,
            stack_base,
            packet_base,
            packet_len,
            frame: frame.to_vec(),
            frame_offset: frame.len().saturating_sub(packet_len),
            fields: if packet_base.is_some() {
                packets::dissect(frame)
            } else {
                Vec::new()
            },
            checkpoints: Vec::new(),
            insn_packet: vec![Vec::new(); insns],
            len: run.steps.len(),
        };
        let mut snap = Snapshot {
            stack: vec![0; stack_len as usize],
            written: vec![false; stack_len as usize],
            packet: frame.to_vec(),
        };
        for (i, step) in run.steps.iter().enumerate() {
            if i % CHECKPOINT_EVERY == 0 {
                t.checkpoints.push(snap.clone());
            }
            t.apply(&mut snap, step, None);
            let touched = t.packet_accesses(step);
            if let Some(list) = t.insn_packet.get_mut(step.pc) {
                for a in touched {
                    if !list.contains(&a) {
                        list.push(a);
                    }
                }
            }
        }
        if t.checkpoints.is_empty() {
            t.checkpoints.push(snap);
        }
        t
    }

    /// Writes `bytes` at `addr` into the snapshot (stack or packet; other
    /// memory is not shown); marks the stack bytes in `just` too.
    fn write(&self, snap: &mut Snapshot, addr: u64, bytes: &[u8], mut just: Option<&mut Vec<u64>>) {
        for (i, b) in bytes.iter().enumerate() {
            let a = addr.wrapping_add(i as u64);
            if let Some(off) = a.checked_sub(self.stack_base) {
                if let Some(slot) = snap.stack.get_mut(off as usize) {
                    *slot = *b;
                    if let Some(w) = snap.written.get_mut(off as usize) {
                        *w = true;
                    }
                    if let Some(j) = just.as_deref_mut() {
                        j.push(a);
                    }
                    continue;
                }
            }
            if let Some(off) = self.packet_offset(a) {
                if let Some(slot) = snap.packet.get_mut(off) {
                    *slot = *b;
                }
            }
        }
    }

    fn apply(&self, snap: &mut Snapshot, step: &TraceStep, mut just: Option<&mut Vec<u64>>) {
        for w in &step.helper_writes {
            self.write(snap, w.addr, &w.new, just.as_deref_mut());
        }
        for m in step.mem.iter().filter(|m| m.write) {
            let bytes = m.new.to_le_bytes();
            let n = usize::from(m.size).min(8);
            self.write(snap, m.addr, &bytes[..n], just.as_deref_mut());
        }
    }

    /// The input-frame offset of packet address `addr`.
    fn packet_offset(&self, addr: u64) -> Option<usize> {
        let off = addr.checked_sub(self.packet_base?)?;
        (off < self.packet_len as u64).then(|| off as usize + self.frame_offset)
    }

    fn packet_accesses(&self, step: &TraceStep) -> Vec<PacketAccess> {
        let mem = step
            .mem
            .iter()
            .map(|m| (m.addr, usize::from(m.size), m.write));
        let helper = step
            .helper_writes
            .iter()
            .map(|w| (w.addr, w.new.len(), true));
        mem.chain(helper)
            .filter_map(|(addr, len, write)| {
                let start = self.packet_offset(addr)?;
                let end = (start + len).min(self.frame_offset + self.packet_len);
                Some(PacketAccess {
                    start,
                    len: end - start,
                    write,
                })
            })
            .collect()
    }

    /// `bytes 12-13: Ethernet EtherType` for a packet access (the fields it
    /// covers, named as the packet panel names them).
    pub fn packet_label(&self, a: &PacketAccess) -> String {
        let bytes = if a.len == 1 {
            format!("byte {}", a.start)
        } else {
            format!("bytes {}-{}", a.start, a.start + a.len.max(1) - 1)
        };
        let names: Vec<String> = packets::fields_touched(&self.fields, a.start, a.len)
            .into_iter()
            .map(|f| format!("{} {}", f.layer, f.name))
            .collect();
        if names.is_empty() {
            bytes
        } else {
            format!("{bytes}: {}", names.join(", "))
        }
    }

    /// The fields of the `bytes` at frame offset `start` (as they sit in
    /// the packet), with their value in network byte order: the field's own
    /// text (`0x0800 (IPv4)`, `10.0.0.1`) when the access covers exactly one
    /// field and the bytes are the input's, else the bytes as one
    /// big-endian number (alone when the bytes are in no known field).
    fn field_text(&self, start: usize, bytes: &[u8]) -> Option<String> {
        let touched = packets::fields_touched(&self.fields, start, bytes.len());
        let big_endian = || {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!("0x{hex}")
        };
        match touched.as_slice() {
            [] => Some(format!("{} in network order", big_endian())),
            [f] if f.start == start && f.len == bytes.len() => {
                let value = if self.frame.get(f.start..f.end()) == Some(bytes) {
                    f.value_text.clone()
                } else {
                    big_endian()
                };
                Some(format!("{} {} {value}", f.layer, f.name))
            }
            fields => {
                let names: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let part = if f.start < start || f.end() > start + bytes.len() {
                            " (part)"
                        } else {
                            ""
                        };
                        format!("{} {}{part}", f.layer, f.name)
                    })
                    .collect();
                Some(format!("{} {}", names.join(", "), big_endian()))
            }
        }
    }

    /// What instruction `insn` did to the packet over the run, e.g.
    /// `read bytes 12-13: Ethernet EtherType`; `None` if it never touched it.
    pub fn insn_packet_text(&self, insn: usize) -> Option<String> {
        let list = self.insn_packet.get(insn).filter(|l| !l.is_empty())?;
        Some(
            list.iter()
                .map(|a| {
                    let verb = if a.write { "wrote" } else { "read" };
                    format!("{verb} {}", self.packet_label(a))
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// The position after `from` where the run reaches an instruction
    /// `breakpoint(pc)` marks (stopped before it runs), or the end.
    pub fn next_stop(
        &self,
        run: &RunTrace,
        from: usize,
        breakpoint: impl Fn(usize) -> bool,
    ) -> usize {
        run.steps
            .iter()
            .enumerate()
            .skip(from + 1)
            .find(|(_, s)| breakpoint(s.pc))
            .map_or(self.len, |(i, _)| i)
    }

    /// The run after `pos` instructions (clamped to the end).
    pub fn point(&self, run: &RunTrace, pos: usize) -> RunPoint {
        let pos = pos.min(self.len).min(run.steps.len());
        let base = (pos / CHECKPOINT_EVERY).min(self.checkpoints.len().saturating_sub(1));
        let mut snap = match self.checkpoints.get(base) {
            Some(s) => s.clone(),
            None => Snapshot {
                stack: Vec::new(),
                written: Vec::new(),
                packet: self.frame.clone(),
            },
        };
        let from = base * CHECKPOINT_EVERY;
        let last = pos.checked_sub(1).and_then(|i| run.steps.get(i));
        for step in run.steps.get(from..pos.saturating_sub(1)).unwrap_or(&[]) {
            self.apply(&mut snap, step, None);
        }
        let mut just = Vec::new();
        if let Some(step) = last {
            self.apply(&mut snap, step, Some(&mut just));
        }
        let next = run.steps.get(pos);
        let regs = match (last, run.steps.first()) {
            (Some(s), _) => s.regs_after,
            (None, Some(first)) => first.regs_before,
            (None, None) => [0; 11],
        };
        let before = last.map_or(regs, |s| s.regs_before);
        // The frame shown is the one r10 points into now.
        let top = regs[10];
        let lo = top.wrapping_sub(STACK_SIZE as u64);
        let window = |v: &[bool]| -> Vec<bool> {
            (0..STACK_SIZE as u64)
                .map(|i| {
                    lo.wrapping_add(i)
                        .checked_sub(self.stack_base)
                        .and_then(|off| v.get(off as usize).copied())
                        .unwrap_or(false)
                })
                .collect()
        };
        let stack = (0..STACK_SIZE as u64)
            .map(|i| {
                lo.wrapping_add(i)
                    .checked_sub(self.stack_base)
                    .and_then(|off| snap.stack.get(off as usize).copied())
                    .unwrap_or(0)
            })
            .collect();
        let stack_written = window(&snap.written);
        let stack_just = (0..STACK_SIZE as u64)
            .map(|i| just.contains(&lo.wrapping_add(i)))
            .collect();
        RunPoint {
            pos,
            next_pc: next.map(|s| s.pc),
            last_pc: last.map(|s| s.pc),
            regs,
            before,
            depth: next.or(last).map_or(0, |s| s.depth),
            stack,
            stack_written,
            stack_just,
            packet: snap.packet,
            packet_touched: last.map(|s| self.packet_accesses(s)).unwrap_or_default(),
            accesses: last.map(|s| self.describe(run, s)).unwrap_or_default(),
            helper: last.and_then(|s| s.helper),
        }
    }

    /// The step's loads and stores, each named by where it landed.
    fn describe(&self, run: &RunTrace, step: &TraceStep) -> Vec<AccessView> {
        let fp = step.regs_before[10];
        step.mem
            .iter()
            .map(|m| {
                let len = usize::from(m.size).min(8);
                let mut field = None;
                let place = if let Some(start) = self.packet_offset(m.addr) {
                    // The bytes in memory order: the value as the
                    // little-endian machine stored or loaded it.
                    field = self.field_text(start, &m.new.to_le_bytes()[..len]);
                    if len == 1 {
                        format!("packet byte {start}")
                    } else {
                        format!("packet bytes {}-{}", start, start + len - 1)
                    }
                } else {
                    match run.region_of(m.addr) {
                        Some(("stack", _)) => {
                            let d = m.addr.wrapping_sub(fp) as i64;
                            if d < 0 {
                                format!("fp{d}")
                            } else {
                                format!("fp+{d}")
                            }
                        }
                        Some(("ctx", off)) => {
                            match u32::try_from(off)
                                .ok()
                                .and_then(|o| layout(self.prog_type).field_at(o))
                            {
                                Some(f) => format!("ctx+{off} ({})", f.name),
                                None => format!("ctx+{off}"),
                            }
                        }
                        Some((kind, off)) => format!("{kind}+{off}"),
                        None => format!("{:#x}", m.addr),
                    }
                };
                AccessView {
                    write: m.write,
                    size: m.size,
                    place,
                    field,
                    value: m.new,
                    old: m.old,
                }
            })
            .collect()
    }
}

/// A register value as the panel shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Radix {
    /// `0x2a`.
    #[default]
    Hex,
    /// Unsigned decimal.
    Decimal,
    /// Signed decimal (two's complement).
    Signed,
}

impl Radix {
    /// `v` in this radix.
    pub fn format(self, v: u64) -> String {
        match self {
            Radix::Hex => format!("{v:#x}"),
            Radix::Decimal => v.to_string(),
            Radix::Signed => (v as i64).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{concrete, parse_packet, TracingInput, SAMPLE_PACKET_HEX};
    use vm_core::asm::assemble;

    fn timeline(src: &str) -> (RunTrace, Timeline) {
        let program = assemble(src).unwrap();
        let frame = parse_packet(SAMPLE_PACKET_HEX).unwrap();
        let input = TracingInput::default().input_for(&program, &frame);
        let run = concrete::record(&program, &input).unwrap();
        let frame = if program.prog_type.name().contains("probe")
            || program.prog_type == ProgramType::Tracepoint
        {
            Vec::new()
        } else {
            frame
        };
        let t = Timeline::new(&run, program.prog_type, program.insns.len(), &frame);
        (run, t)
    }

    const ETHERTYPE: &str = ".type xdp
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
if r4 > r3 goto out
r5 = *(u16 *)(r2 + 12)
*(u8 *)(r2 + 0) = r5
*(u64 *)(r10 - 8) = r5
out:
r0 = 2
exit
";

    #[test]
    fn registers_move_with_the_position() {
        let (run, t) = timeline(ETHERTYPE);
        assert_eq!(t.len, 10);
        let start = t.point(&run, 0);
        assert_eq!((start.next_pc, start.last_pc), (Some(0), None));
        assert_eq!(start.changed(), 0);
        let p = t.point(&run, 4);
        assert_eq!(p.regs[4], p.regs[2] + 14);
        assert_eq!(p.changed(), 1 << 4);
        let end = t.point(&run, 99);
        assert_eq!(end.pos, 10);
        assert_eq!(end.next_pc, None);
        assert_eq!(end.regs[0], 2);
    }

    #[test]
    fn packet_loads_are_labelled_by_field_and_stores_change_the_bytes() {
        let (run, t) = timeline(ETHERTYPE);
        let after_load = t.point(&run, 6);
        assert_eq!(
            after_load.packet_touched,
            [PacketAccess {
                start: 12,
                len: 2,
                write: false
            }]
        );
        assert_eq!(after_load.accesses[0].place, "packet bytes 12-13");
        assert_eq!(
            after_load.accesses[0].field.as_deref(),
            Some("Ethernet EtherType 0x0800 (IPv4)"),
            "the field's value in network order"
        );
        assert_eq!(after_load.accesses[0].value, 0x0008, "loaded little-endian");
        assert_eq!(
            t.insn_packet_text(5).as_deref(),
            Some("read bytes 12-13: Ethernet EtherType")
        );
        assert_eq!(t.insn_packet_text(0), None);
        let after_store = t.point(&run, 7);
        assert_eq!(after_store.packet[0], 0x08);
        assert_eq!(after_store.accesses[0].place, "packet byte 0");
        assert_eq!(
            after_store.accesses[0].field.as_deref(),
            Some("Ethernet Destination MAC (part) 0x08"),
            "one byte of a six-byte field"
        );
        assert_eq!(t.point(&run, 6).packet[0], 0x02, "not yet stored");
        assert!(after_store.packet_touched[0].write);
    }

    #[test]
    fn stack_stores_are_marked_where_they_land() {
        let (run, t) = timeline(ETHERTYPE);
        let p = t.point(&run, 8);
        assert_eq!(p.accesses[0].place, "fp-8");
        assert_eq!(&p.stack[504..512], &0x0008u64.to_le_bytes());
        assert!(p.stack_written[504..512].iter().all(|w| *w));
        assert!(p.stack_just[504..512].iter().all(|w| *w));
        assert!(!p.stack_written[..504].iter().any(|w| *w));
        let later = t.point(&run, 9);
        assert!(later.stack_written[504] && !later.stack_just[504]);
        assert!(!t.point(&run, 7).stack_written[504]);
    }

    #[test]
    fn a_position_far_into_a_long_run_matches_a_replay_from_the_start() {
        let (run, t) = timeline(
            ".type xdp\nr1 = 0\nloop:\n*(u64 *)(r10 - 8) = r1\nr1 += 1\nif r1 < 300 goto loop\nr0 = 2\nexit\n",
        );
        assert!(t.checkpoints.len() > 3);
        let p = t.point(&run, 700);
        let stored = run.steps[..700]
            .iter()
            .rev()
            .find_map(|s| s.mem.iter().find(|m| m.write))
            .unwrap()
            .new;
        assert_eq!(&p.stack[504..512], &stored.to_le_bytes());
    }

    #[test]
    fn breakpoints_stop_before_their_instruction() {
        let (run, t) = timeline(ETHERTYPE);
        assert_eq!(t.next_stop(&run, 0, |pc| pc == 5), 5);
        assert_eq!(t.next_stop(&run, 5, |pc| pc == 5), t.len, "no second hit");
        assert_eq!(t.next_stop(&run, 0, |_| false), t.len);
    }

    #[test]
    fn ctx_loads_name_their_field() {
        let (run, t) = timeline(ETHERTYPE);
        assert_eq!(t.point(&run, 1).accesses[0].place, "ctx+0 (data)");
        let (run, t) = timeline(".type kprobe\nr0 = *(u64 *)(r1 + 112)\nexit\n");
        assert_eq!(t.point(&run, 1).accesses[0].place, "ctx+112 (di)");
    }

    #[test]
    fn radix() {
        assert_eq!(Radix::Hex.format(42), "0x2a");
        assert_eq!(Radix::Decimal.format(u64::MAX), "18446744073709551615");
        assert_eq!(Radix::Signed.format(u64::MAX), "-1");
    }
}
