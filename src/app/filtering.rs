//! Applying the `f` filter: names checked against the study (a typo is an error naming the
//! closest), and when nothing matches, a hint at the values that do exist.

use super::filter::{Filter, Term};
use super::{App, Outcome};
use crate::model::names;

/// Values listed in a hint, at most.
const VALUES_SHOWN: usize = 8;

impl App {
    pub(super) fn apply_filter(&mut self, text: &str, out: &mut Outcome) {
        // A field no rollout has is a typo, not a filter hiding everything (known once loaded).
        let checked = Filter::parse(text).and_then(|filter| {
            let fields = self.study.metadata_fields();
            let scores = self.study.valued_score_names();
            let resolved = filter.clone().resolve(&fields, &scores, self.score_view().name);
            match resolved {
                Ok(filter) => Ok(filter),
                // Until the study is loaded, a name not seen yet may still come.
                Err(_) if !self.study.progress.finished => Ok(filter),
                Err(e) => Err(e.to_string()),
            }
        });
        match checked {
            Ok(filter) => {
                self.list.filter = filter;
                self.refresh_list(out);
                if self.list.rows.is_empty() && self.study.progress.finished {
                    self.toast =
                        Some(self.no_match_hint().unwrap_or_else(|| "no rollout matches the filter".into()));
                }
            }
            Err(message) => self.toast = Some(message),
        }
    }

    /// For a filter that matches nothing: the first `field=value` whose value no rollout has,
    /// with the values there are, the closest first ("no rollout has condition=harsh; values:
    /// harsh_tone, …").
    fn no_match_hint(&self) -> Option<String> {
        self.list.filter.terms.iter().find_map(|term| {
            let Term::Field { name, value, negate: false, .. } = term else { return None };
            let mut values: Vec<String> = self
                .study
                .rollouts
                .iter()
                .filter_map(|r| r.meta(name).map(|v| v.text().into_owned()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if values.iter().any(|v| v == value) {
                return None;
            }
            let known: Vec<&str> = values.iter().map(String::as_str).collect();
            let close = names::closest(value, &known).map(str::to_string);
            let starts: Vec<String> =
                values.iter().filter(|v| v.starts_with(value.as_str())).cloned().collect();
            values.retain(|v| Some(v) != close.as_ref() && !starts.contains(v));
            let ordered: Vec<String> = close.into_iter().chain(starts).chain(values).collect();
            let more = ordered.len().saturating_sub(VALUES_SHOWN);
            let mut shown = ordered.into_iter().take(VALUES_SHOWN).collect::<Vec<_>>().join(", ");
            if more > 0 {
                shown.push_str(&format!(", … ({more} more)"));
            }
            Some(format!("no rollout has {name}={value}; values: {shown}"))
        })
    }
}
