//! Memory access checks and their effects: context fields, stack slots
//! (spill and fill), packet bytes within the verified range, map values,
//! ring buffer records; atomics and the legacy packet loads.

use alloc::format;
use alloc::string::String;

use super::error::ErrorKind;
use super::exec::Verifier;
use super::reg::{RegState, RegType};
use super::stack::{SlotType, StackState, MAX_BPF_STACK, SLOT_SIZE};
use super::Reject;
use crate::ctx::{layout, CtxFieldType};
use crate::isa::{AtomicOp, Operand, PacketMode, Reg, Size};
use crate::program::ProgramType;

/// The kernel's `BPF_MAX_VAR_OFF`.
const MAX_VAR_OFF: u64 = 1 << 29;
/// The kernel's `MAX_PACKET_OFF`.
pub(crate) const MAX_PACKET_OFF: u64 = 0xffff;

/// What an access does.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Access {
    /// A load.
    Read,
    /// A store of a register's value.
    WriteReg(RegState),
    /// A store of an immediate (`BPF_ST`).
    WriteImm(i32),
    /// A store of an unknown value (atomics).
    WriteUnknown,
}

impl Access {
    fn is_write(&self) -> bool {
        !matches!(self, Access::Read)
    }
}

fn tnum_text(t: super::tnum::Tnum) -> String {
    if t.is_const() {
        format!("{}", t.value as i64)
    } else {
        format!("{}", t)
    }
}

