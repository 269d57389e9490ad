//! How a group's line is told apart from the others without colour (`NO_COLOR`): each of eight
//! groups gets its own dash pattern, and its number is written on each of its points and in
//! the legend. With colour a line is solid in the group's colour, as before.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Dash patterns as (on, off) lengths in turns, with how the legend draws them: solid, long
/// dashes, dashes, dots, and mixes, distinct for the first eight groups.
const PATTERNS: [(f64, f64, &str); 8] = [
    (1.0, 0.0, "━━━"),
    (0.6, 0.25, "━━ "),
    (0.3, 0.3, "━ ━"),
    (0.06, 0.22, "···"),
    (0.9, 0.15, "━╸━"),
    (0.12, 0.5, "· ·"),
    (0.45, 0.15, "━·━"),
    (0.2, 0.15, "╍╍╍"),
];

/// Points sampled per turn along a dashed line (a Braille cell is two dots wide).
const SAMPLES_PER_TURN: usize = 24;

/// The legend's picture of group `i`'s line, and its number (`1`…).
pub fn legend_mark(i: usize) -> String {
    format!("{} {}", number(i), PATTERNS[i % PATTERNS.len()].2)
}

/// Group `i`'s number as written on its points: `1`–`9`, then `a`–`z`.
pub fn number(i: usize) -> char {
    const DIGITS: &[u8] = b"123456789abcdefghijklmnopqrstuvwxyz";
    DIGITS[i % DIGITS.len()] as char
}

/// The polyline through `points` as scattered points, kept where group `i`'s pattern is "on".
pub fn dashed(points: &[(f64, f64)], i: usize) -> Vec<(f64, f64)> {
    let (on, off, _) = PATTERNS[i % PATTERNS.len()];
    let period = on + off;
    let mut out = Vec::new();
    let mut travelled = 0.0f64;
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let steps = (((x1 - x0).abs() * SAMPLES_PER_TURN as f64).ceil() as usize).max(1);
        for s in 0..steps {
            let t = s as f64 / steps as f64;
            let along = travelled + t * (x1 - x0).abs();
            if off == 0.0 || along.rem_euclid(period) < on {
                out.push((x0 + t * (x1 - x0), y0 + t * (y1 - y0)));
            }
        }
        travelled += (x1 - x0).abs();
    }
    out.extend(points.last().copied());
    out
}

/// Where a chart drawn by `stats::chart` (borders, y labels, an x axis with labels under it)
/// plots its points: the cells of its graph.
pub fn graph_area(area: Rect, y_label_width: u16) -> Rect {
    let inner =
        Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(2), area.height.saturating_sub(2));
    let left = y_label_width + 1;
    Rect::new(inner.x + left, inner.y, inner.width.saturating_sub(left), inner.height.saturating_sub(2))
}

/// Writes each group's number on its points, so lines that cross stay named without colour.
pub fn number_points(
    buf: &mut Buffer,
    graph: Rect,
    (x_bounds, y_bounds): ((f64, f64), (f64, f64)),
    groups: &[Vec<(f64, f64)>],
    style: Style,
) {
    if graph.width < 2 || graph.height < 2 {
        return;
    }
    let scale =
        |v: f64, (lo, hi): (f64, f64), cells: u16| ((v - lo) / (hi - lo) * f64::from(cells - 1)).round();
    for (i, points) in groups.iter().enumerate() {
        for &(x, y) in points {
            let (cx, cy) = (scale(x, x_bounds, graph.width), scale(y, y_bounds, graph.height));
            if !(0.0..f64::from(graph.width)).contains(&cx) || !(0.0..f64::from(graph.height)).contains(&cy) {
                continue;
            }
            let cell = &mut buf[(graph.x + cx as u16, graph.y + graph.height - 1 - cy as u16)];
            cell.set_char(number(i)).set_style(style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_groups_have_eight_patterns_and_numbers() {
        let marks: std::collections::HashSet<String> = (0..8).map(legend_mark).collect();
        assert_eq!(marks.len(), 8);
        assert_eq!(number(0), '1');
        assert_eq!(number(9), 'a');
    }

    #[test]
    fn a_solid_line_keeps_every_sample_and_a_dashed_one_leaves_gaps() {
        let line = [(1.0, 0.0), (3.0, 2.0)];
        let solid = dashed(&line, 0);
        assert_eq!(solid.len(), 2 * SAMPLES_PER_TURN + 1);
        assert_eq!(solid[SAMPLES_PER_TURN], (2.0, 1.0), "halfway along, on the line");
        let dashes = dashed(&line, 2);
        assert!(dashes.len() < solid.len() * 2 / 3 && dashes.len() > solid.len() / 3, "{}", dashes.len());
        assert!(dashes.iter().all(|(x, y)| (x - 1.0 - y).abs() < 1e-9), "every point on the line");
    }
}
