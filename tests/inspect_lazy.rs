//! Inspect logs (`.eval` archives and JSON logs) are indexed on every core and each sample
//! decoded again when it is shown: the lazy path must give exactly what decoding the whole log
//! at once gives (the eager decoders, kept for logs in memory and for JSON the layout cannot
//! read), in the same order, within the same limits.
#![allow(clippy::unwrap_used)]

#[path = "hostile/bombs.rs"]
mod bombs;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use rollscope::formats::inspect::{InspectOptions, decode_inspect_eval, decode_inspect_json};
use rollscope::load::LoadOptions;
use rollscope::model::{Locator, ReadLimits, Rollout};
use rollscope::study::Study;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect")
}

fn load(path: &Path, threads: usize, limits: ReadLimits) -> Study {
    Study::load(&[path.to_path_buf()], &LoadOptions { threads, limits, ..LoadOptions::default() })
}

/// Every rollout read back through the study equals the eager decoder's, in order.
fn assert_same_as_eager(path: &Path, threads: usize) -> usize {
    let (eager, _) =
        decode_inspect_eval(path, "x.eval", &ReadLimits::default(), &InspectOptions::default()).unwrap();
    let study = load(path, threads, ReadLimits::default());
    assert_eq!(study.rollouts.len(), eager.len(), "{}", path.display());
    for (i, want) in eager.iter().enumerate() {
        let summary = &study.rollouts[i];
        assert_eq!(summary.locator, Locator::Entry(i as u32), "decoded again when shown, not held");
        assert_eq!(&*summary.id, want.id);
        let got: Rollout = study.read_rollout(i).unwrap();
        assert_eq!(&got, want, "{} rollout {i}", path.display());
        let assistant = want.messages.iter().filter(|m| m.role == rollscope::model::Role::Assistant).count();
        assert_eq!(summary.n_turns as usize, assistant);
        assert_eq!(summary.n_messages as usize, want.messages.len());
    }
    eager.len()
}

#[test]
fn every_fixture_archive_reads_the_same_lazily_as_whole() {
    let mut total = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "eval") {
            total += assert_same_as_eager(&path, 2);
        }
    }
    assert_eq!(total, 12, "10 + 1 + 1 samples in the three fixture archives");
}

/// The popularity fixture's samples, copied `n` times under new ids, alternately deflated and
/// zstd-compressed (inspect_ai writes either), with its header and the journal.
fn grown(n: usize) -> Vec<u8> {
    let bytes =
        std::fs::read(fixtures().join("2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"))
            .unwrap();
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut samples = Vec::new();
    let mut others = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data: Vec<u8> = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        match name.starts_with("samples/") {
            true => samples.push(serde_json::from_slice::<serde_json::Value>(&data).unwrap()),
            false => others.push((name, data)),
        }
    }
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for k in 0..n {
        let mut sample = samples[k % samples.len()].clone();
        let method = if k % 2 == 0 { CompressionMethod::Deflated } else { CompressionMethod::Zstd };
        // Completion order, not sample order: the reader sorts by id.
        let name = format!("samples/{}_epoch_1.json", n - k);
        sample["id"] = serde_json::json!(n - k);
        zip.start_file(name, SimpleFileOptions::default().compression_method(method)).unwrap();
        zip.write_all(&serde_json::to_vec(&sample).unwrap()).unwrap();
    }
    for (name, data) in others {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_grown_archive_reads_the_same_on_one_worker_or_many_in_sample_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grown.eval");
    std::fs::write(&path, grown(300)).unwrap();
    assert_eq!(assert_same_as_eager(&path, 1), 300);
    assert_eq!(assert_same_as_eager(&path, 3), 300);
    let study = load(&path, 2, ReadLimits::default());
    let ids: Vec<String> = study.rollouts.iter().map(|r| r.id.to_string()).collect();
    let numbers: Vec<u64> = ids.iter().map(|id| id.split('/').nth(1).unwrap().parse().unwrap()).collect();
    assert_eq!(numbers, (1..=300).collect::<Vec<u64>>(), "numeric sample order: {ids:?}");
    assert!(study.problems.is_empty(), "{:?}", study.problems);
}

