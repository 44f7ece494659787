//! Kubernetes manifests: Rollout, AnalysisTemplate and ClusterAnalysisTemplate, as the Argo
//! Rollouts controller reads them (SEMANTICS.md §1, §6), with file/line for every error.
//!
//! - `load_file`/`load_str` decode multi-document YAML (anchors, merge keys, `List`) into
//!   `Manifests`; other kinds are skipped; unknown fields are errors unless
//!   `UnknownFields::Warn`; Helm templates get a "render it first" error.
//! - `flatten`, `resolve_args` and `render_metric` build an AnalysisRun's metrics the way the
//!   controller does (§1.4), with `--arg` overrides on top (§11.4).
//! - `duration` parses Go durations and `pause.duration`.
//!
//! Depends on `model` only.

pub mod args;
mod decode_rollout;
mod decode_template;
pub mod duration;
mod error;
mod load;
pub mod node;
mod obj;
mod rollout;
pub mod template;
pub mod types;

pub use args::{AnalysisSpecError, FlatAnalysis, ResolvedArgs, flatten, resolve_args};
pub use duration::{PauseDuration, parse_go_duration, parse_go_duration_ms};
pub use error::ManifestError;
pub use load::{LoadOptions, load_file, load_file_with, load_str, load_str_with};
pub use node::{Node, Pos, Value};
pub use obj::UnknownFields;
pub use template::render_metric;
pub use types::*;
