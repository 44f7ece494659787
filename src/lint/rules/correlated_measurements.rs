//! RS123 `correlated-measurements`: a measurement interval shorter than the query's range
//! window (but under the `lagging-window` factor), so consecutive measurements share data.

use super::lagging_window::LAG_FACTOR;
use super::support::{finding, parsed_queries, query, rollouts};
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::model::Duration;

pub struct CorrelatedMeasurements;

impl Rule for CorrelatedMeasurements {
    rule_meta!(
        "RS123",
        "correlated-measurements",
        Severity::Warning,
        "## What it does\nFlags a metric whose `interval` is shorter than its query's longest \
         range window (up to 5×; beyond that `lagging-window` reports it).\n\n## Why is this \
         bad?\nTwo measurements 1m apart over `[5m]` windows share 4 minutes of samples: one bad \
         minute fails several measurements in a row, so `failureLimit` and \
         `consecutiveSuccessLimit` count the same evidence more than once.\n\n## Example\n\
         ```yaml\ninterval: 1m\nquery: sum(rate(errors_total[3m]))\n```\n\n## Use instead\n\
         ```yaml\ninterval: 3m\nquery: sum(rate(errors_total[3m]))\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for (site, q, p) in parsed_queries(cx) {
            let Some(interval) = rollouts::interval(site.metric).filter(|&i| i > 0) else {
                continue;
            };
            let window = query::windows(&p.expr)
                .into_iter()
                .filter(|(n, _)| !p.span(n).is_some_and(|s| q.span_templated(s)))
                .map(|(_, w)| w)
                .max();
            let Some(window) = window else { continue };
            if window > interval && window < LAG_FACTOR * interval {
                let message = format!(
                    "interval {} is shorter than the {} range window: consecutive measurements share data",
                    Duration::from_millis(interval),
                    Duration::from_millis(window)
                );
                let pos = site.metric.spans.interval.unwrap_or(site.pos());
                out.push(finding(self, site.file, pos, None, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_overlapping_measurements() {
        let r = CorrelatedMeasurements;
        assert_eq!(
            lines(&r, "correlated-measurements/flagged.yaml"),
            vec![(8, 17)]
        );
        assert!(lines(&r, "correlated-measurements/clean.yaml").is_empty());
    }
}
