//! Issue 13, bounded on hostile input: a FIFO, `/dev/zero` and `/dev/urandom` (given, walked,
//! as `--scores`, as another annotator's label file, as a queue) are problems found without
//! opening them; every read has a size limit; zip bombs inflate no further than the limits.
//!
//! A reader that gets this wrong hangs forever (a FIFO) or eats memory at GB/s (a device), so
//! the binary runs under a memory cap (`ulimit -v`) and a deadline, and in-process reads run
//! on a watchdog thread: a regression fails the test instead of hanging CI or the machine.
#![allow(clippy::unwrap_used)]

#[path = "hostile/bombs.rs"]
mod bombs;
mod common;
#[path = "hostile/devices.rs"]
mod devices;

use std::ffi::OsString;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rollscope::formats::inspect::decode_inspect_eval_bytes;
use rollscope::load::LoadOptions;
use rollscope::model::limits::MIB;
use rollscope::model::{Limit, Problem, ReadLimits, Rollout};
use rollscope::sample::Queue;
use rollscope::study::Study;

/// Long enough for a loaded CI machine; a hang is forever.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs the binary under a memory cap and a deadline; panics if it is still running then.
fn run_bounded(args: &[OsString], config: Option<&Path>) -> Output {
    // The binary and its environment (no user config) as tests/common starts it, through a
    // shell that caps its memory first.
    let binary = common::rollscope();
    let mut command = Command::new("sh");
    command.arg("-c").arg("ulimit -v 4000000 && exec \"$0\" \"$@\"").arg(binary.get_program()).args(args);
    for (key, value) in binary.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    if let Some(config) = config {
        command.env("ROLLSCOPE_CONFIG", config);
    }
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rollscope {args:?} still running after {DEADLINE:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

fn args(list: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    list.iter().map(|a| a.as_ref().to_os_string()).collect()
}

/// Runs `f` on a thread of its own; panics if it has not finished by the deadline.
fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(DEADLINE).expect("still running at the deadline: it hangs")
}

/// The problems `validate --json` lists for each path.
fn validate(paths: &[OsString]) -> (Output, serde_json::Value) {
    let out = run_bounded(&[&[OsString::from("validate"), "--json".into()], paths].concat(), None);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: status {:?}\nstdout {stdout}\nstderr {stderr}", out.status));
    (out, json)
}

/// The problem messages `validate --json` gave the file whose path ends with `name`.
fn problems_of(report: &serde_json::Value, name: &str) -> Vec<String> {
    let files = report["files"].as_array().unwrap();
    let file = files.iter().find(|f| f["path"].as_str().unwrap().ends_with(name));
    let file = file.unwrap_or_else(|| panic!("{name} not listed: {report:#}"));
    file["problems"].as_array().unwrap().iter().map(|p| p["message"].as_str().unwrap().to_string()).collect()
}

fn rollouts_of(report: &serde_json::Value, name: &str) -> u64 {
    let files = report["files"].as_array().unwrap();
    files.iter().find(|f| f["path"].as_str().unwrap().ends_with(name)).unwrap()["rollouts"].as_u64().unwrap()
}

fn assert_not_regular(report: &serde_json::Value, name: &str, kind: &str) {
    let problems = problems_of(report, name);
    let expected = format!("not a regular file ({kind}): only regular files are read");
    assert!(problems.iter().any(|p| p.contains(&expected)), "{name}: {problems:?}");
}

#[test]
fn fifos_and_links_to_devices_in_a_walked_folder_are_problems_and_the_rest_loads() {
    let d = devices::generate();
    let (_, report) = validate(&args(&[&d.walked]));
    assert_eq!(rollouts_of(&report, "good.jsonl"), 1, "{report:#}");
    assert_not_regular(&report, "fifo.jsonl", "a FIFO");
    assert_not_regular(&report, "zero.json", "a character device");
    assert_not_regular(&report, "urandom.jsonl", "a character device");
}

#[test]
fn fifos_and_links_to_devices_given_by_name_are_problems_and_the_rest_loads() {
    let d = devices::generate();
    let (_, report) = validate(&args(&[&d.fifo, &d.zero, &d.urandom, &d.good]));
    assert_eq!(rollouts_of(&report, "good.jsonl"), 1, "{report:#}");
    assert_not_regular(&report, "fifo.jsonl", "a FIFO");
    assert_not_regular(&report, "zero.json", "a character device");
    assert_not_regular(&report, "urandom.jsonl", "a character device");
}

#[test]
fn a_fifo_or_a_device_as_a_score_file_is_a_problem_and_the_study_loads() {
    let d = devices::generate();
    for scores in [&d.fifo_elsewhere, &d.zero_elsewhere] {
        let (_, report) = validate(&args(&[&d.good, &"--scores", scores]));
        assert_eq!(rollouts_of(&report, "good.jsonl"), 1, "{report:#}");
        let name = scores.file_name().unwrap().to_str().unwrap();
        let problems = problems_of(&report, name);
        assert!(problems.iter().any(|p| p.contains("not a regular file")), "{name}: {problems:?}");
    }
}

#[test]
fn a_fifo_or_a_device_as_another_annotators_label_file_is_a_problem_and_the_others_are_read() {
    let d = devices::generate();
    let out = run_bounded(&args(&[&"export", &d.good, &"--to", &"jsonl", &"--labels", &d.labels]), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for (name, kind) in [("bob.jsonl", "a character device"), ("cy.jsonl", "a FIFO")] {
        let line = stderr.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name}: {stderr}"));
        assert!(line.contains(&format!("cannot read labels: not a regular file ({kind})")), "{line}");
    }
    let rows = String::from_utf8_lossy(&out.stdout);
    assert!(rows.contains("\"ana\""), "ana's label is still exported: {rows}");
}

#[test]
fn a_fifo_or_a_device_as_a_queue_is_an_error_and_nothing_blocks() {
    let d = devices::generate();
    let fifo = d.fifo_elsewhere.clone();
    let err = within(move || Queue::read(&fifo, ReadLimits::default().label_file()).unwrap_err().to_string());
    assert!(err.contains("cannot read queue: not a regular file (a FIFO)"), "{err}");
    let out = run_bounded(&args(&[&"review", &d.zero_elsewhere]), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("not a regular file (a character device)"), "{stderr}");
}

#[test]
fn files_over_their_size_limit_are_refused_with_the_setting_that_raises_it() {
    let d = devices::generate();
    // Rollout files: the flag, and the config file's key.
    let (_, report) = validate(&args(&[&d.good, &"--max-file", &"100"]));
    let problems = problems_of(&report, "good.jsonl");
    let message = "is over the 100 bytes limit (--max-file, or max_file in the config file)";
    assert!(problems.iter().any(|p| p.contains(message)), "{problems:?}");
    let config = d.walked.join("config.toml");
    std::fs::write(&config, "max_file = \"1KiB\"\nmax_label_file = 10\n").unwrap();
    let out = run_bounded(&args(&[&"validate", &"--json", &d.good]), Some(&config));
    assert!(out.status.success(), "1 KiB is enough: {}", String::from_utf8_lossy(&out.stdout));
    let out = run_bounded(&args(&[&"validate", &"--json", &d.good, &"--max-file", &"1"]), Some(&config));
    assert!(!out.status.success(), "the flag wins over the config");
    // Label files, from the config file.
    let out =
        run_bounded(&args(&[&"export", &d.good, &"--to", &"jsonl", &"--labels", &d.labels]), Some(&config));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let message = "over the 10 bytes limit (--max-label-file, or max_label_file in the config file)";
    assert!(stderr.lines().any(|l| l.contains("ana.jsonl") && l.contains(message)), "{stderr}");
    // Queues.
    let queue = d.walked.join("queue.json");
    std::fs::write(&queue, "{}".repeat(20)).unwrap();
    let err = Queue::read(&queue, Limit { bytes: 10, setting: "max-label-file" }).unwrap_err().to_string();
    assert!(err.contains("40 bytes is over the 10 bytes limit"), "{err}");
}

/// Limits a test can afford: 1 MiB per entry, 4 MiB per archive.
const SMALL: ReadLimits = ReadLimits { file: 4 * MIB, label_file: MIB, entry: MIB };

fn ids(rollouts: &[Rollout]) -> Vec<String> {
    rollouts.iter().map(|r| r.id.clone()).collect()
}

fn entry_problems(problems: &[Problem]) -> Vec<(String, String)> {
    problems.iter().map(|p| (p.entry.clone().unwrap_or_default(), p.message.clone())).collect()
}

#[test]
fn an_entry_that_inflates_past_its_limit_is_a_problem_naming_it_and_the_rest_loads() {
    // 3 MiB of text in a few KB of archive; and the same with the archive claiming 100 bytes.
    for (what, bytes) in [("honest", bombs::big_entry(3 << 20)), ("lying", bombs::lying_entry(3 << 20, 100))]
    {
        assert!(bytes.len() < 64 << 10, "{what}: {} bytes", bytes.len());
        let (rollouts, problems) =
            decode_inspect_eval_bytes(&bytes, "bomb.eval", &SMALL, &Default::default()).unwrap();
        assert_eq!(ids(&rollouts), [bombs::id(1), bombs::id(3)], "{what}: {problems:?}");
        let problems = entry_problems(&problems);
        assert_eq!(problems.len(), 1, "{what}: {problems:?}");
        assert_eq!(problems[0].0, "samples/2_epoch_1.json", "{what}");
        if what == "honest" {
            let message =
                "inflates to more than the 1 MiB limit (--max-entry, or max_entry in the config file)";
            assert!(problems[0].1.contains(message), "{what}: {problems:?}");
        }
    }
    // Through the loader, with the limit from the load options.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.eval");
    std::fs::write(&path, bombs::big_entry(3 << 20)).unwrap();
    let study = Study::load(&[path], &LoadOptions { limits: SMALL, ..LoadOptions::default() });
    assert_eq!(study.rollouts.len(), 2, "{:?}", study.problems);
    assert!(study.problems.iter().any(|p| p.entry.as_deref() == Some("samples/2_epoch_1.json")));
}

#[test]
fn an_archive_cut_off_before_its_directory_keeps_the_limits() {
    // Read from its local headers, the bomb entry is still held to the entry limit, its size
    // honest or lying, through both loaders.
    for (what, bytes) in [("honest", bombs::big_entry(3 << 20)), ("lying", bombs::lying_entry(3 << 20, 100))]
    {
        let directory = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        let cut = &bytes[..directory];
        let (rollouts, problems) =
            decode_inspect_eval_bytes(cut, "cut.eval", &SMALL, &Default::default()).unwrap();
        assert_eq!(ids(&rollouts), [bombs::id(1), bombs::id(3)], "{what}: {problems:?}");
        let problems = entry_problems(&problems);
        assert_eq!(problems.len(), 2, "{what}: {problems:?}");
        assert!(problems[0].1.starts_with("the archive is cut off"), "{what}: {problems:?}");
        assert_eq!(problems[1].0, "samples/2_epoch_1.json", "{what}");
        // A lying size is caught by the zip crate first, when the entry is read from its
        // local header (which says 100 bytes too).
        let why = if what == "honest" {
            "inflates to more than the 1 MiB limit"
        } else {
            "larger than its declared"
        };
        assert!(problems[1].1.contains(why), "{what}: {problems:?}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.eval");
        std::fs::write(&path, cut).unwrap();
        let study = Study::load(&[path], &LoadOptions { limits: SMALL, ..LoadOptions::default() });
        assert_eq!(study.rollouts.len(), 2, "{what}: {:?}", study.problems);
        assert!(study.problems.iter().any(|p| p.entry.as_deref() == Some("samples/2_epoch_1.json")));
    }
}

#[test]
fn entries_that_share_one_compressed_stream_are_refused_and_the_rest_loads() {
    // Ten entries that are one stream: inflated once each, they were ten times the data.
    let bytes = bombs::shared_stream(100 << 10, 9);
    let (rollouts, problems) =
        decode_inspect_eval_bytes(&bytes, "shared.eval", &ReadLimits::default(), &Default::default())
            .unwrap();
    assert_eq!(ids(&rollouts), [bombs::id(1)], "{problems:?}");
    let problems = entry_problems(&problems);
    assert_eq!(problems.len(), 10, "{problems:?}");
    for (entry, message) in &problems {
        assert!(entry.starts_with("samples/"), "{entry}");
        assert!(message.contains("its compressed data overlaps another entry's"), "{message}");
    }
}

#[test]
fn an_archive_stops_inflating_at_its_limit_in_all_and_says_what_it_left() {
    // Six samples of 900 KB: each within the entry limit, 5.4 MB together over the 4 MiB.
    let bytes = bombs::many_entries(6, 900 << 10);
    let (rollouts, problems) =
        decode_inspect_eval_bytes(&bytes, "many.eval", &SMALL, &Default::default()).unwrap();
    assert_eq!(ids(&rollouts), (1..=4).map(bombs::id).collect::<Vec<_>>(), "{problems:?}");
    let problems = entry_problems(&problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, "samples/5_epoch_1.json");
    assert!(
        problems[0].1.contains("the archive inflates to more than the 4 MiB limit (--max-file"),
        "{problems:?}"
    );
    assert_eq!(problems[1].1, "1 more sample entries not read: the archive reached its limit");
}
