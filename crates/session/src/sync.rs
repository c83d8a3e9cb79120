//! Sync through package files (issue 8; docs/sync.md): writing a database's changes into a package for
//! its recipients, and importing packages, each checked whole before it changes anything and applied in
//! one transaction. The app and the `dala sync` command both call these, so a package imported by a tap
//! and one imported by a script take the same path.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use dala_i18n::{msg, Localized};
use dala_store::sync::{ImportError, Record};
use dala_store::Store;
use dala_sync::{open_package, Header, PackageWriter, Party, PublicKey, Role, SecretKey, SyncError};
use serde::Serialize;

use crate::SessionError;

/// What `dala sync import --json` prints and the app shows after importing packages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportReport {
    /// Packages read in full (imported now or before).
    pub packages: u64,
    pub imported_entries: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub rejected: Vec<Rejected>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Rejected {
    pub package: String,
    pub error: String,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub package: String,
    pub records: u64,
    pub since: Option<String>,
    pub until: String,
    pub entries: std::collections::BTreeMap<String, (u64, u64)>,
}

/// Reads the trusted public keys: `.pub` files, or folders of them (other files in a folder are skipped).
pub fn read_trust(paths: &[PathBuf]) -> Result<Vec<PublicKey>, SyncFailure> {
    let mut keys = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| SyncFailure::file(path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "pub"))
                .collect();
            entries.sort();
            for p in entries {
                keys.push(read_public(&p)?);
            }
        } else {
            keys.push(read_public(path)?);
        }
    }
    Ok(keys)
}

pub fn read_public(path: &Path) -> Result<PublicKey, SyncFailure> {
    let text = std::fs::read_to_string(path).map_err(|e| SyncFailure::file(path, e))?;
    PublicKey::from_text(&text).map_err(|e| SyncFailure::Sync(path.display().to_string(), e))
}

pub fn read_secret(path: &Path) -> Result<SecretKey, SyncFailure> {
    let text = std::fs::read_to_string(path).map_err(|e| SyncFailure::file(path, e))?;
    SecretKey::from_text(&text).map_err(|e| SyncFailure::Sync(path.display().to_string(), e))
}

/// Why a sync step failed, worded for people.
#[derive(Debug)]
pub enum SyncFailure {
    /// A key or package problem, with the file it is about.
    Sync(String, SyncError),
    Session(SessionError),
    Import(String, ImportError),
    /// The database holds no study yet and none was given.
    NoStudy,
    /// A key file is already there (keys are never overwritten).
    KeyExists(String),
    /// The keys folder is missing or does not hold exactly one secret key.
    NoKeys(String),
}

impl SyncFailure {
    fn file(path: &Path, e: std::io::Error) -> SyncFailure {
        SyncFailure::Sync(path.display().to_string(), SyncError::from(e))
    }

    pub fn message(&self) -> Localized {
        match self {
            SyncFailure::Sync(file, e) => e.message().map(|_, m| format!("{file}: {m}")),
            SyncFailure::Session(e) => Localized::new(
                e.message(dala_questionnaire::Lang::Ru),
                e.message(dala_questionnaire::Lang::Kk),
                e.message(dala_questionnaire::Lang::En),
            ),
            SyncFailure::Import(file, e) => import_message(e).map(|_, m| format!("{file}: {m}")),
            SyncFailure::NoStudy => msg!(
                "the database holds no interviews yet, so its study is unknown: name it with --study",
                "в базе ещё нет интервью, и её исследование неизвестно: укажите его через --study",
                "базада әлі сұхбат жоқ, сондықтан оның зерттеуі белгісіз: оны --study арқылы көрсетіңіз"
            ),
            SyncFailure::NoKeys(dir) => msg!(
                "no sync keys: the folder {dir} must hold this user's secret key (one .key file, made with dala keys init) and the .pub files of those they exchange packages with",
                "нет ключей синхронизации: в папке {dir} должен быть секретный ключ пользователя (один файл .key, созданный dala keys init) и файлы .pub тех, с кем он обменивается пакетами",
                "синхрондау кілттері жоқ: {dir} қалтасында пайдаланушының құпия кілті (dala keys init жасаған бір .key файлы) және пакет алмасатын адамдардың .pub файлдары болуы керек"
            ),
            SyncFailure::KeyExists(file) => msg!(
                "{file} already exists: a key is never overwritten (choose another --name or folder)",
                "{file} уже существует: ключ никогда не перезаписывается (выберите другое --name или папку)",
                "{file} бар: кілт ешқашан қайта жазылмайды (басқа --name немесе қалта таңдаңыз)"
            ),
        }
    }
}

