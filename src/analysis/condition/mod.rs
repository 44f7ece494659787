//! The condition language of `successCondition`/`failureCondition`: the expr-lang subset
//! Argo users write, type-checked against `result` as Argo does (SEMANTICS.md §3).
