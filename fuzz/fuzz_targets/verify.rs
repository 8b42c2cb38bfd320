//! Feeds bytecode to the verifier: the first byte picks the program type and
//! the maps the program may reference, the rest is instructions. The verifier
//! must never panic and must always terminate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vm_core::isa::decode;
use vm_core::verifier::{verify, VerifierOptions};
use vm_core::{MapDef, MapType, Program, ProgramType};

fn map(map_type: MapType, key_size: u32, value_size: u32, max_entries: u32) -> MapDef {
    MapDef {
        name: String::new(),
        map_type,
        key_size,
        value_size,
        max_entries,
        flags: 0,
        initial_value: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, code)) = data.split_first() else {
        return;
    };
    let Ok(insns) = decode(&code[..code.len() / 8 * 8]) else {
        return;
    };
    let mut prog = Program::from_insns(insns);
    prog.prog_type = ProgramType::ALL[selector as usize % ProgramType::ALL.len()];
    prog.maps = vec![
        map(MapType::Hash, 4, 8, 16),
        map(MapType::Array, 4, 16, 4),
        map(MapType::Ringbuf, 0, 0, 4096),
        map(MapType::ProgArray, 4, 4, 4),
    ];
    let opts = VerifierOptions {
        insn_limit: 200_000,
        privileged: selector & 0x80 == 0,
        ..VerifierOptions::default()
    };
    let result = verify(&prog, &opts);
    assert!(result.stats.processed_insns <= 200_001);
});
