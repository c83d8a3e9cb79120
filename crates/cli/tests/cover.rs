//! Issue 7, cover and close, as a user runs it: `dala interview --script` through the KMRS cover with
//! consent "yes" (the interview goes on, the date, start time and visit number recorded by the app)
//! and with consent "no" (refused unless confirmed with `"end": true`, then ended as a refusal).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value as Json};

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn run(dir: &Path, steps: Json) -> (Output, Json) {
    run_at(dir, Json::Null, steps)
}

/// The stored answers of the only interview, by question id.
fn answers(dir: &Path) -> std::collections::BTreeMap<String, Json> {
    let conn = rusqlite::Connection::open(dir.join("i.sqlite")).unwrap();
    let mut stmt = conn.prepare("SELECT question, value FROM answers").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
    rows.map(|r| r.unwrap()).map(|(q, v)| (q, serde_json::from_str(&v).unwrap())).collect()
}

fn cover(consent: Json) -> Json {
    json!([
        {"q": "Q001", "value": 1},
        {"q": "Q002", "value": "almaty-R07"},
        {"q": "Q003", "value": "INT-12"},
        {"q": "Q004", "value": "Абая"},
        {"q": "Q005", "value": "15А"},
        {"q": "Q009", "value": 1},
        {"q": "Q010", "value": 1},
        consent
    ])
}

#[test]
fn consent_yes_goes_on_with_the_date_start_time_and_visit_recorded_by_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let mut steps = cover(json!({"q": "Q011", "value": 1})).as_array().unwrap().clone();
    steps.push(json!({"q": "Q012", "value": 1}));
    steps.push(json!({"q": "Q101", "value": 1}));
    let (out, v) = run(dir.path(), Json::Array(steps));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(v["status"], "in_progress");
    let a = answers(dir.path());
    assert_eq!(a["Q011"], json!(1));
    let date = a["Q013"].as_str().unwrap();
    assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "{date}");
    let start = a["Q014"].as_str().unwrap();
    assert!(chrono::NaiveTime::parse_from_str(start, "%H:%M").is_ok(), "{start}");
    assert_eq!(a["Q015"], json!(1), "not started from a household: visit 1");
    assert!(!a.contains_key("Q1007"), "the end time waits for the completion");
    assert_eq!(v["answers"].as_u64().unwrap(), a.len() as u64);

    // The script cannot type what the app records.
    let (out, v) = run(dir.path(), json!([{"q": "Q014", "value": "08:00"}]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["error"]["kind"], "auto_question");
}

#[test]
fn consent_no_stops_the_run_unless_confirmed_and_then_ends_the_interview_as_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let (out, v) = run(dir.path(), cover(json!({"q": "Q011", "value": 2})));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["status"], "in_progress");
    assert_eq!(v["error"]["kind"], "ends_interview");
    assert_eq!(v["error"]["step"], 8);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Шаг 8 (Q011)") && stderr.contains("отказ"), "{stderr}");
    assert!(!answers(dir.path()).contains_key("Q011"), "not recorded without the confirmation");

    let dir = tempfile::tempdir().unwrap();
    let mut steps = cover(json!({"q": "Q011", "value": 2, "end": true})).as_array().unwrap().clone();
    steps.push(json!({"q": "Q012", "value": 1}));
    let (out, v) = run(dir.path(), Json::Array(steps));
    assert_eq!(out.status.code(), Some(2), "nothing is recorded after the end");
    assert_eq!(v["status"], "refused");
    assert_eq!(v["error"]["kind"], "refused");
    assert_eq!(v["error"]["step"], 9);
    let a = answers(dir.path());
    assert_eq!(a["Q011"], json!(2));
    assert!(chrono::NaiveTime::parse_from_str(a["Q1007"].as_str().unwrap(), "%H:%M").is_ok(), "the end time is recorded");
    let conn = rusqlite::Connection::open(dir.path().join("i.sqlite")).unwrap();
    let (status, ended): (String, i64) = conn
        .query_row("SELECT status, (SELECT count(*) FROM journal WHERE kind = 'interview_refused') FROM interviews", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((status.as_str(), ended), ("refused", 1));

    // "Yes" confirmed as an end is refused: it does not end the interview.
    let dir = tempfile::tempdir().unwrap();
    let (out, v) = run(dir.path(), cover(json!({"q": "Q011", "value": 1, "end": true})));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["error"]["kind"], "not_an_end");
}

/// Runs a script (with a fixed `at` unless it is null) in a fixed time zone.
fn run_at(dir: &Path, at: Json, steps: Json) -> (Output, Json) {
    let script = dir.join("s.json");
    std::fs::write(&script, json!({"language": "ru", "at": at, "steps": steps}).to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dala"))
        .env("LANG", "C")
        .env("TZ", "UTC")
        .args(["--unencrypted", "interview", "--json", "--study"])
        .arg(kmrs())
        .arg("--db")
        .arg(dir.join("i.sqlite"))
        .arg("--script")
        .arg(&script)
        .output()
        .unwrap();
    let v: Json = serde_json::from_slice(&out.stdout).unwrap_or(Json::Null);
    (out, v)
}

#[test]
fn a_script_with_at_records_the_same_date_and_times_on_every_run() {
    for _ in 0..2 {
        let dir = tempfile::tempdir().unwrap();
        let (out, v) = run_at(dir.path(), json!("2010-10-20T14:30:00Z"), cover(json!({"q": "Q011", "value": 1})));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(v["status"], "in_progress");
        let a = answers(dir.path());
        assert_eq!((a["Q013"].as_str(), a["Q014"].as_str()), (Some("2010-10-20"), Some("14:30")), "{a:?}");
        let conn = rusqlite::Connection::open(dir.path().join("i.sqlite")).unwrap();
        let last: String = conn.query_row("SELECT max(at) FROM journal", [], |r| r.get(0)).unwrap();
        assert!(last.starts_with("2010-10-20T14:31"), "each step 10 s after the one before: {last}");
    }
    // A malformed `at` is refused before anything is stored, in the script's language.
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = run_at(dir.path(), json!("20.10.2010"), cover(json!({"q": "Q011", "value": 1})));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("RFC 3339") && err.contains("должно"), "{err}");
    assert!(!dir.path().join("i.sqlite").exists(), "nothing is created");
}
