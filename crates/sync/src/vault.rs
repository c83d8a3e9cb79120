//! The keyring of an encrypted device database (issue 10).
//!
//! A device database is encrypted by SQLCipher with a random 256-bit **database key**. The key itself
//! is never stored: the keyring (`<database>.keyring`, a small JSON file beside the database) holds it
//! *wrapped*:
//!
//! - once per user, by a key derived from that user's PIN with **Argon2id** (the `argon2` crate; the
//!   parameters are stored with each slot so later builds can raise them) and sealed with
//!   **ChaCha20-Poly1305** (the `chacha20poly1305` crate; the user's name is authenticated with it);
//! - once per coordinator, **encrypted with age to the coordinator's public key** (the keys of the sync
//!   issue), so a coordinator's secret key recovers a device whose PIN is lost.
//!
//! Changing a PIN re-wraps the same key: the database is not rewritten. A wrong PIN fails the AEAD
//! tag, so the keyring needs no separate verifier. Failed attempts are counted per slot; after
//! [`FREE_ATTEMPTS`] the next attempt must wait ([`retry_after`]), doubling each time. The count is a
//! brake for someone at the app's lock screen; someone who copies the files can try PINs offline, and
//! against that only Argon2id's cost stands (written in docs/robustness.md).
//!
//! Pure: salts, nonces and the database key are passed in; times are passed in; age draws its own
//! ephemeral key inside `age::Encryptor` (as for packages).

use std::io::{Read, Write};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::keys::{hex, unhex};
use crate::{PublicKey, Role, SecretKey};

const KIND: &str = "dala-keyring";
const FORMAT: u32 = 1;
/// Authenticated with every PIN-wrapped key, with the slot's user name.
const AAD_TAG: &[u8] = b"dala.keyring.1";

/// Failed PIN attempts allowed before the next one must wait.
pub const FREE_ATTEMPTS: u32 = 3;
/// The wait after the first failure beyond the free ones; it doubles with each further failure.
pub const FIRST_WAIT_SECS: u64 = 30;
/// The longest wait.
pub const MAX_WAIT_SECS: u64 = 3600;

/// A database key: 32 random bytes, wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl DbKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DbKey {
        DbKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for DbKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// Why a keyring could not be read or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("not a Dala keyring: {0}")]
    Malformed(String),
    #[error("keyring format {0} is newer than this program")]
    TooNew(u32),
    #[error("wrong PIN ({failures} failed attempts)")]
    WrongPin { failures: u32 },
    #[error("too many wrong PINs: wait {seconds} s")]
    Wait { seconds: u64 },
    #[error("no such user in the keyring")]
    NoUser,
    #[error("this key cannot recover the database")]
    NotRecoverable,
    #[error("the PIN cannot be used: {0}")]
    BadPin(String),
}

impl VaultError {
    /// The error in the user's language.
    pub fn message(&self) -> dala_i18n::Localized {
        use dala_i18n::msg;
        match self {
            VaultError::Malformed(detail) => msg!(
                "The database's keyring file is damaged or not a keyring ({detail}).",
                "Файл ключей базы данных повреждён или не является файлом ключей ({detail}).",
                "Дерекқордың кілттер файлы бүлінген немесе кілттер файлы емес ({detail})."
            ),
            VaultError::TooNew(format) => msg!(
                "The database's keyring has format {format}, newer than this program: update Dala.",
                "Файл ключей базы данных имеет формат {format}, новее этой программы: обновите Dala.",
                "Дерекқордың кілттер файлының пішімі {format}, бұл бағдарламадан жаңа: Dala-ны жаңартыңыз."
            ),
            VaultError::WrongPin { failures } => msg!(
                "Wrong PIN (failed attempts: {failures}).",
                "Неверный PIN-код (неудачных попыток: {failures}).",
                "ПИН-код қате (сәтсіз әрекеттер: {failures})."
            ),
            VaultError::Wait { seconds } => msg!(
                "Too many wrong PINs: try again in {seconds} s.",
                "Слишком много неверных PIN-кодов: повторите через {seconds} с.",
                "Қате ПИН-код тым көп: {seconds} с кейін қайталаңыз."
            ),
            VaultError::NoUser => msg!(
                "No such user has a PIN for this database.",
                "У этого пользователя нет PIN-кода для этой базы данных.",
                "Бұл пайдаланушының осы дерекқорға ПИН-коды жоқ."
            ),
            VaultError::NotRecoverable => msg!(
                "This key cannot recover the database: it holds no recovery copy for this coordinator's key.",
                "Этим ключом базу данных не восстановить: в ней нет резервной копии ключа для этого координатора.",
                "Бұл кілтпен дерекқорды қалпына келтіру мүмкін емес: онда осы үйлестірушіге арналған кілттің сақтық көшірмесі жоқ."
            ),
            VaultError::BadPin(detail) => msg!(
                "This PIN cannot be used ({detail}).",
                "Этот PIN-код нельзя использовать ({detail}).",
                "Бұл ПИН-кодты пайдалануға болмайды ({detail})."
            ),
        }
    }
}

