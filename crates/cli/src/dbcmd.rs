//! `dala db …`: a device database's encryption (issue 10).
//!
//! - `dala db status --db F [--json]`: encrypted or plain; the users with a PIN (and their failed
//!   attempts) and the coordinators who can recover it. Needs no PIN.
//! - `dala db encrypt --db F [--user NAME] [--recovery coord.pub]...`: encrypts a plain database in
//!   place with the PIN (`--pin-file` or DALA_PIN); finishes an encryption a crash interrupted.
//! - `dala db change-pin --db F --new-pin-file P [--user NAME]`: opens the key with the current PIN and
//!   wraps it for the new one; the database file is not rewritten.
//! - `dala db recover --db F --key coord.key --new-pin-file P [--user NAME]`: a lost PIN replaced with
//!   the coordinator's secret key.
//!   With a `--user` the keyring does not have yet, `change-pin` adds that user (any user's PIN opens the
//!   key first).

use std::path::Path;
use std::process::ExitCode;

use dala_questionnaire::Lang;
use dala_session::vault;
use dala_session::SessionError;
use dala_sync::SecretKey;
use serde::Serialize;

use crate::dbkey;
use crate::fieldcmd::Failure;

fn runtime(e: SessionError, lang: Lang) -> Failure {
    Failure::runtime(e.message(lang))
}

#[derive(Serialize)]
struct Status {
    database: String,
    encrypted: bool,
    users: Vec<UserStatus>,
    recovery: Vec<String>,
}

#[derive(Serialize)]
struct UserStatus {
    name: String,
    role: Option<String>,
    failed_attempts: u32,
}

