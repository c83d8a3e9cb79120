//! `dala keys init` and `dala sync export|import`: glue over `dala_session::sync` (docs/sync.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dala_questionnaire::Lang;
use dala_session::sync::{export_package, import_packages, init_keys, read_public, read_secret, read_trust, SyncFailure};
use dala_sync::Role;
use rand::Rng;

use crate::fieldcmd::Failure;

fn fail(e: SyncFailure, lang: Lang) -> ExitCode {
    Failure::runtime(e.message().get(lang).to_string()).exit()
}

fn bad_role(role: &str, lang: Lang) -> ExitCode {
    Failure::usage(lang.pick(
        format!("Неизвестная роль «{role}»: interviewer, supervisor или coordinator."),
        format!("«{role}» рөлі белгісіз: interviewer, supervisor немесе coordinator."),
        format!("Unknown role \"{role}\": interviewer, supervisor or coordinator."),
    ))
    .exit()
}

fn bad_name(name: &str, lang: Lang) -> ExitCode {
    Failure::usage(lang.pick(
        format!("Имя ключа «{name}» не годится для имени файла: буквы, цифры, «-», «_», «.»."),
        format!("«{name}» кілт атауы файл атауына жарамайды: әріптер, сандар, «-», «_», «.»."),
        format!("The key name \"{name}\" cannot be a file name: use letters, digits, \"-\", \"_\", \".\"."),
    ))
    .exit()
}

/// `dala keys init --role r --name n --out dir`.
pub fn keys_init(role: &str, name: &str, out: &Path, lang: Lang) -> ExitCode {
    let Some(role) = Role::parse(role) else { return bad_role(role, lang) };
    if name.is_empty() || name.starts_with('.') || !name.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)) {
        return bad_name(name, lang);
    }
    let mut seed = [0u8; 32];
    rand::rng().fill(&mut seed);
    match init_keys(role, name, out, seed) {
        Ok((key, public)) => {
            println!("{}", key.display());
            println!("{}", public.display());
            eprintln!(
                "{}",
                lang.pick(
                    "Секретный ключ (.key) храните только на этом устройстве; файл .pub отдайте тем, кто будет получать ваши пакеты и отправлять вам свои.",
                    "Құпия кілтті (.key) тек осы құрылғыда сақтаңыз; .pub файлын сіздің пакеттеріңізді алатын және сізге өз пакеттерін жіберетін адамдарға беріңіз.",
                    "Keep the secret key (.key) on this device only; give the .pub file to those who will receive your packages and send you theirs."
                )
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, lang),
    }
}

fn no_db(db: &Path, lang: Lang) -> ExitCode {
    Failure::no_database(db, lang).exit()
}

/// `dala sync export`.
#[allow(clippy::too_many_arguments)]
pub fn export(
    db: &Path,
    key: &Path,
    to: &[PathBuf],
    out: &Path,
    since_last: bool,
    study: Option<&Path>,
    json: bool,
    lang: Lang,
) -> ExitCode {
    if !db.is_file() {
        return no_db(db, lang);
    }
    let me = match read_secret(key) {
        Ok(k) => k,
        Err(e) => return fail(e, lang),
    };
    let recipients = match to.iter().map(|p| read_public(p)).collect::<Result<Vec<_>, _>>() {
        Ok(r) => r,
        Err(e) => return fail(e, lang),
    };
    let study = match study.map(dala_session::load_study).transpose() {
        Ok(q) => q.map(|q| (q.id, q.version)),
        Err(e) => return Failure::runtime(e.message(lang)).exit(),
    };
    let now = chrono::Utc::now();
    let mut store = match crate::dbkey::open_store(db) {
        Ok(s) => s,
        Err(e) => return Failure::runtime(e.message(lang)).exit(),
    };
    match export_package(&mut store, &me, &recipients, out, since_last, study.as_ref().map(|(a, b)| (a.as_str(), b.as_str())), now) {
        Ok(report) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&report).expect("a report serializes"));
            } else {
                println!(
                    "{}",
                    lang.pick(
                        format!("Пакет {}: {} записей.", report.package, report.records),
                        format!("{} пакеті: {} жазба.", report.package, report.records),
                        format!("Package {}: {} records.", report.package, report.records),
                    )
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, lang),
    }
}

/// `dala sync import`.
pub fn import(db: &Path, key: &Path, trust: &[PathBuf], packages: &[PathBuf], json: bool, lang: Lang) -> ExitCode {
    let me = match read_secret(key) {
        Ok(k) => k,
        Err(e) => return fail(e, lang),
    };
    let trusted = match read_trust(trust) {
        Ok(t) => t,
        Err(e) => return fail(e, lang),
    };
    let now = chrono::Utc::now();
    let mut store = match crate::dbkey::open_store(db) {
        Ok(s) => s,
        Err(e) => return Failure::runtime(e.message(lang)).exit(),
    };
    let show_progress = packages.len() > 1;
    let report = import_packages(&mut store, &me, &trusted, packages, lang, now, |done, total| {
        if show_progress {
            eprintln!(
                "{}",
                lang.pick(format!("пакет {done} из {total}"), format!("{total} пакеттің {done}-і"), format!("package {done} of {total}"))
            );
        }
    });
    if json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a report serializes"));
    } else {
        println!(
            "{}",
            lang.pick(
                format!(
                    "Пакетов: {}; новых записей: {}; уже были: {}; конфликтов: {}; отклонено: {}.",
                    report.packages,
                    report.imported_entries,
                    report.duplicates,
                    report.conflicts,
                    report.rejected.len()
                ),
                format!(
                    "Пакеттер: {}; жаңа жазбалар: {}; бұрыннан бар: {}; қайшылықтар: {}; қабылданбады: {}.",
                    report.packages,
                    report.imported_entries,
                    report.duplicates,
                    report.conflicts,
                    report.rejected.len()
                ),
                format!(
                    "Packages: {}; new records: {}; already held: {}; conflicts: {}; rejected: {}.",
                    report.packages,
                    report.imported_entries,
                    report.duplicates,
                    report.conflicts,
                    report.rejected.len()
                ),
            )
        );
        for r in &report.rejected {
            eprintln!("{}", r.error);
        }
    }
    if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
