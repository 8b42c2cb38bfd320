//! The whole workspace as one versioned serde document: what share links,
//! exported files and local storage carry. Source, packet list, map edits,
//! settings (the open tab, breakpoints, the tracing programs' event and
//! process table; the program type is the source's `.type` line) and the
//! current step of the verifier stepper and the run debugger.
//!
//! Every field but `version` and `source` has a default, so a document from
//! an older playground still reads; a newer version is refused with a
//! message rather than read wrongly. Reading never touches the workspace:
//! a bad document gives an error and the caller keeps what it has.

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::map_edits::MapEdits;
use crate::packet_list::PacketList;
use crate::session::TracingInput;
use crate::state::{Action, RunMove, StepMove, Tab, Workspace};

/// The version this playground writes (and the newest it reads).
pub const VERSION: u32 = 2;

/// Largest document read (a file or an expanded link), in bytes.
pub const MAX_BYTES: usize = 16 << 20;

/// The workspace, as saved and shared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Document format version ([`VERSION`]).
    pub version: u32,
    /// The editor text.
    pub source: String,
    /// The packet list and which packet Run uses.
    #[serde(default)]
    pub packets: Option<PacketList>,
    /// Map entries put in or deleted from user space.
    #[serde(default)]
    pub map_edits: MapEdits,
    /// Settings.
    #[serde(default)]
    pub settings: Settings,
    /// Where the steppers are.
    #[serde(default)]
    pub position: Position,
}

/// Settings that are not in the source.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Settings {
    /// The open inspector tab (`verifier`, `program`, `maps`, `packet`, `run`).
    #[serde(default)]
    pub tab: String,
    /// Source lines with a breakpoint.
    #[serde(default)]
    pub breakpoints: Vec<u32>,
    /// The event and process table of kprobe and tracepoint programs.
    #[serde(default)]
    pub tracing: Option<TracingInput>,
}

/// Where the verifier stepper and the run debugger are.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Position {
    /// The steps below belong to a current run (it had been run and not
    /// edited since), so opening the document steps back to them.
    #[serde(default)]
    pub ran: bool,
    /// The verifier step.
    #[serde(default)]
    pub step: usize,
    /// Instructions the run debugger had executed.
    #[serde(default)]
    pub run_pos: usize,
    /// The run debugger moved last.
    #[serde(default)]
    pub run_active: bool,
}

fn tab_name(tab: Tab) -> &'static str {
    match tab {
        Tab::Verifier => "verifier",
        Tab::Program => "program",
        Tab::Maps => "maps",
        Tab::Packet => "packet",
        Tab::Run => "run",
    }
}

fn tab_from_name(name: &str) -> Tab {
    [
        Tab::Verifier,
        Tab::Program,
        Tab::Maps,
        Tab::Packet,
        Tab::Run,
    ]
    .into_iter()
    .find(|t| tab_name(*t) == name)
    .unwrap_or_default()
}

impl Snapshot {
    /// The workspace as a document.
    pub fn of(ws: &Workspace) -> Snapshot {
        let (settings, position) = Snapshot::of_view(ws);
        Snapshot {
            version: VERSION,
            source: ws.source.clone(),
            packets: Some(ws.packets.clone()),
            map_edits: ws.map_edits.clone(),
            settings,
            position,
        }
    }

    /// The small part of [`Snapshot::of`]: settings and position.
    pub fn of_view(ws: &Workspace) -> (Settings, Position) {
        (
            Settings {
                tab: tab_name(ws.tab).into(),
                breakpoints: ws.debug.breakpoints.clone(),
                tracing: (ws.tracing != TracingInput::default()).then(|| ws.tracing.clone()),
            },
            Position::of(ws),
        )
    }

