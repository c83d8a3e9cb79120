//! Encryption at rest from the command line (issue 10): simulated device databases encrypted as the
//! app's are; no answer, name, address or amount in the raw bytes of the database, its WAL, its
//! keyring or any temporary file; plain SQLite cannot read them; PINs changed without rewriting the
//! database, refused with a wait after repeated failures, recovered with the coordinator's key; a new
//! database refused without a PIN or `--unencrypted`; and `dala db encrypt` killed at random points
//! losing nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

/// `dala` with a private temporary folder (SQLite's and everyone's), no PIN from the environment.
fn dala(tmp: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    c.env("LANG", "C").env_remove("DALA_PIN").env("TMPDIR", tmp).env("SQLITE_TMPDIR", tmp);
    c
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "stdout: {}\nstderr: {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

/// Every file under `dir`, recursively, with its bytes.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The personal values of a database: every text answer of 5 characters or more (names, streets,
/// free text), every number answer of 5 digits or more (incomes, remittances), and the addresses'
/// streets, read through the store with the key.
fn secrets(db: &Path, key: Option<&[u8; 32]>) -> BTreeSet<String> {
    let store = dala_store::Store::open_read_only_keyed(db, key).unwrap();
    let conn = store.connection();
    let mut out = BTreeSet::new();
    let mut st = conn.prepare("SELECT value FROM answers").unwrap();
    for v in st.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let v: serde_json::Value = serde_json::from_str(&v.unwrap()).unwrap();
        match v {
            serde_json::Value::String(s) if s.chars().count() >= 5 => {
                out.insert(s);
            }
            serde_json::Value::Number(n) if n.to_string().len() >= 5 => {
                out.insert(n.to_string());
            }
            _ => {}
        }
    }
    let mut st = conn
        .prepare(
            "SELECT DISTINCT json_extract(address, '$.street_ru') FROM addresses WHERE length(json_extract(address, '$.street_ru')) >= 5",
        )
        .unwrap();
    for s in st.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        out.insert(s.unwrap());
    }
    out
}

fn key_of(db: &Path, pin: &str) -> dala_sync::DbKey {
    let how = dala_session::vault::Unlock::Pin { user: None, pin };
    dala_session::vault::unlock(db, &how, chrono::Utc::now()).unwrap().unwrap()
}

