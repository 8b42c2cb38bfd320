//! Program types from ELF section names, as libbpf's `SEC("...")` table maps them.

use crate::program::ProgramType;

/// What a program section name says about the program: libbpf's name for the
/// program type, and the VM's [`ProgramType`] when the VM runs that type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionKind {
    /// The kernel's program type name without `BPF_PROG_TYPE_`, lower case
    /// (`xdp`, `sched_cls`, `raw_tracepoint`, ...), or `unknown`.
    pub kernel_name: &'static str,
    /// The VM's program type, `None` when the VM does not support it.
    pub prog_type: Option<ProgramType>,
}

/// Each entry: section name (exact), or prefix when it ends in `/` or `+`
/// (`+` meaning "exact, or followed by `/...`"), and the type it names.
const TABLE: &[(&str, &str, Option<ProgramType>)] = &[
    ("socket+", "socket_filter", Some(ProgramType::SocketFilter)),
    ("kprobe/", "kprobe", Some(ProgramType::Kprobe)),
    ("kretprobe/", "kprobe", Some(ProgramType::Kprobe)),
    ("uprobe/", "kprobe", Some(ProgramType::Kprobe)),
    ("uretprobe/", "kprobe", Some(ProgramType::Kprobe)),
    ("uprobe.s/", "kprobe", Some(ProgramType::Kprobe)),
    ("uretprobe.s/", "kprobe", Some(ProgramType::Kprobe)),
    ("kprobe.multi/", "kprobe", Some(ProgramType::Kprobe)),
    ("kretprobe.multi/", "kprobe", Some(ProgramType::Kprobe)),
    ("ksyscall/", "kprobe", Some(ProgramType::Kprobe)),
    ("kretsyscall/", "kprobe", Some(ProgramType::Kprobe)),
    ("usdt/", "kprobe", Some(ProgramType::Kprobe)),
    ("tc+", "sched_cls", Some(ProgramType::SchedCls)),
    ("tcx/", "sched_cls", Some(ProgramType::SchedCls)),
    ("classifier+", "sched_cls", Some(ProgramType::SchedCls)),
    ("action+", "sched_act", None),
    ("tracepoint/", "tracepoint", Some(ProgramType::Tracepoint)),
    ("tp/", "tracepoint", Some(ProgramType::Tracepoint)),
    ("raw_tracepoint/", "raw_tracepoint", None),
    ("raw_tp/", "raw_tracepoint", None),
    ("raw_tracepoint.w/", "raw_tracepoint_writable", None),
    ("raw_tp.w/", "raw_tracepoint_writable", None),
    ("tp_btf/", "tracing", None),
    ("fentry/", "tracing", None),
    ("fexit/", "tracing", None),
    ("fmod_ret/", "tracing", None),
    ("fentry.s/", "tracing", None),
    ("fexit.s/", "tracing", None),
    ("iter/", "tracing", None),
    ("lsm/", "lsm", None),
    ("xdp.frags+", "xdp", Some(ProgramType::Xdp)),
    ("xdp_devmap/", "xdp", Some(ProgramType::Xdp)),
    ("xdp_cpumap/", "xdp", Some(ProgramType::Xdp)),
    ("xdp+", "xdp", Some(ProgramType::Xdp)),
    ("perf_event+", "perf_event", None),
    ("lwt_in+", "lwt_in", None),
    ("lwt_out+", "lwt_out", None),
    ("lwt_xmit+", "lwt_xmit", None),
    ("cgroup_skb/", "cgroup_skb", None),
    ("cgroup/", "cgroup", None),
    ("sk_skb+", "sk_skb", None),
    ("sk_msg+", "sk_msg", None),
    ("sk_lookup+", "sk_lookup", None),
    ("sk_reuseport+", "sk_reuseport", None),
    ("flow_dissector+", "flow_dissector", None),
    ("struct_ops+", "struct_ops", None),
    ("syscall+", "syscall", None),
    ("netfilter+", "netfilter", None),
];

/// The program type that section `name` declares, as libbpf reads it.
pub fn section_kind(name: &str) -> SectionKind {
    for (pattern, kernel_name, prog_type) in TABLE {
        let matches = if let Some(exact) = pattern.strip_suffix('+') {
            name == exact
                || name
                    .strip_prefix(exact)
                    .is_some_and(|rest| rest.starts_with('/'))
        } else {
            name.starts_with(pattern)
        };
        if matches {
            return SectionKind {
                kernel_name,
                prog_type: *prog_type,
            };
        }
    }
    SectionKind {
        kernel_name: "unknown",
        prog_type: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_as_libbpf_maps_them() {
        let t = |n| section_kind(n).prog_type;
        assert_eq!(t("xdp"), Some(ProgramType::Xdp));
        assert_eq!(t("xdp.frags"), Some(ProgramType::Xdp));
        assert_eq!(t("xdp/foo"), Some(ProgramType::Xdp));
        assert_eq!(t("xdpfoo"), None);
        assert_eq!(t("tc"), Some(ProgramType::SchedCls));
        assert_eq!(t("tc/ingress"), Some(ProgramType::SchedCls));
        assert_eq!(t("classifier"), Some(ProgramType::SchedCls));
        assert_eq!(t("socket"), Some(ProgramType::SocketFilter));
        assert_eq!(t("kprobe/do_unlinkat"), Some(ProgramType::Kprobe));
        assert_eq!(t("kretprobe/do_unlinkat"), Some(ProgramType::Kprobe));
        assert_eq!(
            t("tracepoint/syscalls/sys_enter_execve"),
            Some(ProgramType::Tracepoint)
        );
        assert_eq!(t("tp/sched/sched_switch"), Some(ProgramType::Tracepoint));
        let raw = section_kind("raw_tracepoint/sched_switch");
        assert_eq!((raw.kernel_name, raw.prog_type), ("raw_tracepoint", None));
        assert_eq!(section_kind("license").kernel_name, "unknown");
    }
}
