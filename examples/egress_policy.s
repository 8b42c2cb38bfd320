; tc egress: a default-deny network policy, as container runtimes enforce
; them. An IPv4 TCP or UDP packet leaves only when the policy map allows its
; protocol and destination port; anything else is dropped (TC_ACT_SHOT) and
; reported through a ring buffer so user space can log the violation. Other
; protocols (ARP, ICMP, IPv6) are outside this policy and pass.
;
; A policy key is { u8 protocol; u8 pad; be16 port; }; the value 1 allows.
; An audit record is { be32 daddr; be16 dport; u8 protocol; u8 pad; }.
.type sched_cls
.map policy, hash, key=4, value=4, max_entries=64
.map audit, ringbuf, key=0, value=0, max_entries=4096
; What user space allows: HTTPS and HTTP over TCP, DNS over UDP.
.entry policy, key=u8:6 + u8:0 + be16:443, value=u32:1
.entry policy, key=u8:6 + u8:0 + be16:80, value=u32:1
.entry policy, key=u8:17 + u8:0 + be16:53, value=u32:1

    r2 = *(u32 *)(r1 + 80)          ; data_end
    r1 = *(u32 *)(r1 + 76)          ; data
    r3 = r1
    r3 += 38                        ; Ethernet + IPv4 (20) + the two ports
    if r3 > r2 goto allow           ; too short to be policed
    r4 = *(u16 *)(r1 + 12)
    if r4 != 0x0008 goto allow      ; not IPv4
    r9 = *(u8 *)(r1 + 23)           ; protocol
    if r9 == 6 goto ports           ; TCP
    if r9 != 17 goto allow          ; nor UDP
ports:
    r4 = *(u8 *)(r1 + 14)
    if r4 != 0x45 goto drop         ; IP options: ports not at a fixed offset
    r7 = *(u16 *)(r1 + 36)          ; destination port (network order)
    r8 = *(u32 *)(r1 + 30)          ; destination address
    *(u8 *)(r10 - 4) = r9           ; the policy key
    *(u8 *)(r10 - 3) = 0
    *(u16 *)(r10 - 2) = r7
    r1 = map[policy] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto deny            ; not in the policy: denied
    r1 = *(u32 *)(r0 + 0)
    if r1 == 1 goto allow
deny:
    *(u32 *)(r10 - 16) = r8         ; the audit record
    *(u16 *)(r10 - 12) = r7
    *(u8 *)(r10 - 10) = r9
    *(u8 *)(r10 - 9) = 0
    r1 = map[audit] ll
    r2 = r10
    r2 += -16
    r3 = 8
    r4 = 0
    call bpf_ringbuf_output
drop:
    r0 = 2                          ; TC_ACT_SHOT
    exit
allow:
    r0 = 0                          ; TC_ACT_OK
    exit
