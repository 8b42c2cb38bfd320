//! Helper return values, context fields and packet effects, VM against the
//! host kernel: each case is a small XDP, tc or socket filter program
//! returning what a helper returned or a context field held; run
//! with `BPF_PROG_TEST_RUN` where `bpf(2)` works (skipped, with the reason
//! printed, elsewhere), and in the VM; the return value and output packet must
//! be the same.

#[path = "support/kernel.rs"]
mod kernel;

use kernel::{Kernel, Verdict};
use vm_core::asm::assemble;
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run, Input};
use vm_core::verifier::{verify, VerifierOptions};

/// (what, source)
const CASES: &[(&str, &str)] = &[
    ("tc: len", ".type sched_cls\nr0 = *(u32 *)(r1 + 0)\nexit"),
    (
        "tc: pkt_type",
        ".type sched_cls\nr0 = *(u32 *)(r1 + 4)\nexit",
    ),
    (
        "tc: protocol",
        ".type sched_cls\nr0 = *(u32 *)(r1 + 16)\nexit",
    ),
    (
        "tc: ingress_ifindex",
        ".type sched_cls\nr0 = *(u32 *)(r1 + 36)\nexit",
    ),
    (
        "tc: ifindex",
        ".type sched_cls\nr0 = *(u32 *)(r1 + 40)\nexit",
    ),
    (
        "tc: narrow load of protocol",
        ".type sched_cls\nr0 = *(u8 *)(r1 + 16)\nexit",
    ),
    (
        "tc: data_end - data",
        ".type sched_cls\nr2 = *(u32 *)(r1 + 76)\nr0 = *(u32 *)(r1 + 80)\nr0 -= r2\nexit",
    ),
    (
        "tc: data - data_meta",
        ".type sched_cls\nr2 = *(u32 *)(r1 + 140)\nr0 = *(u32 *)(r1 + 76)\nr0 -= r2\nexit",
    ),
    (
        "tc: cb and mark written, read back",
        ".type sched_cls
        r2 = 77
        *(u32 *)(r1 + 8) = r2
        *(u64 *)(r1 + 56) = r2
        r0 = *(u32 *)(r1 + 8)
        r2 = *(u32 *)(r1 + 56)
        r0 += r2
        exit",
    ),
    (
        "socket filter: len (from the network header)",
        ".type socket_filter\nr0 = *(u32 *)(r1 + 0)\nexit",
    ),
    (
        "socket filter: protocol",
        ".type socket_filter\nr0 = *(u32 *)(r1 + 16)\nexit",
    ),
    (
        "socket filter: ifindex",
        ".type socket_filter\nr0 = *(u32 *)(r1 + 40)\nexit",
    ),
    (
        "socket filter: ld_abs reads from the network header",
        ".type socket_filter\nr6 = r1\nr0 = *(u8 *)skb[0]\nexit",
    ),
    (
        "socket filter: ld_ind",
        ".type socket_filter\nr6 = r1\nr7 = 8\nr0 = *(u16 *)skb[r7 + 4]\nexit",
    ),
    (
        "socket filter: skb_load_bytes",
        ".type socket_filter
        r2 = 12
        r3 = r10
        r3 += -8
        r4 = 8
        call bpf_skb_load_bytes
        r0 = *(u64 *)(r10 - 8)
        r0 >>= 32
        exit",
    ),
    (
        "xdp: ingress_ifindex",
        ".type xdp\nr0 = *(u32 *)(r1 + 12)\nexit",
    ),
    (
        "xdp: rx_queue_index",
        ".type xdp\nr0 = *(u32 *)(r1 + 16)\nexit",
    ),
    (
        "xdp: data_end - data",
        ".type xdp\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u32 *)(r1 + 4)\nr0 -= r2\nexit",
    ),
    (
        "xdp: data - data_meta",
        ".type xdp\nr2 = *(u32 *)(r1 + 8)\nr0 = *(u32 *)(r1 + 0)\nr0 -= r2\nexit",
    ),
    (
        "csum_diff of 8 bytes against 4 with a seed",
        ".type xdp
        r1 = 0x1122334455667788 ll
        *(u64 *)(r10 - 8) = r1
        *(u32 *)(r10 - 12) = 0x0a0b0c0d
        r1 = r10
        r1 += -8
        r2 = 8
        r3 = r10
        r3 += -12
        r4 = 4
        r5 = 0x1234
        call bpf_csum_diff
        exit",
    ),
    (
        "csum_diff of 6 bytes (6.18 takes any size)",
        ".type xdp
        r1 = r10
        r1 += -8
        *(u64 *)(r10 - 8) = 0
        r2 = 6
        r3 = 0
        r4 = 0
        r5 = 0
        call bpf_csum_diff
        exit",
    ),
    (
        "skb_load_bytes past the end",
        ".type sched_cls
        r2 = 50
        r3 = r10
        r3 += -16
        r4 = 16
        call bpf_skb_load_bytes
        exit",
    ),
    (
        "skb_store_bytes past the end",
        ".type sched_cls
        *(u64 *)(r10 - 8) = 0
        r2 = 60
        r3 = r10
        r3 += -8
        r4 = 8
        r5 = 0
        call bpf_skb_store_bytes
        exit",
    ),
    (
        "skb_store_bytes with unknown flags",
        ".type sched_cls
        *(u64 *)(r10 - 8) = 0
        r2 = 0
        r3 = r10
        r3 += -8
        r4 = 8
        r5 = 4
        call bpf_skb_store_bytes
        exit",
    ),
    (
        "skb_store_bytes then load_bytes",
        ".type sched_cls
        r6 = r1
        r1 = 0x0102030405060708 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r6
        r2 = 6
        r3 = r10
        r3 += -8
        r4 = 6
        r5 = 0
        call bpf_skb_store_bytes
        r1 = r6
        r2 = 8
        r3 = r10
        r3 += -16
        r4 = 4
        call bpf_skb_load_bytes
        r0 = *(u32 *)(r10 - 16)
        exit",
    ),
    (
        "l3_csum_replace at an odd offset",
        ".type sched_cls
        r2 = 25
        r3 = 0
        r4 = 1
        r5 = 2
        call bpf_l3_csum_replace
        exit",
    ),
    (
        "l3_csum_replace of a 4-byte field",
        ".type sched_cls
        r2 = 24
        r3 = 0x0100000a
        r4 = 0x0b01000a
        r5 = 4
        call bpf_l3_csum_replace
        exit",
    ),
    (
        "l3_csum_replace by a difference",
        ".type sched_cls
        r2 = 24
        r3 = 0
        r4 = 0x12345
        r5 = 0
        call bpf_l3_csum_replace
        exit",
    ),
    (
        "l3_csum_replace with bad flags",
        ".type sched_cls
        r2 = 24
        r3 = 0
        r4 = 0
        r5 = 0x10
        call bpf_l3_csum_replace
        exit",
    ),
    (
        "l4_csum_replace of a 2-byte field, mangled zero",
        ".type sched_cls
        r2 = 40
        r3 = 0x3500
        r4 = 0x901f
        r5 = 0x22
        call bpf_l4_csum_replace
        exit",
    ),
    (
        "redirect from XDP with flags",
        ".type xdp
        r1 = 3
        r2 = 1
        call bpf_redirect
        exit",
    ),
    (
        "redirect from XDP",
        ".type xdp
        r1 = 3
        r2 = 0
        call bpf_redirect
        exit",
    ),
    (
        "redirect from tc to ingress",
        ".type sched_cls
        r1 = 3
        r2 = 1
        call bpf_redirect
        exit",
    ),
    (
        "redirect from tc with bad flags",
        ".type sched_cls
        r1 = 3
        r2 = 2
        call bpf_redirect
        exit",
    ),
    (
        "xdp_adjust_meta then adjust_head keeps the metadata",
        ".type xdp
        r6 = r1
        r2 = -8
        call bpf_xdp_adjust_meta
        r1 = r6
        r2 = -6
        call bpf_xdp_adjust_head
        r0 <<= 8
        r1 = r6
        r2 = 10
        call bpf_xdp_adjust_tail
        exit",
    ),
    (
        "array update with BPF_NOEXIST, and past the end",
        ".type xdp
        .map a, array, key=4, value=8, max_entries=2
        *(u64 *)(r10 - 16) = 0
        *(u32 *)(r10 - 4) = 1
        r1 = map[a] ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 1
        call bpf_map_update_elem
        r6 = r0
        *(u32 *)(r10 - 4) = 2
        r1 = map[a] ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        call bpf_map_update_elem
        r0 <<= 8
        r0 |= r6
        r0 &= 0xffff
        exit",
    ),
    (
        "hash full, then BPF_EXIST on a missing key, then delete twice",
        ".type xdp
        .map h, hash, key=4, value=8, max_entries=1
        *(u64 *)(r10 - 16) = 0
        *(u32 *)(r10 - 4) = 1
        r1 = map[h] ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        call bpf_map_update_elem
        *(u32 *)(r10 - 4) = 2
        r1 = map[h] ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 0
        call bpf_map_update_elem
        r6 = r0
        r6 &= 0xff
        r1 = map[h] ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 2
        call bpf_map_update_elem
        r0 &= 0xff
        r0 <<= 8
        r6 |= r0
        *(u32 *)(r10 - 4) = 1
        r1 = map[h] ll
        r2 = r10
        r2 += -4
        call bpf_map_delete_elem
        r0 &= 0xff
        r0 <<= 16
        r6 |= r0
        r1 = map[h] ll
        r2 = r10
        r2 += -4
        call bpf_map_delete_elem
        r0 &= 0xff
        r0 <<= 24
        r0 |= r6
        exit",
    ),
    (
        "queue: push until full, pop, peek an empty stack",
        ".type xdp
        .map q, queue, key=0, value=4, max_entries=1
        .map s, stack, key=0, value=4, max_entries=1
        *(u32 *)(r10 - 4) = 9
        r1 = map[q] ll
        r2 = r10
        r2 += -4
        r3 = 0
        call bpf_map_push_elem
        r1 = map[q] ll
        r2 = r10
        r2 += -4
        r3 = 0
        call bpf_map_push_elem
        r6 = r0
        r6 &= 0xff
        r1 = map[s] ll
        r2 = r10
        r2 += -8
        call bpf_map_peek_elem
        r0 &= 0xff
        r0 <<= 8
        r6 |= r0
        r1 = map[q] ll
        r2 = r10
        r2 += -8
        call bpf_map_pop_elem
        r0 = *(u32 *)(r10 - 8)
        r0 <<= 16
        r0 |= r6
        exit",
    ),
    (
        "ringbuf: output with bad flags, reserve too much, query",
        ".type xdp
        .map rb, ringbuf, key=0, value=0, max_entries=4096
        *(u64 *)(r10 - 8) = 0
        r1 = map[rb] ll
        r2 = r10
        r2 += -8
        r3 = 8
        r4 = 4
        call bpf_ringbuf_output
        r6 = r0
        r6 &= 0xff
        r1 = map[rb] ll
        r2 = r10
        r2 += -8
        r3 = 8
        r4 = 0
        call bpf_ringbuf_output
        r1 = map[rb] ll
        r2 = 0
        call bpf_ringbuf_query
        r0 <<= 8
        r6 |= r0
        r1 = map[rb] ll
        r2 = 1
        call bpf_ringbuf_query
        r0 <<= 16
        r0 |= r6
        exit",
    ),
    (
        "LPM trie: prefix too long, insert, full, longest match",
        ".type xdp
        .map t, lpm_trie, key=8, value=8, max_entries=2, flags=1
        *(u64 *)(r10 - 24) = 7
        *(u32 *)(r10 - 8) = 33
        *(u32 *)(r10 - 4) = 0x0000000a
        r1 = map[t] ll
        r2 = r10
        r2 += -8
        r3 = r10
        r3 += -24
        r4 = 0
        call bpf_map_update_elem
        r6 = r0
        r6 &= 0xff
        *(u32 *)(r10 - 8) = 8
        r1 = map[t] ll
        r2 = r10
        r2 += -8
        r3 = r10
        r3 += -24
        r4 = 0
        call bpf_map_update_elem
        *(u32 *)(r10 - 8) = 16
        r1 = map[t] ll
        r2 = r10
        r2 += -8
        r3 = r10
        r3 += -24
        r4 = 0
        call bpf_map_update_elem
        *(u32 *)(r10 - 8) = 24
        r1 = map[t] ll
        r2 = r10
        r2 += -8
        r3 = r10
        r3 += -24
        r4 = 0
        call bpf_map_update_elem
        r0 &= 0xff
        r0 <<= 8
        r6 |= r0
        *(u32 *)(r10 - 8) = 32
        *(u32 *)(r10 - 4) = 0x0900000a
        r1 = map[t] ll
        r2 = r10
        r2 += -8
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r0 = *(u64 *)(r0 + 0)
        r0 <<= 16
        r6 |= r0
    out:
        r0 = r6
        exit",
    ),
    (
        "percpu array: write this CPU's copy, lookup_percpu_elem of a CPU that does not exist",
        ".type xdp
        .map p, percpu_array, key=4, value=8, max_entries=1
        *(u32 *)(r10 - 4) = 0
        r1 = map[p] ll
        r2 = r10
        r2 += -4
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        *(u64 *)(r0 + 0) = 5
        r1 = map[p] ll
        r2 = r10
        r2 += -4
        r3 = 100000
        call bpf_map_lookup_percpu_elem
        r6 = r0
        r1 = map[p] ll
        r2 = r10
        r2 += -4
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r0 = *(u64 *)(r0 + 0)
        if r6 == 0 goto out
        r0 = 99
    out:
        exit",
    ),
    (
        "bpf_loop with flags, and with too many iterations",
        ".type xdp
        r1 = 1
        r2 = func[cb] ll
        r3 = 0
        r4 = 1
        call bpf_loop
        r6 = r0
        r6 &= 0xff
        r1 = 0x800001 ll
        r2 = func[cb] ll
        r3 = 0
        r4 = 0
        call bpf_loop
        r0 &= 0xff
        r0 <<= 8
        r0 |= r6
        exit
    cb:
        r0 = 0
        exit",
    ),
    (
        "strncmp: equal, less, greater (bytes unsigned), bounded by s1_sz, at an offset in .rodata",
        ".type xdp
        .map .rodata, array, key=4, value=8, max_entries=1, flags=0x80, init=\"78797a0061626300\"
        r1 = 0x00636261 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r10
        r1 += -8
        r2 = 4
        r3 = map[.rodata][0] + 4 ll
        call bpf_strncmp
        r6 = r0
        r6 &= 0xff
        r1 = 0x00626261 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r10
        r1 += -8
        r2 = 4
        r3 = map[.rodata][0] + 4 ll
        call bpf_strncmp
        r0 &= 0xff
        r0 <<= 8
        r6 |= r0
        r1 = 0x00ff6261 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r10
        r1 += -8
        r2 = 3
        r3 = map[.rodata][0] + 4 ll
        call bpf_strncmp
        r0 &= 0xff
        r0 <<= 16
        r6 |= r0
        r1 = r10
        r1 += -8
        r2 = 2
        r3 = map[.rodata][0] + 4 ll
        call bpf_strncmp
        r0 <<= 24
        r0 |= r6
        exit",
    ),
    (
        "strncmp: a string ended by the zeros after the value's initial bytes",
        ".type xdp
        .map .rodata, array, key=4, value=8, max_entries=1, flags=0x80, init=\"6162\"
        r1 = 0x6261 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r10
        r1 += -8
        r2 = 8
        r3 = map[.rodata][0] + 0 ll
        call bpf_strncmp
        exit",
    ),
    (
        "a .rodata value is a known constant: a size the verifier can check",
        ".type xdp
        .map .rodata, array, key=4, value=8, max_entries=1, flags=0x80, init=\"0600000000000000\"
        r6 = r1
        r1 = map[.rodata][0] + 0 ll
        r4 = *(u32 *)(r1 + 0)
        r1 = r6
        r2 = 0
        r3 = r10
        r3 += -8
        call bpf_xdp_load_bytes
        r0 = *(u32 *)(r10 - 8)
        exit",
    ),
    (
        "a .rodata value set by user space before the freeze is the one the verifier knows",
        ".type xdp
        .map .rodata, array, key=4, value=8, max_entries=1, flags=0x80, init=\"0000000000000000\"
        .entry .rodata, key=u32:0, value=\"0300000000000000\"
        r6 = r1
        r1 = map[.rodata][0] + 0 ll
        r4 = *(u32 *)(r1 + 0)
        *(u32 *)(r10 - 8) = 0
        r1 = r6
        r2 = 0
        r3 = r10
        r3 += -8
        call bpf_xdp_load_bytes
        r0 = *(u32 *)(r10 - 8)
        exit",
    ),
    (
        "snprintf: %d %pI4 %s %c, cut to the buffer, returns the length needed; the text goes into the packet",
        ".type xdp
        .map .rodata, array, key=4, value=26, max_entries=1, flags=0x80, init=\"756470202564202d3e20257049343a2564202825732920256300\"
        r9 = r1
        r1 = 12345
        *(u64 *)(r10 - 48) = r1
        r1 = 0x0200000a
        *(u32 *)(r10 - 56) = r1
        r1 = r10
        r1 += -56
        *(u64 *)(r10 - 40) = r1
        r1 = 53
        *(u64 *)(r10 - 32) = r1
        r1 = 0x6f6c6c6568 ll
        *(u64 *)(r10 - 64) = r1
        r1 = r10
        r1 += -64
        *(u64 *)(r10 - 24) = r1
        r1 = 33
        *(u64 *)(r10 - 16) = r1
        r1 = r10
        r1 += -96
        r2 = 32
        r3 = map[.rodata][0] + 0 ll
        r4 = r10
        r4 += -48
        r5 = 40
        call bpf_snprintf
        r6 = r0
        r1 = r9
        r2 = 0
        r3 = r10
        r3 += -96
        r4 = 32
        call bpf_xdp_store_bytes
        r0 = r6
        exit",
    ),
    (
        "snprintf: width and flags; a NULL buffer of size 0 only measures",
        ".type xdp
        .map .rodata, array, key=4, value=18, max_entries=1, flags=0x80, init=\"2535647c252d34787c253035647c252b6400\"
        r9 = r1
        r1 = 42
        *(u64 *)(r10 - 32) = r1
        r1 = 0xab
        *(u64 *)(r10 - 24) = r1
        r1 = -42
        *(u64 *)(r10 - 16) = r1
        r1 = 7
        *(u64 *)(r10 - 8) = r1
        r1 = r10
        r1 += -64
        r2 = 24
        r3 = map[.rodata][0] + 0 ll
        r4 = r10
        r4 += -32
        r5 = 32
        call bpf_snprintf
        r6 = r0
        r1 = 0
        r2 = 0
        r3 = map[.rodata][0] + 0 ll
        r4 = r10
        r4 += -32
        r5 = 32
        call bpf_snprintf
        r0 <<= 8
        r6 |= r0
        r1 = r9
        r2 = 0
        r3 = r10
        r3 += -64
        r4 = 20
        call bpf_xdp_store_bytes
        r0 = r6
        exit",
    ),
    (
        "snprintf: %llx cut to a small buffer, and a data length that is not a multiple of 8",
        ".type xdp
        .map .rodata, array, key=4, value=16, max_entries=1, flags=0x80, init=\"30313233343536373839256c6c782100\"
        r9 = r1
        r1 = 0x1122334455667788 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r10
        r1 += -16
        r2 = 8
        r3 = map[.rodata][0] + 0 ll
        r4 = r10
        r4 += -8
        r5 = 8
        call bpf_snprintf
        r6 = r0
        r1 = r9
        r2 = 0
        r3 = r10
        r3 += -16
        r4 = 8
        call bpf_xdp_store_bytes
        r0 = r6
        exit",
    ),
    (
        "xdp_load_bytes / xdp_store_bytes: swap the addresses, then past the end and past 64 KiB",
        ".type xdp
        r6 = r1
        r1 = r6
        r2 = 26
        r3 = r10
        r3 += -8
        r4 = 8
        call bpf_xdp_load_bytes
        r7 = r0
        r7 &= 0xff
        r1 = *(u32 *)(r10 - 8)
        r2 = *(u32 *)(r10 - 4)
        *(u32 *)(r10 - 8) = r2
        *(u32 *)(r10 - 4) = r1
        r1 = r6
        r2 = 26
        r3 = r10
        r3 += -8
        r4 = 8
        call bpf_xdp_store_bytes
        r0 &= 0xff
        r0 <<= 8
        r7 |= r0
        r1 = r6
        r2 = 44
        r3 = r10
        r3 += -8
        r4 = 4
        call bpf_xdp_load_bytes
        r0 &= 0xff
        r0 <<= 16
        r7 |= r0
        r1 = r6
        r2 = 0x10000
        r3 = r10
        r3 += -8
        r4 = 4
        call bpf_xdp_store_bytes
        r0 &= 0xff
        r0 <<= 24
        r0 |= r7
        exit",
    ),
    (
        "xdp_store_bytes keeps packet pointers valid (it does not move the packet)",
        ".type xdp
        r6 = r1
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r2 = r7
        r2 += 16
        r0 = 0
        if r2 > r8 goto out
        *(u32 *)(r10 - 4) = 0x01020304
        r1 = r6
        r2 = 12
        r3 = r10
        r3 += -4
        r4 = 4
        call bpf_xdp_store_bytes
        r0 = *(u32 *)(r7 + 12)
    out:
        exit",
    ),
];

