//! Reading packets pasted as text: plain hex and the hex dumps that common
//! tools print.
//!
//! | format | example line |
//! |---|---|
//! | plain | `45 00 00 3c`, `0x45, 0x00`, `\x45\x00`, `4500003c` |
//! | `od -Ax -tx1` / text2pcap | `000010 45 00 00 3c` (a last line holding only the end offset; `*` repeats) |
//! | `xxd` | `00000010: 4500 003c  E..<` |
//! | `tcpdump -xx` / `-XX` | `\t0x0010:  4500 003c` (summary lines between packets) |
//! | Wireshark "Copy as Hex Dump" | `0010   45 00 00 3c   E..<` |
//! | scapy `hexdump()` | `0010  45 00 00 3C  E..<` |
//! | `hexdump -C` | `00000010  45 00 00 3c  |E..<|` |
//! | C arrays (Wireshark "Export as C Arrays") | `static const unsigned char pkt1[4] = { 0x45, 0x00, 0x00, 0x3c };` |
//! | Python bytes (scapy `raw(pkt)`) | `b'E\x00\x00<'` |
//!
//! Offset dumps work like text2pcap: the offset says where a line's bytes go,
//! an offset of zero starts a new packet, and the next line's offset says how
//! many bytes a line holds, so the ASCII column is never read as hex. On a
//! packet's last line, the ASCII column is recognised as the text after a gap
//! of two or more spaces that is no longer than the bytes read on that line
//! (or that starts with `|`).

use core::fmt;

use serde::{Deserialize, Serialize};

/// The longest packet an od `*` line may expand to (256 KiB, above any
/// jumbo frame), so a bogus offset cannot exhaust memory.
pub const MAX_PACKET_LEN: usize = 256 * 1024;

/// Which text format a dump was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HexFormat {
    /// Hex digits with optional separators (spaces, newlines, commas, colons)
    /// and `0x` / `\x` prefixes; always one packet.
    Plain,
    /// `od -Ax -tx1` output, or text2pcap input: an offset, then bytes.
    Od,
    /// `xxd` output: `offset:` then groups of hex, then ASCII.
    Xxd,
    /// `tcpdump -xx` (or `-XX`) output: `0xoffset:` lines, one block per packet.
    Tcpdump,
    /// Wireshark's "Copy as Hex Dump" (or "Hex + ASCII Dump").
    Wireshark,
    /// scapy's `hexdump()`.
    Scapy,
    /// `hexdump -C` output, ASCII between `|` bars.
    HexdumpC,
    /// C arrays (`{ 0x45, 0x00, ... }`, as Wireshark exports packets), one
    /// packet per brace block; `/* */` and `//` comments are skipped.
    CArray,
    /// A Python bytes literal (`b'E\x00\x00<'`, what scapy's `raw(pkt)` shows);
    /// several literals are concatenated.
    PythonBytes,
}

impl fmt::Display for HexFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HexFormat::Plain => "plain hex",
            HexFormat::Od => "od -Ax -tx1 / text2pcap",
            HexFormat::Xxd => "xxd",
            HexFormat::Tcpdump => "tcpdump -xx",
            HexFormat::Wireshark => "Wireshark hex dump",
            HexFormat::Scapy => "scapy hexdump",
            HexFormat::HexdumpC => "hexdump -C",
            HexFormat::CArray => "C array",
            HexFormat::PythonBytes => "Python bytes literal",
        })
    }
}

/// Packets read from a hex dump.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexDump {
    /// The format the text was read as.
    pub format: HexFormat,
    /// The packets, in order (offset dumps may hold several).
    pub packets: Vec<Vec<u8>>,
    /// Whether the packets were IP packets given a synthetic Ethernet header
    /// (zero MAC addresses): `tcpdump -x` (one `x`) prints from the IP header,
    /// and the playground's programs read Ethernet frames. Only tcpdump dumps
    /// whose every packet starts with a valid IP header (IPv4 with a correct
    /// header checksum, or IPv6 whose payload length fits) are converted.
    pub ethernet_added: bool,
}

/// Where and why a hex dump could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for HexError {}

fn error(line: usize, column: usize, message: impl Into<String>) -> HexError {
    HexError {
        line: u32::try_from(line + 1).unwrap_or(u32::MAX),
        column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        message: message.into(),
    }
}

/// Reads a hex dump in whichever supported format it is in (see
/// [`detect_format`]).
pub fn parse_hex_dump(text: &str) -> Result<HexDump, HexError> {
    parse_hex_dump_as(text, detect_format(text))
}

