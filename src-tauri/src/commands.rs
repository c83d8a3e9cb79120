//! The commands the UI invokes: each locks the session, calls it with the current time and
//! returns its DTO. No domain logic lives here; it all sits in `dala-session`.
//!
//! Every command that can fail takes `ui_lang`, the language the interviewer sees, so that
//! the error message arrives already translated.

use chrono::Utc;
use dala_questionnaire::{AnswerKey, AnswerValue, Lang};
use dala_session::dashboard::{DashboardFilter, DashboardView};
use dala_session::field::{AddressView, AdultInput, OutcomeOption, RouteSummaryView, RouteView, VisitInput, WalkAction, When};
use dala_session::{InterviewSummary, Nav, NumberReading, Screen, Session, SessionError, StudyInfo};
use serde::Serialize;
use serde_json::Value as Json;
use tauri::State;
use ts_rs::TS;

use dala_session::backcheck::{BackcheckForm, BackcheckOutcome, BackcheckView};
use dala_session::export::ExportProgress;
use dala_session::sync::{self, ConflictView, ImportReport};
use dala_session::users::UserView;

use crate::error::CommandError;
use crate::SignedIn;

/// Who may use the app now, for the lock screen and the home screen.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct Access {
    /// No user is set up on this device: the app is an open demo.
    pub demo: bool,
    /// The signed-in user (`None` while locked, and in the demo).
    pub user: Option<UserView>,
    /// The names to choose from on the lock screen.
    pub users: Vec<String>,
    /// The app locks after this many minutes without a tap (`DALA_IDLE_MINUTES`, default 5).
    pub idle_minutes: u32,
    /// The roles the signed-in user may set up (none while locked; for an interviewer, none).
    pub may_add: Vec<String>,
}

/// The roles `who` may set up now ([`dala_session::users::roles_to_set_up`]; none while locked).
fn may_add(who: &SignedIn) -> Vec<String> {
    if who.users_exist && who.user.is_none() {
        return Vec::new();
    }
    dala_session::users::roles_to_set_up(who.user.as_ref()).into_iter().map(str::to_string).collect()
}

fn idle_minutes() -> u32 {
    std::env::var("DALA_IDLE_MINUTES").ok().and_then(|v| v.parse().ok()).filter(|m| *m > 0).unwrap_or(5)
}

/// A sync failure for the UI (already worded in its language).
fn sync_error(e: &sync::SyncFailure, lang: Lang) -> CommandError {
    CommandError { kind: dala_session::ErrorKind::Io, message: e.message().get(lang).to_string() }
}
use crate::AppState;

type Reply<T> = Result<T, CommandError>;

