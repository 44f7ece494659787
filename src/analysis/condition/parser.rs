//! Pratt parser for the condition language with expr-lang v1.17's precedence table
//! (`parser/operator`): `or ||` 10, `and &&` 15, comparisons and word operators 20,
//! `+ -` 30, `* / %` 60, unary `! not` 50, `**`/`^` 100 (right-assoc), unary `- +` 90,
//! `??` 500, ternary lowest. Depends on `ast`, `lexer`.

use super::ConditionError;
use super::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use super::lexer::{Kind, Token, lex};

/// Nesting deeper than this is rejected, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 200;

/// Parses a whole condition.
pub fn parse_expr(src: &str) -> Result<Expr, ConditionError> {
    let tokens = lex(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let e = p.expression(0)?;
    let t = p.current();
    if t.kind != Kind::Eof {
        return Err(unexpected(t));
    }
    // Long operator chains build deep trees without deep parser recursion; the checker and
    // evaluator recurse, so bound the height here.
    if e.depth() > MAX_DEPTH {
        return Err(ConditionError::new(
            e.span,
            "expression is nested too deeply".into(),
        ));
    }
    Ok(e)
}

/// A binary operator found at the cursor by `peek_binary`.
struct BinaryToken {
    token: Token,
    op: BinaryOp,
    prec: u16,
    right_assoc: bool,
    /// `not in`, `not matches`, ...: the result is wrapped in `not`.
    negate: bool,
}

pub(super) struct Parser {
    pub(super) tokens: Vec<Token>,
    pub(super) pos: usize,
    pub(super) depth: usize,
}

pub(super) fn unexpected(t: &Token) -> ConditionError {
    ConditionError::new(t.span, format!("unexpected token {}", t.describe()))
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = (left.span.0, right.span.1);
    Expr::new(
        ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    )
}

impl Parser {
    pub(super) fn current(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    pub(super) fn next(&mut self) -> Token {
        let t = self.current().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    pub(super) fn expect(&mut self, kind: Kind, value: &str) -> Result<Token, ConditionError> {
        if self.current().is(kind, value) {
            Ok(self.next())
        } else {
            Err(unexpected(self.current()))
        }
    }

    pub(super) fn expression(&mut self, min_prec: u16) -> Result<Expr, ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.current().span;
            return Err(ConditionError::new(
                span,
                "expression is nested too deeply".into(),
            ));
        }
        let mut left = self.primary()?;
        let mut prev_coalesce = false;
        while let Some(next) = self.peek_binary()? {
            let BinaryToken {
                token: op_tok,
                op,
                prec,
                right_assoc,
                negate,
            } = next;
            if prec < min_prec {
                break;
            }
            if negate {
                self.next();
            }
            self.next();
            if prev_coalesce && op != BinaryOp::Coalesce {
                let message = format!(
                    "Operator ({}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.",
                    op_tok.value
                );
                return Err(ConditionError::new(op_tok.span, message));
            }
            prev_coalesce = op == BinaryOp::Coalesce;
            if op.is_comparison() {
                left = self.comparison(left, op, prec)?;
                continue;
            }
            let right = self.expression(if right_assoc { prec } else { prec + 1 })?;
            left = binary(op, left, right);
            if negate {
                let span = left.span;
                let kind = ExprKind::Unary {
                    op: UnaryOp::Not,
                    expr: Box::new(left),
                };
                left = Expr::new(kind, span);
            }
        }
        if min_prec == 0 {
            left = self.conditional(left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    /// The binary operator at the cursor, if any: (token, operator, precedence,
    /// right-associative, negated). `not` must be followed by a negatable operator
    /// (`not in`, `not matches`, ...), as in expr.
    fn peek_binary(&self) -> Result<Option<BinaryToken>, ConditionError> {
        let t = self.current();
        if t.kind != Kind::Operator {
            return Ok(None);
        }
        let negate = t.value == "not";
        let op_tok = if negate {
            let after = &self.tokens[(self.pos + 1).min(self.tokens.len() - 1)];
            let negatable = matches!(
                after.value.as_str(),
                "in" | "matches" | "contains" | "startsWith" | "endsWith"
            );
            if !negatable || after.kind != Kind::Operator {
                return Err(unexpected(after));
            }
            after
        } else {
            t
        };
        Ok(
            binary_op(&op_tok.value).map(|(op, prec, right_assoc)| BinaryToken {
                token: op_tok.clone(),
                op,
                prec,
                right_assoc,
                negate,
            }),
        )
    }

    /// `a < b < c` becomes `a < b && b < c`, as expr's `parseComparison` does.
    fn comparison(
        &mut self,
        left: Expr,
        first: BinaryOp,
        prec: u16,
    ) -> Result<Expr, ConditionError> {
        let mut root: Option<Expr> = None;
        let (mut left, mut op) = (left, first);
        loop {
            let right = self.expression(prec + 1)?;
            let cmp = binary(op, left, right.clone());
            root = Some(match root {
                None => cmp,
                Some(r) => binary(BinaryOp::And("&&"), r, cmp),
            });
            left = right;
            match binary_op(&self.current().value) {
                Some((next, _, _))
                    if self.current().kind == Kind::Operator && next.is_comparison() =>
                {
                    self.next();
                    op = next;
                }
                _ => break,
            }
        }
        Ok(root.expect("the loop runs at least once"))
    }

    fn conditional(&mut self, mut node: Expr) -> Result<Expr, ConditionError> {
        while self.current().is(Kind::Operator, "?") {
            self.next();
            let (then, otherwise) = if self.current().is(Kind::Operator, ":") {
                self.next();
                (node.clone(), self.expression(0)?)
            } else {
                let then = self.expression(0)?;
                self.expect(Kind::Operator, ":")?;
                (then, self.expression(0)?)
            };
            let span = (node.span.0, otherwise.span.1);
            let kind = ExprKind::Ternary {
                cond: Box::new(node),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            };
            node = Expr::new(kind, span);
        }
        Ok(node)
    }

    fn primary(&mut self) -> Result<Expr, ConditionError> {
        let t = self.current().clone();
        if t.kind == Kind::Operator {
            let unary = match t.value.as_str() {
                "not" => Some((UnaryOp::Not, 50)),
                "!" => Some((UnaryOp::Bang, 50)),
                "-" => Some((UnaryOp::Neg, 90)),
                "+" => Some((UnaryOp::Plus, 90)),
                _ => None,
            };
            if let Some((op, prec)) = unary {
                self.next();
                let e = self.expression(prec)?;
                let span = (t.span.0, e.span.1);
                return self.postfix(Expr::new(
                    ExprKind::Unary {
                        op,
                        expr: Box::new(e),
                    },
                    span,
                ));
            }
        }
        if t.is(Kind::Bracket, "(") {
            self.next();
            let mut e = self.expression(0)?;
            let close = self.expect(Kind::Bracket, ")")?;
            e.span = (t.span.0, close.span.1);
            return self.postfix(e);
        }
        let e = self.secondary()?;
        self.postfix(e)
    }
}

mod operators;
mod secondary;

use operators::binary_op;

#[cfg(test)]
mod tests;
