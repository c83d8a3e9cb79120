//! The `dala` binary as a user runs it: `check` and `interview` on the real KMRS study.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value as Json};

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

#[test]
fn check_kmrs_json_has_the_promised_shape() {
    let out = dala().args(["check", "--json"]).arg(kmrs()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    // The nine content blocks and the closing block.
    assert_eq!(v["blocks"], 10);
    assert!(v["questions"].as_u64().unwrap() >= 130, "{}", v["questions"]);
    for l in ["ru", "kk", "en"] {
        assert_eq!(v["languages"][l].as_f64().unwrap(), 1.0, "{l} fully translated");
    }
    assert_eq!(v["errors"], json!([]));
    assert!(v["warnings"].is_array());
}

/// A copy of KMRS with two errors: an unknown name in Q513.choice_filter and an expression that
/// does not parse in block 1.
fn broken_copy(dir: &std::path::Path) -> PathBuf {
    let copy = dir.join("broken");
    std::fs::create_dir_all(copy.join("blocks")).unwrap();
    for entry in std::fs::read_dir(kmrs()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, copy.join(p.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir(kmrs().join("blocks")).unwrap() {
        let p = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&p).unwrap();
        if p.file_name().unwrap() == "05-migration.toml" {
            text = text.replacen("selected(Q512, choice)", "selected(Q5120, choice)", 1);
        }
        if p.file_name().unwrap() == "01-demographics.toml" {
            text = text.replacen("AGE >= 16", "AGE >= (16", 1);
        }
        std::fs::write(copy.join("blocks").join(p.file_name().unwrap()), text).unwrap();
    }
    copy
}

#[test]
fn check_reports_all_errors_of_a_broken_study_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let copy = broken_copy(dir.path());
    let out = dala().args(["check", "--json"]).arg(&copy).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["code"] == "S007" && e["location"] == "Q513.choice_filter" && e["file"] == "blocks/05-migration.toml"),
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e["code"] == "S006" && e["file"] == "blocks/01-demographics.toml"), "{errors:#?}");
    let text = dala().args(["--lang", "ru", "check"]).arg(&copy).output().unwrap();
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(s.contains("ошибок: 2"), "{s}");
}

#[test]
fn check_speaks_the_users_language_in_every_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let copy = broken_copy(dir.path());
    let out = dala().args(["--lang", "kk", "check"]).arg(&copy).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("қате[S007] blocks/05-migration.toml: Q513.choice_filter: белгісіз атау `Q5120`"), "{s}");
    assert!(s.contains("қате[S006] blocks/01-demographics.toml"), "{s}");
    assert!(s.contains("өрнек талданбайды"), "{s}");
    assert!(s.contains("\n    кеңес: "), "{s}");
    assert!(s.contains("қателер: 2"), "{s}");
    assert!(!s.contains("error[") && !s.contains("unknown name"), "no English left: {s}");

    let out = dala().args(["--lang", "ru", "check"]).arg(&copy).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("ошибка[S007] blocks/05-migration.toml: Q513.choice_filter: неизвестное имя `Q5120`"), "{s}");

    let out = dala().args(["--lang", "kk", "check", "--json"]).arg(&copy).output().unwrap();
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let e = v["errors"].as_array().unwrap().iter().find(|e| e["code"] == "S007").unwrap().clone();
    assert_eq!(e["message"], "белгісіз атау `Q5120`", "{e:#}");
    assert_eq!(e["messages"]["kk"], "белгісіз атау `Q5120`", "{e:#}");
    assert_eq!(e["messages"]["ru"], "неизвестное имя `Q5120`", "{e:#}");
    assert_eq!(e["messages"]["en"], "unknown name `Q5120`", "{e:#}");
    assert!(e["hint"].is_string(), "{e:#}");
}

