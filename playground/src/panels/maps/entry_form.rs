//! The form that puts an entry in a map from user space: key and value
//! fields that take a decimal integer, hex bytes or an `.entry` form. A bad
//! field keeps its text and says why; nothing reaches the workspace until
//! both fields read and the map takes the entry.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::map_edits::{parse_bytes, MapEdit};

/// Entry form properties.
#[derive(Properties, PartialEq)]
pub struct EntryFormProps {
    /// The map's name (also the ids' stem).
    pub map: AttrValue,
    /// Key size in bytes (0: queue and stack maps, no key field).
    pub key_size: u32,
    /// Value size in bytes.
    pub value_size: u32,
    /// Text to start the key field with (Edit on a row fills it).
    #[prop_or_default]
    pub key_text: AttrValue,
    /// Text to start the value field with.
    #[prop_or_default]
    pub value_text: AttrValue,
    /// Makes the edit; `Err` says why the map does not take it.
    pub on_put: Callback<MapEdit, Result<(), String>>,
}

fn input_value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The entry form.
#[component]
pub fn EntryForm(props: &EntryFormProps) -> Html {
    let key = use_state(|| props.key_text.to_string());
    let value = use_state(|| props.value_text.to_string());
    let error = use_state(|| None::<String>);
    {
        // Edit on a row puts its key and value in the fields.
        let key = key.clone();
        let value = value.clone();
        let error = error.clone();
        use_effect_with(
            (props.key_text.clone(), props.value_text.clone()),
            move |(k, v)| {
                if !k.is_empty() || !v.is_empty() {
                    key.set(k.to_string());
                    value.set(v.to_string());
                    error.set(None);
                }
            },
        );
    }
    let on_key = {
        let key = key.clone();
        Callback::from(move |e: InputEvent| key.set(input_value(e)))
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| value.set(input_value(e)))
    };
    let submit = {
        let (key, value, error) = (key.clone(), value.clone(), error.clone());
        let (map, key_size, value_size) = (props.map.to_string(), props.key_size, props.value_size);
        let on_put = props.on_put.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let edit = parse_bytes(&key, key_size, "key").and_then(|k| {
                parse_bytes(&value, value_size, "value").map(|v| MapEdit::Put {
                    map: map.clone(),
                    key: k,
                    value: v,
                })
            });
            match edit.and_then(|edit| on_put.emit(edit)) {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let id = |part: &str| format!("map-{}-{part}", props.map);
    let error_id = id("error");
    let described = error.is_some().then(|| error_id.clone());
    html! {
        <form class={classes!("map-entry-form", error.is_some().then_some("invalid"))} onsubmit={submit}
            aria-label={format!("Put an entry in {}", props.map)}>
            if props.key_size > 0 {
                <label for={id("key")}>{ format!("key ({} B)", props.key_size) }</label>
                <input id={id("key")} class="mono map-key-input" type="text" spellcheck="false" size="18"
                    placeholder="1, 01 00 00 00, ip:10.0.0.1" value={(*key).clone()} oninput={on_key}
                    aria-invalid={error.is_some().to_string()} aria-describedby={described.clone()} />
            }
            <label for={id("value")}>{ format!("value ({} B)", props.value_size) }</label>
            <input id={id("value")} class="mono map-value-input" type="text" spellcheck="false" size="24"
                placeholder="42, 2a 00 00 00 00 00 00 00, u64:42" value={(*value).clone()} oninput={on_value}
                aria-invalid={error.is_some().to_string()} aria-describedby={described} />
            <button type="submit" id={id("put")} class="button small">
                { if props.key_size > 0 { "Put" } else { "Push" } }
            </button>
            if let Some(e) = &*error {
                <p id={error_id} class="field-error" role="alert">{ e.clone() }</p>
            }
        </form>
    }
}
