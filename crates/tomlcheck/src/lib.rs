//! Reading a hand-written TOML file with every problem located: syntax errors, unknown fields and
//! wrong values, each with its line, column and key path, worded in Russian, Kazakh and English.
//!
//! A file is parsed once into a table that keeps the byte span of every key and value
//! ([`parse`]). The caller then walks it table by table with the list of fields each kind of
//! table has ([`Walk::keep_known`]): every unknown field becomes its own [`Problem`] with its
//! position, key path and the nearest valid field ([`nearest`], by `strsim`), and is dropped, so the
//! rest of the file is read and checked as if it were not there. Values are then read with serde
//! from the cleaned table, item by item ([`Walk::read`]), so one bad item does not hide the others.
//! `#[serde(deny_unknown_fields)]` alone would stop at the first unknown field, unlocated.
//!
//! The TOML parser's and serde's own messages are English; they are mapped to our words
//! ([`Localized`]) and never shown verbatim. Used by the study loader (`dala-questionnaire`) and the
//! fieldwork settings (`dala-fieldwork`); pure: the caller passes the text in.
//!
//! ```
//! use dala_tomlcheck::{parse, Walk};
//! use dala_i18n::msg;
//! let text = "id = \"x\"\nrelevnt = \"1 == 1\"\n";
//! let mut table = parse(text).unwrap();
//! let mut walk = Walk::new(text);
//! walk.keep_known(&mut table, "Q1", msg!("of a question", "вопроса", "сұрақтың"), &["id", "relevant"], None);
//! let p = &walk.problems[0];
//! assert_eq!((p.path.as_str(), p.position.unwrap().line), ("Q1.relevnt", 2));
//! assert!(p.message("docs/study-format.md").1.unwrap().ru.contains("`relevant`"));
//! ```

use std::collections::HashMap;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use dala_i18n::msg;
pub use dala_i18n::Localized;

fn see_docs(docs: &str) -> Localized {
    msg!("see {docs}", "см. {docs}", "{docs} құжатын қараңыз")
}

/// `names` is already formatted, e.g. "`max_choices`".
pub fn did_you_mean(names: &str) -> Localized {
    msg!("did you mean {names}?", "возможно, имелось в виду {names}?", "мүмкін, {names} дегеніңіз бе?")
}

/// A parsed TOML table with the spans of its keys and values.
pub type Table<'i> = DeTable<'i>;
/// A parsed TOML value with its span.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// A 1-based line and column (in characters) in a file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` of `text` (clamped to the text).
    pub fn of(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position { line, column: text[line_start..offset].chars().count() + 1 }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One problem found while reading a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub position: Option<Position>,
    /// The key path, `Q513.currency_by`; empty for the whole file.
    pub path: String,
    pub kind: ProblemKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProblemKind {
    /// The text is not TOML.
    Syntax { detail: SyntaxDetail },
    /// A field that this kind of table does not have. `table` says which table (`вопроса`, "of a
    /// question"); `elsewhere` names the variant (a question type, say) where the field would be
    /// valid but that this table is not; `suggestion` is the nearest valid field here.
    UnknownField { field: String, table: Localized, elsewhere: Option<String>, suggestion: Option<String> },
    /// A field the table must have.
    MissingField { field: String },
    /// A value of the wrong type, or a word not among the allowed ones.
    WrongValue { expected: Expected, allowed: Vec<String> },
}

/// What the TOML parser stumbled on, in as much detail as we word ourselves.
#[derive(Clone, Debug, PartialEq)]
pub enum SyntaxDetail {
    DuplicateKey,
    UnclosedString,
    UnclosedBracket,
    /// Anything else: the position is all we say.
    Other,
}

/// What kind of value a field expects (serde's description, mapped to our words).
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    Text,
    Integer,
    Number,
    Bool,
    List,
    Table,
    OneOf,
    Other,
}

