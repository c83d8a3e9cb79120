//! Contract tests of the store on real files.

use super::*;
use chrono::TimeZone;
use serde_json::json;

fn t(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_288_000_000 + sec, 0).unwrap()
}

fn key(q: &str, roster: &[u32]) -> AnswerKey {
    AnswerKey { question: q.into(), roster: roster.to_vec() }
}

#[test]
fn answers_and_journal_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let id;
    let device;
    {
        let mut s = Store::open(&path, t(0)).unwrap();
        device = s.device_id().to_string();
        id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
        s.save_answer(&id, &key("Q101", &[]), &json!(3), None, t(2)).unwrap();
        s.save_answer(&id, &key("Q102", &[2]), &json!("Айгуль"), None, t(3)).unwrap();
        s.save_answer(&id, &key("Q101", &[]), &json!(4), Some(&json!(3)), t(4)).unwrap();
        s.set_language(&id, "kk", t(5)).unwrap();
        s.set_language(&id, "kk", t(6)).unwrap(); // no change, no entry
        s.clear_answer(&id, &key("Q102", &[2]), &json!("Айгуль"), t(7)).unwrap();
    }
    let s = Store::open(&path, t(100)).unwrap();
    assert_eq!(s.device_id(), device, "the device id is kept");
    let answers = s.answers(&id).unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].value, json!(4));
    let iv = s.interview(&id).unwrap();
    assert_eq!(iv.language, "kk");
    assert_eq!(iv.status, InterviewStatus::InProgress);
    let kinds: Vec<String> = s.journal_of(&id).unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["interview_created", "answer_set", "answer_set", "answer_changed", "language_switched", "answer_cleared"]);
    let j = s.journal_of(&id).unwrap();
    assert_eq!(j[3].old_value.as_deref(), Some("3"));
    assert_eq!(j[3].new_value.as_deref(), Some("4"));
    assert_eq!(j[2].roster.as_deref(), Some("2"));
    assert!(j.iter().all(|e| e.device_id == device));
    assert_eq!(s.integrity_check().unwrap(), "ok");
}

#[test]
fn a_database_newer_than_the_code_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    {
        let s = Store::open(&path, t(0)).unwrap();
        s.connection().pragma_update(None, "user_version", schema_version() + 5).unwrap();
    }
    match Store::open(&path, t(1)) {
        Err(StoreError::TooNew { found, supported }) => {
            assert_eq!(found, schema_version() + 5);
            assert_eq!(supported, schema_version());
        }
        other => panic!("expected TooNew, got {:?}", other.err()),
    }
    let conn = Connection::open(&path).unwrap();
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, schema_version() + 5, "the file is not modified");
}

#[test]
fn unknown_interview_is_an_error_and_writes_nothing() {
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let err = s.save_answer("nope", &key("Q101", &[]), &json!(1), None, t(1)).unwrap_err();
    assert!(matches!(err, StoreError::NoInterview(_)));
    let n: i64 = s.connection().query_row("SELECT count(*) FROM answers", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
    let n: i64 = s.connection().query_row("SELECT count(*) FROM journal", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
}

#[test]
fn confirmations_are_dropped_when_the_answer_changes() {
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let id = s.create_interview("x", "1", "en", t(1)).unwrap();
    s.save_answer(&id, &key("Q312", &[]), &json!(5_000_000), None, t(2)).unwrap();
    s.confirm_warning(&id, &key("Q312", &[]), 0, t(3)).unwrap();
    assert_eq!(s.confirmations(&id).unwrap(), vec![(key("Q312", &[]), 0)]);
    s.save_answer(&id, &key("Q312", &[]), &json!(6_000_000), Some(&json!(5_000_000)), t(4)).unwrap();
    assert!(s.confirmations(&id).unwrap().is_empty());
}

#[test]
fn wal_and_full_sync_are_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("w.sqlite"), t(0)).unwrap();
    let mode: String = s.connection().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    let sync: i64 = s.connection().pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous = FULL");
}

