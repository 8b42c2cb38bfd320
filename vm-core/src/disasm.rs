//! The disassembler: [`Program`] -> source text in either syntax.
//!
//! It prints what the assembler reads, so `assemble(disassemble(p))` gives back
//! the instructions and maps of `p`: directives for the program type and the
//! maps, labels for jump targets (`.L12`) and functions (their names), maps by
//! name, helpers by name and id as the kernel log prints them
//! (`call bpf_map_lookup_elem#1`). Numbers are decimal except 64-bit constants.
//!
//! ```
//! use vm_core::asm::{assemble, Syntax};
//! use vm_core::disasm::{disassemble, format_insn};
//! let p = assemble("r0 = 1\nif r1 > 5 goto out\nr0 = 2\nout: exit").unwrap();
//! assert_eq!(format_insn(&p, 1, Syntax::PseudoC), "if r1 > 5 goto +1");
//! assert_eq!(format_insn(&p, 1, Syntax::Mnemonic), "jgt %r1, 5, +1");
//! let text = disassemble(&p, Syntax::PseudoC);
//! assert_eq!(text, "main:\n    r0 = 1\n    if r1 > 5 goto .L3\n    r0 = 2\n.L3:\n    exit\n");
//! assert_eq!(assemble(&text).unwrap().insns, p.insns);
//! ```

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use core::fmt::Write;

use crate::asm::{helper_names, mnemonic, pseudo_c, Syntax};
use crate::isa::{
    AluOp, AtomicOp, CallTarget, Endian, Insn, LdImm64Kind, Operand, PacketMode, Reg, Size, Width,
};
use crate::program::{Program, ProgramType};

/// Appends `bytes` as `"0a0b..."`, the form `init=` and `.entry` read.
fn push_quoted_hex(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out.push('"');
}

/// The whole program as source: directives, labels and one instruction per line.
pub fn disassemble(p: &Program, syntax: Syntax) -> String {
    let labels = Labels::all(p);
    let mut out = String::new();
    if p.prog_type != ProgramType::default() {
        let _ = writeln!(out, ".type {}", p.prog_type.name());
    }
    for m in &p.maps {
        let _ = write!(
            out,
            ".map {}, {}, key={}, value={}, max_entries={}",
            m.name,
            m.map_type.name(),
            m.key_size,
            m.value_size,
            m.max_entries
        );
        if m.flags != 0 {
            let _ = write!(out, ", flags={:#x}", m.flags);
        }
        if let Some(init) = &m.initial_value {
            out.push_str(", init=");
            push_quoted_hex(&mut out, init);
        }
        out.push('\n');
    }
    // Initial entries after every `.map`, as `.entry` needs its map declared.
    for m in &p.maps {
        for (key, value) in &m.initial_entries {
            let _ = write!(out, ".entry {}", m.name);
            if !key.is_empty() {
                out.push_str(", key=");
                push_quoted_hex(&mut out, key);
            }
            out.push_str(", value=");
            push_quoted_hex(&mut out, value);
            out.push('\n');
        }
    }
    for (pc, insn) in p.insns.iter().enumerate() {
        if let Some(name) = labels.names.get(&pc) {
            let _ = writeln!(out, "{name}:");
        }
        if *insn == Insn::LdImm64Tail && pc > 0 {
            if let Some(Insn::LdImm64 { .. }) = p.insns.get(pc - 1) {
                continue;
            }
        }
        // The C line it came from (objects built with -g), as a comment where
        // it changes, as the kernel's verifier log shows it.
        if let Some(line) = p.c_line(pc) {
            let prev = pc.checked_sub(1).and_then(|prev| p.c_line(prev));
            let same = prev.is_some_and(|q| (q.line, &q.file) == (line.line, &line.file));
            if !same || labels.names.contains_key(&pc) {
                let _ = writeln!(
                    out,
                    "    ; {} @ {}:{}",
                    line.text.trim(),
                    line.file,
                    line.line
                );
            }
        }
        let _ = writeln!(out, "    {}", format_with(p, pc, syntax, &labels));
    }
    // A label just past the end (a jump out of the program) keeps its place.
    if let Some(name) = labels.names.get(&p.insns.len()) {
        let _ = writeln!(out, "{name}:");
    }
    out
}

