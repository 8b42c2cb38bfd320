//! The interpreter against the host kernel on random programs: XDP programs of
//! random ALU, byte-swap, sign-extending load, atomic and forward conditional
//! jump instructions over random constants (edge values included), which
//! store every register and stack slot into the packet; run with
//! `BPF_PROG_TEST_RUN` where `bpf(2)` works (skipped, with the reason printed,
//! elsewhere) and in the VM, the output packets and return values must be equal.

#[path = "support/kernel.rs"]
mod kernel;
#[path = "support/rng.rs"]
mod rng;

use kernel::{Kernel, Verdict};
use vm_core::disasm::disassemble;
use vm_core::isa::{AluOp, AtomicOp, Endian, Insn, JmpCond, Operand, Reg, Size, Width};
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run, Input};
use vm_core::{Program, ProgramType};

/// Registers the random instructions use (r6-r8 hold packet pointers, r10 the frame).
const WORK: [Reg; 7] = [
    Reg::R0,
    Reg::R1,
    Reg::R2,
    Reg::R3,
    Reg::R4,
    Reg::R5,
    Reg::R9,
];
/// Packet bytes the program writes its registers and stack slots into.
const OUT_BYTES: i32 = 8 * (WORK.len() as i32 + 2);

use rng::Rng;

/// The random values of these programs.
impl Rng {
    /// A 64-bit value, often one of the edge cases division and shifts care about.
    fn value(&mut self) -> u64 {
        const EDGES: [u64; 10] = [
            0,
            1,
            u64::MAX,
            i64::MIN as u64,
            i64::MAX as u64,
            0x8000_0000,
            0x7fff_ffff,
            0xffff_ffff,
            0xffff_ffff_8000_0000,
            0x1_0000_0001,
        ];
        match self.below(3) {
            0 => self.pick(&EDGES),
            1 => self.below(64),
            _ => self.next(),
        }
    }
    fn imm(&mut self) -> i32 {
        match self.below(3) {
            0 => self.pick(&[0, 1, -1, i32::MIN, i32::MAX]),
            1 => self.below(64) as i32 - 32,
            _ => self.next() as i32,
        }
    }
}

fn alu_insn(rng: &mut Rng) -> Insn {
    use AluOp::*;
    let dst = rng.pick(&WORK);
    let src = rng.pick(&WORK);
    let width = rng.pick(&[Width::W32, Width::W64]);
    let op = rng.pick(&[
        Add, Sub, Mul, Div, Sdiv, Or, And, Lsh, Rsh, Neg, Mod, Smod, Xor, Mov, Movsx8, Movsx16,
        Movsx32, Arsh,
    ]);
    let bits = if width == Width::W64 { 64 } else { 32 };
    let operand = match op {
        Neg => Operand::Imm(0),
        Movsx8 | Movsx16 | Movsx32 => Operand::Reg(src),
        Lsh | Rsh | Arsh if rng.below(2) == 0 => Operand::Imm(rng.below(bits) as i32),
        Lsh | Rsh | Arsh => Operand::Reg(src),
        _ if rng.below(2) == 0 => Operand::Imm(rng.imm()),
        _ => Operand::Reg(src),
    };
    // The verifier refuses a constant zero divisor.
    let operand = match (op, operand) {
        (Div | Sdiv | Mod | Smod, Operand::Imm(0)) => Operand::Imm(rng.pick(&[1, -1, 3, i32::MIN])),
        (_, operand) => operand,
    };
    let op = if op == Movsx32 && width == Width::W32 {
        Movsx16
    } else {
        op
    };
    Insn::Alu {
        width,
        op,
        dst,
        src: operand,
    }
}

fn random_insn(rng: &mut Rng, out: &mut Vec<Insn>) {
    match rng.below(10) {
        0 => out.push(Insn::Endian {
            kind: rng.pick(&[Endian::ToLe, Endian::ToBe, Endian::Bswap]),
            bits: rng.pick(&[16, 32, 64]),
            dst: rng.pick(&WORK),
        }),
        1 => {
            // An atomic on one of the two initialised stack slots.
            let size = rng.pick(&[Size::W, Size::DW]);
            let op = rng.pick(&[
                AtomicOp::Add,
                AtomicOp::Or,
                AtomicOp::And,
                AtomicOp::Xor,
                AtomicOp::Xchg,
                AtomicOp::Cmpxchg,
            ]);
            let fetch = matches!(op, AtomicOp::Xchg | AtomicOp::Cmpxchg) || rng.below(2) == 0;
            let src = rng.pick(&WORK[1..]);
            out.push(Insn::Atomic {
                size,
                op,
                fetch,
                dst: Reg::R10,
                src,
                off: rng.pick(&[-8, -16]),
            });
        }
        2 => {
            // A (sign-extending) load from a stack slot.
            let size = rng.pick(&[Size::B, Size::H, Size::W, Size::DW]);
            let n = size.bytes() as i16;
            let within = rng.below((8 / n) as u64) as i16 * n;
            out.push(Insn::Load {
                size,
                sign_extend: size != Size::DW && rng.below(2) == 0,
                dst: rng.pick(&WORK),
                src: Reg::R10,
                off: rng.pick(&[-8, -16]) + within,
            });
        }
        3 => {
            // A short forward conditional jump (the verifier walks both sides).
            use JmpCond::*;
            let src = if rng.below(2) == 0 {
                Operand::Imm(rng.imm())
            } else {
                Operand::Reg(rng.pick(&WORK))
            };
            out.push(Insn::Jump {
                width: rng.pick(&[Width::W32, Width::W64]),
                cond: rng.pick(&[Eq, Gt, Ge, Set, Ne, Sgt, Sge, Lt, Le, Slt, Sle]),
                dst: rng.pick(&WORK),
                src,
                off: 1 + rng.below(3) as i16,
            });
        }
        _ => out.push(alu_insn(rng)),
    }
}

