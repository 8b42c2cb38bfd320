//! The packet a network program sees, laid out as `BPF_PROG_TEST_RUN` lays it
//! out, and kept in the program's memory as one region.
//!
//! XDP: a 4096-byte frame with 256 bytes of headroom before the packet; the
//! first 40 bytes of the frame hold `struct xdp_frame` and cannot be reached;
//! the last 320 bytes (`struct skb_shared_info`) bound how far
//! `bpf_xdp_adjust_tail` may grow the packet. The region holds the metadata
//! area and the packet (`data_meta` .. `data_end`); an adjust helper moves the
//! region, as packet pointers are invalid after it anyway.
//!
//! Socket filter and tc: the region holds the packet from `skb->data`, which is
//! the Ethernet header for tc and the network header for socket filters (the
//! kernel's test run pulls the Ethernet header off for them).

use alloc::vec::Vec;

use crate::interp::{Memory, RegionId, RegionKind};

/// Headroom before the packet in an XDP frame (`XDP_PACKET_HEADROOM`).
pub const XDP_PACKET_HEADROOM: usize = 256;
/// Bytes at the start of the frame no program may reach (`sizeof(struct xdp_frame)`).
pub const XDP_FRAME_HEADER: usize = 40;
/// Size of an XDP frame (a page).
pub const XDP_FRAME_SIZE: usize = 4096;
/// Tailroom reserved at the end of the frame (`sizeof(struct skb_shared_info)`, aligned).
pub const SKB_SHARED_INFO_SIZE: usize = 320;
/// Ethernet header length; a packet is never shorter.
pub const ETH_HLEN: usize = 14;
/// Largest metadata area `bpf_xdp_adjust_meta` allows.
pub const XDP_META_MAX: usize = 252;

/// A packet in a frame, with the offsets the kernel keeps in `struct xdp_buff`.
#[derive(Clone, Debug)]
pub struct PacketBuffer {
    /// The whole frame, from `data_hard_start`.
    frame: Vec<u8>,
    meta: usize,
    data: usize,
    end: usize,
    /// How far `data_end` may grow.
    hard_end: usize,
    /// The region holding `frame[meta..end]` while mapped.
    region: Option<RegionId>,
    base: u64,
}

impl PacketBuffer {
    /// An XDP frame holding `packet` after the headroom (larger packets get a larger frame).
    pub fn xdp(packet: &[u8]) -> PacketBuffer {
        let size = XDP_FRAME_SIZE.max(XDP_PACKET_HEADROOM + packet.len() + SKB_SHARED_INFO_SIZE);
        let mut frame = alloc::vec![0u8; size];
        let data = XDP_PACKET_HEADROOM;
        if let Some(dst) = frame.get_mut(data..data + packet.len()) {
            dst.copy_from_slice(packet);
        }
        PacketBuffer {
            frame,
            meta: data,
            data,
            end: data + packet.len(),
            hard_end: size - SKB_SHARED_INFO_SIZE,
            region: None,
            base: 0,
        }
    }

    /// An skb's linear data: exactly `packet`, no room to grow.
    pub fn skb(packet: &[u8]) -> PacketBuffer {
        PacketBuffer {
            frame: packet.to_vec(),
            meta: 0,
            data: 0,
            end: packet.len(),
            hard_end: packet.len(),
            region: None,
            base: 0,
        }
    }

    /// Maps `frame[meta..end]` into `mem` (after [`PacketBuffer::unmap`] if mapped).
    pub fn map(&mut self, mem: &mut Memory) {
        self.unmap(mem);
        let bytes = self.frame.get(self.meta..self.end).unwrap_or(&[]).to_vec();
        let id = mem.add_region(RegionKind::Packet, bytes, true);
        self.base = mem.region(id).map_or(0, |r| r.base());
        self.region = Some(id);
    }

    /// Takes the region's bytes back into the frame (the program may have written to them).
    pub fn unmap(&mut self, mem: &mut Memory) {
        if let Some(id) = self.region.take() {
            if let Some(region) = mem.remove_region(id) {
                let bytes = region.into_data();
                if let Some(dst) = self.frame.get_mut(self.meta..self.meta + bytes.len()) {
                    dst.copy_from_slice(&bytes);
                }
            }
        }
    }

    /// Address of `data` in the program's memory.
    pub fn data_addr(&self) -> u64 {
        self.base + (self.data - self.meta) as u64
    }

    /// Address of `data_end`.
    pub fn end_addr(&self) -> u64 {
        self.base + (self.end - self.meta) as u64
    }

    /// Address of `data_meta`.
    pub fn meta_addr(&self) -> u64 {
        self.base
    }

    /// Packet length (`data_end - data`).
    pub fn len(&self) -> usize {
        self.end - self.data
    }

