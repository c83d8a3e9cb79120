//! Power cuts (issue 10, point 3; docs/robustness.md). A scripted KMRS interview runs on the simulated
//! storage of `dala-powerloss`, which loses, at a power cut, every write not yet synced (each one kept,
//! lost or torn at sectors, at random). The cut comes at a random write or sync. After the power comes
//! back the database is reopened as the app would: every answer the session acknowledged is there with
//! its acknowledged value (at most the one action in flight at the cut may be there too), the file passes
//! `PRAGMA integrity_check`, and the audit (hash chains, answers against the journal) holds. Every other
//! run is encrypted (SQLCipher writes through the same VFS).
//!
//! The same runs with `synchronous = NORMAL` (`Durability::Normal`, which this test does not configure
//! for the app) must lose acknowledged answers at some cut: the harness can fail.
//!
//! The test command makes 24 cuts; `DALA_CUTS=1000` (and `DALA_CUT_SEED`) for a soak.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::Session;
use dala_store::{Durability, Store};
use rand::{Rng, SeedableRng};
use serde_json::Value as Json;

fn study_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn t(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_287_500_000 + s, 0).unwrap()
}

/// The answers of a complete 3-member interview, in the order the interviewer gave them.
fn script() -> Vec<(AnswerKey, Json)> {
    let study = dala_session::load_study(&study_dir()).unwrap();
    let mut s = Session::with_parts(study, Store::open_in_memory(t(0)).unwrap());
    let id = s.create(Lang::Ru, t(0)).unwrap();
    dala_session::autofill::fill(&mut s, &id, 3, &|_| None).unwrap();
    s.store()
        .journal_of(&id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "answer_set" || e.kind == "answer_changed")
        .map(|e| {
            let roster = e
                .roster
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(|r| r.split('.').map(|x| x.parse().unwrap()).collect())
                .unwrap_or_default();
            (AnswerKey { question: e.question.unwrap(), roster }, serde_json::from_str(e.new_value.as_deref().unwrap()).unwrap())
        })
        .collect()
}

type Answers = BTreeMap<(String, Vec<u32>), Json>;

