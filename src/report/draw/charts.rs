//! Each kind of plot on its axes. plotters draws the axes, ticks and labels; the data are
//! mapped to pixels and drawn on the root area, so a group's line, marker and band come from
//! one `Look` everywhere, legend included.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::look::category_color;
use super::{Look, Scale, fit, text};
use crate::metrics::rng::SplitMix64;
use crate::report::figure::{BarPanel, Figure, Plot, Rule, StackedPanel};

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// How an axis labels its ticks.
#[derive(Clone, Copy, PartialEq)]
enum Ticks {
    Numbers,
    Whole,
    Percent,
    /// None from plotters: the caller writes names under the axis.
    Names,
}

const GRID: RGBColor = RGBColor(226, 226, 226);
const REFERENCE: RGBColor = RGBColor(90, 90, 90);

pub fn plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    s: Scale,
) -> Result<(), String> {
    match &fig.plot {
        Plot::Lines { lines, y, threshold, percent } => {
            let last = lines.iter().flat_map(|l| l.points.iter().map(|p| p.x)).fold(1.0, f64::max);
            let ticks = if *percent { Ticks::Percent } else { Ticks::Numbers };
            let chart =
                axes(area, (0.5, last + 0.5), *y, (&fig.x_label, &fig.y_label), (Ticks::Whole, ticks), s)?;
            if let Some(t) = threshold {
                rule(root, &chart, &Rule { y: *t, label: format!("T = {t}"), dashed: true }, s)?;
            }
            for line in lines {
                let look = Look::of(line.group);
                let mut band: Vec<(i32, i32)> = line
                    .points
                    .iter()
                    .filter_map(|p| p.band.map(|(lo, _)| chart.backend_coord(&(p.x, lo))))
                    .collect();
                let upper = line
                    .points
                    .iter()
                    .rev()
                    .filter_map(|p| p.band.map(|(_, hi)| chart.backend_coord(&(p.x, hi))));
                band.extend(upper);
                if band.len() > 2 {
                    root.draw(&Polygon::new(band, look.color.mix(0.18).filled())).map_err(text)?;
                }
            }
            for line in lines {
                let look = Look::of(line.group);
                let pixels: Vec<(i32, i32)> =
                    line.points.iter().map(|p| chart.backend_coord(&(p.x, p.y))).collect();
                look.line(root, pixels.clone(), s)?;
                for p in pixels {
                    look.marker(root, p, s)?;
                }
            }
            Ok(())
        }
        Plot::Strips { strips, y, threshold, seed } => {
            let n = strips.len().max(1) as f64;
            let chart =
                axes(area, (0.0, n), *y, (&fig.x_label, &fig.y_label), (Ticks::Names, Ticks::Numbers), s)?;
            if let Some(t) = threshold {
                rule(root, &chart, &Rule { y: *t, label: format!("T = {t}"), dashed: true }, s)?;
            }
            let mut rng = SplitMix64::new(*seed);
            for (i, strip) in strips.iter().enumerate() {
                let look = Look::of(strip.group);
                let centre = i as f64 + 0.5;
                for &v in &strip.values {
                    let x = centre + (rng.unit() - 0.5) * 0.6;
                    let (px, py) = chart.backend_coord(&(x, v));
                    root.draw(&Circle::new((px, py), s.upx(1.6), look.color.mix(0.55).filled()))
                        .map_err(text)?;
                }
                if let (Some(lo), Some(hi)) = (strip.ci.map(|c| c.0), strip.ci.map(|c| c.1)) {
                    let (top, bottom) =
                        (chart.backend_coord(&(centre, hi)), chart.backend_coord(&(centre, lo)));
                    root.draw(&PathElement::new(vec![top, bottom], BLACK.stroke_width(s.upx(1.2))))
                        .map_err(text)?;
                }
                if let Some(mean) = strip.mean {
                    let (px, py) = chart.backend_coord(&(centre, mean));
                    let r = s.px(4.5);
                    let diamond = vec![(px, py - r), (px + r, py), (px, py + r), (px - r, py)];
                    root.draw(&Polygon::new(diamond.clone(), look.color.filled())).map_err(text)?;
                    let mut outline = diamond;
                    outline.push((px, py - r));
                    root.draw(&PathElement::new(outline, BLACK.stroke_width(s.upx(0.8)))).map_err(text)?;
                }
            }
            names_under(root, &chart, strips.iter().map(|st| st.name.as_str()), y.0, s)
        }
        Plot::Bars { panels } => {
            let areas = area.split_evenly((1, panels.len().max(1)));
            for (panel, part) in panels.iter().zip(&areas) {
                bars(root, part, panel, &fig.y_label, s)?;
            }
            Ok(())
        }
        Plot::Stacked { categories, panels } => {
            let areas = area.split_evenly((panels.len().max(1), 1));
            for (i, (panel, part)) in panels.iter().zip(&areas).enumerate() {
                let x_label = if i + 1 == panels.len() { fig.x_label.as_str() } else { "" };
                stacked(root, part, panel, categories.len(), (x_label, &fig.y_label), s)?;
            }
            Ok(())
        }
        Plot::Heat { rows, columns, counts } => {
            let (nx, ny) = (columns.len().max(1) as f64, rows.len().max(1) as f64);
            let chart = axes(
                area,
                (0.0, nx),
                (0.0, ny),
                (&fig.x_label, &fig.y_label),
                (Ticks::Names, Ticks::Names),
                s,
            )?;
            let most = counts.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
            for (r, row) in counts.iter().enumerate() {
                for (c, &count) in row.iter().enumerate() {
                    let (x, y) = (c as f64, r as f64);
                    let share = count as f64 / most;
                    let shade = |full: u8| (255.0 - (255.0 - f64::from(full)) * share).round() as u8;
                    let fill = RGBColor(shade(0), shade(0x72), shade(0xB2));
                    let corners = [chart.backend_coord(&(x, y + 1.0)), chart.backend_coord(&(x + 1.0, y))];
                    root.draw(&Rectangle::new(corners, fill.filled())).map_err(text)?;
                    if count > 0 {
                        let ink = if share > 0.55 { WHITE } else { BLACK };
                        let at = chart.backend_coord(&(x + 0.5, y + 0.5));
                        root.draw_text(&count.to_string(), &s.centered(6.0).color(&ink), at).map_err(text)?;
                    }
                }
            }
            names_under(root, &chart, columns.iter().map(String::as_str), 0.0, s)?;
            names_beside(root, &chart, rows, s)
        }
        Plot::Scatter { marks, x, y, diagonal, rules } => {
            let chart =
                axes(area, *x, *y, (&fig.x_label, &fig.y_label), (Ticks::Numbers, Ticks::Numbers), s)?;
            if *diagonal {
                let (lo, hi) = (x.0.max(y.0), x.1.min(y.1));
                let ends = vec![chart.backend_coord(&(lo, lo)), chart.backend_coord(&(hi, hi))];
                reference(root, ends, true, s)?;
            }
            for r in rules {
                rule(root, &chart, r, s)?;
            }
            let look = Look::of(4);
            for m in marks {
                if let Some((lo, hi)) = m.ci {
                    let ends = vec![chart.backend_coord(&(m.x, lo)), chart.backend_coord(&(m.x, hi))];
                    root.draw(&PathElement::new(ends, BLACK.stroke_width(s.upx(0.8)))).map_err(text)?;
                }
                let at = chart.backend_coord(&(m.x, m.y));
                root.draw(&Circle::new(at, s.upx(2.2), look.color.mix(0.7).filled())).map_err(text)?;
            }
            Ok(())
        }
    }
}

