//! Canary analysis rules (SEMANTICS.md §4.4–§4.6, §4.9, §11.7): inline, background and
//! experiment runs, Inconclusive pauses and promotes, abort.

use super::fake::FakeSpec;
use super::kit::*;
use crate::analysis::Phase::{Failed, Inconclusive, Successful};
use crate::sim::outcome::OutcomeResult;
use crate::sim::plan::Step;
use crate::sim::policy::{Action, OperatorPolicy};

#[test]
fn paused_outcome_turns_aborted_on_a_later_background_failure() {
    let bg =
        FakeSpec::new("err", Some(60), None).phases(&[Successful, Successful, Successful, Failed]);
    let (c, specs) = with_background(vec![Step::SetWeight(10), Step::Pause(None)], bg, vec![]);
    let (sim, _) = run_canary(c, &specs, &OperatorPolicy::default());
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
    let (sim, runs) = run_canary(c, &specs, &script(vec![at(300, Action::Promote)]));
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
    let (sim, runs) = run_canary(c, &specs, &script(vec![at(100, Action::Promote)]));
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
    let (sim, _) = run_canary(c, &specs, &OperatorPolicy::default());
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
    let (sim, runs) = run_canary(c, &specs, &OperatorPolicy::default());
    assert_eq!(runs.log.len(), 1);
    assert!(events_of(&sim, "AnalysisRunTerminationRequested").is_empty());
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
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
    let (sim, _) = run_canary(c, &specs, &script(vec![at(90, Action::Abort)]));
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
    let (sim, _) = run_canary(
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
fn experiment_runs_for_its_duration_then_completes() {
    let specs = [FakeSpec::new("smoke", Some(60), None)];
    let c = canary(vec![Step::Experiment {
        duration: Some(secs(300)),
        analyses: vec![aid(0)],
    }]);
    let (sim, runs) = run_canary(c, &specs, &OperatorPolicy::default());
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
    let (sim, _) = run_canary(
        canary(vec![step.clone()]),
        &failing,
        &OperatorPolicy::default(),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 60_000);
    // Argo aborts with the Experiment's message: its worst run's message, unprefixed.
    assert_eq!(
        sim.outcome.reason,
        "Rollout aborted update to revision 2: Metric \"smoke\" assessed Failed due to failed (1) > failureLimit (0)"
    );
    assert_eq!(sim.outcome.deciding_run.as_deref(), Some("web-abc-2-0-a0"));
    let inconclusive = [FakeSpec::new("smoke", Some(60), None).phases(&[Inconclusive])];
    let (sim, _) = run_canary(
        canary(vec![step]),
        &inconclusive,
        &OperatorPolicy::default(),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.reason, "InconclusiveExperiment");
}

#[test]
fn inconclusive_without_policy_is_the_paused_outcome_naming_run_and_metric() {
    let specs = [FakeSpec::new("sr", None, None).phases(&[Inconclusive])];
    let c = canary(vec![Step::SetWeight(10), Step::Analysis(aid(0))]);
    let (sim, _) = run_canary(c, &specs, &OperatorPolicy::default());
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.at, 0);
    assert_eq!(sim.outcome.reason, "InconclusiveAnalysisRun");
    assert_eq!(sim.outcome.deciding_run.as_deref(), Some("web-abc-2-1"));
    assert_eq!(sim.outcome.deciding_metric.as_deref(), Some("sr"));
    assert!(briefs(&sim.events).contains(&"0 RolloutPaused InconclusiveAnalysisRun".to_string()));
}

#[test]
fn promote_after_resolves_an_inconclusive_step_pause() {
    let specs = [FakeSpec::new("sr", Some(60), Some(3)).phases(&[Successful, Inconclusive])];
    let c = canary(vec![Step::SetWeight(10), Step::Analysis(aid(0))]);
    let policy = OperatorPolicy {
        promote_after: Some(secs(120)),
        ..OperatorPolicy::default()
    };
    let (sim, runs) = run_canary(c, &specs, &policy);
    assert_eq!(runs.log.len(), 1);
    assert!(briefs(&sim.events).contains(&"180 StepCompleted 1".to_string()));
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 180_000);
}

#[test]
fn two_consecutive_analysis_steps_each_get_their_own_run() {
    let specs = [
        FakeSpec::new("a", None, None),
        FakeSpec::new("b", Some(60), Some(2)),
    ];
    let c = canary(vec![Step::Analysis(aid(0)), Step::Analysis(aid(1))]);
    let (sim, runs) = run_canary(c, &specs, &OperatorPolicy::default());
    let names: Vec<(&str, i64)> = runs.log.iter().map(|(n, _, t)| (n.as_str(), *t)).collect();
    assert_eq!(names, [("web-abc-2-0", 0), ("web-abc-2-1", 0)]);
    assert_eq!(sim.outcome.at, 60_000);
}

#[test]
fn promote_without_pause_skips_the_running_analysis_step() {
    let specs = [FakeSpec::new("sr", Some(60), Some(10))];
    let c = canary(vec![
        Step::SetWeight(10),
        Step::Analysis(aid(0)),
        Step::Pause(None),
    ]);
    let (sim, _) = run_canary(c, &specs, &script(vec![at(90, Action::Promote)]));
    let at_90: Vec<String> = briefs(&sim.events)
        .into_iter()
        .filter(|e| e.starts_with("90 "))
        .collect();
    assert_eq!(
        at_90[..5],
        [
            "90 StepCompleted 1",
            "90 AnalysisRunTerminationRequested web-abc-2-1 StepChanged",
            "90 AnalysisRunCompleted web-abc-2-1 Successful Run Terminated",
            "90 StepEntered 2 pause",
            "90 PauseStarted CanaryPauseStep None",
        ]
    );
}
