use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::isa::{
    encode, AluOp, AtomicOp, CallTarget, Endian, Insn, JmpCond, LdImm64Kind, Operand, PacketMode,
    Reg, Size, Width,
};
use crate::program::{MapType, ProgramType};

fn c(src: &str) -> Vec<Insn> {
    match assemble_with(src, Syntax::PseudoC) {
        Ok(p) => p.insns,
        Err(e) => panic!("{src}: {e}"),
    }
}

fn m(src: &str) -> Vec<Insn> {
    match assemble_with(src, Syntax::Mnemonic) {
        Ok(p) => p.insns,
        Err(e) => panic!("{src}: {e}"),
    }
}

fn err(src: &str, syntax: Syntax) -> AsmError {
    match assemble_with(src, syntax) {
        Ok(p) => panic!("{src} assembled to {:?}", p.insns),
        Err(e) => e,
    }
}

const R0: Reg = Reg::R0;
const R1: Reg = Reg::R1;
const R2: Reg = Reg::R2;
const R10: Reg = Reg::R10;

fn alu(width: Width, op: AluOp, dst: Reg, src: Operand) -> Insn {
    Insn::Alu {
        width,
        op,
        dst,
        src,
    }
}

#[test]
fn pseudo_c_alu() {
    assert_eq!(
        c("r0 = 0\nw1 += w2\nr1 = -r1\nw3 s%= 7\nr1 s>>= r2"),
        [
            alu(Width::W64, AluOp::Mov, R0, Operand::Imm(0)),
            alu(Width::W32, AluOp::Add, R1, Operand::Reg(R2)),
            alu(Width::W64, AluOp::Neg, R1, Operand::Imm(0)),
            alu(Width::W32, AluOp::Smod, Reg::R3, Operand::Imm(7)),
            alu(Width::W64, AluOp::Arsh, R1, Operand::Reg(R2)),
        ]
    );
    assert_eq!(
        c("r1 = (s8)r2\nw1 = (s16)w2\nr1 = (s32)r2"),
        [
            alu(Width::W64, AluOp::Movsx8, R1, Operand::Reg(R2)),
            alu(Width::W32, AluOp::Movsx16, R1, Operand::Reg(R2)),
            alu(Width::W64, AluOp::Movsx32, R1, Operand::Reg(R2)),
        ]
    );
    assert_eq!(
        c("r1 = be16 r1\nr1 = bswap32 r1\nr2 = le64 r2"),
        [
            Insn::Endian {
                kind: Endian::ToBe,
                bits: 16,
                dst: R1
            },
            Insn::Endian {
                kind: Endian::Bswap,
                bits: 32,
                dst: R1
            },
            Insn::Endian {
                kind: Endian::ToLe,
                bits: 64,
                dst: R2
            },
        ]
    );
}

#[test]
fn pseudo_c_immediates() {
    // Hex, negative, and the LLVM wrap of 32-bit values.
    assert_eq!(
        c("r1 += 0x10\nr1 = -5\nw1 = 0xffffffff\nr1 &= 0xffffffff"),
        [
            alu(Width::W64, AluOp::Add, R1, Operand::Imm(16)),
            alu(Width::W64, AluOp::Mov, R1, Operand::Imm(-5)),
            alu(Width::W32, AluOp::Mov, R1, Operand::Imm(-1)),
            alu(Width::W64, AluOp::And, R1, Operand::Imm(-1)),
        ]
    );
    // A 64-bit register loaded with a constant beyond i32 is an lddw, with or without `ll`.
    let [a, b] = Insn::ld_imm64(R1, 0x1122334455667788);
    assert_eq!(c("r1 = 0x1122334455667788 ll"), [a, b]);
    assert_eq!(c("r1 = 0x1122334455667788"), [a, b]);
    let [a, b] = Insn::ld_imm64(R1, 0xffff_ffff);
    assert_eq!(c("r1 = 0xffffffff"), [a, b]);
    let [a, b] = Insn::ld_imm64(R1, 5);
    assert_eq!(c("r1 = 5 ll"), [a, b]);
    let [a, b] = Insn::ld_imm64(R1, u64::MAX);
    assert_eq!(c("r1 = -1 ll"), [a, b]);
}

