//! The fieldwork commands as a user runs them on the KMRS study: `routes draw`, `quota plan`,
//! `simulate` and `report`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn run(args: &[&str]) -> Output {
    dala().args(args).output().unwrap()
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_of(out: &Output) -> Json {
    serde_json::from_slice(&ok(out).stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn draw(city: &str, seed: &str, extra: &[&str]) -> Output {
    let study = kmrs();
    let mut args = vec!["routes", "draw", "--study", study.to_str().unwrap(), "--city", city, "--seed", seed, "--json"];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_route_draw_is_byte_identical_for_a_seed_and_differs_for_another() {
    let a = draw("almaty", "2010", &[]);
    let b = draw("almaty", "2010", &[]);
    assert_eq!(ok(&a).stdout, ok(&b).stdout, "same seed, same bytes");
    let c = draw("almaty", "2011", &[]);
    assert_ne!(ok(&c).stdout, a.stdout, "another seed, another draw");

    let v = json_of(&a);
    assert_eq!(v["city"], "almaty");
    assert_eq!(v["seed"], 2010);
    let routes = v["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 50, "the city's routes from the settings (the report's 50 in Almaty)");
    for r in routes {
        for key in ["id", "street", "start_house", "direction"] {
            assert!(r.get(key).is_some(), "routes[].{key} in {r}");
        }
        assert!(r["start_house"].is_string());
    }
    assert_eq!(routes[0]["id"], "almaty-R01");
    let streets: std::collections::HashSet<&str> = routes.iter().map(|r| r["street"].as_str().unwrap()).collect();
    assert_eq!(streets.len(), 50, "drawn without replacement");

    // --routes and --weighted are part of what the seed reproduces.
    let k5 = json_of(&draw("pavlodar", "7", &["--routes", "5", "--weighted"]));
    assert_eq!(k5["routes"].as_array().unwrap().len(), 5);
    assert_eq!(k5["weighted"], true);
    assert_eq!(
        draw("pavlodar", "7", &["--routes", "5", "--weighted"]).stdout,
        draw("pavlodar", "7", &["--routes", "5", "--weighted"]).stdout
    );
}

#[test]
fn a_route_draw_stored_with_db_prints_the_same_and_keeps_the_routes_and_cells() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("supervisor.sqlite");
    let plain = draw("karaganda", "42", &[]);
    let stored = draw("karaganda", "42", &["--db", db.to_str().unwrap()]);
    assert_eq!(ok(&stored).stdout, ok(&plain).stdout);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (n, seed): (i64, i64) = conn
        .query_row("SELECT count(*), (SELECT seed FROM route_draws WHERE city = 'karaganda') FROM routes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((n, seed), (45, 42));
    let quota: String = conn.query_row("SELECT quota FROM routes WHERE id = 'karaganda-R01'", [], |r| r.get(0)).unwrap();
    let q: Json = serde_json::from_str(&quota).unwrap();
    assert_eq!(q["target_female"].as_u64().unwrap() + q["target_male"].as_u64().unwrap(), 10, "the route's quota cell is stored with it");
}

#[test]
fn bad_draw_arguments_exit_2_with_a_message_in_the_chosen_language() {
    let study = kmrs();
    let s = study.to_str().unwrap();
    let out = run(&["--lang", "ru", "routes", "draw", "--study", s, "--city", "moscow", "--seed", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Неизвестный город") && err.contains("almaty"), "{err}");
    for (lang, word) in [("kk", "бастапқы сан"), ("en", "Bad seed"), ("ru", "Неверное зерно")] {
        for seed in ["abc", "-1", "1.5", "18446744073709551616"] {
            let out = run(&["--lang", lang, "routes", "draw", "--study", s, "--city", "almaty", "--seed", seed]);
            assert_eq!(out.status.code(), Some(2), "seed {seed}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(word), "{lang} {seed}: {err}");
        }
    }
    let out = run(&["--lang", "en", "routes", "draw", "--study", s, "--city", "almaty", "--seed", "1", "--routes", "500"]);
    assert_eq!(out.status.code(), Some(2), "more routes than streets");
    assert!(!out.stderr.is_empty());
}

#[test]
fn the_quota_plan_sums_exactly_to_every_citys_targets() {
    let study = kmrs();
    let v = json_of(&run(&["quota", "plan", "--study", study.to_str().unwrap(), "--json"]));
    let cities = v["cities"].as_array().unwrap();
    let expected =
        [("almaty", 550, 300, 250, 50), ("astana", 550, 279, 271, 50), ("karaganda", 450, 246, 204, 45), ("pavlodar", 450, 245, 205, 45)];
    assert_eq!(cities.len(), 4);
    for (c, (id, planned, female, male, routes)) in cities.iter().zip(expected) {
        assert_eq!(c["city"], id);
        let n = |k: &str| c[k].as_u64().unwrap();
        assert_eq!((n("planned"), n("female"), n("male"), n("routes")), (planned, female, male, routes), "{id}");
        let cells = c["cells"].as_array().unwrap();
        assert_eq!(cells.len() as u64, routes);
        let f: u64 = cells.iter().map(|x| x["female"].as_u64().unwrap()).sum();
        let m: u64 = cells.iter().map(|x| x["male"].as_u64().unwrap()).sum();
        assert_eq!((f, m), (female, male), "{id}: the cells sum to the targets");
        for x in cells {
            let shape = (x["female"].as_u64().unwrap(), x["male"].as_u64().unwrap());
            let per_route = if routes == 50 { 11 } else { 10 };
            assert_eq!(shape.0 + shape.1, per_route, "{id}: {x}");
            assert!([(6, 4), (5, 5), (6, 5), (5, 6)].contains(&shape), "{id}: {x}");
        }
        assert_eq!(cells[0]["route"], format!("{id}-R01"));
    }
    let almaty = &cities[0]["shapes"];
    assert_eq!(almaty, &serde_json::json!([{"female": 6, "male": 5, "routes": 50}]));
    let astana = &cities[1]["shapes"];
    assert_eq!(astana, &serde_json::json!([{"female": 6, "male": 5, "routes": 29}, {"female": 5, "male": 6, "routes": 21}]));
    // The text table in Kazakh.
    let text = ok(&run(&["--lang", "kk", "quota", "plan", "--study", study.to_str().unwrap()])).stdout.clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("Қарағанды") && text.contains("2000"), "{text}");
}

fn simulate(out: &Path, seed: &str) -> Json {
    let study = kmrs();
    json_of(&run(&[
        "simulate",
        "--study",
        study.to_str().unwrap(),
        "--seed",
        seed,
        "--scale",
        "0.05",
        "--devices",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]))
}

fn report(dbs: &[PathBuf]) -> Output {
    let study = kmrs();
    let mut args: Vec<String> = vec!["report".into(), "--study".into(), study.display().to_string(), "--json".into()];
    for d in dbs {
        args.push("--db".into());
        args.push(d.display().to_string());
    }
    dala().args(&args).output().unwrap()
}

fn device_dbs(dir: &Path) -> Vec<PathBuf> {
    (1..=3).map(|i| dir.join(format!("device-{i:02}.sqlite"))).collect()
}

#[test]
fn a_small_simulation_reports_plausible_rates_full_cells_and_replays_for_its_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let summary = simulate(&a, "2010");
    let dbs = device_dbs(&a);
    for d in &dbs {
        assert!(d.is_file(), "{} written", d.display());
    }
    let rep = report(&dbs);
    let v = json_of(&rep);
    for key in ["attempts", "addresses", "completes", "rates", "cities", "routes"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let rr1 = v["rates"]["RR1"].as_f64().unwrap();
    assert!((0.3..=0.6).contains(&rr1), "RR1 {rr1}");
    for key in ["RR3", "COOP1", "REF1", "CON1"] {
        assert!(v["rates"][key].is_number(), "{key}");
    }
    assert_eq!(v["open"], 0, "every address approached has its final disposition");
    assert!(v["attempts"].as_u64().unwrap() > v["addresses"].as_u64().unwrap());
    // 10 routes (3 + 3 of 11 interviews in Almaty and Astana, 2 + 2 of 10): every cell filled, none exceeded.
    assert_eq!(v["completes"], 106);
    let mut worked = 0;
    for r in v["routes"].as_array().unwrap() {
        for key in ["id", "completes", "target", "female", "male", "visits"] {
            assert!(r.get(key).is_some(), "routes[].{key}");
        }
        let n = |k: &str| r[k].as_u64().unwrap();
        assert!(n("completes") <= n("target"), "{r}");
        assert!(n("female") <= n("target_female") && n("male") <= n("target_male"), "{r}");
        assert_eq!(n("female") + n("male"), n("completes"));
        if n("addresses") > 0 {
            worked += 1;
            assert_eq!(n("completes"), n("target"), "{r}");
        }
    }
    assert_eq!(worked, 10);
    assert_eq!(v["overfilled"], serde_json::json!([]), "no cell over-filled");
    for c in v["cities"].as_array().unwrap() {
        for key in ["city", "completes", "female", "male", "target_female", "target_male"] {
            assert!(c.get(key).is_some(), "cities[].{key}");
        }
    }
    assert_eq!(summary["completes"], v["completes"], "the summary is the report of the databases");
    assert_eq!(summary["rates"]["RR1"], v["rates"]["RR1"]);

    // One device alone, and the devices merged: the merged report sums them.
    let single: u64 = dbs.iter().map(|d| json_of(&report(std::slice::from_ref(d)))["completes"].as_u64().unwrap()).sum();
    assert_eq!(single, 106);
    let twice = report(&[dbs[0].clone(), dbs[0].clone()]);
    assert_eq!(json_of(&twice)["completes"], json_of(&report(&dbs[..1]))["completes"], "an address found twice counts once");

    // The same seed replays: the same report, byte for byte.
    simulate(&b, "2010");
    let again = report(&device_dbs(&b));
    assert_eq!(ok(&again).stdout, rep.stdout, "the same seed gives the same fieldwork");
}

#[test]
fn simulated_interviews_agree_with_the_screening_and_the_visit_rules() {
    let tmp = tempfile::tempdir().unwrap();
    simulate(tmp.path(), "77");
    let mut interviews = 0;
    let mut kazakh = 0;
    for db in device_dbs(tmp.path()) {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let answer = |id: &str, q: &str, roster: &str| -> Option<Json> {
            conn.query_row("SELECT value FROM answers WHERE interview_id = ?1 AND question = ?2 AND roster = ?3", [id, q, roster], |r| {
                r.get::<_, String>(0)
            })
            .ok()
            .map(|s| serde_json::from_str(&s).unwrap())
        };
        let mut stmt = conn.prepare("SELECT a.interview_id, a.screening, a.respondent_sex, a.disposition, i.status, i.language FROM addresses a JOIN interviews i ON i.id = a.interview_id").unwrap();
        let rows: Vec<(String, String, String, String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (id, screening, sex, disposition, status, language) in rows {
            interviews += 1;
            assert_eq!((disposition.as_str(), status.as_str()), ("1.1", "completed"));
            let s: Json = serde_json::from_str(&screening).unwrap();
            let line = s["selection"]["line"].as_u64().unwrap();
            assert_eq!(answer(&id, "Q113", ""), Some(Json::from(line)), "Q113 is the selected line");
            let roster = line.to_string();
            let q104 = answer(&id, "Q104", &roster).unwrap();
            assert_eq!(q104, Json::from(if sex == "female" { 2 } else { 1 }), "the respondent's sex in the roster");
            let adults = s["adults"].as_array().unwrap();
            let listed = adults.iter().find(|a| a["line"] == line).unwrap();
            let born = answer(&id, "Q105", &roster).unwrap().as_i64().unwrap();
            assert_eq!(2010 - born, listed["age"].as_i64().unwrap(), "the age listed at screening");
            // The respondent's migration is asked once, in Q401/Q402: the respondent's line of 5A has no Q501/Q502.
            assert!(answer(&id, "Q401", "").is_some());
            assert_eq!(answer(&id, "Q501", &roster), None, "Q501 is not asked of the respondent again");
            assert_eq!(answer(&id, "Q502", &roster), None, "Q502 is not asked of the respondent again");
            let q101 = answer(&id, "Q101", "").unwrap().as_u64().unwrap();
            assert!(q101 as usize >= adults.len());
            assert_eq!(
                answer(&id, "Q012", ""),
                Some(Json::from(if language == "kk" { 2 } else { 1 })),
                "the language asked for is the interview's"
            );
            if language == "kk" {
                kazakh += 1;
            }
        }
        // A final non-response only after the minimum visits: on 3 different days, one from 18:00, one at
        // a weekend (a hard refusal, 44, closes at once: 2.111 before a respondent is chosen, 2.112 after).
        let mut stmt = conn
            .prepare(
                "SELECT a.key, count(DISTINCT substr(v.at, 1, 10)),
                    count(DISTINCT CASE WHEN substr(v.at, 12, 5) >= '18:00' THEN substr(v.at, 1, 10) END),
                    count(DISTINCT CASE WHEN strftime('%w', substr(v.at, 1, 10)) IN ('0', '6') THEN substr(v.at, 1, 10) END)
                 FROM addresses a JOIN visits v ON v.address_key = a.key
                 WHERE a.disposition IN ('2.111', '2.112', '2.12', '2.23', '2.24', '2.25', '2.33', '3.10', '3.17', '3.21', '3.90')
                   AND a.key NOT IN (SELECT address_key FROM visits WHERE outcome = 44)
                 GROUP BY a.key",
            )
            .unwrap();
        let rows: Vec<(String, i64, i64, i64)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(Result::unwrap).collect();
        assert!(!rows.is_empty());
        for (key, visits, evening, weekend) in rows {
            assert!(visits >= 3 && evening >= 1 && weekend >= 1, "{key}: {visits} days, {evening} evenings, {weekend} weekend days");
        }
        let open: i64 = conn.query_row("SELECT count(*) FROM addresses WHERE disposition IS NULL", [], |r| r.get(0)).unwrap();
        assert_eq!(open, 0);
    }
    assert_eq!(interviews, 106);
    assert!(kazakh < interviews / 2, "mostly Russian interviews: {kazakh} Kazakh of {interviews}");
}

#[test]
fn bad_simulate_and_report_arguments_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let study = kmrs();
    let s = study.to_str().unwrap();
    let out_dir = tmp.path().join("x");
    let o = out_dir.to_str().unwrap();
    let out = run(&["--lang", "ru", "simulate", "--study", s, "--seed", "1", "--scale", "51", "--out", o]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Неверный масштаб"));
    let out = run(&["--lang", "kk", "simulate", "--study", s, "--seed", "1", "--scale", "0", "--out", o]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("масштабы қате"));
    let out = run(&["--lang", "en", "simulate", "--study", s, "--seed", "x1", "--out", o]);
    assert_eq!(out.status.code(), Some(2));
    let missing = tmp.path().join("none.sqlite");
    let out = run(&["--lang", "kk", "report", "--study", s, "--db", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("табылмады"));
    assert!(!missing.exists(), "a report never creates a database");
}

#[test]
fn routes_drawn_into_a_device_database_can_be_assigned_there() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.sqlite");
    let study = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010");
    let dala = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_dala"));
        c.env("LANG", "C").arg("--unencrypted");
        c
    };
    let out = dala()
        .args(["routes", "draw", "--city", "karaganda", "--seed", "5", "--routes", "3", "--study"])
        .arg(&study)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = dala()
        .args(["--lang", "ru", "routes", "assign", "--to", "int-03", "--study"])
        .arg(&study)
        .arg("--db")
        .arg(&db)
        .args(["karaganda-R01", "karaganda-R03"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("int-03"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM routes WHERE assigned_to = 'int-03'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2);
    let out = dala()
        .args(["--lang", "kk", "routes", "assign", "--to", "x", "--study"])
        .arg(&study)
        .arg("--db")
        .arg(&db)
        .arg("karaganda-R09")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("маршруты бұл дерекқорда табылмады"), "{}", String::from_utf8_lossy(&out.stderr));
    let n: i64 = conn.query_row("SELECT count(*) FROM routes WHERE assigned_to IS NOT NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 2, "a failed assignment changes nothing");
}
