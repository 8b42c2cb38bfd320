//! vm-core compiled to wasm32 and run in headless Chromium
//! (`cargo xtask test`, or by hand:
//! `cargo test -p vm-core --target wasm32-unknown-unknown --test wasm`
//! with `wasm-bindgen-test-runner` as the target's runner).
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use vm_core::asm::assemble;
use vm_core::interp::{CompiledProgram, Memory, NoHelpers, RegionKind, Vm, VmConfig};
use vm_core::isa::{decode, Reg};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn run(source: &str) -> u64 {
    let program = assemble(source).expect("the program assembles");
    let code = Arc::new(CompiledProgram::new(&program));
    let mut vm = Vm::new(code, Memory::new(), VmConfig::default());
    vm.run(&mut NoHelpers).expect("the program runs to exit")
}

#[wasm_bindgen_test]
fn assembled_program_returns_r0() {
    assert_eq!(run("r0 = 42\nexit\n"), 42);
}

#[wasm_bindgen_test]
fn sixty_four_bit_arithmetic_wraps_the_same_as_natively() {
    // usize is 32 bits on wasm32: the VM must still compute in 64 bits.
    let r0 = run("r0 = -1\nr0 *= 3\nr1 = 0x7fffffff\nr1 <<= 33\nr0 ^= r1\nexit\n");
    assert_eq!(r0, (-3i64 as u64) ^ (0x7fff_ffffu64 << 33));
}

#[wasm_bindgen_test]
fn decoded_bytes_read_a_memory_region() {
    // r0 = *(u8 *)(r1 + 1); exit
    let bytes = [0x71, 0x10, 1, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
    let code = Arc::new(CompiledProgram::from_insns(
        &decode(&bytes).expect("decode"),
    ));
    let mut mem = Memory::new();
    let input = mem.add_region(RegionKind::User, vec![7, 42], false);
    let addr = mem.region(input).expect("region").base();
    let mut vm = Vm::new(code, mem, VmConfig::default());
    vm.set_reg(Reg::R1, addr);
    assert_eq!(vm.run(&mut NoHelpers), Ok(42));
}

/// The conformance suite's files, embedded by build.rs when it found them.
const CONFORMANCE: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/conformance_cases.rs"));

#[wasm_bindgen_test]
fn conformance_suite_passes_in_the_browser() {
    if CONFORMANCE.is_empty() {
        wasm_bindgen_test::console_log!(
            "conformance suite not found at build time (set BPF_CONFORMANCE_DIR); nothing to run"
        );
        return;
    }
    let report = vm_core::conformance::run_suite(CONFORMANCE.iter().copied());
    wasm_bindgen_test::console_log!("{}", report.summary());
    assert!(
        report.failed.is_empty(),
        "{} of {} conformance files failed in wasm: {:?}",
        report.failed.len(),
        CONFORMANCE.len(),
        report.failed
    );
}

/// A clang object as the playground receives it: bytes, parsed, linked,
/// verified and run in the browser.
#[wasm_bindgen_test]
fn clang_object_loads_verifies_and_runs_in_the_browser() {
    use vm_core::elf::ElfObject;
    use vm_core::maps::{Maps, MapsConfig};
    use vm_core::run::Input;
    use vm_core::verifier::{verify, VerifierOptions};

    let object = ElfObject::parse(include_bytes!("elf_fixtures/subprog_loop.o")).expect("parse");
    let program = object.load_by_name("xdp_sum").expect("link");
    assert_eq!(program.functions.len(), 3);
    assert_eq!(
        program.c_line(0).map(|l| l.file.as_str()),
        Some("./subprog_loop.c")
    );
    assert!(verify(&program, &VerifierOptions::default()).accepted());
    let mut maps = Maps::for_program(&program, MapsConfig::default()).expect("maps");
    let mut packet = vec![0u8; 20];
    packet[0] = 1; // odd sum: XDP_DROP
    let outcome = vm_core::run::run(&program, &Input::packet(packet), &mut maps).expect("run");
    assert_eq!(outcome.verdict.name, "XDP_DROP");
}
