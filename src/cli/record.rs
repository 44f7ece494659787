//! `rollsim record`: saves from a live Prometheus the raw series that a Rollout's or
//! AnalysisTemplates' queries read over `[--start, --end]`, as OpenMetrics that `simulate`,
//! `query` and `promtool tsdb create-blocks-from openmetrics` read.
//!
//! Exit 0 when the file is written; 2 for bad input or any failure to fetch (nothing is
//! written then). Secrets (tokens, passwords, header values) are never printed.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::simulate::parse_args;
use super::{CliError, Exit};
use crate::manifest::{self, Manifests, Provider, RolloutAnalysis, TemplateKind, TemplateRef};
use crate::model::Timestamp;
use crate::record::chunk::ChunkLimits;
use crate::record::client::{Client, ClientConfig, Secret};
use crate::record::recording::Limits;
use crate::record::url::BaseUrl;
use crate::record::{self, Api, FetchOptions};
use crate::replay::{plan as replay_plan, prepare::prepare};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiChoice {
    /// `/api/v1/query` with `selector[range]`; `query_range` if the server refuses it
    Auto,
    Query,
    QueryRange,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Prometheus base URL (`http(s)://host:port[/prefix]`)
    #[arg(long, value_name = "URL")]
    pub prometheus: String,

    /// Rollout manifest: record what all its analyses query
    #[arg(long, value_name = "FILE", required_unless_present_any = ["templates", "queries"])]
    pub rollout: Option<PathBuf>,

    /// AnalysisTemplate / ClusterAnalysisTemplate files (with --rollout: where its templates are;
    /// alone: record every template in them)
    #[arg(long = "template", value_name = "FILE")]
    pub templates: Vec<PathBuf>,

    /// A PromQL query to record the data of (repeatable; alone or with manifests)
    #[arg(long = "query", value_name = "PROMQL")]
    pub queries: Vec<String>,

    /// Argument value, NAME=VALUE; overrides template and Rollout values (repeatable)
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    pub args: Vec<String>,

    /// First measurement time (RFC 3339 or Unix seconds); data is fetched from earlier, as
    /// far back as the queries' windows and offsets reach
    #[arg(long, value_name = "T")]
    pub start: String,

    /// Last measurement time
    #[arg(long, value_name = "T")]
    pub end: String,

    /// Output OpenMetrics file (written atomically)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Read the bearer token from this file
    #[arg(long, value_name = "FILE", conflicts_with = "bearer_token_env")]
    pub bearer_token_file: Option<PathBuf>,

    /// Read the bearer token from this environment variable
    #[arg(long, value_name = "VAR")]
    pub bearer_token_env: Option<String>,

    /// Basic auth as USER:PASSWORD (visible in `ps`; prefer --basic-auth-password-file)
    #[arg(long, value_name = "USER:PASSWORD", conflicts_with_all = ["bearer_token_file", "bearer_token_env", "basic_auth_user"])]
    pub basic_auth: Option<String>,

    /// Basic auth user (with --basic-auth-password-file)
    #[arg(long, value_name = "USER", requires = "basic_auth_password_file", conflicts_with_all = ["bearer_token_file", "bearer_token_env"])]
    pub basic_auth_user: Option<String>,

    /// File holding the basic auth password
    #[arg(long, value_name = "FILE", requires = "basic_auth_user")]
    pub basic_auth_password_file: Option<PathBuf>,

    /// Extra request header 'Name: value' (repeatable; values are never printed)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// PEM file of CA certificates to trust for https
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// Do not verify the server's TLS certificate (testing only)
    #[arg(long)]
    pub insecure_skip_verify: bool,

    /// Timeout of each request
    #[arg(long, value_name = "D", default_value = "60s")]
    pub timeout: String,

    /// Retries of a request after a 5xx, 429 or connection failure (exponential backoff)
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,

    /// First backoff wait; doubles each retry, at most 30s
    #[arg(long, value_name = "D", default_value = "500ms")]
    pub retry_backoff: String,

    /// Refuse to record more series than this (0: no limit)
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_series: u64,

    /// Refuse to record more samples than this (0: no limit)
    #[arg(long, value_name = "N", default_value_t = 20_000_000)]
    pub max_samples: u64,

    /// Samples one request may return; keep it under the server's --query.max-samples
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_samples_per_request: u64,

    /// Longest time range one request covers
    #[arg(long, value_name = "D", default_value = "1d")]
    pub max_chunk: String,

    /// Which API reads raw samples
    #[arg(long, value_enum, default_value = "auto")]
    pub api: ApiChoice,

    /// Step of the query_range fallback [default: half the scrape interval]
    #[arg(long, value_name = "D")]
    pub fallback_step: Option<String>,

    /// How far back an instant selector looks (the replay's --query.lookback-delta)
    #[arg(long, value_name = "D", default_value = "5m")]
    pub lookback_delta: String,
}

