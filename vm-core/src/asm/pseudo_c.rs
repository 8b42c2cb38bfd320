//! The pseudo-C syntax that `llvm-objdump -d` and the kernel verifier log
//! print: `r0 = 0`, `w1 += w2`, `r1 = *(u32 *)(r2 + 4)`,
//! `if r1 > 5 goto +3`, `r1 = 0x1122334455667788 ll`, `call bpf_map_lookup_elem`,
//! `lock *(u64 *)(r1 + 0) += r2`, `r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)`.
//! Both printers' spellings are read: `(r2 + 4)` and `(r2 +4)`, `goto +3` and
//! `goto pc+3`, `call bpf_map_lookup_elem#1`, hex and decimal.

use alloc::format;
use alloc::string::ToString;

use super::builder::{Builder, Fixup, Target};
use super::cursor::{self, imm32_of, imm64_of, Cursor};
use super::helper_names;
use super::lexer::{Span, Tok};
use super::{refs, AsmError};
use crate::isa::{
    AluOp, AtomicOp, CallTarget, Endian, Insn, JmpCond, LdImm64Kind, Operand, PacketMode, Reg,
    Size, Width,
};

/// Compound assignment operators and their ALU operations.
pub(crate) const ALU_ASSIGN: [(&str, AluOp); 13] = [
    ("+=", AluOp::Add),
    ("-=", AluOp::Sub),
    ("*=", AluOp::Mul),
    ("/=", AluOp::Div),
    ("s/=", AluOp::Sdiv),
    ("|=", AluOp::Or),
    ("&=", AluOp::And),
    ("<<=", AluOp::Lsh),
    (">>=", AluOp::Rsh),
    ("%=", AluOp::Mod),
    ("s%=", AluOp::Smod),
    ("^=", AluOp::Xor),
    ("s>>=", AluOp::Arsh),
];

/// Comparison operators of `if ... goto`.
pub(crate) const CONDS: [(&str, JmpCond); 11] = [
    ("==", JmpCond::Eq),
    ("!=", JmpCond::Ne),
    (">", JmpCond::Gt),
    (">=", JmpCond::Ge),
    ("<", JmpCond::Lt),
    ("<=", JmpCond::Le),
    ("s>", JmpCond::Sgt),
    ("s>=", JmpCond::Sge),
    ("s<", JmpCond::Slt),
    ("s<=", JmpCond::Sle),
    ("&", JmpCond::Set),
];

fn reg_name(width: Width) -> &'static str {
    match width {
        Width::W32 => "a w register (w0 to w10)",
        Width::W64 => "an r register (r0 to r10)",
    }
}

/// Any register; returns its width too.
fn any_reg(c: &mut Cursor<'_>) -> Result<(Reg, Width, Span), AsmError> {
    c.reg("a register (r0 to r10 or w0 to w10)")
}

/// A register of the given width.
fn reg_of(c: &mut Cursor<'_>, width: Width) -> Result<Reg, AsmError> {
    let at = c.span();
    let found = c.found();
    let (r, w, _) = c.reg(reg_name(width))?;
    if w != width {
        return Err(at.error(format!("expected {}, found {found}", reg_name(width))));
    }
    Ok(r)
}

/// A 64-bit base register (`r1`), as memory operands need.
fn base_reg(c: &mut Cursor<'_>) -> Result<Reg, AsmError> {
    reg_of(c, Width::W64)
}

/// `(u32 *)` -> (size, signed).
fn cast(c: &mut Cursor<'_>) -> Result<(Size, bool), AsmError> {
    c.expect("(")?;
    let (ty, span) = c.ident("a type (u8, u16, u32, u64, s8, s16, s32)")?;
    let parsed = match ty {
        "u8" => (Size::B, false),
        "u16" => (Size::H, false),
        "u32" => (Size::W, false),
        "u64" => (Size::DW, false),
        "s8" => (Size::B, true),
        "s16" => (Size::H, true),
        "s32" => (Size::W, true),
        _ => {
            return Err(span.error(format!(
                "expected a type (u8, u16, u32, u64, s8, s16, s32), found '{ty}'"
            )))
        }
    };
    c.expect("*")?;
    c.expect(")")?;
    Ok(parsed)
}

/// `r2 + 4`, `r2 +4`, `r10 - 0x8`, `r2` (without the parentheses).
fn addr_inner(c: &mut Cursor<'_>) -> Result<(Reg, i16), AsmError> {
    let base = base_reg(c)?;
    let off = if matches!(c.peek(), Some(Tok::Punct("+" | "-"))) {
        c.off16("an offset")?
    } else {
        0
    };
    Ok((base, off))
}