#[test]
fn completion_sets_status_and_journal() {
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let id = s.create_interview("x", "1", "ru", t(1)).unwrap();
    s.complete(&id, t(9)).unwrap();
    let iv = s.interview(&id).unwrap();
    assert_eq!(iv.status, InterviewStatus::Completed);
    assert!(iv.completed_at.is_some());
    assert_eq!(s.journal_of(&id).unwrap().last().unwrap().kind, "interview_completed");
}

/// A database as the first release wrote it (migration 1 only) with one interview, `i1` of device
/// `dev-1`, answered Q101 = 3.
fn version_1_file(path: &std::path::Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(migrations::ALL[0]).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute("INSERT INTO device (id, created_at) VALUES ('dev-1', 't')", []).unwrap();
    conn.execute("INSERT INTO interviews (id, study_id, study_version, status, language, device_id, created_at, updated_at) VALUES ('i1', 'kmrs-2010', '1', 'in_progress', 'kk', 'dev-1', 't', 't')", []).unwrap();
    conn.execute("INSERT INTO answers (interview_id, question, roster, value, answered_at) VALUES ('i1', 'Q101', '', '3', 't')", [])
        .unwrap();
    conn
}

#[test]
fn a_version_1_file_with_data_upgrades_to_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    {
        // A database as the first release wrote it: migration 1 only, with an interview in it.
        let conn = version_1_file(&path);
        conn.execute(
            "INSERT INTO journal (seq, id, interview_id, device_id, at, kind, question, roster, new_value) VALUES (7, 'j1', 'i1', 'dev-1', 't', 'answer_set', 'Q101', '', '3')",
            [],
        )
        .unwrap();
    }
    let s = Store::open(&path, t(0)).unwrap();
    assert_eq!(s.device_id(), "dev-1");
    assert_eq!(s.answers("i1").unwrap()[0].value, json!(3));
    let journal = s.journal_of("i1").unwrap();
    assert_eq!(
        (journal.len(), journal[0].seq, journal[0].id.as_str(), journal[0].kind.as_str()),
        (1, 7, "j1", "answer_set"),
        "the journal survives every rebuild"
    );
    let v: i64 = s.connection().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, schema_version());
    let schema = |c: &Connection| -> Vec<String> {
        let mut st = c.prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let fresh = Store::open_in_memory(t(0)).unwrap();
    assert_eq!(schema(s.connection()), schema(fresh.connection()), "an upgraded file has the same schema as a new one");
}

#[test]
fn a_batch_commits_everything_or_nothing_at_every_write_point() {
    // An interview created with two answers in one batch: a failure at any write leaves no trace.
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let count =
        |s: &Store, table: &str| -> i64 { s.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap() };
    let run = |s: &mut Store| -> Result<String> {
        let mut b = s.batch(t(1))?;
        let id = b.create_interview("x", "1", "ru")?;
        b.save_answer(&id, &key("Q101", &[]), &json!(1), None)?;
        b.save_answer(&id, &key("Q102", &[1]), &json!("Айгуль"), None)?;
        b.commit()?;
        Ok(id)
    };
    let mut failed = 0;
    for n in 0.. {
        s.fail_write_after(n);
        match run(&mut s) {
            Err(StoreError::Sqlite(_)) => {
                failed += 1;
                for table in ["interviews", "answers", "journal"] {
                    assert_eq!(count(&s, table), 0, "{table} after a failure at write {n}");
                }
            }
            Err(e) => panic!("{e}"),
            Ok(_) => {
                assert!(s.cancel_fault(), "succeeds only once the planned failure lies beyond its last write");
                break;
            }
        }
    }
    // 2 writes to create + 4 per answer (time and position, answer, confirmations, journal) + the commit.
    assert_eq!(failed, 2 + 4 + 4 + 1);
    assert_eq!((count(&s, "interviews"), count(&s, "answers"), count(&s, "journal")), (1, 2, 3));
}

