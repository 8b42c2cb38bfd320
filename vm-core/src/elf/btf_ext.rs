//! A reader for `.BTF.ext`: per-section function info, line info and CO-RE
//! relocation records, with instruction offsets in bytes from the start of
//! their ELF section.

use alloc::string::String;
use alloc::vec::Vec;

use super::btf::{Btf, TypeId};
use super::error::{ElfError, ElfErrorKind, Reader};

/// A line record (`bpf_line_info`), strings already looked up.
#[derive(Clone, Debug)]
pub(crate) struct LineRecord {
    pub insn_off: u32,
    pub file: String,
    pub text: String,
    pub line: u32,
    pub column: u32,
}

/// A CO-RE relocation record (`bpf_core_relo`).
#[derive(Clone, Debug)]
pub(crate) struct CoreRelo {
    pub insn_off: u32,
    pub type_id: TypeId,
    pub access: String,
    pub kind: u32,
}

/// The records of one ELF section.
#[derive(Clone, Debug, Default)]
pub(crate) struct SectionExt {
    pub lines: Vec<LineRecord>,
    pub core: Vec<CoreRelo>,
}

/// The parsed `.BTF.ext`, keyed by section name.
#[derive(Clone, Debug, Default)]
pub(crate) struct BtfExt {
    pub sections: Vec<(String, SectionExt)>,
}

impl BtfExt {
    /// The records of section `name` (empty when it has none).
    pub(crate) fn section(&self, name: &str) -> Option<&SectionExt> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
    }

    fn entry(&mut self, name: String) -> &mut SectionExt {
        let idx = match self.sections.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                self.sections.push((name, SectionExt::default()));
                self.sections.len() - 1
            }
        };
        &mut self.sections[idx].1
    }

    /// Parses `.BTF.ext`; strings are looked up in `btf`.
    pub(crate) fn parse(data: &[u8], btf: &Btf) -> Result<BtfExt, ElfError> {
        BtfExt::parse_inner(data, btf).map_err(|e| e.or_section(".BTF.ext"))
    }

    fn parse_inner(data: &[u8], btf: &Btf) -> Result<BtfExt, ElfError> {
        let mut hdr = Reader::new(data, 0);
        let magic = hdr.u16("BTF.ext header")?;
        if magic != 0xeb9f {
            return Err(ElfError::at(
                ElfErrorKind::Invalid(alloc::format!("BTF.ext magic {magic:#06x}")),
                ".BTF.ext",
                0,
            ));
        }
        let _version = hdr.u8("BTF.ext header")?;
        let _flags = hdr.u8("BTF.ext header")?;
        let hdr_len = hdr.u32("BTF.ext header")? as usize;
        let func_off = hdr.u32("BTF.ext header")?;
        let func_len = hdr.u32("BTF.ext header")?;
        let line_off = hdr.u32("BTF.ext header")?;
        let line_len = hdr.u32("BTF.ext header")?;
        let (core_off, core_len) = if hdr_len >= 32 {
            (hdr.u32("BTF.ext header")?, hdr.u32("BTF.ext header")?)
        } else {
            (0, 0)
        };
        let mut ext = BtfExt::default();
        let sub = |off: u32, len: u32, what: &str| -> Result<Reader<'_>, ElfError> {
            let start = hdr_len.checked_add(off as usize);
            let end = start.and_then(|s| s.checked_add(len as usize));
            match (start, end) {
                (Some(s), Some(e)) if e <= data.len() => {
                    Ok(Reader::new(data.get(s..e).unwrap_or_default(), s))
                }
                _ => Err(ElfError::at(
                    ElfErrorKind::Truncated(alloc::format!(
                        "BTF.ext {what} ({len} bytes at {off:#x} after the header)"
                    )),
                    ".BTF.ext",
                    0,
                )),
            }
        };
        if func_len > 0 {
            let mut r = sub(func_off, func_len, "func_info")?;
            parse_records(&mut r, btf, "func_info", 8, |sec, rec| {
                // Function starts are taken from the symbol table; the
                // records are only checked for shape.
                let mut rec = Reader::new(rec.0, rec.1);
                rec.u32("func_info record")?;
                rec.u32("func_info record")?;
                let _ = sec;
                Ok(())
            })?;
        }
        if line_len > 0 {
            let mut r = sub(line_off, line_len, "line_info")?;
            parse_records(&mut r, btf, "line_info", 16, |sec, rec| {
                let mut rec = Reader::new(rec.0, rec.1);
                let insn_off = rec.u32("line_info record")?;
                let file = btf.string(rec.u32("line_info record")?)?;
                let text = btf.string(rec.u32("line_info record")?)?;
                let line_col = rec.u32("line_info record")?;
                ext.entry(sec).lines.push(LineRecord {
                    insn_off,
                    file,
                    text,
                    line: line_col >> 10,
                    column: line_col & 0x3ff,
                });
                Ok(())
            })?;
        }
        if core_len > 0 {
            let mut r = sub(core_off, core_len, "core_relo")?;
            parse_records(&mut r, btf, "core_relo", 16, |sec, rec| {
                let mut rec = Reader::new(rec.0, rec.1);
                let insn_off = rec.u32("core_relo record")?;
                let type_id = rec.u32("core_relo record")?;
                let access = btf.string(rec.u32("core_relo record")?)?;
                let kind = rec.u32("core_relo record")?;
                ext.entry(sec).core.push(CoreRelo {
                    insn_off,
                    type_id,
                    access,
                    kind,
                });
                Ok(())
            })?;
        }
        Ok(ext)
    }
}

/// Walks one info block: `rec_size`, then per section `sec_name_off`,
/// `num_info` and `num_info` records of `rec_size` bytes (at least `min_size`).
fn parse_records<'a>(
    r: &mut Reader<'a>,
    btf: &Btf,
    what: &str,
    min_size: u32,
    mut each: impl FnMut(String, (&'a [u8], usize)) -> Result<(), ElfError>,
) -> Result<(), ElfError> {
    let at = r.offset();
    let rec_size = r.u32(what)?;
    if rec_size < min_size {
        return Err(ElfError::at(
            ElfErrorKind::Invalid(alloc::format!(
                "{what} record size {rec_size} (at least {min_size})"
            )),
            ".BTF.ext",
            at as u64,
        ));
    }
    while r.remaining() > 0 {
        let sec = btf.string(r.u32(what)?)?;
        let n = r.u32(what)?;
        for _ in 0..n {
            let at = r.offset();
            let bytes = r.bytes(rec_size as usize, what)?;
            each(sec.clone(), (bytes, at))?;
        }
    }
    Ok(())
}
