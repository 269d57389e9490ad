//! The group colours: Okabe–Ito's colour-blind-safe palette (Okabe & Ito 2008, "Color
//! Universal Design"), in the order that keeps neighbours apart for every kind of colour
//! vision and in grey print. One palette for the statistics, compare and side-by-side views
//! (and the report's figures to come): a group keeps its colour everywhere. On a terminal
//! without true colour each is drawn as the nearest of the xterm 256 colours.

use ratatui::style::Color;

/// Orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, and grey (black in
/// the original, which a dark terminal would hide), as RGB.
pub const OKABE_ITO: [(u8, u8, u8); 8] = [
    (0xE6, 0x9F, 0x00),
    (0x56, 0xB4, 0xE9),
    (0x00, 0x9E, 0x73),
    (0xF0, 0xE4, 0x42),
    (0x00, 0x72, 0xB2),
    (0xD5, 0x5E, 0x00),
    (0xCC, 0x79, 0xA7),
    (0x99, 0x99, 0x99),
];

/// The colour of group `i`: true colour, or the nearest xterm 256 colour.
pub fn group_color(i: usize, truecolor: bool) -> Color {
    let (r, g, b) = OKABE_ITO[i % OKABE_ITO.len()];
    if truecolor { Color::Rgb(r, g, b) } else { Color::Indexed(nearest_256(r, g, b)) }
}

/// The xterm 256-colour entry nearest to an RGB colour (squared distance; the lower index on a
/// tie): the 6×6×6 cube (16–231, levels 0, 95, 135, 175, 215, 255) or the grey ramp
/// (232–255, 8 + 10·k). The 16 system colours are left out: terminals set them as they like.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [i32; 6] = [0, 95, 135, 175, 215, 255];
    let distance = |c: (i32, i32, i32)| {
        let (dr, dg, db) = (c.0 - i32::from(r), c.1 - i32::from(g), c.2 - i32::from(b));
        dr * dr + dg * dg + db * db
    };
    let cube = (0..216).map(|k| (16 + k, (LEVELS[k / 36], LEVELS[k / 6 % 6], LEVELS[k % 6])));
    let greys = (0..24).map(|k| (232 + k, (8 + 10 * k as i32, 8 + 10 * k as i32, 8 + 10 * k as i32)));
    let best =
        cube.chain(greys).min_by_key(|&(index, c)| (distance(c), index)).map_or(16, |(index, _)| index);
    u8::try_from(best).unwrap_or(16)
}

/// Whether the terminal says it draws 24-bit colour (`COLORTERM=truecolor` or `24bit`).
pub fn terminal_has_truecolor() -> bool {
    std::env::var("COLORTERM").is_ok_and(|v| v == "truecolor" || v == "24bit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_colour_maps_to_the_nearest_xterm_entry() {
        // Computed independently in Python over the same 240 entries:
        //   levels=[0,95,135,175,215,255]; cube 16+36r+6g+b; greys 232+i = 8+10i;
        //   min(pal, key=lambda i: (squared distance, i))
        let expected = [178, 74, 35, 221, 25, 166, 175, 246];
        for ((r, g, b), want) in OKABE_ITO.iter().zip(expected) {
            assert_eq!(nearest_256(*r, *g, *b), want, "#{r:02X}{g:02X}{b:02X}");
        }
        assert_eq!(group_color(8, true), Color::Rgb(0xE6, 0x9F, 0x00), "the palette repeats");
        assert_eq!(group_color(1, false), Color::Indexed(74));
    }
}
