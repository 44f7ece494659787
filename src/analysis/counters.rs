//! A metric's measurement counters and how each measurement phase updates them
//! (SEMANTICS.md §1.3, §2.5 "Counter updates after each measurement").
//!
//! Depends on `analysis::phase` only.

use crate::analysis::Phase;

/// The counters of Argo's `MetricResult`. Invariant: `count = successful + failed +
/// inconclusive`; Error measurements are not counted in `count`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricCounters {
    pub count: i64,
    pub successful: i64,
    pub failed: i64,
    pub inconclusive: i64,
    pub error: i64,
    pub consecutive_error: i64,
    pub consecutive_success: i64,
}

impl MetricCounters {
    /// Applies one completed measurement (§2.5 table). Mirrors Argo: an Error measurement does
    /// not count toward `count`, and only a Successful one extends `consecutive_success`.
    /// Pending and Running (in-flight) measurements change nothing.
    pub fn apply(&mut self, phase: Phase) {
        match phase {
            Phase::Successful => {
                self.count += 1;
                self.successful += 1;
                self.consecutive_error = 0;
                self.consecutive_success += 1;
            }
            Phase::Failed => {
                self.count += 1;
                self.failed += 1;
                self.consecutive_error = 0;
                self.consecutive_success = 0;
            }
            Phase::Inconclusive => {
                self.count += 1;
                self.inconclusive += 1;
                self.consecutive_error = 0;
                self.consecutive_success = 0;
            }
            Phase::Error => {
                self.error += 1;
                self.consecutive_error += 1;
                self.consecutive_success = 0;
            }
            Phase::Pending | Phase::Running => {}
        }
    }
}

#[cfg(test)]
impl MetricCounters {
    /// Test shorthand: (count, successful, failed, inconclusive, error, consecutiveError,
    /// consecutiveSuccess).
    pub(crate) fn from_slots(v: [i64; 7]) -> Self {
        MetricCounters {
            count: v[0],
            successful: v[1],
            failed: v[2],
            inconclusive: v[3],
            error: v[4],
            consecutive_error: v[5],
            consecutive_success: v[6],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(v: [i64; 7]) -> MetricCounters {
        MetricCounters::from_slots(v)
    }

    #[test]
    fn counter_update_table() {
        // Start: count 3 (s1 f1 i1), error 2, consecutiveError 2, consecutiveSuccess 1.
        let start = c([3, 1, 1, 1, 2, 2, 1]);
        // (phase, expected [count, s, f, i, e, ce, cs]): SEMANTICS §2.5 counter table.
        let cases = [
            // Successful: count+1, successful+1, consecutiveError reset, consecutiveSuccess+1
            (Phase::Successful, [4, 2, 1, 1, 2, 0, 2]),
            // Failed: count+1, failed+1, both consecutive counters reset
            (Phase::Failed, [4, 1, 2, 1, 2, 0, 0]),
            // Inconclusive: count+1, inconclusive+1, both consecutive counters reset
            (Phase::Inconclusive, [4, 1, 1, 2, 2, 0, 0]),
            // Error: count unchanged (§1.3), error+1, consecutiveError+1, consecutiveSuccess reset
            (Phase::Error, [3, 1, 1, 1, 3, 3, 0]),
            // in-flight phases are not measurements outcomes: unchanged
            (Phase::Running, [3, 1, 1, 1, 2, 2, 1]),
        ];
        for (phase, want) in cases {
            let mut got = start;
            got.apply(phase);
            assert_eq!(got, c(want), "{phase}");
        }
    }

    #[test]
    fn count_excludes_errors() {
        // §1.3: count = successful + failed + inconclusive.
        let mut k = MetricCounters::default();
        for p in [Phase::Error, Phase::Successful, Phase::Error, Phase::Failed] {
            k.apply(p);
        }
        assert_eq!(k.count, k.successful + k.failed + k.inconclusive);
        assert_eq!((k.count, k.error), (2, 2));
    }
}
