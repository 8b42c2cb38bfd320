//! Helpers through the whole pipeline: assemble a program, run it with the
//! run API, look at the outcome and the maps.

use vm_core::asm::assemble;
use vm_core::maps::{Maps, MapsConfig, BPF_ANY};
use vm_core::run::{
    run, run_with, Input, KprobeEvent, MemorySegment, Outcome, Process, RunError, RunOptions,
    TracepointEvent,
};
use vm_core::Program;

fn prog(src: &str) -> Program {
    match assemble(src) {
        Ok(p) => p,
        Err(e) => panic!("{e}\n{src}"),
    }
}

fn run_once(src: &str, input: &Input) -> (Outcome, Maps) {
    let p = prog(src);
    let mut maps = Maps::for_program(&p, MapsConfig { ncpus: 2 }).unwrap();
    let out = run(&p, input, &mut maps).unwrap();
    (out, maps)
}

fn udp_packet() -> Vec<u8> {
    let mut p = vec![0u8; 42];
    p[0..6].copy_from_slice(&[2, 0, 0, 0, 0, 2]);
    p[6..12].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
    p[12..14].copy_from_slice(&[0x08, 0x00]);
    p[14] = 0x45;
    p[23] = 17;
    p
}

#[test]
fn trace_printk_formats_into_the_log() {
    let src = r#"
        .type kprobe
        r1 = 0x6425203d20646970 ll   ; "pid = %d"
        *(u64 *)(r10 - 16) = r1
        r1 = 10                      ; "\n\0"
        *(u64 *)(r10 - 8) = r1
        call bpf_get_current_pid_tgid
        r3 = r0
        r1 = r10
        r1 += -16
        r2 = 10
        call bpf_trace_printk
        exit"#;
    let input = Input::kprobe(KprobeEvent::with_args("do_sys_openat2", 0, &[1, 2]))
        .with_process(Process::new(77, 0, "cat", 1));
    let (out, _) = run_once(src, &input);
    assert_eq!(out.trace_log.len(), 1);
    assert_eq!(out.trace_log[0].message, "pid = 77");
    assert_eq!(out.verdict.code, 9, "the length written, newline included");
    assert!(out.trace_log[0].trace_pipe().contains("cat-77"));
}

#[test]
fn ring_buffer_reserve_submit_and_discard() {
    let src = "
        .type tracepoint
        .map events, ringbuf, key=0, value=0, max_entries=4096
        r1 = map[events] ll
        r2 = 8
        r3 = 0
        call bpf_ringbuf_reserve
        if r0 == 0 goto out
        r6 = r0
        r1 = 0x1122334455667788 ll
        *(u64 *)(r6 + 0) = r1
        r1 = r6
        r2 = 0
        call bpf_ringbuf_submit
        r1 = map[events] ll
        r2 = 4
        r3 = 0
        call bpf_ringbuf_reserve
        if r0 == 0 goto out
        r1 = r0
        r2 = 0
        call bpf_ringbuf_discard
    out:
        r0 = 0
        exit";
    let (out, mut maps) = run_once(
        src,
        &Input::tracepoint(TracepointEvent::sys_enter(257, [0; 6])),
    );
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].data, 0x1122334455667788u64.to_le_bytes());
    assert_eq!(
        maps.pop_ringbuf_record(0),
        Ok(Some(0x1122334455667788u64.to_le_bytes().to_vec()))
    );
    assert_eq!(
        maps.pop_ringbuf_record(0),
        Ok(None),
        "the discarded record is skipped"
    );
}

#[test]
fn map_values_are_written_in_place_and_persist() {
    let src = "
        .type xdp
        .map counts, hash, key=4, value=8, max_entries=8
        *(u32 *)(r10 - 4) = 7
        r1 = 1
        *(u64 *)(r10 - 16) = r1
        r1 = map[counts] ll
        r2 = r10
        r2 += -4
        call bpf_map_lookup_elem
        if r0 != 0 goto found
        r1 = map[counts] ll
        r2 = r10
        r2 += -4
        r3 = r10
        r3 += -16
        r4 = 1
        call bpf_map_update_elem
        r0 = 2
        exit
    found:
        r1 = *(u64 *)(r0 + 0)
        r1 += 1
        *(u64 *)(r0 + 0) = r1
        r0 = 2
        exit";
    let p = prog(src);
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    for _ in 0..3 {
        let out = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap();
        assert_eq!(out.verdict.name, "XDP_PASS");
    }
    assert_eq!(
        maps.lookup(0, &7u32.to_le_bytes()),
        Ok(3u64.to_le_bytes().to_vec())
    );
}

