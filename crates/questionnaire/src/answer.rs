//! Answer values, their addresses, and the checks that decide whether an answer can be recorded.
//!
//! An answer is addressed by [`AnswerKey`]: the question id plus its position in each enclosing
//! roster (1-based), like Survey Solutions' `Identity { question, roster_vector }`. Its JSON form
//! (see `docs/study-format.md`) is the same in scripts, in the database and in the UI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::expr::{Missing, Val};
use crate::model::{Lang, Question, QuestionType, Text};

/// The position of a roster row: one 1-based index per enclosing roster (at most two levels).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowPath {
    len: u8,
    rows: [u32; 2],
}

impl RowPath {
    pub const ROOT: RowPath = RowPath { len: 0, rows: [0, 0] };

    pub fn from_slice(rows: &[u32]) -> Option<RowPath> {
        if rows.len() > 2 || rows.contains(&0) {
            return None;
        }
        let mut p = RowPath::ROOT;
        for r in rows {
            p = p.child(*r);
        }
        Some(p)
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.rows[..self.len as usize]
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The path of row `row` of a roster nested at this level.
    pub fn child(&self, row: u32) -> RowPath {
        let mut p = *self;
        if (p.len as usize) < 2 {
            p.rows[p.len as usize] = row;
            p.len += 1;
        }
        p
    }

    pub fn truncate(&self, len: usize) -> RowPath {
        let mut p = *self;
        if len < p.len as usize {
            for r in p.rows.iter_mut().skip(len) {
                *r = 0;
            }
            p.len = len as u8;
        }
        p
    }

    pub fn starts_with(&self, prefix: &RowPath) -> bool {
        self.len >= prefix.len && self.as_slice()[..prefix.len()] == *prefix.as_slice()
    }

    /// The text form used in storage and messages: `""`, `"3"`, `"3.1"`.
    pub fn dotted(&self) -> String {
        self.as_slice().iter().map(|r| r.to_string()).collect::<Vec<_>>().join(".")
    }

    pub fn parse_dotted(s: &str) -> Option<RowPath> {
        if s.is_empty() {
            return Some(RowPath::ROOT);
        }
        let rows: Option<Vec<u32>> = s.split('.').map(|p| p.parse().ok()).collect();
        RowPath::from_slice(&rows?)
    }
}

/// The public address of an answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnswerKey {
    pub question: String,
    /// 1-based row in each enclosing roster; empty at household level.
    #[serde(default)]
    pub roster: Vec<u32>,
}

impl std::fmt::Display for AnswerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.roster.is_empty() {
            write!(f, "{}", self.question)
        } else {
            write!(f, "{}[{}]", self.question, self.roster.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(","))
        }
    }
}

/// A recorded answer.
/// An answer in its JSON form (docs/study-format.md) as it crosses to the interface: a closed set of
/// shapes, so the interface's types follow the engine's and a change of form breaks its build. The
/// engine reads it with [`Answer::from_json`] for the question's type; numbers keep their JSON form
/// (`3` stays a whole number).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum AnswerValue {
    /// A code, a whole number, a year, a decimal, or a missing code (−98 don't know, −99 refused).
    Number(serde_json::Number),
    /// Text, or a date as `YYYY-MM-DD`.
    Text(String),
    /// The codes of a multiple-choice answer.
    Codes(Vec<Code>),
    /// The entries of a list question.
    List(Vec<String>),
    /// A single choice of an "other (specify)" option, with its text.
    Other { code: Code, other: String },
    /// Several choices including an "other (specify)" option, with its text.
    CodesOther { codes: Vec<Code>, other: String },
    /// An amount with its currency code.
    Money { amount: serde_json::Number, currency: String },
    /// A grid: row id → code.
    Grid(BTreeMap<String, Code>),
}

/// An option code or a missing code in an [`AnswerValue`] (a number in TypeScript: codes are small).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Code(#[ts(type = "number")] pub i64);

