//! The discrete-event loop (SEMANTICS.md §10.2): jump to the next instant that matters, apply
//! operator actions, then alternate "take due measurements" and "one Rollout reconcile" until
//! nothing changes at that instant (a fixpoint), and report `status.phase` changes.
//!
//! Depends on `context` (shared state), the strategy machines, `validate`, `policy`, `runs`.

use super::bluegreen::BlueGreen;
use super::canary::Canary;
use super::context::Context;
use super::event::{Event, RolloutPhase};
use super::outcome::{OutcomeResult, Simulation};
use super::plan::{Deploy, RolloutPlan, Strategy};
use super::policy::{Action, OperatorPolicy, ScriptedAction};
use super::runs::{AnalysisRuns, TerminationCause};
use super::validate;
use crate::model::time::{Duration, Timestamp};

/// Default horizon: 24 h of simulated time (§11.2).
pub const DEFAULT_HORIZON: Duration = Duration::from_secs(24 * 3600);

/// Reconciles allowed at one instant before the engine gives up on reaching a fixpoint.
const MAX_PASSES_PER_INSTANT: usize = 10_000;

/// When the rollout starts and how far the simulation may look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The instant the update starts (event `t` is relative to it).
    pub start: Timestamp,
    /// Simulated time after `start` (default 24 h, or the caller's data end).
    pub horizon: Duration,
}

impl Window {
    pub fn new(start: Timestamp) -> Self {
        Window {
            start,
            horizon: DEFAULT_HORIZON,
        }
    }
}

