//! CO-RE (compile once, run everywhere) relocations against the context
//! types the VM provides.
//!
//! clang records, for every access to a struct marked
//! `preserve_access_index` (as `vmlinux.h` marks them all), which field of
//! which local type the instruction touches. libbpf patches the instruction
//! with the field's offset in the running kernel's type; here the "kernel" is
//! the VM, whose context structs are `xdp_md`, `__sk_buff` and `pt_regs`.
//! Field kinds (byte offset, byte size, existence, signedness) against those
//! types are applied; every other relocation is reported.

use alloc::format;
use alloc::string::String;

use super::btf::{Btf, BtfType};
use super::btf_ext::CoreRelo;
use super::error::ElfErrorKind;
use crate::ctx::{self, CtxLayout};
use crate::isa::{opcode, RawInsn};

/// The VM's layout of context struct `name` (from [`crate::ctx`]).
fn target_layout(name: &str) -> Option<&'static CtxLayout> {
    Some(match name {
        "xdp_md" => &ctx::XDP_MD,
        "__sk_buff" => &ctx::SK_BUFF_SCHED_CLS,
        "pt_regs" => &ctx::PT_REGS,
        _ => return None,
    })
}

/// Puts `value` in the immediate of an `rX = imm`-like instruction or `lddw`.
fn patch_imm(out: &mut [RawInsn], pos: usize, value: u32) -> Result<(), String> {
    let raw = out
        .get(pos)
        .copied()
        .ok_or("instruction offset out of range")?;
    let class = raw.code & opcode::CLASS_MASK;
    let is_alu_k =
        matches!(class, opcode::ALU | opcode::ALU64) && raw.code & opcode::SRC_MASK == opcode::K;
    if !is_alu_k && raw.code != opcode::LD_DW_IMM {
        return Err(format!("cannot patch opcode {:#04x}", raw.code));
    }
    if let Some(slot) = out.get_mut(pos) {
        slot.imm = value as i32;
    }
    if raw.code == opcode::LD_DW_IMM {
        if let Some(tail) = out.get_mut(pos + 1) {
            tail.imm = 0;
        }
    }
    Ok(())
}

/// libbpf's names of the relocation kinds (`enum bpf_core_relo_kind`).
fn kind_name(kind: u32) -> String {
    let name = match kind {
        0 => "byte_off",
        1 => "byte_sz",
        2 => "field_exists",
        3 => "signed",
        4 => "lshift_u64",
        5 => "rshift_u64",
        6 => "local_type_id",
        7 => "target_type_id",
        8 => "type_exists",
        9 => "type_size",
        10 => "enumval_exists",
        11 => "enumval_value",
        12 => "type_matches",
        n => return format!("kind {n}"),
    };
    String::from(name)
}

