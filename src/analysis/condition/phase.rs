//! A measurement's phase from its conditions: Argo's `EvaluateResult` and
//! `formatEvalError` (`utils/evaluate/evaluate.go`, SEMANTICS.md §2.4). Depends on the
//! condition pipeline and `analysis::phase`.

use super::super::{Phase, ResultValue};
use super::evaluate_condition;

/// Phase and message of one measurement. Mirrors Argo: each non-empty condition is
/// evaluated (success first); the first error gives `Error` with
/// `could not evaluate successCondition "<expr>": <error>`, or, when `result` is nil or an
/// empty list, `... "<expr>": metric result is nil or empty: no data returned from the
/// metric provider` whatever the error was. The message is empty unless the phase is Error.
pub fn measurement_phase(
    success: &str,
    failure: &str,
    result: Option<&ResultValue>,
) -> (Phase, String) {
    let run = |kind: &str, cond: &str| -> Result<bool, String> {
        evaluate_condition(cond, result).map_err(|e| format_eval_error(&e, kind, cond, result))
    };
    let success_value = if success.is_empty() {
        false
    } else {
        match run("successCondition", success) {
            Ok(b) => b,
            Err(m) => return (Phase::Error, m),
        }
    };
    let failure_value = if failure.is_empty() {
        false
    } else {
        match run("failureCondition", failure) {
            Ok(b) => b,
            Err(m) => return (Phase::Error, m),
        }
    };
    let phase = match (success.is_empty(), failure.is_empty()) {
        (true, true) => Phase::Successful,
        (false, true) if success_value => Phase::Successful,
        (false, true) => Phase::Failed,
        (true, false) if failure_value => Phase::Failed,
        (true, false) => Phase::Successful,
        _ if failure_value => Phase::Failed,
        _ if success_value => Phase::Successful,
        _ => Phase::Inconclusive,
    };
    (phase, String::new())
}

fn format_eval_error(err: &str, kind: &str, cond: &str, result: Option<&ResultValue>) -> String {
    let nil_or_empty = match result {
        None => true,
        Some(ResultValue::List(vs)) => vs.is_empty(),
        Some(ResultValue::Scalar(_)) => false,
    };
    if nil_or_empty {
        format!(
            "could not evaluate {kind} \"{cond}\": metric result is nil or empty: no data returned from the metric provider"
        )
    } else {
        format!("could not evaluate {kind} \"{cond}\": {err}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: ResultValue = ResultValue::Scalar(0.97);

    #[test]
    fn combination_table() {
        // (success, failure, phase) on result = 0.97
        let cases = [
            ("", "", Phase::Successful),
            ("result > 0.9", "", Phase::Successful),
            ("result > 0.99", "", Phase::Failed),
            ("", "result > 0.99", Phase::Successful),
            ("", "result > 0.9", Phase::Failed),
            ("result > 0.9", "result > 0.5", Phase::Failed),
            ("result > 0.9", "result < 0.5", Phase::Successful),
            ("result > 0.99", "result < 0.5", Phase::Inconclusive),
        ];
        for (s, f, want) in cases {
            assert_eq!(
                measurement_phase(s, f, Some(&S)),
                (want, String::new()),
                "{s:?} / {f:?}"
            );
        }
    }

    #[test]
    fn errors_in_either_condition() {
        let (p, m) = measurement_phase("result > 0.9", "foo > 1", Some(&S));
        assert_eq!(p, Phase::Error);
        assert_eq!(
            m,
            r#"could not evaluate failureCondition "foo > 1": unknown name foo"#
        );
        let list = ResultValue::List(vec![0.5]);
        let (p, m) = measurement_phase("result > 0.9", "", Some(&list));
        assert_eq!(p, Phase::Error);
        assert_eq!(
            m,
            r#"could not evaluate successCondition "result > 0.9": invalid operation: > (mismatched types []float64 and float64)"#
        );
    }

    #[test]
    fn nil_or_empty_variant() {
        let empty = ResultValue::List(vec![]);
        let want = r#"could not evaluate successCondition "result[0] >= 0.95": metric result is nil or empty: no data returned from the metric provider"#;
        assert_eq!(
            measurement_phase("result[0] >= 0.95", "", Some(&empty)),
            (Phase::Error, want.to_string())
        );
        let want = r#"could not evaluate successCondition "result < 0.05": metric result is nil or empty: no data returned from the metric provider"#;
        assert_eq!(
            measurement_phase("result < 0.05", "", None),
            (Phase::Error, want.to_string())
        );
        // No error, no message: the empty list is handled by the condition.
        assert_eq!(
            measurement_phase("len(result) == 0 || result[0] >= 0.95", "", Some(&empty)).0,
            Phase::Successful
        );
        assert_eq!(
            measurement_phase("default(result, 0) < 0.05", "", None).0,
            Phase::Successful
        );
        // NaN is not "nil or empty": the expr error is kept.
        let nan = ResultValue::Scalar(f64::NAN);
        let (p, m) = measurement_phase("result[0] > 1", "", Some(&nan));
        assert_eq!(p, Phase::Error);
        assert_eq!(
            m,
            r#"could not evaluate successCondition "result[0] > 1": type float64[int] is undefined"#
        );
    }

    #[test]
    fn nan_rules() {
        let nan = ResultValue::Scalar(f64::NAN);
        assert_eq!(
            measurement_phase("result >= 0.9", "", Some(&nan)).0,
            Phase::Failed
        );
        assert_eq!(
            measurement_phase("result >= 0.9", "result < 0.9", Some(&nan)).0,
            Phase::Inconclusive
        );
        let nan_list = ResultValue::List(vec![f64::NAN]);
        assert_eq!(
            measurement_phase("", "result[0] > 0.05", Some(&nan_list)).0,
            Phase::Successful
        );
        let inf = ResultValue::Scalar(f64::INFINITY);
        assert_eq!(
            measurement_phase("result >= 0.9", "", Some(&inf)).0,
            Phase::Successful
        );
    }
}
