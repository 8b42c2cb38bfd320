//! [`ElfError`]: what went wrong loading an object, and where.

use alloc::string::String;
use core::fmt;

/// Why an object could not be loaded. Callers match on this; people read
/// [`ElfError`]'s `Display`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElfErrorKind {
    /// The bytes are not a well-formed ELF file (the `object` crate's reason).
    Malformed(String),
    /// An ELF file, but not a little-endian 64-bit eBPF one (`e_machine` 247).
    NotBpf(String),
    /// A structure (BTF, BTF.ext, map definition, instruction) is cut short or
    /// points outside its section.
    Truncated(String),
    /// A value in the object makes no sense (bad magic, unknown kind, bad index).
    Invalid(String),
    /// A relocation of a kind, or against a symbol, the loader does not handle.
    UnsupportedRelocation(String),
    /// A feature of the object this VM does not support (map type, program
    /// type, CO-RE relocation kind, extern symbol, ...).
    Unsupported(String),
    /// No program with the name or section asked for.
    NoSuchProgram(String),
    /// The instructions do not decode.
    Decode(String),
}

/// An error loading an ELF object, naming what went wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfError {
    /// What went wrong.
    pub kind: ElfErrorKind,
    /// The section it was found in, if it belongs to one.
    pub section: Option<String>,
    /// The byte offset in that section (or in the file when there is no section).
    pub offset: Option<u64>,
}

impl ElfError {
    /// An error with no location.
    pub fn new(kind: ElfErrorKind) -> ElfError {
        ElfError {
            kind,
            section: None,
            offset: None,
        }
    }

    /// An error found in `section` at byte `offset`.
    pub fn at(kind: ElfErrorKind, section: &str, offset: u64) -> ElfError {
        ElfError {
            kind,
            section: Some(String::from(section)),
            offset: Some(offset),
        }
    }

    /// An error about `section` as a whole.
    pub fn in_section(kind: ElfErrorKind, section: &str) -> ElfError {
        ElfError {
            kind,
            section: Some(String::from(section)),
            offset: None,
        }
    }

    /// Adds the section name when the error has none yet.
    pub(crate) fn or_section(mut self, section: &str) -> ElfError {
        if self.section.is_none() {
            self.section = Some(String::from(section));
        }
        self
    }
}

impl fmt::Display for ElfErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElfErrorKind::Malformed(why) => write!(f, "malformed ELF: {why}"),
            ElfErrorKind::NotBpf(why) => write!(f, "not an eBPF object: {why}"),
            ElfErrorKind::Truncated(what) => write!(f, "truncated {what}"),
            ElfErrorKind::Invalid(what) => write!(f, "invalid {what}"),
            ElfErrorKind::UnsupportedRelocation(what) => {
                write!(f, "unsupported relocation {what}")
            }
            ElfErrorKind::Unsupported(what) => write!(f, "unsupported {what}"),
            ElfErrorKind::NoSuchProgram(what) => write!(f, "no program {what} in the object"),
            ElfErrorKind::Decode(what) => write!(f, "bad instruction: {what}"),
        }
    }
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.section, self.offset) {
            (Some(s), Some(o)) => write!(f, "section {s}, offset {o:#x}: {}", self.kind),
            (Some(s), None) => write!(f, "section {s}: {}", self.kind),
            (None, Some(o)) => write!(f, "offset {o:#x}: {}", self.kind),
            (None, None) => write!(f, "{}", self.kind),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ElfError {}

impl From<object::read::Error> for ElfError {
    fn from(e: object::read::Error) -> ElfError {
        ElfError::new(ElfErrorKind::Malformed(alloc::string::ToString::to_string(
            &e,
        )))
    }
}

/// A little-endian reader over a byte slice that reports what it was reading
/// when the slice ends; BTF and BTF.ext are parsed with it.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    /// Where `bytes` starts in the section, for error offsets.
    base: usize,
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Reader<'a> {
        Reader {
            bytes,
            base,
            pos: 0,
        }
    }

    /// Offset of the next byte in the section.
    pub(crate) fn offset(&self) -> usize {
        self.base.wrapping_add(self.pos)
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    pub(crate) fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8], ElfError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|end| self.bytes.get(self.pos..end)) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(ElfError {
                kind: ElfErrorKind::Truncated(alloc::format!(
                    "{what}: needs {n} bytes, {} left",
                    self.remaining()
                )),
                section: None,
                offset: Some(self.offset() as u64),
            }),
        }
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, ElfError> {
        let b = self.bytes(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn u16(&mut self, what: &str) -> Result<u16, ElfError> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, ElfError> {
        Ok(self.bytes(1, what)?[0])
    }
}

/// Reads a little-endian `u32` at `off` of `bytes`, if it is there.
pub(crate) fn le_u32(bytes: &[u8], off: usize) -> Option<u32> {
    let b = bytes.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}
