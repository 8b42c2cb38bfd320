//! `struct pt_regs` (x86-64), the context of kprobe programs.

use super::{ro, CtxLayout};

/// `struct pt_regs` as on x86-64 (168 bytes, 21 `u64` registers in the kernel's
/// order). Read-only; any aligned load of 1, 2, 4 or 8 bytes inside a register is
/// allowed. The first function arguments are `di`, `si`, `dx`, `cx`, `r8`, `r9`
/// (what `PT_REGS_PARM1`..`PARM6` read); the return value of a kretprobe is `ax`.
pub const PT_REGS: CtxLayout = CtxLayout {
    name: "struct pt_regs",
    size: 168,
    fields: &[
        ro("r15", 0, 8),
        ro("r14", 8, 8),
        ro("r13", 16, 8),
        ro("r12", 24, 8),
        ro("bp", 32, 8),
        ro("bx", 40, 8),
        ro("r11", 48, 8),
        ro("r10", 56, 8),
        ro("r9", 64, 8),
        ro("r8", 72, 8),
        ro("ax", 80, 8),
        ro("cx", 88, 8),
        ro("dx", 96, 8),
        ro("si", 104, 8),
        ro("di", 112, 8),
        ro("orig_ax", 120, 8),
        ro("ip", 128, 8),
        ro("cs", 136, 8),
        ro("flags", 144, 8),
        ro("sp", 152, 8),
        ro("ss", 160, 8),
    ],
};

/// Offsets of the registers holding function arguments 1..6 (`PT_REGS_PARM1`..`6`).
pub const PT_REGS_PARM_OFFSETS: [u32; 6] = [112, 104, 96, 88, 72, 64];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_the_sysv_argument_registers() {
        let names: [&str; 6] =
            PT_REGS_PARM_OFFSETS.map(|off| PT_REGS.field_at(off).map_or("?", |f| f.name));
        assert_eq!(names, ["di", "si", "dx", "cx", "r8", "r9"]);
        assert_eq!(PT_REGS.field("ax").map(|f| f.offset), Some(80));
    }
}