impl AnswerValue {
    /// The JSON form the store and scripts use.
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).expect("an answer value serializes")
    }

    /// The value of a JSON form, `None` for JSON that is no answer form at all (`null`, `true`).
    pub fn from_json(json: &Json) -> Option<AnswerValue> {
        serde_json::from_value(json.clone()).ok()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A single choice, with the text of an "other (specify)" option when one was given.
    Code(i64, Option<String>),
    /// A multiple choice (sorted codes), with the "other (specify)" text when one was given.
    Codes(Vec<i64>, Option<String>),
    Int(i64),
    Number(f64),
    Money {
        amount: f64,
        currency: String,
    },
    Text(String),
    Date(chrono::NaiveDate),
    /// A time of day to the minute.
    Time(chrono::NaiveTime),
    List(Vec<String>),
    Grid(BTreeMap<String, i64>),
    Missing(Missing),
}

impl Answer {
    /// The JSON form of `docs/study-format.md`.
    pub fn to_json(&self) -> Json {
        match self {
            Answer::Code(c, None) | Answer::Int(c) => Json::from(*c),
            Answer::Code(c, Some(other)) => serde_json::json!({ "code": c, "other": other }),
            Answer::Codes(cs, None) => Json::from(cs.clone()),
            Answer::Codes(cs, Some(other)) => serde_json::json!({ "codes": cs, "other": other }),
            Answer::Number(n) => serde_json::Number::from_f64(*n).map(Json::Number).unwrap_or(Json::Null),
            Answer::Money { amount, currency } => serde_json::json!({ "amount": amount, "currency": currency }),
            Answer::Text(s) => Json::from(s.clone()),
            Answer::Date(d) => Json::from(d.format("%Y-%m-%d").to_string()),
            Answer::Time(t) => Json::from(t.format("%H:%M").to_string()),
            Answer::List(items) => Json::from(items.clone()),
            Answer::Grid(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), Json::from(*v))).collect()),
            Answer::Missing(m) => Json::from(m.code()),
        }
    }

    /// Reads the JSON form for `question`, checking shape and static bounds (not relevance or rules).
    pub fn from_json(question: &Question, json: &Json) -> Result<Answer, AnswerError> {
        let qid = || question.id.clone();
        if let Some(code) = json.as_i64() {
            if let Some(m) = Missing::from_code(code) {
                if m == Missing::NotApplicable {
                    return Err(AnswerError::NotApplicableEntered { question: qid() });
                }
                if !question.special.contains(&m) {
                    return Err(AnswerError::MissingNotAllowed { question: qid(), code });
                }
                return Ok(Answer::Missing(m));
            }
        }
        let wrong = || AnswerError::WrongType { question: qid(), expected: question.kind };
        let answer = match question.kind {
            QuestionType::Single => {
                // `3`, or `{"code": 96, "other": "..."}` for an "other (specify)" option.
                let (code, other) = match json {
                    Json::Object(m) => (m.get("code").and_then(Json::as_i64).ok_or_else(wrong)?, other_text(m, &wrong)?),
                    _ => (json.as_i64().ok_or_else(wrong)?, None),
                };
                if question.option(code).is_none() {
                    return Err(AnswerError::UnknownOption { question: qid(), code });
                }
                check_other(question, &[code], &other)?;
                Answer::Code(code, other)
            }
            QuestionType::Multiple => {
                // `[1, 96]`, or `{"codes": [1, 96], "other": "..."}`.
                let (arr, other) = match json {
                    Json::Object(m) => (m.get("codes").and_then(Json::as_array).ok_or_else(wrong)?, other_text(m, &wrong)?),
                    _ => (json.as_array().ok_or_else(wrong)?, None),
                };
                let mut codes = Vec::with_capacity(arr.len());
                for v in arr {
                    let code = v.as_i64().ok_or_else(wrong)?;
                    let opt = question.option(code).ok_or(AnswerError::UnknownOption { question: qid(), code })?;
                    if opt.exclusive && arr.len() > 1 {
                        return Err(AnswerError::ExclusiveCombined { question: qid(), code });
                    }
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
                if codes.is_empty() {
                    return Err(AnswerError::Empty { question: qid() });
                }
                if let Some(max) = question.max_choices {
                    if codes.len() > max as usize {
                        return Err(AnswerError::TooManyChoices { question: qid(), max });
                    }
                }
                codes.sort_unstable();
                check_other(question, &codes, &other)?;
                Answer::Codes(codes, other)
            }
            QuestionType::Integer | QuestionType::Year | QuestionType::Scale => {
                let n = json.as_f64().ok_or_else(wrong)?;
                if n.fract() != 0.0 || n.abs() > 1e15 {
                    return Err(wrong());
                }
                check_range(question, n)?;
                Answer::Int(n as i64)
            }
            QuestionType::Decimal => {
                let n = json.as_f64().filter(|n| n.is_finite()).ok_or_else(wrong)?;
                check_range(question, n)?;
                Answer::Number(n)
            }
            QuestionType::Money => {
                let (amount, currency) = match json {
                    Json::Number(n) => {
                        (n.as_f64().ok_or_else(wrong)?, question.currencies.first().cloned().unwrap_or_else(|| "KZT".into()))
                    }
                    Json::Object(m) => {
                        let amount = m.get("amount").and_then(Json::as_f64).ok_or_else(wrong)?;
                        let currency = match m.get("currency") {
                            None => question.currencies.first().cloned().unwrap_or_else(|| "KZT".into()),
                            Some(c) => c.as_str().ok_or_else(wrong)?.to_ascii_uppercase(),
                        };
                        (amount, currency)
                    }
                    _ => return Err(wrong()),
                };
                if !amount.is_finite() {
                    return Err(wrong());
                }
                if !question.currencies.contains(&currency) {
                    return Err(AnswerError::UnknownCurrency { question: qid(), currency });
                }
                check_range(question, amount)?;
                Answer::Money { amount, currency }
            }
            QuestionType::Text => {
                let s = json.as_str().ok_or_else(wrong)?.trim().to_string();
                if s.is_empty() {
                    return Err(AnswerError::Empty { question: qid() });
                }
                Answer::Text(s)
            }
            QuestionType::Date => {
                let s = json.as_str().ok_or_else(wrong)?;
                let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| AnswerError::BadDate { question: qid(), text: s.to_string() })?;
                Answer::Date(d)
            }
            QuestionType::Time => {
                let s = json.as_str().ok_or_else(wrong)?;
                Answer::Time(parse_time(s).ok_or_else(|| AnswerError::BadTime { question: qid(), text: s.to_string() })?)
            }
            QuestionType::List => {
                let arr = json.as_array().ok_or_else(wrong)?;
                let items: Vec<String> =
                    arr.iter().map(|v| v.as_str().map(|s| s.trim().to_string()).ok_or_else(wrong)).collect::<Result<_, _>>()?;
                let items: Vec<String> = items.into_iter().filter(|s| !s.is_empty()).collect();
                if items.len() > 200 {
                    return Err(AnswerError::OutOfRange { question: qid(), min: Some(1.0), max: Some(200.0) });
                }
                Answer::List(items)
            }
            QuestionType::Grid => {
                let obj = json.as_object().ok_or_else(wrong)?;
                let mut m = BTreeMap::new();
                for (row, v) in obj {
                    if !question.rows.iter().any(|r| r.id == *row) {
                        return Err(AnswerError::UnknownRow { question: qid(), row: row.clone() });
                    }
                    let code = v.as_i64().ok_or_else(wrong)?;
                    if question.option(code).is_none() && !Missing::from_code(code).is_some_and(|m| question.special.contains(&m)) {
                        return Err(AnswerError::UnknownOption { question: qid(), code });
                    }
                    m.insert(row.clone(), code);
                }
                if m.is_empty() {
                    return Err(AnswerError::Empty { question: qid() });
                }
                Answer::Grid(m)
            }
        };
        Ok(answer)
    }

    /// The value an expression sees.
    pub fn to_val(&self) -> Val {
        match self {
            Answer::Code(c, _) | Answer::Int(c) => Val::Num(*c as f64),
            Answer::Codes(cs, _) => Val::List(cs.iter().map(|c| *c as f64).collect()),
            Answer::Number(n) => Val::Num(*n),
            Answer::Money { amount, .. } => Val::Num(*amount),
            Answer::Text(s) => Val::Text(s.clone()),
            Answer::Date(d) => Val::Text(d.format("%Y-%m-%d").to_string()),
            Answer::Time(t) => Val::Text(t.format("%H:%M").to_string()),
            Answer::List(items) => Val::TextList(items.clone()),
            Answer::Grid(m) => Val::List(m.values().map(|c| *c as f64).collect()),
            Answer::Missing(m) => Val::Missing(*m),
        }
    }

    /// The currency code of a money answer.
    pub fn currency(&self) -> Option<&str> {
        match self {
            Answer::Money { currency, .. } => Some(currency),
            _ => None,
        }
    }

    /// The number of a numeric answer (an integer, a decimal or a money amount), for bounds checks.
    pub fn number(&self) -> Option<f64> {
        match self {
            Answer::Int(n) => Some(*n as f64),
            Answer::Number(n) => Some(*n),
            Answer::Money { amount, .. } => Some(*amount),
            _ => None,
        }
    }

    /// Whether this answer is complete for a grid (every row answered) or anything else (always).
    pub fn is_complete_for(&self, question: &Question) -> bool {
        match self {
            Answer::Grid(m) => question.rows.iter().all(|r| m.contains_key(&r.id)),
            _ => true,
        }
    }
}

