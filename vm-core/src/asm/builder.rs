//! What both syntaxes share once a line is tokenized: labels, directives,
//! instruction emission with the source map, and resolution of label and map
//! references when the whole source has been read.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::cursor::Cursor;
use super::helper_names;
use super::lexer::{Span, Tok, Token};
use super::AsmError;
use crate::isa::{CallTarget, Insn, LdImm64Kind, Reg};
use crate::program::{MapDef, MapType, Program, ProgramType, SourceMap};

/// A reference resolved when the whole source has been read.
#[derive(Clone, Debug)]
pub(crate) enum Fixup {
    /// A jump, local call or function address to a label.
    Target(String, Span),
    /// `call NAME`: a local function if a label has that name, else a helper.
    CallName(String, Span),
    /// A map by name: its index goes into `imm` of the `lddw`.
    Map(String, Span),
}

#[derive(Default)]
pub(crate) struct Builder {
    insns: Vec<Insn>,
    lines: Vec<u32>,
    fixups: Vec<(usize, Fixup)>,
    /// Label name -> (instruction index, where it was defined).
    labels: BTreeMap<String, (usize, Span)>,
    maps: Vec<MapDef>,
    map_lines: Vec<u32>,
    prog_type: Option<(ProgramType, u32)>,
    /// The first `exit` of a mnemonic source: the target of `exit` as a label
    /// when no label of that name is defined (as the conformance suite writes).
    first_exit: Option<usize>,
}

impl Builder {
    pub fn emit(&mut self, insn: Insn, line: u32) {
        self.insns.push(insn);
        self.lines.push(line);
    }

    /// Records an `exit` of the mnemonic syntax (see `first_exit`).
    pub fn note_exit(&mut self) {
        if self.first_exit.is_none() {
            self.first_exit = Some(self.insns.len());
        }
    }

    /// The instruction a label names.
    fn label(&self, name: &str) -> Option<usize> {
        self.labels
            .get(name)
            .map(|(idx, _)| *idx)
            .or(if name == "exit" {
                self.first_exit
            } else {
                None
            })
    }

    pub fn emit_fixup(&mut self, insn: Insn, line: u32, fixup: Fixup) {
        self.fixups.push((self.insns.len(), fixup));
        self.emit(insn, line);
    }

    /// Emits both slots of an `lddw`.
    pub fn emit_lddw(
        &mut self,
        dst: Reg,
        kind: LdImm64Kind,
        imm: i32,
        next_imm: i32,
        line: u32,
        fixup: Option<Fixup>,
    ) {
        if let Some(f) = fixup {
            self.fixups.push((self.insns.len(), f));
        }
        self.emit(
            Insn::LdImm64 {
                dst,
                kind,
                imm,
                next_imm,
            },
            line,
        );
        // The second slot has no line of its own (see `SourceMap`).
        self.emit(Insn::LdImm64Tail, 0);
    }

