//! The messages of a chat record as a search reads them, straight from the record's bytes: each
//! message's role and its content, with no rollout built and no text decoded (a search decodes
//! only the messages it looks in). It must agree with `decode_chat` + `Message::full_text`; a
//! record where more than the content is shown (reasoning, tool calls) or that the cursor
//! refuses gives `None`, and the caller decodes it whole. Tests compare both on generated records (`tests_generated.rs`).

use std::borrow::Cow;

use super::chat::MESSAGE_KEYS;
pub use super::chat_index::RawMessage;
use super::chat_index::{FIELD, MESSAGE_FIELD, SHOWN_BESIDE_CONTENT, role_and_content};
use super::json_scan::Cursor;
use crate::model::NO_ROLE;

/// The messages of a chat record in order, or `None` (decode it whole instead).
pub fn chat_messages(json: &str) -> Option<Vec<RawMessage<'_>>> {
    let mut c = Cursor::new(json);
    // The last value of a repeated list key counts, and the best-ranked key present is the
    // list, as in `decode_chat`.
    let mut lists: [Option<Vec<RawMessage>>; MESSAGE_KEYS.len()] = Default::default();
    let object = c.each_field(0, |c, key| {
        match MESSAGE_KEYS.iter().position(|k| *k == key) {
            Some(rank) => lists[rank] = Some(messages(c)?),
            None => {
                c.value(FIELD)?;
            }
        }
        Some(())
    })?;
    if !object || !c.at_end() {
        return None;
    }
    lists.into_iter().flatten().next()
}

/// A message list: an array of message objects (anything else is the full decoder's to report).
fn messages<'j>(c: &mut Cursor<'j>) -> Option<Vec<RawMessage<'j>>> {
    if c.peek()? != b'[' {
        return None;
    }
    c.open_array()?;
    let mut list = Vec::new();
    let mut first = true;
    while c.element(first)? {
        first = false;
        if c.peek()? != b'{' {
            return None;
        }
        list.push(message(c)?);
    }
    Some(list)
}

fn message<'j>(c: &mut Cursor<'j>) -> Option<RawMessage<'j>> {
    let (role, content) = role_and_content(c, |c, key| match SHOWN_BESIDE_CONTENT.contains(&&*key) {
        true => None,
        false => c.value(MESSAGE_FIELD).map(|_| ()),
    })?;
    Some(RawMessage { role_name: role.unwrap_or(Cow::Borrowed(NO_ROLE)), content })
}
