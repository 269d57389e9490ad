//! Carrying out effects. The runtime runs these on worker threads; tests run them inline, so
//! both go through the same code.

use std::sync::Arc;

use super::{Effect, Msg};
use crate::sanitize;
use crate::search;

/// Performs one effect and returns the message it produces (`None` for `Quit`). `cancelled`
/// lets a long search stop when a newer one starts.
pub fn perform(effect: Effect, cancelled: &dyn Fn() -> bool) -> Option<Msg> {
    match effect {
        Effect::ReadRollout {
            index,
            source,
            locator,
            id,
        } => {
            let result = source
                .read_rollout(&locator, &id)
                .map(Arc::new)
                .map_err(|p| sanitize::clean(&p.to_string()).into_owned());
            Some(Msg::RolloutRead { index, result })
        }
        Effect::Search {
            generation,
            query,
            plan,
        } => {
            let mut hits = search::search(&plan, &query, cancelled);
            hits.sort_unstable();
            Some(Msg::SearchDone { generation, hits })
        }
        Effect::Quit => None,
    }
}