    /// A document holding only a source and a packet (the first share links).
    pub fn from_source(source: String, packet: &str, packets: Option<PacketList>) -> Snapshot {
        Snapshot {
            version: 1,
            source,
            packets: packets.or_else(|| Some(PacketList::from_hex(packet))),
            map_edits: MapEdits::default(),
            settings: Settings::default(),
            position: Position {
                ran: true,
                ..Position::default()
            },
        }
    }

    /// The document as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a document; the error says what is wrong with it and where.
    pub fn from_json(text: &str) -> Result<Snapshot, String> {
        if text.len() > MAX_BYTES {
            return Err(format!(
                "it is {} bytes; a workspace is at most {MAX_BYTES}",
                text.len()
            ));
        }
        if text.trim().is_empty() {
            return Err("it is empty".into());
        }
        // The version first, so a newer document is named as such rather
        // than failing on a field this playground does not know.
        #[derive(Deserialize)]
        struct Versioned {
            version: Option<u32>,
        }
        let versioned: Versioned = serde_json::from_str(text).map_err(json_error)?;
        match versioned.version {
            None => return Err("it has no \"version\": it is not a playground workspace".into()),
            Some(v) if v > VERSION => {
                return Err(format!(
                    "it is a version {v} workspace; this playground reads versions 1 to {VERSION}"
                ))
            }
            Some(_) => {}
        }
        let mut snapshot: Snapshot = serde_json::from_str(text).map_err(json_error)?;
        if let Some(list) = &mut snapshot.packets {
            if list.items.is_empty() {
                snapshot.packets = None;
            } else {
                list.selected = list.selected.min(list.items.len() - 1);
            }
        }
        Ok(snapshot)
    }

    /// The workspace this document describes, run at once (as a share link
    /// always was) and stepped to its position when that was current.
    pub fn into_workspace(self) -> Workspace {
        let position = self.position.clone();
        position.step(self.into_unrun().ran())
    }

    /// The workspace this document describes, on its tab, not run yet (so
    /// it can be saved before a run that might crash the page).
    pub fn into_unrun(self) -> Workspace {
        let packets = self
            .packets
            .unwrap_or_else(|| PacketList::from_hex(crate::session::SAMPLE_PACKET_HEX));
        let mut ws =
            Workspace::new(self.source, packets.selected_text()).with_packets(Some(packets));
        ws.map_edits = self.map_edits;
        ws.tab = tab_from_name(&self.settings.tab);
        let mut breakpoints = self.settings.breakpoints;
        breakpoints.sort_unstable();
        breakpoints.dedup();
        ws.debug.breakpoints = breakpoints;
        if let Some(t) = self.settings.tracing {
            ws.tracing = t;
        }
        ws
    }
}

impl Position {
    /// Where the steppers of `ws` are.
    pub fn of(ws: &Workspace) -> Position {
        Position {
            ran: ws.report.is_some() && !ws.stale,
            step: ws.step,
            run_pos: ws.debug.pos,
            run_active: ws.debug.active,
        }
    }

    /// `ws` (just run) stepped to this position when it was current, on
    /// the tab it had.
    pub fn step(&self, ws: Workspace) -> Workspace {
        let tab = ws.tab;
        let mut ws = Rc::new(ws);
        if self.ran {
            ws = ws.reduce(Action::Step(StepMove::To(self.step)));
        }
        if self.ran && self.run_active {
            ws = ws.reduce(Action::RunStep(RunMove::To(self.run_pos)));
        }
        let mut ws = Rc::unwrap_or_clone(ws);
        ws.tab = tab;
        ws
    }
}

/// What local storage keeps beside the workspace's parts so a reload opens
/// where the user was: the open tab and the steppers' position (the rest of
/// [`Settings`] is saved on its own).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct View {
    /// The open inspector tab, as [`Settings::tab`] names it.
    #[serde(default)]
    pub tab: String,
    /// Where the steppers are.
    #[serde(default)]
    pub position: Position,
}

impl View {
    /// The view of `ws`.
    pub fn of(ws: &Workspace) -> View {
        View {
            tab: tab_name(ws.tab).into(),
            position: Position::of(ws),
        }
    }

