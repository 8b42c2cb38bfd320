//! `bpfplay run`: runs a program once, as the kernel would for its type, on a
//! packet (XDP, tc, socket filter) or a synthetic event (kprobe, tracepoint),
//! with its maps, the built-in helpers and any tail-call targets; prints the
//! return value and verdict, optionally every executed instruction, or one
//! JSON object.

use std::process::ExitCode;

use clap::Args;
use serde_json::{json, Map as JsonMap, Value};
use vm_core::asm::Syntax;
use vm_core::disasm::format_insn;
use vm_core::interp::{InterpError, Stop, Trace, TraceStep, DEFAULT_BUDGET};
use vm_core::maps::{Maps, MapsConfig};
use vm_core::run::{Execution, Input, KprobeEvent, Outcome, RunError, RunOptions, TracepointEvent};
use vm_core::{MapDef, Program, ProgramType};

use crate::diagnostic::{self, Diagnostic};
use crate::input::{self, from_hex, to_hex};
use crate::prog_array::TailCalls;

/// Arguments of `bpfplay run`.
#[derive(Args)]
pub struct RunArgs {
    /// Program type: xdp, socket_filter, sched_cls (tc), kprobe, tracepoint
    /// [default: the program's own (`.type` directive, ELF section), else xdp].
    #[arg(long = "type", value_name = "T")]
    prog_type: Option<String>,
    /// The packet as hex (spaces allowed) [default: a 60-byte all-zero Ethernet frame].
    #[arg(long, value_name = "HEX")]
    packet: Option<String>,
    /// Print every executed instruction with the registers and memory it changed.
    #[arg(long)]
    trace: bool,
    /// Print one JSON object: `retval`, `verdict`, `packet_out`, `maps`, `trace_log`,
    /// `insns` (and `trace` with --trace; `error` when the run fails).
    #[arg(long)]
    json: bool,
    /// Instructions the run may execute before it is stopped.
    #[arg(long, default_value_t = DEFAULT_BUDGET)]
    budget: u64,
    /// Put an element in a map before the run, after the source's `.entry`
    /// lines: `MAP:KEYHEX=VALUEHEX`, key and value as hex bytes in memory
    /// order (the key is empty for queue and stack maps). Repeatable.
    #[arg(long = "map-entry", value_name = "MAP:KEYHEX=VALUEHEX")]
    map_entries: Vec<String>,
    /// Put another program in slot KEY of prog array MAP, for `bpf_tail_call`:
    /// FILE (any form `run` reads), FILE:PROGRAM (a function or section of a
    /// clang object), or PROGRAM (of the same object as the main program).
    /// Repeatable.
    #[arg(long = "prog-array", value_name = "MAP:KEY=FILE[:PROGRAM]")]
    prog_array: Vec<String>,
    /// kprobe: the probed function's arguments (into di, si, dx, cx, r8, r9);
    /// tracepoint: the system call's arguments in the `sys_enter` record.
    /// Comma-separated numbers (decimal, `0x` hex, or negative), at most six.
    #[arg(long, value_name = "N,N,...", allow_hyphen_values = true)]
    args: Option<String>,
    /// tracepoint: the system call number in the `sys_enter` record.
    #[arg(
        long,
        value_name = "NR",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    syscall: i64,
    #[command(flatten)]
    elf: input::ElfPick,
    /// Run over every packet of a capture (pcap or pcapng; non-Ethernet link
    /// types become Ethernet frames) with one set of maps; print how many
    /// packets got each verdict and the maps afterwards.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["packet", "trace"])]
    pcap: Option<std::path::PathBuf>,
    /// The program: assembly source (either syntax), raw bytecode (`.bin`, or
    /// hex text), a clang BPF object (`.o`), or `-` for standard input.
    file: std::path::PathBuf,
}

