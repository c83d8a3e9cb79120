//! The simulator on studies other than KMRS: a study without `simulation.toml` is simulated entirely
//! generically, and a study's `simulation.toml` decides which of the household model's variables go to
//! which of its questions (a variable the study cannot take is answered generically, not guessed).

use std::path::Path;

use dala_questionnaire::Lang;
use dala_simulator::{simulate, Config};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const STUDY: &str = r#"
id = "own-town"
version = "1"
title = { en = "Own town", ru = "Свой город", kk = "Өз қаласы" }
languages = ["ru", "kk", "en"]
blocks = ["b1.toml", "b2.toml"]
fieldwork = "fieldwork.toml"
"#;

const B1: &str = r#"
id = "B1"
number = 1
title = { en = "People", ru = "Люди", kk = "Адамдар" }

[[roster]]
id = "people"
title = { en = "People", ru = "Люди", kk = "Адамдар" }
size = "N"

[[question]]
id = "N"
type = "integer"
min = 1
max = 20
text = { en = "How many people?", ru = "Сколько человек?", kk = "Неше адам?" }

[[question]]
id = "gender"
type = "single"
roster = "people"
options = [{ code = 1, en = "Man", ru = "Мужчина", kk = "Ер" }, { code = 2, en = "Woman", ru = "Женщина", kk = "Әйел" }]
text = { en = "Sex?", ru = "Пол?", kk = "Жынысы?" }

[[question]]
id = "born"
type = "year"
roster = "people"
min = 1900
max = 2010
text = { en = "Year of birth?", ru = "Год рождения?", kk = "Туған жылы?" }
"#;

const B2: &str = r#"
id = "B2"
number = 2
title = { en = "Opinions", ru = "Мнения", kk = "Пікірлер" }

[[question]]
id = "happy"
type = "scale"
min = 1
max = 5
text = { en = "How happy?", ru = "Насколько счастливы?", kk = "Қаншалықты бақыттысыз?" }

[[question]]
id = "pay"
type = "money"
text = { en = "Pay?", ru = "Зарплата?", kk = "Жалақы?" }
"#;

const FIELDWORK: &str = r#"
study = "own-town"

[routes]
interviews_per_route = 10

[intervals]
single_house = 2
flat = 5

[clustering]
max_per_building = 3
max_per_entrance = 1

[visits]
minimum = 3
evening_from = "18:00"
evening_visits = 1
weekend_visits = 1
weekend_days = ["sat", "sun"]
final_without_minimum = [34, 44, 52, 53, 63]

[eligibility]
permanent_member = true
min_age = 18
head_or_co_decision_maker = true

[aapor]
e = "computed"

[quota]
shapes = [{ female = 6, male = 4 }, { female = 5, male = 5 }]

[[city]]
id = "town"
name = { ru = "Город", kk = "Қала", en = "Town" }
planned_households = 20
female_share_percent = 52.0
frame = "town.csv"
"#;

const FRAME: &str = "city,street_ru,street_kk,district,from_number,to_number,odd_side,building_type,dwellings
town,улица Первая,Бірінші көше,Центр,1,120,left,houses,
town,улица Вторая,Екінші көше,Центр,1,90,right,flats,
town,улица Третья,Үшінші көше,Центр,1,150,left,mixed,
town,улица Четвёртая,Төртінші көше,Центр,1,100,right,houses,
town,улица Пятая,Бесінші көше,Центр,1,80,left,flats,
town,улица Шестая,Алтыншы көше,Центр,1,110,right,houses,
";

fn study(dir: &Path, simulation: Option<&str>) {
    write(dir, &[("study.toml", STUDY), ("b1.toml", B1), ("b2.toml", B2), ("fieldwork.toml", FIELDWORK), ("town.csv", FRAME)]);
    if let Some(s) = simulation {
        write(dir, &[("simulation.toml", s)]);
    }
}