    /// The tab this view had open.
    pub fn open_tab(&self) -> Tab {
        tab_from_name(&self.tab)
    }

    /// `ws` (saved, not run) opened on this view: on its tab, and run and
    /// stepped to the position when that was current (as a link opens).
    pub fn open(&self, mut ws: Workspace) -> Workspace {
        ws.tab = tab_from_name(&self.tab);
        if self.position.ran {
            self.position.step(ws.ran())
        } else {
            ws
        }
    }
}

fn json_error(e: serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => format!(
            "it ends too early (line {}, column {}): the file or link is truncated",
            e.line(),
            e.column()
        ),
        Category::Syntax => format!("it is not JSON: {e}"),
        Category::Data => format!("it is not a playground workspace: {e}"),
        Category::Io => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_edits::MapEdit;
    use crate::packet_list::PacketAction;

    fn sample() -> Workspace {
        let src = ".type xdp\n.map m, hash, key=4, value=8, max_entries=4\n\
                   r0 = 1\nif r0 > 0 goto out\nr0 = 2\nout:\nexit\n";
        let mut ws = Workspace::new(src.into(), "00 11 22".into());
        ws.packets = ws.packets.apply(PacketAction::Add);
        ws.packet = ws.packets.selected_text();
        ws.map_edits = ws.map_edits.with(MapEdit::Put {
            map: "m".into(),
            key: vec![1, 0, 0, 0],
            value: vec![7; 8],
        });
        ws.tab = Tab::Maps;
        ws.debug.breakpoints = vec![3];
        let ws = Rc::new(ws.ran()).reduce(Action::Step(StepMove::To(1)));
        Rc::unwrap_or_clone(ws)
    }

    #[test]
    fn json_round_trip_keeps_the_whole_workspace() {
        let ws = sample();
        let doc = Snapshot::of(&ws);
        let back = Snapshot::from_json(&doc.to_json()).unwrap();
        assert_eq!(back, doc);
        let restored = back.into_workspace();
        assert_eq!(restored.source, ws.source);
        assert_eq!(restored.packets, ws.packets);
        assert_eq!(restored.map_edits, ws.map_edits);
        assert_eq!(restored.tab, Tab::Maps);
        assert_eq!(restored.debug.breakpoints, [3]);
        assert_eq!(restored.step, 1);
        assert!(restored.report.is_some());
    }

    #[test]
    fn bad_documents_say_what_is_wrong() {
        let json = Snapshot::of(&sample()).to_json();
        let cut = Snapshot::from_json(&json[..json.len() / 2]).unwrap_err();
        assert!(cut.contains("truncated"), "{cut}");
        assert!(Snapshot::from_json("r0 = 1")
            .unwrap_err()
            .contains("not JSON"));
        assert!(Snapshot::from_json("{\"source\": \"x\"}")
            .unwrap_err()
            .contains("no \"version\""));
        let newer = Snapshot::from_json("{\"version\": 9, \"source\": \"x\"}").unwrap_err();
        assert!(newer.contains("version 9"), "{newer}");
        let wrong = Snapshot::from_json("{\"version\": 2, \"source\": 5}").unwrap_err();
        assert!(wrong.contains("not a playground workspace"), "{wrong}");
        assert!(Snapshot::from_json("").unwrap_err().contains("empty"));
    }

    #[test]
    fn a_minimal_document_reads() {
        let doc = Snapshot::from_json("{\"version\": 1, \"source\": \"exit\"}").unwrap();
        let ws = doc.into_workspace();
        assert_eq!(ws.source, "exit");
        assert_eq!(ws.packets.items.len(), 1);
        assert!(
            ws.report.is_some(),
            "run at once, as share links always were"
        );
        assert_eq!(
            ws.step,
            ws.step_count() - 1,
            "on the error of `exit` (R0 !read_ok)"
        );
    }
}
