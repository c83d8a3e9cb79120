//! The expression language of Dala studies.
//!
//! Study authors write small expressions in the TOML files of a study: relevance conditions
//! (`AGE >= 16`), validation rules (`. <= SURVEY_YEAR`), calculations, prefills and choice filters
//! (`selected(Q512, choice)`). This module parses such a text once into an [`Expr`], tells the loader
//! which names the expression reads ([`Expr::references`]) and evaluates it against an interview
//! through the [`Env`] trait, which the questionnaire engine implements.
//!
//! The language is missing-aware: an unanswered question is [`Val::Null`] and a don't-know, refused
//! or not-applicable answer is [`Val::Missing`]. Arithmetic and ordering with either give `Null`
//! (unknown), `and`/`or`/`not` follow Kleene's three-valued logic, and `==` compares a missing answer
//! with its reserved code so that `Q312 in (-98, -99)` can route don't-know answers. The full rules are
//! written for study authors in `docs/expressions.md`.
//!
//! Neither the parser nor the evaluator panics on any input: nesting is bounded (see
//! [`MAX_NESTING`]), all text handling works on characters rather than byte offsets and all
//! arithmetic is done in `f64` with non-finite results turned into `Null`.

mod eval;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

pub use parser::{MAX_AGGREGATE_NESTING, MAX_NESTING};

/// A parsed expression together with the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    source: String,
    root: parser::Node,
}

