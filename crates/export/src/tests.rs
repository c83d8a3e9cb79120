//! The exporter over the KMRS study and a small database written through the store: the dictionary's
//! naming rules, values and labels read back by an independent reader (the `dta` crate's, CSV), and
//! the whole-or-absent invariant with a failure injected in the middle of writing.

use std::cell::Cell as StdCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use dala_i18n::Lang;
use dala_questionnaire::load::{load_study, StudySource};
use dala_questionnaire::{AnswerKey, Questionnaire};
use dala_store::Store;
use serde_json::json;

use crate::{dictionary, export, ExportError, ExportSettings, Format, Options, Weights};

struct Dir(PathBuf);
impl StudySource for Dir {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn kmrs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn kmrs() -> (Questionnaire, ExportSettings) {
    let (q, diags) = load_study(&Dir(kmrs_dir()));
    let q = q.unwrap_or_else(|| panic!("{diags:?}"));
    let text = std::fs::read_to_string(kmrs_dir().join("export.toml")).unwrap();
    let settings = ExportSettings::parse(Some(&text), &q).unwrap();
    (q, settings)
}

thread_local! {
    static FAIL_AT: StdCell<Option<u64>> = const { StdCell::new(None) };
}

/// The injected fault: the write of row `n` (over all files) fails.
pub(crate) fn fault(rows: u64) -> Result<(), ExportError> {
    match FAIL_AT.with(|f| f.get()) {
        Some(n) if rows >= n => Err(ExportError::io(Path::new("injected"), std::io::Error::other("disk full (injected)"))),
        _ => Ok(()),
    }
}

fn key(q: &str, rows: &[u32]) -> AnswerKey {
    AnswerKey { question: q.into(), roster: rows.to_vec() }
}

/// Two interviews: a household of three (one member away; Q106 known, don't know, refused) and one without a roster size.
fn database(q: &Questionnaire) -> Store {
    let t = Utc.with_ymd_and_hms(2010, 10, 20, 9, 0, 0).unwrap();
    let mut s = Store::open_in_memory(t).unwrap();
    let a = s.create_interview(&q.id, &q.version, "ru", t).unwrap();
    let answers = [
        (key("Q101", &[]), json!(3)),
        (key("Q102", &[1]), json!("Айгүл")),
        (key("Q102", &[2]), json!("Серік")),
        (key("Q102", &[3]), json!("Дана")),
        (key("Q104", &[1]), json!(2)),
        (key("Q104", &[2]), json!(1)),
        (key("Q104", &[3]), json!(2)),
        (key("Q106", &[1]), json!(1)),
        (key("Q106", &[2]), json!(-98)),
        (key("Q106", &[3]), json!(-99)),
        (key("Q110", &[1]), json!(1)),
        (key("Q110", &[2]), json!(3)),
        (key("Q110", &[3]), json!(1)),
        (key("Q207", &[]), json!({"codes": [1, 96], "other": "курсы"})),
        (key("Q013", &[]), json!("2010-10-20")),
        (key("Q014", &[]), json!("09:05")),
    ];
    for (k, v) in &answers {
        s.save_answer(&a, k, v, None, t).unwrap();
    }
    let b = s.create_interview(&q.id, &q.version, "kk", t).unwrap();
    s.save_answer(&b, &key("Q207", &[]), &json!(-99), None, t).unwrap();
    s
}

fn opts(format: Format, lang: Lang) -> Options {
    Options { format, lang, anonymise: None }
}

#[test]
fn the_dictionary_uses_the_studys_names_and_the_documented_derived_ones() {
    let (q, settings) = kmrs();
    let files = dictionary(&q, &settings, &opts(Format::Csv, Lang::Kk));
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["households", "persons", "away", "addresses", "visits", "paradata"]);
    let hh = &files[0];
    let var = |f: &crate::FileDef, n: &str| f.vars.iter().find(|v| v.name == n).unwrap_or_else(|| panic!("{n} in {}", f.name)).clone();
    assert_eq!(hh.vars[0].name, "hhid");
    // A multiple choice: its codes as text, one 0/1 indicator per option, the "other" text.
    assert_eq!(var(hh, "Q207").kind, crate::Kind::Text);
    let ind = var(hh, "Q207_1");
    assert_eq!(ind.kind, crate::Kind::Code);
    assert_eq!(&ind.value_labels[..2], &[(0, "Таңдалмаған".to_string()), (1, "Таңдалған".to_string())]);
    var(hh, "Q207_96");
    var(hh, "Q207_oth");
    // Money with its currency; a grid row per variable.
    var(hh, "Q312_cur");
    var(hh, "Q708_take_jobs");
    // Labels in Kazakh: Kazakh letters, Cyrillic І never Latin i.
    let persons = &files[1];
    let sex = var(persons, "Q104");
    assert!(sex.label.chars().any(|c| "әғқңөұүһі".contains(c)), "{}", sex.label);
    assert!(sex.value_labels.iter().any(|(c, _)| *c == 1));
    assert_eq!(sex.missing, q.questions.iter().find(|x| x.id == "Q104").unwrap().special.iter().map(|m| m.code()).collect::<Vec<_>>());
    // The subset file has its keys and exactly the questions the settings list.
    let away = &files[2];
    assert_eq!(away.vars[0].name, "hhid");
    assert_eq!(away.vars[1].name, "line");
    assert!(away.vars.iter().any(|v| v.name == "Q534"));
    assert!(!away.vars.iter().any(|v| v.name == "Q105"), "not listed for the away file");
}

