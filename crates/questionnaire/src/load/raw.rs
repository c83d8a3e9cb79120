//! Reading the files of a study: the file format as serde sees it, and the walk that checks every
//! table's fields before serde reads it.
//!
//! Each file is parsed once ([`document::parse`], from `dala-tomlcheck`); every table is checked against the fields its
//! kind has (a question's fields depend on its type), each unknown field reported on its own and
//! dropped; then every item (question, roster, calculation, code list) is read on its own, so a
//! wrong value in one question leaves the others checked. A block file always yields a block
//! (with placeholders for a header that could not be read) so its questions are checked too.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Msg, Sink};
use crate::model::{FieldLinks, QuestionType, RuleSeverity, Text};
use dala_tomlcheck::{self as document, Elsewhere, Problem, ProblemKind, Walk};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStudy {
    pub(super) id: String,
    pub(super) version: String,
    pub(super) title: Text,
    pub(super) languages: Vec<String>,
    #[serde(default)]
    pub(super) source_language: Option<String>,
    #[serde(default)]
    pub(super) default_language: Option<String>,
    #[serde(default)]
    pub(super) codelists: Vec<String>,
    pub(super) blocks: Vec<String>,
    #[serde(default)]
    pub(super) constants: BTreeMap<String, f64>,
    /// Fieldwork settings are read by the fieldwork crate; the questionnaire loader ignores them.
    #[serde(default)]
    #[allow(dead_code)]
    pub(super) fieldwork: Option<String>,
    #[serde(default)]
    pub(super) fieldwork_links: FieldLinks,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    pub(super) code: i64,
    #[serde(default)]
    pub(super) en: Option<String>,
    #[serde(default)]
    pub(super) ru: Option<String>,
    #[serde(default)]
    pub(super) kk: Option<String>,
    #[serde(default)]
    pub(super) exclusive: bool,
    #[serde(default)]
    pub(super) specify: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCodeList {
    pub(super) options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRow {
    pub(super) id: String,
    #[serde(default)]
    pub(super) en: Option<String>,
    #[serde(default)]
    pub(super) ru: Option<String>,
    #[serde(default)]
    pub(super) kk: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawValidation {
    pub(super) rule: String,
    #[serde(default = "default_severity")]
    pub(super) severity: RuleSeverity,
    pub(super) message: Text,
}

/// `[question.end]`: the answers that end the interview, and how.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEnd {
    pub(super) when: String,
    pub(super) outcome: String,
}

fn default_severity() -> RuleSeverity {
    RuleSeverity::Error
}

fn default_true() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub(super) id: String,
    #[serde(rename = "type")]
    pub(super) kind: QuestionType,
    pub(super) text: Text,
    #[serde(default)]
    pub(super) instruction: Option<Text>,
    #[serde(default)]
    pub(super) roster: Option<String>,
    #[serde(default)]
    pub(super) show_card: Option<u32>,
    #[serde(default = "default_true")]
    pub(super) read_out: bool,
    #[serde(default)]
    pub(super) identifying: bool,
    #[serde(default = "default_true")]
    pub(super) required: bool,
    #[serde(default)]
    pub(super) codelist: Option<String>,
    #[serde(default)]
    pub(super) options: Option<Vec<RawOption>>,
    #[serde(default)]
    pub(super) exclusive: Vec<i64>,
    #[serde(default)]
    pub(super) max_choices: Option<u32>,
    #[serde(default)]
    pub(super) special: Vec<String>,
    #[serde(default)]
    pub(super) min: Option<f64>,
    #[serde(default)]
    pub(super) max: Option<f64>,
    #[serde(default)]
    pub(super) min_label: Option<Text>,
    #[serde(default)]
    pub(super) max_label: Option<Text>,
    #[serde(default)]
    pub(super) currencies: Vec<String>,
    #[serde(default)]
    pub(super) rows: Vec<RawRow>,
    #[serde(default)]
    pub(super) relevant: Option<String>,
    #[serde(default)]
    pub(super) prefill: Option<String>,
    #[serde(default)]
    pub(super) choice_filter: Option<String>,
    #[serde(default)]
    pub(super) validation: Vec<RawValidation>,
    #[serde(default)]
    pub(super) auto: Option<String>,
    #[serde(default)]
    pub(super) end: Option<RawEnd>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRoster {
    pub(super) id: String,
    pub(super) title: Text,
    #[serde(default)]
    pub(super) size: Option<String>,
    #[serde(default)]
    pub(super) source: Option<String>,
    #[serde(default)]
    pub(super) label: Option<String>,
    #[serde(default)]
    pub(super) parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCalculation {
    pub(super) id: String,
    #[serde(default)]
    pub(super) roster: Option<String>,
    pub(super) expr: String,
    pub(super) label: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBlockHead {
    pub(super) id: String,
    pub(super) number: u32,
    pub(super) title: Text,
}

/// The kinds of table a study file has, named in messages ("unknown field `x` of a question").
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum TableKind {
    Study,
    FieldLinks,
    Block,
    Question,
    Option,
    GridRow,
    Validation,
    End,
    Roster,
    Calculation,
    CodeList,
    CodeListFile,
    /// A translated text `{ en, ru, kk }`.
    Text,
}

impl TableKind {
    fn words(self) -> Msg {
        let w = |en: &str, ru: &str, kk: &str| Msg::new(ru, kk, en);
        match self {
            TableKind::Study => w("of the study file", "файла исследования", "зерттеу файлының"),
            TableKind::FieldLinks => w("of [fieldwork_links]", "раздела `[fieldwork_links]`", "`[fieldwork_links]` бөлімінің"),
            TableKind::Block => w("of a block file", "файла блока", "блок файлының"),
            TableKind::Question => w("of a question", "вопроса", "сұрақтың"),
            TableKind::Option => w("of an option", "варианта ответа", "жауап нұсқасының"),
            TableKind::GridRow => w("of a grid row", "строки таблицы", "кесте жолының"),
            TableKind::Validation => w("of a validation rule", "правила проверки", "тексеру ережесінің"),
            TableKind::End => w("of an interview end rule", "правила завершения интервью", "сұхбатты аяқтау ережесінің"),
            TableKind::Roster => w("of a roster", "ростера", "ростердің"),
            TableKind::Calculation => w("of a calculation", "вычисления", "есептеудің"),
            TableKind::CodeList => w("of a code list", "списка кодов", "код тізімінің"),
            TableKind::CodeListFile => w("of a code-list file", "файла списков кодов", "код тізімдері файлының"),
            TableKind::Text => w("of a translated text", "переводимого текста", "аударылатын мәтіннің"),
        }
    }
}

/// A block file as read: the header (placeholders when it could not be read) and its items.
pub(super) struct RawBlock {
    pub(super) id: String,
    /// `None` when the header could not be read; the error is reported already.
    pub(super) number: Option<u32>,
    pub(super) title: Text,
    pub(super) roster: Vec<RawRoster>,
    pub(super) calculate: Vec<RawCalculation>,
    pub(super) question: Vec<RawQuestion>,
    pub(super) codelist: BTreeMap<String, RawCodeList>,
}

// The fields of each kind of table. Kept next to the structs above; a test checks that each list
// holds exactly the struct's fields, so the two cannot drift apart.

pub(super) const STUDY_FIELDS: &[&str] = &[
    "id",
    "version",
    "title",
    "languages",
    "source_language",
    "default_language",
    "codelists",
    "blocks",
    "constants",
    "fieldwork",
    "fieldwork_links",
];
pub(super) const FIELD_LINK_FIELDS: &[&str] = &[
    "respondent_line",
    "city",
    "city_codes",
    "route",
    "interviewer",
    "street",
    "house",
    "entrance",
    "flat",
    "dwelling",
    "dwelling_codes",
    "households",
    "language_best",
    "member_sex",
    "member_age",
];
pub(super) const BLOCK_FIELDS: &[&str] = &["id", "number", "title", "roster", "calculate", "question", "codelist"];
pub(super) const CODELIST_FILE_FIELDS: &[&str] = &["codelist"];
pub(super) const CODELIST_FIELDS: &[&str] = &["options"];
pub(super) const OPTION_FIELDS: &[&str] = &["code", "en", "ru", "kk", "exclusive", "specify"];
pub(super) const ROW_FIELDS: &[&str] = &["id", "en", "ru", "kk"];
pub(super) const VALIDATION_FIELDS: &[&str] = &["rule", "severity", "message"];
pub(super) const END_FIELDS: &[&str] = &["when", "outcome"];
pub(super) const ROSTER_FIELDS: &[&str] = &["id", "title", "size", "source", "label", "parent"];
pub(super) const CALCULATION_FIELDS: &[&str] = &["id", "roster", "expr", "label"];
pub(super) const TEXT_FIELDS: &[&str] = &["en", "ru", "kk"];

/// The fields every question has, whatever its type.
const QUESTION_COMMON: &[&str] = &[
    "id",
    "type",
    "text",
    "instruction",
    "roster",
    "show_card",
    "read_out",
    "identifying",
    "required",
    "special",
    "relevant",
    "prefill",
    "validation",
    "auto",
    "end",
];

/// Every field some question type has.
pub(super) const QUESTION_FIELDS: &[&str] = &[
    "id",
    "type",
    "text",
    "instruction",
    "roster",
    "show_card",
    "read_out",
    "identifying",
    "required",
    "codelist",
    "options",
    "exclusive",
    "max_choices",
    "special",
    "min",
    "max",
    "min_label",
    "max_label",
    "currencies",
    "rows",
    "relevant",
    "prefill",
    "choice_filter",
    "validation",
    "auto",
    "end",
];

/// The fields of a question of type `kind` (all of them for an unknown type, which serde reports).
pub(super) fn question_fields(kind: Option<QuestionType>) -> Vec<&'static str> {
    use QuestionType::*;
    let extra: &[&str] = match kind {
        None => return QUESTION_FIELDS.to_vec(),
        Some(Single) => &["codelist", "options", "exclusive", "choice_filter"],
        Some(Multiple) => &["codelist", "options", "exclusive", "max_choices", "choice_filter"],
        Some(Grid) => &["codelist", "options", "exclusive", "choice_filter", "rows"],
        Some(Integer | Decimal | Year) => &["min", "max"],
        Some(Money) => &["min", "max", "currencies"],
        Some(Scale) => &["min", "max", "min_label", "max_label"],
        Some(Date | Time | Text | List) => &[],
    };
    QUESTION_COMMON.iter().chain(extra).copied().collect()
}

fn str_of<'a>(t: &'a document::Table<'_>, key: &str) -> Option<&'a str> {
    t.get(key).and_then(|v| v.get_ref().as_str())
}

/// Checks the fields of a translated text `key` of `table`, if it is a table.
fn check_text(w: &mut Walk<'_>, table: &mut document::Table<'_>, path: &str, key: &str) {
    if let Some(t) = w.table_of(table, key) {
        w.keep_known(t, &document::join(path, key), TableKind::Text.words(), TEXT_FIELDS, None);
    }
}

fn check_options(w: &mut Walk<'_>, table: &mut document::Table<'_>, path: &str) {
    for (i, o, _) in w.tables_of(table, path, "options") {
        w.keep_known(o, &format!("{}[{i}]", document::join(path, "options")), TableKind::Option.words(), OPTION_FIELDS, None);
    }
}

fn check_codelists(w: &mut Walk<'_>, table: &mut document::Table<'_>) {
    let Some(lists) = w.table_of(table, "codelist") else { return };
    for (id, list) in lists.iter_mut() {
        let path = format!("codelist.{}", id.get_ref());
        if let toml::de::DeValue::Table(t) = list.get_mut() {
            w.keep_known(t, &path, TableKind::CodeList.words(), CODELIST_FIELDS, None);
            check_options(w, t, &path);
        }
    }
}

/// The name of item `i` of `[[key]]` in messages: its id, or `key[i]` when it has none.
fn item_name(t: &document::Table<'_>, key: &str, i: usize) -> String {
    match str_of(t, "id") {
        Some(id) if !id.trim().is_empty() => id.to_string(),
        _ => format!("{key}[{i}]"),
    }
}

/// Parses `text` and checks its fields with `check`; `None` on a syntax error (reported).
fn open<'i>(sink: &mut Sink, file: &str, text: &'i str) -> Option<document::Table<'i>> {
    match document::parse(text) {
        Ok(t) => Some(t),
        Err(p) => {
            report(sink, file, vec![*p]);
            None
        }
    }
}

/// Turns the problems of reading a file into diagnostics: S014 for a field that does not belong
/// where it is, S001 for everything else.
pub(super) fn report(sink: &mut Sink, file: &str, problems: Vec<Problem>) {
    for p in problems {
        let code = match p.kind {
            ProblemKind::UnknownField { .. } => "S014",
            _ => "S001",
        };
        let (m, h) = p.message("docs/study-format.md");
        sink.err_at(code, file, p.position, p.path, m, h);
    }
}

pub(super) fn read_study(sink: &mut Sink, file: &str, text: &str) -> Option<RawStudy> {
    let mut table = open(sink, file, text)?;
    let mut w = Walk::new(text);
    w.keep_known(&mut table, "", TableKind::Study.words(), STUDY_FIELDS, None);
    check_text(&mut w, &mut table, "", "title");
    if let Some(links) = w.table_of(&mut table, "fieldwork_links") {
        w.keep_known(links, "fieldwork_links", TableKind::FieldLinks.words(), FIELD_LINK_FIELDS, None);
    }
    let span = 0..text.len();
    let study = w.read_table::<RawStudy>(table, span, "");
    report(sink, file, w.problems);
    study
}

pub(super) fn read_codelist_file(sink: &mut Sink, file: &str, text: &str) -> BTreeMap<String, RawCodeList> {
    let Some(mut table) = open(sink, file, text) else { return BTreeMap::new() };
    let mut w = Walk::new(text);
    w.keep_known(&mut table, "", TableKind::CodeListFile.words(), CODELIST_FILE_FIELDS, None);
    check_codelists(&mut w, &mut table);
    let lists = read_codelists(&mut w, &mut table);
    report(sink, file, w.problems);
    lists
}

/// Reads each `[codelist.ID]` of `table` on its own.
fn read_codelists(w: &mut Walk<'_>, table: &mut document::Table<'_>) -> BTreeMap<String, RawCodeList> {
    let mut out = BTreeMap::new();
    let Some(value) = table.remove("codelist") else { return out };
    let span = value.span();
    match value.into_inner() {
        toml::de::DeValue::Table(lists) => {
            for (id, list) in lists {
                let id = id.into_inner().to_string();
                if let Some(l) = w.read::<RawCodeList>(list, &format!("codelist.{id}")) {
                    out.insert(id, l);
                }
            }
        }
        _ => w.push(Some(span), "codelist", ProblemKind::WrongValue { expected: document::Expected::Table, allowed: Vec::new() }),
    }
    out
}

pub(super) fn read_block(sink: &mut Sink, file: &str, text: &str) -> Option<RawBlock> {
    let mut table = open(sink, file, text)?;
    let mut w = Walk::new(text);
    w.keep_known(&mut table, "", TableKind::Block.words(), BLOCK_FIELDS, None);
    check_text(&mut w, &mut table, "", "title");
    check_codelists(&mut w, &mut table);
    for (i, r, _) in w.tables_of(&mut table, "", "roster") {
        let path = item_name(r, "roster", i);
        w.keep_known(r, &path, TableKind::Roster.words(), ROSTER_FIELDS, None);
        check_text(&mut w, r, &path, "title");
    }
    for (i, c, _) in w.tables_of(&mut table, "", "calculate") {
        let path = item_name(c, "calculate", i);
        w.keep_known(c, &path, TableKind::Calculation.words(), CALCULATION_FIELDS, None);
        check_text(&mut w, c, &path, "label");
    }
    for (i, q, _) in w.tables_of(&mut table, "", "question") {
        let path = item_name(q, "question", i);
        let type_word = str_of(q, "type").map(str::to_string);
        let kind = type_word.as_deref().and_then(|t| serde_json::from_value::<QuestionType>(serde_json::Value::from(t)).ok());
        let known = question_fields(kind);
        let elsewhere = type_word.as_deref().filter(|_| kind.is_some()).map(|here| Elsewhere { here, fields: QUESTION_FIELDS });
        let here = elsewhere.as_ref().map(|e| Elsewhere { here: e.here, fields: e.fields });
        w.keep_known(q, &path, TableKind::Question.words(), &known, here.as_ref());
        for key in ["text", "instruction", "min_label", "max_label"] {
            check_text(&mut w, q, &path, key);
        }
        check_options(&mut w, q, &path);
        for (ri, row, _) in w.tables_of(q, &path, "rows") {
            w.keep_known(row, &format!("{path}.rows[{ri}]"), TableKind::GridRow.words(), ROW_FIELDS, None);
        }
        for (vi, v, _) in w.tables_of(q, &path, "validation") {
            let vpath = format!("{path}.validation[{vi}]");
            w.keep_known(v, &vpath, TableKind::Validation.words(), VALIDATION_FIELDS, None);
            check_text(&mut w, v, &vpath, "message");
        }
        if let Some(e) = w.table_of(q, "end") {
            w.keep_known(e, &format!("{path}.end"), TableKind::End.words(), END_FIELDS, None);
        }
    }

    // Every item on its own, so one that cannot be read leaves the others checked.
    fn read_items<'i>(table: &mut document::Table<'i>, key: &str) -> Vec<(String, document::Value<'i>)> {
        document::take_items(table, key)
            .into_iter()
            .enumerate()
            .map(|(i, v)| (v.get_ref().as_table().map_or_else(|| format!("{key}[{i}]"), |t| item_name(t, key, i)), v))
            .collect()
    }
    let rosters = read_items(&mut table, "roster");
    let calcs = read_items(&mut table, "calculate");
    let questions = read_items(&mut table, "question");
    let roster = rosters.into_iter().filter_map(|(name, v)| w.read::<RawRoster>(v, &name)).collect();
    let calculate = calcs.into_iter().filter_map(|(name, v)| w.read::<RawCalculation>(v, &name)).collect();
    let question = questions.into_iter().filter_map(|(name, v)| w.read::<RawQuestion>(v, &name)).collect();
    let codelist = read_codelists(&mut w, &mut table);
    let head = w.read_table::<RawBlockHead>(table, 0..text.len(), "");
    report(sink, file, w.problems);
    let (id, number, title) = match head {
        Some(h) => (h.id, Some(h.number), h.title),
        None => (file.to_string(), None, Text::default()),
    };
    Some(RawBlock { id, number, title, roster, calculate, question, codelist })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each field list names exactly the fields serde reads, so the walk and the structs agree.
    #[test]
    fn field_lists_match_the_structs() {
        fn fields_of<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
            let mut names = Vec::new();
            let _ = T::deserialize(FieldNames(&mut names));
            names.sort();
            names
        }
        let sorted = |l: &[&'static str]| {
            let mut v = l.to_vec();
            v.sort();
            v
        };
        assert_eq!(fields_of::<RawStudy>(), sorted(STUDY_FIELDS));
        assert_eq!(fields_of::<FieldLinks>(), sorted(FIELD_LINK_FIELDS));
        assert_eq!(fields_of::<RawOption>(), sorted(OPTION_FIELDS));
        assert_eq!(fields_of::<RawRow>(), sorted(ROW_FIELDS));
        assert_eq!(fields_of::<RawValidation>(), sorted(VALIDATION_FIELDS));
        assert_eq!(fields_of::<RawEnd>(), sorted(END_FIELDS));
        assert_eq!(fields_of::<RawRoster>(), sorted(ROSTER_FIELDS));
        assert_eq!(fields_of::<RawCalculation>(), sorted(CALCULATION_FIELDS));
        assert_eq!(fields_of::<RawQuestion>(), sorted(QUESTION_FIELDS));
        assert_eq!(fields_of::<Text>(), sorted(TEXT_FIELDS));
        let mut block: Vec<&str> = fields_of::<RawBlockHead>();
        block.extend(["roster", "calculate", "question", "codelist"]);
        block.sort();
        assert_eq!(block, sorted(BLOCK_FIELDS));
    }

    /// A deserializer that records the field names a struct asks for and then gives up.
    struct FieldNames<'a>(&'a mut Vec<&'static str>);

    impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("names only"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.extend_from_slice(fields);
            Err(serde::de::Error::custom("names only"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
}
