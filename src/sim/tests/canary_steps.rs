//! Canary step machine rules (SEMANTICS.md §4.1–§4.3, §4.7, §8, §11.1, §11.2): timing, chaining,
//! weights, the operator policy, InvalidSpec, horizon.

use super::fake::{FakeRuns, FakeSpec};
use super::kit::*;
use crate::model::time::{Duration, Timestamp};
use crate::sim::outcome::OutcomeResult;
use crate::sim::plan::{Step, Strategy};
use crate::sim::policy::{Action, OperatorPolicy};
use crate::sim::{Window, simulate};

#[test]
fn timed_pause_expires_exactly_at_start_plus_duration() {
    let c = canary(vec![
        Step::SetWeight(10),
        Step::Pause(Some(Duration::from_millis(90_500))),
    ]);
    let (sim, _) = run_canary(c, &[], &OperatorPolicy::default());
    let ended: Vec<i64> = sim
        .events
        .iter()
        .filter(|e| matches!(e.event, crate::sim::Event::PauseEnded { .. }))
        .map(|e| e.t)
        .collect();
    assert_eq!(ended, [90_500]);
    assert_eq!(sim.outcome.at, 90_500);
}

#[test]
fn weight_verification_holds_each_set_weight_step() {
    // TRAFFIC.md §2.3: with ALB verification a setWeight step completes only once the new
    // weight is verified; here 20 s after it was written.
    let mut c = canary(vec![Step::SetWeight(10), Step::SetWeight(50)]);
    c.traffic_router = Some("alb".into());
    c.weight_verification = Some(Duration::from_secs(20));
    let (sim, _) = run_canary(c, &[], &OperatorPolicy::default());
    let completed: Vec<i64> = sim
        .events
        .iter()
        .filter(|e| matches!(e.event, crate::sim::Event::StepCompleted { .. }))
        .map(|e| e.t)
        .collect();
    assert_eq!(completed, [20_000, 40_000]);
    assert_eq!(sim.outcome.at, 40_000);
}

#[test]
fn instant_steps_chain_at_one_timestamp_as_ordered_events() {
    let c = canary(vec![
        Step::SetWeight(10),
        Step::SetHeaderRoute,
        Step::SetCanaryScale {
            weight: Some(80),
            replicas: None,
            match_traffic_weight: false,
        },
        Step::Pause(Some(Duration::ZERO)),
        Step::SetMirrorRoute,
        Step::SetWeight(60),
    ]);
    let (sim, _) = run_canary(c, &[], &OperatorPolicy::default());
    let b = briefs(&sim.events);
    let steps: Vec<&String> = b
        .iter()
        .filter(|e| e.contains("Step") || e.contains("Weight") || e.contains("Pause"))
        .collect();
    assert_eq!(
        steps,
        [
            "0 StepEntered 0 setWeight",
            "0 CanaryWeightSet 0->10 SetWeight",
            "0 StepCompleted 0",
            "0 StepEntered 1 setHeaderRoute",
            "0 StepCompleted 1",
            "0 StepEntered 2 setCanaryScale",
            "0 StepCompleted 2",
            "0 StepEntered 3 pause",
            "0 PauseStarted CanaryPauseStep Some(0)",
            "0 PauseEnded CanaryPauseStep DurationElapsed",
            "0 StepCompleted 3",
            "0 StepEntered 4 setMirrorRoute",
            "0 StepCompleted 4",
            "0 StepEntered 5 setWeight",
            "0 CanaryWeightSet 10->60 SetWeight",
            "0 StepCompleted 5",
            "0 CanaryWeightSet 60->100 Promotion",
        ]
    );
    assert!(sim.events.iter().all(|e| e.t == 0));
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
}

#[test]
fn set_canary_scale_leaves_the_weight_unchanged() {
    let c = canary(vec![
        Step::SetWeight(30),
        Step::SetCanaryScale {
            weight: None,
            replicas: Some(5),
            match_traffic_weight: false,
        },
    ]);
    let (sim, _) = run_canary(c, &[], &OperatorPolicy::default());
    assert_eq!(
        events_of(&sim, "CanaryWeightSet"),
        [
            "0 CanaryWeightSet 0->30 SetWeight",
            "0 CanaryWeightSet 30->100 Promotion"
        ]
    );
}

#[test]
fn basic_canary_serves_the_replica_count_approximation() {
    let mut c = canary(vec![Step::SetWeight(20), Step::SetWeight(5)]);
    c.traffic_router = None;
    let p = plan(Strategy::Canary(c), &[]);
    let p = crate::sim::RolloutPlan { replicas: 1, ..p };
    let mut runs = FakeRuns::new(Vec::new());
    let sim = simulate(
        &p,
        &mut runs,
        &OperatorPolicy::default(),
        Window::new(Timestamp(0)),
    );
    // One replica, maxSurge 25% -> 1 pod: one canary and one stable pod serve 50%.
    assert_eq!(
        events_of(&sim, "CanaryWeightSet")[..2],
        [
            "0 CanaryWeightSet 0->50 SetWeight",
            "0 CanaryWeightSet 50->50 SetWeight"
        ]
    );
}

#[test]
fn indefinite_pause_without_policy_ends_paused_at_pause_start() {
    let c = canary(vec![
        Step::SetWeight(10),
        Step::Pause(Some(secs(60))),
        Step::Pause(None),
    ]);
    let (sim, _) = run_canary(c, &[], &OperatorPolicy::default());
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.at, 60_000);
    assert_eq!(sim.outcome.reason, "CanaryPauseStep");
    let last = sim.events.last().expect("SimulationEnded");
    assert_eq!(last.t, crate::sim::DEFAULT_HORIZON.millis());
    assert!(
        events_of(&sim, "RolloutPaused").contains(&"60 RolloutPaused CanaryPauseStep".to_string())
    );
}

