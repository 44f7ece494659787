//! Blue-green scenarios against the scripted fake (SEMANTICS.md §5, §11.6).

use super::fake::{FakeRuns, FakeSpec};
use super::kit::{aid, briefs, plan};
use crate::analysis::Phase::{Failed, Inconclusive, Successful};
use crate::model::time::{Duration, Timestamp};
use crate::sim::outcome::OutcomeResult;
use crate::sim::plan::{BlueGreenPlan, Strategy};
use crate::sim::policy::{Action, OperatorPolicy, ScriptedAction};
use crate::sim::{Simulation, Window, simulate};

fn run(b: BlueGreenPlan, specs: &[FakeSpec], policy: &OperatorPolicy) -> (Simulation, FakeRuns) {
    let p = plan(Strategy::BlueGreen(b), specs);
    let mut runs = FakeRuns::new(specs.to_vec());
    let sim = simulate(&p, &mut runs, policy, Window::new(Timestamp(0)));
    (sim, runs)
}

fn switches(sim: &Simulation) -> Vec<String> {
    briefs(&sim.events)
        .into_iter()
        .filter(|e| e.contains("ActiveServiceSwitched"))
        .collect()
}

fn promote_at(s: i64) -> OperatorPolicy {
    OperatorPolicy {
        script: vec![ScriptedAction {
            at: Timestamp(s * 1000),
            action: Action::Promote,
        }],
        ..OperatorPolicy::default()
    }
}

#[test]
fn without_analysis_or_pause_switches_and_promotes_at_once() {
    let (sim, _) = run(BlueGreenPlan::default(), &[], &OperatorPolicy::default());
    assert_eq!(
        briefs(&sim.events),
        [
            "0 RolloutUpdateStarted 2 blueGreen",
            "0 ActiveServiceSwitched New",
            "0 RolloutPromoted Completed blue-green update",
            "0 RolloutPhaseChanged Healthy ",
            "0 SimulationEnded Promoted Completed blue-green update",
        ]
    );
}

#[test]
fn auto_promotion_seconds_count_down_after_pre_promotion_success() {
    let b = BlueGreenPlan {
        pre_promotion: Some(aid(0)),
        auto_promotion_seconds: Duration::from_secs(60),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", Some(60), Some(3))];
    let (sim, _) = run(b, &specs, &OperatorPolicy::default());
    assert_eq!(
        briefs(&sim.events),
        [
            "0 RolloutUpdateStarted 2 blueGreen",
            "0 AnalysisRunCreated web-abc-2-pre PrePromotion",
            "0 MeasurementTaken web-abc-2-pre sr#1 Successful",
            "60 MeasurementTaken web-abc-2-pre sr#2 Successful",
            "120 MeasurementTaken web-abc-2-pre sr#3 Successful",
            "120 MetricCompleted sr Successful",
            "120 AnalysisRunCompleted web-abc-2-pre Successful ",
            "120 PauseStarted BlueGreenPause Some(180)",
            "120 RolloutPhaseChanged Paused BlueGreenPause",
            "180 PauseEnded BlueGreenPause AutoPromotionSecondsElapsed",
            "180 ActiveServiceSwitched New",
            "180 RolloutPromoted Completed blue-green update",
            "180 RolloutPhaseChanged Healthy ",
            "180 SimulationEnded Promoted Completed blue-green update",
        ]
    );
}

#[test]
fn pre_promotion_failure_aborts_without_switching() {
    let b = BlueGreenPlan {
        pre_promotion: Some(aid(0)),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", Some(60), Some(3)).phases(&[Successful, Failed])];
    let (sim, _) = run(b, &specs, &OperatorPolicy::default());
    assert!(switches(&sim).is_empty());
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    assert_eq!(sim.outcome.at, 60_000);
    assert_eq!(
        sim.outcome.reason,
        "Rollout aborted update to revision 2: Blue/green pre-promotion analysis phase \
         error/failed: Metric \"sr\" assessed Failed due to failed (1) > failureLimit (0)"
    );
}

#[test]
fn pre_promotion_inconclusive_then_promote_reruns_and_skips_the_pause() {
    let b = BlueGreenPlan {
        pre_promotion: Some(aid(0)),
        auto_promotion_enabled: false,
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", None, None)
        .phases(&[Inconclusive])
        .phases(&[Successful])];
    let (sim, runs) = run(b, &specs, &promote_at(100));
    let names: Vec<(&str, i64)> = runs.log.iter().map(|(n, _, t)| (n.as_str(), *t)).collect();
    assert_eq!(names, [("web-abc-2-pre", 0), ("web-abc-2-pre.1", 100)]);
    let b = briefs(&sim.events);
    assert!(!b.iter().any(|e| e.contains("BlueGreenPause")), "{b:#?}");
    assert_eq!(switches(&sim), ["100 ActiveServiceSwitched New"]);
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 100_000);
}

#[test]
fn post_promotion_failure_aborts_and_switches_back() {
    let b = BlueGreenPlan {
        post_promotion: Some(aid(0)),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", Some(60), Some(5)).phases(&[Successful, Failed])];
    let (sim, _) = run(b, &specs, &OperatorPolicy::default());
    assert_eq!(
        switches(&sim),
        [
            "0 ActiveServiceSwitched New",
            "60 ActiveServiceSwitched Stable"
        ]
    );
    let b = briefs(&sim.events);
    let i = b
        .iter()
        .position(|e| e.starts_with("60 RolloutAborted"))
        .expect("aborted");
    assert_eq!(b[i + 1], "60 ActiveServiceSwitched Stable");
    assert!(
        sim.outcome
            .reason
            .contains("Blue/green post-promotion analysis phase error/failed")
    );
    assert_eq!(sim.outcome.deciding_run.as_deref(), Some("web-abc-2-post"));
}

#[test]
fn post_promotion_success_promotes() {
    let b = BlueGreenPlan {
        post_promotion: Some(aid(0)),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", Some(60), Some(2))];
    let (sim, _) = run(b, &specs, &OperatorPolicy::default());
    assert_eq!(switches(&sim), ["0 ActiveServiceSwitched New"]);
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 60_000);
}

#[test]
fn post_promotion_inconclusive_pauses_then_promote_reruns() {
    let b = BlueGreenPlan {
        post_promotion: Some(aid(0)),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", None, None)
        .phases(&[Inconclusive])
        .phases(&[Successful])];
    let (sim, runs) = run(b, &specs, &promote_at(30));
    assert_eq!(runs.log.len(), 2);
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 30_000);
}

#[test]
fn manual_promotion_pause_waits_for_the_operator() {
    let b = BlueGreenPlan {
        auto_promotion_enabled: false,
        ..BlueGreenPlan::default()
    };
    let (sim, _) = run(b.clone(), &[], &OperatorPolicy::default());
    assert_eq!(sim.outcome.result, OutcomeResult::Paused);
    assert_eq!(sim.outcome.reason, "BlueGreenPause");
    assert!(switches(&sim).is_empty());
    let policy = OperatorPolicy {
        promote_after: Some(Duration::from_secs(300)),
        ..OperatorPolicy::default()
    };
    let (sim, _) = run(b, &[], &policy);
    assert_eq!(switches(&sim), ["300 ActiveServiceSwitched New"]);
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 300_000);
}

