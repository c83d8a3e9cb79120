//! Issue 7, contact and screening through the session: the household is drawn (and stored) before its
//! adults are listed; a re-screening keeps the draw, needs a reason and is recorded for the
//! supervisor; visits on one evening do not make the minimum; an address owing an appointment does
//! not close; the AAPOR sub-codes read what the visit log knows; the provisional report.

use chrono::Utc;
use dala_fieldwork::report::ReportMode;
use dala_fieldwork::{FieldworkError, Sex};
use dala_questionnaire::Lang;
use dala_session::field::{AdultInput, VisitInput, WalkAction, When};
use dala_session::{Session, SessionError};
use dala_store::Store;
use serde_json::{json, Value as Json};

mod common;
use common::{approach_next, at, study_dir};

fn session() -> Session {
    let q = dala_session::load_study(&study_dir()).unwrap();
    let fw = dala_session::field::load_fieldwork(&study_dir()).unwrap();
    Session::with_parts(q, Store::open_in_memory(Utc::now()).unwrap()).with_fieldwork(fw)
}

fn adult(line: u32, name: &str, sex: Sex) -> AdultInput {
    AdultInput { line, name: name.into(), sex, age: 45, permanent: true, head: line == 1, co_decision_maker: line != 1, present: true }
}

fn visit(code: u16) -> VisitInput {
    VisitInput {
        outcome: code,
        evidence_of_occupancy: false,
        households: None,
        appointment: None,
        refuser_sex: None,
        refuser_age: None,
        reason: None,
        note: None,
        mode: None,
    }
}

fn at_min(day: u32, hour: u32, minute: u32) -> When {
    let w = at(day, hour);
    let local = w.local + chrono::Duration::minutes(i64::from(minute));
    When { utc: w.utc + chrono::Duration::minutes(i64::from(minute)), local }
}

fn routed() -> (Session, String) {
    let mut s = session();
    let draw = s.draw_city_routes("almaty", 2010, None, false, at(18, 9)).unwrap();
    let route = draw.routes[0].id.clone();
    (s, route)
}

fn next(s: &mut Session, route: &str) -> String {
    if let Some(a) = s.route_view(route, Lang::Ru).unwrap().guidance.address {
        if s.store().address(&a.key).unwrap().is_some() {
            s.walk(route, WalkAction::NextAddress, at(18, 10), Lang::Ru).unwrap();
        }
    }
    approach_next(s, route)
}

