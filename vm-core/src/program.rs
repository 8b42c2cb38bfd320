//! [`Program`]: what every later stage consumes. Instructions plus what they
//! refer to (maps), how they are run (program type), and where they came from
//! (source map), so the verifier and the UI can point back at the source.

use alloc::string::String;
use alloc::vec::Vec;

use crate::isa::Insn;

/// The hook a program is written for; decides its context, helpers and verdicts.
/// Discriminants are the kernel's `enum bpf_prog_type` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum ProgramType {
    /// `BPF_PROG_TYPE_SOCKET_FILTER`: context `struct __sk_buff`.
    SocketFilter = 1,
    /// `BPF_PROG_TYPE_KPROBE`: context `struct pt_regs`.
    Kprobe = 2,
    /// `BPF_PROG_TYPE_SCHED_CLS` (tc): context `struct __sk_buff`.
    SchedCls = 3,
    /// `BPF_PROG_TYPE_TRACEPOINT`: context is the tracepoint's record.
    Tracepoint = 5,
    /// `BPF_PROG_TYPE_XDP`: context `struct xdp_md`.
    #[default]
    Xdp = 6,
}

impl ProgramType {
    /// Every supported type, in the order the UI lists them.
    pub const ALL: [ProgramType; 5] = [
        ProgramType::Xdp,
        ProgramType::SocketFilter,
        ProgramType::SchedCls,
        ProgramType::Kprobe,
        ProgramType::Tracepoint,
    ];

    /// The short name used on the command line and in the UI (`xdp`, `sched_cls`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            ProgramType::SocketFilter => "socket_filter",
            ProgramType::Kprobe => "kprobe",
            ProgramType::SchedCls => "sched_cls",
            ProgramType::Tracepoint => "tracepoint",
            ProgramType::Xdp => "xdp",
        }
    }

    /// Parses a short name; `tc` is accepted for `sched_cls`, `socket` for `socket_filter`.
    pub fn from_name(name: &str) -> Option<ProgramType> {
        Some(match name {
            "xdp" => ProgramType::Xdp,
            "socket_filter" | "socket" => ProgramType::SocketFilter,
            "sched_cls" | "tc" | "classifier" => ProgramType::SchedCls,
            "kprobe" => ProgramType::Kprobe,
            "tracepoint" => ProgramType::Tracepoint,
            _ => return None,
        })
    }
}

/// Map types, numbered as the kernel's `enum bpf_map_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum MapType {
    /// `BPF_MAP_TYPE_HASH`
    Hash = 1,
    /// `BPF_MAP_TYPE_ARRAY`
    Array = 2,
    /// `BPF_MAP_TYPE_PROG_ARRAY`: program indices for `bpf_tail_call`.
    ProgArray = 3,
    /// `BPF_MAP_TYPE_PERF_EVENT_ARRAY`
    PerfEventArray = 4,
    /// `BPF_MAP_TYPE_PERCPU_HASH`
    PercpuHash = 5,
    /// `BPF_MAP_TYPE_PERCPU_ARRAY`
    PercpuArray = 6,
    /// `BPF_MAP_TYPE_STACK_TRACE`
    StackTrace = 7,
    /// `BPF_MAP_TYPE_LRU_HASH`
    LruHash = 9,
    /// `BPF_MAP_TYPE_LPM_TRIE`
    LpmTrie = 11,
    /// `BPF_MAP_TYPE_DEVMAP`: interfaces for `bpf_redirect_map` from XDP.
    Devmap = 14,
    /// `BPF_MAP_TYPE_QUEUE`
    Queue = 22,
    /// `BPF_MAP_TYPE_STACK`
    Stack = 23,
    /// `BPF_MAP_TYPE_RINGBUF`
    Ringbuf = 27,
}

impl MapType {
    /// Every supported map type.
    pub const ALL: [MapType; 13] = [
        MapType::Hash,
        MapType::Array,
        MapType::ProgArray,
        MapType::PerfEventArray,
        MapType::PercpuHash,
        MapType::PercpuArray,
        MapType::StackTrace,
        MapType::LruHash,
        MapType::LpmTrie,
        MapType::Devmap,
        MapType::Queue,
        MapType::Stack,
        MapType::Ringbuf,
    ];

    /// The name used in assembly directives and the UI: the kernel's, lower case,
    /// without `BPF_MAP_TYPE_` (`hash`, `percpu_array`, `lpm_trie`, `ringbuf`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            MapType::Hash => "hash",
            MapType::Array => "array",
            MapType::ProgArray => "prog_array",
            MapType::PerfEventArray => "perf_event_array",
            MapType::PercpuHash => "percpu_hash",
            MapType::PercpuArray => "percpu_array",
            MapType::StackTrace => "stack_trace",
            MapType::LruHash => "lru_hash",
            MapType::LpmTrie => "lpm_trie",
            MapType::Devmap => "devmap",
            MapType::Queue => "queue",
            MapType::Stack => "stack",
            MapType::Ringbuf => "ringbuf",
        }
    }

    /// Parses a name as [`MapType::name`] prints it.
    pub fn from_name(name: &str) -> Option<MapType> {
        MapType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The type with the kernel's numeric id.
    pub fn from_id(id: u32) -> Option<MapType> {
        MapType::ALL.into_iter().find(|t| *t as u32 == id)
    }
}

