//! rollscope: browse, label and measure LLM rollouts in the terminal.
//!
//! The domain core (`model`, `formats`, `store`, `metrics`, `sanitize`) never imports a
//! terminal crate; `app` holds state and turns messages into effects; `ui` draws from `&App`;
//! `runtime` owns the terminal, the threads and the event loop.

pub mod metrics;
