//! Something that could not be read: a value shown to the user, never a panic.

use std::fmt;

/// Whether the rest of the file still loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
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

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
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
        write!(f, ": {}: {}", self.severity.name(), self.message)
    }
}

impl Problem {
    /// Where in its file: `entry:line:column`, any part that is known (empty when none is).
    pub fn place(&self) -> String {
        let mut place = self.entry.clone().unwrap_or_default();
        if let Some(line) = self.line {
            if !place.is_empty() {
                place.push(':');
            }
            place.push_str(&line.to_string());
            if let Some(column) = self.column {
                place.push_str(&format!(":{column}"));
            }
        }
        place
    }
}

/// Problems of one kind in one file, shown as one row: the first of them and how many.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group<'a> {
    pub first: &'a Problem,
    pub count: usize,
}

/// Groups problems of one kind: the same file, severity and message once the numbers and the
/// quoted values in it are left out (`bad score row: "x" is not a number` on 1,120 rows is one
/// kind). Groups are in the order of their first problem. Nothing is dropped: the counts add up
/// to `problems.len()`, and `validate --json` still lists every problem.
pub fn group(problems: &[Problem]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: std::collections::HashMap<(&str, Severity, String), usize> = Default::default();
    for problem in problems {
        let key = (problem.path.as_str(), problem.severity, shape(&problem.message));
        match index.get(&key) {
            Some(&i) => groups[i].count += 1,
            None => {
                index.insert(key, groups.len());
                groups.push(Group { first: problem, count: 1 });
            }
        }
    }
    groups
}

/// A message with each run of digits written `#` and each quoted or backticked value `…`.
fn shape(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => {
                while chars.next_if(char::is_ascii_digit).is_some() {}
                out.push('#');
            }
            '"' | '`' => {
                let mut escaped = false;
                for inner in chars.by_ref() {
                    if inner == c && !escaped {
                        break;
                    }
                    escaped = c == '"' && inner == '\\' && !escaped;
                }
                out.push('…');
            }
            _ => out.push(c),
        }
    }
    out
}

impl Group<'_> {
    /// The row without the file's path (`validate` prints it once above its problems): a lone
    /// problem as `line:column: severity: message`, a group as `1,120 rows, first at
    /// line:column: severity: message`. Only the message's first line.
    pub fn in_file(&self) -> String {
        let p = self.first;
        let message = p.message.lines().next().unwrap_or("");
        let place = p.place();
        let head = match (self.count, place.is_empty()) {
            (1, true) => String::new(),
            (1, false) => format!("{place}: "),
            (n, true) => format!("{} times: ", thousands(n)),
            (n, false) => format!("{} rows, first at {place}: ", thousands(n)),
        };
        format!("{head}{}: {message}", p.severity.name())
    }
}

impl fmt::Display for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 1 {
            return self.first.fmt(f);
        }
        write!(f, "{}: {}", self.first.path, self.in_file())
    }
}

/// `1,120`: a count as people read it.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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

    #[test]
    fn problems_of_one_kind_in_one_file_are_one_group_that_counts_them() {
        let mut problems: Vec<Problem> = (1..=1120)
            .map(|line| {
                Problem::at("t.jsonl", line, 14, format!("message {} has no role", line % 3)).warning()
            })
            .collect();
        problems.insert(1, Problem::at("t.jsonl", 2, 1, "bad score row: \"high\" is not a number").warning());
        problems.push(Problem::at("t.jsonl", 9, 1, "bad score row: \"a \\\" b\" is not a number").warning());
        problems.push(Problem::at("u.jsonl", 1, 14, "message 1 has no role").warning());
        problems.push(Problem::file("t.jsonl", "message 1 has no role"));
        let groups = group(&problems);
        let counts: Vec<(usize, &str)> = groups.iter().map(|g| (g.count, g.first.path.as_str())).collect();
        assert_eq!(counts, [(1120, "t.jsonl"), (2, "t.jsonl"), (1, "u.jsonl"), (1, "t.jsonl")]);
        assert_eq!(groups.iter().map(|g| g.count).sum::<usize>(), problems.len());
        assert_eq!(groups[0].in_file(), "1,120 rows, first at 1:14: warning: message 1 has no role");
        assert_eq!(
            groups[0].to_string(),
            "t.jsonl: 1,120 rows, first at 1:14: warning: message 1 has no role"
        );
        assert_eq!(
            groups[2].to_string(),
            "u.jsonl:1:14: warning: message 1 has no role",
            "one is shown as itself"
        );
        assert_eq!(groups[3].in_file(), "error: message 1 has no role");
        let unplaced = [Problem::file("a", "x 1"), Problem::file("a", "x 2")];
        assert_eq!(group(&unplaced)[0].in_file(), "2 times: error: x 1");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1120), "1,120");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
