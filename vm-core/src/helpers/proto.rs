//! Helper prototypes in the kernel's vocabulary (`struct bpf_func_proto`):
//! what each argument register must hold, what `r0` holds afterwards, and
//! which program types may call the helper.

use crate::program::ProgramType;

/// What a helper expects in one argument register (the kernel's `enum bpf_arg_type`
/// with its flags folded into one name per combination the kernel uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// `ARG_DONTCARE`: not an argument; the register is not read.
    DontCare,
    /// `ARG_CONST_MAP_PTR`: a map loaded with `lddw` (`CONST_PTR_TO_MAP`).
    ConstMapPtr,
    /// `ARG_PTR_TO_MAP_KEY`: memory of the map's `key_size` bytes, initialised (stack, map value, packet).
    PtrToMapKey,
    /// `ARG_PTR_TO_MAP_VALUE`: memory of the map's `value_size` bytes the helper reads.
    PtrToMapValue,
    /// `ARG_PTR_TO_MAP_VALUE | MEM_UNINIT`: memory of `value_size` bytes the helper writes
    /// (`bpf_map_pop_elem`, `bpf_map_peek_elem`); it need not be initialised.
    PtrToUninitMapValue,
    /// `ARG_PTR_TO_MEM | MEM_RDONLY`: initialised memory the helper reads; its size is
    /// the next argument (an `ARG_CONST_SIZE*`).
    PtrToMem,
    /// `ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY`: like [`ArgType::PtrToMem`], or NULL
    /// together with a zero size (`bpf_csum_diff`).
    PtrToMemOrNull,
    /// `ARG_PTR_TO_UNINIT_MEM`: memory the helper fills; it need not be initialised;
    /// its size is the next argument.
    PtrToUninitMem,
    /// `ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_WRITE`: memory the helper fills, or NULL
    /// together with a zero size (`bpf_snprintf`'s output buffer).
    PtrToUninitMemOrNull,
    /// `ARG_PTR_TO_CONST_STR`: a NUL-terminated string the verifier can read: a
    /// pointer with a constant offset into the value of a read-only, frozen map
    /// (clang's `.rodata`), with a NUL before the value ends.
    PtrToConstStr,
    /// `ARG_CONST_SIZE`: a scalar with known bounds, `> 0`, the size of the previous memory argument.
    ConstSize,
    /// `ARG_CONST_SIZE_OR_ZERO`: as [`ArgType::ConstSize`], and 0 is allowed.
    ConstSizeOrZero,
    /// `ARG_CONST_ALLOC_SIZE_OR_ZERO`: a constant size of memory the helper allocates
    /// (`bpf_ringbuf_reserve`); the returned pointer has that size.
    ConstAllocSizeOrZero,
    /// `ARG_PTR_TO_CTX`: the program's context pointer, unmodified.
    PtrToCtx,
    /// `ARG_ANYTHING`: any initialised scalar (a pointer is accepted too, as in the kernel).
    Anything,
    /// `ARG_PTR_TO_STACK | PTR_MAYBE_NULL`: a stack pointer or NULL (`bpf_loop`'s callback context).
    PtrToStackOrNull,
    /// `ARG_PTR_TO_FUNC`: a subprogram loaded with `lddw` of kind `func` (`PTR_TO_FUNC`), a callback.
    PtrToFunc,
    /// `ARG_PTR_TO_RINGBUF_MEM` (`ARG_PTR_TO_MEM | MEM_RINGBUF | OBJ_RELEASE`): a record
    /// returned by `bpf_ringbuf_reserve`, released by the call.
    PtrToRingbufMem,
}

impl ArgType {
    /// The kernel's spelling, as in `include/linux/bpf.h`.
    pub const fn kernel_name(self) -> &'static str {
        match self {
            ArgType::DontCare => "ARG_DONTCARE",
            ArgType::ConstMapPtr => "ARG_CONST_MAP_PTR",
            ArgType::PtrToMapKey => "ARG_PTR_TO_MAP_KEY",
            ArgType::PtrToMapValue => "ARG_PTR_TO_MAP_VALUE",
            ArgType::PtrToUninitMapValue => "ARG_PTR_TO_MAP_VALUE | MEM_UNINIT",
            ArgType::PtrToMem => "ARG_PTR_TO_MEM | MEM_RDONLY",
            ArgType::PtrToMemOrNull => "ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY",
            ArgType::PtrToUninitMem => "ARG_PTR_TO_UNINIT_MEM",
            ArgType::PtrToUninitMemOrNull => "ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_WRITE",
            ArgType::PtrToConstStr => "ARG_PTR_TO_CONST_STR",
            ArgType::ConstSize => "ARG_CONST_SIZE",
            ArgType::ConstSizeOrZero => "ARG_CONST_SIZE_OR_ZERO",
            ArgType::ConstAllocSizeOrZero => "ARG_CONST_ALLOC_SIZE_OR_ZERO",
            ArgType::PtrToCtx => "ARG_PTR_TO_CTX",
            ArgType::Anything => "ARG_ANYTHING",
            ArgType::PtrToStackOrNull => "ARG_PTR_TO_STACK | PTR_MAYBE_NULL",
            ArgType::PtrToFunc => "ARG_PTR_TO_FUNC",
            ArgType::PtrToRingbufMem => "ARG_PTR_TO_RINGBUF_MEM",
        }
    }

    /// True for the size arguments that describe the memory argument before them.
    pub const fn is_size(self) -> bool {
        matches!(
            self,
            ArgType::ConstSize | ArgType::ConstSizeOrZero | ArgType::ConstAllocSizeOrZero
        )
    }

    /// True for memory arguments whose size is given by the next argument.
    pub const fn is_sized_mem(self) -> bool {
        matches!(
            self,
            ArgType::PtrToMem
                | ArgType::PtrToMemOrNull
                | ArgType::PtrToUninitMem
                | ArgType::PtrToUninitMemOrNull
        )
    }
}

