//! The immutable definition of a study: blocks, questions, code lists, rosters, calculations.
//!
//! A [`Questionnaire`] is produced by [`crate::load`] and never changes afterwards; everything
//! that varies during an interview lives in [`crate::engine::Interview`]. Questions, rosters and
//! calculations are addressed by index (`usize`) internally and by id (`"Q101"`) at the edges.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::expr::{Expr, Missing};

pub use dala_i18n::Lang;

/// A translated text: one entry per language. Lookups fall back to English, then to any language,
/// so a missing translation shows the source text rather than nothing (the loader warns about it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kk: Option<String>,
}

impl Text {
    pub fn get_exact(&self, lang: Lang) -> Option<&str> {
        lang.pick(self.ru.as_deref(), self.kk.as_deref(), self.en.as_deref()).filter(|s| !s.trim().is_empty())
    }

    pub fn get(&self, lang: Lang) -> &str {
        self.get_exact(lang)
            .or_else(|| self.get_exact(Lang::En))
            .or_else(|| self.get_exact(Lang::Ru))
            .or_else(|| self.get_exact(Lang::Kk))
            .unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        Lang::ALL.iter().all(|l| self.get_exact(*l).is_none())
    }

    pub fn of(en: &str, ru: &str, kk: &str) -> Text {
        Text { en: Some(en.into()), ru: Some(ru.into()), kk: Some(kk.into()) }
    }
}

/// The kind of a question, which fixes the shape of its answer.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum QuestionType {
    Single,
    Multiple,
    Integer,
    Decimal,
    Money,
    Year,
    Date,
    /// A time of day, "HH:MM" (24-hour clock).
    Time,
    Text,
    List,
    Scale,
    Grid,
}

impl QuestionType {
    pub fn has_options(self) -> bool {
        matches!(self, QuestionType::Single | QuestionType::Multiple | QuestionType::Grid)
    }
    pub fn is_numeric(self) -> bool {
        matches!(self, QuestionType::Integer | QuestionType::Decimal | QuestionType::Money | QuestionType::Year | QuestionType::Scale)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub code: i64,
    pub label: Text,
    /// Cannot be combined with other options in a multiple choice ("None").
    pub exclusive: bool,
    /// "Other (specify)": the interface asks for a text.
    pub specify: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GridRow {
    pub id: String,
    pub label: Text,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RuleSeverity {
    /// A hard check: the interview cannot be completed while it fails.
    Error,
    /// A soft check: the interviewer confirms it with one tap and the confirmation is stored.
    Warning,
}

/// What the session records by itself for a question (`auto = "..."`); the interviewer sees it and cannot change it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AutoKind {
    /// The local date the interview was created on (a `date` question).
    InterviewDate,
    /// The local time the interview was created at (a `time` question).
    StartTime,
    /// The local time the interview was completed at (a `time` question), recorded with the completion.
    EndTime,
    /// The fieldwork visit at the address the interview is held at (an `integer` question); 1 for an
    /// interview not started from a household.
    VisitNumber,
}

impl AutoKind {
    pub const ALL: [AutoKind; 4] = [AutoKind::InterviewDate, AutoKind::StartTime, AutoKind::EndTime, AutoKind::VisitNumber];

    /// The word used in a study file.
    pub fn name(self) -> &'static str {
        match self {
            AutoKind::InterviewDate => "interview_date",
            AutoKind::StartTime => "start_time",
            AutoKind::EndTime => "end_time",
            AutoKind::VisitNumber => "visit_number",
        }
    }

    pub fn parse(s: &str) -> Option<AutoKind> {
        AutoKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The question type that holds the value.
    pub fn kind(self) -> QuestionType {
        match self {
            AutoKind::InterviewDate => QuestionType::Date,
            AutoKind::StartTime | AutoKind::EndTime => QuestionType::Time,
            AutoKind::VisitNumber => QuestionType::Integer,
        }
    }
}

/// How an interview ends early (`[question.end]`, `outcome = "..."`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EndOutcome {
    /// The respondent refused the interview (consent "no"): interview status `refused`; for an
    /// interview started from a household, visit 42 (selected respondent refused, AAPOR 2.112).
    Refused,
}

impl EndOutcome {
    pub const ALL: [EndOutcome; 1] = [EndOutcome::Refused];

