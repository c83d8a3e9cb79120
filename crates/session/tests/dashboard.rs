//! Issue 8, point 4: the supervisor dashboard. A fieldwork is built through the session (two
//! interviewers' routes, screened households, interviews answered on a controlled clock, visits,
//! a refusal and call-backs), and each figure and each paradata flag is shown both to hold and to
//! stay quiet where it should.

use std::cell::Cell;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dala_fieldwork::Sex;
use dala_questionnaire::expr::Missing;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::dashboard::{dashboard, DashboardFilter, DashboardView, FlagKind, InterviewerView, RiskKind};
use dala_session::field::{AdultInput, VisitInput, WalkAction, When};
use dala_session::Session;
use dala_store::Store;
use serde_json::{json, Value as Json};

mod common;
use common::{approach_next, study_dir};

fn when(day: u32, hour: u32, minute: u32) -> When {
    let local = NaiveDate::from_ymd_opt(2010, 10, day).unwrap().and_hms_opt(hour, minute, 0).unwrap();
    When { utc: Utc.from_utc_datetime(&local), local }
}

fn adult(sex: Sex) -> AdultInput {
    AdultInput { line: 1, name: "Айгүл".into(), sex, age: 44, permanent: true, head: true, co_decision_maker: false, present: true }
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

/// Moves the walk on to the next address to approach.
fn next_target(s: &mut Session, route: &str) -> String {
    if let Some(a) = s.route_view(route, Lang::Ru).unwrap().guidance.address {
        if s.store().address(&a.key).unwrap().is_some() {
            s.walk(route, WalkAction::NextAddress, when(18, 9, 0), Lang::Ru).unwrap();
        }
    }
    approach_next(s, route)
}

/// How an interview is answered: the gap between answers, an optional long pause after the 20th
/// answer, and whether every question allowing it is answered "don't know".
#[derive(Clone, Copy)]
struct Pace {
    step_ms: i64,
    pause_minutes: i64,
    dont_know: bool,
}

const NORMAL: Pace = Pace { step_ms: 10_000, pause_minutes: 0, dont_know: false };

/// Screens a one-adult household at the route's next address, starts its interview at `start`,
/// answers it on the pace's clock and completes it `minutes` after the start. Returns its id.
fn interview(s: &mut Session, route: &str, sex: Sex, start: When, minutes: i64, pace: Pace) -> String {
    let key = next_target(s, route);
    s.screen_household(&key, &[adult(sex)], 1, start, Lang::Ru).unwrap();
    let id = s.start_interview(&key, None, None, Lang::Ru, start).unwrap().interview.id;
    let q = s.study().clone();
    let dk: std::collections::HashSet<String> =
        q.questions.iter().filter(|x| pace.dont_know && x.special.contains(&Missing::DontKnow)).map(|x| x.id.clone()).collect();
    let overrides = move |k: &AnswerKey| -> Option<Json> {
        match (k.question.as_str(), k.roster.as_slice()) {
            ("Q101", _) => Some(json!(1)),
            ("Q103", [_]) => Some(json!(1)),
            ("Q104", [_]) => Some(json!(if sex == Sex::Male { 1 } else { 2 })),
            ("Q105", [_]) => Some(json!(1966)),
            ("Q110", [_]) | ("Q112", [_]) => Some(json!(1)),
            (qid, _) if dk.contains(qid) => Some(json!(Missing::DontKnow.code())),
            _ => None,
        }
    };
    let n = Cell::new(0i64);
    let clock = || {
        n.set(n.get() + 1);
        let pause = if pace.pause_minutes > 0 && n.get() > 20 { Duration::minutes(pace.pause_minutes) } else { Duration::zero() };
        start.utc + Duration::milliseconds(pace.step_ms * n.get()) + pause
    };
    dala_session::autofill::fill_at(s, &id, 1, &overrides, &clock).unwrap();
    let end = start.utc + Duration::minutes(minutes);
    assert!(clock() < end, "the answers of {id} run past its completion");
    s.complete_only(&id, end).unwrap();
    id
}

struct Field {
    s: Session,
    route_a: String,
    route_b: String,
    short: String,
    normal: Vec<String>,
    paused: String,
    late: String,
    dont_know: String,
    changed: String,
    waiting: String,
}

/// Interviewer A: three normal interviews (30 min) on the 18th and 19th and a 3-minute one, a
/// household refusal and an address owing an appointment. Interviewer B: one interview with a 25-minute
/// pause (60 min), one at 21:40–22:15, one answered "don't know" throughout, one changed after completion.
fn fieldwork() -> Field {
    let q = dala_session::load_study(&study_dir()).unwrap();
    let fw = dala_session::field::load_fieldwork(&study_dir()).unwrap();
    let mut s = Session::with_parts(q, Store::open_in_memory(Utc::now()).unwrap()).with_fieldwork(fw);
    let draw = s.draw_city_routes("almaty", 2010, None, false, when(17, 9, 0)).unwrap();
    let (route_a, route_b) = (draw.routes[0].id.clone(), draw.routes[1].id.clone());
    s.assign_routes(std::slice::from_ref(&route_a), Some("int-A"), when(17, 9, 0)).unwrap();
    s.assign_routes(std::slice::from_ref(&route_b), Some("int-B"), when(17, 9, 0)).unwrap();

    let mut normal = vec![
        interview(&mut s, &route_a, Sex::Female, when(18, 10, 0), 30, NORMAL),
        interview(&mut s, &route_a, Sex::Male, when(18, 11, 0), 30, NORMAL),
    ];
    let short = interview(&mut s, &route_a, Sex::Female, when(18, 12, 0), 3, Pace { step_ms: 300, ..NORMAL });
    normal.push(interview(&mut s, &route_a, Sex::Female, when(19, 10, 0), 32, NORMAL));
    // A household refusal that closes at once (44) and an appointment still owed.
    let refused = next_target(&mut s, &route_a);
    s.log_visit(&refused, &visit(44), when(19, 12, 0), Lang::Ru).unwrap();
    s.close_address(&refused, when(19, 12, 0), Lang::Ru).unwrap();
    let waiting = next_target(&mut s, &route_a);
    s.log_visit(&waiting, &VisitInput { appointment: Some("2010-10-21T18:30".into()), ..visit(21) }, when(19, 13, 0), Lang::Ru).unwrap();

    let paused = interview(&mut s, &route_b, Sex::Female, when(18, 10, 0), 60, Pace { pause_minutes: 25, ..NORMAL });
    let late = interview(&mut s, &route_b, Sex::Male, when(18, 21, 40), 35, NORMAL);
    let dont_know = interview(&mut s, &route_b, Sex::Female, when(19, 10, 0), 30, Pace { dont_know: true, ..NORMAL });
    let changed = interview(&mut s, &route_b, Sex::Male, when(19, 11, 0), 30, NORMAL);
    // The session refuses to change a completed interview; merged data can still carry such a change
    // (another device's copy edited after it completed), so the entry is written as a merge would.
    let done = s.store().interview(&changed).unwrap().completed_at.unwrap();
    let after = DateTime::parse_from_rfc3339(&done).unwrap().with_timezone(&Utc) + Duration::minutes(90);
    s.store()
        .connection()
        .execute(
            "INSERT INTO journal (id, interview_id, device_id, at, kind, question, roster, old_value, new_value)
             VALUES ('merged-1', ?1, 'tablet-2', ?2, 'answer_changed', 'Q105', '1', '1966', '1970')",
            [&changed, &after.to_rfc3339()],
        )
        .unwrap();
    Field { s, route_a, route_b, short, normal, paused, late, dont_know, changed, waiting }
}

fn view(f: &Field, filter: &DashboardFilter, now: DateTime<Utc>) -> DashboardView {
    let fw = f.s.fieldwork().unwrap();
    dashboard(f.s.store(), fw, f.s.study(), filter, now, Lang::En).unwrap()
}

fn who<'a>(v: &'a DashboardView, id: &str) -> &'a InterviewerView {
    v.interviewers.iter().find(|i| i.id == id).unwrap_or_else(|| panic!("no interviewer {id}"))
}

