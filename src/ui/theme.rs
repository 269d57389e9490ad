//! Styles by meaning. With colour off (`NO_COLOR`), meaning is carried by modifiers and glyphs
//! alone: bold, reversed, dim, underline.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Role;

/// The app's styles for one colour setting.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    /// The terminal draws 24-bit colour (else group colours are the nearest xterm 256).
    pub truecolor: bool,
}

impl Theme {
    fn pick(self, colored: Style, plain: Style) -> Style {
        if self.color { colored } else { plain }
    }

    pub fn border(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, _) => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// Group `i`'s colour, the same in every view (`palette`); plain without colour.
    pub fn group(self, i: usize) -> Style {
        self.pick(Style::new().fg(super::palette::group_color(i, self.truecolor)), Style::new())
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn selected_row(self, focused: bool) -> Style {
        let base = Style::new().add_modifier(Modifier::REVERSED);
        if focused { base.add_modifier(Modifier::BOLD) } else { base }
    }

    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn role(self, role: Role) -> Style {
        let color = match role {
            Role::System => Color::Magenta,
            Role::User => Color::Blue,
            Role::Assistant => Color::Green,
            Role::Tool => Color::Yellow,
            Role::Other => Color::Gray,
        };
        self.pick(
            Style::new().fg(color).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// A score at or above the threshold.
    pub fn high(self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn low(self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }

    /// The colour of a category by its place in its score's scale (the same in every pane;
    /// past the palette, colours repeat and the glyph tells them apart).
    pub fn category(self, place: usize) -> Style {
        const PALETTE: [Color; 8] = [
            Color::Blue,
            Color::Yellow,
            Color::Magenta,
            Color::Green,
            Color::Red,
            Color::Cyan,
            Color::LightMagenta,
            Color::LightYellow,
        ];
        self.pick(Style::new().fg(PALETTE[place % PALETTE.len()]), Style::new())
    }

    /// The glyph of a category's cell: a shade per place, so categories differ without colour.
    pub fn category_glyph(place: usize) -> &'static str {
        const GLYPHS: [&str; 4] = ["█", "▓", "▒", "░"];
        GLYPHS[place % GLYPHS.len()]
    }

    pub fn score(self, value: f64, threshold: f64) -> Style {
        if value >= threshold { self.high() } else { self.low() }
    }

    /// The selected turn: gutter bar and its bar in the chart.
    pub fn accent(self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn self_deletion(self) -> Style {
        self.pick(
            Style::new().fg(Color::LightRed).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn threshold(self) -> Style {
        self.pick(Style::new().fg(Color::Yellow), Style::new().add_modifier(Modifier::DIM))
    }

    pub fn search_match(self) -> Style {
        self.pick(
            Style::new().bg(Color::Yellow).fg(Color::Black),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
        )
    }

    pub fn warning(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn key(self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    /// A human label (drawn beside the judge's score).
    /// What the judge wrote under a turn.
    pub fn judge(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::ITALIC),
            Style::new().add_modifier(Modifier::ITALIC),
        )
    }

    /// The judge's quote inside the turn's text.
    pub fn quote(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::UNDERLINED),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )
    }

    pub fn human(self) -> Style {
        self.pick(
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )
    }
}
