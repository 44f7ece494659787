//! RS122 `lagging-window`: a range window at least 5× the measurement interval, so each
//! measurement mostly re-reads old data and reacts late.

use super::support::{at_node, parsed_queries, query, rollouts};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::model::Duration;

pub struct LaggingWindow;

/// Windows this many times the interval or longer are flagged.
pub const LAG_FACTOR: i64 = 5;

impl Rule for LaggingWindow {
    rule_meta!(
        "RS122",
        "lagging-window",
        Severity::Warning,
        "## What it does\nFlags a range window that is at least 5× the metric's `interval` \
         (windows written as `{{args.x}}` are skipped).\n\n## Why is this bad?\nWith \
         `interval: 1m` and `rate(x[30m])`, a canary that starts failing moves the measured \
         value by a thirtieth per minute: the failure shows up many measurements late, or \
         after the rollout has already moved to more traffic.\n\n## Example\n```yaml\n\
         interval: 1m\nquery: sum(rate(errors_total[30m]))\n```\n\n## Use instead\n```yaml\n\
         interval: 1m\nquery: sum(rate(errors_total[2m]))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for (site, q, p) in parsed_queries(cx) {
            let Some(interval) = rollouts::interval(site.metric).filter(|&i| i > 0) else {
                continue;
            };
            let longest = query::windows(&p.expr)
                .into_iter()
                .filter(|(n, _)| !p.span(n).is_some_and(|s| q.span_templated(s)))
                .max_by_key(|(_, w)| *w);
            let Some((node, window)) = longest else {
                continue;
            };
            if window >= LAG_FACTOR * interval {
                let message = format!(
                    "range window {} is {}× the {} interval: each measurement reacts late to a failing canary",
                    Duration::from_millis(window),
                    window / interval,
                    Duration::from_millis(interval)
                );
                out.push(at_node(self, &site, &q, &p, node, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_long_windows() {
        let r = LaggingWindow;
        assert_eq!(lines(&r, "lagging-window/flagged.yaml"), vec![(12, 27)]);
        assert!(lines(&r, "lagging-window/clean.yaml").is_empty());
    }
}
