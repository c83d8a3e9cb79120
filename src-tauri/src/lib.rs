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

/// The managed state: the one session, behind a mutex because `Session` is not `Sync`.
pub struct AppState {
    session: Mutex<Session>,
}

impl AppState {
    pub fn new(session: Session) -> AppState {
        AppState { session: Mutex::new(session) }
    }

    /// Locks the session; a poisoned lock (a panic in an earlier command) is reported, not unwrapped.
    pub fn session(&self, lang: Lang) -> Result<MutexGuard<'_, Session>, CommandError> {
        self.session.lock().map_err(|_| CommandError::internal(lang))
    }
}

/// Registers the session and every command on `builder` (a real or a mock runtime).
pub fn build_app<R: Runtime>(builder: Builder<R>, session: Session) -> Builder<R> {
    builder.manage(AppState::new(session)).invoke_handler(tauri::generate_handler![
        commands::study_info,
        commands::list_interviews,
        commands::create_interview,
        commands::open_interview,
        commands::answer,
        commands::read_number,
        commands::clear,
        commands::confirm,
        commands::go,
        commands::set_language,
        commands::complete,
        commands::fieldwork_routes,
        commands::fieldwork_draw_demo,
        commands::fieldwork_route,
        commands::fieldwork_walk,
        commands::fieldwork_log_visit,
        commands::fieldwork_close_address,
        commands::fieldwork_screen,
        commands::fieldwork_set_appointment,
        commands::fieldwork_start_interview,
        commands::fieldwork_outcomes,
        commands::fieldwork_report,
    ])
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
    let session = match Session::open_with(&config.study_dir, &config.db_path, config.durability) {
        Ok(session) => session,
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
        build_app(tauri::Builder::default(), session).run(tauri::generate_context!())
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
