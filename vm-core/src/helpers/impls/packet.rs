//! Packet helpers: XDP head / tail / metadata adjustment, `__sk_buff` loads
//! and stores, Internet checksum updates, and redirects.
//!
//! Checksum arithmetic is the one's-complement sum over 16-bit words in memory
//! order; as in the kernel, `from` / `to` are passed exactly as the program
//! loaded them from the packet, so no byte swapping is needed anywhere.

use crate::interp::{HelperError, HelperResult, Memory};
use crate::program::ProgramType;
use crate::run::env::{failed, ret, ret_errno, Redirect};
use crate::run::RunEnv;

const EINVAL: i64 = 22;
const EFAULT: i64 = 14;

/// `bpf_skb_store_bytes` flags.
const BPF_F_RECOMPUTE_CSUM: u64 = 1;
const BPF_F_INVALIDATE_HASH: u64 = 2;
/// `bpf_l3/l4_csum_replace` flags.
const BPF_F_HDR_FIELD_MASK: u64 = 0xf;
const BPF_F_PSEUDO_HDR: u64 = 1 << 4;
const BPF_F_MARK_MANGLED_0: u64 = 1 << 5;
const BPF_F_MARK_ENFORCE: u64 = 1 << 6;
const BPF_F_IPV6: u64 = 1 << 7;
/// `bpf_redirect` flag: deliver on the target's ingress.
const BPF_F_INGRESS: u64 = 1;
/// `bpf_redirect_map` flags for devmaps.
const BPF_F_BROADCAST: u64 = 1 << 3;
const BPF_F_EXCLUDE_INGRESS: u64 = 1 << 4;

const XDP_ABORTED: u64 = 0;
const XDP_REDIRECT: u64 = 4;
const TC_ACT_SHOT: u64 = 2;
const TC_ACT_REDIRECT: u64 = 7;

/// One's-complement 32-bit addition (`csum_add`).
pub(crate) fn csum_add(a: u32, b: u32) -> u32 {
    let (s, carry) = a.overflowing_add(b);
    s.wrapping_add(u32::from(carry))
}

/// Folds a 32-bit partial sum to the 16-bit checksum (`csum_fold`).
pub(crate) fn csum_fold(sum: u32) -> u16 {
    let s = (sum & 0xffff) + (sum >> 16);
    let s = (s & 0xffff) + (s >> 16);
    !(s as u16)
}

/// The 32-bit partial sum of `words` on top of `seed` (`csum_partial`).
pub(crate) fn csum_partial(words: &[u32], seed: u32) -> u32 {
    words.iter().fold(seed, |acc, w| csum_add(acc, *w))
}

/// `*sum` after replacing `from` by `to` (`csum_replace4`; 2-byte values are zero-extended).
fn csum_replace(sum: u16, from: u32, to: u32) -> u16 {
    csum_fold(csum_partial(&[!from, to], u32::from(!sum)))
}

/// `*sum` after adding a precomputed difference (`csum_replace_by_diff`).
fn csum_replace_by_diff(sum: u16, diff: u32) -> u16 {
    csum_fold(csum_add(diff, u32::from(!sum)))
}

fn packet_info(env: &RunEnv<'_>) -> Option<(u64, usize)> {
    env.packet.as_ref().map(|p| (p.data_addr(), p.len()))
}

/// `long bpf_xdp_adjust_head(xdp_md, delta)`.
pub(super) fn xdp_adjust_head(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let ok = env
        .packet
        .as_mut()
        .is_some_and(|p| p.adjust_head(mem, a[1] as i32 as i64));
    env.sync_ctx_packet_fields(mem);
    if ok {
        ret(0)
    } else {
        ret_errno(EINVAL)
    }
}

/// `long bpf_xdp_adjust_tail(xdp_md, delta)`.
pub(super) fn xdp_adjust_tail(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let ok = env
        .packet
        .as_mut()
        .is_some_and(|p| p.adjust_tail(mem, a[1] as i32 as i64));
    env.sync_ctx_packet_fields(mem);
    if ok {
        ret(0)
    } else {
        ret_errno(EINVAL)
    }
}

