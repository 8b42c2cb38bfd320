//! The workspace's packets: several named packets, each built layer by layer
//! (a `packets::PacketSpec`) or given as hex text, one of them selected as the
//! input of Run. Plain serde data, so local storage and share links carry it
//! as JSON.

use packets::PacketSpec;
use serde::{Deserialize, Serialize};

use crate::session::{parse_dump, parse_packet};

/// How a packet is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PacketSource {
    /// Built from a layered description.
    Built(PacketSpec),
    /// Hex text as the user typed or pasted it (any dump format
    /// `packets::parse_hex_dump` reads), kept even when it does not parse.
    Hex(String),
}

/// One named packet of the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PacketItem {
    /// The name shown in the list.
    pub name: String,
    /// Its bytes, as given.
    pub source: PacketSource,
}

impl PacketItem {
    /// The packet's bytes, or why they cannot be made (a build error, or
    /// the hex error with its line and column).
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        match &self.source {
            PacketSource::Built(spec) => spec.to_bytes().map_err(|e| e.to_string()),
            PacketSource::Hex(text) => parse_packet(text),
        }
    }
}

/// The packets and which one Run uses.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct PacketList {
    /// The packets, in list order.
    pub items: Vec<PacketItem>,
    /// Index of the packet Run uses.
    pub selected: usize,
}

/// Something done to the packet list.
#[derive(Clone, Debug, PartialEq)]
pub enum PacketAction {
    /// Make packet `i` the input of Run.
    Select(usize),
    /// Append a new built packet (the default UDP datagram) and select it.
    Add,
    /// Insert a copy of packet `i` after it and select the copy.
    Duplicate(usize),
    /// Remove packet `i` (the last packet cannot be removed).
    Delete(usize),
    /// Rename packet `i`.
    Rename(usize, String),
    /// Replace the selected packet's layered description.
    SetSpec(PacketSpec),
    /// Replace the selected packet's hex text (and make it a hex packet).
    SetHex(String),
    /// Replace the selected hex packet, whose text is a dump of several
    /// packets, by one hex packet per packet of the dump (named after it:
    /// `Packet 1 · 2 of 3`), the first selected.
    SplitHex,
    /// Append packets (an imported capture) and select the first of them.
    Append(Vec<PacketItem>),
}

impl PacketList {
    /// A list of one hex packet holding `text` (the workspace's packet text
    /// from before there was a list).
    pub fn from_hex(text: &str) -> PacketList {
        PacketList {
            items: vec![PacketItem {
                name: "Packet 1".into(),
                source: PacketSource::Hex(text.into()),
            }],
            selected: 0,
        }
    }

    /// The selected packet, if the list is not empty.
    pub fn current(&self) -> Option<&PacketItem> {
        self.items.get(self.selected)
    }

    /// The list as JSON (for storage and share links).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A list from JSON; `None` when it is not one (the selection is clamped).
    pub fn from_json(text: &str) -> Option<PacketList> {
        let mut list: PacketList = serde_json::from_str(text).ok()?;
        if list.items.is_empty() {
            return None;
        }
        list.selected = list.selected.min(list.items.len() - 1);
        Some(list)
    }

    /// A name not yet used: `Packet N`.
    fn fresh_name(&self) -> String {
        (self.items.len() + 1..)
            .map(|n| format!("Packet {n}"))
            .find(|name| self.items.iter().all(|p| &p.name != name))
            .unwrap_or_default()
    }

    /// The list after `action`.
    pub fn apply(&self, action: PacketAction) -> PacketList {
        let mut next = self.clone();
        match action {
            PacketAction::Select(i) if i < next.items.len() => next.selected = i,
            PacketAction::Select(_) => {}
            PacketAction::Add => {
                next.items.push(PacketItem {
                    name: self.fresh_name(),
                    source: PacketSource::Built(PacketSpec::default()),
                });
                next.selected = next.items.len() - 1;
            }
            PacketAction::Duplicate(i) => {
                if let Some(item) = self.items.get(i) {
                    let copy = PacketItem {
                        name: format!("{} (copy)", item.name),
                        source: item.source.clone(),
                    };
                    next.items.insert(i + 1, copy);
                    next.selected = i + 1;
                }
            }
            PacketAction::Delete(i) => {
                if i < next.items.len() && next.items.len() > 1 {
                    next.items.remove(i);
                    if next.selected > i || next.selected >= next.items.len() {
                        next.selected = next.selected.saturating_sub(1);
                    }
                }
            }
            PacketAction::Rename(i, name) => {
                if let Some(item) = next.items.get_mut(i) {
                    item.name = name;
                }
            }
            PacketAction::SetSpec(spec) => {
                if let Some(item) = next.items.get_mut(self.selected) {
                    item.source = PacketSource::Built(spec);
                }
            }
            PacketAction::SetHex(text) => {
                if let Some(item) = next.items.get_mut(self.selected) {
                    item.source = PacketSource::Hex(text);
                }
            }
            PacketAction::SplitHex => {
                if let Some(PacketItem {
                    name,
                    source: PacketSource::Hex(text),
                }) = self.current()
                {
                    let packets = parse_dump(text).map(|d| d.packets).unwrap_or_default();
                    let n = packets.len();
                    if n > 1 {
                        let parts = packets.iter().enumerate().map(|(k, p)| PacketItem {
                            name: format!("{name} · {} of {n}", k + 1),
                            source: PacketSource::Hex(crate::session::hex(p)),
                        });
                        next.items.splice(self.selected..=self.selected, parts);
                    }
                }
            }
            PacketAction::Append(items) => {
                if !items.is_empty() {
                    next.selected = next.items.len();
                    next.items.extend(items);
                }
            }
        }
        next
    }

