//! The tamper-evident journal (issue 10): hash chains over both journals, and the audit that checks
//! them and the answers they produce.
//!
//! Every entry of the interview journal (`journal`, numbered per device by `dseq`) and of the field
//! journal (`field_journal`, numbered by `fseq`) stores `prev`, the link of its device's entry before
//! it (all zeros for the first), and `hash`, the SHA-256 over `prev` and the entry's fields
//! ([`dala_merge::chain`]). Entries from other devices arrive in packages with both links, and the
//! import checks them ([`crate::sync`]).
//!
//! [`Store::audit`] finds, without trusting anything the database says about itself:
//! - an entry edited after it was written (its fields no longer give its hash);
//! - an entry removed or inserted (the next entry's `prev` is not the link before it; on this device's
//!   own chains a missing number is a removal, on another device's a package not received yet);
//! - an answer changed, added or removed in `answers` outside the app (the answers are a function of
//!   the journal's answer entries through the merge; they are recomputed and compared).
//!
//! What it cannot find: someone who rewrites a chain from the edit onwards with this algorithm (there is
//! no secret in it), or who removes a device's very last entries together with their answers. Once a
//! package has left the device, the receiving database holds the original links, and a rewritten history
//! diverges from them on the next import (refused). docs/robustness.md lists the faults tried.

use std::collections::{BTreeMap, HashSet};

use dala_merge::chain::{from_hex, link, to_hex, Link, GENESIS};
use dala_merge::{Entry, Hlc, Memory, Stamp, Value};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value as Json;

use crate::{Result, Store};

const JOURNAL_TAG: &str = "dala.journal.1";
const FIELD_TAG: &str = "dala.field.1";

/// Where this device's own journals stand: the next numbers and the last links.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chains {
    pub next_dseq: u64,
    pub journal_head: Link,
    pub next_fseq: u64,
    pub field_head: Link,
}

impl Chains {
    /// Reads the positions back from the device's last entries (one index step each).
    pub(crate) fn resume(conn: &Connection, device_id: &str) -> Result<Chains> {
        let last = |sql: &str| -> Result<(u64, Link)> {
            let row: Option<(i64, Option<String>)> = conn.query_row(sql, [device_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            Ok(match row {
                Some((n, hash)) => (n as u64 + 1, hash.as_deref().and_then(from_hex).unwrap_or(GENESIS)),
                None => (1, GENESIS),
            })
        };
        let (next_dseq, journal_head) = last("SELECT dseq, hash FROM journal WHERE device_id = ?1 ORDER BY dseq DESC LIMIT 1")?;
        let (next_fseq, field_head) =
            last("SELECT fseq, hash FROM field_journal WHERE device_id = ?1 AND fseq IS NOT NULL ORDER BY fseq DESC LIMIT 1")?;
        Ok(Chains { next_dseq, journal_head, next_fseq, field_head })
    }
}

/// The fields of an interview journal entry that its hash covers (every column a package carries).
pub struct JournalFields<'a> {
    pub id: &'a str,
    pub device: &'a str,
    pub dseq: i64,
    pub hlc: &'a str,
    pub interview: &'a str,
    pub at: &'a str,
    pub kind: &'a str,
    pub question: Option<&'a str>,
    pub roster: Option<&'a str>,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub replaces: Option<&'a str>,
}

/// The fields of a field journal entry that its hash covers.
pub struct FieldFields<'a> {
    pub id: &'a str,
    pub device: &'a str,
    pub fseq: i64,
    pub at: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub detail: Option<&'a str>,
}

pub fn journal_link(prev: &Link, f: &JournalFields) -> Link {
    let dseq = f.dseq.to_string();
    link(
        JOURNAL_TAG,
        prev,
        &[
            Some(f.id),
            Some(f.device),
            Some(&dseq),
            Some(f.hlc),
            Some(f.interview),
            Some(f.at),
            Some(f.kind),
            f.question,
            f.roster,
            f.old,
            f.new,
            f.replaces,
        ],
    )
}

pub fn field_link(prev: &Link, f: &FieldFields) -> Link {
    let fseq = f.fseq.to_string();
    link(FIELD_TAG, prev, &[Some(f.id), Some(f.device), Some(&fseq), Some(f.at), Some(f.kind), Some(f.subject), f.detail])
}

const JOURNAL_COLS: &str =
    "seq, id, device_id, dseq, hlc, interview_id, at, kind, question, roster, old_value, new_value, replaces, prev, hash";