    pub fn name(self) -> &'static str {
        match self {
            EndOutcome::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<EndOutcome> {
        EndOutcome::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A condition on a question's answer that ends the interview (`[question.end]`): when the answer
/// meets `when` (with `.` bound to it), the interviewer is asked to confirm, and the session ends the
/// interview with `outcome`.
#[derive(Clone, Debug)]
pub struct EndRule {
    pub when: Expr,
    pub outcome: EndOutcome,
}

#[derive(Clone, Debug)]
pub struct Validation {
    pub rule: Expr,
    pub severity: RuleSeverity,
    pub message: Text,
}

#[derive(Clone, Debug)]
pub struct Question {
    pub id: String,
    pub block: usize,
    pub kind: QuestionType,
    pub text: Text,
    pub instruction: Option<Text>,
    pub roster: Option<usize>,
    pub show_card: Option<u32>,
    pub read_out: bool,
    pub identifying: bool,
    pub required: bool,
    pub options: Vec<Choice>,
    pub max_choices: Option<u32>,
    pub special: Vec<Missing>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_label: Option<Text>,
    pub max_label: Option<Text>,
    pub currencies: Vec<String>,
    pub rows: Vec<GridRow>,
    pub relevant: Option<Expr>,
    pub prefill: Option<Expr>,
    pub choice_filter: Option<Expr>,
    pub validations: Vec<Validation>,
    /// Recorded by the session, not the interviewer (`auto = "start_time"`).
    pub auto: Option<AutoKind>,
    /// The answers that end the interview (`[question.end]`).
    pub end: Option<EndRule>,
}

impl Question {
    pub fn option(&self, code: i64) -> Option<&Choice> {
        self.options.iter().find(|c| c.code == code)
    }
}

/// How many rows a roster has.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RosterSize {
    /// One row per unit of an integer question's answer (the household roster sized by Q101).
    Count(usize),
    /// One row per item of a `list` question's answer (members living away, named one by one).
    List(usize),
}

impl RosterSize {
    pub fn question(self) -> usize {
        match self {
            RosterSize::Count(q) | RosterSize::List(q) => q,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Roster {
    pub id: String,
    pub title: Text,
    pub size: RosterSize,
    /// The question whose answer names a row (the member's name).
    pub label: Option<usize>,
    pub parent: Option<usize>,
    /// 1 for a top-level roster, 2 for a roster nested in another.
    pub depth: usize,
}

#[derive(Clone, Debug)]
pub struct Calculation {
    pub id: String,
    pub roster: Option<usize>,
    pub expr: Expr,
    pub label: Text,
}

/// The layout of a block: household-level questions and roster groups, in questionnaire order.
#[derive(Clone, Debug, PartialEq)]
pub enum Section {
    Question(usize),
    Roster { roster: usize, children: Vec<Section> },
}

#[derive(Clone, Debug)]
pub struct Block {
    pub id: String,
    /// 0 for the cover sheet, 1.. for the numbered content blocks.
    pub number: u32,
    pub title: Text,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug)]
pub struct CodeList {
    pub id: String,
    pub options: Vec<Choice>,
}

/// What a name used in an expression stands for.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Symbol {
    Question(usize),
    Calculation(usize),
    Constant(f64),
    Roster(usize),
}

/// Something whose value other things read: an answer (seen through its relevance) or a calculation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    Question(usize),
    Calculation(usize),
}

/// Something evaluated from expressions: a question's relevance, prefill, filter and checks, or a calculation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Question(usize),
    Calculation(usize),
}

/// How a target reads a source.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReadScope {
    /// Directly, in the target's own row (or from an enclosing level): a change affects the
    /// target instances at and below the changed row.
    Direct,
    /// Inside an aggregate or `at()` over a roster: a change affects every instance of the target.
    Aggregate,
}

/// The reverse dependency graph: for each source, the targets that read it.
#[derive(Clone, Debug, Default)]
pub struct Dependencies {
    pub readers: HashMap<Source, Vec<(Target, ReadScope)>>,
    /// Targets that read the row count of a roster (aggregates over it).
    pub roster_readers: HashMap<usize, Vec<Target>>,
    /// Calculations in an order where each comes after those it reads.
    pub calc_order: Vec<usize>,
}

/// Which questions the fieldwork fills in when an interview starts from a selected household
/// (`[fieldwork_links]` in study.toml). Every entry is optional; the study decides.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldLinks {
    /// The respondent's roster line (KMRS: Q113), from the respondent selection.
    pub respondent_line: Option<String>,
    pub city: Option<String>,
    /// City id → the code of the city question (`almaty = 1`).
    #[serde(default)]
    pub city_codes: BTreeMap<String, i64>,
    pub route: Option<String>,
    pub interviewer: Option<String>,
    pub street: Option<String>,
    pub house: Option<String>,
    pub entrance: Option<String>,
    pub flat: Option<String>,
    pub dwelling: Option<String>,
    /// Dwelling type (`single_house`, `flat`) → the code of the dwelling question.
    #[serde(default)]
    pub dwelling_codes: BTreeMap<String, i64>,
    pub households: Option<String>,
    /// For the fieldwork report (`dala report --html`), read only: the respondent's language known
    /// best (KMRS: Q211), a single-choice question of the household or of the members' roster.
    pub language_best: Option<String>,
    /// For the fieldwork report: each household member's sex (KMRS: Q104), a single-choice question
    /// in the members' roster.
    pub member_sex: Option<String>,
    /// For the fieldwork report: each member's age in years, a question or a calculation in the
    /// members' roster (KMRS: the calculation AGE).
    pub member_age: Option<String>,
}

