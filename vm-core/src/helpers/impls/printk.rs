//! The kernel's restricted printf (`bpf_bprintf_prepare` + `bstr_printf`),
//! shared by `bpf_trace_printk` (at most three arguments, output to the trace
//! log) and `bpf_snprintf` (up to twelve, output to program memory). The
//! format must be printable ASCII and use only `%d %i %u %x %X` (with `l` /
//! `ll`), `%c`, `%s`, `%%`, `%p %pK %px`, `%pks %pus` (strings), `%pI4 %pi4
//! %pI6 %pi6` (addresses read through the pointer), with an optional `[0 +-]`
//! flag and width, and no more conversions than arguments. Anything else is
//! `-EINVAL` and prints nothing.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use super::probe::{kernel_bytes, kernel_string};
use crate::interp::{HelperError, HelperResult, Memory};
use crate::run::env::{failed, ret, ret_errno};
use crate::run::RunEnv;

const EINVAL: i64 = 22;
/// Most conversions one `bpf_trace_printk` may use (`MAX_TRACE_PRINTK_VARARGS`).
const MAX_ARGS: usize = 3;
/// Most arguments `bpf_snprintf` takes (`MAX_BPRINTF_VARARGS`).
const MAX_SNPRINTF_ARGS: u64 = 12;
/// Longest format string `bpf_snprintf` reads.
const MAX_FMT: usize = 1 << 16;
/// Longest string `%s` copies.
const MAX_STR: usize = 1024;

/// Where `%s` and `%pI4` read from.
pub(crate) trait PrintkMemory {
    /// The NUL-terminated string at `addr` (kernel or user memory), without the NUL.
    fn string(&self, addr: u64, user: bool) -> Option<Vec<u8>>;
    /// `n` bytes at `addr` in kernel memory.
    fn bytes(&self, addr: u64, n: usize) -> Option<Vec<u8>>;
}

#[derive(Default, Clone, Copy)]
struct Spec {
    zero: bool,
    left: bool,
    plus: bool,
    space: bool,
    width: usize,
}

fn pad(out: &mut Vec<u8>, s: &[u8], spec: Spec, numeric: bool) {
    let fill = spec.width.saturating_sub(s.len());
    if spec.left {
        out.extend_from_slice(s);
        out.extend(core::iter::repeat_n(b' ', fill));
    } else if spec.zero && numeric {
        let (sign, digits) = match s.first() {
            Some(c @ (b'-' | b'+' | b' ')) => (Some(*c), s.get(1..).unwrap_or_default()),
            _ => (None, s),
        };
        out.extend(sign);
        out.extend(core::iter::repeat_n(b'0', fill));
        out.extend_from_slice(digits);
    } else {
        out.extend(core::iter::repeat_n(b' ', fill));
        out.extend_from_slice(s);
    }
}

/// Formats `fmt` (the bytes of the format argument, NUL-terminated within
/// them) with `args` as `bpf_trace_printk` would; `None` for a format the
/// kernel refuses (`-EINVAL`).
fn format_printk(fmt: &[u8], args: &[u64], mem: &dyn PrintkMemory) -> Option<Vec<u8>> {
    let end = fmt.iter().position(|b| *b == 0)?;
    format_bprintf(fmt.get(..end)?, args, MAX_ARGS, mem)
}

/// Whether the kernel accepts `fmt` (without its NUL) with `num_args`
/// arguments: what the verifier checks for `bpf_snprintf`.
pub(crate) fn bprintf_format_ok(fmt: &[u8], num_args: usize) -> bool {
    struct NoMemory;
    impl PrintkMemory for NoMemory {
        fn string(&self, _: u64, _: bool) -> Option<Vec<u8>> {
            None
        }
        fn bytes(&self, _: u64, _: usize) -> Option<Vec<u8>> {
            None
        }
    }
    format_bprintf(fmt, &[], num_args, &NoMemory).is_some()
}

