//! Bad input, reported the way compilers report it, by every subcommand that
//! reads a program: `FILE:LINE:COLUMN: error: MESSAGE` with the source line
//! and the bad columns underlined; `FILE: error: ...` naming the byte offset
//! (bytecode) or the section and offset (objects); `bpfplay CMD: error: ...`
//! for an argument. Each case checks the exact text and the exit code.

use std::process::Output;

use tempfile::TempDir;

mod support;
use support::{elf_fixture as fixture, temp_dir};

/// A fresh directory holding the bad inputs (removed when dropped);
/// commands run in it, so messages name the files as given.
fn inputs() -> TempDir {
    let dir = temp_dir();
    let write =
        |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).expect("write");
    write("typo.s", b"r0 = 0\n  r1 = *(u33 *)(r2 + 0)\nexit\n");
    write("tabs.s", b"\tr0 = 0\n\tr1 = *(u33 *)(r2 + 0)\n\texit\n");
    write("typo.asm", b"mov %r0, 0\nexti\n");
    write("ok.s", b"r0 = 2\nexit\n");
    // An `exit` and three bytes of a second instruction.
    write("short.bin", &[0x95, 0, 0, 0, 0, 0, 0, 0, 0xb7, 0, 0]);
    let object = std::fs::read(fixture("subprog_loop.o")).expect("fixture");
    write("cut.o", &object[..300]);
    let mut bad_insn = object.clone();
    let xdp = section_offset(&object, "xdp");
    bad_insn[xdp + 8] = 0xff; // the opcode of the section's second instruction
    write("bad_insn.o", &bad_insn);
    dir
}

/// File offset of the section `name` of a little-endian ELF64 object.
fn section_offset(elf: &[u8], name: &str) -> usize {
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().unwrap()) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().unwrap()) as usize;
    let (shoff, shentsize, shnum, shstrndx) =
        (u64_at(0x28), u16_at(0x3a), u16_at(0x3c), u16_at(0x3e));
    let header = |i: usize| shoff + i * shentsize;
    let names = u64_at(header(shstrndx) + 0x18);
    (0..shnum)
        .map(header)
        .find(|&h| {
            let start = names + u32_at(h);
            elf[start..].split(|&b| b == 0).next() == Some(name.as_bytes())
        })
        .map(|h| u64_at(h + 0x18))
        .expect("section in fixture")
}

/// `bpfplay ARGS` run in `dir`.
fn bpfplay(dir: &TempDir, args: &[&str]) -> Output {
    support::bpfplay_in(Some(dir.path()), args, b"")
}

/// Exit code and standard error of `bpfplay ARGS`.
fn fails(dir: &TempDir, args: &[&str]) -> (Option<i32>, String) {
    let out = bpfplay(dir, args);
    (out.status.code(), support::stderr(&out))
}

const TYPO: &str =
    "typo.s:2:10: error: expected a type (u8, u16, u32, u64, s8, s16, s32), found 'u33'
    2 |   r1 = *(u33 *)(r2 + 0)
      |          ^~~
";

#[test]
fn source_errors_show_file_line_column_and_the_line_underlined() {
    let dir = inputs();
    for (cmd, code) in [("asm", 1), ("run", 2), ("verify", 2)] {
        assert_eq!(
            fails(&dir, &[cmd, "typo.s"]),
            (Some(code), TYPO.to_string()),
            "{cmd}"
        );
        assert_eq!(
            fails(&dir, &[cmd, "typo.asm"]),
            (
                Some(code),
                "typo.asm:2:1: error: expected an instruction mnemonic (mov, add32, ldxw, stxdw, jeq, lddw, call, exit, ...), found 'exti'
    2 | exti
      | ^~~~
"
                .to_string()
            ),
            "{cmd}"
        );
        // Tabs are expanded to 8 columns in the line and under it alike.
        assert_eq!(
            fails(&dir, &[cmd, "tabs.s"]),
            (
                Some(code),
                "tabs.s:2:9: error: expected a type (u8, u16, u32, u64, s8, s16, s32), found 'u33'
    2 |         r1 = *(u33 *)(r2 + 0)
      |                ^~~
"
                .to_string()
            ),
            "{cmd}"
        );
    }
}

#[test]
fn standard_input_is_named_stdin() {
    let out = support::bpfplay(&["verify", "-"], b"r0 = 0\ngoto nowhere\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "<stdin>:2:6: error: undefined label 'nowhere'\n    2 | goto nowhere\n      |      ^~~~~~~\n"
    );
}

