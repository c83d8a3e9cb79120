//! The study loader: TOML files in, a [`Questionnaire`] and every [`Diagnostic`] out.
//!
//! **Invariant:** loading never stops at the first problem. Each file is parsed on its own, every
//! question is checked on its own, and all diagnostics are returned together with the location
//! (`blocks/05-migration.toml: Q513.choice_filter`) and a hint on how to fix it. A study with any
//! error-level diagnostic yields `None`; warnings (missing translations) still yield a study.
//!
//! The loader reads files through [`StudySource`], so it does no IO itself.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::expr::{self, Expr, Missing, RefKind};
use crate::model::*;

/// Where the loader reads the study's files from (relative paths like `blocks/01-demographics.toml`).
pub trait StudySource {
    fn read(&self, path: &str) -> Result<String, String>;
}

/// An in-memory study, for tests and for studies embedded in a binary.
#[derive(Default, Clone, Debug)]
pub struct MemorySource {
    pub files: BTreeMap<String, String>,
}

impl MemorySource {
    pub fn insert(&mut self, path: &str, text: &str) {
        self.files.insert(path.to_string(), text.to_string());
    }
}

impl StudySource for MemorySource {
    fn read(&self, path: &str) -> Result<String, String> {
        self.files.get(path).cloned().ok_or_else(|| "file not found".to_string())
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A diagnostic's text in the three interface languages. Ids, file names and the text of
/// third-party errors (the TOML parser, the expression parser) appear verbatim in all three.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub en: String,
    pub ru: String,
    pub kk: String,
}

impl Msg {
    pub fn new(en: impl Into<String>, ru: impl Into<String>, kk: impl Into<String>) -> Msg {
        Msg { en: en.into(), ru: ru.into(), kk: kk.into() }
    }

    /// The same text in every language (an id list, a third-party message).
    pub fn same(text: impl Into<String>) -> Msg {
        let t = text.into();
        Msg { en: t.clone(), ru: t.clone(), kk: t }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ru => &self.ru,
            Lang::Kk => &self.kk,
            Lang::En => &self.en,
        }
    }
}

/// English is the display form.
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// `msg!("english {x}", "русский {x}", "қазақша {x}")`: each text is a `format!` string.
macro_rules! msg {
    ($en:literal, $ru:literal, $kk:literal $(,)?) => {
        Msg { en: format!($en), ru: format!($ru), kk: format!($kk) }
    };
}

/// One problem in a study definition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// A stable code (`S007`), documented in `docs/study-format.md`.
    pub code: &'static str,
    pub severity: Severity,
    pub file: String,
    /// The item and field, `Q513.choice_filter`; empty for a whole-file problem.
    pub location: String,
    pub message: Msg,
    pub hint: Option<Msg>,
}

impl Diagnostic {
    /// `error[S007] file: location: message` and an indented hint line, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let (sev, hint_word) = match (self.severity, lang) {
            (Severity::Error, Lang::En) => ("error", "hint"),
            (Severity::Warning, Lang::En) => ("warning", "hint"),
            (Severity::Error, Lang::Ru) => ("ошибка", "подсказка"),
            (Severity::Warning, Lang::Ru) => ("предупреждение", "подсказка"),
            (Severity::Error, Lang::Kk) => ("қате", "кеңес"),
            (Severity::Warning, Lang::Kk) => ("ескерту", "кеңес"),
        };
        let mut out = format!("{sev}[{}] {}", self.code, self.file);
        if !self.location.is_empty() {
            out.push_str(": ");
            out.push_str(&self.location);
        }
        out.push_str(": ");
        out.push_str(self.message.get(lang));
        if let Some(h) = &self.hint {
            out.push_str("\n    ");
            out.push_str(hint_word);
            out.push_str(": ");
            out.push_str(h.get(lang));
        }
        out
    }
}

/// The English rendering.
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

