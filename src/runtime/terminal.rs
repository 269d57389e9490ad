//! Taking the terminal and giving it back: raw mode, the alternate screen and mouse reporting
//! on while the app runs; all three off again on every way out — quit, error, panic (ratatui's
//! hook), a terminating signal, and Ctrl-z / SIGTSTP (taken again on SIGCONT).

use std::io::stdout;
use std::sync::mpsc::Sender;
use std::thread;

use anyhow::{Context, Result};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;

use crate::app::{Msg, Signal};

/// Mouse capture on for the lifetime of the guard (also released when a panic unwinds).
pub struct MouseCapture;

impl MouseCapture {
    pub fn enable() -> MouseCapture {
        let _ = execute!(stdout(), EnableMouseCapture);
        MouseCapture
    }
}

impl Drop for MouseCapture {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
    }
}

/// Turns the signals the app answers into messages. Once these are caught, none of them ends
/// or stops the process by itself: the event loop does, after putting the terminal back.
pub fn spawn_signals(tx: Sender<Msg>) -> Result<()> {
    let mut signals =
        Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT]).context("cannot catch signals")?;
    thread::spawn(move || {
        for number in signals.forever() {
            let signal = match number {
                SIGTSTP => Signal::Stop,
                SIGCONT => Signal::Continued,
                n => Signal::Terminate(n),
            };
            if tx.send(Msg::Signal(signal)).is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// Gives the terminal back: mouse reporting off, alternate screen left, cooked mode.
pub fn release() {
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
}

/// Gives the terminal back and stops the process as SIGTSTP would; returns once continued,
/// with the terminal taken again.
pub fn suspend(terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    release();
    signal_hook::low_level::emulate_default_handler(SIGTSTP).context("cannot stop")?;
    retake(terminal)
}

/// Takes the terminal again (after being stopped, or after SIGCONT) and forces a full redraw.
pub fn retake(terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    enable_raw_mode().context("cannot set up the terminal")?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture).context("cannot set up the terminal")?;
    // Not `clear()`: it asks the terminal for the cursor position, a reply the input thread
    // would swallow. Resizing clears the screen and the last frame without asking.
    let size = terminal.size().context("cannot read the terminal size")?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height)).context("cannot draw")
}

/// Leaves the alternate screen (used when the first set-up fails halfway).
pub fn leave_screen() {
    let _ = execute!(stdout(), LeaveAlternateScreen);
    let _ = disable_raw_mode();
}

/// Asks the terminal to put `text` on the clipboard (OSC 52). The text is the app's own
/// (control characters already removed); a terminal that does not allow it ignores it.
pub fn copy_to_clipboard(text: &str) -> Result<()> {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = stdout().lock();
    write!(out, "\x1b]52;c;{encoded}\x07").context("cannot write to the terminal")?;
    out.flush().context("cannot write to the terminal")
}
