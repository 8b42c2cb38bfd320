//! Optional vim keys for the editor: a small modal state machine over the
//! text and the cursor. It knows nothing of the DOM: each key gives an
//! [`Action`] that the editor applies to its `<textarea>` (edits go through
//! the browser's own editing commands, so native undo/redo keeps working).
//!
//! Supported: normal and insert modes; counts; motions `h j k l w b e 0 ^ $
//! gg G`; `i a I A o O`; `x X r D C J p P u` and Ctrl+R; the operators `d c y`
//! with any motion, doubled for whole lines (`dd cc yy`). Positions are byte
//! offsets into the text, always at character boundaries.

/// The editing mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Keys are commands.
    Normal,
    /// Keys type text; Escape returns to normal mode.
    Insert,
}

/// What the editor must do with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Let the browser handle the key as usual.
    PassThrough,
    /// Swallow the key (part of a command, or not a command).
    Ignore,
    /// Put the cursor at this byte offset.
    Move(usize),
    /// Replace `start..end` with `text`, then put the cursor at `cursor`
    /// (an offset into the text after the edit).
    Edit {
        /// First byte replaced.
        start: usize,
        /// End of the replaced bytes (exclusive).
        end: usize,
        /// The new text.
        text: String,
        /// Where the cursor goes afterwards.
        cursor: usize,
    },
    /// The browser's undo.
    Undo,
    /// The browser's redo.
    Redo,
}

/// The vim state of one editor.
#[derive(Clone, Debug)]
pub struct Vim {
    mode: Mode,
    /// Keys of a command typed so far (count, operator, `g`, `r`).
    pending: String,
    /// The unnamed register, and whether it holds whole lines.
    register: String,
    linewise: bool,
}

impl Default for Vim {
    fn default() -> Self {
        Vim {
            mode: Mode::Normal,
            pending: String::new(),
            register: String::new(),
            linewise: false,
        }
    }
}

/// How a motion's range is taken by an operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Up to, not including, the target (`w`, `h`, `0`).
    Exclusive,
    /// Including the character at the target (`e`, `$`).
    Inclusive,
    /// Whole lines from the cursor's to the target's (`j`, `gg`).
    Linewise,
}

impl Vim {
    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The keys of an unfinished command, for the status line.
    pub fn pending(&self) -> &str {
        &self.pending
    }

