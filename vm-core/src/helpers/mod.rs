//! Helper functions: one registry shared by the verifier (prototypes), the
//! interpreter (implementations) and the assembler (names <-> ids).
//!
//! [`BUILTIN_HELPERS`] is the table of built-in prototypes, with the kernel's ids,
//! names, argument and return types and allowed program types.
//! [`proto_by_id`] and [`proto_by_name`] look it up; a [`HelperRegistry`] starts
//! from it and lets an embedder add its own helpers.
//!
//! ```
//! use vm_core::helpers::{proto_by_id, proto_by_name, ArgType, RetType};
//! use vm_core::ProgramType;
//!
//! let lookup = proto_by_id(1).unwrap();
//! assert_eq!(lookup.name, "bpf_map_lookup_elem");
//! assert_eq!(lookup.args[0], ArgType::ConstMapPtr);
//! assert_eq!(lookup.ret, RetType::PtrToMapValueOrNull);
//! assert_eq!(proto_by_name("xdp_adjust_head").unwrap().id, 44);
//! assert!(!proto_by_name("bpf_xdp_adjust_head").unwrap().allowed_for(ProgramType::Kprobe));
//! ```

pub(crate) mod impls;
mod proto;
mod table;

use alloc::collections::BTreeMap;
use core::fmt;

use crate::interp::{HelperError, HelperResult, Memory};
use crate::run::RunEnv;

pub use proto::{ArgType, HelperProto, ProgTypes, RetType};
pub use table::BUILTIN_HELPERS;

/// A helper's implementation: given the run's environment, the program's memory
/// and `r1`..`r5`, what the call does (usually: the value for `r0`). A bad
/// pointer argument is an `Err`; failures the kernel reports as `-errno` are
/// returned as that value.
pub type HelperFn = fn(&mut RunEnv<'_>, &mut Memory, [u64; 5]) -> Result<HelperResult, HelperError>;

/// One registry entry.
#[derive(Clone, Copy, Debug)]
pub struct Helper {
    /// What the verifier checks.
    pub proto: HelperProto,
    /// What the interpreter runs (`None`: known to the verifier, not runnable here).
    pub implementation: Option<HelperFn>,
}

/// The built-in prototype of helper `id`.
pub fn proto_by_id(id: u32) -> Option<&'static HelperProto> {
    BUILTIN_HELPERS
        .binary_search_by_key(&id, |p| p.id)
        .ok()
        .and_then(|i| BUILTIN_HELPERS.get(i))
}

/// The built-in prototype named `name`, with or without the `bpf_` prefix.
pub fn proto_by_name(name: &str) -> Option<&'static HelperProto> {
    BUILTIN_HELPERS
        .iter()
        .find(|p| p.name == name || p.short_name() == name)
}

/// Why a helper could not be added to a [`HelperRegistry`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// Another helper already has this id.
    DuplicateId(u32),
    /// Another helper already has this name.
    DuplicateName(&'static str),
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::DuplicateId(id) => write!(f, "helper id {id} is already registered"),
            RegistryError::DuplicateName(name) => {
                write!(f, "helper name {name} is already registered")
            }
        }
    }
}

/// The helpers a program may call: the built-in ones plus any an embedder adds.
/// The verifier reads the prototypes, the interpreter calls the implementations.
#[derive(Clone, Debug)]
pub struct HelperRegistry {
    helpers: BTreeMap<u32, Helper>,
}

impl Default for HelperRegistry {
    fn default() -> Self {
        HelperRegistry::builtin()
    }
}

impl HelperRegistry {
    /// A registry of the built-in helpers ([`BUILTIN_HELPERS`]) with their implementations.
    pub fn builtin() -> HelperRegistry {
        HelperRegistry {
            helpers: BUILTIN_HELPERS
                .iter()
                .map(|p| {
                    let helper = Helper {
                        proto: *p,
                        implementation: impls::builtin_implementation(p.id),
                    };
                    (p.id, helper)
                })
                .collect(),
        }
    }

