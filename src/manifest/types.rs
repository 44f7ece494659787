//! Typed mirrors of AnalysisTemplate / ClusterAnalysisTemplate (metrics, providers, args) and the
//! `Manifests` collection, limited to what the simulator and linter read (SEMANTICS.md §1).
//!
//! Depends on `manifest::node` (positions and opaque raw values).

use super::node::{Node, Pos};

/// Where an object was written: the file and the position of its YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Source {
    pub file: String,
    pub pos: Pos,
}

/// Every Argo object found in one or more files.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    pub rollouts: Vec<Rollout>,
    /// Namespaced `AnalysisTemplate`s.
    pub analysis_templates: Vec<AnalysisTemplate>,
    pub cluster_analysis_templates: Vec<AnalysisTemplate>,
    /// Unknown fields when loading with `UnknownFields::Warn`.
    pub warnings: Vec<super::error::ManifestError>,
}

/// A Kubernetes `int-or-string`, kept as written so `{{args.n}}` can be templated later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrString {
    Int(i64),
    Str(String),
}

impl IntOrString {
    /// Argo's reading: an int, or a string parsed as an integer; a non-numeric string is 0.
    pub fn int_value(&self) -> i64 {
        match self {
            IntOrString::Int(i) => *i,
            IntOrString::Str(s) => s.trim().parse().unwrap_or(0),
        }
    }
}

/// `AnalysisTemplate` or `ClusterAnalysisTemplate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    AnalysisTemplate,
    ClusterAnalysisTemplate,
}

#[derive(Debug, Clone)]
pub struct AnalysisTemplate {
    pub kind: TemplateKind,
    pub name: String,
    pub namespace: Option<String>,
    pub spec: AnalysisTemplateSpec,
    pub source: Source,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalysisTemplateSpec {
    pub metrics: Vec<Metric>,
    pub args: Vec<Argument>,
    pub dry_run: Vec<DryRun>,
    pub measurement_retention: Vec<MeasurementRetention>,
    pub templates: Vec<TemplateRef>,
}

/// An argument, template-side (`Argument`) or Rollout-side (`AnalysisRunArgument`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argument {
    pub name: String,
    pub value: Option<String>,
    pub value_from: Option<ValueFrom>,
}

/// A `valueFrom` source; none of them can be read offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueFrom {
    SecretKeyRef {
        name: String,
        key: String,
    },
    FieldRef {
        field_path: String,
    },
    /// `Stable` or `Latest`.
    PodTemplateHashValue(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    pub metric_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurementRetention {
    pub metric_name: String,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRef {
    pub template_name: String,
    pub cluster_scope: bool,
}

/// One metric (SEMANTICS §1.2). Optional fields are `None` when absent; the defaults of §6.2
/// apply at simulation time. Durations are kept as written (Go durations, parsed by
/// `duration::parse_go_duration` when the run is validated).
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    pub interval: Option<String>,
    pub initial_delay: Option<String>,
    pub count: Option<IntOrString>,
    pub success_condition: Option<String>,
    pub failure_condition: Option<String>,
    pub failure_limit: Option<IntOrString>,
    pub inconclusive_limit: Option<IntOrString>,
    pub consecutive_error_limit: Option<IntOrString>,
    pub consecutive_success_limit: Option<IntOrString>,
    pub provider: Provider,
    pub spans: MetricSpans,
}

/// Positions of a metric and of the fields a linter points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MetricSpans {
    pub metric: Pos,
    pub name: Option<Pos>,
    pub interval: Option<Pos>,
    pub initial_delay: Option<Pos>,
    pub count: Option<Pos>,
    pub success_condition: Option<Pos>,
    pub failure_condition: Option<Pos>,
    pub failure_limit: Option<Pos>,
    pub query: Option<Pos>,
}

/// The metric's `provider`. Exactly one is valid; the others are kept for validation messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Provider {
    Prometheus(Prometheus),
    /// A provider rollsim cannot evaluate (`web`, `datadog`, `job`, ...), with its raw spec.
    Other {
        name: String,
        raw: Node,
    },
    /// `provider: {}` or absent: `no provider specified`.
    None,
    /// More than one provider key: `multiple providers specified`.
    Multiple(Vec<String>),
}

/// `provider.prometheus` (SEMANTICS §1.5).
#[derive(Debug, Clone, PartialEq)]
pub struct Prometheus {
    pub address: Option<String>,
    pub query: String,
    /// Seconds; `None` means the default 30.
    pub timeout: Option<i64>,
    pub insecure: bool,
    pub headers: Vec<Header>,
    pub range_query: Option<RangeQuery>,
    /// `authentication` (sigv4, oauth2, basicAuth), irrelevant offline.
    pub authentication: Option<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub key: String,
    pub value: String,
}

/// `rangeQuery`: `start`/`end` are expr expressions, `step` a Go duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeQuery {
    pub start: String,
    pub end: String,
    pub step: String,
}

pub use super::rollout::*;
