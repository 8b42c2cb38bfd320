//! The layered packet description: what the playground's packet builder edits,
//! stores and shares as JSON.
//!
//! A [`PacketSpec`] names each layer's fields and leaves out what follows from
//! the layers themselves (EtherTypes, IP protocol numbers, lengths and
//! checksums); [`PacketSpec::to_bytes`](crate::PacketSpec::to_bytes) fills
//! those in. Every struct deserialises with defaults for missing fields, so a
//! shared link written by an older playground still loads.
//!
//! In JSON, a layer is named by its key and fields left out take their
//! defaults; layers without fields are plain strings (serde's externally
//! tagged enums, chosen because they compile to much less wasm than
//! internally tagged ones):
//!
//! ```json
//! {"vlan": {"vid": 100},
//!  "network": {"ipv4": {"dst": "192.0.2.1"}},
//!  "transport": {"tcp": {"dst_port": 443, "flags": {"syn": true},
//!                        "options": [{"mss": {"value": 1460}}, "sack_permitted"]}},
//!  "payload": {"hex": "de ad be ef"}}
//! ```

use core::fmt;
use core::str::FromStr;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 48-bit Ethernet (MAC) address; written `02:00:00:00:00:01` in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// The broadcast address `ff:ff:ff:ff:ff:ff`.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MacAddr({self})")
    }
}

/// Why a text is not a MAC address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacAddrParseError(String);

impl fmt::Display for MacAddrParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid MAC address `{}`: expected six hex bytes such as 02:00:00:00:00:01",
            self.0
        )
    }
}

impl std::error::Error for MacAddrParseError {}

impl FromStr for MacAddr {
    type Err = MacAddrParseError;

    /// Accepts `02:00:00:00:00:01`, `02-00-00-00-00-01` and `020000000001`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || MacAddrParseError(s.to_string());
        let digits: Vec<u8> = s
            .trim()
            .bytes()
            .filter(|b| *b != b':' && *b != b'-')
            .collect();
        if digits.len() != 12 {
            return Err(err());
        }
        let mut out = [0u8; 6];
        for (i, pair) in digits.chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0]).ok_or_else(err)?;
            let lo = hex_value(pair[1]).ok_or_else(err)?;
            out[i] = (hi << 4) | lo;
        }
        Ok(MacAddr(out))
    }
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl Serialize for MacAddr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MacAddr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One packet, layer by layer, outermost first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PacketSpec {
    /// The Ethernet II header.
    pub ethernet: EthernetSpec,
    /// An optional 802.1Q VLAN tag between the MAC addresses and the EtherType.
    pub vlan: Option<VlanSpec>,
    /// The layer carried by Ethernet (ARP, IPv4, IPv6, or none).
    pub network: Network,
    /// The layer carried by IP (TCP, UDP, ICMP, or none).
    pub transport: Transport,
    /// The bytes after the last header.
    pub payload: Payload,
    /// Pad the frame with zeros to the 60-byte Ethernet minimum (without FCS),
    /// as a NIC does on the wire; the padding is not counted in IP lengths.
    pub pad_to_min_frame: bool,
}

impl Default for PacketSpec {
    /// A UDP datagram from 10.0.0.1:12345 to 10.0.0.2:53 carrying "hello".
    fn default() -> Self {
        PacketSpec {
            ethernet: EthernetSpec::default(),
            vlan: None,
            network: Network::Ipv4(Ipv4Spec::default()),
            transport: Transport::Udp(UdpSpec::default()),
            payload: Payload::Text("hello".to_string()),
            pad_to_min_frame: false,
        }
    }
}

/// Ethernet II header fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EthernetSpec {
    /// Destination MAC address.
    pub dst: MacAddr,
    /// Source MAC address.
    pub src: MacAddr,
    /// The EtherType to write; `None` derives it from [`PacketSpec::network`]
    /// (required when the network layer is [`Network::None`]).
    pub ether_type: Option<u16>,
}

impl Default for EthernetSpec {
    fn default() -> Self {
        EthernetSpec {
            dst: MacAddr([0x02, 0, 0, 0, 0, 0x02]),
            src: MacAddr([0x02, 0, 0, 0, 0, 0x01]),
            ether_type: None,
        }
    }
}

/// An 802.1Q tag (TPID 0x8100).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VlanSpec {
    /// Priority code point, 0..=7.
    pub pcp: u8,
    /// Drop eligible indicator.
    pub dei: bool,
    /// VLAN identifier, 0..=4095.
    pub vid: u16,
}