#[test]
fn promote_after_resolves_an_indefinite_pause() {
    let c = canary(vec![
        Step::SetWeight(10),
        Step::Pause(None),
        Step::SetWeight(40),
    ]);
    let policy = OperatorPolicy {
        promote_after: Some(secs(600)),
        ..OperatorPolicy::default()
    };
    let (sim, _) = run_canary(c, &[], &policy);
    assert_eq!(
        briefs(&sim.events)[8..12],
        [
            "600 PauseEnded CanaryPauseStep ManualPromote",
            "600 RolloutResumed ManualPromote",
            "600 StepCompleted 1",
            "600 StepEntered 2 setWeight",
        ]
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 600_000);
}

#[test]
fn abort_after_aborts_a_paused_rollout() {
    let c = canary(vec![Step::SetWeight(10), Step::Pause(None)]);
    let policy = OperatorPolicy {
        abort_after: Some(secs(120)),
        ..OperatorPolicy::default()
    };
    let (sim, _) = run_canary(c, &[], &policy);
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 120_000);
    assert_eq!(sim.outcome.reason, "Rollout aborted update to revision 2");
}

#[test]
fn promote_full_skips_remaining_steps_and_terminates_runs() {
    let specs = [FakeSpec::new("sr", Some(60), Some(10))];
    let c = canary(vec![
        Step::SetWeight(20),
        Step::Analysis(aid(0)),
        Step::Pause(None),
    ]);
    let (sim, _) = run_canary(c, &specs, &script(vec![at(30, Action::PromoteFull)]));
    assert_eq!(
        briefs(&sim.events)
            .into_iter()
            .filter(|e| e.starts_with("30 "))
            .take(4)
            .collect::<Vec<_>>(),
        [
            "30 CanaryWeightSet 20->100 Promotion",
            "30 RolloutPromoted Full promotion requested",
            "30 AnalysisRunTerminationRequested web-abc-2-1 FullPromote",
            "30 AnalysisRunCompleted web-abc-2-1 Successful Run Terminated",
        ]
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
}

#[test]
fn indefinite_step_analysis_is_invalid_spec() {
    let specs = [FakeSpec::new("sr", Some(60), None)];
    let (sim, runs) = run_canary(
        canary(vec![Step::SetWeight(5), Step::Analysis(aid(0))]),
        &specs,
        &OperatorPolicy::default(),
    );
    let message = "The Rollout \"web\" is invalid: AnalysisTemplate a0 has metric sr which runs \
                   indefinitely. Invalid value for count: ";
    assert_eq!(
        briefs(&sim.events),
        [
            "0 RolloutUpdateStarted 2 canary".to_string(),
            format!("0 InvalidSpec {message}"),
            format!("0 RolloutPhaseChanged Degraded InvalidSpec: {message}"),
            format!("0 SimulationEnded Invalid {message}"),
        ]
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Invalid);
    assert!(runs.log.is_empty());
}

#[test]
fn negative_pause_duration_is_invalid_spec() {
    let (sim, _) = run_canary(
        canary(vec![Step::Pause(Some(secs(-1)))]),
        &[],
        &OperatorPolicy::default(),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Invalid);
    assert!(sim.outcome.reason.ends_with(
        "spec.strategy.canary.steps[0].pause.duration: Invalid value: -1: Duration needs to be greater than 0"
    ));
}

#[test]
fn first_deploy_promotes_at_once_without_analysis() {
    let specs = [FakeSpec::new("sr", None, None)];
    let p = plan(
        Strategy::Canary(canary(vec![Step::Analysis(aid(0))])),
        &specs,
    );
    let p = crate::sim::RolloutPlan {
        deploy: crate::sim::plan::Deploy::Initial,
        ..p
    };
    let mut runs = FakeRuns::new(specs.to_vec());
    let sim = simulate(
        &p,
        &mut runs,
        &OperatorPolicy::default(),
        Window::new(Timestamp(0)),
    );
    assert_eq!(sim.outcome.reason, "Initial deploy");
    assert!(runs.log.is_empty());
}

#[test]
fn horizon_reached_mid_analysis_reports_paused_at_the_horizon() {
    let specs = [FakeSpec::new("sr", Some(3600), Some(48))];
    let (sim, _) = run_canary(
        canary(vec![Step::Analysis(aid(0))]),
        &specs,
        &OperatorPolicy::default(),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.at, crate::sim::DEFAULT_HORIZON.millis());
    assert_eq!(
        sim.outcome.reason,
        "HorizonReached: waiting for all steps to complete"
    );
}

#[test]
fn zero_promote_after_resolves_pauses_within_the_same_instant() {
    let c = canary(vec![
        Step::SetWeight(10),
        Step::Pause(None),
        Step::SetWeight(30),
        Step::Pause(None),
    ]);
    let policy = OperatorPolicy {
        promote_after: Some(Duration::ZERO),
        ..OperatorPolicy::default()
    };
    let (sim, _) = run_canary(c, &[], &policy);
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert!(sim.events.iter().all(|e| e.t == 0));
    assert_eq!(
        briefs(&sim.events)
            .iter()
            .filter(|e| e.contains("RolloutResumed"))
            .count(),
        2
    );
}
