//! Canary scenarios against the scripted fake: the §10.4 worked example and one test per rule
//! of SEMANTICS.md §4 and §11.

use super::fake::{FakeRuns, FakeSpec, aid, briefs, plan};
use super::outcome::OutcomeResult;
use super::plan::{BackgroundAnalysis, CanaryPlan, Step, Strategy};
use super::policy::{Action, OperatorPolicy, ScriptedAction};
use super::{Simulation, Window, simulate};
use crate::analysis::Phase::{self, Failed, Inconclusive, Successful};
use crate::model::time::{Duration, Timestamp};

fn secs(s: i64) -> Duration {
    Duration::from_secs(s)
}

fn canary(steps: Vec<Step>) -> CanaryPlan {
    CanaryPlan {
        steps,
        traffic_router: Some("istio".into()),
        ..CanaryPlan::default()
    }
}

fn run(c: CanaryPlan, specs: &[FakeSpec], policy: &OperatorPolicy) -> (Simulation, FakeRuns) {
    let p = plan(Strategy::Canary(c), specs);
    let mut runs = FakeRuns::new(specs.to_vec());
    let sim = simulate(&p, &mut runs, policy, Window::new(Timestamp(0)));
    (sim, runs)
}

fn at(s: i64, action: Action) -> ScriptedAction {
    ScriptedAction {
        at: Timestamp(s * 1000),
        action,
    }
}

fn script(actions: Vec<ScriptedAction>) -> OperatorPolicy {
    OperatorPolicy {
        script: actions,
        ..OperatorPolicy::default()
    }
}

/// §10.4: setWeight 20, pause 5m, analysis sr (1m x3, failureLimit 1), setWeight 50,
/// pause 10m; background err every 2m from startingStep 3.
fn worked_example(sr: &[Phase], err: &[Phase]) -> (Simulation, FakeRuns) {
    let mut c = canary(vec![
        Step::SetWeight(20),
        Step::Pause(Some(secs(300))),
        Step::Analysis(aid(0)),
        Step::SetWeight(50),
        Step::Pause(Some(secs(600))),
    ]);
    c.background = Some(BackgroundAnalysis {
        analysis: aid(1),
        starting_step: 3,
    });
    let specs = [
        FakeSpec::new("sr", Some(60), Some(3))
            .failure_limit(1)
            .phases(sr),
        FakeSpec::new("err", Some(120), None).phases(err),
    ];
    run(c, &specs, &OperatorPolicy::default())
}

#[test]
fn worked_example_success_path_event_by_event() {
    let (sim, _) = worked_example(&[], &[]);
    let want = [
        "0 RolloutUpdateStarted 2 canary",
        "0 StepEntered 0 setWeight",
        "0 CanaryWeightSet 0->20 SetWeight",
        "0 StepCompleted 0",
        "0 StepEntered 1 pause",
        "0 PauseStarted CanaryPauseStep Some(300)",
        "0 RolloutPhaseChanged Paused CanaryPauseStep",
        "300 PauseEnded CanaryPauseStep DurationElapsed",
        "300 StepCompleted 1",
        "300 StepEntered 2 analysis",
        "300 AnalysisRunCreated web-abc-2-2 Step(2)",
        "300 MeasurementTaken web-abc-2-2 sr#1 Successful",
        // Not listed in §10.4: status.phase leaves Paused when the pause step ends.
        "300 RolloutPhaseChanged Progressing waiting for all steps to complete",
        "360 MeasurementTaken web-abc-2-2 sr#2 Successful",
        "420 MeasurementTaken web-abc-2-2 sr#3 Successful",
        "420 MetricCompleted sr Successful",
        "420 AnalysisRunCompleted web-abc-2-2 Successful ",
        "420 StepCompleted 2",
        "420 StepEntered 3 setWeight",
        "420 CanaryWeightSet 20->50 SetWeight",
        "420 AnalysisRunCreated web-abc-2 Background",
        "420 MeasurementTaken web-abc-2 err#1 Successful",
        "420 StepCompleted 3",
        "420 StepEntered 4 pause",
        "420 PauseStarted CanaryPauseStep Some(1020)",
        "420 RolloutPhaseChanged Paused CanaryPauseStep",
        "540 MeasurementTaken web-abc-2 err#2 Successful",
        "660 MeasurementTaken web-abc-2 err#3 Successful",
        "780 MeasurementTaken web-abc-2 err#4 Successful",
        "900 MeasurementTaken web-abc-2 err#5 Successful",
        "1020 MeasurementTaken web-abc-2 err#6 Successful",
        "1020 PauseEnded CanaryPauseStep DurationElapsed",
        "1020 StepCompleted 4",
        "1020 CanaryWeightSet 50->100 Promotion",
        "1020 RolloutPromoted Completed all 5 canary steps",
        "1020 AnalysisRunTerminationRequested web-abc-2 Promotion",
        "1020 AnalysisRunCompleted web-abc-2 Successful Run Terminated",
        "1020 RolloutPhaseChanged Healthy ",
        "1020 SimulationEnded Promoted Completed all 5 canary steps",
    ];
    assert_eq!(briefs(&sim.events), want);
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 1_020_000);
}

