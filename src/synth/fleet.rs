//! The pods of one version: grown and shrunk to the replica count the step engine sets,
//! each new pod with a fresh, never reused name (`<service>-<hash>-<5 chars>`) and labels.
//!
//! Depends on `pods`, `rng` and `config`.

use std::collections::HashSet;

use super::config::{CANARY_IDENTITY, STABLE_IDENTITY, WorldConfig};
use super::pods::{Pod, Version};
use super::rng::pod_suffix;
use crate::model::Labels;

/// Resident memory of a fresh pod when the version does not say (bytes).
pub const DEFAULT_MEMORY: f64 = 200e6;

#[derive(Debug)]
pub struct Fleet {
    pub version: Version,
    pub pods: Vec<Pod>,
    /// Pods made so far: the next pod's index, which seeds its name and streams.
    made: u32,
}

impl Fleet {
    pub fn new(version: Version) -> Fleet {
        Fleet {
            version,
            pods: Vec::new(),
            made: 0,
        }
    }

    /// Removes the newest pods or adds new ones until there are `n`. `names` holds every
    /// pod name used so far in the world, so no two pods ever share series.
    pub fn resize(&mut self, n: u32, cfg: &WorldConfig, names: &mut HashSet<String>) {
        self.pods.truncate(n as usize);
        let (v, identity) = match self.version {
            Version::Stable => (&cfg.stable, STABLE_IDENTITY),
            Version::Canary => (&cfg.canary, CANARY_IDENTITY),
        };
        let (hash, label) = v.identity(identity);
        let m = &cfg.metrics;
        while self.pods.len() < n as usize {
            let mut id = format!("{:?}/{}", self.version, self.made);
            let mut name = format!("{}-{hash}-{}", m.service, pod_suffix(cfg.seed, &id));
            while !names.insert(name.clone()) {
                id.push('+');
                name = format!("{}-{hash}-{}", m.service, pod_suffix(cfg.seed, &id));
            }
            self.made += 1;
            let mut pairs: Vec<(&str, &str)> =
                vec![("service", &m.service), ("pod", &name), ("version", label)];
            pairs.push((&m.hash_label, hash));
            pairs.extend(m.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let labels = Labels::from_pairs(pairs);
            let memory = v.memory_bytes.unwrap_or(DEFAULT_MEMORY);
            let pod = Pod::new(
                self.version,
                name,
                labels,
                cfg.seed,
                m.buckets.len(),
                memory,
            );
            self.pods.push(pod);
        }
    }

    /// Pods that are Ready (not restarting) this slot.
    pub fn ready(&self) -> u32 {
        self.pods.iter().filter(|p| !p.down).count() as u32
    }
}