fn packet() -> Vec<u8> {
    let mut p = vec![
        2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, // Ethernet
        0x45, 0, 0, 33, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
        0x30, 0x39, 0, 53, 0, 13, 0, 0, // UDP
        b'h', b'e', b'l', b'l', b'o',
    ];
    // Fill in the IPv4 and UDP checksums.
    let sum = |bytes: &[u8], init: u32| {
        let mut s = init;
        for c in bytes.chunks(2) {
            s += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
        }
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        !(s as u16)
    };
    let ip = sum(&p[14..34], 0);
    p[24..26].copy_from_slice(&ip.to_be_bytes());
    let pseudo: u32 = [10u32 << 8, 1, 10 << 8, 2, 17, 13].iter().sum();
    let udp = sum(&p[34..], pseudo);
    p[40..42].copy_from_slice(&udp.to_be_bytes());
    p
}

/// The host kernel, or `None` after printing why it cannot be asked.
fn kernel() -> Option<Kernel> {
    Kernel::open()
        .map_err(|why| println!("skipped the kernel comparison: {why}"))
        .ok()
}

#[test]
fn helpers_return_what_the_kernel_returns() {
    let kernel = kernel();
    for (what, src) in CASES {
        let prog = assemble(src).unwrap_or_else(|e| panic!("{what}: {e}"));
        let ours = verify(&prog, &VerifierOptions::default());
        assert!(
            ours.accepted(),
            "{what}: our verifier rejects it: {:?}",
            ours.error
        );
        let mut maps = Maps::for_program(&prog, MapsConfig::default()).unwrap();
        let out = run(&prog, &Input::packet(packet()), &mut maps)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let vm = (out.verdict.code as u32, out.test_run_data_out());
        let Some(k) = &kernel else { continue };
        let fd = match k.load(&prog, "GPL").unwrap() {
            Verdict::Accepted { prog, .. } => prog,
            Verdict::Rejected { log, .. } => panic!("{what}: the kernel rejects it:\n{log}"),
        };
        let got = k.test_run(&fd, &packet()).unwrap();
        assert_eq!(got, vm, "{what}: kernel (left) vs VM (right)");
    }
}

