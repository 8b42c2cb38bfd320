//! The host kernel as a reference: load a [`Program`] with raw `bpf(2)` calls
//! (maps created from its `MapDef`s, global data written and `.rodata`
//! frozen as libbpf does), read the verifier's verdict and log, and run it
//! with `BPF_PROG_TEST_RUN`.
//!
//! Only for tests: needs Linux and root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN).
//! [`Kernel::open`] says why not when the kernel cannot be asked.

#![allow(dead_code)]

use std::ffi::c_void;

use vm_core::isa::{encode_raw, RawInsn};
use vm_core::{MapDef, Program};

const BPF_MAP_CREATE: i64 = 0;
const BPF_MAP_LOOKUP_ELEM: i64 = 1;
const BPF_MAP_UPDATE_ELEM: i64 = 2;
const BPF_PROG_LOAD: i64 = 5;
const BPF_PROG_TEST_RUN: i64 = 10;
const BPF_MAP_FREEZE: i64 = 22;

/// `BPF_PSEUDO_MAP_FD` / `BPF_PSEUDO_MAP_VALUE`: kinds of `lddw` naming a map.
const PSEUDO_MAP_FD: u8 = 1;
const PSEUDO_MAP_VALUE: u8 = 2;
const BPF_F_RDONLY_PROG: u32 = 1 << 7;

/// A file descriptor closed on drop.
#[derive(Debug)]
pub struct Fd(pub i32);

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: the descriptor is owned by this value and closed once.
        unsafe {
            libc::close(self.0);
        }
    }
}