fn random_program(rng: &mut Rng) -> Program {
    let mut insns = vec![
        // r6 = data; r7 = data_end; if data + OUT_BYTES > data_end goto out
        Insn::Load {
            size: Size::W,
            sign_extend: false,
            dst: Reg::R6,
            src: Reg::R1,
            off: 0,
        },
        Insn::Load {
            size: Size::W,
            sign_extend: false,
            dst: Reg::R7,
            src: Reg::R1,
            off: 4,
        },
        Insn::Alu {
            width: Width::W64,
            op: AluOp::Mov,
            dst: Reg::R8,
            src: Operand::Reg(Reg::R6),
        },
        Insn::Alu {
            width: Width::W64,
            op: AluOp::Add,
            dst: Reg::R8,
            src: Operand::Imm(OUT_BYTES),
        },
    ];
    let mut body = Vec::new();
    for r in WORK {
        body.extend(Insn::ld_imm64(r, rng.value()));
    }
    for (slot, r) in [(-8, Reg::R1), (-16, Reg::R2)] {
        body.push(Insn::Store {
            size: Size::DW,
            dst: Reg::R10,
            off: slot,
            src: Operand::Reg(r),
        });
    }
    for _ in 0..40 {
        random_insn(rng, &mut body);
    }
    for (i, r) in WORK.iter().enumerate() {
        body.push(Insn::Store {
            size: Size::DW,
            dst: Reg::R6,
            off: 8 * i as i16,
            src: Operand::Reg(*r),
        });
    }
    for (i, slot) in [-8i16, -16].into_iter().enumerate() {
        body.push(Insn::Load {
            size: Size::DW,
            sign_extend: false,
            dst: Reg::R1,
            src: Reg::R10,
            off: slot,
        });
        body.push(Insn::Store {
            size: Size::DW,
            dst: Reg::R6,
            off: 8 * (WORK.len() + i) as i16,
            src: Operand::Reg(Reg::R1),
        });
    }
    insns.push(Insn::Jump {
        width: Width::W64,
        cond: JmpCond::Gt,
        dst: Reg::R8,
        src: Operand::Reg(Reg::R7),
        off: body.len() as i16,
    });
    insns.extend(body);
    insns.push(Insn::Alu {
        width: Width::W64,
        op: AluOp::Mov,
        dst: Reg::R0,
        src: Operand::Imm(2),
    });
    insns.push(Insn::Exit);
    Program {
        prog_type: ProgramType::Xdp,
        ..Program::from_insns(insns)
    }
}

#[test]
fn random_arithmetic_matches_the_kernel() {
    let kernel = match Kernel::open() {
        Ok(k) => k,
        Err(why) => {
            println!("kernel differential skipped: {why}");
            return;
        }
    };
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let packet: Vec<u8> = (0..128u8).collect();
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for case in 0..150 {
        let program = random_program(&mut rng);
        let prog = match kernel.load(&program, "GPL") {
            Ok(Verdict::Accepted { prog, .. }) => prog,
            Ok(Verdict::Rejected { log, .. }) => {
                let tail: String = log.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
                panic!(
                    "case {case}: the kernel rejects a program meant to be valid: {tail}\n{}",
                    disassemble(&program, vm_core::asm::Syntax::PseudoC)
                );
            }
            Err(e) => panic!("case {case}: {e}"),
        };
        let (k_ret, k_out) = kernel.test_run(&prog, &packet).expect("test run");
        let mut maps = Maps::for_program(&program, MapsConfig::default()).expect("maps");
        let ours = run(&program, &Input::packet(packet.clone()), &mut maps).expect("VM run");
        compared += 1;
        let our_out = ours.packet.unwrap_or_default();
        if (ours.verdict.code as u32, &our_out) != (k_ret, &k_out) {
            let first = (0..OUT_BYTES as usize)
                .step_by(8)
                .find(|i| our_out.get(*i..i + 8) != k_out.get(*i..i + 8));
            mismatches.push(format!(
                "case {case}: first differing 8-byte slot at {first:?}: vm {:02x?} kernel {:02x?}\n{}",
                first.and_then(|i| our_out.get(i..i + 8)),
                first.and_then(|i| k_out.get(i..i + 8)),
                disassemble(&program, vm_core::asm::Syntax::PseudoC)
            ));
        }
    }
    println!("interpreter vs kernel: {compared} random programs compared");
    assert!(
        mismatches.is_empty(),
        "{} of {compared} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