#[test]
fn xdp_adjust_head_moves_the_packet_and_the_ctx_follows() {
    let src = "
        .type xdp
        r6 = r1
        r2 = -4
        call bpf_xdp_adjust_head
        if r0 != 0 goto fail
        r2 = *(u32 *)(r6 + 0)
        r3 = *(u32 *)(r6 + 4)
        r4 = r2
        r4 += 4
        if r4 > r3 goto fail
        *(u32 *)(r2 + 0) = 0xaabbccdd
        r0 = 3
        exit
    fail:
        r0 = 0
        exit";
    let (out, _) = run_once(src, &Input::packet(udp_packet()));
    assert_eq!(out.verdict.name, "XDP_TX");
    let pkt = out.packet.unwrap();
    assert_eq!(pkt.len(), 46);
    assert_eq!(&pkt[..4], &[0xdd, 0xcc, 0xbb, 0xaa]);
    assert_eq!(&pkt[4..], &udp_packet()[..]);
}

#[test]
fn bpf_loop_calls_back_until_told_to_stop() {
    let src = "
        .type xdp
        r1 = 0
        *(u64 *)(r10 - 8) = r1
        r1 = 100
        r2 = func[cb] ll
        r3 = r10
        r3 += -8
        r4 = 0
        call bpf_loop
        r1 = *(u64 *)(r10 - 8)
        r0 <<= 32
        r0 |= r1
        exit
    cb:
        r3 = *(u64 *)(r2 + 0)
        r3 += r1
        *(u64 *)(r2 + 0) = r3
        r0 = 0
        if r1 < 9 goto keep
        r0 = 1
    keep:
        exit";
    let (out, _) = run_once(src, &Input::packet(udp_packet()));
    // Ten calls (i = 0..=9) summing to 45.
    assert_eq!(out.verdict.code, 10 << 32 | 45);
}

#[test]
fn tail_call_runs_the_target_with_the_same_context() {
    let entry = prog(
        "
        .type xdp
        .map jmp, prog_array, key=4, value=4, max_entries=4
        r2 = map[jmp] ll
        r3 = 1
        call bpf_tail_call
        r0 = 1
        exit",
    );
    let target = prog(
        "
        .type xdp
        .map jmp, prog_array, key=4, value=4, max_entries=4
        r2 = *(u32 *)(r1 + 4)
        r1 = *(u32 *)(r1 + 0)
        r2 -= r1
        r0 = r2
        exit",
    );
    let mut maps = Maps::for_program(&entry, MapsConfig::default()).unwrap();
    // Slot 1 empty: the call falls through.
    let out = run(&entry, &Input::packet(udp_packet()), &mut maps).unwrap();
    assert_eq!(out.verdict.name, "XDP_DROP");
    maps.update(0, &1u32.to_le_bytes(), &0u32.to_le_bytes(), BPF_ANY)
        .unwrap();
    let programs = [target];
    let options = RunOptions {
        programs: &programs,
        ..RunOptions::default()
    };
    let out = run_with(&entry, &Input::packet(udp_packet()), &mut maps, options).unwrap();
    assert_eq!(
        out.verdict.code, 42,
        "the target returned the packet length"
    );
    assert_eq!(out.tail_calls, 1);
}

#[test]
fn probe_read_kernel_reads_synthetic_memory_and_faults_cleanly() {
    let src = "
        .type kprobe
        r3 = *(u64 *)(r1 + 112)
        r1 = r10
        r1 += -8
        r2 = 8
        call bpf_probe_read_kernel
        r6 = r0
        r1 = r10
        r1 += -16
        r2 = 8
        r3 = 16
        call bpf_probe_read_kernel
        r0 += r6
        r1 = *(u64 *)(r10 - 8)
        r0 <<= 32
        r0 |= r1
        exit";
    let mut input = Input::kprobe(KprobeEvent::with_args(
        "vfs_read",
        0,
        &[0xffff_8880_0000_1000],
    ));
    input.system.memory.push(MemorySegment {
        addr: 0xffff_8880_0000_1000,
        bytes: 0x1234u64.to_le_bytes().to_vec(),
        user: false,
    });
    let (out, _) = run_once(src, &input);
    assert_eq!(out.verdict.code >> 32, (-14i64 as u64) & 0xffff_ffff);
    assert_eq!(out.verdict.code & 0xffff_ffff, 0x1234);
}