/// What an import error means, worded for people.
pub fn import_message(e: &ImportError) -> Localized {
    match e {
        ImportError::Merge(dala_merge::MergeError::Diverged { device, seq }) => msg!(
            "the package contradicts what this database already received from device {device} (its entry {seq} differs): it is forged or damaged; nothing was imported",
            "пакет противоречит тому, что эта база уже получила с устройства {device} (его запись {seq} отличается): он подделан или повреждён; ничего не импортировано",
            "пакет бұл база {device} құрылғысынан бұрын алған деректерге қайшы ({seq} жазбасы өзгеше): ол жалған немесе бүлінген; ештеңе импортталмады"
        ),
        ImportError::Merge(dala_merge::MergeError::SameStamp { device, question }) => msg!(
            "the package holds two different values of {question} with the same time stamp from device {device}: it is forged or damaged; nothing was imported",
            "в пакете два разных значения {question} с одной и той же отметкой времени устройства {device}: он подделан или повреждён; ничего не импортировано",
            "пакетте {device} құрылғысының бір уақыт белгісімен {question} сұрағының екі түрлі мәні бар: ол жалған немесе бүлінген; ештеңе импортталмады"
        ),
        ImportError::Invalid(detail) => SyncError::Corrupt(detail.clone()).message(),
        ImportError::BrokenChain { journal, device, seq, break_ } => {
            let (what_en, what_ru, what_kk) = match journal {
                dala_store::sync::Chain::Journal => ("interview journal", "журнала интервью", "сұхбат журналының"),
                dala_store::sync::Chain::Field => ("field journal", "полевого журнала", "далалық журналдың"),
            };
            match break_ {
                dala_store::sync::ChainBreak::Altered => msg!(
                    "entry {seq} of the {what_en} of device {device} does not match its hash: it was changed after it was written; nothing was imported",
                    "запись {seq} {what_ru} устройства {device} не совпадает со своим хешем: её изменили после записи; ничего не импортировано",
                    "{device} құрылғысы {what_kk} {seq} жазбасы өз хешіне сәйкес келмейді: ол жазылғаннан кейін өзгертілген; ештеңе импортталмады"
                ),
                dala_store::sync::ChainBreak::Unlinked => msg!(
                    "entry {seq} of the {what_en} of device {device} does not link to the entry before it: entries were removed, inserted or rewritten on that device; nothing was imported",
                    "запись {seq} {what_ru} устройства {device} не связана с предыдущей записью: на том устройстве записи удалили, вставили или переписали; ничего не импортировано",
                    "{device} құрылғысы {what_kk} {seq} жазбасы алдыңғы жазбамен байланыспайды: сол құрылғыда жазбалар өшірілген, қосылған немесе қайта жазылған; ештеңе импортталмады"
                ),
            }
        }
        ImportError::Store(store) => {
            let detail = store.to_string();
            msg!(
                "the database refused the package ({detail}); nothing was imported",
                "база данных не приняла пакет ({detail}); ничего не импортировано",
                "дерекқор пакетті қабылдамады ({detail}); ештеңе импортталмады"
            )
        }
    }
}

