//! Folding in the reader: a turn's reasoning shown as one line, a tool's long output as its
//! first lines, each with a line saying how much is hidden and that `z` shows it. Applied when
//! the lines are laid out, so the wrapped bodies stay cached whichever way they are shown.

use super::{LineKind, TurnReader, Wrapped};
use crate::app::wrap::Segment;
use crate::model::Role;
use crate::model::words::plural;

/// A tool's output longer than this many lines is folded to its first `FOLD_KEEP`.
pub const FOLD_AT: usize = 16;
pub const FOLD_KEEP: usize = 8;

impl TurnReader {
    /// A message's wrapped lines, folded unless `unfolded`: its reasoning to one line, a tool's
    /// long output to its first lines, each with a line saying how much is hidden.
    pub(super) fn push_body(&mut self, i: usize, role: Role, lines: &[(LineKind, Wrapped)]) {
        let thinking = lines.iter().filter(|(k, _)| *k == LineKind::Thinking).count();
        let fold_output = role == Role::Tool && lines.len() > FOLD_AT;
        let folded = |text: String| -> Wrapped { vec![Segment { text, dim: true }].into() };
        if self.unfolded || (thinking == 0 && !fold_output) {
            for (n, (kind, line)) in lines.iter().enumerate() {
                // Told apart from the answer without colour too.
                if n == 0 && *kind == LineKind::Thinking {
                    self.push(Some(i), LineKind::Folded, folded("▾ thinking · z folds it".into()));
                }
                if n == thinking && thinking > 0 {
                    self.push(Some(i), LineKind::Folded, folded("▴ answer".into()));
                }
                self.push(Some(i), *kind, line.clone());
            }
            return;
        }
        if thinking > 0 {
            let lines = plural(thinking as u64, "line");
            self.push(Some(i), LineKind::Folded, folded(format!("▸ thinking · {lines} · z shows it")));
        }
        let rest: Vec<&(LineKind, Wrapped)> =
            lines.iter().filter(|(k, _)| *k != LineKind::Thinking).collect();
        let keep = if fold_output { FOLD_KEEP } else { rest.len() };
        for (kind, line) in rest.iter().take(keep) {
            self.push(Some(i), *kind, line.clone());
        }
        if rest.len() > keep {
            let hidden = rest.len() - keep;
            self.push(Some(i), LineKind::Folded, folded(format!("… {hidden} more lines · z shows them")));
        }
    }
}
