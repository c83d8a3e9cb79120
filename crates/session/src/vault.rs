//! The keyring file of an encrypted database (issue 10), and how a program gets the database key.
//!
//! The keyring (`dala_sync::vault::Keyring`) lives beside the database as `<database>.keyring`. It
//! holds the database key wrapped once per user PIN and once per coordinator, never the key itself.
//! It is replaced atomically (written to `<database>.keyring.new`, synced, renamed), so a crash leaves
//! the old keyring or the new one, never half of one. It is written *before* a database is created or
//! encrypted with its key, so no state exists in which the database is encrypted with a key nobody
//! holds.
//!
//! What the keyring shows without a PIN: the users' names and roles (the lock screen lists them) and
//! the coordinators' names. No answer, name of a respondent or address is in it.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use dala_store::cipher::{file_kind, FileKind};
use dala_sync::vault::{DbKey, Keyring, SlotRandom};
use dala_sync::{PublicKey, Role, SecretKey};

use crate::SessionError;

/// Fresh randomness for a new database key and its first slot (drawn by the caller).
#[derive(Clone, Copy)]
pub struct Fresh {
    pub key: [u8; 32],
    pub slot: SlotRandom,
}

/// How a program opens a database's key.
pub enum Unlock<'a> {
    /// A user's PIN (`user: None`: whichever user's slot it opens, as on the command line).
    Pin { user: Option<&'a str>, pin: &'a str },
    /// A coordinator's secret key (recovery).
    Recovery(&'a SecretKey),
    /// No key: the database must be plain.
    Plain,
}

/// `<database>.keyring`.
pub fn keyring_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".keyring");
    PathBuf::from(name)
}

/// The database's keyring, if it has one.
pub fn read_keyring(db: &Path) -> Result<Option<Keyring>, SessionError> {
    let path = keyring_path(db);
    match std::fs::read_to_string(&path) {
        Ok(text) => Keyring::from_json(&text).map(Some).map_err(SessionError::Vault),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SessionError::Io(format!("{}: {e}", path.display()))),
    }
}

