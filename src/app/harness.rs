//! Driving the app without a terminal: key strings in, effects run inline. Used by the tests
//! and the benchmark, so both exercise exactly what the runtime does.

use super::keymap::Keymap;
use super::keys::KeyPress;
use super::{App, Effect, Msg, Settings, effects};
use crate::load::{self, LoadOptions};
use crate::study::{DEMO_BYTES, DEMO_NAME};

/// An app of the given size with the demo study loaded.
pub fn demo_app(width: u16, height: u16) -> App {
    let mut app = App::new(
        Settings {
            color: false,
            ..Settings::default()
        },
        Keymap::default(),
    );
    app.update(Msg::Resize(width, height));
    let mut events = Vec::new();
    let options = LoadOptions {
        threads: 1,
        ..LoadOptions::default()
    };
    let sink = std::sync::Mutex::new(&mut events);
    load::load_embedded(DEMO_NAME, DEMO_BYTES, &options, &|e| {
        if let Ok(mut events) = sink.lock() {
            events.push(e);
        }
    });
    for event in events {
        dispatch(&mut app, Msg::Load(event));
    }
    app
}

/// Sends one message and runs every effect it causes, feeding results back, until quiet.
pub fn dispatch(app: &mut App, msg: Msg) {
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        for effect in app.update(msg).effects {
            if matches!(effect, Effect::Quit) {
                continue;
            }
            if let Some(reply) = effects::perform(effect, &|| false) {
                queue.push(reply);
            }
        }
    }
}

/// Presses keys written as `"j j ] /frust<Enter> n"`.
///
/// # Panics
/// On a malformed key string (a bug in the test).
pub fn press(app: &mut App, keys: &str) {
    let keys = KeyPress::parse_sequence(keys).unwrap_or_else(|e| panic!("bad key string {keys:?}: {e}"));
    for key in keys {
        dispatch(app, Msg::Key(key));
    }
}
