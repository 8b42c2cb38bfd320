//! `bpfplay run --prog-array MAP:KEY=TARGET`: puts other programs in the
//! slots of a prog array before the run, so `bpf_tail_call` reaches them, as
//! user space does with `bpf_map_update_elem(prog_array_fd, &key, &prog_fd)`.
//!
//! `TARGET` is a program file in any form `run` reads (`tcp.s`), one program
//! of a clang object (`obj.o:handle_tcp`, by function or section name), or,
//! when the main program comes from a clang object, a program of that same
//! object (`handle_tcp`). The VM's prog array values are indices into the
//! run's list of tail-call targets (`RunOptions::programs`), so each slot
//! gets the index of its target in the order the options are given.

use std::fmt;
use std::path::Path;

use vm_core::maps::{Maps, BPF_ANY};
use vm_core::{MapType, Program, ProgramType};

use crate::diagnostic::Diagnostic;
use crate::input::{self, ElfPick};
use crate::run::COMMAND;

/// What the run needs for tail calls.
#[derive(Default)]
pub struct TailCalls {
    /// The target programs, in order; a slot's value is an index here.
    pub programs: Vec<Program>,
    /// `(map name, slot)` for each target, in the same order.
    slots: Vec<(String, u32)>,
}

impl TailCalls {
    /// Loads the targets of `specs` (`MAP:KEY=TARGET`). `main` is the main
    /// program's file; `prog_type` its type, which every target must have
    /// (as the kernel insists), unless `forced` (`--type`) gives it to all.
    pub fn load(
        specs: &[String],
        main: &Path,
        prog_type: ProgramType,
        forced: bool,
    ) -> Result<TailCalls, Diagnostic> {
        let mut out = TailCalls::default();
        for spec in specs {
            let at = |e: &dyn fmt::Display| {
                Diagnostic::command(COMMAND, format_args!("--prog-array {spec}: {e}"))
            };
            let (map, key, target) = parse(spec).map_err(|e| at(&e))?;
            let mut program = match resolve(target, main) {
                Ok(program) => program,
                Err(Unresolved::Argument(e)) => return Err(at(&e)),
                Err(Unresolved::File(e)) => {
                    return Err(e.with_note(COMMAND, format_args!("in --prog-array {spec}")))
                }
            };
            if forced {
                program.prog_type = prog_type;
            } else if program.prog_type != prog_type {
                return Err(at(&format_args!(
                    "{target} is a {} program but the caller is {} \
                     (the kernel only tail-calls programs of the caller's type; \
                     give the target a `.type` or run with --type)",
                    program.prog_type.name(),
                    prog_type.name()
                )));
            }
            out.programs.push(program);
            out.slots.push((map.to_string(), key));
        }
        Ok(out)
    }

    /// Puts each target's index in its slot of the prog array.
    pub fn fill(&self, maps: &mut Maps) -> Result<(), String> {
        for (index, (name, key)) in self.slots.iter().enumerate() {
            let what = format!("--prog-array {name}:{key}");
            let map = maps
                .index_of(name)
                .ok_or_else(|| format!("{what}: no map named '{name}'"))?;
            let def = maps.get(map).map(|m| m.def().clone());
            if def.as_ref().map(|d| d.map_type) != Some(MapType::ProgArray) {
                return Err(format!("{what}: map '{name}' is not a prog_array"));
            }
            let value = u32::try_from(index).unwrap_or(u32::MAX);
            maps.update(map, &key.to_le_bytes(), &value.to_le_bytes(), BPF_ANY)
                .map_err(|e| {
                    let max = def.map_or(0, |d| d.max_entries);
                    format!("{what}: {e} (the map has {max} slots)")
                })?;
        }
        Ok(())
    }
}

/// `MAP:KEY=TARGET` -> (MAP, KEY, TARGET); KEY in decimal or `0x` hex.
fn parse(spec: &str) -> Result<(&str, u32, &str), String> {
    const FORM: &str = "expected MAP:KEY=FILE, MAP:KEY=FILE:PROGRAM or MAP:KEY=PROGRAM";
    let (slot, target) = spec.split_once('=').ok_or(FORM)?;
    let (map, key) = slot.rsplit_once(':').ok_or(FORM)?;
    let key = key.trim();
    let parsed = match key.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => key.parse(),
    };
    let key = parsed.map_err(|_| format!("the slot {key:?} is not a number"))?;
    if map.is_empty() || target.is_empty() {
        return Err(FORM.into());
    }
    Ok((map, key, target))
}

/// Why a target could not be loaded: the argument names nothing loadable,
/// or the file it names is bad (reported as an error in that file).
enum Unresolved {
    Argument(String),
    File(Diagnostic),
}

/// The program `target` names (see the module's documentation).
fn resolve(target: &str, main: &Path) -> Result<Program, Unresolved> {
    let path = Path::new(target);
    if path.is_file() {
        return input::load_program(path, &ElfPick::default()).map_err(Unresolved::File);
    }
    if let Some((file, name)) = target.rsplit_once(':') {
        let path = Path::new(file);
        if path.is_file() {
            return named(path, name).map_err(|e| Unresolved::File(Diagnostic::file(file, e)));
        }
    }
    let main_is_elf = main.is_file() && input::read(main).is_ok_and(|b| input::is_elf(&b));
    if main_is_elf {
        return named(main, target).map_err(|e| {
            Unresolved::Argument(format!("no file {target}, and {}: {e}", main.display()))
        });
    }
    Err(Unresolved::Argument(format!("no file {target}")))
}

/// The program `name` (function or section) of the clang object at `path`.
fn named(path: &Path, name: &str) -> Result<Program, String> {
    let bytes = input::read(path).map_err(|e| e.message().to_string())?;
    if !input::is_elf(&bytes) {
        return Err("only a clang object (.o) holds programs to pick by name".into());
    }
    input::load_elf_named(&bytes, name)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn slots_parse_in_decimal_and_hex() {
        assert_eq!(parse("jmp:6=tcp.s"), Ok(("jmp", 6, "tcp.s")));
        assert_eq!(parse("jmp:0x11=obj.o:udp"), Ok(("jmp", 17, "obj.o:udp")));
        assert!(parse("jmp=tcp.s").is_err());
        assert!(parse("jmp:x=tcp.s").is_err());
        assert!(parse("jmp:1=").is_err());
        assert!(parse(":1=tcp.s").is_err());
    }
}
