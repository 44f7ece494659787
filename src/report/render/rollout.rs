//! The rollout lane of a simulation chart (the weight as a step function, the steps as a
//! ribbon, pauses shaded, the deciding moments labelled at their lines) and the footer that
//! gives each of those moments its full reason.

use std::iter::once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::palette::*;
use super::simulation::{
    FOOTER_LINE, LEFT, colour_dark, marker_style, mesh, plot, plus, verticals, when,
};
use super::svg::Tags;
use super::{Drawn, fit, text};
use crate::report::chart::{Clock, SimulationChart};

/// Characters of 14 px text that fit across the footer.
const FOOTER_CHARS: usize = 150;

pub(super) fn draw_weight<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    chart: &SimulationChart,
    tags: &Tags,
) -> Drawn<DB> {
    area.draw(&Text::new(
        format!("Rollout: {}, steps, pauses", chart.weight.label),
        (LEFT as i32 + 8, 6),
        text(17.0, INK),
    ))?;
    let mut plot = plot(area, chart, (0.0, 128.0), 30, 46)?;
    let fy = |v: &f64| {
        if *v <= 100.0 {
            format!("{v:.0}%")
        } else {
            String::new()
        }
    };
    let x_desc = match chart.clock {
        Clock::WallClock => "minutes from the rollout start · wall clock (UTC)",
        Clock::MinutesOnly => "minutes from the rollout start",
    };
    mesh(&mut plot, chart, ("weight", 6, &fy), Some(x_desc))?;
    for pause in &chart.pauses {
        // The step ribbon names the pause; its reason is in the title (and the footer when
        // it waits for an operator).
        let (colour, what) = if pause.indefinite {
            (ORANGE, "paused, waiting for an operator")
        } else {
            (OI_YELLOW, "paused")
        };
        let title = format!(
            "{what} ({}) {} to {}",
            pause.reason,
            plus(pause.from),
            plus(pause.to)
        );
        tags.begin("pause", &[("reason", &pause.reason)], &title);
        plot.draw_series(once(Rectangle::new(
            [(pause.from / 60.0, 0.0), (pause.to / 60.0, 100.0)],
            colour.mix(0.22).filled(),
        )))?;
        tags.end();
    }
    verticals(&mut plot, chart, (0.0, 100.0))?;
    weight_line(root, &mut plot, chart, tags)?;
    step_ribbon(root, &plot, chart, tags)?;
    marker_labels(root, &plot, chart, tags)
}

fn weight_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &mut super::simulation::Plot<DB>,
    chart: &SimulationChart,
    tags: &Tags,
) -> Drawn<DB> {
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for (t, w) in &chart.weight.points {
        if let Some(prev) = pts.last().map(|p| p.1) {
            pts.push((t / 60.0, prev));
        }
        pts.push((t / 60.0, *w));
    }
    if let Some(&(_, w)) = pts.last() {
        pts.push((chart.end / 60.0, w));
    }
    tags.begin("weight", &[], &chart.weight.label);
    plot.draw_series(
        AreaSeries::new(pts, 0.0, SKY_BLUE.mix(0.35)).border_style(OI_BLUE.stroke_width(2)),
    )?;
    for (t, w) in &chart.weight.points {
        let at = plot.backend_coord(&(t / 60.0, *w));
        root.draw(&Text::new(
            format!("{w}%"),
            (at.0 + 4, at.1 - 17),
            text(13.0, OI_BLUE),
        ))?;
    }
    tags.end();
    Ok(())
}

/// The steps along the top of the lane, each labelled where there is room.
fn step_ribbon<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &super::simulation::Plot<DB>,
    chart: &SimulationChart,
    tags: &Tags,
) -> Drawn<DB> {
    for s in chart.steps.iter().filter(|s| s.to > s.from) {
        let a = plot.backend_coord(&(s.from / 60.0, 118.0));
        let b = plot.backend_coord(&(s.to / 60.0, 118.0));
        let title = format!("step {}: {}", s.index, s.label);
        tags.begin("step", &[("index", &s.index.to_string())], &title);
        root.draw(&Rectangle::new(
            [(a.0 + 1, a.1 - 10), (b.0 - 1, a.1 + 10)],
            RGBColor(236, 236, 236).filled(),
        ))?;
        let room = ((b.0 - a.0 - 8) / 7).max(0) as usize;
        if room >= 3 {
            let label = fit(&title, room);
            root.draw(&Text::new(label, (a.0 + 5, a.1 - 8), text(13.0, INK)))?;
        }
        tags.end();
    }
    Ok(())
}

/// Labels at the top of each marker line, moved down a row where they would overlap.
fn marker_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &super::simulation::Plot<DB>,
    chart: &SimulationChart,
    tags: &Tags,
) -> Drawn<DB> {
    let mut taken: Vec<(i32, i32, i32)> = Vec::new();
    for m in &chart.markers {
        let at = plot.backend_coord(&(m.t / 60.0, 100.0));
        let label = format!("{} {}", m.kind.label(), plus(m.t));
        let style = text(14.0, colour_dark(marker_style(m.kind).0));
        let width = root.estimate_text_size(&label, &style)?.0 as i32 + 4;
        let (x0, x1) = (at.0 + 5, at.0 + 5 + width);
        let row = (0..)
            .find(|r| !taken.iter().any(|(tr, a, b)| tr == r && x0 < *b && *a < x1))
            .unwrap_or(0);
        taken.push((row, x0, x1));
        let kind = format!("{:?}", m.kind).to_lowercase();
        let title = format!("{} at {}: {}", m.kind.label(), when(chart, m.t), m.reason);
        tags.begin("marker", &[("kind", &kind)], &title);
        let pos = (x0, at.1 + 4 + 18 * row);
        root.draw(&Rectangle::new(
            [(x0 - 2, pos.1), (x1, pos.1 + 17)],
            WHITE.mix(0.85).filled(),
        ))?;
        root.draw(&Text::new(label, pos, style))?;
        tags.end();
    }
    Ok(())
}

/// The footer's lines: each marker with its full reason, wrapped; `None` continues a line.
pub(super) fn footer_lines(chart: &SimulationChart) -> Vec<(Option<usize>, String)> {
    if chart.markers.is_empty() {
        let line = format!(
            "no abort, promotion or operator wait by {}",
            plus(chart.end)
        );
        return vec![(None, line)];
    }
    let mut out = Vec::new();
    for (i, m) in chart.markers.iter().enumerate() {
        let line = format!("{} at {}: {}", m.kind.label(), when(chart, m.t), m.reason);
        for (k, part) in wrap(&line, FOOTER_CHARS).into_iter().enumerate() {
            out.push(((k == 0).then_some(i), part));
        }
    }
    out
}

/// Word-wraps `s` to lines of at most `width` characters (longer words are cut).
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in s.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(fit(word, width));
        } else {
            if len > 0 {
                line.push(' ');
            }
            line.push_str(&fit(word, width));
        }
    }
    lines
}

pub(super) fn draw_footer<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &SimulationChart,
) -> Drawn<DB> {
    let x = LEFT as i32 + 8;
    for (row, (marker, line)) in footer_lines(chart).into_iter().enumerate() {
        let y = 6 + FOOTER_LINE as i32 * row as i32;
        if let Some(i) = marker {
            let (colour, _) = marker_style(chart.markers[i].kind);
            area.draw(&PathElement::new(
                vec![(x, y + 8), (x + 22, y + 8)],
                colour.stroke_width(3),
            ))?;
        }
        area.draw(&Text::new(line, (x + 30, y), text(14.0, INK)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("", 5), vec![""]);
    }
}
