//! Issue 9: no panic, no escape sequence reaches the terminal, nothing lost. The corpus
//! (`hostile/corpus.rs`) writes every kind of bad input into a temporary folder; these tests
//! load it file by file and whole, through the library and the real binary, render every
//! hostile string through the real render path, and check the files are never written.
#![allow(clippy::unwrap_used)]

#[path = "hostile/corpus.rs"]
mod corpus;
#[path = "hostile/labels.rs"]
mod labels;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use corpus::{Corpus, Expected, FileCase};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use rollscope::app::Pane;
use rollscope::app::harness::Session;
use rollscope::load::LoadOptions;
use rollscope::model::Problem;
use rollscope::study::Study;
use rollscope::ui;

fn load(paths: &[PathBuf]) -> Study {
    Study::load(paths, &LoadOptions::default())
}

/// Whether `problem` is the expected one.
fn matches(problem: &Problem, expected: &Expected) -> bool {
    expected.line.is_none_or(|l| problem.line == Some(l))
        && expected.column.is_none_or(|c| problem.column == Some(c))
        && problem.message.contains(expected.contains)
}

/// Each expected problem matches a different reported one, and nothing else is reported.
fn check_problems(case: &FileCase, problems: &[Problem]) {
    let shown: Vec<String> = problems.iter().map(|p| format!("{:?}", p.to_string())).collect();
    assert_eq!(problems.len(), case.problems.len(), "{:?}: problems {shown:#?}", case.rel);
    let mut used = vec![false; problems.len()];
    for expected in &case.problems {
        let found = problems.iter().enumerate().find(|(i, p)| !used[*i] && matches(p, expected));
        let Some((i, _)) = found else {
            panic!("{:?}: expected {expected:?} among {shown:#?}", case.rel);
        };
        used[i] = true;
    }
    for p in problems {
        // A problem at a line always has its column too (1-based: a column 0 means nothing).
        if p.line.is_some() {
            assert!(p.column.is_some_and(|c| c >= 1), "{:?}: no column in {p}", case.rel);
        }
    }
}

#[test]
fn every_file_alone_loads_what_it_must_and_reports_each_problem_at_its_place() {
    let corpus = corpus::generate();
    if corpus.privileged {
        eprintln!("note: chmod 000 does not stop this process (root): the unreadable file loads");
    }
    for case in &corpus.files {
        let path = corpus.path(case);
        let study = load(std::slice::from_ref(&path));
        let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, case.ids, "{:?}", case.rel);
        if !case.skip_problems {
            check_problems(case, &study.problems);
        }
        let display = path.display().to_string();
        for p in &study.problems {
            assert!(p.path.starts_with(&display), "{:?}: the problem names its file: {p}", case.rel);
        }
        // Whatever the index lists, the reader can open: the index and the full decoder agree.
        for (i, summary) in study.rollouts.iter().enumerate() {
            let rollout = study.read_rollout(i).unwrap_or_else(|e| panic!("{:?}: {e}", case.rel));
            assert_eq!(rollout.id, &*summary.id);
            assert_eq!(rollout.turn_messages().len(), summary.n_turns as usize, "{:?}", case.rel);
        }
    }
}

/// The id a rollout had in its file, before a study-wide `#n` made it unique.
fn original_id<'a>(id: &'a str, file_ids: &[String]) -> Option<&'a str> {
    let mut candidate = id;
    loop {
        if file_ids.iter().any(|f| f == candidate) {
            return Some(candidate);
        }
        candidate = &candidate[..candidate.rfind('#')?];
    }
}

