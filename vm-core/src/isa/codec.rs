//! Decoding bytecode into [`Insn`]s and encoding them back.
//!
//! Decoding is strict: a field the encoding reserves must be zero, so that
//! `encode(decode(bytes)) == bytes` for every accepted input and every
//! [`Insn`] has exactly one encoding.

use alloc::vec::Vec;
use core::fmt;

use super::insn::*;
use super::opcode as op;

/// Size of one instruction slot in bytes.
pub const INSN_SIZE: usize = 8;

/// The raw fields of one 8-byte slot, as `struct bpf_insn` lays them out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct RawInsn {
    /// Opcode byte.
    pub code: u8,
    /// Destination register field (low nibble of byte 1).
    pub dst: u8,
    /// Source register field (high nibble of byte 1).
    pub src: u8,
    /// Signed 16-bit offset.
    pub off: i16,
    /// Signed 32-bit immediate.
    pub imm: i32,
}

impl RawInsn {
    /// Reads a slot from 8 little-endian bytes.
    pub fn from_bytes(b: [u8; 8]) -> RawInsn {
        RawInsn {
            code: b[0],
            dst: b[1] & 0x0f,
            src: b[1] >> 4,
            off: i16::from_le_bytes([b[2], b[3]]),
            imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }

    /// The slot as 8 little-endian bytes.
    pub fn to_bytes(self) -> [u8; 8] {
        let off = self.off.to_le_bytes();
        let imm = self.imm.to_le_bytes();
        [
            self.code,
            (self.dst & 0x0f) | (self.src << 4),
            off[0],
            off[1],
            imm[0],
            imm[1],
            imm[2],
            imm[3],
        ]
    }

    /// The slot as the 64-bit little-endian word the conformance suite's `-- raw` lists.
    pub fn to_u64(self) -> u64 {
        u64::from_le_bytes(self.to_bytes())
    }

    /// The slot from a 64-bit little-endian word.
    pub fn from_u64(word: u64) -> RawInsn {
        RawInsn::from_bytes(word.to_le_bytes())
    }
}

/// Why a slot could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// The byte length is not a multiple of 8.
    TrailingBytes {
        /// Bytes left after the last whole slot.
        extra: usize,
    },
    /// No instruction has this opcode.
    UnknownOpcode(u8),
    /// A register field names a register above `r10`.
    InvalidRegister(u8),
    /// A field this opcode reserves is not zero.
    ReservedField {
        /// The opcode.
        code: u8,
        /// Which field (`src_reg`, `dst_reg`, `off`, `imm`).
        field: &'static str,
    },
    /// A field holds a value the opcode does not define.
    InvalidField {
        /// The opcode.
        code: u8,
        /// Which field.
        field: &'static str,
        /// The value found.
        value: i64,
    },
    /// An `lddw` is the last slot: its second half is missing.
    TruncatedLdImm64,
    /// The slot after an `lddw` is not the zero-opcode continuation.
    InvalidLdImm64Tail,
}

