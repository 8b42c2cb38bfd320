//! Property tests: no input makes a parser panic, dissections are always
//! well formed, and build -> bytes -> dissect and export -> import round-trip.

use std::net::{Ipv4Addr, Ipv6Addr};

use packets::capture::{
    read_capture, write_pcap, write_pcap_with, write_pcapng, CapturedPacket, PcapOptions,
};
use packets::hex::{format_hex_dump, parse_hex_dump, parse_plain_hex};
use packets::{
    dissect, Field, Ipv4Spec, Ipv6Spec, Network, PacketSpec, Payload, TcpFlags, TcpOption, TcpSpec,
    Transport, UdpSpec, VlanSpec,
};
use proptest::prelude::*;

fn assert_well_formed(bytes: &[u8], fields: &[Field]) -> Result<(), TestCaseError> {
    let mut next = 0;
    for f in fields {
        prop_assert!(f.len > 0, "{:?}", f);
        prop_assert!(f.start >= next, "overlap at {:?}", f);
        prop_assert!(f.end() <= bytes.len(), "{:?} past {}", f, bytes.len());
        next = f.end();
    }
    Ok(())
}

fn sample_capture() -> Vec<u8> {
    let packets: Vec<CapturedPacket> = (0..3u64)
        .map(|i| CapturedPacket::new(i * 1_000_000, PacketSpec::default().to_bytes().unwrap()))
        .collect();
    write_pcap(&packets).unwrap()
}

prop_compose! {
    fn udp_or_tcp()(
        tcp in any::<bool>(),
        src_port in any::<u16>(),
        dst_port in any::<u16>(),
        seq in any::<u32>(),
        ack in any::<u32>(),
        flags in any::<u8>(),
        window in any::<u16>(),
    ) -> Transport {
        if tcp {
            Transport::Tcp(TcpSpec {
                src_port,
                dst_port,
                seq,
                ack,
                flags: TcpFlags {
                    fin: flags & 1 != 0,
                    syn: flags & 2 != 0,
                    rst: flags & 4 != 0,
                    psh: flags & 8 != 0,
                    ack: flags & 16 != 0,
                    urg: flags & 32 != 0,
                    ece: flags & 64 != 0,
                    cwr: flags & 128 != 0,
                },
                window,
                urgent_pointer: 0,
                options: if flags & 2 != 0 {
                    vec![TcpOption::Mss { value: window }, TcpOption::Nop, TcpOption::WindowScale { shift: flags & 15 }]
                } else {
                    Vec::new()
                },
            })
        } else {
            Transport::Udp(UdpSpec { src_port, dst_port })
        }
    }
}

