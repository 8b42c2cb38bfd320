//! The fixture objects' programs run on the VM with the results the kernel
//! gives (`elf_kernel.rs` checks the kernel against the same cases), and the
//! tracing programs do what their C says: CO-RE-relocated `pt_regs` reads,
//! a ring buffer record.

#[path = "support/elf_cases.rs"]
mod elf_cases;

use elf_cases::{load, RunCase, RUN_CASES};
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run, Input, KprobeEvent, TracepointEvent};

#[test]
fn packet_programs_give_the_expected_verdicts_and_maps() {
    for case in RUN_CASES {
        let RunCase {
            file,
            program,
            setup,
            packets,
            after,
        } = case;
        let (_, prog) = load(file, program);
        let mut maps = Maps::for_program(&prog, MapsConfig::default()).unwrap();
        for (map, key, value) in setup {
            let idx = maps.index_of(map).unwrap();
            maps.update(idx, key, value, 0).unwrap();
        }
        for (what, packet, expected) in packets.iter() {
            let outcome = run(&prog, &Input::packet(packet()), &mut maps)
                .unwrap_or_else(|e| panic!("{file} {program}: {what}: {e}"));
            assert_eq!(
                outcome.verdict.code,
                u64::from(*expected),
                "{file} {program}: {what} ({})",
                outcome.verdict.name
            );
        }
        for (map, key, expected) in after {
            let idx = maps.index_of(map).unwrap();
            assert_eq!(
                maps.lookup(idx, key).ok().as_deref(),
                Some(*expected),
                "{file} {program}: map {map} after the runs"
            );
        }
    }
}

#[test]
fn kprobe_reads_pt_regs_through_core_relocations() {
    let (_, prog) = load("kprobe_core.o", "on_unlink");
    let mut maps = Maps::for_program(&prog, MapsConfig::default()).unwrap();
    let event = KprobeEvent::with_args("do_unlinkat", 0xffff_ffff_8123_4560, &[0xdfd, 2]);
    let input = Input::kprobe(event);
    let pid_tgid =
        (u64::from(input.system.process.tgid) << 32) | u64::from(input.system.process.pid);
    let outcome = run(&prog, &input, &mut maps).unwrap();
    assert_eq!(outcome.verdict.code, 0);
    // last_arg[pid_tgid] = ctx->di, the first argument.
    let value = maps.lookup(0, &pid_tgid.to_le_bytes()).unwrap();
    assert_eq!(value, 0xdfdu64.to_le_bytes());

    let (_, ret) = load("kprobe_core.o", "on_unlink_ret");
    let mut maps = Maps::for_program(&ret, MapsConfig::default()).unwrap();
    let mut event = KprobeEvent::with_args("do_unlinkat", 0, &[]);
    for (ax, expected) in [(0u64, 0u64), (u64::MAX - 1, 1)] {
        event.regs[10] = ax; // ax, the return value
        let outcome = run(&ret, &Input::kprobe(event.clone()), &mut maps).unwrap();
        assert_eq!(outcome.verdict.code, expected, "ax = {ax:#x}");
    }
}

#[test]
fn tracepoint_sends_one_ring_buffer_record() {
    let (_, prog) = load("tp_ringbuf.o", "trace_execve");
    let mut maps = Maps::for_program(&prog, MapsConfig::default()).unwrap();
    let input = Input::tracepoint(TracepointEvent::sys_enter(59, [0; 6]));
    let process = input.system.process.clone();
    let outcome = run(&prog, &input, &mut maps).unwrap();
    assert_eq!(outcome.verdict.code, 0);
    assert_eq!(outcome.events.len(), 1, "{:?}", outcome.events);
    let record = &outcome.events[0].data;
    // struct event { u32 pid; u32 uid; char comm[16]; }: pid is the tgid half.
    assert_eq!(record.len(), 24);
    assert_eq!(record[0..4], process.tgid.to_le_bytes());
    assert_eq!(record[4..8], process.uid.to_le_bytes());
    assert_eq!(record[8..24], process.comm_bytes());
    let log: Vec<&str> = outcome
        .trace_log
        .iter()
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(log, [format!("execve by {}", process.tgid)]);
}
