//! The current process (from the synthetic process table) and its call stacks.

use alloc::vec::Vec;

use crate::interp::{HelperError, HelperResult, Memory};
use crate::maps::stack_trace::{BPF_F_SKIP_FIELD_MASK, BPF_F_USER_STACK};
use crate::run::env::{ret, ret_err, ret_errno};
use crate::run::RunEnv;

/// `bpf_get_stack` flag: build ids instead of addresses (not simulated).
const BPF_F_USER_BUILD_ID: u64 = 1 << 11;

/// `u64 bpf_get_current_pid_tgid(void)`: `tgid << 32 | pid`.
pub(super) fn get_current_pid_tgid(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let p = &env.system.process;
    ret(u64::from(p.tgid) << 32 | u64::from(p.pid))
}

/// `u64 bpf_get_current_uid_gid(void)`: `gid << 32 | uid`.
pub(super) fn get_current_uid_gid(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let p = &env.system.process;
    ret(u64::from(p.gid) << 32 | u64::from(p.uid))
}

/// `long bpf_get_current_comm(buf, size)`: the command, NUL-terminated and padded.
pub(super) fn get_current_comm(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let comm = env.system.process.comm_bytes();
    let size = usize::try_from(a[1]).unwrap_or(usize::MAX).min(1 << 20);
    let mut out = alloc::vec![0u8; size];
    let n = size.saturating_sub(1).min(comm.len());
    if let (Some(d), Some(s)) = (out.get_mut(..n), comm.get(..n)) {
        d.copy_from_slice(s);
    }
    if let Some(nul) = out.iter().position(|b| *b == 0) {
        out.iter_mut().skip(nul).for_each(|b| *b = 0);
    }
    env.write(mem, a[0], &out, "bpf_get_current_comm")?;
    ret(0)
}

/// `u64 bpf_get_current_cgroup_id(void)`.
pub(super) fn get_current_cgroup_id(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    _: [u64; 5],
) -> Result<HelperResult, HelperError> {
    ret(env.system.process.cgroup_id)
}

fn stack_of(env: &RunEnv<'_>, flags: u64) -> Vec<u64> {
    if flags & BPF_F_USER_STACK != 0 {
        env.system.user_stack.clone()
    } else {
        env.system.kernel_stack.clone()
    }
}

/// `long bpf_get_stackid(ctx, map, flags)`: the id of the current stack in a stack trace map.
pub(super) fn get_stackid(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[1], "bpf_get_stackid")?;
    let stack = stack_of(env, a[2]);
    let Some(m) = env.maps.stack_trace_mut(map) else {
        return ret_errno(22);
    };
    match m.get_stackid(&stack, a[2]) {
        Ok(id) => ret(u64::from(id)),
        Err(e) => ret_err(e),
    }
}

/// `long bpf_get_stack(ctx, buf, size, flags)`: copies the stack's addresses;
/// returns the bytes written (the rest of `buf` is zeroed).
pub(super) fn get_stack(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_get_stack";
    let size = usize::try_from(a[2]).unwrap_or(usize::MAX).min(1 << 20);
    let flags = a[3];
    let mut out = alloc::vec![0u8; size];
    let bad_flags = flags & !(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_USER_BUILD_ID) != 0;
    if bad_flags || size % 8 != 0 || flags & BPF_F_USER_BUILD_ID != 0 {
        env.write(mem, a[1], &out, name)?;
        return ret_errno(22);
    }
    let skip = (flags & BPF_F_SKIP_FIELD_MASK) as usize;
    let stack = stack_of(env, flags);
    let mut n = 0;
    for (chunk, ip) in out.chunks_exact_mut(8).zip(stack.iter().skip(skip)) {
        chunk.copy_from_slice(&ip.to_le_bytes());
        n += 8;
    }
    env.write(mem, a[1], &out, name)?;
    ret(n as u64)
}
