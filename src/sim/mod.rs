//! The discrete-event step engine: canary and blue-green rollouts, timeline events and the
//! outcome (SEMANTICS.md §4, §5, §10, §11).
