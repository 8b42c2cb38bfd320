//! The names of the values a program returns, per program type.

use alloc::format;
use alloc::string::String;

use crate::program::ProgramType;

/// What a program's return value means, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The return value (`r0`).
    pub code: u64,
    /// Its meaning: `XDP_DROP`, `TC_ACT_OK`, `keep 60 bytes`, `drop`, `return 0`, ...
    pub name: String,
}

/// The verdict `r0` means for a program of type `t` that saw a packet of
/// `packet_len` bytes. A socket filter keeps `min(r0 as u32, len)` bytes
/// (0 drops the packet); an XDP value outside `enum xdp_action` is named
/// with what the kernel does with it (see [`invalid_action`]); an unknown
/// tc action is named as such.
pub fn verdict(t: ProgramType, r0: u64, packet_len: usize) -> Verdict {
    let name = match (verdict_name(t, r0), t) {
        (Some(n), _) => String::from(n),
        (None, ProgramType::Xdp) => {
            format!("invalid XDP action {}: dropped as XDP_ABORTED", r0 as u32)
        }
        (None, ProgramType::SchedCls) => format!("unknown tc action {}", r0 as u32 as i32),
        (None, ProgramType::SocketFilter) => match (r0 as u32 as usize).min(packet_len) {
            0 => String::from("drop"),
            n => format!("keep {n} bytes"),
        },
        (None, _) => format!("return {}", r0 as i64),
    };
    Verdict { code: r0, name }
}

/// What the kernel does when a program of type `t` returns `r0`, when that
/// is not an action it knows and so not what the program meant: an XDP
/// driver's `default:` case calls `bpf_warn_invalid_xdp_action()` (a
/// one-time "Illegal XDP return value" kernel warning) and falls through
/// to `XDP_ABORTED`: the `xdp:xdp_exception` tracepoint fires and the
/// packet is dropped. `None` for every value a program may return.
pub fn invalid_action(t: ProgramType, r0: u64) -> Option<&'static str> {
    (t == ProgramType::Xdp && verdict_name(t, r0).is_none()).then_some(
        "not an XDP action: the kernel warns once (bpf_warn_invalid_xdp_action: \
         \"Illegal XDP return value\") and the driver handles it as XDP_ABORTED: \
         the xdp:xdp_exception tracepoint fires and the packet is dropped",
    )
}

/// XDP actions (`enum xdp_action`).
pub const XDP_VERDICTS: [(u64, &str); 5] = [
    (0, "XDP_ABORTED"),
    (1, "XDP_DROP"),
    (2, "XDP_PASS"),
    (3, "XDP_TX"),
    (4, "XDP_REDIRECT"),
];

/// tc actions (`TC_ACT_*` in `include/uapi/linux/pkt_cls.h`); `TC_ACT_UNSPEC` is -1.
pub const TC_VERDICTS: [(u64, &str); 10] = [
    (u64::MAX, "TC_ACT_UNSPEC"),
    (0, "TC_ACT_OK"),
    (1, "TC_ACT_RECLASSIFY"),
    (2, "TC_ACT_SHOT"),
    (3, "TC_ACT_PIPE"),
    (4, "TC_ACT_STOLEN"),
    (5, "TC_ACT_QUEUED"),
    (6, "TC_ACT_REPEAT"),
    (7, "TC_ACT_REDIRECT"),
    (8, "TC_ACT_TRAP"),
];

/// The name of the verdict `r0` means for a program of type `t`, when it has one.
///
/// XDP and tc look at the low 32 bits (tc sign-extends them, so `-1` is
/// `TC_ACT_UNSPEC`). A socket filter's return value is the number of bytes of
/// the packet to keep (0 drops it) and kprobe / tracepoint return values only
/// decide whether the event is recorded, so those have no names: `None`.
pub fn verdict_name(t: ProgramType, r0: u64) -> Option<&'static str> {
    match t {
        ProgramType::Xdp => {
            let action = u64::from(r0 as u32);
            XDP_VERDICTS
                .iter()
                .find(|(v, _)| *v == action)
                .map(|(_, n)| *n)
        }
        ProgramType::SchedCls => {
            let action = (r0 as u32 as i32) as i64 as u64;
            TC_VERDICTS
                .iter()
                .find(|(v, _)| *v == action)
                .map(|(_, n)| *n)
        }
        ProgramType::SocketFilter | ProgramType::Kprobe | ProgramType::Tracepoint => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(verdict_name(ProgramType::Xdp, 1), Some("XDP_DROP"));
        assert_eq!(verdict_name(ProgramType::Xdp, 2), Some("XDP_PASS"));
        assert_eq!(verdict_name(ProgramType::Xdp, 5), None);
        assert_eq!(
            verdict_name(ProgramType::Xdp, 0x1_0000_0003),
            Some("XDP_TX")
        );
        assert_eq!(verdict_name(ProgramType::SchedCls, 2), Some("TC_ACT_SHOT"));
        assert_eq!(
            verdict_name(ProgramType::SchedCls, 0xffff_ffff),
            Some("TC_ACT_UNSPEC")
        );
        assert_eq!(
            verdict_name(ProgramType::SchedCls, u64::MAX),
            Some("TC_ACT_UNSPEC")
        );
        assert_eq!(verdict_name(ProgramType::SocketFilter, 0), None);
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(ProgramType::Xdp, 1, 60).name, "XDP_DROP");
        assert_eq!(
            verdict(ProgramType::Xdp, 9, 60).name,
            "invalid XDP action 9: dropped as XDP_ABORTED"
        );
        assert_eq!(
            verdict(ProgramType::SchedCls, 99, 60).name,
            "unknown tc action 99"
        );
        assert_eq!(verdict(ProgramType::SocketFilter, 0, 60).name, "drop");
        assert_eq!(
            verdict(ProgramType::SocketFilter, 20, 60).name,
            "keep 20 bytes"
        );
        assert_eq!(
            verdict(ProgramType::SocketFilter, u64::MAX, 60).name,
            "keep 60 bytes"
        );
        assert_eq!(verdict(ProgramType::Kprobe, 0, 0).name, "return 0");
    }

    #[test]
    fn an_invalid_xdp_action_is_an_abort() {
        assert!(invalid_action(ProgramType::Xdp, 42)
            .is_some_and(|n| n.contains("XDP_ABORTED") && n.contains("dropped")));
        assert_eq!(invalid_action(ProgramType::Xdp, 2), None);
        assert_eq!(
            invalid_action(ProgramType::Xdp, 0),
            None,
            "XDP_ABORTED itself"
        );
        assert_eq!(invalid_action(ProgramType::SocketFilter, 42), None);
    }
}
