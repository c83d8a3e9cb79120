//! The evaluator computes the value of a syntax tree in a context given by an [`Env`].
//!
//! It implements the missing-aware semantics of the language: arithmetic and ordering with `Null`
//! or a missing value give `Null`; `==` compares a missing value with a number by its code; `and`,
//! `or` and `not` follow Kleene's three-valued logic; aggregates skip unknown rows where the
//! language says so. Every arithmetic result that is not finite (an overflow, say) becomes `Null`,
//! and row numbers are checked before they are converted, so evaluation never panics. Recursion is
//! bounded by the depth of the tree, which the parser limits.

use std::cmp::Ordering;

use chrono::Datelike;

use super::parser::{Agg, ArithOp, CmpOp, Func, Node};
use super::{Env, Missing, Val};

/// Evaluates `node` in the context `env`.
pub(super) fn eval<E: Env>(node: &Node, env: &E) -> Val {
    match node {
        Node::Lit(value) => value.clone(),
        Node::Name(name) => env.lookup(name),
        Node::Neg(inner) => match eval(inner, env) {
            Val::Num(n) => Val::Num(-n),
            _ => Val::Null,
        },
        Node::Not(inner) => match eval(inner, env).truth() {
            Some(b) => Val::Bool(!b),
            None => Val::Null,
        },
        Node::And(items) => kleene(items.iter().map(|item| eval(item, env).truth()), false),
        Node::Or(items) => kleene(items.iter().map(|item| eval(item, env).truth()), true),
        // `a implies b` is `not a or b` in Kleene's logic; a false condition decides without `b`.
        Node::Implies(condition, consequence) => match eval(condition, env).truth() {
            Some(false) => Val::Bool(true),
            known => match (known, eval(consequence, env).truth()) {
                (_, Some(true)) => Val::Bool(true),
                (Some(true), Some(false)) => Val::Bool(false),
                _ => Val::Null,
            },
        },
        Node::Arith(first, rest) => arithmetic(first, rest, env),
        Node::Cmp(op, left, right) => compare(*op, &eval(left, env), &eval(right, env)),
        Node::In { negated, value, items } => {
            let value = eval(value, env);
            let found = kleene(items.iter().map(|item| equals(&value, &eval(item, env))), true);
            match (found, negated) {
                (Val::Bool(b), true) => Val::Bool(!b),
                (found, _) => found,
            }
        }
        Node::Call(func, args) => call(*func, args, env),
        Node::Aggregate { agg, roster, args } => aggregate(*agg, roster, args, env),
    }
}

/// Combines truth values with `or` (when `decisive` is true) or `and` (when it is false), in
/// Kleene's logic: the decisive value wins, otherwise any unknown makes the result unknown. It
/// stops at the first decisive value. Over no values at all it gives the neutral `!decisive`.
fn kleene(values: impl Iterator<Item = Option<bool>>, decisive: bool) -> Val {
    let mut unknown = false;
    for value in values {
        match value {
            Some(b) if b == decisive => return Val::Bool(decisive),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown {
        Val::Null
    } else {
        Val::Bool(!decisive)
    }
}

/// Turns a non-finite number into `Null`.
fn finite(n: f64) -> Val {
    if n.is_finite() {
        Val::Num(n)
    } else {
        Val::Null
    }
}

/// Evaluates a chain of `+ -` or `* / %` from left to right. Any operand that is not a number, and
/// any division by zero, makes the result `Null`.
fn arithmetic<E: Env>(first: &Node, rest: &[(ArithOp, Node)], env: &E) -> Val {
    let Val::Num(mut acc) = eval(first, env) else {
        return Val::Null;
    };
    for (op, operand) in rest {
        let Val::Num(n) = eval(operand, env) else {
            return Val::Null;
        };
        acc = match op {
            ArithOp::Add => acc + n,
            ArithOp::Sub => acc - n,
            ArithOp::Mul => acc * n,
            ArithOp::Div | ArithOp::Rem if n == 0.0 => return Val::Null,
            ArithOp::Div => acc / n,
            ArithOp::Rem => acc % n,
        };
        if !acc.is_finite() {
            return Val::Null;
        }
    }
    Val::Num(acc)
}

/// Tests two values for equality: `None` when the answer is unknown.
///
/// `Null` on either side is unknown. A missing value equals a number exactly when the number is its
/// code; compared with anything else (another missing value included) it is unknown. Values of the
/// same type compare by value, multiple-choice answers as sets of codes; values of different
/// types are unequal.
fn equals(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => None,
        (Val::Missing(m), Val::Num(n)) | (Val::Num(n), Val::Missing(m)) => Some(m.code() as f64 == *n),
        (Val::Missing(_), _) | (_, Val::Missing(_)) => None,
        (Val::Num(x), Val::Num(y)) => Some(x == y),
        (Val::Text(x), Val::Text(y)) => Some(x == y),
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::List(x), Val::List(y)) => Some(x.iter().all(|c| y.contains(c)) && y.iter().all(|c| x.contains(c))),
        (Val::TextList(x), Val::TextList(y)) => Some(x == y),
        _ => Some(false),
    }
}

