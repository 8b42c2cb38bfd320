//! Classic pcap files.
//!
//! `pcap-file` reads the file header (all four magics) and each record's
//! 16-byte header in the file's byte order, and writes files. Records are read
//! as raw records and validated here rather than through
//! `pcap_file::pcap::PcapPacket`, because that type rejects a record whose
//! original length exceeds the snap length, which is exactly what a capture
//! taken with `tcpdump -s N` contains.

use std::borrow::Cow;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapParser, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

use super::link::{pcap_fcs_len, strip_fcs, to_ethernet, LinkType};
use super::{CaptureError, CapturedPacket, PcapOptions};

const FILE_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

pub(crate) fn read(bytes: &[u8]) -> Result<Vec<CapturedPacket>, CaptureError> {
    if bytes.len() < FILE_HEADER_LEN {
        return Err(CaptureError::new(
            0,
            format!(
                "pcap file header truncated: needs {FILE_HEADER_LEN} bytes, file has {}",
                bytes.len()
            ),
        ));
    }
    let (mut rest, parser) = PcapParser::new(bytes)
        .map_err(|e| CaptureError::new(0, format!("pcap file header: {e}")))?;
    let header = parser.header();
    let link_number = u32::from(header.datalink);
    let link = LinkType::from_number(link_number).ok_or_else(|| {
        CaptureError::new(
            20,
            format!(
                "link type {link_number} is not supported: expected Ethernet (1), raw IP (101, 228, 229), Linux cooked capture (113, 276) or loopback (0, 108)"
            ),
        )
    })?;
    let fcs = pcap_fcs_len(link_number);
    let frac_to_ns: u64 = match header.ts_resolution {
        TsResolution::MicroSecond => 1_000,
        TsResolution::NanoSecond => 1,
    };

    let mut packets = Vec::new();
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        if rest.len() < RECORD_HEADER_LEN {
            return Err(CaptureError::new(
                offset,
                format!(
                    "packet {} record header truncated: needs {RECORD_HEADER_LEN} bytes, {} left",
                    packets.len() + 1,
                    rest.len()
                ),
            ));
        }
        let (next, record) = parser.next_raw_packet(rest).map_err(|_| {
            let incl_len = read_u32(rest, 8, header.endianness);
            CaptureError::new(
                offset,
                format!(
                    "packet {} data truncated: the record holds {incl_len} bytes, {} left",
                    packets.len() + 1,
                    rest.len() - RECORD_HEADER_LEN
                ),
            )
        })?;
        let captured = u32::try_from(record.data.len()).unwrap_or(u32::MAX);
        let (data, orig_len) = strip_fcs(&record.data, record.orig_len.max(captured), fcs);
        let frame = to_ethernet(link, data)
            .map_err(|m| CaptureError::new(offset, format!("packet {}: {m}", packets.len() + 1)))?;
        let orig_len = i64::from(orig_len) + frame.len_delta;
        packets.push(CapturedPacket {
            timestamp_ns: u64::from(record.ts_sec) * 1_000_000_000
                + u64::from(record.ts_frac) * frac_to_ns,
            orig_len: u32::try_from(orig_len.max(frame.data.len() as i64)).unwrap_or(u32::MAX),
            data: frame.data,
            link_type: link,
            ifindex: frame.ifindex,
        });
        rest = next;
    }
    Ok(packets)
}

fn read_u32(bytes: &[u8], at: usize, endianness: Endianness) -> u32 {
    let word = bytes
        .get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .unwrap_or([0; 4]);
    match endianness {
        Endianness::Big => u32::from_be_bytes(word),
        Endianness::Little => u32::from_le_bytes(word),
    }
}

pub(crate) fn write(
    packets: &[CapturedPacket],
    options: PcapOptions,
) -> Result<Vec<u8>, CaptureError> {
    let longest = packets.iter().map(|p| p.data.len()).max().unwrap_or(0);
    let snaplen = u32::try_from(longest.max(65_535))
        .map_err(|_| CaptureError::new(0, "a packet is longer than 4 GiB"))?;
    let header = PcapHeader {
        snaplen,
        datalink: DataLink::ETHERNET,
        ts_resolution: if options.nanosecond {
            TsResolution::NanoSecond
        } else {
            TsResolution::MicroSecond
        },
        endianness: if options.big_endian {
            Endianness::Big
        } else {
            Endianness::Little
        },
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(Vec::new(), header)
        .map_err(|e| CaptureError::new(0, format!("pcap file header: {e}")))?;
    let mut offset = FILE_HEADER_LEN;
    for (index, packet) in packets.iter().enumerate() {
        let captured = u32::try_from(packet.data.len()).unwrap_or(u32::MAX);
        let record = PcapPacket {
            timestamp: Duration::from_nanos(packet.timestamp_ns),
            orig_len: packet.orig_len.max(captured),
            data: Cow::Borrowed(&packet.data),
        };
        offset += writer
            .write_packet(&record)
            .map_err(|e| CaptureError::new(offset, format!("packet {}: {e}", index + 1)))?;
    }
    Ok(writer.into_writer())
}
