//! Where things are in an Inspect JSON log, without parsing it: the byte range of each
//! top-level value and of each element of `samples`. A structural scan — strings skipped with
//! `memchr`, brackets counted — so a 400 MB log is laid out in a fraction of a second, and the
//! samples can then be decoded on every core, each from its own bytes (and again when shown).
//! Values are not checked here: a sample that is not valid JSON fails when it is decoded,
//! with its own position.

use std::ops::Range;

/// Top-level keys, each with the byte range of its value.
pub type Values = Vec<(String, Range<usize>)>;

/// The top-level keys with the range of each value, and the ranges of the samples.
#[derive(Debug, Default, PartialEq)]
pub struct Layout {
    pub values: Values,
    /// `None` when the log has no `samples` array.
    pub samples: Option<Vec<Range<usize>>>,
}

impl Layout {
    /// The range of a top-level key's value (the first, when a key repeats).
    pub fn value(&self, key: &str) -> Option<Range<usize>> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, r)| r.clone())
    }
}

/// Lays out the object starting at `bytes[start..]`; `None` when it is not a well-formed
/// object at this level (the full parser then says why, with a line and column).
pub fn layout(bytes: &[u8], start: usize) -> Option<Layout> {
    let mut layout = Layout::default();
    let mut i = open_object(bytes, start)?;
    if bytes.get(i) == Some(&b'}') {
        return Some(layout);
    }
    loop {
        let (key, value_start) = member(bytes, i)?;
        i = value_start;
        if key == "samples" && bytes.get(i) == Some(&b'[') && layout.samples.is_none() {
            let (elements, after) = elements(bytes, i)?;
            layout.samples = Some(elements);
            i = after;
        } else {
            i = value_end(bytes, i)?;
        }
        layout.values.push((key, value_start..i));
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            Some(b',') => i = skip_ws(bytes, i + 1),
            Some(b'}') => return Some(layout),
            _ => return None,
        }
    }
}

/// The top-level values before the `samples` array, and where its elements start (just past
/// its `[`): the first samples can be read before the rest is laid out. `None` when there is
/// no samples array before the object ends, or the object is not well-formed up to it.
pub fn head(bytes: &[u8], start: usize) -> Option<(Values, usize)> {
    let mut values = Vec::new();
    let mut i = open_object(bytes, start)?;
    loop {
        let (key, value_start) = member(bytes, i)?;
        if key == "samples" && bytes.get(value_start) == Some(&b'[') {
            return Some((values, value_start + 1));
        }
        i = value_end(bytes, value_start)?;
        values.push((key, value_start..i));
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            Some(b',') => i = skip_ws(bytes, i + 1),
            _ => return None,
        }
    }
}

/// The index of the first member of the object opening at `start` (or of its `}`).
fn open_object(bytes: &[u8], start: usize) -> Option<usize> {
    let i = skip_ws(bytes, start);
    (bytes.get(i) == Some(&b'{')).then(|| skip_ws(bytes, i + 1))
}

/// The member starting at `i` (`"key": `): its key, and where its value starts.
fn member(bytes: &[u8], i: usize) -> Option<(String, usize)> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let end = string_end(bytes, i)?;
    let key: String = serde_json::from_slice(&bytes[i..end]).ok()?;
    let colon = skip_ws(bytes, end);
    (bytes.get(colon) == Some(&b':')).then(|| (key, skip_ws(bytes, colon + 1)))
}

/// The elements of an array, one range at a time, from just past its `[`. It ends at the `]`;
/// `broken` says whether it ended early on something that is not an element.
pub struct Elements<'a> {
    bytes: &'a [u8],
    at: usize,
    done: bool,
    pub broken: bool,
}

impl<'a> Elements<'a> {
    pub fn new(bytes: &'a [u8], first: usize) -> Elements<'a> {
        let at = skip_ws(bytes, first);
        let done = bytes.get(at) == Some(&b']');
        Elements { bytes, at: if done { at + 1 } else { at }, done, broken: false }
    }

    /// Goes on at `at`, where an element starts, in bytes that follow what was read before
    /// (an array read a window at a time).
    pub fn resume(bytes: &'a [u8], at: usize) -> Elements<'a> {
        Elements { bytes, at, done: false, broken: false }
    }

    /// The index past the array's `]` once every element was read; where the element that
    /// broke off starts, when one did (a window that ends inside it reads on from there).
    pub fn end(&self) -> usize {
        self.at
    }
}

impl Iterator for Elements<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.done {
            return None;
        }
        let start = self.at;
        let Some(end) = value_end(self.bytes, start) else {
            (self.done, self.broken) = (true, true);
            return None;
        };
        let next = skip_ws(self.bytes, end);
        match self.bytes.get(next) {
            Some(b',') => self.at = skip_ws(self.bytes, next + 1),
            Some(b']') => (self.at, self.done) = (next + 1, true),
            _ => (self.done, self.broken) = (true, true),
        }
        (!self.broken).then_some(start..end)
    }
}

