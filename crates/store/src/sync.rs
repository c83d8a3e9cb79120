//! Replication between databases (issue 8; docs/sync.md): what a package carries and how it is merged.
//!
//! **Records.** A package is a list of [`Record`]s: the rows of route draws, routes, interviews,
//! addresses and visits, each with its version (`ver`: the stamp of the change that wrote it), and the
//! journal entries (each identified by its device and that device's number, `dseq`). Answers are not
//! sent as rows: they follow from the journal's answer entries through the merge of `dala-merge`.
//!
//! **Merge rules.**
//! - A row is replaced by a record with a greater version (last writer wins, by stamp then device id):
//!   a row changed on one device at a time (an address by its interviewer, a route's assignment by its
//!   supervisor) simply travels. Deleted rows do not travel (routes dropped by a redraw stay where
//!   they were copied).
//! - A journal entry is added once: the same `(device, dseq)` again is a duplicate; a *different* entry
//!   under the same number is a corrupt or forged package and refuses it whole.
//! - An answer's value is decided by `dala_merge` from all its entries: concurrent changes on two
//!   devices are both kept (`answer_heads`), one is shown by the documented rule, and the next change
//!   that replaces them all (the supervisor's decision) settles it.
//!
//! Every rule depends only on the set of records received, so importing packages in any order, or a
//! package twice, gives the same database (tests below and in `crates/cli/tests/sync.rs`).
//!
//! **Since the last export.** Each row and entry also has `changed`: this database's own clock when it
//! last changed here, by a local action or an import. An export to a peer carries what changed after
//! the previous export to it (`sync_log`), plus the parents of what it carries (the interview of an
//! entry, the route of an address), so a package never refers to a row its receiver may lack.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Utc};
use dala_merge::{Entry, Hlc, Memory, MergeError, Stamp, Value};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::{parse_roster, ts, wall_ms, Result, Store, StoreError};

/// One replicated row or journal entry, as a package carries it. JSON documents stored as text
/// (`draw`, `route`, `log`, …) travel as that text, unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Record {
    Draw {
        city: String,
        seed: i64,
        weighted: bool,
        draw: String,
        drawn_at: String,
        frame_sha256: Option<String>,
        ver: String,
    },
    Route {
        id: String,
        city: String,
        street: String,
        route: String,
        quota: String,
        walk: String,
        assigned_to: Option<String>,
        updated_at: String,
        ver: String,
    },
    Interview {
        id: String,
        study_id: String,
        study_version: String,
        status: String,
        language: String,
        device_id: String,
        created_at: String,
        updated_at: String,
        completed_at: Option<String>,
        position_question: Option<String>,
        position_roster: Option<String>,
        review: Option<String>,
        ver: String,
    },
    Address {
        key: String,
        route_id: String,
        address: String,
        log: String,
        visits: i64,
        disposition: Option<String>,
        screening: Option<String>,
        interview_id: Option<String>,
        respondent_sex: Option<String>,
        updated_at: String,
        ver: String,
    },
    Visit {
        address_key: String,
        n: i64,
        at: String,
        outcome: i64,
        visit: String,
        ver: String,
    },
    Entry {
        id: String,
        device: String,
        dseq: i64,
        hlc: String,
        interview: String,
        at: String,
        kind: String,
        question: Option<String>,
        roster: Option<String>,
        old: Option<String>,
        new: Option<String>,
        replaces: Option<String>,
        /// The link of the device's entry before (64 hex digits; absent only for entries written
        /// before the chains existed) and the entry's own (see `audit`).
        prev: Option<String>,
        hash: String,
    },
    Field {
        id: String,
        device: String,
        fseq: i64,
        at: String,
        kind: String,
        subject: String,
        detail: Option<String>,
        prev: Option<String>,
        hash: String,
    },
}

/// The journal kinds that change an answer (and so take part in the answer merge).
pub const ANSWER_KINDS: [&str; 4] = ["answer_set", "answer_changed", "answer_cleared", "conflict_resolved"];

/// What an export carries.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything: rows and journals.
    All,
    /// The fieldwork rows only (draws, routes, interviews, addresses, visits): what the field report
    /// reads, without the journals.
    Fieldwork,
}

/// Whom an export is for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportTo {
    /// The recipients' key ids: what this database imported from them is not sent back.
    pub peers: Vec<String>,
    /// For an interviewer: only the routes assigned to them (by one of these names or device ids) and
    /// the interviews of their devices or on those routes, with what belongs to them.
    pub interviewer: Option<Interviewer>,
}

/// Who an interviewer is, as the supervisor's database knows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interviewer {
    /// Names or ids routes are assigned to (their key's name, their device ids).
    pub names: Vec<String>,
    /// The device ids their interviews were made on.
    pub devices: Vec<String>,
}

