//! A unit of work: several writes committed together in one SQLite transaction, or none of them.
//!
//! Every change the store makes goes through a [`Batch`]: `Store::batch(now)` opens a
//! `BEGIN IMMEDIATE` transaction, the batch's methods write rows and their journal entries, and
//! [`Batch::commit`] makes them durable at once. A batch dropped without a commit (an error on the
//! way, a crash) leaves the database exactly as it was. The single-write methods of [`Store`] are a
//! batch of one; the session uses longer batches where one user action touches several tables
//! (an interview started from a household, a complete that closes its address and counts its quota).
//!
//! For tests, the store can make the n-th write fail (see `Store::fail_write_after`, behind the
//! `fault-injection` feature): every statement a batch executes and its commit are write points, so a
//! test can stop an action between any two of its steps and check that nothing is half-written.

use std::cell::Cell;

use rusqlite::{params, OptionalExtension, Params, Transaction, TransactionBehavior};
use serde_json::Value as Json;

use crate::{roster_text, ts, EventKind, Result, Store, StoreError};

/// The write points left before an injected failure (`None`: no failure planned).
#[derive(Debug, Default)]
pub(crate) struct Faults {
    countdown: Cell<Option<u32>>,
}

impl Faults {
    /// Called before every write: fails (once) when the planned write is reached.
    fn check(&self) -> Result<()> {
        match self.countdown.get() {
            None => Ok(()),
            Some(0) => {
                self.countdown.set(None);
                Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
                    Some("injected fault".into()),
                )))
            }
            Some(n) => {
                self.countdown.set(Some(n - 1));
                Ok(())
            }
        }
    }
}

#[cfg(any(test, feature = "fault-injection"))]
impl Store {
    /// Makes the write after the next `n` writes fail with an I/O error (`0`: the very next one), as
    /// a crash or a full disk would. Writes are the statements of a batch and its commit.
    pub fn fail_write_after(&self, n: u32) {
        self.faults.countdown.set(Some(n));
    }

    /// Whether a planned failure has not been reached yet (and cancels it).
    pub fn cancel_fault(&self) -> bool {
        self.faults.countdown.replace(None).is_some()
    }
}

/// A supervisor's decision on an interview.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Review {
    Approve,
    Reject,
}

/// Several writes in one transaction; see the module documentation.
pub struct Batch<'s> {
    pub(crate) tx: Transaction<'s>,
    pub(crate) device_id: &'s str,
    /// The time of the whole action, stamped on every row and journal entry it writes.
    pub(crate) at: String,
    faults: &'s Faults,
    clock: &'s mut dala_merge::Clock,
    wall_ms: u64,
    /// The clock reading of the action: the `changed` of every row it writes.
    pub(crate) changed: String,
    /// The version of every row it writes (`<changed>@<device>`).
    pub(crate) ver: String,
    /// This device's journals' positions while the batch runs, and where they go on commit.
    pub(crate) chains: crate::audit::Chains,
    committed: &'s mut crate::audit::Chains,
}

impl Store {
    /// Opens a unit of work stamped with `now`; nothing is visible to others before [`Batch::commit`].
    pub fn batch(&mut self, now: chrono::DateTime<chrono::Utc>) -> Result<Batch<'_>> {
        self.ensure_file()?;
        let Store { conn, device_id, faults, clock, chains, .. } = self;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let wall_ms = crate::wall_ms(now);
        let tick = clock.tick(wall_ms);
        let changed = tick.to_string();
        let ver = format!("{changed}@{device_id}");
        Ok(Batch { tx, device_id, at: ts(now), faults, clock, wall_ms, changed, ver, chains: *chains, committed: chains })
    }
}