#[test]
fn the_whole_corpus_loads_at_once_and_every_rollout_is_read_from_its_own_file() {
    let corpus = corpus::generate();
    let study = load(std::slice::from_ref(&corpus.root));
    let expected: usize = corpus.files.iter().map(|c| c.ids.len()).sum();
    assert_eq!(study.rollouts.len(), expected);
    let unique: HashSet<&str> = study.rollouts.iter().map(|r| &*r.id).collect();
    assert_eq!(unique.len(), study.rollouts.len(), "duplicate ids are disambiguated");
    let mut renamed = Vec::new();
    for (i, summary) in study.rollouts.iter().enumerate() {
        let source = study.source_of(i).unwrap();
        let case = corpus
            .files
            .iter()
            .find(|c| Path::new(&source.display).starts_with(corpus.path(c)))
            .unwrap_or_else(|| panic!("{} came from no corpus file", source.display));
        let original = original_id(&summary.id, &case.ids).unwrap_or_else(|| {
            panic!("rollout {:?} is attributed to {:?}, which does not hold it", summary.id, case.rel)
        });
        if original != &*summary.id {
            renamed.push((original, source.display.clone()));
        }
        let rollout = study.read_rollout(i).unwrap_or_else(|e| panic!("{:?}: {e}", summary.id));
        assert_eq!(rollout.id, &*summary.id);
    }
    // Both copies are kept, and every rename is reported, naming the renamed rollout's file.
    assert_eq!(study.rollouts.iter().filter(|r| r.id.starts_with("dup")).count(), 4);
    let reports: Vec<&Problem> =
        study.problems.iter().filter(|p| p.message.contains("duplicate rollout id")).collect();
    assert_eq!(reports.len(), renamed.len(), "{reports:?}");
    for (original, path) in &renamed {
        let quoted = format!("{original:?}");
        assert!(
            reports.iter().any(|p| &p.path == path && p.message.contains(&quoted)),
            "no report for {quoted} in {path}"
        );
    }
    assert!(renamed.iter().filter(|(_, p)| p.ends_with("dup_b.jsonl")).count() == 2);
}

// ---------------------------------------------------------------------------------------------
// The real binary.

fn rollscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rollscope"));
    // No config file from the machine running the tests.
    cmd.env("ROLLSCOPE_CONFIG", "/nonexistent/rollscope-test-config.toml");
    cmd
}

/// The binary never panics, whatever file it is given: a panic exits with 101 and says so.
fn assert_no_panic(out: &std::process::Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{what}: {stderr}");
    assert!(out.status.code().is_some(), "{what}: killed by a signal ({:?}): {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

/// Text that may reach a terminal: no control (but newlines) and no bidi or invisible format
/// character.
fn assert_terminal_safe(text: &str, what: &str) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| *c != '\n' && corpus::forbidden(*c)) {
        let around: String = text[i.saturating_sub(40)..].chars().take(60).collect();
        panic!("{what}: {c:?} would reach the terminal near {around:?}");
    }
}

#[test]
fn ls_json_on_every_file_and_on_the_whole_corpus_never_panics_and_reports_every_problem() {
    let corpus = corpus::generate();
    for case in &corpus.files {
        let out = rollscope().args(["ls", "--json"]).arg(corpus.path(case)).output().unwrap();
        let what = format!("ls --json {:?}", case.rel);
        assert_no_panic(&out, &what);
        let stderr = String::from_utf8(out.stderr.clone()).unwrap();
        assert_terminal_safe(&stderr, &what);
        if case.ids.is_empty() && !case.problems.is_empty() {
            assert!(!out.status.success(), "{what}: nothing loaded is a failure");
            continue;
        }
        assert!(out.status.success(), "{what}: {stderr}");
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ids: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, case.ids, "{what}: JSON keeps ids exactly, escapes and all");
        if !case.skip_problems {
            assert_eq!(stderr.lines().count(), case.problems.len(), "{what}: {stderr}");
        }
    }

    let out = rollscope().args(["ls", "--json"]).arg(&corpus.root).output().unwrap();
    assert_no_panic(&out, "ls --json corpus");
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_terminal_safe(&stderr, "ls --json corpus (stderr)");
    let study = load(std::slice::from_ref(&corpus.root));
    assert_eq!(stderr.lines().count(), study.problems.len(), "one line per problem: {stderr}");
    for p in &study.problems {
        if let (Some(line), Some(column)) = (p.line, p.column) {
            let place = format!(":{line}:{column}: ");
            assert!(stderr.contains(&place), "{place} missing from {stderr}");
        }
    }
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), study.rollouts.len());
    for (row, summary) in rows.iter().zip(&study.rollouts) {
        assert_eq!(row["id"].as_str(), Some(&*summary.id));
        let source = study.sources[summary.source as usize].display.as_str();
        assert_eq!(row["source"].as_str(), Some(source), "{:?}", summary.id);
    }
}

