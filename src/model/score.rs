//! What a judge wrote about each turn: a number (the 0–10 score, a probe value), a category
//! (`despair`, `refusal`), or a text (a quote, a rationale). Numbers and categories live in the
//! index; texts are not held there (100,000 rollouts × 20 turns of rationales would be a
//! gigabyte): the index keeps where each is, and it is read when shown, searched or exported.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::rollout::Rollout;

/// What a score name holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreKind {
    Numeric,
    Categorical,
    Text,
}

/// Categories a string field may have at most and still be a categorical score.
pub const MAX_CATEGORIES: usize = 32;

/// Bytes a category may have at most: a field with a longer value is a text (a tag is a word
/// or two; a quote or a rationale is longer), so long values never need to be held to count.
pub const MAX_CATEGORY_LEN: usize = 128;

/// What a string-valued judge field is: a categorical score when it has at most
/// `MAX_CATEGORIES` distinct values and at most half as many distinct values as rows (a tag
/// repeats; a quote or a rationale does not), else a text. `--categorical` / `--text` override.
pub fn kind_of_strings(distinct: usize, rows: usize) -> ScoreKind {
    if distinct <= MAX_CATEGORIES && distinct * 2 <= rows { ScoreKind::Categorical } else { ScoreKind::Text }
}

/// What each string-valued judge field of one file is, decided over the whole file by
/// `kind_of_strings` (a tag repeats across turns and rollouts, a quote does not).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StringKinds {
    kinds: HashMap<String, Option<ScoreKind>>,
}

impl StringKinds {
    /// Counts the judge strings of every assistant turn. A name that holds numbers on some
    /// turn is a numeric score, so its strings are not a score (`None`): see `mixed`.
    pub fn of_rollouts(rollouts: &[Rollout]) -> StringKinds {
        let mut seen: HashMap<&str, (HashSet<&str>, usize)> = HashMap::new();
        let mut numeric: HashSet<&str> = HashSet::new();
        for message in rollouts.iter().flat_map(|r| &r.messages) {
            numeric.extend(message.scores.iter().map(|(name, _)| name.as_str()));
            for (name, value) in &message.judge_strings {
                let (distinct, rows) = seen.entry(name.as_str()).or_default();
                distinct.insert(value);
                *rows += 1;
            }
        }
        let kinds = seen
            .into_iter()
            .map(|(name, (distinct, rows))| {
                let kind = (!numeric.contains(name)).then(|| kind_of_strings(distinct.len(), rows));
                (name.to_string(), kind)
            })
            .collect();
        StringKinds { kinds }
    }

    /// Says what a name is, whatever its values (`--categorical`, `--text`, a format's own
    /// rationale field).
    pub fn set(&mut self, name: &str, kind: ScoreKind) {
        self.kinds.insert(name.to_string(), Some(kind));
    }

    /// What a name's strings are: a category, a text, or `None` when the name is a numeric
    /// score (its strings are then not read). A name not counted is a text.
    pub fn kind(&self, name: &str) -> Option<ScoreKind> {
        self.kinds.get(name).copied().unwrap_or(Some(ScoreKind::Text))
    }

    /// Names whose strings are not read because other turns hold numbers under them.
    pub fn mixed(&self) -> Vec<&str> {
        let mut names: Vec<&str> =
            self.kinds.iter().filter(|(_, kind)| kind.is_none()).map(|(name, _)| name.as_str()).collect();
        names.sort_unstable();
        names
    }
}

/// Where a judge's text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextAt {
    /// The JSON string literal (quotes included) at bytes `start..start + len` of text file
    /// `file` (an index into the study's text files: score files and rollout sources).
    Span { file: u32, start: u64, len: u32 },
    /// Held in memory (formats decoded whole at load time, such as Inspect logs, already hold
    /// their text).
    Held(Arc<str>),
}

/// Per-turn values of one score name; index 0 is turn 1, `None` is missing.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreValues {
    Numeric(Box<[Option<f64>]>),
    Categorical(Box<[Option<Arc<str>>]>),
    Text(Box<[Option<TextAt>]>),
}

impl ScoreValues {
    pub fn kind(&self) -> ScoreKind {
        match self {
            ScoreValues::Numeric(_) => ScoreKind::Numeric,
            ScoreValues::Categorical(_) => ScoreKind::Categorical,
            ScoreValues::Text(_) => ScoreKind::Text,
        }
    }