/// Runs `bpfplay run`: exit code 0 when the program ran to `exit`, 1 when it
/// failed, 2 when the input could not be loaded.
pub fn run(args: &RunArgs) -> ExitCode {
    let mut program = match input::load_program(&args.file, &args.elf) {
        Ok(p) => p,
        Err(e) => return fail(args, &e),
    };
    if let Some(t) = &args.prog_type {
        match ProgramType::from_name(t) {
            Some(t) => program.prog_type = t,
            None => {
                let msg = format!(
                    "unknown program type {t:?} (expected xdp, socket_filter, sched_cls, kprobe or tracepoint)"
                );
                return fail(args, &Diagnostic::command(COMMAND, msg));
            }
        }
    }
    let (tail_calls, mut maps) = match prepare(args, &mut program) {
        Ok(setup) => setup,
        Err(e) => return fail(args, &e),
    };
    if let Some(path) = &args.pcap {
        let how = crate::capture::CaptureRun {
            path,
            json: args.json,
            budget: args.budget,
            programs: &tail_calls.programs,
        };
        return crate::capture::run(&program, maps, &how);
    }
    let input = match event(args, program.prog_type) {
        Ok(input) => input,
        Err(e) => return fail(args, &Diagnostic::command(COMMAND, e)),
    };
    let options = RunOptions {
        budget: args.budget,
        programs: &tail_calls.programs,
        ..RunOptions::default()
    };
    let mut trace_json = Vec::new();
    let result = Execution::new(&program, &input, &mut maps, options).and_then(|mut exec| {
        let ran = if args.trace {
            run_streaming_trace(&mut exec, |step| {
                if !args.json {
                    println!("{}", format_step(&program, step));
                } else if trace_json.len() < MAX_JSON_TRACE {
                    trace_json.push(step_json(&program, step));
                }
            })
        } else {
            exec.run()
        };
        match ran {
            Ok(_) => Ok(exec.finish()),
            Err(e) => Err(RunError::Exec(e)),
        }
    });
    match result {
        Ok(outcome) => {
            print_outcome(args, &program, &outcome, &maps, trace_json);
            ExitCode::SUCCESS
        }
        Err(RunError::Exec(e)) => {
            report(args, &program, &e);
            ExitCode::FAILURE
        }
        Err(e) => fail(args, &Diagnostic::command(COMMAND, e)),
    }
}

/// How messages about the command itself, not a file, begin.
pub const COMMAND: &str = "bpfplay run";

/// Reports an input or argument error; exit code 2.
fn fail(args: &RunArgs, e: &Diagnostic) -> ExitCode {
    diagnostic::report(e, args.json);
    ExitCode::from(2)
}

/// Steps kept in `--json --trace` output; the text trace has no limit.
const MAX_JSON_TRACE: usize = 100_000;

/// Runs to the end in chunks, handing each executed step to `each` as it
/// goes, so a long run's trace is never held in memory at once.
fn run_streaming_trace(
    exec: &mut Execution<'_>,
    mut each: impl FnMut(&TraceStep),
) -> Result<u64, InterpError> {
    const CHUNK: u64 = 4096;
    loop {
        let mut chunk = Trace::with_limit(CHUNK as usize);
        let stop = exec.run_traced(&mut chunk, CHUNK, &[]);
        chunk.steps.iter().for_each(&mut each);
        match stop? {
            Stop::Exited(v) => return Ok(v),
            Stop::Breakpoint(_) | Stop::Paused => {}
        }
    }
}

/// The tail-call targets and the maps of the program and its targets, with
/// the `--prog-array` slots filled. `--map-entry` elements join the maps'
/// initial entries (after the source's `.entry` lines) in every program that
/// declares the map, so they are in place before `.rodata` is frozen, as
/// libbpf lets user space set it before the load.
fn prepare(args: &RunArgs, program: &mut Program) -> Result<(TailCalls, Maps), Diagnostic> {
    let mut tail_calls = TailCalls::load(
        &args.prog_array,
        &args.file,
        program.prog_type,
        args.prog_type.is_some(),
    )?;
    for spec in &args.map_entries {
        let all: Vec<&Program> = std::iter::once(&*program)
            .chain(&tail_calls.programs)
            .collect();
        let (name, key, value) = parse_map_entry(&all, spec)
            .map_err(|e| Diagnostic::command(COMMAND, format_args!("--map-entry {spec}: {e}")))?;
        for p in std::iter::once(&mut *program).chain(tail_calls.programs.iter_mut()) {
            for m in p.maps.iter_mut().filter(|m| m.name == name) {
                m.initial_entries.push((key.clone(), value.clone()));
            }
        }
    }
    let all: Vec<&Program> = std::iter::once(&*program)
        .chain(&tail_calls.programs)
        .collect();
    let mut maps = Maps::for_programs(&all, MapsConfig::default()).map_err(|e| {
        Diagnostic::file(&input::display_name(&args.file), format_args!("maps: {e}"))
    })?;
    tail_calls
        .fill(&mut maps)
        .map_err(|e| Diagnostic::command(COMMAND, e))?;
    Ok((tail_calls, maps))
}

