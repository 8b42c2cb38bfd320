//! r0 to r10 at the current point of the run, in hex, decimal or signed;
//! the ones the last instruction changed are marked, with their old value.

use yew::prelude::*;

use crate::session::debug::Radix;

/// Registers properties.
#[derive(Properties, PartialEq)]
pub struct RegistersProps {
    /// Now.
    pub regs: [u64; 11],
    /// Before the last instruction.
    pub before: [u64; 11],
    /// How to show values.
    pub radix: Radix,
    /// The user picked another radix.
    pub on_radix: Callback<Radix>,
}

const RADIXES: [(Radix, &str, &str); 3] = [
    (Radix::Hex, "hex", "radix-hex"),
    (Radix::Decimal, "decimal", "radix-dec"),
    (Radix::Signed, "signed", "radix-signed"),
];

/// The register table.
#[component]
pub fn Registers(props: &RegistersProps) -> Html {
    let choices = RADIXES.iter().map(|&(r, label, id)| {
        let onchange = {
            let on_radix = props.on_radix.clone();
            Callback::from(move |_: Event| on_radix.emit(r))
        };
        html! {
            <label class="check">
                <input type="radio" name="run-radix" {id} checked={props.radix == r} {onchange} />
                { label }
            </label>
        }
    });
    let rows = (0..11).map(|n| {
        let (now, was) = (props.regs[n], props.before[n]);
        let changed = now != was;
        html! {
            <tr class={classes!(changed.then_some("changed"))} id={format!("run-r{n}")}>
                <th scope="row">{ format!("r{n}") }</th>
                <td class="mono">{ props.radix.format(now) }</td>
                <td class="mono muted">
                    if changed { { format!("was {}", props.radix.format(was)) } }
                </td>
            </tr>
        }
    });
    html! {
        <section class="run-regs" aria-label="Registers">
            <div class="radix" role="radiogroup" aria-label="Show register values as">{ for choices }</div>
            <table class="regs" id="run-regs">
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}
