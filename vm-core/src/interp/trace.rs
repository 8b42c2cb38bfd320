//! Concrete execution traces for the debugger: per executed instruction, the
//! registers before and after and every memory access, so the UI can walk a
//! run forwards and backwards without re-running it.
//!
//! The executor reports through [`Observer`]; the untraced run uses an observer
//! whose `ENABLED` is `false`, so every reporting branch is compiled out of
//! the fast path.

use alloc::vec::Vec;

/// One memory access by an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemAccess {
    /// First byte.
    pub addr: u64,
    /// 1, 2, 4 or 8 bytes.
    pub size: u8,
    /// A store (or the write half of an atomic) rather than a load.
    pub write: bool,
    /// The value in memory before the access (little-endian, zero-extended).
    pub old: u64,
    /// The value after it (equal to `old` for a load).
    pub new: u64,
}

/// Bytes a helper wrote (through [`Memory::write`](super::Memory::write)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperWrite {
    /// First byte written.
    pub addr: u64,
    /// The bytes before the call.
    pub old: Vec<u8>,
    /// The bytes after it.
    pub new: Vec<u8>,
}

/// One executed instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceStep {
    /// Index of the instruction.
    pub pc: usize,
    /// Call depth it ran at (0 = main program).
    pub depth: usize,
    /// r0 to r10 before it ran.
    pub regs_before: [u64; 11],
    /// r0 to r10 after it ran (after the callee's entry for a call, after
    /// the return for `exit`).
    pub regs_after: [u64; 11],
    /// Loads and stores, in order.
    pub mem: Vec<MemAccess>,
    /// The helper it called, if it is a helper call.
    pub helper: Option<i32>,
    /// What that helper (or a callback's return to it) wrote into memory, in order.
    pub helper_writes: Vec<HelperWrite>,
}

impl TraceStep {
    /// The registers it changed: (register number, old, new).
    pub fn changed_regs(&self) -> impl Iterator<Item = (usize, u64, u64)> + '_ {
        self.regs_before
            .iter()
            .zip(self.regs_after.iter())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| (i, *a, *b))
    }
}

/// A recorded run, capped at `limit` steps (later steps still run, unrecorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// The steps, in execution order.
    pub steps: Vec<TraceStep>,
    /// How many steps are kept at most.
    pub limit: usize,
    /// Whether steps were dropped because of `limit`.
    pub truncated: bool,
}

impl Trace {
    /// An empty trace keeping at most `limit` steps.
    pub fn with_limit(limit: usize) -> Trace {
        Trace {
            steps: Vec::new(),
            limit,
            truncated: false,
        }
    }

    /// Memory as it was just before step `step`, for the `size` bytes (at
    /// most 8) at `addr`, given their value now (after the last recorded step):
    /// undoes the recorded stores and helper writes that overlap them, from the
    /// end back to `step`. Lets the UI show memory at any point of the run from
    /// one final snapshot.
    pub fn value_before(&self, step: usize, addr: u64, size: u8, now: u64) -> u64 {
        let mut bytes = now.to_le_bytes();
        let len = usize::from(size).min(8);
        for s in self.steps.iter().skip(step).rev() {
            for w in s.helper_writes.iter().rev() {
                undo(&mut bytes, len, addr, w.addr, &w.old);
            }
            for m in s.mem.iter().rev().filter(|m| m.write) {
                let old = m.old.to_le_bytes();
                undo(
                    &mut bytes,
                    len,
                    addr,
                    m.addr,
                    &old[..usize::from(m.size).min(8)],
                );
            }
        }
        u64::from_le_bytes(bytes)
    }
}

/// Puts back into `bytes` (the `len` bytes at `addr`) the part of `old`
/// (the bytes at `at`) that overlaps them.
fn undo(bytes: &mut [u8; 8], len: usize, addr: u64, at: u64, old: &[u8]) {
    for (i, b) in old.iter().enumerate() {
        let a = at.wrapping_add(i as u64);
        if let Some(d) = a.checked_sub(addr).filter(|d| *d < len as u64) {
            if let Some(slot) = bytes.get_mut(d as usize) {
                *slot = *b;
            }
        }
    }
}

impl Default for Trace {
    fn default() -> Trace {
        Trace::with_limit(100_000)
    }
}

/// Receives what the executor does, step by step.
pub(crate) trait Observer {
    /// `false` compiles all reporting out.
    const ENABLED: bool;
    fn begin(&mut self, pc: usize, depth: usize, regs: &[u64; 16]);
    fn mem(&mut self, access: MemAccess);
    fn helper(&mut self, id: i32);
    fn helper_write(&mut self, write: HelperWrite);
    fn end(&mut self, regs: &[u64; 16]);
}

/// The observer of untraced runs.
pub(crate) struct Silent;

impl Observer for Silent {
    const ENABLED: bool = false;
    #[inline(always)]
    fn begin(&mut self, _: usize, _: usize, _: &[u64; 16]) {}
    #[inline(always)]
    fn mem(&mut self, _: MemAccess) {}
    #[inline(always)]
    fn helper(&mut self, _: i32) {}
    #[inline(always)]
    fn helper_write(&mut self, _: HelperWrite) {}
    #[inline(always)]
    fn end(&mut self, _: &[u64; 16]) {}
}

fn first11(regs: &[u64; 16]) -> [u64; 11] {
    let mut out = [0u64; 11];
    out.copy_from_slice(&regs[..11]);
    out
}

impl Observer for Trace {
    const ENABLED: bool = true;
    fn begin(&mut self, pc: usize, depth: usize, regs: &[u64; 16]) {
        if self.steps.len() >= self.limit {
            self.truncated = true;
            return;
        }
        let r = first11(regs);
        self.steps.push(TraceStep {
            pc,
            depth,
            regs_before: r,
            regs_after: r,
            mem: Vec::new(),
            helper: None,
            helper_writes: Vec::new(),
        });
    }
    fn mem(&mut self, access: MemAccess) {
        if !self.truncated {
            if let Some(s) = self.steps.last_mut() {
                s.mem.push(access);
            }
        }
    }
    fn helper(&mut self, id: i32) {
        if !self.truncated {
            if let Some(s) = self.steps.last_mut() {
                s.helper = Some(id);
            }
        }
    }
    fn helper_write(&mut self, write: HelperWrite) {
        if !self.truncated {
            if let Some(s) = self.steps.last_mut() {
                s.helper_writes.push(write);
            }
        }
    }
    fn end(&mut self, regs: &[u64; 16]) {
        if !self.truncated {
            if let Some(s) = self.steps.last_mut() {
                s.regs_after = first11(regs);
            }
        }
    }
}
