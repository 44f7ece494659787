//! `--shard K/N`: a deterministic share of a sweep's units (every N-th unit from K−1), so CI
//! matrix jobs can split a sweep; the raw results go to a JSON file and `--merge` puts the
//! files back together. A merge checks the files belong to the same sweep (same scenario
//! rollout, grid, worlds, runs and seed) and cover every unit exactly once.
//!
//! Depends on `tune::{Sweep, trial}`.

use serde::{Deserialize, Serialize};

use super::Sweep;
use super::trial::TrialResult;

/// JSON schema name of a shard file.
pub const SCHEMA: &str = "rollsim.tune-shard/v1";

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// Parses `K/N` with 1 ≤ K ≤ N.
pub fn parse(s: &str) -> Result<Shard, String> {
    let err = || format!("--shard {s:?}: expected K/N with 1 <= K <= N, e.g. 2/4");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let index: usize = k.trim().parse().map_err(|_| err())?;
    let count: usize = n.trim().parse().map_err(|_| err())?;
    if index == 0 || count == 0 || index > count {
        return Err(err());
    }
    Ok(Shard { index, count })
}

impl Shard {
    /// The units of a sweep of `total` units this shard runs.
    pub fn units(self, total: usize) -> Vec<usize> {
        (self.index - 1..total).step_by(self.count).collect()
    }
}

/// What identifies a sweep, so shards of different sweeps are never merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub rollout: String,
    pub candidates: Vec<String>,
    pub worlds: Vec<String>,
    pub runs: usize,
    pub seed: u64,
}

impl Fingerprint {
    pub fn of(sweep: &Sweep) -> Fingerprint {
        Fingerprint {
            rollout: sweep.rollout.clone(),
            candidates: sweep.candidates.iter().map(|c| c.label.clone()).collect(),
            worlds: sweep
                .worlds
                .iter()
                .map(|w| format!("{}: {}", w.label, w.description))
                .collect(),
            runs: sweep.runs,
            seed: sweep.seed,
        }
    }
}

/// A shard's raw results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    pub schema: String,
    pub shard: String,
    pub units: usize,
    pub sweep: Fingerprint,
    /// `(unit, result)` in unit order.
    pub results: Vec<(usize, TrialResult)>,
}

impl ShardFile {
    pub fn new(sweep: &Sweep, shard: Shard, units: &[usize], results: Vec<TrialResult>) -> Self {
        ShardFile {
            schema: SCHEMA.into(),
            shard: format!("{}/{}", shard.index, shard.count),
            units: sweep.units(),
            sweep: Fingerprint::of(sweep),
            results: units.iter().copied().zip(results).collect(),
        }
    }
}

/// Every unit's result, in unit order, from shard files of `sweep`; `names` label the files
/// in errors.
pub fn merge(sweep: &Sweep, files: &[(String, ShardFile)]) -> Result<Vec<TrialResult>, String> {
    let want = Fingerprint::of(sweep);
    let total = sweep.units();
    let mut slots: Vec<Option<TrialResult>> = vec![None; total];
    for (name, f) in files {
        if f.schema != SCHEMA {
            return Err(format!(
                "{name}: not a tune shard file (schema {:?})",
                f.schema
            ));
        }
        if f.sweep != want || f.units != total {
            return Err(format!(
                "{name}: shard of a different sweep (rollout, grid, regressions, --runs or \
                 --seed differ from this command's)"
            ));
        }
        for (u, r) in &f.results {
            let slot = slots
                .get_mut(*u)
                .ok_or_else(|| format!("{name}: unit {u} is out of range"))?;
            if slot.is_some() {
                return Err(format!("{name}: unit {u} is in more than one shard file"));
            }
            *slot = Some(r.clone());
        }
    }
    let missing = slots.iter().filter(|s| s.is_none()).count();
    if missing > 0 {
        return Err(format!(
            "{missing} of {total} units are in no shard file: give every shard"
        ));
    }
    Ok(slots.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_splits() {
        assert_eq!(parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x/2", "2", "1/2/3"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let total = 10;
        let mut all: Vec<usize> = (1..=3)
            .flat_map(|k| Shard { index: k, count: 3 }.units(total))
            .collect();
        assert_eq!(Shard { index: 2, count: 3 }.units(total), [1, 4, 7]);
        all.sort_unstable();
        assert_eq!(all, (0..total).collect::<Vec<_>>());
    }
}