    /// Handles labels and directives at the start of a line. Returns the
    /// cursor over the instruction that follows, if any.
    pub fn line_prologue<'a>(
        &mut self,
        toks: Vec<Token<'a>>,
        line: u32,
    ) -> Result<Option<Cursor<'a>>, AsmError> {
        // `0000000000000000 <prog>:`, llvm-objdump's function header.
        if let [Token {
            tok: Tok::Num(_), ..
        }, Token {
            tok: Tok::Punct("<"),
            ..
        }, Token {
            tok: Tok::Ident(name),
            span,
        }, Token {
            tok: Tok::Punct(">"),
            ..
        }, Token {
            tok: Tok::Punct(":"),
            ..
        }] = toks.as_slice()
        {
            self.define_label(name, *span)?;
            return Ok(None);
        }
        // `<L0>:`, a label of `llvm-objdump --symbolize-operands`.
        if let [Token {
            tok: Tok::Punct("<"),
            ..
        }, Token {
            tok: Tok::Ident(name),
            span,
        }, Token {
            tok: Tok::Punct(">"),
            ..
        }, Token {
            tok: Tok::Punct(":"),
            ..
        }] = toks.as_slice()
        {
            self.define_label(name, *span)?;
            return Ok(None);
        }
        let mut c = Cursor::new(toks, line);
        while let (Some(Tok::Ident(name)), Some(Tok::Punct(":"))) = (c.peek(), c.peek_at(1)) {
            let span = c.span();
            self.define_label(name, span)?;
            c.bump();
            c.bump();
        }
        if let Some(Tok::Ident(d)) = c.peek() {
            if d.starts_with('.') {
                self.directive(&mut c, line)?;
                return Ok(None);
            }
        }
        if c.at_end() {
            return Ok(None);
        }
        Ok(Some(c))
    }

    fn define_label(&mut self, name: &str, span: Span) -> Result<(), AsmError> {
        if let Some((_, first)) = self.labels.get(name) {
            return Err(span.error(format!(
                "label '{name}' is already defined on line {}",
                first.line
            )));
        }
        self.labels
            .insert(name.to_string(), (self.insns.len(), span));
        Ok(())
    }

    fn directive(&mut self, c: &mut Cursor<'_>, line: u32) -> Result<(), AsmError> {
        let (name, span) = c.ident("a directive")?;
        match name {
            ".map" => self.map_directive(c, span, line),
            ".entry" => self.entry_directive(c, span),
            ".type" => {
                let (t, tspan) = c.ident("a program type name")?;
                let pt = ProgramType::from_name(t).ok_or_else(|| {
                    tspan.error(format!(
                        "expected a program type (xdp, socket_filter, sched_cls, kprobe, tracepoint), found '{t}'"
                    ))
                })?;
                if let Some((_, first)) = self.prog_type {
                    return Err(
                        span.error(format!("the program type is already set on line {first}"))
                    );
                }
                self.prog_type = Some((pt, line));
                c.expect_end()
            }
            _ => Err(span.error(format!(
                "expected a directive (.map, .entry or .type), found '{name}'"
            ))),
        }
    }

    /// `.map NAME, TYPE, key=N, value=N, max_entries=N[, flags=N][, init="HEX"]`
    fn map_directive(&mut self, c: &mut Cursor<'_>, span: Span, line: u32) -> Result<(), AsmError> {
        let (name, nspan) = c.ident("a map name")?;
        if let Some(i) = self.maps.iter().position(|m| m.name == name) {
            let first = self.map_lines.get(i).copied().unwrap_or(0);
            return Err(nspan.error(format!("map '{name}' is already declared on line {first}")));
        }
        c.eat(",");
        let (ty, tspan) = c.ident("a map type")?;
        let map_type = MapType::from_name(ty).ok_or_else(|| {
            let names: Vec<&str> = MapType::ALL.iter().map(|t| t.name()).collect();
            tspan.error(format!(
                "expected a map type ({}), found '{ty}'",
                names.join(", ")
            ))
        })?;
        let (mut key, mut value, mut max, mut flags) = (None, None, None, None);
        let mut init: Option<(Vec<u8>, Span)> = None;
        while !c.at_end() {
            c.eat(",");
            let (field, fspan) = c.ident("key=, value=, max_entries=, flags= or init=")?;
            c.expect("=")?;
            if field == "init" {
                if init.is_some() {
                    return Err(fspan.error("init is given twice"));
                }
                let at = c.span();
                let Some(Tok::Str(hex)) = c.peek() else {
                    return Err(c.expected("the initial value as quoted hex (\"0a0b...\")"));
                };
                c.bump();
                let bytes = parse_hex(hex).ok_or_else(|| {
                    at.error(format!(
                        "expected an even number of hex digits, found \"{hex}\""
                    ))
                })?;
                init = Some((bytes, at));
                continue;
            }
            let (v, vspan) = c.int("a number")?;
            let v = u32::try_from(v)
                .map_err(|_| vspan.error(format!("{field} must be 0 to 4294967295, found {v}")))?;
            let slot = match field {
                "key" | "key_size" => &mut key,
                "value" | "value_size" => &mut value,
                "max_entries" | "entries" => &mut max,
                "flags" | "map_flags" => &mut flags,
                _ => {
                    return Err(fspan.error(format!(
                        "expected key=, value=, max_entries=, flags= or init=, found '{field}'"
                    )))
                }
            };
            if slot.is_some() {
                return Err(fspan.error(format!("{field} is given twice")));
            }
            *slot = Some(v);
        }
        let max_entries = max.ok_or_else(|| {
            span.to(c.prev_span())
                .error("expected max_entries=N in the .map directive")
        })?;
        let value_size = value.unwrap_or(0);
        if let Some((bytes, at)) = &init {
            if u32::try_from(bytes.len()).map_or(true, |n| n > value_size) {
                return Err(at.error(format!(
                    "init has {} bytes but the value is {value_size} bytes",
                    bytes.len()
                )));
            }
        }
        self.maps.push(MapDef {
            name: name.to_string(),
            map_type,
            key_size: key.unwrap_or(0),
            value_size,
            max_entries,
            flags: flags.unwrap_or(0),
            initial_value: init.map(|(bytes, _)| bytes),
            initial_entries: Vec::new(),
        });
        self.map_lines.push(line);
        Ok(())
    }

    /// `.entry NAME, key=BYTES, value=BYTES`: an element user space puts in a
    /// declared map before the program runs. See [`bytes_operand`] for BYTES.
    fn entry_directive(&mut self, c: &mut Cursor<'_>, span: Span) -> Result<(), AsmError> {
        let (name, nspan) = c.ident("a map name")?;
        let Some(map_idx) = self.maps.iter().position(|m| m.name == name) else {
            return Err(nspan.error(format!(
                "undefined map '{name}': declare it with .map before its .entry lines"
            )));
        };
        let mut key: Option<(Vec<u8>, Span)> = None;
        let mut value: Option<(Vec<u8>, Span)> = None;
        while !c.at_end() {
            c.eat(",");
            let (field, fspan) = c.ident("key= or value=")?;
            c.expect("=")?;
            let slot = match field {
                "key" => &mut key,
                "value" => &mut value,
                _ => return Err(fspan.error(format!("expected key= or value=, found '{field}'"))),
            };
            if slot.is_some() {
                return Err(fspan.error(format!("{field} is given twice")));
            }
            *slot = Some(bytes_operand(c)?);
        }
        let Some(map) = self.maps.get_mut(map_idx) else {
            return Ok(());
        };
        let (key, kspan) = key.unwrap_or((Vec::new(), nspan));
        let (value, vspan) = value.ok_or_else(|| {
            span.to(c.prev_span())
                .error("expected value=... in the .entry directive")
        })?;
        let sizes = [
            ("key", &key, map.key_size, kspan),
            ("value", &value, map.value_size, vspan),
        ];
        for (what, bytes, size, at) in sizes {
            if u32::try_from(bytes.len()).ok() != Some(size) {
                return Err(at.error(format!(
                    "{what} has {} bytes but map '{name}' has {size}-byte {what}s",
                    bytes.len()
                )));
            }
        }
        map.initial_entries.push((key, value));
        Ok(())
    }

    /// Resolves references and produces the program.
    pub fn finish(mut self) -> Result<Program, AsmError> {
        let fixups = core::mem::take(&mut self.fixups);
        for (idx, fixup) in fixups {
            self.resolve(idx, fixup)?;
        }
        let functions = self.functions();
        Ok(Program {
            insns: self.insns,
            maps: self.maps,
            prog_type: self.prog_type.map(|(t, _)| t).unwrap_or_default(),
            source_map: SourceMap { lines: self.lines },
            functions,
            ..Program::default()
        })
    }

    fn resolve(&mut self, idx: usize, fixup: Fixup) -> Result<(), AsmError> {
        match fixup {
            Fixup::Target(label, span) => {
                let Some(target) = self.label(&label) else {
                    return Err(span.error(format!("undefined label '{label}'")));
                };
                self.patch_target(idx, target, &label, span)
            }
            Fixup::CallName(name, span) => {
                if let Some(target) = self.label(&name) {
                    if let Some(insn) = self.insns.get_mut(idx) {
                        *insn = Insn::Call(CallTarget::Local(0));
                    }
                    return self.patch_target(idx, target, &name, span);
                }
                let id = helper_names::helper_id(&name).ok_or_else(|| {
                    span.error(format!(
                        "expected a helper name (bpf_map_lookup_elem, ...) or a function label, found '{name}'"
                    ))
                })?;
                if let Some(insn) = self.insns.get_mut(idx) {
                    *insn = Insn::Call(CallTarget::Helper(id));
                }
                Ok(())
            }
            Fixup::Map(name, span) => {
                let Some(map_idx) = self.maps.iter().position(|m| m.name == name) else {
                    return Err(span.error(format!(
                        "undefined map '{name}': declare it with .map {name}, TYPE, key=N, value=N, max_entries=N"
                    )));
                };
                if let Some(Insn::LdImm64 { imm, .. }) = self.insns.get_mut(idx) {
                    *imm = i32::try_from(map_idx).unwrap_or(i32::MAX);
                }
                Ok(())
            }
        }
    }

    fn patch_target(
        &mut self,
        idx: usize,
        target: usize,
        label: &str,
        span: Span,
    ) -> Result<(), AsmError> {
        let delta = target as i64 - (idx as i64 + 1);
        let Some(insn) = self.insns.get_mut(idx) else {
            return Ok(());
        };
        apply_delta(insn, delta).map_err(|range| {
            span.error(format!(
                "label '{label}' is {delta} instructions away: {range}"
            ))
        })
    }

    /// Emits a jump, local call or function address to `target`.
    pub fn emit_branch(
        &mut self,
        mut insn: Insn,
        line: u32,
        target: Target<'_>,
    ) -> Result<(), AsmError> {
        match target {
            Target::Offset(delta, span) => {
                let delta = i64::try_from(delta).unwrap_or(i64::MAX);
                apply_delta(&mut insn, delta)
                    .map_err(|range| span.error(format!("offset {delta} out of range: {range}")))?;
                if let Insn::LdImm64 {
                    dst,
                    kind,
                    imm,
                    next_imm,
                } = insn
                {
                    self.emit_lddw(dst, kind, imm, next_imm, line, None);
                } else {
                    self.emit(insn, line);
                }
            }
            Target::Label(name, span) => {
                let fixup = Fixup::Target(name.to_string(), span);
                if let Insn::LdImm64 {
                    dst,
                    kind,
                    imm,
                    next_imm,
                } = insn
                {
                    self.emit_lddw(dst, kind, imm, next_imm, line, Some(fixup));
                } else {
                    self.emit_fixup(insn, line, fixup);
                }
            }
        }
        Ok(())
    }

    /// The main program and every local-call (or function-address) target, named
    /// by the first label defined there.
    fn functions(&self) -> Vec<(usize, String)> {
        let mut by_index: BTreeMap<usize, &str> = BTreeMap::new();
        let mut labels: Vec<(&String, &(usize, Span))> = self.labels.iter().collect();
        labels.sort_by_key(|(_, (_, span))| (span.line, span.col));
        for (name, (idx, _)) in labels {
            by_index.entry(*idx).or_insert(name.as_str());
        }
        let mut entries: Vec<usize> = self
            .insns
            .iter()
            .enumerate()
            .filter(|(_, insn)| {
                matches!(
                    insn,
                    Insn::Call(CallTarget::Local(_))
                        | Insn::LdImm64 {
                            kind: LdImm64Kind::Func,
                            ..
                        }
                )
            })
            .filter_map(|(pc, insn)| insn.branch_target(pc))
            .filter_map(|t| usize::try_from(t).ok())
            .filter(|t| *t < self.insns.len())
            .collect();
        entries.push(0);
        entries.sort_unstable();
        entries.dedup();
        entries
            .into_iter()
            .map(|idx| {
                let name = match by_index.get(&idx) {
                    Some(n) => (*n).to_string(),
                    None if idx == 0 && !self.labels.contains_key("main") => "main".to_string(),
                    None => format!("func_{idx}"),
                };
                (idx, name)
            })
            .collect()
    }
}

