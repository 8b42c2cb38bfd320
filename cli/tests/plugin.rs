//! `bpfplay plugin`: the conformance suite's plugin protocol, as its runner drives it.

use std::process::Output;

mod support;
use support::{stderr, stdout};

/// `bpfplay plugin ARGS`.
fn plugin(args: &[&str], stdin: &str) -> Output {
    support::bpfplay(&[&["plugin"], args].concat(), stdin.as_bytes())
}

/// `r0 = 42; exit`
const RETURN_42: &str = "b70000002a000000\n9500000000000000\n";
/// `r0 = *(u8 *)(r1 + 1); r0 += r2; exit`
const LOAD_BYTE_PLUS_LEN: &str = "7110010000000000 0f20000000000000 9500000000000000";

#[test]
fn prints_r0_in_hex_and_exits_zero() {
    let out = plugin(&[], RETURN_42);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2a\n");
}

#[test]
fn memory_argument_is_r1_and_its_length_r2() {
    let out = plugin(&["0506ff"], LOAD_BYTE_PLUS_LEN);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "9\n");
}

#[test]
fn unwind_helper_stops_the_program() {
    // r1 = 0; call 5; r0 = 2; exit  -> unwind(0) ends with r0 = 0
    let out = plugin(
        &[],
        "b701000000000000 8500000005000000 b700000002000000 9500000000000000",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "0\n");
}

#[test]
fn faults_and_bad_input_fail_with_a_message() {
    // r0 = *(u64 *)(r1 + 0) without memory: r1 = 0, unmapped.
    let out = plugin(&[], "7910000000000000 9500000000000000");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("insn 0"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());

    let out = plugin(&[], "zz");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("program"), "{}", stderr(&out));

    let out = plugin(&["abc"], RETURN_42);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("memory"), "{}", stderr(&out));
}

#[test]
fn elf_objects_run_their_first_program() {
    // tests/fixtures/plugin_sum.c: the sum of the memory's bytes plus its length.
    let object = include_bytes!("fixtures/plugin_sum.o");
    let hex: String = object.iter().map(|b| format!("{b:02x}")).collect();
    let out = plugin(&["--elf", "01020304"], &hex);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "e\n");
    let out = plugin(&["--elf"], "0011");
    assert!(!out.status.success());
    assert!(!stderr(&out).is_empty());
}
