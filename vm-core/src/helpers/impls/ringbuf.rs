//! Ring buffer helpers and `bpf_perf_event_output`: records for user space.
//! A reserved ring buffer record is a fresh region of the program's memory
//! until it is submitted or discarded.

use crate::interp::{HelperError, HelperResult, Memory, RegionKind};
use crate::maps::perf_event_array::BPF_F_CTXLEN_MASK;
use crate::program::ProgramType;
use crate::run::env::{failed, ret, ret_err, ret_errno, EventRecord, Reservation};
use crate::run::RunEnv;

const EINVAL: i64 = 22;
const EFAULT: i64 = 14;

/// `long bpf_ringbuf_output(ringbuf, data, size, flags)`.
pub(super) fn ringbuf_output(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_ringbuf_output";
    let map = env.map_arg(a[0], name)?;
    let data = env.read(mem, a[1], a[2], name)?;
    let cpu = env.system.cpu;
    let Some(rb) = env.maps.ringbuf_mut(map) else {
        return ret_errno(EINVAL);
    };
    match rb.output(&data, a[3]) {
        Ok(()) => {
            env.events.push(EventRecord { map, cpu, data });
            ret(0)
        }
        Err(e) => ret_err(e),
    }
}

/// `void *bpf_ringbuf_reserve(ringbuf, size, flags)`: a record to fill, or NULL.
pub(super) fn ringbuf_reserve(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[0], "bpf_ringbuf_reserve")?;
    let Some(rb) = env.maps.ringbuf_mut(map) else {
        return ret(0);
    };
    let Some(id) = rb.reserve(a[1], a[2]) else {
        return ret(0);
    };
    let len = usize::try_from(a[1]).unwrap_or(0);
    let region = mem.add_region(
        RegionKind::MapValue { map: map as u32 },
        alloc::vec![0; len],
        true,
    );
    let addr = mem.region(region).map_or(0, |r| r.base());
    env.reservations.push(Reservation {
        addr,
        region,
        map,
        id,
    });
    ret(addr)
}

fn commit(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    addr: u64,
    discard: bool,
    name: &str,
) -> Result<HelperResult, HelperError> {
    let at = env
        .reservations
        .iter()
        .position(|r| r.addr == addr)
        .ok_or_else(|| failed(format_args_addr(name, addr)))?;
    let r = env.reservations.remove(at);
    let data = mem
        .remove_region(r.region)
        .map(|reg| reg.into_data())
        .unwrap_or_default();
    let cpu = env.system.cpu;
    if let Some(rb) = env.maps.ringbuf_mut(r.map) {
        rb.commit(r.id, data.clone(), discard)
            .map_err(|e| failed(alloc::format!("{name}: {e}")))?;
    }
    if !discard {
        env.events.push(EventRecord {
            map: r.map,
            cpu,
            data,
        });
    }
    ret(0)
}

fn format_args_addr(name: &str, addr: u64) -> alloc::string::String {
    alloc::format!("{name}: {addr:#x} is not a reserved ring buffer record")
}

/// `void bpf_ringbuf_submit(data, flags)`.
pub(super) fn ringbuf_submit(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    commit(env, mem, a[0], false, "bpf_ringbuf_submit")
}

/// `void bpf_ringbuf_discard(data, flags)`.
pub(super) fn ringbuf_discard(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    commit(env, mem, a[0], true, "bpf_ringbuf_discard")
}

/// `u64 bpf_ringbuf_query(ringbuf, flags)`.
pub(super) fn ringbuf_query(
    env: &mut RunEnv<'_>,
    _: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let map = env.map_arg(a[0], "bpf_ringbuf_query")?;
    ret(env.maps.ringbuf(map).map_or(0, |rb| rb.query(a[1])))
}

/// `long bpf_perf_event_output(ctx, map, flags, data, size)`. Network programs
/// may append the first `(flags & BPF_F_CTXLEN_MASK) >> 32` packet bytes.
pub(super) fn perf_event_output(
    env: &mut RunEnv<'_>,
    mem: &mut Memory,
    a: [u64; 5],
) -> Result<HelperResult, HelperError> {
    let name = "bpf_perf_event_output";
    let map = env.map_arg(a[1], name)?;
    let flags = a[2];
    let mut data = env.read(mem, a[3], a[4], name)?;
    let ctxlen = ((flags & BPF_F_CTXLEN_MASK) >> 32) as usize;
    if ctxlen > 0 {
        if matches!(env.prog_type, ProgramType::Kprobe | ProgramType::Tracepoint) {
            return ret_errno(EINVAL);
        }
        let packet = env
            .packet
            .as_ref()
            .map(|p| p.packet(mem))
            .unwrap_or_default();
        match packet.get(..ctxlen) {
            Some(bytes) => data.extend_from_slice(bytes),
            None => return ret_errno(EFAULT),
        }
    }
    let cpu = env.system.cpu;
    let Some(pe) = env.maps.perf_event_array_mut(map) else {
        return ret_errno(EINVAL);
    };
    match pe.output(cpu, flags & !BPF_F_CTXLEN_MASK, data.clone()) {
        Ok(()) => {
            env.events.push(EventRecord { map, cpu, data });
            ret(0)
        }
        Err(e) => ret_err(e),
    }
}
