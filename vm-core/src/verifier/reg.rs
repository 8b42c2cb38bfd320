//! Register state: what the verifier knows about one register, as the
//! kernel's `bpf_reg_state` does: a type, a fixed offset for pointers, a
//! [`Tnum`] of the variable part, and signed/unsigned 64- and 32-bit bounds that
//! are kept in sync with each other and with the tnum.

use core::fmt;

use super::tnum::Tnum;

/// The kind of value a register holds (the kernel's `enum bpf_reg_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegType {
    /// Never written: reading it is an error (`R2 !read_ok`).
    NotInit,
    /// A number (`SCALAR_VALUE`), described by its tnum and bounds.
    Scalar,
    /// The program's context (`PTR_TO_CTX`, printed `ctx()`).
    PtrToCtx,
    /// A map itself, from an `lddw` map reference (`CONST_PTR_TO_MAP`, `map_ptr`).
    ConstPtrToMap,
    /// Into a map value (`PTR_TO_MAP_VALUE`, `map_value`).
    PtrToMapValue,
    /// Into a map key (`PTR_TO_MAP_KEY`, `map_key`), in callbacks.
    PtrToMapKey,
    /// Into a stack frame (`PTR_TO_STACK`, printed `fp-8`).
    PtrToStack,
    /// Packet metadata start (`PTR_TO_PACKET_META`, `pkt_meta`).
    PtrToPacketMeta,
    /// Into the packet (`PTR_TO_PACKET`, `pkt`), with a verified range.
    PtrToPacket,
    /// One past the packet's last byte (`PTR_TO_PACKET_END`, `pkt_end`).
    PtrToPacketEnd,
    /// Helper-returned memory of known size, e.g. a ring buffer record (`PTR_TO_MEM`).
    PtrToMem,
    /// A local function's address, for callbacks (`PTR_TO_FUNC`, `func`).
    PtrToFunc,
}

impl RegType {
    /// The kernel's short name (`scalar`, `ctx`, `pkt`, `map_value`, `fp`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            RegType::NotInit => "?",
            RegType::Scalar => "scalar",
            RegType::PtrToCtx => "ctx",
            RegType::ConstPtrToMap => "map_ptr",
            RegType::PtrToMapValue => "map_value",
            RegType::PtrToMapKey => "map_key",
            RegType::PtrToStack => "fp",
            RegType::PtrToPacketMeta => "pkt_meta",
            RegType::PtrToPacket => "pkt",
            RegType::PtrToPacketEnd => "pkt_end",
            RegType::PtrToMem => "mem",
            RegType::PtrToFunc => "func",
        }
    }

    /// True for `pkt` and `pkt_meta`, the pointers that carry a verified range.
    pub const fn is_pkt_pointer(self) -> bool {
        matches!(self, RegType::PtrToPacket | RegType::PtrToPacketMeta)
    }

    /// True for every pointer type.
    pub const fn is_pointer(self) -> bool {
        !matches!(self, RegType::NotInit | RegType::Scalar)
    }
}

/// The kernel's range marker: the packet pointer is known to be at `pkt_end`.
pub const AT_PKT_END: i32 = -1;
/// The kernel's range marker: the packet pointer is known to be beyond `pkt_end`.
pub const BEYOND_PKT_END: i32 = -2;

