//! Key presses as the app sees them, independent of the terminal crate, with the notation used
//! by the keymap table, the config file and key-sequence tests: `j`, `G`, `<C-d>`, `<Enter>`.

use std::fmt;

/// A key, without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// A key with its modifiers. For characters, shift is already in the character (`G`, `?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyPress {
    pub key: Key,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeyPress {
    pub const fn plain(key: Key) -> KeyPress {
        KeyPress { key, ctrl: false, alt: false }
    }

    pub const fn char(c: char) -> KeyPress {
        KeyPress::plain(Key::Char(c))
    }

    pub const fn ctrl(c: char) -> KeyPress {
        KeyPress { key: Key::Char(c), ctrl: true, alt: false }
    }

    /// Parses one key in table notation: `j`, `<C-d>`, `<Enter>`, `<S-Tab>`, `<Space>`.
    pub fn parse(text: &str) -> Result<KeyPress, String> {
        let inner = match text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
            Some(inner) => inner,
            None => {
                let mut chars = text.chars();
                return match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(KeyPress::char(c)),
                    _ => Err(format!("unknown key {text:?}: write one character or <Name>")),
                };
            }
        };
        let mut press = KeyPress::plain(Key::Esc);
        let mut name = inner;
        loop {
            if let Some(rest) = name.strip_prefix("C-") {
                press.ctrl = true;
                name = rest;
            } else if let Some(rest) = name.strip_prefix("A-") {
                press.alt = true;
                name = rest;
            } else if name.len() > 2 && name.starts_with("S-") {
                name = &name[2..];
                if name == "Tab" {
                    press.key = Key::BackTab;
                    return Ok(press);
                }
            } else {
                break;
            }
        }
        press.key = match name {
            "Enter" | "CR" => Key::Enter,
            "Esc" => Key::Esc,
            "Tab" => Key::Tab,
            "BackTab" => Key::BackTab,
            "BS" | "Backspace" => Key::Backspace,
            "Del" | "Delete" => Key::Delete,
            "Up" => Key::Up,
            "Down" => Key::Down,
            "Left" => Key::Left,
            "Right" => Key::Right,
            "Home" => Key::Home,
            "End" => Key::End,
            "PageUp" => Key::PageUp,
            "PageDown" => Key::PageDown,
            "Space" => Key::Char(' '),
            "lt" => Key::Char('<'),
            "gt" => Key::Char('>'),
            other => {
                let mut chars = other.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Key::Char(c),
                    (Some('F'), Some(_)) => {
                        other[1..].parse().map(Key::F).map_err(|_| format!("unknown key <{inner}>"))?
                    }
                    _ => return Err(format!("unknown key <{inner}>")),
                }
            }
        };
        Ok(press)
    }

    /// Parses a key sequence as tests and docs write it: `"j j ] /frust<Enter> n"`. Spaces
    /// separate (type `<Space>` for a space); `<...>` is one named key; other characters are
    /// one key each.
    pub fn parse_sequence(text: &str) -> Result<Vec<KeyPress>, String> {
        let mut keys = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if c == ' ' {
                rest = &rest[1..];
            } else if c == '<'
                && let Some(end) = rest.find('>')
                && end > 1
            {
                keys.push(KeyPress::parse(&rest[..=end])?);
                rest = &rest[end + 1..];
            } else {
                keys.push(KeyPress::char(c));
                rest = &rest[c.len_utf8()..];
            }
        }
        Ok(keys)
    }
}

impl fmt::Display for KeyPress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.key {
            Key::Char(' ') => "Space".to_string(),
            // A key bound in the config file may be any character: shown, never obeyed.
            Key::Char(c) => crate::sanitize::clean(&c.to_string()).into_owned(),
            Key::Enter => "Enter".into(),
            Key::Esc => "Esc".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "S-Tab".into(),
            Key::Backspace => "BS".into(),
            Key::Delete => "Del".into(),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::Left => "←".into(),
            Key::Right => "→".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::F(n) => format!("F{n}"),
        };
        let prefix = match (self.ctrl, self.alt) {
            (true, true) => "C-A-",
            (true, false) => "C-",
            (false, true) => "A-",
            (false, false) => "",
        };
        write!(f, "{prefix}{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_table_notation() {
        assert_eq!(KeyPress::parse("j").unwrap(), KeyPress::char('j'));
        assert_eq!(KeyPress::parse("<C-d>").unwrap(), KeyPress::ctrl('d'));
        assert_eq!(KeyPress::parse("<S-Tab>").unwrap(), KeyPress::plain(Key::BackTab));
        assert_eq!(KeyPress::parse("<Enter>").unwrap(), KeyPress::plain(Key::Enter));
        assert_eq!(KeyPress::parse("<F1>").unwrap(), KeyPress::plain(Key::F(1)));
        assert!(KeyPress::parse("<Bogus>").is_err());
        assert!(KeyPress::parse("jj").is_err());
    }

    #[test]
    fn parses_sequences_with_named_keys() {
        let keys = KeyPress::parse_sequence("j ] /fr<Enter> <C-r>").unwrap();
        let expected: Vec<KeyPress> = vec![
            KeyPress::char('j'),
            KeyPress::char(']'),
            KeyPress::char('/'),
            KeyPress::char('f'),
            KeyPress::char('r'),
            KeyPress::plain(Key::Enter),
            KeyPress::ctrl('r'),
        ];
        assert_eq!(keys, expected);
        assert_eq!(KeyPress::parse_sequence("a<b").unwrap().len(), 3);
    }

    #[test]
    fn displays_compactly() {
        assert_eq!(KeyPress::ctrl('d').to_string(), "C-d");
        assert_eq!(KeyPress::plain(Key::Char(' ')).to_string(), "Space");
    }
}
