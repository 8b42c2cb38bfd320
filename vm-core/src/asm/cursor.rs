//! A cursor over one line's tokens with the checks both parsers need: every
//! failed expectation becomes an error saying what was expected and what was found.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::builder::Target;
use super::lexer::{Span, Tok, Token};
use super::AsmError;
use crate::isa::{Endian, Operand, Reg, Width};

pub(crate) struct Cursor<'a> {
    toks: Vec<Token<'a>>,
    pos: usize,
    /// Where "end of line" is reported.
    eol: Span,
}

impl<'a> Cursor<'a> {
    pub fn new(toks: Vec<Token<'a>>, line: u32) -> Cursor<'a> {
        let eol = toks.last().map_or(
            Span {
                line,
                col: 1,
                len: 1,
            },
            |t| Span {
                line,
                col: t.span.col.saturating_add(t.span.len),
                len: 1,
            },
        );
        Cursor { toks, pos: 0, eol }
    }

    pub fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).map(|t| t.tok)
    }

    pub fn peek_at(&self, ahead: usize) -> Option<Tok<'a>> {
        self.toks.get(self.pos + ahead).map(|t| t.tok)
    }

    /// The span of the current token (or of the end of the line).
    pub fn span(&self) -> Span {
        self.toks.get(self.pos).map_or(self.eol, |t| t.span)
    }

    /// The span of the token just consumed.
    pub fn prev_span(&self) -> Span {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(self.eol, |t| t.span)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn bump(&mut self) -> Option<Token<'a>> {
        let t = self.toks.get(self.pos).copied();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// Describes the current token for "found ..." in messages.
    pub fn found(&self) -> String {
        match self.peek() {
            None => String::from("end of line"),
            Some(Tok::Ident(s)) => format!("'{s}'"),
            Some(Tok::Num(n)) => format!("number {n}"),
            Some(Tok::Punct(p)) => format!("'{p}'"),
            Some(Tok::Str(s)) => format!("\"{s}\""),
        }
    }

    /// "expected `what`, found ..." at the current token.
    pub fn expected(&self, what: &str) -> AsmError {
        self.span()
            .error(format!("expected {what}, found {}", self.found()))
    }

    pub fn eat(&mut self, p: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Punct(x)) if x == p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, p: &str) -> Result<Span, AsmError> {
        if self.eat(p) {
            Ok(self.prev_span())
        } else {
            Err(self.expected(&format!("'{p}'")))
        }
    }

    pub fn eat_ident(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(word)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect_ident(&mut self, word: &str) -> Result<(), AsmError> {
        if self.eat_ident(word) {
            Ok(())
        } else {
            Err(self.expected(&format!("'{word}'")))
        }
    }

    /// Any identifier, e.g. a label or a name.
    pub fn ident(&mut self, what: &str) -> Result<(&'a str, Span), AsmError> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                self.pos += 1;
                Ok((s, self.prev_span()))
            }
            _ => Err(self.expected(what)),
        }
    }

    pub fn expect_end(&self) -> Result<(), AsmError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.expected("end of line"))
        }
    }

    /// An optionally signed integer: `5`, `-5`, `+0x10`.
    pub fn int(&mut self, what: &str) -> Result<(i128, Span), AsmError> {
        let start = self.span();
        // `-4`, `+4`, and `+ -4` as the kernel log prints `skb[r1 + -4]`.
        let neg = if self.eat("-") {
            true
        } else {
            self.eat("+");
            self.eat("-")
        };
        match self.peek() {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                let v = i128::from(n);
                Ok((if neg { -v } else { v }, start.to(self.prev_span())))
            }
            _ => Err(self.expected(what)),
        }
    }

    /// True if an integer (possibly signed) starts here.
    pub fn at_int(&self) -> bool {
        match self.peek() {
            Some(Tok::Num(_)) => true,
            Some(Tok::Punct("-" | "+")) => matches!(self.peek_at(1), Some(Tok::Num(_))),
            _ => false,
        }
    }

    /// A 32-bit immediate: -2^31 ..= 2^32-1, the upper half wrapping as LLVM does.
    pub fn imm32(&mut self, what: &str) -> Result<i32, AsmError> {
        let (v, span) = self.int(what)?;
        imm32_of(v, span)
    }

    /// A 16-bit signed offset.
    pub fn off16(&mut self, what: &str) -> Result<i16, AsmError> {
        let (v, span) = self.int(what)?;
        i16::try_from(v)
            .map_err(|_| span.error(format!("offset {v} out of range: expected -32768 to 32767")))
    }

    /// A register in pseudo-C (`r1`, `w1`) or mnemonic (`%r1`) spelling.
    pub fn reg(&mut self, what: &str) -> Result<(Reg, Width, Span), AsmError> {
        match self.peek().and_then(|t| match t {
            Tok::Ident(s) => parse_reg(s),
            _ => None,
        }) {
            Some((r, w)) => {
                self.pos += 1;
                Ok((r, w, self.prev_span()))
            }
            None => Err(self.expected(what)),
        }
    }

    pub fn at_reg(&self) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if parse_reg(s).is_some())
    }

    /// A source operand: a register as `reg` reads it, or a 32-bit
    /// immediate; `reg_what` names the register in the error.
    pub fn operand(
        &mut self,
        reg: impl FnOnce(&mut Cursor<'a>) -> Result<Reg, AsmError>,
        reg_what: &str,
    ) -> Result<Operand, AsmError> {
        if self.at_reg() {
            Ok(Operand::Reg(reg(self)?))
        } else if self.at_int() {
            Ok(Operand::Imm(self.imm32("an immediate")?))
        } else {
            Err(self.expected(&format!("{reg_what} or an immediate")))
        }
    }

    /// A jump target: an offset where one starts (or must follow, after
    /// `pc`), else a label; `offset_what` and `label_what` name them in errors.
    pub fn target(
        &mut self,
        offset_follows: bool,
        offset_what: &str,
        label_what: &str,
    ) -> Result<Target<'a>, AsmError> {
        if offset_follows || self.at_int() {
            let (v, span) = self.int(offset_what)?;
            Ok(Target::Offset(v, span))
        } else {
            let (name, span) = self.ident(label_what)?;
            Ok(Target::Label(name, span))
        }
    }
}

