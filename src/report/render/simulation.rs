//! Draws a `SimulationChart`: a header (outcome, reason, a key of marker shapes), then per
//! metric of each AnalysisRun a value panel and a counters lane, then the weight lane (steps,
//! pauses, deciding moments) and a footer listing each marker with its full reason. Every
//! panel shares the time axis: minutes from the rollout start (and the recording's clock).

use std::iter::once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::palette::*;
use super::svg::Tags;
use super::{Drawn, fit, text};
use super::{counters, rollout};
use crate::analysis::Phase;
use crate::model::Duration;
use crate::report::chart::{
    Clock, Condition, MarkerKind, MetricPanel, SimulationChart, threshold::number,
};

pub(super) const WIDTH: u32 = 1280;
pub(super) const HEADER: u32 = 92;
pub(super) const PANEL: u32 = 300;
pub(super) const COUNTERS: u32 = 120;
pub(super) const WEIGHT: u32 = 210;
pub(super) const FOOTER_LINE: u32 = 20;
pub(super) const LEFT: u32 = 84;
pub(super) const RIGHT: u32 = 200;

pub(super) type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The image size for a chart: taller with every metric panel and marker.
pub fn size(chart: &SimulationChart) -> (u32, u32) {
    let panels = chart.panels.len() as u32;
    (
        WIDTH,
        HEADER + panels * (PANEL + COUNTERS) + WEIGHT + footer_height(chart),
    )
}

fn footer_height(chart: &SimulationChart) -> u32 {
    16 + FOOTER_LINE * (rollout::footer_lines(chart).len() as u32)
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &SimulationChart,
    tags: &Tags,
) -> Drawn<DB> {
    let (header, mut rest) = root.split_vertically(HEADER);
    draw_header(&header, chart)?;
    for p in &chart.panels {
        let (panel, after) = rest.split_vertically(PANEL);
        let (lane, after) = after.split_vertically(COUNTERS);
        tags.begin(
            "metric-panel",
            &[("metric", &p.metric), ("run", &p.run)],
            &p.metric,
        );
        draw_metric(root, &panel, chart, p, tags)?;
        counters::draw_counters(root, &lane, chart, p, tags)?;
        tags.end();
        rest = after;
    }
    let (weight, footer) = rest.split_vertically(WEIGHT);
    rollout::draw_weight(root, &weight, chart, tags)?;
    rollout::draw_footer(&footer, chart)
}

/// `+8:00`, `+1:02:03`.
pub(super) fn plus(t: f64) -> String {
    crate::report::timeline::offset((t * 1000.0).round() as i64)
}

/// The recording's wall clock at `t`: `00:18:00`.
pub(super) fn clock(chart: &SimulationChart, t: f64) -> String {
    let at = chart.start + Duration::from_millis((t * 1000.0).round() as i64);
    at.to_string().get(11..19).unwrap_or("").to_string()
}

/// `+8:00 (00:18:00)` for recorded data, `+8:00` otherwise.
pub(super) fn when(chart: &SimulationChart, t: f64) -> String {
    match chart.clock {
        Clock::WallClock => format!("{} ({})", plus(t), clock(chart, t)),
        Clock::MinutesOnly => plus(t),
    }
}

/// An x tick: minutes, and the recording's clock.
pub(super) fn x_tick(chart: &SimulationChart, minutes: f64) -> String {
    let m = if (minutes - minutes.round()).abs() < 1e-6 {
        format!("{minutes:.0}")
    } else {
        format!("{minutes:.1}")
    };
    let seconds = minutes * 60.0;
    match chart.clock {
        Clock::WallClock if (seconds - (seconds / 60.0).round() * 60.0).abs() < 0.5 => {
            format!("{m} · {}", clock(chart, seconds).get(0..5).unwrap_or(""))
        }
        Clock::WallClock => format!("{m} · {}", clock(chart, seconds)),
        Clock::MinutesOnly => m,
    }
}

