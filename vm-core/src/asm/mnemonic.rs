//! The uBPF/rbpf mnemonic syntax, as the conformance suite writes it:
//! `mov32 %r0, 1`, `ldxw %r1, [%r2+4]`, `stxdw [%r10-8], %r1`,
//! `jeq %r1, 5, label`, `lddw %r1, 0x1122334455667788`, `call local fn`,
//! `lock fetch add32 [%r10-4], %r1`.

use alloc::format;
use alloc::string::{String, ToString};

use super::builder::{Builder, Fixup, Target};
use super::cursor::{self, imm64_of, Cursor};
use super::lexer::Tok;
use super::{refs, AsmError};
use crate::isa::{
    AluOp, AtomicOp, CallTarget, Endian, Insn, JmpCond, LdImm64Kind, Operand, PacketMode, Reg,
    Size, Width,
};

/// ALU operation names, without the `32`/`64` suffix.
pub(crate) const ALU_OPS: [(&str, AluOp); 14] = [
    ("add", AluOp::Add),
    ("sub", AluOp::Sub),
    ("mul", AluOp::Mul),
    ("div", AluOp::Div),
    ("sdiv", AluOp::Sdiv),
    ("or", AluOp::Or),
    ("and", AluOp::And),
    ("lsh", AluOp::Lsh),
    ("rsh", AluOp::Rsh),
    ("mod", AluOp::Mod),
    ("smod", AluOp::Smod),
    ("xor", AluOp::Xor),
    ("mov", AluOp::Mov),
    ("arsh", AluOp::Arsh),
];

/// Jump condition names, without the `32` suffix.
pub(crate) const JMP_CONDS: [(&str, JmpCond); 11] = [
    ("jeq", JmpCond::Eq),
    ("jgt", JmpCond::Gt),
    ("jge", JmpCond::Ge),
    ("jset", JmpCond::Set),
    ("jne", JmpCond::Ne),
    ("jsgt", JmpCond::Sgt),
    ("jsge", JmpCond::Sge),
    ("jlt", JmpCond::Lt),
    ("jle", JmpCond::Le),
    ("jslt", JmpCond::Slt),
    ("jsle", JmpCond::Sle),
];

fn size_from_suffix(s: &str) -> Option<Size> {
    match s {
        "b" => Some(Size::B),
        "h" => Some(Size::H),
        "w" => Some(Size::W),
        "dw" => Some(Size::DW),
        _ => None,
    }
}

/// Splits a `32`/`64` width suffix off `name`.
fn split_width(name: &str) -> (&str, Width) {
    if let Some(base) = name.strip_suffix("32") {
        (base, Width::W32)
    } else {
        (name.strip_suffix("64").unwrap_or(name), Width::W64)
    }
}

/// True if `word` is a mnemonic of this syntax (used to detect the syntax).
pub(crate) fn is_mnemonic(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    let (base, _) = split_width(&w);
    matches!(
        w.as_str(),
        "lock" | "lddw" | "ja" | "ja32" | "neg" | "neg32" | "neg64"
    ) || ALU_OPS.iter().any(|(n, _)| *n == base)
        || JMP_CONDS.iter().any(|(n, _)| *n == base)
        || endian_of(&w).is_some()
        || movsx_of(&w).is_some()
        || mem_of(&w).is_some()
}

/// The byte-order words: the kernel's `be`/`le`/`bswap` and uBPF's `swap`.
const ENDIAN_WORDS: [(&str, Endian); 4] = [
    ("bswap", Endian::Bswap),
    ("swap", Endian::Bswap),
    ("be", Endian::ToBe),
    ("le", Endian::ToLe),
];

fn endian_of(w: &str) -> Option<(Endian, u8)> {
    cursor::endian_of(w, &ENDIAN_WORDS)
}