#[test]
fn ls_and_ls_json_on_a_terminal_print_nothing_the_terminal_would_obey() {
    // `script` gives the binary a pseudo-terminal as stdout, as a user's shell would.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to run ls on a pseudo-terminal");
        return;
    }
    let corpus = corpus::generate();
    let study = load(std::slice::from_ref(&corpus.root));
    let exe = env!("CARGO_BIN_EXE_rollscope");
    let command = format!("'{exe}' ls '{}' 2>/dev/null", corpus.root.display());
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("ROLLSCOPE_CONFIG", "/nonexistent/rollscope-test-config.toml")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The terminal turns each newline into CR LF; nothing else may be a control.
    let text = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    assert_terminal_safe(&text, "ls on a terminal");
    assert!(text.contains('␛') && text.contains("\\u{202e}"), "escapes are shown, not dropped");
    let lines = text.lines().count();
    assert_eq!(lines, study.rollouts.len() + 1, "a header and one line per rollout:\n{text}");

    // JSON on a terminal: escaped so nothing reaches it raw, and still the same JSON as piped.
    let command = format!("'{exe}' ls --json '{}' 2>/dev/null", corpus.root.display());
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("ROLLSCOPE_CONFIG", "/nonexistent/rollscope-test-config.toml")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    assert_terminal_safe(&text, "ls --json on a terminal");
    let on_terminal: serde_json::Value = serde_json::from_str(&text).unwrap();
    let piped = rollscope().args(["ls", "--json"]).arg(&corpus.root).output().unwrap();
    let piped: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(on_terminal, piped);
}

// ---------------------------------------------------------------------------------------------
// The real render path.

fn draw(session: &Session) -> Buffer {
    let (w, h) = session.app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::render(&session.app, f)).unwrap();
    terminal.backend().buffer().clone()
}

fn screen(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut text = String::new();
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let symbol = buffer[(x, y)].symbol();
            text.push_str(symbol);
            // A wide character covers the next cell (left blank by ratatui).
            x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
        }
        text.push('\n');
    }
    text
}

/// Draws the screen, fails on any control, bidi or invisible format character in a cell, and
/// keeps the text for the visibility checks.
struct Sweep {
    frames: usize,
    seen: String,
}

impl Sweep {
    fn frame(&mut self, session: &Session, what: &str) {
        let buffer = draw(session);
        let area = buffer.area;
        for y in 0..area.height {
            for x in 0..area.width {
                let symbol = buffer[(x, y)].symbol();
                if let Some(c) = symbol.chars().find(|c| corpus::forbidden(*c)) {
                    let row: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
                    panic!("{what}: {c:?} in cell ({x}, {y}) of {}x{}: {row:?}", area.width, area.height);
                }
            }
        }
        self.frames += 1;
        self.seen.push_str(&screen(&buffer));
    }
}

