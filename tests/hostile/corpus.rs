//! The hostile corpus: every kind of bad input issue 9 names, written into a temporary folder
//! with what must load from each file and which problems (with their positions) must appear.
//!
//! Nothing here is random at run time: "random" bytes come from a fixed xorshift seed, so a
//! failure always reproduces.

use std::path::{Path, PathBuf};

#[path = "corpus/cases.rs"]
mod cases;
#[path = "corpus/content.rs"]
mod content;

use content::write_labels;
// Each test crate uses some of these.
#[allow(unused_imports)]
pub use content::{hostile_rollout, set_mode};

/// Strings a model could write to attack the terminal or the layout, by name.
pub const HOSTILE: &[(&str, &str)] = &[
    ("csi-clear", "\x1b[2J\x1b[H"),
    ("sgr", "\x1b[31;1mred\x1b[0m"),
    ("osc52-clipboard", "\x1b]52;c;cm0gLXJmIH4=\x07"),
    ("osc8-link", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
    ("osc-title", "\x1b]0;pwned\x1b\\"),
    ("dcs", "\x1bP+q544e\x1b\\"),
    ("apc-pm-sos", "\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\"),
    ("c1-csi", "\u{9b}2J\u{9b}31m"),
    ("c1-osc", "\u{9d}52;c;AAAA\u{9c}"),
    ("c1-all", "\u{80}\u{85}\u{8d}\u{90}\u{9f}"),
    ("c0", "a\0b\x07c\x08d\x0be\x0cf\x0eg\x0fh\x1bi\x1fj"),
    ("del", "x\x7fy"),
    ("cr", "visible\rHIDDEN"),
    ("crlf-and-tabs", "a\r\nb\tc\t\td"),
    ("rlo", "invoice\u{202e}fdp.exe"),
    ("bidi-embeddings", "\u{202a}a\u{202b}b\u{202c}c\u{202d}d\u{202e}e"),
    ("bidi-isolates", "\u{2066}a\u{2067}b\u{2068}c\u{2069}"),
    ("bidi-marks", "x\u{200e}y\u{200f}z\u{61c}w"),
    ("invisible", "a\u{200b}b\u{feff}c\u{2060}d\u{2061}e"),
    ("separators", "a\u{2028}b\u{2029}c\u{85}d"),
    ("annotation", "\u{fff9}x\u{fffa}y\u{fffb}"),
    // Unicode tag characters: invisible, and an ASCII text can be spelled in them.
    ("tag-chars", "a\u{e0001}\u{e0069}\u{e0067}\u{e006e}\u{e006f}\u{e0072}\u{e0065}\u{e007f}b"),
    ("cjk", "世界こんにちは한국어漢字"),
    ("emoji-zwj", "👩\u{200d}👩\u{200d}👧\u{200d}👦🏳\u{fe0f}\u{200d}🌈❤\u{fe0f}👍🏽"),
    ("combining", "e\u{301}\u{302}\u{303}Z\u{336}\u{337}\u{338}a\u{20dd}"),
    ("fullwidth", "ＡＢＣ１２３"),
];

/// Characters that must never be in a rendered cell: C0 (newline and tab included: a cell is
/// one line), DEL, C1, bidi controls, and the invisible format characters the sanitiser turns
/// into placeholders (Unicode tag characters among them).
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

/// Text that may reach a terminal: no control (but newlines) and no bidi or invisible format
/// character.
pub fn assert_terminal_safe(text: &str, what: &str) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| *c != '\n' && forbidden(*c)) {
        let start = (0..=i.saturating_sub(40)).rev().find(|b| text.is_char_boundary(*b)).unwrap_or(0);
        let around: String = text[start..].chars().take(60).collect();
        panic!("{what}: {c:?} would reach the terminal near {around:?}");
    }
}

/// Cells a spreadsheet would run as formulas (or that start like one), by name.
pub const FORMULAS: &[(&str, &str)] = &[
    ("equals", "=HYPERLINK(\"https://evil.example\",\"click\")"),
    ("plus", "+1+cmd|' /C calc'!A0"),
    ("minus", "-2+3"),
    ("at", "@SUM(A1:A9)"),
    ("tab", "\t=1+1"),
    ("cr", "\r=1+1"),
];

