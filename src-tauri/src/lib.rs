//! The Dala desktop shell: a Tauri window around [`dala_session::Session`].
//!
//! The shell is glue. [`run`] checks for a display, reads the configuration ([`config`]),
//! opens the session and starts the window; [`build_app`] registers the state and the
//! [`commands`], and is generic over the runtime so tests drive every command through
//! `tauri::test::mock_builder()` without a window. Each command locks the session, calls it
//! with `Utc::now()` and hands the returned `Screen` to the UI (`ui/`), which renders it and
//! keeps no state of its own. Errors cross as [`CommandError`] `{ kind, message }`.

pub mod commands;
pub mod config;
pub mod error;

use std::sync::{Mutex, MutexGuard};

use dala_questionnaire::Lang;
use dala_session::Session;
use tauri::{Builder, Runtime};

pub use config::Config;
pub use error::CommandError;

/// The managed state: the one session, behind a mutex because `Session` is not `Sync`, and who is
/// signed in. With no user set up on the device the app is an open demo; once one is, every command but
/// those of the lock screen is refused until a user signs in with their PIN (`commands::sign_in`), and
/// again after `commands::lock` (the UI calls it after idle time).
pub struct AppState {
    session: Mutex<Session>,
    /// An encrypted database not opened yet: the session above is an empty stand-in until a user
    /// signs in with their PIN, which opens the database's key (`commands::sign_in`).
    sealed: Mutex<Option<Sealed>>,
    signed_in: Mutex<SignedIn>,
    /// The export running or last finished (the export screen polls it).
    export: Mutex<Option<dala_session::export::ExportJob>>,
}

/// Who may use the session now.
#[derive(Clone, Debug, Default)]
pub struct SignedIn {
    /// Users are set up on this device (else: the open demo).
    pub users_exist: bool,
    pub user: Option<dala_session::users::UserView>,
}

/// Where an encrypted database is, to open it once a PIN is given.
#[derive(Clone, Debug)]
pub struct Sealed {
    pub study_dir: std::path::PathBuf,
    pub db_path: std::path::PathBuf,
    pub durability: dala_store::Durability,
}

impl AppState {
    pub fn new(session: Session) -> AppState {
        let users_exist = session.users().map(|u| !u.is_empty()).unwrap_or(true);
        AppState {
            session: Mutex::new(session),
            sealed: Mutex::new(None),
            signed_in: Mutex::new(SignedIn { users_exist, user: None }),
            export: Mutex::new(None),
        }
    }

    /// The app on an encrypted database: locked until a user's PIN opens it. `stand_in` is a session
    /// on an empty in-memory database that no command reaches while locked.
    pub fn sealed(stand_in: Session, sealed: Sealed) -> AppState {
        AppState {
            session: Mutex::new(stand_in),
            sealed: Mutex::new(Some(sealed)),
            signed_in: Mutex::new(SignedIn { users_exist: true, user: None }),
            export: Mutex::new(None),
        }
    }

    /// The encrypted database still waiting for a PIN, if any.
    pub fn sealed_db(&self, lang: Lang) -> Result<Option<Sealed>, CommandError> {
        Ok(self.sealed.lock().map_err(|_| CommandError::internal(lang))?.clone())
    }

    /// Puts the session opened with a PIN in place of the stand-in.
    pub fn unseal(&self, session: Session, lang: Lang) -> Result<(), CommandError> {
        *self.session_unchecked(lang)? = session;
        *self.sealed.lock().map_err(|_| CommandError::internal(lang))? = None;
        Ok(())
    }

    /// Locks the session; a poisoned lock (a panic in an earlier command) is reported, not unwrapped.
    /// Refused while the app is locked.
    pub fn session(&self, lang: Lang) -> Result<MutexGuard<'_, Session>, CommandError> {
        let who = self.who(lang)?;
        if who.users_exist && who.user.is_none() {
            return Err(CommandError::locked(lang));
        }
        self.session_unchecked(lang)
    }

    /// The session for supervision (review, conflicts, back-checks, the dashboard): refused while locked
    /// and to an interviewer; open in the demo (no users set up).
    pub fn supervising(&self, lang: Lang) -> Result<MutexGuard<'_, Session>, CommandError> {
        let who = self.who(lang)?;
        if let Some(user) = &who.user {
            if user.role == "interviewer" {
                return Err(CommandError::not_allowed(lang));
            }
        }
        self.session(lang)
    }

    /// The session for the lock screen's own commands (sign in, set up the first user).
    pub fn session_unchecked(&self, lang: Lang) -> Result<MutexGuard<'_, Session>, CommandError> {
        self.session.lock().map_err(|_| CommandError::internal(lang))
    }

    pub fn who(&self, lang: Lang) -> Result<SignedIn, CommandError> {
        Ok(self.signed_in.lock().map_err(|_| CommandError::internal(lang))?.clone())
    }

    /// The export job slot.
    pub fn export_job(&self, lang: Lang) -> Result<MutexGuard<'_, Option<dala_session::export::ExportJob>>, CommandError> {
        self.export.lock().map_err(|_| CommandError::internal(lang))
    }

    pub fn set_who(&self, who: SignedIn, lang: Lang) -> Result<(), CommandError> {
        *self.signed_in.lock().map_err(|_| CommandError::internal(lang))? = who;
        Ok(())
    }
}

/// Registers the state and every command on `builder` (a real or a mock runtime).
pub fn build_app<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder.manage(state).invoke_handler(commands::handler())
}

/// Starts the app; exits with code 2 (and a message in ru/kk/en) when there is no display,
/// and with code 1 when the study or the database cannot be opened.
pub fn run() {
    if let Some(message) = config::missing_display(std::env::var_os("DISPLAY"), std::env::var_os("WAYLAND_DISPLAY")) {
        eprintln!("{message}");
        std::process::exit(2);
    }
    let config = Config::from_env();
    eprintln!("dala-app: study {}, database {} ({:?} durability)", config.study_dir.display(), config.db_path.display(), config.durability);
    // An encrypted database waits for a PIN; only the study is loaded now.
    let opened = if dala_session::vault::is_encrypted(&config.db_path) {
        dala_session::load_study(&config.study_dir)
            .and_then(|study| Ok(Session::with_parts(study, dala_store::Store::open_in_memory(chrono::Utc::now())?)))
            .map(|stand_in| {
                AppState::sealed(
                    stand_in,
                    Sealed { study_dir: config.study_dir.clone(), db_path: config.db_path.clone(), durability: config.durability },
                )
            })
    } else {
        Session::open_with(&config.study_dir, &config.db_path, config.durability).map(AppState::new)
    };
    let state = match opened {
        Ok(state) => state,
        Err(e) => {
            for lang in Lang::ALL {
                eprintln!("dala-app: {}", e.message(lang));
            }
            std::process::exit(1);
        }
    };
    // DISPLAY may be set to a display that is gone; GTK then panics while the event loop is
    // created. Turn exactly that panic into the same plain message instead of a backtrace.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_gtk_init_failure(info.payload()) {
            default_hook(info);
        }
    }));
    let started = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build_app(tauri::Builder::default(), state).run(tauri::generate_context!())
    }));
    match started {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("dala-app: {e}");
            std::process::exit(1);
        }
        Err(payload) if is_gtk_init_failure(payload.as_ref()) => {
            eprintln!("{}", config::no_display_message());
            std::process::exit(2);
        }
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

fn is_gtk_init_failure(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied()).unwrap_or("");
    text.contains("GTK") || text.contains("gtk") || text.contains("cannot open display")
}

#[cfg(test)]
mod tests;
