//! Syntax highlighting from the assembler's own lexer, so an editor colours
//! exactly what the assembler reads: the same comments (`#` only after white
//! space), registers, mnemonics of both syntaxes, directives and labels.

use alloc::vec::Vec;

use super::builder::strip_listing_prefix;
use super::cursor::parse_reg;
use super::helper_names::helper_id;
use super::lexer::{tokenize, Tok, Token};
use super::mnemonic;

/// What a piece of a source line is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    /// White space between tokens.
    Space,
    /// A comment, or the address and byte columns of a pasted listing.
    Comment,
    /// `r0`..`r10`, `w0`..`w10`, `%r0`..`%r10`, `fp`.
    Register,
    /// A number (the sign is punctuation).
    Number,
    /// An instruction word (`exit`, `goto`, `mov32`, `ldxw`, `lock`, `be16`,
    /// `atomic_fetch_add`, ...), a type (`u32`, `s8`), or a word of an operand
    /// form (`ll`, `skb`, `map`, `pc`) or of a directive (`key`, `hash`).
    Keyword,
    /// A directive name: `.map`, `.type`.
    Directive,
    /// A label, where defined (`out:`) or used as a jump or call target.
    Label,
    /// A helper name (`bpf_map_lookup_elem`).
    Helper,
    /// Any other name (a map name, say).
    Name,
    /// A quoted string (`init="0a0b"`).
    String,
    /// Operators and punctuation.
    Punct,
    /// Text the lexer cannot read (from there to the end of the line).
    Invalid,
}

/// One coloured run of a line: `line[start..end]` (byte offsets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Highlight {
    /// What it is.
    pub kind: HighlightKind,
    /// Byte offset of its first character in the line.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// Words of the pseudo-C syntax and of operand forms shared by both syntaxes.
const WORDS: [&str; 25] = [
    "exit",
    "call",
    "callx",
    "goto",
    "gotol",
    "if",
    "lock",
    "ll",
    "skb",
    "pc",
    "map",
    "map_idx",
    "func",
    "btf_id",
    "ld_imm64",
    "id",
    "kfunc",
    "local",
    "helper",
    "runtime",
    "fetch",
    "xchg_64",
    "xchg32_32",
    "cmpxchg_64",
    "cmpxchg32_32",
];

fn is_keyword(word: &str) -> bool {
    WORDS.contains(&word)
        || mnemonic::is_mnemonic(word)
        || matches!(
            word,
            "u8" | "u16" | "u32" | "u64" | "s8" | "s16" | "s32" | "s64"
        )
        || word.starts_with("atomic_")
        || word.starts_with("atomic64_")
        || ["be", "le", "bswap"].iter().any(|p| {
            word.strip_prefix(p)
                .is_some_and(|b| matches!(b, "16" | "32" | "64"))
        })
}

