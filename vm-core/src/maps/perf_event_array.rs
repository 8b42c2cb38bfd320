//! `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: one perf buffer per CPU that
//! `bpf_perf_event_output` appends samples to. This VM opens a buffer for every
//! simulated CPU, as a user-space reader (`perf_buffer__new`) does.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;

use super::{Map, MapError};
use crate::program::MapDef;

/// Low 32 bits of the flags: the index of the perf buffer.
pub const BPF_F_INDEX_MASK: u64 = 0xffff_ffff;
/// Index meaning "the buffer of the CPU the program runs on".
pub const BPF_F_CURRENT_CPU: u64 = BPF_F_INDEX_MASK;
/// Bits 32..52 of the flags: how many packet bytes to append (socket and XDP programs).
pub const BPF_F_CTXLEN_MASK: u64 = 0xfffff << 32;

/// One sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PerfRecord {
    /// The CPU (buffer) it went to.
    pub cpu: u32,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// Samples kept before new ones are counted as lost (a reader that never
/// drains must not exhaust memory; the kernel's buffers are bounded too).
pub const MAX_PERF_RECORDS: usize = 65_536;

/// A perf event array.
#[derive(Clone, Debug)]
pub struct PerfEventArray {
    def: MapDef,
    ncpus: u32,
    records: Vec<PerfRecord>,
    lost: u64,
}

impl PerfEventArray {
    /// Creates the map: `key_size` and `value_size` 4, `max_entries` non-zero (`EINVAL`).
    pub fn new(def: &MapDef, ncpus: u32) -> Result<PerfEventArray, MapError> {
        if def.key_size != 4 || def.value_size != 4 || def.max_entries == 0 {
            return Err(MapError::Invalid);
        }
        Ok(PerfEventArray {
            def: def.clone(),
            ncpus: ncpus.max(1),
            records: Vec::new(),
            lost: 0,
        })
    }

    /// Appends a sample as `bpf_perf_event_output` from CPU `cpu` with `flags`
    /// (whose [`BPF_F_CTXLEN_MASK`] part the caller has already handled):
    /// `EINVAL` for other flag bits, `E2BIG` for an index past `max_entries`,
    /// `ENOENT` for an index with no buffer, `EOPNOTSUPP` for another CPU's buffer.
    pub fn output(&mut self, cpu: u32, flags: u64, data: Vec<u8>) -> Result<(), MapError> {
        if flags & !(BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK) != 0 {
            return Err(MapError::Invalid);
        }
        let mut index = flags & BPF_F_INDEX_MASK;
        if index == BPF_F_CURRENT_CPU {
            index = u64::from(cpu);
        }
        if index >= u64::from(self.def.max_entries) {
            return Err(MapError::TooBig);
        }
        if index >= u64::from(self.ncpus) {
            return Err(MapError::NotFound);
        }
        if index != u64::from(cpu) {
            return Err(MapError::NotSupported);
        }
        if self.records.len() >= MAX_PERF_RECORDS {
            // As a full perf buffer does: the sample is lost, the helper succeeds.
            self.lost += 1;
        } else {
            self.records.push(PerfRecord { cpu, data });
        }
        Ok(())
    }

    /// Samples dropped because [`MAX_PERF_RECORDS`] were waiting to be drained.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// Every sample not yet drained, in output order.
    pub fn records(&self) -> &[PerfRecord] {
        &self.records
    }

    /// Takes every sample.
    pub fn drain(&mut self) -> Vec<PerfRecord> {
        core::mem::take(&mut self.records)
    }
}

impl Map for PerfEventArray {
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

    #[test]
    fn index_rules() {
        let def = MapDef {
            name: String::from("events"),
            map_type: MapType::PerfEventArray,
            key_size: 4,
            value_size: 4,
            max_entries: 4,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        };
        let mut p = PerfEventArray::new(&def, 2).unwrap();
        assert_eq!(p.output(1, BPF_F_CURRENT_CPU, vec![1]), Ok(()));
        assert_eq!(p.output(0, 0, vec![2]), Ok(()));
        assert_eq!(p.output(0, 1, vec![3]), Err(MapError::NotSupported));
        assert_eq!(p.output(0, 3, vec![3]), Err(MapError::NotFound));
        assert_eq!(p.output(0, 4, vec![3]), Err(MapError::TooBig));
        assert_eq!(p.output(0, 1 << 60, vec![3]), Err(MapError::Invalid));
        assert_eq!(
            p.records().iter().map(|r| r.cpu).collect::<Vec<_>>(),
            vec![1, 0]
        );
        assert_eq!(p.drain().len(), 2);
        assert!(p.records().is_empty());
    }
}
