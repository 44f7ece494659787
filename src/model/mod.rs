//! Core data model: typed time, label sets and the in-memory columnar series store.
//!
//! Depends on nothing else in the crate; every other module builds on it.

mod columns;
pub mod go_duration;
pub mod labels;
pub mod store;
pub mod time;

pub use labels::{Label, Labels, LabelsBuilder, METRIC_NAME};
pub use store::{Origin, STALE_NAN_BITS, Series, Store, StoreBuilder, StoreError, is_stale_nan};
pub use time::{Duration, TimeParseError, Timestamp};
