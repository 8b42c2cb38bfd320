//! Link-layer types found in captures, and their conversion to Ethernet.
//!
//! The playground's programs (XDP, tc, socket filters) see Ethernet frames, so
//! every imported packet becomes one. Raw IP, BSD loopback and Linux cooked
//! captures get a synthetic 14-byte Ethernet header:
//!
//! - the EtherType is the one the capture names (SLL/SLL2 protocol field), or
//!   0x0800 / 0x86DD from the IP version nibble (raw IP, loopback);
//! - the source MAC is the sender's link-layer address when a cooked capture
//!   records a 6-byte one, else `00:00:00:00:00:00`;
//! - the destination MAC is `ff:ff:ff:ff:ff:ff` for packets the cooked
//!   capture marks as broadcast, else `00:00:00:00:00:00`.
//!
//! The original link type stays on the packet
//! ([`CapturedPacket::link_type`](super::CapturedPacket::link_type)).

use core::fmt;

use serde::{Deserialize, Serialize};

/// A capture's link-layer header type (LINKTYPE_* numbers from the pcap spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkType {
    /// 1: Ethernet II (and 802.3).
    Ethernet,
    /// 101 (also DLT_RAW 12 and 14): raw IPv4 or IPv6, told apart by the version nibble.
    RawIp,
    /// 228: raw IPv4.
    Ipv4,
    /// 229: raw IPv6.
    Ipv6,
    /// 113: Linux cooked capture v1 (16-byte header).
    LinuxSll,
    /// 276: Linux cooked capture v2 (20-byte header, with the interface index).
    LinuxSll2,
    /// 0: BSD loopback, address family in host byte order.
    Null,
    /// 108: OpenBSD loopback, address family in network byte order.
    Loop,
}

impl LinkType {
    /// The link type for a LINKTYPE_/DLT_ number, if it is one we convert.
    pub fn from_number(number: u32) -> Option<LinkType> {
        // Only the low 16 bits name the link type; pcap keeps FCS flags above them.
        Some(match number & 0xffff {
            1 => LinkType::Ethernet,
            12 | 14 | 101 => LinkType::RawIp,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            113 => LinkType::LinuxSll,
            276 => LinkType::LinuxSll2,
            0 => LinkType::Null,
            108 => LinkType::Loop,
            _ => return None,
        })
    }

    /// The LINKTYPE_ number written to a capture file.
    pub fn number(self) -> u32 {
        match self {
            LinkType::Ethernet => 1,
            LinkType::RawIp => 101,
            LinkType::Ipv4 => 228,
            LinkType::Ipv6 => 229,
            LinkType::LinuxSll => 113,
            LinkType::LinuxSll2 => 276,
            LinkType::Null => 0,
            LinkType::Loop => 108,
        }
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            LinkType::Ethernet => "Ethernet",
            LinkType::RawIp => "raw IP",
            LinkType::Ipv4 => "raw IPv4",
            LinkType::Ipv6 => "raw IPv6",
            LinkType::LinuxSll => "Linux cooked capture (SLL)",
            LinkType::LinuxSll2 => "Linux cooked capture v2 (SLL2)",
            LinkType::Null => "BSD loopback",
            LinkType::Loop => "OpenBSD loopback",
        };
        write!(f, "{name} ({})", self.number())
    }
}

/// Bytes of frame check sequence at the end of each packet, from a pcap
/// header's LinkType field (bit 26 says the length is given, bits 28-31 give
/// it in 16-bit words).
pub(crate) fn pcap_fcs_len(link_field: u32) -> usize {
    if link_field & (1 << 26) != 0 {
        ((link_field >> 28) & 0xf) as usize * 2
    } else {
        0
    }
}

/// Drops a trailing FCS of `fcs` bytes: from the data when the packet was
/// captured whole, and from the original length in any case (programs never
/// see the FCS: the NIC strips it).
pub(crate) fn strip_fcs(data: &[u8], orig_len: u32, fcs: usize) -> (&[u8], u32) {
    if fcs == 0 {
        return (data, orig_len);
    }
    let whole = data.len() as u64 >= u64::from(orig_len);
    let data = if whole {
        &data[..data.len().saturating_sub(fcs)]
    } else {
        data
    };
    let fcs32 = u32::try_from(fcs).unwrap_or(u32::MAX);
    (data, orig_len.saturating_sub(fcs32).max(data.len() as u32))
}

/// A packet converted to an Ethernet frame.
pub(crate) struct EthernetFrame {
    pub data: Vec<u8>,
    /// Bytes added (positive) or removed (negative) by the conversion, to
    /// adjust the original length by.
    pub len_delta: i64,
    pub ifindex: Option<u32>,
}

const ETH_HLEN: usize = 14;
const ARPHRD_ETHER: u16 = 1;
const ARPHRD_LOOPBACK: u16 = 772;
const PACKET_BROADCAST: u16 = 1;

