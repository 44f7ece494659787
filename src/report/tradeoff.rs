//! The trade-off chart of a tuning run: each candidate setting as a point, x its
//! false-rollback rate (healthy canaries aborted, %), y its median time to detect a
//! regression (minutes); the Pareto frontier joined by a line, the recommended setting
//! ringed, every point labelled. SVG or PNG by the file's extension.
//!
//! Depends on `report::render` only; `rollsim tune` supplies the points.

use std::iter::once;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::palette::*;
use super::render::svg::Tags;
use super::render::{ChartError, Drawn, Format, fit, png_of, svg_of, text, write_file};

/// One candidate setting of a tuning run.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeoffPoint {
    pub label: String,
    /// Share of healthy runs that rolled back, 0–1.
    pub false_rollback_rate: f64,
    /// Share of regressed runs that were caught, 0–1.
    pub detection_rate: f64,
    /// Median time from the regression's start to the abort, when any run caught it.
    pub detect_p50_seconds: Option<f64>,
    pub on_frontier: bool,
    pub recommended: bool,
}

const SIZE: (u32, u32) = (1100, 680);

/// Writes the chart to `path` (`.svg` or `.png`).
pub fn render_tradeoff(points: &[TradeoffPoint], path: &Path) -> Result<(), ChartError> {
    let bytes = match Format::of(path)? {
        Format::Svg => tradeoff_svg(points)?.into_bytes(),
        Format::Png => png_of(SIZE, |root| draw(root, points, &Tags::none()))?,
    };
    write_file(path, &bytes)
}

/// The chart as an SVG document.
pub fn tradeoff_svg(points: &[TradeoffPoint]) -> Result<String, ChartError> {
    svg_of(SIZE, |root, tags| draw(root, points, tags))
}

