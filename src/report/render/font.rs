//! The font every chart is drawn with, embedded in the binary (DejaVu Sans, see
//! `assets/fonts/LICENSE`), so PNGs render the same on a machine with no fonts at all.

use std::sync::Once;

use plotters::style::{FontStyle, register_font};

/// The family name charts use; SVG text names it too (falling back to `sans-serif`).
pub const FAMILY: &str = "DejaVu Sans";

static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Registers the font with plotters (once per process); also under `sans-serif`, the
/// family plotters uses where a style names none.
pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for family in [FAMILY, "sans-serif"] {
            for style in [FontStyle::Normal, FontStyle::Bold] {
                // The bytes are a valid TrueType font: checked by the tests below.
                let _ = register_font(family, style, DEJAVU_SANS);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use plotters::style::{FontDesc, FontFamily};

    #[test]
    fn the_embedded_font_lays_out_text() {
        super::register();
        let font = FontDesc::new(
            FontFamily::Name(super::FAMILY),
            20.0,
            super::FontStyle::Normal,
        );
        let (w, h) = font.box_size("success-rate").expect("font registered");
        assert!(w > 80 && h > 10, "{w}x{h}");
    }
}
