//! `BPF_MAP_TYPE_QUEUE` (first in, first out) and `BPF_MAP_TYPE_STACK` (last in,
//! first out): keyless maps of up to `max_entries` values, used through
//! `bpf_map_push_elem` / `pop` / `peek` (user space: update = push,
//! lookup = peek, lookup-and-delete = pop).

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::any::Any;

use super::{Map, MapError, BPF_EXIST};
use crate::program::MapDef;

/// A queue or a stack.
#[derive(Clone, Debug)]
pub struct QueueStack {
    def: MapDef,
    lifo: bool,
    /// Oldest first.
    items: VecDeque<Vec<u8>>,
}

impl QueueStack {
    /// Creates a queue (`lifo == false`) or stack: `key_size` must be 0 and
    /// `value_size`, `max_entries` non-zero (`EINVAL`); the values it can hold
    /// must fit in [`MAX_MAP_BYTES`](super::MAX_MAP_BYTES) (`ENOMEM`).
    pub fn new(def: &MapDef, lifo: bool) -> Result<QueueStack, MapError> {
        if def.key_size != 0 || def.value_size == 0 || def.max_entries == 0 {
            return Err(MapError::Invalid);
        }
        let bytes = u64::from(def.value_size) * u64::from(def.max_entries);
        if bytes > super::MAX_MAP_BYTES as u64 {
            return Err(MapError::NoMemory);
        }
        Ok(QueueStack {
            def: def.clone(),
            lifo,
            items: VecDeque::new(),
        })
    }

    /// The values held, oldest first.
    pub fn items(&self) -> impl Iterator<Item = &[u8]> {
        self.items.iter().map(Vec::as_slice)
    }

    /// Number of values held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Map for QueueStack {
    fn def(&self) -> &MapDef {
        &self.def
    }

    /// Full: `E2BIG`, unless `BPF_EXIST` asks to drop the oldest value.
    fn push(&mut self, value: &[u8], flags: u64) -> Result<(), MapError> {
        if flags & !BPF_EXIST != 0 || value.len() != self.def.value_size as usize {
            return Err(MapError::Invalid);
        }
        if self.items.len() >= self.def.max_entries as usize {
            if flags & BPF_EXIST == 0 {
                return Err(MapError::TooBig);
            }
            self.items.pop_front();
        }
        self.items.push_back(value.to_vec());
        Ok(())
    }

    fn pop(&mut self) -> Result<Vec<u8>, MapError> {
        let item = if self.lifo {
            self.items.pop_back()
        } else {
            self.items.pop_front()
        };
        item.ok_or(MapError::NotFound)
    }

    fn peek(&self) -> Result<Vec<u8>, MapError> {
        let item = if self.lifo {
            self.items.back()
        } else {
            self.items.front()
        };
        item.cloned().ok_or(MapError::NotFound)
    }

    /// Keyed operations do not exist on queues and stacks: `EINVAL`.
    fn next_key(&self, _key: Option<&[u8]>) -> Result<Vec<u8>, MapError> {
        Err(MapError::Invalid)
    }

    fn delete(&mut self, _key: &[u8]) -> Result<(), MapError> {
        Err(MapError::Invalid)
    }

    /// A lookup without a key peeks.
    fn lookup_user(&self, key: &[u8]) -> Result<Vec<u8>, MapError> {
        if !key.is_empty() {
            return Err(MapError::Invalid);
        }
        self.peek()
    }

    /// An update without a key pushes.
    fn update_user(&mut self, key: &[u8], value: &[u8], flags: u64) -> Result<(), MapError> {
        if !key.is_empty() {
            return Err(MapError::Invalid);
        }
        self.push(value, flags)
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

    fn make(lifo: bool) -> QueueStack {
        let def = MapDef {
            name: String::from("q"),
            map_type: if lifo { MapType::Stack } else { MapType::Queue },
            key_size: 0,
            value_size: 1,
            max_entries: 2,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        };
        QueueStack::new(&def, lifo).unwrap()
    }

    #[test]
    fn queue_is_fifo_and_stack_is_lifo() {
        for (lifo, first) in [(false, 1), (true, 2)] {
            let mut q = make(lifo);
            assert_eq!(q.pop(), Err(MapError::NotFound));
            q.push(&[1], BPF_ANY).unwrap();
            q.push(&[2], BPF_ANY).unwrap();
            assert_eq!(q.push(&[3], BPF_ANY), Err(MapError::TooBig));
            assert_eq!(q.peek(), Ok(vec![first]));
            assert_eq!(q.pop(), Ok(vec![first]));
            assert_eq!(q.len(), 1);
        }
    }

    #[test]
    fn exist_flag_overwrites_the_oldest() {
        let mut q = make(false);
        q.push(&[1], BPF_ANY).unwrap();
        q.push(&[2], BPF_ANY).unwrap();
        q.push(&[3], BPF_EXIST).unwrap();
        assert_eq!(q.items().collect::<Vec<_>>(), vec![&[2][..], &[3][..]]);
        assert_eq!(q.push(&[3], 1), Err(MapError::Invalid));
        let mut s = make(true);
        s.push(&[1], BPF_ANY).unwrap();
        s.push(&[2], BPF_ANY).unwrap();
        s.push(&[3], BPF_EXIST).unwrap();
        assert_eq!(s.pop(), Ok(vec![3]));
        assert_eq!(s.pop(), Ok(vec![2]));
    }
}
