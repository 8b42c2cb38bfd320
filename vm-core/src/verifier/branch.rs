//! Conditional jumps: deciding a branch when the operands make it certain,
//! and otherwise refining both sides: scalar bounds and tnums (64- and
//! 32-bit), packet ranges from comparisons with `pkt_end`, and NULL checks
//! of map lookups and ring buffer records.

use alloc::format;

use super::error::ErrorKind;
use super::exec::{Flow, Verifier};
use super::log::StepEvent;
use super::mem::MAX_PACKET_OFF;
use super::reg::{RegState, RegType, AT_PKT_END, BEYOND_PKT_END};
use super::state::VerifierState;
use super::tnum::Tnum;
use super::Reject;
use crate::isa::{JmpCond, Operand, Reg, Width};

/// One width's view of a scalar for comparisons.
#[derive(Clone, Copy)]
struct View {
    smin: i64,
    smax: i64,
    umin: u64,
    umax: u64,
    var: Tnum,
}

fn view(r: &RegState, w: Width) -> View {
    match w {
        Width::W64 => View {
            smin: r.smin,
            smax: r.smax,
            umin: r.umin,
            umax: r.umax,
            var: r.var_off,
        },
        Width::W32 => View {
            smin: r.s32_min as i64,
            smax: r.s32_max as i64,
            umin: r.u32_min as u64,
            umax: r.u32_max as u64,
            var: r.var_off.subreg(),
        },
    }
}

/// `Some(true)` when `a cond b` always holds, `Some(false)` when it never does.
fn scalar_branch_taken(a: &RegState, b: &RegState, cond: JmpCond, w: Width) -> Option<bool> {
    let x = view(a, w);
    let y = view(b, w);
    match cond {
        JmpCond::Eq | JmpCond::Ne => {
            let eq = if x.var.is_const() && y.var.is_const() {
                Some(x.var.value == y.var.value)
            } else if x.umin > y.umax
                || x.umax < y.umin
                || x.smin > y.smax
                || x.smax < y.smin
                || (x.var.value ^ y.var.value) & !(x.var.mask | y.var.mask) != 0
            {
                Some(false)
            } else {
                None
            };
            if cond == JmpCond::Eq {
                eq
            } else {
                eq.map(|e| !e)
            }
        }
        JmpCond::Set => {
            if x.var.value & y.var.value != 0 {
                Some(true)
            } else if (x.var.value | x.var.mask) & (y.var.value | y.var.mask) == 0 {
                Some(false)
            } else {
                None
            }
        }
        JmpCond::Gt => {
            if x.umin > y.umax {
                Some(true)
            } else if x.umax <= y.umin {
                Some(false)
            } else {
                None
            }
        }
        JmpCond::Ge => {
            if x.umin >= y.umax {
                Some(true)
            } else if x.umax < y.umin {
                Some(false)
            } else {
                None
            }
        }
        JmpCond::Sgt => {
            if x.smin > y.smax {
                Some(true)
            } else if x.smax <= y.smin {
                Some(false)
            } else {
                None
            }
        }
        JmpCond::Sge => {
            if x.smin >= y.smax {
                Some(true)
            } else if x.smax < y.smin {
                Some(false)
            } else {
                None
            }
        }
        JmpCond::Lt | JmpCond::Le | JmpCond::Slt | JmpCond::Sle => {
            scalar_branch_taken(b, a, cond.swap(), w)
        }
    }
}

