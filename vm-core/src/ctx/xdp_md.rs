//! `struct xdp_md`, the context of XDP programs.

use super::{hidden, CtxField, CtxFieldType, CtxLayout, FieldAccess};

const fn u32_ro(name: &'static str, offset: u32, yields: CtxFieldType) -> CtxField {
    CtxField {
        name,
        offset,
        size: 4,
        read: FieldAccess::Exact,
        write: FieldAccess::None,
        yields,
    }
}

/// `struct xdp_md` (24 bytes). Every field is a read-only `u32` loaded whole
/// (the kernel refuses narrow loads and all stores); `data`, `data_end` and
/// `data_meta` load as packet pointers. `egress_ifindex` is only readable by
/// programs attached to a devmap, which this VM does not model, so it is refused.
pub const XDP_MD: CtxLayout = CtxLayout {
    name: "struct xdp_md",
    size: 24,
    fields: &[
        u32_ro("data", 0, CtxFieldType::PacketStart),
        u32_ro("data_end", 4, CtxFieldType::PacketEnd),
        u32_ro("data_meta", 8, CtxFieldType::PacketMeta),
        u32_ro("ingress_ifindex", 12, CtxFieldType::Scalar),
        u32_ro("rx_queue_index", 16, CtxFieldType::Scalar),
        hidden("egress_ifindex", 20, 4),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case was checked against the kernel (accepted or
    /// `invalid bpf_context access`).
    #[test]
    fn access_rules_match_the_kernel() {
        let ok = |off, size, write| XDP_MD.check_access(off, size, write).is_ok();
        assert!(ok(0, 4, false));
        assert!(!ok(0, 2, false));
        assert!(!ok(0, 8, false));
        assert!(!ok(12, 2, false));
        assert!(ok(16, 4, false));
        assert!(!ok(20, 4, false));
        assert!(!ok(24, 4, false));
        assert!(!ok(12, 4, true));
        assert_eq!(
            XDP_MD.check_access(4, 4, false).map(|f| f.yields),
            Ok(CtxFieldType::PacketEnd)
        );
        assert_eq!(
            XDP_MD.check_access(8, 4, false).map(|f| f.yields),
            Ok(CtxFieldType::PacketMeta)
        );
    }
}