/// Orders two values: numbers numerically, texts (and so ISO dates) by their characters. Anything
/// else, `Null` and missing values included, cannot be ordered.
fn order(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Text(x), Val::Text(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn compare(op: CmpOp, a: &Val, b: &Val) -> Val {
    let result = match op {
        CmpOp::Eq => equals(a, b),
        CmpOp::Ne => equals(a, b).map(|eq| !eq),
        CmpOp::Lt => order(a, b).map(Ordering::is_lt),
        CmpOp::Le => order(a, b).map(Ordering::is_le),
        CmpOp::Gt => order(a, b).map(Ordering::is_gt),
        CmpOp::Ge => order(a, b).map(Ordering::is_ge),
    };
    result.map_or(Val::Null, Val::Bool)
}

/// Applies a function of one number, giving `Null` for anything that is not a number.
fn numeric(value: Val, f: fn(f64) -> f64) -> Val {
    match value {
        Val::Num(n) => finite(f(n)),
        _ => Val::Null,
    }
}

/// Returns the smallest (`max == false`) or largest number among the arguments, or `Null` if any
/// of them is not a number.
fn extreme<E: Env>(args: &[Node], env: &E, max: bool) -> Val {
    let mut best: Option<f64> = None;
    for arg in args {
        let Val::Num(n) = eval(arg, env) else {
            return Val::Null;
        };
        if n.is_nan() {
            return Val::Null;
        }
        best = Some(match best {
            Some(b) if max => b.max(n),
            Some(b) => b.min(n),
            None => n,
        });
    }
    best.map_or(Val::Null, Val::Num)
}

/// A part of an ISO date (`"2010-10-15"`, as a date answer reads); unknown for anything else.
fn date_part(v: Val, part: fn(&chrono::NaiveDate) -> i32) -> Val {
    match v {
        Val::Text(t) => chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_or(Val::Null, |d| Val::Num(part(&d) as f64)),
        _ => Val::Null,
    }
}

fn call<E: Env>(func: Func, args: &[Node], env: &E) -> Val {
    // The parser checked the arity, so a missing argument cannot occur; `Null` stands in for it
    // anyway rather than indexing out of bounds.
    let arg = |i: usize| args.get(i).map_or(Val::Null, |node| eval(node, env));
    match func {
        Func::Selected => {
            let answer = arg(0);
            let Val::Num(code) = arg(1) else {
                return Val::Null;
            };
            match answer {
                Val::List(codes) => Val::Bool(codes.contains(&code)),
                Val::Num(n) => Val::Bool(n == code),
                Val::Missing(m) => Val::Bool(m.code() as f64 == code),
                _ => Val::Null,
            }
        }
        Func::CountSelected => match arg(0) {
            Val::List(codes) => Val::Num(codes.len() as f64),
            Val::Num(_) => Val::Num(1.0),
            _ => Val::Null,
        },
        Func::Answered => Val::Bool(!matches!(arg(0), Val::Null | Val::Missing(Missing::NotApplicable))),
        Func::Dk => Val::Bool(arg(0) == Val::Missing(Missing::DontKnow)),
        Func::Refused => Val::Bool(arg(0) == Val::Missing(Missing::Refused)),
        Func::Missing => Val::Bool(matches!(arg(0), Val::Missing(_))),
        Func::If => {
            if arg(0).truth() == Some(true) {
                arg(1)
            } else {
                arg(2)
            }
        }
        Func::Coalesce => args.iter().map(|node| eval(node, env)).find(|value| !value.is_null_or_missing()).unwrap_or(Val::Null),
        Func::Min => extreme(args, env, false),
        Func::Max => extreme(args, env, true),
        Func::Abs => numeric(arg(0), f64::abs),
        Func::Round => numeric(arg(0), f64::round),
        Func::Floor => numeric(arg(0), f64::floor),
        Func::Len => match arg(0) {
            Val::Text(text) => Val::Num(text.chars().count() as f64),
            Val::List(items) => Val::Num(items.len() as f64),
            Val::TextList(items) => Val::Num(items.len() as f64),
            _ => Val::Null,
        },
        Func::Year => date_part(arg(0), |d| d.year()),
        Func::Month => date_part(arg(0), |d| d.month() as i32),
        Func::Day => date_part(arg(0), |d| d.day() as i32),
        Func::Digits => match arg(0) {
            Val::Text(text) => Val::Num(text.chars().filter(char::is_ascii_digit).count() as f64),
            _ => Val::Null,
        },
        Func::Position => env.position().map_or(Val::Null, |p| Val::Num(p as f64)),
        // The parser admits only a bare name here; the context knows the answer behind it.
        Func::Currency => match args.first() {
            Some(Node::Name(name)) => env.currency(name),
            _ => Val::Null,
        },
    }
}

/// Evaluates `node` in every row of `roster`, or returns `None` for an unknown roster. A row the
/// context cannot give is read as `Null`.
fn over_rows<'a, E: Env>(roster: &'a str, node: &'a Node, env: &'a E) -> Option<impl Iterator<Item = Val> + 'a> {
    let len = env.roster_len(roster)?;
    Some((1..=len).map(move |i| env.row(roster, i).map_or(Val::Null, |row| eval(node, &row))))
}

