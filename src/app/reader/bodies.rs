//! Message bodies wrapped to a width, kept per (message, width) so a resize back, a label
//! change or a move between turns never wraps them again. A body too long to wrap between two
//! keys is wrapped by a worker: the reader asks for it (`wanted`) and shows a placeholder line
//! until it arrives.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::LineKind;
use super::lines::LazyBody;
use crate::app::wrap::{Segment, wrap_text};
use crate::model::{Message, Rollout};

/// One wrapped line, shared between the cache and the reader's lines.
pub type Wrapped = Arc<[Segment]>;

/// A message's text and tool calls, wrapped.
#[derive(Debug, Clone)]
pub enum Body {
    Lines(Arc<[(LineKind, Wrapped)]>),
    /// A huge text, measured (its lines are made when drawn), then its tool calls.
    Lazy {
        text: Arc<LazyBody>,
        calls: Arc<[(LineKind, Wrapped)]>,
    },
}

impl Body {
    /// Lines the body wraps to.
    pub fn len(&self) -> usize {
        match self {
            Body::Lines(lines) => lines.len(),
            Body::Lazy { text, calls } => text.len() + calls.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Text longer than this (bytes) is wrapped off the UI thread.
pub const WRAP_ELSEWHERE: usize = 1 << 20;
/// Text longer than this (bytes) is not held wrapped: its lines are made when drawn (held, a
/// wrapped line costs a few times its text).
pub const WRAP_LAZILY: usize = 8 << 20;

/// Wraps a message body for the reader: held lines, or for a huge text a measured body (a pure
/// function of the rollout: the executor's workers call it).
pub fn wrap_message(rollout: &Arc<Rollout>, index: usize, width: usize) -> Option<Body> {
    let message = rollout.messages.get(index)?;
    if message.text.len() <= WRAP_LAZILY {
        return Some(wrap_body(message, width));
    }
    let text = Arc::new(LazyBody::measure(rollout.clone(), index, width));
    let calls = tool_call_lines(message, width).into();
    Some(Body::Lazy { text, calls })
}

fn tool_call_lines(message: &Message, width: usize) -> Vec<(LineKind, Wrapped)> {
    let mut lines = Vec::new();
    for call in &message.tool_calls {
        let call_text = format!("→ {}({})", call.name, call.arguments);
        lines.extend(wrap_text(&call_text, width).into_iter().map(|l| (LineKind::ToolCall, l.into())));
    }
    lines
}

/// Wraps a message's text and tool calls to `width` columns, every line held.
pub fn wrap_body(message: &Message, width: usize) -> Body {
    let mut lines = Vec::new();
    if !message.thinking.is_empty() {
        lines.extend(wrap_text(&message.thinking, width).into_iter().map(|l| (LineKind::Thinking, l.into())));
    }
    let empty = message.text.is_empty() && message.tool_calls.is_empty();
    if empty {
        lines.extend(wrap_text("(no content)", width).into_iter().map(|l| (LineKind::Body, l.into())));
    } else if !message.text.is_empty() || message.tool_calls.is_empty() {
        lines.extend(wrap_text(&message.text, width).into_iter().map(|l| (LineKind::Body, l.into())));
    }
    lines.extend(tool_call_lines(message, width));
    Body::Lines(lines.into())
}

/// Whether a message is too long to wrap between two keys.
pub fn wraps_elsewhere(message: &Message) -> bool {
    let size = message.text.len() + message.tool_calls.iter().map(|c| c.arguments.len()).sum::<usize>();
    size > WRAP_ELSEWHERE
}

/// The bodies of the rollout shown, by (message, width), for the last two widths.
#[derive(Debug, Clone, Default)]
pub struct Bodies {
    cached: HashMap<(usize, usize), Body>,
    /// Widths wrapped to, most recent last.
    widths: Vec<usize>,
    /// Bodies asked of a worker, not yet back.
    pending: HashSet<(usize, usize)>,
    /// Bodies to ask a worker for (taken by the app after each message).
    pub wanted: Vec<(usize, usize)>,
}

impl Bodies {
    /// The body of message `index` at `width`: cached, wrapped now when short, else asked for
    /// (`None` until it arrives).
    pub fn get(&mut self, index: usize, message: &Message, width: usize) -> Option<Body> {
        // (A huge text is always wrapped elsewhere: WRAP_LAZILY > WRAP_ELSEWHERE.)
        if let Some(body) = self.cached.get(&(index, width)) {
            return Some(body.clone());
        }
        if !wraps_elsewhere(message) {
            let body = wrap_body(message, width);
            self.insert(index, width, body.clone());
            return Some(body);
        }
        if self.pending.insert((index, width)) {
            self.wanted.push((index, width));
        }
        None
    }

    /// A body wrapped elsewhere has arrived. Only the two most recent widths are kept.
    pub fn insert(&mut self, index: usize, width: usize, body: Body) {
        self.pending.remove(&(index, width));
        if self.widths.last() != Some(&width) {
            self.widths.retain(|w| *w != width);
            self.widths.push(width);
            if self.widths.len() > 2 {
                self.widths.remove(0);
            }
            let keep = &self.widths;
            self.cached.retain(|(_, w), _| keep.contains(w));
        }
        self.cached.insert((index, width), body);
    }

    /// A placeholder line for a body still being wrapped.
    pub fn placeholder(message: &Message) -> Wrapped {
        let megabytes = message.text.len() as f64 / 1e6;
        vec![Segment { text: format!("wrapping {megabytes:.1} MB of text…"), dim: true }].into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    #[test]
    fn short_bodies_wrap_at_once_long_ones_are_asked_for_once() {
        let mut bodies = Bodies::default();
        let short = Message::new(Role::Assistant, "a few words here");
        assert_eq!(bodies.get(0, &short, 6).unwrap().len(), 3);
        let long = Message::new(Role::Assistant, "x".repeat(WRAP_ELSEWHERE + 1));
        assert!(bodies.get(1, &long, 10).is_none());
        assert!(bodies.get(1, &long, 10).is_none());
        assert_eq!(bodies.wanted, vec![(1, 10)], "asked for once");
        bodies.insert(1, 10, wrap_body(&long, 10));
        assert_eq!(bodies.get(1, &long, 10).unwrap().len(), WRAP_ELSEWHERE / 10 + 1);
    }

    #[test]
    fn only_the_last_two_widths_are_kept() {
        let mut bodies = Bodies::default();
        let m = Message::new(Role::Assistant, "text");
        for width in [10, 20, 30] {
            bodies.get(0, &m, width);
        }
        assert_eq!(bodies.cached.len(), 2);
        assert!(!bodies.cached.contains_key(&(0, 10)));
    }
}
