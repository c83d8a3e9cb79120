//! The lexer turns the text of an expression into tokens, each with its 1-based character column.
//!
//! It works on a vector of `char`s, so columns count characters (a Cyrillic letter is one column)
//! and no byte offset can ever split a UTF-8 sequence. Characters that commonly slip in from other
//! languages, such as `=` for `==`, `&&` for `and` or a Cyrillic letter that looks like a Latin one
//! in a question id, produce an error with a hint rather than a bare "unexpected character".

use super::{ErrorKind, Found, ParseError};

/// The kinds of token of the expression language.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A number literal such as `12` or `54.5`.
    Num(f64),
    /// A text literal, with its quotes removed and escapes resolved.
    Str(String),
    /// An identifier that is not a keyword: a question, calculation, constant, roster or function name.
    Ident(String),
    /// `.`, the answer being validated.
    Dot,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Implies,
    Not,
    In,
    True,
    False,
    Null,
    /// The end of the text; always the last token.
    End,
}

impl Tok {
    /// Describes the token for error messages, as in "found ')'".
    pub(super) fn describe(&self) -> String {
        let symbol = match self {
            Tok::Num(n) => return format!("the number {n}"),
            Tok::Str(s) => return format!("the text '{s}'"),
            Tok::Ident(name) => return format!("'{name}'"),
            Tok::End => return "the end of the expression".to_owned(),
            Tok::Dot => ".",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::Comma => ",",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Implies => "implies",
            Tok::Not => "not",
            Tok::In => "in",
            Tok::True => "true",
            Tok::False => "false",
            Tok::Null => "null",
        };
        format!("'{symbol}'")
    }
}

impl Tok {
    /// The token as named in an error, for wording in any language.
    pub(super) fn found(&self) -> Found {
        match self {
            Tok::Num(n) => Found::Number(*n),
            Tok::Str(s) => Found::Text(s.clone()),
            Tok::Ident(name) => Found::Name(name.clone()),
            Tok::End => Found::End,
            // Operators, brackets and keywords as `describe` writes them, without its quotes, so a
            // token added to the language is named right here too.
            other => Found::Symbol(other.describe().trim_matches('\'').to_string()),
        }
    }
}

/// A token and the 1-based character column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) col: usize,
}

/// The keywords of the language; they are lowercase and cannot be used as names.
const KEYWORDS: [(&str, Tok); 8] = [
    ("and", Tok::And),
    ("or", Tok::Or),
    ("implies", Tok::Implies),
    ("not", Tok::Not),
    ("in", Tok::In),
    ("true", Tok::True),
    ("false", Tok::False),
    ("null", Tok::Null),
];

/// The keywords, for the loader's check that no id is spelt like one.
pub(super) fn keyword_names() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().map(|(kw, _)| *kw)
}

/// Cyrillic letters that look like Latin ones; an id typed with the keyboard in the wrong layout
/// contains them.
const CYRILLIC_LOOKALIKES: &str = "АВЕКМНОРСТХаеорсхуіІ";

/// Splits `src` into tokens. The result always ends with a [`Tok::End`] token.
pub(super) fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (tok, len) = if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            lex_number(&chars, i)?
        } else if c.is_ascii_alphabetic() || c == '_' {
            let len = chars[i..].iter().take_while(|ch| ch.is_ascii_alphanumeric() || **ch == '_').count();
            let word: String = chars[i..i + len].iter().collect();
            let tok = KEYWORDS.iter().find(|(kw, _)| *kw == word).map(|(_, tok)| tok.clone()).unwrap_or(Tok::Ident(word));
            if let Some(&after) = chars.get(i + len) {
                if !after.is_ascii() && after.is_alphabetic() {
                    return Err(foreign_letter(&chars, i + len));
                }
            }
            (tok, len)
        } else if c == '\'' || c == '"' {
            lex_string(&chars, i)?
        } else {
            match (c, next) {
                ('=', Some('=')) => (Tok::EqEq, 2),
                ('!', Some('=')) => (Tok::NotEq, 2),
                ('<', Some('=')) => (Tok::Le, 2),
                ('>', Some('=')) => (Tok::Ge, 2),
                ('<', Some('>')) => {
                    return Err(ParseError::new(col, "'<>' is not an operator")
                        .with_hint("write '!=' for \"not equal\"")
                        .of(ErrorKind::NotAnOperator { op: "<>".into() }))
                }
                ('=' | '-', Some('>')) => {
                    return Err(ParseError::new(col, format!("'{c}>' is not an operator"))
                        .with_hint("write 'implies', as in amount > 0 implies year >= 1993"))
                }
                ('<', _) => (Tok::Lt, 1),
                ('>', _) => (Tok::Gt, 1),
                ('=', _) => {
                    return Err(ParseError::new(col, "'=' is not an operator")
                        .with_hint("write '==' to compare, as in relation == 1")
                        .of(ErrorKind::NotAnOperator { op: "=".into() }))
                }
                ('!', _) => {
                    return Err(ParseError::new(col, "'!' is not an operator")
                        .with_hint("write 'not' to negate, or '!=' for \"not equal\"")
                        .of(ErrorKind::NotAnOperator { op: "!".into() }))
                }
                ('&', _) => {
                    return Err(ParseError::new(col, format!("'{}' is not an operator", run(&chars, i, '&')))
                        .with_hint("write 'and'")
                        .of(ErrorKind::NotAnOperator { op: run(&chars, i, '&') }))
                }
                ('|', _) => {
                    return Err(ParseError::new(col, format!("'{}' is not an operator", run(&chars, i, '|')))
                        .with_hint("write 'or'")
                        .of(ErrorKind::NotAnOperator { op: run(&chars, i, '|') }))
                }
                ('^', _) => {
                    return Err(ParseError::new(col, "'^' is not an operator")
                        .with_hint("there is no power operator; multiply instead, as in x * x")
                        .of(ErrorKind::NotAnOperator { op: "^".into() }))
                }
                ('.', _) => (Tok::Dot, 1),
                ('(', _) => (Tok::LParen, 1),
                (')', _) => (Tok::RParen, 1),
                (',', _) => (Tok::Comma, 1),
                ('+', _) => (Tok::Plus, 1),
                ('-', _) => (Tok::Minus, 1),
                ('*', _) => (Tok::Star, 1),
                ('/', _) => (Tok::Slash, 1),
                ('%', _) => (Tok::Percent, 1),
                (c, _) if c.is_alphabetic() => return Err(foreign_letter(&chars, i)),
                (c, _) => {
                    return Err(
                        ParseError::new(col, format!("unexpected character {}", show_char(c))).of(ErrorKind::UnexpectedChar { ch: c })
                    )
                }
            }
        };
        tokens.push(Token { tok, col });
        i += len;
    }
    tokens.push(Token { tok: Tok::End, col: chars.len() + 1 });
    Ok(tokens)
}

