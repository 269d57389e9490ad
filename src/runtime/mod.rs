//! The terminal and the threads: an input thread, the executor's workers, and one loop that
//! drains every queued message into `App::update`, hands effects to the executor, and draws
//! only when something changed.

pub mod executor;
mod follow;
pub mod input;
pub mod labels;
pub mod outbox;
pub mod terminal;

use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use terminal::MouseCapture;

pub use executor::{Executor, LabelsInput, StudyInput};
pub use follow::torn_at_quit;

use crate::app::{App, Effect, Msg};
use crate::load::LoadOptions;
use crate::ui;

/// How the app ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The user quit.
    Quit,
    /// A signal ended it (exit status 128 + `signal`); `unsaved` lists the label changes that
    /// could not be written in time.
    Signal { signal: i32, unsaved: Vec<String> },
}

/// How long a terminating signal waits for label writes still in flight.
const FLUSH_WAIT: Duration = Duration::from_secs(2);

/// Runs the app until the user quits or a signal ends it. The terminal is restored on every
/// exit path: normal return, error, panic (ratatui's hook), and signals.
pub fn run(mut app: App, input: StudyInput, options: LoadOptions, labels: LabelsInput) -> Result<Ending> {
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
        app.update(Msg::Resize(size.width, size.height));
        let (tx, rx) = mpsc::channel();
        terminal::spawn_signals(tx.clone())?;
        input::spawn_input(tx.clone());
        let mut executor = Executor::threaded(tx);
        executor.open_labels(labels);
        executor.load(input, options);
        event_loop(&mut app, &mut terminal, &rx, &mut executor)
    })();
    terminal::release();
    result
}

fn event_loop(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    rx: &Receiver<Msg>,
    executor: &mut Executor,
) -> Result<Ending> {
    draw(app, terminal)?;
    loop {
        let Ok(first) = rx.recv() else { return Ok(Ending::Quit) };
        let mut changed = false;
        let mut pending = Some(first);
        while let Some(msg) = pending.take().or_else(|| rx.try_recv().ok()) {
            let outcome = app.update(msg);
            changed |= outcome.changed;
            for effect in outcome.effects {
                match effect {
                    Effect::Quit => return Ok(Ending::Quit),
                    Effect::Exit { signal } => {
                        let unsaved = flush_labels(app, rx);
                        return Ok(Ending::Signal { signal, unsaved });
                    }
                    Effect::Suspend => {
                        terminal::suspend(terminal)?;
                        changed = true;
                    }
                    Effect::Clipboard(text) => {
                        // Nothing to redraw: the sequence draws nothing.
                        let _ = terminal::copy_to_clipboard(&text);
                    }
                    Effect::Redraw => {
                        terminal::retake(terminal)?;
                        changed = true;
                    }
                    other => executor.submit(other),
                }
            }
        }
        if changed {
            draw(app, terminal)?;
        }
    }
}

/// Waits (at most `FLUSH_WAIT`) for label writes in flight; returns those still not saved.
fn flush_labels(app: &mut App, rx: &Receiver<Msg>) -> Vec<String> {
    let deadline = Instant::now() + FLUSH_WAIT;
    // Read-only labels are never written: nothing to wait for.
    while app.labels.unsaved > 0 && app.labels.read_only.is_none() {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
        match rx.recv_timeout(left) {
            Ok(msg @ (Msg::LabelWritten(_) | Msg::LabelsReadOnly(_))) => {
                app.update(msg);
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    app.labels.in_flight.iter().cloned().collect()
}

/// Draws a frame and keeps what it drew where, for the mouse.
fn draw(app: &mut App, terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    let mut hits = Default::default();
    terminal.draw(|f| hits = ui::render(app, f)).context("cannot draw")?;
    app.hits = hits;
    Ok(())
}
