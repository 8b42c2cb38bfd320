//! Opcode field values, named as RFC 9669 and the kernel's `bpf.h` name them.
//!
//! An opcode byte is `class | ...`; the remaining bits depend on the class:
//! ALU/JMP classes use `op | source | class`, load/store classes use
//! `mode | size | class`.

/// Mask of the instruction class (low three bits).
pub const CLASS_MASK: u8 = 0x07;
/// Non-standard load (`lddw`, legacy packet loads).
pub const LD: u8 = 0x00;
/// Load into register.
pub const LDX: u8 = 0x01;
/// Store from immediate.
pub const ST: u8 = 0x02;
/// Store from register (and atomics).
pub const STX: u8 = 0x03;
/// 32-bit arithmetic.
pub const ALU: u8 = 0x04;
/// 64-bit jumps.
pub const JMP: u8 = 0x05;
/// 32-bit jumps.
pub const JMP32: u8 = 0x06;
/// 64-bit arithmetic.
pub const ALU64: u8 = 0x07;

/// Mask of the source bit of ALU and JMP opcodes.
pub const SRC_MASK: u8 = 0x08;
/// Source operand is the 32-bit immediate.
pub const K: u8 = 0x00;
/// Source operand is the `src` register.
pub const X: u8 = 0x08;

/// Mask of the operation of ALU and JMP opcodes (high four bits).
pub const OP_MASK: u8 = 0xf0;
/// `dst += src`
pub const ADD: u8 = 0x00;
/// `dst -= src`
pub const SUB: u8 = 0x10;
/// `dst *= src`
pub const MUL: u8 = 0x20;
/// `dst /= src` (unsigned; `off = 1` makes it signed `SDIV`)
pub const DIV: u8 = 0x30;
/// `dst |= src`
pub const OR: u8 = 0x40;
/// `dst &= src`
pub const AND: u8 = 0x50;
/// `dst <<= src`
pub const LSH: u8 = 0x60;
/// `dst >>= src` (logical)
pub const RSH: u8 = 0x70;
/// `dst = -dst`
pub const NEG: u8 = 0x80;
/// `dst %= src` (unsigned; `off = 1` makes it signed `SMOD`)
pub const MOD: u8 = 0x90;
/// `dst ^= src`
pub const XOR: u8 = 0xa0;
/// `dst = src` (`off` 8/16/32 makes it sign-extending `MOVSX`)
pub const MOV: u8 = 0xb0;
/// `dst >>= src` (arithmetic)
pub const ARSH: u8 = 0xc0;
/// Byte swap; the source bit selects `TO_LE` (0) or `TO_BE` (1).
pub const END: u8 = 0xd0;

/// Unconditional jump (`goto`; in `JMP32`, `gotol` with a 32-bit offset in `imm`).
pub const JA: u8 = 0x00;
/// Jump if equal.
pub const JEQ: u8 = 0x10;
/// Jump if greater (unsigned).
pub const JGT: u8 = 0x20;
/// Jump if greater or equal (unsigned).
pub const JGE: u8 = 0x30;
/// Jump if `dst & src` is non-zero.
pub const JSET: u8 = 0x40;
/// Jump if not equal.
pub const JNE: u8 = 0x50;
/// Jump if greater (signed).
pub const JSGT: u8 = 0x60;
/// Jump if greater or equal (signed).
pub const JSGE: u8 = 0x70;
/// Call a helper, a local function or (with `X`) through a register.
pub const CALL: u8 = 0x80;
/// Return from a function or end the program.
pub const EXIT: u8 = 0x90;
/// Jump if lower (unsigned).
pub const JLT: u8 = 0xa0;
/// Jump if lower or equal (unsigned).
pub const JLE: u8 = 0xb0;
/// Jump if lower (signed).
pub const JSLT: u8 = 0xc0;
/// Jump if lower or equal (signed).
pub const JSLE: u8 = 0xd0;

/// Mask of the access size of load/store opcodes.
pub const SIZE_MASK: u8 = 0x18;
/// 4 bytes.
pub const W: u8 = 0x00;
/// 2 bytes.
pub const H: u8 = 0x08;
/// 1 byte.
pub const B: u8 = 0x10;
/// 8 bytes.
pub const DW: u8 = 0x18;

/// Mask of the mode of load/store opcodes.
pub const MODE_MASK: u8 = 0xe0;
/// 64-bit immediate (`lddw`).
pub const IMM: u8 = 0x00;
/// Legacy packet load at an absolute offset.
pub const ABS: u8 = 0x20;
/// Legacy packet load at a register-relative offset.
pub const IND: u8 = 0x40;
/// Regular memory access.
pub const MEM: u8 = 0x60;
/// Sign-extending load.
pub const MEMSX: u8 = 0x80;
/// Atomic read-modify-write.
pub const ATOMIC: u8 = 0xc0;

/// Atomic operations return the old value in `src` when this bit is set in `imm`.
pub const FETCH: i32 = 0x01;
/// Atomic exchange (`imm`), always fetching.
pub const XCHG: i32 = 0xe0 | FETCH;
/// Atomic compare-and-exchange (`imm`), compares with and returns into `r0`.
pub const CMPXCHG: i32 = 0xf0 | FETCH;

/// `src` of a `CALL`: a helper function by id.
pub const PSEUDO_HELPER: u8 = 0;
/// `src` of a `CALL`: a local function, `imm` is the offset in instructions.
pub const PSEUDO_CALL: u8 = 1;
/// `src` of a `CALL`: a kernel function by BTF id.
pub const PSEUDO_KFUNC_CALL: u8 = 2;

/// `LD | IMM | DW`: the two-slot 64-bit immediate load.
pub const LD_DW_IMM: u8 = LD | IMM | DW;
