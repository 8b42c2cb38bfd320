; XDP, reached by a tail call for TCP: drop TCP segments to port 23 (telnet).
.type xdp
.map jump_table, prog_array, key=4, value=4, max_entries=256

    r2 = *(u32 *)(r1 + 4)           ; data_end
    r1 = *(u32 *)(r1 + 0)           ; data
    r3 = r1
    r3 += 54                        ; Ethernet + IPv4 (no options) + TCP (20)
    if r3 > r2 goto pass
    r4 = *(u16 *)(r1 + 36)          ; destination port
    if r4 == 0x1700 goto drop       ; 23
pass:
    r0 = 2                          ; XDP_PASS
    exit
drop:
    r0 = 1                          ; XDP_DROP
    exit