/// The Argon2id cost of a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
    /// Memory in KiB.
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for Kdf {
    /// The `argon2` crate's defaults (OWASP's recommendation: 19 MiB, 2 passes, 1 lane).
    fn default() -> Kdf {
        Kdf { m_kib: Params::DEFAULT_M_COST, t: Params::DEFAULT_T_COST, p: Params::DEFAULT_P_COST }
    }
}

/// One user's wrapped copy of the database key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinSlot {
    pub user: String,
    /// The user's role, so the lock screen can list users before the database is open.
    pub role: Option<Role>,
    pub kdf: Kdf,
    salt: String,
    nonce: String,
    wrapped: String,
    /// Failed attempts since the last success.
    pub failures: u32,
    /// When the last failure happened (ms since the epoch).
    pub last_failure_ms: Option<i64>,
}

/// The database key encrypted with age to a coordinator's public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoverySlot {
    pub coordinator: String,
    /// The coordinator key's id (as `dala keys` prints it).
    pub key_id: String,
    /// The age ciphertext, hex.
    wrapped: String,
}

/// The keyring file's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    kind: String,
    format: u32,
    pub slots: Vec<PinSlot>,
    pub recovery: Vec<RecoverySlot>,
}

/// Fresh randomness for one PIN slot, drawn by the caller.
#[derive(Clone, Copy)]
pub struct SlotRandom {
    pub salt: [u8; 16],
    pub nonce: [u8; 12],
}

/// How long a slot with `failures` failed attempts, the last at `last_ms`, must still wait at `now_ms`
/// (seconds, rounded up), or `None` if a PIN may be tried now.
pub fn retry_after(failures: u32, last_ms: Option<i64>, now_ms: i64) -> Option<u64> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(20);
    let wait_ms = (FIRST_WAIT_SECS.saturating_mul(1 << doublings)).min(MAX_WAIT_SECS) as i64 * 1000;
    let since = now_ms - last_ms.unwrap_or(i64::MIN / 2);
    (since < wait_ms).then(|| ((wait_ms - since.max(0)) as u64).div_ceil(1000))
}

impl Keyring {
    /// A keyring with one user's slot.
    pub fn new(key: &DbKey, user: &str, role: Option<Role>, pin: &str, random: SlotRandom) -> Result<Keyring, VaultError> {
        let mut ring = Keyring { kind: KIND.into(), format: FORMAT, slots: Vec::new(), recovery: Vec::new() };
        ring.set_pin(key, user, role, pin, random)?;
        Ok(ring)
    }

    pub fn from_json(text: &str) -> Result<Keyring, VaultError> {
        #[derive(Deserialize)]
        struct Head {
            kind: String,
            format: u32,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| VaultError::Malformed(e.to_string()))?;
        if head.kind != KIND {
            return Err(VaultError::Malformed(format!("kind `{}`", head.kind)));
        }
        if head.format > FORMAT {
            return Err(VaultError::TooNew(head.format));
        }
        let ring: Keyring = serde_json::from_str(text).map_err(|e| VaultError::Malformed(e.to_string()))?;
        if ring.slots.is_empty() && ring.recovery.is_empty() {
            return Err(VaultError::Malformed("no slot".into()));
        }
        Ok(ring)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a keyring serialises")
    }

