; XDP, reached by a tail call for UDP: count datagrams per destination port in
; a hash map and pass them.
.type xdp
.map jump_table, prog_array, key=4, value=4, max_entries=256
.map udp_ports, hash, key=4, value=8, max_entries=1024

    r2 = *(u32 *)(r1 + 4)           ; data_end
    r1 = *(u32 *)(r1 + 0)           ; data
    r3 = r1
    r3 += 42                        ; Ethernet + IPv4 (no options) + UDP
    if r3 > r2 goto pass
    r4 = *(u16 *)(r1 + 36)          ; destination port, network order
    r4 = be16 r4                    ; host order
    *(u32 *)(r10 - 4) = r4
    r1 = map[udp_ports] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto new
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
    goto pass
new:
    r1 = 1
    *(u64 *)(r10 - 16) = r1
    r1 = map[udp_ports] ll
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 0                          ; BPF_ANY
    call bpf_map_update_elem
pass:
    r0 = 2                          ; XDP_PASS
    exit