#[test]
fn simulated_devices_are_encrypted_and_show_no_personal_value_anywhere_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let pin = write(&dir.path().join("pin"), "4821\n");
    let keys = dir.path().join("keys");
    ok(dala(&tmp).args(["keys", "init", "--role", "coordinator", "--name", "coord", "--out"]).arg(&keys).output().unwrap());
    ok(dala(&tmp).args(["keys", "init", "--role", "coordinator", "--name", "other", "--out"]).arg(&keys).output().unwrap());
    let plain_dir = dir.path().join("plain");
    let enc_dir = dir.path().join("enc");
    let sim = |out: &Path, extra: &[&str]| {
        ok(dala(&tmp)
            .args(["simulate", "--seed", "21", "--devices", "1", "--scale", "0.03", "--study"])
            .arg(kmrs())
            .arg("--out")
            .arg(out)
            .args(extra)
            .output()
            .unwrap())
    };
    sim(&plain_dir, &["--unencrypted"]);
    let recovery = keys.join("coord.pub");
    sim(&enc_dir, &["--pin-file", pin.to_str().unwrap(), "--recovery", recovery.to_str().unwrap()]);
    let plain_db = plain_dir.join("device-01.sqlite");
    let enc_db = enc_dir.join("device-01.sqlite");

    // The same seed gives the same fieldwork: the secrets are the same in both.
    let key = key_of(&enc_db, "4821");
    let secrets_plain = secrets(&plain_db, None);
    let secrets_enc = secrets(&enc_db, Some(key.as_bytes()));
    assert!(secrets_plain.len() > 20, "the simulated fieldwork has personal values: {}", secrets_plain.len());
    assert_eq!(secrets_plain, secrets_enc);

    // Work on the encrypted database as a supervisor would (report, export, audit) with its PIN, so its
    // WAL and any temporary file are written too, and look at every byte under the folder.
    let out_dir = dir.path().join("export");
    ok(dala(&tmp).args(["--pin-file", pin.to_str().unwrap(), "audit", "verify", "--db"]).arg(&enc_db).output().unwrap());
    ok(dala(&tmp).env("DALA_PIN", "4821").args(["report", "--db"]).arg(&enc_db).output().unwrap());
    ok(dala(&tmp)
        .env("DALA_PIN", "4821")
        .args(["export", "--format", "csv", "--out"])
        .arg(&out_dir)
        .arg("--db")
        .arg(&enc_db)
        .output()
        .unwrap());
    let script = write(&dir.path().join("s.json"), r#"{"language": "ru", "steps": [{"q": "Q1", "value": 1}]}"#);
    let _ = dala(&tmp)
        .env("DALA_PIN", "4821")
        .args(["interview", "--study"])
        .arg(kmrs())
        .arg("--db")
        .arg(&enc_db)
        .arg("--script")
        .arg(&script)
        .output();
    // One pass over each file for all the values at once (Aho-Corasick).
    let finder = aho_corasick::AhoCorasick::new(secrets_enc.iter().map(|s| s.as_bytes())).unwrap();
    let all: Vec<&String> = secrets_enc.iter().collect();
    let mut looked = 0;
    for folder in [&enc_dir, &tmp] {
        for (file, bytes) in files_under(folder) {
            looked += 1;
            assert!(!contains(&bytes, b"SQLite format 3"), "{} is a plain SQLite file", file.display());
            if let Some(m) = finder.find(&bytes) {
                panic!("{} shows {:?}", file.display(), all[m.pattern().as_usize()]);
            }
        }
    }
    assert!(looked >= 2, "the database and its keyring were looked at");
    // The check can fail: the plain database shows them, and so does the export (plain by design).
    let plain_bytes: Vec<u8> = files_under(&plain_dir).into_iter().flat_map(|(_, b)| b).collect();
    let shown: BTreeSet<usize> = finder.find_overlapping_iter(&plain_bytes).map(|m| m.pattern().as_usize()).collect();
    let shown = shown.len();
    assert!(shown * 10 >= secrets_plain.len() * 9, "a plain database shows its values ({shown}/{})", secrets_plain.len());

    // Plain SQLite cannot read it.
    let conn = rusqlite::Connection::open(&enc_db).unwrap();
    let err = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase));
    drop(conn);
    // Without a PIN, with a wrong one: refused, in the user's language.
    let out = dala(&tmp).args(["--lang", "kk", "audit", "verify", "--db"]).arg(&enc_db).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("шифрланған"), "{}", String::from_utf8_lossy(&out.stderr));

    // The coordinator's recovery key opens it; another coordinator's does not.
    ok(dala(&tmp).arg("--recovery-key").arg(keys.join("coord.key")).args(["audit", "verify", "--db"]).arg(&enc_db).output().unwrap());
    let out = dala(&tmp).arg("--recovery-key").arg(keys.join("other.key")).args(["audit", "verify", "--db"]).arg(&enc_db).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn pins_are_changed_without_rewriting_the_database_waited_for_after_failures_and_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let keys = dir.path().join("keys");
    ok(dala(&tmp).args(["keys", "init", "--role", "coordinator", "--name", "coord", "--out"]).arg(&keys).output().unwrap());
    let pin = write(&dir.path().join("pin"), "4821");
    let new_pin = write(&dir.path().join("new"), "97531\n");
    let lost_pin = write(&dir.path().join("lost"), "2468");
    let db = dir.path().join("dev.sqlite");
    let script = write(&dir.path().join("s.json"), r#"{"language": "ru", "steps": []}"#);
    // A new database without a PIN or --unencrypted is refused before anything is written.
    let out = dala(&tmp)
        .args(["--lang", "ru", "interview", "--study"])
        .arg(kmrs())
        .arg("--db")
        .arg(&db)
        .arg("--script")
        .arg(&script)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--unencrypted"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!db.exists() && !dala_session::vault::keyring_path(&db).exists());
    ok(dala(&tmp)
        .args(["--user", "Айгүл", "--recovery"])
        .arg(keys.join("coord.pub"))
        .arg("--pin-file")
        .arg(&pin)
        .args(["interview", "--study"])
        .arg(kmrs())
        .arg("--db")
        .arg(&db)
        .arg("--script")
        .arg(&script)
        .output()
        .unwrap());
    let status = ok(dala(&tmp).args(["db", "status", "--json", "--db"]).arg(&db).output().unwrap());
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["encrypted"], true);
    assert_eq!(status["users"][0]["name"], "Айгүл");

    // Changing the PIN re-wraps the key: the database's bytes do not change.
    let before = std::fs::read(&db).unwrap();
    ok(dala(&tmp)
        .arg("--pin-file")
        .arg(&pin)
        .args(["db", "change-pin", "--db"])
        .arg(&db)
        .arg("--new-pin-file")
        .arg(&new_pin)
        .output()
        .unwrap());
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database was not rewritten");
    let audit = |pin: &str| dala(&tmp).env("DALA_PIN", pin).args(["--lang", "ru", "audit", "verify", "--db"]).arg(&db).output().unwrap();
    assert!(audit("97531").status.success());
    // Wrong PINs: three are counted, then even the right one must wait.
    for n in 1..=3 {
        let out = audit("4821");
        assert_eq!(out.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&format!("неудачных попыток: {n}")),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = audit("97531");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("повторите через"), "{}", String::from_utf8_lossy(&out.stderr));

    // The PIN is lost: the coordinator's key sets a new one (and clears the wait).
    ok(dala(&tmp)
        .args(["db", "recover", "--db"])
        .arg(&db)
        .arg("--key")
        .arg(keys.join("coord.key"))
        .arg("--new-pin-file")
        .arg(&lost_pin)
        .output()
        .unwrap());
    assert_eq!(std::fs::read(&db).unwrap(), before, "recovery does not rewrite the database either");
    assert!(audit("2468").status.success(), "{}", String::from_utf8_lossy(&audit("2468").stderr));
}