    /// Turns covered (present or missing).
    pub fn len(&self) -> usize {
        match self {
            ScoreValues::Numeric(v) => v.len(),
            ScoreValues::Categorical(v) => v.len(),
            ScoreValues::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Turns with a value.
    pub fn present(&self) -> usize {
        match self {
            ScoreValues::Numeric(v) => v.iter().flatten().count(),
            ScoreValues::Categorical(v) => v.iter().flatten().count(),
            ScoreValues::Text(v) => v.iter().flatten().count(),
        }
    }

    /// The numbers, or nothing when this is not a numeric score.
    pub fn numeric(&self) -> &[Option<f64>] {
        match self {
            ScoreValues::Numeric(v) => v,
            _ => &[],
        }
    }

    /// The categories, or nothing when this is not a categorical score.
    pub fn categories(&self) -> &[Option<Arc<str>>] {
        match self {
            ScoreValues::Categorical(v) => v,
            _ => &[],
        }
    }

    /// Where the texts are, or nothing when this is not a text score.
    pub fn texts(&self) -> &[Option<TextAt>] {
        match self {
            ScoreValues::Text(v) => v,
            _ => &[],
        }
    }

    /// Numbers and categories as JSON (texts are read from their files, not from the index).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            ScoreValues::Numeric(v) => v.iter().map(|x| x.map_or(Value::Null, Value::from)).collect(),
            ScoreValues::Categorical(v) => {
                v.iter().map(|c| c.as_ref().map_or(Value::Null, |c| Value::from(&**c))).collect()
            }
            ScoreValues::Text(v) => v.iter().map(|_| Value::Null).collect(),
        }
    }
}

/// The same JSON as `to_json`, written straight out (`ls --json` writes one per score per
/// rollout).
impl serde::Serialize for ScoreValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ScoreValues::Numeric(v) => serializer.collect_seq(v.iter()),
            ScoreValues::Categorical(v) => serializer.collect_seq(v.iter().map(|c| c.as_deref())),
            ScoreValues::Text(v) => serializer.collect_seq(v.iter().map(|_| ())),
        }
    }
}

/// The range the study's scores live in (`--range 0-10`): a value outside it is read as
/// missing, with a warning.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoreRange {
    pub low: f64,
    pub high: f64,
}

impl ScoreRange {
    pub fn contains(&self, x: f64) -> bool {
        (self.low..=self.high).contains(&x)
    }
}

impl std::fmt::Display for ScoreRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.low, self.high)
    }
}

impl std::str::FromStr for ScoreRange {
    type Err = String;

