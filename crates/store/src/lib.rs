//! Local storage of interviews in SQLite: migrations, interviews, answers and the change journal.
//!
//! **Invariant:** every change is one transaction (a [`Batch`]) that writes the new state *and* its journal
//! entry, committed with `synchronous = FULL` in WAL mode before the call returns. An answer the
//! caller has been told is saved survives a crash or power cut; a half-written change does not exist.
//!
//! **Invariant:** the journal is append-only. Each entry has its own UUID, the device id and the
//! time the caller passed in, so journals of many devices can later be merged without duplicates.
//!
//! The schema version lives in `PRAGMA user_version` (via `rusqlite_migration`); a database written
//! by a newer Dala is refused with [`StoreError::TooNew`] instead of being damaged.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use serde_json::Value as Json;

pub use dala_questionnaire::AnswerKey;

pub mod audit;
mod batch;
pub mod cipher;
mod field;
mod migrations;
mod read_only;
pub mod sync;

pub use batch::{Batch, Review};
pub use field::{AddressRow, DrawRow, Held, InterviewAddress, NewRoute, RouteRow, VisitRow};

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file cannot be opened or read (permissions, disk, not a database).
    #[error("cannot open the database {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    /// The database was written by a newer version of Dala.
    #[error("the database has schema version {found}, newer than this program's {supported}")]
    TooNew { found: i64, supported: i64 },
    /// A migration failed; the database is left at its previous version.
    #[error("cannot upgrade the database: {0}")]
    Migration(String),
    /// No interview with this id.
    #[error("no interview {0}")]
    NoInterview(String),
    /// A stored value cannot be read back (the file was edited by hand or is damaged).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// No route with this id.
    #[error("no route {0}")]
    NoRoute(String),
    /// A city's routes already have visited addresses and cannot be drawn again.
    #[error("the routes of {0} are in use")]
    RoutesInUse(String),
    /// The interview is completed or broken off; only an interview in progress can end.
    #[error("interview {0} is not in progress")]
    NotInProgress(String),
    /// Only a completed interview can be approved or rejected.
    #[error("interview {0} is not completed")]
    NotCompleted(String),
    /// Another process (or another handle in this one) has the database open for writing: its lock
    /// file `<database>.lock` is held (issue 10: a second instance is refused, not let in to corrupt).
    #[error("the database {path} is in use by another program")]
    InUse { path: String },
    /// The database file was replaced by another while open: nothing more is written to either; what
    /// the open database held is saved in `rescued`.
    #[error("the database {path} was replaced while open; its content is saved as {rescued}")]
    Replaced { path: String, rescued: String },
    /// The database is encrypted and was opened without its key (a PIN is needed).
    #[error("the database {path} is encrypted: its PIN is needed")]
    Encrypted { path: String },
    /// The key given does not open the database (or the file is not a database).
    #[error("the database {path} cannot be opened with this key, or is not a database")]
    WrongKey { path: String },
    /// A file beside the database (its encrypted copy, its keyring) cannot be written.
    #[error("cannot write {path}: {detail}")]
    Io { path: String, detail: String },
    /// Any other SQLite error (disk full, I/O error).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    fn sqlite_code(&self) -> Option<rusqlite::ErrorCode> {
        match self {
            StoreError::Sqlite(source) | StoreError::Open { source, .. } => source.sqlite_error_code(),
            _ => None,
        }
    }

    /// The storage is full (SQLite's `SQLITE_FULL`: the disk, or the database's page limit).
    pub fn is_disk_full(&self) -> bool {
        self.sqlite_code() == Some(rusqlite::ErrorCode::DiskFull)
    }

    /// The database file cannot be written (`SQLITE_READONLY`).
    pub fn is_read_only(&self) -> bool {
        self.sqlite_code() == Some(rusqlite::ErrorCode::ReadOnly)
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The lifecycle of an interview.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InterviewStatus {
    InProgress,
    Completed,
    /// The respondent stopped the interview (AAPOR 2.12 at its address): its answers are kept, it
    /// takes no more, and it no longer holds a place in its route's quota cell.
    BrokenOff,
    /// The respondent refused the interview (a question the study marks as ending it, such as
    /// consent, was answered "no"; AAPOR 2.112 at its address): its answers are kept, it takes no
    /// more, and it no longer holds a place in its route's quota cell.
    Refused,
}

impl InterviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InterviewStatus::InProgress => "in_progress",
            InterviewStatus::Completed => "completed",
            InterviewStatus::BrokenOff => "broken_off",
            InterviewStatus::Refused => "refused",
        }
    }
    fn parse(s: &str) -> Result<Self> {
        match s {
            "in_progress" => Ok(InterviewStatus::InProgress),
            "completed" => Ok(InterviewStatus::Completed),
            "broken_off" => Ok(InterviewStatus::BrokenOff),
            "refused" => Ok(InterviewStatus::Refused),
            other => Err(StoreError::Corrupt(format!("interview status `{other}`"))),
        }
    }
}

