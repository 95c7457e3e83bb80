//! Driver expressions: the `expr` series form (MODEL.md §3, §11.12).
//!
//! `{ expr: "population / household_size" }` is arithmetic over named drivers,
//! evaluated year by year. Grammar (loosest first):
//!
//! ```text
//! sum     = product (("+" | "-") product)*        left-associative
//! product = unary (("*" | "/") unary)*            left-associative
//! unary   = "-" unary | power
//! power   = primary ("^" unary)?                  right-associative, tighter than unary minus
//! primary = number | name | "min(" sum "," sum ")" | "max(" sum "," sum ")" | "(" sum ")"
//! ```
//!
//! So `-2^2` = -4, `2^3^2` = 512 and `2^-1` = 0.5. Names match
//! `[a-z][a-z0-9_]*`; `min` and `max` are functions when followed by `(`.
//!
//! Dimensions: numbers are dimensionless; `+ - min max` need equal
//! dimensions; `* /` combine; a base with a dimension may only be raised to a
//! constant power that keeps every exponent an integer (§11.12).
//!
//! Evaluation: [`Expr::compile`] flattens the tree into a [`Program`] (RPN)
//! whose names are slot indices into one flat `values` array, so the engine
//! evaluates every year without allocating. Values are in base units; the
//! arithmetic is plain `f64` (division by zero gives ±inf or NaN).

use std::fmt;

use crate::dimension::Dimension;

/// Deepest nesting accepted by [`parse_expr`]: parentheses, function arguments, unary
/// minus and powers (`2^3^2` nests to the right). A chain of `+ - * /` at one level is not
/// nesting: `a + b + … + z` of any length up to [`MAX_OPERATORS`] is accepted.
pub const MAX_DEPTH: usize = 200;

/// Most operators (binary and unary, and `min`/`max`) in one expression. With
/// [`MAX_DEPTH`] it bounds the depth of the expression tree, so no input can exhaust the
/// stack of the functions that walk it: a left-leaning chain of 500 operators is 500
/// levels deep, which a 2 MiB thread stack (Rust's default for spawned threads and test
/// threads) walks even in a debug build.
pub const MAX_OPERATORS: usize = 500;

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

impl BinOp {
    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
        }
    }

    fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Pow => a.powf(b),
        }
    }
}

/// A parsed expression tree. Values are in base units of each name's dimension.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A dimensionless number.
    Num(f64),
    /// A driver name.
    Name(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `min(a, b)`.
    Min(Box<Expr>, Box<Expr>),
    /// `max(a, b)`.
    Max(Box<Expr>, Box<Expr>),
}

/// An error in an expression: where (byte offset into the text) and what.
///
/// Errors from [`Expr::dimension`] have offset 0, since the tree keeps no
/// positions; their message names the operands instead. `Display` writes the
/// message only; callers render the offset as a location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Byte offset in the expression text.
    pub offset: usize,
    /// What is wrong (and what was expected), without trailing period.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The offset is for the caller to turn into a span; the text alone reads well.
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    Num(f64),
    Name(&'a str),
    Op(char),
    LParen,
    RParen,
    Comma,
    End,
}

