//! Labels are never lost: a full disk (a real EFBIG from the real writer, in a child process
//! with a file-size limit), a read-only labels folder, a hand-broken label line. Each checks
//! what the app shows, that the label stays in memory, and what ends up on disk.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rollscope::app::keys::KeyPress;
use rollscope::app::{App, Msg};
use rollscope::model::ReadLimits;
use rollscope::store::file::{parse_records, read_records};
use rollscope::testkit::Session;

use super::corpus;
use super::{draw_app, screen};

/// A study of one rollout with a few turns, in a folder of its own.
fn small_study(dir: &Path) -> PathBuf {
    let path = dir.join("study.jsonl");
    let rollout = corpus::hostile_rollout("r-\x1b[2J", "text");
    std::fs::write(&path, format!("{rollout}\n")).unwrap();
    path
}

fn status_line(s: &Session) -> String {
    app_status_line(&s.app)
}

/// The status line of a frame drawn from the app.
fn app_status_line(app: &App) -> String {
    let text = screen(&draw_app(app));
    let rows: Vec<&str> = text.lines().collect();
    rows[rows.len() - 2].to_string()
}

const CHILD_DIR: &str = "ROLLSCOPE_HOSTILE_FULL_DISK_DIR";

/// Runs in a child process whose file-size limit makes the label file "full": run by
/// `a_full_disk_says_not_saved_keeps_the_label_and_the_retry_writes_it`, a no-op otherwise.
#[test]
fn full_disk_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR).map(PathBuf::from) else {
        eprintln!("skipped: runs only as the child of the full-disk test");
        return;
    };
    let study = dir.join("study.jsonl");
    let labels = dir.join("labels");
    let mut s = Session::open(&[study], 120, 40, Some((&labels, "ana")));
    assert!(s.app.labels.read_only.is_none(), "{:?}", s.app.labels.read_only);
    let id = s.app.study.rollouts[0].id.clone();
    let waited = std::rc::Rc::new(std::cell::Cell::new(false));
    let seen = waited.clone();
    // The executor's own retry: between the failed write and its retry, the hook runs where
    // the runtime would wait two seconds.
    s.on_label_retry(move |app| {
        assert!(!seen.get(), "the retry after the disk was freed failed");
        seen.set(true);
        // What the user sees while the disk is full.
        let status = app_status_line(app);
        assert!(status.contains("⚠ 1 NOT saved"), "{status}");
        let error = app.labels.write_error.clone().unwrap_or_default();
        assert!(error.contains("File too large"), "{error}");
        assert_eq!(app.labels.unsaved, 1);
        let label = app.labels.mine.get(&app.study.rollouts[0].id, Some(2)).unwrap();
        assert_eq!(label.score, Some(7), "the label stays in memory");
        // Quitting now would lose it: the first q only warns.
        app.update(Msg::Key(KeyPress::char('q')));
        assert!(!app.quitting);
        assert!(app.toast.as_deref().unwrap_or("").contains("not saved yet"), "{:?}", app.toast);
        println!("DISK FULL: {status}");
        std::io::stdout().flush().unwrap();
        // The parent raises the file-size limit (frees the disk), then says go.
        let mut go = String::new();
        std::io::stdin().read_line(&mut go).unwrap();
    });
    s.press("] 7");
    assert!(waited.get(), "the first write should have failed");
    let status = status_line(&s);
    assert!(status.contains("✓ saved"), "{status}");
    assert_eq!(s.app.labels.unsaved, 0);
    assert_eq!(s.app.labels.mine.get(&id, Some(2)).unwrap().score, Some(7));
    println!("RETRIED: {status}");
}

