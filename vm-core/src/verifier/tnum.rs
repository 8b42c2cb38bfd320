//! Tristate numbers: what the verifier knows about each bit of a value.
//!
//! A `tnum` is a pair `(value; mask)`: bits set in `mask` are unknown, the
//! others equal the bit in `value`. `value & mask` is always zero. This is the
//! kernel's `var_off`, printed as `var_off=(0x0; 0xff)`.

use core::fmt;

/// A value with known and unknown bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tnum {
    /// The known bits (zero where unknown).
    pub value: u64,
    /// The unknown bits.
    pub mask: u64,
}

impl Tnum {
    /// Nothing known.
    pub const UNKNOWN: Tnum = Tnum {
        value: 0,
        mask: u64::MAX,
    };

    /// A fully known value.
    pub const fn constant(value: u64) -> Tnum {
        Tnum { value, mask: 0 }
    }

    /// The smallest tnum containing every value in `min..=max` (unsigned).
    pub fn range(min: u64, max: u64) -> Tnum {
        let chi = min ^ max;
        let bits = 64 - chi.leading_zeros();
        if bits > 63 {
            return Tnum::UNKNOWN;
        }
        let delta = (1u64 << bits) - 1;
        Tnum {
            value: min & !delta,
            mask: delta,
        }
    }

    /// True when every bit is known.
    pub const fn is_const(self) -> bool {
        self.mask == 0
    }

    /// True when no bit is known.
    pub const fn is_unknown(self) -> bool {
        self.mask == u64::MAX
    }

    /// True when the value is known to be `v`.
    pub const fn equals_const(self, v: u64) -> bool {
        self.mask == 0 && self.value == v
    }

    /// The smallest value the tnum allows (unsigned).
    pub const fn umin(self) -> u64 {
        self.value
    }

    /// The largest value the tnum allows (unsigned).
    pub const fn umax(self) -> u64 {
        self.value | self.mask
    }

    /// Shift left by a known amount.
    pub const fn lshift(self, shift: u32) -> Tnum {
        Tnum {
            value: self.value.wrapping_shl(shift),
            mask: self.mask.wrapping_shl(shift),
        }
    }

    /// Logical shift right by a known amount.
    pub const fn rshift(self, shift: u32) -> Tnum {
        Tnum {
            value: self.value.wrapping_shr(shift),
            mask: self.mask.wrapping_shr(shift),
        }
    }

    /// Arithmetic shift right by a known amount, in `bits`-wide arithmetic (32 or 64).
    pub fn arshift(self, shift: u32, bits: u32) -> Tnum {
        if bits == 32 {
            Tnum {
                value: ((self.value as u32 as i32).wrapping_shr(shift)) as u32 as u64,
                mask: ((self.mask as u32 as i32).wrapping_shr(shift)) as u32 as u64,
            }
        } else {
            Tnum {
                value: ((self.value as i64).wrapping_shr(shift)) as u64,
                mask: ((self.mask as i64).wrapping_shr(shift)) as u64,
            }
        }
    }

    /// Sum, tracking carries through unknown bits.
    pub const fn add(self, other: Tnum) -> Tnum {
        let sm = self.mask.wrapping_add(other.mask);
        let sv = self.value.wrapping_add(other.value);
        let sigma = sm.wrapping_add(sv);
        let chi = sigma ^ sv;
        let mu = chi | self.mask | other.mask;
        Tnum {
            value: sv & !mu,
            mask: mu,
        }
    }

    /// Difference, tracking borrows through unknown bits.
    pub const fn sub(self, other: Tnum) -> Tnum {
        let dv = self.value.wrapping_sub(other.value);
        let alpha = dv.wrapping_add(self.mask);
        let beta = dv.wrapping_sub(other.mask);
        let chi = alpha ^ beta;
        let mu = chi | self.mask | other.mask;
        Tnum {
            value: dv & !mu,
            mask: mu,
        }
    }

    /// Two's complement negation.
    pub const fn neg(self) -> Tnum {
        Tnum::constant(0).sub(self)
    }

    /// Bitwise and.
    pub const fn and(self, other: Tnum) -> Tnum {
        let alpha = self.value | self.mask;
        let beta = other.value | other.mask;
        let v = self.value & other.value;
        Tnum {
            value: v,
            mask: alpha & beta & !v,
        }
    }

    /// Bitwise or.
    pub const fn or(self, other: Tnum) -> Tnum {
        let v = self.value | other.value;
        let mu = self.mask | other.mask;
        Tnum {
            value: v,
            mask: mu & !v,
        }
    }

    /// Bitwise exclusive or.
    pub const fn xor(self, other: Tnum) -> Tnum {
        let v = self.value ^ other.value;
        let mu = self.mask | other.mask;
        Tnum {
            value: v & !mu,
            mask: mu,
        }
    }