#[test]
fn pseudo_c_memory() {
    let load = |size, sign_extend, off| Insn::Load {
        size,
        sign_extend,
        dst: R1,
        src: R2,
        off,
    };
    assert_eq!(
        c("r1 = *(u32 *)(r2 + 4)\nr1 = *(u64 *)(r2 -8)\nr1 = *(s8 *)(r2 + 0)\nr1 = *(u16 *)(r2)"),
        [
            load(Size::W, false, 4),
            load(Size::DW, false, -8),
            load(Size::B, true, 0),
            load(Size::H, false, 0)
        ]
    );
    assert_eq!(
        c("*(u64 *)(r10 - 8) = r1\n*(u32 *)(r10 -4) = 7\n*(u8 *)(r10 - 1) = w1"),
        [
            Insn::Store {
                size: Size::DW,
                dst: R10,
                off: -8,
                src: Operand::Reg(R1)
            },
            Insn::Store {
                size: Size::W,
                dst: R10,
                off: -4,
                src: Operand::Imm(7)
            },
            Insn::Store {
                size: Size::B,
                dst: R10,
                off: -1,
                src: Operand::Reg(R1)
            },
        ]
    );
    assert_eq!(
        c("r0 = *(u8 *)skb[12]\nr0 = *(u16 *)skb[r1 + 4]\nr0 = *(u32 *)skb[r1]"),
        [
            Insn::LdPacket {
                size: Size::B,
                mode: PacketMode::Abs,
                imm: 12
            },
            Insn::LdPacket {
                size: Size::H,
                mode: PacketMode::Ind(R1),
                imm: 4
            },
            Insn::LdPacket {
                size: Size::W,
                mode: PacketMode::Ind(R1),
                imm: 0
            },
        ]
    );
}

#[test]
fn pseudo_c_atomics() {
    let at = |size, op, fetch, src| Insn::Atomic {
        size,
        op,
        fetch,
        dst: R1,
        src,
        off: 0,
    };
    assert_eq!(
        c("lock *(u64 *)(r1 + 0) += r2\nlock *(u32 *)(r1 +0) ^= w2"),
        [
            at(Size::DW, AtomicOp::Add, false, R2),
            at(Size::W, AtomicOp::Xor, false, R2)
        ]
    );
    // LLVM's and the kernel log's spellings of the fetching forms.
    let fetch_add = at(Size::DW, AtomicOp::Add, true, R0);
    assert_eq!(
        c("r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)\nr0 = atomic64_fetch_add((u64 *)(r1 +0), r0)"),
        [fetch_add, fetch_add]
    );
    let xchg = at(Size::W, AtomicOp::Xchg, true, R2);
    assert_eq!(
        c("w2 = xchg32_32(r1 + 0, w2)\nr2 = atomic_xchg((u32 *)(r1 +0), r2)"),
        [xchg, xchg]
    );
    let cmpxchg = at(Size::DW, AtomicOp::Cmpxchg, true, R2);
    assert_eq!(
        c("r0 = cmpxchg_64(r1 + 0, r0, r2)\nr0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)"),
        [cmpxchg, cmpxchg]
    );
    assert!(err(
        "r1 = atomic_fetch_add((u64 *)(r1 + 0), r0)",
        Syntax::PseudoC
    )
    .message
    .contains("expected r1"));
}

