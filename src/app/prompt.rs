//! A one-line text prompt (search, filter) in the status bar.

use super::keys::{Key, KeyPress};

/// What the prompt's text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Filter,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::Search => "/",
            PromptKind::Filter => "filter: ",
        }
    }
}

/// The prompt's state: text and cursor (a char index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    pub cursor: usize,
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
        Prompt { kind, text: text.to_string(), cursor: text.chars().count() }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text.char_indices().nth(char_index).map_or(self.text.len(), |(i, _)| i)
    }

    /// Edits with the usual keys: arrows, Home/End, Backspace/Delete, C-u (clear), C-w (word).
    pub fn on_key(&mut self, key: KeyPress) -> PromptEvent {
        let len = self.text.chars().count();
        match (key.key, key.ctrl) {
            (Key::Enter, _) => return PromptEvent::Submit(self.text.clone()),
            (Key::Esc, _) | (Key::Char('c'), true) => return PromptEvent::Cancel,
            (Key::Char('u'), true) => {
                self.text.clear();
                self.cursor = 0;
            }
            (Key::Char('w'), true) => {
                let end = self.byte_at(self.cursor);
                let trimmed = self.text[..end].trim_end_matches(' ');
                let start = trimmed.rfind(' ').map_or(0, |i| i + 1);
                self.cursor -= self.text[start..end].chars().count();
                self.text.replace_range(start..end, "");
            }
            (Key::Char('a'), true) | (Key::Home, _) => self.cursor = 0,
            (Key::Char('e'), true) | (Key::End, _) => self.cursor = len,
            (Key::Left, _) => self.cursor = self.cursor.saturating_sub(1),
            (Key::Right, _) => self.cursor = (self.cursor + 1).min(len),
            (Key::Backspace, _) if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            (Key::Delete, _) if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            (Key::Char(c), false) if !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            _ => {}
        }
        PromptEvent::Editing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_keys(prompt: &mut Prompt, keys: &str) -> PromptEvent {
        let mut last = PromptEvent::Editing;
        for key in KeyPress::parse_sequence(keys).unwrap() {
            last = prompt.on_key(key);
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
