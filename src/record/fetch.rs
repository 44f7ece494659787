//! Fetches one selector's raw samples over its intervals: probe, plan chunks, query each
//! chunk as `selector[range]` at its end (`/api/v1/query`), split a chunk the server finds
//! too big, and fall back to `/api/v1/query_range` where raw-sample queries are refused.
//!
//! A chunk `[from, to]` is asked as `selector[(to - from + 1)ms]` at `to`: Prometheus 3.x
//! reads `(to - range, to]`, exactly the chunk; 2.x reads `[to - range, to]`, one
//! millisecond more, whose sample the recording drops as a duplicate.
//!
//! The `query_range` fallback asks for `selector` and `timestamp(selector)` at a step of
//! half the scrape interval (`--fallback-step`) and keeps each distinct sample once, with
//! its own timestamp: exact while samples are at least one step apart.

use std::collections::HashMap;

use super::chunk::{self, ChunkLimits, Estimate};
use super::client::{Client, FetchError};
use super::recording::{LimitError, Limits, Recording};
use super::response::{self, LabelPairs, SeriesData};
use super::selectors::{Interval, Needed};
use super::url::api_time;

/// Which API to read raw samples with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `/api/v1/query` with `selector[range]`, falling back to `query_range` when refused.
    Auto,
    Query,
    QueryRange,
}

#[derive(Debug, Clone, Copy)]
pub struct FetchOptions {
    pub chunks: ChunkLimits,
    pub limits: Limits,
    pub api: Api,
    /// Step of the `query_range` fallback (ms); `None` derives it from the probe.
    pub fallback_step: Option<i64>,
}

/// A failure that stops the recording.
#[derive(Debug, thiserror::Error)]
pub enum RecordFetchError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{selector}: {source}")]
    Limit {
        selector: String,
        source: LimitError,
    },
    #[error("{0}")]
    Other(String),
}

/// What fetching one selector did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectorReport {
    pub selector: String,
    pub intervals: Vec<Interval>,
    /// Series and samples the probe counted (when it could).
    pub estimate: Option<Estimate>,
    pub chunks: u64,
    /// Chunks answered through the `query_range` fallback.
    pub fallback_chunks: u64,
}

/// One selector being fetched, and the `query_range` fallback step its probe suggests.
struct Target<'s> {
    selector: &'s str,
    step: Option<i64>,
}

type Fetched = Result<(), RecordFetchError>;

/// Smallest chunk split further on a "too many samples" answer (ms).
const MIN_SPLIT: i64 = 1_000;
/// `query_range` refuses more than 11,000 points per series.
const MAX_POINTS: i64 = 10_000;

pub struct Fetcher<'a> {
    pub client: &'a Client,
    pub options: FetchOptions,
    pub recording: Recording,
    /// Set once the server refused a raw-sample query: later chunks use the fallback.
    use_range: bool,
}

impl<'a> Fetcher<'a> {
    pub fn new(client: &'a Client, options: FetchOptions) -> Self {
        Fetcher {
            client,
            options,
            recording: Recording::default(),
            use_range: options.api == Api::QueryRange,
        }
    }

    pub fn selector(&mut self, n: &Needed) -> Result<SelectorReport, RecordFetchError> {
        let mut report = SelectorReport {
            selector: n.selector.clone(),
            intervals: n.intervals.clone(),
            ..Default::default()
        };
        for &iv in &n.intervals {
            let estimate = self.probe(&n.selector, iv)?;
            if let Some(e) = estimate {
                self.check_estimate(&n.selector, e)?;
                let sum = report.estimate.get_or_insert(Estimate {
                    series: 0,
                    samples: 0,
                });
                sum.series = sum.series.max(e.series);
                sum.samples += e.samples;
            }
            for c in chunk::plan(iv, estimate, self.options.chunks) {
                let target = Target {
                    selector: &n.selector,
                    step: estimate.map(|e| chunk::fallback_step(iv, Some(e))),
                };
                self.chunk(&target, c, &mut report)?;
            }
        }
        Ok(report)
    }