/// What the verifier knows about one register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RegState {
    /// The kind of value.
    pub ty: RegType,
    /// For pointers that may be NULL until checked (`map_value_or_null`).
    pub maybe_null: bool,
    /// For ring buffer records (`ringbuf_mem`).
    pub ringbuf: bool,
    /// Fixed offset of a pointer from its base.
    pub off: i32,
    /// Known bits of the value (scalars) or of a pointer's variable offset.
    pub var_off: Tnum,
    /// Signed 64-bit minimum.
    pub smin: i64,
    /// Signed 64-bit maximum.
    pub smax: i64,
    /// Unsigned 64-bit minimum.
    pub umin: u64,
    /// Unsigned 64-bit maximum.
    pub umax: u64,
    /// Signed 32-bit minimum of the low half.
    pub s32_min: i32,
    /// Signed 32-bit maximum of the low half.
    pub s32_max: i32,
    /// Unsigned 32-bit minimum of the low half.
    pub u32_min: u32,
    /// Unsigned 32-bit maximum of the low half.
    pub u32_max: u32,
    /// Copies of one pointer (or scalar) share an id, so a check on one refines all.
    pub id: u32,
    /// Id of the acquired reference this pointer belongs to (ring buffer records).
    pub ref_obj_id: u32,
    /// For packet pointers: bytes from the pointer's fixed-offset base known to be in the packet.
    pub range: i32,
    /// For map pointers, map values and keys: index into `Program::maps`.
    pub map: u32,
    /// For `PTR_TO_MEM`: size in bytes; for `PTR_TO_FUNC`: the subprogram's first insn.
    pub mem_size: u32,
    /// For stack pointers: which frame they point into.
    pub frameno: u8,
}

impl Default for RegState {
    fn default() -> Self {
        RegState::NOT_INIT
    }
}

impl RegState {
    /// A register that was never written.
    pub const NOT_INIT: RegState = RegState {
        ty: RegType::NotInit,
        maybe_null: false,
        ringbuf: false,
        off: 0,
        var_off: Tnum::UNKNOWN,
        smin: i64::MIN,
        smax: i64::MAX,
        umin: 0,
        umax: u64::MAX,
        s32_min: i32::MIN,
        s32_max: i32::MAX,
        u32_min: 0,
        u32_max: u32::MAX,
        id: 0,
        ref_obj_id: 0,
        range: 0,
        map: 0,
        mem_size: 0,
        frameno: 0,
    };

    /// A scalar about which nothing is known.
    pub fn unknown() -> RegState {
        RegState {
            ty: RegType::Scalar,
            ..RegState::NOT_INIT
        }
    }

    /// A scalar known to equal `v`.
    pub fn known(v: u64) -> RegState {
        let mut r = RegState::unknown();
        r.mark_known(v);
        r
    }

    /// A scalar in `0..=max` (e.g. a zero-extended load of `max`'s width).
    pub fn unknown_up_to(max: u64) -> RegState {
        let mut r = RegState::unknown();
        r.umax = max;
        r.sync_bounds();
        r
    }

    /// A pointer of type `ty` with offset 0 and no variable part.
    pub fn pointer(ty: RegType) -> RegState {
        let mut r = RegState {
            ty,
            ..RegState::NOT_INIT
        };
        r.mark_known_offset_zero();
        r
    }

    /// Sets every bound to `v` (a scalar known exactly, or a pointer's zero variable part).
    pub fn mark_known(&mut self, v: u64) {
        self.var_off = Tnum::constant(v);
        self.smin = v as i64;
        self.smax = v as i64;
        self.umin = v;
        self.umax = v;
        self.s32_min = v as u32 as i32;
        self.s32_max = v as u32 as i32;
        self.u32_min = v as u32;
        self.u32_max = v as u32;
    }

    fn mark_known_offset_zero(&mut self) {
        self.mark_known(0);
    }

    /// Forgets the value: an unbounded scalar, no id.
    pub fn mark_unknown(&mut self) {
        *self = RegState::unknown();
    }

    /// Makes every bound unbounded (keeps type and tnum).
    pub fn mark_unbounded(&mut self) {
        self.smin = i64::MIN;
        self.smax = i64::MAX;
        self.umin = 0;
        self.umax = u64::MAX;
        self.mark_unbounded32();
    }

    /// Makes the 32-bit bounds unbounded.
    pub fn mark_unbounded32(&mut self) {
        self.s32_min = i32::MIN;
        self.s32_max = i32::MAX;
        self.u32_min = 0;
        self.u32_max = u32::MAX;
    }

    /// Makes the 64-bit bounds unbounded.
    pub fn mark_unbounded64(&mut self) {
        self.smin = i64::MIN;
        self.smax = i64::MAX;
        self.umin = 0;
        self.umax = u64::MAX;
    }

