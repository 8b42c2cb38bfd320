//! Every declared map with its entries after the run, as hex and integers.

use std::rc::Rc;

use yew::prelude::*;

use crate::session::{hex, Analysis};

/// Maps panel properties.
#[derive(Properties)]
pub struct MapsProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
}

impl PartialEq for MapsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
    }
}

/// A little-endian integer, when the bytes fit in 64 bits.
fn as_int(bytes: &[u8]) -> String {
    if bytes.is_empty() || bytes.len() > 8 {
        return String::new();
    }
    let mut b = [0u8; 8];
    b[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(b).to_string()
}

/// The maps panel.
#[component]
pub fn MapsPanel(props: &MapsProps) -> Html {
    let maps = &props.analysis.maps;
    if props.analysis.program.maps.is_empty() {
        return html! { <p class="hint">{ "This program declares no maps (.map name, type, key=, value=, max_entries=)." }</p> };
    }
    if maps.is_empty() {
        return html! {
            <div class="maps">
                <p class="hint">{ "The program was not run, so the maps were not created. Declared:" }</p>
                { for props.analysis.program.maps.iter().map(declared_map) }
            </div>
        };
    }
    let tables = maps.iter().map(|m| {
        let rows = m.entries.iter().map(|(k, v)| html! {
            <tr>
                <td class="mono">{ hex(k) }</td><td class="num mono">{ as_int(k) }</td>
                <td class="mono">{ hex(v) }</td><td class="num mono">{ as_int(v) }</td>
            </tr>
        });
        html! {
            <section class="map">
                <h3 class="mono">{ format!("{} ", m.name) }<span class="muted">{ format!("{} · key {} B · value {} B · {} entries", m.kind, m.key_size, m.value_size, m.entries.len()) }</span></h3>
                if m.entries.is_empty() {
                    <p class="hint">{ "empty" }</p>
                } else {
                    <table class="listing">
                        <thead><tr><th>{ "key" }</th><th>{ "as int" }</th><th>{ "value" }</th><th>{ "as int" }</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                }
            </section>
        }
    });
    html! { <div class="maps">{ for tables }</div> }
}

/// A map as the program declares it, with the initial contents of a global
/// (`.rodata`, `.data`, `.bss`).
fn declared_map(m: &vm_core::MapDef) -> Html {
    html! {
        <section class="map">
            <h3 class="mono">{ format!("{} ", m.name) }<span class="muted">{ format!("{} · key {} B · value {} B · max_entries {}", m.map_type.name(), m.key_size, m.value_size, m.max_entries) }</span></h3>
            if let Some(init) = &m.initial_value {
                <p class="mono">{ format!("initial value: {}", hex(init)) }</p>
            }
        </section>
    }
}
