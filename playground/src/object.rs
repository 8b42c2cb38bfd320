//! Clang BPF objects (`.o`) opened in the playground: the core's ELF loader
//! reads them, and a chosen program becomes editor text through the core's
//! disassembler (directives for the program type and the maps with their
//! initial contents, the C source lines as `; text @ file:line` comments, as
//! the kernel's verifier log prints them). Nothing here knows about HTML.
//!
//! The editor text is what runs, so the C lines come back from those
//! comments when the text is assembled again: [`attach_c_lines`].

use vm_core::asm::Syntax;
use vm_core::disasm::disassemble;
use vm_core::elf::{ElfObject, ProgramInfo};
use vm_core::program::LineInfo;
use vm_core::Program;

/// One program of an object, as the picker lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramChoice {
    /// The C function's name.
    pub name: String,
    /// The ELF section (`xdp`, `kprobe/do_unlinkat`, ...).
    pub section: String,
    /// The kernel's program type name the section implies (`xdp`, `sched_cls`, ...).
    pub kind: String,
    /// False when the VM cannot run that program type.
    pub supported: bool,
    /// Instructions of the function itself.
    pub insns: usize,
}

/// A parsed object file and its programs.
#[derive(Clone, Debug)]
pub struct OpenedObject {
    /// The file's name, as the user picked or dropped it.
    pub file_name: String,
    /// Its programs, in section order.
    pub programs: Vec<ProgramChoice>,
    object: ElfObject,
}

impl PartialEq for OpenedObject {
    fn eq(&self, other: &Self) -> bool {
        self.file_name == other.file_name && self.programs == other.programs
    }
}

/// A program linked out of an object, as editor text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedProgram {
    /// The function's name.
    pub name: String,
    /// Its section.
    pub section: String,
    /// Pseudo-C source with `.type`/`.map` directives and C line comments.
    pub source: String,
}

/// Parses `bytes` as a clang BPF object. The error is the loader's, naming
/// the section and offset where it found the problem.
pub fn open(file_name: &str, bytes: &[u8]) -> Result<OpenedObject, String> {
    let object = ElfObject::parse(bytes).map_err(|e| format!("{file_name}: {e}"))?;
    let programs = object.programs().iter().map(choice).collect::<Vec<_>>();
    if programs.is_empty() {
        return Err(format!(
            "{file_name}: no programs (no executable section other than .text)"
        ));
    }
    Ok(OpenedObject {
        file_name: file_name.to_string(),
        programs,
        object,
    })
}

fn choice(info: &ProgramInfo) -> ProgramChoice {
    ProgramChoice {
        name: info.name.clone(),
        section: info.section.clone(),
        kind: info.kind.kernel_name.to_string(),
        supported: info.kind.prog_type.is_some(),
        insns: info.insn_count,
    }
}

impl OpenedObject {
    /// Links program `index` of [`OpenedObject::programs`] and disassembles it.
    pub fn load(&self, index: usize) -> Result<LoadedProgram, String> {
        let info = self
            .object
            .programs()
            .get(index)
            .ok_or_else(|| format!("{}: no program #{index}", self.file_name))?;
        let program = self
            .object
            .load(info)
            .map_err(|e| format!("{} ({}): {e}", self.file_name, info.name))?;
        let mut source = format!(
            "; {} from {}, section {}\n",
            info.name, self.file_name, info.section
        );
        source.push_str(&disassemble(&program, Syntax::PseudoC));
        Ok(LoadedProgram {
            name: info.name.clone(),
            section: info.section.clone(),
            source,
        })
    }
}

/// A `; text @ file:line` comment line, as the disassembler writes C lines.
fn c_line_comment(line: &str) -> Option<LineInfo> {
    let body = line.trim().strip_prefix(';')?.trim_start();
    let (text, place) = body.rsplit_once(" @ ")?;
    let (file, number) = place.trim_end().rsplit_once(':')?;
    let number = number.parse::<u32>().ok()?;
    if file.is_empty() || number == 0 {
        return None;
    }
    Some(LineInfo {
        file: file.to_string(),
        line: number,
        column: 0,
        text: text.to_string(),
    })
}

