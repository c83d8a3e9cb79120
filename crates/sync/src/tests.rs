use std::io::Write;

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Rec {
    n: u64,
    text: String,
}

fn key(role: Role, name: &str, seed: u8) -> SecretKey {
    SecretKey::generate(role, name, [seed; 32])
}

fn header() -> Header {
    Header {
        format: 0,
        study_id: "kmrs-2010".into(),
        study_version: "1".into(),
        device: "dev-1".into(),
        sender: Party { name: String::new(), role: Role::Interviewer, key: String::new(), verifying_key: String::new() },
        recipients: vec![],
        created_at: "2010-05-03T10:00:00.000Z".into(),
        since: None,
        until: "000001272880800000.0000000001".into(),
        records: 0,
        entries: Default::default(),
    }
}

fn write_package(path: &std::path::Path, sender: &SecretKey, to: &[PublicKey], n: u64) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = PackageWriter::new(file, sender, to).unwrap();
    for i in 0..n {
        w.write(&Rec { n: i, text: format!("Ответ {i}: Қазақстан") }).unwrap();
    }
    w.finish(header()).unwrap().sync_all().unwrap();
}

fn read_all(path: &std::path::Path, me: &SecretKey, trust: &[PublicKey]) -> Result<(Header, Vec<Rec>), SyncError> {
    let opened = open_package(std::fs::File::open(path)?, trust)?;
    let header = opened.header.clone();
    let recs = opened.records::<Rec>(me)?.collect::<Result<Vec<_>, _>>()?;
    Ok((header, recs))
}

#[test]
fn a_package_round_trips_to_each_recipient_with_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let (ann, sup, coord) = (key(Role::Interviewer, "ann", 1), key(Role::Supervisor, "sup", 2), key(Role::Coordinator, "coord", 3));
    let p = dir.path().join("p.dala");
    write_package(&p, &ann, &[sup.public(), coord.public()], 500);
    for me in [&sup, &coord] {
        let (h, recs) = read_all(&p, me, &[ann.public()]).unwrap();
        assert_eq!(recs.len(), 500);
        assert_eq!(recs[499], Rec { n: 499, text: "Ответ 499: Қазақстан".into() });
        assert_eq!(h.records, 500);
        assert_eq!(h.sender.name, "ann");
        assert_eq!(h.sender.key, ann.public().id());
        assert_eq!(h.recipients, vec![sup.public().id(), coord.public().id()]);
        assert_eq!(h.format, FORMAT);
    }
}

#[test]
fn keys_round_trip_through_their_files_and_other_files_are_refused() {
    let k = key(Role::Supervisor, "Айгүл", 9);
    let back = SecretKey::from_text(&k.to_text()).unwrap();
    assert_eq!(back.public().id(), k.public().id());
    assert_eq!(back.public().recipient.to_string(), k.public().recipient.to_string());
    let p = PublicKey::from_text(&k.public().to_text()).unwrap();
    assert_eq!(p.id(), k.public().id());
    assert_eq!(p.name, "Айгүл");
    assert!(matches!(PublicKey::from_text(&k.to_text()), Err(SyncError::NotAKey { public: true })));
    assert!(matches!(SecretKey::from_text(&k.public().to_text()), Err(SyncError::NotAKey { public: false })));
    assert!(matches!(SecretKey::from_text("{}"), Err(SyncError::NotAKey { .. })));
}

#[test]
fn wrong_recipient_unknown_sender_and_a_forged_sender_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ann, sup, eve) = (key(Role::Interviewer, "ann", 1), key(Role::Supervisor, "sup", 2), key(Role::Interviewer, "eve", 4));
    let p = dir.path().join("p.dala");
    write_package(&p, &ann, &[sup.public()], 3);
    assert!(matches!(read_all(&p, &eve, &[ann.public()]), Err(SyncError::WrongRecipient)));
    assert!(matches!(read_all(&p, &sup, &[eve.public()]), Err(SyncError::UnknownSender { .. })));
    // Eve signs a package but names Ann as its sender in the header.
    let forged = dir.path().join("forged.dala");
    {
        let file = std::fs::File::create(&forged).unwrap();
        let w = PackageWriter::new(file, &eve, &[sup.public()]).unwrap();
        w.finish(header()).unwrap();
    }
    let bytes = std::fs::read(&forged).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let eve_hex = keys::hex(eve.public().verifying.as_bytes());
    let ann_hex = keys::hex(ann.public().verifying.as_bytes());
    assert!(text.contains(&eve_hex));
    let swapped = replace_bytes(&bytes, eve_hex.as_bytes(), ann_hex.as_bytes());
    std::fs::write(&forged, swapped).unwrap();
    assert!(matches!(read_all(&forged, &sup, &[ann.public()]), Err(SyncError::BadSignature)));
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = hay.windows(from.len()).position(|w| w == from).unwrap();
    let mut out = hay.to_vec();
    out[at..at + from.len()].copy_from_slice(to);
    out
}

