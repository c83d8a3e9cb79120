//! The commands the UI invokes: each locks the session, calls it with the current time and
//! returns its DTO. No domain logic lives here; it all sits in `dala-session`.
//!
//! Every command that can fail takes `ui_lang`, the language the interviewer sees, so that
//! the error message arrives already translated.

use chrono::Utc;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::field::{AddressView, AdultInput, OutcomeOption, RouteSummaryView, RouteView, VisitInput, WalkAction, When};
use dala_session::{InterviewSummary, Nav, NumberReading, Screen, Session, SessionError, StudyInfo};
use serde::Serialize;
use serde_json::Value as Json;
use tauri::State;
use ts_rs::TS;

use crate::error::CommandError;
use crate::AppState;

type Reply<T> = Result<T, CommandError>;

#[tauri::command(rename_all = "snake_case")]
pub fn study_info(state: State<'_, AppState>, ui_lang: Lang) -> Reply<StudyInfo> {
    Ok(state.session(ui_lang)?.study_info())
}

#[tauri::command(rename_all = "snake_case")]
pub fn list_interviews(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Vec<InterviewSummary>> {
    state.session(ui_lang)?.list_interviews().map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn create_interview(state: State<'_, AppState>, lang: Lang) -> Reply<Screen> {
    state.session(lang)?.create_interview(lang, Utc::now()).map_err(|e| CommandError::from_session(&e, lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn open_interview(state: State<'_, AppState>, id: String, ui_lang: Lang) -> Reply<Screen> {
    state.session(ui_lang)?.open_interview(&id, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn answer(state: State<'_, AppState>, id: String, key: AnswerKey, value: Json, ui_lang: Lang) -> Reply<Screen> {
    state.session(ui_lang)?.answer(&id, key, value, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
}

/// Reads a typed number for a question by the interview language's rules (nothing is recorded):
/// the UI shows the reading under the field and records its `answer`, or shows the refusal.
#[tauri::command(rename_all = "snake_case")]
pub fn read_number(state: State<'_, AppState>, id: String, key: AnswerKey, text: String, currency: Option<String>, ui_lang: Lang) -> Reply<NumberReading> {
    state.session(ui_lang)?.read_number(&id, &key, &text, currency.as_deref()).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn clear(state: State<'_, AppState>, id: String, key: AnswerKey, ui_lang: Lang) -> Reply<Screen> {
    state.session(ui_lang)?.clear(&id, key, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn confirm(state: State<'_, AppState>, id: String, key: AnswerKey, rule: usize, ui_lang: Lang) -> Reply<Screen> {
    state.session(ui_lang)?.confirm(&id, key, rule, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn go(state: State<'_, AppState>, id: String, nav: Nav, ui_lang: Lang) -> Reply<Screen> {
    state.session(ui_lang)?.go(&id, nav, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn set_language(state: State<'_, AppState>, id: String, lang: Lang) -> Reply<Screen> {
    state.session(lang)?.set_language(&id, lang, Utc::now()).map_err(|e| CommandError::from_session(&e, lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn complete(state: State<'_, AppState>, id: String, ui_lang: Lang) -> Reply<Screen> {
    state.session(ui_lang)?.complete(&id, Utc::now()).map_err(|e| CommandError::from_session(&e, ui_lang))
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

#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_routes(state: State<'_, AppState>, ui_lang: Lang) -> Reply<MyRoutes> {
    let session = state.session(ui_lang)?;
    my_routes(&session, ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
}

/// Demo data for a fresh database: draws every city's routes with [`DEMO_SEED`] and assigns the
/// first [`DEMO_ROUTES_PER_CITY`] of each city to this device. Does nothing once any route exists.
#[tauri::command(rename_all = "snake_case")]
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

#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_route(state: State<'_, AppState>, id: String, ui_lang: Lang) -> Reply<RouteView> {
    state.session(ui_lang)?.route_view(&id, ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_walk(state: State<'_, AppState>, id: String, action: WalkAction, ui_lang: Lang) -> Reply<RouteView> {
    state.session(ui_lang)?.walk(&id, action, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_log_visit(state: State<'_, AppState>, key: String, visit: VisitInput, ui_lang: Lang) -> Reply<AddressView> {
    state.session(ui_lang)?.log_visit(&key, &visit, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_close_address(state: State<'_, AppState>, key: String, ui_lang: Lang) -> Reply<AddressView> {
    state.session(ui_lang)?.close_address(&key, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_screen(state: State<'_, AppState>, key: String, adults: Vec<AdultInput>, households: u32, ui_lang: Lang) -> Reply<AddressView> {
    state.session(ui_lang)?.screen_household(&key, &adults, households, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
}

/// Sets the agreed time of the appointment the last visit ended with ("2010-10-21T18:30").
#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_set_appointment(state: State<'_, AppState>, key: String, appointment: String, ui_lang: Lang) -> Reply<AddressView> {
    state.session(ui_lang)?.set_appointment(&key, &appointment, When::now(), ui_lang).map_err(|e| CommandError::from_session(&e, ui_lang))
}

/// Starts (or reopens) the interview of the address's selected respondent, in `lang`.
#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_start_interview(state: State<'_, AppState>, key: String, override_line: Option<u32>, override_reason: Option<String>, lang: Lang) -> Reply<Screen> {
    state
        .session(lang)?
        .start_interview(&key, override_line, override_reason.as_deref(), lang, When::now())
        .map_err(|e| CommandError::from_session(&e, lang))
}

#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_outcomes(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Vec<OutcomeOption>> {
    Ok(state.session(ui_lang)?.outcome_options(ui_lang))
}

/// The fieldwork report (`dala report --json`'s shape): attempts, completes, AAPOR rates, quotas.
#[tauri::command(rename_all = "snake_case")]
pub fn fieldwork_report(state: State<'_, AppState>, ui_lang: Lang) -> Reply<Json> {
    let report = state.session(ui_lang)?.field_report().map_err(|e| CommandError::from_session(&e, ui_lang))?;
    serde_json::to_value(report).map_err(|_| CommandError::internal(ui_lang))
}
