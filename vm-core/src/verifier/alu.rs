//! Transfer functions of arithmetic: scalar bounds and tnums through every
//! ALU operation (64- and 32-bit), pointer arithmetic and its limits, `lddw`.

use alloc::format;

use super::error::ErrorKind;
use super::exec::Verifier;
use super::log::alu_op_str;
use super::reg::{RegState, RegType};
use super::tnum::Tnum;
use super::Reject;
use crate::isa::{AluOp, Endian, LdImm64Kind, Operand, Reg, Width};

/// The kernel's `BPF_MAX_VAR_OFF`: the largest offset pointer math may reach.
const MAX_VAR_OFF: i64 = 1 << 29;

/// One width's view of a scalar: bounds as 64-bit numbers (the 32-bit view
/// holds sign- and zero-extended 32-bit bounds) and the matching tnum.
#[derive(Clone, Copy, Debug)]
struct Range {
    smin: i64,
    smax: i64,
    umin: u64,
    umax: u64,
    var: Tnum,
}

impl Range {
    fn of(r: &RegState, bits: u32) -> Range {
        if bits == 64 {
            Range {
                smin: r.smin,
                smax: r.smax,
                umin: r.umin,
                umax: r.umax,
                var: r.var_off,
            }
        } else {
            Range {
                smin: r.s32_min as i64,
                smax: r.s32_max as i64,
                umin: r.u32_min as u64,
                umax: r.u32_max as u64,
                var: r.var_off.subreg(),
            }
        }
    }

    fn limits(bits: u32) -> (i128, i128, u128) {
        if bits == 64 {
            (i64::MIN as i128, i64::MAX as i128, u64::MAX as u128)
        } else {
            (i32::MIN as i128, i32::MAX as i128, u32::MAX as u128)
        }
    }

    fn unbounded_signed(&mut self, bits: u32) {
        let (lo, hi, _) = Range::limits(bits);
        self.smin = lo as i64;
        self.smax = hi as i64;
    }

    fn unbounded_unsigned(&mut self, bits: u32) {
        let (_, _, hi) = Range::limits(bits);
        self.umin = 0;
        self.umax = hi as u64;
    }

    fn cast_var(&mut self, bits: u32) {
        if bits == 32 {
            self.var = self.var.subreg();
        }
    }

    fn is_const(&self) -> bool {
        self.var.is_const()
    }
}

fn add(a: Range, b: Range, bits: u32) -> Range {
    let (slo, shi, umax) = Range::limits(bits);
    let mut r = a;
    let lo = a.smin as i128 + b.smin as i128;
    let hi = a.smax as i128 + b.smax as i128;
    if lo < slo || hi > shi {
        r.unbounded_signed(bits);
    } else {
        r.smin = lo as i64;
        r.smax = hi as i64;
    }
    let ulo = a.umin as u128 + b.umin as u128;
    let uhi = a.umax as u128 + b.umax as u128;
    let (lo_over, hi_over) = (ulo > umax, uhi > umax);
    if lo_over == hi_over {
        let m = umax + 1;
        r.umin = (ulo % m) as u64;
        r.umax = (uhi % m) as u64;
    } else {
        r.unbounded_unsigned(bits);
    }
    r.var = a.var.add(b.var);
    r.cast_var(bits);
    r
}

fn sub(a: Range, b: Range, bits: u32) -> Range {
    let (slo, shi, umax) = Range::limits(bits);
    let mut r = a;
    let lo = a.smin as i128 - b.smax as i128;
    let hi = a.smax as i128 - b.smin as i128;
    if lo < slo || hi > shi {
        r.unbounded_signed(bits);
    } else {
        r.smin = lo as i64;
        r.smax = hi as i64;
    }
    let ulo = a.umin as i128 - b.umax as i128;
    let uhi = a.umax as i128 - b.umin as i128;
    if (ulo < 0) == (uhi < 0) {
        let m = umax as i128 + 1;
        r.umin = ulo.rem_euclid(m) as u64;
        r.umax = uhi.rem_euclid(m) as u64;
    } else {
        r.unbounded_unsigned(bits);
    }
    r.var = a.var.sub(b.var);
    r.cast_var(bits);
    r
}

