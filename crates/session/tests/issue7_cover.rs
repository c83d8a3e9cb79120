//! Issue 7, cover and close: what the session records by itself (interview date, start and end time,
//! visit number) and the consent question that ends an interview as a refusal.
//!
//! The KMRS study declares both (`auto = ...` on Q013–Q015 and Q1007, `[question.end]` on Q011); the
//! session knows no id. A refusal writes the answer, the end time, the interview's status and the
//! address's visit 42 in one transaction, freeing the interview's place in its route's cell: the
//! store's fault injection stops it at every one of its writes and nothing is ever half-written.

use std::path::Path;

use chrono::{TimeZone, Utc};
use dala_fieldwork::contact::ContactLog;
use dala_fieldwork::Sex;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::field::{AdultInput, ProposalOutcome, VisitInput};
use dala_session::{Session, SessionError};
use dala_store::{InterviewStatus, Store};
use serde_json::{json, Value as Json};

mod common;
use common::{approach_next, at, study_dir};

fn session(db: &Path) -> Session {
    let q = dala_session::load_study(&study_dir()).unwrap();
    let fw = dala_session::field::load_fieldwork(&study_dir()).unwrap();
    Session::with_parts(q, Store::open_without_lock(db, Utc::now()).unwrap()).with_fieldwork(fw)
}

fn k(q: &str) -> AnswerKey {
    AnswerKey { question: q.into(), roster: vec![] }
}

fn woman(line: u32, name: &str) -> AdultInput {
    AdultInput {
        line,
        name: name.into(),
        sex: Sex::Female,
        age: 44,
        permanent: true,
        head: line == 1,
        co_decision_maker: false,
        present: true,
    }
}

/// The stored value of a household-level answer.
fn stored(s: &Session, id: &str, q: &str) -> Option<Json> {
    s.store().answers(id).unwrap().into_iter().find(|a| a.key.question == q).map(|a| a.value)
}

/// The local time the session derives from a UTC instant (the device's time zone, as the visit log).
fn local(utc: chrono::DateTime<Utc>) -> chrono::NaiveDateTime {
    utc.with_timezone(&chrono::Local).naive_local()
}

/// Draws Almaty; at the first address, finds nobody at home on `no_answer_day` (if given), then
/// screens a woman living alone on `day` at 11:00 and starts her interview at 11:30 local time (days
/// of the week of 2010-10-18).
fn started(s: &mut Session, no_answer_day: Option<u32>, day: u32) -> (String, String, String) {
    let draw = s.draw_city_routes("almaty", 2010, None, false, at(18, 9)).unwrap();
    let route = draw.routes[0].id.clone();
    let key = approach_next(s, &route);
    if let Some(d) = no_answer_day {
        let nobody = VisitInput {
            outcome: 31,
            evidence_of_occupancy: true,
            households: None,
            appointment: None,
            refuser_sex: None,
            refuser_age: None,
            reason: None,
            note: None,
            mode: None,
        };
        s.log_visit(&key, &nobody, at(d, 10), Lang::Ru).unwrap();
    }
    let start_day = day;
    let v = s.screen_household(&key, &[woman(1, "Айгуль")], 1, at(day, 11), Lang::Ru).unwrap();
    assert_eq!(v.proposal.unwrap().outcome, ProposalOutcome::Respondent);
    let mut when = at(start_day, 11);
    when.local += chrono::Duration::minutes(30);
    when.utc += chrono::Duration::minutes(30);
    let id = s.start_interview(&key, None, None, Lang::Ru, when).unwrap().interview.id;
    (route, key, id)
}

