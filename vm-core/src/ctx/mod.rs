//! Program types and their contexts: the layout of the structure `r1` points to
//! at entry, which fields a program may read or write and at which sizes, what a
//! load of a field yields (a scalar or a packet pointer), and the names of the
//! verdicts a program returns.
//!
//! The access rules are the kernel's `is_valid_access` callbacks for each type
//! (checked against a 6.18 kernel); [`CtxLayout::check_access`] answers exactly
//! what the verifier needs for `invalid bpf_context access off=20 size=4`.
//!
//! ```
//! use vm_core::ctx::{layout, CtxFieldType};
//! use vm_core::ProgramType;
//!
//! let xdp = layout(ProgramType::Xdp);
//! assert_eq!(xdp.size, 24);
//! let data = xdp.check_access(0, 4, false).unwrap();
//! assert_eq!(data.name, "data");
//! assert_eq!(data.yields, CtxFieldType::PacketStart);
//! let err = xdp.check_access(0, 2, false).unwrap_err();
//! assert_eq!(err.to_string(), "invalid bpf_context access off=0 size=2");
//! ```

mod pt_regs;
mod sk_buff;
mod tracepoint;
mod verdict;
mod xdp_md;

use core::fmt;

use crate::program::ProgramType;

pub use pt_regs::{PT_REGS, PT_REGS_PARM_OFFSETS};
pub use sk_buff::{SK_BUFF_SCHED_CLS, SK_BUFF_SOCKET_FILTER};
pub use tracepoint::{TRACEPOINT_RECORD, TRACEPOINT_SYS_ENTER_SIZE};
pub use verdict::{invalid_action, verdict, verdict_name, Verdict, TC_VERDICTS, XDP_VERDICTS};
pub use xdp_md::XDP_MD;

/// What a load of a context field puts in the destination register
/// (the kernel's `info->reg_type` from `is_valid_access`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CtxFieldType {
    /// `SCALAR_VALUE`: the field's value.
    Scalar,
    /// `PTR_TO_PACKET`: the first byte of packet data (`xdp_md.data`, `__sk_buff.data`).
    PacketStart,
    /// `PTR_TO_PACKET_END`: one past the last byte of packet data.
    PacketEnd,
    /// `PTR_TO_PACKET_META`: the first byte of the metadata area before the packet.
    PacketMeta,
    /// `PTR_TO_SOCK_COMMON_OR_NULL` (`__sk_buff.sk`); this VM has no sockets, so the
    /// interpreter loads NULL.
    SockCommonOrNull,
}

impl CtxFieldType {
    /// The register type as the verifier log prints it (`scalar`, `pkt`, `pkt_end`, ...).
    pub const fn log_name(self) -> &'static str {
        match self {
            CtxFieldType::Scalar => "scalar",
            CtxFieldType::PacketStart => "pkt",
            CtxFieldType::PacketEnd => "pkt_end",
            CtxFieldType::PacketMeta => "pkt_meta",
            CtxFieldType::SockCommonOrNull => "sock_common_or_null",
        }
    }
}

/// Which access sizes a field allows in one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldAccess {
    /// No access.
    None,
    /// Only the whole field, at its own size.
    Exact,
    /// The whole field or an aligned power-of-two part of it (a narrow load),
    /// e.g. `*(u16 *)(r1 + 2)` on `__sk_buff.len`; for an array field such as
    /// `cb`, any aligned access of 1, 2, 4 or 8 bytes inside it.
    Narrow,
}

impl FieldAccess {
    fn allows(self, field_size: u32, access_size: u32) -> bool {
        match self {
            FieldAccess::None => false,
            FieldAccess::Exact => access_size == field_size,
            FieldAccess::Narrow => access_size <= field_size,
        }
    }
}

/// One field of a context structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CtxField {
    /// The field's name in the kernel's structure (`data`, `ingress_ifindex`, `cb`, `di`).
    pub name: &'static str,
    /// Byte offset from the start of the context.
    pub offset: u32,
    /// Size in bytes (for an array, of the whole array).
    pub size: u32,
    /// Which loads are allowed.
    pub read: FieldAccess,
    /// Which stores are allowed.
    pub write: FieldAccess,
    /// What a load yields.
    pub yields: CtxFieldType,
}