/// Replaces the keyring atomically (see the module documentation).
pub fn write_keyring(db: &Path, ring: &Keyring) -> Result<(), SessionError> {
    let path = keyring_path(db);
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".new");
    let tmp = PathBuf::from(tmp_name);
    let io = |p: &Path, e: std::io::Error| SessionError::Io(format!("{}: {e}", p.display()));
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    {
        let mut file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
        file.write_all(ring.to_json().as_bytes()).and_then(|_| file.sync_all()).map_err(|e| io(&tmp, e))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Whether `db` is (or is being made) an encrypted database: it has a keyring, or its file is not plain.
pub fn is_encrypted(db: &Path) -> bool {
    keyring_path(db).exists() || file_kind(db) == FileKind::Encrypted
}

/// The key that opens `db`: `None` for a plain (or not yet existing) database opened with
/// [`Unlock::Plain`]. A PIN's failure is counted in the keyring (and its success clears the count).
pub fn unlock(db: &Path, how: &Unlock<'_>, now: DateTime<Utc>) -> Result<Option<DbKey>, SessionError> {
    let Some(mut ring) = read_keyring(db)? else {
        return match file_kind(db) {
            FileKind::Encrypted => Err(SessionError::NoKeyring(keyring_path(db).display().to_string())),
            _ => Ok(None),
        };
    };
    match how {
        Unlock::Plain => Err(SessionError::Store(dala_store::StoreError::Encrypted { path: db.display().to_string() })),
        Unlock::Recovery(secret) => ring.recover(secret).map(Some).map_err(SessionError::Vault),
        Unlock::Pin { user, pin } => {
            let before = ring.clone();
            let result = ring.unlock(*user, pin, now.timestamp_millis());
            // The count of failures (or its reset) is kept, and only a change is written: opening with the
            // right PIN writes nothing (a full disk must not keep anyone out). A failure that cannot be
            // written (a full disk) still answers "wrong PIN".
            if ring != before {
                let written = write_keyring(db, &ring);
                if result.is_ok() {
                    written?;
                }
            }
            result.map(Some).map_err(SessionError::Vault)
        }
    }
}

/// Makes the keyring of a new encrypted database (or of a plain one about to be encrypted): a fresh
/// key wrapped for `user`'s PIN and for each coordinator in `recovery`. Refuses to replace a keyring.
pub fn create_keyring(
    db: &Path,
    user: &str,
    role: Option<Role>,
    pin: &str,
    fresh: Fresh,
    recovery: &[PublicKey],
) -> Result<DbKey, SessionError> {
    if keyring_path(db).exists() {
        return Err(SessionError::Io(format!("{}: exists", keyring_path(db).display())));
    }
    check_pin(pin)?;
    let key = DbKey::from_bytes(fresh.key);
    let mut ring = Keyring::new(&key, user, role, pin, fresh.slot).map_err(SessionError::Vault)?;
    for coordinator in recovery {
        ring.add_recovery(&key, coordinator).map_err(SessionError::Vault)?;
    }
    write_keyring(db, &ring)?;
    Ok(key)
}

/// Sets `user`'s PIN (a new user's slot, or a changed PIN): the key is re-wrapped, the database is not
/// touched. `key` is the database key, opened by the caller (with the old PIN, another user's, or a
/// coordinator's recovery).
pub fn set_pin(db: &Path, key: &DbKey, user: &str, role: Option<Role>, pin: &str, random: SlotRandom) -> Result<(), SessionError> {
    check_pin(pin)?;
    let mut ring = read_keyring(db)?.ok_or_else(|| SessionError::NoKeyring(keyring_path(db).display().to_string()))?;
    let role = role.or_else(|| ring.slots.iter().find(|s| s.user == user).and_then(|s| s.role));
    ring.set_pin(key, user, role, pin, random).map_err(SessionError::Vault)?;
    write_keyring(db, &ring)
}

/// Adds a coordinator's recovery copy of the key.
pub fn add_recovery(db: &Path, key: &DbKey, coordinator: &PublicKey) -> Result<(), SessionError> {
    let mut ring = read_keyring(db)?.ok_or_else(|| SessionError::NoKeyring(keyring_path(db).display().to_string()))?;
    ring.add_recovery(key, coordinator).map_err(SessionError::Vault)?;
    write_keyring(db, &ring)
}

/// The shortest PIN or passphrase accepted for a database key.
pub const MIN_PIN: usize = crate::users::MIN_PIN;

fn check_pin(pin: &str) -> Result<(), SessionError> {
    if pin.chars().count() < MIN_PIN {
        return Err(SessionError::Vault(dala_sync::VaultError::BadPin(format!("< {MIN_PIN}"))));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn fresh(n: u8) -> Fresh {
        Fresh { key: [n; 32], slot: SlotRandom { salt: [n ^ 1; 16], nonce: [n ^ 2; 12] } }
    }

    #[test]
    fn a_new_keyring_opens_with_the_pin_counts_failures_on_disk_and_recovers_with_the_coordinator() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        let coord = SecretKey::generate(Role::Coordinator, "coord", [3; 32]);
        let now = Utc.timestamp_opt(1_300_000_000, 0).unwrap();
        let key = create_keyring(&db, "ann", Some(Role::Interviewer), "2468", fresh(7), &[coord.public()]).unwrap();
        assert!(is_encrypted(&db));
        assert!(create_keyring(&db, "ann", None, "2468", fresh(8), &[]).is_err(), "a keyring is never replaced by a new key");
        assert_eq!(unlock(&db, &Unlock::Pin { user: None, pin: "2468" }, now).unwrap(), Some(key.clone()));
        assert!(matches!(unlock(&db, &Unlock::Pin { user: Some("ann"), pin: "1357" }, now), Err(SessionError::Vault(_))));
        assert_eq!(read_keyring(&db).unwrap().unwrap().slots[0].failures, 1, "the failure is kept on disk");
        assert_eq!(unlock(&db, &Unlock::Recovery(&coord), now).unwrap(), Some(key.clone()));
        // The right PIN with no failure to clear writes nothing (a full disk must not lock anyone out).
        set_pin(&db, &key, "ann", None, "2468", fresh(10).slot).unwrap();
        let written = std::fs::metadata(keyring_path(&db)).unwrap().modified().unwrap();
        let bytes = std::fs::read(keyring_path(&db)).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(unlock(&db, &Unlock::Pin { user: None, pin: "2468" }, now).unwrap(), Some(key.clone()));
        assert_eq!(std::fs::read(keyring_path(&db)).unwrap(), bytes);
        assert_eq!(std::fs::metadata(keyring_path(&db)).unwrap().modified().unwrap(), written);
        assert!(matches!(unlock(&db, &Unlock::Plain, now), Err(SessionError::Store(_))));
        // A new PIN after recovery: the old one no longer opens, the key is the same.
        set_pin(&db, &key, "ann", None, "9753", fresh(9).slot).unwrap();
        assert!(unlock(&db, &Unlock::Pin { user: None, pin: "2468" }, now).is_err());
        assert_eq!(unlock(&db, &Unlock::Pin { user: None, pin: "9753" }, now).unwrap(), Some(key));
        assert_eq!(read_keyring(&db).unwrap().unwrap().slots[0].role, Some(Role::Interviewer), "the role is kept");
        assert!(!dir.path().join("d.sqlite.keyring.new").exists());
        assert!(matches!(set_pin(&db, &DbKey::from_bytes([1; 32]), "ann", None, "12", fresh(1).slot), Err(SessionError::Vault(_))));
    }

    #[test]
    fn a_plain_or_missing_database_needs_no_key_and_an_encrypted_one_without_keyring_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.sqlite");
        let now = Utc.timestamp_opt(1_300_000_000, 0).unwrap();
        assert_eq!(unlock(&db, &Unlock::Plain, now).unwrap(), None);
        std::fs::write(&db, [0x91u8; 4096]).unwrap();
        assert!(matches!(unlock(&db, &Unlock::Pin { user: None, pin: "1234" }, now), Err(SessionError::NoKeyring(_))));
        std::fs::write(keyring_path(&db), "{\"kind\": \"other\"}").unwrap();
        assert!(matches!(read_keyring(&db), Err(SessionError::Vault(_))));
    }
}
