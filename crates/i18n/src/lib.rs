//! The one message mechanism of Dala.
//!
//! Everything a person reads that Dala itself words (engine refusals, loader diagnostics, fieldwork
//! rules, session and CLI messages) exists in Russian, Kazakh and English. It is written in one of two
//! forms, both from this crate:
//!
//! - a [`Localized`] text carried to where the reader's language is known (a diagnostic, a domain
//!   error), built with [`msg!`]: `msg!("english {x}", "русский {x}", "қазақша {x}")`;
//! - a choice made where the language is already known: `lang.pick(ru, kk, en)`.
//!
//! Study texts (questions, options, rule messages) are data, not messages: they come from the study
//! files (`dala_questionnaire::Text`).
//!
//! ```
//! use dala_i18n::{msg, Lang, Localized};
//! let n = 3;
//! let m: Localized = msg!("{n} errors", "ошибок: {n}", "{n} қате");
//! assert_eq!(m.get(Lang::Kk), "3 қате");
//! assert_eq!(Lang::Ru.pick("да", "иә", "yes"), "да");
//! ```

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A language an interview can be held in and the interface shown in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Lang {
    Ru,
    Kk,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ru, Lang::Kk, Lang::En];

    pub fn code(self) -> &'static str {
        self.pick("ru", "kk", "en")
    }

    /// `ru`, `kk` (or `kz`) and `en`, in any case; anything else is not a language of Dala.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ru" => Some(Lang::Ru),
            "kk" | "kz" => Some(Lang::Kk),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The version for this language of something given in all three (Russian, Kazakh, English).
    pub fn pick<T>(self, ru: T, kk: T, en: T) -> T {
        match self {
            Lang::Ru => ru,
            Lang::Kk => kk,
            Lang::En => en,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One text in Russian, Kazakh and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Localized {
    pub ru: String,
    pub kk: String,
    pub en: String,
}

/// What a text can be looked up by: a [`Lang`], or a language code (`"ru"`, `"kk"`/`"kz"`, `"en"`;
/// any other code reads English).
pub trait LangKey {
    fn lang(&self) -> Lang;
}

impl LangKey for Lang {
    fn lang(&self) -> Lang {
        *self
    }
}

impl LangKey for &str {
    fn lang(&self) -> Lang {
        Lang::parse(self).unwrap_or(Lang::En)
    }
}

impl LangKey for &String {
    fn lang(&self) -> Lang {
        Lang::parse(self).unwrap_or(Lang::En)
    }
}

impl Localized {
    /// Builds a text from its three versions (Russian, Kazakh, English: the order of [`Lang::pick`]).
    pub fn new(ru: impl Into<String>, kk: impl Into<String>, en: impl Into<String>) -> Localized {
        Localized { ru: ru.into(), kk: kk.into(), en: en.into() }
    }

    /// The same text in every language (an id list, a number).
    pub fn same(text: impl Into<String>) -> Localized {
        let t = text.into();
        Localized { ru: t.clone(), kk: t.clone(), en: t }
    }

    /// The version for a language.
    pub fn get(&self, lang: impl LangKey) -> &str {
        lang.lang().pick(&self.ru, &self.kk, &self.en)
    }

    /// Applies `f` to each version (to add a prefix, say).
    pub fn map(self, f: impl Fn(Lang, String) -> String) -> Localized {
        Localized { ru: f(Lang::Ru, self.ru), kk: f(Lang::Kk, self.kk), en: f(Lang::En, self.en) }
    }
}

/// English is the display form (logs, `{}` in tests); people read [`Localized::get`].
impl std::fmt::Display for Localized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// `msg!("english {x}", "русский {x}", "қазақша {x}")`: a [`Localized`] text, each version a
/// `format!` string. With three more arguments, each language's string gets its own one (a part
/// already worded in each language): `msg!("… {}", "… {}", "… {}", part.en, part.ru, part.kk)`.
#[macro_export]
macro_rules! msg {
    ($en:literal, $ru:literal, $kk:literal $(,)?) => {
        $crate::Localized { en: format!($en), ru: format!($ru), kk: format!($kk) }
    };
    ($en:literal, $ru:literal, $kk:literal, $a:expr, $b:expr, $c:expr $(,)?) => {
        $crate::Localized { en: format!($en, $a), ru: format!($ru, $b), kk: format!($kk, $c) }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_is_found_by_value_and_by_code() {
        let t = Localized::new("да", "иә", "yes");
        for (lang, want) in [(Lang::Ru, "да"), (Lang::Kk, "иә"), (Lang::En, "yes")] {
            assert_eq!(t.get(lang), want);
            assert_eq!(t.get(lang.code()), want);
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        assert_eq!(t.get("kz"), "иә", "the country code is accepted for Kazakh");
        assert_eq!(t.get("de"), "yes", "an unknown code reads English");
        assert_eq!(Lang::parse("de"), None);
    }

    #[test]
    fn msg_formats_each_language_with_its_own_part() {
        let part = Localized::new("вопрос", "сұрақ", "question");
        let m = msg!("the {} Q1", "{} Q1", "{} Q1", part.en, part.ru, part.kk);
        assert_eq!((m.get(Lang::En), m.get(Lang::Ru), m.get(Lang::Kk)), ("the question Q1", "вопрос Q1", "сұрақ Q1"));
        assert_eq!(m.to_string(), "the question Q1");
        let upper = m.map(|_, s| s.to_uppercase());
        assert_eq!(upper.get(Lang::Ru), "ВОПРОС Q1");
    }
}