prop_compose! {
    fn packet_spec()(
        v6 in any::<bool>(),
        src4 in any::<u32>(),
        dst4 in any::<u32>(),
        src6 in any::<u128>(),
        dst6 in any::<u128>(),
        ttl in any::<u8>(),
        vlan in proptest::option::of(0u16..4096),
        transport in udp_or_tcp(),
        payload in proptest::collection::vec(any::<u8>(), 0..200),
        pad in any::<bool>(),
    ) -> PacketSpec {
        let network = if v6 {
            Network::Ipv6(Ipv6Spec {
                src: Ipv6Addr::from(src6),
                dst: Ipv6Addr::from(dst6),
                hop_limit: ttl,
                ..Ipv6Spec::default()
            })
        } else {
            Network::Ipv4(Ipv4Spec {
                src: Ipv4Addr::from(src4),
                dst: Ipv4Addr::from(dst4),
                ttl,
                ..Ipv4Spec::default()
            })
        };
        PacketSpec {
            vlan: vlan.map(|vid| VlanSpec { pcp: 0, dei: false, vid }),
            network,
            transport,
            payload: Payload::Hex(payload.iter().map(|b| format!("{b:02x}")).collect()),
            pad_to_min_frame: pad,
            ..PacketSpec::default()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn read_capture_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_capture(&bytes);
    }

    #[test]
    fn read_capture_never_panics_past_a_valid_magic(
        magic in prop_oneof![
            Just(vec![0xd4, 0xc3, 0xb2, 0xa1]),
            Just(vec![0xa1, 0xb2, 0x3c, 0x4d]),
            Just(vec![0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]),
            Just(vec![0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0x1c, 0x1a, 0x2b, 0x3c, 0x4d]),
        ],
        rest in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = magic;
        bytes.extend(rest);
        let _ = read_capture(&bytes);
    }

    #[test]
    fn damaged_captures_fail_cleanly(
        cut in 0usize..400,
        flips in proptest::collection::vec((0usize..400, any::<u8>()), 0..6),
        pcapng in any::<bool>(),
    ) {
        let packets = read_capture(&sample_capture()).unwrap();
        let mut bytes = if pcapng { write_pcapng(&packets).unwrap() } else { sample_capture() };
        for (at, value) in flips {
            if let Some(b) = bytes.get_mut(at) {
                *b = value;
            }
        }
        bytes.truncate(cut);
        if let Err(err) = read_capture(&bytes) {
            prop_assert!(err.offset <= bytes.len(), "{}", err);
        }
    }

    #[test]
    fn dissect_is_well_formed_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let fields = dissect(&bytes);
        assert_well_formed(&bytes, &fields)?;
        prop_assert!(!packets::summary(&bytes).is_empty());
    }

    #[test]
    fn dissect_is_well_formed_on_damaged_packets(
        spec in packet_spec(),
        flips in proptest::collection::vec((0usize..300, any::<u8>()), 1..6),
        cut in 0usize..300,
    ) {
        let mut bytes = spec.to_bytes().unwrap();
        for (at, value) in flips {
            if let Some(b) = bytes.get_mut(at) {
                *b = value;
            }
        }
        bytes.truncate(cut);
        let fields = dissect(&bytes);
        assert_well_formed(&bytes, &fields)?;
        let _ = packets::summary(&bytes);
        let _ = packets::diff(&spec.to_bytes().unwrap(), &bytes);
    }

    #[test]
    fn hex_parsers_never_panic(text in "\\PC{0,300}") {
        let _ = parse_hex_dump(&text);
        let _ = parse_plain_hex(&text);
    }

    #[test]
    fn hex_parsers_never_panic_on_dump_like_text(
        text in "([0-9a-fx:|* \t]{0,40}\n){0,12}",
    ) {
        if let Err(err) = parse_hex_dump(&text) {
            prop_assert!(err.line >= 1 && err.column >= 1);
        }
    }

    #[test]
    fn hex_dump_round_trip(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
        let dump = parse_hex_dump(&format_hex_dump(&bytes)).unwrap();
        prop_assert_eq!(dump.packets, vec![bytes]);
    }

    #[test]
    fn build_then_dissect(spec in packet_spec()) {
        let bytes = spec.to_bytes().unwrap();
        let fields = dissect(&bytes);
        assert_well_formed(&bytes, &fields)?;
        prop_assert_eq!(fields.iter().map(|f| f.len).sum::<usize>(), bytes.len());
        for f in &fields {
            prop_assert!(!f.value_text.contains("incorrect"), "{}", f);
            prop_assert!(f.name != "truncated", "{}", f);
        }
        let (src_port, dst_port) = match &spec.transport {
            Transport::Tcp(t) => (t.src_port, t.dst_port),
            Transport::Udp(u) => (u.src_port, u.dst_port),
            _ => unreachable!(),
        };
        let port = |name: &str| {
            fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.value_text.split(' ').next().unwrap_or("").to_string())
        };
        prop_assert_eq!(port("Source port"), Some(src_port.to_string()));
        prop_assert_eq!(port("Destination port"), Some(dst_port.to_string()));
        let payload = spec.payload.to_bytes().unwrap();
        let labelled_payload: usize = fields
            .iter()
            .filter(|f| f.name == "Data")
            .map(|f| f.len)
            .sum();
        prop_assert_eq!(labelled_payload, payload.len());

        let json = serde_json::to_string(&spec).unwrap();
        let back: PacketSpec = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, spec);
    }

    #[test]
    fn export_then_import(
        packets in proptest::collection::vec(
            (0u64..4_000_000_000_000_000_000, proptest::collection::vec(any::<u8>(), 0..100), 0u32..2000),
            0..6,
        ),
        nanosecond in any::<bool>(),
        big_endian in any::<bool>(),
    ) {
        let packets: Vec<CapturedPacket> = packets
            .into_iter()
            .map(|(ts, data, extra)| CapturedPacket {
                orig_len: data.len() as u32 + extra,
                ..CapturedPacket::new(ts, data)
            })
            .collect();
        let pcap = write_pcap_with(&packets, PcapOptions { nanosecond, big_endian }).unwrap();
        let back = read_capture(&pcap).unwrap();
        prop_assert_eq!(back.len(), packets.len());
        for (b, p) in back.iter().zip(&packets) {
            prop_assert_eq!(&b.data, &p.data);
            prop_assert_eq!(b.orig_len, p.orig_len);
            let want_ts = if nanosecond { p.timestamp_ns } else { p.timestamp_ns / 1000 * 1000 };
            prop_assert_eq!(b.timestamp_ns, want_ts);
        }
        let pcapng = write_pcapng(&packets).unwrap();
        let back = read_capture(&pcapng).unwrap();
        prop_assert_eq!(&back, &packets);
        // Packets cross to a web worker as JSON.
        let json = serde_json::to_string(&back).unwrap();
        prop_assert_eq!(serde_json::from_str::<Vec<CapturedPacket>>(&json).unwrap(), packets);
    }
}
