//! Capture files: pcap and pcapng in, pcap (and pcapng) out.
//!
//! [`read_capture`] recognises the format by its first four bytes: the pcap
//! magic in either byte order with microsecond (`a1b2c3d4`) or nanosecond
//! (`a1b23c4d`) timestamps, or the pcapng section header (`0a0d0d0a`, either
//! byte order, several sections allowed). Packets of every supported
//! [`LinkType`] become Ethernet frames (see [`link`] for how). Errors carry the
//! byte offset of the record or block that could not be read.

pub mod link;
mod pcap;
mod pcapng;

use core::fmt;

use serde::{Deserialize, Serialize};

pub use link::LinkType;

/// One packet from a capture, as an Ethernet frame (serialisable, e.g. to
/// hand a capture to a web worker).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedPacket {
    /// Capture time, nanoseconds since the Unix epoch.
    pub timestamp_ns: u64,
    /// The frame, starting at the destination MAC address (converted to
    /// Ethernet if the capture used another link type).
    pub data: Vec<u8>,
    /// The frame's length on the wire; more than `data.len()` when the
    /// capture kept only the first bytes (snap length).
    pub orig_len: u32,
    /// The link type the capture recorded the packet with.
    pub link_type: LinkType,
    /// The receiving interface's index, when the capture recorded it
    /// (Linux cooked capture v2).
    pub ifindex: Option<u32>,
}

impl CapturedPacket {
    /// An Ethernet frame captured at `timestamp_ns`, complete (not snapped).
    pub fn new(timestamp_ns: u64, data: Vec<u8>) -> CapturedPacket {
        let orig_len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        CapturedPacket {
            timestamp_ns,
            data,
            orig_len,
            link_type: LinkType::Ethernet,
            ifindex: None,
        }
    }
}

/// The container format of a capture file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaptureFormat {
    /// Classic pcap.
    Pcap {
        /// Nanosecond timestamps (magic `a1b23c4d`) rather than microsecond.
        nanosecond: bool,
        /// Big-endian fields.
        big_endian: bool,
    },
    /// pcapng.
    PcapNg,
}

/// Where and why a capture could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureError {
    /// Byte offset in the file of the header, record or block at fault.
    pub offset: usize,
    /// What was expected and what was found.
    pub message: String,
}

