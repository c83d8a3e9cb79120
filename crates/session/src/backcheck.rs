//! Back-checks through the session (issue 8): the supervisor draws a seeded share of each interviewer's
//! completes (`dala_fieldwork::backcheck`, the share and the compared questions from the study's
//! `[backcheck]` settings), records what the re-contact found, and the mismatches flag the interviewer
//! on the dashboard. Draws and outcomes are journal entries of the interview, so they travel with it to
//! the coordinator.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use dala_fieldwork::backcheck::{compare, draw};
pub use dala_fieldwork::backcheck::{BackcheckOutcome, Mismatch};
use dala_store::{EventKind, InterviewStatus};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::{Session, SessionError};

/// One interview drawn for a back-check, and what was found (if recorded).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackcheckView {
    pub interview: String,
    /// Its interviewer as the dashboard names them: the route's assignee, else the device it was made on.
    pub interviewer: String,
    pub drawn_at: String,
    /// The seed of the draw that picked it (the same seed draws the same sample again).
    #[ts(type = "string | null")]
    pub seed: Option<String>,
    #[ts(type = "unknown")]
    pub outcome: Option<serde_json::Value>,
    /// Each difference: `{ item, recorded, found }` (`dala_fieldwork::backcheck::Mismatch`).
    #[ts(type = "Array<{ item: string, recorded: unknown, found: unknown }>")]
    pub mismatches: Vec<serde_json::Value>,
}

/// What the short re-interview asks, from the study's `[backcheck]` settings, worded in one language.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackcheckForm {
    /// The share of each interviewer's completes drawn (percent).
    pub share_percent: u32,
    /// The household size question, asked again.
    pub household_size: Option<BackcheckItem>,
    /// The key answers asked again.
    pub items: Vec<BackcheckItem>,
}

/// One question of the back-check: its text and, for a choice, its options.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackcheckItem {
    pub question: String,
    pub text: String,
    pub kind: dala_questionnaire::model::QuestionType,
    pub options: Vec<BackcheckChoice>,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackcheckChoice {
    #[ts(type = "number")]
    pub code: i64,
    pub label: String,
}

/// Every question the `[backcheck]` settings name must be one of the study's, outside any roster (the
/// comparison reads household-level answers): else opening the study fails, naming each.
pub(crate) fn check_questions(
    study: &dala_questionnaire::Questionnaire,
    field: Option<&crate::field::Fieldwork>,
) -> Result<(), SessionError> {
    let Some(field) = field else { return Ok(()) };
    let b = &field.settings.backcheck;
    let named = b
        .household_size
        .iter()
        .map(|q| ("backcheck.household_size".to_string(), q))
        .chain(b.compare.iter().enumerate().map(|(i, q)| (format!("backcheck.compare[{i}]"), q)));
    let mut errors = Vec::new();
    for (path, id) in named {
        let message = match study.question(id) {
            None => dala_i18n::Localized::new(
                format!("в исследовании нет вопроса {id}"),
                format!("зерттеуде {id} сұрағы жоқ"),
                format!("the study has no question {id}"),
            ),
            Some(q) if q.roster.is_some() => dala_i18n::Localized::new(
                format!("вопрос {id} задаётся в ростере; при повторном контакте сравниваются только ответы о домохозяйстве в целом"),
                format!("{id} сұрағы ростерде қойылады; қайта байланыста тек бүкіл үй шаруашылығы туралы жауаптар салыстырылады"),
                format!("question {id} is asked in a roster; a back-check compares household-level answers only"),
            ),
            Some(_) => continue,
        };
        errors.push(dala_fieldwork::settings::SettingsError { path, position: None, message });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(SessionError::Field(dala_fieldwork::FieldworkError::Settings(errors)))
    }
}

impl Session {
    /// The back-check form in `lang` (its questions are checked when the study is opened).
    pub fn backcheck_form(&self, lang: dala_questionnaire::Lang) -> Result<BackcheckForm, SessionError> {
        let settings = &self.fw()?.settings.backcheck;
        let item = |id: &str| {
            self.study.question(id).map(|q| BackcheckItem {
                question: q.id.clone(),
                text: q.text.get(lang).to_string(),
                kind: q.kind,
                options: q.options.iter().map(|o| BackcheckChoice { code: o.code, label: o.label.get(lang).to_string() }).collect(),
            })
        };
        Ok(BackcheckForm {
            share_percent: settings.share_percent,
            household_size: settings.household_size.as_deref().and_then(item),
            items: settings.compare.iter().filter_map(|id| item(id)).collect(),
        })
    }

