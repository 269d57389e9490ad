//! Rollout filters typed at the `f` prompt: space-separated terms that must all hold.
//!
//! `condition=baseline`  metadata field equals value (`!=` for not equal)
//! `max>=5` `mean<2` `turns>10` `first<=3`  score predicates (`first` = first turn ≥ threshold)
//! `selfdel` / `!selfdel`  self-deleted or not
//! `frustration.tag=despair`  some turn's judge value is that (`!=`: no turn's is)
//! `tag=despair`  the same, short, when no metadata field is called `tag` (metadata wins)
//! `all(tag=none)`  every turn the judge valued is that
//! `condition~sarcas`  the field holds the text (smart case); `id~/r[0-3]$/` a regex; `!~` not
//! `labelled` / `!labelled` / `lab>=3`  turns you have scored (your own labels)
//! `id=…` / `id~…`  the rollout's id (a metadata field called `id` wins)

mod turns;

use crate::model::RolloutSummary;
use crate::model::names::FieldError;
pub use turns::TurnValue;

/// One term of a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// `name=value`: a metadata field, or, once resolved, a per-turn judge value.
    Field {
        name: String,
        value: String,
        negate: bool,
        every: bool,
    },
    /// A per-turn score's value in some turn (every turn when `every`), `!=` none.
    Turn {
        score: String,
        value: TurnValue,
        negate: bool,
        every: bool,
    },
    Number {
        what: Quantity,
        op: Comparison,
        value: f64,
    },
    SelfDeleted(bool),
    /// `name~text`: a metadata field (or the id) holds the text or matches the regex.
    Holds {
        name: String,
        pattern: TextPattern,
        negate: bool,
    },
}

/// The text or regex of a `~` term, compiled once (smart case: case matters only when the
/// pattern has a capital).
#[derive(Debug, Clone)]
pub struct TextPattern {
    pub written: String,
    regex: regex::Regex,
}

impl PartialEq for TextPattern {
    fn eq(&self, other: &Self) -> bool {
        self.written == other.written
    }
}

impl TextPattern {
    fn new(written: &str) -> Result<TextPattern, String> {
        let regex_text = match written.strip_prefix('/').and_then(|w| w.strip_suffix('/')) {
            Some(inner) if written.len() >= 2 => inner.to_string(),
            _ => regex::escape(written),
        };
        let fold = !written.chars().any(char::is_uppercase);
        let regex = regex::RegexBuilder::new(&regex_text)
            .case_insensitive(fold)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| {
                format!("{written:?} is not a valid regex: {}", e.to_string().lines().last().unwrap_or(""))
            })?;
        Ok(TextPattern { written: written.to_string(), regex })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

/// A number a rollout has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Max,
    Mean,
    Turns,
    FirstAtOrAbove,
    /// Turns I have scored.
    Labelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

impl Comparison {
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Comparison::Lt => a < b,
            Comparison::Le => a <= b,
            Comparison::Eq => a == b,
            Comparison::Ge => a >= b,
            Comparison::Gt => a > b,
        }
    }
}

/// A parsed filter: every term must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub text: String,
    pub terms: Vec<Term>,
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, String> {
        let terms = text.split_whitespace().map(parse_term).collect::<Result<_, _>>()?;
        Ok(Filter { text: text.trim().to_string(), terms })
    }

    /// Whether a term counts my labels (`labelled`, `lab>=N`).
    pub fn uses_labels(&self) -> bool {
        self.terms.iter().any(|t| matches!(t, Term::Number { what: Quantity::Labelled, .. }))
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Tells each `name=value` term's metadata fields from per-turn scores: `fields` are the
    /// study's metadata fields, `scores` its per-turn numeric and categorical score names, and
    /// `active` the score shown (`tag` is `<active>.tag` first). A name that is none of these
    /// is an error naming the closest: such a filter would hide every rollout for a typo.
    pub fn resolve(mut self, fields: &[&str], scores: &[&str], active: &str) -> Result<Filter, FieldError> {
        let mut with_id = fields.to_vec();
        if !with_id.contains(&"id") {
            with_id.push("id");
        }
        let fields = &with_id[..];
        for term in &mut self.terms {
            if let Term::Holds { name, .. } = term
                && !fields.contains(&name.as_str())
            {
                return Err(FieldError::new(None, name, fields));
            }
            if let Term::Field { name, value, negate, every } = term {
                *term = turns::resolve(name, value, *negate, *every, fields, scores, active)?;
            }
        }
        Ok(self)
    }

    /// Whether a rollout passes, with scores read under `score` and `threshold` for `first`,
    /// and `labelled` telling how many of its turns I have scored.
    pub fn matches(
        &self,
        r: &RolloutSummary,
        score: &str,
        threshold: f64,
        labelled: &dyn Fn(&str) -> u32,
    ) -> bool {
        // `id` is the rollout's id unless the file has a metadata field of that name.
        let text = |name: &str| match r.meta(name) {
            Some(v) => Some(v.text()),
            None if name == "id" => Some(std::borrow::Cow::Borrowed(&*r.id)),
            None => None,
        };
        self.terms.iter().all(|term| match term {
            Term::Field { name, value, negate, .. } => {
                let equal = text(name).is_some_and(|v| v == value.as_str());
                equal != *negate
            }
            Term::Holds { name, pattern, negate } => {
                text(name).is_some_and(|v| pattern.is_match(&v)) != *negate
            }
            Term::Turn { score, value, negate, every } => turns::holds(r, score, value, *every) != *negate,
            Term::SelfDeleted(wanted) => r.self_deleted_at.is_some() == *wanted,
            Term::Number { what, op, value } => {
                let actual = match what {
                    Quantity::Max => r.max_score(score),
                    Quantity::Mean => r.mean_score(score),
                    Quantity::Turns => Some(f64::from(r.n_turns)),
                    Quantity::FirstAtOrAbove => r.first_at_or_above(score, threshold).map(|t| t as f64),
                    Quantity::Labelled => Some(f64::from(labelled(&r.id))),
                };
                actual.is_some_and(|a| op.holds(a, *value))
            }
        })
    }
}

