//! Bad `.eval` archives through both loaders (the eager decoder on bytes, and `Study::load` on
//! a file, which indexes lazily): an archive cut off mid-write gives every complete sample and
//! one warning; 100,000 entries load quickly with their problems listed up to a bound and
//! counted; names that climb out of the archive are problems naming them, never samples.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rollscope::formats::inspect::{InspectOptions, decode_inspect_eval_bytes};
use rollscope::load::LoadOptions;
use rollscope::model::{ReadLimits, Rollout};
use rollscope::study::Study;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const POPULARITY: &str = "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval";

/// Where the popularity fixture's central directory starts, after its 15 entries.
const DIRECTORY: usize = 19_997;

fn popularity() -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect").join(POPULARITY))
        .unwrap()
}

fn popularity_id(sample: u64) -> String {
    format!("popularity/{sample}/epoch1")
}

/// A problem as (entry, message): the file it names differs between the loaders.
type Found = (Option<String>, String);

/// What the eager decoder reads from `bytes`: the rollouts and the problems.
fn eager(bytes: &[u8]) -> (Vec<Rollout>, Vec<Found>) {
    let (rollouts, problems) =
        decode_inspect_eval_bytes(bytes, "x.eval", &ReadLimits::default(), &InspectOptions::default())
            .unwrap();
    (rollouts, problems.into_iter().map(|p| (p.entry, p.message)).collect())
}

/// Reads `bytes` both ways, checks that the study gives exactly the eager decoder's rollouts
/// (each decoded again from its entry) and problems, and returns the ids and the problems.
fn both(bytes: &[u8]) -> (Vec<String>, Vec<Found>) {
    let (rollouts, problems) = eager(bytes);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.eval");
    std::fs::write(&path, bytes).unwrap();
    let study = Study::load(&[path], &LoadOptions { threads: 2, ..LoadOptions::default() });
    let found: Vec<Found> = study.problems.iter().map(|p| (p.entry.clone(), p.message.clone())).collect();
    assert_eq!(found, problems, "the study's problems");
    assert_eq!(study.rollouts.len(), rollouts.len());
    for (i, want) in rollouts.iter().enumerate() {
        assert_eq!(&study.read_rollout(i).unwrap(), want, "rollout {i}");
    }
    (rollouts.into_iter().map(|r| r.id).collect(), problems)
}

fn cut_warning(samples: usize, at: &str) -> Found {
    let message = format!(
        "the archive is cut off (no central directory, a run killed mid-write?): {samples} complete \
         sample entries read, the rest lost from byte {at}"
    );
    (None, message)
}

#[test]
fn a_cut_archive_gives_every_complete_sample_and_one_warning() {
    let bytes = popularity();
    let (whole, problems) = eager(&bytes);
    assert!(problems.is_empty(), "{problems:?}");
    // The fixture's entries, in the order they were written: the journal (bytes 0-705), samples
    // 9 (to 2,399), 6, 10, 5, 8 (to 9,108), 4, 7, 3, 1, 2 (to 17,570), summaries and reductions,
    // and the header (19,132 to 19,997), then the central directory.
    let cases: [(usize, &[u64], &str); 5] = [
        (705, &[], "705"),
        (9_108 + 700, &[5, 6, 8, 9, 10], "9,108"),
        (17_570, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "17,570"),
        (17_570 + 100, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "17,570"),
        (bytes.len() - 1, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "19,997"),
    ];
    for (cut, samples, at) in cases {
        let (ids, problems) = both(&bytes[..cut]);
        assert_eq!(ids, samples.iter().map(|s| popularity_id(*s)).collect::<Vec<_>>(), "cut at {cut}");
        assert_eq!(problems, [cut_warning(samples.len(), at)], "cut at {cut}");
        // Each exactly as the whole archive gives it (the header read from the journal when
        // header.json was lost).
        let (rollouts, _) = eager(&bytes[..cut]);
        let same: Vec<&Rollout> = whole.iter().filter(|r| rollouts.iter().any(|c| c.id == r.id)).collect();
        assert_eq!(rollouts.iter().collect::<Vec<_>>(), same, "cut at {cut}");
    }
    assert_eq!(&bytes[DIRECTORY..DIRECTORY + 4], b"PK\x01\x02");
    // Cut inside the first entry: nothing to read, a clear error.
    for cut in [0, 30, 704] {
        let error = decode_inspect_eval_bytes(
            &bytes[..cut],
            "x.eval",
            &ReadLimits::default(),
            &InspectOptions::default(),
        )
        .unwrap_err();
        assert!(error.message.starts_with("not a readable .eval archive (zip): "), "{cut}: {error}");
    }
}