#[test]
fn every_hostile_string_renders_without_a_control_in_any_cell_and_files_stay_untouched() {
    let corpus = corpus::generate();
    let before = hash_all(&corpus);
    let labels_before = std::fs::read(corpus.labels.join("ana.jsonl")).unwrap();
    // A copy that changes after loading: the reader's "cannot read" error names a hostile path.
    let elsewhere = tempfile::tempdir().unwrap();
    let changing = elsewhere.path().join("changed-\x1b[2J\u{202e}.jsonl");
    let row = serde_json::json!({"id": "will-change", "messages": [{"role": "user", "content": "x"}]});

    let mut sweep = Sweep { frames: 0, seen: String::new() };
    for (w, h) in [(80, 24), (120, 40)] {
        std::fs::write(&changing, format!("{row}\n{row}\n")).unwrap();
        let paths = [corpus.root.clone(), changing.clone()];
        let mut s = Session::open(&paths, w, h, Some((&corpus.labels, "ana")));
        std::fs::write(&changing, "{}\n").unwrap();
        let n = s.app.study.rollouts.len();
        sweep.frame(&s, "first frame");
        for row in 0..n {
            let id = s.app.list.selected_rollout().map(|i| s.app.study.rollouts[i].id.to_string());
            let what = format!("{w}x{h} row {row} {id:?}");
            sweep.frame(&s, &what);
            s.press("<Tab>");
            // Page into the transcript, then its end.
            for _ in 0..4 {
                s.press("<C-d>");
                sweep.frame(&s, &what);
            }
            s.press("G");
            sweep.frame(&s, &what);
            s.press("g ] ] <Tab>");
            sweep.frame(&s, &what);
            s.press("<S-Tab> <S-Tab> j");
        }
        // Every score name, hostile ones included, in the chart title and the status bar.
        s.press("g");
        for _ in 0..s.app.study.score_names.len() {
            s.press("c");
            sweep.frame(&s, "score names");
        }
        // The hostile rollouts with labels: mine, the other annotator's, tags, notes, toasts.
        select(&mut s, &format!("esc-{}-{}", corpus::HOSTILE[0].0, corpus::HOSTILE[0].1));
        s.press("<Tab> o");
        sweep.frame(&s, "labels, others shown");
        s.press("t");
        sweep.frame(&s, "tag picker");
        s.press("a");
        sweep.frame(&s, "tag picker typing");
        s.press("<Esc> <Esc> e");
        sweep.frame(&s, "note editor with a hostile note");
        s.press("<Esc> E");
        sweep.frame(&s, "rollout note editor");
        s.press("<Esc> 7 u");
        sweep.frame(&s, "undo toast naming a hostile id");
        s.press("/before<Enter>");
        sweep.frame(&s, "search matches in hostile text");
        s.press("n n n");
        sweep.frame(&s, "next match");
        // The overlays.
        s.press("?");
        sweep.frame(&s, "help");
        for _ in 0..12 {
            s.press("j");
            sweep.frame(&s, "help scrolled");
        }
        s.press("<Esc> p");
        let problems = s.app.study.problems.len();
        assert!(problems > 30, "{problems}");
        // Each frame lists a dozen problems or more: one every eight steps shows them all.
        for selected in 0..problems {
            if selected % 8 == 0 || selected + 1 == problems {
                sweep.frame(&s, "problems");
            }
            s.press("j");
        }
        s.press("<Esc>");
        // The rollout whose file changed after loading: its error names the hostile path.
        select(&mut s, "will-change");
        assert!(s.app.reader.error.is_some(), "the changed file cannot be read");
        sweep.frame(&s, "reader error");
    }
    // Not dropped either: every attack is on screen as a visible placeholder, and the text a
    // CR tried to hide is there.
    for shown in
        ["␛[2J", "␛]52;c;", "\\u{009b}", "\\u{202e}", "\\u{061c}", "\\u{2066}", "\\u{200b}", "␍", "␇"]
    {
        assert!(sweep.seen.contains(shown), "{shown:?} never shown");
    }
    assert!(sweep.seen.contains("visible␍HIDDEN"));
    assert!(sweep.seen.contains("cannot read this rollout"));
    assert!(sweep.seen.contains("世界"), "wide characters are kept");
    eprintln!("{} frames drawn", sweep.frames);

    // Rollout files are byte-identical; the label file was only appended to.
    assert_eq!(hash_all(&corpus), before, "a corpus file changed");
    let labels_after = std::fs::read(corpus.labels.join("ana.jsonl")).unwrap();
    assert!(labels_after.starts_with(&labels_before), "label lines were rewritten");
    assert!(labels_after.len() > labels_before.len(), "the labels made were saved");
}

/// Selects a rollout in the list (focus on the list) and reads it.
fn select(s: &mut Session, id: &str) {
    while s.app.focus != Pane::List {
        s.press("<Tab>");
    }
    let index = s.app.study.rollouts.iter().position(|r| &*r.id == id).unwrap();
    let row = s.app.list.rows.iter().position(|&i| i as usize == index).unwrap();
    s.press("g");
    for _ in 0..row {
        s.press("j");
    }
    assert_eq!(s.app.reader.index, Some(index));
}

/// (path, length, FNV-1a 64) of every corpus file, chmod 000 ones included.
fn hash_all(corpus: &Corpus) -> Vec<(PathBuf, usize, u64)> {
    corpus
        .all_files()
        .into_iter()
        .map(|path| {
            corpus::set_mode(&path, 0o644);
            let bytes = std::fs::read(&path).unwrap();
            if path.ends_with("0-unreadable.jsonl") {
                corpus::set_mode(&path, 0o000);
            }
            let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
            (path, bytes.len(), hash)
        })
        .collect()
}