fn describe(tok: Tok<'_>) -> String {
    match tok {
        Tok::Num(v) => format!("number `{}`", crate::format_number(v)),
        Tok::Name(n) => format!("name `{n}`"),
        Tok::Op(c) => format!("`{c}`"),
        Tok::LParen => "`(`".to_string(),
        Tok::RParen => "`)`".to_string(),
        Tok::Comma => "`,`".to_string(),
        Tok::End => "end of expression".to_string(),
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    tok: Tok<'a>,
    tok_start: usize,
    depth: usize,
    operators: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Self, ExprError> {
        let mut p = Parser {
            text,
            pos: 0,
            tok: Tok::End,
            tok_start: 0,
            depth: 0,
            operators: 0,
        };
        p.advance()?;
        Ok(p)
    }

    fn err<T>(&self, offset: usize, message: String) -> Result<T, ExprError> {
        Err(ExprError { offset, message })
    }

    /// Reads the next token into `self.tok`.
    fn advance(&mut self) -> Result<(), ExprError> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        self.tok_start = self.pos;
        let Some(&b) = bytes.get(self.pos) else {
            self.tok = Tok::End;
            return Ok(());
        };
        let start = self.pos;
        self.tok = match b {
            b'0'..=b'9' | b'.' => {
                let digits = |bytes: &[u8], mut i: usize| {
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    i
                };
                let mut i = digits(bytes, start);
                if bytes.get(i) == Some(&b'.') {
                    i = digits(bytes, i + 1);
                }
                if matches!(bytes.get(i), Some(b'e' | b'E')) {
                    let mut j = i + 1;
                    if matches!(bytes.get(j), Some(b'+' | b'-')) {
                        j += 1;
                    }
                    if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                        i = digits(bytes, j);
                    }
                }
                let s = &self.text[start..i];
                self.pos = i;
                match s.parse::<f64>() {
                    Ok(v) if v.is_finite() => Tok::Num(v),
                    Ok(_) => return self.err(start, format!("number `{s}` is out of range")),
                    Err(_) => return self.err(start, format!("invalid number `{s}`")),
                }
            }
            b'a'..=b'z' => {
                let mut i = start + 1;
                while i < bytes.len() && matches!(bytes[i], b'a'..=b'z' | b'0'..=b'9' | b'_') {
                    i += 1;
                }
                self.pos = i;
                Tok::Name(&self.text[start..i])
            }
            b'+' | b'-' | b'*' | b'/' | b'^' => {
                self.pos += 1;
                Tok::Op(char::from(b))
            }
            b'(' => {
                self.pos += 1;
                Tok::LParen
            }
            b')' => {
                self.pos += 1;
                Tok::RParen
            }
            b',' => {
                self.pos += 1;
                Tok::Comma
            }
            _ => {
                let c = self.text[start..].chars().next().unwrap_or('?');
                let hint = if c.is_ascii_uppercase() {
                    "; names are lower case `[a-z][a-z0-9_]*`"
                } else {
                    ""
                };
                return self.err(start, format!("unexpected character `{c}`{hint}"));
            }
        };
        Ok(())
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(
                self.tok_start,
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            );
        }
        Ok(())
    }

    fn expect(&mut self, want: Tok<'_>, what: &str) -> Result<(), ExprError> {
        if self.tok == want {
            self.advance()
        } else {
            self.err(
                self.tok_start,
                format!("expected {what}, found {}", describe(self.tok)),
            )
        }
    }

    /// Each returns the node and the depth of the tree it roots.
    fn sum(&mut self) -> Result<(Expr, usize), ExprError> {
        let (mut lhs, mut d) = self.product()?;
        while let Tok::Op(c @ ('+' | '-')) = self.tok {
            self.advance()?;
            let (rhs, rd) = self.product()?;
            let op = if c == '+' { BinOp::Add } else { BinOp::Sub };
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
            d = self.node_depth(d, rd)?;
        }
        Ok((lhs, d))
    }

    fn product(&mut self) -> Result<(Expr, usize), ExprError> {
        let (mut lhs, mut d) = self.unary()?;
        while let Tok::Op(c @ ('*' | '/')) = self.tok {
            self.advance()?;
            let (rhs, rd) = self.unary()?;
            let op = if c == '*' { BinOp::Mul } else { BinOp::Div };
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
            d = self.node_depth(d, rd)?;
        }
        Ok((lhs, d))
    }

    /// The depth of a new operator node over children of depth `a` and `b`, counting the
    /// operator against [`MAX_OPERATORS`] (nesting is limited by `enter`).
    fn node_depth(&mut self, a: usize, b: usize) -> Result<usize, ExprError> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return self.err(
                self.tok_start,
                format!("expression too long (more than {MAX_OPERATORS} operators)"),
            );
        }
        Ok(a.max(b) + 1)
    }

    fn unary(&mut self) -> Result<(Expr, usize), ExprError> {
        self.enter()?;
        let out = if self.tok == Tok::Op('-') {
            self.advance()?;
            let (inner, d) = self.unary()?;
            (Expr::Neg(Box::new(inner)), self.node_depth(d, 0)?)
        } else {
            self.power()?
        };
        self.depth -= 1;
        Ok(out)
    }

    fn power(&mut self) -> Result<(Expr, usize), ExprError> {
        let (base, bd) = self.primary()?;
        if self.tok == Tok::Op('^') {
            self.advance()?;
            let (exp, ed) = self.unary()?;
            let d = self.node_depth(bd, ed)?;
            return Ok((Expr::Bin(BinOp::Pow, Box::new(base), Box::new(exp)), d));
        }
        Ok((base, bd))
    }

    fn primary(&mut self) -> Result<(Expr, usize), ExprError> {
        let start = self.tok_start;
        match self.tok {
            Tok::Num(v) => {
                self.advance()?;
                Ok((Expr::Num(v), 1))
            }
            Tok::Name(name) => {
                self.advance()?;
                if self.tok != Tok::LParen {
                    return Ok((Expr::Name(name.to_string()), 1));
                }
                if name != "min" && name != "max" {
                    return self.err(
                        start,
                        format!("`{name}` is not a function; only `min` and `max` take arguments"),
                    );
                }
                self.advance()?;
                self.enter()?;
                let (a, ad) = self.sum()?;
                self.expect(
                    Tok::Comma,
                    &format!("`,` after the first argument of `{name}`"),
                )?;
                let (b, bd) = self.sum()?;
                if self.tok == Tok::Comma {
                    return self.err(
                        self.tok_start,
                        format!("`{name}` takes exactly two arguments"),
                    );
                }
                self.expect(Tok::RParen, &format!("`)` to close `{name}(`"))?;
                self.depth -= 1;
                let d = self.node_depth(ad, bd)?;
                let node = if name == "min" {
                    Expr::Min(Box::new(a), Box::new(b))
                } else {
                    Expr::Max(Box::new(a), Box::new(b))
                };
                Ok((node, d))
            }
            Tok::LParen => {
                self.advance()?;
                self.enter()?;
                let inner = self.sum()?;
                self.expect(Tok::RParen, "`)`")?;
                self.depth -= 1;
                Ok(inner)
            }
            other => self.err(
                start,
                format!(
                    "expected a number, a name, `-` or `(`, found {}",
                    describe(other)
                ),
            ),
        }
    }
}

