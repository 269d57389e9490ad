//! Listing an archive's entries: the central directory within its bound, the local headers of
//! an archive cut off before it, names that climb out, and problems listed up to a bound.
//! Whole archives cut at many points, 100,000 entries and hostile names through both loaders
//! are in tests/inspect_bad_input.rs.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::entries::{Entries, MAX_ENTRIES, Partial, Skipped, is_plain_name};
use super::tests_archive::{entries, write_zip};
use super::tests_real::fixture;
use super::*;
use crate::model::ReadLimits;

const POPULARITY: &str = "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval";

/// Where the fixture's local headers start: the journal's, then samples 9, 6, 10, 5 and 8 (in
/// the order they completed).
const JOURNAL_END: u64 = 705;
const SAMPLE_4_AT: u64 = 9108;

fn names<R: std::io::Read + std::io::Seek>(entries: &Entries<R>) -> Vec<String> {
    (0..entries.len()).map(|i| entries.name(i).unwrap().into_owned()).collect()
}

#[test]
fn a_directory_past_the_bound_is_read_up_to_it() {
    let bytes = fixture(POPULARITY);
    let (entries, partial) = Entries::open(Cursor::new(&bytes[..]), 5).unwrap();
    assert!(matches!(entries, Entries::Central { .. }));
    assert_eq!(partial, Some(Partial::Over { listed: 15, read: 5 }));
    assert_eq!(entries.len(), 5);
    // The header is found wherever it is (inspect_ai writes it last).
    assert_eq!(entries.find("header.json"), Some(14));
    let (_, partial) = Entries::open(Cursor::new(&bytes[..]), MAX_ENTRIES).unwrap();
    assert_eq!(partial, None);
}

#[test]
fn a_cut_archive_is_listed_from_its_local_headers() {
    let bytes = fixture(POPULARITY);
    let cut = &bytes[..SAMPLE_4_AT as usize + 100];
    let (entries, partial) = Entries::open(Cursor::new(cut), MAX_ENTRIES).unwrap();
    assert!(matches!(entries, Entries::Local { .. }));
    assert_eq!(partial, Some(Partial::Cut { at: SAMPLE_4_AT, bound: None }));
    let samples = [9, 6, 10, 5, 8].map(|id| format!("samples/{id}_epoch_1.json"));
    let mut expected = vec!["_journal/start.json".to_string()];
    expected.extend(samples);
    assert_eq!(names(&entries), expected);
    assert_eq!(entries.find("header.json"), None);
    // The scan stops at the bound too.
    let (entries, partial) = Entries::open(Cursor::new(cut), 3).unwrap();
    assert_eq!(partial, Some(Partial::Cut { at: 4078, bound: Some(3) }));
    assert_eq!(entries.len(), 3);
    // Cut right after an entry: that entry is complete.
    let (entries, partial) = Entries::open(Cursor::new(&bytes[..JOURNAL_END as usize]), 9).unwrap();
    assert_eq!(
        (names(&entries), partial),
        (vec![expected[0].clone()], Some(Partial::Cut { at: 705, bound: None }))
    );
    // Nothing complete: the zip crate's reason.
    for n in [0, 30, JOURNAL_END as usize - 1] {
        let error = Entries::open(Cursor::new(&bytes[..n]), 9).unwrap_err();
        assert!(error.to_string().contains("EOCD"), "{n}: {error}");
    }
}