#[test]
fn an_interview_ends_once_completed_or_broken_off() {
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let a = s.create_interview("x", "1", "ru", t(1)).unwrap();
    let b = s.create_interview("x", "1", "ru", t(1)).unwrap();
    s.complete(&a, t(2)).unwrap();
    assert!(matches!(s.complete(&a, t(3)), Err(StoreError::NotInProgress(_))), "a retried completion cannot count twice");
    let mut batch = s.batch(t(4)).unwrap();
    batch.break_off(&b).unwrap();
    batch.commit().unwrap();
    assert_eq!(s.interview(&b).unwrap().status, InterviewStatus::BrokenOff);
    assert_eq!(s.interview(&b).unwrap().completed_at, None);
    assert!(matches!(s.complete(&b, t(5)), Err(StoreError::NotInProgress(_))));
    assert_eq!(s.journal_of(&b).unwrap().last().unwrap().kind, "interview_broken_off");
}

#[test]
fn a_refused_interview_ends_and_frees_its_place() {
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let a = s.create_interview("x", "1", "ru", t(1)).unwrap();
    let mut batch = s.batch(t(2)).unwrap();
    batch.refuse(&a).unwrap();
    batch.commit().unwrap();
    let row = s.interview(&a).unwrap();
    assert_eq!((row.status, row.completed_at), (InterviewStatus::Refused, None));
    assert_eq!(s.journal_of(&a).unwrap().last().unwrap().kind, "interview_refused");
    assert!(matches!(s.complete(&a, t(3)), Err(StoreError::NotInProgress(_))), "a refused interview cannot be completed");
    let mut batch = s.batch(t(4)).unwrap();
    assert!(matches!(batch.break_off(&a), Err(StoreError::NotInProgress(_))));
}

#[test]
fn a_version_3_file_upgrades_to_refusals_keeping_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        for m in &migrations::ALL[..3] {
            conn.execute_batch(m).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute_batch(
            "INSERT INTO device (id, created_at) VALUES ('dev-1', 't');
             INSERT INTO interviews (id, study_id, study_version, status, language, device_id, created_at, updated_at) VALUES ('i1', 'kmrs-2010', '1', 'broken_off', 'ru', 'dev-1', 't', 't');
             INSERT INTO interviews (id, study_id, study_version, status, language, device_id, created_at, updated_at) VALUES ('i2', 'kmrs-2010', '1', 'in_progress', 'ru', 'dev-1', 't', 't');
             INSERT INTO journal (id, interview_id, device_id, at, kind) VALUES ('j1', 'i1', 'dev-1', 't', 'interview_created');
             INSERT INTO journal (id, interview_id, device_id, at, kind) VALUES ('j2', 'i1', 'dev-1', 't', 'interview_broken_off');
             INSERT INTO journal (id, interview_id, device_id, at, kind) VALUES ('j3', 'i2', 'dev-1', 't', 'interview_created');",
        )
        .unwrap();
    }
    let mut s = Store::open(&path, t(0)).unwrap();
    assert_eq!(s.interview("i1").unwrap().status, InterviewStatus::BrokenOff);
    let mut b = s.batch(t(1)).unwrap();
    b.refuse("i2").unwrap();
    b.commit().unwrap();
    assert_eq!(s.interview("i2").unwrap().status, InterviewStatus::Refused);
    let seqs: Vec<i64> = s.journal_of("i2").unwrap().into_iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [3, 4], "the journal goes on numbering after its old entries");
}

