//! Scenario files: the rollout, its templates, argument values, the data to replay, how
//! manual actions resolve, and what `rollsim test` expects (DESIGN.md "Scenario file").
//!
//! Paths in a scenario are relative to the scenario file. Depends on `model` and
//! `synth::WorldConfig` (the `world:` block) and `tune::section` (the `tune:` block).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{Duration, Timestamp};
use crate::synth::WorldConfig;
use crate::tune::section::TuneSection;

/// A scenario as written (`deny_unknown_fields`: a misspelt key is an error, not ignored).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Rollout manifest; the file may also hold the templates.
    pub rollout: PathBuf,
    /// AnalysisTemplate / ClusterAnalysisTemplate files.
    #[serde(default)]
    pub templates: Vec<PathBuf>,
    /// Argument values; they override every other source (SEMANTICS.md §11.4).
    #[serde(default)]
    pub args: BTreeMap<String, String>,
    /// Recorded data to replay.
    pub data: Option<DataSection>,
    /// A synthetic traffic world, instead of `data:`.
    pub world: Option<WorldConfig>,
    #[serde(default)]
    pub operator: OperatorSection,
    pub expect: Option<ExpectSection>,
    /// How long to keep simulating after the rollout stops progressing (default 24h, capped
    /// at the end of the data).
    pub horizon: Option<String>,
    /// Prometheus semantics for the queries: 3 (default) or 2.
    pub promql_compat: Option<u8>,
    /// What `rollsim tune` sweeps by default (grid, runs, seed, regressions, targets).
    pub tune: Option<TuneSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSection {
    pub files: Vec<PathBuf>,
    /// The rollout's start inside the recording (RFC 3339 or Unix seconds).
    pub start: String,
}

/// How manual actions resolve: promote or abort some time after a pause starts, or never
/// (the simulation then ends `paused`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorSection {
    pub promote_after: Option<String>,
    pub abort_after: Option<String>,
}

/// What `rollsim test` checks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSection {
    /// `promoted`, `aborted`, `paused` or `invalid`.
    pub outcome: Option<String>,
    /// The outcome happens no later than this after the rollout starts.
    pub within: Option<String>,
    /// The outcome happens at this step index (canary).
    pub step: Option<usize>,
    /// The metric that decided the outcome.
    pub metric: Option<String>,
    /// At most this many failed canary requests before the decision (world scenarios).
    pub max_bad_requests: Option<u64>,
}

/// A scenario with paths resolved and times parsed.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub path: PathBuf,
    pub rollout: PathBuf,
    pub templates: Vec<PathBuf>,
    pub args: BTreeMap<String, String>,
    pub data_files: Vec<PathBuf>,
    /// The synthetic world, when the scenario has `world:` instead of `data:`.
    pub world: Option<WorldConfig>,
    pub start: Timestamp,
    pub promote_after: Option<Duration>,
    pub abort_after: Option<Duration>,
    pub expect: Option<ExpectSection>,
    pub horizon: Option<Duration>,
    pub promql_compat: Option<u8>,
    pub tune: Option<TuneSection>,
}

