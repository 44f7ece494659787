//! The discrete-event step engine: canary and blue-green rollouts, timeline events and the
//! outcome (SEMANTICS.md §4, §5, §10, §11).
//!
//! Entry point: [`simulate`]. The engine depends only on `model::time` and `analysis::Phase`;
//! AnalysisRuns are evaluated behind the [`AnalysisRuns`] trait, so the engine does not know
//! about PromQL, conditions or manifests. Layout: `plan` (input), `runs` (the boundary),
//! `event`/`outcome` (output), `policy` (the operator), `weight`/`validate`/`message` (pure
//! decisions), `engine` (the loop), `context` (shared state), `canary` and `bluegreen` (the
//! strategy machines).
//!
//! Engine decisions beyond SEMANTICS.md, for readers of the timeline:
//! - `RolloutPhaseChanged` is reported once per instant, after the fixpoint, and only when the
//!   phase (not just its message) changed; the update starts `Progressing` implicitly.
//! - `RolloutPaused` marks pauses only an operator can end (no expiry); those are what
//!   `OperatorPolicy::promote_after` / `abort_after` resolve and what makes the outcome `paused`.
//! - `promote` with no pause condition skips the current canary step (the CLI's behaviour) and
//!   is a no-op for blue-green; after an Inconclusive post-promotion run it creates a fresh run,
//!   as §5 says for pre-promotion.
//! - Not modelled: pod readiness and latency knobs (§10.1, all 0), `Retry`, `spec.paused`,
//!   `dynamicStableScale`, scale-down delays (no pod counts), 1 s status time resolution.

mod bluegreen;
mod canary;
mod context;
mod engine;
pub mod event;
pub mod message;
pub mod outcome;
pub mod plan;
pub mod policy;
pub mod reaction;
pub mod runs;
pub mod validate;
pub mod weight;

#[cfg(test)]
mod tests;

pub use engine::{DEFAULT_HORIZON, Window, simulate};
pub use event::{Event, TimelineEvent};
pub use outcome::{Outcome, OutcomeResult, Simulation};
pub use plan::{
    AnalysisId, AnalysisSpec, BackgroundAnalysis, BlueGreenPlan, CanaryPlan, Deploy,
    IndefiniteMetric, IntOrPercent, RolloutIdentity, RolloutPlan, Step, Strategy,
};
pub use policy::{Action, OperatorPolicy, ScriptedAction};
pub use runs::{AnalysisRuns, Created, RunId, RunKind, RunRequest, TerminationCause};
