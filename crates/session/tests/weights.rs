//! Issue 9, point 2: design and respondent weights over a small simulated fieldwork.
//!
//! Two interviewers' devices walk routes in Almaty (routes drawn uniformly: 50 of the frame's 70
//! streets) and Karaganda (drawn by dwellings) through the session, as the simulator does: buildings
//! drawn as single houses, apartment blocks or shops, households refusing, several households at an
//! address, one to three adults of either sex, interviews answered and completed. The weights are
//! checked on each device's database and on the supervisor's database that imports both devices'
//! packages, and against a frame that no longer reproduces the draw.

use std::cell::Cell;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dala_fieldwork::frame::parse_frame;
use dala_fieldwork::rng;
use dala_fieldwork::walk::DwellingType;
use dala_fieldwork::weights::successive_pps_inclusion;
use dala_fieldwork::Sex;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::field::{AdultInput, BuildingInput, Fieldwork, GuidanceKind, ProposalOutcome, VisitInput, WalkAction, When};
use dala_session::weights::{weights, NoWeight, Weights};
use dala_session::Session;
use dala_store::{InterviewStatus, Store};
use dala_sync::{Role, SecretKey};
use serde_json::{json, Value as Json};

#[allow(dead_code)] // the walk helpers of the other tests
mod common;
use common::study_dir;

/// A fieldwork clock: every call is a minute later than the one before, from 2010-10-18 09:00.
struct Clock(Cell<i64>);

impl Clock {
    fn next(&self) -> When {
        self.0.set(self.0.get() + 1);
        let local = NaiveDate::from_ymd_opt(2010, 10, 18).unwrap().and_hms_opt(9, 0, 0).unwrap() + Duration::minutes(self.0.get());
        When { utc: Utc.from_utc_datetime(&local), local }
    }
}

fn fieldwork() -> Fieldwork {
    dala_session::field::load_fieldwork(&study_dir()).unwrap().unwrap()
}