const FIELD_COLS: &str = "seq, id, device_id, fseq, at, kind, subject, detail, prev, hash";

type ReadRow = fn(&rusqlite::Row) -> rusqlite::Result<Row>;

/// One row of either journal, as read for hashing.
struct Row {
    seq: i64,
    id: String,
    device: String,
    n: i64,
    text: Vec<Option<String>>,
    prev: Option<String>,
    hash: Option<String>,
}

impl Row {
    fn journal(r: &rusqlite::Row) -> rusqlite::Result<Row> {
        Ok(Row {
            seq: r.get(0)?,
            id: r.get(1)?,
            device: r.get(2)?,
            n: r.get(3)?,
            text: (4..13).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
            prev: r.get(13)?,
            hash: r.get(14)?,
        })
    }

    fn field(r: &rusqlite::Row) -> rusqlite::Result<Row> {
        Ok(Row {
            seq: r.get(0)?,
            id: r.get(1)?,
            device: r.get(2)?,
            n: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
            text: (4..8).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
            prev: r.get(8)?,
            hash: r.get(9)?,
        })
    }

    /// The link this row's fields give after `prev`.
    fn link(&self, journal: Journal, prev: &Link) -> Link {
        self.link_numbered(journal, prev, self.n)
    }

    /// The same with the row's device number taken as `n`.
    fn link_numbered(&self, journal: Journal, prev: &Link, n: i64) -> Link {
        let t = |i: usize| self.text[i].as_deref();
        match journal {
            Journal::Interview => journal_link(
                prev,
                &JournalFields {
                    id: &self.id,
                    device: &self.device,
                    dseq: n,
                    hlc: t(0).unwrap_or_default(),
                    interview: t(1).unwrap_or_default(),
                    at: t(2).unwrap_or_default(),
                    kind: t(3).unwrap_or_default(),
                    question: t(4),
                    roster: t(5),
                    old: t(6),
                    new: t(7),
                    replaces: t(8),
                },
            ),
            Journal::Field => field_link(
                prev,
                &FieldFields {
                    id: &self.id,
                    device: &self.device,
                    fseq: n,
                    at: t(0).unwrap_or_default(),
                    kind: t(1).unwrap_or_default(),
                    subject: t(2).unwrap_or_default(),
                    detail: t(3),
                },
            ),
        }
    }
}

