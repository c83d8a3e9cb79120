//! How `dala` behaves when used wrongly or in a pipeline: bad arguments exit 2 with a message in the
//! user's language (no English inside Russian or Kazakh output), output into a closed pipe ends
//! quietly, and `dala report` never writes the device databases it reads.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

/// Words of clap's English error text that must not reach a Russian or Kazakh user.
const ENGLISH: [&str; 8] = ["error", "Usage", "unexpected", "required", "invalid", "found", "tip", "For more"];

#[test]
fn wrong_arguments_exit_2_with_a_message_in_the_users_language() {
    let study = kmrs();
    let study = study.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["interview", "--study"],
        vec!["chek", study],
        vec!["check", study, "--jsn"],
        vec!["simulate", "--study", study, "--out", "/tmp/x", "--seed", "1", "--devices", "many"],
        vec!["routes"],
        vec!["report"],
    ];
    for (lang, marker) in [("ru", "dala --help"), ("kk", "қараңыз"), ("en", "See dala --help")] {
        for args in &cases {
            let out = dala().arg("--lang").arg(lang).args(args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{lang} {args:?}: {stderr}");
            assert!(stderr.contains(marker), "{lang} {args:?}: {stderr}");
            if lang != "en" {
                for w in ENGLISH {
                    assert!(!stderr.contains(w), "{lang} {args:?}: English word {w:?} in {stderr}");
                }
            }
        }
    }
    // A misspelled command is named, with the nearest one suggested.
    let out = dala().args(["--lang=kk", "chek", study]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("chek") && stderr.contains("check"), "{stderr}");
}

#[test]
fn a_malformed_script_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.json");
    for text in ["{not json", r#"{"language": "xx", "steps": []}"#, r#"{"steps": [{"value": 1}]}"#] {
        std::fs::write(&script, text).unwrap();
        let out = dala()
            .args(["--lang", "ru", "interview", "--study"])
            .arg(kmrs())
            .arg("--db")
            .arg(dir.path().join("d.sqlite"))
            .arg("--script")
            .arg(&script)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    for args in [vec!["check", "--json"], vec!["quota", "plan", "--study"]] {
        let mut child = dala().args(&args).arg(kmrs()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // Close the only reading end before the program writes: every write then meets a closed pipe.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        let status = child.wait().unwrap();
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(!status.success() || stderr.is_empty(), "{args:?}");
    }
}

fn folder_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn report_never_writes_the_databases_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.sqlite");
    let out =
        dala().args(["routes", "draw", "--study"]).arg(kmrs()).args(["--city", "almaty", "--seed", "7", "--db"]).arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    {
        // A device row missing (as in a file written by another tool): opening for writing would add one.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("DELETE FROM device", []).unwrap();
    }
    let before = folder_bytes(dir.path());
    let out = dala().args(["report", "--json", "--study"]).arg(kmrs()).arg("--db").arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["completes"], 0);
    assert_eq!(folder_bytes(dir.path()), before, "the report changed the folder of the database it read");
}

#[test]
fn a_study_file_that_is_not_toml_is_reported_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study");
    std::fs::create_dir_all(&study).unwrap();
    for entry in std::fs::read_dir(kmrs()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, study.join(p.file_name().unwrap())).unwrap();
        }
    }
    let text = std::fs::read_to_string(study.join("study.toml")).unwrap();
    std::fs::write(study.join("study.toml"), format!("{text}\n[broken\n")).unwrap();
    let out = dala().args(["--lang", "kk", "quota", "plan", "--study"]).arg(&study).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("study.toml:"), "the file and line are named: {stderr}");
    for w in ["TOML parse error", "expected", "invalid", "error"] {
        assert!(!stderr.contains(w), "English {w:?} in Kazakh output: {stderr}");
    }
}

/// `--help` of every command in Russian and Kazakh holds no English word of clap's or of the doc
/// comments: the usage line, headings, every description (`help.toml`) and the defaults.
#[test]
fn help_is_in_the_users_language_for_every_command() {
    let top = dala().args(["--lang", "en", "--help"]).output().unwrap();
    let top = String::from_utf8_lossy(&top.stdout).to_string();
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10 && commands.contains(&"simulate".to_string()), "{top}");
    // English words that the catalogue translates everywhere they occur.
    let english = ["Usage", "Options", "Commands", "Print", "The ", "default:", "[OPTIONS]", "database"];
    for (lang, usage) in [("ru", "Использование:"), ("kk", "Қолданылуы:")] {
        for args in std::iter::once(vec![]).chain(commands.iter().map(|c| vec![c.as_str()])) {
            let out = dala().arg("--lang").arg(lang).args(&args).arg("--help").output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{lang} {args:?}");
            assert!(text.contains(usage), "{lang} {args:?}: {text}");
            for word in english {
                assert!(!text.contains(word), "{lang} {args:?}: {word:?} in\n{text}");
            }
        }
    }
    // LANG chooses the language when --lang is not given.
    let out = Command::new(env!("CARGO_BIN_EXE_dala")).env("LANG", "kk_KZ.UTF-8").arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Қолданылуы:"));
}
