//! `bpf_strncmp`: compares program memory with a constant string (one the
//! verifier proved NUL-terminated in a read-only map, clang's `.rodata`).

use crate::interp::{HelperError, HelperResult, Memory};
use crate::run::env::ret;
use crate::run::RunEnv;

use super::probe::kernel_prefix;

/// The kernel's `strncmp`: the first `count` bytes at most, stopping after a
/// NUL; -1, 0 or 1 by the first differing byte compared unsigned (missing
/// bytes of `s2` read as NUL).
fn strncmp(s1: &[u8], s2: &[u8], count: usize) -> i64 {
    for i in 0..count {
        let c1 = s1.get(i).copied().unwrap_or(0);
        let c2 = s2.get(i).copied().unwrap_or(0);
        if c1 != c2 {
            return if c1 < c2 { -1 } else { 1 };
        }
        if c1 == 0 {
            break;
        }
    }
    0
}

/// `long bpf_strncmp(s1, s1_sz, s2)`: `s1` is `s1_sz` bytes of memory, `s2` a
/// constant string; as `strncmp(s1, s2, s1_sz)`: -1, 0 or 1.
pub(super) fn bpf_strncmp(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let s1 = env.read(mem, a[0], u64::from(a[1] as u32), "bpf_strncmp")?;
    let s2 = kernel_prefix(env, mem, a[2], s1.len());
    ret(strncmp(&s1, &s2, s1.len()) as u64)
}

#[cfg(test)]
mod tests {
    use super::strncmp;

    #[test]
    fn sign_of_the_first_difference_unsigned_and_stops_at_nul() {
        assert_eq!(strncmp(b"abc\0", b"abc\0", 4), 0);
        assert_eq!(strncmp(b"abd\0", b"abc\0", 4), 1);
        assert_eq!(strncmp(b"abb\0", b"abc\0", 4), -1);
        assert_eq!(strncmp(b"ab\xff", b"abc\0", 3), 1, "bytes compare unsigned");
        assert_eq!(strncmp(b"ab\xff", b"abc\0", 2), 0, "only s1_sz bytes");
        assert_eq!(
            strncmp(b"ab\0x", b"ab\0y", 4),
            0,
            "nothing after a NUL counts"
        );
        assert_eq!(strncmp(b"abc", b"ab", 3), 1, "a short s2 ends in NUL");
        assert_eq!(strncmp(b"", b"abc", 0), 0);
    }
}
