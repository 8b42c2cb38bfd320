//! Labelling the bytes of an Ethernet frame by protocol field, so that a load
//! such as `r2 = *(u16 *)(r1 + 12)` can be shown as "bytes 12-13: EtherType".
//!
//! The dissector reads any byte string without panicking: a header cut short
//! ends the dissection with a `truncated` field over the remaining bytes;
//! lengths that point past the end are clipped. Checksums are verified and
//! the value text says whether they are correct (and what they should be).

use core::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use etherparse::checksum::Sum16BitWords;
use serde::Serialize;

/// The protocol layer a [`Field`] belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Ethernet II header, and the padding after the network packet.
    Ethernet,
    /// 802.1Q / 802.1ad VLAN tag.
    Vlan,
    /// ARP.
    Arp,
    /// IPv4 header.
    Ipv4,
    /// IPv6 fixed header.
    Ipv6,
    /// IPv6 extension header (hop-by-hop, routing, fragment, destination options, AH).
    Ipv6Extension,
    /// TCP header.
    Tcp,
    /// UDP header.
    Udp,
    /// ICMP (v4) header.
    Icmpv4,
    /// ICMPv6 header.
    Icmpv6,
    /// The bytes after the last header the dissector knows.
    Payload,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Ethernet => "Ethernet",
            Layer::Vlan => "802.1Q",
            Layer::Arp => "ARP",
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
            Layer::Ipv6Extension => "IPv6 extension",
            Layer::Tcp => "TCP",
            Layer::Udp => "UDP",
            Layer::Icmpv4 => "ICMP",
            Layer::Icmpv6 => "ICMPv6",
            Layer::Payload => "Payload",
        })
    }
}

/// A labelled byte range of a frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Offset of the first byte, from the start of the frame.
    pub start: usize,
    /// Number of bytes (at least 1).
    pub len: usize,
    /// The protocol layer.
    pub layer: Layer,
    /// The field's name as protocol documents call it (`EtherType`, `Source port`).
    pub name: &'static str,
    /// The value, for people (`0x0800 (IPv4)`, `10.0.0.1`, `53 (DNS)`).
    pub value_text: String,
}

impl Field {
    /// One past the last byte.
    pub fn end(&self) -> usize {
        self.start.saturating_add(self.len)
    }

    /// Whether the field overlaps the byte range `start..start + len`.
    pub fn overlaps(&self, start: usize, len: usize) -> bool {
        len > 0 && self.start < start.saturating_add(len) && start < self.end()
    }
}

impl fmt::Display for Field {
    /// `bytes 12-13: EtherType = 0x0800 (IPv4)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 1 {
            write!(f, "byte {}", self.start)?;
        } else {
            write!(f, "bytes {}-{}", self.start, self.end() - 1)?;
        }
        write!(f, ": {} {} = {}", self.layer, self.name, self.value_text)
    }
}

/// The fields that a load or store of `len` bytes at `start` touches, in order.
pub fn fields_touched(fields: &[Field], start: usize, len: usize) -> Vec<&Field> {
    fields.iter().filter(|f| f.overlaps(start, len)).collect()
}

/// Labels the bytes of an Ethernet II frame (optionally VLAN-tagged) carrying
/// ARP, IPv4 or IPv6, and TCP, UDP, ICMP or ICMPv6 above IP. Fields come in
/// byte order and do not overlap.
pub fn dissect(bytes: &[u8]) -> Vec<Field> {
    let mut d = Dissector {
        bytes,
        limit: bytes.len(),
        fields: Vec::new(),
    };
    let _ = d.ethernet();
    d.fields
}

/// A one-line description of a frame, like a capture tool's packet list:
/// `UDP 10.0.0.1:12345 > 10.0.0.2:53, 5 bytes`, `TCP [fd00::1]:1 > [fd00::2]:80 [SYN]`,
/// `ARP who-has 10.0.0.2 tell 10.0.0.1`, `VLAN 100: ICMP echo request 10.0.0.1 > 10.0.0.2`.
pub fn summary(bytes: &[u8]) -> String {
    let fields = dissect(bytes);
    let get = |layer: Layer, name: &str| {
        fields
            .iter()
            .find(|f| f.layer == layer && f.name == name)
            .map(|f| f.value_text.as_str())
    };
    // The number before a "(name)" suffix: "53 (DNS)" -> "53".
    let bare = |text: &str| text.split(" (").next().unwrap_or(text).to_string();
    let mut out = String::new();
    if let Some(tci) = get(Layer::Vlan, "TCI") {
        let vid = tci.rsplit("VID ").next().unwrap_or(tci);
        out.push_str(&format!("VLAN {vid}: "));
    }
    let ip = [Layer::Ipv4, Layer::Ipv6]
        .into_iter()
        .find(|l| get(*l, "Source address").is_some());
    let payload = fields
        .iter()
        .filter(|f| f.layer == Layer::Payload)
        .map(|f| f.len)
        .sum::<usize>();
    let payload_text = if payload > 0 {
        format!(", {payload} bytes")
    } else {
        String::new()
    };
    if let Some(op) = get(Layer::Arp, "Operation") {
        let sender = get(Layer::Arp, "Sender IP").unwrap_or("?");
        let target = get(Layer::Arp, "Target IP").unwrap_or("?");
        let sender_mac = get(Layer::Arp, "Sender MAC").unwrap_or("?");
        out.push_str(&match op {
            "1 (request)" => format!("ARP who-has {target} tell {sender}"),
            "2 (reply)" => format!("ARP {sender} is-at {sender_mac}"),
            other => format!("ARP operation {other}, {sender} > {target}"),
        });
    } else if let Some(layer) = ip {
        let src = get(layer, "Source address").unwrap_or("?");
        let dst = get(layer, "Destination address").unwrap_or("?");
        let with_port = |addr: &str, port: &str| {
            if layer == Layer::Ipv6 {
                format!("[{addr}]:{}", bare(port))
            } else {
                format!("{addr}:{}", bare(port))
            }
        };
        if let (Some(sp), Some(dp)) = (
            get(Layer::Tcp, "Source port"),
            get(Layer::Tcp, "Destination port"),
        ) {
            let flags = get(Layer::Tcp, "Data offset / Flags")
                .and_then(|f| f.split(" / ").nth(1))
                .unwrap_or("");
            out.push_str(&format!(
                "TCP {} > {} [{flags}]{payload_text}",
                with_port(src, sp),
                with_port(dst, dp)
            ));
        } else if let (Some(sp), Some(dp)) = (
            get(Layer::Udp, "Source port"),
            get(Layer::Udp, "Destination port"),
        ) {
            out.push_str(&format!(
                "UDP {} > {}{payload_text}",
                with_port(src, sp),
                with_port(dst, dp)
            ));
        } else if let Some(t) = get(Layer::Icmpv4, "Type").or(get(Layer::Icmpv6, "Type")) {
            let proto = if layer == Layer::Ipv6 {
                "ICMPv6"
            } else {
                "ICMP"
            };
            let kind = t
                .split_once(" (")
                .map_or(t, |(_, name)| name.trim_end_matches(')'));
            out.push_str(&format!("{proto} {kind} {src} > {dst}{payload_text}"));
        } else {
            let proto = get(Layer::Ipv4, "Protocol")
                .or(get(Layer::Ipv6, "Next header"))
                .unwrap_or("?");
            out.push_str(&format!(
                "{layer} {src} > {dst} protocol {proto}{payload_text}"
            ));
        }
    } else {
        let ether_type = fields
            .iter()
            .rev()
            .find(|f| f.name == "EtherType")
            .map_or("?", |f| f.value_text.as_str());
        out.push_str(&format!("EtherType {ether_type}{payload_text}"));
    }
    if fields.iter().any(|f| f.name == "truncated") {
        out.push_str(" (truncated)");
    }
    out
}