fn session() -> Session {
    let q = dala_session::load_study(&study_dir()).unwrap();
    Session::with_parts(q, Store::open_in_memory(Utc::now()).unwrap()).with_fieldwork(Some(fieldwork()))
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

/// What the test screened at an address: the households there and the adults listed.
#[derive(Clone, Debug)]
struct Screened {
    households: u32,
    adults: Vec<Sex>,
}

/// Answers the interview for the listed adults (line 1 the head, line 2 the spouse, others siblings,
/// all permanent and deciding with the head) and completes it.
fn answer_and_complete(s: &mut Session, id: &str, adults: &[Sex], clock: &Clock) {
    let sexes = adults.to_vec();
    let overrides = move |k: &AnswerKey| -> Option<Json> {
        let sex = |m: u32| sexes.get(m as usize - 1).copied();
        match (k.question.as_str(), k.roster.as_slice()) {
            ("Q101", _) => Some(json!(sexes.len())),
            ("Q103", [m]) => Some(json!(match m {
                1 => 1,
                2 => 2,
                _ => 8,
            })),
            ("Q104", [m]) => sex(*m).map(|s| json!(if s == Sex::Male { 1 } else { 2 })),
            ("Q105", [_]) => Some(json!(1966)),
            ("Q110", [_]) | ("Q112", [_]) => Some(json!(1)),
            _ => None,
        }
    };
    let start = clock.next().utc;
    let n = Cell::new(0i64);
    let answers_clock = || -> DateTime<Utc> {
        n.set(n.get() + 1);
        start + Duration::milliseconds(200 * n.get())
    };
    let report = dala_session::autofill::fill_at(s, id, adults.len(), &overrides, &answers_clock).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    // Past the answers' own times.
    for _ in 0..60 {
        clock.next();
    }
    s.complete_only(id, clock.next().utc).unwrap();
}

/// Walks `route` until it has `completes` completed interviews, drawing what each building is, whether
/// a household refuses, how many households an address has and its adults from `seed`. Returns what
/// was screened per address key.
fn walk(s: &mut Session, route: &str, completes: usize, seed: u64, clock: &Clock) -> BTreeMap<String, Screened> {
    let mut r = rng::stream(seed);
    let mut screened = BTreeMap::new();
    let mut done = 0;
    for _ in 0..400 {
        if done == completes {
            return screened;
        }
        let g = s.route_view(route, Lang::Ru).unwrap().guidance;
        match g.kind {
            GuidanceKind::DescribeBuilding => {
                let house = g.house.unwrap();
                let building = match rng::below(&mut r, 10) {
                    0..=4 => BuildingInput::SingleHouse,
                    5..=7 => BuildingInput::ApartmentBlock {
                        flats_per_entrance: vec![[8, 12, 20][rng::below(&mut r, 3) as usize]; 1 + rng::below(&mut r, 3) as usize],
                        first_flat: None,
                    },
                    8 => BuildingInput::NonResidential,
                    _ => BuildingInput::NoSuchNumber,
                };
                s.walk(route, WalkAction::DescribeBuilding { house, building }, clock.next(), Lang::Ru).unwrap();
            }
            GuidanceKind::Approach => {
                let key = g.address.unwrap().key;
                if s.store().address(&key).unwrap().is_some() {
                    s.walk(route, WalkAction::NextAddress, clock.next(), Lang::Ru).unwrap();
                    continue;
                }
                if rng::below(&mut r, 6) == 0 {
                    s.log_visit(&key, &visit(44), clock.next(), Lang::Ru).unwrap();
                    s.close_address(&key, clock.next(), Lang::Ru).unwrap();
                    continue;
                }
                let households = 1 + u32::from(rng::below(&mut r, 4) == 0) * (1 + rng::below(&mut r, 2) as u32);
                let adults: Vec<Sex> = (0..1 + rng::below(&mut r, 3)).map(|_| Sex::ALL[rng::below(&mut r, 2) as usize]).collect();
                let input: Vec<AdultInput> = adults
                    .iter()
                    .enumerate()
                    .map(|(i, sex)| AdultInput {
                        line: i as u32 + 1,
                        name: format!("взрослый {}", i + 1),
                        sex: *sex,
                        age: 54,
                        permanent: true,
                        head: i == 0,
                        co_decision_maker: i > 0,
                        present: true,
                    })
                    .collect();
                let view = s.screen_household(&key, &input, households, clock.next(), Lang::Ru).unwrap();
                screened.insert(key.clone(), Screened { households, adults: adults.clone() });
                if view.proposal.unwrap().outcome == ProposalOutcome::QuotaFilled {
                    s.log_visit(&key, &visit(65), clock.next(), Lang::Ru).unwrap();
                    s.close_address(&key, clock.next(), Lang::Ru).unwrap();
                    continue;
                }
                let id = s.start_interview(&key, None, None, Lang::Ru, clock.next()).unwrap().interview.id;
                answer_and_complete(s, &id, &adults, clock);
                done += 1;
            }
            GuidanceKind::NeedsContinuation => panic!("route {route} ran out"),
        }
    }
    panic!("route {route}: {done} completes after 400 steps");
}

struct Device {
    s: Session,
    screened: BTreeMap<String, Screened>,
}

/// A device: draws both cities' routes (the same seeds on every device, as the simulator does) and
/// walks the routes given, three completes each.
fn device(routes: &[&str], seed: u64) -> Device {
    let mut s = session();
    let clock = Clock(Cell::new(0));
    s.draw_city_routes("almaty", 2010, None, false, clock.next()).unwrap();
    s.draw_city_routes("karaganda", 2011, None, true, clock.next()).unwrap();
    let mut screened = BTreeMap::new();
    for (i, route) in routes.iter().enumerate() {
        screened.extend(walk(&mut s, route, 3, rng::derive_seed(seed, route) + i as u64, &clock));
    }
    Device { s, screened }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// What every weights result must satisfy: completes from fieldwork have positive finite weights;
/// per city the respondent weights keep the total of design × pool and give the population's female
/// share; the normalized weights average 1 over the city's completes.
fn check_sums(w: &Weights) {
    for iw in &w.interviews {
        if iw.status == InterviewStatus::Completed && iw.address_key.is_some() {
            for x in [iw.design_weight, iw.respondent_weight, iw.design_weight_normalized, iw.respondent_weight_normalized] {
                let x = x.unwrap_or_else(|| panic!("{iw:#?}"));
                assert!(x.is_finite() && x > 0.0, "{iw:#?}");
            }
            assert!(iw.selection_pool.unwrap() >= 1 && iw.selection_pool <= iw.eligible_adults);
        }
    }
    for c in &w.cities {
        let mine: Vec<_> =
            w.interviews.iter().filter(|i| i.city.as_deref() == Some(c.city.as_str()) && i.respondent_weight.is_some()).collect();
        assert_eq!(c.completes_weighted as usize, mine.len());
        if mine.is_empty() {
            continue;
        }
        let base: f64 = mine.iter().map(|i| i.design_weight.unwrap() * f64::from(i.selection_pool.unwrap())).sum();
        let resp: f64 = mine.iter().map(|i| i.respondent_weight.unwrap()).sum();
        assert!(close(base, resp) && close(resp, c.respondent_sum), "{}: Σ design × pool {base} vs Σ respondent {resp}", c.city);
        let women: f64 = mine.iter().filter(|i| i.sex == Some(Sex::Female)).map(|i| i.respondent_weight.unwrap()).sum();
        let both = mine.iter().any(|i| i.sex == Some(Sex::Female)) && mine.iter().any(|i| i.sex == Some(Sex::Male));
        assert_eq!(c.calibrated, both, "{}: calibrated iff completes of both sexes", c.city);
        if both {
            assert!(close(women / resp, c.female_target.unwrap()), "{}: weighted female share {}", c.city, women / resp);
            assert_eq!(c.female_share_after, Some(women / resp));
        } else {
            assert!(mine.iter().all(|i| i.sex_factor == Some(1.0)), "{}: one sex only, nothing to match", c.city);
        }
        let n = mine.len() as f64;
        assert!(close(mine.iter().map(|i| i.design_weight_normalized.unwrap()).sum::<f64>() / n, 1.0));
        assert!(close(mine.iter().map(|i| i.respondent_weight_normalized.unwrap()).sum::<f64>() / n, 1.0));
    }
}

#[test]
fn every_complete_from_fieldwork_gets_the_weight_its_recorded_probabilities_give() {
    let mut a = device(&["almaty-R01", "almaty-R02", "karaganda-R01", "karaganda-R02"], 7);
    // An interview not started from fieldwork, and one started at an address but not completed.
    let clock = Clock(Cell::new(10_000));
    let free = a.s.create(Lang::Ru, clock.next().utc).unwrap();
    let w = weights(a.s.store(), &fieldwork()).unwrap();
    assert_eq!(a.s.weights().unwrap(), w, "the session's method reads the same");
    check_sums(&w);

    let f = w.get(&free).unwrap();
    assert_eq!((f.design_weight, f.respondent_weight), (None, None));
    assert_eq!((f.no_design_weight, f.no_respondent_weight), (Some(NoWeight::NotFromFieldwork), Some(NoWeight::NotFromFieldwork)));

    let frame = parse_frame(include_str!("../../../schema/kmrs-2010/frames/karaganda.csv")).unwrap();
    let sizes: Vec<u64> = frame.streets.iter().map(|s| u64::from(s.dwellings.unwrap())).collect();
    let karaganda_pi = successive_pps_inclusion(&sizes, 45);
    let almaty_streets = parse_frame(include_str!("../../../schema/kmrs-2010/frames/almaty.csv")).unwrap();
    let mut completes = 0;
    for iw in w.interviews.iter().filter(|i| i.address_key.is_some()) {
        completes += 1;
        let key = iw.address_key.as_ref().unwrap();
        let screened = &a.screened[key];
        // The inputs are what fieldwork recorded.
        assert_eq!(iw.households, Some(screened.households), "{key}");
        assert_eq!(iw.eligible_adults, Some(screened.adults.len() as u32), "{key}");
        let chance = iw.chance.unwrap();
        match iw.dwelling.unwrap() {
            DwellingType::SingleHouse => assert_eq!((iw.chance_num, iw.chance_den), (Some(1), Some(2)), "every 2nd house: {key}"),
            DwellingType::Flat => assert_eq!((iw.chance_num, iw.chance_den), (Some(1), Some(5)), "every 5th flat: {key}"),
        }
        let route = a.s.store().route(iw.route_id.as_ref().unwrap()).unwrap();
        let drawn: dala_fieldwork::draw::Route = serde_json::from_str(&route.route).unwrap();
        let pi = iw.route_probability.unwrap();
        let frame_dwellings = |f: &dala_fieldwork::frame::Frame| f.streets.iter().find(|s| s.line == drawn.frame_line).unwrap().dwellings;
        if iw.city.as_deref() == Some("almaty") {
            // Uniform: 50 routes from the frame's 70 streets.
            assert_eq!(almaty_streets.streets.len(), 70);
            assert_eq!(pi, 50.0 / 70.0);
            assert_eq!(iw.street_dwellings, frame_dwellings(&almaty_streets));
        } else {
            // By dwellings: the street's probability in the draw of 45 of Karaganda's streets.
            let index = frame.streets.iter().position(|s| s.line == drawn.frame_line).unwrap();
            assert!(close(pi, karaganda_pi[index]) && pi > 0.0 && pi < 1.0, "{pi} vs {}", karaganda_pi[index]);
            assert_eq!(iw.street_dwellings, frame_dwellings(&frame));
        }
        let share = (f64::from(iw.walked_dwellings.unwrap()) / f64::from(iw.street_dwellings.unwrap())).min(1.0);
        assert_eq!(iw.route_share, Some(share));
        assert!(iw.walked_dwellings.unwrap() > 0 && iw.route_share_known == Some(true));
        // d = households / (π × share × chance).
        let d = f64::from(screened.households) / (pi * share * chance);
        assert!(close(iw.design_weight.unwrap(), d), "{key}: {:?} vs {d}", iw.design_weight);
        // r = d × pool × the city's factor for the respondent's sex.
        let r = d * f64::from(iw.selection_pool.unwrap()) * iw.sex_factor.unwrap();
        assert!(close(iw.respondent_weight.unwrap(), r));
        assert!(screened.adults.contains(&iw.sex.unwrap()));
    }
    assert_eq!(completes, 12, "3 completes on each of 4 routes");
    let mut pools: Vec<u32> = w.interviews.iter().filter_map(|i| i.selection_pool).collect();
    pools.sort_unstable();
    pools.dedup();
    assert!(pools.len() > 1, "households with one and with several adults to draw from: {pools:?}");
    let almaty = w.cities.iter().find(|c| c.city == "almaty").unwrap();
    assert_eq!((almaty.routes_drawn, almaty.weighted_draw, almaty.draw_replays, almaty.completes), (50, false, true, 6));
    assert_eq!(w.cities.iter().find(|c| c.city == "karaganda").unwrap().routes_drawn, 45);

    // A frame that no longer reproduces the Almaty draw (a street removed) gives Almaty no weights, and
    // says why; Karaganda's are unchanged.
    let mut changed = fieldwork();
    let gone = changed.frame.streets.iter().position(|s| s.city == "almaty").unwrap();
    changed.frame.streets.remove(gone);
    let w2 = weights(a.s.store(), &changed).unwrap();
    for (x, y) in w.interviews.iter().zip(&w2.interviews) {
        if x.city.as_deref() == Some("almaty") {
            assert_eq!(
                (y.design_weight, y.no_design_weight, y.no_respondent_weight),
                (None, Some(NoWeight::FrameDiffers), Some(NoWeight::FrameDiffers))
            );
        } else if x.city.is_some() {
            assert_eq!(x.design_weight, y.design_weight);
        }
    }
    assert!(!w2.cities.iter().find(|c| c.city == "almaty").unwrap().draw_replays);

    // An interview started and not completed has a design weight and no respondent weight.
    let b = &mut a.s;
    let clock = Clock(Cell::new(20_000));
    let route = "almaty-R03";
    let mut started = None;
    for _ in 0..100 {
        let g = b.route_view(route, Lang::Ru).unwrap().guidance;
        match g.kind {
            GuidanceKind::DescribeBuilding => {
                b.walk(
                    route,
                    WalkAction::DescribeBuilding { house: g.house.unwrap(), building: BuildingInput::SingleHouse },
                    clock.next(),
                    Lang::Ru,
                )
                .unwrap();
            }
            _ => {
                let key = g.address.unwrap().key;
                let adult = AdultInput {
                    line: 1,
                    name: "Айгүл".into(),
                    sex: Sex::Female,
                    age: 40,
                    permanent: true,
                    head: true,
                    co_decision_maker: false,
                    present: true,
                };
                b.screen_household(&key, &[adult], 1, clock.next(), Lang::Ru).unwrap();
                started = Some(b.start_interview(&key, None, None, Lang::Ru, clock.next()).unwrap().interview.id);
                break;
            }
        }
    }
    let w3 = b.weights().unwrap();
    let open = w3.get(&started.unwrap()).unwrap();
    assert!(open.design_weight.is_some_and(|d| d > 0.0) && open.respondent_weight.is_none(), "{open:#?}");
    assert_eq!(open.no_respondent_weight, Some(NoWeight::NotCompleted));
    check_sums(&w3);
}

#[test]
fn a_merged_database_gives_each_interview_its_devices_design_weight() {
    let mut a = device(&["almaty-R01", "karaganda-R01"], 31);
    let mut b = device(&["almaty-R02", "karaganda-R02"], 32);
    let dir = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2010, 10, 30, 9, 0, 0).unwrap();
    let (ka, kb) = (SecretKey::generate(Role::Interviewer, "ann", [1; 32]), SecretKey::generate(Role::Interviewer, "bek", [2; 32]));
    let sup = SecretKey::generate(Role::Supervisor, "sup", [3; 32]);
    let (pa, pb) = (dir.path().join("a.dala"), dir.path().join("b.dala"));
    a.s.export_package(&ka, &[sup.public()], &pa, false, now).unwrap();
    b.s.export_package(&kb, &[sup.public()], &pb, false, now).unwrap();
    let mut merged = Store::open_in_memory(now).unwrap();
    let report = dala_session::sync::import_packages(&mut merged, &sup, &[ka.public(), kb.public()], &[pa, pb], Lang::En, now, |_, _| {});
    assert!(report.rejected.is_empty(), "{report:?}");

    let fw = fieldwork();
    let (wa, wb, wm) = (weights(a.s.store(), &fw).unwrap(), weights(b.s.store(), &fw).unwrap(), weights(&merged, &fw).unwrap());
    check_sums(&wa);
    check_sums(&wb);
    check_sums(&wm);
    let devices: Vec<_> = wa.interviews.iter().chain(&wb.interviews).collect();
    assert_eq!(wm.interviews.len(), devices.len());
    assert_eq!(devices.len(), 12);
    for d in devices {
        let m = wm.get(&d.interview_id).unwrap();
        assert_eq!(
            (&m.city, &m.route_id, m.households, m.selection_pool, m.sex),
            (&d.city, &d.route_id, d.households, d.selection_pool, d.sex)
        );
        assert_eq!((m.route_probability, m.route_share), (d.route_probability, d.route_share));
        assert!(close(m.design_weight.unwrap(), d.design_weight.unwrap()));
    }
    // The merged city holds both devices' completes; its sex factors are computed over all of them.
    for city in &wm.cities {
        assert_eq!(city.completes_weighted, 6, "{}: three completes from each device", city.city);
        assert!(city.calibrated, "{}: both sexes among the merged completes", city.city);
    }
}
