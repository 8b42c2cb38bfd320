//! Helpers called with arbitrary arguments (numbers, stack, context, map and
//! function pointers) from every program type never panic: each run ends
//! with an outcome or an error, and leaves the maps usable.

use proptest::prelude::*;
use vm_core::asm::assemble;
use vm_core::helpers::BUILTIN_HELPERS;
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run_with, Input, KprobeEvent, RunOptions, TracepointEvent};
use vm_core::ProgramType;

const MAPS: &str = "
.map m0, hash, key=4, value=8, max_entries=4
.map m1, array, key=4, value=8, max_entries=4
.map m2, prog_array, key=4, value=4, max_entries=4
.map m3, perf_event_array, key=4, value=4, max_entries=4
.map m4, percpu_hash, key=4, value=8, max_entries=4
.map m5, percpu_array, key=4, value=8, max_entries=4
.map m6, stack_trace, key=4, value=64, max_entries=4
.map m7, lru_hash, key=4, value=8, max_entries=2
.map m8, lpm_trie, key=8, value=8, max_entries=4
.map m9, devmap, key=4, value=4, max_entries=4
.map m10, queue, key=0, value=8, max_entries=2
.map m11, stack, key=0, value=8, max_entries=2
.map m12, ringbuf, key=0, value=0, max_entries=4096
";

fn arg() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i32>().prop_map(|v| format!("= {v}")),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(4),
            Just(8),
            Just(16),
            Just(64),
            Just(512),
            Just(-1)
        ]
        .prop_map(|v| format!("= {v}")),
        (1i32..=512).prop_map(|k| format!("= r10\n    R += -{k}")),
        Just(String::from("= r6")),
        (0u32..13).prop_map(|m| format!("= map[m{m}] ll")),
        Just(String::from("= func[cb] ll")),
        any::<u64>().prop_map(|v| format!("= {v:#x} ll")),
    ]
}

fn call() -> impl Strategy<Value = String> {
    let id = prop_oneof![
        (0..BUILTIN_HELPERS.len()).prop_map(|i| BUILTIN_HELPERS[i].id),
        Just(13u32),
        Just(9999),
    ];
    (prop::collection::vec(arg(), 5), id).prop_map(|(args, id)| {
        let mut s = String::new();
        for (i, a) in args.iter().enumerate() {
            let r = format!("r{}", i + 1);
            s.push_str(&format!("    {r} {}\n", a.replace('R', &r)));
        }
        s.push_str(&format!("    call {id}\n"));
        s
    })
}

fn input(t: ProgramType, packet: &[u8]) -> Input {
    match t {
        ProgramType::Kprobe => Input::kprobe(KprobeEvent::with_args("f", 0, &[1, 2, 3])),
        ProgramType::Tracepoint => Input::tracepoint(TracepointEvent::sys_enter(1, [0; 6])),
        _ => Input::packet(packet.to_vec()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_helper_calls_never_panic(
        calls in prop::collection::vec(call(), 1..4),
        cb_ret in 0u32..3,
        packet in prop::collection::vec(any::<u8>(), 14..80),
    ) {
        for t in ProgramType::ALL {
            let src = format!(
                ".type {}\n{MAPS}\n    r6 = r1\n    *(u64 *)(r10 - 8) = 0\n{}    exit\ncb:\n    r0 = {cb_ret}\n    exit\n",
                t.name(),
                calls.concat()
            );
            let prog = assemble(&src).unwrap();
            let mut maps = Maps::for_program(&prog, MapsConfig { ncpus: 2 }).unwrap();
            // Slot 0 of the prog array is the program itself: tail calls recurse.
            maps.update(2, &0u32.to_le_bytes(), &0u32.to_le_bytes(), 0).unwrap();
            let options = RunOptions { budget: 20_000, programs: std::slice::from_ref(&prog), ..RunOptions::default() };
            let _ = run_with(&prog, &input(t, &packet), &mut maps, options);
            // The maps are whole again: every map answers user-space calls.
            for i in 0..maps.len() {
                let _ = maps.entries(i).unwrap();
            }
            prop_assert_eq!(maps.get(1).unwrap().values().len(), 32, "the array's values came back");
        }
    }
}
