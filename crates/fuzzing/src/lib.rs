//! The bodies of the fuzz targets (issue 10, point 4). Each takes arbitrary bytes and runs one reader of
//! outside input the way the app does; the only failure is a panic (or, under the fuzzer, a crash or a
//! leak). The cargo-fuzz targets in `fuzz/fuzz_targets/` call these; `tests/corpus.rs` replays the
//! committed seed corpora and every crash found (`fuzz/regressions/`) on the stable toolchain in the
//! test command. `scripts/fuzz.sh` runs the fuzzer itself (docs/robustness.md).
//!
//! Targets: [`expression`] (the expression language: parse, then evaluate in a context that answers
//! every name), [`study`] (the study loader: a file of a small study with every question type replaced by
//! the input),
//! [`script`] (the interview script reader), [`street_list`] (the street-list CSV reader and the turn
//! rules), [`package`] (the sync package reader: raw bytes as a package file, or the input as the body of
//! a correctly signed and encrypted package, whose records are imported into an in-memory database).

use std::io::Write;
use std::sync::OnceLock;

use dala_questionnaire::expr::{Env, Val};
use dala_questionnaire::load::{load_study, MemorySource};
use dala_questionnaire::Lang;

/// A target's body.
pub type Target = fn(&[u8]);

/// The targets by name, for the replay test and the fuzz script.
pub const TARGETS: [(&str, Target); 5] =
    [("expression", expression), ("study", study), ("script", script), ("street_list", street_list), ("package", package)];

/// A context that answers every name: numbers for most, texts and lists for some, a roster of
/// three rows for every roster, so evaluation reaches every operator and function.
struct AnyEnv {
    position: Option<usize>,
}

impl Env for AnyEnv {
    fn lookup(&self, name: &str) -> Val {
        match name.len() % 5 {
            0 => Val::Null,
            1 => Val::Num(name.len() as f64),
            2 => Val::Text(name.to_string()),
            3 => Val::List(vec![1.0, 2.0]),
            _ => Val::Bool(name.len().is_multiple_of(2)),
        }
    }
    fn roster_len(&self, _roster: &str) -> Option<usize> {
        Some(3)
    }
    fn row(&self, _roster: &str, position: usize) -> Option<Self> {
        (1..=3).contains(&position).then_some(AnyEnv { position: Some(position) })
    }
    fn position(&self) -> Option<usize> {
        self.position
    }
}

pub fn expression(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(expr) = dala_questionnaire::expr::parse(text) {
        let _ = expr.eval(&AnyEnv { position: None });
        let _ = expr.eval(&AnyEnv { position: Some(2) });
        let _ = expr.references();
        // What parsed once parses again from its own text.
        assert!(dala_questionnaire::expr::parse(&expr.to_string()).is_ok(), "{text:?} parsed once but not from its own text");
    }
}

/// A small study with every question type (the end-to-end tests' fixture), embedded: the input
/// replaces one of its files. (The whole KMRS study takes a third of a second to load under the
/// sanitizer, too slow to fuzz; its files are seeds instead.)
const BASE: &[(&str, &str)] = &[
    ("study.toml", include_str!("../../../tests/e2e/fixtures/all-types/study.toml")),
    ("blocks/01-types.toml", include_str!("../../../tests/e2e/fixtures/all-types/blocks/01-types.toml")),
];

/// The first byte chooses the file the rest replaces.
pub fn study(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut source = MemorySource::default();
    for (path, content) in BASE {
        source.insert(path, content);
    }
    source.insert(BASE[which as usize % BASE.len()].0, text);
    let (questionnaire, diagnostics) = load_study(&source);
    for d in &diagnostics {
        let _ = d.render(Lang::Kk);
    }
    if let Some(q) = questionnaire {
        // A study that loads can start an interview.
        let _ = dala_questionnaire::Interview::new(&q);
    }
}

pub fn script(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = dala_questionnaire::script::parse_script(text, Lang::Kk);
}

pub fn street_list(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(frame) = dala_fieldwork::frame::parse_frame(text) {
        for city in frame.cities() {
            assert!(frame.city(city).next().is_some(), "a city with no street: {city}");
        }
    }
    let _ = dala_fieldwork::frame::parse_turns(text);
}

struct Keys {
    sender: dala_sync::SecretKey,
    recipient: dala_sync::SecretKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        sender: dala_sync::SecretKey::generate(dala_sync::Role::Interviewer, "fuzz-sender", [7; 32]),
        recipient: dala_sync::SecretKey::generate(dala_sync::Role::Supervisor, "fuzz-recipient", [8; 32]),
    })
}

/// Even first byte: the rest is a package file as received. Odd: the rest is the body, one JSON
/// value per line, sealed into a package by a trusted sender, so the reader and the importer see it.
pub fn package(data: &[u8]) {
    let _ = package_outcome(data);
}

/// What [`package`] reached: `Ok` when the input was imported whole, else the step that refused it.
pub fn package_outcome(data: &[u8]) -> Result<(), &'static str> {
    let Some((&mode, rest)) = data.split_first() else { return Err("empty") };
    let keys = keys();
    let mut file = tempfile::tempfile().expect("a temporary file");
    if mode.is_multiple_of(2) {
        file.write_all(rest).expect("write");
    } else {
        let mut w = dala_sync::PackageWriter::new(&mut file, &keys.sender, &[keys.recipient.public()]).expect("writer");
        for line in rest.split(|b| *b == b'\n') {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(line) {
                w.write(&value).expect("write a record");
            }
        }
        w.finish(dala_sync::Header {
            format: 0,
            study_id: "kmrs-2010".into(),
            study_version: "1".into(),
            device: "fuzz-device".into(),
            sender: dala_sync::Party {
                name: String::new(),
                role: dala_sync::Role::Interviewer,
                key: String::new(),
                verifying_key: String::new(),
            },
            recipients: Vec::new(),
            created_at: "2010-10-20T10:00:00Z".into(),
            since: None,
            until: "0".into(),
            records: 0,
            entries: Default::default(),
        })
        .expect("finish");
    }
    use std::io::Seek;
    file.rewind().expect("rewind");
    let opened = dala_sync::open_package(file, &[keys.sender.public()]).map_err(|_| "open")?;
    let records = opened.records::<dala_store::sync::Record>(&keys.recipient).map_err(|_| "decrypt")?;
    let now = chrono::DateTime::from_timestamp(1_287_000_000, 0).expect("a valid instant");
    let mut store = dala_store::Store::open_in_memory(now).expect("an in-memory database");
    let mut importer = store.importer(now).map_err(|_| "importer")?;
    for record in records {
        importer.add(record.map_err(|_| "record")?).map_err(|_| "add")?;
    }
    importer.finish("fuzz", "fuzz-package", serde_json::json!({})).map_err(|_| "finish")?;
    Ok(())
}
