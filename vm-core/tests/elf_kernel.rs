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
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run, Input};

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
fn kernel_test_run_gives_the_expected_results_and_the_vm_the_same() {
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
        let Verdict::Accepted { prog: fd, maps, .. } =
            k.load(&prog, obj.license().unwrap_or("GPL")).unwrap()
        else {
            panic!("{file} {program}: rejected")
        };
        let mut vm_maps = Maps::for_program(&prog, MapsConfig::default()).unwrap();
        for (map, key, value) in setup {
            let (idx, _) = prog.map_by_name(map).unwrap();
            k.update(&maps[idx], key, value).unwrap();
            vm_maps.update(idx, key, value, 0).unwrap();
        }
        for (what, packet, expected) in packets.iter() {
            let (ret, data_out) = k.test_run(&fd, &packet()).unwrap();
            assert_eq!(ret, *expected, "{file} {program}: {what}");
            let vm = run(&prog, &Input::packet(packet()), &mut vm_maps).unwrap();
            assert_eq!(
                vm.verdict.code,
                u64::from(ret),
                "{file} {program}: {what}: VM vs kernel"
            );
            assert_eq!(
                vm.test_run_data_out(),
                data_out,
                "{file} {program}: {what}: packet out"
            );
        }
        // Every map entry the kernel holds, the VM holds too.
        for (idx, (def, kmap)) in prog.maps.iter().zip(&maps).enumerate() {
            for entry in vm_maps.entries(idx).unwrap_or_default() {
                let theirs = k.lookup(kmap, &entry.key, def.value_size as usize);
                assert_eq!(
                    theirs.as_deref(),
                    Some(&entry.value[..]),
                    "{file} {program}: map {} key {:02x?}",
                    def.name,
                    entry.key
                );
            }
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

#[test]
fn kernel_and_vm_verifier_agree_on_verdicts_messages_and_logs() {
    let Some(k) = kernel() else { return };
    for (file, name, accepted, _) in elf_cases::VERDICTS {
        let (obj, prog) = load(file, name);
        let ours = vm_core::verifier::verify(&prog, &Default::default());
        let theirs = k.load(&prog, obj.license().unwrap_or("GPL")).unwrap();
        match theirs {
            Verdict::Accepted { log, .. } => {
                assert!(
                    ours.accepted(),
                    "{file} {name}: the kernel accepts, we reject:\n{}",
                    ours.log()
                );
                assert!(accepted);
                same_log(file, name, ours.log(), &log);
            }
            Verdict::Rejected { log, .. } => {
                let err = ours.error.as_ref().unwrap_or_else(|| {
                    panic!("{file} {name}: the kernel rejects, we accept:\n{log}")
                });
                assert!(
                    log.contains(&format!("\n{}\n", err.message)),
                    "{file} {name}: our message '{}' is not in the kernel's log:\n{log}",
                    err.message
                );
                same_log(file, name, ours.log(), &log);
            }
        }
    }
}

/// The kernel's log without the `Live regs before insn:` listing 6.18 prints
/// at log level 2 (the VM's log does not have it).
fn without_liveness(log: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in log.lines() {
        if line == "Live regs before insn:" {
            skipping = true;
            continue;
        }
        if skipping && line.starts_with(' ') {
            continue;
        }
        skipping = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `lddw` of a map value shows a kernel address in the kernel's log and the
/// map's name in ours: the text up to the `;` is masked on both sides.
fn masked(log: &str) -> Vec<String> {
    log.lines()
        .map(|line| match (line.find(": (18) "), line.find(" ; ")) {
            (Some(a), Some(b)) if a < b => {
                let eq = line[a..b].find(" = ").map_or(b, |e| a + e);
                format!("{} = <addr>{}", &line[..eq], &line[b..].trim_start())
            }
            _ => line.to_string(),
        })
        .collect()
}

/// Programs whose verifier log we print exactly as the kernel does. For the
/// others the first difference is printed (run with `--nocapture`); at the
/// time of writing they are log-format details (scalar ids, helper-call
/// states, subprogram frame dumps) and one semantic gap: the kernel reads
/// constants out of a frozen `BPF_F_RDONLY_PROG` map (`.rodata`), the VM's
/// verifier treats them as unknown scalars.
const LOG_EXACT: [&str; 2] = ["on_unlink_ret", "xdp_unchecked"];

/// Our log equals the kernel's, line for line, up to liveness and addresses.
fn same_log(file: &str, name: &str, ours: &str, kernel: &str) {
    let ours = masked(ours);
    let theirs = masked(&without_liveness(kernel));
    let Some(i) = (0..ours.len().max(theirs.len())).find(|i| ours.get(*i) != theirs.get(*i)) else {
        return;
    };
    let diff = format!(
        "{file} {name}: verifier logs differ at line {}:\n ours:   {:?}\n kernel: {:?}",
        i + 1,
        ours.get(i),
        theirs.get(i)
    );
    if LOG_EXACT.contains(&name) {
        panic!("{diff}\nkernel log:\n{kernel}");
    }
    println!("known difference: {diff}");
}
