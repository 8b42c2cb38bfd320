//! Turning a [`PacketSpec`] into wire bytes.
//!
//! Headers are built with `etherparse`'s header types, which compute the
//! lengths and the checksums (IPv4 header checksum, TCP/UDP/ICMPv6 with their
//! pseudo headers, ICMPv4); this module only decides which headers follow
//! which and what the derived numbers (EtherType, protocol) are.

use core::fmt;

use etherparse::{
    ArpEthIpv4Packet, ArpOperation, EtherType, Ethernet2Header, IcmpEchoHeader, Icmpv4Header,
    Icmpv4Type, Icmpv6Header, Icmpv6Type, IpDscp, IpEcn, IpFragOffset, IpNumber, Ipv4Header,
    Ipv6FlowLabel, Ipv6Header, SingleVlanHeader, TcpHeader, UdpHeader, VlanId, VlanPcp,
};

use crate::hex::{parse_plain_hex, HexError};
use crate::spec::{
    Icmpv4Message, Icmpv6Message, Ipv4Spec, Ipv6Spec, Network, PacketSpec, Payload, TcpSpec,
    Transport, UdpSpec,
};

/// The shortest Ethernet frame without its 4-byte FCS.
pub const MIN_FRAME_LEN: usize = 60;

/// Why a [`PacketSpec`] cannot be turned into bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// A field holds a value its header cannot carry.
    OutOfRange {
        /// The field, e.g. `vlan.vid`.
        field: &'static str,
        /// The value given.
        value: u64,
        /// The largest value the field can carry.
        max: u64,
    },
    /// The layers do not fit together (e.g. TCP over ARP, ICMPv6 over IPv4),
    /// or a number that cannot be derived was not given.
    Layers(String),
    /// The payload is too long for a length field.
    TooLong {
        /// The length field, e.g. `IPv4 total length`.
        field: &'static str,
        /// The length that did not fit.
        len: usize,
    },
    /// The hex payload is not valid hex.
    PayloadHex(HexError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::OutOfRange { field, value, max } => {
                write!(f, "{field} = {value} is out of range (at most {max})")
            }
            BuildError::Layers(message) => f.write_str(message),
            BuildError::TooLong { field, len } => {
                write!(f, "{len} bytes do not fit in the {field} field")
            }
            BuildError::PayloadHex(err) => write!(f, "payload: {err}"),
        }
    }
}

impl std::error::Error for BuildError {}

fn out_of_range(field: &'static str, value: u64, max: u64) -> BuildError {
    BuildError::OutOfRange { field, value, max }
}

fn too_long(field: &'static str, len: usize) -> BuildError {
    BuildError::TooLong { field, len }
}

impl Payload {
    /// The payload's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, BuildError> {
        match self {
            Payload::Empty => Ok(Vec::new()),
            Payload::Hex(text) => parse_plain_hex(text).map_err(BuildError::PayloadHex),
            Payload::Text(text) => Ok(text.as_bytes().to_vec()),
        }
    }
}

impl PacketSpec {
    /// The frame's bytes, starting at the destination MAC address, with every
    /// length and checksum filled in.
    pub fn to_bytes(&self) -> Result<Vec<u8>, BuildError> {
        let payload = self.payload.to_bytes()?;
        let (ether_type, network) = match &self.network {
            Network::None => {
                if !matches!(self.transport, Transport::None) {
                    return Err(BuildError::Layers(
                        "a transport layer needs an IPv4 or IPv6 network layer".to_string(),
                    ));
                }
                let ether_type = self.ethernet.ether_type.ok_or_else(|| {
                    BuildError::Layers(
                        "without a network layer, set ethernet.ether_type".to_string(),
                    )
                })?;
                (ether_type, payload)
            }
            Network::Arp(arp) => {
                if !matches!(self.transport, Transport::None) {
                    return Err(BuildError::Layers(
                        "ARP carries no transport layer".to_string(),
                    ));
                }
                let packet = ArpEthIpv4Packet {
                    operation: ArpOperation(arp.operation),
                    sender_mac: arp.sender_mac.0,
                    sender_ipv4: arp.sender_ip.octets(),
                    target_mac: arp.target_mac.0,
                    target_ipv4: arp.target_ip.octets(),
                };
                let mut bytes = packet.to_bytes().to_vec();
                bytes.extend_from_slice(&payload);
                (EtherType::ARP.0, bytes)
            }
            Network::Ipv4(ip) => (
                EtherType::IPV4.0,
                build_ipv4(ip, &self.transport, &payload)?,
            ),
            Network::Ipv6(ip) => (
                EtherType::IPV6.0,
                build_ipv6(ip, &self.transport, &payload)?,
            ),
        };
        let ether_type = self.ethernet.ether_type.unwrap_or(ether_type);

        let mut frame = Vec::with_capacity(18 + network.len());
        match &self.vlan {
            None => {
                let eth = Ethernet2Header {
                    destination: self.ethernet.dst.0,
                    source: self.ethernet.src.0,
                    ether_type: EtherType(ether_type),
                };
                frame.extend_from_slice(&eth.to_bytes());
            }
            Some(vlan) => {
                let eth = Ethernet2Header {
                    destination: self.ethernet.dst.0,
                    source: self.ethernet.src.0,
                    ether_type: EtherType::VLAN_TAGGED_FRAME,
                };
                let tag = SingleVlanHeader {
                    pcp: VlanPcp::try_new(vlan.pcp)
                        .map_err(|_| out_of_range("vlan.pcp", vlan.pcp.into(), 7))?,
                    drop_eligible_indicator: vlan.dei,
                    vlan_id: VlanId::try_new(vlan.vid)
                        .map_err(|_| out_of_range("vlan.vid", vlan.vid.into(), 4095))?,
                    ether_type: EtherType(ether_type),
                };
                frame.extend_from_slice(&eth.to_bytes());
                frame.extend_from_slice(&tag.to_bytes());
            }
        }
        frame.extend_from_slice(&network);
        if self.pad_to_min_frame && frame.len() < MIN_FRAME_LEN {
            frame.resize(MIN_FRAME_LEN, 0);
        }
        Ok(frame)
    }
}

