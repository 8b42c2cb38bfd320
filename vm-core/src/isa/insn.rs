//! Typed instructions: every encoding RFC 9669 defines, as a value the rest of
//! the VM can match on without re-reading opcode bits.

use core::fmt;

/// A register, `r0` to `r10`. `r10` is the read-only frame pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reg(u8);

impl Reg {
    /// Return value of functions and of the program.
    pub const R0: Reg = Reg(0);
    /// First argument; the context pointer on entry.
    pub const R1: Reg = Reg(1);
    /// Second argument.
    pub const R2: Reg = Reg(2);
    /// Third argument.
    pub const R3: Reg = Reg(3);
    /// Fourth argument.
    pub const R4: Reg = Reg(4);
    /// Fifth argument.
    pub const R5: Reg = Reg(5);
    /// Callee-saved.
    pub const R6: Reg = Reg(6);
    /// Callee-saved.
    pub const R7: Reg = Reg(7);
    /// Callee-saved.
    pub const R8: Reg = Reg(8);
    /// Callee-saved.
    pub const R9: Reg = Reg(9);
    /// The frame pointer (read-only).
    pub const R10: Reg = Reg(10);
    /// The frame pointer under its usual name.
    pub const FP: Reg = Reg(10);
    /// Number of registers.
    pub const COUNT: usize = 11;

    /// The register numbered `n`, if there is one.
    pub const fn new(n: u8) -> Option<Reg> {
        if n <= 10 {
            Some(Reg(n))
        } else {
            None
        }
    }

    /// The register's number, 0 to 10.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The register's number as encoded in the instruction.
    pub const fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// Operand width of ALU and JMP instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Width {
    /// `ALU` / `JMP32`: operate on the low 32 bits (`w` registers).
    W32,
    /// `ALU64` / `JMP`.
    W64,
}

/// Access size of memory instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Size {
    /// 1 byte (`u8`).
    B,
    /// 2 bytes (`u16`).
    H,
    /// 4 bytes (`u32`).
    W,
    /// 8 bytes (`u64`).
    DW,
}

impl Size {
    /// Size in bytes.
    pub const fn bytes(self) -> usize {
        match self {
            Size::B => 1,
            Size::H => 2,
            Size::W => 4,
            Size::DW => 8,
        }
    }

    /// The size of `n` bytes, if it is an access size.
    pub const fn from_bytes(n: usize) -> Option<Size> {
        match n {
            1 => Some(Size::B),
            2 => Some(Size::H),
            4 => Some(Size::W),
            8 => Some(Size::DW),
            _ => None,
        }
    }
}

/// The second operand of ALU, JMP and store instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operand {
    /// The `src` register (`BPF_X`).
    Reg(Reg),
    /// The 32-bit immediate (`BPF_K`), sign-extended to 64 bits where used as such.
    Imm(i32),
}

/// Arithmetic operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AluOp {
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `/=` unsigned; division by zero gives 0.
    Div,
    /// `s/=` signed (v4); division by zero gives 0.
    Sdiv,
    /// `|=`
    Or,
    /// `&=`
    And,
    /// `<<=`, shift amount masked to the width.
    Lsh,
    /// `>>=` logical.
    Rsh,
    /// `= -dst`; the source operand must be `Imm(0)`.
    Neg,
    /// `%=` unsigned; modulo by zero leaves `dst` unchanged.
    Mod,
    /// `s%=` signed (v4); modulo by zero leaves `dst` unchanged.
    Smod,
    /// `^=`
    Xor,
    /// `=`
    Mov,
    /// `= (s8)src` (v4), register source only.
    Movsx8,
    /// `= (s16)src` (v4), register source only.
    Movsx16,
    /// `= (s32)src` (v4), 64-bit register source only.
    Movsx32,
    /// `s>>=` arithmetic.
    Arsh,
}

/// Byte-swap kinds of the `END` instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endian {
    /// `le16/le32/le64`: convert to little endian (no-op on our little-endian VM but truncates).
    ToLe,
    /// `be16/be32/be64`: convert to big endian.
    ToBe,
    /// `bswap16/32/64` (v4, `ALU64` class): unconditional swap.
    Bswap,
}

/// Jump conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JmpCond {
    /// `==`
    Eq,
    /// `>` unsigned
    Gt,
    /// `>=` unsigned
    Ge,
    /// `&` (jump if any bit is set)
    Set,
    /// `!=`
    Ne,
    /// `s>`
    Sgt,
    /// `s>=`
    Sge,
    /// `<` unsigned
    Lt,
    /// `<=` unsigned
    Le,
    /// `s<`
    Slt,
    /// `s<=`
    Sle,
}