/// A field whose value differs between two frames (e.g. a packet before and
/// after a program rewrote it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field in the first frame; `None` if only the second has it.
    pub before: Option<Field>,
    /// The field in the second frame; `None` if only the first has it.
    pub after: Option<Field>,
}

impl fmt::Display for FieldChange {
    /// `IPv4 Destination address: 10.0.0.2 -> 10.0.0.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => write!(
                f,
                "{} {}: {} -> {}",
                a.layer, a.name, b.value_text, a.value_text
            ),
            (Some(b), None) => write!(f, "{} {}: {} -> (gone)", b.layer, b.name, b.value_text),
            (None, Some(a)) => write!(f, "{} {}: (new) {}", a.layer, a.name, a.value_text),
            (None, None) => Ok(()),
        }
    }
}

/// The fields whose values differ between two frames. Fields are paired by
/// layer, name and occurrence rather than by offset, so a frame whose headers
/// moved (after `bpf_xdp_adjust_head`, say) still pairs its fields; fields
/// present in only one frame are reported too. In the second frame's order,
/// then the fields only the first frame had.
pub fn diff(before: &[u8], after: &[u8]) -> Vec<FieldChange> {
    fn keyed(fields: Vec<Field>) -> Vec<((Layer, &'static str, usize), Field)> {
        let mut seen: Vec<(Layer, &'static str)> = Vec::new();
        fields
            .into_iter()
            .map(|f| {
                let nth = seen
                    .iter()
                    .filter(|(l, n)| *l == f.layer && *n == f.name)
                    .count();
                seen.push((f.layer, f.name));
                ((f.layer, f.name, nth), f)
            })
            .collect()
    }
    let mut old = keyed(dissect(before));
    let mut changes = Vec::new();
    for (key, field) in keyed(dissect(after)) {
        match old.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                let (_, previous) = old.remove(i);
                if previous.value_text != field.value_text {
                    changes.push(FieldChange {
                        before: Some(previous),
                        after: Some(field),
                    });
                }
            }
            None => changes.push(FieldChange {
                before: None,
                after: Some(field),
            }),
        }
    }
    changes.extend(old.into_iter().map(|(_, f)| FieldChange {
        before: Some(f),
        after: None,
    }));
    changes
}

/// The addresses that enter a transport checksum's pseudo header.
#[derive(Clone, Copy)]
enum PseudoHeader {
    V4 { src: [u8; 4], dst: [u8; 4] },
    V6 { src: [u8; 16], dst: [u8; 16] },
}

impl PseudoHeader {
    fn sum(&self, protocol: u8, len: usize) -> Sum16BitWords {
        match self {
            PseudoHeader::V4 { src, dst } => Sum16BitWords::new()
                .add_slice(src)
                .add_slice(dst)
                .add_2bytes([0, protocol])
                .add_2bytes((len as u16).to_be_bytes()),
            PseudoHeader::V6 { src, dst } => Sum16BitWords::new()
                .add_slice(src)
                .add_slice(dst)
                .add_slice(&(len as u32).to_be_bytes())
                .add_2bytes([0, 0])
                .add_2bytes([0, protocol]),
        }
    }
}

struct Dissector<'a> {
    bytes: &'a [u8],
    /// Where the current packet ends: the frame's end, or the end an IP
    /// length gives while the layers inside IP are read.
    limit: usize,
    fields: Vec<Field>,
}

/// Returned by a layer when the frame ends inside one of its fields.
struct Truncated;

type Step = Result<(), Truncated>;