    /// Adds a user's slot, or replaces it (a changed PIN): the database key stays the same.
    pub fn set_pin(&mut self, key: &DbKey, user: &str, role: Option<Role>, pin: &str, random: SlotRandom) -> Result<(), VaultError> {
        let kdf = Kdf::default();
        let kek = derive(pin, &random.salt, kdf)?;
        let cipher = ChaCha20Poly1305::new_from_slice(kek.as_slice()).expect("32-byte key");
        let wrapped = cipher
            .encrypt(Nonce::from_slice(&random.nonce), Payload { msg: key.as_bytes(), aad: &aad(user) })
            .map_err(|_| VaultError::BadPin("encryption failed".into()))?;
        let slot = PinSlot {
            user: user.to_string(),
            role,
            kdf,
            salt: hex(&random.salt),
            nonce: hex(&random.nonce),
            wrapped: hex(&wrapped),
            failures: 0,
            last_failure_ms: None,
        };
        match self.slots.iter_mut().find(|s| s.user == user) {
            Some(old) => *old = slot,
            None => self.slots.push(slot),
        }
        Ok(())
    }

    /// Removes a user's slot; the last way in (PIN or recovery) is never removed.
    pub fn remove_pin(&mut self, user: &str) -> bool {
        if self.slots.len() + self.recovery.len() <= 1 {
            return false;
        }
        let before = self.slots.len();
        self.slots.retain(|s| s.user != user);
        self.slots.len() < before
    }

    /// Opens the key with a PIN: `user`'s slot, or with `None` every slot in turn (the command line,
    /// where one PIN is given). A failure is counted in the slot(s) tried, a success clears the count;
    /// the caller saves the keyring either way. A slot still waiting after failures is not tried.
    pub fn unlock(&mut self, user: Option<&str>, pin: &str, now_ms: i64) -> Result<DbKey, VaultError> {
        let chosen: Vec<usize> = match user {
            Some(u) => vec![self.slots.iter().position(|s| s.user == u).ok_or(VaultError::NoUser)?],
            None => (0..self.slots.len()).collect(),
        };
        if chosen.is_empty() {
            return Err(VaultError::NoUser);
        }
        let mut wait = None;
        let mut tried = Vec::new();
        for &i in &chosen {
            let slot = &mut self.slots[i];
            if let Some(s) = retry_after(slot.failures, slot.last_failure_ms, now_ms) {
                wait = Some(wait.map_or(s, |w: u64| w.min(s)));
                continue;
            }
            match open_slot(slot, pin) {
                Ok(key) => {
                    slot.failures = 0;
                    slot.last_failure_ms = None;
                    return Ok(key);
                }
                Err(VaultError::WrongPin { .. }) => tried.push(i),
                Err(e) => return Err(e),
            }
        }
        // No slot opened: the failure counts for every slot tried (a PIN that opens one user's slot is not
        // a failure of the others').
        let mut failures = 0;
        for i in tried {
            let slot = &mut self.slots[i];
            slot.failures += 1;
            slot.last_failure_ms = Some(now_ms);
            failures = failures.max(slot.failures);
        }
        match (failures, wait) {
            (0, Some(seconds)) => Err(VaultError::Wait { seconds }),
            _ => Err(VaultError::WrongPin { failures }),
        }
    }