    /// Series and samples of `selector` over `iv`, counted by the server; `None` when the
    /// server cannot count them (too many samples for even that query, or an error).
    fn probe(&self, selector: &str, iv: Interval) -> Result<Option<Estimate>, RecordFetchError> {
        let query = format!("count_over_time({selector}[{}ms])", iv.to - iv.from + 1);
        let params = [("query", query.clone()), ("time", api_time(iv.to))];
        match self
            .client
            .get("api/v1/query", &params, &format!("probe {query}"))
        {
            Ok(data) => {
                let (_, series) = response::series(&data).map_err(RecordFetchError::Other)?;
                let samples = series
                    .iter()
                    .flat_map(|s| s.samples.iter())
                    .map(|p| p.1.max(0.0) as u64)
                    .sum();
                Ok(Some(Estimate {
                    series: series.len() as u64,
                    samples,
                }))
            }
            Err(FetchError::Api { status, .. }) if status != 400 => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn check_estimate(&self, selector: &str, e: Estimate) -> Result<(), RecordFetchError> {
        let l = self.options.limits;
        let err = if l.max_series > 0 && e.series > l.max_series {
            LimitError::Series {
                limit: l.max_series,
            }
        } else if l.max_samples > 0 && e.samples > l.max_samples {
            LimitError::Samples {
                limit: l.max_samples,
            }
        } else {
            return Ok(());
        };
        Err(RecordFetchError::Limit {
            selector: format!(
                "{selector} ({} series, {} samples in range)",
                e.series, e.samples
            ),
            source: err,
        })
    }

    fn chunk(&mut self, t: &Target, c: Interval, report: &mut SelectorReport) -> Fetched {
        let selector = t.selector;
        if self.use_range {
            return self.range_chunk(t, c, report);
        }
        let query = format!("{selector}[{}ms]", c.to - c.from + 1);
        let params = [("query", query.clone()), ("time", api_time(c.to))];
        match self.client.get(
            "api/v1/query",
            &params,
            &format!("query {query} at {}", api_time(c.to)),
        ) {
            Ok(data) => {
                let (kind, series) = response::series(&data).map_err(RecordFetchError::Other)?;
                if kind != "matrix" {
                    if self.options.api == Api::Auto {
                        self.use_range = true;
                        return self.range_chunk(t, c, report);
                    }
                    return Err(RecordFetchError::Other(format!(
                        "query {query}: the server answered a {kind}, not the matrix of raw samples (try --api query-range)"
                    )));
                }
                report.chunks += 1;
                self.add(selector, series)
            }
            Err(e) if too_many_samples(&e) && c.to - c.from >= MIN_SPLIT => {
                for half in chunk::split(c, 2) {
                    self.chunk(t, half, report)?;
                }
                Ok(())
            }
            Err(e) if self.options.api == Api::Auto && refuses_range_vectors(&e) => {
                self.use_range = true;
                self.range_chunk(t, c, report)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn add(&mut self, selector: &str, series: Vec<SeriesData>) -> Result<(), RecordFetchError> {
        self.recording
            .add(series, self.options.limits)
            .map_err(|source| RecordFetchError::Limit {
                selector: selector.to_string(),
                source,
            })
    }

    /// The fallback: `selector` and `timestamp(selector)` as range queries over `c`, on a
    /// grid ending exactly at `c.to`, in pieces of at most `MAX_POINTS` steps and
    /// `samples_per_request` points, halved while the server finds them too big.
    fn range_chunk(&mut self, t: &Target, c: Interval, report: &mut SelectorReport) -> Fetched {
        let step = self
            .options
            .fallback_step
            .or(t.step)
            .unwrap_or(15_000)
            .max(1);
        let series = report.estimate.map_or(1, |e| e.series.max(1));
        let by_samples =
            i64::try_from(self.options.chunks.samples_per_request / series).unwrap_or(MAX_POINTS);
        let points = MAX_POINTS.min(by_samples).max(1);
        let start = c.to - chunk::ceil_div(c.to - c.from, step) * step;
        let mut piece_start = start;
        while piece_start <= c.to {
            let piece_end = (piece_start + (points - 1) * step).min(c.to);
            self.range_piece(t.selector, (piece_start, piece_end, step), c, report)?;
            piece_start = piece_end + step;
        }
        Ok(())
    }

    /// One piece of the fallback grid, `start..=end` every `step`.
    fn range_piece(
        &mut self,
        selector: &str,
        (start, end, step): (i64, i64, i64),
        c: Interval,
        report: &mut SelectorReport,
    ) -> Fetched {
        let fetched = self.range(selector, start, end, step).and_then(|values| {
            let times = self.range(&format!("timestamp({selector})"), start, end, step)?;
            Ok((values, times))
        });
        match fetched {
            Ok((values, times)) => {
                let series = join_timestamps(values, times, c)
                    .map_err(|e| RecordFetchError::Other(format!("{selector}: {e}")))?;
                report.chunks += 1;
                report.fallback_chunks += 1;
                self.add(selector, series)
            }
            Err(RecordFetchError::Fetch(e)) if too_many_samples(&e) && end - start >= step => {
                let mid = start + (end - start) / step / 2 * step;
                self.range_piece(selector, (start, mid, step), c, report)?;
                self.range_piece(selector, (mid + step, end, step), c, report)
            }
            Err(e) => Err(e),
        }
    }

    fn range(
        &self,
        query: &str,
        start: i64,
        end: i64,
        step: i64,
    ) -> Result<Vec<SeriesData>, RecordFetchError> {
        let params = [
            ("query", query.to_string()),
            ("start", api_time(start)),
            ("end", api_time(end)),
            ("step", api_time(step)),
        ];
        let what = format!(
            "query_range {query} from {} to {} step {}",
            api_time(start),
            api_time(end),
            api_time(step)
        );
        let data = self.client.get("api/v1/query_range", &params, &what)?;
        let (kind, series) = response::series(&data).map_err(RecordFetchError::Other)?;
        if kind != "matrix" {
            return Err(RecordFetchError::Other(format!(
                "{what}: the server answered a {kind}, not a matrix"
            )));
        }
        Ok(series)
    }
}

fn too_many_samples(e: &FetchError) -> bool {
    e.api_message()
        .is_some_and(|m| m.contains("too many samples"))
}

/// A server that cannot answer a range vector at `/api/v1/query`.
fn refuses_range_vectors(e: &FetchError) -> bool {
    match e {
        FetchError::Api {
            error_type,
            message,
            ..
        } => {
            error_type == "bad_data"
                && (message.contains("range vector") || message.contains("matrix"))
        }
        FetchError::Status { status, .. } => matches!(status, 404 | 405 | 501),
        FetchError::Transport { .. } => false,
    }
}

/// Raw samples from `query_range` answers: each value series (labels with `__name__`)
/// paired, at every step, with `timestamp()` of the same series (labels without it); each
/// sample kept once, if it lies in `c`.
pub fn join_timestamps(
    values: Vec<SeriesData>,
    times: Vec<SeriesData>,
    c: Interval,
) -> Result<Vec<SeriesData>, String> {
    let strip = |l: &LabelPairs| -> LabelPairs {
        l.iter().filter(|(k, _)| k != "__name__").cloned().collect()
    };
    let mut by_key: HashMap<LabelPairs, &SeriesData> = HashMap::new();
    for t in &times {
        by_key.insert(strip(&t.labels), t);
    }
    let mut seen: HashMap<LabelPairs, usize> = HashMap::new();
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let key = strip(&v.labels);
        if let Some(prev) = seen.insert(key.clone(), out.len()) {
            let other: &SeriesData = &out[prev];
            return Err(format!(
                "the query_range fallback cannot tell {:?} from {:?} (same labels but the name); use --api query",
                name(&v.labels),
                name(&other.labels)
            ));
        }
        let ts: HashMap<i64, f64> = by_key
            .get(&key)
            .map(|t| t.samples.iter().copied().collect())
            .unwrap_or_default();
        let mut samples: Vec<(i64, f64)> = v
            .samples
            .iter()
            .filter_map(|(step_t, value)| {
                ts.get(step_t)
                    .map(|sec| (response::seconds_to_ms(*sec), *value))
            })
            .filter(|(t, _)| *t >= c.from && *t <= c.to)
            .collect();
        samples.sort_by_key(|p| p.0);
        samples.dedup_by_key(|p| p.0);
        out.push(SeriesData {
            labels: v.labels,
            samples,
        });
    }
    Ok(out)
}

fn name(l: &LabelPairs) -> &str {
    l.iter()
        .find(|(k, _)| k == "__name__")
        .map_or("", |(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sd(labels: &[(&str, &str)], samples: &[(i64, f64)]) -> SeriesData {
        SeriesData {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            samples: samples.to_vec(),
        }
    }

    #[test]
    fn fallback_recovers_raw_samples_from_steps() {
        // Scrapes at 0, 15, 30 s; steps every 7 s from 0 to 35 s see the latest sample.
        let values = vec![sd(
            &[("__name__", "x"), ("a", "1")],
            &[
                (0, 1.0),
                (7_000, 1.0),
                (14_000, 1.0),
                (21_000, 2.0),
                (28_000, 2.0),
                (35_000, 3.0),
            ],
        )];
        let times = vec![sd(
            &[("a", "1")],
            &[
                (0, 0.0),
                (7_000, 0.0),
                (14_000, 0.0),
                (21_000, 15.0),
                (28_000, 15.0),
                (35_000, 30.0),
            ],
        )];
        let got = join_timestamps(values.clone(), times.clone(), Interval::new(0, 35_000)).unwrap();
        assert_eq!(got[0].samples, vec![(0, 1.0), (15_000, 2.0), (30_000, 3.0)]);
        let got = join_timestamps(values, times, Interval::new(1, 35_000)).unwrap();
        assert_eq!(got[0].samples, vec![(15_000, 2.0), (30_000, 3.0)]);
        let twins = vec![sd(&[("__name__", "x")], &[]), sd(&[("__name__", "y")], &[])];
        assert!(
            join_timestamps(twins, vec![], Interval::new(0, 1))
                .unwrap_err()
                .contains("cannot tell")
        );
    }

    #[test]
    fn classifies_server_refusals() {
        let api = |t: &str, m: &str| FetchError::Api {
            what: "q".into(),
            status: 422,
            error_type: t.into(),
            message: m.into(),
        };
        assert!(too_many_samples(&api(
            "execution",
            "query processing would load too many samples into memory in query execution"
        )));
        assert!(!too_many_samples(&api("execution", "other")));
        assert!(refuses_range_vectors(&api(
            "bad_data",
            "invalid expression type \"range vector\" for range query"
        )));
        assert!(!refuses_range_vectors(&api("bad_data", "parse error")));
    }
}