impl CaptureError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> CaptureError {
        CaptureError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte offset {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for CaptureError {}

/// The format of a capture from its first bytes, or `None` if it is neither
/// pcap nor pcapng.
pub fn detect_format(bytes: &[u8]) -> Option<CaptureFormat> {
    let magic: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    Some(match u32::from_be_bytes(magic) {
        0xa1b2_c3d4 => CaptureFormat::Pcap {
            nanosecond: false,
            big_endian: true,
        },
        0xd4c3_b2a1 => CaptureFormat::Pcap {
            nanosecond: false,
            big_endian: false,
        },
        0xa1b2_3c4d => CaptureFormat::Pcap {
            nanosecond: true,
            big_endian: true,
        },
        0x4d3c_b2a1 => CaptureFormat::Pcap {
            nanosecond: true,
            big_endian: false,
        },
        0x0a0d_0d0a => CaptureFormat::PcapNg,
        _ => return None,
    })
}

/// Reads every packet of a pcap or pcapng file, as Ethernet frames.
pub fn read_capture(bytes: &[u8]) -> Result<Vec<CapturedPacket>, CaptureError> {
    match detect_format(bytes) {
        Some(CaptureFormat::Pcap { .. }) => pcap::read(bytes),
        Some(CaptureFormat::PcapNg) => pcapng::read(bytes),
        None => {
            let shown: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
            Err(CaptureError::new(
                0,
                format!(
                    "not a pcap or pcapng file: starts with `{}`, expected the magic a1b2c3d4, a1b23c4d (either byte order) or 0a0d0d0a",
                    shown.join(" ")
                ),
            ))
        }
    }
}

/// How [`write_pcap_with`] lays out a pcap file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcapOptions {
    /// Nanosecond timestamps (magic `a1b23c4d`) rather than microsecond.
    pub nanosecond: bool,
    /// Big-endian fields rather than little-endian.
    pub big_endian: bool,
}

impl Default for PcapOptions {
    /// Microseconds, little-endian: what tcpdump writes on x86 and every tool reads.
    fn default() -> Self {
        PcapOptions {
            nanosecond: false,
            big_endian: false,
        }
    }
}

/// Writes Ethernet frames as a pcap file (microsecond timestamps, little-endian).
pub fn write_pcap(packets: &[CapturedPacket]) -> Result<Vec<u8>, CaptureError> {
    write_pcap_with(packets, PcapOptions::default())
}

/// Writes Ethernet frames as a pcap file laid out as `options` says.
pub fn write_pcap_with(
    packets: &[CapturedPacket],
    options: PcapOptions,
) -> Result<Vec<u8>, CaptureError> {
    pcap::write(packets, options)
}

/// Writes Ethernet frames as a pcapng file: one section (little-endian), one
/// Ethernet interface with nanosecond timestamps, one enhanced packet block
/// per packet.
pub fn write_pcapng(packets: &[CapturedPacket]) -> Result<Vec<u8>, CaptureError> {
    pcapng::write(packets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames() -> Vec<CapturedPacket> {
        vec![
            CapturedPacket::new(1_700_000_000_123_456_000, (0u8..60).collect()),
            CapturedPacket {
                orig_len: 1514,
                ..CapturedPacket::new(1_700_000_001_000_001_000, vec![0xab; 64])
            },
            CapturedPacket::new(5, vec![1, 2, 3]),
        ]
    }

    /// A pcap file laid out byte by byte, without pcap-file.
    fn pcap_bytes(
        big_endian: bool,
        nano: bool,
        link: u32,
        records: &[(u32, u32, &[u8], u32)],
    ) -> Vec<u8> {
        let u32b = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u16b = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut out = Vec::new();
        out.extend(u32b(if nano { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
        out.extend(u16b(2));
        out.extend(u16b(4));
        out.extend(u32b(0));
        out.extend(u32b(0));
        out.extend(u32b(96)); // snaplen
        out.extend(u32b(link));
        for (sec, frac, data, orig) in records {
            out.extend(u32b(*sec));
            out.extend(u32b(*frac));
            out.extend(u32b(data.len() as u32));
            out.extend(u32b(*orig));
            out.extend_from_slice(data);
        }
        out
    }

    #[test]
    fn pcap_round_trip_in_all_four_layouts() {
        for nanosecond in [false, true] {
            for big_endian in [false, true] {
                let options = PcapOptions {
                    nanosecond,
                    big_endian,
                };
                let bytes = write_pcap_with(&frames(), options).unwrap();
                assert_eq!(
                    detect_format(&bytes),
                    Some(CaptureFormat::Pcap {
                        nanosecond,
                        big_endian
                    })
                );
                let back = read_capture(&bytes).unwrap();
                let mut want = frames();
                if !nanosecond {
                    want[2].timestamp_ns = 0; // 5 ns is below microsecond resolution
                }
                assert_eq!(back, want, "{options:?}");
            }
        }
    }

    #[test]
    fn hand_laid_pcap_in_both_byte_orders_and_resolutions() {
        let data: Vec<u8> = (0..20).collect();
        for big_endian in [false, true] {
            for (nano, frac, want_ns) in [(false, 250_000, 250_000_000), (true, 7, 7)] {
                // orig_len 1000 > snaplen 96: a `tcpdump -s 96` capture.
                let bytes = pcap_bytes(big_endian, nano, 1, &[(3, frac, &data, 1000)]);
                let packets = read_capture(&bytes).unwrap();
                assert_eq!(packets.len(), 1);
                assert_eq!(packets[0].timestamp_ns, 3_000_000_000 + want_ns);
                assert_eq!(packets[0].data, data);
                assert_eq!(packets[0].orig_len, 1000);
                assert_eq!(packets[0].link_type, LinkType::Ethernet);
            }
        }
    }

    #[test]
    fn pcap_errors_name_the_byte_offset() {
        let data = [0u8; 20];
        let bytes = pcap_bytes(false, false, 1, &[(1, 0, &data, 20), (2, 0, &data, 20)]);
        let err = read_capture(&bytes[..10]).unwrap_err();
        assert_eq!(err.offset, 0);
        assert!(err.message.contains("file header truncated"), "{err}");
        // The second record starts at 24 + 16 + 20 = 60.
        let err = read_capture(&bytes[..70]).unwrap_err();
        assert_eq!(err.offset, 60);
        assert_eq!(
            err.to_string(),
            "at byte offset 60: packet 2 record header truncated: needs 16 bytes, 10 left"
        );
        let err = read_capture(&bytes[..bytes.len() - 1]).unwrap_err();
        assert_eq!(err.offset, 60);
        assert!(err.message.contains("holds 20 bytes, 19 left"), "{err}");
        let err = read_capture(b"GIF89a").unwrap_err();
        assert_eq!(err.offset, 0);
        assert!(err.message.contains("`47 49 46 38`"), "{err}");
        let wifi = pcap_bytes(false, false, 105, &[]);
        let err = read_capture(&wifi).unwrap_err();
        assert_eq!(err.offset, 20);
        assert!(err.message.contains("link type 105"), "{err}");
    }

    #[test]
    fn frame_check_sequences_are_stripped() {
        let mut frame: Vec<u8> = (0..60).collect();
        frame.extend([0xde, 0xad, 0xbe, 0xef]); // FCS
                                                // LinkType Ethernet, F bit, FCS length 2 words.
        let field = 1 | (1 << 26) | (2 << 28);
        let bytes = pcap_bytes(
            false,
            false,
            field,
            &[(0, 0, &frame, 64), (0, 0, &frame[..40], 64)],
        );
        let packets = read_capture(&bytes).unwrap();
        assert_eq!(packets[0].data, frame[..60]);
        assert_eq!(packets[0].orig_len, 60);
        // Snapped: the FCS was not captured, only the original length shrinks.
        assert_eq!(packets[1].data, frame[..40]);
        assert_eq!(packets[1].orig_len, 60);
        assert_eq!(packets[1].link_type, LinkType::Ethernet);
    }

    #[test]
    fn raw_ip_loopback_and_cooked_captures_become_ethernet() {
        let ipv4 = [
            0x45u8, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        let mut ipv6 = vec![0x60u8, 0, 0, 0];
        ipv6.extend([0; 36]);

        let raw = pcap_bytes(true, false, 101, &[(0, 0, &ipv4, 20), (0, 0, &ipv6, 40)]);
        let packets = read_capture(&raw).unwrap();
        assert_eq!(&packets[0].data[12..14], &[0x08, 0x00]);
        assert_eq!(&packets[0].data[14..], &ipv4);
        assert_eq!(packets[0].orig_len, 34);
        assert_eq!(packets[0].link_type, LinkType::RawIp);
        assert_eq!(&packets[1].data[12..14], &[0x86, 0xdd]);

        let mut null = 2u32.to_le_bytes().to_vec();
        null.extend(ipv4);
        let packets = read_capture(&pcap_bytes(false, false, 0, &[(0, 0, &null, 24)])).unwrap();
        assert_eq!(
            &packets[0].data[12..],
            &{
                let mut v = vec![0x08, 0x00];
                v.extend(ipv4);
                v
            }[..]
        );
        assert_eq!(packets[0].orig_len, 34);

        // SLL: broadcast (1), ARPHRD_ETHER, 6-byte address, protocol IPv4.
        let mut sll = vec![0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 7, 0, 0, 8, 0];
        sll.extend(ipv4);
        let packets = read_capture(&pcap_bytes(false, false, 113, &[(0, 0, &sll, 36)])).unwrap();
        assert_eq!(
            &packets[0].data[..14],
            &[255, 255, 255, 255, 255, 255, 2, 0, 0, 0, 0, 7, 8, 0]
        );
        assert_eq!(packets[0].data.len(), 34);
        assert_eq!(packets[0].ifindex, None);

        // SLL2: protocol IPv6, ifindex 3, ARPHRD_ETHER, to us (0), 6-byte address.
        let mut sll2 = vec![
            0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 8, 0, 0,
        ];
        sll2.extend(&ipv6);
        let packets = read_capture(&pcap_bytes(false, true, 276, &[(0, 0, &sll2, 60)])).unwrap();
        assert_eq!(
            &packets[0].data[..14],
            &[0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 8, 0x86, 0xdd]
        );
        assert_eq!(packets[0].ifindex, Some(3));
        assert_eq!(packets[0].orig_len, 54);
        assert_eq!(packets[0].link_type, LinkType::LinuxSll2);

        // SLL carrying 802.2 LLC has no EtherType: an error at the record.
        let mut llc = sll.clone();
        llc[14..16].copy_from_slice(&[0, 4]);
        let err = read_capture(&pcap_bytes(false, false, 113, &[(0, 0, &llc, 36)])).unwrap_err();
        assert_eq!(err.offset, 24);
        assert!(err.message.contains("0x0004"), "{err}");
    }

    /// A pcapng block laid out byte by byte.
    fn block(big_endian: bool, kind: u32, body: &[u8]) -> Vec<u8> {
        let u32b = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut padded = body.to_vec();
        padded.resize(body.len().div_ceil(4) * 4, 0);
        let len = 12 + padded.len() as u32;
        let mut out = u32b(kind).to_vec();
        out.extend(u32b(len));
        out.extend(padded);
        out.extend(u32b(len));
        out
    }

    fn pcapng_bytes(
        big_endian: bool,
        tsresol: Option<u8>,
        link: u16,
        timestamp: u64,
        data: &[u8],
    ) -> Vec<u8> {
        let u32b = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u16b = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut shb = u32b(0x1a2b_3c4d).to_vec();
        shb.extend(u16b(1));
        shb.extend(u16b(0));
        shb.extend([0xff; 8]); // section length unknown
        let mut idb = u16b(link).to_vec();
        idb.extend(u16b(0));
        idb.extend(u32b(0));
        if let Some(resol) = tsresol {
            idb.extend(u16b(9));
            idb.extend(u16b(1));
            idb.extend([resol, 0, 0, 0]);
            idb.extend([0, 0, 0, 0]); // opt_endofopt
        }
        let mut epb = u32b(0).to_vec();
        epb.extend(u32b((timestamp >> 32) as u32));
        epb.extend(u32b(timestamp as u32));
        epb.extend(u32b(data.len() as u32));
        epb.extend(u32b(data.len() as u32 + 100));
        epb.extend(data);
        let mut out = block(big_endian, 0x0a0d_0d0a, &shb);
        out.extend(block(big_endian, 1, &idb));
        out.extend(block(big_endian, 6, &epb));
        out
    }

    #[test]
    fn pcapng_in_both_byte_orders_with_timestamp_resolutions() {
        let data: Vec<u8> = (0..30).collect();
        for big_endian in [false, true] {
            for (resol, raw, want_ns) in [
                (None, 1_500_000u64, 1_500_000_000u64), // default: microseconds
                (Some(9), 42, 42),
                (Some(3), 2, 2_000_000),
                (Some(0x80 | 10), 1024, 1_000_000_000), // 2^-10 s units
            ] {
                let bytes = pcapng_bytes(big_endian, resol, 1, raw, &data);
                assert_eq!(detect_format(&bytes), Some(CaptureFormat::PcapNg));
                let packets = read_capture(&bytes).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(packets.len(), 1);
                assert_eq!(packets[0].timestamp_ns, want_ns, "{resol:?}");
                assert_eq!(packets[0].data, data);
                assert_eq!(packets[0].orig_len, 130);
            }
        }
    }

    #[test]
    fn pcapng_if_fcslen_is_stripped() {
        let mut frame: Vec<u8> = (0..60).collect();
        frame.extend([1, 2, 3, 4]);
        let mut shb = 0x1a2b_3c4du32.to_le_bytes().to_vec();
        shb.extend([1, 0, 0, 0]);
        shb.extend([0xff; 8]);
        let mut idb = vec![1, 0, 0, 0, 0, 0, 0, 0];
        idb.extend([13, 0, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0]); // if_fcslen = 4, end of options
        let mut epb = vec![0u8; 12];
        epb.extend(64u32.to_le_bytes());
        epb.extend(64u32.to_le_bytes());
        epb.extend(&frame);
        let mut bytes = block(false, 0x0a0d_0d0a, &shb);
        bytes.extend(block(false, 1, &idb));
        bytes.extend(block(false, 6, &epb));
        let packets = read_capture(&bytes).unwrap();
        assert_eq!(packets[0].data, frame[..60]);
        assert_eq!(packets[0].orig_len, 60);
    }

    #[test]
    fn pcapng_simple_and_obsolete_packet_blocks() {
        let data: Vec<u8> = (0..22).collect();
        let mut bytes = pcapng_bytes(true, Some(9), 1, 5, &data);
        // Simple packet block: original length, then the data padded to 4 bytes.
        let mut spb = 22u32.to_be_bytes().to_vec();
        spb.extend(&data);
        bytes.extend(block(true, 3, &spb));
        // Obsolete packet block: interface (u16), drops (u16), timestamp, lengths, data.
        let mut pb = vec![0, 0, 0, 0];
        pb.extend(0u32.to_be_bytes());
        pb.extend(77u32.to_be_bytes());
        pb.extend(22u32.to_be_bytes());
        pb.extend(60u32.to_be_bytes());
        pb.extend(&data);
        bytes.extend(block(true, 2, &pb));
        let packets = read_capture(&bytes).unwrap();
        assert_eq!(packets.len(), 3);
        assert_eq!(packets[1].data, data, "padding is not packet data");
        assert_eq!(packets[1].timestamp_ns, 0);
        assert_eq!(packets[2].data, data);
        assert_eq!(packets[2].timestamp_ns, 77);
        assert_eq!(packets[2].orig_len, 60);
    }

    #[test]
    fn pcapng_errors_name_the_byte_offset() {
        let data = [0u8; 30];
        let bytes = pcapng_bytes(false, None, 1, 0, &data);
        let epb_offset = 28 + 20;
        let err = read_capture(&bytes[..bytes.len() - 3]).unwrap_err();
        assert_eq!(err.offset, epb_offset, "{err}");
        let mut unknown_if = bytes.clone();
        unknown_if[epb_offset + 8] = 4; // interface 4 of 1
        let err = read_capture(&unknown_if).unwrap_err();
        assert_eq!(err.offset, epb_offset);
        assert!(err.message.contains("interface 4"), "{err}");
        let mut bad_trailer = bytes.clone();
        let last = bad_trailer.len() - 4;
        bad_trailer[last] ^= 0x40;
        let err = read_capture(&bad_trailer).unwrap_err();
        assert_eq!(err.offset, epb_offset);
        let sll2 = pcapng_bytes(true, None, 276, 0, &data[..10]);
        let err = read_capture(&sll2).unwrap_err();
        assert!(err.message.contains("needs 20 bytes"), "{err}");
    }

    #[test]
    fn pcapng_round_trip() {
        let bytes = write_pcapng(&frames()).unwrap();
        assert_eq!(read_capture(&bytes).unwrap(), frames());
    }
}
