//! Errors about the input, printed the way compilers print them, so editors
//! and terminals that jump to `FILE:LINE:COLUMN` work with ours too:
//!
//! ```text
//! prog.s:2:8: error: expected a type (u8, u16, u32, u64, s8, s16, s32), found 'u33'
//!     2 | r1 = *(u33 *)(r2 + 0)
//!       |        ^~~
//! prog.bin: error: at byte offset 8 (insn 1): unknown opcode 0xff
//! prog.o: error: section xdp, offset 0x8: bad instruction: unknown opcode 0xff
//! bpfplay run: error: --map-entry counts: expected MAP:KEYHEX=VALUEHEX
//! ```
//!
//! Bytecode and object errors carry their place in the message (the core's
//! `DecodeError` names the byte offset, `ElfError` the section and offset);
//! an error in a command-line argument is about the command, not a file.

use std::fmt;

use vm_core::asm::AsmError;

/// One error, with where it is and, for source text, the line it is on.
#[derive(Debug)]
pub struct Diagnostic {
    /// `FILE`, or `bpfplay CMD` for an argument.
    origin: String,
    /// Set for an error in source text.
    span: Option<Span>,
    message: String,
    /// `(origin, text)` of notes printed after the error.
    notes: Vec<(String, String)>,
}

/// Where in source text an error is, and that line's text.
#[derive(Debug)]
struct Span {
    line: u32,
    column: u32,
    len: u32,
    text: Option<String>,
}

impl Diagnostic {
    /// An error in the file `name` (bytecode, object, or unreadable).
    pub fn file(name: &str, message: impl fmt::Display) -> Diagnostic {
        Diagnostic {
            origin: name.to_string(),
            span: None,
            message: message.to_string(),
            notes: Vec::new(),
        }
    }

    /// The assembler's error in `src`, the text of the file `name`.
    pub fn source(name: &str, src: &str, e: &AsmError) -> Diagnostic {
        let index = usize::try_from(e.line.saturating_sub(1)).unwrap_or(usize::MAX);
        Diagnostic {
            origin: name.to_string(),
            span: Some(Span {
                line: e.line,
                column: e.column,
                len: e.len,
                text: src.lines().nth(index).map(str::to_string),
            }),
            message: e.message.clone(),
            notes: Vec::new(),
        }
    }

    /// An error of `command` (`bpfplay run`) rather than of a file: in an
    /// argument, or writing the output.
    pub fn command(command: &str, message: impl fmt::Display) -> Diagnostic {
        Diagnostic::file(command, message)
    }

    /// The same error with a note from `origin` after it.
    pub fn with_note(mut self, origin: &str, note: impl fmt::Display) -> Diagnostic {
        self.notes.push((origin.to_string(), note.to_string()));
        self
    }

    /// The message alone, without where it is.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The source line, for an error in source text.
    pub fn line(&self) -> Option<u32> {
        self.span.as_ref().map(|s| s.line)
    }

    /// The source column, for an error in source text.
    pub fn column(&self) -> Option<u32> {
        self.span.as_ref().map(|s| s.column)
    }

    /// The first line: `FILE[:LINE:COLUMN]: error: MESSAGE`.
    pub fn headline(&self) -> String {
        match &self.span {
            Some(s) => format!(
                "{}:{}:{}: error: {}",
                self.origin, s.line, s.column, self.message
            ),
            None => format!("{}: error: {}", self.origin, self.message),
        }
    }
}

/// Prints `d` to standard error, or with `json` (`run --json`) as one
/// `{"error": {...}}` object on standard output.
pub fn report(d: &Diagnostic, json: bool) {
    if json {
        let error = serde_json::json!({
            "insn": null,
            "line": d.line(),
            "column": d.column(),
            "message": d.headline(),
        });
        println!("{}", serde_json::json!({ "error": error }));
    } else {
        eprint!("{d}");
    }
}

