//! `bpfplay asm` and `bpfplay disasm` as a user runs them.

mod support;
use support::{bpfplay, temp_file, text};

const PROGRAM: &str = "r0 = 42\nif r1 > 5 goto out\nr0 = 1\nout:\nexit\n";
const PROGRAM_HEX: &str = "b7000000 2a000000 25010100 05000000 b7000000 01000000 95000000 00000000";

#[test]
fn asm_writes_raw_bytes_and_hex() {
    let out = bpfplay(&["asm", "-"], PROGRAM.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let want: Vec<u8> = PROGRAM_HEX
        .split_whitespace()
        .flat_map(|w| (0..4).map(move |i| u8::from_str_radix(&w[2 * i..2 * i + 2], 16).unwrap()))
        .collect();
    assert_eq!(out.stdout, want);

    let out = bpfplay(&["asm", "--hex", "-"], PROGRAM.as_bytes());
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), PROGRAM_HEX.replace(' ', "") + "\n");
}

#[test]
fn asm_reads_files_and_both_syntaxes() {
    let path = temp_file("prog.s", b"mov32 %r0, 42\nexit\n");
    let p = path.to_str().unwrap();
    let detected = bpfplay(&["asm", "--hex", p], b"");
    let given = bpfplay(&["asm", "--syntax", "mnemonic", "--hex", p], b"");
    assert!(detected.status.success(), "{}", text(&detected.stderr));
    assert_eq!(text(&detected.stdout), "b40000002a0000009500000000000000\n");
    assert_eq!(detected.stdout, given.stdout);
    // Told the wrong syntax, it says what it expected.
    let wrong = bpfplay(&["asm", "--syntax", "pseudo-c", p], b"");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text(&wrong.stderr).starts_with(&format!("{p}:1:1: error: expected an instruction")));
}

#[test]
fn asm_errors_name_file_line_and_column_with_a_caret() {
    let path = temp_file("bad.s", b"r0 = 0\nr1 = *(u32 *)(r2 + 70000)\nexit\n");
    let p = path.to_str().unwrap();
    let out = bpfplay(&["asm", p], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        format!(
            "{p}:2:18: error: offset 70000 out of range: expected -32768 to 32767\n    \
             2 | r1 = *(u32 *)(r2 + 70000)\n      |                  ^~~~~~~\n"
        )
    );
    let out = bpfplay(&["asm", "-"], b"goto nowhere\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("<stdin>:1:6: error: undefined label 'nowhere'\n"));
}

#[test]
fn asm_of_a_missing_file_fails() {
    let out = bpfplay(&["asm", "/nonexistent/prog.s"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent/prog.s"));
}

#[test]
fn disasm_reads_raw_and_hex_and_prints_either_syntax() {
    let raw = bpfplay(&["asm", "-"], PROGRAM.as_bytes()).stdout;
    let out = bpfplay(&["disasm", "-"], &raw);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "    r0 = 42\n    if r1 > 5 goto .L3\n    r0 = 1\n.L3:\n    exit\n"
    );
    let out = bpfplay(
        &["disasm", "--syntax", "mnemonic", "-"],
        PROGRAM_HEX.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "    mov %r0, 42\n    jgt %r1, 5, .L3\n    mov %r0, 1\n.L3:\n    exit\n"
    );
    // What disasm prints, asm reads back to the same bytes.
    let again = bpfplay(&["asm", "-"], &out.stdout);
    assert_eq!(again.stdout, raw);
}

#[test]
fn disasm_errors_name_the_byte_offset() {
    let out = bpfplay(&["disasm", "-"], b"b7000000 2a000000 ff000000 00000000");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "<stdin>: error: at byte offset 8 (insn 1): unknown opcode 0xff\n"
    );
    let out = bpfplay(&["disasm", "-"], &[0x95, 0, 0, 0, 0, 0, 0, 0, 0x95]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("at byte offset 8"));
}

#[test]
fn disasm_prints_the_programs_of_a_clang_object() {
    let object = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vm-core/tests/elf_fixtures/subprog_loop.o"
    );
    if !std::path::Path::new(object).exists() {
        println!("no ELF fixture at {object}; skipping");
        return;
    }
    let out = bpfplay(&["disasm", object], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(
        listing.starts_with("# xdp_sum (section xdp)\n"),
        "{listing}"
    );
    assert!(listing.contains("\nxdp_sum:\n"), "{listing}");
    assert!(listing.contains("exit"));
}