fn journal(s: &Session, key: &str) -> Vec<(String, Option<String>)> {
    let conn = s.store().connection();
    let mut stmt = conn.prepare("SELECT kind, detail FROM field_journal WHERE subject = ?1 ORDER BY rowid").unwrap();
    stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn screening(s: &Session, key: &str) -> Json {
    serde_json::from_str(s.store().address(key).unwrap().unwrap().screening.as_deref().unwrap()).unwrap()
}

#[test]
fn the_household_is_drawn_and_stored_before_its_adults_are_listed() {
    let (mut s, route) = routed();
    let a = next(&mut s, &route);
    // Adults cannot be listed before the draw.
    let err = s.list_adults(&a, &[adult(1, "Серик", Sex::Male)], None, at(18, 11), Lang::Ru).unwrap_err();
    assert!(matches!(err, SessionError::Field(FieldworkError::HouseholdNotDrawn)), "{err:?}");
    assert!(err.message(Lang::Ru).contains("Сначала выберите домохозяйство"), "{}", err.message(Lang::Ru));
    assert!(err.message(Lang::Kk).contains("Алдымен үй шаруашылығын таңдаңыз"), "{}", err.message(Lang::Kk));
    assert!(s.store().address(&a).unwrap().is_none(), "nothing stored");

    // Step 1: three households; the draw is stored and shown, no adult yet.
    let v = s.draw_household(&a, 3, at(18, 11), Lang::Ru).unwrap();
    let h = v.household.clone().unwrap();
    assert_eq!(h.households, 3);
    assert!((1..=3).contains(&h.chosen) && !h.listed && h.rescreens.is_empty());
    assert!(h.text.contains(&format!("№ {} из 3", h.chosen)), "{}", h.text);
    assert!(v.proposal.is_none(), "no proposal before the adults are listed");
    let doc = screening(&s, &a);
    assert_eq!(doc["household_draw"]["households"], 3);
    assert_eq!(doc["household_draw"]["chosen"], h.chosen);
    assert!(doc["proposal"].is_null() && doc["adults"].as_array().unwrap().is_empty());
    assert_eq!(journal(&s, &a)[0].0, "household_drawn");
    // No interview before the listing.
    assert!(matches!(s.start_interview(&a, None, None, Lang::Ru, at(18, 12)), Err(SessionError::NoRespondent)));
    // The draw is the same on another device with the same seed (seeded, reproducible).
    let (mut other, route2) = routed();
    let a2 = next(&mut other, &route2);
    assert_eq!(a2, a);
    assert_eq!(other.draw_household(&a2, 3, at(18, 11), Lang::Ru).unwrap().household.unwrap().chosen, h.chosen);
    // Drawing again with the same count shows the stored draw; another count is refused.
    assert_eq!(s.draw_household(&a, 3, at(18, 12), Lang::Ru).unwrap().household.unwrap().chosen, h.chosen);
    let err = s.draw_household(&a, 2, at(18, 12), Lang::En).unwrap_err();
    assert!(
        matches!(err, SessionError::Field(FieldworkError::HouseholdAlreadyDrawn { households: 3, chosen }) if chosen == h.chosen),
        "{err:?}"
    );
    assert!(err.message(Lang::En).contains("The draw is kept"), "{}", err.message(Lang::En));

    // Step 2: the drawn household's adults.
    let v = s.list_adults(&a, &[adult(1, "Серик", Sex::Male), adult(2, "Айгуль", Sex::Female)], None, at(18, 12), Lang::Ru).unwrap();
    assert!(v.household.as_ref().unwrap().listed);
    assert!(v.proposal.is_some());
    let kinds: Vec<String> = journal(&s, &a).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["household_drawn", "household_screened"]);
}

#[test]
fn a_re_screening_keeps_the_draw_needs_a_reason_and_is_flagged() {
    let (mut s, route) = routed();
    let a = next(&mut s, &route);
    s.draw_household(&a, 2, at(18, 11), Lang::Ru).unwrap();
    let drawn = screening(&s, &a)["household_draw"].clone();
    s.list_adults(&a, &[adult(1, "Серик", Sex::Male)], None, at(18, 12), Lang::Ru).unwrap();
    // Without a reason: refused, nothing changes.
    let before = screening(&s, &a);
    for reason in [None, Some("  ")] {
        let err = s.list_adults(&a, &[adult(1, "Айгуль", Sex::Female)], reason, at(18, 13), Lang::Kk).unwrap_err();
        assert!(matches!(err, SessionError::Field(FieldworkError::RescreenWithoutReason)), "{err:?}");
        assert!(err.message(Lang::Kk).contains("себебін көрсетіңіз"), "{}", err.message(Lang::Kk));
    }
    assert_eq!(screening(&s, &a), before);
    // With a reason: the draw stays, the earlier list is kept, the flag is stored, journaled and shown.
    let v = s
        .list_adults(
            &a,
            &[adult(1, "Айгуль", Sex::Female), adult(2, "Серик", Sex::Male)],
            Some("муж не глава, глава — жена"),
            at(18, 13),
            Lang::Ru,
        )
        .unwrap();
    let doc = screening(&s, &a);
    assert_eq!(doc["household_draw"], drawn, "the first draw is kept");
    assert_eq!(doc["adults"].as_array().unwrap().len(), 2);
    assert_eq!(doc["rescreens"][0]["reason"], "муж не глава, глава — жена");
    assert_eq!(doc["rescreens"][0]["previous_adults"][0]["name"], "Серик");
    assert_eq!(doc["rescreens"][0]["previous"]["line"], 1);
    let h = v.household.unwrap();
    assert_eq!((h.rescreens.len(), h.rescreens[0].reason.as_str()), (1, "муж не глава, глава — жена"));
    let j = journal(&s, &a);
    let last = j.last().unwrap();
    assert_eq!(last.0, "household_rescreened");
    let detail: Json = serde_json::from_str(last.1.as_deref().unwrap()).unwrap();
    assert_eq!(detail["reason"], json!("муж не глава, глава — жена"));
    assert_eq!(detail["previous"]["line"], 1);
    // The supervisor's report lists it.
    let r = s.field_report().unwrap();
    assert_eq!(r.rescreened.len(), 1);
    assert_eq!(
        (r.rescreened[0].address.as_str(), r.rescreened[0].reasons.as_slice()),
        (a.as_str(), &["муж не глава, глава — жена".to_string()][..])
    );
    assert_eq!(r.routes.iter().find(|x| x.id == route).unwrap().rescreened, 1);
}