/// Tab stops every 8 columns, as terminals and compilers show them.
const TAB: usize = 8;

/// The line with its tabs expanded, and the display columns where the
/// characters `first..first + len` (0-based) start and end; a span past the
/// end of the line marks the place just after it.
fn expand(text: &str, first: usize, len: usize) -> (String, usize, usize) {
    let mut out = String::new();
    let mut width = 0;
    let (mut start, mut end) = (None, None);
    for (i, c) in text.chars().enumerate() {
        if i == first {
            start = Some(width);
        }
        if i == first.saturating_add(len) {
            end = Some(width);
        }
        let cells = if c == '\t' { TAB - width % TAB } else { 1 };
        if c == '\t' || c.is_control() {
            out.extend(std::iter::repeat_n(' ', cells));
        } else {
            out.push(c);
        }
        width += cells;
    }
    let start = start.unwrap_or(width);
    let end = end.unwrap_or(width).max(start + 1);
    (out, start, end)
}

impl fmt::Display for Diagnostic {
    /// The headline, then for source text the line under a gutter with its
    /// number and `^~~` under the bad columns, then the notes; each line ends
    /// with a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        if let Some(Span {
            line,
            column,
            len,
            text: Some(text),
        }) = &self.span
        {
            let first = usize::try_from(column.saturating_sub(1)).unwrap_or(0);
            let len = usize::try_from((*len).max(1)).unwrap_or(1);
            let (shown, start, end) = expand(text, first, len);
            let number = line.to_string();
            let width = number.len().max(4);
            let pad = " ".repeat(width);
            writeln!(f, " {number:>width$} | {shown}")?;
            writeln!(
                f,
                " {pad} | {}^{}",
                " ".repeat(start),
                "~".repeat(end - start - 1)
            )?;
        }
        for (origin, note) in &self.notes {
            writeln!(f, "{origin}: note: {note}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vm_core::asm::assemble;

    fn error(src: &str) -> String {
        let e = assemble(src).unwrap_err();
        Diagnostic::source("p.s", src, &e).to_string()
    }

    #[test]
    fn source_errors_show_the_line_and_underline_the_columns() {
        assert_eq!(
            error("r0 = 0\n  r1 = *(u33 *)(r2 + 0)\nexit"),
            "p.s:2:10: error: expected a type (u8, u16, u32, u64, s8, s16, s32), found 'u33'\n    \
             2 |   r1 = *(u33 *)(r2 + 0)\n      |          ^~~\n"
        );
    }

    #[test]
    fn tabs_expand_in_the_line_and_under_it_alike() {
        let shown = error("\tr1 = *(u33 *)(r2 + 0)\nexit");
        assert_eq!(
            shown.lines().skip(1).collect::<Vec<_>>(),
            [
                "    1 |         r1 = *(u33 *)(r2 + 0)",
                "      |                ^~~"
            ]
        );
    }

    #[test]
    fn a_span_past_the_end_of_the_line_marks_just_after_it() {
        assert_eq!(expand("r0 =", 4, 1), ("r0 =".to_string(), 4, 5));
        assert_eq!(expand("a\tb", 2, 3), ("a       b".to_string(), 8, 9));
    }

    #[test]
    fn file_and_usage_errors_are_one_line_with_notes_after() {
        let d = Diagnostic::file("p.bin", "at byte offset 8 (insn 1): unknown opcode 0xff")
            .with_note("bpfplay run", "from --prog-array jmp:1=p.bin");
        assert_eq!(
            d.to_string(),
            "p.bin: error: at byte offset 8 (insn 1): unknown opcode 0xff\n\
             bpfplay run: note: from --prog-array jmp:1=p.bin\n"
        );
        assert_eq!(d.line(), None);
        assert_eq!(
            Diagnostic::command("bpfplay run", "--args: \"x\" is not a number").to_string(),
            "bpfplay run: error: --args: \"x\" is not a number\n"
        );
    }
}