#[test]
fn pseudo_c_jumps_and_labels() {
    let p = c("start:\n  if r1 > 5 goto +1\n  if w1 s< w2 goto out\n  goto start\nout: exit");
    assert_eq!(
        p,
        [
            Insn::Jump {
                width: Width::W64,
                cond: JmpCond::Gt,
                dst: R1,
                src: Operand::Imm(5),
                off: 1
            },
            Insn::Jump {
                width: Width::W32,
                cond: JmpCond::Slt,
                dst: R1,
                src: Operand::Reg(R2),
                off: 1
            },
            Insn::Ja {
                off: -3,
                long: false
            },
            Insn::Exit,
        ]
    );
    // Kernel-log `pc+N`, objdump's `<label>` note, gotol.
    assert_eq!(
        c("goto pc+2\nif r1 & 0x10 goto +0x1 <LBB0_1>\ngotol +70000"),
        [
            Insn::Ja {
                off: 2,
                long: false
            },
            Insn::Jump {
                width: Width::W64,
                cond: JmpCond::Set,
                dst: R1,
                src: Operand::Imm(16),
                off: 1
            },
            Insn::Ja {
                off: 70000,
                long: true
            },
        ]
    );
    let e = err("goto +70000", Syntax::PseudoC);
    assert!(e.message.contains("use gotol"), "{e}");
    let e = err("goto nowhere", Syntax::PseudoC);
    assert_eq!(e.to_string(), "1:6: undefined label 'nowhere'");
    let e = err("a: exit\na: exit", Syntax::PseudoC);
    assert_eq!(e.to_string(), "2:1: label 'a' is already defined on line 1");
}

#[test]
fn pseudo_c_calls() {
    let p = assemble("call 1\ncall bpf_map_lookup_elem\ncall bpf_ktime_get_ns#5\ncall pc+3\ncall sub\ncallx r2\nexit\nsub: r0 = 0\nexit").unwrap();
    assert_eq!(
        &p.insns[..6],
        [
            Insn::Call(CallTarget::Helper(1)),
            Insn::Call(CallTarget::Helper(1)),
            Insn::Call(CallTarget::Helper(5)),
            Insn::Call(CallTarget::Local(3)),
            Insn::Call(CallTarget::Local(2)),
            Insn::Callx { reg: R2 },
        ]
    );
    assert_eq!(
        p.functions,
        vec![(0, String::from("main")), (7, String::from("sub"))]
    );
    // A function labelled `main` elsewhere leaves the unnamed entry `func_0`.
    let p = assemble("call main\nexit\nmain: exit").unwrap();
    assert_eq!(
        p.functions,
        vec![(0, String::from("func_0")), (2, String::from("main"))]
    );
    let e = err("call bpf_nope", Syntax::PseudoC);
    assert_eq!((e.column, e.len), (6, 8));
    assert!(e.message.contains("found 'bpf_nope'"));
    assert!(err("call bpf_map_lookup_elem#2", Syntax::PseudoC)
        .message
        .contains("is helper #1"));
}

