//! `bpfplay` on clang BPF objects (the loader's fixtures in
//! `vm-core/tests/elf_fixtures/`): picking a program, running it.

use std::process::Output;

mod support;
use support::{elf_fixture as fixture, text};

fn bpfplay(args: &[&str]) -> Output {
    support::bpfplay(args, b"")
}

#[test]
fn an_object_with_several_programs_asks_which() {
    let out = bpfplay(&["run", &fixture("kprobe_core.o")]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "on_unlink (section kprobe/do_unlinkat), on_unlink_ret (section kretprobe/do_unlinkat)"
        ) && err.contains("--program NAME or --section SEC"),
        "{err}"
    );
}

#[test]
fn programs_are_picked_by_name_or_section() {
    // on_unlink_ret returns ctx->ax != 0; the default kprobe registers have ax = 0.
    let by_section = bpfplay(&[
        "run",
        &fixture("kprobe_core.o"),
        "--section",
        "kretprobe/do_unlinkat",
    ]);
    assert!(by_section.status.success(), "{}", text(&by_section.stderr));
    assert!(
        text(&by_section.stdout).starts_with("r0 = 0x0 (0)"),
        "{}",
        text(&by_section.stdout)
    );

    let by_name = bpfplay(&[
        "run",
        "--program",
        "xdp_sum",
        &fixture("subprog_loop.o"),
        "--packet",
        "01000000000000000000000000000000",
    ]);
    assert!(by_name.status.success(), "{}", text(&by_name.stderr));
    assert!(
        text(&by_name.stdout).contains("XDP_DROP"),
        "{}",
        text(&by_name.stdout)
    );

    let missing = bpfplay(&["run", "--program", "nope", &fixture("tc_load_bytes.o")]);
    assert!(text(&missing.stderr)
        .contains("no program named 'nope' (the object holds tc_drop_dns (section tc))"));
}

#[test]
fn a_single_program_object_needs_no_pick() {
    // UDP to port 53: dropped by the tc program.
    let packet = "020000000002020000000001 0800 4500002000004000401100000a0000010a000002 04d200350000000c0000 70696e67";
    let out = bpfplay(&["run", &fixture("tc_load_bytes.o"), "--packet", packet]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("TC_ACT_SHOT"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn verify_takes_an_object_and_names_the_c_line_of_a_rejection() {
    let out = bpfplay(&["verify", &fixture("rejected.o")]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("1: invalid access to packet, off=12 size=1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("; return data[12] == 0x08 ? XDP_PASS : XDP_DROP; @ ./rejected.c:11"),
        "{stdout}"
    );

    let ok = bpfplay(&[
        "verify",
        &fixture("kprobe_core.o"),
        "--section",
        "kprobe/do_unlinkat",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).starts_with("accepted: processed"));
}

#[test]
fn disasm_lists_every_program_with_c_lines_and_notes_the_unloadable() {
    let out = bpfplay(&["disasm", &fixture("core_limits.o")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(listing.contains("# task_pid (section kprobe/do_exit)\n# not loadable: section kprobe/do_exit, offset 0x8: unsupported CO-RE relocation"), "{listing}");
    assert!(
        listing.contains("# has_pt_regs (section kprobe/do_exit)\n"),
        "{listing}"
    );
    assert!(
        listing.contains("; return bpf_core_type_exists(struct pt_regs); @ ./core_limits.c:28"),
        "{listing}"
    );
}

/// An Ethernet + IPv4 frame carrying `proto`'s header with destination port
/// `port` (TCP and UDP put it at the same offset), as hex.
fn ipv4_to_port(proto: u8, port: u16) -> String {
    let mut p = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00];
    p.extend_from_slice(&[0x45, 0, 0, 60, 0, 0, 0x40, 0, 64, proto, 0, 0]);
    p.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
    p.extend_from_slice(&[0x30, 0x39]);
    p.extend_from_slice(&port.to_be_bytes());
    p.resize(74, 0);
    p.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn tail_calls_to_programs_of_the_same_object() {
    let object = fixture("xdp_tail_calls.o");
    let run = |packet: &str, slots: &[&str]| {
        let mut args = vec!["run", "--json", "--packet", packet];
        for s in slots {
            args.extend_from_slice(&["--prog-array", s]);
        }
        args.extend_from_slice(&["--program", "xdp_dispatch", &object]);
        let out = bpfplay(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        (v["verdict"].as_str().unwrap_or_default().to_string(), v)
    };
    let slots = ["jump_table:6=xdp_tcp", "jump_table:17=xdp_udp"];
    let (verdict, v) = run(&ipv4_to_port(6, 23), &slots);
    assert_eq!(
        (verdict.as_str(), &v["tail_calls"]),
        ("XDP_DROP", &1.into())
    );
    let (verdict, v) = run(&ipv4_to_port(17, 53), &slots);
    assert_eq!(verdict, "XDP_PASS");
    assert_eq!(v["maps"]["udp_ports"][0]["key"], "35000000", "{v}");
    // The object named again, as FILE:PROGRAM.
    let by_file = format!("jump_table:6={object}:xdp_tcp");
    let (verdict, _) = run(&ipv4_to_port(6, 23), &[&by_file]);
    assert_eq!(verdict, "XDP_DROP");
    // Slot 6 empty: the tail call falls through.
    let (verdict, v) = run(&ipv4_to_port(6, 23), &["jump_table:17=xdp_udp"]);
    assert_eq!(
        (verdict.as_str(), &v["tail_calls"]),
        ("XDP_PASS", &0.into())
    );
    let out = bpfplay(&[
        "run",
        "--prog-array",
        "jump_table:6=xdp_nope",
        "--program",
        "xdp_dispatch",
        &object,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("no program or section named 'xdp_nope'") && err.contains("xdp_udp"),
        "{err}"
    );
}