/// A scenario that cannot be used: file, optional line and column, message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), position(*line, *column))]
pub struct ScenarioError {
    pub file: PathBuf,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

fn position(line: Option<u64>, column: Option<u64>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

impl ScenarioError {
    fn new(file: &Path, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

/// Reads and checks a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::new(path, format!("cannot read: {e}")))?;
    let file: ScenarioFile = serde_saphyr::from_str(&text).map_err(|e| {
        let loc = e.location();
        ScenarioError {
            file: path.to_path_buf(),
            line: loc.map(|l| l.line()),
            column: loc.map(|l| l.column()),
            message: first_line(&e.to_string()),
        }
    })?;
    resolve(path, file)
}

/// serde-saphyr renders errors with a source snippet; the first line is the message.
fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

fn resolve(path: &Path, f: ScenarioFile) -> Result<Scenario, ScenarioError> {
    let base = path.parent().unwrap_or(Path::new("."));
    let rel = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let (data_files, world, start) = match (f.data, f.world) {
        (Some(_), Some(_)) => {
            return Err(ScenarioError::new(
                path,
                "give either `data:` (recorded) or `world:` (synthetic), not both",
            ));
        }
        (None, None) => {
            return Err(ScenarioError::new(
                path,
                "the scenario needs `data:` with `files:` and `start:`, or a `world:`",
            ));
        }
        (None, Some(w)) => {
            let config = world_config(path, w)?;
            let start = config.start;
            (Vec::new(), Some(config), start)
        }
        (Some(data), None) => {
            if data.files.is_empty() {
                return Err(ScenarioError::new(path, "`data.files` is empty"));
            }
            let start = Timestamp::parse(&data.start)
                .map_err(|e| ScenarioError::new(path, format!("data.start: {e}")))?;
            (data.files.iter().map(|p| rel(p)).collect(), None, start)
        }
    };
    let duration = |field: &str, v: &Option<String>| -> Result<Option<Duration>, ScenarioError> {
        v.as_deref()
            .map(|s| {
                Duration::parse(s).map_err(|e| ScenarioError::new(path, format!("{field}: {e}")))
            })
            .transpose()
    };
    if let Some(e) = &f.expect {
        duration("expect.within", &e.within)?;
        if let Some(o) = &e.outcome
            && !["promoted", "aborted", "paused", "invalid"].contains(&o.as_str())
        {
            return Err(ScenarioError::new(
                path,
                format!("expect.outcome: {o:?} is not one of promoted, aborted, paused, invalid"),
            ));
        }
    }
    if let Some(c) = f.promql_compat
        && c != 2
        && c != 3
    {
        return Err(ScenarioError::new(
            path,
            format!("promql_compat: {c} is not 2 or 3"),
        ));
    }
    Ok(Scenario {
        path: path.to_path_buf(),
        rollout: rel(&f.rollout),
        templates: f.templates.iter().map(|p| rel(p)).collect(),
        args: f.args,
        data_files,
        world,
        start,
        promote_after: duration("operator.promote_after", &f.operator.promote_after)?,
        abort_after: duration("operator.abort_after", &f.operator.abort_after)?,
        expect: f.expect,
        horizon: duration("horizon", &f.horizon)?,
        promql_compat: f.promql_compat,
        tune: f.tune,
    })
}

/// The `world:` block checked; its errors name the scenario and the field
/// (`world.traffic.rps: ...`). Syntax and type errors already carried a line and column.
fn world_config(path: &Path, config: WorldConfig) -> Result<WorldConfig, ScenarioError> {
    config
        .validate()
        .map_err(|e| ScenarioError::new(path, e.to_string()))?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn loads_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "s.yaml",
            "rollout: r.yaml\ntemplates: [t.yaml]\nargs: {service: checkout}\n\
             data: {files: [d.om], start: 2024-01-01T00:10:00Z}\noperator: {promote_after: 15m}\n\
             expect: {outcome: aborted, within: 10m, metric: success-rate}\n",
        );
        let s = load(&p).unwrap();
        assert_eq!(s.rollout, dir.path().join("r.yaml"));
        assert_eq!(s.data_files, vec![dir.path().join("d.om")]);
        assert_eq!(s.start, Timestamp(1_704_067_800_000));
        assert_eq!(s.promote_after, Some(Duration::from_secs(900)));
        assert_eq!(s.args["service"], "checkout");
        assert_eq!(s.expect.unwrap().metric.as_deref(), Some("success-rate"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "s.yaml",
            "rollout: r.yaml\ndata: {files: [d.om], start: 0}\nexpekt: {}\n",
        );
        let e = load(&p).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("expekt"), "{e}");
        let p = write(
            dir.path(),
            "t.yaml",
            "rollout: r.yaml\ndata: {files: [d.om], start: 0}\nexpect: {outcome: won}\n",
        );
        assert!(load(&p).unwrap_err().message.contains("not one of"));
        let p = write(dir.path(), "u.yaml", "rollout: r.yaml\n");
        assert!(load(&p).unwrap_err().message.contains("needs `data:`"));
        let p = write(
            dir.path(),
            "w.yaml",
            "rollout: r.yaml\nworld: {seed: 1, traffic: {rps: -1}}\n",
        );
        let e = load(&p).unwrap_err();
        assert!(e.message.starts_with("world.traffic.rps"), "{e}");
        let p = write(
            dir.path(),
            "x.yaml",
            "rollout: r.yaml\nworld: {seed: 3, start: 2026-01-05T10:00:00Z}\n",
        );
        let s = load(&p).unwrap();
        assert_eq!(s.world.unwrap().seed, 3);
        assert_eq!(s.start, Timestamp(1_767_607_200_000));
        let p = write(
            dir.path(),
            "y.yaml",
            "rollout: r.yaml\nworld:\n  canary: {statuses: {503: 0.01}}\n  warmup: soon\n",
        );
        let e = load(&p).unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        let p = write(dir.path(), "v.yaml", "rollout: [r.yaml\n");
        assert!(load(&p).unwrap_err().line.is_some());
    }
}