/// `(x %, y minutes)` of a point; undetected points sit on the top edge (`y_top`).
fn position(p: &TradeoffPoint, y_top: f64) -> (f64, f64) {
    let y = p.detect_p50_seconds.map_or(y_top, |s| s / 60.0);
    (p.false_rollback_rate * 100.0, y)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[TradeoffPoint],
    tags: &Tags,
) -> Drawn<DB> {
    let x_max = points
        .iter()
        .map(|p| p.false_rollback_rate * 100.0)
        .fold(1.0_f64, f64::max)
        * 1.15;
    let detected_max = points
        .iter()
        .filter_map(|p| p.detect_p50_seconds.map(|s| s / 60.0))
        .fold(1.0_f64, f64::max);
    let undetected = points.iter().any(|p| p.detect_p50_seconds.is_none());
    // Undetected settings get a row above every detected one.
    let y_top = detected_max * 1.15;
    let y_max = if undetected { y_top * 1.08 } else { y_top };
    let mut chart = ChartBuilder::on(root)
        .margin(20)
        .margin_right(60)
        .caption(
            "Tuning trade-off: false rollbacks vs. time to detect (lower left is better)",
            text(21.0, INK),
        )
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("false-rollback rate: healthy canaries aborted (%)")
        .y_desc("median time to detect a regression (minutes)")
        .x_label_formatter(&|v| format!("{v:.1}%"))
        .y_label_formatter(&|v| {
            if undetected && *v > y_top * 1.01 {
                String::new()
            } else {
                format!("{v:.1}")
            }
        })
        .label_style(text(14.0, INK))
        .axis_desc_style(text(15.0, GREY))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(RGBColor(222, 222, 222))
        .draw()?;
    if undetected {
        // Settings that never caught a regression sit on their own row, above a rule.
        let rule = (y_top + detected_max) / 2.0;
        chart.draw_series(DashedLineSeries::new(
            vec![(0.0, rule), (x_max, rule)],
            6,
            4,
            LIGHT_GREY.stroke_width(1),
        ))?;
        chart.draw_series(once(Text::new(
            "never detected ↑",
            (x_max, rule),
            text(13.0, GREY).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))?;
    }
    let mut frontier: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.on_frontier)
        .map(|p| position(p, y_top))
        .collect();
    frontier.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    tags.begin("frontier", &[], "Pareto frontier");
    chart.draw_series(LineSeries::new(frontier, OI_BLUE.stroke_width(2)))?;
    tags.end();
    // Points at the same place stack their labels downwards instead of overprinting.
    let mut seen: Vec<((i32, i32), i32)> = Vec::new();
    for p in points {
        let at = position(p, y_top);
        let title = format!(
            "{}: false rollbacks {:.1}%, detected {:.0}%, median time to detect {}",
            p.label,
            p.false_rollback_rate * 100.0,
            p.detection_rate * 100.0,
            p.detect_p50_seconds
                .map_or("never".to_string(), |s| format!("{:.1} min", s / 60.0))
        );
        let frontier = if p.on_frontier { "true" } else { "false" };
        let recommended = if p.recommended { "true" } else { "false" };
        tags.begin(
            "tradeoff-point",
            &[
                ("label", &p.label),
                ("frontier", frontier),
                ("recommended", recommended),
            ],
            &title,
        );
        let (colour, filled) = if p.on_frontier {
            (OI_BLUE, true)
        } else {
            (GREY, false)
        };
        let style = if filled {
            colour.filled()
        } else {
            colour.stroke_width(2)
        };
        chart.draw_series(once(Circle::new(at, 6, style)))?;
        if p.recommended {
            chart.draw_series(once(Circle::new(at, 12, VERMILLION.stroke_width(3))))?;
        }
        let label = if p.recommended {
            format!("{} (recommended)", fit(&p.label, 64))
        } else {
            fit(&p.label, 64)
        };
        let colour = if p.recommended { VERMILLION } else { INK };
        let px = chart.backend_coord(&at);
        // Labels of points in the right half go to their left, so they stay on the chart.
        let (anchor, dx) = if px.0 > SIZE.0 as i32 / 2 {
            (HPos::Right, -15)
        } else {
            (HPos::Left, 15)
        };
        let style = text(13.0, colour).pos(Pos::new(anchor, VPos::Center));
        let row = match seen.iter_mut().find(|(q, _)| *q == px) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen.push((px, 0));
                0
            }
        };
        root.draw(&Text::new(label, (px.0 + dx, px.1 - 10 + 16 * row), style))?;
        tags.end();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Vec<TradeoffPoint> {
        let p = |label: &str, fr: f64, p50: Option<f64>, frontier: bool, rec: bool| TradeoffPoint {
            label: label.into(),
            false_rollback_rate: fr,
            detection_rate: if p50.is_some() { 0.9 } else { 0.0 },
            detect_p50_seconds: p50,
            on_frontier: frontier,
            recommended: rec,
        };
        vec![
            p("threshold 0.99, interval 1m", 0.02, Some(90.0), true, true),
            p(
                "threshold 0.995, interval 30s",
                0.10,
                Some(40.0),
                true,
                false,
            ),
            p(
                "threshold 0.98, interval 5m",
                0.01,
                Some(400.0),
                true,
                false,
            ),
            p("threshold 0.9 <dominated>", 0.05, Some(500.0), false, false),
            p("threshold 0.5", 0.0, None, false, false),
        ]
    }

    #[test]
    fn svg_has_a_point_per_setting_and_marks_the_recommended() {
        let svg = tradeoff_svg(&points()).unwrap();
        assert_eq!(
            svg.matches("<g class=\"tradeoff-point\"").count(),
            5,
            "{svg}"
        );
        assert_eq!(svg.matches("data-recommended=\"true\"").count(), 1);
        assert_eq!(svg.matches("data-frontier=\"true\"").count(), 3);
        assert!(svg.contains("threshold 0.99, interval 1m (recommended)"));
        // Labels are escaped.
        assert!(svg.contains("&lt;dominated&gt;") && !svg.contains("<dominated>"));
        assert!(svg.contains("never detected"));
        assert!(svg.contains("<g class=\"frontier\""));
    }

    #[test]
    fn png_by_extension_and_other_formats_refused() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("t.png");
        render_tradeoff(&points(), &png).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), SIZE);
        let jpg = dir.path().join("t.jpg");
        assert!(matches!(
            render_tradeoff(&points(), &jpg),
            Err(ChartError::Format(_))
        ));
        assert!(!jpg.exists());
    }
}