#[test]
fn maps_and_program_type() {
    let src = "\
.type sched_cls
.map counts, hash, key=4, value=8, max_entries=16
.map arr array key=4 value=64 max_entries=1 flags=0x400
    r1 = map[counts] ll
    r2 = map[arr][0] + 8 ll
    r3 = map[arr][0]+16
    r4 = map[id:0]
    exit";
    let p = assemble(src).unwrap();
    assert_eq!(p.prog_type, ProgramType::SchedCls);
    assert_eq!(p.maps.len(), 2);
    assert_eq!(p.maps[0].name, "counts");
    assert_eq!(p.maps[0].map_type, MapType::Hash);
    assert_eq!(
        (
            p.maps[0].key_size,
            p.maps[0].value_size,
            p.maps[0].max_entries
        ),
        (4, 8, 16)
    );
    assert_eq!(p.maps[1].flags, 0x400);
    let lddw = |dst, kind, imm, next_imm| Insn::LdImm64 {
        dst,
        kind,
        imm,
        next_imm,
    };
    assert_eq!(p.insns[0], lddw(R1, LdImm64Kind::MapFd, 0, 0));
    assert_eq!(p.insns[2], lddw(R2, LdImm64Kind::MapValue, 1, 8));
    assert_eq!(p.insns[4], lddw(Reg::R3, LdImm64Kind::MapValue, 1, 16));
    assert_eq!(p.insns[6], lddw(Reg::R4, LdImm64Kind::MapFd, 0, 0));
    assert_eq!(p.source_map.lines, [4, 0, 5, 0, 6, 0, 7, 0, 8]);
    // The same in the mnemonic syntax.
    let pm =
        assemble(".map counts, hash, key=4, value=8, max_entries=16\nlddw %r1, map[counts]\nexit")
            .unwrap();
    assert_eq!(pm.insns[0], lddw(R1, LdImm64Kind::MapFd, 0, 0));

    let e = err("r1 = map[nope] ll", Syntax::PseudoC);
    assert_eq!((e.line, e.column), (1, 10));
    assert!(e.message.starts_with("undefined map 'nope'"));
    let e = err(
        ".map m, hashy, key=4, value=4, max_entries=1",
        Syntax::PseudoC,
    );
    assert!(e.message.contains("found 'hashy'"), "{e}");
    assert_eq!(e.column, 9);
    let e = err(".map m, hash, key=4, value=4", Syntax::PseudoC);
    assert!(e.message.contains("max_entries"), "{e}");
    let p = assemble(".map .rodata, array, key=4, value=6, max_entries=1, init=\"48690a\"\nexit")
        .unwrap();
    assert_eq!(p.maps[0].initial_value.as_deref(), Some(&b"Hi\n"[..]));
    let e = err(
        ".map d, array, key=4, value=2, max_entries=1, init=\"010203\"",
        Syntax::PseudoC,
    );
    assert_eq!(
        e.to_string(),
        "1:52: init has 3 bytes but the value is 2 bytes"
    );
    let e = err(
        ".map d, array, key=4, value=2, max_entries=1, init=\"0g\"",
        Syntax::PseudoC,
    );
    assert!(e.message.contains("hex digits"), "{e}");
    let p =
        assemble(".map id, hash, key=4, value=4, max_entries=1\nr1 = map[id] ll\nexit").unwrap();
    assert_eq!(p.insns[0], lddw(R1, LdImm64Kind::MapFd, 0, 0));
    let e = err(".type nope", Syntax::PseudoC);
    assert!(e.message.contains("found 'nope'"), "{e}");
}

#[test]
fn entry_directive_fills_declared_maps() {
    let src = "\
.map rules, lpm_trie, key=8, value=8, max_entries=4, flags=1
.map backends, array, key=4, value=8, max_entries=2
.map q, queue, key=0, value=2, max_entries=4
.entry rules, key=lpm:24:10.1.2.0, value=u64:0
.entry rules, key=\"100000000a010000\", value=\"0100000000000000\"
.entry backends, key=u32:1, value=ip:10.0.1.11 + be16:9053 + u16:0
.entry backends, key=u32:0, value=lpm:16:ip:192.168.0.0 ; prefix length as a u32, then data
.entry q, value=u8:255 + u8:-1
mov %r0, 0
exit";
    let p = assemble(src).unwrap();
    assert_eq!(
        p.maps[0].initial_entries,
        [
            (vec![24, 0, 0, 0, 10, 1, 2, 0], vec![0; 8]),
            (vec![16, 0, 0, 0, 10, 1, 0, 0], vec![1, 0, 0, 0, 0, 0, 0, 0]),
        ]
    );
    assert_eq!(
        p.maps[1].initial_entries,
        [
            (vec![1, 0, 0, 0], vec![10, 0, 1, 11, 0x23, 0x5d, 0, 0]),
            (vec![0, 0, 0, 0], vec![16, 0, 0, 0, 192, 168, 0, 0]),
        ]
    );
    assert_eq!(p.maps[2].initial_entries, [(vec![], vec![0xff, 0xff])]);
    // The pseudo-C syntax reads the same directive.
    let pc = assemble_with(
        ".map m, hash, key=4, value=4, max_entries=1\n.entry m, value=be32:1, key=u32:7\nr0 = 0\nexit",
        Syntax::PseudoC,
    )
    .unwrap();
    assert_eq!(
        pc.maps[0].initial_entries,
        [(vec![7, 0, 0, 0], vec![0, 0, 0, 1])]
    );
}

