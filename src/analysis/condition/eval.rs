//! Tree-walking evaluator for checked conditions: short-circuit `&&`/`||`, `??`, ternary,
//! indexing and slicing, predicates with `#`. Runtime errors carry expr's panic texts.
//! Depends on `ast`, `ops`, `value`, `builtins`, `analysis::phase`.

use super::super::ResultValue;
use super::ast::{BinaryOp, Expr, ExprKind};
use super::builtins;
use super::ops;
use super::value::Value;

/// Evaluates `e` with `result` bound (`None` is a nil result).
pub fn evaluate(e: &Expr, result: Option<&ResultValue>) -> Result<Value, String> {
    let result_value = match result {
        None => Value::Nil,
        Some(ResultValue::Scalar(v)) => Value::Float(*v),
        Some(ResultValue::List(vs)) => ops::float_list(vs),
    };
    let mut ev = Evaluator {
        result_is_nil: result.is_none(),
        result_value,
        scopes: Vec::new(),
    };
    ev.eval(e)
}

pub(super) struct Evaluator {
    /// Whether the whole `result` is nil (Argo's `isNil`/`default` look only at this).
    pub(super) result_is_nil: bool,
    pub(super) result_value: Value,
    /// Current elements of the enclosing predicates, innermost last.
    pub(super) scopes: Vec<Value>,
}

impl Evaluator {
    pub(super) fn eval(&mut self, e: &Expr) -> Result<Value, String> {
        match &e.kind {
            ExprKind::Nil => Ok(Value::Nil),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::Str(s.as_str().into())),
            ExprKind::Ident(name) if name == "result" => Ok(self.result_value.clone()),
            ExprKind::Ident(name) => Err(format!("unknown name {name}")),
            ExprKind::Pointer => self
                .scopes
                .last()
                .cloned()
                .ok_or_else(|| "cannot use pointer accessor outside predicate".to_string()),
            ExprKind::Array(items) => {
                let values = items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?;
                Ok(Value::array(values))
            }
            ExprKind::Unary { op, expr } => {
                let v = self.eval(expr)?;
                ops::unary(*op, v)
            }
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right),
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => match self.eval(cond)? {
                Value::Bool(true) => self.eval(then),
                Value::Bool(false) => self.eval(otherwise),
                other => Err(ops::not_bool(&other)),
            },
            ExprKind::Index { base, index } => {
                let b = self.eval(base)?;
                let i = self.eval(index)?;
                ops::fetch(&b, &i)
            }
            ExprKind::Slice { base, from, to } => {
                let b = self.eval(base)?;
                let from = from.as_deref().map(|f| self.eval(f)).transpose()?;
                let to = to.as_deref().map(|t| self.eval(t)).transpose()?;
                ops::slice(&b, from.as_ref(), to.as_ref())
            }
            ExprKind::Call { name, args } => builtins::call(self, name, args),
            ExprKind::Closure(body) => self.eval(body),
        }
    }

    fn binary(&mut self, op: BinaryOp, left: &Expr, right: &Expr) -> Result<Value, String> {
        match op {
            BinaryOp::And(_) | BinaryOp::Or(_) => {
                let stop_on = matches!(op, BinaryOp::Or(_));
                match self.eval(left)? {
                    Value::Bool(b) if b == stop_on => Ok(Value::Bool(b)),
                    Value::Bool(_) => match self.eval(right)? {
                        v @ Value::Bool(_) => Ok(v),
                        other => Err(ops::not_bool(&other)),
                    },
                    other => Err(ops::not_bool(&other)),
                }
            }
            BinaryOp::Coalesce => match self.eval(left)? {
                Value::Nil => self.eval(right),
                v => Ok(v),
            },
            _ => {
                let a = self.eval(left)?;
                let b = self.eval(right)?;
                ops::binary(op, a, b)
            }
        }
    }

    /// Runs a predicate body once per element; `#` is the element.
    pub(super) fn with_element(&mut self, element: Value, body: &Expr) -> Result<Value, String> {
        self.scopes.push(element);
        let out = self.eval(body);
        self.scopes.pop();
        out
    }
}
