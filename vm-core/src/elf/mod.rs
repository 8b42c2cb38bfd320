//! Clang BPF objects -> [`Program`]s, the way libbpf loads them.
//!
//! `clang -target bpf -O2 -g -c prog.c` writes an ELF object: one section per
//! `SEC("...")` holding programs, `.text` holding the subprograms they call,
//! `.maps`/`maps` holding map definitions, `.rodata`/`.data`/`.bss` holding
//! globals, and `.BTF`/`.BTF.ext` holding types, function and line info and
//! CO-RE relocations. [`ElfObject::parse`] reads all of it once;
//! [`ElfObject::load`] links one program: it appends the subprograms it calls,
//! resolves map and global references to indices into [`Program::maps`]
//! (globals are single-entry arrays referenced with `lddw` of kind
//! `MapValue`), applies CO-RE relocations against the context types the VM
//! provides, and records the C source line of every instruction.
//!
//! Every malformed input is an [`ElfError`] naming the section and offset;
//! nothing here panics.
//!
//! ```
//! # use vm_core::elf::ElfObject;
//! let bytes = include_bytes!("../../tests/elf_fixtures/subprog_loop.o");
//! let object = ElfObject::parse(bytes)?;
//! let info = &object.programs()[0];
//! assert_eq!((info.name.as_str(), info.section.as_str()), ("xdp_sum", "xdp"));
//! let program = object.load_by_name("xdp_sum")?;
//! assert_eq!(program.functions.len(), 3); // xdp_sum and the two .text functions
//! assert!(program.c_line(0).is_some());
//! # Ok::<(), vm_core::elf::ElfError>(())
//! ```

mod btf;
mod btf_ext;
mod core_relo;
mod error;
mod link;
mod maps;
mod section_types;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use object::elf::{FileHeader64, EM_BPF, SHF_EXECINSTR, SHT_NOBITS, SHT_REL, SHT_RELA, SHT_SYMTAB};
use object::read::elf::{FileHeader, Rel as _, SectionHeader as _, Sym as _};
use object::Endianness;

pub use error::{ElfError, ElfErrorKind};
pub use section_types::{section_kind, SectionKind};

use crate::program::{MapDef, Program};
use btf::Btf;
use btf_ext::BtfExt;
use maps::MapSite;

pub(crate) const STT_FUNC: u8 = 2;
pub(crate) const STT_SECTION: u8 = 3;

/// A program found in the object, as listed for the user to pick from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    /// The function's name (from the symbol table).
    pub name: String,
    /// The ELF section it is in (`xdp`, `tracepoint/syscalls/sys_enter_execve`, ...).
    pub section: String,
    /// What the section name says about the program type.
    pub kind: SectionKind,
    /// Instructions of the function itself, without the subprograms it calls.
    pub insn_count: usize,
}

/// A symbol, with what the loader needs of it.
#[derive(Clone, Debug)]
pub(crate) struct Sym {
    pub name: String,
    /// Section index, `None` for undefined (extern) and absolute symbols.
    pub section: Option<usize>,
    pub value: u64,
    pub size: u64,
    pub st_type: u8,
}

/// A relocation entry of a program section.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reloc {
    pub offset: u64,
    pub sym: usize,
    pub r_type: u32,
}

/// A section, with its bytes kept when a program or a map needs them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Section {
    pub name: String,
    pub exec: bool,
    pub nobits: bool,
    pub size: u64,
    pub data: Vec<u8>,
    pub relocs: Vec<Reloc>,
}

/// A parsed clang BPF object: its programs and maps, ready to link.
#[derive(Clone, Debug)]
pub struct ElfObject {
    sections: Vec<Section>,
    symbols: Vec<Sym>,
    btf: Option<Btf>,
    ext: BtfExt,
    maps: Vec<MapDef>,
    map_sites: Vec<MapSite>,
    programs: Vec<ProgramInfo>,
    license: Option<String>,
}