/// The bytes of a `.entry` key or value: parts joined by `+`, each one of
/// - `"0a000001"`: hex bytes in memory order;
/// - `u8:N`, `u16:N`, `u32:N`, `u64:N`: an integer, little-endian (host order
///   on the machines BPF runs on); `be16:N`, `be32:N`, `be64:N`: big-endian
///   (network order); N may be negative;
/// - `ip:10.0.0.1`: an IPv4 address, network order;
/// - `lpm:24:PART`: a `struct bpf_lpm_trie_key`, the prefix length as a u32
///   then the data (`lpm:24:ip:10.1.2.0`, or `lpm:24:10.1.2.0` for short).
///
/// Returns the bytes and the span of the whole operand.
fn bytes_operand(c: &mut Cursor<'_>) -> Result<(Vec<u8>, Span), AsmError> {
    let start = c.span();
    let mut out = Vec::new();
    loop {
        bytes_part(c, &mut out)?;
        if !c.eat("+") {
            break;
        }
    }
    Ok((out, start.to(c.prev_span())))
}

/// One part of [`bytes_operand`], appended to `out`.
fn bytes_part(c: &mut Cursor<'_>, out: &mut Vec<u8>) -> Result<(), AsmError> {
    const WHAT: &str =
        "bytes (\"HEX\", u8/u16/u32/u64:N, be16/be32/be64:N, ip:A.B.C.D or lpm:LEN:ADDR)";
    let at = c.span();
    match c.peek() {
        Some(Tok::Str(hex)) => {
            c.bump();
            let bytes = parse_hex(hex).ok_or_else(|| {
                at.error(format!(
                    "expected an even number of hex digits, found \"{hex}\""
                ))
            })?;
            out.extend_from_slice(&bytes);
            Ok(())
        }
        Some(Tok::Num(_)) => ipv4(c, out),
        Some(Tok::Ident(kind)) => {
            let width = match kind {
                "u8" => Some((1, false)),
                "u16" => Some((2, false)),
                "u32" => Some((4, false)),
                "u64" => Some((8, false)),
                "be16" => Some((2, true)),
                "be32" => Some((4, true)),
                "be64" => Some((8, true)),
                "ip" | "lpm" => None,
                _ => return Err(c.expected(WHAT)),
            };
            c.bump();
            c.expect(":")?;
            match (kind, width) {
                ("ip", _) => ipv4(c, out),
                ("lpm", _) => {
                    let (len, lspan) = c.int("a prefix length")?;
                    c.expect(":")?;
                    let prefix_len = u32::try_from(len).map_err(|_| {
                        lspan.error(format!("expected a prefix length, found {len}"))
                    })?;
                    out.extend_from_slice(&prefix_len.to_le_bytes());
                    let data_start = out.len();
                    let dspan = c.span();
                    bytes_part(c, out)?;
                    let bits = (out.len() - data_start).saturating_mul(8);
                    if usize::try_from(prefix_len).map_or(true, |l| l > bits) {
                        return Err(dspan.to(c.prev_span()).error(format!(
                            "prefix length {prefix_len} is longer than the {bits} bits of data"
                        )));
                    }
                    Ok(())
                }
                (_, Some((bytes, big_endian))) => {
                    let (v, vspan) = c.int("an integer")?;
                    let bits = 8 * bytes;
                    let fits = v >= -(1i128 << (bits - 1)) && v < (1i128 << bits);
                    if !fits {
                        return Err(
                            vspan.error(format!("{v} does not fit in {kind} ({bits} bits)"))
                        );
                    }
                    // Two's complement of a negative value, in `bytes` bytes.
                    let le = (v as u64).to_le_bytes();
                    let le = le.get(..bytes).unwrap_or(&le);
                    if big_endian {
                        out.extend(le.iter().rev());
                    } else {
                        out.extend_from_slice(le);
                    }
                    Ok(())
                }
                _ => Err(at.error(format!("expected {WHAT}"))),
            }
        }
        _ => Err(c.expected(WHAT)),
    }
}

