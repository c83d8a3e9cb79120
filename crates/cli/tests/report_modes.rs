//! `dala report` at the end of fieldwork: the final report counts closed addresses only and says so;
//! `--provisional` counts every open address with the disposition of its visits so far. Both in text
//! and JSON, with `e` with and without the quota-filled cases and per city, and re-screened households.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use dala_fieldwork::Sex;
use dala_questionnaire::Lang;
use dala_session::field::{AdultInput, BuildingInput, GuidanceKind, VisitInput, WalkAction, When};
use dala_session::Session;
use dala_store::Store;
use serde_json::Value as Json;

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn at(day: u32, hour: u32) -> When {
    let local = NaiveDate::from_ymd_opt(2010, 10, day).unwrap().and_hms_opt(hour, 0, 0).unwrap();
    When { utc: Utc.from_utc_datetime(&local), local }
}

fn visit(code: u16, evidence: bool) -> VisitInput {
    VisitInput {
        outcome: code,
        evidence_of_occupancy: evidence,
        households: None,
        appointment: None,
        refuser_sex: None,
        refuser_age: None,
        reason: None,
        note: None,
        mode: None,
    }
}

fn next(s: &mut Session, route: &str) -> String {
    if let Some(a) = s.route_view(route, Lang::Ru).unwrap().guidance.address {
        if s.store().address(&a.key).unwrap().is_some() {
            s.walk(route, WalkAction::NextAddress, at(18, 10), Lang::Ru).unwrap();
        }
    }
    for _ in 0..50 {
        let v = s.route_view(route, Lang::Ru).unwrap();
        match v.guidance.kind {
            GuidanceKind::Approach => return v.guidance.address.unwrap().key,
            GuidanceKind::DescribeBuilding => {
                let house = v.guidance.house.unwrap();
                s.walk(route, WalkAction::DescribeBuilding { house, building: BuildingInput::SingleHouse }, at(18, 10), Lang::Ru).unwrap();
            }
            other => panic!("unexpected guidance {other:?}"),
        }
    }
    panic!("no address");
}

/// One device's fieldwork on almaty-R01: a hard refusal (closed, 2.111), a vacant house (closed,
/// 4.61), a household recorded as quota filled (closed, 4.80), an open address where nobody opened but people live (provisionally 2.24), and an open household
/// re-screened with a reason.
fn device(db: &Path) {
    let q = dala_session::load_study(&kmrs()).unwrap();
    let fw = dala_session::field::load_fieldwork(&kmrs()).unwrap();
    let mut s = Session::with_parts(q, Store::open(db, Utc::now()).unwrap()).with_fieldwork(fw);
    let route = s.draw_city_routes("almaty", 2010, None, false, at(18, 9)).unwrap().routes[0].id.clone();
    let a = next(&mut s, &route);
    s.log_visit(&a, &visit(44, false), at(18, 11), Lang::Ru).unwrap();
    s.close_address(&a, at(18, 11), Lang::Ru).unwrap();
    let b = next(&mut s, &route);
    s.log_visit(&b, &visit(62, false), at(18, 12), Lang::Ru).unwrap();
    s.close_address(&b, at(18, 12), Lang::Ru).unwrap();
    let c = next(&mut s, &route);
    s.log_visit(&c, &visit(65, true), at(18, 13), Lang::Ru).unwrap();
    s.close_address(&c, at(18, 13), Lang::Ru).unwrap();
    let d = next(&mut s, &route);
    s.log_visit(&d, &visit(31, true), at(18, 14), Lang::Ru).unwrap();
    let e = next(&mut s, &route);
    let away = |line, sex| AdultInput {
        line,
        name: format!("#{line}"),
        sex,
        age: 40,
        permanent: true,
        head: line == 1,
        co_decision_maker: line != 1,
        present: false,
    };
    s.screen_household(&e, &[away(1, Sex::Male)], 1, at(18, 15), Lang::Ru).unwrap();
    s.list_adults(&e, &[away(1, Sex::Female), away(2, Sex::Male)], Some("перепутали главу"), at(18, 16), Lang::Ru).unwrap();
}

fn report(db: &Path, extra: &[&str]) -> String {
    let study = kmrs();
    let mut args = vec!["report", "--study", study.to_str().unwrap(), "--db", db.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_dala")).env("LANG", "C").args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_report_says_whether_open_addresses_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.sqlite");
    device(&db);

    // Final: R 1 (2.111), NE 2 (4.61, 4.80); the two open addresses are left out.
    let fin: Json = serde_json::from_str(&report(&db, &["--json"])).unwrap();
    assert_eq!(fin["mode"], "final");
    assert_eq!((fin["addresses"].as_u64(), fin["open"].as_u64(), fin["provisional"].as_u64()), (Some(5), Some(2), Some(0)));
    assert_eq!((fin["dispositions"]["r"].as_u64(), fin["dispositions"]["nc"].as_u64()), (Some(1), Some(0)));
    // e = E / (E + NE) = 1 / 3 with the 4.80 case, 1 / 2 without.
    assert_eq!(fin["e"]["with_quota_filled"].as_f64(), Some(1.0 / 3.0));
    assert_eq!(fin["e"]["without_quota_filled"].as_f64(), Some(0.5));
    assert_eq!(fin["cities"][0]["city"], "almaty");
    assert_eq!(fin["cities"][0]["e"]["without_quota_filled"].as_f64(), Some(0.5));
    assert_eq!(fin["rescreened"][0]["reasons"][0], "перепутали главу");

    // Provisional: the no-answer with evidence counts as 2.24 (NC) and the household whose chosen
    // respondent is away (appointment) as 2.25 (NC). E = 3, NE = 2: e = 3/5 and 3/4.
    let prov: Json = serde_json::from_str(&report(&db, &["--json", "--provisional"])).unwrap();
    assert_eq!(prov["mode"], "provisional");
    assert_eq!((prov["open"].as_u64(), prov["provisional"].as_u64()), (Some(2), Some(2)));
    assert_eq!((prov["dispositions"]["r"].as_u64(), prov["dispositions"]["nc"].as_u64()), (Some(1), Some(2)));
    assert_eq!(prov["e"]["with_quota_filled"].as_f64(), Some(3.0 / 5.0));
    assert_eq!(prov["e"]["without_quota_filled"].as_f64(), Some(0.75));
    assert_eq!(prov["disposition_codes"]["2.24"], 1);
    assert_eq!(prov["disposition_codes"]["2.25"], 1);

    // Text, in each language: the first line says which report it is.
    let text = report(&db, &["--lang", "en"]);
    assert!(text.starts_with("Final report: rates over closed addresses; open addresses (2) are left out"), "{text}");
    assert!(text.contains("without the quota-filled cases (4.80, 1): 0.500"), "{text}");
    assert!(text.contains("Households screened again (the household draw was kept; check them): 1"), "{text}");
    assert!(text.contains("перепутали главу"), "{text}");
    let text = report(&db, &["--lang", "ru", "--provisional"]);
    assert!(text.starts_with("Предварительный отчёт: открытые адреса (2) учтены"), "{text}");
    assert!(text.contains("«квота заполнена» (4.80, 1): 0.750"), "{text}");
    let text = report(&db, &["--lang", "kk"]);
    assert!(text.starts_with("Қорытынды есеп"), "{text}");
}