/// The trimmed `other` text of an object answer; empty means none.
/// A time of day as typed: `HH:MM` on a 24-hour clock (`9:05` is read as 09:05), nothing else.
pub fn parse_time(s: &str) -> Option<chrono::NaiveTime> {
    let (h, m) = s.trim().split_once(':')?;
    let digits = |t: &str, lens: &[usize]| lens.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, &[1, 2]) || !digits(m, &[2]) {
        return None;
    }
    chrono::NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

fn other_text(m: &serde_json::Map<String, Json>, wrong: &dyn Fn() -> AnswerError) -> Result<Option<String>, AnswerError> {
    match m.get("other") {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(_) => Err(wrong()),
    }
}

/// An "other" text belongs to a chosen option marked `specify`.
fn check_other(question: &Question, codes: &[i64], other: &Option<String>) -> Result<(), AnswerError> {
    if other.is_some() && !codes.iter().any(|c| question.option(*c).is_some_and(|o| o.specify)) {
        return Err(AnswerError::OtherWithoutSpecify { question: question.id.clone() });
    }
    Ok(())
}

fn check_range(question: &Question, n: f64) -> Result<(), AnswerError> {
    if question.min.is_some_and(|m| n < m) || question.max.is_some_and(|m| n > m) {
        return Err(AnswerError::OutOfRange { question: question.id.clone(), min: question.min, max: question.max });
    }
    Ok(())
}

