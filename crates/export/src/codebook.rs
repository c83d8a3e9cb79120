//! The readable codebook of an export: `codebook.html`, one self-contained, printable page in the
//! export's language (ru/kk/en) with, per file and per variable, the name, label, question text,
//! type, universe (the question's relevance in words), codes with frequencies, percentages and a
//! bar, missing counts (per −97/−98/−99 and system missing) and, for numbers, n, min, max and mean.
//!
//! The page has no script, no font file and no URL: the bars are plain CSS (a `<span>` whose width
//! is the percentage), kept when printed. Every word of the page's own is given in Russian, Kazakh
//! and English here; the study's texts (questions, options, roster titles) come from the study.
//!
//! The universe is worded from the relevance expression ([`condition`]): the expression's text is
//! read again into a small tree of its own (the questionnaire crate keeps its parsed tree private)
//! and each comparison names the question with a short form of its text and the option's label,
//! e.g. `Q104 (Is … male or female?) = 2 (Female) and AGE (Age in completed years…) ≥ 18`. A text
//! that cannot be read is shown as written, with each id followed by its short label.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use dala_i18n::{msg, Lang, Localized};
use dala_questionnaire::expr::{Expr, Missing};
use dala_questionnaire::model::Symbol;
use dala_questionnaire::Questionnaire;

use crate::dict::{self, FileDef, Kind, Source, Unit, Variable};
use crate::error::ExportError;
use crate::stats::{self, Stats, VarStats, MAX_DISTINCT};

/// The question a variable comes from (`None` for the exporter's own variables).
pub fn question_of(v: &Variable) -> Option<usize> {
    match &v.source {
        Source::Answer(qi)
        | Source::Codes(qi)
        | Source::Indicator(qi, _)
        | Source::Other(qi)
        | Source::Currency(qi)
        | Source::GridRow(qi, _) => Some(*qi),
        Source::System(_) => None,
    }
}

fn w(t: Localized, lang: Lang) -> String {
    t.get(lang).to_string()
}

/// A title in the language's quotation marks.
fn quoted(s: &str, lang: Lang) -> String {
    lang.pick(format!("«{s}»"), format!("«{s}»"), format!("“{s}”"))
}

// ---- universe ------------------------------------------------------------------------------------

/// Who a file's rows stand for: `None` for the households file (every interview).
pub fn file_universe(q: &Questionnaire, file: &FileDef, lang: Lang) -> Option<String> {
    match &file.unit {
        Unit::Household => None,
        Unit::Roster { roster, when } => {
            let title = q.rosters.get(*roster).map(|r| quoted(r.title.get(lang), lang)).unwrap_or_default();
            let mut s = lang.pick(
                format!("Каждый член списка {title}"),
                format!("{title} тізімінің әр мүшесі"),
                format!("Each member of the roster {title}"),
            );
            if let Some((wq, codes)) = when {
                let words = Words::new(q, lang);
                let id = &q.questions[*wq].id;
                let values: Vec<Node> = codes.iter().map(|c| Node::Num(*c as f64)).collect();
                let cond = words.one_of(&Node::Name(id.clone()), &values, false);
                s += &lang.pick(format!(", для которого {cond}"), format!(", ол үшін {cond}"), format!(" for whom {cond}"));
            }
            Some(s)
        }
        Unit::Address => Some(w(msg!("Each sampled address", "Каждый отобранный адрес", "Әр іріктелген мекенжай"), lang)),
        Unit::Visit => Some(w(msg!("Each visit (contact attempt)", "Каждый визит (попытка контакта)", "Әр келу (байланыс әрекеті)"), lang)),
        Unit::Paradata => Some(w(msg!("Each interview", "Каждое интервью", "Әр сұхбат"), lang)),
    }
}

/// A variable's universe in words: its file's rows, narrowed by its question's relevance.
pub fn universe(q: &Questionnaire, file: &FileDef, v: &Variable, lang: Lang) -> String {
    let rows = file_universe(q, file, lang);
    let cond = question_of(v).and_then(|qi| q.questions[qi].relevant.as_ref()).map(|e| condition(q, e, lang));
    match (rows, cond) {
        (None, None) => w(msg!("All", "Все", "Барлығы"), lang),
        (None, Some(c)) => lang.pick(format!("Задаётся, если {c}"), format!("Қойылу шарты: {c}"), format!("Asked when {c}")),
        (Some(r), None) => r,
        (Some(r), Some(c)) => {
            lang.pick(format!("{r}; задаётся, если {c}"), format!("{r}; қойылу шарты: {c}"), format!("{r}; asked when {c}"))
        }
    }
}

/// A relevance (or any) expression in words, naming the questions and option labels it reads.
pub fn condition(q: &Questionnaire, e: &Expr, lang: Lang) -> String {
    let words = Words::new(q, lang);
    match tokens(e.source()) {
        Some(toks) => match (Parser { toks: &toks, at: 0 }).whole() {
            Some(node) => words.cond(&node),
            None => words.fallback(&toks),
        },
        None => e.source().to_string(),
    }
}

/// A question's text shortened to a label: placeholders (`{Q102}`) become "…", at most ~48 characters.
pub fn short_text(text: &str) -> String {
    let mut s = String::new();
    let mut inside = false;
    for c in text.chars() {
        match c {
            '{' => {
                inside = true;
                s.push('…');
            }
            '}' => inside = false,
            c if !inside => s.push(c),
            _ => {}
        }
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    const MAX: usize = 48;
    if s.chars().count() <= MAX {
        return s;
    }
    let mut out = String::new();
    for word in s.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > MAX - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = s.chars().take(MAX - 1).collect();
    }
    out.trim_end_matches([',', ';', ':', ' ']).to_string() + "…"
}