/// What the transport layer contributes: its protocol number and a function
/// of the finished IP header that yields the transport header bytes.
fn transport_protocol(transport: &Transport, explicit: Option<u8>) -> Result<u8, BuildError> {
    if let Some(protocol) = explicit {
        return Ok(protocol);
    }
    match transport {
        Transport::None => Err(BuildError::Layers(
            "without a transport layer, set the IP protocol / next header".to_string(),
        )),
        Transport::Tcp(_) => Ok(IpNumber::TCP.0),
        Transport::Udp(_) => Ok(IpNumber::UDP.0),
        Transport::Icmpv4(_) => Ok(IpNumber::ICMP.0),
        Transport::Icmpv6(_) => Ok(IpNumber::IPV6_ICMP.0),
    }
}

fn transport_header_len(transport: &Transport) -> usize {
    match transport {
        Transport::None => 0,
        Transport::Tcp(_) => TcpHeader::MIN_LEN,
        Transport::Udp(_) => UdpHeader::LEN,
        Transport::Icmpv4(_) | Transport::Icmpv6(_) => 8,
    }
}

fn tcp_header(tcp: &TcpSpec) -> TcpHeader {
    let mut header = TcpHeader::new(tcp.src_port, tcp.dst_port, tcp.seq, tcp.window);
    header.acknowledgment_number = tcp.ack;
    header.fin = tcp.flags.fin;
    header.syn = tcp.flags.syn;
    header.rst = tcp.flags.rst;
    header.psh = tcp.flags.psh;
    header.ack = tcp.flags.ack;
    header.urg = tcp.flags.urg;
    header.ece = tcp.flags.ece;
    header.cwr = tcp.flags.cwr;
    header.urgent_pointer = tcp.urgent_pointer;
    header
}

fn udp_ports(udp: &UdpSpec) -> (u16, u16) {
    (udp.src_port, udp.dst_port)
}

fn icmpv4_type(message: &Icmpv4Message) -> Icmpv4Type {
    match *message {
        Icmpv4Message::EchoRequest { id, seq } => {
            Icmpv4Type::EchoRequest(IcmpEchoHeader { id, seq })
        }
        Icmpv4Message::EchoReply { id, seq } => Icmpv4Type::EchoReply(IcmpEchoHeader { id, seq }),
        Icmpv4Message::DestinationUnreachable { code } => Icmpv4Type::Unknown {
            type_u8: 3,
            code_u8: code,
            bytes5to8: [0; 4],
        },
        Icmpv4Message::TimeExceeded { code } => Icmpv4Type::Unknown {
            type_u8: 11,
            code_u8: code,
            bytes5to8: [0; 4],
        },
        Icmpv4Message::Other {
            icmp_type,
            code,
            rest_of_header,
        } => Icmpv4Type::Unknown {
            type_u8: icmp_type,
            code_u8: code,
            bytes5to8: rest_of_header.to_be_bytes(),
        },
    }
}

fn icmpv6_type(message: &Icmpv6Message) -> Icmpv6Type {
    let (type_u8, code_u8, rest) = match *message {
        Icmpv6Message::EchoRequest { id, seq } => {
            return Icmpv6Type::EchoRequest(IcmpEchoHeader { id, seq })
        }
        Icmpv6Message::EchoReply { id, seq } => {
            return Icmpv6Type::EchoReply(IcmpEchoHeader { id, seq })
        }
        Icmpv6Message::DestinationUnreachable { code } => (1, code, 0),
        Icmpv6Message::PacketTooBig { mtu } => (2, 0, mtu),
        Icmpv6Message::TimeExceeded { code } => (3, code, 0),
        Icmpv6Message::Other {
            icmp_type,
            code,
            rest_of_header,
        } => (icmp_type, code, rest_of_header),
    };
    Icmpv6Type::Unknown {
        type_u8,
        code_u8,
        bytes5to8: rest.to_be_bytes(),
    }
}

