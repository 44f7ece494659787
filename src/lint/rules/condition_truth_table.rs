//! RS130 `condition-truth-table`: for every metric, the phase its conditions give for an empty
//! result, `[NaN]`, `[+Inf]`, a value of the expected type and two series (info).

use super::support::{conditions, finding, sites};
use crate::analysis::ResultValue;
use crate::analysis::condition::ResultType;
use crate::lint::{Finding, LintContext, Rule, Severity};
use crate::manifest::Provider;

pub struct ConditionTruthTable;

impl Rule for ConditionTruthTable {
    rule_meta!(
        "RS130",
        "condition-truth-table",
        Severity::Info,
        "## What it does\nReports, for every Prometheus metric, the measurement phase Argo's \
         `EvaluateResult` gives for edge-case results: empty (no series), `[NaN]` (0/0), \
         `[+Inf]` (x/0), the value 1 of the expected type and two series `[0,1000]`. Args \
         without a default are replaced by 1.\n\n## Why is this bad?\nIt is not: it is an info \
         finding so reviewers see how edge cases behave (an empty result is an Error, and 5 \
         in a row abort; NaN compares false everywhere).\n\n## Example\n```text\n\
         [] → Error, [NaN] → Failed, [+Inf] → Failed, [1] → Failed, [0,1000] → Successful\n```\n\n\
         ## Use instead\nAdjust the conditions until every row is what you intend, e.g. \
         `len(result) == 0 || result[0] < 0.05` to pass on no data.\n"
    );
    fn check(&self, cx: &LintContext, out: &mut Vec<Finding>) {
        for site in sites::sites(cx) {
            if !matches!(site.metric.provider, Provider::Prometheus(_)) {
                continue;
            }
            let (s, f) = conditions::texts(&site);
            let Some(rt) = conditions::result_type(&site) else {
                continue;
            };
            let cells: Vec<String> = table_probes(rt)
                .into_iter()
                .map(|(label, r)| {
                    let (phase, _) =
                        crate::analysis::condition::measurement_phase(&s, &f, r.as_ref());
                    format!("{label} → {phase}")
                })
                .collect();
            let message = format!("metric `{}`: {}", site.metric.name, cells.join(", "));
            out.push(finding(self, site.file, site.pos(), None, message));
        }
    }
}

/// (label, result) probes, shaped as the query's result type.
fn table_probes(rt: ResultType) -> Vec<(&'static str, Option<ResultValue>)> {
    match rt {
        ResultType::Scalar => vec![
            ("nil", None),
            ("NaN", Some(ResultValue::Scalar(f64::NAN))),
            ("+Inf", Some(ResultValue::Scalar(f64::INFINITY))),
            ("1", Some(ResultValue::Scalar(1.0))),
        ],
        _ => vec![
            ("[]", Some(ResultValue::List(vec![]))),
            ("[NaN]", Some(ResultValue::List(vec![f64::NAN]))),
            ("[+Inf]", Some(ResultValue::List(vec![f64::INFINITY]))),
            ("[1]", Some(ResultValue::List(vec![1.0]))),
            ("[0,1000]", Some(ResultValue::List(vec![0.0, 1000.0]))),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::run_with;
    use super::*;

    #[test]
    fn tabulates_edge_cases() {
        let r = ConditionTruthTable;
        let f = run_with(&r, "condition-truth-table/flagged.yaml", None);
        let got: Vec<(u32, &str)> = f.iter().map(|f| (f.line, f.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (
                    7,
                    "metric `error-rate`: [] → Error, [NaN] → Failed, [+Inf] → Failed, [1] → Failed, [0,1000] → Successful"
                ),
                (
                    12,
                    "metric `guarded`: [] → Successful, [NaN] → Inconclusive, [+Inf] → Failed, [1] → Failed, [0,1000] → Failed"
                ),
                (
                    18,
                    "metric `scalar`: nil → Error, NaN → Failed, +Inf → Failed, 1 → Successful"
                ),
            ]
        );
        assert!(run_with(&r, "condition-truth-table/clean.yaml", None).is_empty());
    }
}