/// The layer Ethernet carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// No network header: the payload follows the EtherType directly.
    None,
    /// An Ethernet/IPv4 ARP packet.
    Arp(ArpSpec),
    /// An IPv4 header (no options).
    Ipv4(Ipv4Spec),
    /// An IPv6 header (no extension headers).
    Ipv6(Ipv6Spec),
}

impl Default for Network {
    fn default() -> Self {
        Network::Ipv4(Ipv4Spec::default())
    }
}

/// ARP operation code for a request.
pub const ARP_REQUEST: u16 = 1;
/// ARP operation code for a reply.
pub const ARP_REPLY: u16 = 2;

/// An ARP packet for Ethernet hardware and IPv4 protocol addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArpSpec {
    /// Operation: [`ARP_REQUEST`] (1) or [`ARP_REPLY`] (2), or any other code.
    pub operation: u16,
    /// Sender hardware address.
    pub sender_mac: MacAddr,
    /// Sender protocol address.
    pub sender_ip: Ipv4Addr,
    /// Target hardware address (zero in a request).
    pub target_mac: MacAddr,
    /// Target protocol address.
    pub target_ip: Ipv4Addr,
}

impl Default for ArpSpec {
    fn default() -> Self {
        ArpSpec {
            operation: ARP_REQUEST,
            sender_mac: MacAddr([0x02, 0, 0, 0, 0, 0x01]),
            sender_ip: Ipv4Addr::new(10, 0, 0, 1),
            target_mac: MacAddr::default(),
            target_ip: Ipv4Addr::new(10, 0, 0, 2),
        }
    }
}

/// IPv4 header fields; total length, IHL and header checksum are computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ipv4Spec {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Time to live.
    pub ttl: u8,
    /// Differentiated services code point, 0..=63.
    pub dscp: u8,
    /// Explicit congestion notification, 0..=3.
    pub ecn: u8,
    /// Identification.
    pub identification: u16,
    /// The DF flag.
    pub dont_fragment: bool,
    /// The MF flag.
    pub more_fragments: bool,
    /// Fragment offset in 8-byte units, 0..=8191.
    pub fragment_offset: u16,
    /// The protocol number to write; `None` derives it from
    /// [`PacketSpec::transport`] (required when the transport is [`Transport::None`]).
    pub protocol: Option<u8>,
}

impl Default for Ipv4Spec {
    fn default() -> Self {
        Ipv4Spec {
            src: Ipv4Addr::new(10, 0, 0, 1),
            dst: Ipv4Addr::new(10, 0, 0, 2),
            ttl: 64,
            dscp: 0,
            ecn: 0,
            identification: 0,
            dont_fragment: true,
            more_fragments: false,
            fragment_offset: 0,
            protocol: None,
        }
    }
}

/// IPv6 header fields; the payload length is computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ipv6Spec {
    /// Source address.
    pub src: Ipv6Addr,
    /// Destination address.
    pub dst: Ipv6Addr,
    /// Hop limit.
    pub hop_limit: u8,
    /// Traffic class (DSCP and ECN).
    pub traffic_class: u8,
    /// Flow label, 0..=0xfffff.
    pub flow_label: u32,
    /// The next-header number to write; `None` derives it from
    /// [`PacketSpec::transport`] (required when the transport is [`Transport::None`]).
    pub next_header: Option<u8>,
}

impl Default for Ipv6Spec {
    fn default() -> Self {
        Ipv6Spec {
            src: Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1),
            dst: Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2),
            hop_limit: 64,
            traffic_class: 0,
            flow_label: 0,
            next_header: None,
        }
    }
}

/// The layer IP carries.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// No transport header: the payload follows the IP header.
    #[default]
    None,
    /// A TCP header (no options).
    Tcp(TcpSpec),
    /// A UDP header.
    Udp(UdpSpec),
    /// An ICMP message (over IPv4 only).
    Icmpv4(Icmpv4Message),
    /// An ICMPv6 message (over IPv6 only).
    Icmpv6(Icmpv6Message),
}

/// TCP header fields; data offset and checksum are computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TcpSpec {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number.
    pub ack: u32,
    /// Control flags.
    pub flags: TcpFlags,
    /// Receive window.
    pub window: u16,
    /// Urgent pointer.
    pub urgent_pointer: u16,
    /// Options, in order (at most 40 bytes; padded to a 4-byte boundary).
    pub options: Vec<TcpOption>,
}

