//! The review summary as Markdown, for a pull-request comment: the outcome, the time to
//! decision, the failing measurement, the blast radius (synthetic data), and links to the
//! chart images and the full report.
//!
//! Depends on `report::chart`, `report::html` (the review's parts) and `replay`.

use std::fmt::Write as _;

use super::html::Review;
use crate::model::Duration;
use crate::replay::expect::result_name;

/// Where the summary links to, as paths relative to the Markdown file.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Chart images to embed.
    pub images: Vec<String>,
    /// The full HTML report.
    pub report: Option<String>,
}

/// A table cell: no line breaks, pipes escaped.
fn cell(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// An inline code span that survives backticks in the text.
fn code(s: &str) -> String {
    let s = cell(s);
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_millis((s * 1000.0).round() as i64)
}

/// The summary.
pub fn render(r: &Review, links: &Links) -> String {
    let o = &r.replay.simulation.outcome;
    let result = result_name(o.result);
    let at = Duration::from_millis(o.at);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### rollsim: rollout {} **{result}** at +{at}\n",
        code(&r.replay.rollout)
    );
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Outcome | **{result}** at +{at} ({}) |",
        r.replay.start + at
    );
    let decision = if o.result.decided() {
        at.to_string()
    } else {
        format!("no decision ({result})")
    };
    let _ = writeln!(out, "| Time to decision | {decision} |");
    match r.chart.failing_measurement() {
        Some((p, m)) => {
            let condition = [("success", &p.success), ("failure", &p.failure)]
                .iter()
                .filter_map(|(k, c)| c.text.as_ref().map(|t| format!("{k} when {}", code(t))))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "| Failing measurement | {} #{} at +{} = {} → **{}** ({condition}) |",
                code(&p.metric),
                m.seq,
                secs(m.t),
                code(&m.value_text),
                m.phase
            );
        }
        None => out.push_str("| Failing measurement | none |\n"),
    }
    if let (Some(run), Some(metric)) = (&o.deciding_run, &o.deciding_metric) {
        let _ = writeln!(
            out,
            "| Decided by | metric {} of AnalysisRun {} |",
            code(metric),
            code(run)
        );
    }
    if let Some(i) = &r.replay.impact {
        let _ = writeln!(
            out,
            "| Blast radius | {} failed canary requests before the decision (synthetic data) |",
            i.bad_requests_before_decision
        );
        if let Some(start) = i.regression_started_seconds {
            let detect = i
                .time_to_detect_seconds
                .map_or("not detected".to_string(), |d| {
                    format!("time to detect {}", secs(d))
                });
            let _ = writeln!(
                out,
                "| Regression | started at +{}; {detect} |",
                secs(start)
            );
        }
    }
    let _ = writeln!(out, "\n> {}\n", cell(&o.reason));
    for image in &links.images {
        let _ = writeln!(
            out,
            "![rollsim chart of {}]({image})",
            cell(&r.replay.rollout)
        );
    }
    if let Some(report) = &links.report {
        let _ = writeln!(out, "\n[Full report]({report})");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_code_spans_are_safe() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        assert_eq!(code("result[0] >= 0.99"), "`result[0] >= 0.99`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