/// Declares the commands once: each becomes a `#[tauri::command]`, is registered by [`handler`], and
/// gets a typed TypeScript wrapper in [`typescript`] (written to `ui/src/bindings/commands.ts` by the
/// shell's tests), so renaming a command, an argument or a type in Rust breaks the UI's build instead
/// of failing at run time.
macro_rules! commands {
    ($( $(#[$meta:meta])* pub fn $name:ident($state:ident: State<'_, AppState> $(, $arg:ident: $ty:ty)* $(,)?) -> Reply<$ret:ty> $body:block )*) => {
        $(
            $(#[$meta])*
            // `async`: the command runs on the async runtime's threads, not on GTK's main thread, which
            // meanwhile paints and answers the webview (BENCHMARKS.md, "The app": tap to paint). The UI
            // queues its calls (api.ts), so they still run one after another, in order.
            #[tauri::command(rename_all = "snake_case", async)]
            pub fn $name($state: State<'_, AppState> $(, $arg: $ty)*) -> Reply<$ret> $body
        )*

        /// The invoke handler with every command.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// The TypeScript wrappers of every command (`ui/src/bindings/commands.ts`).
        pub fn typescript() -> String {
            let mut imports = std::collections::BTreeMap::new();
            let mut wrappers = String::new();
            $(
                $( collect_imports::<$ty>(&mut imports); )*
                collect_imports::<$ret>(&mut imports);
                let params: Vec<String> = vec![$(format!("{}: {}", stringify!($arg), <$ty as TS>::name())),*];
                let names: Vec<&str> = vec![$(stringify!($arg)),*];
                wrappers.push_str(&format!(
                    "    {name}: ({params}) => invoke<{ret}>(\"{name}\", {{ {names} }}),\n",
                    name = stringify!($name),
                    params = params.join(", "),
                    ret = <$ret as TS>::name(),
                    names = names.join(", "),
                ));
            )*
            let mut out = String::from("// Generated from src-tauri/src/commands.rs (`commands!`) by `cargo test -p dala-app`. Do not edit.\n\n");
            for (name, path) in &imports {
                out.push_str(&format!("import type {{ {name} }} from \"./{path}\";\n"));
            }
            out.push_str("\n/** Sends one command to the shell and resolves with its reply (api.ts queues the calls). */\n");
            out.push_str("export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;\n\n");
            out.push_str("/** Every command of the shell, typed as the Rust side declares it. */\n");
            out.push_str("export function commands(invoke: Invoke) {\n  return {\n");
            out.push_str(&wrappers);
            out.push_str("  };\n}\n");
            out
        }
    };
}

/// Adds the TypeScript types a signature names to `imports` (name → path under `ui/src/bindings`
/// without `.ts`): `T` itself when it is an exported type, and the type arguments of containers
/// (`Vec<Screen>` → `Screen`), recursively.
fn collect_imports<T: TS + 'static + ?Sized>(imports: &mut std::collections::BTreeMap<String, String>) {
    struct Named<'a>(&'a mut std::collections::BTreeMap<String, String>);
    impl ts_rs::TypeVisitor for Named<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            collect_imports::<U>(self.0);
        }
    }
    if let Some(p) = T::output_path() {
        imports.insert(T::ident(), p.with_extension("").to_string_lossy().replace('\\', "/"));
    }
    T::visit_generics(&mut Named(imports));
}

// ---- back-checks ---------------------------------------------------------------------------------

/// The back-check screen: what the re-interview asks, the drawn interviews, and the last draw.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct BackcheckScreen {
    pub form: BackcheckForm,
    pub list: Vec<BackcheckView>,
    /// The draw just made (its seed and how many interviews it added).
    pub draw: Option<BackcheckDraw>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct BackcheckDraw {
    pub seed: String,
    pub drawn: u32,
}

fn backcheck_screen(session: &Session, draw: Option<BackcheckDraw>, lang: Lang) -> Reply<BackcheckScreen> {
    let fail = |e: SessionError| CommandError::from_session(&e, lang);
    Ok(BackcheckScreen { form: session.backcheck_form(lang).map_err(fail)?, list: session.backchecks().map_err(fail)?, draw })
}

// ---- random-route fieldwork ---------------------------------------------------------------------

/// The seed of the demo route draw (the KMRS fieldwork year); real draws are the supervisor's.
pub const DEMO_SEED: u64 = 2010;
/// Demo routes assigned to this device per city (an interviewer walks a few routes, not all).
pub const DEMO_ROUTES_PER_CITY: usize = 2;

/// What the "My routes" screen shows.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct MyRoutes {
    /// The study has random-route fieldwork settings.
    pub has_fieldwork: bool,
    /// This device's id: routes assigned to it are "mine".
    pub device: String,
    /// The routes assigned to this device, with their quota state.
    pub routes: Vec<RouteSummaryView>,
    /// All routes stored on this device (drawn here or received), assigned or not.
    pub routes_on_device: u32,
    /// No routes at all yet: the demo draw is offered.
    pub can_draw_demo: bool,
}

fn my_routes(session: &Session, lang: Lang) -> Result<MyRoutes, SessionError> {
    let device = session.store().device_id().to_string();
    if session.fieldwork().is_none() {
        return Ok(MyRoutes { has_fieldwork: false, device, routes: Vec::new(), routes_on_device: 0, can_draw_demo: false });
    }
    let all = session.routes_view(None, lang)?;
    let routes: Vec<RouteSummaryView> = all.iter().filter(|r| r.assigned_to.as_deref() == Some(device.as_str())).cloned().collect();
    Ok(MyRoutes { has_fieldwork: true, can_draw_demo: all.is_empty(), routes_on_device: all.len() as u32, routes, device })
}