/// Helper arguments the verifier refuses: (what, source, the kernel's message).
/// Ours must reject with that message; where `bpf(2)` works, the kernel must
/// print it too.
const REJECTED: &[(&str, &str, &str)] = &[
    (
        "strncmp: the string in a map programs may write",
        ".type xdp
        .map .data, array, key=4, value=4, max_entries=1, init=\"61626300\"
        *(u64 *)(r10 - 8) = 0
        r1 = r10
        r1 += -8
        r2 = 4
        r3 = map[.data][0] + 0 ll
        call bpf_strncmp
        exit",
        "R3 does not point to a readonly map'",
    ),
    (
        "strncmp: the string on the stack",
        ".type xdp
        *(u64 *)(r10 - 8) = 0
        r1 = r10
        r1 += -8
        r2 = 4
        r3 = r10
        r3 += -8
        call bpf_strncmp
        exit",
        "R3 type=fp expected=map_value",
    ),
    (
        "strncmp: no NUL after the offset",
        ".type xdp
        .map .rodata, array, key=4, value=4, max_entries=1, flags=0x80, init=\"610062ff\"
        *(u64 *)(r10 - 8) = 0
        r1 = r10
        r1 += -8
        r2 = 4
        r3 = map[.rodata][0] + 2 ll
        call bpf_strncmp
        exit",
        "string is not zero-terminated",
    ),
    (
        "strncmp: a variable offset into .rodata",
        ".type xdp
        .map .rodata, array, key=4, value=4, max_entries=1, flags=0x80, init=\"61006200\"
        r6 = *(u32 *)(r1 + 12)
        r6 &= 2
        *(u64 *)(r10 - 8) = 0
        r1 = r10
        r1 += -8
        r2 = 4
        r3 = map[.rodata][0] + 0 ll
        r3 += r6
        call bpf_strncmp
        exit",
        "R3 is not a constant address'",
    ),
    (
        "strncmp: a constant offset past the end of the value",
        ".type xdp
        .map .rodata, array, key=4, value=4, max_entries=1, flags=0x80, init=\"61006200\"
        *(u64 *)(r10 - 8) = 0
        r1 = r10
        r1 += -8
        r2 = 4
        r3 = map[.rodata][0] + 0 ll
        r4 = 6
        r3 += r4
        call bpf_strncmp
        exit",
        "invalid access to map value, value_size=4 off=6 size=-2",
    ),
    (
        "a store into .rodata",
        ".type xdp
        .map .rodata, array, key=4, value=8, max_entries=1, flags=0x80, init=\"0500000000000000\"
        r1 = map[.rodata][0] + 0 ll
        *(u32 *)(r1 + 4) = 7
        r0 = 0
        exit",
        "write into map forbidden, value_size=8 off=4 size=4",
    ),
    (
        "an atomic add on .rodata",
        ".type xdp
        .map .rodata, array, key=4, value=8, max_entries=1, flags=0x80, init=\"0500000000000000\"
        r1 = map[.rodata][0] + 0 ll
        r2 = 1
        lock *(u64 *)(r1 + 0) += r2
        r0 = 0
        exit",
        "write into map forbidden, value_size=8 off=0 size=8",
    ),
    (
        "a helper writing into .rodata",
        ".type xdp
        .map .rodata, array, key=4, value=8, max_entries=1, flags=0x80, init=\"0500000000000000\"
        r2 = 0
        r3 = map[.rodata][0] + 2 ll
        r4 = 4
        call bpf_xdp_load_bytes
        r0 = 0
        exit",
        "write into map forbidden, value_size=8 off=2 size=4",
    ),
    (
        "snprintf: more conversions than arguments",
        ".type xdp
        .map .rodata, array, key=4, value=6, max_entries=1, flags=0x80, init=\"256425640000\"
        *(u64 *)(r10 - 8) = 0
        r1 = 0
        r2 = 0
        r3 = map[.rodata][0] + 0 ll
        r4 = r10
        r4 += -8
        r5 = 8
        call bpf_snprintf
        exit",
        "Invalid format string",
    ),
    (
        "snprintf: a conversion the kernel lacks",
        ".type xdp
        .map .rodata, array, key=4, value=3, max_entries=1, flags=0x80, init=\"256600\"
        *(u64 *)(r10 - 8) = 0
        r1 = 0
        r2 = 0
        r3 = map[.rodata][0] + 0 ll
        r4 = r10
        r4 += -8
        r5 = 8
        call bpf_snprintf
        exit",
        "Invalid format string",
    ),
    (
        "csum_diff: NULL with a non-zero size",
        ".type xdp
        r1 = 0
        r2 = 4
        r3 = 0
        r4 = 0
        r5 = 0
        call bpf_csum_diff
        exit",
        "R1 type=scalar expected=fp",
    ),
    (
        "xdp_load_bytes into the packet",
        ".type xdp
        r6 = r1
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r2 = r7
        r2 += 8
        r0 = 0
        if r2 > r8 goto out
        r1 = r6
        r2 = 12
        r3 = r7
        r4 = 4
        call bpf_xdp_load_bytes
    out:
        exit",
        "helper access to the packet is not allowed",
    ),
];

#[test]
fn helper_arguments_are_refused_with_the_kernels_message() {
    let kernel = kernel();
    for (what, src, message) in REJECTED {
        let prog = assemble(src).unwrap_or_else(|e| panic!("{what}: {e}"));
        let ours = verify(&prog, &VerifierOptions::default());
        let error = ours
            .error
            .unwrap_or_else(|| panic!("{what}: our verifier accepts it"));
        assert!(
            error.message.lines().any(|l| l == *message),
            "{what}: ours {:?}, expected {message:?}",
            error.message
        );
        let Some(k) = &kernel else { continue };
        match k.load(&prog, "GPL").unwrap() {
            Verdict::Accepted { .. } => panic!("{what}: the kernel accepts it"),
            Verdict::Rejected { log, .. } => assert!(
                log.lines().any(|l| l == *message),
                "{what}: the kernel's log lacks {message:?}:\n{log}"
            ),
        }
    }
}
