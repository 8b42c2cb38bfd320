//! The fuzz targets' bodies, one function per target. libFuzzer calls them
//! from `fuzz_targets/` (`cargo fuzz run <target>`), and the main workspace's
//! `vm-core/tests/fuzz_targets.rs` includes this file to replay the seeds and
//! every input a fuzzing run found, so the bodies stay compiled and each crash
//! stays fixed. Each function panics exactly when it finds a bug.

use std::sync::Arc;

use vm_core::asm::{assemble_with, Syntax};
use vm_core::conformance::ConformanceEnv;
use vm_core::disasm::disassemble;
use vm_core::elf::ElfObject;
use vm_core::interp::{CompiledProgram, Memory, RegionKind, Stop, Trace, Vm, VmConfig};
use vm_core::isa::{decode, Reg};
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{run, Input, KprobeEvent, RunError, TracepointEvent};
use vm_core::verifier::{verify, VerifierOptions};
use vm_core::{MapDef, MapType, Program, ProgramType};

/// Bytes to the ELF loader: they parse and link to programs or to errors,
/// never a panic, an overflow or a hang.
pub fn elf_load(data: &[u8]) {
    if let Ok(obj) = ElfObject::parse(data) {
        for (_, prog) in obj.load_all() {
            if let Err(e) = prog {
                let _ = e.to_string();
            }
        }
    }
}

/// Byte 0 is how many of the following bytes are memory; the rest, in whole
/// 8-byte slots, is bytecode. What decodes runs to an exit or an error, never
/// a panic or a hang, and its traced run agrees with the plain one.
pub fn interp_run(data: &[u8]) {
    let Some((&mem_len, rest)) = data.split_first() else {
        return;
    };
    let (mem, code) = rest.split_at((mem_len as usize).min(rest.len()));
    let code = &code[..code.len() / 8 * 8];
    let Ok(insns) = decode(code) else {
        return;
    };
    let compiled = Arc::new(CompiledProgram::from_insns(&insns));
    let fresh = || {
        let mut memory = Memory::new();
        let id = memory.add_region(RegionKind::User, mem.to_vec(), true);
        let addr = memory.region(id).map(|r| r.base()).unwrap_or(0);
        let config = VmConfig {
            budget: 10_000,
            ..VmConfig::default()
        };
        let mut vm = Vm::new(Arc::clone(&compiled), memory, config);
        vm.set_reg(Reg::R1, addr);
        vm.set_reg(Reg::R2, mem.len() as u64);
        vm
    };
    let plain = fresh().run(&mut ConformanceEnv);
    let mut trace = Trace::default();
    let traced = fresh()
        .run_traced(&mut ConformanceEnv, &mut trace, u64::MAX, &[])
        .map(|s| match s {
            Stop::Exited(v) => v,
            other => panic!("an unbounded traced run stopped without exiting: {other:?}"),
        });
    assert_eq!(plain, traced, "plain and traced runs differ");
}

/// Text to the assembler in both syntaxes: it assembles or fails with an
/// error, never a panic; what assembles survives `disassemble` + `assemble`
/// with the same instructions and maps.
pub fn asm_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for syntax in [Syntax::PseudoC, Syntax::Mnemonic] {
        if let Ok(p) = assemble_with(text, syntax) {
            let listing = disassemble(&p, syntax);
            let q = assemble_with(&listing, syntax)
                .unwrap_or_else(|e| panic!("{e}\n--- source\n{text}\n--- listing\n{listing}"));
            assert_eq!(
                q.insns, p.insns,
                "--- source\n{text}\n--- listing\n{listing}"
            );
            assert_eq!(q.maps, p.maps);
        }
    }
}

fn map(name: &str, map_type: MapType, key_size: u32, value_size: u32, max_entries: u32) -> MapDef {
    MapDef {
        name: name.into(),
        map_type,
        key_size,
        value_size,
        max_entries,
        flags: 0,
        initial_value: None,
        initial_entries: Vec::new(),
    }
}

/// Byte 0 picks the program type and privileged mode, the rest is bytecode
/// with four maps to reference. The verifier never panics and stops within
/// its instruction limit; a program it accepts runs on a packet (the input's
/// bytes) without a memory fault, since a fault there is a soundness bug.
pub fn verify_and_run(data: &[u8]) {
    let Some((&selector, code)) = data.split_first() else {
        return;
    };
    let Ok(insns) = decode(&code[..code.len() / 8 * 8]) else {
        return;
    };
    let mut prog = Program::from_insns(insns);
    prog.prog_type = ProgramType::ALL[selector as usize % ProgramType::ALL.len()];
    prog.maps = vec![
        map("hash", MapType::Hash, 4, 8, 16),
        map("array", MapType::Array, 4, 16, 4),
        map("events", MapType::Ringbuf, 0, 0, 4096),
        map("jumps", MapType::ProgArray, 4, 4, 4),
    ];
    let opts = VerifierOptions {
        insn_limit: 200_000,
        privileged: selector & 0x80 == 0,
        log: false,
        trace_limit: 0,
        ..VerifierOptions::default()
    };
    let result = verify(&prog, &opts);
    assert!(
        result.stats.processed_insns <= 200_001,
        "processed {} instructions past the limit",
        result.stats.processed_insns
    );
    if !result.accepted() {
        return;
    }
    let Ok(mut maps) = Maps::for_program(&prog, MapsConfig::default()) else {
        return;
    };
    let input = match prog.prog_type {
        ProgramType::Kprobe => Input::kprobe(KprobeEvent::with_args(
            "do_sys_open",
            0xffff_ffff_8100_0000,
            &[1, 2, 3, 4, 5],
        )),
        ProgramType::Tracepoint => {
            Input::tracepoint(TracepointEvent::sys_enter(2, [1, 2, 3, 4, 5, 6]))
        }
        _ => Input::packet(data.to_vec()),
    };
    if let Err(RunError::Exec(e)) = run(&prog, &input, &mut maps) {
        if e.kind.is_verifier_preventable() {
            panic!("accepted by the verifier but faults at run time: {e}");
        }
    }
}
