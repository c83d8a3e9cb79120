//! The study's `[backcheck]` settings name questions of the study: a study whose back-check compares a
//! question it does not have, or one asked per roster member, is refused when it is opened, naming each
//! setting in ru/kk/en; the form the supervisor fills in is worded in the chosen language.

use std::path::{Path, PathBuf};

use dala_questionnaire::model::QuestionType;
use dala_questionnaire::Lang;
use dala_session::{Session, SessionError};

fn study_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_form_asks_the_study_s_questions_in_the_chosen_language() {
    let db = tempfile::tempdir().unwrap();
    let session = Session::open(&study_dir(), &db.path().join("d.sqlite")).unwrap();
    let ru = session.backcheck_form(Lang::Ru).unwrap();
    let kk = session.backcheck_form(Lang::Kk).unwrap();
    assert_eq!(ru.share_percent, 12);
    assert_eq!(ru.household_size.as_ref().map(|q| q.question.as_str()), Some("Q101"));
    assert_eq!(ru.items.iter().map(|i| i.question.as_str()).collect::<Vec<_>>(), ["Q401", "Q601", "Q609"]);
    let q601 = &ru.items[1];
    assert_eq!(q601.kind, QuestionType::Single);
    assert!(!q601.options.is_empty(), "a choice comes with its options");
    assert!(q601.text.chars().any(|c| ('а'..='я').contains(&c)), "Russian text: {}", q601.text);
    assert_ne!(q601.text, kk.items[1].text, "Kazakh differs from Russian");
    assert_ne!(q601.options[0].label, kk.items[1].options[0].label);
}

#[test]
fn a_back_check_of_an_unknown_or_roster_question_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study");
    copy_dir(&study_dir(), &study);
    let fw = study.join("fieldwork.toml");
    let text = std::fs::read_to_string(&fw).unwrap();
    let changed = text.replace(r#"compare = ["Q401", "Q601", "Q609"]"#, r#"compare = ["Q401", "Q999", "Q102"]"#);
    assert_ne!(changed, text, "the KMRS settings changed shape: update this test");
    std::fs::write(&fw, changed).unwrap();
    let db = dir.path().join("d.sqlite");
    let Err(e) = Session::open(&study, &db) else { panic!("a study comparing unknown questions opened") };
    assert!(matches!(e, SessionError::Field(_)), "{e:?}");
    let en = e.message(Lang::En);
    assert!(en.contains("backcheck.compare[1]") && en.contains("Q999"), "{en}");
    assert!(e.message(Lang::Ru).contains("Q999"));
    assert!(!db.exists(), "no database is created for a study that cannot be used");
}
