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

pub use link::LinkType;

/// One packet from a capture, as an Ethernet frame.
#[derive(Clone, Debug, PartialEq, Eq)]
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
