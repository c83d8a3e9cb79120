//! The parser builds the syntax tree of an expression from the lexer's tokens, by recursive
//! descent for operands and precedence climbing for infix operators.
//!
//! Precedence, lowest first: `implies` (which does not chain); `or`; `and`; prefix `not`; the comparisons `== != < <= > >=`, `in` and
//! `not in` (which do not chain); `+ -`; `* / %`; unary `-`; calls, names, literals and parentheses.
//! Chains of `or`, `and`, `+ -` and `* / %` are kept flat in one node, so a long sum does not make a
//! deep tree. Everything that does nest (parentheses, call arguments, `in` lists and prefix
//! operators) counts against [`MAX_NESTING`], which bounds the recursion of the parser, the evaluator
//! and the destructor of the tree; aggregates that loop over rosters may nest at most
//! [`MAX_AGGREGATE_NESTING`] deep, which bounds evaluation time.

use super::lexer::{self, Tok, Token};
use super::{ErrorKind, ParseError, RefKind, Reference, Val};

/// The deepest nesting of parentheses, call arguments, `in` lists and prefix operators accepted.
pub const MAX_NESTING: usize = 64;

/// The deepest nesting of the looping aggregates `count`, `sum`, `any`, `all`, `min_of` and `max_of`.
pub const MAX_AGGREGATE_NESTING: usize = 3;

/// A node of the syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    /// A literal number, text, truth value or `null`.
    Lit(Val),
    /// A name read from the context, including `.` and `choice`.
    Name(String),
    /// Unary minus.
    Neg(Box<Node>),
    /// Prefix `not`.
    Not(Box<Node>),
    /// Two or more operands joined by `and`.
    And(Vec<Node>),
    /// Two or more operands joined by `or`.
    Or(Vec<Node>),
    /// `condition implies consequence`: false only when the condition holds and the consequence fails.
    Implies(Box<Node>, Box<Node>),
    /// A left-associative chain of `+ -` or of `* / %`: the first operand, then each operator with
    /// its right operand.
    Arith(Box<Node>, Vec<(ArithOp, Node)>),
    /// A comparison of two operands.
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `value in (items)`, or `value not in (items)` when `negated`.
    In { negated: bool, value: Box<Node>, items: Vec<Node> },
    /// A call of a function that does not loop over a roster.
    Call(Func, Vec<Node>),
    /// An aggregate over the rows of `roster`; `args` are the arguments after the roster.
    Aggregate { agg: Agg, roster: String, args: Vec<Node> },
}

/// The arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// The comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The functions evaluated in the current context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Func {
    Selected,
    CountSelected,
    Answered,
    Dk,
    Refused,
    Missing,
    If,
    Coalesce,
    Min,
    Max,
    Abs,
    Round,
    Floor,
    Len,
    Position,
    Currency,
    Year,
    Month,
    Day,
    Digits,
}

/// The aggregates, whose first argument names a roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Agg {
    Count,
    Sum,
    Any,
    All,
    MinOf,
    MaxOf,
    At,
}

impl Agg {
    /// Tells whether the aggregate evaluates its inner expression in every row (all but `at`).
    fn loops(self) -> bool {
        self != Agg::At
    }
}

/// What a function name stands for.
#[derive(Debug, Clone, Copy)]
enum FnKind {
    Scalar(Func),
    Aggregate(Agg),
}

/// The signature of a function: its name, how many arguments it takes and how it is used.
struct FnSpec {
    name: &'static str,
    kind: FnKind,
    min_args: usize,
    /// `None` when the function takes any number of arguments from `min_args` on.
    max_args: Option<usize>,
    usage: &'static str,
}

