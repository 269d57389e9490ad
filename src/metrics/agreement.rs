//! Judge-versus-human agreement on paired scores (human `h[i]`, judge `j[i]` for item i).

mod correlation;

pub use correlation::{mae, pearson, spearman};