/// A number as written in the codebook: whole numbers without decimals, the minus sign as "−".
fn number(x: f64) -> String {
    let s = if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") };
    s.replace('-', "−")
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Name(String),
    Op(&'static str),
}

/// The expression's tokens, or `None` for a character the language does not know.
fn tokens(src: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num(chars[start..i].iter().collect::<String>().parse().ok()?));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Name(chars[start..i].iter().collect()));
        } else if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                s.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(s));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = ["==", "!=", "<=", ">="].into_iter().find(|o| *o == two);
            if let Some(op) = op {
                out.push(Tok::Op(op));
                i += 2;
            } else {
                let op = ["<", ">", "+", "-", "*", "/", "%", "(", ")", ",", "."].into_iter().find(|o| o.starts_with(c))?;
                out.push(Tok::Op(op));
                i += 1;
            }
        }
    }
    Some(out)
}

/// The expression as a tree, just enough to word it.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Num(f64),
    Str(String),
    /// `true`, `false`, `null`, `.`
    Word(String),
    Name(String),
    Neg(Box<Node>),
    Arith(&'static str, Box<Node>, Box<Node>),
    Cmp(&'static str, Box<Node>, Box<Node>),
    In(Box<Node>, Vec<Node>, bool),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Implies(Box<Node>, Box<Node>),
    Call(String, Vec<Node>),
}

struct Parser<'a> {
    toks: &'a [Tok],
    at: usize,
}

