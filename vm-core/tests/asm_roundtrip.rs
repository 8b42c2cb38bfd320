//! Property tests of the assembler and the disassembler:
//! - `assemble(disassemble(p)) == p` (instructions, maps, program type) for
//!   random valid programs, in both syntaxes, with the syntax given and detected;
//! - the same for every program decoded from random instruction words;
//! - every instruction as the verifier's kernel-format log prints it assembles
//!   back to itself (so pasted verifier logs assemble);
//! - the assembler never panics, whatever the text.

use std::path::Path;

use proptest::prelude::*;

use vm_core::asm::{assemble, assemble_with, highlight_line, Syntax};
use vm_core::disasm::{disassemble, format_insn};
use vm_core::helpers::proto_by_id;
use vm_core::isa::{
    decode, decode_raw, encode, AluOp, AtomicOp, CallTarget, Endian, Insn, JmpCond, LdImm64Kind,
    Operand, PacketMode, RawInsn, Reg, Size, Width,
};
use vm_core::verifier::log::kernel_insn_text;
use vm_core::{MapDef, MapType, Program, ProgramType};

fn reg() -> impl Strategy<Value = Reg> {
    (0u8..=10).prop_map(|n| Reg::new(n).unwrap())
}

fn width() -> impl Strategy<Value = Width> {
    prop_oneof![Just(Width::W32), Just(Width::W64)]
}

fn size() -> impl Strategy<Value = Size> {
    prop_oneof![Just(Size::B), Just(Size::H), Just(Size::W), Just(Size::DW)]
}

/// Immediates with the edge cases well represented.
fn imm() -> impl Strategy<Value = i32> {
    prop_oneof![
        -4i32..=4,
        Just(i32::MIN),
        Just(i32::MAX),
        Just(-1),
        any::<i32>()
    ]
}

fn off16() -> impl Strategy<Value = i16> {
    prop_oneof![-8i16..=8, Just(i16::MIN), Just(i16::MAX), any::<i16>()]
}

fn operand() -> impl Strategy<Value = Operand> {
    prop_oneof![reg().prop_map(Operand::Reg), imm().prop_map(Operand::Imm)]
}

const ALU: [AluOp; 18] = [
    AluOp::Add,
    AluOp::Sub,
    AluOp::Mul,
    AluOp::Div,
    AluOp::Sdiv,
    AluOp::Or,
    AluOp::And,
    AluOp::Lsh,
    AluOp::Rsh,
    AluOp::Neg,
    AluOp::Mod,
    AluOp::Smod,
    AluOp::Xor,
    AluOp::Mov,
    AluOp::Movsx8,
    AluOp::Movsx16,
    AluOp::Movsx32,
    AluOp::Arsh,
];

const CONDS: [JmpCond; 11] = [
    JmpCond::Eq,
    JmpCond::Gt,
    JmpCond::Ge,
    JmpCond::Set,
    JmpCond::Ne,
    JmpCond::Sgt,
    JmpCond::Sge,
    JmpCond::Lt,
    JmpCond::Le,
    JmpCond::Slt,
    JmpCond::Sle,
];

const ATOMICS: [AtomicOp; 6] = [
    AtomicOp::Add,
    AtomicOp::Or,
    AtomicOp::And,
    AtomicOp::Xor,
    AtomicOp::Xchg,
    AtomicOp::Cmpxchg,
];

const KINDS: [LdImm64Kind; 7] = [
    LdImm64Kind::Imm,
    LdImm64Kind::MapFd,
    LdImm64Kind::MapValue,
    LdImm64Kind::BtfId,
    LdImm64Kind::Func,
    LdImm64Kind::MapIdx,
    LdImm64Kind::MapIdxValue,
];

