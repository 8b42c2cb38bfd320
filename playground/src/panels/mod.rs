//! One component per panel. Each reads the workspace through props and
//! reports user actions through callbacks; none calls `vm-core` directly.

mod editor;
mod embed_bar;
mod embed_link;
mod help;
mod inspector;
mod maps;
mod modal;
mod more_menu;
mod object_opener;
mod packet;
pub mod packets;
mod program;
mod result;
mod run;
mod toolbar;
mod verifier;
mod workspace_file;

pub use editor::{Editor, EditorProps, Problem};
pub use embed_bar::{EmbedBar, EmbedBarProps};
pub use embed_link::{EmbedLinkDialog, EmbedLinkProps, EMBED_PANELS};
pub use help::{use_help_key, HelpDialog, HelpProps, Shortcut, ShortcutGroup, SHORTCUTS};
pub use inspector::{embed_shows_any_tab, Inspector, InspectorProps};
pub use maps::{MapsPanel, MapsProps};
pub use more_menu::{MoreMenu, MoreMenuProps};
pub use object_opener::{ObjectOpener, ObjectOpenerProps};
pub use packet::{PacketPanel, PacketProps};
pub use packets::{PacketsPanel, PacketsProps};
pub use program::{ProgramPanel, ProgramProps};
pub use result::{ResultPanel, ResultProps};
pub use run::{RunPanel, RunProps};
pub use toolbar::{Toolbar, ToolbarProps};
pub use verifier::{VerifierPanel, VerifierProps};
pub use workspace_file::{
    download_json, read_snapshot, WorkspaceFile, WorkspaceFileProps, EXPORT_NAME,
};
