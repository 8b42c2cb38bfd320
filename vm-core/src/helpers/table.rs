//! The built-in helper prototypes, one row per helper, in id order.
//!
//! Ids and names are the kernel's (`__BPF_FUNC_MAPPER` in `include/uapi/linux/bpf.h`);
//! argument and return types follow each helper's `struct bpf_func_proto`; the
//! program types were checked against a 6.18 kernel's `get_func_proto` answers
//! (loading `call N` as each type and watching for
//! `program of this type cannot use helper`).

use super::proto::{ArgType, HelperProto, ProgTypes, RetType};

use ArgType::{
    Anything, ConstAllocSizeOrZero, ConstMapPtr, ConstSize, ConstSizeOrZero, DontCare,
    PtrToConstStr, PtrToCtx, PtrToFunc, PtrToMapKey, PtrToMapValue, PtrToMem, PtrToMemOrNull,
    PtrToRingbufMem, PtrToStackOrNull, PtrToUninitMapValue, PtrToUninitMem, PtrToUninitMemOrNull,
};
use RetType::{Integer, PtrToMapValueOrNull, PtrToRingbufMemOrNull, Void};

const ALL: ProgTypes = ProgTypes::ALL;
const TRACING: ProgTypes = ProgTypes::TRACING;
const XDP: ProgTypes = ProgTypes::XDP;
const TC: ProgTypes = ProgTypes::SCHED_CLS;
const TC_XDP: ProgTypes = ProgTypes::SCHED_CLS.union(ProgTypes::XDP);
const SKB: ProgTypes = ProgTypes::SOCKET_FILTER.union(ProgTypes::SCHED_CLS);
const NET: ProgTypes = ProgTypes::NETWORKING;

/// Builds a row; `flags` are (`gpl_only`, `pkt_access`, `changes_pkt_data`).
const fn h(
    id: u32,
    name: &'static str,
    args: [ArgType; 5],
    ret: RetType,
    flags: (bool, bool, bool),
    prog_types: ProgTypes,
) -> HelperProto {
    HelperProto {
        id,
        name,
        args,
        ret,
        gpl_only: flags.0,
        pkt_access: flags.1,
        changes_pkt_data: flags.2,
        prog_types,
    }
}

const PLAIN: (bool, bool, bool) = (false, false, false);
const GPL: (bool, bool, bool) = (true, false, false);
const PKT: (bool, bool, bool) = (false, true, false);
const CHANGES_PKT: (bool, bool, bool) = (false, false, true);
const NO_ARGS: [ArgType; 5] = [DontCare; 5];
const PROBE_READ: [ArgType; 5] = [
    PtrToUninitMem,
    ConstSizeOrZero,
    Anything,
    DontCare,
    DontCare,
];
const EVENT_OUTPUT: [ArgType; 5] = [PtrToCtx, ConstMapPtr, Anything, PtrToMem, ConstSizeOrZero];
const CSUM_REPLACE: [ArgType; 5] = [PtrToCtx, Anything, Anything, Anything, Anything];
const ADJUST: [ArgType; 5] = [PtrToCtx, Anything, DontCare, DontCare, DontCare];

