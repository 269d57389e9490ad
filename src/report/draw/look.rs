//! A group's look in every figure: its Okabe–Ito colour (the app's palette), a marker and a
//! dash, so groups stay apart in grey print and for every kind of colour vision.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::{Scale, text};
use crate::ui::palette::OKABE_ITO;

const MARKERS: usize = 5;
const DASHES: usize = 3;

/// Group `group`'s colour, marker and dash.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub color: RGBColor,
    /// Circle, triangle, square, diamond, inverted triangle.
    marker: usize,
    /// Solid, dashed, dotted.
    dash: usize,
}

impl Look {
    pub fn of(group: usize) -> Look {
        let (r, g, b) = OKABE_ITO[group % OKABE_ITO.len()];
        Look { color: RGBColor(r, g, b), marker: group % MARKERS, dash: group % DASHES }
    }

    /// The marker's outline around (0, 0), in pixels.
    pub fn shape(self, s: Scale) -> Vec<(i32, i32)> {
        let r = 3.2 * s.k;
        let at = |x: f64, y: f64| ((x * r).round() as i32, (y * r).round() as i32);
        match self.marker {
            0 => (0..12)
                .map(|i| {
                    let a = f64::from(i) * std::f64::consts::PI / 6.0;
                    at(a.cos(), a.sin())
                })
                .collect(),
            1 => vec![at(0.0, -1.15), at(1.0, 0.75), at(-1.0, 0.75)],
            2 => vec![at(-0.85, -0.85), at(0.85, -0.85), at(0.85, 0.85), at(-0.85, 0.85)],
            3 => vec![at(0.0, -1.2), at(1.0, 0.0), at(0.0, 1.2), at(-1.0, 0.0)],
            _ => vec![at(0.0, 1.15), at(1.0, -0.75), at(-1.0, -0.75)],
        }
    }

    /// (dash, gap) in pixels; `None` for a solid line.
    pub fn dash(self, s: Scale) -> Option<(u32, u32)> {
        match self.dash {
            0 => None,
            1 => Some((s.upx(5.0), s.upx(3.0))),
            _ => Some((s.upx(1.5), s.upx(2.0))),
        }
    }

    pub fn stroke(self, s: Scale) -> ShapeStyle {
        self.color.stroke_width(s.upx(1.3))
    }

    /// A polyline in this look's dash, on an area in pixels.
    pub fn line<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        points: Vec<(i32, i32)>,
        s: Scale,
    ) -> Result<(), String> {
        match self.dash(s) {
            None => area.draw(&PathElement::new(points, self.stroke(s))).map_err(text),
            Some((dash, gap)) => {
                area.draw(&DashedPathElement::new(points, dash, gap, self.stroke(s))).map_err(text)
            }
        }
    }

    /// The marker at a pixel.
    pub fn marker<DB: DrawingBackend>(
        self,
        area: &DrawingArea<DB, Shift>,
        (x, y): (i32, i32),
        s: Scale,
    ) -> Result<(), String> {
        let outline: Vec<(i32, i32)> = self.shape(s).into_iter().map(|(dx, dy)| (x + dx, y + dy)).collect();
        area.draw(&Polygon::new(outline, self.color.filled())).map_err(text)
    }
}

/// A category's colour in stacked bars: the palette from its fifth colour (blue), so the
/// first categories do not read as the first groups.
pub fn category_color(category: usize) -> RGBColor {
    let (r, g, b) = OKABE_ITO[(category + 4) % OKABE_ITO.len()];
    RGBColor(r, g, b)
}
