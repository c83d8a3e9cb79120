//! The study loader: TOML files in, a [`Questionnaire`] and every [`Diagnostic`] out.
//!
//! **Invariant:** loading never stops at the first problem. Each file is parsed on its own, every
//! question is checked on its own, and all diagnostics are returned together with the location
//! (`blocks/05-migration.toml: Q513.choice_filter`) and a hint on how to fix it. A study with any
//! error-level diagnostic yields `None`; warnings (missing translations) still yield a study.
//!
//! The loader reads files through [`StudySource`], so it does no IO itself. It works in phases, one
//! module each:
//!
//! 1. [`dala_tomlcheck`]: parse each TOML file keeping spans; a syntax error is located (line:column).
//! 2. `raw`: check every table's fields (each unknown field its own diagnostic with the nearest valid
//!    field; a question's fields depend on its type), then read each item with serde on its own.
//! 3. `build`: languages, code lists, the symbol table (ids checked and unique without regard to
//!    case), rosters, questions, calculations, block layout.
//! 4. `expressions`: parse every expression; parser errors worded in the user's language.
//! 5. `deps`: resolve the names expressions read, check scopes, find cycles, build the reverse graph.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Lang, Questionnaire, Text};

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

use dala_i18n::msg;
/// A diagnostic's text in the three interface languages (the one message type of `dala-i18n`). Ids,
/// field names and file names appear verbatim in all three; third-party English (the TOML parser's,
/// serde's) is never shown.
pub use dala_i18n::Localized as Msg;

mod build;
mod deps;
mod expressions;
mod raw;
#[cfg(test)]
mod tests;

pub use dala_tomlcheck::Position;

/// One problem in a study definition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// A stable code (`S007`), documented in `docs/study-format.md`.
    pub code: &'static str,
    pub severity: Severity,
    pub file: String,
    /// The item and field, `Q513.choice_filter`; empty for a whole-file problem.
    pub location: String,
    /// The line and column in `file`, when known (syntax errors, unknown fields, wrong values).
    pub position: Option<Position>,
    pub message: Msg,
    pub hint: Option<Msg>,
}

impl Diagnostic {
    /// `error[S007] file:line:column: location: message` and an indented hint line, in `lang`.
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
        if let Some(p) = self.position {
            out.push_str(&format!(":{p}"));
        }
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

/// Collects the diagnostics of all phases.
struct Sink {
    diags: Vec<Diagnostic>,
}

impl Sink {
    fn err(&mut self, code: &'static str, file: &str, loc: impl Into<String>, msg: Msg, hint: Option<Msg>) {
        self.push(Severity::Error, code, file, None, loc, msg, hint);
    }
    fn err_at(&mut self, code: &'static str, file: &str, position: Option<Position>, loc: impl Into<String>, msg: Msg, hint: Option<Msg>) {
        self.push(Severity::Error, code, file, position, loc, msg, hint);
    }
    fn warn(&mut self, code: &'static str, file: &str, loc: impl Into<String>, msg: Msg, hint: Option<Msg>) {
        self.push(Severity::Warning, code, file, None, loc, msg, hint);
    }
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        file: &str,
        position: Option<Position>,
        loc: impl Into<String>,
        msg: Msg,
        hint: Option<Msg>,
    ) {
        self.diags.push(Diagnostic { code, severity, file: file.to_string(), location: loc.into(), position, message: msg, hint });
    }
}

// Texts used at more than one place.

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

/// `e` is the system's reason, in English; the Russian and Kazakh texts leave it out.
fn cannot_read(e: &str) -> Msg {
    msg!("cannot read: {e}", "не удаётся прочитать файл", "файлды оқу мүмкін емес")
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

/// What every phase writes to: the diagnostics, and the translation count of the study's texts.
struct Ctx {
    sink: Sink,
    /// The study's languages: a text lacking one of them is warned about.
    langs: Vec<Lang>,
    coverage: TranslationCoverage,
}

impl Ctx {
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

/// Loads a study and counts its translations; see the module documentation for the phases.
pub fn load_with_coverage(src: &dyn StudySource) -> Loaded {
    let mut ctx = Ctx { sink: Sink { diags: Vec::new() }, langs: Lang::ALL.to_vec(), coverage: Default::default() };
    let questionnaire = build::study(src, &mut ctx);
    let mut diagnostics = ctx.sink.diags;
    diagnostics.sort_by_key(|d| d.severity);
    let has_error = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Loaded { questionnaire: questionnaire.filter(|_| !has_error), diagnostics, coverage: ctx.coverage }
}