#[test]
fn bytecode_errors_name_the_byte_offset() {
    let dir = inputs();
    let message = "short.bin: error: at byte offset 8 (insn 1): program length is not a multiple of 8 bytes (3 trailing bytes)\n";
    for (cmd, code) in [("disasm", 1), ("run", 2), ("verify", 2)] {
        assert_eq!(
            fails(&dir, &[cmd, "short.bin"]),
            (Some(code), message.to_string()),
            "{cmd}"
        );
    }
    assert_eq!(
        fails(&dir, &["asm", "short.bin"]),
        (Some(1), "short.bin: error: not UTF-8 text\n".to_string())
    );
}

#[test]
fn object_errors_name_the_section_and_offset() {
    let dir = inputs();
    let message =
        "bad_insn.o: error: section xdp, offset 0x8: bad instruction: unknown opcode 0xff\n";
    for cmd in ["run", "verify"] {
        assert_eq!(
            fails(&dir, &[cmd, "--program", "xdp_sum", "bad_insn.o"]),
            (Some(2), message.to_string()),
            "{cmd}"
        );
    }
    // disasm lists every program; it names the one that does not load.
    assert_eq!(
        fails(&dir, &["disasm", "bad_insn.o"]),
        (
            Some(1),
            "bad_insn.o: error: program xdp_sum: section xdp, offset 0x8: bad instruction: unknown opcode 0xff\n"
                .to_string()
        )
    );
    // A file cut short is not well-formed ELF at all.
    for (cmd, code) in [("disasm", 1), ("run", 2), ("verify", 2)] {
        let (got, err) = fails(&dir, &[cmd, "cut.o"]);
        assert_eq!(got, Some(code), "{cmd}");
        assert!(
            err.starts_with("cut.o: error: malformed ELF: "),
            "{cmd}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{cmd}: {err}");
    }
}

#[test]
fn a_missing_file_is_named_once() {
    let dir = inputs();
    for (cmd, code) in [("asm", 1), ("disasm", 1), ("run", 2), ("verify", 2)] {
        let (got, err) = fails(&dir, &[cmd, "missing.s"]);
        assert_eq!(got, Some(code), "{cmd}");
        assert!(err.starts_with("missing.s: error: "), "{cmd}: {err}");
        assert_eq!(err.matches("missing.s").count(), 1, "{cmd}: {err}");
    }
}

#[test]
fn argument_errors_name_the_command_and_the_option() {
    let dir = inputs();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--map-entry", "counts", "ok.s"],
            "bpfplay run: error: --map-entry counts: expected MAP:KEYHEX=VALUEHEX\n",
        ),
        (
            &["--map-entry", "counts:00=00", "ok.s"],
            "bpfplay run: error: --map-entry counts:00=00: no map named 'counts' (the program has no maps)\n",
        ),
        (
            &["--prog-array", "jmp", "ok.s"],
            "bpfplay run: error: --prog-array jmp: expected MAP:KEY=FILE, MAP:KEY=FILE:PROGRAM or MAP:KEY=PROGRAM\n",
        ),
        (
            &["--prog-array", "jmp:1=nothere.s", "ok.s"],
            "bpfplay run: error: --prog-array jmp:1=nothere.s: no file nothere.s\n",
        ),
        (
            &["--args", "1,x", "--type", "kprobe", "ok.s"],
            "bpfplay run: error: --args: \"x\" is not a number\n",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["run"];
        all.extend_from_slice(args);
        assert_eq!(
            fails(&dir, &all),
            (Some(2), message.to_string()),
            "{args:?}"
        );
    }
}

#[test]
fn a_bad_tail_call_target_is_reported_in_its_own_file() {
    let dir = inputs();
    assert_eq!(
        fails(&dir, &["run", "--prog-array", "jmp:1=typo.s", "ok.s"]),
        (
            Some(2),
            format!("{TYPO}bpfplay run: note: in --prog-array jmp:1=typo.s\n")
        )
    );
}

#[test]
fn json_runs_report_the_error_as_an_object() {
    let dir = inputs();
    let out = bpfplay(&dir, &["run", "--json", "typo.s"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["error"],
        serde_json::json!({
            "insn": null,
            "line": 2,
            "column": 10,
            "message": TYPO.lines().next().unwrap(),
        })
    );
}