#[test]
fn a_version_2_file_with_fieldwork_upgrades_and_keeps_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.sqlite");
    {
        // Schema 2 with an interview started from an address and its journal.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(migrations::ALL[0]).unwrap();
        conn.execute_batch(migrations::ALL[1]).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO device (id, created_at) VALUES ('dev-1', 't');
             INSERT INTO interviews (id, study_id, study_version, status, language, device_id, created_at, updated_at) VALUES ('i1', 'kmrs-2010', '1', 'in_progress', 'ru', 'dev-1', 't', 't');
             INSERT INTO journal (id, interview_id, device_id, at, kind) VALUES ('j1', 'i1', 'dev-1', 't', 'interview_created');
             INSERT INTO journal (id, interview_id, device_id, at, kind) VALUES ('j2', 'i1', 'dev-1', 't', 'interview_opened');
             INSERT INTO route_draws (city, seed, weighted, draw, drawn_at) VALUES ('almaty', 1, 0, '{}', 't');
             INSERT INTO routes (id, city, street, route, quota, walk, updated_at) VALUES ('almaty-R01', 'almaty', 's', '{}', '{}', '{}', 't');
             INSERT INTO addresses (key, route_id, address, log, interview_id, respondent_sex, updated_at) VALUES ('k1', 'almaty-R01', '{}', '{}', 'i1', 'female', 't');",
        )
        .unwrap();
    }
    let mut s = Store::open(&path, t(0)).unwrap();
    assert_eq!(s.address_of_interview("i1").unwrap().unwrap().key, "k1");
    assert_eq!(s.held_places("almaty-R01", None).unwrap(), Held { female: 1, male: 0 });
    assert_eq!(s.held_places("almaty-R01", Some("k1")).unwrap(), Held::default(), "an address holds no place against itself");
    let fk: Option<String> = s.connection().query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional().unwrap();
    assert_eq!(fk, None);
    let on: i64 = s.connection().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(on, 1, "foreign keys are enforced again after the upgrade");
    // The journal goes on numbering after its old entries.
    s.record_opened("i1", t(1)).unwrap();
    let seqs: Vec<i64> = s.journal_of("i1").unwrap().into_iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    let mut b = s.batch(t(2)).unwrap();
    b.break_off("i1").unwrap();
    b.commit().unwrap();
    assert_eq!(s.held_places("almaty-R01", None).unwrap(), Held::default(), "a broken-off interview frees its place");
}

#[test]
fn every_journal_kind_is_known_to_the_database_and_no_other_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("d.sqlite"), t(0)).unwrap();
    let kinds = [
        EventKind::InterviewCreated,
        EventKind::InterviewOpened,
        EventKind::AnswerSet,
        EventKind::AnswerChanged,
        EventKind::AnswerCleared,
        EventKind::WarningConfirmed,
        EventKind::LanguageSwitched,
        EventKind::InterviewCompleted,
        EventKind::InterviewBrokenOff,
        EventKind::InterviewRefused,
        EventKind::ConflictResolved,
        EventKind::ReviewComment,
        EventKind::InterviewApproved,
        EventKind::InterviewRejected,
        EventKind::InterviewReopened,
        EventKind::BackcheckDrawn,
        EventKind::BackcheckRecorded,
    ];
    let stored: Vec<String> = s
        .connection()
        .prepare("SELECT kind FROM journal_kinds")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for k in kinds {
        assert!(stored.iter().any(|s| s == k.as_str()), "{} is missing from journal_kinds: add it in a migration", k.as_str());
    }
    assert_eq!(stored.len(), kinds.len(), "journal_kinds holds a kind the code does not write: {stored:?}");
    drop(s);
    // A kind outside the table is refused by the foreign key, as the CHECK it replaces did.
    let id = {
        let mut s = Store::open(&dir.path().join("d.sqlite"), t(1)).unwrap();
        s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap()
    };
    let s = Store::open(&dir.path().join("d.sqlite"), t(2)).unwrap();
    let bad = s
        .connection()
        .execute("INSERT INTO journal (id, interview_id, device_id, at, kind) VALUES ('x', ?1, 'd', 't', 'answer_deleted')", [&id]);
    assert!(bad.is_err(), "an unknown journal kind must be refused");
}

