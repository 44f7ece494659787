//! Draws charts with plotters: a simulation chart (`report::chart`) or a trade-off chart
//! (`report::tradeoff`) as SVG (our tagged backend, `svg`) or PNG (plotters' bitmap backend,
//! encoded with fixed settings so every run gives the same bytes). Text uses the embedded
//! font (`font`), so nothing depends on the machine's fonts.
//!
//! Colours are Okabe–Ito (safe for colour-blind readers), and each measurement phase also has
//! its own marker shape (circle Successful, cross Failed, triangle Inconclusive, square
//! Error), so the charts survive grey-scale printing.

mod counters;
pub mod font;
mod rollout;
mod simulation;
pub mod svg;

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::SimulationChart;

pub use simulation::size as simulation_size;

/// Why a chart could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("{}: unsupported chart format (use .svg or .png)", .0.display())]
    Format(std::path::PathBuf),
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Output formats, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

impl Format {
    /// `.svg` or `.png` (any case); anything else is an error.
    pub fn of(path: &Path) -> Result<Format, ChartError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            _ => Err(ChartError::Format(path.to_path_buf())),
        }
    }
}

/// Okabe–Ito colours.
pub mod palette {
    use plotters::style::RGBColor;
    pub const INK: RGBColor = RGBColor(0, 0, 0);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const OI_YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const OI_BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    pub const GREY: RGBColor = RGBColor(110, 110, 110);
    pub const LIGHT_GREY: RGBColor = RGBColor(200, 200, 200);
}

/// A drawing step's result on backend `DB`.
pub(crate) type Drawn<DB> =
    Result<(), DrawingAreaErrorKind<<DB as plotters::backend::DrawingBackend>::ErrorType>>;

/// The simulation chart as an SVG document.
pub fn simulation_svg(chart: &SimulationChart) -> Result<String, ChartError> {
    svg_of(simulation::size(chart), |root, tags| {
        simulation::draw(root, chart, tags)
    })
}

/// The simulation chart as PNG bytes.
pub fn simulation_png(chart: &SimulationChart) -> Result<Vec<u8>, ChartError> {
    png_of(simulation::size(chart), |root| {
        simulation::draw(root, chart, &svg::Tags::none())
    })
}

/// Writes the simulation chart to `path`, SVG or PNG by extension.
pub fn write_simulation(chart: &SimulationChart, path: &Path) -> Result<(), ChartError> {
    let bytes = match Format::of(path)? {
        Format::Svg => simulation_svg(chart)?.into_bytes(),
        Format::Png => simulation_png(chart)?,
    };
    write_file(path, &bytes)
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ChartError> {
    std::fs::write(path, bytes).map_err(|source| ChartError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Draws with the tagged SVG backend.
pub(crate) fn svg_of(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<svg::TaggedSvg, Shift>, &svg::Tags) -> Drawn<svg::TaggedSvg>,
) -> Result<String, ChartError> {
    font::register();
    let (backend, tags, out) = svg::TaggedSvg::new(size);
    {
        let root = backend.into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        draw(&root, &tags).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(out.take())
}

/// Draws on an RGB bitmap and encodes it as PNG.
pub(crate) fn png_of<F>(size: (u32, u32), draw: F) -> Result<Vec<u8>, ChartError>
where
    F: for<'b> FnOnce(&DrawingArea<BitMapBackend<'b>, Shift>) -> Drawn<BitMapBackend<'b>>,
{
    font::register();
    let mut pixels = vec![255u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        draw(&root).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    encode_png(&pixels, size)
}

fn encode_png(pixels: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        let mut writer = encoder
            .write_header()
            .map_err(|e| ChartError::Draw(e.to_string()))?;
        writer
            .write_image_data(pixels)
            .map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(out)
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Shortens `s` to at most `max` characters, with an ellipsis.
pub(crate) fn fit(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A text style in the embedded font.
pub(crate) fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: (font::FAMILY, size).into_font(),
        color: color.to_backend_color(),
        pos: plotters::style::text_anchor::Pos::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/b.SVG")).unwrap(), Format::Svg);
        assert_eq!(Format::of(Path::new("b.png")).unwrap(), Format::Png);
        let e = Format::of(Path::new("b.jpg")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.jpg: unsupported chart format (use .svg or .png)"
        );
        assert!(Format::of(Path::new("noext")).is_err());
    }

    #[test]
    fn fit_shortens_and_flattens() {
        assert_eq!(fit("a\n  b", 10), "a b");
        assert_eq!(fit("abcdefghij", 5), "abcd…");
    }
}
