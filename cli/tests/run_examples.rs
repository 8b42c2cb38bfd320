//! Every example of `examples/` run from the command line as the README shows:
//! packet programs on a packet and over a capture, tail calls with their
//! targets put in the prog array (`--prog-array`), tracing programs on a
//! kprobe or tracepoint event (`--args`, `--syscall`). The firewall and the
//! load balancer, whose maps need user-space entries, are in
//! `run_map_entries.rs`.

use std::process::Output;

use packets::capture::{write_pcap_with, CapturedPacket, PcapOptions};
use packets::{Icmpv4Message, Network, PacketSpec, TcpSpec, Transport, UdpSpec};
use serde_json::Value;

mod support;
use support::{example, hex, temp_file, TempFile};

/// `bpfplay run ARGS`.
fn bpfplay(args: &[&str]) -> Output {
    support::bpfplay(&[&["run"], args].concat(), b"")
}

/// Standard output of a run that must succeed.
fn ok(args: &[&str]) -> String {
    support::succeeds(&[&["run"], args].concat())
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(&all)).expect("one JSON object")
}

fn packet(transport: Transport) -> Vec<u8> {
    PacketSpec {
        transport,
        ..PacketSpec::default()
    }
    .to_bytes()
    .expect("build packet")
}

fn udp_to(dst_port: u16) -> Vec<u8> {
    packet(Transport::Udp(UdpSpec {
        src_port: 5000,
        dst_port,
    }))
}

fn tcp_to(dst_port: u16) -> Vec<u8> {
    packet(Transport::Tcp(TcpSpec {
        dst_port,
        ..TcpSpec::default()
    }))
}

fn icmp() -> Vec<u8> {
    packet(Transport::Icmpv4(Icmpv4Message::default()))
}

fn arp() -> Vec<u8> {
    PacketSpec {
        network: Network::Arp(Default::default()),
        transport: Transport::None,
        ..PacketSpec::default()
    }
    .to_bytes()
    .expect("build packet")
}

/// A pcap of `packets` in a fresh temporary file.
fn capture(name: &str, packets: &[Vec<u8>]) -> TempFile {
    let records: Vec<CapturedPacket> = packets
        .iter()
        .enumerate()
        .map(|(i, p)| CapturedPacket::new(i as u64 * 1000, p.clone()))
        .collect();
    let bytes = write_pcap_with(&records, PcapOptions::default()).expect("write pcap");
    temp_file(name, &bytes)
}

/// The dispatcher with TCP in slot 6 and UDP in slot 17 of `jump_table`.
fn tail_call_args() -> Vec<String> {
    vec![
        "--prog-array".into(),
        format!("jump_table:6={}", example("tail_calls/tcp.s")),
        "--prog-array".into(),
        format!("jump_table:17={}", example("tail_calls/udp.s")),
        example("tail_calls/dispatch.s"),
    ]
}

#[test]
fn xdp_drop_dns_on_a_packet_and_a_capture() {
    let prog = example("xdp_drop_dns.s");
    let dns = hex(&udp_to(53));
    assert_eq!(ok(&["--packet", &dns, &prog]), "r0 = 0x1 (1) XDP_DROP\n");
    assert_eq!(
        ok(&["--packet", &hex(&udp_to(80)), &prog]),
        "r0 = 0x2 (2) XDP_PASS\n"
    );
    let pcap = capture(
        "dns.pcap",
        &[udp_to(53), udp_to(80), tcp_to(53), udp_to(53)],
    );
    let v = json(&["--pcap", pcap.to_str().unwrap(), &prog]);
    assert_eq!(v["verdicts"]["XDP_DROP"], 2, "{v}");
    assert_eq!(v["verdicts"]["XDP_PASS"], 2, "{v}");
}