/// The kinds of journal entries.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    InterviewCreated,
    InterviewOpened,
    AnswerSet,
    AnswerChanged,
    AnswerCleared,
    WarningConfirmed,
    LanguageSwitched,
    InterviewCompleted,
    InterviewBrokenOff,
    InterviewRefused,
    /// A supervisor chose one value of an answer in conflict (an answer entry replacing every head).
    ConflictResolved,
    ReviewComment,
    InterviewApproved,
    InterviewRejected,
    /// A rejected interview opened again by its interviewer for correction.
    InterviewReopened,
    /// The interview was drawn for a back-check (the seed in the entry).
    BackcheckDrawn,
    /// A back-check's outcome and the mismatches found (JSON in the entry).
    BackcheckRecorded,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::InterviewCreated => "interview_created",
            EventKind::InterviewOpened => "interview_opened",
            EventKind::AnswerSet => "answer_set",
            EventKind::AnswerChanged => "answer_changed",
            EventKind::AnswerCleared => "answer_cleared",
            EventKind::WarningConfirmed => "warning_confirmed",
            EventKind::LanguageSwitched => "language_switched",
            EventKind::InterviewCompleted => "interview_completed",
            EventKind::InterviewBrokenOff => "interview_broken_off",
            EventKind::InterviewRefused => "interview_refused",
            EventKind::ConflictResolved => "conflict_resolved",
            EventKind::ReviewComment => "review_comment",
            EventKind::InterviewApproved => "interview_approved",
            EventKind::InterviewRejected => "interview_rejected",
            EventKind::InterviewReopened => "interview_reopened",
            EventKind::BackcheckDrawn => "backcheck_drawn",
            EventKind::BackcheckRecorded => "backcheck_recorded",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct InterviewRow {
    pub id: String,
    pub study_id: String,
    pub study_version: String,
    pub status: InterviewStatus,
    pub language: String,
    pub device_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    /// The question the interviewer last had on screen: where a reopened interview resumes.
    pub position: Option<AnswerKey>,
    pub answers: u32,
    /// The supervisor's review: `approved`, `rejected` (sent back for correction) or `corrected`.
    pub review: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredAnswer {
    pub key: AnswerKey,
    pub value: Json,
    pub answered_at: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    pub seq: i64,
    pub id: String,
    pub interview_id: String,
    pub device_id: String,
    pub at: String,
    pub kind: String,
    pub question: Option<String>,
    pub roster: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// A reviewer's note on an interview (see [`Store::review_of`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewNote {
    /// `review_comment`, `interview_rejected` or `interview_approved`.
    pub kind: String,
    /// The answer commented on (none: the whole interview).
    pub key: Option<AnswerKey>,
    pub text: String,
    pub at: String,
    pub device: String,
}

/// How hard a commit pushes data to the disk.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous = FULL`: a commit survives a power cut (an fsync per answer). The default.
    #[default]
    Full,
    /// `synchronous = NORMAL`: a commit survives the app being killed; a power cut may lose the
    /// last few answers (never corrupts the file). Offered for very slow storage.
    Normal,
}

pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) device_id: String,
    pub(crate) faults: batch::Faults,
    /// This database's hybrid logical clock (resumed at open from the last stamps it wrote).
    pub(crate) clock: dala_merge::Clock,
    /// Where this device's own journals stand: their next numbers and last links (see [`audit`]).
    pub(crate) chains: audit::Chains,
    /// The held lock file of a database opened for writing (released when the store is dropped).
    pub(crate) lock: Option<std::fs::File>,
    /// The file a database opened from a path is, to notice it deleted or replaced while open.
    pub(crate) file: Option<(PathBuf, (u64, u64), Durability)>,
    /// Where the content was saved after the file was replaced by another: no more writes.
    pub(crate) rescued: Option<PathBuf>,
    /// The SQLCipher key of an encrypted database (`None`: a plain one).
    pub(crate) key: Option<cipher::Key>,
}

