//! The module paths a source file uses, resolved to absolute paths from the crate root:
//! `use` trees (groups, nested and over several lines, `self`, globs, `as`), and paths written
//! inline (`crate::x::f()`, `super::y::Z`). Paths starting with `crate`, `super`, `self`, a
//! child module the file declares, or (in `main.rs`) the library's name are read; anything
//! else names another crate or a local item.

use super::tokens::{Token, tokenize};

/// One path used by a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Used {
    /// Absolute segments from the crate root (`["ui", "chart", "turn_at_column"]`).
    pub path: Vec<String>,
    /// The module the path was written in (inline modules included).
    pub from: Vec<String>,
    pub line: usize,
}

/// The module a file under `src/` defines: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`;
/// `lib.rs` and `main.rs` are the root.
pub fn module_of(file: &str) -> Vec<String> {
    let relative = file.strip_prefix("src/").unwrap_or(file);
    let relative = relative.strip_suffix(".rs").unwrap_or(relative);
    let mut parts: Vec<String> = relative.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// Every path `text` (the file `file`) uses from this crate.
pub fn used_paths(file: &str, text: &str) -> Vec<Used> {
    let tokens = tokenize(text);
    let module = module_of(file);
    let library = (file == "src/main.rs").then_some("rollscope");
    let mut declared: Vec<Vec<String>> = Vec::new();
    walk_modules(&tokens, &module, |i, current| {
        if tokens[i].is("mod") && tokens.get(i + 1).is_some_and(Token::is_ident) {
            let mut child = current.to_vec();
            child.push(tokens[i + 1].text.clone());
            declared.push(child);
        }
    });
    let is_start = |segment: &str, current: &[String]| {
        matches!(segment, "crate" | "super" | "self")
            || Some(segment) == library
            || declared.iter().any(|d| {
                d.len() == current.len() + 1 && d.starts_with(current) && d[current.len()] == segment
            })
    };
    let mut used = Vec::new();
    let mut skip_to = 0;
    walk_modules(&tokens, &module, |i, current| {
        if i < skip_to {
            return;
        }
        let token = &tokens[i];
        let mut written: Vec<(Vec<String>, usize)> = Vec::new();
        if token.is("use") {
            let mut j = i + 1;
            use_tree(&tokens, &mut j, &[], &mut written);
            skip_to = j;
        } else if token.is_ident()
            && tokens.get(i + 1).is_some_and(|t| t.is("::"))
            && !(i > 0 && (tokens[i - 1].is("::") || tokens[i - 1].is("$")))
        {
            let mut segments = vec![token.text.clone()];
            let mut j = i;
            while tokens.get(j + 1).is_some_and(|t| t.is("::"))
                && let Some(next) = tokens.get(j + 2).filter(|t| t.is_ident())
            {
                segments.push(next.text.clone());
                j += 2;
            }
            skip_to = j + 1;
            written.push((segments, token.line));
        }
        for (segments, line) in written {
            if segments.first().is_some_and(|s| is_start(s, current))
                && let Some(path) = resolve(current, &segments, library)
            {
                used.push(Used { path, from: current.to_vec(), line });
            }
        }
    });
    used
}

/// Calls `visit(index, module)` for every token, with the module it sits in: the file's, plus
/// any inline `mod name { … }` around it.
fn walk_modules(tokens: &[Token], file_module: &[String], mut visit: impl FnMut(usize, &[String])) {
    let mut current = file_module.to_vec();
    // (brace depth inside the inline module, for each open one)
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0;
    for i in 0..tokens.len() {
        visit(i, &current);
        match tokens[i].text.as_str() {
            "{" => {
                depth += 1;
                let is_inline_module = i >= 2 && tokens[i - 2].is("mod") && tokens[i - 1].is_ident();
                if is_inline_module {
                    current.push(tokens[i - 1].text.clone());
                    open.push(depth);
                }
            }
            "}" => {
                if open.last() == Some(&depth) {
                    open.pop();
                    current.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
    }
}

/// Reads one use tree at `*i`, pushing every leaf path (with the prefix) and its line; leaves
/// `*i` after the tree.
fn use_tree(tokens: &[Token], i: &mut usize, prefix: &[String], out: &mut Vec<(Vec<String>, usize)>) {
    let mut segments = prefix.to_vec();
    while let Some(token) = tokens.get(*i) {
        match token.text.as_str() {
            "::" => *i += 1,
            "{" => {
                *i += 1;
                while tokens.get(*i).is_some_and(|t| !t.is("}")) {
                    use_tree(tokens, i, &segments, out);
                    if tokens.get(*i).is_some_and(|t| t.is(",")) {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            "*" => {
                *i += 1;
                out.push((segments, token.line));
                return;
            }
            "self" if !segments.is_empty() => {
                *i += 1;
                skip_alias(tokens, i);
                out.push((segments, token.line));
                return;
            }
            _ if token.is_ident() => {
                segments.push(token.text.clone());
                *i += 1;
                if !tokens.get(*i).is_some_and(|t| t.is("::")) {
                    skip_alias(tokens, i);
                    out.push((segments, token.line));
                    return;
                }
            }
            // `;`, `,` or `}` without a leaf: nothing to read (a malformed tree).
            _ => return,
        }
    }
}

fn skip_alias(tokens: &[Token], i: &mut usize) {
    if tokens.get(*i).is_some_and(|t| t.is("as")) {
        *i += 2;
    }
}

/// `segments` written in `module` as a path from the crate root; `None` for another crate's.
fn resolve(module: &[String], segments: &[String], library: Option<&str>) -> Option<Vec<String>> {
    let first = segments.first()?.as_str();
    let (base, rest): (Vec<String>, &[String]) = match first {
        "crate" => (Vec::new(), &segments[1..]),
        _ if Some(first) == library => (Vec::new(), &segments[1..]),
        "self" => (module.to_vec(), &segments[1..]),
        "super" => {
            let ups = segments.iter().take_while(|s| *s == "super").count();
            (module[..module.len().checked_sub(ups)?].to_vec(), &segments[ups..])
        }
        _ => (module.to_vec(), segments),
    };
    Some(base.into_iter().chain(rest.iter().cloned()).collect())
}

#[test]
fn groups_nesting_self_globs_and_inline_paths_resolve() {
    let text = "use crate::{\n    a::{b, c::{self, D}},\n    e as f,\n};\nuse super::g::*;\n\
                // use crate::commented;\nfn x() { crate::h::i(); std::mem::drop(1); child::j(); }\n\
                mod child;\nmod inline { use super::super::k; }\n";
    let used: Vec<(String, usize)> =
        used_paths("src/m/n.rs", text).into_iter().map(|u| (u.path.join("::"), u.line)).collect();
    let expected = [
        ("a::b", 2),
        ("a::c", 2),
        ("a::c::D", 2),
        ("e", 3),
        ("m::g", 5),
        ("h::i", 7),
        ("m::n::child::j", 7),
        ("m::k", 9),
    ];
    let expected: Vec<(String, usize)> = expected.iter().map(|(p, l)| (p.to_string(), *l)).collect();
    assert_eq!(used, expected);
}
