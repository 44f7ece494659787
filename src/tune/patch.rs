//! Applies a candidate to the typed manifests in memory, before the plan is built: condition
//! thresholds, query windows, interval/count/limits of metrics, pause durations and step
//! weights. Every value is checked here, so a bad grid fails before any trial runs.
//!
//! Depends on `manifest`, `model` and `tune::{grid, threshold}`.

use super::grid::{Candidate, MetricField, Param, StepRef, Which};
use super::threshold;
use crate::manifest::{CanaryStep, IntOrString, Manifests, Metric, PauseDuration, Provider};
use crate::model::Duration;

/// Returns `manifests` with every setting of `candidate` applied (the first Rollout's steps,
/// every template metric of the given name).
pub fn apply(manifests: &Manifests, candidate: &Candidate) -> Result<Manifests, String> {
    let mut out = manifests.clone();
    for (param, value) in &candidate.settings {
        apply_one(&mut out, param, value).map_err(|e| format!("{param}={value}: {e}"))?;
    }
    Ok(out)
}

fn apply_one(m: &mut Manifests, param: &Param, value: &str) -> Result<(), String> {
    match param {
        Param::Metric { metric, field } => {
            let mut hits = 0;
            for t in m
                .analysis_templates
                .iter_mut()
                .chain(m.cluster_analysis_templates.iter_mut())
            {
                for mm in t.spec.metrics.iter_mut().filter(|x| &x.name == metric) {
                    set_metric(mm, *field, value)?;
                    hits += 1;
                }
            }
            if hits == 0 {
                return Err(format!(
                    "no metric named {metric:?} in the templates (they have: {})",
                    metric_names(m).join(", ")
                ));
            }
            Ok(())
        }
        Param::SetWeight(i) => match step_mut(m, StepRef::Step(*i))? {
            CanaryStep::SetWeight(w) => {
                *w = int_in(value, 0, 100)?;
                Ok(())
            }
            other => Err(format!("steps[{i}] is {}, not setWeight", kind(other))),
        },
        Param::Pause(r) => match step_mut(m, *r)? {
            CanaryStep::Pause { duration } => {
                *duration = Some(pause(value)?);
                Ok(())
            }
            other => Err(format!("the step is {}, not pause", kind(other))),
        },
    }
}

/// Every metric name of every template, for error messages.
pub fn metric_names(m: &Manifests) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in m
        .analysis_templates
        .iter()
        .chain(&m.cluster_analysis_templates)
    {
        for x in &t.spec.metrics {
            if !names.contains(&x.name) {
                names.push(x.name.clone());
            }
        }
    }
    names
}

fn set_metric(m: &mut Metric, field: MetricField, value: &str) -> Result<(), String> {
    match field {
        MetricField::Threshold(which) => set_threshold(m, which, value),
        MetricField::Interval => go_duration(value).map(|v| m.interval = Some(v)),
        MetricField::InitialDelay => go_duration(value).map(|v| m.initial_delay = Some(v)),
        MetricField::Count => limit(value).map(|v| m.count = Some(v)),
        MetricField::FailureLimit => limit(value).map(|v| m.failure_limit = Some(v)),
        MetricField::InconclusiveLimit => limit(value).map(|v| m.inconclusive_limit = Some(v)),
        MetricField::ConsecutiveErrorLimit => {
            limit(value).map(|v| m.consecutive_error_limit = Some(v))
        }
        MetricField::ConsecutiveSuccessLimit => {
            limit(value).map(|v| m.consecutive_success_limit = Some(v))
        }
        MetricField::Window => {
            let Provider::Prometheus(p) = &mut m.provider else {
                return Err("the metric has no prometheus provider".into());
            };
            let d = Duration::parse(value).map_err(|e| format!("not a window: {e}"))?;
            p.query = replace_windows(&p.query, &d.to_string())?;
            Ok(())
        }
    }
}

fn set_threshold(m: &mut Metric, which: Which, value: &str) -> Result<(), String> {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() => {}
        _ => return Err(format!("{value:?} is not a number")),
    }
    let fields = [
        ("successCondition", &mut m.success_condition),
        ("failureCondition", &mut m.failure_condition),
    ];
    let mut usable = Vec::new();
    let mut problems = Vec::new();
    for (i, (name, cond)) in fields.into_iter().enumerate() {
        let wanted = match which {
            Which::Either => true,
            Which::SuccessCondition => i == 0,
            Which::FailureCondition => i == 1,
        };
        match cond {
            Some(src) if wanted => match threshold::find(src) {
                Ok(_) => usable.push((name, cond)),
                Err(e) => problems.push(format!("{name} `{}` {e}", src.trim())),
            },
            None if wanted && which != Which::Either => {
                problems.push(format!("the metric has no {name}"))
            }
            _ => {}
        }
    }
    match usable.len() {
        1 => {
            let (_, cond) = usable.pop().expect("one usable condition");
            let src = cond.as_deref().expect("usable conditions are set");
            *cond = Some(threshold::replace(src, value)?);
            Ok(())
        }
        0 if problems.is_empty() => {
            Err("the metric has no successCondition or failureCondition".into())
        }
        0 => Err(problems.join("; ")),
        _ => Err(
            "both successCondition and failureCondition have a threshold; write \
             METRIC.successCondition.threshold or METRIC.failureCondition.threshold"
                .into(),
        ),
    }
}

