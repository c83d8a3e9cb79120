//! Texts in the study's three languages: Russian, Kazakh and English.
//!
//! Everything an interviewer or supervisor reads (city names, outcome labels, error messages, frame
//! row errors) is carried as a [`Localized`] triple, so the shell and the UI pick the interview
//! language without a lookup table of their own. The crate does not depend on the questionnaire
//! crate's `Lang`; a language is chosen here by its code (`ru`, `kk`, `en`).

use serde::{Deserialize, Serialize};

/// One text in Russian, Kazakh and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Localized {
    pub ru: String,
    pub kk: String,
    pub en: String,
}

impl Localized {
    /// Builds a text from its three versions.
    pub fn new(ru: impl Into<String>, kk: impl Into<String>, en: impl Into<String>) -> Localized {
        Localized { ru: ru.into(), kk: kk.into(), en: en.into() }
    }

    /// The version for a language code (`ru`, `kk` or `kz`, `en`); any other code gets English.
    pub fn get(&self, lang: &str) -> &str {
        match lang.trim().to_ascii_lowercase().as_str() {
            "ru" => &self.ru,
            "kk" | "kz" => &self.kk,
            _ => &self.en,
        }
    }
}

impl std::fmt::Display for Localized {
    /// English is the display form, as for the loader's diagnostics; the UI calls [`Localized::get`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}
