//! Splits one source line into tokens with their spans. Both syntaxes share it:
//! they differ in how they combine tokens, not in what a token is.

use alloc::vec::Vec;

use super::AsmError;

/// Where a token sits: 1-based line and column (in characters) and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub line: u32,
    pub col: u32,
    pub len: u32,
}

impl Span {
    /// The span from the start of `self` to the end of `end` (same line).
    pub fn to(self, end: Span) -> Span {
        let stop = end.col.saturating_add(end.len);
        Span {
            len: stop.saturating_sub(self.col).max(1),
            ..self
        }
    }

    /// The error `message` at this span.
    pub fn error(self, message: impl Into<alloc::string::String>) -> AsmError {
        AsmError {
            line: self.line,
            column: self.col,
            len: self.len.max(1),
            message: message.into(),
        }
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// A name: register (`r1`, `w1`, `%r1`), mnemonic, label, keyword or directive (`.map`).
    Ident(&'a str),
    /// An unsigned number, decimal or `0x` hex; signs are separate tokens.
    Num(u64),
    /// Punctuation or an operator (`,`, `[`, `+=`, `s>>=`, `==`, ...).
    Punct(&'static str),
    /// The text between double quotes (no escapes), as in `init="0102"`.
    Str(&'a str),
}

/// One token and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    pub span: Span,
}

/// Operators and punctuation, longest first so the longest match wins.
const PUNCTS: [&str; 33] = [
    "s>>=", "<<=", ">>=", "s>=", "s<=", "s/=", "s%=", "<<", ">>", "==", "!=", ">=", "<=", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "s>", "s<", "=", "<", ">", "+", "-", "*", "(", ")",
    "[", "]",
];
const SINGLE: [&str; 5] = [",", ":", "&", "#", "/"];

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '.' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$'
}

/// Tokenizes `text`, the code part of line `line` that starts at 1-based column `col0`.
///
/// Comments end the line: `;` and `//` anywhere, `#` at the start of the line
/// or after white space (so `bpf_map_lookup_elem#1`, as the kernel log prints
/// helper calls, stays one call).
pub(crate) fn tokenize(text: &str, line: u32, col0: u32) -> Result<Vec<Token<'_>>, AsmError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let col_of = |i: usize| col0.saturating_add(i as u32);
    while let Some(&(byte, c)) = chars.get(i) {
        let next = chars.get(i + 1).map(|&(_, c)| c);
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let after_space = i == 0 || chars.get(i - 1).is_some_and(|&(_, p)| p.is_whitespace());
        if c == ';' || (c == '/' && next == Some('/')) || (c == '#' && after_space) {
            break;
        }
        let start = i;
        let span = |end: usize| Span {
            line,
            col: col_of(start),
            len: (end - start) as u32,
        };
        // `s<`, `s>>=`, `s/=`... are operators, not the identifier `s`.
        let rest = &text[byte..];
        let signed_op = c == 's'
            && PUNCTS
                .iter()
                .any(|p| p.starts_with('s') && rest.starts_with(p));
        if (is_ident_start(c) && !signed_op) || (c == '%' && next.is_some_and(is_ident_start)) {
            i += 1;
            while chars.get(i).is_some_and(|&(_, c)| is_ident_char(c)) {
                i += 1;
            }
            let end_byte = chars.get(i).map_or(text.len(), |&(b, _)| b);
            out.push(Token {
                tok: Tok::Ident(&text[byte..end_byte]),
                span: span(i),
            });
            continue;
        }
        if c.is_ascii_digit() {
            i += 1;
            while chars
                .get(i)
                .is_some_and(|&(_, c)| c.is_ascii_alphanumeric())
            {
                i += 1;
            }
            let end_byte = chars.get(i).map_or(text.len(), |&(b, _)| b);
            let digits = &text[byte..end_byte];
            let value = parse_number(digits).ok_or_else(|| {
                let well_formed = digits
                    .strip_prefix("0x")
                    .or_else(|| digits.strip_prefix("0X"))
                    .map_or(digits.bytes().all(|b| b.is_ascii_digit()), |h| {
                        !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit())
                    });
                span(i).error(if well_formed {
                    alloc::format!("number {digits} does not fit in 64 bits")
                } else {
                    alloc::format!("expected a decimal or 0x hex number, found '{digits}'")
                })
            })?;
            out.push(Token {
                tok: Tok::Num(value),
                span: span(i),
            });
            continue;
        }
        if c == '"' {
            let body = &rest[1..];
            let Some(close) = body.find('"') else {
                return Err(span(chars.len()).error("expected a closing '\"', found end of line"));
            };
            let text = &body[..close];
            i += text.chars().count() + 2;
            out.push(Token {
                tok: Tok::Str(text),
                span: span(i),
            });
            continue;
        }
        if let Some(p) = PUNCTS
            .iter()
            .chain(SINGLE.iter())
            .find(|p| rest.starts_with(**p))
        {
            i += p.chars().count();
            out.push(Token {
                tok: Tok::Punct(p),
                span: span(i),
            });
            continue;
        }
        return Err(span(i + 1).error(alloc::format!(
            "expected a name, a number, an operator or a comment, found '{c}'"
        )));
    }
    Ok(out)
}

