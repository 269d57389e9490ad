//! The hostile corpus's zip bombs, at a scale a test can afford: `.eval` archives whose
//! entries inflate far past their size in the archive, whose declared sizes lie, or whose
//! entries all point at one compressed stream. Tests read them with the limits lowered (an
//! entry limit of 1 MiB stands for the real 1 GiB); the real-scale figures are in the README.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The task name every sample id starts with.
pub const TASK: &str = "bomb";

/// An Inspect sample whose assistant message is `text`.
pub fn sample(id: u64, text: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"id": id, "epoch": 1, "messages": [
        {"role": "user", "content": "Write."},
        {"role": "assistant", "content": text}]}))
    .unwrap()
}

/// The id a sample of this archive loads as.
pub fn id(sample: u64) -> String {
    format!("{TASK}/{sample}/epoch1")
}

fn header() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"version": 2, "status": "success",
        "eval": {"task": TASK, "model": "m"}}))
    .unwrap()
}

/// An archive of deflated entries (a header first), then `copies`: entries added to the
/// central directory that point at an earlier entry's data (name, copy of).
pub fn archive(entries: &[(String, Vec<u8>)], copies: &[(String, String)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("header.json", options).unwrap();
    zip.write_all(&header()).unwrap();
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    for (name, of) in copies {
        zip.shallow_copy_file(of, name).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn entry(sample_id: u64) -> String {
    format!("samples/{sample_id}_epoch_1.json")
}

/// Samples 1 and 3 ordinary, sample 2 a message of `inflated` bytes (`x` repeated: a few KB
/// in the archive).
pub fn big_entry(inflated: usize) -> Vec<u8> {
    archive(
        &[
            (entry(1), sample(1, "fine")),
            (entry(2), sample(2, &"x".repeat(inflated))),
            (entry(3), sample(3, "also fine")),
        ],
        &[],
    )
}

/// `big_entry`, with the sizes the archive declares for sample 2 patched to `declared`: a
/// reader that trusts them reserves too little and checks nothing.
pub fn lying_entry(inflated: usize, declared: u32) -> Vec<u8> {
    let mut bytes = big_entry(inflated);
    patch_declared_size(&mut bytes, entry(2).as_bytes(), declared);
    bytes
}

/// Sample 1 ordinary; sample 2 a message of `inflated` bytes, and `copies` more sample
/// entries that are that same compressed stream again.
pub fn shared_stream(inflated: usize, copies: u64) -> Vec<u8> {
    let copies: Vec<(String, String)> = (0..copies).map(|k| (entry(10 + k), entry(2))).collect();
    archive(&[(entry(1), sample(1, "fine")), (entry(2), sample(2, &"x".repeat(inflated)))], &copies)
}

/// `n` samples of `each` bytes.
pub fn many_entries(n: u64, each: usize) -> Vec<u8> {
    let entries: Vec<(String, Vec<u8>)> = (1..=n).map(|k| (entry(k), sample(k, &"y".repeat(each)))).collect();
    archive(&entries, &[])
}

/// Sets the uncompressed size of the entry `name` in its local header and its central
/// directory record.
fn patch_declared_size(zip: &mut [u8], name: &[u8], declared: u32) {
    let u16_at = |zip: &[u8], at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        // (signature, offset of the name length, of the name, of the uncompressed size)
        let layout = match &zip[at..at + 4] {
            b"PK\x03\x04" => (26, 30, 22),
            b"PK\x01\x02" => (28, 46, 24),
            _ => continue,
        };
        let len = u16_at(zip, at + layout.0);
        if zip.get(at + layout.1..at + layout.1 + len) == Some(name) {
            zip[at + layout.2..at + layout.2 + 4].copy_from_slice(&declared.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the local header and the central directory record");
}
