//! Calls and returns: helper calls checked against their prototypes,
//! bpf-to-bpf calls with one frame each, callbacks (`bpf_loop`), `exit`,
//! references that must be released, and the combined stack depth.

use alloc::format;
use alloc::vec::Vec;

use super::error::ErrorKind;
use super::exec::{Flow, Verifier};
use super::log::StepEvent;
use super::reg::{RegState, RegType};
use super::state::{FuncState, MAX_CALL_FRAMES};
use super::Reject;
use crate::helpers::{ArgType, RetType};
use crate::isa::{CallTarget, Reg};
use crate::program::MapType;

/// `BPF_FUNC_snprintf`, whose format the verifier checks.
const SNPRINTF: u32 = 165;
/// The kernel's `BPF_MAX_VAR_SIZ`.
const MAX_VAR_SIZ: u64 = 1 << 29;
/// Types accepted where a helper expects memory, as the kernel lists them.
const MEM_TYPES: &str =
    "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_";

fn is_mem_type(r: &RegState) -> bool {
    !r.maybe_null
        && matches!(
            r.ty,
            RegType::PtrToStack
                | RegType::PtrToPacket
                | RegType::PtrToPacketMeta
                | RegType::PtrToMapKey
                | RegType::PtrToMapValue
                | RegType::PtrToMem
        )
}

/// Which helpers a map type works with, and which map types a helper needs.
fn map_func_compatible(map: MapType, func: u32) -> bool {
    const TAIL_CALL: u32 = 12;
    const PERF_OUTPUT: u32 = 25;
    const STACKID: u32 = 27;
    const REDIRECT_MAP: u32 = 51;
    const PUSH: u32 = 87;
    const POP: u32 = 88;
    const PEEK: u32 = 89;
    const RB_OUTPUT: u32 = 130;
    const RB_RESERVE: u32 = 131;
    const RB_QUERY: u32 = 134;
    const LOOKUP_PERCPU: u32 = 195;
    // The map type restricts the helpers...
    let map_ok = match map {
        MapType::ProgArray => func == TAIL_CALL,
        MapType::PerfEventArray => func == PERF_OUTPUT,
        MapType::Ringbuf => matches!(func, RB_OUTPUT | RB_RESERVE | RB_QUERY),
        MapType::StackTrace => func == STACKID,
        MapType::Queue | MapType::Stack => matches!(func, PUSH | POP | PEEK),
        _ => true,
    };
    // ...and the helper restricts the map types.
    let func_ok = match func {
        TAIL_CALL => map == MapType::ProgArray,
        PERF_OUTPUT => map == MapType::PerfEventArray,
        STACKID => map == MapType::StackTrace,
        RB_OUTPUT | RB_RESERVE | RB_QUERY => map == MapType::Ringbuf,
        PUSH | POP | PEEK => matches!(map, MapType::Queue | MapType::Stack),
        REDIRECT_MAP => false,
        LOOKUP_PERCPU => matches!(map, MapType::PercpuArray | MapType::PercpuHash),
        _ => true,
    };
    map_ok && func_ok
}

