//! The program's view of memory: a set of regions in a 64-bit virtual address
//! space. Every load, store and atomic goes through a checked region lookup, so a
//! program can touch nothing but the bytes its regions hold.
//!
//! Regions are placed by [`Memory::add_region`] at increasing addresses below
//! 4 GiB with an unmapped gap between neighbours, so an access that runs off
//! the end of one region faults instead of landing in the next, and an address
//! still fits in the 32-bit pointer fields of `struct xdp_md` and `__sk_buff`.
//! Address 0 is never mapped: dereferencing a NULL map lookup result faults.

use alloc::vec::Vec;
use core::fmt;

/// Where the first region is placed; low addresses stay unmapped.
pub const FIRST_REGION_BASE: u64 = 0x1000_0000;
/// Unmapped bytes left after each region before the next one starts.
pub const REGION_GAP: u64 = 0x10_0000;
/// Regions start on multiples of this alignment.
const REGION_ALIGN: u64 = 0x10_0000;

/// What a region holds; shown by the debugger, used by `LD_ABS` to find the packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegionKind {
    /// The call frames' stacks (one region, 512 bytes per frame).
    Stack,
    /// The program's context (`struct xdp_md`, `__sk_buff`, an event record ...).
    Context,
    /// Packet data; the first such region is what `LD_ABS`/`LD_IND` read.
    Packet,
    /// The values of map number `map` (an index into `Program::maps`).
    MapValue {
        /// The map's index.
        map: u32,
    },
    /// Anything else a host wants the program to reach (the conformance suite's memory, ...).
    User,
}

impl fmt::Display for RegionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegionKind::Stack => f.write_str("stack"),
            RegionKind::Context => f.write_str("ctx"),
            RegionKind::Packet => f.write_str("packet"),
            RegionKind::MapValue { map } => write!(f, "map_value(map={map})"),
            RegionKind::User => f.write_str("mem"),
        }
    }
}

/// A stable handle on a region (it survives other regions being added or removed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionId(pub u32);

/// A contiguous range of virtual addresses backed by bytes the host owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    id: RegionId,
    kind: RegionKind,
    base: u64,
    /// Accessible bytes start at `data[lo]`; `lo > 0` hides a prefix (the
    /// stack hides the frames that are not live).
    lo: usize,
    writable: bool,
    data: Vec<u8>,
}

impl Region {
    /// The handle of this region.
    pub fn id(&self) -> RegionId {
        self.id
    }
    /// What the region holds.
    pub fn kind(&self) -> RegionKind {
        self.kind
    }
    /// Virtual address of the region's first byte.
    pub fn base(&self) -> u64 {
        self.base
    }
    /// One past the virtual address of the region's last byte.
    pub fn end(&self) -> u64 {
        self.base.wrapping_add(self.data.len() as u64)
    }
    /// Whether the program may store to it.
    pub fn writable(&self) -> bool {
        self.writable
    }
    /// The region's bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
    /// The region's bytes, for the host to change between or during runs.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }
    /// Gives the bytes back to the host.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
    /// Whether `addr` lies in the region (accessible part or not).
    pub fn contains(&self, addr: u64) -> bool {
        addr >= self.base && addr < self.end()
    }

    /// Offset of `[addr, addr + len)` in `data`, when it lies in the accessible part.
    #[inline(always)]
    fn offset_of(&self, addr: u64, len: usize) -> Option<usize> {
        let off = addr.wrapping_sub(self.base);
        let avail = self.data.len() as u64;
        if off >= self.lo as u64 && off <= avail && avail - off >= len as u64 {
            Some(off as usize)
        } else {
            None
        }
    }
}

/// Why an access was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKind {
    /// A load.
    Read,
    /// A store.
    Write,
}

/// A refused memory access: no region holds `[addr, addr + size)`, or the
/// region holding it is read-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryFault {
    /// Load or store.
    pub access: AccessKind,
    /// First byte accessed.
    pub addr: u64,
    /// Number of bytes accessed.
    pub size: usize,
    /// The region the address falls into, if any (set when it overruns it or is read-only).
    pub region: Option<RegionKind>,
}

