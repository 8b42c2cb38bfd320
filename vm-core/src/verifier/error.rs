//! The verifier's verdict when it rejects a program: where, in the kernel's
//! words, and in plain words with a hint for the fix.

use alloc::format;
use alloc::string::String;
use core::fmt;

use super::reg::{RegState, RegType};

/// Which rule a rejected program broke; callers (and the explanations) match on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The control-flow graph is malformed: jump out of range, into `lddw`,
    /// unreachable code, missing final `exit`, bad call target.
    Structure,
    /// A register was read before anything was written to it (`R2 !read_ok`).
    UninitRegister,
    /// `r10` was written (`frame pointer is read only`).
    FramePointerWrite,
    /// Memory accessed through something that is not a usable pointer (`R1 invalid mem access 'scalar'`).
    InvalidMemAccess,
    /// A context field accessed at a wrong offset, size or for writing (`invalid bpf_context access`).
    ContextAccess,
    /// A packet access not proven within `data_end` (`invalid access to packet`).
    PacketAccess,
    /// A stack access outside the frame, misaligned, or of a bad size.
    StackAccess,
    /// A map value (or key, or helper memory) access outside its size.
    MapAccess,
    /// Pointer arithmetic the kernel forbids.
    PointerArithmetic,
    /// A helper argument of the wrong type or size, or an unknown/forbidden helper.
    HelperCall,
    /// A bpf-to-bpf call problem: too deep, stack too big, bad target.
    Call,
    /// The return value is uninitialised or out of the program type's range.
    ReturnValue,
    /// A loop that does not make progress (`infinite loop detected`).
    InfiniteLoop,
    /// The 1,000,000-instruction complexity limit was reached.
    TooComplex,
    /// An acquired reference (ring buffer record) was not released.
    UnreleasedReference,
    /// A shift by a constant of at least the operand width, or a division by constant zero.
    InvalidAlu,
}

/// The first error on the first path that fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierError {
    /// Index of the instruction (slot) that failed.
    pub insn: usize,
    /// Its 1-based source line, when the program has a source map.
    pub line: Option<u32>,
    /// The broken rule.
    pub kind: ErrorKind,
    /// The kernel's message (may hold several lines, as the kernel prints them).
    pub message: String,
}

