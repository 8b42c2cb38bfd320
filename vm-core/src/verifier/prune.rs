//! State pruning: when the walk reaches an instruction in a state that is
//! within one already verified there, the path is safe and ends (the
//! kernel's `states_equal`/`regsafe`/`stacksafe`).

use alloc::vec::Vec;

use super::reg::{RegState, RegType};
use super::stack::{SlotType, StackState, SLOT_SIZE};
use super::state::VerifierState;

/// A consistent renaming of ids between the old and the current state.
#[derive(Default)]
struct IdMap {
    pairs: Vec<(u32, u32)>,
    tmp: u32,
}

impl IdMap {
    fn check(&mut self, old: u32, cur: u32) -> bool {
        if (old == 0) != (cur == 0) {
            return false;
        }
        if old == 0 {
            return true;
        }
        for &(o, c) in &self.pairs {
            if o == old {
                return c == cur;
            }
            if c == cur {
                return false;
            }
        }
        self.pairs.push((old, cur));
        true
    }

    /// Scalars without an id get a fresh one, so unlinked scalars compare freely.
    fn check_scalar(&mut self, old: u32, cur: u32) -> bool {
        let old = if old == 0 { self.fresh() } else { old };
        let cur = if cur == 0 { self.fresh() } else { cur };
        self.check(old, cur)
    }

    fn fresh(&mut self) -> u32 {
        self.tmp += 1;
        0x8000_0000 | self.tmp
    }
}

fn range_within(old: &RegState, cur: &RegState) -> bool {
    old.smin <= cur.smin
        && old.smax >= cur.smax
        && old.umin <= cur.umin
        && old.umax >= cur.umax
        && old.s32_min <= cur.s32_min
        && old.s32_max >= cur.s32_max
        && old.u32_min <= cur.u32_min
        && old.u32_max >= cur.u32_max
}

fn regs_exact(old: &RegState, cur: &RegState, ids: &mut IdMap) -> bool {
    let mut a = *old;
    let mut b = *cur;
    let (ida, idb, ra, rb) = (a.id, b.id, a.ref_obj_id, b.ref_obj_id);
    a.id = 0;
    b.id = 0;
    a.ref_obj_id = 0;
    b.ref_obj_id = 0;
    a == b && ids.check(ida, idb) && ids.check(ra, rb)
}

fn regsafe(old: &RegState, cur: &RegState, ids: &mut IdMap, exact: bool) -> bool {
    if exact {
        return regs_exact(old, cur, ids);
    }
    if old.ty == RegType::NotInit {
        return true;
    }
    if cur.ty != old.ty {
        return false;
    }
    let within = range_within(old, cur) && old.var_off.contains(cur.var_off);
    match old.ty {
        RegType::Scalar => within && ids.check_scalar(old.id, cur.id),
        RegType::PtrToPacket | RegType::PtrToPacketMeta => {
            let range_ok = if old.range < 0 || cur.range < 0 {
                old.range == cur.range
            } else {
                old.range <= cur.range
            };
            range_ok && old.off == cur.off && within && ids.check(old.id, cur.id)
        }
        _ => {
            old.maybe_null == cur.maybe_null
                && old.ringbuf == cur.ringbuf
                && old.map == cur.map
                && old.mem_size == cur.mem_size
                && old.frameno == cur.frameno
                && old.off == cur.off
                && within
                && ids.check(old.id, cur.id)
                && ids.check(old.ref_obj_id, cur.ref_obj_id)
        }
    }
}

fn stacksafe(
    old: &StackState,
    cur: &StackState,
    ids: &mut IdMap,
    exact: bool,
    privileged: bool,
) -> bool {
    let n = old.allocated().max(if exact { cur.allocated() } else { 0 });
    for i in 0..n {
        let (spi, idx) = (i / SLOT_SIZE, i % SLOT_SIZE);
        let o = old
            .slots
            .get(spi)
            .map_or(SlotType::Invalid, |s| s.types[idx]);
        let c = cur
            .slots
            .get(spi)
            .map_or(SlotType::Invalid, |s| s.types[idx]);
        if exact {
            if o != c {
                return false;
            }
        } else {
            if o == SlotType::Invalid {
                continue;
            }
            if privileged && o == SlotType::Misc {
                continue;
            }
            if spi >= cur.slots.len() {
                return false;
            }
            if o == SlotType::Misc && c == SlotType::Zero {
                continue;
            }
            if o != c {
                return false;
            }
        }
        if idx != SLOT_SIZE - 1 {
            continue;
        }
        if o == SlotType::Spill {
            let (Some(os), Some(cs)) = (old.slots.get(spi), cur.slots.get(spi)) else {
                return false;
            };
            if !regsafe(&os.spilled, &cs.spilled, ids, exact) {
                return false;
            }
        }
    }
    true
}