#[test]
fn wide_and_combining_characters_keep_the_list_columns_aligned() {
    let corpus = corpus::generate();
    let paths = [corpus.path(corpus.case("wide.jsonl")), corpus.path(corpus.case("escapes.jsonl"))];
    for (w, h) in [(80, 24), (120, 40)] {
        let s = Session::open(&paths, w, h, None);
        let buffer = draw(&s);
        let list = s.app.areas().list;
        let row_text =
            |y: u16| -> String { (list.x..list.right()).map(|x| buffer[(x, y)].symbol()).collect() };
        // The header's "trn" column: every row's turn count ends under its "n".
        let header = (list.y..list.bottom()).find(|&y| row_text(y).contains("trn")).unwrap();
        let header_cells: Vec<&str> = (list.x..list.right()).map(|x| buffer[(x, header)].symbol()).collect();
        let n = header_cells.windows(3).position(|c| c == ["t", "r", "n"]).unwrap() as u16 + 2;
        let rows = s.app.list.rows.len().min((list.bottom() - header - 2) as usize) as u16;
        assert!(rows >= 8, "{rows}");
        for y in header + 1..=header + rows {
            let digit = buffer[(list.x + n, y)].symbol();
            assert!(
                digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit(),
                "{w}x{h}: turn count not under \"trn\" (column {n}) in row {:?}",
                row_text(y)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Huge content.

/// Time of one key press plus one full draw.
fn key_and_draw(s: &mut Session, keys: &str) -> Duration {
    let start = Instant::now();
    s.press(keys);
    let _ = draw(s);
    start.elapsed()
}

#[test]
fn a_300_kb_message_and_a_10000_turn_rollout_open_and_scroll_quickly() {
    let corpus = corpus::generate();
    for (file, turns) in [("huge_message.jsonl", 1usize), ("long_rollout.jsonl", 10_000)] {
        let path = corpus.path(corpus.case(file));
        let labels = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let mut s = Session::open(&[path], 120, 40, Some((labels.path(), "ana")));
        let _ = draw(&s);
        let open = start.elapsed();
        assert_eq!(s.app.reader.turn_messages.len(), turns);
        s.press("<Tab>");
        let mut times = Vec::new();
        // Labelling re-wraps the transcript to show the label: that must stay quick too.
        for keys in ["j", "<C-d>", "]", "G", "k", "<C-u>", "[", "g", "7", "x", "<Tab>", "l", "h", "<S-Tab>"] {
            for _ in 0..5 {
                times.push(key_and_draw(&mut s, keys));
            }
        }
        times.sort();
        let median = times[times.len() / 2];
        let worst = times[times.len() - 1];
        eprintln!(
            "{file}: {} wrapped lines; open + first frame {open:.1?}; key + draw median {median:.2?}, worst {worst:.2?} ({} keys)",
            s.app.reader.lines.len(),
            times.len()
        );
        assert!(s.app.reader.lines.len() > 2_000, "{}", s.app.reader.lines.len());
        // Debug builds are 10-30x slower than release and the tests share the cores, so the
        // bounds are loose; the median still catches a frame that re-wraps or walks the whole
        // transcript on every key (labelling re-wraps: that is the worst case, ~90 ms here).
        assert!(median < Duration::from_millis(50), "{file}: median key + draw {median:?}");
        assert!(worst < Duration::from_secs(2), "{file}: worst key + draw {worst:?}");
        assert!(open < Duration::from_secs(5), "{file}: open {open:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Source files untouched.

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines (numbered from 0) outside `#[cfg(test)]` items: the item after the attribute is
/// skipped to its closing brace (or its `;`).
fn non_test_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push((n, line));
            continue;
        }
        let mut depth = 0i64;
        let mut opened = false;
        for (_, item) in lines.by_ref() {
            depth += item.matches('{').count() as i64 - item.matches('}').count() as i64;
            opened |= item.contains('{');
            if (opened && depth <= 0) || (!opened && item.trim_end().ends_with(';')) {
                break;
            }
        }
    }
    out
}

#[test]
fn no_code_outside_the_label_store_can_write_a_file() {
    // Rollout files are opened read-only everywhere; only src/store writes (label files). Test
    // code (files named tests*.rs and everything after a `#[cfg(test)]`) may write fixtures.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 40, "{}", files.len());
    let banned = [
        "OpenOptions",
        "File::create",
        "fs::write",
        "create_new(",
        ".write(true)",
        ".append(true)",
        "set_len(",
        "fs::rename",
        "remove_file",
        "fs::copy",
        "set_permissions",
        "create_dir",
    ];
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        if relative.starts_with("src/store") || name.starts_with("tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in non_test_lines(&text) {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for b in banned.iter().filter(|b| line.contains(**b)) {
                found.push(format!("{}:{}: {b}: {}", relative.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "code that can write files outside src/store:\n{}", found.join("\n"));
}
