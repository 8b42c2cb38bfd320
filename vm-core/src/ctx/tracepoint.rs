//! The context of tracepoint programs: the tracepoint's record.

use super::{hidden, ro, CtxLayout};

/// The size of the synthetic `raw_syscalls/sys_enter` record the fields describe.
pub const TRACEPOINT_SYS_ENTER_SIZE: u32 = 64;

/// A tracepoint record. The kernel only knows a record's real layout when the
/// program is attached, so at load time it allows any aligned read-only access
/// from byte 8 (after the common header) up to `PERF_MAX_TRACE_SIZE` (8192);
/// this layout does the same, and the interpreter backs all 8192 bytes (zero
/// past the event's record), so every access the verifier accepts is safe.
///
/// The named fields describe the synthetic record this VM builds by default,
/// laid out as `raw_syscalls/sys_enter` (`struct trace_event_raw_sys_enter`):
/// the common header (`common_type`, `common_flags`, `common_preempt_count`,
/// `common_pid`; not readable by programs), the syscall number `id`, then
/// `args[6]`. A caller may pass any record bytes instead.
pub const TRACEPOINT_RECORD: CtxLayout = CtxLayout {
    name: "tracepoint record (raw_syscalls/sys_enter)",
    size: 8192,
    fields: &[
        hidden("common_type", 0, 2),
        hidden("common_flags", 2, 1),
        hidden("common_preempt_count", 3, 1),
        hidden("common_pid", 4, 4),
        ro("id", 8, 8),
        ro("args", 16, 48),
        ro("__data", 64, 8192 - 64),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case was checked against the kernel.
    #[test]
    fn access_rules_match_the_kernel() {
        let ok = |off, size, write| TRACEPOINT_RECORD.check_access(off, size, write).is_ok();
        assert!(!ok(0, 4, false));
        assert!(ok(8, 4, false));
        assert!(ok(9, 1, false));
        assert!(!ok(10, 4, false));
        assert!(ok(8184, 8, false));
        assert!(!ok(8192, 1, false));
        assert!(!ok(16, 8, true));
        assert!(ok(56, 8, false));
        assert!(ok(64, 8, false));
    }
}
