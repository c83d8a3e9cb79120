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
    /// The database could not be opened at start (another instance holds it, a read-only medium, a file
    /// from a newer version): every command answers with this until `commands::retry_open` opens it.
    failed: Mutex<Option<StartFailure>>,
}

/// Why the database could not be opened, in every language, and what to try again.
#[derive(Clone, Debug)]
pub struct StartFailure {
    pub errors: Vec<(Lang, CommandError)>,
    pub open: Sealed,
}

impl StartFailure {
    pub fn new(error: &dala_session::SessionError, open: Sealed) -> StartFailure {
        StartFailure { errors: Lang::ALL.iter().map(|l| (*l, CommandError::from_session(error, *l))).collect(), open }
    }

    pub fn error(&self, lang: Lang) -> CommandError {
        self.errors
            .iter()
            .find(|(l, _)| *l == lang)
            .or(self.errors.first())
            .map(|(_, e)| e.clone())
            .unwrap_or_else(|| CommandError::internal(lang))
    }
}

/// Opens what the configuration names: a plain database as a session, an encrypted one sealed until a
/// PIN is given (only its study is loaded now).
pub fn open_state(open: &Sealed) -> Result<AppState, dala_session::SessionError> {
    if dala_session::vault::is_encrypted(&open.db_path) {
        let study = dala_session::load_study(&open.study_dir)?;
        let stand_in = Session::with_parts(study, dala_store::Store::open_in_memory(chrono::Utc::now())?);
        return Ok(AppState::sealed(stand_in, open.clone()));
    }
    Session::open_with(&open.study_dir, &open.db_path, open.durability).map(AppState::new)
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
            failed: Mutex::new(None),
        }
    }

    /// The app whose database could not be opened: it shows why, and can try again. `stand_in` is a
    /// session on an empty in-memory database that no command reaches.
    pub fn failed(stand_in: Session, failure: StartFailure) -> AppState {
        AppState {
            session: Mutex::new(stand_in),
            sealed: Mutex::new(None),
            signed_in: Mutex::new(SignedIn::default()),
            export: Mutex::new(None),
            failed: Mutex::new(Some(failure)),
        }
    }

    /// The start-up failure still standing, if any.
    pub fn start_failure(&self, lang: Lang) -> Result<Option<StartFailure>, CommandError> {
        Ok(self.failed.lock().map_err(|_| CommandError::internal(lang))?.clone())
    }

    /// Takes the parts of a state opened later (after a start-up failure) in place of this one's.
    pub fn replace_with(&self, opened: AppState, lang: Lang) -> Result<(), CommandError> {
        let AppState { session, sealed, signed_in, export: _, failed } = opened;
        // A poisoned lock (a panic in an earlier command) is reported, not unwrapped.
        fn take<T>(m: Mutex<T>, lang: Lang) -> Result<T, CommandError> {
            m.into_inner().map_err(|_| CommandError::internal(lang))
        }
        fn put<T>(m: &Mutex<T>, value: T, lang: Lang) -> Result<(), CommandError> {
            *m.lock().map_err(|_| CommandError::internal(lang))? = value;
            Ok(())
        }
        put(&self.session, take(session, lang)?, lang)?;
        put(&self.sealed, take(sealed, lang)?, lang)?;
        put(&self.signed_in, take(signed_in, lang)?, lang)?;
        put(&self.failed, take(failed, lang)?, lang)
    }

    /// Records that opening again failed too.
    pub fn set_failure(&self, failure: StartFailure, lang: Lang) -> Result<(), CommandError> {
        *self.failed.lock().map_err(|_| CommandError::internal(lang))? = Some(failure);
        Ok(())
    }

    /// The app on an encrypted database: locked until a user's PIN opens it. `stand_in` is a session
    /// on an empty in-memory database that no command reaches while locked.
    pub fn sealed(stand_in: Session, sealed: Sealed) -> AppState {
        AppState {
            session: Mutex::new(stand_in),
            sealed: Mutex::new(Some(sealed)),
            signed_in: Mutex::new(SignedIn { users_exist: true, user: None }),
            export: Mutex::new(None),
            failed: Mutex::new(None),
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

    /// The session for the lock screen's own commands (sign in, set up the first user). Refused with
    /// the start-up failure while the database is not open.
    pub fn session_unchecked(&self, lang: Lang) -> Result<MutexGuard<'_, Session>, CommandError> {
        if let Some(failure) = self.start_failure(lang)? {
            return Err(failure.error(lang));
        }
        self.session.lock().map_err(|_| CommandError::internal(lang))
    }

    pub fn who(&self, lang: Lang) -> Result<SignedIn, CommandError> {
        if let Some(failure) = self.start_failure(lang)? {
            return Err(failure.error(lang));
        }
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

/// With `DALA_TIMING` set, prints `mark <name> <unix ms>` on stderr: the start-up benchmark
/// (`bench/app_run.sh`) splits the start with these marks. Otherwise does nothing.
pub fn mark(name: &str) {
    if timing() {
        eprintln!("dala-app: mark {name} {}", unix_ms());
    }
}

/// Whether `DALA_TIMING` is set (read once: `answer` asks at every tap).
pub fn timing() -> bool {
    static TIMING: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TIMING.get_or_init(|| std::env::var_os("DALA_TIMING").is_some())
}

/// The wall clock in milliseconds since the Unix epoch, for the benchmarks' marks.
pub fn unix_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

/// Starts the app; exits with code 2 (and a message in ru/kk/en) when there is no display,
/// and with code 1 when the study or the database cannot be opened.
pub fn run() {
    mark("main");
    // WebKitGTK's accelerated compositing, on tablets and laptops without a usable GPU (and under Xvfb),
    // costs 80 MB of memory and most of the tail of tap-to-paint; a form app needs none of it
    // (BENCHMARKS.md, "The app"). Set before GTK starts, so WebKit's own processes inherit it; a value
    // given in the environment wins.
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    if let Some(message) = config::missing_display(std::env::var_os("DISPLAY"), std::env::var_os("WAYLAND_DISPLAY")) {
        eprintln!("{message}");
        std::process::exit(2);
    }
    let config = Config::from_env();
    eprintln!("dala-app: study {}, database {} ({:?} durability)", config.study_dir.display(), config.db_path.display(), config.durability);
    // An encrypted database waits for a PIN; only the study is loaded now. A database that cannot be
    // opened (another instance holds it, a read-only medium) is said in the window, which can try again;
    // a study that cannot be loaded is a set-up error, said on the terminal.
    let open = Sealed { study_dir: config.study_dir.clone(), db_path: config.db_path.clone(), durability: config.durability };
    let state = match open_state(&open) {
        Ok(state) => state,
        Err(e) => {
            for lang in Lang::ALL {
                eprintln!("dala-app: {}", e.message(lang));
            }
            let stand_in = dala_session::load_study(&config.study_dir)
                .and_then(|study| Ok(Session::with_parts(study, dala_store::Store::open_in_memory(chrono::Utc::now())?)));
            match stand_in {
                Ok(stand_in) => AppState::failed(stand_in, StartFailure::new(&e, open)),
                Err(_) => std::process::exit(1),
            }
        }
    };
    mark("opened");
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