/// A decode error at a byte offset in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the slot (or trailing bytes) in the input.
    pub offset: usize,
    /// What is wrong there.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    /// Index of the offending slot.
    pub fn insn_index(&self) -> usize {
        self.offset / INSN_SIZE
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte offset {} (insn {}): ",
            self.offset,
            self.insn_index()
        )?;
        match &self.kind {
            DecodeErrorKind::TrailingBytes { extra } => write!(
                f,
                "program length is not a multiple of 8 bytes ({extra} trailing bytes)"
            ),
            DecodeErrorKind::UnknownOpcode(code) => write!(f, "unknown opcode {code:#04x}"),
            DecodeErrorKind::InvalidRegister(r) => write!(f, "invalid register r{r}"),
            DecodeErrorKind::ReservedField { code, field } => {
                write!(f, "opcode {code:#04x} uses reserved field {field}")
            }
            DecodeErrorKind::InvalidField { code, field, value } => {
                write!(f, "opcode {code:#04x} has invalid {field} {value}")
            }
            DecodeErrorKind::TruncatedLdImm64 => {
                write!(f, "invalid bpf_ld_imm64 insn: second half is missing")
            }
            DecodeErrorKind::InvalidLdImm64Tail => {
                write!(f, "invalid bpf_ld_imm64 insn: bad second half")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// Decodes a whole program.
///
/// ```
/// use vm_core::isa::{decode, Insn, Reg};
/// let bytes = [0xb7, 0x00, 0, 0, 42, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
/// let prog = decode(&bytes).unwrap();
/// assert_eq!(prog[1], Insn::Exit);
/// ```
pub fn decode(bytes: &[u8]) -> Result<Vec<Insn>, DecodeError> {
    let whole = bytes.len() / INSN_SIZE * INSN_SIZE;
    if whole != bytes.len() {
        return Err(DecodeError {
            offset: whole,
            kind: DecodeErrorKind::TrailingBytes {
                extra: bytes.len() - whole,
            },
        });
    }
    let raws: Vec<RawInsn> = bytes
        .chunks_exact(INSN_SIZE)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            RawInsn::from_bytes(b)
        })
        .collect();
    decode_raw(&raws)
}

/// Decodes a program given as raw slots.
pub fn decode_raw(raws: &[RawInsn]) -> Result<Vec<Insn>, DecodeError> {
    let mut out = Vec::with_capacity(raws.len());
    let mut pc = 0;
    while pc < raws.len() {
        let at = |kind| DecodeError {
            offset: pc * INSN_SIZE,
            kind,
        };
        let raw = raws[pc];
        if raw.code == op::LD_DW_IMM {
            let (dst, kind) = decode_ld_imm64_head(raw).map_err(at)?;
            let Some(next) = raws.get(pc + 1) else {
                return Err(at(DecodeErrorKind::TruncatedLdImm64));
            };
            if next.code != 0 || next.dst != 0 || next.src != 0 || next.off != 0 {
                return Err(DecodeError {
                    offset: (pc + 1) * INSN_SIZE,
                    kind: DecodeErrorKind::InvalidLdImm64Tail,
                });
            }
            out.push(Insn::LdImm64 {
                dst,
                kind,
                imm: raw.imm,
                next_imm: next.imm,
            });
            out.push(Insn::LdImm64Tail);
            pc += 2;
        } else {
            out.push(decode_one(raw).map_err(at)?);
            pc += 1;
        }
    }
    Ok(out)
}

fn reg(n: u8) -> Result<Reg, DecodeErrorKind> {
    Reg::new(n).ok_or(DecodeErrorKind::InvalidRegister(n))
}

fn size_of(code: u8) -> Size {
    match code & op::SIZE_MASK {
        op::W => Size::W,
        op::H => Size::H,
        op::B => Size::B,
        _ => Size::DW,
    }
}

fn require_zero(code: u8, field: &'static str, value: i64) -> Result<(), DecodeErrorKind> {
    if value == 0 {
        Ok(())
    } else {
        Err(DecodeErrorKind::ReservedField { code, field })
    }
}

