//! `dala` on studies other than KMRS: a study keeps its own variable names through check, session
//! and scripts, and `dala check` words every kind of problem in the user's language.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value as Json};

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const STUDY: &str = r#"
id = "own-names"
version = "1"
title = { en = "Own names", ru = "Свои имена", kk = "Өз атаулары" }
languages = ["ru", "kk", "en"]
blocks = ["b1.toml"]
"#;

const BLOCK: &str = r#"
id = "B1"
number = 1
title = { en = "Household", ru = "Домохозяйство", kk = "Үй шаруашылығы" }

[[roster]]
id = "people"
title = { en = "People", ru = "Люди", kk = "Адамдар" }
size = "A1"

[[question]]
id = "A1"
type = "integer"
min = 1
max = 9
text = { en = "How many people?", ru = "Сколько человек?", kk = "Неше адам?" }

[[question]]
id = "q4_age"
type = "integer"
roster = "people"
min = 0
max = 120
text = { en = "Age?", ru = "Возраст?", kk = "Жасы?" }

[[question]]
id = "B2a"
type = "single"
relevant = "count(people, q4_age >= 18) > 0"
options = [{ code = 1, en = "Yes", ru = "Да", kk = "Иә" }, { code = 2, en = "No", ru = "Нет", kk = "Жоқ" }]
text = { en = "Does an adult decide?", ru = "Решает взрослый?", kk = "Ересек шешеді ме?" }
"#;

#[test]
fn a_study_with_its_own_variable_names_is_checked_and_interviewed() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("own");
    write(&study, &[("study.toml", STUDY), ("b1.toml", BLOCK)]);
    let out = dala().args(["check", "--json"]).arg(&study).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    let script = dir.path().join("s.json");
    let steps = json!({"language": "kk", "steps": [
        {"q": "A1", "value": 2},
        {"q": "q4_age", "roster": [1], "value": 40},
        {"q": "q4_age", "roster": [2], "value": 12},
        {"q": "B2a", "value": 1}
    ]});
    std::fs::write(&script, steps.to_string()).unwrap();
    let db = dir.path().join("i.sqlite");
    let out =
        dala().args(["interview", "--json", "--study"]).arg(&study).arg("--db").arg(&db).arg("--script").arg(&script).output().unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "completed", "{v:#}");
    assert_eq!(v["answers"], 4, "{v:#}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: Vec<String> = conn
        .prepare("SELECT DISTINCT question FROM answers ORDER BY question")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored, ["A1", "B2a", "q4_age"], "the study's names are the stored names");
}

#[test]
fn ids_differing_only_in_case_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("dup");
    let block = format!("{BLOCK}\n[[question]]\nid = \"a1\"\ntype = \"integer\"\ntext = {{ en = \"A\", ru = \"А\", kk = \"А\" }}\n");
    write(&study, &[("study.toml", STUDY), ("b1.toml", &block)]);
    let out = dala().args(["check", "--json"]).arg(&study).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let e = v["errors"].as_array().unwrap().iter().find(|e| e["code"] == "S002").expect("S002").clone();
    assert_eq!(e["location"], "a1", "{e:#}");
    assert!(e["messages"]["en"].as_str().unwrap().contains("`A1`"), "{e:#}");
}

/// A study with at least one problem of every kind the loader reports.
const BROKEN_STUDY: &str = r#"
id = "broken"
version = "1"
title = { en = "Broken", ru = "Сломанное", kk = "Бұзылған" }
languages = ["ru", "kk", "en"]
codelists = ["lists.toml", "missing.toml"]
blocks = ["b1.toml", "b2.toml", "b3.toml"]
colour = "red"

[constants]
YEAR = 2010
"#;

const BROKEN_LISTS: &str = r#"
[codelist.L_A]
options = [{ code = 1, en = "A" ru = "А" }]
"#;

const BROKEN_B1: &str = r#"
id = "B1"
number = 1
title = { en = "One", ru = "Один" }

[[roster]]
id = "people"
title = { en = "People", ru = "Люди", kk = "Адамдар" }
size = "A1"

[[roster]]
id = "others"
title = { en = "Others", ru = "Другие", kk = "Басқалар" }
size = "B3"

[[calculate]]
id = "c1"
expr = "c2 + 1"
label = { en = "C", ru = "В", kk = "Е" }

[[calculate]]
id = "c2"
expr = "c1 + 1"
label = { en = "C", ru = "В", kk = "Е" }

