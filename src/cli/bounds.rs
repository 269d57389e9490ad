//! Bounds on what the command line takes, as clap value parsers, so a value that would run for
//! hours, select nothing, match every turn or compare with NaN is refused before anything is
//! loaded, with clap's message naming the flag. They are attached to the shared option structs
//! (`StudyDefinition`, `BootstrapOptions`), so every command that flattens those inherits them;
//! a command that adds its own `--boot`, `--perm`, `--threshold`-like or `--turns` flag uses
//! the parser here (`src/cli/tests.rs` walks every command and fails otherwise).

use clap::Args;

use crate::model::Hatch;

/// Most bootstrap replicates: a 95 % interval is stable long before, and each replicate costs a
/// pass over the data (10^9 ran for hours).
pub const MAX_BOOT: usize = 100_000;

/// Most permutations of a permutation test (`compare --perm`).
pub const MAX_PERM: usize = 1_000_000;

/// Bootstrap options, shared by every command that reports confidence intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct BootstrapOptions {
    /// Bootstrap replicates for the confidence intervals (at most 100000).
    #[arg(long, default_value_t = DEFAULT_BOOT, value_parser = boot)]
    pub boot: usize,
    /// Bootstrap seed: the same seed gives the same intervals.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Bootstrap replicates and permutations when none are asked for.
pub const DEFAULT_BOOT: usize = 2000;
pub const DEFAULT_PERM: usize = 10_000;

/// `--boot`: a count of at most `MAX_BOOT`.
pub fn boot(text: &str) -> Result<usize, String> {
    count_at_most(text, MAX_BOOT, "replicates")
}

/// `--perm`: a count of at most `MAX_PERM`.
pub fn perm(text: &str) -> Result<usize, String> {
    count_at_most(text, MAX_PERM, "permutations")
}

fn count_at_most(text: &str, max: usize, what: &str) -> Result<usize, String> {
    let n: usize = text.trim().parse().map_err(|_| format!("{text:?} is not a whole number"))?;
    if n > max {
        return Err(format!("at most {max} {what} (asked for {n})"));
    }
    Ok(n)
}

/// A threshold or a score: a finite number (NaN would make every comparison false, and
/// infinity select all or nothing).
pub fn finite(text: &str) -> Result<f64, String> {
    let x: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number"))?;
    if !x.is_finite() {
        return Err(format!("{text:?} is not a finite number"));
    }
    Ok(x)
}

/// `--baseline`: `FIELD=VALUE`, both non-empty (the value may itself contain `=`).
pub fn field_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((field, value)) if !field.trim().is_empty() && !value.is_empty() => {
            Ok((field.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("{text:?} is not FIELD=VALUE (e.g. condition=baseline)")),
    }
}

/// `--turn-base`: what the first turn is numbered, 0 or 1.
pub fn turn_base(text: &str) -> Result<u32, String> {
    match text.trim() {
        "0" => Ok(0),
        "1" => Ok(1),
        _ => Err(format!("{text:?}: the first turn is numbered 0 or 1")),
    }
}

/// `--hatch`: a regex that does not match the empty string (`''`, `.*`, `a?` would mark every
/// rollout self-deleted at its first turn).
pub fn hatch(text: &str) -> Result<String, String> {
    Hatch::new(text).map(|_| text.to_string()).map_err(|e| e.to_string())
}

/// `--turns`: a list of turns and ranges (`1-20`, `5,10,15`, `10-`), each range in order and
/// every turn from 1.
pub fn turns(text: &str) -> Result<String, String> {
    let ranges = crate::sample::parse_turns(text).map_err(|e| e.to_string())?;
    for (part, (first, last)) in text.split(',').zip(ranges) {
        let part = part.trim();
        if first == 0 || last == 0 {
            return Err(format!("{part:?}: turns are numbered from 1"));
        }
        if first > last {
            return Err(format!("{part:?} is reversed: write {last}-{first}"));
        }
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_bounded() {
        assert_eq!(boot("100000"), Ok(MAX_BOOT));
        assert!(boot("100001").unwrap_err().contains("at most 100000"));
        assert!(boot("-1").is_err() && boot("many").is_err());
        assert_eq!(perm("1000000"), Ok(MAX_PERM));
        assert!(perm("1000001").is_err());
    }

    #[test]
    fn a_baseline_is_a_field_and_a_value() {
        assert_eq!(field_value("condition=baseline"), Ok(("condition".into(), "baseline".into())));
        assert_eq!(field_value("model=a=b"), Ok(("model".into(), "a=b".into())));
        for bad in ["baseline", "=x", "model=", ""] {
            assert!(field_value(bad).unwrap_err().contains("is not FIELD=VALUE"), "{bad:?}");
        }
    }

    #[test]
    fn numbers_are_finite() {
        assert_eq!(finite("-2.5"), Ok(-2.5));
        for bad in ["NaN", "nan", "inf", "-inf", "infinity", "1e400", "x"] {
            assert!(finite(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hatch_patterns_must_not_match_the_empty_string() {
        for bad in ["", ".*", "a?", "x|", "(?m)^", "<<("] {
            assert!(hatch(bad).is_err(), "{bad:?}");
        }
        assert_eq!(hatch("<<rm -rf[^>]*>>").as_deref(), Ok("<<rm -rf[^>]*>>"));
    }

    #[test]
    fn turn_ranges_are_in_order_and_from_one() {
        for good in ["1-20", "5,10,15", "10-", "-5", "3-3"] {
            assert_eq!(turns(good).as_deref(), Ok(good));
        }
        assert!(turns("5-3").unwrap_err().contains("reversed: write 3-5"));
        assert!(turns("1-2, 9-4").unwrap_err().contains("\"9-4\""));
        assert!(turns("0").is_err() && turns("0-4").is_err() && turns("a-b").is_err());
    }
}
