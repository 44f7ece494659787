//! The current canary step: entering it (weight, pause, run creation), deciding it from its
//! run or experiment (`reaction`), and completing it (SEMANTICS.md §4.1–§4.4).
//!
//! A child of `canary`, so it shares `Canary`'s private state.

use super::{Canary, Experiment};
use crate::analysis::Phase;
use crate::sim::context::{Context, PauseCondition};
use crate::sim::event::{Event, PauseEndCause, PauseReason, WeightCause};
use crate::sim::message;
use crate::sim::plan::Step;
use crate::sim::reaction::{self, Reaction};
use crate::sim::runs::{RunId, RunKind, TerminationCause};

impl Canary<'_> {
    /// Effects of entering the current step (`StepEntered` first).
    pub(super) fn enter(&mut self, cx: &mut Context<'_>) {
        self.entered = true;
        let plan = self.plan;
        let Some(step) = plan.steps.get(self.index) else {
            return;
        };
        cx.emit(Event::StepEntered {
            index: self.index,
            kind: step.kind(),
            step: step.describe(&cx.plan.analyses),
        });
        match step {
            Step::SetWeight(w) => {
                let to = self.served(*w);
                self.set_weight(cx, to, WeightCause::SetWeight);
                self.verified_at = self.plan.weight_verification.map(|d| cx.now + d);
            }
            Step::Pause(d) => {
                let expires = d.map(|d| cx.now + d);
                cx.start_pause(
                    PauseReason::CanaryPauseStep,
                    Some(self.index),
                    expires,
                    None,
                );
            }
            Step::Analysis(id) => {
                self.step_run = Some(cx.create_run(*id, RunKind::Step(self.index)));
            }
            Step::Experiment { duration, analyses } => {
                let kind = RunKind::Experiment(self.index);
                let runs = analyses.iter().map(|a| cx.create_run(*a, kind)).collect();
                let ends_at = duration.map(|d| cx.now + d);
                self.experiment = Some(Experiment { runs, ends_at });
            }
            Step::SetCanaryScale { .. }
            | Step::SetHeaderRoute
            | Step::SetMirrorRoute
            | Step::Plugin => {}
        }
    }

    /// Completes the current step and enters the next one unless a pause freezes it.
    pub(super) fn complete(&mut self, cx: &mut Context<'_>) {
        let total = self.plan.steps.len();
        if let Some(step) = self.plan.steps.get(self.index) {
            cx.emit(Event::StepCompleted {
                index: self.index,
                kind: step.kind(),
                message: message::step_completed(self.index, total, &step.canary_step_string()),
            });
        }
        if let Some(id) = self.step_run.take() {
            cx.terminate(id, TerminationCause::StepChanged);
        }
        for id in self.experiment.take().map(|e| e.runs).unwrap_or_default() {
            cx.terminate(id, TerminationCause::StepChanged);
        }
        self.index += 1;
        self.entered = false;
        self.verified_at = None;
        self.inconclusive_paused = false;
        self.skip_current = false;
        if self.index < total && cx.pauses.is_empty() {
            self.enter(cx);
        }
    }

    /// The current step's own decision; returns whether anything changed.
    pub(super) fn check_step(&mut self, cx: &mut Context<'_>, step: &Step) -> bool {
        if self.skip_current {
            self.complete(cx);
            return true;
        }
        let frozen = cx.has_pause(PauseReason::InconclusiveAnalysisRun)
            || cx.has_pause(PauseReason::InconclusiveExperiment);
        match step {
            Step::Pause(_) => {
                let now = cx.now;
                let expired = |p: &PauseCondition| {
                    p.reason == PauseReason::CanaryPauseStep && p.expires.is_some_and(|e| e <= now)
                };
                if !cx.pauses.iter().any(expired) {
                    return false;
                }
                cx.end_pauses(PauseEndCause::DurationElapsed, expired);
                self.complete(cx);
                true
            }
            _ if frozen => false,
            // With weight verification, a setWeight step completes once the weight is verified.
            Step::SetWeight(_) if self.verified_at.is_some_and(|t| t > cx.now) => false,
            Step::Analysis(_) => self.check_step_run(cx),
            Step::Experiment { .. } => self.check_experiment(cx),
            _ => {
                self.complete(cx);
                true
            }
        }
    }

    /// Inline analysis (§4.4): Successful completes, Inconclusive pauses, Failed/Error aborts.
    fn check_step_run(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(id) = self.step_run else {
            return false;
        };
        let kind = RunKind::Step(self.index);
        let reaction = reaction::blocking_run(cx.runs.phase(id), self.inconclusive_paused);
        self.react(
            cx,
            reaction,
            Some(id),
            kind,
            PauseReason::InconclusiveAnalysisRun,
        )
    }

    /// Experiment step (§4.1): see `reaction::experiment`; when it completes, the runs still
    /// running are terminated.
    fn check_experiment(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(exp) = self.experiment.clone() else {
            return false;
        };
        let phases: Vec<Phase> = exp.runs.iter().map(|&id| cx.runs.phase(id)).collect();
        let (reaction, deciding) =
            reaction::experiment(&phases, exp.ends_at, cx.now, self.inconclusive_paused);
        if reaction == Reaction::Complete {
            for &id in &exp.runs {
                cx.terminate(id, TerminationCause::ExperimentFinished);
            }
        }
        let run = deciding.and_then(|i| exp.runs.get(i).copied());
        let kind = RunKind::Experiment(self.index);
        self.react(cx, reaction, run, kind, PauseReason::InconclusiveExperiment)
    }

    /// Applies a reaction to the current step's run(s); returns whether anything changed.
    fn react(
        &mut self,
        cx: &mut Context<'_>,
        reaction: Reaction,
        run: Option<RunId>,
        kind: RunKind,
        pause: PauseReason,
    ) -> bool {
        match reaction {
            Reaction::Wait => return false,
            Reaction::Complete => self.complete(cx),
            Reaction::Pause => {
                self.inconclusive_paused = true;
                cx.start_pause(pause, Some(self.index), None, run);
            }
            Reaction::Abort => {
                let reason = run.and_then(|id| cx.failure_reason(id, kind));
                self.abort(cx, reason.as_deref(), run);
            }
        }
        true
    }
}