/// Reads a hex dump in the given format.
pub fn parse_hex_dump_as(text: &str, format: HexFormat) -> Result<HexDump, HexError> {
    let packets = match format {
        HexFormat::Plain => {
            let bytes = parse_plain_hex(text)?;
            if bytes.is_empty() {
                Vec::new()
            } else {
                vec![bytes]
            }
        }
        HexFormat::CArray => parse_c_arrays(text)?,
        HexFormat::PythonBytes => {
            let bytes = parse_python_bytes(text)?;
            if bytes.is_empty() {
                Vec::new()
            } else {
                vec![bytes]
            }
        }
        _ => parse_offset_dump(text, format)?,
    };
    let mut packets = packets;
    let ethernet_added = format == HexFormat::Tcpdump
        && !packets.is_empty()
        && packets.iter().all(|p| is_ip_packet(p));
    if ethernet_added {
        for packet in &mut packets {
            let ether_type: u16 = if packet[0] >> 4 == 4 { 0x0800 } else { 0x86dd };
            let mut frame = vec![0u8; 12];
            frame.extend_from_slice(&ether_type.to_be_bytes());
            frame.append(packet);
            *packet = frame;
        }
    }
    Ok(HexDump {
        format,
        packets,
        ethernet_added,
    })
}

/// Whether `bytes` start with an IP header rather than an Ethernet one: an
/// IPv4 header whose checksum is right and whose total length fits, or an
/// IPv6 header whose payload length fits. (A MAC address starting with 0x4_
/// or 0x6_ is possible, a valid checksum over it by chance is not likely.)
fn is_ip_packet(bytes: &[u8]) -> bool {
    match bytes.first().map(|b| b >> 4) {
        Some(4) => {
            let ihl = usize::from(bytes[0] & 0xf) * 4;
            let Some(header) = bytes.get(..ihl).filter(|_| ihl >= 20) else {
                return false;
            };
            let total = usize::from(u16::from_be_bytes([header[2], header[3]]));
            let sum = header
                .chunks_exact(2)
                .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
                .sum::<u32>();
            let folded = (sum & 0xffff) + (sum >> 16);
            let folded = (folded & 0xffff) + (folded >> 16);
            folded == 0xffff && total >= ihl && total <= bytes.len()
        }
        Some(6) => {
            bytes.len() >= 40 && {
                let payload = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
                40 + payload <= bytes.len()
            }
        }
        _ => false,
    }
}