/// Narrows `a` and `b` so that `a cond b` holds (one width); false when impossible.
fn refine(a: &mut RegState, b: &mut RegState, cond: JmpCond, w: Width, taken: bool) -> bool {
    let cond = if taken {
        Some(cond)
    } else if cond == JmpCond::Set {
        None
    } else {
        Some(cond.negate())
    };
    let Some(cond) = cond else {
        // `a & b == 0`: when b is a known constant, those bits of a are zero.
        if b.var_off.is_const() {
            let m = match w {
                Width::W64 => !b.var_off.value,
                Width::W32 => !(b.var_off.value & 0xffff_ffff),
            };
            // As the kernel does: forget the ranges before narrowing the tnum.
            a.mark_unbounded();
            a.var_off = a.var_off.and(Tnum::constant(m));
        }
        return sync(a, b);
    };
    match w {
        Width::W64 => match cond {
            JmpCond::Eq => {
                a.umin = a.umin.max(b.umin);
                a.umax = a.umax.min(b.umax);
                a.smin = a.smin.max(b.smin);
                a.smax = a.smax.min(b.smax);
                if (a.var_off.value ^ b.var_off.value) & !(a.var_off.mask | b.var_off.mask) != 0 {
                    return false;
                }
                a.var_off = a.var_off.intersect(b.var_off);
                b.umin = a.umin;
                b.umax = a.umax;
                b.smin = a.smin;
                b.smax = a.smax;
                b.var_off = a.var_off;
            }
            JmpCond::Ne => {
                let (ac, bc) = (a.var_off, b.var_off);
                if bc.is_const() && !ne64(a, bc.value) {
                    return false;
                }
                if ac.is_const() && !ne64(b, ac.value) {
                    return false;
                }
            }
            JmpCond::Set => {
                if b.var_off.is_const() && b.var_off.value.is_power_of_two() {
                    a.mark_unbounded();
                    a.var_off = a.var_off.or(b.var_off);
                }
            }
            JmpCond::Lt => {
                if b.umax == 0 || a.umin == u64::MAX {
                    return false;
                }
                a.umax = a.umax.min(b.umax - 1);
                b.umin = b.umin.max(a.umin + 1);
            }
            JmpCond::Le => {
                a.umax = a.umax.min(b.umax);
                b.umin = b.umin.max(a.umin);
            }
            JmpCond::Slt => {
                if b.smax == i64::MIN || a.smin == i64::MAX {
                    return false;
                }
                a.smax = a.smax.min(b.smax - 1);
                b.smin = b.smin.max(a.smin + 1);
            }
            JmpCond::Sle => {
                a.smax = a.smax.min(b.smax);
                b.smin = b.smin.max(a.smin);
            }
            JmpCond::Gt | JmpCond::Ge | JmpCond::Sgt | JmpCond::Sge => {
                return refine(b, a, cond.swap(), w, true);
            }
        },
        Width::W32 => match cond {
            JmpCond::Eq => {
                a.u32_min = a.u32_min.max(b.u32_min);
                a.u32_max = a.u32_max.min(b.u32_max);
                a.s32_min = a.s32_min.max(b.s32_min);
                a.s32_max = a.s32_max.min(b.s32_max);
                let (sa, sb) = (a.var_off.subreg(), b.var_off.subreg());
                if (sa.value ^ sb.value) & !(sa.mask | sb.mask) != 0 {
                    return false;
                }
                let sub = sa.intersect(sb);
                a.var_off = a.var_off.clear_subreg().or(sub);
                b.u32_min = a.u32_min;
                b.u32_max = a.u32_max;
                b.s32_min = a.s32_min;
                b.s32_max = a.s32_max;
                b.var_off = b.var_off.clear_subreg().or(sub);
            }
            JmpCond::Ne => {
                let (ac, bc) = (a.var_off.subreg(), b.var_off.subreg());
                if bc.is_const() && !ne32(a, bc.value as u32) {
                    return false;
                }
                if ac.is_const() && !ne32(b, ac.value as u32) {
                    return false;
                }
            }
            JmpCond::Set => {
                let bs = b.var_off.subreg();
                if bs.is_const() && bs.value.is_power_of_two() {
                    a.mark_unbounded();
                    a.var_off = a.var_off.or(bs);
                }
            }
            JmpCond::Lt => {
                if b.u32_max == 0 || a.u32_min == u32::MAX {
                    return false;
                }
                a.u32_max = a.u32_max.min(b.u32_max - 1);
                b.u32_min = b.u32_min.max(a.u32_min + 1);
            }
            JmpCond::Le => {
                a.u32_max = a.u32_max.min(b.u32_max);
                b.u32_min = b.u32_min.max(a.u32_min);
            }
            JmpCond::Slt => {
                if b.s32_max == i32::MIN || a.s32_min == i32::MAX {
                    return false;
                }
                a.s32_max = a.s32_max.min(b.s32_max - 1);
                b.s32_min = b.s32_min.max(a.s32_min + 1);
            }
            JmpCond::Sle => {
                a.s32_max = a.s32_max.min(b.s32_max);
                b.s32_min = b.s32_min.max(a.s32_min);
            }
            JmpCond::Gt | JmpCond::Ge | JmpCond::Sgt | JmpCond::Sge => {
                return refine(b, a, cond.swap(), w, true);
            }
        },
    }
    sync(a, b)
}

