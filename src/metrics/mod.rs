//! Study statistics and agreement figures: pure functions over plain numbers.
//!
//! Nothing in here does I/O, spawns threads or touches the terminal. Every figure that can
//! fail to exist (empty input, zero variance, a degenerate table) is an `Option`, `None`
//! when it cannot be computed; no function returns NaN.

pub mod agreement;
pub mod compare;
pub mod describe;
pub mod exact;
pub mod pairs;
pub mod resample;
pub mod rng;
pub mod study;