    /// The text that stands for the selected packet in the workspace's
    /// `packet` field (hex, or the user's own text for a hex packet).
    pub fn selected_text(&self) -> String {
        match self.current() {
            Some(PacketItem {
                source: PacketSource::Hex(text),
                ..
            }) => text.clone(),
            Some(item) => item
                .bytes()
                .map(|b| crate::session::hex(&b))
                .unwrap_or_default(),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_duplicate_rename_delete_keep_a_valid_selection() {
        let list = PacketList::from_hex("00 11");
        let list = list.apply(PacketAction::Add);
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.selected, 1);
        assert_eq!(list.items[1].name, "Packet 2");
        let list = list.apply(PacketAction::Duplicate(0));
        assert_eq!(list.items[1].name, "Packet 1 (copy)");
        assert_eq!(list.selected, 1);
        let list = list.apply(PacketAction::Rename(1, "SYN".into()));
        assert_eq!(list.items[1].name, "SYN");
        let list = list.apply(PacketAction::Select(2));
        let list = list.apply(PacketAction::Delete(0));
        assert_eq!(list.items.len(), 2);
        assert_eq!(
            list.current().unwrap().name,
            "Packet 2",
            "selection follows its packet"
        );
        let list = list
            .apply(PacketAction::Delete(1))
            .apply(PacketAction::Delete(0));
        assert_eq!(list.items.len(), 1, "the last packet stays");
    }

    #[test]
    fn bad_hex_is_kept_and_explained() {
        let list = PacketList::from_hex("").apply(PacketAction::SetHex("00 1g".into()));
        let item = list.current().unwrap();
        assert_eq!(item.source, PacketSource::Hex("00 1g".into()));
        assert!(
            item.bytes().unwrap_err().contains("1:"),
            "{:?}",
            item.bytes()
        );
    }

    #[test]
    fn a_dump_of_three_packets_becomes_three_packets() {
        let dump = "\
12:00:00.000001 IP 10.0.0.1 > 10.0.0.2: ICMP echo request
\t0x0000:  4500 001c 0001 0000 4001 66de 0a00 0001
\t0x0010:  0a00 0002 0800 f7ff 0000 0000
12:00:00.000002 IP 10.0.0.2 > 10.0.0.1: ICMP echo reply
\t0x0000:  4500 001c 0002 0000 4001 66dd 0a00 0002
\t0x0010:  0a00 0001 0000 ffff 0000 0000
12:00:00.000003 IP 10.0.0.1 > 10.0.0.2: ICMP echo request
\t0x0000:  4500 001c 0003 0000 4001 66dc 0a00 0001
\t0x0010:  0a00 0002 0800 f7ff 0000 0000
";
        let list = PacketList::from_hex("00")
            .apply(PacketAction::Add)
            .apply(PacketAction::SetHex(dump.into()));
        let split = list.apply(PacketAction::SplitHex);
        assert_eq!(split.items.len(), 4, "packet 1, then the dump's three");
        assert_eq!(split.selected, 1);
        let names: Vec<&str> = split.items.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Packet 1",
                "Packet 2 · 1 of 3",
                "Packet 2 · 2 of 3",
                "Packet 2 · 3 of 3"
            ]
        );
        // Each is the dump's packet as Run sees it: the made-up Ethernet header included.
        let third = split.items[3].bytes().unwrap();
        assert_eq!(third.len(), 14 + 28);
        assert_eq!(&third[12..16], &[0x08, 0x00, 0x45, 0x00]);
        assert_eq!(third[14 + 5], 0x03, "the third packet's IP id");
        // A one-packet text is left alone.
        let one = PacketList::from_hex("00 11").apply(PacketAction::SplitHex);
        assert_eq!(one, PacketList::from_hex("00 11"));
    }

    #[test]
    fn json_round_trip() {
        let list = PacketList::from_hex("de ad").apply(PacketAction::Add);
        let back = PacketList::from_json(&list.to_json()).unwrap();
        assert_eq!(back, list);
        assert_eq!(PacketList::from_json("{\"items\":[],\"selected\":0}"), None);
        assert_eq!(PacketList::from_json("nonsense"), None);
    }
}