#[test]
fn three_visits_on_one_evening_and_a_pending_appointment_do_not_close_an_address() {
    let (mut s, route) = routed();
    let a = next(&mut s, &route);
    // Saturday 23 October 2010, 18:00, 18:05, 18:10.
    for minute in [0, 5, 10] {
        s.log_visit(&a, &visit(31), at_min(23, 18, minute), Lang::Ru).unwrap();
    }
    let v = s.route_view(&route, Lang::Ru).unwrap().addresses.into_iter().find(|x| x.key == a).unwrap();
    assert!(!v.can_close);
    assert!(v.shortfall.as_deref().unwrap().contains("в разные дни 1 из 3"), "{:?}", v.shortfall);
    let err = s.close_address(&a, at_min(23, 18, 15), Lang::En).unwrap_err();
    assert!(err.message(Lang::En).contains("1/3 visits on different days"), "{}", err.message(Lang::En));
    // Monday: an appointment for Tuesday 19:00. Tuesday 12:00 (third day) is not the appointment.
    s.log_visit(&a, &VisitInput { appointment: Some("2010-10-26T19:00".into()), ..visit(21) }, at(25, 12), Lang::Ru).unwrap();
    s.log_visit(&a, &visit(31), at(26, 12), Lang::Ru).unwrap();
    let err = s.close_address(&a, at(26, 12), Lang::Kk).unwrap_err();
    assert!(matches!(err, SessionError::Field(FieldworkError::AppointmentPending { visit: 4, .. })), "{err:?}");
    assert!(err.message(Lang::Ru).contains("встреча, назначенная при визите 4 на 2010-10-26 19:00"), "{}", err.message(Lang::Ru));
    // Kept at 19:00: nobody there; now it closes (2.25, the respondent away).
    s.log_visit(&a, &visit(31), at(26, 19), Lang::Ru).unwrap();
    assert_eq!(s.close_address(&a, at(26, 19), Lang::Ru).unwrap().disposition.as_deref(), Some("2.25"));
}

