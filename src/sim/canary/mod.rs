//! The canary step machine (SEMANTICS.md §4.1–§4.9, §11.7): steps, weights, pauses, inline,
//! background and experiment analysis, abort and promotion.
//!
//! One `reconcile` makes at most one decision, in the controller's order: background run
//! check, then the current step (its run, then its completion), then promotion.
//! Depends on `context`, `plan`, `weight`, `message`, `reaction`, `runs`; the current step's
//! handling lives in `canary/step.rs`.

mod step;

use super::context::Context;
use super::engine::Machine;
use super::event::{Event, PauseEndCause, PauseReason, ResumeCause, WeightCause};
use super::message;
use super::plan::{CanaryPlan, Rounding, Step};
use super::policy::Action;
use super::reaction::{self, Reaction};
use super::runs::{RunId, RunKind, TerminationCause};
use super::weight::{MAX_TRAFFIC_WEIGHT, served_for};
use crate::model::time::Timestamp;

/// Lifecycle of the background run (`strategy.canary.analysis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Background {
    /// Not configured, or finished Successful early: the rollout goes on without it.
    Off,
    /// To be created once `index >= startingStep`.
    Pending,
    Running(RunId),
    /// Inconclusive; the rollout is paused on it until a promote creates a fresh run.
    Inconclusive(RunId),
}

/// The runs of an experiment step.
#[derive(Debug, Clone, PartialEq)]
struct Experiment {
    runs: Vec<RunId>,
    ends_at: Option<Timestamp>,
}

pub struct Canary<'p> {
    plan: &'p CanaryPlan,
    replicas: i32,
    /// `status.currentStepIndex`.
    index: usize,
    /// Whether the current step's entry effects (weight, pause, run creation) happened.
    entered: bool,
    /// Served canary weight in percent.
    weight: f64,
    background: Background,
    step_run: Option<RunId>,
    experiment: Option<Experiment>,
    /// The current step paused on an Inconclusive result (it must not pause twice).
    inconclusive_paused: bool,
    /// An operator promoted the current step: it completes at the next reconcile.
    skip_current: bool,
    /// When the current setWeight step's weight is verified (ALB verification).
    verified_at: Option<Timestamp>,
}

impl<'p> Canary<'p> {
    pub fn new(plan: &'p CanaryPlan, replicas: i32) -> Self {
        Canary {
            plan,
            replicas,
            index: 0,
            entered: false,
            weight: 0.0,
            verified_at: None,
            background: match plan.background {
                Some(_) => Background::Pending,
                None => Background::Off,
            },
            step_run: None,
            experiment: None,
            inconclusive_paused: false,
            skip_current: false,
        }
    }

    fn served(&self, desired: i32) -> f64 {
        let surge = self.plan.max_surge.resolve(self.replicas, Rounding::Up);
        served_for(
            desired,
            self.plan.traffic_router.is_some(),
            self.replicas,
            surge,
        )
    }

    fn set_weight(&mut self, cx: &mut Context<'_>, to: f64, cause: WeightCause) {
        cx.emit(Event::CanaryWeightSet {
            from: self.weight,
            to,
            cause,
        });
        self.weight = to;
    }

    /// Background check (§4.5): failure aborts at any step, Inconclusive pauses, Successful
    /// lets the rollout go on without it; creation once `index >= startingStep`.
    fn check_background(&mut self, cx: &mut Context<'_>) -> bool {
        match self.background {
            Background::Off | Background::Inconclusive(_) => false,
            Background::Pending => {
                let Some(bg) = &self.plan.background else {
                    return false;
                };
                if self.index < bg.starting_step {
                    return false;
                }
                let id = cx.create_run(bg.analysis, RunKind::Background);
                self.background = Background::Running(id);
                true
            }
            Background::Running(id) => match reaction::background_run(cx.runs.phase(id)) {
                Reaction::Abort => {
                    let reason = cx.failure_reason(id, RunKind::Background);
                    self.abort(cx, reason.as_deref(), Some(id));
                    true
                }
                Reaction::Pause => {
                    self.background = Background::Inconclusive(id);
                    let reason = PauseReason::InconclusiveAnalysisRun;
                    cx.start_pause(reason, Some(self.index), None, Some(id));
                    true
                }
                Reaction::Complete => {
                    self.background = Background::Off;
                    true
                }
                Reaction::Wait => false,
            },
        }
    }