/// Reads every `{ ... }` block as one packet of plain hex, with C comments
/// and the text outside the braces blanked out (so errors keep their line and
/// column).
fn parse_c_arrays(text: &str) -> Result<Vec<Vec<u8>>, HexError> {
    #[derive(PartialEq)]
    enum State {
        Outside,
        Inside,
        LineComment(bool),
        BlockComment(bool),
    }
    let chars: Vec<char> = text.chars().collect();
    let mut masked: Vec<char> = chars
        .iter()
        .map(|c| if *c == '\n' { '\n' } else { ' ' })
        .collect();
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut state = State::Outside;
    let mut block_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match state {
            State::Outside | State::Inside if c == '/' && next == Some('/') => {
                state = State::LineComment(state == State::Inside);
                i += 1;
            }
            State::Outside | State::Inside if c == '/' && next == Some('*') => {
                state = State::BlockComment(state == State::Inside);
                i += 1;
            }
            State::Outside if c == '{' => {
                state = State::Inside;
                block_start = i + 1;
            }
            State::Inside if c == '}' => {
                blocks.push((block_start, i));
                state = State::Outside;
            }
            State::Inside => masked[i] = c,
            State::LineComment(inside) if c == '\n' => {
                state = if inside {
                    State::Inside
                } else {
                    State::Outside
                };
            }
            State::BlockComment(inside) if c == '*' && next == Some('/') => {
                state = if inside {
                    State::Inside
                } else {
                    State::Outside
                };
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let mut packets = Vec::new();
    for (start, end) in blocks {
        let block: String = masked
            .iter()
            .enumerate()
            .map(|(j, c)| {
                if (start..end).contains(&j) || *c == '\n' {
                    *c
                } else {
                    ' '
                }
            })
            .collect();
        let bytes = parse_plain_hex(&block)?;
        if !bytes.is_empty() {
            packets.push(bytes);
        }
    }
    Ok(packets)
}

/// Reads Python bytes literals (`b'..'` or `b"..."`, several concatenated):
/// printable ASCII stands for itself, with `\xHH`, `\n`, `\r`, `\t`, `\0`,
/// `\\`, `\'` and `\"` escapes.
pub fn parse_python_bytes(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() || matches!(c, '(' | ')' | '+' | ',') {
                i += 1;
                continue;
            }
            if c == '#' {
                break;
            }
            let quote = match (c, chars.get(i + 1)) {
                ('b' | 'B', Some(q @ ('\'' | '"'))) => *q,
                _ => {
                    return Err(error(
                        line_no,
                        i,
                        format!("expected a bytes literal such as b'\\x45', found `{c}`"),
                    ))
                }
            };
            let open = i;
            i += 2;
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err(error(line_no, open, "unterminated bytes literal"));
                };
                if c == quote {
                    i += 1;
                    break;
                }
                if c != '\\' {
                    if !c.is_ascii() {
                        return Err(error(
                            line_no,
                            i,
                            format!("`{c}` is not ASCII: bytes literals hold ASCII and escapes"),
                        ));
                    }
                    out.push(c as u8);
                    i += 1;
                    continue;
                }
                let escape = chars.get(i + 1).copied();
                let simple = match escape {
                    Some('n') => Some(b'\n'),
                    Some('r') => Some(b'\r'),
                    Some('t') => Some(b'\t'),
                    Some('0') => Some(0),
                    Some('a') => Some(7),
                    Some('b') => Some(8),
                    Some('f') => Some(12),
                    Some('v') => Some(11),
                    Some('\\') => Some(b'\\'),
                    Some('\'') => Some(b'\''),
                    Some('"') => Some(b'"'),
                    _ => None,
                };
                if let Some(b) = simple {
                    out.push(b);
                    i += 2;
                    continue;
                }
                let hex = (escape == Some('x'))
                    .then(|| chars.get(i + 2..i + 4))
                    .flatten()
                    .filter(|d| d.iter().all(char::is_ascii_hexdigit));
                match hex {
                    Some(d) => {
                        out.push((hex_digit(d[0]) << 4) | hex_digit(d[1]));
                        i += 4;
                    }
                    None => {
                        return Err(error(
                            line_no,
                            i,
                            "unknown escape: expected \\xHH, \\n, \\r, \\t, \\0, \\\\ or a quote",
                        ))
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Decides the format: a Python bytes literal (`b'...`); else an offset dump,
/// by the first line that starts with an offset of zero (`0000`, `0x0000:`,
/// `00000000:` ...); else C arrays (braces around `0x` bytes); else plain hex.
pub fn detect_format(text: &str) -> HexFormat {
    let start = text.trim_start();
    if start.starts_with("b'") || start.starts_with("b\"") {
        return HexFormat::PythonBytes;
    }
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("0x") {
            let digits = leading_hex_digits(rest);
            if digits >= 4
                && rest[..digits].bytes().all(|b| b == b'0')
                && rest[digits..].starts_with(':')
            {
                return HexFormat::Tcpdump;
            }
            continue;
        }
        if trimmed.len() != line.len() {
            continue;
        }
        let digits = leading_hex_digits(line);
        if digits < 4 || !line[..digits].bytes().all(|b| b == b'0') {
            continue;
        }
        let rest = &line[digits..];
        if rest.starts_with(':') {
            return HexFormat::Xxd;
        }
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        if rest.is_empty() || !rest.starts_with([' ', '\t']) {
            continue;
        }
        let data = rest.trim_start();
        if rest.contains('|') && digits >= 7 {
            return HexFormat::HexdumpC;
        }
        if digits == 4 && spaces == 3 {
            return HexFormat::Wireshark;
        }
        if digits == 4 && spaces == 2 {
            let first: String = data.chars().take_while(|c| !c.is_whitespace()).collect();
            if first.len() == 2 && first.chars().all(|c| c.is_ascii_hexdigit()) {
                return HexFormat::Scapy;
            }
        }
        return HexFormat::Od;
    }
    if text.contains('{') && text.contains('}') && text.contains("0x") {
        return HexFormat::CArray;
    }
    HexFormat::Plain
}

fn leading_hex_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_hexdigit).count()
}

/// Reads plain hex: pairs of hex digits, optionally with `0x` or `\x`
/// prefixes, separated (or not) by whitespace, commas, colons, semicolons,
/// braces, brackets or quotes. `#` starts a comment to the end of the line.
pub fn parse_plain_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '#' {
                break;
            }
            if c.is_whitespace() || matches!(c, ',' | ':' | ';' | '{' | '}' | '[' | ']' | '"') {
                i += 1;
                continue;
            }
            let start = i;
            let prefixed = (c == '0' || c == '\\')
                && chars
                    .get(i + 1)
                    .is_some_and(|n| *n == 'x' || (c == '0' && *n == 'X'));
            if prefixed {
                i += 2;
            }
            let digits_start = i;
            while i < chars.len() && chars[i].is_ascii_hexdigit() {
                i += 1;
            }
            let digits = &chars[digits_start..i];
            if let Some(bad) = chars.get(i).filter(|n| {
                !(n.is_whitespace()
                    || matches!(
                        n,
                        ',' | ':' | ';' | '{' | '}' | '[' | ']' | '"' | '#' | '\\'
                    ))
            }) {
                return Err(error(
                    line_no,
                    i,
                    format!("expected a hex digit, found `{bad}`"),
                ));
            }
            if digits.is_empty() {
                return Err(error(
                    line_no,
                    start,
                    "expected hex digits after the prefix",
                ));
            }
            if digits.len() == 1 && prefixed {
                out.push(hex_digit(digits[0]));
                continue;
            }
            if digits.len() % 2 != 0 {
                return Err(error(
                    line_no,
                    start,
                    format!(
                        "odd number of hex digits ({}) in `{}`",
                        digits.len(),
                        chars[start..i].iter().collect::<String>()
                    ),
                ));
            }
            out.extend(
                digits
                    .chunks_exact(2)
                    .map(|p| (hex_digit(p[0]) << 4) | hex_digit(p[1])),
            );
        }
    }
    Ok(out)
}

