//! One pod of the world: its random streams, cumulative counters (reset by a restart),
//! memory, and the samples a scrape of it produces.
//!
//! Depends on `latency`, `regression`, `rng` and `model`. Requests reach a pod as Poisson
//! counts (thinning a Poisson arrival process per pod gives independent Poissons, so each pod
//! can draw from its own stream and adding a pod reshuffles no other pod's draws).

use std::collections::BTreeMap;

use rand::RngExt;
use rand_distr::{Binomial, Distribution, Poisson};

use super::emit::PodSeries;
use super::latency::Bucketed;
use super::regression::Behaviour;
use super::rng::{Rng64, stream};
use crate::model::{Labels, Timestamp};

/// Which version a pod runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Stable,
    Canary,
}

/// Requests a pod served in one interval, by status, for the impact tally.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    pub requests: u64,
    pub errors: u64,
}

#[derive(Debug)]
pub struct Pod {
    /// `service, pod, version, hash` plus extra labels, without `__name__`.
    pub labels: Labels,
    pub traffic: Rng64,
    pub scrape: Rng64,
    pub requests: BTreeMap<String, u64>,
    /// Non-cumulative bucket counts; the last is `+Inf`.
    pub buckets: Vec<u64>,
    pub sum: f64,
    pub count: u64,
    pub restarts: u64,
    pub memory: f64,
    pub next_crash: Option<Timestamp>,
    /// The pod is restarting during the current interval: not Ready, not scraped.
    pub down: bool,
    /// Ids of the pod's series in the builder it is scraped into, found on first scrape.
    pub series: PodSeries,
}

/// Draws `n` trials split by `probs` (summing to ≤ 1; the rest is the last outcome).
pub fn multinomial(rng: &mut Rng64, n: u64, probs: &[f64]) -> Vec<u64> {
    let mut out = vec![0; probs.len()];
    multinomial_add(rng, n, probs, &mut out);
    out
}

/// [`multinomial`], adding the draw for `probs[i]` to `out[i]`; returns how many of the
/// `n` trials fell in `probs` (the rest went to the last outcome).
fn multinomial_add(rng: &mut Rng64, n: u64, probs: &[f64], out: &mut [u64]) -> u64 {
    let (mut left, mut mass) = (n, 1.0f64);
    for (&p, slot) in probs.iter().zip(out.iter_mut()) {
        if left == 0 {
            break; // every later draw is 0 and consumes no randomness
        }
        let q = if mass <= 0.0 {
            0.0
        } else {
            (p / mass).clamp(0.0, 1.0)
        };
        let k = if q == 0.0 {
            0
        } else {
            Binomial::new(left, q).map_or(0, |b| b.sample(rng))
        };
        *slot += k;
        left -= k;
        mass -= p;
    }
    n - left
}

/// A Poisson draw; 0 for a non-positive or non-finite mean.
pub fn poisson(rng: &mut Rng64, mean: f64) -> u64 {
    if !(mean > 0.0 && mean.is_finite()) {
        return 0;
    }
    Poisson::new(mean).map_or(0, |p| p.sample(rng) as u64)
}

impl Pod {
    pub fn new(
        version: Version,
        name: String,
        labels: Labels,
        seed: u64,
        buckets: usize,
        memory: f64,
    ) -> Pod {
        let id = format!("{version:?}/{name}");
        let mut requests = BTreeMap::new();
        requests.insert("200".to_string(), 0);
        Pod {
            traffic: stream(seed, &format!("traffic/{id}")),
            scrape: stream(seed, &format!("scrape/{id}")),
            labels,
            requests,
            buckets: vec![0; buckets + 1],
            sum: 0.0,
            count: 0,
            restarts: 0,
            memory,
            next_crash: None,
            down: false,
            series: PodSeries::default(),
        }
    }

    /// The process restarts: counters start again from zero (client libraries keep them in
    /// memory), memory returns to its fresh size.
    pub fn restart(&mut self, fresh_memory: f64) {
        self.restarts += 1;
        self.requests.clear();
        self.requests.insert("200".to_string(), 0);
        self.buckets.iter_mut().for_each(|b| *b = 0);
        self.sum = 0.0;
        self.count = 0;
        self.memory = fresh_memory;
    }

    /// Serves Poisson(`mean`) requests with the statuses and latency of `b`; `error_factor`
    /// scales the error ratios (internal callers).
    pub fn serve(
        &mut self,
        mean: f64,
        b: &Behaviour,
        latency: &Bucketed,
        error_factor: f64,
    ) -> Served {
        let n = poisson(&mut self.traffic, mean);
        if n == 0 {
            return Served::default();
        }
        let mut ratios: Vec<f64> = b.statuses.values().map(|r| r * error_factor).collect();
        let total: f64 = ratios.iter().sum();
        if total > 1.0 {
            ratios.iter_mut().for_each(|r| *r /= total);
        }
        let counts = multinomial(&mut self.traffic, n, &ratios);
        let mut errors = 0;
        let mut failed = 0;
        for ((code, _), &k) in b.statuses.iter().zip(&counts) {
            if k > 0 {
                self.count_requests(code, k);
                failed += k;
                if code.as_str() >= "500" {
                    errors += k;
                }
            }
        }
        self.count_requests("200", n - failed);
        let probs = &latency.probs;
        let in_finite = multinomial_add(
            &mut self.traffic,
            n,
            &probs[..probs.len() - 1],
            &mut self.buckets,
        );
        *self.buckets.last_mut().expect("buckets include +Inf") += n - in_finite;
        self.sum += n as f64 * latency.mean;
        self.count += n;
        Served {
            requests: n,
            errors,
        }
    }

    fn count_requests(&mut self, code: &str, k: u64) {
        match self.requests.get_mut(code) {
            Some(total) => *total += k,
            None => {
                self.requests.insert(code.to_string(), k);
            }
        }
    }

    /// Uniform jitter in `[-j, j]` ms and whether this scrape fails.
    pub fn scrape_outcome(&mut self, jitter_ms: i64, missed: f64) -> (i64, bool) {
        let j = if jitter_ms > 0 {
            self.scrape.random_range(-jitter_ms..=jitter_ms)
        } else {
            0
        };
        let miss = missed > 0.0 && self.scrape.random::<f64>() < missed;
        (j, miss)
    }
}
