//! The terminal and the threads: an input thread, the executor's workers, and one loop that
//! drains every queued message into `App::update`, hands effects to the executor, and draws
//! only when something changed.

pub mod executor;
pub mod input;
pub mod labels;
pub mod outbox;

use std::io::stdout;
use std::sync::mpsc::{self, Receiver};

use anyhow::{Context, Result};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

pub use executor::{Executor, LabelsInput, StudyInput};

use crate::app::{App, Effect, Msg};
use crate::load::LoadOptions;
use crate::ui;

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
        app.update(Msg::Resize(size.width, size.height));
        let (tx, rx) = mpsc::channel();
        input::spawn_input(tx.clone());
        let mut executor = Executor::threaded(tx);
        executor.open_labels(labels);
        executor.load(input, options);
        event_loop(&mut app, &mut terminal, &rx, &mut executor)
    })();
    ratatui::restore();
    result
}

fn event_loop(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    rx: &Receiver<Msg>,
    executor: &mut Executor,
) -> Result<()> {
    draw(app, terminal)?;
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
                    other => executor.submit(other),
                }
            }
        }
        if changed {
            draw(app, terminal)?;
        }
    }
}

/// Draws a frame and keeps what it drew where, for the mouse.
fn draw(app: &mut App, terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    let mut hits = Default::default();
    terminal.draw(|f| hits = ui::render(app, f)).context("cannot draw")?;
    app.hits = hits;
    Ok(())
}
