//! Sync from the command line (issue 8): simulated devices → supervisor → coordinator, a rejected
//! interview back to its device and corrected there, damaged and foreign packages refused with the
//! database unchanged byte for byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stdout).unwrap()
}

fn run(args: &[&str]) -> String {
    ok(dala().args(args).output().unwrap())
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

struct Field {
    dir: tempfile::TempDir,
}

impl Field {
    /// Two simulated devices and the keys of their interviewers, a supervisor and a coordinator.
    fn new() -> Field {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        ok(dala()
            .args(["simulate", "--study", p(&kmrs()), "--seed", "11", "--devices", "2", "--scale", "0.03", "--out"])
            .arg(d.join("dev"))
            .output()
            .unwrap());
        for (role, name) in [("interviewer", "ann"), ("interviewer", "bob"), ("supervisor", "sup"), ("coordinator", "coord")] {
            ok(dala().args(["keys", "init", "--role", role, "--name", name, "--out"]).arg(d.join("keys")).output().unwrap());
        }
        Field { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn key(&self, name: &str) -> PathBuf {
        self.path(&format!("keys/{name}.key"))
    }
    fn public(&self, name: &str) -> PathBuf {
        self.path(&format!("keys/{name}.pub"))
    }
    fn export(&self, db: &str, who: &str, to: &[&str], out: &str, since_last: bool) -> Json {
        let mut c = dala();
        c.args(["sync", "export", "--json", "--db", p(&self.path(db)), "--key", p(&self.key(who)), "--out", p(&self.path(out))]);
        for t in to {
            c.arg("--to").arg(self.public(t));
        }
        if since_last {
            c.arg("--since-last");
        }
        serde_json::from_str(&ok(c.output().unwrap())).unwrap()
    }
    fn import(&self, db: &str, who: &str, trust: &[&str], packages: &[&str]) -> (bool, Json) {
        let mut c = dala();
        c.args(["sync", "import", "--json", "--db", p(&self.path(db)), "--key", p(&self.key(who))]);
        for t in trust {
            c.arg("--trust").arg(self.public(t));
        }
        for pk in packages {
            c.arg(self.path(pk));
        }
        let out = c.output().unwrap();
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        (out.status.success(), json)
    }
    fn query(&self, db: &str, sql: &str) -> Vec<Vec<String>> {
        let c = rusqlite::Connection::open(self.path(db)).unwrap();
        let mut stmt = c.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    rusqlite::types::ValueRef::Real(v) => v.to_string(),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => String::from_utf8_lossy(t).to_string(),
                })
                .collect::<Vec<_>>())
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
    }
}

fn sha(path: &Path) -> String {
    let mut h = Sha256::new();
    h.update(std::fs::read(path).unwrap());
    format!("{:x}", h.finalize())
}

