//! Durability: a scripted KMRS interview is killed with SIGKILL at many random points; every
//! answer acknowledged before the kill must be in the database, the file must be sound, and its
//! journal must pass the audit (hash chains and answers, issue 10). Every other run writes an encrypted
//! database.
//!
//! The test command kills 16 runs; the soak (docs/robustness.md) sets `DALA_KILLS=1000` (and
//! `DALA_KILL_SEED` for another sequence of kill points).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use dala_questionnaire::Lang;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value as Json};

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

/// The steps of a complete 3-member interview, taken from the journal of an autofilled one.
fn script_steps() -> Vec<Json> {
    let study = dala_session::load_study(&kmrs()).unwrap();
    let mut s = dala_session::Session::with_parts(study, dala_store::Store::open_in_memory(Utc::now()).unwrap());
    let id = s.create(Lang::Ru, Utc::now()).unwrap();
    dala_session::autofill::fill(&mut s, &id, 3, &|_| None).unwrap();
    s.store()
        .journal_of(&id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "answer_set" || e.kind == "answer_changed")
        .map(|e| {
            let roster: Vec<u32> = e
                .roster
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(|r| r.split('.').map(|x| x.parse().unwrap()).collect())
                .unwrap_or_default();
            let value: Json = serde_json::from_str(e.new_value.as_deref().unwrap()).unwrap();
            json!({"q": e.question, "roster": roster, "value": value, "confirm": true})
        })
        .collect()
}

#[test]
fn answers_acknowledged_before_sigkill_survive() {
    let steps = script_steps();
    assert!(steps.len() > 100, "a full interview has many steps: {}", steps.len());
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("script.json");
    std::fs::write(&script, json!({"language": "ru", "steps": steps}).to_string()).unwrap();
    let seed = std::env::var("DALA_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2010);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let runs: usize = std::env::var("DALA_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(16);
    let mut killed_mid_run = 0;
    for run in 0..runs {
        let db = dir.path().join(format!("kill-{run}.sqlite"));
        let kill_after = rng.random_range(1..steps.len());
        let delay_us = rng.random_range(0..3000u64);
        // Every other run on an encrypted database (issue 10): SQLCipher's pages and WAL must survive
        // the same kills.
        let encrypted = run % 2 == 1;
        let mut child = Command::new(env!("CARGO_BIN_EXE_dala"));
        if encrypted {
            child.env("DALA_PIN", "2468");
        } else {
            child.env_remove("DALA_PIN").arg("--unencrypted");
        }
        let mut child = child
            .args(["interview", "--ack", "--study"])
            .arg(kmrs())
            .arg("--db")
            .arg(&db)
            .arg("--script")
            .arg(&script)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut acked = 0usize;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ack ") {
                acked = n.parse().unwrap();
                if acked >= kill_after {
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_micros(delay_us));
        // Child::kill sends SIGKILL on Unix: no destructor, no flush, no goodbye.
        child.kill().unwrap();
        let status = child.wait().unwrap();
        if !status.success() {
            killed_mid_run += 1;
        }
        let conn = rusqlite::Connection::open(&db).unwrap();
        let key = encrypted.then(|| {
            let how = dala_session::vault::Unlock::Pin { user: None, pin: "2468" };
            dala_session::vault::unlock(&db, &how, Utc::now()).unwrap().expect("an encrypted run has a keyring")
        });
        if let Some(k) = &key {
            dala_store::cipher::apply_key(&conn, k.as_bytes()).unwrap();
        }
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "run {run}");
        for (i, step) in steps.iter().take(acked).enumerate() {
            let roster = step["roster"].as_array().unwrap().iter().map(|r| r.to_string()).collect::<Vec<_>>().join(".");
            let stored: Option<String> = conn
                .query_row(
                    "SELECT value FROM answers WHERE question = ?1 AND roster = ?2",
                    [step["q"].as_str().unwrap(), roster.as_str()],
                    |r| r.get(0),
                )
                .ok();
            let stored: Json = serde_json::from_str(
                stored.as_deref().unwrap_or_else(|| panic!("run {run}: acknowledged step {} ({}) lost", i + 1, step["q"])),
            )
            .unwrap();
            assert_eq!(stored, step["value"], "run {run}, step {}", i + 1);
        }
        let journal: i64 =
            conn.query_row("SELECT count(*) FROM journal WHERE kind IN ('answer_set', 'answer_changed')", [], |r| r.get(0)).unwrap();
        assert!(journal as usize >= acked, "run {run}: every acknowledged answer has its journal entry");
        drop(conn);
        let audit = dala_store::Store::open_read_only_keyed(&db, key.as_ref().map(|k| k.as_bytes())).unwrap().audit().unwrap();
        if encrypted {
            assert_eq!(dala_store::cipher::file_kind(&db), dala_store::cipher::FileKind::Encrypted, "run {run}");
        }
        assert!(audit.intact(), "run {run}: the journal's chain and answers hold after the kill: {:?}", audit.problems.first());
        if runs > 16 {
            std::fs::remove_file(&db).ok();
            std::fs::remove_file(db.with_extension("sqlite-wal")).ok();
            std::fs::remove_file(db.with_extension("sqlite-shm")).ok();
            std::fs::remove_file(db.with_extension("sqlite.keyring")).ok();
        }
    }
    eprintln!("durability: {runs} runs, {killed_mid_run} killed mid-interview, seed {seed}");
    assert!(killed_mid_run >= runs / 2, "most runs were really killed mid-interview ({killed_mid_run}/{runs})");
}