/// Decodes one slot. `lddw` comes back with `next_imm = 0`; [`decode_raw`] fills it.
pub fn decode_one(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let code = raw.code;
    match code & op::CLASS_MASK {
        op::ALU | op::ALU64 => decode_alu(raw),
        op::JMP | op::JMP32 => decode_jmp(raw),
        op::LD => decode_ld(raw),
        op::LDX => {
            let sign_extend = match code & op::MODE_MASK {
                op::MEM => false,
                op::MEMSX if code & op::SIZE_MASK != op::DW => true,
                _ => return Err(DecodeErrorKind::UnknownOpcode(code)),
            };
            require_zero(code, "imm", raw.imm.into())?;
            Ok(Insn::Load {
                size: size_of(code),
                sign_extend,
                dst: reg(raw.dst)?,
                src: reg(raw.src)?,
                off: raw.off,
            })
        }
        op::ST => {
            if code & op::MODE_MASK != op::MEM {
                return Err(DecodeErrorKind::UnknownOpcode(code));
            }
            require_zero(code, "src_reg", raw.src.into())?;
            Ok(Insn::Store {
                size: size_of(code),
                dst: reg(raw.dst)?,
                off: raw.off,
                src: Operand::Imm(raw.imm),
            })
        }
        _ => match code & op::MODE_MASK {
            op::MEM => {
                require_zero(code, "imm", raw.imm.into())?;
                Ok(Insn::Store {
                    size: size_of(code),
                    dst: reg(raw.dst)?,
                    off: raw.off,
                    src: Operand::Reg(reg(raw.src)?),
                })
            }
            op::ATOMIC => {
                let size = size_of(code);
                if !matches!(size, Size::W | Size::DW) {
                    return Err(DecodeErrorKind::UnknownOpcode(code));
                }
                let (atomic, fetch) = match raw.imm {
                    x if x == op::XCHG => (AtomicOp::Xchg, true),
                    x if x == op::CMPXCHG => (AtomicOp::Cmpxchg, true),
                    x => {
                        let fetch = x & op::FETCH != 0;
                        let a = match x & !op::FETCH {
                            0x00 => AtomicOp::Add,
                            0x40 => AtomicOp::Or,
                            0x50 => AtomicOp::And,
                            0xa0 => AtomicOp::Xor,
                            _ => {
                                return Err(DecodeErrorKind::InvalidField {
                                    code,
                                    field: "atomic imm",
                                    value: x.into(),
                                })
                            }
                        };
                        (a, fetch)
                    }
                };
                Ok(Insn::Atomic {
                    size,
                    op: atomic,
                    fetch,
                    dst: reg(raw.dst)?,
                    src: reg(raw.src)?,
                    off: raw.off,
                })
            }
            _ => Err(DecodeErrorKind::UnknownOpcode(code)),
        },
    }
}

fn decode_alu(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let code = raw.code;
    let width = if code & op::CLASS_MASK == op::ALU64 {
        Width::W64
    } else {
        Width::W32
    };
    let is_reg = code & op::SRC_MASK == op::X;
    let dst = reg(raw.dst)?;
    let opbits = code & op::OP_MASK;

    if opbits == op::END {
        require_zero(code, "src_reg", raw.src.into())?;
        require_zero(code, "off", raw.off.into())?;
        let kind = match (width, is_reg) {
            (Width::W32, false) => Endian::ToLe,
            (Width::W32, true) => Endian::ToBe,
            (Width::W64, false) => Endian::Bswap,
            (Width::W64, true) => return Err(DecodeErrorKind::UnknownOpcode(code)),
        };
        if !matches!(raw.imm, 16 | 32 | 64) {
            return Err(DecodeErrorKind::InvalidField {
                code,
                field: "imm",
                value: raw.imm.into(),
            });
        }
        return Ok(Insn::Endian {
            kind,
            bits: raw.imm as u8,
            dst,
        });
    }

    let src = if is_reg {
        require_zero(code, "imm", raw.imm.into())?;
        Operand::Reg(reg(raw.src)?)
    } else {
        require_zero(code, "src_reg", raw.src.into())?;
        Operand::Imm(raw.imm)
    };
    let signed_off = |plain: AluOp, signed: AluOp| match raw.off {
        0 => Ok(plain),
        1 => Ok(signed),
        v => Err(DecodeErrorKind::InvalidField {
            code,
            field: "off",
            value: v.into(),
        }),
    };
    let alu_op = match opbits {
        op::ADD => AluOp::Add,
        op::SUB => AluOp::Sub,
        op::MUL => AluOp::Mul,
        op::DIV => signed_off(AluOp::Div, AluOp::Sdiv)?,
        op::OR => AluOp::Or,
        op::AND => AluOp::And,
        op::LSH => AluOp::Lsh,
        op::RSH => AluOp::Rsh,
        op::NEG => {
            if is_reg {
                return Err(DecodeErrorKind::UnknownOpcode(code));
            }
            require_zero(code, "imm", raw.imm.into())?;
            AluOp::Neg
        }
        op::MOD => signed_off(AluOp::Mod, AluOp::Smod)?,
        op::XOR => AluOp::Xor,
        op::MOV => match (raw.off, is_reg, width) {
            (0, _, _) => AluOp::Mov,
            (8, true, _) => AluOp::Movsx8,
            (16, true, _) => AluOp::Movsx16,
            (32, true, Width::W64) => AluOp::Movsx32,
            (v, _, _) => {
                return Err(DecodeErrorKind::InvalidField {
                    code,
                    field: "off",
                    value: v.into(),
                })
            }
        },
        op::ARSH => AluOp::Arsh,
        _ => return Err(DecodeErrorKind::UnknownOpcode(code)),
    };
    // DIV, MOD and MOV give `off` a meaning, checked above; elsewhere it is reserved.
    if !matches!(opbits, op::DIV | op::MOD | op::MOV) {
        require_zero(code, "off", raw.off.into())?;
    }
    Ok(Insn::Alu {
        width,
        op: alu_op,
        dst,
        src,
    })
}

