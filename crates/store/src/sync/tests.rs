use chrono::TimeZone;
use serde_json::json;

use super::*;
use crate::AnswerKey;
use dala_merge::chain::{to_hex, GENESIS};

fn t(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_273_000_000 + sec, 0).unwrap()
}

fn key(q: &str) -> AnswerKey {
    AnswerKey { question: q.into(), roster: vec![] }
}

fn export(s: &mut Store, since: Option<&str>, now: DateTime<Utc>) -> (Vec<Record>, ExportSummary) {
    let mut out = Vec::new();
    let summary = s
        .export_records(since, now, |r| {
            out.push(r.clone());
            Ok(())
        })
        .unwrap();
    (out, summary)
}

fn import(s: &mut Store, records: &[Record], now: DateTime<Utc>) -> std::result::Result<ImportStats, ImportError> {
    let mut im = s.importer(now)?;
    for r in records {
        im.add(r.clone())?;
    }
    im.finish("peer", &format!("pkg-{}", records.len()), json!({}))
}

/// Everything replicated, in a canonical order, without what is local to a database (`changed`,
/// local sequence numbers, the sync log, the device row).
fn dump(s: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT city, seed, weighted, draw, ver FROM route_draws ORDER BY city",
        "SELECT id, city, quota, walk, assigned_to, ver FROM routes ORDER BY id",
        "SELECT id, status, language, device_id, completed_at, review, ver FROM interviews ORDER BY id",
        "SELECT interview_id, question, roster, value, answered_at, ver FROM answers ORDER BY 1, 2, 3",
        "SELECT interview_id, question, roster, ver, value FROM answer_heads ORDER BY 1, 2, 3, 4",
        "SELECT id, device_id, dseq, hlc, interview_id, kind, question, roster, new_value, replaces FROM journal ORDER BY device_id, dseq",
        "SELECT key, route_id, log, visits, disposition, interview_id, ver FROM addresses ORDER BY key",
        "SELECT address_key, n, outcome, visit, ver FROM visits ORDER BY 1, 2",
        "SELECT id, device_id, kind, subject FROM field_journal ORDER BY id",
    ] {
        let mut stmt = s.conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows =
            stmt.query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))).unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

/// Recomputes every entry's hash and link in a package's order per device, as a forger with the
/// algorithm would.
fn rehash(records: &mut [Record]) {
    let mut heads: std::collections::HashMap<(bool, String), dala_merge::chain::Link> = Default::default();
    let mut order: Vec<usize> = (0..records.len()).collect();
    let n_of = |r: &Record| match r {
        Record::Entry { dseq, .. } => *dseq,
        Record::Field { fseq, .. } => *fseq,
        _ => 0,
    };
    order.sort_by_key(|&i| n_of(&records[i]));
    for i in order {
        match &mut records[i] {
            Record::Entry { id, device, dseq, hlc, interview, at, kind, question, roster, old, new, replaces, prev, hash } => {
                let p = *heads.get(&(true, device.clone())).unwrap_or(&GENESIS);
                let l = crate::audit::journal_link(
                    &p,
                    &crate::audit::JournalFields {
                        id,
                        device,
                        dseq: *dseq,
                        hlc,
                        interview,
                        at,
                        kind,
                        question: question.as_deref(),
                        roster: roster.as_deref(),
                        old: old.as_deref(),
                        new: new.as_deref(),
                        replaces: replaces.as_deref(),
                    },
                );
                *prev = Some(to_hex(&p));
                *hash = to_hex(&l);
                heads.insert((true, device.clone()), l);
            }
            Record::Field { id, device, fseq, at, kind, subject, detail, prev, hash } => {
                let p = *heads.get(&(false, device.clone())).unwrap_or(&GENESIS);
                let l = crate::audit::field_link(
                    &p,
                    &crate::audit::FieldFields { id, device, fseq: *fseq, at, kind, subject, detail: detail.as_deref() },
                );
                *prev = Some(to_hex(&p));
                *hash = to_hex(&l);
                heads.insert((false, device.clone()), l);
            }
            _ => {}
        }
    }
}

fn entry_numbers(records: &[Record]) -> Vec<i64> {
    records.iter().filter_map(|r| if let Record::Entry { dseq, .. } = r { Some(*dseq) } else { None }).collect()
}