/// One instruction (an `lddw` is two), possibly not encodable; `valid` filters.
fn insn() -> impl Strategy<Value = Vec<Insn>> {
    let one = prop_oneof![
        (width(), 0..ALU.len(), reg(), operand()).prop_map(|(width, op, dst, src)| Insn::Alu {
            width,
            op: ALU[op],
            dst,
            src
        }),
        (
            0..3usize,
            prop_oneof![Just(16u8), Just(32), Just(64)],
            reg()
        )
            .prop_map(|(k, bits, dst)| Insn::Endian {
                kind: [Endian::ToLe, Endian::ToBe, Endian::Bswap][k],
                bits,
                dst
            }),
        (width(), 0..CONDS.len(), reg(), operand(), -6i16..6).prop_map(
            |(width, c, dst, src, off)| Insn::Jump {
                width,
                cond: CONDS[c],
                dst,
                src,
                off
            }
        ),
        (-6i32..6, any::<bool>()).prop_map(|(off, long)| Insn::Ja { off, long }),
        prop_oneof![Just(70000i32), Just(i32::MIN)].prop_map(|off| Insn::Ja { off, long: true }),
        off16().prop_map(|off| Insn::Ja {
            off: off.into(),
            long: false
        }),
        prop_oneof![
            (0i32..220).prop_map(CallTarget::Helper),
            imm().prop_map(CallTarget::Helper),
            (-6i32..6).prop_map(CallTarget::Local),
            imm().prop_map(CallTarget::Kfunc),
        ]
        .prop_map(Insn::Call),
        reg().prop_map(|reg| Insn::Callx { reg }),
        Just(Insn::Exit),
        (size(), any::<bool>(), reg(), reg(), off16()).prop_map(
            |(size, sign_extend, dst, src, off)| Insn::Load {
                size,
                sign_extend,
                dst,
                src,
                off
            }
        ),
        (size(), reg(), off16(), operand()).prop_map(|(size, dst, off, src)| Insn::Store {
            size,
            dst,
            off,
            src
        }),
        (
            prop_oneof![Just(Size::W), Just(Size::DW)],
            0..ATOMICS.len(),
            any::<bool>(),
            reg(),
            reg(),
            off16()
        )
            .prop_map(|(size, op, fetch, dst, src, off)| Insn::Atomic {
                size,
                op: ATOMICS[op],
                fetch,
                dst,
                src,
                off
            }),
        (
            prop_oneof![Just(Size::B), Just(Size::H), Just(Size::W)],
            prop_oneof![Just(None), reg().prop_map(Some)],
            imm()
        )
            .prop_map(|(size, r, imm)| Insn::LdPacket {
                size,
                mode: r.map_or(PacketMode::Abs, PacketMode::Ind),
                imm
            }),
    ]
    .prop_map(|i| vec![i]);
    let lddw = (
        reg(),
        0..KINDS.len(),
        prop_oneof![0i32..3, imm()],
        prop_oneof![Just(0i32), imm()],
    )
        .prop_map(|(dst, k, imm, next_imm)| {
            vec![
                Insn::LdImm64 {
                    dst,
                    kind: KINDS[k],
                    imm,
                    next_imm,
                },
                Insn::LdImm64Tail,
            ]
        });
    prop_oneof![8 => one, 1 => lddw]
}

/// An instruction the decoder would produce from its own encoding.
fn valid(insns: &[Insn]) -> bool {
    decode(&encode(insns)).is_ok_and(|d| d == insns)
}

type Entries = Vec<(Vec<u8>, Vec<u8>)>;
type MapFields = (MapType, u32, u32, u32, u32, Option<Vec<u8>>, Entries);