/// What a question's choice filter requires, in terms an interviewer can act on. It is read from
/// the shape of the filter expression (see [`crate::engine::filter_rule`]), so a refusal or an open
/// error names the answer the filter depends on instead of guessing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "shape", rename_all = "snake_case")]
#[ts(export)]
pub enum FilterRule {
    /// `selected(Q512, choice)`: only the options chosen in another (multiple-choice) question.
    ChosenIn { question: String },
    /// `not selected(Q512, choice)`: only the options not chosen in another question.
    NotChosenIn { question: String },
    /// Any other filter that reads answers (`if(Q403 == 4, choice in (...), ...)`): the options
    /// offered depend on the answers to these questions.
    DependsOn { questions: Vec<String> },
    /// A filter that reads no answer (`choice <= 16`): the same options are always offered.
    Fixed,
}

/// Why the engine refused an answer. [`AnswerError::message`] words it in the interview language.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum AnswerError {
    /// The question id is not in the study.
    #[error("unknown question {question}")]
    UnknownQuestion { question: String },
    /// The roster position does not exist (wrong depth or beyond the roster's size).
    #[error("{question} has no roster row {roster:?}")]
    NoSuchRow { question: String, roster: Vec<u32> },
    /// The question is skipped by routing in this interview.
    #[error("{question} is not asked in this interview")]
    NotRelevant { question: String },
    /// The value has the wrong shape for the question type.
    #[error("{question} expects a {expected:?} answer")]
    WrongType { question: String, expected: QuestionType },
    /// A number outside the question's min/max.
    #[error("{question} must be between {min:?} and {max:?}")]
    OutOfRange { question: String, min: Option<f64>, max: Option<f64> },
    /// A code that is not one of the options.
    #[error("{question} has no option {code}")]
    UnknownOption {
        question: String,
        #[ts(type = "number")]
        code: i64,
    },
    /// An option hidden by the choice filter; `filter` says what the filter requires.
    #[error("{question}: option {code} is not offered here")]
    FilteredOption {
        question: String,
        #[ts(type = "number")]
        code: i64,
        filter: FilterRule,
    },
    /// Don't know / refused where the study does not allow it.
    #[error("{question} does not accept {code}")]
    MissingNotAllowed {
        question: String,
        #[ts(type = "number")]
        code: i64,
    },
    /// −97 is set by routing only.
    #[error("{question}: -97 (not applicable) is set by routing only")]
    NotApplicableEntered { question: String },
    /// An exclusive option (None, DK) combined with others.
    #[error("{question}: option {code} cannot be combined with others")]
    ExclusiveCombined {
        question: String,
        #[ts(type = "number")]
        code: i64,
    },
    /// More options than `max_choices`.
    #[error("{question}: at most {max} options")]
    TooManyChoices { question: String, max: u32 },
    /// A currency the question does not allow.
    #[error("{question}: currency {currency} is not allowed")]
    UnknownCurrency { question: String, currency: String },
    /// A grid row that does not exist.
    #[error("{question} has no row {row}")]
    UnknownRow { question: String, row: String },
    /// A date that is not YYYY-MM-DD.
    #[error("{question}: {text} is not a date")]
    BadDate { question: String, text: String },
    /// A time that is not HH:MM (00:00–23:59).
    #[error("{question}: {text} is not a time")]
    BadTime { question: String, text: String },
    /// An "other" text given without choosing an "other (specify)" option.
    #[error("{question}: a specification needs an \"other (specify)\" option")]
    OtherWithoutSpecify { question: String },
    /// An empty text, list or selection.
    #[error("{question}: the answer is empty")]
    Empty { question: String },
    /// A hard validation rule of the question fails.
    #[error("{question}: rule `{rule}` fails")]
    Rule {
        question: String,
        rule: String,
        #[ts(type = "Record<string, string>")]
        message: Text,
    },
}

impl AnswerError {
    pub fn question(&self) -> &str {
        match self {
            AnswerError::UnknownQuestion { question }
            | AnswerError::NoSuchRow { question, .. }
            | AnswerError::NotRelevant { question }
            | AnswerError::WrongType { question, .. }
            | AnswerError::OutOfRange { question, .. }
            | AnswerError::UnknownOption { question, .. }
            | AnswerError::FilteredOption { question, .. }
            | AnswerError::MissingNotAllowed { question, .. }
            | AnswerError::NotApplicableEntered { question }
            | AnswerError::ExclusiveCombined { question, .. }
            | AnswerError::TooManyChoices { question, .. }
            | AnswerError::UnknownCurrency { question, .. }
            | AnswerError::UnknownRow { question, .. }
            | AnswerError::BadDate { question, .. }
            | AnswerError::BadTime { question, .. }
            | AnswerError::Empty { question }
            | AnswerError::OtherWithoutSpecify { question }
            | AnswerError::Rule { question, .. } => question,
        }
    }

    /// The message in `lang`, for an interviewer or a script's user.
    pub fn message(&self, lang: Lang) -> String {
        crate::i18n::answer_error(self, lang)
    }
}
