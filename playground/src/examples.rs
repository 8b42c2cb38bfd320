//! The examples gallery: small programs written for the playground, and the
//! repository's `examples/` (embedded at build time, so they stay in sync).

/// One example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// Stable id (used in the select box and in tests).
    pub id: &'static str,
    /// What it shows, in a few words.
    pub title: &'static str,
    /// The source.
    pub source: &'static str,
}

/// Every example, in the order the gallery lists them.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "return-42",
        title: "Basics: return 42",
        source: crate::state::DEFAULT_SOURCE,
    },
    Example {
        id: "xdp-drop-dns",
        title: "Networking: drop DNS (XDP)",
        source: include_str!("../../examples/xdp_drop_dns.s"),
    },
    Example {
        id: "proto-counter",
        title: "Monitoring: packets per IP protocol (per-CPU array)",
        source: include_str!("../../examples/proto_counter.s"),
    },
    Example {
        id: "lpm-firewall",
        title: "Networking: prefix blocklist (LPM trie)",
        source: include_str!("../../examples/lpm_firewall.s"),
    },
    Example {
        id: "load-balancer",
        title: "Networking: load balancer rewriting addresses (tc)",
        source: include_str!("../../examples/load_balancer.s"),
    },
    Example {
        id: "trace-syscalls",
        title: "Monitoring: syscalls per process, ring buffer events",
        source: include_str!("../../examples/trace_syscalls.s"),
    },
    Example {
        id: "sample-stacks",
        title: "Monitoring: sampled stack traces (kprobe)",
        source: include_str!("../../examples/sample_stacks.s"),
    },
    Example {
        id: "egress-policy",
        title: "Security: default-deny egress policy with audit events (tc)",
        source: include_str!("../../examples/egress_policy.s"),
    },
    Example {
        id: "loop-histogram",
        title: "Monitoring: size histogram with bpf_loop (kprobe)",
        source: include_str!("../../examples/loop_histogram.s"),
    },
    Example {
        id: "ipv4-checksum",
        title: "Networking: drop bad IPv4 checksums with a bounded loop (XDP)",
        source: include_str!("../../examples/ipv4_checksum.s"),
    },
    Example {
        id: "reject-r0",
        title: "Rejected: exit without setting r0",
        source: "\
; The verifier rejects this program: r0 is the return value, and nothing
; wrote it before exit. The kernel says `R0 !read_ok`.
; Fix: set r0 first, e.g. `r0 = 2` (XDP_PASS).
.type xdp
exit
",
    },
    Example {
        id: "reject-packet-bounds",
        title: "Rejected: packet read without a bounds check",
        source: "\
; XDP: read the EtherType without first proving the packet is long enough.
; The verifier rejects the load: `invalid access to packet`.
; Fix: compare data + 14 with data_end first (see \"drop DNS\").
.type xdp
    r2 = *(u32 *)(r1 + 0)       ; data
    r0 = *(u16 *)(r2 + 12)      ; EtherType: no bounds check!
    r0 = 2                      ; XDP_PASS
    exit
",
    },
    Example {
        id: "reject-map-pointer",
        title: "Rejected: a map helper called without a map",
        source: "\
; bpf_map_lookup_elem(map, key) needs a map pointer in r1 (an `r1 = map[..] ll`
; load). Here r1 is a plain number, so the verifier rejects the call: its
; message names the argument's type and the one the helper expects.
; Fix: `r1 = map[counts] ll`, and write the key at fp-4 before the call.
.type xdp
.map counts, array, key=4, value=8, max_entries=1
    r1 = 0
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    r0 = 2
    exit
",
    },
    Example {
        id: "reject-infinite-loop",
        title: "Rejected: a loop that never ends",
        source: "\
; The loop waits for r6 to reach 10, but nothing in it changes r6. Each time
; round, the verifier comes back to the loop's start with exactly the state it
; had the time before (R6=0), so it knows the loop can never end and rejects
; the program at once: `infinite loop detected at insn 1`. (A loop whose state
; does change but whose bound the verifier cannot see fails much later, after
; 1,000,000 instructions: `BPF program is too large`.)
; Fix: advance the counter inside the loop (`r6 += 1` before the jump).
.type xdp
    r6 = 0                          ; the counter
loop:
    r0 = 2                          ; XDP_PASS
    if r6 < 10 goto loop            ; r6 is still 0: always jumps
    exit
",
    },
];

/// The example with this id.
pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{analyse, parse_packet, Report, SAMPLE_PACKET_HEX};

    #[test]
    fn every_example_assembles_and_rejects_exactly_when_its_title_says() {
        let packet = parse_packet(SAMPLE_PACKET_HEX).unwrap();
        for e in EXAMPLES {
            match analyse(e.source, &packet) {
                Report::Asm(err) => panic!("{} does not assemble: {err:?}", e.id),
                Report::Analysed(a) => assert_eq!(
                    !a.verdict.accepted,
                    e.title.starts_with("Rejected"),
                    "{}: {:?}",
                    e.id,
                    a.verdict.error
                ),
            }
        }
    }

    #[test]
    fn the_loop_examples_walk_a_back_edge_and_the_rejected_one_names_the_loop() {
        let packet = parse_packet(SAMPLE_PACKET_HEX).unwrap();
        let Some(Report::Analysed(a)) = by_id("ipv4-checksum").map(|e| analyse(e.source, &packet))
        else {
            panic!("ipv4-checksum");
        };
        let first = a.verifier.trace.iter().position(|s| s.insn == 13).unwrap();
        let visits = crate::session::walk::iterations(&a.verifier.trace, first);
        assert_eq!(visits.len(), 10, "ten iterations of the loop's first insn");
        let Some(Report::Analysed(a)) =
            by_id("reject-infinite-loop").map(|e| analyse(e.source, &packet))
        else {
            panic!("reject-infinite-loop");
        };
        let e = a.verdict.error.as_ref().expect("rejected");
        assert_eq!(e.message, "infinite loop detected at insn 1");
        assert!(a.verifier.stats.processed_insns < 100);
    }

    #[test]
    fn ids_are_unique() {
        for (i, e) in EXAMPLES.iter().enumerate() {
            let first = EXAMPLES.iter().position(|f| f.id == e.id);
            assert_eq!(first, Some(i), "{} is listed twice", e.id);
            assert_eq!(by_id(e.id).map(|f| f.title), Some(e.title));
        }
    }
}
