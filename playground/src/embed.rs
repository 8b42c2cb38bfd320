//! Embed mode, for slides and course pages: a query flag picks the panels
//! to show and may make the page read-only. It combines with a share link's
//! fragment, so an instructor hands out one URL holding both:
//!
//! ```text
//! http://127.0.0.1:8080/?embed=editor,verifier&readonly#w1=...
//! ```
//!
//! Panel names: `editor`, `result`, and the inspector's tabs by their label
//! (`verifier`, `run`, `program`, `maps`, `packets`). `?embed` alone shows the
//! editor, the result and the verifier. An embedded page neither reads nor
//! writes the workspace saved in local storage: it shows what its link
//! holds, and editing it leaves the learner's own playground alone.

/// The panels `?embed` with no list shows.
pub const DEFAULT_PANELS: [&str; 3] = ["editor", "result", "verifier"];

/// What an embed link asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embed {
    /// The panels to show, lower case, in the link's order.
    pub panels: Vec<String>,
    /// The source and packets cannot be edited (stepping and Run still work).
    pub readonly: bool,
}

/// One panel name as the app spells it (`packets` is the tab labelled
/// "Packet").
fn canonical(name: &str) -> String {
    match name.trim().to_ascii_lowercase().as_str() {
        "packets" => "packet".to_string(),
        other => other.to_string(),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Embed {
    /// The embed request in a query string (with or without `?`), if it has
    /// an `embed` parameter.
    pub fn parse(query: &str) -> Option<Embed> {
        let mut panels = None;
        let mut readonly = false;
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            match key {
                "embed" => {
                    let list: Vec<String> = value
                        .split(',')
                        .map(canonical)
                        .filter(|n| !n.is_empty())
                        .collect();
                    panels = Some(list);
                }
                "readonly" | "read-only" => {
                    readonly = !matches!(value.as_str(), "0" | "false" | "no");
                }
                _ => {}
            }
        }
        let mut panels = panels?;
        if panels.is_empty() {
            panels = DEFAULT_PANELS.iter().map(|p| p.to_string()).collect();
        }
        let mut seen = Vec::with_capacity(panels.len());
        for p in panels {
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
        Some(Embed {
            panels: seen,
            readonly,
        })
    }

    /// The embed request of the page's URL, if any.
    pub fn current() -> Option<Embed> {
        let search = web_sys::window()?.location().search().ok()?;
        Embed::parse(&search)
    }

    /// Whether the panel (or inspector tab, by its label) is shown.
    pub fn shows(&self, panel: &str) -> bool {
        let panel = canonical(panel);
        self.panels.contains(&panel)
    }
}

/// The full playground's URL for the page's current fragment: the embed's
/// "open in the playground" link.
pub fn full_app_url(fragment: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}#{}",
        location.origin().ok()?,
        location.pathname().ok()?,
        fragment.trim_start_matches('#')
    ))
}

/// The query that asks for `panels` (and read-only, if set): what
/// [`Embed::parse`] reads back.
pub fn query(panels: &[&str], readonly: bool) -> String {
    let mut q = format!("?embed={}", panels.join(","));
    if readonly {
        q.push_str("&readonly");
    }
    q
}

/// An embed link for the page's own address with `query` and `fragment`.
pub fn link(query: &str, fragment: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!(
        "{}{}{query}#{}",
        location.origin().ok()?,
        location.pathname().ok()?,
        fragment.trim_start_matches('#')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_query_reads_back() {
        let q = query(&["editor", "run", "packets"], true);
        assert_eq!(q, "?embed=editor,run,packets&readonly");
        let e = Embed::parse(&q).expect("an embed");
        assert_eq!(e.panels, ["editor", "run", "packet"]);
        assert!(e.readonly);
        assert!(
            !Embed::parse(&query(&["maps"], false))
                .expect("an embed")
                .readonly
        );
    }

    #[test]
    fn a_list_of_panels_and_readonly() {
        let e = Embed::parse("?embed=editor,verifier&readonly").expect("an embed");
        assert_eq!(e.panels, ["editor", "verifier"]);
        assert!(e.readonly);
        assert!(e.shows("Verifier"));
        assert!(!e.shows("result"));
    }

    #[test]
    fn bare_embed_shows_the_default_panels_and_is_editable() {
        let e = Embed::parse("embed").expect("an embed");
        assert_eq!(e.panels, DEFAULT_PANELS);
        assert!(!e.readonly);
        let e = Embed::parse("?embed=&readonly=false").expect("an embed");
        assert_eq!(e.panels, DEFAULT_PANELS);
        assert!(!e.readonly);
    }

    #[test]
    fn packets_names_the_packet_tab_and_escapes_are_read() {
        let e = Embed::parse("?embed=Packets%2Cmaps,maps&x=1").expect("an embed");
        assert_eq!(e.panels, ["packet", "maps"]);
        assert!(e.shows("Packet") && e.shows("packets"));
    }

    #[test]
    fn no_embed_parameter_is_the_full_app() {
        assert_eq!(Embed::parse(""), None);
        assert_eq!(Embed::parse("?readonly"), None);
        assert_eq!(Embed::parse("?embedded=1"), None);
    }

    #[test]
    fn bad_escapes_do_not_panic() {
        for q in ["?embed=%", "?embed=%4", "?embed=%zz", "?embed=%e9"] {
            assert!(Embed::parse(q).is_some(), "{q}");
        }
    }
}