#[test]
fn db_encrypt_killed_at_random_points_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let sim = dir.path().join("sim");
    ok(dala(&tmp)
        .args(["--unencrypted", "simulate", "--seed", "5", "--devices", "1", "--scale", "0.1", "--study"])
        .arg(kmrs())
        .arg("--out")
        .arg(&sim)
        .output()
        .unwrap());
    let original = sim.join("device-01.sqlite");
    let expected = {
        let s = dala_store::Store::open_read_only(&original).unwrap();
        let n: i64 = s.connection().query_row("SELECT count(*) FROM journal", [], |r| r.get(0)).unwrap();
        let a: i64 = s.connection().query_row("SELECT count(*) FROM answers", [], |r| r.get(0)).unwrap();
        (n, a)
    };
    assert!(expected.1 > 1000, "{expected:?}");
    let db = dir.path().join("d.sqlite");
    let fresh_copy = || {
        for suffix in ["", "-wal", "-shm", ".keyring", ".encrypting", ".lock"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        std::fs::copy(&original, &db).unwrap();
    };
    let encrypt = || {
        let mut c = dala(&tmp);
        c.env("DALA_PIN", "1357").args(["db", "encrypt", "--db"]).arg(&db).stdout(Stdio::null()).stderr(Stdio::null());
        c
    };
    // How long one encryption takes here, to spread the kills over it.
    fresh_copy();
    let t0 = Instant::now();
    assert!(encrypt().status().unwrap().success());
    let whole = t0.elapsed().as_micros().max(1000) as u64;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(10);
    let runs: usize = std::env::var("DALA_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    let mut states = BTreeSet::new();
    for run in 0..runs {
        fresh_copy();
        let mut child = encrypt().spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.random_range(0..whole * 3 / 2)));
        child.kill().unwrap();
        let _ = child.wait();
        let kind = dala_store::cipher::file_kind(&db);
        states.insert(format!("{kind:?}, keyring {}", dala_session::vault::keyring_path(&db).exists()));
        // Whatever the state, the data is whole: read as it is (plain or encrypted) with the PIN.
        let key = dala_session::vault::read_keyring(&db).unwrap().map(|_| key_of(&db, "1357"));
        let s = dala_store::Store::open_read_only_keyed(&db, key.as_ref().map(|k| k.as_bytes())).unwrap();
        let n: i64 = s.connection().query_row("SELECT count(*) FROM journal", [], |r| r.get(0)).unwrap();
        let a: i64 = s.connection().query_row("SELECT count(*) FROM answers", [], |r| r.get(0)).unwrap();
        assert_eq!((n, a), expected, "run {run}: {kind:?}");
        drop(s);
        // And the next run finishes the job.
        assert!(encrypt().status().unwrap().success(), "run {run}");
        assert_eq!(dala_store::cipher::file_kind(&db), dala_store::cipher::FileKind::Encrypted);
        let key = key_of(&db, "1357");
        let s = dala_store::Store::open_read_only_keyed(&db, Some(key.as_bytes())).unwrap();
        assert!(s.audit().unwrap().intact(), "run {run}");
        assert_eq!(s.interviews().unwrap().len(), dala_store::Store::open_read_only(&original).unwrap().interviews().unwrap().len());
    }
    eprintln!("db encrypt: {runs} kills over {whole} µs; states met: {states:?}");
    assert!(states.len() >= 2, "the kills fell at different points: {states:?}");
}

