//! Faults of the device (issue 10, point 3; docs/robustness.md): the storage fills up in the middle of an
//! interview, and a second program opens the same database.

use chrono::{DateTime, TimeZone, Utc};
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::{ErrorKind, Session};
use serde_json::json;

fn study_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn t(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_287_500_000 + s, 0).unwrap()
}

fn q(id: &str) -> AnswerKey {
    AnswerKey { question: id.into(), roster: vec![] }
}

#[test]
fn a_full_disk_refuses_the_action_keeps_everything_before_and_recovers_when_space_returns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut s = Session::open(&study_dir(), &db).unwrap();
    let id = s.create(Lang::Kk, t(0)).unwrap();
    s.record(&id, &q("Q101"), &json!(3), t(1)).unwrap();
    // The storage fills up: the database may not grow by one more page (SQLite answers SQLITE_FULL,
    // as it does when the disk itself is full).
    let pages: i64 = s.store().connection().pragma_query_value(None, "page_count", |r| r.get(0)).unwrap();
    s.store().connection().pragma_update(None, "max_page_count", pages).unwrap();
    let mut saved = 3;
    let mut refused = None;
    for n in 0..2000 {
        let value = 4 + (n % 5);
        match s.record(&id, &q("Q101"), &json!(value), t(2 + n)) {
            Ok(()) => saved = value,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let e = refused.expect("the database never filled");
    assert_eq!(e.kind(), ErrorKind::DiskFull, "{e:?}");
    assert!(e.message(Lang::Kk).contains("жады толы"), "{}", e.message(Lang::Kk));
    assert!(e.message(Lang::Ru).contains("Память устройства заполнена"));
    // Nothing of the refused action is stored, everything before it is.
    let stored = |s: &Session| s.store().answers(&id).unwrap().into_iter().find(|a| a.key.question == "Q101").unwrap().value;
    assert_eq!(stored(&s), json!(saved));
    assert!(s.store().audit().unwrap().intact(), "the journal and the answers agree after the refusal");
    // Space returns: the same session goes on.
    s.store().connection().pragma_update(None, "max_page_count", 1_073_741_823i64).unwrap();
    s.record(&id, &q("Q101"), &json!(9), t(5000)).unwrap();
    drop(s);
    let s = Session::open(&study_dir(), &db).unwrap();
    assert_eq!(stored(&s), json!(9));
    let report = s.store().audit().unwrap();
    assert!(report.intact(), "{report:?}");
}

#[test]
fn a_second_program_on_the_same_database_is_refused_clearly_until_the_first_closes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut first = Session::open(&study_dir(), &db).unwrap();
    let id = first.create(Lang::Ru, t(0)).unwrap();
    first.record(&id, &q("Q101"), &json!(2), t(1)).unwrap();
    let e = match Session::open(&study_dir(), &db) {
        Err(e) => e,
        Ok(_) => panic!("a second writer was let in"),
    };
    assert_eq!(e.kind(), ErrorKind::DatabaseInUse);
    assert!(e.message(Lang::Ru).contains("уже открыта"), "{}", e.message(Lang::Ru));
    assert!(e.message(Lang::Kk).contains("ашық тұр"));
    // Reading alongside is allowed (reports, exports read without the lock).
    let reader = dala_store::Store::open_read_only(&db).unwrap();
    assert!(reader.answers(&id).unwrap().iter().any(|a| a.key.question == "Q101" && a.value == json!(2)));
    // The first is still whole and writing; once it closes, the second opens.
    first.record(&id, &q("Q101"), &json!(3), t(2)).unwrap();
    drop(first);
    let second = Session::open(&study_dir(), &db).unwrap();
    assert!(second.store().answers(&id).unwrap().iter().any(|a| a.key.question == "Q101" && a.value == json!(3)));
}

fn q101(s: &Session, id: &str) -> serde_json::Value {
    s.store().answers(id).unwrap().into_iter().find(|a| a.key.question == "Q101").unwrap().value
}

#[test]
fn a_database_file_deleted_while_open_is_written_back_and_nothing_is_lost() {
    for with_wal in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        let mut s = Session::open(&study_dir(), &db).unwrap();
        let id = s.create(Lang::Ru, t(0)).unwrap();
        s.record(&id, &q("Q101"), &json!(2), t(1)).unwrap();
        // A cleaning app deletes the file (and, the second time, its WAL, shared memory and lock file too).
        std::fs::remove_file(&db).unwrap();
        if with_wal {
            for suffix in ["-wal", "-shm", ".lock"] {
                let _ = std::fs::remove_file(dir.path().join(format!("d.sqlite{suffix}")));
            }
        }
        s.record(&id, &q("Q101"), &json!(3), t(2)).unwrap();
        assert!(db.is_file(), "the file is back in its place");
        s.record(&id, &q("Q101"), &json!(4), t(3)).unwrap();
        // The rescued store holds the lock of its file (taken again when the lock file went too).
        assert_eq!(Session::open(&study_dir(), &db).err().map(|e| e.kind()), Some(ErrorKind::DatabaseInUse));
        drop(s);
        let s = Session::open(&study_dir(), &db).unwrap();
        assert_eq!(q101(&s, &id), json!(4), "every answer, before and after the deletion, is in the file");
        let report = s.store().audit().unwrap();
        assert!(report.intact(), "{report:?}");
        assert!(report.journal_entries >= 4);
    }
}

#[test]
fn a_database_file_replaced_while_open_is_left_alone_and_the_open_content_is_saved_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    let mut s = Session::open(&study_dir(), &db).unwrap();
    let id = s.create(Lang::Ru, t(0)).unwrap();
    s.record(&id, &q("Q101"), &json!(2), t(1)).unwrap();
    // Someone copies another database over it (here: an empty one).
    let other = dir.path().join("other.sqlite");
    drop(dala_store::Store::open(&other, t(0)).unwrap());
    std::fs::rename(&other, &db).unwrap();
    let before = std::fs::read(&db).unwrap();
    let e = s.record(&id, &q("Q101"), &json!(3), t(2)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DatabaseReplaced, "{e:?}");
    assert!(e.message(Lang::Kk).contains("ауыстырылды"), "{}", e.message(Lang::Kk));
    // Refused again, not half-written; the replacement is untouched.
    assert_eq!(s.record(&id, &q("Q101"), &json!(3), t(3)).unwrap_err().kind(), ErrorKind::DatabaseReplaced);
    drop(s);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the replacing file is left as it was");
    let rescued = dala_store::Store::open_read_only(&dir.path().join("d.sqlite.rescued")).unwrap();
    let kept = rescued.answers(&id).unwrap().into_iter().find(|a| a.key.question == "Q101").unwrap().value;
    assert_eq!(kept, json!(2), "the open database's content is saved beside it");
}
