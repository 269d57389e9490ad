//! Something that could not be read: a value shown to the user, never a panic.

use std::fmt;

/// Whether the rest of the file still loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Part of a file was skipped (one bad line); the rest loaded.
    Warning,
    /// A whole file (or archive entry) could not be read.
    Error,
}

/// One problem with its place: file, and line:column or archive entry when known.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub path: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// Zip entry inside an archive (Inspect `.eval`).
    pub entry: Option<String>,
    pub severity: Severity,
    pub message: String,
}

impl Problem {
    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            line: None,
            column: None,
            entry: None,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn at(path: impl Into<String>, line: u64, column: u64, message: impl Into<String>) -> Problem {
        Problem { line: Some(line), column: Some(column), ..Problem::file(path, message) }
    }

    pub fn warning(mut self) -> Problem {
        self.severity = Severity::Warning;
        self
    }

    pub fn in_entry(mut self, entry: impl Into<String>) -> Problem {
        self.entry = Some(entry.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(entry) = &self.entry {
            write!(f, "!{entry}")?;
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, ":{l}:{c}")?,
            (Some(l), None) => write!(f, ":{l}")?,
            _ => {}
        }
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, ": {kind}: {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_column() {
        let p = Problem::at("a/b.jsonl", 3, 17, "expected `,`").warning();
        assert_eq!(p.to_string(), "a/b.jsonl:3:17: warning: expected `,`");
        let q = Problem::file("x.eval", "truncated").in_entry("samples/1_epoch_1.json");
        assert_eq!(q.to_string(), "x.eval!samples/1_epoch_1.json: error: truncated");
    }
}
