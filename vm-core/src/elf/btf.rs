//! A small reader for the `.BTF` section: the type graph and string table,
//! enough to size map keys and values, read BTF-defined map attributes, name
//! functions and resolve CO-RE access strings.

use alloc::string::String;
use alloc::vec::Vec;

use super::error::{ElfError, ElfErrorKind, Reader};

const BTF_MAGIC: u16 = 0xeb9f;
/// How many typedef/modifier/array hops a resolution may take before the
/// type graph is declared cyclic.
const MAX_DEPTH: u32 = 32;

/// A BTF type id; 0 is `void`.
pub(crate) type TypeId = u32;

/// A struct or union member.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub name: String,
    pub type_id: TypeId,
    /// Offset in bits from the start of the struct.
    pub bit_offset: u32,
    /// Bitfield width in bits, 0 when the member is not a bitfield.
    pub bitfield_size: u32,
}

/// One BTF type, as much of it as the loader uses.
#[derive(Clone, Debug)]
pub(crate) enum BtfType {
    /// `BTF_KIND_INT`.
    Int { name: String, size: u32 },
    /// `BTF_KIND_PTR`.
    Ptr { target: TypeId },
    /// `BTF_KIND_ARRAY`.
    Array { elem: TypeId, nelems: u32 },
    /// `BTF_KIND_STRUCT` / `BTF_KIND_UNION`.
    Struct {
        name: String,
        size: u32,
        members: Vec<Member>,
        union: bool,
    },
    /// `BTF_KIND_ENUM` / `BTF_KIND_ENUM64`.
    Enum { name: String, size: u32 },
    /// `BTF_KIND_FWD`.
    Fwd { name: String },
    /// `BTF_KIND_TYPEDEF`.
    Typedef { name: String, target: TypeId },
    /// `VOLATILE`, `CONST`, `RESTRICT`, `TYPE_TAG`: transparent for sizes.
    Modifier { target: TypeId },
    /// `BTF_KIND_FUNC`.
    Func { name: String },
    /// `BTF_KIND_FUNC_PROTO`.
    FuncProto,
    /// `BTF_KIND_VAR`.
    Var { name: String, target: TypeId },
    /// `BTF_KIND_DATASEC`: the variables of an ELF section.
    Datasec { name: String, vars: Vec<DatasecVar> },
    /// `BTF_KIND_FLOAT`.
    Float { name: String, size: u32 },
    /// `BTF_KIND_DECL_TAG`: ignored.
    DeclTag,
}

/// A variable of a [`BtfType::Datasec`].
#[derive(Clone, Debug)]
pub(crate) struct DatasecVar {
    pub type_id: TypeId,
    pub offset: u32,
    pub size: u32,
}

/// The parsed `.BTF` section.
#[derive(Clone, Debug, Default)]
pub(crate) struct Btf {
    /// `types[i]` is type id `i + 1`.
    types: Vec<BtfType>,
    strings: Vec<u8>,
}

fn invalid(what: String) -> ElfError {
    ElfError::in_section(ElfErrorKind::Invalid(what), ".BTF")
}

impl Btf {
    /// Parses a `.BTF` section.
    pub(crate) fn parse(data: &[u8]) -> Result<Btf, ElfError> {
        Btf::parse_inner(data).map_err(|e| e.or_section(".BTF"))
    }

    fn parse_inner(data: &[u8]) -> Result<Btf, ElfError> {
        let mut hdr = Reader::new(data, 0);
        let magic = hdr.u16("BTF header")?;
        if magic != BTF_MAGIC {
            return Err(ElfError::at(
                ElfErrorKind::Invalid(alloc::format!(
                    "BTF magic {magic:#06x} (big-endian BTF is not supported)"
                )),
                ".BTF",
                0,
            ));
        }
        let _version = hdr.u8("BTF header")?;
        let _flags = hdr.u8("BTF header")?;
        let hdr_len = hdr.u32("BTF header")? as usize;
        let type_off = hdr.u32("BTF header")? as usize;
        let type_len = hdr.u32("BTF header")? as usize;
        let str_off = hdr.u32("BTF header")? as usize;
        let str_len = hdr.u32("BTF header")? as usize;
        let body = data.get(hdr_len..).ok_or_else(|| {
            ElfError::at(
                ElfErrorKind::Truncated(alloc::format!("BTF header of {hdr_len} bytes")),
                ".BTF",
                0,
            )
        })?;
        let slice = |off: usize, len: usize, what: &str| {
            off.checked_add(len)
                .and_then(|end| body.get(off..end))
                .ok_or_else(|| {
                    ElfError::at(
                        ElfErrorKind::Truncated(alloc::format!(
                            "BTF {what} ({len} bytes at {off:#x} after the header)"
                        )),
                        ".BTF",
                        hdr_len as u64,
                    )
                })
        };
        let type_bytes = slice(type_off, type_len, "type section")?;
        let strings = slice(str_off, str_len, "string section")?.to_vec();
        let mut btf = Btf {
            types: Vec::new(),
            strings,
        };
        let mut r = Reader::new(type_bytes, hdr_len.wrapping_add(type_off));
        while r.remaining() > 0 {
            let ty = btf.parse_type(&mut r)?;
            btf.types.push(ty);
        }
        Ok(btf)
    }

