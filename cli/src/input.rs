//! What several subcommands share: reading `FILE` or `-` (standard input),
//! naming it in messages, loading a program from any of its forms, and the
//! `--syntax` option.

use std::io::Read;
use std::path::Path;

use clap::ValueEnum;
use vm_core::asm::Syntax;

use crate::diagnostic::Diagnostic;

/// The contents of `path`, or of standard input for `-`.
pub fn read(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let read = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    read.map_err(|e| Diagnostic::file(&display_name(path), e))
}

/// How messages name the input: the path, or `<stdin>`.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// `--syntax pseudo-c|mnemonic`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SyntaxArg {
    /// `r1 = *(u32 *)(r2 + 4)`: what llvm-objdump and the kernel log print.
    PseudoC,
    /// `ldxw %r1, [%r2+4]`: the uBPF/rbpf syntax of the conformance suite.
    Mnemonic,
}

impl From<SyntaxArg> for Syntax {
    fn from(s: SyntaxArg) -> Syntax {
        match s {
            SyntaxArg::PseudoC => Syntax::PseudoC,
            SyntaxArg::Mnemonic => Syntax::Mnemonic,
        }
    }
}

/// Lower-case base16 of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from base16 text; white space is ignored, an optional `0x` prefix too.
/// `None` when the text is not base16.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .split_whitespace()
        .map(|w| w.strip_prefix("0x").unwrap_or(w))
        .flat_map(|w| w.bytes())
        .collect();
    if digits.is_empty() || digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// Which program of a clang BPF object (`.o`) to take.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ElfPick {
    /// For an ELF object: the program (function name) to take.
    #[arg(long = "program", visible_alias = "prog", value_name = "NAME")]
    pub program: Option<String>,
    /// For an ELF object: take the program in this section (`xdp`, `tc`,
    /// `kprobe/do_unlinkat`, ...).
    #[arg(long, value_name = "SEC", conflicts_with = "program")]
    pub section: Option<String>,
}

/// Whether `bytes` are an ELF file (a clang BPF object).
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// Links the program `pick` names in the object `bytes`; with no pick, the
/// object's only program, or an error listing them when it holds several.
pub fn load_elf(bytes: &[u8], pick: &ElfPick) -> Result<vm_core::Program, String> {
    let object = vm_core::elf::ElfObject::parse(bytes).map_err(|e| e.to_string())?;
    let info = match (&pick.program, &pick.section) {
        (Some(name), _) => object
            .programs()
            .iter()
            .find(|p| &p.name == name)
            .ok_or_else(|| {
                format!(
                    "no program named '{name}' (the object holds {})",
                    program_list(&object)
                )
            })?,
        (None, Some(section)) => object.find_in_section(section).map_err(|e| e.to_string())?,
        (None, None) => match object.programs() {
            [only] => only,
            [] => return Err("the object holds no program".into()),
            _ => {
                return Err(format!(
                    "the object holds {}; pick one with --program NAME or --section SEC",
                    program_list(&object)
                ))
            }
        },
    };
    object.load(info).map_err(|e| e.to_string())
}

/// Links the program of the object `bytes` whose function name, or else
/// whose section, is `name`.
pub fn load_elf_named(bytes: &[u8], name: &str) -> Result<vm_core::Program, String> {
    let object = vm_core::elf::ElfObject::parse(bytes).map_err(|e| e.to_string())?;
    let programs = object.programs();
    let info = match programs.iter().find(|p| p.name == name) {
        Some(info) => info,
        None => object.find_in_section(name).map_err(|_| {
            format!(
                "no program or section named '{name}' (the object holds {})",
                program_list(&object)
            )
        })?,
    };
    object.load(info).map_err(|e| e.to_string())
}

/// The program in `path`, whichever form it is in: assembly source (either
/// syntax), raw bytecode (`.bin`), bytecode as hex text, or a clang object
/// (the program `pick` names).
pub fn load_program(path: &Path, pick: &ElfPick) -> Result<vm_core::Program, Diagnostic> {
    let bytes = read(path)?;
    let name = display_name(path);
    if is_elf(&bytes) {
        return load_elf(&bytes, pick).map_err(|e| Diagnostic::file(&name, e));
    }
    let is_bin = path.extension().is_some_and(|e| e == "bin");
    let text = std::str::from_utf8(&bytes)
        .ok()
        .filter(|t| !is_bin && !t.contains('\0'));
    let Some(text) = text else {
        return decode_program(&name, &bytes);
    };
    match from_hex(text) {
        Some(code) => decode_program(&name, &code),
        None => vm_core::asm::assemble(text).map_err(|e| Diagnostic::source(&name, text, &e)),
    }
}

/// The program of the bytecode `code`, read from the file `name`.
fn decode_program(name: &str, code: &[u8]) -> Result<vm_core::Program, Diagnostic> {
    vm_core::isa::decode(code)
        .map(vm_core::Program::from_insns)
        .map_err(|e| Diagnostic::file(name, e))
}

fn program_list(object: &vm_core::elf::ElfObject) -> String {
    object
        .programs()
        .iter()
        .map(|p| format!("{} (section {})", p.name, p.section))
        .collect::<Vec<_>>()
        .join(", ")
}
