//! RS112 `vector-compared-as-scalar`: `result > 0.9` where the query yields a vector, so
//! `result` is a list and the comparison fails at every measurement.

use super::support::{at_span, conditions, sites};
use crate::analysis::condition::ResultType;
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct VectorComparedAsScalar;

impl Rule for VectorComparedAsScalar {
    rule_meta!(
        "RS112",
        "vector-compared-as-scalar",
        Severity::Error,
        "## What it does\nFlags a condition that compares `result` itself with a number when the \
         query returns an instant vector (anything but a scalar-valued query).\n\n## Why is this \
         bad?\nArgo passes a vector as a list (`[]float64`); expr rejects `[]float64 > float64`, so \
         every measurement is an Error and the analysis aborts after `consecutiveErrorLimit` + 1 \
         errors, whatever the canary does.\n\n## Example\n```yaml\nquery: sum(rate(errors_total[5m]))\n\
         successCondition: result < 0.05\n```\n\n## Use instead\n```yaml\nsuccessCondition: \
         len(result) > 0 && result[0] < 0.05\n# or wrap the query in scalar(...)\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            if conditions::result_type(&site) != Some(ResultType::List) {
                continue;
            }
            for c in conditions::conds(&site) {
                let Ok(p) = &c.program else { continue };
                if let Some(span) = conditions::vector_compared(&p.ast) {
                    let message = format!(
                        "{}: the query returns a vector, so `result` is a list and this comparison is an Error at every measurement; use `result[0]`",
                        c.kind
                    );
                    out.push(at_span(self, &site, &c.field, span, message));
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
    fn flags_vector_compared_as_scalar() {
        let r = VectorComparedAsScalar;
        assert_eq!(
            lines(&r, "vector-compared-as-scalar/flagged.yaml"),
            vec![(8, 25), (13, 44)]
        );
        assert!(lines(&r, "vector-compared-as-scalar/clean.yaml").is_empty());
    }
}
