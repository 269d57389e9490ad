//! A one-line text prompt (search, filter) in the status bar: its keys are keymap actions,
//! other characters are typed.

use super::action::Action;

/// What the prompt's text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PromptKind {
    Search,
    Filter,
    /// The `:` palette.
    Command,
    /// Narrowing the help.
    Help,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::Search => "/",
            PromptKind::Filter => "filter: ",
            PromptKind::Command => ":",
            PromptKind::Help => "help /",
        }
    }
}

/// The prompt's state: text and cursor (a char index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    pub cursor: usize,
    /// The palette's highlighted entry.
    pub choice: usize,
    /// How far back in the history the text is (0: typed, not recalled).
    pub back: usize,
}

/// The result of one key in the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptEvent {
    Editing,
    Submit(String),
    Cancel,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt { kind, text: text.to_string(), cursor: text.chars().count(), choice: 0, back: 0 }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text.char_indices().nth(char_index).map_or(self.text.len(), |(i, _)| i)
    }

    /// Types a character at the cursor.
    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        self.choice = 0;
    }

    /// One editing action: submit, cancel, or a change to the text or cursor.
    pub fn apply(&mut self, action: Action) -> PromptEvent {
        let len = self.text.chars().count();
        match action {
            Action::Submit => return PromptEvent::Submit(self.text.clone()),
            Action::Cancel => return PromptEvent::Cancel,
            Action::ClearLine => {
                self.text.clear();
                self.cursor = 0;
            }
            Action::DeleteWord => {
                let end = self.byte_at(self.cursor);
                let trimmed = self.text[..end].trim_end_matches(' ');
                let start = trimmed.rfind(' ').map_or(0, |i| i + 1);
                self.cursor -= self.text[start..end].chars().count();
                self.text.replace_range(start..end, "");
            }
            Action::NextChoice => self.choice += 1,
            Action::PrevChoice => self.choice = self.choice.saturating_sub(1),
            Action::CursorStart => self.cursor = 0,
            Action::CursorEnd => self.cursor = len,
            Action::CursorLeft => self.cursor = self.cursor.saturating_sub(1),
            Action::CursorRight => self.cursor = (self.cursor + 1).min(len),
            Action::DeleteBack if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            Action::DeleteForward if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            _ => {}
        }
        PromptEvent::Editing
    }

    /// Shows line `back` of `history` (newest last; 0 is an empty line) in place of the text.
    pub fn recall(&mut self, history: &[String], back: usize) {
        self.back = back.min(history.len());
        self.text = match self.back {
            0 => String::new(),
            n => history[history.len() - n].clone(),
        };
        self.cursor = self.text.chars().count();
        self.choice = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::{Context, Keymap};
    use crate::app::keys::{Key, KeyPress};

    fn type_keys(prompt: &mut Prompt, keys: &str) -> PromptEvent {
        let keymap = Keymap::default();
        let mut last = PromptEvent::Editing;
        for key in KeyPress::parse_sequence(keys).unwrap() {
            last = match keymap.action(&[Context::Prompt], key) {
                Some(action) => prompt.apply(action),
                None => {
                    if let Key::Char(c) = key.key {
                        prompt.insert(c);
                    }
                    PromptEvent::Editing
                }
            };
        }
        last
    }

    #[test]
    fn edits_and_submits() {
        let mut p = Prompt::new(PromptKind::Search, "");
        assert_eq!(type_keys(&mut p, "héllo<Left><Left><BS>X"), PromptEvent::Editing);
        assert_eq!(p.text, "héXlo");
        assert_eq!(type_keys(&mut p, "<End><Space>world<C-w><C-w>"), PromptEvent::Editing);
        assert_eq!(p.text, "");
        assert_eq!(type_keys(&mut p, "ab<Enter>"), PromptEvent::Submit("ab".into()));
        assert_eq!(type_keys(&mut p, "<Esc>"), PromptEvent::Cancel);
    }
}
