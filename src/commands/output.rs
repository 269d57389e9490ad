//! The one gate between the commands and the terminal: every byte a command prints goes
//! through here (a test fails on a `println!` or a `std::io::stdout()` anywhere else in
//! `commands`, `cli` or `main`).
//!
//! - Text for a person (tables, summaries, notes, errors) is sanitised always, piped or not:
//!   `ls . | head` ends at the terminal too.
//! - JSON is always escaped (`sanitize::json`): the same JSON, with nothing a terminal obeys.
//! - `export` data goes to a file or a pipe as it is; on a terminal it is sanitised line by line.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::sanitize;

/// Standard output for a command's text and JSON.
pub struct Output {
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

impl Output {
    pub fn stdout() -> Output {
        Output { out: std::io::BufWriter::new(std::io::stdout().lock()) }
    }

    /// Writes a line of text that may contain strings from files, sanitised. It stays one
    /// line: a newline or CR inside an id or a file name is shown (`⏎`, `␍`), not obeyed.
    pub fn line(&mut self, text: &str) -> Result<()> {
        writeln!(self.out, "{}", sanitize::clean(text)).context("cannot write to stdout")
    }

    /// Writes JSON text (or the punctuation between streamed values), escaped.
    pub fn json_text(&mut self, text: &str) -> Result<()> {
        self.out.write_all(sanitize::json::escape(text).as_bytes()).context("cannot write to stdout")
    }

    /// Writes `value` as indented JSON, escaped, and a newline.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let text = sanitize::json::to_string_pretty(value).context("cannot write JSON")?;
        writeln!(self.out, "{text}").context("cannot write to stdout")
    }

    /// Sends what is written so far (a line another process waits for).
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().context("cannot write to stdout")
    }

    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }
}

/// Rows of cells as aligned text lines: the first column left-aligned, the others right-aligned,
/// two spaces apart. Each cell is sanitised first, so a category or a group value holding a
/// control character keeps the columns straight once `Output::line` prints the line.
pub fn columns(rows: &[Vec<String>]) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let cells: Vec<Vec<Cow<'_, str>>> =
        rows.iter().map(|row| row.iter().map(|cell| sanitize::clean(cell)).collect()).collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &cells {
        for (i, cell) in row.iter().enumerate() {
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(cell.width()),
                None => widths.push(cell.width()),
            }
        }
    }
    cells
        .iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
                if i == 0 {
                    line.push_str(cell);
                    line.push_str(&pad);
                } else {
                    line.push_str("  ");
                    line.push_str(&pad);
                    line.push_str(cell);
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// A table printed as it streams: column widths are those of the header and the first rows
/// measured (`MEASURED`), a longer value later is cut with `…`, the last column is never cut,
/// and a column empty (or `-`) in every measured row is left out.
pub struct Table {
    /// Per column: width, right-aligned, shown.
    columns: Vec<(usize, bool, bool)>,
}

impl Table {
    /// Rows measured for the widths.
    pub const MEASURED: usize = 1000;

    /// `right`: which columns are right-aligned (numbers).
    pub fn measure(header: &[&str], right: &[bool], rows: &[Vec<String>]) -> Table {
        use unicode_width::UnicodeWidthStr;
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let cells = || rows.iter().take(Self::MEASURED).filter_map(|r| r.get(i));
                let shown = cells().any(|c| !c.is_empty() && c != "-");
                let width = cells().map(|c| sanitize::clean(c).width()).max().unwrap_or(0).max(name.width());
                (width, right.get(i).copied().unwrap_or(false), shown)
            })
            .collect();
        Table { columns }
    }

    /// Shows these columns even when every measured row leaves them empty.
    pub fn show(&mut self, columns: &[usize]) {
        for i in columns {
            if let Some(c) = self.columns.get_mut(*i) {
                c.2 = true;
            }
        }
    }

    /// One row as a line: cells sanitised, padded or cut to their column, two spaces apart.
    pub fn line<S: AsRef<str>>(&self, cells: &[S]) -> String {
        use unicode_width::UnicodeWidthStr;
        let last = self.columns.iter().rposition(|c| c.2).unwrap_or(0);
        let mut parts = Vec::new();
        for (i, (cell, (width, right, shown))) in cells.iter().zip(&self.columns).enumerate() {
            if !shown {
                continue;
            }
            let mut text = sanitize::clean(cell.as_ref()).into_owned();
            if i == last {
                parts.push(if *right { format!("{text:>width$}") } else { text });
                continue;
            }
            if text.width() > *width {
                text = cut(&text, *width);
            }
            let pad = " ".repeat(width.saturating_sub(text.width()));
            parts.push(if *right { format!("{pad}{text}") } else { format!("{text}{pad}") });
        }
        parts.join("  ").trim_end().to_string()
    }
}

/// Text cut to `width` columns, ending with `…`.
fn cut(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A line on stderr (a problem, a warning, a note), sanitised.
pub fn warn(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", sanitize::clean(text));
}

/// Whether standard output is a terminal (a binary export is refused there).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Where `export` writes its data when no file is given: standard output as it is when that is
/// a pipe or a file, sanitised line by line when it is a terminal.
pub fn data_stdout() -> Box<dyn Write> {
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        Box::new(TerminalText::new(std::io::BufWriter::new(stdout.lock())))
    } else {
        Box::new(std::io::BufWriter::new(stdout.lock()))
    }
}

/// A writer that passes each complete line through `sanitize::clean` (a CR before the newline
/// dropped), keeping the newlines: data made readable for a terminal, never obeyed by it.
pub struct TerminalText<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> TerminalText<W> {
    pub fn new(inner: W) -> TerminalText<W> {
        TerminalText { inner, pending: Vec::new() }
    }

    fn write_line(&mut self, line: &[u8]) -> std::io::Result<()> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        self.inner.write_all(sanitize::clean(&String::from_utf8_lossy(line)).as_bytes())
    }
}

impl<W: Write> Write for TerminalText<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            if self.pending.is_empty() {
                self.write_line(&rest[..end])?;
            } else {
                self.pending.extend_from_slice(&rest[..end]);
                let line = std::mem::take(&mut self.pending);
                self.write_line(&line)?;
            }
            self.inner.write_all(b"\n")?;
            rest = &rest[end + 1..];
        }
        self.pending.extend_from_slice(rest);
        Ok(buf.len())
    }

    /// Writes out a partial last line too (sanitised the same way), then flushes.
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.write_line(&line)?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_after_sanitising_each_cell() {
        let rows = vec![
            vec!["group".to_string(), "none".into(), "de\x1bspair".into()],
            vec!["harsh_tone".to_string(), "12".into(), "3".into()],
            vec!["世界".to_string(), "140".into(), "".into()],
        ];
        assert_eq!(
            columns(&rows),
            ["group       none  de␛spair", "harsh_tone    12         3", "世界         140"]
        );
    }

    #[test]
    fn terminal_text_sanitises_each_line_and_keeps_the_line_breaks() {
        let mut out = TerminalText::new(Vec::new());
        // A line split across writes, inside a UTF-8 character and an escape sequence.
        let data = "a,\"two\nlines\x1b]0;t\x07\"\r\nb,世\u{9b}2J\n";
        let (head, tail) = data.as_bytes().split_at(24);
        out.write_all(head).unwrap();
        out.write_all(tail).unwrap();
        out.write_all(b"last\x1b[2J").unwrap();
        out.flush().unwrap();
        let text = String::from_utf8(out.inner).unwrap();
        assert_eq!(text, "a,\"two\nlines␛]0;t␇\"\nb,世\\u{009b}2J\nlast␛[2J");
    }
}
