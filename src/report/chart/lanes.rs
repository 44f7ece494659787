//! The rollout lanes of a chart, read from the timeline: the canary weight as a step
//! function, the steps, the pauses, and the moments that decide (abort, promotion, a pause
//! waiting for an operator). Pure functions of the events; depends on `sim` only.

use crate::sim::event::{PauseReason, ServiceTarget};
use crate::sim::{Event, TimelineEvent};

/// Seconds from the rollout start.
fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// The weight served over time: `(t, weight)` points, each weight holding until the next.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightLane {
    /// What the weight means: the canary's share, or the new version's under blue-green.
    pub label: String,
    /// Starts at `(0, 0)`; times in seconds, weights in percent.
    pub points: Vec<(f64, f64)>,
}

/// The weight lane: `CanaryWeightSet`, or the blue-green active service switching.
pub fn weight(events: &[TimelineEvent]) -> WeightLane {
    let mut points = vec![(0.0, 0.0)];
    let mut blue_green = false;
    for e in events {
        let to = match &e.event {
            Event::RolloutUpdateStarted { strategy, .. } => {
                blue_green = *strategy == "blueGreen";
                continue;
            }
            Event::CanaryWeightSet { to, .. } => *to,
            Event::ActiveServiceSwitched { to } => {
                blue_green = true;
                match to {
                    ServiceTarget::New => 100.0,
                    ServiceTarget::Stable => 0.0,
                }
            }
            _ => continue,
        };
        let t = secs(e.t);
        match points.last_mut() {
            Some(last) if last.0 == t => last.1 = to,
            _ => points.push((t, to)),
        }
    }
    let label = if blue_green {
        "traffic to the new version (%)"
    } else {
        "canary weight (%)"
    };
    WeightLane {
        label: label.into(),
        points,
    }
}

/// One step of the rollout, from when it was entered until the next one (or the end).
#[derive(Debug, Clone, PartialEq)]
pub struct StepSpan {
    pub index: usize,
    /// The step as written: `setWeight: 10`, `pause: {duration: 5m}`.
    pub label: String,
    pub from: f64,
    pub to: f64,
}

/// Steps as spans; the last ends at `end` (seconds).
pub fn steps(events: &[TimelineEvent], end: f64) -> Vec<StepSpan> {
    let mut out: Vec<StepSpan> = Vec::new();
    for e in events {
        let end_of_steps = matches!(
            e.event,
            Event::RolloutAborted { .. }
                | Event::RolloutPromoted { .. }
                | Event::InvalidSpec { .. }
        );
        if end_of_steps && let Some(last) = out.last_mut() {
            last.to = last.to.min(secs(e.t));
        }
        let Event::StepEntered { index, step, .. } = &e.event else {
            continue;
        };
        if let Some(last) = out.last_mut() {
            last.to = last.to.min(secs(e.t));
        }
        out.push(StepSpan {
            index: *index,
            label: step.clone(),
            from: secs(e.t),
            to: end,
        });
    }
    out
}

/// A pause condition, from `PauseStarted` to `PauseEnded` (or the end).
#[derive(Debug, Clone, PartialEq)]
pub struct PauseSpan {
    pub reason: String,
    pub from: f64,
    pub to: f64,
    /// The pause has no expiry: only an operator ends it.
    pub indefinite: bool,
}

pub fn pauses(events: &[TimelineEvent], end: f64) -> Vec<PauseSpan> {
    let mut out = Vec::new();
    let mut open: Vec<(PauseReason, f64, bool)> = Vec::new();
    for e in events {
        match &e.event {
            Event::PauseStarted {
                reason, expires_at, ..
            } => open.push((*reason, secs(e.t), expires_at.is_none())),
            Event::PauseEnded { reason, .. } => {
                if let Some(i) = open.iter().position(|(r, _, _)| r == reason) {
                    let (r, from, indefinite) = open.remove(i);
                    out.push(PauseSpan {
                        reason: r.as_str().into(),
                        from,
                        to: secs(e.t),
                        indefinite,
                    });
                }
            }
            _ => {}
        }
    }
    out.extend(open.into_iter().map(|(r, from, indefinite)| PauseSpan {
        reason: r.as_str().into(),
        from,
        to: end,
        indefinite,
    }));
    out.sort_by(|a, b| a.from.total_cmp(&b.from));
    out
}

/// What a marker shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    Abort,
    Promote,
    /// Paused, waiting for an operator (`RolloutPaused`).
    Waiting,
    Resumed,
    /// The blue-green active service switched.
    Switch,
    Invalid,
    /// A synthetic world's canary regression began.
    Regression,
}

impl MarkerKind {
    /// A short label drawn beside the marker line.
    pub fn label(self) -> &'static str {
        match self {
            MarkerKind::Abort => "abort",
            MarkerKind::Promote => "promoted",
            MarkerKind::Waiting => "paused, waiting",
            MarkerKind::Resumed => "resumed",
            MarkerKind::Switch => "service switched",
            MarkerKind::Invalid => "InvalidSpec",
            MarkerKind::Regression => "regression starts",
        }
    }
}

/// A moment worth a vertical line, with the controller's reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub t: f64,
    pub kind: MarkerKind,
    pub reason: String,
}

