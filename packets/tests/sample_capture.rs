//! The committed sample captures (`tests/data/sample.pcap`, `sample.pcapng`)
//! are generated here from packet descriptions; this test checks they still
//! match the generator, then reads them back and dissects every packet.
//!
//! Regenerate after a deliberate change with
//! `PACKETS_REGENERATE=1 cargo test -p packets --test sample_capture`.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use packets::capture::{read_capture, write_pcap, write_pcapng, CapturedPacket, LinkType};
use packets::spec::ARP_REQUEST;
use packets::{
    dissect, ArpSpec, EthernetSpec, Icmpv4Message, Icmpv6Message, Ipv4Spec, Ipv6Spec, MacAddr,
    Network, PacketSpec, Payload, TcpFlags, TcpSpec, Transport, UdpSpec, VlanSpec,
};

/// What the sample holds, one line each, and the packet.
fn sample() -> Vec<(&'static str, PacketSpec)> {
    let v4 = |dst: [u8; 4]| {
        Network::Ipv4(Ipv4Spec {
            src: Ipv4Addr::new(192, 0, 2, 10),
            dst: Ipv4Addr::from(dst),
            ..Ipv4Spec::default()
        })
    };
    let v6 = Network::Ipv6(Ipv6Spec {
        src: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 10),
        dst: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 53),
        ..Ipv6Spec::default()
    });
    vec![
        (
            "UDP DNS query to 192.0.2.53:53",
            PacketSpec {
                network: v4([192, 0, 2, 53]),
                transport: Transport::Udp(UdpSpec {
                    src_port: 40000,
                    dst_port: 53,
                }),
                // Query for example.com, type A.
                payload: Payload::Hex(
                    "1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001"
                        .to_string(),
                ),
                ..PacketSpec::default()
            },
        ),
        (
            "TCP SYN to 198.51.100.80:80",
            PacketSpec {
                network: v4([198, 51, 100, 80]),
                transport: Transport::Tcp(TcpSpec {
                    src_port: 40001,
                    dst_port: 80,
                    seq: 1000,
                    ..TcpSpec::default()
                }),
                payload: Payload::Empty,
                ..PacketSpec::default()
            },
        ),
        (
            "TCP data to port 443 in VLAN 100",
            PacketSpec {
                vlan: Some(VlanSpec {
                    pcp: 3,
                    dei: false,
                    vid: 100,
                }),
                network: v4([198, 51, 100, 43]),
                transport: Transport::Tcp(TcpSpec {
                    src_port: 40002,
                    dst_port: 443,
                    seq: 5000,
                    ack: 7000,
                    flags: TcpFlags {
                        ack: true,
                        psh: true,
                        ..TcpFlags::default()
                    },
                    ..TcpSpec::default()
                }),
                payload: Payload::Hex("16 03 01 00 05 01 00 00 01 00".to_string()),
                ..PacketSpec::default()
            },
        ),
        (
            "ICMP echo request to 192.0.2.1",
            PacketSpec {
                network: v4([192, 0, 2, 1]),
                transport: Transport::Icmpv4(Icmpv4Message::EchoRequest { id: 0x1d, seq: 1 }),
                payload: Payload::Text("abcdefghijklmnop".to_string()),
                ..PacketSpec::default()
            },
        ),
        (
            "ARP who-has 192.0.2.1, padded to 60 bytes",
            PacketSpec {
                ethernet: EthernetSpec {
                    dst: MacAddr::BROADCAST,
                    ..EthernetSpec::default()
                },
                network: Network::Arp(ArpSpec {
                    operation: ARP_REQUEST,
                    sender_ip: Ipv4Addr::new(192, 0, 2, 10),
                    target_ip: Ipv4Addr::new(192, 0, 2, 1),
                    ..ArpSpec::default()
                }),
                transport: Transport::None,
                payload: Payload::Empty,
                pad_to_min_frame: true,
                ..PacketSpec::default()
            },
        ),
        (
            "UDP over IPv6 to [2001:db8::35]:53",
            PacketSpec {
                network: v6.clone(),
                transport: Transport::Udp(UdpSpec {
                    src_port: 40003,
                    dst_port: 53,
                }),
                payload: Payload::Text("not really dns".to_string()),
                ..PacketSpec::default()
            },
        ),
        (
            "ICMPv6 echo request",
            PacketSpec {
                network: v6,
                transport: Transport::Icmpv6(Icmpv6Message::EchoRequest { id: 7, seq: 2 }),
                payload: Payload::Empty,
                ..PacketSpec::default()
            },
        ),
        (
            "UDP NTP to 192.0.2.123:123",
            PacketSpec {
                network: v4([192, 0, 2, 123]),
                transport: Transport::Udp(UdpSpec {
                    src_port: 123,
                    dst_port: 123,
                }),
                payload: Payload::Hex(format!("e3{}", "00".repeat(47))),
                ..PacketSpec::default()
            },
        ),
    ]
}

