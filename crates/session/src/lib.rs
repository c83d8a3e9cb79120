//! An interviewing session: one study, the interview engine and the local store behind one API.
//!
//! The desktop shell and the `dala` CLI both drive interviews through [`Session`], so a scripted
//! interview and a tapped one take exactly the same path. The session owns the ordering that makes
//! answers durable: the engine checks and applies an answer, the store commits it (with its journal
//! entry) and only then does the call return; if the commit fails, the engine change is undone.
//! An action that writes several things (completing an interview started from a household: its
//! status, the address's closure and the quota count) writes them in one store [`dala_store::Batch`],
//! and the session's own state changes only after that commit.
//!
//! Times are passed in (`now`), so tests replay exactly.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use dala_questionnaire::answer::RowPath;
use dala_questionnaire::client::{self, BlockView, IssueView, QuestionView, RosterView};
use dala_questionnaire::engine::{slot_of, Interview, Slot};
use dala_questionnaire::load::{self, Diagnostic, Loaded, Severity, StudySource};
use dala_questionnaire::model::{AutoKind, EndOutcome, Question, QuestionType};
use dala_questionnaire::number::{currency_sign, editable_number, format_amount, format_number, read_number};
use dala_questionnaire::{Answer, AnswerError, AnswerKey, Lang, Questionnaire};
use dala_store::{InterviewStatus, Store, StoreError};

pub mod autofill;
pub mod backcheck;
pub mod dashboard;
mod error;
pub mod export;
pub mod field;
pub mod report_data;
pub mod sync;
pub mod users;
pub mod vault;
pub mod weights;
pub use error::{ErrorKind, SessionError};

/// Reads a study from a folder on disk.
pub struct DirSource(pub PathBuf);

impl StudySource for DirSource {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }
}

/// Loads and checks a study folder, returning every diagnostic.
pub fn check_study(dir: &Path) -> Loaded {
    load::load_with_coverage(&DirSource(dir.to_path_buf()))
}

/// Loads a study folder, failing with all its errors if it has any.
pub fn load_study(dir: &Path) -> Result<Questionnaire, SessionError> {
    if !dir.join("study.toml").is_file() {
        return Err(SessionError::StudyNotFound(dir.display().to_string()));
    }
    let loaded = check_study(dir);
    match loaded.questionnaire {
        Some(q) => Ok(q),
        None => {
            Err(SessionError::Study(loaded.diagnostics.into_iter().filter(|d| d.severity == Severity::Error).collect::<Vec<Diagnostic>>()))
        }
    }
}

/// Where the interviewer asks to go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
#[ts(export)]
pub enum Nav {
    Next,
    Previous,
    To(AnswerKey),
    /// The completion view: every open issue.
    Issues,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct StudyInfo {
    pub id: String,
    pub version: String,
    pub titles: BTreeMap<Lang, String>,
    pub languages: Vec<Lang>,
    pub default_language: Lang,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct InterviewSummary {
    pub id: String,
    pub status: InterviewStatus,
    /// The supervisor's review: `approved`, `rejected` (sent back: correct it) or `corrected`.
    pub review: Option<String>,
    pub language: Lang,
    pub created_at: String,
    pub updated_at: String,
    pub answered: u32,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct InterviewHeader {
    pub id: String,
    pub status: InterviewStatus,
    pub language: Lang,
    pub study_title: String,
    /// The route whose household the interview was started from (random-route fieldwork): the
    /// interview can be broken off there and "back" leads to it. `None` for an interview on its own.
    pub route: Option<String>,
    /// The supervisor's review (`approved`, `rejected`, `corrected`) and notes: a rejected interview
    /// reopens on its interviewer's device with the comments shown at the questions concerned.
    pub review: Option<String>,
    pub notes: Vec<ReviewNoteView>,
}

/// A reviewer's note, for the interview screen.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewNoteView {
    /// `review_comment`, `interview_rejected` or `interview_approved`.
    pub kind: String,
    /// The question commented on (none: the whole interview) and its roster rows.
    pub question: Option<String>,
    pub roster: Vec<u32>,
    pub text: String,
    pub at: String,
}

/// Everything the interview screen shows, in the interview language.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct Screen {
    pub interview: InterviewHeader,
    /// `None`: past the last question, on the completion view.
    pub current: Option<QuestionView>,
    pub blocks: Vec<BlockView>,
    /// What stands between the interview and its completion (errors, invalid answers, warnings,
    /// unanswered questions), listed on the completion view only (`current` is `None`): on a question
    /// screen it is empty, since the list grows with the household (347 entries, 71 KB of every tap's
    /// reply at 30 members, against 3 KB for the rest) and only the completion view shows it. [`Screen::issue_count`] counts them
    /// everywhere.
    pub issues: Vec<IssueView>,
    /// How many issues are open (on every screen).
    pub issue_count: u32,
    pub roster: Option<RosterView>,
    pub can_previous: bool,
    pub can_next: bool,
    pub can_complete: bool,
    /// The current question's stored number as the interviewer reads it (numeric questions only).
    pub current_number: Option<NumberReading>,
    /// The current question's suggested number (prefill), formatted the same way.
    pub suggested_number: Option<NumberReading>,
}

/// A number read for one question in the interview language: what will be stored and how it reads.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NumberReading {
    /// The value.
    pub value: f64,
    /// The answer to record, in its JSON form: a number, or `{ "amount": …, "currency": … }` for money.
    #[ts(type = "number | { amount: number, currency: string }")]
    pub answer: Json,
    /// The value as it is typed in the interview language ("150 000,5", "150,000.5"): read again,
    /// it gives the same value.
    pub text: String,
    /// The read-back shown under the field, with the currency sign for money: "150 000 ₸".
    pub display: String,
}

