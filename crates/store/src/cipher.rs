//! Encryption at rest (issue 10): SQLCipher, through rusqlite's `bundled-sqlcipher` feature.
//!
//! A database is opened with a 256-bit raw key (SQLCipher's `x'…'` form: no passphrase derivation of
//! its own, the key was derived or unwrapped by the caller, see `dala_sync::vault`). SQLCipher encrypts
//! every page of the main file and of its WAL; temporary tables and indexes stay in memory
//! (`temp_store = MEMORY`) so no plaintext temporary file is ever written.
//!
//! **Invariant:** encrypting an existing plaintext database in place loses nothing, whenever the
//! process dies. The encrypted copy is written beside the file (`<database>.encrypting`), synced, and
//! only then renamed over the original (one atomic `rename`); until then the original is untouched. A
//! copy left half-written by a crash is deleted and made again at the next open with the key (the
//! caller writes the keyring before it starts, so the key is never lost). Proven by
//! `crates/cli/tests/encryption.rs`, which kills `dala db encrypt` at random points.

use std::io::Read;
use std::path::Path;

use rusqlite::Connection;
use zeroize::Zeroizing;

use crate::{beside, Result, StoreError};

/// A database key (32 bytes, wiped when dropped).
pub type Key = Zeroizing<[u8; 32]>;

/// SQLCipher's raw-key literal `x'<64 hex digits>'`.
fn literal(key: &[u8; 32]) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::with_capacity(67));
    s.push_str("x'");
    for b in key {
        s.push_str(&format!("{b:02x}"));
    }
    s.push('\'');
    s
}

/// Keys a freshly opened connection (before anything reads the file), and keeps temporary files in
/// memory.
pub fn apply_key(conn: &Connection, key: &[u8; 32]) -> rusqlite::Result<()> {
    let lit = literal(key);
    // SQLCipher's own log (on stderr by default: "hmac check failed for pgno=…") is off: a page that fails
    // reaches the caller as an error, and `Store::check_pages` names it in the user's language.
    conn.execute_batch(&Zeroizing::new(format!(
        "PRAGMA cipher_log_level = NONE; PRAGMA key = \"{}\"; PRAGMA temp_store = MEMORY;",
        lit.as_str()
    )))
}

/// What a database file is, from its first 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// No file, or an empty one: a new database.
    Missing,
    /// A plain SQLite database (`SQLite format 3\0`).
    Plain,
    /// Anything else: encrypted (or not a database at all, which the key then tells).
    Encrypted,
}

pub fn file_kind(path: &Path) -> FileKind {
    let Ok(mut file) = std::fs::File::open(path) else { return FileKind::Missing };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(_) => return FileKind::Missing,
        }
    }
    match read {
        0 => FileKind::Missing,
        _ if head[..read] == b"SQLite format 3\0"[..read] => FileKind::Plain,
        _ => FileKind::Encrypted,
    }
}

/// Writes the whole of `conn`'s main database into a new file `dest`, encrypted with `key` or plain,
/// with its schema version; `dest` must not exist. SQLCipher's `sqlcipher_export` copies between an
/// encrypted and a plain database, which SQLite's backup API cannot.
pub(crate) fn export_copy(conn: &Connection, dest: &Path, key: Option<&[u8; 32]>) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let lit = match key {
        Some(k) => literal(k),
        None => Zeroizing::new(String::new()),
    };
    conn.execute("ATTACH DATABASE ?1 AS dala_copy KEY ?2", rusqlite::params![dest.to_string_lossy(), lit.as_str()])?;
    let copied = conn
        .query_row("SELECT sqlcipher_export('dala_copy')", [], |_| Ok(()))
        .and_then(|_| conn.execute_batch(&format!("PRAGMA dala_copy.user_version = {version};")));
    let detached = conn.execute_batch("DETACH DATABASE dala_copy");
    copied?;
    detached?;
    Ok(())
}

/// Copies an encrypted (or plain) file into `memory`'s main database.
pub(crate) fn import_copy(memory: &Connection, src: &Path, key: Option<&[u8; 32]>) -> Result<()> {
    let lit = match key {
        Some(k) => literal(k),
        None => Zeroizing::new(String::new()),
    };
    memory.execute("ATTACH DATABASE ?1 AS dala_src KEY ?2", rusqlite::params![src.to_string_lossy(), lit.as_str()])?;
    let copied = (|| -> rusqlite::Result<()> {
        let version: i64 = memory.query_row("PRAGMA dala_src.user_version", [], |r| r.get(0))?;
        memory.query_row("SELECT sqlcipher_export('main', 'dala_src')", [], |_| Ok(()))?;
        memory.execute_batch(&format!("PRAGMA main.user_version = {version};"))
    })();
    let detached = memory.execute_batch("DETACH DATABASE dala_src");
    copied?;
    detached?;
    Ok(())
}

fn io_err(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Io { path: path.display().to_string(), detail: e.to_string() }
}

/// Syncs a file's content and its folder's entry for it.
pub(crate) fn sync_file_and_dir(path: &Path) -> Result<()> {
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(|e| io_err(path, e))?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // A folder cannot be synced on every platform; where it can, the rename is then durable too.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Encrypts the plaintext database at `path` (closed by everyone) in place with `key` (see the
/// module's invariant). `between` is called after each step, for the tests that die there.
pub(crate) fn encrypt_file(path: &Path, key: &[u8; 32], between: &mut dyn FnMut(&str)) -> Result<()> {
    let tmp = beside(path, ".encrypting");
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| io_err(&tmp, e))?;
    }
    let open_err = |source| StoreError::Open { path: path.display().to_string(), source };
    let conn = Connection::open(path).map_err(open_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(open_err)?;
    // Everything committed in the WAL goes into the copy (sqlcipher_export reads through it anyway;
    // the checkpoint leaves no WAL behind to pair with the new file).
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(open_err)?;
    between("checkpointed");
    export_copy(&conn, &tmp, Some(key))?;
    between("copied");
    sync_file_and_dir(&tmp)?;
    between("synced");
    drop(conn);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(path, suffix));
    }
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))?;
    sync_file_and_dir(path)?;
    between("renamed");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_key_is_given_to_sqlcipher_as_a_raw_key_literal() {
        let lit = super::literal(&[0xab; 32]);
        assert_eq!(lit.len(), 67);
        assert!(lit.starts_with("x'abab") && lit.ends_with("ab'"));
    }
}
