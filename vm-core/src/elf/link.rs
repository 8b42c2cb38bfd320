//! Linking one program: copy its function, append every subprogram it calls
//! (transitively), apply relocations (maps, globals, calls, function
//! addresses), apply CO-RE relocations, and carry BTF line info over to the
//! new instruction positions.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::error::{ElfError, ElfErrorKind};
use super::maps::MapSite;
use super::{core_relo, reloc_name, ElfObject, ProgramInfo, Reloc, Sym, STT_FUNC};
use crate::isa::{decode_raw, opcode, RawInsn, INSN_SIZE};
use crate::program::{LineInfo, Program};

/// `BPF_PSEUDO_MAP_FD`, `BPF_PSEUDO_MAP_VALUE`, `BPF_PSEUDO_FUNC` (`lddw` src kinds).
const PSEUDO_MAP_FD: u8 = 1;
const PSEUDO_MAP_VALUE: u8 = 2;
const PSEUDO_FUNC: u8 = 4;
const PSEUDO_CALL: u8 = opcode::PSEUDO_CALL;
/// The `call` opcode byte.
const CALL: u8 = opcode::JMP | opcode::CALL;

/// A function copied into the output.
struct Placed {
    section: usize,
    /// First instruction in its section.
    start: usize,
    len: usize,
    /// First instruction in the output.
    pos: usize,
}

/// A `call` or `lddw` of a function address to patch once every function is placed.
struct Fixup {
    pos: usize,
    section: usize,
    insn: usize,
}

struct Linker<'o> {
    obj: &'o ElfObject,
    out: Vec<RawInsn>,
    placed: Vec<Placed>,
    fixups: Vec<Fixup>,
    functions: Vec<(usize, String)>,
}

fn err_at(kind: ElfErrorKind, section: &str, insn: usize) -> ElfError {
    ElfError::at(kind, section, (insn as u64).wrapping_mul(INSN_SIZE as u64))
}

pub(crate) fn link(obj: &ElfObject, info: &ProgramInfo) -> Result<Program, ElfError> {
    let prog_type = info.kind.prog_type.ok_or_else(|| {
        ElfError::in_section(
            ElfErrorKind::Unsupported(format!(
                "program type {} (from the section name) for program '{}'",
                info.kind.kernel_name, info.name
            )),
            &info.section,
        )
    })?;
    let sec_idx = obj
        .sections
        .iter()
        .position(|s| s.exec && s.name == info.section)
        .ok_or_else(|| {
            ElfError::new(ElfErrorKind::NoSuchProgram(format!(
                "section '{}'",
                info.section
            )))
        })?;
    let main = obj
        .symbols
        .iter()
        .find(|s| s.section == Some(sec_idx) && s.st_type == STT_FUNC && s.name == info.name)
        .ok_or_else(|| {
            ElfError::new(ElfErrorKind::NoSuchProgram(format!(
                "named '{}'",
                info.name
            )))
        })?;
    let mut linker = Linker {
        obj,
        out: Vec::new(),
        placed: Vec::new(),
        fixups: Vec::new(),
        functions: Vec::new(),
    };
    linker.place(sec_idx, main)?;
    let mut i = 0;
    while i < linker.placed.len() {
        linker.relocate(i)?;
        i += 1;
    }
    linker.resolve_fixups()?;
    linker.core_relocate()?;
    let c_lines = linker.line_info();
    let Linker {
        out,
        placed,
        functions,
        ..
    } = linker;
    let insns = decode_raw(&out).map_err(|e| {
        let pos = e.insn_index();
        let (section, insn) = origin(obj, &placed, pos);
        let text = format!("{e}");
        let why = text.split_once("): ").map_or(text.as_str(), |(_, w)| w);
        err_at(ElfErrorKind::Decode(String::from(why)), section, insn)
    })?;
    Ok(Program {
        insns,
        maps: obj.maps.clone(),
        prog_type,
        source_map: Default::default(),
        functions,
        c_lines,
    })
}

/// The section and section-relative instruction of output position `pos`.
fn origin<'o>(obj: &'o ElfObject, placed: &[Placed], pos: usize) -> (&'o str, usize) {
    placed
        .iter()
        .find(|p| pos >= p.pos && pos < p.pos + p.len)
        .map(|p| {
            (
                obj.sections
                    .get(p.section)
                    .map(|s| s.name.as_str())
                    .unwrap_or(""),
                p.start + (pos - p.pos),
            )
        })
        .unwrap_or(("", pos))
}

