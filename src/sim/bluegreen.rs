//! The blue-green machine (SEMANTICS.md §5, §11.6): pre-promotion analysis, `BlueGreenPause`
//! with autoPromotionEnabled / autoPromotionSeconds, the active-service switch,
//! post-promotion analysis, abort with switch-back.
//!
//! Depends on `context`, `plan`, `runs`.

use super::context::{Context, PauseCondition};
use super::engine::Machine;
use super::event::{Event, PauseEndCause, PauseReason, ResumeCause, ServiceTarget};
use super::plan::{AnalysisId, BlueGreenPlan};
use super::policy::Action;
use super::reaction::{self, Reaction};
use super::runs::{RunId, RunKind, TerminationCause};
use crate::model::time::{Duration, Timestamp};

/// Where the update is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Preview saturated; pre-promotion analysis (if any) runs.
    PrePromotion,
    /// Pre-promotion passed; `BlueGreenPause` decides when to switch.
    AwaitingSwitch,
    /// In `BlueGreenPause`.
    Paused,
    /// Ready to switch the active service.
    Switch,
    /// Active service on the new ReplicaSet; post-promotion analysis (if any) runs.
    PostPromotion,
}

pub struct BlueGreen<'p> {
    plan: &'p BlueGreenPlan,
    stage: Stage,
    run: Option<RunId>,
    /// Paused on the current run's Inconclusive phase.
    inconclusive_paused: bool,
    /// `controllerPause` left set by an earlier pause: skips `BlueGreenPause` (§11.6).
    controller_pause: bool,
    switched: bool,
}

impl<'p> BlueGreen<'p> {
    pub fn new(plan: &'p BlueGreenPlan) -> Self {
        BlueGreen {
            plan,
            stage: Stage::PrePromotion,
            run: None,
            inconclusive_paused: false,
            controller_pause: false,
            switched: false,
        }
    }

    /// Drives the stage's run: created if missing; `Some(true)` once Successful, `Some(false)`
    /// when it changed something else (pause, abort), `None` when nothing happened.
    fn drive_run(
        &mut self,
        cx: &mut Context<'_>,
        analysis: AnalysisId,
        kind: RunKind,
    ) -> Option<bool> {
        let Some(id) = self.run else {
            self.run = Some(cx.create_run(analysis, kind));
            return Some(false);
        };
        match reaction::blocking_run(cx.runs.phase(id), self.inconclusive_paused) {
            Reaction::Complete => {
                self.run = None;
                Some(true)
            }
            Reaction::Pause => {
                self.inconclusive_paused = true;
                cx.start_pause(PauseReason::InconclusiveAnalysisRun, None, None, Some(id));
                Some(false)
            }
            Reaction::Abort => {
                let reason = cx.failure_reason(id, kind);
                self.abort(cx, reason.as_deref(), Some(id));
                Some(false)
            }
            Reaction::Wait => None,
        }
    }

    /// After pre-promotion: pause if autoPromotionEnabled is false or autoPromotionSeconds > 0.
    fn await_switch(&mut self, cx: &mut Context<'_>) {
        let manual = !self.plan.auto_promotion_enabled;
        let countdown = self.plan.auto_promotion_seconds > Duration::ZERO;
        if self.controller_pause || !(manual || countdown) {
            self.stage = Stage::Switch;
            return;
        }
        let expires = (!manual).then(|| cx.now + self.plan.auto_promotion_seconds);
        cx.start_pause(PauseReason::BlueGreenPause, None, expires, None);
        self.stage = Stage::Paused;
    }

    fn switch(&mut self, cx: &mut Context<'_>) {
        cx.emit(Event::ActiveServiceSwitched {
            to: ServiceTarget::New,
        });
        self.switched = true;
        if self.plan.post_promotion.is_some() {
            self.stage = Stage::PostPromotion;
        } else {
            cx.promote(
                "Completed blue-green update".to_string(),
                TerminationCause::Promotion,
            );
        }
    }

    fn abort(&mut self, cx: &mut Context<'_>, reason: Option<&str>, run: Option<RunId>) {
        cx.abort_begin(reason, run);
        if self.switched {
            cx.emit(Event::ActiveServiceSwitched {
                to: ServiceTarget::Stable,
            });
            self.switched = false;
        }
        cx.abort_finish();
    }

    /// `promote`: ends the pause; after an Inconclusive run a fresh run is created (§5, §11.6).
    fn manual_promote(&mut self, cx: &mut Context<'_>) {
        if cx.pauses.is_empty() {
            return;
        }
        cx.end_pauses(PauseEndCause::ManualPromote, |_| true);
        cx.emit(Event::RolloutResumed {
            cause: ResumeCause::ManualPromote,
        });
        self.controller_pause = true;
        if self.inconclusive_paused {
            self.inconclusive_paused = false;
            self.run = None;
        }
        if self.stage == Stage::Paused {
            self.stage = Stage::Switch;
        }
    }
}

impl Machine for BlueGreen<'_> {
    fn start(&mut self, _cx: &mut Context<'_>) {}

    fn reconcile(&mut self, cx: &mut Context<'_>) -> bool {
        match self.stage {
            Stage::PrePromotion => match self.plan.pre_promotion {
                None => {
                    self.stage = Stage::AwaitingSwitch;
                    true
                }
                Some(a) => match self.drive_run(cx, a, RunKind::PrePromotion) {
                    Some(true) => {
                        self.stage = Stage::AwaitingSwitch;
                        true
                    }
                    other => other.is_some(),
                },
            },
            Stage::AwaitingSwitch => {
                self.await_switch(cx);
                true
            }
            Stage::Paused => {
                let now = cx.now;
                let elapsed = |p: &PauseCondition| {
                    p.reason == PauseReason::BlueGreenPause && p.expires.is_some_and(|e| e <= now)
                };
                if !cx.pauses.iter().any(elapsed) {
                    return false;
                }
                cx.end_pauses(PauseEndCause::AutoPromotionSecondsElapsed, elapsed);
                self.stage = Stage::Switch;
                true
            }
            Stage::Switch => {
                self.switch(cx);
                true
            }
            Stage::PostPromotion => match self.plan.post_promotion {
                None => false,
                Some(a) => match self.drive_run(cx, a, RunKind::PostPromotion) {
                    Some(true) => {
                        cx.promote(
                            "Completed blue-green update".to_string(),
                            TerminationCause::Promotion,
                        );
                        true
                    }
                    other => other.is_some(),
                },
            },
        }
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
                cx.terminate_all(TerminationCause::FullPromote);
                if !self.switched {
                    cx.emit(Event::ActiveServiceSwitched {
                        to: ServiceTarget::New,
                    });
                    self.switched = true;
                }
                cx.promote(
                    "Full promotion requested".to_string(),
                    TerminationCause::FullPromote,
                );
            }
            Action::Abort => self.abort(cx, None, None),
        }
    }

    fn next_timer(&self) -> Option<Timestamp> {
        None
    }

    fn progress_message(&self) -> &'static str {
        match self.stage {
            Stage::PrePromotion => "waiting for analysis to complete",
            Stage::AwaitingSwitch | Stage::Paused | Stage::Switch => {
                "active service cutover pending"
            }
            Stage::PostPromotion => "waiting for post-promotion verification to complete",
        }
    }
}
