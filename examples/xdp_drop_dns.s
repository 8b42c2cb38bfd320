; XDP: drop UDP datagrams to port 53 (DNS) over IPv4 or IPv6, pass the rest.
;
; Packet fields are loaded as they sit in memory (network byte order) and
; compared with constants written the same way: EtherType 0x0800 reads as
; 0x0008, port 53 as 0x3500.
.type xdp

    r2 = *(u32 *)(r1 + 4)           ; data_end
    r1 = *(u32 *)(r1 + 0)           ; data
    r3 = r1
    r3 += 14                        ; the Ethernet header must be there
    if r3 > r2 goto pass
    r4 = *(u16 *)(r1 + 12)          ; EtherType
    if r4 == 0x0008 goto ipv4       ; ETH_P_IP
    if r4 == 0xdd86 goto ipv6       ; ETH_P_IPV6
    goto pass

ipv4:
    r3 = r1
    r3 += 34                        ; Ethernet + a 20-byte IPv4 header
    if r3 > r2 goto pass
    r5 = *(u8 *)(r1 + 23)           ; protocol
    if r5 != 17 goto pass           ; IPPROTO_UDP
    r4 = *(u8 *)(r1 + 14)           ; version and header length (IHL)
    r4 &= 0x0f
    r4 <<= 2                        ; header length in bytes, 0..60
    if r4 < 20 goto pass
    r3 = r1
    r3 += 14
    r3 += r4                        ; the UDP header, after any IP options
    r5 = r3
    r5 += 8
    if r5 > r2 goto pass
    r4 = *(u16 *)(r3 + 2)           ; destination port
    if r4 == 0x3500 goto drop       ; 53
    goto pass

ipv6:
    r3 = r1
    r3 += 62                        ; Ethernet + IPv6 (40) + UDP (8)
    if r3 > r2 goto pass
    r4 = *(u8 *)(r1 + 20)           ; next header (no extension headers here)
    if r4 != 17 goto pass
    r4 = *(u16 *)(r1 + 56)          ; UDP destination port
    if r4 == 0x3500 goto drop

pass:
    r0 = 2                          ; XDP_PASS
    exit
drop:
    r0 = 1                          ; XDP_DROP
    exit
