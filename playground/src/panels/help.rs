//! The help dialog: every keyboard shortcut the app has, and the display
//! settings (theme, text size). A modal `<dialog>`: the page behind it is
//! inert, Tab cycles inside it, Escape or Close shuts it, and focus goes
//! back to where it was. `?` opens it from anywhere but a text field.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use super::modal::Modal;

use crate::prefs::{TextSize, Theme};

/// One shortcut: the keys (as `KeyboardEvent.key` names, or a chord such as
/// `Ctrl+Enter`) and what they do.
pub struct Shortcut {
    /// Alternatives, any of which does it.
    pub keys: &'static [&'static str],
    /// What it does.
    pub action: &'static str,
}

/// Shortcuts that work in one place.
pub struct ShortcutGroup {
    /// Where they work.
    pub place: &'static str,
    /// The shortcuts.
    pub shortcuts: &'static [Shortcut],
}

/// Every shortcut of the app, by where it works. A panel that handles a key
/// lists it here (the verifier's are checked against its key handler).
pub const SHORTCUTS: &[ShortcutGroup] = &[
    ShortcutGroup {
        place: "Anywhere (outside a text field)",
        shortcuts: &[
            Shortcut {
                keys: &["?"],
                action: "Open this help",
            },
            Shortcut {
                keys: &["Escape"],
                action: "Close this help",
            },
        ],
    },
    ShortcutGroup {
        place: "Editor",
        shortcuts: &[
            Shortcut {
                keys: &["Ctrl+Enter", "⌘+Enter"],
                action: "Assemble, verify and run",
            },
            Shortcut {
                keys: &["Tab"],
                action: "Indent (insert a tab)",
            },
            Shortcut {
                keys: &["Shift+Tab"],
                action: "Leave the editor (next: the panels)",
            },
            Shortcut {
                keys: &["Ctrl+Z", "Ctrl+Shift+Z"],
                action: "Undo, redo",
            },
        ],
    },
    ShortcutGroup {
        place: "Editor with Vim keys on (the checkbox under the editor)",
        shortcuts: &[
            Shortcut {
                keys: &["i", "a", "I", "A", "o", "O"],
                action: "Insert mode (Escape returns to normal mode)",
            },
            Shortcut {
                keys: &["h", "j", "k", "l", "w", "b", "e", "0", "^", "$", "gg", "G"],
                action: "Move (a count before repeats: 3j)",
            },
            Shortcut {
                keys: &["x", "dd", "dw", "D", "cc", "cw", "C", "r", "J"],
                action: "Delete, change, replace a character, join lines",
            },
            Shortcut {
                keys: &["yy", "yw", "p", "P"],
                action: "Yank and put",
            },
            Shortcut {
                keys: &["u", "Ctrl+R"],
                action: "Undo, redo",
            },
        ],
    },
    ShortcutGroup {
        place: "Verifier stepper (click it or Tab to it first)",
        shortcuts: &[
            Shortcut {
                keys: &["j", "ArrowDown"],
                action: "Next step",
            },
            Shortcut {
                keys: &["k", "ArrowUp"],
                action: "Previous step",
            },
            Shortcut {
                keys: &["g", "Home"],
                action: "First step",
            },
            Shortcut {
                keys: &["G", "End"],
                action: "Last step",
            },
            Shortcut {
                keys: &["e"],
                action: "Jump to the error",
            },
            Shortcut {
                keys: &["n"],
                action: "Next iteration of this instruction (loops)",
            },
            Shortcut {
                keys: &["p"],
                action: "Previous iteration of this instruction",
            },
        ],
    },
    ShortcutGroup {
        place: "Run debugger (Run tab; click it or Tab to it first)",
        shortcuts: &[
            Shortcut {
                keys: &["j", "ArrowDown"],
                action: "Execute one instruction",
            },
            Shortcut {
                keys: &["k", "ArrowUp"],
                action: "Step back one instruction",
            },
            Shortcut {
                keys: &["c"],
                action: "Continue to the next breakpoint",
            },
            Shortcut {
                keys: &["r", "Home"],
                action: "Restart the run",
            },
            Shortcut {
                keys: &["End"],
                action: "Run to the end",
            },
        ],
    },
];