impl JmpCond {
    /// The condition that holds exactly when `self` does not.
    pub const fn negate(self) -> JmpCond {
        match self {
            JmpCond::Eq => JmpCond::Ne,
            JmpCond::Ne => JmpCond::Eq,
            JmpCond::Gt => JmpCond::Le,
            JmpCond::Le => JmpCond::Gt,
            JmpCond::Ge => JmpCond::Lt,
            JmpCond::Lt => JmpCond::Ge,
            JmpCond::Sgt => JmpCond::Sle,
            JmpCond::Sle => JmpCond::Sgt,
            JmpCond::Sge => JmpCond::Slt,
            JmpCond::Slt => JmpCond::Sge,
            // No negation exists in the ISA; callers handle JSET specially.
            JmpCond::Set => JmpCond::Set,
        }
    }

    /// The condition with operands swapped (`a < b` is `b > a`).
    pub const fn swap(self) -> JmpCond {
        match self {
            JmpCond::Gt => JmpCond::Lt,
            JmpCond::Lt => JmpCond::Gt,
            JmpCond::Ge => JmpCond::Le,
            JmpCond::Le => JmpCond::Ge,
            JmpCond::Sgt => JmpCond::Slt,
            JmpCond::Slt => JmpCond::Sgt,
            JmpCond::Sge => JmpCond::Sle,
            JmpCond::Sle => JmpCond::Sge,
            c => c,
        }
    }
}

/// Atomic read-modify-write operations (`STX | ATOMIC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicOp {
    /// `lock *(size *)(dst + off) += src`, or `atomic_fetch_add` with fetch.
    Add,
    /// `|=`
    Or,
    /// `&=`
    And,
    /// `^=`
    Xor,
    /// `src = xchg(mem, src)` (always fetches).
    Xchg,
    /// `r0 = cmpxchg(mem, r0, src)` (always fetches).
    Cmpxchg,
}

/// What the 64-bit immediate of an `lddw` means (its `src` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LdImm64Kind {
    /// 0: a plain 64-bit constant.
    Imm,
    /// 1 (`BPF_PSEUDO_MAP_FD`): `imm` names a map; loads a map pointer.
    MapFd,
    /// 2 (`BPF_PSEUDO_MAP_VALUE`): `imm` names a map, `next_imm` an offset into its value.
    MapValue,
    /// 3 (`BPF_PSEUDO_BTF_ID`): a kernel variable by BTF id.
    BtfId,
    /// 4 (`BPF_PSEUDO_FUNC`): `imm` is the offset of a local function.
    Func,
    /// 5 (`BPF_PSEUDO_MAP_IDX`): `imm` is an index into the program's map table.
    MapIdx,
    /// 6 (`BPF_PSEUDO_MAP_IDX_VALUE`): map by index plus a value offset.
    MapIdxValue,
}

impl LdImm64Kind {
    /// The `src` register field that encodes this kind.
    pub const fn src(self) -> u8 {
        match self {
            LdImm64Kind::Imm => 0,
            LdImm64Kind::MapFd => 1,
            LdImm64Kind::MapValue => 2,
            LdImm64Kind::BtfId => 3,
            LdImm64Kind::Func => 4,
            LdImm64Kind::MapIdx => 5,
            LdImm64Kind::MapIdxValue => 6,
        }
    }

    /// The kind encoded by `src`, if any.
    pub const fn from_src(src: u8) -> Option<LdImm64Kind> {
        Some(match src {
            0 => LdImm64Kind::Imm,
            1 => LdImm64Kind::MapFd,
            2 => LdImm64Kind::MapValue,
            3 => LdImm64Kind::BtfId,
            4 => LdImm64Kind::Func,
            5 => LdImm64Kind::MapIdx,
            6 => LdImm64Kind::MapIdxValue,
            _ => return None,
        })
    }
}

/// Whom a `CALL` instruction calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallTarget {
    /// A helper function by id (`src = 0`).
    Helper(i32),
    /// A local (bpf-to-bpf) function at `pc + 1 + offset` (`src = 1`).
    Local(i32),
    /// A kernel function by BTF id (`src = 2`).
    Kfunc(i32),
}

/// How a legacy packet load (`LD_ABS`/`LD_IND`) computes its offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PacketMode {
    /// `BPF_ABS`: offset is `imm`.
    Abs,
    /// `BPF_IND`: offset is `src + imm`.
    Ind(Reg),
}