/// True when every path from `cur` is safe because the same paths from `old`
/// were verified (`exact`: the states are the same, used to find infinite loops).
/// `live` masks the registers of the innermost frame that are read later.
pub fn states_equal(
    old: &VerifierState,
    cur: &VerifierState,
    live: u16,
    exact: bool,
    privileged: bool,
) -> bool {
    if old.frames.len() != cur.frames.len() || old.refs.len() != cur.refs.len() {
        return false;
    }
    let mut ids = IdMap::default();
    let last = old.frames.len().saturating_sub(1);
    for (i, (fo, fc)) in old.frames.iter().zip(cur.frames.iter()).enumerate() {
        if fo.callsite != fc.callsite || fo.in_callback != fc.in_callback {
            return false;
        }
        for r in 0..fo.regs.len() {
            if i == last && !exact && live & (1 << r) == 0 {
                continue;
            }
            if !regsafe(&fo.regs[r], &fc.regs[r], &mut ids, exact) {
                return false;
            }
        }
        if !stacksafe(&fo.stack, &fc.stack, &mut ids, exact, privileged) {
            return false;
        }
    }
    old.refs
        .iter()
        .zip(cur.refs.iter())
        .all(|(a, b)| ids.check(*a, *b))
}

/// After a callback returns to its call, every scalar (in a register or spilled
/// on the stack) that differs from the state saved at the call's previous visit
/// becomes unknown, so that revisiting the call converges instead of growing a
/// range by one iteration each time (the kernel's `widen_imprecise_scalars`).
/// We keep no precision marks, so every scalar counts as imprecise here.
pub fn widen_changed_scalars(old: &VerifierState, cur: &mut VerifierState) {
    let mut ids = IdMap::default();
    for (fo, fc) in old.frames.iter().zip(cur.frames.iter_mut()) {
        for (ro, rc) in fo.regs.iter().zip(fc.regs.iter_mut()) {
            widen_reg(ro, rc, &mut ids);
        }
        for (so, sc) in fo.stack.slots.iter().zip(fc.stack.slots.iter_mut()) {
            if so.is_spill() && sc.is_spill() {
                widen_reg(&so.spilled, &mut sc.spilled, &mut ids);
            }
        }
    }
}

fn widen_reg(old: &RegState, cur: &mut RegState, ids: &mut IdMap) {
    if old.ty == RegType::Scalar && cur.ty == RegType::Scalar && !regs_exact(old, cur, ids) {
        *cur = RegState::unknown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifier::state::FuncState;

    fn state_with_r0(r0: RegState) -> VerifierState {
        let mut f = FuncState::new(0, 0, 0);
        f.regs[0] = r0;
        VerifierState {
            frames: alloc::vec![f],
            refs: Vec::new(),
        }
    }

    #[test]
    fn wider_old_scalar_covers_narrower_current() {
        let old = state_with_r0(RegState::unknown_up_to(255));
        let cur = state_with_r0(RegState::known(7));
        assert!(states_equal(&old, &cur, 0x7ff, false, true));
        assert!(!states_equal(&cur, &old, 0x7ff, false, true));
        // r0 dead: anything goes.
        assert!(states_equal(&cur, &old, 0x7fe, false, true));
        assert!(!states_equal(&old, &cur, 0x7ff, true, true));
    }

    #[test]
    fn changed_scalars_widen_and_unchanged_ones_stay() {
        let old = state_with_r0(RegState::known(0));
        let mut cur = state_with_r0(RegState::unknown_up_to(9));
        widen_changed_scalars(&old, &mut cur);
        assert_eq!(cur.frames[0].regs[0], RegState::unknown());
        let mut same = state_with_r0(RegState::known(0));
        widen_changed_scalars(&old, &mut same);
        assert_eq!(same.frames[0].regs[0], RegState::known(0));
    }

    /// A loop of 47,636 iterations (found by the `verify` fuzz target, where it
    /// took seconds): states that keep missing at the loop header must stop
    /// being compared, so the comparisons per instruction stay as few as the
    /// kernel's (4 on 6.18, with the same 190,547 processed instructions).
    #[test]
    fn long_loops_compare_few_states_per_instruction() {
        let prog = crate::asm::assemble(
            "*(u64 *)(r10 - 8) = 0\nl:\nr1 = *(u64 *)(r10 - 8)\nr1 += 1\n\
             *(u64 *)(r10 - 8) = r1\nif r1 < 47636 goto l\nr0 = 0\nexit\n",
        )
        .unwrap();
        let opts = crate::verifier::VerifierOptions {
            log: false,
            trace_limit: 0,
            ..Default::default()
        };
        let res = crate::verifier::verify(&prog, &opts);
        assert!(res.accepted());
        assert_eq!(res.stats.processed_insns, 190_547);
        assert_eq!(res.stats.total_states, 2383);
        assert_eq!(res.stats.max_states_per_insn, 4);
    }
}