pub fn run(a: &RecordArgs) -> Result<Exit, CliError> {
    let started = Instant::now();
    let start = time("--start", &a.start)?;
    let end = time("--end", &a.end)?;
    if end < start {
        return Err(CliError::Usage("--end must not be before --start".into()));
    }
    let overrides = parse_args(&a.args)?;
    let mut warnings = Vec::new();
    let mut queries = manifest_queries(a, &overrides, &mut warnings)?;
    queries.extend(a.queries.iter().cloned());
    queries.dedup();
    if queries.is_empty() {
        return Err(CliError::Input(
            "no Prometheus query to record (the manifests have no prometheus metric)".into(),
        ));
    }
    let lookback = super::duration_flag("--lookback-delta", &a.lookback_delta)?;
    let plan = record::plan(&queries, start, end, lookback.millis())
        .map_err(|(q, e)| CliError::Input(format!("query {q:?}: {e}")))?;
    let client = Client::new(client_config(a)?).map_err(CliError::Usage)?;
    let options = fetch_options(a)?;
    let mut err = io::stderr().lock();
    for w in &warnings {
        writeln!(err, "warning: {w}")?;
    }
    writeln!(
        err,
        "recording {} selector(s) of {} query(ies) from {} over {} .. {}",
        plan.selectors.len(),
        queries.len(),
        client.base(),
        Timestamp(plan.span.from),
        Timestamp(plan.span.to)
    )?;
    let recorded = record::record(&client, &plan, options, &a.out, |r| {
        let _ = writeln!(io::stderr(), "{}", progress_line(r));
    })
    .map_err(|e| CliError::Input(format!("recording failed, nothing written: {e}")))?;
    let mut err = io::stderr().lock();
    if recorded.conflicts > 0 {
        writeln!(
            err,
            "warning: {} samples had two values at one time; kept the first",
            recorded.conflicts
        )?;
    }
    writeln!(
        err,
        "wrote {} series, {} samples to {} ({} requests, {:.1}s)",
        recorded.series,
        recorded.samples,
        a.out.display(),
        recorded.requests,
        started.elapsed().as_secs_f64()
    )?;
    Ok(Exit::Success)
}

/// `  selector: N chunk(s), about S series, M samples, FROM .. TO[, ...]`.
fn progress_line(r: &record::SelectorReport) -> String {
    let estimate = r.estimate.map_or(String::new(), |e| {
        format!(", about {} series, {} samples", e.series, e.samples)
    });
    let spans: Vec<String> = r
        .intervals
        .iter()
        .map(|i| format!("{} .. {}", Timestamp(i.from), Timestamp(i.to)))
        .collect();
    let fallback = if r.fallback_chunks > 0 {
        " (query_range fallback)"
    } else {
        ""
    };
    format!(
        "  {}: {} chunk(s){estimate}, {}{fallback}",
        r.selector,
        r.chunks,
        spans.join(", ")
    )
}

