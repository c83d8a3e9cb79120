//! The questionnaire: what a study asks and how an interview through it behaves.
//!
//! - [`model`] is the immutable definition ([`Questionnaire`], blocks, questions, code lists, rosters).
//! - [`load`] turns the TOML files of a study folder into a [`Questionnaire`] plus every
//!   [`Diagnostic`] found; it never stops at the first problem.
//! - [`expr`] is the expression language for relevance, validation, calculations, prefills and filters.
//! - [`answer`] is the typed answer value and its JSON form (the same in scripts, storage and the UI).
//! - [`engine`] is the filled-in instance ([`Interview`]): answers keyed by question and roster path,
//!   incremental re-evaluation over a dependency graph, navigation, progress and open issues.
//! - [`client`] is the complete contract with a user interface: serializable views of an interview.
//! - [`number`] reads numbers as interviewers type them (per interface language, refusing what is
//!   ambiguous) and writes them back the way they read them.
//!
//! The crate is pure: it reads no files, no clock and no random numbers. Callers pass file contents in.
//!
//! ```
//! use dala_questionnaire::load::{load_study, MemorySource};
//! let mut src = MemorySource::default();
//! src.insert("study.toml", r#"
//!     id = "tiny"
//!     version = "1"
//!     title = { en = "Tiny", ru = "Мини", kk = "Шағын" }
//!     languages = ["ru", "kk", "en"]
//!     blocks = ["b1.toml"]
//! "#);
//! src.insert("b1.toml", r#"
//!     id = "B1"
//!     number = 1
//!     title = { en = "One", ru = "Один", kk = "Бір" }
//!     [[question]]
//!     id = "Q101"
//!     type = "integer"
//!     min = 1
//!     max = 30
//!     text = { en = "How many?", ru = "Сколько?", kk = "Қанша?" }
//! "#);
//! let (study, diagnostics) = load_study(&src);
//! assert!(diagnostics.is_empty(), "{diagnostics:?}");
//! assert_eq!(study.unwrap().questions.len(), 1);
//! ```

pub mod answer;
pub mod client;
pub mod engine;
pub mod expr;
pub mod i18n;
pub mod load;
pub mod model;
pub mod number;
pub mod script;

pub use answer::{Answer, AnswerError, AnswerKey, AnswerValue};
pub use engine::Interview;
pub use load::{Diagnostic, Severity};
pub use model::{Lang, Questionnaire};
