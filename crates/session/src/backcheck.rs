//! Back-checks through the session (issue 8): the supervisor draws a seeded share of each interviewer's
//! completes (`dala_fieldwork::backcheck`, the share and the compared questions from the study's
//! `[backcheck]` settings), records what the re-contact found, and the mismatches flag the interviewer
//! on the dashboard. Draws and outcomes are journal entries of the interview, so they travel with it to
//! the coordinator.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use dala_fieldwork::backcheck::{compare, draw, BackcheckOutcome, Mismatch};
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
    /// The device the interview was made on (its interviewer).
    pub interviewer: String,
    pub drawn_at: String,
    #[ts(type = "unknown")]
    pub outcome: Option<serde_json::Value>,
    #[ts(type = "unknown")]
    pub mismatches: Vec<serde_json::Value>,
}

impl Session {
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
        let devices: BTreeMap<String, String> = self.store().interviews()?.into_iter().map(|r| (r.id, r.device_id)).collect();
        let mut outcomes: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        for (id, text, _) in self.store().notes(EventKind::BackcheckRecorded)? {
            if let Ok(v) = serde_json::from_str(&text) {
                outcomes.insert(id, v);
            }
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (id, _, at) in self.store().notes(EventKind::BackcheckDrawn)? {
            if !seen.insert(id.clone()) {
                continue;
            }
            let recorded = outcomes.get(&id);
            out.push(BackcheckView {
                interviewer: devices.get(&id).cloned().unwrap_or_default(),
                drawn_at: at,
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