    /// True for a scalar whose value is fully known.
    pub fn is_const(&self) -> bool {
        self.ty == RegType::Scalar && self.var_off.is_const()
    }

    /// True for a scalar known to be `v`.
    pub fn is_const_value(&self, v: u64) -> bool {
        self.ty == RegType::Scalar && self.var_off.equals_const(v)
    }

    /// True when the bounds contradict each other (only possible on a dead path).
    pub fn bounds_invalid(&self) -> bool {
        self.smin > self.smax
            || self.umin > self.umax
            || self.s32_min > self.s32_max
            || self.u32_min > self.u32_max
            || (self.var_off.value & self.var_off.mask) != 0
            || self.umin > self.var_off.umax()
            || self.umax < self.var_off.umin()
    }

    /// Tightens the bounds from the tnum.
    fn update_bounds(&mut self) {
        let sub = self.var_off.subreg();
        let v32 = sub.value as u32;
        let m32 = sub.mask as u32;
        self.s32_min = self.s32_min.max((v32 | (m32 & 0x8000_0000)) as i32);
        self.s32_max = self.s32_max.min((v32 | (m32 & 0x7fff_ffff)) as i32);
        self.u32_min = self.u32_min.max(v32);
        self.u32_max = self.u32_max.min(v32 | m32);
        let v = self.var_off.value;
        let m = self.var_off.mask;
        self.smin = self.smin.max((v | (m & (1 << 63))) as i64);
        self.smax = self.smax.min((v | (m & !(1 << 63))) as i64);
        self.umin = self.umin.max(v);
        self.umax = self.umax.min(v | m);
    }

    /// Lets signed and unsigned views (and the 64- and 32-bit views) inform each other.
    fn deduce_bounds(&mut self) {
        // 32-bit: an unsigned range that does not cross the sign bit is also a signed one.
        if (self.u32_min as i32) <= (self.u32_max as i32) {
            self.s32_min = self.s32_min.max(self.u32_min as i32);
            self.s32_max = self.s32_max.min(self.u32_max as i32);
        }
        if (self.s32_min as u32) <= (self.s32_max as u32) {
            self.u32_min = self.u32_min.max(self.s32_min as u32);
            self.u32_max = self.u32_max.min(self.s32_max as u32);
        }
        // 64-bit bounds whose high halves agree bound the low half.
        if self.umin >> 32 == self.umax >> 32 {
            self.u32_min = self.u32_min.max(self.umin as u32);
            self.u32_max = self.u32_max.min(self.umax as u32);
            if (self.umin as u32 as i32) <= (self.umax as u32 as i32) {
                self.s32_min = self.s32_min.max(self.umin as u32 as i32);
                self.s32_max = self.s32_max.min(self.umax as u32 as i32);
            }
        }
        if (self.smin as u64) >> 32 == (self.smax as u64) >> 32 {
            if (self.smin as u32) <= (self.smax as u32) {
                self.u32_min = self.u32_min.max(self.smin as u32);
                self.u32_max = self.u32_max.min(self.smax as u32);
            }
            if (self.smin as u32 as i32) <= (self.smax as u32 as i32) {
                self.s32_min = self.s32_min.max(self.smin as u32 as i32);
                self.s32_max = self.s32_max.min(self.smax as u32 as i32);
            }
        }
        // A 64-bit range crossing one 2^32 boundary from a negative to a non-negative low half
        // is a valid 32-bit signed range.
        if ((self.umin >> 32) as u32).wrapping_add(1) == (self.umax >> 32) as u32
            && (self.umin as i32) < 0
            && (self.umax as i32) >= 0
        {
            self.s32_min = self.s32_min.max(self.umin as i32);
            self.s32_max = self.s32_max.min(self.umax as i32);
        }
        if ((self.smin as u64 >> 32) as u32).wrapping_add(1) == (self.smax as u64 >> 32) as u32
            && (self.smin as i32) < 0
            && (self.smax as i32) >= 0
        {
            self.s32_min = self.s32_min.max(self.smin as i32);
            self.s32_max = self.s32_max.min(self.smax as i32);
        }
        // The low half bounds the 64-bit value: keep the high half, raise/lower the low half.
        let hi_mask = !0xffff_ffffu64;
        let new_umin = (self.umin & hi_mask) | self.u32_min as u64;
        let new_umax = (self.umax & hi_mask) | self.u32_max as u64;
        self.umin = self.umin.max(new_umin);
        self.umax = self.umax.min(new_umax);
        let new_smin = ((self.smin as u64 & hi_mask) | self.u32_min as u64) as i64;
        let new_smax = ((self.smax as u64 & hi_mask) | self.u32_max as u64) as i64;
        self.smin = self.smin.max(new_smin);
        self.smax = self.smax.min(new_smax);
        // A 64-bit value within s32 range whose 32-bit view is non-negative.
        if self.smin >= i32::MIN as i64 && self.smax <= i32::MAX as i64 {
            self.smin = self.smin.max(self.s32_min as i64);
            self.smax = self.smax.min(self.s32_max as i64);
        }
        // 64-bit: unsigned <-> signed when the range does not cross the sign bit.
        if (self.umin as i64) <= (self.umax as i64) {
            self.smin = self.smin.max(self.umin as i64);
            self.smax = self.smax.min(self.umax as i64);
        }
        if (self.smin as u64) <= (self.smax as u64) {
            self.umin = self.umin.max(self.smin as u64);
            self.umax = self.umax.min(self.smax as u64);
        }
    }