#[test]
fn zip64_sizes_in_a_local_header_are_read() {
    let original = entries(&fixture("log_read_sample.eval"));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
    for (name, data) in &original {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(data).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let directory = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    assert_eq!(bytes[18..26], [0xff; 8], "the sizes are in the ZIP64 extra field");
    let (entries, partial) = Entries::open(Cursor::new(&bytes[..directory]), 9).unwrap();
    assert_eq!(partial, Some(Partial::Cut { at: directory as u64, bound: None }));
    assert_eq!(entries.len(), original.len());
    let (rollouts, _) = decode_inspect_eval_bytes(
        &bytes[..directory],
        "z",
        &ReadLimits::default(),
        &InspectOptions::default(),
    )
    .unwrap();
    assert_eq!(rollouts, super::tests_real::load("log_read_sample.eval"));
}

#[test]
fn entries_with_their_sizes_after_the_data_end_the_scan() {
    // A writer that cannot seek back (a pipe) puts the sizes after the data: where an entry
    // ends is then unknown.
    let mut zip = ZipWriter::new_stream(Vec::new());
    for (name, data) in entries(&fixture("log_read_sample.eval")) {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(&data).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert_ne!(bytes[6] & 0x8, 0, "sizes after the data");
    assert!(Entries::open(Cursor::new(&bytes[..bytes.len() - 30]), 9).is_err());
}

#[test]
fn names_that_climb_out_or_hide_controls_are_not_plain() {
    for plain in ["header.json", "samples/1_epoch_1.json", "samples/a..b_epoch_1.json", "samples/a\\b.json"] {
        assert!(is_plain_name(plain), "{plain}");
    }
    for hostile in [
        "samples/../../etc/x_epoch_1.json",
        "samples/..\\x_epoch_1.json",
        "..",
        "/abs/x.json",
        "\\abs\\x.json",
        "C:x.json",
        "samples/x\0_epoch_1.json",
        "samples/\u{1b}[2J_epoch_1.json",
    ] {
        assert!(!is_plain_name(hostile), "{hostile:?}");
    }
}

#[test]
fn the_problems_of_entries_not_read_are_listed_up_to_a_bound_then_counted() {
    let mut skipped = Skipped::default();
    let listed = (0..1000).filter_map(|i| skipped.list(Problem::file("x.eval", format!("{i}")))).count();
    assert_eq!(listed, 100);
    assert_eq!(
        skipped.summary("x.eval").unwrap().message,
        "900 more entries not read, not listed one by one (the first 100 are)"
    );
    assert!(Skipped::default().summary("x.eval").is_none());
}

#[test]
fn partial_archives_say_what_was_read() {
    let say = |partial: Partial| partial.warning("x.eval", 1234).message;
    assert_eq!(
        say(Partial::Over { listed: 250_000, read: 200_000 }),
        "the archive lists 250,000 entries, more than the 200,000 read from one archive: \
         1,234 sample entries read, the rest not read"
    );
    assert_eq!(
        say(Partial::Cut { at: 9108, bound: None }),
        "the archive is cut off (no central directory, a run killed mid-write?): \
         1,234 complete sample entries read, the rest lost from byte 9,108"
    );
    assert_eq!(
        say(Partial::Cut { at: 9108, bound: Some(200_000) }),
        "the archive has no central directory: 1,234 sample entries read from its first \
         200,000 entries, the rest not read from byte 9,108"
    );
}

#[test]
fn a_cut_archive_checks_each_entry_and_keeps_its_limits() {
    // Sample 2 stored with one byte changed (a CRC failure), samples 1, 3, 4 and 5 over an
    // entry limit of 8,400 bytes (the others are 8,255 to 8,399); the directory cut off.
    let all = entries(&fixture(POPULARITY));
    let mut zipped = write_zip(all.iter().map(|(n, d)| {
        let stored = n == "samples/2_epoch_1.json";
        (
            n.as_str(),
            d.as_slice(),
            if stored { CompressionMethod::Stored } else { CompressionMethod::Deflated },
        )
    }));
    let marker = b"Is the following statement";
    let two = zipped.windows(22).position(|w| w == b"samples/2_epoch_1.json").unwrap();
    let at = two + zipped[two..].windows(marker.len()).position(|w| w == marker).unwrap();
    zipped[at] = b'J';
    let directory = zipped.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let limits = ReadLimits { entry: 8400, ..ReadLimits::default() };
    let (rollouts, problems) =
        decode_inspect_eval_bytes(&zipped[..directory], "c.eval", &limits, &InspectOptions::default())
            .unwrap();
    let ids: Vec<&str> = rollouts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [6, 7, 8, 9, 10].map(|id| format!("popularity/{id}/epoch1")));
    let found: Vec<(Option<&str>, &str)> =
        problems.iter().map(|p| (p.entry.as_deref(), p.message.as_str())).collect();
    assert_eq!(found.len(), 6, "{found:?}");
    assert!(found[0].1.starts_with("the archive is cut off"), "{found:?}");
    let named: Vec<Option<&str>> = found[1..].iter().map(|(entry, _)| *entry).collect();
    assert_eq!(
        named,
        [1, 2, 3, 4, 5].map(|id| format!("samples/{id}_epoch_1.json")).each_ref().map(|n| Some(n.as_str()))
    );
    for (entry, message) in &found[1..] {
        let why = if *entry == Some("samples/2_epoch_1.json") { "checksum" } else { "inflates to more than" };
        assert!(message.contains(why), "{entry:?}: {message}");
    }
}