/// Writes the changes of `store` since its last export to the same recipients (everything when
/// `since_last` is false) into `out`, signed by `me` and encrypted to `to`. The file appears whole or
/// not at all (written beside it, synced, renamed), and the export is noted only once it is there.
pub fn export_package(
    store: &mut Store,
    me: &SecretKey,
    to: &[PublicKey],
    out: &Path,
    since_last: bool,
    study: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<ExportReport, SyncFailure> {
    let mut peers: Vec<String> = to.iter().map(PublicKey::id).collect();
    peers.sort();
    let peer = peers.join(",");
    let study = match store.study().map_err(|e| SyncFailure::Session(e.into()))? {
        Some(s) => s,
        None => match study {
            Some((id, version)) => (id.to_string(), version.to_string()),
            None => return Err(SyncFailure::NoStudy),
        },
    };
    store.set_study(&study.0, &study.1).map_err(|e| SyncFailure::Session(e.into()))?;
    let since = if since_last { store.last_export(&peer).map_err(|e| SyncFailure::Session(e.into()))? } else { None };
    // What a recipient sent is not sent back to it; a package for interviewers carries only their own
    // routes and interviews (a supervisor's or coordinator's carries everything).
    let mut to_whom = dala_store::sync::ExportTo { peers: to.iter().map(PublicKey::id).collect(), interviewer: None };
    if !to.is_empty() && to.iter().all(|k| k.role == Role::Interviewer) {
        let mut who = dala_store::sync::Interviewer::default();
        for k in to {
            who.names.push(k.name.clone());
            who.devices.extend(store.devices_of_key(&k.id()).map_err(|e| SyncFailure::Session(e.into()))?);
        }
        who.names.extend(who.devices.clone());
        to_whom.interviewer = Some(who);
    }
    let part = out.with_extension("part");
    let file = File::create(&part).map_err(|e| SyncFailure::file(&part, e))?;
    let result = (|| {
        let mut writer = PackageWriter::new(BufWriter::with_capacity(1 << 16, file), me, to)
            .map_err(|e| SyncFailure::Sync(out.display().to_string(), e))?;
        let summary = store
            .export_for(since.as_deref(), now, dala_store::sync::Scope::All, &to_whom, |r: &Record| {
                writer.write(r).map_err(|e| e.to_string())
            })
            .map_err(|e| match e {
                dala_store::sync::ExportError::Store(s) => SyncFailure::Session(s.into()),
                dala_store::sync::ExportError::Sink(m) => SyncFailure::Sync(out.display().to_string(), SyncError::Io(m)),
            })?;
        let header = Header {
            format: 0,
            study_id: study.0.clone(),
            study_version: study.1.clone(),
            device: store.device_id().to_string(),
            sender: Party { name: String::new(), role: Role::Interviewer, key: String::new(), verifying_key: String::new() },
            recipients: Vec::new(),
            created_at: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            since: since.clone(),
            until: summary.until.clone(),
            records: 0,
            entries: summary.entries.clone(),
        };
        let buffered = writer.finish(header).map_err(|e| SyncFailure::Sync(out.display().to_string(), e))?;
        let file = buffered.into_inner().map_err(|e| SyncFailure::file(&part, e.into_error()))?;
        file.sync_all().map_err(|e| SyncFailure::file(&part, e))?;
        Ok(summary)
    })();
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
    };
    std::fs::rename(&part, out).map_err(|e| SyncFailure::file(out, e))?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    let detail = serde_json::json!({"package": out.file_name().map(|n| n.to_string_lossy().to_string()), "records": summary.records, "since": since});
    store.record_export(&peer, &summary, &detail, now).map_err(|e| SyncFailure::Session(e.into()))?;
    Ok(ExportReport { package: out.display().to_string(), records: summary.records, since, until: summary.until, entries: summary.entries })
}

