//! Writers for what rollsim reports: the simulation timeline as text and as JSON, charts
//! (`chart` the data, `render` the drawing, `tradeoff` for tuning), and review reports
//! (`html`, `markdown`).
//!
//! Depends on `replay` and `sim`; the CLI picks the format and prints.

pub mod chart;
pub mod html;
pub mod markdown;
pub mod render;
pub mod simulation_json;
pub mod timeline;
pub mod tradeoff;