    /// Adds (or renews) a coordinator's recovery copy of the key.
    pub fn add_recovery(&mut self, key: &DbKey, coordinator: &PublicKey) -> Result<(), VaultError> {
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&coordinator.recipient as &dyn age::Recipient))
            .map_err(|e| VaultError::Malformed(e.to_string()))?;
        let mut out = Vec::new();
        let mut writer = encryptor.wrap_output(&mut out).map_err(|e| VaultError::Malformed(e.to_string()))?;
        writer.write_all(key.as_bytes()).and_then(|_| writer.finish().map(|_| ())).map_err(|e| VaultError::Malformed(e.to_string()))?;
        let slot = RecoverySlot { coordinator: coordinator.name.clone(), key_id: coordinator.id(), wrapped: hex(&out) };
        match self.recovery.iter_mut().find(|s| s.key_id == slot.key_id) {
            Some(old) => *old = slot,
            None => self.recovery.push(slot),
        }
        Ok(())
    }

    /// Opens the key with a coordinator's secret key.
    pub fn recover(&self, coordinator: &SecretKey) -> Result<DbKey, VaultError> {
        for slot in &self.recovery {
            let Some(bytes) = unhex(&slot.wrapped) else { continue };
            let Ok(decryptor) = age::Decryptor::new_buffered(&bytes[..]) else { continue };
            let Ok(mut reader) = decryptor.decrypt(std::iter::once(coordinator.identity() as &dyn age::Identity)) else { continue };
            let mut plain = Zeroizing::new(Vec::new());
            if reader.read_to_end(&mut plain).is_ok() && plain.len() == 32 {
                let mut key = [0u8; 32];
                key.copy_from_slice(&plain);
                return Ok(DbKey(key));
            }
        }
        Err(VaultError::NotRecoverable)
    }

    /// The users who have a PIN here, with their roles.
    pub fn users(&self) -> Vec<(String, Option<Role>)> {
        self.slots.iter().map(|s| (s.user.clone(), s.role)).collect()
    }
}

fn aad(user: &str) -> Vec<u8> {
    let mut a = AAD_TAG.to_vec();
    a.extend_from_slice(&(user.len() as u64).to_le_bytes());
    a.extend_from_slice(user.as_bytes());
    a
}