/// One instruction as a line of source, without index or label definition.
/// Jumps print their offset (`goto +3`); local calls name their function.
/// The second slot of an `lddw` prints as an empty string.
pub fn format_insn(p: &Program, pc: usize, syntax: Syntax) -> String {
    format_with(p, pc, syntax, &Labels::functions(p))
}

/// Names for instruction indices: functions by their names, other jump
/// targets as `.L<index>`.
struct Labels {
    names: BTreeMap<usize, String>,
    /// Whether jumps print labels (a listing) or offsets (a single line).
    jumps: bool,
}

impl Labels {
    fn functions(p: &Program) -> Labels {
        let mut names: BTreeMap<usize, String> = BTreeMap::new();
        for (idx, name) in &p.functions {
            let unique = !names.values().any(|n| n == name);
            if unique
                && is_plain_label(name)
                && !matches!(p.insns.get(*idx), Some(Insn::LdImm64Tail))
            {
                names.insert(*idx, name.clone());
            }
        }
        Labels {
            names,
            jumps: false,
        }
    }

    fn all(p: &Program) -> Labels {
        let mut labels = Labels::functions(p);
        labels.jumps = true;
        for (pc, insn) in p.insns.iter().enumerate() {
            let Some(t) = insn.branch_target(pc) else {
                continue;
            };
            let Ok(t) = usize::try_from(t) else { continue };
            if t > p.insns.len() || matches!(p.insns.get(t), Some(Insn::LdImm64Tail)) {
                continue;
            }
            labels.names.entry(t).or_insert_with(|| format!(".L{t}"));
        }
        labels
    }

    /// The label of the target of the branch at `pc` with offset `off`.
    fn target(&self, pc: usize, off: i64) -> Option<&str> {
        let t = i64::try_from(pc).ok()?.checked_add(1)?.checked_add(off)?;
        self.names
            .get(&usize::try_from(t).ok()?)
            .map(String::as_str)
    }
}

/// A name the assembler reads back as a label: identifier characters only,
/// and not a register or a word the syntaxes reserve.
fn is_plain_label(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '.');
    first_ok
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$')
        && crate::asm::parse_reg(name).is_none()
        && !matches!(
            name,
            "pc" | "exit" | "local" | "kfunc" | "runtime" | "helper" | "ll" | "skb" | "goto"
        )
}

fn format_with(p: &Program, pc: usize, syntax: Syntax, labels: &Labels) -> String {
    let Some(insn) = p.insns.get(pc) else {
        return String::new();
    };
    match syntax {
        Syntax::PseudoC => pseudo(p, pc, insn, labels),
        Syntax::Mnemonic => mnem(p, pc, insn, labels),
    }
}

/// The target of a jump: its label in a listing, else `+3`, `-1`.
fn jump_text(labels: &Labels, pc: usize, off: i64) -> String {
    if labels.jumps {
        target_text(labels, pc, off, "")
    } else {
        format!("{off:+}")
    }
}

/// `+3`, `-1` or the label of the target.
fn target_text(labels: &Labels, pc: usize, off: i64, prefix: &str) -> String {
    match labels.target(pc, off) {
        Some(name) => name.to_string(),
        None => format!("{prefix}{off:+}"),
    }
}

fn preg(r: Reg, w: Width) -> String {
    match w {
        Width::W32 => format!("w{}", r.number()),
        Width::W64 => format!("r{}", r.number()),
    }
}

fn type_name(size: Size, signed: bool) -> &'static str {
    match (size, signed) {
        (Size::B, false) => "u8",
        (Size::H, false) => "u16",
        (Size::W, false) => "u32",
        (Size::DW, false) => "u64",
        (Size::B, true) => "s8",
        (Size::H, true) => "s16",
        (Size::W, true) => "s32",
        (Size::DW, true) => "s64",
    }
}

fn endian_name(kind: Endian) -> &'static str {
    match kind {
        Endian::ToLe => "le",
        Endian::ToBe => "be",
        Endian::Bswap => "bswap",
    }
}

/// `(r2 + 4)` without the parentheses: `r2 + 4`, `r2 - 8`.
fn paddr(base: Reg, off: i16) -> String {
    if off < 0 {
        format!("r{} - {}", base.number(), -i32::from(off))
    } else {
        format!("r{} + {off}", base.number())
    }
}

