; Tracepoint raw_syscalls/sys_enter: count system calls per process in a hash
; map, and send an event for each through a ring buffer:
;   struct event { u32 pid; u32 syscall; char comm[16]; };
.type tracepoint
.map calls, hash, key=4, value=8, max_entries=1024
.map events, ringbuf, key=0, value=0, max_entries=4096

    r6 = r1                         ; the sys_enter record
    call bpf_get_current_pid_tgid
    r7 = r0
    r7 >>= 32                       ; tgid: the process id
    *(u32 *)(r10 - 4) = r7
    r1 = map[calls] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto first
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1     ; one more call
    goto event

first:
    r1 = 1
    *(u64 *)(r10 - 16) = r1
    r1 = map[calls] ll
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 1                          ; BPF_NOEXIST: another CPU may have won
    call bpf_map_update_elem

event:
    r1 = map[events] ll
    r2 = 24                         ; sizeof(struct event)
    r3 = 0
    call bpf_ringbuf_reserve
    if r0 == 0 goto out             ; the ring is full: drop the event
    r8 = r0
    *(u32 *)(r8 + 0) = r7           ; pid
    r1 = *(u64 *)(r6 + 8)           ; the record's syscall number
    *(u32 *)(r8 + 4) = r1
    r1 = r8
    r1 += 8
    r2 = 16
    call bpf_get_current_comm       ; comm
    r1 = r8
    r2 = 0
    call bpf_ringbuf_submit

out:
    r0 = 0
    exit