/// How every connection to a database file is set up.
fn configure(conn: &Connection, durability: Durability) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every write statement of a batch is prepared once and cached (`Batch::exec`).
    conn.set_prepared_statement_cache_capacity(64);
    // WAL + FULL: a commit is on disk when it returns, and readers never block the writer.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(
        None,
        "synchronous",
        match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        },
    )?;
    // Checkpoints copy the WAL into the main file. Left to SQLite they fall on whichever commit
    // crosses the threshold, i.e. on an interviewer's tap; Dala runs them itself between
    // interviews (`checkpoint`), and the high threshold is only a safety net.
    conn.pragma_update(None, "wal_autocheckpoint", 20_000)?;
    Ok(())
}

/// The device and inode of a file: a database deleted or replaced while open no longer has them.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// `<path><suffix>`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Takes the exclusive lock of `<database>.lock` (an advisory `flock`, released by the kernel when the
/// process ends, even by a crash). A separate file: SQLite's own POSIX locks on the database would be
/// dropped if this process opened and closed the database file itself. A read-only medium or folder is
/// refused as read-only (`StoreError::is_read_only`); `None` where no lock file can be made for another
/// reason (SQLite then says what is wrong).
fn lock_for_writing(path: &Path) -> Result<Option<std::fs::File>> {
    let name = beside(path, ".lock");
    let file = match std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&name) {
        Ok(file) => file,
        // A read-only medium (a card's lock switch, a filesystem remounted read-only after errors) or a
        // folder this user may not write: nothing can be written there, and SQLite's own error would only
        // say "unable to open database file". Named as SQLite names a read-only database.
        Err(e) if matches!(e.kind(), std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied) => {
            return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                Some(format!("{}: {e}", name.display())),
            )));
        }
        Err(_) => return Ok(None),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse { path: path.display().to_string() }),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// How far ahead of this device's clock a received stamp may be and still move it (one day): a package
/// from a tablet whose date is wrong is imported, but does not drag this device's stamps into the future.
pub(crate) const MAX_CLOCK_AHEAD_MS: u64 = 24 * 3600 * 1000;

pub(crate) fn wall_ms(t: DateTime<Utc>) -> u64 {
    t.timestamp_millis().max(0) as u64
}

/// The clock and the own journals' positions of a database, read back from the last stamps and
/// entries it wrote (each read is one step down an index or the end of a table).
pub(crate) fn resume_sync(conn: &Connection, device_id: &str) -> Result<(dala_merge::Clock, audit::Chains)> {
    let mut last = dala_merge::Hlc::default();
    for sql in [
        "SELECT changed FROM journal ORDER BY seq DESC LIMIT 1",
        "SELECT changed FROM field_journal ORDER BY seq DESC LIMIT 1",
        "SELECT tick FROM sync_log ORDER BY seq DESC LIMIT 1",
    ] {
        let text: Option<Option<String>> = conn.query_row(sql, [], |r| r.get(0)).optional()?;
        if let Some(h) = text.flatten().and_then(|t| t.parse::<dala_merge::Hlc>().ok()) {
            last = last.max(h);
        }
    }
    Ok((dala_merge::Clock::resume(last, MAX_CLOCK_AHEAD_MS), audit::Chains::resume(conn, device_id)?))
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn roster_text(key: &AnswerKey) -> String {
    roster_text_of(&key.roster)
}

pub(crate) fn roster_text_of(roster: &[u32]) -> String {
    roster.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(".")
}

fn parse_roster(s: &str) -> Result<Vec<u32>> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split('.').map(|p| p.parse().map_err(|_| StoreError::Corrupt(format!("roster path `{s}`")))).collect()
}

fn migrations() -> Migrations<'static> {
    // Every migration ends with `PRAGMA foreign_key_check` inside its transaction: a table rebuilt with
    // foreign keys off (migration 3) must leave every reference intact or the upgrade is rolled back.
    Migrations::new(
        migrations::ALL
            .iter()
            .enumerate()
            .map(|(i, sql)| match i + 1 {
                // 8 adds the journals' hash chains; the links of the rows already held are computed in Rust.
                8 => M::up_with_hook(sql, audit::chain_existing).foreign_key_check(),
                _ => M::up(sql).foreign_key_check(),
            })
            .collect(),
    )
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    migrations::ALL.len() as i64
}

