//! `BPF_MAP_TYPE_STACK_TRACE`: call stacks recorded by `bpf_get_stackid`, keyed
//! by a `u32` stack id; a value is up to `value_size / 8` instruction pointers
//! (`u64`), innermost first, zero-padded.
//!
//! As in the kernel, the map has `max_entries` rounded up to a power of two
//! buckets and a stack's id is its hash masked to a bucket; a different stack
//! already in that bucket makes `bpf_get_stackid` fail with `EEXIST` unless
//! `BPF_F_REUSE_STACKID` is set.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::any::Any;
use core::hash::{BuildHasher, Hasher};

use super::hash::FnvBuildHasher;
use super::{key_u32, Map, MapError};
use crate::program::MapDef;

/// Most frames a stack may hold (`sysctl kernel.perf_event_max_stack`).
pub const MAX_STACK_DEPTH: u32 = 127;
/// Low 8 bits of the flags: frames to skip.
pub const BPF_F_SKIP_FIELD_MASK: u64 = 0xff;
/// Record the user-space stack instead of the kernel one.
pub const BPF_F_USER_STACK: u64 = 1 << 8;
/// Compare stacks by hash only.
pub const BPF_F_FAST_STACK_CMP: u64 = 1 << 9;
/// Replace a different stack in the same bucket.
pub const BPF_F_REUSE_STACKID: u64 = 1 << 10;

/// A stack trace map.
#[derive(Clone, Debug)]
pub struct StackTraceMap {
    def: MapDef,
    /// `max_entries` rounded up to a power of two.
    n_buckets: u32,
    /// Filled buckets only.
    buckets: BTreeMap<u32, Vec<u64>>,
}

impl StackTraceMap {
    /// Creates the map: `key_size` 4, `value_size` a non-zero multiple of 8 of
    /// at most 127 frames (`perf_event_max_stack`), `max_entries` non-zero and at
    /// most 2^31 (`EINVAL`).
    pub fn new(def: &MapDef) -> Result<StackTraceMap, MapError> {
        if def.key_size != 4
            || def.value_size == 0
            || def.value_size % 8 != 0
            || def.max_entries == 0
            || def.value_size / 8 > MAX_STACK_DEPTH
            || def.max_entries > 1 << 31
        {
            return Err(MapError::Invalid);
        }
        Ok(StackTraceMap {
            def: def.clone(),
            n_buckets: def.max_entries.next_power_of_two(),
            buckets: BTreeMap::new(),
        })
    }

    /// Records `stack` (innermost frame first, already the user or kernel stack
    /// as `flags` asks) and returns its id, as `bpf_get_stackid` does.
    pub fn get_stackid(&mut self, stack: &[u64], flags: u64) -> Result<u32, MapError> {
        if flags
            & !(BPF_F_SKIP_FIELD_MASK
                | BPF_F_USER_STACK
                | BPF_F_FAST_STACK_CMP
                | BPF_F_REUSE_STACKID)
            != 0
        {
            return Err(MapError::Invalid);
        }
        let skip = (flags & BPF_F_SKIP_FIELD_MASK) as usize;
        let depth = (self.def.value_size / 8) as usize;
        let ips: Vec<u64> = stack.iter().skip(skip).take(depth).copied().collect();
        if ips.is_empty() {
            return Err(MapError::Fault);
        }
        let mut h = FnvBuildHasher.build_hasher();
        for ip in &ips {
            h.write(&ip.to_le_bytes());
        }
        let id = (h.finish() as u32) & (self.n_buckets - 1);
        match self.buckets.get(&id) {
            Some(old) if *old == ips => {}
            Some(_) if flags & BPF_F_REUSE_STACKID == 0 => return Err(MapError::Exists),
            _ => {
                self.buckets.insert(id, ips);
            }
        }
        Ok(id)
    }

    /// The frames recorded under `id`.
    pub fn stack(&self, id: u32) -> Option<&[u64]> {
        self.buckets.get(&id).map(Vec::as_slice)
    }
}

impl Map for StackTraceMap {
    fn def(&self) -> &MapDef {
        &self.def
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), MapError> {
        self.buckets
            .remove(&key_u32(key)?)
            .map(|_| ())
            .ok_or(MapError::NotFound)
    }

    fn next_key(&self, key: Option<&[u8]>) -> Result<Vec<u8>, MapError> {
        let start = match key {
            Some(k) => match key_u32(k)? {
                id if id < self.n_buckets => id.saturating_add(1),
                _ => 0,
            },
            None => 0,
        };
        self.buckets
            .range(start..)
            .next()
            .map(|(id, _)| id.to_le_bytes().to_vec())
            .ok_or(MapError::NotFound)
    }

    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        let ips = self.stack(key_u32(key)?).ok_or(MapError::NotFound)?;
        let mut out = alloc::vec![0u8; self.def.value_size as usize];
        for (chunk, ip) in out.chunks_exact_mut(8).zip(ips) {
            chunk.copy_from_slice(&ip.to_le_bytes());
        }
        Ok(out)
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
    use crate::program::MapType;
    use alloc::string::String;

    fn map(max_entries: u32) -> StackTraceMap {
        StackTraceMap::new(&MapDef {
            name: String::from("stacks"),
            map_type: MapType::StackTrace,
            key_size: 4,
            value_size: 16,
            max_entries,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        })
        .unwrap()
    }

    #[test]
    fn same_stack_same_id() {
        let mut m = map(1024);
        let a = m.get_stackid(&[1, 2, 3], 0).unwrap();
        assert_eq!(m.get_stackid(&[1, 2, 3], 0), Ok(a));
        assert_eq!(
            m.stack(a),
            Some(&[1u64, 2][..]),
            "truncated to value_size / 8"
        );
        assert_eq!(m.lookup_user(&a.to_le_bytes()).unwrap()[8], 2);
        let b = m.get_stackid(&[9, 1, 2, 3], 1).unwrap();
        assert_eq!(a, b, "skipping one frame gives the same stack");
        assert_eq!(m.get_stackid(&[1], 1), Err(MapError::Fault));
        assert_eq!(m.get_stackid(&[1], 1 << 12), Err(MapError::Invalid));
        assert_eq!(m.next_key(None), Ok(a.to_le_bytes().to_vec()));
        assert_eq!(m.next_key(Some(&a.to_le_bytes())), Err(MapError::NotFound));
    }

    #[test]
    fn collisions_need_reuse() {
        let mut m = map(1);
        let a = m.get_stackid(&[1], 0).unwrap();
        assert_eq!(m.get_stackid(&[2], 0), Err(MapError::Exists));
        assert_eq!(m.get_stackid(&[2], BPF_F_REUSE_STACKID), Ok(a));
        assert_eq!(m.stack(a), Some(&[2u64][..]));
        m.delete(&a.to_le_bytes()).unwrap();
        assert_eq!(m.lookup_user(&a.to_le_bytes()), Err(MapError::NotFound));
    }
}
