//! The disk itself, and SQLite on it: what is synced survives a cut, what is not may be lost, and the
//! harness finds the loss when SQLite is told not to sync (so the tests built on it can fail).
//!
//! One disk per process: the tests take turns.

use super::*;
use rusqlite::Connection;

static TURN: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn after_the_cut_writes_fail_reads_answer_and_power_on_brings_back_what_was_synced() {
    let _t = turn();
    let disk = install();
    disk.wipe();
    let c = Connection::open("/powerloss/raw.sqlite").unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);").unwrap();
    let syncs = disk.syncs();
    disk.arm(1);
    assert!(c.execute("INSERT INTO t VALUES (2)", []).is_err(), "a write after the cut fails");
    assert!(disk.is_cut());
    assert_eq!(disk.syncs(), syncs, "no sync after the cut");
    let n: i64 = c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1, "reads still answer");
    drop(c);
    disk.power_on(7, true);
    assert!(!disk.is_cut());
    let c = Connection::open("/powerloss/raw.sqlite").unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    assert!(disk.files().iter().any(|f| f == "/powerloss/raw.sqlite"));
}

/// Rows acknowledged before a cut, and the rows found after it (`None`: the file or table is not sound).
fn count_after_cut(synchronous: &str, cut_after: u64, seed: u64, torn: bool) -> (usize, Option<usize>) {
    let disk = install();
    disk.wipe();
    let c = Connection::open("/powerloss/rows.sqlite").unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "wal_autocheckpoint", 20).unwrap();
    c.execute_batch("CREATE TABLE t (x INTEGER, pad TEXT)").unwrap();
    c.pragma_update(None, "synchronous", synchronous).unwrap();
    disk.arm(cut_after);
    let mut acknowledged = 0;
    for i in 0..400 {
        match c.execute("INSERT INTO t VALUES (?1, hex(randomblob(300)))", [i]) {
            Ok(_) => acknowledged += 1,
            Err(_) => break,
        }
    }
    drop(c);
    assert!(disk.is_cut(), "the cut came within the run");
    disk.power_on(seed, torn);
    let c = Connection::open("/powerloss/rows.sqlite").unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap_or_default();
    // Unsynced, SQLite promises nothing: the table itself may be gone.
    let Ok(n) = c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, usize>(0)) else { return (acknowledged, None) };
    if ok != "ok" {
        return (acknowledged, None);
    }
    let max: i64 = c.query_row("SELECT coalesce(max(x), -1) FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(max + 1, n as i64, "the rows kept are a prefix");
    (acknowledged, Some(n))
}

#[test]
fn sqlite_in_wal_mode_with_full_sync_keeps_every_acknowledged_row_through_any_cut() {
    let _t = turn();
    for (i, cut) in [3u64, 10, 57, 111, 400, 777, 1500].into_iter().enumerate() {
        let (acknowledged, kept) = count_after_cut("FULL", cut, i as u64, i % 2 == 1);
        let kept = kept.expect("the file and its table are sound");
        assert!(kept >= acknowledged, "cut at {cut}: {acknowledged} acknowledged, {kept} kept");
        assert!(kept <= acknowledged + 1, "at most the one in flight more");
    }
}

#[test]
fn without_syncs_the_harness_sees_acknowledged_rows_lost() {
    let _t = turn();
    let mut losses = 0;
    for (i, cut) in [57u64, 111, 400, 777].into_iter().enumerate() {
        let (acknowledged, kept) = count_after_cut("OFF", cut, i as u64, false);
        if kept.is_none_or(|k| k < acknowledged) {
            losses += 1;
        }
    }
    assert!(losses > 0, "synchronous = OFF loses acknowledged rows at a cut: the harness can fail");
}
