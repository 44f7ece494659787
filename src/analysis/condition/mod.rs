//! The condition language of `successCondition`/`failureCondition`: the expr-lang subset
//! Argo users write, type-checked against `result` as Argo does (SEMANTICS.md §3).
//!
//! Pipeline: [`parse`] (lexer + Pratt parser, spans on every node) → [`check`] (expr's
//! compile-time typing against the runtime type of `result`) → [`evaluate`]. Error texts are
//! expr-lang v1.17.8's `file.Error.Message` (Argo unwraps the location), so they can be
//! shown to users exactly as the controller would write them. [`measurement_phase`] is
//! Argo's `EvaluateResult` (§2.4). Depends on `analysis::phase` only.

mod ast;
mod builtins;
mod check;
mod display;
mod eval;
mod lexer;
mod ops;
mod parser;
mod phase;
mod types;
mod value;

pub use ast::{BinaryOp, Expr, ExprKind, Span, UnaryOp};
pub use phase::measurement_phase;
pub use types::{ResultType, Type};

use super::ResultValue;

/// A syntax or type error, with the byte span of the offending source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConditionError {
    pub span: Span,
    pub message: String,
}

impl ConditionError {
    pub fn new(span: Span, message: String) -> ConditionError {
        ConditionError { span, message }
    }
}

/// A parsed condition: its source and AST.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub source: String,
    pub ast: Expr,
}

/// Parses a condition; syntax errors carry the span of the offending token.
pub fn parse(src: &str) -> Result<Program, ConditionError> {
    Ok(Program {
        source: src.to_string(),
        ast: parser::parse_expr(src)?,
    })
}

/// Type-checks `p` as expr does when Argo compiles it with `result` in the environment.
/// Returns the static type of the whole program.
pub fn check(p: &Program, result_type: ResultType) -> Result<Type, ConditionError> {
    check::check(&p.ast, result_type)
}

/// Runs a (checked) program. `result: None` is a nil result. The error is expr's message;
/// a non-bool outcome gives Argo's `expected bool, but got <Go type>`.
pub fn evaluate(p: &Program, result: Option<&ResultValue>) -> Result<bool, String> {
    match eval::evaluate(&p.ast, result)? {
        value::Value::Bool(b) => Ok(b),
        other => Err(format!("expected bool, but got {}", other.go_type())),
    }
}

/// Parse, check against the type of `result`, evaluate: Argo's `EvalCondition`. Parsed
/// programs and their type checks are kept per thread: a simulation judges the same few
/// conditions many times.
pub fn evaluate_condition(src: &str, result: Option<&ResultValue>) -> Result<bool, String> {
    let parsed = parse_cached(src);
    let program = parsed.program.as_ref().map_err(|e| e.clone())?;
    let typ = ResultType::of(result);
    parsed.checked[typ as usize]
        .get_or_init(|| check(program, typ).map(|_| ()).map_err(|e| e.message))
        .clone()?;
    evaluate(program, result)
}

/// A parsed condition, with its type check against each shape of `result` once done.
struct Parsed {
    program: Result<Program, String>,
    checked: [std::cell::OnceCell<Result<(), String>>; 3],
}

fn parse_cached(src: &str) -> std::rc::Rc<Parsed> {
    thread_local! {
        static PARSED: crate::memo::Memo<String, std::rc::Rc<Parsed>> =
            crate::memo::Memo::new(1024);
    }
    PARSED.with(|m| {
        m.get_or_insert(
            src,
            || src.to_string(),
            || {
                std::rc::Rc::new(Parsed {
                    program: parse(src).map_err(|e| e.message),
                    checked: Default::default(),
                })
            },
        )
    })
}

#[cfg(test)]
mod tests;
