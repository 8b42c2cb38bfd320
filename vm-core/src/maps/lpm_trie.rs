//! `BPF_MAP_TYPE_LPM_TRIE`: longest-prefix match, the map of firewalls and routing
//! tables. A key is `struct bpf_lpm_trie_key`: a little-endian `u32` prefix length
//! followed by `key_size - 4` data bytes (an address in network byte order).
//!
//! An update stores a prefix; a lookup finds the stored prefix that matches the
//! key's first bits and is the longest not longer than the key's prefix length;
//! a delete removes an exact prefix. Iteration follows the kernel's order: a
//! post-order walk of the trie (longer prefixes before the shorter ones they
//! extend, the 0-bit side before the 1-bit side).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;
use core::cmp::Ordering;

use super::{
    alloc_arena, check_len, check_update_flags, value_stride, Map, MapError, BPF_EXIST, BPF_NOEXIST,
};
use crate::program::MapDef;

/// Largest data part of a key, as in the kernel (`LPM_DATA_SIZE_MAX`).
pub const LPM_DATA_SIZE_MAX: u32 = 256;

/// An LPM trie.
#[derive(Clone, Debug)]
pub struct LpmTrie {
    def: MapDef,
    stride: usize,
    /// Each slot's prefix: length and the data as given (grows up to `max_entries`).
    slots: Vec<Option<(u32, Vec<u8>)>>,
    values: Vec<u8>,
}

/// Bit `i` (0 = most significant bit of byte 0) of `data`.
fn bit(data: &[u8], i: u32) -> bool {
    data.get((i / 8) as usize)
        .is_some_and(|b| b & (0x80 >> (i % 8)) != 0)
}

/// Whether the first `len` bits of `a` and `b` agree.
fn prefix_eq(a: &[u8], b: &[u8], len: u32) -> bool {
    (0..len).all(|i| bit(a, i) == bit(b, i))
}

/// The kernel's iteration order (post-order walk of the trie).
fn postorder(a: &(u32, Vec<u8>), b: &(u32, Vec<u8>)) -> Ordering {
    let common = a.0.min(b.0);
    for i in 0..common {
        match (bit(&a.1, i), bit(&b.1, i)) {
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            _ => {}
        }
    }
    // One extends the other: the longer (deeper) one comes first.
    b.0.cmp(&a.0)
}

impl LpmTrie {
    /// Creates the trie: `key_size` must be 4 + 1..=256 data bytes and
    /// `value_size`, `max_entries` non-zero (`EINVAL`). The kernel also insists
    /// on `BPF_F_NO_PREALLOC` in the flags; this VM does not.
    pub fn new(def: &MapDef) -> Result<LpmTrie, MapError> {
        let data = def.key_size.checked_sub(4).ok_or(MapError::Invalid)?;
        if data == 0 || data > LPM_DATA_SIZE_MAX || def.value_size == 0 || def.max_entries == 0 {
            return Err(MapError::Invalid);
        }
        let stride = value_stride(def.value_size);
        Ok(LpmTrie {
            def: def.clone(),
            stride,
            slots: Vec::new(),
            values: alloc_arena(def.max_entries as usize, stride)?,
        })
    }

    fn max_prefixlen(&self) -> u32 {
        (self.def.key_size - 4) * 8
    }

    /// Splits a key into prefix length and data.
    fn split<'k>(&self, key: &'k [u8]) -> Result<(u32, &'k [u8]), MapError> {
        check_len(&self.def, key)?;
        let (len, data) = key.split_first_chunk::<4>().ok_or(MapError::Invalid)?;
        Ok((u32::from_le_bytes(*len), data))
    }

    /// The slot holding exactly this prefix.
    fn exact(&self, prefixlen: u32, data: &[u8]) -> Option<usize> {
        self.slots.iter().position(|s| {
            s.as_ref()
                .is_some_and(|(l, d)| *l == prefixlen && prefix_eq(d, data, prefixlen))
        })
    }

    /// The slot of the longest stored prefix matching `data` within `prefixlen` bits.
    fn longest_match(&self, prefixlen: u32, data: &[u8]) -> Option<usize> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|(l, d)| (i, *l, d)))
            .filter(|(_, l, d)| *l <= prefixlen && prefix_eq(d, data, *l))
            .max_by_key(|(_, l, _)| *l)
            .map(|(i, _, _)| i)
    }

    fn key_of(&self, slot: &(u32, Vec<u8>)) -> Vec<u8> {
        let mut key = slot.0.to_le_bytes().to_vec();
        key.extend_from_slice(&slot.1);
        key
    }

    /// Stored prefixes in iteration order.
    fn ordered(&self) -> Vec<&(u32, Vec<u8>)> {
        let mut all: Vec<_> = self.slots.iter().flatten().collect();
        all.sort_by(|a, b| postorder(a, b));
        all
    }
}