/// What a reader saw committed in a device's database: its field journal and interview journal, in order.
fn committed(db: &std::path::Path, key: Option<&[u8; 32]>) -> Option<(Vec<(String, String, String)>, i64)> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    if let Some(k) = key {
        dala_store::cipher::apply_key(&conn, k).ok()?;
    }
    let mut stmt = conn.prepare("SELECT id, at, kind FROM field_journal ORDER BY seq").ok()?;
    let field = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).ok()?.collect::<Result<Vec<_>, _>>().ok()?;
    let journal = conn.query_row("SELECT count(*) FROM journal", [], |r| r.get(0)).ok()?;
    Some((field, journal))
}

/// Fieldwork days (`dala simulate --on-disk`: routes walked, visits, screening, interviews, each action
/// committed to the device's file as the app commits it) killed with SIGKILL at random moments. Just
/// before each kill a second program reads what is committed; after it, all of that is still there, the
/// file is sound, its audit holds, and its field journal is a prefix of the same day run to the end
/// (times and kinds: the simulation is seeded). Every other run is encrypted. `DALA_FIELD_KILLS` for a soak.
#[test]
fn fieldwork_days_killed_at_random_moments_keep_everything_committed() {
    let dir = tempfile::tempdir().unwrap();
    let simulate = |out: &std::path::Path, encrypted: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
        if encrypted {
            c.env("DALA_PIN", "2468");
        } else {
            c.env_remove("DALA_PIN").arg("--unencrypted");
        }
        c.args(["simulate", "--on-disk", "--seed", "4", "--devices", "1", "--scale", "0.01", "--threads", "1", "--study"])
            .arg(kmrs())
            .arg("--out")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    // The whole day, to know its length and its journal.
    let started = std::time::Instant::now();
    let whole = dir.path().join("whole");
    assert!(simulate(&whole, false).status().unwrap().success());
    let length = started.elapsed();
    let (reference, _) = committed(&whole.join("device-01.sqlite"), None).unwrap();
    assert!(reference.len() > 200, "a fieldwork day has many actions: {}", reference.len());
    let runs: usize = std::env::var("DALA_FIELD_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(6);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2010);
    let mut seen_mid_day = 0;
    for run in 0..runs {
        let out = dir.path().join(format!("kill-{run}"));
        let encrypted = run % 2 == 1;
        let db = out.join("device-01.sqlite");
        let mut child = simulate(&out, encrypted).spawn().unwrap();
        std::thread::sleep(length.mul_f64(rng.random_range(0.05..0.95)));
        let key = encrypted.then(|| {
            let how = dala_session::vault::Unlock::Pin { user: None, pin: "2468" };
            dala_session::vault::unlock(&db, &how, Utc::now()).ok().flatten()
        });
        let key = key.flatten();
        let before = committed(&db, key.as_ref().map(|k| k.as_bytes()));
        child.kill().unwrap();
        child.wait().unwrap();
        let Some((field_before, journal_before)) = before else { continue };
        if field_before.len() < reference.len() {
            seen_mid_day += 1;
        }
        let key = key.as_ref().map(|k| k.as_bytes());
        let conn = rusqlite::Connection::open(&db).unwrap();
        if let Some(k) = key {
            dala_store::cipher::apply_key(&conn, k).unwrap();
        }
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "run {run}");
        drop(conn);
        let (field_after, journal_after) = committed(&db, key).unwrap();
        assert!(field_after.len() >= field_before.len() && journal_after >= journal_before, "run {run}: committed work lost");
        assert_eq!(field_after[..field_before.len()], field_before[..], "run {run}: the field journal seen before the kill");
        let days: Vec<_> = field_after.iter().map(|(_, at, kind)| (at, kind)).collect();
        let whole_day: Vec<_> = reference.iter().take(days.len()).map(|(_, at, kind)| (at, kind)).collect();
        assert_eq!(days, whole_day, "run {run}: the killed day is the beginning of the whole day");
        let audit = dala_store::Store::open_read_only_keyed(&db, key).unwrap().audit().unwrap();
        assert!(audit.intact(), "run {run}: {:?}", audit.problems.first());
        std::fs::remove_dir_all(&out).ok();
        if (run + 1) % 50 == 0 {
            eprintln!("fieldwork days: {} runs so far, {seen_mid_day} killed mid-day, all sound", run + 1);
        }
    }
    eprintln!("fieldwork days: {runs} runs, {seen_mid_day} killed mid-day (a day is {length:?})");
    assert!(seen_mid_day * 2 >= runs, "most runs were killed mid-day ({seen_mid_day}/{runs})");
}
