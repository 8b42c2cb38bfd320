//! `BPF_MAP_TYPE_PROG_ARRAY`: slots holding programs for `bpf_tail_call`.
//! In user space the kernel stores program fds; here a slot holds a program
//! index (the position of the program in the list the run is given).

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::any::Any;

use super::{check_update_flags, key_u32, Map, MapError, BPF_EXIST, BPF_NOEXIST};
use crate::program::MapDef;

/// A prog array.
#[derive(Clone, Debug)]
pub struct ProgArray {
    def: MapDef,
    /// Filled slots only.
    slots: BTreeMap<u32, u32>,
}

impl ProgArray {
    /// Creates the map: `key_size` and `value_size` must be 4, `max_entries` non-zero (`EINVAL`).
    pub fn new(def: &MapDef) -> Result<ProgArray, MapError> {
        if def.key_size != 4 || def.value_size != 4 || def.max_entries == 0 {
            return Err(MapError::Invalid);
        }
        Ok(ProgArray {
            def: def.clone(),
            slots: BTreeMap::new(),
        })
    }

    /// The program index in slot `index`, if any (what `bpf_tail_call` jumps to).
    pub fn get(&self, index: u32) -> Option<u32> {
        self.slots.get(&index).copied()
    }

    /// Puts program `prog` in slot `index`.
    pub fn set(&mut self, index: u32, prog: u32) -> Result<(), MapError> {
        if index >= self.def.max_entries {
            return Err(MapError::TooBig);
        }
        self.slots.insert(index, prog);
        Ok(())
    }
}

impl Map for ProgArray {
    fn def(&self) -> &MapDef {
        &self.def
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), MapError> {
        let index = key_u32(key)?;
        if index >= self.def.max_entries {
            return Err(MapError::TooBig);
        }
        self.slots
            .remove(&index)
            .map(|_| ())
            .ok_or(MapError::NotFound)
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

    /// The program index in the slot (the kernel answers with the program's id).
    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        let index = key_u32(key)?;
        self.get(index)
            .map(|p| p.to_le_bytes().to_vec())
            .ok_or(MapError::NotFound)
    }

    /// Value: a `u32` program index.
    fn update_user(&mut self, key: &[u8], value: &[u8], flags: u64) -> Result<(), MapError> {
        check_update_flags(flags)?;
        let index = key_u32(key)?;
        let prog = key_u32(value)?;
        if index >= self.def.max_entries {
            return Err(MapError::TooBig);
        }
        match (self.get(index), flags) {
            (Some(_), BPF_NOEXIST) => Err(MapError::Exists),
            (None, BPF_EXIST) => Err(MapError::NotFound),
            _ => self.set(index, prog),
        }
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

    #[test]
    fn slots_hold_program_indices() {
        let def = MapDef {
            name: String::from("jmp"),
            map_type: MapType::ProgArray,
            key_size: 4,
            value_size: 4,
            max_entries: 2,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        };
        let mut p = ProgArray::new(&def).unwrap();
        assert_eq!(p.get(0), None);
        p.update_user(&1u32.to_le_bytes(), &3u32.to_le_bytes(), BPF_ANY)
            .unwrap();
        assert_eq!(p.get(1), Some(3));
        assert_eq!(
            p.update_user(&2u32.to_le_bytes(), &3u32.to_le_bytes(), BPF_ANY),
            Err(MapError::TooBig)
        );
        assert_eq!(
            p.lookup_user(&1u32.to_le_bytes()),
            Ok(3u32.to_le_bytes().to_vec())
        );
        p.delete(&1u32.to_le_bytes()).unwrap();
        assert_eq!(p.delete(&1u32.to_le_bytes()), Err(MapError::NotFound));
        assert_eq!(p.get(5), None);
    }
}
