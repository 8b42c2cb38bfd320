//! The built-in helpers' implementations, one file per family. Each is a
//! [`HelperFn`]: it reads its arguments, acts on the [`RunEnv`] and the
//! program's memory, and returns what goes in `r0` (or a callback to run,
//! or the end of the program for `bpf_tail_call`). Failures the kernel reports
//! as `-errno` return that; only a bad pointer (which the verifier would have
//! refused) stops the run.

mod control;
mod maps;
mod packet;
mod printk;
mod probe;
mod process;
mod ringbuf;
mod string;
mod time;

use super::HelperFn;
use crate::interp::{HelperError, HelperResult, Memory};
use crate::run::RunEnv;

/// The implementation of built-in helper `id`.
pub(crate) fn builtin_implementation(id: u32) -> Option<HelperFn> {
    Some(match id {
        1 => maps::map_lookup_elem,
        2 => maps::map_update_elem,
        3 => maps::map_delete_elem,
        4 => probe::probe_read,
        5 => time::ktime_get_ns,
        6 => printk::trace_printk,
        7 => time::get_prandom_u32,
        8 => time::get_smp_processor_id,
        9 => packet::skb_store_bytes,
        10 => packet::l3_csum_replace,
        11 => packet::l4_csum_replace,
        12 => control::tail_call,
        14 => process::get_current_pid_tgid,
        15 => process::get_current_uid_gid,
        16 => process::get_current_comm,
        23 => packet::redirect,
        25 => ringbuf::perf_event_output,
        26 => packet::skb_load_bytes,
        27 => process::get_stackid,
        28 => packet::csum_diff,
        42 => time::get_numa_node_id,
        44 => packet::xdp_adjust_head,
        45 => probe::probe_read_str,
        51 => packet::redirect_map,
        54 => packet::xdp_adjust_meta,
        65 => packet::xdp_adjust_tail,
        67 => process::get_stack,
        80 => process::get_current_cgroup_id,
        87 => maps::map_push_elem,
        88 => maps::map_pop_elem,
        89 => maps::map_peek_elem,
        112 => probe::probe_read_user,
        113 => probe::probe_read_kernel,
        114 => probe::probe_read_user_str,
        115 => probe::probe_read_kernel_str,
        118 => time::jiffies64,
        125 => time::ktime_get_boot_ns,
        130 => ringbuf::ringbuf_output,
        131 => ringbuf::ringbuf_reserve,
        132 => ringbuf::ringbuf_submit,
        133 => ringbuf::ringbuf_discard,
        134 => ringbuf::ringbuf_query,
        160 => time::ktime_get_coarse_ns,
        164 => control::for_each_map_elem,
        165 => printk::snprintf,
        181 => control::bpf_loop,
        182 => string::bpf_strncmp,
        189 => packet::xdp_load_bytes,
        190 => packet::xdp_store_bytes,
        195 => maps::map_lookup_percpu_elem,
        208 => time::ktime_get_tai_ns,
        _ => return None,
    })
}

/// Whether the kernel accepts `bpf_snprintf`'s format `fmt` (without its NUL)
/// with `num_args` arguments (the verifier's `check_bpf_snprintf_call`).
pub(crate) fn bprintf_format_ok(fmt: &[u8], num_args: usize) -> bool {
    printk::bprintf_format_ok(fmt, num_args)
}

/// A callback started by `bpf_loop` or `bpf_for_each_map_elem` returned.
pub(crate) fn callback_returned(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    ret: u64,
) -> Result<HelperResult, HelperError> {
    control::callback_returned(env, mem, ret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helpers::BUILTIN_HELPERS;

    #[test]
    fn every_builtin_prototype_has_an_implementation() {
        for p in BUILTIN_HELPERS {
            assert!(builtin_implementation(p.id).is_some(), "{}", p.name);
        }
        assert!(builtin_implementation(13).is_none());
    }
}