fn decode_jmp(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let code = raw.code;
    let width = if code & op::CLASS_MASK == op::JMP {
        Width::W64
    } else {
        Width::W32
    };
    let is_reg = code & op::SRC_MASK == op::X;
    let cond = match code & op::OP_MASK {
        op::JA => {
            if is_reg {
                return Err(DecodeErrorKind::UnknownOpcode(code));
            }
            require_zero(code, "dst_reg", raw.dst.into())?;
            require_zero(code, "src_reg", raw.src.into())?;
            return Ok(match width {
                Width::W64 => {
                    require_zero(code, "imm", raw.imm.into())?;
                    Insn::Ja {
                        off: raw.off.into(),
                        long: false,
                    }
                }
                Width::W32 => {
                    require_zero(code, "off", raw.off.into())?;
                    Insn::Ja {
                        off: raw.imm,
                        long: true,
                    }
                }
            });
        }
        op::CALL if width == Width::W64 => {
            require_zero(code, "off", raw.off.into())?;
            if is_reg {
                require_zero(code, "src_reg", raw.src.into())?;
                require_zero(code, "imm", raw.imm.into())?;
                return Ok(Insn::Callx { reg: reg(raw.dst)? });
            }
            require_zero(code, "dst_reg", raw.dst.into())?;
            let target = match raw.src {
                op::PSEUDO_HELPER => CallTarget::Helper(raw.imm),
                op::PSEUDO_CALL => CallTarget::Local(raw.imm),
                op::PSEUDO_KFUNC_CALL => CallTarget::Kfunc(raw.imm),
                v => {
                    return Err(DecodeErrorKind::InvalidField {
                        code,
                        field: "src_reg",
                        value: v.into(),
                    })
                }
            };
            return Ok(Insn::Call(target));
        }
        op::EXIT if width == Width::W64 && !is_reg => {
            require_zero(code, "dst_reg", raw.dst.into())?;
            require_zero(code, "src_reg", raw.src.into())?;
            require_zero(code, "off", raw.off.into())?;
            require_zero(code, "imm", raw.imm.into())?;
            return Ok(Insn::Exit);
        }
        op::JEQ => JmpCond::Eq,
        op::JGT => JmpCond::Gt,
        op::JGE => JmpCond::Ge,
        op::JSET => JmpCond::Set,
        op::JNE => JmpCond::Ne,
        op::JSGT => JmpCond::Sgt,
        op::JSGE => JmpCond::Sge,
        op::JLT => JmpCond::Lt,
        op::JLE => JmpCond::Le,
        op::JSLT => JmpCond::Slt,
        op::JSLE => JmpCond::Sle,
        _ => return Err(DecodeErrorKind::UnknownOpcode(code)),
    };
    let src = if is_reg {
        require_zero(code, "imm", raw.imm.into())?;
        Operand::Reg(reg(raw.src)?)
    } else {
        require_zero(code, "src_reg", raw.src.into())?;
        Operand::Imm(raw.imm)
    };
    Ok(Insn::Jump {
        width,
        cond,
        dst: reg(raw.dst)?,
        src,
        off: raw.off,
    })
}

