//! The executor's instruction form: each [`Insn`] pre-decoded once into one
//! flat [`Op`] whose variant already says width, operation and operand kind,
//! with immediates sign-extended and jump targets resolved to absolute indices,
//! so the run loop is a single `match` with no re-interpretation per step.
//!
//! Encodings that can only fail at run time (a jump into the second slot of
//! `lddw`, a write to `r10`) become [`Op::Fault`], which costs nothing until
//! it is reached.

use alloc::vec::Vec;

use super::env::func_address;
use super::error::InterpErrorKind;
use crate::isa::{
    AluOp, AtomicOp, CallTarget, Endian, Insn, JmpCond, LdImm64Kind, Operand, PacketMode, Reg,
    Size, Width,
};

/// A register number known to be at most 10 (index into a 16-entry file,
/// masked, so indexing never needs a bounds check).
pub(crate) type R = u8;

/// Why a compiled instruction faults when reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    JumpIntoLdImm64,
    FramePointerWrite,
    PcOutOfRange,
    Kfunc(i32),
}

impl Fault {
    pub(crate) fn kind(self, pc: usize) -> InterpErrorKind {
        match self {
            Fault::JumpIntoLdImm64 => InterpErrorKind::JumpIntoLdImm64,
            Fault::FramePointerWrite => InterpErrorKind::FramePointerWrite,
            Fault::PcOutOfRange => InterpErrorKind::PcOutOfRange { target: pc as i64 },
            Fault::Kfunc(id) => InterpErrorKind::Kfunc(id),
        }
    }
}

/// An atomic operation and whether it fetches, as one 8-byte field so that
/// atomics keep the common op layout (see [`Op`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum AtomicSpec {
    Add,
    Or,
    And,
    Xor,
    FetchAdd,
    FetchOr,
    FetchAnd,
    FetchXor,
    Xchg,
    Cmpxchg,
}

impl AtomicSpec {
    fn new(op: AtomicOp, fetch: bool) -> AtomicSpec {
        match (op, fetch) {
            (AtomicOp::Add, false) => AtomicSpec::Add,
            (AtomicOp::Or, false) => AtomicSpec::Or,
            (AtomicOp::And, false) => AtomicSpec::And,
            (AtomicOp::Xor, false) => AtomicSpec::Xor,
            (AtomicOp::Add, true) => AtomicSpec::FetchAdd,
            (AtomicOp::Or, true) => AtomicSpec::FetchOr,
            (AtomicOp::And, true) => AtomicSpec::FetchAnd,
            (AtomicOp::Xor, true) => AtomicSpec::FetchXor,
            (AtomicOp::Xchg, _) => AtomicSpec::Xchg,
            (AtomicOp::Cmpxchg, _) => AtomicSpec::Cmpxchg,
        }
    }

    /// The operation and whether its old value is fetched into a register.
    pub(crate) fn parts(self) -> (AtomicOp, bool) {
        match self {
            AtomicSpec::Add => (AtomicOp::Add, false),
            AtomicSpec::Or => (AtomicOp::Or, false),
            AtomicSpec::And => (AtomicOp::And, false),
            AtomicSpec::Xor => (AtomicOp::Xor, false),
            AtomicSpec::FetchAdd => (AtomicOp::Add, true),
            AtomicSpec::FetchOr => (AtomicOp::Or, true),
            AtomicSpec::FetchAnd => (AtomicOp::And, true),
            AtomicSpec::FetchXor => (AtomicOp::Xor, true),
            AtomicSpec::Xchg => (AtomicOp::Xchg, true),
            AtomicSpec::Cmpxchg => (AtomicOp::Cmpxchg, true),
        }
    }
}

