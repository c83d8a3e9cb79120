//! Writing and reading package files (the layout is in the crate documentation).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};

use ed25519_dalek::{Signature, VerifyingKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};

use crate::keys::{hex, key_id, unhex32, PublicKey, Role, SecretKey};
use crate::SyncError;

/// The package format this program writes and the newest it reads.
pub const FORMAT: u32 = 2;
/// The oldest format this program reads. Format 2 (issue 10) carries the journals' hash chains; a
/// format-1 package has none and is refused, to be exported again by an updated device.
pub const OLDEST_FORMAT: u32 = 2;
const MAGIC: &[u8; 10] = b"DALA-SYNC\n";
/// The Ed25519ph context: a signature made for a package cannot be passed off as one over anything else.
const CONTEXT: &[u8] = b"dala-sync-package";
const TRAILER: u64 = 4 + 8 + 64;
/// A header longer than this is not one of ours (a damaged length field must not make us allocate).
const MAX_HEADER: u32 = 1 << 20;

/// Who made a package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub role: Role,
    /// The key's short id ([`key_id`]).
    pub key: String,
    /// The Ed25519 verifying key, hex (checked against the trusted keys, never trusted by itself).
    pub verifying_key: String,
}

/// What a package says about itself, in clear (signed, not encrypted): enough to tell, before opening
/// it, whose it is, for which study, and what it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub study_id: String,
    pub study_version: String,
    /// The sending database's device id.
    pub device: String,
    pub sender: Party,
    /// The key ids it is encrypted to.
    pub recipients: Vec<String>,
    pub created_at: String,
    /// The sender's clock: the package holds what changed after `since` (everything when absent) up
    /// to `until`.
    pub since: Option<String>,
    pub until: String,
    /// How many records the body holds.
    pub records: u64,
    /// The journal entries carried, per device: (first, last) sequence numbers.
    pub entries: BTreeMap<String, (u64, u64)>,
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha512,
    written: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a package in one streaming pass: [`PackageWriter::write`] each record, then
/// [`PackageWriter::finish`] with the header.
pub struct PackageWriter<'k, W: Write> {
    body: zstd::Encoder<'static, age::stream::StreamWriter<Hashing<W>>>,
    sender: &'k SecretKey,
    recipients: Vec<String>,
    records: u64,
    line: Vec<u8>,
}

impl<'k, W: Write> PackageWriter<'k, W> {
    /// Starts a package from `sender` to `recipients` (at least one; a coordinator's key is usually
    /// among them, so the coordinator can read everything).
    pub fn new(out: W, sender: &'k SecretKey, recipients: &[PublicKey]) -> Result<Self, SyncError> {
        let mut hashing = Hashing { inner: out, hasher: Sha512::new(), written: 0 };
        hashing.write_all(MAGIC)?;
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| &r.recipient as &dyn age::Recipient))
            .map_err(|e| SyncError::Io(e.to_string()))?;
        let stream = encryptor.wrap_output(hashing)?;
        let body = zstd::Encoder::new(stream, 3)?;
        Ok(PackageWriter { body, sender, recipients: recipients.iter().map(PublicKey::id).collect(), records: 0, line: Vec::new() })
    }

    /// Appends one record (one JSON line).
    pub fn write<R: Serialize>(&mut self, record: &R) -> Result<(), SyncError> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record).map_err(|e| SyncError::Io(e.to_string()))?;
        self.line.push(b'\n');
        self.body.write_all(&self.line)?;
        self.records += 1;
        Ok(())
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    /// Ends the body, appends the header (its `format`, `sender`, `recipients` and `records` are
    /// filled in here) and the signature, and returns the output.
    pub fn finish(self, mut header: Header) -> Result<W, SyncError> {
        let stream = self.body.finish()?;
        let mut hashing = stream.finish()?;
        let body_len = hashing.written - MAGIC.len() as u64;
        let public = self.sender.public();
        header.format = FORMAT;
        header.sender =
            Party { name: public.name.clone(), role: public.role, key: public.id(), verifying_key: hex(public.verifying.as_bytes()) };
        header.recipients = self.recipients;
        header.records = self.records;
        let text = serde_json::to_vec(&header).map_err(|e| SyncError::Io(e.to_string()))?;
        hashing.write_all(&text)?;
        hashing.write_all(&(text.len() as u32).to_le_bytes())?;
        hashing.write_all(&body_len.to_le_bytes())?;
        let Hashing { mut inner, hasher, .. } = hashing;
        let signature = self.sender.signing().sign_prehashed(hasher, Some(CONTEXT)).map_err(|_| SyncError::Io("signing failed".into()))?;
        inner.write_all(&signature.to_bytes())?;
        inner.flush()?;
        Ok(inner)
    }
}

/// A package whose signature and sender have been checked; its body is not decrypted yet.
pub struct Opened {
    pub header: Header,
    pub sender: PublicKey,
    /// The signature's 64 bytes, hex: the package's identity (a package imported before is known by it).
    pub signature: String,
    file: File,
    body_len: u64,
}

