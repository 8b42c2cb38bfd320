//! Share links: the workspace deflate-compressed and base64url-encoded in
//! the URL fragment, so a link reproduces it with no server and is never
//! sent to one (browsers do not send fragments).
//!
//! `#w2=` links carry the whole workspace as a [`Snapshot`] (JSON); the
//! first links, `#w1=`, carried the source, the packet text and later the
//! packet list, NUL-separated, and still open.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

use crate::packet_list::PacketList;
use crate::snapshot::Snapshot;

/// Fragment prefix of the first links (source and packet).
const PREFIX: &str = "w1=";
/// Fragment prefix of whole-workspace links.
const PREFIX_V2: &str = "w2=";
/// Largest workspace a link may expand to.
const MAX_DECODED: usize = 4 << 20;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The fragment (without `#`) for a workspace.
pub fn encode(source: &str, packet: &str) -> String {
    encode_with_packets(source, packet, None)
}

/// The fragment for a workspace with its packet list (JSON, see
/// [`crate::packet_list::PacketList::to_json`]) as a third part; links
/// without one still decode.
pub fn encode_with_packets(source: &str, packet: &str, packets: Option<&str>) -> String {
    let mut raw = Vec::with_capacity(source.len() + packet.len() + 1);
    raw.extend_from_slice(source.as_bytes());
    raw.push(0);
    raw.extend_from_slice(packet.as_bytes());
    if let Some(list) = packets {
        raw.push(0);
        raw.extend_from_slice(list.as_bytes());
    }
    format!("{PREFIX}{}", base64url(&compress_to_vec(&raw, 9)))
}

fn decode_parts(fragment: &str) -> Option<Vec<String>> {
    let data = fragment.trim_start_matches('#').strip_prefix(PREFIX)?;
    let packed = unbase64url(data)?;
    let raw = decompress_to_vec_with_limit(&packed, MAX_DECODED).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let parts: Vec<String> = text.split('\0').map(str::to_string).collect();
    (parts.len() >= 2).then_some(parts)
}

/// The packet list JSON in a fragment, if the link has one.
pub fn decode_packets(fragment: &str) -> Option<String> {
    decode_parts(fragment)?.into_iter().nth(2)
}

/// The workspace in a fragment (with or without `#`), if it holds one.
pub fn decode(fragment: &str) -> Option<(String, String)> {
    let mut parts = decode_parts(fragment)?.into_iter();
    Some((parts.next()?, parts.next()?))
}

/// The fragment (without `#`) for a whole workspace.
pub fn encode_snapshot(snapshot: &Snapshot) -> String {
    let json = serde_json::to_string(snapshot).unwrap_or_default();
    format!(
        "{PREFIX_V2}{}",
        base64url(&compress_to_vec(json.as_bytes(), 9))
    )
}

/// The workspace in a fragment: `None` when the fragment holds none (no
/// link), an error saying what is wrong when it is damaged or truncated.
pub fn decode_snapshot(fragment: &str) -> Option<Result<Snapshot, String>> {
    let fragment = fragment.trim_start_matches('#');
    if fragment.starts_with(PREFIX) {
        return Some(
            decode_parts(fragment)
                .and_then(|parts| {
                    let mut it = parts.into_iter();
                    let (source, packet) = (it.next()?, it.next()?);
                    let list = it.next().and_then(|j| PacketList::from_json(&j));
                    Some(Snapshot::from_source(source, &packet, list))
                })
                .ok_or_else(|| "the link is damaged or cut short: it does not decode".to_string()),
        );
    }
    let data = fragment.strip_prefix(PREFIX_V2)?;
    Some(decode_v2(data))
}

fn decode_v2(data: &str) -> Result<Snapshot, String> {
    let packed = unbase64url(data).ok_or_else(|| {
        let at = data
            .bytes()
            .position(|c| !ALPHABET.contains(&c))
            .unwrap_or(0);
        format!("the link is damaged: character {} is not base64url", at + 1)
    })?;
    let raw = decompress_to_vec_with_limit(&packed, crate::snapshot::MAX_BYTES).map_err(|_| {
        "the link is cut short or damaged: its compressed workspace does not expand".to_string()
    })?;
    let text =
        String::from_utf8(raw).map_err(|_| "the link's workspace is not text".to_string())?;
    Snapshot::from_json(&text).map_err(|e| format!("the link's workspace: {e}"))
}

