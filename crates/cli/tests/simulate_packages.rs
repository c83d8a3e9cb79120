//! `dala simulate --packages <dir> --to <.pub>`: each simulated device's sync package, signed with a key
//! of its own, imported whole by the supervisor with nothing rejected and every interview arrived.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

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

fn count(db: &Path, table: &str) -> u64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn simulated_packages_import_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(dala().args(["keys", "init", "--role", "supervisor", "--name", "sup", "--out"]).arg(d).output().unwrap());
    let out = ok(dala()
        .args(["simulate", "--study"])
        .arg(kmrs())
        .args(["--seed", "2010", "--devices", "2", "--scale", "0.03", "--json", "--out"])
        .arg(d.join("dev"))
        .arg("--packages")
        .arg(d.join("pk"))
        .arg("--to")
        .arg(d.join("sup.pub"))
        .output()
        .unwrap());
    let summary: Json = serde_json::from_str(&out).unwrap();
    let databases: Vec<PathBuf> = summary["databases"].as_array().unwrap().iter().map(|p| PathBuf::from(p.as_str().unwrap())).collect();
    let packages: Vec<PathBuf> = summary["packages"].as_array().unwrap().iter().map(|p| PathBuf::from(p.as_str().unwrap())).collect();
    assert_eq!(databases.len(), 2);
    assert_eq!(packages, vec![d.join("pk/device-01.dala"), d.join("pk/device-02.dala")]);
    for name in ["device-01", "device-02"] {
        assert!(d.join(format!("pk/keys/{name}.key")).is_file() && d.join(format!("pk/keys/{name}.pub")).is_file(), "{name}'s key pair");
    }
    let interviews: u64 = databases.iter().map(|db| count(db, "interviews")).sum();
    assert!(interviews > 0, "the simulation made interviews");

    let mut import = dala();
    import.args(["sync", "import", "--json", "--db"]).arg(d.join("sup.sqlite")).arg("--key").arg(d.join("sup.key"));
    import.arg("--trust").arg(d.join("pk/keys"));
    import.args(&packages);
    let report: Json = serde_json::from_str(&ok(import.output().unwrap())).unwrap();
    assert_eq!(report["rejected"], Json::Array(vec![]), "{report}");
    assert_eq!(report["packages"], 2);
    assert!(report["imported_entries"].as_u64().unwrap() > 0);
    assert_eq!(count(&d.join("sup.sqlite"), "interviews"), interviews);
    let answers: u64 = databases.iter().map(|db| count(db, "answers")).sum();
    assert_eq!(count(&d.join("sup.sqlite"), "answers"), answers);
}

#[test]
fn packages_and_recipients_go_together() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = |c: &mut Command| {
        c.args(["simulate", "--study"]).arg(kmrs()).args(["--seed", "1", "--devices", "1", "--scale", "0.03", "--out"]).arg(d.join("dev"));
    };
    let mut c = dala();
    base(&mut c);
    c.arg("--packages").arg(d.join("pk"));
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--packages needs at least one recipient"));
    let mut c = dala();
    base(&mut c);
    c.arg("--to").arg(d.join("sup.pub"));
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only used with --packages"));
    assert!(!d.join("dev").exists(), "nothing simulated");
}