/// Opens a package file and checks everything that can be checked without decrypting: the magic, the
/// lengths, the format, the sender among `trust`, and the signature over every byte. Nothing of the
/// body is trusted before this returns.
pub fn open_package(mut file: File, trust: &[PublicKey]) -> Result<Opened, SyncError> {
    let size = file.metadata()?.len();
    let mut magic = [0u8; 10];
    if size < MAGIC.len() as u64 || file.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return Err(SyncError::NotAPackage);
    }
    if size < MAGIC.len() as u64 + TRAILER {
        return Err(SyncError::Truncated);
    }
    let mut trailer = [0u8; TRAILER as usize];
    file.seek(SeekFrom::Start(size - TRAILER))?;
    file.read_exact(&mut trailer)?;
    let header_len = u32::from_le_bytes(trailer[0..4].try_into().expect("4 bytes"));
    let body_len = u64::from_le_bytes(trailer[4..12].try_into().expect("8 bytes"));
    let signature = Signature::from_bytes(&trailer[12..76].try_into().expect("64 bytes"));
    if header_len > MAX_HEADER
        || (MAGIC.len() as u64).checked_add(body_len).and_then(|n| n.checked_add(header_len as u64 + TRAILER)) != Some(size)
    {
        return Err(SyncError::Truncated);
    }
    let mut header_bytes = vec![0u8; header_len as usize];
    file.seek(SeekFrom::Start(MAGIC.len() as u64 + body_len))?;
    file.read_exact(&mut header_bytes)?;
    // The format is read before the rest, so a newer package is named as such even if its header
    // has fields this program does not know.
    #[derive(Deserialize)]
    struct FormatOnly {
        format: u32,
    }
    let format = serde_json::from_slice::<FormatOnly>(&header_bytes).map_err(|_| SyncError::BadSignature)?.format;
    if format > FORMAT {
        return Err(SyncError::NewerFormat { found: format, supported: FORMAT });
    }
    if format < OLDEST_FORMAT {
        return Err(SyncError::OlderFormat { found: format, oldest: OLDEST_FORMAT });
    }
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|_| SyncError::BadSignature)?;
    let claimed = unhex32(&header.sender.verifying_key).and_then(|b| VerifyingKey::from_bytes(&b).ok()).ok_or(SyncError::BadSignature)?;
    let sender = trust
        .iter()
        .find(|k| k.verifying == claimed)
        .cloned()
        .ok_or_else(|| SyncError::UnknownSender { name: header.sender.name.clone(), id: key_id(&claimed) })?;
    // The signature covers the magic, the body, the header and both lengths.
    let mut hasher = Sha512::new();
    file.seek(SeekFrom::Start(0))?;
    let mut covered = (&mut file).take(size - 64);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = covered.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    sender.verifying.verify_prehashed(hasher, Some(CONTEXT), &signature).map_err(|_| SyncError::BadSignature)?;
    Ok(Opened { header, sender, signature: hex(&signature.to_bytes()), file, body_len })
}

/// The records of an opened package, decrypted and decompressed as they are read.
pub struct Records<R> {
    lines: Box<dyn BufRead>,
    line: Vec<u8>,
    left: u64,
    _record: std::marker::PhantomData<R>,
}

impl Opened {
    /// Decrypts the body with `me` ([`SyncError::WrongRecipient`] if it is not encrypted to it) and
    /// reads it record by record.
    pub fn records<R: DeserializeOwned>(mut self, me: &SecretKey) -> Result<Records<R>, SyncError> {
        self.file.seek(SeekFrom::Start(MAGIC.len() as u64))?;
        let body = BufReader::new(self.file.take(self.body_len));
        let decryptor = age::Decryptor::new_buffered(body).map_err(|e| SyncError::Corrupt(e.to_string()))?;
        let plain = decryptor.decrypt(std::iter::once(me.identity() as &dyn age::Identity)).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => SyncError::WrongRecipient,
            other => SyncError::Corrupt(other.to_string()),
        })?;
        let unzipped = zstd::Decoder::new(plain).map_err(|e| SyncError::Corrupt(e.to_string()))?;
        Ok(Records { lines: Box::new(BufReader::new(unzipped)), line: Vec::new(), left: self.header.records, _record: Default::default() })
    }
}

impl<R: DeserializeOwned> Iterator for Records<R> {
    type Item = Result<R, SyncError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.line.clear();
        match self.lines.read_until(b'\n', &mut self.line) {
            Err(e) => Some(Err(SyncError::Corrupt(e.to_string()))),
            Ok(0) if self.left == 0 => None,
            Ok(0) => Some(Err(SyncError::Corrupt(format!("{} records missing", self.left)))),
            Ok(_) if self.left == 0 => Some(Err(SyncError::Corrupt("more records than the header says".into()))),
            Ok(_) => {
                self.left -= 1;
                Some(serde_json::from_slice(&self.line).map_err(|e| SyncError::Corrupt(e.to_string())))
            }
        }
    }
}