    /// Tightens the tnum from the bounds.
    fn bound_offset(&mut self) {
        let var64 = self.var_off.intersect(Tnum::range(self.umin, self.umax));
        let var32 = var64
            .subreg()
            .intersect(Tnum::range(self.u32_min as u64, self.u32_max as u64));
        self.var_off = var64.clear_subreg().or(var32);
    }

    /// Brings the tnum and all eight bounds into agreement (the kernel's `reg_bounds_sync`).
    pub fn sync_bounds(&mut self) {
        self.update_bounds();
        self.deduce_bounds();
        self.deduce_bounds();
        self.bound_offset();
        self.update_bounds();
    }

    /// Zero-extends the low 32 bits into the 64-bit view (result of every 32-bit ALU op).
    pub fn zext_32_to_64(&mut self) {
        self.var_off = self.var_off.subreg();
        self.umin = self.u32_min as u64;
        self.umax = self.u32_max as u64;
        self.smin = self.umin as i64;
        self.smax = self.umax as i64;
        // The 32-bit signed view is kept; everything else follows from it.
        self.sync_bounds();
    }

    /// Truncates to `bytes` bytes, zero-extending (narrow loads, `le16`, `w` moves).
    pub fn truncate(&mut self, bytes: u32) {
        if bytes >= 8 {
            return;
        }
        let max = (1u64 << (bytes * 8)) - 1;
        self.var_off = self.var_off.cast(bytes);
        if self.umax <= max && self.umin <= self.umax {
            // Already fits: the bounds stay.
        } else {
            self.umin = 0;
            self.umax = max;
        }
        self.smin = self.umin as i64;
        self.smax = self.umax as i64;
        if bytes == 4 {
            if self.u32_min as u64 > max || self.u32_max as u64 > max {
                self.u32_min = 0;
                self.u32_max = u32::MAX;
            }
        } else {
            self.u32_min = self.umin as u32;
            self.u32_max = self.umax as u32;
        }
        self.s32_min = i32::MIN;
        self.s32_max = i32::MAX;
        if bytes < 4 {
            self.s32_min = self.u32_min as i32;
            self.s32_max = self.u32_max as i32;
        }
        self.sync_bounds();
    }

