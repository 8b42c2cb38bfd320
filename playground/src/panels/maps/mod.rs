//! Every declared map: its entries as user space put them in before the run
//! (the source's `.entry` lines and the edits made here), editable, then
//! the same map after the run with each entry marked added, changed or
//! removed; and the run's event log (trace_printk, ring buffer, perf
//! events). Keys and values show as hex and as little-endian integers.

mod diff;
mod entry_form;
mod events;

use std::rc::Rc;

use yew::prelude::*;

use diff::{map_diff, Change, DiffRow};
use entry_form::EntryForm;
use events::EventLog;

use crate::map_edits::{takes_entries, MapEdit, MapEdits};
use vm_core::MapType;

use crate::session::{hex, maps_before, Analysis, MapView, RunEnd, MAP_ROWS};

/// Maps panel properties.
#[derive(Properties)]
pub struct MapsProps {
    /// The analysed program.
    pub analysis: Rc<Analysis>,
    /// The workspace's map edits (the next run's initial entries).
    #[prop_or_default]
    pub edits: MapEdits,
    /// The source or the edits changed since the analysis was made.
    #[prop_or_default]
    pub stale: bool,
    /// Makes an edit (checked against the map first).
    #[prop_or_default]
    pub on_edit: Callback<MapEdit>,
    /// Drops every edit of the named map.
    #[prop_or_default]
    pub on_reset: Callback<String>,
}

impl PartialEq for MapsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.analysis, &other.analysis)
            && self.edits == other.edits
            && self.stale == other.stale
            && self.on_edit == other.on_edit
            && self.on_reset == other.on_reset
    }
}

/// Entries shown open before the run; a bigger map folds its table.
const FOLD_ROWS: usize = 16;

/// A little-endian integer, when the bytes fit in 64 bits.
pub fn as_int(bytes: &[u8]) -> String {
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
    // The key and value an Edit click put in a map's form.
    let editing = use_state(|| None::<(String, String, String)>);
    let row_error = use_state(|| None::<(String, String)>);
    let analysis = &props.analysis;
    let program = &analysis.program;
    if program.maps.is_empty() {
        return html! { <p class="hint">{ "This program declares no maps (.map name, type, key=, value=, max_entries=)." }</p> };
    }
    let before = maps_before(program, &props.edits);
    let ran = !analysis.maps.is_empty();
    let sections = program.maps.iter().enumerate().map(|(i, def)| {
        let name = def.name.clone();
        let edits_here = props.edits.count_for(&name);
        let on_put = {
            let (edits, program, on_edit) = (props.edits.clone(), analysis.clone(), props.on_edit.clone());
            Callback::from(move |edit: MapEdit| {
                edits.check(&program.program, &edit)?;
                on_edit.emit(edit);
                Ok(())
            })
        };
        let reset = {
            let (on_reset, name) = (props.on_reset.clone(), name.clone());
            Callback::from(move |_: MouseEvent| on_reset.emit(name.clone()))
        };
        let before_rows = match &before {
            Ok(views) => views.get(i).map(|v| before_table(v, def.map_type, &props.edits, analysis, &props.on_edit, &editing, &row_error)).unwrap_or_default(),
            Err(_) => html! {},
        };
        let (key_text, value_text) = match &*editing {
            Some((m, k, v)) if *m == name => (k.clone(), v.clone()),
            _ => (String::new(), String::new()),
        };
        let after = if ran {
            match (analysis.maps_before.get(i), analysis.maps.get(i)) {
                (Some(b), Some(a)) => after_table(b, a, props.stale),
                _ => html! {},
            }
        } else {
            html! {}
        };
        let error = match &*row_error {
            Some((m, e)) if *m == name => Some(e.clone()),
            _ => None,
        };
        html! {
            <section class="map" id={format!("map-{name}")}>
                <h3 class="mono">{ format!("{name} ") }<span class="muted">{ format!("{} · key {} B · value {} B · max_entries {}", def.map_type.name(), def.key_size, def.value_size, def.max_entries) }</span></h3>
                if let Some(init) = &def.initial_value {
                    <p class="mono">{ format!("initial value: {}", hex(init)) }</p>
                }
                if takes_entries(def) {
                    <h4 class="field-label">
                        { "Before the run: put in by user space (.entry lines and edits here)" }
                        if edits_here > 0 {
                            <span class="badge">{ format!("{edits_here} edited") }</span>
                            <button type="button" class="button small" id={format!("map-{name}-reset")} onclick={reset}>{ "Undo edits" }</button>
                        }
                    </h4>
                    { before_rows }
                    if let Some(e) = error { <p class="warn" role="alert">{ e }</p> }
                    <EntryForm key={name.clone()} map={name.clone()} key_size={def.key_size} value_size={def.value_size}
                        key_text={AttrValue::from(key_text)} value_text={AttrValue::from(value_text)} {on_put} />
                } else {
                    <p class="hint">{ "User space puts no entries in this kind of map; what the program sends shows in the event log below." }</p>
                }
                { after }
            </section>
        }
    });
    let run_note = match &analysis.run {
        RunEnd::NotLoaded => Some("The verifier rejected the program, so it did not run: the entries below are what the run would start with."),
        _ => None,
    };
    html! {
        <div class="maps">
            if let Some(note) = run_note { <p class="hint">{ note }</p> }
            if let Err(e) = &before { <p class="warn" role="alert">{ format!("The maps cannot be filled: {e}") }</p> }
            { for sections }
            if ran || !analysis.events.is_empty() {
                <EventLog events={analysis.events.clone()} />
            }
        </div>
    }
}