/// A map the program declares. Programs refer to maps by their index in
/// [`Program::maps`]: an `lddw` of kind `MapFd`/`MapIdx` carries the index in
/// `imm` (this VM has no file descriptors; the index plays the fd's part).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapDef {
    /// Name used in source (`map[counts]`) and shown in the UI.
    pub name: String,
    /// Kind of map.
    pub map_type: MapType,
    /// Key size in bytes (0 for queue, stack and ring buffer).
    pub key_size: u32,
    /// Value size in bytes (0 for ring buffer).
    pub value_size: u32,
    /// Capacity (the byte size of a ring buffer).
    pub max_entries: u32,
    /// `BPF_F_*` map flags.
    pub flags: u32,
    /// Initial contents of a single-entry array (ELF `.data`/`.rodata`/`.bss`).
    pub initial_value: Option<Vec<u8>>,
    /// Elements user space puts in the map before the program runs (the
    /// assembler's `.entry` directive, `bpfplay run --map-entry`), as
    /// `(key, value)` with the key and value sizes above, applied in order
    /// with `BPF_ANY` when the maps are created.
    pub initial_entries: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Map flag `BPF_F_RDONLY_PROG`: programs may only read the map (`.rodata`).
pub const BPF_F_RDONLY_PROG: u32 = 1 << 7;

impl MapDef {
    /// Whether the map is read-only for programs and frozen with its initial
    /// value, as libbpf leaves `.rodata` (`BPF_F_RDONLY_PROG` plus
    /// `BPF_MAP_FREEZE`): the kernel's `bpf_map_is_rdonly`. The VM freezes
    /// every map declared with that flag and an initial value, so the verifier
    /// may read its contents (format strings of `bpf_snprintf`, `bpf_strncmp`).
    pub fn is_frozen_rdonly(&self) -> bool {
        self.flags & BPF_F_RDONLY_PROG != 0 && self.initial_value.is_some()
    }

    /// The value of element 0 of a frozen read-only map as the program sees
    /// it: the initial value with any `initial_entries` for key 0 put in
    /// before freezing (as libbpf lets user space set `.rodata` before the
    /// load), possibly shorter than `value_size` (the rest is zeros).
    /// `None` when the map is not frozen read-only.
    pub fn frozen_value(&self) -> Option<&[u8]> {
        if !self.is_frozen_rdonly() {
            return None;
        }
        let entry = self
            .initial_entries
            .iter()
            .rev()
            .find(|(key, _)| key.iter().all(|b| *b == 0))
            .map(|(_, value)| value.as_slice());
        entry.or(self.initial_value.as_deref())
    }
}

/// Where each instruction came from in the source text.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SourceMap {
    /// For each instruction slot, its 1-based source line (0 when it has none,
    /// e.g. the second slot of `lddw`, or a program decoded from bytes).
    pub lines: Vec<u32>,
}

impl SourceMap {
    /// The source line of instruction `insn`, if known.
    pub fn line_of(&self, insn: usize) -> Option<u32> {
        self.lines.get(insn).copied().filter(|l| *l != 0)
    }

    /// The first instruction assembled from source line `line`, if any.
    pub fn insn_at_line(&self, line: u32) -> Option<usize> {
        self.lines.iter().position(|l| *l == line)
    }
}

/// The C source line an instruction was compiled from, as BTF line info in a
/// clang object records it (the kernel's verifier log prints it as `; text`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LineInfo {
    /// Source file name as the compiler saw it.
    pub file: String,
    /// 1-based line number.
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// The text of the source line.
    pub text: String,
}

/// A program ready for the verifier and the interpreter.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Program {
    /// One entry per 8-byte slot (see [`Insn::LdImm64Tail`]).
    pub insns: Vec<Insn>,
    /// Declared maps; `lddw` map references index into this list.
    pub maps: Vec<MapDef>,
    /// The hook it is written for.
    pub prog_type: ProgramType,
    /// Source lines per instruction, when assembled or loaded with debug info.
    pub source_map: SourceMap,
    /// Named entry points of functions (instruction index, name), sorted by index;
    /// index 0 is the main program.
    pub functions: Vec<(usize, String)>,
    /// For programs loaded from a clang object with `-g`: per instruction slot,
    /// the C line it came from (each slot carries the most recent line record
    /// at or before it in its function). Empty for assembled programs.
    pub c_lines: Vec<Option<LineInfo>>,
}

impl Program {
    /// A program of instructions alone, for the default program type.
    pub fn from_insns(insns: Vec<Insn>) -> Program {
        Program {
            insns,
            ..Program::default()
        }
    }

    /// The map with index `idx`.
    pub fn map(&self, idx: usize) -> Option<&MapDef> {
        self.maps.get(idx)
    }

    /// The C source line of instruction `insn`, when loaded with line info.
    pub fn c_line(&self, insn: usize) -> Option<&LineInfo> {
        self.c_lines.get(insn)?.as_ref()
    }

    /// The map named `name` and its index.
    pub fn map_by_name(&self, name: &str) -> Option<(usize, &MapDef)> {
        self.maps.iter().enumerate().find(|(_, m)| m.name == name)
    }
}