/// What `r0` holds after the call (the kernel's `enum bpf_return_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetType {
    /// `RET_INTEGER`: an unknown scalar.
    Integer,
    /// `RET_VOID`: nothing; `r0` is not readable afterwards (`R0 !read_ok`).
    Void,
    /// `RET_PTR_TO_MAP_VALUE_OR_NULL`: a pointer to a value of the map passed as
    /// the `ARG_CONST_MAP_PTR` argument, or NULL.
    PtrToMapValueOrNull,
    /// `RET_PTR_TO_RINGBUF_MEM_OR_NULL` (`RET_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RINGBUF`):
    /// a ring buffer record of the size in the `ARG_CONST_ALLOC_SIZE_OR_ZERO` argument, or NULL.
    PtrToRingbufMemOrNull,
}

impl RetType {
    /// The kernel's spelling.
    pub const fn kernel_name(self) -> &'static str {
        match self {
            RetType::Integer => "RET_INTEGER",
            RetType::Void => "RET_VOID",
            RetType::PtrToMapValueOrNull => "RET_PTR_TO_MAP_VALUE_OR_NULL",
            RetType::PtrToRingbufMemOrNull => "RET_PTR_TO_RINGBUF_MEM_OR_NULL",
        }
    }
}

/// A set of program types (which types may call a helper).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ProgTypes(u8);

impl ProgTypes {
    /// No program type.
    pub const NONE: ProgTypes = ProgTypes(0);
    /// `BPF_PROG_TYPE_SOCKET_FILTER`.
    pub const SOCKET_FILTER: ProgTypes = ProgTypes(1);
    /// `BPF_PROG_TYPE_KPROBE`.
    pub const KPROBE: ProgTypes = ProgTypes(2);
    /// `BPF_PROG_TYPE_SCHED_CLS`.
    pub const SCHED_CLS: ProgTypes = ProgTypes(4);
    /// `BPF_PROG_TYPE_TRACEPOINT`.
    pub const TRACEPOINT: ProgTypes = ProgTypes(8);
    /// `BPF_PROG_TYPE_XDP`.
    pub const XDP: ProgTypes = ProgTypes(16);
    /// Every supported program type.
    pub const ALL: ProgTypes = ProgTypes(31);
    /// kprobe and tracepoint.
    pub const TRACING: ProgTypes = ProgTypes(2 | 8);
    /// Socket filter, tc and XDP.
    pub const NETWORKING: ProgTypes = ProgTypes(1 | 4 | 16);

    const fn bit(t: ProgramType) -> u8 {
        match t {
            ProgramType::SocketFilter => 1,
            ProgramType::Kprobe => 2,
            ProgramType::SchedCls => 4,
            ProgramType::Tracepoint => 8,
            ProgramType::Xdp => 16,
        }
    }

    /// The set holding `t` alone.
    pub const fn of(t: ProgramType) -> ProgTypes {
        ProgTypes(Self::bit(t))
    }

    /// Both sets together.
    pub const fn union(self, other: ProgTypes) -> ProgTypes {
        ProgTypes(self.0 | other.0)
    }

    /// Whether `t` is in the set.
    pub const fn contains(self, t: ProgramType) -> bool {
        self.0 & Self::bit(t) != 0
    }

    /// The program types in the set, in [`ProgramType::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = ProgramType> {
        ProgramType::ALL
            .into_iter()
            .filter(move |t| self.contains(*t))
    }
}

/// One helper's prototype, as the verifier checks a call against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelperProto {
    /// The kernel's id (`BPF_FUNC_*`), the `imm` of `call`.
    pub id: u32,
    /// The kernel's name with the `bpf_` prefix, as the verifier log prints it
    /// (`call bpf_map_lookup_elem#1`).
    pub name: &'static str,
    /// Argument types of `r1`..`r5`; unused ones are [`ArgType::DontCare`].
    pub args: [ArgType; 5],
    /// What `r0` holds afterwards.
    pub ret: RetType,
    /// Only GPL-compatible programs may call it (`gpl_only`).
    pub gpl_only: bool,
    /// Memory arguments may point into the packet (`pkt_access`).
    pub pkt_access: bool,
    /// The helper may move or resize packet data, so every packet pointer
    /// is invalid afterwards (the kernel's `bpf_helper_changes_pkt_data`).
    pub changes_pkt_data: bool,
    /// Program types that may call it (as the kernel's `get_func_proto` answers).
    pub prog_types: ProgTypes,
}

impl HelperProto {
    /// The name without the `bpf_` prefix (`map_lookup_elem`), as in `BPF_FUNC_map_lookup_elem`.
    pub fn short_name(&self) -> &'static str {
        self.name.strip_prefix("bpf_").unwrap_or(self.name)
    }

    /// The number of arguments the helper reads (registers `r1`..`rN`).
    pub fn arg_count(&self) -> usize {
        self.args
            .iter()
            .rposition(|a| *a != ArgType::DontCare)
            .map_or(0, |i| i + 1)
    }

    /// Whether a program of type `t` may call it.
    pub const fn allowed_for(&self, t: ProgramType) -> bool {
        self.prog_types.contains(t)
    }
}
