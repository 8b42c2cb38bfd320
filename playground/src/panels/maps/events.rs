//! The run's output to user space as one log: `bpf_trace_printk` lines as
//! `trace_pipe` prints them, then ring buffer records and perf events.

use yew::prelude::*;

use crate::session::EventView;

/// Event log properties.
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// The events, in order.
    pub events: Vec<EventView>,
}

/// The event log.
#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let rows = props.events.iter().enumerate().map(|(i, e)| {
        let size = if e.len > 0 {
            format!("{} B", e.len)
        } else {
            String::new()
        };
        html! {
            <tr>
                <td class="num mono">{ i + 1 }</td>
                <td class="mono">{ e.source.clone() }</td>
                <td class="num mono">{ e.cpu }</td>
                <td class="num mono">{ size }</td>
                <td class="mono event-text">{ e.text.clone() }</td>
            </tr>
        }
    });
    html! {
        <section class="map event-log" aria-label="Event log">
            <h3>{ "Events " }<span class="muted">{ "trace_printk, ring buffer and perf event output of the run" }</span></h3>
            if props.events.is_empty() {
                <p class="hint">{ "The run sent nothing to user space (bpf_trace_printk, bpf_ringbuf_output, bpf_perf_event_output)." }</p>
            } else {
                <table id="event-log" class="listing">
                    <thead><tr><th>{ "#" }</th><th>{ "from" }</th><th>{ "cpu" }</th><th>{ "size" }</th><th>{ "data" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </section>
    }
}