/// A byte of an encrypted database changed outside the app (a page of the file, not through SQLite): the
/// audit names the page whose authentication code no longer matches, exits 1, and SQLCipher prints
/// nothing of its own on the terminal. The same file before the change is intact.
#[test]
fn a_changed_byte_in_an_encrypted_file_is_named_by_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let pin = write(&dir.path().join("pin"), "4821");
    let out = dir.path().join("sim");
    ok(dala(&tmp)
        .arg("--pin-file")
        .arg(&pin)
        .args(["simulate", "--seed", "3", "--devices", "1", "--scale", "0.01", "--study"])
        .arg(kmrs())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap());
    let db = out.join("device-01.sqlite");
    let verify =
        |lang: &str| dala(&tmp).args(["--lang", lang, "--pin-file"]).arg(&pin).args(["audit", "verify", "--db"]).arg(&db).output().unwrap();
    assert!(verify("en").status.success(), "intact before the change");
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    let at = (bytes.len() / page / 2) * page + 1000;
    bytes[at] ^= 0x55;
    std::fs::write(&db, &bytes).unwrap();
    let expected_page = at / page + 1;
    for (lang, words) in [("en", "page"), ("ru", "страница"), ("kk", "бет")] {
        let out = verify(lang);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{lang}: {stdout} {stderr}");
        assert!(stdout.contains(&expected_page.to_string()) && stdout.contains(words), "{lang}: {stdout}");
        assert!(!stderr.contains("sqlcipher") && !stderr.contains("ERROR CORE"), "{lang}: SQLCipher's own log: {stderr}");
    }
    let json = dala(&tmp).arg("--pin-file").arg(&pin).args(["audit", "verify", "--json", "--db"]).arg(&db).output().unwrap();
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["intact"], false);
    assert_eq!(report["file_problems"][0], format!("HMAC verification failed for page {expected_page}"));
}