/// Every function of the language.
const FUNCTIONS: &[FnSpec] = &[
    FnSpec { name: "selected", kind: FnKind::Scalar(Func::Selected), min_args: 2, max_args: Some(2), usage: "selected(countries, 3)" },
    FnSpec {
        name: "count_selected",
        kind: FnKind::Scalar(Func::CountSelected),
        min_args: 1,
        max_args: Some(1),
        usage: "count_selected(countries)",
    },
    FnSpec { name: "answered", kind: FnKind::Scalar(Func::Answered), min_args: 1, max_args: Some(1), usage: "answered(income)" },
    FnSpec { name: "dk", kind: FnKind::Scalar(Func::Dk), min_args: 1, max_args: Some(1), usage: "dk(income)" },
    FnSpec { name: "refused", kind: FnKind::Scalar(Func::Refused), min_args: 1, max_args: Some(1), usage: "refused(income)" },
    FnSpec { name: "missing", kind: FnKind::Scalar(Func::Missing), min_args: 1, max_args: Some(1), usage: "missing(income)" },
    FnSpec {
        name: "if",
        kind: FnKind::Scalar(Func::If),
        min_args: 3,
        max_args: Some(3),
        usage: "if(condition, value if true, value otherwise)",
    },
    FnSpec {
        name: "coalesce",
        kind: FnKind::Scalar(Func::Coalesce),
        min_args: 2,
        max_args: None,
        usage: "coalesce(income, other_income, 0)",
    },
    FnSpec {
        name: "min",
        kind: FnKind::Scalar(Func::Min),
        min_args: 2,
        max_args: None,
        usage: "min(a, b, ...); over the rows of a roster use min_of(members, AGE)",
    },
    FnSpec {
        name: "max",
        kind: FnKind::Scalar(Func::Max),
        min_args: 2,
        max_args: None,
        usage: "max(a, b, ...); over the rows of a roster use max_of(members, AGE)",
    },
    FnSpec { name: "abs", kind: FnKind::Scalar(Func::Abs), min_args: 1, max_args: Some(1), usage: "abs(x)" },
    FnSpec { name: "round", kind: FnKind::Scalar(Func::Round), min_args: 1, max_args: Some(1), usage: "round(x)" },
    FnSpec { name: "floor", kind: FnKind::Scalar(Func::Floor), min_args: 1, max_args: Some(1), usage: "floor(x)" },
    FnSpec { name: "len", kind: FnKind::Scalar(Func::Len), min_args: 1, max_args: Some(1), usage: "len(name)" },
    FnSpec { name: "position", kind: FnKind::Scalar(Func::Position), min_args: 0, max_args: Some(0), usage: "position()" },
    FnSpec { name: "currency", kind: FnKind::Scalar(Func::Currency), min_args: 1, max_args: Some(1), usage: "currency(amount) == 'KZT'" },
    FnSpec { name: "year", kind: FnKind::Scalar(Func::Year), min_args: 1, max_args: Some(1), usage: "year(interview_date)" },
    FnSpec { name: "month", kind: FnKind::Scalar(Func::Month), min_args: 1, max_args: Some(1), usage: "month(interview_date)" },
    FnSpec { name: "day", kind: FnKind::Scalar(Func::Day), min_args: 1, max_args: Some(1), usage: "day(interview_date)" },
    FnSpec { name: "digits", kind: FnKind::Scalar(Func::Digits), min_args: 1, max_args: Some(1), usage: "digits(phone)" },
    FnSpec {
        name: "count",
        kind: FnKind::Aggregate(Agg::Count),
        min_args: 1,
        max_args: Some(2),
        usage: "count(members) or count(members, relation == 1)",
    },
    FnSpec { name: "sum", kind: FnKind::Aggregate(Agg::Sum), min_args: 2, max_args: Some(2), usage: "sum(members, earnings)" },
    FnSpec { name: "any", kind: FnKind::Aggregate(Agg::Any), min_args: 2, max_args: Some(2), usage: "any(members, AGE < 16)" },
    FnSpec { name: "all", kind: FnKind::Aggregate(Agg::All), min_args: 2, max_args: Some(2), usage: "all(members, AGE >= 16)" },
    FnSpec { name: "min_of", kind: FnKind::Aggregate(Agg::MinOf), min_args: 2, max_args: Some(2), usage: "min_of(members, AGE)" },
    FnSpec { name: "max_of", kind: FnKind::Aggregate(Agg::MaxOf), min_args: 2, max_args: Some(2), usage: "max_of(members, AGE)" },
    FnSpec { name: "at", kind: FnKind::Aggregate(Agg::At), min_args: 3, max_args: Some(3), usage: "at(members, respondent_line, age)" },
];

/// The function names, for the loader's check that no id is spelt like one.
pub(super) fn function_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().map(|f| f.name)
}

fn function(name: &str) -> Option<&'static FnSpec> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Parses the text of an expression into its syntax tree.
pub(super) fn parse(src: &str) -> Result<Node, ParseError> {
    let mut tokens = lexer::lex(src)?;
    // The lexer always ends the tokens with `End`; keep it apart so that peeking never fails.
    let end = tokens.pop().unwrap_or(Token { tok: Tok::End, col: src.chars().count() + 1 });
    if tokens.is_empty() {
        return Err(ParseError::new(1, "the expression is empty")
            .with_hint("write a condition such as AGE >= 16, or remove the field")
            .of(ErrorKind::Empty));
    }
    let mut parser = Parser { tokens, pos: 0, end, depth: 0, aggregate_depth: 0 };
    let root = parser.sub_expression(1)?;
    match parser.peek() {
        Token { tok: Tok::End, .. } => Ok(root),
        next => Err(trailing(next)),
    }
}

