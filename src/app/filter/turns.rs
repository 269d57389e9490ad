//! Filter terms on what the judge gave each turn: `frustration.tag=despair` holds when some
//! turn has that category (`all(…)`: every turn with a value), `frustration=7` when some turn
//! scored 7. A bare `tag` is a metadata field when the study has one (metadata wins), else the
//! shown score's `<score>.tag`, else the one score named `….tag`, else a score named `tag`.

use super::Term;
use crate::model::names::FieldError;
use crate::model::{RolloutSummary, ScoreValues};

/// The value a per-turn term compares with: a category, or a number for a numeric score.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnValue {
    Category(String),
    Number(f64),
}

/// The term `name=value` resolved against the study's names.
pub(super) fn resolve(
    name: &str,
    value: &str,
    negate: bool,
    every: bool,
    fields: &[&str],
    scores: &[&str],
    active: &str,
) -> Result<Term, FieldError> {
    let field = || Term::Field { name: name.into(), value: value.into(), negate, every };
    if fields.contains(&name) && !every {
        return Ok(field());
    }
    let qualified = format!("{active}.{name}");
    let suffix = format!(".{name}");
    let mut ending = scores.iter().filter(|s| s.ends_with(&suffix));
    let score = if scores.contains(&qualified.as_str()) {
        Some(qualified)
    } else if let (Some(one), None) = (ending.next(), ending.next()) {
        Some(one.to_string())
    } else {
        scores.contains(&name).then(|| name.to_string())
    };
    let Some(score) = score else {
        // The short names (`tag`) count as known: they are what people type.
        let short = scores.iter().filter_map(|s| s.rsplit_once('.').map(|(_, last)| last));
        let mut known: Vec<&str> = scores.iter().copied().chain(short).collect();
        if !every {
            known.splice(0..0, fields.iter().copied());
        }
        return Err(FieldError::new(None, name, &known));
    };
    let value = match value.parse::<f64>() {
        Ok(number) if number.is_finite() => TurnValue::Number(number),
        _ => TurnValue::Category(value.to_string()),
    };
    Ok(Term::Turn { score, value, negate, every })
}

/// Whether some turn (every turn with a value, when `every`, and at least one) of `r` has
/// `value` under `score`.
pub(super) fn holds(r: &RolloutSummary, score: &str, value: &TurnValue, every: bool) -> bool {
    match (r.score_values(score), value) {
        (Some(ScoreValues::Categorical(v)), TurnValue::Category(c)) => {
            some_or_all(v.iter().flatten().map(|x| **x == **c), every)
        }
        // A category that reads as a number (`"3"`) is still that category.
        (Some(ScoreValues::Categorical(v)), TurnValue::Number(n)) => {
            some_or_all(v.iter().flatten().map(|x| x.parse::<f64>().ok() == Some(*n)), every)
        }
        (Some(ScoreValues::Numeric(v)), TurnValue::Number(n)) => {
            some_or_all(v.iter().flatten().map(|x| x == n), every)
        }
        _ => false,
    }
}

/// Any of the turns' matches, or all of them (and at least one turn).
fn some_or_all(mut matches: impl Iterator<Item = bool>, every: bool) -> bool {
    if !every {
        return matches.any(|m| m);
    }
    let mut seen = false;
    matches.all(|m| {
        seen = true;
        m
    }) && seen
}

#[cfg(test)]
mod tests {
    use super::super::Filter;
    use crate::metrics::study::tagged_rollout;

    const FIELDS: [&str; 1] = ["condition"];
    const SCORES: [&str; 2] = ["frustration", "frustration.tag"];

    fn filter(text: &str) -> Filter {
        Filter::parse(text).unwrap().resolve(&FIELDS, &SCORES, "frustration").unwrap()
    }

    #[test]
    fn a_per_turn_term_holds_when_some_turn_matches_and_all_when_every_turn_does() {
        let despair = tagged_rollout("a", 3, Some(&[Some("none"), Some("despair"), None]));
        let calm = tagged_rollout("a", 2, Some(&[Some("none"), None]));
        let untagged = tagged_rollout("a", 2, None);
        let pass =
            |f: &Filter| [&despair, &calm, &untagged].map(|r| f.matches(r, "frustration", 5.0, &|_| 0));
        assert_eq!(pass(&filter("frustration.tag=despair")), [true, false, false]);
        assert_eq!(pass(&filter("tag=despair")), [true, false, false], "short for the shown score's tag");
        assert_eq!(pass(&filter("tag!=despair")), [false, true, true], "!= is: no turn has it");
        assert_eq!(
            pass(&filter("all(tag=none)")),
            [false, true, false],
            "missing turns do not count, none is not all"
        );
        assert_eq!(pass(&filter("condition=a all(tag=none)")), [false, true, false]);
    }

    #[test]
    fn metadata_wins_for_a_bare_name_and_typos_name_the_closest() {
        let fields = ["condition", "tag"];
        let f = Filter::parse("tag=x").unwrap().resolve(&fields, &SCORES, "frustration").unwrap();
        assert!(matches!(&f.terms[0], super::Term::Field { name, .. } if name == "tag"));
        let typo = Filter::parse("tga=despair").unwrap().resolve(&FIELDS, &SCORES, "frustration");
        assert_eq!(typo.unwrap_err().to_string(), "no rollout has `tga`; did you mean `tag`?");
        let all_typo = Filter::parse("all(condition=a)").unwrap().resolve(&FIELDS, &SCORES, "frustration");
        assert!(all_typo.is_err(), "all(…) is for per-turn fields");
        assert!(Filter::parse("all(max>=5)").unwrap_err().contains("per-turn"));
    }

    #[test]
    fn a_numeric_score_matches_a_turn_with_that_value() {
        let mut r = tagged_rollout("a", 2, None);
        r.scores.push(crate::model::TurnScores {
            name: "frustration".into(),
            values: crate::model::ScoreValues::Numeric(vec![Some(3.0), Some(7.0)].into()),
        });
        assert!(filter("frustration=7").matches(&r, "frustration", 5.0, &|_| 0));
        assert!(!filter("frustration=5").matches(&r, "frustration", 5.0, &|_| 0));
        assert!(!filter("all(frustration=7)").matches(&r, "frustration", 5.0, &|_| 0));
    }
}