pub fn status(db: &Path, json: bool, lang: Lang) -> ExitCode {
    crate::fieldcmd::exit_with((|| {
        if !db.is_file() && !vault::keyring_path(db).exists() {
            return Err(Failure::no_database(db, lang));
        }
        let ring = vault::read_keyring(db).map_err(|e| runtime(e, lang))?;
        let encrypted = vault::is_encrypted(db);
        let status = Status {
            database: db.display().to_string(),
            encrypted,
            users: ring
                .as_ref()
                .map(|r| {
                    r.slots
                        .iter()
                        .map(|s| UserStatus {
                            name: s.user.clone(),
                            role: s.role.map(|r| r.as_str().to_string()),
                            failed_attempts: s.failures,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            recovery: ring
                .as_ref()
                .map(|r| r.recovery.iter().map(|s| format!("{} ({})", s.coordinator, s.key_id)).collect())
                .unwrap_or_default(),
        };
        if json {
            println!("{}", serde_json::to_string_pretty(&status).expect("a status serializes"));
            return Ok(());
        }
        let (state, users, recovery) = match lang {
            Lang::Ru => {
                (if encrypted { "зашифрована" } else { "НЕ зашифрована" }, "пользователи с PIN-кодом", "восстановление ключом координатора")
            }
            Lang::Kk => (
                if encrypted { "шифрланған" } else { "шифрланбаған" },
                "ПИН-коды бар пайдаланушылар",
                "үйлестіруші кілтімен қалпына келтіру",
            ),
            Lang::En => (if encrypted { "encrypted" } else { "NOT encrypted" }, "users with a PIN", "recovery by a coordinator's key"),
        };
        println!("{}: {state}", db.display());
        let names: Vec<String> = status
            .users
            .iter()
            .map(|u| match (&u.role, u.failed_attempts) {
                (Some(r), 0) => format!("{} ({r})", u.name),
                (None, 0) => u.name.clone(),
                (r, n) => format!("{}{} [{n} ✗]", u.name, r.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()),
            })
            .collect();
        println!("{users}: {}", if names.is_empty() { "—".to_string() } else { names.join(", ") });
        println!("{recovery}: {}", if status.recovery.is_empty() { "—".to_string() } else { status.recovery.join(", ") });
        Ok(())
    })())
}

pub fn encrypt(db: &Path, lang: Lang) -> ExitCode {
    crate::fieldcmd::exit_with((|| {
        if !db.is_file() {
            return Err(Failure::no_database(db, lang));
        }
        let key = match vault::read_keyring(db).map_err(|e| runtime(e, lang))? {
            Some(_) => dbkey::existing(db).map_err(|e| runtime(e, lang))?,
            None => {
                let pin = dbkey::pin().ok_or_else(|| runtime(SessionError::PinNeeded, lang))?;
                Some(vault::create_keyring(db, dbkey::user(), None, pin, dbkey::fresh(), dbkey::recovery()).map_err(|e| runtime(e, lang))?)
            }
        };
        let key = key.ok_or_else(|| runtime(SessionError::PinNeeded, lang))?;
        // Opening with the key encrypts a plain file in place (or finishes an interrupted encryption).
        let store = dala_store::Store::open_keyed(db, dala_store::Durability::Full, chrono::Utc::now(), Some(key.as_bytes()))
            .map_err(|e| runtime(e.into(), lang))?;
        let n = store.interviews().map(|i| i.len()).unwrap_or(0);
        drop(store);
        println!(
            "{}",
            lang.pick(
                format!("База данных {} зашифрована (интервью: {n}).", db.display()),
                format!("{} дерекқоры шифрланды (сұхбаттар: {n}).", db.display()),
                format!("The database {} is encrypted ({n} interviews).", db.display()),
            )
        );
        Ok(())
    })())
}

/// Which user's PIN to set: `--user`, or the only user of the keyring.
fn target_user(db: &Path, lang: Lang) -> Result<String, Failure> {
    let ring = vault::read_keyring(db).map_err(|e| runtime(e, lang))?.ok_or_else(|| {
        runtime(SessionError::Store(dala_store::StoreError::WrongKey { path: db.display().to_string() }), lang).with_plain(db, lang)
    })?;
    if let Some(u) = user_flag() {
        return Ok(u);
    }
    match ring.slots.as_slice() {
        [only] => Ok(only.user.clone()),
        slots => Err(Failure::usage(lang.pick(
            format!(
                "У базы несколько пользователей ({}): укажите, чей PIN-код менять (--user).",
                slots.iter().map(|s| s.user.as_str()).collect::<Vec<_>>().join(", ")
            ),
            format!(
                "Базаның бірнеше пайдаланушысы бар ({}): кімнің ПИН-кодын өзгерту керегін көрсетіңіз (--user).",
                slots.iter().map(|s| s.user.as_str()).collect::<Vec<_>>().join(", ")
            ),
            format!(
                "The database has several users ({}): say whose PIN to set (--user).",
                slots.iter().map(|s| s.user.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ))),
    }
}

fn user_flag() -> Option<String> {
    dbkey::user_given().map(str::to_string)
}

trait WithPlain {
    fn with_plain(self, db: &Path, lang: Lang) -> Failure;
}

impl WithPlain for Failure {
    /// A plain database has no PIN to change.
    fn with_plain(self, db: &Path, lang: Lang) -> Failure {
        Failure::usage(lang.pick(
            format!("База данных {} не зашифрована, у неё нет PIN-кода (зашифровать: dala db encrypt).", db.display()),
            format!("{} дерекқоры шифрланбаған, оның ПИН-коды жоқ (шифрлау: dala db encrypt).", db.display()),
            format!("The database {} is not encrypted and has no PIN (to encrypt it: dala db encrypt).", db.display()),
        ))
    }
}

/// `change-pin` (the key opened with the current PIN) and `recover` (with a coordinator's key).
pub fn set_pin(db: &Path, new_pin_file: &Path, recovery_key: Option<&Path>, lang: Lang) -> ExitCode {
    crate::fieldcmd::exit_with((|| {
        let user = target_user(db, lang)?;
        let new_pin = dbkey::read_pin(new_pin_file).map_err(|e| runtime(e, lang))?;
        let key = match recovery_key {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|e| runtime(SessionError::Io(format!("{}: {e}", path.display())), lang))?;
                let secret = SecretKey::from_text(&text).map_err(|e| Failure::usage(e.message().get(lang).to_string()))?;
                vault::unlock(db, &vault::Unlock::Recovery(&secret), chrono::Utc::now()).map_err(|e| runtime(e, lang))?
            }
            // Any user's current PIN opens the key (a new user's PIN is added so).
            None => {
                let pin = dbkey::pin().ok_or_else(|| {
                    runtime(SessionError::Store(dala_store::StoreError::Encrypted { path: db.display().to_string() }), lang)
                })?;
                vault::unlock(db, &vault::Unlock::Pin { user: None, pin }, chrono::Utc::now()).map_err(|e| runtime(e, lang))?
            }
        };
        let key = key.ok_or_else(|| Failure::runtime(String::new()).with_plain(db, lang))?;
        vault::set_pin(db, &key, &user, None, &new_pin, dbkey::slot_random()).map_err(|e| runtime(e, lang))?;
        println!(
            "{}",
            lang.pick(
                format!("Новый PIN-код пользователя {user} сохранён; база данных не переписывалась."),
                format!("{user} пайдаланушысының жаңа ПИН-коды сақталды; дерекқор қайта жазылмады."),
                format!("The new PIN of {user} is set; the database was not rewritten."),
            )
        );
        Ok(())
    })())
}