    /// `LOW-HIGH`, finite, in order; either may be negative (`-5-5`, `-3--1`).
    fn from_str(text: &str) -> Result<ScoreRange, String> {
        let text = text.trim();
        let bad = || format!("{text:?} is not a range: expected LOW-HIGH, such as 0-10");
        // The dash between the bounds is the first one after a digit or a point.
        let bytes = text.as_bytes();
        let dash = (1..bytes.len())
            .find(|&i| bytes[i] == b'-' && (bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'.'))
            .ok_or_else(bad)?;
        let low: f64 = text[..dash].trim().parse().map_err(|_| bad())?;
        let high: f64 = text[dash + 1..].trim().parse().map_err(|_| bad())?;
        if !low.is_finite() || !high.is_finite() {
            return Err(format!("{text:?}: the bounds must be finite numbers"));
        }
        if low > high {
            return Err(format!("{text:?}: the low bound is above the high one"));
        }
        Ok(ScoreRange { low, high })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MetaValue;

    #[test]
    fn written_straight_out_as_to_json_builds_them() {
        let text = TextAt::Held(Arc::from("why"));
        let values = [
            ScoreValues::Numeric(Box::new([Some(0.0), None, Some(7.5), Some(f64::NAN), Some(1e21)])),
            ScoreValues::Categorical(Box::new([Some(Arc::from("blame \"me\"")), None])),
            ScoreValues::Text(Box::new([Some(text), None])),
        ];
        for v in values {
            assert_eq!(serde_json::to_string(&v).unwrap(), v.to_json().to_string());
        }
        let metas = [
            MetaValue::Text(Arc::from("é\n")),
            MetaValue::Int(-3),
            MetaValue::Float(0.1),
            MetaValue::Float(f64::INFINITY),
            MetaValue::Bool(true),
            MetaValue::Null,
        ];
        for m in metas {
            assert_eq!(serde_json::to_string(&m).unwrap(), m.to_json().to_string());
        }
    }

    #[test]
    fn strings_are_categories_when_few_and_repeated_else_texts() {
        assert_eq!(kind_of_strings(7, 140), ScoreKind::Categorical);
        assert_eq!(kind_of_strings(32, 64), ScoreKind::Categorical);
        assert_eq!(kind_of_strings(33, 1000), ScoreKind::Text, "too many categories");
        assert_eq!(kind_of_strings(3, 5), ScoreKind::Text, "more than half the rows distinct");
        assert_eq!(kind_of_strings(140, 140), ScoreKind::Text);
    }

    #[test]
    fn ranges_read_negative_and_fractional_bounds() {
        let r = |t: &str| t.parse::<ScoreRange>().map(|r| (r.low, r.high));
        assert_eq!(r("0-10"), Ok((0.0, 10.0)));
        assert_eq!(r(" -5-5 "), Ok((-5.0, 5.0)));
        assert_eq!(r("-3.5--1"), Ok((-3.5, -1.0)));
        assert_eq!(r("1e-3-2"), Ok((0.001, 2.0)));
        assert_eq!(r("a-b"), Err("\"a-b\" is not a range: expected LOW-HIGH, such as 0-10".into()));
        assert!(r("10-0").unwrap_err().contains("above"));
        assert!(r("0-inf").is_err() && r("5").is_err());
        let range = "0-10".parse::<ScoreRange>().unwrap();
        assert!(range.contains(0.0) && range.contains(10.0) && !range.contains(10.5));
        assert_eq!(range.to_string(), "0-10");
    }

    #[test]
    fn kinds_are_counted_over_every_rollout_and_numbers_win_a_name() {
        use crate::model::{Message, Role};
        let turn = |strings: &[(&str, &str)], numbers: &[&str]| {
            let mut m = Message::new(Role::Assistant, "a");
            m.judge_strings = strings.iter().map(|(n, v)| (n.to_string(), Arc::from(*v))).collect();
            m.scores = numbers.iter().map(|n| (n.to_string(), Some(1.0))).collect();
            m
        };
        let rollout = |messages| Rollout { messages, ..Rollout::default() };
        let rollouts = [
            rollout(vec![
                turn(&[("tag", "none"), ("quote", "a"), ("x", "s")], &[]),
                turn(&[("tag", "mild")], &[]),
            ]),
            rollout(vec![turn(&[("tag", "none"), ("quote", "b")], &["x"]), turn(&[("tag", "none")], &[])]),
        ];
        let mut kinds = StringKinds::of_rollouts(&rollouts);
        assert_eq!(kinds.kind("tag"), Some(ScoreKind::Categorical), "2 distinct in 4 rows");
        assert_eq!(kinds.kind("quote"), Some(ScoreKind::Text), "2 distinct in 2 rows");
        assert_eq!(kinds.kind("x"), None, "numbers elsewhere");
        assert_eq!(kinds.mixed(), ["x"]);
        assert_eq!(kinds.kind("never-seen"), Some(ScoreKind::Text));
        kinds.set("quote", ScoreKind::Categorical);
        assert_eq!(kinds.kind("quote"), Some(ScoreKind::Categorical));
    }

    #[test]
    fn each_kind_answers_for_itself_and_nothing_for_the_others() {
        let numeric = ScoreValues::Numeric(vec![Some(1.0), None].into());
        let tags = ScoreValues::Categorical(vec![None, Some(Arc::from("despair"))].into());
        let quotes = ScoreValues::Text(vec![Some(TextAt::Held("I give up".into()))].into());
        assert_eq!((numeric.kind(), numeric.len(), numeric.present()), (ScoreKind::Numeric, 2, 1));
        assert_eq!(numeric.numeric(), &[Some(1.0), None]);
        assert!(numeric.categories().is_empty() && numeric.texts().is_empty());
        assert_eq!(tags.categories()[1].as_deref(), Some("despair"));
        assert!(tags.numeric().is_empty());
        assert_eq!(tags.to_json(), serde_json::json!([null, "despair"]));
        assert_eq!(quotes.texts().len(), 1);
        assert_eq!(quotes.to_json(), serde_json::json!([null]));
    }

    /// An assistant turn with a frustration score.
    fn turn(text: &str, frustration: Option<f64>) -> crate::model::Message {
        let mut m = crate::model::Message::new(crate::model::Role::Assistant, text);
        m.scores = vec![("frustration".into(), frustration)];
        m
    }

    #[test]
    fn judge_strings_become_categories_or_held_texts_per_turn() {
        let mut first = turn("a", Some(2.0));
        first.judge_strings = vec![("tag".into(), "none".into()), ("quote".into(), "I give up".into())];
        let mut third = turn("c", None);
        third.judge_strings = vec![("tag".into(), "despair".into()), ("frustration".into(), "high".into())];
        let rollout = Rollout { messages: vec![first, turn("b", None), third], ..Rollout::default() };
        let mut kinds = StringKinds::of_rollouts(std::slice::from_ref(&rollout));
        kinds.set("tag", ScoreKind::Categorical);
        use crate::model::{Hatch, Interner, Locator, RolloutSummary};
        let s = RolloutSummary::from_decoded(
            &rollout,
            &kinds,
            &Hatch::default(),
            0,
            Locator::Decoded(0),
            &mut Interner::default(),
        );
        let names: Vec<&str> = s.scores.iter().map(|t| &*t.name).collect();
        assert_eq!(names, ["frustration", "tag", "quote"], "a numeric name's strings are left out");
        assert_eq!(s.category_at("tag", 3).map(|c| &**c), Some("despair"));
        assert_eq!(s.categories("tag").len(), 3);
        assert_eq!(s.texts("quote"), &[Some(TextAt::Held("I give up".into())), None, None]);
    }
}
