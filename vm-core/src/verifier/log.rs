//! The verifier's record of its work: the kernel-format log text and the
//! step-by-step trace the playground walks.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use super::reg::RegState;
use super::stack::{SlotDisplay, StackSlot};
use crate::isa::{
    encode_one, AluOp, AtomicOp, CallTarget, Endian, Insn, JmpCond, LdImm64Kind, Operand,
    PacketMode, Size, Width,
};
use crate::program::Program;

/// What happened to the path at one processed instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepEvent {
    /// Fell through (or jumped unconditionally) to the next instruction.
    Next,
    /// A conditional jump whose outcome was known: only one side was followed.
    BranchKnown {
        /// True when the jump is taken.
        taken: bool,
    },
    /// A conditional jump with both sides possible: this path continues on
    /// one side, the other side is pushed as path `pushed_path` for later.
    BranchPushed {
        /// True when this path continues at the jump target (the fall-through was pushed).
        taken: bool,
        /// Id of the pushed path.
        pushed_path: u32,
        /// Where the pushed path starts.
        pushed_insn: usize,
    },
    /// The state here is within one already verified: the path ends.
    Pruned,
    /// The path reached `exit` of the main program and ends.
    Exit,
    /// Entered a local function (bpf-to-bpf call or callback).
    Call,
    /// Returned from a local function.
    Return,
    /// The instruction failed verification.
    Error,
}

/// A frame's state at one moment, kept for the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameSnapshot {
    /// Call depth of the frame (0 = main program).
    pub frameno: u8,
    /// `r0` to `r10`.
    pub regs: [RegState; 11],
    /// Stack slots (slot `i` is `fp-8*(i+1)`).
    pub stack: Vec<StackSlot>,
}

impl FrameSnapshot {
    /// Every initialised register as `(name, kernel text)`, e.g. `("R1", "ctx()")`.
    pub fn regs_text(&self, prog: &Program) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, r) in self.regs.iter().enumerate() {
            if r.ty != super::reg::RegType::NotInit {
                let mut v = String::new();
                let _ = write!(v, "{}", r.display(&prog.maps, self.frameno));
                out.push((alloc::format!("R{}", i), v));
            }
        }
        out
    }

    /// Every written stack slot as `(name, kernel text)`, e.g. `("fp-8", "mmmmmmmm")`.
    pub fn stack_text(&self, prog: &Program) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, s) in self.stack.iter().enumerate() {
            if s.is_empty() {
                continue;
            }
            let mut v = String::new();
            let _ = write!(
                v,
                "{}",
                SlotDisplay {
                    slot: s,
                    maps: &prog.maps,
                    frameno: self.frameno,
                }
            );
            out.push((alloc::format!("fp-{}", (i + 1) * 8), v));
        }
        out
    }

    /// The whole frame as the kernel prints a state: `R1=ctx() R10=fp0 fp-8=mmmmmmmm`.
    pub fn text(&self, prog: &Program) -> String {
        let mut s = String::new();
        for (n, v) in self
            .regs_text(prog)
            .into_iter()
            .chain(self.stack_text(prog))
        {
            if !s.is_empty() {
                s.push(' ');
            }
            let _ = write!(s, "{}={}", n, v);
        }
        s
    }
}

/// One processed instruction, as the playground steps through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceStep {
    /// Instruction index.
    pub insn: usize,
    /// The path (branch) being explored; 0 is the first, pushed branches get new ids.
    pub path: u32,
    /// The innermost frame before the instruction.
    pub before: FrameSnapshot,
    /// The innermost frame after it (absent when the step ended the path or failed).
    pub after: Option<FrameSnapshot>,
    /// Registers the instruction read or wrote (bit `i` = `ri`).
    pub regs_touched: u16,
    /// What happened to the path.
    pub event: StepEvent,
    /// The log text this step produced, in the kernel's format.
    pub log: String,
}

const ALIGN: usize = 40;
const MIN_ALIGN: usize = 8;

/// Spaces after an instruction line of `len` characters so that `;` lands
/// where the kernel puts it.
pub(crate) fn state_column_padding(len: usize) -> usize {
    let pos = len + 1;
    let target = (pos + MIN_ALIGN / 2).max(ALIGN).div_ceil(MIN_ALIGN) * MIN_ALIGN;
    target.saturating_sub(pos + 1).max(1)
}

fn size_name(size: Size) -> &'static str {
    match size {
        Size::B => "u8",
        Size::H => "u16",
        Size::W => "u32",
        Size::DW => "u64",
    }
}

