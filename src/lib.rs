//! rollscope: browse, label and measure LLM rollouts in the terminal.
//!
//! The domain core (`model`, `formats`, `study`, `metrics`, `sanitize`) never imports a terminal
//! crate; `load` runs the parallel indexer; `app` holds state and turns messages into effects;
//! `ui` draws widgets from the app's view models; `runtime` owns the terminal, the event loop and
//! the effect executor; `testkit` (tests and benchmarks only) runs that executor inline.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod export;
pub mod formats;
pub mod load;
pub mod metrics;
pub mod model;
pub mod report;
pub mod runtime;
pub mod sample;
pub mod sanitize;
pub mod search;
pub mod store;
pub mod study;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod ui;