impl Store {
    /// Opens (creating if needed) and upgrades a database file. `now` stamps a new device id.
    pub fn open(path: &Path, now: DateTime<Utc>) -> Result<Store> {
        Store::open_with(path, Durability::Full, now)
    }

    pub fn open_with(path: &Path, durability: Durability, now: DateTime<Utc>) -> Result<Store> {
        Store::open_keyed(path, durability, now, None)
    }

    /// Opens (creating if needed) a database encrypted with `key`, or a plain one with `None`. A plain
    /// database opened with a key is first encrypted in place (see [`cipher`]); an encrypted one opened
    /// without a key is refused with [`StoreError::Encrypted`], with a wrong key with
    /// [`StoreError::WrongKey`].
    pub fn open_keyed(path: &Path, durability: Durability, now: DateTime<Utc>, key: Option<&[u8; 32]>) -> Result<Store> {
        let lock = lock_for_writing(path)?;
        match (cipher::file_kind(path), key) {
            (cipher::FileKind::Plain, Some(k)) => cipher::encrypt_file(path, k, &mut |_| {})?,
            (cipher::FileKind::Encrypted, None) => return Err(StoreError::Encrypted { path: path.display().to_string() }),
            _ => {}
        }
        Store::open_locked(path, durability, now, lock, key)
    }

    /// Encrypts this (plain, open) database in place with `key` and goes on with the encrypted file:
    /// the app does this when its first user is set up. The caller has saved the key's keyring first.
    pub fn encrypt(&mut self, key: &[u8; 32]) -> Result<()> {
        self.encrypt_stepwise(key, &mut |_| {})
    }

    /// [`Store::encrypt`], calling `between` after each step (for tests that die there).
    pub fn encrypt_stepwise(&mut self, key: &[u8; 32], between: &mut dyn FnMut(&str)) -> Result<()> {
        if self.key.is_some() {
            return Ok(());
        }
        let Some((path, _, durability)) = self.file.clone() else {
            return Err(StoreError::Io { path: ":memory:".into(), detail: "an in-memory database is not encrypted".into() });
        };
        self.ensure_file()?;
        // The plain connection is closed before the file is replaced under it.
        drop(std::mem::replace(&mut self.conn, Connection::open_in_memory()?));
        if let Err(e) = cipher::encrypt_file(&path, key, between) {
            // Not encrypted (a full disk while copying): the store goes on with the plain file, untouched.
            let conn = Connection::open(&path).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
            configure(&conn, durability)?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            self.conn = conn;
            return Err(e);
        }
        let conn = Connection::open(&path).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        cipher::apply_key(&conn, key)?;
        configure(&conn, durability)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn = conn;
        self.key = Some(zeroize::Zeroizing::new(*key));
        self.file = file_id(&path).map(|id| (path, id, durability));
        Ok(())
    }

    /// Whether the database is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The key of an encrypted database (to wrap it for another user).
    pub fn key(&self) -> Option<&[u8; 32]> {
        self.key.as_deref()
    }

    /// Writes a copy of the whole database to the new file `dest`, encrypted with `key` or plain (the
    /// simulator writes its in-memory devices so).
    pub fn write_copy(&self, dest: &Path, key: Option<&[u8; 32]>) -> Result<()> {
        cipher::export_copy(&self.conn, dest, key)
    }

    /// Opens a database file without taking its write lock: for tests that play a second program
    /// writing the same file (a copy restored from elsewhere, an app restarted while its first handle
    /// lingers). Never compiled into the app.
    #[cfg(any(test, feature = "fault-injection"))]
    pub fn open_without_lock(path: &Path, now: DateTime<Utc>) -> Result<Store> {
        Store::open_locked(path, Durability::Full, now, None, None)
    }

