//! Keys: each user (interviewer, supervisor, coordinator) has a key pair made at set-up. The secret
//! `.key` file holds an Ed25519 signing key (packages are signed with it) and an age X25519 identity
//! (packages are encrypted to it); the public `.pub` file holds the matching verifying key and age
//! recipient. Both are small JSON documents, so a person can see whose key a file is.

use std::fmt;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SyncError;

/// What a user does, and so what their database holds and whom they send to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Interviewer,
    Supervisor,
    Coordinator,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "interviewer" => Some(Role::Interviewer),
            "supervisor" => Some(Role::Supervisor),
            "coordinator" => Some(Role::Coordinator),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Interviewer => "interviewer",
            Role::Supervisor => "supervisor",
            Role::Coordinator => "coordinator",
        }
    }
}

const SECRET_KIND: &str = "dala-secret-key";
const PUBLIC_KIND: &str = "dala-public-key";
const KEY_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct SecretFile {
    kind: String,
    format: u32,
    role: Role,
    name: String,
    /// The Ed25519 signing key's 32 bytes, hex.
    signing_key: String,
    /// `AGE-SECRET-KEY-1…`.
    age_identity: String,
}

#[derive(Serialize, Deserialize)]
struct PublicFile {
    kind: String,
    format: u32,
    role: Role,
    name: String,
    /// The Ed25519 verifying key's 32 bytes, hex.
    verifying_key: String,
    /// `age1…`.
    age_recipient: String,
    /// The key's short id (first 16 hex digits of the SHA-256 of the verifying key).
    id: String,
}

/// A user's public key: who they are, how to check their signature, how to encrypt to them.
#[derive(Clone)]
pub struct PublicKey {
    pub role: Role,
    pub name: String,
    pub verifying: VerifyingKey,
    pub recipient: age::x25519::Recipient,
}

/// A user's secret key (and, derived from it, their public key).
pub struct SecretKey {
    pub role: Role,
    pub name: String,
    signing: SigningKey,
    identity: age::x25519::Identity,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({} {}, {})", self.role.as_str(), self.name, self.public().id())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} {}, {})", self.role.as_str(), self.name, self.id())
    }
}

/// The short id of a verifying key: the first 16 hex digits of its SHA-256.
pub fn key_id(verifying: &VerifyingKey) -> String {
    hex(&Sha256::digest(verifying.as_bytes())[..8])
}

impl SecretKey {
    /// A new key pair from 32 random bytes for the signing key (the caller draws them: this crate has no
    /// randomness of its own for signing keys); the age identity is drawn by `age` from the system.
    pub fn generate(role: Role, name: &str, signing_seed: [u8; 32]) -> SecretKey {
        SecretKey {
            role,
            name: name.to_string(),
            signing: SigningKey::from_bytes(&signing_seed),
            identity: age::x25519::Identity::generate(),
        }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey {
            role: self.role,
            name: self.name.clone(),
            verifying: self.signing.verifying_key(),
            recipient: self.identity.to_public(),
        }
    }

    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }

    pub(crate) fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// The `.key` file's text.
    pub fn to_text(&self) -> String {
        let file = SecretFile {
            kind: SECRET_KIND.into(),
            format: KEY_FORMAT,
            role: self.role,
            name: self.name.clone(),
            signing_key: hex(self.signing.as_bytes()),
            age_identity: self.identity.to_string().expose_secret().to_string(),
        };
        serde_json::to_string_pretty(&file).expect("a key file serializes") + "\n"
    }

    /// Reads a `.key` file's text.
    pub fn from_text(text: &str) -> Result<SecretKey, SyncError> {
        let file: SecretFile = serde_json::from_str(text).map_err(|_| SyncError::NotAKey { public: false })?;
        if file.kind != SECRET_KIND {
            return Err(SyncError::NotAKey { public: false });
        }
        if file.format > KEY_FORMAT {
            return Err(SyncError::NewerKey { found: file.format });
        }
        let bytes = unhex32(&file.signing_key).ok_or(SyncError::NotAKey { public: false })?;
        let identity = file.age_identity.parse::<age::x25519::Identity>().map_err(|_| SyncError::NotAKey { public: false })?;
        Ok(SecretKey { role: file.role, name: file.name, signing: SigningKey::from_bytes(&bytes), identity })
    }
}

impl PublicKey {
    pub fn id(&self) -> String {
        key_id(&self.verifying)
    }

    /// The `.pub` file's text.
    pub fn to_text(&self) -> String {
        let file = PublicFile {
            kind: PUBLIC_KIND.into(),
            format: KEY_FORMAT,
            role: self.role,
            name: self.name.clone(),
            verifying_key: hex(self.verifying.as_bytes()),
            age_recipient: self.recipient.to_string(),
            id: self.id(),
        };
        serde_json::to_string_pretty(&file).expect("a key file serializes") + "\n"
    }

    /// Reads a `.pub` file's text.
    pub fn from_text(text: &str) -> Result<PublicKey, SyncError> {
        let file: PublicFile = serde_json::from_str(text).map_err(|_| SyncError::NotAKey { public: true })?;
        if file.kind != PUBLIC_KIND {
            return Err(SyncError::NotAKey { public: true });
        }
        if file.format > KEY_FORMAT {
            return Err(SyncError::NewerKey { found: file.format });
        }
        let bytes = unhex32(&file.verifying_key).ok_or(SyncError::NotAKey { public: true })?;
        let verifying = VerifyingKey::from_bytes(&bytes).map_err(|_| SyncError::NotAKey { public: true })?;
        let recipient = file.age_recipient.parse::<age::x25519::Recipient>().map_err(|_| SyncError::NotAKey { public: true })?;
        Ok(PublicKey { role: file.role, name: file.name, verifying, recipient })
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex32(text: &str) -> Option<[u8; 32]> {
    unhex(text)?.try_into().ok()
}

/// Hex digits to bytes (`None` for an odd length or a non-hex character).
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}