/// `(r2 + 4)`.
fn addr(c: &mut Cursor<'_>) -> Result<(Reg, i16), AsmError> {
    c.expect("(")?;
    let a = addr_inner(c)?;
    c.expect(")")?;
    Ok(a)
}

/// `*(u32 *)(r2 + 4)` after the `*`: (size, signed, base, off).
fn deref(c: &mut Cursor<'_>) -> Result<(Size, bool, Reg, i16), AsmError> {
    let (size, signed) = cast(c)?;
    let (base, off) = addr(c)?;
    Ok((size, signed, base, off))
}

/// A jump target: `+3`, `-3`, `pc+3`, `pc-3`, `label`; then the
/// `<label+0x10>` note llvm-objdump appends, which is ignored.
fn target<'a>(c: &mut Cursor<'a>) -> Result<Target<'a>, AsmError> {
    let after_pc = c.eat_ident("pc");
    let t = c.target(
        after_pc,
        "an offset (+N or -N)",
        "a label or an offset (+N, -N, pc+N)",
    )?;
    if c.eat("<") {
        while !c.at_end() && !c.eat(">") {
            c.bump();
        }
    }
    Ok(t)
}

/// A source operand of width `width`: a register or a 32-bit immediate.
fn operand(c: &mut Cursor<'_>, width: Width) -> Result<Operand, AsmError> {
    c.operand(|c| reg_of(c, width), reg_name(width))
}

/// Parses one instruction (labels and directives are already handled).
pub(crate) fn parse_line(b: &mut Builder, mut c: Cursor<'_>) -> Result<(), AsmError> {
    let line = c.span().line;
    let c = &mut c;
    match c.peek() {
        Some(Tok::Ident("exit")) => {
            c.bump();
            b.emit(Insn::Exit, line);
        }
        Some(Tok::Ident(g @ ("goto" | "gotol"))) => {
            c.bump();
            let t = target(c)?;
            let insn = Insn::Ja {
                off: 0,
                long: g == "gotol",
            };
            b.emit_branch(insn, line, t)?;
        }
        Some(Tok::Ident("call")) => {
            c.bump();
            call(b, c, line)?;
        }
        Some(Tok::Ident("callx")) => {
            c.bump();
            let (reg, _, _) = any_reg(c)?;
            b.emit(Insn::Callx { reg }, line);
        }
        Some(Tok::Ident("if")) => {
            c.bump();
            cond_jump(b, c, line)?;
        }
        Some(Tok::Ident("lock")) => {
            c.bump();
            lock(b, c, line)?;
        }
        Some(Tok::Punct("*")) => {
            c.bump();
            let (size, signed, dst, off) = deref(c)?;
            if signed {
                return Err(c
                    .prev_span()
                    .error("stores take an unsigned type (u8, u16, u32, u64)"));
            }
            c.expect("=")?;
            let src = if c.at_reg() {
                Operand::Reg(any_reg(c)?.0)
            } else if c.at_int() {
                Operand::Imm(c.imm32("an immediate")?)
            } else {
                return Err(c.expected("a register or an immediate"));
            };
            b.emit(
                Insn::Store {
                    size,
                    dst,
                    off,
                    src,
                },
                line,
            );
        }
        _ if c.at_reg() => assignment(b, c, line)?,
        _ => {
            return Err(c.expected(
                "an instruction (rN = ..., if ... goto, goto, call, exit, *(...) = ..., lock ...)",
            ))
        }
    }
    c.expect_end()
}

/// `call 1`, `call bpf_map_lookup_elem`, `call bpf_map_lookup_elem#1`,
/// `call pc+3`, `call func_label`, `call kfunc#5`.
fn call(b: &mut Builder, c: &mut Cursor<'_>, line: u32) -> Result<(), AsmError> {
    if c.eat_ident("pc") {
        let (v, span) = c.int("an offset (pc+N or pc-N)")?;
        return b.emit_branch(
            Insn::Call(CallTarget::Local(0)),
            line,
            Target::Offset(v, span),
        );
    }
    if c.at_int() {
        let id = c.imm32("a helper id")?;
        b.emit(Insn::Call(CallTarget::Helper(id)), line);
        return Ok(());
    }
    if c.at_reg() {
        let (reg, _, _) = any_reg(c)?;
        b.emit(Insn::Callx { reg }, line);
        return Ok(());
    }
    let (name, span) = c.ident("a helper name or id, a function label or pc+N")?;
    if c.eat("#") {
        let (id, ispan) = c.int("a helper id")?;
        let id = imm32_of(id, ispan)?;
        if name == "kfunc" {
            b.emit(Insn::Call(CallTarget::Kfunc(id)), line);
            return Ok(());
        }
        if let Some(known) = helper_names::helper_id(name) {
            if known != id {
                return Err(ispan.error(format!("{name} is helper #{known}, not #{id}")));
            }
        }
        b.emit(Insn::Call(CallTarget::Helper(id)), line);
        return Ok(());
    }
    b.emit_fixup(
        Insn::Call(CallTarget::Helper(0)),
        line,
        Fixup::CallName(name.to_string(), span),
    );
    Ok(())
}

