//! Figures drawn with plotters, the same code for SVG (vector, for a paper) and PNG (300 dpi):
//! every length is in CSS pixels times `k`, the scale (1 for SVG, 300/96 for PNG). Text is laid
//! out with the DejaVu Sans shipped in `assets/`, so a machine without fonts draws the same
//! picture. Each group keeps its look — Okabe–Ito colour, marker and dash — in every figure.

mod charts;
mod look;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Figure, Plot};
pub use look::Look;

/// The CSS font-family the SVG names; the same name keys the font plotters measures with.
pub const FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";
static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

/// Width of a paper column (3.4 in) and of a full page (7 in), in CSS pixels (96 per inch).
pub const COLUMN: u32 = 326;
pub const WIDE: u32 = 672;

/// Registers the shipped font (once).
pub fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The font is compiled in; a parse failure would be a broken build, shown on first use
        // as "font unavailable" by plotters.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// Lengths in CSS pixels scaled by `k`.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub k: f64,
}

impl Scale {
    pub fn px(self, v: f64) -> i32 {
        (v * self.k).round() as i32
    }

    pub fn upx(self, v: f64) -> u32 {
        (v * self.k).round().max(1.0) as u32
    }

    pub fn font(self, size: f64) -> TextStyle<'static> {
        TextStyle::from((FontFamily::Name(FAMILY), size * self.k).into_font()).color(&BLACK)
    }

    pub fn centered(self, size: f64) -> TextStyle<'static> {
        self.font(size).pos(Pos::new(HPos::Center, VPos::Center))
    }
}

/// The figure's size in CSS pixels at width `width`: the plot, plus the title and the legend's
/// rows.
pub fn size(fig: &Figure, width: u32) -> (u32, u32) {
    let plot = match &fig.plot {
        Plot::Stacked { panels, .. } => 70 * panels.len().max(1) as u32 + 30,
        Plot::Heat { .. } => width * 3 / 4,
        _ if width > COLUMN => width * 9 / 20,
        _ => width * 3 / 5,
    };
    let legend = legend_rows(fig, width, Scale { k: 1.0 }).len() as u32 * LEGEND_ROW as u32;
    (width, TITLE as u32 + plot + legend + 4)
}

const TITLE: i32 = 16;
const LEGEND_ROW: i32 = 12;

/// Draws `fig` on `root`, filling it; `k` scales every length.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure, s: Scale) -> Result<(), String> {
    root.fill(&WHITE).map_err(text)?;
    let (width, height) = root.dim_in_pixel();
    root.draw_text(
        &fig.title,
        &s.font(9.0).pos(Pos::new(HPos::Center, VPos::Top)),
        (width as i32 / 2, s.px(3.0)),
    )
    .map_err(text)?;
    let rows = legend_rows(fig, (f64::from(width) / s.k) as u32, s);
    let legend_height = s.px(f64::from(LEGEND_ROW)) * rows.len() as i32;
    let body = root.margin(s.px(f64::from(TITLE)), 0, 0, 0);
    let (plot, legend) =
        body.split_vertically(height as i32 - s.px(f64::from(TITLE)) - legend_height - s.px(4.0));
    charts::plot(root, &plot, fig, s)?;
    draw_legend(&legend, fig, &rows, s)
}

/// The legend's entries laid out in rows that fit `width`: (x offset, index, text), the index a
/// category's for stacked bars, else a group's.
fn legend_rows(fig: &Figure, width: u32, s: Scale) -> Vec<Vec<(i32, usize, String)>> {
    let entries: Vec<(usize, String)> = match &fig.plot {
        Plot::Stacked { categories, .. } => categories.iter().cloned().enumerate().collect(),
        _ => fig.legend.iter().map(|(name, group)| (*group, name.clone())).collect(),
    };
    if entries.len() < 2 && !matches!(fig.plot, Plot::Stacked { .. }) {
        return Vec::new();
    }
    let font = s.font(7.0);
    let mut rows: Vec<Vec<(i32, usize, String)>> = vec![Vec::new()];
    let mut x = s.px(6.0);
    let limit = s.px(f64::from(width) - 6.0);
    for (key, name) in entries {
        let name = fit(&name, &font, limit - s.px(30.0));
        let w = s.px(22.0) + text_width(&name, &font) + s.px(10.0);
        if x + w > limit && rows.last().is_some_and(|r| !r.is_empty()) {
            rows.push(Vec::new());
            x = s.px(6.0);
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, key, name));
        }
        x += w;
    }
    rows
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    rows: &[Vec<(i32, usize, String)>],
    s: Scale,
) -> Result<(), String> {
    let categorical = matches!(fig.plot, Plot::Stacked { .. });
    for (r, row) in rows.iter().enumerate() {
        let y = s.px(f64::from(LEGEND_ROW) * (r as f64 + 0.5));
        for &(x, index, ref name) in row {
            if categorical {
                let corners = [(x + s.px(4.0), y - s.px(4.0)), (x + s.px(14.0), y + s.px(4.0))];
                area.draw(&Rectangle::new(corners, look::category_color(index).filled())).map_err(text)?;
            } else {
                let look = Look::of(index);
                look.line(area, vec![(x, y), (x + s.px(18.0), y)], s)?;
                look.marker(area, (x + s.px(9.0), y), s)?;
            }
            area.draw_text(name, &s.font(7.0).pos(Pos::new(HPos::Left, VPos::Center)), (x + s.px(22.0), y))
                .map_err(text)?;
        }
    }
    Ok(())
}

/// Width of `text` in pixels in `font`.
pub fn text_width(text: &str, font: &TextStyle<'_>) -> i32 {
    font.font.box_size(text).map_or(0, |(w, _)| w as i32)
}

/// `text`, cut with `…` to fit `max` pixels.
pub fn fit(text: &str, font: &TextStyle<'_>, max: i32) -> String {
    if text_width(text, font) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut: String = chars.iter().collect::<String>() + "…";
        if text_width(&cut, font) <= max {
            return cut;
        }
    }
    "…".to_string()
}

/// A plotters error as text.
pub fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The figure as an SVG document sized in inches (3.4 in wide for a column, 7 in wide).
pub fn svg(fig: &Figure, width: u32) -> Result<String, String> {
    register_font();
    let (w, h) = size(fig, width);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&root, fig, Scale { k: 1.0 })?;
        root.present().map_err(text)?;
    }
    // Inches, so the figure has its paper size wherever it is opened; the view box keeps the
    // drawing's own units.
    let inches = |px: u32| format!("{:.2}in", f64::from(px) / 96.0);
    Ok(out.replacen(
        &format!("<svg width=\"{w}\" height=\"{h}\""),
        &format!("<svg width=\"{}\" height=\"{}\"", inches(w), inches(h)),
        1,
    ))
}

/// The figure as a PNG at 300 dpi.
pub fn png(fig: &Figure, width: u32) -> Result<Vec<u8>, String> {
    register_font();
    let s = Scale { k: 300.0 / 96.0 };
    let (w, h) = size(fig, width);
    let (w, h) = (s.upx(f64::from(w)), s.upx(f64::from(h)));
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(&root, fig, s)?;
        root.present().map_err(text)?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // 300 dpi is 11811 pixels a metre (the PNG's pHYs unit).
    encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: 11_811, yppu: 11_811, unit: png::Unit::Meter }));
    let mut writer = encoder.write_header().map_err(text)?;
    writer.write_image_data(&pixels).map_err(text)?;
    writer.finish().map_err(text)?;
    Ok(out)
}
