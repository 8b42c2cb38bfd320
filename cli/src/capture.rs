//! `bpfplay run --pcap FILE`: runs a packet program over every packet of a
//! capture (pcap or pcapng, read by the `packets` crate and converted to
//! Ethernet frames), with one set of maps for the whole run, and reports how
//! many packets got each verdict and what the maps hold afterwards.
//!
//! Each run's virtual clock starts at the packet's capture time, and the
//! random generator carries on from one packet to the next, so sampling
//! programs do not draw the same number for every packet.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{json, Map as JsonMap, Value};
use vm_core::interp::CompiledProgram;
use vm_core::maps::Maps;
use vm_core::run::{run_with, Event, Input, RunOptions, System};
use vm_core::{MapType, Program, ProgramType};

use crate::diagnostic::{self, Diagnostic};
use crate::input::{self, to_hex};

/// How `run --pcap` runs and reports.
pub struct CaptureRun<'a> {
    /// The capture file (`-` for standard input).
    pub path: &'a Path,
    /// Print one JSON object instead of text.
    pub json: bool,
    /// Instruction budget of each packet's run.
    pub budget: u64,
    /// Tail-call targets (`--prog-array`).
    pub programs: &'a [Program],
}

/// trace_printk lines printed in text mode before the rest are only counted.
const MAX_TEXT_TRACE_LINES: usize = 20;

