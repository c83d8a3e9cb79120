//! Opening a device database for reading only: reports and (later) exports read a device's file
//! without ever changing it.
//!
//! **Invariant:** a read-only open writes nothing to the file: no migration, no device id, no
//! journal mode change. A database of the current schema is read in place through a
//! `SQLITE_OPEN_READ_ONLY` connection; an older one is copied into memory with SQLite's backup API and
//! upgraded there, so the file on the device keeps its old version for the app to upgrade itself.
//! A database newer than this program is refused (`StoreError::TooNew`), as by `Store::open`.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::{migrations, schema_version, Result, Store, StoreError};

impl Store {
    /// Opens a database file for reading only (see the module documentation). Writes through the
    /// returned store fail on a file of the current schema, and go to the in-memory copy otherwise.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        Store::open_read_only_keyed(path, None)
    }

    /// [`Store::open_read_only`] of a database encrypted with `key` (or a plain one with `None`).
    pub fn open_read_only_keyed(path: &Path, key: Option<&[u8; 32]>) -> Result<Store> {
        let open_err = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongKey { path: path.display().to_string() },
            _ => StoreError::Open { path: path.display().to_string(), source },
        };
        let key = match (crate::cipher::file_kind(path), key) {
            (crate::cipher::FileKind::Encrypted, None) => return Err(StoreError::Encrypted { path: path.display().to_string() }),
            // A plain file with a key: its encryption was interrupted (the keyring was written, the
            // encrypted copy not yet renamed over it). Reading does not finish it; the file is read as
            // it still is.
            (crate::cipher::FileKind::Plain, Some(_)) => None,
            (_, key) => key,
        };
        if !path.is_file() {
            return Err(open_err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some("no such file".into()),
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        // Without a WAL file no one is writing the database: it is opened as immutable, so SQLite does
        // not even create its shared-memory file next to it. With one (the app is running, or stopped
        // without a checkpoint) the WAL's committed answers must be read, through the usual read-only
        // connection, which uses the existing files.
        let wal = path.with_file_name(format!("{}-wal", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        let file =
            if wal.exists() { Connection::open_with_flags(path, flags) } else { Connection::open_with_flags(immutable_uri(path), flags) }
                .map_err(open_err)?;
        if let Some(k) = key {
            crate::cipher::apply_key(&file, k).map_err(open_err)?;
        }
        file.busy_timeout(std::time::Duration::from_secs(5)).map_err(open_err)?;
        let found: i64 = file.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(open_err)?;
        if found > schema_version() {
            return Err(StoreError::TooNew { found, supported: schema_version() });
        }
        let conn = if found == schema_version() {
            file
        } else {
            let mut memory = Connection::open_in_memory()?;
            match key {
                // The backup API cannot read an encrypted file into a plain one; SQLCipher's export can.
                Some(k) => {
                    drop(file);
                    crate::cipher::import_copy(&memory, path, Some(k))?;
                }
                None => {
                    {
                        let backup = rusqlite::backup::Backup::new(&file, &mut memory)?;
                        backup.run_to_completion(256, std::time::Duration::ZERO, None)?;
                    }
                    drop(file);
                }
            }
            // As in `Store::open`: the migrations that rebuild tables run with foreign keys off.
            memory.pragma_update(None, "foreign_keys", "OFF")?;
            migrations().to_latest(&mut memory).map_err(|e| StoreError::Migration(e.to_string()))?;
            memory
        };
        let device_id: Option<String> = conn.query_row("SELECT id FROM device LIMIT 1", [], |r| r.get(0)).optional()?;
        let device_id = device_id.unwrap_or_default();
        let (clock, chains) = crate::resume_sync(&conn, &device_id)?;
        Ok(Store {
            conn,
            device_id,
            faults: crate::batch::Faults::default(),
            clock,
            chains,
            lock: None,
            file: None,
            rescued: None,
            key: key.map(|k| zeroize::Zeroizing::new(*k)),
        })
    }
}

/// `file:<path>?immutable=1`, with the characters that URIs reserve escaped.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for ch in path.to_string_lossy().chars() {
        match ch {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn bytes_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_current_file_is_read_in_place_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device 50% #1?.sqlite");
        {
            let mut s = Store::open(&path, Utc.timestamp_opt(0, 0).unwrap()).unwrap();
            s.create_interview("x", "1", "ru", Utc.timestamp_opt(1, 0).unwrap()).unwrap();
            s.checkpoint().unwrap();
        }
        let before = bytes_of(dir.path());
        let s = Store::open_read_only(&path).unwrap();
        assert_eq!(s.interviews().unwrap().len(), 1);
        // A write through a read-only store fails instead of changing the file.
        let mut s = s;
        assert!(s.create_interview("x", "1", "ru", Utc.timestamp_opt(2, 0).unwrap()).is_err());
        drop(s);
        let after = bytes_of(dir.path());
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, b)| format!("{n} {}", b.len())).collect::<Vec<_>>();
        assert_eq!(names(&after), names(&before));
        assert_eq!(after, before, "the folder is unchanged: no new WAL, no migration, no device id");
    }

    #[test]
    fn a_database_in_use_is_read_with_what_its_wal_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("live.sqlite");
        let mut app = Store::open(&path, Utc.timestamp_opt(0, 0).unwrap()).unwrap();
        app.create_interview("x", "1", "ru", Utc.timestamp_opt(1, 0).unwrap()).unwrap();
        assert!(dir.path().join("live.sqlite-wal").exists(), "the app's commit sits in the WAL");
        let report = Store::open_read_only(&path).unwrap();
        assert_eq!(report.interviews().unwrap().len(), 1, "a committed interview in the WAL is seen");
        app.create_interview("x", "1", "ru", Utc.timestamp_opt(2, 0).unwrap()).unwrap();
        assert_eq!(Store::open_read_only(&path).unwrap().interviews().unwrap().len(), 2);
    }

    #[test]
    fn an_old_file_is_upgraded_in_memory_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(migrations::ALL[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute("INSERT INTO device (id, created_at) VALUES ('dev-1', 't')", []).unwrap();
            conn.execute("INSERT INTO interviews (id, study_id, study_version, status, language, device_id, created_at, updated_at) VALUES ('i1', 'kmrs-2010', '1', 'in_progress', 'kk', 'dev-1', 't', 't')", []).unwrap();
        }
        let before = bytes_of(dir.path());
        let s = Store::open_read_only(&path).unwrap();
        assert_eq!(s.device_id(), "dev-1");
        assert_eq!(s.interviews().unwrap().len(), 1);
        assert!(s.addresses(None).unwrap().is_empty(), "the fieldwork tables of later migrations exist in the copy");
        drop(s);
        assert_eq!(bytes_of(dir.path()), before, "the old file keeps its version");
    }

    #[test]
    fn a_newer_file_and_a_missing_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", schema_version() + 1).unwrap();
        }
        assert!(matches!(Store::open_read_only(&path), Err(StoreError::TooNew { .. })));
        assert!(matches!(Store::open_read_only(&dir.path().join("none.sqlite")), Err(StoreError::Open { .. })));
        assert!(!dir.path().join("none.sqlite").exists(), "nothing is created");
    }
}