/// `movsx832` -> (Movsx8, W32), `movsx3264` -> (Movsx32, W64).
fn movsx_of(w: &str) -> Option<(AluOp, Width)> {
    Some(match w {
        "movsx832" => (AluOp::Movsx8, Width::W32),
        "movsx864" => (AluOp::Movsx8, Width::W64),
        "movsx1632" => (AluOp::Movsx16, Width::W32),
        "movsx1664" => (AluOp::Movsx16, Width::W64),
        "movsx3264" => (AluOp::Movsx32, Width::W64),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Mem {
    Ldx(Size, bool),
    St(Size),
    Stx(Size),
    Abs(Size),
    Ind(Size),
}

fn mem_of(w: &str) -> Option<Mem> {
    if let Some(s) = w.strip_prefix("ldxs") {
        return size_from_suffix(s)
            .filter(|s| *s != Size::DW)
            .map(|s| Mem::Ldx(s, true));
    }
    if let Some(s) = w.strip_prefix("ldx") {
        return size_from_suffix(s).map(|s| Mem::Ldx(s, false));
    }
    if let Some(s) = w.strip_prefix("stx") {
        return size_from_suffix(s).map(Mem::Stx);
    }
    if let Some(s) = w.strip_prefix("st") {
        return size_from_suffix(s).map(Mem::St);
    }
    if let Some(s) = w.strip_prefix("ldabs") {
        return size_from_suffix(s).map(Mem::Abs);
    }
    if let Some(s) = w.strip_prefix("ldind") {
        return size_from_suffix(s).map(Mem::Ind);
    }
    None
}

fn reg(c: &mut Cursor<'_>) -> Result<Reg, AsmError> {
    c.reg("a register (%r0 to %r10)").map(|(r, _, _)| r)
}

/// `%rN` or an immediate.
fn operand(c: &mut Cursor<'_>) -> Result<Operand, AsmError> {
    c.operand(reg, "a register")
}

/// `[%rN]`, `[%rN+off]`, `[%rN-off]`.
fn mem_operand(c: &mut Cursor<'_>) -> Result<(Reg, i16), AsmError> {
    c.expect("[")?;
    let base = reg(c)?;
    let off = if c.eat("]") {
        return Ok((base, 0));
    } else if matches!(c.peek(), Some(Tok::Punct("+" | "-"))) {
        c.off16("an offset")?
    } else {
        return Err(c.expected("'+', '-' or ']'"));
    };
    c.expect("]")?;
    Ok((base, off))
}

/// A jump target: `+N`, `-N`, `N` or a label.
fn target<'a>(c: &mut Cursor<'a>) -> Result<Target<'a>, AsmError> {
    c.target(false, "an offset", "a label or an offset (+N, -N)")
}

/// Parses one instruction (labels and directives are already handled).
pub(crate) fn parse_line(b: &mut Builder, mut c: Cursor<'_>) -> Result<(), AsmError> {
    let (word, span) = c.ident("an instruction mnemonic")?;
    let line = span.line;
    let m: String = word.to_ascii_lowercase();
    let c = &mut c;
    match m.as_str() {
        "exit" => {
            b.note_exit();
            b.emit(Insn::Exit, line);
        }
        "lock" => atomic(b, c, line)?,
        "call" | "callx" => call(b, c, line, m == "callx")?,
        "lddw" => {
            let dst = reg(c)?;
            c.expect(",")?;
            if refs::at_ref(c) {
                refs::ld_imm64_ref(b, c, dst, line)?;
            } else {
                let (v, vspan) = c.int("a 64-bit immediate")?;
                let v = imm64_of(v, vspan)?;
                let [head, _] = Insn::ld_imm64(dst, v);
                if let Insn::LdImm64 { imm, next_imm, .. } = head {
                    b.emit_lddw(dst, LdImm64Kind::Imm, imm, next_imm, line, None);
                }
            }
        }
        "ja" | "ja32" => {
            let t = target(c)?;
            let insn = Insn::Ja {
                off: 0,
                long: m == "ja32",
            };
            b.emit_branch(insn, line, t)?;
        }
        "neg" | "neg32" | "neg64" => {
            let dst = reg(c)?;
            let width = if m == "neg32" { Width::W32 } else { Width::W64 };
            b.emit(
                Insn::Alu {
                    width,
                    op: AluOp::Neg,
                    dst,
                    src: Operand::Imm(0),
                },
                line,
            );
        }
        _ => {
            if let Some((kind, bits)) = endian_of(&m) {
                let dst = reg(c)?;
                b.emit(Insn::Endian { kind, bits, dst }, line);
            } else if let Some((op, width)) = movsx_of(&m) {
                let dst = reg(c)?;
                c.expect(",")?;
                let src = reg(c)?;
                b.emit(
                    Insn::Alu {
                        width,
                        op,
                        dst,
                        src: Operand::Reg(src),
                    },
                    line,
                );
            } else if let Some(mem) = mem_of(&m) {
                memory(b, c, line, mem)?;
            } else {
                let (base, width) = split_width(&m);
                if let Some((_, cond)) = JMP_CONDS.iter().find(|(n, _)| *n == base) {
                    let dst = reg(c)?;
                    c.expect(",")?;
                    let src = operand(c)?;
                    c.expect(",")?;
                    let t = target(c)?;
                    let insn = Insn::Jump {
                        width,
                        cond: *cond,
                        dst,
                        src,
                        off: 0,
                    };
                    b.emit_branch(insn, line, t)?;
                } else if let Some((_, op)) = ALU_OPS.iter().find(|(n, _)| *n == base) {
                    let dst = reg(c)?;
                    c.expect(",")?;
                    let src = operand(c)?;
                    b.emit(
                        Insn::Alu {
                            width,
                            op: *op,
                            dst,
                            src,
                        },
                        line,
                    );
                } else {
                    return Err(span.error(format!(
                        "expected an instruction mnemonic (mov, add32, ldxw, stxdw, jeq, lddw, call, exit, ...), found '{word}'"
                    )));
                }
            }
        }
    }
    c.expect_end()
}

fn memory(b: &mut Builder, c: &mut Cursor<'_>, line: u32, mem: Mem) -> Result<(), AsmError> {
    let insn = match mem {
        Mem::Ldx(size, sign_extend) => {
            let dst = reg(c)?;
            c.expect(",")?;
            let (src, off) = mem_operand(c)?;
            Insn::Load {
                size,
                sign_extend,
                dst,
                src,
                off,
            }
        }
        Mem::St(size) => {
            let (dst, off) = mem_operand(c)?;
            c.expect(",")?;
            let imm = c.imm32("an immediate")?;
            Insn::Store {
                size,
                dst,
                off,
                src: Operand::Imm(imm),
            }
        }
        Mem::Stx(size) => {
            let (dst, off) = mem_operand(c)?;
            c.expect(",")?;
            let src = reg(c)?;
            Insn::Store {
                size,
                dst,
                off,
                src: Operand::Reg(src),
            }
        }
        Mem::Abs(size) | Mem::Ind(size) if size == Size::DW => {
            return Err(c
                .prev_span()
                .error("legacy packet loads take b, h or w, not dw"));
        }
        Mem::Abs(size) => Insn::LdPacket {
            size,
            mode: PacketMode::Abs,
            imm: c.imm32("an offset")?,
        },
        Mem::Ind(size) => {
            let src = reg(c)?;
            c.expect(",")?;
            Insn::LdPacket {
                size,
                mode: PacketMode::Ind(src),
                imm: c.imm32("an offset")?,
            }
        }
    };
    b.emit(insn, line);
    Ok(())
}

/// `lock [fetch] OP[32] [%rD+off], %rS`, `lock xchg[32] ...`, `lock cmpxchg[32] ...`.
fn atomic(b: &mut Builder, c: &mut Cursor<'_>, line: u32) -> Result<(), AsmError> {
    let mut fetch = c.eat_ident("fetch");
    let (word, span) = c.ident("an atomic operation (add, or, and, xor, xchg, cmpxchg)")?;
    let mut w = word.to_ascii_lowercase();
    if let Some(rest) = w.strip_prefix("fetch_") {
        fetch = true;
        w = rest.to_string();
    }
    let (base, width) = split_width(&w);
    let op = match base {
        "add" => AtomicOp::Add,
        "or" => AtomicOp::Or,
        "and" => AtomicOp::And,
        "xor" => AtomicOp::Xor,
        "xchg" => AtomicOp::Xchg,
        "cmpxchg" => AtomicOp::Cmpxchg,
        _ => {
            return Err(span.error(format!(
                "expected an atomic operation (add, or, and, xor, xchg, cmpxchg), found '{word}'"
            )))
        }
    };
    if matches!(op, AtomicOp::Xchg | AtomicOp::Cmpxchg) {
        fetch = true;
    }
    let size = match width {
        Width::W32 => Size::W,
        Width::W64 => Size::DW,
    };
    let (dst, off) = mem_operand(c)?;
    c.expect(",")?;
    let src = reg(c)?;
    b.emit(
        Insn::Atomic {
            size,
            op,
            fetch,
            dst,
            src,
            off,
        },
        line,
    );
    Ok(())
}

/// `call N` (helper), `call local LABEL|+N`, `call %rN` / `callx %rN`,
/// `call kfunc N`, `call bpf_name` (helper by name, or a function label).
fn call(b: &mut Builder, c: &mut Cursor<'_>, line: u32, callx: bool) -> Result<(), AsmError> {
    if callx || c.at_reg() {
        let reg = reg(c)?;
        b.emit(Insn::Callx { reg }, line);
        return Ok(());
    }
    if c.eat_ident("local") {
        let t = target(c)?;
        return b.emit_branch(Insn::Call(CallTarget::Local(0)), line, t);
    }
    c.eat_ident("helper");
    if c.eat_ident("kfunc") || c.eat_ident("runtime") {
        c.eat("#");
        let id = c.imm32("a kfunc BTF id")?;
        b.emit(Insn::Call(CallTarget::Kfunc(id)), line);
        return Ok(());
    }
    if c.at_int() {
        let id = c.imm32("a helper id")?;
        b.emit(Insn::Call(CallTarget::Helper(id)), line);
        return Ok(());
    }
    let (name, span) = c.ident("a helper id, a helper name, 'local LABEL' or a register")?;
    b.emit_fixup(
        Insn::Call(CallTarget::Helper(0)),
        line,
        Fixup::CallName(name.to_string(), span),
    );
    Ok(())
}