impl FieldLinks {
    /// Every linked question id with the name of its link, for checking.
    pub fn named(&self) -> Vec<(&'static str, &str)> {
        [
            ("respondent_line", &self.respondent_line),
            ("city", &self.city),
            ("route", &self.route),
            ("interviewer", &self.interviewer),
            ("street", &self.street),
            ("house", &self.house),
            ("entrance", &self.entrance),
            ("flat", &self.flat),
            ("dwelling", &self.dwelling),
            ("households", &self.households),
            ("language_best", &self.language_best),
            ("member_sex", &self.member_sex),
        ]
        .into_iter()
        .filter_map(|(n, q)| q.as_deref().map(|q| (n, q)))
        .collect()
    }
}

#[derive(Clone, Debug)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub languages: Vec<Lang>,
    pub source_language: Lang,
    pub default_language: Lang,
    pub constants: BTreeMap<String, f64>,
    pub blocks: Vec<Block>,
    pub questions: Vec<Question>,
    pub rosters: Vec<Roster>,
    pub calculations: Vec<Calculation>,
    pub codelists: BTreeMap<String, CodeList>,
    pub symbols: HashMap<String, Symbol>,
    pub deps: Dependencies,
    /// For each roster, the rosters nested directly in it.
    pub roster_children: Vec<Vec<usize>>,
    pub field_links: FieldLinks,
}

impl Questionnaire {
    pub fn question_index(&self, id: &str) -> Option<usize> {
        match self.symbols.get(id) {
            Some(Symbol::Question(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index(id).map(|i| &self.questions[i])
    }

    pub fn roster_index(&self, id: &str) -> Option<usize> {
        match self.symbols.get(id) {
            Some(Symbol::Roster(i)) => Some(*i),
            _ => None,
        }
    }

    /// The chain of rosters from the outermost to `roster` itself.
    pub fn roster_chain(&self, roster: Option<usize>) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut cur = roster;
        while let Some(r) = cur {
            chain.push(r);
            cur = self.rosters[r].parent;
        }
        chain.reverse();
        chain
    }

    pub fn depth(&self, roster: Option<usize>) -> usize {
        roster.map_or(0, |r| self.rosters[r].depth)
    }

    /// True when `outer` is `inner` or encloses it (`None` is the household level, enclosing everything).
    pub fn encloses(&self, outer: Option<usize>, inner: Option<usize>) -> bool {
        match outer {
            None => true,
            Some(o) => self.roster_chain(inner).contains(&o),
        }
    }

    /// The numbered content blocks (the cover sheet, number 0, excluded).
    pub fn content_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.number > 0)
    }
}