fn hex_digit(c: char) -> u8 {
    c.to_digit(16).map_or(0, |d| d as u8)
}

/// One line of an offset dump after its offset was read.
#[derive(Debug)]
enum DumpLine {
    /// `offset data...`; `data` starts at character column `data_col`.
    Data {
        line: usize,
        offset: usize,
        offset_col: usize,
        data_col: usize,
        chars: Vec<char>,
    },
    /// od's `*`: the previous line repeats up to the next offset.
    Repeat,
    /// A line that separates packets (tcpdump's summary lines).
    Separator,
}

fn parse_offset_dump(text: &str, format: HexFormat) -> Result<Vec<Vec<u8>>, HexError> {
    let mut lines = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed == "*" {
            lines.push(DumpLine::Repeat);
            continue;
        }
        match read_offset(line, format) {
            Some((offset, offset_col, data_col)) => lines.push(DumpLine::Data {
                line: line_no,
                offset,
                offset_col,
                data_col,
                chars: line.chars().collect(),
            }),
            None if format == HexFormat::Tcpdump => lines.push(DumpLine::Separator),
            None => {
                let col = line.len() - line.trim_start().len();
                return Err(error(
                    line_no,
                    line[..col].chars().count(),
                    format!("expected a hex offset at the start of the line ({format} format)"),
                ));
            }
        }
    }

    let mut packets: Vec<Vec<u8>> = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut repeat_pending: Option<Vec<u8>> = None;
    let mut last_line_bytes: Vec<u8> = Vec::new();
    for (index, entry) in lines.iter().enumerate() {
        let (line, offset, offset_col, data_col, chars) = match entry {
            DumpLine::Separator => {
                if !current.is_empty() {
                    packets.push(core::mem::take(&mut current));
                }
                repeat_pending = None;
                continue;
            }
            DumpLine::Repeat => {
                repeat_pending = Some(last_line_bytes.clone());
                continue;
            }
            DumpLine::Data {
                line,
                offset,
                offset_col,
                data_col,
                chars,
            } => (*line, *offset, *offset_col, *data_col, chars),
        };
        if offset == 0 && !current.is_empty() {
            packets.push(core::mem::take(&mut current));
            repeat_pending = None;
        }
        if let Some(pattern) = repeat_pending.take() {
            if offset > MAX_PACKET_LEN {
                return Err(error(
                    line,
                    offset_col,
                    format!(
                        "offset 0x{offset:x} after `*` would make a packet longer than {MAX_PACKET_LEN} bytes"
                    ),
                ));
            }
            if pattern.is_empty() || offset < current.len() {
                return Err(error(
                    line,
                    offset_col,
                    "`*` must follow a line with bytes and precede a larger offset",
                ));
            }
            while current.len() < offset {
                let need = offset - current.len();
                current.extend_from_slice(&pattern[..need.min(pattern.len())]);
            }
        }
        if offset != current.len() {
            return Err(error(
                line,
                offset_col,
                format!(
                    "offset 0x{offset:x} does not follow the {} bytes read so far in this packet (expected 0x{:x})",
                    current.len(),
                    current.len()
                ),
            ));
        }
        // The next data line of the same packet tells how many bytes this line holds.
        let expected = match lines.get(index + 1) {
            Some(DumpLine::Data {
                offset: next_offset,
                ..
            }) if *next_offset > offset => Some(next_offset - offset),
            _ => None,
        };
        let bytes = read_line_bytes(line, data_col, chars, expected)?;
        current.extend_from_slice(&bytes);
        last_line_bytes = bytes;
    }
    if let Some(pattern) = repeat_pending {
        // od ends with the total length; a trailing `*` without it cannot be sized.
        if !pattern.is_empty() {
            return Err(error(
                text.lines().count().saturating_sub(1),
                0,
                "`*` at the end of the dump: the final offset line is missing",
            ));
        }
    }
    if !current.is_empty() {
        packets.push(current);
    }
    Ok(packets)
}