#[test]
fn a_routes_addresses_are_read_through_the_route_index_not_a_scan() {
    // A route's addresses are read at every step of its walk; a scan of all the device's addresses
    // made the field simulator's cost grow with the square of its scale (issue 7 profile).
    let s = Store::open_in_memory(t(0)).unwrap();
    let plan: Vec<String> = s
        .connection()
        .prepare(&format!("EXPLAIN QUERY PLAN {}", crate::field::route_addresses_sql()))
        .unwrap()
        .query_map(["r"], |r| r.get::<_, String>(3))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(plan.iter().any(|p| p.contains("addresses_by_route")), "{plan:?}");
    assert!(s.addresses(Some("r")).unwrap().is_empty());
}

/// Runs one SQL statement on the database file behind the app's back, as someone with the file would.
fn tamper(path: &std::path::Path, sql: &str) -> usize {
    Connection::open(path).unwrap().execute(sql, []).unwrap()
}

#[test]
fn the_audit_names_an_edited_entry_an_edited_answer_and_removed_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let id;
    {
        let mut s = Store::open(&path, t(0)).unwrap();
        id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
        s.save_answer(&id, &key("Q101", &[]), &json!(3), None, t(2)).unwrap();
        s.save_answer(&id, &key("Q102", &[1]), &json!("Айгуль"), None, t(3)).unwrap();
        s.save_answer(&id, &key("Q101", &[]), &json!(4), Some(&json!(3)), t(4)).unwrap();
        s.clear_answer(&id, &key("Q102", &[1]), &json!("Айгуль"), t(5)).unwrap();
        s.save_answer(&id, &key("Q103", &[]), &json!([1, 2]), None, t(6)).unwrap();
        for n in 0..3 {
            let mut b = s.batch(t(10 + n)).unwrap();
            b.field_journal("note", &format!("address-{n}"), None).unwrap();
            b.commit().unwrap();
        }
        let report = s.audit().unwrap();
        assert!(report.intact(), "{report:?}");
        assert_eq!((report.journal_entries, report.field_entries, report.devices, report.answers, report.unchained), (6, 3, 1, 2, 0));
    }
    let copy = dir.path().join("copy.sqlite");
    let fresh_copy = |name: &str| {
        let p = dir.path().join(name);
        std::fs::copy(&path, &p).unwrap();
        p
    };
    let _ = copy;
    let audit = |p: &std::path::Path| Store::open(p, t(100)).unwrap().audit().unwrap();

    // 1. A stored answer flipped: the audit names the interview and the question.
    let p = fresh_copy("answer.sqlite");
    assert_eq!(tamper(&p, "UPDATE answers SET value = '5' WHERE question = 'Q101'"), 1);
    let r = audit(&p);
    assert_eq!(r.problem_count, 1, "{r:?}");
    let f = &r.problems[0];
    assert_eq!(
        (f.finding, f.interview.as_deref(), f.question.as_deref()),
        (audit::Finding::AnswerAltered, Some(id.as_str()), Some("Q101"))
    );
    assert_eq!((f.stored.as_deref(), f.expected.as_deref(), f.seq), (Some("5"), Some("4"), Some(4)));

    // 2. A journal entry's value edited (and the answer with it, to hide it): the entry is named.
    let p = fresh_copy("entry.sqlite");
    tamper(&p, "UPDATE journal SET new_value = '5' WHERE dseq = 4");
    tamper(&p, "UPDATE answers SET value = '5' WHERE question = 'Q101'");
    let r = audit(&p);
    let f = &r.problems[0];
    assert_eq!(
        (f.finding, f.journal, f.seq, f.question.as_deref()),
        (audit::Finding::Altered, audit::Journal::Interview, Some(4), Some("Q101"))
    );

    // 3. An entry removed from the middle of the device's own journal.
    let p = fresh_copy("removed.sqlite");
    tamper(&p, "DELETE FROM journal WHERE dseq = 3");
    let r = audit(&p);
    assert!(r.problems.iter().any(|f| f.finding == audit::Finding::Removed && f.seq == Some(4)), "{r:?}");

    // 4. An answer added that no entry gives, and one removed that the journal gives.
    let p = fresh_copy("added.sqlite");
    tamper(&p, &format!("INSERT INTO answers (interview_id, question, roster, value, answered_at) VALUES ('{id}', 'Q999', '', '1', 't')"));
    tamper(&p, "DELETE FROM answers WHERE question = 'Q103'");
    let r = audit(&p);
    let found: Vec<_> = r.problems.iter().map(|f| (f.finding, f.question.clone().unwrap_or_default())).collect();
    assert!(found.contains(&(audit::Finding::AnswerWithoutEntry, "Q999".into())), "{found:?}");
    assert!(found.contains(&(audit::Finding::AnswerMissing, "Q103".into())), "{found:?}");

    // 5. The field journal: an entry's subject edited, another removed.
    let p = fresh_copy("field.sqlite");
    tamper(&p, "UPDATE field_journal SET subject = 'elsewhere' WHERE fseq = 1");
    tamper(&p, "DELETE FROM field_journal WHERE fseq = 2");
    let r = audit(&p);
    let found: Vec<_> = r.problems.iter().map(|f| (f.finding, f.journal, f.seq)).collect();
    assert!(found.contains(&(audit::Finding::Altered, audit::Journal::Field, Some(1))), "{found:?}");
    assert!(found.contains(&(audit::Finding::Removed, audit::Journal::Field, Some(3))), "{found:?}");

    // 6. A link erased to hide an edit is itself a finding.
    let p = fresh_copy("unchained.sqlite");
    tamper(&p, "UPDATE journal SET prev = NULL WHERE dseq = 2");
    let r = audit(&p);
    assert_eq!(r.problems[0].finding, audit::Finding::Unchained);

    // The untouched file is still intact, and new writes continue its chain after reopening.
    let mut s = Store::open(&path, t(200)).unwrap();
    s.save_answer(&id, &key("Q104", &[]), &json!(1), None, t(201)).unwrap();
    assert!(s.audit().unwrap().intact());
}