/// Migration 8's hook: links for the rows held before the chains existed. The interview journal is
/// chained by each device's numbers wherever they run without a gap (the device itself computes the
/// same links, so packages link up with them); the field journal had no numbers, so its rows are
/// numbered per device in the order of their time and id (the same in every database) and left
/// unchained (`prev` NULL). Every row gets its hash, so an edit of an old row is still found.
pub(crate) fn chain_existing(tx: &Transaction) -> rusqlite_migration::HookResult {
    // In pages of the chain's own order (keyset, not OFFSET), so a large merged database is upgraded in
    // bounded memory and no statement reads a table while it is being updated.
    const PAGE: i64 = if cfg!(test) { 2 } else { 20_000 }; // tests cross page boundaries
    {
        let mut page = tx.prepare(&format!(
            "SELECT {JOURNAL_COLS} FROM journal WHERE (device_id, dseq) > (?1, ?2) ORDER BY device_id, dseq LIMIT {PAGE}"
        ))?;
        let mut update = tx.prepare("UPDATE journal SET prev = ?2, hash = ?3 WHERE seq = ?1")?;
        let mut before: Option<(String, i64, Link)> = None;
        loop {
            let (after_device, after_n) = before.as_ref().map_or((String::new(), i64::MIN), |(d, n, _)| (d.clone(), *n));
            let rows: Vec<Row> = page.query_map(params![after_device, after_n], Row::journal)?.collect::<rusqlite::Result<_>>()?;
            for row in &rows {
                let prev = match &before {
                    _ if row.n == 1 => Some(GENESIS),
                    Some((device, n, hash)) if *device == row.device && n + 1 == row.n => Some(*hash),
                    _ => None,
                };
                let hash = row.link(Journal::Interview, &prev.unwrap_or(GENESIS));
                update.execute(params![row.seq, prev.as_ref().map(to_hex), to_hex(&hash)])?;
                before = Some((row.device.clone(), row.n, hash));
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
    }
    {
        let mut page = tx.prepare(&format!(
            "SELECT {FIELD_COLS} FROM field_journal WHERE (device_id, at, id) > (?1, ?2, ?3) ORDER BY device_id, at, id LIMIT {PAGE}"
        ))?;
        let mut update = tx.prepare("UPDATE field_journal SET fseq = ?2, hash = ?3 WHERE seq = ?1")?;
        let mut n = 0;
        let mut last: (String, String, String) = (String::new(), String::new(), String::new());
        loop {
            let rows: Vec<Row> = page.query_map(params![last.0, last.1, last.2], Row::field)?.collect::<rusqlite::Result<_>>()?;
            for row in &rows {
                n = if row.device == last.0 { n + 1 } else { 1 };
                let hash = row.link_numbered(Journal::Field, &GENESIS, n);
                update.execute(params![row.seq, n, to_hex(&hash)])?;
                last = (row.device.clone(), row.text[0].clone().unwrap_or_default(), row.id.clone());
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
    }
    let boundary = |sql: &str| -> rusqlite::Result<i64> { tx.query_row(sql, [], |r| r.get(0)) };
    let journal_max = boundary("SELECT coalesce(max(seq), 0) FROM journal")?;
    let field_max = boundary("SELECT coalesce(max(seq), 0) FROM field_journal")?;
    tx.execute(
        "INSERT OR REPLACE INTO sync_state (key, value) VALUES ('chain_since', ?1)",
        [serde_json::json!({"journal": journal_max, "field_journal": field_max}).to_string()],
    )?;
    Ok(())
}

/// Which journal a finding is in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Journal {
    Interview,
    Field,
}

/// What is wrong.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The entry's fields no longer give its stored hash: it was edited after it was written.
    Altered,
    /// The entry's `prev` is not the link of its device's entry before it: an entry before it was
    /// removed, replaced or inserted.
    Unlinked,
    /// This device's own numbers skip: its entries between were removed.
    Removed,
    /// An entry written since the chains exist has no link, or a link that is not 64 hex digits.
    Unchained,
    /// A stored answer differs from what the journal's answer entries give.
    AnswerAltered,
    /// A stored answer that no journal entry gives.
    AnswerWithoutEntry,
    /// The journal gives an answer that is not stored.
    AnswerMissing,
}

/// One finding of the audit, with what locates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub finding: Finding,
    pub journal: Journal,
    /// The device and its number of the entry (for answers: of the entry that gives it, if any).
    pub device: Option<String>,
    pub seq: Option<i64>,
    pub id: Option<String>,
    pub interview: Option<String>,
    pub question: Option<String>,
    pub roster: Option<String>,
    pub at: Option<String>,
    /// For answers: the stored value and the value the journal gives.
    pub stored: Option<String>,
    pub expected: Option<String>,
}

impl Problem {
    fn entry(finding: Finding, journal: Journal, row: &Row) -> Problem {
        let (interview, question, roster, at) = match journal {
            Journal::Interview => (row.text[1].clone(), row.text[4].clone(), row.text[5].clone(), row.text[2].clone()),
            Journal::Field => (None, None, None, row.text[0].clone()),
        };
        Problem {
            finding,
            journal,
            device: Some(row.device.clone()),
            seq: Some(row.n),
            id: Some(row.id.clone()),
            interview,
            question,
            roster,
            at,
            stored: None,
            expected: None,
        }
    }
}

/// What [`Store::audit`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub journal_entries: u64,
    pub field_entries: u64,
    pub devices: u64,
    /// Entries held from before the chains existed (checked against their hash, not linked).
    pub unchained: u64,
    /// Stored answers compared with the journal.
    pub answers: u64,
    /// How many findings there are in all; `problems` lists the first [`MAX_LISTED`], in order.
    pub problem_count: u64,
    pub problems: Vec<Problem>,
}

impl AuditReport {
    pub fn intact(&self) -> bool {
        self.problem_count == 0
    }

    fn add(&mut self, p: Problem) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED {
            self.problems.push(p);
        }
    }
}

/// One interview's answer entries merged, and which entry last touched each answer.
struct Replay {
    interview: String,
    memory: Memory,
    origin: BTreeMap<(String, String), (String, i64)>,
}

/// How many findings a report lists (it counts them all).
pub const MAX_LISTED: usize = 100;

