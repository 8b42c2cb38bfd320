//! `bpfplay verify`: exit codes, the error line, `--log` and `--json`.

use std::process::Output;

mod support;

/// `bpfplay verify ARGS`.
fn verify(args: &[&str], stdin: &str) -> Output {
    support::bpfplay(&[&["verify"], args].concat(), stdin.as_bytes())
}

const UNCHECKED: &str = "r2 = *(u32 *)(r1 + 0)\nr0 = *(u16 *)(r2 + 12)\nexit\n";
const CHECKED: &str = "r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 14\nif r4 > r3 goto out\nr0 = *(u16 *)(r2 + 12)\nout:\nr0 = 2\nexit\n";

#[test]
fn accepted_program_exits_0() {
    let out = verify(&["-"], CHECKED);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("accepted"));
}

#[test]
fn rejected_program_exits_1_with_insn_message_and_explanation() {
    let out = verify(&["-"], UNCHECKED);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("1: invalid access to packet, off=12 size=2, R2(id=0,off=12,r=0)"),
        "{text}"
    );
    assert!(text.contains("data_end"), "{text}");
    // The hint names this access's register and bytes, not placeholders.
    assert!(
        text.contains("Hint: This access needs packet bytes 12 to 13 (off=12 size=2) proven inside the packet. Before it, check if r2 + 14 > data_end goto drop"),
        "{text}"
    );
}

#[test]
fn log_prints_the_kernel_format() {
    let out = verify(&["--log", "-"], CHECKED);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("3: (07) r4 += 14                      ; R4=pkt(off=14,r=0)"),
        "{text}"
    );
    assert!(
        text.contains("processed 10 insns (limit 1000000)"),
        "{text}"
    );
}

#[test]
fn json_has_verdict_error_and_counts() {
    let out = verify(&["--json", "-"], UNCHECKED);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("{\"accepted\":false,\"error\":{\"insn\":1,\"line\":2,"),
        "{text}"
    );
    assert!(text.contains("\"processed_insns\":2"), "{text}");
    assert!(text.contains("\"states\":0"), "{text}");
}

#[test]
fn program_type_option_changes_the_context() {
    // In a socket filter, offsets 0 and 4 of __sk_buff are plain numbers (len, pkt_type).
    let out = verify(&["--type", "socket_filter", "-"], CHECKED);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("5: R2 invalid mem access 'scalar'"),
        "{text}"
    );
}

#[test]
fn unreadable_input_exits_2() {
    let out = verify(&["/nonexistent/prog.s"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = verify(&["-"], "this is not a program ((");
    assert_eq!(out.status.code(), Some(2));
}
