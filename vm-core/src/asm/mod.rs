//! The assembler: source text in either syntax -> [`Program`].
//!
//! Two syntaxes are read:
//! - [`Syntax::PseudoC`], what `llvm-objdump -d` and the kernel verifier log
//!   print (`r0 = 0`, `if r1 > 5 goto +3`, `*(u64 *)(r10 - 8) = r1`);
//! - [`Syntax::Mnemonic`], the uBPF/rbpf syntax of the conformance suite
//!   (`mov32 %r0, 1`, `ldxw %r1, [%r2+4]`, `jeq %r1, 5, label`).
//!
//! Both share the lexer, labels, directives (`.map`, `.type`) and the label
//! resolution done by [`builder`]. Errors carry the line, column and length
//! of the offending text; the assembler never panics, whatever the input.
//! See `docs/assembly.md` for the full syntax.
//!
//! ```
//! use vm_core::asm::{assemble, Syntax, assemble_with};
//! let p = assemble("r0 = 1\nexit").unwrap();
//! assert_eq!(p, assemble_with("mov %r0, 1\nexit", Syntax::Mnemonic).unwrap());
//! let err = assemble("r0 = = 1").unwrap_err();
//! assert_eq!(err.to_string(), "1:6: expected a register, a number or an expression, found '='");
//! ```

mod builder;
mod cursor;
pub(crate) mod helper_names;
mod highlight;
mod lexer;
pub(crate) mod mnemonic;
pub(crate) mod pseudo_c;
mod refs;

pub(crate) use cursor::parse_reg;
pub use highlight::{highlight_line, Highlight, HighlightKind};

use alloc::string::String;
use core::fmt;

use crate::program::Program;

/// Which assembly syntax a source is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Syntax {
    /// The LLVM/kernel "pseudo-C" syntax: `r1 = *(u32 *)(r2 + 4)`.
    #[default]
    PseudoC,
    /// The uBPF/rbpf mnemonic syntax: `ldxw %r1, [%r2+4]`.
    Mnemonic,
}

impl Syntax {
    /// The name used on the command line: `pseudo-c` or `mnemonic`.
    pub const fn name(self) -> &'static str {
        match self {
            Syntax::PseudoC => "pseudo-c",
            Syntax::Mnemonic => "mnemonic",
        }
    }

    /// Parses [`Syntax::name`].
    pub fn from_name(name: &str) -> Option<Syntax> {
        match name {
            "pseudo-c" | "pseudoc" | "c" => Some(Syntax::PseudoC),
            "mnemonic" | "ubpf" => Some(Syntax::Mnemonic),
            _ => None,
        }
    }
}

/// An assembly error, located in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Length of the offending text in characters (at least 1).
    pub len: u32,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for AsmError {}

/// Assembles `src`, detecting its syntax with [`detect_syntax`].
pub fn assemble(src: &str) -> Result<Program, AsmError> {
    assemble_with(src, detect_syntax(src))
}

/// Assembles `src` written in `syntax`.
pub fn assemble_with(src: &str, syntax: Syntax) -> Result<Program, AsmError> {
    let mut b = builder::Builder::default();
    for (idx, raw_line) in src.lines().enumerate() {
        let line = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let (code, col0) = builder::strip_listing_prefix(raw_line);
        let toks = lexer::tokenize(code, line, col0)?;
        let Some(rest) = b.line_prologue(toks, line)? else {
            continue;
        };
        match syntax {
            Syntax::PseudoC => pseudo_c::parse_line(&mut b, rest)?,
            Syntax::Mnemonic => mnemonic::parse_line(&mut b, rest)?,
        }
    }
    b.finish()
}

/// Guesses the syntax of `src` from its first instruction that tells them apart:
/// `%r` registers or uBPF mnemonics (`mov32`, `ldxw`, `jeq`, `lddw`) mean
/// [`Syntax::Mnemonic`]; `r0 = ...`, `if ... goto`, `*(u32 *)(...)` mean
/// [`Syntax::PseudoC`], which is also the answer when nothing tells.
pub fn detect_syntax(src: &str) -> Syntax {
    for (idx, raw_line) in src.lines().enumerate() {
        let (code, col0) = builder::strip_listing_prefix(raw_line);
        let line = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let Ok(toks) = lexer::tokenize(code, line, col0) else {
            continue;
        };
        let mut toks = toks.as_slice();
        // Skip labels (`name:`) and directives.
        while let [lexer::Token {
            tok: lexer::Tok::Ident(_),
            ..
        }, lexer::Token {
            tok: lexer::Tok::Punct(":"),
            ..
        }, rest @ ..] = toks
        {
            toks = rest;
        }
        if toks
            .iter()
            .any(|t| matches!(t.tok, lexer::Tok::Ident(s) if s.starts_with('%')))
        {
            return Syntax::Mnemonic;
        }
        let Some(first) = toks.first() else { continue };
        match first.tok {
            lexer::Tok::Ident(s) if s.starts_with('.') => continue,
            // `call local f`, `call kfunc 5`: mnemonic; `call 1`, `exit`: either.
            lexer::Tok::Ident("call") => {
                match (toks.get(1).map(|t| t.tok), toks.get(2).map(|t| t.tok)) {
                    (Some(lexer::Tok::Ident("kfunc")), Some(lexer::Tok::Punct("#"))) => {
                        return Syntax::PseudoC
                    }
                    (Some(lexer::Tok::Ident("local" | "kfunc" | "runtime" | "helper")), _) => {
                        return Syntax::Mnemonic
                    }
                    _ => continue,
                }
            }
            lexer::Tok::Ident("exit") => continue,
            lexer::Tok::Ident(s) if mnemonic::is_mnemonic(s) => {
                // `lock *(...)` is pseudo-C; `lock add [...]` is mnemonic.
                if s == "lock" && matches!(toks.get(1).map(|t| t.tok), Some(lexer::Tok::Punct("*")))
                {
                    return Syntax::PseudoC;
                }
                return Syntax::Mnemonic;
            }
            _ => return Syntax::PseudoC,
        }
    }
    Syntax::PseudoC
}

#[cfg(test)]
mod tests;
