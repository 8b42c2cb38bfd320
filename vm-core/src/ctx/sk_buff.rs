//! `struct __sk_buff`, the context of socket filters and tc (`sched_cls`) programs.
//! The two types share the layout and differ in what they may touch.

use super::{hidden, ro, CtxField, CtxFieldType, CtxLayout, FieldAccess};

use FieldAccess::{Exact, Narrow, None};

const fn f(
    name: &'static str,
    offset: u32,
    size: u32,
    read: FieldAccess,
    write: FieldAccess,
    yields: CtxFieldType,
) -> CtxField {
    CtxField {
        name,
        offset,
        size,
        read,
        write,
        yields,
    }
}

/// A `u32` field tc may also store (whole) into.
const fn rw(name: &'static str, offset: u32) -> CtxField {
    f(name, offset, 4, Narrow, Exact, CtxFieldType::Scalar)
}

const fn ptr(name: &'static str, offset: u32, yields: CtxFieldType) -> CtxField {
    f(name, offset, 4, Exact, None, yields)
}

/// `cb[5]`: scratch space both types may read and write at any aligned size.
const CB: CtxField = f("cb", 48, 20, Narrow, Narrow, CtxFieldType::Scalar);
const SK: CtxField = f("sk", 168, 8, Exact, None, CtxFieldType::SockCommonOrNull);

/// `struct __sk_buff` (192 bytes) as a socket filter sees it: most `u32` fields
/// are readable, with narrow loads; only `cb` is writable; there is no direct
/// packet access (`data`, `data_end`, `data_meta` are refused; use
/// `bpf_skb_load_bytes` or `ld_abs`), and neither `tc_classid`, the socket
/// fields (`family` .. `local_port`), `tstamp`, `wire_len` nor `hwtstamp`.
pub const SK_BUFF_SOCKET_FILTER: CtxLayout = CtxLayout {
    name: "struct __sk_buff",
    size: 192,
    fields: &[
        ro("len", 0, 4),
        ro("pkt_type", 4, 4),
        ro("mark", 8, 4),
        ro("queue_mapping", 12, 4),
        ro("protocol", 16, 4),
        ro("vlan_present", 20, 4),
        ro("vlan_tci", 24, 4),
        ro("vlan_proto", 28, 4),
        ro("priority", 32, 4),
        ro("ingress_ifindex", 36, 4),
        ro("ifindex", 40, 4),
        ro("tc_index", 44, 4),
        CB,
        ro("hash", 68, 4),
        hidden("tc_classid", 72, 4),
        hidden("data", 76, 4),
        hidden("data_end", 80, 4),
        ro("napi_id", 84, 4),
        hidden("family", 88, 4),
        hidden("remote_ip4", 92, 4),
        hidden("local_ip4", 96, 4),
        hidden("remote_ip6", 100, 16),
        hidden("local_ip6", 116, 16),
        hidden("remote_port", 132, 4),
        hidden("local_port", 136, 4),
        hidden("data_meta", 140, 4),
        hidden("flow_keys", 144, 8),
        hidden("tstamp", 152, 8),
        hidden("wire_len", 160, 4),
        ro("gso_segs", 164, 4),
        SK,
        ro("gso_size", 176, 4),
        hidden("tstamp_type", 180, 1),
        hidden("hwtstamp", 184, 8),
    ],
};

