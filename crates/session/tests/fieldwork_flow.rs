//! A route walked through the session as an interviewer would: guidance, visits with different
//! outcomes, the minimum-visits rule, screening under the quota, an interview, and the report.

use chrono::Utc;
use dala_fieldwork::Sex;
use dala_questionnaire::Lang;
use dala_session::field::{AdultInput, ProposalOutcome, VisitInput, WalkAction};
use dala_session::Session;
use dala_store::Store;

mod common;
use common::{approach_next, at, study_dir};

fn session() -> Session {
    let q = dala_session::load_study(&study_dir()).unwrap();
    let fw = dala_session::field::load_fieldwork(&study_dir()).unwrap();
    assert!(fw.is_some(), "KMRS has fieldwork settings");
    Session::with_parts(q, Store::open_in_memory(Utc::now()).unwrap()).with_fieldwork(fw)
}

fn visit(code: u16) -> VisitInput {
    VisitInput {
        outcome: code,
        evidence_of_occupancy: true,
        households: None,
        appointment: None,
        refuser_sex: None,
        refuser_age: None,
        reason: None,
        note: None,
        mode: None,
    }
}

/// Moves the walk to the next address to approach, describing any building as a single house.
fn next_target(s: &mut Session, route: &str) -> String {
    approach_next(s, route)
}

#[test]
fn a_route_walked_with_refusals_non_contacts_and_a_complete() {
    let mut s = session();
    let draw = s.draw_city_routes("almaty", 2010, None, false, at(18, 9)).unwrap();
    assert_eq!(draw.routes.len(), 50, "the report's 50 routes in Almaty");
    let again = session().draw_city_routes("almaty", 2010, None, false, at(18, 9)).unwrap();
    assert_eq!(again.to_json(), draw.to_json(), "same seed, same routes");
    let route = draw.routes[0].id.clone();
    s.assign_routes(std::slice::from_ref(&route), Some("int-07"), at(18, 9)).unwrap();
    let mine = s.routes_view(Some("int-07"), Lang::Kk).unwrap();
    assert_eq!(mine.len(), 1);
    let cell = &mine[0].quota;
    assert_eq!(cell.target_female + cell.target_male, 11, "550 interviews on 50 routes");

    // Address 1: nobody opens three times; it cannot close before the evening and weekend visits.
    let a1 = next_target(&mut s, &route);
    s.log_visit(&a1, &visit(31), at(18, 11), Lang::Ru).unwrap();
    s.log_visit(&a1, &visit(31), at(19, 12), Lang::Ru).unwrap();
    let err = s.close_address(&a1, at(19, 13), Lang::Ru).unwrap_err();
    assert_eq!(err.kind(), "fieldwork_rule");
    let v = s.log_visit(&a1, &visit(31), at(23, 19), Lang::Ru).unwrap(); // Saturday evening
    assert!(v.can_close, "{:?}", v.shortfall);
    let closed = s.close_address(&a1, at(23, 19), Lang::Ru).unwrap();
    assert_eq!(closed.disposition.as_deref(), Some("2.24"), "no one at home with evidence of occupancy");
    s.walk(&route, WalkAction::NextAddress, at(18, 12), Lang::Ru).unwrap();

    // Address 2: a hard refusal closes at once; at the door, before a respondent was chosen, it is
    // the household's refusal (2.111).
    let a2 = next_target(&mut s, &route);
    s.log_visit(&a2, &visit(44), at(18, 13), Lang::Ru).unwrap();
    assert_eq!(s.close_address(&a2, at(18, 13), Lang::Ru).unwrap().disposition.as_deref(), Some("2.111"));
    s.walk(&route, WalkAction::NextAddress, at(18, 13), Lang::Ru).unwrap();

    // Address 3: screening, selection under the quota, the interview, completion.
    let a3 = next_target(&mut s, &route);
    let adults = vec![
        AdultInput {
            line: 1,
            name: "Ерлан".into(),
            sex: Sex::Male,
            age: 52,
            permanent: true,
            head: true,
            co_decision_maker: false,
            present: true,
        },
        AdultInput {
            line: 2,
            name: "Айгуль".into(),
            sex: Sex::Female,
            age: 48,
            permanent: true,
            head: false,
            co_decision_maker: true,
            present: true,
        },
    ];
    let screened = s.screen_household(&a3, &adults, 1, at(18, 14), Lang::Kk).unwrap();
    let proposal = screened.proposal.unwrap();
    assert_eq!(proposal.outcome, ProposalOutcome::Respondent);
    let line = proposal.line.unwrap();
    let screen = s.start_interview(&a3, None, None, Lang::Kk, at(18, 14)).unwrap();
    let id = screen.interview.id.clone();
    let stored = s.store().answers(&id).unwrap();
    assert_eq!(
        s.preset(&id, &dala_questionnaire::AnswerKey { question: "Q113".into(), roster: vec![] }),
        Some(serde_json::json!(line)),
        "the respondent line is suggested for Q113"
    );
    assert!(stored.iter().any(|a| a.key.question == "Q001" && a.value == serde_json::json!(1)), "city code of Almaty");
    let overrides = move |k: &dala_questionnaire::AnswerKey| -> Option<serde_json::Value> {
        let name = if line == 1 { "Ерлан" } else { "Айгуль" };
        match (k.question.as_str(), k.roster.as_slice()) {
            ("Q101", _) => Some(serde_json::json!(2)),
            ("Q102", [r]) => Some(serde_json::json!(if *r == line { name } else { "Другой" })),
            ("Q103", [r]) => Some(serde_json::json!(if *r == 1 { 1 } else { 2 })),
            ("Q104", [r]) => Some(serde_json::json!(if *r == 1 { 1 } else { 2 })),
            ("Q105", [_]) => Some(serde_json::json!(1960)),
            ("Q110", [_]) => Some(serde_json::json!(1)),
            ("Q112", [_]) => Some(serde_json::json!(1)),
            _ => None,
        }
    };
    let report = dala_session::autofill::fill(&mut s, &id, 2, &overrides).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let q113 = s.store().answers(&id).unwrap().into_iter().find(|a| a.key.question == "Q113").unwrap();
    assert_eq!(q113.value, serde_json::json!(line), "the selected respondent is the interview's respondent");
    s.complete_only(&id, Utc::now()).unwrap();
    let route_view = s.route_view(&route, Lang::En).unwrap();
    let done = route_view.addresses.iter().find(|a| a.key == a3).unwrap();
    assert_eq!(done.disposition.as_deref(), Some("1.1"));
    let q = &route_view.route.quota;
    assert_eq!(q.female + q.male, 1, "the respondent counts in the route's cell");

    let rep = s.field_report().unwrap();
    assert_eq!(rep.completes, 1);
    assert_eq!(rep.addresses, 3);
    assert_eq!(rep.attempts, 5, "3 no-answer visits + the refusal + the complete");
    let rr1 = rep.rates.rr1.unwrap();
    assert!((rr1 - 1.0 / 3.0).abs() < 1e-9, "RR1 = 1/3, got {rr1}");
}