    /// An empty registry (no helper may be called).
    pub fn empty() -> HelperRegistry {
        HelperRegistry {
            helpers: BTreeMap::new(),
        }
    }

    /// Adds a helper the verifier knows but the interpreter cannot run; its id
    /// and name must be new.
    pub fn register(&mut self, proto: HelperProto) -> Result<(), RegistryError> {
        self.add(Helper {
            proto,
            implementation: None,
        })
    }

    /// Adds a helper with its implementation; its id and name must be new.
    pub fn register_with(&mut self, proto: HelperProto, f: HelperFn) -> Result<(), RegistryError> {
        self.add(Helper {
            proto,
            implementation: Some(f),
        })
    }

    fn add(&mut self, helper: Helper) -> Result<(), RegistryError> {
        let proto = helper.proto;
        if self.helpers.contains_key(&proto.id) {
            return Err(RegistryError::DuplicateId(proto.id));
        }
        if self.by_name(proto.name).is_some() {
            return Err(RegistryError::DuplicateName(proto.name));
        }
        self.helpers.insert(proto.id, helper);
        Ok(())
    }

    /// Replaces the implementation of helper `id` (e.g. to trace or stub it);
    /// false if there is no such helper.
    pub fn set_implementation(&mut self, id: u32, f: HelperFn) -> bool {
        match self.helpers.get_mut(&id) {
            Some(h) => {
                h.implementation = Some(f);
                true
            }
            None => false,
        }
    }

    /// The prototype of helper `id`.
    pub fn by_id(&self, id: u32) -> Option<&HelperProto> {
        self.helpers.get(&id).map(|h| &h.proto)
    }

    /// The prototype named `name`, with or without the `bpf_` prefix.
    pub fn by_name(&self, name: &str) -> Option<&HelperProto> {
        self.iter()
            .find(|p| p.name == name || p.short_name() == name)
    }

    /// The implementation of helper `id`, if it has one.
    pub fn implementation(&self, id: u32) -> Option<HelperFn> {
        self.helpers.get(&id).and_then(|h| h.implementation)
    }