#[test]
fn an_anonymised_dictionary_drops_identifying_variables_and_keeps_the_keys() {
    let (q, settings) = kmrs();
    let open = dictionary(&q, &settings, &opts(Format::Csv, Lang::En));
    let anon = dictionary(&q, &settings, &Options { anonymise: Some("s".into()), ..opts(Format::Csv, Lang::En) });
    let identifying: Vec<&str> = q.questions.iter().filter(|x| x.identifying).map(|x| x.id.as_str()).collect();
    assert!(identifying.len() >= 5);
    for (o, a) in open.iter().zip(&anon) {
        assert!(a.vars.iter().all(|v| !identifying.contains(&v.name.as_str())), "{}", a.name);
        if ["households", "persons", "away", "addresses"].contains(&a.name.as_str()) {
            assert!(a.vars.len() < o.vars.len(), "{} lost nothing", a.name);
        }
        assert!(a.vars.iter().any(|v| v.name == "hhid" || v.name == "address"), "{} keeps its key", a.name);
    }
    assert!(!anon[0].vars.iter().any(|v| v.name == "address"), "the address of a household is coarsened to its route");
    assert!(anon[0].vars.iter().any(|v| v.name == "route"));
    assert!(!anon[1].vars.iter().any(|v| v.name == "Q105M"), "the quasi-identifying birth month is dropped");
}

#[test]
fn csv_rows_hold_the_answers_with_rosters_indicators_and_missing_codes() {
    let (q, settings) = kmrs();
    let store = database(&q);
    let dir = tempfile::tempdir().unwrap();
    let summary =
        export(store.connection(), &q, &settings, &HashMap::new(), &opts(Format::Csv, Lang::Ru), dir.path(), &mut |_, _| {}).unwrap();
    let rows: HashMap<String, u64> = summary.files.iter().map(|f| (f.name.clone(), f.rows)).collect();
    assert_eq!(rows["households"], 2);
    assert_eq!(rows["persons"], 3, "the household of three; the other has no size");
    assert_eq!(rows["away"], 1, "the one member with Q110 = 3");
    let read = |name: &str| {
        let mut r = csv::Reader::from_path(dir.path().join(name)).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<HashMap<String, String>> =
            r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(String::from)).collect()).collect();
        rows
    };
    let hh = read("households.csv");
    let first = hh.iter().find(|r| r["Q101"] == "3").unwrap();
    assert_eq!(
        (first["Q207"].as_str(), first["Q207_1"].as_str(), first["Q207_2"].as_str(), first["Q207_96"].as_str()),
        ("1 96", "1", "0", "1")
    );
    assert_eq!(first["Q207_oth"], "курсы");
    assert_eq!(first["Q013"], "2010-10-20");
    assert_eq!(first["Q014"], "09:05");
    assert_eq!(first["lang"], "1");
    let second = hh.iter().find(|r| r["Q101"].is_empty()).unwrap();
    assert_eq!((second["Q207"].as_str(), second["Q207_1"].as_str()), ("-99", "-99"), "a refusal is kept in every indicator");
    assert_eq!(second["lang"], "2");
    let persons = read("persons.csv");
    let q106: Vec<&str> = persons.iter().map(|r| r["Q106"].as_str()).collect();
    assert_eq!(q106, ["1", "-98", "-99"]);
    assert_eq!(persons.iter().map(|r| r["line"].as_str()).collect::<Vec<_>>(), ["1", "2", "3"]);
    assert!(persons.iter().all(|r| r["hhid"] == first["hhid"]));
    let labels = read("persons.values.csv");
    assert!(labels.iter().any(|r| r["name"] == "Q106" && r["value"] == "-98"), "the missing code is labelled");
    let vars = read("persons.variables.csv");
    assert_eq!(vars.iter().find(|r| r["name"] == "Q106").unwrap()["missing"], "-98 -99");
    assert_eq!(vars.iter().find(|r| r["name"] == "Q104").unwrap()["missing"], "", "Q104 allows no missing code");
}

