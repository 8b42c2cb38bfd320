//! What a run is fed: the event that triggers the program (a packet, kprobe
//! registers, a tracepoint record) and the synthetic system around it (the
//! current process, CPU, clock, random seed, call stacks, kernel and user memory).

use alloc::string::String;
use alloc::vec::Vec;

use crate::ctx::TRACEPOINT_SYS_ENTER_SIZE;

/// A packet arriving on an interface (XDP, tc, socket filter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketInput {
    /// The frame, from the Ethernet header on (at least 14 bytes).
    pub data: Vec<u8>,
    /// The interface it arrives on (`xdp_md.ingress_ifindex`, `__sk_buff.ifindex`);
    /// 1, the loopback device, as `BPF_PROG_TEST_RUN` uses.
    pub ifindex: u32,
    /// The receive queue (`xdp_md.rx_queue_index`).
    pub rx_queue_index: u32,
    /// `__sk_buff.mark` at entry.
    pub mark: u32,
    /// `__sk_buff.priority` at entry.
    pub priority: u32,
}

impl PacketInput {
    /// A packet on the loopback device with no mark.
    pub fn new(data: Vec<u8>) -> PacketInput {
        PacketInput {
            data,
            ifindex: 1,
            rx_queue_index: 0,
            mark: 0,
            priority: 0,
        }
    }
}

/// A kprobe firing: the probed function's registers (x86-64 `struct pt_regs`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KprobeEvent {
    /// The 21 registers in `struct pt_regs` order (`r15` first, `ss` last);
    /// see [`crate::ctx::PT_REGS`] for names and [`KprobeEvent::with_args`].
    pub regs: [u64; 21],
    /// The probed function's name, for display.
    pub function: String,
}

impl KprobeEvent {
    /// A call of `function` with up to six arguments in `di`, `si`, `dx`, `cx`,
    /// `r8`, `r9`, and `ip` set to `ip`.
    pub fn with_args(function: &str, ip: u64, args: &[u64]) -> KprobeEvent {
        let mut regs = [0u64; 21];
        for (off, arg) in crate::ctx::PT_REGS_PARM_OFFSETS.iter().zip(args) {
            if let Some(r) = regs.get_mut(*off as usize / 8) {
                *r = *arg;
            }
        }
        if let Some(r) = regs.get_mut(16) {
            *r = ip;
        }
        KprobeEvent {
            regs,
            function: String::from(function),
        }
    }
}

/// A tracepoint firing: its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracepointEvent {
    /// The tracepoint's name (`raw_syscalls/sys_enter`), for display.
    pub name: String,
    /// The record from its first byte (the common header); at most 8192 bytes.
    pub record: Vec<u8>,
}

impl TracepointEvent {
    /// A `raw_syscalls/sys_enter` record for syscall `id` with `args`, laid out as
    /// [`crate::ctx::TRACEPOINT_RECORD`] describes; the header's `common_pid` is
    /// filled from the current process when the run starts if left 0.
    pub fn sys_enter(id: i64, args: [u64; 6]) -> TracepointEvent {
        let mut record = alloc::vec![0u8; TRACEPOINT_SYS_ENTER_SIZE as usize];
        if let Some(b) = record.get_mut(8..16) {
            b.copy_from_slice(&id.to_le_bytes());
        }
        for (i, a) in args.iter().enumerate() {
            if let Some(b) = record.get_mut(16 + i * 8..24 + i * 8) {
                b.copy_from_slice(&a.to_le_bytes());
            }
        }
        TracepointEvent {
            name: String::from("raw_syscalls/sys_enter"),
            record,
        }
    }
}

/// What triggers the program; its kind must suit the program type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A packet (XDP, tc, socket filter).
    Packet(PacketInput),
    /// A kprobe hit.
    Kprobe(KprobeEvent),
    /// A tracepoint hit.
    Tracepoint(TracepointEvent),
}

/// A process in the synthetic process table: what the `get_current_*` helpers report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// Thread id (the kernel's `pid`).
    pub pid: u32,
    /// Process id (the kernel's `tgid`).
    pub tgid: u32,
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
    /// Command name (at most 15 bytes are kept, as in `task->comm`).
    pub comm: String,
    /// The cgroup v2 id.
    pub cgroup_id: u64,
}

