//! The virtual clock, the seeded random generator and the CPU number.

use crate::interp::{HelperError, HelperResult, Memory};
use crate::run::env::ret;
use crate::run::RunEnv;

/// Nanoseconds per jiffy (`HZ` = 250).
const NS_PER_JIFFY: u64 = 4_000_000;
/// `CLOCK_TAI` runs ahead of the boot clock by this much here (37 leap seconds).
const TAI_OFFSET_NS: u64 = 37_000_000_000;

/// `u64 bpf_ktime_get_ns(void)`.
pub(super) fn ktime_get_ns(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(env.read_clock())
}

/// `u64 bpf_ktime_get_boot_ns(void)`: the same clock (nothing here suspends).
pub(super) fn ktime_get_boot_ns(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(env.read_clock())
}

/// `u64 bpf_ktime_get_coarse_ns(void)`: the clock at jiffy resolution.
pub(super) fn ktime_get_coarse_ns(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let now = env.read_clock();
    ret(now - now % NS_PER_JIFFY)
}

/// `u64 bpf_ktime_get_tai_ns(void)`.
pub(super) fn ktime_get_tai_ns(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(env.read_clock().wrapping_add(TAI_OFFSET_NS))
}

/// `u64 bpf_jiffies64(void)`.
pub(super) fn jiffies64(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(env.read_clock() / NS_PER_JIFFY)
}

/// `u32 bpf_get_prandom_u32(void)`.
pub(super) fn get_prandom_u32(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(u64::from(env.next_random()))
}

/// `u32 bpf_get_smp_processor_id(void)`.
pub(super) fn get_smp_processor_id(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(u64::from(env.system.cpu))
}

/// `long bpf_get_numa_node_id(void)`: one node.
pub(super) fn get_numa_node_id(
    _: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(0)
}