fn flagged(i: &InterviewerView, kind: FlagKind) -> Vec<String> {
    i.flags.iter().filter(|f| f.kind == kind).flat_map(|f| f.interviews.iter().map(|x| x.id.clone())).collect()
}

fn utc(day: u32, hour: u32) -> DateTime<Utc> {
    when(day, hour, 0).utc
}

#[test]
fn the_dashboard_counts_routes_quotas_outcomes_and_flags_each_suspect_interview() {
    let f = fieldwork();
    let v = view(&f, &DashboardFilter::default(), utc(19, 20));

    // Routes: targets from the plan, completes by sex, visits, the appointment still owed.
    let a = v.routes.iter().find(|r| r.id == f.route_a).unwrap();
    assert_eq!((a.city.as_str(), a.interviewer.as_deref()), ("almaty", Some("int-A")));
    assert_eq!((a.completes, a.female, a.male, a.target), (4, 3, 1, 11));
    assert_eq!((a.target_female, a.target_male), (6, 5));
    assert_eq!(a.visits, 6, "4 completes, the refusal and the appointment");
    assert_eq!(a.addresses, 6);
    assert_eq!(a.awaiting_callback, 1, "the address owing its appointment ({})", f.waiting);
    assert!(a.last_activity.as_deref().unwrap().starts_with("2010-10-19T"), "{:?}", a.last_activity);
    assert!(!a.at_risk, "{:?}", a.risks);
    let b = v.routes.iter().find(|r| r.id == f.route_b).unwrap();
    assert_eq!((b.completes, b.female, b.male, b.awaiting_callback), (4, 2, 2, 0));
    assert_eq!(v.routes.len(), 190, "every route of the plan, worked or not");

    // The city's quota: the targets of all its routes, the completes by sex.
    let almaty = v.cities.iter().find(|c| c.city == "almaty").unwrap();
    assert_eq!((almaty.target_female, almaty.target_male, almaty.female, almaty.male), (300, 250, 5, 3));
    assert_eq!(almaty.name, "Almaty");

    // Outcomes: 8 completes and 1 refusal closed; the appointment is open (final report: not counted).
    assert_eq!((v.overall.dispositions.i, v.overall.dispositions.r), (8, 1));
    assert_eq!(v.overall.rr1, Some(8.0 / 9.0));
    assert_eq!(v.overall.ref1, Some(1.0 / 9.0));
    assert_eq!(v.overall.coop1, Some(8.0 / 9.0));
    assert_eq!(v.overall.con1, Some(1.0));
    let by_a = v.outcomes_by_interviewer.iter().find(|o| o.id == "int-A").unwrap();
    assert_eq!((by_a.dispositions.i, by_a.dispositions.r, by_a.rr1), (4, 1, Some(0.8)));
    let by_b = v.outcomes_by_route.iter().find(|o| o.id == f.route_b).unwrap();
    assert_eq!((by_b.dispositions.i, by_b.dispositions.r, by_b.rr1), (4, 0, Some(1.0)));
    assert_eq!(v.outcomes_by_city.len(), 1);
    // In the provisional report the open address counts too (an appointment: a non-contact class).
    let p = view(&f, &DashboardFilter { provisional: true, ..Default::default() }, utc(19, 20));
    let d = p.overall.dispositions;
    assert_eq!(d.i + d.p + d.r + d.nc + d.o + d.uh + d.uo + d.ne, 10);

    // Interviewers: completes per local day, the median length.
    let ia = who(&v, "int-A");
    assert_eq!(ia.completes, 4);
    let days: Vec<(String, u32)> = ia.per_day.iter().map(|d| (d.date.to_string(), d.completes)).collect();
    assert_eq!(days, vec![("2010-10-18".to_string(), 3), ("2010-10-19".to_string(), 1)]);
    assert_eq!(ia.median_minutes, Some(30.0));
    assert_eq!(v.days.len(), 2);

    // Very short: the 3-minute interview, none of the 30-minute ones (study median 30).
    assert_eq!(v.study_median_minutes, Some(30.0));
    assert_eq!(flagged(ia, FlagKind::Short), vec![f.short.clone()]);
    for id in &f.normal {
        assert!(ia.flags.iter().all(|fl| fl.interviews.iter().all(|x| &x.id != id)), "{id} is flagged: {:?}", ia.flags);
    }
    assert_eq!(ia.flags.len(), 1, "{:?}", ia.flags);

    // Interviewer B: each suspect interview under its own flag, and only there.
    let ib = who(&v, "int-B");
    assert_eq!(flagged(ib, FlagKind::LongPause), vec![f.paused.clone()]);
    assert_eq!(flagged(ib, FlagKind::ImplausibleHours), vec![f.late.clone()]);
    assert_eq!(flagged(ib, FlagKind::DontKnowRefusal), vec![f.dont_know.clone()]);
    assert_eq!(flagged(ib, FlagKind::ChangedAfterCompletion), vec![f.changed.clone()]);
    assert!(flagged(ib, FlagKind::Short).is_empty());
    let changed = ib.flags.iter().find(|fl| fl.kind == FlagKind::ChangedAfterCompletion).unwrap();
    assert_eq!(changed.interviews[0].detail, "Q105");
    let late = ib.flags.iter().find(|fl| fl.kind == FlagKind::ImplausibleHours).unwrap();
    assert_eq!(late.interviews[0].detail, "21:40–22:15");
}

