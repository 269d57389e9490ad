//! The input thread: terminal events become the app's own key and mouse messages.

use std::sync::mpsc::Sender;
use std::thread;

use ratatui::crossterm::event::{
    self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use crate::app::keys::{Key, KeyPress};
use crate::app::{Mouse, Msg};

/// Reads terminal events until the app stops listening.
pub fn spawn_input(tx: Sender<Msg>) {
    thread::spawn(move || {
        while let Ok(event) = event::read() {
            let Some(msg) = message(event) else { continue };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

fn message(event: Event) -> Option<Msg> {
    Some(match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Msg::Key(key_press(key)?),
        Event::Mouse(m) => {
            let (column, row) = (m.column, m.row);
            Msg::Mouse(match m.kind {
                MouseEventKind::Down(MouseButton::Left) => Mouse::Click { column, row },
                MouseEventKind::ScrollUp => Mouse::ScrollUp { column, row },
                MouseEventKind::ScrollDown => Mouse::ScrollDown { column, row },
                _ => return None,
            })
        }
        Event::Resize(w, h) => Msg::Resize(w, h),
        _ => return None,
    })
}

/// Converts a crossterm key to the app's own key type.
pub fn key_press(key: KeyEvent) -> Option<KeyPress> {
    let k = match key.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    };
    Some(KeyPress {
        key: k,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
    })
}