#[test]
fn refusal_sub_codes_follow_what_the_visit_log_knows() {
    let (mut s, route) = routed();
    // A hard refusal at the door, before a respondent is chosen: the household's (2.111).
    let a = next(&mut s, &route);
    s.log_visit(&a, &visit(44), at(18, 11), Lang::Ru).unwrap();
    assert_eq!(s.close_address(&a, at(18, 11), Lang::Ru).unwrap().disposition.as_deref(), Some("2.111"));
    // After screening chose a respondent who is out (appointment), the hard refusal is hers (2.112).
    let b = next(&mut s, &route);
    let away = AdultInput { present: false, ..adult(1, "Галина", Sex::Female) };
    s.screen_household(&b, &[away], 1, at(18, 12), Lang::Ru).unwrap();
    s.log_visit(&b, &visit(44), at(19, 19), Lang::Ru).unwrap();
    assert_eq!(s.close_address(&b, at(19, 19), Lang::Ru).unwrap().disposition.as_deref(), Some("2.112"));
    // A dog at a house known to be lived in: unable to reach the housing unit (2.23), not 3.17.
    let c = next(&mut s, &route);
    s.log_visit(&c, &VisitInput { evidence_of_occupancy: true, ..visit(34) }, at(18, 13), Lang::Ru).unwrap();
    assert_eq!(s.close_address(&c, at(18, 13), Lang::Ru).unwrap().disposition.as_deref(), Some("2.23"));
    let d = next(&mut s, &route);
    s.log_visit(&d, &visit(34), at(18, 14), Lang::Ru).unwrap();
    assert_eq!(s.close_address(&d, at(18, 14), Lang::Ru).unwrap().disposition.as_deref(), Some("3.17"));
}

#[test]
fn a_refusal_before_screening_on_a_route_whose_other_sex_is_full_is_unknown_eligibility() {
    // A session on a file, so that a second handle can write the cell (as a device restored from the
    // supervisor's copy would have it): the men's places of the route are all taken (achieved).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let q = dala_session::load_study(&study_dir()).unwrap();
    let fw = dala_session::field::load_fieldwork(&study_dir()).unwrap();
    let mut s = Session::with_parts(q, Store::open_without_lock(&db, Utc::now()).unwrap()).with_fieldwork(fw);
    let route = s.draw_city_routes("almaty", 2010, None, false, at(18, 9)).unwrap().routes[0].id.clone();
    let mut other = Store::open_without_lock(&db, Utc::now()).unwrap();
    let mut cell: Json = serde_json::from_str(&other.route(&route).unwrap().quota).unwrap();
    cell["male"] = cell["target_male"].clone();
    other.update_route(&route, Some(&cell.to_string()), None, "quota_restored", None, Utc::now()).unwrap();
    let a = next(&mut s, &route);
    s.log_visit(&a, &visit(44), at(18, 11), Lang::Ru).unwrap();
    let stored: Json = serde_json::from_str(&s.store().address(&a).unwrap().unwrap().log).unwrap();
    assert_eq!(stored["visits"][0]["full_sexes"], json!(["male"]));
    let v = s.close_address(&a, at(18, 11), Lang::Ru).unwrap();
    assert_eq!(v.disposition.as_deref(), Some("3.21"));
    assert!(v.disposition_label.unwrap().contains("пригодность неизвестна"));
}

#[test]
fn the_provisional_report_counts_open_addresses() {
    let (mut s, route) = routed();
    let a = next(&mut s, &route);
    s.log_visit(&a, &visit(44), at(18, 11), Lang::Ru).unwrap();
    s.close_address(&a, at(18, 11), Lang::Ru).unwrap();
    let b = next(&mut s, &route);
    s.log_visit(&b, &VisitInput { evidence_of_occupancy: true, ..visit(31) }, at(18, 12), Lang::Ru).unwrap();
    let fin = s.field_report().unwrap();
    assert_eq!((fin.mode, fin.open, fin.provisional, fin.dispositions.r, fin.dispositions.nc), (ReportMode::Final, 1, 0, 1, 0));
    let prov = s.field_report_in(ReportMode::Provisional).unwrap();
    assert_eq!((prov.mode, prov.open, prov.provisional, prov.dispositions.r, prov.dispositions.nc), (ReportMode::Provisional, 1, 1, 1, 1));
    assert_eq!((fin.rates.rr1, prov.rates.rr1), (Some(0.0), Some(0.0)));
    assert_eq!(prov.rates.ref1, Some(0.5));
}