fn alu_str(op: AluOp) -> &'static str {
    match op {
        AluOp::Add => "+=",
        AluOp::Sub => "-=",
        AluOp::Mul => "*=",
        AluOp::Div => "/=",
        AluOp::Sdiv => "s/=",
        AluOp::Or => "|=",
        AluOp::And => "&=",
        AluOp::Lsh => "<<=",
        AluOp::Rsh => ">>=",
        AluOp::Neg => "neg",
        AluOp::Mod => "%=",
        AluOp::Smod => "s%=",
        AluOp::Xor => "^=",
        AluOp::Mov | AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32 => "=",
        AluOp::Arsh => "s>>=",
    }
}

/// The kernel's name for an ALU operator in messages (`+=`, `&=`, ...).
pub(crate) fn alu_op_str(op: AluOp) -> &'static str {
    alu_str(op)
}

fn jmp_str(c: JmpCond) -> &'static str {
    match c {
        JmpCond::Eq => "==",
        JmpCond::Gt => ">",
        JmpCond::Ge => ">=",
        JmpCond::Set => "&",
        JmpCond::Ne => "!=",
        JmpCond::Sgt => "s>",
        JmpCond::Sge => "s>=",
        JmpCond::Lt => "<",
        JmpCond::Le => "<=",
        JmpCond::Slt => "s<",
        JmpCond::Sle => "s<=",
    }
}

/// `r1 = map[counts]`-style name of a map reference.
fn map_ref(prog: &Program, idx: i32) -> String {
    match prog.maps.get(idx as usize) {
        Some(m) if !m.name.is_empty() => alloc::format!("map[{}]", m.name),
        _ => alloc::format!("map[id:{}]", idx),
    }
}