    /// Whether the packet is empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.data
    }

    /// The packet bytes, read from `mem` while mapped.
    pub fn packet(&self, mem: &Memory) -> Vec<u8> {
        self.slice(mem, self.data, self.end)
    }

    /// The metadata bytes (`data_meta .. data`).
    pub fn metadata(&self, mem: &Memory) -> Vec<u8> {
        self.slice(mem, self.meta, self.data)
    }

    fn slice(&self, mem: &Memory, from: usize, to: usize) -> Vec<u8> {
        match self.region.and_then(|id| mem.region(id)) {
            Some(r) => r
                .data()
                .get(from - self.meta..to - self.meta)
                .unwrap_or(&[])
                .to_vec(),
            None => self.frame.get(from..to).unwrap_or(&[]).to_vec(),
        }
    }

    /// `bpf_xdp_adjust_head`: moves `data` by `delta` (the metadata moves with it).
    /// Returns false (`-EINVAL`) when the packet would start inside the frame
    /// header or leave less than an Ethernet header.
    pub fn adjust_head(&mut self, mem: &mut Memory, delta: i64) -> bool {
        let metalen = self.data - self.meta;
        let Some(data) = offset(self.data, delta) else {
            return false;
        };
        if data < XDP_FRAME_HEADER + metalen || data + ETH_HLEN > self.end {
            return false;
        }
        self.unmap(mem);
        if metalen > 0 {
            let new_meta = data - metalen;
            self.frame.copy_within(self.meta..self.data, new_meta);
        }
        self.meta = data - metalen;
        self.data = data;
        self.map(mem);
        true
    }

    /// `bpf_xdp_adjust_meta`: moves `data_meta` by `delta`. `Err(EINVAL)` when it
    /// would pass `data` or enter the frame header, `Err(EACCES)` when the
    /// metadata would not be a multiple of 4 bytes or too long.
    pub fn adjust_meta(&mut self, mem: &mut Memory, delta: i64) -> Result<(), i64> {
        const EINVAL: i64 = 22;
        const EACCES: i64 = 13;
        let meta = offset(self.meta, delta).ok_or(EINVAL)?;
        if meta < XDP_FRAME_HEADER || meta > self.data {
            return Err(EINVAL);
        }
        let metalen = self.data - meta;
        if metalen % 4 != 0 || metalen > XDP_META_MAX {
            return Err(EACCES);
        }
        self.unmap(mem);
        self.meta = meta;
        self.map(mem);
        Ok(())
    }

    /// `bpf_xdp_adjust_tail`: moves `data_end` by `delta`; false (`-EINVAL`) when it
    /// would pass the tailroom or leave less than an Ethernet header. Grown bytes are zero.
    pub fn adjust_tail(&mut self, mem: &mut Memory, delta: i64) -> bool {
        let Some(end) = offset(self.end, delta) else {
            return false;
        };
        if end > self.hard_end || end < self.data + ETH_HLEN {
            return false;
        }
        self.unmap(mem);
        if end > self.end {
            if let Some(grown) = self.frame.get_mut(self.end..end) {
                grown.fill(0);
            }
        }
        self.end = end;
        self.map(mem);
        true
    }
}

fn offset(at: usize, delta: i64) -> Option<usize> {
    usize::try_from((at as i64).checked_add(delta)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdp_limits_follow_the_kernel() {
        let mut mem = Memory::new();
        let pkt = [0xaau8; 40];
        let mut b = PacketBuffer::xdp(&pkt);
        b.map(&mut mem);
        assert!(!b.adjust_head(&mut mem, -217));
        assert!(b.adjust_head(&mut mem, -216));
        assert_eq!(b.len(), 256);
        assert!(b.adjust_head(&mut mem, 216 + 26));
        assert!(!b.adjust_head(&mut mem, 1));
        assert_eq!(b.packet(&mem), [0xaa; 14]);
        let mut b = PacketBuffer::xdp(&pkt);
        b.map(&mut mem);
        assert!(!b.adjust_tail(&mut mem, 3481));
        assert!(b.adjust_tail(&mut mem, 3480));
        assert!(b.adjust_tail(&mut mem, -3480 - 26));
        assert!(!b.adjust_tail(&mut mem, -1));
        let mut b = PacketBuffer::xdp(&pkt);
        b.map(&mut mem);
        assert_eq!(b.adjust_meta(&mut mem, -2), Err(13));
        assert_eq!(b.adjust_meta(&mut mem, 4), Err(22));
        assert_eq!(b.adjust_meta(&mut mem, -220), Err(22));
        assert_eq!(b.adjust_meta(&mut mem, -8), Ok(()));
        assert_eq!(b.data_addr() - b.meta_addr(), 8);
        assert_eq!(b.metadata(&mem), [0; 8]);
    }

    #[test]
    fn writes_survive_remapping_and_meta_moves_with_data() {
        let mut mem = Memory::new();
        let mut b = PacketBuffer::xdp(&[1u8; 20]);
        b.map(&mut mem);
        assert_eq!(b.adjust_meta(&mut mem, -4), Ok(()));
        mem.write_bytes(b.meta_addr(), &[7, 7, 7, 7]).unwrap();
        mem.write_bytes(b.data_addr(), &[9]).unwrap();
        assert!(b.adjust_head(&mut mem, -10));
        assert_eq!(b.metadata(&mem), [7; 4]);
        let p = b.packet(&mem);
        assert_eq!(p.len(), 30);
        assert_eq!(p[10], 9);
    }
}
