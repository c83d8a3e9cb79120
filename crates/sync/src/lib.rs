//! Sync packages (issue 8; docs/sync.md): how a device's journal records travel between databases as files
//! (a USB stick, a shared folder, an e-mail attachment).
//!
//! A package is **signed by its sender and encrypted to its recipients** with proven cryptography
//! (Ed25519 from `ed25519-dalek`, X25519 + ChaCha20-Poly1305 from `age`; nothing home-made), and
//! compressed with zstd. Its layout:
//!
//! ```text
//! "DALA-SYNC\n" | body: age(zstd(JSON lines, one record each)) | header (JSON) | header length (u32 LE)
//!               | body length (u64 LE) | Ed25519ph signature (64 bytes) over everything before it
//! ```
//!
//! The header comes after the body so a package is written in one streaming pass (its counts are known
//! at the end); a reader finds it from the end of the file. Reading checks, before anything is
//! decrypted or applied: the magic, the lengths (a truncated file fails here), the format version, that
//! the sender is trusted and that the signature covers every byte (a flipped bit anywhere fails here).
//! Then [`Opened::records`] decrypts and decompresses the body as a stream: memory stays bounded by one
//! record, not by the package.
//!
//! The records themselves are the caller's type (the store's rows and journal entries): this crate
//! knows files and keys, not databases.

pub mod keys;
mod package;
pub mod vault;

pub use keys::{key_id, PublicKey, Role, SecretKey};
pub use package::{open_package, Header, Opened, PackageWriter, Party, FORMAT, OLDEST_FORMAT};
pub use vault::{DbKey, Keyring, SlotRandom, VaultError};

use dala_i18n::{msg, Localized};

/// Why a key or a package was refused. Every variant is worded in ru/kk/en ([`SyncError::message`]).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot read or write the file: {0}")]
    Io(String),
    #[error("no such file or folder")]
    NotFound,
    #[error("permission denied")]
    NoPermission,
    #[error("the disk is full")]
    DiskFull,
    #[error("not a key file")]
    NotAKey { public: bool },
    #[error("key file format {found} is newer than this program")]
    NewerKey { found: u32 },
    #[error("not a Dala package")]
    NotAPackage,
    #[error("the package is truncated or has extra bytes")]
    Truncated,
    #[error("the package has format {found}; this program reads up to {supported}")]
    NewerFormat { found: u32, supported: u32 },
    #[error("the package has format {found}, older than {oldest}, the oldest this program reads")]
    OlderFormat { found: u32, oldest: u32 },
    #[error("the package is signed by {name} ({id}), who is not among the trusted keys")]
    UnknownSender { name: String, id: String },
    #[error("the package's signature does not match its contents")]
    BadSignature,
    #[error("the package is not encrypted to this key")]
    WrongRecipient,
    #[error("the package's contents are damaged: {0}")]
    Corrupt(String),
    #[error("the package belongs to study {found}, this database to {expected}")]
    WrongStudy { found: String, expected: String },
}

impl From<std::io::Error> for SyncError {
    /// The failures people can act on are named (missing, not allowed, disk full); others keep the
    /// system's words inside a worded message.
    fn from(e: std::io::Error) -> SyncError {
        match e.kind() {
            std::io::ErrorKind::NotFound => SyncError::NotFound,
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => SyncError::NoPermission,
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => SyncError::DiskFull,
            _ => SyncError::Io(e.to_string()),
        }
    }
}