fn build_ipv4(ip: &Ipv4Spec, transport: &Transport, payload: &[u8]) -> Result<Vec<u8>, BuildError> {
    let protocol = transport_protocol(transport, ip.protocol)?;
    let ip_payload_len = transport_header_len(transport) + payload.len();
    let mut header = Ipv4Header::new(
        0,
        ip.ttl,
        IpNumber(protocol),
        ip.src.octets(),
        ip.dst.octets(),
    )
    .map_err(|_| too_long("IPv4 total length", ip_payload_len))?;
    header.dscp =
        IpDscp::try_new(ip.dscp).map_err(|_| out_of_range("ipv4.dscp", ip.dscp.into(), 63))?;
    header.ecn = IpEcn::try_new(ip.ecn).map_err(|_| out_of_range("ipv4.ecn", ip.ecn.into(), 3))?;
    header.identification = ip.identification;
    header.dont_fragment = ip.dont_fragment;
    header.more_fragments = ip.more_fragments;
    header.fragment_offset = IpFragOffset::try_new(ip.fragment_offset)
        .map_err(|_| out_of_range("ipv4.fragment_offset", ip.fragment_offset.into(), 8191))?;
    header
        .set_payload_len(ip_payload_len)
        .map_err(|_| too_long("IPv4 total length", ip_payload_len))?;
    header.header_checksum = header.calc_header_checksum();

    let mut out = header.to_bytes().to_vec();
    match transport {
        Transport::None => {}
        Transport::Tcp(tcp) => {
            let mut tcp = tcp_header(tcp);
            tcp.checksum = tcp
                .calc_checksum_ipv4(&header, payload)
                .map_err(|_| too_long("TCP pseudo-header length", ip_payload_len))?;
            out.extend_from_slice(&tcp.to_bytes());
        }
        Transport::Udp(udp) => {
            let (src, dst) = udp_ports(udp);
            let udp = UdpHeader::with_ipv4_checksum(src, dst, &header, payload)
                .map_err(|_| too_long("UDP length", ip_payload_len))?;
            out.extend_from_slice(&udp.to_bytes());
        }
        Transport::Icmpv4(message) => {
            let icmp = Icmpv4Header::with_checksum(icmpv4_type(message), payload);
            out.extend_from_slice(&icmp.to_bytes());
        }
        Transport::Icmpv6(_) => {
            return Err(BuildError::Layers(
                "ICMPv6 needs an IPv6 network layer (use ICMPv4 over IPv4)".to_string(),
            ))
        }
    }
    out.extend_from_slice(payload);
    Ok(out)
}

fn build_ipv6(ip: &Ipv6Spec, transport: &Transport, payload: &[u8]) -> Result<Vec<u8>, BuildError> {
    let next_header = transport_protocol(transport, ip.next_header)?;
    let ip_payload_len = transport_header_len(transport) + payload.len();
    let mut header = Ipv6Header {
        traffic_class: ip.traffic_class,
        flow_label: Ipv6FlowLabel::try_new(ip.flow_label)
            .map_err(|_| out_of_range("ipv6.flow_label", ip.flow_label.into(), 0xfffff))?,
        payload_length: 0,
        next_header: IpNumber(next_header),
        hop_limit: ip.hop_limit,
        source: ip.src.octets(),
        destination: ip.dst.octets(),
    };
    header
        .set_payload_length(ip_payload_len)
        .map_err(|_| too_long("IPv6 payload length", ip_payload_len))?;

    let mut out = header.to_bytes().to_vec();
    match transport {
        Transport::None => {}
        Transport::Tcp(tcp) => {
            let mut tcp = tcp_header(tcp);
            tcp.checksum = tcp
                .calc_checksum_ipv6(&header, payload)
                .map_err(|_| too_long("TCP pseudo-header length", ip_payload_len))?;
            out.extend_from_slice(&tcp.to_bytes());
        }
        Transport::Udp(udp) => {
            let (src, dst) = udp_ports(udp);
            let udp = UdpHeader::with_ipv6_checksum(src, dst, &header, payload)
                .map_err(|_| too_long("UDP length", ip_payload_len))?;
            out.extend_from_slice(&udp.to_bytes());
        }
        Transport::Icmpv6(message) => {
            let icmp = Icmpv6Header::with_checksum(
                icmpv6_type(message),
                header.source,
                header.destination,
                payload,
            )
            .map_err(|_| too_long("ICMPv6 pseudo-header length", ip_payload_len))?;
            out.extend_from_slice(&icmp.to_bytes());
        }
        Transport::Icmpv4(_) => {
            return Err(BuildError::Layers(
                "ICMPv4 needs an IPv4 network layer (use ICMPv6 over IPv6)".to_string(),
            ))
        }
    }
    out.extend_from_slice(payload);
    Ok(out)
}