/// Parses an expression (see the module docs for the grammar).
pub fn parse_expr(text: &str) -> Result<Expr, ExprError> {
    let mut p = Parser::new(text)?;
    let (expr, _) = p.sum()?;
    if p.tok != Tok::End {
        let what = match p.tok {
            Tok::RParen => "unmatched `)`".to_string(),
            other => format!(
                "expected an operator (`+ - * / ^`) or the end, found {}",
                describe(other)
            ),
        };
        return p.err(p.tok_start, what);
    }
    Ok(expr)
}

fn dim_error<T>(message: String) -> Result<T, ExprError> {
    Err(ExprError { offset: 0, message })
}

impl Expr {
    /// Distinct names in first-appearance order.
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.visit_names(&mut |n| {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        });
        out
    }

    fn visit_names(&self, f: &mut dyn FnMut(&str)) {
        match self {
            Expr::Num(_) => {}
            Expr::Name(n) => f(n),
            Expr::Neg(a) => a.visit_names(f),
            Expr::Bin(_, a, b) | Expr::Min(a, b) | Expr::Max(a, b) => {
                a.visit_names(f);
                b.visit_names(f);
            }
        }
    }

    /// The value of an expression with no names (`None` if it has any).
    pub fn constant_value(&self) -> Option<f64> {
        match self {
            Expr::Num(v) => Some(*v),
            Expr::Name(_) => None,
            Expr::Neg(a) => a.constant_value().map(|v| -v),
            Expr::Bin(op, a, b) => Some(op.apply(a.constant_value()?, b.constant_value()?)),
            Expr::Min(a, b) => Some(a.constant_value()?.min(b.constant_value()?)),
            Expr::Max(a, b) => Some(a.constant_value()?.max(b.constant_value()?)),
        }
    }

    /// Evaluates the tree directly, `value_of(name)` giving each name's value
    /// (in base units). Plain `f64` arithmetic, as [`Program::eval`].
    pub fn eval(&self, value_of: &dyn Fn(&str) -> f64) -> f64 {
        match self {
            Expr::Num(v) => *v,
            Expr::Name(n) => value_of(n),
            Expr::Neg(a) => -a.eval(value_of),
            Expr::Bin(op, a, b) => op.apply(a.eval(value_of), b.eval(value_of)),
            Expr::Min(a, b) => a.eval(value_of).min(b.eval(value_of)),
            Expr::Max(a, b) => a.eval(value_of).max(b.eval(value_of)),
        }
    }

    /// Dimension of the result; `dim_of(name)` gives each name's dimension
    /// (`None` = unknown name → error naming it).
    ///
    /// `+ - min max` need equal dimensions (the error names both operands and
    /// their dimensions); `* /` combine; in `a ^ b`, if `a` has a dimension
    /// then `b` must be a constant (numbers only) whose value times every
    /// exponent of `a` is an integer; a dimensionless `a` takes any
    /// dimensionless `b`. Numbers are dimensionless.
    pub fn dimension(
        &self,
        dim_of: &dyn Fn(&str) -> Option<Dimension>,
    ) -> Result<Dimension, ExprError> {
        match self {
            Expr::Num(_) => Ok(Dimension::none()),
            Expr::Name(n) => match dim_of(n) {
                Some(d) => Ok(d),
                None => dim_error(format!("unknown name `{n}`")),
            },
            Expr::Neg(a) => a.dimension(dim_of),
            Expr::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                let verb = if *op == BinOp::Add { "add" } else { "subtract" };
                let joiner = if *op == BinOp::Add { "and" } else { "from" };
                let (da, db) = (a.dimension(dim_of)?, b.dimension(dim_of)?);
                if da != db {
                    // "subtract b from a" reads in that order.
                    let (x, dx, y, dy) = if *op == BinOp::Add {
                        (a, &da, b, &db)
                    } else {
                        (b, &db, a, &da)
                    };
                    return dim_error(format!(
                        "cannot {verb} `{x}` ({dx}) {joiner} `{y}` ({dy}): the dimensions differ"
                    ));
                }
                Ok(da)
            }
            Expr::Bin(BinOp::Mul, a, b) => Ok(a.dimension(dim_of)?.mul(&b.dimension(dim_of)?)),
            Expr::Bin(BinOp::Div, a, b) => Ok(a.dimension(dim_of)?.div(&b.dimension(dim_of)?)),
            Expr::Bin(BinOp::Pow, a, b) => {
                let (da, db) = (a.dimension(dim_of)?, b.dimension(dim_of)?);
                if !db.is_none() {
                    return dim_error(format!(
                        "the exponent `{b}` must be dimensionless, but it is {db}"
                    ));
                }
                if da.is_none() {
                    return Ok(da);
                }
                let Some(p) = b.constant_value() else {
                    return dim_error(format!(
                        "`{a}` has dimension {da}, so its exponent must be a constant, not `{b}`"
                    ));
                };
                match da.try_powf(p) {
                    Some(d) => Ok(d),
                    None => dim_error(format!(
                        "cannot raise `{a}` ({da}) to the power {}: the dimension's exponents would not be integers",
                        crate::format_number(p)
                    )),
                }
            }
            Expr::Min(a, b) | Expr::Max(a, b) => {
                let f = if matches!(self, Expr::Min(..)) {
                    "min"
                } else {
                    "max"
                };
                let (da, db) = (a.dimension(dim_of)?, b.dimension(dim_of)?);
                if da != db {
                    return dim_error(format!(
                        "`{f}` needs arguments of one dimension, but `{a}` is {da} and `{b}` is {db}"
                    ));
                }
                Ok(da)
            }
        }
    }

    /// Compiles to a flat program where each name becomes the slot index
    /// `slot_of(name)`.
    pub fn compile(&self, slot_of: &dyn Fn(&str) -> usize) -> Program {
        let mut ops = Vec::new();
        self.emit(slot_of, &mut ops);
        Program { ops }
    }

    fn emit(&self, slot_of: &dyn Fn(&str) -> usize, ops: &mut Vec<Op>) {
        match self {
            Expr::Num(v) => ops.push(Op::Num(*v)),
            Expr::Name(n) => ops.push(Op::Load(slot_of(n))),
            Expr::Neg(a) => {
                a.emit(slot_of, ops);
                ops.push(Op::Neg);
            }
            Expr::Bin(op, a, b) => {
                a.emit(slot_of, ops);
                b.emit(slot_of, ops);
                ops.push(Op::Bin(*op));
            }
            Expr::Min(a, b) => {
                a.emit(slot_of, ops);
                b.emit(slot_of, ops);
                ops.push(Op::Min);
            }
            Expr::Max(a, b) => {
                a.emit(slot_of, ops);
                b.emit(slot_of, ops);
                ops.push(Op::Max);
            }
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Bin(BinOp::Add | BinOp::Sub, ..) => 1,
            Expr::Bin(BinOp::Mul | BinOp::Div, ..) => 2,
            Expr::Neg(_) => 3,
            Expr::Bin(BinOp::Pow, ..) => 4,
            Expr::Num(v) if *v < 0.0 => 3,
            _ => 5,
        }
    }
}

