//! `BPF_MAP_TYPE_DEVMAP`: interfaces an XDP program redirects packets to with
//! `bpf_redirect_map`. A value is the target's `ifindex` (`u32`), or
//! `struct bpf_devmap_val` (`ifindex` plus a program fd, 8 bytes) whose
//! program part this VM ignores.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::any::Any;

use super::{check_update_flags, key_u32, Map, MapError, BPF_EXIST, BPF_NOEXIST};
use crate::program::MapDef;

/// A devmap.
#[derive(Clone, Debug)]
pub struct Devmap {
    def: MapDef,
    /// Filled slots only.
    slots: BTreeMap<u32, Vec<u8>>,
}

impl Devmap {
    /// Creates the map: `key_size` 4, `value_size` 4 or 8, `max_entries` non-zero (`EINVAL`).
    pub fn new(def: &MapDef) -> Result<Devmap, MapError> {
        if def.key_size != 4 || !matches!(def.value_size, 4 | 8) || def.max_entries == 0 {
            return Err(MapError::Invalid);
        }
        Ok(Devmap {
            def: def.clone(),
            slots: BTreeMap::new(),
        })
    }

    /// The interface index in slot `index`, if any.
    pub fn ifindex(&self, index: u32) -> Option<u32> {
        let v = self.slots.get(&index)?;
        Some(u32::from_le_bytes(v.get(..4)?.try_into().ok()?))
    }
}

impl Map for Devmap {
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

    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        self.slots
            .get(&key_u32(key)?)
            .cloned()
            .ok_or(MapError::NotFound)
    }

    fn update_user(&mut self, key: &[u8], value: &[u8], flags: u64) -> Result<(), MapError> {
        check_update_flags(flags)?;
        if value.len() != self.def.value_size as usize {
            return Err(MapError::Invalid);
        }
        let index = key_u32(key)?;
        if index >= self.def.max_entries {
            return Err(MapError::TooBig);
        }
        match (self.slots.contains_key(&index), flags) {
            (true, BPF_NOEXIST) => Err(MapError::Exists),
            (false, BPF_EXIST) => Err(MapError::NotFound),
            _ => {
                self.slots.insert(index, value.to_vec());
                Ok(())
            }
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
    fn holds_interface_indices() {
        let def = MapDef {
            name: String::from("tx_ports"),
            map_type: MapType::Devmap,
            key_size: 4,
            value_size: 4,
            max_entries: 4,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        };
        let mut d = Devmap::new(&def).unwrap();
        d.update_user(&0u32.to_le_bytes(), &7u32.to_le_bytes(), BPF_ANY)
            .unwrap();
        assert_eq!(d.ifindex(0), Some(7));
        assert_eq!(d.ifindex(1), None);
        assert_eq!(
            d.update_user(&9u32.to_le_bytes(), &7u32.to_le_bytes(), BPF_ANY),
            Err(MapError::TooBig)
        );
        d.delete(&0u32.to_le_bytes()).unwrap();
        assert_eq!(d.ifindex(0), None);
    }
}
