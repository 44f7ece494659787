//! RS116 `condition-always-or-never-true`: conditions whose phase is the same for every probe
//! value (0, 1, 100, NaN, ±Inf, around each threshold), so the metric cannot tell good from bad.

use super::support::{conditions, finding, sites};
use crate::analysis::condition::ResultType;
use crate::analysis::{Phase, ResultValue};
use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct ConditionAlwaysOrNeverTrue;

impl Rule for ConditionAlwaysOrNeverTrue {
    rule_meta!(
        "RS116",
        "condition-always-or-never-true",
        Severity::Warning,
        "## What it does\nEvaluates the metric's conditions (Argo's `EvaluateResult`) on probe \
         results of the query's type: 0, 1, 100, -1, 0.5, 0.01, 1000, NaN, +Inf, -Inf, each \
         threshold written in the conditions and values just around it, and two series. If every \
         probe gives the same phase, the metric is flagged. Conditions using `{{args...}}` \
         without a default are skipped, as are conditions that never evaluate (type errors).\n\n\
         ## Why is this bad?\nA condition that is always Successful never stops a bad canary; \
         one that is always Failed (or Inconclusive) blocks every rollout. Typical causes: \
         `result[0] >= 0` on a rate, `||` for `&&`, a threshold on the wrong side.\n\n## Example\n\
         ```yaml\nsuccessCondition: result[0] >= 0 || result[0] < 0.05\n```\n\n## Use instead\n\
         ```yaml\nsuccessCondition: result[0] < 0.05\n```\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            let conds = site.conditions();
            let Some((_, first)) = conds.first() else {
                continue;
            };
            if conds.iter().any(|(_, f)| f.placeholder_used) {
                continue;
            }
            let (s, f) = conditions::texts(&site);
            let Some(rt) = conditions::result_type(&site) else {
                continue;
            };
            let phases: Vec<Phase> = probes(&s, &f, rt)
                .iter()
                .map(|r| conditions::phase_of(&s, &f, Some(r)))
                .collect();
            let Some(&p0) = phases.first() else { continue };
            if p0 == Phase::Error || phases.iter().any(|&p| p != p0) {
                continue;
            }
            let message = format!(
                "the conditions give {p0} for every probe value (0, 1, 100, NaN, +Inf, thresholds ±): the metric cannot tell a good canary from a bad one"
            );
            let pos = first.pos.unwrap_or(site.pos());
            out.push(finding(self, site.file, pos, None, message));
        }
    }
}

/// Non-empty probe results of the expected type.
pub fn probes(success: &str, failure: &str, rt: ResultType) -> Vec<ResultValue> {
    let mut values = vec![
        0.0,
        1.0,
        100.0,
        -1.0,
        0.5,
        0.01,
        1000.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for text in [success, failure] {
        if let Ok(p) = crate::analysis::condition::parse(text) {
            for (_, _, v) in conditions::thresholds(&p.ast) {
                values.extend([v, v - 1.0, v + 1.0, v * 0.5, v * 2.0, v - 0.001, v + 0.001]);
            }
        }
    }
    let mut out: Vec<ResultValue> = values
        .iter()
        .map(|&v| match rt {
            ResultType::Scalar => ResultValue::Scalar(v),
            _ => ResultValue::List(vec![v]),
        })
        .collect();
    if rt != ResultType::Scalar {
        out.push(ResultValue::List(vec![0.0, 1000.0]));
        out.push(ResultValue::List(vec![1000.0, 0.0]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::lines;
    use super::*;

    #[test]
    fn flags_constant_conditions() {
        let r = ConditionAlwaysOrNeverTrue;
        assert_eq!(
            lines(&r, "condition-always-or-never-true/flagged.yaml"),
            vec![(8, 25), (13, 25)]
        );
        assert!(lines(&r, "condition-always-or-never-true/clean.yaml").is_empty());
    }
}