fn decode_ld(raw: RawInsn) -> Result<Insn, DecodeErrorKind> {
    let code = raw.code;
    if code == op::LD_DW_IMM {
        let (dst, kind) = decode_ld_imm64_head(raw)?;
        return Ok(Insn::LdImm64 {
            dst,
            kind,
            imm: raw.imm,
            next_imm: 0,
        });
    }
    let size = size_of(code);
    if size == Size::DW {
        return Err(DecodeErrorKind::UnknownOpcode(code));
    }
    require_zero(code, "dst_reg", raw.dst.into())?;
    require_zero(code, "off", raw.off.into())?;
    let mode = match code & op::MODE_MASK {
        op::ABS => {
            require_zero(code, "src_reg", raw.src.into())?;
            PacketMode::Abs
        }
        op::IND => PacketMode::Ind(reg(raw.src)?),
        _ => return Err(DecodeErrorKind::UnknownOpcode(code)),
    };
    Ok(Insn::LdPacket {
        size,
        mode,
        imm: raw.imm,
    })
}

fn decode_ld_imm64_head(raw: RawInsn) -> Result<(Reg, LdImm64Kind), DecodeErrorKind> {
    require_zero(raw.code, "off", raw.off.into())?;
    let kind = LdImm64Kind::from_src(raw.src).ok_or(DecodeErrorKind::InvalidField {
        code: raw.code,
        field: "src_reg",
        value: raw.src.into(),
    })?;
    Ok((reg(raw.dst)?, kind))
}

fn size_bits(size: Size) -> u8 {
    match size {
        Size::W => op::W,
        Size::H => op::H,
        Size::B => op::B,
        Size::DW => op::DW,
    }
}

fn width_class(width: Width, c32: u8, c64: u8) -> u8 {
    match width {
        Width::W32 => c32,
        Width::W64 => c64,
    }
}

