//! Driving the app without a terminal: key strings in, effects run inline. Used by the tests
//! and the benchmark, so both exercise exactly what the runtime does.

use std::path::Path;

use super::effects::{self, LabelStore};
use super::keymap::Keymap;
use super::keys::KeyPress;
use super::{App, Effect, Msg, Settings};
use crate::load::{self, LoadOptions};
use crate::study::{DEMO_BYTES, DEMO_NAME};

/// An app with a study loaded and, optionally, a label store: what the runtime has, inline.
pub struct Session {
    pub app: App,
    pub store: Option<LabelStore>,
}

impl Session {
    /// The demo study at a terminal size, labelling as `annotator` into `labels` (if given).
    pub fn demo(width: u16, height: u16, labels: Option<(&Path, &str)>) -> Session {
        Session::open(&[], width, height, labels)
    }

    /// Files (or the demo, for none) at a terminal size, labelling into `labels` (if given).
    pub fn open(
        paths: &[std::path::PathBuf],
        width: u16,
        height: u16,
        labels: Option<(&Path, &str)>,
    ) -> Session {
        let mut session = Session { app: blank_app(width, height), store: None };
        session.start(paths, labels);
        session
    }

    /// Spot-check mode on a queue file, labelling as `annotator` into `labels`.
    pub fn review(queue: &Path, width: u16, height: u16, labels: (&Path, &str)) -> Result<Session, String> {
        let parsed = crate::sample::Queue::read(queue).map_err(|e| e.to_string())?;
        let base = queue.parent().unwrap_or(Path::new("."));
        let paths: Vec<std::path::PathBuf> = parsed.paths.iter().map(|p| base.join(p)).collect();
        let name = crate::sample::Queue::name_of(queue);
        let mut app = blank_app(width, height);
        app.settings.score = Some(parsed.score.as_str().into());
        app.labels.queue = Some(name.clone());
        app.review = Some(super::review::Review::new(name, parsed));
        app.focus = super::Pane::Reader;
        let mut session = Session { app, store: None };
        session.start(&paths, Some(labels));
        Ok(session)
    }

    fn start(&mut self, paths: &[std::path::PathBuf], labels: Option<(&Path, &str)>) {
        if let Some((dir, annotator)) = labels {
            let (store, opened) = LabelStore::open(dir, annotator);
            self.app.labels.annotator = annotator.to_string();
            self.store = Some(store);
            self.dispatch(Msg::LabelsOpened(opened));
        }
        let mut events = Vec::new();
        let options = LoadOptions { threads: 1, ..LoadOptions::default() };
        let sink = std::sync::Mutex::new(&mut events);
        let collect = |e| {
            if let Ok(mut events) = sink.lock() {
                events.push(e);
            }
        };
        if paths.is_empty() {
            load::load_embedded(DEMO_NAME, DEMO_BYTES, &options, &collect);
        } else {
            load::load_paths(paths, &options, &collect);
        }
        for event in events {
            self.dispatch(Msg::Load(event));
        }
    }

    /// Sends one message and runs every effect it causes, feeding results back, until quiet.
    pub fn dispatch(&mut self, msg: Msg) {
        let mut queue = vec![msg];
        while let Some(msg) = queue.pop() {
            for effect in self.app.update(msg).effects {
                match effect {
                    Effect::Quit => {}
                    Effect::WriteLabel(record) => match &mut self.store {
                        Some(store) => queue.push(Msg::LabelWritten(store.write(record))),
                        None => queue.push(Msg::LabelWritten(Err("no label store in this session".into()))),
                    },
                    other => queue.extend(effects::perform(other, &|| false)),
                }
            }
        }
    }

    /// Presses keys written as `"j j ] /frust<Enter> n"`.
    ///
    /// # Panics
    /// On a malformed key string (a bug in the test).
    pub fn press(&mut self, keys: &str) {
        let keys = KeyPress::parse_sequence(keys).unwrap_or_else(|e| panic!("bad key string {keys:?}: {e}"));
        for key in keys {
            self.dispatch(Msg::Key(key));
        }
    }
}

fn blank_app(width: u16, height: u16) -> App {
    let mut app = App::new(Settings { color: false, ..Settings::default() }, Keymap::default());
    app.update(Msg::Resize(width, height));
    app
}

/// The demo study without a label store.
pub fn demo_app(width: u16, height: u16) -> App {
    Session::demo(width, height, None).app
}

/// Presses keys on an app without a label store.
pub fn press(app: &mut App, keys: &str) {
    let mut session = Session { app: std::mem::replace(app, blank_app(1, 1)), store: None };
    session.press(keys);
    *app = session.app;
}