fn prepare_recipients(tx: &Transaction, to: &ExportTo) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS x_echo (t TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.x_echo;
         CREATE TEMP TABLE IF NOT EXISTS x_names (name TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.x_names;
         CREATE TEMP TABLE IF NOT EXISTS x_routes (id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.x_routes;
         CREATE TEMP TABLE IF NOT EXISTS x_interviews (id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.x_interviews;
         CREATE TEMP TABLE IF NOT EXISTS x_addresses (key TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.x_addresses;",
    )?;
    for peer in &to.peers {
        tx.execute(
            "INSERT OR IGNORE INTO temp.x_echo (t) SELECT json_extract(detail, '$.changed') FROM sync_log
             WHERE kind = 'import' AND peer = ?1 AND json_extract(detail, '$.changed') IS NOT NULL",
            [peer],
        )?;
    }
    if let Some(who) = &to.interviewer {
        for n in who.names.iter().chain(who.devices.iter()) {
            tx.execute("INSERT OR IGNORE INTO temp.x_names (name) VALUES (?1)", [n])?;
        }
        tx.execute(
            "INSERT OR IGNORE INTO temp.x_routes (id) SELECT id FROM routes WHERE assigned_to IN (SELECT name FROM temp.x_names)",
            [],
        )?;
        for d in &who.devices {
            tx.execute("INSERT OR IGNORE INTO temp.x_interviews (id) SELECT id FROM interviews WHERE device_id = ?1", [d])?;
        }
        tx.execute_batch(
            "INSERT OR IGNORE INTO temp.x_interviews (id) SELECT interview_id FROM addresses
                 WHERE route_id IN (SELECT id FROM temp.x_routes) AND interview_id IS NOT NULL;
             INSERT OR IGNORE INTO temp.x_addresses (key) SELECT key FROM addresses
                 WHERE route_id IN (SELECT id FROM temp.x_routes) OR interview_id IN (SELECT id FROM temp.x_interviews);
             INSERT OR IGNORE INTO temp.x_routes (id) SELECT route_id FROM addresses WHERE key IN (SELECT key FROM temp.x_addresses);",
        )?;
    }
    Ok(())
}

/// What an export carried.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    pub records: u64,
    /// This database's clock when the export was taken: the next export "since the last" starts here.
    pub until: String,
    /// Journal entries carried per device: (first, last) numbers.
    pub entries: BTreeMap<String, (u64, u64)>,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportStats {
    /// Records that changed this database (new entries, newer rows).
    pub imported: u64,
    /// Records it already held (the same entry, or a row at least as new).
    pub duplicates: u64,
    /// Answers in conflict after the import among those it touched.
    pub conflicts: u64,
}

/// Why an import was refused (nothing of it is kept).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Merge(#[from] MergeError),
    /// A record that cannot be right (a malformed version, an unknown kind, a row that refers to
    /// nothing the package or the database holds).
    #[error("invalid record: {0}")]
    Invalid(String),
    /// An entry whose hash chain does not hold: its fields do not give its hash, or its link to its
    /// device's entry before (in the package or held here) does not match (see `audit`).
    #[error("broken hash chain: {journal:?} entry {seq} of device {device} is {break_:?}")]
    BrokenChain { journal: Chain, device: String, seq: i64, break_: ChainBreak },
}

/// Which hash chain.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chain {
    Journal,
    Field,
}

/// How a chain is broken.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's fields do not give its hash (or the hash is not one).
    Altered,
    /// Its `prev` is not the link of its device's entry before it.
    Unlinked,
}

/// Checks an entry's own hash (and that a device's first entry starts the chain). `Ok(false)`: an
/// entry from before the chains existed (no `prev`), whose links are not checked.
fn check_link(
    journal: Chain,
    device: &str,
    n: i64,
    prev: Option<&str>,
    hash: &str,
    compute: impl Fn(&dala_merge::chain::Link) -> dala_merge::chain::Link,
) -> std::result::Result<bool, ImportError> {
    use dala_merge::chain::{from_hex, GENESIS};
    let broken = |break_| ImportError::BrokenChain { journal, device: device.to_string(), seq: n, break_ };
    let hash = from_hex(hash).ok_or_else(|| broken(ChainBreak::Altered))?;
    let prev = match prev {
        None => None,
        Some(p) => Some(from_hex(p).ok_or_else(|| broken(ChainBreak::Unlinked))?),
    };
    if n == 1 && prev.is_some_and(|p| p != GENESIS) {
        return Err(broken(ChainBreak::Unlinked));
    }
    if compute(&prev.unwrap_or(GENESIS)) != hash {
        return Err(broken(ChainBreak::Altered));
    }
    Ok(prev.is_some())
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> ImportError {
        ImportError::Store(StoreError::Sqlite(e))
    }
}

fn row_ver(ver: &str) -> std::result::Result<Stamp, ImportError> {
    ver.parse::<Stamp>().map_err(|e| ImportError::Invalid(e.to_string()))
}

