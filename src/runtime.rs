//! The terminal and the threads: an input thread, the loader, an effect worker, and one loop
//! that drains every queued message into `App::update` and draws only when something changed.

use std::io::stdout;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
    MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;

use crate::app::effects::LabelStore;
use crate::app::keys::{Key, KeyPress};
use crate::app::{App, Effect, Mouse, Msg, effects};
use crate::load::{self, LoadOptions};
use crate::model::LabelRecord;
use crate::study::{DEMO_BYTES, DEMO_NAME};
use crate::ui;

/// Where labels go.
pub struct LabelsInput {
    pub dir: PathBuf,
    pub annotator: String,
}

/// What to load once the screen is up.
pub enum StudyInput {
    Paths(Vec<PathBuf>),
    Demo,
}

/// Mouse capture on for the lifetime of the guard (also released when a panic unwinds).
struct MouseCapture;

impl MouseCapture {
    fn enable() -> MouseCapture {
        let _ = execute!(stdout(), EnableMouseCapture);
        MouseCapture
    }
}

impl Drop for MouseCapture {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
    }
}

/// Runs the app until the user quits. The terminal is restored on every exit path: normal
/// return, error, and panic (ratatui's hook).
pub fn run(mut app: App, input: StudyInput, options: LoadOptions, labels: LabelsInput) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the app needs a terminal; for scripts use a subcommand (ls, stats, agree, export, validate; --help lists them)"
        );
    }
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let result = (|| {
        let _mouse = MouseCapture::enable();
        let size = terminal.size().context("cannot read the terminal size")?;
        app.size = (size.width, size.height);
        let (tx, rx) = mpsc::channel();
        spawn_input(tx.clone());
        spawn_loader(tx.clone(), input, options);
        let worker = spawn_effect_worker(tx.clone(), labels);
        event_loop(&mut app, &mut terminal, &rx, &worker, &tx)
    })();
    ratatui::restore();
    result
}

fn event_loop(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    rx: &Receiver<Msg>,
    worker: &EffectWorker,
    tx: &Sender<Msg>,
) -> Result<()> {
    terminal.draw(|f| ui::render(app, f)).context("cannot draw")?;
    loop {
        let Ok(first) = rx.recv() else { return Ok(()) };
        let mut changed = false;
        let mut pending = Some(first);
        while let Some(msg) = pending.take().or_else(|| rx.try_recv().ok()) {
            let outcome = app.update(msg);
            changed |= outcome.changed;
            for effect in outcome.effects {
                match effect {
                    Effect::Quit => return Ok(()),
                    other => worker.submit(other, tx),
                }
            }
        }
        if changed {
            terminal.draw(|f| ui::render(app, f)).context("cannot draw")?;
        }
    }
}

fn spawn_input(tx: Sender<Msg>) {
    thread::spawn(move || {
        while let Ok(event) = event::read() {
            let msg = match event {
                Event::Key(key) if key.kind != KeyEventKind::Release => match key_press(key) {
                    Some(k) => Msg::Key(k),
                    None => continue,
                },
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::Down(MouseButton::Left) => {
                        Msg::Mouse(Mouse::Click { column: m.column, row: m.row })
                    }
                    MouseEventKind::ScrollUp => Msg::Mouse(Mouse::ScrollUp { column: m.column, row: m.row }),
                    MouseEventKind::ScrollDown => {
                        Msg::Mouse(Mouse::ScrollDown { column: m.column, row: m.row })
                    }
                    _ => continue,
                },
                Event::Resize(w, h) => Msg::Resize(w, h),
                _ => continue,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
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

fn spawn_loader(tx: Sender<Msg>, input: StudyInput, options: LoadOptions) {
    thread::spawn(move || {
        let sink = |event| {
            let _ = tx.send(Msg::Load(event));
        };
        match input {
            StudyInput::Paths(paths) => load::load_paths(&paths, &options, &sink),
            StudyInput::Demo => load::load_embedded(DEMO_NAME, DEMO_BYTES, &options, &sink),
        }
    });
}

/// Runs effects off the UI thread: reads in order on one worker; label writes in order on
/// another (a failing write is retried there, so reads go on); each search on its own thread,
/// cancelled as soon as a newer search starts.
struct EffectWorker {
    reads: Sender<Effect>,
    writes: Sender<LabelRecord>,
    latest_search: Arc<AtomicU64>,
}

/// How long to wait before retrying a failed label write (full disk, lost mount).
const RETRY_AFTER: Duration = Duration::from_secs(2);

fn spawn_label_writer(tx: Sender<Msg>, labels: LabelsInput) -> Sender<LabelRecord> {
    let (writes, records) = mpsc::channel::<LabelRecord>();
    thread::spawn(move || {
        let (mut store, opened) = LabelStore::open(&labels.dir, &labels.annotator);
        if tx.send(Msg::LabelsOpened(opened)).is_err() {
            return;
        }
        for record in records {
            loop {
                let result = store.write(record.clone());
                let ok = result.is_ok();
                if tx.send(Msg::LabelWritten(result)).is_err() {
                    return;
                }
                if ok {
                    break;
                }
                thread::sleep(RETRY_AFTER);
            }
        }
    });
    writes
}

fn spawn_effect_worker(tx: Sender<Msg>, labels: LabelsInput) -> EffectWorker {
    let writes = spawn_label_writer(tx.clone(), labels);
    let (reads, jobs) = mpsc::channel::<Effect>();
    thread::spawn(move || {
        for effect in jobs {
            if let Some(msg) = effects::perform(effect, &|| false)
                && tx.send(msg).is_err()
            {
                return;
            }
        }
    });
    EffectWorker { reads, writes, latest_search: Arc::new(AtomicU64::new(0)) }
}

impl EffectWorker {
    fn submit(&self, effect: Effect, tx: &Sender<Msg>) {
        match effect {
            Effect::Search { generation, .. } => {
                self.latest_search.store(generation, Ordering::SeqCst);
                let latest = self.latest_search.clone();
                let tx = tx.clone();
                let Effect::Search { query, plan, .. } = effect else { return };
                thread::spawn(move || {
                    let cancelled = || latest.load(Ordering::SeqCst) != generation;
                    let progress = std::sync::Mutex::new(tx.clone());
                    crate::search::search_streaming(&plan, &query, &cancelled, &|hits| {
                        if let Ok(tx) = progress.lock() {
                            let _ = tx.send(Msg::SearchProgress { generation, hits });
                        }
                    });
                    let _ = tx.send(Msg::SearchDone { generation, hits: Vec::new() });
                });
            }
            Effect::ComputeStats { .. } => {
                // Seconds on a large study: never in the way of reads or keys.
                let tx = tx.clone();
                thread::spawn(move || {
                    if let Some(msg) = effects::perform(effect, &|| false) {
                        let _ = tx.send(msg);
                    }
                });
            }
            Effect::WriteLabel(record) => {
                let _ = self.writes.send(record);
            }
            other => {
                let _ = self.reads.send(other);
            }
        }
    }
}