    /// Handles one key (`KeyboardEvent.key`), with Ctrl held or not, on `text`
    /// with the cursor at byte `cursor`.
    pub fn key(&mut self, key: &str, ctrl: bool, text: &str, cursor: usize) -> Action {
        let cursor = clamp_to_boundary(text, cursor);
        if self.mode == Mode::Insert {
            if key == "Escape" || (ctrl && key == "[") {
                self.mode = Mode::Normal;
                let start = line_start(text, cursor);
                return Action::Move(if cursor > start {
                    prev_char(text, cursor)
                } else {
                    cursor
                });
            }
            return Action::PassThrough;
        }
        if key == "Escape" {
            self.pending.clear();
            return Action::Ignore;
        }
        if ctrl {
            if key == "r" {
                self.pending.clear();
                return Action::Redo;
            }
            // Copy, paste, select all...: the browser's.
            return Action::PassThrough;
        }
        let mut chars = key.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            // Arrows, Home, Tab, function keys: the browser's.
            return if key.starts_with("Arrow")
                || matches!(key, "Home" | "End" | "PageUp" | "PageDown")
            {
                Action::PassThrough
            } else {
                Action::Ignore
            };
        };
        self.pending.push(c);
        let command = core::mem::take(&mut self.pending);
        match self.command(&command, text, cursor) {
            Some(action) => action,
            None => {
                // Not complete yet: keep it, unless it can never complete.
                if is_prefix(&command) {
                    self.pending = command;
                }
                Action::Ignore
            }
        }
    }

    /// A complete command's action, or `None` while it is incomplete (or invalid).
    fn command(&mut self, command: &str, text: &str, cursor: usize) -> Option<Action> {
        let (count, rest) = split_count(command);
        let n = count.unwrap_or(1).max(1);
        // `r<char>` replaces the character under the cursor.
        if let Some(with) = rest.strip_prefix('r') {
            let c = with.chars().next()?;
            let end = line_end(text, cursor);
            if cursor >= end {
                return Some(Action::Ignore);
            }
            let next = next_char(text, cursor);
            return Some(Action::Edit {
                start: cursor,
                end: next,
                text: c.to_string(),
                cursor,
            });
        }
        let op = rest.chars().next()?;
        if matches!(op, 'd' | 'c' | 'y') {
            let motion = &rest[1..];
            if motion.is_empty() {
                return None;
            }
            let (count2, motion) = split_count(motion);
            if motion.is_empty() {
                return None;
            }
            let both = match (count, count2) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(1).max(1) * b.unwrap_or(1).max(1)),
            };
            return if motion.starts_with(op) && motion.len() == 1 {
                Some(self.on_lines(op, text, cursor, both.unwrap_or(1) - 1))
            } else {
                let (target, kind) = motion_target(motion, text, cursor, both, op == 'c')?;
                Some(self.operate(op, text, cursor, target, kind))
            };
        }
        let action = match rest {
            "i" => self.insert_at(cursor),
            "a" => self.insert_at(if cursor < line_end(text, cursor) {
                next_char(text, cursor)
            } else {
                cursor
            }),
            "I" => self.insert_at(first_non_blank(text, line_start(text, cursor))),
            "A" => self.insert_at(line_end(text, cursor)),
            "o" => {
                let end = line_end(text, cursor);
                self.mode = Mode::Insert;
                Action::Edit {
                    start: end,
                    end,
                    text: "\n".into(),
                    cursor: end + 1,
                }
            }
            "O" => {
                let start = line_start(text, cursor);
                self.mode = Mode::Insert;
                Action::Edit {
                    start,
                    end: start,
                    text: "\n".into(),
                    cursor: start,
                }
            }
            "x" => {
                let end = line_end(text, cursor);
                let mut stop = cursor;
                for _ in 0..n {
                    if stop < end {
                        stop = next_char(text, stop);
                    }
                }
                self.delete(text, cursor, stop, cursor)
            }
            "X" => {
                let start = line_start(text, cursor);
                let mut from = cursor;
                for _ in 0..n {
                    if from > start {
                        from = prev_char(text, from);
                    }
                }
                self.delete(text, from, cursor, from)
            }
            "D" => self.operate('d', text, cursor, line_end(text, cursor), Kind::Exclusive),
            "C" => self.operate('c', text, cursor, line_end(text, cursor), Kind::Exclusive),
            "J" => join_lines(text, cursor),
            "p" | "P" => self.put(rest == "p", text, cursor),
            "u" => Action::Undo,
            _ => {
                let (target, _) = motion_target(rest, text, cursor, count, false)?;
                Action::Move(rest_on_char(text, target))
            }
        };
        Some(action)
    }

    fn insert_at(&mut self, at: usize) -> Action {
        self.mode = Mode::Insert;
        Action::Move(at)
    }

    fn delete(&mut self, text: &str, start: usize, end: usize, cursor: usize) -> Action {
        if start >= end {
            return Action::Ignore;
        }
        self.register = text[start..end].to_string();
        self.linewise = false;
        Action::Edit {
            start,
            end,
            text: String::new(),
            cursor,
        }
    }

    /// `dd`, `cc`, `yy` on this line and `extra` more.
    fn on_lines(&mut self, op: char, text: &str, cursor: usize, extra: usize) -> Action {
        let start = line_start(text, cursor);
        let mut end = line_end(text, cursor);
        for _ in 0..extra {
            if end < text.len() {
                end = line_end(text, end + 1);
            }
        }
        self.lines_op(op, text, start, end)
    }

    /// An operator on whole lines `start..end` (`end` at a line's end).
    fn lines_op(&mut self, op: char, text: &str, start: usize, end: usize) -> Action {
        self.register = format!("{}\n", &text[start..end]);
        self.linewise = true;
        match op {
            // The cursor stays where it is.
            'y' => Action::Ignore,
            'c' => {
                self.mode = Mode::Insert;
                let indent = first_non_blank(text, start);
                Action::Edit {
                    start: indent,
                    end,
                    text: String::new(),
                    cursor: indent,
                }
            }
            _ => {
                // Take the line break too: the one after, or for the last line the one before.
                let (from, to) = if end < text.len() {
                    (start, end + 1)
                } else if start > 0 {
                    (start - 1, end)
                } else {
                    (start, end)
                };
                let after = format!("{}{}", &text[..from], &text[to..]);
                let line = line_start(&after, from.min(after.len()));
                Action::Edit {
                    start: from,
                    end: to,
                    text: String::new(),
                    cursor: first_non_blank(&after, line),
                }
            }
        }
    }

    fn operate(
        &mut self,
        op: char,
        text: &str,
        cursor: usize,
        target: usize,
        kind: Kind,
    ) -> Action {
        if kind == Kind::Linewise {
            let (a, b) = (cursor.min(target), cursor.max(target));
            return self.lines_op(op, text, line_start(text, a), line_end(text, b));
        }
        let (mut start, mut end) = (cursor.min(target), cursor.max(target));
        if kind == Kind::Inclusive && end < text.len() && end < line_end(text, end) {
            end = next_char(text, end);
        }
        if op == 'y' {
            self.register = text[start..end].to_string();
            self.linewise = false;
            return Action::Move(start);
        }
        if op == 'c' {
            self.mode = Mode::Insert;
        }
        if start == end {
            return if op == 'c' {
                Action::Move(start)
            } else {
                Action::Ignore
            };
        }
        start = start.min(text.len());
        self.register = text[start..end].to_string();
        self.linewise = false;
        Action::Edit {
            start,
            end,
            text: String::new(),
            cursor: start,
        }
    }

    fn put(&mut self, after: bool, text: &str, cursor: usize) -> Action {
        if self.register.is_empty() {
            return Action::Ignore;
        }
        if self.linewise {
            let body = self.register.trim_end_matches('\n');
            if after {
                let end = line_end(text, cursor);
                Action::Edit {
                    start: end,
                    end,
                    text: format!("\n{body}"),
                    cursor: first_non_blank_str(body) + end + 1,
                }
            } else {
                let start = line_start(text, cursor);
                Action::Edit {
                    start,
                    end: start,
                    text: format!("{body}\n"),
                    cursor: start + first_non_blank_str(body),
                }
            }
        } else {
            let at = if after && cursor < line_end(text, cursor) {
                next_char(text, cursor)
            } else {
                cursor
            };
            let len = self.register.len();
            Action::Edit {
                start: at,
                end: at,
                text: self.register.clone(),
                cursor: prev_char(&format!("{}{}", &text[..at], self.register), at + len),
            }
        }
    }
}

