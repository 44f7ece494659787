//! The engine through its public API only: an `AnalysisRuns` written outside the crate (as
//! the integrator's will be) drives a canary with inline and background analysis.

use rollsim::analysis::Phase;
use rollsim::model::time::{Duration, Timestamp};
use rollsim::sim::event::RunSummary;
use rollsim::sim::{
    AnalysisId, AnalysisRuns, AnalysisSpec, BackgroundAnalysis, CanaryPlan, Created, Event,
    OperatorPolicy, OutcomeResult, RolloutIdentity, RolloutPlan, RunId, RunKind, RunRequest, Step,
    Strategy, TerminationCause, Window, simulate,
};

/// Every run completes with a fixed phase one minute after creation.
struct OneMinuteRuns {
    phase: Phase,
    runs: Vec<(String, Timestamp, Phase)>,
}

impl OneMinuteRuns {
    fn complete(&mut self, i: usize, phase: Phase, message: &str) -> Event {
        self.runs[i].2 = phase;
        Event::AnalysisRunCompleted {
            run: self.runs[i].0.clone(),
            phase,
            message: message.to_string(),
            run_summary: RunSummary::default(),
            dry_run_summary: RunSummary::default(),
        }
    }
}

impl AnalysisRuns for OneMinuteRuns {
    fn create(&mut self, request: &RunRequest, t: Timestamp) -> Created {
        self.runs.push((
            request.name.clone(),
            t + Duration::from_secs(60),
            Phase::Running,
        ));
        Created {
            id: RunId(self.runs.len() - 1),
            events: Vec::new(),
        }
    }
    fn next_due(&self) -> Option<Timestamp> {
        self.runs
            .iter()
            .filter(|r| r.2 == Phase::Running)
            .map(|r| r.1)
            .min()
    }
    fn advance(&mut self, t: Timestamp) -> Vec<Event> {
        let due: Vec<usize> = (0..self.runs.len())
            .filter(|&i| self.runs[i].2 == Phase::Running && self.runs[i].1 <= t)
            .collect();
        due.into_iter()
            .map(|i| self.complete(i, self.phase, ""))
            .collect()
    }
    fn terminate(&mut self, id: RunId, _t: Timestamp, _cause: TerminationCause) -> Vec<Event> {
        vec![self.complete(id.0, Phase::Successful, "Run Terminated")]
    }
    fn phase(&self, id: RunId) -> Phase {
        self.runs[id.0].2
    }
    fn message(&self, _id: RunId) -> String {
        String::new()
    }
}

fn plan() -> RolloutPlan {
    RolloutPlan {
        identity: RolloutIdentity {
            name: "api".into(),
            pod_hash: "77f".into(),
            revision: 9,
        },
        replicas: 4,
        strategy: Strategy::Canary(CanaryPlan {
            steps: vec![Step::SetWeight(25), Step::Analysis(AnalysisId(0))],
            background: Some(BackgroundAnalysis {
                analysis: AnalysisId(1),
                starting_step: 1,
            }),
            ..CanaryPlan::default()
        }),
        analyses: vec![AnalysisSpec::default(), AnalysisSpec::default()],
        deploy: Default::default(),
        invalid: None,
    }
}

#[test]
fn external_runs_drive_a_canary_to_promotion() {
    let mut runs = OneMinuteRuns {
        phase: Phase::Successful,
        runs: Vec::new(),
    };
    let sim = simulate(
        &plan(),
        &mut runs,
        &OperatorPolicy::default(),
        Window::new(Timestamp(1_700_000_000_000)),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Promoted);
    assert_eq!(sim.outcome.at, 60_000);
    assert_eq!(sim.outcome.reason, "Completed all 2 canary steps");
    let kinds: Vec<&RunKind> = sim
        .events
        .iter()
        .filter_map(|e| match &e.event {
            Event::AnalysisRunCreated { kind, .. } => Some(kind),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, [&RunKind::Step(1), &RunKind::Background]);
    let json = serde_json::to_string(&sim).expect("serializable");
    assert!(json.contains(r#""type":"RolloutPromoted""#));
}

#[test]
fn external_runs_failing_abort_with_the_step_message() {
    let mut runs = OneMinuteRuns {
        phase: Phase::Error,
        runs: Vec::new(),
    };
    let sim = simulate(
        &plan(),
        &mut runs,
        &OperatorPolicy::default(),
        Window::new(Timestamp(0)),
    );
    assert_eq!(sim.outcome.result, OutcomeResult::Aborted);
    // Both runs end Error at 60 s; the background check comes first (§10.2).
    assert_eq!(
        sim.outcome.reason,
        "Rollout aborted update to revision 9: Background analysis phase error/failed"
    );
}