#[test]
fn the_limits_hold_on_the_lazy_path_and_say_what_was_left() {
    const MIB: u64 = 1 << 20;
    let small = ReadLimits { file: 4 * MIB, label_file: MIB, entry: MIB };
    let dir = tempfile::tempdir().unwrap();
    // Six samples of 900 KB: each within the entry limit, 5.4 MB together over the 4 MiB.
    let path = dir.path().join("many.eval");
    std::fs::write(&path, bombs::many_entries(6, 900 << 10)).unwrap();
    let study = load(&path, 2, small);
    let ids: Vec<String> = study.rollouts.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids, (1..=4).map(bombs::id).collect::<Vec<_>>(), "{:?}", study.problems);
    let messages: Vec<(Option<&str>, &str)> =
        study.problems.iter().map(|p| (p.entry.as_deref(), p.message.as_str())).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0].0, Some("samples/5_epoch_1.json"));
    assert!(messages[0].1.contains("the archive inflates to more than the 4 MiB limit"), "{messages:?}");
    assert_eq!(messages[1].1, "1 more sample entries not read: the archive reached its limit");
    // A sample shown again is held to the entry limit only: the archive's count was for indexing.
    assert_eq!(study.read_rollout(3).unwrap().id, bombs::id(4));
    // One entry past the entry limit (its size honest, or lying) is a problem naming it; the
    // others load.
    for bytes in [bombs::big_entry(3 << 20), bombs::lying_entry(3 << 20, 100)] {
        let path = dir.path().join("big.eval");
        std::fs::write(&path, bytes).unwrap();
        let study = load(&path, 2, small);
        let ids: Vec<String> = study.rollouts.iter().map(|r| r.id.to_string()).collect();
        assert_eq!(ids, [bombs::id(1), bombs::id(3)]);
        assert_eq!(study.problems.len(), 1, "{:?}", study.problems);
        assert_eq!(study.problems[0].entry.as_deref(), Some("samples/2_epoch_1.json"));
    }
    // Entries sharing one compressed stream are refused, each named.
    let path = dir.path().join("shared.eval");
    std::fs::write(&path, bombs::shared_stream(100 << 10, 9)).unwrap();
    let study = load(&path, 2, ReadLimits::default());
    assert_eq!(study.rollouts.len(), 1, "{:?}", study.problems);
    assert_eq!(study.problems.len(), 10);
    assert!(
        study.problems.iter().all(|p| p.message.contains("its compressed data overlaps another entry's"))
    );
}

/// Every sample of a JSON log read back through the study equals the eager decoder's, and the
/// problems are the same at the same line and column.
fn assert_json_same_as_eager(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let display = path.to_string_lossy().to_string();
    let (eager, eager_problems) = decode_inspect_json(&bytes, &display, &InspectOptions::default()).unwrap();
    let study = load(path, 2, ReadLimits::default());
    assert_eq!(study.rollouts.len(), eager.len(), "{display}: {:?}", study.problems);
    for (i, want) in eager.iter().enumerate() {
        assert!(matches!(study.rollouts[i].locator, Locator::Span { .. }), "decoded again when shown");
        assert_eq!(&study.read_rollout(i).unwrap(), want, "{display} rollout {i}");
    }
    let places = |problems: &[rollscope::model::Problem]| -> Vec<(Option<u64>, Option<u64>)> {
        problems.iter().filter(|p| p.message.contains("skipped")).map(|p| (p.line, p.column)).collect()
    };
    assert_eq!(places(&study.problems), places(&eager_problems), "{display}");
    eager.len()
}

