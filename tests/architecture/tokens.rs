//! Just enough of a Rust lexer to read module paths: identifiers, `::` and single punctuation
//! characters, each with its line. Comments, string, byte-string, raw-string and character
//! literals are dropped, so a path that is only mentioned in text or a comment never counts.

/// One token and the line (from 1) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub text: String,
    pub line: usize,
}

impl Token {
    pub fn is(&self, text: &str) -> bool {
        self.text == text
    }

    pub fn is_ident(&self) -> bool {
        self.text.starts_with(|c: char| c.is_alphabetic() || c == '_')
    }
}

/// The tokens of `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = skip_block_comment(&chars, i);
        } else if let Some(end) = raw_string_end(&chars, i) {
            i = end;
        } else if c == '"' || (matches!(c, 'b' | 'c') && next == Some('"')) {
            i = skip_quoted(&chars, if c == '"' { i } else { i + 1 }, '"');
        } else if c == '\'' || (c == 'b' && next == Some('\'')) {
            let quote = if c == '\'' { i } else { i + 1 };
            match char_literal_end(&chars, quote) {
                Some(end) => i = end,
                // A lifetime: drop the quote, the name lexes as an identifier.
                None => i = quote + 1,
            }
        } else if c.is_alphanumeric() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // `r#type` is the identifier `type`.
            if word == "r" && chars.get(i) == Some(&'#') {
                i += 1;
                continue;
            }
            tokens.push(Token { text: word, line });
        } else if c == ':' && next == Some(':') {
            tokens.push(Token { text: "::".into(), line });
            i += 2;
        } else {
            tokens.push(Token { text: c.to_string(), line });
            i += 1;
        }
        line += chars[start..i].iter().filter(|c| **c == '\n').count();
    }
    tokens
}

/// The index after a (nested) block comment starting at `i`.
fn skip_block_comment(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// The index after a literal opened by `quote` at `i`, honouring backslash escapes.
fn skip_quoted(chars: &[char], mut i: usize, quote: char) -> usize {
    i += 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The index after `r"…"`, `r#"…"#`, `br##"…"##` (or `cr…`) starting at `i`, if one does.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"' && chars[j + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(j)
}

/// The index after a character literal whose opening quote is at `i`; `None` for a lifetime.
fn char_literal_end(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i + 1) {
        Some('\\') => Some(skip_quoted(chars, i, '\'')),
        Some(_) if chars.get(i + 2) == Some(&'\'') => Some(i + 3),
        _ => None,
    }
}

#[test]
fn comments_and_literals_hide_paths() {
    let text = "use crate::a; // crate::b\n/* crate::c /* nested */ crate::d */ let s = \"crate::e\";\n\
                let r = r#\"crate::rawpath \"quoted\"\"#; let c = '\"'; fn f<'a>(x: &'a str) { crate::g::h() }";
    let words: Vec<String> = tokenize(text).into_iter().map(|t| t.text).collect();
    let crates: Vec<&String> = words.iter().filter(|w| *w == "crate").collect();
    assert_eq!(crates.len(), 2, "{words:?}");
    assert!(words.contains(&"g".to_string()) && !words.contains(&"rawpath".to_string()), "{words:?}");
    let last = tokenize(text).into_iter().find(|t| t.text == "g").map(|t| t.line);
    assert_eq!(last, Some(3));
}