fn operand_text(src: Operand, w: Width, mnemonic: bool) -> String {
    match (src, mnemonic) {
        (Operand::Reg(r), false) => preg(r, w),
        (Operand::Reg(r), true) => format!("%r{}", r.number()),
        (Operand::Imm(i), _) => i.to_string(),
    }
}

/// The operand of an `lddw` in the notation both syntaxes read: the
/// constant in hex, `map[name]`, `map[name][0] + 8`, `func[label]`, ...
fn ld_operand(
    p: &Program,
    pc: usize,
    kind: LdImm64Kind,
    imm: i32,
    next_imm: i32,
    labels: &Labels,
) -> String {
    let map = |word: &str| {
        let idx = usize::try_from(imm).ok();
        match idx.and_then(|i| p.maps.get(i)) {
            Some(m) if is_plain_label(&m.name) => format!("{word}[{}]", m.name),
            _ => format!("{word}[id:{imm}]"),
        }
    };
    match kind {
        LdImm64Kind::Imm => format!("{:#x}", Insn::imm64(imm, next_imm)),
        LdImm64Kind::MapFd if next_imm == 0 => map("map"),
        LdImm64Kind::MapIdx if next_imm == 0 => map("map_idx"),
        LdImm64Kind::MapValue => format!("{}[0] + {}", map("map"), next_imm as u32),
        LdImm64Kind::MapIdxValue => format!("{}[0] + {}", map("map_idx"), next_imm as u32),
        LdImm64Kind::BtfId if next_imm == 0 => format!("btf_id[{imm}]"),
        LdImm64Kind::Func if next_imm == 0 => {
            format!("func[{}]", target_text(labels, pc, imm.into(), "pc"))
        }
        _ => format!("ld_imm64[{}, {imm}, {next_imm}]", kind.src()),
    }
}