fn frame(
    dst: [u8; 6],
    src: [u8; 6],
    ether_type: u16,
    body: &[u8],
    removed: usize,
) -> EthernetFrame {
    let mut data = Vec::with_capacity(ETH_HLEN + body.len());
    data.extend_from_slice(&dst);
    data.extend_from_slice(&src);
    data.extend_from_slice(&ether_type.to_be_bytes());
    data.extend_from_slice(body);
    EthernetFrame {
        data,
        len_delta: ETH_HLEN as i64 - removed as i64,
        ifindex: None,
    }
}

fn ip_ether_type(body: &[u8]) -> Result<u16, String> {
    match body.first().map(|b| b >> 4) {
        Some(4) => Ok(0x0800),
        Some(6) => Ok(0x86dd),
        Some(v) => Err(format!("raw IP packet with version {v}: expected 4 or 6")),
        None => Err("empty raw IP packet".to_string()),
    }
}

/// Turns one captured packet of `link` type into an Ethernet frame.
pub(crate) fn to_ethernet(link: LinkType, data: &[u8]) -> Result<EthernetFrame, String> {
    match link {
        LinkType::Ethernet => Ok(EthernetFrame {
            data: data.to_vec(),
            len_delta: 0,
            ifindex: None,
        }),
        LinkType::RawIp => Ok(frame([0; 6], [0; 6], ip_ether_type(data)?, data, 0)),
        LinkType::Ipv4 => Ok(frame([0; 6], [0; 6], 0x0800, data, 0)),
        LinkType::Ipv6 => Ok(frame([0; 6], [0; 6], 0x86dd, data, 0)),
        LinkType::Null | LinkType::Loop => {
            let Some(family) = data.get(..4) else {
                return Err(format!(
                    "loopback header needs 4 bytes, packet has {}",
                    data.len()
                ));
            };
            let family = [family[0], family[1], family[2], family[3]];
            let le = u32::from_le_bytes(family);
            let be = u32::from_be_bytes(family);
            let body = &data[4..];
            let ether_type = if le == 2 || be == 2 {
                0x0800
            } else if [10, 24, 28, 30].iter().any(|af| le == *af || be == *af) {
                0x86dd
            } else {
                ip_ether_type(body)?
            };
            Ok(frame([0; 6], [0; 6], ether_type, body, 4))
        }
        LinkType::LinuxSll => {
            const LEN: usize = 16;
            let Some(h) = data.get(..LEN) else {
                return Err(format!(
                    "Linux cooked header needs {LEN} bytes, packet has {}",
                    data.len()
                ));
            };
            let packet_type = u16::from_be_bytes([h[0], h[1]]);
            let hatype = u16::from_be_bytes([h[2], h[3]]);
            let addr_len = u16::from_be_bytes([h[4], h[5]]);
            let protocol = u16::from_be_bytes([h[14], h[15]]);
            cooked(
                packet_type,
                hatype,
                addr_len,
                &h[6..12],
                protocol,
                &data[LEN..],
                LEN,
            )
        }
        LinkType::LinuxSll2 => {
            const LEN: usize = 20;
            let Some(h) = data.get(..LEN) else {
                return Err(format!(
                    "Linux cooked v2 header needs {LEN} bytes, packet has {}",
                    data.len()
                ));
            };
            let protocol = u16::from_be_bytes([h[0], h[1]]);
            let ifindex = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
            let hatype = u16::from_be_bytes([h[8], h[9]]);
            let packet_type = u16::from(h[10]);
            let addr_len = u16::from(h[11]);
            let mut out = cooked(
                packet_type,
                hatype,
                addr_len,
                &h[12..18],
                protocol,
                &data[LEN..],
                LEN,
            )?;
            out.ifindex = Some(ifindex);
            Ok(out)
        }
    }
}

fn cooked(
    packet_type: u16,
    hatype: u16,
    addr_len: u16,
    addr: &[u8],
    protocol: u16,
    body: &[u8],
    header_len: usize,
) -> Result<EthernetFrame, String> {
    if protocol < 0x0600 {
        // 1 = 802.3 frames, 4 = 802.2 LLC, 0x000c CAN, ...: no EtherType to give them.
        return Err(format!(
            "Linux cooked capture protocol 0x{protocol:04x} is not an EtherType; only EtherType payloads convert to Ethernet"
        ));
    }
    let mut src = [0u8; 6];
    if addr_len == 6 && matches!(hatype, ARPHRD_ETHER | ARPHRD_LOOPBACK) {
        src.copy_from_slice(addr);
    }
    let dst = if packet_type == PACKET_BROADCAST {
        [0xff; 6]
    } else {
        [0; 6]
    };
    Ok(frame(dst, src, protocol, body, header_len))
}
