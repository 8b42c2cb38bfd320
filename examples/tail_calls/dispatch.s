; XDP: dispatch IPv4 packets to a program per IP protocol through a prog array
; (slot = protocol number). Without a program for the protocol the tail call
; falls through and the packet passes. From the command line, put tcp.s in
; slot 6 and udp.s in slot 17:
;   bpfplay run --packet HEX --prog-array jump_table:6=examples/tail_calls/tcp.s \
;       --prog-array jump_table:17=examples/tail_calls/udp.s examples/tail_calls/dispatch.s
.type xdp
.map jump_table, prog_array, key=4, value=4, max_entries=256

    r2 = *(u32 *)(r1 + 4)           ; data_end
    r3 = *(u32 *)(r1 + 0)           ; data
    r4 = r3
    r4 += 34
    if r4 > r2 goto pass
    r4 = *(u16 *)(r3 + 12)
    if r4 != 0x0008 goto pass       ; IPv4
    r3 = *(u8 *)(r3 + 23)           ; protocol: the slot
    r2 = map[jump_table] ll         ; r1 is still the context
    call bpf_tail_call              ; does not return when it succeeds
pass:
    r0 = 2                          ; XDP_PASS
    exit