macro_rules! ops {
    ($($(#[$m:meta])* $name:ident $( ( $($t:ty),* ) )?,)*) => {
        /// One pre-decoded instruction (see the module docs).
        ///
        /// `repr(u8)` fixes each variant's layout (tag, then the fields in
        /// order, C alignment). Variants keep `dst` at byte 1, `src` at byte 2,
        /// 32-bit fields at 4 and 64-bit ones at 8, so the dispatch loads the
        /// same few words for every op.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub(crate) enum Op { $($(#[$m])* $name $( ( $($t),* ) )?,)* }
    };
}

ops! {
    // 64-bit ALU, register source: (dst, src)
    Add64R(R, R), Sub64R(R, R), Mul64R(R, R), Div64R(R, R), Sdiv64R(R, R), Or64R(R, R),
    And64R(R, R), Lsh64R(R, R), Rsh64R(R, R), Mod64R(R, R), Smod64R(R, R), Xor64R(R, R),
    Mov64R(R, R), Arsh64R(R, R),
    // 64-bit ALU, immediate sign-extended: (dst, imm)
    Add64I(R, i64), Mul64I(R, i64), Div64I(R, u64), Sdiv64I(R, i64), Or64I(R, i64),
    And64I(R, i64), Lsh64I(R, u32), Rsh64I(R, u32), Mod64I(R, u64), Smod64I(R, i64),
    Xor64I(R, i64), Mov64I(R, i64), Arsh64I(R, u32),
    Neg64(R), Movsx64B(R, R), Movsx64H(R, R), Movsx64W(R, R),
    // 32-bit ALU, register source
    Add32R(R, R), Sub32R(R, R), Mul32R(R, R), Div32R(R, R), Sdiv32R(R, R), Or32R(R, R),
    And32R(R, R), Lsh32R(R, R), Rsh32R(R, R), Mod32R(R, R), Smod32R(R, R), Xor32R(R, R),
    Mov32R(R, R), Arsh32R(R, R),
    // 32-bit ALU, immediate
    Add32I(R, u32), Mul32I(R, u32), Div32I(R, u32), Sdiv32I(R, i32), Or32I(R, u32),
    And32I(R, u32), Lsh32I(R, u32), Rsh32I(R, u32), Mod32I(R, u32), Smod32I(R, i32),
    Xor32I(R, u32), Mov32I(R, u32), Arsh32I(R, u32),
    Neg32(R), Movsx32B(R, R), Movsx32H(R, R),
    // Byte swaps and truncations
    Swap16(R), Swap32(R), Swap64(R), Trunc16(R), Trunc32(R), Nop,
    // dst = imm64 (pc advances by 2)
    LdImm64(R, u64),
    // dst = what the environment resolves (dst, src kind, imm, next_imm)
    LdImm64Env(R, LdImm64Kind, i32, i32),
    // Loads (dst, src, off)
    Ldx8(R, R, i16), Ldx16(R, R, i16), Ldx32(R, R, i16), Ldx64(R, R, i16),
    Ldxs8(R, R, i16), Ldxs16(R, R, i16), Ldxs32(R, R, i16),
    // Stores of a register (dst, src, off)
    Stx8(R, R, i16), Stx16(R, R, i16), Stx32(R, R, i16), Stx64(R, R, i16),
    // Stores of an immediate (dst, imm, off)
    St8(R, i32, i16), St16(R, i32, i16), St32(R, i32, i16), St64(R, i32, i16),
    // Atomics (dst, src, off, what)
    Atomic32(R, R, i16, AtomicSpec), Atomic64(R, R, i16, AtomicSpec),
    // Legacy packet loads into r0: (size in bytes, imm) and (size, offset register, imm)
    LdAbs(u8, i32), LdInd(u8, R, i32),
    // Unconditional jump to an absolute index
    Ja(u32),
    // Conditional jumps, 64-bit, register: (dst, src, target)
    Jeq64R(R, R, u32), Jgt64R(R, R, u32), Jge64R(R, R, u32), Jset64R(R, R, u32),
    Jne64R(R, R, u32), Jsgt64R(R, R, u32), Jsge64R(R, R, u32), Jlt64R(R, R, u32),
    Jle64R(R, R, u32), Jslt64R(R, R, u32), Jsle64R(R, R, u32),
    // 64-bit, immediate (sign-extended): (dst, target, imm)
    Jeq64I(R, u32, i64), Jgt64I(R, u32, i64), Jge64I(R, u32, i64), Jset64I(R, u32, i64),
    Jne64I(R, u32, i64), Jsgt64I(R, u32, i64), Jsge64I(R, u32, i64), Jlt64I(R, u32, i64),
    Jle64I(R, u32, i64), Jslt64I(R, u32, i64), Jsle64I(R, u32, i64),
    // 32-bit, register
    Jeq32R(R, R, u32), Jgt32R(R, R, u32), Jge32R(R, R, u32), Jset32R(R, R, u32),
    Jne32R(R, R, u32), Jsgt32R(R, R, u32), Jsge32R(R, R, u32), Jlt32R(R, R, u32),
    Jle32R(R, R, u32), Jslt32R(R, R, u32), Jsle32R(R, R, u32),
    // 32-bit, immediate: (dst, target, imm)
    Jeq32I(R, u32, i32), Jgt32I(R, u32, i32), Jge32I(R, u32, i32), Jset32I(R, u32, i32),
    Jne32I(R, u32, i32), Jsgt32I(R, u32, i32), Jsge32I(R, u32, i32), Jlt32I(R, u32, i32),
    Jle32I(R, u32, i32), Jslt32I(R, u32, i32), Jsle32I(R, u32, i32),
    // Calls
    CallHelper(i32), CallLocal(u32), Callx(R), Exit,
    // Reached only by a faulty program
    Fault(Fault),
}

/// The register's index in the 16-entry file.
fn r(reg: Reg) -> R {
    reg.number()
}

/// Compiles every slot; `ops[i]` executes instruction `i`. One extra
/// `Fault(PcOutOfRange)` op at the end catches falling off the program, and every
/// jump whose target lies outside the program points at it.
pub(crate) fn compile(insns: &[Insn]) -> Vec<Op> {
    let len = insns.len();
    let mut ops = Vec::with_capacity(len + 1);
    for (pc, insn) in insns.iter().enumerate() {
        ops.push(compile_one(pc, insn, len));
    }
    ops.push(Op::Fault(Fault::PcOutOfRange));
    // A jump into the second slot of an lddw must not execute it.
    for (pc, insn) in insns.iter().enumerate() {
        if matches!(insn, Insn::LdImm64Tail) {
            if let Some(op) = ops.get_mut(pc) {
                *op = Op::Fault(Fault::JumpIntoLdImm64);
            }
        }
    }
    ops
}

/// Absolute target of a branch at `pc` with offset `off`, or `len` (the fault op).
fn target(pc: usize, off: i64, len: usize) -> u32 {
    let t = pc as i64 + 1 + off;
    if t >= 0 && (t as u64) < len as u64 && len <= u32::MAX as usize {
        t as u32
    } else {
        len.min(u32::MAX as usize) as u32
    }
}

fn writes_fp(insn: &Insn) -> bool {
    let dst = match *insn {
        Insn::Alu { dst, .. } | Insn::Endian { dst, .. } | Insn::LdImm64 { dst, .. } => dst,
        Insn::Load { dst, .. } => dst,
        Insn::Atomic {
            src,
            fetch: true,
            op,
            ..
        } if op != AtomicOp::Cmpxchg => src,
        _ => return false,
    };
    dst == Reg::R10
}

fn compile_one(pc: usize, insn: &Insn, len: usize) -> Op {
    if writes_fp(insn) {
        return Op::Fault(Fault::FramePointerWrite);
    }
    match *insn {
        Insn::Alu {
            width,
            op,
            dst,
            src,
        } => alu(width, op, r(dst), src),
        Insn::Endian { kind, bits, dst } => {
            let d = r(dst);
            match (kind, bits) {
                (Endian::ToLe, 16) => Op::Trunc16(d),
                (Endian::ToLe, 32) => Op::Trunc32(d),
                (Endian::ToLe, _) => Op::Nop,
                (_, 16) => Op::Swap16(d),
                (_, 32) => Op::Swap32(d),
                (_, _) => Op::Swap64(d),
            }
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => jump(width, cond, r(dst), src, target(pc, off as i64, len)),
        Insn::Ja { off, .. } => Op::Ja(target(pc, off as i64, len)),
        Insn::Call(CallTarget::Helper(id)) => Op::CallHelper(id),
        Insn::Call(CallTarget::Local(off)) => Op::CallLocal(target(pc, off as i64, len)),
        Insn::Call(CallTarget::Kfunc(id)) => Op::Fault(Fault::Kfunc(id)),
        Insn::Callx { reg } => Op::Callx(r(reg)),
        Insn::Exit => Op::Exit,
        Insn::LdImm64 {
            dst,
            kind,
            imm,
            next_imm,
        } => match kind {
            LdImm64Kind::Imm => Op::LdImm64(r(dst), Insn::imm64(imm, next_imm)),
            LdImm64Kind::Func => {
                let t = pc as i64 + 1 + imm as i64;
                if t >= 0 && (t as u64) < len as u64 {
                    Op::LdImm64(r(dst), func_address(t as usize))
                } else {
                    Op::Fault(Fault::PcOutOfRange)
                }
            }
            _ => Op::LdImm64Env(r(dst), kind, imm, next_imm),
        },
        Insn::LdImm64Tail => Op::Fault(Fault::JumpIntoLdImm64),
        Insn::Load {
            size,
            sign_extend,
            dst,
            src,
            off,
        } => {
            let (d, s) = (r(dst), r(src));
            match (size, sign_extend) {
                (Size::B, false) => Op::Ldx8(d, s, off),
                (Size::H, false) => Op::Ldx16(d, s, off),
                (Size::W, false) => Op::Ldx32(d, s, off),
                (Size::DW, _) => Op::Ldx64(d, s, off),
                (Size::B, true) => Op::Ldxs8(d, s, off),
                (Size::H, true) => Op::Ldxs16(d, s, off),
                (Size::W, true) => Op::Ldxs32(d, s, off),
            }
        }
        Insn::Store {
            size,
            dst,
            off,
            src,
        } => {
            let d = r(dst);
            match (size, src) {
                (Size::B, Operand::Reg(s)) => Op::Stx8(d, r(s), off),
                (Size::H, Operand::Reg(s)) => Op::Stx16(d, r(s), off),
                (Size::W, Operand::Reg(s)) => Op::Stx32(d, r(s), off),
                (Size::DW, Operand::Reg(s)) => Op::Stx64(d, r(s), off),
                (Size::B, Operand::Imm(i)) => Op::St8(d, i, off),
                (Size::H, Operand::Imm(i)) => Op::St16(d, i, off),
                (Size::W, Operand::Imm(i)) => Op::St32(d, i, off),
                (Size::DW, Operand::Imm(i)) => Op::St64(d, i, off),
            }
        }
        Insn::Atomic {
            size,
            op,
            fetch,
            dst,
            src,
            off,
        } => match size {
            Size::DW => Op::Atomic64(r(dst), r(src), off, AtomicSpec::new(op, fetch)),
            _ => Op::Atomic32(r(dst), r(src), off, AtomicSpec::new(op, fetch)),
        },
        Insn::LdPacket { size, mode, imm } => {
            let size = size.bytes() as u8;
            match mode {
                PacketMode::Abs => Op::LdAbs(size, imm),
                PacketMode::Ind(reg) => Op::LdInd(size, r(reg), imm),
            }
        }
    }
}

fn alu(width: Width, op: AluOp, d: R, src: Operand) -> Op {
    use AluOp::*;
    match (width, src) {
        (Width::W64, Operand::Reg(s)) => {
            let s = r(s);
            match op {
                Add => Op::Add64R(d, s),
                Sub => Op::Sub64R(d, s),
                Mul => Op::Mul64R(d, s),
                Div => Op::Div64R(d, s),
                Sdiv => Op::Sdiv64R(d, s),
                Or => Op::Or64R(d, s),
                And => Op::And64R(d, s),
                Lsh => Op::Lsh64R(d, s),
                Rsh => Op::Rsh64R(d, s),
                Neg => Op::Neg64(d),
                Mod => Op::Mod64R(d, s),
                Smod => Op::Smod64R(d, s),
                Xor => Op::Xor64R(d, s),
                Mov => Op::Mov64R(d, s),
                Movsx8 => Op::Movsx64B(d, s),
                Movsx16 => Op::Movsx64H(d, s),
                Movsx32 => Op::Movsx64W(d, s),
                Arsh => Op::Arsh64R(d, s),
            }
        }
        (Width::W64, Operand::Imm(i)) => {
            let k = i as i64;
            match op {
                Add => Op::Add64I(d, k),
                Sub => Op::Add64I(d, k.wrapping_neg()),
                Mul => Op::Mul64I(d, k),
                Div => Op::Div64I(d, k as u64),
                Sdiv => Op::Sdiv64I(d, k),
                Or => Op::Or64I(d, k),
                And => Op::And64I(d, k),
                Lsh => Op::Lsh64I(d, (i as u32) & 63),
                Rsh => Op::Rsh64I(d, (i as u32) & 63),
                Neg => Op::Neg64(d),
                Mod => Op::Mod64I(d, k as u64),
                Smod => Op::Smod64I(d, k),
                Xor => Op::Xor64I(d, k),
                Mov => Op::Mov64I(d, k),
                Movsx8 => Op::Mov64I(d, i as i8 as i64),
                Movsx16 => Op::Mov64I(d, i as i16 as i64),
                Movsx32 => Op::Mov64I(d, k),
                Arsh => Op::Arsh64I(d, (i as u32) & 63),
            }
        }
        (Width::W32, Operand::Reg(s)) => {
            let s = r(s);
            match op {
                Add => Op::Add32R(d, s),
                Sub => Op::Sub32R(d, s),
                Mul => Op::Mul32R(d, s),
                Div => Op::Div32R(d, s),
                Sdiv => Op::Sdiv32R(d, s),
                Or => Op::Or32R(d, s),
                And => Op::And32R(d, s),
                Lsh => Op::Lsh32R(d, s),
                Rsh => Op::Rsh32R(d, s),
                Neg => Op::Neg32(d),
                Mod => Op::Mod32R(d, s),
                Smod => Op::Smod32R(d, s),
                Xor => Op::Xor32R(d, s),
                Mov => Op::Mov32R(d, s),
                Movsx8 => Op::Movsx32B(d, s),
                Movsx16 => Op::Movsx32H(d, s),
                // Not encodable in 32-bit ALU; behave as a plain 32-bit move.
                Movsx32 => Op::Mov32R(d, s),
                Arsh => Op::Arsh32R(d, s),
            }
        }
        (Width::W32, Operand::Imm(i)) => {
            let k = i as u32;
            match op {
                Add => Op::Add32I(d, k),
                Sub => Op::Add32I(d, k.wrapping_neg()),
                Mul => Op::Mul32I(d, k),
                Div => Op::Div32I(d, k),
                Sdiv => Op::Sdiv32I(d, i),
                Or => Op::Or32I(d, k),
                And => Op::And32I(d, k),
                Lsh => Op::Lsh32I(d, k & 31),
                Rsh => Op::Rsh32I(d, k & 31),
                Neg => Op::Neg32(d),
                Mod => Op::Mod32I(d, k),
                Smod => Op::Smod32I(d, i),
                Xor => Op::Xor32I(d, k),
                Mov => Op::Mov32I(d, k),
                Movsx8 => Op::Mov32I(d, i as i8 as i32 as u32),
                Movsx16 => Op::Mov32I(d, i as i16 as i32 as u32),
                Movsx32 => Op::Mov32I(d, k),
                Arsh => Op::Arsh32I(d, k & 31),
            }
        }
    }
}

fn jump(width: Width, cond: JmpCond, d: R, src: Operand, t: u32) -> Op {
    use JmpCond::*;
    match (width, src) {
        (Width::W64, Operand::Reg(s)) => {
            let s = r(s);
            match cond {
                Eq => Op::Jeq64R(d, s, t),
                Gt => Op::Jgt64R(d, s, t),
                Ge => Op::Jge64R(d, s, t),
                Set => Op::Jset64R(d, s, t),
                Ne => Op::Jne64R(d, s, t),
                Sgt => Op::Jsgt64R(d, s, t),
                Sge => Op::Jsge64R(d, s, t),
                Lt => Op::Jlt64R(d, s, t),
                Le => Op::Jle64R(d, s, t),
                Slt => Op::Jslt64R(d, s, t),
                Sle => Op::Jsle64R(d, s, t),
            }
        }
        (Width::W64, Operand::Imm(i)) => {
            let k = i as i64;
            match cond {
                Eq => Op::Jeq64I(d, t, k),
                Gt => Op::Jgt64I(d, t, k),
                Ge => Op::Jge64I(d, t, k),
                Set => Op::Jset64I(d, t, k),
                Ne => Op::Jne64I(d, t, k),
                Sgt => Op::Jsgt64I(d, t, k),
                Sge => Op::Jsge64I(d, t, k),
                Lt => Op::Jlt64I(d, t, k),
                Le => Op::Jle64I(d, t, k),
                Slt => Op::Jslt64I(d, t, k),
                Sle => Op::Jsle64I(d, t, k),
            }
        }
        (Width::W32, Operand::Reg(s)) => {
            let s = r(s);
            match cond {
                Eq => Op::Jeq32R(d, s, t),
                Gt => Op::Jgt32R(d, s, t),
                Ge => Op::Jge32R(d, s, t),
                Set => Op::Jset32R(d, s, t),
                Ne => Op::Jne32R(d, s, t),
                Sgt => Op::Jsgt32R(d, s, t),
                Sge => Op::Jsge32R(d, s, t),
                Lt => Op::Jlt32R(d, s, t),
                Le => Op::Jle32R(d, s, t),
                Slt => Op::Jslt32R(d, s, t),
                Sle => Op::Jsle32R(d, s, t),
            }
        }
        (Width::W32, Operand::Imm(i)) => match cond {
            Eq => Op::Jeq32I(d, t, i),
            Gt => Op::Jgt32I(d, t, i),
            Ge => Op::Jge32I(d, t, i),
            Set => Op::Jset32I(d, t, i),
            Ne => Op::Jne32I(d, t, i),
            Sgt => Op::Jsgt32I(d, t, i),
            Sge => Op::Jsge32I(d, t, i),
            Lt => Op::Jlt32I(d, t, i),
            Le => Op::Jle32I(d, t, i),
            Slt => Op::Jslt32I(d, t, i),
            Sle => Op::Jsle32I(d, t, i),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_is_compact() {
        assert!(core::mem::size_of::<Op>() <= 16);
    }

    #[test]
    fn out_of_range_jumps_point_at_the_fault_op() {
        let insns = [
            Insn::Ja {
                off: 5,
                long: false,
            },
            Insn::Exit,
        ];
        let ops = compile(&insns);
        assert_eq!(ops[0], Op::Ja(2));
        assert_eq!(ops[2], Op::Fault(Fault::PcOutOfRange));
    }

    #[test]
    fn lddw_tail_and_fp_writes_fault() {
        let mut insns = Insn::ld_imm64(Reg::R10, 1).to_vec();
        insns.extend(Insn::ld_imm64(Reg::R1, 7));
        let ops = compile(&insns);
        assert_eq!(ops[0], Op::Fault(Fault::FramePointerWrite));
        assert_eq!(ops[1], Op::Fault(Fault::JumpIntoLdImm64));
        assert_eq!(ops[2], Op::LdImm64(1, 7));
    }
}
