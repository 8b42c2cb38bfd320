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
const BPF_BTF_LOAD: i64 = 18;

/// `BPF_PSEUDO_MAP_FD` / `BPF_PSEUDO_MAP_VALUE`: kinds of `lddw` naming a map.
const PSEUDO_MAP_FD: u8 = 1;
const PSEUDO_MAP_VALUE: u8 = 2;
/// `BPF_PSEUDO_CALL` (a bpf-to-bpf call) and `BPF_PSEUDO_FUNC` (a callback's address).
const PSEUDO_CALL: u8 = 1;
const PSEUDO_FUNC: u8 = 4;
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
            // The kernel reads value_size bytes: pad a shorter initial value
            // with zeros, as the VM's array does.
            let mut init = init.clone();
            init.resize((def.value_size as usize).max(init.len()), 0);
            self.update(&fd, &0u32.to_le_bytes(), &init)
                .map_err(|e| format!("map '{}' initial value: {e}", def.name))?;
        }
        // `.entry` lines, as user space would put them before attaching.
        for (i, (key, value)) in def.initial_entries.iter().enumerate() {
            self.update(&fd, key, value)
                .map_err(|e| format!("map '{}' initial entry {i}: {e}", def.name))?;
        }
        // Then `.rodata` is frozen, as libbpf does once user space has set it.
        if def.initial_value.is_some() && def.flags & BPF_F_RDONLY_PROG != 0 {
            let mut attr = [0u8; 128];
            put_u32(&mut attr, 0, fd.0 as u32);
            bpf(BPF_MAP_FREEZE, &mut attr).map_err(|e| format!("freeze: {e}"))?;
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
        self.load_with_maps(prog, license, maps)
    }

    /// Asks the kernel's verifier about `prog` using maps that already exist,
    /// looked up by name in `shared` (a program and its tail-call targets
    /// share maps by name); each program holds its own descriptor.
    pub fn load_sharing(
        &self,
        prog: &Program,
        license: &str,
        shared: &[(String, Fd)],
    ) -> Result<Verdict, String> {
        let maps = prog
            .maps
            .iter()
            .map(|m| {
                let (_, fd) = shared
                    .iter()
                    .find(|(name, _)| *name == m.name)
                    .ok_or_else(|| format!("no shared map '{}'", m.name))?;
                // SAFETY: dup has no memory preconditions; the new descriptor is owned by the Fd.
                let dup = unsafe { libc::dup(fd.0) };
                if dup < 0 {
                    return Err(format!("dup: {}", std::io::Error::last_os_error()));
                }
                Ok(Fd(dup))
            })
            .collect::<Result<Vec<Fd>, String>>()?;
        self.load_with_maps(prog, license, maps)
    }

    /// Loads `prog` with `maps[i]` standing for `prog.maps[i]`.
    fn load_with_maps(
        &self,
        prog: &Program,
        license: &str,
        maps: Vec<Fd>,
    ) -> Result<Verdict, String> {
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
        // The kernel takes a callback's address only with BTF `func_info`, which
        // raw bytecode lacks: describe every function as libbpf would from BTF.
        let uses_callbacks = raw.iter().any(|i| i.code == 0x18 && i.src == PSEUDO_FUNC);
        let btf = if uses_callbacks {
            Some(self.load_func_btf(&function_starts(&raw))?)
        } else {
            None
        };
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
        if let Some((fd, func_info)) = &btf {
            put_u32(&mut attr, 72, fd.0 as u32); // prog_btf_fd
            put_u32(&mut attr, 76, 8); // func_info_rec_size
            put_u64(&mut attr, 80, func_info.as_ptr() as u64);
            put_u32(&mut attr, 88, (func_info.len() / 8) as u32);
        }
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

    /// Loads a BTF blob with one `FUNC` per function start (the first global,
    /// the others static, as callbacks must be) and returns its fd and the
    /// matching `func_info` records (`insn_off`, `type_id`).
    fn load_func_btf(&self, starts: &[u32]) -> Result<(Fd, Vec<u8>), String> {
        const KIND_INT: u32 = 1;
        const KIND_FUNC: u32 = 12;
        const KIND_FUNC_PROTO: u32 = 13;
        let strings = b"\0int\0f\0".to_vec();
        let (int_name, func_name) = (1u32, 5u32);
        let mut types = Vec::new();
        let mut push = |words: &[u32]| {
            for w in words {
                types.extend_from_slice(&w.to_le_bytes());
            }
        };
        // [1] int: signed, 32 bits.
        push(&[int_name, KIND_INT << 24, 4, (1 << 24) | 32]);
        // [2] int (void): no parameters.
        push(&[0, KIND_FUNC_PROTO << 24, 1]);
        let mut func_info = Vec::new();
        for (i, start) in starts.iter().enumerate() {
            let linkage = u32::from(i == 0);
            push(&[func_name, (KIND_FUNC << 24) | linkage, 2]);
            func_info.extend_from_slice(&start.to_le_bytes());
            func_info.extend_from_slice(&(3 + i as u32).to_le_bytes());
        }
        let mut blob = Vec::new();
        blob.extend_from_slice(&0xeb9fu16.to_le_bytes());
        blob.extend_from_slice(&[1, 0]); // version, flags
        for w in [
            24,
            0,
            types.len() as u32,
            types.len() as u32,
            strings.len() as u32,
        ] {
            blob.extend_from_slice(&w.to_le_bytes());
        }
        blob.extend_from_slice(&types);
        blob.extend_from_slice(&strings);
        let mut log = vec![0u8; 1 << 16];
        let mut attr = [0u8; 128];
        put_u64(&mut attr, 0, blob.as_ptr() as u64);
        put_u64(&mut attr, 8, log.as_mut_ptr() as u64);
        put_u32(&mut attr, 16, blob.len() as u32);
        put_u32(&mut attr, 20, log.len() as u32);
        put_u32(&mut attr, 24, 1);
        let fd = bpf(BPF_BTF_LOAD, &mut attr).map_err(|e| {
            let end = log.iter().position(|b| *b == 0).unwrap_or(log.len());
            format!(
                "BPF_BTF_LOAD: {e}: {}",
                String::from_utf8_lossy(&log[..end])
            )
        })?;
        Ok((Fd(fd as i32), func_info))
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

/// The first instruction of every function: the program's, and each target of
/// a bpf-to-bpf call or a callback reference, in order.
fn function_starts(raw: &[RawInsn]) -> Vec<u32> {
    let mut starts = vec![0u32];
    for (pc, i) in raw.iter().enumerate() {
        let local_call = i.code == 0x85 && i.src == PSEUDO_CALL;
        let func_ref = i.code == 0x18 && i.src == PSEUDO_FUNC;
        if local_call || func_ref {
            let target = pc as i64 + i64::from(i.imm) + 1;
            if let Ok(t) = u32::try_from(target) {
                starts.push(t);
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}