#[test]
fn a_household_without_an_eligible_adult_is_coded_64() {
    let mut s = session();
    let draw = s.draw_city_routes("astana", 7, Some(3), false, at(18, 9)).unwrap();
    let route = draw.routes[0].id.clone();
    let female = |line| AdultInput {
        line,
        name: format!("Ж{line}"),
        sex: Sex::Female,
        age: 40,
        permanent: true,
        head: true,
        co_decision_maker: false,
        present: true,
    };
    let a = next_target(&mut s, &route);
    let v = s.screen_household(&a, &[female(1)], 1, at(18, 10), Lang::Ru).unwrap();
    assert_eq!(v.proposal.unwrap().outcome, ProposalOutcome::Respondent);
    let nobody = AdultInput {
        line: 1,
        name: "Малика".into(),
        sex: Sex::Female,
        age: 16,
        permanent: true,
        head: false,
        co_decision_maker: false,
        present: true,
    };
    s.walk(&route, WalkAction::NextAddress, at(18, 11), Lang::Ru).unwrap();
    let b = next_target(&mut s, &route);
    let v = s.screen_household(&b, &[nobody], 1, at(18, 12), Lang::Ru).unwrap();
    assert_eq!(v.proposal.unwrap().outcome, ProposalOutcome::NoEligible);
    assert_eq!(v.visits.last().unwrap().outcome, 64);
    assert_eq!(s.close_address(&b, at(18, 12), Lang::Ru).unwrap().disposition.as_deref(), Some("4.70"));
}

#[test]
fn an_absent_respondent_gets_an_appointment_with_its_time() {
    let mut s = session();
    let draw = s.draw_city_routes("pavlodar", 3, Some(2), false, at(18, 9)).unwrap();
    let route = draw.routes[0].id.clone();
    let a = next_target(&mut s, &route);
    let adults = vec![
        AdultInput {
            line: 1,
            name: "Марат".into(),
            sex: Sex::Male,
            age: 50,
            permanent: true,
            head: true,
            co_decision_maker: false,
            present: false,
        },
        AdultInput {
            line: 2,
            name: "Сауле".into(),
            sex: Sex::Female,
            age: 45,
            permanent: true,
            head: false,
            co_decision_maker: true,
            present: false,
        },
    ];
    let v = s.screen_household(&a, &adults, 1, at(18, 10), Lang::Ru).unwrap();
    let p = v.proposal.unwrap();
    assert_eq!(p.action, Some(dala_session::field::ProposalAction::Appointment), "{p:?}");
    assert_eq!(v.visits.last().unwrap().outcome, 21);
    assert_eq!(v.visits.last().unwrap().appointment, None);
    let err = s.set_appointment(&a, "2010-10-17T18:00", at(18, 10), Lang::Ru).unwrap_err();
    assert_eq!(err.kind(), "fieldwork_rule", "an appointment before the visit is refused");
    let v = s.set_appointment(&a, "2010-10-19T18:30", at(18, 10), Lang::Kk).unwrap();
    assert_eq!(v.visits.last().unwrap().appointment.as_deref(), Some("2010-10-19 18:30"));
    let stored: String =
        s.store().connection().query_row("SELECT visit FROM visits WHERE address_key = ?1 AND n = 1", [&a], |r| r.get(0)).unwrap();
    assert!(stored.contains("2010-10-19T18:30"), "{stored}");
    let summary = &s.routes_view(None, Lang::Ru).unwrap()[0];
    assert_eq!(summary.appointments, 1);
}
