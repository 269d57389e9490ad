//! Column names a SQL engine takes unquoted: letters, digits and `_` only, not starting with a
//! digit. A dot (a judge string under its score, `frustration.tag`) becomes `__`; any other
//! character `_`. Engines compare unquoted names without case, so two names that differ only
//! in case (or that the rewriting makes equal) are told apart with `_2`, `_3`, ….

use std::collections::HashSet;

/// `name` made SQL-friendly (not yet told apart from the others: see `Names`).
pub fn sql_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' => out.push(c),
            '.' => out.push_str("__"),
            _ => out.push('_'),
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The names given so far in one table.
#[derive(Debug, Default)]
pub struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// Takes the fixed columns' names first, so that nothing else gets them.
    pub fn with_fixed(fixed: &[&str]) -> Names {
        let mut names = Names::default();
        for name in fixed {
            names.taken.insert(name.to_ascii_lowercase());
        }
        names
    }

    /// Whether a name is taken (without regard to case).
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(&name.to_ascii_lowercase())
    }

    /// A free name for `name`: its SQL form, with `_2`, `_3`, … when that is taken.
    pub fn give(&mut self, name: &str) -> String {
        let base = sql_name(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.taken.insert(candidate.to_ascii_lowercase()) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        candidate
    }

    /// A metadata field's column: `meta__<name>` when the plain name is a fixed column's or a
    /// score's.
    pub fn give_meta(&mut self, field: &str) -> String {
        if self.is_taken(&sql_name(field)) { self.give(&format!("meta__{field}")) } else { self.give(field) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hold_only_letters_digits_and_underscores() {
        assert_eq!(sql_name("frustration.tag"), "frustration__tag");
        assert_eq!(sql_name("judge score (0-10)"), "judge_score__0_10_");
        assert_eq!(sql_name("2nd"), "_2nd");
        assert_eq!(sql_name(""), "_");
        assert_eq!(sql_name("condición"), "condici_n");
    }

    #[test]
    fn clashes_are_told_apart_without_regard_to_case() {
        let mut names = Names::with_fixed(&["source", "rollout", "turn"]);
        assert_eq!(names.give_meta("turn"), "meta__turn");
        assert_eq!(names.give_meta("Turn"), "meta__Turn_2");
        assert_eq!(names.give("a-b"), "a_b");
        assert_eq!(names.give("a b"), "a_b_2");
        assert_eq!(names.give_meta("model"), "model");
    }
}