#[test]
fn queue_push_and_pop() {
    let src = "
        .type xdp
        .map q, queue, key=0, value=4, max_entries=2
        *(u32 *)(r10 - 4) = 5
        r1 = map[q] ll
        r2 = r10
        r2 += -4
        r3 = 0
        call bpf_map_push_elem
        r1 = map[q] ll
        r2 = r10
        r2 += -4
        r3 = 0
        call bpf_map_push_elem
        r1 = map[q] ll
        r2 = r10
        r2 += -4
        r3 = 0
        call bpf_map_push_elem
        exit";
    let (out, mut maps) = run_once(src, &Input::packet(udp_packet()));
    assert_eq!(
        out.verdict.code as i64, -7,
        "the third push finds the queue full: -E2BIG"
    );
    assert_eq!(maps.pop(0), Ok(5u32.to_le_bytes().to_vec()));
}

#[test]
fn stack_ids_and_perf_events() {
    let src = "
        .type kprobe
        .map stacks, stack_trace, key=4, value=64, max_entries=16
        .map events, perf_event_array, key=4, value=4, max_entries=2
        r6 = r1
        r2 = map[stacks] ll
        r3 = 0
        call bpf_get_stackid
        *(u64 *)(r10 - 8) = r0
        r1 = r6
        r2 = map[events] ll
        r3 = 0xffffffff ll
        r4 = r10
        r4 += -8
        r5 = 8
        call bpf_perf_event_output
        exit";
    let mut input = Input::kprobe(KprobeEvent::default());
    input.system.cpu = 1;
    let (out, maps) = run_once(src, &input);
    assert_eq!(out.verdict.code, 0);
    let id = u64::from_le_bytes(out.events[0].data[..8].try_into().unwrap());
    assert_eq!(out.events[0].cpu, 1);
    let stack = maps.stack_trace(0).unwrap().stack(id as u32).unwrap();
    assert_eq!(stack, &input.system.kernel_stack[..]);
    assert_eq!(maps.perf_event_array(1).unwrap().records().len(), 1);
}

#[test]
fn wrong_input_and_short_packets_are_refused() {
    let p = prog(".type xdp\nr0 = 2\nexit");
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    let e = run(&p, &Input::kprobe(KprobeEvent::default()), &mut maps).unwrap_err();
    assert_eq!(
        e,
        RunError::Input("xdp programs run on a packet, not on kprobe registers".into())
    );
    assert!(matches!(
        run(&p, &Input::packet(vec![0; 13]), &mut maps),
        Err(RunError::Input(_))
    ));
}

#[test]
fn unknown_helpers_and_helpers_of_other_types_are_errors() {
    let p = prog(".type xdp\ncall 999\nexit");
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    let e = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap_err();
    assert_eq!(e.to_string(), "insn 0: invalid func unknown#999");
    let p = prog(".type xdp\ncall bpf_skb_store_bytes\nexit");
    let e = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap_err();
    assert!(
        e.to_string()
            .contains("program of this type cannot use helper bpf_skb_store_bytes#9"),
        "{e}"
    );
}

#[test]
fn random_numbers_follow_the_seed_and_the_clock_moves() {
    let src = "
        .type xdp
        call bpf_get_prandom_u32
        r6 = r0
        call bpf_ktime_get_ns
        r7 = r0
        call bpf_ktime_get_ns
        r0 -= r7
        r0 <<= 32
        r0 |= r6
        exit";
    let mut input = Input::packet(udp_packet());
    let (a, _) = run_once(src, &input);
    let (b, _) = run_once(src, &input);
    assert_eq!(a.verdict.code, b.verdict.code);
    assert_eq!(a.verdict.code >> 32, 1000, "clock step");
    input.system.random_seed = 99;
    let (c, _) = run_once(src, &input);
    assert_ne!(a.verdict.code & 0xffff_ffff, c.verdict.code & 0xffff_ffff);
}