fn mul(a: Range, b: Range, bits: u32) -> Range {
    let (slo, shi, umax) = Range::limits(bits);
    let mut r = a;
    let uhi = a.umax as u128 * b.umax as u128;
    if uhi > umax {
        r.unbounded_unsigned(bits);
    } else {
        r.umin = (a.umin as u128 * b.umin as u128) as u64;
        r.umax = uhi as u64;
    }
    let p = [
        a.smin as i128 * b.smin as i128,
        a.smin as i128 * b.smax as i128,
        a.smax as i128 * b.smin as i128,
        a.smax as i128 * b.smax as i128,
    ];
    let lo = p.iter().copied().min().unwrap_or(0);
    let hi = p.iter().copied().max().unwrap_or(0);
    if lo < slo || hi > shi {
        r.unbounded_signed(bits);
    } else {
        r.smin = lo as i64;
        r.smax = hi as i64;
    }
    r.var = a.var.mul(b.var);
    r.cast_var(bits);
    r
}

fn signed_from_unsigned(r: &mut Range, a: &Range, b: &Range, bits: u32) {
    if a.smin >= 0 && b.smin >= 0 {
        r.smin = r.umin as i64;
        r.smax = r.umax as i64;
    } else {
        r.unbounded_signed(bits);
    }
}

fn bitop(op: AluOp, a: Range, b: Range, bits: u32) -> Range {
    let mut r = a;
    let var = match op {
        AluOp::And => a.var.and(b.var),
        AluOp::Or => a.var.or(b.var),
        _ => a.var.xor(b.var),
    };
    r.var = var;
    r.cast_var(bits);
    match op {
        AluOp::And => {
            r.umin = r.var.value;
            r.umax = a.umax.min(b.umax);
        }
        AluOp::Or => {
            r.umin = a.umin.max(b.umin);
            r.umax = r.var.value | r.var.mask;
        }
        _ => {
            r.umin = r.var.value;
            r.umax = r.var.value | r.var.mask;
        }
    }
    signed_from_unsigned(&mut r, &a, &b, bits);
    r
}

fn shift(op: AluOp, a: Range, s: u32, bits: u32) -> Range {
    let (_, _, umax) = Range::limits(bits);
    let mut r = a;
    match op {
        AluOp::Lsh => {
            if (a.umax as u128) << s > umax {
                r.unbounded_unsigned(bits);
            } else {
                r.umin = a.umin << s;
                r.umax = a.umax << s;
            }
            r.unbounded_signed(bits);
            r.var = a.var.lshift(s);
        }
        AluOp::Rsh => {
            r.umin = a.umin >> s;
            r.umax = a.umax >> s;
            r.unbounded_signed(bits);
            r.var = a.var.rshift(s);
        }
        _ => {
            r.smin = a.smin >> s;
            r.smax = a.smax >> s;
            r.unbounded_unsigned(bits);
            r.var = a.var.arshift(s, bits);
        }
    }
    r.cast_var(bits);
    r
}

