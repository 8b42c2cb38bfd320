//! See `vm_core_fuzz::elf_load` (fuzz/src/lib.rs) for what this target checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vm_core_fuzz::elf_load(data));