impl Expr {
    /// Returns the text the expression was parsed from, exactly as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Returns every identifier the expression reads, each once, in order of first appearance.
    ///
    /// A name read inside the inner expression of an aggregate over roster `R` carries
    /// `through_roster = Some(R)`; the roster named by the first argument of an aggregate is reported
    /// with [`RefKind::Roster`]. The answer being validated and the option code of a choice filter
    /// are reported as the names `"."` and `"choice"`, so that the loader can check that they are
    /// used only where they have a meaning.
    pub fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        parser::collect_references(&self.root, None, &mut out);
        out
    }

    /// The names given to `currency(...)` in the expression, `.` for the answer being validated: the
    /// loader checks that each is a money question.
    pub fn currency_arguments(&self) -> Vec<&str> {
        let mut out = Vec::new();
        parser::collect_currency_arguments(&self.root, &mut out);
        out
    }

    /// Recognises the choice filter `selected(Q, choice)` (or `not selected(Q, choice)`, then with
    /// `true` as the second element): the question whose chosen options are offered (or hidden).
    pub fn selected_choice_of(&self) -> Option<(&str, bool)> {
        let (node, negated) = match &self.root {
            parser::Node::Not(inner) => (inner.as_ref(), true),
            node => (node, false),
        };
        match node {
            parser::Node::Call(parser::Func::Selected, args) => match args.as_slice() {
                [parser::Node::Name(question), parser::Node::Name(choice)] if choice == "choice" && question != "." => {
                    Some((question.as_str(), negated))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Evaluates the expression in the context `env`.
    pub fn eval<E: Env>(&self, env: &E) -> Val {
        eval::eval(&self.root, env)
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl FromStr for Expr {
    type Err = ParseError;

    fn from_str(src: &str) -> Result<Self, Self::Err> {
        parse(src)
    }
}

/// Parses the text of an expression.
///
/// # Errors
///
/// Returns a [`ParseError`] naming the 1-based character column of the offending token when the
/// text is not a valid expression: a syntax error, an unknown function, a call with the wrong
/// number of arguments, or nesting deeper than [`MAX_NESTING`] (or [`MAX_AGGREGATE_NESTING`] for
/// aggregates).
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let root = parser::parse(src)?;
    Ok(Expr { source: src.to_owned(), root })
}

/// True when `name` is a word of the language (a keyword such as `and`, a function name such as
/// `count`, or `choice`, the option code in a choice filter), compared without regard to case.
/// A question, roster or calculation id spelt like one could not be read in an expression.
pub fn is_reserved_word(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // `implies` is listed by name as well so the rule holds whichever order the grammar grows in.
    lexer::keyword_names().chain(parser::function_names()).chain(["choice", "implies"]).any(|w| w == lower)
}

/// Why an expression could not be parsed, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// The 1-based column, counted in characters, of the token where the problem was found.
    pub column: usize,
    /// What is wrong, in one sentence without a trailing full stop.
    pub message: String,
    /// A suggestion for fixing it, such as the names of functions close to a misspelt one.
    pub hint: Option<String>,
    /// What is wrong as data, so that a caller can word it in another language (`message` and
    /// `hint` are the English wording). [`ErrorKind::Other`] when an error has no kind of its own yet.
    /// Boxed: the kind carries names and tokens, and a parse error travels in every `Result` of the parser.
    pub kind: Box<ErrorKind>,
}

/// The kinds of parse error, with what a message needs to name; see [`ParseError::kind`].
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    Empty,
    /// A character that is no operator here: `=`, `<>`, `!`, `&&`, `||`, `^`.
    NotAnOperator {
        op: String,
    },
    UnexpectedChar {
        ch: char,
    },
    /// A non-Latin letter outside quotes; `in_word` when it sits among Latin letters or digits,
    /// `lookalike` when it is a Cyrillic letter that looks like a Latin one.
    ForeignLetter {
        ch: char,
        in_word: bool,
        lookalike: bool,
    },
    NoDigitsAfterPoint,
    NumberRunsIntoName,
    NotANumber {
        text: String,
    },
    UnknownEscape {
        ch: char,
    },
    UnclosedText {
        quote: char,
    },
    TooDeep {
        max: usize,
    },
    AggregatesTooDeep {
        max: usize,
    },
    ChainedComparison {
        found: Found,
    },
    StrayNot,
    InWithoutList {
        found: Found,
    },
    EmptyInList,
    UnclosedList {
        open: usize,
        found: Found,
    },
    Unclosed {
        open: usize,
        found: Found,
    },
    UnclosedCall {
        function: String,
        open: usize,
        found: Found,
    },
    ExpectedValue {
        found: Found,
    },
    FunctionWithoutCall {
        function: String,
    },
    /// The first argument of an aggregate is not a roster id alone; `found` is `None` for a name
    /// followed by more.
    NotARoster {
        function: String,
        found: Option<Found>,
    },
    /// `a implies b implies c`: `implies` does not chain.
    ChainedImplies,
    /// The argument of `currency` is not a bare question id or `.`; `after_name` when a name is
    /// followed by more.
    NotAName {
        function: String,
        found: Found,
        after_name: bool,
    },
    WrongArity {
        function: String,
        min: usize,
        max: Option<usize>,
        given: usize,
    },
    UnmatchedParen,
    /// A keyword in capitals (`AND`) after a complete expression.
    KeywordCase {
        word: String,
    },
    Trailing {
        found: Found,
    },
    UnknownFunction {
        name: String,
        close: Vec<String>,
    },
    Internal,
    /// An error not given a kind of its own; only the column is language-neutral.
    Other,
}

/// A token as named in an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Number(f64),
    Text(String),
    Name(String),
    /// An operator, bracket or keyword, as written.
    Symbol(String),
    End,
}

impl ParseError {
    /// Creates an error without a hint.
    pub(crate) fn new(column: usize, message: impl Into<String>) -> Self {
        ParseError { column, message: message.into(), hint: None, kind: Box::new(ErrorKind::Other) }
    }

    /// Sets what the error is, as data.
    pub(crate) fn of(mut self, kind: ErrorKind) -> Self {
        self.kind = Box::new(kind);
        self
    }

    /// Adds a hint to the error.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// One name an expression reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The identifier as written: a question, calculation, constant or roster id, `"."` or `"choice"`.
    pub name: String,
    /// `Some(R)` if the name is read inside an aggregate over roster `R` (the innermost one when
    /// aggregates are nested); `None` if it is read in the context the expression is evaluated in.
    pub through_roster: Option<String>,
    /// Whether the name is read as a value or names the roster of an aggregate.
    pub kind: RefKind,
}

/// What a [`Reference`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// A question, calculation or constant id (or `.` or `choice`), read as a value.
    Name,
    /// The roster id given as the first argument of an aggregate such as `count(members, ...)`.
    Roster,
}

/// A value an expression reads or produces.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Unanswered, or unknown (the result of arithmetic with a missing operand, say).
    Null,
    /// A reserved missing code: not applicable, don't know or refused.
    Missing(Missing),
    /// A truth value.
    Bool(bool),
    /// A number; codes of single-choice answers, integers, decimals, years and money amounts.
    Num(f64),
    /// A text answer or a date in ISO form (`"2010-10-15"`).
    Text(String),
    /// The codes chosen in a multiple-choice answer.
    List(Vec<f64>),
    /// The items of a `list` answer, such as the names of the people who live away.
    TextList(Vec<String>),
}

