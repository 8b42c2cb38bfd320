//! What the fixture objects' programs must do, shared by the kernel
//! differential (`elf_kernel.rs`) and the VM runs (`elf_run.rs`): which ones
//! the verifier accepts, and per packet the return value and the map contents
//! after.

#![allow(dead_code)]

use std::path::Path;

use vm_core::elf::ElfObject;
use vm_core::Program;

/// Parses fixture `file` and links its program `name`.
pub fn load(file: &str, name: &str) -> (ElfObject, Program) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/elf_fixtures")
        .join(file);
    let bytes = std::fs::read(&path).unwrap();
    let obj = ElfObject::parse(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
    let prog = obj
        .load_by_name(name)
        .unwrap_or_else(|e| panic!("{file} {name}: {e}"));
    (obj, prog)
}

/// (object, program, accepted by the verifier, text its rejection log holds).
pub const VERDICTS: [(&str, &str, bool, &str); 12] = [
    ("loop_callback.o", "xdp_loop", true, ""),
    ("xdp_firewall.o", "xdp_firewall", true, ""),
    ("tc_load_bytes.o", "tc_drop_dns", true, ""),
    ("tp_ringbuf.o", "trace_execve", true, ""),
    ("subprog_loop.o", "xdp_sum", true, ""),
    ("kprobe_core.o", "on_unlink", true, ""),
    ("kprobe_core.o", "on_unlink_ret", true, ""),
    ("xdp_strings.o", "xdp_strings", true, ""),
    ("xdp_tail_calls.o", "xdp_dispatch", true, ""),
    ("xdp_tail_calls.o", "xdp_tcp", true, ""),
    ("xdp_tail_calls.o", "xdp_udp", true, ""),
    (
        "rejected.o",
        "xdp_unchecked",
        false,
        "invalid access to packet",
    ),
];

/// A packet and the return value it must produce.
pub type PacketCase = (&'static str, fn() -> Vec<u8>, u32);
/// (map name, key, value).
pub type MapEntry = (&'static str, &'static [u8], &'static [u8]);

/// Runs of one program: map entries written first, packets run in order,
/// map entries expected after all of them.
pub struct RunCase {
    pub file: &'static str,
    pub program: &'static str,
    pub setup: &'static [MapEntry],
    pub packets: &'static [PacketCase],
    pub after: &'static [MapEntry],
}

const XDP_ABORTED: u32 = 0;
const XDP_DROP: u32 = 1;
const XDP_PASS: u32 = 2;
const TC_ACT_OK: u32 = 0;
const TC_ACT_SHOT: u32 = 2;

fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
    p.extend_from_slice(&ethertype.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn ipv4(src: [u8; 4], proto: u8, l4: &[u8]) -> Vec<u8> {
    let total = (20 + l4.len()) as u16;
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0]);
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&[10, 0, 0, 2]);
    ip.extend_from_slice(l4);
    ethernet(0x0800, &ip)
}

fn udp(src: [u8; 4], dport: u16) -> Vec<u8> {
    let mut l4 = vec![0x04, 0xd2];
    l4.extend_from_slice(&dport.to_be_bytes());
    l4.extend_from_slice(&[0, 12, 0, 0, b'p', b'i', b'n', b'g']);
    ipv4(src, 17, &l4)
}

fn tcp(src: [u8; 4], dport: u16) -> Vec<u8> {
    let mut l4 = vec![0x04, 0xd2];
    l4.extend_from_slice(&dport.to_be_bytes());
    l4.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]);
    ipv4(src, 6, &l4)
}

fn arp() -> Vec<u8> {
    ethernet(0x0806, &[0; 28])
}

pub const RUN_CASES: [RunCase; 5] = [
    RunCase {
        file: "xdp_strings.o",
        program: "xdp_strings",
        setup: &[],
        packets: &[
            (
                "UDP with a 'ping' payload",
                || udp([10, 0, 0, 1], 7),
                XDP_DROP,
            ),
            ("TCP", || tcp([10, 0, 0, 1], 7), XDP_PASS),
            (
                "UDP with a 'pong' payload",
                || {
                    let mut p = udp([192, 168, 1, 9], 5353);
                    let n = p.len();
                    p[n - 4..].copy_from_slice(b"pong");
                    p
                },
                XDP_PASS,
            ),
        ],
        // The last datagram's summary (33 characters and the NUL) and the
        // length bpf_snprintf returned.
        after: &[(
            ".bss",
            &[0, 0, 0, 0],
            b"udp from 192.168.1.9 to port 5353\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x22\0\0\0\0\0\0\0",
        )],
    },
    RunCase {
        file: "loop_callback.o",
        program: "xdp_loop",
        setup: &[],
        // XDP_PASS only when the callback summed 0..=9 and stopped the loop at 11 calls.
        packets: &[("any packet", || vec![0; 20], XDP_PASS)],
        after: &[],
    },
    RunCase {
        file: "xdp_firewall.o",
        program: "xdp_firewall",
        // Block 10.0.0.66/32.
        setup: &[("blocklist", &[32, 0, 0, 0, 10, 0, 0, 66], &[1, 0, 0, 0])],
        packets: &[
            (
                "UDP from a blocked address",
                || udp([10, 0, 0, 66], 53),
                XDP_DROP,
            ),
            (
                "UDP from another address",
                || udp([10, 0, 0, 1], 53),
                XDP_PASS,
            ),
            ("ARP (cfg.default_action)", arp, XDP_PASS),
            (
                "IPv4 frame too short for its header",
                || ethernet(0x0800, &[0x45, 0, 0, 20, 0, 0]),
                XDP_ABORTED,
            ),
        ],
        after: &[
            ("verdicts", &[0, 0, 0, 0], &[1, 0, 0, 0, 0, 0, 0, 0]),
            ("verdicts", &[1, 0, 0, 0], &[1, 0, 0, 0, 0, 0, 0, 0]),
            // packets_seen in .bss counts all four.
            (".bss", &[0, 0, 0, 0], &[4, 0, 0, 0, 0, 0, 0, 0]),
        ],
    },
    RunCase {
        file: "tc_load_bytes.o",
        program: "tc_drop_dns",
        setup: &[],
        packets: &[
            ("UDP to port 53", || udp([10, 0, 0, 1], 53), TC_ACT_SHOT),
            ("UDP to port 80", || udp([10, 0, 0, 1], 80), TC_ACT_OK),
            ("TCP to port 53", || tcp([10, 0, 0, 1], 53), TC_ACT_OK),
            ("ARP", arp, TC_ACT_OK),
        ],
        after: &[("drops", &[0, 0, 0, 0], &[1, 0, 0, 0, 0, 0, 0, 0])],
    },
    RunCase {
        file: "subprog_loop.o",
        program: "xdp_sum",
        setup: &[],
        packets: &[
            ("zeros: even sum", || vec![0; 20], XDP_PASS),
            (
                "first byte 1: odd sum",
                || {
                    let mut p = vec![0; 20];
                    p[0] = 1;
                    p
                },
                XDP_DROP,
            ),
            (
                "byte 16 is past the summed bytes",
                || {
                    let mut p = vec![0; 20];
                    p[16] = 1;
                    p
                },
                XDP_PASS,
            ),
            (
                "14 bytes: the loop stops at the end",
                || {
                    let mut p = vec![0; 14];
                    p[13] = 3;
                    p
                },
                XDP_DROP,
            ),
        ],
        // static runs (u64 at 0) and last_sum (u32 at 8) in .bss.
        after: &[(".bss", &[0, 0, 0, 0], &[4, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0])],
    },
];