    /// Sign-extends from `bytes` bytes to 64 bits (`MEMSX` loads and `movsx`).
    pub fn sign_extend(&mut self, bytes: u32) {
        let bits = bytes * 8;
        if self.var_off.is_const() {
            let shift = 64 - bits;
            let s = ((self.var_off.value << shift) as i64) >> shift;
            self.mark_known(s as u64);
            return;
        }
        let top = 1u64 << (bits - 1);
        // Values below the sign bit stay as they are; otherwise anything in the signed range.
        let (lo, hi) = if self.umin <= self.umax && self.umax < top {
            (self.umin as i64, self.umax as i64)
        } else {
            (-(top as i64), (top - 1) as i64)
        };
        self.mark_unknown();
        self.smin = lo;
        self.smax = hi;
        self.sync_bounds();
    }

    /// True when the register is a scalar with no bounds at all.
    pub fn is_unbounded_scalar(&self) -> bool {
        self.ty == RegType::Scalar
            && self.var_off.is_unknown()
            && self.smin == i64::MIN
            && self.smax == i64::MAX
            && self.umin == 0
            && self.umax == u64::MAX
    }

    /// The kernel's type string, with `_or_null` and `ringbuf_` when they apply.
    pub fn type_str(&self) -> TypeStr {
        TypeStr(*self)
    }

    /// Formats the register as the kernel's log does (`ctx()`, `pkt(off=14,r=34)`, `scalar(...)`).
    pub fn display<'a>(
        &'a self,
        maps: &'a [crate::program::MapDef],
        frameno: u8,
    ) -> RegDisplay<'a> {
        RegDisplay {
            reg: self,
            maps,
            frameno,
        }
    }
}

/// Prints a register type like the kernel's `reg_type_str`.
pub struct TypeStr(RegState);

impl fmt::Display for TypeStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0;
        if r.ringbuf {
            f.write_str("ringbuf_")?;
        }
        f.write_str(r.ty.name())?;
        if r.maybe_null {
            f.write_str("_or_null")?;
        }
        Ok(())
    }
}

/// Writes a signed number as the kernel does: decimal within 16-bit signed range, hex otherwise.
pub(crate) fn write_snum(f: &mut dyn fmt::Write, v: i64) -> fmt::Result {
    if (i16::MIN as i64..=i16::MAX as i64).contains(&v) {
        write!(f, "{}", v)
    } else {
        write!(f, "{:#x}", v as u64)
    }
}

/// Writes an unsigned number as the kernel does: decimal up to `U16_MAX`, hex otherwise.
pub(crate) fn write_unum(f: &mut dyn fmt::Write, v: u64) -> fmt::Result {
    if v <= u16::MAX as u64 {
        write!(f, "{}", v)
    } else {
        write!(f, "{:#x}", v)
    }
}

/// A register formatted for the log.
pub struct RegDisplay<'a> {
    reg: &'a RegState,
    maps: &'a [crate::program::MapDef],
    frameno: u8,
}

