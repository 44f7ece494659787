//! Kubernetes manifests: Rollout, AnalysisTemplate and ClusterAnalysisTemplate, as the Argo
//! Rollouts controller reads them (SEMANTICS.md §1, §6), with file/line for every error.
//!
//! Depends on `model` only.

pub mod node;