/// The axes with their labels and a light horizontal grid.
fn axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: (f64, f64),
    y: (f64, f64),
    (x_label, y_label): (&str, &str),
    (x_ticks, y_ticks): (Ticks, Ticks),
    s: Scale,
) -> Result<Chart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(s.px(4.0))
        .margin_right(s.px(8.0))
        .margin_left(s.px(6.0))
        .x_label_area_size(s.px(if x_label.is_empty() { 14.0 } else { 24.0 }))
        .y_label_area_size(s.px(if y_ticks == Ticks::Names { 40.0 } else { 34.0 }))
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(text)?;
    let format =
        |ticks: Ticks| -> Box<dyn Fn(&f64) -> String> {
            match ticks {
                Ticks::Numbers => Box::new(|v: &f64| format!("{}", (v * 1000.0).round() / 1000.0)),
                Ticks::Whole => Box::new(|v: &f64| {
                    if (v - v.round()).abs() < 1e-9 { format!("{}", v.round()) } else { String::new() }
                }),
                // Headroom above 100 % (for notes) is not labelled: no fraction goes there.
                Ticks::Percent => Box::new(|v: &f64| {
                    if *v > 1.0 + 1e-9 { String::new() } else { format!("{}%", (v * 100.0).round()) }
                }),
                Ticks::Names => Box::new(|_: &f64| String::new()),
            }
        };
    let (fx, fy) = (format(x_ticks), format(y_ticks));
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(s.upx(0.5)))
        .light_line_style(TRANSPARENT)
        .axis_style(BLACK.stroke_width(s.upx(0.8)))
        .x_labels(if x_ticks == Ticks::Names { 0 } else { 8 })
        .y_labels(if y_ticks == Ticks::Names { 0 } else { 6 })
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.font(6.5))
        .axis_desc_style(s.font(7.5))
        .x_desc(x_label)
        .y_desc(y_label)
        .set_all_tick_mark_size(s.px(2.0))
        .draw()
        .map_err(text)?;
    Ok(chart)
}