fn draw_header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &SimulationChart,
) -> Drawn<DB> {
    let result = crate::replay::expect::result_name(chart.outcome);
    let title = format!(
        "Rollout {}: {result} at {}",
        chart.rollout,
        when(chart, chart.decided_at)
    );
    let colour = match chart.outcome {
        crate::sim::OutcomeResult::Promoted => BLUISH_GREEN,
        crate::sim::OutcomeResult::Aborted | crate::sim::OutcomeResult::Invalid => VERMILLION,
        crate::sim::OutcomeResult::Paused => ORANGE,
    };
    area.draw(&Rectangle::new([(0, 6), (8, 60)], colour.filled()))?;
    area.draw(&Text::new(title, (18, 10), text(24.0, INK)))?;
    area.draw(&Text::new(
        fit(&chart.reason, 165),
        (18, 42),
        text(14.0, GREY),
    ))?;
    // A key of the marker shapes and line styles, drawn as they appear in the panels.
    let y = 76;
    let mut x = 18;
    for (phase, label) in [
        (Phase::Successful, "Successful"),
        (Phase::Failed, "Failed"),
        (Phase::Inconclusive, "Inconclusive"),
        (Phase::Error, "Error"),
    ] {
        phase_marker(area, (x + 6, y), phase)?;
        area.draw(&Text::new(label, (x + 18, y - 8), text(14.0, INK)))?;
        x += 40 + 9 * label.len() as i32;
    }
    x += 20;
    area.draw(&PathElement::new(
        vec![(x, y), (x + 30, y)],
        OI_BLUE.stroke_width(2),
    ))?;
    area.draw(&Text::new(
        "query result[0]",
        (x + 36, y - 8),
        text(14.0, INK),
    ))?;
    x += 170;
    area.draw(&DashedPathElement::new(
        vec![(x, y), (x + 30, y)],
        8,
        4,
        BLUISH_GREEN.stroke_width(2),
    ))?;
    area.draw(&Text::new(
        "success threshold",
        (x + 36, y - 8),
        text(14.0, INK),
    ))?;
    x += 180;
    area.draw(&DashedPathElement::new(
        vec![(x, y), (x + 30, y)],
        3,
        3,
        VERMILLION.stroke_width(2),
    ))?;
    area.draw(&Text::new(
        "failure threshold",
        (x + 36, y - 8),
        text(14.0, INK),
    ))?;
    Ok(())
}

/// A value axis: its description, how many ticks, how a tick reads.
pub(super) type ValueAxis<'a> = (&'a str, usize, &'a dyn Fn(&f64) -> String);

/// The axes and grid every panel shares: time ticks (minutes, and the wall clock for
/// recorded data), `(description, tick count, formatter)` for values, a light grid.
pub(super) fn mesh<DB: DrawingBackend>(
    plot: &mut Plot<DB>,
    chart: &SimulationChart,
    (y_desc, y_labels, fy): ValueAxis,
    x_desc: Option<&str>,
) -> Drawn<DB> {
    let fx = |m: &f64| x_tick(chart, *m);
    let mut mesh = plot.configure_mesh();
    mesh.x_labels(12)
        .y_labels(y_labels)
        .x_label_formatter(&fx)
        .y_label_formatter(fy)
        .y_desc(y_desc)
        .label_style(text(13.0, INK))
        .axis_desc_style(text(13.0, GREY))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(RGBColor(228, 228, 228));
    if let Some(d) = x_desc {
        mesh.x_desc(d);
    }
    mesh.draw()
}

/// A measurement marker at backend pixel `at`, by phase: shape and colour.
fn phase_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    phase: Phase,
) -> Drawn<DB> {
    let (x, y) = at;
    match phase {
        Phase::Successful => {
            area.draw(&Circle::new(at, 6, BLUISH_GREEN.filled()))?;
            area.draw(&Circle::new(at, 6, INK.stroke_width(1)))
        }
        Phase::Failed => area.draw(&Cross::new(at, 7, VERMILLION.stroke_width(4))),
        Phase::Inconclusive => area.draw(&Polygon::new(
            vec![(x, y - 8), (x - 8, y + 6), (x + 8, y + 6)],
            ORANGE.filled(),
        )),
        _ => {
            area.draw(&Rectangle::new(
                [(x - 6, y - 6), (x + 6, y + 6)],
                REDDISH_PURPLE.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x - 6, y - 6), (x + 6, y + 6)],
                INK.stroke_width(1),
            ))
        }
    }
}

/// The value range of a panel: the line, the measurements and the thresholds, padded.
fn y_range(p: &MetricPanel) -> (f64, f64) {
    let mut values: Vec<f64> = p.line.iter().map(|(_, v)| *v).collect();
    values.extend(
        p.other_series
            .iter()
            .flat_map(|s| s.points.iter().map(|(_, v)| *v)),
    );
    values.extend(p.measurements.iter().filter_map(|m| m.value));
    for c in [&p.success, &p.failure] {
        if let Some(t) = c.drawable() {
            values.extend(t.bounds.iter().map(|b| b.value));
        }
    }
    let finite = values.into_iter().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let span = if hi > lo {
        hi - lo
    } else {
        (hi.abs() * 0.1).max(1.0)
    };
    (lo - span * 0.12, hi + span * 0.12)
}

/// Tick label decimals for a value span.
fn decimals(span: f64) -> usize {
    if span <= 0.0 || !span.is_finite() {
        return 2;
    }
    ((-span.log10()).ceil() + 1.0).clamp(0.0, 6.0) as usize
}

