//! `BPF_MAP_TYPE_ARRAY` and `BPF_MAP_TYPE_PERCPU_ARRAY`: `max_entries` values
//! indexed by a `u32` key, all present from creation (zeroed), never deleted.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;

use super::{alloc_arena, check_update_flags, key_u32, value_stride, Map, MapError, BPF_NOEXIST};
use crate::program::MapDef;

/// An array map; `ncpus > 1` makes it a per-CPU array.
#[derive(Clone, Debug)]
pub struct ArrayMap {
    def: MapDef,
    ncpus: u32,
    stride: usize,
    values: Vec<u8>,
}

impl ArrayMap {
    /// Creates the map: `key_size` must be 4 and `value_size`, `max_entries` non-zero
    /// (`EINVAL`). An `initial_value` (ELF `.data`) fills element 0.
    pub fn new(def: &MapDef, ncpus: u32) -> Result<ArrayMap, MapError> {
        if def.key_size != 4 || def.value_size == 0 || def.max_entries == 0 {
            return Err(MapError::Invalid);
        }
        let ncpus = ncpus.max(1);
        if ncpus > 1 && def.value_size > 32 * 1024 {
            return Err(MapError::TooBig);
        }
        let stride = value_stride(def.value_size);
        let slots = (def.max_entries as usize)
            .checked_mul(ncpus as usize)
            .ok_or(MapError::NoMemory)?;
        let mut values = alloc_arena(slots, stride)?;
        if let Some(init) = &def.initial_value {
            let n = init.len().min(def.value_size as usize);
            for cpu in 0..ncpus as usize {
                if let (Some(dst), Some(src)) = (
                    values.get_mut(cpu * stride..cpu * stride + n),
                    init.get(..n),
                ) {
                    dst.copy_from_slice(src);
                }
            }
        }
        Ok(ArrayMap {
            def: def.clone(),
            ncpus,
            stride,
            values,
        })
    }

    /// Simulated CPUs (1 for a plain array).
    pub fn ncpus(&self) -> u32 {
        self.ncpus
    }

    fn offset(&self, index: u32, cpu: u32) -> usize {
        (index as usize * self.ncpus as usize + cpu.min(self.ncpus - 1) as usize) * self.stride
    }

    fn index(&self, key: &[u8]) -> Result<Option<u32>, MapError> {
        let index = key_u32(key)?;
        Ok((index < self.def.max_entries).then_some(index))
    }

    fn write(&mut self, off: usize, value: &[u8]) -> Result<(), MapError> {
        self.values
            .get_mut(off..off + value.len())
            .ok_or(MapError::Invalid)?
            .copy_from_slice(value);
        Ok(())
    }
}

impl Map for ArrayMap {
    fn def(&self) -> &MapDef {
        &self.def
    }

    fn lookup(&mut self, key: &[u8], cpu: u32) -> Result<Option<usize>, MapError> {
        Ok(self.index(key)?.map(|i| self.offset(i, cpu)))
    }

    fn update(&mut self, key: &[u8], value: &[u8], flags: u64, cpu: u32) -> Result<(), MapError> {
        check_update_flags(flags)?;
        if value.len() != self.def.value_size as usize {
            return Err(MapError::Invalid);
        }
        let index = self.index(key)?.ok_or(MapError::TooBig)?;
        if flags == BPF_NOEXIST {
            return Err(MapError::Exists);
        }
        self.write(self.offset(index, cpu), value)
    }

    /// Array elements cannot be deleted: `EINVAL`, as in the kernel.
    fn delete(&mut self, key: &[u8]) -> Result<(), MapError> {
        key_u32(key)?;
        Err(MapError::Invalid)
    }

    fn next_key(&self, key: Option<&[u8]>) -> Result<Vec<u8>, MapError> {
        let next = match key {
            None => 0,
            Some(k) => match key_u32(k)? {
                i if i >= self.def.max_entries => 0,
                i if i + 1 == self.def.max_entries => return Err(MapError::NotFound),
                i => i + 1,
            },
        };
        Ok(next.to_le_bytes().to_vec())
    }

    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        let index = self.index(key)?.ok_or(MapError::NotFound)?;
        let start = self.offset(index, 0);
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
        check_update_flags(flags)?;
        if value.len() != self.stride * self.ncpus as usize {
            return Err(MapError::Invalid);
        }
        let index = self.index(key)?.ok_or(MapError::TooBig)?;
        if flags == BPF_NOEXIST {
            return Err(MapError::Exists);
        }
        self.write(self.offset(index, 0), value)
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
    use crate::maps::{BPF_ANY, BPF_EXIST, BPF_F_LOCK};
    use crate::program::MapType;
    use alloc::string::String;
    use alloc::vec;

