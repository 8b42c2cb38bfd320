//! Stack slots: the verifier's view of each frame's 512 bytes, per byte, the
//! way the kernel keeps `bpf_stack_state` (8-byte slots, each byte
//! uninitialised, part of a spilled register, some data, or known zero).

use core::fmt;

use super::reg::RegState;

/// The size of one stack frame (`MAX_BPF_STACK`).
pub const MAX_BPF_STACK: usize = 512;
/// Bytes per slot (`BPF_REG_SIZE`).
pub const SLOT_SIZE: usize = 8;
/// Slots per frame.
pub const SLOTS: usize = MAX_BPF_STACK / SLOT_SIZE;

/// What one stack byte holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotType {
    /// Never written (`?`).
    Invalid,
    /// Part of a spilled register (`r`); the register is the slot's `spilled`.
    Spill,
    /// Some data (`m`).
    Misc,
    /// Known zero (`0`).
    Zero,
}

impl SlotType {
    /// The kernel's one-letter code.
    pub const fn letter(self) -> char {
        match self {
            SlotType::Invalid => '?',
            SlotType::Spill => 'r',
            SlotType::Misc => 'm',
            SlotType::Zero => '0',
        }
    }
}

/// One 8-byte slot. `types[7]` is the byte at the slot's lowest address, as in
/// the kernel (a byte at `fp+off` has index `(-off - 1) % 8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StackSlot {
    /// Per-byte contents.
    pub types: [SlotType; SLOT_SIZE],
    /// The register spilled here, when `types[7]` is `Spill`.
    pub spilled: RegState,
}

impl StackSlot {
    /// A slot never written.
    pub const EMPTY: StackSlot = StackSlot {
        types: [SlotType::Invalid; SLOT_SIZE],
        spilled: RegState::NOT_INIT,
    };

    /// True when a register (or part of one) is spilled here.
    pub fn is_spill(&self) -> bool {
        self.types[SLOT_SIZE - 1] == SlotType::Spill
    }

    /// Number of bytes of the spill (8 for a full register spill).
    pub fn spill_size(&self) -> usize {
        self.types
            .iter()
            .rev()
            .take_while(|t| **t == SlotType::Spill)
            .count()
    }

    /// True when nothing was ever written.
    pub fn is_empty(&self) -> bool {
        self.types.iter().all(|t| *t == SlotType::Invalid)
    }
}

/// One frame's stack: slots allocated as the program touches deeper offsets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct StackState {
    /// Slot `i` covers `fp-8*(i+1)` up to `fp-8*i-1`.
    pub slots: alloc::vec::Vec<StackSlot>,
}

impl StackState {
    /// The bytes used (the kernel's `allocated_stack`), a multiple of 8.
    pub fn allocated(&self) -> usize {
        self.slots.len() * SLOT_SIZE
    }

    /// Makes sure the slots covering `fp+off` (negative) exist.
    pub fn grow(&mut self, off: i32) {
        let needed = ((-(off as i64)) as usize).div_ceil(SLOT_SIZE).min(SLOTS);
        if self.slots.len() < needed {
            self.slots.resize(needed, StackSlot::EMPTY);
        }
    }

    /// The slot index and byte index of `fp+off`, if inside the frame.
    pub fn locate(off: i32) -> Option<(usize, usize)> {
        if !(-(MAX_BPF_STACK as i32)..0).contains(&off) {
            return None;
        }
        let slot = (-off - 1) as usize;
        Some((slot / SLOT_SIZE, slot % SLOT_SIZE))
    }

    /// The type of the byte at `fp+off`, `Invalid` when never allocated.
    pub fn byte(&self, off: i32) -> SlotType {
        match StackState::locate(off) {
            Some((spi, idx)) => self
                .slots
                .get(spi)
                .map(|s| s.types[idx])
                .unwrap_or(SlotType::Invalid),
            None => SlotType::Invalid,
        }
    }

    /// Sets the byte at `fp+off`.
    pub fn set_byte(&mut self, off: i32, t: SlotType) {
        if let Some((spi, idx)) = StackState::locate(off) {
            self.grow(off);
            if let Some(s) = self.slots.get_mut(spi) {
                s.types[idx] = t;
            }
        }
    }

    /// The slot holding `fp+off`.
    pub fn slot(&self, off: i32) -> Option<&StackSlot> {
        StackState::locate(off).and_then(|(spi, _)| self.slots.get(spi))
    }

    /// The slot holding `fp+off`, allocated if needed.
    pub fn slot_mut(&mut self, off: i32) -> Option<&mut StackSlot> {
        let (spi, _) = StackState::locate(off)?;
        self.grow(off);
        self.slots.get_mut(spi)
    }
}

/// A slot formatted as the kernel's log does (`fp-8=mmmmmmmm`, `fp-16=ctx()`).
pub struct SlotDisplay<'a> {
    /// The slot.
    pub slot: &'a StackSlot,
    /// The program's maps (for `map_value(...)` spills).
    pub maps: &'a [crate::program::MapDef],
    /// The frame the slot belongs to.
    pub frameno: u8,
}

impl fmt::Display for SlotDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.slot.is_spill() {
            for t in self.slot.types.iter() {
                if *t == SlotType::Spill {
                    break;
                }
                write!(f, "{}", t.letter())?;
            }
            write!(f, "{}", self.slot.spilled.display(self.maps, self.frameno))
        } else {
            for t in self.slot.types.iter() {
                write!(f, "{}", t.letter())?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn bytes_are_indexed_like_the_kernel() {
        let mut s = StackState::default();
        for off in -12..-8 {
            s.set_byte(off, SlotType::Misc);
        }
        assert_eq!(s.allocated(), 16);
        let d = SlotDisplay {
            slot: &s.slots[1],
            maps: &[],
            frameno: 0,
        };
        assert_eq!(d.to_string(), "mmmm????");
        assert_eq!(StackState::locate(-8), Some((0, 7)));
        assert_eq!(StackState::locate(-1), Some((0, 0)));
        assert_eq!(StackState::locate(0), None);
        assert_eq!(StackState::locate(-513), None);
    }
}
