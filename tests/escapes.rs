//! Issue 13, "no escape sequence reaches a terminal, from any command": text for a person is
//! sanitised always (piped or not), JSON always escapes what a terminal could obey (and still
//! reads back the same), `export` is sanitised on a terminal and faithful to a file or a pipe,
//! and `--spreadsheet-safe` defuses formulas. Every file here comes from the hostile corpus.
#![allow(clippy::unwrap_used)]

mod common;
#[allow(dead_code)]
#[path = "hostile/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::Output;

use corpus::{HOSTILE, all_hostile, assert_terminal_safe};
use rollscope::load::LoadOptions;
use rollscope::study::Study;
use serde_json::Value;

fn run(args: &[&str]) -> Output {
    common::rollscope().args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn export_on_a_terminal_prints_nothing_the_terminal_would_obey() {
    // Before: the CSV went to the terminal as written, so an OSC 52 in a note set the
    // clipboard, an OSC 0 in an id set the title, a C1 CSI in metadata cleared the screen.
    let corpus = corpus::generate();
    let (root, labels) = (path(&corpus.root), path(&corpus.labels));
    for to in ["csv", "jsonl", "rollouts"] {
        let args = ["export", "--to", to, &root, "--labels", &labels];
        let Some((ok, out)) = common::on_a_terminal(&args) else { return };
        assert!(ok, "export --to {to} on a terminal failed");
        assert_terminal_safe(&out, &format!("export --to {to} on a terminal"));
        assert!(out.contains("esc-osc52-clipboard"), "export --to {to}: the rows are there");
    }
}

#[test]
fn json_outputs_escape_what_a_terminal_would_obey_and_read_back_the_same() {
    // Before: serde_json escapes C0 only, so a piped `ls --json`, `stats --json` or
    // `export --to jsonl` carried raw DEL, C1 CSI, bidi overrides and tag characters.
    let corpus = corpus::generate();
    let (root, labels) = (path(&corpus.root), path(&corpus.labels));
    let study = Study::load(std::slice::from_ref(&corpus.root), &LoadOptions::default());
    let ids: Vec<&str> = study.rollouts.iter().map(|r| &*r.id).collect();

    let out = run(&["ls", "--json", &root]);
    assert!(out.status.success());
    let ls = text(&out.stdout);
    assert_terminal_safe(&ls, "ls --json piped");
    let rows: Value = serde_json::from_str(&ls).unwrap();
    let listed: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids, "escaping loses nothing: the ids read back exactly");

    let out = run(&["export", "--to", "jsonl", &root, "--labels", &labels]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let jsonl = text(&out.stdout);
    assert_terminal_safe(&jsonl, "export --to jsonl piped");
    let rows: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let note = rows
        .iter()
        .find(|r| r["rollout"] == "esc-all" && r["turn"] == 2)
        .map(|r| r["labels"]["ana"]["note"].clone())
        .unwrap();
    assert_eq!(note, format!("note {}", HOSTILE[3].1), "a note with an OSC 52 reads back exactly");
    let hostile = rows.iter().find(|r| r["rollout"] == "esc-all").unwrap();
    assert_eq!(hostile["metadata"]["condition"], all_hostile(), "metadata reads back exactly");

    let out = run(&["export", "--to", "rollouts", &root, "--labels", &labels]);
    let rollouts = text(&out.stdout);
    assert_terminal_safe(&rollouts, "export --to rollouts piped");
    for line in rollouts.lines() {
        let rollout: Value = serde_json::from_str(line).unwrap();
        assert!(ids.contains(&rollout["id"].as_str().unwrap()), "{:?}", rollout["id"]);
    }

    let dir = tempfile::tempdir().unwrap();
    let queue = path(&dir.path().join("q.json"));
    let commands: [&[&str]; 5] = [
        &["stats", "--json", &root],
        &["validate", "--json", &root],
        &["agree", "--json", &root, "--labels", &labels],
        &["sample", "--json", &root, "--n", "200", "--stratify", "condition", "-o", &queue],
        &["sample", "--json", &root, "--n", "200", "--stratify", "dataset", "-o", &queue],
    ];
    for args in commands {
        let _ = std::fs::remove_file(&queue);
        let out = run(args);
        let stdout = text(&out.stdout);
        assert_terminal_safe(&stdout, &format!("{args:?}"));
        serde_json::from_str::<Value>(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"));
    }
    let written = std::fs::read_to_string(&queue).unwrap();
    assert_terminal_safe(&written, "the queue file");
    let queue: Value = serde_json::from_str(&written).unwrap();
    let strata = queue["strata"].as_array().unwrap();
    assert!(strata.iter().any(|s| s["key"]["dataset"] == all_hostile()), "strata keys read back exactly");
}

#[test]
fn piped_text_output_and_its_errors_are_sanitised() {
    // Before: `ls . | head` and `validate . | cat` printed ids, metadata and file names raw
    // (the pipe ends at the terminal anyway), and so did stats, agree and sample summaries.
    let corpus = corpus::generate();
    let (root, labels) = (path(&corpus.root), path(&corpus.labels));
    let dir = tempfile::tempdir().unwrap();
    let queue = path(&dir.path().join("q.json"));
    // An error message quoting a hostile argument (no NUL: an argument cannot hold one).
    let unknown_score = format!("{}{}", HOSTILE[4].1, HOSTILE[7].1);
    let commands: [&[&str]; 6] = [
        &["ls", &root],
        &["validate", &root],
        &["stats", &root],
        &["agree", &root, "--labels", &labels],
        &["sample", &root, "--n", "200", "--stratify", "condition", "-o", &queue],
        &["stats", &root, "--score", &unknown_score],
    ];
    for args in commands {
        let out = run(args);
        let what = format!("{:?}", args[0]);
        assert_terminal_safe(&text(&out.stdout), &format!("{what} (stdout)"));
        assert_terminal_safe(&text(&out.stderr), &format!("{what} (stderr)"));
    }
    let ls = text(&run(&["ls", &root]).stdout);
    assert!(ls.contains('␛') && ls.contains("\\u{202e}"), "escapes are shown, not dropped");
}

#[test]
fn a_pipe_to_the_terminal_does_not_change_its_title() {
    // What a user sees: `rollscope ls . | head` in a terminal set its title and cleared it.
    let corpus = corpus::generate();
    let root = path(&corpus.root);
    let script = format!(
        "\"$ROLLSCOPE\" ls '{root}' 2>&1 | head -n 1000\n\"$ROLLSCOPE\" validate '{root}' 2>&1 | cat\n"
    );
    let Some(bytes) = common::shell_in_a_terminal(&script) else { return };
    let seen = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
    assert!(seen.contains("esc-osc-title"), "the commands ran: {seen}");
    assert_terminal_safe(&seen, "ls | head and validate | cat, as the terminal received them");
}

/// A study whose metadata, id, score name and labels start like formulas.
fn formula_study() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut metadata = serde_json::Map::new();
    for (name, formula) in corpus::FORMULAS {
        metadata.insert((*name).into(), (*formula).into());
    }
    metadata.insert("number".into(), serde_json::json!(-3.5));
    metadata.insert("number_text".into(), "-3.5".into());
    metadata.insert("plain".into(), "baseline".into());
    let rollout = serde_json::json!({"id": "=1+1", "metadata": metadata, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "ok", "scores": {"frustration": -1.5, "@risk": 2}}]});
    std::fs::write(dir.path().join("a.jsonl"), format!("{rollout}\n")).unwrap();
    let labels = dir.path().join("labels");
    std::fs::create_dir(&labels).unwrap();
    let label = serde_json::json!({"rollout": "=1+1", "turn": 1, "score": 4, "tags": ["@x"],
        "note": "=WEBSERVICE(\"https://evil.example\")", "annotator": "ana", "time": "2026-11-23T00:00:00Z"});
    std::fs::write(labels.join("ana.jsonl"), format!("{label}\n")).unwrap();
    let file = path(&dir.path().join("a.jsonl"));
    (dir, file, path(&labels))
}