#[test]
fn entry_directive_errors_point_at_the_operand() {
    let maps = ".map m, hash, key=4, value=8, max_entries=2\n";
    let e = err(
        &format!("{maps}.entry m, key=u16:1, value=u64:1"),
        Syntax::PseudoC,
    );
    assert_eq!(
        e.to_string(),
        "2:15: key has 2 bytes but map 'm' has 4-byte keys"
    );
    let e = err(
        &format!("{maps}.entry m, key=u32:1, value=u32:1 + \"00\""),
        Syntax::PseudoC,
    );
    assert_eq!(
        e.to_string(),
        "2:28: value has 5 bytes but map 'm' has 8-byte values"
    );
    assert_eq!(e.len, 12);
    let e = err(&format!("{maps}.entry m, key=u32:1"), Syntax::PseudoC);
    assert!(e.message.contains("expected value="), "{e}");
    let e = err(".entry m, key=u32:1, value=u64:1", Syntax::PseudoC);
    assert_eq!(
        e.to_string(),
        "1:8: undefined map 'm': declare it with .map before its .entry lines"
    );
    let e = err(
        &format!("{maps}.entry m, key=u8:256, value=u64:1"),
        Syntax::PseudoC,
    );
    assert_eq!(e.to_string(), "2:18: 256 does not fit in u8 (8 bits)");
    let e = err(
        &format!("{maps}.entry m, key=ip:10.0.300.1, value=u64:1"),
        Syntax::PseudoC,
    );
    assert!(e.message.contains("IPv4 address"), "{e}");
    assert_eq!(e.column, 18);
    let e = err(
        &format!("{maps}.entry m, key=u32:1, value=lpm:33:10.0.0.0"),
        Syntax::PseudoC,
    );
    assert!(
        e.message
            .contains("prefix length 33 is longer than the 32 bits"),
        "{e}"
    );
    let e = err(
        &format!("{maps}.entry m, key=u32:1, key=u32:2, value=u64:1"),
        Syntax::PseudoC,
    );
    assert!(e.message.contains("key is given twice"), "{e}");
    let e = err(
        &format!("{maps}.entry m, key=i32:1, value=u64:1"),
        Syntax::PseudoC,
    );
    assert!(e.message.starts_with("expected bytes"), "{e}");
    let e = err(
        &format!("{maps}.entry m, key=\"0a0\", value=u64:1"),
        Syntax::PseudoC,
    );
    assert!(e.message.contains("hex digits"), "{e}");
}

#[test]
fn other_lddw_kinds() {
    let p = c("r1 = func[f] ll\nr2 = btf_id[7] ll\nr3 = ld_imm64[6, 1, 2] ll\nr4 = map_idx[id:3] ll\nf: exit");
    assert_eq!(
        p[0],
        Insn::LdImm64 {
            dst: R1,
            kind: LdImm64Kind::Func,
            imm: 7,
            next_imm: 0
        }
    );
    assert_eq!(
        p[2],
        Insn::LdImm64 {
            dst: R2,
            kind: LdImm64Kind::BtfId,
            imm: 7,
            next_imm: 0
        }
    );
    assert_eq!(
        p[4],
        Insn::LdImm64 {
            dst: Reg::R3,
            kind: LdImm64Kind::MapIdxValue,
            imm: 1,
            next_imm: 2
        }
    );
    assert_eq!(
        p[6],
        Insn::LdImm64 {
            dst: Reg::R4,
            kind: LdImm64Kind::MapIdx,
            imm: 3,
            next_imm: 0
        }
    );
}