/// Every built-in helper, sorted by id.
#[rustfmt::skip]
pub static BUILTIN_HELPERS: &[HelperProto] = &[
    h(1, "bpf_map_lookup_elem", [ConstMapPtr, PtrToMapKey, DontCare, DontCare, DontCare], PtrToMapValueOrNull, PKT, ALL),
    h(2, "bpf_map_update_elem", [ConstMapPtr, PtrToMapKey, PtrToMapValue, Anything, DontCare], Integer, PKT, ALL),
    h(3, "bpf_map_delete_elem", [ConstMapPtr, PtrToMapKey, DontCare, DontCare, DontCare], Integer, PKT, ALL),
    h(4, "bpf_probe_read", PROBE_READ, Integer, GPL, TRACING),
    h(5, "bpf_ktime_get_ns", NO_ARGS, Integer, PLAIN, ALL),
    h(6, "bpf_trace_printk", [PtrToMem, ConstSize, DontCare, DontCare, DontCare], Integer, GPL, ALL),
    h(7, "bpf_get_prandom_u32", NO_ARGS, Integer, PLAIN, ALL),
    h(8, "bpf_get_smp_processor_id", NO_ARGS, Integer, PLAIN, ALL),
    h(9, "bpf_skb_store_bytes", [PtrToCtx, Anything, PtrToMem, ConstSize, Anything], Integer, CHANGES_PKT, TC),
    h(10, "bpf_l3_csum_replace", CSUM_REPLACE, Integer, CHANGES_PKT, TC),
    h(11, "bpf_l4_csum_replace", CSUM_REPLACE, Integer, CHANGES_PKT, TC),
    h(12, "bpf_tail_call", [PtrToCtx, ConstMapPtr, Anything, DontCare, DontCare], Void, PLAIN, ALL),
    h(14, "bpf_get_current_pid_tgid", NO_ARGS, Integer, PLAIN, ALL),
    h(15, "bpf_get_current_uid_gid", NO_ARGS, Integer, PLAIN, ALL),
    h(16, "bpf_get_current_comm", [PtrToUninitMem, ConstSize, DontCare, DontCare, DontCare], Integer, PLAIN, ALL),
    h(23, "bpf_redirect", [Anything, Anything, DontCare, DontCare, DontCare], Integer, PLAIN, TC_XDP),
    h(25, "bpf_perf_event_output", EVENT_OUTPUT, Integer, GPL, ALL),
    h(26, "bpf_skb_load_bytes", [PtrToCtx, Anything, PtrToUninitMem, ConstSize, DontCare], Integer, PLAIN, SKB),
    h(27, "bpf_get_stackid", [PtrToCtx, ConstMapPtr, Anything, DontCare, DontCare], Integer, GPL, TRACING),
    h(28, "bpf_csum_diff", [PtrToMemOrNull, ConstSizeOrZero, PtrToMemOrNull, ConstSizeOrZero, Anything], Integer, PKT, TC_XDP),
    h(42, "bpf_get_numa_node_id", NO_ARGS, Integer, PLAIN, ALL),
    h(44, "bpf_xdp_adjust_head", ADJUST, Integer, CHANGES_PKT, XDP),
    h(45, "bpf_probe_read_str", PROBE_READ, Integer, GPL, TRACING),
    h(51, "bpf_redirect_map", [ConstMapPtr, Anything, Anything, DontCare, DontCare], Integer, PLAIN, XDP),
    h(54, "bpf_xdp_adjust_meta", ADJUST, Integer, CHANGES_PKT, XDP),
    h(65, "bpf_xdp_adjust_tail", ADJUST, Integer, CHANGES_PKT, XDP),
    h(67, "bpf_get_stack", [PtrToCtx, PtrToUninitMem, ConstSizeOrZero, Anything, DontCare], Integer, GPL, TRACING),
    h(80, "bpf_get_current_cgroup_id", NO_ARGS, Integer, PLAIN, ALL),
    h(87, "bpf_map_push_elem", [ConstMapPtr, PtrToMapValue, Anything, DontCare, DontCare], Integer, PKT, ALL),
    h(88, "bpf_map_pop_elem", [ConstMapPtr, PtrToUninitMapValue, DontCare, DontCare, DontCare], Integer, PLAIN, ALL),
    h(89, "bpf_map_peek_elem", [ConstMapPtr, PtrToUninitMapValue, DontCare, DontCare, DontCare], Integer, PLAIN, ALL),
    h(112, "bpf_probe_read_user", PROBE_READ, Integer, GPL, ALL),
    h(113, "bpf_probe_read_kernel", PROBE_READ, Integer, GPL, ALL),
    h(114, "bpf_probe_read_user_str", PROBE_READ, Integer, GPL, ALL),
    h(115, "bpf_probe_read_kernel_str", PROBE_READ, Integer, GPL, ALL),
    h(118, "bpf_jiffies64", NO_ARGS, Integer, PLAIN, ALL),
    h(125, "bpf_ktime_get_boot_ns", NO_ARGS, Integer, PLAIN, ALL),
    h(130, "bpf_ringbuf_output", [ConstMapPtr, PtrToMem, ConstSizeOrZero, Anything, DontCare], Integer, PLAIN, ALL),
    h(131, "bpf_ringbuf_reserve", [ConstMapPtr, ConstAllocSizeOrZero, Anything, DontCare, DontCare], PtrToRingbufMemOrNull, PLAIN, ALL),
    h(132, "bpf_ringbuf_submit", [PtrToRingbufMem, Anything, DontCare, DontCare, DontCare], Void, PLAIN, ALL),
    h(133, "bpf_ringbuf_discard", [PtrToRingbufMem, Anything, DontCare, DontCare, DontCare], Void, PLAIN, ALL),
    h(134, "bpf_ringbuf_query", [ConstMapPtr, Anything, DontCare, DontCare, DontCare], Integer, PLAIN, ALL),
    h(160, "bpf_ktime_get_coarse_ns", NO_ARGS, Integer, PLAIN, NET),
    h(164, "bpf_for_each_map_elem", [ConstMapPtr, PtrToFunc, PtrToStackOrNull, Anything, DontCare], Integer, PLAIN, ALL),
    h(165, "bpf_snprintf", [PtrToUninitMemOrNull, ConstSizeOrZero, PtrToConstStr, PtrToMemOrNull, ConstSizeOrZero], Integer, GPL, ALL),
    h(181, "bpf_loop", [Anything, PtrToFunc, PtrToStackOrNull, Anything, DontCare], Integer, PLAIN, ALL),
    h(182, "bpf_strncmp", [PtrToMem, ConstSize, PtrToConstStr, DontCare, DontCare], Integer, PLAIN, ALL),
    h(189, "bpf_xdp_load_bytes", [PtrToCtx, Anything, PtrToUninitMem, ConstSize, DontCare], Integer, PLAIN, XDP),
    h(190, "bpf_xdp_store_bytes", [PtrToCtx, Anything, PtrToMem, ConstSize, DontCare], Integer, PLAIN, XDP),
    h(195, "bpf_map_lookup_percpu_elem", [ConstMapPtr, PtrToMapKey, Anything, DontCare, DontCare], PtrToMapValueOrNull, PLAIN, ALL),
    h(208, "bpf_ktime_get_tai_ns", NO_ARGS, Integer, PLAIN, ALL),
];