/// Encodes one instruction slot. `LdImm64` yields its first slot and
/// `LdImm64Tail` a zero slot; [`encode`] fills the tail's `imm`.
pub fn encode_one(insn: &Insn) -> RawInsn {
    let mut r = RawInsn::default();
    match *insn {
        Insn::Alu {
            width,
            op: alu,
            dst,
            src,
        } => {
            let (bits, off) = match alu {
                AluOp::Add => (op::ADD, 0),
                AluOp::Sub => (op::SUB, 0),
                AluOp::Mul => (op::MUL, 0),
                AluOp::Div => (op::DIV, 0),
                AluOp::Sdiv => (op::DIV, 1),
                AluOp::Or => (op::OR, 0),
                AluOp::And => (op::AND, 0),
                AluOp::Lsh => (op::LSH, 0),
                AluOp::Rsh => (op::RSH, 0),
                AluOp::Neg => (op::NEG, 0),
                AluOp::Mod => (op::MOD, 0),
                AluOp::Smod => (op::MOD, 1),
                AluOp::Xor => (op::XOR, 0),
                AluOp::Mov => (op::MOV, 0),
                AluOp::Movsx8 => (op::MOV, 8),
                AluOp::Movsx16 => (op::MOV, 16),
                AluOp::Movsx32 => (op::MOV, 32),
                AluOp::Arsh => (op::ARSH, 0),
            };
            r.code = bits | width_class(width, op::ALU, op::ALU64);
            r.dst = dst.number();
            r.off = off;
            match src {
                Operand::Reg(s) => {
                    r.code |= op::X;
                    r.src = s.number();
                }
                Operand::Imm(i) => r.imm = i,
            }
        }
        Insn::Endian { kind, bits, dst } => {
            r.code = match kind {
                Endian::ToLe => op::END | op::K | op::ALU,
                Endian::ToBe => op::END | op::X | op::ALU,
                Endian::Bswap => op::END | op::K | op::ALU64,
            };
            r.dst = dst.number();
            r.imm = bits.into();
        }
        Insn::Jump {
            width,
            cond,
            dst,
            src,
            off,
        } => {
            let bits = match cond {
                JmpCond::Eq => op::JEQ,
                JmpCond::Gt => op::JGT,
                JmpCond::Ge => op::JGE,
                JmpCond::Set => op::JSET,
                JmpCond::Ne => op::JNE,
                JmpCond::Sgt => op::JSGT,
                JmpCond::Sge => op::JSGE,
                JmpCond::Lt => op::JLT,
                JmpCond::Le => op::JLE,
                JmpCond::Slt => op::JSLT,
                JmpCond::Sle => op::JSLE,
            };
            r.code = bits | width_class(width, op::JMP32, op::JMP);
            r.dst = dst.number();
            r.off = off;
            match src {
                Operand::Reg(s) => {
                    r.code |= op::X;
                    r.src = s.number();
                }
                Operand::Imm(i) => r.imm = i,
            }
        }
        Insn::Ja { off, long } => {
            if long {
                r.code = op::JA | op::JMP32;
                r.imm = off;
            } else {
                r.code = op::JA | op::JMP;
                // A short `ja` always holds a 16-bit offset (decode guarantees it).
                r.off = off as i16;
            }
        }
        Insn::Call(target) => {
            r.code = op::CALL | op::JMP;
            let (src, imm) = match target {
                CallTarget::Helper(i) => (op::PSEUDO_HELPER, i),
                CallTarget::Local(i) => (op::PSEUDO_CALL, i),
                CallTarget::Kfunc(i) => (op::PSEUDO_KFUNC_CALL, i),
            };
            r.src = src;
            r.imm = imm;
        }
        Insn::Callx { reg } => {
            r.code = op::CALL | op::X | op::JMP;
            r.dst = reg.number();
        }
        Insn::Exit => r.code = op::EXIT | op::JMP,
        Insn::LdImm64 { dst, kind, imm, .. } => {
            r.code = op::LD_DW_IMM;
            r.dst = dst.number();
            r.src = kind.src();
            r.imm = imm;
        }
        Insn::LdImm64Tail => {}
        Insn::Load {
            size,
            sign_extend,
            dst,
            src,
            off,
        } => {
            let mode = if sign_extend { op::MEMSX } else { op::MEM };
            r.code = mode | size_bits(size) | op::LDX;
            r.dst = dst.number();
            r.src = src.number();
            r.off = off;
        }
        Insn::Store {
            size,
            dst,
            off,
            src,
        } => {
            r.dst = dst.number();
            r.off = off;
            match src {
                Operand::Reg(s) => {
                    r.code = op::MEM | size_bits(size) | op::STX;
                    r.src = s.number();
                }
                Operand::Imm(i) => {
                    r.code = op::MEM | size_bits(size) | op::ST;
                    r.imm = i;
                }
            }
        }
        Insn::Atomic {
            size,
            op: atomic,
            fetch,
            dst,
            src,
            off,
        } => {
            r.code = op::ATOMIC | size_bits(size) | op::STX;
            r.dst = dst.number();
            r.src = src.number();
            r.off = off;
            let fetch_bit = if fetch { op::FETCH } else { 0 };
            r.imm = match atomic {
                AtomicOp::Add => fetch_bit,
                AtomicOp::Or => 0x40 | fetch_bit,
                AtomicOp::And => 0x50 | fetch_bit,
                AtomicOp::Xor => 0xa0 | fetch_bit,
                AtomicOp::Xchg => op::XCHG,
                AtomicOp::Cmpxchg => op::CMPXCHG,
            };
        }
        Insn::LdPacket { size, mode, imm } => {
            r.imm = imm;
            match mode {
                PacketMode::Abs => r.code = op::ABS | size_bits(size) | op::LD,
                PacketMode::Ind(s) => {
                    r.code = op::IND | size_bits(size) | op::LD;
                    r.src = s.number();
                }
            }
        }
    }
    r
}