    fn def(map_type: MapType, value_size: u32, max_entries: u32) -> MapDef {
        MapDef {
            name: String::from("a"),
            map_type,
            key_size: 4,
            value_size,
            max_entries,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        }
    }

    #[test]
    fn creation_checks_sizes() {
        assert!(ArrayMap::new(&def(MapType::Array, 0, 1), 1).is_err());
        assert!(ArrayMap::new(&def(MapType::Array, 4, 0), 1).is_err());
        let mut d = def(MapType::Array, 4, 1);
        d.key_size = 8;
        assert_eq!(ArrayMap::new(&d, 1).err(), Some(MapError::Invalid));
        assert_eq!(
            ArrayMap::new(&def(MapType::Array, 1 << 20, 1 << 20), 1).err(),
            Some(MapError::NoMemory)
        );
    }

    #[test]
    fn kernel_semantics() {
        let mut a = ArrayMap::new(&def(MapType::Array, 4, 3), 1).unwrap();
        let k = |i: u32| i.to_le_bytes();
        assert_eq!(a.lookup_user(&k(2)), Ok(vec![0; 4]));
        assert_eq!(a.lookup_user(&k(3)), Err(MapError::NotFound));
        assert_eq!(a.lookup(&k(3), 0), Ok(None));
        assert_eq!(
            a.update(&k(1), &[1, 2, 3, 4], BPF_NOEXIST, 0),
            Err(MapError::Exists)
        );
        assert_eq!(a.update(&k(1), &[1, 2, 3, 4], BPF_EXIST, 0), Ok(()));
        assert_eq!(
            a.update(&k(3), &[1, 2, 3, 4], BPF_ANY, 0),
            Err(MapError::TooBig)
        );
        assert_eq!(
            a.update(&k(1), &[1, 2, 3, 4], BPF_F_LOCK, 0),
            Err(MapError::Invalid)
        );
        assert_eq!(a.update(&k(1), &[1, 2, 3, 4], 3, 0), Err(MapError::Invalid));
        assert_eq!(a.delete(&k(1)), Err(MapError::Invalid));
        let off = a.lookup(&k(1), 0).unwrap().unwrap();
        assert_eq!(off, 8);
        assert_eq!(&a.values()[off..off + 4], &[1, 2, 3, 4]);
        assert_eq!(a.next_key(None), Ok(k(0).to_vec()));
        assert_eq!(a.next_key(Some(&k(1))), Ok(k(2).to_vec()));
        assert_eq!(a.next_key(Some(&k(2))), Err(MapError::NotFound));
        assert_eq!(a.next_key(Some(&k(9))), Ok(k(0).to_vec()));
    }

    #[test]
    fn percpu_copies_are_separate() {
        let mut a = ArrayMap::new(&def(MapType::PercpuArray, 4, 2), 3).unwrap();
        let key = 1u32.to_le_bytes();
        a.update(&key, &[9, 0, 0, 0], BPF_ANY, 2).unwrap();
        a.update(&key, &[5, 0, 0, 0], BPF_ANY, 0).unwrap();
        assert_eq!(a.lookup(&key, 2), Ok(Some((3 + 2) * 8)));
        let all = a.lookup_user(&key).unwrap();
        assert_eq!(all.len(), 24);
        assert_eq!((all[0], all[8], all[16]), (5, 0, 9));
        assert_eq!(
            a.update_user(&key, &[1; 4], BPF_ANY),
            Err(MapError::Invalid)
        );
        a.update_user(&key, &[7; 24], BPF_ANY).unwrap();
        assert_eq!(a.lookup_user(&key).unwrap(), vec![7; 24]);
    }

    #[test]
    fn initial_value_fills_element_zero() {
        let mut d = def(MapType::Array, 4, 1);
        d.initial_value = Some(vec![1, 2, 3, 4, 5]);
        let a = ArrayMap::new(&d, 1).unwrap();
        assert_eq!(a.lookup_user(&0u32.to_le_bytes()), Ok(vec![1, 2, 3, 4]));
    }
}