/// Writes the expression back in the grammar, with only the parentheses
/// needed (`a / (b * c)`, `(-2)^2`); it parses back to the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wrap = |f: &mut fmt::Formatter<'_>, e: &Expr, paren: bool| {
            if paren {
                write!(f, "({e})")
            } else {
                write!(f, "{e}")
            }
        };
        match self {
            Expr::Num(v) => f.write_str(&crate::format_number(*v)),
            Expr::Name(n) => f.write_str(n),
            Expr::Neg(a) => {
                f.write_str("-")?;
                wrap(f, a, a.precedence() < 3)
            }
            Expr::Bin(op, a, b) => {
                let p = self.precedence();
                let (lp, rp) = if *op == BinOp::Pow {
                    // Right-associative: the left side needs parentheses at equal precedence.
                    (a.precedence() <= p, b.precedence() < 3)
                } else {
                    (a.precedence() < p, b.precedence() <= p)
                };
                wrap(f, a, lp)?;
                if *op == BinOp::Pow {
                    f.write_str("^")?;
                } else {
                    write!(f, " {} ", op.symbol())?;
                }
                wrap(f, b, rp)
            }
            Expr::Min(a, b) => write!(f, "min({a}, {b})"),
            Expr::Max(a, b) => write!(f, "max({a}, {b})"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Num(f64),
    Load(usize),
    Neg,
    Bin(BinOp),
    Min,
    Max,
}

/// A compiled expression: a flat list of stack operations (RPN).
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    ops: Vec<Op>,
}