#[test]
fn for_each_map_elem_visits_elements_with_key_and_value_pointers() {
    let src = "
        .type xdp
        .map h, hash, key=4, value=8, max_entries=8
        r1 = 0
        *(u64 *)(r10 - 8) = r1
        r1 = map[h] ll
        r2 = func[cb] ll
        r3 = r10
        r3 += -8
        r4 = 0
        call bpf_for_each_map_elem
        r1 = *(u64 *)(r10 - 8)
        r0 <<= 32
        r0 |= r1
        exit
    cb:                          ; r1 = map, r2 = &key, r3 = &value, r4 = ctx
        r5 = *(u32 *)(r2 + 0)
        r6 = *(u64 *)(r3 + 0)
        r6 += r5
        *(u64 *)(r3 + 0) = r6    ; values are writable in place
        r6 = *(u64 *)(r4 + 0)
        r6 += r5
        *(u64 *)(r4 + 0) = r6
        r0 = 0
        exit";
    let p = prog(src);
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    for k in [3u32, 4, 5] {
        maps.update(0, &k.to_le_bytes(), &100u64.to_le_bytes(), BPF_ANY)
            .unwrap();
    }
    let out = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap();
    assert_eq!(
        out.verdict.code,
        3 << 32 | 12,
        "three elements, keys summing to 12"
    );
    assert_eq!(
        maps.lookup(0, &4u32.to_le_bytes()),
        Ok(104u64.to_le_bytes().to_vec())
    );
}

#[test]
fn an_abandoned_execution_gives_the_maps_their_values_back() {
    use vm_core::run::Execution;
    let src = "
        .type xdp
        .map a, array, key=4, value=8, max_entries=1
        r1 = map[a][0] + 0 ll
        r2 = 5
        *(u64 *)(r1 + 0) = r2
        r0 = 2
        exit";
    let p = prog(src);
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    {
        let mut exec = Execution::new(
            &p,
            &Input::packet(udp_packet()),
            &mut maps,
            RunOptions::default(),
        )
        .unwrap();
        exec.run_steps(3).unwrap();
        // Dropped mid-run, after the store.
    }
    assert_eq!(
        maps.lookup(0, &0u32.to_le_bytes()),
        Ok(5u64.to_le_bytes().to_vec())
    );
    let out = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap();
    assert_eq!(out.verdict.name, "XDP_PASS");
}

#[test]
fn an_embedder_adds_and_replaces_helpers() {
    use vm_core::helpers::{ArgType, HelperProto, HelperRegistry, ProgTypes, RetType};
    use vm_core::interp::{HelperError, HelperResult, Memory};
    use vm_core::run::RunEnv;

    fn double(
        _: &mut RunEnv<'_>,
        _: &mut Memory,
        a: [u64; 5],
    ) -> Result<HelperResult, HelperError> {
        Ok(HelperResult::Return(a[0].wrapping_mul(2)))
    }
    fn frozen_clock(
        _: &mut RunEnv<'_>,
        _: &mut Memory,
        _: [u64; 5],
    ) -> Result<HelperResult, HelperError> {
        Ok(HelperResult::Return(1000))
    }
    let mut registry = HelperRegistry::builtin();
    let proto = HelperProto {
        id: 10_000,
        name: "bpf_double",
        args: [
            ArgType::Anything,
            ArgType::DontCare,
            ArgType::DontCare,
            ArgType::DontCare,
            ArgType::DontCare,
        ],
        ret: RetType::Integer,
        gpl_only: false,
        pkt_access: false,
        changes_pkt_data: false,
        prog_types: ProgTypes::ALL,
    };
    registry.register_with(proto, double).unwrap();
    assert!(registry.set_implementation(5, frozen_clock));
    let p = prog(".type xdp\nr1 = 21\ncall 10000\nr6 = r0\ncall bpf_ktime_get_ns\nr0 += r6\nexit");
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    let options = RunOptions {
        helpers: Some(&registry),
        ..RunOptions::default()
    };
    let out = run_with(&p, &Input::packet(udp_packet()), &mut maps, options).unwrap();
    assert_eq!(out.verdict.code, 1042);
    // Without the registry, helper 10000 does not exist.
    let e = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap_err();
    assert_eq!(e.to_string(), "insn 1: invalid func unknown#10000");
}

#[test]
fn read_only_maps_fault_on_store() {
    let src = "
        .type xdp
        .map rodata, array, key=4, value=8, max_entries=1, flags=0x80   ; BPF_F_RDONLY_PROG
        r1 = map[rodata][0] + 0 ll
        r0 = *(u64 *)(r1 + 0)
        *(u64 *)(r1 + 0) = r0
        exit";
    let p = prog(src);
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    let e = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("insn 3: invalid memory write of 8 bytes"),
        "{e}"
    );
    assert!(
        maps.lookup(0, &0u32.to_le_bytes()).is_ok(),
        "the values came back"
    );
}