/// `if r1 > 5 goto +3`, `if w1 s< w2 goto label`.
fn cond_jump(b: &mut Builder, c: &mut Cursor<'_>, line: u32) -> Result<(), AsmError> {
    let (dst, width, _) = any_reg(c)?;
    let cond = match c.peek() {
        Some(Tok::Punct(p)) => CONDS.iter().find(|(n, _)| *n == p).map(|(_, cd)| *cd),
        _ => None,
    }
    .ok_or_else(|| c.expected("a comparison (==, !=, >, >=, <, <=, s>, s>=, s<, s<=, &)"))?;
    c.bump();
    let src = operand(c, width)?;
    c.expect_ident("goto")?;
    let t = target(c)?;
    let insn = Insn::Jump {
        width,
        cond,
        dst,
        src,
        off: 0,
    };
    b.emit_branch(insn, line, t)
}

fn atomic_size(size: Size, at: Span) -> Result<Size, AsmError> {
    match size {
        Size::W | Size::DW => Ok(size),
        _ => Err(at.error("atomic operations take u32 or u64")),
    }
}

/// `lock *(u64 *)(r1 + 0) += r2`.
fn lock(b: &mut Builder, c: &mut Cursor<'_>, line: u32) -> Result<(), AsmError> {
    c.expect("*")?;
    let at = c.span();
    let (size, signed, dst, off) = deref(c)?;
    if signed {
        return Err(at.error("atomic operations take u32 or u64"));
    }
    let size = atomic_size(size, at.to(c.prev_span()))?;
    let op = match c.peek() {
        Some(Tok::Punct("+=")) => AtomicOp::Add,
        Some(Tok::Punct("|=")) => AtomicOp::Or,
        Some(Tok::Punct("&=")) => AtomicOp::And,
        Some(Tok::Punct("^=")) => AtomicOp::Xor,
        _ => return Err(c.expected("'+=', '|=', '&=' or '^='")),
    };
    c.bump();
    let (src, _, _) = any_reg(c)?;
    b.emit(
        Insn::Atomic {
            size,
            op,
            fetch: false,
            dst,
            src,
            off,
        },
        line,
    );
    Ok(())
}

