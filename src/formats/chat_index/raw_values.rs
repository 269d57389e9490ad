//! The raw values the fast chat indexer keeps as it goes, read only as far as a summary needs:
//! an assistant message's content (decoded only when the hatch could match it or the turns are
//! hashed) and a string score's literal (kept by its place in the file). The cursor has checked
//! both already, so what is left undecoded the full decoder would read too.

use std::borrow::Cow;
use std::sync::Arc;

use crate::formats::chat::content_text;
use crate::formats::json_scan::Literal;
use crate::model::string_score::may_be_category;
use crate::model::{Hatch, Interner, MAX_CATEGORY_LEN, StringAt, StringValue};

/// A record's text and the file offset of its first byte.
#[derive(Clone, Copy)]
pub(super) struct Record<'j> {
    pub json: &'j str,
    pub start: u64,
}

/// A message's content as it stands in the record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Content<'j> {
    Text(Literal<'j>),
    /// Anything else (typed parts, `null`), as JSON text.
    Other(&'j str),
}

impl<'j> Content<'j> {
    /// The text as displayed (`content_text`); `None` if it cannot be decoded.
    pub fn text(self) -> Option<Cow<'j, str>> {
        match self {
            Content::Text(literal) => literal.decode(),
            Content::Other(json) => {
                let value = serde_json::from_str::<serde_json::Value>(json).ok()?;
                Some(Cow::Owned(content_text(&value)))
            }
        }
    }
}

/// The text of an assistant message's content, decoded only when the hatch could match it or
/// `always` (decoding escaped text is the indexer's costliest step); `None` if it cannot be.
pub(super) fn raw_content_text<'a>(
    content: Content<'a>,
    hatch: &Hatch,
    always: bool,
) -> Option<Cow<'a, str>> {
    let needed = always
        || match content {
            Content::Text(literal) => !literal.escaped || hatch.may_match_encoded(literal.text),
            Content::Other(json) => hatch.may_match_encoded(json),
        };
    match needed {
        true => content.text(),
        false => Some(Cow::Borrowed("")),
    }
}

/// A string score's value from its literal: kept by its place in the file when the record has
/// one (else held), with its text when it may be a category.
pub(super) fn string_value(
    name: &str,
    literal: Literal,
    record: Option<Record>,
    strings: &mut Interner,
) -> Option<StringValue> {
    // An escape stands for one character at most six bytes long, so a longer literal cannot
    // decode to a category.
    let decoded: Option<Cow<str>> =
        if !literal.escaped || record.is_none() || literal.text.len() <= 6 * MAX_CATEGORY_LEN + 2 {
            Some(literal.decode()?)
        } else {
            None
        };
    let short = decoded.as_deref().filter(|t| may_be_category(t)).and_then(|t| strings.category(name, t));
    let at = match (record, decoded) {
        (Some(record), _) => {
            let offset = literal.text.as_ptr() as usize - record.json.as_ptr() as usize;
            StringAt::InSource {
                start: record.start + offset as u64,
                len: u32::try_from(literal.text.len()).ok()?,
            }
        }
        (None, Some(text)) => StringAt::Held(Arc::from(text.as_ref())),
        (None, None) => return None,
    };
    Some(StringValue { short, at })
}

/// One message as it stands in the record.
#[derive(Debug, Clone, PartialEq)]
pub struct RawMessage<'j> {
    /// The role as the file names it (`NO_ROLE` when it names none).
    pub role_name: Cow<'j, str>,
    /// The content, undecoded; `None` when there is none (an empty text).
    pub content: Option<Content<'j>>,
}

impl<'j> RawMessage<'j> {
    /// The message's text as displayed; `None` if it cannot be decoded.
    pub fn text(&self) -> Option<Cow<'j, str>> {
        self.content.map_or(Some(Cow::Borrowed("")), Content::text)
    }
}