/// `dst op= src` on two scalars for one width; `None` when the result is unknown.
fn scalar_op(op: AluOp, a: Range, b: Range, bits: u32) -> Option<Range> {
    match op {
        AluOp::Add => Some(add(a, b, bits)),
        AluOp::Sub => Some(sub(a, b, bits)),
        AluOp::Mul => Some(mul(a, b, bits)),
        AluOp::And | AluOp::Or | AluOp::Xor => Some(bitop(op, a, b, bits)),
        AluOp::Lsh | AluOp::Rsh | AluOp::Arsh => {
            if b.is_const() && b.var.value < bits as u64 {
                Some(shift(op, a, b.var.value as u32, bits))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Computes a constant result exactly (both operands known).
fn const_op(op: AluOp, a: u64, b: u64, bits: u32) -> Option<u64> {
    let v = if bits == 32 {
        let (x, y) = (a as u32, b as u32);
        (match op {
            AluOp::Add => x.wrapping_add(y),
            AluOp::Sub => x.wrapping_sub(y),
            AluOp::Mul => x.wrapping_mul(y),
            AluOp::And => x & y,
            AluOp::Or => x | y,
            AluOp::Xor => x ^ y,
            AluOp::Lsh => x.wrapping_shl(y),
            AluOp::Rsh => x.wrapping_shr(y),
            AluOp::Arsh => (x as i32).wrapping_shr(y) as u32,
            _ => return None,
        }) as u64
    } else {
        match op {
            AluOp::Add => a.wrapping_add(b),
            AluOp::Sub => a.wrapping_sub(b),
            AluOp::Mul => a.wrapping_mul(b),
            AluOp::And => a & b,
            AluOp::Or => a | b,
            AluOp::Xor => a ^ b,
            AluOp::Lsh => a.wrapping_shl(b as u32),
            AluOp::Rsh => a.wrapping_shr(b as u32),
            AluOp::Arsh => (a as i64).wrapping_shr(b as u32) as u64,
            _ => return None,
        }
    };
    Some(v)
}

/// Applies `op` to scalar `dst` with scalar `src` (the kernel's `adjust_scalar_min_max_vals`).
pub(crate) fn scalar_alu(op: AluOp, width: Width, dst: &RegState, src: &RegState) -> RegState {
    let bits = if width == Width::W64 { 64 } else { 32 };
    let mut out = RegState::unknown();
    let src_known = if bits == 64 {
        src.var_off.is_const()
    } else {
        src.var_off.subreg().is_const()
    };
    let dst_known = if bits == 64 {
        dst.var_off.is_const()
    } else {
        dst.var_off.subreg().is_const()
    };
    if src_known && dst_known {
        if let Some(v) = const_op(op, dst.var_off.value, src.var_off.value, bits) {
            out.mark_known(v);
            if bits == 32 {
                out.mark_known(v as u32 as u64);
            }
            return out;
        }
    }
    let shift_op = matches!(op, AluOp::Lsh | AluOp::Rsh | AluOp::Arsh);
    if bits == 64 {
        let Some(r64) = scalar_op(op, Range::of(dst, 64), Range::of(src, 64), 64) else {
            return out;
        };
        out.smin = r64.smin;
        out.smax = r64.smax;
        out.umin = r64.umin;
        out.umax = r64.umax;
        out.var_off = r64.var;
        if !shift_op {
            if let Some(r32) = scalar_op(op, Range::of(dst, 32), Range::of(src, 32), 32) {
                out.s32_min = r32.smin as i32;
                out.s32_max = r32.smax as i32;
                out.u32_min = r32.umin as u32;
                out.u32_max = r32.umax as u32;
            }
        }
        out.sync_bounds();
    } else {
        let Some(r32) = scalar_op(op, Range::of(dst, 32), Range::of(src, 32), 32) else {
            // As the kernel does, an operation it does not track leaves all 64 bits unknown.
            return out;
        };
        out.s32_min = r32.smin as i32;
        out.s32_max = r32.smax as i32;
        out.u32_min = r32.umin as u32;
        out.u32_max = r32.umax as u32;
        out.var_off = r32.var;
        out.zext_32_to_64();
    }
    out
}

impl Verifier<'_> {
    fn op_name(op: AluOp) -> &'static str {
        alu_op_str(op)
    }

    pub(crate) fn check_alu(
        &mut self,
        width: Width,
        op: AluOp,
        dst: Reg,
        src: Operand,
    ) -> Result<(), Reject> {
        let bits: u32 = if width == Width::W64 { 64 } else { 32 };
        // Source operand first, as the kernel checks it.
        let src_reg = match src {
            Operand::Reg(r) if op != AluOp::Neg => Some(self.check_reg_read(r)?),
            _ => None,
        };
        let is_mov = matches!(
            op,
            AluOp::Mov | AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32
        );
        if !is_mov {
            self.check_reg_read(dst)?;
        }
        self.check_reg_write(dst)?;
        let dst_reg = self.reg(dst);
        match op {
            AluOp::Mov => return self.check_mov(width, dst, src, src_reg),
            AluOp::Movsx8 | AluOp::Movsx16 | AluOp::Movsx32 => {
                let Some(s) = src_reg else { return Ok(()) };
                let bytes = match op {
                    AluOp::Movsx8 => 1,
                    AluOp::Movsx16 => 2,
                    _ => 4,
                };
                let mut v = if s.ty == RegType::Scalar {
                    s
                } else {
                    if !self.opts.privileged {
                        return Err(self.reject(
                            ErrorKind::PointerArithmetic,
                            format!("R{} sign-extension part of pointer", dst.number()),
                        ));
                    }
                    RegState::unknown()
                };
                v.id = 0;
                v.sign_extend(bytes);
                if width == Width::W32 {
                    v.truncate(4);
                }
                self.set_reg(dst, v);
                return Ok(());
            }
            _ => {}
        }
        // Constant shifts and divisions are checked on their own.
        if let Operand::Imm(imm) = src {
            if matches!(op, AluOp::Div | AluOp::Mod | AluOp::Sdiv | AluOp::Smod) && imm == 0 {
                return Err(self.reject(ErrorKind::InvalidAlu, "div by zero".into()));
            }
            if matches!(op, AluOp::Lsh | AluOp::Rsh | AluOp::Arsh)
                && (imm < 0 || imm as u32 >= bits)
            {
                return Err(self.reject(ErrorKind::InvalidAlu, format!("invalid shift {}", imm)));
            }
        }
        let src_val = match (src, src_reg) {
            (_, Some(s)) => s,
            (Operand::Imm(i), None) => {
                if op == AluOp::Neg {
                    RegState::known(0)
                } else if width == Width::W64 {
                    RegState::known(i as i64 as u64)
                } else {
                    RegState::known(i as u32 as u64)
                }
            }
            (Operand::Reg(_), None) => RegState::known(0),
        };
        if op == AluOp::Neg {
            if dst_reg.ty != RegType::Scalar {
                if !self.opts.privileged {
                    return Err(self.reject(
                        ErrorKind::PointerArithmetic,
                        format!("R{} pointer arithmetic prohibited", dst.number()),
                    ));
                }
                let mut v = RegState::unknown();
                if width == Width::W32 {
                    v.truncate(4);
                }
                self.set_reg(dst, v);
                return Ok(());
            }
            let v = scalar_alu(AluOp::Sub, width, &RegState::known(0), &dst_reg);
            self.set_reg(dst, v);
            return Ok(());
        }
        let dst_ptr = dst_reg.ty.is_pointer();
        let src_ptr = src_val.ty.is_pointer();
        if dst_ptr && src_ptr {
            if op == AluOp::Sub && self.opts.privileged {
                let mut v = RegState::unknown();
                if width == Width::W32 {
                    v.truncate(4);
                }
                self.set_reg(dst, v);
                return Ok(());
            }
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!(
                    "R{} pointer {} pointer prohibited",
                    dst.number(),
                    Self::op_name(op)
                ),
            ));
        }
        if dst_ptr || src_ptr {
            let (ptr, off, ptr_is_dst) = if dst_ptr {
                (dst_reg, src_val, true)
            } else {
                (src_val, dst_reg, false)
            };
            let v = self.ptr_alu(op, width, dst, ptr, off, ptr_is_dst)?;
            self.set_reg(dst, v);
            return Ok(());
        }
        let mut v = scalar_alu(op, width, &dst_reg, &src_val);
        v.id = 0;
        self.set_reg(dst, v);
        Ok(())
    }

    fn check_mov(
        &mut self,
        width: Width,
        dst: Reg,
        src: Operand,
        src_reg: Option<RegState>,
    ) -> Result<(), Reject> {
        let v = match (src, src_reg) {
            (Operand::Imm(i), _) => {
                if width == Width::W64 {
                    RegState::known(i as i64 as u64)
                } else {
                    RegState::known(i as u32 as u64)
                }
            }
            (Operand::Reg(r), Some(mut s)) => {
                if width == Width::W64 {
                    if s.ty == RegType::Scalar && s.id == 0 && !s.var_off.is_const() {
                        let id = self.new_id();
                        self.reg_mut(r).id = id;
                        s.id = id;
                    }
                    s
                } else if s.ty == RegType::Scalar {
                    let keep_id = s.umax <= u32::MAX as u64;
                    if keep_id && s.id == 0 && !s.var_off.is_const() {
                        let id = self.new_id();
                        self.reg_mut(r).id = id;
                        s.id = id;
                    }
                    let id = if keep_id { s.id } else { 0 };
                    s.truncate(4);
                    s.id = id;
                    s
                } else {
                    if !self.opts.privileged {
                        return Err(self.reject(
                            ErrorKind::PointerArithmetic,
                            format!("R{} partial copy of pointer", r.number()),
                        ));
                    }
                    let mut u = RegState::unknown();
                    u.truncate(4);
                    u
                }
            }
            (Operand::Reg(_), None) => RegState::unknown(),
        };
        self.set_reg(dst, v);
        Ok(())
    }

    /// Pointer +/- scalar (the kernel's `adjust_ptr_min_max_vals`).
    fn ptr_alu(
        &mut self,
        op: AluOp,
        width: Width,
        dst: Reg,
        ptr: RegState,
        off: RegState,
        ptr_is_dst: bool,
    ) -> Result<RegState, Reject> {
        let d = dst.number();
        if width == Width::W32 {
            if op == AluOp::Sub && self.opts.privileged {
                let mut v = RegState::unknown();
                v.truncate(4);
                return Ok(v);
            }
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!("R{} 32-bit pointer arithmetic prohibited", d),
            ));
        }
        if ptr.maybe_null {
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!(
                    "R{} pointer arithmetic on {} prohibited, null-check it first",
                    d,
                    ptr.type_str()
                ),
            ));
        }
        let known = off.var_off.is_const();
        let val = off.smin;
        let allowed = match ptr.ty {
            RegType::PtrToCtx
            | RegType::PtrToMapValue
            | RegType::PtrToMapKey
            | RegType::PtrToStack
            | RegType::PtrToPacketMeta
            | RegType::PtrToPacket
            | RegType::PtrToMem
            | RegType::PtrToFunc => true,
            RegType::ConstPtrToMap => known && val == 0 && op == AluOp::Add,
            _ => false,
        };
        if !allowed {
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!("R{} pointer arithmetic on {} prohibited", d, ptr.type_str()),
            ));
        }
        let tname = ptr.type_str();
        // Sanity of both operands (the kernel's `check_reg_sane_offset`).
        if known && (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF) {
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!("math between {} pointer and {} is not allowed", tname, val),
            ));
        }
        if off.smin == i64::MIN {
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!(
                    "math between {} pointer and register with unbounded min value is not allowed",
                    tname
                ),
            ));
        }
        if off.smin >= MAX_VAR_OFF || off.smin <= -MAX_VAR_OFF {
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!(
                    "value {} makes {} pointer be out of bounds",
                    off.smin, tname
                ),
            ));
        }
        let mut out = ptr;
        match op {
            AluOp::Add => {
                if known {
                    let new_off = ptr.off as i64 + val;
                    if new_off != new_off as i32 as i64 {
                        return Err(self.reject(
                            ErrorKind::PointerArithmetic,
                            format!("{} pointer offset {} is not allowed", tname, new_off),
                        ));
                    }
                    out.off = new_off as i32;
                } else {
                    let r = add(Range::of(&ptr, 64), Range::of(&off, 64), 64);
                    out.smin = r.smin;
                    out.smax = r.smax;
                    out.umin = r.umin;
                    out.umax = r.umax;
                    out.var_off = r.var;
                    out.mark_unbounded32();
                    if ptr.ty.is_pkt_pointer() {
                        out.id = self.new_id();
                        out.range = 0;
                    }
                }
            }
            AluOp::Sub => {
                if !ptr_is_dst {
                    return Err(self.reject(
                        ErrorKind::PointerArithmetic,
                        format!("R{} tried to subtract pointer from scalar", d),
                    ));
                }
                if ptr.ty == RegType::PtrToStack {
                    return Err(self.reject(
                        ErrorKind::PointerArithmetic,
                        format!("R{} subtraction from stack pointer prohibited", d),
                    ));
                }
                if known {
                    let new_off = ptr.off as i64 - val;
                    if new_off != new_off as i32 as i64 {
                        return Err(self.reject(
                            ErrorKind::PointerArithmetic,
                            format!("{} pointer offset {} is not allowed", tname, new_off),
                        ));
                    }
                    out.off = new_off as i32;
                } else {
                    let r = sub(Range::of(&ptr, 64), Range::of(&off, 64), 64);
                    out.smin = r.smin;
                    out.smax = r.smax;
                    out.umin = r.umin;
                    out.umax = r.umax;
                    out.var_off = r.var;
                    out.mark_unbounded32();
                    if ptr.ty.is_pkt_pointer() {
                        out.id = self.new_id();
                        out.range = 0;
                    }
                }
            }
            AluOp::And | AluOp::Or | AluOp::Xor => {
                return Err(self.reject(
                    ErrorKind::PointerArithmetic,
                    format!(
                        "R{} bitwise operator {} on pointer prohibited",
                        d,
                        Self::op_name(op)
                    ),
                ));
            }
            _ => {
                return Err(self.reject(
                    ErrorKind::PointerArithmetic,
                    format!(
                        "R{} pointer arithmetic with {} operator prohibited",
                        d,
                        Self::op_name(op)
                    ),
                ));
            }
        }
        out.sync_bounds();
        if out.off as i64 >= MAX_VAR_OFF || out.off as i64 <= -MAX_VAR_OFF {
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!("{} pointer offset {} is not allowed", tname, out.off),
            ));
        }
        if out.smin <= -MAX_VAR_OFF || out.smin >= MAX_VAR_OFF {
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!(
                    "value {} makes {} pointer be out of bounds",
                    out.smin, tname
                ),
            ));
        }
        Ok(out)
    }

    pub(crate) fn check_endian(&mut self, kind: Endian, bits: u8, dst: Reg) -> Result<(), Reject> {
        let v = self.check_reg_read(dst)?;
        self.check_reg_write(dst)?;
        let bytes = (bits / 8) as u32;
        let mut out = RegState::unknown();
        if v.ty == RegType::Scalar && v.var_off.is_const() {
            let x = v.var_off.value;
            let r = match (kind, bits) {
                (Endian::ToLe, 16) => x as u16 as u64,
                (Endian::ToLe, 32) => x as u32 as u64,
                (Endian::ToLe, _) => x,
                (_, 16) => (x as u16).swap_bytes() as u64,
                (_, 32) => (x as u32).swap_bytes() as u64,
                _ => x.swap_bytes(),
            };
            out.mark_known(r);
        } else if kind == Endian::ToLe && v.ty == RegType::Scalar {
            out = v;
            out.id = 0;
            out.truncate(bytes);
        } else if bytes < 8 {
            out.truncate(bytes);
        }
        self.set_reg(dst, out);
        Ok(())
    }

    pub(crate) fn check_ld_imm64(
        &mut self,
        dst: Reg,
        kind: LdImm64Kind,
        imm: i32,
        next_imm: i32,
    ) -> Result<(), Reject> {
        self.check_reg_write(dst)?;
        let v = match kind {
            LdImm64Kind::Imm => RegState::known(crate::isa::Insn::imm64(imm, next_imm)),
            LdImm64Kind::MapFd | LdImm64Kind::MapIdx => {
                let mut r = RegState::pointer(RegType::ConstPtrToMap);
                r.map = imm as u32;
                r
            }
            LdImm64Kind::MapValue | LdImm64Kind::MapIdxValue => {
                let vs = self
                    .prog
                    .map(imm as u32 as usize)
                    .map_or(0, |m| m.value_size);
                if next_imm < 0 || next_imm as u32 >= vs.max(1) {
                    return Err(self.reject(
                        ErrorKind::MapAccess,
                        format!(
                            "invalid access to map value pointer, value_size={} off={}",
                            vs, next_imm
                        ),
                    ));
                }
                let mut r = RegState::pointer(RegType::PtrToMapValue);
                r.map = imm as u32;
                r.off = next_imm;
                r
            }
            LdImm64Kind::Func => {
                let mut r = RegState::pointer(RegType::PtrToFunc);
                r.mem_size = (self.insn_idx as i64 + 1 + imm as i64).max(0) as u32;
                r
            }
            LdImm64Kind::BtfId => {
                return Err(self.reject(ErrorKind::Structure, "invalid bpf_ld_imm64 insn".into()));
            }
        };
        self.set_reg(dst, v);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_of_bounded_scalars() {
        let a = RegState::unknown_up_to(255);
        let r = scalar_alu(AluOp::Add, Width::W64, &a, &RegState::known(10));
        assert_eq!((r.umin, r.umax, r.smin, r.smax), (10, 265, 10, 265));
    }

    #[test]
    fn and_bounds_by_mask_and_shift() {
        let r = scalar_alu(
            AluOp::And,
            Width::W64,
            &RegState::unknown(),
            &RegState::known(0xff),
        );
        assert_eq!((r.umin, r.umax), (0, 255));
        let s = scalar_alu(AluOp::Lsh, Width::W64, &r, &RegState::known(2));
        assert_eq!((s.umin, s.umax), (0, 1020));
        assert_eq!(
            s.var_off,
            Tnum {
                value: 0,
                mask: 0x3fc
            }
        );
    }

    #[test]
    fn alu32_zero_extends() {
        let r = scalar_alu(
            AluOp::Add,
            Width::W32,
            &RegState::unknown(),
            &RegState::known(1),
        );
        assert_eq!(r.umax, u32::MAX as u64);
        let k = scalar_alu(
            AluOp::Add,
            Width::W32,
            &RegState::known(u32::MAX as u64),
            &RegState::known(1),
        );
        assert!(k.is_const_value(0));
    }

    #[test]
    fn sub_wrapping_unsigned() {
        let a = RegState::unknown_up_to(10);
        let r = scalar_alu(AluOp::Sub, Width::W64, &a, &RegState::known(1));
        assert_eq!((r.smin, r.smax), (-1, 9));
        assert_eq!((r.umin, r.umax), (0, u64::MAX));
    }
}
