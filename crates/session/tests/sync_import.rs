//! Importing package files through the session: a package that is signed by a trusted sender but goes
//! bad after thousands of good records is refused whole,
//! and the database, fresh or not, is left byte for byte as it was: no record, and not even the study
//! a first import would have recorded.

use std::fs::File;
use std::path::Path;

use chrono::{TimeZone, Utc};
use dala_questionnaire::Lang;
use dala_session::sync::import_packages;
use dala_store::sync::Record;
use dala_store::Store;
use dala_sync::{Header, PackageWriter, Party, Role, SecretKey};
use sha2::{Digest, Sha256};

fn sha(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

/// The field journal entries 1…n of one device, chained as the device would have written them.
fn field_records(n: usize) -> Vec<Record> {
    let mut prev = dala_merge::chain::GENESIS;
    (0..n)
        .map(|i| {
            let (id, subject, fseq) = (format!("f-{i:06}"), format!("address-{i}"), i as i64 + 1);
            let (device, at) = ("device-ann", "2010-10-20T10:00:00Z");
            let hash = dala_store::audit::field_link(
                &prev,
                &dala_store::audit::FieldFields { id: &id, device, fseq, at, kind: "note", subject: &subject, detail: None },
            );
            let record = Record::Field {
                id,
                device: device.into(),
                fseq,
                at: at.into(),
                kind: "note".into(),
                subject,
                detail: None,
                prev: Some(dala_merge::chain::to_hex(&prev)),
                hash: dala_merge::chain::to_hex(&hash),
            };
            prev = hash;
            record
        })
        .collect()
}

/// A package from `from` to `to` holding `good` field records and then, if `garbage`, a line that is no record.
fn package(path: &Path, from: &SecretKey, to: &SecretKey, good: usize, garbage: bool) {
    let mut w = PackageWriter::new(File::create(path).unwrap(), from, &[to.public()]).unwrap();
    for record in field_records(good) {
        w.write(&record).unwrap();
    }
    if garbage {
        w.write(&serde_json::json!({"what": "ever"})).unwrap();
    }
    let header = Header {
        format: 0,
        study_id: "kmrs-2010".into(),
        study_version: "1".into(),
        device: "device-ann".into(),
        sender: Party { name: String::new(), role: Role::Interviewer, key: String::new(), verifying_key: String::new() },
        recipients: Vec::new(),
        created_at: "2010-10-20T10:00:00Z".into(),
        since: None,
        until: "0".into(),
        records: 0,
        entries: Default::default(),
    };
    w.finish(header).unwrap();
}

#[test]
fn a_package_that_goes_bad_late_is_refused_whole_and_a_fresh_database_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2010, 10, 21, 9, 0, 0).unwrap();
    let ann = SecretKey::generate(Role::Interviewer, "ann", [1; 32]);
    let sup = SecretKey::generate(Role::Supervisor, "sup", [2; 32]);
    let db = dir.path().join("sup.sqlite");
    drop(Store::open(&db, now).unwrap());
    let before = sha(&db);

    let bad = dir.path().join("bad.dala");
    package(&bad, &ann, &sup, 3000, true);
    let mut store = Store::open(&db, now).unwrap();
    let report = import_packages(&mut store, &sup, &[ann.public()], &[bad], Lang::Kk, now, |_, _| {});
    assert_eq!(report.packages, 0);
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert!(report.rejected[0].error.contains("пакет"), "worded in Kazakh: {}", report.rejected[0].error);
    assert_eq!(store.study().unwrap(), None, "a refused first package records no study");
    drop(store);
    assert_eq!(sha(&db), before, "the refused package changed the database");

    // The same records without the bad line arrive, all of them, with the study.
    let good = dir.path().join("good.dala");
    package(&good, &ann, &sup, 3000, false);
    let mut store = Store::open(&db, now).unwrap();
    let report = import_packages(&mut store, &sup, &[ann.public()], &[good], Lang::En, now, |_, _| {});
    assert!(report.rejected.is_empty(), "{report:?}");
    assert_eq!(report.imported_entries, 3000);
    assert_eq!(store.study().unwrap(), Some(("kmrs-2010".to_string(), "1".to_string())));
}