impl CtxField {
    /// Whether the field covers bytes `off..off + size`.
    pub const fn covers(&self, off: u32, size: u32) -> bool {
        off >= self.offset && off as u64 + size as u64 <= self.offset as u64 + self.size as u64
    }
}

/// A context structure: `r1` at program entry points to `size` bytes laid out as `fields`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CtxLayout {
    /// The kernel's name of the structure (`struct xdp_md`, `struct __sk_buff`, ...).
    pub name: &'static str,
    /// The size of the context region in bytes: the bound of every access.
    pub size: u32,
    /// Every field, sorted by offset (fields a program may not touch are listed
    /// with [`FieldAccess::None`] so the UI can show the whole structure).
    pub fields: &'static [CtxField],
}

/// A context access the kernel would reject; `Display` is the kernel's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CtxAccessError {
    /// Offset of the access from the start of the context.
    pub off: i64,
    /// Size of the access in bytes.
    pub size: u32,
}

impl fmt::Display for CtxAccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid bpf_context access off={} size={}",
            self.off, self.size
        )
    }
}

impl CtxLayout {
    /// The field at byte `off`, if any.
    pub fn field_at(&self, off: u32) -> Option<&'static CtxField> {
        self.fields.iter().find(|f| f.covers(off, 1))
    }

    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static CtxField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Checks a load (`write == false`) or store of `size` bytes (1, 2, 4 or 8) at
    /// `off`, as the kernel's `is_valid_access` does: the access must be aligned to
    /// its size, lie inside one field, and that field must allow the direction and
    /// size. Returns the field accessed.
    pub fn check_access(
        &self,
        off: i64,
        size: u32,
        write: bool,
    ) -> Result<&'static CtxField, CtxAccessError> {
        let err = CtxAccessError { off, size };
        let off32 = u32::try_from(off).map_err(|_| err)?;
        if !matches!(size, 1 | 2 | 4 | 8) || off32 % size != 0 {
            return Err(err);
        }
        let field = self
            .fields
            .iter()
            .find(|f| f.covers(off32, size))
            .ok_or(err)?;
        let access = if write { field.write } else { field.read };
        if access.allows(field.size, size) {
            Ok(field)
        } else {
            Err(err)
        }
    }
}

/// The context layout of programs of type `t`.
pub const fn layout(t: ProgramType) -> &'static CtxLayout {
    match t {
        ProgramType::Xdp => &XDP_MD,
        ProgramType::SocketFilter => &SK_BUFF_SOCKET_FILTER,
        ProgramType::SchedCls => &SK_BUFF_SCHED_CLS,
        ProgramType::Kprobe => &PT_REGS,
        ProgramType::Tracepoint => &TRACEPOINT_RECORD,
    }
}

/// Shorthand for table rows: a read-only scalar field with narrow loads.
const fn ro(name: &'static str, offset: u32, size: u32) -> CtxField {
    CtxField {
        name,
        offset,
        size,
        read: FieldAccess::Narrow,
        write: FieldAccess::None,
        yields: CtxFieldType::Scalar,
    }
}

/// Shorthand for table rows: a field a program may not access.
const fn hidden(name: &'static str, offset: u32, size: u32) -> CtxField {
    CtxField {
        name,
        offset,
        size,
        read: FieldAccess::None,
        write: FieldAccess::None,
        yields: CtxFieldType::Scalar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_sorted_disjoint_and_inside_the_context() {
        for t in ProgramType::ALL {
            let l = layout(t);
            let mut end = 0;
            for f in l.fields {
                assert!(f.offset >= end, "{} {} overlaps", l.name, f.name);
                end = f.offset + f.size;
                assert!(end <= l.size, "{} {} outside", l.name, f.name);
            }
        }
    }

    #[test]
    fn misaligned_negative_and_odd_sizes_are_rejected() {
        let l = layout(ProgramType::Kprobe);
        assert!(l.check_access(3, 1, false).is_ok());
        assert!(l.check_access(3, 2, false).is_err());
        assert!(l.check_access(-8, 8, false).is_err());
        assert!(l.check_access(0, 3, false).is_err());
        assert!(l.check_access(i64::MAX, 8, false).is_err());
        assert!(l.check_access(0, 8, true).is_err());
        assert!(l.check_access(160, 8, false).is_ok());
        assert!(l.check_access(168, 1, false).is_err());
    }
}
