//! The eBPF instruction set (RFC 9669), all conformance groups up to v4.
//!
//! [`Insn`] is the typed form every later stage works on; [`decode`] and
//! [`encode`] convert between it and bytecode and are exact inverses.

mod codec;
mod insn;
pub mod opcode;

pub use codec::{
    decode, decode_one, decode_raw, encode, encode_one, encode_raw, DecodeError, DecodeErrorKind,
    RawInsn, INSN_SIZE,
};
pub use insn::{
    AluOp, AtomicOp, CallTarget, Endian, Insn, JmpCond, LdImm64Kind, Operand, PacketMode, Reg,
    Size, Width,
};