/// An infix operator, as recognised at the current token.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Infix {
    Implies,
    Or,
    And,
    Cmp(CmpOp),
    In { negated: bool },
    Arith(ArithOp),
}

impl Infix {
    /// How tightly the operator binds: higher binds tighter. Prefix `not` sits between `and` and
    /// the comparisons, and unary minus above everything.
    fn power(self) -> u8 {
        match self {
            Infix::Implies => 1,
            Infix::Or => 2,
            Infix::And => 3,
            Infix::Cmp(_) | Infix::In { .. } => 5,
            Infix::Arith(ArithOp::Add | ArithOp::Sub) => 6,
            Infix::Arith(ArithOp::Mul | ArithOp::Div | ArithOp::Rem) => 7,
        }
    }
}

/// An operator on the operator stack of `Parser::expression_body`.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// A binary operator waiting for its right operand.
    Infix(Infix),
    /// A prefix `not` waiting for its operand; it holds one level of nesting until it is applied.
    Not,
}

impl Pending {
    fn power(self) -> u8 {
        match self {
            Pending::Infix(op) => op.power(),
            Pending::Not => 4,
        }
    }
}

/// The state of the parser.
///
/// Operators are parsed with an explicit operator stack (the shunting-yard method), so only
/// parentheses, calls and `in` lists recurse, and every error is built in a separate cold function:
/// both keep the stack an unoptimised build needs for the deepest accepted expression small.
struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// The `End` token, returned by `peek` once the tokens are used up.
    end: Token,
    /// The current nesting, bounded by `MAX_NESTING`.
    depth: usize,
    /// The current nesting of looping aggregates, bounded by `MAX_AGGREGATE_NESTING`.
    aggregate_depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        self.tokens.get(self.pos).unwrap_or(&self.end)
    }

    fn peek_at(&self, ahead: usize) -> &Token {
        self.tokens.get(self.pos + ahead).unwrap_or(&self.end)
    }

    /// Returns the column of the current token and moves past it.
    fn bump(&mut self) -> usize {
        let col = self.peek().col;
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        col
    }

    /// Enters one nesting level, failing at column `col` past `MAX_NESTING`. Every successful
    /// call is matched by a call of `leave`.
    fn enter(&mut self, col: usize) -> Result<(), ParseError> {
        if self.depth >= MAX_NESTING {
            return Err(too_deep(col));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Parses a whole expression inside parentheses one nesting level deeper; `col` is where the
    /// nesting starts.
    fn sub_expression(&mut self, col: usize) -> Result<Node, ParseError> {
        self.enter(col)?;
        let result = self.expression_body();
        self.leave();
        result
    }

    /// Recognises the infix operator at the current token, if any.
    fn infix(&self) -> Option<Infix> {
        Some(match self.peek().tok {
            Tok::Implies => Infix::Implies,
            Tok::Or => Infix::Or,
            Tok::And => Infix::And,
            Tok::EqEq => Infix::Cmp(CmpOp::Eq),
            Tok::NotEq => Infix::Cmp(CmpOp::Ne),
            Tok::Lt => Infix::Cmp(CmpOp::Lt),
            Tok::Le => Infix::Cmp(CmpOp::Le),
            Tok::Gt => Infix::Cmp(CmpOp::Gt),
            Tok::Ge => Infix::Cmp(CmpOp::Ge),
            Tok::In => Infix::In { negated: false },
            Tok::Not if self.peek_at(1).tok == Tok::In => Infix::In { negated: true },
            Tok::Plus => Infix::Arith(ArithOp::Add),
            Tok::Minus => Infix::Arith(ArithOp::Sub),
            Tok::Star => Infix::Arith(ArithOp::Mul),
            Tok::Slash => Infix::Arith(ArithOp::Div),
            Tok::Percent => Infix::Arith(ArithOp::Rem),
            _ => return None,
        })
    }

    /// Parses an expression with every operator at the current nesting level, up to the first
    /// token that cannot continue it (a closing parenthesis, a comma or the end).
    fn expression_body(&mut self) -> Result<Node, ParseError> {
        let depth = self.depth;
        let result = self.shunting_yard();
        // The `not`s of a failed parse are never applied; restore the nesting they held.
        self.depth = depth;
        result
    }

    /// The body of `expression_body`. Operands go to one stack and operators to another; an
    /// operator is pushed once every operator on the stack that binds at least as tightly has
    /// been applied, which makes the binary operators left-associative. Comparisons do not chain:
    /// `seen_comparison` records whether the current operand of `and`, `or` or `not` already
    /// holds one.
    fn shunting_yard(&mut self) -> Result<Node, ParseError> {
        let mut operands: Vec<Node> = Vec::new();
        let mut operators: Vec<Pending> = Vec::new();
        let mut seen_comparison = false;
        let mut seen_implies = false;
        'operand: loop {
            // A `not` may start an operand only where a whole condition may stand.
            while self.peek().tok == Tok::Not {
                if matches!(operators.last(), Some(Pending::Infix(op)) if op.power() > Pending::Not.power()) {
                    return Err(expected_value(self.peek()));
                }
                let col = self.bump();
                self.enter(col)?;
                operators.push(Pending::Not);
                seen_comparison = false;
            }
            operands.push(self.operand()?);
            loop {
                let Some(op) = self.infix() else {
                    // After an operand, `not` can only begin `not in`.
                    if self.peek().tok == Tok::Not {
                        return Err(stray_not(self.peek()));
                    }
                    break 'operand;
                };
                match op {
                    Infix::Cmp(_) | Infix::In { .. } if seen_comparison => return Err(chained(self.peek())),
                    Infix::Cmp(_) | Infix::In { .. } => seen_comparison = true,
                    Infix::Implies if seen_implies => return Err(chained_implies(self.peek())),
                    Infix::Implies => {
                        seen_implies = true;
                        seen_comparison = false;
                    }
                    Infix::Or | Infix::And => seen_comparison = false,
                    Infix::Arith(_) => {}
                }
                self.reduce(&mut operands, &mut operators, op.power())?;
                let col = self.bump();
                let Infix::In { negated } = op else {
                    operators.push(Pending::Infix(op));
                    continue 'operand;
                };
                // `in` takes its parenthesised list at once and stays in operator position.
                self.membership(&mut operands, negated, col)?;
            }
        }
        self.reduce(&mut operands, &mut operators, 0)?;
        let col = self.peek().col;
        let result = pop(&mut operands, col)?;
        if operands.is_empty() {
            Ok(result)
        } else {
            Err(ParseError::new(col, "internal error: operands left over").of(ErrorKind::Internal))
        }
    }

    /// Applies `in` (at column `col`, after `not` when `negated`) to the last operand, reading its
    /// list; the keyword `in` is the current token.
    #[inline(never)]
    fn membership(&mut self, operands: &mut Vec<Node>, negated: bool, col: usize) -> Result<(), ParseError> {
        if negated {
            self.bump();
        }
        let value = pop(operands, col)?;
        self.enter(col)?;
        let items = self.in_list();
        self.leave();
        operands.push(Node::In { negated, value: Box::new(value), items: items? });
        Ok(())
    }

    /// Applies the operators on the stack that bind at least as tightly as `power`.
    fn reduce(&mut self, operands: &mut Vec<Node>, operators: &mut Vec<Pending>, power: u8) -> Result<(), ParseError> {
        let col = self.peek().col;
        while let Some(&top) = operators.last() {
            if top.power() < power {
                break;
            }
            operators.pop();
            let right = pop(operands, col)?;
            let node = match top {
                Pending::Not => {
                    self.leave();
                    Node::Not(Box::new(right))
                }
                Pending::Infix(op) => combine(op, pop(operands, col)?, right),
            };
            operands.push(node);
        }
        Ok(())
    }

    /// Parses an operand: unary minuses followed by a primary.
    fn operand(&mut self) -> Result<Node, ParseError> {
        let depth = self.depth;
        let mut minuses = 0;
        while self.peek().tok == Tok::Minus {
            let col = self.bump();
            self.enter(col)?;
            minuses += 1;
        }
        let primary = self.primary();
        self.depth = depth;
        let mut node = primary?;
        for _ in 0..minuses {
            // Fold negative literals so that `-98` is a plain number.
            node = match node {
                Node::Lit(Val::Num(n)) => Node::Lit(Val::Num(-n)),
                other => Node::Neg(Box::new(other)),
            };
        }
        Ok(node)
    }

    fn primary(&mut self) -> Result<Node, ParseError> {
        let token = self.peek().clone();
        self.bump();
        match token.tok {
            Tok::Num(n) => Ok(Node::Lit(Val::Num(n))),
            Tok::Str(s) => Ok(Node::Lit(Val::Text(s))),
            Tok::True => Ok(Node::Lit(Val::Bool(true))),
            Tok::False => Ok(Node::Lit(Val::Bool(false))),
            Tok::Null => Ok(Node::Lit(Val::Null)),
            Tok::Dot => Ok(Node::Name(".".to_owned())),
            Tok::Ident(name) if self.peek().tok == Tok::LParen => self.call(name, token.col),
            Tok::Ident(name) => match function(&name) {
                Some(spec) => Err(function_without_call(spec, token.col)),
                None => Ok(Node::Name(name)),
            },
            Tok::LParen => {
                let inner = self.sub_expression(token.col)?;
                if self.peek().tok != Tok::RParen {
                    return Err(unclosed(token.col, self.peek()));
                }
                self.bump();
                Ok(inner)
            }
            _ => Err(expected_value(&token)),
        }
    }

    /// Parses the parenthesised list after `in`, which must hold at least one expression.
    fn in_list(&mut self) -> Result<Vec<Node>, ParseError> {
        if self.peek().tok != Tok::LParen {
            return Err(in_without_list(self.peek()));
        }
        let open = self.bump();
        if self.peek().tok == Tok::RParen {
            return Err(empty_in_list(self.peek()));
        }
        let mut items = Vec::new();
        loop {
            items.push(self.expression_body()?);
            match self.peek().tok {
                Tok::Comma => self.bump(),
                Tok::RParen => {
                    self.bump();
                    return Ok(items);
                }
                _ => return Err(unclosed_list(open, self.peek())),
            };
        }
    }

    /// Parses a call of `name` at column `col`; the current token is the opening parenthesis.
    fn call(&mut self, name: String, col: usize) -> Result<Node, ParseError> {
        let Some(spec) = function(&name) else {
            return Err(unknown_function(&name, col));
        };
        let looping = matches!(spec.kind, FnKind::Aggregate(agg) if agg.loops());
        if looping && self.aggregate_depth >= MAX_AGGREGATE_NESTING {
            return Err(aggregates_too_deep(col));
        }
        if matches!(spec.kind, FnKind::Scalar(Func::Currency)) {
            self.name_argument(spec)?;
        }
        let open = self.bump();
        self.enter(open)?;
        self.aggregate_depth += usize::from(looping);
        let arguments = self.arguments(spec, open);
        self.aggregate_depth -= usize::from(looping);
        self.leave();
        let (roster, args) = arguments?;
        let given = args.len() + usize::from(roster.is_some());
        if given < spec.min_args || spec.max_args.is_some_and(|max| given > max) {
            return Err(wrong_arity(spec, col, given));
        }
        match (spec.kind, roster) {
            (FnKind::Scalar(func), _) => Ok(Node::Call(func, args)),
            (FnKind::Aggregate(agg), Some(roster)) => Ok(Node::Aggregate { agg, roster, args }),
            // An aggregate without any argument was rejected by the arity check above.
            (FnKind::Aggregate(_), None) => Err(wrong_arity(spec, col, 0)),
        }
    }

    /// Parses the arguments of a call up to and including the closing parenthesis opened at column
    /// `open`. Returns the roster of an aggregate apart from the other arguments.
    fn arguments(&mut self, spec: &FnSpec, open: usize) -> Result<(Option<String>, Vec<Node>), ParseError> {
        let mut roster = None;
        let mut args = Vec::new();
        if self.peek().tok == Tok::RParen {
            self.bump();
            return Ok((roster, args));
        }
        loop {
            if matches!(spec.kind, FnKind::Aggregate(_)) && roster.is_none() {
                roster = Some(self.roster_argument(spec, open)?);
            } else {
                args.push(self.expression_body()?);
            }
            match self.peek().tok {
                Tok::Comma => self.bump(),
                Tok::RParen => {
                    self.bump();
                    return Ok((roster, args));
                }
                _ => return Err(unclosed_call(spec, open, self.peek())),
            };
        }
    }

    /// Checks that the only argument of `currency` (the current token is its opening parenthesis)
    /// is a bare question id or `.`: the currency belongs to an answer, not to a computed number.
    fn name_argument(&self, spec: &FnSpec) -> Result<(), ParseError> {
        let arg = self.peek_at(1);
        let next = self.peek_at(2);
        match (&arg.tok, &next.tok) {
            (Tok::Ident(_) | Tok::Dot, Tok::RParen | Tok::Comma | Tok::End) => Ok(()),
            (Tok::Ident(_) | Tok::Dot, _) => Err(not_a_name(spec, next, true)),
            _ => Err(not_a_name(spec, arg, false)),
        }
    }

    /// Parses the first argument of an aggregate whose parenthesis opened at column `open`; it
    /// must be a bare roster id.
    fn roster_argument(&mut self, spec: &FnSpec, open: usize) -> Result<String, ParseError> {
        if let Tok::Ident(roster) = &self.peek().tok {
            match self.peek_at(1).tok {
                Tok::Comma | Tok::RParen => {
                    let roster = roster.clone();
                    self.bump();
                    return Ok(roster);
                }
                Tok::End => return Err(unclosed_call(spec, open, self.peek_at(1))),
                _ => {}
            }
        }
        Err(not_a_roster(spec, self.peek()))
    }
}

