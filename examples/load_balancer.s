; tc: a UDP load balancer. Datagrams to the virtual service 10.0.0.2:53 go to
; one of two backends, chosen by the lowest bit of the source port: the
; destination address and port are rewritten in place and the IPv4 header
; checksum and the UDP checksum (which covers the addresses through the pseudo
; header) are fixed incrementally with bpf_l3_csum_replace / bpf_l4_csum_replace.
;
; A backend is { u32 addr; u16 port; u16 pad; }, address and port in network order.
.type sched_cls
.map backends, array, key=4, value=8, max_entries=2
; The two backends user space configures: 10.0.1.10:8053 and 10.0.1.11:9053.
.entry backends, key=u32:0, value=ip:10.0.1.10 + be16:8053 + u16:0
.entry backends, key=u32:1, value=ip:10.0.1.11 + be16:9053 + u16:0

    r6 = r1                         ; the __sk_buff
    r2 = *(u32 *)(r6 + 80)          ; data_end
    r1 = *(u32 *)(r6 + 76)          ; data
    r3 = r1
    r3 += 42                        ; Ethernet + IPv4 (20) + UDP (8)
    if r3 > r2 goto pass
    r4 = *(u16 *)(r1 + 12)
    if r4 != 0x0008 goto pass       ; IPv4
    r4 = *(u8 *)(r1 + 14)
    if r4 != 0x45 goto pass         ; version 4, no options
    r4 = *(u8 *)(r1 + 23)
    if r4 != 17 goto pass           ; UDP
    r4 = *(u32 *)(r1 + 30)          ; destination address
    if r4 != 0x0200000a goto pass   ; 10.0.0.2
    r5 = *(u16 *)(r1 + 36)          ; destination port
    if r5 != 0x3500 goto pass       ; 53
    *(u32 *)(r10 - 16) = r4         ; the old address and port, for the checksums
    *(u32 *)(r10 - 12) = r5
    r7 = *(u16 *)(r1 + 34)          ; source port, network order:
    r7 >>= 8                        ; its low byte is the high byte here
    r7 &= 1
    *(u32 *)(r10 - 4) = r7
    r1 = map[backends] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto pass
    r8 = r0                         ; the backend

    r1 = r6                         ; IP header checksum: old address -> new
    r2 = 24                         ; offset of the IPv4 checksum
    r3 = *(u32 *)(r10 - 16)
    r4 = *(u32 *)(r8 + 0)
    r5 = 4                          ; a 4-byte field
    call bpf_l3_csum_replace
    r1 = r6                         ; UDP checksum: the address, via the pseudo header
    r2 = 40                         ; offset of the UDP checksum
    r3 = *(u32 *)(r10 - 16)
    r4 = *(u32 *)(r8 + 0)
    r5 = 0x34                       ; BPF_F_MARK_MANGLED_0 | BPF_F_PSEUDO_HDR | 4
    call bpf_l4_csum_replace
    r1 = r6                         ; UDP checksum: the port
    r2 = 40
    r3 = *(u32 *)(r10 - 12)
    r4 = *(u16 *)(r8 + 4)
    r5 = 0x22                       ; BPF_F_MARK_MANGLED_0 | 2
    call bpf_l4_csum_replace
    r1 = r6                         ; the new destination address
    r2 = 30
    r3 = r8
    r4 = 4
    r5 = 0
    call bpf_skb_store_bytes
    r1 = r6                         ; the new destination port
    r2 = 36
    r3 = r8
    r3 += 4
    r4 = 2
    r5 = 0
    call bpf_skb_store_bytes

pass:
    r0 = 0                          ; TC_ACT_OK
    exit