/// What the program runs on: the packet (`--packet`, default 60 zero bytes),
/// or a kprobe / `sys_enter` tracepoint event with `--args` (and `--syscall`).
fn event(args: &RunArgs, prog_type: ProgramType) -> Result<Input, String> {
    let mut values = [0u64; 6];
    if let Some(list) = &args.args {
        let items: Vec<&str> = list.split(',').map(str::trim).collect();
        if items.len() > values.len() {
            return Err(format!("--args: at most 6 arguments, not {}", items.len()));
        }
        for (slot, item) in values.iter_mut().zip(&items) {
            *slot =
                parse_number(item).ok_or_else(|| format!("--args: {item:?} is not a number"))?;
        }
    }
    Ok(match prog_type {
        ProgramType::Kprobe => Input::kprobe(KprobeEvent::with_args("do_sys_openat2", 0, &values)),
        ProgramType::Tracepoint => {
            Input::tracepoint(TracepointEvent::sys_enter(args.syscall, values))
        }
        _ => {
            let packet = match &args.packet {
                Some(hex) => from_hex(hex).ok_or_else(|| format!("--packet: not hex: {hex:?}"))?,
                None => vec![0; 60],
            };
            Input::packet(packet)
        }
    })
}

/// A u64 in decimal, `0x` hex, or negative decimal (two's complement).
fn parse_number(text: &str) -> Option<u64> {
    if let Some(hex) = text.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok();
    }
    text.parse::<u64>()
        .ok()
        .or_else(|| text.parse::<i64>().ok().map(|v| v as u64))
}

/// `MAP:KEYHEX=VALUEHEX` as (map name, key, value), checked against the
/// key and value sizes of the map of that name in `programs`.
fn parse_map_entry(
    programs: &[&Program],
    spec: &str,
) -> Result<(String, Vec<u8>, Vec<u8>), String> {
    let (name, kv) = spec
        .split_once(':')
        .filter(|(_, kv)| kv.contains('='))
        .ok_or("expected MAP:KEYHEX=VALUEHEX")?;
    let (key_hex, value_hex) = kv.split_once('=').ok_or("expected MAP:KEYHEX=VALUEHEX")?;
    let defs: Vec<&MapDef> = programs.iter().flat_map(|p| &p.maps).collect();
    let mut names: Vec<&str> = Vec::new();
    for m in &defs {
        if !names.contains(&m.name.as_str()) {
            names.push(&m.name);
        }
    }
    let list = if names.is_empty() {
        String::from("the program has no maps")
    } else {
        format!("the program has {}", names.join(", "))
    };
    let def = defs
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| format!("no map named '{name}' ({list})"))?;
    let hex = |what: &str, text: &str| -> Result<Vec<u8>, String> {
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        from_hex(text).ok_or_else(|| format!("the {what} is not hex: {text:?}"))
    };
    let key = hex("key", key_hex)?;
    let value = hex("value", value_hex)?;
    for (what, bytes, size) in [
        ("key", &key, def.key_size),
        ("value", &value, def.value_size),
    ] {
        if bytes.len() != size as usize {
            return Err(format!(
                "{what} has {} bytes but map '{name}' has {size}-byte {what}s",
                bytes.len()
            ));
        }
    }
    Ok((name.to_string(), key, value))
}