[[question]]
id = "A1"
type = "integer"
min = 5
max = 1
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "a1"
type = "integer"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "count"
type = "integer"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "q4_age"
type = "integer"
roster = "people"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B2"
type = "single"
codelist = "L_NONE"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B3"
type = "single"
options = [{ code = 1, en = "A", ru = "А", kk = "А" }, { code = 1, en = "B", ru = "Б", kk = "Б" }]
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B4"
type = "integer"
relevant = "A1 = 1"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B5"
type = "integer"
relevant = "q4_age > 1"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B6"
type = "integer"
relevant = "Zed > 1"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B7"
type = "multiple"
max = 2
options = [{ code = 1, en = "A", ru = "А", kk = "А" }]
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B8"
type = "integer"
roster = "nobody"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B9"
type = "integer"
min = "one"
text = { en = "N", ru = "Н", kk = "Н" }

[[question]]
id = "B10"
type = "integer"
relevant = "A1 == 1 AND B9 == 2"
prefill = "cnt(people)"
choice_filter = "choice > 1"
text = { en = "N", ru = "Н", kk = "Н" }

[[question.validation]]
rule = "'open"
level = "warning"
message = { en = "M", ru = "М", kk = "М" }

[[question]]
id = "B11"
type = "sngle"
text = { en = "N", ru = "Н", kk = "Н" }
"#;

const BROKEN_B2: &str = r#"
id = "B2x"
number = 1
title = { en = "Two", ru = "Два", kk = "Екі" }
"#;

const BROKEN_B3: &str = r#"
id = "B3x"
number = 3
title = { en = "Three", ru = "Три", kk = "Үш" }
kind = "main"

[[question]]
id = "C1"
type = "money"
currency_by = ["KZT"]
text = { en = "N", ru = "Н", kk = "Н" }
"#;

/// Latin words in `line` other than what is the same in every language: quoted ids, fields and
/// values (in backticks), the file and location a diagnostic starts with, and a few names.
fn english_words(line: &str) -> Vec<String> {
    let mut rest = line.trim_start().to_string();
    // `ошибка[S014] b3.toml:9:1: C1.currency_by: ...`: drop the severity, file and location.
    if let Some(close) = rest.find("] ").filter(|_| rest.contains("[S")) {
        rest = rest[close + 2..].to_string();
        if let Some(i) = rest.find(": ") {
            rest = rest[i + 2..].to_string();
        }
        if let Some(i) = rest.find(": ").filter(|i| !rest[..*i].contains(' ') && rest[..*i].is_ascii()) {
            rest = rest[i + 2..].to_string();
        }
    }
    let mut plain = String::new();
    let mut in_ticks = false;
    for c in rest.chars() {
        if c == '`' {
            in_ticks = !in_ticks;
            plain.push(' ');
        } else if !in_ticks {
            plain.push(c);
        }
    }
    const SAME: [&str; 14] =
        ["TOML", "id", "docs", "expressions", "md", "study", "format", "Stata", "SPSS", "ru", "kk", "en", "true", "false"];
    plain.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2 && !SAME.contains(w)).map(String::from).collect()
}

#[test]
fn check_words_every_kind_of_problem_in_russian_and_kazakh() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("broken");
    write(
        &study,
        &[
            ("study.toml", BROKEN_STUDY),
            ("lists.toml", BROKEN_LISTS),
            ("b1.toml", BROKEN_B1),
            ("b2.toml", BROKEN_B2),
            ("b3.toml", BROKEN_B3),
        ],
    );

    let out = dala().args(["check", "--json"]).arg(&study).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    let all: Vec<&Json> = v["errors"].as_array().unwrap().iter().chain(v["warnings"].as_array().unwrap()).collect();
    let codes: std::collections::BTreeSet<&str> = all.iter().map(|e| e["code"].as_str().unwrap()).collect();
    for code in ["S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "S009", "S010", "S011", "S012", "S013", "S014"] {
        assert!(codes.contains(code), "{code} not reported: {all:#?}");
    }
    // The TOML syntax error and the unknown fields are located.
    let syntax = all.iter().find(|e| e["file"] == "lists.toml" && e["code"] == "S001").expect("syntax error");
    assert_eq!(syntax["line"], 3, "{syntax:#}");
    let currency = all.iter().find(|e| e["location"] == "C1.currency_by").expect("C1.currency_by");
    assert_eq!((currency["code"].as_str(), currency["line"].as_u64()), (Some("S014"), Some(10)), "{currency:#}");
    let max = all.iter().find(|e| e["location"] == "B7.max").expect("B7.max");
    assert!(max["hint"].as_str().unwrap().contains("`max_choices`"), "{max:#}");

    for (lang, error_word) in [("ru", "ошибка["), ("kk", "қате[")] {
        let out = dala().args(["--lang", lang, "check"]).arg(&study).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout).replace(&study.display().to_string(), "");
        assert!(text.contains(error_word), "{text}");
        let english: Vec<(String, Vec<String>)> =
            text.lines().map(|l| (l.to_string(), english_words(l))).filter(|(_, w)| !w.is_empty()).collect();
        assert!(english.is_empty(), "--lang {lang}: English left in\n{english:#?}");
    }
}