/// A label definition line (`name:` or `.L12:`).
fn is_label(line: &str) -> bool {
    let t = line.trim();
    t.len() > 1
        && t.ends_with(':')
        && !t.starts_with(';')
        && t[..t.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Fills `program.c_lines` from the C line comments of `source` (the text
/// `program` was assembled from): each instruction gets the last comment
/// above it, up to the nearest label. Leaves `c_lines` as it is when the
/// text has no such comment.
pub fn attach_c_lines(source: &str, program: &mut Program) {
    let mut by_line: Vec<Option<LineInfo>> = Vec::new();
    let mut current: Option<LineInfo> = None;
    let mut any = false;
    for line in source.split('\n') {
        if let Some(info) = c_line_comment(line) {
            current = Some(info);
            any = true;
        } else if is_label(line) {
            current = None;
        }
        by_line.push(current.clone());
    }
    if !any {
        return;
    }
    program.c_lines = (0..program.insns.len())
        .map(|pc| {
            let line = program.source_map.line_of(pc)? as usize;
            by_line.get(line.checked_sub(1)?)?.clone()
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use vm_core::asm::assemble;

    const FIREWALL: &[u8] = include_bytes!("../../vm-core/tests/elf_fixtures/xdp_firewall.o");
    const KPROBES: &[u8] = include_bytes!("../../vm-core/tests/elf_fixtures/kprobe_core.o");

    #[test]
    fn lists_every_program_with_its_section_and_type() {
        let o = open("kprobe_core.o", KPROBES).unwrap();
        assert_eq!(o.programs.len(), 2);
        assert_eq!(o.programs[0].section, "kprobe/do_unlinkat");
        assert_eq!(o.programs[1].section, "kretprobe/do_unlinkat");
        assert!(o.programs.iter().all(|p| p.kind == "kprobe" && p.supported));
    }

    #[test]
    fn a_loaded_program_reassembles_with_its_type_maps_and_c_lines() {
        let o = open("xdp_firewall.o", FIREWALL).unwrap();
        let loaded = o.load(0).unwrap();
        assert!(loaded.source.contains(".map "), "{}", loaded.source);
        assert!(
            loaded.source.contains("init=\""),
            "globals keep their contents"
        );
        let mut p = assemble(&loaded.source).unwrap();
        let linked = o.object.load(&o.object.programs()[0]).unwrap();
        assert_eq!(p.insns, linked.insns);
        assert_eq!(p.maps, linked.maps);
        attach_c_lines(&loaded.source, &mut p);
        let with = (0..p.insns.len())
            .filter(|&i| p.c_line(i).is_some())
            .count();
        assert!(with > p.insns.len() / 2, "{with} of {}", p.insns.len());
        // Each recovered line is the one the object recorded for an
        // instruction at or before it in the same block.
        let first = (0..p.insns.len())
            .find(|&i| linked.c_line(i).is_some())
            .unwrap();
        assert_eq!(
            p.c_line(first)
                .map(|l| (l.file.clone(), l.line, l.text.clone())),
            linked
                .c_line(first)
                .map(|l| (l.file.clone(), l.line, l.text.trim().to_string()))
        );
    }

    #[test]
    fn the_program_type_comes_from_the_section() {
        let o = open("kprobe_core.o", KPROBES).unwrap();
        let p = assemble(&o.load(1).unwrap().source).unwrap();
        assert_eq!(p.prog_type, vm_core::ProgramType::Kprobe);
    }

    #[test]
    fn malformed_and_truncated_objects_name_where() {
        let e = open("junk.o", b"not an elf").unwrap_err();
        assert!(e.starts_with("junk.o: "), "{e}");
        let e = open("cut.o", &FIREWALL[..FIREWALL.len() / 2]).unwrap_err();
        assert!(
            e.contains("cut.o: ") && (e.contains("offset") || e.contains("section")),
            "{e}"
        );
    }

    #[test]
    fn comments_without_a_place_are_not_c_lines() {
        let mut p = assemble("; just a note\nr0 = 0\nexit\n").unwrap();
        attach_c_lines("; just a note\nr0 = 0\nexit\n", &mut p);
        assert!(p.c_lines.is_empty());
        let src = "main:\n    ; return 0; @ a.c:3\n    r0 = 0\n.L2:\n    exit\n";
        let mut p = assemble(src).unwrap();
        attach_c_lines(src, &mut p);
        assert_eq!(p.c_line(0).map(|l| l.line), Some(3));
        assert_eq!(p.c_line(1), None, "a label ends the C line's block");
    }
}