#[test]
fn an_interview_on_its_own_records_its_date_start_time_and_visit_1_and_its_end_time_on_completion() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(&dir.path().join("d.sqlite"));
    let created = Utc.with_ymd_and_hms(2010, 10, 21, 9, 5, 0).unwrap();
    let id = s.create(Lang::Ru, created).unwrap();
    let start = local(created);
    assert_eq!(stored(&s, &id, "Q013"), Some(json!(start.format("%Y-%m-%d").to_string())));
    assert_eq!(stored(&s, &id, "Q014"), Some(json!(start.format("%H:%M").to_string())));
    assert_eq!(stored(&s, &id, "Q015"), Some(json!(1)));
    assert_eq!(stored(&s, &id, "Q1007"), None, "the end time waits for the completion");
    // Created and recorded in one transaction, journaled like any answer.
    let journal = s.store().journal_of(&id).unwrap();
    assert_eq!(journal.iter().filter(|e| e.kind == "answer_set").count(), 3);

    // Shown read-only: the interviewer can neither change nor clear them.
    let screen = s.screen(&id).unwrap();
    let first = screen.current.unwrap();
    assert_eq!((first.id.as_str(), first.auto.is_some()), ("Q001", false));
    let err = s.record(&id, &k("Q014"), &json!("08:00"), created).unwrap_err();
    assert_eq!(err.kind(), "auto_question");
    assert!(err.message(Lang::Kk).contains("автоматты"), "{}", err.message(Lang::Kk));
    assert_eq!(s.clear(&id, k("Q013"), created).unwrap_err().kind(), "auto_question");
    assert_eq!(stored(&s, &id, "Q014"), Some(json!(start.format("%H:%M").to_string())));
    let view = s.go(&id, dala_session::Nav::To(k("Q014")), created).unwrap().current.unwrap();
    assert_eq!(view.auto, Some(dala_questionnaire::model::AutoKind::StartTime));

    // The end time is not an open issue before completion, and is recorded with it.
    dala_session::autofill::fill(&mut s, &id, 2, &|_| None).unwrap();
    assert!(s.screen(&id).unwrap().can_complete, "{:#?}", s.screen(&id).unwrap().issues);
    let done = Utc.with_ymd_and_hms(2010, 10, 21, 10, 17, 0).unwrap();
    s.complete_only(&id, done).unwrap();
    assert_eq!(stored(&s, &id, "Q1007"), Some(json!(local(done).format("%H:%M").to_string())));
    assert_eq!(s.store().interview(&id).unwrap().status, InterviewStatus::Completed);
    // A session opened afresh reads the same values.
    drop(s);
    let mut s = session(&dir.path().join("d.sqlite"));
    s.open_interview(&id, done).unwrap();
    assert_eq!(stored(&s, &id, "Q015"), Some(json!(1)));
}

#[test]
fn an_interview_from_a_household_records_the_visit_it_is_held_at() {
    // Found at home on the first visit (Monday 18th): visit 1.
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(&dir.path().join("d.sqlite"));
    let (_, _, id) = started(&mut s, None, 18);
    assert_eq!(stored(&s, &id, "Q015"), Some(json!(1)));
    assert_eq!(stored(&s, &id, "Q013"), Some(json!("2010-10-18")));
    assert_eq!(stored(&s, &id, "Q014"), Some(json!("11:30")), "the local time of the start, as the visit log has it");
    // The interviewer goes on with what the cover still needs (the interviewer's id: the route is not
    // assigned here), never with a value the app records.
    let current = s.screen(&id).unwrap().current.unwrap();
    assert_eq!((current.id.as_str(), current.auto), ("Q003", None));

    // Nobody at home on Monday, interviewed on Wednesday: the second visit.
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(&dir.path().join("d.sqlite"));
    let (_, _, id) = started(&mut s, Some(18), 20);
    assert_eq!(stored(&s, &id, "Q015"), Some(json!(2)));
    assert_eq!(stored(&s, &id, "Q013"), Some(json!("2010-10-20")));

    // Nobody at home in the morning, interviewed the same day: visits on one day are one visit.
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(&dir.path().join("d.sqlite"));
    let (_, _, id) = started(&mut s, Some(19), 19);
    assert_eq!(stored(&s, &id, "Q015"), Some(json!(1)));
}

/// What must be true of an interview whose refusal did not happen.
fn assert_not_refused(s: &mut Session, id: &str, key: &str, route: &str, visits_before: u64) {
    assert_eq!(s.store().interview(id).unwrap().status, InterviewStatus::InProgress);
    assert!(!s.store().journal_of(id).unwrap().iter().any(|e| e.kind == "interview_refused"));
    assert_eq!(stored(s, id, "Q011"), None, "the answer is not stored without the end");
    assert_eq!(stored(s, id, "Q1007"), None, "no end time");
    assert_eq!(s.store().visit_count().unwrap(), visits_before, "no visit 42");
    let log: ContactLog = serde_json::from_str(&s.store().address(key).unwrap().unwrap().log).unwrap();
    assert!(log.visits.iter().all(|v| v.outcome.code() != 42));
    assert_eq!(s.route_view(route, Lang::En).unwrap().route.quota.held_female, 1, "the place is still held");
    let (status, _, _) = s.status(id).unwrap();
    assert_eq!(status, InterviewStatus::InProgress, "the session does not claim the refusal");
    s.engine(id).unwrap();
    let (q, engine) = s.peek(id).unwrap();
    assert!(engine.answers().all(|(slot, _)| !["Q011", "Q1007"].contains(&q.questions[slot.question].id.as_str())));
}

