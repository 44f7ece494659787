//! RS113 `unguarded-result-index`: `result[0]` with no check for an empty result.

use super::support::{at_span, conditions, sites};
use crate::analysis::condition::ResultType;
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct UnguardedResultIndex;

impl Rule for UnguardedResultIndex {
    rule_meta!(
        "RS113",
        "unguarded-result-index",
        Severity::Warning,
        "## What it does\nFlags `result[N]` in a condition of a vector-valued query when the \
         condition never checks for an empty result (`len(result) > 0`, `len(result) == 0 ||`, \
         `result != nil`, `isNil(result)`).\n\n## Why is this bad?\nA query with no matching \
         series (no traffic yet, a renamed label) returns an empty list; indexing it is an Error \
         measurement, and `consecutiveErrorLimit` + 1 (default 5) consecutive errors abort the \
         rollout. Decide explicitly what no data means.\n\n## Example\n```yaml\n\
         successCondition: result[0] < 0.05\n```\n\n## Use instead\n```yaml\n\
         successCondition: len(result) == 0 || result[0] < 0.05\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            if conditions::result_type(&site) != Some(ResultType::List) {
                continue;
            }
            for c in conditions::conds(&site) {
                let Ok(p) = &c.program else { continue };
                if conditions::guards_empty(&p.ast) {
                    continue;
                }
                if let Some(span) = conditions::result_indexes(&p.ast).first() {
                    let message = format!(
                        "{} reads `result` by index without a guard: an empty result is an Error measurement (5 in a row abort)",
                        c.kind
                    );
                    out.push(at_span(self, &site, &c.field, *span, message));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_unguarded_indexes() {
        let r = UnguardedResultIndex;
        assert_eq!(
            lines(&r, "unguarded-result-index/flagged.yaml"),
            vec![(8, 25), (14, 9)]
        );
        assert!(lines(&r, "unguarded-result-index/clean.yaml").is_empty());
    }
}
