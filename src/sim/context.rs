//! The shared state both strategies act on: the clock, the timeline, pause conditions, the
//! runs created so far, and the common halves of abort and promotion (§4.6, §4.7).
//!
//! Depends on `runs` (the `AnalysisRuns` boundary), `event`, `outcome`, `policy`, `message`.

use super::event::{Event, PauseEndCause, PauseReason, RolloutPhase, ServiceTarget, TimelineEvent};
use super::message;
use super::outcome::{Outcome, OutcomeResult, metric_in_message};
use super::plan::{AnalysisId, RolloutPlan, Rounding, Strategy};
use super::policy::{OperatorPolicy, ScriptedAction};
use super::runs::{AnalysisRuns, RunId, RunKind, RunRequest, TerminationCause};
use super::weight::served_pods;
use crate::analysis::Phase;
use crate::model::time::Timestamp;

/// A `status.pauseConditions[]` entry, plus the operator action scheduled to resolve it.
#[derive(Debug, Clone, PartialEq)]
pub struct PauseCondition {
    pub reason: PauseReason,
    pub start: Timestamp,
    /// Timed pause or autoPromotionSeconds; `None` when only an operator ends it.
    pub expires: Option<Timestamp>,
    /// The policy's action for an operator-only pause.
    pub operator: Option<ScriptedAction>,
    /// The run whose Inconclusive phase caused the pause.
    pub run: Option<String>,
}

/// A run the Rollout created.
#[derive(Debug, Clone, PartialEq)]
struct CreatedRun {
    id: RunId,
    name: String,
    kind: RunKind,
}

/// Engine state shared by the canary and blue-green machines.
pub struct Context<'a> {
    pub plan: &'a RolloutPlan,
    pub runs: &'a mut dyn AnalysisRuns,
    policy: &'a OperatorPolicy,
    start: Timestamp,
    pub now: Timestamp,
    pub events: Vec<TimelineEvent>,
    pub pauses: Vec<PauseCondition>,
    created: Vec<CreatedRun>,
    /// Set once the rollout is promoted, aborted or invalid.
    pub terminal: Option<Outcome>,
    /// The first unresolved operator-only pause (outcome `paused`, §11.2).
    pub awaiting: Option<Outcome>,
}

impl<'a> Context<'a> {
    pub fn new(
        plan: &'a RolloutPlan,
        runs: &'a mut dyn AnalysisRuns,
        policy: &'a OperatorPolicy,
        start: Timestamp,
    ) -> Self {
        Context {
            plan,
            runs,
            policy,
            start,
            now: start,
            events: Vec::new(),
            pauses: Vec::new(),
            created: Vec::new(),
            terminal: None,
            awaiting: None,
        }
    }

    /// Milliseconds from the rollout start.
    pub fn rel(&self, t: Timestamp) -> i64 {
        (t - self.start).millis()
    }

    /// Records an event; weight and step changes are also told to the runs (a closed-loop
    /// world follows them).
    pub fn emit(&mut self, event: Event) {
        match &event {
            Event::CanaryWeightSet { to, .. } => self.weight_changed(*to),
            Event::ActiveServiceSwitched { to } => self.weight_changed(match to {
                ServiceTarget::New => 100.0,
                ServiceTarget::Stable => 0.0,
            }),
            Event::StepEntered { index, .. } => self.runs.step_entered(self.now, *index),
            _ => {}
        }
        let t = self.rel(self.now);
        self.events.push(TimelineEvent { t, event });
    }

    fn weight_changed(&mut self, weight: f64) {
        let replicas = self.plan.replicas;
        let (canary, stable) = match &self.plan.strategy {
            Strategy::Canary(c) => {
                let surge = c.max_surge.resolve(replicas, Rounding::Up);
                served_pods(weight, c.traffic_router.is_some(), replicas, surge)
            }
            // The active service selects one ReplicaSet: only its pods serve users (the
            // other side keeps its pods for a while, unselected).
            Strategy::BlueGreen(_) if weight > 0.0 => (replicas, 0),
            Strategy::BlueGreen(_) => (0, replicas),
        };
        self.runs.weight_changed(self.now, weight, canary, stable);
    }

    pub fn emit_all(&mut self, events: Vec<Event>) {
        for e in events {
            self.emit(e);
        }
    }

    /// Creates a run named per §1.6 and reports `AnalysisRunCreated` before its own events.
    pub fn create_run(&mut self, analysis: AnalysisId, kind: RunKind) -> RunId {
        let spec = self.plan.analysis(analysis).cloned().unwrap_or_default();
        let taken: Vec<String> = self.created.iter().map(|r| r.name.clone()).collect();
        let name = message::unique_name(
            message::run_name(&self.plan.identity, kind, &spec.name),
            &taken,
        );
        self.emit(Event::AnalysisRunCreated {
            run: name.clone(),
            kind,
            metrics: spec.metrics,
            args: spec.args,
        });
        let request = RunRequest {
            analysis,
            kind,
            name: name.clone(),
        };
        let created = self.runs.create(&request, self.now);
        self.emit_all(created.events);
        self.created.push(CreatedRun {
            id: created.id,
            name,
            kind,
        });
        created.id
    }

    pub fn run_name(&self, id: RunId) -> String {
        self.created
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    }

