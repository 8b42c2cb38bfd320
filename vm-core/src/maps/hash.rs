//! `BPF_MAP_TYPE_HASH`, `BPF_MAP_TYPE_PERCPU_HASH` and `BPF_MAP_TYPE_LRU_HASH`:
//! up to `max_entries` elements keyed by `key_size` bytes.
//!
//! Elements live in preallocated slots (as the kernel preallocates them): a
//! table maps each key to its slot, and the slot's value sits in the arena.
//! A full hash map refuses new keys with `E2BIG`; a full LRU hash evicts the
//! least recently used element (looked up or updated last the longest ago).
//! The kernel's LRU is approximate (per-CPU lists); this one is exact.
//! Iteration (`get_next_key`) goes in slot order, which is deterministic.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;
use core::hash::{BuildHasher, Hasher};

use super::{
    alloc_arena, check_len, check_update_flags, value_stride, Map, MapError, BPF_EXIST, BPF_NOEXIST,
};
use crate::program::MapDef;

/// FNV-1a: a fixed, seedless hash so that every run behaves the same.
#[derive(Clone, Copy, Debug, Default)]
pub struct FnvBuildHasher;

/// The hasher [`FnvBuildHasher`] builds.
#[derive(Clone, Copy, Debug)]
pub struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl BuildHasher for FnvBuildHasher {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

/// A hash map; `ncpus > 1` makes it per-CPU, `lru` makes it evict when full.
#[derive(Clone, Debug)]
pub struct HashMap {
    def: MapDef,
    ncpus: u32,
    lru: bool,
    stride: usize,
    index: hashbrown::HashMap<Vec<u8>, u32, FnvBuildHasher>,
    /// The key held by each slot used so far (grows up to `max_entries`).
    keys: Vec<Option<Vec<u8>>>,
    /// Slots freed by deletes; the next one reused is at the end.
    free: Vec<u32>,
    /// When each slot was last used (LRU only).
    used: Vec<u64>,
    clock: u64,
    values: Vec<u8>,
}

impl HashMap {
    /// Creates the map: `key_size` 1..=512 and `value_size`, `max_entries` non-zero
    /// (`EINVAL`, `E2BIG` for larger keys).
    pub fn new(def: &MapDef, ncpus: u32, lru: bool) -> Result<HashMap, MapError> {
        if def.key_size == 0 || def.value_size == 0 || def.max_entries == 0 {
            return Err(MapError::Invalid);
        }
        if def.key_size > 512 {
            return Err(MapError::TooBig);
        }
        let ncpus = ncpus.max(1);
        let stride = value_stride(def.value_size);
        let slots = def.max_entries as usize;
        let values = alloc_arena(
            slots
                .checked_mul(ncpus as usize)
                .ok_or(MapError::NoMemory)?,
            stride,
        )?;
        Ok(HashMap {
            def: def.clone(),
            ncpus,
            lru,
            stride,
            index: hashbrown::HashMap::with_hasher(FnvBuildHasher),
            keys: Vec::new(),
            free: Vec::new(),
            used: Vec::new(),
            clock: 0,
            values,
        })
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the map has no elements.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    fn slot_offset(&self, slot: u32, cpu: u32) -> usize {
        (slot as usize * self.ncpus as usize + cpu.min(self.ncpus - 1) as usize) * self.stride
    }

    fn touch(&mut self, slot: u32) {
        if self.lru {
            self.clock = self.clock.wrapping_add(1);
            if let Some(u) = self.used.get_mut(slot as usize) {
                *u = self.clock;
            }
        }
    }

    /// A slot for a new key: a free one, or (LRU) the least recently used one.
    fn allocate(&mut self) -> Result<u32, MapError> {
        if let Some(slot) = self.free.pop() {
            return Ok(slot);
        }
        if self.keys.len() < self.def.max_entries as usize {
            self.keys.push(None);
            if self.lru {
                self.used.push(0);
            }
            return Ok((self.keys.len() - 1) as u32);
        }
        if !self.lru {
            return Err(MapError::TooBig);
        }
        let victim = (0..self.keys.len())
            .filter(|s| self.keys.get(*s).is_some_and(Option::is_some))
            .min_by_key(|s| self.used.get(*s).copied().unwrap_or(0))
            .ok_or(MapError::TooBig)?;
        let slot = victim as u32;
        if let Some(key) = self.keys.get_mut(victim).and_then(Option::take) {
            self.index.remove(&key);
        }
        Ok(slot)
    }

    fn fill(&mut self, off: usize, len: usize, value: Option<&[u8]>) -> Result<(), MapError> {
        let dst = self
            .values
            .get_mut(off..off + len)
            .ok_or(MapError::Invalid)?;
        match value {
            Some(v) if v.len() == len => dst.copy_from_slice(v),
            Some(v) => {
                dst.fill(0);
                dst.get_mut(..v.len())
                    .ok_or(MapError::Invalid)?
                    .copy_from_slice(v);
            }
            None => dst.fill(0),
        }
        Ok(())
    }

    /// Finds or creates the slot of `key` under `flags`.
    fn slot_for_update(&mut self, key: &[u8], flags: u64) -> Result<(u32, bool), MapError> {
        check_update_flags(flags)?;
        check_len(&self.def, key)?;
        match self.index.get(key) {
            Some(_) if flags == BPF_NOEXIST => Err(MapError::Exists),
            Some(slot) => Ok((*slot, false)),
            None if flags == BPF_EXIST => Err(MapError::NotFound),
            None => {
                let slot = self.allocate()?;
                if let Some(k) = self.keys.get_mut(slot as usize) {
                    *k = Some(key.to_vec());
                }
                self.index.insert(key.to_vec(), slot);
                Ok((slot, true))
            }
        }
    }
}

impl Map for HashMap {
    fn def(&self) -> &MapDef {
        &self.def
    }

    fn lookup(&mut self, key: &[u8], cpu: u32) -> Result<Option<usize>, MapError> {
        check_len(&self.def, key)?;
        let Some(slot) = self.index.get(key).copied() else {
            return Ok(None);
        };
        self.touch(slot);
        Ok(Some(self.slot_offset(slot, cpu)))
    }

    /// A new per-CPU element gets `value` on CPU `cpu` and zeroes on the others,
    /// as the kernel does for updates from a program.
    fn update(&mut self, key: &[u8], value: &[u8], flags: u64, cpu: u32) -> Result<(), MapError> {
        if value.len() != self.def.value_size as usize {
            return Err(MapError::Invalid);
        }
        let (slot, new) = self.slot_for_update(key, flags)?;
        self.touch(slot);
        if new {
            for c in 0..self.ncpus {
                let off = self.slot_offset(slot, c);
                let v = (c == cpu.min(self.ncpus - 1)).then_some(value);
                self.fill(off, self.stride, v)?;
            }
            Ok(())
        } else {
            let off = self.slot_offset(slot, cpu);
            self.fill(off, value.len(), Some(value))
        }
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), MapError> {
        check_len(&self.def, key)?;
        let slot = self.index.remove(key).ok_or(MapError::NotFound)?;
        if let Some(k) = self.keys.get_mut(slot as usize) {
            *k = None;
        }
        self.free.push(slot);
        Ok(())
    }

    fn next_key(&self, key: Option<&[u8]>) -> Result<Vec<u8>, MapError> {
        let start = key
            .and_then(|k| self.index.get(k))
            .map_or(0, |slot| *slot as usize + 1);
        self.keys
            .iter()
            .skip(start)
            .find_map(|k| k.clone())
            .ok_or(MapError::NotFound)
    }

    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        check_len(&self.def, key)?;
        let slot = *self.index.get(key).ok_or(MapError::NotFound)?;
        let start = self.slot_offset(slot, 0);
        let len = if self.ncpus > 1 {
            self.stride * self.ncpus as usize
        } else {
            self.def.value_size as usize
        };
        self.values
            .get(start..start + len)
            .map(<[u8]>::to_vec)
            .ok_or(MapError::Invalid)
    }

    fn update_user(&mut self, key: &[u8], value: &[u8], flags: u64) -> Result<(), MapError> {
        if self.ncpus == 1 {
            return self.update(key, value, flags, 0);
        }
        if value.len() != self.stride * self.ncpus as usize {
            return Err(MapError::Invalid);
        }
        let (slot, _) = self.slot_for_update(key, flags)?;
        let off = self.slot_offset(slot, 0);
        self.fill(off, value.len(), Some(value))
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

    fn def(map_type: MapType, max_entries: u32) -> MapDef {
        MapDef {
            name: String::from("h"),
            map_type,
            key_size: 4,
            value_size: 4,
            max_entries,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        }
    }
    fn k(i: u32) -> [u8; 4] {
        i.to_le_bytes()
    }

    #[test]
    fn flags_and_capacity() {
        let mut h = HashMap::new(&def(MapType::Hash, 2), 1, false).unwrap();
        assert_eq!(
            h.update(&k(1), &[1; 4], BPF_EXIST, 0),
            Err(MapError::NotFound)
        );
        assert_eq!(h.update(&k(1), &[1; 4], BPF_NOEXIST, 0), Ok(()));
        assert_eq!(
            h.update(&k(1), &[2; 4], BPF_NOEXIST, 0),
            Err(MapError::Exists)
        );
        assert_eq!(h.update(&k(1), &[2; 4], BPF_EXIST, 0), Ok(()));
        assert_eq!(h.update(&k(2), &[3; 4], BPF_ANY, 0), Ok(()));
        assert_eq!(h.update(&k(3), &[3; 4], BPF_ANY, 0), Err(MapError::TooBig));
        assert_eq!(h.update(&k(2), &[4; 4], BPF_ANY, 0), Ok(()));
        assert_eq!(h.update(&k(2), &[4; 4], 7, 0), Err(MapError::Invalid));
        assert_eq!(
            h.update(&[0; 3], &[4; 4], BPF_ANY, 0),
            Err(MapError::Invalid)
        );
        assert_eq!(h.lookup_user(&k(1)), Ok(vec![2; 4]));
        assert_eq!(h.delete(&k(1)), Ok(()));
        assert_eq!(h.delete(&k(1)), Err(MapError::NotFound));
        assert_eq!(h.update(&k(3), &[3; 4], BPF_ANY, 0), Ok(()));
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn lookup_points_at_the_value_in_place() {
        let mut h = HashMap::new(&def(MapType::Hash, 4), 1, false).unwrap();
        h.update(&k(5), &[5; 4], BPF_ANY, 0).unwrap();
        let off = h.lookup(&k(5), 0).unwrap().unwrap();
        let mut arena = h.take_values();
        arena[off] = 99;
        h.restore_values(arena);
        assert_eq!(h.lookup_user(&k(5)), Ok(vec![99, 5, 5, 5]));
        assert_eq!(h.lookup(&k(6), 0), Ok(None));
    }

    #[test]
    fn iteration_visits_every_key_once() {
        let mut h = HashMap::new(&def(MapType::Hash, 8), 1, false).unwrap();
        for i in [4, 9, 2] {
            h.update(&k(i), &[0; 4], BPF_ANY, 0).unwrap();
        }
        h.delete(&k(9)).unwrap();
        h.update(&k(7), &[0; 4], BPF_ANY, 0).unwrap();
        let mut seen = Vec::new();
        let mut key = None;
        while let Ok(next) = h.next_key(key.as_deref()) {
            seen.push(next.clone());
            key = Some(next);
        }
        seen.sort();
        assert_eq!(seen, vec![k(2).to_vec(), k(4).to_vec(), k(7).to_vec()]);
        assert_eq!(h.next_key(Some(&k(100))), h.next_key(None));
    }

    #[test]
    fn lru_evicts_the_least_recently_used() {
        let mut h = HashMap::new(&def(MapType::LruHash, 2), 1, true).unwrap();
        h.update(&k(1), &[1; 4], BPF_ANY, 0).unwrap();
        h.update(&k(2), &[2; 4], BPF_ANY, 0).unwrap();
        assert!(h.lookup(&k(1), 0).unwrap().is_some());
        h.update(&k(3), &[3; 4], BPF_ANY, 0).unwrap();
        assert_eq!(h.lookup_user(&k(2)), Err(MapError::NotFound));
        assert_eq!(h.lookup_user(&k(1)), Ok(vec![1; 4]));
        assert_eq!(h.lookup_user(&k(3)), Ok(vec![3; 4]));
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn percpu_new_element_zeroes_other_cpus() {
        let mut h = HashMap::new(&def(MapType::PercpuHash, 2), 2, false).unwrap();
        h.update(&k(1), &[7; 4], BPF_ANY, 1).unwrap();
        assert_eq!(
            h.lookup_user(&k(1)),
            Ok(vec![0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 7, 7, 0, 0, 0, 0])
        );
        h.update(&k(1), &[3; 4], BPF_ANY, 0).unwrap();
        assert_eq!(h.lookup_user(&k(1)).unwrap()[..4], [3; 4]);
        assert_eq!(h.lookup(&k(1), 1), Ok(Some(8)));
    }
}