/// How a key name is shown.
fn key_label(key: &str) -> &str {
    match key {
        "ArrowDown" => "↓",
        "ArrowUp" => "↑",
        "Escape" => "Esc",
        k => k,
    }
}

/// Whether a key event comes from a place that takes text (so `?` is typed,
/// not a shortcut).
fn typing_target(e: &KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

/// Opens help on `?` pressed anywhere but a text field.
#[hook]
pub fn use_help_key(open: Callback<()>) {
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|w| {
            EventListener::new(&w, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if e.key() == "?"
                    && !e.ctrl_key()
                    && !e.meta_key()
                    && !e.alt_key()
                    && !typing_target(e)
                {
                    e.prevent_default();
                    open.emit(());
                }
            })
        });
        move || drop(listener)
    });
}

/// Help dialog properties.
#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// Whether the dialog is shown.
    pub open: bool,
    /// The dialog was closed (Close, Escape, a click outside).
    pub on_close: Callback<()>,
    /// The current theme.
    pub theme: Theme,
    /// A theme was chosen.
    pub on_theme: Callback<Theme>,
    /// The current text size.
    pub text_size: TextSize,
    /// A text size was chosen.
    pub on_text_size: Callback<TextSize>,
}

/// The help dialog.
#[component]
pub fn HelpDialog(props: &HelpProps) -> Html {
    let groups = SHORTCUTS.iter().map(|g| {
        let rows = g.shortcuts.iter().map(|s| {
            let joiner = if s.keys.len() > 3 { " " } else { " or " };
            let keys = s.keys.iter().enumerate().map(|(i, k)| {
                html! { <>{ if i > 0 { joiner } else { "" } }<kbd>{ key_label(k) }</kbd></> }
            });
            html! { <tr><td class="keys">{ for keys }</td><td>{ s.action }</td></tr> }
        });
        html! {
            <table class="shortcuts">
                <caption>{ g.place }</caption>
                <tbody>{ for rows }</tbody>
            </table>
        }
    });
    let theme_choices = Theme::ALL.iter().map(|&t| {
        let on_theme = props.on_theme.clone();
        let onchange = Callback::from(move |_: Event| on_theme.emit(t));
        html! {
            <label class="choice">
                <input type="radio" name="theme" id={format!("theme-{}", t.name())}
                    checked={props.theme == t} {onchange} />
                { t.label() }
            </label>
        }
    });
    let size_choices = TextSize::ALL.iter().map(|&s| {
        let on_size = props.on_text_size.clone();
        let onchange = Callback::from(move |_: Event| on_size.emit(s));
        html! {
            <label class="choice">
                <input type="radio" name="text-size" id={format!("text-size-{}", s.name())}
                    checked={props.text_size == s} {onchange} />
                { s.label() }
            </label>
        }
    });

    html! {
        <Modal id="help-dialog" title="Keyboard shortcuts and display" labelled_by="help-title" close_id="help-close"
            open={props.open} on_close={props.on_close.clone()}>
            <div class="help-groups">{ for groups }</div>
            <fieldset class="choices">
                <legend>{ "Theme" }</legend>
                { for theme_choices }
            </fieldset>
            <fieldset class="choices">
                <legend>{ "Text size" }</legend>
                { for size_choices }
            </fieldset>
            <p class="hint">{ "Both are remembered in this browser. The browser's zoom (Ctrl and +) works too: every size scales." }</p>
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panels::run::key_move as run_key_move;
    use crate::panels::verifier::key_move;
    use crate::session::{analyse, Report};

    /// Every key the help lists for the verifier is one its handler takes.
    #[test]
    fn the_verifier_keys_listed_are_the_keys_it_handles() {
        // A loop, so `n` and `p` have iterations to move between.
        let src = ".type xdp\nr1 = 3\nl:\nr1 -= 1\nif r1 != 0 goto l\nr0 = 0\nexit\n";
        let Report::Analysed(a) = analyse(src, &[]) else {
            panic!("assembles");
        };
        let trace = &a.verifier.trace;
        let middle = (1..trace.len())
            .find(|&i| {
                crate::session::walk::iterations(trace, i).len() > 2 && {
                    let its = crate::session::walk::iterations(trace, i);
                    its[0] < i && i < its[its.len() - 1]
                }
            })
            .expect("a loop step between two iterations");
        let group = SHORTCUTS
            .iter()
            .find(|g| g.place.starts_with("Verifier"))
            .expect("a verifier group");
        let keys: Vec<&str> = group
            .shortcuts
            .iter()
            .flat_map(|s| s.keys.iter().copied())
            .collect();
        for key in &keys {
            assert!(
                key_move(key, &a, middle).is_some(),
                "{key} is listed but not handled"
            );
        }
        for key in [
            "j",
            "k",
            "g",
            "G",
            "e",
            "n",
            "p",
            "ArrowDown",
            "ArrowUp",
            "Home",
            "End",
        ] {
            assert!(keys.contains(&key), "{key} is handled but not listed");
        }
    }

    /// Every vim key listed is a command in normal mode (not passed on to
    /// the browser as typing).
    #[test]
    fn the_vim_keys_listed_are_commands() {
        use crate::vim::{Action, Vim};
        let group = SHORTCUTS
            .iter()
            .find(|g| g.place.contains("Vim"))
            .expect("a vim group");
        let text = "r0 = 1\nr1 = 2\nexit\n";
        for key in group.shortcuts.iter().flat_map(|s| s.keys.iter().copied()) {
            let mut vim = Vim::default();
            let (key, ctrl) = match key.strip_prefix("Ctrl+") {
                Some(k) => (k.to_lowercase(), true),
                None => (key.to_string(), false),
            };
            let mut action = Action::PassThrough;
            // `gg`, `dd`, `dw` are one press per letter.
            let presses: Vec<String> = if ctrl || key == "Escape" {
                vec![key.clone()]
            } else {
                key.chars().map(String::from).collect()
            };
            for k in &presses {
                action = vim.key(k, ctrl, text, 8);
            }
            if key == "Escape" {
                // Escape in normal mode only cancels; it must not type.
                assert_ne!(action, Action::PassThrough, "Escape");
                continue;
            }
            assert_ne!(
                action,
                Action::PassThrough,
                "{key} is listed but not a vim command"
            );
        }
    }

    /// The same for the run debugger.
    #[test]
    fn the_run_debugger_keys_listed_are_the_keys_it_handles() {
        let group = SHORTCUTS
            .iter()
            .find(|g| g.place.starts_with("Run debugger"))
            .expect("a run debugger group");
        let keys: Vec<&str> = group
            .shortcuts
            .iter()
            .flat_map(|s| s.keys.iter().copied())
            .collect();
        for key in &keys {
            assert!(
                run_key_move(key).is_some(),
                "{key} is listed but not handled"
            );
        }
        // Every letter and named key a user could press.
        let named = [
            "ArrowDown",
            "ArrowUp",
            "ArrowLeft",
            "ArrowRight",
            "Home",
            "End",
            "PageUp",
            "PageDown",
            "Enter",
            " ",
        ];
        let candidates = ('a'..='z')
            .chain('A'..='Z')
            .map(|c| c.to_string())
            .chain(named.map(String::from));
        for key in candidates {
            if run_key_move(&key).is_some() {
                assert!(
                    keys.contains(&key.as_str()),
                    "{key} is handled but not listed"
                );
            }
        }
    }
}