impl VerifierError {
    /// What went wrong, in plain words.
    pub fn explanation(&self) -> &'static str {
        match self.kind {
            ErrorKind::Structure => "The program's shape is wrong before any value is considered: every jump must land on an instruction of the program (not on the second half of a 64-bit load), every instruction must be reachable, and the last instruction must be `exit` or a jump.",
            ErrorKind::UninitRegister => "A register is read before any instruction wrote a value to it on this path. Only r1 (the context) and r10 (the frame pointer) hold values when the program starts, and a helper call leaves r1-r5 unreadable afterwards.",
            ErrorKind::FramePointerWrite => "r10 is the frame pointer: it always points at the top of the program's 512-byte stack and can never be changed.",
            ErrorKind::InvalidMemAccess => "The register used as a memory address is not a pointer the verifier can prove valid here: a plain number, a pointer that may still be NULL, or a pointer type that cannot be dereferenced (such as pkt_end or a map pointer).",
            ErrorKind::ContextAccess => "The context (r1 at entry) is a structure the kernel defines per program type. Only its documented fields may be read, at their exact offset and size, and most of them may not be written.",
            ErrorKind::PacketAccess => "Packet bytes may only be read or written after the program has compared the pointer against data_end and proven that every accessed byte lies inside the packet on this path.",
            ErrorKind::StackAccess => "The stack is 512 bytes below r10. Accesses must stay inside it, be aligned to their size, and a saved pointer may only be reloaded whole (8 bytes).",
            ErrorKind::MapAccess => "A map value (or key, or helper-provided memory) has a fixed size; every access must be proven to stay inside it, including the variable part of the offset.",
            ErrorKind::PointerArithmetic => "Only adding or subtracting numbers to pointers is allowed, and only for pointer types that support it; the result must stay in a known range.",
            ErrorKind::HelperCall => "A helper function was called with arguments that do not match its prototype (type of each argument, size of memory arguments, initialised key and value buffers), or the helper does not exist or is not allowed for this program type.",
            ErrorKind::Call => "A call to a local function is invalid: the target is not a function start, calls nest deeper than 8 frames, or the stacks of all frames together exceed 512 bytes.",
            ErrorKind::ReturnValue => "At exit, r0 is the program's return value: it must be initialised, and for some program types it must be a number in the allowed range.",
            ErrorKind::InfiniteLoop => "The verifier reached the same instruction with exactly the same state as an earlier iteration of the same path, so the loop can never finish.",
            ErrorKind::TooComplex => "The verifier explores every path; it gives up after processing 1,000,000 instructions in total, which usually means a loop whose bound it cannot see or too many branches.",
            ErrorKind::UnreleasedReference => "A resource acquired from a helper (such as a ring buffer record from bpf_ringbuf_reserve) must be submitted or discarded on every path before the program exits.",
            ErrorKind::InvalidAlu => "The arithmetic is invalid for every possible input: a shift by at least the operand's bit width, or a division by a constant zero.",
        }
    }

    /// A hint for fixing it.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            ErrorKind::Structure => "Check jump offsets (they count from the next instruction, and `lddw` takes two slots), remove dead code, and end the program with `exit`.",
            ErrorKind::UninitRegister => "Assign the register before using it (e.g. `r0 = 0` before `exit`), and reload values you need after a helper call from callee-saved registers r6-r9 or the stack.",
            ErrorKind::FramePointerWrite => "Copy r10 into another register and change that: `r2 = r10; r2 += -8`.",
            ErrorKind::InvalidMemAccess => "Dereference only pointers: check map lookup results against 0 first (`if r0 == 0 goto out`), and compute addresses from r1, r10, packet or map value pointers.",
            ErrorKind::ContextAccess => "Use the field offsets of the context structure for this program type with the field's own size (usually 4 bytes, `*(u32 *)(r1 + off)`).",
            ErrorKind::PacketAccess => "Before reading N bytes at offset K, check `if rX + K + N > data_end goto drop` using a copy of the packet pointer, then access through a pointer with the same id.",
            ErrorKind::StackAccess => "Use offsets between -512 and -1 from r10, aligned to the access size, and store/load pointers with 8-byte instructions.",
            ErrorKind::MapAccess => "Compare variable offsets against the value size before using them (`if r1 > VALUE_SIZE - N goto out`) and keep constant offsets inside the value.",
            ErrorKind::PointerArithmetic => "Do arithmetic on numbers and add the result to the pointer with a 64-bit `+=`; null-check map lookups before adding offsets.",
            ErrorKind::HelperCall => "Pass a map pointer (`r1 = map[name] ll`) where a map is expected, and pointers to initialised stack of the map's key/value size where keys and values are expected.",
            ErrorKind::Call => "Call only the first instruction of a function, reduce nesting, or use less stack per function.",
            ErrorKind::ReturnValue => "Set r0 on every path before `exit`, to a value the program type allows (e.g. XDP_PASS = 2).",
            ErrorKind::InfiniteLoop => "Make sure each iteration changes a value the loop condition depends on, and that the condition can become false.",
            ErrorKind::TooComplex => "Give loops an explicit constant bound the verifier can see, use bpf_loop for long loops, or split the program with tail calls.",
            ErrorKind::UnreleasedReference => "Call bpf_ringbuf_submit or bpf_ringbuf_discard on the reserved record on every path, including error paths.",
            ErrorKind::InvalidAlu => "Use shift amounts below 32 (w registers) or 64 (r registers) and never divide by a constant 0.",
        }
    }

    /// The hint with this error's own register, offsets and sizes in place
    /// of the placeholders of [`hint`](Self::hint) where its message names
    /// them (`invalid access to packet, off=12 size=2, R2(...)` ->
    /// check `if r2 + 14 > data_end goto drop`). `regs` are the registers
    /// before the failing instruction, when known: a packet pointer that
    /// already sits past the packet's start needs a smaller constant.
    /// Code is quoted in backticks, as in [`hint`](Self::hint).
    pub fn fix(&self, regs: Option<&[RegState]>) -> String {
        let msg = self.message.as_str();
        match self.kind {
            ErrorKind::PacketAccess if msg.starts_with("invalid access to packet") => {
                let (Some(off), Some(size), Some(reg)) = (
                    number_after(msg, "off="),
                    number_after(msg, "size="),
                    number_after(msg, ", R"),
                ) else {
                    return self.hint().into();
                };
                let end = off.saturating_add(size);
                let reg_off = regs
                    .and_then(|r| r.get(usize::try_from(reg).ok()?))
                    .filter(|r| r.ty == RegType::PtrToPacket)
                    .map(|r| i64::from(r.off));
                match reg_off {
                    Some(at) => format!(
                        "This access needs packet bytes {off} to {} (off={off} size={size}) proven inside the packet. Before it, check `if r{reg} + {} > data_end goto drop`: copy r{reg} into a free register, add {}, and compare it with data_end (`*(u32 *)(r1 + 4)` in XDP); then read through r{reg}.",
                        end - 1,
                        end - at,
                        end - at
                    ),
                    None => format!(
                        "This access needs packet bytes {off} to {} (off={off} size={size}) proven inside the packet. Before it, check `if data + {end} > data_end goto drop`: copy the packet start into a free register, add {end}, and compare it with data_end; then read through a pointer derived from the same packet start (R{reg} here).",
                        end - 1
                    ),
                }
            }
            ErrorKind::MapAccess if msg.starts_with("invalid access to map value") => {
                let (Some(value_size), Some(off), Some(size)) = (
                    number_after(msg, "value_size="),
                    number_after(msg, " off="),
                    number_after(msg, " size="),
                ) else {
                    return self.hint().into();
                };
                let last = value_size.saturating_sub(size);
                if last < 0 {
                    return format!(
                        "The value is only {value_size} bytes: a {size}-byte access never fits. Read fewer bytes, or declare the map with a larger value size."
                    );
                }
                format!(
                    "The value is {value_size} bytes and this {size}-byte access starts at off={off}: the offset must stay between 0 and {last}. Keep constant offsets in that range, and compare a variable offset before adding it (`if r1 > {last} goto out`)."
                )
            }
            _ => self.hint().into(),
        }
    }
}