// ---------------------------------------------------------------------------------------------
// The file format as serde sees it. `deny_unknown_fields` turns a misspelt field into a diagnostic.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStudy {
    id: String,
    version: String,
    title: Text,
    languages: Vec<String>,
    #[serde(default)]
    source_language: Option<String>,
    #[serde(default)]
    default_language: Option<String>,
    #[serde(default)]
    codelists: Vec<String>,
    blocks: Vec<String>,
    #[serde(default)]
    constants: BTreeMap<String, f64>,
    /// Fieldwork settings are read by the fieldwork crate; the questionnaire loader ignores them.
    #[serde(default)]
    #[allow(dead_code)]
    fieldwork: Option<String>,
    #[serde(default)]
    fieldwork_links: FieldLinks,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    code: i64,
    #[serde(default)]
    en: Option<String>,
    #[serde(default)]
    ru: Option<String>,
    #[serde(default)]
    kk: Option<String>,
    #[serde(default)]
    exclusive: bool,
    #[serde(default)]
    specify: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodeList {
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    id: String,
    #[serde(default)]
    en: Option<String>,
    #[serde(default)]
    ru: Option<String>,
    #[serde(default)]
    kk: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValidation {
    rule: String,
    #[serde(default = "default_severity")]
    severity: RuleSeverity,
    message: Text,
}

fn default_severity() -> RuleSeverity {
    RuleSeverity::Error
}

fn default_true() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    #[serde(rename = "type")]
    kind: QuestionType,
    text: Text,
    #[serde(default)]
    instruction: Option<Text>,
    #[serde(default)]
    roster: Option<String>,
    #[serde(default)]
    show_card: Option<u32>,
    #[serde(default = "default_true")]
    read_out: bool,
    #[serde(default)]
    identifying: bool,
    #[serde(default = "default_true")]
    required: bool,
    #[serde(default)]
    codelist: Option<String>,
    #[serde(default)]
    options: Option<Vec<RawOption>>,
    #[serde(default)]
    exclusive: Vec<i64>,
    #[serde(default)]
    max_choices: Option<u32>,
    #[serde(default)]
    special: Vec<String>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    min_label: Option<Text>,
    #[serde(default)]
    max_label: Option<Text>,
    #[serde(default)]
    currencies: Vec<String>,
    #[serde(default)]
    rows: Vec<RawRow>,
    #[serde(default)]
    relevant: Option<String>,
    #[serde(default)]
    prefill: Option<String>,
    #[serde(default)]
    choice_filter: Option<String>,
    #[serde(default)]
    validation: Vec<RawValidation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoster {
    id: String,
    title: Text,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalculation {
    id: String,
    #[serde(default)]
    roster: Option<String>,
    expr: String,
    label: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    id: String,
    number: u32,
    title: Text,
    #[serde(default)]
    roster: Vec<RawRoster>,
    #[serde(default)]
    calculate: Vec<RawCalculation>,
    #[serde(default)]
    question: Vec<RawQuestion>,
    #[serde(default)]
    codelist: BTreeMap<String, RawCodeList>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodeListFile {
    #[serde(default)]
    codelist: BTreeMap<String, RawCodeList>,
}

// ---------------------------------------------------------------------------------------------

struct Sink {
    diags: Vec<Diagnostic>,
}

impl Sink {
    fn err(&mut self, code: &'static str, file: &str, loc: impl Into<String>, msg: Msg, hint: Option<Msg>) {
        self.push(Severity::Error, code, file, loc, msg, hint);
    }
    fn warn(&mut self, code: &'static str, file: &str, loc: impl Into<String>, msg: Msg, hint: Option<Msg>) {
        self.push(Severity::Warning, code, file, loc, msg, hint);
    }
    fn push(&mut self, severity: Severity, code: &'static str, file: &str, loc: impl Into<String>, msg: Msg, hint: Option<Msg>) {
        self.diags.push(Diagnostic { code, severity, file: file.to_string(), location: loc.into(), message: msg, hint });
    }
}

// Texts used at more than one place.

fn see_docs() -> Msg {
    msg!("see docs/study-format.md", "см. docs/study-format.md", "docs/study-format.md құжатын қараңыз")
}

fn unknown_language(l: &str) -> Msg {
    msg!("unknown language `{l}`", "неизвестный язык `{l}`", "белгісіз тіл `{l}`")
}

fn use_a_language() -> Msg {
    msg!("use ru, kk or en", "используйте ru, kk или en", "ru, kk немесе en қолданыңыз")
}

fn unknown_question(q: &str) -> Msg {
    msg!("unknown question `{q}`", "неизвестный вопрос `{q}`", "белгісіз сұрақ `{q}`")
}

fn unknown_roster(r: &str) -> Msg {
    msg!("unknown roster `{r}`", "неизвестный ростер `{r}`", "белгісіз ростер `{r}`")
}

fn cannot_read(e: &str) -> Msg {
    msg!("cannot read: {e}", "не удаётся прочитать файл: {e}", "файлды оқу мүмкін емес: {e}")
}

/// `names` is already formatted, e.g. "`Q101`, `Q102`".
fn did_you_mean(names: &str) -> Msg {
    msg!("did you mean {names}?", "возможно, имелось в виду {names}?", "мүмкін, {names} дегеніңіз бе?")
}

/// Counts translated texts per language: the share `dala check` reports.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TranslationCoverage {
    pub total: usize,
    pub present: BTreeMap<Lang, usize>,
}

impl TranslationCoverage {
    pub fn share(&self, lang: Lang) -> f64 {
        if self.total == 0 {
            return 1.0;
        }
        *self.present.get(&lang).unwrap_or(&0) as f64 / self.total as f64
    }
}

struct Ctx<'a> {
    sink: Sink,
    langs: Vec<Lang>,
    coverage: TranslationCoverage,
    _p: std::marker::PhantomData<&'a ()>,
}

impl Ctx<'_> {
    /// Records a text for the coverage count and warns about each study language it lacks.
    fn text(&mut self, t: &Text, file: &str, loc: &str) {
        self.coverage.total += 1;
        let mut missing = Vec::new();
        for l in Lang::ALL {
            if t.get_exact(l).is_some() {
                *self.coverage.present.entry(l).or_default() += 1;
            } else if self.langs.contains(&l) {
                missing.push(l.code());
            }
        }
        if !missing.is_empty() {
            let list = missing.join(", ");
            let first = missing[0];
            self.sink.warn(
                "S005",
                file,
                loc,
                msg!("missing translation: {list}", "нет перевода: {list}", "аударма жоқ: {list}"),
                Some(msg!(
                    "add `{first} = \"...\"` to this text",
                    "добавьте к этому тексту `{first} = \"...\"`",
                    "бұл мәтінге `{first} = \"...\"` қосыңыз"
                )),
            );
        }
        if let Some(kk) = t.get_exact(Lang::Kk) {
            if kk.chars().any(|c| c == 'i' || c == 'I') && kk.chars().any(is_cyrillic) {
                self.sink.warn(
                    "S005",
                    file,
                    loc,
                    msg!(
                        "Kazakh text mixes a Latin i/I into Cyrillic",
                        "в казахском тексте среди кириллицы встречается латинская i/I",
                        "қазақша мәтінде кирилл әріптерінің арасында латынның i/I әрпі кездеседі"
                    ),
                    Some(msg!(
                        "use the Cyrillic letter і (U+0456) / І (U+0406)",
                        "используйте кириллическую букву і (U+0456) / І (U+0406)",
                        "кирилл әрпін қолданыңыз: і (U+0456) / І (U+0406)"
                    )),
                );
            }
        }
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

fn valid_question_id(id: &str) -> bool {
    let mut chars = id.chars();
    if chars.next() != Some('Q') {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    digits >= 1 && rest[digits..].iter().all(|c| c.is_ascii_uppercase()) && rest.len() - digits <= 2
}

fn option_from_raw(o: &RawOption) -> Choice {
    Choice {
        code: o.code,
        label: Text { en: o.en.clone(), ru: o.ru.clone(), kk: o.kk.clone() },
        exclusive: o.exclusive,
        specify: o.specify,
    }
}

/// The loaded study together with the translation coverage, for `dala check`.
pub struct Loaded {
    pub questionnaire: Option<Questionnaire>,
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: TranslationCoverage,
}

/// Loads a study, returning it when it has no errors, and all diagnostics in any case.
pub fn load_study(src: &dyn StudySource) -> (Option<Questionnaire>, Vec<Diagnostic>) {
    let l = load_with_coverage(src);
    (l.questionnaire, l.diagnostics)
}

pub fn load_with_coverage(src: &dyn StudySource) -> Loaded {
    let mut ctx = Ctx { sink: Sink { diags: Vec::new() }, langs: Lang::ALL.to_vec(), coverage: Default::default(), _p: Default::default() };
    let study_file = "study.toml";
    let raw_study: Option<RawStudy> = match src.read(study_file) {
        Err(e) => {
            ctx.sink.err(
                "S001",
                study_file,
                "",
                msg!("cannot read the study file: {e}", "не удаётся прочитать файл исследования: {e}", "зерттеу файлын оқу мүмкін емес: {e}"),
                Some(msg!("a study folder must contain study.toml", "в папке исследования должен быть файл study.toml", "зерттеу қалтасында study.toml файлы болуы керек")),
            );
            None
        }
        Ok(text) => match toml::from_str::<RawStudy>(&text) {
            Ok(s) => Some(s),
            Err(e) => {
                let t = one_line(&e.to_string());
                ctx.sink.err(
                    "S001",
                    study_file,
                    "",
                    msg!("not a valid study file: {t}", "не является корректным файлом исследования: {t}", "зерттеу файлы ретінде жарамсыз: {t}"),
                    Some(see_docs()),
                );
                None
            }
        },
    };
    let Some(raw_study) = raw_study else {
        return Loaded { questionnaire: None, diagnostics: ctx.sink.diags, coverage: ctx.coverage };
    };

    let mut languages = Vec::new();
    for l in &raw_study.languages {
        match Lang::parse(l) {
            Some(lang) => languages.push(lang),
            None => ctx.sink.err("S001", study_file, "languages", unknown_language(l), Some(use_a_language())),
        }
    }
    if languages.is_empty() {
        languages = Lang::ALL.to_vec();
    }
    ctx.langs = languages.clone();
    let pick = |code: &Option<String>, fallback: Lang, field: &str, sink: &mut Sink| match code {
        None => fallback,
        Some(c) => Lang::parse(c).unwrap_or_else(|| {
            sink.err("S001", study_file, field, unknown_language(c), Some(use_a_language()));
            fallback
        }),
    };
    let source_language = pick(&raw_study.source_language, Lang::En, "source_language", &mut ctx.sink);
    let default_language = pick(&raw_study.default_language, languages[0], "default_language", &mut ctx.sink);
    ctx.text(&raw_study.title, study_file, "title");

    // Code lists: shared files first, then lists defined inside block files.
    let mut codelists: BTreeMap<String, CodeList> = BTreeMap::new();
    let mut codelist_file: HashMap<String, String> = HashMap::new();
    let mut add_codelists = |ctx: &mut Ctx, file: &str, lists: &BTreeMap<String, RawCodeList>| {
        for (id, raw) in lists {
            if let Some(prev) = codelist_file.get(id) {
                ctx.sink.err(
                    "S002",
                    file,
                    format!("codelist.{id}"),
                    msg!(
                        "code list `{id}` is defined twice (also in {prev})",
                        "список кодов `{id}` определён дважды (также в {prev})",
                        "`{id}` код тізімі екі рет анықталған ({prev} файлында да бар)"
                    ),
                    Some(msg!("rename one of them", "переименуйте один из них", "біреуінің атауын өзгертіңіз")),
                );
                continue;
            }
            codelist_file.insert(id.clone(), file.to_string());
            let options = check_options(ctx, file, &format!("codelist.{id}"), &raw.options);
            codelists.insert(id.clone(), CodeList { id: id.clone(), options });
        }
    };
    for file in &raw_study.codelists {
        match src.read(file) {
            Err(e) => ctx.sink.err(
                "S001",
                file,
                "",
                cannot_read(&e),
                Some(msg!(
                    "check the path in study.toml `codelists`",
                    "проверьте путь в `codelists` файла study.toml",
                    "study.toml файлындағы `codelists` жолын тексеріңіз"
                )),
            ),
            Ok(text) => match toml::from_str::<RawCodeListFile>(&text) {
                Ok(f) => add_codelists(&mut ctx, file, &f.codelist),
                Err(e) => {
                    let t = one_line(&e.to_string());
                    ctx.sink.err(
                        "S001",
                        file,
                        "",
                        msg!("not a valid code-list file: {t}", "не является корректным файлом списков кодов: {t}", "код тізімдері файлы ретінде жарамсыз: {t}"),
                        Some(see_docs()),
                    )
                }
            },
        }
    }
    let mut raw_blocks: Vec<(String, RawBlock)> = Vec::new();
    for file in &raw_study.blocks {
        match src.read(file) {
            Err(e) => ctx.sink.err(
                "S001",
                file,
                "",
                cannot_read(&e),
                Some(msg!(
                    "check the path in study.toml `blocks`",
                    "проверьте путь в `blocks` файла study.toml",
                    "study.toml файлындағы `blocks` жолын тексеріңіз"
                )),
            ),
            Ok(text) => match toml::from_str::<RawBlock>(&text) {
                Ok(b) => {
                    add_codelists(&mut ctx, file, &b.codelist);
                    raw_blocks.push((file.clone(), b));
                }
                Err(e) => {
                    let t = one_line(&e.to_string());
                    ctx.sink.err(
                        "S001",
                        file,
                        "",
                        msg!("not a valid block file: {t}", "не является корректным файлом блока: {t}", "блок файлы ретінде жарамсыз: {t}"),
                        Some(see_docs()),
                    )
                }
            },
        }
    }

    // Symbols: every id in one namespace, so an expression name is never ambiguous.
    let mut symbols: HashMap<String, Symbol> = HashMap::new();
    let mut symbol_file: HashMap<String, String> = HashMap::new();
    let mut define = |ctx: &mut Ctx, id: &str, sym: Symbol, file: &str| -> bool {
        if let Some(prev) = symbol_file.get(id) {
            ctx.sink.err(
                "S002",
                file,
                id,
                msg!(
                    "`{id}` is defined twice (also in {prev})",
                    "`{id}` определён дважды (также в {prev})",
                    "`{id}` екі рет анықталған ({prev} файлында да бар)"
                ),
                Some(msg!(
                    "every question, roster, calculation and constant needs its own id",
                    "у каждого вопроса, ростера, вычисления и константы должен быть свой id",
                    "әр сұрақтың, ростердің, есептеудің және тұрақтының өз id-і болуы керек"
                )),
            );
            return false;
        }
        symbol_file.insert(id.to_string(), file.to_string());
        symbols.insert(id.to_string(), sym);
        true
    };
    for (name, value) in &raw_study.constants {
        define(&mut ctx, name, Symbol::Constant(*value), study_file);
    }
    let mut rosters: Vec<Roster> = Vec::new();
    let mut roster_raw: Vec<(String, &RawRoster)> = Vec::new();
    let mut calculations_raw: Vec<(String, &RawCalculation)> = Vec::new();
    let mut questions_raw: Vec<(String, usize, &RawQuestion)> = Vec::new();
    let mut numbers_seen = HashSet::new();
    for (bi, (file, b)) in raw_blocks.iter().enumerate() {
        if !numbers_seen.insert(b.number) {
            let n = b.number;
            ctx.sink.err(
                "S013",
                file,
                "number",
                msg!("block number {n} is used twice", "номер блока {n} используется дважды", "{n} блок нөмірі екі рет қолданылған"),
                Some(msg!(
                    "number blocks 0 (cover), 1, 2, ...",
                    "нумеруйте блоки 0 (титульный лист), 1, 2, ...",
                    "блоктарды 0 (титул парағы), 1, 2, ... деп нөмірлеңіз"
                )),
            );
        }
        for r in &b.roster {
            if define(&mut ctx, &r.id, Symbol::Roster(rosters.len()), file) {
                rosters.push(Roster { id: r.id.clone(), title: r.title.clone(), size: RosterSize::Count(usize::MAX), label: None, parent: None, depth: 1 });
                roster_raw.push((file.clone(), r));
            }
        }
        for c in &b.calculate {
            if define(&mut ctx, &c.id, Symbol::Calculation(calculations_raw.len()), file) {
                calculations_raw.push((file.clone(), c));
            }
        }
        for q in &b.question {
            if !valid_question_id(&q.id) {
                let id = &q.id;
                ctx.sink.err(
                    "S013",
                    file,
                    id,
                    msg!("`{id}` is not a valid question id", "`{id}` — недопустимый id вопроса", "`{id}` — жарамсыз сұрақ id-і"),
                    Some(msg!(
                        "use Q followed by digits and an optional letter, e.g. Q105A",
                        "используйте Q, затем цифры и при необходимости букву, например Q105A",
                        "Q әрпінен кейін цифрлар мен қажет болса бір әріп жазыңыз, мысалы Q105A"
                    )),
                );
            }
            if define(&mut ctx, &q.id, Symbol::Question(questions_raw.len()), file) {
                questions_raw.push((file.clone(), bi, q));
            }
        }
    }

    // Rosters: parents, sizes, labels.
    for (ri, (file, r)) in roster_raw.iter().enumerate() {
        ctx.text(&r.title, file, &format!("{}.title", r.id));
        if let Some(p) = &r.parent {
            match symbols.get(p) {
                Some(Symbol::Roster(pi)) if *pi != ri => rosters[ri].parent = Some(*pi),
                _ => ctx.sink.err(
                    "S010",
                    file,
                    format!("{}.parent", r.id),
                    msg!("unknown parent roster `{p}`", "неизвестный родительский ростер `{p}`", "белгісіз жоғарғы ростер `{p}`"),
                    Some(msg!(
                        "name a roster defined with [[roster]]",
                        "укажите ростер, определённый через [[roster]]",
                        "[[roster]] арқылы анықталған ростерді көрсетіңіз"
                    )),
                ),
            }
        }
        let size = match (&r.size, &r.source) {
            (Some(q), None) => match symbols.get(q) {
                Some(Symbol::Question(qi)) if questions_raw[*qi].2.kind == QuestionType::Integer => Some(RosterSize::Count(*qi)),
                Some(Symbol::Question(_)) => {
                    ctx.sink.err(
                        "S009",
                        file,
                        format!("{}.size", r.id),
                        msg!(
                            "roster size question `{q}` is not an integer question",
                            "вопрос `{q}`, задающий размер ростера, не целочисленный",
                            "ростер өлшемін беретін `{q}` сұрағы бүтін сан сұрағы емес"
                        ),
                        Some(msg!("use `source` for a list question", "для вопроса-списка используйте `source`", "тізім сұрағы үшін `source` қолданыңыз")),
                    );
                    None
                }
                _ => {
                    ctx.sink.err("S007", file, format!("{}.size", r.id), unknown_question(q), None);
                    None
                }
            },
            (None, Some(q)) => match symbols.get(q) {
                Some(Symbol::Question(qi)) if questions_raw[*qi].2.kind == QuestionType::List => Some(RosterSize::List(*qi)),
                Some(Symbol::Question(_)) => {
                    ctx.sink.err(
                        "S009",
                        file,
                        format!("{}.source", r.id),
                        msg!(
                            "list roster source `{q}` is not a `list` question",
                            "источник списочного ростера `{q}` не является вопросом типа `list`",
                            "тізімдік ростердің `{q}` көзі `list` түріндегі сұрақ емес"
                        ),
                        Some(msg!("use `size` for an integer count", "для целого числа используйте `size`", "бүтін сан үшін `size` қолданыңыз")),
                    );
                    None
                }
                _ => {
                    ctx.sink.err("S007", file, format!("{}.source", r.id), unknown_question(q), None);
                    None
                }
            },
            _ => {
                ctx.sink.err(
                    "S009",
                    file,
                    &r.id,
                    msg!(
                        "a roster needs exactly one of `size` (integer question) or `source` (list question)",
                        "у ростера должно быть ровно одно из полей: `size` (целочисленный вопрос) или `source` (вопрос-список)",
                        "ростерде `size` (бүтін сан сұрағы) немесе `source` (тізім сұрағы) өрістерінің дәл біреуі болуы керек"
                    ),
                    None,
                );
                None
            }
        };
        if let Some(s) = size {
            rosters[ri].size = s;
        }
    }
    // Depth, with a guard against parent cycles.
    for ri in 0..rosters.len() {
        let mut depth = 1;
        let mut cur = rosters[ri].parent;
        while let Some(p) = cur {
            depth += 1;
            if depth > rosters.len() + 1 {
                break;
            }
            cur = rosters[p].parent;
        }
        rosters[ri].depth = depth;
        if depth > 2 {
            let file = roster_raw[ri].0.clone();
            ctx.sink.err(
                "S010",
                &file,
                &rosters[ri].id,
                msg!(
                    "rosters nest at most one level deep",
                    "ростеры вкладываются друг в друга не глубже одного уровня",
                    "ростерлерді бір деңгейден терең ендіруге болмайды"
                ),
                Some(msg!(
                    "move this roster to the top level or into a top-level roster",
                    "перенесите этот ростер на верхний уровень или внутрь ростера верхнего уровня",
                    "бұл ростерді жоғарғы деңгейге немесе жоғарғы деңгейдегі ростердің ішіне көшіріңіз"
                )),
            );
            rosters[ri].parent = None;
            rosters[ri].depth = 1;
        }
    }

    // Questions.
    let mut questions = Vec::new();
    for (file, bi, q) in &questions_raw {
        let loc = |f: &str| format!("{}.{f}", q.id);
        ctx.text(&q.text, file, &loc("text"));
        if let Some(t) = &q.instruction {
            ctx.text(t, file, &loc("instruction"));
        }
        let roster = match &q.roster {
            None => None,
            Some(r) => match symbols.get(r) {
                Some(Symbol::Roster(ri)) => Some(*ri),
                _ => {
                    ctx.sink.err(
                        "S010",
                        file,
                        loc("roster"),
                        unknown_roster(r),
                        Some(msg!(
                            "define it with [[roster]] in a block file",
                            "определите его через [[roster]] в файле блока",
                            "оны блок файлында [[roster]] арқылы анықтаңыз"
                        )),
                    );
                    None
                }
            },
        };
        let mut options = match (&q.codelist, &q.options) {
            (Some(_), Some(_)) => {
                ctx.sink.err(
                    "S011",
                    file,
                    &q.id,
                    msg!("both `codelist` and `options` are given", "заданы одновременно `codelist` и `options`", "`codelist` пен `options` бірге берілген"),
                    Some(msg!("keep one", "оставьте что-то одно", "біреуін ғана қалдырыңыз")),
                );
                Vec::new()
            }
            (Some(cl), None) => match codelists.get(cl) {
                Some(list) => list.options.clone(),
                None => {
                    let close: Vec<&String> = codelists.keys().filter(|k| k.contains(cl.trim_start_matches("L_")) || cl.contains(k.trim_start_matches("L_"))).take(3).collect();
                    let hint = if close.is_empty() {
                        msg!(
                            "define it under [codelist.ID] in codelists.toml",
                            "определите его в разделе [codelist.ID] файла codelists.toml",
                            "оны codelists.toml файлындағы [codelist.ID] бөлімінде анықтаңыз"
                        )
                    } else {
                        did_you_mean(&close.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
                    };
                    ctx.sink.err(
                        "S003",
                        file,
                        loc("codelist"),
                        msg!("unknown code list `{cl}`", "неизвестный список кодов `{cl}`", "белгісіз код тізімі `{cl}`"),
                        Some(hint),
                    );
                    Vec::new()
                }
            },
            (None, Some(opts)) => check_options(&mut ctx, file, &loc("options"), opts),
            (None, None) => Vec::new(),
        };
        let t = type_name(q.kind);
        if q.kind.has_options() && options.is_empty() && q.codelist.is_none() {
            ctx.sink.err(
                "S011",
                file,
                &q.id,
                msg!("a `{t}` question needs options", "вопросу типа `{t}` нужны варианты ответа", "`{t}` түріндегі сұраққа жауап нұсқалары керек"),
                Some(msg!(
                    "add `codelist = \"L_...\"` or `options = [...]`",
                    "добавьте `codelist = \"L_...\"` или `options = [...]`",
                    "`codelist = \"L_...\"` немесе `options = [...]` қосыңыз"
                )),
            );
        }
        if !q.kind.has_options() && (q.codelist.is_some() || q.options.is_some()) {
            ctx.sink.err(
                "S011",
                file,
                &q.id,
                msg!("a `{t}` question takes no options", "у вопроса типа `{t}` не бывает вариантов ответа", "`{t}` түріндегі сұрақтың жауап нұсқалары болмайды"),
                Some(msg!(
                    "remove `codelist`/`options` or change the type",
                    "удалите `codelist`/`options` или смените тип вопроса",
                    "`codelist`/`options` өрісін алып тастаңыз немесе сұрақ түрін өзгертіңіз"
                )),
            );
        }
        for code in &q.exclusive {
            match options.iter_mut().find(|o| o.code == *code) {
                Some(o) => o.exclusive = true,
                None => ctx.sink.err(
                    "S011",
                    file,
                    loc("exclusive"),
                    msg!(
                        "exclusive code {code} is not an option",
                        "исключающего кода {code} нет среди вариантов ответа",
                        "басқалармен бірге таңдалмайтын {code} коды жауап нұсқаларының арасында жоқ"
                    ),
                    None,
                ),
            }
        }
        let mut special = Vec::new();
        for s in &q.special {
            match s.as_str() {
                "dk" => special.push(Missing::DontKnow),
                "rf" => special.push(Missing::Refused),
                other => ctx.sink.err(
                    "S011",
                    file,
                    loc("special"),
                    msg!("unknown special answer `{other}`", "неизвестный особый ответ `{other}`", "белгісіз арнайы жауап `{other}`"),
                    Some(msg!(
                        "use \"dk\" (don't know, −98) and/or \"rf\" (refused, −99); −97 is set by routing",
                        "используйте \"dk\" (затрудняюсь ответить, −98) и/или \"rf\" (отказ от ответа, −99); −97 ставится логикой переходов",
                        "\"dk\" (жауап беруге қиналамын, −98) және/немесе \"rf\" (жауап беруден бас тарту, −99) қолданыңыз; −97 кодын өту логикасы қояды"
                    )),
                ),
            }
        }
        if let (Some(a), Some(b)) = (q.min, q.max) {
            if a > b {
                ctx.sink.err("S011", file, &q.id, msg!("min {a} is greater than max {b}", "min {a} больше, чем max {b}", "min {a} мәні max {b} мәнінен үлкен"), None);
            }
        }
        if (q.min.is_some() || q.max.is_some()) && !q.kind.is_numeric() {
            ctx.sink.err(
                "S011",
                file,
                &q.id,
                msg!(
                    "`min`/`max` do not apply to a `{t}` question",
                    "`min`/`max` неприменимы к вопросу типа `{t}`",
                    "`min`/`max` `{t}` түріндегі сұраққа қолданылмайды"
                ),
                None,
            );
        }
        if q.kind == QuestionType::Scale && (q.min.is_none() || q.max.is_none()) {
            ctx.sink.err(
                "S011",
                file,
                &q.id,
                msg!("a scale needs `min` and `max`", "для шкалы нужны `min` и `max`", "шкалаға `min` және `max` керек"),
                Some(msg!("e.g. min = 1, max = 10", "например, min = 1, max = 10", "мысалы, min = 1, max = 10")),
            );
        }
        if q.kind == QuestionType::Grid && q.rows.is_empty() {
            ctx.sink.err("S011", file, &q.id, msg!("a grid needs `rows`", "для вопроса-таблицы нужны строки `rows`", "кесте сұрағына `rows` жолдары керек"), None);
        }
        let mut row_ids = HashSet::new();
        let rows: Vec<GridRow> = q
            .rows
            .iter()
            .map(|r| {
                if !row_ids.insert(r.id.clone()) {
                    let id = &r.id;
                    ctx.sink.err(
                        "S002",
                        file,
                        loc("rows"),
                        msg!("grid row `{id}` appears twice", "строка таблицы `{id}` встречается дважды", "`{id}` кесте жолы екі рет кездеседі"),
                        None,
                    );
                }
                let t = Text { en: r.en.clone(), ru: r.ru.clone(), kk: r.kk.clone() };
                ctx.text(&t, file, &format!("{}.rows.{}", q.id, r.id));
                GridRow { id: r.id.clone(), label: t }
            })
            .collect();
        for t in [&q.min_label, &q.max_label].into_iter().flatten() {
            ctx.text(t, file, &loc("label"));
        }
        let mut validations = Vec::new();
        for (vi, v) in q.validation.iter().enumerate() {
            ctx.text(&v.message, file, &format!("{}.validation[{vi}].message", q.id));
            if let Some(e) = parse_expr(&mut ctx, file, &format!("{}.validation[{vi}].rule", q.id), &v.rule) {
                validations.push(Validation { rule: e, severity: v.severity, message: v.message.clone() });
            }
        }
        let currencies = if q.kind == QuestionType::Money && q.currencies.is_empty() { vec!["KZT".to_string()] } else { q.currencies.clone() };
        questions.push(Question {
            id: q.id.clone(),
            block: *bi,
            kind: q.kind,
            text: q.text.clone(),
            instruction: q.instruction.clone(),
            roster,
            show_card: q.show_card,
            read_out: q.read_out,
            identifying: q.identifying,
            required: q.required,
            options,
            max_choices: q.max_choices,
            special,
            min: q.min,
            max: q.max,
            min_label: q.min_label.clone(),
            max_label: q.max_label.clone(),
            currencies,
            rows,
            relevant: q.relevant.as_deref().and_then(|s| parse_expr(&mut ctx, file, &loc("relevant"), s)),
            prefill: q.prefill.as_deref().and_then(|s| parse_expr(&mut ctx, file, &loc("prefill"), s)),
            choice_filter: q.choice_filter.as_deref().and_then(|s| parse_expr(&mut ctx, file, &loc("choice_filter"), s)),
            validations,
        });
    }
    for (ri, (file, r)) in roster_raw.iter().enumerate() {
        if let Some(l) = &r.label {
            match symbols.get(l) {
                Some(Symbol::Question(qi)) if questions[*qi].roster == Some(ri) => rosters[ri].label = Some(*qi),
                _ => ctx.sink.err(
                    "S007",
                    file,
                    format!("{}.label", r.id),
                    msg!(
                        "label `{l}` is not a question of this roster",
                        "подпись `{l}` не является вопросом этого ростера",
                        "`{l}` белгісі осы ростердің сұрағы емес"
                    ),
                    None,
                ),
            }
        }
        let sq = rosters[ri].size.question();
        if sq != usize::MAX && questions.get(sq).is_some_and(|q| q.roster == Some(ri)) {
            ctx.sink.err(
                "S009",
                file,
                &r.id,
                msg!(
                    "a roster cannot be sized by one of its own questions",
                    "размер ростера не может задаваться его собственным вопросом",
                    "ростердің өлшемін оның өз сұрағы бере алмайды"
                ),
                None,
            );
        }
        if sq != usize::MAX {
            let size_roster = questions[sq].roster;
            if !rosters[ri].parent.map_or(size_roster.is_none(), |p| size_roster.is_none() || size_roster == Some(p)) {
                ctx.sink.err(
                    "S009",
                    file,
                    &r.id,
                    msg!(
                        "the size question must be at the parent's level",
                        "вопрос размера должен быть на уровне родительского ростера",
                        "өлшем сұрағы жоғарғы ростер деңгейінде болуы керек"
                    ),
                    None,
                );
            }
        }
    }
    let mut calculations = Vec::new();
    for (file, c) in &calculations_raw {
        ctx.text(&c.label, file, &format!("{}.label", c.id));
        let roster = c.roster.as_ref().and_then(|r| match symbols.get(r) {
            Some(Symbol::Roster(ri)) => Some(*ri),
            _ => {
                ctx.sink.err("S010", file, format!("{}.roster", c.id), unknown_roster(r), None);
                None
            }
        });
        let expr = parse_expr(&mut ctx, file, &format!("{}.expr", c.id), &c.expr).unwrap_or_else(|| expr::parse("null").expect("`null` parses"));
        calculations.push(Calculation { id: c.id.clone(), roster, expr, label: c.label.clone() });
    }

    let mut roster_children = vec![Vec::new(); rosters.len()];
    for (ri, r) in rosters.iter().enumerate() {
        if let Some(p) = r.parent {
            roster_children[p].push(ri);
        }
    }

    // Blocks and their layout (roster groups).
    let mut blocks = Vec::new();
    for (bi, (file, b)) in raw_blocks.iter().enumerate() {
        ctx.text(&b.title, file, "title");
        let qs: Vec<usize> = (0..questions.len()).filter(|&qi| questions[qi].block == bi).collect();
        blocks.push(Block { id: b.id.clone(), number: b.number, title: b.title.clone(), sections: layout(&qs, &questions, &rosters) });
    }

    let mut q = Questionnaire {
        id: raw_study.id.clone(),
        version: raw_study.version.clone(),
        title: raw_study.title.clone(),
        languages,
        source_language,
        default_language,
        constants: raw_study.constants.clone(),
        blocks,
        questions,
        rosters,
        calculations,
        codelists,
        symbols,
        deps: Dependencies::default(),
        roster_children,
        field_links: raw_study.fieldwork_links.clone(),
    };
    for (link, qid) in q.field_links.named() {
        if q.question_index(qid).is_none() {
            ctx.sink.err(
                "S007",
                study_file,
                format!("fieldwork_links.{link}"),
                unknown_question(qid),
                Some(msg!("name a question of the study", "укажите вопрос этого исследования", "осы зерттеудің сұрағын көрсетіңіз")),
            );
        }
    }
    let file_of = |id: &str| symbol_file.get(id).cloned().unwrap_or_default();
    build_dependencies(&mut q, &mut ctx.sink, &file_of);

    let mut diagnostics = ctx.sink.diags;
    diagnostics.sort_by_key(|d| d.severity);
    let has_error = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Loaded { questionnaire: if has_error { None } else { Some(q) }, diagnostics, coverage: ctx.coverage }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn type_name(t: QuestionType) -> String {
    serde_json::to_value(t).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn check_options(ctx: &mut Ctx, file: &str, loc: &str, raw: &[RawOption]) -> Vec<Choice> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for o in raw {
        let code = o.code;
        if !seen.insert(code) {
            ctx.sink.err(
                "S004",
                file,
                loc,
                msg!("code {code} is used twice", "код {code} используется дважды", "{code} коды екі рет қолданылған"),
                Some(msg!("each option needs its own code", "у каждого варианта ответа должен быть свой код", "әр жауап нұсқасының өз коды болуы керек")),
            );
        }
        if Missing::from_code(code).is_some() {
            ctx.sink.err(
                "S004",
                file,
                loc,
                msg!(
                    "code {code} is reserved for missing values",
                    "код {code} зарезервирован для пропущенных значений",
                    "{code} коды жоқ мәндер үшін сақталған"
                ),
                Some(msg!(
                    "−97/−98/−99 come from `special`, not from options",
                    "−97/−98/−99 задаются через `special`, а не вариантами ответа",
                    "−97/−98/−99 кодтары жауап нұсқаларынан емес, `special` арқылы беріледі"
                )),
            );
        }
        let c = option_from_raw(o);
        ctx.text(&c.label, file, &format!("{loc}[{}]", o.code));
        out.push(c);
    }
    out
}

fn parse_expr(ctx: &mut Ctx, file: &str, loc: &str, src: &str) -> Option<Expr> {
    match expr::parse(src) {
        Ok(e) => Some(e),
        Err(e) => {
            let (column, m) = (e.column, &e.message);
            // The parser's own hint is English only; our fallback names the expression.
            let hint = match &e.hint {
                Some(h) => Msg::same(h.clone()),
                None => msg!("in `{src}`", "в выражении `{src}`", "`{src}` өрнегінде"),
            };
            ctx.sink.err(
                "S006",
                file,
                loc,
                msg!(
                    "expression does not parse at column {column}: {m}",
                    "выражение не разбирается, столбец {column}: {m}",
                    "өрнек талданбайды, {column}-баған: {m}"
                ),
                Some(hint),
            );
            None
        }
    }
}

/// Groups consecutive questions of one roster (and its nested rosters) into roster sections.
fn layout(qs: &[usize], questions: &[Question], rosters: &[Roster]) -> Vec<Section> {
    fn chain(r: Option<usize>, rosters: &[Roster]) -> Vec<usize> {
        let mut c = Vec::new();
        let mut cur = r;
        while let Some(x) = cur {
            c.push(x);
            cur = rosters[x].parent;
        }
        c.reverse();
        c
    }
    fn insert(sections: &mut Vec<Section>, path: &[usize], qi: usize) {
        match path.split_first() {
            None => sections.push(Section::Question(qi)),
            Some((r, rest)) => {
                if let Some(Section::Roster { roster, children }) = sections.last_mut() {
                    if roster == r {
                        insert(children, rest, qi);
                        return;
                    }
                }
                let mut children = Vec::new();
                insert(&mut children, rest, qi);
                sections.push(Section::Roster { roster: *r, children });
            }
        }
    }
    let mut out = Vec::new();
    for &qi in qs {
        insert(&mut out, &chain(questions[qi].roster, rosters), qi);
    }
    out
}

/// Resolves every expression's names, checks scoping, detects cycles and builds the reverse graph.
fn build_dependencies(q: &mut Questionnaire, sink: &mut Sink, file_of: &dyn Fn(&str) -> String) {
    let mut deps = Dependencies::default();
    let mut targets: Vec<(Target, Option<usize>, String, Vec<(String, &Expr)>)> = Vec::new();
    for (qi, question) in q.questions.iter().enumerate() {
        let mut exprs: Vec<(String, &Expr)> = Vec::new();
        if let Some(e) = &question.relevant {
            exprs.push(("relevant".into(), e));
        }
        if let Some(e) = &question.prefill {
            exprs.push(("prefill".into(), e));
        }
        if let Some(e) = &question.choice_filter {
            exprs.push(("choice_filter".into(), e));
        }
        for (vi, v) in question.validations.iter().enumerate() {
            exprs.push((format!("validation[{vi}].rule"), &v.rule));
        }
        targets.push((Target::Question(qi), question.roster, question.id.clone(), exprs));
    }
    for (ci, c) in q.calculations.iter().enumerate() {
        targets.push((Target::Calculation(ci), c.roster, c.id.clone(), vec![("expr".into(), &c.expr)]));
    }
    let mut calc_reads: Vec<Vec<usize>> = vec![Vec::new(); q.calculations.len()];
    for (target, target_roster, id, exprs) in &targets {
        let file = file_of(id);
        for (field, e) in exprs {
            let loc = format!("{id}.{field}");
            for r in e.references() {
                let name = r.name.as_str();
                if name == "." || name == "choice" {
                    if name == "choice" && field != "choice_filter" {
                        sink.err(
                            "S007",
                            &file,
                            &loc,
                            msg!(
                                "`choice` is only defined in a choice_filter",
                                "`choice` определён только внутри choice_filter",
                                "`choice` тек choice_filter ішінде анықталған"
                            ),
                            None,
                        );
                    }
                    continue;
                }
                let via = match &r.through_roster {
                    None => None,
                    Some(rn) => match q.symbols.get(rn) {
                        Some(Symbol::Roster(ri)) => Some(*ri),
                        _ => {
                            sink.err("S007", &file, &loc, unknown_roster(rn), Some(hint_names(q, rn, |s| matches!(s, Symbol::Roster(_)))));
                            continue;
                        }
                    },
                };
                match (r.kind, q.symbols.get(name)) {
                    (RefKind::Roster, Some(Symbol::Roster(ri))) => {
                        deps.roster_readers.entry(*ri).or_default().push(*target);
                        // Reading the row count means reading the size question.
                        let sq = q.rosters[*ri].size.question();
                        if sq != usize::MAX {
                            deps.readers.entry(Source::Question(sq)).or_default().push((*target, ReadScope::Aggregate));
                        }
                    }
                    (RefKind::Roster, _) => sink.err("S007", &file, &loc, unknown_roster(name), Some(hint_names(q, name, |s| matches!(s, Symbol::Roster(_))))),
                    (RefKind::Name, Some(Symbol::Constant(_))) => {}
                    (RefKind::Name, Some(Symbol::Roster(_))) => sink.err(
                        "S007",
                        &file,
                        &loc,
                        msg!(
                            "`{name}` is a roster; use it inside count(), sum(), at() ...",
                            "`{name}` — это ростер; используйте его внутри count(), sum(), at() ...",
                            "`{name}` — ростер; оны count(), sum(), at() ... ішінде қолданыңыз"
                        ),
                        None,
                    ),
                    (RefKind::Name, Some(sym @ (Symbol::Question(_) | Symbol::Calculation(_)))) => {
                        let (source, src_roster) = match sym {
                            Symbol::Question(i) => (Source::Question(*i), q.questions[*i].roster),
                            Symbol::Calculation(i) => (Source::Calculation(*i), q.calculations[*i].roster),
                            _ => unreachable!("matched above"),
                        };
                        // Scope: without an aggregate, a source must be at the target's level or above it.
                        let context = via.or(*target_roster);
                        if !q.encloses(src_roster, context) {
                            let owner = src_roster.map(|r| q.rosters[r].id.as_str()).unwrap_or("");
                            let agg = src_roster.map(|r| q.rosters[r].id.as_str()).unwrap_or("members");
                            sink.err(
                                "S012",
                                &file,
                                &loc,
                                msg!(
                                    "`{name}` belongs to roster `{owner}` and is read here outside it",
                                    "`{name}` относится к ростеру `{owner}`, а здесь читается вне его",
                                    "`{name}` `{owner}` ростеріне жатады, бірақ мұнда одан тыс оқылады"
                                ),
                                Some(msg!(
                                    "read it through an aggregate, e.g. `at({agg}, Q113, {name})` or `count({agg}, {name} == 1)`",
                                    "читайте его через агрегирующую функцию, например `at({agg}, Q113, {name})` или `count({agg}, {name} == 1)`",
                                    "оны агрегаттау функциясы арқылы оқыңыз, мысалы `at({agg}, Q113, {name})` немесе `count({agg}, {name} == 1)`"
                                )),
                            );
                            continue;
                        }
                        let scope = if via.is_some() { ReadScope::Aggregate } else { ReadScope::Direct };
                        deps.readers.entry(source).or_default().push((*target, scope));
                        if let (Target::Calculation(ci), Source::Calculation(cj)) = (target, source) {
                            calc_reads[*ci].push(cj);
                        }
                        // A self-reference of a calculation is a cycle too; the sort below finds it.
                    }
                    (RefKind::Name, None) => sink.err(
                        "S007",
                        &file,
                        &loc,
                        msg!("unknown name `{name}`", "неизвестное имя `{name}`", "белгісіз атау `{name}`"),
                        Some(hint_names(q, name, |s| !matches!(s, Symbol::Roster(_)))),
                    ),
                }
            }
        }
    }
    for v in deps.readers.values_mut() {
        v.sort_by_key(|(t, s)| (format!("{t:?}"), *s as u8));
        v.dedup();
    }
    // Calculation order: Kahn's algorithm; whatever is left over sits on a cycle.
    let n = q.calculations.len();
    let mut indeg = vec![0usize; n];
    for (ci, reads) in calc_reads.iter().enumerate() {
        indeg[ci] = reads.len();
    }
    let mut order = Vec::new();
    let mut ready: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    while let Some(c) = ready.pop() {
        order.push(c);
        for (ci, reads) in calc_reads.iter().enumerate() {
            for r in reads {
                if *r == c {
                    indeg[ci] -= 1;
                    if indeg[ci] == 0 {
                        ready.push(ci);
                    }
                }
            }
        }
    }
    if order.len() < n {
        let stuck: Vec<&str> = (0..n).filter(|i| !order.contains(i)).map(|i| q.calculations[i].id.as_str()).collect();
        let cycle = stuck.join(" → ");
        sink.err(
            "S008",
            &file_of(stuck[0]),
            stuck[0],
            msg!("calculations form a cycle: {cycle}", "вычисления образуют цикл: {cycle}", "есептеулер тұйық цикл құрайды: {cycle}"),
            Some(msg!(
                "a calculation cannot depend, directly or indirectly, on itself",
                "вычисление не может зависеть от самого себя ни прямо, ни косвенно",
                "есептеу тікелей де, жанама түрде де өзіне тәуелді бола алмайды"
            )),
        );
        let rest: Vec<usize> = (0..n).filter(|i| !order.contains(i)).collect();
        order.extend(rest);
    }
    deps.calc_order = order;
    q.deps = deps;
}

fn hint_names(q: &Questionnaire, name: &str, keep: impl Fn(&Symbol) -> bool) -> Msg {
    let lower = name.to_ascii_lowercase();
    let mut close: Vec<&String> = q
        .symbols
        .iter()
        .filter(|(k, s)| keep(s) && (edit_distance(&k.to_ascii_lowercase(), &lower) <= 2))
        .map(|(k, _)| k)
        .collect();
    close.sort();
    close.truncate(3);
    if close.is_empty() {
        msg!(
            "check the spelling; ids are case-sensitive",
            "проверьте написание; в id различаются заглавные и строчные буквы",
            "жазылуын тексеріңіз; id-де бас әріп пен кіші әріп ажыратылады"
        )
    } else {
        did_you_mean(&close.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
