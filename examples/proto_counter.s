; XDP: count packets per IP protocol (IPv4 protocol / IPv6 next header) in a
; per-CPU array indexed by the protocol number. Each CPU updates its own copy,
; so no atomic operation is needed; user space sums the copies.
.type xdp
.map proto_count, percpu_array, key=4, value=8, max_entries=256

    r2 = *(u32 *)(r1 + 4)           ; data_end
    r1 = *(u32 *)(r1 + 0)           ; data
    r3 = r1
    r3 += 14
    if r3 > r2 goto out
    r4 = *(u16 *)(r1 + 12)          ; EtherType
    if r4 == 0x0008 goto ipv4
    if r4 == 0xdd86 goto ipv6
    goto out

ipv4:
    r3 = r1
    r3 += 34
    if r3 > r2 goto out
    r5 = *(u8 *)(r1 + 23)           ; protocol
    goto count

ipv6:
    r3 = r1
    r3 += 54
    if r3 > r2 goto out
    r5 = *(u8 *)(r1 + 20)           ; next header

count:
    *(u32 *)(r10 - 4) = r5          ; key: the protocol number
    r1 = map[proto_count] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem        ; this CPU's counter
    if r0 == 0 goto out
    r1 = *(u64 *)(r0 + 0)
    r1 += 1
    *(u64 *)(r0 + 0) = r1

out:
    r0 = 2                          ; XDP_PASS
    exit