/// One decoded instruction slot.
///
/// A program is a sequence of 8-byte slots; `lddw` takes two, so it decodes to
/// [`Insn::LdImm64`] followed by [`Insn::LdImm64Tail`]. Keeping the tail slot
/// keeps instruction indices equal to slot indices, as jump offsets, the
/// kernel's log and the source map count them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Insn {
    /// `ALU` / `ALU64` arithmetic: `dst op= src`.
    Alu {
        /// 32-bit (`w`) or 64-bit (`r`) registers.
        width: Width,
        /// The operation.
        op: AluOp,
        /// Destination register.
        dst: Reg,
        /// Source operand.
        src: Operand,
    },
    /// Byte swap of `dst` to `bits` (16, 32 or 64).
    Endian {
        /// Which swap.
        kind: Endian,
        /// 16, 32 or 64.
        bits: u8,
        /// The register swapped in place.
        dst: Reg,
    },
    /// Conditional jump to `pc + 1 + off`.
    Jump {
        /// `JMP32` compares the low 32 bits.
        width: Width,
        /// The comparison.
        cond: JmpCond,
        /// Left operand.
        dst: Reg,
        /// Right operand.
        src: Operand,
        /// Offset in slots from the next instruction.
        off: i16,
    },
    /// Unconditional jump: `goto off` (16-bit, `JMP`) or `gotol imm` (32-bit, `JMP32`).
    Ja {
        /// Offset in slots from the next instruction.
        off: i32,
        /// True for the v4 `JMP32 | JA` encoding with the offset in `imm`.
        long: bool,
    },
    /// Call a helper, a local function or a kfunc.
    Call(CallTarget),
    /// Call through a register (`callx`); the register holds the target.
    Callx {
        /// The register holding the target.
        reg: Reg,
    },
    /// Return from the current function (or end the program).
    Exit,
    /// First slot of `lddw`: `dst = imm64` (or a map/function reference per `kind`).
    LdImm64 {
        /// Destination register.
        dst: Reg,
        /// What the immediate means.
        kind: LdImm64Kind,
        /// The first slot's `imm`.
        imm: i32,
        /// The second slot's `imm` (high half, or value offset for map values).
        next_imm: i32,
    },
    /// Second slot of `lddw`: never executed, never a jump target.
    LdImm64Tail,
    /// `LDX`: `dst = *(size *)(src + off)`, zero- or sign-extended.
    Load {
        /// Access size.
        size: Size,
        /// `MEMSX` (v4): sign-extend instead of zero-extend.
        sign_extend: bool,
        /// Destination register.
        dst: Reg,
        /// Base address register.
        src: Reg,
        /// Signed byte offset.
        off: i16,
    },
    /// `ST` / `STX`: `*(size *)(dst + off) = src`.
    Store {
        /// Access size.
        size: Size,
        /// Base address register.
        dst: Reg,
        /// Signed byte offset.
        off: i16,
        /// Stored value: a register (`STX`) or an immediate (`ST`).
        src: Operand,
    },
    /// `STX | ATOMIC` read-modify-write of a `W` or `DW` in memory.
    Atomic {
        /// `W` or `DW`.
        size: Size,
        /// The operation.
        op: AtomicOp,
        /// Return the old value into `src` (always true for `Xchg`/`Cmpxchg`).
        fetch: bool,
        /// Base address register.
        dst: Reg,
        /// Operand register (and fetch destination).
        src: Reg,
        /// Signed byte offset.
        off: i16,
    },
    /// Legacy packet load into `r0` (`LD_ABS`/`LD_IND`), big-endian, `B`/`H`/`W`.
    LdPacket {
        /// Access size.
        size: Size,
        /// Absolute or register-relative.
        mode: PacketMode,
        /// Offset (added to the register for `Ind`).
        imm: i32,
    },
}

impl Insn {
    /// The 64-bit constant of an `lddw`, as loaded when `kind` is [`LdImm64Kind::Imm`].
    pub const fn imm64(imm: i32, next_imm: i32) -> u64 {
        (imm as u32 as u64) | ((next_imm as u32 as u64) << 32)
    }

    /// The two slots of `dst = value ll`.
    pub const fn ld_imm64(dst: Reg, value: u64) -> [Insn; 2] {
        [
            Insn::LdImm64 {
                dst,
                kind: LdImm64Kind::Imm,
                imm: value as u32 as i32,
                next_imm: (value >> 32) as u32 as i32,
            },
            Insn::LdImm64Tail,
        ]
    }

    /// The jump target of this instruction at index `pc`, if it is a jump or local call.
    ///
    /// The target may lie outside the program; the verifier rejects that.
    pub fn branch_target(&self, pc: usize) -> Option<i64> {
        let next = pc as i64 + 1;
        match *self {
            Insn::Jump { off, .. } => Some(next + off as i64),
            Insn::Ja { off, .. } => Some(next + off as i64),
            Insn::Call(CallTarget::Local(off)) => Some(next + off as i64),
            Insn::LdImm64 {
                kind: LdImm64Kind::Func,
                imm,
                ..
            } => Some(next + imm as i64),
            _ => None,
        }
    }
}