/// Lexes a number starting at `start`: digits with an optional fraction (`12`, `54.5`, `.5`).
fn lex_number(chars: &[char], start: usize) -> Result<(Tok, usize), ParseError> {
    let digits = |from: usize| chars[from.min(chars.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut end = start + digits(start);
    if chars.get(end) == Some(&'.') {
        let fraction = digits(end + 1);
        if fraction == 0 {
            return Err(ParseError::new(end + 1, "expected digits after the decimal point")
                .with_hint("write decimals as 54.5 or 54")
                .of(ErrorKind::NoDigitsAfterPoint));
        }
        end += 1 + fraction;
    }
    if let Some(&after) = chars.get(end) {
        if after.is_alphanumeric() || after == '_' {
            return Err(ParseError::new(end + 1, "a number cannot run into a name")
                .with_hint("put a space or an operator after the number; names start with a letter, like birth_year")
                .of(ErrorKind::NumberRunsIntoName));
        }
    }
    let text: String = chars[start..end].iter().collect();
    // Rust's float parser accepts any run of digits with a fraction, rounding very long ones.
    let value = text
        .parse::<f64>()
        .map_err(|_| ParseError::new(start + 1, format!("'{text}' is not a number")).of(ErrorKind::NotANumber { text: text.clone() }))?;
    Ok((Tok::Num(value), end - start))
}

/// Lexes a text literal in single or double quotes starting at `start`. A backslash escapes the
/// quote, another backslash, or stands for a newline (`\n`) or a tab (`\t`).
fn lex_string(chars: &[char], start: usize) -> Result<(Tok, usize), ParseError> {
    let quote = chars[start];
    let mut text = String::new();
    let mut i = start + 1;
    while let Some(&c) = chars.get(i) {
        if c == quote {
            return Ok((Tok::Str(text), i + 1 - start));
        }
        if c == '\\' {
            let escaped = match chars.get(i + 1) {
                Some('\\') => '\\',
                Some('\'') => '\'',
                Some('"') => '"',
                Some('n') => '\n',
                Some('t') => '\t',
                Some(&other) => {
                    return Err(ParseError::new(i + 1, format!("unknown escape '\\{other}' in text"))
                        .with_hint("a backslash may only precede a quote, another backslash, n or t")
                        .of(ErrorKind::UnknownEscape { ch: other }))
                }
                None => break,
            };
            text.push(escaped);
            i += 2;
        } else {
            text.push(c);
            i += 1;
        }
    }
    Err(ParseError::new(start + 1, format!("the text starting at column {} is never closed", start + 1))
        .with_hint(format!("end it with {quote}"))
        .of(ErrorKind::UnclosedText { quote }))
}

/// Returns the run of `c` starting at `start`, so that `&&` is reported whole.
fn run(chars: &[char], start: usize, c: char) -> String {
    chars[start..].iter().take_while(|ch| **ch == c).collect()
}

/// Shows a character in a message, with its code point when it is invisible or easy to confuse.
fn show_char(c: char) -> String {
    if c.is_control() || !c.is_ascii() {
        format!("'{}' (U+{:04X})", c.escape_debug(), c as u32)
    } else {
        format!("'{c}'")
    }
}

/// Reports the non-Latin letter at index `at` outside quotes. In a word that also holds Latin
/// letters or digits it is most likely an id typed partly in the wrong keyboard layout; otherwise
/// it is text that lacks its quotes.
fn foreign_letter(chars: &[char], at: usize) -> ParseError {
    let c = chars.get(at).copied().unwrap_or(' ');
    let in_word = |ch: &&char| ch.is_alphanumeric() || **ch == '_';
    let before = chars[..at.min(chars.len())].iter().rev().take_while(in_word);
    let after = chars[at.min(chars.len())..].iter().take_while(in_word);
    let mixed = before.chain(after).any(char::is_ascii_alphanumeric);
    let lookalike = mixed && CYRILLIC_LOOKALIKES.contains(c);
    let error = ParseError::new(at + 1, format!("the letter {} cannot appear outside quotes", show_char(c))).of(ErrorKind::ForeignLetter {
        ch: c,
        in_word: mixed,
        lookalike,
    });
    if mixed && CYRILLIC_LOOKALIKES.contains(c) {
        error.with_hint(format!("'{c}' is a Cyrillic letter that looks like a Latin one; ids such as birth_year use Latin letters only"))
    } else if mixed {
        error.with_hint("ids such as birth_year use Latin letters, digits and '_' only")
    } else {
        error.with_hint("put text in quotes, as in name == 'Айгуль'")
    }
}