fn derive(pin: &str, salt: &[u8], kdf: Kdf) -> Result<Zeroizing<[u8; 32]>, VaultError> {
    if pin.is_empty() {
        return Err(VaultError::BadPin("empty".into()));
    }
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|e| VaultError::Malformed(e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(pin.as_bytes(), salt, out.as_mut())
        .map_err(|e| VaultError::Malformed(e.to_string()))?;
    Ok(out)
}

fn open_slot(slot: &PinSlot, pin: &str) -> Result<DbKey, VaultError> {
    let malformed = || VaultError::Malformed(format!("slot of `{}`", slot.user));
    let salt = unhex(&slot.salt).ok_or_else(malformed)?;
    let nonce = unhex(&slot.nonce).filter(|n| n.len() == 12).ok_or_else(malformed)?;
    let wrapped = unhex(&slot.wrapped).ok_or_else(malformed)?;
    // Refuse absurd costs from a doctored file before spending them.
    if slot.kdf.m_kib > 4 * 1024 * 1024 || slot.kdf.t > 64 || slot.kdf.p > 16 {
        return Err(malformed());
    }
    let kek = derive(pin, &salt, slot.kdf)?;
    let cipher = ChaCha20Poly1305::new_from_slice(kek.as_slice()).expect("32-byte key");
    let plain = Zeroizing::new(
        cipher
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad(&slot.user) })
            .map_err(|_| VaultError::WrongPin { failures: slot.failures + 1 })?,
    );
    let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| malformed())?;
    Ok(DbKey(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(n: u8) -> SlotRandom {
        SlotRandom { salt: [n; 16], nonce: [n.wrapping_add(1); 12] }
    }

    fn key() -> DbKey {
        DbKey::from_bytes(core::array::from_fn(|i| i as u8 * 7))
    }

    #[test]
    fn the_right_pin_opens_the_key_and_a_wrong_one_is_counted() {
        let mut ring = Keyring::new(&key(), "Айгүл", Some(Role::Interviewer), "4821", random(1)).unwrap();
        assert_eq!(ring.unlock(Some("Айгүл"), "1111", 1000), Err(VaultError::WrongPin { failures: 1 }));
        assert_eq!(ring.slots[0].failures, 1);
        assert_eq!(ring.unlock(Some("Айгүл"), "4821", 2000).unwrap(), key());
        assert_eq!(ring.slots[0].failures, 0);
        assert_eq!(ring.unlock(Some("Бекзат"), "4821", 2000), Err(VaultError::NoUser));
    }

    #[test]
    fn after_the_free_attempts_the_next_must_wait_and_the_wait_doubles() {
        let mut ring = Keyring::new(&key(), "a", None, "4821", random(2)).unwrap();
        for (i, now) in [0, 10, 20].into_iter().enumerate() {
            assert_eq!(ring.unlock(Some("a"), "0000", now), Err(VaultError::WrongPin { failures: i as u32 + 1 }));
        }
        // Even the right PIN is not tried while waiting.
        assert_eq!(ring.unlock(Some("a"), "4821", 1020), Err(VaultError::Wait { seconds: 29 }));
        assert_eq!(ring.unlock(Some("a"), "0000", 30_020), Err(VaultError::WrongPin { failures: 4 }));
        assert_eq!(ring.unlock(Some("a"), "4821", 60_000), Err(VaultError::Wait { seconds: 31 }));
        assert_eq!(ring.unlock(Some("a"), "4821", 90_020).unwrap(), key());
        assert_eq!(retry_after(3 + 40, Some(0), 1), Some(MAX_WAIT_SECS));
        assert_eq!(retry_after(2, Some(0), 1), None);
    }

    #[test]
    fn a_changed_pin_wraps_the_same_key_and_the_old_pin_no_longer_opens_it() {
        let mut ring = Keyring::new(&key(), "a", None, "4821", random(3)).unwrap();
        ring.set_pin(&key(), "a", None, "9999", random(4)).unwrap();
        assert_eq!(ring.slots.len(), 1);
        assert!(matches!(ring.unlock(Some("a"), "4821", 0), Err(VaultError::WrongPin { .. })));
        assert_eq!(ring.unlock(Some("a"), "9999", 0).unwrap(), key());
    }

    #[test]
    fn without_a_user_every_slot_is_tried() {
        let mut ring = Keyring::new(&key(), "a", None, "1111", random(5)).unwrap();
        ring.set_pin(&key(), "b", Some(Role::Supervisor), "2222", random(6)).unwrap();
        assert_eq!(ring.unlock(None, "2222", 0).unwrap(), key());
        assert_eq!(ring.unlock(None, "3333", 0), Err(VaultError::WrongPin { failures: 1 }));
        assert_eq!(ring.users(), vec![("a".to_string(), None), ("b".to_string(), Some(Role::Supervisor))]);
    }

    #[test]
    fn a_slot_moved_to_another_user_does_not_open() {
        let mut ring = Keyring::new(&key(), "a", None, "1111", random(7)).unwrap();
        ring.slots[0].user = "b".into();
        assert!(matches!(ring.unlock(Some("b"), "1111", 0), Err(VaultError::WrongPin { .. })));
    }

    #[test]
    fn the_coordinator_recovers_the_key_and_no_one_else_does() {
        let coordinator = SecretKey::generate(Role::Coordinator, "coord", [9; 32]);
        let other = SecretKey::generate(Role::Coordinator, "other", [8; 32]);
        let mut ring = Keyring::new(&key(), "a", None, "1111", random(8)).unwrap();
        assert_eq!(ring.recover(&coordinator), Err(VaultError::NotRecoverable));
        ring.add_recovery(&key(), &coordinator.public()).unwrap();
        let ring = Keyring::from_json(&ring.to_json()).unwrap();
        assert_eq!(ring.recover(&coordinator).unwrap(), key());
        assert_eq!(ring.recover(&other), Err(VaultError::NotRecoverable));
    }

    #[test]
    fn the_file_holds_no_key_and_bad_files_are_refused() {
        let ring = Keyring::new(&key(), "a", None, "1111", random(9)).unwrap();
        let text = ring.to_json();
        assert!(!text.contains(&hex(key().as_bytes())));
        assert!(matches!(Keyring::from_json("{}"), Err(VaultError::Malformed(_))));
        assert!(matches!(Keyring::from_json(&text.replace("\"format\": 1", "\"format\": 9")), Err(VaultError::TooNew(9))));
        let mut doctored = ring.clone();
        doctored.slots[0].kdf.m_kib = u32::MAX;
        assert!(matches!(doctored.unlock(Some("a"), "1111", 0), Err(VaultError::Malformed(_))));
    }
}
