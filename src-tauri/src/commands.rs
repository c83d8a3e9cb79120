//! The commands the UI invokes: each locks the session, calls it with the current time and
//! returns its DTO. No domain logic lives here; it all sits in `dala-session`.
//!
//! Every command that can fail takes `ui_lang`, the language the interviewer sees, so that
//! the error message arrives already translated.

use chrono::Utc;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::{InterviewSummary, Nav, Screen, StudyInfo};
use serde_json::Value as Json;
use tauri::State;

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