// The error builders below are kept out of the recursive functions above so that their formatting
// machinery does not enlarge the frames of the recursion.

#[cold]
#[inline(never)]
fn too_deep(col: usize) -> ParseError {
    ParseError::new(col, "the expression nests too deeply")
        .with_hint(format!(
            "at most {MAX_NESTING} levels of parentheses, calls and prefix operators are allowed; \
         split it into calculations"
        ))
        .of(ErrorKind::TooDeep { max: MAX_NESTING })
}

#[cold]
#[inline(never)]
fn aggregates_too_deep(col: usize) -> ParseError {
    ParseError::new(col, format!("aggregates over rosters can be nested at most {MAX_AGGREGATE_NESTING} deep"))
        .with_hint("compute the inner aggregate in a calculation of the roster")
        .of(ErrorKind::AggregatesTooDeep { max: MAX_AGGREGATE_NESTING })
}

#[cold]
#[inline(never)]
fn chained(token: &Token) -> ParseError {
    ParseError::new(token.col, format!("comparisons cannot be chained: {} follows another comparison", token.tok.describe()))
        .with_hint("join two comparisons with 'and', as in AGE >= 15 and AGE <= 49")
        .of(ErrorKind::ChainedComparison { found: token.tok.found() })
}

#[cold]
#[inline(never)]
fn chained_implies(token: &Token) -> ParseError {
    ParseError::new(token.col, "'implies' cannot be chained: this 'implies' follows another one")
        .with_hint("put one side in parentheses, as in (a implies b) and (b implies c)")
        .of(ErrorKind::ChainedImplies)
}