#[test]
fn consent_no_ends_the_interview_as_a_refusal_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut s = session(&db);
    let (route, key, id) = started(&mut s, None, 18);
    assert_eq!(s.route_view(&route, Lang::En).unwrap().route.quota.held_female, 1, "the started interview holds a place");

    // "No" is not recorded like an ordinary answer: the interviewer is asked to confirm.
    let err = s.record(&id, &k("Q011"), &json!(2), Utc::now()).unwrap_err();
    assert_eq!(err.kind(), "ends_interview");
    assert!(err.message(Lang::Ru).contains("отказ"), "{}", err.message(Lang::Ru));
    assert!(matches!(err, SessionError::EndsInterview { ref question, .. } if question == "Q011"));
    // "Yes" is not an end.
    assert_eq!(s.end_interview(&id, &k("Q011"), &json!(1), at(18, 12)).unwrap_err().kind(), "not_an_end");
    let visits_before = s.store().visit_count().unwrap();
    assert_not_refused(&mut s, &id, &key, &route, visits_before);

    let mut crashes = 0;
    for n in 0.. {
        s.store().fail_write_after(n);
        match s.end_interview(&id, &k("Q011"), &json!(2), at(18, 12)) {
            Err(SessionError::Store(_)) => {
                crashes += 1;
                assert_not_refused(&mut s, &id, &key, &route, visits_before);
                // A session opened afresh on the file (the app restarted) sees the same.
                let mut reopened = session(&db);
                assert_not_refused(&mut reopened, &id, &key, &route, visits_before);
            }
            Err(e) => panic!("{e:?}"),
            Ok(screen) => {
                assert!(s.store().cancel_fault(), "the refusal succeeded without reaching the planned failure");
                assert_eq!(screen.interview.status, InterviewStatus::Refused);
                assert!(!screen.can_complete);
                break;
            }
        }
    }
    // Q011 and Q1007 (4 writes each: time and position, answer, confirmations, journal), the status and
    // its journal (3), the address, its visit and the field journal (3), and the commit.
    assert_eq!(crashes, 4 + 4 + 3 + 3 + 1, "every write point was tried");

    assert_eq!(s.store().interview(&id).unwrap().status, InterviewStatus::Refused);
    assert_eq!(s.store().journal_of(&id).unwrap().last().unwrap().kind, "interview_refused");
    assert_eq!(stored(&s, &id, "Q011"), Some(json!(2)), "the answer is recorded");
    assert_eq!(stored(&s, &id, "Q1007"), Some(json!("12:00")));
    assert_eq!(s.store().visit_count().unwrap(), visits_before + 1);
    let row = s.store().address(&key).unwrap().unwrap();
    let log: ContactLog = serde_json::from_str(&row.log).unwrap();
    let last = log.visits.last().unwrap();
    assert_eq!(last.outcome.code(), 42, "the selected respondent refused");
    assert_eq!(last.refuser.as_ref().and_then(|r| r.sex), Some(Sex::Female));
    assert_eq!(log.provisional().map(|d| d.code()), Some("2.112"));
    assert_eq!(s.route_view(&route, Lang::En).unwrap().route.quota.held_female, 0, "the place is freed");

    // Ended: no more answers, no completion, no second end.
    assert_eq!(s.record(&id, &k("Q012"), &json!(1), Utc::now()).unwrap_err().kind(), "refused");
    assert_eq!(s.complete_only(&id, Utc::now()).unwrap_err().kind(), "refused");
    assert_eq!(s.end_interview(&id, &k("Q011"), &json!(2), at(18, 13)).unwrap_err().kind(), "refused");
    let mut reopened = session(&db);
    let screen = reopened.open_interview(&id, Utc::now()).unwrap();
    assert_eq!(screen.interview.status, InterviewStatus::Refused);
}

#[test]
fn a_refusal_of_an_interview_on_its_own_ends_it_without_fieldwork() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(&dir.path().join("d.sqlite"));
    let id = s.create(Lang::Kk, Utc::now()).unwrap();
    let screen = s.end_interview(&id, &k("Q011"), &json!(2), at(21, 15)).unwrap();
    assert_eq!(screen.interview.status, InterviewStatus::Refused);
    assert_eq!(stored(&s, &id, "Q011"), Some(json!(2)));
    assert_eq!(stored(&s, &id, "Q1007"), Some(json!("15:00")));
    assert_eq!(s.store().visit_count().unwrap(), 0);
    assert_eq!(s.list_interviews().unwrap()[0].status, InterviewStatus::Refused);
}