#[test]
fn manual_abort_after_switch_switches_back() {
    let b = BlueGreenPlan {
        post_promotion: Some(aid(0)),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", Some(60), Some(10))];
    let policy = OperatorPolicy {
        script: vec![ScriptedAction {
            at: Timestamp(90_000),
            action: Action::Abort,
        }],
        ..OperatorPolicy::default()
    };
    let (sim, _) = run(b, &specs, &policy);
    assert_eq!(
        switches(&sim),
        [
            "0 ActiveServiceSwitched New",
            "90 ActiveServiceSwitched Stable"
        ]
    );
    assert!(
        briefs(&sim.events)
            .contains(&"90 AnalysisRunTerminationRequested web-abc-2-post Abort".to_string())
    );
    assert_eq!(sim.outcome.reason, "Rollout aborted update to revision 2");
}

#[test]
fn indefinite_pre_promotion_analysis_is_invalid_spec() {
    let b = BlueGreenPlan {
        pre_promotion: Some(aid(0)),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", Some(60), None)];
    let (sim, runs) = run(b, &specs, &OperatorPolicy::default());
    assert_eq!(sim.outcome.result, OutcomeResult::Invalid);
    assert!(runs.log.is_empty());
}

#[test]
fn promote_full_during_pre_promotion_terminates_and_switches() {
    let b = BlueGreenPlan {
        pre_promotion: Some(aid(0)),
        ..BlueGreenPlan::default()
    };
    let specs = [FakeSpec::new("sr", Some(60), Some(10))];
    let policy = OperatorPolicy {
        script: vec![ScriptedAction {
            at: Timestamp(30_000),
            action: Action::PromoteFull,
        }],
        ..OperatorPolicy::default()
    };
    let (sim, _) = run(b, &specs, &policy);
    let at_30: Vec<String> = briefs(&sim.events)
        .into_iter()
        .filter(|e| e.starts_with("30 "))
        .collect();
    assert_eq!(
        at_30[..4],
        [
            "30 AnalysisRunTerminationRequested web-abc-2-pre FullPromote",
            "30 AnalysisRunCompleted web-abc-2-pre Successful Run Terminated",
            "30 ActiveServiceSwitched New",
            "30 RolloutPromoted Full promotion requested",
        ]
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
}