impl Store {
    /// Checks the file's pages before its content: an encrypted database's every page against its
    /// authentication code (SQLCipher's `cipher_integrity_check`: a byte changed anywhere in the file
    /// fails its page), then SQLite's `quick_check` (structure). Returns what fails, in SQLite's words
    /// ("HMAC verification failed for page 713"); empty when the file is sound. Reads only.
    pub fn check_pages(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        if self.key.is_some() {
            let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for row in rows {
                let row = row?;
                // Rows about the connection itself (a copy in memory of an older file) say nothing of pages.
                if row.contains("page") {
                    problems.push(row);
                }
            }
        }
        if problems.is_empty() {
            let quick = (|| -> rusqlite::Result<Vec<String>> {
                let mut stmt = self.conn.prepare("PRAGMA quick_check")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect()
            })();
            match quick {
                Ok(rows) => problems.extend(rows.into_iter().filter(|r| r != "ok")),
                Err(e) => problems.push(e.to_string()),
            }
        }
        Ok(problems)
    }

    /// Checks both journals' chains and the answers against the journal (see the module documentation).
    /// Reads only; one pass over each journal in its device order and one over the answer entries.
    pub fn audit(&self) -> Result<AuditReport> {
        let mut report = AuditReport::default();
        let since: Option<String> =
            self.conn.query_row("SELECT value FROM sync_state WHERE key = 'chain_since'", [], |r| r.get(0)).optional()?;
        let since: Json = since.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Json::Null);
        let mut devices = HashSet::new();
        for journal in [Journal::Interview, Journal::Field] {
            let (sql, read, legacy): (String, ReadRow, i64) = match journal {
                Journal::Interview => (
                    format!("SELECT {JOURNAL_COLS} FROM journal ORDER BY device_id, dseq, seq"),
                    Row::journal,
                    since["journal"].as_i64().unwrap_or(0),
                ),
                Journal::Field => (
                    format!("SELECT {FIELD_COLS} FROM field_journal ORDER BY device_id, fseq, seq"),
                    Row::field,
                    since["field_journal"].as_i64().unwrap_or(0),
                ),
            };
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query_map([], read)?;
            // The device's entry before, its number and link (None: its link could not be read).
            let mut before: Option<(String, i64, Option<Link>)> = None;
            while let Some(row) = rows.next().transpose()? {
                match journal {
                    Journal::Interview => report.journal_entries += 1,
                    Journal::Field => report.field_entries += 1,
                }
                devices.insert(row.device.clone());
                let own = row.device == self.device_id;
                let first_of_device = before.as_ref().is_none_or(|(d, _, _)| *d != row.device);
                let prev = match row.prev.as_deref() {
                    None if row.seq <= legacy => {
                        report.unchained += 1;
                        None
                    }
                    None => {
                        report.add(Problem::entry(Finding::Unchained, journal, &row));
                        None
                    }
                    Some(text) => match from_hex(text) {
                        Some(l) => Some(l),
                        None => {
                            report.add(Problem::entry(Finding::Unchained, journal, &row));
                            None
                        }
                    },
                };
                let stored = row.hash.as_deref().and_then(from_hex);
                let computed = row.link(journal, &prev.unwrap_or(GENESIS));
                if stored != Some(computed) {
                    report.add(Problem::entry(Finding::Altered, journal, &row));
                }
                // The link to the entry before.
                let expected_n = if first_of_device { 1 } else { before.as_ref().map_or(1, |(_, n, _)| n + 1) };
                if row.n > expected_n && own {
                    report.add(Problem::entry(Finding::Removed, journal, &row));
                } else if let Some(prev) = prev {
                    let before_link = if row.n == 1 {
                        Some(GENESIS)
                    } else if !first_of_device && row.n == expected_n {
                        before.as_ref().and_then(|(_, _, l)| *l)
                    } else {
                        None // the entry before is not held (a package not received yet): nothing to compare
                    };
                    if before_link.is_some_and(|l| l != prev) {
                        report.add(Problem::entry(Finding::Unlinked, journal, &row));
                    }
                }
                before = Some((row.device.clone(), row.n, stored));
            }
        }
        report.devices = devices.len() as u64;
        self.audit_answers(&mut report)?;
        Ok(report)
    }

    /// Recomputes every interview's answers from its answer entries (the merge of `dala-merge`) and
    /// compares them with the stored ones.
    fn audit_answers(&self, report: &mut AuditReport) -> Result<()> {
        let mut entries = self.conn.prepare(
            "SELECT interview_id, device_id, dseq, hlc, question, roster, kind, new_value, replaces FROM journal
             WHERE kind IN ('answer_set', 'answer_changed', 'answer_cleared', 'conflict_resolved') ORDER BY interview_id",
        )?;
        let mut stored_of =
            self.conn.prepare("SELECT question, roster, value FROM answers WHERE interview_id = ?1 ORDER BY question, roster")?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut current: Option<Replay> = None;
        let mut rows = entries.query([])?;
        while let Some(r) = rows.next()? {
            let interview: String = r.get(0)?;
            if current.as_ref().is_none_or(|c| c.interview != interview) {
                if let Some(done) = current.take() {
                    self.compare_answers(report, &mut stored_of, &done)?;
                }
                seen.insert(interview.clone());
                current = Some(Replay { interview: interview.clone(), memory: Memory::new(), origin: BTreeMap::new() });
            }
            let replay = current.as_mut().expect("set above");
            let device: String = r.get(1)?;
            let dseq: i64 = r.get(2)?;
            let question: String = r.get(4)?;
            let roster_text: String = r.get::<_, Option<String>>(5)?.unwrap_or_default();
            let kind: String = r.get(6)?;
            let new: Option<String> = r.get(7)?;
            let replaces: Option<String> = r.get(8)?;
            let (Ok(hlc), Ok(roster)) = (r.get::<_, String>(3)?.parse::<Hlc>(), crate::parse_roster(&roster_text)) else {
                continue; // an unreadable stamp or roster: the entry's own hash check reports the edit
            };
            let value = if kind == "answer_cleared" {
                Value::Cleared
            } else {
                match serde_json::from_str(new.as_deref().unwrap_or("null")) {
                    Ok(v) => Value::Set(v),
                    Err(_) => continue,
                }
            };
            let replaces: Vec<Stamp> = replaces
                .as_deref()
                .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
                .map(|l| l.iter().filter_map(|s| s.parse().ok()).collect())
                .unwrap_or_default();
            replay.origin.insert((question.clone(), roster_text), (device.clone(), dseq));
            let entry =
                Entry { device, seq: dseq as u64, hlc, answer: dala_merge::AnswerRef { interview, question, roster }, value, replaces };
            // An entry the merge refuses (two values under one stamp) was forged; its hash check names it.
            let _ = replay.memory.apply(entry);
        }
        if let Some(done) = current.take() {
            self.compare_answers(report, &mut stored_of, &done)?;
        }
        drop(rows);
        // Interviews with stored answers and no answer entry at all.
        let mut lone = self.conn.prepare("SELECT DISTINCT interview_id FROM answers")?;
        let lone: Vec<String> = lone
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?
            .into_iter()
            .filter(|i| !seen.contains(i))
            .collect();
        for interview in lone {
            self.compare_answers(report, &mut stored_of, &Replay { interview, memory: Memory::new(), origin: BTreeMap::new() })?;
        }
        Ok(())
    }

    fn compare_answers(&self, report: &mut AuditReport, stored_of: &mut rusqlite::Statement, replay: &Replay) -> Result<()> {
        let Replay { interview, memory, origin } = replay;
        let mut expected: BTreeMap<(String, String), Json> = BTreeMap::new();
        for (answer, cell) in memory.cells() {
            if let Some((_, Value::Set(v))) = cell.chosen() {
                expected.insert((answer.question.clone(), crate::roster_text_of(&answer.roster)), v.clone());
            }
        }
        let stored: Vec<(String, String, String)> =
            stored_of.query_map([interview], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        let problem = |finding, key: &(String, String), stored: Option<String>, expected: Option<String>| {
            let (device, seq) = origin.get(key).cloned().map_or((None, None), |(d, s)| (Some(d), Some(s)));
            Problem {
                finding,
                journal: Journal::Interview,
                device,
                seq,
                id: None,
                interview: Some(interview.to_string()),
                question: Some(key.0.clone()),
                roster: Some(key.1.clone()),
                at: None,
                stored,
                expected,
            }
        };
        for (question, roster, value) in stored {
            report.answers += 1;
            let key = (question, roster);
            match expected.remove(&key) {
                Some(want) => {
                    if serde_json::from_str::<Json>(&value).ok().as_ref() != Some(&want) {
                        report.add(problem(Finding::AnswerAltered, &key, Some(value), Some(want.to_string())));
                    }
                }
                None => report.add(problem(Finding::AnswerWithoutEntry, &key, Some(value), None)),
            }
        }
        for (key, want) in expected {
            report.add(problem(Finding::AnswerMissing, &key, None, Some(want.to_string())));
        }
        Ok(())
    }
}