/// A TCP option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TcpOption {
    /// Kind 1: no-operation, aligns the next option.
    Nop,
    /// Kind 2: maximum segment size.
    Mss {
        /// Bytes.
        value: u16,
    },
    /// Kind 3: window scale.
    WindowScale {
        /// Shift count (0..=14).
        shift: u8,
    },
    /// Kind 4: selective acknowledgement permitted.
    SackPermitted,
    /// Kind 8: timestamps.
    Timestamps {
        /// TSval.
        value: u32,
        /// TSecr.
        echo_reply: u32,
    },
}

impl Default for TcpSpec {
    fn default() -> Self {
        TcpSpec {
            src_port: 12345,
            dst_port: 80,
            seq: 1,
            ack: 0,
            flags: TcpFlags {
                syn: true,
                ..TcpFlags::default()
            },
            window: 65535,
            urgent_pointer: 0,
            options: Vec::new(),
        }
    }
}

/// TCP control flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TcpFlags {
    /// FIN: no more data from sender.
    pub fin: bool,
    /// SYN: synchronise sequence numbers.
    pub syn: bool,
    /// RST: reset the connection.
    pub rst: bool,
    /// PSH: push function.
    pub psh: bool,
    /// ACK: the acknowledgment field is significant.
    pub ack: bool,
    /// URG: the urgent pointer is significant.
    pub urg: bool,
    /// ECE: ECN echo.
    pub ece: bool,
    /// CWR: congestion window reduced.
    pub cwr: bool,
}

/// UDP header fields; length and checksum are computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UdpSpec {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
}

impl Default for UdpSpec {
    fn default() -> Self {
        UdpSpec {
            src_port: 12345,
            dst_port: 53,
        }
    }
}

/// An ICMP (v4) message header; the checksum is computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Icmpv4Message {
    /// Type 8: echo request (ping).
    EchoRequest {
        /// Identifier.
        id: u16,
        /// Sequence number.
        seq: u16,
    },
    /// Type 0: echo reply.
    EchoReply {
        /// Identifier.
        id: u16,
        /// Sequence number.
        seq: u16,
    },
    /// Type 3: destination unreachable.
    DestinationUnreachable {
        /// Code (3 = port unreachable, 4 = fragmentation needed, ...).
        code: u8,
    },
    /// Type 11: time exceeded.
    TimeExceeded {
        /// Code (0 = TTL exceeded in transit).
        code: u8,
    },
    /// Any type and code, with the four bytes after the checksum given as a
    /// big-endian number.
    Other {
        /// Type.
        icmp_type: u8,
        /// Code.
        code: u8,
        /// Bytes 4..8 of the header.
        rest_of_header: u32,
    },
}

impl Default for Icmpv4Message {
    fn default() -> Self {
        Icmpv4Message::EchoRequest { id: 1, seq: 1 }
    }
}

/// An ICMPv6 message header; the checksum (with the IPv6 pseudo header) is computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Icmpv6Message {
    /// Type 128: echo request.
    EchoRequest {
        /// Identifier.
        id: u16,
        /// Sequence number.
        seq: u16,
    },
    /// Type 129: echo reply.
    EchoReply {
        /// Identifier.
        id: u16,
        /// Sequence number.
        seq: u16,
    },
    /// Type 1: destination unreachable.
    DestinationUnreachable {
        /// Code (4 = port unreachable, ...).
        code: u8,
    },
    /// Type 2: packet too big.
    PacketTooBig {
        /// The MTU of the next-hop link.
        mtu: u32,
    },
    /// Type 3: time exceeded.
    TimeExceeded {
        /// Code (0 = hop limit exceeded in transit).
        code: u8,
    },
    /// Any type and code (e.g. neighbour discovery, with its body as the
    /// payload), with the four bytes after the checksum as a big-endian number.
    Other {
        /// Type.
        icmp_type: u8,
        /// Code.
        code: u8,
        /// Bytes 4..8 of the header.
        rest_of_header: u32,
    },
}

impl Default for Icmpv6Message {
    fn default() -> Self {
        Icmpv6Message::EchoRequest { id: 1, seq: 1 }
    }
}

/// The bytes after the last header.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payload {
    /// No payload.
    #[default]
    Empty,
    /// Hex digits, read like [`crate::hex::parse_plain_hex`] (spaces, newlines,
    /// `0x` prefixes and commas allowed).
    Hex(String),
    /// Text, encoded as UTF-8.
    Text(String),
}
