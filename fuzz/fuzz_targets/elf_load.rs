//! Any bytes given to the ELF loader parse and link to programs or errors,
//! never a panic, an overflow or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vm_core::elf::ElfObject;

fuzz_target!(|data: &[u8]| {
    if let Ok(obj) = ElfObject::parse(data) {
        for (_, prog) in obj.load_all() {
            if let Err(e) = prog {
                let _ = e.to_string();
            }
        }
    }
});
