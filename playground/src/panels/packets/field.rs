//! One labelled text input of the packet builder. It keeps what the user
//! typed even when it does not parse (the packet keeps its last good value
//! and the field says why), so nothing typed is lost on a bad input.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Field properties.
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// Element id (also ties the label to the input).
    pub id: AttrValue,
    /// The label.
    pub label: AttrValue,
    /// The value the packet holds now (the text shown when first mounted).
    pub value: AttrValue,
    /// Applies new text to the packet; `Err` says why it cannot.
    pub on_input: Callback<String, Result<(), String>>,
    /// Input width in characters.
    #[prop_or(16)]
    pub size: u32,
}

/// A labelled text input that validates as the user types.
#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let text = use_state(|| props.value.to_string());
    let error = use_state(|| None::<String>);
    let oninput = {
        let text = text.clone();
        let error = error.clone();
        let apply = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let value = input.value();
            error.set(apply.emit(value.clone()).err());
            text.set(value);
        })
    };
    let error_id = format!("{}-error", props.id);
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <input id={props.id.clone()} type="text" class="mono" spellcheck="false"
                size={props.size.to_string()} value={(*text).clone()} {oninput}
                aria-invalid={error.is_some().to_string()}
                aria-describedby={error.is_some().then(|| error_id.clone())} />
            if let Some(e) = &*error {
                <span id={error_id} class="field-error" role="alert">{ e.clone() }</span>
            }
        </div>
    }
}

/// Parses a number field (decimal or `0x` hex) into `T`, with a message
/// naming the allowed range.
pub fn parse_number<T>(text: &str) -> Result<T, String>
where
    T: TryFrom<u64> + Copy,
{
    let t = text.trim();
    let value = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse::<u64>(),
    }
    .map_err(|_| format!("{t:?} is not a number"))?;
    T::try_from(value).map_err(|_| format!("{value} is too large here"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_decimal_and_hex_within_range() {
        assert_eq!(parse_number::<u16>("80"), Ok(80));
        assert_eq!(parse_number::<u16>(" 0x50 "), Ok(80));
        assert!(parse_number::<u8>("256").unwrap_err().contains("too large"));
        assert!(parse_number::<u16>("http")
            .unwrap_err()
            .contains("not a number"));
    }
}
