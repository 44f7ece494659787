//! Engine scenarios against a scripted `AnalysisRuns` fake, one test per rule of
//! SEMANTICS.md §4, §5, §10.4 and §11.

mod bluegreen;
mod canary_analysis;
mod canary_steps;
mod fake;
mod kit;
mod worked_example;