impl fmt::Display for VerifierError {
    /// `<insn>: <message>`, the form the command line prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.insn, self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifierError {}

/// The integer right after `key` in `text` (`off=-4` -> -4).
fn number_after(text: &str, key: &str) -> Option<i64> {
    let rest = &text[text.find(key)? + key.len()..];
    let len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(rest.len(), |(i, _)| i);
    rest[..len].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(kind: ErrorKind, message: &str) -> VerifierError {
        VerifierError {
            insn: 5,
            line: None,
            kind,
            message: message.into(),
        }
    }

    const PACKET: &str = "invalid access to packet, off=12 size=2, R2(id=0,off=12,r=0)\nR2 offset is outside of the packet";

    #[test]
    fn a_packet_fix_names_the_register_and_the_bytes_to_prove() {
        let e = error(ErrorKind::PacketAccess, PACKET);
        let mut regs = [RegState::NOT_INIT; 11];
        regs[2] = RegState::pointer(RegType::PtrToPacket);
        let fix = e.fix(Some(&regs));
        assert!(fix.contains("`if r2 + 14 > data_end goto drop`"), "{fix}");
        assert!(fix.contains("bytes 12 to 13"), "{fix}");
        // A pointer already 10 bytes in needs only 4 more.
        regs[2].off = 10;
        assert!(e.fix(Some(&regs)).contains("`if r2 + 4 > data_end"));
        // Without the registers, counted from the packet's start.
        assert!(e.fix(None).contains("`if data + 14 > data_end goto drop`"));
        assert!(!e.fix(None).contains("rX"));
    }

    #[test]
    fn a_map_value_fix_names_the_largest_offset() {
        let e = error(
            ErrorKind::MapAccess,
            "invalid access to map value, value_size=8 off=8 size=4",
        );
        let fix = e.fix(None);
        assert!(fix.contains("between 0 and 4"), "{fix}");
        assert!(fix.contains("`if r1 > 4 goto out`"), "{fix}");
        assert!(!fix.contains("VALUE_SIZE"), "{fix}");
    }

    #[test]
    fn other_errors_keep_the_general_hint() {
        let e = error(ErrorKind::UninitRegister, "R3 !read_ok");
        assert_eq!(e.fix(None), e.hint());
    }
}