impl Problem {
    /// The message and the hint; `docs` is the document that describes the file's format.
    pub fn message(&self, docs: &str) -> (Localized, Option<Localized>) {
        match &self.kind {
            ProblemKind::Syntax { detail } => {
                let m = match detail {
                    SyntaxDetail::DuplicateKey => msg!(
                        "not valid TOML: a key is given twice",
                        "ошибка синтаксиса TOML: ключ задан дважды",
                        "TOML синтаксисінің қатесі: кілт екі рет берілген"
                    ),
                    SyntaxDetail::UnclosedString => msg!(
                        "not valid TOML: a text in quotes is not closed",
                        "ошибка синтаксиса TOML: текст в кавычках не закрыт",
                        "TOML синтаксисінің қатесі: тырнақшадағы мәтін жабылмаған"
                    ),
                    SyntaxDetail::UnclosedBracket => msg!(
                        "not valid TOML: a bracket is not closed",
                        "ошибка синтаксиса TOML: скобка не закрыта",
                        "TOML синтаксисінің қатесі: жақша жабылмаған"
                    ),
                    SyntaxDetail::Other => msg!("not valid TOML", "ошибка синтаксиса TOML", "TOML синтаксисінің қатесі"),
                };
                let h = msg!(
                    "check the quotes, brackets, `=` and commas at this place; text values need quotes",
                    "проверьте кавычки, скобки, `=` и запятые в этом месте; текстовые значения пишутся в кавычках",
                    "осы жердегі тырнақшаларды, жақшаларды, `=` және үтірлерді тексеріңіз; мәтін мәндері тырнақшада жазылады"
                );
                (m, Some(h))
            }
            ProblemKind::UnknownField { field, table, elsewhere, suggestion } => {
                let m = match elsewhere {
                    Some(kind) => msg!(
                        "field `{field}` does not apply to a `{kind}` question",
                        "поле `{field}` неприменимо к вопросу типа `{kind}`",
                        "`{field}` өрісі `{kind}` түріндегі сұраққа қолданылмайды"
                    ),
                    None => {
                        let (en, ru, kk) = (&table.en, &table.ru, &table.kk);
                        msg!("unknown field `{field}` {en}", "неизвестное поле `{field}` {ru}", "{kk} белгісіз өрісі `{field}`")
                    }
                };
                let h = match suggestion {
                    Some(s) => did_you_mean(&format!("`{s}`")),
                    None => msg!(
                        "remove it or check its spelling (see {docs})",
                        "удалите его или проверьте написание (см. {docs})",
                        "оны алып тастаңыз немесе жазылуын тексеріңіз ({docs} құжатын қараңыз)"
                    ),
                };
                (m, Some(h))
            }
            ProblemKind::MissingField { field } => (
                msg!("required field `{field}` is missing", "нет обязательного поля `{field}`", "міндетті `{field}` өрісі жоқ"),
                Some(msg!("add `{field} = ...`", "добавьте `{field} = ...`", "`{field} = ...` қосыңыз")),
            ),
            ProblemKind::WrongValue { expected, allowed } => {
                let m = match expected {
                    Expected::Text => msg!("expected a text in quotes", "ожидается текст в кавычках", "тырнақшадағы мәтін күтіледі"),
                    Expected::Integer => msg!("expected a whole number", "ожидается целое число", "бүтін сан күтіледі"),
                    Expected::Number => msg!("expected a number", "ожидается число", "сан күтіледі"),
                    Expected::Bool => msg!("expected true or false", "ожидается true или false", "true немесе false күтіледі"),
                    Expected::List => msg!("expected a list [...]", "ожидается список [...]", "[...] тізімі күтіледі"),
                    Expected::Table => msg!("expected a table {{ ... }}", "ожидается таблица {{ ... }}", "{{ ... }} кестесі күтіледі"),
                    Expected::OneOf => {
                        msg!("this value is not allowed here", "это значение здесь недопустимо", "бұл мән мұнда рұқсат етілмейді")
                    }
                    Expected::Other => {
                        msg!("this value does not fit the field", "значение не подходит для этого поля", "мән бұл өріске сәйкес келмейді")
                    }
                };
                let h = if allowed.is_empty() {
                    see_docs(docs)
                } else {
                    let list = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
                    msg!("use one of {list}", "используйте одно из значений: {list}", "мына мәндердің бірін қолданыңыз: {list}")
                };
                (m, Some(h))
            }
        }
    }
}

