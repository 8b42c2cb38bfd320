//! The diff of a map across a run: each key present before or after, with
//! its value on both sides and whether the run added, changed or removed it.

/// What the run did to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Same value before and after.
    Same,
    /// Not there before the run.
    Added,
    /// Another value after the run.
    Changed,
    /// Gone after the run.
    Removed,
}

impl Change {
    /// The word shown in the table (and its CSS class).
    pub fn word(self) -> &'static str {
        match self {
            Change::Same => "",
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Removed => "removed",
        }
    }
}

/// One row of a map's diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffRow {
    /// The key.
    pub key: Vec<u8>,
    /// The value before the run, if the key was there.
    pub before: Option<Vec<u8>>,
    /// The value after the run, if the key is there.
    pub after: Option<Vec<u8>>,
    /// What the run did.
    pub change: Change,
}

/// Rows for every key of `after` (in its order), then the keys only
/// `before` had (removed).
pub fn map_diff(before: &[(Vec<u8>, Vec<u8>)], after: &[(Vec<u8>, Vec<u8>)]) -> Vec<DiffRow> {
    let old = |key: &[u8]| before.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let mut rows: Vec<DiffRow> = after
        .iter()
        .map(|(key, value)| {
            let was = old(key);
            let change = match was {
                None => Change::Added,
                Some(v) if v == value => Change::Same,
                Some(_) => Change::Changed,
            };
            DiffRow {
                key: key.clone(),
                before: was.cloned(),
                after: Some(value.clone()),
                change,
            }
        })
        .collect();
    rows.extend(
        before
            .iter()
            .filter(|(k, _)| !after.iter().any(|(a, _)| a == k))
            .map(|(key, value)| DiffRow {
                key: key.clone(),
                before: Some(value.clone()),
                after: None,
                change: Change::Removed,
            }),
    );
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(k: u8, v: u8) -> (Vec<u8>, Vec<u8>) {
        (vec![k], vec![v])
    }

    #[test]
    fn added_changed_removed_and_same_are_told_apart() {
        let rows = map_diff(&[e(1, 1), e(2, 2), e(3, 3)], &[e(1, 1), e(2, 9), e(4, 4)]);
        let changes: Vec<(u8, Change)> = rows.iter().map(|r| (r.key[0], r.change)).collect();
        assert_eq!(
            changes,
            [
                (1, Change::Same),
                (2, Change::Changed),
                (4, Change::Added),
                (3, Change::Removed)
            ]
        );
        assert_eq!(rows[1].before.as_deref(), Some(&[2u8][..]));
        assert_eq!(rows[3].after, None);
    }
}