impl Parser<'_> {
    fn whole(mut self) -> Option<Node> {
        let n = self.implies()?;
        (self.at == self.toks.len()).then_some(n)
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }
    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == word)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }
    fn expect(&mut self, op: &str) -> Option<()> {
        self.is_op(op).then(|| self.at += 1)
    }
    fn implies(&mut self) -> Option<Node> {
        let a = self.or()?;
        if self.is_word("implies") {
            self.at += 1;
            return Some(Node::Implies(Box::new(a), Box::new(self.or()?)));
        }
        Some(a)
    }
    fn or(&mut self) -> Option<Node> {
        let mut items = vec![self.and()?];
        while self.is_word("or") {
            self.at += 1;
            items.push(self.and()?);
        }
        Some(if items.len() == 1 { items.pop()? } else { Node::Or(items) })
    }
    fn and(&mut self) -> Option<Node> {
        let mut items = vec![self.not()?];
        while self.is_word("and") {
            self.at += 1;
            items.push(self.not()?);
        }
        Some(if items.len() == 1 { items.pop()? } else { Node::And(items) })
    }
    fn not(&mut self) -> Option<Node> {
        if self.is_word("not") {
            self.at += 1;
            return Some(Node::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Option<Node> {
        let a = self.add()?;
        if let Some(Tok::Op(op @ ("==" | "!=" | "<" | "<=" | ">" | ">="))) = self.peek() {
            let op = *op;
            self.at += 1;
            return Some(Node::Cmp(op, Box::new(a), Box::new(self.add()?)));
        }
        let negated = self.is_word("not") && matches!(self.toks.get(self.at + 1), Some(Tok::Name(n)) if n == "in");
        if negated {
            self.at += 1;
        }
        if self.is_word("in") {
            self.at += 1;
            self.expect("(")?;
            let mut list = vec![self.implies()?];
            while self.is_op(",") {
                self.at += 1;
                list.push(self.implies()?);
            }
            self.expect(")")?;
            return Some(Node::In(Box::new(a), list, negated));
        }
        Some(a)
    }
    fn add(&mut self) -> Option<Node> {
        let mut a = self.mul()?;
        while let Some(Tok::Op(op @ ("+" | "-"))) = self.peek() {
            let op = *op;
            self.at += 1;
            a = Node::Arith(op, Box::new(a), Box::new(self.mul()?));
        }
        Some(a)
    }
    fn mul(&mut self) -> Option<Node> {
        let mut a = self.unary()?;
        while let Some(Tok::Op(op @ ("*" | "/" | "%"))) = self.peek() {
            let op = *op;
            self.at += 1;
            a = Node::Arith(op, Box::new(a), Box::new(self.unary()?));
        }
        Some(a)
    }
    fn unary(&mut self) -> Option<Node> {
        if self.is_op("-") {
            self.at += 1;
            return Some(match self.unary()? {
                Node::Num(x) => Node::Num(-x),
                n => Node::Neg(Box::new(n)),
            });
        }
        self.atom()
    }
    fn atom(&mut self) -> Option<Node> {
        let t = self.peek()?.clone();
        self.at += 1;
        match t {
            Tok::Num(x) => Some(Node::Num(x)),
            Tok::Str(s) => Some(Node::Str(s)),
            Tok::Op(".") => Some(Node::Word(".".into())),
            Tok::Op("(") => {
                let n = self.implies()?;
                self.expect(")")?;
                Some(n)
            }
            Tok::Name(n) if ["true", "false", "null"].contains(&n.as_str()) => Some(Node::Word(n)),
            Tok::Name(n) if ["and", "or", "not", "in", "implies"].contains(&n.as_str()) => None,
            Tok::Name(n) => {
                if !self.is_op("(") {
                    return Some(Node::Name(n));
                }
                self.at += 1;
                let mut args = Vec::new();
                if !self.is_op(")") {
                    args.push(self.implies()?);
                    while self.is_op(",") {
                        self.at += 1;
                        args.push(self.implies()?);
                    }
                }
                self.expect(")")?;
                Some(Node::Call(n, args))
            }
            Tok::Op(_) => None,
        }
    }
}

/// Words an expression tree in one language.
struct Words<'a> {
    q: &'a Questionnaire,
    lang: Lang,
    /// The ids already given with their label: later mentions in the same sentence are the id alone.
    named: RefCell<HashSet<String>>,
}

impl<'a> Words<'a> {
    fn new(q: &'a Questionnaire, lang: Lang) -> Words<'a> {
        Words { q, lang, named: RefCell::new(HashSet::new()) }
    }

    /// The sentence for the language, only its version built: a sentence names each question with
    /// its label once, so building the other two versions would use up the first mention.
    fn say(&self, ru: impl FnOnce() -> String, kk: impl FnOnce() -> String, en: impl FnOnce() -> String) -> String {
        match self.lang {
            Lang::Ru => ru(),
            Lang::Kk => kk(),
            Lang::En => en(),
        }
    }

    fn symbol(&self, name: &str) -> Option<Symbol> {
        self.q.symbols.get(name).copied().or_else(|| self.q.symbols.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, s)| *s))
    }

    /// An id with its short label: `Q104 (Is … male or female?)`, `SURVEY_YEAR (2010)`; the id
    /// alone when the sentence has named it already.
    fn name(&self, name: &str) -> String {
        let symbol = self.symbol(name);
        if !matches!(symbol, Some(Symbol::Roster(_))) && !self.named.borrow_mut().insert(name.to_string()) {
            return name.to_string();
        }
        match symbol {
            Some(Symbol::Question(qi)) => format!("{name} ({})", short_text(self.q.questions[qi].text.get(self.lang))),
            Some(Symbol::Calculation(ci)) => format!("{name} ({})", short_text(self.q.calculations[ci].label.get(self.lang))),
            Some(Symbol::Constant(x)) => format!("{name} ({})", number(x)),
            Some(Symbol::Roster(ri)) => quoted(self.q.rosters[ri].title.get(self.lang), self.lang),
            None => name.to_string(),
        }
    }

    fn roster(&self, node: &Node) -> String {
        match node {
            Node::Name(n) => match self.symbol(n) {
                Some(Symbol::Roster(ri)) => quoted(self.q.rosters[ri].title.get(self.lang), self.lang),
                _ => n.clone(),
            },
            n => self.term(n),
        }
    }

    /// A value compared with question `of`: a code with its option's (or missing code's) label.
    fn value(&self, of: &Node, v: &Node) -> String {
        if let (Node::Name(name), Node::Num(x)) = (of, v) {
            if x.fract() == 0.0 {
                let code = *x as i64;
                if let Some(m) = Missing::from_code(code) {
                    return format!("{} ({})", number(*x), dict::missing_label(m, self.lang));
                }
                if let Some(Symbol::Question(qi)) = self.symbol(name) {
                    if let Some(o) = self.q.questions[qi].option(code) {
                        return format!("{} ({})", number(*x), o.label.get(self.lang));
                    }
                }
            }
        }
        self.term(v)
    }

    fn one_of(&self, a: &Node, list: &[Node], negated: bool) -> String {
        let values: Vec<String> = list.iter().map(|v| self.value(a, v)).collect();
        if negated {
            let all = values.join(", ");
            self.say(
                || format!("{} — ни одно из: {all}", self.term(a)),
                || format!("{} мына мәндердің ешқайсысы емес: {all}", self.term(a)),
                || format!("{} is none of {all}", self.term(a)),
            )
        } else if values.len() == 1 {
            format!("{} = {}", self.term(a), values[0])
        } else {
            let all = values.join(", ");
            self.say(
                || format!("{} — одно из: {all}", self.term(a)),
                || format!("{} мына мәндердің бірі: {all}", self.term(a)),
                || format!("{} is one of {all}", self.term(a)),
            )
        }
    }

    /// A value inside a condition.
    fn term(&self, n: &Node) -> String {
        let lang = self.lang;
        match n {
            Node::Num(x) => number(*x),
            Node::Str(s) => format!("'{s}'"),
            Node::Word(s) => s.clone(),
            Node::Name(name) => self.name(name),
            Node::Neg(a) => format!("−{}", self.term(a)),
            Node::Arith(op, a, b) => {
                let sym = match *op {
                    "-" => "−",
                    "*" => "×",
                    o => o,
                };
                let side = |x: &Node| match x {
                    Node::Arith(..) => format!("({})", self.term(x)),
                    Node::Call(f, _) if f != "position" => format!("({})", self.term(x)),
                    _ => self.term(x),
                };
                format!("{} {sym} {}", side(a), side(b))
            }
            Node::Call(f, args) => match (f.as_str(), args.as_slice()) {
                ("count_selected", [x]) => self.say(
                    || format!("число выбранных вариантов в {}", self.term(x)),
                    || format!("{} сұрағында таңдалған нұсқалар саны", self.term(x)),
                    || format!("the number of options chosen in {}", self.term(x)),
                ),
                ("position", []) => w(msg!("the line number of the row", "номер строки", "жолдың нөмірі"), lang),
                ("at", [r, line, x]) => self.say(
                    || format!("{} в строке {} списка {}", self.term(x), self.term(line), self.roster(r)),
                    || format!("{} тізімінің {}-жолындағы {}", self.roster(r), self.term(line), self.term(x)),
                    || format!("{} in line {} of {}", self.term(x), self.term(line), self.roster(r)),
                ),
                ("count", [r]) => self.say(
                    || format!("число строк списка {}", self.roster(r)),
                    || format!("{} тізіміндегі жолдар саны", self.roster(r)),
                    || format!("the number of rows of {}", self.roster(r)),
                ),
                ("count", [r, c]) => self.say(
                    || format!("число строк списка {}, где {}", self.roster(r), self.cond(c)),
                    || format!("{} тізіміндегі {} болатын жолдар саны", self.roster(r), self.cond(c)),
                    || format!("the number of rows of {} where {}", self.roster(r), self.cond(c)),
                ),
                _ => {
                    let args: Vec<String> = args.iter().map(|a| self.term(a)).collect();
                    format!("{f}({})", args.join(", "))
                }
            },
            other => format!("({})", self.cond(other)),
        }
    }

    /// A condition: comparisons, and/or/not, the functions that test an answer.
    fn cond(&self, n: &Node) -> String {
        let lang = self.lang;
        let group = |x: &Node| match x {
            Node::Or(_) | Node::And(_) | Node::Implies(..) => format!("({})", self.cond(x)),
            _ => self.cond(x),
        };
        match n {
            Node::And(items) => items.iter().map(group).collect::<Vec<_>>().join(lang.pick(" и ", " және ", " and ")),
            Node::Or(items) => items.iter().map(group).collect::<Vec<_>>().join(lang.pick(" или ", " немесе ", " or ")),
            Node::Implies(a, b) => self.say(
                || format!("если {}, то {}", self.cond(a), self.cond(b)),
                || format!("егер {} болса, онда {}", self.cond(a), self.cond(b)),
                || format!("if {} then {}", self.cond(a), self.cond(b)),
            ),
            Node::Cmp(op, a, b) => {
                let sym = match *op {
                    "==" => "=",
                    "!=" => "≠",
                    "<=" => "≤",
                    ">=" => "≥",
                    o => o,
                };
                format!("{} {sym} {}", self.term(a), self.value(a, b))
            }
            Node::In(a, list, negated) => self.one_of(a, list, *negated),
            Node::Not(inner) => match inner.as_ref() {
                Node::Call(f, args) if f == "selected" && args.len() == 2 => self.selected(&args[0], &args[1], false),
                Node::Call(f, args) if f == "missing" && args.len() == 1 => self.say(
                    || format!("на {} дан ответ (не код пропуска)", self.term(&args[0])),
                    || format!("{} сұрағына жауап берілген (жауап жоқ коды емес)", self.term(&args[0])),
                    || format!("{} is answered (not a missing code)", self.term(&args[0])),
                ),
                other => self.say(
                    || format!("неверно, что {}", group(other)),
                    || format!("{} орындалмайды", group(other)),
                    || format!("not {}", group(other)),
                ),
            },
            Node::Call(f, args) => match (f.as_str(), args.as_slice()) {
                ("selected", [x, c]) => self.selected(x, c, true),
                ("dk", [x]) => format!("{} = {}", self.term(x), self.value(x, &Node::Num(-98.0))),
                ("refused", [x]) => format!("{} = {}", self.term(x), self.value(x, &Node::Num(-99.0))),
                ("missing", [x]) => self.say(
                    || format!("{} — код пропуска (−97/−98/−99)", self.term(x)),
                    || format!("{} — жауап жоқ коды (−97/−98/−99)", self.term(x)),
                    || format!("{} is a missing code (−97/−98/−99)", self.term(x)),
                ),
                ("answered", [x]) => self.say(
                    || format!("на {} дан ответ", self.term(x)),
                    || format!("{} сұрағына жауап берілген", self.term(x)),
                    || format!("{} is answered", self.term(x)),
                ),
                ("any", [r, c]) => self.say(
                    || format!("хотя бы в одной строке списка {}: {}", self.roster(r), self.cond(c)),
                    || format!("{} тізімінің кемінде бір жолында: {}", self.roster(r), self.cond(c)),
                    || format!("in at least one row of {}: {}", self.roster(r), self.cond(c)),
                ),
                ("all", [r, c]) => self.say(
                    || format!("во всех строках списка {}: {}", self.roster(r), self.cond(c)),
                    || format!("{} тізімінің барлық жолдарында: {}", self.roster(r), self.cond(c)),
                    || format!("in every row of {}: {}", self.roster(r), self.cond(c)),
                ),
                _ => self.term(n),
            },
            other => self.term(other),
        }
    }

    fn selected(&self, x: &Node, code: &Node, chosen: bool) -> String {
        let (q, c) = (self.term(x), self.value(x, code));
        match (self.lang, chosen) {
            (Lang::Ru, true) => format!("в {q} выбран вариант {c}"),
            (Lang::Ru, false) => format!("в {q} не выбран вариант {c}"),
            (Lang::Kk, true) => format!("{q} сұрағында {c} нұсқасы таңдалған"),
            (Lang::Kk, false) => format!("{q} сұрағында {c} нұсқасы таңдалмаған"),
            (Lang::En, true) => format!("option {c} chosen in {q}"),
            (Lang::En, false) => format!("option {c} not chosen in {q}"),
        }
    }

    /// An expression this reader cannot word: as written, each id followed by its short label.
    fn fallback(&self, toks: &[Tok]) -> String {
        let parts: Vec<String> = toks
            .iter()
            .map(|t| match t {
                Tok::Num(x) => number(*x),
                Tok::Str(s) => format!("'{s}'"),
                Tok::Name(n) => self.name(n),
                Tok::Op(o) => o.to_string(),
            })
            .collect();
        parts.join(" ").replace("( ", "(").replace(" )", ")").replace(" ,", ",")
    }
}