/// Parses a whole file. A syntax error is one located problem (boxed: the table is the common case).
pub fn parse(text: &str) -> Result<Table<'_>, Box<Problem>> {
    match DeTable::parse(text) {
        Ok(t) => Ok(t.into_inner()),
        Err(e) => {
            let message = e.message().to_ascii_lowercase();
            let detail = if message.contains("duplicate") {
                SyntaxDetail::DuplicateKey
            } else if message.contains("string")
                && (message.contains("unclosed") || message.contains("unterminated") || message.contains("missing"))
            {
                SyntaxDetail::UnclosedString
            } else if message.contains("unclosed") || message.contains("`]`") || message.contains("`}`") {
                SyntaxDetail::UnclosedBracket
            } else {
                SyntaxDetail::Other
            };
            Err(Box::new(Problem {
                position: e.span().map(|s| Position::of(text, s.start)),
                path: String::new(),
                kind: ProblemKind::Syntax { detail },
            }))
        }
    }
}

/// `a.b` or `b` when `path` is empty.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The walk over one file: collects problems with positions in `text`.
pub struct Walk<'t> {
    pub text: &'t str,
    pub problems: Vec<Problem>,
}

/// Fields that are valid in a table of another kind; `Walk::keep_known` names that kind.
pub struct Elsewhere<'a> {
    /// What the table is here, `multiple`.
    pub here: &'a str,
    /// Each field valid in some other variant of this table.
    pub fields: &'a [&'a str],
}

