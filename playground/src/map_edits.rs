//! Map entries put in or taken out "from user space" before a run: the
//! playground's form of the assembler's `.entry` lines and the CLI's
//! `--map-entry`. The edits are applied on top of the source's `.entry`
//! lines to each map's [`MapDef::initial_entries`], so the run (and a batch
//! run) creates its maps exactly as `Maps::for_program` does for the CLI.
//! Plain serde data, so storage, share links and exported files carry it.

use serde::{Deserialize, Serialize};
use vm_core::maps::{Maps, MapsConfig};
use vm_core::{MapDef, MapType, Program};

/// One change user space makes to a map before the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapEdit {
    /// `BPF_MAP_UPDATE_ELEM` with `BPF_ANY`: put `value` at `key`.
    Put {
        /// The map's name.
        map: String,
        /// The key bytes.
        key: Vec<u8>,
        /// The value bytes.
        value: Vec<u8>,
    },
    /// `BPF_MAP_DELETE_ELEM`: take `key` out (of the source's `.entry`
    /// lines and of earlier edits).
    Delete {
        /// The map's name.
        map: String,
        /// The key bytes.
        key: Vec<u8>,
    },
}

impl MapEdit {
    /// The map it changes.
    pub fn map(&self) -> &str {
        match self {
            MapEdit::Put { map, .. } | MapEdit::Delete { map, .. } => map,
        }
    }

    fn key(&self) -> &[u8] {
        match self {
            MapEdit::Put { key, .. } | MapEdit::Delete { key, .. } => key,
        }
    }
}

/// The edits of a workspace, in the order they were made. An edit to a map
/// the program no longer declares is kept (the map may come back) and
/// ignored.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MapEdits {
    /// The edits, oldest first.
    pub edits: Vec<MapEdit>,
}

impl MapEdits {
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// These edits with `edit` added; an earlier edit of the same key of
    /// the same map is replaced (the latest one is what counts).
    pub fn with(&self, edit: MapEdit) -> MapEdits {
        let mut edits: Vec<MapEdit> = self
            .edits
            .iter()
            .filter(|e| !(e.map() == edit.map() && e.key() == edit.key()))
            .cloned()
            .collect();
        edits.push(edit);
        MapEdits { edits }
    }

    /// These edits without any for map `map`.
    pub fn without_map(&self, map: &str) -> MapEdits {
        MapEdits {
            edits: self
                .edits
                .iter()
                .filter(|e| e.map() != map)
                .cloned()
                .collect(),
        }
    }

    /// Number of edits of map `map`.
    pub fn count_for(&self, map: &str) -> usize {
        self.edits.iter().filter(|e| e.map() == map).count()
    }

    /// Applies the edits to the maps `program` declares: a put replaces
    /// the entries of its key and goes last, a delete removes its key.
    pub fn apply(&self, program: &mut Program) {
        for edit in &self.edits {
            let Some(def) = program.maps.iter_mut().find(|d| d.name == edit.map()) else {
                continue;
            };
            def.initial_entries.retain(|(k, _)| k != edit.key());
            if let MapEdit::Put { key, value, .. } = edit {
                def.initial_entries.push((key.clone(), value.clone()));
            }
        }
    }

    /// Checks that `edit` can be made to `program`'s maps (sizes, and that
    /// the map takes it: an array index past `max_entries`, a full hash
    /// map, a map type user space cannot fill), with the edits made so far.
    pub fn check(&self, program: &Program, edit: &MapEdit) -> Result<(), String> {
        let def = program
            .maps
            .iter()
            .find(|d| d.name == edit.map())
            .ok_or_else(|| format!("the program declares no map '{}'", edit.map()))?;
        if let MapEdit::Delete { .. } = edit {
            if matches!(def.map_type, MapType::Array | MapType::PercpuArray) {
                return Err(
                    "array elements cannot be deleted (the kernel answers EINVAL): put zeros instead"
                        .into(),
                );
            }
        }
        let mut trial = program.clone();
        self.with(edit.clone()).apply(&mut trial);
        Maps::for_program(&trial, MapsConfig::default())
            .map(|_| ())
            .map_err(|e| format!("the map does not take it: {}", e.error))
    }
}