/// Patches output slot `pos` (and its `lddw` tail) for CO-RE record `rec`.
pub(crate) fn apply(
    btf: &Btf,
    rec: &CoreRelo,
    out: &mut [RawInsn],
    pos: usize,
) -> Result<(), ElfErrorKind> {
    let unsupported = |why: String| {
        ElfErrorKind::Unsupported(format!(
            "CO-RE relocation [{}] {} '{}': {why}",
            kind_name(rec.kind),
            btf.name_of(rec.type_id),
            rec.access
        ))
    };
    if !matches!(rec.kind, 0..=3 | 8 | 9) {
        return Err(unsupported(String::from(
            "only field (byte_off, byte_sz, field_exists, signed) and type (type_exists, type_size) relocations are supported",
        )));
    }
    let (_, local) = btf
        .resolve(rec.type_id)
        .map_err(|e| ElfErrorKind::Invalid(format!("CO-RE type: {e}")))?;
    let BtfType::Struct {
        name: struct_name,
        members,
        ..
    } = local
    else {
        return Err(unsupported(String::from("the local type is not a struct")));
    };
    // `struct pt_regs___v2` is a flavour of `struct pt_regs`.
    let base_name = struct_name
        .split_once("___")
        .map_or(struct_name.as_str(), |(b, _)| b);
    let layout = target_layout(base_name);
    let not_ctx = || {
        unsupported(format!(
            "struct {struct_name} is not a context type of the VM (xdp_md, __sk_buff, pt_regs)"
        ))
    };
    match rec.kind {
        // The VM's types are its context structs: any other does not exist.
        8 => return patch_imm(out, pos, u32::from(layout.is_some())).map_err(unsupported),
        9 => {
            let size = layout.ok_or_else(not_ctx)?.size;
            return patch_imm(out, pos, size).map_err(unsupported);
        }
        2 if layout.is_none() => return patch_imm(out, pos, 0).map_err(unsupported),
        _ => {}
    }
    let fields = layout.ok_or_else(not_ctx)?.fields;
    let mut access = rec.access.split(':');
    let first = access.next().unwrap_or("");
    let member: Option<u32> = access.next().map(|s| s.parse().unwrap_or(u32::MAX));
    if first != "0" || access.next().is_some() {
        return Err(unsupported(String::from(
            "only a direct field of the context struct (access string 0:N) is supported",
        )));
    }
    let Some(member) = member else {
        return Err(unsupported(String::from("the access names no field")));
    };
    let m = members.get(member as usize).ok_or_else(|| {
        ElfErrorKind::Invalid(format!(
            "CO-RE access '{}': struct {struct_name} has no member {member}",
            rec.access
        ))
    })?;
    if m.bitfield_size != 0 || m.bit_offset % 8 != 0 {
        return Err(unsupported(String::from("bitfields")));
    }
    let local_off = m.bit_offset / 8;
    let target = fields.iter().find(|f| f.name == m.name);
    let value: u32 = match (rec.kind, target) {
        (2, t) => u32::from(t.is_some()),
        (_, None) => {
            return Err(unsupported(format!(
                "the VM's struct {base_name} has no field '{}'",
                m.name
            )))
        }
        (0, Some(f)) => f.offset,
        (1, Some(f)) => f.size,
        // Every context field is unsigned.
        _ => 0,
    };
    let raw = out
        .get(pos)
        .copied()
        .ok_or_else(|| ElfErrorKind::Invalid(String::from("CO-RE instruction offset")))?;
    let class = raw.code & opcode::CLASS_MASK;
    let mode = raw.code & opcode::MODE_MASK;
    let slot = out
        .get_mut(pos)
        .ok_or_else(|| ElfErrorKind::Invalid(String::from("CO-RE instruction offset")))?;
    match class {
        opcode::LDX | opcode::ST | opcode::STX if mode == opcode::MEM && rec.kind == 0 => {
            if i64::from(raw.off) != i64::from(local_off) {
                return Err(unsupported(format!(
                    "instruction offset {} is not the field's local offset {local_off}",
                    raw.off
                )));
            }
            slot.off = i16::try_from(value)
                .map_err(|_| unsupported(format!("field offset {value} does not fit")))?;
            // A narrower or wider field in the target: when the instruction
            // loads the whole local field, load the whole target field.
            let access_size = match raw.code & opcode::SIZE_MASK {
                opcode::B => 1,
                opcode::H => 2,
                opcode::W => 4,
                _ => 8,
            };
            let whole_local = btf.size_of(m.type_id).ok() == Some(access_size);
            if let Some(f) = target.filter(|f| whole_local && f.size != access_size) {
                let size_bits = match f.size {
                    1 => Some(opcode::B),
                    2 => Some(opcode::H),
                    4 => Some(opcode::W),
                    8 => Some(opcode::DW),
                    _ => None,
                };
                if class == opcode::LDX {
                    if let Some(bits) = size_bits {
                        slot.code = (raw.code & !opcode::SIZE_MASK) | bits;
                    }
                }
            }
        }
        opcode::ALU | opcode::ALU64 if raw.code & opcode::SRC_MASK == opcode::K => {
            slot.imm = value as i32;
        }
        opcode::LD if raw.code == opcode::LD_DW_IMM => {
            slot.imm = value as i32;
            if let Some(tail) = out.get_mut(pos + 1) {
                tail.imm = 0;
            }
        }
        _ => {
            return Err(unsupported(format!(
                "cannot patch opcode {:#04x}",
                raw.code
            )))
        }
    }
    Ok(())
}
