//! A `.json` file's rollouts: an array of them (each element a span) or a single one; a huge
//! single rollout is decoded whole while it is indexed, for the app's first read.

use super::{HeldRollout, LoadOptions, source};
use crate::formats::{self, IndexContext, RecordError, json_text};
use crate::model::{Interner, Locator, Problem, RolloutSummary};

/// A `.json` file this large holding one rollout is decoded while it is indexed, when the
/// reader will want it at once (`LoadOptions::hold_huge_record`).
pub const HOLD_HUGE_RECORD: usize = 64 << 20;

/// Whether a `.json` file's one rollout is to be decoded whole while it is indexed (and its
/// index entry made from it): a file of at least `HOLD_HUGE_RECORD` bytes, for the app.
pub(super) fn huge_single_record(bytes: &[u8], options: &LoadOptions) -> bool {
    options.hold_huge_record && bytes.len() >= HOLD_HUGE_RECORD
}

/// Indexes a `.json` file: an array of rollouts (each element a span) or a single rollout.
/// With `hold`, a single rollout is decoded whole and held there for the first read.
pub(super) fn index_json(
    bytes: &[u8],
    display: &str,
    file_name: &str,
    ctx: &IndexContext,
    hold: Option<&HeldRollout>,
) -> (Vec<RolloutSummary>, Vec<Problem>) {
    let mut strings = Interner::default();
    let bom = if bytes.starts_with(json_text::BOM) { json_text::BOM.len() } else { 0 };
    let body = &bytes[bom..];
    let text = match json_text::utf8(body) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = json_text::line_column(bytes, bom + e.valid_up_to());
            return (
                Vec::new(),
                vec![Problem::at(display, line, column, "invalid UTF-8 (the file must be UTF-8 text)")],
            );
        }
    };
    let spans = match json_text::first_significant(body) {
        Some(b'[') => json_text::array_element_spans(body),
        _ => None,
    };
    let (spans, single) = match spans {
        Some(spans) => (spans, false),
        None => (std::iter::once(0..body.len()).collect(), true),
    };
    let mut rollouts = Vec::with_capacity(spans.len());
    let mut problems = Vec::new();
    for (index, span) in spans.into_iter().enumerate() {
        let fallback = || source::stand_in_id(file_name, (!single).then_some(index as u64));
        let locator = Locator::Span { start: (bom + span.start) as u64, len: span.len() as u32 };
        // A position relative to the element, made one in the file.
        let in_file = |e: RecordError| {
            let (line, column) = json_text::line_column(bytes, bom + span.start);
            let column = if e.line == 1 { column + e.column - 1 } else { e.column };
            let problem = Problem::at(display, line + e.line - 1, column, e.message);
            if single {
                problem
            } else {
                Problem { message: format!("rollout {index}: {}", problem.message), ..problem }
            }
        };
        let record = &text[span.clone()];
        let indexed = match hold.filter(|_| single) {
            Some(held) => {
                let start = (bom + span.start) as u64;
                formats::index_decoded(record, ctx, &mut strings, &fallback, locator).map(
                    |(summary, rollout)| {
                        held.put(start, rollout);
                        summary
                    },
                )
            }
            None => formats::index_record(record, ctx, &mut strings, &fallback, locator),
        };
        match indexed {
            Ok(summary) => {
                if let Some(number) = summary.roleless {
                    problems.push(in_file(formats::chat_roles::roleless_warning(record, number)).warning());
                }
                rollouts.push(summary);
            }
            Err(e) => {
                let problem = in_file(e);
                problems.push(if single { problem } else { problem.warning() });
            }
        }
    }
    (rollouts, problems)
}
