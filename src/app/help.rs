//! The `?` help: every binding of every context, generated from the live keymap, narrowed by
//! text typed after `/`, and wrapped to the screen so no description is ever cut.

use unicode_width::UnicodeWidthStr;

use super::action::Action;
use super::keymap::Keymap;
use super::modal::Cursor;
use super::palette::COMMANDS;
use super::prompt::{Prompt, PromptEvent};

/// Columns of the keys before a description.
pub const KEYS_WIDTH: usize = 18;

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq)]
pub enum HelpLine {
    Heading(&'static str),
    /// A binding; a description too long for one line goes on in lines with empty `keys`.
    Binding {
        keys: String,
        help: String,
    },
    Blank,
    Note(&'static str),
}

/// The help overlay as drawn: lines wrapped to the width, the first shown, and the filter.
#[derive(Debug, Clone, Default)]
pub struct HelpView {
    pub lines: Vec<HelpLine>,
    pub scroll: usize,
    /// Text the help is narrowed to (empty: everything).
    pub filter: String,
    /// The filter is being typed.
    pub typing: bool,
}

/// The help's state: where it is scrolled, and its filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpState {
    pub cursor: Cursor,
    /// The text the help is narrowed to: typed in `typing`, kept once Enter is pressed.
    pub filter: String,
    pub typing: Option<Prompt>,
}

impl HelpState {
    /// The lines for a screen `width` columns wide (the overlay's box is two narrower, its
    /// text four).
    pub fn lines(&self, keymap: &Keymap, width: usize) -> Vec<HelpLine> {
        wrap(narrow(help_lines(keymap), &self.filter), width.saturating_sub(6))
    }

    pub fn view(&self, keymap: &Keymap, width: usize) -> HelpView {
        HelpView {
            lines: self.lines(keymap, width),
            scroll: self.cursor.at,
            filter: self.filter.clone(),
            typing: self.typing.is_some(),
        }
    }

    /// A key's action while the filter is typed: the help narrows as it is typed; Enter keeps
    /// the filter, Esc drops it.
    pub fn edit(&mut self, action: Action) {
        let Some(prompt) = &mut self.typing else { return };
        match prompt.apply(action) {
            PromptEvent::Editing => self.filter = prompt.text.clone(),
            PromptEvent::Submit(text) => (self.filter, self.typing) = (text, None),
            PromptEvent::Cancel => (self.filter, self.typing) = (String::new(), None),
        }
        self.cursor = Cursor::default();
    }