/// Everything that starts with a register: `rD = ...` and `rD op= ...`.
fn assignment(b: &mut Builder, c: &mut Cursor<'_>, line: u32) -> Result<(), AsmError> {
    let (dst, width, dspan) = any_reg(c)?;
    let op_span = c.span();
    let op = match c.peek() {
        Some(Tok::Punct(p)) => p,
        _ => return Err(c.expected("'=' or an assignment operator (+=, -=, <<=, ...)")),
    };
    c.bump();
    if let Some((_, alu)) = ALU_ASSIGN.iter().find(|(n, _)| *n == op) {
        let src = operand(c, width)?;
        b.emit(
            Insn::Alu {
                width,
                op: *alu,
                dst,
                src,
            },
            line,
        );
        return Ok(());
    }
    if op != "=" {
        return Err(op_span.error(format!(
            "expected '=' or an assignment operator (+=, -=, <<=, ...), found '{op}'"
        )));
    }
    let alu = |op, src| Insn::Alu {
        width,
        op,
        dst,
        src,
    };
    let word = match c.peek() {
        Some(Tok::Ident(w)) => Some(w),
        _ => None,
    };
    // `r1 = be16 r1`, `r1 = bswap32 r1`
    if let Some((kind, bits)) = word.and_then(endian_of) {
        c.bump();
        let at = c.span();
        let (src, _, _) = any_reg(c)?;
        if src != dst {
            return Err(at.error(format!(
                "byte swaps are in place: expected r{}, found r{}",
                dst.number(),
                src.number()
            )));
        }
        b.emit(Insn::Endian { kind, bits, dst }, line);
        return Ok(());
    }
    // `r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)`, `r0 = xchg_64(r1 + 0, r0)`, ...
    let called = matches!(c.peek_at(1), Some(Tok::Punct("(")));
    if let Some(form) = word.filter(|_| called).and_then(atomic_of) {
        c.bump();
        return atomic_call(b, c, line, dst, form);
    }
    match c.peek() {
        // `r1 = -r1`
        Some(Tok::Punct("-")) if matches!(c.peek_at(1), Some(Tok::Ident(_))) => {
            c.bump();
            let at = c.span();
            let src = reg_of(c, width)?;
            if src != dst {
                return Err(at.error(format!(
                    "negation is in place: expected {}, found {}",
                    reg_text(dst, width),
                    reg_text(src, width)
                )));
            }
            b.emit(alu(AluOp::Neg, Operand::Imm(0)), line);
        }
        // `r1 = (s8)r2`
        Some(Tok::Punct("(")) => {
            c.bump();
            let (ty, tspan) = c.ident("s8, s16 or s32")?;
            let op = match (ty, width) {
                ("s8", _) => AluOp::Movsx8,
                ("s16", _) => AluOp::Movsx16,
                ("s32", Width::W64) => AluOp::Movsx32,
                _ => {
                    return Err(tspan.error(format!(
                        "expected s8, s16{}, found '{ty}'",
                        if width == Width::W64 { " or s32" } else { "" }
                    )))
                }
            };
            c.expect(")")?;
            let src = reg_of(c, width)?;
            b.emit(alu(op, Operand::Reg(src)), line);
        }
        // `r1 = *(u32 *)(r2 + 4)`, `r0 = *(u8 *)skb[12]`
        Some(Tok::Punct("*")) => {
            c.bump();
            let at = c.span();
            let (size, sign_extend) = cast(c)?;
            if c.eat_ident("skb") {
                packet_load(b, c, line, dst, size, sign_extend, dspan, at)?;
                return Ok(());
            }
            let (src, off) = addr(c)?;
            if sign_extend && size == Size::DW {
                return Err(at.error("sign-extending loads take s8, s16 or s32"));
            }
            b.emit(
                Insn::Load {
                    size,
                    sign_extend,
                    dst,
                    src,
                    off,
                },
                line,
            );
        }
        _ if refs::at_ref(c) => {
            if width != Width::W64 {
                return Err(dspan.error("64-bit loads (lddw) take an r register"));
            }
            refs::ld_imm64_ref(b, c, dst, line)?;
            c.eat_ident("ll");
        }
        _ if c.at_reg() => {
            let src = reg_of(c, width)?;
            b.emit(alu(AluOp::Mov, Operand::Reg(src)), line);
        }
        _ if c.at_int() => {
            let (v, span) = c.int("an immediate")?;
            let wide = c.eat_ident("ll");
            // A constant beyond 32 bits is an lddw even without `ll`, as the
            // kernel log prints it.
            if wide || (width == Width::W64 && i32::try_from(v).is_err()) {
                if width != Width::W64 {
                    return Err(dspan.error("64-bit loads (lddw) take an r register"));
                }
                let value = imm64_of(v, span)?;
                let [head, _] = Insn::ld_imm64(dst, value);
                if let Insn::LdImm64 { imm, next_imm, .. } = head {
                    b.emit_lddw(dst, LdImm64Kind::Imm, imm, next_imm, line, None);
                }
            } else {
                let imm = imm32_of(v, span)?;
                b.emit(alu(AluOp::Mov, Operand::Imm(imm)), line);
            }
        }
        _ => return Err(c.expected("a register, a number or an expression")),
    }
    Ok(())
}

fn reg_text(r: Reg, width: Width) -> alloc::string::String {
    match width {
        Width::W32 => format!("w{}", r.number()),
        Width::W64 => format!("r{}", r.number()),
    }
}

/// `r0 = *(u8 *)skb[12]`, `r0 = *(u16 *)skb[r1 + 4]` (after `skb`).
#[allow(clippy::too_many_arguments)]
fn packet_load(
    b: &mut Builder,
    c: &mut Cursor<'_>,
    line: u32,
    dst: Reg,
    size: Size,
    signed: bool,
    dspan: Span,
    cast_at: Span,
) -> Result<(), AsmError> {
    if dst != Reg::R0 {
        return Err(dspan.error("legacy packet loads (skb[...]) always load into r0"));
    }
    if signed || size == Size::DW {
        return Err(cast_at.error("legacy packet loads take u8, u16 or u32"));
    }
    c.expect("[")?;
    let (mode, imm) = if c.at_reg() {
        let src = base_reg(c)?;
        let imm = if matches!(c.peek(), Some(Tok::Punct("+" | "-"))) {
            c.imm32("an offset")?
        } else {
            0
        };
        (PacketMode::Ind(src), imm)
    } else {
        (PacketMode::Abs, c.imm32("an offset or a register")?)
    };
    c.expect("]")?;
    b.emit(Insn::LdPacket { size, mode, imm }, line);
    Ok(())
}

