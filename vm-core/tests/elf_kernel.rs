//! The fixture objects' programs, as the loader links them, in the host
//! kernel: the kernel's verifier accepts exactly the ones it should, and
//! `BPF_PROG_TEST_RUN` gives the results the cases below expect. The same
//! cases run on the VM in `elf_run.rs`. Skipped (with the reason printed)
//! where `bpf(2)` cannot be used.

#[path = "support/elf_cases.rs"]
mod elf_cases;
#[path = "support/kernel.rs"]
mod kernel;

use elf_cases::{load, RunCase, RUN_CASES};
use kernel::{Kernel, Verdict};

fn kernel() -> Option<Kernel> {
    match Kernel::open() {
        Ok(k) => Some(k),
        Err(why) => {
            println!("skipped: the host kernel cannot be asked: {why}");
            None
        }
    }
}

#[test]
fn kernel_verifier_agrees_on_every_fixture_program() {
    let Some(k) = kernel() else { return };
    for (file, name, accepted, log_needle) in elf_cases::VERDICTS {
        let (obj, prog) = load(file, name);
        let verdict = k.load(&prog, obj.license().unwrap_or("GPL")).unwrap();
        match (verdict, accepted) {
            (Verdict::Accepted { .. }, true) => {}
            (Verdict::Rejected { log, .. }, false) => {
                assert!(
                    log.contains(log_needle),
                    "{file} {name}: log lacks '{log_needle}':\n{log}"
                )
            }
            (Verdict::Accepted { .. }, false) => panic!("{file} {name}: kernel accepted it"),
            (Verdict::Rejected { errno, log }, true) => {
                panic!("{file} {name}: kernel rejected it (errno {errno}):\n{log}")
            }
        }
    }
}

#[test]
fn kernel_test_run_gives_the_expected_results() {
    let Some(k) = kernel() else { return };
    for case in RUN_CASES {
        let RunCase {
            file,
            program,
            setup,
            packets,
            after,
        } = case;
        let (obj, prog) = load(file, program);
        let Verdict::Accepted { prog: fd, maps } =
            k.load(&prog, obj.license().unwrap_or("GPL")).unwrap()
        else {
            panic!("{file} {program}: rejected")
        };
        for (map, key, value) in setup {
            let (idx, _) = prog.map_by_name(map).unwrap();
            k.update(&maps[idx], key, value).unwrap();
        }
        for (what, packet, expected) in packets.iter() {
            let (ret, _) = k.test_run(&fd, &packet()).unwrap();
            assert_eq!(ret, *expected, "{file} {program}: {what}");
        }
        for (map, key, expected) in after {
            let (idx, def) = prog.map_by_name(map).unwrap();
            let got = k.lookup(&maps[idx], key, def.value_size as usize);
            assert_eq!(
                got.as_deref(),
                Some(*expected),
                "{file} {program}: map {map} after the runs"
            );
        }
    }
}