/// True when user space can put elements in this kind of map before a run
/// (ring buffers, perf event arrays and stack trace maps take none).
pub fn takes_entries(def: &MapDef) -> bool {
    !matches!(
        def.map_type,
        MapType::Ringbuf | MapType::PerfEventArray | MapType::StackTrace
    )
}

/// Reads an edit field: `size` bytes, given as
/// - a decimal integer (`42`, `-1`), stored little-endian as the "as int"
///   column shows it (sizes up to 8 bytes);
/// - hex bytes in memory order, as the table shows them (`2a 00 00 00`,
///   spaces optional);
/// - the `.entry` directive's forms (`u32:7`, `be16:80`, `ip:10.0.0.1`,
///   `lpm:24:10.1.2.0`, `"0a000001"`, parts joined by `+`), read by the
///   assembler itself.
///
/// The error says what was expected and what was found.
pub fn parse_bytes(text: &str, size: u32, what: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    let size_usize = size as usize;
    if text.is_empty() {
        return if size == 0 {
            Ok(Vec::new())
        } else {
            Err(format!("the {what} is empty: give {size} bytes"))
        };
    }
    if text.contains(':') || text.contains('"') || text.contains('+') {
        return entry_bytes(text, size, what);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return int_bytes(text, size, what);
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.chars().all(|c| c.is_ascii_hexdigit()) || compact.len() % 2 != 0 {
        return Err(format!(
            "the {what} {text:?} is neither a decimal integer, hex bytes (2a 00 00 00) nor an .entry form (u32:42, ip:10.0.0.1)"
        ));
    }
    let bytes: Vec<u8> = (0..compact.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(compact.get(i..i + 2)?, 16).ok())
        .collect();
    if bytes.len() != size_usize {
        return Err(format!(
            "the {what} has {} bytes but this map's {what}s have {size}",
            bytes.len()
        ));
    }
    Ok(bytes)
}

fn int_bytes(text: &str, size: u32, what: &str) -> Result<Vec<u8>, String> {
    if size == 0 || size > 8 {
        return Err(format!(
            "a {size}-byte {what} cannot be given as an integer: give hex bytes"
        ));
    }
    let bits = size * 8;
    let value: i128 = text
        .parse()
        .map_err(|_| format!("the {what} {text:?} is not an integer"))?;
    let (min, max) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
    if value < min || value > max {
        return Err(format!(
            "the {what} {value} does not fit in {size} bytes ({min} to {max})"
        ));
    }
    Ok((value as u64).to_le_bytes()[..size as usize].to_vec())
}

/// The `.entry` forms, read by assembling a one-map probe program, so the
/// playground accepts exactly what the assembler accepts, with its words.
fn entry_bytes(text: &str, size: u32, what: &str) -> Result<Vec<u8>, String> {
    let (key, value) = if what == "key" { (size, 1) } else { (1, size) };
    let probe = if what == "key" {
        format!(".map m, hash, key={key}, value={value}, max_entries=1\n.entry m, key={text}, value=u8:0\nr0 = 0\nexit\n")
    } else {
        format!(".map m, hash, key={key}, value={value}, max_entries=1\n.entry m, key=u8:0, value={text}\nr0 = 0\nexit\n")
    };
    let program = vm_core::asm::assemble(&probe).map_err(|e| {
        let message = e.message.replace("map 'm' has", "this map has");
        format!("the {what}: {message}")
    })?;
    let (k, v) = program
        .maps
        .first()
        .and_then(|m| m.initial_entries.first())
        .cloned()
        .ok_or_else(|| format!("the {what} {text:?} gave no bytes"))?;
    Ok(if what == "key" { k } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> Program {
        vm_core::asm::assemble(
            ".map counts, hash, key=4, value=8, max_entries=2\n\
             .map slots, array, key=4, value=4, max_entries=2\n\
             .entry counts, key=u32:1, value=u64:10\nr0 = 0\nexit\n",
        )
        .unwrap()
    }

    #[test]
    fn fields_read_integers_hex_and_entry_forms() {
        assert_eq!(parse_bytes("42", 4, "key").unwrap(), [42, 0, 0, 0]);
        assert_eq!(parse_bytes("-1", 2, "value").unwrap(), [0xff, 0xff]);
        assert_eq!(parse_bytes("2a 00 00 00", 4, "key").unwrap(), [42, 0, 0, 0]);
        assert_eq!(parse_bytes("2a000000", 4, "key").unwrap(), [42, 0, 0, 0]);
        assert_eq!(parse_bytes("be16:80", 2, "key").unwrap(), [0, 80]);
        assert_eq!(
            parse_bytes("ip:10.0.0.1", 4, "value").unwrap(),
            [10, 0, 0, 1]
        );
    }

    #[test]
    fn bad_fields_say_what_is_wrong() {
        let e = parse_bytes("2a 00", 4, "key").unwrap_err();
        assert_eq!(e, "the key has 2 bytes but this map's keys have 4");
        let e = parse_bytes("300", 1, "value").unwrap_err();
        assert!(e.contains("does not fit in 1 bytes"), "{e}");
        let e = parse_bytes("zz", 4, "key").unwrap_err();
        assert!(e.contains("neither a decimal integer"), "{e}");
        let e = parse_bytes("u16:1", 4, "key").unwrap_err();
        assert!(e.contains("2 bytes but this map has 4-byte keys"), "{e}");
        assert!(parse_bytes("", 4, "key").unwrap_err().contains("empty"));
    }

    #[test]
    fn edits_go_on_top_of_the_entry_lines() {
        let put = |k: u32, v: u64| MapEdit::Put {
            map: "counts".into(),
            key: k.to_le_bytes().to_vec(),
            value: v.to_le_bytes().to_vec(),
        };
        let edits = MapEdits::default().with(put(2, 20)).with(put(1, 11));
        let mut p = program();
        edits.apply(&mut p);
        assert_eq!(
            p.maps[0].initial_entries,
            [
                (2u32.to_le_bytes().to_vec(), 20u64.to_le_bytes().to_vec()),
                (1u32.to_le_bytes().to_vec(), 11u64.to_le_bytes().to_vec())
            ]
        );
        let edits = edits.with(MapEdit::Delete {
            map: "counts".into(),
            key: 1u32.to_le_bytes().to_vec(),
        });
        assert_eq!(
            edits.edits.len(),
            2,
            "the later edit of key 1 replaces the earlier"
        );
        let mut p = program();
        edits.apply(&mut p);
        assert_eq!(p.maps[0].initial_entries.len(), 1);
    }

    #[test]
    fn checks_ask_the_map() {
        let p = program();
        let full = MapEdits::default().with(MapEdit::Put {
            map: "counts".into(),
            key: 2u32.to_le_bytes().to_vec(),
            value: vec![0; 8],
        });
        let third = MapEdit::Put {
            map: "counts".into(),
            key: 3u32.to_le_bytes().to_vec(),
            value: vec![0; 8],
        };
        assert!(full.check(&p, &third).unwrap_err().contains("E2BIG"));
        let past_end = MapEdit::Put {
            map: "slots".into(),
            key: 5u32.to_le_bytes().to_vec(),
            value: vec![0; 4],
        };
        assert!(MapEdits::default().check(&p, &past_end).is_err());
        let delete = MapEdit::Delete {
            map: "slots".into(),
            key: vec![0; 4],
        };
        assert!(MapEdits::default()
            .check(&p, &delete)
            .unwrap_err()
            .contains("EINVAL"));
    }
}
