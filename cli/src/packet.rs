//! `bpfplay packet`: reads packets from a capture (pcap, pcapng), a packet
//! description (the playground's JSON, one object or an array) or a hex dump
//! (plain hex, od/text2pcap, xxd, tcpdump -xx, Wireshark, scapy, hexdump -C),
//! and prints each one labelled field by field, as hex for `run --packet`,
//! or as JSON; `--to-pcap` writes them all to a pcap file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use packets::capture::{detect_format, read_capture, write_pcap, CapturedPacket};
use packets::hex::parse_hex_dump;
use packets::{dissect, summary, PacketSpec};
use serde_json::json;

use crate::input::{self, to_hex};

/// Arguments of `bpfplay packet`.
#[derive(Args)]
pub struct PacketArgs {
    /// Print each packet as one line of hex (what `run --packet` takes).
    #[arg(long, conflicts_with = "json")]
    hex: bool,
    /// Print one JSON array: each packet's hex and its fields.
    #[arg(long)]
    json: bool,
    /// Also write the packets to this pcap file (Ethernet, microseconds).
    #[arg(long, value_name = "OUT")]
    to_pcap: Option<PathBuf>,
    /// A capture, a JSON packet description, or a hex dump (`-` for standard input).
    file: PathBuf,
}

/// Where the packets came from, for the first line of the text output.
enum Source {
    Capture,
    Description,
    HexDump(packets::HexFormat, bool),
}

/// Runs `bpfplay packet`: exit code 0, or 2 when the input cannot be read.
pub fn run(args: &PacketArgs) -> ExitCode {
    let name = input::display_name(&args.file);
    let (source, packets) = match load(&args.file) {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("bpfplay packet: {name}: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(out) = &args.to_pcap {
        let written = write_pcap(&packets)
            .map_err(|e| e.to_string())
            .and_then(|bytes| std::fs::write(out, bytes).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("bpfplay packet: {}: {e}", out.display());
            return ExitCode::from(2);
        }
    }
    // Printed at once, so a reader that stops early (`| head`) is no error.
    let mut out = String::new();
    if args.json {
        let list: Vec<_> = packets
            .iter()
            .map(|p| {
                json!({
                    "hex": to_hex(&p.data),
                    "orig_len": p.orig_len,
                    "timestamp_ns": p.timestamp_ns,
                    "fields": dissect(&p.data),
                })
            })
            .collect();
        let _ = writeln!(out, "{}", serde_json::Value::Array(list));
    } else if args.hex {
        for p in &packets {
            let _ = writeln!(out, "{}", to_hex(&p.data));
        }
    } else {
        let from = match source {
            Source::Capture => "capture".to_string(),
            Source::Description => "packet description".to_string(),
            Source::HexDump(format, false) => format.to_string(),
            Source::HexDump(format, true) => {
                format!("{format} from the IP header; zero-MAC Ethernet header added")
            }
        };
        let plural = if packets.len() == 1 { "" } else { "s" };
        let _ = writeln!(out, "{name}: {} packet{plural} ({from})", packets.len());
        for (i, p) in packets.iter().enumerate() {
            let snapped = if (p.data.len() as u64) < u64::from(p.orig_len) {
                format!(" of {}", p.orig_len)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "packet {}: {} bytes{snapped}: {}",
                i + 1,
                p.data.len(),
                summary(&p.data)
            );
            for field in dissect(&p.data) {
                let _ = writeln!(out, "  {field}");
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn load(path: &std::path::Path) -> Result<(Source, Vec<CapturedPacket>), String> {
    let bytes = input::read(path).map_err(|e| e.message().to_string())?;
    if detect_format(&bytes).is_some() {
        let packets = read_capture(&bytes).map_err(|e| e.to_string())?;
        return Ok((Source::Capture, packets));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| "neither a capture nor text".to_string())?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let specs: Vec<PacketSpec> = if trimmed.starts_with('[') {
            serde_json::from_str(text)
        } else {
            serde_json::from_str(text).map(|one| vec![one])
        }
        .map_err(|e| format!("packet description: {e}"))?;
        let packets = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                spec.to_bytes()
                    .map(|bytes| CapturedPacket::new(0, bytes))
                    .map_err(|e| format!("packet {}: {e}", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((Source::Description, packets));
    }
    let dump = parse_hex_dump(text).map_err(|e| e.to_string())?;
    if dump.packets.is_empty() {
        return Err("no packet bytes found".to_string());
    }
    let packets = dump
        .packets
        .into_iter()
        .map(|bytes| CapturedPacket::new(0, bytes))
        .collect();
    Ok((Source::HexDump(dump.format, dump.ethernet_added), packets))
}
