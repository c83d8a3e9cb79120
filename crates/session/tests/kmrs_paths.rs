//! Scenario tests on the real KMRS 2010 study: whole interviews along the paths fieldwork meets.
//!
//! Each test fills an interview through the session (engine + store), forcing the answers that
//! define the path and letting the filler answer the rest, then checks routing and completion.

use std::path::PathBuf;

use chrono::Utc;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::autofill::fill;
use dala_session::{Nav, Session};
use dala_store::{InterviewStatus, Store};
use serde_json::{json, Value as Json};

fn kmrs() -> dala_questionnaire::Questionnaire {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010");
    dala_session::load_study(&dir).expect("the KMRS study loads without errors")
}

fn session() -> Session {
    Session::with_parts(kmrs(), Store::open_in_memory(Utc::now()).unwrap())
}

fn k(q: &str, r: &[u32]) -> AnswerKey {
    AnswerKey { question: q.into(), roster: r.to_vec() }
}

/// Runs a fill with overrides keyed by "Q101" or "Q104[2]" and completes the interview.
fn run(members: usize, lang: Lang, overrides: &[(&str, Json)]) -> (Session, String) {
    let mut s = session();
    let id = s.create(lang, Utc::now()).unwrap();
    let map: std::collections::HashMap<String, Json> = overrides.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let report = fill(&mut s, &id, members, &|key| map.get(&key.to_string()).cloned()).unwrap();
    assert!(report.skipped.is_empty(), "questions the filler could not answer: {:?}", report.skipped);
    let screen = s.go(&id, Nav::Issues, Utc::now()).unwrap();
    assert_eq!(screen.issue_count, 0, "open issues: {:#?}", screen.issues);
    s.complete_only(&id, Utc::now()).unwrap();
    (s, id)
}

fn answer(s: &mut Session, id: &str, key: AnswerKey) -> Option<Json> {
    s.store().answers(id).unwrap().into_iter().find(|a| a.key == key).map(|a| a.value)
}

fn relevant(s: &mut Session, id: &str, key: AnswerKey) -> bool {
    let q = kmrs();
    let slot = dala_questionnaire::engine::slot_of(&q, &key).unwrap();
    s.engine(id).unwrap().is_relevant(&slot)
}

#[test]
fn one_person_household_completes_without_roster_members_away() {
    let (mut s, id) =
        run(1, Lang::Ru, &[("Q101", json!(1)), ("Q113", json!(1)), ("Q105[1]", json!(1960)), ("Q110[1]", json!(1)), ("Q530", json!(2))]);
    assert_eq!(s.status(&id).unwrap().0, InterviewStatus::Completed);
    let engine = s.engine(&id).unwrap();
    let q = kmrs();
    let roster = q.roster_index("members").unwrap();
    assert_eq!(engine.row_count(roster, Default::default()), 1);
    assert_eq!(answer(&mut s, &id, k("Q102", &[2])), None, "no second member");
    assert_eq!(answer(&mut s, &id, k("Q534", &[1])), None, "5C is not asked of a member who lives here");
    assert!(q.roster_index("away").is_none(), "no second roster of members away");
}

#[test]
fn fourteen_person_household_with_two_members_away_goes_through_5c_on_the_roster() {
    let (mut s, id) = run(
        14,
        Lang::Kk,
        &[
            ("Q101", json!(14)),
            ("Q113", json!(1)),
            ("Q110[1]", json!(1)),
            ("Q110[5]", json!(2)),
            ("Q110[9]", json!(3)),
            ("Q506[9]", json!(1)),
            ("Q530", json!(2)),
        ],
    );
    let q = kmrs();
    let engine = s.engine(&id).unwrap();
    assert_eq!(engine.row_count(q.roster_index("members").unwrap(), Default::default()), 14);
    for m in 1..=14 {
        assert!(answer(&mut s, &id, k("Q104", &[m])).is_some(), "sex of member {m}");
        let away = m == 5 || m == 9;
        assert_eq!(answer(&mut s, &id, k("Q534", &[m])).is_some(), away, "year left asked of member {m} iff away");
        assert_eq!(answer(&mut s, &id, k("Q542", &[m])).is_some(), away, "sends money asked of member {m} iff away");
    }
    assert!(answer(&mut s, &id, k("Q535", &[9])).is_some(), "country of the member abroad");
    assert_eq!(answer(&mut s, &id, k("Q535", &[5])), None, "no country for a member elsewhere in Kazakhstan");
    assert!(answer(&mut s, &id, k("Q506A", &[9])).is_some(), "the member abroad has lived abroad");
    assert_eq!(answer(&mut s, &id, k("Q506B", &[9])), None, "no year of return for a member abroad now");
    assert_eq!(s.status(&id).unwrap(), (InterviewStatus::Completed, Lang::Kk, s.store().answers(&id).unwrap().len()));
}