#[test]
fn proto_counter_counts_a_capture_per_protocol() {
    let pcap = capture(
        "protocols.pcap",
        &[tcp_to(80), udp_to(53), udp_to(123), icmp(), arp()],
    );
    let v = json(&[
        "--pcap",
        pcap.to_str().unwrap(),
        &example("proto_counter.s"),
    ]);
    assert_eq!(v["verdicts"]["XDP_PASS"], 5, "{v}");
    let count = |proto: u32| -> String {
        let key = hex(&proto.to_le_bytes());
        v["maps"]["proto_count"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["key"] == key.as_str())
            .map(|e| e["value"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    // One copy per simulated CPU; the run is on CPU 0.
    assert!(
        count(6).starts_with("0100000000000000"),
        "TCP: {}",
        count(6)
    );
    assert!(
        count(17).starts_with("0200000000000000"),
        "UDP: {}",
        count(17)
    );
    assert!(
        count(1).starts_with("0100000000000000"),
        "ICMP: {}",
        count(1)
    );
}

#[test]
fn tail_calls_reach_the_programs_put_in_the_prog_array() {
    let mut args: Vec<String> = vec!["--packet".into(), hex(&tcp_to(23))];
    args.extend(tail_call_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ok(&args), "r0 = 0x1 (1) XDP_DROP\ntail calls: 1\n");

    // Without targets the tail call falls through and the packet passes.
    let alone = ok(&[
        "--packet",
        &hex(&tcp_to(23)),
        &example("tail_calls/dispatch.s"),
    ]);
    assert_eq!(alone, "r0 = 0x2 (2) XDP_PASS\n");

    // Over a capture: telnet dropped by the TCP program, UDP counted per port
    // by the UDP program (its own map, created beside the dispatcher's), ICMP
    // passed by the dispatcher.
    let pcap = capture(
        "tail_calls.pcap",
        &[tcp_to(23), tcp_to(80), udp_to(53), udp_to(53), icmp()],
    );
    let mut args: Vec<String> = vec!["--json".into(), "--pcap".into(), pcap.display().to_string()];
    args.extend(tail_call_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let v: Value = serde_json::from_str(&ok(&args)).expect("JSON");
    assert_eq!(v["verdicts"]["XDP_DROP"], 1, "{v}");
    assert_eq!(v["verdicts"]["XDP_PASS"], 4, "{v}");
    let ports = &v["maps"]["udp_ports"];
    assert_eq!(ports[0]["key"], hex(&53u32.to_le_bytes()), "{ports}");
    assert_eq!(ports[0]["value"], hex(&2u64.to_le_bytes()), "{ports}");
    let slots = v["maps"]["jump_table"].as_array().expect("entries").len();
    assert_eq!(slots, 2, "two slots filled");
}

#[test]
fn prog_array_mistakes_are_input_errors() {
    let dispatch = example("tail_calls/dispatch.s");
    let tcp = example("tail_calls/tcp.s");
    let cases: [(String, &str); 5] = [
        (format!("jump_table:6={tcp}.missing"), "no file"),
        (format!("nope:6={tcp}"), "no map named 'nope'"),
        (format!("jump_table:256={tcp}"), "the map has 256 slots"),
        (format!("jump_table={tcp}"), "expected MAP:KEY=FILE"),
        (format!("jump_table:6={tcp}:handler"), "only a clang object"),
    ];
    for (spec, says) in cases {
        let out = bpfplay(&["--prog-array", &spec, &dispatch]);
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{spec}: {err}");
    }
    // A target of another program type than the caller.
    let kprobe = example("loop_histogram.s");
    let out = bpfplay(&["--prog-array", &format!("jump_table:6={kprobe}"), &dispatch]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is a kprobe program but the caller is xdp"),
        "{err}"
    );
}

#[test]
fn loop_histogram_on_kprobe_arguments() {
    let prog = example("loop_histogram.s");
    // vfs_read(file, buf, count = 4096): bucket log2(4096) = 12.
    let v = json(&["--args", "3,0x7ffd0000,4096", &prog]);
    assert_eq!(v["verdict"], "return 0");
    let nonzero: Vec<&Value> = v["maps"]["sizes"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["value"] != "0000000000000000")
        .collect();
    assert_eq!(nonzero.len(), 1, "{nonzero:?}");
    assert_eq!(nonzero[0]["key"], hex(&12u32.to_le_bytes()));
    assert_eq!(nonzero[0]["value"], hex(&1u64.to_le_bytes()));
    let bad = bpfplay(&["--args", "1,2,x", &prog]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn trace_syscalls_on_a_sys_enter_event() {
    let prog = example("trace_syscalls.s");
    let text = ok(&["--syscall", "257", &prog]);
    // struct event { u32 pid; u32 syscall; char comm[16]; }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "r0 = 0x0 (0) return 0", "{text}");
    let event = lines[1]
        .strip_prefix("event events (cpu 0): ")
        .expect(&text);
    assert_eq!(&event[8..16], hex(&257u32.to_le_bytes()), "{event}");
    let v = json(&["--syscall", "257", &prog]);
    let calls = &v["maps"]["calls"];
    assert_eq!(calls.as_array().map(Vec::len), Some(1), "{calls}");
    assert_eq!(calls[0]["value"], hex(&1u64.to_le_bytes()));
    assert_eq!(v["events"][0]["data"].as_str(), Some(event));
}

#[test]
fn sample_stacks_on_a_kprobe_event() {
    let v = json(&[&example("sample_stacks.s")]);
    assert_eq!(v["verdict"], "return 0");
    // The default random seed samples the first call: one stack, counted once.
    let samples = v["maps"]["samples"].as_array().expect("entries");
    assert_eq!(samples.len(), 1, "{samples:?}");
    assert_eq!(samples[0]["value"], hex(&1u64.to_le_bytes()));
    let stacks = v["maps"]["stacks"].as_array().expect("entries");
    assert_eq!(stacks[0]["key"], samples[0]["key"], "the counted stack id");
}

#[test]
fn egress_policy_over_a_capture_drops_and_audits_what_it_denies() {
    let pcap = capture(
        "egress.pcap",
        &[tcp_to(443), tcp_to(22), udp_to(53), udp_to(123), arp()],
    );
    let v = json(&[
        "--pcap",
        pcap.to_str().unwrap(),
        &example("egress_policy.s"),
    ]);
    assert_eq!(v["verdicts"]["TC_ACT_OK"], 3, "{v}");
    assert_eq!(v["verdicts"]["TC_ACT_SHOT"], 2, "{v}");
}

#[test]
fn ipv4_checksum_passes_a_good_header_and_drops_a_corrupted_one() {
    let prog = example("ipv4_checksum.s");
    let good = udp_to(53);
    assert_eq!(
        ok(&["--packet", &hex(&good), &prog]),
        "r0 = 0x2 (2) XDP_PASS\n"
    );
    let mut bad = good;
    bad[25] ^= 0x10; // the header checksum's low byte
    assert_eq!(
        ok(&["--packet", &hex(&bad), &prog]),
        "r0 = 0x1 (1) XDP_DROP\n"
    );
}
