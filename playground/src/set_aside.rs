//! The learner's own workspace, set aside when an example, a share link,
//! an imported file or an object's program replaces it, so it is one click
//! away ("Restore previous program"). One slot, saved with the workspace
//! (a reload keeps it). Browsing several examples in a row keeps the
//! learner's program, not the example before: while the workspace still
//! holds what the last replacement put in, unedited, the next replacement
//! leaves the slot alone.

use serde::{Deserialize, Serialize};

use crate::snapshot::Snapshot;
use crate::state::DEFAULT_SOURCE;

/// What the last replacement set aside and what it put in.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct SetAside {
    /// The workspace replaced (source, packets, map edits, settings).
    #[serde(default)]
    pub kept: Option<Snapshot>,
    /// What the last replacement put in, to tell it from the learner's
    /// own work.
    #[serde(default)]
    pub shown: Option<Snapshot>,
}

/// The same program and inputs (the tab and the steppers aside).
fn same_work(a: &Snapshot, b: &Snapshot) -> bool {
    a.source == b.source
        && a.packets == b.packets
        && a.map_edits == b.map_edits
        && a.settings.tracing == b.settings.tracing
}

impl SetAside {
    /// The slot after `incoming` replaces `current`: `current` is kept
    /// unless it is what the last replacement put in, unedited (then what
    /// that one kept stays), or the same work as `incoming`.
    pub fn replacing(&self, current: Snapshot, incoming: Snapshot) -> SetAside {
        // The first visit's program is nobody's work.
        let untouched = current.source == DEFAULT_SOURCE
            || self.shown.as_ref().is_some_and(|s| same_work(s, &current));
        let kept = if untouched || same_work(&current, &incoming) {
            self.kept.clone()
        } else {
            Some(current)
        };
        SetAside {
            kept,
            shown: Some(incoming),
        }
    }

    /// The slot after its workspace was put back in place of `current`:
    /// `current` is kept in turn (so a restore is undone the same way)
    /// unless it is what the last replacement put in, unedited.
    pub fn restoring(&self, current: Snapshot) -> SetAside {
        let untouched = self.shown.as_ref().is_some_and(|s| same_work(s, &current));
        let same = self.kept.as_ref().is_some_and(|k| same_work(k, &current));
        SetAside {
            kept: (!untouched && !same).then_some(current),
            shown: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Workspace;

    fn doc(source: &str) -> Snapshot {
        Snapshot::of(&Workspace::new(source.into(), "00 11".into()))
    }

    #[test]
    fn browsing_examples_keeps_the_learners_program() {
        let mine = doc("r0 = 1\nexit\n");
        let a = SetAside::default().replacing(mine.clone(), doc("; example A\nexit\n"));
        assert_eq!(a.kept.as_ref(), Some(&mine));
        let b = a.replacing(doc("; example A\nexit\n"), doc("; example B\nexit\n"));
        assert_eq!(b.kept.as_ref(), Some(&mine), "A was only looked at");
        // An edited example is the learner's work now.
        let c = b.replacing(doc("; example B, edited\nexit\n"), doc("; C\nexit\n"));
        assert_eq!(c.kept, Some(doc("; example B, edited\nexit\n")));
        // Loading what is already there sets nothing aside, nor does
        // replacing the first visit's program.
        let d = SetAside::default().replacing(mine.clone(), mine.clone());
        assert_eq!(d.kept, None);
        let first = SetAside::default().replacing(doc(DEFAULT_SOURCE), mine.clone());
        assert_eq!(first.kept, None);
    }

    #[test]
    fn a_restore_keeps_edits_made_since_and_forgets_an_untouched_example() {
        let mine = doc("r0 = 1\nexit\n");
        let shown = SetAside::default().replacing(mine.clone(), doc("; A\nexit\n"));
        assert_eq!(shown.restoring(doc("; A\nexit\n")).kept, None);
        let edited = shown.restoring(doc("; A, edited\nexit\n"));
        assert_eq!(edited.kept, Some(doc("; A, edited\nexit\n")));
        assert_eq!(edited.shown, None);
    }
}