/// Replaces every range duration (`[5m]`, the range of a subquery `[30m:1m]`) outside string
/// literals; a query with none is an error.
pub fn replace_windows(query: &str, window: &str) -> Result<String, String> {
    let mut out = String::with_capacity(query.len());
    let mut replaced = 0;
    let mut quote: Option<char> = None;
    let mut rest = query;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        match quote {
            Some(q) => {
                out.push(c);
                if c == '\\' && q != '`' {
                    if let Some(n) = rest[len..].chars().next() {
                        out.push(n);
                        rest = &rest[len + n.len_utf8()..];
                        continue;
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None if matches!(c, '"' | '\'' | '`') => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '[' => {
                let inner_end = rest.find([']', ':']).unwrap_or(rest.len());
                let inner = rest[1..inner_end].trim();
                if Duration::parse(inner).is_ok() {
                    out.push('[');
                    out.push_str(window);
                    replaced += 1;
                    rest = &rest[inner_end..];
                    continue;
                }
                out.push(c);
            }
            None => out.push(c),
        }
        rest = &rest[len..];
    }
    if replaced == 0 {
        return Err("the query has no range window like [5m]".into());
    }
    Ok(out)
}

fn step_mut(m: &mut Manifests, r: StepRef) -> Result<&mut CanaryStep, String> {
    let rollout = m.rollouts.first_mut().ok_or("no Rollout")?;
    let canary = rollout
        .strategy
        .canary
        .as_mut()
        .ok_or("the Rollout has no canary steps")?;
    let n = canary.steps.len();
    let index = match r {
        StepRef::Step(i) => i,
        StepRef::NthPause(k) => canary
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.action(), Some(CanaryStep::Pause { .. })))
            .nth(k)
            .map(|(i, _)| i)
            .ok_or_else(|| format!("the Rollout has fewer than {} pause steps", k + 1))?,
    };
    let step = canary.steps.get_mut(index).ok_or_else(|| {
        format!(
            "the Rollout has {n} steps (steps[0] to steps[{}])",
            n.saturating_sub(1)
        )
    })?;
    match step.actions.as_mut_slice() {
        [one] => Ok(one),
        _ => Err(format!("steps[{index}] does not have exactly one action")),
    }
}

fn kind(s: &CanaryStep) -> &'static str {
    match s {
        CanaryStep::SetWeight(_) => "setWeight",
        CanaryStep::Pause { .. } => "pause",
        CanaryStep::Analysis(_) => "analysis",
        CanaryStep::SetCanaryScale(_) => "setCanaryScale",
        CanaryStep::Experiment(_) => "experiment",
        CanaryStep::SetHeaderRoute(_) => "setHeaderRoute",
        CanaryStep::SetMirrorRoute(_) => "setMirrorRoute",
        CanaryStep::Plugin(_) => "plugin",
    }
}

fn int_in(v: &str, lo: i64, hi: i64) -> Result<i64, String> {
    match v.parse::<i64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(format!("{v:?} is not an integer from {lo} to {hi}")),
    }
}

fn limit(v: &str) -> Result<IntOrString, String> {
    int_in(v, 0, i64::from(i32::MAX)).map(IntOrString::Int)
}

fn go_duration(v: &str) -> Result<String, String> {
    crate::manifest::parse_go_duration_ms(v)
        .map(|_| v.to_string())
        .map_err(|e| format!("not a duration: {e}"))
}