fn print_outcome(
    args: &RunArgs,
    program: &Program,
    outcome: &Outcome,
    maps: &Maps,
    trace: Vec<Value>,
) {
    let r0 = outcome.verdict.code;
    if !args.json {
        println!("r0 = {r0:#x} ({r0}) {}", outcome.verdict.name);
        for line in &outcome.trace_log {
            println!("trace_printk: {}", line.message);
        }
        if outcome.tail_calls > 0 {
            println!("tail calls: {}", outcome.tail_calls);
        }
        for e in &outcome.events {
            let map = maps.get(e.map).map_or("?", |m| m.def().name.as_str());
            println!("event {map} (cpu {}): {}", e.cpu, to_hex(&e.data));
        }
        return;
    }
    let map_values: JsonMap<String, Value> = maps
        .iter()
        .map(|(index, map)| {
            let entries: Vec<Value> = maps
                .entries(index)
                .unwrap_or_default()
                .iter()
                .map(|e| json!({"key": to_hex(&e.key), "value": to_hex(&e.value)}))
                .collect();
            (map.def().name.clone(), Value::Array(entries))
        })
        .collect();
    let mut out = json!({
        "retval": r0,
        "verdict": outcome.verdict.name,
        "type": program.prog_type.name(),
        "packet_out": outcome.packet.as_deref().map(to_hex),
        "maps": map_values,
        "trace_log": outcome.trace_log.iter().map(|l| l.message.clone()).collect::<Vec<_>>(),
        "events": outcome.events.iter().map(|e| json!({"map": e.map, "cpu": e.cpu, "data": to_hex(&e.data)})).collect::<Vec<_>>(),
        "insns": outcome.executed,
        "tail_calls": outcome.tail_calls,
    });
    if args.trace {
        out["trace_truncated"] = json!(outcome.executed > trace.len() as u64);
        out["trace"] = Value::Array(trace);
    }
    println!("{out}");
}

/// `  7: r0 = *(u32 *)(r1 + 0)          ; R0=0x10000000 *(u32 *)0x...==0x10000000`
fn format_step(program: &Program, step: &TraceStep) -> String {
    let insn = format_insn(program, step.pc, Syntax::PseudoC);
    let mut notes: Vec<String> = step
        .changed_regs()
        .map(|(r, _, new)| format!("R{r}={new:#x}"))
        .collect();
    if let Some(id) = step.helper {
        notes.insert(0, format!("helper {id}"));
    }
    for m in &step.mem {
        let bits = m.size as usize * 8;
        if m.write {
            notes.push(format!(
                "*(u{bits} *){:#x}={:#x} (was {:#x})",
                m.addr, m.new, m.old
            ));
        } else {
            notes.push(format!("*(u{bits} *){:#x}=={:#x}", m.addr, m.old));
        }
    }
    for w in &step.helper_writes {
        notes.push(format!("{:#x}[{}]={}", w.addr, w.new.len(), to_hex(&w.new)));
    }
    let indent = "  ".repeat(step.depth);
    let line = format!("{indent}{:>4}: {insn}", step.pc);
    if notes.is_empty() {
        line
    } else {
        format!("{line:<44} ; {}", notes.join(" "))
    }
}

fn step_json(program: &Program, step: &TraceStep) -> Value {
    let regs: JsonMap<String, Value> = step
        .changed_regs()
        .map(|(r, _, new)| (format!("r{r}"), json!(new)))
        .collect();
    let mem: Vec<Value> = step
        .mem
        .iter()
        .map(|m| json!({"addr": m.addr, "size": m.size, "write": m.write, "old": m.old, "new": m.new}))
        .collect();
    json!({
        "pc": step.pc,
        "depth": step.depth,
        "insn": format_insn(program, step.pc, Syntax::PseudoC),
        "regs": regs,
        "mem": mem,
        "helper": step.helper,
        "helper_writes": step
            .helper_writes
            .iter()
            .map(|w| json!({"addr": w.addr, "old": to_hex(&w.old), "new": to_hex(&w.new)}))
            .collect::<Vec<_>>(),
    })
}

/// Reports a run that failed: to standard error, or as `{"error": {...}}`
/// with --json, naming the instruction and its source line.
fn report(args: &RunArgs, program: &Program, e: &InterpError) {
    let line = program.source_map.line_of(e.pc);
    if args.json {
        let error = json!({
            "insn": e.pc,
            "line": line,
            "message": e.to_string(),
        });
        println!("{}", json!({ "error": error }));
    } else {
        match line {
            Some(line) => eprintln!("{COMMAND}: error: {e} (source line {line})"),
            None => eprintln!("{COMMAND}: error: {e}"),
        }
    }
}