/// A strategy's state machine, driven by the loop.
pub trait Machine {
    /// Effects at update start (e.g. entering step 0).
    fn start(&mut self, cx: &mut Context<'_>);
    /// One Rollout reconcile; returns whether anything changed.
    fn reconcile(&mut self, cx: &mut Context<'_>) -> bool;
    /// Applies an operator action.
    fn act(&mut self, cx: &mut Context<'_>, action: Action);
    /// A timer of the machine's own (e.g. an experiment's end).
    fn next_timer(&self) -> Option<Timestamp>;
    /// The `Progressing` message (§4.8).
    fn progress_message(&self) -> &'static str;
}

/// Simulates one update of `plan` from `window.start` until it is promoted, aborted or found
/// invalid, or until the horizon.
pub fn simulate(
    plan: &RolloutPlan,
    runs: &mut impl AnalysisRuns,
    policy: &OperatorPolicy,
    window: Window,
) -> Simulation {
    let mut cx = Context::new(plan, runs, policy, window.start);
    let horizon = window.start + window.horizon;
    let (strategy, mut machine): (&'static str, Box<dyn Machine + '_>) = match &plan.strategy {
        Strategy::Canary(c) => ("canary", Box::new(Canary::new(c, plan.replicas))),
        Strategy::BlueGreen(b) => ("blueGreen", Box::new(BlueGreen::new(b))),
    };
    cx.emit(Event::RolloutUpdateStarted {
        revision: plan.identity.revision,
        strategy,
    });
    let mut phase = (RolloutPhase::Progressing, String::new());
    if let Some(message) = validate::invalid_spec(plan) {
        cx.emit(Event::InvalidSpec {
            message: message.clone(),
        });
        cx.terminal = Some(cx.outcome(OutcomeResult::Invalid, message, None));
    } else if plan.deploy == Deploy::Initial {
        cx.promote("Initial deploy".to_string(), TerminationCause::Promotion);
    } else {
        machine.start(&mut cx);
    }
    let mut script = policy.script.clone();
    script.sort_by_key(|a| a.at);
    let mut script = script.into_iter().peekable();
    loop {
        run_instant(&mut cx, machine.as_mut(), &mut script);
        report_phase(&mut cx, machine.as_ref(), &mut phase);
        if cx.terminal.is_some() {
            break;
        }
        // Timers at or before now are stale (their instant was settled); skip them so a
        // timer nobody consumes cannot stall the clock.
        let now = cx.now;
        let next = [
            script.peek().map(|a| a.at),
            cx.next_pause_timer(),
            cx.runs.next_due(),
            machine.next_timer(),
        ]
        .into_iter()
        .flatten()
        .filter(|&t| t > now)
        .min();
        match next {
            Some(t) if t <= horizon => cx.now = t,
            _ => {
                cx.now = horizon.max(cx.now);
                break;
            }
        }
    }
    finish(cx, machine.as_ref())
}

/// One instant: operator actions first (script, then policy), then the fixpoint; again while
/// the fixpoint started a pause whose policy action is due at once.
fn run_instant(
    cx: &mut Context<'_>,
    machine: &mut dyn Machine,
    script: &mut std::iter::Peekable<std::vec::IntoIter<ScriptedAction>>,
) {
    for _ in 0..MAX_PASSES_PER_INSTANT {
        while let Some(a) = script.next_if(|a| a.at <= cx.now) {
            if cx.terminal.is_none() {
                machine.act(cx, a.action);
            }
        }
        while cx.terminal.is_none()
            && let Some(a) = cx.take_due_policy_action()
        {
            machine.act(cx, a.action);
        }
        settle(cx, machine);
        let policy_due = cx
            .pauses
            .iter()
            .any(|p| p.operator.is_some_and(|o| o.at <= cx.now));
        if cx.terminal.is_some() || !policy_due {
            return;
        }
    }
}

/// The fixpoint at one instant: due measurements, then one reconcile, until nothing changes.
fn settle(cx: &mut Context<'_>, machine: &mut dyn Machine) {
    for _ in 0..MAX_PASSES_PER_INSTANT {
        if cx.terminal.is_some() {
            return;
        }
        let mut changed = false;
        if cx.runs.next_due().is_some_and(|d| d <= cx.now) {
            let events = cx.runs.advance(cx.now);
            changed |= !events.is_empty();
            cx.emit_all(events);
        }
        changed |= machine.reconcile(cx);
        if !changed {
            return;
        }
    }
}

/// `status.phase` after an instant (§4.8); reported only when it changed.
fn current_phase(cx: &Context<'_>, machine: &dyn Machine) -> (RolloutPhase, String) {
    if let Some(o) = &cx.terminal {
        return match o.result {
            OutcomeResult::Promoted => (RolloutPhase::Healthy, String::new()),
            OutcomeResult::Aborted => (
                RolloutPhase::Degraded,
                format!("RolloutAborted: {}", o.reason),
            ),
            OutcomeResult::Invalid => {
                (RolloutPhase::Degraded, format!("InvalidSpec: {}", o.reason))
            }
            OutcomeResult::Paused => (RolloutPhase::Paused, o.reason.clone()),
        };
    }
    match cx.pauses.first() {
        Some(p) => (RolloutPhase::Paused, p.reason.as_str().to_string()),
        None => (
            RolloutPhase::Progressing,
            machine.progress_message().to_string(),
        ),
    }
}

fn report_phase(cx: &mut Context<'_>, machine: &dyn Machine, last: &mut (RolloutPhase, String)) {
    let now = current_phase(cx, machine);
    if now.0 != last.0 {
        cx.emit(Event::RolloutPhaseChanged {
            phase: now.0,
            message: now.1.clone(),
        });
    }
    *last = now;
}

/// The outcome (§11.2) and the closing `SimulationEnded`.
fn finish(mut cx: Context<'_>, machine: &dyn Machine) -> Simulation {
    let outcome = match (cx.terminal.take(), cx.awaiting.take()) {
        (Some(o), _) | (None, Some(o)) => o,
        (None, None) => cx.outcome(
            OutcomeResult::Paused,
            format!("HorizonReached: {}", current_phase(&cx, machine).1),
            None,
        ),
    };
    cx.emit(Event::SimulationEnded {
        outcome: outcome.result,
        reason: outcome.reason.clone(),
    });
    Simulation {
        events: cx.events,
        outcome,
    }
}
