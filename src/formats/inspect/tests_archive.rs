//! Built `.eval` archives: zstd entries, truncated files, corrupt sample entries, and a
//! missing header, all made in the test from the real archives.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::tests_real::{fixture, load};
use super::*;
use crate::model::ReadLimits;
use crate::model::problem::Severity;

const POPULARITY: &str = "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval";

/// Every entry of an archive, in order.
pub fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.push((entry.name().unwrap().into_owned(), data));
    }
    out
}

pub fn write_zip<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8], CompressionMethod)>) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, method) in entries {
        zip.start_file(name, SimpleFileOptions::default().compression_method(method)).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn zstd_entries_read_like_deflate_ones() {
    let original = entries(&fixture("log_read_sample.eval"));
    let zstd = write_zip(original.iter().map(|(n, d)| (n.as_str(), d.as_slice(), CompressionMethod::Zstd)));
    let mut archive = ZipArchive::new(Cursor::new(&zstd)).unwrap();
    for i in 0..archive.len() {
        assert_eq!(archive.by_index(i).unwrap().compression(), CompressionMethod::Zstd);
    }
    let (from_bytes, problems) =
        decode_inspect_eval_bytes(&zstd, "z.eval", &ReadLimits::default(), &InspectOptions::default())
            .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(from_bytes, load("log_read_sample.eval"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.eval");
    std::fs::write(&path, &zstd).unwrap();
    assert_eq!(
        decode_inspect_eval(&path, "z.eval", &ReadLimits::default(), &InspectOptions::default()).unwrap().0,
        from_bytes
    );
}

#[test]
fn truncated_or_foreign_archives_are_clear_errors() {
    let bytes = fixture(POPULARITY);
    // Cut inside the first entry (the journal's 705 bytes): nothing complete to read.
    for n in [0, 30, 704] {
        let err = decode_inspect_eval_bytes(
            &bytes[..n],
            "cut.eval",
            &ReadLimits::default(),
            &InspectOptions::default(),
        )
        .unwrap_err();
        assert_eq!((err.path.as_str(), err.severity), ("cut.eval", Severity::Error));
        assert!(err.message.starts_with("not a readable .eval archive (zip): "), "{n}: {err}");
    }
    // Cut in the middle: the samples before the cut, and a warning (the cut points, the ids
    // and the texts are in tests/inspect_bad_input.rs).
    let (rollouts, problems) = decode_inspect_eval_bytes(
        &bytes[..bytes.len() / 2],
        "cut.eval",
        &ReadLimits::default(),
        &InspectOptions::default(),
    )
    .unwrap();
    assert_eq!(rollouts.len(), 5);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.starts_with("the archive is cut off"), "{problems:?}");
    let err = decode_inspect_eval_bytes(
        &fixture("log_read_sample.json"),
        "j.eval",
        &ReadLimits::default(),
        &InspectOptions::default(),
    )
    .unwrap_err();
    assert!(err.message.contains("not a readable .eval archive"), "{err}");
    let other = write_zip([("notes.txt", &b"hi"[..], CompressionMethod::Deflated)]);
    let err = decode_inspect_eval_bytes(&other, "o.eval", &ReadLimits::default(), &InspectOptions::default())
        .unwrap_err();
    assert!(err.message.contains("no header.json and no samples/"), "{err}");
    let err = decode_inspect_eval(
        std::path::Path::new("/nonexistent/x.eval"),
        "x.eval",
        &ReadLimits::default(),
        &InspectOptions::default(),
    )
    .unwrap_err();
    assert!(err.message.starts_with("cannot open: "), "{err}");
}

#[test]
fn corrupt_sample_entries_are_warnings_and_the_rest_loads() {
    let mut all = entries(&fixture(POPULARITY));
    let marker = b"If possible, other intelligent systems";
    for (name, data) in &mut all {
        match name.as_str() {
            "samples/3_epoch_1.json" => data.truncate(200),
            "samples/5_epoch_1.json" => assert!(data.windows(marker.len()).any(|w| w == marker)),
            "samples/8_epoch_1.json" => *data = b"{\"id\": 8, \"epoch\": 1, \"messages\": [1]}".to_vec(),
            _ => {}
        }
    }
    // Sample 5 is stored uncompressed, then one byte of it is changed: a CRC failure.
    let mut zipped = write_zip(all.iter().map(|(n, d)| {
        let stored = n == "samples/5_epoch_1.json";
        let method = if stored { CompressionMethod::Stored } else { CompressionMethod::Deflated };
        (n.as_str(), d.as_slice(), method)
    }));
    let at = zipped.windows(marker.len()).position(|w| w == marker).unwrap();
    zipped[at] = b'J';
    let (rollouts, problems) =
        decode_inspect_eval_bytes(&zipped, "c.eval", &ReadLimits::default(), &InspectOptions::default())
            .unwrap();
    let ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
    let expected = [1, 2, 4, 6, 7, 9, 10].map(|i| format!("popularity/{i}/epoch1"));
    assert_eq!(ids, expected);
    let entries: Vec<Option<&str>> = problems.iter().map(|p| p.entry.as_deref()).collect();
    let names = ["samples/3_epoch_1.json", "samples/5_epoch_1.json", "samples/8_epoch_1.json"];
    assert_eq!(entries, names.map(Some));
    assert!(problems.iter().all(|p| p.severity == Severity::Warning && p.path == "c.eval"));
    assert!(problems[0].message.contains("EOF") && problems[0].line.is_some(), "{}", problems[0]);
    let crc = &problems[1].message;
    assert!(crc.contains("cannot read entry data") && crc.contains("checksum"), "{crc}");
    assert!(problems[2].message.contains("message 0 is a number"), "{}", problems[2]);
}

#[test]
fn archive_headers_fall_back_to_the_journal() {
    let all = entries(&fixture("log_read_sample.eval"));
    let without = |skip: &[&str]| {
        write_zip(
            all.iter()
                .filter(|(n, _)| !skip.contains(&n.as_str()))
                .map(|(n, d)| (n.as_str(), d.as_slice(), CompressionMethod::Deflated)),
        )
    };
    let (rollouts, problems) = decode_inspect_eval_bytes(
        &without(&["header.json"]),
        "j",
        &ReadLimits::default(),
        &InspectOptions::default(),
    )
    .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(rollouts, load("log_read_sample.eval"));
    let bare = without(&["header.json", "_journal/start.json"]);
    let (rollouts, problems) =
        decode_inspect_eval_bytes(&bare, "n", &ReadLimits::default(), &InspectOptions::default()).unwrap();
    assert_eq!(rollouts[0].id, "inspect/1/epoch1");
    assert!(problems[0].message.contains("no header.json"), "{problems:?}");
    let samples_only = without(&["samples/1_epoch_1.json"]);
    let (rollouts, problems) =
        decode_inspect_eval_bytes(&samples_only, "e", &ReadLimits::default(), &InspectOptions::default())
            .unwrap();
    assert!(rollouts.is_empty());
    assert!(problems.iter().any(|p| p.message.contains("no samples")), "{problems:?}");
}