impl<'o> Linker<'o> {
    fn section_name(&self, idx: usize) -> &'o str {
        self.obj
            .sections
            .get(idx)
            .map(|s| s.name.as_str())
            .unwrap_or("")
    }

    /// Copies function `sym` of section `sec` to the end of the output.
    fn place(&mut self, sec: usize, sym: &Sym) -> Result<usize, ElfError> {
        let section =
            self.obj.sections.get(sec).ok_or_else(|| {
                ElfError::new(ElfErrorKind::Invalid(format!("section index {sec}")))
            })?;
        let name = section.name.as_str();
        if sym.value % 8 != 0 || sym.size % 8 != 0 {
            return Err(ElfError::at(
                ElfErrorKind::Invalid(format!(
                    "function '{}' is not instruction-aligned (size {})",
                    sym.name, sym.size
                )),
                name,
                sym.value,
            ));
        }
        let bytes = usize::try_from(sym.value)
            .ok()
            .zip(usize::try_from(sym.size).ok())
            .and_then(|(start, size)| section.data.get(start..start.checked_add(size)?))
            .ok_or_else(|| {
                ElfError::at(
                    ElfErrorKind::Truncated(format!(
                        "function '{}' ({} bytes) runs past the end of the section ({} bytes)",
                        sym.name,
                        sym.size,
                        section.data.len()
                    )),
                    name,
                    sym.value,
                )
            })?;
        if bytes.is_empty() {
            return Err(ElfError::at(
                ElfErrorKind::Invalid(format!("function '{}' is empty", sym.name)),
                name,
                sym.value,
            ));
        }
        let pos = self.out.len();
        for chunk in bytes.chunks_exact(INSN_SIZE) {
            let mut b = [0u8; INSN_SIZE];
            b.copy_from_slice(chunk);
            self.out.push(RawInsn::from_bytes(b));
        }
        self.placed.push(Placed {
            section: sec,
            start: (sym.value / 8) as usize,
            len: bytes.len() / INSN_SIZE,
            pos,
        });
        self.functions.push((pos, sym.name.clone()));
        Ok(self.placed.len() - 1)
    }

    /// Makes sure the function holding instruction `insn` of section `sec` is
    /// placed, and records a fixup of output slot `pos` to point at it.
    fn call_target(
        &mut self,
        pos: usize,
        sec: usize,
        insn: usize,
        from: (&str, usize),
    ) -> Result<(), ElfError> {
        let already = self
            .placed
            .iter()
            .any(|p| p.section == sec && insn >= p.start && insn < p.start + p.len);
        if !already {
            let obj = self.obj;
            let func = obj
                .symbols
                .iter()
                .find(|s| {
                    s.section == Some(sec)
                        && s.st_type == STT_FUNC
                        && (s.value / 8) as usize <= insn
                        && insn < ((s.value.saturating_add(s.size)) / 8) as usize
                })
                .ok_or_else(|| {
                    err_at(
                        ElfErrorKind::Invalid(format!(
                            "call target: no function in section '{}' holds instruction {insn}",
                            self.section_name(sec)
                        )),
                        from.0,
                        from.1,
                    )
                })?;
            let is_exec = obj.sections.get(sec).is_some_and(|s| s.exec);
            if !is_exec {
                return Err(err_at(
                    ElfErrorKind::Invalid(format!(
                        "call target '{}' is not in a code section",
                        func.name
                    )),
                    from.0,
                    from.1,
                ));
            }
            self.place(sec, func)?;
        }
        self.fixups.push(Fixup {
            pos,
            section: sec,
            insn,
        });
        Ok(())
    }

    /// Applies the relocations of placed function `idx` and finds its calls.
    fn relocate(&mut self, idx: usize) -> Result<(), ElfError> {
        let (sec, start, len, pos) = match self.placed.get(idx) {
            Some(p) => (p.section, p.start, p.len, p.pos),
            None => return Ok(()),
        };
        let obj = self.obj;
        let section = match obj.sections.get(sec) {
            Some(s) => s,
            None => return Ok(()),
        };
        let name = section.name.as_str();
        let lo = (start as u64) * 8;
        let hi = ((start + len) as u64) * 8;
        let mut relocated = alloc::vec![false; len];
        for r in section
            .relocs
            .iter()
            .filter(|r| r.offset >= lo && r.offset < hi)
        {
            if r.offset % 8 != 0 {
                return Err(ElfError::at(
                    ElfErrorKind::UnsupportedRelocation(format!(
                        "{} not on an instruction boundary",
                        reloc_name(r.r_type)
                    )),
                    name,
                    r.offset,
                ));
            }
            let k = ((r.offset - lo) / 8) as usize;
            if let Some(slot) = relocated.get_mut(k) {
                *slot = true;
            }
            self.apply(r, name, start + k, pos + k)?;
        }
        // Calls and function addresses within the section need no relocation.
        for k in 0..len {
            if relocated.get(k).copied().unwrap_or(true) {
                continue;
            }
            let Some(raw) = self.out.get(pos + k).copied() else {
                continue;
            };
            let local_call = raw.code == CALL && raw.src == PSEUDO_CALL;
            let func_addr = raw.code == opcode::LD_DW_IMM && raw.src == PSEUDO_FUNC;
            if local_call || func_addr {
                let target = (start + k) as i64 + 1 + i64::from(raw.imm);
                let target = usize::try_from(target).map_err(|_| {
                    err_at(
                        ElfErrorKind::Invalid(format!("call target {target}")),
                        name,
                        start + k,
                    )
                })?;
                self.call_target(pos + k, sec, target, (name, start + k))?;
            }
        }
        Ok(())
    }

    /// Applies relocation `r` to output slot `pos` (instruction `insn` of `section`).
    fn apply(&mut self, r: &Reloc, section: &str, insn: usize, pos: usize) -> Result<(), ElfError> {
        let obj = self.obj;
        let sym = obj.symbols.get(r.sym).ok_or_else(|| {
            err_at(
                ElfErrorKind::Invalid(format!("relocation symbol index {}", r.sym)),
                section,
                insn,
            )
        })?;
        let unsupported = |why: String| {
            err_at(
                ElfErrorKind::UnsupportedRelocation(format!(
                    "{} against '{}': {why}",
                    reloc_name(r.r_type),
                    sym.name
                )),
                section,
                insn,
            )
        };
        if r.r_type != 1 && r.r_type != 10 {
            return Err(unsupported(String::from(
                "only R_BPF_64_64 and R_BPF_64_32 apply to instructions",
            )));
        }
        let raw = self.out.get(pos).copied().unwrap_or_default();
        let Some(target_sec) = sym.section else {
            return Err(unsupported(String::from(
                "extern symbols (.kconfig, .ksyms, kfuncs) are not supported",
            )));
        };
        let target_is_code = obj.sections.get(target_sec).is_some_and(|s| s.exec);
        if raw.code == CALL {
            if raw.src != PSEUDO_CALL || !target_is_code {
                return Err(unsupported(String::from(
                    "a relocated call must be a bpf-to-bpf call into code",
                )));
            }
            let target = (sym.value / 8) as i64 + i64::from(raw.imm) + 1;
            let target = usize::try_from(target)
                .map_err(|_| unsupported(format!("call target {target}")))?;
            return self.call_target(pos, target_sec, target, (section, insn));
        }
        if raw.code != opcode::LD_DW_IMM {
            return Err(unsupported(format!(
                "applied to opcode {:#04x}; expected lddw or call",
                raw.code
            )));
        }
        if self.out.get(pos + 1).is_none() {
            return Err(err_at(
                ElfErrorKind::Truncated(String::from("lddw: second half is missing")),
                section,
                insn,
            ));
        }
        if target_is_code {
            // Address of a function (callbacks of bpf_loop, bpf_for_each_map_elem, ...).
            let byte = sym.value.wrapping_add(raw.imm as i64 as u64);
            let target = (byte / 8) as usize;
            if let Some(slot) = self.out.get_mut(pos) {
                slot.src = PSEUDO_FUNC;
            }
            return self.call_target(pos, target_sec, target, (section, insn));
        }
        for site in &obj.map_sites {
            match *site {
                MapSite::Def {
                    section: s,
                    offset,
                    map,
                } if s == target_sec && offset == sym.value => {
                    self.set_ld_imm64(pos, PSEUDO_MAP_FD, map as i32, 0);
                    return Ok(());
                }
                MapSite::Data { section: s, map } if s == target_sec => {
                    let off = i64::from(raw.imm).wrapping_add(sym.value as i64);
                    let off = i32::try_from(off)
                        .map_err(|_| unsupported(format!("global data offset {off}")))?;
                    self.set_ld_imm64(pos, PSEUDO_MAP_VALUE, map as i32, off);
                    return Ok(());
                }
                _ => {}
            }
        }
        Err(unsupported(format!(
            "section '{}' holds no map, global data or code",
            self.section_name(target_sec)
        )))
    }

    fn set_ld_imm64(&mut self, pos: usize, src: u8, imm: i32, next_imm: i32) {
        if let Some(slot) = self.out.get_mut(pos) {
            slot.src = src;
            slot.imm = imm;
        }
        if let Some(slot) = self.out.get_mut(pos + 1) {
            slot.imm = next_imm;
        }
    }

    /// Points every call and function address at its placed target.
    fn resolve_fixups(&mut self) -> Result<(), ElfError> {
        for f in &self.fixups {
            let target = self
                .placed
                .iter()
                .find(|p| p.section == f.section && f.insn >= p.start && f.insn < p.start + p.len)
                .map(|p| p.pos + (f.insn - p.start));
            let (section, insn) = origin(self.obj, &self.placed, f.pos);
            let target = target.ok_or_else(|| {
                err_at(
                    ElfErrorKind::Invalid(String::from("call target was not placed")),
                    section,
                    insn,
                )
            })?;
            let rel = target as i64 - (f.pos as i64 + 1);
            let imm = i32::try_from(rel).map_err(|_| {
                err_at(
                    ElfErrorKind::Invalid(format!("call distance {rel}")),
                    section,
                    insn,
                )
            })?;
            if let Some(slot) = self.out.get_mut(f.pos) {
                slot.imm = imm;
            }
        }
        Ok(())
    }

    /// Applies the CO-RE records of every placed function.
    fn core_relocate(&mut self) -> Result<(), ElfError> {
        let obj = self.obj;
        for p in &self.placed {
            let name = self.section_name(p.section);
            let Some(ext) = obj.ext.section(name) else {
                continue;
            };
            for rec in &ext.core {
                let insn = (rec.insn_off / 8) as usize;
                if rec.insn_off % 8 != 0 || insn < p.start || insn >= p.start + p.len {
                    continue;
                }
                let pos = p.pos + (insn - p.start);
                let btf = obj.btf.as_ref().ok_or_else(|| {
                    err_at(
                        ElfErrorKind::Invalid(String::from("CO-RE relocation without .BTF")),
                        name,
                        insn,
                    )
                })?;
                core_relo::apply(btf, rec, &mut self.out, pos)
                    .map_err(|kind| err_at(kind, name, insn))?;
            }
        }
        Ok(())
    }

    /// Per output slot, the C line in force there.
    fn line_info(&self) -> Vec<Option<LineInfo>> {
        let mut lines: Vec<Option<LineInfo>> = alloc::vec![None; self.out.len()];
        for p in &self.placed {
            let Some(ext) = self.obj.ext.section(self.section_name(p.section)) else {
                continue;
            };
            let mut recs: Vec<_> = ext
                .lines
                .iter()
                .filter(|l| {
                    let i = (l.insn_off / 8) as usize;
                    l.insn_off % 8 == 0 && i >= p.start && i < p.start + p.len
                })
                .collect();
            recs.sort_by_key(|l| l.insn_off);
            let mut current: Option<LineInfo> = None;
            let mut next = recs.iter().peekable();
            for k in 0..p.len {
                while let Some(rec) = next.next_if(|l| (l.insn_off / 8) as usize <= p.start + k) {
                    current = Some(LineInfo {
                        file: rec.file.clone(),
                        line: rec.line,
                        column: rec.column,
                        text: rec.text.clone(),
                    });
                }
                if let Some(slot) = lines.get_mut(p.pos + k) {
                    slot.clone_from(&current);
                }
            }
        }
        lines
    }
}