fn has(program: &str) -> bool {
    Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

#[test]
fn a_full_disk_says_not_saved_keeps_the_label_and_the_retry_writes_it() {
    // A real write error from the real writer: the child runs with a 1024-byte file-size limit
    // (SIGXFSZ ignored, so the write fails with EFBIG as on a full disk, after writing part of
    // the line); the parent then lifts the limit with prlimit, as freeing space would.
    if !has("sh") || !has("prlimit") {
        eprintln!("skipped: needs sh and prlimit");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    small_study(dir.path());
    let labels = dir.path().join("labels");
    std::fs::create_dir_all(&labels).unwrap();
    let path = labels.join("ana.jsonl");
    let line = |turn: u32, note: &str| {
        serde_json::json!({"rollout": "r-\u{1b}[2J", "turn": turn, "score": 3, "tags": [], "note": note,
            "annotator": "ana", "time": "2026-11-23T00:00:00Z", "source": "study.jsonl"})
        .to_string()
    };
    let mut before = String::new();
    for note in ["n".repeat(150), "o".repeat(150), "p".repeat(150)] {
        before.push_str(&line(1, &note));
        before.push('\n');
    }
    assert!((700..1000).contains(&before.len()), "{}", before.len());
    std::fs::write(&path, &before).unwrap();

    let script = "trap '' XFSZ; ulimit -S -f 2 || exit 3; exec \"$0\" --exact labels::full_disk_child --nocapture --test-threads=1";
    let mut child = Command::new("sh")
        .args(["-c", script])
        .arg(std::env::current_exe().unwrap())
        .env(CHILD_DIR, dir.path())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A watchdog: a child stuck for a minute is killed (by its id), so the test fails instead
    // of hanging.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let (done, pid) = (done.clone(), child.id());
        std::thread::spawn(move || {
            for _ in 0..600 {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        })
    };
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut l = String::new();
        if stdout.read_line(&mut l).unwrap() == 0 {
            let out = child.wait_with_output().unwrap();
            panic!(
                "the child stopped before the disk filled: {seen}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        seen.push_str(&l);
        if l.contains("DISK FULL") {
            break;
        }
    }
    // Part of the line reached the disk before the error; nothing before it changed.
    let torn = std::fs::read(&path).unwrap();
    assert!(torn.starts_with(before.as_bytes()));
    assert_eq!(torn.len(), 1024, "the write stopped at the limit");
    let status = Command::new("prlimit")
        .arg(format!("--pid={}", child.id()))
        .arg("--fsize=unlimited")
        .status()
        .unwrap();
    assert!(status.success(), "prlimit failed");
    child.stdin.take().unwrap().write_all(b"go\n").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    assert!(out.status.success(), "{seen}{rest}{}", String::from_utf8_lossy(&out.stderr));
    assert!(rest.contains("RETRIED"), "{rest}");

    // On disk: the old lines untouched, the torn piece skipped with a warning, and the retried
    // record whole on a line of its own.
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&torn));
    let (records, warnings) = parse_records(&after, "ana.jsonl");
    assert_eq!(records.len(), 4, "{warnings:?}");
    assert_eq!((records[3].turn, records[3].score), (Some(2), Some(7)));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, Some(4));
}

/// Whether this process can write where permissions say it cannot (root, CAP_DAC_OVERRIDE).
fn ignores_permissions(dir: &Path) -> bool {
    let probe = dir.join("probe");
    std::fs::create_dir_all(&probe).unwrap();
    corpus::set_mode(&probe, 0o555);
    let writable = std::fs::write(probe.join("x"), b"x").is_ok();
    corpus::set_mode(&probe, 0o755);
    writable
}

/// Opens the study labelling into `labels`, labels turn 1 with 7, and checks the app says the
/// labels are read-only — at opening when the label file is there, else at the first label,
/// which stays in memory marked NOT saved (opening a study tries no write) — keeps what was
/// there, takes no more changes, and writes nothing.
fn check_read_only(study: &Path, labels: &Path, existing: usize, found_at_open: bool) {
    let label_file = labels.join("ana.jsonl");
    let before = std::fs::read(&label_file).ok();
    let mut s = Session::open(&[study.to_path_buf()], 120, 40, Some((labels, "ana")));
    if found_at_open {
        let reason = s.app.labels.read_only.clone().expect("read-only");
        assert!(reason.contains("cannot write labels"), "{reason}");
        assert!(status_line(&s).contains("read-only"), "{}", status_line(&s));
    } else {
        assert!(s.app.labels.read_only.is_none(), "{:?}", s.app.labels.read_only);
        assert!(status_line(&s).contains("no labels yet"), "{}", status_line(&s));
    }
    assert_eq!(s.app.labels.mine.labels.len(), existing, "the labels already there are shown");
    s.press("7 ] 3");
    assert!(s.app.toast.as_deref().unwrap_or("").contains("cannot write labels"), "{:?}", s.app.toast);
    let kept = usize::from(!found_at_open);
    assert_eq!(s.app.labels.mine.labels.len(), existing + kept, "the first label stays in memory");
    assert_eq!(s.app.labels.unsaved, kept);
    if !found_at_open {
        s.press("[ ]");
        assert!(status_line(&s).contains("⚠ 1 NOT saved · read-only"), "{}", status_line(&s));
    }
    let was = s.app.labels.mine.clone();
    s.press("t <Space> <Esc> e x <C-s>");
    assert_eq!(s.app.labels.mine, was, "nothing more changes that could not be saved");
    assert!(s.app.labels.write_error.is_none() && s.app.labels.unsaved == kept);
    assert_eq!(std::fs::read(&label_file).ok(), before, "the label file is untouched");
}