    fn abort(&mut self, cx: &mut Context<'_>, reason: Option<&str>, run: Option<RunId>) {
        cx.abort_begin(reason, run);
        if self.weight != 0.0 {
            self.set_weight(cx, 0.0, WeightCause::Abort);
        }
        self.index = 0;
        cx.abort_finish();
    }

    fn promote(&mut self, cx: &mut Context<'_>, reason: String, cause: TerminationCause) {
        self.index = self.plan.steps.len();
        self.set_weight(cx, f64::from(MAX_TRAFFIC_WEIGHT), WeightCause::Promotion);
        cx.promote(reason, cause);
    }

    /// `promote` (§4.4, §4.5, §11.7): clears every pause; an Inconclusive step run counts as
    /// passed, an Inconclusive background run is replaced by a fresh one, a pause step ends.
    /// Mirrors the CLI: without pause conditions it skips the current step instead (its
    /// running analysis or experiment is terminated as `StepChanged`).
    fn manual_promote(&mut self, cx: &mut Context<'_>) {
        if cx.pauses.is_empty() {
            self.skip_current = self.entered && self.index < self.plan.steps.len();
            return;
        }
        let on_pause_step = matches!(self.plan.steps.get(self.index), Some(Step::Pause(_)));
        let step_promoted = self.entered && (on_pause_step || self.inconclusive_paused);
        cx.end_pauses(PauseEndCause::ManualPromote, |_| true);
        cx.emit(Event::RolloutResumed {
            cause: ResumeCause::ManualPromote,
        });
        self.skip_current = step_promoted;
        if let Background::Inconclusive(_) = self.background {
            self.background = Background::Pending;
        }
    }
}

impl Machine for Canary<'_> {
    fn start(&mut self, cx: &mut Context<'_>) {
        if !self.plan.steps.is_empty() {
            self.enter(cx);
        }
    }

    fn reconcile(&mut self, cx: &mut Context<'_>) -> bool {
        if self.check_background(cx) {
            return true;
        }
        if cx.terminal.is_some() {
            return false;
        }
        let plan = self.plan;
        let Some(step) = plan.steps.get(self.index) else {
            if !cx.pauses.is_empty() {
                return false;
            }
            let reason = message::completed_canary(self.plan.steps.len());
            self.promote(cx, reason, TerminationCause::Promotion);
            return true;
        };
        if !self.entered {
            if !cx.pauses.is_empty() {
                return false;
            }
            self.enter(cx);
            return true;
        }
        self.check_step(cx, step)
    }

    fn act(&mut self, cx: &mut Context<'_>, action: Action) {
        match action {
            Action::Promote => self.manual_promote(cx),
            Action::PromoteFull => {
                if !cx.pauses.is_empty() {
                    cx.end_pauses(PauseEndCause::FullPromote, |_| true);
                    cx.emit(Event::RolloutResumed {
                        cause: ResumeCause::FullPromote,
                    });
                }
                let reason = "Full promotion requested".to_string();
                self.promote(cx, reason, TerminationCause::FullPromote);
            }
            Action::Abort => self.abort(cx, None, None),
        }
    }

    fn next_timer(&self) -> Option<Timestamp> {
        let experiment = self.experiment.as_ref().and_then(|e| e.ends_at);
        experiment.into_iter().chain(self.verified_at).min()
    }

    fn progress_message(&self) -> &'static str {
        "waiting for all steps to complete"
    }
}
