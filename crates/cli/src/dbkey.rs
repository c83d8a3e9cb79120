//! How the command line gets a database's key (issue 10).
//!
//! Every command that opens a database takes its PIN from `--pin-file <file>` (the file's first line)
//! or the `DALA_PIN` environment variable; a coordinator may open a device's database with their
//! secret key instead (`--recovery-key <.key>`). A new database is encrypted with the PIN (its keyring
//! gets a slot for `--user`, default `admin`, and a recovery copy for each `--recovery <.pub>`); a
//! new unencrypted one is made only with `--unencrypted`. An existing plain database is opened as it
//! is (`dala db encrypt` encrypts it).
//!
//! The options are global (`dala --pin-file p export …` and `dala export … --pin-file p` alike) and
//! are read once in `main` ([`init`]).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::Utc;
use dala_session::vault::{self, Fresh, Unlock};
use dala_session::SessionError;
use dala_sync::vault::SlotRandom;
use dala_sync::{DbKey, PublicKey, SecretKey};
use rand::Rng;
use zeroize::Zeroizing;

/// The user name of a keyring slot made on the command line, unless `--user` says otherwise.
pub const DEFAULT_USER: &str = "admin";

#[derive(Default)]
pub struct Access {
    pin: Option<Zeroizing<String>>,
    unencrypted: bool,
    user: Option<String>,
    recovery: Vec<PublicKey>,
    recovery_key: Option<SecretKey>,
}

static ACCESS: OnceLock<Access> = OnceLock::new();

/// The global options, as given.
pub struct Options<'a> {
    pub pin_file: Option<&'a Path>,
    pub unencrypted: bool,
    pub user: Option<String>,
    pub recovery: &'a [PathBuf],
    pub recovery_key: Option<&'a Path>,
}

/// Reads the PIN file, the `DALA_PIN` variable and the keys named (once, in `main`).
pub fn init(o: Options<'_>) -> Result<(), SessionError> {
    let pin = match o.pin_file {
        Some(path) => Some(read_pin(path)?),
        None => std::env::var("DALA_PIN").ok().filter(|p| !p.is_empty()).map(Zeroizing::new),
    };
    let mut recovery = Vec::new();
    for path in o.recovery {
        let text = std::fs::read_to_string(path).map_err(|e| SessionError::Io(format!("{}: {e}", path.display())))?;
        recovery.push(PublicKey::from_text(&text).map_err(|e| SessionError::BadInput(format!("{}: {}", path.display(), e.message().en)))?);
    }
    let recovery_key = match o.recovery_key {
        Some(path) => {
            let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| SessionError::Io(format!("{}: {e}", path.display())))?);
            Some(SecretKey::from_text(&text).map_err(|e| SessionError::BadInput(format!("{}: {}", path.display(), e.message().en)))?)
        }
        None => None,
    };
    let _ = ACCESS.set(Access { pin, unencrypted: o.unencrypted, user: o.user, recovery, recovery_key });
    Ok(())
}

/// A PIN file's first line (without its line end).
pub fn read_pin(path: &Path) -> Result<Zeroizing<String>, SessionError> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| SessionError::Io(format!("{}: {e}", path.display())))?);
    let pin = text.lines().next().unwrap_or("").trim_end_matches('\r').to_string();
    if pin.is_empty() {
        return Err(SessionError::BadInput(format!("{}: empty", path.display())));
    }
    Ok(Zeroizing::new(pin))
}

fn access() -> &'static Access {
    ACCESS.get_or_init(Access::default)
}

/// The PIN given, if any.
pub fn pin() -> Option<&'static str> {
    access().pin.as_deref().map(String::as_str)
}

/// The user name for a new keyring slot.
pub fn user() -> &'static str {
    access().user.as_deref().unwrap_or(DEFAULT_USER)
}

/// Whether `--unencrypted` was given.
pub fn is_unencrypted() -> bool {
    access().unencrypted
}

/// The `--user` given, if any.
pub fn user_given() -> Option<&'static str> {
    access().user.as_deref()
}

/// The coordinators' public keys given with `--recovery`.
pub fn recovery() -> &'static [PublicKey] {
    &access().recovery
}

/// Fresh randomness from the operating system.
pub fn fresh() -> Fresh {
    let mut rng = rand::rng();
    let mut key = [0u8; 32];
    rng.fill(&mut key);
    Fresh { key, slot: slot_random() }
}

pub fn slot_random() -> SlotRandom {
    let mut rng = rand::rng();
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    rng.fill(&mut salt);
    rng.fill(&mut nonce);
    SlotRandom { salt, nonce }
}

/// How this run opens an existing keyring: the recovery key if given, else the PIN.
fn unlock_how() -> Option<Unlock<'static>> {
    let a = access();
    if let Some(secret) = &a.recovery_key {
        return Some(Unlock::Recovery(secret));
    }
    a.pin.as_deref().map(|pin| Unlock::Pin { user: a.user.as_deref(), pin: pin.as_str() })
}

/// The key of the existing database `db` (`None`: a plain one, or none there).
pub fn existing(db: &Path) -> Result<Option<DbKey>, SessionError> {
    if vault::read_keyring(db)?.is_none() {
        return vault::unlock(db, &Unlock::Plain, Utc::now());
    }
    match unlock_how() {
        Some(how) => vault::unlock(db, &how, Utc::now()),
        None => Err(SessionError::Store(dala_store::StoreError::Encrypted { path: db.display().to_string() })),
    }
}

/// The key for `db`, which may not exist yet: an existing database's as [`existing`]; for a new one
/// a fresh key and keyring with the PIN, or `None` with `--unencrypted`.
pub fn for_writing(db: &Path) -> Result<Option<DbKey>, SessionError> {
    if vault::is_encrypted(db) || dala_store::cipher::file_kind(db) == dala_store::cipher::FileKind::Plain {
        return existing(db);
    }
    let a = access();
    if a.unencrypted {
        return Ok(None);
    }
    let Some(pin) = a.pin.as_deref() else { return Err(SessionError::PinNeeded) };
    vault::create_keyring(db, user(), None, pin, fresh(), recovery()).map(Some)
}

/// Opens a session on `db` (creating it, encrypted, if it does not exist).
pub fn open_session(study: &Path, db: &Path) -> Result<dala_session::Session, SessionError> {
    let key = for_writing(db)?;
    dala_session::Session::open_keyed(study, db, dala_store::Durability::Full, key.as_ref())
}

/// Opens the store of `db` for writing (creating it, encrypted, if it does not exist).
pub fn open_store(db: &Path) -> Result<dala_store::Store, SessionError> {
    let key = for_writing(db)?;
    Ok(dala_store::Store::open_keyed(db, dala_store::Durability::Full, Utc::now(), key.as_ref().map(|k| k.as_bytes()))?)
}

/// Opens the existing database `db` for reading only.
pub fn open_read_only(db: &Path) -> Result<dala_store::Store, SessionError> {
    let key = existing(db)?;
    Ok(dala_store::Store::open_read_only_keyed(db, key.as_ref().map(|k| k.as_bytes()))?)
}
