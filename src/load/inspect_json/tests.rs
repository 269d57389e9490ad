//! Windows of any size index a log as reading it whole does: the same rows, the same problems
//! at the same lines and columns, the same bytes read.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::*;
use crate::formats::Format;
use crate::formats::inspect::InspectOptions;
use crate::load::{HeldRollout, Origin};
use crate::model::{Hatch, ReadLimits};

/// Rows, problems and bytes read, as the sink saw them.
type Seen = (Vec<RolloutSummary>, Vec<Problem>, u64);

fn source(path: &Path, log: JsonLog) -> Source {
    Source {
        display: path.display().to_string(),
        origin: Origin::File(path.to_path_buf()),
        format: Format::InspectJson,
        decoded: Vec::new(),
        size: std::fs::metadata(path).unwrap().len(),
        held: HeldRollout::default(),
        archive: None,
        json_log: Some(Arc::new(log)),
        parquet: None,
    }
}

fn collect(run: impl FnOnce(&Sink)) -> Seen {
    let seen = Mutex::new((Vec::new(), Vec::new(), 0));
    run(&|event| {
        let mut seen = seen.lock().unwrap();
        match event {
            LoadEvent::Rollouts(rows) => seen.0.extend(rows),
            LoadEvent::Problem(problem) => seen.1.push(problem),
            LoadEvent::BytesRead(n) => seen.2 += n,
            _ => {}
        }
    });
    seen.into_inner().unwrap()
}

/// The log read in windows of `sizes`; whether its samples broke off.
fn windowed(path: &Path, sizes: (usize, usize)) -> (Seen, bool) {
    let limit = ReadLimits::default().rollout_file();
    let options = InspectOptions::default();
    let mut window = Window::sized(path, limit, sizes).unwrap();
    let mut head = JsonLog::open_head(&window.buf, &options);
    while head.is_none() && !window.eof {
        window.read_more().unwrap();
        head = JsonLog::open_head(&window.buf, &options);
    }
    let (log, first) = head.expect("the head of the log is read");
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    let mut broken = false;
    let seen = collect(|sink| {
        broken = stream_inspect_json(source(path, log), &mut window, first, &ctx, 2, sink).unwrap();
    });
    (seen, broken)
}

fn whole(path: &Path) -> Seen {
    let bytes = std::fs::read(path).unwrap();
    let (log, samples) = JsonLog::open(&bytes, &InspectOptions::default()).unwrap();
    let hatch = Hatch::default();
    let ctx = IndexContext { hatch: &hatch, source: 0, hash_turns: false, visitor: None };
    collect(|sink| index_inspect_json(source(path, log), &bytes, &samples, &ctx, 2, sink))
}

const SIZES: [(usize, usize); 4] = [(1, 1), (7, 13), (300, 64), (1 << 20, 8 << 20)];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect").join(name)
}

#[test]
fn windows_of_any_size_read_what_the_whole_file_reads() {
    // A pretty-printed log with a sample that cannot be read in the middle: its problem's
    // line and column are counted across windows.
    let dir = tempfile::tempdir().unwrap();
    let pretty = std::fs::read_to_string(fixture("log_read_sample.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    let samples = value["samples"].as_array_mut().unwrap();
    let copies: Vec<serde_json::Value> = (0..4).flat_map(|_| samples.clone()).collect();
    *samples = copies;
    let text = serde_json::to_string_pretty(&value).unwrap();
    let second = text.match_indices("\"epoch\":").nth(1).unwrap().0;
    let broken_sample = format!("{}\"epoch\";{}", &text[..second], &text[second + 8..]);
    let with_problem = dir.path().join("problem.json");
    std::fs::write(&with_problem, broken_sample).unwrap();

    for path in [
        fixture("log_read_sample.json"),
        fixture("2025-05-12T20-28-26-04-00_security-guide.json"),
        with_problem.clone(),
    ] {
        let reference = whole(&path);
        assert!(!reference.0.is_empty(), "{}", path.display());
        assert_eq!(reference.2, std::fs::metadata(&path).unwrap().len());
        for sizes in SIZES {
            let (seen, broken) = windowed(&path, sizes);
            assert!(!broken);
            assert_eq!(seen, reference, "{} in windows of {sizes:?}", path.display());
        }
    }
    let (seen, _) = windowed(&with_problem, (7, 13));
    assert_eq!(seen.1.len(), 1, "{:?}", seen.1);
    let expected_line = text[..second].matches('\n').count() as u64 + 1;
    assert!(seen.1[0].message.contains("skipped"), "{:?}", seen.1[0]);
    assert!(seen.1[0].line.is_some_and(|l| l > 1 && l < expected_line), "{:?}", seen.1[0]);
}

#[test]
fn a_log_cut_short_keeps_the_samples_before_the_cut_in_windows_of_any_size() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(fixture("2025-05-12T20-28-26-04-00_security-guide.json")).unwrap();
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, &full[..full.len() * 3 / 4]).unwrap();
    let (reference, broken) = windowed(&cut, (1 << 20, 8 << 20));
    assert!(broken);
    for sizes in SIZES {
        assert_eq!(windowed(&cut, sizes), (reference.clone(), true), "windows of {sizes:?}");
    }
}
