//! The app's users on a device (issue 8): each is set up with a role (interviewer, supervisor,
//! coordinator) and a PIN, stored only as an Argon2id hash (the `argon2` crate; the salt is drawn by the
//! caller). A device with no user set up runs as a demo, open to anyone; once a user exists, the app opens
//! only with a PIN and locks again after idle time (the shell keeps who is signed in).
//!
//! What each role sees follows from what its database holds: an interviewer's database has their own
//! routes and interviews (packages sent down are filtered to them), a supervisor's their team's, a
//! coordinator's everything. The role decides which screens the app offers (review and dashboard for
//! supervisors and coordinators).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use dala_i18n::{msg, Localized};
use dala_sync::Role;
use serde::Serialize;
use ts_rs::TS;

use crate::{Session, SessionError};

/// The shortest PIN accepted.
pub const MIN_PIN: usize = 4;

/// A user as the app shows them (never their PIN hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct UserView {
    pub name: String,
    /// `interviewer`, `supervisor` or `coordinator`.
    pub role: String,
}

/// Why setting up or signing in failed, in ru/kk/en.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserError {
    BadName,
    BadRole,
    ShortPin,
    NameTaken,
    /// A wrong PIN, with the failures so far.
    WrongPin(u32),
    NoUser,
}

impl UserError {
    pub fn message(&self) -> Localized {
        match self {
            UserError::BadName => msg!(
                "Write the user's name (letters, digits, spaces, - and _).",
                "Напишите имя пользователя (буквы, цифры, пробелы, - и _).",
                "Пайдаланушының атын жазыңыз (әріптер, сандар, бос орын, - және _)."
            ),
            UserError::BadRole => msg!(
                "Choose a role: interviewer, supervisor or coordinator.",
                "Выберите роль: интервьюер, супервайзер или координатор.",
                "Рөлді таңдаңыз: интервьюер, супервайзер немесе үйлестіруші."
            ),
            UserError::ShortPin => {
                let n = MIN_PIN;
                msg!(
                    "The PIN must have at least {n} digits.",
                    "PIN-код должен быть не короче {n} цифр.",
                    "PIN-код кемінде {n} цифрдан тұруы керек."
                )
            }
            UserError::NameTaken => msg!(
                "A user with this name is already set up on this device.",
                "Пользователь с таким именем уже есть на этом устройстве.",
                "Бұл құрылғыда осындай аты бар пайдаланушы бар."
            ),
            UserError::WrongPin(n) => msg!(
                "Wrong PIN (failed attempts: {n}).",
                "Неверный PIN-код (неудачных попыток: {n}).",
                "PIN-код қате (сәтсіз әрекеттер: {n})."
            ),
            UserError::NoUser => {
                msg!("No such user on this device.", "На этом устройстве нет такого пользователя.", "Бұл құрылғыда мұндай пайдаланушы жоқ.")
            }
        }
    }
}

/// The roles `by` may set up on a device: on a device with no user yet (`by` is `None`), the first user of
/// any role; a coordinator, any role; a supervisor, interviewers and supervisors; an interviewer, none
/// (so no one signs in as a coordinator by setting one up).
pub fn roles_to_set_up(by: Option<&UserView>) -> Vec<&'static str> {
    let all = [Role::Interviewer, Role::Supervisor, Role::Coordinator];
    let allowed: &[Role] = match by.map(|u| Role::parse(&u.role)) {
        None => &all,
        Some(Some(Role::Coordinator)) => &all,
        Some(Some(Role::Supervisor)) => &all[..2],
        Some(Some(Role::Interviewer)) | Some(None) => &[],
    };
    allowed.iter().map(|r| r.as_str()).collect()
}

/// Either a user problem or the database's.
#[derive(Debug)]
pub enum SignInError {
    User(UserError),
    Session(SessionError),
}

impl From<dala_store::StoreError> for SignInError {
    fn from(e: dala_store::StoreError) -> SignInError {
        SignInError::Session(e.into())
    }
}

