//! The one reducer every panel reads: the workspace (source text) and the
//! last report from the core.

use std::rc::Rc;

use yew::Reducible;

use crate::session::{self, Report};

/// The program shown when nothing is saved: the first thing to run.
pub const DEFAULT_SOURCE: &str = "\
; Return 42 from the program: press Run or Ctrl+Enter.
r0 = 42
exit
";

/// Everything the panels show.
#[derive(Clone, Debug, PartialEq)]
pub struct Workspace {
    /// The editor text.
    pub source: String,
    /// The report of the last Run, if any.
    pub report: Option<Rc<Report>>,
    /// True when the source changed since `report` was made.
    pub stale: bool,
}

impl Workspace {
    /// A workspace holding `source`, not yet run.
    pub fn new(source: String) -> Self {
        Workspace {
            source,
            report: None,
            stale: false,
        }
    }
}

/// What a user (or a panel) can do to the workspace.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The editor text changed.
    Edit(String),
    /// Assemble and run the current source.
    Run,
    /// Replace the source (an example, a share link) and run it.
    Load(String),
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit(source) => {
                if source == self.source {
                    return self;
                }
                Rc::new(Workspace {
                    source,
                    report: self.report.clone(),
                    stale: self.report.is_some(),
                })
            }
            Action::Run => Rc::new(Workspace {
                source: self.source.clone(),
                report: Some(Rc::new(session::run(&self.source))),
                stale: false,
            }),
            Action::Load(source) => Rc::new(Workspace {
                report: Some(Rc::new(session::run(&source))),
                source,
                stale: false,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_reports_and_edit_marks_stale() {
        let ws = Rc::new(Workspace::new("r0 = 42\nexit\n".into()));
        let ws = ws.reduce(Action::Run);
        assert!(ws.report.is_some());
        assert!(!ws.stale);
        let ws = ws.reduce(Action::Edit("r0 = 1\nexit\n".into()));
        assert!(ws.stale);
        assert_eq!(ws.source, "r0 = 1\nexit\n");
    }

    #[test]
    fn same_text_edit_keeps_the_state() {
        let ws = Rc::new(Workspace::new("exit".into()));
        let again = ws.clone().reduce(Action::Edit("exit".into()));
        assert!(Rc::ptr_eq(&ws, &again));
    }
}