#[test]
fn worked_example_step_analysis_failure_aborts_with_exact_message() {
    let (sim, _) = worked_example(&[Successful, Failed, Failed], &[]);
    let message = "Rollout aborted update to revision 2: Step-based analysis phase error/failed: \
                   Metric \"sr\" assessed Failed due to failed (2) > failureLimit (1)";
    let tail: Vec<String> = briefs(&sim.events).into_iter().skip(12).collect();
    let want = [
        "300 RolloutPhaseChanged Progressing waiting for all steps to complete".to_string(),
        "360 MeasurementTaken web-abc-2-2 sr#2 Failed".into(),
        "420 MeasurementTaken web-abc-2-2 sr#3 Failed".into(),
        "420 MetricCompleted sr Failed".into(),
        "420 AnalysisRunCompleted web-abc-2-2 Failed Metric \"sr\" assessed Failed due to failed (2) > failureLimit (1)".into(),
        format!("420 RolloutAborted {message}"),
        "420 CanaryWeightSet 20->0 Abort".into(),
        format!("420 RolloutPhaseChanged Degraded RolloutAborted: {message}"),
        format!("420 SimulationEnded Aborted {message}"),
    ];
    assert_eq!(tail, want);
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 420_000);
    assert_eq!(sim.outcome.reason, message);
    assert_eq!(sim.outcome.deciding_run.as_deref(), Some("web-abc-2-2"));
    assert_eq!(sim.outcome.deciding_metric.as_deref(), Some("sr"));
}

fn events_of(sim: &Simulation, ty: &str) -> Vec<String> {
    briefs(&sim.events)
        .into_iter()
        .filter(|b| b.split(' ').nth(1) == Some(ty))
        .collect()
}

#[test]
fn background_failure_during_pause_aborts() {
    let (sim, _) = worked_example(&[], &[Successful, Successful, Failed]);
    let b = briefs(&sim.events);
    let i = b
        .iter()
        .position(|e| e == "660 MeasurementTaken web-abc-2 err#3 Failed")
        .expect("err#3 measured at 660");
    assert_eq!(
        &b[i + 1..i + 6],
        [
            "660 MetricCompleted err Failed",
            "660 AnalysisRunCompleted web-abc-2 Failed Metric \"err\" assessed Failed due to failed (1) > failureLimit (0)",
            "660 RolloutAborted Rollout aborted update to revision 2: Background analysis phase error/failed: Metric \"err\" assessed Failed due to failed (1) > failureLimit (0)",
            "660 PauseEnded CanaryPauseStep Abort",
            "660 CanaryWeightSet 50->0 Abort",
        ]
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 660_000);
    assert_eq!(sim.outcome.deciding_run.as_deref(), Some("web-abc-2"));
    assert_eq!(sim.outcome.deciding_metric.as_deref(), Some("err"));
}