#[test]
fn a_database_from_before_the_chains_is_chained_on_upgrade_and_then_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.sqlite");
    let id;
    {
        let mut s = Store::open(&path, t(0)).unwrap();
        id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
        s.save_answer(&id, &key("Q101", &[]), &json!(3), None, t(2)).unwrap();
        s.save_answer(&id, &key("Q101", &[]), &json!(4), Some(&json!(3)), t(3)).unwrap();
        let mut b = s.batch(t(4)).unwrap();
        b.field_journal("note", "a", None).unwrap();
        b.commit().unwrap();
    }
    // Back to version 7 as it was written: no links, no field numbers.
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "ALTER TABLE journal DROP COLUMN prev; ALTER TABLE journal DROP COLUMN hash;
             DROP INDEX field_journal_by_device; ALTER TABLE field_journal DROP COLUMN fseq;
             ALTER TABLE field_journal DROP COLUMN prev; ALTER TABLE field_journal DROP COLUMN hash;
             DELETE FROM sync_state WHERE key = 'chain_since'; PRAGMA user_version = 7;",
        )
        .unwrap();
    }
    let mut s = Store::open(&path, t(10)).unwrap();
    let r = s.audit().unwrap();
    assert!(r.intact(), "{r:?}");
    assert_eq!((r.journal_entries, r.field_entries, r.unchained), (3, 1, 1), "the old field entry is hashed but not linked");
    s.save_answer(&id, &key("Q102", &[]), &json!(1), None, t(11)).unwrap();
    let mut b = s.batch(t(12)).unwrap();
    b.field_journal("note", "b", None).unwrap();
    b.commit().unwrap();
    assert!(s.audit().unwrap().intact());
    drop(s);
    // An edit of a row from before the upgrade is still found by its hash.
    tamper(&path, "UPDATE journal SET new_value = '9' WHERE dseq = 2");
    let r = Store::open(&path, t(20)).unwrap().audit().unwrap();
    assert!(r.problems.iter().any(|f| f.finding == audit::Finding::Altered && f.seq == Some(2)), "{r:?}");
}

// ---- encryption at rest (issue 10) ------------------------------------------------------------