fn map() -> impl Strategy<Value = MapFields> {
    (
        0..MapType::ALL.len(),
        0u32..64,
        0u32..256,
        1u32..1024,
        prop_oneof![Just(0u32), any::<u32>()],
        prop::option::of(prop::collection::vec(any::<u8>(), 0..32)),
        prop::collection::vec(
            (
                prop::collection::vec(any::<u8>(), 64),
                prop::collection::vec(any::<u8>(), 256),
            ),
            0..3,
        ),
    )
        .prop_map(|(t, k, v, m, f, init, entries)| {
            // An initial value is at most one value long.
            let init = init.map(|mut b| {
                b.truncate(v as usize);
                b
            });
            // Initial entries have exactly the key and value sizes.
            let entries = entries
                .into_iter()
                .map(|(mut key, mut value)| {
                    key.truncate(k as usize);
                    value.truncate(v as usize);
                    (key, value)
                })
                .collect();
            (MapType::ALL[t], k, v, m, f, init, entries)
        })
}

fn program() -> impl Strategy<Value = Program> {
    (
        prop::collection::vec(insn(), 1..24),
        prop::collection::vec(map(), 0..3),
        0..ProgramType::ALL.len(),
    )
        .prop_map(|(chunks, maps, t)| {
            let insns: Vec<Insn> = chunks.into_iter().filter(|c| valid(c)).flatten().collect();
            Program {
                insns,
                maps: maps
                    .into_iter()
                    .enumerate()
                    .map(
                        |(
                            i,
                            (
                                map_type,
                                key_size,
                                value_size,
                                max_entries,
                                flags,
                                initial_value,
                                initial_entries,
                            ),
                        )| MapDef {
                            name: format!("map_{i}"),
                            map_type,
                            key_size,
                            value_size,
                            max_entries,
                            flags,
                            initial_value,
                            initial_entries,
                        },
                    )
                    .collect(),
                prog_type: ProgramType::ALL[t],
                ..Program::default()
            }
        })
}

