//! Property: the interpreter never panics, whatever the bytecode, memory and
//! helper results, and its untraced, traced and single-stepped runs agree.

use std::sync::Arc;

use proptest::prelude::*;
use vm_core::interp::{
    func_address, CompiledProgram, Env, HelperError, HelperResult, InterpError, Memory, RegionKind,
    Stop, Trace, Vm, VmConfig,
};
use vm_core::isa::{decode_raw, LdImm64Kind, RawInsn, Reg};

/// Helpers whose behaviour depends on their id and arguments: return values,
/// early exits, callbacks to arbitrary addresses, failures.
struct ChaosEnv;

impl Env for ChaosEnv {
    fn call_helper(
        &mut self,
        id: i32,
        args: [u64; 5],
        mem: &mut Memory,
    ) -> Result<HelperResult, HelperError> {
        match id.rem_euclid(6) {
            0 => Ok(HelperResult::Return(args[0] ^ id as u64)),
            1 => Ok(HelperResult::Exit(args[1])),
            2 => Ok(HelperResult::CallFunction {
                target: func_address((args[0] % 40) as usize),
                args,
            }),
            3 => Ok(HelperResult::CallFunction {
                target: args[2],
                args,
            }),
            4 => match mem.read(args[0], (args[1] % 64) as usize) {
                Ok(bytes) => Ok(HelperResult::Return(bytes.len() as u64)),
                Err(e) => Err(HelperError::Failed(e.to_string())),
            },
            _ => Err(HelperError::Unknown),
        }
    }

    fn callback_returned(&mut self, ret: u64, _: &mut Memory) -> Result<HelperResult, HelperError> {
        Ok(HelperResult::Return(ret))
    }

    fn resolve_ld_imm64(
        &mut self,
        kind: LdImm64Kind,
        imm: i32,
        _: i32,
        _: &mut Memory,
    ) -> Option<u64> {
        (kind == LdImm64Kind::MapFd && imm >= 0).then_some(imm as u64)
    }
}

fn raw_insn() -> impl Strategy<Value = RawInsn> {
    (
        any::<u8>(),
        0u8..=11,
        0u8..=11,
        prop_oneof![-12i16..12, any::<i16>()],
        prop_oneof![-16i32..16, Just(0), any::<i32>()],
    )
        .prop_map(|(code, dst, src, off, imm)| RawInsn {
            code,
            dst,
            src,
            off,
            imm,
        })
}

/// Drops undecodable slots until the rest decodes.
fn decodable(mut raws: Vec<RawInsn>) -> Vec<vm_core::isa::Insn> {
    loop {
        match decode_raw(&raws) {
            Ok(insns) => return insns,
            Err(e) => {
                let at = e.insn_index().min(raws.len().saturating_sub(1));
                if raws.is_empty() {
                    return Vec::new();
                }
                raws.remove(at);
            }
        }
    }
}

fn fresh_vm(code: &Arc<CompiledProgram>, mem: &[u8], budget: u64) -> Vm {
    let mut memory = Memory::new();
    let user = memory.add_region(RegionKind::User, mem.to_vec(), true);
    let packet = memory.add_region(
        RegionKind::Packet,
        mem.iter().rev().copied().collect(),
        false,
    );
    let user_addr = memory.region(user).map(|r| r.base()).unwrap_or(0);
    let packet_addr = memory.region(packet).map(|r| r.base()).unwrap_or(0);
    let config = VmConfig {
        budget,
        ..VmConfig::default()
    };
    let mut vm = Vm::new(Arc::clone(code), memory, config);
    vm.set_reg(Reg::R1, user_addr);
    vm.set_reg(Reg::R2, mem.len() as u64);
    vm.set_reg(Reg::R3, packet_addr);
    vm
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_all_modes_agree(
        raws in prop::collection::vec(raw_insn(), 1..48),
        mem in prop::collection::vec(any::<u8>(), 0..96),
    ) {
        let insns = decodable(raws);
        let code = Arc::new(CompiledProgram::from_insns(&insns));
        let budget = 300;

        let mut vm = fresh_vm(&code, &mem, budget);
        let plain: Result<u64, InterpError> = vm.run(&mut ChaosEnv);
        let plain_regs = vm.regs();

        let mut traced_vm = fresh_vm(&code, &mem, budget);
        let mut trace = Trace::default();
        let traced = traced_vm.run_traced(&mut ChaosEnv, &mut trace, u64::MAX, &[]);
        prop_assert_eq!(trace.steps.len() as u64, traced_vm.executed());
        let traced = traced.map(|s| match s { Stop::Exited(v) => v, _ => u64::MAX });
        prop_assert_eq!(&plain, &traced);
        prop_assert_eq!(plain_regs, traced_vm.regs());

        let mut stepped_vm = fresh_vm(&code, &mem, budget);
        let stepped = loop {
            match stepped_vm.step(&mut ChaosEnv) {
                Ok(Stop::Exited(v)) => break Ok(v),
                Ok(_) => {}
                Err(e) => break Err(e),
            }
        };
        prop_assert_eq!(&plain, &stepped);
        prop_assert_eq!(plain_regs, stepped_vm.regs());
    }
}
