//! Map helpers: lookup (a pointer into the map's value arena), update,
//! delete, and push / pop / peek for queues and stacks.

use alloc::vec::Vec;

use crate::interp::{HelperError, HelperResult, Memory};
use crate::maps::MapError;
use crate::program::MapType;
use crate::run::env::{ret, ret_err};
use crate::run::RunEnv;

fn sizes(env: &RunEnv<'_>, map: usize) -> (u64, u64) {
    env.maps.get(map).map_or((0, 0), |m| {
        (u64::from(m.def().key_size), u64::from(m.def().value_size))
    })
}

fn lookup(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
    cpu: u32,
    name: &str,
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[0], name)?;
    let (key_size, _) = sizes(env, map);
    let key = env.read(mem, a[1], key_size, name)?;
    let found = env.maps.get_mut(map).map(|m| m.lookup(&key, cpu));
    match found {
        Some(Ok(Some(off))) => ret(env.arena_addr(map, off).unwrap_or(0)),
        _ => ret(0),
    }
}

/// `void *bpf_map_lookup_elem(map, key)`: the value in place, or NULL.
pub(super) fn map_lookup_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let cpu = env.system.cpu;
    lookup(env, mem, a, cpu, "bpf_map_lookup_elem")
}

/// `void *bpf_map_lookup_percpu_elem(map, key, cpu)`: another CPU's copy.
pub(super) fn map_lookup_percpu_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_map_lookup_percpu_elem";
    let map = env.map_arg(a[0], name)?;
    let percpu = env
        .maps
        .get(map)
        .is_some_and(|m| matches!(m.def().map_type, MapType::PercpuArray | MapType::PercpuHash));
    if !percpu || a[2] >= u64::from(env.maps.config().ncpus.max(1)) {
        return ret(0);
    }
    lookup(env, mem, a, a[2] as u32, name)
}

/// `long bpf_map_update_elem(map, key, value, flags)`.
pub(super) fn map_update_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_map_update_elem";
    let map = env.map_arg(a[0], name)?;
    let (key_size, value_size) = sizes(env, map);
    let key = env.read(mem, a[1], key_size, name)?;
    let value = env.read(mem, a[2], value_size, name)?;
    let cpu = env.system.cpu;
    match env.with_map(mem, map, |m| m.update(&key, &value, a[3], cpu))? {
        Ok(()) => ret(0),
        Err(e) => ret_err(e),
    }
}

/// `long bpf_map_delete_elem(map, key)`.
pub(super) fn map_delete_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_map_delete_elem";
    let map = env.map_arg(a[0], name)?;
    let (key_size, _) = sizes(env, map);
    let key = env.read(mem, a[1], key_size, name)?;
    match env.with_map(mem, map, |m| m.delete(&key))? {
        Ok(()) => ret(0),
        Err(e) => ret_err(e),
    }
}

/// `long bpf_map_push_elem(map, value, flags)`.
pub(super) fn map_push_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_map_push_elem";
    let map = env.map_arg(a[0], name)?;
    let (_, value_size) = sizes(env, map);
    let value = env.read(mem, a[1], value_size, name)?;
    match env.with_map(mem, map, |m| m.push(&value, a[2]))? {
        Ok(()) => ret(0),
        Err(e) => ret_err(e),
    }
}

fn take(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
    pop: bool,
    name: &str,
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[0], name)?;
    let got: Result<Vec<u8>, MapError> =
        env.with_map(mem, map, |m| if pop { m.pop() } else { m.peek() })?;
    match got {
        Ok(value) => {
            env.write(mem, a[1], &value, name)?;
            ret(0)
        }
        Err(e) => ret_err(e),
    }
}

/// `long bpf_map_pop_elem(map, value)`.
pub(super) fn map_pop_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    take(env, mem, a, true, "bpf_map_pop_elem")
}

/// `long bpf_map_peek_elem(map, value)`.
pub(super) fn map_peek_elem(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    take(env, mem, a, false, "bpf_map_peek_elem")
}