#[test]
fn mnemonic_forms() {
    assert_eq!(
        m("mov32 %r0, 1\nadd %r1, -2\nsdiv32 %r1, %r2\nneg %r3\nmovsx1664 %r1, %r2\nbe16 %r1\nswap32 %r1"),
        [
            alu(Width::W32, AluOp::Mov, R0, Operand::Imm(1)),
            alu(Width::W64, AluOp::Add, R1, Operand::Imm(-2)),
            alu(Width::W32, AluOp::Sdiv, R1, Operand::Reg(R2)),
            alu(Width::W64, AluOp::Neg, Reg::R3, Operand::Imm(0)),
            alu(Width::W64, AluOp::Movsx16, R1, Operand::Reg(R2)),
            Insn::Endian {
                kind: Endian::ToBe,
                bits: 16,
                dst: R1
            },
            Insn::Endian {
                kind: Endian::Bswap,
                bits: 32,
                dst: R1
            },
        ]
    );
    assert_eq!(
        m("ldxw %r1, [%r2+4]\nstxdw [%r10-8], %r1\nsth [%r1], 0x10\nldxsb %r0, [%r10-1]"),
        [
            Insn::Load {
                size: Size::W,
                sign_extend: false,
                dst: R1,
                src: R2,
                off: 4
            },
            Insn::Store {
                size: Size::DW,
                dst: R10,
                off: -8,
                src: Operand::Reg(R1)
            },
            Insn::Store {
                size: Size::H,
                dst: R1,
                off: 0,
                src: Operand::Imm(16)
            },
            Insn::Load {
                size: Size::B,
                sign_extend: true,
                dst: R0,
                src: R10,
                off: -1
            },
        ]
    );
    let at = |size, op, fetch| Insn::Atomic {
        size,
        op,
        fetch,
        dst: R10,
        src: R1,
        off: -8,
    };
    assert_eq!(
        m("lock add [%r10-8], %r1\nlock fetch and32 [%r10-8], %r1\nlock fetch_or [%r10-8], %r1\nlock xchg [%r10-8], %r1\nlock cmpxchg32 [%r10-8], %r1"),
        [
            at(Size::DW, AtomicOp::Add, false),
            at(Size::W, AtomicOp::And, true),
            at(Size::DW, AtomicOp::Or, true),
            at(Size::DW, AtomicOp::Xchg, true),
            at(Size::W, AtomicOp::Cmpxchg, true),
        ]
    );
    assert_eq!(
        m("ldabsw 12\nldindh %r1, 4\ncall 5\ncall %r2\ncall local f\nf: exit"),
        [
            Insn::LdPacket {
                size: Size::W,
                mode: PacketMode::Abs,
                imm: 12
            },
            Insn::LdPacket {
                size: Size::H,
                mode: PacketMode::Ind(R1),
                imm: 4
            },
            Insn::Call(CallTarget::Helper(5)),
            Insn::Callx { reg: R2 },
            Insn::Call(CallTarget::Local(0)),
            Insn::Exit,
        ]
    );
}

#[test]
fn mnemonic_jumps() {
    assert_eq!(
        m("jeq %r1, 5, +1\njne32 %r1, %r2, l\nja -3\nl: ja32 l\nexit"),
        [
            Insn::Jump {
                width: Width::W64,
                cond: JmpCond::Eq,
                dst: R1,
                src: Operand::Imm(5),
                off: 1
            },
            Insn::Jump {
                width: Width::W32,
                cond: JmpCond::Ne,
                dst: R1,
                src: Operand::Reg(R2),
                off: 1
            },
            Insn::Ja {
                off: -3,
                long: false
            },
            Insn::Ja {
                off: -1,
                long: true
            },
            Insn::Exit,
        ]
    );
    // `exit` names the first exit unless a label says otherwise.
    assert_eq!(
        m("jeq %r1, 0, exit\nmov %r0, 1\nexit\nexit"),
        [
            Insn::Jump {
                width: Width::W64,
                cond: JmpCond::Eq,
                dst: R1,
                src: Operand::Imm(0),
                off: 1
            },
            alu(Width::W64, AluOp::Mov, R0, Operand::Imm(1)),
            Insn::Exit,
            Insn::Exit,
        ]
    );
}

