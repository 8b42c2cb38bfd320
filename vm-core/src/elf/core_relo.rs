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
use crate::isa::{opcode, RawInsn};

/// A field of a context type as the VM lays it out: name, byte offset, byte size.
type Field = (&'static str, u32, u32);

/// `struct xdp_md` (uapi).
const XDP_MD: &[Field] = &[
    ("data", 0, 4),
    ("data_end", 4, 4),
    ("data_meta", 8, 4),
    ("ingress_ifindex", 12, 4),
    ("rx_queue_index", 16, 4),
    ("egress_ifindex", 20, 4),
];

/// `struct __sk_buff` (uapi).
const SK_BUFF: &[Field] = &[
    ("len", 0, 4),
    ("pkt_type", 4, 4),
    ("mark", 8, 4),
    ("queue_mapping", 12, 4),
    ("protocol", 16, 4),
    ("vlan_present", 20, 4),
    ("vlan_tci", 24, 4),
    ("vlan_proto", 28, 4),
    ("priority", 32, 4),
    ("ingress_ifindex", 36, 4),
    ("ifindex", 40, 4),
    ("tc_index", 44, 4),
    ("cb", 48, 20),
    ("hash", 68, 4),
    ("tc_classid", 72, 4),
    ("data", 76, 4),
    ("data_end", 80, 4),
    ("napi_id", 84, 4),
    ("family", 88, 4),
    ("remote_ip4", 92, 4),
    ("local_ip4", 96, 4),
    ("remote_ip6", 100, 16),
    ("local_ip6", 116, 16),
    ("remote_port", 132, 4),
    ("local_port", 136, 4),
    ("data_meta", 140, 4),
    ("flow_keys", 144, 8),
    ("tstamp", 152, 8),
    ("wire_len", 160, 4),
    ("gso_segs", 164, 4),
    ("sk", 168, 8),
    ("gso_size", 176, 4),
    ("tstamp_type", 180, 1),
    ("hwtstamp", 184, 8),
];

/// `struct pt_regs` of x86-64, the layout kprobe programs see.
const PT_REGS: &[Field] = &[
    ("r15", 0, 8),
    ("r14", 8, 8),
    ("r13", 16, 8),
    ("r12", 24, 8),
    ("bp", 32, 8),
    ("bx", 40, 8),
    ("r11", 48, 8),
    ("r10", 56, 8),
    ("r9", 64, 8),
    ("r8", 72, 8),
    ("ax", 80, 8),
    ("cx", 88, 8),
    ("dx", 96, 8),
    ("si", 104, 8),
    ("di", 112, 8),
    ("orig_ax", 120, 8),
    ("ip", 128, 8),
    ("cs", 136, 8),
    ("flags", 144, 8),
    ("sp", 152, 8),
    ("ss", 160, 8),
];

/// The VM's layout of context struct `name`.
fn target_fields(name: &str) -> Option<&'static [Field]> {
    match name {
        "xdp_md" => Some(XDP_MD),
        "__sk_buff" => Some(SK_BUFF),
        "pt_regs" => Some(PT_REGS),
        _ => None,
    }
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
    if rec.kind > 3 {
        return Err(unsupported(String::from(
            "only field relocations (byte_off, byte_sz, field_exists, signed) are supported",
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
    let fields = target_fields(base_name).ok_or_else(|| {
        unsupported(format!(
            "struct {struct_name} is not a context type of the VM (xdp_md, __sk_buff, pt_regs)"
        ))
    })?;
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
    let target = fields.iter().find(|(n, _, _)| *n == m.name);
    let value: u32 = match (rec.kind, target) {
        (2, t) => u32::from(t.is_some()),
        (_, None) => {
            return Err(unsupported(format!(
                "the VM's struct {base_name} has no field '{}'",
                m.name
            )))
        }
        (0, Some((_, off, _))) => *off,
        (1, Some((_, _, size))) => *size,
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
            // A narrower or wider field in the target: load what is there.
            if let Some((_, _, size)) = target {
                let size_bits = match size {
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