/// True when more keys could complete `command`.
fn is_prefix(command: &str) -> bool {
    let (_, rest) = split_count(command);
    if rest.is_empty() {
        return true;
    }
    let rest = rest
        .strip_prefix(['d', 'c', 'y'])
        .map(|m| split_count(m).1)
        .unwrap_or(rest);
    matches!(rest, "" | "g" | "r")
}

/// A leading count (`12dd` -> 12, `dd`).
fn split_count(command: &str) -> (Option<usize>, &str) {
    let digits = command
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() && !(*i == 0 && *c == '0'))
        .count();
    if digits == 0 {
        return (None, command);
    }
    (command[..digits].parse().ok(), &command[digits..])
}

/// Where a motion goes, repeated `n` times, and how an operator takes it.
/// `for_change`: `cw` acts like `ce`, as in vim.
fn motion_target(
    motion: &str,
    text: &str,
    cursor: usize,
    count: Option<usize>,
    for_change: bool,
) -> Option<(usize, Kind)> {
    let n = count.unwrap_or(1).max(1);
    let mut pos = cursor;
    let kind = match motion {
        "h" => {
            for _ in 0..n {
                if pos > line_start(text, pos) {
                    pos = prev_char(text, pos);
                }
            }
            Kind::Exclusive
        }
        "l" | " " => {
            for _ in 0..n {
                if pos < line_end(text, pos) {
                    pos = next_char(text, pos);
                }
            }
            Kind::Exclusive
        }
        "j" | "k" => {
            let col = text[line_start(text, pos)..pos].chars().count();
            for _ in 0..n {
                pos = if motion == "j" {
                    let end = line_end(text, pos);
                    if end >= text.len() {
                        break;
                    }
                    at_column(text, end + 1, col)
                } else {
                    let start = line_start(text, pos);
                    if start == 0 {
                        break;
                    }
                    at_column(text, line_start(text, start - 1), col)
                };
            }
            Kind::Linewise
        }
        "w" | "b" | "e" => {
            // `cw` acts like `ce`, as in vim.
            let (step, kind): (fn(&str, usize) -> usize, Kind) = match motion {
                "w" if !for_change => (next_word_start, Kind::Exclusive),
                "b" => (prev_word_start, Kind::Exclusive),
                _ => (word_end, Kind::Inclusive),
            };
            for _ in 0..n {
                pos = step(text, pos);
            }
            kind
        }
        "0" => {
            pos = line_start(text, pos);
            Kind::Exclusive
        }
        "^" => {
            pos = first_non_blank(text, line_start(text, pos));
            Kind::Exclusive
        }
        "$" => {
            pos = line_end(text, pos);
            for _ in 1..n {
                if pos < text.len() {
                    pos = line_end(text, pos + 1);
                }
            }
            Kind::Inclusive
        }
        "gg" | "G" => {
            // A count names the line; without one, `gg` is the first and `G` the last.
            pos = match (count, motion) {
                (Some(line), _) => nth_line_start(text, line - 1),
                (None, "gg") => 0,
                (None, _) => last_line_start(text),
            };
            pos = first_non_blank(text, pos);
            Kind::Linewise
        }
        _ => return None,
    };
    Some((pos, kind))
}