fn pause(v: &str) -> Result<PauseDuration, String> {
    let p = match v.parse::<i64>() {
        Ok(s) => PauseDuration::Seconds(s),
        Err(_) => PauseDuration::Text(v.to_string()),
    };
    match p.duration() {
        Some(d) if d.millis() > 0 => Ok(p),
        _ => Err(format!("{v:?} is not a pause duration (seconds or 10m)")),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::grid::Candidate;
    use super::*;

    /// A Rollout and a template, shared with `snippet`'s tests.
    pub(in crate::tune) const TEMPLATES: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  strategy:
    canary:
      steps:
        - setWeight: 10
        - pause: {duration: 5m}
        - setWeight: 50
        - pause: {duration: 5m}
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: t}
spec:
  metrics:
    - name: sr
      interval: 1m
      successCondition: len(result) > 0 && result[0] >= 0.99
      provider:
        prometheus:
          query: sum(rate(x{s=~\"[45]..\"}[2m])) / sum(rate(x[2m]))
    - name: both
      successCondition: result[0] < 5
      failureCondition: result[0] > 10
      provider: {prometheus: {query: up}}
";

    fn patched(settings: &[&str]) -> Result<Manifests, String> {
        let m = crate::manifest::load_str(TEMPLATES, "t.yaml").unwrap();
        apply(&m, &Candidate::parse(settings).unwrap())
    }

    fn metric<'a>(m: &'a Manifests, name: &str) -> &'a Metric {
        m.analysis_templates[0]
            .spec
            .metrics
            .iter()
            .find(|x| x.name == name)
            .unwrap()
    }

    #[test]
    fn applies_metric_settings() {
        let m = patched(&[
            "sr.threshold=0.995",
            "sr.failureLimit=2",
            "sr.interval=30s",
            "sr.count=10",
            "sr.consecutiveErrorLimit=1",
            "sr.inconclusiveLimit=3",
            "sr.window=5m",
            "both.failureCondition.threshold=20",
        ])
        .unwrap();
        let sr = metric(&m, "sr");
        assert_eq!(
            sr.success_condition.as_deref(),
            Some("len(result) > 0 && result[0] >= 0.995")
        );
        assert_eq!(sr.failure_limit, Some(IntOrString::Int(2)));
        assert_eq!(sr.count, Some(IntOrString::Int(10)));
        assert_eq!(sr.consecutive_error_limit, Some(IntOrString::Int(1)));
        assert_eq!(sr.inconclusive_limit, Some(IntOrString::Int(3)));
        assert_eq!(sr.interval.as_deref(), Some("30s"));
        let Provider::Prometheus(p) = &sr.provider else {
            panic!()
        };
        assert_eq!(
            p.query,
            "sum(rate(x{s=~\"[45]..\"}[5m])) / sum(rate(x[5m]))"
        );
        let both = metric(&m, "both");
        assert_eq!(both.failure_condition.as_deref(), Some("result[0] > 20"));
        assert_eq!(both.success_condition.as_deref(), Some("result[0] < 5"));
    }

    #[test]
    fn applies_step_settings() {
        let m = patched(&["steps[2].setWeight=30", "pause[1]=10m", "steps[1].pause=90"]).unwrap();
        let steps = &m.rollouts[0].strategy.canary.as_ref().unwrap().steps;
        assert_eq!(steps[2].action(), Some(&CanaryStep::SetWeight(30)));
        assert_eq!(
            steps[3].action(),
            Some(&CanaryStep::Pause {
                duration: Some(PauseDuration::Text("10m".into()))
            })
        );
        assert_eq!(
            steps[1].action(),
            Some(&CanaryStep::Pause {
                duration: Some(PauseDuration::Seconds(90))
            })
        );
    }

    #[test]
    fn bad_settings_say_what_exists() {
        let table = [
            (
                "nope.threshold=1",
                "no metric named \"nope\" in the templates (they have: sr, both)",
            ),
            (
                "both.threshold=1",
                "both successCondition and failureCondition",
            ),
            (
                "sr.failureCondition.threshold=1",
                "the metric has no failureCondition",
            ),
            ("sr.threshold=high", "is not a number"),
            ("sr.failureLimit=-1", "not an integer"),
            ("sr.interval=soon", "not a duration"),
            ("both.window=5m", "no range window"),
            ("steps[1].setWeight=10", "steps[1] is pause, not setWeight"),
            ("steps[9].setWeight=10", "the Rollout has 4 steps"),
            ("steps[0].setWeight=101", "not an integer from 0 to 100"),
            ("steps[0].pause=5m", "the step is setWeight, not pause"),
            ("pause[2]=5m", "fewer than 3 pause steps"),
            ("steps[1].pause=0s", "not a pause duration"),
        ];
        for (s, want) in table {
            let e = patched(&[s]).unwrap_err();
            assert!(e.contains(want), "{s}: {e}");
        }
    }

    #[test]
    fn windows_outside_strings_only() {
        assert_eq!(
            replace_windows("max_over_time(rate(x[1m])[30m:1m])", "2m").unwrap(),
            "max_over_time(rate(x[2m])[2m:1m])"
        );
        assert_eq!(
            replace_windows("x{a=\"[1m]\"}[5m]", "10m").unwrap(),
            "x{a=\"[1m]\"}[10m]"
        );
        assert!(replace_windows("x[{{args.w}}]", "1m").is_err());
    }
}