impl Batch<'_> {
    /// Executes one write (a fault-injection point). The statement is prepared once per connection and
    /// kept (rusqlite's statement cache): parsing the SQL was half the cost of an answer (issue 7 profile).
    pub(crate) fn exec<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.faults.check()?;
        Ok(self.tx.prepare_cached(sql)?.execute(params)?)
    }

    /// Makes every write of the batch durable at once (a fault-injection point too).
    pub fn commit(self) -> Result<()> {
        self.faults.check()?;
        self.tx.commit()?;
        *self.committed = self.chains;
        Ok(())
    }

    pub(crate) fn journal(
        &mut self,
        interview: &str,
        kind: EventKind,
        key: Option<&crate::AnswerKey>,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        self.journal_with(interview, kind, key, old, new, None).map(|_| ())
    }

    /// Appends a journal entry with this device's next number and its own clock stamp; an answer change
    /// names the versions it replaced (`replaces`, a JSON list).
    pub(crate) fn journal_with(
        &mut self,
        interview: &str,
        kind: EventKind,
        key: Option<&crate::AnswerKey>,
        old: Option<&str>,
        new: Option<&str>,
        replaces: Option<&str>,
    ) -> Result<String> {
        let hlc = self.clock.tick(self.wall_ms).to_string();
        let dseq = self.chains.next_dseq;
        // A time-ordered id (UUID v7): still unique across devices, and each new entry lands at the end of
        // the id index instead of on a random page of it.
        let id = uuid::Uuid::now_v7().to_string();
        let question = key.map(|k| k.question.as_str());
        let roster = key.map(roster_text);
        let prev = self.chains.journal_head;
        let hash = crate::audit::journal_link(
            &prev,
            &crate::audit::JournalFields {
                id: &id,
                device: self.device_id,
                dseq: dseq as i64,
                hlc: &hlc,
                interview,
                at: &self.at,
                kind: kind.as_str(),
                question,
                roster: roster.as_deref(),
                old,
                new,
                replaces,
            },
        );
        self.exec(
            "INSERT INTO journal (id, interview_id, device_id, at, kind, question, roster, old_value, new_value, dseq, hlc, replaces, changed, prev, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?13, ?14)",
            params![id, interview, self.device_id, self.at, kind.as_str(), question, roster, old, new, dseq as i64, hlc, replaces, dala_merge::chain::to_hex(&prev), dala_merge::chain::to_hex(&hash)],
        )?;
        self.chains.next_dseq += 1;
        self.chains.journal_head = hash;
        Ok(format!("{hlc}@{}", self.device_id))
    }

    /// The versions an answer change replaces: the answer's heads when they are recorded (cleared, or
    /// in conflict after a merge; then they are removed, as the change settles them), else the stored
    /// answer's version. A JSON list of version texts.
    fn heads_replaced(&self, interview: &str, question: &str, roster: &str) -> Result<String> {
        let mut heads: Vec<String> = self
            .tx
            .prepare_cached("SELECT ver FROM answer_heads WHERE interview_id = ?1 AND question = ?2 AND roster = ?3")?
            .query_map(params![interview, question, roster], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if heads.is_empty() {
            let ver: Option<Option<String>> = self
                .tx
                .prepare_cached("SELECT ver FROM answers WHERE interview_id = ?1 AND question = ?2 AND roster = ?3")?
                .query_row(params![interview, question, roster], |r| r.get(0))
                .optional()?;
            heads.extend(ver.flatten());
        } else {
            self.exec(
                "DELETE FROM answer_heads WHERE interview_id = ?1 AND question = ?2 AND roster = ?3",
                params![interview, question, roster],
            )?;
        }
        Ok(serde_json::to_string(&heads).expect("a list of texts serializes"))
    }

    fn touch(&self, interview: &str) -> Result<()> {
        let n = self.exec(
            "UPDATE interviews SET updated_at = ?2, ver = ?3, changed = ?4 WHERE id = ?1",
            params![interview, self.at, self.ver, self.changed],
        )?;
        if n == 0 {
            return Err(StoreError::NoInterview(interview.to_string()));
        }
        Ok(())
    }

    /// Creates an interview in progress and returns its new id.
    pub fn create_interview(&mut self, study_id: &str, study_version: &str, language: &str) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        self.exec(
            "INSERT INTO interviews (id, study_id, study_version, status, language, device_id, created_at, updated_at, ver, changed) VALUES (?1, ?2, ?3, 'in_progress', ?4, ?5, ?6, ?6, ?7, ?8)",
            params![id, study_id, study_version, language, self.device_id, self.at, self.ver, self.changed],
        )?;
        self.journal(&id, EventKind::InterviewCreated, None, None, Some(language))?;
        Ok(id)
    }

    /// Stores an answer with its journal entry and makes it the interview's position.
    pub fn save_answer(&mut self, interview: &str, key: &crate::AnswerKey, value: &Json, previous: Option<&Json>) -> Result<()> {
        let new = value.to_string();
        let old = previous.map(|p| p.to_string());
        let roster = roster_text(key);
        // The interview's time and position in one statement (it also proves the interview exists).
        let n = self.exec(
            "UPDATE interviews SET updated_at = ?2, position_question = ?3, position_roster = ?4, ver = ?5, changed = ?6 WHERE id = ?1",
            params![interview, self.at, key.question, roster, self.ver, self.changed],
        )?;
        if n == 0 {
            return Err(StoreError::NoInterview(interview.to_string()));
        }
        let replaces = self.heads_replaced(interview, &key.question, &roster)?;
        let kind = if previous.is_some() { EventKind::AnswerChanged } else { EventKind::AnswerSet };
        let ver = self.journal_with(interview, kind, Some(key), old.as_deref(), Some(&new), Some(&replaces))?;
        self.exec(
            "INSERT INTO answers (interview_id, question, roster, value, answered_at, ver) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (interview_id, question, roster) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at, ver = excluded.ver",
            params![interview, key.question, roster, new, self.at, ver],
        )?;
        // A changed answer needs its soft warnings confirmed again.
        self.exec(
            "DELETE FROM confirmations WHERE interview_id = ?1 AND question = ?2 AND roster = ?3",
            params![interview, key.question, roster],
        )?;
        Ok(())
    }

    /// A supervisor's decision on an answer in conflict: the chosen value, as one entry replacing every
    /// head (so the conflict ends wherever the entry arrives).
    pub fn resolve_conflict(&mut self, interview: &str, key: &crate::AnswerKey, value: &Json) -> Result<()> {
        self.touch(interview)?;
        let roster = roster_text(key);
        let old: Option<String> = self
            .tx
            .prepare_cached("SELECT value FROM answers WHERE interview_id = ?1 AND question = ?2 AND roster = ?3")?
            .query_row(params![interview, key.question, roster], |r| r.get(0))
            .optional()?;
        let replaces = self.heads_replaced(interview, &key.question, &roster)?;
        let new = value.to_string();
        let ver = self.journal_with(interview, EventKind::ConflictResolved, Some(key), old.as_deref(), Some(&new), Some(&replaces))?;
        self.exec(
            "INSERT INTO answers (interview_id, question, roster, value, answered_at, ver) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (interview_id, question, roster) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at, ver = excluded.ver",
            params![interview, key.question, roster, new, self.at, ver],
        )?;
        Ok(())
    }

    /// A note in the interview's journal that changes no answer (a back-check drawn or recorded).
    /// The interview row is not rewritten (its version stays), so a note never outranks a concurrent
    /// change of the interview made on its interviewer's device.
    pub fn note(&mut self, interview: &str, kind: EventKind, text: &str) -> Result<()> {
        self.must_exist(interview)?;
        self.journal(interview, kind, None, None, Some(text))
    }

    fn must_exist(&self, interview: &str) -> Result<()> {
        let found: Option<i64> =
            self.tx.prepare_cached("SELECT 1 FROM interviews WHERE id = ?1")?.query_row([interview], |r| r.get(0)).optional()?;
        found.map(|_| ()).ok_or_else(|| StoreError::NoInterview(interview.to_string()))
    }

    /// A reviewer's comment on an answer (or on the whole interview with `key` = `None`): a journal
    /// entry, so it travels with the interview and its history is kept.
    pub fn review_comment(&mut self, interview: &str, key: Option<&crate::AnswerKey>, text: &str) -> Result<()> {
        self.must_exist(interview)?;
        self.journal(interview, EventKind::ReviewComment, key, None, Some(text))
    }

    /// A supervisor's decision on a completed interview. Approving marks it approved; rejecting sends it
    /// back: it is in progress again (its address stays closed and counted), marked rejected, with the
    /// reason in the journal, until its interviewer completes it again (then it is `corrected`).
    pub fn review(&mut self, interview: &str, decision: Review, reason: Option<&str>) -> Result<()> {
        self.touch(interview)?;
        let (sql, kind) = match decision {
            Review::Approve => {
                ("UPDATE interviews SET review = 'approved' WHERE id = ?1 AND status = 'completed'", EventKind::InterviewApproved)
            }
            Review::Reject => (
                "UPDATE interviews SET review = 'rejected', status = 'in_progress' WHERE id = ?1 AND status = 'completed'",
                EventKind::InterviewRejected,
            ),
        };
        if self.exec(sql, params![interview])? == 0 {
            return Err(StoreError::NotCompleted(interview.to_string()));
        }
        self.journal(interview, kind, None, None, reason)
    }

    pub fn clear_answer(&mut self, interview: &str, key: &crate::AnswerKey, previous: &Json) -> Result<()> {
        self.touch(interview)?;
        let roster = roster_text(key);
        let replaces = self.heads_replaced(interview, &key.question, &roster)?;
        self.exec(
            "DELETE FROM answers WHERE interview_id = ?1 AND question = ?2 AND roster = ?3",
            params![interview, key.question, roster],
        )?;
        self.exec(
            "DELETE FROM confirmations WHERE interview_id = ?1 AND question = ?2 AND roster = ?3",
            params![interview, key.question, roster],
        )?;
        let ver = self.journal_with(interview, EventKind::AnswerCleared, Some(key), Some(&previous.to_string()), None, Some(&replaces))?;
        // The clearing is the answer's one head: a later answer replaces it (docs/sync.md).
        self.exec(
            "INSERT INTO answer_heads (interview_id, question, roster, ver, value) VALUES (?1, ?2, ?3, ?4, NULL)",
            params![interview, key.question, roster, ver],
        )?;
        Ok(())
    }

    pub fn confirm_warning(&mut self, interview: &str, key: &crate::AnswerKey, rule: usize) -> Result<()> {
        self.touch(interview)?;
        self.exec(
            "INSERT OR REPLACE INTO confirmations (interview_id, question, roster, rule, confirmed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![interview, key.question, roster_text(key), rule as i64, self.at],
        )?;
        self.journal(interview, EventKind::WarningConfirmed, Some(key), None, Some(&rule.to_string()))
    }

    pub fn set_language(&mut self, interview: &str, language: &str) -> Result<()> {
        let old: String = self
            .tx
            .query_row("SELECT language FROM interviews WHERE id = ?1", [interview], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NoInterview(interview.to_string()))?;
        if old != language {
            self.exec(
                "UPDATE interviews SET language = ?2, updated_at = ?3, ver = ?4, changed = ?5 WHERE id = ?1",
                params![interview, language, self.at, self.ver, self.changed],
            )?;
            self.journal(interview, EventKind::LanguageSwitched, None, Some(&old), Some(language))?;
        }
        Ok(())
    }

    pub fn record_opened(&mut self, interview: &str) -> Result<()> {
        self.touch(interview)?;
        self.journal(interview, EventKind::InterviewOpened, None, None, None)
    }

    /// Marks an interview completed. Only an interview in progress can be: a completed one stays as it
    /// is ([`StoreError::NotInProgress`]), so a retried completion cannot count twice.
    pub fn complete(&mut self, interview: &str) -> Result<()> {
        self.set_final_status(interview, "completed", EventKind::InterviewCompleted)
    }

    /// Marks an interview broken off: its answers stay, it takes no more (see `InterviewStatus`).
    pub fn break_off(&mut self, interview: &str) -> Result<()> {
        self.set_final_status(interview, "broken_off", EventKind::InterviewBrokenOff)
    }

    /// Marks an interview refused: the respondent declined it (see `InterviewStatus::Refused`).
    pub fn refuse(&mut self, interview: &str) -> Result<()> {
        self.set_final_status(interview, "refused", EventKind::InterviewRefused)
    }

    fn set_final_status(&mut self, interview: &str, status: &str, kind: EventKind) -> Result<()> {
        self.touch(interview)?;
        let completed_at = (status == "completed").then_some(self.at.as_str());
        // Completing an interview its supervisor rejected marks it corrected (for the next review).
        let n = self.exec(
            "UPDATE interviews SET status = ?2, completed_at = coalesce(?3, completed_at),
                review = CASE WHEN review = 'rejected' AND ?2 = 'completed' THEN 'corrected' ELSE review END
             WHERE id = ?1 AND status = 'in_progress'",
            params![interview, status, completed_at],
        )?;
        if n == 0 {
            return Err(StoreError::NotInProgress(interview.to_string()));
        }
        self.journal(interview, kind, None, None, None)
    }
}