impl Verifier<'_> {
    pub(crate) fn check_load(
        &mut self,
        size: Size,
        sx: bool,
        dst: Reg,
        src: Reg,
        off: i16,
    ) -> Result<(), Reject> {
        self.check_reg_read(src)?;
        self.check_reg_write(dst)?;
        let mut v = self.mem_access(src, off as i32, size.bytes(), Access::Read)?;
        if v.ty == RegType::Scalar && size.bytes() < 8 {
            if sx {
                v.sign_extend(size.bytes() as u32);
            } else {
                v.truncate(size.bytes() as u32);
            }
        }
        self.set_reg(dst, v);
        Ok(())
    }

    pub(crate) fn check_store(
        &mut self,
        size: Size,
        dst: Reg,
        off: i16,
        src: Operand,
    ) -> Result<(), Reject> {
        let access = match src {
            Operand::Reg(r) => Access::WriteReg(self.check_reg_read(r)?),
            Operand::Imm(i) => Access::WriteImm(i),
        };
        let base = self.check_reg_read(dst)?;
        self.mem_access(dst, off as i32, size.bytes(), access)?;
        if let Access::WriteImm(_) = access {
            if base.ty == RegType::PtrToCtx {
                return Err(self.reject(
                    ErrorKind::ContextAccess,
                    format!(
                        "BPF_ST stores into R{} {} is not allowed",
                        dst.number(),
                        base.type_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn check_atomic(
        &mut self,
        size: Size,
        op: AtomicOp,
        fetch: bool,
        dst: Reg,
        src: Reg,
        off: i16,
    ) -> Result<(), Reject> {
        let s = self.check_reg_read(src)?;
        let base = self.check_reg_read(dst)?;
        if op == AtomicOp::Cmpxchg {
            self.check_reg_read(Reg::R0)?;
        }
        if s.ty.is_pointer() && !self.opts.privileged {
            return Err(self.reject(
                ErrorKind::InvalidMemAccess,
                format!("R{} leaks addr into mem", src.number()),
            ));
        }
        if matches!(
            base.ty,
            RegType::PtrToCtx | RegType::PtrToPacket | RegType::PtrToPacketMeta
        ) {
            return Err(self.reject(
                ErrorKind::InvalidMemAccess,
                format!(
                    "BPF_ATOMIC stores into R{} {} is not allowed",
                    dst.number(),
                    base.type_str()
                ),
            ));
        }
        let mut old = self.mem_access(dst, off as i32, size.bytes(), Access::Read)?;
        self.mem_access(dst, off as i32, size.bytes(), Access::WriteUnknown)?;
        let target = match op {
            AtomicOp::Cmpxchg => Some(Reg::R0),
            AtomicOp::Xchg => Some(src),
            _ if fetch => Some(src),
            _ => None,
        };
        if let Some(t) = target {
            self.check_reg_write(t)?;
            if old.ty != RegType::Scalar {
                // A fetched spilled pointer stays a pointer only for full-size fetches.
                if size != Size::DW {
                    old = RegState::unknown();
                }
            }
            if old.ty == RegType::Scalar && size.bytes() < 8 {
                old.truncate(size.bytes() as u32);
            }
            self.set_reg(t, old);
        }
        Ok(())
    }

    /// Checks an access of `size` bytes at `base + off` and performs its effect
    /// on the state; returns the loaded value for reads.
    pub(crate) fn mem_access(
        &mut self,
        base: Reg,
        off: i32,
        size: usize,
        access: Access,
    ) -> Result<RegState, Reject> {
        let ptr = self.reg(base);
        let regno = base.number();
        if ptr.maybe_null {
            return Err(self.reject(
                ErrorKind::InvalidMemAccess,
                format!("R{} invalid mem access '{}'", regno, ptr.type_str()),
            ));
        }
        match ptr.ty {
            RegType::PtrToStack => self.stack_access(regno, ptr, off, size, access),
            RegType::PtrToCtx => self.ctx_access(regno, ptr, off, size, access),
            RegType::PtrToPacket | RegType::PtrToPacketMeta => {
                self.packet_access(regno, ptr, off, size, access)
            }
            RegType::PtrToMapValue | RegType::PtrToMapKey | RegType::PtrToMem => {
                if let (RegType::PtrToMapKey, true) = (ptr.ty, access.is_write()) {
                    return Err(self.reject(
                        ErrorKind::MapAccess,
                        format!("R{} cannot write into map_key", regno),
                    ));
                }
                if access.is_write() {
                    self.check_map_writable(&ptr, off, size as u64)?;
                }
                let limit = self.mem_limit(&ptr);
                self.region_access(regno, &ptr, off, size as u64, limit, false)?;
                if let Access::WriteReg(v) = access {
                    if v.ty.is_pointer() && !self.opts.privileged {
                        return Err(self.reject(
                            ErrorKind::InvalidMemAccess,
                            format!("R{} leaks addr into map", regno),
                        ));
                    }
                }
                if let (Access::Read, Some(v)) = (&access, self.frozen_value(&ptr, off, size)) {
                    return Ok(RegState::known(v));
                }
                Ok(RegState::unknown())
            }
            RegType::NotInit => {
                Err(self.reject(ErrorKind::UninitRegister, format!("R{} !read_ok", regno)))
            }
            _ => Err(self.reject(
                ErrorKind::InvalidMemAccess,
                format!("R{} invalid mem access '{}'", regno, ptr.type_str()),
            )),
        }
    }

    /// Programs may not write into a map created with `BPF_F_RDONLY_PROG`
    /// (`.rodata`), neither directly nor through a helper.
    fn check_map_writable(&self, ptr: &RegState, off: i32, size: u64) -> Result<(), Reject> {
        if ptr.ty != RegType::PtrToMapValue {
            return Ok(());
        }
        let Some(m) = self.prog.map(ptr.map as usize) else {
            return Ok(());
        };
        if m.flags & crate::program::BPF_F_RDONLY_PROG == 0 {
            return Ok(());
        }
        Err(self.reject(
            ErrorKind::MapAccess,
            format!(
                "write into map forbidden, value_size={} off={} size={}",
                m.value_size,
                i64::from(ptr.off) + i64::from(off),
                size
            ),
        ))
    }

    /// What a load of `size` bytes at a constant offset reads from a frozen
    /// read-only map (`.rodata`): its contents cannot change after the
    /// verifier has seen them, so the loaded value is known, as in the kernel.
    fn frozen_value(&self, ptr: &RegState, off: i32, size: usize) -> Option<u64> {
        if ptr.ty != RegType::PtrToMapValue || !ptr.var_off.is_const() || size > 8 {
            return None;
        }
        let init = self.prog.map(ptr.map as usize)?.frozen_value()?;
        let start = i64::from(ptr.off)
            .checked_add(i64::from(off))?
            .checked_add(i64::try_from(ptr.var_off.value).ok()?)?;
        let start = usize::try_from(start).ok()?;
        let mut bytes = [0u8; 8];
        for (i, b) in bytes.iter_mut().take(size).enumerate() {
            // Past the initial bytes the value is zero-filled.
            *b = init.get(start.checked_add(i)?).copied().unwrap_or(0);
        }
        Some(u64::from_le_bytes(bytes))
    }

    /// Size of the memory a map value / key / mem pointer points into.
    fn mem_limit(&self, ptr: &RegState) -> u64 {
        match ptr.ty {
            RegType::PtrToMapValue => self
                .prog
                .map(ptr.map as usize)
                .map_or(0, |m| m.value_size as u64),
            RegType::PtrToMapKey => self
                .prog
                .map(ptr.map as usize)
                .map_or(0, |m| m.key_size as u64),
            _ => ptr.mem_size as u64,
        }
    }

    fn region_error(&self, regno: u8, ptr: &RegState, off: i64, size: u64, limit: u64) -> String {
        let _ = regno;
        match ptr.ty {
            RegType::PtrToMapValue => format!(
                "invalid access to map value, value_size={} off={} size={}",
                limit, off, size
            ),
            RegType::PtrToMapKey => format!(
                "invalid access to map key, key_size={} off={} size={}",
                limit, off, size
            ),
            _ => format!(
                "invalid access to memory, mem_size={} off={} size={}",
                limit, off, size
            ),
        }
    }

    /// Bounds check of a fixed-size region (the kernel's `check_mem_region_access`).
    pub(crate) fn region_access(
        &mut self,
        regno: u8,
        ptr: &RegState,
        off: i32,
        size: u64,
        limit: u64,
        zero_ok: bool,
    ) -> Result<(), Reject> {
        let off = ptr.off as i64 + off as i64;
        let fits = |o: i64| -> bool {
            o >= 0 && (size > 0 || zero_ok) && (o as i128 + size as i128) <= limit as i128
        };
        if ptr.smin < 0
            && (ptr.smin == i64::MIN
                || off + ptr.smin != (off + ptr.smin) as i32 as i64
                || ptr.smin + off < 0)
        {
            return Err(self.reject(
                ErrorKind::MapAccess,
                format!(
                    "R{} min value is negative, either use unsigned index or do a if (index >=0) check.",
                    regno
                ),
            ));
        }
        let lo = ptr.smin.wrapping_add(off);
        if !fits(lo) {
            let m = self.region_error(regno, ptr, lo, size, limit);
            return Err(self.reject(
                ErrorKind::MapAccess,
                format!(
                    "{}\nR{} min value is outside of the allowed memory range",
                    m, regno
                ),
            ));
        }
        if ptr.umax >= MAX_VAR_OFF {
            return Err(self.reject(
                ErrorKind::MapAccess,
                format!(
                    "R{} unbounded memory access, make sure to bounds check any such access",
                    regno
                ),
            ));
        }
        let hi = ptr.umax as i64 + off;
        if !fits(hi) {
            let m = self.region_error(regno, ptr, hi, size, limit);
            return Err(self.reject(
                ErrorKind::MapAccess,
                format!(
                    "{}\nR{} max value is outside of the allowed memory range",
                    m, regno
                ),
            ));
        }
        Ok(())
    }

    fn ctx_access(
        &mut self,
        regno: u8,
        ptr: RegState,
        off: i32,
        size: usize,
        access: Access,
    ) -> Result<RegState, Reject> {
        if ptr.off < 0 {
            return Err(self.reject(
                ErrorKind::ContextAccess,
                format!(
                    "negative offset ctx ptr R{} off={} disallowed",
                    regno, ptr.off
                ),
            ));
        }
        if ptr.off != 0 {
            return Err(self.reject(
                ErrorKind::ContextAccess,
                format!(
                    "dereference of modified ctx ptr R{} off={} disallowed",
                    regno, ptr.off
                ),
            ));
        }
        if !ptr.var_off.equals_const(0) {
            return Err(self.reject(
                ErrorKind::ContextAccess,
                format!("variable ctx access var_off={} disallowed", ptr.var_off),
            ));
        }
        let write = access.is_write();
        let field = layout(self.prog_type)
            .check_access(off as i64, size as u32, write)
            .map_err(|e| self.reject(ErrorKind::ContextAccess, format!("{}", e)))?;
        if let Access::WriteReg(v) = access {
            if v.ty.is_pointer() && !self.opts.privileged {
                return Err(self.reject(
                    ErrorKind::ContextAccess,
                    format!("R{} leaks addr into ctx", regno),
                ));
            }
            return Ok(RegState::unknown());
        }
        if write {
            return Ok(RegState::unknown());
        }
        Ok(match field.yields {
            CtxFieldType::PacketStart => RegState::pointer(RegType::PtrToPacket),
            CtxFieldType::PacketEnd => RegState::pointer(RegType::PtrToPacketEnd),
            CtxFieldType::PacketMeta => RegState::pointer(RegType::PtrToPacketMeta),
            CtxFieldType::Scalar | CtxFieldType::SockCommonOrNull => RegState::unknown(),
        })
    }

    fn packet_access(
        &mut self,
        regno: u8,
        ptr: RegState,
        off: i32,
        size: usize,
        access: Access,
    ) -> Result<RegState, Reject> {
        if access.is_write() && !matches!(self.prog_type, ProgramType::Xdp | ProgramType::SchedCls)
        {
            return Err(self.reject(ErrorKind::PacketAccess, "cannot write into packet".into()));
        }
        if ptr.smin < 0 {
            return Err(self.reject(
                ErrorKind::PacketAccess,
                format!(
                    "R{} min value is negative, either use unsigned index or do a if (index >=0) check.",
                    regno
                ),
            ));
        }
        let o = ptr.off as i64 + off as i64;
        if o < 0 || ptr.range < 0 || o + size as i64 > ptr.range as i64 {
            return Err(self.reject(
                ErrorKind::PacketAccess,
                format!(
                    "invalid access to packet, off={} size={}, R{}(id={},off={},r={})\nR{} offset is outside of the packet",
                    o, size, regno, ptr.id, o, ptr.range, regno
                ),
            ));
        }
        if let Access::WriteReg(v) = access {
            if v.ty.is_pointer() && !self.opts.privileged {
                return Err(self.reject(
                    ErrorKind::PacketAccess,
                    format!("R{} leaks addr into packet", regno),
                ));
            }
        }
        Ok(RegState::unknown())
    }

    /// Records the stack depth a function uses.
    fn note_stack_depth(&mut self, frameno: u8, lowest: i64) {
        let Some(frame) = self.cur.frames.get(frameno as usize) else {
            return;
        };
        let sub = self.cfg.subprog_of(frame.subprog_start);
        if let Some(d) = self.subprog_stack.get_mut(sub) {
            *d = (*d).max((-lowest).clamp(0, MAX_BPF_STACK as i64) as u32);
        }
    }

    fn stack_access(
        &mut self,
        regno: u8,
        ptr: RegState,
        off: i32,
        size: usize,
        access: Access,
    ) -> Result<RegState, Reject> {
        let write = access.is_write();
        let dir = if write { " write to" } else { " read from" };
        let fixed = ptr.off as i64 + off as i64;
        // Stack accesses must be aligned to their size.
        let addr = ptr.var_off.add(super::tnum::Tnum::constant(fixed as u64));
        if (addr.value | addr.mask) & (size as u64 - 1) != 0 {
            return Err(self.reject(
                ErrorKind::StackAccess,
                format!(
                    "misaligned stack access off {}+{}+{} size {}",
                    tnum_text(ptr.var_off),
                    ptr.off,
                    off,
                    size
                ),
            ));
        }
        let frameno = ptr.frameno;
        if !ptr.var_off.is_const() {
            let min = ptr.smin.saturating_add(fixed);
            let max = ptr.smax.saturating_add(fixed).saturating_add(size as i64);
            if ptr.smin == i64::MIN
                || ptr.smax == i64::MAX
                || min < -(MAX_BPF_STACK as i64)
                || max > 0
            {
                return Err(self.reject(
                    ErrorKind::StackAccess,
                    format!(
                        "invalid variable-offset{} stack R{} var_off={} off={} size={}",
                        dir, regno, ptr.var_off, fixed, size
                    ),
                ));
            }
            self.note_stack_depth(frameno, min);
            let privileged = self.opts.privileged;
            let Some(frame) = self.cur.frames.get_mut(frameno as usize) else {
                return Ok(RegState::unknown());
            };
            let mut all_zero = true;
            for o in min..max {
                let o = o as i32;
                let t = frame.stack.byte(o);
                if write {
                    if let Some(slot) = frame.stack.slot_mut(o) {
                        if slot.is_spill() {
                            slot.spilled = RegState::NOT_INIT;
                            for b in slot.types.iter_mut() {
                                if *b == SlotType::Spill {
                                    *b = SlotType::Misc;
                                }
                            }
                        }
                    }
                    frame.stack.set_byte(o, SlotType::Misc);
                } else {
                    if t == SlotType::Invalid && !privileged {
                        return Err(Reject {
                            insn: self.insn_idx,
                            kind: ErrorKind::StackAccess,
                            msg: format!(
                                "invalid variable-offset read from stack R{} var_off={} off={} size={}",
                                regno, ptr.var_off, fixed, size
                            ),
                        });
                    }
                    all_zero &= t == SlotType::Zero;
                }
            }
            return Ok(if !write && all_zero {
                RegState::known(0)
            } else {
                RegState::unknown()
            });
        }
        let total = fixed + ptr.var_off.value as i64;
        if total < -(MAX_BPF_STACK as i64) || total + size as i64 > 0 {
            return Err(self.reject(
                ErrorKind::StackAccess,
                format!(
                    "invalid{} stack R{} off={} size={}",
                    dir, regno, total, size
                ),
            ));
        }
        let off = total as i32;
        self.note_stack_depth(frameno, total);
        self.scratch_stack(off);
        if write {
            self.stack_write(regno, frameno, off, size, access)?;
            Ok(RegState::unknown())
        } else {
            self.stack_read(frameno, off, size)
        }
    }

    fn stack_write(
        &mut self,
        _regno: u8,
        frameno: u8,
        off: i32,
        size: usize,
        access: Access,
    ) -> Result<(), Reject> {
        let privileged = self.opts.privileged;
        let aligned = off.rem_euclid(SLOT_SIZE as i32) == 0;
        let spill = match access {
            Access::WriteReg(v) if aligned && v.ty == RegType::Scalar && privileged => {
                let mut v = v;
                // A narrowing spill keeps only what fits.
                if size < 8 && v.umax >> (size * 8) != 0 {
                    v.id = 0;
                }
                Some(v)
            }
            Access::WriteImm(i) if aligned && privileged => Some(RegState::known(i as i64 as u64)),
            Access::WriteReg(v) if v.ty.is_pointer() => {
                if size != 8 {
                    return Err(self.reject(
                        ErrorKind::StackAccess,
                        "invalid size of register spill".into(),
                    ));
                }
                if v.ty == RegType::PtrToStack && (frameno as usize) + 1 < self.cur.frames.len() {
                    return Err(self.reject(
                        ErrorKind::StackAccess,
                        "cannot spill pointers to stack into stack frame of the caller".into(),
                    ));
                }
                Some(v)
            }
            _ => None,
        };
        let zero = match access {
            Access::WriteReg(v) => v.is_const_value(0),
            Access::WriteImm(i) => i == 0,
            _ => false,
        };
        let Some(frame) = self.cur.frames.get_mut(frameno as usize) else {
            return Ok(());
        };
        let stack: &mut StackState = &mut frame.stack;
        stack.grow(off);
        let Some(slot) = stack.slot_mut(off) else {
            return Ok(());
        };
        match spill {
            Some(v) => {
                slot.spilled = v;
                for i in 0..SLOT_SIZE {
                    if i >= SLOT_SIZE - size {
                        slot.types[i] = SlotType::Spill;
                    } else if slot.types[i] == SlotType::Spill
                        || (slot.types[i] == SlotType::Invalid && !privileged)
                    {
                        slot.types[i] = SlotType::Misc;
                    }
                }
            }
            None => {
                if slot.is_spill() {
                    slot.spilled = RegState::NOT_INIT;
                    for b in slot.types.iter_mut() {
                        if *b == SlotType::Spill {
                            *b = SlotType::Misc;
                        }
                    }
                }
                let t = if zero { SlotType::Zero } else { SlotType::Misc };
                for i in 0..size as i32 {
                    stack.set_byte(off + i, t);
                }
            }
        }
        Ok(())
    }

    fn stack_read(&mut self, frameno: u8, off: i32, size: usize) -> Result<RegState, Reject> {
        let privileged = self.opts.privileged;
        let Some(frame) = self.cur.frames.get(frameno as usize) else {
            return Ok(RegState::unknown());
        };
        if let Some(slot) = frame.stack.slot(off) {
            if slot.is_spill() {
                let spilled = slot.spilled;
                let spill_size = slot.spill_size();
                if size != SLOT_SIZE {
                    if spilled.ty != RegType::Scalar {
                        return Err(self.reject(
                            ErrorKind::StackAccess,
                            "invalid size of register fill".into(),
                        ));
                    }
                    let at_start = off.rem_euclid(SLOT_SIZE as i32) == 0;
                    if at_start && size <= spill_size {
                        let mut v = spilled;
                        if size < spill_size {
                            v.id = 0;
                        }
                        return Ok(v);
                    }
                    return Ok(RegState::unknown());
                }
                if spill_size != SLOT_SIZE {
                    return Ok(RegState::unknown());
                }
                return Ok(spilled);
            }
        }
        let mut all_zero = true;
        for i in 0..size as i32 {
            let t = frame.stack.byte(off + i);
            if t == SlotType::Invalid && !privileged {
                return Err(self.reject(
                    ErrorKind::StackAccess,
                    format!("invalid read from stack off {}+{} size {}", off, i, size),
                ));
            }
            all_zero &= t == SlotType::Zero;
        }
        Ok(if all_zero {
            RegState::known(0)
        } else {
            RegState::unknown()
        })
    }

    /// Checks memory passed to a helper: `size` bytes (up to `max_size`) at `ptr`,
    /// initialised unless the helper writes it; marks written stack bytes.
    pub(crate) fn check_helper_mem(
        &mut self,
        regno: u8,
        ptr: RegState,
        min_size: u64,
        max_size: u64,
        helper_writes: bool,
        zero_ok: bool,
    ) -> Result<(), Reject> {
        if max_size == 0 && !zero_ok {
            return Err(self.reject(ErrorKind::HelperCall, "invalid zero-sized read".into()));
        }
        match ptr.ty {
            RegType::PtrToStack => {
                let fixed = ptr.off as i64;
                let (lo, hi) = if ptr.var_off.is_const() {
                    let o = fixed + ptr.var_off.value as i64;
                    (o, o + max_size as i64)
                } else {
                    (
                        fixed.saturating_add(ptr.smin),
                        fixed
                            .saturating_add(ptr.smax)
                            .saturating_add(max_size as i64),
                    )
                };
                let _ = min_size;
                if lo < -(MAX_BPF_STACK as i64) || hi > 0 || (max_size == 0 && !zero_ok) {
                    let dir = if helper_writes {
                        "write to"
                    } else {
                        "read from"
                    };
                    let msg = if ptr.var_off.is_const() {
                        format!(
                            "invalid {} stack R{} off={} size={}",
                            dir, regno, lo, max_size
                        )
                    } else {
                        format!(
                            "invalid variable-offset indirect access to stack R{} var_off={} size={}",
                            regno, ptr.var_off, max_size
                        )
                    };
                    return Err(self.reject(ErrorKind::StackAccess, msg));
                }
                if max_size == 0 {
                    return Ok(());
                }
                self.note_stack_depth(ptr.frameno, lo);
                let privileged = self.opts.privileged;
                let insn = self.insn_idx;
                let Some(frame) = self.cur.frames.get_mut(ptr.frameno as usize) else {
                    return Ok(());
                };
                for o in lo..hi {
                    let o = o as i32;
                    let t = frame.stack.byte(o);
                    if helper_writes {
                        if let Some(slot) = frame.stack.slot_mut(o) {
                            if slot.is_spill() {
                                slot.spilled = RegState::NOT_INIT;
                                for b in slot.types.iter_mut() {
                                    if *b == SlotType::Spill {
                                        *b = SlotType::Misc;
                                    }
                                }
                            }
                        }
                        frame.stack.set_byte(o, SlotType::Misc);
                    } else if t == SlotType::Invalid && !privileged {
                        return Err(Reject {
                            insn,
                            kind: ErrorKind::StackAccess,
                            msg: format!(
                                "invalid indirect read from stack R{} off {}+{} size {}",
                                regno,
                                lo,
                                o as i64 - lo,
                                max_size
                            ),
                        });
                    }
                }
                if helper_writes {
                    for o in (lo..hi).step_by(SLOT_SIZE) {
                        self.scratch_stack(o as i32);
                    }
                }
                Ok(())
            }
            RegType::PtrToPacket | RegType::PtrToPacketMeta => {
                if helper_writes
                    && !matches!(self.prog_type, ProgramType::Xdp | ProgramType::SchedCls)
                {
                    return Err(
                        self.reject(ErrorKind::PacketAccess, "cannot write into packet".into())
                    );
                }
                if max_size == 0 {
                    return Ok(());
                }
                let o = ptr.off as i64;
                if ptr.smin < 0 || o < 0 || ptr.range < 0 || o + max_size as i64 > ptr.range as i64
                {
                    return Err(self.reject(
                        ErrorKind::PacketAccess,
                        format!(
                            "invalid access to packet, off={} size={}, R{}(id={},off={},r={})\nR{} offset is outside of the packet",
                            o, max_size, regno, ptr.id, o, ptr.range, regno
                        ),
                    ));
                }
                Ok(())
            }
            RegType::PtrToMapValue | RegType::PtrToMapKey | RegType::PtrToMem => {
                if helper_writes {
                    self.check_map_writable(&ptr, 0, max_size)?;
                }
                let limit = self.mem_limit(&ptr);
                self.region_access(regno, &ptr, 0, max_size, limit, zero_ok)
            }
            _ => Err(self.reject(
                ErrorKind::HelperCall,
                format!("R{} invalid mem access '{}'", regno, ptr.type_str()),
            )),
        }
    }

    /// Legacy `LD_ABS`/`LD_IND`: only for socket programs, with the context in `r6`.
    pub(crate) fn check_ld_abs(
        &mut self,
        size: Size,
        mode: PacketMode,
        _imm: i32,
    ) -> Result<(), Reject> {
        if !matches!(
            self.prog_type,
            ProgramType::SocketFilter | ProgramType::SchedCls
        ) {
            return Err(self.reject(
                ErrorKind::InvalidMemAccess,
                "BPF_LD_[ABS|IND] instructions not allowed for this program type".into(),
            ));
        }
        if size == Size::DW {
            return Err(self.reject(
                ErrorKind::InvalidMemAccess,
                "BPF_LD_[ABS|IND] uses reserved fields".into(),
            ));
        }
        let r6 = self.check_reg_read(Reg::R6)?;
        if let PacketMode::Ind(r) = mode {
            self.check_reg_read(r)?;
        }
        if r6.ty != RegType::PtrToCtx {
            return Err(self.reject(
                ErrorKind::InvalidMemAccess,
                "at the time of BPF_LD_ABS|IND R6 != pointer to skb".into(),
            ));
        }
        for r in 1..=5u8 {
            if let Some(reg) = Reg::new(r) {
                self.set_reg(reg, RegState::NOT_INIT);
            }
        }
        let mut v = RegState::unknown();
        v.truncate(size.bytes() as u32);
        self.set_reg(Reg::R0, v);
        Ok(())
    }
}