/// `A.B.C.D` (the lexer reads `A` as a number and `.B.C.D` as a name) as
/// four bytes in network order.
fn ipv4(c: &mut Cursor<'_>, out: &mut Vec<u8>) -> Result<(), AsmError> {
    let at = c.span();
    let (Some(Tok::Num(a)), Some(Tok::Ident(rest))) = (c.peek(), c.peek_at(1)) else {
        return Err(c.expected("an IPv4 address (A.B.C.D)"));
    };
    c.bump();
    c.bump();
    let whole = at.to(c.prev_span());
    let adjacent = at.col.saturating_add(at.len) == c.prev_span().col;
    let octets: Option<Vec<u8>> = core::iter::once(u8::try_from(a).ok())
        .chain(
            rest.strip_prefix('.')
                .unwrap_or("-")
                .split('.')
                .map(|o| o.parse::<u8>().ok().filter(|_| o.len() <= 3)),
        )
        .collect();
    match octets {
        Some(o) if adjacent && o.len() == 4 => {
            out.extend_from_slice(&o);
            Ok(())
        }
        _ => Err(whole.error("expected an IPv4 address (A.B.C.D, each 0 to 255)")),
    }
}

/// Bytes from an even number of hex digits.
fn parse_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}

/// Sets the offset of a jump, local call or function address; on overflow,
/// says which range the instruction has.
fn apply_delta(insn: &mut Insn, delta: i64) -> Result<(), &'static str> {
    const SHORT: &str = "a conditional jump reaches -32768 to 32767";
    match insn {
        Insn::Jump { off, .. } => *off = i16::try_from(delta).map_err(|_| SHORT)?,
        Insn::Ja { off, long: false } => {
            let short =
                i16::try_from(delta).map_err(|_| "goto reaches -32768 to 32767 (use gotol)")?;
            *off = short.into();
        }
        Insn::Ja { off, long: true } | Insn::Call(CallTarget::Local(off)) => {
            *off = i32::try_from(delta).map_err(|_| "the offset must fit in 32 bits")?;
        }
        Insn::LdImm64 { imm, .. } => {
            *imm = i32::try_from(delta).map_err(|_| "the offset must fit in 32 bits")?;
        }
        _ => {}
    }
    Ok(())
}