impl fmt::Display for MemoryFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.access {
            AccessKind::Read => "read",
            AccessKind::Write => "write",
        };
        write!(
            f,
            "invalid memory {what} of {} bytes at {:#x}",
            self.size, self.addr
        )?;
        match (self.region, self.access) {
            (Some(kind), AccessKind::Write) => {
                write!(f, " (in {kind}, read-only or out of bounds)")
            }
            (Some(kind), AccessKind::Read) => write!(f, " (out of bounds of {kind})"),
            (None, _) => f.write_str(" (unmapped)"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MemoryFault {}

/// All regions a program can reach.
///
/// ```
/// use vm_core::interp::{Memory, RegionKind};
/// let mut mem = Memory::new();
/// let id = mem.add_region(RegionKind::Packet, vec![1, 2, 3, 4], true);
/// let base = mem.region(id).unwrap().base();
/// assert_eq!(mem.load::<2>(base + 1), Ok([2, 3]));
/// assert!(mem.load::<4>(base + 1).is_err());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Memory {
    /// Sorted by `base`.
    regions: Vec<Region>,
    /// Index into `regions` of the last region hit: most accesses in a row go to the same one.
    last: usize,
    next_base: u64,
    next_id: u32,
    /// While a traced run calls a helper: the old bytes of every range the
    /// helper wrote through [`Memory::write`], so the trace can show (and undo) them.
    journal: Option<Vec<(u64, Vec<u8>)>>,
}

impl Memory {
    /// No regions.
    pub fn new() -> Memory {
        Memory {
            regions: Vec::new(),
            last: 0,
            next_base: FIRST_REGION_BASE,
            next_id: 0,
            journal: None,
        }
    }

    /// Maps `data` at the next free address; returns its handle.
    pub fn add_region(&mut self, kind: RegionKind, data: Vec<u8>, writable: bool) -> RegionId {
        let base = self.next_base.max(FIRST_REGION_BASE);
        self.insert(base, kind, data, writable)
    }

    /// Maps `data` at `base`, e.g. to keep a packet at the address a program
    /// already holds. Fails (giving the data back) if it would overlap a region,
    /// or cover address 0.
    pub fn add_region_at(
        &mut self,
        base: u64,
        kind: RegionKind,
        data: Vec<u8>,
        writable: bool,
    ) -> Result<RegionId, Vec<u8>> {
        let end = match base.checked_add(data.len() as u64) {
            Some(end) if base != 0 => end,
            _ => return Err(data),
        };
        if self
            .regions
            .iter()
            .any(|r| base < r.end() && r.base < end.max(base + 1))
        {
            return Err(data);
        }
        Ok(self.insert(base, kind, data, writable))
    }

    fn insert(&mut self, base: u64, kind: RegionKind, data: Vec<u8>, writable: bool) -> RegionId {
        let id = RegionId(self.next_id);
        self.next_id = self.next_id.wrapping_add(1);
        let end = base.saturating_add(data.len() as u64);
        let next = end.saturating_add(REGION_GAP);
        let next = next.saturating_add(REGION_ALIGN - 1) & !(REGION_ALIGN - 1);
        if next > self.next_base {
            self.next_base = next;
        }
        let at = self.regions.partition_point(|r| r.base < base);
        self.regions.insert(
            at,
            Region {
                id,
                kind,
                base,
                lo: 0,
                writable,
                data,
            },
        );
        self.last = 0;
        id
    }

    /// Unmaps a region and gives it back.
    pub fn remove_region(&mut self, id: RegionId) -> Option<Region> {
        let at = self.regions.iter().position(|r| r.id == id)?;
        self.last = 0;
        Some(self.regions.remove(at))
    }

    /// The region with handle `id`.
    pub fn region(&self, id: RegionId) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// The region with handle `id`, to change its bytes.
    pub fn region_mut(&mut self, id: RegionId) -> Option<&mut Region> {
        self.regions.iter_mut().find(|r| r.id == id)
    }

    /// Every region, by increasing address.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The region containing `addr`, if any.
    pub fn region_at(&self, addr: u64) -> Option<&Region> {
        let at = self.regions.partition_point(|r| r.base <= addr);
        let r = self.regions.get(at.checked_sub(1)?)?;
        r.contains(addr).then_some(r)
    }

    /// The first packet region: what `LD_ABS`/`LD_IND` read.
    pub fn packet(&self) -> Option<&Region> {
        self.regions.iter().find(|r| r.kind == RegionKind::Packet)
    }

    /// Hides the first `lo` bytes of a region from the program (the stack uses
    /// it to expose only the live frames).
    pub(crate) fn set_accessible_from(&mut self, id: RegionId, lo: usize) {
        if let Some(r) = self.region_mut(id) {
            r.lo = lo.min(r.data.len());
        }
    }

    /// Checks `[addr, addr + len)`; returns the index of its region and the offset in it.
    #[inline(always)]
    fn check(
        &mut self,
        addr: u64,
        len: usize,
        access: AccessKind,
    ) -> Result<(usize, usize), MemoryFault> {
        if let Some(r) = self.regions.get(self.last) {
            if let Some(off) = r.offset_of(addr, len) {
                if access == AccessKind::Read || r.writable {
                    return Ok((self.last, off));
                }
            }
        }
        self.check_slow(addr, len, access)
    }

    #[inline(never)]
    fn check_slow(
        &mut self,
        addr: u64,
        len: usize,
        access: AccessKind,
    ) -> Result<(usize, usize), MemoryFault> {
        let at = self.regions.partition_point(|r| r.base <= addr);
        let fault = |region| MemoryFault {
            access,
            addr,
            size: len,
            region,
        };
        let idx = at.checked_sub(1).ok_or(fault(None))?;
        let r = self.regions.get(idx).ok_or(fault(None))?;
        match r.offset_of(addr, len) {
            Some(off) if access == AccessKind::Read || r.writable => {
                self.last = idx;
                Ok((idx, off))
            }
            _ if r.contains(addr) => Err(fault(Some(r.kind))),
            _ => Err(fault(None)),
        }
    }

    /// Reads `N` bytes at `addr`.
    #[inline(always)]
    pub fn load<const N: usize>(&mut self, addr: u64) -> Result<[u8; N], MemoryFault> {
        // Fast path: the region of the previous access, one range check.
        if let Some(r) = self.regions.get(self.last) {
            if let Some(off) = r.offset_of(addr, N) {
                if let Some(bytes) = r.data.get(off..).and_then(|s| s.first_chunk::<N>()) {
                    return Ok(*bytes);
                }
            }
        }
        let (idx, off) = self.check_slow(addr, N, AccessKind::Read)?;
        let mut out = [0u8; N];
        if let Some(src) = self
            .regions
            .get(idx)
            .and_then(|r| r.data.get(off..)?.first_chunk::<N>())
        {
            out = *src;
        }
        Ok(out)
    }

    /// Writes `N` bytes at `addr`.
    #[inline(always)]
    pub fn store<const N: usize>(&mut self, addr: u64, bytes: [u8; N]) -> Result<(), MemoryFault> {
        if let Some(r) = self.regions.get_mut(self.last) {
            if r.writable {
                if let Some(off) = r.offset_of(addr, N) {
                    if let Some(dst) = r.data.get_mut(off..).and_then(|s| s.first_chunk_mut::<N>())
                    {
                        *dst = bytes;
                        return Ok(());
                    }
                }
            }
        }
        let (idx, off) = self.check_slow(addr, N, AccessKind::Write)?;
        if let Some(dst) = self
            .regions
            .get_mut(idx)
            .and_then(|r| r.data.get_mut(off..)?.first_chunk_mut::<N>())
        {
            *dst = bytes;
        }
        Ok(())
    }

    /// The `len` bytes at `addr`, for helpers that take a pointer and a size.
    pub fn read(&mut self, addr: u64, len: usize) -> Result<&[u8], MemoryFault> {
        let (idx, off) = self.check(addr, len, AccessKind::Read)?;
        let r = self.regions.get(idx).ok_or(MemoryFault {
            access: AccessKind::Read,
            addr,
            size: len,
            region: None,
        })?;
        Ok(r.data.get(off..off + len).unwrap_or(&[]))
    }

    /// The `len` bytes at `addr`, writable, for helpers that fill a buffer.
    pub fn write(&mut self, addr: u64, len: usize) -> Result<&mut [u8], MemoryFault> {
        let (idx, off) = self.check(addr, len, AccessKind::Write)?;
        let r = self.regions.get_mut(idx).ok_or(MemoryFault {
            access: AccessKind::Write,
            addr,
            size: len,
            region: None,
        })?;
        let bytes = r.data.get_mut(off..off + len).unwrap_or(&mut []);
        if let Some(journal) = &mut self.journal {
            journal.push((addr, bytes.to_vec()));
        }
        Ok(bytes)
    }

    /// Starts recording what [`Memory::write`] overwrites.
    pub(crate) fn start_journal(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Stops recording; the (address, old bytes) of each write, in order.
    pub(crate) fn take_journal(&mut self) -> Vec<(u64, Vec<u8>)> {
        self.journal.take().unwrap_or_default()
    }

    /// The `len` bytes at `addr` without the program's access rules (see [`Memory::peek`]).
    pub fn peek_bytes(&self, addr: u64, len: usize) -> Option<&[u8]> {
        let r = self.region_at(addr)?;
        let off = usize::try_from(addr.wrapping_sub(r.base)).ok()?;
        r.data.get(off..off.checked_add(len)?)
    }

    /// Copies `bytes` to `addr`.
    pub fn write_bytes(&mut self, addr: u64, bytes: &[u8]) -> Result<(), MemoryFault> {
        self.write(addr, bytes.len())?.copy_from_slice(bytes);
        Ok(())
    }

    /// Reads the little-endian value of `size` bytes (1, 2, 4 or 8) at `addr`, zero-extended.
    pub fn load_uint(&mut self, addr: u64, size: usize) -> Result<u64, MemoryFault> {
        Ok(match size {
            1 => u8::from_le_bytes(self.load::<1>(addr)?) as u64,
            2 => u16::from_le_bytes(self.load::<2>(addr)?) as u64,
            4 => u32::from_le_bytes(self.load::<4>(addr)?) as u64,
            _ => u64::from_le_bytes(self.load::<8>(addr)?),
        })
    }

    /// Reads a value without the program's access rules: any mapped byte,
    /// read-only or hidden, for the debugger and the trace. `None` when unmapped.
    pub fn peek(&self, addr: u64, size: usize) -> Option<u64> {
        let r = self.region_at(addr)?;
        let off = addr.wrapping_sub(r.base) as usize;
        let bytes = r.data.get(off..off.checked_add(size)?)?;
        let mut buf = [0u8; 8];
        buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(u64::from_le_bytes(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn regions_do_not_touch_and_avoid_null() {
        let mut mem = Memory::new();
        let a = mem.add_region(RegionKind::User, vec![0; 100], true);
        let b = mem.add_region(RegionKind::Packet, vec![0; 10], false);
        let ra = mem.region(a).unwrap().clone();
        let rb = mem.region(b).unwrap().clone();
        assert!(ra.base() >= FIRST_REGION_BASE);
        assert!(rb.base() >= ra.end() + REGION_GAP);
        assert!(rb.end() < 1 << 32);
        assert!(mem.load::<1>(0).is_err());
    }

    #[test]
    fn bounds_and_write_protection() {
        let mut mem = Memory::new();
        let a = mem.add_region(RegionKind::User, vec![0; 8], true);
        let b = mem.add_region(RegionKind::Context, vec![7; 8], false);
        let (ba, bb) = (mem.region(a).unwrap().base(), mem.region(b).unwrap().base());
        assert_eq!(
            mem.store(ba, 0x1122_3344_5566_7788u64.to_le_bytes()),
            Ok(())
        );
        assert_eq!(mem.load_uint(ba + 6, 2), Ok(0x1122));
        let f = mem.load::<4>(ba + 6).unwrap_err();
        assert_eq!(
            (f.addr, f.size, f.region),
            (ba + 6, 4, Some(RegionKind::User))
        );
        assert_eq!(mem.load::<1>(bb + 7), Ok([7]));
        let f = mem.store(bb, [0u8; 1]).unwrap_err();
        assert_eq!(f.access, AccessKind::Write);
        assert!(mem.load::<8>(u64::MAX - 3).is_err());
        assert!(mem.load::<8>(ba.wrapping_sub(4)).is_err());
    }

    #[test]
    fn explicit_placement_refuses_overlap() {
        let mut mem = Memory::new();
        let a = mem.add_region(RegionKind::User, vec![0; 16], true);
        let base = mem.region(a).unwrap().base();
        assert!(mem
            .add_region_at(base + 8, RegionKind::User, vec![0; 4], true)
            .is_err());
        assert!(mem
            .add_region_at(0, RegionKind::User, vec![0; 4], true)
            .is_err());
        let c = mem
            .add_region_at(base + 16, RegionKind::User, vec![9; 4], true)
            .unwrap();
        assert_eq!(mem.region_at(base + 17).map(|r| r.id()), Some(c));
        assert_eq!(mem.load::<1>(base + 19), Ok([9]));
    }

    #[test]
    fn hidden_prefix_faults() {
        let mut mem = Memory::new();
        let s = mem.add_region(RegionKind::Stack, vec![0; 32], true);
        let base = mem.region(s).unwrap().base();
        mem.set_accessible_from(s, 16);
        assert!(mem.load::<1>(base + 15).is_err());
        assert!(mem.load::<1>(base + 16).is_ok());
        assert_eq!(mem.peek(base + 15, 1), Some(0));
    }
}
