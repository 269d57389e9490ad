//! The rollout model: full transcripts, their index entries, and the self-deletion pattern.

pub mod hatch;
pub mod overlay;
pub mod problem;
pub mod rollout;
pub mod summary;

pub use hatch::Hatch;
pub use overlay::overlay_scores;
pub use problem::Problem;
pub use rollout::{Message, Role, Rollout, Scores, ToolCall};
pub use summary::{Interner, Locator, MetaValue, RolloutSummary, SummaryBuilder, TurnScores};