impl Verifier<'_> {
    fn type_err(&self, regno: u8, r: &RegState, expected: &str) -> Reject {
        self.reject(
            ErrorKind::HelperCall,
            format!("R{} type={} expected={}", regno, r.type_str(), expected),
        )
    }

    pub(crate) fn check_call(&mut self, target: CallTarget) -> Result<Flow, Reject> {
        match target {
            CallTarget::Helper(id) => self.check_helper_call(id),
            CallTarget::Local(off) => {
                let t = (self.insn_idx as i64 + 1 + off as i64).max(0) as usize;
                self.enter_function(t, false, Vec::new())
            }
            CallTarget::Kfunc(_) => Err(self.reject(
                ErrorKind::HelperCall,
                "calling kernel functions is not supported".into(),
            )),
        }
    }

    fn check_helper_call(&mut self, id: i32) -> Result<Flow, Reject> {
        let Some(proto) = self.opts.helpers.by_id(id as u32).copied() else {
            // A kernel helper this VM does not provide is named as the kernel
            // names helpers a program type lacks.
            if let Some(name) = usize::try_from(id)
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| crate::asm::helper_names::HELPER_NAMES.get(i))
                .filter(|n| !n.is_empty())
            {
                return Err(self.reject(
                    ErrorKind::HelperCall,
                    format!("program of this type cannot use helper bpf_{}#{}", name, id),
                ));
            }
            return Err(self.reject(
                ErrorKind::HelperCall,
                format!("invalid func unknown#{}", id),
            ));
        };
        if !proto.allowed_for(self.prog_type) {
            return Err(self.reject(
                ErrorKind::HelperCall,
                format!(
                    "program of this type cannot use helper {}#{}",
                    proto.name, id
                ),
            ));
        }
        let mut map: Option<u32> = None;
        let mut pending_mem: Option<(u8, RegState, bool)> = None;
        let mut alloc_size: u64 = 0;
        let mut release: Option<u32> = None;
        let mut callback: Option<usize> = None;
        let mut const_key: Option<u64> = None;
        let mut const_str: Option<Vec<u8>> = None;
        let args_before: [RegState; 6] = {
            let f = self.cur.cur();
            [
                f.regs[0], f.regs[1], f.regs[2], f.regs[3], f.regs[4], f.regs[5],
            ]
        };
        for (i, arg) in proto.args.iter().enumerate() {
            let regno = (i + 1) as u8;
            let Some(reg) = Reg::new(regno) else { continue };
            if *arg == ArgType::DontCare {
                continue;
            }
            let v = self.check_reg_read(reg)?;
            if *arg != ArgType::Anything
                && matches!(v.ty, RegType::PtrToPacket | RegType::PtrToPacketMeta)
                && !proto.pkt_access
            {
                return Err(self.reject(
                    ErrorKind::HelperCall,
                    "helper access to the packet is not allowed".into(),
                ));
            }
            match arg {
                ArgType::DontCare => {}
                ArgType::ConstMapPtr => {
                    if v.ty != RegType::ConstPtrToMap {
                        return Err(self.type_err(regno, &v, "map_ptr"));
                    }
                    map = Some(v.map);
                }
                ArgType::PtrToMapKey | ArgType::PtrToMapValue | ArgType::PtrToUninitMapValue => {
                    if !is_mem_type(&v) {
                        return Err(self.type_err(regno, &v, MEM_TYPES));
                    }
                    let Some(m) = map.and_then(|m| self.prog.map(m as usize)) else {
                        return Err(self.reject(
                            ErrorKind::HelperCall,
                            "invalid map_ptr to access map->key".into(),
                        ));
                    };
                    let size = if *arg == ArgType::PtrToMapKey {
                        m.key_size
                    } else {
                        m.value_size
                    } as u64;
                    if *arg == ArgType::PtrToMapKey {
                        const_key = self.constant_stack_key(&v, size);
                    }
                    self.check_helper_mem(
                        regno,
                        v,
                        size,
                        size,
                        *arg == ArgType::PtrToUninitMapValue,
                        false,
                    )?;
                }
                ArgType::PtrToMem
                | ArgType::PtrToMemOrNull
                | ArgType::PtrToUninitMem
                | ArgType::PtrToUninitMemOrNull => {
                    let nullable =
                        matches!(arg, ArgType::PtrToMemOrNull | ArgType::PtrToUninitMemOrNull);
                    if nullable && v.is_const_value(0) {
                        pending_mem = Some((regno, v, false));
                        continue;
                    }
                    if !is_mem_type(&v) {
                        return Err(self.type_err(regno, &v, MEM_TYPES));
                    }
                    let writes =
                        matches!(arg, ArgType::PtrToUninitMem | ArgType::PtrToUninitMemOrNull);
                    pending_mem = Some((regno, v, writes));
                }
                ArgType::PtrToConstStr => {
                    const_str = Some(self.check_const_str(regno, &v)?);
                }
                ArgType::ConstSize | ArgType::ConstSizeOrZero => {
                    if v.ty != RegType::Scalar {
                        return Err(self.type_err(regno, &v, "scalar"));
                    }
                    let zero_ok = *arg == ArgType::ConstSizeOrZero;
                    if v.smin < 0 {
                        return Err(self.reject(
                            ErrorKind::HelperCall,
                            format!(
                                "R{} min value is negative, either use unsigned or 'var &= const'",
                                regno
                            ),
                        ));
                    }
                    if v.umin == 0 && !zero_ok {
                        return Err(self.reject(
                            ErrorKind::HelperCall,
                            format!(
                                "R{} invalid zero-sized read: u64=[{},{}]",
                                regno, v.umin, v.umax
                            ),
                        ));
                    }
                    if v.umax >= MAX_VAR_SIZ {
                        return Err(self.reject(
                            ErrorKind::HelperCall,
                            format!("R{} unbounded memory access, use 'var &= const' or 'if (var < const)'", regno),
                        ));
                    }
                    if let Some((mr, mv, writes)) = pending_mem.take() {
                        if mv.ty == RegType::Scalar {
                            // NULL is only fine with a zero size; the kernel then
                            // names the stack as what it expected.
                            if v.umax != 0 {
                                return Err(self.type_err(mr, &mv, "fp"));
                            }
                        } else {
                            self.check_helper_mem(mr, mv, v.umin, v.umax, writes, zero_ok)?;
                        }
                    }
                }
                ArgType::ConstAllocSizeOrZero => {
                    if !v.is_const() {
                        return Err(self.reject(
                            ErrorKind::HelperCall,
                            format!("R{} is not a known constant'", regno),
                        ));
                    }
                    alloc_size = v.var_off.value;
                }
                ArgType::PtrToCtx => {
                    if v.ty != RegType::PtrToCtx {
                        return Err(self.type_err(regno, &v, "ctx"));
                    }
                    if v.off != 0 || !v.var_off.equals_const(0) {
                        return Err(self.reject(
                            ErrorKind::HelperCall,
                            format!(
                                "dereference of modified ctx ptr R{} off={} disallowed",
                                regno, v.off
                            ),
                        ));
                    }
                }
                ArgType::Anything => {}
                ArgType::PtrToStackOrNull => {
                    if !(v.ty == RegType::PtrToStack || v.is_const_value(0)) {
                        return Err(self.type_err(regno, &v, "fp"));
                    }
                }
                ArgType::PtrToFunc => {
                    if v.ty != RegType::PtrToFunc {
                        return Err(self.type_err(regno, &v, "func"));
                    }
                    callback = Some(v.mem_size as usize);
                }
                ArgType::PtrToRingbufMem => {
                    if !(v.ty == RegType::PtrToMem && v.ringbuf && !v.maybe_null) {
                        return Err(self.type_err(regno, &v, "ringbuf_mem"));
                    }
                    if v.off != 0 || !v.var_off.equals_const(0) {
                        return Err(self.reject(
                            ErrorKind::HelperCall,
                            format!(
                                "R{} must have zero offset when passed to release func or trusted arg to kfunc",
                                regno
                            ),
                        ));
                    }
                    release = Some(v.ref_obj_id);
                }
            }
        }
        if let Some(m) = map.and_then(|m| self.prog.map(m as usize)) {
            if proto.id == 12 && m.map_type != MapType::ProgArray {
                return Err(self.reject(
                    ErrorKind::HelperCall,
                    "expected prog array map for tail call".into(),
                ));
            }
            if !map_func_compatible(m.map_type, proto.id) {
                return Err(self.reject(
                    ErrorKind::HelperCall,
                    format!(
                        "cannot pass map_type {} into func {}#{}",
                        m.map_type as u32, proto.name, id
                    ),
                ));
            }
        }
        if proto.id == SNPRINTF {
            let data_len = args_before[5].var_off.value;
            self.check_snprintf_format(const_str.as_deref().unwrap_or_default(), data_len)?;
        }
        if let Some(cb) = callback {
            // Callbacks run in their own frame; afterwards the call is checked again
            // until the caller's state stops changing.
            let mut after = self.cur.clone();
            self.finish_helper_call_on(&mut after, &proto, map, alloc_size, release);
            let next = self.insn_idx + 1;
            let path = self.push_branch(after, next);
            let _ = path;
            let mut args = Vec::new();
            match proto.id {
                164 => {
                    // bpf_for_each_map_elem(map, cb, ctx, flags): cb(map, key, value, ctx)
                    let m = args_before[1].map;
                    let mut key = RegState::pointer(RegType::PtrToMapKey);
                    key.map = m;
                    let mut val = RegState::pointer(RegType::PtrToMapValue);
                    val.map = m;
                    args.push(args_before[1]);
                    args.push(key);
                    args.push(val);
                    args.push(args_before[3]);
                }
                _ => {
                    // bpf_loop(nr, cb, ctx, flags): cb(index, ctx)
                    let mut idx = RegState::unknown();
                    idx.truncate(4);
                    args.push(idx);
                    args.push(args_before[3]);
                }
            }
            return self.enter_function(cb, true, args);
        }
        let mut st = core::mem::replace(
            &mut self.cur,
            super::state::VerifierState {
                frames: Vec::new(),
                refs: Vec::new(),
            },
        );
        self.finish_helper_call_on(&mut st, &proto, map, alloc_size, release);
        // An array lookup with a constant key inside the array cannot fail.
        if let (RetType::PtrToMapValueOrNull, Some(k), Some(m)) = (
            proto.ret,
            const_key,
            map.and_then(|m| self.prog.map(m as usize)),
        ) {
            if matches!(m.map_type, MapType::Array | MapType::PercpuArray)
                && k < m.max_entries as u64
            {
                let r0 = &mut st.cur_mut().regs[0];
                r0.maybe_null = false;
                r0.id = 0;
            }
        }
        self.cur = st;
        for r in 0..=5u8 {
            if let Some(reg) = Reg::new(r) {
                self.scratch_reg(reg);
            }
        }
        Ok(Flow::Goto(self.insn_idx + 1))
    }

    /// The effects of a helper call on a state: references released, caller-saved
    /// registers clobbered, `r0` set from the return type, packet pointers invalidated.
    fn finish_helper_call_on(
        &mut self,
        st: &mut super::state::VerifierState,
        proto: &crate::helpers::HelperProto,
        map: Option<u32>,
        alloc_size: u64,
        release: Option<u32>,
    ) {
        let privileged = self.opts.privileged;
        let invalid = if privileged {
            RegState::unknown()
        } else {
            RegState::NOT_INIT
        };
        if let Some(rid) = release {
            st.refs.retain(|x| *x != rid);
            st.for_each_reg(|r| {
                if r.ref_obj_id == rid {
                    *r = invalid;
                }
            });
        }
        let r0 = match proto.ret {
            RetType::Integer => RegState::unknown(),
            RetType::Void => RegState::NOT_INIT,
            RetType::PtrToMapValueOrNull => {
                let mut r = RegState::pointer(RegType::PtrToMapValue);
                r.maybe_null = true;
                r.map = map.unwrap_or(0);
                r.id = self.new_id();
                r
            }
            RetType::PtrToRingbufMemOrNull => {
                let mut r = RegState::pointer(RegType::PtrToMem);
                r.maybe_null = true;
                r.ringbuf = true;
                r.mem_size = alloc_size.min(u32::MAX as u64) as u32;
                r.id = self.new_id();
                let id = self.new_id();
                r.ref_obj_id = id;
                st.refs.push(id);
                self.ref_insns.push((id, self.insn_idx));
                r
            }
        };
        let frame = st.cur_mut();
        for i in 1..=5 {
            frame.regs[i] = RegState::NOT_INIT;
        }
        frame.regs[0] = r0;
        if proto.changes_pkt_data {
            st.for_each_reg(|r| {
                if matches!(
                    r.ty,
                    RegType::PtrToPacket | RegType::PtrToPacketMeta | RegType::PtrToPacketEnd
                ) {
                    *r = invalid;
                }
            });
        }
    }

    /// Enters the function at `target` in a new frame (a bpf-to-bpf call, or a callback
    /// whose arguments are `args`).
    fn enter_function(
        &mut self,
        target: usize,
        callback: bool,
        args: Vec<RegState>,
    ) -> Result<Flow, Reject> {
        let depth = self.cur.frames.len();
        if depth >= MAX_CALL_FRAMES {
            return Err(self.reject(
                ErrorKind::Call,
                format!("the call stack of {} frames is too deep", depth + 1),
            ));
        }
        let caller_sub = self.cfg.subprog_of(self.cur.cur().subprog_start);
        let callee_sub = self.cfg.subprog_of(target);
        if !self.call_edges.contains(&(caller_sub, callee_sub)) {
            self.call_edges.push((caller_sub, callee_sub));
        }
        let mut frame = FuncState::new(depth as u8, self.insn_idx, target);
        frame.in_callback = callback;
        if callback {
            for (i, a) in args.into_iter().enumerate() {
                if let Some(r) = frame.regs.get_mut(i + 1) {
                    *r = a;
                }
            }
        } else {
            let caller = self.cur.cur_mut();
            for i in 1..=5 {
                frame.regs[i] = caller.regs[i];
            }
            for i in 0..=5 {
                caller.regs[i] = RegState::NOT_INIT;
            }
        }
        if self.opts.log {
            self.log_str("caller:\n");
            let s = self.frame_text(self.cur.frames.len() - 1);
            self.log_str(&s);
        }
        self.cur.frames.push(frame);
        if self.opts.log {
            self.log_str("callee:\n");
            let s = self.frame_text(self.cur.frames.len() - 1);
            self.log_str(&s);
        }
        self.event = StepEvent::Call;
        // The callee's whole frame is printed before its first instruction.
        self.scratch_all();
        Ok(Flow::Goto(target))
    }

    fn frame_text(&self, i: usize) -> alloc::string::String {
        let Some(f) = self.cur.frames.get(i) else {
            return alloc::string::String::new();
        };
        let snap = super::log::FrameSnapshot {
            frameno: f.frameno,
            regs: f.regs,
            stack: f.stack.slots.clone(),
        };
        let prefix = if f.frameno > 0 {
            format!(" frame{}:", f.frameno)
        } else {
            alloc::string::String::new()
        };
        format!("{} {}\n", prefix, snap.text(self.prog))
    }

    /// An `ARG_PTR_TO_CONST_STR` argument (the kernel's `check_reg_const_str`):
    /// a constant offset into the value of a read-only frozen map, with a NUL
    /// before the value ends. Returns the string's bytes (without the NUL).
    fn check_const_str(&mut self, regno: u8, v: &RegState) -> Result<Vec<u8>, Reject> {
        if v.ty != RegType::PtrToMapValue || v.maybe_null {
            return Err(self.type_err(regno, v, "map_value"));
        }
        let Some(m) = self.prog.map(v.map as usize) else {
            return Err(self.type_err(regno, v, "map_value"));
        };
        let value_size = m.value_size;
        let Some(value) = m.frozen_value().map(<[u8]>::to_vec) else {
            return Err(self.reject(
                ErrorKind::HelperCall,
                format!("R{} does not point to a readonly map'", regno),
            ));
        };
        if !v.var_off.is_const() {
            return Err(self.reject(
                ErrorKind::HelperCall,
                format!("R{} is not a constant address'", regno),
            ));
        }
        // The whole rest of the value from the fixed offset must be inside it.
        let size = i64::from(value_size) - i64::from(v.off);
        if size <= 0 {
            let msg = format!(
                "invalid access to map value, value_size={} off={} size={}\nR{} min value is outside of the allowed memory range",
                value_size,
                i64::from(v.off).wrapping_add(v.smin),
                size,
                regno
            );
            return Err(self.reject(ErrorKind::MapAccess, msg));
        }
        self.region_access(regno, v, 0, size as u64, u64::from(value_size), false)?;
        // Bytes past the initial value are zeros (the map's value is zero-filled).
        let start = i64::from(v.off).wrapping_add(v.var_off.value as i64);
        let padded = (value.len() as u64) < u64::from(value_size);
        let text = usize::try_from(start).ok().and_then(|s| {
            let rest = value.get(s..).unwrap_or_default();
            match rest.iter().position(|b| *b == 0) {
                Some(n) => rest.get(..n).map(<[u8]>::to_vec),
                None if padded => Some(rest.to_vec()),
                None => None,
            }
        });
        text.ok_or_else(|| {
            self.reject(
                ErrorKind::HelperCall,
                "string is not zero-terminated".into(),
            )
        })
    }

    /// `bpf_snprintf`'s format is checked against the number of arguments
    /// `r5` (the data length) gives, as the kernel's `check_bpf_snprintf_call`.
    fn check_snprintf_format(&mut self, fmt: &[u8], data_len: u64) -> Result<(), Reject> {
        if data_len % 8 != 0 {
            // The kernel refuses with EINVAL and prints no message.
            return Err(self.reject(
                ErrorKind::HelperCall,
                format!("bpf_snprintf: data_len {} is not a multiple of 8", data_len),
            ));
        }
        let num_args = usize::try_from(data_len / 8).unwrap_or(usize::MAX);
        if !crate::helpers::impls::bprintf_format_ok(fmt, num_args) {
            return Err(self.reject(ErrorKind::HelperCall, "Invalid format string".into()));
        }
        Ok(())
    }

    /// The value of a map key on the stack when every byte of it is known.
    fn constant_stack_key(&self, ptr: &RegState, size: u64) -> Option<u64> {
        if ptr.ty != RegType::PtrToStack || !ptr.var_off.is_const() || size == 0 || size > 8 {
            return None;
        }
        let off = ptr.off as i64 + ptr.var_off.value as i64;
        let frame = self.cur.frames.get(ptr.frameno as usize)?;
        let slot = frame.stack.slot(off as i32)?;
        if slot.is_spill()
            && slot.spilled.is_const()
            && off % 8 == 0
            && slot.spill_size() as u64 >= size
        {
            let v = slot.spilled.var_off.value;
            return Some(if size == 8 {
                v
            } else {
                v & ((1u64 << (size * 8)) - 1)
            });
        }
        let all_zero = (0..size as i64)
            .all(|i| frame.stack.byte((off + i) as i32) == super::stack::SlotType::Zero);
        all_zero.then_some(0)
    }

    pub(crate) fn check_exit(&mut self) -> Result<Flow, Reject> {
        let r0 = self.check_reg_read(Reg::R0)?;
        if self.cur.frames.len() > 1 {
            let callee_frameno = self.cur.frames.len() - 1;
            if r0.ty == RegType::PtrToStack && r0.frameno as usize == callee_frameno {
                return Err(self.reject(
                    ErrorKind::Call,
                    "cannot return stack pointer to the caller".into(),
                ));
            }
            let Some(callee) = self.cur.frames.pop() else {
                return Ok(Flow::End);
            };
            if self.opts.log {
                self.log_str("returning from callee:\n");
                let snap = super::log::FrameSnapshot {
                    frameno: callee.frameno,
                    regs: callee.regs,
                    stack: callee.stack.slots.clone(),
                };
                let s = format!(" frame{}: {}\n", callee.frameno, snap.text(self.prog));
                self.log_str(&s);
            }
            self.event = StepEvent::Return;
            if callee.in_callback {
                // Callback results must be 0 or 1; then the helper call is checked again.
                if r0.ty != RegType::Scalar || r0.smin < 0 || r0.smax > 1 {
                    let mut has = alloc::string::String::new();
                    if r0.ty == RegType::Scalar {
                        if r0.smin > i64::MIN {
                            has.push_str(&format!(" smin={}", r0.smin));
                        }
                        if r0.smax < i64::MAX {
                            has.push_str(&format!(" smax={}", r0.smax));
                        }
                        if has.is_empty() {
                            has.push_str(" unknown scalar value");
                        }
                    } else {
                        has = format!(" type={}", r0.type_str());
                    }
                    self.cur.frames.push(callee);
                    return Err(self.reject(
                        ErrorKind::ReturnValue,
                        format!(
                            "At callback return the register R0 has{} should have been in [0, 1]",
                            has
                        ),
                    ));
                }
                // The call is checked again with the state the callback left; scalars
                // that changed since the previous visit of the call are widened to
                // unknown so that repeated visits converge (`widen_imprecise_scalars`).
                self.widen_after_callback(callee.callsite);
                if self.opts.log {
                    let s = format!("to caller at {}:\n", callee.callsite);
                    self.log_str(&s);
                }
                return Ok(Flow::Goto(callee.callsite));
            }
            let caller = self.cur.cur_mut();
            caller.regs[0] = r0;
            // As the kernel does, the caller's state is printed as `from <exit> to <next>:`.
            self.do_print_state = true;
            self.clear_scratch();
            if self.opts.log {
                let s = format!("to caller at {}:\n", callee.callsite + 1);
                self.log_str(&s);
                let t = self.frame_text(self.cur.frames.len() - 1);
                self.log_str(&t);
            }
            return Ok(Flow::Goto(callee.callsite + 1));
        }
        if let Some(id) = self.cur.refs.first().copied() {
            let at = self
                .ref_insns
                .iter()
                .find(|(i, _)| *i == id)
                .map_or(0, |(_, a)| *a);
            return Err(self.reject(
                ErrorKind::UnreleasedReference,
                format!("Unreleased reference id={} alloc_insn={}", id, at),
            ));
        }
        if r0.ty.is_pointer() && !self.opts.privileged {
            return Err(self.reject(
                ErrorKind::ReturnValue,
                "R0 leaks addr as return value".into(),
            ));
        }
        Ok(Flow::End)
    }

    /// The deepest chain of calls may use at most 512 bytes of stack in total.
    pub(crate) fn check_max_stack_depth(&mut self) -> Result<(), Reject> {
        let round = |d: u32| d.div_ceil(16) * 16;
        let n = self.subprog_stack.len();
        // Longest path in the (acyclic when verified) call graph, by depth-first search.
        fn walk(
            v: &Verifier<'_>,
            sub: usize,
            depth: usize,
            frames: u32,
            best: &mut (u32, u32),
            round: &dyn Fn(u32) -> u32,
            acc: u32,
        ) {
            if depth > 16 {
                return;
            }
            let total = acc + round(v.subprog_stack.get(sub).copied().unwrap_or(0));
            if total > best.0 {
                *best = (total, frames);
            }
            for &(a, b) in &v.call_edges {
                if a == sub {
                    walk(v, b, depth + 1, frames + 1, best, round, total);
                }
            }
        }
        let mut best = (0u32, 1u32);
        if n > 0 {
            walk(self, 0, 0, 1, &mut best, &round, 0);
        }
        self.stats.stack_depth = best.0;
        if best.0 > 512 {
            self.insn_idx = 0;
            return Err(self.reject(
                ErrorKind::Call,
                format!(
                    "combined stack size of {} calls is {}. Too large",
                    best.1, best.0
                ),
            ));
        }
        Ok(())
    }
}