    fn parse_type(&self, r: &mut Reader<'_>) -> Result<BtfType, ElfError> {
        let at = r.offset();
        let name_off = r.u32("BTF type")?;
        let info = r.u32("BTF type")?;
        let size_or_type = r.u32("BTF type")?;
        let vlen = (info & 0xffff) as usize;
        let kind = (info >> 24) & 0x1f;
        let kind_flag = info >> 31 == 1;
        let name = || self.string(name_off);
        Ok(match kind {
            1 => {
                let _encoding = r.u32("BTF int")?;
                BtfType::Int {
                    name: name()?,
                    size: size_or_type,
                }
            }
            2 => BtfType::Ptr {
                target: size_or_type,
            },
            3 => {
                let elem = r.u32("BTF array")?;
                let _index = r.u32("BTF array")?;
                let nelems = r.u32("BTF array")?;
                BtfType::Array { elem, nelems }
            }
            4 | 5 => {
                let mut members = Vec::with_capacity(vlen.min(r.remaining() / 12));
                for _ in 0..vlen {
                    let m_name = r.u32("BTF member")?;
                    let type_id = r.u32("BTF member")?;
                    let off = r.u32("BTF member")?;
                    let (bit_offset, bitfield_size) = if kind_flag {
                        (off & 0xff_ffff, off >> 24)
                    } else {
                        (off, 0)
                    };
                    members.push(Member {
                        name: self.string(m_name)?,
                        type_id,
                        bit_offset,
                        bitfield_size,
                    });
                }
                BtfType::Struct {
                    name: name()?,
                    size: size_or_type,
                    members,
                    union: kind == 5,
                }
            }
            6 => {
                r.bytes(vlen.saturating_mul(8), "BTF enum values")?;
                BtfType::Enum {
                    name: name()?,
                    size: size_or_type,
                }
            }
            19 => {
                r.bytes(vlen.saturating_mul(12), "BTF enum64 values")?;
                BtfType::Enum {
                    name: name()?,
                    size: size_or_type,
                }
            }
            7 => BtfType::Fwd { name: name()? },
            8 => BtfType::Typedef {
                name: name()?,
                target: size_or_type,
            },
            9 | 10 | 11 | 18 => BtfType::Modifier {
                target: size_or_type,
            },
            12 => BtfType::Func { name: name()? },
            13 => {
                r.bytes(vlen.saturating_mul(8), "BTF function parameters")?;
                BtfType::FuncProto
            }
            14 => {
                let _linkage = r.u32("BTF var")?;
                BtfType::Var {
                    name: name()?,
                    target: size_or_type,
                }
            }
            15 => {
                let mut vars = Vec::with_capacity(vlen.min(r.remaining() / 12));
                for _ in 0..vlen {
                    vars.push(DatasecVar {
                        type_id: r.u32("BTF datasec var")?,
                        offset: r.u32("BTF datasec var")?,
                        size: r.u32("BTF datasec var")?,
                    });
                }
                BtfType::Datasec {
                    name: name()?,
                    vars,
                }
            }
            16 => BtfType::Float {
                name: name()?,
                size: size_or_type,
            },
            17 => {
                let _component = r.u32("BTF decl tag")?;
                BtfType::DeclTag
            }
            k => {
                return Err(ElfError::at(
                    ElfErrorKind::Invalid(alloc::format!("BTF type kind {k}")),
                    ".BTF",
                    at as u64,
                ))
            }
        })
    }

    /// The string at `off` in the string section.
    pub(crate) fn string(&self, off: u32) -> Result<String, ElfError> {
        let tail = self
            .strings
            .get(off as usize..)
            .ok_or_else(|| invalid(alloc::format!("BTF string offset {off:#x}")))?;
        let end = tail.iter().position(|b| *b == 0).ok_or_else(|| {
            invalid(alloc::format!(
                "BTF string at {off:#x} (no terminating NUL)"
            ))
        })?;
        Ok(String::from_utf8_lossy(tail.get(..end).unwrap_or_default()).into_owned())
    }

    /// The type with id `id` (`None` for `void` and ids out of range).
    pub(crate) fn get(&self, id: TypeId) -> Option<&BtfType> {
        self.types.get((id as usize).checked_sub(1)?)
    }

    fn must_get(&self, id: TypeId) -> Result<&BtfType, ElfError> {
        self.get(id)
            .ok_or_else(|| invalid(alloc::format!("BTF type id {id}")))
    }

    /// Follows typedefs and modifiers to the type they name.
    pub(crate) fn resolve(&self, mut id: TypeId) -> Result<(TypeId, &BtfType), ElfError> {
        for _ in 0..MAX_DEPTH {
            match self.must_get(id)? {
                BtfType::Typedef { target, .. } | BtfType::Modifier { target } => id = *target,
                t => return Ok((id, t)),
            }
        }
        Err(invalid(alloc::format!("BTF type {id}: reference cycle")))
    }