#[test]
fn the_journal_chain_is_checked_on_import_within_a_package_and_against_what_is_held() {
    let mut a = Store::open_in_memory(t(0)).unwrap();
    let i = a.create_interview("kmrs-2010", "1", "ru", t(1)).unwrap();
    for (n, q) in ["Q101", "Q102", "Q103"].iter().enumerate() {
        a.save_answer(&i, &key(q), &json!(n), None, t(2 + n as i64)).unwrap();
    }
    let (p, _) = export(&mut a, None, t(10));
    assert_eq!(entry_numbers(&p), [1, 2, 3, 4]);
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let empty = dump(&s);
    // An entry changed and its own hash recomputed, the rest left: the link after it breaks.
    let mut changed = p.clone();
    if let Some(Record::Entry { new, hash, prev, id, device, dseq, hlc, interview, at, kind, question, roster, old, replaces }) =
        changed.iter_mut().find(|r| matches!(r, Record::Entry { dseq: 2, .. }))
    {
        *new = Some("99".into());
        let f = crate::audit::JournalFields {
            id,
            device,
            dseq: *dseq,
            hlc,
            interview,
            at,
            kind,
            question: question.as_deref(),
            roster: roster.as_deref(),
            old: old.as_deref(),
            new: new.as_deref(),
            replaces: replaces.as_deref(),
        };
        *hash = to_hex(&crate::audit::journal_link(&dala_merge::chain::from_hex(prev.as_deref().unwrap()).unwrap(), &f));
    }
    let e = import(&mut s, &changed, t(11)).unwrap_err();
    assert!(matches!(e, ImportError::BrokenChain { journal: Chain::Journal, seq: 3, break_: ChainBreak::Unlinked, .. }), "{e:?}");
    assert_eq!(dump(&s), empty, "nothing of a refused package is kept");
    // An entry missing from the middle is a gap (a package not received yet, which a supervisor's
    // forwarded package may have), not a break: taken, and the gap is reported...
    let without: Vec<Record> = p.iter().filter(|r| !matches!(r, Record::Entry { dseq: 2, .. })).cloned().collect();
    import(&mut s, &without, t(11)).unwrap();
    assert_eq!(s.journal_gaps().unwrap()[0].first_missing, 2);
    // ...and what later fills it must link to both held neighbours: a forged entry 2 with a
    // self-consistent chain from entry 1 does not link to the held entry 3.
    let mut forged: Vec<Record> = p.iter().filter(|r| matches!(r, Record::Entry { dseq: 1..=2, .. })).cloned().collect();
    if let Some(Record::Entry { new, .. }) = forged.iter_mut().find(|r| matches!(r, Record::Entry { dseq: 2, .. })) {
        *new = Some("99".into());
    }
    rehash(&mut forged);
    let held = dump(&s);
    let e = import(&mut s, &forged, t(12)).unwrap_err();
    assert!(matches!(e, ImportError::BrokenChain { seq: 3, break_: ChainBreak::Unlinked, .. }), "{e:?}");
    assert_eq!(dump(&s), held);
    // The true package is taken; the device's next package links to what is now held.
    import(&mut s, &p, t(12)).unwrap();
    a.save_answer(&i, &key("Q104"), &json!(4), None, t(20)).unwrap();
    a.save_answer(&i, &key("Q105"), &json!(5), None, t(21)).unwrap();
    // Everything again: entries 1–4 are duplicates, 5 links to the held 4.
    let p2 = export(&mut a, None, t(22)).0;
    let before = dump(&s);
    // A rewritten history (a forger's consistent chain from a changed first entry) meets the held links.
    let mut rewritten = export(&mut a, None, t(23)).0;
    if let Some(Record::Entry { new, .. }) = rewritten.iter_mut().find(|r| matches!(r, Record::Entry { dseq: 4, .. })) {
        *new = Some("77".into());
    }
    rehash(&mut rewritten);
    let tail: Vec<Record> = rewritten.into_iter().filter(|r| !matches!(r, Record::Entry { dseq: 1..=4, .. })).collect();
    assert_eq!(entry_numbers(&tail), [5, 6]);
    assert!(matches!(import(&mut s, &tail, t(24)), Err(ImportError::BrokenChain { seq: 5, break_: ChainBreak::Unlinked, .. })));
    assert_eq!(dump(&s), before);
    import(&mut s, &p2, t(25)).unwrap();
    assert_eq!(answer(&s, &i, "Q105"), Some(json!(5)));
    let report = s.audit().unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.journal_entries, 6);
}