    /// Product: shift-and-add over the bits of `self`, one partial product per bit.
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, other: Tnum) -> Tnum {
        let mut a = self;
        let mut b = other;
        let acc_v = self.value.wrapping_mul(other.value);
        let mut acc_m = Tnum::constant(0);
        while a.value != 0 || a.mask != 0 {
            if a.value & 1 != 0 {
                acc_m = acc_m.add(Tnum {
                    value: 0,
                    mask: b.mask,
                });
            } else if a.mask & 1 != 0 {
                acc_m = acc_m.add(Tnum {
                    value: 0,
                    mask: b.value | b.mask,
                });
            }
            a = a.rshift(1);
            b = b.lshift(1);
        }
        Tnum::constant(acc_v).add(acc_m)
    }

    /// What both tnums know: each bit known in either one.
    pub const fn intersect(self, other: Tnum) -> Tnum {
        let v = self.value | other.value;
        let mu = self.mask & other.mask;
        Tnum {
            value: v & !mu,
            mask: mu,
        }
    }

    /// The union of both: a bit is known only when both know it and agree.
    pub const fn union(self, other: Tnum) -> Tnum {
        let v = self.value & other.value;
        let mu = (self.value ^ other.value) | self.mask | other.mask;
        Tnum {
            value: v & !mu,
            mask: mu,
        }
    }

    /// Truncated to the low `bytes` bytes.
    pub const fn cast(self, bytes: u32) -> Tnum {
        if bytes >= 8 {
            return self;
        }
        let m = (1u64 << (bytes * 8)) - 1;
        Tnum {
            value: self.value & m,
            mask: self.mask & m,
        }
    }

    /// The low 32 bits.
    pub const fn subreg(self) -> Tnum {
        self.cast(4)
    }

    /// The high 32 bits kept, the low 32 bits zeroed.
    pub const fn clear_subreg(self) -> Tnum {
        self.rshift(32).lshift(32)
    }

    /// The high 32 bits kept, the low 32 bits set to `v`.
    pub const fn with_subreg(self, v: u32) -> Tnum {
        self.clear_subreg().or(Tnum::constant(v as u64))
    }

    /// True when every value `other` allows is one `self` allows.
    pub const fn contains(self, other: Tnum) -> bool {
        if other.mask & !self.mask != 0 {
            return false;
        }
        self.value == other.value & !self.mask
    }

    /// True when `v` is one of the values allowed.
    pub const fn allows(self, v: u64) -> bool {
        v & !self.mask == self.value
    }
}

impl fmt::Display for Tnum {
    /// `(0x0; 0xff)`, as the kernel prints `var_off`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:#x}; {:#x})", self.value, self.mask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn range_covers_its_bounds() {
        let t = Tnum::range(0, 255);
        assert_eq!(
            t,
            Tnum {
                value: 0,
                mask: 0xff
            }
        );
        let t = Tnum::range(16, 19);
        assert!(t.allows(16) && t.allows(19));
        assert_eq!(Tnum::range(0, u64::MAX), Tnum::UNKNOWN);
    }

    #[test]
    fn add_propagates_unknown_carries() {
        let a = Tnum { value: 0, mask: 1 };
        let s = a.add(Tnum::constant(1));
        assert!(s.allows(1) && s.allows(2));
        assert_eq!(Tnum::constant(3).add(Tnum::constant(4)), Tnum::constant(7));
    }

    #[test]
    fn sub_and_mul_of_constants_are_exact() {
        assert_eq!(
            Tnum::constant(3).sub(Tnum::constant(5)),
            Tnum::constant(u64::MAX - 1)
        );
        assert_eq!(Tnum::constant(6).mul(Tnum::constant(7)), Tnum::constant(42));
        let m = Tnum::range(0, 3).mul(Tnum::constant(4));
        assert!(m.allows(12) && m.allows(0) && !m.allows(13));
    }

    #[test]
    fn bit_ops_and_containment() {
        let x = Tnum::UNKNOWN.and(Tnum::constant(0xff));
        assert_eq!(
            x,
            Tnum {
                value: 0,
                mask: 0xff
            }
        );
        assert!(x.contains(Tnum::constant(7)));
        assert!(!Tnum::constant(7).contains(x));
        assert_eq!(
            Tnum::constant(0xf0).or(Tnum::constant(0x0f)),
            Tnum::constant(0xff)
        );
        assert_eq!(
            Tnum::constant(0xff).xor(Tnum::constant(0x0f)),
            Tnum::constant(0xf0)
        );
        assert_eq!(format!("{}", x), "(0x0; 0xff)");
    }

    #[test]
    fn shifts_and_subregs() {
        assert_eq!(
            Tnum::constant(0x8000_0000).arshift(4, 32),
            Tnum::constant(0xf800_0000)
        );
        assert_eq!(
            Tnum::constant(1u64 << 63).arshift(63, 64),
            Tnum::constant(u64::MAX)
        );
        let t = Tnum::UNKNOWN.with_subreg(5);
        assert_eq!(t.subreg(), Tnum::constant(5));
    }
}