#[cold]
#[inline(never)]
fn not_a_name(spec: &FnSpec, found: &Token, after_name: bool) -> ParseError {
    let message = if after_name {
        format!("the argument of '{}' must be a question id alone, found {} after it", spec.name, found.tok.describe())
    } else {
        format!("the argument of '{}' must be the id of a money question or '.', found {}", spec.name, found.tok.describe())
    };
    ParseError::new(found.col, message).with_hint(format!("usage: {}", spec.usage)).of(ErrorKind::NotAName {
        function: spec.name.to_string(),
        found: found.tok.found(),
        after_name,
    })
}

#[cold]
#[inline(never)]
fn stray_not(token: &Token) -> ParseError {
    ParseError::new(token.col, "'not' after a value must be followed by 'in'")
        .with_hint("write income not in (-98, -99), or put 'not' before the condition: not (relation == 1)")
        .of(ErrorKind::StrayNot)
}

#[cold]
#[inline(never)]
fn in_without_list(found: &Token) -> ParseError {
    ParseError::new(found.col, format!("expected '(' after 'in', found {}", found.tok.describe()))
        .with_hint("list the values in parentheses, as in income in (-98, -99)")
        .of(ErrorKind::InWithoutList { found: found.tok.found() })
}

#[cold]
#[inline(never)]
fn empty_in_list(found: &Token) -> ParseError {
    ParseError::new(found.col, "the list after 'in' is empty")
        .with_hint("list at least one value, as in income in (-98, -99)")
        .of(ErrorKind::EmptyInList)
}

