//! The operator: scripted manual actions and the policy that resolves pauses only an operator
//! can end (indefinite pause steps, Inconclusive pauses, manual blue-green promotion).
//!
//! Depends only on `model::time`.

use crate::model::time::{Duration, Timestamp};

/// A `kubectl argo rollouts` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Action {
    /// `promote`: clears every pause condition (§11.7).
    Promote,
    /// `promote --full`: skips all remaining steps, pauses and analysis.
    PromoteFull,
    /// `abort`.
    Abort,
}

/// An action at an absolute time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptedAction {
    pub at: Timestamp,
    pub action: Action,
}

/// How the simulated operator reacts to pauses that have no expiry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperatorPolicy {
    /// Promote this long after such a pause starts.
    pub promote_after: Option<Duration>,
    /// Abort this long after such a pause starts.
    pub abort_after: Option<Duration>,
    /// Explicit actions, applied in order at their instants before anything else (§10.2).
    pub script: Vec<ScriptedAction>,
}

impl OperatorPolicy {
    /// The action the policy takes for an operator-only pause that started at `start`:
    /// the earlier of promote/abort (abort wins a tie), or `None` when the pause stays.
    pub fn resolve_pause(&self, start: Timestamp) -> Option<ScriptedAction> {
        let promote = self.promote_after.map(|d| ScriptedAction {
            at: start + d,
            action: Action::Promote,
        });
        let abort = self.abort_after.map(|d| ScriptedAction {
            at: start + d,
            action: Action::Abort,
        });
        match (promote, abort) {
            (Some(p), Some(a)) => Some(if a.at <= p.at { a } else { p }),
            (p, a) => p.or(a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_pause_table() {
        let t0 = Timestamp(1_000);
        let secs = |s| Some(Duration::from_secs(s));
        let at = |ms, action| {
            Some(ScriptedAction {
                at: Timestamp(ms),
                action,
            })
        };
        let cases = [
            (None, None, None),
            (secs(60), None, at(61_000, Action::Promote)),
            (None, secs(30), at(31_000, Action::Abort)),
            (secs(60), secs(30), at(31_000, Action::Abort)),
            (secs(10), secs(30), at(11_000, Action::Promote)),
            (secs(30), secs(30), at(31_000, Action::Abort)),
        ];
        for (promote_after, abort_after, want) in cases {
            let policy = OperatorPolicy {
                promote_after,
                abort_after,
                script: Vec::new(),
            };
            assert_eq!(
                policy.resolve_pause(t0),
                want,
                "{promote_after:?} {abort_after:?}"
            );
        }
    }
}
