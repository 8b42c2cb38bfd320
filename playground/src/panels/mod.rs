//! One component per panel. Each reads the workspace through props and
//! reports user actions through callbacks; none calls `vm-core` directly.

mod editor;
mod result;
mod toolbar;

pub use editor::{Editor, EditorProps};
pub use result::{ResultPanel, ResultProps};
pub use toolbar::{Toolbar, ToolbarProps};