#[cold]
#[inline(never)]
fn unclosed_list(open: usize, found: &Token) -> ParseError {
    ParseError::new(found.col, format!("expected ',' or ')' to close the list opened at column {open}, found {}", found.tok.describe()))
        .of(ErrorKind::UnclosedList { open, found: found.tok.found() })
}

#[cold]
#[inline(never)]
fn unclosed(open: usize, found: &Token) -> ParseError {
    ParseError::new(found.col, format!("expected ')' to close '(' opened at column {open}, found {}", found.tok.describe()))
        .of(ErrorKind::Unclosed { open, found: found.tok.found() })
}

#[cold]
#[inline(never)]
fn unclosed_call(spec: &FnSpec, open: usize, found: &Token) -> ParseError {
    ParseError::new(
        found.col,
        format!("expected ',' or ')' in the call of '{}' opened at column {open}, found {}", spec.name, found.tok.describe()),
    )
    .with_hint(format!("usage: {}", spec.usage))
    .of(ErrorKind::UnclosedCall { function: spec.name.into(), open, found: found.tok.found() })
}

#[cold]
#[inline(never)]
fn expected_value(found: &Token) -> ParseError {
    match found.tok {
        Tok::End => ParseError::new(found.col, "the expression ends where a value was expected")
            .with_hint("complete the expression after the last operator")
            .of(ErrorKind::ExpectedValue { found: found.tok.found() }),
        Tok::Not => ParseError::new(found.col, "'not' cannot stand here")
            .with_hint("'not' negates a whole condition; put it in parentheses, as in Q1 == (not Q2)")
            .of(ErrorKind::ExpectedValue { found: found.tok.found() }),
        ref other => {
            ParseError::new(found.col, format!("expected a value (a number, text, name, function or '('), found {}", other.describe()))
                .of(ErrorKind::ExpectedValue { found: other.found() })
        }
    }
}

