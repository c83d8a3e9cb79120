//! A whole KMRS interview through the session: changing an earlier answer that a later one depends
//! on leaves an open error on the completion screen, completion is refused, the interviewer jumps to
//! the contradicting answer, fixes it, and the interview completes. The store keeps the answer.

use std::path::PathBuf;

use chrono::Utc;
use dala_questionnaire::client::IssueKindView;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::autofill::fill;
use dala_session::{Nav, Session};
use dala_store::{InterviewStatus, Store};
use serde_json::{json, Value as Json};

fn session() -> Session {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010");
    let q = dala_session::load_study(&dir).expect("the KMRS study loads without errors");
    Session::with_parts(q, Store::open_in_memory(Utc::now()).unwrap())
}

fn k(q: &str) -> AnswerKey {
    AnswerKey { question: q.into(), roster: vec![] }
}

/// A one-person household whose respondent moved here for better-paid work (Q513 = 12 of Q512).
fn migrant_interview(s: &mut Session, lang: Lang) -> String {
    let id = s.create(lang, Utc::now()).unwrap();
    let overrides: Vec<(&str, Json)> = vec![
        ("Q101", json!(1)),
        ("Q113", json!(1)),
        ("Q105[1]", json!(1970)),
        ("Q110[1]", json!(1)),
        ("Q401", json!(2)),
        ("Q402", json!(2003)),
        ("Q512", json!([11, 12])),
        ("Q513", json!(12)),
    ];
    let map: std::collections::HashMap<String, Json> = overrides.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let report = fill(s, &id, 1, &|key| map.get(&key.to_string()).cloned()).unwrap();
    assert!(report.skipped.is_empty(), "questions the filler could not answer: {:?}", report.skipped);
    let screen = s.go(&id, Nav::Issues, Utc::now()).unwrap();
    assert!(screen.issues.is_empty(), "open issues: {:#?}", screen.issues);
    assert_eq!(screen.issue_count, 0);
    id
}

#[test]
fn a_changed_q512_blocks_completion_until_q513_is_fixed() {
    let mut s = session();
    let id = migrant_interview(&mut s, Lang::Ru);

    // Back at Q512, the interviewer drops "better-paid work" from the reasons.
    let screen = s.answer(&id, k("Q512"), json!([11, 13]), Utc::now()).unwrap();
    assert_eq!(screen.issue_count, 1, "the question screen counts the open issue");
    assert!(screen.issues.is_empty(), "a question screen does not carry the list");
    assert!(!screen.can_complete);
    let screen = s.go(&id, Nav::Issues, Utc::now()).unwrap();
    let open: Vec<_> = screen.issues.iter().filter(|i| i.key == k("Q513")).collect();
    assert_eq!(open.len(), 1, "{:#?}", screen.issues);
    assert_eq!(screen.issues.len(), 1, "{:#?}", screen.issues);
    assert_eq!(open[0].kind, IssueKindView::Invalid);
    assert!(open[0].message.contains("Q512"), "{}", open[0].message);
    assert!(!screen.can_complete);
    assert_eq!(s.complete_only(&id, Utc::now()).unwrap_err().kind(), "not_complete");
    let stored = s.store().answers(&id).unwrap().into_iter().find(|a| a.key == k("Q513")).map(|a| a.value);
    assert_eq!(stored, Some(json!(12)), "the contradicting answer is kept, not deleted");

    // The jump from the completion screen opens Q513 with the error shown.
    let screen = s.go(&id, Nav::To(k("Q513")), Utc::now()).unwrap();
    let current = screen.current.expect("Q513 is shown");
    assert_eq!(current.key, k("Q513"));
    assert!(current.invalid.as_deref().is_some_and(|m| m.contains("Q512")), "{:?}", current.invalid);
    assert_eq!(current.options.iter().map(|o| o.code).collect::<Vec<_>>(), vec![11, 13]);

    let screen = s.answer(&id, k("Q513"), json!(13), Utc::now()).unwrap();
    assert_eq!(screen.issue_count, 0);
    assert!(screen.can_complete);
    s.complete_only(&id, Utc::now()).unwrap();
    assert_eq!(s.status(&id).unwrap().0, InterviewStatus::Completed);
}

#[test]
fn an_invalid_answer_survives_a_restart_as_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dala.sqlite");
    let id = {
        let q = dala_session::load_study(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")).unwrap();
        let mut s = Session::with_parts(q, Store::open(&path, Utc::now()).unwrap());
        let id = migrant_interview(&mut s, Lang::En);
        s.answer(&id, k("Q512"), json!([11]), Utc::now()).unwrap();
        id
    };
    let q = dala_session::load_study(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")).unwrap();
    let mut s = Session::with_parts(q, Store::open(&path, Utc::now()).unwrap());
    let screen = s.go(&id, Nav::Issues, Utc::now()).unwrap();
    assert!(screen.issues.iter().any(|i| i.key == k("Q513") && i.kind == IssueKindView::Invalid), "{:#?}", screen.issues);
    assert_eq!(s.complete_only(&id, Utc::now()).unwrap_err().kind(), "not_complete");
}
