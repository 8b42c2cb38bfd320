//! Syntax highlighting for both assembly syntaxes (pseudo-C `r0 = 42` and
//! mnemonic `mov r0, 42`). It only colours; the assembler in `vm-core`
//! decides what is valid.

/// What a piece of source text is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `; ...`, `// ...` or `# ...` to the end of the line.
    Comment,
    /// `r0`..`r10`, `w0`..`w10`, `fp`.
    Register,
    /// Decimal, hex (`0x2a`) or negative numbers.
    Number,
    /// Instruction words: `exit`, `call`, `goto`, `if`, mnemonics, sizes.
    Keyword,
    /// `name:` at the start of a line, or a jump target.
    Label,
    /// Operators and punctuation.
    Punct,
    /// Other words (helper names, map names).
    Ident,
    /// Spaces and tabs.
    Space,
}

/// One coloured run of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// Its kind.
    pub kind: TokenKind,
    /// The text, a slice of the line.
    pub text: &'a str,
}

const KEYWORDS: &[&str] = &[
    "exit",
    "call",
    "goto",
    "if",
    "lddw",
    "ld_map_fd",
    "be16",
    "be32",
    "be64",
    "le16",
    "le32",
    "le64",
    "bswap16",
    "bswap32",
    "bswap64",
    "u8",
    "u16",
    "u32",
    "u64",
    "s8",
    "s16",
    "s32",
    "s64",
    "ll",
    "lock",
    "map",
    "mov",
    "mov32",
    "add",
    "add32",
    "sub",
    "sub32",
    "mul",
    "mul32",
    "div",
    "div32",
    "mod",
    "mod32",
    "or",
    "or32",
    "and",
    "and32",
    "xor",
    "xor32",
    "lsh",
    "lsh32",
    "rsh",
    "rsh32",
    "arsh",
    "arsh32",
    "neg",
    "neg32",
    "ja",
    "jeq",
    "jne",
    "jgt",
    "jge",
    "jlt",
    "jle",
    "jset",
    "jsgt",
    "jsge",
    "jslt",
    "jsle",
    "ldxb",
    "ldxh",
    "ldxw",
    "ldxdw",
    "stxb",
    "stxh",
    "stxw",
    "stxdw",
    "stb",
    "sth",
    "stw",
    "stdw",
    "ldabsb",
    "ldabsh",
    "ldabsw",
    "ldindb",
    "ldindh",
    "ldindw",
    "sdiv",
    "smod",
    "movsx",
    "ldxsb",
    "ldxsh",
    "ldxsw",
];

fn is_register(word: &str) -> bool {
    if word == "fp" {
        return true;
    }
    let Some(rest) = word.strip_prefix('r').or_else(|| word.strip_prefix('w')) else {
        return false;
    };
    matches!(
        rest,
        "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "10"
    )
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Splits one line into coloured tokens; concatenating their text gives
/// the line back exactly.
pub fn tokenize_line(line: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = line;
    let mut at_line_start = true;
    while let Some(c) = rest.chars().next() {
        let (kind, len) = if c == ';' || c == '#' || rest.starts_with("//") {
            (TokenKind::Comment, rest.len())
        } else if c == ' ' || c == '\t' {
            let n = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            (TokenKind::Space, n)
        } else if c.is_ascii_digit()
            || (c == '-' && rest[1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            let n = 1 + rest[1..]
                .find(|d: char| !is_word_char(d))
                .unwrap_or(rest.len() - 1);
            (TokenKind::Number, n)
        } else if is_word_char(c) {
            let n = rest.find(|d: char| !is_word_char(d)).unwrap_or(rest.len());
            let word = &rest[..n];
            let kind = if is_register(word) {
                TokenKind::Register
            } else if KEYWORDS.contains(&word) {
                TokenKind::Keyword
            } else if at_line_start && rest[n..].starts_with(':') {
                TokenKind::Label
            } else if word.starts_with('.') {
                TokenKind::Keyword
            } else {
                TokenKind::Ident
            };
            (kind, n)
        } else {
            (TokenKind::Punct, c.len_utf8())
        };
        let (text, tail) = rest.split_at(len);
        if kind != TokenKind::Space {
            at_line_start = false;
        }
        tokens.push(Token { kind, text });
        rest = tail;
    }
    tokens
}

impl TokenKind {
    /// The CSS class that colours this kind.
    pub fn class(self) -> &'static str {
        match self {
            TokenKind::Comment => "tok-comment",
            TokenKind::Register => "tok-reg",
            TokenKind::Number => "tok-num",
            TokenKind::Keyword => "tok-kw",
            TokenKind::Label => "tok-label",
            TokenKind::Punct => "tok-punct",
            TokenKind::Ident => "tok-ident",
            TokenKind::Space => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(TokenKind, &str)> {
        tokenize_line(line)
            .into_iter()
            .filter(|t| t.kind != TokenKind::Space)
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn pseudo_c_assignment() {
        assert_eq!(
            kinds("r0 = 42 ; answer"),
            [
                (TokenKind::Register, "r0"),
                (TokenKind::Punct, "="),
                (TokenKind::Number, "42"),
                (TokenKind::Comment, "; answer"),
            ]
        );
    }

    #[test]
    fn mnemonic_with_negative_offset_and_label() {
        assert_eq!(
            kinds("out: stxdw [r10-8], r1"),
            [
                (TokenKind::Label, "out"),
                (TokenKind::Punct, ":"),
                (TokenKind::Keyword, "stxdw"),
                (TokenKind::Punct, "["),
                (TokenKind::Register, "r10"),
                (TokenKind::Number, "-8"),
                (TokenKind::Punct, "]"),
                (TokenKind::Punct, ","),
                (TokenKind::Register, "r1"),
            ]
        );
    }

    #[test]
    fn tokens_cover_the_line_exactly() {
        let line = "\tif r1 > 0x10 goto +3 // jump é";
        let joined: String = tokenize_line(line).iter().map(|t| t.text).collect();
        assert_eq!(joined, line);
    }

    #[test]
    fn r11_is_not_a_register() {
        assert_eq!(kinds("r11"), [(TokenKind::Ident, "r11")]);
    }
}
