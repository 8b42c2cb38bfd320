//! Verifier throughput in processed instructions per second: a 4,096-instruction
//! straight-line program (ALU, stack spills and fills, packet loads behind one
//! bounds check) and a bounded loop of 100 iterations the verifier walks
//! iteration by iteration, as the kernel does.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vm_core::asm::assemble;
use vm_core::verifier::{verify, VerifierOptions};
use vm_core::Program;

/// 4,096 instructions: a packet bounds check, then a repeated block of ALU
/// operations, stack spills/fills and packet loads.
fn straight_line() -> Program {
    let mut src = String::from(
        "r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 64\nif r4 > r3 goto out\nr6 = 0\n",
    );
    let block = [
        "r5 = *(u8 *)(r2 + 12)",
        "r5 &= 0xf",
        "r6 += r5",
        "*(u64 *)(r10 - 8) = r6",
        "r7 = *(u64 *)(r10 - 8)",
        "r7 <<= 2",
        "r6 ^= r7",
        "r6 &= 0xffff",
    ];
    let mut n = 6;
    while n < 4096 - 3 {
        src.push_str(block[(n - 6) % block.len()]);
        src.push('\n');
        n += 1;
    }
    src.push_str("out:\nr0 = 2\nexit\n");
    assemble(&src).expect("assembles")
}

/// A loop of 100 iterations over the stack.
fn bounded_loop() -> Program {
    assemble(
        "r0 = 0
         r1 = 0
         *(u64 *)(r10 - 8) = r1
     loop:
         r2 = *(u64 *)(r10 - 8)
         r2 += r1
         *(u64 *)(r10 - 8) = r2
         r1 += 1
         if r1 < 100 goto loop
         r0 = *(u64 *)(r10 - 8)
         r0 &= 1
         exit",
    )
    .expect("assembles")
}

fn bench(c: &mut Criterion) {
    let opts = VerifierOptions {
        log: false,
        trace_limit: 0,
        ..VerifierOptions::default()
    };
    let mut group = c.benchmark_group("verifier");
    for (name, prog) in [
        ("straight_line_4096", straight_line()),
        ("loop_100", bounded_loop()),
    ] {
        let result = verify(&prog, &opts);
        assert!(result.accepted(), "{name}: {:?}", result.error);
        group.throughput(Throughput::Elements(result.stats.processed_insns));
        group.bench_function(name, |b| {
            b.iter(|| verify(black_box(&prog), black_box(&opts)))
        });
    }
    // The same with the kernel-format log and the full step trace, as the playground asks.
    let prog = straight_line();
    let full = VerifierOptions::default();
    let processed = verify(&prog, &full).stats.processed_insns;
    group.throughput(Throughput::Elements(processed));
    group.bench_function("straight_line_4096_with_log_and_trace", |b| {
        b.iter(|| verify(black_box(&prog), black_box(&full)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