/// Colours one line of source, covering every byte of it in order.
///
/// ```
/// use vm_core::asm::{highlight_line, HighlightKind::*};
/// let line = "out: if r1 > 5 goto out ; done";
/// let kinds: Vec<_> = highlight_line(line)
///     .into_iter()
///     .filter(|h| h.kind != Space)
///     .map(|h| (h.kind, &line[h.start..h.end]))
///     .collect();
/// assert_eq!(kinds, [
///     (Label, "out"), (Punct, ":"), (Keyword, "if"), (Register, "r1"), (Punct, ">"),
///     (Number, "5"), (Keyword, "goto"), (Label, "out"), (Comment, "; done"),
/// ]);
/// ```
pub fn highlight_line(line: &str) -> Vec<Highlight> {
    // Byte offset of each character, and of the end.
    let mut bytes: Vec<usize> = line.char_indices().map(|(b, _)| b).collect();
    bytes.push(line.len());
    let byte_at = |col: u32| -> usize {
        let idx = usize::try_from(col.saturating_sub(1)).unwrap_or(usize::MAX);
        bytes.get(idx).copied().unwrap_or(line.len())
    };

    let (code, col0) = strip_listing_prefix(line);
    let code_start = line.len() - code.len();
    let (toks, invalid_from) = match tokenize(code, 1, col0) {
        Ok(t) => (t, None),
        Err(e) => {
            // Everything before the bad token lexes; colour that and mark the rest.
            let bad = byte_at(e.column);
            let prefix_len = bad.saturating_sub(code_start);
            let toks = code
                .get(..prefix_len)
                .and_then(|p| tokenize(p, 1, col0).ok())
                .unwrap_or_default();
            (toks, Some(bad))
        }
    };

    let kinds = classify(&toks);
    let mut out: Vec<Highlight> = Vec::new();
    let mut push = |kind, start: usize, end: usize| {
        if start < end {
            out.push(Highlight { kind, start, end });
        }
    };
    if code_start > 0 {
        // The address and bytes of an objdump or kernel-log line.
        push(HighlightKind::Comment, 0, code_start);
    }
    let mut at = code_start;
    for (t, kind) in toks.iter().zip(kinds) {
        let start = byte_at(t.span.col);
        let end = byte_at(t.span.col.saturating_add(t.span.len));
        push(HighlightKind::Space, at, start);
        push(kind, start, end);
        at = end;
    }
    match invalid_from {
        Some(bad) => {
            push(HighlightKind::Space, at, bad.max(at));
            push(HighlightKind::Invalid, bad.max(at), line.len());
        }
        None => {
            let rest = &line[at..];
            let trimmed = rest.trim_start();
            let comment_start = line.len() - trimmed.len();
            push(HighlightKind::Space, at, comment_start);
            push(HighlightKind::Comment, comment_start, line.len());
        }
    }
    out
}

