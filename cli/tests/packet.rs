//! `bpfplay packet` as a user runs it: captures, packet descriptions and hex
//! dumps in; fields, hex lines, JSON or a pcap file out.

use std::process::Output;

use packets::{PacketSpec, TcpSpec, Transport};
use serde_json::Value;

mod support;
use support::{packet_sample as sample, stdout, temp_dir};

/// `bpfplay packet ARGS`.
fn bpfplay(args: &[&str], stdin: &[u8]) -> Output {
    support::bpfplay(&[&["packet"], args].concat(), stdin)
}

#[test]
fn a_capture_field_by_field() {
    let out = bpfplay(&[&sample("sample.pcapng")], b"");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains(
            "sample.pcapng: 8 packets (capture)\npacket 1: 71 bytes: UDP 192.0.2.10:40000 > 192.0.2.53:53, 29 bytes\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("packet 5: 60 bytes: ARP who-has 192.0.2.1 tell 192.0.2.10\n"),
        "{text}"
    );
    assert!(
        text.contains("  bytes 36-37: UDP Destination port = 53 (DNS)\n"),
        "{text}"
    );
    assert!(
        text.contains("  bytes 14-15: 802.1Q TCI = PCP 3, DEI 0, VID 100\n"),
        "{text}"
    );
}

#[test]
fn a_description_as_hex_for_run_packet() {
    let spec = PacketSpec {
        transport: Transport::Tcp(TcpSpec {
            dst_port: 22,
            ..TcpSpec::default()
        }),
        ..PacketSpec::default()
    };
    let json = serde_json::to_string(&spec).unwrap();
    let out = bpfplay(&["--hex", "-"], json.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want: String = spec
        .to_bytes()
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stdout(&out), format!("{want}\n"));

    let two = format!("[{json}, {json}]");
    let out = bpfplay(&["--json", "-"], two.as_bytes());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["hex"], want.as_str());
    let port = v[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Destination port")
        .unwrap();
    assert_eq!(port["layer"], "tcp");
    assert_eq!(port["start"], 36);
    assert_eq!(port["value_text"], "22 (SSH)");
}

#[test]
fn a_tcpdump_dump_to_pcap() {
    let dump = "\
12:00:00.000000 IP 10.0.0.1 > 10.0.0.2: ICMP echo request
\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500
\t0x0010:  001c 0000 4000 4001 26d0 0a00 0001 0a00
\t0x0020:  0002 0800 f7fe 0001 0000
12:00:00.000001 IP 10.0.0.2 > 10.0.0.1: ICMP echo reply
\t0x0000:  0200 0000 0001 0200 0000 0002 0800 4500
\t0x0010:  001c 0000 4000 4001 26d0 0a00 0002 0a00
\t0x0020:  0001 0000 fffe 0001 0000
";
    let dir = temp_dir();
    let pcap = dir.path().join("out.pcap");
    let out = bpfplay(&["--to-pcap", pcap.to_str().unwrap(), "-"], dump.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "<stdin>: 2 packets (tcpdump -xx)\npacket 1: 42 bytes: ICMP echo request 10.0.0.1 > 10.0.0.2\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("byte 34: ICMP Type = 8 (echo request)"),
        "{text}"
    );
    assert!(
        text.contains("byte 34: ICMP Type = 0 (echo reply)"),
        "{text}"
    );
    let packets = packets::read_capture(&std::fs::read(&pcap).unwrap()).unwrap();
    assert_eq!(packets.len(), 2);
    assert_eq!(packets[1].data.len(), 42);
}

#[test]
fn unreadable_input_names_line_and_column() {
    let out = bpfplay(&["-"], b"45 00\n00 3g\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "bpfplay packet: <stdin>: 2:5: expected a hex digit, found `g`\n"
    );
    let out = bpfplay(&["-"], br#"{"transport":{"tcp":{}},"network":{"arp":{}}}"#);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("packet 1: ARP carries no transport layer")
    );
}