fn csv_cells(bytes: &[u8]) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    header.into_iter().zip(records[0].iter().map(str::to_string)).collect()
}

#[test]
fn spreadsheet_safe_csv_defuses_formulas_and_leaves_numbers_alone() {
    // Before: there was no --spreadsheet-safe; a cell "=HYPERLINK(...)" from a model's
    // metadata or a collaborator's note ran as a formula when the CSV was opened.
    let (_dir, file, labels) = formula_study();
    let faithful = run(&["export", "--to", "csv", &file, "--labels", &labels]);
    assert!(faithful.status.success(), "{}", text(&faithful.stderr));
    let faithful = csv_cells(&faithful.stdout);
    let cell = |cells: &[(String, String)], name: &str| {
        cells.iter().find(|(h, _)| h == name).unwrap_or_else(|| panic!("no {name} in {cells:?}")).1.clone()
    };
    for (name, formula) in corpus::FORMULAS {
        assert_eq!(cell(&faithful, name), *formula, "the default stays faithful (pandas)");
    }

    let out = run(&["export", "--to", "csv", "--spreadsheet-safe", &file, "--labels", &labels]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let safe = csv_cells(&out.stdout);
    for (name, formula) in corpus::FORMULAS {
        assert_eq!(cell(&safe, name), format!("'{formula}"), "{name}");
    }
    assert_eq!(cell(&safe, "rollout"), "'=1+1");
    assert_eq!(cell(&safe, "ana_note"), "'=WEBSERVICE(\"https://evil.example\")");
    assert_eq!(cell(&safe, "ana_tags"), "'@x");
    assert!(safe.iter().any(|(h, _)| h == "'@risk"), "a header is a cell too: {safe:?}");
    for (name, number) in [("number", "-3.5"), ("number_text", "-3.5"), ("frustration", "-1.5")] {
        assert_eq!(cell(&safe, name), number, "a number is left as it is");
    }
    assert_eq!(cell(&safe, "plain"), "baseline");
    let jsonl = run(&["export", "--to", "jsonl", "--spreadsheet-safe", &file, "--labels", &labels]);
    assert!(!jsonl.status.success(), "JSON has no formulas: the flag is for CSV");
}

#[test]
fn only_the_output_gate_writes_to_stdout_or_stderr() {
    // Before: `export` wrote to stdout directly, and `eprintln!`s were spread over the
    // commands, each trusted to remember `sanitize::clean`. Now one module decides.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gate = root.join("src/commands/output.rs");
    let mut files = vec![root.join("src/main.rs")];
    common::rust_files(&root.join("src/commands"), &mut files);
    common::rust_files(&root.join("src/cli"), &mut files);
    let forbidden = ["println!", "print!(", "eprintln!", "eprint!(", "dbg!", "io::stdout", "io::stderr"];
    let mut found = Vec::new();
    for file in files.iter().filter(|f| **f != gate) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if forbidden.iter().any(|f| line.contains(f)) && !line.trim_start().starts_with("//") {
                found.push(format!(
                    "{}:{}: {}",
                    file.strip_prefix(root).unwrap().display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(found.is_empty(), "write through commands::output instead:\n{}", found.join("\n"));
}

#[test]
fn the_help_shows_keys_bound_in_the_config_without_obeying_them() {
    // Before: the help drew a key's character as it was, so a binding to ESC, a C1 CSI or a
    // tag character in the config file reached the screen raw.
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;
    use rollscope::app::keymap::Keymap;
    use rollscope::app::view::{HelpView, help_lines};
    use rollscope::ui::overlay::HelpWidget;
    use rollscope::ui::theme::Theme;

    let keys = ["\u{e0041}", "\u{1b}", "\u{9b}", "\u{202e}"].map(String::from).to_vec();
    let keymap = Keymap::with_overrides(&[("next_turn".to_string(), keys)].into()).unwrap();
    let view = HelpView { lines: help_lines(&keymap), ..HelpView::default() };
    let mut buffer = Buffer::empty(Rect::new(0, 0, 100, 60));
    HelpWidget { view, theme: Theme { color: false, truecolor: false } }.render(buffer.area, &mut buffer);
    let screen: String = buffer.content().iter().map(|cell| cell.symbol()).collect();
    assert_terminal_safe(&screen, "the help");
    assert!(screen.contains("\\u{e0041}"), "the key is shown as a placeholder");
}