fn check_roundtrip(p: &Program) -> Result<(), TestCaseError> {
    for syntax in [Syntax::PseudoC, Syntax::Mnemonic] {
        let text = disassemble(p, syntax);
        for (how, q) in [
            ("given", assemble_with(&text, syntax)),
            ("detected", assemble(&text)),
        ] {
            let q =
                q.map_err(|e| TestCaseError::fail(format!("{syntax:?} ({how}): {e}\n{text}")))?;
            prop_assert_eq!(&q.insns, &p.insns, "{:?} ({})\n{}", syntax, how, text);
            prop_assert_eq!(&q.maps, &p.maps);
            prop_assert_eq!(q.prog_type, p.prog_type);
        }
        // Every single line re-assembles to its instruction too.
        for pc in 0..p.insns.len() {
            let line = format_insn(p, pc, syntax);
            if matches!(p.insns[pc], Insn::LdImm64Tail) || line.contains('[') {
                continue; // map names need their directives
            }
            let q = assemble_with(&line, syntax)
                .map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
            prop_assert_eq!(q.insns.first(), p.insns.get(pc), "{}", line);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_programs_survive_disassembly(p in program()) {
        check_roundtrip(&p)?;
    }

    #[test]
    fn random_decodable_words_survive_disassembly(
        words in prop::collection::vec(
            (any::<u8>(), 0u8..=10, 0u8..=10, off16(), prop_oneof![imm(), 0i32..=0xf1]),
            1..16,
        )
    ) {
        let raws: Vec<RawInsn> = words
            .into_iter()
            .map(|(code, dst, src, off, imm)| RawInsn { code, dst, src, off, imm })
            .collect();
        // Keep the longest decodable prefix.
        let mut n = raws.len();
        let insns = loop {
            match decode_raw(&raws[..n]) {
                Ok(i) => break i,
                Err(e) => n = e.insn_index(),
            }
        };
        check_roundtrip(&Program::from_insns(insns))?;
    }

    #[test]
    fn kernel_log_lines_assemble_to_their_instruction(p in program()) {
        let directives: String = disassemble(&Program { insns: vec![], ..p.clone() }, Syntax::PseudoC);
        for (pc, insn) in p.insns.iter().enumerate() {
            let ambiguous = match insn {
                // The log prints a constant without `ll`, and a kfunc without its id.
                Insn::LdImm64Tail | Insn::Call(CallTarget::Kfunc(_)) => true,
                Insn::LdImm64 { kind, next_imm, .. } => !matches!(
                    (kind, next_imm),
                    (LdImm64Kind::MapFd | LdImm64Kind::Func, 0) | (LdImm64Kind::MapValue, _)
                ),
                _ => false,
            };
            if ambiguous {
                continue;
            }
            let line = kernel_insn_text(&p, pc, |id| {
                u32::try_from(id).ok().and_then(proto_by_id).map(|h| h.name)
            });
            let src = format!("{directives}{pc}: {line}\n");
            let q = assemble_with(&src, Syntax::PseudoC)
                .map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
            prop_assert_eq!(q.insns.first(), Some(insn), "{}", line);
        }
    }

    #[test]
    fn assembler_never_panics_on_random_text(src in "\\PC{0,200}") {
        let _ = assemble(&src);
        let _ = assemble_with(&src, Syntax::Mnemonic);
        // The highlighter covers every byte of every line, in order.
        for line in src.lines() {
            let mut at = 0;
            for h in highlight_line(line) {
                prop_assert_eq!(h.start, at);
                prop_assert!(h.end > h.start && line.is_char_boundary(h.end));
                at = h.end;
            }
            prop_assert_eq!(at, line.len());
        }
    }

    #[test]
    fn assembler_never_panics_on_near_miss_source(
        lines in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    Just("r1"), Just("w2"), Just("%r3"), Just("r11"), Just("="), Just("+="),
                    Just("s>>="), Just("*"), Just("("), Just(")"), Just("["), Just("]"),
                    Just("u32"), Just("s8"), Just("+"), Just("-"), Just(","), Just(":"),
                    Just("goto"), Just("gotol"), Just("if"), Just("call"), Just("exit"),
                    Just("lock"), Just("ll"), Just("map"), Just("func"), Just("pc"),
                    Just("mov"), Just("lddw"), Just("ldxw"), Just("jeq"), Just("ja"),
                    Just(".map"), Just(".type"), Just("hash"), Just("key=4"),
                    Just("max_entries=9999999999"), Just("0x7fffffffffffffffff"),
                    Just("4294967296"), Just("-2147483649"), Just("65536"), Just("0"),
                    Just("l"), Just("l:"), Just("skb"), Just("#"), Just("atomic_fetch_add"),
                    Just("xchg_64"), Just("bswap16"), Just("<"), Just(">"), Just("(s16)"),
                ],
                0..10,
            ),
            0..8,
        )
    ) {
        let src: String = lines
            .iter()
            .map(|l| l.join(" "))
            .collect::<Vec<_>>()
            .join("\n");
        for syntax in [Syntax::PseudoC, Syntax::Mnemonic] {
            if let Err(e) = assemble_with(&src, syntax) {
                // Errors point inside the source.
                let line_count = src.lines().count().max(1) as u32;
                prop_assert!(e.line >= 1 && e.line <= line_count, "{e} in {src:?}");
                prop_assert!(e.column >= 1 && e.len >= 1, "{e}");
            }
        }
    }
}

#[test]
fn generated_programs_are_mostly_valid() {
    // Guards the generator: most single instructions must be encodable.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let s = insn();
    let valid_count = (0..500)
        .filter(|_| valid(&s.new_tree(&mut runner).unwrap().current()))
        .count();
    assert!(valid_count > 300, "only {valid_count} of 500 valid");
}

/// The first of `names` found on `PATH`.
fn find_tool(names: &[&str]) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// Instructions whose pseudo-C as we print it LLVM's assembler also reads:
/// not helper calls by name (`call bpf_x#1`), local calls, kfuncs, map and
/// other pseudo loads, `skb[rN + off]` with an offset, or a numeric `gotol`
/// beyond 16 bits.
fn llvm_reads(chunk: &[Insn]) -> bool {
    chunk.iter().all(|i| match i {
        Insn::Call(_) => false,
        Insn::LdImm64 { kind, .. } => *kind == LdImm64Kind::Imm,
        Insn::LdPacket {
            mode: PacketMode::Ind(_),
            imm,
            ..
        } => *imm == 0,
        Insn::Ja { off, .. } => i16::try_from(*off).is_ok(),
        _ => true,
    })
}

