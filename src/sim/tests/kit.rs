//! Test kit: plan builders and a one-line rendering of timeline events for sequence asserts.

use super::fake::{FakeRuns, FakeSpec};
use crate::model::time::{Duration, Timestamp};
use crate::sim::event::{Event, TimelineEvent};
use crate::sim::plan::{
    AnalysisId, BackgroundAnalysis, CanaryPlan, RolloutIdentity, RolloutPlan, Step, Strategy,
};
use crate::sim::policy::{Action, OperatorPolicy, ScriptedAction};
use crate::sim::{Simulation, Window, simulate};

/// `web` / `abc` / revision 2.
pub fn identity() -> RolloutIdentity {
    RolloutIdentity {
        name: "web".into(),
        pod_hash: "abc".into(),
        revision: 2,
    }
}

/// A plan over `specs` (AnalysisId(i) is `specs[i]`, named `a<i>`).
pub fn plan(strategy: crate::sim::plan::Strategy, specs: &[FakeSpec]) -> RolloutPlan {
    RolloutPlan {
        identity: identity(),
        replicas: 10,
        strategy,
        analyses: specs
            .iter()
            .enumerate()
            .map(|(i, s)| s.analysis_spec(&format!("a{i}")))
            .collect(),
        deploy: crate::sim::plan::Deploy::Update,
        invalid: None,
    }
}

pub fn aid(i: usize) -> AnalysisId {
    AnalysisId(i)
}

/// `"<t in s> <Type> <key payload>"`, one line per event, for sequence assertions.
pub fn brief(e: &TimelineEvent) -> String {
    let t = e.t / 1000;
    let rest = match &e.event {
        Event::RolloutUpdateStarted { revision, strategy } => {
            format!("RolloutUpdateStarted {revision} {strategy}")
        }
        Event::StepEntered { index, kind, .. } => format!("StepEntered {index} {kind}"),
        Event::CanaryWeightSet { from, to, cause } => {
            format!("CanaryWeightSet {from}->{to} {cause:?}")
        }
        Event::StepCompleted { index, .. } => format!("StepCompleted {index}"),
        Event::PauseStarted {
            reason, expires_at, ..
        } => {
            format!("PauseStarted {reason:?} {:?}", expires_at.map(|x| x / 1000))
        }
        Event::PauseEnded { reason, cause } => format!("PauseEnded {reason:?} {cause:?}"),
        Event::AnalysisRunCreated { run, kind, .. } => format!("AnalysisRunCreated {run} {kind:?}"),
        Event::MeasurementTaken {
            run,
            metric,
            seq,
            phase,
            ..
        } => {
            format!("MeasurementTaken {run} {metric}#{seq} {phase}")
        }
        Event::MetricCompleted { metric, phase, .. } => format!("MetricCompleted {metric} {phase}"),
        Event::AnalysisRunTerminationRequested { run, cause } => {
            format!("AnalysisRunTerminationRequested {run} {cause:?}")
        }
        Event::AnalysisRunCompleted {
            run,
            phase,
            message,
            ..
        } => {
            format!("AnalysisRunCompleted {run} {phase} {message}")
        }
        Event::RolloutPaused { reason, .. } => format!("RolloutPaused {reason:?}"),
        Event::RolloutResumed { cause } => format!("RolloutResumed {cause:?}"),
        Event::RolloutAborted { message, .. } => format!("RolloutAborted {message}"),
        Event::ActiveServiceSwitched { to } => format!("ActiveServiceSwitched {to:?}"),
        Event::RolloutPromoted { reason } => format!("RolloutPromoted {reason}"),
        Event::RolloutPhaseChanged { phase, message } => {
            format!("RolloutPhaseChanged {phase:?} {message}")
        }
        Event::InvalidSpec { message } => format!("InvalidSpec {message}"),
        Event::SimulationEnded { outcome, reason } => {
            format!("SimulationEnded {outcome:?} {reason}")
        }
    };
    format!("{t} {rest}")
}

/// Every event in brief form.
pub fn briefs(events: &[TimelineEvent]) -> Vec<String> {
    events.iter().map(brief).collect()
}

pub fn secs(s: i64) -> Duration {
    Duration::from_secs(s)
}

pub fn canary(steps: Vec<Step>) -> CanaryPlan {
    CanaryPlan {
        steps,
        traffic_router: Some("istio".into()),
        ..CanaryPlan::default()
    }
}

pub fn run_canary(
    c: CanaryPlan,
    specs: &[FakeSpec],
    policy: &OperatorPolicy,
) -> (Simulation, FakeRuns) {
    let p = plan(Strategy::Canary(c), specs);
    let mut runs = FakeRuns::new(specs.to_vec());
    let sim = simulate(&p, &mut runs, policy, Window::new(Timestamp(0)));
    (sim, runs)
}

pub fn at(s: i64, action: Action) -> ScriptedAction {
    ScriptedAction {
        at: Timestamp(s * 1000),
        action,
    }
}

pub fn script(actions: Vec<ScriptedAction>) -> OperatorPolicy {
    OperatorPolicy {
        script: actions,
        ..OperatorPolicy::default()
    }
}

pub fn events_of(sim: &Simulation, ty: &str) -> Vec<String> {
    briefs(&sim.events)
        .into_iter()
        .filter(|b| b.split(' ').nth(1) == Some(ty))
        .collect()
}

/// A background run measuring every minute (failing at the given measurement), from step 0.
pub fn with_background(
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
