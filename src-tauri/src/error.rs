//! The one error type that crosses the Rust–UI boundary.
//!
//! The UI switches on `kind` (a stable identifier from [`SessionError::kind`]) and shows
//! `message`, which is already worded in the language the UI asked for. The UI never matches on
//! message text.

use dala_questionnaire::Lang;
use dala_session::{ErrorKind, SessionError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A refused command: `{ "kind": "answer_refused", "message": "Год рождения …" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CommandError {
    /// Stable identifier: the session's kinds (`answer_refused`, `not_complete`, `database`, …)
    /// plus `internal` for a failure of the shell itself.
    pub kind: ErrorKind,
    /// For the interviewer, in the language the UI passed with the command.
    pub message: String,
}

impl CommandError {
    /// A shell's own refusal, worded in `lang`.
    fn worded(kind: ErrorKind, lang: Lang, ru: &str, kk: &str, en: &str) -> CommandError {
        CommandError { kind, message: lang.pick(ru, kk, en).to_string() }
    }

    pub fn from_session(error: &SessionError, lang: Lang) -> CommandError {
        CommandError { kind: error.kind(), message: error.message(lang) }
    }

    /// The app is locked: sign in first.
    pub fn locked(lang: Lang) -> CommandError {
        CommandError::worded(
            ErrorKind::Locked,
            lang,
            "Приложение заблокировано: войдите со своим PIN-кодом.",
            "Қолданба құлыпталған: ПИН-кодыңызбен кіріңіз.",
            "The app is locked: sign in with your PIN.",
        )
    }

    /// The signed-in user is an interviewer: supervision is for supervisors and coordinators.
    pub fn not_allowed(lang: Lang) -> CommandError {
        CommandError::worded(
            ErrorKind::NotAllowed,
            lang,
            "Это может сделать только супервайзер или координатор.",
            "Мұны тек супервайзер немесе үйлестіруші жасай алады.",
            "Only a supervisor or a coordinator can do this.",
        )
    }

    /// A supervisor set up a coordinator: only a coordinator can.
    pub fn coordinator_only(lang: Lang) -> CommandError {
        CommandError::worded(
            ErrorKind::NotAllowed,
            lang,
            "Координатора может добавить только координатор.",
            "Үйлестірушіні тек үйлестіруші қоса алады.",
            "Only a coordinator can set up a coordinator.",
        )
    }

    /// A refused set-up or sign-in, already worded.
    pub fn sign_in(e: &dala_session::users::SignInError, lang: Lang) -> CommandError {
        match e {
            dala_session::users::SignInError::User(u) => {
                CommandError { kind: ErrorKind::SignIn, message: u.message().get(lang).to_string() }
            }
            dala_session::users::SignInError::Session(s) => CommandError::from_session(s, lang),
        }
    }

    /// The session lock was poisoned by a panic in an earlier command.
    pub fn internal(lang: Lang) -> CommandError {
        CommandError::worded(
            ErrorKind::Internal,
            lang,
            "Внутренняя ошибка программы. Ответы сохранены; перезапустите Dala.",
            "Бағдарламаның ішкі қатесі. Жауаптар сақталды; Dala-ны қайта іске қосыңыз.",
            "Internal error in the program. Answers are saved; restart Dala.",
        )
    }
}