pub(super) fn plot<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    chart: &SimulationChart,
    y: (f64, f64),
    top: u32,
    bottom: u32,
) -> Result<Plot<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    ChartBuilder::on(area)
        .margin_top(top)
        .margin_right(RIGHT)
        .margin_left(8)
        .x_label_area_size(bottom)
        .y_label_area_size(LEFT)
        .build_cartesian_2d(0.0..chart.end / 60.0, y.0..y.1)
}

fn draw_metric<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    chart: &SimulationChart,
    p: &MetricPanel,
    tags: &Tags,
) -> Drawn<DB> {
    let decided = if p.deciding {
        " · decided the outcome"
    } else {
        ""
    };
    area.draw(&Text::new(
        format!("{} — AnalysisRun {}{decided}", p.metric, p.run),
        (LEFT as i32 + 8, 10),
        text(19.0, INK),
    ))?;
    let conditions = [("success", &p.success), ("failure", &p.failure)]
        .iter()
        .filter_map(|(k, c)| c.text.as_ref().map(|t| format!("{k} when {}", t.trim())))
        .collect::<Vec<_>>()
        .join("   ·   ");
    area.draw(&Text::new(
        fit(&conditions, 150),
        (LEFT as i32 + 8, 34),
        text(14.0, INK),
    ))?;
    let query = p
        .query
        .as_deref()
        .map_or("(not a Prometheus metric)".into(), |q| {
            format!("query: {q}")
        });
    area.draw(&Text::new(
        fit(&query, 165),
        (LEFT as i32 + 8, 53),
        text(12.0, GREY),
    ))?;

    let (lo, hi) = y_range(p);
    let mut plot = plot(area, chart, (lo, hi), 72, 26)?;
    let digits = decimals(hi - lo);
    let fy = |v: &f64| format!("{v:.digits$}");
    mesh(&mut plot, chart, (p.unit.axis_label(), 6, &fy), None)?;
    let end = chart.end / 60.0;
    // Before the run and after it: not measured.
    let mut idle = vec![(0.0, p.created / 60.0)];
    if let Some(c) = p.completed {
        idle.push((c / 60.0, end));
    }
    for (a, b) in idle.into_iter().filter(|(a, b)| b > a) {
        plot.draw_series(once(Rectangle::new(
            [(a, lo), (b, hi)],
            RGBColor(120, 120, 120).mix(0.08).filled(),
        )))?;
    }
    regions(&mut plot, &p.success, BLUISH_GREEN, (lo, hi), end)?;
    regions(&mut plot, &p.failure, VERMILLION, (lo, hi), end)?;
    verticals(&mut plot, chart, (lo, hi))?;
    for s in &p.other_series {
        tags.begin("series", &[("labels", &s.labels)], &s.labels);
        for seg in segments(&s.points) {
            plot.draw_series(LineSeries::new(seg, SKY_BLUE.stroke_width(1)))?;
        }
        tags.end();
    }
    tags.begin("query-line", &[], "result[0] of the query over the run");
    for seg in segments(&p.line) {
        plot.draw_series(LineSeries::new(seg, OI_BLUE.stroke_width(2)))?;
    }
    tags.end();
    thresholds(root, &mut plot, p, end, tags)?;
    notes(root, &plot, p)?;
    for m in &p.measurements {
        let y = m.value.unwrap_or(lo + (hi - lo) * 0.05);
        let title = format!(
            "{} #{} at {}: {} → {}{}",
            p.metric,
            m.seq,
            when(chart, m.t),
            m.value_text,
            m.phase,
            if m.message.is_empty() {
                String::new()
            } else {
                format!(" ({})", m.message)
            }
        );
        let seq = m.seq.to_string();
        let phase = m.phase.to_string();
        tags.begin(
            "measurement",
            &[("metric", &p.metric), ("phase", &phase), ("seq", &seq)],
            &title,
        );
        let at = plot.backend_coord(&(m.t / 60.0, y));
        phase_marker(root, at, m.phase)?;
        if m.phase != Phase::Successful || m.value.is_none() {
            let label = match m.value {
                Some(v) => format!("#{} {} {}", m.seq, short(v), m.phase),
                None => format!("#{} {} {}", m.seq, fit(&m.value_text, 16), m.phase),
            };
            let style = text(13.0, INK).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(label, (at.0 + 11, at.1 - 12), style))?;
        }
        tags.end();
    }
    Ok(())
}