const SECRET: &[u8; 32] = &[0x5a; 32];
const OTHER: &[u8; 32] = &[0x17; 32];

/// Every byte of every file in `dir` (the database, its WAL, anything else SQLite left there).
fn all_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).map(|p| (p.display().to_string(), std::fs::read(&p).unwrap())).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn an_encrypted_database_shows_no_answer_in_its_file_or_wal_and_plain_sqlite_cannot_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enc.sqlite");
    let name = "Жанар Құдайбергенова";
    let mut s = Store::open_keyed(&path, Durability::Full, t(0), Some(SECRET)).unwrap();
    let id = s.create_interview("kmrs-2010", "1.0.0", "kk", t(1)).unwrap();
    s.save_answer(&id, &key("Q102", &[1]), &json!(name), None, t(2)).unwrap();
    assert!(s.is_encrypted());
    // While open (the answer may be in the WAL only) and after closing.
    for (file, bytes) in all_bytes(dir.path()) {
        assert!(!contains(&bytes, name.as_bytes()), "{file} shows the name");
        assert!(!contains(&bytes, b"SQLite format 3"), "{file} has a plain header");
    }
    drop(s);
    for (file, bytes) in all_bytes(dir.path()) {
        assert!(!contains(&bytes, name.as_bytes()), "{file} shows the name after closing");
    }
    assert_eq!(cipher::file_kind(&path), cipher::FileKind::Encrypted);
    let plain = Connection::open(&path).unwrap();
    let err = plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase), "{err}");
    drop(plain);
    assert!(matches!(Store::open(&path, t(3)), Err(StoreError::Encrypted { .. })));
    assert!(matches!(Store::open_keyed(&path, Durability::Full, t(3), Some(OTHER)), Err(StoreError::WrongKey { .. })));
    assert!(matches!(Store::open_read_only(&path), Err(StoreError::Encrypted { .. })));
    assert!(matches!(Store::open_read_only_keyed(&path, Some(OTHER)), Err(StoreError::WrongKey { .. })));
    let s = Store::open_read_only_keyed(&path, Some(SECRET)).unwrap();
    assert_eq!(s.answers(&id).unwrap()[0].value, json!(name));
    drop(s);
    let s = Store::open_keyed(&path, Durability::Full, t(4), Some(SECRET)).unwrap();
    assert_eq!(s.answers(&id).unwrap()[0].value, json!(name));
    assert_eq!(s.integrity_check().unwrap(), "ok");
    assert!(s.audit().unwrap().intact());
}

#[test]
fn a_plain_database_is_encrypted_in_place_keeping_everything_and_leaving_no_plain_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.sqlite");
    let mut s = Store::open(&path, t(0)).unwrap();
    let id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
    s.save_answer(&id, &key("Q102", &[1]), &json!("Ержан"), None, t(2)).unwrap();
    assert!(contains(&std::fs::read(&path).unwrap(), b"SQLite format 3"));
    // The open store encrypts itself and goes on writing (the app, at its first user's set-up).
    s.encrypt(SECRET).unwrap();
    s.save_answer(&id, &key("Q101", &[]), &json!(3), None, t(3)).unwrap();
    let device = s.device_id().to_string();
    drop(s);
    assert_eq!(cipher::file_kind(&path), cipher::FileKind::Encrypted);
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.ends_with(".encrypting")), "{names:?}");
    let s = Store::open_keyed(&path, Durability::Full, t(4), Some(SECRET)).unwrap();
    assert_eq!(s.device_id(), device);
    assert_eq!(s.answers(&id).unwrap().len(), 2);
    assert!(s.audit().unwrap().intact());
    drop(s);

    // A closed plain file opened with a key is encrypted on the way in.
    let other = dir.path().join("closed.sqlite");
    {
        let mut s = Store::open(&other, t(0)).unwrap();
        let id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
        s.save_answer(&id, &key("Q101", &[]), &json!(5), None, t(2)).unwrap();
    }
    let s = Store::open_keyed(&other, Durability::Full, t(3), Some(OTHER)).unwrap();
    assert_eq!(s.interviews().unwrap().len(), 1);
    drop(s);
    assert_eq!(cipher::file_kind(&other), cipher::FileKind::Encrypted);
}

