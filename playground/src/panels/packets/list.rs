//! The packet list: one row per packet (name, one-line summary), the
//! selected one is Run's input; add, duplicate, delete, rename.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::packet_list::{PacketAction, PacketList};

/// Rows drawn at most (a capture may hold thousands of packets).
pub const LIST_ROWS: usize = 500;

/// List properties.
#[derive(Properties, PartialEq)]
pub struct ListProps {
    /// The packets.
    pub list: PacketList,
    /// Called with what the user did.
    pub on_action: Callback<PacketAction>,
}

/// The packet list.
#[component]
pub fn PacketListView(props: &ListProps) -> Html {
    let action = |a: PacketAction| {
        let on = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on.emit(a.clone()))
    };
    let selected = props.list.selected;
    let rows = props.list.items.iter().enumerate().take(LIST_ROWS).map(|(i, item)| {
        let summary = match item.bytes() {
            Ok(b) if b.is_empty() => "empty".to_string(),
            Ok(b) => packets::summary(&b),
            Err(e) => format!("error: {e}"),
        };
        let is_sel = i == selected;
        html! {
            <li class={classes!("packet-row", is_sel.then_some("selected"))} aria-current={is_sel.then_some("true")}>
                <button type="button" class="packet-pick" onclick={action(PacketAction::Select(i))}
                    aria-label={format!("Use {} as the input", item.name)} aria-pressed={is_sel.to_string()}>
                    <span class="packet-name">{ item.name.clone() }</span>
                    <span class="packet-summary mono">{ summary }</span>
                </button>
            </li>
        }
    });
    let more = props.list.items.len().saturating_sub(LIST_ROWS);
    let current = props.list.current();
    let rename = {
        let on = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on.emit(PacketAction::Rename(selected, input.value()));
        })
    };
    html! {
        <div class="packet-list">
            <ol class="packet-rows" aria-label="Packets">{ for rows }</ol>
            if more > 0 {
                <p class="hint">{ format!("and {more} more (the batch run covers them all)") }</p>
            }
            <div class="packet-actions">
                <button type="button" id="packet-add" class="button small" onclick={action(PacketAction::Add)}>{ "Add" }</button>
                <button type="button" id="packet-duplicate" class="button small" onclick={action(PacketAction::Duplicate(selected))}>{ "Duplicate" }</button>
                <button type="button" id="packet-delete" class="button small" disabled={props.list.items.len() < 2}
                    onclick={action(PacketAction::Delete(selected))}>{ "Delete" }</button>
                if let Some(item) = current {
                    <label for="packet-name" class="visually-hidden">{ "Name of the selected packet" }</label>
                    <input id="packet-name" type="text" class="packet-name-input" value={item.name.clone()} oninput={rename} />
                }
            </div>
        </div>
    }
}