/// A value with four significant digits.
fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return number(v);
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Splits a line at NaN values so gaps stay gaps.
fn segments(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (t, v) in points {
        if v.is_finite() {
            out.last_mut().expect("never empty").push((t / 60.0, *v));
        } else if !out.last().expect("never empty").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Shades where a drawable condition holds.
fn regions<DB: DrawingBackend>(
    plot: &mut Plot<DB>,
    c: &Condition,
    colour: RGBColor,
    (lo, hi): (f64, f64),
    end: f64,
) -> Drawn<DB> {
    let Some(t) = c.drawable() else { return Ok(()) };
    for (a, b) in t.regions(lo, hi) {
        plot.draw_series(once(Rectangle::new(
            [(0.0, a), (end, b)],
            colour.mix(0.10).filled(),
        )))?;
    }
    Ok(())
}

/// Dashed threshold lines with their labels in the right margin.
fn thresholds<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &mut Plot<DB>,
    p: &MetricPanel,
    end: f64,
    tags: &Tags,
) -> Drawn<DB> {
    for (kind, c, colour, dash) in [
        ("success", &p.success, BLUISH_GREEN, (8, 4)),
        ("failure", &p.failure, VERMILLION, (3, 3)),
    ] {
        let Some(t) = c.drawable() else { continue };
        for b in &t.bounds {
            let value = number(b.value);
            let title = format!("{kind} when {}", c.text.as_deref().unwrap_or(""));
            tags.begin("threshold", &[("kind", kind), ("value", &value)], &title);
            plot.draw_series(DashedLineSeries::new(
                vec![(0.0, b.value), (end, b.value)],
                dash.0,
                dash.1,
                colour.stroke_width(2),
            ))?;
            let at = plot.backend_coord(&(end, b.value));
            let label = format!("{kind}: {} {value}", b.cmp.as_str());
            let style = text(14.0, colour_dark(colour)).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(label, (at.0 + 8, at.1), style))?;
            tags.end();
        }
    }
    Ok(())
}

/// Text colours a shade darker than their line, for contrast on white.
pub(super) fn colour_dark(c: RGBColor) -> RGBColor {
    RGBColor(
        (c.0 as f64 * 0.75) as u8,
        (c.1 as f64 * 0.75) as u8,
        (c.2 as f64 * 0.75) as u8,
    )
}

/// Conditions that cannot be drawn, query errors and extra series, said in the panel.
fn notes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &Plot<DB>,
    p: &MetricPanel,
) -> Drawn<DB> {
    let mut lines = Vec::new();
    for (kind, c) in [("success", &p.success), ("failure", &p.failure)] {
        if c.too_complex() {
            lines.push(format!("{kind} condition too complex to draw"));
        }
    }
    if p.success.text.is_none() && p.failure.text.is_none() {
        lines.push("no condition: every measurement is Successful".into());
    }
    if p.series_count > 1 {
        lines.push(format!(
            "{} series: result[0] in dark blue, the others light",
            p.series_count
        ));
    }
    if let Some(e) = &p.query_error {
        lines.push(fit(&format!("query error: {e}"), 90));
    }
    let (xs, ys) = plot.plotting_area().get_pixel_range();
    for (i, l) in lines.iter().enumerate() {
        let pos = (xs.start + 8, ys.start + 6 + 18 * i as i32);
        root.draw(&Text::new(
            l.as_str(),
            pos,
            text(14.0, colour_dark(VERMILLION)),
        ))?;
    }
    Ok(())
}

/// Step boundaries and deciding moments, across a plot.
pub(super) fn verticals<DB: DrawingBackend>(
    plot: &mut Plot<DB>,
    chart: &SimulationChart,
    (lo, hi): (f64, f64),
) -> Drawn<DB> {
    let mut seen: Vec<f64> = Vec::new();
    for s in chart.steps.iter().filter(|s| s.from > 0.0) {
        if seen.contains(&s.from) {
            continue;
        }
        seen.push(s.from);
        let x = s.from / 60.0;
        plot.draw_series(DashedLineSeries::new(
            vec![(x, lo), (x, hi)],
            4,
            4,
            LIGHT_GREY.stroke_width(1),
        ))?;
    }
    for m in &chart.markers {
        let x = m.t / 60.0;
        let (colour, dashed) = marker_style(m.kind);
        if dashed {
            plot.draw_series(DashedLineSeries::new(
                vec![(x, lo), (x, hi)],
                6,
                4,
                colour.stroke_width(2),
            ))?;
        } else {
            plot.draw_series(LineSeries::new(
                vec![(x, lo), (x, hi)],
                colour.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}

pub(super) fn marker_style(kind: MarkerKind) -> (RGBColor, bool) {
    match kind {
        MarkerKind::Abort => (VERMILLION, false),
        MarkerKind::Promote => (BLUISH_GREEN, false),
        MarkerKind::Waiting => (ORANGE, true),
        MarkerKind::Resumed => (OI_BLUE, true),
        MarkerKind::Switch => (OI_BLUE, false),
        MarkerKind::Invalid => (INK, false),
        MarkerKind::Regression => (REDDISH_PURPLE, true),
    }
}
