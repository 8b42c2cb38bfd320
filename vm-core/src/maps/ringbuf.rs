//! `BPF_MAP_TYPE_RINGBUF`: a multi-producer, single-consumer byte ring of
//! `max_entries` bytes (a power of two, a multiple of the 4096-byte page).
//!
//! Every record takes its length plus an 8-byte header, rounded up to 8 bytes,
//! between the producer and the consumer position, exactly as the kernel counts;
//! a reservation that would fill the ring fails (NULL). Records become visible
//! to the consumer in reservation order once submitted; the consumer stops at
//! the first record still reserved, and skips discarded ones (as libbpf does).
//! The bytes of a reserved record live in the program's memory until it is
//! submitted (the runtime maps them); the ring keeps positions and submitted data.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::any::Any;

use super::{Map, MapError};
use crate::program::MapDef;

/// Size of the header before each record.
pub const BPF_RINGBUF_HDR_SZ: u64 = 8;
/// `bpf_ringbuf_output` / `submit` flag: do not wake the consumer.
pub const BPF_RB_NO_WAKEUP: u64 = 1;
/// `bpf_ringbuf_output` / `submit` flag: wake the consumer.
pub const BPF_RB_FORCE_WAKEUP: u64 = 2;
/// `bpf_ringbuf_query`: bytes not yet consumed.
pub const BPF_RB_AVAIL_DATA: u64 = 0;
/// `bpf_ringbuf_query`: the ring's size.
pub const BPF_RB_RING_SIZE: u64 = 1;
/// `bpf_ringbuf_query`: the consumer position.
pub const BPF_RB_CONS_POS: u64 = 2;
/// `bpf_ringbuf_query`: the producer position.
pub const BPF_RB_PROD_POS: u64 = 3;

/// Where a record stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordState {
    /// Reserved, not yet submitted or discarded.
    Busy,
    /// Submitted with these bytes.
    Submitted(Vec<u8>),
    /// Discarded; the consumer skips it.
    Discarded,
}

/// One record between the consumer and the producer position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RingRecord {
    /// Producer position at reservation (the record's id).
    pub pos: u64,
    /// Length the program asked for.
    pub len: u32,
    /// Its state.
    pub state: RecordState,
}

impl RingRecord {
    fn footprint(&self) -> u64 {
        (u64::from(self.len) + BPF_RINGBUF_HDR_SZ).div_ceil(8) * 8
    }
}

/// A ring buffer.
#[derive(Clone, Debug)]
pub struct RingBuf {
    def: MapDef,
    prod_pos: u64,
    cons_pos: u64,
    records: VecDeque<RingRecord>,
}

impl RingBuf {
    /// Creates the ring: `key_size` and `value_size` 0, `max_entries` a power of
    /// two and a multiple of 4096 (`EINVAL`), at most
    /// [`MAX_MAP_BYTES`](super::MAX_MAP_BYTES) (`ENOMEM`).
    pub fn new(def: &MapDef) -> Result<RingBuf, MapError> {
        let size = def.max_entries;
        if def.key_size != 0 || def.value_size != 0 || !size.is_power_of_two() || size % 4096 != 0 {
            return Err(MapError::Invalid);
        }
        if size as usize > super::MAX_MAP_BYTES {
            return Err(MapError::NoMemory);
        }
        Ok(RingBuf {
            def: def.clone(),
            prod_pos: 0,
            cons_pos: 0,
            records: VecDeque::new(),
        })
    }

    fn size(&self) -> u64 {
        u64::from(self.def.max_entries)
    }

    /// Reserves `len` bytes (`bpf_ringbuf_reserve`); the record's id, or `None`
    /// when `flags` is not 0 or the ring has no room.
    pub fn reserve(&mut self, len: u64, flags: u64) -> Option<u64> {
        if flags != 0 || len > self.size() - BPF_RINGBUF_HDR_SZ {
            return None;
        }
        let len = u32::try_from(len).ok()?;
        let record = RingRecord {
            pos: self.prod_pos,
            len,
            state: RecordState::Busy,
        };
        let new_prod = self.prod_pos + record.footprint();
        if new_prod - self.cons_pos > self.size() - 1 {
            return None;
        }
        self.prod_pos = new_prod;
        self.records.push_back(record);
        Some(self.prod_pos - self.records.back().map_or(0, RingRecord::footprint))
    }