impl Session {
    /// The users set up on this device (none: the app runs as an open demo).
    pub fn users(&self) -> Result<Vec<UserView>, SessionError> {
        Ok(self.store().users()?.into_iter().map(|(name, role, _, _)| UserView { name, role }).collect())
    }

    /// Sets up a user with a role and a PIN (hashed with Argon2id and the caller's random salt).
    pub fn add_user(&mut self, role: &str, name: &str, pin: &str, salt: [u8; 16], now: DateTime<Utc>) -> Result<UserView, SignInError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 || !name.chars().all(|c| c.is_alphanumeric() || " -_.".contains(c)) {
            return Err(SignInError::User(UserError::BadName));
        }
        let role = Role::parse(role).ok_or(SignInError::User(UserError::BadRole))?;
        if pin.chars().count() < MIN_PIN || !pin.chars().all(|c| c.is_ascii_digit()) {
            return Err(SignInError::User(UserError::ShortPin));
        }
        if self.store().users()?.iter().any(|u| u.0.to_lowercase() == name.to_lowercase()) {
            return Err(SignInError::User(UserError::NameTaken));
        }
        let salt = SaltString::encode_b64(&salt).map_err(|_| SignInError::User(UserError::ShortPin))?;
        let hash = Argon2::default().hash_password(pin.as_bytes(), &salt).map_err(|_| SignInError::User(UserError::ShortPin))?.to_string();
        self.store_mut().add_user(name, role.as_str(), &hash, now)?;
        Ok(UserView { name: name.to_string(), role: role.as_str().to_string() })
    }

    /// Checks a user's PIN; failures are counted (and cleared by a success).
    pub fn sign_in(&mut self, name: &str, pin: &str) -> Result<UserView, SignInError> {
        let users = self.store().users()?;
        let Some((name, role, hash, failures)) = users.into_iter().find(|u| u.0 == name) else {
            return Err(SignInError::User(UserError::NoUser));
        };
        let parsed = PasswordHash::new(&hash).map_err(|_| SignInError::User(UserError::WrongPin(failures + 1)))?;
        let ok = Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok();
        self.store_mut().record_pin_attempt(&name, ok)?;
        if ok {
            Ok(UserView { name, role })
        } else {
            Err(SignInError::User(UserError::WrongPin(failures + 1)))
        }
    }
}

/// Encrypted databases (issue 10). The first user set up on a device encrypts its database: a fresh key,
/// wrapped for that user's PIN (and for every coordinator whose public key is in the keys folder), and the
/// database encrypted in place. Later users get their own slot for the same key. On an encrypted database
/// the keyring is the authority for PINs (a PIN changed with `dala db change-pin` or a coordinator's
/// recovery counts at once); the stored hash stays for plain databases.
impl Session {
    /// Sets up a user as [`Session::add_user`] does, and gives them a PIN slot in the keyring; the first
    /// user on a plain database file encrypts it (`fresh`: the new key and the slot's randomness).
    pub fn add_user_encrypted(
        &mut self,
        role: &str,
        name: &str,
        pin: &str,
        salt: [u8; 16],
        fresh: crate::vault::Fresh,
        now: DateTime<Utc>,
    ) -> Result<UserView, SignInError> {
        let user = self.add_user(role, name, pin, salt, now)?;
        let Some(db) = self.db_path().map(std::path::Path::to_path_buf) else { return Ok(user) };
        let role = Role::parse(&user.role);
        match self.db_key() {
            Some(key) => crate::vault::set_pin(&db, &key, &user.name, role, pin, fresh.slot)?,
            None => {
                let coordinators = self.coordinator_keys();
                let key = crate::vault::create_keyring(&db, &user.name, role, pin, fresh, &coordinators)?;
                self.encrypt(&key)?;
            }
        }
        Ok(user)
    }