impl SyncError {
    /// The message for a person, in their language.
    pub fn message(&self) -> Localized {
        match self {
            SyncError::Io(e) => msg!(
                "cannot read or write the file: {e}",
                "не удаётся прочитать или записать файл: {e}",
                "файлды оқу немесе жазу мүмкін емес: {e}"
            ),
            SyncError::NotFound => msg!(
                "the file or folder does not exist",
                "файл или папка не существует",
                "файл немесе қалта жоқ"
            ),
            SyncError::NoPermission => msg!(
                "this user may not read or write here (permissions, or a read-only medium)",
                "у пользователя нет права читать или писать здесь (права доступа или носитель только для чтения)",
                "пайдаланушының мұнда оқуға не жазуға құқығы жоқ (рұқсаттар немесе тек оқуға арналған тасымалдағыш)"
            ),
            SyncError::DiskFull => msg!(
                "the disk is full: free some space and try again (nothing was changed)",
                "диск заполнен: освободите место и повторите (ничего не изменено)",
                "диск толы: орын босатып, қайталаңыз (ештеңе өзгертілмеді)"
            ),
            SyncError::NotAKey { public: true } => msg!(
                "this is not a Dala public key file (.pub)",
                "это не файл открытого ключа Dala (.pub)",
                "бұл Dala ашық кілтінің файлы (.pub) емес"
            ),
            SyncError::NotAKey { public: false } => msg!(
                "this is not a Dala secret key file (.key)",
                "это не файл секретного ключа Dala (.key)",
                "бұл Dala құпия кілтінің файлы (.key) емес"
            ),
            SyncError::NewerKey { found } => msg!(
                "the key file has format {found}, made by a newer Dala: update this program",
                "файл ключа в формате {found}, созданном более новой версией Dala: обновите программу",
                "кілт файлы Dala-ның жаңарақ нұсқасы жасаған {found} форматында: бағдарламаны жаңартыңыз"
            ),
            SyncError::NotAPackage => msg!(
                "this file is not a Dala sync package",
                "этот файл не является пакетом синхронизации Dala",
                "бұл файл Dala синхрондау пакеті емес"
            ),
            SyncError::Truncated => msg!(
                "the package is incomplete or damaged (its length does not match): copy it again from the sender",
                "пакет неполный или повреждён (не сходится длина): скопируйте его у отправителя ещё раз",
                "пакет толық емес немесе бүлінген (ұзындығы сәйкес келмейді): оны жіберушіден қайта көшіріңіз"
            ),
            SyncError::NewerFormat { found, supported } => msg!(
                "the package has format {found}, made by a newer Dala (this one reads up to {supported}): update this program",
                "пакет в формате {found}, созданном более новой версией Dala (эта читает до {supported}): обновите программу",
                "пакет Dala-ның жаңарақ нұсқасы жасаған {found} форматында (бұл нұсқа {supported} дейін оқиды): бағдарламаны жаңартыңыз"
            ),
            SyncError::OlderFormat { found, oldest } => msg!(
                "the package has format {found}, made by an older Dala whose journal had no hash chain (this one reads from format {oldest}): update Dala on the sending device and export the package again",
                "пакет в формате {found}, созданном старой версией Dala без цепочки хешей журнала (эта читает начиная с формата {oldest}): обновите Dala на устройстве-отправителе и экспортируйте пакет заново",
                "пакет Dala-ның журналында хеш тізбегі жоқ ескі нұсқасы жасаған {found} форматында (бұл нұсқа {oldest} форматынан бастап оқиды): жіберуші құрылғыдағы Dala-ны жаңартып, пакетті қайта экспорттаңыз"
            ),
            SyncError::UnknownSender { name, id } => msg!(
                "the package is signed by «{name}» (key {id}), which is not among the trusted keys: add their .pub file if you know them",
                "пакет подписан «{name}» (ключ {id}), которого нет среди доверенных ключей: добавьте его файл .pub, если знаете отправителя",
                "пакетке «{name}» (кілт {id}) қол қойған, ол сенімді кілттер арасында жоқ: жіберушіні танысаңыз, оның .pub файлын қосыңыз"
            ),
            SyncError::BadSignature => msg!(
                "the package's signature does not match its contents: it was changed or damaged after it was signed, or signed by another key; nothing was imported",
                "подпись пакета не совпадает с его содержимым: он изменён или повреждён после подписи либо подписан другим ключом; ничего не импортировано",
                "пакеттің қолтаңбасы мазмұнына сәйкес келмейді: ол қол қойылғаннан кейін өзгертілген не бүлінген, немесе басқа кілтпен қол қойылған; ештеңе импортталмады"
            ),
            SyncError::WrongRecipient => msg!(
                "the package is encrypted for someone else: this key cannot open it",
                "пакет зашифрован для другого получателя: этим ключом его не открыть",
                "пакет басқа алушыға шифрланған: бұл кілтпен оны ашу мүмкін емес"
            ),
            SyncError::Corrupt(detail) => msg!(
                "the package's contents are damaged ({detail}); nothing was imported",
                "содержимое пакета повреждено ({detail}); ничего не импортировано",
                "пакеттің мазмұны бүлінген ({detail}); ештеңе импортталмады"
            ),
            SyncError::WrongStudy { found, expected } => msg!(
                "the package belongs to study «{found}», this database to «{expected}»; nothing was imported",
                "пакет относится к исследованию «{found}», а эта база — к «{expected}»; ничего не импортировано",
                "пакет «{found}» зерттеуіне жатады, ал бұл база «{expected}» зерттеуіне; ештеңе импортталмады"
            ),
        }
    }
}

#[cfg(test)]
mod tests;
