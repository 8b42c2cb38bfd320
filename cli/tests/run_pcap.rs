//! `bpfplay run --pcap` as a user runs it: a program over every packet of a
//! capture, verdict counts and the maps afterwards.

use std::process::Output;

use packets::capture::{write_pcap_with, write_pcapng, CapturedPacket, PcapOptions};
use packets::{Ipv4Spec, Network, PacketSpec, Transport, UdpSpec};
use serde_json::Value;

mod support;
use support::{packet_sample as sample, stdout, temp_file};

/// `bpfplay run ARGS`.
fn bpfplay(args: &[&str]) -> Output {
    support::bpfplay(&[&["run"], args].concat(), b"")
}

/// Drops IPv4 UDP to port 53 and counts the drops; passes everything else.
const DROP_DNS: &str = "
.type xdp
.map drops, array, key=4, value=8, max_entries=4
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 38
    if r4 > r3 goto pass
    r5 = *(u16 *)(r2 + 12)
    if r5 != 0x0008 goto pass
    r5 = *(u8 *)(r2 + 23)
    if r5 != 17 goto pass
    r5 = *(u16 *)(r2 + 36)
    if r5 != 0x3500 goto pass
    *(u32 *)(r10 - 4) = 0
    r1 = map[drops] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto drop
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
drop:
    r0 = 1
    exit
pass:
    r0 = 2
    exit
";

fn udp(dst_port: u16) -> Vec<u8> {
    PacketSpec {
        network: Network::Ipv4(Ipv4Spec::default()),
        transport: Transport::Udp(UdpSpec {
            src_port: 5000,
            dst_port,
        }),
        ..PacketSpec::default()
    }
    .to_bytes()
    .unwrap()
}

#[test]
fn counts_verdicts_and_reports_maps_over_the_sample_captures() {
    let program = temp_file("drop_dns.s", DROP_DNS.as_bytes());
    for capture in ["sample.pcap", "sample.pcapng"] {
        let out = bpfplay(&["--pcap", &sample(capture), program.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = stdout(&out);
        assert!(text.contains(": 8 packets\n"), "{text}");
        assert!(text.contains("  XDP_DROP  1\n  XDP_PASS  7\n"), "{text}");
        assert!(
            text.ends_with(
                "map drops (array, 4 entries):\n  00000000 = 0100000000000000 (1)\n  (3 all-zero entries not shown)\n"
            ),
            "{text}"
        );
    }
}

#[test]
fn json_lists_every_packet_in_both_pcap_layouts() {
    let packets: Vec<CapturedPacket> = [53, 80, 53, 53, 443]
        .iter()
        .enumerate()
        .map(|(i, port)| CapturedPacket::new(i as u64 * 1000, udp(*port)))
        .collect();
    let program = temp_file("drop_dns_json.s", DROP_DNS.as_bytes());
    let files = [
        (
            "be_nano.pcap",
            write_pcap_with(
                &packets,
                PcapOptions {
                    nanosecond: true,
                    big_endian: true,
                },
            )
            .unwrap(),
        ),
        ("five.pcapng", write_pcapng(&packets).unwrap()),
    ];
    for (name, bytes) in files {
        let capture = temp_file(name, &bytes);
        let out = bpfplay(&[
            "--json",
            "--pcap",
            capture.to_str().unwrap(),
            program.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stdout(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["packets"], 5);
        assert_eq!(v["verdicts"]["XDP_DROP"], 3);
        assert_eq!(v["verdicts"]["XDP_PASS"], 2);
        assert_eq!(v["failed"], 0);
        let verdicts: Vec<&str> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["verdict"].as_str().unwrap())
            .collect();
        assert_eq!(
            verdicts,
            ["XDP_DROP", "XDP_PASS", "XDP_DROP", "XDP_DROP", "XDP_PASS"]
        );
        assert_eq!(v["maps"]["drops"][0]["value"], "0300000000000000");
    }
}

#[test]
fn a_failing_packet_is_counted_and_the_run_goes_on() {
    // Reads byte 59 without a bounds check: fails on frames shorter than 60 bytes.
    let program = temp_file(
        "unchecked.s",
        b".type xdp\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 59)\nr0 = 2\nexit\n",
    );
    let out = bpfplay(&[
        "--json",
        "--pcap",
        &sample("sample.pcap"),
        program.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    let short: Vec<u64> = results
        .iter()
        .filter(|r| r.get("error").is_some())
        .map(|r| r["packet"].as_u64().unwrap())
        .collect();
    // Packets 2 (TCP SYN, 54 bytes) and 4 (ICMP echo, 58 bytes) are too short.
    assert_eq!(short, [2, 4]);
    assert_eq!(v["failed"], 2);
    assert_eq!(
        results[1]["summary"],
        "TCP 192.0.2.10:40001 > 198.51.100.80:80 [SYN]"
    );
    assert!(
        results[1]["error"]
            .as_str()
            .unwrap()
            .contains("invalid memory read"),
        "{}",
        results[1]
    );
    assert_eq!(v["verdicts"]["XDP_PASS"], 6);
}

#[test]
fn bad_captures_and_program_types_are_input_errors() {
    let program = temp_file("pass.s", b".type xdp\nr0 = 2\nexit\n");
    let not_capture = temp_file("not.pcap", b"hello, world");
    let out = bpfplay(&[
        "--pcap",
        not_capture.to_str().unwrap(),
        program.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("at byte offset 0: not a pcap or pcapng file"),
        "{err}"
    );

    let whole = std::fs::read(sample("sample.pcap")).unwrap();
    let cut = temp_file("cut.pcap", &whole[..100]);
    let out = bpfplay(&[
        "--json",
        "--pcap",
        cut.to_str().unwrap(),
        program.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("at byte offset 24: packet 1 data truncated"),
        "{message}"
    );

    let kprobe = temp_file("kprobe.s", b".type kprobe\nr0 = 0\nexit\n");
    let out = bpfplay(&["--pcap", &sample("sample.pcap"), kprobe.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not kprobe"));
}