/// All hostile strings in one.
pub fn all_hostile() -> String {
    HOSTILE.iter().map(|(_, s)| *s).collect::<Vec<_>>().join(" | ")
}

/// A problem that must be reported: its line and column (`None`: the whole file, or not
/// pinned) and a piece of its message.
#[derive(Debug, Clone)]
pub struct Expected {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub contains: &'static str,
}

fn at(line: u64, column: u64, contains: &'static str) -> Expected {
    Expected { line: Some(line), column: Some(column), contains }
}

fn on_line(line: u64, contains: &'static str) -> Expected {
    Expected { line: Some(line), column: None, contains }
}

fn whole(contains: &'static str) -> Expected {
    Expected { line: None, column: None, contains }
}

/// One file of the corpus and what loading it alone must give.
#[derive(Debug, Clone)]
pub struct FileCase {
    /// Path relative to the corpus root (the name may itself be hostile).
    pub rel: PathBuf,
    /// Ids that load, in order (exactly these).
    pub ids: Vec<String>,
    /// Problems that must be reported (exactly this many, each matching one of these).
    pub problems: Vec<Expected>,
    /// Problems to skip checking: set for `chmod 000` when running as root (see `privileged`).
    pub skip_problems: bool,
}

/// The generated corpus.
pub struct Corpus {
    _tmp: tempfile::TempDir,
    /// The folder holding every rollout file (walked by the loader).
    pub root: PathBuf,
    /// A labels folder outside the root, with a hand-broken line and hostile labels.
    pub labels: PathBuf,
    pub files: Vec<FileCase>,
    /// `chmod 000` does not stop this process from reading (it runs as root or with
    /// CAP_DAC_OVERRIDE): the unreadable-file assertion is skipped.
    pub privileged: bool,
}

impl Corpus {
    pub fn path(&self, case: &FileCase) -> PathBuf {
        self.root.join(&case.rel)
    }

    pub fn case(&self, rel: &str) -> &FileCase {
        self.files.iter().find(|c| c.rel == Path::new(rel)).unwrap_or_else(|| panic!("no case {rel}"))
    }

    /// Every regular file under the root and the labels folder (symlinks not followed), for
    /// hashing before and after.
    pub fn all_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        collect_files(&self.root, &mut out);
        out.sort();
        out
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            collect_files(&path, out);
        } else if meta.is_file() {
            out.push(path);
        }
    }
}

/// Collects the corpus's files and what is expected of each.
pub struct Builder {
    pub root: PathBuf,
    pub files: Vec<FileCase>,
}

impl Builder {
    /// Writes a file and records the ids that must load from it and the problems it must give.
    pub fn add(&mut self, rel: &str, bytes: &[u8], ids: Vec<String>, problems: Vec<Expected>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        self.files.push(FileCase { rel: PathBuf::from(rel), ids, problems, skip_problems: false });
    }
}

/// Owned ids.
pub fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Writes the corpus.
pub fn generate() -> Corpus {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    let labels = tmp.path().join("labels");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&labels).unwrap();
    let mut b = Builder { root: root.clone(), files: Vec::new() };
    cases::failing_wholes(&mut b);
    cases::terminal_attacks(&mut b);
    cases::bad_files(&mut b);
    cases::deep_empty_and_binary(&mut b);
    cases::duplicates_and_huge(&mut b);
    cases::inspect_logs(&mut b);
    cases::links(&mut b);
    let mut files = b.files;

    // The unreadable file last: chmod 000.
    let unreadable = root.join("0-unreadable.jsonl");
    set_mode(&unreadable, 0o000);
    let privileged = std::fs::File::open(&unreadable).is_ok();
    if privileged {
        // Running as root (or with CAP_DAC_OVERRIDE): chmod does not block reading, so this
        // file loads like any other and its "Permission denied" cannot be checked here.
        let case = files.iter_mut().find(|c| c.rel == Path::new("0-unreadable.jsonl")).unwrap();
        case.ids = ids(&["secret"]);
        case.skip_problems = true;
    }

    write_labels(&labels);
    Corpus { _tmp: tmp, root, labels, files, privileged }
}