#[test]
fn devices_to_supervisor_to_coordinator_and_a_rejected_interview_back_and_corrected() {
    let f = Field::new();
    f.export("dev/device-01.sqlite", "ann", &["sup", "coord"], "ann-1.dala", true);
    f.export("dev/device-02.sqlite", "bob", &["sup", "coord"], "bob-1.dala", true);
    // The supervisor trusts a folder of keys.
    let mut c = dala();
    c.args(["sync", "import", "--json", "--db", p(&f.path("sup.sqlite")), "--key", p(&f.key("sup")), "--trust", p(&f.path("keys"))]);
    let out = ok(c.arg(f.path("ann-1.dala")).arg(f.path("bob-1.dala")).output().unwrap());
    let r: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(r["packages"], 2);
    assert_eq!(r["rejected"].as_array().unwrap().len(), 0);
    assert!(r["imported_entries"].as_u64().unwrap() > 1000, "{r}");
    // Everything of both devices is there, and the merged report equals the one over both files.
    for table in ["interviews", "answers", "journal", "addresses", "visits"] {
        let n = |db: &str| f.query(db, &format!("SELECT count(*) FROM {table}"))[0][0].parse::<u64>().unwrap();
        assert_eq!(n("sup.sqlite"), n("dev/device-01.sqlite") + n("dev/device-02.sqlite"), "{table}");
    }
    let merged = run(&["report", "--json", "--db", p(&f.path("sup.sqlite"))]);
    let sides = run(&["report", "--json", "--db", p(&f.path("dev/device-01.sqlite")), "--db", p(&f.path("dev/device-02.sqlite"))]);
    let strip = |s: &str| {
        let mut j: Json = serde_json::from_str(s).unwrap();
        j.as_object_mut().unwrap().remove("databases");
        j
    };
    assert_eq!(strip(&merged), strip(&sides));

    // The same packages again change nothing.
    let before = sha(&f.path("sup.sqlite"));
    let (_, again) = f.import("sup.sqlite", "sup", &["ann", "bob"], &["ann-1.dala", "bob-1.dala"]);
    assert_eq!(again["imported_entries"], 0);
    assert_eq!(again["duplicates"], r["imported_entries"].as_u64().unwrap() + r["duplicates"].as_u64().unwrap());
    assert_eq!(sha(&f.path("sup.sqlite")), before, "a second import changes nothing");

    // The supervisor comments on an answer of one of Ann's completed interviews and rejects it.
    let ann_device = f.query("dev/device-01.sqlite", "SELECT id FROM device")[0][0].clone();
    let iv = f.query(
        "sup.sqlite",
        &format!("SELECT id FROM interviews WHERE device_id = '{ann_device}' AND status = 'completed' ORDER BY id LIMIT 1"),
    )[0][0]
        .clone();
    let sup_db = f.path("sup.sqlite");
    run(&["review", "--db", p(&sup_db), "comment", "--interview", &iv, "--question", "Q006", "--text", "Корпус не записан"]);
    let said = run(&["--lang", "ru", "review", "--db", p(&sup_db), "reject", "--interview", &iv, "--comment", "Уточните корпус дома"]);
    assert!(said.contains("Интервью возвращено"), "{said}");
    let listed: Json = serde_json::from_str(&run(&["review", "--db", p(&sup_db), "list", "--json"])).unwrap();
    let row = listed.as_array().unwrap().iter().find(|r| r["id"] == iv.as_str()).unwrap().clone();
    assert_eq!((row["status"].as_str(), row["review"].as_str()), (Some("in_progress"), Some("rejected")));
    // Back down to Ann: her own interviews and routes only, not Bob's.
    f.export("sup.sqlite", "sup", &["ann"], "sup-to-ann.dala", true);
    let (good, r) = f.import("dev/device-01.sqlite", "ann", &["sup"], &["sup-to-ann.dala"]);
    assert!(good, "{r}");
    let back = f.query("dev/device-01.sqlite", &format!("SELECT status, review FROM interviews WHERE id = '{iv}'"));
    assert_eq!(back, vec![vec!["in_progress".to_string(), "rejected".to_string()]]);
    let bob_device = f.query("dev/device-02.sqlite", "SELECT id FROM device")[0][0].clone();
    let bobs = f.query("dev/device-01.sqlite", &format!("SELECT count(*) FROM interviews WHERE device_id = '{bob_device}'"));
    assert_eq!(bobs[0][0], "0", "an interviewer receives only her own interviews");
    let notes = f.query(
        "dev/device-01.sqlite",
        &format!("SELECT kind, coalesce(question, ''), new_value FROM journal WHERE interview_id = '{iv}' AND kind IN ('review_comment', 'interview_rejected') ORDER BY hlc"),
    );
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0], vec!["review_comment".to_string(), "Q006".into(), "Корпус не записан".into()]);
    // Ann corrects the answer and completes the interview again.
    let script = f.path("fix.json");
    std::fs::write(&script, r#"{"language": "ru", "steps": [{"q": "Q006", "value": "2"}, {"complete": true}]}"#).unwrap();
    ok(dala()
        .args(["interview", "--study", p(&kmrs()), "--db", p(&f.path("dev/device-01.sqlite")), "--interview", &iv, "--script", p(&script)])
        .output()
        .unwrap());
    let after = f.query("dev/device-01.sqlite", &format!("SELECT status, review FROM interviews WHERE id = '{iv}'"));
    assert_eq!(after, vec![vec!["completed".to_string(), "corrected".to_string()]]);
    // Up again: only what changed since the last export to the supervisor.
    let second = f.export("dev/device-01.sqlite", "ann", &["sup", "coord"], "ann-2.dala", true);
    let first_records = f.query("sup.sqlite", "SELECT count(*) FROM journal")[0][0].parse::<u64>().unwrap();
    assert!(second["records"].as_u64().unwrap() < first_records / 10, "{second}");
    let (good, r) = f.import("sup.sqlite", "sup", &["ann", "bob"], &["ann-2.dala"]);
    assert!(good, "{r}");
    let up = f.query("sup.sqlite", &format!("SELECT i.status, i.review, a.value FROM interviews i JOIN answers a ON a.interview_id = i.id AND a.question = 'Q006' WHERE i.id = '{iv}'"));
    assert_eq!(up, vec![vec!["completed".to_string(), "corrected".to_string(), "\"2\"".to_string()]]);
    run(&["review", "--db", p(&sup_db), "approve", "--interview", &iv]);
    // The coordinator merges the supervisor's package and the devices' own, in any order: the same data.
    f.export("sup.sqlite", "sup", &["coord"], "sup-to-coord.dala", false);
    let (good, r) =
        f.import("coord-a.sqlite", "coord", &["ann", "bob", "sup"], &["sup-to-coord.dala", "ann-1.dala", "bob-1.dala", "ann-2.dala"]);
    assert!(good, "{r}");
    let (good, r) =
        f.import("coord-b.sqlite", "coord", &["ann", "bob", "sup"], &["ann-2.dala", "bob-1.dala", "ann-1.dala", "sup-to-coord.dala"]);
    assert!(good, "{r}");
    for sql in [
        "SELECT id, status, review, ver FROM interviews ORDER BY id",
        "SELECT interview_id, question, roster, value, ver FROM answers ORDER BY 1, 2, 3",
        "SELECT device_id, dseq, hlc, kind FROM journal ORDER BY device_id, dseq",
        "SELECT key, disposition, ver FROM addresses ORDER BY key",
    ] {
        assert_eq!(f.query("coord-a.sqlite", sql), f.query("coord-b.sqlite", sql), "{sql}");
    }
    let history = f
        .query("coord-a.sqlite", &format!("SELECT kind FROM journal WHERE interview_id = '{iv}' AND kind LIKE 'interview_%' ORDER BY hlc"));
    let kinds: Vec<&str> = history.iter().map(|r| r[0].as_str()).collect();
    assert!(
        kinds.ends_with(&["interview_completed", "interview_rejected", "interview_opened", "interview_completed", "interview_approved"]),
        "{kinds:?}"
    );

    // Issue 10: every database of the round trip passes the audit (chains of several devices, merged,
    // reviewed and sent back)...
    for db in ["dev/device-01.sqlite", "dev/device-02.sqlite", "sup.sqlite", "coord-a.sqlite"] {
        let out = dala().args(["audit", "verify", "--json", "--db", p(&f.path(db))]).output().unwrap();
        let r: Json = serde_json::from_str(&ok(out)).unwrap();
        assert_eq!(r["intact"], true, "{db}: {r}");
        assert!(r["journal_entries"].as_u64().unwrap() > 100 && r["answers"].as_u64().unwrap() > 100, "{db}: {r}");
    }
    // ...an answer flipped with plain SQL in a copy of a device's database is named, in the user's language...
    std::fs::copy(f.path("dev/device-01.sqlite"), f.path("flipped.sqlite")).unwrap();
    let target =
        f.query("flipped.sqlite", "SELECT interview_id, question, roster, value FROM answers WHERE roster = '' ORDER BY 1, 2 LIMIT 1");
    let (iv, question) = (target[0][0].clone(), target[0][1].clone());
    let c = rusqlite::Connection::open(f.path("flipped.sqlite")).unwrap();
    let n =
        c.execute("UPDATE answers SET value = '777' WHERE interview_id = ?1 AND question = ?2 AND roster = ''", [&iv, &question]).unwrap();
    assert_eq!(n, 1);
    drop(c);
    let out = dala().args(["--lang", "ru", "audit", "verify", "--db", p(&f.path("flipped.sqlite"))]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Журнал нарушен") && text.contains(&question) && text.contains(&iv) && text.contains("777"), "{text}");
    let out = dala().args(["audit", "verify", "--json", "--db", p(&f.path("flipped.sqlite"))]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r["first"]["finding"].as_str(), r["first"]["question"].as_str()), (Some("answer_altered"), Some(question.as_str())), "{r}");
    // ...and a journal entry edited on a device is refused by the import of its next package.
    std::fs::copy(f.path("dev/device-01.sqlite"), f.path("edited.sqlite")).unwrap();
    let c = rusqlite::Connection::open(f.path("edited.sqlite")).unwrap();
    c.execute(
        "UPDATE journal SET new_value = '777' WHERE seq = (SELECT min(seq) FROM journal WHERE kind = 'answer_set' AND new_value = '1')",
        [],
    )
    .unwrap();
    drop(c);
    let out = dala().args(["--lang", "en", "audit", "verify", "--db", p(&f.path("edited.sqlite"))]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("was changed after it was written"));
    f.export("edited.sqlite", "ann", &["coord"], "edited.dala", false);
    let before = sha(&f.path("coord-a.sqlite"));
    let (good, r) = f.import("coord-a.sqlite", "coord", &["ann"], &["edited.dala"]);
    assert!(!good, "{r}");
    let error = r["rejected"][0]["error"].as_str().unwrap();
    assert!(error.contains("does not match its hash"), "{error}");
    assert_eq!(sha(&f.path("coord-a.sqlite")), before, "a refused package changes nothing");
}

