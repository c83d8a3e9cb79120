//! Scenario tests on the real KMRS 2010 study: whole interviews along the paths fieldwork meets.
//!
//! Each test fills an interview through the session (engine + store), forcing the answers that
//! define the path and letting the filler answer the rest, then checks routing and completion.

use std::path::PathBuf;

use chrono::Utc;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::autofill::fill;
use dala_session::Session;
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
    let screen = s.screen(&id).unwrap();
    assert!(screen.issues.is_empty(), "open issues: {:#?}", screen.issues);
    s.complete_only(&id, Utc::now()).unwrap();
    (s, id)
}

fn answer(s: &mut Session, id: &str, key: AnswerKey) -> Option<Json> {
    s.store().answers(id).unwrap().into_iter().find(|a| a.key == key).map(|a| a.value)
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
    assert_eq!(answer(&mut s, &id, k("Q531", &[])), None, "no list of members away");
}

#[test]
fn fourteen_person_household_with_two_members_away() {
    let (mut s, id) = run(
        14,
        Lang::Kk,
        &[
            ("Q101", json!(14)),
            ("Q113", json!(1)),
            ("Q110[1]", json!(1)),
            ("Q110[5]", json!(2)),
            ("Q110[9]", json!(3)),
            ("Q530", json!(1)),
            ("Q531", json!(["Марат", "Әлия"])),
        ],
    );
    let q = kmrs();
    let engine = s.engine(&id).unwrap();
    assert_eq!(engine.row_count(q.roster_index("members").unwrap(), Default::default()), 14);
    assert_eq!(engine.row_count(q.roster_index("away").unwrap(), Default::default()), 2);
    for m in 1..=14 {
        assert!(answer(&mut s, &id, k("Q104", &[m])).is_some(), "sex of member {m}");
    }
    assert!(answer(&mut s, &id, k("Q532", &[2])).is_some(), "sex of the second member away");
    assert_eq!(s.status(&id).unwrap(), (InterviewStatus::Completed, Lang::Kk, s.store().answers(&id).unwrap().len()));
}

#[test]
fn migrant_respondent_gets_block_5b_with_prefill_and_filtered_main_reason() {
    let mut s = session();
    let id = s.create(Lang::Ru, Utc::now()).unwrap();
    let overrides: Vec<(&str, Json)> = vec![
        ("Q101", json!(2)),
        ("Q113", json!(1)),
        ("Q105[1]", json!(1970)),
        ("Q110[1]", json!(1)),
        ("Q401", json!(2)),
        ("Q402", json!(2001)),
        ("Q501[1]", json!(2)),
        ("Q502[1]", json!(2001)),
        ("Q512", json!([12, 31])),
    ];
    let map: std::collections::HashMap<String, Json> = overrides.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    // Stop before Q510 to look at the prefill and at Q513's options.
    let report = fill(&mut s, &id, 2, &|key| {
        if key.question == "Q510" {
            return None;
        }
        map.get(&key.to_string()).cloned()
    })
    .unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    s.go(&id, dala_session::Nav::To(k("Q513", &[])), Utc::now()).unwrap();
    let screen = s.screen(&id).unwrap();
    let q513 = screen.current.unwrap();
    let codes: Vec<i64> = q513.options.iter().map(|o| o.code).collect();
    assert_eq!(codes, vec![12, 31], "Q513 offers only the reasons chosen in Q512");
    let err = s.record(&id, &k("Q513", &[]), &json!(21), Utc::now()).unwrap_err();
    assert_eq!(err.kind(), "answer_refused");
    assert_eq!(answer(&mut s, &id, k("Q510", &[])), Some(json!(2001)), "the filler took the prefilled year");
    assert!(s.screen(&id).unwrap().issues.is_empty());
    s.complete_only(&id, Utc::now()).unwrap();
}

#[test]
fn migrant_year_mismatch_between_q402_and_q502_is_an_open_error() {
    let mut s = session();
    let id = s.create(Lang::En, Utc::now()).unwrap();
    let overrides: Vec<(&str, Json)> = vec![
        ("Q101", json!(1)),
        ("Q113", json!(1)),
        ("Q105[1]", json!(1970)),
        ("Q110[1]", json!(1)),
        ("Q401", json!(2)),
        ("Q402", json!(2001)),
        ("Q501[1]", json!(2)),
        ("Q502[1]", json!(2003)),
    ];
    let map: std::collections::HashMap<String, Json> = overrides.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    fill(&mut s, &id, 1, &|key| map.get(&key.to_string()).cloned()).unwrap();
    let screen = s.screen(&id).unwrap();
    assert!(
        screen.issues.iter().any(|i| i.key == k("Q402", &[]) && matches!(i.kind, dala_questionnaire::client::IssueKindView::Error)),
        "{:#?}",
        screen.issues
    );
    assert!(!screen.can_complete);
    assert_eq!(s.complete_only(&id, Utc::now()).unwrap_err().kind(), "not_complete");
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