/// The longest id: Stata's limit for a variable name (SPSS allows 64).
pub const MAX_ID_LEN: usize = 32;

/// Why a text cannot be the id of a question, roster or calculation.
///
/// Ids travel unchanged into scripts, stored answers and exports, so they must be valid variable
/// names in SPSS and Stata and readable in an expression: a Latin letter first, then Latin letters,
/// digits or `_`, at most [`MAX_ID_LEN`] characters, and not a reserved word of either package or
/// of the expression language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdProblem {
    Empty,
    /// The first character is not a Latin letter.
    BadStart(char),
    /// A character other than a Latin letter, a digit or `_`.
    BadChar(char),
    TooLong(usize),
    /// A keyword or function name of the expression language.
    ExpressionWord,
    /// A reserved name in Stata (`byte`, `int`, `str80`, `using` ...).
    StataWord,
    /// A reserved keyword in SPSS (`ALL`, `AND`, `BY`, `EQ`, ...).
    SpssWord,
}

/// SPSS reserved keywords; SPSS compares names without regard to case.
const SPSS_RESERVED: [&str; 13] = ["ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"];

/// Stata reserved names that start with a letter (the `_all`, `_b`, `_n`, `_N` ... family starts with `_`,
/// which ids cannot); Stata compares names with case.
const STATA_RESERVED: [&str; 10] = ["byte", "double", "float", "if", "in", "int", "long", "strL", "using", "with"];

/// Checks that `id` can name a question, roster or calculation (see [`IdProblem`]).
pub fn check_id(id: &str) -> Result<(), IdProblem> {
    let mut chars = id.chars();
    let Some(first) = chars.next() else { return Err(IdProblem::Empty) };
    if !first.is_ascii_alphabetic() {
        return Err(IdProblem::BadStart(first));
    }
    if let Some(c) = chars.find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(IdProblem::BadChar(c));
    }
    if id.len() > MAX_ID_LEN {
        return Err(IdProblem::TooLong(id.len()));
    }
    if crate::expr::is_reserved_word(id) {
        return Err(IdProblem::ExpressionWord);
    }
    // Stata's str1 ... str2045 string types.
    let str_type = id.strip_prefix("str").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if STATA_RESERVED.contains(&id) || str_type {
        return Err(IdProblem::StataWord);
    }
    if SPSS_RESERVED.iter().any(|w| w.eq_ignore_ascii_case(id)) {
        return Err(IdProblem::SpssWord);
    }
    Ok(())
}

#[cfg(test)]
mod id_tests {
    use super::*;

    #[test]
    fn study_variable_names_are_ids() {
        for id in ["Q101", "Q105A", "A1", "q4_age", "B2a", "AGE", "members", "x_1_2", &"v".repeat(32)] {
            assert_eq!(check_id(id), Ok(()), "{id}");
        }
    }

    #[test]
    fn what_spss_stata_or_expressions_cannot_name_is_refused() {
        assert_eq!(check_id(""), Err(IdProblem::Empty));
        assert_eq!(check_id("1Q"), Err(IdProblem::BadStart('1')));
        assert_eq!(check_id("_n"), Err(IdProblem::BadStart('_')));
        assert_eq!(check_id("Q1.2"), Err(IdProblem::BadChar('.')));
        assert_eq!(check_id("Вопрос"), Err(IdProblem::BadStart('В')));
        assert_eq!(check_id(&"v".repeat(33)), Err(IdProblem::TooLong(33)));
        for w in ["and", "Or", "NOT", "true", "null", "in", "count", "Sum", "if", "choice", "implies"] {
            assert_eq!(check_id(w), Err(IdProblem::ExpressionWord), "{w}");
        }
        for w in ["byte", "int", "long", "float", "double", "str80", "strL", "using"] {
            assert_eq!(check_id(w), Err(IdProblem::StataWord), "{w}");
        }
        for w in ["ALL", "by", "Eq", "GE", "gt", "le", "LT", "ne", "TO", "with"] {
            assert!(matches!(check_id(w), Err(IdProblem::SpssWord | IdProblem::StataWord | IdProblem::ExpressionWord)), "{w}");
        }
    }
}