/// Where a jump goes: a signed offset from the next instruction, or a label.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target<'a> {
    /// `+3`, `-1`, `pc+3`.
    Offset(i128, Span),
    /// `name`.
    Label(&'a str, Span),
}

/// The 1-based column of byte `i` of an ASCII prefix.
fn col_after(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1)
}

/// Strips the listing prefix of a line copied from `llvm-objdump -d`
/// (`      3:\t61 21 04 00 00 00 00 00\t`) or from the kernel verifier log
/// (`3: (61) `), so such listings assemble as they are. Returns the code and
/// the 1-based column where it starts.
pub(crate) fn strip_listing_prefix(line: &str) -> (&str, u32) {
    // The header lines of an llvm-objdump listing carry no code.
    let trimmed = line.trim();
    if trimmed.starts_with("Disassembly of section") || trimmed.contains(":\tfile format ") {
        return ("", 1);
    }
    let b = line.as_bytes();
    let mut i = 0;
    while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
        i += 1;
    }
    let digits = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == digits || b.get(i) != Some(&b':') {
        return (line, 1);
    }
    i += 1;
    let is_hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
    let is_space = |j: usize| b.get(j).is_some_and(|c| *c == b' ' || *c == b'\t');
    if !is_space(i) {
        return (line, 1);
    }
    // Kernel log: `N: (xx) `
    if b.get(i + 1) == Some(&b'(') && is_hex(i + 2) && is_hex(i + 3) && b.get(i + 4) == Some(&b')')
    {
        let start = i + 5;
        return (&line[start..], col_after(start));
    }
    // llvm-objdump: `N:` then whitespace then at least 8 byte pairs, each followed by a space.
    while is_space(i) {
        i += 1;
    }
    let mut pairs = 0;
    while is_hex(i) && is_hex(i + 1) && is_space(i + 2) {
        pairs += 1;
        i += 3;
    }
    // Zero pairs: `llvm-objdump --no-show-raw-insn`.
    if pairs % 8 == 0 {
        (&line[i..], col_after(i))
    } else {
        (line, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::strip_listing_prefix;

    #[test]
    fn listing_prefixes_are_stripped() {
        assert_eq!(
            strip_listing_prefix("       7:\t25 01 03 00 05 00 00 00\tif r1 > 0x5 goto +0x3"),
            ("if r1 > 0x5 goto +0x3", 35)
        );
        assert_eq!(
            strip_listing_prefix("3: (61) r1 = *(u32 *)(r2 +4)"),
            (" r1 = *(u32 *)(r2 +4)", 8)
        );
        assert_eq!(strip_listing_prefix("r0 = 0"), ("r0 = 0", 1));
        assert_eq!(strip_listing_prefix("label: r0 = 0"), ("label: r0 = 0", 1));
        assert_eq!(strip_listing_prefix("12:"), ("12:", 1));
        assert_eq!(strip_listing_prefix("  12:\texit"), ("exit", 7));
    }
}