fn generated() -> Vec<CapturedPacket> {
    sample()
        .into_iter()
        .enumerate()
        .map(|(i, (what, spec))| {
            let bytes = spec.to_bytes().unwrap_or_else(|e| panic!("{what}: {e}"));
            // One packet every 1.5 ms from 2024-01-01T00:00:00Z.
            CapturedPacket::new(1_704_067_200_000_000_000 + i as u64 * 1_500_000, bytes)
        })
        .collect()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn check_committed(name: &str, bytes: &[u8]) {
    let path = fixture(name);
    if std::env::var_os("PACKETS_REGENERATE").is_some() {
        std::fs::write(&path, bytes).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run PACKETS_REGENERATE=1 cargo test -p packets --test sample_capture",
            path.display()
        )
    });
    assert!(
        committed == bytes,
        "{} differs from what the generator writes; if the change is deliberate, run PACKETS_REGENERATE=1 cargo test -p packets --test sample_capture",
        path.display()
    );
}

#[test]
fn committed_captures_match_the_generator() {
    check_committed("sample.pcap", &write_pcap(&generated()).unwrap());
    check_committed("sample.pcapng", &write_pcapng(&generated()).unwrap());
}

#[test]
fn committed_captures_read_back_and_dissect() {
    for name in ["sample.pcap", "sample.pcapng"] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let packets = read_capture(&bytes).unwrap();
        assert_eq!(packets, generated(), "{name}");
        for (packet, (what, spec)) in packets.iter().zip(sample()) {
            assert_eq!(packet.link_type, LinkType::Ethernet);
            let fields = dissect(&packet.data);
            assert_eq!(
                fields.iter().map(|f| f.len).sum::<usize>(),
                packet.data.len(),
                "{what}: every byte labelled"
            );
            for f in &fields {
                assert!(
                    !f.value_text.contains("incorrect") && f.name != "truncated",
                    "{what}: {f}"
                );
            }
            let checksums = fields
                .iter()
                .filter(|f| f.value_text.ends_with("(correct)"));
            let expected = match spec.network {
                Network::Ipv4(_) => 2, // header + transport
                Network::Ipv6(_) => 1, // transport only
                _ => 0,
            };
            assert_eq!(checksums.count(), expected, "{what}");
        }
    }
    let packets = read_capture(&std::fs::read(fixture("sample.pcap")).unwrap()).unwrap();
    let dns = dissect(&packets[0].data);
    let dst_port = dns.iter().find(|f| f.start == 36).unwrap();
    assert_eq!(
        dst_port.to_string(),
        "bytes 36-37: UDP Destination port = 53 (DNS)"
    );
    let vlan = dissect(&packets[2].data);
    assert!(vlan.iter().any(|f| f.value_text == "PCP 3, DEI 0, VID 100"));
    assert!(vlan
        .iter()
        .any(|f| f.name == "Destination port" && f.value_text == "443 (HTTPS)"));
}