/// A byte-order word (`be16`, `le32`, `bswap64`) -> its kind and bits;
/// `prefixes` are the words a syntax reads, with their kinds.
pub(crate) fn endian_of(word: &str, prefixes: &[(&str, Endian)]) -> Option<(Endian, u8)> {
    let (kind, bits) = prefixes
        .iter()
        .find_map(|&(prefix, kind)| word.strip_prefix(prefix).map(|bits| (kind, bits)))?;
    let bits = match bits {
        "16" => 16,
        "32" => 32,
        "64" => 64,
        _ => return None,
    };
    Some((kind, bits))
}

/// `r0`..`r10`, `w0`..`w10`, `%r0`..`%r10` (mnemonic), and `fp`/`%fp` for r10.
pub(crate) fn parse_reg(s: &str) -> Option<(Reg, Width)> {
    let s = s.strip_prefix('%').unwrap_or(s);
    if s.eq_ignore_ascii_case("fp") {
        return Some((Reg::R10, Width::W64));
    }
    let (width, digits) = if let Some(d) = s.strip_prefix('r') {
        (Width::W64, d)
    } else if let Some(d) = s.strip_prefix('w') {
        (Width::W32, d)
    } else {
        return None;
    };
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() == 2 && digits.starts_with('0') {
        return None;
    }
    let n: u8 = digits.parse().ok()?;
    Reg::new(n).map(|r| (r, width))
}

/// Range-checks a 32-bit immediate (LLVM accepts -2^31 ..= 2^32-1 and wraps).
pub(crate) fn imm32_of(v: i128, span: Span) -> Result<i32, AsmError> {
    if let Ok(i) = i32::try_from(v) {
        Ok(i)
    } else if let Ok(u) = u32::try_from(v) {
        Ok(u as i32)
    } else {
        Err(span.error(format!(
            "immediate {v} out of range: expected a 32-bit value (-2147483648 to 4294967295)"
        )))
    }
}

/// Range-checks a 64-bit immediate (-2^63 ..= 2^64-1).
pub(crate) fn imm64_of(v: i128, span: Span) -> Result<u64, AsmError> {
    if let Ok(i) = i64::try_from(v) {
        Ok(i as u64)
    } else if let Ok(u) = u64::try_from(v) {
        Ok(u)
    } else {
        Err(span.error(format!(
            "immediate {v} out of range: expected a 64-bit value"
        )))
    }
}
