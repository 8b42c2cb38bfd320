//! The workspace's packets: several named packets, each built layer by layer
//! (a `packets::PacketSpec`) or given as hex text, one of them selected as the
//! input of Run. Plain serde data, so local storage and share links carry it
//! as JSON.

use packets::PacketSpec;
use serde::{Deserialize, Serialize};

use crate::session::parse_packet;

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
    fn json_round_trip() {
        let list = PacketList::from_hex("de ad").apply(PacketAction::Add);
        let back = PacketList::from_json(&list.to_json()).unwrap();
        assert_eq!(back, list);
        assert_eq!(PacketList::from_json("{\"items\":[],\"selected\":0}"), None);
        assert_eq!(PacketList::from_json("nonsense"), None);
    }
}
