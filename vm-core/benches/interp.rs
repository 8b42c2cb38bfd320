//! The interpreter against the `rbpf` crate's interpreter, on the same bytecode
//! in the same run: a tight ALU loop, a memory copy loop, and an
//! Ethernet/IPv4/TCP header parser.
//!
//! Our side reuses one `Vm` per benchmark (`Vm::reset`, as a host running a
//! program over many packets does); rbpf's `execute_program` sets up its
//! registers and stack on every call. Both check every memory access.
//!
//! Natively: `cargo bench -p vm-core --bench interp` (criterion). In headless
//! Chromium: `cargo xtask bench` (after the native run; the criterion port in
//! `wasm-bindgen-test`, `#[wasm_bindgen_bench]`), the same workloads compiled
//! to wasm32 with rbpf built `no_std`.

use std::sync::Arc;

use vm_core::asm::{assemble_with, Syntax};
use vm_core::interp::{CompiledProgram, Memory, NoHelpers, RegionKind, Vm, VmConfig};
use vm_core::isa::{encode, Reg};

/// 1,000 iterations of a dozen ALU instructions.
const ALU_LOOP: &str = "
    r0 = 0
    r1 = 1000
loop:
    r2 = r1
    r2 *= 7
    r0 += r2
    r0 ^= 0x5a5a
    r3 = r0
    r3 >>= 3
    r0 -= r3
    w4 = w0
    w4 <<= 2
    r0 |= r4
    r0 &= 0xffffff
    r1 += -1
    if r1 != 0 goto loop
    exit
";

/// Copies the first 2,048 bytes of a 4,096-byte buffer to its second half, 8 bytes at a time.
const MEMCPY_LOOP: &str = "
    r2 = r1
    r3 = r1
    r3 += 2048
    r4 = 256
loop:
    r5 = *(u64 *)(r2 + 0)
    *(u64 *)(r3 + 0) = r5
    r2 += 8
    r3 += 8
    r4 += -1
    if r4 != 0 goto loop
    r0 = *(u64 *)(r1 + 4088)
    exit
";

/// Parses Ethernet, IPv4 and TCP headers with bounds checks against
/// `data_end`; returns the source address and destination port of a TCP SYN
/// to port 80, else 0. Context: `u64 data` at 0, `u64 data_end` at 8.
const PACKET_PARSE: &str = "
    r2 = *(u64 *)(r1 + 0)
    r3 = *(u64 *)(r1 + 8)
    r0 = 0
    r4 = r2
    r4 += 14
    if r4 > r3 goto out
    r5 = *(u16 *)(r2 + 12)
    r5 = be16 r5
    if r5 != 0x800 goto out
    r4 = r2
    r4 += 34
    if r4 > r3 goto out
    r5 = *(u8 *)(r2 + 14)
    r6 = r5
    r6 >>= 4
    if r6 != 4 goto out
    r5 &= 15
    r5 <<= 2
    if r5 < 20 goto out
    r7 = *(u8 *)(r2 + 23)
    if r7 != 6 goto out
    r8 = *(u32 *)(r2 + 26)
    r8 = be32 r8
    r2 += 14
    r2 += r5
    r4 = r2
    r4 += 20
    if r4 > r3 goto out
    r9 = *(u16 *)(r2 + 2)
    r9 = be16 r9
    if r9 != 80 goto out
    r6 = *(u8 *)(r2 + 13)
    r6 &= 2
    if r6 == 0 goto out
    r0 = r8
    r0 <<= 16
    r0 |= r9
out:
    exit
";

/// An Ethernet/IPv4/TCP SYN from 10.0.0.1:12345 to 10.0.0.2:80.
fn syn_packet() -> Vec<u8> {
    let mut p = vec![0u8; 54];
    p[12..14].copy_from_slice(&[0x08, 0x00]);
    p[14] = 0x45;
    p[16..18].copy_from_slice(&40u16.to_be_bytes());
    p[22] = 64;
    p[23] = 6;
    p[26..30].copy_from_slice(&[10, 0, 0, 1]);
    p[30..34].copy_from_slice(&[10, 0, 0, 2]);
    p[34..36].copy_from_slice(&12345u16.to_be_bytes());
    p[36..38].copy_from_slice(&80u16.to_be_bytes());
    p[46] = 0x50;
    p[47] = 0x02;
    p
}

/// The program's instructions and its bytecode; the bytecode lives as long
/// as the benchmark process (rbpf's VMs borrow it).
fn bytecode(src: &str) -> (Vec<vm_core::isa::Insn>, &'static [u8]) {
    let program = assemble_with(src, Syntax::PseudoC).expect("benchmark program assembles");
    let bytes = encode(&program.insns);
    (program.insns, bytes.leak())
}

fn ours(insns: &[vm_core::isa::Insn], memory: Memory, r1: u64) -> Vm {
    let code = Arc::new(CompiledProgram::from_insns(insns));
    let config = VmConfig {
        budget: u64::MAX,
        ..VmConfig::default()
    };
    let mut vm = Vm::new(code, memory, config);
    vm.set_reg(Reg::R1, r1);
    vm
}

fn run_ours(vm: &mut Vm, r1: u64) -> u64 {
    vm.reset();
    vm.set_reg(Reg::R1, r1);
    vm.run(&mut NoHelpers).expect("runs")
}