/// Parses `123`, `0x7b` or `0X7B` into a u64; None on overflow or bad digits.
fn parse_number(s: &str) -> Option<u64> {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() {
            return None;
        }
        u64::from_str_radix(hex, 16).ok()
    } else {
        s.parse::<u64>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok<'_>> {
        tokenize(s, 1, 1)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn pseudo_c_operators() {
        assert_eq!(
            toks("if w1 s< w2 goto +0x1d <LBB0_1>"),
            [
                Tok::Ident("if"),
                Tok::Ident("w1"),
                Tok::Punct("s<"),
                Tok::Ident("w2"),
                Tok::Ident("goto"),
                Tok::Punct("+"),
                Tok::Num(0x1d),
                Tok::Punct("<"),
                Tok::Ident("LBB0_1"),
                Tok::Punct(">"),
            ]
        );
        assert_eq!(
            toks("r1 s>>= 3 ; comment"),
            [Tok::Ident("r1"), Tok::Punct("s>>="), Tok::Num(3)]
        );
        assert_eq!(
            toks("*(u64 *)(r10 -8) = r1 // c"),
            [
                Tok::Punct("*"),
                Tok::Punct("("),
                Tok::Ident("u64"),
                Tok::Punct("*"),
                Tok::Punct(")"),
                Tok::Punct("("),
                Tok::Ident("r10"),
                Tok::Punct("-"),
                Tok::Num(8),
                Tok::Punct(")"),
                Tok::Punct("="),
                Tok::Ident("r1"),
            ]
        );
    }

    #[test]
    fn hash_is_a_comment_only_after_space() {
        assert_eq!(
            toks("call bpf_map_lookup_elem#1 # note"),
            [
                Tok::Ident("call"),
                Tok::Ident("bpf_map_lookup_elem"),
                Tok::Punct("#"),
                Tok::Num(1),
            ]
        );
        assert!(toks("# whole line").is_empty());
    }

    #[test]
    fn mnemonic_registers_and_spans() {
        let t = tokenize("ldxw %r1, [%r2+4]", 3, 1).unwrap();
        assert_eq!(t[1].tok, Tok::Ident("%r1"));
        assert_eq!(
            t[1].span,
            Span {
                line: 3,
                col: 6,
                len: 3
            }
        );
        assert_eq!(t[5].tok, Tok::Punct("+"));
        assert_eq!(t[6].tok, Tok::Num(4));
    }

    #[test]
    fn bad_numbers_are_errors() {
        let e = tokenize("r0 = 0x", 1, 1).unwrap_err();
        assert_eq!((e.column, e.len), (6, 2));
        let e = tokenize("r0 = 99999999999999999999", 1, 1).unwrap_err();
        assert_eq!(
            e.message,
            "number 99999999999999999999 does not fit in 64 bits"
        );
        assert!(tokenize("r0 = 12ab", 1, 1).is_err());
        assert!(tokenize("r0 = @", 1, 1).is_err());
        assert!(tokenize("r0 s= 1", 1, 1).is_ok());
        assert!(tokenize("init=\"0102", 1, 1).is_err());
    }

    #[test]
    fn strings() {
        let t = tokenize("init=\"0a0b\" x", 1, 1).unwrap();
        assert_eq!(t[2].tok, Tok::Str("0a0b"));
        assert_eq!((t[2].span.col, t[2].span.len), (6, 6));
        assert_eq!(t[3].span.col, 13);
    }
}
