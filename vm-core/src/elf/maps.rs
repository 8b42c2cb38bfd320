//! Map definitions of an object: BTF-defined maps in `.maps`, legacy
//! `struct bpf_map_def` entries in `maps`, and the global-data sections
//! (`.rodata`, `.data`, `.bss`) as single-entry arrays, in libbpf's order.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::btf::{Btf, BtfType};
use super::error::{le_u32, ElfError, ElfErrorKind};
use super::{Section, Sym};
use crate::program::{MapDef, MapType};

pub(crate) use crate::program::BPF_F_RDONLY_PROG;
/// `BPF_F_MMAPABLE`: user space may mmap the array.
pub(crate) const BPF_F_MMAPABLE: u32 = 1 << 10;

/// Where a map lives in the object, for resolving relocations to it.
#[derive(Clone, Debug)]
pub(crate) enum MapSite {
    /// A map definition at `offset` in section `section` (`.maps` or `maps`).
    Def {
        section: usize,
        offset: u64,
        map: usize,
    },
    /// A whole global-data section.
    Data { section: usize, map: usize },
}

/// Is `name` a section libbpf turns into a global-data map?
pub(crate) fn is_data_section(name: &str) -> bool {
    [".rodata", ".data", ".bss"].iter().any(|base| {
        name == *base
            || name
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

fn map_type(id: u32, name: &str, section: &str, offset: u64) -> Result<MapType, ElfError> {
    MapType::from_id(id).ok_or_else(|| {
        ElfError::at(
            ElfErrorKind::Unsupported(format!("map type {id} of map '{name}'")),
            section,
            offset,
        )
    })
}

/// Collects every map of the object.
pub(crate) fn collect(
    sections: &[Section],
    symbols: &[Sym],
    btf: Option<&Btf>,
) -> Result<(Vec<MapDef>, Vec<MapSite>), ElfError> {
    let mut maps = Vec::new();
    let mut sites = Vec::new();
    for (idx, sec) in sections.iter().enumerate() {
        if sec.name == "maps" {
            legacy_maps(idx, sec, symbols, &mut maps, &mut sites)?;
        }
    }
    for (idx, sec) in sections.iter().enumerate() {
        if sec.name == ".maps" {
            let btf = btf.ok_or_else(|| {
                ElfError::in_section(
                    ElfErrorKind::Invalid(String::from(
                        "BTF-defined maps without a .BTF section (compile with -g)",
                    )),
                    ".maps",
                )
            })?;
            btf_maps(idx, sec, symbols, btf, &mut maps, &mut sites)?;
        }
    }
    for (idx, sec) in sections.iter().enumerate() {
        if !sec.exec && is_data_section(&sec.name) && sec.size > 0 {
            let value_size = u32::try_from(sec.size).map_err(|_| {
                ElfError::in_section(
                    ElfErrorKind::Unsupported(format!("global data of {} bytes", sec.size)),
                    &sec.name,
                )
            })?;
            let initial = if sec.nobits {
                vec![0; value_size as usize]
            } else {
                sec.data.clone()
            };
            let mut flags = BPF_F_MMAPABLE;
            if sec.name.starts_with(".rodata") {
                flags |= BPF_F_RDONLY_PROG;
            }
            sites.push(MapSite::Data {
                section: idx,
                map: maps.len(),
            });
            maps.push(MapDef {
                name: sec.name.clone(),
                map_type: MapType::Array,
                key_size: 4,
                value_size,
                max_entries: 1,
                flags,
                initial_value: Some(initial),
                initial_entries: Vec::new(),
            });
        }
    }
    Ok((maps, sites))
}

/// `struct bpf_map_def { type, key_size, value_size, max_entries, map_flags }`,
/// one per symbol, each taking section size / symbol count bytes (as libbpf).
fn legacy_maps(
    idx: usize,
    sec: &Section,
    symbols: &[Sym],
    maps: &mut Vec<MapDef>,
    sites: &mut Vec<MapSite>,
) -> Result<(), ElfError> {
    let mut syms: Vec<&Sym> = symbols
        .iter()
        .filter(|s| s.section == Some(idx) && s.st_type != super::STT_SECTION && !s.name.is_empty())
        .collect();
    syms.sort_by_key(|s| s.value);
    if syms.is_empty() {
        return Ok(());
    }
    let def_size = sec.data.len() / syms.len();
    if def_size < 16 {
        return Err(ElfError::in_section(
            ElfErrorKind::Invalid(format!(
                "map definitions of {def_size} bytes ({} bytes for {} maps)",
                sec.data.len(),
                syms.len()
            )),
            "maps",
        ));
    }
    for sym in syms {
        let off = usize::try_from(sym.value).unwrap_or(usize::MAX);
        let def = off
            .checked_add(def_size)
            .and_then(|end| sec.data.get(off..end))
            .ok_or_else(|| {
                ElfError::at(
                    ElfErrorKind::Truncated(format!("map definition '{}'", sym.name)),
                    "maps",
                    sym.value,
                )
            })?;
        let field = |i: usize| le_u32(def, i * 4).unwrap_or(0);
        if def
            .get(20..)
            .is_some_and(|rest| rest.iter().any(|b| *b != 0))
        {
            return Err(ElfError::at(
                ElfErrorKind::Unsupported(format!(
                    "map definition '{}': fields past map_flags (id, pinning, ...)",
                    sym.name
                )),
                "maps",
                sym.value,
            ));
        }
        sites.push(MapSite::Def {
            section: idx,
            offset: sym.value,
            map: maps.len(),
        });
        maps.push(MapDef {
            name: sym.name.clone(),
            map_type: map_type(field(0), &sym.name, "maps", sym.value)?,
            key_size: field(1),
            value_size: field(2),
            max_entries: field(3),
            flags: field(4),
            initial_value: None,
            initial_entries: Vec::new(),
        });
    }
    Ok(())
}

/// BTF-defined maps: each variable of the `.maps` DATASEC is a struct whose
/// members encode the attributes (`__uint(name, n)` is `int (*name)[n]`,
/// `__type(name, T)` is `T *name`).
fn btf_maps(
    idx: usize,
    sec: &Section,
    symbols: &[Sym],
    btf: &Btf,
    maps: &mut Vec<MapDef>,
    sites: &mut Vec<MapSite>,
) -> Result<(), ElfError> {
    let vars = btf.datasec(".maps").ok_or_else(|| {
        ElfError::in_section(
            ElfErrorKind::Invalid(String::from("no BTF DATASEC describes .maps")),
            ".maps",
        )
    })?;
    for var in vars {
        let (name, target) = match btf.get(var.type_id) {
            Some(BtfType::Var { name, target }) => (name.clone(), *target),
            _ => {
                return Err(ElfError::at(
                    ElfErrorKind::Invalid(format!(
                        "BTF .maps entry type {} is not a variable",
                        var.type_id
                    )),
                    ".maps",
                    u64::from(var.offset),
                ))
            }
        };
        // clang leaves DATASEC offsets for the loader to fill in from the
        // symbol table, as libbpf does.
        let at = symbols
            .iter()
            .find(|s| s.section == Some(idx) && s.name == name)
            .map_or(u64::from(var.offset), |s| s.value);
        let err = |kind: ElfErrorKind| ElfError::at(kind, ".maps", at);
        if at.saturating_add(u64::from(var.size)) > sec.size {
            return Err(err(ElfErrorKind::Truncated(format!(
                "map definition '{name}' lies outside .maps"
            ))));
        }
        let members = match btf.resolve(target)?.1 {
            BtfType::Struct { members, .. } => members,
            _ => {
                return Err(err(ElfErrorKind::Invalid(format!(
                    "map '{name}' is not defined by a struct"
                ))))
            }
        };
        let mut def = MapDef {
            name: name.clone(),
            map_type: MapType::Array,
            key_size: 0,
            value_size: 0,
            max_entries: 0,
            flags: 0,
            initial_value: None,
            initial_entries: Vec::new(),
        };
        let mut type_id = None;
        for m in members {
            // `__uint(attr, n)`: pointer to an array of n ints.
            let uint = || -> Result<u32, ElfError> {
                match btf.resolve(m.type_id)?.1 {
                    BtfType::Ptr { target } => match btf.resolve(*target)?.1 {
                        BtfType::Array { nelems, .. } => Ok(*nelems),
                        _ => Err(err(ElfErrorKind::Invalid(format!(
                            "map '{name}' attribute '{}' is not __uint()",
                            m.name
                        )))),
                    },
                    _ => Err(err(ElfErrorKind::Invalid(format!(
                        "map '{name}' attribute '{}' is not a pointer",
                        m.name
                    )))),
                }
            };
            // `__type(attr, T)`: pointer to T.
            let pointee_size = || -> Result<u32, ElfError> {
                match btf.resolve(m.type_id)?.1 {
                    BtfType::Ptr { target } => btf.size_of(*target),
                    _ => Err(err(ElfErrorKind::Invalid(format!(
                        "map '{name}' attribute '{}' is not __type()",
                        m.name
                    )))),
                }
            };
            match m.name.as_str() {
                "type" => type_id = Some(uint()?),
                "max_entries" => def.max_entries = uint()?,
                "map_flags" => def.flags = uint()?,
                "key_size" => def.key_size = uint()?,
                "value_size" => def.value_size = uint()?,
                "key" => def.key_size = pointee_size()?,
                "value" => def.value_size = pointee_size()?,
                // Placement and pinning do not change what the program sees.
                "numa_node" | "pinning" => {
                    uint()?;
                }
                "map_extra" => {
                    if uint()? != 0 {
                        return Err(err(ElfErrorKind::Unsupported(format!(
                            "map '{name}': map_extra"
                        ))));
                    }
                }
                other => {
                    return Err(err(ElfErrorKind::Unsupported(format!(
                        "map '{name}' attribute '{other}'"
                    ))))
                }
            }
        }
        let id = type_id.ok_or_else(|| {
            err(ElfErrorKind::Invalid(format!(
                "map '{name}' has no type attribute"
            )))
        })?;
        def.map_type = map_type(id, &name, ".maps", at)?;
        sites.push(MapSite::Def {
            section: idx,
            offset: at,
            map: maps.len(),
        });
        maps.push(def);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_sections_as_libbpf_names_them() {
        assert!(is_data_section(".rodata"));
        assert!(is_data_section(".rodata.str1.1"));
        assert!(is_data_section(".data.counters"));
        assert!(is_data_section(".bss"));
        assert!(!is_data_section(".database"));
        assert!(!is_data_section(".maps"));
    }
}