impl Map for LpmTrie {
    fn def(&self) -> &MapDef {
        &self.def
    }

    fn lookup(&mut self, key: &[u8], _cpu: u32) -> Result<Option<usize>, MapError> {
        let (prefixlen, data) = self.split(key)?;
        let prefixlen = prefixlen.min(self.max_prefixlen());
        Ok(self.longest_match(prefixlen, data).map(|s| s * self.stride))
    }

    fn update(&mut self, key: &[u8], value: &[u8], flags: u64, _cpu: u32) -> Result<(), MapError> {
        check_update_flags(flags)?;
        let (prefixlen, data) = self.split(key)?;
        if prefixlen > self.max_prefixlen() || value.len() != self.def.value_size as usize {
            return Err(MapError::Invalid);
        }
        let slot = match self.exact(prefixlen, data) {
            Some(_) if flags == BPF_NOEXIST => return Err(MapError::Exists),
            Some(slot) => slot,
            None if flags == BPF_EXIST => return Err(MapError::NotFound),
            None => match self.slots.iter().position(Option::is_none) {
                Some(free) => free,
                None if self.slots.len() < self.def.max_entries as usize => {
                    self.slots.push(None);
                    self.slots.len() - 1
                }
                None => return Err(MapError::NoSpace),
            },
        };
        if let Some(s) = self.slots.get_mut(slot) {
            *s = Some((prefixlen, data.to_vec()));
        }
        let off = slot * self.stride;
        let dst = self
            .values
            .get_mut(off..off + self.stride)
            .ok_or(MapError::Invalid)?;
        dst.fill(0);
        dst.get_mut(..value.len())
            .ok_or(MapError::Invalid)?
            .copy_from_slice(value);
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), MapError> {
        let (prefixlen, data) = self.split(key)?;
        let slot = self.exact(prefixlen, data).ok_or(MapError::NotFound)?;
        if let Some(s) = self.slots.get_mut(slot) {
            *s = None;
        }
        Ok(())
    }