/// Runs `program` over the capture with `maps`: exit code 0 when every packet
/// ran to `exit`, 1 when some run failed, 2 when the capture could not be read.
pub fn run(program: &Program, mut maps: Maps, how: &CaptureRun) -> ExitCode {
    let name = input::display_name(how.path);
    let fail = |e: Diagnostic| {
        diagnostic::report(&e, how.json);
        ExitCode::from(2)
    };
    if !matches!(
        program.prog_type,
        ProgramType::Xdp | ProgramType::SocketFilter | ProgramType::SchedCls
    ) {
        return fail(Diagnostic::command(
            crate::run::COMMAND,
            format_args!(
                "--pcap runs packet programs (xdp, socket_filter, sched_cls), not {}",
                program.prog_type.name()
            ),
        ));
    }
    let bytes = match input::read(how.path) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let packets = match packets::read_capture(&bytes) {
        Ok(p) => p,
        Err(e) => return fail(Diagnostic::file(&name, e)),
    };
    let compiled = Arc::new(CompiledProgram::new(program));

    // Verdict names with their counts, in the order they first occur.
    let mut tally: Vec<(String, u64)> = Vec::new();
    let mut count = |key: String| match tally.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => tally.push((key, 1)),
    };
    let mut results = Vec::with_capacity(packets.len());
    let mut trace_log: Vec<(usize, String)> = Vec::new();
    let mut failed = 0usize;
    let mut random_seed = System::default().random_seed;
    for (index, packet) in packets.iter().enumerate() {
        let number = index + 1;
        let mut input = Input::packet(packet.data.clone());
        if let (Event::Packet(p), Some(ifindex)) = (&mut input.event, packet.ifindex) {
            p.ifindex = ifindex;
        }
        input.system.clock_ns = packet.timestamp_ns;
        input.system.random_seed = random_seed;
        let options = RunOptions {
            budget: how.budget,
            compiled: Some(Arc::clone(&compiled)),
            programs: how.programs,
            ..RunOptions::default()
        };
        match run_with(program, &input, &mut maps, options) {
            Ok(outcome) => {
                random_seed = outcome.random_state;
                count(outcome.verdict.name.clone());
                trace_log.extend(
                    outcome
                        .trace_log
                        .iter()
                        .map(|line| (number, line.message.clone())),
                );
                let changed = outcome.packet.as_deref() != Some(packet.data.as_slice());
                let mut result = json!({
                    "packet": number,
                    "summary": packets::summary(&packet.data),
                    "retval": outcome.verdict.code,
                    "verdict": outcome.verdict.name,
                    "packet_changed": changed,
                });
                if changed {
                    result["packet_out"] = json!(outcome.packet.as_deref().map(to_hex));
                }
                results.push(result);
            }
            Err(e) => {
                failed += 1;
                count("error".to_string());
                results.push(json!({
                    "packet": number,
                    "summary": packets::summary(&packet.data),
                    "error": e.to_string(),
                }));
            }
        }
    }

    if how.json {
        let verdicts: JsonMap<String, Value> = tally
            .iter()
            .map(|(name, n)| (name.clone(), json!(n)))
            .collect();
        let out = json!({
            "file": name,
            "packets": packets.len(),
            "verdicts": verdicts,
            "failed": failed,
            "results": results,
            "maps": maps_json(&maps),
            "trace_log": trace_log
                .iter()
                .map(|(n, message)| json!({ "packet": n, "message": message }))
                .collect::<Vec<_>>(),
        });
        println!("{out}");
    } else {
        let plural = if packets.len() == 1 { "" } else { "s" };
        println!("{name}: {} packet{plural}", packets.len());
        let width = tally.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (verdict, n) in &tally {
            println!("  {verdict:<width$}  {n}");
        }
        for result in results.iter().filter(|r| r.get("error").is_some()) {
            println!(
                "packet {} ({}): {}",
                result["packet"],
                result["summary"].as_str().unwrap_or(""),
                result["error"].as_str().unwrap_or("")
            );
        }
        for (n, message) in trace_log.iter().take(MAX_TEXT_TRACE_LINES) {
            println!("packet {n}: trace_printk: {message}");
        }
        if trace_log.len() > MAX_TEXT_TRACE_LINES {
            println!(
                "({} more trace_printk lines; --json lists them all)",
                trace_log.len() - MAX_TEXT_TRACE_LINES
            );
        }
        print_maps(&maps);
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn maps_json(maps: &Maps) -> JsonMap<String, Value> {
    maps.iter()
        .map(|(index, map)| {
            let entries: Vec<Value> = maps
                .entries(index)
                .unwrap_or_default()
                .iter()
                .map(|e| json!({ "key": to_hex(&e.key), "value": to_hex(&e.value) }))
                .collect();
            (map.def().name.clone(), Value::Array(entries))
        })
        .collect()
}

/// `map counts (array, 1 entry):` then `  00000000 = 0800000000000000 (8)`.
/// Arrays always hold `max_entries` entries, so their all-zero ones are only
/// counted (`--json` lists every entry).
fn print_maps(maps: &Maps) {
    for (index, map) in maps.iter() {
        let def = map.def();
        let entries = maps.entries(index).unwrap_or_default();
        let plural = if entries.len() == 1 { "y" } else { "ies" };
        println!(
            "map {} ({}, {} entr{plural}):",
            def.name,
            def.map_type.name(),
            entries.len()
        );
        // Arrays hold every index; a prog array only the slots filled (where 0
        // names the first tail-call target), so none of its entries is hidden.
        let is_array = matches!(def.map_type, MapType::Array | MapType::PercpuArray);
        let zero = |value: &[u8]| value.iter().all(|b| *b == 0);
        let hidden = if is_array {
            entries.iter().filter(|e| zero(&e.value)).count()
        } else {
            0
        };
        for entry in entries.iter().filter(|e| !(is_array && zero(&e.value))) {
            let as_number = match entry.value.len() {
                1..=8 => {
                    let mut le = [0u8; 8];
                    le[..entry.value.len()].copy_from_slice(&entry.value);
                    format!(" ({})", u64::from_le_bytes(le))
                }
                _ => String::new(),
            };
            println!(
                "  {} = {}{as_number}",
                to_hex(&entry.key),
                to_hex(&entry.value)
            );
        }
        if hidden > 0 {
            let plural = if hidden == 1 { "y" } else { "ies" };
            println!("  ({hidden} all-zero entr{plural} not shown)");
        }
    }
}