impl<'a> Dissector<'a> {
    /// Labels `len` bytes at `start`, or, if they are not all there, labels
    /// what is left as truncated and stops the dissection.
    fn field(
        &mut self,
        start: usize,
        len: usize,
        layer: Layer,
        name: &'static str,
        value: impl FnOnce(&[u8]) -> String,
    ) -> Result<&'a [u8], Truncated> {
        let bytes: &'a [u8] = self.bytes.get(..self.limit).unwrap_or(self.bytes);
        match start.checked_add(len).and_then(|end| bytes.get(start..end)) {
            Some(slice) => {
                if len > 0 {
                    self.fields.push(Field {
                        start,
                        len,
                        layer,
                        name,
                        value_text: value(slice),
                    });
                }
                Ok(slice)
            }
            None => {
                let left = bytes.len().saturating_sub(start);
                if left > 0 {
                    self.fields.push(Field {
                        start,
                        len: left,
                        layer,
                        name: "truncated",
                        value_text: format!("{name} needs {len} bytes, {left} left"),
                    });
                }
                Err(Truncated)
            }
        }
    }

    fn u8_at(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    fn u16_at(&self, at: usize) -> u16 {
        match self.bytes.get(at..at.saturating_add(2)) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }

    fn payload(&mut self, start: usize, end: usize) {
        let end = end.min(self.limit);
        if start < end {
            let _ = self.field(start, end - start, Layer::Payload, "Data", describe_payload);
        }
    }

    /// Bytes after the network packet (Ethernet padding or trailer).
    fn trailer(&mut self, start: usize) {
        if start < self.bytes.len() {
            let len = self.bytes.len() - start;
            let _ = self.field(start, len, Layer::Ethernet, "Padding", |b| {
                format!("{} bytes", b.len())
            });
        }
    }

    fn ethernet(&mut self) -> Step {
        self.field(0, 6, Layer::Ethernet, "Destination MAC", mac_text)?;
        self.field(6, 6, Layer::Ethernet, "Source MAC", mac_text)?;
        self.field(12, 2, Layer::Ethernet, "EtherType", ether_type_text)?;
        let mut ether_type = self.u16_at(12);
        let mut off = 14;
        let mut tags = 0;
        while matches!(ether_type, 0x8100 | 0x88a8 | 0x9100) && tags < 4 {
            self.field(off, 2, Layer::Vlan, "TCI", |b| {
                let tci = u16::from_be_bytes([b[0], b[1]]);
                format!(
                    "PCP {}, DEI {}, VID {}",
                    tci >> 13,
                    (tci >> 12) & 1,
                    tci & 0x0fff
                )
            })?;
            self.field(off + 2, 2, Layer::Vlan, "EtherType", ether_type_text)?;
            ether_type = self.u16_at(off + 2);
            off += 4;
            tags += 1;
        }
        match ether_type {
            0x0806 => self.arp(off),
            0x0800 => self.ipv4(off),
            0x86dd => self.ipv6(off),
            _ => {
                self.payload(off, self.bytes.len());
                Ok(())
            }
        }
    }

    fn arp(&mut self, off: usize) -> Step {
        self.field(off, 2, Layer::Arp, "Hardware type", |b| {
            let v = u16::from_be_bytes([b[0], b[1]]);
            if v == 1 {
                "1 (Ethernet)".to_string()
            } else {
                v.to_string()
            }
        })?;
        self.field(off + 2, 2, Layer::Arp, "Protocol type", ether_type_text)?;
        let hlen = usize::from(
            self.field(off + 4, 1, Layer::Arp, "Hardware size", |b| {
                b[0].to_string()
            })?[0],
        );
        let plen = usize::from(
            self.field(off + 5, 1, Layer::Arp, "Protocol size", |b| {
                b[0].to_string()
            })?[0],
        );
        self.field(
            off + 6,
            2,
            Layer::Arp,
            "Operation",
            |b| match u16::from_be_bytes([b[0], b[1]]) {
                1 => "1 (request)".to_string(),
                2 => "2 (reply)".to_string(),
                v => v.to_string(),
            },
        )?;
        let mut at = off + 8;
        for (name_hw, name_proto) in [("Sender MAC", "Sender IP"), ("Target MAC", "Target IP")] {
            self.field(at, hlen, Layer::Arp, name_hw, address_text)?;
            at += hlen;
            self.field(at, plen, Layer::Arp, name_proto, address_text)?;
            at += plen;
        }
        self.trailer(at);
        Ok(())
    }

    fn ipv4(&mut self, off: usize) -> Step {
        let b0 = self.field(off, 1, Layer::Ipv4, "Version / IHL", |b| {
            format!(
                "{} / {} ({} bytes)",
                b[0] >> 4,
                b[0] & 0xf,
                (b[0] & 0xf) * 4
            )
        })?[0];
        let version = b0 >> 4;
        let header_len = usize::from(b0 & 0xf) * 4;
        self.field(off + 1, 1, Layer::Ipv4, "DSCP / ECN", |b| {
            format!("DSCP {}, ECN {}", b[0] >> 2, b[0] & 3)
        })?;
        self.field(off + 2, 2, Layer::Ipv4, "Total length", |b| {
            u16::from_be_bytes([b[0], b[1]]).to_string()
        })?;
        let total_len = usize::from(self.u16_at(off + 2));
        self.field(off + 4, 2, Layer::Ipv4, "Identification", |b| {
            let v = u16::from_be_bytes([b[0], b[1]]);
            format!("0x{v:04x} ({v})")
        })?;
        self.field(off + 6, 2, Layer::Ipv4, "Flags / Fragment offset", |b| {
            let v = u16::from_be_bytes([b[0], b[1]]);
            let mut flags = Vec::new();
            if v & 0x8000 != 0 {
                flags.push("reserved");
            }
            if v & 0x4000 != 0 {
                flags.push("DF");
            }
            if v & 0x2000 != 0 {
                flags.push("MF");
            }
            let flags = if flags.is_empty() {
                "no flags".to_string()
            } else {
                flags.join(" ")
            };
            format!(
                "{flags}, offset {} ({} bytes)",
                v & 0x1fff,
                (v & 0x1fff) * 8
            )
        })?;
        let fragment_offset = self.u16_at(off + 6) & 0x1fff;
        self.field(off + 8, 1, Layer::Ipv4, "TTL", |b| b[0].to_string())?;
        let protocol = self.field(off + 9, 1, Layer::Ipv4, "Protocol", |b| {
            ip_protocol_text(b[0])
        })?[0];
        let header = self
            .bytes
            .get(off..off.saturating_add(header_len.max(20)))
            .unwrap_or(&[]);
        let checksum_note = if header.len() >= 20 && header_len >= 20 {
            let expected = Sum16BitWords::new()
                .add_slice(&header[..10])
                .add_slice(&header[12..])
                .ones_complement()
                .to_be();
            Some(expected)
        } else {
            None
        };
        self.field(off + 10, 2, Layer::Ipv4, "Header checksum", |b| {
            checksum_text(u16::from_be_bytes([b[0], b[1]]), checksum_note)
        })?;
        let src = self.field(off + 12, 4, Layer::Ipv4, "Source address", address_text)?;
        let dst = self.field(
            off + 16,
            4,
            Layer::Ipv4,
            "Destination address",
            address_text,
        )?;
        let pseudo = PseudoHeader::V4 {
            src: [src[0], src[1], src[2], src[3]],
            dst: [dst[0], dst[1], dst[2], dst[3]],
        };
        if version != 4 || header_len < 20 {
            // Not a header we can trust any further.
            self.payload(off + 20, self.bytes.len());
            return Ok(());
        }
        if header_len > 20 {
            self.field(off + 20, header_len - 20, Layer::Ipv4, "Options", hex_text)?;
        }
        let start = off + header_len;
        let end = if total_len >= header_len {
            (off + total_len).min(self.bytes.len())
        } else {
            self.bytes.len()
        };
        self.limit = end;
        if fragment_offset != 0 {
            self.payload(start, end);
        } else {
            let _ = self.transport(protocol, start, end, pseudo);
        }
        self.limit = self.bytes.len();
        self.trailer(end.max(start));
        Ok(())
    }

    fn ipv6(&mut self, off: usize) -> Step {
        self.field(
            off,
            4,
            Layer::Ipv6,
            "Version / Traffic class / Flow label",
            |b| {
                let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                format!(
                    "{} / 0x{:02x} / 0x{:05x}",
                    v >> 28,
                    (v >> 20) & 0xff,
                    v & 0xfffff
                )
            },
        )?;
        self.field(off + 4, 2, Layer::Ipv6, "Payload length", |b| {
            u16::from_be_bytes([b[0], b[1]]).to_string()
        })?;
        let payload_len = usize::from(self.u16_at(off + 4));
        let next = self.field(off + 6, 1, Layer::Ipv6, "Next header", |b| {
            ip_protocol_text(b[0])
        })?[0];
        self.field(off + 7, 1, Layer::Ipv6, "Hop limit", |b| b[0].to_string())?;
        let src = self.field(off + 8, 16, Layer::Ipv6, "Source address", address_text)?;
        let dst = self.field(
            off + 24,
            16,
            Layer::Ipv6,
            "Destination address",
            address_text,
        )?;
        let mut pseudo_src = [0u8; 16];
        pseudo_src.copy_from_slice(src);
        let mut pseudo_dst = [0u8; 16];
        pseudo_dst.copy_from_slice(dst);
        let pseudo = PseudoHeader::V6 {
            src: pseudo_src,
            dst: pseudo_dst,
        };
        let end = (off + 40 + payload_len).min(self.bytes.len());
        self.limit = end;
        let _ = self.ipv6_extensions_and_transport(next, off + 40, end, pseudo);
        self.limit = self.bytes.len();
        self.trailer(end.max(off + 40));
        Ok(())
    }

    fn ipv6_extensions_and_transport(
        &mut self,
        mut next: u8,
        mut at: usize,
        end: usize,
        pseudo: PseudoHeader,
    ) -> Step {
        let mut later_fragment = false;
        for _ in 0..8 {
            let (len, is_fragment) = match next {
                0 | 43 | 60 => (usize::from(self.u8_at(at + 1)) * 8 + 8, false),
                44 => (8, true),
                51 => (usize::from(self.u8_at(at + 1)) * 4 + 8, false),
                _ => break,
            };
            let name = ipv6_extension_name(next);
            next = self.field(at, 1, Layer::Ipv6Extension, "Next header", |b| {
                format!("{} ({name})", ip_protocol_text(b[0]))
            })?[0];
            if is_fragment {
                self.field(at + 1, 1, Layer::Ipv6Extension, "Reserved", hex_text)?;
                let v = self.field(
                    at + 2,
                    2,
                    Layer::Ipv6Extension,
                    "Fragment offset / M",
                    |b| {
                        let v = u16::from_be_bytes([b[0], b[1]]);
                        format!("offset {} ({} bytes), M {}", v >> 3, (v >> 3) * 8, v & 1)
                    },
                )?;
                later_fragment = u16::from_be_bytes([v[0], v[1]]) >> 3 != 0;
                self.field(at + 4, 4, Layer::Ipv6Extension, "Identification", |b| {
                    format!("0x{:08x}", u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                })?;
            } else {
                self.field(at + 1, 1, Layer::Ipv6Extension, "Header length", |b| {
                    format!("{} ({len} bytes)", b[0])
                })?;
                self.field(at + 2, len - 2, Layer::Ipv6Extension, name, hex_text)?;
            }
            at += len;
        }
        if later_fragment {
            self.payload(at, end);
            Ok(())
        } else {
            self.transport(next, at, end, pseudo)
        }
    }

    fn transport(&mut self, protocol: u8, start: usize, end: usize, pseudo: PseudoHeader) -> Step {
        if start >= end {
            return Ok(());
        }
        let segment = self.bytes.get(start..end).unwrap_or(&[]);
        match protocol {
            6 => self.tcp(start, end, segment, pseudo),
            17 => self.udp(start, end, segment, pseudo),
            1 => self.icmp(start, end, segment, None),
            58 => self.icmp(start, end, segment, Some(pseudo)),
            _ => {
                self.payload(start, end);
                Ok(())
            }
        }
    }

    fn tcp(&mut self, off: usize, end: usize, segment: &[u8], pseudo: PseudoHeader) -> Step {
        self.field(off, 2, Layer::Tcp, "Source port", port_text)?;
        self.field(off + 2, 2, Layer::Tcp, "Destination port", port_text)?;
        self.field(off + 4, 4, Layer::Tcp, "Sequence number", u32_text)?;
        self.field(off + 8, 4, Layer::Tcp, "Acknowledgment number", u32_text)?;
        let b = self.field(off + 12, 2, Layer::Tcp, "Data offset / Flags", |b| {
            let doff = b[0] >> 4;
            let names = [
                (0x80, "CWR"),
                (0x40, "ECE"),
                (0x20, "URG"),
                (0x10, "ACK"),
                (0x08, "PSH"),
                (0x04, "RST"),
                (0x02, "SYN"),
                (0x01, "FIN"),
            ];
            let mut flags: Vec<&str> = Vec::new();
            if b[0] & 1 != 0 {
                flags.push("NS");
            }
            flags.extend(
                names
                    .iter()
                    .filter(|(bit, _)| b[1] & bit != 0)
                    .map(|(_, n)| *n),
            );
            let flags = if flags.is_empty() {
                "no flags".to_string()
            } else {
                flags.join(" ")
            };
            format!("{doff} ({} bytes) / {flags}", usize::from(doff) * 4)
        })?;
        let header_len = usize::from(b[0] >> 4) * 4;
        self.field(off + 14, 2, Layer::Tcp, "Window", |b| {
            u16::from_be_bytes([b[0], b[1]]).to_string()
        })?;
        let expected = transport_checksum(segment, 16, pseudo.sum(6, segment.len()));
        self.field(off + 16, 2, Layer::Tcp, "Checksum", |b| {
            checksum_text(u16::from_be_bytes([b[0], b[1]]), expected)
        })?;
        self.field(off + 18, 2, Layer::Tcp, "Urgent pointer", |b| {
            u16::from_be_bytes([b[0], b[1]]).to_string()
        })?;
        if header_len > 20 {
            self.tcp_options(off + 20, off + header_len)?;
        }
        self.payload(off + header_len.max(20), end);
        Ok(())
    }

    /// One field per TCP option in `start..end` (the header's options area).
    fn tcp_options(&mut self, start: usize, end: usize) -> Step {
        if end > self.limit {
            // The options run past the packet: label what is there as truncated.
            self.field(start, end - start, Layer::Tcp, "Options", hex_text)?;
        }
        let mut at = start;
        while at < end {
            let kind = self.u8_at(at);
            let len = match kind {
                0 => end - at,
                1 => 1,
                _ => usize::from(self.u8_at(at + 1)),
            };
            if kind > 1 && (len < 2 || at + len > end) {
                self.field(at, end - at, Layer::Tcp, "Options (malformed)", |b| {
                    format!("kind {kind}, length {len}: {}", hex_text(b))
                })?;
                break;
            }
            let (name, value): (&'static str, fn(&[u8]) -> String) = match (kind, len) {
                (0, _) => ("End of options", |b| format!("{} bytes", b.len())),
                (1, _) => ("NOP option", |_| "1 byte".to_string()),
                (2, 4) => ("MSS option", |b| {
                    u16::from_be_bytes([b[2], b[3]]).to_string()
                }),
                (3, 3) => ("Window scale option", |b| {
                    format!("shift {} (x{})", b[2], 1u64 << b[2].min(30))
                }),
                (4, 2) => ("SACK permitted option", |_| "yes".to_string()),
                (5, _) => ("SACK option", |b| {
                    b[2..]
                        .chunks_exact(8)
                        .map(|e| {
                            format!(
                                "{}-{}",
                                u32::from_be_bytes([e[0], e[1], e[2], e[3]]),
                                u32::from_be_bytes([e[4], e[5], e[6], e[7]])
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
                (8, 10) => ("Timestamps option", |b| {
                    format!(
                        "TSval {}, TSecr {}",
                        u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
                        u32::from_be_bytes([b[6], b[7], b[8], b[9]])
                    )
                }),
                _ => ("Option", |b| {
                    format!("kind {}: {}", b[0], hex_text(&b[1..]))
                }),
            };
            self.field(at, len, Layer::Tcp, name, value)?;
            at += len;
        }
        Ok(())
    }

    fn udp(&mut self, off: usize, end: usize, segment: &[u8], pseudo: PseudoHeader) -> Step {
        self.field(off, 2, Layer::Udp, "Source port", port_text)?;
        self.field(off + 2, 2, Layer::Udp, "Destination port", port_text)?;
        self.field(off + 4, 2, Layer::Udp, "Length", |b| {
            u16::from_be_bytes([b[0], b[1]]).to_string()
        })?;
        let expected = transport_checksum(segment, 6, pseudo.sum(17, segment.len()));
        let zero_allowed = matches!(pseudo, PseudoHeader::V4 { .. });
        self.field(off + 6, 2, Layer::Udp, "Checksum", |b| {
            let actual = u16::from_be_bytes([b[0], b[1]]);
            if actual == 0 && zero_allowed {
                "0x0000 (not computed)".to_string()
            } else {
                // UDP sends a computed zero as 0xffff.
                checksum_text(actual, expected.map(|e| if e == 0 { 0xffff } else { e }))
            }
        })?;
        self.payload(off + 8, end);
        Ok(())
    }

    fn icmp(
        &mut self,
        off: usize,
        end: usize,
        segment: &[u8],
        pseudo: Option<PseudoHeader>,
    ) -> Step {
        let (layer, protocol) = match pseudo {
            None => (Layer::Icmpv4, 1),
            Some(_) => (Layer::Icmpv6, 58),
        };
        let icmp_type = self.field(off, 1, layer, "Type", |b| icmp_type_text(protocol, b[0]))?[0];
        self.field(off + 1, 1, layer, "Code", |b| b[0].to_string())?;
        let base = match pseudo {
            None => Sum16BitWords::new(),
            Some(p) => p.sum(58, segment.len()),
        };
        let expected = transport_checksum(segment, 2, base);
        self.field(off + 2, 2, layer, "Checksum", |b| {
            checksum_text(u16::from_be_bytes([b[0], b[1]]), expected)
        })?;
        let echo = matches!((protocol, icmp_type), (1, 0 | 8) | (58, 128 | 129));
        if echo {
            self.field(off + 4, 2, layer, "Identifier", |b| {
                u16::from_be_bytes([b[0], b[1]]).to_string()
            })?;
            self.field(off + 6, 2, layer, "Sequence number", |b| {
                u16::from_be_bytes([b[0], b[1]]).to_string()
            })?;
        } else if protocol == 58 && icmp_type == 2 {
            self.field(off + 4, 4, layer, "MTU", u32_text)?;
        } else {
            self.field(off + 4, 4, layer, "Rest of header", hex_text)?;
        }
        self.payload(off + 8, end);
        Ok(())
    }
}

/// The checksum a transport header should hold: the one's complement of the
/// pseudo header plus the segment with its checksum field (at `at`) as zero.
/// `None` when the segment is too short to hold the field.
fn transport_checksum(segment: &[u8], at: usize, pseudo: Sum16BitWords) -> Option<u16> {
    let before = segment.get(..at)?;
    let after = segment.get(at + 2..)?;
    // etherparse sums native-endian words; `to_be` gives the wire value.
    Some(
        pseudo
            .add_slice(before)
            .add_slice(after)
            .ones_complement()
            .to_be(),
    )
}

fn checksum_text(actual: u16, expected: Option<u16>) -> String {
    match expected {
        Some(e) if e == actual => format!("0x{actual:04x} (correct)"),
        Some(e) => format!("0x{actual:04x} (incorrect, should be 0x{e:04x})"),
        None => format!("0x{actual:04x}"),
    }
}

fn mac_text(b: &[u8]) -> String {
    let text = address_text(b);
    if b.iter().all(|x| *x == 0xff) {
        format!("{text} (broadcast)")
    } else if b.first().is_some_and(|x| x & 1 == 1) {
        format!("{text} (multicast)")
    } else {
        text
    }
}

/// A MAC (6 bytes), IPv4 (4) or IPv6 (16) address, or hex for other sizes.
fn address_text(b: &[u8]) -> String {
    match b.len() {
        4 => Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(b);
            Ipv6Addr::from(octets).to_string()
        }
        6 => b
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
        _ => hex_text(b),
    }
}

fn hex_text(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn u32_text(b: &[u8]) -> String {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]]).to_string()
}

fn ether_type_text(b: &[u8]) -> String {
    let v = u16::from_be_bytes([b[0], b[1]]);
    let name = match v {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q VLAN",
        0x88a8 => "802.1ad VLAN",
        0x9100 => "VLAN (QinQ)",
        0x8847 => "MPLS",
        0x88cc => "LLDP",
        0x88b5 | 0x88b6 => "local experimental",
        v if v <= 1500 => "802.3 length",
        _ => "",
    };
    if name.is_empty() {
        format!("0x{v:04x}")
    } else {
        format!("0x{v:04x} ({name})")
    }
}

fn ip_protocol_text(p: u8) -> String {
    let name = match p {
        0 => "Hop-by-hop options",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPv4 in IP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6 in IP",
        43 => "Routing",
        44 => "Fragment",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        59 => "No next header",
        60 => "Destination options",
        132 => "SCTP",
        _ => "",
    };
    if name.is_empty() {
        p.to_string()
    } else {
        format!("{p} ({name})")
    }
}

fn ipv6_extension_name(p: u8) -> &'static str {
    match p {
        0 => "Hop-by-hop options",
        43 => "Routing",
        44 => "Fragment",
        51 => "Authentication header",
        _ => "Destination options",
    }
}

fn port_text(b: &[u8]) -> String {
    let port = u16::from_be_bytes([b[0], b[1]]);
    let name = match port {
        20 | 21 => "FTP",
        22 => "SSH",
        23 => "Telnet",
        25 => "SMTP",
        53 => "DNS",
        67 | 68 => "DHCP",
        80 => "HTTP",
        123 => "NTP",
        443 => "HTTPS",
        _ => "",
    };
    if name.is_empty() {
        port.to_string()
    } else {
        format!("{port} ({name})")
    }
}

fn icmp_type_text(protocol: u8, t: u8) -> String {
    let name = match (protocol, t) {
        (1, 0) => "echo reply",
        (1, 3) => "destination unreachable",
        (1, 5) => "redirect",
        (1, 8) => "echo request",
        (1, 11) => "time exceeded",
        (58, 1) => "destination unreachable",
        (58, 2) => "packet too big",
        (58, 3) => "time exceeded",
        (58, 4) => "parameter problem",
        (58, 128) => "echo request",
        (58, 129) => "echo reply",
        (58, 133) => "router solicitation",
        (58, 134) => "router advertisement",
        (58, 135) => "neighbor solicitation",
        (58, 136) => "neighbor advertisement",
        _ => "",
    };
    if name.is_empty() {
        t.to_string()
    } else {
        format!("{t} ({name})")
    }
}

fn describe_payload(b: &[u8]) -> String {
    const PREVIEW: usize = 32;
    let shown = &b[..b.len().min(PREVIEW)];
    let more = if b.len() > PREVIEW { "..." } else { "" };
    let printable = shown
        .iter()
        .all(|c| c.is_ascii_graphic() || *c == b' ' || *c == b'\r' || *c == b'\n');
    let preview = if printable {
        format!(
            "\"{}{more}\"",
            String::from_utf8_lossy(shown).escape_debug()
        )
    } else {
        format!("{}{more}", hex_text(shown))
    };
    let unit = if b.len() == 1 { "byte" } else { "bytes" };
    format!("{} {unit}: {preview}", b.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{
        ArpSpec, Icmpv6Message, Ipv6Spec, Network, PacketSpec, Payload, TcpSpec, Transport,
        VlanSpec,
    };

    fn at(fields: &[Field], start: usize) -> &Field {
        fields
            .iter()
            .find(|f| f.start == start)
            .unwrap_or_else(|| panic!("no field at {start}: {fields:#?}"))
    }

    /// Fields are in order, inside the frame, non-empty and non-overlapping.
    fn assert_well_formed(bytes: &[u8], fields: &[Field]) {
        let mut next = 0;
        for f in fields {
            assert!(f.len > 0, "{f:?}");
            assert!(f.start >= next, "overlap at {f:?} in {fields:#?}");
            assert!(f.end() <= bytes.len(), "{f:?} past {}", bytes.len());
            next = f.end();
        }
    }

    #[test]
    fn udp_over_ipv4_fields() {
        let frame = PacketSpec::default().to_bytes().unwrap();
        let fields = dissect(&frame);
        assert_well_formed(&frame, &fields);
        // Every byte is labelled.
        assert_eq!(fields.iter().map(|f| f.len).sum::<usize>(), frame.len());
        assert_eq!(
            at(&fields, 12).to_string(),
            "bytes 12-13: Ethernet EtherType = 0x0800 (IPv4)"
        );
        assert_eq!(
            at(&fields, 23).to_string(),
            "byte 23: IPv4 Protocol = 17 (UDP)"
        );
        assert_eq!(at(&fields, 24).value_text, "0x26ca (correct)");
        assert_eq!(at(&fields, 26).value_text, "10.0.0.1");
        assert_eq!(at(&fields, 30).name, "Destination address");
        assert_eq!(at(&fields, 34).value_text, "12345");
        assert_eq!(at(&fields, 36).value_text, "53 (DNS)");
        assert!(at(&fields, 40).value_text.ends_with("(correct)"));
        assert_eq!(at(&fields, 42).value_text, "5 bytes: \"hello\"");
        assert_eq!(at(&fields, 42).layer, Layer::Payload);
    }

    #[test]
    fn fields_touched_by_a_load() {
        let frame = PacketSpec::default().to_bytes().unwrap();
        let fields = dissect(&frame);
        let touched: Vec<&str> = fields_touched(&fields, 26, 8)
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(touched, ["Source address", "Destination address"]);
        let touched = fields_touched(&fields, 13, 1);
        assert_eq!(touched.len(), 1);
        assert_eq!(touched[0].name, "EtherType");
        assert!(fields_touched(&fields, 100, 4).is_empty());
    }

    #[test]
    fn wrong_checksums_are_named_with_the_right_value() {
        let mut frame = PacketSpec::default().to_bytes().unwrap();
        frame[22] = 1; // TTL 64 -> 1: the IPv4 checksum no longer matches.
        let fields = dissect(&frame);
        assert_eq!(
            at(&fields, 24).value_text,
            "0x26ca (incorrect, should be 0x65ca)"
        );
        frame[42] ^= 0xff; // payload: the UDP checksum no longer matches.
        let fields = dissect(&frame);
        assert!(at(&fields, 40).value_text.contains("incorrect"));
    }

    #[test]
    fn vlan_tcp_over_ipv6() {
        let spec = PacketSpec {
            vlan: Some(VlanSpec {
                pcp: 0,
                dei: false,
                vid: 42,
            }),
            network: Network::Ipv6(Ipv6Spec::default()),
            transport: Transport::Tcp(TcpSpec::default()),
            payload: Payload::Empty,
            ..PacketSpec::default()
        };
        let frame = spec.to_bytes().unwrap();
        let fields = dissect(&frame);
        assert_well_formed(&frame, &fields);
        assert_eq!(at(&fields, 14).value_text, "PCP 0, DEI 0, VID 42");
        assert_eq!(at(&fields, 16).value_text, "0x86dd (IPv6)");
        assert_eq!(at(&fields, 24).value_text, "6 (TCP)");
        assert_eq!(at(&fields, 26).value_text, "fd00::1");
        assert_eq!(at(&fields, 58).name, "Source port");
        assert_eq!(at(&fields, 70).value_text, "5 (20 bytes) / SYN");
        assert!(at(&fields, 74).value_text.ends_with("(correct)"));
        assert_eq!(fields.last().unwrap().name, "Urgent pointer");
    }

    #[test]
    fn tcp_options_one_field_each() {
        use crate::spec::TcpOption;
        let spec = PacketSpec {
            transport: Transport::Tcp(TcpSpec {
                options: vec![
                    TcpOption::Mss { value: 1460 },
                    TcpOption::SackPermitted,
                    TcpOption::Timestamps {
                        value: 7,
                        echo_reply: 9,
                    },
                    TcpOption::Nop,
                    TcpOption::WindowScale { shift: 7 },
                ],
                ..TcpSpec::default()
            }),
            payload: Payload::Empty,
            ..PacketSpec::default()
        };
        let frame = spec.to_bytes().unwrap();
        let fields = dissect(&frame);
        assert_well_formed(&frame, &fields);
        assert_eq!(at(&fields, 46).value_text, "10 (40 bytes) / SYN");
        assert_eq!(
            at(&fields, 54).to_string(),
            "bytes 54-57: TCP MSS option = 1460"
        );
        assert_eq!(at(&fields, 58).name, "SACK permitted option");
        assert_eq!(at(&fields, 60).value_text, "TSval 7, TSecr 9");
        assert_eq!(at(&fields, 70).name, "NOP option");
        assert_eq!(at(&fields, 71).value_text, "shift 7 (x128)");
        assert_eq!(fields.last().unwrap().end(), frame.len());

        // A length byte pointing past the options area.
        let mut bad = frame.clone();
        bad[55] = 30;
        let fields = dissect(&bad);
        assert_well_formed(&bad, &fields);
        assert_eq!(at(&fields, 54).name, "Options (malformed)");
        assert_eq!(at(&fields, 54).len, 20);
    }

    #[test]
    fn arp_and_padding() {
        let spec = PacketSpec {
            network: Network::Arp(ArpSpec::default()),
            transport: Transport::None,
            payload: Payload::Empty,
            pad_to_min_frame: true,
            ..PacketSpec::default()
        };
        let frame = spec.to_bytes().unwrap();
        let fields = dissect(&frame);
        assert_well_formed(&frame, &fields);
        assert_eq!(at(&fields, 20).value_text, "1 (request)");
        assert_eq!(at(&fields, 22).value_text, "02:00:00:00:00:01");
        assert_eq!(at(&fields, 28).value_text, "10.0.0.1");
        assert_eq!(at(&fields, 38).name, "Target IP");
        assert_eq!(at(&fields, 42).name, "Padding");
        assert_eq!(at(&fields, 42).value_text, "18 bytes");
    }

    #[test]
    fn icmpv6_and_ipv6_extension_header() {
        let spec = PacketSpec {
            network: Network::Ipv6(Ipv6Spec::default()),
            transport: Transport::Icmpv6(Icmpv6Message::EchoRequest { id: 1, seq: 2 }),
            payload: Payload::Empty,
            ..PacketSpec::default()
        };
        let frame = spec.to_bytes().unwrap();
        let fields = dissect(&frame);
        assert_eq!(at(&fields, 54).value_text, "128 (echo request)");
        assert!(at(&fields, 56).value_text.ends_with("(correct)"));
        assert_eq!(at(&fields, 60).name, "Sequence number");

        // Insert an 8-byte destination-options header before the ICMPv6 message.
        let mut with_ext = frame[..54].to_vec();
        with_ext[20] = 60;
        with_ext[18..20].copy_from_slice(&16u16.to_be_bytes());
        with_ext.extend([58, 0, 1, 4, 0, 0, 0, 0]);
        with_ext.extend(&frame[54..]);
        let fields = dissect(&with_ext);
        assert_well_formed(&with_ext, &fields);
        assert_eq!(at(&fields, 54).layer, Layer::Ipv6Extension);
        assert_eq!(
            at(&fields, 54).value_text,
            "58 (ICMPv6) (Destination options)"
        );
        assert_eq!(at(&fields, 56).len, 6);
        assert_eq!(at(&fields, 62).value_text, "128 (echo request)");
        // The checksum still covers only the ICMPv6 message.
        assert!(at(&fields, 64).value_text.ends_with("(correct)"));
    }

    #[test]
    fn truncated_frames_end_with_a_truncated_field() {
        let frame = PacketSpec::default().to_bytes().unwrap();
        for len in 0..frame.len() {
            let fields = dissect(&frame[..len]);
            assert_well_formed(&frame[..len], &fields);
            let covered: usize = fields.iter().map(|f| f.len).sum();
            assert_eq!(
                covered, len,
                "every byte of a {len}-byte prefix is labelled"
            );
        }
        let fields = dissect(&frame[..29]);
        let last = fields.last().unwrap();
        assert_eq!(last.name, "truncated");
        assert_eq!((last.start, last.len), (26, 3));
        assert_eq!(last.value_text, "Source address needs 4 bytes, 3 left");
        let fields = dissect(&frame[..28]);
        assert_eq!(
            fields.last().unwrap().value_text,
            "Source address needs 4 bytes, 2 left"
        );
    }

    #[test]
    fn diff_names_rewritten_fields() {
        let before = PacketSpec::default().to_bytes().unwrap();
        let mut spec = PacketSpec::default();
        if let Network::Ipv4(ip) = &mut spec.network {
            ip.dst = std::net::Ipv4Addr::new(10, 0, 0, 5);
        }
        let after = spec.to_bytes().unwrap();
        let changes: Vec<String> = diff(&before, &after)
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            changes,
            [
                "IPv4 Header checksum: 0x26ca (correct) -> 0x26c7 (correct)",
                "IPv4 Destination address: 10.0.0.2 -> 10.0.0.5",
                "UDP Checksum: 0x7791 (correct) -> 0x778e (correct)",
            ]
        );
        assert!(diff(&before, &before).is_empty());

        // VLAN-tag it: the IP fields move by 4 bytes but pair by name, not offset.
        let tagged = PacketSpec {
            vlan: Some(VlanSpec::default()),
            ..PacketSpec::default()
        }
        .to_bytes()
        .unwrap();
        let changes = diff(&before, &tagged);
        let text: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            text,
            [
                "Ethernet EtherType: 0x0800 (IPv4) -> 0x8100 (802.1Q VLAN)",
                "802.1Q TCI: (new) PCP 0, DEI 0, VID 0",
                "802.1Q EtherType: (new) 0x0800 (IPv4)",
            ]
        );
    }

    #[test]
    fn one_line_summaries() {
        use crate::spec::{Icmpv4Message, Ipv4Spec};
        let udp = PacketSpec::default().to_bytes().unwrap();
        assert_eq!(summary(&udp), "UDP 10.0.0.1:12345 > 10.0.0.2:53, 5 bytes");
        let tcp6 = PacketSpec {
            vlan: Some(VlanSpec {
                vid: 7,
                ..VlanSpec::default()
            }),
            network: Network::Ipv6(Ipv6Spec::default()),
            transport: Transport::Tcp(TcpSpec::default()),
            payload: Payload::Empty,
            ..PacketSpec::default()
        };
        assert_eq!(
            summary(&tcp6.to_bytes().unwrap()),
            "VLAN 7: TCP [fd00::1]:12345 > [fd00::2]:80 [SYN]"
        );
        let arp = PacketSpec {
            network: Network::Arp(ArpSpec::default()),
            transport: Transport::None,
            payload: Payload::Empty,
            ..PacketSpec::default()
        };
        assert_eq!(
            summary(&arp.to_bytes().unwrap()),
            "ARP who-has 10.0.0.2 tell 10.0.0.1"
        );
        let ping = PacketSpec {
            network: Network::Ipv4(Ipv4Spec::default()),
            transport: Transport::Icmpv4(Icmpv4Message::EchoRequest { id: 1, seq: 2 }),
            payload: Payload::Empty,
            ..PacketSpec::default()
        };
        assert_eq!(
            summary(&ping.to_bytes().unwrap()),
            "ICMP echo request 10.0.0.1 > 10.0.0.2"
        );
        let gre = PacketSpec {
            network: Network::Ipv4(Ipv4Spec {
                protocol: Some(47),
                ..Ipv4Spec::default()
            }),
            transport: Transport::None,
            payload: Payload::Hex("0000 0800".to_string()),
            ..PacketSpec::default()
        };
        assert_eq!(
            summary(&gre.to_bytes().unwrap()),
            "IPv4 10.0.0.1 > 10.0.0.2 protocol 47 (GRE), 4 bytes"
        );
        assert_eq!(
            summary(&udp[..32]),
            "IPv4 10.0.0.1 > ? protocol 17 (UDP) (truncated)"
        );
        assert_eq!(summary(&[]), "EtherType ?");
    }

    #[test]
    fn ip_length_shorter_than_the_frame_leaves_a_trailer() {
        let mut frame = PacketSpec::default().to_bytes().unwrap();
        frame.extend([0xaa; 4]);
        let fields = dissect(&frame);
        assert_well_formed(&frame, &fields);
        let last = fields.last().unwrap();
        assert_eq!((last.name, last.start, last.len), ("Padding", 47, 4));
    }
}