#[test]
fn routes_fall_at_risk_when_idle_behind_pace_or_over_filled() {
    let f = fieldwork();
    let risks = |v: &DashboardView, route: &str| -> Vec<RiskKind> {
        v.routes.iter().find(|r| r.id == route).unwrap().risks.iter().map(|r| r.kind).collect()
    };
    // The evening after: nothing wrong.
    let v = view(&f, &DashboardFilter::default(), utc(19, 20));
    assert!(risks(&v, &f.route_a).is_empty());
    assert_eq!(v.routes_at_risk, 0);
    // Three days without activity, 4 of 11 after 5 days of 14: idle, not yet behind (half of 3.9).
    let v = view(&f, &DashboardFilter::default(), utc(22, 20));
    assert_eq!(risks(&v, &f.route_a), vec![RiskKind::NoActivity]);
    // A fortnight on, 4 of 11 is under half the pace.
    let v = view(&f, &DashboardFilter::default(), utc(31, 20));
    assert_eq!(risks(&v, &f.route_a), vec![RiskKind::NoActivity, RiskKind::BehindPace]);
    // A route never worked is not at risk: nobody has started it.
    assert!(v.routes.iter().filter(|r| r.visits == 0).all(|r| !r.at_risk));
    // An over-filled cell: the same fieldwork against a plan with 2 places for women on route A.
    let mut fw = f.s.fieldwork().unwrap().clone();
    let cell = fw.plan.cities.iter_mut().flat_map(|c| c.cells.iter_mut()).find(|c| c.route == f.route_a).unwrap();
    cell.female = 2;
    let v = dashboard(f.s.store(), &fw, f.s.study(), &DashboardFilter::default(), utc(19, 20), Lang::Ru).unwrap();
    let a = v.routes.iter().find(|r| r.id == f.route_a).unwrap();
    assert_eq!(a.risks.iter().map(|r| r.kind).collect::<Vec<_>>(), vec![RiskKind::Overfilled]);
    assert!(a.risks[0].message.contains("женщины +1"), "{}", a.risks[0].message);
}