fn aggregate<E: Env>(agg: Agg, roster: &str, args: &[Node], env: &E) -> Val {
    let (Some(first), second) = (args.first(), args.get(1)) else {
        // `count(R)` counts the rows; every other aggregate has an inner expression.
        return match (agg, env.roster_len(roster)) {
            (Agg::Count, Some(len)) => Val::Num(len as f64),
            _ => Val::Null,
        };
    };
    if agg == Agg::At {
        return match (eval(first, env), second) {
            (Val::Num(n), Some(inner)) => row_number(n, env.roster_len(roster))
                .and_then(|position| env.row(roster, position))
                .map_or(Val::Null, |row| eval(inner, &row)),
            _ => Val::Null,
        };
    }
    if reads_outer(first) {
        return fold_rows(agg, roster, first, env);
    }
    // The inner expression sees only the rows, so a cache keyed by this node may answer.
    let key = args.as_ptr() as usize;
    env.memo_aggregate(key, roster, &mut || fold_rows(agg, roster, first, env))
}

/// Whether an inner expression reads the answer being validated or the option being filtered,
/// which differ between the places the same aggregate is evaluated from.
fn reads_outer(node: &Node) -> bool {
    match node {
        Node::Lit(_) => false,
        Node::Name(name) => name == "." || name == "choice",
        Node::Neg(inner) | Node::Not(inner) => reads_outer(inner),
        Node::And(items) | Node::Or(items) | Node::Call(_, items) => items.iter().any(reads_outer),
        Node::Aggregate { args, .. } => args.iter().any(reads_outer),
        Node::Arith(first, rest) => reads_outer(first) || rest.iter().any(|(_, n)| reads_outer(n)),
        Node::Cmp(_, left, right) | Node::Implies(left, right) => reads_outer(left) || reads_outer(right),
        Node::In { value, items, .. } => reads_outer(value) || items.iter().any(reads_outer),
    }
}

/// Folds the inner expression over every row of `roster` for the aggregate `agg`.
fn fold_rows<E: Env>(agg: Agg, roster: &str, first: &Node, env: &E) -> Val {
    let Some(values) = over_rows(roster, first, env) else {
        return Val::Null;
    };
    match agg {
        Agg::Count => Val::Num(values.filter(|v| v.truth() == Some(true)).count() as f64),
        Agg::Any => kleene(values.map(|v| v.truth()), true),
        Agg::All => kleene(values.map(|v| v.truth()), false),
        Agg::Sum => finite(values.filter_map(|v| v.as_num()).filter(|n| !n.is_nan()).sum()),
        Agg::MinOf => values.filter_map(|v| v.as_num()).filter(|n| !n.is_nan()).reduce(f64::min).map_or(Val::Null, Val::Num),
        Agg::MaxOf => values.filter_map(|v| v.as_num()).filter(|n| !n.is_nan()).reduce(f64::max).map_or(Val::Null, Val::Num),
        Agg::At => Val::Null,
    }
}

/// Converts the row number `n` of `at` to a position if it is a whole number from 1 to `len`.
fn row_number(n: f64, len: Option<usize>) -> Option<usize> {
    let len = len?;
    if n.fract() != 0.0 || n < 1.0 || n > len as f64 {
        return None;
    }
    // `n` is a whole number within 1..=len here, so the conversion is exact.
    Some(n as usize)
}