commands! {
    pub fn who_am_i(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Access> {
        // The interface's first command: the page is loaded and its script runs (start-up benchmark).
        static FIRST: std::sync::Once = std::sync::Once::new();
        FIRST.call_once(|| crate::mark("first-command"));
        let who = state.who(ui_lang)?;
        // A sealed (encrypted, not yet opened) database lists the users of its keyring.
        let users = match state.sealed_db(ui_lang)? {
            Some(sealed) => Session::keyring_users(&sealed.db_path),
            None => state.session_unchecked(ui_lang)?.users(),
        }
        .map_err(|e| CommandError::from_session(&e, ui_lang))?;
        let may_add = may_add(&who);
        Ok(Access { demo: !who.users_exist, user: who.user, users: users.into_iter().map(|u| u.name).collect(), idle_minutes: idle_minutes(), may_add })
    }

    pub fn sign_in(state: State<'_, AppState>, name: String, pin: String, ui_lang: Lang) -> Reply<Access> {
        let user = match state.sealed_db(ui_lang)? {
            // The PIN opens the database's key; the database is opened with it.
            Some(sealed) => {
                let (session, user) = Session::open_with_pin(&sealed.study_dir, &sealed.db_path, sealed.durability, &name, &pin, Utc::now())
                    .map_err(|e| CommandError::sign_in(&e, ui_lang))?;
                state.unseal(session, ui_lang)?;
                user
            }
            None => state.session_unchecked(ui_lang)?.sign_in_any(&name, &pin, Utc::now()).map_err(|e| CommandError::sign_in(&e, ui_lang))?,
        };
        state.set_who(SignedIn { users_exist: true, user: Some(user) }, ui_lang)?;
        who_am_i(state, ui_lang)
    }

    pub fn add_user(state: State<'_, AppState>, role: String, name: String, pin: String, ui_lang: Lang) -> Reply<Access> {
        let who = state.who(ui_lang)?;
        // The first user is set up from the open demo; later ones by a signed-in user.
        if who.users_exist && who.user.is_none() {
            return Err(CommandError::locked(ui_lang));
        }
        // No one sets up a user above their own role (an unknown role is the session's to refuse).
        let allowed = may_add(&who);
        if dala_sync::Role::parse(&role).is_some() && !allowed.contains(&role) {
            return Err(if allowed.is_empty() { CommandError::not_allowed(ui_lang) } else { CommandError::coordinator_only(ui_lang) });
        }
        let mut salt = [0u8; 16];
        rand::Rng::fill(&mut rand::rng(), &mut salt);
        let mut key = [0u8; 32];
        let mut slot = dala_sync::vault::SlotRandom { salt: [0; 16], nonce: [0; 12] };
        rand::Rng::fill(&mut rand::rng(), &mut key);
        rand::Rng::fill(&mut rand::rng(), &mut slot.salt);
        rand::Rng::fill(&mut rand::rng(), &mut slot.nonce);
        let fresh = dala_session::vault::Fresh { key, slot };
        // The first user encrypts the database with a key wrapped for their PIN; later ones get a slot.
        let user = state
            .session_unchecked(ui_lang)?
            .add_user_encrypted(&role, &name, &pin, salt, fresh, Utc::now())
            .map_err(|e| CommandError::sign_in(&e, ui_lang))?;
        let user = if who.user.is_some() { who.user } else { Some(user) };
        state.set_who(SignedIn { users_exist: true, user }, ui_lang)?;
        who_am_i(state, ui_lang)
    }

    /// Opens the database again after a start-up failure (the other instance has closed, the medium is
    /// writable again); the same failure, or a new one, if it still cannot be opened.
    pub fn retry_open(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Access> {
        if let Some(failure) = state.start_failure(ui_lang)? {
            match crate::open_state(&failure.open) {
                Ok(opened) => state.replace_with(opened, ui_lang)?,
                Err(e) => {
                    let again = crate::StartFailure::new(&e, failure.open);
                    let error = again.error(ui_lang);
                    state.set_failure(again, ui_lang)?;
                    return Err(error);
                }
            }
        }
        who_am_i(state, ui_lang)
    }

    /// The interface painted its first usable screen (home or lock). With `DALA_TIMING` set the shell prints
    /// the wall-clock time, for the start-up benchmark (`bench/app_run.sh`); otherwise it does nothing.
    pub fn ui_ready(state: State<'_, AppState>, ui_lang: Lang) -> Reply<bool> {
        let _ = (&state, ui_lang);
        if crate::timing() {
            eprintln!("dala-app: ready {}", crate::unix_ms());
        }
        Ok(true)
    }

    /// The signed-in user changes their PIN (the current one is checked first).
    pub fn change_pin(state: State<'_, AppState>, current: String, new_pin: String, ui_lang: Lang) -> Reply<Access> {
        let who = state.who(ui_lang)?;
        let Some(user) = who.user else { return Err(CommandError::locked(ui_lang)) };
        let mut salt = [0u8; 16];
        let mut slot = dala_sync::vault::SlotRandom { salt: [0; 16], nonce: [0; 12] };
        rand::Rng::fill(&mut rand::rng(), &mut salt);
        rand::Rng::fill(&mut rand::rng(), &mut slot.salt);
        rand::Rng::fill(&mut rand::rng(), &mut slot.nonce);
        state
            .session_unchecked(ui_lang)?
            .change_pin(&user.name, &current, &new_pin, salt, slot, Utc::now())
            .map_err(|e| CommandError::sign_in(&e, ui_lang))?;
        who_am_i(state, ui_lang)
    }

    pub fn lock(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Access> {
        let who = state.who(ui_lang)?;
        state.set_who(SignedIn { users_exist: who.users_exist, user: None }, ui_lang)?;
        who_am_i(state, ui_lang)
    }

    pub fn sync_list_packages(state: State<'_, AppState>, folder: String, ui_lang: Lang) -> Reply<Vec<String>> {
        // Only lists the package files of a folder (the UI then imports them one by one with a progress bar).
        let _ = &state;
        let mut found: Vec<String> = std::fs::read_dir(&folder)
            .map_err(|e| CommandError::from_session(&SessionError::Io(format!("{folder}: {e}")), ui_lang))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "dala"))
            .map(|p| p.display().to_string())
            .collect();
        found.sort();
        Ok(found)
    }

    pub fn sync_import(state: State<'_, AppState>, packages: Vec<String>, ui_lang: Lang) -> Reply<ImportReport> {
        let mut session = state.session(ui_lang)?;
        let ring = sync::load_keyring(&session.keys_dir()).map_err(|e| sync_error(&e, ui_lang))?;
        let paths: Vec<std::path::PathBuf> = packages.iter().map(std::path::PathBuf::from).collect();
        Ok(session.import_packages(&ring.me, &ring.trusted, &paths, ui_lang, Utc::now(), |_, _| {}))
    }

    pub fn sync_export(state: State<'_, AppState>, folder: String, ui_lang: Lang) -> Reply<Vec<String>> {
        let mut session = state.session(ui_lang)?;
        let ring = sync::load_keyring(&session.keys_dir()).map_err(|e| sync_error(&e, ui_lang))?;
        let written = sync::export_for_keyring(&mut session, &ring, std::path::Path::new(&folder), Utc::now()).map_err(|e| sync_error(&e, ui_lang))?;
        Ok(written.into_iter().map(|r| r.package).collect())
    }

    pub fn conflicts(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Vec<ConflictView>> {
        let session = state.supervising(ui_lang)?;
        sync::conflicts(session.store()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn resolve_conflict(state: State<'_, AppState>, id: String, key: AnswerKey, value: Json, ui_lang: Lang) -> Reply<Vec<ConflictView>> {
        let mut session = state.supervising(ui_lang)?;
        session.resolve_conflict(&id, &key, &value, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))?;
        sync::conflicts(session.store()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn review_interview(state: State<'_, AppState>, id: String, approve: bool, reason: Option<String>, ui_lang: Lang) -> Reply<Screen> {
        let mut session = state.supervising(ui_lang)?;
        let decision = if approve { dala_store::Review::Approve } else { dala_store::Review::Reject };
        session.review_interview(&id, decision, reason.as_deref().filter(|r| !r.trim().is_empty()), Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))?;
        session.open_interview(&id, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn review_comment(state: State<'_, AppState>, id: String, key: Option<AnswerKey>, text: String, ui_lang: Lang) -> Reply<Screen> {
        let mut session = state.supervising(ui_lang)?;
        session.comment(&id, key.as_ref(), &text, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))?;
        session.open_interview(&id, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// The back-check form (the study's short re-interview) and every interview drawn, with what was found.
    pub fn backchecks(state: State<'_, AppState>, ui_lang: Lang) -> Reply<BackcheckScreen> {
        let session = state.supervising(ui_lang)?;
        backcheck_screen(&session, None, ui_lang)
    }

    /// Draws the back-check sample: with the supervisor's seed (digits) or, without one, a new seed drawn
    /// here and shown with the sample, so the same draw can be repeated.
    pub fn backcheck_draw(state: State<'_, AppState>, seed: Option<String>, ui_lang: Lang) -> Reply<BackcheckScreen> {
        let mut session = state.supervising(ui_lang)?;
        let seed = match seed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => text.parse::<u64>().map_err(|_| CommandError::from_session(&SessionError::BadInput(text.to_string()), ui_lang))?,
            None => rand::Rng::random_range(&mut rand::rng(), 1..1_000_000u64),
        };
        let drawn = session.draw_backchecks(seed, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))?;
        backcheck_screen(&session, Some(BackcheckDraw { seed: seed.to_string(), drawn: drawn.len() as u32 }), ui_lang)
    }

    /// Records what the re-contact found for a drawn interview; the screen shows its mismatches.
    pub fn backcheck_record(state: State<'_, AppState>, interview: String, outcome: BackcheckOutcome, ui_lang: Lang) -> Reply<BackcheckScreen> {
        let mut session = state.supervising(ui_lang)?;
        session.record_backcheck(&interview, &outcome, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))?;
        backcheck_screen(&session, None, ui_lang)
    }

    pub fn study_info(state: State<'_, AppState>, ui_lang: Lang) -> Reply<StudyInfo> {
        Ok(state.session(ui_lang)?.study_info())
    }

    pub fn list_interviews(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Vec<InterviewSummary>> {
        state.session(ui_lang)?.list_interviews().map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn create_interview(state: State<'_, AppState>, lang: Lang) -> Reply<Screen> {
        state.session(lang)?.create_interview(lang, Utc::now()).map_err(|e| CommandError::from_session(&e, lang))
    }

    pub fn open_interview(state: State<'_, AppState>, id: String, ui_lang: Lang) -> Reply<Screen> {
        state.session(ui_lang)?.open_interview(&id, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn answer(state: State<'_, AppState>, id: String, key: AnswerKey, value: AnswerValue, ui_lang: Lang) -> Reply<Screen> {
        let entered = std::time::Instant::now();
        let mut session = state.session(ui_lang)?;
        let started = std::time::Instant::now();
        let screen = session.answer(&id, key, value.to_json(), Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang));
        // The tap-to-paint benchmark's split (bench/app_latency.py): the session's own part of a tap.
        if crate::timing() {
            let done = started.elapsed().as_micros();
            let t = std::time::Instant::now();
            let len = screen.as_ref().map(|s| serde_json::to_vec(s).map(|v| v.len()).unwrap_or(0)).unwrap_or(0);
            eprintln!("dala-app: answer {} us (lock {} us, json {} bytes {} us)", done, (started - entered).as_micros(), len, t.elapsed().as_micros());
        }
        screen
    }

    /// Records an answer that ends the interview (consent "no"), after the interviewer confirmed the
    /// end the `answer` command refused with `ends_interview`: the interview ends as its study says
    /// (a refusal), with the address's visit 42 when it was started from a household.
    pub fn end_interview(state: State<'_, AppState>, id: String, key: AnswerKey, value: AnswerValue, ui_lang: Lang) -> Reply<Screen> {
        state.session(ui_lang)?.end_interview(&id, &key, &value.to_json(), When::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// Reads a typed number for a question by the interview language's rules (nothing is recorded):
    /// the UI shows the reading under the field and records its `answer`, or shows the refusal.
    pub fn read_number(state: State<'_, AppState>, id: String, key: AnswerKey, text: String, currency: Option<String>, ui_lang: Lang) -> Reply<NumberReading> {
        state.session(ui_lang)?.read_number(&id, &key, &text, currency.as_deref()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn clear(state: State<'_, AppState>, id: String, key: AnswerKey, ui_lang: Lang) -> Reply<Screen> {
        state.session(ui_lang)?.clear(&id, key, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn confirm(state: State<'_, AppState>, id: String, key: AnswerKey, rule: usize, ui_lang: Lang) -> Reply<Screen> {
        state.session(ui_lang)?.confirm(&id, key, rule, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn go(state: State<'_, AppState>, id: String, nav: Nav, ui_lang: Lang) -> Reply<Screen> {
        state.session(ui_lang)?.go(&id, nav, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn set_language(state: State<'_, AppState>, id: String, lang: Lang) -> Reply<Screen> {
        state.session(lang)?.set_language(&id, lang, Utc::now()).map_err(|e| CommandError::from_session(&e, lang))
    }

    pub fn complete(state: State<'_, AppState>, id: String, ui_lang: Lang) -> Reply<Screen> {
        state.session(ui_lang)?.complete(&id, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// Starts an export of this database (supervisors and coordinators) into `folder`, labelled in
    /// `data_lang`; while one runs, reports it instead of starting another. The screen polls
    /// [`export_status`].
    pub fn export_start(state: State<'_, AppState>, format: String, data_lang: Lang, anonymise: bool, folder: String, ui_lang: Lang) -> Reply<ExportProgress> {
        let session = state.supervising(ui_lang)?;
        let mut slot = state.export_job(ui_lang)?;
        if let Some(job) = slot.as_ref().filter(|j| j.running()) {
            return Ok(job.progress());
        }
        let bad = |what: &str| CommandError::from_session(&SessionError::BadInput(what.to_string()), ui_lang);
        let format = dala_export::Format::parse(&format).ok_or_else(|| bad(&format))?;
        let folder = folder.trim();
        if folder.is_empty() {
            return Err(bad(folder));
        }
        let anonymise = anonymise.then(|| format!("{:032x}", rand::Rng::random::<u128>(&mut rand::rng())));
        let job = session
            .start_export(dala_export::Options { format, lang: data_lang, anonymise }, std::path::Path::new(folder), ui_lang)
            .map_err(|e| CommandError::from_session(&e, ui_lang))?;
        let progress = job.progress();
        *slot = Some(job);
        Ok(progress)
    }

    /// Where the export stands (an empty progress when none was started).
    pub fn export_status(state: State<'_, AppState>, ui_lang: Lang) -> Reply<ExportProgress> {
        drop(state.supervising(ui_lang)?);
        Ok(state.export_job(ui_lang)?.as_ref().map(|j| j.progress()).unwrap_or_default())
    }

    /// Opens the last export's folder in the system's file manager.
    pub fn export_open_folder(state: State<'_, AppState>, ui_lang: Lang) -> Reply<bool> {
        drop(state.supervising(ui_lang)?);
        let folder = state.export_job(ui_lang)?.as_ref().map(|j| j.progress().folder);
        match folder {
            Some(f) => opener::open(&f).map(|_| true).map_err(|e| CommandError::from_session(&SessionError::Io(format!("{f}: {e}")), ui_lang)),
            None => Ok(false),
        }
    }

    /// The supervisor dashboard over this app's database (on a supervisor's machine, the merged data of
    /// many devices), narrowed by the filter, worded in `ui_lang`.
    pub fn dashboard(state: State<'_, AppState>, filter: DashboardFilter, ui_lang: Lang) -> Reply<DashboardView> {
        state.supervising(ui_lang)?.dashboard(&filter, Utc::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn fieldwork_routes(state: State<'_, AppState>, ui_lang: Lang) -> Reply<MyRoutes> {
        let session = state.session(ui_lang)?;
        my_routes(&session, ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// Demo data for a fresh database: draws every city's routes with [`DEMO_SEED`] and assigns the
    /// first [`DEMO_ROUTES_PER_CITY`] of each city to this device. Does nothing once any route exists.
    pub fn fieldwork_draw_demo(state: State<'_, AppState>, ui_lang: Lang) -> Reply<MyRoutes> {
        let mut session = state.session(ui_lang)?;
        let fail = |e: SessionError| CommandError::from_session(&e, ui_lang);
        let cities: Vec<String> = session.fieldwork().ok_or(SessionError::NoFieldwork).map_err(fail)?.settings.cities.iter().map(|c| c.id.clone()).collect();
        if session.routes_view(None, ui_lang).map_err(fail)?.is_empty() {
            let device = session.store().device_id().to_string();
            for city in cities {
                let draw = session.draw_city_routes(&city, DEMO_SEED, None, false, When::now()).map_err(fail)?;
                let mine: Vec<String> = draw.routes.iter().take(DEMO_ROUTES_PER_CITY).map(|r| r.id.clone()).collect();
                session.assign_routes(&mine, Some(&device), When::now()).map_err(fail)?;
            }
        }
        my_routes(&session, ui_lang).map_err(fail)
    }

    pub fn fieldwork_route(state: State<'_, AppState>, id: String, ui_lang: Lang) -> Reply<RouteView> {
        state.session(ui_lang)?.route_view(&id, ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn fieldwork_walk(state: State<'_, AppState>, id: String, action: WalkAction, ui_lang: Lang) -> Reply<RouteView> {
        state.session(ui_lang)?.walk(&id, action, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn fieldwork_log_visit(state: State<'_, AppState>, key: String, visit: VisitInput, ui_lang: Lang) -> Reply<AddressView> {
        state.session(ui_lang)?.log_visit(&key, &visit, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn fieldwork_close_address(state: State<'_, AppState>, key: String, ui_lang: Lang) -> Reply<AddressView> {
        state.session(ui_lang)?.close_address(&key, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// Screening, step 1: draws one of the households at the address (stored and shown before any
    /// adult is listed; the same count again shows the stored draw).
    pub fn fieldwork_draw_household(state: State<'_, AppState>, key: String, households: u32, ui_lang: Lang) -> Reply<AddressView> {
        state.session(ui_lang)?.draw_household(&key, households, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// Screening, step 2: the drawn household's adults; the respondent is proposed under the quota.
    /// Listing again needs `rescreen_reason` (the draw is kept; flagged for the supervisor).
    pub fn fieldwork_list_adults(state: State<'_, AppState>, key: String, adults: Vec<AdultInput>, rescreen_reason: Option<String>, ui_lang: Lang) -> Reply<AddressView> {
        state
            .session(ui_lang)?
            .list_adults(&key, &adults, rescreen_reason.as_deref(), When::now(), ui_lang)
            .map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// Sets the agreed time of the appointment the last visit ended with ("2010-10-21T18:30").
    pub fn fieldwork_set_appointment(state: State<'_, AppState>, key: String, appointment: String, ui_lang: Lang) -> Reply<AddressView> {
        state.session(ui_lang)?.set_appointment(&key, &appointment, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    /// Starts (or reopens) the interview of the address's selected respondent, in `lang`.
    pub fn fieldwork_start_interview(state: State<'_, AppState>, key: String, override_line: Option<u32>, override_reason: Option<String>, lang: Lang) -> Reply<Screen> {
        state
            .session(lang)?
            .start_interview(&key, override_line, override_reason.as_deref(), lang, When::now())
            .map_err(|e| CommandError::from_session(&e, lang))
    }

    /// Records that the respondent broke the interview off: its answers stay read-only, its address
    /// gets visit 43 and its place in the route's cell is freed. Returns the address (`None` for an
    /// interview not started from a household).
    pub fn fieldwork_break_off(state: State<'_, AppState>, id: String, ui_lang: Lang) -> Reply<Option<AddressView>> {
        state.session(ui_lang)?.break_off_interview(&id, None, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
    }

    pub fn fieldwork_outcomes(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Vec<OutcomeOption>> {
        Ok(state.session(ui_lang)?.outcome_options(ui_lang))
    }

    /// The fieldwork report (`dala report --json`'s shape): attempts, completes, AAPOR rates, quotas.
    pub fn fieldwork_report(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Json> {
        let report = state.session(ui_lang)?.field_report().map_err(|e| CommandError::from_session(&e, ui_lang))?;
        serde_json::to_value(report).map_err(|_| CommandError::internal(ui_lang))
    }
}