    fn open_locked(
        path: &Path,
        durability: Durability,
        now: DateTime<Utc>,
        lock: Option<std::fs::File>,
        key: Option<&[u8; 32]>,
    ) -> Result<Store> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        if let Some(k) = key {
            cipher::apply_key(&conn, k).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        }
        let mut store = Store::from_connection(conn, durability, now).map_err(|e| match e {
            StoreError::Sqlite(source) | StoreError::Open { source, .. }
                if source.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) =>
            {
                StoreError::WrongKey { path: path.display().to_string() }
            }
            StoreError::Sqlite(source) => StoreError::Open { path: path.display().to_string(), source },
            other => other,
        })?;
        store.key = key.map(|k| zeroize::Zeroizing::new(*k));
        store.lock = lock;
        store.file = file_id(path).map(|id| (path.to_path_buf(), id, durability));
        Ok(store)
    }

    /// Before every unit of work: is the file this store writes still the one it opened? A database
    /// file deleted while open (a cleaning app, a careless copy) would take every later answer with it
    /// when the app closes: its content, still readable through the open connection, is written back
    /// to its place and the store goes on there. A file *replaced* by another is not overwritten: the
    /// open content is saved beside it (`<database>.rescued`) and the store refuses to write on.
    fn ensure_file(&mut self) -> Result<()> {
        if let Some(rescued) = &self.rescued {
            let path = self.file.as_ref().map(|f| f.0.display().to_string()).unwrap_or_default();
            return Err(StoreError::Replaced { path, rescued: rescued.display().to_string() });
        }
        let Some((path, id, durability)) = self.file.clone() else { return Ok(()) };
        let found = file_id(&path);
        if found == Some(id) {
            return Ok(());
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Corrupt(format!("{}: {e}", parent.display())))?;
        }
        let rescue = beside(&path, ".rescued");
        let _ = std::fs::remove_file(&rescue);
        match &self.key {
            // SQLite's backup API cannot write an encrypted copy; SQLCipher's export can.
            Some(k) => cipher::export_copy(&self.conn, &rescue, Some(k))?,
            None => self.conn.backup(rusqlite::MAIN_DB, &rescue, None)?,
        }
        if found.is_some() {
            self.rescued = Some(rescue.clone());
            return Err(StoreError::Replaced { path: path.display().to_string(), rescued: rescue.display().to_string() });
        }
        // Deleted: close the old connection first (it checkpoints into the deleted file and removes
        // its WAL by name), then put the copy in place and reopen it.
        drop(std::mem::replace(&mut self.conn, Connection::open_in_memory()?));
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(beside(&path, suffix));
        }
        std::fs::rename(&rescue, &path).map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display())))?;
        let conn = Connection::open(&path).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        if let Some(k) = &self.key {
            cipher::apply_key(&conn, k)?;
        }
        configure(&conn, durability)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn = conn;
        // The lock file, if it went too, is made and taken again (the old one is held on a deleted file).
        if !beside(&path, ".lock").exists() {
            self.lock = lock_for_writing(&path)?;
        }
        self.file = file_id(&path).map(|id| (path, id, durability));
        Ok(())
    }

    /// An in-memory database, for tests and benchmarks.
    pub fn open_in_memory(now: DateTime<Utc>) -> Result<Store> {
        Store::from_connection(Connection::open_in_memory()?, Durability::Full, now)
    }

    fn from_connection(mut conn: Connection, durability: Durability, now: DateTime<Utc>) -> Result<Store> {
        configure(&conn, durability)?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > schema_version() {
            return Err(StoreError::TooNew { found, supported: schema_version() });
        }
        // Foreign keys are enforced after the migrations: one that rebuilds a table runs without them
        // (SQLite's documented procedure) and checks them itself before committing. (The bundled
        // SQLite turns them on by default, hence the explicit OFF.)
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        migrations().to_latest(&mut conn).map_err(|e| StoreError::Migration(e.to_string()))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let device_id: Option<String> = conn.query_row("SELECT id FROM device LIMIT 1", [], |r| r.get(0)).optional()?;
        let device_id = match device_id {
            Some(d) => d,
            None => {
                let d = uuid::Uuid::new_v4().to_string();
                conn.execute("INSERT INTO device (id, created_at) VALUES (?1, ?2)", params![d, ts(now)])?;
                d
            }
        };
        let (clock, chains) = resume_sync(&conn, &device_id)?;
        Ok(Store { conn, device_id, faults: batch::Faults::default(), clock, chains, lock: None, file: None, rescued: None, key: None })
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Direct access for reports and tests (read-only use expected).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn create_interview(&mut self, study_id: &str, study_version: &str, language: &str, now: DateTime<Utc>) -> Result<String> {
        let mut b = self.batch(now)?;
        let id = b.create_interview(study_id, study_version, language)?;
        b.commit()?;
        Ok(id)
    }

    pub fn interviews(&self) -> Result<Vec<InterviewRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.study_id, i.study_version, i.status, i.language, i.device_id, i.created_at, i.updated_at, i.completed_at, i.position_question, i.position_roster,
                    (SELECT count(*) FROM answers a WHERE a.interview_id = i.id), i.review
             FROM interviews i ORDER BY i.updated_at DESC",
        )?;
        let rows = stmt.query_map([], row_to_interview)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().collect()
    }

    pub fn interview(&self, id: &str) -> Result<InterviewRow> {
        self.conn
            .query_row(
                "SELECT i.id, i.study_id, i.study_version, i.status, i.language, i.device_id, i.created_at, i.updated_at, i.completed_at, i.position_question, i.position_roster,
                        (SELECT count(*) FROM answers a WHERE a.interview_id = i.id), i.review
                 FROM interviews i WHERE i.id = ?1",
                [id],
                row_to_interview,
            )
            .optional()?
            .ok_or_else(|| StoreError::NoInterview(id.to_string()))?
    }

    pub fn answers(&self, interview: &str) -> Result<Vec<StoredAnswer>> {
        let mut stmt = self.conn.prepare_cached("SELECT question, roster, value, answered_at FROM answers WHERE interview_id = ?1")?;
        let rows = stmt.query_map([interview], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (question, roster, value, answered_at) = row?;
            let value = serde_json::from_str(&value).map_err(|e| StoreError::Corrupt(format!("answer {question}: {e}")))?;
            out.push(StoredAnswer { key: AnswerKey { question, roster: parse_roster(&roster)? }, value, answered_at });
        }
        Ok(out)
    }

    pub fn confirmations(&self, interview: &str) -> Result<Vec<(AnswerKey, usize)>> {
        let mut stmt = self.conn.prepare_cached("SELECT question, roster, rule FROM confirmations WHERE interview_id = ?1")?;
        let rows = stmt.query_map([interview], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (question, roster, rule) = row?;
            out.push((AnswerKey { question, roster: parse_roster(&roster)? }, rule as usize));
        }
        Ok(out)
    }

    /// Stores an answer, its journal entry and the new position in one durable transaction.
    pub fn save_answer(
        &mut self,
        interview: &str,
        key: &AnswerKey,
        value: &Json,
        previous: Option<&Json>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut b = self.batch(now)?;
        b.save_answer(interview, key, value, previous)?;
        b.commit()
    }

    pub fn resolve_conflict(&mut self, interview: &str, key: &AnswerKey, value: &Json, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.resolve_conflict(interview, key, value)?;
        b.commit()
    }

    pub fn review(&mut self, interview: &str, decision: Review, reason: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.review(interview, decision, reason)?;
        b.commit()
    }

    /// A note in an interview's journal (back-check draws and outcomes), travelling with it.
    pub fn note(&mut self, interview: &str, kind: EventKind, text: &str, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.note(interview, kind, text)?;
        b.commit()
    }

    /// The notes of one kind in the journal: (interview, text, time), oldest first.
    pub fn notes(&self, kind: EventKind) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT interview_id, coalesce(new_value, ''), at FROM journal WHERE kind = ?1 ORDER BY hlc, device_id")?;
        let rows = stmt.query_map([kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn review_comment(&mut self, interview: &str, key: Option<&AnswerKey>, text: &str, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.review_comment(interview, key, text)?;
        b.commit()
    }

    /// An interview's review state (`approved`, `rejected`, `corrected`) and the reviewers' notes:
    /// comments on answers and the reasons given with approvals and rejections, oldest first.
    pub fn review_of(&self, interview: &str) -> Result<(Option<String>, Vec<ReviewNote>)> {
        let review: Option<String> = self
            .conn
            .query_row("SELECT review FROM interviews WHERE id = ?1", [interview], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NoInterview(interview.to_string()))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, question, roster, new_value, at, device_id FROM journal
             WHERE interview_id = ?1 AND kind IN ('review_comment', 'interview_rejected', 'interview_approved') ORDER BY hlc, device_id",
        )?;
        let notes = stmt
            .query_map([interview], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (kind, q, roster, text, at, device) in notes {
            out.push(ReviewNote {
                kind,
                key: match q {
                    Some(question) => Some(AnswerKey { question, roster: parse_roster(roster.as_deref().unwrap_or(""))? }),
                    None => None,
                },
                text: text.unwrap_or_default(),
                at,
                device,
            });
        }
        Ok((review, out))
    }

    /// The users set up on this device: (name, role, PIN hash, failed attempts since the last success).
    pub fn users(&self) -> Result<Vec<(String, String, String, u32)>> {
        let mut stmt = self.conn.prepare_cached("SELECT name, role, pin_hash, failures FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? as u32)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Adds a user (a name already set up is refused by the database's key).
    pub fn add_user(&mut self, name: &str, role: &str, pin_hash: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO users (name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role, pin_hash, ts(now)],
        )?;
        Ok(())
    }

    /// Replaces a user's PIN hash (a changed PIN); false when there is no such user.
    pub fn set_pin_hash(&mut self, name: &str, pin_hash: &str) -> Result<bool> {
        Ok(self.conn.execute("UPDATE users SET pin_hash = ?2, failures = 0 WHERE name = ?1", params![name, pin_hash])? > 0)
    }

    /// Counts a failed PIN (`ok` false) or clears the count (`ok` true).
    pub fn record_pin_attempt(&mut self, name: &str, ok: bool) -> Result<()> {
        let sql =
            if ok { "UPDATE users SET failures = 0 WHERE name = ?1" } else { "UPDATE users SET failures = failures + 1 WHERE name = ?1" };
        self.conn.execute(sql, [name])?;
        Ok(())
    }

    pub fn clear_answer(&mut self, interview: &str, key: &AnswerKey, previous: &Json, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.clear_answer(interview, key, previous)?;
        b.commit()
    }

    pub fn confirm_warning(&mut self, interview: &str, key: &AnswerKey, rule: usize, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.confirm_warning(interview, key, rule)?;
        b.commit()
    }

    pub fn set_language(&mut self, interview: &str, language: &str, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.set_language(interview, language)?;
        b.commit()
    }

    /// Remembers the question on screen (no journal entry: navigation is not a change of data).
    pub fn set_position(&mut self, interview: &str, key: Option<&AnswerKey>) -> Result<()> {
        self.conn.execute(
            "UPDATE interviews SET position_question = ?2, position_roster = ?3 WHERE id = ?1",
            params![interview, key.map(|k| k.question.clone()), key.map(roster_text)],
        )?;
        Ok(())
    }

    pub fn record_opened(&mut self, interview: &str, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.record_opened(interview)?;
        b.commit()
    }

    pub fn complete(&mut self, interview: &str, now: DateTime<Utc>) -> Result<()> {
        let mut b = self.batch(now)?;
        b.complete(interview)?;
        b.commit()
    }

    pub fn journal_of(&self, interview: &str) -> Result<Vec<JournalEntry>> {
        let mut stmt = self.conn.prepare_cached("SELECT seq, id, interview_id, device_id, at, kind, question, roster, old_value, new_value FROM journal WHERE interview_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([interview], |r| {
            Ok(JournalEntry {
                seq: r.get(0)?,
                id: r.get(1)?,
                interview_id: r.get(2)?,
                device_id: r.get(3)?,
                at: r.get(4)?,
                kind: r.get(5)?,
                question: r.get(6)?,
                roster: r.get(7)?,
                old_value: r.get(8)?,
                new_value: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Copies the WAL into the main database file (called between interviews, not per answer).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

fn row_to_interview(r: &rusqlite::Row) -> rusqlite::Result<Result<InterviewRow>> {
    let status: String = r.get(3)?;
    let pq: Option<String> = r.get(9)?;
    let pr: Option<String> = r.get(10)?;
    let answers: i64 = r.get(11)?;
    let row = (|| -> Result<InterviewRow> {
        Ok(InterviewRow {
            id: r.get(0)?,
            study_id: r.get(1)?,
            study_version: r.get(2)?,
            status: InterviewStatus::parse(&status)?,
            language: r.get(4)?,
            device_id: r.get(5)?,
            created_at: r.get(6)?,
            updated_at: r.get(7)?,
            completed_at: r.get(8)?,
            position: match pq {
                Some(q) => Some(AnswerKey { question: q, roster: parse_roster(pr.as_deref().unwrap_or(""))? }),
                None => None,
            },
            answers: answers as u32,
            review: r.get(12)?,
        })
    })();
    Ok(row)
}

#[cfg(test)]
mod tests;