/// Formats instruction `pc` the way the kernel's verifier log does:
/// `(07) r4 += 60`, `(61) r2 = *(u32 *)(r1 +0)`, `(2d) if r4 > r3 goto pc+1`.
pub fn kernel_insn_text(
    prog: &Program,
    pc: usize,
    helper_name: impl Fn(i32) -> Option<&'static str>,
) -> String {
    let Some(insn) = prog.insns.get(pc) else {
        return String::new();
    };
    let code = encode_one(insn).code;
    let mut s = alloc::format!("({:02x}) ", code);
    let w = |width: Width| if width == Width::W32 { 'w' } else { 'r' };
    let _ = match *insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        } => {
            let c = w(width);
            let d = dst.number();
            match (op, src) {
                (AluOp::Neg, _) => write!(s, "{c}{d} = -{c}{d}"),
                (AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32, Operand::Reg(r)) => {
                    let bits = match op {
                        AluOp::Movsx8 => 8,
                        AluOp::Movsx16 => 16,
                        _ => 32,
                    };
                    write!(s, "{c}{d} = (s{bits}){c}{}", r.number())
                }
                (_, Operand::Reg(r)) => write!(s, "{c}{d} {} {c}{}", alu_str(op), r.number()),
                (_, Operand::Imm(i)) => write!(s, "{c}{d} {} {}", alu_str(op), i),
            }
        }
        Insn::Endian { kind, bits, dst } => {
            let name = match kind {
                Endian::ToLe => "le",
                Endian::ToBe => "be",
                Endian::Bswap => "bswap",
            };
            let d = dst.number();
            write!(s, "r{d} = {name}{bits} r{d}")
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => {
            let c = w(width);
            match src {
                Operand::Reg(r) => write!(
                    s,
                    "if {c}{} {} {c}{} goto pc{:+}",
                    dst.number(),
                    jmp_str(cond),
                    r.number(),
                    off
                ),
                Operand::Imm(i) => write!(
                    s,
                    "if {c}{} {} {:#x} goto pc{:+}",
                    dst.number(),
                    jmp_str(cond),
                    i as u32,
                    off
                ),
            }
        }
        Insn::Ja { off, long } => {
            if long {
                write!(s, "gotol pc{:+}", off)
            } else {
                write!(s, "goto pc{:+}", off)
            }
        }
        Insn::Call(CallTarget::Helper(id)) => match helper_name(id) {
            Some(n) => write!(s, "call {}#{}", n, id),
            None => write!(s, "call unknown#{}", id),
        },
        Insn::Call(CallTarget::Local(off)) => write!(s, "call pc{:+}", off),
        Insn::Call(CallTarget::Kfunc(_)) => write!(s, "call kernel-function"),
        Insn::Callx { reg } => write!(s, "callx r{}", reg.number()),
        Insn::Exit => write!(s, "exit"),
        Insn::LdImm64 {
            dst,
            kind,
            imm,
            next_imm,
        } => match kind {
            LdImm64Kind::MapFd | LdImm64Kind::MapIdx => {
                write!(s, "r{} = {}", dst.number(), map_ref(prog, imm))
            }
            LdImm64Kind::MapValue | LdImm64Kind::MapIdxValue => write!(
                s,
                "r{} = {}[0]+{}",
                dst.number(),
                map_ref(prog, imm),
                next_imm
            ),
            LdImm64Kind::Func => write!(s, "r{} = func[pc{:+}]", dst.number(), imm),
            _ => write!(s, "r{} = {:#x}", dst.number(), Insn::imm64(imm, next_imm)),
        },
        Insn::LdImm64Tail => write!(s, "(tail of lddw)"),
        Insn::Load {
            size,
            sign_extend,
            dst,
            src,
            off,
        } => {
            let n = if sign_extend {
                match size {
                    Size::B => "s8",
                    Size::H => "s16",
                    Size::W => "s32",
                    Size::DW => "s64",
                }
            } else {
                size_name(size)
            };
            write!(
                s,
                "r{} = *({} *)(r{} {:+})",
                dst.number(),
                n,
                src.number(),
                off
            )
        }
        Insn::Store {
            size,
            dst,
            off,
            src,
        } => match src {
            Operand::Reg(r) => write!(
                s,
                "*({} *)(r{} {:+}) = r{}",
                size_name(size),
                dst.number(),
                off,
                r.number()
            ),
            Operand::Imm(i) => write!(
                s,
                "*({} *)(r{} {:+}) = {}",
                size_name(size),
                dst.number(),
                off,
                i
            ),
        },
        Insn::Atomic {
            size,
            op,
            fetch,
            dst,
            src,
            off,
        } => {
            let n = size_name(size);
            let b = if size == Size::DW { "64" } else { "" };
            let (d, r) = (dst.number(), src.number());
            let name = match op {
                AtomicOp::Add => "add",
                AtomicOp::Or => "or",
                AtomicOp::And => "and",
                AtomicOp::Xor => "xor",
                AtomicOp::Xchg => "xchg",
                AtomicOp::Cmpxchg => "cmpxchg",
            };
            match op {
                AtomicOp::Cmpxchg => {
                    write!(s, "r0 = atomic{b}_cmpxchg(({n} *)(r{d} {off:+}), r0, r{r})")
                }
                AtomicOp::Xchg => write!(s, "r{r} = atomic{b}_xchg(({n} *)(r{d} {off:+}), r{r})"),
                _ if fetch => write!(
                    s,
                    "r{r} = atomic{b}_fetch_{name}(({n} *)(r{d} {off:+}), r{r})"
                ),
                _ => {
                    let o = match op {
                        AtomicOp::Add => "+=",
                        AtomicOp::Or => "|=",
                        AtomicOp::And => "&=",
                        _ => "^=",
                    };
                    write!(s, "lock *({n} *)(r{d} {off:+}) {o} r{r}")
                }
            }
        }
        Insn::LdPacket { size, mode, imm } => match mode {
            PacketMode::Abs => write!(s, "r0 = *({} *)skb[{}]", size_name(size), imm),
            PacketMode::Ind(r) => write!(
                s,
                "r0 = *({} *)skb[r{} + {}]",
                size_name(size),
                r.number(),
                imm
            ),
        },
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::Reg;

    #[test]
    fn formats_like_the_kernel() {
        let prog = Program::from_insns(alloc::vec![
            Insn::Load {
                size: Size::W,
                sign_extend: false,
                dst: Reg::R2,
                src: Reg::R1,
                off: 0
            },
            Insn::Alu {
                width: Width::W64,
                op: AluOp::Add,
                dst: Reg::R4,
                src: Operand::Imm(60)
            },
            Insn::Jump {
                width: Width::W64,
                cond: JmpCond::Lt,
                dst: Reg::R0,
                src: Operand::Imm(10),
                off: -2
            },
            Insn::Exit,
        ]);
        let t = |pc| kernel_insn_text(&prog, pc, |_| None);
        assert_eq!(t(0), "(61) r2 = *(u32 *)(r1 +0)");
        assert_eq!(t(1), "(07) r4 += 60");
        assert_eq!(t(2), "(a5) if r0 < 0xa goto pc-2");
        assert_eq!(t(3), "(95) exit");
    }

    #[test]
    fn state_column_matches_kernel() {
        // "0: (b7) r0 = 0" is followed by 24 spaces before ';'.
        assert_eq!(state_column_padding("0: (b7) r0 = 0".len()), 24);
        assert_eq!(
            state_column_padding("0: (61) r2 = *(u32 *)(r1 +0)".len()),
            10
        );
    }
}
