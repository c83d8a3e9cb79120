//! Scripted interviews (`dala interview --script`) through the KMRS 2010 logic changed for issue 7:
//! a member abroad is not asked the year of return, goes through 5C on the household roster without
//! being typed again, the respondent's migration history is asked once, and "not yet born in 1991"
//! follows the birth year.

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

/// Runs a script; returns the exit code and the JSON result.
fn run(steps: Vec<Json>) -> (Option<i32>, Json, String) {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.json");
    std::fs::write(&script, json!({"language": "en", "steps": steps}).to_string()).unwrap();
    let out = dala()
        .args(["interview", "--json", "--study"])
        .arg(kmrs())
        .arg("--db")
        .arg(dir.path().join("i.sqlite"))
        .arg("--script")
        .arg(&script)
        .output()
        .unwrap();
    let v: Json = serde_json::from_slice(&out.stdout).unwrap_or(Json::Null);
    (out.status.code(), v, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn a(q: &str, row: Option<u32>, value: Json) -> Json {
    match row {
        Some(r) => json!({"q": q, "roster": [r], "value": value}),
        None => json!({"q": q, "value": value}),
    }
}

/// A head of household (line 1, the respondent) and, on line 2, a son who lives in Russia.
fn household_with_a_son_abroad() -> Vec<Json> {
    vec![
        a("Q101", None, json!(2)),
        a("Q102", Some(1), json!("Айгуль")),
        a("Q103", Some(1), json!(1)),
        a("Q104", Some(1), json!(2)),
        a("Q105", Some(1), json!(1965)),
        a("Q110", Some(1), json!(1)),
        a("Q102", Some(2), json!("Марат")),
        a("Q103", Some(2), json!(3)),
        a("Q104", Some(2), json!(1)),
        a("Q105", Some(2), json!(1988)),
        a("Q110", Some(2), json!(3)),
        a("Q113", None, json!(1)),
    ]
}

#[test]
fn a_member_abroad_goes_through_5c_on_the_roster_and_is_not_asked_the_year_of_return() {
    let mut steps = household_with_a_son_abroad();
    steps.extend([
        a("Q506", Some(2), json!(1)),
        a("Q506A", Some(2), json!(643)),
        // 5C on line 2 of the roster: no name, relationship, sex, birth year or education typed again.
        a("Q534", Some(2), json!(2007)),
        a("Q535", Some(2), json!(643)),
        a("Q535A", Some(2), json!("Москва")),
        a("Q536", Some(2), json!([12, 15])),
        a("Q536A", Some(2), json!(12)),
        a("Q542", Some(2), json!(1)),
    ]);
    let accepted = steps.len();
    steps.push(a("Q506B", Some(2), json!(2009)));
    let (code, v, stderr) = run(steps);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(v["error"]["step"], accepted + 1, "{v:#}");
    assert_eq!(v["error"]["target"], "Q506B[2]");
    // Besides the accepted steps, the app records the interview date, start time and visit number (Q013–Q015).
    assert_eq!(v["answers"], accepted + 3);
}

#[test]
fn part_5c_is_not_asked_of_a_member_who_lives_here_and_the_old_away_list_is_gone() {
    let mut steps = household_with_a_son_abroad();
    steps.push(a("Q534", Some(1), json!(2007)));
    let (code, v, _) = run(steps.clone());
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["target"], "Q534[1]");
    steps.pop();
    steps.push(a("Q531", None, json!(["Марат"])));
    let (code, v, _) = run(steps);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["target"], "Q531");
}

#[test]
fn the_respondents_migration_history_is_asked_once() {
    let mut steps = household_with_a_son_abroad();
    steps.extend([
        a("Q401", None, json!(2)),
        a("Q402", None, json!(2001)),
        // The respondent's line of 5A: the previous place is asked (only here), ...
        a("Q503", Some(1), json!(398)),
        a("Q503A", Some(1), json!(9)),
        a("Q503B", Some(1), json!(3)),
        a("Q505", Some(1), json!(1)),
        // ... the son's line asks Q501 and Q502, ...
        a("Q501", Some(2), json!(1)),
        // ... and 5B follows from Q401 without a year of its own.
        a("Q512", None, json!([12, 31])),
        a("Q513", None, json!(12)),
    ]);
    let accepted = steps.len();
    for (q, value) in [("Q501", json!(2)), ("Q502", json!(2001)), ("Q504", json!(12))] {
        let mut s = steps.clone();
        s.push(a(q, Some(1), value));
        let (code, v, stderr) = run(s);
        assert_eq!(code, Some(2), "{q} must not be asked of the respondent again: {stderr}");
        assert_eq!(v["error"]["step"], accepted + 1, "{v:#}");
        assert_eq!(v["error"]["target"], format!("{q}[1]"));
    }
    let mut s = steps.clone();
    s.push(a("Q510", None, json!(2001)));
    let (code, v, _) = run(s);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["target"], "Q510");
}

#[test]
fn not_yet_born_in_1991_follows_the_birth_year() {
    let base = |year: i64| {
        vec![
            a("Q101", None, json!(1)),
            a("Q102", Some(1), json!("Ерлан")),
            a("Q103", Some(1), json!(1)),
            a("Q104", Some(1), json!(1)),
            a("Q105", Some(1), json!(year)),
            a("Q110", Some(1), json!(1)),
            a("Q113", None, json!(1)),
            a("Q401", None, json!(2)),
            a("Q402", None, json!(2009)),
        ]
    };
    // Born in 1992: "not yet born" at the end of 1991.
    let mut s = base(1992);
    s.push(a("Q403", None, json!(6)));
    let (code, _, stderr) = run(s);
    assert_eq!(code, Some(0), "{stderr}");
    // Born in 1991 (aged 19 in the survey year): already born, and a place must be given.
    let mut s = base(1991);
    s.push(a("Q403", None, json!(6)));
    let (code, v, _) = run(s);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["target"], "Q403");
    // Born in 1992, a place in 1991 is refused.
    let mut s = base(1992);
    s.push(a("Q403", None, json!(3)));
    let (code, v, _) = run(s);
    assert_eq!(code, Some(2));
    assert_eq!(v["error"]["target"], "Q403");
}