/// The popularity fixture's entries (name, data), in order.
fn popularity_entries() -> Vec<(String, Vec<u8>)> {
    let mut archive = ZipArchive::new(Cursor::new(popularity())).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().unwrap().to_string(), data)
        })
        .collect()
}

/// The popularity fixture with `extra` entries (name, data) written after its own.
fn popularity_with(extra: impl IntoIterator<Item = (String, Vec<u8>)>) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in popularity_entries() {
        zip.start_file(name, deflated).unwrap();
        zip.write_all(&data).unwrap();
    }
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, data) in extra {
        zip.start_file(name, stored).unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_hundred_thousand_empty_entries_load_quickly_with_their_problems_counted() {
    // Every other entry an empty sample (a JSON error each), the others not samples at all.
    let empty = (0..100_000u64).map(|k| match k % 2 {
        0 => (format!("samples/{}_epoch_1.json", 1000 + k / 2), Vec::new()),
        _ => (format!("junk/{k}.txt"), Vec::new()),
    });
    let bytes = popularity_with(empty);
    let started = Instant::now();
    let (ids, problems) = both(&bytes);
    let took = started.elapsed();
    println!("100,000 empty entries, both loaders: {took:?}");
    assert_eq!(ids, (1..=10).map(popularity_id).collect::<Vec<_>>());
    assert_eq!(problems.len(), 101, "{:?}", &problems[..3]);
    for (k, (entry, message)) in problems[..100].iter().enumerate() {
        assert_eq!(entry.as_deref(), Some(format!("samples/{}_epoch_1.json", 1000 + k).as_str()));
        assert_eq!(message, "sample skipped: EOF while parsing a value");
    }
    let summary = "49,900 more entries not read, not listed one by one (the first 100 are)";
    assert_eq!(problems[100], (None, summary.to_string()));
    // Debug build, two loaders, a shared machine: generous; a release build is far quicker.
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn names_that_climb_out_of_the_archive_are_problems_never_samples() {
    let hostile = [
        "samples/../../etc/x_epoch_1.json",
        "/abs/x.json",
        "samples/..\\x_epoch_1.json",
        "samples/x\0_epoch_1.json",
    ];
    // Each a valid sample, which must not load.
    let sample = br#"{"id": 666, "epoch": 1, "messages": [{"role": "user", "content": "hi"}]}"#;
    let bytes = popularity_with(hostile.map(|name| (name.to_string(), sample.to_vec())));
    let refused = |name: &str| {
        let message = "the entry's name is not a plain relative path (a hostile archive?): not read";
        (Some(name.to_string()), message.to_string())
    };
    let expected: Vec<Found> = [
        "samples/../../etc/x_epoch_1.json",
        "/abs/x.json",
        "samples/..\\x_epoch_1.json",
        "samples/x␀_epoch_1.json",
    ]
    .map(refused)
    .to_vec();
    let (ids, problems) = both(&bytes);
    assert_eq!(ids, (1..=10).map(popularity_id).collect::<Vec<_>>());
    assert_eq!(problems, expected);
    // Cut off before the directory, the same, after the warning.
    let directory = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let (ids, problems) = both(&bytes[..directory]);
    assert_eq!(ids, (1..=10).map(popularity_id).collect::<Vec<_>>());
    let mut with_cut = vec![cut_warning(10, &thousands(directory))];
    with_cut.extend(expected);
    assert_eq!(problems, with_cut);
}

fn thousands(n: usize) -> String {
    rollscope::model::problem::thousands(n)
}