/// Abort, promotion, operator waits and resumes, service switches, InvalidSpec.
pub fn markers(events: &[TimelineEvent]) -> Vec<Marker> {
    let mut out = Vec::new();
    for e in events {
        let (kind, reason) = match &e.event {
            Event::RolloutAborted { message, .. } => (MarkerKind::Abort, message.clone()),
            Event::RolloutPromoted { reason } => (MarkerKind::Promote, reason.clone()),
            Event::RolloutPaused {
                reason, message, ..
            } if message.is_empty() || message == reason.as_str() => {
                (MarkerKind::Waiting, reason.as_str().to_string())
            }
            Event::RolloutPaused {
                reason, message, ..
            } => (
                MarkerKind::Waiting,
                format!("{}: {message}", reason.as_str()),
            ),
            Event::RolloutResumed { cause } => (MarkerKind::Resumed, format!("{cause:?}")),
            Event::ActiveServiceSwitched { to } => (
                MarkerKind::Switch,
                format!("active service -> {}", format!("{to:?}").to_lowercase()),
            ),
            Event::InvalidSpec { message } => (MarkerKind::Invalid, message.clone()),
            _ => continue,
        };
        out.push(Marker {
            t: secs(e.t),
            kind,
            reason,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::event::{PauseEndCause, RolloutPhase, WeightCause};

    fn at(t: i64, event: Event) -> TimelineEvent {
        TimelineEvent { t: t * 1000, event }
    }

    fn weight_set(from: f64, to: f64) -> Event {
        Event::CanaryWeightSet {
            from,
            to,
            cause: WeightCause::SetWeight,
        }
    }

    fn step(index: usize, text: &str) -> Event {
        Event::StepEntered {
            index,
            kind: "setWeight",
            step: text.into(),
        }
    }

    fn canary_events() -> Vec<TimelineEvent> {
        vec![
            at(
                0,
                Event::RolloutUpdateStarted {
                    revision: 2,
                    strategy: "canary",
                },
            ),
            at(0, step(0, "setWeight: 10")),
            at(0, weight_set(0.0, 10.0)),
            at(0, step(1, "pause: {duration: 5m}")),
            at(
                0,
                Event::PauseStarted {
                    reason: PauseReason::CanaryPauseStep,
                    step_index: Some(1),
                    expires_at: Some(300_000),
                },
            ),
            at(
                300,
                Event::PauseEnded {
                    reason: PauseReason::CanaryPauseStep,
                    cause: PauseEndCause::DurationElapsed,
                },
            ),
            at(300, step(2, "setWeight: 30")),
            at(300, weight_set(10.0, 30.0)),
            at(300, step(3, "pause: {}")),
            at(
                300,
                Event::PauseStarted {
                    reason: PauseReason::CanaryPauseStep,
                    step_index: Some(3),
                    expires_at: None,
                },
            ),
            at(
                300,
                Event::RolloutPaused {
                    reason: PauseReason::CanaryPauseStep,
                    phase: RolloutPhase::Paused,
                    message: "waiting".into(),
                },
            ),
            at(
                480,
                Event::RolloutAborted {
                    message: "Rollout aborted update to revision 2".into(),
                    step_index: 3,
                    weight: 30.0,
                },
            ),
            at(
                480,
                Event::CanaryWeightSet {
                    from: 30.0,
                    to: 0.0,
                    cause: WeightCause::Abort,
                },
            ),
        ]
    }

    #[test]
    fn weight_is_a_step_function_from_zero() {
        let lane = weight(&canary_events());
        assert_eq!(lane.label, "canary weight (%)");
        // Two changes at one instant keep the last.
        assert_eq!(lane.points, vec![(0.0, 10.0), (300.0, 30.0), (480.0, 0.0)]);
    }

    #[test]
    fn blue_green_weight_follows_the_active_service() {
        let events = vec![
            at(
                0,
                Event::RolloutUpdateStarted {
                    revision: 2,
                    strategy: "blueGreen",
                },
            ),
            at(
                360,
                Event::ActiveServiceSwitched {
                    to: ServiceTarget::New,
                },
            ),
        ];
        let lane = weight(&events);
        assert_eq!(lane.points, vec![(0.0, 0.0), (360.0, 100.0)]);
        assert_eq!(lane.label, "traffic to the new version (%)");
    }

    #[test]
    fn steps_pauses_and_markers() {
        let events = canary_events();
        let spans = steps(&events, 600.0);
        let summary: Vec<(usize, f64, f64)> =
            spans.iter().map(|s| (s.index, s.from, s.to)).collect();
        assert_eq!(
            summary,
            vec![
                (0, 0.0, 0.0),
                (1, 0.0, 300.0),
                (2, 300.0, 300.0),
                (3, 300.0, 480.0)
            ]
        );
        let p = pauses(&events, 600.0);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].from, p[0].to, p[0].indefinite), (0.0, 300.0, false));
        // The indefinite pause never ended: it runs to the end of the chart.
        assert_eq!((p[1].from, p[1].to, p[1].indefinite), (300.0, 600.0, true));
        let m = markers(&events);
        let kinds: Vec<(f64, MarkerKind)> = m.iter().map(|m| (m.t, m.kind)).collect();
        assert_eq!(
            kinds,
            vec![(300.0, MarkerKind::Waiting), (480.0, MarkerKind::Abort)]
        );
        assert_eq!(m[0].reason, "CanaryPauseStep: waiting");
        assert_eq!(m[1].reason, "Rollout aborted update to revision 2");
    }
}