/// The ranges of the elements of the array opening at `start`, and the index past it.
fn elements(bytes: &[u8], start: usize) -> Option<(Vec<Range<usize>>, usize)> {
    let mut elements = Elements::new(bytes, start + 1);
    let out: Vec<Range<usize>> = elements.by_ref().collect();
    (!elements.broken).then(|| (out, elements.end()))
}

/// The index just past the value starting at `start`: a string, a container (brackets counted,
/// strings inside skipped), or a bare scalar (a number, `true`, `null`, `NaN`, …).
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match *bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match *bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        b',' | b'}' | b']' | b':' => None,
        _ => {
            let len = bytes[start..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                .unwrap_or(bytes.len() - start);
            Some(start + len)
        }
    }
}

/// The index just past the closing quote of the string opening at `start`.
pub fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', bytes.get(j..)?)?;
        match bytes[j] {
            b'\\' => j += 2,
            _ => return Some(j + 1),
        }
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(bytes: &'a [u8], range: &Range<usize>) -> &'a str {
        std::str::from_utf8(&bytes[range.clone()]).unwrap()
    }

    #[test]
    fn lays_out_keys_and_samples_whatever_they_hold() {
        let log = br#" {"version": 2, "eval": {"task": "t", "x": [1, {"y": "a\"}]"}]},
            "samples": [ {"id": 1, "v": NaN, "s": "]}\\"}, {"id": "two"} ,{}],
            "status": "success"} "#;
        let layout = layout(log, 0).unwrap();
        let keys: Vec<&str> = layout.values.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["version", "eval", "samples", "status"]);
        assert_eq!(text(log, &layout.value("version").unwrap()), "2");
        assert_eq!(text(log, &layout.value("eval").unwrap()), r#"{"task": "t", "x": [1, {"y": "a\"}]"}]}"#);
        assert_eq!(text(log, &layout.value("status").unwrap()), r#""success""#);
        let samples: Vec<&str> = layout.samples.unwrap().iter().map(|r| text(log, r)).collect();
        assert_eq!(samples, [r#"{"id": 1, "v": NaN, "s": "]}\\"}"#, r#"{"id": "two"}"#, "{}"]);
    }

    #[test]
    fn the_head_stops_at_the_samples_and_elements_come_one_by_one() {
        let log = br#"{"version": 2, "eval": {"task": "t"}, "samples": [ {"id": 1}, [2] , "3"], "x": 1}"#;
        let (values, first) = head(log, 0).unwrap();
        let keys: Vec<&str> = values.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["version", "eval"]);
        let mut elements = Elements::new(log, first);
        let got: Vec<&str> = elements.by_ref().map(|r| text(log, &r)).collect();
        assert_eq!(got, [r#"{"id": 1}"#, "[2]", r#""3""#]);
        assert!(!elements.broken);
        assert_eq!(&log[elements.end()..], br#", "x": 1}"#);
        // A cut or broken array ends early, and says so.
        let cut = br#"{"eval": {}, "samples": [{"id": 1}, {"id": 2"#;
        let (_, first) = head(cut, 0).unwrap();
        let mut elements = Elements::new(cut, first);
        assert_eq!(elements.by_ref().count(), 1);
        assert!(elements.broken);
        assert_eq!(head(br#"{"eval": {}}"#, 0), None, "no samples");
        assert_eq!(head(br#"{"samples": null, "eval": 1}"#, 0), None);
        assert_eq!(Elements::new(b"[ ]", 1).count(), 0);
    }

    #[test]
    fn anything_but_a_well_formed_object_is_left_to_the_parser() {
        for bad in
            [&b""[..], b"[]", b"{\"a\" 1}", b"{\"a\": 1", b"{\"samples\": [1, 2", b"{\"a\": \"open}", b"{,}"]
        {
            assert_eq!(layout(bad, 0), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(layout(b"{}", 0), Some(Layout::default()));
        // No samples array: none, and the value is still laid out.
        let l = layout(br#"{"samples": null}"#, 0).unwrap();
        assert_eq!((l.samples, l.values.len()), (None, 1));
    }
}