#[cold]
#[inline(never)]
fn function_without_call(spec: &FnSpec, col: usize) -> ParseError {
    ParseError::new(col, format!("'{}' is a function and needs its arguments in parentheses", spec.name))
        .with_hint(format!("usage: {}", spec.usage))
        .of(ErrorKind::FunctionWithoutCall { function: spec.name.into() })
}

#[cold]
#[inline(never)]
fn not_a_roster(spec: &FnSpec, found: &Token) -> ParseError {
    let message = match found.tok {
        Tok::Ident(_) => format!("the first argument of '{}' must be the id of a roster alone", spec.name),
        ref other => format!("the first argument of '{}' must be the id of a roster, found {}", spec.name, other.describe()),
    };
    let what = match found.tok {
        Tok::Ident(_) => None,
        ref other => Some(other.found()),
    };
    ParseError::new(found.col, message)
        .with_hint(format!("usage: {}", spec.usage))
        .of(ErrorKind::NotARoster { function: spec.name.into(), found: what })
}

#[cold]
#[inline(never)]
fn wrong_arity(spec: &FnSpec, col: usize, given: usize) -> ParseError {
    let expected = match spec.max_args {
        Some(max) if max == spec.min_args => format!("{max}"),
        Some(max) => format!("{} or {max}", spec.min_args),
        None => format!("at least {}", spec.min_args),
    };
    let plural = if expected == "1" { "argument" } else { "arguments" };
    ParseError::new(col, format!("'{}' takes {expected} {plural}, but {given} were given", spec.name))
        .with_hint(format!("usage: {}", spec.usage))
        .of(ErrorKind::WrongArity { function: spec.name.into(), min: spec.min_args, max: spec.max_args, given })
}

/// Reports a token left over after a complete expression.
#[cold]
#[inline(never)]
fn trailing(token: &Token) -> ParseError {
    match &token.tok {
        Tok::RParen => ParseError::new(token.col, "this ')' closes no '('").of(ErrorKind::UnmatchedParen),
        Tok::Ident(name) if KEYWORD_TYPOS.contains(&name.to_ascii_lowercase().as_str()) => {
            ParseError::new(token.col, format!("unexpected {} after a complete expression", token.tok.describe()))
                .with_hint(format!("keywords are lowercase: write '{}'", name.to_ascii_lowercase()))
                .of(ErrorKind::KeywordCase { word: name.clone() })
        }
        other => ParseError::new(token.col, format!("unexpected {} after a complete expression", other.describe()))
            .with_hint("join conditions with 'and' or 'or', and values with an operator such as '+'")
            .of(ErrorKind::Trailing { found: other.found() }),
    }
}

/// Keywords that authors may type in the wrong case (`AND`, `Or`).
const KEYWORD_TYPOS: [&str; 5] = ["and", "or", "not", "in", "implies"];

/// Pops an operand; the shunting yard always has one, but a parse error is safer than a panic.
fn pop(operands: &mut Vec<Node>, col: usize) -> Result<Node, ParseError> {
    operands.pop().ok_or_else(|| ParseError::new(col, "internal error: an operator lacks an operand").of(ErrorKind::Internal))
}

/// Applies a binary operator, extending a flat chain of the same level when the left operand is one.
fn combine(op: Infix, left: Node, right: Node) -> Node {
    match (op, left) {
        (Infix::Or, Node::Or(mut items)) => {
            items.push(right);
            Node::Or(items)
        }
        (Infix::Or, left) => Node::Or(vec![left, right]),
        (Infix::And, Node::And(mut items)) => {
            items.push(right);
            Node::And(items)
        }
        (Infix::And, left) => Node::And(vec![left, right]),
        (Infix::Implies, left) => Node::Implies(Box::new(left), Box::new(right)),
        (Infix::Arith(arith), Node::Arith(first, mut rest))
            if rest.first().is_some_and(|(o, _)| Infix::Arith(*o).power() == op.power()) =>
        {
            rest.push((arith, right));
            Node::Arith(first, rest)
        }
        (Infix::Arith(arith), left) => Node::Arith(Box::new(left), vec![(arith, right)]),
        (Infix::Cmp(cmp), left) => Node::Cmp(cmp, Box::new(left), Box::new(right)),
        // `in` never reaches the operator stack; it is applied as soon as its list is read.
        (Infix::In { negated }, left) => Node::In { negated, value: Box::new(left), items: vec![right] },
    }
}

