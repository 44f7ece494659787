//! `rollsim record`: captures from a live Prometheus exactly the raw series that a set of
//! PromQL queries reads over a time range, as a replayable OpenMetrics file.
//!
//! `selectors` finds each selector and the intervals its samples must cover (ranges,
//! subqueries, `offset`, `@`, the lookback delta); `chunk` plans requests under the
//! server's sample limit; `client` talks HTTP (auth, TLS, timeouts, retries, decided by
//! `retry`); `fetch` runs the requests (with a `query_range` fallback); `recording` merges
//! the answers under the user's limits; `write` writes the file atomically.
//!
//! Depends on `promql` (parsing), `model`, `synth::write` (OpenMetrics) and `ureq`.
//! Stale markers are not returned by Prometheus's API, so a recording holds none: a series
//! that ends is seen as such only after the 5m lookback, as in a backfilled TSDB.

pub mod chunk;
pub mod client;
pub mod fetch;
pub mod recording;
pub mod response;
pub mod retry;
pub mod selectors;
pub mod url;
pub mod write;

use std::path::Path;

use crate::model::Timestamp;
use crate::promql::{Engine, QueryError};

pub use self::fetch::{Api, FetchOptions, RecordFetchError, SelectorReport};
pub use self::selectors::{Interval, Needed};

/// What the queries need, from parsing alone.
#[derive(Debug, Clone)]
pub struct Plan {
    pub selectors: Vec<Needed>,
    /// Earliest and latest sample time any selector needs.
    pub span: Interval,
}

/// Parses `queries` (as the engine does, 3.x duration expressions included) and lists the
/// data they read when evaluated at every instant of `[start, end]`.
pub fn plan(
    queries: &[String],
    start: Timestamp,
    end: Timestamp,
    lookback_delta: i64,
) -> Result<Plan, (String, QueryError)> {
    let engine = Engine::default();
    let mut parsed = Vec::with_capacity(queries.len());
    for q in queries {
        parsed.push(engine.parse(q).map_err(|e| (q.clone(), e))?);
    }
    let refs: Vec<_> = parsed.iter().collect();
    let eval = Interval::new(start.millis(), end.millis());
    let selectors = selectors::needed(&refs, eval, lookback_delta);
    let all = selectors.iter().flat_map(|n| n.intervals.iter());
    let span = Interval::new(
        all.clone().map(|i| i.from).min().unwrap_or(eval.from),
        all.map(|i| i.to).max().unwrap_or(eval.to),
    );
    Ok(Plan { selectors, span })
}

/// The outcome of a recording.
#[derive(Debug)]
pub struct Recorded {
    pub selectors: Vec<SelectorReport>,
    pub series: u64,
    pub samples: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub requests: u64,
}

/// Fetches every selector of `plan` and writes the samples to `out` (atomically: nothing
/// is written unless everything was fetched).
pub fn record(
    client: &client::Client,
    plan: &Plan,
    options: FetchOptions,
    out: &Path,
    mut progress: impl FnMut(&SelectorReport),
) -> Result<Recorded, RecordError> {
    let mut fetcher = fetch::Fetcher::new(client, options);
    let mut reports = Vec::with_capacity(plan.selectors.len());
    for n in &plan.selectors {
        let r = fetcher.selector(n)?;
        progress(&r);
        reports.push(r);
    }
    let rec = fetcher.recording;
    let (series, samples, duplicates, conflicts) = (
        rec.series_count(),
        rec.sample_count(),
        rec.duplicates,
        rec.conflicts,
    );
    let store = rec.into_store();
    write::write_atomically(out, |w| crate::synth::write::write_openmetrics(&store, w))
        .map_err(|e| RecordError::Write(format!("{}: {e}", out.display())))?;
    Ok(Recorded {
        selectors: reports,
        series,
        samples,
        duplicates,
        conflicts,
        requests: client.requests.get(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Fetch(#[from] RecordFetchError),
    #[error("cannot write the recording: {0}")]
    Write(String),
}