    /// Changes a user's PIN after checking the current one: the stored hash, and on an encrypted database
    /// the user's keyring slot (the key is re-wrapped; the database file is not rewritten).
    pub fn change_pin(
        &mut self,
        name: &str,
        current: &str,
        new: &str,
        salt: [u8; 16],
        slot: dala_sync::vault::SlotRandom,
        now: DateTime<Utc>,
    ) -> Result<UserView, SignInError> {
        if new.chars().count() < MIN_PIN || !new.chars().all(|c| c.is_ascii_digit()) {
            return Err(SignInError::User(UserError::ShortPin));
        }
        let user = self.sign_in_any(name, current, now)?;
        let salt = SaltString::encode_b64(&salt).map_err(|_| SignInError::User(UserError::ShortPin))?;
        let hash = Argon2::default().hash_password(new.as_bytes(), &salt).map_err(|_| SignInError::User(UserError::ShortPin))?.to_string();
        self.store_mut().set_pin_hash(name, &hash)?;
        if let (Some(db), Some(key)) = (self.db_path().map(std::path::Path::to_path_buf), self.db_key()) {
            crate::vault::set_pin(&db, &key, name, Role::parse(&user.role), new, slot)?;
        }
        Ok(user)
    }

    /// Signs in: through the keyring on an encrypted database, else against the stored hash.
    pub fn sign_in_any(&mut self, name: &str, pin: &str, now: DateTime<Utc>) -> Result<UserView, SignInError> {
        let Some(db) = self.db_path().filter(|db| crate::vault::is_encrypted(db)).map(std::path::Path::to_path_buf) else {
            return self.sign_in(name, pin);
        };
        let key = crate::vault::unlock(&db, &crate::vault::Unlock::Pin { user: Some(name), pin }, now)?;
        if let Some(key) = key {
            self.add_missing_recovery(&db, &key)?;
        }
        Ok(self.user_view(name, &db))
    }

