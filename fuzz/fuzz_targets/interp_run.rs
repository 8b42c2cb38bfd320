//! Any bytecode that decodes runs in the interpreter to an exit or an error,
//! never a panic or a hang, on any memory; its traced run agrees.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use vm_core::conformance::ConformanceEnv;
use vm_core::interp::{CompiledProgram, Memory, RegionKind, Stop, Trace, Vm, VmConfig};
use vm_core::isa::{decode, Reg};

fuzz_target!(|data: &[u8]| {
    // First byte: how many of the following bytes are memory; the rest, whole
    // 8-byte slots, is the program.
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
            _ => unreachable!("an unbounded run stops only at exit"),
        });
    assert_eq!(plain, traced);
});