    /// Draws the back-check sample with `seed`: for each interviewer (the device the interviews were made
    /// on), the study's share of their completes, reproducibly. Interviews drawn before stay drawn; the
    /// newly drawn are returned (and recorded in their journals).
    pub fn draw_backchecks(&mut self, seed: u64, now: DateTime<Utc>) -> Result<Vec<String>, SessionError> {
        let share = self.fw()?.settings.backcheck.share_percent;
        let completes: Vec<(String, String)> = self
            .store()
            .interviews()?
            .into_iter()
            .filter(|r| r.status == InterviewStatus::Completed)
            .map(|r| (r.device_id, r.id))
            .collect();
        let before: BTreeSet<String> = self.store().notes(EventKind::BackcheckDrawn)?.into_iter().map(|n| n.0).collect();
        let mut new = Vec::new();
        for ids in draw(&completes, share, seed).into_values() {
            for id in ids {
                if !before.contains(&id) {
                    self.store_mut().note(
                        &id,
                        EventKind::BackcheckDrawn,
                        &json!({"seed": seed, "share_percent": share}).to_string(),
                        now,
                    )?;
                    new.push(id);
                }
            }
        }
        Ok(new)
    }

    /// The interviews drawn for back-checks, with their latest outcome.
    pub fn backchecks(&self) -> Result<Vec<BackcheckView>, SessionError> {
        // The interviewer as the dashboard names them: the route's assignee, else the device.
        let assignee: BTreeMap<String, String> = self.store().routes()?.into_iter().filter_map(|r| Some((r.id, r.assigned_to?))).collect();
        let by_route: BTreeMap<String, String> =
            self.store().addresses(None)?.into_iter().filter_map(|a| Some((a.interview_id?, assignee.get(&a.route_id)?.clone()))).collect();
        let devices: BTreeMap<String, String> = self
            .store()
            .interviews()?
            .into_iter()
            .map(|r| {
                let who = by_route.get(&r.id).cloned().unwrap_or(r.device_id);
                (r.id, who)
            })
            .collect();
        let mut outcomes: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        for (id, text, _) in self.store().notes(EventKind::BackcheckRecorded)? {
            if let Ok(v) = serde_json::from_str(&text) {
                outcomes.insert(id, v);
            }
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (id, detail, at) in self.store().notes(EventKind::BackcheckDrawn)? {
            if !seen.insert(id.clone()) {
                continue;
            }
            let recorded = outcomes.get(&id);
            let seed = serde_json::from_str::<serde_json::Value>(&detail).ok().and_then(|d| d.get("seed").and_then(|s| s.as_u64()));
            out.push(BackcheckView {
                interviewer: devices.get(&id).cloned().unwrap_or_default(),
                drawn_at: at,
                seed: seed.map(|s| s.to_string()),
                outcome: recorded.and_then(|v| v.get("outcome").cloned()),
                mismatches: recorded.and_then(|v| v.get("mismatches").and_then(|m| m.as_array().cloned())).unwrap_or_default(),
                interview: id,
            });
        }
        Ok(out)
    }

    /// Records a back-check's outcome, compared with the interview's answers (the study's household size
    /// question and key answers; only questions outside rosters are compared). Returns the mismatches.
    pub fn record_backcheck(
        &mut self,
        interview: &str,
        outcome: &BackcheckOutcome,
        now: DateTime<Utc>,
    ) -> Result<Vec<Mismatch>, SessionError> {
        let settings = self.fw()?.settings.backcheck.clone();
        for q in outcome.answers.keys() {
            if self.study.question_index(q).is_none() {
                return Err(SessionError::Answer(dala_questionnaire::AnswerError::UnknownQuestion { question: q.clone() }));
            }
        }
        let recorded: BTreeMap<String, serde_json::Value> =
            self.store().answers(interview)?.into_iter().filter(|a| a.key.roster.is_empty()).map(|a| (a.key.question, a.value)).collect();
        if self.store().interview(interview).is_err() {
            return Err(SessionError::NoInterview(interview.to_string()));
        }
        let mismatches = compare(outcome, settings.household_size.as_deref(), &recorded);
        let text = json!({"outcome": outcome, "mismatches": mismatches}).to_string();
        self.store_mut().note(interview, EventKind::BackcheckRecorded, &text, now)?;
        Ok(mismatches)
    }
}
