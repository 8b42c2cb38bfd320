; kprobe on vfs_read(file, buf, count, pos): a log2 histogram of `count`.
; bpf_loop calls `halve` up to 64 times; each call halves the value and counts
; one more power of two, until the value is 1. The bucket's counter goes up.
.type kprobe
.map sizes, array, key=4, value=8, max_entries=64

    r1 = *(u64 *)(r1 + 96)          ; PT_REGS_PARM3 (dx): count
    *(u64 *)(r10 - 16) = r1         ; loop state: the value
    r1 = 0
    *(u64 *)(r10 - 8) = r1          ; loop state: its log2 so far
    r1 = 64                         ; iterations at most
    r2 = func[halve] ll
    r3 = r10
    r3 += -16                       ; the callback's context
    r4 = 0
    call bpf_loop
    r1 = *(u64 *)(r10 - 8)
    *(u32 *)(r10 - 20) = r1         ; the bucket
    r1 = map[sizes] ll
    r2 = r10
    r2 += -20
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
out:
    r0 = 0
    exit

halve:                              ; r1 = iteration, r2 = the loop state
    r3 = *(u64 *)(r2 + 0)
    r3 >>= 1
    if r3 == 0 goto done
    *(u64 *)(r2 + 0) = r3
    r3 = *(u64 *)(r2 + 8)
    r3 += 1
    *(u64 *)(r2 + 8) = r3
    r0 = 0                          ; go on
    exit
done:
    r0 = 1                          ; stop
    exit
