; XDP: drop IPv4 packets whose header checksum is wrong, with a bounded loop
; (kernels since 5.3 accept loops the verifier can see ending). The header is
; proven inside the packet once, before the loop; the loop adds its ten 16-bit
; words with a counter that stops at the constant 10, so the verifier walks
; it ten times, each time knowing the counter's exact value, and every read
; stays within the 34 proven bytes. Step the verifier with n/p (next/previous
; iteration) to watch the sum's bounds grow. A correct header's ones'-
; complement sum, folded to 16 bits, is 0xffff (in either byte order, so the
; words can be added as they load).
.type xdp

    r2 = *(u32 *)(r1 + 4)           ; data_end
    r1 = *(u32 *)(r1 + 0)           ; data
    r3 = r1
    r3 += 34                        ; Ethernet + a 20-byte IPv4 header
    if r3 > r2 goto pass
    r4 = *(u16 *)(r1 + 12)          ; EtherType
    if r4 != 0x0008 goto pass       ; not IPv4
    r4 = *(u8 *)(r1 + 14)           ; version and header length
    if r4 != 0x45 goto pass         ; only headers without options
    r6 = 0                          ; the sum
    r7 = 0                          ; which 16-bit word
    r3 = r1
    r3 += 14                        ; the IPv4 header

loop:
    r5 = *(u16 *)(r3 + 0)
    r6 += r5
    r3 += 2
    r7 += 1
    if r7 < 10 goto loop            ; the constant bound

    r5 = r6                         ; fold the carries into 16 bits
    r5 >>= 16
    r6 &= 0xffff
    r6 += r5
    r5 = r6
    r5 >>= 16
    r6 += r5
    r6 &= 0xffff
    if r6 == 0xffff goto pass
    r0 = 1                          ; XDP_DROP: the header is corrupted
    exit

pass:
    r0 = 2                          ; XDP_PASS
    exit