impl<'t> Walk<'t> {
    pub fn new(text: &'t str) -> Walk<'t> {
        Walk { text, problems: Vec::new() }
    }

    pub fn position(&self, span: Range<usize>) -> Position {
        Position::of(self.text, span.start)
    }

    pub fn push(&mut self, span: Option<Range<usize>>, path: impl Into<String>, kind: ProblemKind) {
        let position = span.map(|s| self.position(s));
        self.problems.push(Problem { position, path: path.into(), kind });
    }

    /// Drops every key of `table` that is not in `known`, each reported on its own with the nearest
    /// known field. A key in `elsewhere.fields` is reported as not applying to `elsewhere.here`.
    /// `what` names the table in messages, as in "unknown field `x` {what}": "of a question",
    /// "вопроса", "сұрақтың".
    pub fn keep_known(&mut self, table: &mut Table<'_>, path: &str, what: Localized, known: &[&str], elsewhere: Option<&Elsewhere<'_>>) {
        let unknown: Vec<(String, Range<usize>)> =
            table.keys().filter(|k| !known.contains(&k.get_ref().as_ref())).map(|k| (k.get_ref().to_string(), k.span())).collect();
        for (key, span) in unknown {
            table.remove(key.as_str());
            let other = elsewhere.filter(|e| e.fields.contains(&key.as_str()));
            let suggestion = nearest(&key, known);
            let problem = ProblemKind::UnknownField {
                field: key.clone(),
                table: what.clone(),
                elsewhere: other.map(|e| e.here.to_string()),
                suggestion,
            };
            self.push(Some(span), join(path, &key), problem);
        }
    }

    /// The tables of an array of tables `key` (`[[question]]`), each with its index; a value of
    /// another shape is reported and dropped.
    pub fn tables_of<'a, 'i>(&mut self, table: &'a mut Table<'i>, path: &str, key: &str) -> Vec<(usize, &'a mut Table<'i>, Range<usize>)> {
        let Some(value) = table.get_mut(key) else { return Vec::new() };
        let span = value.span();
        match value.get_mut() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter_mut().enumerate() {
                    let item_span = item.span();
                    match item.get_mut() {
                        DeValue::Table(t) => out.push((i, t, item_span)),
                        _ => self.problems.push(Problem {
                            position: Some(Position::of(self.text, item_span.start)),
                            path: format!("{}[{i}]", join(path, key)),
                            kind: ProblemKind::WrongValue { expected: Expected::Table, allowed: Vec::new() },
                        }),
                    }
                }
                out
            }
            _ => {
                self.push(Some(span), join(path, key), ProblemKind::WrongValue { expected: Expected::List, allowed: Vec::new() });
                Vec::new()
            }
        }
    }

    /// The sub-table `key`, if present and a table (another shape is left for serde to report).
    pub fn table_of<'a, 'i>(&mut self, table: &'a mut Table<'i>, key: &str) -> Option<&'a mut Table<'i>> {
        match table.get_mut(key)?.get_mut() {
            DeValue::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Reads a value of type `T` from `value`; on failure reports where and why and returns `None`.
    pub fn read<T: DeserializeOwned>(&mut self, value: Value<'_>, path: &str) -> Option<T> {
        let span = value.span();
        match T::deserialize(ValueDeserializer::from(value)) {
            Ok(v) => Some(v),
            Err(e) => {
                let (kind, field) = serde_problem(e.message());
                // Without the input, toml's rendering ends with "in `key.path`": the key inside `value`.
                let shown = e.to_string();
                let inner = shown.lines().last().and_then(|l| l.strip_prefix("in `")).and_then(|l| l.strip_suffix('`')).map(str::to_string);
                let path = match (field, inner) {
                    (Some(f), inner) if matches!(kind, ProblemKind::MissingField { .. }) => {
                        join(&inner.map_or(path.to_string(), |i| join(path, &i)), &f)
                    }
                    (_, Some(inner)) => join(path, &inner),
                    _ => path.to_string(),
                };
                let at = e.span().unwrap_or(span);
                self.push(Some(at), path, kind);
                None
            }
        }
    }

    /// Reads a whole table (as it stands after [`Walk::keep_known`]).
    pub fn read_table<T: DeserializeOwned>(&mut self, table: Table<'_>, span: Range<usize>, path: &str) -> Option<T> {
        self.read(Spanned::new(span, DeValue::Table(table)), path)
    }
}

/// Takes the array of tables `key` out of `table`, as values with their spans. Anything else under
/// `key` is dropped: [`Walk::tables_of`] has reported it.
pub fn take_items<'i>(table: &mut Table<'i>, key: &str) -> Vec<Value<'i>> {
    match table.remove(key).map(Spanned::into_inner) {
        Some(DeValue::Array(items)) => items.into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Where every key of `table` is written, by key path (`visits.minimum`, `city[2].id`); an item of an
/// array of tables by its own path (`city[2]`). For locating problems found after serde has read
/// the values.
pub fn key_positions(text: &str, table: &Table<'_>) -> HashMap<String, Position> {
    fn walk(text: &str, table: &Table<'_>, path: &str, out: &mut HashMap<String, Position>) {
        for (k, v) in table.iter() {
            let p = join(path, k.get_ref());
            out.insert(p.clone(), Position::of(text, k.span().start));
            value(text, v, &p, out);
        }
    }
    fn value(text: &str, v: &Value<'_>, path: &str, out: &mut HashMap<String, Position>) {
        match v.get_ref() {
            DeValue::Table(t) => walk(text, t, path, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    out.insert(p.clone(), Position::of(text, item.span().start));
                    value(text, item, &p, out);
                }
            }
            _ => {}
        }
    }
    let mut out = HashMap::new();
    walk(text, table, "", &mut out);
    out
}

/// Maps serde's message (its wording is stable: "missing field `x`", "invalid type: ..., expected ...",
/// "unknown variant `x`, expected one of `a`, `b`") to a problem, and the missing field's name.
fn serde_problem(message: &str) -> (ProblemKind, Option<String>) {
    let ticked = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(String::from).collect() };
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = ticked(rest).into_iter().next().unwrap_or_default();
        return (ProblemKind::MissingField { field: field.clone() }, Some(field));
    }
    if message.starts_with("unknown variant") {
        let names = ticked(message);
        let allowed = names.into_iter().skip(1).collect();
        return (ProblemKind::WrongValue { expected: Expected::OneOf, allowed }, None);
    }
    let expected = match message.rsplit("expected ").next().unwrap_or("") {
        e if e.contains("string") || e.contains("char") => Expected::Text,
        e if e.contains("i64") || e.contains("u32") || e.contains("u64") || e.contains("integer") || e.contains("u16") => Expected::Integer,
        e if e.contains("f64") || e.contains("float") => Expected::Number,
        e if e.contains("bool") => Expected::Bool,
        e if e.contains("sequence") || e.contains("array") => Expected::List,
        e if e.contains("struct") || e.contains("map") || e.contains("table") => Expected::Table,
        _ => Expected::Other,
    };
    (ProblemKind::WrongValue { expected, allowed: Vec::new() }, None)
}

