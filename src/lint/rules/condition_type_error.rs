//! RS111 `condition-type-error`: a condition that does not type-check against the result type
//! its query yields (a float for a scalar-valued query, a list of floats otherwise).

use super::support::{at_span, conditions, sites};
use crate::analysis::condition::{self, ResultType};
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct ConditionTypeError;

impl Rule for ConditionTypeError {
    rule_meta!(
        "RS111",
        "condition-type-error",
        Severity::Error,
        "## What it does\nType-checks each condition as expr does when Argo compiles it, with \
         `result` typed as the query yields it: `float64` for a scalar-valued query (`scalar(...)`, \
         a number), `[]float64` otherwise. Comparisons of the whole list with a number are left \
         to `vector-compared-as-scalar`.\n\n## Why is this bad?\nA condition that does not \
         compile is an Error measurement every time; five in a row abort the rollout.\n\n\
         ## Example\n```yaml\nquery: scalar(sum(rate(errors_total[5m])))\nsuccessCondition: result[0] < 1\n\
         ```\n\n## Use instead\n```yaml\nquery: scalar(sum(rate(errors_total[5m])))\nsuccessCondition: result < 1\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            let Some(rt) = conditions::result_type(&site) else {
                continue;
            };
            for c in conditions::conds(&site) {
                let Ok(p) = &c.program else { continue };
                if rt == ResultType::List && conditions::vector_compared(&p.ast).is_some() {
                    continue;
                }
                if let Err(e) = condition::check(p, rt) {
                    let ty = if rt == ResultType::List {
                        "[]float64"
                    } else {
                        "float64"
                    };
                    let message = format!("{} with result of type {ty}: {}", c.kind, e.message);
                    out.push(at_span(self, &site, &c.field, e.span, message));
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
    fn flags_type_errors() {
        let r = ConditionTypeError;
        assert_eq!(
            lines(&r, "condition-type-error/flagged.yaml"),
            vec![(8, 25), (13, 44)]
        );
        assert!(lines(&r, "condition-type-error/clean.yaml").is_empty());
    }
}