#[test]
fn migrant_respondent_gets_block_5b_with_filtered_main_reason_and_no_repeated_history() {
    let mut s = session();
    let id = s.create(Lang::Ru, Utc::now()).unwrap();
    let overrides: Vec<(&str, Json)> = vec![
        ("Q101", json!(2)),
        ("Q113", json!(1)),
        ("Q105[1]", json!(1970)),
        ("Q110[1]", json!(1)),
        ("Q401", json!(2)),
        ("Q402", json!(2001)),
        ("Q512", json!([12, 31])),
    ];
    let map: std::collections::HashMap<String, Json> = overrides.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let report = fill(&mut s, &id, 2, &|key| map.get(&key.to_string()).cloned()).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    // The respondent's line of 5A is not asked again: Q501, Q502 and Q504 come from Q401, Q402, Q513.
    for q in ["Q501", "Q502", "Q504"] {
        assert!(!relevant(&mut s, &id, k(q, &[1])), "{q} is not asked of the respondent");
        assert_eq!(answer(&mut s, &id, k(q, &[1])), None);
    }
    assert!(relevant(&mut s, &id, k("Q501", &[2])), "Q501 is asked of the other member");
    assert!(relevant(&mut s, &id, k("Q503", &[1])), "the previous place is asked once, in 5A");
    s.go(&id, dala_session::Nav::To(k("Q513", &[])), Utc::now()).unwrap();
    let screen = s.screen(&id).unwrap();
    let q513 = screen.current.unwrap();
    let codes: Vec<i64> = q513.options.iter().map(|o| o.code).collect();
    assert_eq!(codes, vec![12, 31], "Q513 offers only the reasons chosen in Q512");
    let err = s.record(&id, &k("Q513", &[]), &json!(21), Utc::now()).unwrap_err();
    assert_eq!(err.kind(), "answer_refused");
    let err = s.record(&id, &k("Q501", &[1]), &json!(2), Utc::now()).unwrap_err();
    assert_eq!(err.kind(), "answer_refused", "Q501 cannot be answered for the respondent");
    assert_eq!(s.screen(&id).unwrap().issue_count, 0);
    s.complete_only(&id, Utc::now()).unwrap();
}

#[test]
fn dwelling_type_is_prefilled_from_the_cover() {
    let mut s = session();
    let id = s.create(Lang::En, Utc::now()).unwrap();
    let map: std::collections::HashMap<String, Json> = [("Q101", json!(1)), ("Q113", json!(1)), ("Q110[1]", json!(1)), ("Q009", json!(2))]
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    fill(&mut s, &id, 1, &|key| map.get(&key.to_string()).cloned()).unwrap();
    assert_eq!(answer(&mut s, &id, k("Q009", &[])), Some(json!(2)));
    assert_eq!(answer(&mut s, &id, k("Q807", &[])), Some(json!(2)), "the filler took the prefilled dwelling type");
    // Cleared, Q807 offers the cover's answer again, and follows a changed cover.
    s.clear(&id, k("Q807", &[]), Utc::now()).unwrap();
    let screen = s.go(&id, dala_session::Nav::To(k("Q807", &[])), Utc::now()).unwrap();
    assert_eq!(screen.current.unwrap().prefill, Some(dala_questionnaire::AnswerValue::Number(2.into())));
    s.answer(&id, k("Q009", &[]), json!(1), Utc::now()).unwrap();
    let screen = s.go(&id, dala_session::Nav::To(k("Q807", &[])), Utc::now()).unwrap();
    assert_eq!(screen.current.unwrap().prefill, Some(dala_questionnaire::AnswerValue::Number(1.into())));
}

#[test]
fn a_member_away_who_sends_money_warns_when_no_money_was_received() {
    let mut s = session();
    let id = s.create(Lang::Ru, Utc::now()).unwrap();
    let overrides: Vec<(&str, Json)> =
        vec![("Q101", json!(2)), ("Q113", json!(1)), ("Q110[1]", json!(1)), ("Q110[2]", json!(3)), ("Q542[2]", json!(1))];
    let map: std::collections::HashMap<String, Json> = overrides.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    fill(&mut s, &id, 2, &|key| if key.question == "Q601" { None } else { map.get(&key.to_string()).cloned() }).unwrap();
    s.record(&id, &k("Q601", &[]), &json!(2), Utc::now()).unwrap();
    let warnings = s.open_warnings(&id, &k("Q601", &[])).unwrap();
    assert_eq!(warnings.len(), 1, "Q601 = no while Q542 says the member abroad sends money");
    s.record(&id, &k("Q601", &[]), &json!(1), Utc::now()).unwrap();
    assert!(s.open_warnings(&id, &k("Q601", &[])).unwrap().is_empty());
}

#[test]
fn dont_know_on_income_goes_to_the_bracket_questions() {
    let (mut s, id) = run(
        2,
        Lang::Ru,
        &[("Q101", json!(2)), ("Q113", json!(1)), ("Q110[1]", json!(1)), ("Q301", json!(1)), ("Q312", json!(-98)), ("Q801", json!(-99))],
    );
    assert_eq!(answer(&mut s, &id, k("Q312", &[])), Some(json!(-98)));
    assert!(answer(&mut s, &id, k("Q313", &[])).is_some(), "wage bracket asked after DK");
    assert_eq!(answer(&mut s, &id, k("Q801", &[])), Some(json!(-99)));
    assert!(answer(&mut s, &id, k("Q802", &[])).is_some(), "income bracket asked after refusal");
}

#[test]
fn known_income_skips_the_bracket_question() {
    let (mut s, id) = run(
        1,
        Lang::En,
        &[("Q101", json!(1)), ("Q113", json!(1)), ("Q110[1]", json!(1)), ("Q801", json!({"amount": 180000, "currency": "KZT"}))],
    );
    assert_eq!(answer(&mut s, &id, k("Q802", &[])), None);
    let q = kmrs();
    let engine = s.engine(&id).unwrap();
    let slot = dala_questionnaire::engine::slot_of(&q, &k("Q802", &[])).unwrap();
    assert!(!engine.is_relevant(&slot));
}
