//! Driving the app without a terminal, for tests and benchmarks: key strings in, effects run
//! by the runtime's own executor inline, frames drawn on a test backend. Built only with the
//! `testkit` feature, which `cargo test` and `cargo bench` turn on (the crate is its own
//! dev-dependency with that feature); the release binary carries none of it.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::app::keymap::Keymap;
use crate::app::keys::KeyPress;
use crate::app::review::Review;
use crate::app::{App, Effect, Msg, Pane, Settings};
use crate::load::LoadOptions;
use crate::runtime::{Executor, LabelsInput, StudyInput};
use crate::sample::Queue;
use crate::ui;

/// Called with the app when a label write has failed, before it is retried (the runtime
/// waits two seconds there instead).
pub type RetryHook = Box<dyn FnMut(&mut App)>;

/// An app with its executor, run inline: what the runtime has, on one thread.
pub struct Session {
    pub app: App,
    pub executor: Executor,
    on_retry: Option<RetryHook>,
}

impl Session {
    /// The demo study at a terminal size, labelling as `annotator` into `labels` (if given).
    pub fn demo(width: u16, height: u16, labels: Option<(&Path, &str)>) -> Session {
        Session::open(&[], width, height, labels)
    }

    /// Files (or the demo, for none) at a terminal size, labelling into `labels` (if given).
    pub fn open(paths: &[PathBuf], width: u16, height: u16, labels: Option<(&Path, &str)>) -> Session {
        let mut session = Session::new(blank_app(width, height));
        session.start(paths, labels);
        session
    }

    /// `open`, with load options (`--scores` files and the like).
    pub fn open_with(
        paths: &[PathBuf],
        width: u16,
        height: u16,
        labels: Option<(&Path, &str)>,
        options: LoadOptions,
    ) -> Session {
        let mut session = Session::new(blank_app(width, height));
        session.start_options(paths, labels, options);
        session
    }

    /// Spot-check mode on a queue file, labelling as `annotator` into `labels`.
    pub fn review(queue: &Path, width: u16, height: u16, labels: (&Path, &str)) -> Result<Session, String> {
        let parsed = Queue::read(queue, crate::model::ReadLimits::default().label_file())
            .map_err(|e| e.to_string())?;
        let paths = parsed.study_paths(queue);
        // What `rollscope review QUEUE` opens: the study the queue recorded.
        let given = crate::cli::StudyOptions::default();
        let options = crate::commands::sample::review_options(queue, &parsed, &given, &Default::default())
            .map_err(|e| e.to_string())?;
        let load = crate::commands::load_options(&options.study).map_err(|e| e.to_string())?;
        let name = Queue::name_of(queue);
        let mut app = blank_app(width, height);
        app.settings.score = Some(parsed.score.as_str().into());
        app.labels.queue = Some(name.clone());
        let mut review = Review::new(name, parsed);
        (review.path, review.labels) = (Some(queue.to_path_buf()), Some(labels.0.to_path_buf()));
        app.review = Some(review);
        app.focus = Pane::Reader;
        let mut session = Session::new(app);
        session.start_options(&paths, Some(labels), load);
        Ok(session)
    }

    fn new(app: App) -> Session {
        Session { app, executor: Executor::inline(), on_retry: None }
    }

    fn start(&mut self, paths: &[PathBuf], labels: Option<(&Path, &str)>) {
        self.start_with(paths, labels, Vec::new());
    }

    fn start_with(&mut self, paths: &[PathBuf], labels: Option<(&Path, &str)>, id_fields: Vec<String>) {
        self.start_options(paths, labels, LoadOptions { id_fields, ..LoadOptions::default() });
    }

    fn start_options(&mut self, paths: &[PathBuf], labels: Option<(&Path, &str)>, options: LoadOptions) {
        if let Some((dir, annotator)) = labels {
            self.app.labels.annotator = annotator.to_string();
            let study = crate::cli::StudyOptions::default();
            self.app.report =
                Some(crate::cli::ReportArgs::template(paths.to_vec(), study, dir.to_path_buf()));
            self.executor.open_labels(LabelsInput {
                dir: dir.to_path_buf(),
                annotator: annotator.to_string(),
                study: paths.to_vec(),
                limit: crate::model::ReadLimits::default().label_file(),
            });
        }
        let input = if paths.is_empty() { StudyInput::Demo } else { StudyInput::Paths(paths.to_vec()) };
        self.executor.load(input, LoadOptions { threads: 1, ..options });
        self.deliver();
    }

    /// Sets what happens between a failed label write and its retry. Without a hook a failed
    /// write waits until `retry_labels`.
    pub fn on_label_retry(&mut self, hook: impl FnMut(&mut App) + 'static) {
        self.on_retry = Some(Box::new(hook));
    }

    /// Tries failed label writes again.
    pub fn retry_labels(&mut self) {
        self.executor.retry_labels();
        self.deliver();
    }

    /// Sends one message and carries out every effect it causes, feeding results back, until
    /// quiet.
    pub fn dispatch(&mut self, msg: Msg) {
        let effects = self.app.update(msg).effects;
        self.run_effects(effects);
    }

    /// Carries out effects (as the runtime would), then delivers what they produce.
    pub fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.executor.submit(effect);
        }
        self.deliver();
    }

    /// Delivers queued results until nothing more happens, retrying failed label writes
    /// through the hook.
    fn deliver(&mut self) {
        loop {
            let mut queue: VecDeque<Msg> = self.executor.take_messages().into();
            while let Some(msg) = queue.pop_front() {
                for effect in self.app.update(msg).effects {
                    self.executor.submit(effect);
                }
                queue.extend(self.executor.take_messages());
            }
            match &mut self.on_retry {
                Some(hook) if self.executor.labels_waiting() => {
                    hook(&mut self.app);
                    self.executor.retry_labels();
                }
                _ => return,
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

    /// Draws a frame as the runtime does (keeping the hit map for the mouse).
    pub fn draw(&mut self) -> Buffer {
        draw(&mut self.app)
    }
}

fn blank_app(width: u16, height: u16) -> App {
    let mut app = App::new(Settings { color: false, ..Settings::default() }, Keymap::default());
    app.update(Msg::Resize(width, height));
    app
}

/// Draws a frame of the app at its size on a test backend, as the runtime does.
///
/// # Panics
/// If the test backend cannot draw (it always can).
pub fn draw(app: &mut App) -> Buffer {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
    let mut hits = Default::default();
    terminal.draw(|f| hits = ui::render(app, f)).unwrap_or_else(|e| panic!("{e}"));
    app.hits = hits;
    terminal.backend().buffer().clone()
}

/// Draws a frame of the app on a test backend without keeping the hit map (for looking).
///
/// # Panics
/// If the test backend cannot draw (it always can).
pub fn render(app: &App) -> Buffer {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|f| {
            ui::render(app, f);
        })
        .unwrap_or_else(|e| panic!("{e}"));
    terminal.backend().buffer().clone()
}

/// The screen as text: one line per row, a wide character once (it covers the next cell),
/// trailing spaces cut.
pub fn screen_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let row = |y: u16| {
        let mut line = String::new();
        let mut x = 0;
        while x < area.width {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
        }
        line.trim_end().to_string()
    };
    (0..area.height).map(row).collect::<Vec<_>>().join("\n")
}

/// The demo study without a label store.
pub fn demo_app(width: u16, height: u16) -> App {
    Session::demo(width, height, None).app
}

/// Presses keys on an app without a label store.
pub fn press(app: &mut App, keys: &str) {
    let mut session = Session::new(std::mem::replace(app, blank_app(1, 1)));
    session.press(keys);
    *app = session.app;
}
