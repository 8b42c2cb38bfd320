; XDP: a firewall. Source addresses matching a blocked prefix in the LPM trie
; are dropped, and the matching rule's drop counter goes up; the rest pass.
;
; A key is struct bpf_lpm_trie_key: a u32 prefix length (host order), then the
; address (network order). Looking up with prefix length 32 finds the longest
; stored prefix that contains the address.
.type xdp
.map blocklist, lpm_trie, key=8, value=8, max_entries=64, flags=1  ; BPF_F_NO_PREALLOC
; The rules user space installs before the program runs: key = prefix length,
; then the prefix; value = the rule's drop counter, starting at 0.
.entry blocklist, key=lpm:16:10.1.0.0, value=u64:0
.entry blocklist, key=lpm:24:10.1.2.0, value=u64:0
.entry blocklist, key=lpm:24:192.168.1.0, value=u64:0

    r2 = *(u32 *)(r1 + 4)           ; data_end
    r1 = *(u32 *)(r1 + 0)           ; data
    r3 = r1
    r3 += 34                        ; Ethernet + IPv4 header
    if r3 > r2 goto pass
    r4 = *(u16 *)(r1 + 12)
    if r4 != 0x0008 goto pass       ; IPv4 only
    r4 = *(u32 *)(r1 + 26)          ; source address
    *(u32 *)(r10 - 4) = r4          ; key.data
    *(u32 *)(r10 - 8) = 32          ; key.prefixlen
    r1 = map[blocklist] ll
    r2 = r10
    r2 += -8
    call bpf_map_lookup_elem
    if r0 == 0 goto pass
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1     ; drops per rule
    r0 = 1                          ; XDP_DROP
    exit

pass:
    r0 = 2                          ; XDP_PASS
    exit