#[test]
fn background_failure_at_last_step_instant_aborts_instead_of_promoting() {
    let err = [
        Successful, Successful, Successful, Successful, Successful, Failed,
    ];
    let (sim, _) = worked_example(&[], &err);
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 1_020_000);
    assert!(events_of(&sim, "RolloutPromoted").is_empty());
    assert!(
        events_of(&sim, "StepCompleted")
            .iter()
            .all(|e| e != "1020 StepCompleted 4")
    );
}

#[test]
fn timed_pause_expires_exactly_at_start_plus_duration() {
    let c = canary(vec![
        Step::SetWeight(10),
        Step::Pause(Some(Duration::from_millis(90_500))),
    ]);
    let (sim, _) = run(c, &[], &OperatorPolicy::default());
    let ended: Vec<i64> = sim
        .events
        .iter()
        .filter(|e| matches!(e.event, super::Event::PauseEnded { .. }))
        .map(|e| e.t)
        .collect();
    assert_eq!(ended, [90_500]);
    assert_eq!(sim.outcome.at, 90_500);
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
    let (sim, _) = run(c, &[], &OperatorPolicy::default());
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
    let (sim, _) = run(c, &[], &OperatorPolicy::default());
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
    let p = super::RolloutPlan { replicas: 1, ..p };
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
    let (sim, _) = run(c, &[], &OperatorPolicy::default());
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.at, 60_000);
    assert_eq!(sim.outcome.reason, "CanaryPauseStep");
    let last = sim.events.last().expect("SimulationEnded");
    assert_eq!(last.t, super::DEFAULT_HORIZON.millis());
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
    let (sim, _) = run(c, &[], &policy);
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
    let (sim, _) = run(c, &[], &policy);
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 120_000);
    assert_eq!(sim.outcome.reason, "Rollout aborted update to revision 2");
}

/// A background run measuring every minute (failing at the given measurement), from step 0.
fn with_background(
    steps: Vec<Step>,
    bg: FakeSpec,
    rest: Vec<FakeSpec>,
) -> (CanaryPlan, Vec<FakeSpec>) {
    let mut c = canary(steps);
    c.background = Some(BackgroundAnalysis {
        analysis: aid(0),
        starting_step: 0,
    });
    let mut specs = vec![bg];
    specs.extend(rest);
    (c, specs)
}

#[test]
fn paused_outcome_turns_aborted_on_a_later_background_failure() {
    let bg =
        FakeSpec::new("err", Some(60), None).phases(&[Successful, Successful, Successful, Failed]);
    let (c, specs) = with_background(vec![Step::SetWeight(10), Step::Pause(None)], bg, vec![]);
    let (sim, _) = run(c, &specs, &OperatorPolicy::default());
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 180_000);
    assert_eq!(sim.outcome.deciding_run.as_deref(), Some("web-abc-2"));
}

#[test]
fn inline_inconclusive_pauses_then_promote_passes_the_step() {
    let specs = [FakeSpec::new("sr", None, None).phases(&[Inconclusive])];
    let c = canary(vec![
        Step::Analysis(aid(0)),
        Step::SetWeight(40),
        Step::Pause(None),
    ]);
    let (sim, runs) = run(c, &specs, &script(vec![at(300, Action::Promote)]));
    let b = briefs(&sim.events);
    assert!(b.contains(&"0 PauseStarted InconclusiveAnalysisRun None".to_string()));
    assert!(b.contains(&"0 RolloutPhaseChanged Paused InconclusiveAnalysisRun".to_string()));
    let i = b
        .iter()
        .position(|e| e == "300 RolloutResumed ManualPromote")
        .expect("resumed");
    assert_eq!(
        b[i + 1..i + 4],
        [
            "300 StepCompleted 0",
            "300 StepEntered 1 setWeight",
            "300 CanaryWeightSet 0->40 SetWeight"
        ]
    );
    assert_eq!(runs.log.len(), 1, "the step is passed, not re-run");
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.at, 300_000);
}

