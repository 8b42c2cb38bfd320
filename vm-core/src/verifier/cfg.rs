//! Structure checks before any value is considered, as the kernel's
//! `check_subprogs` and `check_cfg` do: every instruction encodable, `lddw`
//! whole, jumps inside their function and never into the middle of an
//! `lddw`, every instruction reachable, each function ending in `exit` or a
//! jump; plus the facts the walk needs later (functions, prune points, loop
//! heads, live registers).

use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use super::error::ErrorKind;
use super::Reject;
use crate::helpers::HelperRegistry;
use crate::isa::{decode_one, encode_one, CallTarget, Insn, LdImm64Kind, Operand};
use crate::program::Program;

/// The largest program accepted (`BPF_COMPLEXITY_LIMIT_INSNS` applies to
/// processed instructions; the kernel also caps the length at 1M for root).
pub const MAX_INSNS: usize = 1_000_000;

/// What the walk needs to know about the program's shape.
#[derive(Clone, Debug, Default)]
pub struct Cfg {
    /// Start instruction of every function, sorted; `[0]` is the main program.
    pub subprogs: Vec<usize>,
    /// Instructions where states are compared and saved.
    pub prune_point: Vec<bool>,
    /// Loop heads: a state is always saved here so loops are detected.
    pub force_checkpoint: Vec<bool>,
    /// Registers live before each instruction (bit `i` = `ri`).
    pub live_before: Vec<u16>,
    /// Helper calls that take a callback (`bpf_loop`): they are revisited after each callback run.
    pub calls_callback: Vec<bool>,
}

