//! See `vm_core_fuzz::interp_run` (fuzz/src/lib.rs) for what this target checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vm_core_fuzz::interp_run(data));
