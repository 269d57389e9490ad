//! String values under a message's `scores` (`"scores": {"frustration": 7, "tag": "despair"}`)
//! while a study loads. Whether `tag` is a categorical score or a text is told over the whole
//! study (`kind_of_strings`), so until the last rollout is read each value keeps both what a
//! category needs (its text, when it is short enough to be one) and what a text needs (where it
//! is); then the study turns them into `ScoreValues::Categorical` or `ScoreValues::Text`.

use std::sync::Arc;

use super::score::{MAX_CATEGORY_LEN, ScoreKind, ScoreValues, TextAt};

/// Where a string score's text is, before the study has a text-file index for its source.
#[derive(Debug, Clone)]
pub enum StringAt {
    /// The JSON string literal (quotes included) at bytes `start..start + len` of the
    /// rollout's own source.
    InSource { start: u64, len: u32 },
    /// Held in memory (a record the fast indexer left to the full decoder).
    Held(Arc<str>),
}

/// One turn's string value.
#[derive(Debug, Clone)]
pub struct StringValue {
    /// The text when it may be a category (at most `MAX_CATEGORY_LEN` bytes, and one of the
    /// first distinct values the indexer met under this name); `None` makes the name a text.
    pub short: Option<Arc<str>>,
    pub at: StringAt,
}

/// Two values are the same value wherever they are kept: the fast indexer keeps a place in the
/// file, the full decoder the text itself.
impl PartialEq for StringValue {
    fn eq(&self, other: &StringValue) -> bool {
        self.short == other.short
    }
}

/// Per-turn string values of one name, not yet told categorical or text.
#[derive(Debug, Clone, PartialEq)]
pub struct UnclassifiedScore {
    pub name: Arc<str>,
    /// Index 0 is turn 1; `None` where the turn has no string under this name.
    pub values: Box<[Option<StringValue>]>,
}

impl UnclassifiedScore {
    /// The values as a score of `kind` (`text_file`: the text-file index of the rollout's
    /// source). `None` when they cannot be: a numeric kind, or a category whose text was not
    /// kept (the caller reads it from its file).
    pub fn classify(&self, kind: ScoreKind, text_file: u32) -> Option<ScoreValues> {
        match kind {
            ScoreKind::Numeric => None,
            ScoreKind::Categorical => {
                let values: Option<Vec<Option<Arc<str>>>> = self
                    .values
                    .iter()
                    .map(|v| match v {
                        None => Some(None),
                        Some(v) => v.short.clone().map(Some),
                    })
                    .collect();
                Some(ScoreValues::Categorical(values?.into()))
            }
            ScoreKind::Text => Some(ScoreValues::Text(
                self.values.iter().map(|v| v.as_ref().map(|v| v.text_at(text_file))).collect(),
            )),
        }
    }
}

impl StringValue {
    /// Where the text is, in the study's text files.
    pub fn text_at(&self, text_file: u32) -> TextAt {
        match &self.at {
            StringAt::InSource { start, len } => TextAt::Span { file: text_file, start: *start, len: *len },
            StringAt::Held(text) => TextAt::Held(text.clone()),
        }
    }
}

/// Whether a string can be a category at all.
pub fn may_be_category(text: &str) -> bool {
    text.len() <= MAX_CATEGORY_LEN
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(short: Option<&str>, at: StringAt) -> Option<StringValue> {
        Some(StringValue { short: short.map(Arc::from), at })
    }

    #[test]
    fn classified_as_categories_or_as_texts_where_they_are() {
        let score = UnclassifiedScore {
            name: "tag".into(),
            values: vec![
                value(Some("despair"), StringAt::InSource { start: 40, len: 9 }),
                None,
                value(Some("mild"), StringAt::Held("mild".into())),
            ]
            .into(),
        };
        let categories = score.classify(ScoreKind::Categorical, 3).unwrap();
        assert_eq!(categories.categories()[0].as_deref(), Some("despair"));
        assert_eq!(categories.categories()[1], None);
        let texts = score.classify(ScoreKind::Text, 3).unwrap();
        assert_eq!(texts.texts()[0], Some(TextAt::Span { file: 3, start: 40, len: 9 }));
        assert_eq!(texts.texts()[2], Some(TextAt::Held("mild".into())));
        assert_eq!(score.classify(ScoreKind::Numeric, 3), None);
        let long = UnclassifiedScore {
            name: "quote".into(),
            values: vec![value(None, StringAt::InSource { start: 0, len: 200 })].into(),
        };
        assert_eq!(long.classify(ScoreKind::Categorical, 0), None, "the text was not kept");
    }

    #[test]
    fn equal_values_wherever_they_are_kept() {
        let a = value(Some("x"), StringAt::InSource { start: 1, len: 3 });
        let b = value(Some("x"), StringAt::Held("x".into()));
        assert_eq!(a, b);
        assert_ne!(a, value(None, StringAt::Held("x".into())));
    }
}