/// How a syntax's table spells `value` (`+=`, `jgt`), or `default`.
fn spelling<T: PartialEq>(
    table: &[(&'static str, T)],
    value: T,
    default: &'static str,
) -> &'static str {
    table
        .iter()
        .find(|(_, v)| *v == value)
        .map_or(default, |(name, _)| name)
}

/// The source width of `movsx` (8, 16 or 32).
fn movsx_bits(op: AluOp) -> u32 {
    match op {
        AluOp::Movsx8 => 8,
        AluOp::Movsx16 => 16,
        _ => 32,
    }
}

/// The register a store or atomic of `size` names: `r` for 64 bits, else `w`.
fn reg_width(size: Size) -> Width {
    if size == Size::DW {
        Width::W64
    } else {
        Width::W32
    }
}

fn helper_call(id: i32) -> String {
    match helper_names::helper_name(id) {
        Some(name) => format!("call {name}#{id}"),
        None => format!("call {id}"),
    }
}

fn pseudo(p: &Program, pc: usize, insn: &Insn, labels: &Labels) -> String {
    match *insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        } => {
            let d = preg(dst, width);
            match op {
                AluOp::Mov => format!("{d} = {}", operand_text(src, width, false)),
                AluOp::Neg => format!("{d} = -{d}"),
                AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32 => {
                    let bits = movsx_bits(op);
                    format!("{d} = (s{bits}){}", operand_text(src, width, false))
                }
                _ => {
                    let sym = spelling(&pseudo_c::ALU_ASSIGN, op, "?=");
                    format!("{d} {sym} {}", operand_text(src, width, false))
                }
            }
        }
        Insn::Endian { kind, bits, dst } => {
            format!("r{0} = {1}{bits} r{0}", dst.number(), endian_name(kind))
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => {
            let sym = spelling(&pseudo_c::CONDS, cond, "==");
            format!(
                "if {} {sym} {} goto {}",
                preg(dst, width),
                operand_text(src, width, false),
                jump_text(labels, pc, off.into())
            )
        }
        Insn::Ja { off, long } => format!(
            "{} {}",
            if long { "gotol" } else { "goto" },
            jump_text(labels, pc, off.into())
        ),
        Insn::Call(CallTarget::Helper(id)) => helper_call(id),
        Insn::Call(CallTarget::Local(off)) => {
            format!("call {}", target_text(labels, pc, off.into(), "pc"))
        }
        Insn::Call(CallTarget::Kfunc(id)) => format!("call kfunc#{id}"),
        Insn::Callx { reg } => format!("callx r{}", reg.number()),
        Insn::Exit => "exit".to_string(),
        Insn::LdImm64 {
            dst,
            kind,
            imm,
            next_imm,
        } => format!(
            "r{} = {} ll",
            dst.number(),
            ld_operand(p, pc, kind, imm, next_imm, labels)
        ),
        Insn::LdImm64Tail => String::new(),
        Insn::Load {
            size,
            sign_extend,
            dst,
            src,
            off,
        } => format!(
            "r{} = *({} *)({})",
            dst.number(),
            type_name(size, sign_extend),
            paddr(src, off)
        ),
        Insn::Store {
            size,
            dst,
            off,
            src,
        } => {
            let value = operand_text(src, reg_width(size), false);
            format!(
                "*({} *)({}) = {value}",
                type_name(size, false),
                paddr(dst, off)
            )
        }
        Insn::Atomic {
            size,
            op,
            fetch,
            dst,
            src,
            off,
        } => {
            let w = reg_width(size);
            let s = preg(src, w);
            let ty = type_name(size, false);
            let at = paddr(dst, off);
            let (name, sym) = match op {
                AtomicOp::Add => ("add", "+="),
                AtomicOp::Or => ("or", "|="),
                AtomicOp::And => ("and", "&="),
                AtomicOp::Xor => ("xor", "^="),
                AtomicOp::Xchg => {
                    let f = if w == Width::W64 {
                        "xchg_64"
                    } else {
                        "xchg32_32"
                    };
                    return format!("{s} = {f}({at}, {s})");
                }
                AtomicOp::Cmpxchg => {
                    let f = if w == Width::W64 {
                        "cmpxchg_64"
                    } else {
                        "cmpxchg32_32"
                    };
                    let r0 = preg(Reg::R0, w);
                    return format!("{r0} = {f}({at}, {r0}, {s})");
                }
            };
            if fetch {
                format!("{s} = atomic_fetch_{name}(({ty} *)({at}), {s})")
            } else {
                format!("lock *({ty} *)({at}) {sym} {s}")
            }
        }
        Insn::LdPacket { size, mode, imm } => {
            let ty = type_name(size, false);
            match mode {
                PacketMode::Abs => format!("r0 = *({ty} *)skb[{imm}]"),
                // LLVM reads only `skb[r1]`; the kernel log prints `skb[r1 + 4]`.
                PacketMode::Ind(r) if imm == 0 => format!("r0 = *({ty} *)skb[r{}]", r.number()),
                PacketMode::Ind(r) if imm < 0 => {
                    format!("r0 = *({ty} *)skb[r{} - {}]", r.number(), -i64::from(imm))
                }
                PacketMode::Ind(r) => format!("r0 = *({ty} *)skb[r{} + {imm}]", r.number()),
            }
        }
    }
}

fn size_suffix(size: Size) -> &'static str {
    match size {
        Size::B => "b",
        Size::H => "h",
        Size::W => "w",
        Size::DW => "dw",
    }
}

fn width_suffix(w: Width) -> &'static str {
    match w {
        Width::W32 => "32",
        Width::W64 => "",
    }
}

/// `[%r2+4]`, `[%r10-8]`, `[%r1]`.
fn maddr(base: Reg, off: i16) -> String {
    match off {
        0 => format!("[%r{}]", base.number()),
        o if o < 0 => format!("[%r{}{o}]", base.number()),
        o => format!("[%r{}+{o}]", base.number()),
    }
}

