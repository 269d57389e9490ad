//! Judges' texts (quotes, rationales) are not held in the index: each is kept as the place of
//! its JSON string literal in a *text file* (a `--scores` file, or the rollout's own source for
//! string values under a message's `scores`), and read here when it is shown, searched or
//! exported. Files are only ever opened for reading.

use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;

use super::Origin;
use crate::formats::{input, json_text};
use crate::model::{Problem, RolloutSummary, ScoreValues, TextAt};

/// Spans closer than this are read in one go (a rollout's rows of a score file are usually
/// next to each other, and its native texts are all in one record).
const MERGE_GAP: u64 = 64 * 1024;

/// A file texts are read from.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// The path as the user gave it, for messages.
    pub display: String,
    pub origin: Origin,
}

/// The study's text files, numbered as `TextAt::Span::file` counts them: the score files
/// first, then the rollout sources. Cheap to clone behind an `Arc` for a worker thread.
#[derive(Debug, Clone, Default)]
pub struct TextFiles {
    files: Vec<TextFile>,
}

impl TextFiles {
    /// Adds a file; returns its index.
    pub fn push(&mut self, file: TextFile) -> u32 {
        self.files.push(file);
        (self.files.len() - 1) as u32
    }

    pub fn get(&self, index: u32) -> Option<&TextFile> {
        self.files.get(index as usize)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Per-turn texts of one score name (index 0 is turn 1, `None` where the turn has none).
pub type TurnTexts = (Arc<str>, Vec<Option<String>>);

/// Reads the texts of one rollout: for each of `names` that is a text score of the rollout,
/// in the order given, its text at every turn. Names that are not text scores of this rollout
/// are left out. Needs only the rollout's index entry and the text files, so it runs on any
/// thread; an `Err` names the file that could not be read (changed since it was loaded?).
pub fn read_texts(
    summary: &RolloutSummary,
    files: &TextFiles,
    names: &[&str],
) -> Result<Vec<TurnTexts>, Problem> {
    let mut wanted: Vec<(&Arc<str>, &[Option<TextAt>])> = Vec::new();
    for name in names {
        if let Some(score) = summary.scores.iter().find(|s| &*s.name == *name)
            && let ScoreValues::Text(at) = &score.values
        {
            wanted.push((&score.name, at));
        }
    }
    // Every span of every name, grouped by file and read in file order.
    let mut spans: Vec<(u32, u64, u32, usize, usize)> = Vec::new();
    let mut out: Vec<TurnTexts> = Vec::with_capacity(wanted.len());
    for (k, (name, at)) in wanted.iter().enumerate() {
        let mut texts = vec![None; at.len().max(summary.n_turns as usize)];
        for (turn, place) in at.iter().enumerate() {
            match place {
                Some(TextAt::Held(text)) => texts[turn] = Some(text.to_string()),
                Some(TextAt::Span { file, start, len }) => spans.push((*file, *start, *len, k, turn)),
                None => {}
            }
        }
        texts.truncate(summary.n_turns as usize);
        out.push(((*name).clone(), texts));
    }
    spans.sort_unstable_by_key(|&(file, start, ..)| (file, start));
    for group in spans.chunk_by(|a, b| a.0 == b.0) {
        let file_index = group[0].0;
        let file = files
            .get(file_index)
            .ok_or_else(|| Problem::file("?", format!("no text file {file_index} in the study")))?;
        let mut reader = SpanReader::open(file)?;
        for window in group.chunk_by(|a, b| b.1 <= a.1 + u64::from(a.2) + MERGE_GAP) {
            let from = window[0].1;
            let to = window.iter().map(|s| s.1 + u64::from(s.2)).max().unwrap_or(from);
            let bytes = reader.read(from, to - from)?;
            for &(_, start, len, k, turn) in window {
                let at = (start - from) as usize;
                let literal = bytes.get(at..at + len as usize).unwrap_or_default();
                let text = decode_literal(literal).ok_or_else(|| {
                    Problem::file(
                        &file.display,
                        format!("no text at byte {start} (was the file changed since it was loaded?)"),
                    )
                })?;
                if let Some(slot) = out[k].1.get_mut(turn) {
                    *slot = Some(text);
                }
            }
        }
    }
    Ok(out)
}

/// Reads one text wherever it is kept.
pub fn read_text(files: &TextFiles, at: &TextAt) -> Result<String, Problem> {
    match at {
        TextAt::Held(text) => Ok(text.to_string()),
        TextAt::Span { file, start, len } => {
            let text_file = files
                .get(*file)
                .ok_or_else(|| Problem::file("?", format!("no text file {file} in the study")))?;
            let bytes = SpanReader::open(text_file)?.read(*start, u64::from(*len))?;
            decode_literal(&bytes).ok_or_else(|| {
                Problem::file(
                    &text_file.display,
                    format!("no text at byte {start} (was the file changed since it was loaded?)"),
                )
            })
        }
    }
}

/// A JSON string literal's text; `None` when the bytes are not one.
fn decode_literal(bytes: &[u8]) -> Option<String> {
    let literal = std::str::from_utf8(bytes).ok()?;
    if !literal.starts_with('"') || literal.len() < 2 {
        return None;
    }
    json_text::unescape_string(literal)
}

/// One open text file.
struct SpanReader<'a> {
    file: &'a TextFile,
    open: Option<std::fs::File>,
}

impl<'a> SpanReader<'a> {
    fn open(file: &'a TextFile) -> Result<SpanReader<'a>, Problem> {
        let open = match &file.origin {
            Origin::Embedded(_) | Origin::Memory(_) => None,
            Origin::File(path) => Some(
                input::open_regular(path)
                    .map(|(f, _)| f)
                    .map_err(|e| Problem::file(&file.display, format!("cannot read: {e}")))?,
            ),
        };
        Ok(SpanReader { file, open })
    }

    fn read(&mut self, start: u64, len: u64) -> Result<Vec<u8>, Problem> {
        let display = &self.file.display;
        let short =
            || Problem::file(display, format!("cannot read {len} bytes at {start} (was the file changed?)"));
        match (&self.file.origin, self.open.as_mut()) {
            (Origin::Embedded(_) | Origin::Memory(_), _) => {
                let bytes = self.file.origin.in_memory().unwrap_or_default();
                let range = usize::try_from(start).ok().zip(usize::try_from(start + len).ok());
                range.and_then(|(a, b)| bytes.get(a..b)).map(<[u8]>::to_vec).ok_or_else(short)
            }
            (Origin::File(_), Some(file)) => {
                file.seek(SeekFrom::Start(start)).map_err(|_| short())?;
                let mut buf = vec![0; usize::try_from(len).map_err(|_| short())?];
                file.read_exact(&mut buf).map_err(|_| short())?;
                Ok(buf)
            }
            (Origin::File(_), None) => Err(short()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Locator, SummaryBuilder, TurnScores};

    fn summary(n_turns: usize, scores: Vec<TurnScores>) -> RolloutSummary {
        let mut s =
            SummaryBuilder::default().finish("r".into(), 0, Locator::Decoded(0), Vec::new(), Vec::new());
        s.n_turns = n_turns as u32;
        s.scores = scores;
        s
    }

    #[test]
    fn texts_are_read_from_their_places_held_or_in_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("judge.jsonl");
        let line1 = r#"{"quote": "I give up", "why": "two\nlines \u00e9"}"#;
        std::fs::write(&path, format!("{line1}\n{{\"quote\": \"again\"}}\n")).unwrap();
        let mut files = TextFiles::default();
        files.push(TextFile { display: "demo".into(), origin: Origin::Embedded(br#"x "held?" "embedded""#) });
        let judge = files.push(TextFile { display: "judge.jsonl".into(), origin: Origin::File(path) });
        let at = |file, text: &str, hay: &str| {
            let start = hay.find(text).unwrap() as u64;
            Some(TextAt::Span { file, start, len: text.len() as u32 })
        };
        let whole = format!("{line1}\n{{\"quote\": \"again\"}}\n");
        let quotes = vec![at(judge, "\"I give up\"", &whole), None, at(judge, "\"again\"", &whole)];
        let why = vec![at(judge, r#""two\nlines \u00e9""#, &whole), Some(TextAt::Held("held".into())), None];
        let embedded = vec![at(0, "\"embedded\"", r#"x "held?" "embedded""#), None, None];
        let r = summary(
            3,
            vec![
                TurnScores { name: "q".into(), values: ScoreValues::Text(quotes.into()) },
                TurnScores { name: "why".into(), values: ScoreValues::Text(why.into()) },
                TurnScores { name: "e".into(), values: ScoreValues::Text(embedded.into()) },
                TurnScores::numeric("n".into(), vec![Some(1.0), None, None]),
            ],
        );
        let texts = read_texts(&r, &files, &["why", "n", "q", "e", "absent"]).unwrap();
        let s = |t: &str| Some(t.to_string());
        assert_eq!(
            texts,
            vec![
                (Arc::from("why"), vec![s("two\nlines é"), s("held"), None]),
                (Arc::from("q"), vec![s("I give up"), None, s("again")]),
                (Arc::from("e"), vec![s("embedded"), None, None]),
            ]
        );
        assert_eq!(read_text(&files, quotes_at(&r)).unwrap(), "I give up");
        // A file changed under the index is an error naming it, not a wrong text.
        std::fs::write(dir.path().join("judge.jsonl"), "{}").unwrap();
        let err = read_texts(&r, &files, &["q"]).unwrap_err();
        assert!(err.to_string().starts_with("judge.jsonl: error: cannot read"), "{err}");
    }

    fn quotes_at(r: &RolloutSummary) -> &TextAt {
        r.texts("q")[0].as_ref().unwrap()
    }
}