/// Encodes a program into raw slots.
pub fn encode_raw(insns: &[Insn]) -> Vec<RawInsn> {
    let mut out: Vec<RawInsn> = insns.iter().map(encode_one).collect();
    for (i, insn) in insns.iter().enumerate() {
        if let (Insn::LdImm64 { next_imm, .. }, Some(tail)) = (insn, out.get_mut(i + 1)) {
            tail.imm = *next_imm;
        }
    }
    out
}

/// Encodes a program into bytecode, the inverse of [`decode`].
pub fn encode(insns: &[Insn]) -> Vec<u8> {
    encode_raw(insns)
        .into_iter()
        .flat_map(|r| r.to_bytes())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip_word(word: u64) {
        let raw = RawInsn::from_u64(word);
        let insn = decode_one(raw).unwrap_or_else(|e| panic!("{word:#018x}: {e:?}"));
        assert_eq!(encode_one(&insn), raw, "{word:#018x} -> {insn:?}");
    }

    #[test]
    fn every_accepted_single_slot_encoding_round_trips() {
        // Every opcode, with a spread of field values: what decodes must re-encode identically.
        let fields: [(u8, u8, i16, i32); 8] = [
            (0, 0, 0, 0),
            (1, 2, 0, 0),
            (3, 0, 4, 0),
            (0, 4, -8, 0),
            (5, 0, 0, 16),
            (2, 1, 1, 0),
            (10, 0, 0, 0xe1),
            (4, 0, 8, -7),
        ];
        let mut accepted = 0;
        for code in 0..=255u8 {
            if code == op::LD_DW_IMM {
                continue;
            }
            for &(dst, src, off, imm) in &fields {
                let raw = RawInsn {
                    code,
                    dst,
                    src,
                    off,
                    imm,
                };
                if decode_one(raw).is_ok() {
                    accepted += 1;
                    roundtrip_word(raw.to_u64());
                }
            }
        }
        assert!(accepted > 300, "only {accepted} encodings accepted");
    }

    #[test]
    fn lddw_takes_two_slots() {
        let words = [0x5566778800000018u64, 0x1122334400000000, 0x95];
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let prog = decode(&bytes).unwrap();
        assert_eq!(prog.len(), 3);
        let Insn::LdImm64 { imm, next_imm, .. } = prog[0] else {
            panic!("{:?}", prog[0])
        };
        assert_eq!(Insn::imm64(imm, next_imm), 0x1122334455667788);
        assert_eq!(prog[1], Insn::LdImm64Tail);
        assert_eq!(encode(&prog), bytes);
    }

    #[test]
    fn errors_name_the_offset() {
        let mut bytes = [0u8; 16];
        bytes[0] = 0xb7;
        bytes[8] = 0xff;
        let err = decode(&bytes).unwrap_err();
        assert_eq!(err.offset, 8);
        assert_eq!(err.kind, DecodeErrorKind::UnknownOpcode(0xff));
        assert_eq!(
            decode(&[0u8; 9]).unwrap_err().kind,
            DecodeErrorKind::TrailingBytes { extra: 1 }
        );
        let lddw_alone = 0x18u64.to_le_bytes();
        assert_eq!(
            decode(&lddw_alone).unwrap_err().kind,
            DecodeErrorKind::TruncatedLdImm64
        );
    }

    #[test]
    fn reserved_fields_are_rejected() {
        // exit with a non-zero imm
        let raw = RawInsn {
            code: 0x95,
            imm: 1,
            ..Default::default()
        };
        assert!(matches!(
            decode_one(raw),
            Err(DecodeErrorKind::ReservedField { field: "imm", .. })
        ));
        // register above r10
        let raw = RawInsn {
            code: 0xb7,
            dst: 11,
            ..Default::default()
        };
        assert_eq!(decode_one(raw), Err(DecodeErrorKind::InvalidRegister(11)));
    }
}