#[test]
fn filters_narrow_routes_interviewers_and_days() {
    let f = fieldwork();
    let only_b = DashboardFilter { interviewer: Some("int-B".into()), ..Default::default() };
    let v = view(&f, &only_b, utc(19, 20));
    assert_eq!(v.routes.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), vec![f.route_b.clone()]);
    assert_eq!(v.interviewers.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), vec!["int-B"]);
    assert_eq!((v.completes, v.target), (4, 11));
    assert_eq!(v.overall.dispositions.r, 0);
    // The filter's choices still list everyone.
    assert!(v.interviewers_available.contains(&"int-A".to_string()));

    // The 19th only: interviews and visits of that day.
    let day = NaiveDate::from_ymd_opt(2010, 10, 19);
    let v = view(&f, &DashboardFilter { from_date: day, to_date: day, ..Default::default() }, utc(19, 20));
    let ia = who(&v, "int-A");
    assert_eq!((ia.interviews, ia.completes), (1, 1));
    assert!(ia.flags.is_empty(), "the short interview was on the 18th: {:?}", ia.flags);
    let a = v.routes.iter().find(|r| r.id == f.route_a).unwrap();
    assert_eq!((a.completes, a.visits), (1, 3));
    assert_eq!(v.overall.dispositions.i, 3, "one of A's and two of B's completes");

    // A city not worked yet: its planned routes, empty, and nobody's interviews.
    let v = view(&f, &DashboardFilter { city: Some("astana".into()), ..Default::default() }, utc(19, 20));
    assert_eq!(v.routes.len(), 50);
    assert!(v.routes.iter().all(|r| r.city == "astana" && r.visits == 0 && !r.at_risk));
    assert!(v.interviewers.is_empty());
    assert_eq!(v.cities.iter().map(|c| c.target_female + c.target_male).sum::<u32>(), 550);
    assert_eq!(v.completes, 0);
    let v = view(&f, &DashboardFilter { route: Some(f.route_a.clone()), ..Default::default() }, utc(19, 20));
    assert_eq!(v.routes.len(), 1);
    assert_eq!(v.interviewers.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), vec!["int-A"]);
}