fn before_table(
    view: &MapView,
    kind: MapType,
    edits: &MapEdits,
    analysis: &Rc<Analysis>,
    on_edit: &Callback<MapEdit>,
    editing: &UseStateHandle<Option<(String, String, String)>>,
    row_error: &UseStateHandle<Option<(String, String)>>,
) -> Html {
    if view.entries.is_empty() {
        return html! { <p class="hint">{ "empty" }</p> };
    }
    let deletable = !matches!(kind, MapType::Array | MapType::PercpuArray);
    let rows = view.entries.iter().take(MAP_ROWS).map(|(k, v)| {
        let edit = {
            // A per-CPU value lists every CPU's copy; the form takes one.
            let one = v.get(..view.value_size as usize).unwrap_or(v);
            let (editing, row) = (editing.clone(), (view.name.clone(), hex(k), hex(one)));
            Callback::from(move |_: MouseEvent| editing.set(Some(row.clone())))
        };
        let delete = {
            let edit = MapEdit::Delete {
                map: view.name.clone(),
                key: k.clone(),
            };
            let (edits, analysis, on_edit, row_error, name) = (
                edits.clone(),
                analysis.clone(),
                on_edit.clone(),
                row_error.clone(),
                view.name.clone(),
            );
            Callback::from(
                move |_: MouseEvent| match edits.check(&analysis.program, &edit) {
                    Ok(()) => {
                        row_error.set(None);
                        on_edit.emit(edit.clone());
                    }
                    Err(e) => row_error.set(Some((name.clone(), e))),
                },
            )
        };
        html! {
            <tr>
                <td class="mono">{ hex(k) }</td><td class="num mono">{ as_int(k) }</td>
                <td class="mono">{ hex(v) }</td><td class="num mono">{ as_int(v) }</td>
                <td class="row-actions">
                    <button type="button" class="button small map-edit" onclick={edit}
                        aria-label={format!("Edit key {}", hex(k))}>{ "Edit" }</button>
                    if deletable {
                        <button type="button" class="button small map-delete" onclick={delete}
                            aria-label={format!("Delete key {}", hex(k))}>{ "Delete" }</button>
                    }
                </td>
            </tr>
        }
    });
    let table = html! {
        <table class="listing map-before">
            <thead><tr><th>{ "key" }</th><th>{ "as int" }</th><th>{ "value" }</th><th>{ "as int" }</th><th></th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    };
    // A big map (an array's every index) folds, so the form and the run's
    // changes stay in view.
    if view.entries.len() > FOLD_ROWS {
        html! {
            <details class="map-before-all">
                <summary>{ format!("{} entries", view.entries.len()) }</summary>
                { table }
            </details>
        }
    } else {
        table
    }
}

fn after_table(before: &MapView, after: &MapView, stale: bool) -> Html {
    let rows = map_diff(&before.entries, &after.entries);
    let count = |c: Change| rows.iter().filter(|r| r.change == c).count();
    let summary = format!(
        "{} added, {} changed, {} removed",
        count(Change::Added),
        count(Change::Changed),
        count(Change::Removed)
    );
    let show = |v: &Option<Vec<u8>>| v.as_ref().map(|b| hex(b)).unwrap_or_else(|| "-".into());
    let show_int = |v: &Option<Vec<u8>>| v.as_ref().map(|b| as_int(b)).unwrap_or_default();
    let row = |r: &DiffRow| {
        html! {
            <tr class={classes!("diff-row", r.change.word())}>
                <td class="diff-mark">{ r.change.word() }</td>
                <td class="mono">{ hex(&r.key) }</td><td class="num mono">{ as_int(&r.key) }</td>
                <td class="mono">{ show(&r.before) }</td>
                <td class="mono">{ show(&r.after) }</td><td class="num mono">{ show_int(&r.after) }</td>
            </tr>
        }
    };
    let head = html! {
        <thead><tr><th></th><th>{ "key" }</th><th>{ "as int" }</th><th>{ "before" }</th><th>{ "after" }</th><th>{ "as int" }</th></tr></thead>
    };
    // What the run changed first; the untouched entries folded below.
    let (changed, same): (Vec<&DiffRow>, Vec<&DiffRow>) = rows
        .iter()
        .take(MAP_ROWS)
        .partition(|r| r.change != Change::Same);
    html! {
        <>
            <h4 class="field-label">
                { format!("After the run: {summary}") }
                if stale { <span class="badge">{ "from the last run: press Run for the edited entries" }</span> }
            </h4>
            if rows.is_empty() {
                <p class="hint">{ "empty" }</p>
            } else if changed.is_empty() {
                <p class="hint">{ "The run changed nothing in this map." }</p>
            } else {
                <table class="listing map-after">
                    { head.clone() }
                    <tbody>{ for changed.into_iter().map(row) }</tbody>
                </table>
            }
            if !same.is_empty() {
                <details class="map-unchanged">
                    <summary>{ format!("{} unchanged entries", same.len()) }</summary>
                    <table class="listing map-after">
                        { head }
                        <tbody>{ for same.into_iter().map(row) }</tbody>
                    </table>
                </details>
            }
        </>
    }
}
