//! What a figure shows, apart from how it is drawn: its plot (series in data coordinates) and
//! the table of exact numbers behind it (written as `data/NAME.csv`). `draw` turns a plot into
//! SVG or PNG; tests read both the table and the drawn SVG.

/// One figure of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The file stem: `figures/NAME.svg`, `data/NAME.csv`.
    pub name: String,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub plot: Plot,
    /// The legend: each group's name and its index in the palette (a group keeps its colour,
    /// marker and dash in every figure).
    pub legend: Vec<(String, usize)>,
    pub table: Table,
}

/// The numbers behind a figure: a header and rows of cells, as the CSV holds them.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table { header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    /// The CSV text (RFC 4180 quoting by the csv crate).
    pub fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(&self.header)?;
        for row in &self.rows {
            out.write_record(row)?;
        }
        out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// A number as the CSV and `--json` hold it (shortest text that reads back to the same
/// `f64`); empty when there is none.
pub fn cell(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| v.to_string())
}

/// A point of a line: x, y and its 95 % band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub band: Option<(f64, f64)>,
}

/// A group's line over turns.
#[derive(Debug, Clone)]
pub struct Line {
    pub group: usize,
    pub points: Vec<Point>,
}

/// A group's values as a strip, with the mean and its CI.
#[derive(Debug, Clone)]
pub struct Strip {
    pub name: String,
    pub group: usize,
    pub values: Vec<f64>,
    pub mean: Option<f64>,
    pub ci: Option<(f64, f64)>,
}

/// A bar: a group's value with its CI and, against a baseline, a note (`−86 % p<0.001`).
#[derive(Debug, Clone)]
pub struct Bar {
    pub name: String,
    pub group: usize,
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub note: Option<String>,
}

/// A panel of bars, one per group, on its own axis.
#[derive(Debug, Clone)]
pub struct BarPanel {
    pub title: String,
    pub percent: bool,
    pub bars: Vec<Bar>,
}

/// A group's stacked bars: per turn, the fraction in each category (in `Plot::Stacked`'s
/// order).
#[derive(Debug, Clone)]
pub struct StackedPanel {
    pub name: String,
    pub turns: Vec<(usize, Vec<f64>)>,
}

/// A point with an optional vertical interval (calibration) or none (Bland–Altman).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub ci: Option<(f64, f64)>,
}

/// A horizontal reference line with its label (`bias 0.4`, `+1.96 SD 2.1`).
#[derive(Debug, Clone)]
pub struct Rule {
    pub y: f64,
    pub label: String,
    pub dashed: bool,
}

#[derive(Debug, Clone)]
pub enum Plot {
    /// Per-turn lines with 95 % bands; `percent` shows fractions as %.
    Lines { lines: Vec<Line>, y: (f64, f64), threshold: Option<f64>, percent: bool },
    /// A jittered strip per group (seeded), the mean as a diamond with its CI.
    Strips { strips: Vec<Strip>, y: (f64, f64), threshold: Option<f64>, seed: u64 },
    /// Panels of bars side by side.
    Bars { panels: Vec<BarPanel> },
    /// A panel per group: per turn a bar of category fractions stacked in `categories`' order.
    Stacked { categories: Vec<String>, panels: Vec<StackedPanel> },
    /// Counts per (row, column): `counts[row][column]`, rows from the bottom up.
    Heat { rows: Vec<String>, columns: Vec<String>, counts: Vec<Vec<usize>> },
    /// Points, the diagonal y = x when `diagonal`, and horizontal rules.
    Scatter { marks: Vec<Mark>, x: (f64, f64), y: (f64, f64), diagonal: bool, rules: Vec<Rule> },
}

/// Range `(lo, hi)` covering `values` and `also`, widened to whole numbers (a score axis reads
/// best on integers) and never empty.
pub fn span(values: impl IntoIterator<Item = f64>, also: &[f64]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().chain(also.iter().copied()).filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    let (lo, hi) = (lo.floor(), hi.ceil());
    if hi > lo { (lo, hi) } else { (lo - 0.5, hi + 0.5) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_csv_with_quoting_and_a_span_covers_whole_numbers() {
        let mut t = Table::new(&["group", "mean"]);
        t.rows.push(vec!["a,\"b\"".into(), cell(Some(0.1 + 0.2))]);
        t.rows.push(vec!["c".into(), cell(None)]);
        let text = String::from_utf8(t.csv().unwrap()).unwrap();
        assert_eq!(text, "group,mean\n\"a,\"\"b\"\"\",0.30000000000000004\nc,\n");
        assert_eq!(span([2.2, 7.9], &[5.0]), (2.0, 8.0));
        assert_eq!(span([3.0], &[]), (2.5, 3.5));
        assert_eq!(span([f64::NAN], &[]), (0.0, 1.0));
    }
}