    /// Opens an encrypted database from the lock screen with a user's PIN.
    pub fn open_with_pin(
        study_dir: &std::path::Path,
        db: &std::path::Path,
        durability: dala_store::Durability,
        name: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(Session, UserView), SignInError> {
        let key = crate::vault::unlock(db, &crate::vault::Unlock::Pin { user: Some(name), pin }, now)?;
        let session = Session::open_keyed(study_dir, db, durability, key.as_ref())?;
        if let Some(key) = &key {
            session.add_missing_recovery(db, key)?;
        }
        let user = session.user_view(name, db);
        Ok((session, user))
    }

    /// The users a locked encrypted database's keyring lists.
    pub fn keyring_users(db: &std::path::Path) -> Result<Vec<UserView>, SessionError> {
        Ok(crate::vault::read_keyring(db)?
            .map(|r| {
                r.users()
                    .into_iter()
                    .map(|(name, role)| UserView { name, role: role.unwrap_or(Role::Interviewer).as_str().to_string() })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The coordinators' public keys in this device's keys folder (they can recover its database).
    pub fn coordinator_keys(&self) -> Vec<dala_sync::PublicKey> {
        let dir = self.keys_dir();
        crate::sync::read_trust(&[dir]).map(|keys| keys.into_iter().filter(|k| k.role == Role::Coordinator).collect()).unwrap_or_default()
    }

    /// Gives every coordinator of the keys folder a recovery copy, if they have none yet (a key put
    /// there after the database was encrypted).
    fn add_missing_recovery(&self, db: &std::path::Path, key: &dala_sync::DbKey) -> Result<(), SessionError> {
        let Some(ring) = crate::vault::read_keyring(db)? else { return Ok(()) };
        for coordinator in self.coordinator_keys() {
            if !ring.recovery.iter().any(|r| r.key_id == coordinator.id()) {
                crate::vault::add_recovery(db, key, &coordinator)?;
            }
        }
        Ok(())
    }

    /// A user's name and role: the role stored in the database, else the keyring's, else interviewer.
    fn user_view(&self, name: &str, db: &std::path::Path) -> UserView {
        let stored = self.store().users().ok().and_then(|u| u.into_iter().find(|u| u.0 == name)).map(|u| u.1);
        let role = stored.or_else(|| {
            crate::vault::read_keyring(db)
                .ok()
                .flatten()
                .and_then(|r| r.slots.into_iter().find(|s| s.user == name))
                .and_then(|s| s.role)
                .map(|r| r.as_str().to_string())
        });
        UserView { name: name.to_string(), role: role.unwrap_or_else(|| Role::Interviewer.as_str().to_string()) }
    }
}

impl From<SessionError> for SignInError {
    fn from(e: SessionError) -> SignInError {
        SignInError::Session(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dala_store::Store;

    fn session() -> Session {
        let q = crate::load_study(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")).unwrap();
        Session::with_parts(q, Store::open_in_memory(Utc::now()).unwrap())
    }

    #[test]
    fn a_user_sets_up_no_one_above_their_own_role() {
        let user = |role: &str| UserView { name: "x".into(), role: role.into() };
        assert_eq!(roles_to_set_up(None), ["interviewer", "supervisor", "coordinator"]);
        assert_eq!(roles_to_set_up(Some(&user("coordinator"))), ["interviewer", "supervisor", "coordinator"]);
        assert_eq!(roles_to_set_up(Some(&user("supervisor"))), ["interviewer", "supervisor"]);
        assert!(roles_to_set_up(Some(&user("interviewer"))).is_empty());
        assert!(roles_to_set_up(Some(&user("admin"))).is_empty(), "an unknown stored role sets up no one");
    }

    #[test]
    fn a_user_signs_in_with_their_pin_only_and_the_pin_is_never_stored() {
        let mut s = session();
        assert!(s.users().unwrap().is_empty());
        let u = s.add_user("supervisor", "Айгүл", "4831", [7; 16], Utc::now()).unwrap();
        assert_eq!(u.role, "supervisor");
        let stored = s.store().users().unwrap();
        assert!(stored[0].2.starts_with("$argon2id$") && !stored[0].2.contains("4831"));
        assert!(matches!(s.sign_in("Айгүл", "1111"), Err(SignInError::User(UserError::WrongPin(1)))));
        assert!(matches!(s.sign_in("Айгүл", "0000"), Err(SignInError::User(UserError::WrongPin(2)))));
        assert_eq!(s.sign_in("Айгүл", "4831").unwrap().name, "Айгүл");
        assert_eq!(s.store().users().unwrap()[0].3, 0, "a success clears the failures");
        assert!(matches!(s.sign_in("Nobody", "4831"), Err(SignInError::User(UserError::NoUser))));
    }

    #[test]
    fn bad_set_ups_are_refused_with_messages_in_every_language() {
        let mut s = session();
        for (role, name, pin, want) in [
            ("boss", "a", "1234", UserError::BadRole),
            ("interviewer", "", "1234", UserError::BadName),
            ("interviewer", "a;drop", "1234", UserError::BadName),
            ("interviewer", "a", "12", UserError::ShortPin),
            ("interviewer", "a", "12ab", UserError::ShortPin),
        ] {
            match s.add_user(role, name, pin, [1; 16], Utc::now()) {
                Err(SignInError::User(e)) => assert_eq!(e, want),
                other => panic!("{role} {name} {pin}: {other:?}"),
            }
        }
        s.add_user("interviewer", "Ann", "1234", [1; 16], Utc::now()).unwrap();
        assert!(matches!(s.add_user("coordinator", "ann", "9999", [2; 16], Utc::now()), Err(SignInError::User(UserError::NameTaken))));
        for e in
            [UserError::BadName, UserError::BadRole, UserError::ShortPin, UserError::NameTaken, UserError::WrongPin(3), UserError::NoUser]
        {
            let m = e.message();
            assert!(m.ru != m.en && m.kk != m.ru && !m.kk.contains('i'), "{m:?}");
        }
    }
}
