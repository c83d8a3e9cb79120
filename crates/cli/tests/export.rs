//! `dala export` as a user runs it: a simulated device database exported to CSV (rows, the summary
//! in JSON, progress on stderr, files in place), anonymised with fresh pseudonyms each time, and the
//! wrong uses refused in the user's language with exit code 2 and nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn simulated(dir: &Path) -> PathBuf {
    ok(dala()
        .args(["simulate", "--study"])
        .arg(kmrs())
        .args(["--seed", "3", "--devices", "1", "--scale", "0.02", "--out"])
        .arg(dir.join("dev"))
        .arg("--json")
        .output()
        .unwrap());
    dir.join("dev/device-01.sqlite")
}

fn export(db: &Path, out: &Path, extra: &[&str]) -> Output {
    dala()
        .args(["--lang", "en", "export", "--db"])
        .arg(db)
        .arg("--study")
        .arg(kmrs())
        .args(["--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_device_database_exports_to_csv_and_anonymised_exports_do_not_link() {
    let tmp = tempfile::tempdir().unwrap();
    let db = simulated(tmp.path());
    let out = export(&db, &tmp.path().join("csv"), &["--format", "csv", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let summary: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();
    assert!(stderr.contains("export: 100 %"), "progress on stderr: {stderr}");
    let interviews = summary["interviews"].as_u64().unwrap();
    assert!(interviews > 5, "{summary}");
    let files = summary["files"].as_array().unwrap();
    assert_eq!(files[0]["name"], "households");
    assert_eq!(files[0]["rows"].as_u64().unwrap(), interviews);
    let households = std::fs::read_to_string(tmp.path().join("csv/households.csv")).unwrap();
    assert_eq!(households.lines().count() as u64, interviews + 1, "a header and one line per interview");
    assert!(tmp.path().join("csv/codebook.html").is_file() && tmp.path().join("csv/codebook.xml").is_file());

    // Two anonymised exports: the same households under different pseudonyms.
    let key = |dir: &str| -> Vec<String> {
        ok(export(&db, &tmp.path().join(dir), &["--format", "csv", "--anonymise"]));
        let text = std::fs::read_to_string(tmp.path().join(dir).join("households.csv")).unwrap();
        text.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect()
    };
    let (a, b) = (key("anon1"), key("anon2"));
    assert_eq!(a.len() as u64, interviews);
    assert!(a.iter().all(|k| k.len() == 16 && k.chars().all(|c| c.is_ascii_hexdigit())), "{a:?}");
    assert!(a.iter().all(|k| !b.contains(k)), "a fresh secret per export");
    assert!(!households.lines().skip(1).any(|l| a.contains(&l.split(',').next().unwrap().to_string())));
}

#[test]
fn wrong_uses_are_refused_in_the_users_language_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let db = tmp.path().join("missing.sqlite");
    for (lang, format, db, word) in [
        ("ru", "xls", kmrs().join("study.toml"), "Неизвестный формат"),
        ("kk", "xls", kmrs().join("study.toml"), "пішімі белгісіз"),
        ("en", "csv", db.clone(), "does not exist"),
        ("kk", "csv", db.clone(), "табылмады"),
    ] {
        let r = dala().args(["--lang", lang, "export", "--db"]).arg(&db).args(["--format", format, "--out"]).arg(&out).output().unwrap();
        assert_eq!(r.status.code(), Some(2), "{lang} {format}");
        let msg = String::from_utf8_lossy(&r.stderr);
        assert!(msg.contains(word), "{lang}: {msg}");
        assert!(!out.exists(), "nothing written");
    }
}