/// A horizontal reference line across the chart (the threshold, a bias, a limit), labelled
/// at its right end.
fn rule<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    rule: &Rule,
    s: Scale,
) -> Result<(), String> {
    let (x0, x1) = (chart.x_range().start, chart.x_range().end);
    let (left, right) = (chart.backend_coord(&(x0, rule.y)), chart.backend_coord(&(x1, rule.y)));
    reference(root, vec![left, right], rule.dashed, s)?;
    let at = (right.0 - s.px(2.0), right.1 - s.px(2.0));
    let font = s.font(6.0).color(&REFERENCE).pos(Pos::new(HPos::Right, VPos::Bottom));
    root.draw_text(&rule.label, &font, at).map_err(text)
}

/// A reference line through pixels: grey and dashed, or black and solid.
fn reference<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: Vec<(i32, i32)>,
    dashed: bool,
    s: Scale,
) -> Result<(), String> {
    if dashed {
        let style = REFERENCE.stroke_width(s.upx(0.8));
        root.draw(&DashedPathElement::new(points, s.upx(4.0), s.upx(3.0), style)).map_err(text)
    } else {
        root.draw(&PathElement::new(points, BLACK.stroke_width(s.upx(0.8)))).map_err(text)
    }
}

/// Names centred under slots 0, 1, … of the x axis, each cut to its slot.
fn names_under<'n, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    names: impl Iterator<Item = &'n str>,
    y: f64,
    s: Scale,
) -> Result<(), String> {
    let font = s.font(6.5).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, name) in names.enumerate() {
        let (left, top) = chart.backend_coord(&(i as f64, y));
        let (right, _) = chart.backend_coord(&(i as f64 + 1.0, y));
        let name = fit(name, &font, right - left - s.px(2.0));
        root.draw_text(&name, &font, ((left + right) / 2, top + s.px(3.0))).map_err(text)?;
    }
    Ok(())
}

/// Names beside slots 0, 1, … of the y axis (bottom up).
fn names_beside<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    names: &[String],
    s: Scale,
) -> Result<(), String> {
    let font = s.font(6.5).pos(Pos::new(HPos::Right, VPos::Center));
    let x = chart.x_range().start;
    for (i, name) in names.iter().enumerate() {
        let (left, middle) = chart.backend_coord(&(x, i as f64 + 0.5));
        let name = fit(name, &font, s.px(24.0));
        root.draw_text(&name, &font, (left - s.px(3.0), middle)).map_err(text)?;
    }
    Ok(())
}