#[test]
fn a_read_only_labels_folder_is_shown_as_read_only_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let study = small_study(dir.path());
    // The label file's name taken by a folder: opening it for writing fails, even for root.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir_all(blocked.join("ana.jsonl")).unwrap();
    check_read_only(&study, &blocked, 0, true);

    if ignores_permissions(dir.path()) {
        // Running as root: chmod does not stop writes, so the permission cases cannot fail here.
        eprintln!("skipped: the chmod cases (this process ignores file permissions: root)");
        return;
    }
    // A folder without write permission and no label file yet.
    let locked = dir.path().join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    corpus::set_mode(&locked, 0o555);
    check_read_only(&study, &locked, 0, false);
    corpus::set_mode(&locked, 0o755);
    // An existing label file without write permission: its labels still show.
    let record = serde_json::json!({"rollout": "r-\u{1b}[2J", "turn": 2, "score": 5, "annotator": "ana",
        "time": "2026-11-23T00:00:00Z"});
    std::fs::write(locked.join("ana.jsonl"), format!("{record}\n")).unwrap();
    corpus::set_mode(&locked.join("ana.jsonl"), 0o444);
    check_read_only(&study, &locked, 1, true);
}

#[test]
fn a_hand_broken_label_line_is_skipped_with_a_warning_and_never_rewritten() {
    let corpus = corpus::generate();
    let file = corpus.labels.join("ana.jsonl");
    let before = std::fs::read(&file).unwrap();
    let study = corpus.path(corpus.case("escapes.jsonl"));
    let mut s = Session::open(&[study], 120, 40, Some((&corpus.labels, "ana")));
    let warnings: Vec<String> = s
        .app
        .study
        .problems
        .iter()
        .filter(|p| p.path == file.display().to_string())
        .map(ToString::to_string)
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("ana.jsonl:2:") && warnings[0].contains("not a label record"),
        "{warnings:?}"
    );
    assert!(warnings[1].contains("ana.jsonl:4:"), "{warnings:?}");
    // The good lines around them all count.
    let first = format!("esc-{}-{}", corpus::HOSTILE[0].0, corpus::HOSTILE[0].1);
    assert_eq!(s.app.labels.mine.get(&first, Some(1)).unwrap().score, Some(4));
    assert_eq!(s.app.labels.mine.get("esc-all", Some(2)).unwrap().score, Some(9));
    assert!(s.app.labels.mine.get("esc-all", None).unwrap().note.is_some());
    assert_eq!(s.app.labels.others.len(), 1, "the other annotator's file loads too");
    assert!(s.app.labels.read_only.is_none());
    // A new label is appended; the broken lines stay as they were.
    s.press("] 6");
    assert_eq!(s.app.labels.unsaved, 0);
    assert!(status_line(&s).contains("✓ saved"), "{}", status_line(&s));
    let after = std::fs::read(&file).unwrap();
    assert!(after.starts_with(&before), "existing bytes are never rewritten");
    let (records, again) = read_records(&file, ReadLimits::default().label_file());
    assert_eq!(records.len(), 4);
    assert_eq!(again.len(), 2, "the broken lines are still there, still skipped");
}