impl Program {
    /// Evaluates at year index `year`, where the value of slot `s` in that
    /// year is `values[s * n_years + year]` (base units).
    ///
    /// `stack` is scratch space reused between calls: once it has grown to the
    /// program's depth, no call allocates. A slot outside `values` reads as
    /// NaN rather than panicking.
    pub fn eval(&self, values: &[f64], n_years: usize, year: usize, stack: &mut Vec<f64>) -> f64 {
        stack.clear();
        for op in &self.ops {
            let v = match *op {
                Op::Num(v) => v,
                Op::Load(s) => s
                    .checked_mul(n_years)
                    .and_then(|i| i.checked_add(year))
                    .and_then(|i| values.get(i))
                    .copied()
                    .unwrap_or(f64::NAN),
                Op::Neg => -stack.pop().unwrap_or(f64::NAN),
                Op::Bin(_) | Op::Min | Op::Max => {
                    let b = stack.pop().unwrap_or(f64::NAN);
                    let a = stack.pop().unwrap_or(f64::NAN);
                    match *op {
                        Op::Bin(bin) => bin.apply(a, b),
                        Op::Min => a.min(b),
                        _ => a.max(b),
                    }
                }
            };
            stack.push(v);
        }
        debug_assert!(stack.len() == 1, "a compiled program leaves one value");
        stack.pop().unwrap_or(f64::NAN)
    }