/// Integer, year and scale answers take no decimal mark.
fn is_whole(kind: QuestionType) -> bool {
    matches!(kind, QuestionType::Integer | QuestionType::Year | QuestionType::Scale)
}

/// How `value` reads for `question` in `lang`; `currency` only matters for money (default: the
/// question's first currency).
fn number_reading(question: &Question, value: f64, currency: Option<&str>, lang: Lang) -> NumberReading {
    let whole = is_whole(question.kind);
    // Years are written as they are ("2010"); amounts and counts with their thousands grouped.
    let grouped = question.kind != QuestionType::Year;
    let text = editable_number(value, lang, grouped, whole);
    let (answer, display) = match question.kind {
        QuestionType::Money => {
            let currency = currency.map(str::to_string).or_else(|| question.currencies.first().cloned()).unwrap_or_else(|| "KZT".into());
            let display = format!("{}\u{a0}{}", format_amount(value, lang), currency_sign(&currency));
            (serde_json::json!({ "amount": value, "currency": currency }), display)
        }
        _ if whole => (Json::from(value as i64), format_number(value, lang, grouped)),
        _ => (serde_json::json!(value), format_number(value, lang, grouped)),
    };
    NumberReading { value, answer, text, display }
}

/// The numbers the screen shows for the current question: its stored value and its suggestion.
fn numbers_of(
    q: &Questionnaire,
    iv: &Interview,
    slot: Slot,
    prefill: Option<&Json>,
    lang: Lang,
) -> (Option<NumberReading>, Option<NumberReading>) {
    let question = &q.questions[slot.question];
    if !matches!(
        question.kind,
        QuestionType::Integer | QuestionType::Year | QuestionType::Scale | QuestionType::Decimal | QuestionType::Money
    ) {
        return (None, None);
    }
    let stored = match iv.answer(&slot) {
        Some(Answer::Int(n)) => Some(number_reading(question, *n as f64, None, lang)),
        Some(Answer::Number(x)) => Some(number_reading(question, *x, None, lang)),
        Some(Answer::Money { amount, currency }) => Some(number_reading(question, *amount, Some(currency), lang)),
        _ => None,
    };
    let suggested = match prefill {
        Some(Json::Number(n)) => n.as_f64().map(|x| number_reading(question, x, None, lang)),
        Some(Json::Object(m)) => {
            m.get("amount").and_then(Json::as_f64).map(|x| number_reading(question, x, m.get("currency").and_then(Json::as_str), lang))
        }
        _ => None,
    };
    (stored, suggested)
}

/// The position marker stored for "on the completion view".
const END: &str = "$end";

struct Open {
    engine: Interview,
    language: Lang,
    status: InterviewStatus,
    /// `None` = on the completion view.
    position: Option<Slot>,
    /// Values fieldwork knows for questions not yet askable (Q113 before the roster exists):
    /// shown as the suggested answer when the question comes up.
    presets: HashMap<AnswerKey, Json>,
    /// The route of the household it was started from, if any (shown in the header).
    route: Option<String>,
    /// The review state and notes, read when the interview is opened.
    review: (Option<String>, Vec<ReviewNoteView>),
}

pub struct Session {
    study: Questionnaire,
    store: Store,
    open: HashMap<String, Open>,
    /// The study's random-route fieldwork, when it has one.
    field: Option<field::Fieldwork>,
    /// The database file (`None` in memory): its folder holds the sync keys by default.
    db_path: Option<PathBuf>,
    /// The study folder (`None` for a study given in parts): exports read its `export.toml`.
    study_dir: Option<PathBuf>,
}

impl Session {
    /// Loads the study and opens (creating or upgrading) the database.
    pub fn open(study_dir: &Path, db_path: &Path) -> Result<Session, SessionError> {
        Session::open_with(study_dir, db_path, dala_store::Durability::Full)
    }