/// Imports packages one by one, each whole or not at all; a refused package is listed with its reason
/// (in `lang`) and the others still go in. `progress(done, total)` is called after each package.
pub fn import_packages(
    store: &mut Store,
    me: &SecretKey,
    trust: &[PublicKey],
    packages: &[PathBuf],
    lang: dala_questionnaire::Lang,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize, usize),
) -> ImportReport {
    let mut report = ImportReport::default();
    for (i, path) in packages.iter().enumerate() {
        match import_one(store, me, trust, path, now) {
            Ok(stats) => {
                report.packages += 1;
                report.imported_entries += stats.imported;
                report.duplicates += stats.duplicates;
                report.conflicts += stats.conflicts;
            }
            Err(e) => report.rejected.push(Rejected { package: path.display().to_string(), error: e.message().get(lang).to_string() }),
        }
        progress(i + 1, packages.len());
    }
    report
}

fn import_one(
    store: &mut Store,
    me: &SecretKey,
    trust: &[PublicKey],
    path: &Path,
    now: DateTime<Utc>,
) -> Result<dala_store::sync::ImportStats, SyncFailure> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| SyncFailure::file(path, e))?;
    let opened = open_package(file, trust).map_err(|e| SyncFailure::Sync(name.clone(), e))?;
    let header = opened.header.clone();
    if let Some((id, version)) = store.study().map_err(|e| SyncFailure::Session(e.into()))? {
        if id != header.study_id || version != header.study_version {
            return Err(SyncFailure::Sync(
                name,
                SyncError::WrongStudy {
                    found: format!("{} {}", header.study_id, header.study_version),
                    expected: format!("{id} {version}"),
                },
            ));
        }
    }
    if store.imported_before(&opened.signature).map_err(|e| SyncFailure::Session(e.into()))? {
        return Ok(dala_store::sync::ImportStats { imported: 0, duplicates: header.records, conflicts: 0 });
    }
    let signature = opened.signature.clone();
    let sender = opened.sender.id();
    let records = opened.records::<Record>(me).map_err(|e| SyncFailure::Sync(name.clone(), e))?;
    let first = store.study().map_err(|e| SyncFailure::Session(e.into()))?.is_none();
    let mut importer = store.importer(now).map_err(|e| SyncFailure::Session(e.into()))?;
    if first {
        importer.set_study(&header.study_id, &header.study_version).map_err(|e| SyncFailure::Import(name.clone(), e))?;
    }
    for record in records {
        let record = record.map_err(|e| SyncFailure::Sync(name.clone(), e))?;
        importer.add(record).map_err(|e| SyncFailure::Import(name.clone(), e))?;
    }
    let detail = serde_json::json!({"file": path.file_name().map(|n| n.to_string_lossy().to_string()), "device": header.device, "sender": header.sender.name, "records": header.records});
    importer.finish(&sender, &signature, detail).map_err(|e| SyncFailure::Import(name, e))
}

/// Writes a new key pair: `<dir>/<name>.key` (secret, readable by its owner only) and `<dir>/<name>.pub`.
/// An existing key is never overwritten.
pub fn init_keys(role: Role, name: &str, dir: &Path, signing_seed: [u8; 32]) -> Result<(PathBuf, PathBuf), SyncFailure> {
    std::fs::create_dir_all(dir).map_err(|e| SyncFailure::file(dir, e))?;
    let key_path = dir.join(format!("{name}.key"));
    let pub_path = dir.join(format!("{name}.pub"));
    for p in [&key_path, &pub_path] {
        if p.exists() {
            return Err(SyncFailure::KeyExists(p.display().to_string()));
        }
    }
    let key = SecretKey::generate(role, name, signing_seed);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&key_path).map_err(|e| SyncFailure::file(&key_path, e))?;
    f.write_all(key.to_text().as_bytes()).and_then(|_| f.sync_all()).map_err(|e| SyncFailure::file(&key_path, e))?;
    std::fs::write(&pub_path, key.public().to_text()).map_err(|e| SyncFailure::file(&pub_path, e))?;
    Ok((key_path, pub_path))
}

/// A user's keys as the app keeps them: one folder with their own secret key (exactly one `.key`) and
/// the public keys they trust (every `.pub`; their own is left out).
pub struct Keyring {
    pub me: SecretKey,
    pub trusted: Vec<PublicKey>,
}