/// `long bpf_xdp_adjust_meta(xdp_md, delta)`.
pub(super) fn xdp_adjust_meta(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let res = match env.packet.as_mut() {
        Some(p) => p.adjust_meta(mem, a[1] as i32 as i64),
        None => Err(EINVAL),
    };
    env.sync_ctx_packet_fields(mem);
    match res {
        Ok(()) => ret(0),
        Err(errno) => ret_errno(errno),
    }
}

/// `long bpf_skb_load_bytes(skb, offset, to, len)`: `-EFAULT` (and `to` zeroed)
/// past the end of the packet.
pub(super) fn skb_load_bytes(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_skb_load_bytes";
    let (offset, len) = (u64::from(a[1] as u32), a[3]);
    let Some((data, plen)) = packet_info(env) else {
        return ret_errno(EFAULT);
    };
    if offset > i32::MAX as u64 || offset.saturating_add(len) > plen as u64 {
        env.write(
            mem,
            a[2],
            &alloc::vec![0; usize::try_from(len).unwrap_or(0).min(1 << 20)],
            name,
        )?;
        return ret_errno(EFAULT);
    }
    let bytes = env.read(mem, data + offset, len, name)?;
    env.write(mem, a[2], &bytes, name)?;
    ret(0)
}

/// `long bpf_skb_store_bytes(skb, offset, from, len, flags)`.
pub(super) fn skb_store_bytes(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_skb_store_bytes";
    let (offset, len, flags) = (u64::from(a[1] as u32), u64::from(a[3] as u32), a[4]);
    if flags & !(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH) != 0 {
        return ret_errno(EINVAL);
    }
    let Some((data, plen)) = packet_info(env) else {
        return ret_errno(EFAULT);
    };
    if offset > i32::MAX as u64 || offset.saturating_add(len) > plen as u64 {
        return ret_errno(EFAULT);
    }
    let bytes = env.read(mem, a[2], len, name)?;
    env.write(mem, data + offset, &bytes, name)?;
    ret(0)
}

/// The address of `len` bytes at `offset` in an XDP packet (the kernel's
/// `bpf_xdp_pointer`): `-EFAULT` past 64 KiB, `-EINVAL` past the end.
fn xdp_bytes(env: &RunEnv<'_>, offset: u64, len: u64) -> Result<u64, i64> {
    let (data, plen) = packet_info(env).ok_or(EFAULT)?;
    if offset > 0xffff || len > 0xffff {
        return Err(EFAULT);
    }
    if offset + len > plen as u64 {
        return Err(EINVAL);
    }
    data.checked_add(offset).ok_or(EFAULT)
}

/// Copies `len` bytes between the XDP packet at `offset` and `buf` (into
/// the packet when `store`); on an error nothing is copied.
fn xdp_copy(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
    store: bool,
) -> Result<HelperResult, HelperError> {
    let name = if store {
        "bpf_xdp_store_bytes"
    } else {
        "bpf_xdp_load_bytes"
    };
    let (offset, buf, len) = (u64::from(a[1] as u32), a[2], u64::from(a[3] as u32));
    let at = match xdp_bytes(env, offset, len) {
        Ok(at) => at,
        Err(errno) => return ret_errno(errno),
    };
    let (src, dst) = if store { (buf, at) } else { (at, buf) };
    let bytes = env.read(mem, src, len, name)?;
    env.write(mem, dst, &bytes, name)?;
    ret(0)
}

/// `long bpf_xdp_load_bytes(xdp_md, offset, buf, len)`: copies packet bytes
/// out (`buf` is left as it was on an error).
pub(super) fn xdp_load_bytes(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    xdp_copy(env, mem, a, false)
}

/// `long bpf_xdp_store_bytes(xdp_md, offset, buf, len)`: copies bytes into
/// the packet; packet pointers stay valid (the packet does not move).
pub(super) fn xdp_store_bytes(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    xdp_copy(env, mem, a, true)
}

/// Reads the 16-bit checksum field at packet offset `offset`, or the errno.
fn csum_field(env: &RunEnv<'_>, mem: &mut Memory, offset: u64) -> Result<(u64, u16), i64> {
    let (data, plen) = packet_info(env).ok_or(EFAULT)?;
    if offset > 0xffff || offset & 1 != 0 || offset + 2 > plen as u64 {
        return Err(EFAULT);
    }
    let addr = data + offset;
    let v = mem.load::<2>(addr).map_err(|_| EFAULT)?;
    Ok((addr, u16::from_le_bytes(v)))
}

