//! Properties of the verifier that hold for every input:
//!
//! - it never panics and always terminates, on random bytecode and on random
//!   mutations of the corpus programs;
//! - it is sound: every program it accepts runs in the interpreter without a
//!   single run-time memory fault (or jump out of the program, or call stack
//!   overflow) on random packets and events. A fault here is a verifier bug.

#[path = "support/verifier_corpus.rs"]
mod corpus;

use proptest::prelude::*;
use vm_core::isa::{decode, encode_raw, RawInsn};
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run, Input, KprobeEvent, RunError, TracepointEvent};
use vm_core::verifier::{verify, VerifierOptions};
use vm_core::{Program, ProgramType};

fn corpus_programs() -> &'static [Program] {
    static PROGRAMS: std::sync::OnceLock<Vec<Program>> = std::sync::OnceLock::new();
    PROGRAMS.get_or_init(|| {
        corpus::load_corpus()
            .iter()
            .map(corpus::to_program)
            .collect()
    })
}

fn quiet() -> VerifierOptions {
    VerifierOptions {
        log: false,
        trace_limit: 0,
        ..VerifierOptions::default()
    }
}

/// `prog` with one field of each listed instruction changed (imm, off, or a register).
fn mutate(prog: &Program, edits: &[(usize, u8, i32)]) -> Option<Program> {
    let mut raw: Vec<RawInsn> = encode_raw(&prog.insns);
    if raw.is_empty() {
        return None;
    }
    for &(at, what, delta) in edits {
        let i = at % raw.len();
        let r = &mut raw[i];
        match what % 5 {
            0 => r.imm = r.imm.wrapping_add(delta),
            1 => r.off = r.off.wrapping_add(delta as i16),
            2 => r.dst = (delta.unsigned_abs() % 11) as u8,
            3 => r.src = (delta.unsigned_abs() % 11) as u8,
            _ => r.imm = delta,
        }
    }
    let bytes: Vec<u8> = raw.iter().flat_map(|r| r.to_bytes()).collect();
    let insns = decode(&bytes).ok()?;
    Some(Program {
        insns,
        ..prog.clone()
    })
}

/// Runs an accepted program on `data`; panics on a fault the verifier should have prevented.
fn run_checked(prog: &Program, data: &[u8], name: &str) {
    // The runtime tells maps apart by name; corpus maps are unnamed, as the kernel oracle's.
    let mut named = prog.clone();
    for (i, m) in named.maps.iter_mut().enumerate() {
        m.name = format!("map{i}");
    }
    let prog = &named;
    let Ok(mut maps) = Maps::for_program(prog, MapsConfig::default()) else {
        return;
    };
    let input = match prog.prog_type {
        ProgramType::Kprobe => Input::kprobe(KprobeEvent::with_args(
            "do_sys_open",
            0xffff_ffff_8100_0000,
            &[1, 2, 3, 4, 5],
        )),
        ProgramType::Tracepoint => {
            Input::tracepoint(TracepointEvent::sys_enter(2, [1, 2, 3, 4, 5, 6]))
        }
        _ => Input::packet(data.to_vec()),
    };
    match run(prog, &input, &mut maps) {
        Ok(_) | Err(RunError::Input(_)) | Err(RunError::Maps(_)) => {}
        Err(RunError::Exec(e)) => match e.kind {
            ref kind if kind.is_verifier_preventable() => {
                let hex: Vec<String> = encode_raw(&prog.insns)
                    .iter()
                    .map(|r| r.to_bytes().iter().map(|b| format!("{b:02x}")).collect())
                    .collect();
                panic!(
                    "{name}: accepted by the verifier but faults at run time on {} bytes: {e}\ncode: {}\n{}",
                    data.len(),
                    hex.join(" "),
                    verify(prog, &VerifierOptions::default()).log()
                )
            }
            _ => {}
        },
    }
}

#[test]
fn accepted_corpus_programs_never_fault() {
    let packets: Vec<Vec<u8>> = vec![
        vec![],
        vec![0; 1],
        vec![0xff; 13],
        vec![0x11; 14],
        (0..60u8).collect(),
        (0..=255u8).rev().collect(),
    ];
    for (c, prog) in corpus::load_corpus().iter().zip(corpus_programs()) {
        if verify(prog, &quiet()).accepted() {
            for p in &packets {
                run_checked(prog, p, &c.name);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_random_bytecode(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut words = bytes;
        words.truncate(words.len() / 8 * 8);
        if let Ok(insns) = decode(&words) {
            let prog = Program::from_insns(insns);
            let _ = verify(&prog, &VerifierOptions::default());
        }
    }

    #[test]
    fn mutated_programs_terminate_and_accepted_ones_never_fault(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), -20i32..20), 1..4),
        packet in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        let progs = corpus_programs();
        let base = &progs[pick.index(progs.len())];
        if let Some(prog) = mutate(base, &edits) {
            let res = verify(&prog, &quiet());
            prop_assert!(res.stats.processed_insns <= vm_core::verifier::COMPLEXITY_LIMIT_INSNS + 1);
            if res.accepted() {
                run_checked(&prog, &packet, "mutated corpus program");
            }
        }
    }
}