/// Reads a line's offset; returns (offset, offset column, data column).
fn read_offset(line: &str, format: HexFormat) -> Option<(usize, usize, usize)> {
    let indent = line.len() - line.trim_start().len();
    let mut rest = &line[indent..];
    let mut col = line[..indent].chars().count();
    let offset_col = col;
    if let Some(after) = rest.strip_prefix("0x") {
        rest = after;
        col += 2;
    } else if format == HexFormat::Tcpdump {
        return None;
    }
    let digits = leading_hex_digits(rest);
    if digits < 2 {
        return None;
    }
    let offset = usize::from_str_radix(&rest[..digits], 16).ok()?;
    rest = &rest[digits..];
    col += digits;
    if let Some(after) = rest.strip_prefix(':') {
        rest = after;
        col += 1;
    }
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((offset, offset_col, col))
}

/// Reads the bytes of one dump line, starting at `data_col`. With `expected`
/// (known from the next line's offset) exactly that many bytes are read;
/// without it, reading stops at the ASCII column.
fn read_line_bytes(
    line: usize,
    data_col: usize,
    chars: &[char],
    expected: Option<usize>,
) -> Result<Vec<u8>, HexError> {
    let mut bytes = Vec::new();
    let mut i = data_col;
    loop {
        if expected.is_some_and(|n| bytes.len() >= n) {
            break;
        }
        let gap_start = i;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let gap = &chars[gap_start..i];
        let wide_gap = gap.len() >= 2 || gap.contains(&'\t');
        if expected.is_none() && !bytes.is_empty() && wide_gap {
            let rest: String = chars[i..].iter().collect();
            let rest = rest.trim_end();
            if rest.starts_with('|') || rest.chars().count() <= bytes.len() {
                break;
            }
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let token = &chars[start..i];
        if !token.iter().all(char::is_ascii_hexdigit) {
            if expected.is_none() && !bytes.is_empty() && wide_gap {
                break;
            }
            if token.first() == Some(&'|') && !bytes.is_empty() {
                break;
            }
            return Err(error(
                line,
                start,
                format!(
                    "expected hex bytes, found `{}`{}",
                    token.iter().collect::<String>(),
                    match expected {
                        Some(n) => format!(" ({} of {n} bytes read on this line)", bytes.len()),
                        None => String::new(),
                    }
                ),
            ));
        }
        if token.len() % 2 != 0 {
            return Err(error(
                line,
                start,
                format!(
                    "odd number of hex digits in `{}`",
                    token.iter().collect::<String>()
                ),
            ));
        }
        for pair in token.chunks_exact(2) {
            bytes.push((hex_digit(pair[0]) << 4) | hex_digit(pair[1]));
        }
        if let Some(n) = expected {
            if bytes.len() > n {
                return Err(error(
                    line,
                    start,
                    format!(
                        "this line holds {} bytes but the next offset allows {n}",
                        bytes.len()
                    ),
                ));
            }
        }
    }
    if let Some(n) = expected {
        if bytes.len() < n {
            return Err(error(
                line,
                i,
                format!(
                    "expected {n} bytes on this line (up to the next offset), found {}",
                    bytes.len()
                ),
            ));
        }
    }
    Ok(bytes)
}

/// Formats bytes as a dump with a 4-digit offset, 16 bytes a line and an
/// ASCII column (the layout of Wireshark's "Copy as Hex + ASCII Dump");
/// [`parse_hex_dump`] reads it back.
pub fn format_hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (row, chunk) in bytes.chunks(16).enumerate() {
        out.push_str(&format!("{:04x}  ", row * 16));
        for b in chunk {
            out.push_str(&format!(" {b:02x}"));
        }
        for _ in chunk.len()..16 {
            out.push_str("   ");
        }
        out.push_str("   ");
        out.extend(chunk.iter().map(|b| {
            if b.is_ascii_graphic() || *b == b' ' {
                *b as char
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 70-byte TCP SYN that every sample below dumps.
    const SYN: &str = "0200000000020200000000010800450000340001400040067a3b0a0000010a000002\
                       303900500000000100000000a002ffff2d5a0000020405b40402080a000000000000\
                       0000";

    fn syn() -> Vec<u8> {
        parse_plain_hex(SYN).unwrap()
    }

    fn one_packet(text: &str, format: HexFormat) -> Vec<u8> {
        let dump = parse_hex_dump(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(dump.format, format);
        assert_eq!(dump.packets.len(), 1, "{text}");
        dump.packets.into_iter().next().unwrap()
    }

    #[test]
    fn plain_hex_accepts_separators_and_prefixes() {
        assert_eq!(syn().len(), 70);
        let want = vec![0x45, 0x00, 0xab, 0x0c];
        for text in [
            "45 00 ab 0c",
            "4500ab0c",
            "45:00:AB:0c",
            "0x45, 0x00, 0xab, 0x0c",
            "{ 0x45, 0x00, 0xab, 0xc }",
            "\"\\x45\\x00\\xab\\x0c\"",
            "45 00\n  ab\t0c  # trailing comment",
            "0x4500 0xab0c",
        ] {
            assert_eq!(parse_plain_hex(text).unwrap(), want, "{text}");
            assert_eq!(
                parse_hex_dump(text).unwrap().packets,
                vec![want.clone()],
                "{text}"
            );
            if !text.starts_with('{') {
                assert_eq!(detect_format(text), HexFormat::Plain, "{text}");
            }
        }
    }

    #[test]
    fn plain_hex_errors_name_line_and_column() {
        let err = parse_plain_hex("45 00\n00 3g").unwrap_err();
        assert_eq!((err.line, err.column), (2, 5));
        assert!(err.message.contains("`g`"), "{err}");
        assert_eq!(err.to_string(), "2:5: expected a hex digit, found `g`");

        let err = parse_plain_hex("45 0 00").unwrap_err();
        assert_eq!((err.line, err.column), (1, 4));
        assert!(err.message.contains("odd number"), "{err}");

        let err = parse_plain_hex("45 0x").unwrap_err();
        assert_eq!((err.line, err.column), (1, 4));
    }

    #[test]
    fn xxd() {
        let text = "\
00000000: 0200 0000 0002 0200 0000 0001 0800 4500  ..............E.
00000010: 0034 0001 4000 4006 7a3b 0a00 0001 0a00  .4..@.@.z;......
00000020: 0002 3039 0050 0000 0001 0000 0000 a002  ..09.P..........
00000030: ffff 2d5a 0000 0204 05b4 0402 080a 0000  ..-Z............
00000040: 0000 0000 0000                           ......
";
        assert_eq!(one_packet(text, HexFormat::Xxd), syn());
    }

    #[test]
    fn od_with_end_offset() {
        let text = "\
000000 02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00
000010 00 34 00 01 40 00 40 06 7a 3b 0a 00 00 01 0a 00
000020 00 02 30 39 00 50 00 00 00 01 00 00 00 00 a0 02
000030 ff ff 2d 5a 00 00 02 04 05 b4 04 02 08 0a 00 00
000040 00 00 00 00 00 00
000046
";
        assert_eq!(one_packet(text, HexFormat::Od), syn());
    }

    #[test]
    fn od_repeat_marker_repeats_the_previous_line() {
        let text = "\
000000 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
000010 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
*
000040 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a
000050
";
        let mut want: Vec<u8> = (0..16).collect();
        want.extend([0u8; 48]);
        want.extend(b"GET / HTTP/1.1\r\n");
        assert_eq!(one_packet(text, HexFormat::Od), want);
    }

    #[test]
    fn hexdump_canonical() {
        let text = "\
00000000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00  |..............E.|
00000010  00 34 00 01 40 00 40 06  7a 3b 0a 00 00 01 0a 00  |.4..@.@.z;......|
00000020  00 02 30 39 00 50 00 00  00 01 00 00 00 00 a0 02  |..09.P..........|
00000030  ff ff 2d 5a 00 00 02 04  05 b4 04 02 08 0a 00 00  |..-Z............|
00000040  00 00 00 00 00 00                                 |......|
00000046
";
        assert_eq!(one_packet(text, HexFormat::HexdumpC), syn());
        let repeated = "\
00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|
00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00000040  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|
00000050
";
        let packet = one_packet(repeated, HexFormat::HexdumpC);
        assert_eq!(packet.len(), 0x50);
        assert_eq!(&packet[0x40..], b"GET / HTTP/1.1\r\n");
    }

    #[test]
    fn tcpdump_xx_with_several_packets() {
        let text = "\
12:00:00.000000 IP 10.0.0.1.12345 > 10.0.0.2.80: Flags [S], seq 1, win 65535, length 0
\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500
\t0x0010:  0034 0001 4000 4006 7a3b 0a00 0001 0a00
\t0x0020:  0002 3039 0050 0000 0001 0000 0000 a002
\t0x0030:  ffff 2d5a 0000 0204 05b4 0402 080a 0000
\t0x0040:  0000 0000 0000
12:00:00.000001 ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28
\t0x0000:  ffff ffff ffff 0200 0000 0001 0806 0001
\t0x0010:  0800 0604 00
";
        let dump = parse_hex_dump(text).unwrap();
        assert_eq!(dump.format, HexFormat::Tcpdump);
        assert_eq!(dump.packets.len(), 2);
        assert_eq!(dump.packets[0], syn());
        assert_eq!(dump.packets[1].len(), 21);
        assert_eq!(dump.packets[1][20], 0x00);
    }

    #[test]
    fn tcpdump_single_x_gets_an_ethernet_header() {
        // `tcpdump -x` prints from the IPv4 header (checksum 0x26c1 is right).
        let ip = "4500 0034 0001 4000 4006 26c1 0a00 0001 0a00 0002 3039 0050 0000 0001 \
                  0000 0000 a002 ffff 2d5a 0000 0204 05b4 0402 080a 0000 0000 0000 0000";
        let text = "\
12:00:00.000000 IP 10.0.0.1.12345 > 10.0.0.2.80: Flags [S], seq 1, win 65535, length 0
\t0x0000:  4500 0034 0001 4000 4006 26c1 0a00 0001
\t0x0010:  0a00 0002 3039 0050 0000 0001 0000 0000
\t0x0020:  a002 ffff 2d5a 0000 0204 05b4 0402 080a
\t0x0030:  0000 0000 0000 0000
";
        let dump = parse_hex_dump(text).unwrap();
        assert!(dump.ethernet_added);
        let mut want = vec![0u8; 12];
        want.extend([0x08, 0x00]);
        want.extend(parse_plain_hex(ip).unwrap());
        assert_eq!(dump.packets, vec![want]);
        // A wrong IPv4 checksum: not taken for an IP packet.
        let damaged = text.replace("26c1", "26c2");
        assert!(!parse_hex_dump(&damaged).unwrap().ethernet_added);
        // `-xx` output starts with the Ethernet header and is left alone.
        let text = "\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500\n";
        let dump = parse_hex_dump(text).unwrap();
        assert!(!dump.ethernet_added);
        assert_eq!(dump.packets[0].len(), 16);
    }

    #[test]
    fn tcpdump_capital_xx_ascii_is_not_read_as_hex() {
        // The ASCII column of the last line ("ab") is itself valid hex.
        let text = "\
\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500  ..............E.
\t0x0010:  6162                                     ab
";
        let packet = one_packet(text, HexFormat::Tcpdump);
        assert_eq!(packet.len(), 18);
        assert_eq!(&packet[16..], b"ab");
    }

    #[test]
    fn wireshark_hex_dump() {
        let text = "\
0000   02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00   ..............E.
0010   00 34 00 01 40 00 40 06 7a 3b 0a 00 00 01 0a 00   .4..@.@.z;......
0020   00 02 30 39 00 50 00 00 00 01 00 00 00 00 a0 02   ..09.P..........
0030   ff ff 2d 5a 00 00 02 04 05 b4 04 02 08 0a 00 00   ..-Z............
0040   00 00 00 00 00 00                                 ......
";
        assert_eq!(one_packet(text, HexFormat::Wireshark), syn());
        // "Copy as Hex Dump" without the ASCII column.
        let hex_only: String = text
            .lines()
            .map(|l| format!("{}\n", &l[..l.len().min(54)].trim_end()))
            .collect();
        assert_eq!(one_packet(&hex_only, HexFormat::Wireshark), syn());
    }

    #[test]
    fn scapy_hexdump() {
        let text = "\
0000  02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00  ..............E.
0010  00 34 00 01 40 00 40 06 7A 3B 0A 00 00 01 0A 00  .4..@.@.z;......
0020  00 02 30 39 00 50 00 00 00 01 00 00 00 00 A0 02  ..09.P..........
0030  FF FF 2D 5A 00 00 02 04 05 B4 04 02 08 0A 00 00  ..-Z............
0040  00 00 00 00 00 00                                ......
";
        assert_eq!(one_packet(text, HexFormat::Scapy), syn());
    }

    #[test]
    fn c_arrays_one_packet_per_block() {
        let text = "\
/* Frame (4 bytes) */
static const unsigned char pkt1[4] = {
0x45, 0x00, /* E. */
0x00, 0x3c // ..
};

static const unsigned char pkt2[2] = {
0xde, 0xad };
";
        let dump = parse_hex_dump(text).unwrap();
        assert_eq!(dump.format, HexFormat::CArray);
        assert_eq!(dump.packets, vec![vec![0x45, 0, 0, 0x3c], vec![0xde, 0xad]]);
        let err = parse_hex_dump("char p[] = {\n  0x45, 0xzz };").unwrap_err();
        assert_eq!((err.line, err.column), (2, 11), "{err}");
    }

    #[test]
    fn python_bytes_literals() {
        let text = "b'E\\x00\\x00<\\x1cF@\\x00' b\"\\n\\t'\\\\\"";
        let dump = parse_hex_dump(text).unwrap();
        assert_eq!(dump.format, HexFormat::PythonBytes);
        assert_eq!(
            dump.packets,
            vec![vec![
                0x45, 0, 0, 0x3c, 0x1c, 0x46, 0x40, 0, b'\n', b'\t', b'\'', b'\\'
            ]]
        );
        let err = parse_hex_dump("b'E\\x0g'").unwrap_err();
        assert_eq!((err.line, err.column), (1, 4), "{err}");
        let err = parse_hex_dump("b'E\\x00").unwrap_err();
        assert_eq!((err.line, err.column), (1, 1), "{err}");
        assert!(err.message.contains("unterminated"), "{err}");
        let err = parse_python_bytes("b'\\x00' 45").unwrap_err();
        assert_eq!((err.line, err.column), (1, 9), "{err}");
    }

    #[test]
    fn format_hex_dump_reads_back() {
        for len in [0usize, 1, 15, 16, 17, 70, 255] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let text = format_hex_dump(&bytes);
            let dump = parse_hex_dump(&text).unwrap();
            if len == 0 {
                assert!(dump.packets.is_empty());
            } else {
                assert_eq!(dump.packets, vec![bytes], "{text}");
            }
        }
    }

    #[test]
    fn offset_dump_errors_name_line_and_column() {
        let text = "0000   45 00 00 3c\n0004   1c zz 40 00\n0008   40 06";
        let err = parse_hex_dump(text).unwrap_err();
        assert_eq!((err.line, err.column), (2, 11), "{err}");
        assert!(err.message.contains("`zz`"), "{err}");

        let text = "00000000: 4500 003c\n00000010: 1c46";
        let err = parse_hex_dump(text).unwrap_err();
        assert_eq!((err.line, err.column), (1, 20), "{err}");
        assert!(err.message.contains("expected 16 bytes"), "{err}");

        let text = "000000 45 00\n000002 00 3c\n000009 00\n";
        let err = parse_hex_dump(text).unwrap_err();
        assert_eq!((err.line, err.column), (2, 13), "{err}");
        assert!(err.message.contains("expected 7 bytes"), "{err}");

        let text = "000000 45 00\n000002 00 3c\n000001 00\n";
        let err = parse_hex_dump(text).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1), "{err}");
        assert!(
            err.message
                .contains("offset 0x1 does not follow the 4 bytes"),
            "{err}"
        );

        let text = "00000000: 4500 003c\nhello there\n";
        let err = parse_hex_dump(text).unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
    }

    #[test]
    fn repeat_to_a_huge_offset_is_an_error() {
        let text = "000000 00 01\n*\nffffffffffff\n";
        let err = parse_hex_dump(text).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1), "{err}");
        assert!(err.message.contains("longer than 262144 bytes"), "{err}");
    }

    #[test]
    fn offset_zero_starts_a_new_packet() {
        let text = "000000 01 02\n000002\n000000 03\n";
        let dump = parse_hex_dump(text).unwrap();
        assert_eq!(dump.packets, vec![vec![1, 2], vec![3]]);
    }
}