/// Runs an LLVM tool with `options` then `files`, which must succeed;
/// returns its standard output.
fn run_tool(tool: &Path, options: &[&str], files: &[&Path]) -> Vec<u8> {
    let out = std::process::Command::new(tool)
        .args(options)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", tool.display()));
    assert!(
        out.status.success(),
        "{} {options:?} {files:?} failed:\n{}",
        tool.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Differential test against LLVM: a long random program, printed by our
/// disassembler, assembled by `llvm-mc` (`-mcpu=v4`), gives our bytes; and
/// `llvm-objdump -d` of that object assembles with ours to the same bytes.
/// Skips, saying so, where LLVM is not installed.
#[test]
fn llvm_assembles_our_pseudo_c_to_the_same_bytes() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let (Some(mc), Some(objcopy)) = (
        find_tool(&["llvm-mc-19", "llvm-mc"]),
        find_tool(&["llvm-objcopy-19", "llvm-objcopy"]),
    ) else {
        println!("llvm-mc / llvm-objcopy not found; skipping the LLVM differential test");
        return;
    };
    let mut runner = TestRunner::deterministic();
    let strategy = insn();
    let mut insns = Vec::new();
    while insns.len() < 3000 {
        let chunk = strategy.new_tree(&mut runner).unwrap().current();
        if valid(&chunk) && llvm_reads(&chunk) {
            insns.extend(chunk);
        }
    }
    let p = Program::from_insns(insns);
    let text = disassemble(&p, Syntax::PseudoC);
    // Removed on drop, also when LLVM disagrees and the test panics.
    let scratch = tempfile::Builder::new()
        .prefix("bpfplay-llvm-diff-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let (src, obj, bin) = (dir.join("p.s"), dir.join("p.o"), dir.join("p.bin"));
    std::fs::write(&src, format!("\t.section xdp,\"ax\",@progbits\n{text}")).unwrap();
    let mc_args = ["-triple", "bpfel", "-mcpu=v4", "-filetype=obj", "-o"];
    run_tool(&mc, &mc_args, &[&obj, &src]);
    run_tool(
        &objcopy,
        &["-O", "binary", "--only-section=xdp"],
        &[&obj, &bin],
    );
    let llvm = std::fs::read(&bin).unwrap();
    let ours = encode(&p.insns);
    if llvm != ours {
        let slot = llvm
            .chunks(8)
            .zip(ours.chunks(8))
            .position(|(a, b)| a != b)
            .unwrap_or(llvm.len().min(ours.len()) / 8);
        panic!(
            "LLVM's bytes differ at slot {slot}: {:?} (ours: {:?}), printed as {:?}",
            llvm.get(slot * 8..slot * 8 + 8),
            ours.get(slot * 8..slot * 8 + 8),
            vm_core::disasm::format_insn(&p, slot, Syntax::PseudoC)
        );
    }
    // And the other way: what llvm-objdump prints of it, we assemble to the same bytes.
    if let Some(objdump) = find_tool(&["llvm-objdump-19", "llvm-objdump"]) {
        let out = run_tool(&objdump, &["-d", "--mattr=+alu32"], &[&obj]);
        let listing = String::from_utf8_lossy(&out);
        let q = assemble_with(&listing, Syntax::PseudoC)
            .unwrap_or_else(|e| panic!("llvm-objdump's listing: {e}"));
        assert_eq!(
            encode(&q.insns),
            ours,
            "llvm-objdump's listing assembles differently"
        );
    }
}