impl Store {
    /// The study this database holds (recorded at its first import or export, else its interviews').
    pub fn study(&self) -> Result<Option<(String, String)>> {
        let recorded: Option<String> =
            self.conn.query_row("SELECT value FROM sync_state WHERE key = 'study'", [], |r| r.get(0)).optional()?;
        if let Some(text) = recorded {
            if let Some((id, version)) = text.split_once('\n') {
                return Ok(Some((id.to_string(), version.to_string())));
            }
        }
        Ok(self.conn.query_row("SELECT study_id, study_version FROM interviews LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    }

    /// Records the study this database holds (once; a database holds one study).
    pub fn set_study(&mut self, id: &str, version: &str) -> Result<()> {
        self.conn.execute("INSERT OR IGNORE INTO sync_state (key, value) VALUES ('study', ?1)", [format!("{id}\n{version}")])?;
        Ok(())
    }

    /// The clock reading of the last export to `peer` (a key id), if any.
    pub fn last_export(&self, peer: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT tick FROM sync_log WHERE kind = 'export' AND peer = ?1 ORDER BY seq DESC LIMIT 1", [peer], |r| r.get(0))
            .optional()?)
    }

    /// Whether a package (by its signature) was imported here before.
    pub fn imported_before(&self, package: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM sync_log WHERE kind = 'import' AND json_extract(detail, '$.package') = ?1", [package], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Notes that an export to `peer` was written (call it once the package file is safely stored).
    pub fn record_export(&mut self, peer: &str, summary: &ExportSummary, detail: &Json, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_log (kind, peer, tick, at, detail) VALUES ('export', ?1, ?2, ?3, ?4)",
            params![peer, summary.until, ts(now), detail.to_string()],
        )?;
        Ok(())
    }

    /// Hands every record changed after `since` (everything when `None`) to `sink`, parents first. The
    /// returned `until` is the clock reading to pass as `since` next time.
    pub fn export_records(
        &mut self,
        since: Option<&str>,
        now: DateTime<Utc>,
        sink: impl FnMut(&Record) -> std::result::Result<(), String>,
    ) -> std::result::Result<ExportSummary, ExportError> {
        self.export_for(since, now, Scope::All, &ExportTo::default(), sink)
    }

    /// [`Store::export_records`] limited to a [`Scope`].
    pub fn export_scoped(
        &mut self,
        since: Option<&str>,
        now: DateTime<Utc>,
        scope: Scope,
        sink: impl FnMut(&Record) -> std::result::Result<(), String>,
    ) -> std::result::Result<ExportSummary, ExportError> {
        self.export_for(since, now, scope, &ExportTo::default(), sink)
    }

    /// The devices that sent this database packages signed by a key (its id): an interviewer's devices.
    pub fn devices_of_key(&self, key: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT json_extract(detail, '$.device') FROM sync_log WHERE kind = 'import' AND peer = ?1 AND json_extract(detail, '$.device') IS NOT NULL",
        )?;
        let rows = stmt.query_map([key], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    /// [`Store::export_records`] for given recipients ([`ExportTo`]): what they sent is not sent back,
    /// and an interviewer receives only their own routes and interviews.
    pub fn export_for(
        &mut self,
        since: Option<&str>,
        now: DateTime<Utc>,
        scope: Scope,
        to: &ExportTo,
        mut sink: impl FnMut(&Record) -> std::result::Result<(), String>,
    ) -> std::result::Result<ExportSummary, ExportError> {
        let until = self.clock.tick(wall_ms(now)).to_string();
        let since = since.unwrap_or("");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(StoreError::from)?;
        let mut summary = ExportSummary { until, ..ExportSummary::default() };
        let mut emit = |r: Record, summary: &mut ExportSummary| -> std::result::Result<(), ExportError> {
            if let Record::Entry { device, dseq, .. } = &r {
                let e = summary.entries.entry(device.clone()).or_insert((*dseq as u64, *dseq as u64));
                e.0 = e.0.min(*dseq as u64);
                e.1 = e.1.max(*dseq as u64);
            }
            sink(&r).map_err(ExportError::Sink)?;
            summary.records += 1;
            Ok(())
        };
        let temp = !to.peers.is_empty() || to.interviewer.is_some();
        if temp {
            prepare_recipients(&tx, to).map_err(StoreError::from)?;
        }
        // "Changed since": after `since`, and not by an import from a recipient (what they sent us,
        // they have).
        let fresh = if to.peers.is_empty() {
            "changed > ?1".to_string()
        } else {
            "(changed > ?1 AND changed NOT IN (SELECT t FROM temp.x_echo))".to_string()
        };
        let (routes_ok, interviews_ok, addresses_ok, field_ok) = if to.interviewer.is_some() {
            (
                "id IN (SELECT id FROM temp.x_routes)",
                "id IN (SELECT id FROM temp.x_interviews)",
                "key IN (SELECT key FROM temp.x_addresses)",
                "(subject IN (SELECT id FROM temp.x_routes) OR subject IN (SELECT key FROM temp.x_addresses))",
            )
        } else {
            ("1", "1", "1", "1")
        };
        // Parents are carried with their children: the interviews of changed entries and addresses, the
        // routes of changed addresses, and every route draw (a few rows per city).
        let sql = [
            "SELECT city, seed, weighted, draw, drawn_at, frame_sha256, ver FROM route_draws WHERE ?1 IS NOT NULL ORDER BY city".to_string(),
            format!(
                "SELECT id, city, street, route, quota, walk, assigned_to, updated_at, ver FROM routes
                 WHERE ({fresh} OR id IN (SELECT route_id FROM addresses WHERE {fresh})) AND {routes_ok} ORDER BY id"
            ),
            format!(
                "SELECT id, study_id, study_version, status, language, device_id, created_at, updated_at, completed_at, position_question, position_roster, review, ver
                 FROM interviews WHERE ({fresh} OR id IN (SELECT interview_id FROM journal WHERE {fresh})
                    OR id IN (SELECT interview_id FROM addresses WHERE {fresh} AND interview_id IS NOT NULL)) AND {interviews_ok} ORDER BY id"
            ),
            format!(
                "SELECT key, route_id, address, log, visits, disposition, screening, interview_id, respondent_sex, updated_at, ver FROM addresses
                 WHERE ({fresh} OR key IN (SELECT address_key FROM visits WHERE {fresh})) AND {addresses_ok} ORDER BY rowid"
            ),
            format!(
                "SELECT address_key, n, at, outcome, visit, ver FROM visits WHERE {fresh} AND {} ORDER BY address_key, n",
                addresses_ok.replace("key IN", "address_key IN")
            ),
            // Entries grouped by interview (the importer merges one interview at a time).
            format!(
                "SELECT id, device_id, dseq, hlc, interview_id, at, kind, question, roster, old_value, new_value, replaces, prev, hash FROM journal
                 WHERE {fresh} AND {} ORDER BY interview_id, seq",
                interviews_ok.replace("id IN", "interview_id IN")
            ),
            format!(
                "SELECT id, device_id, at, kind, subject, detail, fseq, prev, hash FROM field_journal WHERE {fresh} AND {field_ok} ORDER BY seq"
            ),
        ];
        let readers: [fn(&rusqlite::Row) -> rusqlite::Result<Record>; 7] = [
            |r| {
                Ok(Record::Draw {
                    city: r.get(0)?,
                    seed: r.get(1)?,
                    weighted: r.get(2)?,
                    draw: r.get(3)?,
                    drawn_at: r.get(4)?,
                    frame_sha256: r.get(5)?,
                    ver: r.get(6)?,
                })
            },
            |r| {
                Ok(Record::Route {
                    id: r.get(0)?,
                    city: r.get(1)?,
                    street: r.get(2)?,
                    route: r.get(3)?,
                    quota: r.get(4)?,
                    walk: r.get(5)?,
                    assigned_to: r.get(6)?,
                    updated_at: r.get(7)?,
                    ver: r.get(8)?,
                })
            },
            |r| {
                Ok(Record::Interview {
                    id: r.get(0)?,
                    study_id: r.get(1)?,
                    study_version: r.get(2)?,
                    status: r.get(3)?,
                    language: r.get(4)?,
                    device_id: r.get(5)?,
                    created_at: r.get(6)?,
                    updated_at: r.get(7)?,
                    completed_at: r.get(8)?,
                    position_question: r.get(9)?,
                    position_roster: r.get(10)?,
                    review: r.get(11)?,
                    ver: r.get(12)?,
                })
            },
            |r| {
                Ok(Record::Address {
                    key: r.get(0)?,
                    route_id: r.get(1)?,
                    address: r.get(2)?,
                    log: r.get(3)?,
                    visits: r.get(4)?,
                    disposition: r.get(5)?,
                    screening: r.get(6)?,
                    interview_id: r.get(7)?,
                    respondent_sex: r.get(8)?,
                    updated_at: r.get(9)?,
                    ver: r.get(10)?,
                })
            },
            |r| {
                Ok(Record::Visit {
                    address_key: r.get(0)?,
                    n: r.get(1)?,
                    at: r.get(2)?,
                    outcome: r.get(3)?,
                    visit: r.get(4)?,
                    ver: r.get(5)?,
                })
            },
            |r| {
                Ok(Record::Entry {
                    id: r.get(0)?,
                    device: r.get(1)?,
                    dseq: r.get(2)?,
                    hlc: r.get(3)?,
                    interview: r.get(4)?,
                    at: r.get(5)?,
                    kind: r.get(6)?,
                    question: r.get(7)?,
                    roster: r.get(8)?,
                    old: r.get(9)?,
                    new: r.get(10)?,
                    replaces: r.get(11)?,
                    prev: r.get(12)?,
                    hash: r.get(13)?,
                })
            },
            |r| {
                Ok(Record::Field {
                    id: r.get(0)?,
                    device: r.get(1)?,
                    at: r.get(2)?,
                    kind: r.get(3)?,
                    subject: r.get(4)?,
                    detail: r.get(5)?,
                    fseq: r.get(6)?,
                    prev: r.get(7)?,
                    hash: r.get(8)?,
                })
            },
        ];
        let take = match scope {
            Scope::All => sql.len(),
            Scope::Fieldwork => 5,
        };
        for (sql, read) in sql.iter().zip(readers.iter()).take(take) {
            let mut stmt = tx.prepare(sql).map_err(StoreError::from)?;
            let mut rows = stmt.query([since]).map_err(StoreError::from)?;
            while let Some(row) = rows.next().map_err(StoreError::from)? {
                emit(read(row).map_err(StoreError::from)?, &mut summary)?;
            }
        }
        drop(tx);
        if temp {
            for t in ["x_echo", "x_routes", "x_interviews", "x_addresses", "x_names"] {
                self.conn.execute(&format!("DROP TABLE IF EXISTS temp.{t}"), []).map_err(StoreError::from)?;
            }
        }
        Ok(summary)
    }

    /// Starts an import: every record goes through [`Importer::add`], and [`Importer::finish`] commits
    /// them all at once. Dropping the importer (an error on the way) leaves the database as it was.
    pub fn importer(&mut self, now: DateTime<Utc>) -> Result<Importer<'_>> {
        let Store { conn, clock, .. } = self;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // A package may refer to rows that come later in it: references are checked at the commit.
        tx.pragma_update(None, "defer_foreign_keys", "ON")?;
        let wall = wall_ms(now);
        let changed = clock.tick(wall).to_string();
        Ok(Importer {
            tx,
            clock,
            wall,
            changed,
            at: ts(now),
            stats: ImportStats::default(),
            interview: None,
            fresh: false,
            pending: Vec::new(),
            pending_at: Vec::new(),
            max_seen: Hlc::default(),
            links: Vec::new(),
        })
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The package writer failed (the disk, say).
    #[error("{0}")]
    Sink(String),
}

/// An import in progress; see [`Store::importer`].
pub struct Importer<'s> {
    tx: Transaction<'s>,
    clock: &'s mut dala_merge::Clock,
    wall: u64,
    changed: String,
    at: String,
    stats: ImportStats,
    /// The interview whose entries are being gathered, and its new answer entries.
    interview: Option<String>,
    /// The current interview had nothing in this database (no journal entry, answer, head or
    /// confirmation) when its entries began: its answer entries are then exactly `pending`.
    fresh: bool,
    pending: Vec<Entry>,
    /// The `at` of each entry of `pending` (the time its answer was given).
    pending_at: Vec<String>,
    max_seen: Hlc,
    /// The chained entries this import added (journal, device, number, prev, hash): their links to
    /// the entries around them are checked before the commit.
    links: Vec<(Chain, String, i64, Option<String>, String)>,
}

impl Importer<'_> {
    /// Records the study of a database that holds none yet, with the import (committed with it or not at all).
    pub fn set_study(&mut self, id: &str, version: &str) -> std::result::Result<(), ImportError> {
        self.tx.execute("INSERT OR IGNORE INTO sync_state (key, value) VALUES ('study', ?1)", [format!("{id}\n{version}")])?;
        Ok(())
    }

    /// Adds one record (see the module documentation for the rules).
    pub fn add(&mut self, record: Record) -> std::result::Result<(), ImportError> {
        match record {
            Record::Entry { .. } => {}
            _ => self.flush()?,
        }
        let n = match &record {
            Record::Draw { city, seed, weighted, draw, drawn_at, frame_sha256, ver } => {
                self.seen(ver)?;
                self.upsert(
                    "INSERT INTO route_draws (city, seed, weighted, draw, drawn_at, frame_sha256, ver, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (city) DO UPDATE SET seed = excluded.seed, weighted = excluded.weighted, draw = excluded.draw, drawn_at = excluded.drawn_at,
                        frame_sha256 = excluded.frame_sha256, ver = excluded.ver, changed = excluded.changed WHERE excluded.ver > route_draws.ver",
                    params![city, seed, weighted, draw, drawn_at, frame_sha256, ver, self.changed],
                )?
            }
            Record::Route { id, city, street, route, quota, walk, assigned_to, updated_at, ver } => {
                self.seen(ver)?;
                self.upsert(
                    "INSERT INTO routes (id, city, street, route, quota, walk, assigned_to, updated_at, ver, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (id) DO UPDATE SET city = excluded.city, street = excluded.street, route = excluded.route, quota = excluded.quota,
                        walk = excluded.walk, assigned_to = excluded.assigned_to, updated_at = excluded.updated_at, ver = excluded.ver, changed = excluded.changed
                     WHERE excluded.ver > routes.ver",
                    params![id, city, street, route, quota, walk, assigned_to, updated_at, ver, self.changed],
                )?
            }
            Record::Interview {
                id,
                study_id,
                study_version,
                status,
                language,
                device_id,
                created_at,
                updated_at,
                completed_at,
                position_question,
                position_roster,
                review,
                ver,
            } => {
                self.seen(ver)?;
                self.upsert(
                    "INSERT INTO interviews (id, study_id, study_version, status, language, device_id, created_at, updated_at, completed_at,
                        position_question, position_roster, review, ver, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                     ON CONFLICT (id) DO UPDATE SET study_id = excluded.study_id, study_version = excluded.study_version, status = excluded.status,
                        language = excluded.language, device_id = excluded.device_id, created_at = excluded.created_at, updated_at = excluded.updated_at,
                        completed_at = excluded.completed_at, position_question = excluded.position_question, position_roster = excluded.position_roster,
                        review = excluded.review, ver = excluded.ver, changed = excluded.changed
                     WHERE excluded.ver > interviews.ver",
                    params![
                        id,
                        study_id,
                        study_version,
                        status,
                        language,
                        device_id,
                        created_at,
                        updated_at,
                        completed_at,
                        position_question,
                        position_roster,
                        review,
                        ver,
                        self.changed
                    ],
                )?
            }
            Record::Address {
                key,
                route_id,
                address,
                log,
                visits,
                disposition,
                screening,
                interview_id,
                respondent_sex,
                updated_at,
                ver,
            } => {
                self.seen(ver)?;
                self.upsert(
                    "INSERT INTO addresses (key, route_id, address, log, visits, disposition, screening, interview_id, respondent_sex, updated_at, ver, changed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                     ON CONFLICT (key) DO UPDATE SET route_id = excluded.route_id, address = excluded.address, log = excluded.log, visits = excluded.visits,
                        disposition = excluded.disposition, screening = excluded.screening, interview_id = excluded.interview_id,
                        respondent_sex = excluded.respondent_sex, updated_at = excluded.updated_at, ver = excluded.ver, changed = excluded.changed
                     WHERE excluded.ver > addresses.ver",
                    params![key, route_id, address, log, visits, disposition, screening, interview_id, respondent_sex, updated_at, ver, self.changed],
                )?
            }
            Record::Visit { address_key, n, at, outcome, visit, ver } => {
                self.seen(ver)?;
                self.upsert(
                    "INSERT INTO visits (address_key, n, at, outcome, visit, ver, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (address_key, n) DO UPDATE SET at = excluded.at, outcome = excluded.outcome, visit = excluded.visit,
                        ver = excluded.ver, changed = excluded.changed WHERE excluded.ver > visits.ver",
                    params![address_key, n, at, outcome, visit, ver, self.changed],
                )?
            }
            Record::Field { id, device, fseq, at, kind, subject, detail, prev, hash } => {
                let fields = crate::audit::FieldFields { id, device, fseq: *fseq, at, kind, subject, detail: detail.as_deref() };
                let linked = check_link(Chain::Field, device, *fseq, prev.as_deref(), hash, |p| crate::audit::field_link(p, &fields))?;
                let n = self.upsert(
                    "INSERT INTO field_journal (id, device_id, at, kind, subject, detail, changed, fseq, prev, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING",
                    params![id, device, at, kind, subject, detail, self.changed, fseq, prev, hash],
                )?;
                if n > 0 && linked {
                    self.links.push((Chain::Field, device.clone(), *fseq, prev.clone(), hash.clone()));
                }
                n
            }
            Record::Entry { .. } => return self.add_entry(record),
        };
        if n > 0 {
            self.stats.imported += 1;
        } else {
            self.stats.duplicates += 1;
        }
        Ok(())
    }

    /// Checks the links of the chained entries this import added: to each other, and at the ends of each
    /// run of numbers to the entries this database held before (two index lookups per run, not per entry).
    fn check_links(&mut self) -> std::result::Result<(), ImportError> {
        let mut links = std::mem::take(&mut self.links);
        links.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
        let broken = |(journal, device, seq): (Chain, &str, i64)| ImportError::BrokenChain {
            journal,
            device: device.to_string(),
            seq,
            break_: ChainBreak::Unlinked,
        };
        for (i, (journal, device, n, prev, hash)) in links.iter().enumerate() {
            let run_before = i > 0 && links[i - 1].0 == *journal && links[i - 1].1 == *device && links[i - 1].2 + 1 == *n;
            if run_before {
                if links[i - 1].4.as_str() != prev.as_deref().unwrap_or_default() {
                    return Err(broken((*journal, device, *n)));
                }
            } else if *n > 1
                && !self.held_links_match(*journal, device, n - 1, |held_prev, held_hash| {
                    held_prev.is_none() || Some(held_hash) == prev.as_deref()
                })?
            {
                return Err(broken((*journal, device, *n)));
            }
            let run_after = links.get(i + 1).is_some_and(|next| next.0 == *journal && next.1 == *device && next.2 == n + 1);
            if !run_after && !self.held_links_match(*journal, device, n + 1, |held_prev, _| held_prev.is_none_or(|p| p == hash.as_str()))? {
                return Err(broken((*journal, device, n + 1)));
            }
        }
        Ok(())
    }

    /// Whether every held entry numbered `n` of the device passes `ok(prev, hash)` (true when none is held).
    fn held_links_match(
        &self,
        journal: Chain,
        device: &str,
        n: i64,
        ok: impl Fn(Option<&str>, &str) -> bool,
    ) -> std::result::Result<bool, ImportError> {
        let sql = match journal {
            Chain::Journal => "SELECT prev, hash FROM journal WHERE device_id = ?1 AND dseq = ?2",
            Chain::Field => "SELECT prev, hash FROM field_journal WHERE device_id = ?1 AND fseq = ?2",
        };
        let mut stmt = self.tx.prepare_cached(sql)?;
        let mut rows = stmt.query(params![device, n])?;
        while let Some(r) = rows.next()? {
            let prev: Option<String> = r.get(0)?;
            let hash: Option<String> = r.get(1)?;
            if !ok(prev.as_deref(), hash.as_deref().unwrap_or_default()) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn seen(&mut self, ver: &str) -> std::result::Result<(), ImportError> {
        let stamp = row_ver(ver)?;
        self.max_seen = self.max_seen.max(stamp.hlc);
        Ok(())
    }

    fn upsert<P: rusqlite::Params>(&self, sql: &str, params: P) -> std::result::Result<usize, ImportError> {
        Ok(self.tx.prepare_cached(sql)?.execute(params)?)
    }

    fn add_entry(&mut self, record: Record) -> std::result::Result<(), ImportError> {
        let Record::Entry { id, device, dseq, hlc, interview, at, kind, question, roster, old, new, replaces, prev, hash } = record else {
            unreachable!("add_entry takes entries")
        };
        let fields = crate::audit::JournalFields {
            id: &id,
            device: &device,
            dseq,
            hlc: &hlc,
            interview: &interview,
            at: &at,
            kind: &kind,
            question: question.as_deref(),
            roster: roster.as_deref(),
            old: old.as_deref(),
            new: new.as_deref(),
            replaces: replaces.as_deref(),
        };
        let linked = check_link(Chain::Journal, &device, dseq, prev.as_deref(), &hash, |p| crate::audit::journal_link(p, &fields))?;
        let stamp: Hlc = hlc.parse().map_err(|e: dala_merge::BadStamp| ImportError::Invalid(e.to_string()))?;
        if dseq < 1 || device.is_empty() {
            return Err(ImportError::Invalid(format!("entry {id}: device `{device}`, number {dseq}")));
        }
        self.max_seen = self.max_seen.max(stamp);
        if self.interview.as_deref() != Some(interview.as_str()) {
            self.flush()?;
            self.fresh = self.new_here(&interview)?;
            self.interview = Some(interview.clone());
        }
        let inserted = self.upsert(
            "INSERT INTO journal (id, interview_id, device_id, at, kind, question, roster, old_value, new_value, dseq, hlc, replaces, changed, prev, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT DO NOTHING",
            params![id, interview, device, at, kind, question, roster, old, new, dseq, hlc, replaces, self.changed, prev, hash],
        )?;
        if inserted == 0 {
            // Held already: the very same entry (its hash covers every field) is a duplicate; another
            // under its id or number is forged.
            let same: Option<i64> = self
                .tx
                .prepare_cached("SELECT count(*) FROM journal WHERE device_id = ?1 AND dseq = ?2 AND id = ?3 AND hash = ?4")?
                .query_row(params![device, dseq, id, hash], |r| r.get(0))
                .optional()?;
            if same != Some(1) {
                return Err(MergeError::Diverged { device, seq: dseq as u64 }.into());
            }
            self.stats.duplicates += 1;
            return Ok(());
        }
        self.stats.imported += 1;
        if linked {
            self.links.push((Chain::Journal, device.clone(), dseq, prev.clone(), hash.clone()));
        }
        if ANSWER_KINDS.contains(&kind.as_str()) {
            let question = question.ok_or_else(|| ImportError::Invalid(format!("answer entry {id} names no question")))?;
            let roster = parse_roster(roster.as_deref().unwrap_or("")).map_err(|e| ImportError::Invalid(e.to_string()))?;
            let replaces = parse_replaces(replaces.as_deref())?;
            let value = if kind == "answer_cleared" {
                Value::Cleared
            } else {
                Value::Set(serde_json::from_str(new.as_deref().unwrap_or("null")).map_err(|e| ImportError::Invalid(e.to_string()))?)
            };
            self.pending.push(Entry {
                device,
                seq: dseq as u64,
                hlc: stamp,
                answer: dala_merge::AnswerRef { interview, question, roster },
                value,
                replaces,
            });
            self.pending_at.push(at);
        }
        Ok(())
    }

    /// Whether this database holds nothing of an interview's answers yet: no journal entry, answer,
    /// conflict head or confirmation (four index lookups, once per interview and package).
    fn new_here(&self, interview: &str) -> std::result::Result<bool, ImportError> {
        for sql in [
            "SELECT 1 FROM journal WHERE interview_id = ?1 LIMIT 1",
            "SELECT 1 FROM answers WHERE interview_id = ?1 LIMIT 1",
            "SELECT 1 FROM answer_heads WHERE interview_id = ?1 LIMIT 1",
            "SELECT 1 FROM confirmations WHERE interview_id = ?1 LIMIT 1",
        ] {
            if self.tx.prepare_cached(sql)?.query_row([interview], |_| Ok(())).optional()?.is_some() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Merges the gathered answer entries of the current interview into its answers.
    fn flush(&mut self) -> std::result::Result<(), ImportError> {
        let Some(interview) = self.interview.take() else { return Ok(()) };
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let pending_at = std::mem::take(&mut self.pending_at);
        if std::mem::take(&mut self.fresh) {
            return self.flush_new(&interview, pending, pending_at);
        }
        let touched: BTreeSet<(String, String)> =
            pending.iter().map(|e| (e.answer.question.clone(), crate::roster_text_of(&e.answer.roster))).collect();
        // Every answer entry of the interview now in the journal (the new ones included) for the touched
        // answers: the merge is a function of that set.
        let mut memory = Memory::new();
        let mut at_of: BTreeMap<Stamp, String> = BTreeMap::new();
        {
            let mut stmt = self.tx.prepare_cached(
                "SELECT device_id, dseq, hlc, question, roster, kind, new_value, replaces, at FROM journal
                 WHERE interview_id = ?1 AND kind IN ('answer_set', 'answer_changed', 'answer_cleared', 'conflict_resolved')",
            )?;
            let mut rows = stmt.query([&interview])?;
            while let Some(r) = rows.next()? {
                let question: String = r.get(3)?;
                let roster_text: String = r.get::<_, Option<String>>(4)?.unwrap_or_default();
                if !touched.contains(&(question.clone(), roster_text.clone())) {
                    continue;
                }
                let device: String = r.get(0)?;
                let hlc: String = r.get(2)?;
                let kind: String = r.get(5)?;
                let new: Option<String> = r.get(6)?;
                let hlc: Hlc = hlc.parse().map_err(|e: dala_merge::BadStamp| ImportError::Invalid(e.to_string()))?;
                let value = if kind == "answer_cleared" {
                    Value::Cleared
                } else {
                    Value::Set(serde_json::from_str(new.as_deref().unwrap_or("null")).map_err(|e| ImportError::Invalid(e.to_string()))?)
                };
                at_of.insert(Stamp { hlc, device: device.clone() }, r.get(8)?);
                let entry = Entry {
                    device,
                    seq: r.get::<_, i64>(1)? as u64,
                    hlc,
                    answer: dala_merge::AnswerRef {
                        interview: interview.clone(),
                        question,
                        roster: parse_roster(&roster_text).map_err(|e| ImportError::Invalid(e.to_string()))?,
                    },
                    value,
                    replaces: parse_replaces(r.get::<_, Option<String>>(7)?.as_deref())?,
                };
                memory.apply(entry)?;
            }
        }
        for (answer, cell) in memory.cells() {
            let roster = crate::roster_text_of(&answer.roster);
            let key = params![interview, answer.question, roster];
            let before: Option<String> = self
                .tx
                .prepare_cached("SELECT value FROM answers WHERE interview_id = ?1 AND question = ?2 AND roster = ?3")?
                .query_row(key, |r| r.get(0))
                .optional()?;
            let chosen = cell.chosen();
            match chosen {
                Some((stamp, Value::Set(v))) => {
                    let at = at_of.get(stamp).cloned().unwrap_or_else(|| self.at.clone());
                    self.tx
                        .prepare_cached(
                            "INSERT INTO answers (interview_id, question, roster, value, answered_at, ver) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                             ON CONFLICT (interview_id, question, roster) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at, ver = excluded.ver",
                        )?
                        .execute(params![interview, answer.question, roster, v.to_string(), at, stamp.to_string()])?;
                }
                _ => {
                    self.tx
                        .prepare_cached("DELETE FROM answers WHERE interview_id = ?1 AND question = ?2 AND roster = ?3")?
                        .execute(key)?;
                }
            }
            let after = match chosen {
                Some((_, Value::Set(v))) => Some(v.to_string()),
                _ => None,
            };
            if before != after {
                // A value that changed needs its soft warnings confirmed again, as on the device.
                self.tx
                    .prepare_cached("DELETE FROM confirmations WHERE interview_id = ?1 AND question = ?2 AND roster = ?3")?
                    .execute(key)?;
            }
            self.tx.prepare_cached("DELETE FROM answer_heads WHERE interview_id = ?1 AND question = ?2 AND roster = ?3")?.execute(key)?;
            let heads = cell.heads();
            let single_set = heads.len() == 1 && matches!(heads[0].1, Value::Set(_));
            if !single_set {
                for (stamp, value) in &heads {
                    let value = match value {
                        Value::Set(v) => Some(v.to_string()),
                        Value::Cleared => None,
                    };
                    self.tx
                        .prepare_cached(
                            "INSERT INTO answer_heads (interview_id, question, roster, ver, value) VALUES (?1, ?2, ?3, ?4, ?5)",
                        )?
                        .execute(params![interview, answer.question, roster, stamp.to_string(), value])?;
                }
            }
            if cell.in_conflict() {
                self.stats.conflicts += 1;
            }
        }
        Ok(())
    }

    /// [`Importer::flush`] for an interview new to this database: its answer entries are all in
    /// `pending`, so they are merged without reading the journal back, and its answers are inserted
    /// without looking for earlier values, confirmations or heads (there are none). The result is the
    /// same as the general path's (the merge is a function of the set of entries).
    fn flush_new(&mut self, interview: &str, pending: Vec<Entry>, pending_at: Vec<String>) -> std::result::Result<(), ImportError> {
        let mut memory = Memory::new();
        let mut at_of: BTreeMap<Stamp, String> = BTreeMap::new();
        for (entry, at) in pending.into_iter().zip(pending_at) {
            at_of.insert(Stamp { hlc: entry.hlc, device: entry.device.clone() }, at);
            memory.apply(entry)?;
        }
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO answers (interview_id, question, roster, value, answered_at, ver) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut head =
            self.tx.prepare_cached("INSERT INTO answer_heads (interview_id, question, roster, ver, value) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (answer, cell) in memory.cells() {
            let roster = crate::roster_text_of(&answer.roster);
            if let Some((stamp, Value::Set(v))) = cell.chosen() {
                let at = at_of.get(stamp).unwrap_or(&self.at);
                insert.execute(params![interview, answer.question, roster, v.to_string(), at, stamp.to_string()])?;
            }
            let heads = cell.heads();
            if !(heads.len() == 1 && matches!(heads[0].1, Value::Set(_))) {
                for (stamp, value) in &heads {
                    let value = match value {
                        Value::Set(v) => Some(v.to_string()),
                        Value::Cleared => None,
                    };
                    head.execute(params![interview, answer.question, roster, stamp.to_string(), value])?;
                }
            }
            if cell.in_conflict() {
                self.stats.conflicts += 1;
            }
        }
        Ok(())
    }

    /// Commits the import, logs it (`package`: the package's identity, `peer`: its sender's key id) and
    /// lets this database's clock follow the stamps received.
    pub fn finish(mut self, peer: &str, package: &str, detail: Json) -> std::result::Result<ImportStats, ImportError> {
        self.flush()?;
        self.check_links()?;
        let mut detail = detail;
        if let Json::Object(m) = &mut detail {
            m.insert("package".into(), Json::String(package.to_string()));
            m.insert("imported".into(), self.stats.imported.into());
            m.insert("duplicates".into(), self.stats.duplicates.into());
            // The stamp every row of this import carries as `changed`: an export to the same peer
            // leaves them out (they came from it).
            m.insert("changed".into(), Json::String(self.changed.clone()));
        }
        // The clock moves past what was received (unless a stamp is implausibly far ahead), so the next
        // local change outranks it.
        let observed = self.clock.clone().observe(self.max_seen, self.wall).ok();
        let tick = observed.map(|h| h.to_string()).unwrap_or_else(|| self.changed.clone());
        self.tx.execute(
            "INSERT INTO sync_log (kind, peer, tick, at, detail) VALUES ('import', ?1, ?2, ?3, ?4)",
            params![peer, tick.max(self.changed.clone()), self.at, detail.to_string()],
        )?;
        self.tx.commit()?;
        if let Some(h) = observed {
            *self.clock = dala_merge::Clock::resume(h, crate::MAX_CLOCK_AHEAD_MS);
        }
        Ok(self.stats)
    }
}

fn parse_replaces(text: Option<&str>) -> std::result::Result<Vec<Stamp>, ImportError> {
    let Some(text) = text else { return Ok(Vec::new()) };
    let list: Vec<String> = serde_json::from_str(text).map_err(|e| ImportError::Invalid(format!("replaces: {e}")))?;
    list.iter().map(|s| row_ver(s)).collect()
}

/// The answers of a database in conflict: each with its heads (version, value; `None` = cleared).
pub type Conflict = (String, String, String, Vec<(String, Option<String>)>);

/// A device whose journal this database holds with numbers missing: entries it made that have not
/// arrived (a package lost or not yet carried). The merge does not need them in order, so nothing
/// waits for them; the supervisor is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalGap {
    pub device: String,
    /// How many of the device's numbers below the highest held are missing.
    pub missing: u64,
    /// The lowest missing number.
    pub first_missing: u64,
    /// The highest number held.
    pub last_held: u64,
}

impl Store {
    /// Every device with missing journal numbers (see [`JournalGap`]); one index scan of the journal.
    pub fn journal_gaps(&self) -> Result<Vec<JournalGap>> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, max(dseq) - count(*), max(dseq),
                    CASE WHEN min(dseq) > 1 THEN 1 ELSE (SELECT min(j.dseq) + 1 FROM journal j WHERE j.device_id = g.device_id
                        AND NOT EXISTS (SELECT 1 FROM journal k WHERE k.device_id = j.device_id AND k.dseq = j.dseq + 1)) END
             FROM journal g GROUP BY device_id HAVING max(dseq) > count(*) ORDER BY device_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(JournalGap {
                device: r.get(0)?,
                missing: r.get::<_, i64>(1)? as u64,
                last_held: r.get::<_, i64>(2)? as u64,
                first_missing: r.get::<_, i64>(3)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every answer whose heads disagree, with each head's version and value.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let mut stmt = self
            .conn
            .prepare("SELECT interview_id, question, roster, ver, value FROM answer_heads ORDER BY interview_id, question, roster, ver")?;
        let mut out: Vec<Conflict> = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (i, q, ro): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let head = (r.get(3)?, r.get(4)?);
            match out.last_mut() {
                Some(last) if last.0 == i && last.1 == q && last.2 == ro => last.3.push(head),
                _ => out.push((i, q, ro, vec![head])),
            }
        }
        out.retain(|c| c.3.iter().map(|h| &h.1).collect::<HashSet<_>>().len() > 1);
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