fn clamp_to_boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

fn next_char(text: &str, pos: usize) -> usize {
    text[pos..]
        .chars()
        .next()
        .map_or(pos, |c| pos + c.len_utf8())
}

fn prev_char(text: &str, pos: usize) -> usize {
    text[..pos]
        .chars()
        .next_back()
        .map_or(pos, |c| pos - c.len_utf8())
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i)
}

fn first_non_blank(text: &str, start: usize) -> usize {
    start + first_non_blank_str(&text[start..line_end(text, start)])
}

fn first_non_blank_str(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// In normal mode the cursor sits on a character, not after the last one.
fn rest_on_char(text: &str, pos: usize) -> usize {
    let (start, end) = (line_start(text, pos), line_end(text, pos));
    if pos >= end && end > start {
        prev_char(text, end)
    } else {
        pos
    }
}

/// The offset `col` characters into the line starting at `start` (or its last character).
fn at_column(text: &str, start: usize, col: usize) -> usize {
    let end = line_end(text, start);
    let mut pos = start;
    for _ in 0..col {
        if pos >= end {
            break;
        }
        pos = next_char(text, pos);
    }
    rest_on_char(text, pos)
}

fn nth_line_start(text: &str, line: usize) -> usize {
    let mut pos = 0;
    for _ in 0..line {
        match text[pos..].find('\n') {
            Some(i) if pos + i + 1 < text.len() => pos += i + 1,
            _ => return last_line_start(text),
        }
    }
    pos
}

/// The start of the last line; a final line break ends that line rather than
/// starting an empty one, as in vim.
fn last_line_start(text: &str) -> usize {
    line_start(text, text.strip_suffix('\n').unwrap_or(text).len())
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Class {
    Blank,
    Word,
    Punct,
}

fn class(c: char) -> Class {
    if c.is_whitespace() {
        Class::Blank
    } else if c.is_alphanumeric() || c == '_' {
        Class::Word
    } else {
        Class::Punct
    }
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text[pos..].chars().next()
}

fn next_word_start(text: &str, mut pos: usize) -> usize {
    let Some(c) = char_at(text, pos) else {
        return pos;
    };
    let start_class = class(c);
    if start_class != Class::Blank {
        while char_at(text, pos).is_some_and(|c| class(c) == start_class) {
            pos = next_char(text, pos);
        }
    }
    while char_at(text, pos).is_some_and(|c| class(c) == Class::Blank) {
        pos = next_char(text, pos);
    }
    pos
}

fn prev_word_start(text: &str, mut pos: usize) -> usize {
    while pos > 0 && class(text[..pos].chars().next_back().unwrap_or(' ')) == Class::Blank {
        pos = prev_char(text, pos);
    }
    let Some(c) = text[..pos].chars().next_back() else {
        return pos;
    };
    let k = class(c);
    while pos > 0
        && text[..pos]
            .chars()
            .next_back()
            .is_some_and(|c| class(c) == k)
    {
        pos = prev_char(text, pos);
    }
    pos
}

fn word_end(text: &str, pos: usize) -> usize {
    let mut p = next_char(text, pos);
    while char_at(text, p).is_some_and(|c| class(c) == Class::Blank) {
        p = next_char(text, p);
    }
    let Some(c) = char_at(text, p) else {
        return pos;
    };
    let k = class(c);
    while char_at(text, next_char(text, p)).is_some_and(|c| class(c) == k) {
        p = next_char(text, p);
    }
    p
}

/// `J`: the next line joins this one, with one space between.
fn join_lines(text: &str, cursor: usize) -> Action {
    let end = line_end(text, cursor);
    if end >= text.len() {
        return Action::Ignore;
    }
    let next = first_non_blank(text, end + 1);
    let trimmed = text[..end].trim_end_matches([' ', '\t']).len();
    Action::Edit {
        start: trimmed,
        end: next,
        text: " ".into(),
        cursor: trimmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies keys to `text` with the cursor at `cursor`; returns the text,
    /// the cursor and the mode after.
    fn run(text: &str, cursor: usize, keys: &[&str]) -> (String, usize, Mode) {
        let mut vim = Vim::default();
        let mut text = text.to_string();
        let mut cursor = cursor;
        for key in keys {
            match vim.key(key, false, &text, cursor) {
                Action::Move(to) => cursor = to,
                Action::Edit {
                    start,
                    end,
                    text: with,
                    cursor: to,
                } => {
                    text.replace_range(start..end, &with);
                    cursor = to;
                }
                Action::PassThrough if vim.mode() == Mode::Insert => {
                    text.insert_str(cursor, key);
                    cursor += key.len();
                }
                _ => {}
            }
        }
        (text, cursor, vim.mode())
    }

    const PROG: &str = "r0 = 0\n  r1 += 2\nexit\n";

    #[test]
    fn motions_move_by_char_word_and_line() {
        assert_eq!(run(PROG, 0, &["l", "l"]).1, 2);
        assert_eq!(run(PROG, 0, &["w"]).1, 3);
        assert_eq!(run(PROG, 0, &["w", "w"]).1, 5);
        assert_eq!(run(PROG, 5, &["b"]).1, 3);
        assert_eq!(run(PROG, 0, &["e"]).1, 1);
        assert_eq!(run(PROG, 0, &["$"]).1, 5);
        assert_eq!(run(PROG, 4, &["0"]).1, 0);
        assert_eq!(run(PROG, 7, &["^"]).1, 9);
        // j keeps the column; 2j moves two lines.
        assert_eq!(run(PROG, 1, &["j"]).1, 8);
        assert_eq!(run(PROG, 1, &["2", "j"]).1, 18);
        assert_eq!(run(PROG, 17, &["k"]).1, 7);
        assert_eq!(run(PROG, 17, &["g", "g"]).1, 0);
        assert_eq!(run(PROG, 0, &["G"]).1, 17);
        assert_eq!(run(PROG, 0, &["2", "G"]).1, 9);
        assert_eq!(run(PROG, 17, &["1", "G"]).1, 0);
        // h stops at the line start, l at the last character.
        assert_eq!(run(PROG, 7, &["h"]).1, 7);
        assert_eq!(run(PROG, 4, &["9", "l"]).1, 5);
    }

    #[test]
    fn insert_commands_enter_insert_mode_where_vim_does() {
        assert_eq!(run(PROG, 0, &["A", "!"]).0, "r0 = 0!\n  r1 += 2\nexit\n");
        assert_eq!(run(PROG, 7, &["I", "#"]).0, "r0 = 0\n  #r1 += 2\nexit\n");
        assert_eq!(run(PROG, 0, &["a", "x"]).0, "rx0 = 0\n  r1 += 2\nexit\n");
        let (text, _, mode) = run(PROG, 0, &["o", "r2 = 1"]);
        assert_eq!(text, "r0 = 0\nr2 = 1\n  r1 += 2\nexit\n");
        assert_eq!(mode, Mode::Insert);
        assert_eq!(run(PROG, 8, &["O", "x"]).0, "r0 = 0\nx\n  r1 += 2\nexit\n");
        // Escape returns to normal mode, one character to the left.
        let (_, cursor, mode) = run(PROG, 0, &["A", "Escape"]);
        assert_eq!((cursor, mode), (5, Mode::Normal));
    }

    #[test]
    fn deletes_changes_and_yanks() {
        assert_eq!(run(PROG, 0, &["x"]).0, "0 = 0\n  r1 += 2\nexit\n");
        assert_eq!(run(PROG, 0, &["3", "x"]).0, "= 0\n  r1 += 2\nexit\n");
        assert_eq!(run(PROG, 0, &["d", "w"]).0, "= 0\n  r1 += 2\nexit\n");
        assert_eq!(run(PROG, 3, &["D"]).0, "r0 \n  r1 += 2\nexit\n");
        assert_eq!(run(PROG, 9, &["d", "d"]).0, "r0 = 0\nexit\n");
        assert_eq!(run(PROG, 0, &["2", "d", "d"]).0, "exit\n");
        assert_eq!(run(PROG, 0, &["d", "j"]).0, "exit\n");
        assert_eq!(run(PROG, 0, &["d", "$"]).0, "\n  r1 += 2\nexit\n");
        let (text, cursor, mode) = run(PROG, 0, &["c", "w", "r9"]);
        assert_eq!(
            (text.as_str(), cursor, mode),
            ("r9 = 0\n  r1 += 2\nexit\n", 2, Mode::Insert)
        );
        assert_eq!(
            run(PROG, 9, &["c", "c", "r3 = 3"]).0,
            "r0 = 0\n  r3 = 3\nexit\n"
        );
        assert_eq!(run(PROG, 0, &["r", "w"]).0, "w0 = 0\n  r1 += 2\nexit\n");
        assert_eq!(run(PROG, 0, &["J"]).0, "r0 = 0 r1 += 2\nexit\n");
        // The last line takes the line break before it.
        assert_eq!(run("a\nb", 2, &["d", "d"]).0, "a");
    }

    #[test]
    fn yank_and_put_lines_and_words() {
        let cases: [(usize, &[&str], &str); 5] = [
            (0, &["y", "y", "p"], "r0 = 0\nr0 = 0\n  r1 += 2\nexit\n"),
            (17, &["y", "y", "k", "P"], "r0 = 0\nexit\n  r1 += 2\nexit\n"),
            (0, &["d", "d", "p"], "  r1 += 2\nr0 = 0\nexit\n"),
            (0, &["y", "w", "$", "p"], "r0 = 0r0 \n  r1 += 2\nexit\n"),
            (0, &["x", "p"], "0r = 0\n  r1 += 2\nexit\n"),
        ];
        for (cursor, keys, after) in cases {
            assert_eq!(run(PROG, cursor, keys).0, after, "{keys:?}");
        }
    }

    #[test]
    fn unknown_and_partial_keys_type_nothing() {
        let (text, _, mode) = run(PROG, 0, &["q", "z", "d", "Escape", "Tab"]);
        assert_eq!((text.as_str(), mode), (PROG, Mode::Normal));
        let mut vim = Vim::default();
        assert_eq!(vim.key("d", false, PROG, 0), Action::Ignore);
        assert_eq!(vim.pending(), "d");
        assert_eq!(vim.key("u", false, PROG, 0), Action::Ignore);
        assert_eq!(vim.pending(), "");
        assert_eq!(vim.key("u", false, PROG, 0), Action::Undo);
        assert_eq!(vim.key("r", true, PROG, 0), Action::Redo);
        assert_eq!(vim.key("c", true, PROG, 0), Action::PassThrough);
        assert_eq!(vim.key("ArrowUp", false, PROG, 0), Action::PassThrough);
    }

    #[test]
    fn never_panics_on_any_key_text_and_cursor() {
        let texts = ["", "\n", "é\n日本\n", "a", PROG, "  \n\t\n"];
        let keys = [
            "h", "j", "k", "l", "w", "b", "e", "0", "^", "$", "g", "G", "x", "X", "D", "C", "J",
            "p", "P", "d", "c", "y", "r", "i", "a", "I", "A", "o", "O", "2", "Escape", "u",
        ];
        for text in texts {
            for cursor in 0..=text.len() + 1 {
                for a in keys {
                    for b in keys {
                        let mut vim = Vim::default();
                        let mut t = text.to_string();
                        for key in [a, b, "d", "d", "p"] {
                            if let Action::Edit {
                                start,
                                end,
                                text: with,
                                ..
                            } = vim.key(key, false, &t, cursor.min(t.len()))
                            {
                                t.replace_range(start..end, &with);
                            }
                        }
                    }
                }
            }
        }
    }
}