    /// Sets `spec.terminate` on a still-running run.
    pub fn terminate(&mut self, id: RunId, cause: TerminationCause) {
        if self.runs.phase(id).is_completed() {
            return;
        }
        let run = self.run_name(id);
        self.emit(Event::AnalysisRunTerminationRequested { run, cause });
        let events = self.runs.terminate(id, self.now, cause);
        self.emit_all(events);
    }

    /// Terminates every run still running, in creation order.
    pub fn terminate_all(&mut self, cause: TerminationCause) {
        let ids: Vec<RunId> = self.created.iter().map(|r| r.id).collect();
        for id in ids {
            self.terminate(id, cause);
        }
    }

    pub fn has_pause(&self, reason: PauseReason) -> bool {
        self.pauses.iter().any(|p| p.reason == reason)
    }

    /// Adds a pause condition. One without expiry waits for the operator: the policy may
    /// schedule its action; otherwise it becomes the `paused` outcome (§11.2).
    pub fn start_pause(
        &mut self,
        reason: PauseReason,
        step_index: Option<usize>,
        expires: Option<Timestamp>,
        run: Option<RunId>,
    ) {
        let run = run.map(|id| self.run_name(id));
        let operator = match expires {
            Some(_) => None,
            None => self.policy.resolve_pause(self.now),
        };
        self.emit(Event::PauseStarted {
            reason,
            step_index,
            expires_at: expires.map(|t| self.rel(t)),
        });
        if expires.is_none() {
            self.emit(Event::RolloutPaused {
                reason,
                phase: RolloutPhase::Paused,
                message: reason.as_str().to_string(),
            });
            if operator.is_none() && self.awaiting.is_none() {
                self.awaiting = Some(self.outcome(
                    OutcomeResult::Paused,
                    reason.as_str().to_string(),
                    run.clone(),
                ));
            }
        }
        self.pauses.push(PauseCondition {
            reason,
            start: self.now,
            expires,
            operator,
            run,
        });
    }

    /// Removes the pause conditions `which` selects, reporting each.
    pub fn end_pauses(&mut self, cause: PauseEndCause, which: impl Fn(&PauseCondition) -> bool) {
        let (ended, kept): (Vec<_>, Vec<_>) = self.pauses.drain(..).partition(|p| which(p));
        self.pauses = kept;
        for p in ended {
            self.emit(Event::PauseEnded {
                reason: p.reason,
                cause,
            });
        }
        if self.pauses.iter().all(|p| p.expires.is_some()) {
            self.awaiting = None;
        }
    }

    /// An outcome decided now, naming the run (and the metric its message names).
    pub fn outcome(&self, result: OutcomeResult, reason: String, run: Option<String>) -> Outcome {
        let metric = run.as_deref().and_then(|r| self.deciding_metric(r));
        Outcome {
            result,
            at: self.rel(self.now),
            reason,
            deciding_run: run,
            deciding_metric: metric,
        }
    }

    /// The metric named by the run's message, else the last metric that completed with the
    /// run's final phase.
    fn deciding_metric(&self, run: &str) -> Option<String> {
        let id = self.created.iter().find(|r| r.name == run)?.id;
        if let Some(m) = metric_in_message(&self.runs.message(id)) {
            return Some(m);
        }
        let phase = self.runs.phase(id);
        self.events.iter().rev().find_map(|e| match &e.event {
            Event::MetricCompleted {
                run: r,
                metric,
                phase: p,
                ..
            } if r == run && *p == phase && phase != Phase::Successful => Some(metric.clone()),
            _ => None,
        })
    }

    /// The abort reason for a failed run (`message::analysis_failed`).
    pub fn failure_reason(&self, id: RunId, kind: RunKind) -> Option<String> {
        message::analysis_failed(kind, &self.runs.message(id))
    }

    /// First half of an abort (§4.6): `RolloutAborted`, then every pause condition cleared.
    pub fn abort_begin(&mut self, reason: Option<&str>, run: Option<RunId>) {
        let message = message::rollout_aborted(self.plan.identity.revision, reason);
        self.emit(Event::RolloutAborted {
            message: message.clone(),
            step_index: 0,
            weight: 0.0,
        });
        self.end_pauses(PauseEndCause::Abort, |_| true);
        let run = run.map(|id| self.run_name(id));
        self.terminal = Some(self.outcome(OutcomeResult::Aborted, message, run));
    }

    /// Second half of an abort: every run still running is terminated.
    pub fn abort_finish(&mut self) {
        self.terminate_all(TerminationCause::Abort);
    }

    /// Promotion (§4.7): `RolloutPromoted`, then the remaining runs are terminated.
    pub fn promote(&mut self, reason: String, cause: TerminationCause) {
        self.emit(Event::RolloutPromoted {
            reason: reason.clone(),
        });
        self.terminal = Some(self.outcome(OutcomeResult::Promoted, reason, None));
        self.terminate_all(cause);
    }

    /// The earliest pause expiry or policy action still pending.
    pub fn next_pause_timer(&self) -> Option<Timestamp> {
        self.pauses
            .iter()
            .flat_map(|p| [p.expires, p.operator.map(|o| o.at)])
            .flatten()
            .min()
    }

    /// Takes the first policy action due at or before now, if any.
    pub fn take_due_policy_action(&mut self) -> Option<ScriptedAction> {
        let now = self.now;
        let p = self
            .pauses
            .iter_mut()
            .find(|p| p.operator.is_some_and(|o| o.at <= now))?;
        p.operator.take()
    }
}
