//! Writers for what rollsim reports: the simulation timeline as text and as JSON.
//!
//! Depends on `replay` and `sim`; the CLI picks the format and prints.

pub mod simulation_json;
pub mod timeline;