/// Removes `c` from the ends of the range `[min, max]`; false when the range
/// cannot exclude it (an end would step past the type's limit).
fn trim_ends<T: Copy + PartialEq>(
    min: &mut T,
    max: &mut T,
    c: T,
    succ: impl Fn(T) -> Option<T>,
    pred: impl Fn(T) -> Option<T>,
) -> bool {
    if *min == c {
        match succ(c) {
            Some(n) => *min = n,
            None => return false,
        }
    }
    if *max == c {
        match pred(c) {
            Some(n) => *max = n,
            None => return false,
        }
    }
    true
}

/// `x != c`: trims `c` off the ends of x's ranges; false when nothing is left.
fn ne64(x: &mut RegState, c: u64) -> bool {
    trim_ends(
        &mut x.umin,
        &mut x.umax,
        c,
        |v| v.checked_add(1),
        |v| v.checked_sub(1),
    ) && trim_ends(
        &mut x.smin,
        &mut x.smax,
        c as i64,
        |v| v.checked_add(1),
        |v| v.checked_sub(1),
    )
}

/// `x != c` on the low 32 bits.
fn ne32(x: &mut RegState, c: u32) -> bool {
    trim_ends(
        &mut x.u32_min,
        &mut x.u32_max,
        c,
        |v| v.checked_add(1),
        |v| v.checked_sub(1),
    ) && trim_ends(
        &mut x.s32_min,
        &mut x.s32_max,
        c as i32,
        |v| v.checked_add(1),
        |v| v.checked_sub(1),
    )
}

fn sync(a: &mut RegState, b: &mut RegState) -> bool {
    if a.bounds_invalid() || b.bounds_invalid() {
        return false;
    }
    a.sync_bounds();
    b.sync_bounds();
    !(a.bounds_invalid() || b.bounds_invalid())
}

