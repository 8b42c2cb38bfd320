//! Share links: the workspace (source and packet) deflate-compressed and
//! base64url-encoded in the URL fragment, so a link reproduces it with no
//! server and is never sent to one (browsers do not send fragments).

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

/// Fragment prefix (the version lets later formats coexist).
const PREFIX: &str = "w1=";
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
    fn garbage_is_not_a_workspace() {
        assert_eq!(decode("#nothing"), None);
        assert_eq!(decode("#w1=!!!"), None);
        assert_eq!(decode("#w1=AAAA"), None);
    }
}
