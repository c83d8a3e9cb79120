//! Texts in the study's three languages: Russian, Kazakh and English.
//!
//! Everything an interviewer or supervisor reads (city names, outcome labels, error messages, frame
//! row errors) is carried as a [`Localized`] triple, so the shell and the UI pick the interview
//! language without a lookup table of their own. The crate does not depend on the questionnaire
//! crate's `Lang`; a language is chosen here by its code (`ru`, `kk`, `en`).

pub use dala_i18n::Localized;