#[test]
fn the_field_journal_chain_is_checked_on_import() {
    let mut a = Store::open_in_memory(t(0)).unwrap();
    for n in 0..3 {
        let mut b = a.batch(t(n)).unwrap();
        b.field_journal("note", &format!("subject-{n}"), Some("{\"x\":1}")).unwrap();
        b.commit().unwrap();
    }
    let (p, _) = export(&mut a, None, t(5));
    let mut s = Store::open_in_memory(t(0)).unwrap();
    let empty = dump(&s);
    let mut changed = p.clone();
    if let Some(Record::Field { detail, .. }) = changed.iter_mut().find(|r| matches!(r, Record::Field { fseq: 2, .. })) {
        *detail = Some("{\"x\":2}".into());
    }
    assert!(matches!(
        import(&mut s, &changed, t(6)),
        Err(ImportError::BrokenChain { journal: Chain::Field, seq: 2, break_: ChainBreak::Altered, .. })
    ));
    let without: Vec<Record> = p.iter().filter(|r| !matches!(r, Record::Field { fseq: 1, .. })).cloned().collect();
    // The device's first entry missing is a gap (a package not received), not a break...
    import(&mut s, &without, t(7)).unwrap();
    // ...and when it comes, it must link to what came before it.
    let mut first: Vec<Record> = p.iter().filter(|r| matches!(r, Record::Field { fseq: 1, .. })).cloned().collect();
    let good = first.clone();
    if let Some(Record::Field { subject, .. }) = first.first_mut() {
        *subject = "elsewhere".into();
    }
    rehash(&mut first);
    let held = dump(&s);
    assert!(matches!(import(&mut s, &first, t(8)), Err(ImportError::BrokenChain { seq: 2, break_: ChainBreak::Unlinked, .. })));
    assert_eq!(dump(&s), held);
    assert_ne!(held, empty);
    import(&mut s, &good, t(9)).unwrap();
    assert!(s.audit().unwrap().intact());
}

fn answer(s: &Store, interview: &str, q: &str) -> Option<Json> {
    s.answers(interview).unwrap().into_iter().find(|a| a.key.question == q).map(|a| a.value)
}

#[test]
fn a_device_s_interviews_reach_a_supervisor_and_a_second_import_changes_nothing() {
    let mut a = Store::open_in_memory(t(0)).unwrap();
    let i = a.create_interview("kmrs-2010", "1", "kk", t(1)).unwrap();
    a.save_answer(&i, &key("Q101"), &json!(2), None, t(2)).unwrap();
    a.save_answer(&i, &key("Q102"), &json!(1980), None, t(3)).unwrap();
    a.save_answer(&i, &key("Q101"), &json!(1), Some(&json!(2)), t(4)).unwrap();
    a.clear_answer(&i, &key("Q102"), &json!(1980), t(5)).unwrap();
    a.complete(&i, t(6)).unwrap();
    let (records, summary) = export(&mut a, None, t(10));
    assert_eq!(summary.entries.get(a.device_id()), Some(&(1, 6)));
    let mut sup = Store::open_in_memory(t(0)).unwrap();
    let stats = import(&mut sup, &records, t(20)).unwrap();
    assert_eq!((stats.imported, stats.duplicates, stats.conflicts), (records.len() as u64, 0, 0));
    assert_eq!(answer(&sup, &i, "Q101"), Some(json!(1)));
    assert_eq!(answer(&sup, &i, "Q102"), None, "the clearing travels");
    assert_eq!(sup.interview(&i).unwrap().status, crate::InterviewStatus::Completed);
    assert_eq!(dump(&sup), dump(&a));
    let before = dump(&sup);
    let again = import(&mut sup, &records, t(30)).unwrap();
    assert_eq!((again.imported, again.duplicates), (0, records.len() as u64));
    assert_eq!(dump(&sup), before);
}