/// The kernel's `bpf_bprintf_prepare` + `bstr_printf`: `fmt` (without its
/// NUL) formatted with `args` (missing ones read as 0), at most `max_args`
/// conversions; the bytes written, or `None` for `-EINVAL`.
fn format_bprintf(
    fmt: &[u8],
    args: &[u64],
    max_args: usize,
    mem: &dyn PrintkMemory,
) -> Option<Vec<u8>> {
    let at = |i: usize| fmt.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut used = 0usize;
    let mut i = 0usize;
    while i < fmt.len() {
        let c = at(i);
        if !c.is_ascii() || !(c.is_ascii_graphic() || c == b' ' || c.is_ascii_whitespace()) {
            return None;
        }
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        if at(i + 1) == b'%' {
            out.push(b'%');
            i += 2;
            continue;
        }
        if used >= max_args {
            return None;
        }
        let arg = args.get(used).copied().unwrap_or(0);
        used += 1;
        i += 1;
        let mut spec = Spec::default();
        while let b'0' | b'+' | b'-' | b' ' = at(i) {
            match at(i) {
                b'0' => spec.zero = true,
                b'+' => spec.plus = true,
                b'-' => spec.left = true,
                _ => spec.space = true,
            }
            i += 1;
        }
        while at(i).is_ascii_digit() {
            spec.width = spec
                .width
                .saturating_mul(10)
                .saturating_add(usize::from(at(i) - b'0'))
                .min(4096);
            i += 1;
        }
        let boundary = |b: u8| b == 0 || b.is_ascii_whitespace() || b.is_ascii_punctuation();
        match at(i) {
            b'p' => {
                let (n1, n2) = (at(i + 1), at(i + 2));
                if matches!(n1, b'k' | b'u') && n2 == b's' {
                    if !boundary(at(i + 3)) {
                        return None;
                    }
                    let s = mem.string(arg, n1 == b'u').unwrap_or_default();
                    pad(&mut out, &s, spec, false);
                    i += 3;
                } else if boundary(n1) || matches!(n1, b'K' | b'x' | b's' | b'S' | b'B') {
                    let mut s = String::new();
                    let _ = write!(s, "{arg:016x}");
                    pad(&mut out, s.as_bytes(), spec, false);
                    i += if boundary(n1) { 1 } else { 2 };
                } else if matches!(n1, b'i' | b'I') && matches!(n2, b'4' | b'6') {
                    let n = if n2 == b'4' { 4 } else { 16 };
                    let mut b = mem.bytes(arg, n).unwrap_or_default();
                    b.resize(n, 0);
                    let mut s = String::new();
                    match (n1, n2) {
                        (b'I', b'4') => {
                            let _ = write!(s, "{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
                        }
                        (_, b'4') => {
                            let _ = write!(s, "{:03}.{:03}.{:03}.{:03}", b[0], b[1], b[2], b[3]);
                        }
                        (b'I', _) => {
                            for (k, pair) in b.chunks(2).enumerate() {
                                let sep = if k == 0 { "" } else { ":" };
                                let _ = write!(
                                    s,
                                    "{sep}{:02x}{:02x}",
                                    pair[0],
                                    pair.get(1).copied().unwrap_or(0)
                                );
                            }
                        }
                        _ => {
                            for x in &b {
                                let _ = write!(s, "{x:02x}");
                            }
                        }
                    }
                    pad(&mut out, s.as_bytes(), spec, false);
                    i += 3;
                } else {
                    return None;
                }
            }
            b's' => {
                if !boundary(at(i + 1)) {
                    return None;
                }
                let s = mem.string(arg, false).unwrap_or_default();
                pad(&mut out, &s, spec, false);
                i += 1;
            }
            b'c' => {
                pad(&mut out, &[arg as u8], spec, false);
                i += 1;
            }
            _ => {
                let mut long = false;
                if at(i) == b'l' {
                    long = true;
                    i += 1;
                }
                if at(i) == b'l' {
                    i += 1;
                }
                let conv = at(i);
                let mut s = String::new();
                let v = if long { arg } else { u64::from(arg as u32) };
                let _ = match conv {
                    b'd' | b'i' => {
                        let n = if long {
                            v as i64
                        } else {
                            i64::from(v as u32 as i32)
                        };
                        if n >= 0 && spec.plus {
                            s.push('+');
                        } else if n >= 0 && spec.space {
                            s.push(' ');
                        }
                        write!(s, "{n}")
                    }
                    b'u' => write!(s, "{v}"),
                    b'x' => write!(s, "{v:x}"),
                    b'X' => write!(s, "{v:X}"),
                    _ => return None,
                };
                pad(&mut out, s.as_bytes(), spec, true);
                i += 1;
            }
        }
    }
    Some(out)
}

struct EnvMemory<'e, 'a> {
    env: &'e RunEnv<'a>,
    mem: &'e Memory,
}

impl PrintkMemory for EnvMemory<'_, '_> {
    fn string(&self, addr: u64, user: bool) -> Option<Vec<u8>> {
        if user {
            let seg = self
                .env
                .system
                .memory
                .iter()
                .find(|s| s.user && addr >= s.addr && addr - s.addr < s.bytes.len() as u64)?;
            let rest = seg.bytes.get((addr - seg.addr) as usize..)?;
            let n = rest.iter().position(|b| *b == 0)?;
            return Some(rest.get(..n.min(MAX_STR))?.to_vec());
        }
        kernel_string(self.env, self.mem, addr, MAX_STR)
    }

    fn bytes(&self, addr: u64, n: usize) -> Option<Vec<u8>> {
        kernel_bytes(self.env, self.mem, addr, n)
    }
}

/// `long bpf_trace_printk(fmt, fmt_size, ...)`: the length written, or `-EINVAL`.
pub(super) fn trace_printk(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let fmt = env.read(mem, a[0], a[1], "bpf_trace_printk")?;
    let text = format_printk(&fmt, &[a[2], a[3], a[4]], &EnvMemory { env, mem });
    match text {
        Some(text) => {
            let len = text.len() as u64;
            let line = text.strip_suffix(b"\n").unwrap_or(&text);
            env.trace(String::from_utf8_lossy(line).into_owned());
            ret(len)
        }
        None => ret_errno(EINVAL),
    }
}

/// `long bpf_snprintf(str, str_size, fmt, data, data_len)`: formats `fmt` (a
/// string in a read-only map) with the `data_len / 8` u64 arguments at `data`,
/// writes at most `str_size` bytes with the NUL, and returns the length the
/// whole output needs, NUL included (so a result above `str_size` means it
/// was cut); `-EINVAL` for a bad format or data length.
pub(super) fn snprintf(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_snprintf";
    let (out, size, data, data_len) = (a[0], u64::from(a[1] as u32), a[3], u64::from(a[4] as u32));
    if data_len % 8 != 0 || data_len > MAX_SNPRINTF_ARGS * 8 || (data_len != 0 && data == 0) {
        return ret_errno(EINVAL);
    }
    let raw = if data_len > 0 {
        env.read(mem, data, data_len, name)?
    } else {
        Vec::new()
    };
    let args: Vec<u64> = raw
        .chunks_exact(8)
        .map(|w| u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or_default()))
        .collect();
    let fmt = kernel_string(env, mem, a[2], MAX_FMT)
        .ok_or_else(|| failed(format!("{name}: no NUL-terminated format at {:#x}", a[2])))?;
    let Some(text) = format_bprintf(&fmt, &args, args.len(), &EnvMemory { env, mem }) else {
        return ret_errno(EINVAL);
    };
    if size > 0 {
        let n = text.len().min(size as usize - 1);
        let mut bytes = text.get(..n).unwrap_or_default().to_vec();
        bytes.push(0);
        env.write(mem, out, &bytes, name)?;
    }
    ret(text.len() as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Mem;
    impl PrintkMemory for Mem {
        fn string(&self, addr: u64, user: bool) -> Option<Vec<u8>> {
            match (addr, user) {
                (0x1000, false) => Some(b"eth0".to_vec()),
                (0x2000, true) => Some(b"/etc/passwd".to_vec()),
                _ => None,
            }
        }
        fn bytes(&self, addr: u64, n: usize) -> Option<Vec<u8>> {
            (addr == 0x3000).then(|| (1..=n as u8).collect())
        }
    }

    fn f(fmt: &str, args: &[u64]) -> Option<String> {
        let mut b = fmt.as_bytes().to_vec();
        b.push(0);
        format_printk(&b, args, &Mem).map(|t| String::from_utf8_lossy(&t).into_owned())
    }

    #[test]
    fn conversions() {
        assert_eq!(
            f("n=%d u=%u x=%x\n", &[u64::MAX, u64::MAX, 255]).as_deref(),
            Some("n=-1 u=4294967295 x=ff\n")
        );
        assert_eq!(
            f("%lld %llu %lx", &[u64::MAX, u64::MAX, 0xdead_beef_cafe]).as_deref(),
            Some("-1 18446744073709551615 deadbeefcafe")
        );
        assert_eq!(
            f("[%5d|%-5d|%05d]", &[42, 42, 42]).as_deref(),
            Some("[   42|42   |00042]")
        );
        assert_eq!(
            f("%05d %+d", &[(-42i64) as u64, 7]).as_deref(),
            Some("-0042 +7")
        );
        assert_eq!(
            f("%s on %pus", &[0x1000, 0x2000]).as_deref(),
            Some("eth0 on /etc/passwd")
        );
        assert_eq!(f("%s!", &[0x9999]).as_deref(), Some("!"));
        assert_eq!(
            f("%pI4 %pi4", &[0x3000, 0x3000]).as_deref(),
            Some("1.2.3.4 001.002.003.004")
        );
        assert_eq!(
            f("%pI6", &[0x3000]).as_deref(),
            Some("0102:0304:0506:0708:090a:0b0c:0d0e:0f10")
        );
        assert_eq!(
            f("%c%c 100%%", &[b'o' as u64, b'k' as u64]).as_deref(),
            Some("ok 100%")
        );
        assert_eq!(
            f("%p", &[0xffff_8880_0000_1000]).as_deref(),
            Some("ffff888000001000")
        );
        assert_eq!(f("%X", &[0xabc]).as_deref(), Some("ABC"));
    }

    #[test]
    fn refusals() {
        assert_eq!(f("%d %d %d %d", &[1, 2, 3]), None, "four conversions");
        assert_eq!(f("%f", &[1]), None);
        assert_eq!(f("%sx", &[0x1000]), None, "%s must end at a boundary");
        assert_eq!(f("%pZ", &[1]), None);
        assert_eq!(f("caf\u{e9}", &[]), None, "non-ASCII");
        assert_eq!(format_printk(b"no nul", &[], &Mem), None);
        assert_eq!(
            format_printk(b"%c%c\0", &[0x88, 0xfb], &Mem).as_deref(),
            Some(&[0x88u8, 0xfb][..]),
            "%c writes the byte itself"
        );
        assert_eq!(f("%%%%", &[]).as_deref(), Some("%%"));
    }

    #[test]
    fn the_format_may_use_as_many_conversions_as_there_are_arguments() {
        assert!(bprintf_format_ok(b"x=%d y=%d", 2));
        assert!(
            bprintf_format_ok(b"x=%d", 2),
            "fewer conversions than arguments"
        );
        assert!(!bprintf_format_ok(b"x=%d y=%d", 1));
        assert!(!bprintf_format_ok(b"%d", 0));
        assert!(bprintf_format_ok(b"100%% sure", 0));
        let twelve = b"%d%d%d%d%d%d%d%d%d%d%d%d";
        assert!(bprintf_format_ok(twelve, 12));
        assert!(!bprintf_format_ok(b"%f", 1));
        assert!(!bprintf_format_ok(b"%.2d", 1), "no precision");
        assert!(!bprintf_format_ok(b"tab\x01", 0), "control characters");
    }
}