fn time(flag: &str, s: &str) -> Result<Timestamp, CliError> {
    Timestamp::parse(s).map_err(|e| CliError::Usage(format!("{flag}: {e}")))
}

fn read_secret_file(flag: &str, p: &PathBuf) -> Result<Secret, CliError> {
    let text = std::fs::read_to_string(p)
        .map_err(|e| CliError::Input(format!("{flag} {}: {e}", p.display())))?;
    let s = text.trim().to_string();
    if s.is_empty() {
        return Err(CliError::Input(format!(
            "{flag} {}: the file is empty",
            p.display()
        )));
    }
    Ok(Secret(s))
}

fn client_config(a: &RecordArgs) -> Result<ClientConfig, CliError> {
    let (base, url_creds) =
        BaseUrl::parse(&a.prometheus).map_err(|e| CliError::Usage(format!("--prometheus: {e}")))?;
    let bearer_token = match (&a.bearer_token_file, &a.bearer_token_env) {
        (Some(p), _) => Some(read_secret_file("--bearer-token-file", p)?),
        (None, Some(var)) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Some(Secret(v.trim().to_string())),
            _ => {
                return Err(CliError::Input(format!(
                    "--bearer-token-env: environment variable {var} is not set or empty"
                )));
            }
        },
        (None, None) => None,
    };
    let basic_auth = match (
        &a.basic_auth,
        &a.basic_auth_user,
        &a.basic_auth_password_file,
    ) {
        (Some(up), _, _) => match up.split_once(':') {
            Some((u, p)) if !u.is_empty() => Some((u.to_string(), Secret(p.to_string()))),
            _ => {
                return Err(CliError::Usage(
                    "--basic-auth: expected USER:PASSWORD".into(),
                ));
            }
        },
        (None, Some(u), Some(p)) => Some((
            u.clone(),
            read_secret_file("--basic-auth-password-file", p)?,
        )),
        _ => url_creds.map(|c| (c.user, Secret(c.password))),
    };
    let headers = a
        .headers
        .iter()
        .map(|h| match h.split_once(':') {
            Some((k, v)) if is_token(k.trim()) => {
                Ok((k.trim().to_string(), Secret(v.trim().to_string())))
            }
            _ => Err(CliError::Usage(format!(
                "--header: expected 'Name: value', got a value starting {:?}",
                h.chars()
                    .take(h.find(':').unwrap_or(h.len()).min(20))
                    .collect::<String>()
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ca_pem = a
        .ca_file
        .as_ref()
        .map(|p| {
            std::fs::read(p).map_err(|e| CliError::Input(format!("--ca-file {}: {e}", p.display())))
        })
        .transpose()?;
    let timeout = super::duration_flag("--timeout", &a.timeout)?;
    let backoff = super::duration_flag("--retry-backoff", &a.retry_backoff)?;
    if timeout.millis() <= 0 {
        return Err(CliError::Usage("--timeout must be positive".into()));
    }
    Ok(ClientConfig {
        base,
        bearer_token,
        basic_auth,
        headers,
        ca_pem,
        insecure_skip_verify: a.insecure_skip_verify,
        timeout: std::time::Duration::from_millis(timeout.millis() as u64),
        retries: a.retries,
        backoff_base: std::time::Duration::from_millis(backoff.millis().max(0) as u64),
        backoff_cap: std::time::Duration::from_secs(30),
    })
}

/// An HTTP header name (RFC 9110 token).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn fetch_options(a: &RecordArgs) -> Result<FetchOptions, CliError> {
    let max_chunk = super::duration_flag("--max-chunk", &a.max_chunk)?;
    if max_chunk.millis() < 1000 {
        return Err(CliError::Usage("--max-chunk must be at least 1s".into()));
    }
    let fallback_step = a
        .fallback_step
        .as_deref()
        .map(|s| super::duration_flag("--fallback-step", s))
        .transpose()?
        .map(|d| d.millis());
    if fallback_step.is_some_and(|s| s <= 0) {
        return Err(CliError::Usage("--fallback-step must be positive".into()));
    }
    if a.max_samples_per_request == 0 {
        return Err(CliError::Usage(
            "--max-samples-per-request must be positive".into(),
        ));
    }
    Ok(FetchOptions {
        chunks: ChunkLimits {
            samples_per_request: a.max_samples_per_request,
            max_span: max_chunk.millis(),
        },
        limits: Limits {
            max_series: a.max_series,
            max_samples: a.max_samples,
        },
        api: match a.api {
            ApiChoice::Auto => Api::Auto,
            ApiChoice::Query => Api::Query,
            ApiChoice::QueryRange => Api::QueryRange,
        },
        fallback_step,
    })
}

/// The resolved Prometheus queries of the Rollout's analyses, or of every template.
fn manifest_queries(
    a: &RecordArgs,
    overrides: &[(String, String)],
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, CliError> {
    let mut manifests = Manifests::default();
    if let Some(r) = &a.rollout {
        manifests.extend(load(r)?);
    }
    for t in &a.templates {
        manifests.extend(load(t)?);
    }
    warnings.extend(manifests.warnings.iter().map(|w| w.to_string()));
    let mut metrics = Vec::new();
    if let Some(path) = &a.rollout {
        let rollout = manifests.rollouts.first().ok_or_else(|| {
            CliError::Input(format!(
                "{}: no Rollout found (kind: Rollout, apiVersion argoproj.io/v1alpha1)",
                path.display()
            ))
        })?;
        let built = replay_plan::build(rollout, &manifests, overrides);
        if let Some(reason) = &built.plan.invalid {
            return Err(CliError::Input(format!(
                "Rollout {}: {reason}",
                rollout.name
            )));
        }
        if let Some(arg) = built.unresolved_args.first() {
            return Err(CliError::Input(format!(
                "argument {arg:?} comes from a valueFrom rollsim cannot read; pass --arg {arg}=VALUE"
            )));
        }
        for p in &built.analyses {
            if let Some(e) = &p.run_error {
                return Err(CliError::Input(format!("analysis {}: {e}", p.name)));
            }
            metrics.extend(p.metrics.iter().cloned());
        }
    } else {
        let all = manifests
            .analysis_templates
            .iter()
            .chain(&manifests.cluster_analysis_templates);
        for t in all {
            let analysis = RolloutAnalysis {
                templates: vec![TemplateRef {
                    template_name: t.name.clone(),
                    cluster_scope: t.kind == TemplateKind::ClusterAnalysisTemplate,
                }],
                ..Default::default()
            };
            let p = prepare(&analysis, &manifests, overrides).map_err(|e| {
                CliError::Input(format!("template {}: {e}; pass --arg NAME=VALUE", t.name))
            })?;
            if let Some(e) = &p.run_error {
                return Err(CliError::Input(format!(
                    "template {}: {e}; pass --arg NAME=VALUE",
                    t.name
                )));
            }
            metrics.extend(p.metrics);
        }
    }
    let mut queries = Vec::new();
    for m in metrics {
        match &m.provider {
            Provider::Prometheus(p) => {
                if p.range_query.is_some() {
                    warnings.push(format!(
                        "metric {:?}: rangeQuery is recorded for its instant evaluations only (rollsim replays instant queries)",
                        m.name
                    ));
                }
                queries.push(p.query.trim().to_string());
            }
            _ => warnings.push(format!(
                "metric {:?}: not a prometheus metric; nothing to record",
                m.name
            )),
        }
    }
    queries.sort();
    queries.dedup();
    Ok(queries)
}

fn load(p: &Path) -> Result<Manifests, CliError> {
    manifest::load_file(p).map_err(|e| CliError::Input(e.to_string()))
}
