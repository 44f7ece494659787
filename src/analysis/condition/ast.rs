//! The condition AST: every node carries the byte span `(start, end)` of its source text,
//! so diagnostics can point into a `successCondition`. Depends on nothing.

/// Half-open byte range `[start, end)` into the condition source.
pub type Span = (usize, usize);

/// One expression node and the source bytes it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// Unary operators, spelled as expr spells them in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `!x`
    Bang,
    /// `not x`
    Not,
}

impl UnaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Plus => "+",
            UnaryOp::Bang => "!",
            UnaryOp::Not => "not",
        }
    }
}

/// Binary operators. `And`/`Or` keep the spelling used (`&&` or `and`) for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or(&'static str),
    And(&'static str),
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Matches,
    Contains,
    StartsWith,
    EndsWith,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// `**` or `^`: both are exponentiation in expr.
    Pow(&'static str),
    Coalesce,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or(s) | BinaryOp::And(s) | BinaryOp::Pow(s) => s,
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Matches => "matches",
            BinaryOp::Contains => "contains",
            BinaryOp::StartsWith => "startsWith",
            BinaryOp::EndsWith => "endsWith",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Coalesce => "??",
        }
    }

    /// True for the operators expr chains (`a < b < c` is `a < b && b < c`).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

/// Node kinds. Member access `a.b` is an `Index` whose index is the string literal `"b"`,
/// as in expr's `MemberNode`.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Ident(String),
    /// `#`: the current element inside a predicate.
    Pointer,
    Array(Vec<Expr>),
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Ternary {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Slice {
        base: Box<Expr>,
        from: Option<Box<Expr>>,
        to: Option<Box<Expr>>,
    },
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// A predicate argument (`# > 1` or `{# > 1}`), evaluated once per element.
    Closure(Box<Expr>),
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// Direct sub-expressions, left to right.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Array(items) | ExprKind::Call { args: items, .. } => items.iter().collect(),
            ExprKind::Unary { expr, .. } | ExprKind::Closure(expr) => vec![expr],
            ExprKind::Binary { left, right, .. } => vec![left, right],
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => vec![cond, then, otherwise],
            ExprKind::Index { base, index } => vec![base, index],
            ExprKind::Slice { base, from, to } => {
                let mut v: Vec<&Expr> = vec![base];
                v.extend(from.as_deref());
                v.extend(to.as_deref());
                v
            }
            _ => Vec::new(),
        }
    }

    /// Height of the tree, computed without recursion.
    pub fn depth(&self) -> usize {
        let mut max = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((e, d)) = stack.pop() {
            max = max.max(d);
            stack.extend(e.children().into_iter().map(|c| (c, d + 1)));
        }
        max
    }
}