impl Process {
    /// A single-threaded process.
    pub fn new(pid: u32, uid: u32, comm: &str, cgroup_id: u64) -> Process {
        Process {
            pid,
            tgid: pid,
            uid,
            gid: uid,
            comm: String::from(comm),
            cgroup_id,
        }
    }

    /// `task->comm`: 16 bytes, NUL-padded, at most 15 of them text.
    pub fn comm_bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (d, s) in out.iter_mut().take(15).zip(self.comm.bytes()) {
            *d = s;
        }
        out
    }
}

impl Default for Process {
    fn default() -> Self {
        Process::new(4242, 1000, "bpfplay", 4242)
    }
}

/// A small process table for examples and the playground: a few processes a
/// tracing program can be shown firing for.
pub fn sample_processes() -> Vec<Process> {
    alloc::vec![
        Process::new(1, 0, "systemd", 1),
        Process::new(612, 0, "sshd", 2061),
        Process::new(1337, 1000, "bash", 4242),
        Process::new(4242, 1000, "bpfplay", 4242),
        Process::new(5150, 1000, "curl", 4242),
        Process {
            pid: 5151,
            tgid: 5150,
            ..Process::new(5150, 1000, "curl", 4242)
        },
    ]
}

/// Memory the program cannot touch directly but `bpf_probe_read_*` can:
/// a segment of synthetic kernel or user memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemorySegment {
    /// Address of the first byte.
    pub addr: u64,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// User memory (`probe_read_user`) rather than kernel memory (`probe_read_kernel`).
    pub user: bool,
}

/// The synthetic system around the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
    /// The current process.
    pub process: Process,
    /// The CPU the program runs on (per-CPU map copy, perf buffer, `get_smp_processor_id`).
    pub cpu: u32,
    /// The virtual clock at the start of the run (`bpf_ktime_get_ns`), in ns.
    pub clock_ns: u64,
    /// How far the clock moves at each read of it, in ns (0 freezes it).
    pub clock_step_ns: u64,
    /// Seed of `bpf_get_prandom_u32`; the same seed gives the same numbers.
    pub random_seed: u64,
    /// Kernel call stack, innermost return address first (`bpf_get_stackid`).
    pub kernel_stack: Vec<u64>,
    /// User call stack, innermost first (`BPF_F_USER_STACK`).
    pub user_stack: Vec<u64>,
    /// Kernel and user memory for `bpf_probe_read_*` and `%s` in `bpf_trace_printk`.
    pub memory: Vec<MemorySegment>,
}

impl Default for System {
    fn default() -> Self {
        System {
            process: Process::default(),
            cpu: 0,
            clock_ns: 1_000_000_000,
            clock_step_ns: 1_000,
            random_seed: 0x5eed,
            kernel_stack: alloc::vec![
                0xffff_ffff_8100_1234,
                0xffff_ffff_8100_5678,
                0xffff_ffff_8100_9abc
            ],
            user_stack: alloc::vec![0x5555_5555_1234, 0x5555_5555_5678],
            memory: Vec::new(),
        }
    }
}

/// Everything a run needs besides the program and the maps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// What triggers the program.
    pub event: Event,
    /// The system around it.
    pub system: System,
}

impl Input {
    /// A packet with the default system.
    pub fn packet(data: Vec<u8>) -> Input {
        Input {
            event: Event::Packet(PacketInput::new(data)),
            system: System::default(),
        }
    }

    /// A kprobe hit with the default system.
    pub fn kprobe(event: KprobeEvent) -> Input {
        Input {
            event: Event::Kprobe(event),
            system: System::default(),
        }
    }

    /// A tracepoint hit with the default system.
    pub fn tracepoint(event: TracepointEvent) -> Input {
        Input {
            event: Event::Tracepoint(event),
            system: System::default(),
        }
    }

    /// The same input in another process.
    pub fn with_process(mut self, process: Process) -> Input {
        self.system.process = process;
        self
    }
}