#[test]
fn every_truncation_and_every_bit_flip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ann, sup) = (key(Role::Interviewer, "ann", 1), key(Role::Supervisor, "sup", 2));
    let p = dir.path().join("p.dala");
    write_package(&p, &ann, &[sup.public()], 20);
    let good = std::fs::read(&p).unwrap();
    let bad = dir.path().join("bad.dala");
    for len in 0..good.len() {
        std::fs::write(&bad, &good[..len]).unwrap();
        assert!(read_all(&bad, &sup, &[ann.public()]).is_err(), "truncated to {len} bytes was accepted");
    }
    // An extra byte at the end is refused as well.
    let mut longer = good.clone();
    longer.push(0);
    std::fs::write(&bad, &longer).unwrap();
    assert!(read_all(&bad, &sup, &[ann.public()]).is_err());
    // Every bit of every byte: the signature covers them all (or the lengths, magic or format fail first).
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut flipped = good.clone();
            flipped[i] ^= 1 << bit;
            std::fs::write(&bad, &flipped).unwrap();
            assert!(read_all(&bad, &sup, &[ann.public()]).is_err(), "bit {bit} of byte {i} flipped was accepted");
        }
    }
    std::fs::write(&bad, &good).unwrap();
    assert_eq!(read_all(&bad, &sup, &[ann.public()]).unwrap().1.len(), 20);
}

#[test]
fn a_newer_format_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (ann, sup) = (key(Role::Interviewer, "ann", 1), key(Role::Supervisor, "sup", 2));
    let p = dir.path().join("p.dala");
    write_package(&p, &ann, &[sup.public()], 1);
    let bytes = std::fs::read(&p).unwrap();
    let newer = replace_bytes(&bytes, format!("\"format\":{FORMAT}").as_bytes(), b"\"format\":7");
    std::fs::write(&p, newer).unwrap();
    assert!(matches!(read_all(&p, &sup, &[ann.public()]), Err(SyncError::NewerFormat { found: 7, supported: FORMAT })));
    // A package of the first format (before the hash chains) is named as older.
    let older = replace_bytes(&bytes, format!("\"format\":{FORMAT}").as_bytes(), b"\"format\":1");
    std::fs::write(&p, older).unwrap();
    assert!(matches!(read_all(&p, &sup, &[ann.public()]), Err(SyncError::OlderFormat { found: 1, oldest: OLDEST_FORMAT })));
}

#[test]
fn not_a_package_and_messages_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.txt");
    std::fs::File::create(&p).unwrap().write_all(b"hello, this is not a package at all").unwrap();
    let sup = key(Role::Supervisor, "sup", 2);
    let e = read_all(&p, &sup, &[]).unwrap_err();
    assert!(matches!(e, SyncError::NotAPackage));
    for e in [
        e,
        SyncError::Truncated,
        SyncError::BadSignature,
        SyncError::WrongRecipient,
        SyncError::NewerFormat { found: 2, supported: 1 },
        SyncError::OlderFormat { found: 1, oldest: 2 },
        SyncError::UnknownSender { name: "x".into(), id: "ab".into() },
        SyncError::Corrupt("x".into()),
        SyncError::WrongStudy { found: "a".into(), expected: "b".into() },
        SyncError::NotAKey { public: true },
        SyncError::NewerKey { found: 2 },
        SyncError::Io("x".into()),
        SyncError::NotFound,
        SyncError::NoPermission,
        SyncError::DiskFull,
    ] {
        let m = e.message();
        assert!(!m.ru.is_empty() && !m.kk.is_empty() && !m.en.is_empty());
        assert_ne!(m.ru, m.en);
        assert_ne!(m.kk, m.ru);
        assert!(!m.kk.contains('i'), "Latin i in Kazakh: {}", m.kk);
    }
    // The failures people can act on are named in their language, not in the system's English.
    let gone = SyncError::from(std::fs::File::open("/nonexistent/dala/x.dala").unwrap_err());
    assert!(matches!(gone, SyncError::NotFound), "{gone:?}");
    assert_eq!(gone.message().kk, "файл немесе қалта жоқ");
}