fn mnem(p: &Program, pc: usize, insn: &Insn, labels: &Labels) -> String {
    match *insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        } => {
            let d = format!("%r{}", dst.number());
            let w = width_suffix(width);
            let s = operand_text(src, width, true);
            match op {
                AluOp::Neg => format!("neg{w} {d}"),
                AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32 => {
                    let wbits = if width == Width::W32 { "32" } else { "64" };
                    format!("movsx{}{wbits} {d}, {s}", movsx_bits(op))
                }
                _ => format!("{}{w} {d}, {s}", spelling(&mnemonic::ALU_OPS, op, "mov")),
            }
        }
        Insn::Endian { kind, bits, dst } => {
            format!("{}{bits} %r{}", endian_name(kind), dst.number())
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => {
            let name = spelling(&mnemonic::JMP_CONDS, cond, "jeq");
            format!(
                "{name}{} %r{}, {}, {}",
                width_suffix(width),
                dst.number(),
                operand_text(src, width, true),
                jump_text(labels, pc, off.into())
            )
        }
        Insn::Ja { off, long } => format!(
            "ja{} {}",
            if long { "32" } else { "" },
            jump_text(labels, pc, off.into())
        ),
        Insn::Call(CallTarget::Helper(id)) => format!("call {id}"),
        Insn::Call(CallTarget::Local(off)) => {
            format!("call local {}", target_text(labels, pc, off.into(), ""))
        }
        Insn::Call(CallTarget::Kfunc(id)) => format!("call kfunc {id}"),
        Insn::Callx { reg } => format!("call %r{}", reg.number()),
        Insn::Exit => "exit".to_string(),
        Insn::LdImm64 {
            dst,
            kind,
            imm,
            next_imm,
        } => format!(
            "lddw %r{}, {}",
            dst.number(),
            ld_operand(p, pc, kind, imm, next_imm, labels)
        ),
        Insn::LdImm64Tail => String::new(),
        Insn::Load {
            size,
            sign_extend,
            dst,
            src,
            off,
        } => format!(
            "ldx{}{} %r{}, {}",
            if sign_extend { "s" } else { "" },
            size_suffix(size),
            dst.number(),
            maddr(src, off)
        ),
        Insn::Store {
            size,
            dst,
            off,
            src: Operand::Reg(r),
        } => format!(
            "stx{} {}, %r{}",
            size_suffix(size),
            maddr(dst, off),
            r.number()
        ),
        Insn::Store {
            size,
            dst,
            off,
            src: Operand::Imm(i),
        } => format!("st{} {}, {i}", size_suffix(size), maddr(dst, off)),
        Insn::Atomic {
            size,
            op,
            fetch,
            dst,
            src,
            off,
        } => {
            let w = if size == Size::W { "32" } else { "" };
            let name = match op {
                AtomicOp::Add => "add",
                AtomicOp::Or => "or",
                AtomicOp::And => "and",
                AtomicOp::Xor => "xor",
                AtomicOp::Xchg => "xchg",
                AtomicOp::Cmpxchg => "cmpxchg",
            };
            let fetch = if fetch && !matches!(op, AtomicOp::Xchg | AtomicOp::Cmpxchg) {
                "fetch "
            } else {
                ""
            };
            format!(
                "lock {fetch}{name}{w} {}, %r{}",
                maddr(dst, off),
                src.number()
            )
        }
        Insn::LdPacket { size, mode, imm } => match mode {
            PacketMode::Abs => format!("ldabs{} {imm}", size_suffix(size)),
            PacketMode::Ind(r) => format!("ldind{} %r{}, {imm}", size_suffix(size), r.number()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::{assemble_with, Syntax};

    /// Each line assembles to one instruction that prints back as the same line.
    fn same(syntax: Syntax, lines: &[&str]) {
        for line in lines {
            let p = assemble_with(line, syntax).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(format_insn(&p, 0, syntax), *line);
        }
    }

    #[test]
    fn pseudo_c_lines_print_as_written() {
        same(
            Syntax::PseudoC,
            &[
                "r0 = 0",
                "w1 += w2",
                "r1 = -r1",
                "w1 = -w1",
                "r3 s/= -3",
                "w1 s>>= w2",
                "r1 = (s8)r2",
                "w1 = (s16)w2",
                "r1 = (s32)r2",
                "r1 = be16 r1",
                "r1 = le32 r1",
                "r1 = bswap64 r1",
                "r1 = *(u32 *)(r2 + 4)",
                "r1 = *(s16 *)(r10 - 8)",
                "*(u64 *)(r10 - 8) = r1",
                "*(u32 *)(r10 - 4) = w1",
                "*(u16 *)(r10 - 2) = -7",
                "if r1 > 5 goto +3",
                "if w1 s< w2 goto -1",
                "if r1 & 16 goto +0",
                "goto +2",
                "gotol +70000",
                "r1 = 0x1122334455667788 ll",
                "call bpf_map_lookup_elem#1",
                "call 100000",
                "call kfunc#5",
                "callx r2",
                "lock *(u64 *)(r1 + 0) += r2",
                "lock *(u32 *)(r1 - 4) ^= w2",
                "r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)",
                "w3 = atomic_fetch_or((u32 *)(r1 + 8), w3)",
                "r0 = xchg_64(r1 + 0, r0)",
                "w2 = xchg32_32(r1 + 0, w2)",
                "r0 = cmpxchg_64(r1 + 0, r0, r2)",
                "w0 = cmpxchg32_32(r1 + 0, w0, w2)",
                "r0 = *(u8 *)skb[12]",
                "r0 = *(u16 *)skb[r1 + 4]",
                "r0 = *(u32 *)skb[r1 - 4]",
                "r1 = btf_id[7] ll",
                "r1 = map[id:3] ll",
                "r1 = map_idx[id:3][0] + 8 ll",
                "r1 = ld_imm64[3, 1, 2] ll",
                "exit",
            ],
        );
    }

    #[test]
    fn mnemonic_lines_print_as_written() {
        same(
            Syntax::Mnemonic,
            &[
                "mov32 %r0, 1",
                "add %r1, -2",
                "sdiv32 %r1, %r2",
                "neg %r3",
                "neg32 %r3",
                "movsx832 %r1, %r2",
                "movsx3264 %r1, %r2",
                "be16 %r1",
                "le64 %r1",
                "bswap32 %r1",
                "ldxw %r1, [%r2+4]",
                "ldxsh %r1, [%r10-2]",
                "ldxdw %r1, [%r2]",
                "stxdw [%r10-8], %r1",
                "stb [%r1+1], -1",
                "jeq %r1, 5, +1",
                "jsle32 %r1, %r2, -3",
                "ja +2",
                "ja32 -70000",
                "lddw %r1, 0x1122334455667788",
                "call 5",
                "call local +3",
                "call kfunc 7",
                "call %r2",
                "lock add [%r10-8], %r1",
                "lock fetch and32 [%r10-4], %r3",
                "lock xchg [%r10-8], %r1",
                "lock cmpxchg32 [%r10-8], %r1",
                "ldabsw 12",
                "ldindh %r1, 4",
                "lddw %r1, map[id:0][0] + 4",
                "exit",
            ],
        );
    }

    #[test]
    fn listings_have_directives_labels_and_map_names() {
        let src = "\
.type xdp
.map counts, percpu_array, key=4, value=8, max_entries=256, flags=0x1
    r1 = map[counts] ll
    r2 = map[counts][0] + 16 ll
    call sub
    if r0 == 0 goto out
    r0 = 1
out:
    exit
sub:
    r0 = 0
    exit
";
        let p = assemble_with(src, Syntax::PseudoC).unwrap();
        let text = disassemble(&p, Syntax::PseudoC);
        assert_eq!(
            text,
            "\
.map counts, percpu_array, key=4, value=8, max_entries=256, flags=0x1
main:
    r1 = map[counts] ll
    r2 = map[counts][0] + 16 ll
    call sub
    if r0 == 0 goto .L7
    r0 = 1
.L7:
    exit
sub:
    r0 = 0
    exit
"
        );
        assert_eq!(format_insn(&p, 4, Syntax::PseudoC), "call sub");
        assert_eq!(format_insn(&p, 5, Syntax::PseudoC), "if r0 == 0 goto +1");
        assert_eq!(format_insn(&p, 1, Syntax::PseudoC), "");
        assert_eq!(format_insn(&p, 99, Syntax::PseudoC), "");
        for syntax in [Syntax::PseudoC, Syntax::Mnemonic] {
            let again = assemble_with(&disassemble(&p, syntax), syntax).unwrap();
            assert_eq!(again.insns, p.insns);
            assert_eq!(again.maps, p.maps);
            assert_eq!(again.functions, p.functions);
        }
    }

    #[test]
    fn odd_names_fall_back_to_generated_labels() {
        let mut p = assemble_with("call f\nexit\nf: exit", Syntax::PseudoC).unwrap();
        p.functions = alloc::vec![(0, "r1".into()), (2, "has space".into())];
        let text = disassemble(&p, Syntax::PseudoC);
        assert_eq!(text, "    call .L2\n    exit\n.L2:\n    exit\n");
        assert_eq!(
            assemble_with(&text, Syntax::PseudoC).unwrap().insns,
            p.insns
        );
    }
}