#[test]
fn stata_files_carry_value_labels_and_extended_missing_values_read_back_by_the_dta_reader() {
    use dta::stata::dta::dta_reader::DtaReader;
    use dta::stata::dta::value::Value;
    use dta::stata::missing_value::MissingValue;
    use dta::stata::stata_long::StataLong;
    let (q, settings) = kmrs();
    let store = database(&q);
    let dir = tempfile::tempdir().unwrap();
    export(store.connection(), &q, &settings, &HashMap::new(), &opts(Format::Dta, Lang::Kk), dir.path(), &mut |_, _| {}).unwrap();
    let mut chars = DtaReader::new().from_path(dir.path().join("persons.dta")).unwrap().read_header().unwrap().read_schema().unwrap();
    chars.skip_to_end().unwrap();
    let mut records = chars.into_record_reader().unwrap();
    let schema = records.schema().clone();
    let at = schema.variables().iter().position(|v| v.name() == "Q106").unwrap();
    assert!(schema.variables()[at].label().chars().any(|c| "әғқңөұүһі".contains(c)));
    assert_eq!(schema.variables()[at].value_label_name(), "Q106");
    let mut q106 = Vec::new();
    while let Some(r) = records.read_record().unwrap() {
        q106.push(match &r.values()[at] {
            Value::Long(l) => *l,
            other => panic!("{other:?}"),
        });
    }
    assert_eq!(q106, [StataLong::Present(1), StataLong::Missing(MissingValue::B), StataLong::Missing(MissingValue::C)]);
    let mut strings = records.into_long_string_reader().unwrap();
    strings.skip_to_end().unwrap();
    let mut labels = strings.into_value_label_reader().unwrap();
    let mut sets = HashMap::new();
    while let Some(set) = labels.read_value_label_set().unwrap() {
        sets.insert(set.name().to_string(), set);
    }
    assert!(sets["Q104"].label_for(1).is_some() && sets["Q104"].label_for(2).is_some());
    let q106 = &sets["Q106"];
    assert!(q106.label_for(1).is_some());
    assert_eq!(q106.label_for(2_147_483_623), Some("Білмеймін"), ".b carries the don't-know label");
    assert_eq!(q106.label_for(2_147_483_624), Some("Жауап беруден бас тарту"), ".c the refusal's");
}

#[test]
fn a_failed_export_leaves_the_output_folder_as_it_was() {
    let (q, settings) = kmrs();
    let store = database(&q);
    for format in [Format::Csv, Format::Dta, Format::Sav, Format::Parquet] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "kept").unwrap();
        for fail_at in [1, 3, 5] {
            FAIL_AT.with(|f| f.set(Some(fail_at)));
            let r = export(
                store.connection(),
                &q,
                &settings,
                &HashMap::<String, Weights>::new(),
                &opts(format, Lang::En),
                dir.path(),
                &mut |_, _| {},
            );
            FAIL_AT.with(|f| f.set(None));
            assert!(r.is_err(), "{format:?}: the injected failure is reported");
            let left: Vec<String> =
                std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
            assert_eq!(left, ["notes.txt"], "{format:?} failing at row {fail_at}: nothing half-written, no temporary folder left");
        }
        // A folder in the way of a file: refused before any file is moved.
        std::fs::create_dir(dir.path().join(format!("visits.{}", format.extension()))).unwrap();
        let blocked = export(store.connection(), &q, &settings, &HashMap::new(), &opts(format, Lang::En), dir.path(), &mut |_, _| {});
        assert!(blocked.is_err(), "{format:?}");
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        left.sort();
        assert_eq!(left.len(), 2, "{format:?}: only the note and the folder in the way: {left:?}");
        std::fs::remove_dir(dir.path().join(format!("visits.{}", format.extension()))).unwrap();
        let done = export(store.connection(), &q, &settings, &HashMap::new(), &opts(format, Lang::En), dir.path(), &mut |_, _| {}).unwrap();
        assert!(dir.path().join(format!("households.{}", format.extension())).is_file());
        assert_eq!(done.documents.len(), 2, "the codebook and its DDI XML");
    }
}

#[test]
fn export_settings_naming_what_the_study_lacks_are_refused_in_three_languages() {
    let (q, _) = kmrs();
    let cases = [
        ("quasi_identifying = [\"Q999\"]", "Q999"),
        ("[roster_files]\nhousehold = \"persons\"", "household"),
        ("colour = \"red\"", "colour"),
        ("[[subsets]]\nname = \"x\"\nroster = \"members\"\nlabel = { en = \"x\", ru = \"x\", kk = \"x\" }\nwhen_question = \"Q110\"\nwhen_codes = [2]\nquestions = [\"Q5000\"]", "Q5000"),
    ];
    for (text, named) in cases {
        let e = ExportSettings::parse(Some(text), &q).expect_err(text);
        let m = e.message();
        for (lang, word) in [(&m.en, "Export settings"), (&m.ru, "Настройки экспорта"), (&m.kk, "Экспорт баптаулары")]
        {
            assert!(lang.contains(word) && lang.contains(named), "{text}: {lang}");
        }
    }
    assert!(ExportSettings::parse(None, &q).unwrap().subsets.is_empty(), "no file: the defaults");
}
