//! `bpfplay run` on the examples whose maps need user-space entries (the
//! source's `.entry` lines), and `--map-entry` on top of them.

use std::net::Ipv4Addr;
use std::process::Output;

use packets::{Ipv4Spec, Network, PacketSpec, Payload, Transport, UdpSpec};
use serde_json::Value;

mod support;
use support::{example, hex, succeeds};

/// `bpfplay run ARGS`.
fn bpfplay(args: &[&str]) -> Output {
    support::bpfplay(&[&["run"], args].concat(), b"")
}

fn udp(src: Ipv4Addr, src_port: u16, dst: Ipv4Addr, dst_port: u16) -> Vec<u8> {
    PacketSpec {
        network: Network::Ipv4(Ipv4Spec {
            src,
            dst,
            ..Ipv4Spec::default()
        }),
        transport: Transport::Udp(UdpSpec { src_port, dst_port }),
        payload: Payload::Text("query".into()),
        ..PacketSpec::default()
    }
    .to_bytes()
    .expect("build packet")
}

fn udp_from(src: Ipv4Addr) -> String {
    hex(&udp(src, 12345, Ipv4Addr::new(10, 0, 0, 2), 80))
}

/// The verdict line of a text run of the firewall on a packet from `src`,
/// with `extra` arguments.
fn firewall(src: Ipv4Addr, extra: &[&str]) -> String {
    let packet = udp_from(src);
    run_example(
        &["--type", "xdp", "--packet", &packet],
        extra,
        "lpm_firewall.s",
    )
}

/// Standard output of `bpfplay run OPTIONS EXTRA examples/NAME`, which must
/// succeed.
fn run_example(options: &[&str], extra: &[&str], name: &str) -> String {
    let path = example(name);
    succeeds(&[&["run"], options, extra, &[path.as_str()]].concat())
}

#[test]
fn lpm_firewall_drops_a_blocked_prefix_and_passes_the_rest() {
    assert_eq!(
        firewall(Ipv4Addr::new(10, 1, 2, 3), &[]),
        "r0 = 0x1 (1) XDP_DROP\n"
    );
    assert_eq!(
        firewall(Ipv4Addr::new(192, 168, 1, 77), &[]),
        "r0 = 0x1 (1) XDP_DROP\n"
    );
    assert_eq!(
        firewall(Ipv4Addr::new(10, 2, 0, 1), &[]),
        "r0 = 0x2 (2) XDP_PASS\n"
    );
}

#[test]
fn lpm_firewall_json_shows_the_rule_that_counted_the_drop() {
    let packet = udp_from(Ipv4Addr::new(10, 1, 9, 9));
    let out = bpfplay(&["--json", "--packet", &packet, &example("lpm_firewall.s")]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["verdict"], "XDP_DROP");
    let rules = v["maps"]["blocklist"].as_array().expect("entries");
    assert_eq!(rules.len(), 3);
    let hit: Vec<&Value> = rules
        .iter()
        .filter(|e| e["value"] == "0100000000000000")
        .collect();
    assert_eq!(hit.len(), 1, "{rules:?}");
    assert_eq!(hit[0]["key"], "100000000a010000", "10.1.0.0/16 matched");
}

#[test]
fn map_entry_adds_a_rule_on_top_of_the_source() {
    let src = Ipv4Addr::new(172, 16, 5, 5);
    assert_eq!(firewall(src, &[]), "r0 = 0x2 (2) XDP_PASS\n");
    // 172.16.0.0/12: prefix length 12 (u32, little-endian), then the address.
    let rule = ["--map-entry", "blocklist:0c000000ac100000=0000000000000000"];
    assert_eq!(firewall(src, &rule), "r0 = 0x1 (1) XDP_DROP\n");
    // The source's rules are still there.
    assert_eq!(
        firewall(Ipv4Addr::new(10, 1, 2, 3), &rule),
        "r0 = 0x1 (1) XDP_DROP\n"
    );
}

#[test]
fn load_balancer_rewrites_the_destination_to_a_backend() {
    let client = Ipv4Addr::new(10, 0, 0, 1);
    let vip = Ipv4Addr::new(10, 0, 0, 2);
    let run = |packet: &[u8], extra: &[&str]| {
        let packet = hex(packet);
        let out = run_example(&["--json", "--packet", &packet], extra, "load_balancer.s");
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["verdict"], "TC_ACT_OK");
        v["packet_out"].as_str().expect("packet_out").to_string()
    };
    // Source port 12345 (odd low bit) goes to backend 1, 12346 to backend 0,
    // checksums fixed: exactly the packets built for the backends.
    assert_eq!(
        run(&udp(client, 12345, vip, 53), &[]),
        hex(&udp(client, 12345, Ipv4Addr::new(10, 0, 1, 11), 9053))
    );
    assert_eq!(
        run(&udp(client, 12346, vip, 53), &[]),
        hex(&udp(client, 12346, Ipv4Addr::new(10, 0, 1, 10), 8053))
    );
    let other = udp(client, 12345, vip, 80);
    assert_eq!(run(&other, &[]), hex(&other), "not the virtual service");
    // --map-entry replaces backend 1 (10.0.1.99:5300).
    let swap = ["--map-entry", "backends:01000000=0a00016314b40000"];
    assert_eq!(
        run(&udp(client, 12345, vip, 53), &swap),
        hex(&udp(client, 12345, Ipv4Addr::new(10, 0, 1, 99), 5300))
    );
}

#[test]
fn map_entry_errors_name_the_map_and_the_sizes() {
    let path = example("lpm_firewall.s");
    let err = |spec: &str| {
        let out = bpfplay(&["--map-entry", spec, &path]);
        assert_eq!(out.status.code(), Some(2), "{spec}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(
        err("blocklist:0a000000=0000000000000000").contains(
            "--map-entry blocklist:0a000000=0000000000000000: key has 4 bytes but map 'blocklist' has 8-byte keys"
        ),
    );
    assert!(err("blocklist:180000000a010200=00")
        .contains("value has 1 bytes but map 'blocklist' has 8-byte values"));
    assert!(err("rules:00=00").contains("no map named 'rules' (the program has blocklist)"));
    assert!(err("blocklist:zz=00").contains("the key is not hex"));
    assert!(err("blocklist").contains("expected MAP:KEYHEX=VALUEHEX"));
    // An entry the map cannot take fails as the kernel's update would.
    let lb = example("load_balancer.s");
    let out = bpfplay(&["--map-entry", "backends:02000000=0000000000000000", &lb]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot fill map 0 (backends): initial entry 2: map is full or index out of range (-E2BIG)"),
        "{stderr}"
    );
}