impl Verifier<'_> {
    pub(crate) fn check_cond_jmp(
        &mut self,
        width: Width,
        cond: JmpCond,
        dst: Reg,
        src: Operand,
        off: i16,
    ) -> Result<Flow, Reject> {
        let idx = self.insn_idx;
        let target = (idx as i64 + 1 + off as i64).max(0) as usize;
        let src_val = match src {
            Operand::Reg(r) => self.check_reg_read(r)?,
            Operand::Imm(i) => match width {
                Width::W64 => RegState::known(i as i64 as u64),
                Width::W32 => RegState::known(i as u32 as u64),
            },
        };
        let dst_val = self.check_reg_read(dst)?;
        if !self.opts.privileged && (dst_val.ty.is_pointer() != src_val.ty.is_pointer()) {
            let p = dst;
            return Err(self.reject(
                ErrorKind::PointerArithmetic,
                format!("R{} pointer comparison prohibited", p.number()),
            ));
        }
        // Is the outcome certain?
        let known = self.branch_taken(&dst_val, &src_val, cond, width);
        if let Some(taken) = known {
            self.event = StepEvent::BranchKnown { taken };
            return Ok(Flow::Goto(if taken { target } else { idx + 1 }));
        }
        // Both sides possible: refine a copy for the jump, continue on the fall-through.
        let mut other = self.cur.clone();
        let this_ok = self.refine_state_cur(dst, src, &dst_val, &src_val, cond, width, false);
        let other_ok = refine_state(&mut other, dst, src, &dst_val, &src_val, cond, width, true);
        match (this_ok, other_ok) {
            (true, true) => {
                let path = self.push_branch(other, target);
                self.event = StepEvent::BranchPushed {
                    taken: false,
                    pushed_path: path,
                    pushed_insn: target,
                };
                Ok(Flow::Goto(idx + 1))
            }
            (true, false) => {
                self.event = StepEvent::BranchKnown { taken: false };
                Ok(Flow::Goto(idx + 1))
            }
            (false, true) => {
                self.cur = other;
                self.event = StepEvent::BranchKnown { taken: true };
                Ok(Flow::Goto(target))
            }
            (false, false) => Ok(Flow::End),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn refine_state_cur(
        &mut self,
        dst: Reg,
        src: Operand,
        dv: &RegState,
        sv: &RegState,
        cond: JmpCond,
        w: Width,
        taken: bool,
    ) -> bool {
        self.scratch_reg(dst);
        if let Operand::Reg(r) = src {
            self.scratch_reg(r);
        }
        refine_state(&mut self.cur, dst, src, dv, sv, cond, w, taken)
    }

    fn branch_taken(&self, a: &RegState, b: &RegState, cond: JmpCond, w: Width) -> Option<bool> {
        if a.ty == RegType::Scalar && b.ty == RegType::Scalar {
            return scalar_branch_taken(a, b, cond, w);
        }
        // A non-NULL pointer against 0.
        let (ptr, other, cond) = if a.ty.is_pointer() && b.ty == RegType::Scalar {
            (a, b, cond)
        } else if b.ty.is_pointer() && a.ty == RegType::Scalar {
            (b, a, cond.swap())
        } else if a.ty.is_pointer() && b.ty.is_pointer() {
            return pkt_branch_taken(a, b, cond, w);
        } else {
            return None;
        };
        let _ = cond;
        // Only pointers the kernel knows are never NULL (`reg_not_null`).
        let not_null = !ptr.maybe_null
            && matches!(
                ptr.ty,
                RegType::PtrToMapValue
                    | RegType::PtrToMapKey
                    | RegType::PtrToMem
                    | RegType::ConstPtrToMap
            );
        if w == Width::W64 && other.is_const_value(0) && not_null {
            return match cond {
                JmpCond::Eq => Some(false),
                JmpCond::Ne => Some(true),
                _ => None,
            };
        }
        None
    }
}

fn pkt_branch_taken(a: &RegState, b: &RegState, cond: JmpCond, w: Width) -> Option<bool> {
    if w != Width::W64 {
        return None;
    }
    let (pkt, cond) = if b.ty == RegType::PtrToPacketEnd && a.ty.is_pkt_pointer() {
        (a, cond)
    } else if a.ty == RegType::PtrToPacketEnd && b.ty.is_pkt_pointer() {
        (b, cond.swap())
    } else {
        return None;
    };
    if pkt.range >= 0 {
        return None;
    }
    match cond {
        JmpCond::Le | JmpCond::Gt if pkt.range == BEYOND_PKT_END => Some(cond == JmpCond::Gt),
        JmpCond::Lt | JmpCond::Ge if pkt.range == BEYOND_PKT_END || pkt.range == AT_PKT_END => {
            Some(cond == JmpCond::Ge)
        }
        _ => None,
    }
}

/// Applies what `dst cond src` (when `taken`, else its negation) implies to `state`.
#[allow(clippy::too_many_arguments)]
fn refine_state(
    state: &mut VerifierState,
    dst: Reg,
    src: Operand,
    dv: &RegState,
    sv: &RegState,
    cond: JmpCond,
    w: Width,
    taken: bool,
) -> bool {
    // NULL checks: `if rX == 0` / `!= 0` on a maybe-NULL pointer with an id.
    if w == Width::W64 && matches!(cond, JmpCond::Eq | JmpCond::Ne) {
        let (ptr_reg, ptr, other) = if dv.maybe_null {
            (Some(dst), dv, sv)
        } else if sv.maybe_null {
            (
                match src {
                    Operand::Reg(r) => Some(r),
                    Operand::Imm(_) => None,
                },
                sv,
                dv,
            )
        } else {
            (None, dv, sv)
        };
        if let (Some(_), true) = (ptr_reg, other.is_const_value(0)) {
            let is_null = (cond == JmpCond::Eq) == taken;
            mark_ptr_or_null(state, ptr.id, is_null);
            return true;
        }
    }
    // Packet pointers against pkt_end (or pkt_meta against pkt).
    if w == Width::W64 && dv.ty.is_pointer() && sv.ty.is_pointer() {
        if let Operand::Reg(sr) = src {
            refine_pkt(state, dst, sr, dv, sv, cond, taken);
        }
        return true;
    }
    if dv.ty != RegType::Scalar || sv.ty != RegType::Scalar {
        return true;
    }
    let mut a = *dv;
    let mut b = *sv;
    if !refine(&mut a, &mut b, cond, w, taken) {
        return false;
    }
    let frame = state.cur_mut();
    frame.regs[dst.index()] = a;
    if let Operand::Reg(r) = src {
        frame.regs[r.index()] = b;
    }
    // Scalars copied from one another share an id: they learn the same.
    for (reg, val) in [
        (Some(dst), a),
        (
            match src {
                Operand::Reg(r) => Some(r),
                _ => None,
            },
            b,
        ),
    ] {
        let Some(reg) = reg else { continue };
        if val.id == 0 {
            continue;
        }
        let _ = reg;
        state.for_each_reg(|r| {
            if r.ty == RegType::Scalar && r.id == val.id {
                *r = val;
            }
        });
    }
    true
}

fn mark_ptr_or_null(state: &mut VerifierState, id: u32, is_null: bool) {
    if id == 0 {
        return;
    }
    let mut released = None;
    state.for_each_reg(|r| {
        if r.maybe_null && r.id == id {
            if is_null {
                if r.ref_obj_id != 0 {
                    released = Some(r.ref_obj_id);
                }
                *r = RegState::known(0);
            } else {
                r.maybe_null = false;
                if r.ref_obj_id == 0 {
                    r.id = 0;
                }
            }
        }
    });
    if let Some(rid) = released {
        state.refs.retain(|x| *x != rid);
        state.for_each_reg(|r| {
            if r.ref_obj_id == rid {
                *r = RegState::known(0);
            }
        });
    }
}

/// The kernel's `find_good_pkt_pointers`: every copy of the checked pointer learns its range.
fn find_good_pkt_pointers(state: &mut VerifierState, p: &RegState, open: bool) {
    if p.off < 0 || (p.off == 0 && open) {
        return;
    }
    if p.umax > MAX_PACKET_OFF || p.umax + p.off as u64 > MAX_PACKET_OFF {
        return;
    }
    let new_range = p.off + if open { 1 } else { 0 };
    let (ty, id) = (p.ty, p.id);
    state.for_each_reg(|r| {
        if r.ty == ty && r.id == id {
            r.range = r.range.max(new_range);
        }
    });
}

fn refine_pkt(
    state: &mut VerifierState,
    dst: Reg,
    src: Reg,
    dv: &RegState,
    sv: &RegState,
    cond: JmpCond,
    taken: bool,
) {
    // Normalise to `pkt REL end` (or `meta REL pkt`).
    let (pkt_reg, pkt, rel) = if dv.ty == RegType::PtrToPacket && sv.ty == RegType::PtrToPacketEnd
        || dv.ty == RegType::PtrToPacketMeta && sv.ty == RegType::PtrToPacket
    {
        (dst, *dv, cond)
    } else if sv.ty == RegType::PtrToPacket && dv.ty == RegType::PtrToPacketEnd
        || sv.ty == RegType::PtrToPacketMeta && dv.ty == RegType::PtrToPacket
    {
        (src, *sv, cond.swap())
    } else {
        return;
    };
    if !matches!(rel, JmpCond::Gt | JmpCond::Ge | JmpCond::Lt | JmpCond::Le) {
        return;
    }
    let rel = if taken { rel } else { rel.negate() };
    let is_end =
        matches!(dv.ty, RegType::PtrToPacketEnd) || matches!(sv.ty, RegType::PtrToPacketEnd);
    match rel {
        JmpCond::Le => find_good_pkt_pointers(state, &pkt, false),
        JmpCond::Lt => find_good_pkt_pointers(state, &pkt, true),
        JmpCond::Gt | JmpCond::Ge if is_end => {
            let r = &mut state.cur_mut().regs[pkt_reg.index()];
            r.range = if rel == JmpCond::Gt {
                BEYOND_PKT_END
            } else {
                AT_PKT_END
            };
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_branches() {
        let a = RegState::unknown_up_to(10);
        assert_eq!(
            scalar_branch_taken(&a, &RegState::known(10), JmpCond::Gt, Width::W64),
            Some(false)
        );
        assert_eq!(
            scalar_branch_taken(&a, &RegState::known(11), JmpCond::Lt, Width::W64),
            Some(true)
        );
        assert_eq!(
            scalar_branch_taken(&a, &RegState::known(5), JmpCond::Gt, Width::W64),
            None
        );
        assert_eq!(
            scalar_branch_taken(
                &RegState::known(3),
                &RegState::known(3),
                JmpCond::Eq,
                Width::W32
            ),
            Some(true)
        );
    }

    #[test]
    fn refinement_narrows_both_sides() {
        let mut a = RegState::unknown();
        let mut b = RegState::known(10);
        assert!(refine(&mut a, &mut b, JmpCond::Gt, Width::W64, false));
        assert_eq!((a.umin, a.umax), (0, 10));
        let mut a = RegState::unknown();
        let mut b = RegState::known(10);
        assert!(refine(&mut a, &mut b, JmpCond::Gt, Width::W64, true));
        assert_eq!(a.umin, 11);
        let mut a = RegState::known(3);
        let mut b = RegState::known(4);
        assert!(!refine(&mut a, &mut b, JmpCond::Eq, Width::W64, true));
    }
}