#[test]
fn the_view_is_worded_in_the_interface_language() {
    let f = fieldwork();
    let fw = f.s.fieldwork().unwrap();
    for (lang, word) in [(Lang::Ru, "Очень короткие"), (Lang::Kk, "Өте қысқа"), (Lang::En, "Very short")] {
        let v = dashboard(f.s.store(), fw, f.s.study(), &DashboardFilter::default(), utc(19, 20), lang).unwrap();
        let short = who(&v, "int-A").flags.iter().find(|fl| fl.kind == FlagKind::Short).unwrap();
        assert!(short.message.starts_with(word), "{}", short.message);
    }
}

#[test]
fn a_correction_asked_for_is_no_change_after_completion_and_a_failed_back_check_flags_the_interviewer() {
    let mut f = fieldwork();
    let now = utc(19, 20);
    // The supervisor sends one of A's interviews back; A corrects an answer and completes it again.
    let fixed = f.normal[0].clone();
    f.s.review_interview(&fixed, dala_store::Review::Reject, Some("Уточните корпус"), utc(19, 15)).unwrap();
    f.s.open_interview(&fixed, utc(19, 16)).unwrap();
    f.s.answer(&fixed, AnswerKey { question: "Q006".into(), roster: vec![] }, json!("2"), utc(19, 16)).unwrap();
    f.s.complete(&fixed, utc(19, 17)).unwrap();
    assert_eq!(f.s.store().interview(&fixed).unwrap().review.as_deref(), Some("corrected"));
    // A back-check of another of A's interviews finds the household never visited; one of B's agrees.
    let checked = f.normal[1].clone();
    let out = dala_fieldwork::backcheck::BackcheckOutcome {
        visited: false,
        same_respondent: true,
        household_size: None,
        answers: Default::default(),
    };
    let found = f.s.record_backcheck(&checked, &out, utc(19, 18)).unwrap();
    assert_eq!(found.len(), 1);
    let fine = dala_fieldwork::backcheck::BackcheckOutcome {
        visited: true,
        same_respondent: true,
        household_size: None,
        answers: Default::default(),
    };
    assert!(f.s.record_backcheck(&f.late, &fine, utc(19, 18)).unwrap().is_empty());
    let v = view(&f, &DashboardFilter::default(), now);
    let ia = who(&v, "int-A");
    assert!(flagged(ia, FlagKind::ChangedAfterCompletion).is_empty(), "{:?}", ia.flags);
    assert_eq!(flagged(ia, FlagKind::BackcheckMismatch), vec![checked]);
    let ib = who(&v, "int-B");
    assert!(flagged(ib, FlagKind::BackcheckMismatch).is_empty());
    assert_eq!(flagged(ib, FlagKind::ChangedAfterCompletion), vec![f.changed.clone()], "a change without a rejection still flags");
}