#[test]
fn syntax_detection() {
    assert_eq!(detect_syntax("mov32 %r0, 1\nexit"), Syntax::Mnemonic);
    assert_eq!(detect_syntax("# c\nl:\n  exit\n  ja l"), Syntax::Mnemonic);
    assert_eq!(detect_syntax("exit"), Syntax::PseudoC);
    assert_eq!(
        detect_syntax(".map a, hash, max_entries=1\nr0 = 0"),
        Syntax::PseudoC
    );
    assert_eq!(
        detect_syntax("lock *(u64 *)(r1 + 0) += r2"),
        Syntax::PseudoC
    );
    assert_eq!(detect_syntax("lock add [%r1], %r2"), Syntax::Mnemonic);
    assert_eq!(detect_syntax("if r1 > 5 goto +1"), Syntax::PseudoC);
    assert_eq!(detect_syntax("callx r1"), Syntax::PseudoC);
}

#[test]
fn errors_say_what_was_expected() {
    let e = err("r1 = *(u33 *)(r2 + 0)", Syntax::PseudoC);
    assert_eq!(
        e.to_string(),
        "1:8: expected a type (u8, u16, u32, u64, s8, s16, s32), found 'u33'"
    );
    let e = err("w1 += r2", Syntax::PseudoC);
    assert_eq!(
        e.to_string(),
        "1:7: expected a w register (w0 to w10), found 'r2'"
    );
    let e = err("if r1 >> 3 goto +1", Syntax::PseudoC);
    assert!(e.message.starts_with("expected a comparison"), "{e}");
    assert!(e.message.ends_with("found '>>'"), "{e}");
    let e = err("r0 = 0 junk", Syntax::PseudoC);
    assert_eq!(e.to_string(), "1:8: expected end of line, found 'junk'");
    let e = err("r11 = 0", Syntax::PseudoC);
    assert_eq!(e.column, 1);
    let e = err("\n\nmovv %r0, 1", Syntax::Mnemonic);
    assert_eq!((e.line, e.column, e.len), (3, 1, 4));
    let e = err("ldxw %r1, [%r2+4", Syntax::Mnemonic);
    assert_eq!(e.to_string(), "1:17: expected ']', found end of line");
    let e = err("mov %r0, 0x100000000", Syntax::Mnemonic);
    assert!(e.message.contains("out of range"), "{e}");
    let e = err("ldxw %r1, [%r2+40000]", Syntax::Mnemonic);
    assert!(e.message.contains("offset 40000 out of range"), "{e}");
}

#[test]
fn comments_and_listings() {
    let p = c("; kernel\n// c++\n# hash\nr0 = 0 ; trailing\n0: (b7) r0 = 1\n       2:\tb7 00 00 00 02 00 00 00\tr0 = 0x2\n0000000000000000 <prog>:\nexit # done");
    assert_eq!(p.len(), 4);
    let p = assemble_with("0: (b7) r0 = 1\nexit", Syntax::PseudoC).unwrap();
    assert_eq!(p.source_map.lines, [1, 2]);
}

#[test]
fn symbolized_listing_without_raw_bytes_assembles() {
    // llvm-objdump -d --symbolize-operands --no-show-raw-insn
    let listing = "<main>:\n<L1>:\n       0:\tif r1 > 0x2a goto +0x2 <L0>\n       1:\tr1 -= 0xa\n       2:\tgoto -0x3 <main>\n<L0>:\n       3:\tr0 = 0x0\n       4:\texit";
    let p = assemble(listing).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.insns.len(), 5);
    assert_eq!(
        p.insns[2],
        Insn::Ja {
            off: -3,
            long: false
        }
    );
}

#[test]
fn llvm_objdump_listing_assembles_to_its_own_bytes() {
    let listing = include_str!("../../tests/fixtures/llvm_objdump_v4.txt");
    let p = assemble(listing).unwrap_or_else(|e| panic!("{e}"));
    let mut want = Vec::new();
    for line in listing.lines() {
        let (code, _) = builder::strip_listing_prefix(line);
        if code.len() == line.len() || code.is_empty() {
            continue;
        }
        let bytes_text = &line[..line.len() - code.len()];
        let after_colon = bytes_text.split_once(':').map_or("", |(_, b)| b);
        want.extend(
            after_colon
                .split_whitespace()
                .map(|h| u8::from_str_radix(h, 16).unwrap()),
        );
    }
    assert!(want.len() > 80 * 8);
    assert_eq!(encode(&p.insns), want);
}
