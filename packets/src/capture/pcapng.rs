//! pcapng files.
//!
//! `pcap-file` splits the file into blocks (following each section's byte
//! order) and decodes section headers, interface descriptions and packet
//! blocks. It hands back an enhanced packet block's timestamp as a
//! `Duration` of nanoseconds whatever the interface's `if_tsresol` says, so
//! the raw 64-bit count is taken back out of it and scaled here by the
//! interface's resolution (default microseconds) and `if_tsoffset`.

use std::borrow::Cow;
use std::time::Duration;

use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::{Block, PcapNgParser, PcapNgWriter};
use pcap_file::{DataLink, PcapError};

use super::link::{strip_fcs, to_ethernet, LinkType};
use super::{CaptureError, CapturedPacket};

/// What a packet block needs to know about its interface.
struct Interface {
    link: Result<LinkType, u32>,
    /// Timestamp units per second.
    units_per_second: u128,
    /// Seconds to add to every timestamp.
    offset_seconds: u64,
    /// Bytes of frame check sequence at the end of each packet (`if_fcslen`).
    fcs_len: usize,
}

fn interface(idb: &InterfaceDescriptionBlock) -> Interface {
    let number = u32::from(idb.linktype);
    let mut units_per_second: u128 = 1_000_000;
    let mut offset_seconds = 0;
    let mut fcs_len = 0;
    for option in &idb.options {
        match option {
            InterfaceDescriptionOption::IfTsResol(resol) => {
                let exponent = u32::from(resol & 0x7f);
                let base: u128 = if resol & 0x80 == 0 { 10 } else { 2 };
                // Past 10^30 or 2^96 units a second no 64-bit count means anything;
                // clamp rather than overflow.
                units_per_second = base.checked_pow(exponent.min(96)).unwrap_or(u128::MAX);
            }
            InterfaceDescriptionOption::IfTsOffset(offset) => offset_seconds = *offset,
            InterfaceDescriptionOption::IfFcsLen(len) => fcs_len = usize::from(*len),
            _ => {}
        }
    }
    Interface {
        link: LinkType::from_number(number).ok_or(number),
        units_per_second: units_per_second.max(1),
        offset_seconds,
        fcs_len,
    }
}

fn block_error(offset: usize, err: PcapError) -> CaptureError {
    match err {
        PcapError::IncompleteBuffer => {
            CaptureError::new(offset, "block truncated: the file ends inside it")
        }
        other => CaptureError::new(offset, format!("pcapng block: {other}")),
    }
}

pub(crate) fn read(bytes: &[u8]) -> Result<Vec<CapturedPacket>, CaptureError> {
    let (mut rest, mut parser) = PcapNgParser::new(bytes).map_err(|e| block_error(0, e))?;
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut packets = Vec::new();
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        let (next, block) = parser
            .next_block(rest)
            .map_err(|e| block_error(offset, e))?;
        rest = next;
        let (interface_id, raw_timestamp, data, orig_len) = match block {
            Block::SectionHeader(_) => {
                interfaces.clear();
                continue;
            }
            Block::InterfaceDescription(idb) => {
                interfaces.push(interface(&idb));
                continue;
            }
            Block::EnhancedPacket(EnhancedPacketBlock {
                interface_id,
                timestamp,
                original_len,
                data,
                ..
            }) => (
                interface_id,
                // pcap-file stored the raw count as nanoseconds; take it back.
                u64::try_from(timestamp.as_nanos()).unwrap_or(u64::MAX),
                data,
                original_len,
            ),
            Block::Packet(block) => (
                u32::from(block.interface_id),
                block.timestamp,
                block.data,
                block.original_len,
            ),
            Block::SimplePacket(block) => {
                // The block body is padded to 4 bytes; the packet is at most original_len.
                let keep = block.data.len().min(block.original_len as usize);
                let data = match block.data {
                    Cow::Borrowed(d) => Cow::Borrowed(&d[..keep]),
                    Cow::Owned(mut d) => {
                        d.truncate(keep);
                        Cow::Owned(d)
                    }
                };
                (0, 0, data, block.original_len)
            }
            _ => continue,
        };
        let number = packets.len() + 1;
        let Some(iface) = interfaces.get(interface_id as usize) else {
            return Err(CaptureError::new(
                offset,
                format!(
                    "packet {number} names interface {interface_id}, but the section describes {}",
                    interfaces.len()
                ),
            ));
        };
        let link = iface.link.map_err(|n| {
            CaptureError::new(
                offset,
                format!(
                    "packet {number}: link type {n} is not supported: expected Ethernet (1), raw IP (101, 228, 229), Linux cooked capture (113, 276) or loopback (0, 108)"
                ),
            )
        })?;
        let captured = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let (data, orig_len) = strip_fcs(&data, orig_len.max(captured), iface.fcs_len);
        let frame = to_ethernet(link, data)
            .map_err(|m| CaptureError::new(offset, format!("packet {number}: {m}")))?;
        let orig = i64::from(orig_len) + frame.len_delta;
        let timestamp_ns = u128::from(raw_timestamp) * 1_000_000_000 / iface.units_per_second
            + u128::from(iface.offset_seconds) * 1_000_000_000;
        packets.push(CapturedPacket {
            timestamp_ns: u64::try_from(timestamp_ns).unwrap_or(u64::MAX),
            orig_len: u32::try_from(orig.max(frame.data.len() as i64)).unwrap_or(u32::MAX),
            data: frame.data,
            link_type: link,
            ifindex: frame.ifindex,
        });
    }
    Ok(packets)
}

pub(crate) fn write(packets: &[CapturedPacket]) -> Result<Vec<u8>, CaptureError> {
    let mut writer = PcapNgWriter::new(Vec::new())
        .map_err(|e| CaptureError::new(0, format!("pcapng section header: {e}")))?;
    let interface = InterfaceDescriptionBlock {
        linktype: DataLink::ETHERNET,
        snaplen: 0,
        options: vec![InterfaceDescriptionOption::IfTsResol(9)],
    };
    writer
        .write_pcapng_block(interface)
        .map_err(|e| CaptureError::new(0, format!("pcapng interface block: {e}")))?;
    for (index, packet) in packets.iter().enumerate() {
        let offset = writer.get_ref().len();
        let captured = u32::try_from(packet.data.len())
            .map_err(|_| CaptureError::new(offset, format!("packet {} is too long", index + 1)))?;
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: Duration::from_nanos(packet.timestamp_ns),
            original_len: packet.orig_len.max(captured),
            data: Cow::Borrowed(&packet.data),
            options: vec![],
        };
        writer
            .write_pcapng_block(block)
            .map_err(|e| CaptureError::new(offset, format!("packet {}: {e}", index + 1)))?;
    }
    Ok(writer.into_inner())
}
