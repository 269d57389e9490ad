//! The rollout model: full transcripts, their index entries, the self-deletion pattern, and
//! human labels.

pub mod hatch;
pub mod label;
pub mod limits;
pub mod names;
pub mod overlay;
pub mod problem;
pub mod rollout;
pub mod score;
pub mod string_score;
pub mod summary;
pub mod words;

pub use hatch::{Hatch, HatchError};
pub use label::{CategoryLabel, Label, LabelKey, LabelRecord, LabelSet, SourceLine, text_hash};
pub use limits::{ByteSize, Limit, ReadLimits};
pub use names::FieldError;
pub use overlay::overlay_scores;
pub use problem::Problem;
pub use rollout::{JudgeStrings, Message, Role, Rollout, Scores, ToolCall, response_hash};
pub use score::{
    MAX_CATEGORIES, MAX_CATEGORY_LEN, ScoreKind, ScoreRange, ScoreValues, StringKinds, TextAt,
    kind_of_strings,
};
pub use string_score::{StringAt, StringValue, UnclassifiedScore};
pub use summary::{Interner, Locator, MetaValue, NO_ROLE, RolloutSummary, SummaryBuilder, TurnScores};