/// Puts a link to the whole workspace in the address bar (without adding
/// a history entry) and returns the full URL.
pub fn publish_snapshot(snapshot: &Snapshot) -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let url = format!(
        "{}{}#{}",
        location.origin().ok()?,
        location.pathname().ok()?,
        encode_snapshot(snapshot)
    );
    let history = window.history().ok()?;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .ok()?;
    Some(url)
}

/// Takes a share link (`#w1=`, `#w2=`) out of the address bar, keeping the
/// rest of the URL (an embed's query): once the link's workspace is saved,
/// or edited after Share, a reload opens the saved work, not the link.
pub fn forget_link() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    let hash = hash.trim_start_matches('#');
    if !(hash.starts_with(PREFIX) || hash.starts_with(PREFIX_V2)) {
        return;
    }
    let (Ok(path), Ok(query), Ok(history)) =
        (location.pathname(), location.search(), window.history())
    else {
        return;
    };
    let _ = history.replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&format!("{path}{query}")),
    );
}

/// The page's current fragment.
pub fn current_fragment() -> Option<String> {
    web_sys::window()?.location().hash().ok()
}

/// Puts a link to the workspace in the address bar (without adding a
/// history entry) and returns the full URL.
pub fn publish(source: &str, packet: &str) -> Option<String> {
    publish_with_packets(source, packet, None)
}

/// [`publish`] with the packet list JSON.
pub fn publish_with_packets(source: &str, packet: &str, packets: Option<&str>) -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let fragment = encode_with_packets(source, packet, packets);
    let url = format!(
        "{}{}#{fragment}",
        location.origin().ok()?,
        location.pathname().ok()?
    );
    let history = window.history().ok()?;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .ok()?;
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_text() {
        for (s, p) in [
            ("r0 = 42\nexit\n", "00 11"),
            ("", ""),
            ("; é ü 日本\n", "ff"),
        ] {
            assert_eq!(decode(&encode(s, p)), Some((s.to_string(), p.to_string())));
        }
    }

    #[test]
    fn the_packet_list_rides_along_and_old_links_still_read() {
        let f = encode_with_packets("exit", "00", Some("{\"items\":[]}"));
        assert_eq!(decode(&f), Some(("exit".into(), "00".into())));
        assert_eq!(decode_packets(&f).as_deref(), Some("{\"items\":[]}"));
        assert_eq!(decode_packets(&encode("exit", "00")), None);
    }

    #[test]
    fn base64url_matches_the_standard_alphabet() {
        assert_eq!(base64url(b"Man"), "TWFu");
        assert_eq!(base64url(b"Ma"), "TWE");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(unbase64url("TWE").as_deref(), Some(&b"Ma"[..]));
    }

    #[test]
    fn whole_workspaces_round_trip_and_old_links_still_open() {
        let mut ws = crate::state::Workspace::new("r0 = 2\nexit\n".into(), "00 11".into());
        ws.map_edits = ws.map_edits.with(crate::map_edits::MapEdit::Delete {
            map: "m".into(),
            key: vec![1],
        });
        let doc = Snapshot::of(&ws);
        let fragment = encode_snapshot(&doc);
        assert!(fragment.starts_with("w2="));
        assert_eq!(decode_snapshot(&format!("#{fragment}")), Some(Ok(doc)));
        let old = decode_snapshot(&encode_with_packets("exit", "00", None))
            .unwrap()
            .unwrap();
        assert_eq!(old.source, "exit");
        assert_eq!(old.packets, Some(PacketList::from_hex("00")));
        assert_eq!(decode_snapshot("#nothing"), None);
    }

    #[test]
    fn cut_or_damaged_links_say_so() {
        let doc = Snapshot::of(&crate::state::Workspace::sample());
        let fragment = encode_snapshot(&doc);
        let cut = &fragment[..fragment.len() / 2];
        let e = decode_snapshot(cut).unwrap().unwrap_err();
        assert!(e.contains("cut short"), "{e}");
        let e = decode_snapshot("w2=ab$cd").unwrap().unwrap_err();
        assert_eq!(e, "the link is damaged: character 3 is not base64url");
        let e = decode_snapshot("w1=AAAA").unwrap().unwrap_err();
        assert!(e.contains("damaged"), "{e}");
        let not_json = format!("w2={}", base64url(&compress_to_vec(b"{\"version\":2", 9)));
        let e = decode_snapshot(&not_json).unwrap().unwrap_err();
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn garbage_is_not_a_workspace() {
        assert_eq!(decode("#nothing"), None);
        assert_eq!(decode("#w1=!!!"), None);
        assert_eq!(decode("#w1=AAAA"), None);
    }
}