    /// The size in bytes of type `id`, as `sizeof` would give it.
    pub(crate) fn size_of(&self, id: TypeId) -> Result<u32, ElfError> {
        let mut id = id;
        let mut mul: u32 = 1;
        for _ in 0..MAX_DEPTH {
            let size = match self.resolve(id)?.1 {
                BtfType::Int { size, .. }
                | BtfType::Struct { size, .. }
                | BtfType::Enum { size, .. }
                | BtfType::Float { size, .. } => *size,
                BtfType::Ptr { .. } => 8,
                BtfType::Var { target, .. } => {
                    id = *target;
                    continue;
                }
                BtfType::Array { elem, nelems } => {
                    mul = mul.checked_mul(*nelems).ok_or_else(|| {
                        invalid(alloc::format!("BTF type {id}: array size overflows"))
                    })?;
                    id = *elem;
                    continue;
                }
                other => {
                    return Err(invalid(alloc::format!(
                        "BTF type {id}: {} has no size",
                        kind_name(other)
                    )))
                }
            };
            return size
                .checked_mul(mul)
                .ok_or_else(|| invalid(alloc::format!("BTF type {id}: size overflows")));
        }
        Err(invalid(alloc::format!("BTF type {id}: reference cycle")))
    }

    /// The name of a named type (struct, typedef, func, var, ...), empty otherwise.
    pub(crate) fn name_of(&self, id: TypeId) -> &str {
        match self.get(id) {
            Some(
                BtfType::Int { name, .. }
                | BtfType::Struct { name, .. }
                | BtfType::Enum { name, .. }
                | BtfType::Fwd { name }
                | BtfType::Typedef { name, .. }
                | BtfType::Func { name }
                | BtfType::Var { name, .. }
                | BtfType::Datasec { name, .. }
                | BtfType::Float { name, .. },
            ) => name,
            _ => "",
        }
    }

    /// The `DATASEC` describing ELF section `section`, if any.
    pub(crate) fn datasec(&self, section: &str) -> Option<&[DatasecVar]> {
        self.types.iter().find_map(|t| match t {
            BtfType::Datasec { name, vars } if name == section => Some(vars.as_slice()),
            _ => None,
        })
    }
}

/// The kernel's name for the kind of `t`, for messages.
pub(crate) fn kind_name(t: &BtfType) -> &'static str {
    match t {
        BtfType::Int { .. } => "int",
        BtfType::Ptr { .. } => "ptr",
        BtfType::Array { .. } => "array",
        BtfType::Struct { union: false, .. } => "struct",
        BtfType::Struct { union: true, .. } => "union",
        BtfType::Enum { .. } => "enum",
        BtfType::Fwd { .. } => "fwd",
        BtfType::Typedef { .. } => "typedef",
        BtfType::Modifier { .. } => "modifier",
        BtfType::Func { .. } => "func",
        BtfType::FuncProto => "func_proto",
        BtfType::Var { .. } => "var",
        BtfType::Datasec { .. } => "datasec",
        BtfType::Float { .. } => "float",
        BtfType::DeclTag => "decl_tag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    /// Builds a BTF section from raw type words and a string table.
    fn build(types: &[u32], strings: &[u8]) -> Vec<u8> {
        let mut out = vec![0x9f, 0xeb, 1, 0];
        let type_len = (types.len() * 4) as u32;
        for w in [24, 0, type_len, type_len, strings.len() as u32] {
            out.extend_from_slice(&u32::to_le_bytes(w));
        }
        for w in types {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(strings);
        out
    }

    #[test]
    fn sizes_follow_typedefs_and_arrays() {
        // 1: int "u32" size 4; 2: typedef "key_t" -> 1; 3: array of 2 x 6 elems; 4: const -> 3
        let strings = b"\0u32\0key_t\0";
        let types = [
            1,
            1 << 24,
            4,
            32,
            5,
            8 << 24,
            1,
            0,
            3 << 24,
            0,
            2,
            1,
            6,
            0,
            10 << 24,
            3,
        ];
        let btf = Btf::parse(&build(&types, strings)).unwrap();
        assert_eq!(btf.size_of(1).unwrap(), 4);
        assert_eq!(btf.size_of(2).unwrap(), 4);
        assert_eq!(btf.size_of(3).unwrap(), 24);
        assert_eq!(btf.size_of(4).unwrap(), 24);
        assert_eq!(btf.name_of(2), "key_t");
        assert!(btf.size_of(9).is_err());
    }

    #[test]
    fn cycles_and_bad_kinds_are_errors() {
        // 1: typedef -> 2; 2: const -> 1
        let strings = b"\0t\0";
        let types = [1, 8 << 24, 2, 0, 10 << 24, 1];
        let btf = Btf::parse(&build(&types, strings)).unwrap();
        assert!(btf.resolve(1).is_err());
        let bad = Btf::parse(&build(&[0, 30 << 24, 0], strings)).unwrap_err();
        assert!(bad.to_string().contains("BTF type kind 30"), "{bad}");
        let short = Btf::parse(&build(&[0, 3 << 24, 0, 1], strings)).unwrap_err();
        assert!(short.to_string().contains("truncated BTF array"), "{short}");
    }
}