#[test]
fn every_fixture_json_log_reads_the_same_lazily_as_whole() {
    let mut total = 0;
    for name in [
        "log_read_sample.json",
        "log_images_tc.json",
        "2025-05-12T20-27-36-04-00_browser.json",
        "2025-05-12T20-28-26-04-00_security-guide.json",
        "built_judged.json",
        "built_turn_values.json",
    ] {
        total += assert_json_same_as_eager(&fixtures().join(name));
    }
    assert!(total >= 8, "{total}");
}

#[test]
fn a_json_log_with_broken_samples_nan_and_a_bom_reads_the_same_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.json");
    let sample = |id: u64, text: &str| {
        format!(
            r#"{{"id": {id}, "epoch": 1, "scores": {{"s": {{"value": NaN}}}}, "messages": [{{"role": "user", "content": "q"}}, {{"role": "assistant", "content": "{text}"}}]}}"#
        )
    };
    let samples = [
        sample(1, "one"),
        "\n  [1, 2]".to_string(),
        sample(3, "three \\\\ ]"),
        "{\"id\": 4, \"messages\": 5}".to_string(),
        sample(5, "five"),
    ];
    let text = format!(
        "\u{feff}{{\"version\": 2, \"status\": \"success\",\n \"eval\": {{\"task\": \"t\", \"model\": \"m\"}},\n \"samples\": [\n  {}]}}\n",
        samples.join(",\n  ")
    );
    std::fs::write(&path, text).unwrap();
    assert_eq!(assert_json_same_as_eager(&path), 3);
    let study = load(&path, 2, ReadLimits::default());
    let skipped: Vec<String> = study.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].ends_with(":6:3: warning: sample 1 skipped: expected a sample object, found an array")
    );
    assert!(
        skipped[1]
            .ends_with(":8:3: warning: sample 3 skipped: \"messages\" must be an array, found a number")
    );
}

#[test]
fn a_json_log_the_layout_cannot_read_gets_the_full_parser_s_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.json");
    let whole = std::fs::read(fixtures().join("log_read_sample.json")).unwrap();
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let study = load(&path, 2, ReadLimits::default());
    assert!(study.rollouts.is_empty());
    let message = study.problems[0].to_string();
    assert!(message.contains("EOF while parsing"), "{message}");
}

#[test]
fn a_long_json_log_is_read_in_two_batches_the_same_and_a_cut_one_keeps_what_came_before() {
    let dir = tempfile::tempdir().unwrap();
    let sample = |id: usize| {
        format!(
            r#"{{"id": {id}, "epoch": 1, "messages": [{{"role": "user", "content": "q"}}, {{"role": "assistant", "content": "a{id}"}}]}}"#
        )
    };
    // 150 samples (more than the first batch), the 71st not a sample.
    let samples: Vec<String> =
        (0..150).map(|i| if i == 70 { "[70]".to_string() } else { sample(i) }).collect();
    let text = format!("{{\"eval\": {{\"task\": \"t\"}},\n\"samples\": [\n{}\n]}}\n", samples.join(",\n"));
    let path = dir.path().join("long.json");
    std::fs::write(&path, &text).unwrap();
    assert_eq!(assert_json_same_as_eager(&path), 149);
    let study = load(&path, 2, ReadLimits::default());
    assert_eq!(study.problems.len(), 1);
    assert!(
        study.problems[0]
            .to_string()
            .ends_with(":73:1: warning: sample 70 skipped: expected a sample object, found an array"),
        "{}",
        study.problems[0]
    );
    // Cut inside sample 100: the 99 before it load (sample 70 is still not one), and the full
    // parser says where the file ends.
    let cut = &text[..text.find("\"a100\"").unwrap()];
    std::fs::write(&path, cut).unwrap();
    let study = load(&path, 2, ReadLimits::default());
    assert_eq!(study.rollouts.len(), 99);
    assert_eq!(study.read_rollout(98).unwrap().messages[1].text, "a99");
    let last = study.problems.last().unwrap().to_string();
    assert!(last.contains("EOF while parsing"), "{last}");
}