/// Reports an unknown function, suggesting the known ones with a similar name.
#[cold]
#[inline(never)]
fn unknown_function(name: &str, col: usize) -> ParseError {
    let lower = name.to_ascii_lowercase();
    // Short names are close only to names one edit away; longer ones may be two edits away. A name
    // that abbreviates a function (`cnt`) or contains one (`sumof`) is close too.
    let threshold = if lower.len() <= 3 { 1 } else { 2 };
    let mut close: Vec<(usize, &str)> = FUNCTIONS
        .iter()
        .filter_map(|f| {
            let distance = edit_distance(&lower, f.name);
            let related = (lower.len() >= 2 && is_subsequence(&lower, f.name)) || (f.name.len() >= 3 && lower.contains(f.name));
            (distance <= threshold || related).then_some((distance, f.name))
        })
        .collect();
    close.sort();
    let hint = if close.is_empty() {
        let all: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
        format!("the functions are {}", all.join(", "))
    } else {
        let names: Vec<&str> = close.iter().map(|(_, n)| *n).collect();
        format!("did you mean {}?", names.join(", "))
    };
    let close = close.iter().map(|(_, n)| n.to_string()).collect();
    ParseError::new(col, format!("unknown function '{name}'")).with_hint(hint).of(ErrorKind::UnknownFunction { name: name.into(), close })
}

/// Tells whether the characters of `short` appear in `long` in order, as in an abbreviation.
fn is_subsequence(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// The Levenshtein distance between two names, in characters. Names longer than 40 characters are
/// never close to a function name, so the distance is not computed for them.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > 40 || b.len() > 40 {
        return usize::MAX;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Appends the references of `node` to `out`, skipping ones already there. `through` is the roster
/// of the innermost aggregate whose inner expression `node` belongs to.
/// The names given to `currency(...)` anywhere in `node` (`.` for the answer being validated).
pub(super) fn collect_currency_arguments<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match node {
        Node::Lit(_) | Node::Name(_) => {}
        Node::Call(Func::Currency, args) => {
            if let [Node::Name(name)] = args.as_slice() {
                out.push(name);
            }
        }
        Node::Neg(inner) | Node::Not(inner) => collect_currency_arguments(inner, out),
        Node::And(items) | Node::Or(items) | Node::Call(_, items) => items.iter().for_each(|i| collect_currency_arguments(i, out)),
        Node::Arith(first, rest) => {
            collect_currency_arguments(first, out);
            rest.iter().for_each(|(_, operand)| collect_currency_arguments(operand, out));
        }
        Node::Cmp(_, left, right) | Node::Implies(left, right) => {
            collect_currency_arguments(left, out);
            collect_currency_arguments(right, out);
        }
        Node::In { value, items, .. } => {
            collect_currency_arguments(value, out);
            items.iter().for_each(|i| collect_currency_arguments(i, out));
        }
        Node::Aggregate { args, .. } => args.iter().for_each(|a| collect_currency_arguments(a, out)),
    }
}

pub(super) fn collect_references(node: &Node, through: Option<&str>, out: &mut Vec<Reference>) {
    let push = |name: &str, kind: RefKind, out: &mut Vec<Reference>| {
        let reference = Reference { name: name.to_owned(), through_roster: through.map(str::to_owned), kind };
        if !out.contains(&reference) {
            out.push(reference);
        }
    };
    match node {
        Node::Lit(_) => {}
        Node::Name(name) => push(name, RefKind::Name, out),
        Node::Neg(inner) | Node::Not(inner) => collect_references(inner, through, out),
        Node::And(items) | Node::Or(items) | Node::Call(_, items) => {
            for item in items {
                collect_references(item, through, out);
            }
        }
        Node::Arith(first, rest) => {
            collect_references(first, through, out);
            for (_, operand) in rest {
                collect_references(operand, through, out);
            }
        }
        Node::Cmp(_, left, right) | Node::Implies(left, right) => {
            collect_references(left, through, out);
            collect_references(right, through, out);
        }
        Node::In { value, items, .. } => {
            collect_references(value, through, out);
            for item in items {
                collect_references(item, through, out);
            }
        }
        Node::Aggregate { agg, roster, args } => {
            push(roster, RefKind::Roster, out);
            for (i, arg) in args.iter().enumerate() {
                // The row number of `at` is evaluated in the outer context; everything else inside
                // an aggregate is read in the rows of its roster.
                let inner = if *agg == Agg::At && i == 0 { through } else { Some(roster.as_str()) };
                collect_references(arg, inner, out);
            }
        }
    }
}
