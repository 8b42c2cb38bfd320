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
    Ipv6FlowLabel, Ipv6Header, SingleVlanHeader, TcpHeader, TcpOptionElement, UdpHeader, VlanId,
    VlanPcp,
};

use crate::hex::{parse_plain_hex, HexError};
use crate::spec::{
    Icmpv4Message, Icmpv6Message, Ipv4Spec, Ipv6Spec, Network, PacketSpec, Payload, TcpOption,
    TcpSpec, Transport,
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

/// The IP protocol / next-header number: the one given, else the transport's.
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

/// The transport header's length, needed for the IP length before the
/// transport header (whose checksum covers the IP addresses) is built.
fn transport_header_len(transport: &Transport) -> usize {
    match transport {
        Transport::None => 0,
        Transport::Tcp(tcp) => {
            TcpHeader::MIN_LEN
                + tcp
                    .options
                    .iter()
                    .map(TcpOption::wire_len)
                    .sum::<usize>()
                    .div_ceil(4)
                    * 4
        }
        Transport::Udp(_) => UdpHeader::LEN,
        Transport::Icmpv4(_) | Transport::Icmpv6(_) => 8,
    }
}

fn tcp_header(tcp: &TcpSpec) -> Result<TcpHeader, BuildError> {
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
    let options: Vec<TcpOptionElement> = tcp
        .options
        .iter()
        .map(|option| match *option {
            TcpOption::Nop => TcpOptionElement::Noop,
            TcpOption::Mss { value } => TcpOptionElement::MaximumSegmentSize(value),
            TcpOption::WindowScale { shift } => TcpOptionElement::WindowScale(shift),
            TcpOption::SackPermitted => TcpOptionElement::SelectiveAcknowledgementPermitted,
            TcpOption::Timestamps { value, echo_reply } => {
                TcpOptionElement::Timestamp(value, echo_reply)
            }
        })
        .collect();
    header.set_options(&options).map_err(|_| {
        let len = tcp.options.iter().map(TcpOption::wire_len).sum();
        BuildError::TooLong {
            field: "TCP options (40 bytes at most)",
            len,
        }
    })?;
    Ok(header)
}

impl TcpOption {
    /// Bytes the option takes in the header.
    pub fn wire_len(&self) -> usize {
        match self {
            TcpOption::Nop => 1,
            TcpOption::Mss { .. } => 4,
            TcpOption::WindowScale { .. } => 3,
            TcpOption::SackPermitted => 2,
            TcpOption::Timestamps { .. } => 10,
        }
    }
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
    push_transport(&mut out, transport, Pseudo::V4(&header), payload)?;
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
    push_transport(&mut out, transport, Pseudo::V6(&header), payload)?;
    out.extend_from_slice(payload);
    Ok(out)
}

/// The network header whose addresses a transport checksum covers.
#[derive(Clone, Copy)]
enum Pseudo<'a> {
    V4(&'a Ipv4Header),
    V6(&'a Ipv6Header),
}

/// Appends the transport header of `transport` to `out`, its checksum over
/// the pseudo-header of `ip` and `payload`.
fn push_transport(
    out: &mut Vec<u8>,
    transport: &Transport,
    ip: Pseudo<'_>,
    payload: &[u8],
) -> Result<(), BuildError> {
    let len = transport_header_len(transport) + payload.len();
    match (transport, ip) {
        (Transport::None, _) => {}
        (Transport::Tcp(tcp), _) => {
            let mut tcp = tcp_header(tcp)?;
            let checksum = match ip {
                Pseudo::V4(h) => tcp.calc_checksum_ipv4(h, payload),
                Pseudo::V6(h) => tcp.calc_checksum_ipv6(h, payload),
            };
            tcp.checksum = checksum.map_err(|_| too_long("TCP pseudo-header length", len))?;
            out.extend_from_slice(&tcp.to_bytes());
        }
        (Transport::Udp(udp), _) => {
            let (src, dst) = (udp.src_port, udp.dst_port);
            let udp = match ip {
                Pseudo::V4(h) => UdpHeader::with_ipv4_checksum(src, dst, h, payload),
                Pseudo::V6(h) => UdpHeader::with_ipv6_checksum(src, dst, h, payload),
            };
            let udp = udp.map_err(|_| too_long("UDP length", len))?;
            out.extend_from_slice(&udp.to_bytes());
        }
        (Transport::Icmpv4(message), Pseudo::V4(_)) => {
            let icmp = Icmpv4Header::with_checksum(icmpv4_type(message), payload);
            out.extend_from_slice(&icmp.to_bytes());
        }
        (Transport::Icmpv6(message), Pseudo::V6(h)) => {
            let icmp =
                Icmpv6Header::with_checksum(icmpv6_type(message), h.source, h.destination, payload)
                    .map_err(|_| too_long("ICMPv6 pseudo-header length", len))?;
            out.extend_from_slice(&icmp.to_bytes());
        }
        (Transport::Icmpv6(_), Pseudo::V4(_)) => {
            return Err(BuildError::Layers(
                "ICMPv6 needs an IPv6 network layer (use ICMPv4 over IPv4)".to_string(),
            ))
        }
        (Transport::Icmpv4(_), Pseudo::V6(_)) => {
            return Err(BuildError::Layers(
                "ICMPv4 needs an IPv4 network layer (use ICMPv6 over IPv6)".to_string(),
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;
    use crate::spec::{
        ArpSpec, EthernetSpec, MacAddr, TcpFlags, TcpOption, UdpSpec, VlanSpec, ARP_REPLY,
    };

    /// RFC 1071 sum written out plainly, independent of etherparse.
    fn ones_complement_sum(chunks: &[&[u8]]) -> u16 {
        let mut sum: u32 = 0;
        for chunk in chunks {
            for pair in chunk.chunks(2) {
                let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                sum += u32::from(word);
            }
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        sum as u16
    }

    fn pseudo_v4(frame: &[u8], ip: usize, protocol: u8, len: usize) -> Vec<u8> {
        let mut p = frame[ip + 12..ip + 20].to_vec();
        p.extend([0, protocol]);
        p.extend((len as u16).to_be_bytes());
        p
    }

    fn pseudo_v6(frame: &[u8], ip: usize, protocol: u8, len: usize) -> Vec<u8> {
        let mut p = frame[ip + 8..ip + 40].to_vec();
        p.extend((len as u32).to_be_bytes());
        p.extend([0, 0, 0, protocol]);
        p
    }

    fn spec(network: Network, transport: Transport, payload: Payload) -> PacketSpec {
        PacketSpec {
            network,
            transport,
            payload,
            ..PacketSpec::default()
        }
    }

    #[test]
    fn ipv4_header_matches_a_known_header() {
        // A header with a published checksum: 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7.
        let frame = spec(
            Network::Ipv4(Ipv4Spec {
                src: Ipv4Addr::new(192, 168, 0, 1),
                dst: Ipv4Addr::new(192, 168, 0, 199),
                ..Ipv4Spec::default()
            }),
            Transport::Udp(UdpSpec::default()),
            Payload::Hex("00".repeat(0x73 - 28)),
        )
        .to_bytes()
        .unwrap();
        assert_eq!(
            frame[14..34],
            [
                0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7
            ]
        );
        assert_eq!(&frame[12..14], &[0x08, 0x00]);
    }

    #[test]
    fn udp_over_ipv4_lengths_and_checksums() {
        let frame = PacketSpec::default().to_bytes().unwrap();
        assert_eq!(frame.len(), 14 + 20 + 8 + 5);
        assert_eq!(ones_complement_sum(&[&frame[14..34]]), 0xffff);
        assert_eq!(u16::from_be_bytes([frame[16], frame[17]]), 33);
        assert_eq!(u16::from_be_bytes([frame[38], frame[39]]), 13);
        assert_eq!(&frame[42..], b"hello");
        let pseudo = pseudo_v4(&frame, 14, 17, 13);
        assert_eq!(ones_complement_sum(&[&pseudo, &frame[34..]]), 0xffff);
    }

    #[test]
    fn tcp_over_ipv6_with_flags() {
        let tcp = TcpSpec {
            src_port: 40000,
            dst_port: 443,
            seq: 0x01020304,
            ack: 0x0a0b0c0d,
            flags: TcpFlags {
                ack: true,
                psh: true,
                ..TcpFlags::default()
            },
            window: 512,
            urgent_pointer: 0,
            options: Vec::new(),
        };
        let frame = spec(
            Network::Ipv6(Ipv6Spec::default()),
            Transport::Tcp(tcp),
            Payload::Text("GET /".to_string()),
        )
        .to_bytes()
        .unwrap();
        assert_eq!(&frame[12..14], &[0x86, 0xdd]);
        assert_eq!(frame.len(), 14 + 40 + 20 + 5);
        assert_eq!(u16::from_be_bytes([frame[18], frame[19]]), 25);
        assert_eq!(frame[20], 6);
        let tcp = &frame[54..];
        assert_eq!(&tcp[0..4], &[0x9c, 0x40, 0x01, 0xbb]);
        assert_eq!(&tcp[4..12], &[1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d]);
        assert_eq!(tcp[12], 0x50);
        assert_eq!(tcp[13], 0x18);
        let pseudo = pseudo_v6(&frame, 14, 6, 25);
        assert_eq!(ones_complement_sum(&[&pseudo, tcp]), 0xffff);
    }

    #[test]
    fn tcp_options_like_a_linux_syn() {
        let tcp = TcpSpec {
            options: vec![
                TcpOption::Mss { value: 1460 },
                TcpOption::SackPermitted,
                TcpOption::Timestamps {
                    value: 0x01020304,
                    echo_reply: 0,
                },
                TcpOption::Nop,
                TcpOption::WindowScale { shift: 7 },
            ],
            ..TcpSpec::default()
        };
        let frame = spec(
            Network::Ipv4(Ipv4Spec::default()),
            Transport::Tcp(tcp),
            Payload::Empty,
        )
        .to_bytes()
        .unwrap();
        assert_eq!(frame.len(), 14 + 20 + 40);
        assert_eq!(u16::from_be_bytes([frame[16], frame[17]]), 60);
        assert_eq!(frame[46], 0xa0); // data offset 10 words
        assert_eq!(
            &frame[54..74],
            &[2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7]
        );
        let pseudo = pseudo_v4(&frame, 14, 6, 40);
        assert_eq!(ones_complement_sum(&[&pseudo, &frame[34..]]), 0xffff);

        // Options are padded to a 4-byte boundary.
        let one = TcpSpec {
            options: vec![TcpOption::WindowScale { shift: 2 }],
            ..TcpSpec::default()
        };
        let frame = spec(
            Network::Ipv6(Ipv6Spec::default()),
            Transport::Tcp(one),
            Payload::Empty,
        )
        .to_bytes()
        .unwrap();
        assert_eq!(frame.len(), 14 + 40 + 24);
        assert_eq!(u16::from_be_bytes([frame[18], frame[19]]), 24);

        let too_many = TcpSpec {
            options: vec![
                TcpOption::Timestamps {
                    value: 0,
                    echo_reply: 0
                };
                5
            ],
            ..TcpSpec::default()
        };
        let err = spec(
            Network::Ipv4(Ipv4Spec::default()),
            Transport::Tcp(too_many),
            Payload::Empty,
        )
        .to_bytes()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "50 bytes do not fit in the TCP options (40 bytes at most) field"
        );
    }

    #[test]
    fn icmp_echo_over_both_ip_versions() {
        let v4 = spec(
            Network::Ipv4(Ipv4Spec::default()),
            Transport::Icmpv4(Icmpv4Message::EchoRequest { id: 7, seq: 9 }),
            Payload::Text("ping".to_string()),
        )
        .to_bytes()
        .unwrap();
        assert_eq!(v4[23], 1);
        assert_eq!(&v4[34..36], &[8, 0]);
        assert_eq!(&v4[38..42], &[0, 7, 0, 9]);
        assert_eq!(ones_complement_sum(&[&v4[34..]]), 0xffff);

        let v6 = spec(
            Network::Ipv6(Ipv6Spec::default()),
            Transport::Icmpv6(Icmpv6Message::PacketTooBig { mtu: 1280 }),
            Payload::Hex("60 00 00 00".to_string()),
        )
        .to_bytes()
        .unwrap();
        assert_eq!(v6[20], 58);
        assert_eq!(&v6[54..56], &[2, 0]);
        assert_eq!(&v6[58..62], &1280u32.to_be_bytes());
        let pseudo = pseudo_v6(&v6, 14, 58, 12);
        assert_eq!(ones_complement_sum(&[&pseudo, &v6[54..]]), 0xffff);
    }

    #[test]
    fn arp_reply_layout() {
        let arp = ArpSpec {
            operation: ARP_REPLY,
            sender_mac: MacAddr([2, 0, 0, 0, 0, 9]),
            sender_ip: Ipv4Addr::new(10, 0, 0, 9),
            target_mac: MacAddr([2, 0, 0, 0, 0, 1]),
            target_ip: Ipv4Addr::new(10, 0, 0, 1),
        };
        let frame = PacketSpec {
            ethernet: EthernetSpec {
                dst: MacAddr::BROADCAST,
                ..EthernetSpec::default()
            },
            network: Network::Arp(arp),
            transport: Transport::None,
            payload: Payload::Empty,
            pad_to_min_frame: true,
            ..PacketSpec::default()
        }
        .to_bytes()
        .unwrap();
        assert_eq!(frame.len(), MIN_FRAME_LEN);
        assert_eq!(&frame[12..14], &[0x08, 0x06]);
        assert_eq!(&frame[14..22], &[0, 1, 8, 0, 6, 4, 0, 2]);
        assert_eq!(&frame[28..32], &[10, 0, 0, 9]);
        assert_eq!(&frame[38..42], &[10, 0, 0, 1]);
        assert!(frame[42..].iter().all(|b| *b == 0));
    }

    #[test]
    fn vlan_tag_sits_before_the_ether_type() {
        let frame = PacketSpec {
            vlan: Some(VlanSpec {
                pcp: 5,
                dei: true,
                vid: 100,
            }),
            ..PacketSpec::default()
        }
        .to_bytes()
        .unwrap();
        assert_eq!(&frame[12..18], &[0x81, 0x00, 0xb0, 0x64, 0x08, 0x00]);
        assert_eq!(frame[18], 0x45);
    }

    #[test]
    fn raw_protocol_and_ether_type_overrides() {
        let frame = PacketSpec {
            ethernet: EthernetSpec {
                ether_type: Some(0x88b5),
                ..EthernetSpec::default()
            },
            network: Network::None,
            transport: Transport::None,
            payload: Payload::Hex("01 02".to_string()),
            ..PacketSpec::default()
        }
        .to_bytes()
        .unwrap();
        assert_eq!(&frame[12..], &[0x88, 0xb5, 1, 2]);

        let gre = spec(
            Network::Ipv4(Ipv4Spec {
                protocol: Some(47),
                ..Ipv4Spec::default()
            }),
            Transport::None,
            Payload::Hex("0000 0800".to_string()),
        )
        .to_bytes()
        .unwrap();
        assert_eq!(gre[23], 47);
        assert_eq!(gre.len(), 14 + 20 + 4);
    }

    #[test]
    fn layer_mismatches_and_ranges_are_errors() {
        let tcp_over_arp = spec(
            Network::Arp(ArpSpec::default()),
            Transport::Tcp(TcpSpec::default()),
            Payload::Empty,
        );
        assert!(matches!(
            tcp_over_arp.to_bytes(),
            Err(BuildError::Layers(_))
        ));
        let icmpv6_over_v4 = spec(
            Network::Ipv4(Ipv4Spec::default()),
            Transport::Icmpv6(Icmpv6Message::default()),
            Payload::Empty,
        );
        assert!(matches!(
            icmpv6_over_v4.to_bytes(),
            Err(BuildError::Layers(_))
        ));
        let no_protocol = spec(
            Network::Ipv6(Ipv6Spec::default()),
            Transport::None,
            Payload::Empty,
        );
        assert!(matches!(no_protocol.to_bytes(), Err(BuildError::Layers(_))));
        let bad_vid = PacketSpec {
            vlan: Some(VlanSpec {
                vid: 4096,
                ..VlanSpec::default()
            }),
            ..PacketSpec::default()
        };
        assert_eq!(
            bad_vid.to_bytes().unwrap_err().to_string(),
            "vlan.vid = 4096 is out of range (at most 4095)"
        );
        let too_long = spec(
            Network::Ipv4(Ipv4Spec::default()),
            Transport::Udp(UdpSpec::default()),
            Payload::Text("x".repeat(70_000)),
        );
        assert!(matches!(
            too_long.to_bytes(),
            Err(BuildError::TooLong { .. })
        ));
        let bad_hex = spec(
            Network::Ipv6(Ipv6Spec::default()),
            Transport::Udp(UdpSpec::default()),
            Payload::Hex("00 11\n2z".to_string()),
        );
        assert_eq!(
            bad_hex.to_bytes().unwrap_err().to_string(),
            "payload: 2:2: expected a hex digit, found `z`"
        );
    }

    #[test]
    fn spec_json_round_trip_and_defaults() {
        let original = PacketSpec {
            vlan: Some(VlanSpec {
                pcp: 1,
                dei: false,
                vid: 7,
            }),
            network: Network::Ipv6(Ipv6Spec {
                dst: Ipv6Addr::LOCALHOST,
                ..Ipv6Spec::default()
            }),
            transport: Transport::Icmpv6(Icmpv6Message::EchoReply { id: 3, seq: 4 }),
            payload: Payload::Hex("de ad".to_string()),
            pad_to_min_frame: true,
            ..PacketSpec::default()
        };
        let json = serde_json::to_string(&original).unwrap();
        assert!(
            json.contains(r#""transport":{"icmpv6":{"echo_reply":{"id":3,"seq":4}}}"#),
            "{json}"
        );
        assert!(json.contains(r#""src":"02:00:00:00:00:01""#), "{json}");
        let back: PacketSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, original);

        // A hand-written description with most fields left out.
        let short = r#"{"network":{"ipv4":{"dst":"192.0.2.1"}},
                        "transport":{"tcp":{"dst_port":22,"flags":{"syn":true}}},
                        "payload":{"text":"hi"}}"#;
        let spec: PacketSpec = serde_json::from_str(short).unwrap();
        let frame = spec.to_bytes().unwrap();
        assert_eq!(&frame[30..34], &[192, 0, 2, 1]);
        assert_eq!(&frame[36..38], &22u16.to_be_bytes());
        assert_eq!(frame[47], 0x02);
        assert!(serde_json::from_str::<PacketSpec>(r#"{"ethernet":{"src":"nope"}}"#).is_err());
        // Layers without fields are plain strings.
        let bare: PacketSpec =
            serde_json::from_str(r#"{"network":{"arp":{}},"transport":"none","payload":"empty"}"#)
                .unwrap();
        assert_eq!(bare.to_bytes().unwrap().len(), 42);
    }
}
