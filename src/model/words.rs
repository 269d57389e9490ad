//! Counts in words, as messages and screens write them: `1 problem`, `3 problems`.

/// `n` and the noun, in the plural unless `n` is 1.
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(super::plural(1, "problem"), "1 problem");
        assert_eq!(super::plural(0, "problem"), "0 problems");
        assert_eq!(super::plural(1121, "line"), "1121 lines");
    }
}