/// The byte-order words, as the kernel log and LLVM print them.
const ENDIAN_WORDS: [(&str, Endian); 3] = [
    ("bswap", Endian::Bswap),
    ("be", Endian::ToBe),
    ("le", Endian::ToLe),
];

fn endian_of(word: &str) -> Option<(Endian, u8)> {
    cursor::endian_of(word, &ENDIAN_WORDS)
}

/// The spellings of fetching atomics.
#[derive(Clone, Copy)]
enum AtomicForm {
    /// `atomic_fetch_add((u64 *)(r1 + 0), r0)`, `atomic64_xchg(...)`,
    /// `atomic_cmpxchg((u32 *)(r1 + 0), r0, r2)`: size from the cast
    /// (`Some(DW)` when the name says `atomic64_`).
    Cast(AtomicOp, Option<Size>),
    /// LLVM's `xchg_64(r1 + 0, r0)` / `cmpxchg32_32(r1 + 0, w0, w2)`.
    Sized(AtomicOp, Size),
}

fn atomic_of(word: &str) -> Option<AtomicForm> {
    let sized = |op, size| Some(AtomicForm::Sized(op, size));
    match word {
        "xchg_64" => return sized(AtomicOp::Xchg, Size::DW),
        "xchg32_32" => return sized(AtomicOp::Xchg, Size::W),
        "cmpxchg_64" => return sized(AtomicOp::Cmpxchg, Size::DW),
        "cmpxchg32_32" => return sized(AtomicOp::Cmpxchg, Size::W),
        _ => {}
    }
    let (rest, size) = if let Some(r) = word.strip_prefix("atomic64_") {
        (r, Some(Size::DW))
    } else {
        (word.strip_prefix("atomic_")?, None)
    };
    let op = match rest {
        "fetch_add" => AtomicOp::Add,
        "fetch_or" => AtomicOp::Or,
        "fetch_and" => AtomicOp::And,
        "fetch_xor" => AtomicOp::Xor,
        "xchg" => AtomicOp::Xchg,
        "cmpxchg" => AtomicOp::Cmpxchg,
        _ => return None,
    };
    Some(AtomicForm::Cast(op, size))
}

/// The argument list of a fetching atomic, after its name.
fn atomic_call(
    b: &mut Builder,
    c: &mut Cursor<'_>,
    line: u32,
    dst_reg: Reg,
    form: AtomicForm,
) -> Result<(), AsmError> {
    c.expect("(")?;
    let (op, size, base, off) = match form {
        AtomicForm::Cast(op, named) => {
            let at = c.span();
            let (size, signed) = cast(c)?;
            let size = atomic_size(size, at.to(c.prev_span()))?;
            if signed || named.is_some_and(|n| n != size) {
                return Err(at
                    .to(c.prev_span())
                    .error("atomic64_ operations take (u64 *)"));
            }
            let (base, off) = addr(c)?;
            (op, size, base, off)
        }
        AtomicForm::Sized(op, size) => {
            let (base, off) = addr_inner(c)?;
            (op, size, base, off)
        }
    };
    c.expect(",")?;
    let src = if op == AtomicOp::Cmpxchg {
        let at = c.span();
        let (r0, _, _) = any_reg(c)?;
        if r0 != Reg::R0 || dst_reg != Reg::R0 {
            return Err(at.error("cmpxchg compares with r0 and returns the old value in r0"));
        }
        c.expect(",")?;
        any_reg(c)?.0
    } else {
        let at = c.span();
        let (src, _, _) = any_reg(c)?;
        if src != dst_reg {
            return Err(at.error(format!(
                "the old value goes back into the operand register: expected r{}, found r{}",
                dst_reg.number(),
                src.number()
            )));
        }
        src
    };
    c.expect(")")?;
    b.emit(
        Insn::Atomic {
            size,
            op,
            fetch: true,
            dst: base,
            src,
            off,
        },
        line,
    );
    Ok(())
}