    /// Evaluates every year at once: on return `stack[..n_years]` holds the result row.
    ///
    /// The same program as [`Program::eval`], with each stack entry a row of `n_years`
    /// values, so the arithmetic runs over contiguous rows. `stack` is reused scratch
    /// space (no allocation once grown). A slot outside `values` reads as NaN.
    pub fn eval_rows(&self, values: &[f64], n_years: usize, stack: &mut Vec<f64>) {
        let n = n_years;
        stack.clear();
        for op in &self.ops {
            match *op {
                Op::Num(v) => stack.extend(std::iter::repeat_n(v, n)),
                Op::Load(s) => {
                    match s
                        .checked_mul(n)
                        .and_then(|a| values.get(a..a.checked_add(n)?))
                    {
                        Some(row) => stack.extend_from_slice(row),
                        None => stack.extend(std::iter::repeat_n(f64::NAN, n)),
                    }
                }
                Op::Neg => {
                    let l = stack.len();
                    stack[l.saturating_sub(n)..]
                        .iter_mut()
                        .for_each(|x| *x = -*x);
                }
                Op::Bin(_) | Op::Min | Op::Max => {
                    let l = stack.len();
                    if l < 2 * n {
                        stack.clear();
                        stack.extend(std::iter::repeat_n(f64::NAN, n));
                        continue;
                    }
                    let (head, b) = stack.split_at_mut(l - n);
                    let a = &mut head[l - 2 * n..];
                    for (x, y) in a.iter_mut().zip(b.iter()) {
                        *x = match *op {
                            Op::Bin(bin) => bin.apply(*x, *y),
                            Op::Min => x.min(*y),
                            _ => x.max(*y),
                        };
                    }
                    stack.truncate(l - n);
                }
            }
        }
        if stack.len() < n {
            stack.clear();
            stack.extend(std::iter::repeat_n(f64::NAN, n));
        }
    }

