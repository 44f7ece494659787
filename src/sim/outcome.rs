//! The result of a simulation (SEMANTICS.md §11.2): promoted, aborted, paused or invalid,
//! with the time it was decided and, when an analysis decided it, the run and metric.
//!
//! Depends only on the event types.

use super::event::TimelineEvent;

/// How the rollout ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeResult {
    Promoted,
    Aborted,
    /// Waiting for an operator (or still in progress when the horizon was reached).
    Paused,
    /// InvalidSpec: the Rollout never progresses.
    Invalid,
}

impl OutcomeResult {
    /// The rollout was decided: promoted or aborted.
    pub fn decided(self) -> bool {
        matches!(self, OutcomeResult::Promoted | OutcomeResult::Aborted)
    }
}

/// The verdict of one simulation (JSON fields in camelCase, like the events).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub result: OutcomeResult,
    /// Milliseconds from the rollout start: promotion or abort instant, pause start, or 0.
    pub at: i64,
    /// The controller's message (abort message, pause reason, promotion reason, InvalidSpec).
    pub reason: String,
    pub deciding_run: Option<String>,
    pub deciding_metric: Option<String>,
}

/// Everything a simulation produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Simulation {
    pub events: Vec<TimelineEvent>,
    pub outcome: Outcome,
}

/// The metric named by a run message `Metric "<name>" assessed ...` (§2.7), if any.
pub fn metric_in_message(message: &str) -> Option<String> {
    let rest = message.strip_prefix("Metric \"")?;
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_name_from_run_message() {
        assert_eq!(
            metric_in_message(
                r#"Metric "sr" assessed Failed due to failed (2) > failureLimit (1)"#
            ),
            Some("sr".to_string())
        );
        assert_eq!(metric_in_message("Run Terminated"), None);
        assert_eq!(metric_in_message(""), None);
    }

    #[test]
    fn results_serialize_lowercase() {
        let json = serde_json::to_string(&OutcomeResult::Promoted).expect("serializable");
        assert_eq!(json, "\"promoted\"");
    }
}