/// One benchmark: this interpreter and rbpf set up on the same bytecode and
/// input, each a closure returning r0.
struct Workload {
    name: &'static str,
    ours: Box<dyn FnMut() -> u64>,
    rbpf: Box<dyn FnMut() -> u64>,
}

impl Workload {
    /// Runs both once and checks they agree (and, when given, on `want`)
    /// before anything is timed.
    fn checked(
        name: &'static str,
        want: Option<u64>,
        mut ours: impl FnMut() -> u64 + 'static,
        mut rbpf: impl FnMut() -> u64 + 'static,
    ) -> Workload {
        let (a, b) = (ours(), rbpf());
        assert_eq!(a, b, "{name}: vm-core and rbpf disagree");
        if let Some(want) = want {
            assert_eq!(a, want, "{name}: r0");
        }
        Workload {
            name,
            ours: Box::new(ours),
            rbpf: Box::new(rbpf),
        }
    }
}

fn alu_loop() -> Workload {
    let (insns, bytes) = bytecode(ALU_LOOP);
    let mut vm = ours(&insns, Memory::new(), 0);
    let rbpf_vm = rbpf::EbpfVmNoData::new(Some(bytes)).expect("rbpf accepts");
    Workload::checked(
        "alu_loop",
        None,
        move || run_ours(&mut vm, 0),
        move || rbpf_vm.execute_program().expect("rbpf runs"),
    )
}

fn memcpy_loop() -> Workload {
    let (insns, bytes) = bytecode(MEMCPY_LOOP);
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 7) as u8).collect();
    let mut memory = Memory::new();
    let id = memory.add_region(RegionKind::User, data.clone(), true);
    let addr = memory.region(id).map(|r| r.base()).unwrap_or(0);
    let mut vm = ours(&insns, memory, addr);
    let rbpf_vm = rbpf::EbpfVmMbuff::new(Some(bytes)).expect("rbpf accepts");
    let rbpf_mem = data;
    Workload::checked(
        "memcpy_loop",
        None,
        move || run_ours(&mut vm, addr),
        move || rbpf_vm.execute_program(&rbpf_mem, &[]).expect("rbpf runs"),
    )
}

fn packet_parse() -> Workload {
    let (insns, bytes) = bytecode(PACKET_PARSE);
    let packet = syn_packet();
    let mut memory = Memory::new();
    let pkt = memory.add_region(RegionKind::Packet, packet.clone(), true);
    let start = memory.region(pkt).map(|r| r.base()).unwrap_or(0);
    let mut ctx = Vec::new();
    ctx.extend_from_slice(&start.to_le_bytes());
    ctx.extend_from_slice(&(start + packet.len() as u64).to_le_bytes());
    let ctx_id = memory.add_region(RegionKind::Context, ctx, false);
    let ctx_addr = memory.region(ctx_id).map(|r| r.base()).unwrap_or(0);
    let mut vm = ours(&insns, memory, ctx_addr);

    // rbpf reads `data` and `data_end` as host addresses from its mbuff.
    let rbpf_vm = rbpf::EbpfVmMbuff::new(Some(bytes)).expect("rbpf accepts");
    let rbpf_pkt = packet;
    let p = rbpf_pkt.as_ptr() as u64;
    let mut mbuff = Vec::new();
    mbuff.extend_from_slice(&p.to_le_bytes());
    mbuff.extend_from_slice(&(p + rbpf_pkt.len() as u64).to_le_bytes());
    Workload::checked(
        "packet_parse",
        Some((0x0a00_0001 << 16) | 80),
        move || run_ours(&mut vm, ctx_addr),
        move || {
            rbpf_vm
                .execute_program(&rbpf_pkt, &mbuff)
                .expect("rbpf runs")
        },
    )
}

#[cfg(not(target_arch = "wasm32"))]
fn workloads() -> [Workload; 3] {
    [alu_loop(), memcpy_loop(), packet_parse()]
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, Criterion};

    fn interp(c: &mut Criterion) {
        for mut w in super::workloads() {
            let mut g = c.benchmark_group(w.name);
            g.bench_function("vm-core", |b| b.iter(&mut w.ours));
            g.bench_function("rbpf", |b| b.iter(&mut w.rbpf));
            g.finish();
        }
    }

    criterion_group!(benches, interp);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

/// In headless Chromium: `wasm-bindgen-test-runner --bench` calls each
/// `#[wasm_bindgen_bench]` function (`main` is not run). They run in a
/// dedicated worker: a benchmark holds its thread for seconds, which on the
/// page's main thread would stall the runner's WebDriver polling.
#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};

    wasm_bindgen_test_configure!(run_in_dedicated_worker);

    fn bench(c: &mut Criterion, mut w: super::Workload) {
        c.bench_function(&format!("{}/vm-core", w.name), |b| b.iter(&mut w.ours));
        c.bench_function(&format!("{}/rbpf", w.name), |b| b.iter(&mut w.rbpf));
    }

    #[wasm_bindgen_bench]
    fn alu_loop(c: &mut Criterion) {
        bench(c, super::alu_loop());
    }

    #[wasm_bindgen_bench]
    fn memcpy_loop(c: &mut Criterion) {
        bench(c, super::memcpy_loop());
    }

    #[wasm_bindgen_bench]
    fn packet_parse(c: &mut Criterion) {
        bench(c, super::packet_parse());
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