/// `struct __sk_buff` (192 bytes) as a tc classifier sees it: `data`, `data_end`
/// and `data_meta` load (whole) as packet pointers; `mark`, `queue_mapping`,
/// `priority`, `tc_index`, `tc_classid` (whole) and `cb` (any size) are writable,
/// as is `tstamp` (8 bytes); the socket fields and `flow_keys` are refused.
pub const SK_BUFF_SCHED_CLS: CtxLayout = CtxLayout {
    name: "struct __sk_buff",
    size: 192,
    fields: &[
        ro("len", 0, 4),
        ro("pkt_type", 4, 4),
        rw("mark", 8),
        rw("queue_mapping", 12),
        ro("protocol", 16, 4),
        ro("vlan_present", 20, 4),
        ro("vlan_tci", 24, 4),
        ro("vlan_proto", 28, 4),
        rw("priority", 32),
        ro("ingress_ifindex", 36, 4),
        ro("ifindex", 40, 4),
        rw("tc_index", 44),
        CB,
        ro("hash", 68, 4),
        rw("tc_classid", 72),
        ptr("data", 76, CtxFieldType::PacketStart),
        ptr("data_end", 80, CtxFieldType::PacketEnd),
        ro("napi_id", 84, 4),
        hidden("family", 88, 4),
        hidden("remote_ip4", 92, 4),
        hidden("local_ip4", 96, 4),
        hidden("remote_ip6", 100, 16),
        hidden("local_ip6", 116, 16),
        hidden("remote_port", 132, 4),
        hidden("local_port", 136, 4),
        ptr("data_meta", 140, CtxFieldType::PacketMeta),
        hidden("flow_keys", 144, 8),
        f("tstamp", 152, 8, Exact, Exact, CtxFieldType::Scalar),
        ro("wire_len", 160, 4),
        ro("gso_segs", 164, 4),
        SK,
        ro("gso_size", 176, 4),
        f("tstamp_type", 180, 1, Exact, None, CtxFieldType::Scalar),
        f("hwtstamp", 184, 8, Exact, None, CtxFieldType::Scalar),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case was checked against the kernel (accepted or
    /// `invalid bpf_context access`).
    #[test]
    fn socket_filter_rules_match_the_kernel() {
        let ok = |off, size, write| SK_BUFF_SOCKET_FILTER.check_access(off, size, write).is_ok();
        assert!(!ok(76, 4, false));
        assert!(ok(0, 2, false));
        assert!(ok(2, 2, false));
        assert!(!ok(0, 8, false));
        assert!(ok(48, 8, false));
        assert!(ok(48, 8, true));
        assert!(!ok(8, 4, true));
        assert!(!ok(140, 4, false));
        assert!(!ok(80, 4, false));
        assert!(!ok(72, 4, false));
        assert!(!ok(160, 4, false));
        assert!(ok(164, 4, false));
        assert!(ok(176, 4, false));
        assert!(!ok(184, 8, false));
        assert!(!ok(152, 8, false));
        assert!(ok(168, 8, false));
        assert!(!ok(180, 1, false));
    }

    #[test]
    fn sched_cls_rules_match_the_kernel() {
        let ok = |off, size, write| SK_BUFF_SCHED_CLS.check_access(off, size, write).is_ok();
        assert!(ok(76, 4, false));
        assert!(!ok(76, 2, false));
        assert!(ok(8, 4, true));
        assert!(!ok(8, 2, true));
        assert!(ok(180, 1, false));
        assert!(ok(184, 8, false));
        assert!(!ok(188, 4, false));
        assert!(!ok(192, 4, false));
        assert!(ok(168, 8, false));
        assert!(ok(152, 8, false));
        assert!(!ok(152, 4, false));
        assert!(!ok(144, 8, false));
        assert!(ok(160, 4, false));
        assert!(!ok(88, 4, false));
        assert!(ok(140, 4, false));
        assert!(ok(152, 8, true));
        assert!(ok(32, 4, true));
        assert!(ok(12, 4, true));
        assert!(ok(72, 4, true));
        assert!(ok(44, 4, true));
        assert!(!ok(0, 4, true));
        assert!(ok(164, 4, false));
        assert!(!ok(181, 1, false));
        assert!(ok(84, 4, false));
        assert!(ok(68, 4, false));
        assert!(!ok(64, 8, false));
        assert!(ok(66, 2, false));
        assert_eq!(
            SK_BUFF_SCHED_CLS
                .check_access(76, 4, false)
                .map(|f| f.yields),
            Ok(CtxFieldType::PacketStart)
        );
    }
}