impl Val {
    /// Returns the truth of the value as `and`, `or`, `not` and `if` see it: a `Bool` as is, a
    /// number as "not zero", and `None` (unknown) for everything else, `Null` and missing included.
    pub fn truth(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Num(n) if n.is_nan() => None,
            Val::Num(n) => Some(*n != 0.0),
            _ => None,
        }
    }

    /// Returns the number if the value is a number.
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// Tells whether the value is `Null` or a missing code, which aggregates and `coalesce` skip.
    pub fn is_null_or_missing(&self) -> bool {
        matches!(self, Val::Null | Val::Missing(_))
    }
}

impl fmt::Display for Val {
    /// Formats the value for display in question texts: `Null` as nothing, whole numbers without a
    /// decimal point, missing values as their code and lists joined with ", ".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn num(f: &mut fmt::Formatter<'_>, n: f64) -> fmt::Result {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                write!(f, "{n:.0}")
            } else {
                write!(f, "{n}")
            }
        }
        match self {
            Val::Null => Ok(()),
            Val::Missing(m) => write!(f, "{}", m.code()),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Num(n) => num(f, *n),
            Val::Text(t) => f.write_str(t),
            Val::List(items) => {
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    num(f, *n)?;
                }
                Ok(())
            }
            Val::TextList(items) => f.write_str(&items.join(", ")),
        }
    }
}

impl From<Missing> for Val {
    fn from(m: Missing) -> Self {
        Val::Missing(m)
    }
}

/// The reserved missing codes of the study format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Missing {
    /// −97: the question was skipped by routing; never entered by an interviewer.
    NotApplicable,
    /// −98: the respondent does not know.
    DontKnow,
    /// −99: the respondent refused to answer.
    Refused,
}

impl Missing {
    /// Every missing code, in the order of their codes from −97 down.
    pub const ALL: [Missing; 3] = [Missing::NotApplicable, Missing::DontKnow, Missing::Refused];

    /// Returns the reserved code: −97, −98 or −99.
    pub fn code(self) -> i64 {
        match self {
            Missing::NotApplicable => -97,
            Missing::DontKnow => -98,
            Missing::Refused => -99,
        }
    }

    /// Returns the missing value a reserved code stands for, or `None` for any other number.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            -97 => Some(Missing::NotApplicable),
            -98 => Some(Missing::DontKnow),
            -99 => Some(Missing::Refused),
            _ => None,
        }
    }
}

/// The context an expression is evaluated in, implemented by the questionnaire engine.
///
/// A context is one place in the interview: the household level, or one row of a roster (and of
/// its parent roster, when rosters nest). Names are resolved in that place.
pub trait Env: Sized {
    /// Returns the value of a question, calculation or constant in this context. The answer being
    /// validated and the option code of a choice filter are looked up as `"."` and `"choice"`.
    /// An unknown or unanswered name is `Val::Null`.
    fn lookup(&self, name: &str) -> Val;

    /// Returns the number of rows of `roster` visible from this context, or `None` for an unknown
    /// roster.
    fn roster_len(&self, roster: &str) -> Option<usize>;

    /// Returns the context of row `position` (1-based) of `roster`, or `None` if there is no such row.
    fn row(&self, roster: &str, position: usize) -> Option<Self>;

    /// Returns the 1-based row of the innermost roster of this context, or `None` outside rosters.
    fn position(&self) -> Option<usize>;

    /// Returns the currency code of a money answer (`currency(Q518)`, or `currency(.)` for the
    /// answer being validated) as text, such as `Val::Text("KZT")`; `Val::Null` for anything that
    /// is not an answered money question in this context. The default knows no currencies.
    fn currency(&self, name: &str) -> Val {
        let _ = name;
        Val::Null
    }

    /// Evaluates a whole-roster aggregate (`count`, `sum`, `any`, `all`, `min_of`, `max_of`; never
    /// `at`) whose inner expression does not read `.` or `choice`, so that its value depends only on
    /// the rows of `roster` seen from this context. `key` identifies the aggregate in the syntax tree.
    /// An engine may answer from a cache it keeps valid; the default computes every time.
    fn memo_aggregate(&self, key: usize, roster: &str, compute: &mut dyn FnMut() -> Val) -> Val {
        let _ = (key, roster);
        compute()
    }
}
