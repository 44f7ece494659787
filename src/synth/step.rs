//! One scrape slot's work on a version's pods: crash-loop restarts, then the requests the
//! router sends them, spread evenly over the Ready pods.
//!
//! Depends on `pods`, `regression`, `latency` and `config`.

use rand::RngExt;

use super::config::WorldConfig;
use super::latency::Bucketed;
use super::pods::{Pod, poisson};
use super::regression::Behaviour;
use super::rng::Rng64;
use crate::model::{Duration, Timestamp};

/// Restarts canary pods whose crash is due in `(from, to]`: a crashing pod is not Ready for
/// the slot, misses its scrape and starts again with zeroed counters. The first crash of a
/// pod comes after a random 20–100% of the period, so pods do not crash in lockstep.
pub fn crashes(pods: &mut [Pod], b: &Behaviour, from: Timestamp, to: Timestamp, cfg: &WorldConfig) {
    let fresh = cfg
        .canary
        .memory_bytes
        .unwrap_or(super::fleet::DEFAULT_MEMORY);
    for p in pods {
        p.down = false;
        let Some(every) = b.crash_every else {
            p.next_crash = None;
            continue;
        };
        let first = every.millis() as f64 * p.scrape.random_range(0.2..1.0);
        let next = *p.next_crash.get_or_insert(from + Duration(first as i64));
        if next <= to {
            p.down = true;
            p.restart(fresh);
            p.next_crash = Some(to + every);
        }
    }
}

/// Requests of one slot that missed the cache (`external`) or came from inside (`internal`),
/// before the router's split.
pub struct Demand {
    pub external: f64,
    pub internal: f64,
    pub internal_error_factor: f64,
}

/// What one version did with its share of a slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VersionServed {
    pub requests: u64,
    pub errors: u64,
    /// Sent to the version while it had no Ready pod (503 at the router, no pod metrics).
    pub unroutable: u64,
}

impl Demand {
    /// Serves the version's share (`p_ext`, `p_int`) on its Ready pods; pods whose series
    /// a lean world does not write stay idle unless `idle_too`.
    #[allow(clippy::too_many_arguments)]
    pub fn serve(
        &self,
        pods: &mut [Pod],
        p_ext: f64,
        p_int: f64,
        b: &Behaviour,
        model: &Bucketed,
        router_rng: &mut Rng64,
        idle_too: bool,
    ) -> VersionServed {
        let ext = self.external * p_ext.clamp(0.0, 1.0);
        let int = self.internal * p_int.clamp(0.0, 1.0);
        let ready = pods.iter().filter(|p| !p.down).count();
        if ready == 0 {
            let n = poisson(router_rng, ext + int);
            return VersionServed {
                requests: n,
                errors: n,
                unroutable: n,
            };
        }
        let mut out = VersionServed::default();
        for p in pods
            .iter_mut()
            .filter(|p| !p.down && (idle_too || p.series.any()))
        {
            for (mean, factor) in [(ext, 1.0), (int, self.internal_error_factor)] {
                let s = p.serve(mean / ready as f64, b, model, factor);
                out.requests += s.requests;
                out.errors += s.errors;
            }
        }
        out
    }
}
