//! rollscope: browse, label and measure LLM rollouts in the terminal.
//!
//! The domain core (`model`, `formats`, `study`, `metrics`, `sanitize`) never imports a terminal
//! crate; `load` runs the parallel indexer; `app` holds state and turns messages into effects;
//! `ui` draws from `&App`; `runtime` owns the terminal, the threads and the event loop.

pub mod cli;
pub mod commands;
pub mod formats;
pub mod load;
pub mod metrics;
pub mod model;
pub mod sanitize;
pub mod study;