/// The known field nearest to a misspelt `key`, if one is close enough to be a likely intent.
pub fn nearest(key: &str, known: &[&str]) -> Option<String> {
    let key_l = key.to_ascii_lowercase();
    // Localized authors reach for that are spelt nothing like the field they mean.
    const ALIASES: [(&str, &str); 9] = [
        ("dk", "special"),
        ("rf", "special"),
        ("dont_know", "special"),
        ("refused", "special"),
        ("range", "min"),
        ("relevance", "relevant"),
        ("condition", "relevant"),
        ("filter", "choice_filter"),
        ("choices", "options"),
    ];
    if let Some((_, f)) = ALIASES.iter().find(|(a, f)| *a == key_l && known.contains(f)) {
        return Some(f.to_string());
    }
    let mut best: Option<(f64, &str)> = None;
    for &k in known {
        let score = strsim::jaro_winkler(&key_l, k);
        // Two edits turn any short word into another (`kind` → `id`), so short keys get one.
        let edits = if key_l.len().min(k.len()) <= 4 { 1 } else { 2 };
        let close = strsim::damerau_levenshtein(&key_l, k) <= edits || (key_l.len() >= 3 && k.starts_with(&key_l)) || score >= 0.85;
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "a = 1\nтекст = 2\n";
        assert_eq!(Position::of(text, 0), Position { line: 1, column: 1 });
        let at = text.find("= 2").unwrap();
        assert_eq!(Position::of(text, at), Position { line: 2, column: 7 });
    }

    #[test]
    fn the_nearest_field_is_suggested() {
        assert_eq!(nearest("max", &["id", "max_choices", "exclusive"]).as_deref(), Some("max_choices"));
        assert_eq!(nearest("currency_by", &["currencies", "codelist", "relevant"]).as_deref(), Some("currencies"));
        assert_eq!(nearest("relevnt", &["relevant", "prefill"]).as_deref(), Some("relevant"));
        assert_eq!(nearest("dk", &["special", "relevant"]).as_deref(), Some("special"));
        assert_eq!(nearest("colour", &["id", "text", "type"]), None);
        assert_eq!(nearest("kind", &["id", "number", "title"]), None);
        assert_eq!(nearest("tpye", &["id", "type", "text"]).as_deref(), Some("type"));
    }

    #[test]
    fn every_unknown_key_is_reported_and_dropped() {
        let text = "id = \"x\"\ncolour = 1\nmax = 2\n";
        let mut t = parse(text).unwrap();
        let mut w = Walk::new(text);
        w.keep_known(
            &mut t,
            "Q1",
            msg!("of a question", "вопроса", "сұрақтың"),
            &["id", "max_choices"],
            Some(&Elsewhere { here: "multiple", fields: &["max"] }),
        );
        assert_eq!(t.len(), 1);
        assert_eq!(w.problems.len(), 2);
        let max = w.problems.iter().find(|p| p.path == "Q1.max").unwrap();
        assert_eq!(max.position, Some(Position { line: 3, column: 1 }));
        let (m, h) = max.message("docs/study-format.md");
        assert_eq!(m.en, "field `max` does not apply to a `multiple` question");
        assert!(h.unwrap().en.contains("`max_choices`"));
    }

    #[test]
    fn a_syntax_error_is_located() {
        let e = parse("id = \"x\"\nnumber = \n").unwrap_err();
        assert_eq!(e.position.map(|p| p.line), Some(2));
        assert!(e.message("docs/study-format.md").0.ru.starts_with("ошибка синтаксиса TOML"));
    }
}
