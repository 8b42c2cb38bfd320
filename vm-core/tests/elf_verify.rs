//! The VM's verifier on the fixture objects' programs gives the kernel's
//! verdicts (`elf_kernel.rs` asks the host kernel the same question), and a
//! rejection names the instruction and its C source line.

#[path = "support/elf_cases.rs"]
mod elf_cases;

use elf_cases::{load, VERDICTS};
use vm_core::verifier::{verify, VerifierOptions};

#[test]
fn verifier_agrees_with_the_kernel_on_every_fixture_program() {
    for (file, name, accepted, needle) in VERDICTS {
        let (_, prog) = load(file, name);
        let result = verify(&prog, &VerifierOptions::default());
        match (&result.error, accepted) {
            (None, true) => {}
            (Some(err), false) => assert!(
                err.message.contains(needle),
                "{file} {name}: '{}' lacks '{needle}'",
                err.message
            ),
            (None, false) => panic!("{file} {name}: accepted, the kernel rejects it"),
            (Some(err), true) => panic!(
                "{file} {name}: rejected at insn {}: {}\n{}",
                err.insn,
                err.message,
                result.log()
            ),
        }
    }
}

#[test]
fn rejection_points_at_the_c_line() {
    let (_, prog) = load("rejected.o", "xdp_unchecked");
    let result = verify(&prog, &VerifierOptions::default());
    let err = result.error.expect("rejected");
    // r1 = *(u8 *)(r1 + 12): the unchecked packet read.
    assert_eq!(err.insn, 1);
    let line = prog.c_line(err.insn).expect("line info");
    assert_eq!(
        line.text.trim(),
        "return data[12] == 0x08 ? XDP_PASS : XDP_DROP;"
    );
    assert_eq!(line.line, 11);
}
