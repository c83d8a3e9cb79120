//! Issue 7, the random route through the session: a block that cannot be entered yields cases with
//! call-backs and their own dispositions, a route that runs out continues by itself (reproducibly), and
//! a draw names the frame it was made from.

use chrono::Utc;
use dala_questionnaire::Lang;
use dala_session::field::{sha256_hex, BuildingInput, GuidanceKind, VisitInput, WalkAction};
use dala_session::Session;
use dala_store::Store;

mod common;
use common::{approach_next, at, study_dir};

fn session() -> Session {
    let q = dala_session::load_study(&study_dir()).unwrap();
    let fw = dala_session::field::load_fieldwork(&study_dir()).unwrap();
    Session::with_parts(q, Store::open_in_memory(Utc::now()).unwrap()).with_fieldwork(fw)
}

fn locked_visit() -> VisitInput {
    VisitInput {
        outcome: 32,
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

#[test]
fn a_block_that_cannot_be_entered_gives_cases_that_close_as_unable_to_enter() {
    let mut s = session();
    let draw = s.draw_city_routes("almaty", 2010, Some(3), false, at(18, 9)).unwrap();
    let route = draw.routes[0].id.clone();
    let first = approach_next(&mut s, &route);
    let house: u32 = first.split("/h").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    // The building turns out to be a block whose entrance is locked: without its flats it is refused …
    let err =
        s.walk(&route, WalkAction::DescribeBuilding { house, building: BuildingInput::RefusedAccess }, at(18, 10), Lang::Kk).unwrap_err();
    assert!(err.message(Lang::Kk).contains("пәтерлерін көрсетіңіз"), "{}", err.message(Lang::Kk));
    // … and with the flat range on its signs, its selected flats become addresses.
    let view = s
        .walk(
            &route,
            WalkAction::DescribeBuilding { house, building: BuildingInput::LockedFlatRange { first: 1, last: 30 } },
            at(18, 10),
            Lang::Ru,
        )
        .unwrap();
    assert_eq!(view.guidance.kind, GuidanceKind::Approach);
    let a = view.guidance.address.unwrap();
    assert!(a.locked && a.key.contains(&format!("/h{house}/f")), "{a:?}");
    assert_eq!(a.chance.as_deref(), Some("1/5"), "every fifth flat, as the report says");
    assert!(view.guidance.hint.unwrap().contains("32"), "the guidance says how to log a locked entrance");
    // Call-backs like any address: one visit does not close it, the minimum visits do (2.23: known occupied).
    s.log_visit(&a.key, &locked_visit(), at(18, 11), Lang::Ru).unwrap();
    assert!(s.close_address(&a.key, at(18, 12), Lang::Ru).is_err());
    s.log_visit(&a.key, &locked_visit(), at(19, 19), Lang::Ru).unwrap();
    let v = s.log_visit(&a.key, &locked_visit(), at(23, 11), Lang::Ru).unwrap();
    assert!(v.can_close, "{v:?}");
    let closed = s.close_address(&a.key, at(23, 12), Lang::Ru).unwrap();
    assert_eq!(closed.disposition.as_deref(), Some("2.23"));
    // The next flat of the same block is the next address, not the next block's.
    let view = s.walk(&route, WalkAction::NextAddress, at(23, 12), Lang::Ru).unwrap();
    let next = view.guidance.address.unwrap();
    assert!(next.locked && next.key.contains(&format!("/h{house}/f")), "{next:?}");
}

/// Walks a route to its end without interviewing (every building a single house) and returns
/// the street of the first address on the continuation segment.
fn continued_street(seed: u64) -> (String, String) {
    let mut s = session();
    let draw = s.draw_city_routes("pavlodar", seed, Some(2), false, at(18, 9)).unwrap();
    let route = draw.routes[0].id.clone();
    for _ in 0..2_000 {
        let v = s.route_view(&route, Lang::Ru).unwrap();
        match v.guidance.kind {
            GuidanceKind::Approach => {
                let a = v.guidance.address.unwrap();
                if a.key.contains("/s1/") {
                    return (draw.routes[0].street.clone(), a.label);
                }
                s.walk(&route, WalkAction::NextAddress, at(18, 10), Lang::Ru).unwrap();
            }
            GuidanceKind::DescribeBuilding => {
                let house = v.guidance.house.unwrap();
                s.walk(&route, WalkAction::DescribeBuilding { house, building: BuildingInput::SingleHouse }, at(18, 10), Lang::Ru).unwrap();
            }
            GuidanceKind::NeedsContinuation => panic!("the route should continue by itself"),
        }
    }
    panic!("no continuation after 2000 steps");
}

#[test]
fn a_route_that_runs_out_continues_on_a_drawn_street_reproducibly() {
    let (street, label) = continued_street(5);
    assert!(!label.starts_with(&street), "a new street: {label} after {street}");
    assert_eq!(continued_street(5), (street, label), "the same seed continues the same way");
}

#[test]
fn a_draw_names_the_sha256_of_its_frame_file() {
    let mut s = session();
    let draw = s.draw_city_routes("karaganda", 1, Some(2), false, at(18, 9)).unwrap();
    let bytes = std::fs::read(study_dir().join("frames/karaganda.csv")).unwrap();
    assert_eq!(draw.frame_sha256.as_deref(), Some(sha256_hex(&bytes).as_str()));
    assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert!(draw.to_json().contains("\"frame_sha256\""));
}