// ---- the page ------------------------------------------------------------------------------------

/// The words of a variable's type.
pub fn kind_words(kind: Kind, lang: Lang) -> String {
    w(
        match kind {
            Kind::Code => msg!("Categorical (numeric codes)", "Категориальная (числовые коды)", "Категориялық (сандық кодтар)"),
            Kind::Int => msg!("Integer", "Целое число", "Бүтін сан"),
            Kind::Float => msg!("Number", "Число", "Сан"),
            Kind::Text => msg!("Text", "Текст", "Мәтін"),
            Kind::Date => msg!("Date", "Дата", "Күні"),
            Kind::Time => msg!("Time of day", "Время суток", "Тәулік уақыты"),
            Kind::DateTime => msg!("Date and time", "Дата и время", "Күні мен уақыты"),
        },
        lang,
    )
}

/// The label of a missing code (−97/−98/−99) or of another code without an option.
pub fn code_label(v: &Variable, code: i64, lang: Lang) -> String {
    v.value_labels
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| l.clone())
        .or_else(|| Missing::from_code(code).map(|m| dict::missing_label(m, lang)))
        .unwrap_or_else(|| w(msg!("(no label)", "(без метки)", "(белгісі жоқ)"), lang))
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A percentage with one decimal, with the language's decimal sign.
fn percent(part: u64, whole: u64, lang: Lang) -> String {
    if whole == 0 {
        return "–".into();
    }
    let s = format!("{:.1}", part as f64 * 100.0 / whole as f64);
    if lang == Lang::En {
        s
    } else {
        s.replace('.', ",")
    }
}

/// A statistic: whole numbers as such, others with two decimals, the language's decimal sign.
fn stat(x: f64, lang: Lang) -> String {
    let s = if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x:.2}") };
    let s = s.replace('-', "−");
    if lang == Lang::En {
        s
    } else {
        s.replace('.', ",")
    }
}