    fn next_key(&self, key: Option<&[u8]>) -> Result<Vec<u8>, MapError> {
        let ordered = self.ordered();
        let start = match key.map(|k| self.split(k)) {
            Some(Ok((len, data))) => ordered
                .iter()
                .position(|(l, d)| *l == len && prefix_eq(d, data, len))
                .map_or(0, |i| i + 1),
            Some(Err(e)) => return Err(e),
            None => 0,
        };
        ordered
            .get(start)
            .map(|s| self.key_of(s))
            .ok_or(MapError::NotFound)
    }

    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        let (prefixlen, data) = self.split(key)?;
        let slot = self
            .longest_match(prefixlen.min(self.max_prefixlen()), data)
            .ok_or(MapError::NotFound)?;
        let off = slot * self.stride;
        self.values
            .get(off..off + self.def.value_size as usize)
            .map(<[u8]>::to_vec)
            .ok_or(MapError::Invalid)
    }

    fn update_user(&mut self, key: &[u8], value: &[u8], flags: u64) -> Result<(), MapError> {
        self.update(key, value, flags, 0)
    }

    fn values(&self) -> &[u8] {
        &self.values
    }

    fn take_values(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.values)
    }

    fn restore_values(&mut self, values: Vec<u8>) {
        self.values = values;
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn clone_box(&self) -> Box<dyn Map> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maps::BPF_ANY;
    use crate::program::MapType;
    use alloc::string::String;
    use alloc::vec;

    fn trie(max_entries: u32) -> LpmTrie {
        LpmTrie::new(&MapDef {
            name: String::from("fw"),
            map_type: MapType::LpmTrie,
            key_size: 8,
            value_size: 4,
            max_entries,
            flags: 1,
            initial_value: None,
            initial_entries: Vec::new(),
        })
        .unwrap()
    }

    fn key(len: u32, ip: [u8; 4]) -> Vec<u8> {
        let mut k = len.to_le_bytes().to_vec();
        k.extend_from_slice(&ip);
        k
    }

    #[test]
    fn longest_prefix_wins() {
        let mut t = trie(4);
        t.update(&key(8, [10, 0, 0, 0]), &[8; 4], BPF_ANY, 0)
            .unwrap();
        t.update(&key(24, [10, 1, 2, 0]), &[24; 4], BPF_ANY, 0)
            .unwrap();
        t.update(&key(0, [0; 4]), &[0; 4], BPF_ANY, 0).unwrap();
        assert_eq!(t.lookup_user(&key(32, [10, 1, 2, 3])), Ok(vec![24; 4]));
        assert_eq!(t.lookup_user(&key(32, [10, 1, 3, 3])), Ok(vec![8; 4]));
        assert_eq!(t.lookup_user(&key(32, [11, 1, 3, 3])), Ok(vec![0; 4]));
        // The key's own prefix length bounds the match.
        assert_eq!(t.lookup_user(&key(16, [10, 1, 2, 3])), Ok(vec![8; 4]));
        t.delete(&key(0, [0; 4])).unwrap();
        assert_eq!(
            t.lookup_user(&key(32, [11, 1, 3, 3])),
            Err(MapError::NotFound)
        );
        assert_eq!(t.lookup(&key(32, [11, 1, 3, 3]), 0), Ok(None));
    }

    #[test]
    fn kernel_errors() {
        let mut t = trie(2);
        assert_eq!(
            t.update(&key(33, [0; 4]), &[0; 4], BPF_ANY, 0),
            Err(MapError::Invalid)
        );
        t.update(&key(16, [192, 168, 0, 0]), &[1; 4], BPF_ANY, 0)
            .unwrap();
        // Bits past the prefix length do not make a new prefix.
        assert_eq!(
            t.update(&key(16, [192, 168, 9, 9]), &[2; 4], BPF_NOEXIST, 0),
            Err(MapError::Exists)
        );
        assert_eq!(
            t.update(&key(17, [192, 168, 0, 0]), &[2; 4], BPF_EXIST, 0),
            Err(MapError::NotFound)
        );
        t.update(&key(17, [192, 168, 0, 0]), &[2; 4], BPF_ANY, 0)
            .unwrap();
        assert_eq!(
            t.update(&key(18, [192, 168, 0, 0]), &[3; 4], BPF_ANY, 0),
            Err(MapError::NoSpace)
        );
        assert_eq!(
            t.delete(&key(15, [192, 168, 0, 0])),
            Err(MapError::NotFound)
        );
        assert!(LpmTrie::new(&MapDef {
            key_size: 4,
            ..t.def.clone()
        })
        .is_err());
    }

    #[test]
    fn iteration_is_post_order() {
        let mut t = trie(8);
        for (len, ip) in [
            (8, [10, 0, 0, 0]),
            (16, [10, 128, 0, 0]),
            (16, [10, 0, 0, 0]),
            (1, [0; 4]),
        ] {
            t.update(&key(len, ip), &[0; 4], BPF_ANY, 0).unwrap();
        }
        let mut seen = Vec::new();
        let mut k = None;
        while let Ok(next) = t.next_key(k.as_deref()) {
            seen.push((
                u32::from_le_bytes([next[0], next[1], next[2], next[3]]),
                next[5],
            ));
            k = Some(next);
        }
        assert_eq!(seen, vec![(16, 0), (16, 128), (8, 0), (1, 0)]);
    }
}