#[test]
fn background_inconclusive_then_promote_creates_a_fresh_run() {
    let bg = FakeSpec::new("err", Some(60), None)
        .phases(&[Successful, Inconclusive])
        .phases(&[Successful, Successful]);
    let (c, specs) = with_background(
        vec![Step::SetWeight(10), Step::Pause(Some(secs(3600)))],
        bg,
        vec![],
    );
    let (sim, runs) = run(c, &specs, &script(vec![at(100, Action::Promote)]));
    let names: Vec<(&str, i64)> = runs.log.iter().map(|(n, _, t)| (n.as_str(), *t)).collect();
    assert_eq!(names, [("web-abc-2", 0), ("web-abc-2.1", 100)]);
    // §11.7: the promote also ended the running timed pause, so the rollout completes.
    assert!(
        briefs(&sim.events).contains(&"100 PauseEnded CanaryPauseStep ManualPromote".to_string())
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 100_000);
}

#[test]
fn background_inconclusive_freezes_steps_but_a_running_timed_pause_advances() {
    let bg = FakeSpec::new("err", Some(60), None).phases(&[Successful, Inconclusive]);
    let steps = vec![
        Step::SetWeight(10),
        Step::Pause(Some(secs(120))),
        Step::SetWeight(50),
    ];
    let (c, specs) = with_background(steps, bg, vec![]);
    let (sim, _) = run(c, &specs, &OperatorPolicy::default());
    let b = briefs(&sim.events);
    assert!(b.contains(&"120 StepCompleted 1".to_string()));
    assert!(
        !b.iter().any(|e| e.contains("StepEntered 2")),
        "frozen: {b:#?}"
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.reason, "InconclusiveAnalysisRun");
    assert_eq!(sim.outcome.at, 60_000);
}

#[test]
fn background_success_early_continues_without_background() {
    let bg = FakeSpec::new("err", Some(60), Some(2));
    let (c, specs) = with_background(
        vec![Step::SetWeight(10), Step::Pause(Some(secs(300)))],
        bg,
        vec![],
    );
    let (sim, runs) = run(c, &specs, &OperatorPolicy::default());
    assert_eq!(runs.log.len(), 1);
    assert!(events_of(&sim, "AnalysisRunTerminationRequested").is_empty());
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
}

#[test]
fn background_starts_at_starting_step() {
    let (_, runs) = worked_example(&[], &[]);
    let bg: Vec<i64> = runs
        .log
        .iter()
        .filter(|(_, k, _)| *k == super::RunKind::Background)
        .map(|(_, _, t)| *t)
        .collect();
    assert_eq!(bg, [420]);
}

#[test]
fn manual_abort_terminates_all_runs() {
    let bg = FakeSpec::new("err", Some(60), None);
    let step = FakeSpec::new("sr", Some(60), Some(10));
    let (c, specs) = with_background(
        vec![Step::SetWeight(20), Step::Analysis(aid(1))],
        bg,
        vec![step],
    );
    let (sim, _) = run(c, &specs, &script(vec![at(90, Action::Abort)]));
    assert_eq!(
        briefs(&sim.events)
            .into_iter()
            .filter(|e| e.starts_with("90 "))
            .collect::<Vec<_>>(),
        [
            "90 RolloutAborted Rollout aborted update to revision 2",
            "90 CanaryWeightSet 20->0 Abort",
            "90 AnalysisRunTerminationRequested web-abc-2 Abort",
            "90 AnalysisRunCompleted web-abc-2 Successful Run Terminated",
            "90 AnalysisRunTerminationRequested web-abc-2-1 Abort",
            "90 AnalysisRunCompleted web-abc-2-1 Successful Run Terminated",
            "90 RolloutPhaseChanged Degraded RolloutAborted: Rollout aborted update to revision 2",
            "90 SimulationEnded Aborted Rollout aborted update to revision 2",
        ]
    );
}