const STYLE: &str = r#"
body { font-family: "Segoe UI", "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 13px; color: #1d2733; margin: 24px auto; max-width: 1040px; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 6px; padding-top: 8px; border-top: 3px solid #2f5d8a; }
h3 { font-size: 14px; margin: 0 0 6px; }
h3 code { font-size: 14px; background: #e8eef5; padding: 1px 5px; border-radius: 3px; margin-right: 6px; }
.meta, .note { color: #52606d; }
nav table, table.freq, table.sum { border-collapse: collapse; }
table.freq { width: 100%; max-width: 860px; }
nav td, nav th { padding: 2px 10px 2px 0; text-align: left; }
nav td.n { text-align: right; }
article.var { border: 1px solid #d5dde6; border-radius: 4px; padding: 10px 12px; margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
dl { display: grid; grid-template-columns: 230px 1fr; gap: 3px 12px; margin: 0 0 8px; }
dt { color: #52606d; }
dd { margin: 0; }
table.freq th, table.freq td, table.sum th, table.sum td { border-bottom: 1px solid #e3e8ee; padding: 2px 8px; text-align: right; vertical-align: middle; }
table.freq th, table.sum th { background: #f2f5f8; font-weight: 600; }
table.freq td.l, table.freq th.l { text-align: left; max-width: 420px; }
table.freq tr.missing td { color: #7a5b00; background: #fffaf0; }
table.freq tr.total td { font-weight: 600; border-top: 1px solid #9aa5b1; }
td.bar { width: 180px; text-align: left !important; }
td.bar span { display: block; height: 10px; background: #2f5d8a; }
tr.missing td.bar span { background: #c08a00; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-before: page; } h2.first { break-before: auto; } }
"#;

/// Renders the codebook of an export (`ext`: the data files' extension, for their names).
pub fn render_html(q: &Questionnaire, files: &[FileDef], stats: &Stats, ext: &str, lang: Lang) -> String {
    let mut h = String::new();
    let title = q.title.get(lang);
    let codebook = w(msg!("Codebook", "Кодовая книга", "Кодтар кітабы"), lang);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.code(),
        esc(&codebook),
        esc(title)
    );
    let _ = writeln!(h, "<h1>{}: {}</h1>", esc(&codebook), esc(title));
    let _ = writeln!(
        h,
        "<p class=\"meta\">{}: {} · {}: {} · {}: {}</p>",
        esc(&w(msg!("Study id", "Идентификатор исследования", "Зерттеу идентификаторы"), lang)),
        esc(&q.id),
        esc(&w(msg!("Version", "Версия", "Нұсқасы"), lang)),
        esc(&q.version),
        esc(&w(msg!("Language of the labels", "Язык меток", "Белгілер тілі"), lang)),
        esc(&w(msg!("English", "русский", "қазақ тілі"), lang)),
    );
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p>",
        esc(&w(
            msg!(
                "Frequencies count the rows of each data file as exported. Percentages are of all rows; valid percentages leave out the missing codes and system missing. Means, minima and maxima leave out the missing codes −97 (not applicable), −98 (don't know) and −99 (refused). Values of text variables are not listed.",
                "Частоты считают строки каждого файла данных в том виде, в каком он выгружен. Проценты — от всех строк; валидные проценты не учитывают коды пропусков и системные пропуски. Средние, минимумы и максимумы не учитывают коды пропусков −97 (не применимо), −98 (затрудняюсь ответить) и −99 (отказ). Значения текстовых переменных не приводятся.",
                "Жиіліктер әр деректер файлының экспортталған түріндегі жолдарын санайды. Пайыздар барлық жолдан есептеледі; жарамды пайыздар жауап жоқ кодтары мен жүйелік бос мәндерді есепке алмайды. Орташа, ең кіші және ең үлкен мәндер −97 (қолданылмайды), −98 (білмеймін) және −99 (бас тарту) кодтарын есепке алмайды. Мәтіндік айнымалылардың мәндері келтірілмейді."
            ),
            lang
        ))
    );

    // Contents.
    let _ = writeln!(
        h,
        "<nav>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(&w(msg!("File", "Файл", "Файл"), lang)),
        esc(&w(msg!("Contents", "Содержание", "Мазмұны"), lang)),
        esc(&w(msg!("Rows", "Строк", "Жолдар"), lang)),
        esc(&w(msg!("Variables", "Переменных", "Айнымалылар"), lang)),
    );
    for (fi, f) in files.iter().enumerate() {
        let rows = stats.files.get(fi).map_or(0, |s| s.rows);
        let _ = writeln!(
            h,
            "<tr><td><a href=\"#file-{fi}\">{}.{ext}</a></td><td>{}</td><td class=\"n\">{rows}</td><td class=\"n\">{}</td></tr>",
            esc(&f.name),
            esc(&f.label),
            f.vars.len()
        );
    }
    h.push_str("</table>\n</nav>\n");

    for (fi, f) in files.iter().enumerate() {
        let Some(fs) = stats.files.get(fi) else { continue };
        let _ = writeln!(
            h,
            "<section>\n<h2 id=\"file-{fi}\"{}>{}.{ext} — {}</h2>",
            if fi == 0 { " class=\"first\"" } else { "" },
            esc(&f.name),
            esc(&f.label)
        );
        let rows_word = w(msg!("Rows", "Строк", "Жолдар"), lang);
        let unit = file_universe(q, f, lang).unwrap_or_else(|| {
            w(msg!("Each interview (household)", "Каждое интервью (домохозяйство)", "Әр сұхбат (үй шаруашылығы)"), lang)
        });
        let _ = writeln!(h, "<p class=\"meta\">{}: {} · {}</p>", esc(&rows_word), fs.rows, esc(&unit));
        for (v, s) in f.vars.iter().zip(&fs.vars) {
            variable(&mut h, q, f, fi, v, s, fs.rows, lang);
        }
        h.push_str("</section>\n");
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p>\n</body>\n</html>",
        esc(&w(
            msg!(
                "Written by Dala with the data files, from the same pass over the database.",
                "Составлено Dala вместе с файлами данных, за тот же проход по базе данных.",
                "Dala деректер файлдарымен бірге, дерекқорды сол бір рет оқу арқылы жасады."
            ),
            lang
        ))
    );
    h
}

#[allow(clippy::too_many_arguments)]
fn variable(h: &mut String, q: &Questionnaire, f: &FileDef, fi: usize, v: &Variable, s: &VarStats, rows: u64, lang: Lang) {
    let _ = writeln!(h, "<article class=\"var\" id=\"var-{fi}-{}\">", esc(&v.name));
    let _ = writeln!(h, "<h3><code>{}</code>{}</h3>\n<dl>", esc(&v.name), esc(&v.label));
    let mut row = |term: Localized, value: String| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(term.get(lang)), value);
    };
    if let Some(qi) = question_of(v) {
        let question = &q.questions[qi];
        let text = question.text.get(lang).split_whitespace().collect::<Vec<_>>().join(" ");
        row(msg!("Question", "Вопрос", "Сұрақ"), format!("<b>{}</b>. {}", esc(&question.id), esc(&text)));
    }
    row(msg!("Type", "Тип", "Түрі"), esc(&kind_words(v.kind, lang)));
    row(msg!("Universe", "Кому задаётся (совокупность)", "Кімге қойылады (жиынтық)"), esc(&universe(q, f, v, lang)));
    let mut missing_words: Vec<String> = s
        .missing_codes(v)
        .iter()
        .map(|c| format!("{} ({}): {}", number(*c as f64), code_label(v, *c, lang), s.missing_count(*c)))
        .collect();
    missing_words.push(format!("{}: {}", w(msg!("system missing", "системный пропуск", "жүйелік бос мән"), lang), s.system_missing));
    row(msg!("Valid values", "Валидные значения", "Жарамды мәндер"), format!("{} ({} %)", s.valid, percent(s.valid, rows, lang)));
    row(msg!("Missing", "Пропуски", "Жауап жоқ"), esc(&missing_words.join(" · ")));
    h.push_str("</dl>\n");

    if let Some(sum) = &s.summary {
        if let Some(mean) = sum.mean() {
            let _ = writeln!(
                h,
                "<table class=\"sum\"><tr><th>n</th><th>{}</th><th>{}</th><th>{}</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
                esc(&w(msg!("Minimum", "Наименьшее", "Ең кіші"), lang)),
                esc(&w(msg!("Maximum", "Наибольшее", "Ең үлкен"), lang)),
                esc(&w(msg!("Mean", "Среднее", "Орташа"), lang)),
                sum.n,
                stat(sum.min, lang),
                stat(sum.max, lang),
                stat(mean, lang),
            );
        }
    }
    if let Some((lo, hi)) = &s.range {
        let _ = writeln!(
            h,
            "<table class=\"sum\"><tr><th>{}</th><th>{}</th></tr><tr><td>{}</td><td>{}</td></tr></table>",
            esc(&w(msg!("Earliest", "Самое раннее", "Ең ерте"), lang)),
            esc(&w(msg!("Latest", "Самое позднее", "Ең кеш"), lang)),
            stats::iso(lo),
            stats::iso(hi),
        );
    }
    let wants_table = v.kind == Kind::Code || (v.kind == Kind::Int && !v.value_labels.is_empty());
    match &s.freq {
        Some(freq) => {
            let _ = writeln!(
                h,
                "<table class=\"freq\"><tr><th>{}</th><th class=\"l\">{}</th><th>{}</th><th>%</th><th>{}</th><th></th></tr>",
                esc(&w(msg!("Code", "Код", "Код"), lang)),
                esc(&w(msg!("Label", "Метка", "Белгі"), lang)),
                esc(&w(msg!("Frequency", "Частота", "Жиілік"), lang)),
                esc(&w(msg!("Valid %", "Валидный %", "Жарамды %"), lang)),
            );
            // Every labelled code (also when nobody chose it), then codes met without a label.
            let mut codes: Vec<i64> = v.value_labels.iter().map(|(c, _)| *c).filter(|c| !v.missing.contains(c)).collect();
            if v.kind == Kind::Int {
                // An integer's labels may be only its missing codes: list the values met.
                codes.retain(|c| freq.contains_key(c));
            }
            for c in freq.keys() {
                if !codes.contains(c) {
                    codes.push(*c);
                }
            }
            codes.sort_unstable();
            codes.dedup();
            for c in codes {
                let n = freq.get(&c).copied().unwrap_or(0);
                freq_row(h, "", &number(c as f64), &code_label(v, c, lang), n, rows, Some(s.valid), lang);
            }
            for c in s.missing_codes(v) {
                freq_row(h, "missing", &number(c as f64), &code_label(v, c, lang), s.missing_count(c), rows, None, lang);
            }
            let sysmis = w(msg!("System missing (no value)", "Системный пропуск (нет значения)", "Жүйелік бос мән (мән жоқ)"), lang);
            freq_row(h, "missing", ".", &sysmis, s.system_missing, rows, None, lang);
            let _ = writeln!(
                h,
                "<tr class=\"total\"><td></td><td class=\"l\">{}</td><td>{rows}</td><td>{}</td><td></td><td></td></tr>\n</table>",
                esc(&w(msg!("Total", "Всего", "Барлығы"), lang)),
                percent(rows, rows, lang)
            );
        }
        None if wants_table => {
            let _ = writeln!(
                h,
                "<p class=\"note\">{}</p>",
                esc(&lang.pick(
                    format!("Больше {MAX_DISTINCT} различных значений: таблица частот не приводится."),
                    format!("{MAX_DISTINCT}-тан көп әртүрлі мән: жиілік кестесі келтірілмейді."),
                    format!("More than {MAX_DISTINCT} distinct values: no frequency table."),
                ))
            );
        }
        None => {}
    }
    h.push_str("</article>\n");
}

#[allow(clippy::too_many_arguments)]
fn freq_row(h: &mut String, class: &str, code: &str, label: &str, n: u64, rows: u64, valid: Option<u64>, lang: Lang) {
    let width = if rows == 0 { 0.0 } else { n as f64 * 100.0 / rows as f64 };
    let valid = valid.map(|v| percent(n, v, lang)).unwrap_or_default();
    let _ = writeln!(
        h,
        "<tr class=\"{class}\"><td>{}</td><td class=\"l\">{}</td><td>{n}</td><td>{}</td><td>{valid}</td><td class=\"bar\"><span style=\"width:{width:.1}%\"></span></td></tr>",
        esc(code),
        esc(label),
        percent(n, rows, lang),
    );
}

/// Writes `codebook.html` into `dir`.
pub fn write(dir: &Path, q: &Questionnaire, files: &[FileDef], stats: &Stats, ext: &str, lang: Lang) -> Result<(), ExportError> {
    let path = dir.join("codebook.html");
    std::fs::write(&path, render_html(q, files, stats, ext, lang)).map_err(|e| ExportError::io(&path, e))
}

#[cfg(test)]
mod tests {
    //! The universe wording over the KMRS study, and the codebook and DDI of a small export checked
    //! against counts made independently from the CSV the same export wrote.

    use std::collections::{BTreeMap, HashMap};
    use std::path::{Path, PathBuf};

    use chrono::{TimeZone, Utc};
    use dala_i18n::Lang;
    use dala_questionnaire::load::{load_study, StudySource};
    use dala_questionnaire::{AnswerKey, Questionnaire};
    use dala_store::Store;
    use quick_xml::events::Event;
    use serde_json::json;

    use super::*;
    use crate::{dictionary, export, ExportSettings, Format, Options};

    struct Dir(PathBuf);
    impl StudySource for Dir {
        fn read(&self, path: &str) -> Result<String, String> {
            std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
        }
    }

    fn kmrs() -> (Questionnaire, ExportSettings) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010");
        let (q, diags) = load_study(&Dir(dir.clone()));
        let q = q.unwrap_or_else(|| panic!("{diags:?}"));
        let settings = ExportSettings::parse(Some(&std::fs::read_to_string(dir.join("export.toml")).unwrap()), &q).unwrap();
        (q, settings)
    }

    fn universe_of(q: &Questionnaire, settings: &ExportSettings, file: &str, var: &str, lang: Lang) -> String {
        let files = dictionary(q, settings, &Options { format: Format::Csv, lang, anonymise: None });
        let f = files.iter().find(|f| f.name == file).unwrap();
        universe(q, f, f.vars.iter().find(|v| v.name == var).unwrap(), lang)
    }

    fn expr(src: &str) -> Expr {
        src.parse().unwrap()
    }

    #[test]
    fn universes_name_the_questions_and_option_labels() {
        let (q, settings) = kmrs();
        assert_eq!(universe_of(&q, &settings, "households", "hhid", Lang::En), "All");
        assert_eq!(universe_of(&q, &settings, "households", "Q101", Lang::Kk), "Барлығы");
        assert_eq!(universe_of(&q, &settings, "persons", "Q104", Lang::En), "Each member of the roster “Household members”");
        assert_eq!(
            universe_of(&q, &settings, "persons", "Q201", Lang::En),
            "Each member of the roster “Household members”; asked when AGE (Age in completed years on the interview date) ≥ 7"
        );
        // A second mention of the same question is the id alone; missing codes carry their labels.
        assert_eq!(
            universe_of(&q, &settings, "persons", "Q105A", Lang::En),
            "Each member of the roster “Household members”; asked when Q105 (In what year was … born?) = −98 (Don't know) or Q105 = −99 (Refused)"
        );
        assert_eq!(
            condition(&q, &expr("Q110 in (2, 3) and Q103 != 1"), Lang::En),
            "Q110 (Does … live here now, or is he/she temporarily…) is one of 2 (Temporarily away, elsewhere in Kazakhstan), \
             3 (Temporarily away, abroad) and Q103 (What is …'s relationship to the head of…) ≠ 1 (Head of household)"
        );
        assert_eq!(
            condition(&q, &expr("(Q301 == 1 or Q302 == 1) and not selected(Q516, 0)"), Lang::En),
            "(Q301 (During the last 7 days, did you do any work for…) = 1 (Yes) or Q302 (Do you have a job or business from which you…) = 1 (Yes)) \
             and option 0 (There were no costs) not chosen in Q516 (By which means did you finance the move and the…)"
        );
        assert_eq!(
            condition(&q, &expr("SURVEY_YEAR - at(members, Q113, AGE) <= 2001"), Lang::En),
            "SURVEY_YEAR (2010) − (AGE (Age in completed years on the interview date) in line Q113 (Interviewer: enter the line number of the…) \
             of “Household members”) ≤ 2001"
        );
    }

    #[test]
    fn universes_are_worded_in_russian_and_kazakh_with_cyrillic_letters() {
        let (q, settings) = kmrs();
        let ru = universe_of(&q, &settings, "persons", "Q201", Lang::Ru);
        assert!(ru.starts_with("Каждый член списка «Члены домохозяйства»; задаётся, если AGE (Возраст"), "{ru}");
        let kk = condition(&q, &expr("Q110 in (2, 3) and count_selected(Q536) > 0"), Lang::Kk);
        assert!(kk.contains("мына мәндердің бірі: 2 (") && kk.contains(" және ") && kk.contains("таңдалған нұсқалар саны > 0"), "{kk}");
        let kk = universe_of(&q, &settings, "households", "Q612", Lang::Kk);
        assert!(kk.starts_with("Қойылу шарты: Q609 ("), "{kk}");
        for text in [kk, universe_of(&q, &settings, "persons", "Q105A", Lang::Kk)] {
            let chars: Vec<char> = text.chars().collect();
            let cyrillic = |c: char| ('\u{400}'..='\u{4ff}').contains(&c);
            assert!(
                chars.windows(2).all(|p| !(p.contains(&'i') && (cyrillic(p[0]) || cyrillic(p[1])))),
                "a Latin i among Cyrillic letters: {text}"
            );
        }
    }

    #[test]
    fn an_expression_this_reader_cannot_word_is_shown_with_labelled_ids() {
        let (q, _) = kmrs();
        let words = Words::new(&q, Lang::En);
        let toks = tokens("Q101 > 2 )").unwrap();
        assert!((Parser { toks: &toks, at: 0 }).whole().is_none());
        assert_eq!(words.fallback(&toks), "Q101 (How many people usually live in this household?…) > 2)");
    }

    fn key(q: &str, rows: &[u32]) -> AnswerKey {
        AnswerKey { question: q.into(), roster: rows.to_vec() }
    }

    /// Three households: sizes 3, 2 and none; sexes 2, 1, −98 | 1, 2.
    fn database(q: &Questionnaire) -> Store {
        let t = Utc.with_ymd_and_hms(2010, 10, 20, 9, 0, 0).unwrap();
        let mut s = Store::open_in_memory(t).unwrap();
        let a = s.create_interview(&q.id, &q.version, "ru", t).unwrap();
        for (k, v) in
            [(key("Q101", &[]), json!(3)), (key("Q104", &[1]), json!(2)), (key("Q104", &[2]), json!(1)), (key("Q104", &[3]), json!(-98))]
        {
            s.save_answer(&a, &k, &v, None, t).unwrap();
        }
        let b = s.create_interview(&q.id, &q.version, "kk", t).unwrap();
        for (k, v) in [(key("Q101", &[]), json!(2)), (key("Q104", &[1]), json!(1)), (key("Q104", &[2]), json!(2))] {
            s.save_answer(&b, &k, &v, None, t).unwrap();
        }
        s.create_interview(&q.id, &q.version, "ru", t).unwrap();
        s
    }

    /// The `catValu` → `catStat` pairs of variable `name` of file `file` in a DDI document.
    fn ddi_categories(xml: &str, file: &str, name: &str) -> BTreeMap<String, u64> {
        let mut r = quick_xml::Reader::from_str(xml);
        let (mut inside, mut element, mut value, mut out) = (false, String::new(), String::new(), BTreeMap::new());
        loop {
            match r.read_event().unwrap() {
                Event::Start(e) => {
                    element = e.name().as_ref().to_string();
                    if element == "var" {
                        let attr = |k: &str| e.try_get_attribute(k).unwrap().map(|a| a.value.to_string());
                        inside = attr("name").as_deref() == Some(name) && attr("files") == Some(format!("F_{file}"));
                    }
                }
                Event::Text(t) if inside && !t.xml10_content().trim().is_empty() => {
                    let text = t.xml10_content().trim().to_string();
                    match element.as_str() {
                        "catValu" => value = text,
                        "catStat" => {
                            out.insert(value.clone(), text.parse().unwrap());
                        }
                        _ => {}
                    }
                }
                Event::End(e) => {
                    element.clear();
                    if e.name().as_ref() == "var" {
                        inside = false;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn codebook_and_ddi_frequencies_equal_the_counts_of_the_written_data() {
        let (q, settings) = kmrs();
        let store = database(&q);
        let dir = tempfile::tempdir().unwrap();
        let opts = Options { format: Format::Csv, lang: Lang::Ru, anonymise: None };
        export(store.connection(), &q, &settings, &HashMap::new(), &opts, dir.path(), &mut |_, _| {}).unwrap();

        // Counted independently, from the data file the export wrote.
        let mut r = csv::Reader::from_path(dir.path().join("persons.csv")).unwrap();
        let at = r.headers().unwrap().iter().position(|h| h == "Q104").unwrap();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for rec in r.records() {
            *counts.entry(rec.unwrap()[at].to_string()).or_default() += 1;
        }
        assert_eq!(counts, BTreeMap::from([("-98".into(), 1), ("1".into(), 2), ("2".into(), 2)]));

        let html = std::fs::read_to_string(dir.path().join("codebook.html")).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ru\">") && !html.to_lowercase().contains("http"));
        let persons = &html[html.find("persons.csv — ").unwrap()..];
        let article = &persons[persons.find("<code>Q104</code>").unwrap()..];
        let article = &article[..article.find("</article>").unwrap()];
        let files = dictionary(&q, &settings, &opts);
        let sex = files[1].vars.iter().find(|v| v.name == "Q104").unwrap();
        for (code, n) in &counts {
            let c: i64 = code.parse().unwrap();
            let row = format!("<td>{}</td><td class=\"l\">{}</td><td>{n}</td>", number(c as f64), code_label(sex, c, Lang::Ru));
            assert!(article.contains(&row), "{row} in {article}");
        }
        assert!(article.contains("<td class=\"l\">Всего</td><td>5</td>"), "{article}");

        let xml = std::fs::read_to_string(dir.path().join("codebook.xml")).unwrap();
        let ddi = ddi_categories(&xml, "persons", "Q104");
        for (code, n) in &counts {
            assert_eq!(ddi.get(code), Some(n), "{code} in {ddi:?}");
        }
        assert_eq!(ddi.get("Sysmiss"), Some(&0));
        assert!(xml.contains("<caseQnty>3</caseQnty>") && xml.contains("<caseQnty>5</caseQnty>"), "3 households, 5 persons");
        // Household size: n 2, min 2, max 3, mean 2.5 (the third household has none).
        for stat in [
            "<sumStat type=\"vald\">2</sumStat>",
            "<sumStat type=\"min\">2</sumStat>",
            "<sumStat type=\"max\">3</sumStat>",
            "<sumStat type=\"mean\">2.5</sumStat>",
        ] {
            let q101 = &xml[xml.find("name=\"Q101\" files=\"F_households\"").unwrap()..];
            assert!(q101[..q101.find("</var>").unwrap()].contains(stat), "{stat}");
        }
    }
}