    /// Submits (`discard == false`) or discards reserved record `id` with its bytes.
    pub fn commit(&mut self, id: u64, data: Vec<u8>, discard: bool) -> Result<(), MapError> {
        let record = self
            .records
            .iter_mut()
            .find(|r| r.pos == id && r.state == RecordState::Busy)
            .ok_or(MapError::Invalid)?;
        record.state = if discard {
            RecordState::Discarded
        } else {
            RecordState::Submitted(data)
        };
        Ok(())
    }

    /// Copies `data` in as one record (`bpf_ringbuf_output`): `EINVAL` for bad
    /// flags, `EAGAIN` when there is no room.
    pub fn output(&mut self, data: &[u8], flags: u64) -> Result<(), MapError> {
        if flags & !(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP) != 0 {
            return Err(MapError::Invalid);
        }
        let id = self.reserve(data.len() as u64, 0).ok_or(MapError::Again)?;
        self.commit(id, data.to_vec(), false)
    }

    /// `bpf_ringbuf_query`.
    pub fn query(&self, flags: u64) -> u64 {
        match flags {
            BPF_RB_AVAIL_DATA => self.prod_pos - self.cons_pos,
            BPF_RB_RING_SIZE => self.size(),
            BPF_RB_CONS_POS => self.cons_pos,
            BPF_RB_PROD_POS => self.prod_pos,
            _ => 0,
        }
    }

    /// The consumer's view: submitted records it can read now, oldest first
    /// (up to the first record still reserved).
    pub fn records(&self) -> impl Iterator<Item = &[u8]> {
        self.records
            .iter()
            .take_while(|r| r.state != RecordState::Busy)
            .filter_map(|r| match &r.state {
                RecordState::Submitted(d) => Some(d.as_slice()),
                _ => None,
            })
    }

    /// Every record between the consumer and producer position, with its state.
    pub fn pending(&self) -> impl Iterator<Item = &RingRecord> {
        self.records.iter()
    }

    /// Consumes the oldest readable record (skipping discarded ones).
    pub fn pop_record(&mut self) -> Option<Vec<u8>> {
        loop {
            match self.records.front()?.state {
                RecordState::Busy => return None,
                RecordState::Discarded | RecordState::Submitted(_) => {}
            }
            let r = self.records.pop_front()?;
            self.cons_pos += r.footprint();
            if let RecordState::Submitted(data) = r.state {
                return Some(data);
            }
        }
    }
}

impl Map for RingBuf {
    fn def(&self) -> &MapDef {
        &self.def
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
    use alloc::vec;

    fn ring(size: u32) -> Result<RingBuf, MapError> {
        RingBuf::new(&MapDef {
            name: String::from("events"),
            map_type: MapType::Ringbuf,
            key_size: 0,
            value_size: 0,
            max_entries: size,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        })
    }

    #[test]
    fn size_must_be_a_power_of_two_pages() {
        assert!(ring(4096).is_ok());
        assert!(ring(6000).is_err());
        assert!(ring(2048).is_err());
    }

    #[test]
    fn records_appear_in_reservation_order() {
        let mut rb = ring(4096).unwrap();
        let a = rb.reserve(4, 0).unwrap();
        let b = rb.reserve(12, 0).unwrap();
        assert_eq!((a, b), (0, 16));
        assert_eq!(rb.query(BPF_RB_AVAIL_DATA), 16 + 24);
        rb.commit(b, vec![2; 12], false).unwrap();
        assert_eq!(rb.records().count(), 0, "blocked behind the busy record");
        assert_eq!(rb.commit(b, vec![], false), Err(MapError::Invalid));
        rb.commit(a, vec![1; 4], true).unwrap();
        assert_eq!(rb.records().collect::<Vec<_>>(), vec![&[2u8; 12][..]]);
        assert_eq!(rb.pop_record(), Some(vec![2; 12]));
        assert_eq!(rb.pop_record(), None);
        assert_eq!(rb.query(BPF_RB_CONS_POS), 40);
        assert_eq!(rb.query(BPF_RB_AVAIL_DATA), 0);
        assert_eq!(rb.reserve(1, 1), None);
    }

    #[test]
    fn full_ring_refuses() {
        let mut rb = ring(4096).unwrap();
        assert_eq!(rb.reserve(4096, 0), None);
        assert!(rb.output(&[0; 2000], 0).is_ok());
        assert!(rb.output(&[0; 2000], BPF_RB_FORCE_WAKEUP).is_ok());
        assert_eq!(rb.output(&[0; 80], 0), Err(MapError::Again));
        assert_eq!(rb.output(&[0; 8], 4), Err(MapError::Invalid));
        assert!(rb.pop_record().is_some());
        assert!(rb.output(&[0; 80], 0).is_ok());
    }
}