    /// A character typed into the filter.
    pub fn insert(&mut self, c: char) {
        if let Some(prompt) = &mut self.typing {
            prompt.insert(c);
            self.filter = prompt.text.clone();
            self.cursor = Cursor::default();
        }
    }
}

/// Every binding grouped by context, in table order, then the palette's commands. Keys of one
/// action that come in a run of numbered rows (the eleven scores, the nine tag numbers) make
/// one line.
pub fn help_lines(keymap: &Keymap) -> Vec<HelpLine> {
    let mut lines = Vec::new();
    let mut last_context = None;
    for b in keymap.bindings() {
        if last_context != Some(b.context) {
            if last_context.is_some() {
                lines.push(HelpLine::Blank);
            }
            lines.push(HelpLine::Heading(b.context.title()));
            last_context = Some(b.context);
        }
        let numbered = |a: Action| matches!(a, Action::SetScore(_) | Action::ToggleTagNumber(_));
        if numbered(b.action) {
            let first = |a: Action| matches!(a, Action::SetScore(0) | Action::ToggleTagNumber(1));
            if !first(b.action) {
                continue;
            }
            let same = |x: Action| std::mem::discriminant(&x) == std::mem::discriminant(&b.action);
            let keys: Vec<String> = keymap
                .bindings()
                .filter(|o| o.context == b.context && same(o.action))
                .flat_map(|o| o.keys.iter().map(ToString::to_string))
                .collect();
            lines.push(HelpLine::Binding { keys: keys.join(""), help: b.help.to_string() });
            continue;
        }
        let keys: Vec<String> = b.keys.iter().map(ToString::to_string).collect();
        lines.push(HelpLine::Binding { keys: keys.join(" "), help: b.help.to_string() });
    }
    lines.push(HelpLine::Blank);
    lines.push(HelpLine::Heading("Command palette (:), commands typed after the colon"));
    for command in COMMANDS {
        lines.push(HelpLine::Binding { keys: command.usage.to_string(), help: command.help.to_string() });
    }
    lines.push(HelpLine::Blank);
    lines.push(HelpLine::Note(
        "In overlays, keys not listed close them. Every action can also be run from `:` by name.",
    ));
    lines.push(HelpLine::Note("Keys can be changed in the config file (rollscope --print-config-path)."));
    lines
}

/// Only the bindings whose keys or description hold `filter` (smart case), under their
/// headings; everything when `filter` is empty.
fn narrow(lines: Vec<HelpLine>, filter: &str) -> Vec<HelpLine> {
    if filter.is_empty() {
        return lines;
    }
    let fold = !filter.chars().any(char::is_uppercase);
    let holds = |text: &str| if fold { text.to_lowercase().contains(filter) } else { text.contains(filter) };
    let mut out = Vec::new();
    let mut heading = None;
    for line in lines {
        match line {
            HelpLine::Heading(_) => heading = Some(line),
            HelpLine::Binding { ref keys, ref help } if holds(keys) || holds(help) => {
                if let Some(h) = heading.take() {
                    if !out.is_empty() {
                        out.push(HelpLine::Blank);
                    }
                    out.push(h);
                }
                out.push(line);
            }
            _ => {}
        }
    }
    if out.is_empty() {
        out.push(HelpLine::Note("No key or command matches."));
    }
    out
}

/// Descriptions wrapped at spaces to fit beside the keys in `width` columns.
fn wrap(lines: Vec<HelpLine>, width: usize) -> Vec<HelpLine> {
    let room = width.saturating_sub(KEYS_WIDTH).max(20);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let HelpLine::Binding { keys, help } = line else {
            out.push(line);
            continue;
        };
        let mut keys = Some(keys);
        for piece in word_wrap(&help, room) {
            out.push(HelpLine::Binding { keys: keys.take().unwrap_or_default(), help: piece });
        }
    }
    out
}

/// Text in lines of at most `width` columns, broken at spaces (a word longer than a line
/// stands alone on one).
pub fn word_wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let Some(line) = lines.last_mut() else { break };
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_go_on_under_themselves() {
        assert_eq!(word_wrap("write the report of the study", 12), ["write the", "report of", "the study"]);
        assert_eq!(word_wrap("a verylongword b", 4), ["a", "verylongword", "b"]);
        let keymap = Keymap::default();
        let narrowband = HelpState::default().lines(&keymap, 50);
        let report = narrowband
            .iter()
            .position(|l| matches!(l, HelpLine::Binding { keys, .. } if keys == "R"))
            .unwrap_or_else(|| panic!("R is in the help"));
        let pieces: Vec<&str> = narrowband[report..]
            .iter()
            .enumerate()
            .map_while(|(i, l)| match l {
                HelpLine::Binding { keys, help } if i == 0 || keys.is_empty() => Some(help.as_str()),
                _ => None,
            })
            .collect();
        assert!(pieces.len() >= 3, "{pieces:?}");
        assert!(pieces.iter().all(|p| p.width() <= 50 - 6 - KEYS_WIDTH), "{pieces:?}");
        assert_eq!(
            pieces.join(" "),
            "write the report (figures, tables, page) of the study as filtered, in the labels folder"
        );
    }

    #[test]
    fn the_filter_keeps_matching_bindings_under_their_headings() {
        let keymap = Keymap::default();
        let state = HelpState { filter: "threshold".into(), ..HelpState::default() };
        let lines = state.lines(&keymap, 120);
        let headings: Vec<&str> =
            lines.iter().filter_map(|l| if let HelpLine::Heading(h) = l { Some(*h) } else { None }).collect();
        assert_eq!(
            headings,
            ["Statistics view", "Compare view", "Command palette (:), commands typed after the colon"]
        );
        assert!(lines.iter().all(|l| match l {
            HelpLine::Binding { help, .. } => help.contains("threshold"),
            _ => true,
        }));
        let none = HelpState { filter: "zzz".into(), ..HelpState::default() }.lines(&keymap, 120);
        assert_eq!(none, [HelpLine::Note("No key or command matches.")]);
        let upper = HelpState { filter: "Esc".into(), ..HelpState::default() }.lines(&keymap, 120);
        assert!(upper.iter().any(|l| matches!(l, HelpLine::Binding { keys, .. } if keys.contains("Esc"))));
    }
}