pub fn load_keyring(dir: &Path) -> Result<Keyring, SyncFailure> {
    let mut secrets: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|_| SyncFailure::NoKeys(dir.display().to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "key"))
        .collect();
    secrets.sort();
    if secrets.len() != 1 {
        return Err(SyncFailure::NoKeys(dir.display().to_string()));
    }
    let me = read_secret(&secrets[0])?;
    let mine = me.public().id();
    let trusted = read_trust(&[dir.to_path_buf()])?.into_iter().filter(|k| k.id() != mine).collect();
    Ok(Keyring { me, trusted })
}

/// Writes the packages a user sends from the app into `folder`: one for the levels above (an
/// interviewer's to the supervisors and coordinators they trust; a supervisor's to the coordinators)
/// and, for a supervisor, one per interviewer (assignments and rejected interviews going back down).
pub fn export_for_keyring(
    session: &mut crate::Session,
    ring: &Keyring,
    folder: &Path,
    now: DateTime<Utc>,
) -> Result<Vec<ExportReport>, SyncFailure> {
    std::fs::create_dir_all(folder).map_err(|e| SyncFailure::file(folder, e))?;
    let rank = |r: Role| match r {
        Role::Interviewer => 0,
        Role::Supervisor => 1,
        Role::Coordinator => 2,
    };
    let mine = rank(ring.me.role);
    let up: Vec<PublicKey> = ring.trusted.iter().filter(|k| rank(k.role) > mine).cloned().collect();
    let stamp = now.format("%Y%m%d-%H%M%S");
    let mut written = Vec::new();
    if !up.is_empty() {
        let out = folder.join(format!("{}-{stamp}.dala", ring.me.name));
        written.push(session.export_package(&ring.me, &up, &out, true, now)?);
    }
    if ring.me.role == Role::Supervisor {
        for k in ring.trusted.iter().filter(|k| k.role == Role::Interviewer) {
            let out = folder.join(format!("{}-to-{}-{stamp}.dala", ring.me.name, k.name));
            written.push(session.export_package(&ring.me, std::slice::from_ref(k), &out, true, now)?);
        }
    }
    Ok(written)
}

/// An answer changed on two devices with different values, for the supervisor: every version with who
/// made it and when, and the one shown until someone decides (the latest, by the documented rule).
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ConflictView {
    pub interview: String,
    pub question: String,
    pub roster: Vec<u32>,
    pub versions: Vec<VersionView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct VersionView {
    /// The device that made it.
    pub device: String,
    /// When (UTC, from its clock stamp).
    pub at: String,
    /// The value (JSON; `null` for a clearing).
    #[ts(type = "unknown")]
    pub value: serde_json::Value,
    /// The version shown now.
    pub shown: bool,
}

/// Every answer in conflict in a database.
pub fn conflicts(store: &Store) -> Result<Vec<ConflictView>, SessionError> {
    let mut out = Vec::new();
    for (interview, question, roster, heads) in store.conflicts()? {
        let last = heads.iter().map(|h| h.0.clone()).max();
        let versions = heads
            .into_iter()
            .map(|(ver, value)| {
                let stamp = ver.parse::<dala_merge::Stamp>().ok();
                let at = stamp
                    .as_ref()
                    .and_then(|s| chrono::DateTime::<Utc>::from_timestamp_millis(s.hlc.wall_ms as i64))
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default();
                VersionView {
                    device: stamp.map(|s| s.device).unwrap_or_default(),
                    at,
                    value: value.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or(serde_json::Value::Null),
                    shown: Some(&ver) == last.as_ref(),
                }
            })
            .collect();
        let roster = if roster.is_empty() { Vec::new() } else { roster.split('.').filter_map(|p| p.parse().ok()).collect() };
        out.push(ConflictView { interview, question, roster, versions });
    }
    Ok(out)
}
