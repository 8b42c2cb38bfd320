//! Display preferences: the colour theme (the system's, or light or dark
//! chosen by hand) and the text size (larger for a projector). Both are
//! remembered in local storage and applied as attributes of `<html>`, which
//! the style sheet reads (`data-theme`, `data-text-size`).
//!
//! `index.html` applies the saved theme before the wasm loads, so a dark
//! page does not flash white first; it reads the same keys.

use gloo_storage::{LocalStorage, Storage};

const THEME_KEY: &str = "bpfplay.theme";
const TEXT_SIZE_KEY: &str = "bpfplay.textSize";

/// The colour theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the system (`prefers-color-scheme`).
    #[default]
    System,
    /// Light, whatever the system says.
    Light,
    /// Dark, whatever the system says.
    Dark,
}

impl Theme {
    /// Every theme, in the order the settings list them.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The stored and attribute name.
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The label people see.
    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    /// The theme named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What the toolbar's toggle switches to: the opposite of what is shown
    /// now (`system_dark`: whether the system asks for dark).
    pub fn toggled(self, system_dark: bool) -> Theme {
        let dark_now = match self {
            Theme::System => system_dark,
            Theme::Light => false,
            Theme::Dark => true,
        };
        if dark_now {
            Theme::Light
        } else {
            Theme::Dark
        }
    }
}

/// The text size: the whole page scales with it (every size in the style
/// sheet is relative to the root font size).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TextSize {
    /// 15 px body text.
    #[default]
    Normal,
    /// 18 px: a big laptop screen or a small room.
    Large,
    /// 22 px: a projector at the back of a lecture hall.
    Projector,
}

impl TextSize {
    /// Every size, smallest first.
    pub const ALL: [TextSize; 3] = [TextSize::Normal, TextSize::Large, TextSize::Projector];

    /// The stored and attribute name.
    pub fn name(self) -> &'static str {
        match self {
            TextSize::Normal => "normal",
            TextSize::Large => "large",
            TextSize::Projector => "projector",
        }
    }

    /// The label people see.
    pub fn label(self) -> &'static str {
        match self {
            TextSize::Normal => "Normal",
            TextSize::Large => "Large",
            TextSize::Projector => "Projector",
        }
    }

    /// The size named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<TextSize> {
        TextSize::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The saved theme (the system's when none is saved).
pub fn load_theme() -> Theme {
    LocalStorage::get::<String>(THEME_KEY)
        .ok()
        .and_then(|n| Theme::from_name(&n))
        .unwrap_or_default()
}

/// The saved text size.
pub fn load_text_size() -> TextSize {
    LocalStorage::get::<String>(TEXT_SIZE_KEY)
        .ok()
        .and_then(|n| TextSize::from_name(&n))
        .unwrap_or_default()
}

/// Saves and applies a theme.
pub fn set_theme(theme: Theme) {
    crate::storage::set(THEME_KEY, theme.name());
    apply(theme, load_text_size());
}

/// Saves and applies a text size.
pub fn set_text_size(size: TextSize) {
    crate::storage::set(TEXT_SIZE_KEY, size.name());
    apply(load_theme(), size);
}

/// Sets `data-theme` (absent for the system's) and `data-text-size` on
/// `<html>`.
pub fn apply(theme: Theme, size: TextSize) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        t => root.set_attribute("data-theme", t.name()),
    };
    let _ = match size {
        TextSize::Normal => root.remove_attribute("data-text-size"),
        s => root.set_attribute("data-text-size", s.name()),
    };
}

/// Applies the saved preferences (at start).
pub fn apply_saved() {
    apply(load_theme(), load_text_size());
}

/// Whether the system asks for a dark theme.
pub fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in Theme::ALL {
            assert_eq!(Theme::from_name(t.name()), Some(t));
        }
        for s in TextSize::ALL {
            assert_eq!(TextSize::from_name(s.name()), Some(s));
        }
        assert_eq!(Theme::from_name("solarized"), None);
    }

    #[test]
    fn the_toggle_shows_the_other_theme() {
        assert_eq!(Theme::System.toggled(true), Theme::Light);
        assert_eq!(Theme::System.toggled(false), Theme::Dark);
        assert_eq!(Theme::Dark.toggled(false), Theme::Light);
        assert_eq!(Theme::Light.toggled(true), Theme::Dark);
    }
}