fn parse_term(term: &str) -> Result<Term, String> {
    if term.starts_with("all(") && !term.ends_with(')') {
        return Err(format!("{term:?}: all(…) needs its closing ), as all(tag=none)"));
    }
    if let Some(inner) = term.strip_prefix("all(").and_then(|t| t.strip_suffix(')')) {
        return match parse_term(inner)? {
            Term::Field { name, value, negate, .. } => Ok(Term::Field { name, value, negate, every: true }),
            _ => Err(format!("{term:?}: all(…) takes a per-turn field=value, as all(tag=none)")),
        };
    }
    match term {
        "selfdel" | "selfdeleted" => return Ok(Term::SelfDeleted(true)),
        "!selfdel" | "!selfdeleted" => return Ok(Term::SelfDeleted(false)),
        "labelled" | "labeled" => {
            return Ok(Term::Number { what: Quantity::Labelled, op: Comparison::Ge, value: 1.0 });
        }
        "!labelled" | "!labeled" => {
            return Ok(Term::Number { what: Quantity::Labelled, op: Comparison::Eq, value: 0.0 });
        }
        _ => {}
    }
    // `name~text` when the `~` comes before any comparison (a regex may hold `=` or `<`).
    if let Some(at) = term.find('~').filter(|at| !term[..*at].contains(['=', '<', '>'])) {
        let (name, negate) = match term[..at].strip_suffix('!') {
            Some(name) => (name, true),
            None => (&term[..at], false),
        };
        if name.is_empty() {
            return Err(format!("{term:?} needs a field before ~, as condition~sarcas"));
        }
        let pattern = TextPattern::new(&term[at + 1..]).map_err(|e| format!("{term:?}: {e}"))?;
        return Ok(Term::Holds { name: name.to_string(), pattern, negate });
    }
    const OPS: [(&str, Comparison); 6] = [
        (">=", Comparison::Ge),
        ("<=", Comparison::Le),
        ("!=", Comparison::Eq),
        ("=", Comparison::Eq),
        (">", Comparison::Gt),
        ("<", Comparison::Lt),
    ];
    let Some((at, symbol, op)) = OPS
        .iter()
        .filter_map(|(symbol, op)| term.find(symbol).map(|at| (at, *symbol, *op)))
        .min_by_key(|(at, symbol, _)| (*at, std::cmp::Reverse(symbol.len())))
    else {
        return Err(format!(
            "cannot read {term:?}: write field=value, field~text, max>=5, mean<2, turns>10, first<=3, lab>=1, selfdel or labelled"
        ));
    };
    let (name, value) = (&term[..at], &term[at + symbol.len()..]);
    if name.is_empty() {
        return Err(format!("{term:?} needs a name before {symbol}"));
    }
    let quantity = match name {
        "max" => Some(Quantity::Max),
        "mean" => Some(Quantity::Mean),
        "turns" => Some(Quantity::Turns),
        "first" => Some(Quantity::FirstAtOrAbove),
        "lab" => Some(Quantity::Labelled),
        _ => None,
    };
    match quantity {
        Some(what) if symbol != "!=" => {
            let value = value.parse::<f64>().map_err(|_| format!("{term:?}: {value:?} is not a number"))?;
            Ok(Term::Number { what, op, value })
        }
        _ if matches!(symbol, "=" | "!=") => Ok(Term::Field {
            name: name.to_string(),
            value: value.to_string(),
            negate: symbol == "!=",
            every: false,
        }),
        _ => Err(format!("{term:?}: only max, mean, turns, first and lab compare with {symbol}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hatch, Interner, Locator, Message, Role, Rollout};
    use serde_json::json;

    fn rollout(condition: &str, scores: &[f64], selfdel: bool) -> RolloutSummary {
        let mut messages = Vec::new();
        for (i, s) in scores.iter().enumerate() {
            let last = i + 1 == scores.len();
            let text = if selfdel && last { "<<rm -rf me>>" } else { "ok" };
            let mut m = Message::new(Role::Assistant, text);
            m.scores = vec![("frustration".into(), Some(*s))];
            messages.push(m);
        }
        let r = Rollout {
            id: condition.into(),
            metadata: json!({"condition": condition, "epoch": 2}).as_object().cloned().unwrap_or_default(),
            messages,
            ..Rollout::default()
        };
        RolloutSummary::from_rollout(&r, &Hatch::default(), 0, Locator::Decoded(0), &mut Interner::default())
    }

    #[test]
    fn terms_combine_with_and() {
        let a = rollout("baseline", &[1.0, 6.0, 8.0], true);
        let b = rollout("trained", &[0.0, 1.0], false);
        let f = Filter::parse("condition=baseline max>=5 selfdel").unwrap();
        assert!(f.matches(&a, "frustration", 5.0, &|_| 0));
        assert!(!f.matches(&b, "frustration", 5.0, &|_| 0));
        let g = Filter::parse("condition!=baseline mean<1 turns=2 !selfdel epoch=2").unwrap();
        assert!(g.matches(&b, "frustration", 5.0, &|_| 0));
        assert!(!g.matches(&a, "frustration", 5.0, &|_| 0));
        let first = Filter::parse("first<=2").unwrap();
        assert!(first.matches(&a, "frustration", 5.0, &|_| 0));
        assert!(!first.matches(&b, "frustration", 5.0, &|_| 0), "never reaches the threshold");
    }

    #[test]
    fn tilde_holds_text_or_a_regex_with_smart_case_and_lab_counts_my_labels() {
        let a = rollout("sarcastic_rejection", &[1.0], false);
        let b = rollout("baseline", &[1.0], false);
        let pass = |f: &str, r: &RolloutSummary, mine: u32| {
            let filter = Filter::parse(f).unwrap().resolve(&["condition"], &[], "frustration").unwrap();
            filter.matches(r, "frustration", 5.0, &|_| mine)
        };
        assert!(pass("condition~sarcas", &a, 0) && !pass("condition~sarcas", &b, 0));
        assert!(!pass("condition~SARC", &b, 0) && !pass("condition~SARC", &a, 0), "a capital: case matters");
        assert!(pass("condition~/^base/", &b, 0) && !pass("condition~/^base/", &a, 0));
        assert!(pass("condition!~sarcas", &b, 0) && !pass("condition!~sarcas", &a, 0));
        assert!(pass("id~/^sarc.*n$/", &a, 0), "the id is a field of its own");
        assert!(pass("id=baseline", &b, 0));
        assert!(pass("labelled", &a, 1) && !pass("labelled", &a, 0));
        assert!(pass("!labelled", &a, 0) && !pass("!labelled", &a, 2));
        assert!(pass("lab>=3", &a, 3) && !pass("lab>=3", &a, 2));
        assert!(Filter::parse("condition~/(/").unwrap_err().contains("not a valid regex"));
        let typo = Filter::parse("conditon~x").unwrap().resolve(&["condition"], &[], "s").unwrap_err();
        assert_eq!(typo.to_string(), "no rollout has `conditon`; did you mean `condition`?");
    }

    #[test]
    fn a_field_no_rollout_has_is_an_error_naming_the_closest() {
        let fields = ["condition", "dataset"];
        let typo = Filter::parse("conditon=baseline max>=5").unwrap();
        assert_eq!(
            typo.resolve(&fields, &[], "frustration").unwrap_err().to_string(),
            "no rollout has `conditon`; did you mean `condition`?"
        );
        let fine = Filter::parse("condition!=x dataset=y selfdel mean<2").unwrap();
        assert_eq!(fine.clone().resolve(&fields, &[], "frustration"), Ok(fine));
    }

    #[test]
    fn bad_terms_explain_the_syntax() {
        assert!(Filter::parse("max>=lots").unwrap_err().contains("not a number"));
        assert!(Filter::parse("banana").unwrap_err().contains("field=value"));
        assert!(Filter::parse("condition>3").unwrap_err().contains("only max"));
        assert!(Filter::parse("").unwrap().is_empty());
    }
}