    /// The distinct slots read, in first-appearance order.
    pub fn slots(&self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for op in &self.ops {
            if let Op::Load(s) = op {
                if !out.contains(s) {
                    out.push(*s);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(text: &str) -> f64 {
        parse_expr(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .eval(&|_| f64::NAN)
    }

    #[test]
    fn row_evaluation_matches_year_by_year() {
        let e = parse_expr("-a^2 + max(b, 3) / (a - b) * 2").expect("parse");
        let p = e.compile(&|n| if n == "a" { 0 } else { 1 });
        let values = [1.0, 2.0, 5.0, 0.5, 4.0, 1.0];
        let mut stack = Vec::new();
        p.eval_rows(&values, 3, &mut stack);
        let mut s2 = Vec::new();
        for (y, v) in stack.iter().take(3).enumerate() {
            assert_eq!(
                v.to_bits(),
                p.eval(&values, 3, y, &mut s2).to_bits(),
                "year {y}"
            );
        }
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(val("-2^2"), -4.0);
        assert_eq!(val("2^3^2"), 512.0); // 2^(3^2) = 2^9
        assert_eq!(val("1+2*3"), 7.0);
        assert_eq!(val("min(3, max(1,2))"), 2.0);
        assert_eq!(val("2^-1"), 0.5);
        assert_eq!(val("10 - 4 - 3"), 3.0); // (10-4)-3
        assert_eq!(val("12 / 3 / 2"), 2.0); // (12/3)/2
        assert_eq!(val("-(1 + 2) * 2"), -6.0);
        assert_eq!(val("(-2)^2"), 4.0);
        assert_eq!(val("--3"), 3.0);
        assert_eq!(val("1.5e3 + .5"), 1500.5);
        assert_eq!(val("2 * -3"), -6.0);
    }

    #[test]
    fn tree_shapes() {
        let e = parse_expr("-2^2").unwrap();
        let two = || Box::new(Expr::Num(2.0));
        assert_eq!(e, Expr::Neg(Box::new(Expr::Bin(BinOp::Pow, two(), two()))));
        let e = parse_expr("2^-1").unwrap();
        assert_eq!(
            e,
            Expr::Bin(
                BinOp::Pow,
                two(),
                Box::new(Expr::Neg(Box::new(Expr::Num(1.0))))
            )
        );
    }

    #[test]
    fn names_in_first_appearance_order() {
        let e = parse_expr("b * a + b / max(c, a)").unwrap();
        assert_eq!(e.names(), vec!["b", "a", "c"]);
        // `min` without `(` is an ordinary name.
        assert_eq!(parse_expr("min + 1").unwrap().names(), vec!["min"]);
    }

    fn dims(name: &str) -> Option<Dimension> {
        let person = Dimension::base("person");
        let household = Dimension::base("household");
        match name {
            "population" => Some(person),
            "household_size" => Some(person.div(&household)),
            "gdp" => Some(Dimension::base("MYR")),
            "area" => Some(Dimension::length().powi(2)),
            "x" => Some(Dimension::energy()),
            "y" | "rate" => Some(Dimension::none()),
            _ => None,
        }
    }

    fn dim(text: &str) -> Result<Dimension, ExprError> {
        parse_expr(text).unwrap().dimension(&dims)
    }

    #[test]
    fn dimensions() {
        // person / (person/household) = household.
        assert_eq!(
            dim("population / household_size").unwrap(),
            Dimension::base("household")
        );
        // (length^2)^2 = length^4.
        assert_eq!(dim("area^2").unwrap(), Dimension::length().powi(4));
        assert_eq!(dim("area^0.5").unwrap(), Dimension::length());
        assert_eq!(dim("area^(1/2)").unwrap(), Dimension::length());
        assert_eq!(dim("gdp * 2 + gdp").unwrap(), Dimension::base("MYR"));
        assert_eq!(dim("(1 + rate)^y").unwrap(), Dimension::none());
        assert_eq!(dim("max(gdp, 0 * gdp)").unwrap(), Dimension::base("MYR"));
    }

    #[test]
    fn dimension_errors() {
        let e = dim("gdp + population").unwrap_err();
        assert!(
            e.message.contains("`gdp`") && e.message.contains("`population`"),
            "{e}"
        );
        assert!(
            e.message.contains("MYR") && e.message.contains("person"),
            "{e}"
        );
        let e = dim("x^y").unwrap_err();
        assert!(e.message.contains("constant"), "{e}");
        assert!(dim("area^0.25").is_err());
        assert!(dim("2^x").is_err());
        assert!(dim("min(gdp, 1)").unwrap_err().message.contains("`min`"));
        let e = dim("gdp * nope").unwrap_err();
        assert_eq!(e.message, "unknown name `nope`");
    }

    #[test]
    fn program_matches_tree() {
        let texts = [
            "population / household_size",
            "-a^2 + b * (c - 1) / 4",
            "max(a, b) - min(c, 2^a)",
            "a ^ b ^ 0.5 - --c",
            "(a + b + c) / 3",
        ];
        let names = ["a", "b", "c", "population", "household_size"];
        let n_years = 3;
        // Slot s, year y holds 1 + s + 0.5*y.
        let values: Vec<f64> = (0..names.len() * n_years)
            .map(|i| 1.0 + (i / n_years) as f64 + 0.5 * (i % n_years) as f64)
            .collect();
        let slot_of = |n: &str| names.iter().position(|m| *m == n).unwrap_or(usize::MAX);
        let mut stack = Vec::new();
        for text in texts {
            let e = parse_expr(text).unwrap();
            let p = e.compile(&slot_of);
            for year in 0..n_years {
                let direct = e.eval(&|n| values[slot_of(n) * n_years + year]);
                let compiled = p.eval(&values, n_years, year, &mut stack);
                assert_eq!(direct.to_bits(), compiled.to_bits(), "{text} year {year}");
            }
        }
        // population / household_size in year 1: (1+3+0.5) / (1+4+0.5).
        let p = parse_expr(texts[0]).unwrap().compile(&slot_of);
        assert_eq!(p.eval(&values, n_years, 1, &mut stack), 4.5 / 5.5);
        assert_eq!(p.slots(), vec![3, 4]);
        // A slot beyond the values reads as NaN instead of panicking.
        let p = parse_expr("zzz + 1").unwrap().compile(&slot_of);
        assert!(p.eval(&values, n_years, 0, &mut stack).is_nan());
    }

    fn err(text: &str) -> ExprError {
        parse_expr(text).expect_err(text)
    }

    #[test]
    fn error_offsets() {
        assert_eq!(err("").offset, 0);
        assert!(err("").message.contains("expected a number"));
        assert_eq!(err("1 +").offset, 3);
        assert_eq!(err("1 + * 2").offset, 4);
        assert_eq!(err("(1 + 2").offset, 6);
        assert!(err("(1 + 2").message.contains("expected `)`"));
        assert_eq!(err("1 + 2)").offset, 5);
        assert_eq!(err("a b").offset, 2);
        assert_eq!(err("a + Gdp").offset, 4);
        assert_eq!(err("min(1)").offset, 5);
        assert_eq!(err("max(1, 2, 3)").offset, 8);
        assert!(err("max(1, 2, 3)").message.contains("exactly two"));
        assert_eq!(err("foo(1, 2)").offset, 0);
        assert_eq!(err("1e999").offset, 0);
        assert_eq!(err("2 + 3 $").offset, 6);
        assert_eq!(err("é").offset, 0);
        assert_eq!(err("1 +é").offset, 3);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(err(&deep).message.contains("nested too deeply"));
        let long = vec!["1"; 10_000].join(" + ");
        assert!(err(&long).message.contains("too long"));
        let negs = format!("{}1", "-".repeat(10_000));
        assert!(err(&negs).message.contains("nested too deeply"));
        let pows = vec!["1"; 10_000].join("^");
        assert!(err(&pows).message.contains("nested too deeply"));
        let fine = vec!["1"; 100].join(" + ");
        assert_eq!(val(&fine), 100.0);
    }

    #[test]
    fn a_flat_sum_is_length_not_nesting() {
        // 201 terms were refused as "nested too deeply"; only nesting is limited.
        let flat = vec!["1"; 201].join(" + ");
        assert_eq!(val(&flat), 201.0);
        let mixed = vec!["2 * 3"; 200].join(" - ");
        assert_eq!(val(&mixed), 6.0 - 199.0 * 6.0);
        // The longest accepted chain is walked (dimension, compile, print, drop) on a
        // 2 MiB stack, Rust's default for a spawned thread.
        let longest = vec!["a"; MAX_OPERATORS + 1].join(" + ");
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let e = parse_expr(&longest).expect("parses");
                let _ = e
                    .dimension(&|_| Some(Dimension::none()))
                    .expect("dimension");
                let _ = e.compile(&|_| 0);
                let printed = e.to_string();
                assert!(parse_expr(&printed).is_ok());
            })
            .expect("thread")
            .join()
            .expect("no stack overflow");
        let too_long = vec!["a"; MAX_OPERATORS + 2].join(" + ");
        assert!(err(&too_long).message.contains("too long"));
        // Nesting stays limited.
        let deep = format!(
            "{}1{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(err(&deep).message.contains("nested too deeply"));
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "a / (b * c)",
            "-2^2",
            "(-2)^2",
            "2^3^2",
            "(2^3)^2",
            "a - (b - c)",
            "min(a, max(b, 1.5)) * -c",
            "-(a + b)",
            "2^-1",
        ] {
            let e = parse_expr(text).unwrap();
            let shown = e.to_string();
            assert_eq!(parse_expr(&shown).unwrap(), e, "{text} → {shown}");
        }
        assert_eq!(parse_expr("a/(b*c)").unwrap().to_string(), "a / (b * c)");
    }
}