#[test]
fn step_analysis_error_aborts_with_run_message() {
    let specs = [FakeSpec::new("sr", None, None).invalid("metrics[0]: duplicate name 'sr'")];
    let (sim, _) = run(
        canary(vec![Step::SetWeight(5), Step::Analysis(aid(0))]),
        &specs,
        &OperatorPolicy::default(),
    );
    assert_eq!(
        sim.outcome.reason,
        "Rollout aborted update to revision 2: Step-based analysis phase error/failed: metrics[0]: duplicate name 'sr'"
    );
    assert_eq!(sim.outcome.at, 0);
}

#[test]
fn promote_full_skips_remaining_steps_and_terminates_runs() {
    let specs = [FakeSpec::new("sr", Some(60), Some(10))];
    let c = canary(vec![
        Step::SetWeight(20),
        Step::Analysis(aid(0)),
        Step::Pause(None),
    ]);
    let (sim, _) = run(c, &specs, &script(vec![at(30, Action::PromoteFull)]));
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
fn experiment_runs_for_its_duration_then_completes() {
    let specs = [FakeSpec::new("smoke", Some(60), None)];
    let c = canary(vec![Step::Experiment {
        duration: Some(secs(300)),
        analyses: vec![aid(0)],
    }]);
    let (sim, runs) = run(c, &specs, &OperatorPolicy::default());
    assert_eq!(runs.log[0].0, "web-abc-2-0-a0");
    let b = briefs(&sim.events);
    assert!(b.contains(
        &"300 AnalysisRunTerminationRequested web-abc-2-0-a0 ExperimentFinished".to_string()
    ));
    assert!(b.contains(&"300 StepCompleted 0".to_string()));
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
}

#[test]
fn experiment_failure_aborts_and_inconclusive_pauses() {
    let failing = [FakeSpec::new("smoke", Some(60), None).phases(&[Successful, Failed])];
    let step = Step::Experiment {
        duration: Some(secs(300)),
        analyses: vec![aid(0)],
    };
    let (sim, _) = run(
        canary(vec![step.clone()]),
        &failing,
        &OperatorPolicy::default(),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 60_000);
    let inconclusive = [FakeSpec::new("smoke", Some(60), None).phases(&[Inconclusive])];
    let (sim, _) = run(
        canary(vec![step]),
        &inconclusive,
        &OperatorPolicy::default(),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.reason, "InconclusiveExperiment");
}

#[test]
fn indefinite_step_analysis_is_invalid_spec() {
    let specs = [FakeSpec::new("sr", Some(60), None)];
    let (sim, runs) = run(
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
    let (sim, _) = run(
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
    let p = super::RolloutPlan {
        deploy: super::plan::Deploy::Initial,
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
    let (sim, _) = run(
        canary(vec![Step::Analysis(aid(0))]),
        &specs,
        &OperatorPolicy::default(),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.at, super::DEFAULT_HORIZON.millis());
    assert_eq!(
        sim.outcome.reason,
        "HorizonReached: waiting for all steps to complete"
    );
}

#[test]
fn events_serialize_with_type_tag_and_camel_case() {
    let (sim, _) = worked_example(&[], &[]);
    let json = serde_json::to_value(&sim).expect("serializable");
    assert_eq!(json["events"][0]["type"], "RolloutUpdateStarted");
    assert_eq!(json["events"][0]["t"], 0);
    assert_eq!(json["events"][5]["type"], "PauseStarted");
    assert_eq!(json["events"][5]["expiresAt"], 300_000);
    assert_eq!(json["events"][5]["stepIndex"], 1);
    assert_eq!(json["outcome"]["result"], "promoted");
}