#[test]
fn a_refused_step_stops_the_run_with_code_2_in_the_script_language_and_keeps_earlier_steps() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.sqlite");
    let script = dir.path().join("s.json");
    std::fs::write(
        &script,
        json!({"language": "ru", "steps": [
            {"q": "Q101", "value": 3},
            {"q": "Q102", "roster": [1], "value": "Айгуль"},
            {"language": "kk"},
            {"q": "Q104", "roster": [2], "value": 1},
            {"q": "Q105", "roster": [2], "value": 2050},
            {"q": "Q104", "roster": [3], "value": 2}
        ]})
        .to_string(),
    )
    .unwrap();
    let out =
        dala().args(["interview", "--json", "--study"]).arg(kmrs()).arg("--db").arg(&db).arg("--script").arg(&script).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("5-қадам (Q105[2])"), "{stderr}");
    assert!(stderr.contains("1900") && stderr.contains("2010"), "the message names the rule: {stderr}");
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "in_progress");
    // Three answered, and the date, start time and visit number the app records (Q013–Q015).
    assert_eq!(v["answers"], 6);
    assert_eq!(v["language"], "kk");
    assert_eq!(v["error"]["step"], 5);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn.query_row("SELECT count(*) FROM answers WHERE question NOT IN ('Q013', 'Q014', 'Q015')", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 3);
    let switched: i64 = conn.query_row("SELECT count(*) FROM journal WHERE kind = 'language_switched'", [], |r| r.get(0)).unwrap();
    assert_eq!(switched, 1);
}

#[test]
fn typed_numbers_are_read_in_the_interview_language_and_ambiguous_ones_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typed.sqlite");
    let script = dir.path().join("typed.json");
    std::fs::write(
        &script,
        json!({"language": "ru", "steps": [
            {"q": "Q101", "typed": " 2 "},
            {"q": "Q102", "roster": [1], "value": "Айгуль"},
            {"q": "Q105", "roster": [1], "typed": "1985"},
            {"q": "Q102", "roster": [2], "value": "Ерлан"},
            {"q": "Q105", "roster": [2], "typed": "1.985"}
        ]})
        .to_string(),
    )
    .unwrap();
    let out =
        dala().args(["interview", "--json", "--study"]).arg(kmrs()).arg("--db").arg(&db).arg("--script").arg(&script).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("двояко") && stderr.contains("Q105[2]"), "ambiguous in Russian: {stderr}");
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "number_refused", "{v:#}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: Vec<(String, String, String)> = conn
        .prepare("SELECT question, roster, value FROM answers WHERE question NOT IN ('Q013', 'Q014', 'Q015') ORDER BY question, roster")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let stored: Vec<(&str, &str, &str)> = stored.iter().map(|(q, r, v)| (q.as_str(), r.as_str(), v.as_str())).collect();
    assert_eq!(stored, [("Q101", "", "2"), ("Q102", "1", "\"Айгуль\""), ("Q102", "2", "\"Ерлан\""), ("Q105", "1", "1985")]);
}

#[test]
fn unknown_question_and_irrelevant_question_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (steps, needle) in [
        (json!([{"q": "Q999", "value": 1}]), "Q999"),
        (
            // Q105A (the age) is asked only when the birth year is not known.
            json!([{"q": "Q101", "value": 1}, {"q": "Q102", "roster": [1], "value": "A"}, {"q": "Q105", "roster": [1], "value": 1985}, {"q": "Q105A", "roster": [1], "value": 25}]),
            "Q105A",
        ),
    ] {
        let db = dir.path().join(format!("{needle}.sqlite"));
        let script = dir.path().join(format!("{needle}.json"));
        std::fs::write(&script, json!({"language": "en", "steps": steps}).to_string()).unwrap();
        let out = dala().args(["interview", "--study"]).arg(kmrs()).arg("--db").arg(&db).arg("--script").arg(&script).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains(needle));
    }
}

#[test]
fn wrong_arguments_get_a_clear_message() {
    let out = dala().args(["--lang", "kk", "interview", "--study"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--study <STUDY> үшін мән керек"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = dala().args(["check", "/nonexistent/study"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