fn malformed(e: object::read::Error, what: &str) -> ElfError {
    ElfError::new(ElfErrorKind::Malformed(e.to_string())).or_section(what)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The kernel's name of a BPF relocation type.
pub(crate) fn reloc_name(r_type: u32) -> String {
    match r_type {
        0 => String::from("R_BPF_NONE"),
        1 => String::from("R_BPF_64_64"),
        2 => String::from("R_BPF_64_ABS64"),
        3 => String::from("R_BPF_64_ABS32"),
        4 => String::from("R_BPF_64_NODYLD32"),
        10 => String::from("R_BPF_64_32"),
        n => format!("type {n}"),
    }
}

/// Sections whose relocations only matter to linkers and debuggers.
fn is_debug_section(name: &str) -> bool {
    name.starts_with(".debug") || name == ".BTF" || name == ".BTF.ext" || name == ".eh_frame"
}

impl ElfObject {
    /// Reads a clang BPF object (little-endian, `e_machine` EM_BPF).
    pub fn parse(bytes: &[u8]) -> Result<ElfObject, ElfError> {
        let header = FileHeader64::<Endianness>::parse(bytes)
            .map_err(|e| ElfError::new(ElfErrorKind::Malformed(e.to_string())))?;
        let endian = header
            .endian()
            .map_err(|e| ElfError::new(ElfErrorKind::Malformed(e.to_string())))?;
        if endian != Endianness::Little {
            return Err(ElfError::new(ElfErrorKind::NotBpf(String::from(
                "big-endian object (the VM is little-endian; compile with -target bpfel)",
            ))));
        }
        let machine = header.e_machine(endian);
        if machine != EM_BPF {
            return Err(ElfError::new(ElfErrorKind::NotBpf(format!(
                "e_machine is {}, not EM_BPF (247)",
                machine.0
            ))));
        }
        let table = header
            .sections(endian, bytes)
            .map_err(|e| ElfError::new(ElfErrorKind::Malformed(e.to_string())))?;

        let mut sections = Vec::with_capacity(table.len());
        for sh in table.iter() {
            let name = lossy(
                table
                    .section_name(endian, sh)
                    .map_err(|e| malformed(e, "section names"))?,
            );
            let exec = sh.sh_flags(endian).contains(SHF_EXECINSTR);
            let nobits = sh.sh_type(endian) == SHT_NOBITS;
            let size = sh.sh_size(endian);
            let keep = exec || maps::is_data_section(&name) || name == "maps" || name == "license";
            let data = if keep && !nobits {
                sh.data(endian, bytes)
                    .map_err(|e| malformed(e, &name))?
                    .to_vec()
            } else {
                Vec::new()
            };
            sections.push(Section {
                name,
                exec,
                nobits,
                size,
                data,
                relocs: Vec::new(),
            });
        }

        let symtab = table
            .symbols(endian, bytes, SHT_SYMTAB)
            .map_err(|e| malformed(e, ".symtab"))?;
        let mut symbols = Vec::with_capacity(symtab.len());
        for sym in symtab.iter() {
            let name = lossy(
                sym.name(endian, symtab.strings())
                    .map_err(|e| malformed(e, ".strtab"))?,
            );
            let section = sym
                .st_shndx(endian)
                .index()
                .map(usize::from)
                .filter(|i| *i < sections.len());
            symbols.push(Sym {
                name,
                section,
                value: sym.st_value(endian),
                size: sym.st_size(endian),
                st_type: sym.st_type().0,
            });
        }

        for sh in table.iter() {
            let name = table
                .section_name(endian, sh)
                .map(lossy)
                .unwrap_or_default();
            if sh.sh_type(endian) == SHT_RELA {
                return Err(ElfError::in_section(
                    ElfErrorKind::UnsupportedRelocation(String::from(
                        "section type SHT_RELA (clang emits SHT_REL for BPF)",
                    )),
                    &name,
                ));
            }
            if sh.sh_type(endian) != SHT_REL {
                continue;
            }
            let Some((rels, _)) = sh.rel(endian, bytes).map_err(|e| malformed(e, &name))? else {
                continue;
            };
            let target = sh.info_link(endian).0;
            let Some(target_sec) = sections.get(target) else {
                return Err(ElfError::in_section(
                    ElfErrorKind::Invalid(format!("relocation target section index {target}")),
                    &name,
                ));
            };
            let target_name = target_sec.name.clone();
            if is_debug_section(&target_name) {
                continue;
            }
            let mut relocs = Vec::with_capacity(rels.len());
            for (i, rel) in rels.iter().enumerate() {
                let r = Reloc {
                    offset: rel.r_offset(endian),
                    sym: rel.r_sym(endian) as usize,
                    r_type: rel.r_type(endian).0,
                };
                if r.sym >= symbols.len() {
                    return Err(ElfError::at(
                        ElfErrorKind::Invalid(format!("relocation symbol index {}", r.sym)),
                        &name,
                        (i as u64).wrapping_mul(16),
                    ));
                }
                relocs.push(r);
            }
            let target_sec = &mut sections[target];
            if !target_sec.exec && !relocs.is_empty() {
                // Pointers inside maps or global data: libbpf's map-in-map and
                // prog-array `.values`, or a pointer-valued global.
                let r = relocs[0];
                let sym = symbols.get(r.sym).map(|s| s.name.as_str()).unwrap_or("");
                return Err(ElfError::at(
                    ElfErrorKind::UnsupportedRelocation(format!(
                        "{} against '{sym}' in a data section (pointers in maps or globals)",
                        reloc_name(r.r_type)
                    )),
                    &target_name,
                    r.offset,
                ));
            }
            target_sec.relocs.extend(relocs);
        }

        let btf = match sections.iter().position(|s| s.name == ".BTF") {
            Some(i) => {
                let data = table
                    .section(object::SectionIndex(i))
                    .and_then(|sh| sh.data(endian, bytes))
                    .map_err(|e| malformed(e, ".BTF"))?;
                Some(Btf::parse(data)?)
            }
            None => None,
        };
        let ext = match (&btf, sections.iter().position(|s| s.name == ".BTF.ext")) {
            (Some(btf), Some(i)) => {
                let data = table
                    .section(object::SectionIndex(i))
                    .and_then(|sh| sh.data(endian, bytes))
                    .map_err(|e| malformed(e, ".BTF.ext"))?;
                BtfExt::parse(data, btf)?
            }
            _ => BtfExt::default(),
        };

        let (maps, map_sites) = maps::collect(&sections, &symbols, btf.as_ref())?;
        let license = sections.iter().find(|s| s.name == "license").map(|s| {
            let end = s.data.iter().position(|b| *b == 0).unwrap_or(s.data.len());
            lossy(s.data.get(..end).unwrap_or_default())
        });

        let mut programs = Vec::new();
        for (idx, sec) in sections.iter().enumerate() {
            if !sec.exec || sec.name == ".text" || sec.data.is_empty() {
                continue;
            }
            let mut funcs: Vec<&Sym> = symbols
                .iter()
                .filter(|s| s.section == Some(idx) && s.st_type == STT_FUNC)
                .collect();
            funcs.sort_by_key(|s| s.value);
            for f in funcs {
                programs.push(ProgramInfo {
                    name: f.name.clone(),
                    section: sec.name.clone(),
                    kind: section_kind(&sec.name),
                    insn_count: (f.size / 8) as usize,
                });
            }
        }

        Ok(ElfObject {
            sections,
            symbols,
            btf,
            ext,
            maps,
            map_sites,
            programs,
            license,
        })
    }

    /// The programs of the object, in section order.
    pub fn programs(&self) -> &[ProgramInfo] {
        &self.programs
    }

    /// Every map of the object (each loaded [`Program`] carries all of them, in
    /// this order): legacy `maps`, then `.maps`, then global-data sections.
    pub fn maps(&self) -> &[MapDef] {
        &self.maps
    }

    /// The `license` section's string, if any.
    pub fn license(&self) -> Option<&str> {
        self.license.as_deref()
    }

    /// The program named `name` or, failing that, the only program in section
    /// `name`: what the CLI's `--program`/`--section` pick.
    pub fn find(&self, name: &str) -> Result<&ProgramInfo, ElfError> {
        if let Some(p) = self.programs.iter().find(|p| p.name == name) {
            return Ok(p);
        }
        self.find_in_section(name)
    }

    /// The only program in section `section`.
    pub fn find_in_section(&self, section: &str) -> Result<&ProgramInfo, ElfError> {
        let mut found = self.programs.iter().filter(|p| p.section == section);
        match (found.next(), found.next()) {
            (Some(p), None) => Ok(p),
            (Some(_), Some(_)) => Err(ElfError::in_section(
                ElfErrorKind::NoSuchProgram(format!(
                    "alone in section '{section}' (it holds {}; pick one by name)",
                    self.names_in(section)
                )),
                section,
            )),
            _ => Err(ElfError::new(ElfErrorKind::NoSuchProgram(format!(
                "named or in a section '{section}' (programs: {})",
                self.programs
                    .iter()
                    .map(|p| format!("{} in {}", p.name, p.section))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))),
        }
    }

    fn names_in(&self, section: &str) -> String {
        self.programs
            .iter()
            .filter(|p| p.section == section)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Links the program described by `info` (one of [`ElfObject::programs`]).
    pub fn load(&self, info: &ProgramInfo) -> Result<Program, ElfError> {
        link::link(self, info)
    }

    /// Links the program named `name`.
    pub fn load_by_name(&self, name: &str) -> Result<Program, ElfError> {
        let info = self
            .programs
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| {
                ElfError::new(ElfErrorKind::NoSuchProgram(format!(
                    "named '{name}' (programs: {})",
                    self.programs
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            })?;
        self.load(info)
    }

    /// Links the only program in section `section`.
    pub fn load_by_section(&self, section: &str) -> Result<Program, ElfError> {
        self.load(self.find_in_section(section)?)
    }

    /// Links every program, each with its result.
    pub fn load_all(&self) -> Vec<(ProgramInfo, Result<Program, ElfError>)> {
        self.programs
            .iter()
            .map(|p| (p.clone(), self.load(p)))
            .collect()
    }
}