#[test]
fn concurrent_changes_of_one_answer_are_both_kept_in_any_order_and_a_decision_settles_them() {
    let mut a = Store::open_in_memory(t(0)).unwrap();
    let i = a.create_interview("kmrs-2010", "1", "ru", t(1)).unwrap();
    a.save_answer(&i, &key("Q201"), &json!(1), None, t(2)).unwrap();
    // B receives A's interview, then both change the same answer without seeing each other.
    let mut b = Store::open_in_memory(t(0)).unwrap();
    import(&mut b, &export(&mut a, None, t(3)).0, t(4)).unwrap();
    let a_mark = a.last_export("x").unwrap();
    assert!(a_mark.is_none());
    a.save_answer(&i, &key("Q201"), &json!(2), Some(&json!(1)), t(10)).unwrap();
    b.save_answer(&i, &key("Q201"), &json!(3), Some(&json!(1)), t(11)).unwrap();
    let pa = export(&mut a, None, t(20)).0;
    let pb = export(&mut b, None, t(20)).0;
    let mut s1 = Store::open_in_memory(t(0)).unwrap();
    let st = import(&mut s1, &pa, t(30)).unwrap();
    assert_eq!(st.conflicts, 0);
    let st = import(&mut s1, &pb, t(31)).unwrap();
    assert_eq!(st.conflicts, 1);
    let mut s2 = Store::open_in_memory(t(0)).unwrap();
    import(&mut s2, &pb, t(30)).unwrap();
    import(&mut s2, &pa, t(31)).unwrap();
    assert_eq!(dump(&s1), dump(&s2), "the order of the packages does not matter");
    // Both values are kept; the later change (B's, at t(11)) is shown until someone decides.
    let conflicts = s1.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    let values: Vec<_> = conflicts[0].3.iter().map(|h| h.1.clone()).collect();
    assert_eq!(values, [Some("2".to_string()), Some("3".to_string())]);
    assert_eq!(answer(&s1, &i, "Q201"), Some(json!(3)));
    // The supervisor decides for A's value: one entry replacing both heads ends the conflict, and it
    // travels back to A.
    s1.resolve_conflict(&i, &key("Q201"), &json!(2), t(40)).unwrap();
    assert!(s1.conflicts().unwrap().is_empty());
    assert_eq!(answer(&s1, &i, "Q201"), Some(json!(2)));
    let mut back = Vec::new();
    s1.export_records(None, t(41), |r| {
        back.push(r.clone());
        Ok(())
    })
    .unwrap();
    import(&mut a, &back, t(50)).unwrap();
    import(&mut b, &back, t(50)).unwrap();
    assert_eq!(answer(&a, &i, "Q201"), Some(json!(2)));
    assert_eq!(answer(&b, &i, "Q201"), Some(json!(2)));
    assert!(a.conflicts().unwrap().is_empty() && b.conflicts().unwrap().is_empty());
}

#[test]
fn packages_since_the_last_export_arrive_in_any_order() {
    let mut a = Store::open_in_memory(t(0)).unwrap();
    let i = a.create_interview("kmrs-2010", "1", "ru", t(1)).unwrap();
    a.save_answer(&i, &key("Q101"), &json!(1), None, t(2)).unwrap();
    let (p1, s1) = export(&mut a, None, t(3));
    a.save_answer(&i, &key("Q101"), &json!(2), Some(&json!(1)), t(4)).unwrap();
    a.save_answer(&i, &key("Q103"), &json!("x"), None, t(5)).unwrap();
    let (p2, _) = export(&mut a, Some(&s1.until), t(6));
    assert!(p2.len() < p1.len() + 3, "the second package carries only what changed (and its parents)");
    assert!(p2.iter().all(|r| !matches!(r, Record::Entry { dseq, .. } if *dseq <= 2)));
    let mut x = Store::open_in_memory(t(0)).unwrap();
    import(&mut x, &p1, t(10)).unwrap();
    import(&mut x, &p2, t(11)).unwrap();
    assert!(x.journal_gaps().unwrap().is_empty());
    let mut y = Store::open_in_memory(t(0)).unwrap();
    import(&mut y, &p2, t(10)).unwrap();
    // The first package has not arrived: its entries are missing, from the device's first number.
    let gaps = y.journal_gaps().unwrap();
    let held: u64 = p2.iter().filter(|r| matches!(r, Record::Entry { .. })).count() as u64;
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!((gaps[0].device.as_str(), gaps[0].first_missing), (a.device_id(), 1));
    assert_eq!(gaps[0].missing, gaps[0].last_held - held);
    assert!(gaps[0].missing > 0);
    import(&mut y, &p1, t(11)).unwrap();
    assert!(y.journal_gaps().unwrap().is_empty(), "the gap closes when the package arrives");
    assert_eq!(dump(&x), dump(&y));
    assert_eq!(answer(&y, &i, "Q101"), Some(json!(2)), "the older entry arriving last does not win");
    assert!(y.conflicts().unwrap().is_empty());
    assert_eq!(dump(&x), dump(&a));
}