/// The steps an interviewer gives (the journal's computed answers left out), and the stored answers
/// after each number of them (0 to all), from a run without a cut.
fn snapshots(journal: Vec<(AnswerKey, Json)>) -> (Vec<(AnswerKey, Json)>, Vec<Answers>) {
    let study = dala_session::load_study(&study_dir()).unwrap();
    let mut s = Session::with_parts(study, Store::open_in_memory(t(0)).unwrap());
    let id = s.create(Lang::Ru, t(0)).unwrap();
    let mut steps = Vec::new();
    let mut out = vec![stored(&s, &id)];
    for (key, value) in journal {
        match s.record(&id, &key, &value, t(steps.len() as i64 + 1)) {
            Ok(()) => {
                steps.push((key, value));
                out.push(stored(&s, &id));
            }
            Err(dala_session::SessionError::AutoQuestion(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    (steps, out)
}

fn stored(s: &Session, id: &str) -> Answers {
    s.store().answers(id).unwrap().into_iter().map(|a| ((a.key.question, a.key.roster), a.value)).collect()
}

/// What one run found after the power came back.
enum After {
    /// Everything acknowledged is there (and the file is sound).
    Whole(dala_powerloss::Lost),
    /// Acknowledged answers are missing or differ.
    Lost(String),
}

/// One run: a fresh database, interviews until the cut, the power back, the database reopened.
fn run(
    disk: &dala_powerloss::Disk,
    dir: &std::path::Path,
    run: usize,
    durability: Durability,
    (steps, snapshots): (&[(AnswerKey, Json)], &[Answers]),
    cut: u64,
    seed: u64,
) -> After {
    disk.wipe();
    let study = dala_session::load_study(&study_dir()).unwrap();
    let db = dir.join(format!("cut-{run}.sqlite"));
    let key = (run % 2 == 1).then(|| dala_sync::DbKey::from_bytes([run as u8 | 1; 32]));
    let open = || Store::open_keyed(&db, durability, t(0), key.as_ref().map(|k| k.as_bytes()));
    let mut s = Session::with_parts(study.clone(), open().unwrap());
    // The interviews begun, with the number of their steps acknowledged; whether the cut came during a
    // step of the last one (that step may then have reached the storage whole).
    let mut acknowledged: Vec<(String, usize)> = Vec::new();
    let mut in_flight = false;
    disk.arm(cut);
    // Every interview on the script's clock: computed answers (the start time) match the snapshots. Up
    // to twice the probe's four interviews: runs differ a little in their writes (ids, encryption).
    'work: for _ in 0..8 {
        let Ok(id) = s.create(Lang::Ru, t(0)) else { break 'work };
        acknowledged.push((id.clone(), 0));
        for (n, (key, value)) in steps.iter().enumerate() {
            if s.record(&id, key, value, t(n as i64 + 1)).is_err() {
                in_flight = true;
                break 'work;
            }
            acknowledged.last_mut().unwrap().1 += 1;
        }
    }
    assert!(disk.is_cut(), "run {run}: the cut at operation {cut} came within the run");
    drop(s);
    let writes = disk.power_on(seed, true);
    let s = Session::with_parts(study, open().unwrap_or_else(|e| panic!("run {run}: reopened after the cut: {e}")));
    let ok: String = s.store().connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap_or_default();
    if ok != "ok" {
        return After::Lost(format!("integrity_check: {ok}"));
    }
    let last = acknowledged.len();
    for (i, (id, n)) in acknowledged.iter().enumerate() {
        let found = stored(&s, id);
        let flight = in_flight && i + 1 == last && found == snapshots[n + 1];
        if found != snapshots[*n] && !flight {
            let missing: Vec<_> = snapshots[*n].iter().filter(|(k, v)| found.get(*k) != Some(*v)).map(|(k, _)| &k.0).collect();
            return After::Lost(format!("interview {} of the run: {n} steps acknowledged, missing or changed: {missing:?}", i + 1));
        }
    }
    let report = s.store().audit().unwrap();
    assert!(report.intact(), "run {run}: the audit after the cut: {report:?}");
    After::Whole(writes)
}

fn cuts_and_seed() -> (usize, u64) {
    let cuts = std::env::var("DALA_CUTS").ok().and_then(|s| s.parse().ok()).unwrap_or(24);
    let seed = std::env::var("DALA_CUT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2010);
    (cuts, seed)
}

/// The writes, truncations and syncs of a whole run without a cut (to draw cut points within it).
fn operations_of_a_run(disk: &dala_powerloss::Disk, dir: &std::path::Path, steps: &[(AnswerKey, Json)]) -> u64 {
    disk.wipe();
    let study = dala_session::load_study(&study_dir()).unwrap();
    let before = disk.ops();
    let mut s = Session::with_parts(study, Store::open_keyed(&dir.join("probe.sqlite"), Durability::Full, t(0), None).unwrap());
    for i in 0..4 {
        let id = s.create(Lang::Ru, t(i * 10_000)).unwrap();
        for (n, (key, value)) in steps.iter().enumerate() {
            s.record(&id, key, value, t(i * 10_000 + n as i64 + 1)).unwrap();
        }
    }
    drop(s);
    disk.ops() - before
}

#[test]
fn every_acknowledged_answer_survives_a_power_cut_at_any_write() {
    let disk = dala_powerloss::install();
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let (steps, snaps) = snapshots(script());
    assert!(steps.len() > 100, "a full interview: {} steps", steps.len());
    let dir = tempfile::tempdir().unwrap();
    let total = operations_of_a_run(disk, dir.path(), &steps);
    let (cuts, seed) = cuts_and_seed();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut unsynced = dala_powerloss::Lost::default();
    for i in 0..cuts {
        let cut = rng.random_range(1..total);
        match run(disk, dir.path(), i, Durability::Full, (&steps, &snaps), cut, rng.random()) {
            After::Whole(w) => {
                unsynced.kept += w.kept;
                unsynced.lost += w.lost;
                unsynced.torn += w.torn;
            }
            After::Lost(what) => panic!("run {i}, cut at operation {cut} of {total}: {what}"),
        }
    }
    eprintln!("{cuts} power cuts within {total} operations: every acknowledged answer kept; unsynced writes {unsynced:?}");
    assert!(unsynced.lost > 0 && unsynced.kept > 0, "the cuts found unsynced writes to lose and keep");
}

#[test]
fn without_a_sync_per_answer_the_same_cuts_lose_acknowledged_answers() {
    let disk = dala_powerloss::install();
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let (steps, snaps) = snapshots(script());
    let dir = tempfile::tempdir().unwrap();
    let total = operations_of_a_run(disk, dir.path(), &steps);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut lost = 0;
    for i in 0..12 {
        let cut = rng.random_range(total / 4..total);
        if let After::Lost(_) = run(disk, dir.path(), i, Durability::Normal, (&steps, &snaps), cut, rng.random()) {
            lost += 1;
        }
    }
    assert!(lost > 0, "synchronous = NORMAL loses the last answers at a power cut; the harness must see it");
}

/// One simulated disk per process: the tests take turns.
static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
