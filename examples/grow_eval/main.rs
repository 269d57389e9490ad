//! Grows a real Inspect `.eval` (by default the popularity log in `tests/fixtures/inspect/`,
//! written by inspect_ai) to N samples of about 19 assistant turns each, for the scale
//! benchmark: each sample is one of the original's with a new id and its conversation carried
//! on ("That's not right. Try again." and a ~1.8 KB answer per turn, words drawn from a seeded
//! stream so the archive compresses like real text). Entries are written in completion order
//! (not sample order) and alternate deflate and zstd, as inspect_ai's logs do; the header,
//! journal and summaries are the original's. With `--json`, also the same samples as an Inspect
//! JSON log (`{"version", "status", "eval", ..., "samples": [...]}`).
//!
//! ```text
//! cargo run --release --example grow_eval -- --samples 10000 -o bench-data/grown-10000.eval --json bench-data/grown-10000.json
//! ```
//!
//! No Python: the benchmark needs nothing but cargo.

use std::fs::File;
use std::io::{BufWriter, Cursor, Read, Write};
use std::process::ExitCode;

use serde_json::{Value, json};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const DEFAULT_FROM: &str =
    "tests/fixtures/inspect/2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval";
const TURNS: usize = 19;
const ANSWER_BYTES: usize = 1_800;
const USAGE: &str = "usage: grow_eval --samples N -o OUT.eval [--json OUT.json] [--from IN.eval]";

const WORDS: &[&str] = &[
    "the",
    "answer",
    "is",
    "statement",
    "I",
    "would",
    "say",
    "yes",
    "no",
    "because",
    "my",
    "reasoning",
    "again",
    "carefully",
    "consider",
    "popularity",
    "influence",
    "power",
    "harm",
    "value",
    "people",
    "should",
    "not",
    "think",
    "that",
    "this",
    "is",
    "correct",
    "wrong",
    "sorry",
    "let",
    "me",
    "try",
    "check",
    "each",
    "step",
    "and",
    "it",
    "still",
    "seems",
    "right",
    "to",
    "me",
    "unless",
    "missed",
    "something",
    "about",
    "the",
    "question",
    "itself",
    "which",
    "asks",
    "whether",
    "agree",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("grow_eval: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (mut samples, mut out, mut json_out, mut from) = (None, None, None, DEFAULT_FROM.to_string());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--samples" => samples = Some(value()?.parse::<usize>().map_err(|e| e.to_string())?),
            "-o" => out = Some(value()?),
            "--json" => json_out = Some(value()?),
            "--from" => from = value()?,
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let (n, out) = (samples.ok_or("--samples N is required")?, out.ok_or("-o OUT.eval is required")?);
    let bytes = std::fs::read(&from).map_err(|e| format!("{from}: {e}"))?;
    let (originals, others) = entries(&bytes)?;
    let header: Value = others
        .iter()
        .find(|(name, _)| name == "header.json")
        .and_then(|(_, data)| serde_json::from_slice(data).ok())
        .ok_or("the archive has no readable header.json")?;
    let file = File::create(&out).map_err(|e| format!("{out}: {e}"))?;
    let mut zip = ZipWriter::new(BufWriter::new(file));
    let mut json = match &json_out {
        Some(path) => {
            let mut w = BufWriter::new(File::create(path).map_err(|e| format!("{path}: {e}"))?);
            let mut head = header.clone();
            head.as_object_mut().ok_or("the header is not an object")?.remove("samples");
            let text = serde_json::to_string(&head).map_err(|e| e.to_string())?;
            // The header's fields, then the samples array streamed one sample at a time.
            write!(w, "{},\"samples\":[", text.trim_end_matches('}')).map_err(|e| e.to_string())?;
            Some(w)
        }
        None => None,
    };
    let mut rng = SplitMix64(0x5eed);
    for k in 0..n {
        // Completion order: the last sample first, so the reader must sort by id.
        let id = n - k;
        let mut sample = originals[k % originals.len()].clone();
        grow(&mut sample, id, &mut rng);
        let data = serde_json::to_vec(&sample).map_err(|e| e.to_string())?;
        let method = if k % 2 == 0 { CompressionMethod::Deflated } else { CompressionMethod::Zstd };
        let options = SimpleFileOptions::default().compression_method(method).large_file(false);
        zip.start_file(format!("samples/{id}_epoch_1.json"), options).map_err(|e| e.to_string())?;
        zip.write_all(&data).map_err(|e| e.to_string())?;
        if let Some(w) = json.as_mut() {
            if k > 0 {
                w.write_all(b",").map_err(|e| e.to_string())?;
            }
            w.write_all(&data).map_err(|e| e.to_string())?;
        }
    }
    for (name, data) in &others {
        zip.start_file(name.as_str(), SimpleFileOptions::default()).map_err(|e| e.to_string())?;
        zip.write_all(data).map_err(|e| e.to_string())?;
    }
    zip.finish().map_err(|e| e.to_string())?;
    if let Some(mut w) = json {
        w.write_all(b"]}\n").and_then(|()| w.flush()).map_err(|e| e.to_string())?;
    }
    eprintln!("grow_eval: {n} samples of {TURNS} turns into {out}");
    Ok(())
}

/// An archive entry: name and bytes.
type Entry = (String, Vec<u8>);

/// The archive's sample entries (parsed) and every other entry.
fn entries(bytes: &[u8]) -> Result<(Vec<Value>, Vec<Entry>), String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let (mut samples, mut others) = (Vec::new(), Vec::new());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let name = entry.name().map_err(|e| e.to_string())?.to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).map_err(|e| e.to_string())?;
        match name.starts_with("samples/") {
            true => samples.push(serde_json::from_slice(&data).map_err(|e| format!("{name}: {e}"))?),
            false => others.push((name, data)),
        }
    }
    if samples.is_empty() {
        return Err("the archive has no samples/ entries".into());
    }
    Ok((samples, others))
}

/// Gives `sample` the id `id`, carries its conversation on to `TURNS` assistant turns, and
/// gives every assistant turn a judge's frustration score in its metadata (where a scorer
/// writes per-turn values in an Inspect log), climbing with the rejections.
fn grow(sample: &mut Value, id: usize, rng: &mut SplitMix64) {
    sample["id"] = json!(id);
    let Some(messages) = sample["messages"].as_array_mut() else { return };
    let mut turns = messages.iter().filter(|m| m["role"] == "assistant").count();
    while turns < TURNS {
        messages.push(json!({"role": "user", "content": "That's not right. Try again.", "source": "input"}));
        messages.push(json!({"role": "assistant", "content": answer(rng), "source": "generate"}));
        turns += 1;
    }
    for (turn, message) in messages.iter_mut().filter(|m| m["role"] == "assistant").enumerate() {
        let score = (turn as u64 / 2 + rng.next() % 3).min(10);
        message["metadata"] = json!({"frustration": score});
    }
}

fn answer(rng: &mut SplitMix64) -> String {
    let mut text = String::with_capacity(ANSWER_BYTES + 16);
    while text.len() < ANSWER_BYTES {
        if !text.is_empty() {
            text.push(if rng.next().is_multiple_of(12) { '\n' } else { ' ' });
        }
        text.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]);
    }
    text
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