/// The kind of each token, from its text and its place in the line.
fn classify(toks: &[Token<'_>]) -> Vec<HighlightKind> {
    let mut kinds = Vec::with_capacity(toks.len());
    let mut i = 0;
    // Label definitions.
    while let (
        Some(Token {
            tok: Tok::Ident(_), ..
        }),
        Some(Token {
            tok: Tok::Punct(":"),
            ..
        }),
    ) = (toks.get(i), toks.get(i + 1))
    {
        kinds.push(HighlightKind::Label);
        kinds.push(HighlightKind::Punct);
        i += 2;
    }
    let first = toks.get(i).map(|t| t.tok);
    let directive = matches!(first, Some(Tok::Ident(d)) if d.starts_with('.'));
    let first_word = match first {
        Some(Tok::Ident(w)) => w.to_ascii_lowercase(),
        _ => alloc::string::String::new(),
    };
    // A mnemonic jump's target is its last operand.
    let mnemonic_jump = first_word.starts_with('j') && mnemonic::is_mnemonic(&first_word);
    let last = toks.len().saturating_sub(1);
    for (j, t) in toks.iter().enumerate().skip(i) {
        let prev = j.checked_sub(1).and_then(|p| toks.get(p)).map(|t| t.tok);
        let kind = match t.tok {
            Tok::Num(_) => HighlightKind::Number,
            Tok::Str(_) => HighlightKind::String,
            Tok::Punct(_) => HighlightKind::Punct,
            Tok::Ident(_) if directive && j == i => HighlightKind::Directive,
            Tok::Ident(_) if directive => {
                // `.map NAME, TYPE, key=4`: the name is a name, the rest keywords.
                if j == i + 1 {
                    HighlightKind::Name
                } else {
                    HighlightKind::Keyword
                }
            }
            Tok::Ident(w) if parse_reg(w).is_some() => HighlightKind::Register,
            Tok::Ident(w) if helper_id(w).is_some() => HighlightKind::Helper,
            Tok::Ident(w)
                if matches!(prev, Some(Tok::Ident("goto" | "gotol" | "local")))
                    || (mnemonic_jump && j == last && j > i)
                    || (matches!(prev, Some(Tok::Ident("call"))) && !is_keyword(w)) =>
            {
                HighlightKind::Label
            }
            Tok::Ident(w) if is_keyword(w) || is_keyword(&w.to_ascii_lowercase()) => {
                HighlightKind::Keyword
            }
            Tok::Ident(_) => HighlightKind::Name,
        };
        kinds.push(kind);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::HighlightKind::*;
    use super::*;

    fn kinds(line: &str) -> Vec<(HighlightKind, &str)> {
        let hs = highlight_line(line);
        // Every byte is covered, in order.
        let mut at = 0;
        for h in &hs {
            assert_eq!(h.start, at, "{line}: {hs:?}");
            assert!(h.end > h.start);
            at = h.end;
        }
        assert_eq!(at, line.len(), "{line}: {hs:?}");
        hs.into_iter()
            .filter(|h| h.kind != Space)
            .map(|h| (h.kind, &line[h.start..h.end]))
            .collect()
    }

    #[test]
    fn pseudo_c() {
        assert_eq!(
            kinds("  r1 = *(u32 *)(r10 - 8) // load"),
            [
                (Register, "r1"),
                (Punct, "="),
                (Punct, "*"),
                (Punct, "("),
                (Keyword, "u32"),
                (Punct, "*"),
                (Punct, ")"),
                (Punct, "("),
                (Register, "r10"),
                (Punct, "-"),
                (Number, "8"),
                (Punct, ")"),
                (Comment, "// load"),
            ]
        );
        assert_eq!(
            kinds("call bpf_map_lookup_elem#1"),
            [
                (Keyword, "call"),
                (Helper, "bpf_map_lookup_elem"),
                (Punct, "#"),
                (Number, "1")
            ]
        );
        assert_eq!(
            kinds("call my_func"),
            [(Keyword, "call"), (Label, "my_func")]
        );
        assert_eq!(
            kinds("r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)")[2],
            (Keyword, "atomic_fetch_add")
        );
        assert_eq!(
            kinds("r1 = map[counts] ll"),
            [
                (Register, "r1"),
                (Punct, "="),
                (Keyword, "map"),
                (Punct, "["),
                (Name, "counts"),
                (Punct, "]"),
                (Keyword, "ll"),
            ]
        );
    }

    #[test]
    fn mnemonic_directives_and_listings() {
        assert_eq!(
            kinds("jeq %r1, 0x10, done # taken"),
            [
                (Keyword, "jeq"),
                (Register, "%r1"),
                (Punct, ","),
                (Number, "0x10"),
                (Punct, ","),
                (Label, "done"),
                (Comment, "# taken"),
            ]
        );
        assert_eq!(
            kinds(".map counts, hash, key=4, init=\"00ff\""),
            [
                (Directive, ".map"),
                (Name, "counts"),
                (Punct, ","),
                (Keyword, "hash"),
                (Punct, ","),
                (Keyword, "key"),
                (Punct, "="),
                (Number, "4"),
                (Punct, ","),
                (Keyword, "init"),
                (Punct, "="),
                (String, "\"00ff\""),
            ]
        );
        assert_eq!(
            kinds("3: (95) exit"),
            [(Comment, "3: (95)"), (Keyword, "exit")]
        );
        assert_eq!(kinds("# only a comment"), [(Comment, "# only a comment")]);
        assert_eq!(kinds(""), []);
    }

    #[test]
    fn unreadable_text_is_marked_to_the_end() {
        assert_eq!(
            kinds("r0 = @bad r1"),
            [(Register, "r0"), (Punct, "="), (Invalid, "@bad r1")]
        );
        assert_eq!(
            kinds("r0 = 0x ; c"),
            [(Register, "r0"), (Punct, "="), (Invalid, "0x ; c")]
        );
        // Characters of any width keep byte offsets right.
        assert_eq!(
            kinds("r0 = 1 ; é ü"),
            [
                (Register, "r0"),
                (Punct, "="),
                (Number, "1"),
                (Comment, "; é ü")
            ]
        );
        assert_eq!(kinds("é r0"), [(Invalid, "é r0")]);
    }
}
