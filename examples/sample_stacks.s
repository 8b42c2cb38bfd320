; kprobe: sample one call in four at random, and count the sampled kernel call
; stacks: bpf_get_stackid files each distinct stack in a stack trace map under
; an id; a hash map counts samples per id. User space reads the frames of an
; id from the stack trace map.
.type kprobe
.map stacks, stack_trace, key=4, value=1016, max_entries=256   ; up to 127 frames
.map samples, hash, key=4, value=8, max_entries=256

    r6 = r1                         ; the registers, for bpf_get_stackid
    call bpf_get_prandom_u32
    r0 &= 3
    if r0 != 0 goto out             ; keep one call in four
    r1 = r6
    r2 = map[stacks] ll
    r3 = 0                          ; the kernel stack, no frame skipped
    call bpf_get_stackid
    if r0 s< 0 goto out             ; no stack (-EFAULT) or a bucket taken (-EEXIST)
    *(u32 *)(r10 - 4) = r0          ; the stack id
    r1 = map[samples] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto new
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
    goto out
new:
    r1 = 1
    *(u64 *)(r10 - 16) = r1
    r1 = map[samples] ll
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 0                          ; BPF_ANY
    call bpf_map_update_elem
out:
    r0 = 0
    exit
