//! RS142 `threshold-never-or-always-met` (`--data`): over the recording, the successCondition
//! is met at no evaluation or at every one.

use super::support::{at_span, conditions, data, parsed_queries, query, rollouts};
use crate::analysis::condition;
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::promql::Engine;

pub struct ThresholdNeverOrAlwaysMet;

impl Rule for ThresholdNeverOrAlwaysMet {
    rule_meta!(
        "RS142",
        "threshold-never-or-always-met",
        Severity::Warning,
        "## What it does\nWith `--data FILE`, evaluates the query at every `interval` (1m when \
         unset) across the recording and the `successCondition` on each result that evaluates; \
         flags a condition met at none of them or at all of them (with at least 3 evaluations).\n\n\
         ## Why is this bad?\nIf the recording holds a healthy release, a condition never met \
         fails every rollout; if it holds an incident, a condition always met would have let \
         it through. Either way the threshold does not fit the data.\n\n## Example\n```yaml\n\
         successCondition: result[0] < 0.0001   # recorded error ratio is 0.002 when healthy\n```\n\n\
         ## Use instead\n```yaml\nsuccessCondition: result[0] < 0.01\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        let Some(store) = cx.data else { return };
        let engine = Engine::default();
        for (site, q, p) in parsed_queries(cx) {
            let conds = conditions::conds(&site);
            let Some(c) = conds.iter().find(|c| c.kind == "successCondition") else {
                continue;
            };
            if q.placeholder_used || c.field.placeholder_used {
                continue;
            }
            let Ok(program) = &c.program else { continue };
            let window = query::longest_window(&p.expr).unwrap_or(0);
            let (mut met, mut total) = (0, 0);
            for t in data::times(store, rollouts::interval(site.metric), window) {
                let Some(r) = data::result_at(&engine, store, &q.text, t) else {
                    continue;
                };
                if condition::check(program, condition::ResultType::of(Some(&r))).is_err() {
                    continue;
                }
                if let Ok(b) = condition::evaluate(program, Some(&r)) {
                    total += 1;
                    met += usize::from(b);
                }
            }
            if total < 3 || (met != 0 && met != total) {
                continue;
            }
            let how = if met == 0 { "never" } else { "always" };
            let message = format!(
                "successCondition is {how} met over the recorded data ({met} of {total} evaluations)"
            );
            out.push(at_span(
                self,
                &site,
                &c.field,
                (0, c.field.text.trim_end().len().max(1)),
                message,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{lines_with, recording};
    use super::*;

    #[test]
    fn flags_thresholds_the_data_never_or_always_meets() {
        let r = ThresholdNeverOrAlwaysMet;
        let store = recording();
        assert_eq!(
            lines_with(&r, "threshold-never-or-always-met/flagged.yaml", &store),
            vec![(9, 25)]
        );
        assert!(lines_with(&r, "threshold-never-or-always-met/clean.yaml", &store).is_empty());
    }
}
