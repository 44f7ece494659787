//! How the Rollout reacts to its runs' phases (SEMANTICS.md §4.1, §4.4, §4.5, §5): pure
//! decision functions the strategy machines apply. Depends only on `analysis::Phase`.

use crate::analysis::Phase;
use crate::model::time::Timestamp;

/// The Rollout's reaction to a run (or an experiment) it waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    /// Still running, or already paused on it: nothing to do.
    Wait,
    /// Successful: the step (or blue-green stage) completes.
    Complete,
    /// Inconclusive: pause (`InconclusiveAnalysisRun` / `InconclusiveExperiment`).
    Pause,
    /// Failed or Error: abort.
    Abort,
}

/// A blocking run (inline step, pre- or post-promotion): only `Successful` completes it.
pub fn blocking_run(phase: Phase, paused_on_it: bool) -> Reaction {
    match phase {
        Phase::Successful => Reaction::Complete,
        Phase::Inconclusive if !paused_on_it => Reaction::Pause,
        Phase::Failed | Phase::Error => Reaction::Abort,
        _ => Reaction::Wait,
    }
}

/// The background run: failure aborts at any step, Inconclusive pauses, and `Complete` here
/// means it finished early and the rollout goes on without it.
pub fn background_run(phase: Phase) -> Reaction {
    blocking_run(phase, false)
}

/// An experiment step: the worst Failed/Error run aborts, else the first Inconclusive run
/// pauses (once); it completes when its duration elapsed, or without a duration when every
/// run succeeded. Returns the reaction and the index of the deciding run.
pub fn experiment(
    phases: &[Phase],
    ends_at: Option<Timestamp>,
    now: Timestamp,
    paused: bool,
) -> (Reaction, Option<usize>) {
    // The Experiment takes its worst run's phase (Failed beats Error; first wins a tie).
    let failed = phases
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p, Phase::Failed | Phase::Error))
        .max_by_key(|&(i, p)| (p.severity(), std::cmp::Reverse(i)))
        .map(|(i, _)| i);
    if failed.is_some() {
        return (Reaction::Abort, failed);
    }
    if let Some(i) = phases.iter().position(|p| *p == Phase::Inconclusive) {
        let reaction = if paused {
            Reaction::Wait
        } else {
            Reaction::Pause
        };
        return (reaction, Some(i));
    }
    let done = match ends_at {
        Some(end) => now >= end,
        None => phases.iter().all(|p| *p == Phase::Successful),
    };
    (
        if done {
            Reaction::Complete
        } else {
            Reaction::Wait
        },
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Phase::*;

    #[test]
    fn blocking_run_table() {
        let cases = [
            (Running, false, Reaction::Wait),
            (Pending, false, Reaction::Wait),
            (Successful, false, Reaction::Complete),
            (Inconclusive, false, Reaction::Pause),
            (Inconclusive, true, Reaction::Wait),
            (Failed, false, Reaction::Abort),
            (Error, true, Reaction::Abort),
        ];
        for (phase, paused, want) in cases {
            assert_eq!(blocking_run(phase, paused), want, "{phase} paused={paused}");
        }
    }

    /// (run phases, ends_at, now, already paused) -> (reaction, deciding run).
    type ExperimentCase = (
        &'static [Phase],
        Option<Timestamp>,
        i64,
        bool,
        (Reaction, Option<usize>),
    );

    #[test]
    fn experiment_table() {
        let end = Some(Timestamp(300));
        let cases: [ExperimentCase; 8] = [
            (&[Running, Running], end, 100, false, (Reaction::Wait, None)),
            (
                &[Running, Running],
                end,
                300,
                false,
                (Reaction::Complete, None),
            ),
            (
                &[Successful, Running],
                None,
                300,
                false,
                (Reaction::Wait, None),
            ),
            (
                &[Successful, Successful],
                None,
                1,
                false,
                (Reaction::Complete, None),
            ),
            (
                &[Inconclusive, Error],
                end,
                1,
                false,
                (Reaction::Abort, Some(1)),
            ),
            (
                &[Error, Failed, Failed],
                end,
                1,
                false,
                (Reaction::Abort, Some(1)),
            ),
            (
                &[Running, Inconclusive],
                end,
                1,
                false,
                (Reaction::Pause, Some(1)),
            ),
            (
                &[Running, Inconclusive],
                end,
                400,
                true,
                (Reaction::Wait, Some(1)),
            ),
        ];
        for (phases, ends_at, now, paused, want) in cases {
            assert_eq!(
                experiment(phases, ends_at, Timestamp(now), paused),
                want,
                "{phases:?}"
            );
        }
    }
}
