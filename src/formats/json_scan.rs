//! A cursor over one JSON record for the fast indexers: it walks the structure, hands out
//! strings borrowed from the text, and skips what no index needs at the speed of a memory scan.
//! serde_json spent a third of indexing a study looking for the end of message strings, eight
//! bytes at a time; this looks 64 bytes at a time (`stops`).
//!
//! Everything it accepts, serde_json accepts too: escapes are checked (surrogates in pairs),
//! control characters in strings, numbers out of range and nesting deeper than `MAX_DEPTH` are
//! refused. A refusal is `None`, and the caller leaves the record to the full decoder, which
//! reports where it fails (or reads a literal `NaN`, which this does not).

use std::borrow::Cow;

use super::json_text::unescape_string;

mod stops;

/// Deepest nesting read, counting the record itself as 1: well inside serde_json's limit of
/// 128, so a record read here can always be read by the full decoder.
pub const MAX_DEPTH: usize = 100;

/// A string literal as it stands in the text, checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Literal<'a> {
    /// The literal, quotes included.
    pub text: &'a str,
    /// Whether it has an escape (else its text is the body between the quotes).
    pub escaped: bool,
}

impl<'a> Literal<'a> {
    /// The text between the quotes, still escaped.
    pub fn body(&self) -> &'a str {
        &self.text[1..self.text.len() - 1]
    }

    /// The decoded string, borrowed when there was no escape.
    pub fn decode(&self) -> Option<Cow<'a, str>> {
        if self.escaped {
            unescape_string(self.text).map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(self.body()))
        }
    }
}

pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next significant byte, not consumed.
    pub fn peek(&mut self) -> Option<u8> {
        let bytes = self.bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `b` if it is next.
    pub fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.pos += 1)
    }

    /// Whether only whitespace is left.
    pub fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Opens an object; then `key` until it gives `None`.
    pub fn open_object(&mut self) -> Option<()> {
        self.eat(b'{')
    }

    /// The next key of an object (its value follows), or `Some(None)` at its end. `first` is
    /// true for the first call on an object.
    pub fn key(&mut self, first: bool) -> Option<Option<Literal<'a>>> {
        match self.peek()? {
            b'}' => {
                self.pos += 1;
                return Some(None);
            }
            b',' if !first => self.pos += 1,
            _ if first => {}
            _ => return None,
        }
        self.member_key().map(Some)
    }

    /// A key and its colon.
    fn member_key(&mut self) -> Option<Literal<'a>> {
        let key = self.literal()?;
        self.eat(b':')?;
        Some(key)
    }

    /// Calls `field` with each key of the object at the cursor, decoded, the cursor then at the
    /// key's value, which `field` reads. `Some(false)` when the value at the cursor, which
    /// sits at nesting `depth`, is not an object (it is skipped, checked).
    pub fn each_field(
        &mut self,
        depth: usize,
        mut field: impl FnMut(&mut Self, Cow<'a, str>) -> Option<()>,
    ) -> Option<bool> {
        if self.peek()? != b'{' {
            self.value(depth)?;
            return Some(false);
        }
        self.open_object()?;
        let mut first = true;
        while let Some(key) = self.key(first)? {
            first = false;
            field(self, key.decode()?)?;
        }
        Some(true)
    }

    /// Opens an array; then `element` until it gives `false`.
    pub fn open_array(&mut self) -> Option<()> {
        self.eat(b'[')
    }

    /// Whether another element follows (the cursor is then at it); `first` as in `key`.
    pub fn element(&mut self, first: bool) -> Option<bool> {
        match self.peek()? {
            b']' => {
                self.pos += 1;
                Some(false)
            }
            b',' if !first => {
                self.pos += 1;
                Some(true)
            }
            _ if first => Some(true),
            _ => None,
        }
    }

    /// A string literal at the cursor.
    pub fn literal(&mut self) -> Option<Literal<'a>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        let (end, escaped) = stops::string_end(self.bytes(), start + 1)?;
        self.pos = end + 1;
        Some(Literal { text: &self.text[start..=end], escaped })
    }

    /// A number literal at the cursor, checked as serde_json reads it (syntax, and a float
    /// that overflows is refused).
    pub fn number(&mut self) -> Option<&'a str> {
        self.peek()?;
        let bytes = self.bytes();
        let start = self.pos;
        let mut i = start + usize::from(bytes[start] == b'-');
        let digits = |i: usize| bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let int = digits(i);
        if int == 0 || (int > 1 && bytes[i] == b'0') {
            return None;
        }
        i += int;
        let mut plain = true;
        if bytes.get(i) == Some(&b'.') {
            let frac = digits(i + 1);
            if frac == 0 {
                return None;
            }
            i += 1 + frac;
            plain = false;
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1 + usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
            let exp = digits(i);
            if exp == 0 {
                return None;
            }
            i += exp;
            plain = false;
        }
        let literal = &self.text[start..i];
        // A long integer is read as a float, which can overflow too.
        if (!plain || literal.len() > 19) && serde_json::from_str::<f64>(literal).is_err() {
            return None;
        }
        self.pos = i;
        Some(literal)
    }

    /// `true`, `false` or `null` at the cursor.
    pub fn word(&mut self) -> Option<&'a str> {
        let rest = &self.text[self.pos..];
        let word = ["true", "false", "null"].into_iter().find(|w| rest.starts_with(w))?;
        self.pos += word.len();
        Some(word)
    }

    /// The text of the value at the cursor, checked as serde_json would read it, which sits
    /// at nesting `depth` (1 for the record's own fields). Iterative: deep nesting is refused
    /// at `MAX_DEPTH`, never recursed into.
    pub fn value(&mut self, depth: usize) -> Option<&'a str> {
        self.peek()?;
        let start = self.pos;
        // Bit `level` is set when the container open at that level is an object.
        let mut objects: u128 = 0;
        let mut level = 0usize;
        loop {
            match self.peek()? {
                b'"' => drop(self.literal()?),
                b'-' | b'0'..=b'9' => drop(self.number()?),
                open @ (b'{' | b'[') => {
                    if depth + level >= MAX_DEPTH {
                        return None;
                    }
                    self.pos += 1;
                    let object = open == b'{';
                    objects = (objects & !(1 << level)) | (u128::from(object) << level);
                    level += 1;
                    let close = if object { b'}' } else { b']' };
                    if self.peek()? == close {
                        self.pos += 1;
                        level -= 1;
                    } else {
                        if object {
                            self.member_key()?;
                        }
                        continue;
                    }
                }
                _ => drop(self.word()?),
            }
            // After a value: close what ends here, then the next value or the end.
            loop {
                if level == 0 {
                    return Some(&self.text[start..self.pos]);
                }
                let object = objects >> (level - 1) & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        if object {
                            self.member_key()?;
                        }
                        break;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                self.pos += 1;
                level -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests;
