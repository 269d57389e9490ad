//! Judge-versus-human agreement on paired scores (human `h[i]`, judge `j[i]` for item i).

mod correlation;
mod kappa;
mod krippendorff;

pub use correlation::{mae, pearson, spearman};
pub use kappa::{
    BinaryConfusion, cohen_kappa_binary, cohen_kappa_quadratic, round_half_up, score_category,
};
pub use krippendorff::krippendorff_alpha_interval;
