//! Checks a scenario's `expect:` block against a simulation: outcome, time to decision, step,
//! deciding metric and, over a world, the blast radius. Pure: the verdict is a list of unmet
//! expectations.

use super::world::Impact;
use crate::model::Duration;
use crate::scenario::ExpectSection;
use crate::sim::{Event, OutcomeResult, Simulation};

/// The unmet expectations, as sentences; empty when the scenario passes.
pub fn check(expect: &ExpectSection, sim: &Simulation) -> Result<Vec<String>, String> {
    let o = &sim.outcome;
    let got = result_name(o.result);
    let mut failures = Vec::new();
    if let Some(want) = &expect.outcome
        && want != got
    {
        failures.push(format!(
            "expected outcome {want}, got {got} at +{}: {}",
            Duration::from_millis(o.at),
            o.reason
        ));
    }
    if let Some(within) = &expect.within {
        let limit = Duration::parse(within).map_err(|e| format!("expect.within: {e}"))?;
        if o.at > limit.millis() {
            failures.push(format!(
                "expected a decision within {limit}, got {got} at +{}",
                Duration::from_millis(o.at)
            ));
        }
    }
    if let Some(step) = expect.step {
        match step_at_outcome(sim) {
            Some(s) if s == step => {}
            Some(s) => failures.push(format!("expected the outcome at step {step}, got step {s}")),
            None => failures.push(format!(
                "expected the outcome at step {step}, but no step was entered"
            )),
        }
    }
    if let Some(metric) = &expect.metric
        && o.deciding_metric.as_deref() != Some(metric.as_str())
    {
        let got = o.deciding_metric.as_deref().unwrap_or("no metric");
        failures.push(format!("expected metric {metric:?} to decide, got {got}"));
    }
    Ok(failures)
}

/// `expect.max_bad_requests` against what users felt (world scenarios only).
pub fn check_impact(expect: &ExpectSection, impact: Option<&Impact>) -> Vec<String> {
    match (expect.max_bad_requests, impact) {
        (Some(max), Some(i)) if i.bad_requests_before_decision > max => vec![format!(
            "expected at most {max} failed canary requests before the decision, got {}",
            i.bad_requests_before_decision
        )],
        (Some(_), None) => {
            vec!["expect.max_bad_requests needs a `world:` (recorded data has no users)".into()]
        }
        _ => Vec::new(),
    }
}

pub fn result_name(r: OutcomeResult) -> &'static str {
    match r {
        OutcomeResult::Promoted => "promoted",
        OutcomeResult::Aborted => "aborted",
        OutcomeResult::Paused => "paused",
        OutcomeResult::Invalid => "invalid",
    }
}

/// The index of the last step entered at or before the outcome.
fn step_at_outcome(sim: &Simulation) -> Option<usize> {
    sim.events
        .iter()
        .take_while(|e| e.t <= sim.outcome.at)
        .filter_map(|e| match &e.event {
            Event::StepEntered { index, .. } => Some(*index),
            _ => None,
        })
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Outcome, TimelineEvent};

    fn sim(result: OutcomeResult, at: i64, metric: Option<&str>) -> Simulation {
        let entered = |t, index| TimelineEvent {
            t,
            event: Event::StepEntered {
                index,
                kind: "pause",
                step: "pause: {}".into(),
            },
        };
        Simulation {
            events: vec![entered(0, 0), entered(300_000, 2), entered(900_000, 3)],
            outcome: Outcome {
                result,
                at,
                reason: "why".into(),
                deciding_run: None,
                deciding_metric: metric.map(str::to_string),
            },
        }
    }

    fn expect(
        outcome: Option<&str>,
        within: Option<&str>,
        step: Option<usize>,
        metric: Option<&str>,
    ) -> ExpectSection {
        ExpectSection {
            outcome: outcome.map(str::to_string),
            within: within.map(str::to_string),
            step,
            metric: metric.map(str::to_string),
            max_bad_requests: None,
        }
    }

    #[test]
    fn expectations_table() {
        let aborted = sim(OutcomeResult::Aborted, 480_000, Some("success-rate"));
        let cases: &[(ExpectSection, usize)] = &[
            (
                expect(Some("aborted"), Some("10m"), Some(2), Some("success-rate")),
                0,
            ),
            (expect(Some("promoted"), None, None, None), 1),
            (expect(None, Some("5m"), None, None), 1),
            (expect(None, Some("8m"), None, None), 0),
            (expect(None, None, Some(3), None), 1),
            (expect(None, None, None, Some("latency")), 1),
            (expect(Some("promoted"), Some("1m"), Some(0), Some("x")), 4),
        ];
        for (e, failures) in cases {
            assert_eq!(check(e, &aborted).unwrap().len(), *failures, "{e:?}");
        }
        assert!(check(&expect(None, Some("soon"), None, None), &aborted).is_err());
    }

    #[test]
    fn blast_radius_limit() {
        let mut e = expect(None, None, None, None);
        e.max_bad_requests = Some(10);
        let impact = |bad| Impact {
            requests: 1000,
            canary_requests: 100,
            canary_errors: bad + 1,
            bad_requests_before_decision: bad,
            regression_started_seconds: None,
            time_to_detect_seconds: None,
        };
        assert!(check_impact(&e, Some(&impact(10))).is_empty());
        assert_eq!(check_impact(&e, Some(&impact(11))).len(), 1);
        assert_eq!(check_impact(&e, None).len(), 1);
    }
}