impl Cfg {
    /// The function containing instruction `pc` (index into `subprogs`).
    pub fn subprog_of(&self, pc: usize) -> usize {
        match self.subprogs.binary_search(&pc) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The end (exclusive) of function number `i`.
    pub fn subprog_end(&self, i: usize, len: usize) -> usize {
        self.subprogs.get(i + 1).copied().unwrap_or(len)
    }
}

fn err(insn: usize, msg: alloc::string::String) -> Reject {
    Reject {
        insn,
        kind: ErrorKind::Structure,
        msg,
    }
}

/// Checks the program's structure and computes its [`Cfg`].
pub(crate) fn check(prog: &Program, helpers: &HelperRegistry) -> Result<Cfg, Reject> {
    let insns = &prog.insns;
    let n = insns.len();
    if n == 0 {
        return Err(err(0, "empty program".into()));
    }
    if n > MAX_INSNS {
        return Err(err(
            0,
            format!("program too large: {} insns (limit {})", n, MAX_INSNS),
        ));
    }
    // Every instruction must have exactly one encoding (programs may be built by hand).
    for (pc, insn) in insns.iter().enumerate() {
        match insn {
            Insn::LdImm64Tail => {
                if !matches!(
                    pc.checked_sub(1).and_then(|p| insns.get(p)),
                    Some(Insn::LdImm64 { .. })
                ) {
                    return Err(err(pc, "invalid bpf_ld_imm64 insn".into()));
                }
            }
            Insn::LdImm64 {
                kind,
                imm,
                next_imm,
                ..
            } => {
                if !matches!(insns.get(pc + 1), Some(Insn::LdImm64Tail)) {
                    return Err(err(pc, "invalid bpf_ld_imm64 insn".into()));
                }
                let is_map = matches!(
                    kind,
                    LdImm64Kind::MapFd
                        | LdImm64Kind::MapIdx
                        | LdImm64Kind::MapValue
                        | LdImm64Kind::MapIdxValue
                );
                if is_map && prog.maps.get(*imm as u32 as usize).is_none() {
                    return Err(err(
                        pc,
                        format!("fd {} is not pointing to valid bpf_map", imm),
                    ));
                }
                if matches!(
                    kind,
                    LdImm64Kind::MapFd | LdImm64Kind::MapIdx | LdImm64Kind::Func
                ) && *next_imm != 0
                {
                    return Err(err(pc, "unrecognized bpf_ld_imm64 insn".into()));
                }
                if *kind == LdImm64Kind::BtfId {
                    return Err(err(pc, "invalid bpf_ld_imm64 insn".into()));
                }
            }
            _ => {
                let raw = encode_one(insn);
                if decode_one(raw).ok().as_ref() != Some(insn) {
                    return Err(err(pc, format!("unknown opcode {:02x}", raw.code)));
                }
            }
        }
        if let Insn::Call(CallTarget::Kfunc(_)) = insn {
            return Err(err(pc, "calling kernel functions is not supported".into()));
        }
        if let Insn::Callx { .. } = insn {
            return Err(err(
                pc,
                format!("unknown opcode {:02x}", encode_one(insn).code),
            ));
        }
    }

    // Functions: the main program plus every local call / callback target.
    let mut subprogs = vec![0usize];
    for (pc, insn) in insns.iter().enumerate() {
        let is_func_ref = matches!(
            insn,
            Insn::Call(CallTarget::Local(_))
                | Insn::LdImm64 {
                    kind: LdImm64Kind::Func,
                    ..
                }
        );
        if is_func_ref {
            let t = insn.branch_target(pc).unwrap_or(-1);
            if t < 0 || t as usize >= n {
                return Err(err(pc, "call to invalid destination".into()));
            }
            subprogs.push(t as usize);
        }
    }
    subprogs.sort_unstable();
    subprogs.dedup();

    // Jumps stay inside their function; each function ends with exit or goto.
    for (i, &start) in subprogs.iter().enumerate() {
        let end = subprogs.get(i + 1).copied().unwrap_or(n);
        for (pc, insn) in insns.iter().enumerate().take(end).skip(start) {
            if matches!(insn, Insn::Jump { .. } | Insn::Ja { .. }) {
                let t = insn.branch_target(pc).unwrap_or(-1);
                if t < start as i64 || t >= end as i64 {
                    return Err(err(
                        pc,
                        format!("jump out of range from insn {} to {}", pc, t),
                    ));
                }
            }
        }
        let last = end - 1;
        if !matches!(insns[last], Insn::Exit | Insn::Ja { .. }) {
            return Err(err(last, "last insn is not an exit or jmp".into()));
        }
    }

    // Depth-first walk from the entry: jumps into lddw, unreachable code.
    let mut seen = vec![false; n];
    let mut todo = vec![0usize];
    let mut prune_point = vec![false; n];
    let mut force_checkpoint = vec![false; n];
    let mut succs: Vec<[Option<usize>; 2]> = vec![[None, None]; n];
    while let Some(pc) = todo.pop() {
        if seen[pc] {
            continue;
        }
        seen[pc] = true;
        let insn = &insns[pc];
        let mut next: [Option<usize>; 3] = [None, None, None];
        match insn {
            Insn::Exit => {}
            Insn::Ja { .. } => {
                let t = insn.branch_target(pc).unwrap_or(0) as usize;
                next[0] = Some(t);
                prune_point[t] = true;
                if t <= pc {
                    force_checkpoint[t] = true;
                }
            }
            Insn::Jump { .. } => {
                let t = insn.branch_target(pc).unwrap_or(0) as usize;
                next[0] = Some(pc + 1);
                next[1] = Some(t);
                prune_point[t] = true;
                if pc + 1 < n {
                    prune_point[pc + 1] = true;
                }
                if t <= pc {
                    force_checkpoint[t] = true;
                }
            }
            Insn::LdImm64 { kind, .. } => {
                next[0] = Some(pc + 2);
                if *kind == LdImm64Kind::Func {
                    next[1] = insn.branch_target(pc).map(|t| t as usize);
                }
            }
            Insn::Call(target) => {
                next[0] = Some(pc + 1);
                prune_point[pc] = true;
                if pc + 1 < n {
                    prune_point[pc + 1] = true;
                }
                if let CallTarget::Local(_) = target {
                    next[1] = insn.branch_target(pc).map(|t| t as usize);
                }
            }
            _ => next[0] = Some(pc + 1),
        }
        succs[pc] = [next[0], next[1]];
        for t in next.into_iter().flatten() {
            if t >= n {
                return Err(err(
                    pc,
                    format!("jump out of range from insn {} to {}", pc, t),
                ));
            }
            if matches!(insns[t], Insn::LdImm64Tail) {
                return Err(err(
                    pc,
                    format!("jump into the middle of ldimm64 insn {}", t - 1),
                ));
            }
            if !seen[t] {
                todo.push(t);
            }
        }
    }
    for pc in 0..n {
        if !seen[pc] && !matches!(insns[pc], Insn::LdImm64Tail) {
            return Err(err(pc, format!("unreachable insn {}", pc)));
        }
    }

    let live_before = liveness(prog, helpers, &succs);
    let calls_callback = insns
        .iter()
        .map(|i| match i {
            Insn::Call(CallTarget::Helper(id)) => helpers
                .by_id(*id as u32)
                .is_some_and(|p| p.args.contains(&crate::helpers::ArgType::PtrToFunc)),
            _ => false,
        })
        .collect::<Vec<bool>>();
    // The call is revisited after each callback run, like a loop header: always
    // keep a state there so the revisits can be compared (as the kernel does).
    for (pc, cb) in calls_callback.iter().enumerate() {
        if *cb {
            force_checkpoint[pc] = true;
        }
    }
    Ok(Cfg {
        subprogs,
        prune_point,
        force_checkpoint,
        live_before,
        calls_callback,
    })
}

/// Registers read and written by one instruction (bit masks).
fn use_def(insn: &Insn, helpers: &HelperRegistry) -> (u16, u16) {
    let bit = |r: crate::isa::Reg| 1u16 << r.index();
    let op_bit = |o: &Operand| match o {
        Operand::Reg(r) => bit(*r),
        Operand::Imm(_) => 0,
    };
    const ARGS: u16 = 0b11_1110;
    match insn {
        Insn::Alu { op, dst, src, .. } => {
            if matches!(
                op,
                crate::isa::AluOp::Mov
                    | crate::isa::AluOp::Movsx8
                    | crate::isa::AluOp::Movsx16
                    | crate::isa::AluOp::Movsx32
            ) {
                (op_bit(src), bit(*dst))
            } else {
                (op_bit(src) | bit(*dst), bit(*dst))
            }
        }
        Insn::Endian { dst, .. } => (bit(*dst), bit(*dst)),
        Insn::Jump { dst, src, .. } => (bit(*dst) | op_bit(src), 0),
        Insn::Ja { .. } | Insn::LdImm64Tail => (0, 0),
        Insn::Call(CallTarget::Helper(id)) => {
            let uses = helpers
                .by_id(*id as u32)
                .map(|p| ((1u16 << (p.arg_count() + 1)) - 1) & ARGS)
                .unwrap_or(ARGS);
            (uses, 1 | ARGS)
        }
        Insn::Call(_) | Insn::Callx { .. } => (ARGS, 1 | ARGS),
        Insn::Exit => (1, 0),
        Insn::LdImm64 { dst, .. } => (0, bit(*dst)),
        Insn::Load { dst, src, .. } => (bit(*src), bit(*dst)),
        Insn::Store { dst, src, .. } => (bit(*dst) | op_bit(src), 0),
        Insn::Atomic {
            dst,
            src,
            op,
            fetch,
            ..
        } => {
            let mut u = bit(*dst) | bit(*src);
            let mut d = 0;
            if *op == crate::isa::AtomicOp::Cmpxchg {
                u |= 1;
                d |= 1;
            } else if *fetch || *op == crate::isa::AtomicOp::Xchg {
                d |= bit(*src);
            }
            (u, d)
        }
        Insn::LdPacket { mode, .. } => {
            let u = match mode {
                crate::isa::PacketMode::Ind(r) => bit(*r),
                crate::isa::PacketMode::Abs => 0,
            };
            (u | (1 << 6), 1 | ARGS)
        }
    }
}

/// Backward dataflow: which registers may still be read before being written.
/// The kernel prints the same facts as `Live regs before insn`.
fn liveness(prog: &Program, helpers: &HelperRegistry, succs: &[[Option<usize>; 2]]) -> Vec<u16> {
    let n = prog.insns.len();
    let ud: Vec<(u16, u16)> = prog.insns.iter().map(|i| use_def(i, helpers)).collect();
    let mut live = vec![0u16; n];
    let mut changed = true;
    let mut rounds = 0;
    while changed && rounds < 10_000 {
        changed = false;
        rounds += 1;
        for pc in (0..n).rev() {
            let mut out = 0u16;
            for s in succs[pc].iter().flatten() {
                // A local call's successor edge into the callee carries r1-r5;
                // its fall-through edge carries what the caller reads afterwards.
                if let Some(l) = live.get(*s) {
                    out |= *l;
                }
            }
            let (u, d) = ud[pc];
            let new = u | (out & !d);
            if new != live[pc] {
                live[pc] = new;
                changed = true;
            }
        }
    }
    if changed {
        // Did not converge (cannot happen for finite programs, but stay safe): all live.
        return vec![0x7ff; n];
    }
    live
}
