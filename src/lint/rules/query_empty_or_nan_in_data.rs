//! RS141 `query-empty-or-nan-in-data` (`--data`): a query that returns an empty result or NaN
//! at some measurement times across the recording.

use super::support::{data, finding, parsed_queries, query, rollouts};
use crate::analysis::ResultValue;
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::promql::Engine;

pub struct QueryEmptyOrNanInData;

impl Rule for QueryEmptyOrNanInData {
    rule_meta!(
        "RS141",
        "query-empty-or-nan-in-data",
        Severity::Warning,
        "## What it does\nWith `--data FILE`, evaluates each query at every `interval` (1m when \
         unset) across the recording, from one range window after its start, and reports the \
         first time it returns no series or NaN, and how often.\n\n## Why is this bad?\nAn empty \
         result is an Error measurement unless the condition guards it (5 in a row abort); NaN \
         compares false, which usually fails the measurement. Both happen at low traffic, \
         exactly when a canary starts.\n\n## Example\n```promql\n\
         sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))   # NaN with no requests\n```\n\n\
         ## Use instead\n```promql\nsum(rate(errors_total[5m])) / (sum(rate(requests_total[5m])) > 0)\n```\n\
         and a condition such as `len(result) == 0 || result[0] < 0.05`.\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        let Some(store) = cx.data else { return };
        let engine = Engine::default();
        for (site, q, p) in parsed_queries(cx) {
            if q.placeholder_used {
                continue;
            }
            let window = query::longest_window(&p.expr).unwrap_or(0);
            let times = data::times(store, rollouts::interval(site.metric), window);
            let mut bad = Vec::new();
            for &t in &times {
                let r = data::result_at(&engine, store, &q.text, t);
                let what = match &r {
                    Some(ResultValue::List(v)) if v.is_empty() => "empty",
                    Some(ResultValue::List(v)) if v.iter().any(|x| x.is_nan()) => "NaN",
                    Some(ResultValue::Scalar(x)) if x.is_nan() => "NaN",
                    _ => continue,
                };
                bad.push((t, what));
            }
            let Some(&(t, what)) = bad.first() else {
                continue;
            };
            let message = format!(
                "the query is {what} at {} ({} of {} evaluations are empty or NaN)",
                t,
                bad.len(),
                times.len()
            );
            let pos = site.metric.spans.query.unwrap_or(site.pos());
            out.push(finding(self, site.file, pos, None, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines_with, recording, run_with};
    use super::*;

    #[test]
    fn flags_empty_or_nan_results() {
        let r = QueryEmptyOrNanInData;
        let store = recording();
        assert_eq!(
            lines_with(&r, "query-empty-or-nan-in-data/flagged.yaml", &store),
            vec![(12, 18)]
        );
        assert!(lines_with(&r, "query-empty-or-nan-in-data/clean.yaml", &store).is_empty());
        let f = run_with(&r, "query-empty-or-nan-in-data/flagged.yaml", Some(&store));
        assert_eq!(
            f[0].message,
            "the query is NaN at 1970-01-01T00:25:00.000Z (6 of 26 evaluations are empty or NaN)"
        );
    }
}