fn run(dir: &Path, out: &Path, scale: f64) -> dala_simulator::Outcome {
    let q = dala_session::load_study(dir).unwrap();
    let fw = dala_session::field::load_fieldwork(dir).unwrap().unwrap();
    let cfg = Config { seed: 5, devices: 2, scale, out: out.to_path_buf(), threads: Some(2), encrypt: None, on_disk: false };
    simulate(dir, &q, &fw, &cfg, Lang::En).unwrap()
}

fn query(db: &Path, sql: &str) -> Vec<(String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c.prepare(sql).unwrap();
    st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_study_without_a_simulation_file_is_simulated_generically() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    study(&dir, None);
    let out = run(&dir, &tmp.path().join("out"), 1.0);
    assert!(!out.modelled);
    assert_eq!(out.generic_cities, ["town"]);
    let completes: u64 = out.stats.iter().map(|s| s.completes).sum();
    assert_eq!(completes, 20, "both routes' cells are filled");
    assert_eq!(out.stats.iter().map(|s| s.repaired).sum::<u64>(), 0);
    for db in &out.paths {
        // Every complete interview answered the study's own questions; the roster is the household's size.
        let rows = query(db, "SELECT question, value FROM answers WHERE question IN ('N', 'happy', 'pay') ORDER BY question");
        assert!(rows.iter().any(|(q, _)| q == "happy") && rows.iter().any(|(q, _)| q == "pay"), "{rows:?}");
        let sizes: Vec<i64> = rows.iter().filter(|(q, _)| q == "N").map(|(_, v)| v.parse().unwrap()).collect();
        assert!(!sizes.is_empty() && sizes.iter().all(|n| (1..=20).contains(n)), "{sizes:?}");
    }
    // Opinions are drawn, not all the first acceptable value.
    let happy: std::collections::HashSet<String> =
        out.paths.iter().flat_map(|db| query(db, "SELECT question, value FROM answers WHERE question = 'happy'")).map(|(_, v)| v).collect();
    assert!(happy.len() >= 3, "{happy:?}");
}

#[test]
fn the_simulation_file_maps_the_models_variables_to_the_studys_questions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    // Sex and birth year of the model go to `gender` and `born`; the wage to a question the study does
    // not have (left generic); a code list the study does not offer is refused per answer.
    study(
        &dir,
        Some(
            r#"
[rosters]
members = "people"

[questions]
Q101 = "N"
Q104 = "gender"
Q105 = "born"
Q312 = "no_such_question"
"#,
        ),
    );
    let out = run(&dir, &tmp.path().join("out"), 1.0);
    assert!(out.modelled);
    assert_eq!(out.unmodelled.keys().collect::<Vec<_>>(), ["Q312"]);
    assert_eq!(out.stats.iter().map(|s| s.completes).sum::<u64>(), 20);
    // The model's households: some women, born in many years (the generic filler would give one year per row).
    let values = |q: &str| -> std::collections::HashSet<String> {
        let sql = format!("SELECT question, value FROM answers WHERE question = '{q}'");
        out.paths.iter().flat_map(|db| query(db, &sql)).map(|(_, v)| v).collect()
    };
    let born = values("born");
    assert!(born.len() > 15, "{born:?}");
    let genders = values("gender");
    assert_eq!(genders.len(), 2, "{genders:?}");
}

#[test]
fn a_scale_above_the_frames_generates_marked_streets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    study(&dir, None);
    let out = run(&dir, &tmp.path().join("out"), 4.0);
    // 2 routes × 4 = 8 routes need ceil(8 × 1.3) + 5 = 16 streets; the frame has 6.
    assert_eq!(out.routes, 8);
    assert_eq!(out.synthetic_streets["town"], 10);
    assert_eq!(out.stats.iter().map(|s| s.completes).sum::<u64>(), 80);
    let csv = std::fs::read_to_string(out.synthetic_frame.as_ref().unwrap()).unwrap();
    assert!(csv.starts_with("# SYNTHETIC"));
    let streets: Vec<(String, String)> =
        out.paths.iter().flat_map(|db| query(db, "SELECT id, street FROM routes")).filter(|(_, s)| s.starts_with("синт.")).collect();
    assert!(!streets.is_empty(), "some drawn routes run along synthetic streets");
}
