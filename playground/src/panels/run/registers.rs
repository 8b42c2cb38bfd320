//! r0 to r10 at the current point of the run, in hex, decimal or signed;
//! the ones the last instruction changed are marked, with their old value;
//! beside each, the verifier's abstract value before the next instruction
//! (abstract beside concrete: the bounds the verifier proved for every run,
//! next to the value this run has).

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
    /// The verifier's state before the next instruction, if there is one.
    #[prop_or_default]
    pub verifier: Option<VerifierColumn>,
}

/// The verifier's abstract registers beside the concrete ones.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifierColumn {
    /// Which verifier state this is, in words (the step, and whether it is
    /// on the path the run took).
    pub source: String,
    /// r0 to r10 as the kernel prints them (`scalar(umax=255)`,
    /// `pkt(off=14,r=34)`); `None` where the verifier has the register
    /// uninitialised.
    pub regs: Vec<Option<String>>,
    /// Per register, whether the concrete value lies within the abstract
    /// one, in words; the flag is set when it does not (a verifier bug).
    pub fit: Vec<(String, bool)>,
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
    let verifier = props.verifier.as_ref();
    let rows = (0..11).map(|n| {
        let (now, was) = (props.regs[n], props.before[n]);
        let changed = now != was;
        let abstract_cell = verifier.map(|v| {
            let (fit, bad) = v.fit.get(n).cloned().unwrap_or_default();
            match v.regs.get(n).cloned().flatten() {
                Some(text) => html! {
                    <td class={classes!("mono", "run-abstract", bad.then_some("fit-bad"))} title={fit}>{ text }</td>
                },
                None => html! {
                    <td class="muted run-abstract" title="not initialised for the verifier: reading it is an error">{ "—" }</td>
                },
            }
        });
        html! {
            <tr class={classes!(changed.then_some("changed"))} id={format!("run-r{n}")}>
                <th scope="row">{ format!("r{n}") }</th>
                <td class="mono">{ props.radix.format(now) }</td>
                <td class="mono muted run-was">
                    if changed { { format!("was {}", props.radix.format(was)) } }
                </td>
                { for abstract_cell }
            </tr>
        }
    });
    html! {
        <section class="run-regs" aria-label="Registers">
            <div class="radix" role="radiogroup" aria-label="Show register values as">{ for choices }</div>
            <table class="regs" id="run-regs">
                if let Some(v) = verifier {
                    <caption class="muted" id="run-abstract-source">{ v.source.clone() }</caption>
                    <thead><tr>
                        <th>{ "reg" }</th><th>{ "this run" }</th><th></th>
                        <th>{ "verifier (every run)" }</th>
                    </tr></thead>
                }
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}