#[test]
fn damaged_foreign_and_misaddressed_packages_are_refused_and_the_database_is_unchanged() {
    let f = Field::new();
    f.export("dev/device-01.sqlite", "ann", &["sup"], "ann.dala", false);
    f.export("dev/device-02.sqlite", "bob", &["sup"], "bob.dala", false);
    let (good, _) = f.import("sup.sqlite", "sup", &["ann", "bob"], &["bob.dala"]);
    assert!(good);
    let db = f.path("sup.sqlite");
    let hash = sha(&db);
    let bytes = std::fs::read(f.path("ann.dala")).unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for cut in [0, 5, 10, 200, bytes.len() / 2, bytes.len() - 65, bytes.len() - 1] {
        cases.push((format!("cut-{cut}"), bytes[..cut].to_vec()));
    }
    for at in [12, 500, bytes.len() / 3, bytes.len() - 100, bytes.len() - 70, bytes.len() - 3] {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x10;
        cases.push((format!("flip-{at}"), flipped));
    }
    for (name, data) in &cases {
        std::fs::write(f.path(name), data).unwrap();
        let (good, r) = f.import("sup.sqlite", "sup", &["ann", "bob"], &[name]);
        assert!(!good, "{name} accepted");
        assert_eq!(r["rejected"].as_array().unwrap().len(), 1, "{name}");
        assert_eq!(sha(&db), hash, "{name} changed the database");
    }
    // A thousand random bit flips (a fixed xorshift stream), imported in one run: every package is
    // refused and the database file stays byte for byte the same.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut names = Vec::new();
    for n in 0..1000 {
        let mut flipped = bytes.clone();
        let at = (next() % bytes.len() as u64) as usize;
        flipped[at] ^= 1 << (next() % 8);
        let name = format!("rnd-{n}");
        std::fs::write(f.path(&name), &flipped).unwrap();
        names.push(name);
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (good, r) = f.import("sup.sqlite", "sup", &["ann", "bob"], &refs);
    assert!(!good);
    assert_eq!((r["packages"].as_u64(), r["rejected"].as_array().unwrap().len()), (Some(0), 1000), "a flipped package was accepted");
    assert_eq!(sha(&db), hash, "random flips changed the database");
    for name in &names {
        std::fs::remove_file(f.path(name)).unwrap();
    }
    // Unknown sender, wrong recipient.
    let (good, r) = f.import("sup.sqlite", "sup", &["bob"], &["ann.dala"]);
    assert!(!good && r["rejected"][0]["error"].as_str().unwrap().contains("not among the trusted keys"), "{r}");
    f.export("dev/device-01.sqlite", "ann", &["coord"], "for-coord.dala", false);
    let (good, r) = f.import("sup.sqlite", "sup", &["ann"], &["for-coord.dala"]);
    assert!(!good && r["rejected"][0]["error"].as_str().unwrap().contains("encrypted for someone else"), "{r}");
    assert_eq!(sha(&db), hash);
    // A refused package does not stop the others; messages follow --lang.
    let mut c = dala();
    c.args(["--lang", "kk", "sync", "import", "--json", "--db", p(&db), "--key", p(&f.key("sup")), "--trust", p(&f.public("ann"))]);
    let out = c.arg(f.path("cut-200")).arg(f.path("ann.dala")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["packages"], 1);
    let error = r["rejected"][0]["error"].as_str().unwrap();
    assert!(error.contains("пакет"), "{error}");
}

#[test]
fn a_package_of_another_study_and_wrong_arguments_are_refused() {
    let f = Field::new();
    f.export("dev/device-01.sqlite", "ann", &["sup"], "ann.dala", false);
    // A supervisor database of another study.
    let other = f.path("other.sqlite");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        drop(c);
    }
    let now = chrono::Utc::now();
    let mut store = dala_store::Store::open(&other, now).unwrap();
    store.set_study("another-study", "3").unwrap();
    drop(store);
    let hash = sha(&other);
    let (good, r) = f.import("other.sqlite", "sup", &["ann"], &["ann.dala"]);
    assert!(!good);
    assert!(r["rejected"][0]["error"].as_str().unwrap().contains("study"), "{r}");
    assert_eq!(sha(&other), hash);
    // Keys are never overwritten; a bad role is a usage error.
    let out = dala().args(["keys", "init", "--role", "interviewer", "--name", "ann", "--out"]).arg(f.path("keys")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = dala().args(["--lang", "ru", "keys", "init", "--role", "boss", "--name", "x", "--out"]).arg(f.path("keys")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Неизвестная роль"));
    // A secret key where a public one belongs.
    let out = dala()
        .args([
            "sync",
            "export",
            "--db",
            p(&f.path("dev/device-01.sqlite")),
            "--key",
            p(&f.key("ann")),
            "--to",
            p(&f.key("sup")),
            "--out",
            p(&f.path("x.dala")),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!f.path("x.dala").exists() && !f.path("x.part").exists());
}

#[test]
fn back_checks_draw_a_seeded_share_per_interviewer_and_mismatches_flag_the_interviewer() {
    let f = Field::new();
    f.export("dev/device-01.sqlite", "ann", &["sup"], "ann.dala", false);
    f.export("dev/device-02.sqlite", "bob", &["sup"], "bob.dala", false);
    let (good, _) = f.import("sup.sqlite", "sup", &["ann", "bob"], &["ann.dala", "bob.dala"]);
    assert!(good);
    let db = f.path("sup.sqlite");
    let drawn: Json = serde_json::from_str(&run(&["backcheck", "--db", p(&db), "draw", "--seed", "7", "--json"])).unwrap();
    let drawn: Vec<String> = drawn["drawn"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    // 12 % of each interviewer's completes, rounded up.
    for dev in ["dev/device-01.sqlite", "dev/device-02.sqlite"] {
        let device = f.query(dev, "SELECT id FROM device")[0][0].clone();
        let completes = f.query(dev, "SELECT count(*) FROM interviews WHERE status = 'completed'")[0][0].parse::<usize>().unwrap();
        let theirs = f.query("sup.sqlite", &format!("SELECT id FROM interviews WHERE device_id = '{device}'"));
        let n = drawn.iter().filter(|d| theirs.iter().any(|t| &t[0] == *d)).count();
        assert_eq!(n, (completes * 12).div_ceil(100).max(usize::from(completes > 0)), "{dev}");
    }
    // Drawing again with the same seed adds nothing.
    let again: Json = serde_json::from_str(&run(&["backcheck", "--db", p(&db), "draw", "--seed", "7", "--json"])).unwrap();
    assert_eq!(again["drawn"].as_array().unwrap().len(), 0);
    // A back-check that agrees, and one that does not.
    let (ok_iv, bad_iv) = (&drawn[0], &drawn[drawn.len() - 1]);
    let size = |iv: &str| {
        f.query("sup.sqlite", &format!("SELECT value FROM answers WHERE interview_id = '{iv}' AND question = 'Q101'"))[0][0].clone()
    };
    let agree: Json = serde_json::from_str(&run(&[
        "backcheck",
        "--db",
        p(&db),
        "record",
        "--json",
        "--interview",
        ok_iv,
        "--visited",
        "yes",
        "--same-respondent",
        "yes",
        "--household-size",
        &size(ok_iv),
    ]))
    .unwrap();
    assert_eq!(agree["mismatches"].as_array().unwrap().len(), 0, "{agree}");
    let differ: Json = serde_json::from_str(&run(&[
        "backcheck",
        "--db",
        p(&db),
        "record",
        "--json",
        "--interview",
        bad_iv,
        "--visited",
        "no",
        "--same-respondent",
        "yes",
    ]))
    .unwrap();
    assert_eq!(differ["mismatches"][0]["item"], "visited");
    let list: Json = serde_json::from_str(&run(&["backcheck", "--db", p(&db), "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), drawn.len());
    // Each is listed under its interviewer as the dashboard names them (the route's assignee).
    for b in list.as_array().unwrap() {
        let iv = b["interview"].as_str().unwrap();
        let who = f.query(
            "sup.sqlite",
            &format!("SELECT r.assigned_to FROM addresses a JOIN routes r ON r.id = a.route_id WHERE a.interview_id = '{iv}'"),
        );
        assert_eq!(b["interviewer"].as_str(), Some(who[0][0].as_str()), "{b}");
    }
    let text = run(&["--lang", "ru", "backcheck", "--db", p(&db), "list"]);
    assert!(text.contains("совпадает") && text.contains("расхождений: 1"), "{text}");
    // Bad arguments are usage errors in the chosen language.
    let out = dala()
        .args([
            "--lang",
            "kk",
            "backcheck",
            "--db",
            p(&db),
            "record",
            "--interview",
            ok_iv,
            "--visited",
            "maybe",
            "--same-respondent",
            "yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("күтіледі"));
}
