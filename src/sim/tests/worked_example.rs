//! The §10.4 worked example, event by event, and its failure variants (SEMANTICS.md §10.4,
//! §4.5 race rule).

use super::fake::{FakeRuns, FakeSpec};
use super::kit::*;
use crate::analysis::Phase::{self, Failed, Successful};
use crate::sim::Simulation;
use crate::sim::outcome::OutcomeResult;
use crate::sim::plan::{BackgroundAnalysis, Step};
use crate::sim::policy::OperatorPolicy;

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
    run_canary(c, &specs, &OperatorPolicy::default())
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
    let messages: Vec<String> = sim
        .events
        .iter()
        .filter_map(|e| match &e.event {
            crate::sim::Event::StepCompleted { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        messages,
        [
            "Rollout step 1/5 completed (setWeight: 20)",
            "Rollout step 2/5 completed (pause: 5m)",
            "Rollout step 3/5 completed (analysis)",
            "Rollout step 4/5 completed (setWeight: 50)",
            "Rollout step 5/5 completed (pause: 10m)",
        ]
    );
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
fn background_starts_at_starting_step() {
    let (_, runs) = worked_example(&[], &[]);
    let bg: Vec<i64> = runs
        .log
        .iter()
        .filter(|(_, k, _)| *k == crate::sim::RunKind::Background)
        .map(|(_, _, t)| *t)
        .collect();
    assert_eq!(bg, [420]);
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