    /// Every prototype, by id.
    pub fn iter(&self) -> impl Iterator<Item = &HelperProto> {
        self.helpers.values().map(|h| &h.proto)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::ProgramType;
    use alloc::vec::Vec;

    #[test]
    fn table_is_sorted_with_unique_ids_and_names() {
        for pair in BUILTIN_HELPERS.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
        for p in BUILTIN_HELPERS {
            assert!(p.name.starts_with("bpf_"), "{}", p.name);
            assert_eq!(
                BUILTIN_HELPERS.iter().filter(|q| q.name == p.name).count(),
                1
            );
            assert_eq!(proto_by_id(p.id), Some(p));
            assert_eq!(proto_by_name(p.name), Some(p));
        }
    }

    #[test]
    fn kernel_ids() {
        let ids = [
            ("map_lookup_elem", 1),
            ("map_update_elem", 2),
            ("map_delete_elem", 3),
            ("probe_read", 4),
            ("ktime_get_ns", 5),
            ("trace_printk", 6),
            ("get_prandom_u32", 7),
            ("get_smp_processor_id", 8),
            ("skb_store_bytes", 9),
            ("l3_csum_replace", 10),
            ("l4_csum_replace", 11),
            ("tail_call", 12),
            ("get_current_pid_tgid", 14),
            ("get_current_comm", 16),
            ("redirect", 23),
            ("perf_event_output", 25),
            ("skb_load_bytes", 26),
            ("get_stackid", 27),
            ("csum_diff", 28),
            ("xdp_adjust_head", 44),
            ("redirect_map", 51),
            ("xdp_adjust_meta", 54),
            ("xdp_adjust_tail", 65),
            ("get_current_cgroup_id", 80),
            ("map_push_elem", 87),
            ("probe_read_kernel", 113),
            ("ktime_get_boot_ns", 125),
            ("ringbuf_output", 130),
            ("ringbuf_reserve", 131),
            ("ringbuf_submit", 132),
            ("ringbuf_discard", 133),
            ("snprintf", 165),
            ("loop", 181),
            ("strncmp", 182),
            ("xdp_load_bytes", 189),
            ("xdp_store_bytes", 190),
        ];
        for (name, id) in ids {
            assert_eq!(proto_by_name(name).map(|p| p.id), Some(id), "{name}");
        }
        assert!(proto_by_id(13).is_none());
        assert!(proto_by_id(0).is_none());
    }

    #[test]
    fn sized_memory_arguments_are_followed_by_a_size() {
        for p in BUILTIN_HELPERS {
            for (i, a) in p.args.iter().enumerate() {
                if a.is_sized_mem() {
                    assert!(p.args.get(i + 1).is_some_and(|n| n.is_size()), "{}", p.name);
                }
                if a.is_size() && *a != ArgType::ConstAllocSizeOrZero {
                    assert!(i > 0 && p.args[i - 1].is_sized_mem(), "{}", p.name);
                }
            }
        }
    }

    #[test]
    fn program_types_follow_the_kernel() {
        let adjust = proto_by_name("xdp_adjust_head").unwrap();
        assert!(adjust.allowed_for(ProgramType::Xdp));
        assert!(!adjust.allowed_for(ProgramType::SchedCls));
        let store = proto_by_name("skb_store_bytes").unwrap();
        assert_eq!(
            store.prog_types.iter().collect::<Vec<_>>(),
            [ProgramType::SchedCls]
        );
        assert!(proto_by_name("get_stackid")
            .unwrap()
            .allowed_for(ProgramType::Tracepoint));
        assert!(!proto_by_name("probe_read")
            .unwrap()
            .allowed_for(ProgramType::Xdp));
        assert_eq!(proto_by_name("tail_call").unwrap().ret, RetType::Void);
        assert_eq!(proto_by_name("loop").unwrap().args[1], ArgType::PtrToFunc);
        assert_eq!(proto_by_name("trace_printk").unwrap().arg_count(), 2);
    }

    /// Which helpers take packet pointers (`helper access to the packet is not
    /// allowed` otherwise), as a 6.18 kernel answered for XDP and tc programs.
    #[test]
    fn packet_access_follows_the_kernel() {
        let with = [
            "map_lookup_elem",
            "map_update_elem",
            "map_push_elem",
            "csum_diff",
        ];
        let without = [
            "map_pop_elem",
            "map_peek_elem",
            "ringbuf_output",
            "perf_event_output",
            "trace_printk",
            "probe_read_kernel",
            "get_current_comm",
            "skb_store_bytes",
            "skb_load_bytes",
            "xdp_load_bytes",
            "xdp_store_bytes",
            "snprintf",
            "strncmp",
        ];
        for name in with {
            assert!(proto_by_name(name).unwrap().pkt_access, "{name}");
        }
        for name in without {
            assert!(!proto_by_name(name).unwrap().pkt_access, "{name}");
        }
    }

    #[test]
    fn registry_extends_and_refuses_duplicates() {
        let mut reg = HelperRegistry::builtin();
        let mine = HelperProto {
            id: 10_000,
            name: "bpf_my_helper",
            args: [
                ArgType::Anything,
                ArgType::DontCare,
                ArgType::DontCare,
                ArgType::DontCare,
                ArgType::DontCare,
            ],
            ret: RetType::Integer,
            gpl_only: false,
            pkt_access: false,
            changes_pkt_data: false,
            prog_types: ProgTypes::ALL,
        };
        assert_eq!(reg.register(mine), Ok(()));
        assert_eq!(reg.by_name("my_helper").map(|p| p.id), Some(10_000));
        assert_eq!(reg.register(mine), Err(RegistryError::DuplicateId(10_000)));
        let clash = HelperProto {
            id: 10_001,
            name: "bpf_ktime_get_ns",
            ..mine
        };
        assert_eq!(
            reg.register(clash),
            Err(RegistryError::DuplicateName("bpf_ktime_get_ns"))
        );
        assert!(HelperRegistry::empty().by_id(1).is_none());
    }
}