impl RegDisplay<'_> {
    fn write_ranges(&self, f: &mut fmt::Formatter<'_>, sep: &mut &'static str) -> fmt::Result {
        let r = self.reg;
        // (name, value, is signed, omitted because unbounded)
        let mut items: [(&str, u64, bool, bool); 8] = [
            ("smin", r.smin as u64, true, r.smin == i64::MIN),
            ("smax", r.smax as u64, true, r.smax == i64::MAX),
            ("umin", r.umin, false, r.umin == 0),
            ("umax", r.umax, false, r.umax == u64::MAX),
            (
                "smin32",
                r.s32_min as i64 as u64,
                true,
                r.s32_min == i32::MIN,
            ),
            (
                "smax32",
                r.s32_max as i64 as u64,
                true,
                r.s32_max == i32::MAX,
            ),
            ("umin32", r.u32_min as u64, false, r.u32_min == 0),
            ("umax32", r.u32_max as u64, false, r.u32_max == u32::MAX),
        ];
        for i in 0..items.len() {
            let (name, val, signed, omit) = items[i];
            if omit {
                continue;
            }
            let neg = signed && (val as i64) < 0;
            write!(f, "{}{}=", sep, name)?;
            *sep = ",";
            let mut j = i + 2;
            while j < items.len() {
                let (n2, v2, s2, o2) = items[j];
                if !o2 && v2 == val && (s2 && (v2 as i64) < 0) == neg {
                    items[j].3 = true;
                    write!(f, "{}=", n2)?;
                }
                j += 2;
            }
            if signed {
                write_snum(f, val as i64)?;
            } else {
                write_unum(f, val)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for RegDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.reg;
        if r.ty == RegType::Scalar && r.var_off.is_const() {
            return write_snum(f, r.var_off.value.wrapping_add(r.off as i64 as u64) as i64);
        }
        write!(f, "{}", r.type_str())?;
        if r.ty == RegType::PtrToStack {
            if r.frameno != self.frameno {
                write!(f, "[{}]", r.frameno)?;
            }
            if r.var_off.is_const() {
                return write_snum(f, r.var_off.value.wrapping_add(r.off as i64 as u64) as i64);
            }
        }
        f.write_str("(")?;
        let mut sep = "";
        if r.id != 0 {
            write!(f, "{}id={}", sep, r.id)?;
            sep = ",";
        }
        if r.ref_obj_id != 0 {
            write!(f, "{}ref_obj_id={}", sep, r.ref_obj_id)?;
            sep = ",";
        }
        if r.ty != RegType::Scalar && r.off != 0 {
            write!(f, "{}off={}", sep, r.off)?;
            sep = ",";
        }
        if r.ty.is_pkt_pointer() {
            write!(f, "{}r=", sep)?;
            write_unum(f, r.range as i64 as u64)?;
            sep = ",";
        } else if matches!(
            r.ty,
            RegType::ConstPtrToMap | RegType::PtrToMapValue | RegType::PtrToMapKey
        ) {
            if let Some(m) = self.maps.get(r.map as usize) {
                if !m.name.is_empty() {
                    write!(f, "{}map={}", sep, m.name)?;
                    sep = ",";
                }
                write!(f, "{}ks={},vs={}", sep, m.key_size, m.value_size)?;
                sep = ",";
            }
        } else if r.ty == RegType::PtrToMem {
            write!(f, "{}sz={}", sep, r.mem_size)?;
            sep = ",";
        }
        if r.var_off.is_const() {
            if r.var_off.value != 0 {
                write!(f, "{}imm={:x}", sep, r.var_off.value)?;
            }
        } else {
            self.write_ranges(f, &mut sep)?;
            if !r.var_off.is_unknown() {
                write!(f, "{}var_off={}", sep, r.var_off)?;
            }
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn show(r: &RegState) -> alloc::string::String {
        r.display(&[], 0).to_string()
    }

    #[test]
    fn prints_like_the_kernel() {
        assert_eq!(show(&RegState::known(0)), "0");
        assert_eq!(show(&RegState::known(1000)), "1000");
        assert_eq!(show(&RegState::known(32768)), "0x8000");
        assert_eq!(show(&RegState::unknown()), "scalar()");
        assert_eq!(
            show(&RegState::unknown_up_to(255)),
            "scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))"
        );
        assert_eq!(
            show(&RegState::unknown_up_to(0xffff_ffff)),
            "scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))"
        );
        assert_eq!(show(&RegState::pointer(RegType::PtrToCtx)), "ctx()");
        let mut p = RegState::pointer(RegType::PtrToPacket);
        p.off = 60;
        assert_eq!(show(&p), "pkt(off=60,r=0)");
        let mut s = RegState::pointer(RegType::PtrToStack);
        s.off = -8;
        assert_eq!(show(&s), "fp-8");
    }

    #[test]
    fn bounds_follow_tnum_and_back() {
        let mut r = RegState::unknown();
        r.umax = 10;
        r.sync_bounds();
        assert_eq!((r.smin, r.smax, r.u32_max), (0, 10, 10));
        assert_eq!(
            r.var_off,
            Tnum {
                value: 0,
                mask: 0xf
            }
        );
    }
}