#[test]
fn an_encryption_stopped_at_any_step_loses_nothing_and_finishes_at_the_next_open() {
    for stop in ["checkpointed", "copied", "synced"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite");
        let id;
        {
            let mut s = Store::open(&path, t(0)).unwrap();
            id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
            for i in 0..50 {
                s.save_answer(&id, &key("Q101", &[]), &json!(i), None, t(2 + i)).unwrap();
            }
        }
        // Die at `stop`: the step's work is done, nothing after it.
        let died = std::panic::catch_unwind(|| {
            cipher::encrypt_file(&path, SECRET, &mut |step| {
                if step == stop {
                    panic!("killed after {step}");
                }
            })
        });
        assert!(died.is_err());
        // The original is whole and plain: still readable as it was.
        assert_eq!(cipher::file_kind(&path), cipher::FileKind::Plain, "after {stop}");
        assert_eq!(Store::open_read_only(&path).unwrap().answers(&id).unwrap()[0].value, json!(49));
        // The next open with the key (the keyring was written before) finishes the job.
        let s = Store::open_keyed(&path, Durability::Full, t(99), Some(SECRET)).unwrap();
        assert_eq!(s.answers(&id).unwrap()[0].value, json!(49), "after {stop}");
        assert_eq!(s.journal_of(&id).unwrap().len(), 51);
        drop(s);
        assert_eq!(cipher::file_kind(&path), cipher::FileKind::Encrypted);
        assert!(!beside(&path, ".encrypting").exists());
    }
}

#[test]
fn an_old_encrypted_file_is_read_only_opened_through_a_memory_copy_and_upgraded_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    version_1_file(&path);
    cipher::encrypt_file(&path, SECRET, &mut |_| {}).unwrap();
    let before = std::fs::read(&path).unwrap();
    let s = Store::open_read_only_keyed(&path, Some(SECRET)).unwrap();
    assert_eq!(s.answers("i1").unwrap()[0].value, json!(3));
    let v: i64 = s.connection().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, schema_version());
    drop(s);
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is not changed");
}

#[test]
fn an_encrypted_database_deleted_while_open_is_written_back_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.sqlite");
    let mut s = Store::open_keyed(&path, Durability::Full, t(0), Some(SECRET)).unwrap();
    let id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
    s.save_answer(&id, &key("Q102", &[1]), &json!("Гүлнар"), None, t(2)).unwrap();
    std::fs::remove_file(&path).unwrap();
    s.save_answer(&id, &key("Q101", &[]), &json!(2), None, t(3)).unwrap();
    drop(s);
    assert_eq!(cipher::file_kind(&path), cipher::FileKind::Encrypted);
    let s = Store::open_keyed(&path, Durability::Full, t(4), Some(SECRET)).unwrap();
    assert_eq!(s.answers(&id).unwrap().len(), 2);
}

#[test]
fn an_encryption_that_fails_leaves_the_store_writing_its_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite");
    let mut s = Store::open(&path, t(0)).unwrap();
    let id = s.create_interview("kmrs-2010", "1.0.0", "ru", t(1)).unwrap();
    // The encrypted copy cannot be made: its place is taken by a folder.
    std::fs::create_dir(beside(&path, ".encrypting")).unwrap();
    std::fs::write(beside(&path, ".encrypting").join("x"), "x").unwrap();
    assert!(s.encrypt(SECRET).is_err());
    assert!(!s.is_encrypted());
    s.save_answer(&id, &key("Q101", &[]), &json!(2), None, t(2)).unwrap();
    drop(s);
    assert_eq!(cipher::file_kind(&path), cipher::FileKind::Plain);
    assert_eq!(Store::open(&path, t(3)).unwrap().answers(&id).unwrap()[0].value, json!(2), "the answer after the failure is in the file");
}