fn bpf(cmd: i64, attr: &mut [u8]) -> Result<i64, std::io::Error> {
    // SAFETY: `attr` is a live, writable buffer of the length passed; every
    // pointer stored inside it points to memory the caller keeps alive for the
    // duration of the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr.as_mut_ptr() as *mut c_void,
            attr.len() as libc::c_uint,
        )
    };
    if r < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn put_u32(attr: &mut [u8], off: usize, v: u32) {
    attr[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

fn put_u64(attr: &mut [u8], off: usize, v: u64) {
    attr[off..off + 8].copy_from_slice(&v.to_le_bytes());
}

fn get_u32(attr: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(attr[off..off + 4].try_into().unwrap())
}

/// Proof that the kernel can be asked.
pub struct Kernel(());

/// The verifier's answer.
#[derive(Debug)]
pub enum Verdict {
    /// Loaded: the program's fd, the maps it uses (in `Program::maps` order)
    /// and the verifier's log.
    Accepted {
        prog: Fd,
        maps: Vec<Fd>,
        log: String,
    },
    /// Rejected with this errno and log.
    Rejected { errno: i32, log: String },
}

impl Kernel {
    /// The kernel, if `bpf(2)` works here; otherwise why not.
    pub fn open() -> Result<Kernel, String> {
        if !cfg!(target_os = "linux") {
            return Err(String::from("not Linux"));
        }
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err(String::from("not root (bpf(2) needs CAP_BPF)"));
        }
        // An array map is the cheapest probe.
        let def = MapDef {
            name: String::from("probe"),
            map_type: vm_core::MapType::Array,
            key_size: 4,
            value_size: 4,
            max_entries: 1,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        };
        Kernel(())
            .create_map(&def)
            .map(|_| Kernel(()))
            .map_err(|e| format!("bpf(BPF_MAP_CREATE) fails: {e}"))
    }

    /// Creates a map like `def`, with its initial value written (and frozen
    /// when the program may only read it, as libbpf does for `.rodata`).
    pub fn create_map(&self, def: &MapDef) -> Result<Fd, String> {
        let mut attr = [0u8; 128];
        put_u32(&mut attr, 0, def.map_type as u32);
        put_u32(&mut attr, 4, def.key_size);
        put_u32(&mut attr, 8, def.value_size);
        put_u32(&mut attr, 12, def.max_entries);
        put_u32(&mut attr, 16, def.flags);
        // map_name[16] at 28: only [A-Za-z0-9_.] are allowed.
        let name: Vec<u8> = def
            .name
            .bytes()
            .filter(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
            .take(15)
            .collect();
        attr[28..28 + name.len()].copy_from_slice(&name);
        let fd = Fd(bpf(BPF_MAP_CREATE, &mut attr)
            .map_err(|e| format!("map '{}' ({:?}): {e}", def.name, def.map_type))?
            as i32);
        if let Some(init) = &def.initial_value {
            self.update(&fd, &0u32.to_le_bytes(), init)
                .map_err(|e| format!("map '{}' initial value: {e}", def.name))?;
            if def.flags & BPF_F_RDONLY_PROG != 0 {
                let mut attr = [0u8; 128];
                put_u32(&mut attr, 0, fd.0 as u32);
                bpf(BPF_MAP_FREEZE, &mut attr).map_err(|e| format!("freeze: {e}"))?;
            }
        }
        // `.entry` lines, as user space would put them before attaching.
        for (i, (key, value)) in def.initial_entries.iter().enumerate() {
            self.update(&fd, key, value)
                .map_err(|e| format!("map '{}' initial entry {i}: {e}", def.name))?;
        }
        Ok(fd)
    }

    /// `bpf_map_update_elem(fd, key, value, BPF_ANY)`.
    pub fn update(&self, map: &Fd, key: &[u8], value: &[u8]) -> Result<(), std::io::Error> {
        let mut attr = [0u8; 128];
        put_u32(&mut attr, 0, map.0 as u32);
        put_u64(&mut attr, 8, key.as_ptr() as u64);
        put_u64(&mut attr, 16, value.as_ptr() as u64);
        bpf(BPF_MAP_UPDATE_ELEM, &mut attr).map(|_| ())
    }

    /// `bpf_map_lookup_elem`: the value under `key`, if any.
    pub fn lookup(&self, map: &Fd, key: &[u8], value_size: usize) -> Option<Vec<u8>> {
        let mut value = vec![0u8; value_size];
        let mut attr = [0u8; 128];
        put_u32(&mut attr, 0, map.0 as u32);
        put_u64(&mut attr, 8, key.as_ptr() as u64);
        put_u64(&mut attr, 16, value.as_mut_ptr() as u64);
        bpf(BPF_MAP_LOOKUP_ELEM, &mut attr).ok().map(|_| value)
    }

    /// Creates the program's maps and asks the kernel's verifier about it.
    pub fn load(&self, prog: &Program, license: &str) -> Result<Verdict, String> {
        let maps = prog
            .maps
            .iter()
            .map(|m| self.create_map(m))
            .collect::<Result<Vec<Fd>, String>>()?;
        let mut raw: Vec<RawInsn> = encode_raw(&prog.insns);
        for insn in raw.iter_mut() {
            if insn.code == 0x18 && (insn.src == PSEUDO_MAP_FD || insn.src == PSEUDO_MAP_VALUE) {
                let fd = maps
                    .get(insn.imm as usize)
                    .ok_or_else(|| format!("lddw names map {} of {}", insn.imm, maps.len()))?;
                insn.imm = fd.0;
            }
        }
        let bytes: Vec<u8> = raw.iter().flat_map(|r| r.to_bytes()).collect();
        let license = std::ffi::CString::new(license).unwrap();
        let mut log = vec![0u8; 1 << 24];
        let mut attr = [0u8; 128];
        put_u32(&mut attr, 0, prog.prog_type as u32);
        put_u32(&mut attr, 4, raw.len() as u32);
        put_u64(&mut attr, 8, bytes.as_ptr() as u64);
        put_u64(&mut attr, 16, license.as_ptr() as u64);
        put_u32(&mut attr, 24, 2); // log_level: every instruction, as ours prints
        put_u32(&mut attr, 28, log.len() as u32);
        put_u64(&mut attr, 32, log.as_mut_ptr() as u64);
        let result = bpf(BPF_PROG_LOAD, &mut attr);
        let end = log.iter().position(|b| *b == 0).unwrap_or(log.len());
        let log = String::from_utf8_lossy(&log[..end]).into_owned();
        Ok(match result {
            Ok(fd) => Verdict::Accepted {
                prog: Fd(fd as i32),
                maps,
                log,
            },
            Err(e) => Verdict::Rejected {
                errno: e.raw_os_error().unwrap_or(0),
                log,
            },
        })
    }

    /// `BPF_PROG_TEST_RUN` on a packet: the return value and the packet after.
    pub fn test_run(&self, prog: &Fd, packet: &[u8]) -> Result<(u32, Vec<u8>), String> {
        let mut out = vec![0u8; packet.len() + 256];
        let mut attr = [0u8; 128];
        put_u32(&mut attr, 0, prog.0 as u32);
        put_u32(&mut attr, 8, packet.len() as u32);
        put_u32(&mut attr, 12, out.len() as u32);
        put_u64(&mut attr, 16, packet.as_ptr() as u64);
        put_u64(&mut attr, 24, out.as_mut_ptr() as u64);
        put_u32(&mut attr, 32, 1); // repeat
        bpf(BPF_PROG_TEST_RUN, &mut attr).map_err(|e| format!("BPF_PROG_TEST_RUN: {e}"))?;
        let retval = get_u32(&attr, 4);
        let out_len = get_u32(&attr, 12) as usize;
        out.truncate(out_len);
        Ok((retval, out))
    }
}