fn store_csum(env: &RunEnv<'_>, mem: &mut Memory, addr: u64, sum: u16) -> Result<(), HelperError> {
    env.write(mem, addr, &sum.to_le_bytes(), "checksum update")
}

/// `long bpf_l3_csum_replace(skb, offset, from, to, flags)`: flags give the
/// field size (2 or 4), or 0 when `to` is a difference from `bpf_csum_diff`.
pub(super) fn l3_csum_replace(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let (offset, from, to, flags) = (a[1], a[2] as u32, a[3] as u32, a[4]);
    if flags & !BPF_F_HDR_FIELD_MASK != 0 {
        return ret_errno(EINVAL);
    }
    let (addr, sum) = match csum_field(env, mem, offset) {
        Ok(f) => f,
        Err(errno) => return ret_errno(errno),
    };
    let new = match flags & BPF_F_HDR_FIELD_MASK {
        0 if from != 0 => return ret_errno(EINVAL),
        0 => csum_replace_by_diff(sum, to),
        2 => csum_replace(sum, from & 0xffff, to & 0xffff),
        4 => csum_replace(sum, from, to),
        _ => return ret_errno(EINVAL),
    };
    store_csum(env, mem, addr, new)?;
    ret(0)
}

/// `long bpf_l4_csum_replace(skb, offset, from, to, flags)`: as the L3 one, plus
/// `BPF_F_MARK_MANGLED_0` (a zero UDP checksum means "none": leave it, and never
/// produce 0) and `BPF_F_PSEUDO_HDR` (the field is covered by the pseudo header;
/// the update to the field itself is the same).
pub(super) fn l4_csum_replace(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let (offset, from, to, flags) = (a[1], a[2] as u32, a[3] as u32, a[4]);
    let allowed = BPF_F_MARK_MANGLED_0
        | BPF_F_MARK_ENFORCE
        | BPF_F_PSEUDO_HDR
        | BPF_F_IPV6
        | BPF_F_HDR_FIELD_MASK;
    if flags & !allowed != 0 {
        return ret_errno(EINVAL);
    }
    let (addr, sum) = match csum_field(env, mem, offset) {
        Ok(f) => f,
        Err(errno) => return ret_errno(errno),
    };
    let mmzero = flags & BPF_F_MARK_MANGLED_0 != 0;
    if mmzero && flags & BPF_F_MARK_ENFORCE == 0 && sum == 0 {
        return ret(0);
    }
    let mut new = match flags & BPF_F_HDR_FIELD_MASK {
        0 if from != 0 => return ret_errno(EINVAL),
        0 => csum_replace_by_diff(sum, to),
        2 => csum_replace(sum, from & 0xffff, to & 0xffff),
        4 => csum_replace(sum, from, to),
        _ => return ret_errno(EINVAL),
    };
    if mmzero && new == 0 {
        new = 0xffff;
    }
    store_csum(env, mem, addr, new)?;
    ret(0)
}

/// The one's-complement sum of `bytes` (16-bit little-endian words, an odd
/// last byte padded) on top of `seed`, as a 32-bit partial sum.
fn csum_partial_bytes(bytes: &[u8], seed: u32) -> u32 {
    let mut acc = u64::from(seed);
    for c in bytes.chunks(2) {
        acc += u64::from(u16::from_le_bytes([c[0], c.get(1).copied().unwrap_or(0)]));
    }
    while acc >> 32 != 0 {
        acc = (acc & 0xffff_ffff) + (acc >> 32);
    }
    acc as u32
}

/// Folds a 32-bit partial sum to 16 bits without complementing (`csum_from32to16`).
fn csum_from32to16(sum: u32) -> u32 {
    let s = sum.wrapping_add(sum.rotate_left(16));
    s >> 16
}

