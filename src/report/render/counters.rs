//! The counters lane under each metric panel: failed, inconclusive and consecutive-error
//! counts as step lines from the run's creation, each against the count at which its limit
//! is exceeded (Argo fails a metric when `failed > failureLimit`, and so on).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::palette::*;
use super::simulation::{LEFT, colour_dark, mesh, plot};
use super::svg::Tags;
use super::{Drawn, text};
use crate::analysis::MetricCounters;
use crate::report::chart::{MetricPanel, SimulationChart};

pub(super) fn draw_counters<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    chart: &SimulationChart,
    p: &MetricPanel,
    tags: &Tags,
) -> Drawn<DB> {
    let last = p.counters.last().map(|(_, c)| *c).unwrap_or_default();
    let l = p.limits;
    type Get = fn(&MetricCounters) -> i64;
    // Failures last, on top: they decide most rollouts.
    let lanes: [(&str, RGBColor, i64, &str, Get); 3] = [
        (
            "consecutive errors",
            REDDISH_PURPLE,
            l.consecutive_error,
            "errors",
            |c| c.consecutive_error,
        ),
        (
            "inconclusive",
            ORANGE,
            l.inconclusive,
            "inconclusive",
            |c| c.inconclusive,
        ),
        ("failed", VERMILLION, l.failure, "fails", |c| c.failed),
    ];
    let top = lanes
        .iter()
        .map(|(_, _, limit, _, get)| {
            let most = p.counters.iter().map(|(_, c)| get(c)).max().unwrap_or(0);
            most.max(limit + 1)
        })
        .max()
        .unwrap_or(1) as f64;
    let mut plot = plot(area, chart, (-0.3, top + 0.6), 22, 26)?;
    area.draw(&Text::new(
        format!("{} counters against their limits", p.metric),
        (LEFT as i32 + 8, 2),
        text(14.0, GREY),
    ))?;
    let fy = |v: &f64| format!("{v:.0}");
    mesh(
        &mut plot,
        chart,
        ("count", (top as usize + 1).min(6), &fy),
        None,
    )?;
    // A completed run keeps its final counters.
    let stop = chart.end / 60.0;
    for (i, (name, colour, limit, verb, get)) in lanes.iter().enumerate() {
        let value = get(&last);
        let title = format!("{name}: {value}; limit {limit}");
        tags.begin(
            "counter",
            &[("counter", name), ("limit", &limit.to_string())],
            &title,
        );
        let mut pts = Vec::new();
        for (t, c) in &p.counters {
            let x = t / 60.0;
            if let Some(prev) = pts.last().map(|(_, y): &(f64, f64)| *y) {
                pts.push((x, prev));
            }
            pts.push((x, get(c) as f64));
        }
        if let Some((_, y)) = pts.last().copied() {
            pts.push((stop, y));
        }
        plot.draw_series(LineSeries::new(pts, colour.stroke_width(2)))?;
        if *limit >= 0 {
            let at = (limit + 1) as f64;
            plot.draw_series(DashedLineSeries::new(
                vec![(0.0, at), (chart.end / 60.0, at)],
                5,
                4,
                colour.stroke_width(1),
            ))?;
        }
        let (x, _) = plot.backend_coord(&(chart.end / 60.0, 0.0));
        let (_, y0) = plot.backend_coord(&(0.0, top + 0.6));
        let label = if *limit >= 0 {
            format!("{name} {value} ({verb} at {})", limit + 1)
        } else {
            format!("{name} {value} (no limit)")
        };
        let style = text(12.0, colour_dark(*colour));
        root.draw(&Text::new(
            label,
            (x + 8, y0 + 4 + 17 * (2 - i as i32)),
            style,
        ))?;
        tags.end();
    }
    Ok(())
}
