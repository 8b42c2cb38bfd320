//! `bpfplay run` as a user runs it.

use std::process::Output;

use serde_json::Value;

mod support;
use support::{stderr, stdout, temp_file};

/// `bpfplay run ARGS`.
fn bpfplay(args: &[&str], stdin: &[u8]) -> Output {
    support::bpfplay(&[&["run"], args].concat(), stdin)
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Counts runs in an array map and drops the packet.
const COUNTER: &str = "
.type xdp
.map counts, array, key=4, value=8, max_entries=1
    *(u32 *)(r10 - 4) = 0
    r1 = map[counts] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
out:
    r0 = 1
    exit
";

#[test]
fn prints_r0_and_the_verdict() {
    let out = bpfplay(&["-"], b"r0 = 42\nexit\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "r0 = 0x2a (42) invalid XDP action 42: dropped as XDP_ABORTED\n"
    );
    let out = bpfplay(&["-"], b"r0 = 2\nexit\n");
    assert_eq!(stdout(&out), "r0 = 0x2 (2) XDP_PASS\n");
}

#[test]
fn json_reports_retval_verdict_packet_and_maps() {
    let out = bpfplay(&["--json", "-"], COUNTER.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["retval"], 1);
    assert_eq!(v["verdict"], "XDP_DROP");
    assert_eq!(v["maps"]["counts"][0]["value"], "0100000000000000");
    assert_eq!(v["insns"], 10);
    assert_eq!(v["packet_out"].as_str().map(str::len), Some(120));
}

#[test]
fn reads_the_packet_given_in_hex() {
    // r2 = data; r0 = *(u8 *)(r2 + 14); also rewrite byte 0.
    let src = b"r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 14)\n*(u8 *)(r2 + 0) = 0xee\nexit\n";
    let packet = format!("{}ab{}", "00".repeat(14), "00".repeat(5));
    let out = bpfplay(&["--json", "--packet", &packet, "-"], src);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["retval"], 0xab);
    let packet_out = v["packet_out"].as_str().unwrap_or_default().to_string();
    assert!(packet_out.starts_with("ee00"), "{packet_out}");
}

#[test]
fn trace_shows_every_step_with_changes() {
    let out = bpfplay(&["--trace", "-"], b"r1 = 5\nr1 += 2\nr0 = r1\nexit\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        lines[1].starts_with("   1: r1 += 2") && lines[1].ends_with("R1=0x7"),
        "{text}"
    );
    assert_eq!(
        lines[4],
        "r0 = 0x7 (7) invalid XDP action 7: dropped as XDP_ABORTED"
    );

    // Longer than one streamed chunk of steps.
    let out = bpfplay(
        &["--trace", "-"],
        b"r1 = 3000\nloop:\nr1 += -1\nif r1 != 0 goto loop\nexit\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1 + 6000 + 1 + 1);

    let out = bpfplay(&["--trace", "--json", "-"], b"r0 = 3\nexit\n");
    let v = json(&out);
    assert_eq!(v["trace"][0]["regs"]["r0"], 3);
    assert_eq!(v["trace"][1]["insn"], "exit");
    assert_eq!(v["trace_truncated"], false);
}

#[test]
fn raw_bytecode_files_run_too() {
    // r0 = 2; exit
    let bin = temp_file(
        "pass.bin",
        &[0xb7, 0, 0, 0, 2, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0],
    );
    let out = bpfplay(&[bin.to_str().unwrap_or_default()], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "r0 = 0x2 (2) XDP_PASS\n");
}

#[test]
fn run_time_faults_exit_1_and_name_the_instruction() {
    let src = b"r0 = 0\nr0 = *(u64 *)(r1 + 800)\nexit\n";
    let out = bpfplay(&["-"], src);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("insn 1: invalid memory read of 8 bytes"),
        "{}",
        stderr(&out)
    );
    let out = bpfplay(&["--json", "-"], src);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["error"]["insn"], 1);
    assert_eq!(v["error"]["line"], 2);
}

#[test]
fn bad_input_exits_2() {
    let out = bpfplay(&["--type", "nonsense", "-"], b"r0 = 0\nexit\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown program type"));
    let out = bpfplay(&["-"], b"r0 = = 1\n");
    assert_eq!(out.status.code(), Some(2));
    let out = bpfplay(&["--budget", "100", "-"], b"loop:\ngoto loop\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("budget of 100"), "{}", stderr(&out));
}
