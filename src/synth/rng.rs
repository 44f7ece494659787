//! Seeding of the named, portable generator (`Xoshiro256PlusPlus`, never `StdRng` whose
//! algorithm may change): one independent stream per component of the world.
//!
//! Depends on `rand` only.

use rand::SeedableRng;

pub type Rng64 = rand::rngs::Xoshiro256PlusPlus;

/// The stream of `component` (e.g. `traffic/Canary/app-6c4b-x2k9q`) under `seed`: FNV-1a of
/// the name mixed into the seed, expanded by `seed_from_u64` (SplitMix64).
pub fn stream(seed: u64, component: &str) -> Rng64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in component.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    Rng64::seed_from_u64(seed ^ h.rotate_left(17))
}

/// Five characters of the Kubernetes name alphabet, as a pod-name suffix.
pub fn pod_suffix(seed: u64, component: &str) -> String {
    use rand::RngExt;
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut r = stream(seed, component);
    (0..5)
        .map(|_| ALPHABET[r.random_range(0..ALPHABET.len())] as char)
        .collect()
}