    /// [`Session::open`] with a chosen durability (see `dala_store::Durability`).
    pub fn open_with(study_dir: &Path, db_path: &Path, durability: dala_store::Durability) -> Result<Session, SessionError> {
        Session::open_keyed(study_dir, db_path, durability, None)
    }

    /// [`Session::open_with`] of a database encrypted with `key` (see [`vault`]; `None`: a plain one).
    pub fn open_keyed(
        study_dir: &Path,
        db_path: &Path,
        durability: dala_store::Durability,
        key: Option<&dala_sync::DbKey>,
    ) -> Result<Session, SessionError> {
        let study = load_study(study_dir)?;
        if let Some(parent) = db_path.parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                std::fs::create_dir_all(parent).map_err(|e| SessionError::Io(format!("{}: {e}", parent.display())))?;
            }
        }
        let field = field::load_fieldwork(study_dir)?;
        backcheck::check_questions(&study, field.as_ref())?;
        let store = Store::open_keyed(db_path, durability, Utc::now(), key.map(|k| k.as_bytes()))?;
        Ok(Session {
            study,
            store,
            open: HashMap::new(),
            field,
            db_path: Some(db_path.to_path_buf()),
            study_dir: Some(study_dir.to_path_buf()),
        })
    }

    pub fn with_parts(study: Questionnaire, store: Store) -> Session {
        Session { study, store, open: HashMap::new(), field: None, db_path: None, study_dir: None }
    }

    /// Adds the study's fieldwork (see [`field::load_fieldwork`]).
    pub fn with_fieldwork(mut self, field: Option<field::Fieldwork>) -> Session {
        self.field = field;
        self
    }

    pub fn study(&self) -> &Questionnaire {
        &self.study
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The database file (`None` in memory).
    pub fn db_path(&self) -> Option<&Path> {
        self.db_path.as_deref()
    }

    /// The key of an encrypted database.
    pub fn db_key(&self) -> Option<dala_sync::DbKey> {
        self.store.key().map(|k| dala_sync::DbKey::from_bytes(*k))
    }

    /// Encrypts this session's plain database in place with `key` and goes on with it (the app does so
    /// when its first user is set up; the keyring holding `key` must be written first, see [`vault`]).
    pub fn encrypt(&mut self, key: &dala_sync::DbKey) -> Result<(), SessionError> {
        Ok(self.store.encrypt(key.as_bytes())?)
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn study_info(&self) -> StudyInfo {
        StudyInfo {
            id: self.study.id.clone(),
            version: self.study.version.clone(),
            titles: Lang::ALL.iter().map(|l| (*l, self.study.title.get(*l).to_string())).collect(),
            languages: self.study.languages.clone(),
            default_language: self.study.default_language,
        }
    }

    pub fn list_interviews(&self) -> Result<Vec<InterviewSummary>, SessionError> {
        Ok(self
            .store
            .interviews()?
            .into_iter()
            .filter(|r| r.study_id == self.study.id)
            .map(|r| InterviewSummary {
                language: Lang::parse(&r.language).unwrap_or(self.study.default_language),
                id: r.id,
                status: r.status,
                review: r.review,
                created_at: r.created_at,
                updated_at: r.updated_at,
                answered: r.answers,
            })
            .collect())
    }

    pub fn create_interview(&mut self, lang: Lang, now: DateTime<Utc>) -> Result<Screen, SessionError> {
        let id = self.create(lang, now)?;
        self.screen(&id)
    }

    /// Creates an interview and returns its id (no screen: for scripts). The values the study has
    /// the session record (`auto`: the interview date and start time in local time, visit number 1)
    /// are stored in the same transaction.
    pub fn create(&mut self, lang: Lang, now: DateTime<Utc>) -> Result<String, SessionError> {
        self.check_language(lang)?;
        self.store.checkpoint()?;
        let q = &self.study;
        let mut engine = Interview::new(q);
        let autos = auto_start(q, &mut engine, local_of(now), 1);
        let mut batch = self.store.batch(now)?;
        let id = batch.create_interview(&q.id, &q.version, lang.code())?;
        for (k, json, previous) in &autos {
            batch.save_answer(&id, k, json, previous.as_ref())?;
        }
        batch.commit()?;
        let position = engine.next(&self.study, None);
        self.open.insert(
            id.clone(),
            Open {
                engine,
                language: lang,
                status: InterviewStatus::InProgress,
                position,
                presets: HashMap::new(),
                route: None,
                review: (None, Vec::new()),
            },
        );
        Ok(id)
    }

    fn check_language(&self, lang: Lang) -> Result<(), SessionError> {
        if self.study.languages.contains(&lang) {
            Ok(())
        } else {
            Err(SessionError::Language(lang.code().to_string()))
        }
    }

    /// Opens an interview from the store (after a restart it resumes at the last answer).
    pub fn open_interview(&mut self, id: &str, now: DateTime<Utc>) -> Result<Screen, SessionError> {
        self.store.checkpoint()?;
        self.load(id)?;
        self.store.record_opened(id, now)?;
        self.screen(id)
    }

    fn load(&mut self, id: &str) -> Result<(), SessionError> {
        if self.open.contains_key(id) {
            return Ok(());
        }
        let row = self.store.interview(id).map_err(|e| match e {
            StoreError::NoInterview(i) => SessionError::NoInterview(i),
            other => other.into(),
        })?;
        if row.study_id != self.study.id {
            return Err(SessionError::OtherStudy { interview: row.study_id, loaded: self.study.id.clone() });
        }
        let q = &self.study;
        let mut answers = Vec::new();
        for a in self.store.answers(id)? {
            // An answer the current study version cannot read stays in the database untouched.
            if let Ok(slot) = slot_of(q, &a.key) {
                if let Ok(ans) = Answer::from_json(&q.questions[slot.question], &a.value) {
                    answers.push((slot, ans));
                }
            }
        }
        let confirmed: Vec<(Slot, usize)> =
            self.store.confirmations(id)?.into_iter().filter_map(|(k, r)| slot_of(q, &k).ok().map(|s| (s, r))).collect();
        let engine = Interview::restore(q, answers, confirmed);
        let position = match &row.position {
            Some(k) if k.question == END => None,
            Some(k) => slot_of(q, k).ok().or_else(|| engine.first_unanswered(q)),
            None => engine.next(q, None),
        };
        let language = Lang::parse(&row.language).unwrap_or(q.default_language);
        let presets = self.presets_of_interview(id)?.into_iter().collect();
        let route = self.store.address_of_interview(id)?.map(|a| a.route_id);
        let review = self.review_view(id)?;
        self.open.insert(id.to_string(), Open { engine, language, status: row.status, position, presets, route, review });
        Ok(())
    }

    fn get(&mut self, id: &str) -> Result<&mut Open, SessionError> {
        self.load(id)?;
        self.open.get_mut(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))
    }

    /// Records an answer durably without building a screen (for scripts and benchmarks).
    pub fn record(&mut self, id: &str, key: &AnswerKey, value: &Json, now: DateTime<Utc>) -> Result<(), SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get_mut(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        writable(open.status)?;
        let slot = slot_of(q, key)?;
        let question = &q.questions[slot.question];
        if question.auto.is_some() {
            return Err(SessionError::AutoQuestion(question.id.clone()));
        }
        let answer = Answer::from_json(question, value)?;
        // An answer that ends the interview is recorded only with the interviewer's confirmation
        // (`end_interview`), together with the end itself.
        if let Some(outcome) = open.engine.ends_with(q, &slot, &answer) {
            if open.engine.is_relevant(&slot) {
                return Err(SessionError::EndsInterview { question: question.id.clone(), outcome });
            }
        }
        let json = answer.to_json();
        let applied = open.engine.apply(q, slot, answer)?;
        let previous = applied.previous.as_ref().map(Answer::to_json);
        if previous.as_ref() == Some(&json) {
            open.position = Some(slot);
            return Ok(());
        }
        if let Err(e) = self.store.save_answer(id, key, &json, previous.as_ref(), now) {
            // Undo the engine change: the screen must never show an answer the disk does not have.
            match applied.previous {
                Some(p) => {
                    let _ = open.engine.apply(q, slot, p);
                }
                None => {
                    open.engine.clear(q, slot);
                }
            }
            return Err(e.into());
        }
        open.position = Some(slot);
        Ok(())
    }

    /// Reads a number typed for a question of an interview, by the rules of the interview language
    /// (`dala_questionnaire::number`), without recording it: the interface shows the reading
    /// ("= 150 000 ₸") and records `answer` only if the text was read. `currency` is the one chosen
    /// for a money question. Ambiguous or malformed text is refused with a message saying how to
    /// type it; the question's range is checked when the answer is recorded.
    pub fn read_number(&mut self, id: &str, key: &AnswerKey, text: &str, currency: Option<&str>) -> Result<NumberReading, SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        let question = &q.questions[slot_of(q, key)?.question];
        if !question.kind.is_numeric() {
            return Err(AnswerError::WrongType { question: question.id.clone(), expected: question.kind }.into());
        }
        let value = read_number(text, open.language, is_whole(question.kind))?;
        Ok(number_reading(question, value, currency, open.language))
    }

    pub fn answer(&mut self, id: &str, key: AnswerKey, value: Json, now: DateTime<Utc>) -> Result<Screen, SessionError> {
        self.record(id, &key, &value, now)?;
        self.screen(id)
    }

    pub fn clear(&mut self, id: &str, key: AnswerKey, now: DateTime<Utc>) -> Result<Screen, SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get_mut(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        writable(open.status)?;
        let slot = slot_of(q, &key)?;
        if q.questions[slot.question].auto.is_some() {
            return Err(SessionError::AutoQuestion(key.question.clone()));
        }
        if let Some(previous) = open.engine.answer(&slot).cloned() {
            self.store.clear_answer(id, &key, &previous.to_json(), now)?;
            open.engine.clear(q, slot);
        }
        self.screen(id)
    }

    pub fn confirm(&mut self, id: &str, key: AnswerKey, rule: usize, now: DateTime<Utc>) -> Result<Screen, SessionError> {
        self.confirm_only(id, &key, rule, now)?;
        self.screen(id)
    }

    pub fn confirm_only(&mut self, id: &str, key: &AnswerKey, rule: usize, now: DateTime<Utc>) -> Result<(), SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get_mut(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        let slot = slot_of(q, key)?;
        if !open.engine.failing(&slot).contains(&rule) || open.engine.is_confirmed(&slot, rule) {
            return Ok(());
        }
        if !open.engine.confirm(q, slot, rule) {
            return Err(SessionError::NotAWarning);
        }
        self.store.confirm_warning(id, key, rule, now)?;
        Ok(())
    }

    /// Failing, unconfirmed soft warnings of one answer (for scripts that confirm them).
    pub fn open_warnings(&mut self, id: &str, key: &AnswerKey) -> Result<Vec<usize>, SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        let slot = slot_of(q, key)?;
        Ok(open
            .engine
            .failing(&slot)
            .iter()
            .copied()
            .filter(|&r| {
                q.questions[slot.question].validations[r].severity == dala_questionnaire::model::RuleSeverity::Warning
                    && !open.engine.is_confirmed(&slot, r)
            })
            .collect())
    }

    pub fn go(&mut self, id: &str, nav: Nav, _now: DateTime<Utc>) -> Result<Screen, SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get_mut(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        let current = current_slot(q, open);
        let target = match nav {
            Nav::Next => match current {
                Some(s) => open.engine.next(q, Some(s)),
                None => None,
            },
            Nav::Previous => match current {
                Some(s) => open.engine.previous(q, s).or(Some(s)),
                None => open.engine.instances(q).into_iter().rev().find(|s| open.engine.is_relevant(s)),
            },
            Nav::To(key) => {
                let slot = slot_of(q, &key)?;
                if !open.engine.is_reached(q, &slot) {
                    return Err(SessionError::NotReached(key.to_string()));
                }
                Some(slot)
            }
            Nav::Issues => None,
        };
        open.position = target;
        let key = match target {
            Some(s) => s.key(q),
            None => AnswerKey { question: END.into(), roster: vec![] },
        };
        self.store.set_position(id, Some(&key))?;
        self.screen(id)
    }

    pub fn set_language(&mut self, id: &str, lang: Lang, now: DateTime<Utc>) -> Result<Screen, SessionError> {
        self.switch_language(id, lang, now)?;
        self.screen(id)
    }

    pub fn switch_language(&mut self, id: &str, lang: Lang, now: DateTime<Utc>) -> Result<(), SessionError> {
        self.check_language(lang)?;
        self.load(id)?;
        self.store.set_language(id, lang.code(), now)?;
        self.get(id)?.language = lang;
        Ok(())
    }

    pub fn is_complete(&mut self, id: &str) -> Result<bool, SessionError> {
        self.load(id)?;
        let q = &self.study;
        Ok(self.open.get(id).is_some_and(|o| o.engine.is_complete(q)))
    }

    pub fn complete(&mut self, id: &str, now: DateTime<Utc>) -> Result<Screen, SessionError> {
        self.complete_only(id, now)?;
        self.screen(id)
    }

    /// Completes an interview. For one started from a household the same transaction records the
    /// complete visit, closes the address as 1.1 and counts the respondent in the route's cell (never
    /// refused: an over-filled cell is counted and flagged). If the commit fails nothing is written and
    /// the interview is still in progress here too, so a retry does the whole of it. A retry on an
    /// interview already completed finishes a fieldwork part left open (a database written before
    /// completion was one transaction) and otherwise changes nothing.
    pub fn complete_only(&mut self, id: &str, now: DateTime<Utc>) -> Result<(), SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        let status = open.status;
        match status {
            InterviewStatus::BrokenOff => return Err(SessionError::BrokenOff),
            InterviewStatus::Refused => return Err(SessionError::Refused),
            InterviewStatus::Completed => {}
            InterviewStatus::InProgress => {
                let issues = open.engine.issues(q);
                if !issues.is_empty() {
                    return Err(SessionError::NotComplete(issues.len()));
                }
            }
        }
        let field = self.fieldwork_completion(id, now)?;
        if status == InterviewStatus::Completed && field.is_none() {
            return Ok(());
        }
        // The end time goes into the engine now and out again if the commit fails.
        let ends = match self.open.get_mut(id) {
            Some(open) if status == InterviewStatus::InProgress => auto_end(&self.study, &mut open.engine, local_of(now)),
            _ => Vec::new(),
        };
        let written = (|| {
            let mut batch = self.store.batch(now)?;
            for e in &ends {
                batch.save_answer(id, &e.key, &e.json, e.previous.as_ref().map(Answer::to_json).as_ref())?;
            }
            if status == InterviewStatus::InProgress {
                batch.complete(id)?;
            }
            if let Some(f) = &field {
                batch.save_address(&f.row, Some(&f.visit), Some(&f.quota), "interview_completed", Some(&f.detail))?;
            }
            batch.commit()
        })();
        if let Err(e) = written {
            if let Some(open) = self.open.get_mut(id) {
                undo_autos(&self.study, &mut open.engine, ends);
            }
            return Err(e.into());
        }
        if let Some(open) = self.open.get_mut(id) {
            open.status = InterviewStatus::Completed;
        }
        self.store.checkpoint()?;
        Ok(())
    }

    /// Ends an interview early with the answer that ends it (`[question.end]`, consent "no"), after
    /// the interviewer confirmed: the answer, the end time, the interview's status (`refused`) and,
    /// for an interview started from a household, the address's visit (42, the selected respondent
    /// refused; AAPOR 2.112 once the address is closed) are written in one transaction, which also
    /// frees the interview's place in its route's quota cell. If the commit fails nothing is written
    /// and the interview is as it was. Refused with [`SessionError::NotAnEnd`] when the answer does
    /// not end the interview.
    pub fn end_interview(&mut self, id: &str, key: &AnswerKey, value: &Json, when: field::When) -> Result<Screen, SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get_mut(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        writable(open.status)?;
        let slot = slot_of(q, key)?;
        let question = &q.questions[slot.question];
        let answer = Answer::from_json(question, value)?;
        let Some(outcome) = open.engine.ends_with(q, &slot, &answer) else {
            return Err(SessionError::NotAnEnd(question.id.clone()));
        };
        let json = answer.to_json();
        let applied = open.engine.apply(q, slot, answer)?;
        let mut changes = vec![AutoChange { slot, key: key.clone(), json, previous: applied.previous }];
        changes.extend(auto_end(q, &mut open.engine, when.local));
        let field = match outcome {
            EndOutcome::Refused => self.fieldwork_refusal(id, when),
        };
        let written = field.and_then(|field| {
            let mut batch = self.store.batch(when.utc)?;
            for c in &changes {
                let previous = c.previous.as_ref().map(Answer::to_json);
                if previous.as_ref() != Some(&c.json) {
                    batch.save_answer(id, &c.key, &c.json, previous.as_ref())?;
                }
            }
            match outcome {
                EndOutcome::Refused => batch.refuse(id)?,
            }
            if let Some((row, visit)) = &field {
                let detail = serde_json::json!({"interview": id, "n": visit.n, "question": key.question}).to_string();
                batch.save_address(row, Some(visit), None, "interview_refused", Some(&detail))?;
            }
            batch.commit().map_err(SessionError::from)
        });
        let open = self.open.get_mut(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        if let Err(e) = written {
            undo_autos(&self.study, &mut open.engine, changes);
            return Err(e);
        }
        open.status = match outcome {
            EndOutcome::Refused => InterviewStatus::Refused,
        };
        open.position = Some(slot);
        self.store.checkpoint()?;
        self.screen(id)
    }

    pub fn status(&mut self, id: &str) -> Result<(InterviewStatus, Lang, usize), SessionError> {
        let open = self.get(id)?;
        let n = open.engine.answers().count();
        Ok((open.status, open.language, n))
    }

    pub fn engine(&mut self, id: &str) -> Result<&Interview, SessionError> {
        Ok(&self.get(id)?.engine)
    }

    /// The value fieldwork suggests for a question of an interview (see `Open::presets`).
    pub fn preset(&self, id: &str, key: &AnswerKey) -> Option<Json> {
        self.open.get(id).and_then(|o| o.presets.get(key).cloned())
    }

    /// The study and the engine state of an interview already open in this session.
    pub fn peek(&self, id: &str) -> Option<(&Questionnaire, &Interview)> {
        self.open.get(id).map(|o| (&self.study, &o.engine))
    }

    pub fn screen(&mut self, id: &str) -> Result<Screen, SessionError> {
        self.load(id)?;
        let q = &self.study;
        let open = self.open.get(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        let lang = open.language;
        let iv = &open.engine;
        let current = current_slot(q, open);
        let open_issues = iv.issues(q).len();
        let issues = if current.is_none() { client::issues_view(q, iv, lang) } else { Vec::new() };
        let current_view = current.map(|s| {
            let mut v = client::question_view(q, iv, s, lang);
            if v.value.is_none() {
                if let Some(p) = open.presets.get(&v.key) {
                    v.prefill = dala_questionnaire::AnswerValue::from_json(p);
                }
            }
            v
        });
        let (current_number, suggested_number) = match (current, &current_view) {
            (Some(s), Some(v)) => numbers_of(q, iv, s, v.prefill.as_ref().map(|p| p.to_json()).as_ref(), lang),
            _ => (None, None),
        };
        Ok(Screen {
            interview: InterviewHeader {
                id: id.to_string(),
                status: open.status,
                language: lang,
                study_title: q.title.get(lang).to_string(),
                route: open.route.clone(),
                review: open.review.0.clone(),
                notes: open.review.1.clone(),
            },
            current: current_view,
            blocks: client::blocks_view(q, iv, lang),
            roster: current.and_then(|s| client::roster_view(q, iv, s, lang)),
            can_previous: current.is_none_or(|s| iv.previous(q, s).is_some()),
            can_next: current.is_some(),
            can_complete: open_issues == 0 && open.status == InterviewStatus::InProgress,
            issues,
            issue_count: open_issues as u32,
            current_number,
            suggested_number,
        })
    }
}

/// Sync and review (issue 8): the supervisor's actions and package files, through the same store.
impl Session {
    fn review_view(&self, id: &str) -> Result<(Option<String>, Vec<ReviewNoteView>), SessionError> {
        let (review, notes) = self.store.review_of(id)?;
        Ok((
            review,
            notes
                .into_iter()
                .map(|n| ReviewNoteView {
                    kind: n.kind,
                    question: n.key.as_ref().map(|k| k.question.clone()),
                    roster: n.key.map(|k| k.roster).unwrap_or_default(),
                    text: n.text,
                    at: n.at,
                })
                .collect(),
        ))
    }

    /// Approves or rejects a completed interview (`reason`: shown to the interviewer with a rejection).
    pub fn review_interview(
        &mut self,
        id: &str,
        decision: dala_store::Review,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), SessionError> {
        self.store.review(id, decision, reason, now)?;
        self.open.remove(id);
        Ok(())
    }

    /// A reviewer's comment on one answer (or the whole interview).
    pub fn comment(&mut self, id: &str, key: Option<&AnswerKey>, text: &str, now: DateTime<Utc>) -> Result<(), SessionError> {
        self.store.review_comment(id, key, text, now)?;
        self.open.remove(id);
        Ok(())
    }

    /// The supervisor's decision on an answer in conflict (after a merge): the chosen value is checked
    /// like any answer and replaces every version of it.
    pub fn resolve_conflict(&mut self, id: &str, key: &AnswerKey, value: &Json, now: DateTime<Utc>) -> Result<(), SessionError> {
        let slot = slot_of(&self.study, key)?;
        Answer::from_json(&self.study.questions[slot.question], value)?;
        self.store.resolve_conflict(id, key, value, now)?;
        self.open.remove(id);
        Ok(())
    }

    /// Imports package files into this session's database (see [`sync::import_packages`]); open
    /// interviews are read again afterwards.
    pub fn import_packages(
        &mut self,
        me: &dala_sync::SecretKey,
        trust: &[dala_sync::PublicKey],
        packages: &[PathBuf],
        lang: Lang,
        now: DateTime<Utc>,
        progress: impl FnMut(usize, usize),
    ) -> sync::ImportReport {
        let report = sync::import_packages(&mut self.store, me, trust, packages, lang, now, progress);
        self.open.clear();
        report
    }

    /// The folder of this user's sync keys: `DALA_KEYS`, else `keys/` beside the database.
    pub fn keys_dir(&self) -> PathBuf {
        match std::env::var_os("DALA_KEYS") {
            Some(d) => PathBuf::from(d),
            None => self.db_path.as_deref().and_then(Path::parent).unwrap_or(Path::new(".")).join("keys"),
        }
    }

    /// Writes a package of this database for `to` (see [`sync::export_package`]).
    pub fn export_package(
        &mut self,
        me: &dala_sync::SecretKey,
        to: &[dala_sync::PublicKey],
        out: &Path,
        since_last: bool,
        now: DateTime<Utc>,
    ) -> Result<sync::ExportReport, sync::SyncFailure> {
        let (id, version) = (self.study.id.clone(), self.study.version.clone());
        sync::export_package(&mut self.store, me, to, out, since_last, Some((&id, &version)), now)
    }
}

/// Refuses a change to an interview that has ended.
fn writable(status: InterviewStatus) -> Result<(), SessionError> {
    match status {
        InterviewStatus::InProgress => Ok(()),
        InterviewStatus::Completed => Err(SessionError::Completed),
        InterviewStatus::BrokenOff => Err(SessionError::BrokenOff),
        InterviewStatus::Refused => Err(SessionError::Refused),
    }
}

/// The local wall-clock time of an instant, by the device's time zone: the convention of the
/// fieldwork visit log (`field::When`, `fieldwork_completion`).
pub(crate) fn local_of(utc: DateTime<Utc>) -> NaiveDateTime {
    utc.with_timezone(&chrono::Local).naive_local()
}

/// An answer the session put into the engine and will store (or take back if the store fails).
pub(crate) struct AutoChange {
    slot: Slot,
    key: AnswerKey,
    json: Json,
    previous: Option<Answer>,
}

/// Puts the automatic value `value` into question `qi` (household level) if the engine takes it.
fn put_auto(q: &Questionnaire, engine: &mut Interview, qi: usize, value: &Json) -> Option<AutoChange> {
    let slot = Slot { question: qi, path: RowPath::ROOT };
    let answer = Answer::from_json(&q.questions[qi], value).ok()?;
    let json = answer.to_json();
    let applied = engine.apply(q, slot, answer).ok()?;
    if applied.previous.as_ref().map(Answer::to_json).as_ref() == Some(&json) {
        return None;
    }
    Some(AutoChange { slot, key: slot.key(q), json, previous: applied.previous })
}

/// The values recorded when an interview is created (`auto` = `interview_date`, `start_time`,
/// `visit_number`), from the local time of creation: put into `engine`, returned for storing as
/// (key, value, previous value).
pub(crate) fn auto_start(
    q: &Questionnaire,
    engine: &mut Interview,
    local: NaiveDateTime,
    visit: u32,
) -> Vec<(AnswerKey, Json, Option<Json>)> {
    let mut out = Vec::new();
    for (qi, question) in q.questions.iter().enumerate() {
        let value = match question.auto {
            Some(AutoKind::InterviewDate) => Json::from(local.format("%Y-%m-%d").to_string()),
            Some(AutoKind::StartTime) => Json::from(local.format("%H:%M").to_string()),
            Some(AutoKind::VisitNumber) => Json::from(visit),
            Some(AutoKind::EndTime) | None => continue,
        };
        if let Some(c) = put_auto(q, engine, qi, &value) {
            out.push((c.key, c.json, c.previous.as_ref().map(Answer::to_json)));
        }
    }
    out
}

/// The end time (`auto = "end_time"`), recorded when an interview is completed or ends early.
fn auto_end(q: &Questionnaire, engine: &mut Interview, local: NaiveDateTime) -> Vec<AutoChange> {
    let value = Json::from(local.format("%H:%M").to_string());
    (0..q.questions.len())
        .filter(|&qi| q.questions[qi].auto == Some(AutoKind::EndTime))
        .filter_map(|qi| put_auto(q, engine, qi, &value))
        .collect()
}

/// Takes back answers put into the engine whose commit failed, latest first.
fn undo_autos(q: &Questionnaire, engine: &mut Interview, changes: Vec<AutoChange>) {
    for c in changes.into_iter().rev() {
        match c.previous {
            Some(p) => {
                let _ = engine.apply(q, c.slot, p);
            }
            None => {
                engine.clear(q, c.slot);
            }
        }
    }
}

/// The visit at which an interview started at `local` is held: visits on one local day are one
/// visit, so it is the number of days with a visit logged at the address up to and including the
/// day of the start (1 when nothing was logged before).
pub(crate) fn visit_number(logged: impl IntoIterator<Item = NaiveDateTime>, local: NaiveDateTime) -> u32 {
    let mut days: Vec<chrono::NaiveDate> = logged.into_iter().map(|t| t.date()).filter(|d| *d <= local.date()).collect();
    days.push(local.date());
    days.sort_unstable_by_key(|d| d.num_days_from_ce());
    days.dedup();
    days.len() as u32
}

/// The instance on screen: the stored position if it is still asked, else the next one that is.
fn current_slot(q: &Questionnaire, open: &Open) -> Option<Slot> {
    let pos = open.position?;
    if open.engine.is_relevant(&pos) {
        return Some(pos);
    }
    open.engine.next(q, Some(pos)).or_else(|| open.engine.first_unanswered(q))
}

#[cfg(test)]
mod tests;
