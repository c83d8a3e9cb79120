//! A study's export settings: `schema/<study>/export.toml`, optional. It names the files of its
//! rosters, declares subset files (the "away" members of KMRS) and the quasi-identifying questions
//! an anonymised export coarsens (docs/export.md).

use std::collections::BTreeMap;

use dala_i18n::Localized;
use serde::Deserialize;

use crate::error::ExportError;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSettings {
    /// Questions an anonymised export coarsens: a date to its year, anything else dropped.
    #[serde(default)]
    pub quasi_identifying: Vec<String>,
    /// A roster's file name (default: the roster's id).
    #[serde(default)]
    pub roster_files: BTreeMap<String, String>,
    #[serde(default)]
    pub subsets: Vec<Subset>,
}

/// A file of some lines of a roster: those whose answer to `when_question` is one of `when_codes`,
/// with the keys and `questions`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subset {
    pub name: String,
    pub roster: String,
    pub label: Label,
    pub when_question: String,
    pub when_codes: Vec<i64>,
    pub questions: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub en: String,
    pub ru: String,
    pub kk: String,
}

impl Label {
    pub fn get(&self, lang: dala_i18n::Lang) -> &str {
        lang.pick(&self.ru, &self.kk, &self.en)
    }
}

impl ExportSettings {
    /// Reads `export.toml` text; `None` text (no file) gives the defaults.
    pub fn parse(text: Option<&str>, q: &dala_questionnaire::Questionnaire) -> Result<ExportSettings, ExportError> {
        let Some(text) = text else { return Ok(ExportSettings::default()) };
        let s: ExportSettings = toml::from_str(text).map_err(|e| ExportError::Settings(Localized::same(e.message().to_string())))?;
        let known = |id: &str| q.questions.iter().any(|x| x.id == id);
        let unknown = |id: &str| {
            ExportError::Settings(dala_i18n::msg!(
                "export.toml names the question {id}, which the study does not have",
                "в export.toml указан вопрос {id}, которого нет в исследовании",
                "export.toml файлында зерттеуде жоқ {id} сұрағы аталған"
            ))
        };
        for id in s.quasi_identifying.iter().chain(s.subsets.iter().flat_map(|x| x.questions.iter().chain([&x.when_question]))) {
            if !known(id) {
                return Err(unknown(id));
            }
        }
        for r in s.roster_files.keys().chain(s.subsets.iter().map(|x| &x.roster)) {
            if !q.rosters.iter().any(|x| &x.id == r) {
                return Err(ExportError::Settings(dala_i18n::msg!(
                    "export.toml names the roster {r}, which the study does not have",
                    "в export.toml указан список {r}, которого нет в исследовании",
                    "export.toml файлында зерттеуде жоқ {r} тізімі аталған"
                )));
            }
        }
        Ok(s)
    }
}
