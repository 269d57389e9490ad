//! The app's settings: fixed at start from the command line and the config file (`:by`,
//! `:score` and `:threshold` change some of them later).

use std::sync::Arc;

use super::{DEFAULT_REASONS, labels};

/// Settings fixed at start (command line and config file).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--score`, if given; otherwise the study's default is used once scores appear.
    pub score: Option<Arc<str>>,
    pub threshold: f64,
    /// False under `NO_COLOR`.
    pub color: bool,
    /// The terminal draws 24-bit colour (`COLORTERM`).
    pub truecolor: bool,
    /// Name of the study shown in the title (paths or "demo").
    pub title: String,
    /// Tags offered in the tag picker.
    pub tags: Vec<String>,
    /// `--by`: the groups of the statistics and compare views (default condition,dataset).
    pub by: Option<Vec<String>>,
    /// `--baseline FIELD=VALUE`: the compare view's first baseline.
    pub baseline: Option<(String, String)>,
    /// `--pair-on FIELD`: pairs rollouts in the compare view and finds side-by-side counterparts.
    pub pair_on: Option<String>,
    /// In a spot-check review, scoring an item moves to the next unscored one.
    pub review_advance: bool,
    /// The reason codes an adjudicator picks from.
    pub reasons: Vec<String>,
    /// `--follow`: the files are followed after the first load.
    pub follow: bool,
    /// `columns = [...]` of the config: the list's metadata columns (default: see
    /// `ListColumns::shown`).
    pub columns: Option<Vec<String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            score: None,
            threshold: 5.0,
            color: true,
            truecolor: false,
            title: "demo".into(),
            tags: labels::DEFAULT_TAGS.iter().map(|t| t.to_string()).collect(),
            by: None,
            baseline: None,
            pair_on: None,
            review_advance: true,
            reasons: DEFAULT_REASONS.iter().map(|r| r.to_string()).collect(),
            follow: false,
            columns: None,
        }
    }
}