#[test]
fn a_forged_entry_refuses_the_whole_package_and_changes_nothing() {
    let mut a = Store::open_in_memory(t(0)).unwrap();
    let i = a.create_interview("kmrs-2010", "1", "ru", t(1)).unwrap();
    a.save_answer(&i, &key("Q101"), &json!(1), None, t(2)).unwrap();
    let (p, _) = export(&mut a, None, t(3));
    let mut s = Store::open_in_memory(t(0)).unwrap();
    import(&mut s, &p, t(4)).unwrap();
    let before = dump(&s);
    let mut forged = p.clone();
    for r in forged.iter_mut() {
        if let Record::Entry { new, kind, .. } = r {
            if kind == "answer_set" {
                *new = Some("9".into());
            }
        }
    }
    forged.push(Record::Field {
        id: "new-one".into(),
        device: "d".into(),
        fseq: 1,
        at: "t".into(),
        kind: "k".into(),
        subject: "s".into(),
        detail: None,
        prev: Some(to_hex(&GENESIS)),
        hash: to_hex(&GENESIS),
    });
    // The changed entry no longer gives its hash.
    assert!(matches!(
        import(&mut s, &forged, t(5)),
        Err(ImportError::BrokenChain { journal: Chain::Journal, break_: ChainBreak::Altered, .. })
    ));
    assert_eq!(dump(&s), before);
    // A forger who also recomputes the hash contradicts the entry already received.
    rehash(&mut forged);
    assert!(matches!(import(&mut s, &forged, t(5)), Err(ImportError::Merge(MergeError::Diverged { .. }))));
    assert_eq!(dump(&s), before);
    let bad_ver =
        vec![Record::Visit { address_key: "a".into(), n: 1, at: "t".into(), outcome: 1, visit: "{}".into(), ver: "yesterday".into() }];
    assert!(matches!(import(&mut s, &bad_ver, t(6)), Err(ImportError::Invalid(_))));
    // A row whose parent is in neither the package nor the database fails at the commit.
    let orphan = vec![Record::Visit {
        address_key: "nowhere".into(),
        n: 1,
        at: "t".into(),
        outcome: 1,
        visit: "{}".into(),
        ver: format!("{}@d", Hlc::default()),
    }];
    assert!(import(&mut s, &orphan, t(7)).is_err());
    assert_eq!(dump(&s), before);
}

#[test]
fn a_change_after_receiving_replaces_what_was_received_and_is_no_conflict() {
    let mut a = Store::open_in_memory(t(0)).unwrap();
    let i = a.create_interview("kmrs-2010", "1", "ru", t(1)).unwrap();
    a.save_answer(&i, &key("Q101"), &json!(1), None, t(2)).unwrap();
    let mut s = Store::open_in_memory(t(0)).unwrap();
    import(&mut s, &export(&mut a, None, t(3)).0, t(4)).unwrap();
    // The supervisor's clock is behind the interviewer's: its change still replaces what it received.
    s.save_answer(&i, &key("Q101"), &json!(5), Some(&json!(1)), t(-100)).unwrap();
    import(&mut a, &export(&mut s, None, t(5)).0, t(6)).unwrap();
    assert_eq!(answer(&a, &i, "Q101"), Some(json!(5)));
    assert!(a.conflicts().unwrap().is_empty());
}
