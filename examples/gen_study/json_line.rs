//! One rollout as one line of JSON, written by hand (no DOM): the benchmark writes
//! gigabytes, and the demo's exact bytes are committed.

use std::io::Write as _;

use crate::study_design::{Condition, Prompt, Turn};

/// Appends `s` as a JSON string. With `ascii`, non-ASCII characters become `\uXXXX`
/// escapes (surrogate pairs above the BMP), as Python's `json.dumps` writes by default.
pub fn json_str(buf: &mut Vec<u8>, s: &str, ascii: bool) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let simple = match b {
            b'"' => Some(&b"\\\""[..]),
            b'\\' => Some(&b"\\\\"[..]),
            b'\n' => Some(&b"\\n"[..]),
            b'\r' => Some(&b"\\r"[..]),
            b'\t' => Some(&b"\\t"[..]),
            _ => None,
        };
        if let Some(esc) = simple {
            buf.extend_from_slice(&bytes[start..i]);
            buf.extend_from_slice(esc);
            i += 1;
            start = i;
        } else if b < 0x20 {
            buf.extend_from_slice(&bytes[start..i]);
            push_u_escape(buf, b as u16);
            i += 1;
            start = i;
        } else if b >= 0x80 && ascii {
            buf.extend_from_slice(&bytes[start..i]);
            let c = s[i..].chars().next().expect("char boundary");
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                push_u_escape(buf, *u);
            }
            i += c.len_utf8();
            start = i;
        } else {
            i += 1;
        }
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

pub fn push_u_escape(buf: &mut Vec<u8>, u: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    buf.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        buf.push(HEX[((u >> shift) & 0xF) as usize]);
    }
}

/// Shape options for the benchmark: content as a list of text parts, float scores.
#[derive(Clone, Copy, Default)]
pub struct Shape {
    pub parts: bool,
    pub float_scores: bool,
}

pub struct Line {
    pub buf: Vec<u8>,
    pub ascii: bool,
    pub first_message: bool,
    /// `--effect`: this rollout's judge scores are multiplied by it (written as they come out).
    pub scale: Option<f64>,
}

impl Line {
    pub fn begin(&mut self, id: &str, cond: Condition, prompt: Prompt, epoch: u64, ascii: bool) {
        self.buf.clear();
        self.ascii = ascii;
        self.first_message = true;
        let ds = prompt.dataset().name();
        let _ = write!(
            self.buf,
            "{{\"id\": \"{id}\", \"metadata\": {{\"condition\": \"{}\", \"dataset\": \"{ds}\", \
             \"prompt_id\": \"{ds}-{:03}\", \"epoch\": {epoch}, \"model\": \"{}\"}}, \"messages\": [",
            cond.name(),
            prompt.num(),
            cond.model(),
        );
    }

    pub fn message(&mut self, role: &str, content: &str, shape: Shape, scores: Option<&Turn>) {
        if !self.first_message {
            self.buf.extend_from_slice(b", ");
        }
        self.first_message = false;
        let _ = write!(self.buf, "{{\"role\": \"{role}\", \"content\": ");
        if shape.parts {
            // Split after the first paragraph break; concatenating the parts restores it.
            let cut = content.find("\n\n").map_or(content.len(), |i| i + 2);
            self.buf.extend_from_slice(b"[{\"type\": \"text\", \"text\": ");
            json_str(&mut self.buf, &content[..cut], self.ascii);
            if cut < content.len() {
                self.buf.extend_from_slice(b"}, {\"type\": \"text\", \"text\": ");
                json_str(&mut self.buf, &content[cut..], self.ascii);
            }
            self.buf.extend_from_slice(b"}]");
        } else {
            json_str(&mut self.buf, content, self.ascii);
        }
        if let Some(turn) = scores {
            self.buf.extend_from_slice(b", \"scores\": {\"frustration\": ");
            self.score(turn.score, turn.frustration_null, shape.float_scores);
            self.buf.extend_from_slice(b", \"self_blame\": ");
            self.score(turn.self_blame, turn.self_blame_null, shape.float_scores);
            self.buf.push(b'}');
        }
        self.buf.push(b'}');
    }

    pub fn score(&mut self, v: u8, null: bool, float: bool) {
        if null {
            self.buf.extend_from_slice(b"null");
        } else if let Some(scale) = self.scale {
            let _ = write!(self.buf, "{:?}", f64::from(v) * scale);
        } else if float {
            let _ = write!(self.buf, "{v}.0");
        } else {
            let _ = write!(self.buf, "{v}");
        }
    }

    pub fn end(&mut self) {
        self.buf.extend_from_slice(b"]}\n");
    }
}
