//! Helpers that change the flow of the program: `bpf_tail_call`, and the
//! callback loops `bpf_loop` and `bpf_for_each_map_elem`, which the
//! interpreter runs as ordinary calls (so the debugger can step into them).

use alloc::vec::Vec;

use crate::interp::{HelperError, HelperResult, Memory, RegionKind};
use crate::maps::MapError;
use crate::program::MapType;
use crate::run::env::{failed, ret, ret_errno, Iteration, MAX_TAIL_CALL_CNT};
use crate::run::RunEnv;

/// Most iterations `bpf_loop` runs (`BPF_MAX_LOOPS`).
pub const BPF_MAX_LOOPS: u64 = 1 << 23;

/// `long bpf_tail_call(ctx, prog_array, index)`: on success the target program
/// replaces this one and its return value ends the run; otherwise execution
/// goes on after the call.
pub(super) fn tail_call(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[1], "bpf_tail_call")?;
    let target = env.maps.prog_array(map).and_then(|p| p.get(a[2] as u32));
    let Some(prog) = target.map(|p| p as usize) else {
        return ret(0);
    };
    let same_type = env
        .programs
        .get(prog)
        .is_some_and(|p| p.prog_type == env.prog_type);
    if !same_type || env.tail_calls >= MAX_TAIL_CALL_CNT {
        return ret(0);
    }
    env.tail_calls += 1;
    env.run_tail_call(mem, prog)
}

/// `long bpf_loop(nr_loops, callback, ctx, flags)`: calls `callback(i, ctx)` for
/// `i` in `0..nr_loops` until it returns 1; returns the number of calls.
pub(super) fn bpf_loop(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let (total, callback, ctx, flags) = (a[0] & 0xffff_ffff, a[1], a[2], a[3]);
    if flags != 0 {
        return ret_errno(22);
    }
    if total > BPF_MAX_LOOPS {
        return ret_errno(7);
    }
    if total == 0 {
        return ret(0);
    }
    env.iterations.push(Iteration::Loop {
        callback,
        ctx,
        done: 0,
        total,
    });
    Ok(HelperResult::CallFunction {
        target: callback,
        args: [0, ctx, 0, 0, 0],
    })
}

/// `long bpf_for_each_map_elem(map, callback, ctx, flags)`: calls
/// `callback(map, &key, &value, ctx)` for each element until it returns 1;
/// returns the number of elements visited.
pub(super) fn for_each_map_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[0], "bpf_for_each_map_elem")?;
    let (callback, ctx, flags) = (a[1], a[2], a[3]);
    let Some(m) = env.maps.get(map) else {
        return ret_errno(22);
    };
    let iterable = matches!(
        m.def().map_type,
        MapType::Hash
            | MapType::PercpuHash
            | MapType::LruHash
            | MapType::Array
            | MapType::PercpuArray
    );
    if flags != 0 || !iterable {
        return ret_errno(22);
    }
    let mut keys = Vec::new();
    let mut key: Option<Vec<u8>> = None;
    loop {
        match m.next_key(key.as_deref()) {
            Ok(next) if keys.len() < m.def().max_entries as usize => {
                keys.push(next.clone());
                key = Some(next);
            }
            Ok(_) | Err(MapError::NotFound) => break,
            Err(_) => return ret_errno(22),
        }
    }
    if keys.is_empty() {
        return ret(0);
    }
    let key_size = m.def().key_size as usize;
    let key_region = mem.add_region(RegionKind::User, alloc::vec![0; key_size], false);
    let key_addr = mem.region(key_region).map_or(0, |r| r.base());
    env.iterations.push(Iteration::MapElems {
        callback,
        ctx,
        map,
        keys,
        done: 0,
        key_region,
        key_addr,
    });
    next_map_elem(env, mem)
}

/// Calls the callback on the next element of the innermost `bpf_for_each_map_elem`.
fn next_map_elem(env: &mut RunEnv<'_>, mem: &mut Memory) -> Result<HelperResult, HelperError> {
    let cpu = env.system.cpu;
    let Some(Iteration::MapElems {
        callback,
        ctx,
        map,
        keys,
        done,
        key_region,
        key_addr,
    }) = env.iterations.last().cloned()
    else {
        return Err(failed("bpf_for_each_map_elem: no iteration in progress"));
    };
    let key = keys.get(done).cloned().unwrap_or_default();
    if let Some(r) = mem.region_mut(key_region) {
        if let Some(dst) = r.data_mut().get_mut(..key.len()) {
            dst.copy_from_slice(&key);
        }
    }
    let off = env
        .maps
        .get_mut(map)
        .and_then(|m| m.lookup(&key, cpu).ok().flatten())
        .ok_or_else(|| failed("bpf_for_each_map_elem: element vanished"))?;
    let value = env.arena_addr(map, off).unwrap_or(0);
    Ok(HelperResult::CallFunction {
        target: callback,
        args: [crate::run::env::map_handle(map), key_addr, value, ctx, 0],
    })
}

/// The innermost loop's callback returned `ret`: call it again or finish the helper.
pub(super) fn callback_returned(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    ret_val: u64,
) -> Result<HelperResult, HelperError> {
    let stop = ret_val != 0;
    match env.iterations.last_mut() {
        Some(Iteration::Loop {
            callback,
            ctx,
            done,
            total,
        }) => {
            *done += 1;
            if stop || *done >= *total {
                let n = *done;
                env.iterations.pop();
                return ret(n);
            }
            Ok(HelperResult::CallFunction {
                target: *callback,
                args: [*done, *ctx, 0, 0, 0],
            })
        }
        Some(Iteration::MapElems {
            keys,
            done,
            key_region,
            ..
        }) => {
            *done += 1;
            if stop || *done >= keys.len() {
                let (n, region) = (*done as u64, *key_region);
                env.iterations.pop();
                mem.remove_region(region);
                return ret(n);
            }
            next_map_elem(env, mem)
        }
        None => Err(failed("a callback returned with no loop helper running")),
    }
}
