//! Label and output files on disk. One annotator's labels are an append-only JSONL file where
//! every change is one line holding the new state of one (rollout, turn); the last line for a
//! key wins. The label values themselves are domain types in `model::label`.

pub mod annotators;
pub mod file;
pub mod migrate;
pub mod output;
pub mod stamp;
