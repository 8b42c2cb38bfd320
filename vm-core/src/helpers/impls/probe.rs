//! `bpf_probe_read_*`: copies from the synthetic kernel and user memory of the
//! [`System`](crate::run::System). Kernel reads may also read the program's own
//! memory (its stack, context and map values are kernel memory). A read of an
//! address nothing backs fails with `-EFAULT` and zeroes the destination, as
//! in the kernel.

use alloc::vec::Vec;

use crate::interp::{HelperError, HelperResult, Memory};
use crate::run::env::{ret, ret_errno};
use crate::run::RunEnv;

const EFAULT: i64 = 14;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Space {
    Kernel,
    User,
    Either,
}

/// The bytes from `addr` to the end of whatever backs it (at most `max`).
fn backing(env: &RunEnv<'_>, mem: &Memory, space: Space, addr: u64, max: usize) -> Option<Vec<u8>> {
    for seg in &env.system.memory {
        let wanted = match space {
            Space::Kernel => !seg.user,
            Space::User => seg.user,
            Space::Either => true,
        };
        let Some(off) = addr.checked_sub(seg.addr) else {
            continue;
        };
        if wanted && off < seg.bytes.len() as u64 {
            let rest = seg.bytes.get(off as usize..)?;
            return Some(rest.get(..max.min(rest.len()))?.to_vec());
        }
    }
    if space != Space::User {
        let r = mem.region_at(addr)?;
        let off = (addr - r.base()) as usize;
        let rest = r.data().get(off..)?;
        return Some(rest.get(..max.min(rest.len()))?.to_vec());
    }
    None
}

fn read(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
    space: Space,
    name: &str,
) -> Result<HelperResult, HelperError> {
    let size = usize::try_from(a[1]).unwrap_or(usize::MAX).min(1 << 20);
    match backing(env, mem, space, a[2], size) {
        Some(bytes) if bytes.len() == size => {
            env.write(mem, a[0], &bytes, name)?;
            ret(0)
        }
        _ => {
            env.write(mem, a[0], &alloc::vec![0u8; size], name)?;
            ret_errno(EFAULT)
        }
    }
}

fn read_str(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
    space: Space,
    name: &str,
) -> Result<HelperResult, HelperError> {
    let size = usize::try_from(a[1]).unwrap_or(usize::MAX).min(1 << 20);
    if size == 0 {
        return ret(0);
    }
    let bytes = backing(env, mem, space, a[2], size).unwrap_or_default();
    let text_len = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    if text_len < size - 1 && text_len == bytes.len() {
        // The string runs off the end of what backs it.
        env.write(mem, a[0], &alloc::vec![0u8; size], name)?;
        return ret_errno(EFAULT);
    }
    let n = text_len.min(size - 1);
    let mut out = bytes.get(..n).unwrap_or(&[]).to_vec();
    out.push(0);
    env.write(mem, a[0], &out, name)?;
    ret(out.len() as u64)
}

/// Defines each helper `bpf_NAME` as `read` or `read_str` on one memory space.
macro_rules! probe_helpers {
    ($($(#[$doc:meta])* $name:ident: $copy:ident from $space:ident;)*) => {$(
        $(#[$doc])*
        pub(super) fn $name(
            env: &mut RunEnv<'_>,
            mem: &mut Memory,
            a: [u64; 5],
        ) -> Result<HelperResult, HelperError> {
            $copy(env, mem, a, Space::$space, concat!("bpf_", stringify!($name)))
        }
    )*};
}

probe_helpers! {
    /// `long bpf_probe_read(dst, size, unsafe_ptr)`: kernel or user memory.
    probe_read: read from Either;
    /// `long bpf_probe_read_kernel(dst, size, unsafe_ptr)`.
    probe_read_kernel: read from Kernel;
    /// `long bpf_probe_read_user(dst, size, unsafe_ptr)`.
    probe_read_user: read from User;
    /// `long bpf_probe_read_str(dst, size, unsafe_ptr)`: length with the NUL.
    probe_read_str: read_str from Either;
    /// `long bpf_probe_read_kernel_str(dst, size, unsafe_ptr)`.
    probe_read_kernel_str: read_str from Kernel;
    /// `long bpf_probe_read_user_str(dst, size, unsafe_ptr)`.
    probe_read_user_str: read_str from User;
}

/// A NUL-terminated string at `addr` in kernel memory (for `%s`), at most `max` bytes.
pub(super) fn kernel_string(
    env: &RunEnv<'_>,
    mem: &Memory,
    addr: u64,
    max: usize,
) -> Option<Vec<u8>> {
    let bytes = backing(env, mem, Space::Kernel, addr, max)?;
    let n = bytes.iter().position(|b| *b == 0)?;
    Some(bytes.get(..n)?.to_vec())
}

/// Up to `max` bytes at `addr` in kernel memory, fewer where what backs it
/// ends, none when nothing does (`bpf_strncmp`'s constant string).
pub(super) fn kernel_prefix(env: &RunEnv<'_>, mem: &Memory, addr: u64, max: usize) -> Vec<u8> {
    backing(env, mem, Space::Kernel, addr, max).unwrap_or_default()
}

/// `n` bytes at `addr` in kernel memory (for `%pI4`, `%pI6`).
pub(super) fn kernel_bytes(env: &RunEnv<'_>, mem: &Memory, addr: u64, n: usize) -> Option<Vec<u8>> {
    backing(env, mem, Space::Kernel, addr, n).filter(|b| b.len() == n)
}