/// One panel of bars with CI whiskers; a note (a difference and its p) stands above its bar,
/// turned to read upwards so many groups fit.
fn bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    panel: &BarPanel,
    y_label: &str,
    s: Scale,
) -> Result<(), String> {
    let top = panel.bars.iter().filter_map(|b| b.ci.map(|c| c.1).or(b.value)).fold(0.0, f64::max);
    let top = if panel.percent { top.max(0.1) } else { top.max(1.0) };
    let headroom = if panel.bars.iter().any(|b| b.note.is_some()) { 1.9 } else { 1.15 };
    let (title, rest) = area.split_vertically(s.px(11.0));
    title
        .draw_text(
            &panel.title,
            &s.font(7.0).pos(Pos::new(HPos::Center, VPos::Top)),
            (title.dim_in_pixel().0 as i32 / 2, 0),
        )
        .map_err(text)?;
    let ticks = if panel.percent { Ticks::Percent } else { Ticks::Numbers };
    let n = panel.bars.len().max(1) as f64;
    let chart = axes(&rest, (0.0, n), (0.0, top * headroom), ("", y_label), (Ticks::Names, ticks), s)?;
    for (i, bar) in panel.bars.iter().enumerate() {
        let look = Look::of(bar.group);
        let x = i as f64;
        if let Some(v) = bar.value {
            let corners = [chart.backend_coord(&(x + 0.15, v)), chart.backend_coord(&(x + 0.85, 0.0))];
            root.draw(&Rectangle::new(corners, look.color.filled())).map_err(text)?;
        }
        if let Some((lo, hi)) = bar.ci {
            let (cx, ylo) = chart.backend_coord(&(x + 0.5, lo));
            let (_, yhi) = chart.backend_coord(&(x + 0.5, hi));
            let half = s.px(2.5);
            for path in [
                vec![(cx, ylo), (cx, yhi)],
                vec![(cx - half, ylo), (cx + half, ylo)],
                vec![(cx - half, yhi), (cx + half, yhi)],
            ] {
                root.draw(&PathElement::new(path, BLACK.stroke_width(s.upx(0.8)))).map_err(text)?;
            }
        }
        if let Some(note) = &bar.note {
            let above = bar.ci.map(|c| c.1).or(bar.value).unwrap_or(0.0);
            let (cx, cy) = chart.backend_coord(&(x + 0.5, above));
            let style =
                s.font(5.5).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw_text(note, &style, (cx, cy - s.px(3.0))).map_err(text)?;
        }
    }
    names_under(root, &chart, panel.bars.iter().map(|b| b.name.as_str()), 0.0, s)
}

/// One group's stacked bars of category fractions per turn, its name at the top left.
fn stacked<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    panel: &StackedPanel,
    categories: usize,
    labels: (&str, &str),
    s: Scale,
) -> Result<(), String> {
    let last = panel.turns.iter().map(|(t, _)| *t).max().unwrap_or(1) as f64;
    let chart = axes(area, (0.5, last + 0.5), (0.0, 1.0), labels, (Ticks::Whole, Ticks::Percent), s)?;
    for (turn, fractions) in &panel.turns {
        let mut base = 0.0;
        for (c, f) in fractions.iter().enumerate().take(categories) {
            let x = *turn as f64;
            let corners = [chart.backend_coord(&(x - 0.4, base + f)), chart.backend_coord(&(x + 0.4, base))];
            root.draw(&Rectangle::new(corners, category_color(c).filled())).map_err(text)?;
            base += f;
        }
    }
    let (left, top) = chart.backend_coord(&(0.5, 1.0));
    let font = s.font(6.5).pos(Pos::new(HPos::Left, VPos::Bottom));
    let name = fit(&panel.name, &font, s.px(200.0));
    root.draw_text(&name, &font, (left + s.px(2.0), top - s.px(1.0))).map_err(text)
}