/// `s64 bpf_csum_diff(from, from_size, to, to_size, seed)`: the checksum
/// difference of replacing `from` by `to` on top of `seed`, folded to 16 bits,
/// as kernels since 6.12 compute it (any sizes; older kernels wanted multiples
/// of 4 and at most 512 bytes in all, and returned the unfolded 32-bit sum).
pub(super) fn csum_diff(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_csum_diff";
    let (from_size, to_size) = (u64::from(a[1] as u32), u64::from(a[3] as u32));
    let from = if from_size > 0 {
        env.read(mem, a[0], from_size, name)?
    } else {
        alloc::vec::Vec::new()
    };
    let to = if to_size > 0 {
        env.read(mem, a[2], to_size, name)?
    } else {
        alloc::vec::Vec::new()
    };
    let seed = a[4] as u32;
    let sum = match (from.is_empty(), to.is_empty()) {
        (false, false) => csum_add(csum_partial_bytes(&to, seed), !csum_partial_bytes(&from, 0)),
        (true, false) => csum_partial_bytes(&to, seed),
        (false, true) => !csum_partial_bytes(&from, !seed),
        (true, true) => seed,
    };
    ret(u64::from(csum_from32to16(sum)))
}

/// `long bpf_redirect(ifindex, flags)`: XDP answers `XDP_REDIRECT` (or
/// `XDP_ABORTED` for any flag), tc `TC_ACT_REDIRECT` (or `TC_ACT_SHOT` for flags
/// other than `BPF_F_INGRESS`). The program still has to return that verdict.
pub(super) fn redirect(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let (ifindex, flags) = (a[0] as u32, a[1]);
    let (ok, done, refused) = match env.prog_type {
        ProgramType::Xdp => (flags == 0, XDP_REDIRECT, XDP_ABORTED),
        _ => (flags & !BPF_F_INGRESS == 0, TC_ACT_REDIRECT, TC_ACT_SHOT),
    };
    if !ok {
        return ret(refused);
    }
    env.redirect = Some(Redirect {
        ifindex,
        flags,
        map: None,
    });
    ret(done)
}

/// `long bpf_redirect_map(map, key, flags)`: redirect to the interface in a
/// devmap slot; when the slot is empty, return the low two bits of `flags`.
pub(super) fn redirect_map(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[0], "bpf_redirect_map")?;
    let (key, flags) = (a[1] as u32, a[2]);
    let action_mask = 3;
    if flags & !(action_mask | BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS) != 0 {
        return ret(XDP_ABORTED);
    }
    let devmap = env
        .maps
        .devmap(map)
        .ok_or_else(|| failed("bpf_redirect_map: only devmaps are supported"))?;
    match devmap.ifindex(key) {
        Some(ifindex) => {
            env.redirect = Some(Redirect {
                ifindex,
                flags,
                map: Some(map),
            });
            ret(XDP_REDIRECT)
        }
        None => ret(flags & action_mask),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IPv4 header checksum of a header with its checksum field zeroed.
    fn ip_checksum(h: &[u8]) -> u16 {
        let words: alloc::vec::Vec<u32> = h
            .chunks(2)
            .map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])))
            .collect();
        csum_fold(csum_partial(&words, 0))
    }

    #[test]
    fn incremental_update_matches_recomputation() {
        let mut h = [
            0x45u8, 0, 0, 0x54, 0, 0, 0x40, 0, 0x40, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        let sum = ip_checksum(&h);
        h[10..12].copy_from_slice(&sum.to_le_bytes());
        assert_eq!(
            ip_checksum(&h),
            0,
            "a header with its checksum sums to zero"
        );
        let old = u32::from_le_bytes([h[16], h[17], h[18], h[19]]);
        let new_addr = [192u8, 168, 7, 9];
        let new = u32::from_le_bytes(new_addr);
        let updated = csum_replace(sum, old, new);
        h[16..20].copy_from_slice(&new_addr);
        h[10..12].copy_from_slice(&[0, 0]);
        assert_eq!(updated, ip_checksum(&h));
        // Through a difference, as bpf_csum_diff + bpf_l3_csum_replace(.., 0, diff, 0) do.
        let diff = csum_add(
            csum_partial_bytes(&new.to_le_bytes(), 0),
            !csum_partial_bytes(&old.to_le_bytes(), 0),
        );
        assert_eq!(csum_replace_by_diff(sum, diff), updated);
        assert_eq!(
            csum_replace_by_diff(sum, csum_from32to16(diff)),
            updated,
            "folded alike"
        );
        assert_eq!(csum_from32to16(0xa382_7374), 0x16f7, "the kernel's answer");
        // A 2-byte field.
        let updated2 = csum_replace(sum, 0x0140, 0x0180);
        let mut h2 = h;
        h2[16..20].copy_from_slice(&old.to_le_bytes());
        h2[8] = 0x80;
        assert_eq!(updated2, ip_checksum(&h2));
    }
}