#[test]
fn redirect_map_uses_the_devmap_or_the_fallback_action() {
    let src = "
        .type xdp
        .map ports, devmap, key=4, value=4, max_entries=4
        r1 = map[ports] ll
        r2 = *(u32 *)(r1 + 0)     ; never runs: r1 is a map handle, see below
        exit";
    // Loading through a map handle faults: it is not memory.
    let p = prog(src);
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    assert!(run(&p, &Input::packet(udp_packet()), &mut maps).is_err());

    let src = "
        .type xdp
        .map ports, devmap, key=4, value=4, max_entries=4
        r1 = map[ports] ll
        r2 = 1
        r3 = 2                    ; XDP_PASS when slot 1 is empty
        call bpf_redirect_map
        exit";
    let p = prog(src);
    let mut maps = Maps::for_program(&p, MapsConfig::default()).unwrap();
    let out = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap();
    assert_eq!(
        (out.verdict.name.as_str(), out.redirect.is_none()),
        ("XDP_PASS", true)
    );
    maps.update(0, &1u32.to_le_bytes(), &7u32.to_le_bytes(), BPF_ANY)
        .unwrap();
    let out = run(&p, &Input::packet(udp_packet()), &mut maps).unwrap();
    assert_eq!(out.verdict.name, "XDP_REDIRECT");
    assert_eq!(out.redirect.map(|r| (r.ifindex, r.map)), Some((7, Some(0))));
}

#[test]
fn perf_event_output_appends_packet_bytes_from_xdp() {
    let src = "
        .type xdp
        .map events, perf_event_array, key=4, value=4, max_entries=4
        *(u32 *)(r10 - 4) = 0xabcd
        r2 = map[events] ll
        r3 = 0x0000000effffffff ll   ; BPF_F_CURRENT_CPU, 14 packet bytes
        r4 = r10
        r4 += -4
        r5 = 4
        call bpf_perf_event_output
        exit";
    let (out, _) = run_once(src, &Input::packet(udp_packet()));
    assert_eq!(out.verdict.code, 0);
    let mut expected = 0xabcdu32.to_le_bytes().to_vec();
    expected.extend_from_slice(&udp_packet()[..14]);
    assert_eq!(out.events[0].data, expected);
}

#[test]
fn get_stack_and_probe_read_str() {
    let src = "
        .type kprobe
        r6 = r1
        r2 = r10
        r2 += -32
        r3 = 32
        r4 = 0x100                  ; BPF_F_USER_STACK
        call bpf_get_stack
        r7 = r0                     ; bytes written: two frames
        r1 = r10
        r1 += -48
        r2 = 16
        r3 = *(u64 *)(r6 + 112)     ; a user string
        call bpf_probe_read_user_str
        r7 <<= 8
        r7 |= r0                    ; its length with the NUL
        r0 = *(u64 *)(r10 - 24)     ; the second user frame
        r0 <<= 16
        r0 |= r7
        exit";
    let mut input = Input::kprobe(KprobeEvent::with_args("do_sys_openat2", 0, &[0x7fff_0000]));
    input.system.user_stack = vec![0x401000, 0x402000];
    input.system.memory.push(MemorySegment {
        addr: 0x7fff_0000,
        bytes: b"/etc/hosts\0junk".to_vec(),
        user: true,
    });
    let (out, _) = run_once(src, &input);
    assert_eq!(out.verdict.code, 0x402000 << 16 | 16 << 8 | 11);
}

#[test]
fn the_trace_log_is_bounded() {
    let src = "
        .type xdp
        r1 = 100010
        r2 = func[cb] ll
        r3 = 0
        r4 = 0
        call bpf_loop
        r0 = 2
        exit
    cb:
        *(u16 *)(r10 - 2) = 0x0078   ; \"x\\0\"
        r1 = r10
        r1 += -2
        r2 = 2
        call bpf_trace_printk
        r0 = 0
        exit";
    let (out, _) = run_once(src, &Input::packet(udp_packet()));
    assert_eq!(out.trace_log.len(), vm_core::run::MAX_TRACE_LINES);
    assert_eq!(out.trace_lines_dropped, 10);
}
