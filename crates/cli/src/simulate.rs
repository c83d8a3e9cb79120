//! `dala simulate`: thin glue over the `dala-simulator` crate (described in `docs/simulator.md`).
//!
//! The crate simulates the devices; this module parses the arguments, merges the device databases into
//! the report `dala report` prints (against the simulated plan, which differs from the study's at a
//! scale above 1), and prints the summary.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use dala_questionnaire::Lang;
use dala_session::sync::{export_package, init_keys, read_public, read_secret};
use dala_simulator::{Config, DeviceStats, SimError};
use dala_sync::{PublicKey, Role};
use rand::Rng;
use serde_json::json;

use crate::fieldcmd::{fieldwork_of, merged_report_with, parse_seed, print_report, Failure, RouteList};

/// The non-interviews among the eligible and unknown cases (E + U − I), split as the KMRS report
/// describes them: refusals (2.1x, and 3.21: a household that refused at the door before screening on a
/// route whose other sex was full, which AAPOR codes as unknown eligibility but the report counted as a
/// refusal), no one opened (2.23, 2.24, 3.10, 3.17) and the other ones.
fn non_interviews(codes: &std::collections::BTreeMap<String, u64>) -> serde_json::Value {
    let count = |f: &dyn Fn(&str) -> bool| codes.iter().filter(|(c, _)| f(c)).map(|(_, n)| *n).sum::<u64>();
    let refusals = count(&|c| c.starts_with("2.1") || c == "3.21");
    let no_one = count(&|c| matches!(c, "2.23" | "2.24" | "3.10" | "3.17"));
    let all = count(&|c| c.starts_with('2') || c.starts_with('3'));
    let share = |n: u64| if all == 0 { 0.0 } else { n as f64 / all as f64 };
    json!({"all": all, "refusals": refusals, "no_one_opened": no_one, "other": all - refusals - no_one,
           "refusals_share": share(refusals), "no_one_opened_share": share(no_one), "other_share": share(all - refusals - no_one)})
}

/// How `dala simulate` runs: its worker threads, and whether devices write to their files as they go.
pub struct Run {
    pub threads: Option<usize>,
    pub on_disk: bool,
}

/// `dala simulate`; `main` turns the failure into its message and exit code.
#[allow(clippy::too_many_arguments)]
pub fn run(
    study: &Path,
    seed: &str,
    devices: u32,
    scale: f64,
    out: &Path,
    Run { threads, on_disk }: Run,
    packages: Option<&Path>,
    to: &[PathBuf],
    as_json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let seed = parse_seed(seed, lang)?;
    // Device databases are encrypted with the PIN as the app's are, each with a key of its own; plain
    // only with --unencrypted.
    let encrypt = match (crate::dbkey::pin(), crate::dbkey::is_unencrypted()) {
        (_, true) => None,
        (Some(pin), false) => {
            let pin = zeroize::Zeroizing::new(pin.to_string());
            Some(dala_simulator::Encrypt(std::sync::Arc::new(move |db: &Path| {
                let user = crate::dbkey::user_given()
                    .map(str::to_string)
                    .unwrap_or_else(|| db.file_stem().map_or_else(|| "device".into(), |s| s.to_string_lossy().into_owned()));
                dala_session::vault::create_keyring(
                    db,
                    &user,
                    Some(dala_sync::Role::Interviewer),
                    &pin,
                    crate::dbkey::fresh(),
                    crate::dbkey::recovery(),
                )
                .map(|k| *k.as_bytes())
                .map_err(|e| e.message(lang))
            })))
        }
        (None, false) => return Err(Failure::usage(dala_session::SessionError::PinNeeded.message(lang))),
    };
    let cfg = Config { seed, devices, scale, out: out.to_path_buf(), threads, encrypt, on_disk };
    let sim_err = |e: SimError| match e {
        SimError::Usage(m) => Failure::usage(m),
        SimError::Runtime(m) => Failure::runtime(m),
    };
    dala_simulator::check_config(&cfg, lang).map_err(sim_err)?;
    // The recipients are read before the simulation, so a wrong --to fails at once, not after it.
    let recipients = match packages {
        None if !to.is_empty() => return Err(Failure::usage(to_without_packages(lang))),
        None => None,
        Some(_) if to.is_empty() => return Err(Failure::usage(packages_without_to(lang))),
        Some(dir) => {
            let keys = to
                .iter()
                .map(|p| read_public(p))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Failure::runtime(e.message().get(lang).to_string()))?;
            Some((dir, keys))
        }
    };
    let fieldwork = fieldwork_of(study, lang)?;
    let questionnaire = dala_session::load_study(study).map_err(|e| Failure::runtime(e.message(lang)))?;
    let outcome = dala_simulator::simulate(study, &questionnaire, &fieldwork, &cfg, lang).map_err(sim_err)?;
    let (written, packages_s) = match &recipients {
        Some((dir, to)) => {
            let t = std::time::Instant::now();
            let written = write_packages(&outcome.paths, dir, to, (&questionnaire.id, &questionnaire.version), outcome.threads, lang)?;
            (Some(written), Some(t.elapsed().as_secs_f64()))
        }
        None => (None, None),
    };
    let t0 = std::time::Instant::now();
    let (stats, paths, workers, fieldwork) = (&outcome.stats, &outcome.paths, outcome.threads, &outcome.fieldwork);
    let simulated_s = outcome.seconds;
    let merged = merged_report_with(fieldwork, paths, dala_fieldwork::report::ReportMode::Final, lang)?;
    let report = &merged.report;
    let total = |f: fn(&DeviceStats) -> u64| stats.iter().map(f).sum::<u64>();
    let (screened, members, completes, moved) =
        (total(|s| s.screened), total(|s| s.members), total(|s| s.completes), total(|s| s.respondents_moved));
    let first = stats.iter().filter_map(|s| s.first).min();
    let last = stats.iter().filter_map(|s| s.last).max();
    let share = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let cities: Vec<serde_json::Value> = report
        .cities
        .iter()
        .map(|c| {
            let (kk, ru) = stats.iter().filter_map(|s| s.languages.get(&c.city)).fold((0, 0), |acc, (k, r)| (acc.0 + k, acc.1 + r));
            json!({
                "city": c.city, "completes": c.completes, "female": c.female, "male": c.male,
                "target_female": c.target_female, "target_male": c.target_male,
                "kazakh_interviews": kk, "kazakh_share": share(kk, kk + ru),
            })
        })
        .collect();
    let run_s = simulated_s + t0.elapsed().as_secs_f64();
    let summary = json!({
        "seed": seed,
        "devices": devices,
        "threads": workers,
        "scale": scale,
        "routes": outcome.routes,
        "out": out.display().to_string(),
        "databases": paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "attempts": report.attempts,
        "addresses": report.addresses,
        "open": report.open,
        "completes": report.completes,
        "dispositions": report.dispositions,
        "disposition_codes": merged.codes,
        "non_interviews": non_interviews(&merged.codes),
        "rates": report.rates,
        "cities": cities,
        "households_screened": screened,
        "mean_household_size": share(members, screened),
        "respondents_moved_share": share(moved, completes),
        "answers": total(|s| s.answers),
        "interviews_refilled": total(|s| s.repaired),
        "addresses_left_open": total(|s| s.left_open),
        "routes_run_out": total(|s| s.routes_exhausted),
        "quota_filled_after_cell_full": total(|s| s.quota_filled_late),
        "continuation_points": total(|s| s.continuations),
        "fieldwork_from": first.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        "fieldwork_to": last.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        "simulation_seconds": simulated_s,
        "synthetic_streets": outcome.synthetic_streets,
        "synthetic_frame": outcome.synthetic_frame.as_ref().map(|p| p.display().to_string()),
        "simulation_file": outcome.modelled,
        "unmodelled_variables": outcome.unmodelled,
        "generic_cities": outcome.generic_cities,
        "run_seconds": run_s,
    });
    let mut summary = summary;
    if let Some(written) = &written {
        summary["packages"] = json!(written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>());
        summary["packages_seconds"] = json!(packages_s);
    }
    if as_json {
        println!("{}", serde_json::to_string_pretty(&summary).expect("a summary serializes"));
        return Ok(());
    }
    println!(
        "{}",
        lang.pick(
            format!(
                "Симуляция: зерно {seed}, устройств {devices} (потоков {workers}), масштаб {scale}, маршрутов {}; базы в {}",
                outcome.routes,
                out.display()
            ),
            format!(
                "Симуляция: бастапқы сан {seed}, {devices} құрылғы ({workers} ағын), масштаб {scale}, {} маршрут; дерекқорлар {} ішінде",
                outcome.routes,
                out.display()
            ),
            format!(
                "Simulation: seed {seed}, {devices} devices ({workers} threads), scale {scale}, {} routes; databases in {}",
                outcome.routes,
                out.display()
            )
        )
    );
    print_report(report, fieldwork, RouteList::None, lang);
    if let (Some(written), Some((dir, _))) = (&written, &recipients) {
        let (n, dir) = (written.len(), dir.display());
        println!(
            "{}",
            lang.pick(
                format!("Пакетов синхронизации: {n} в {dir} (ключи интервьюеров в {dir}/keys)"),
                format!("Синхрондау пакеттері: {n}, {dir} ішінде (сұхбатшылардың кілттері {dir}/keys ішінде)"),
                format!("Sync packages: {n} in {dir} (the interviewers' keys in {dir}/keys)")
            )
        );
    }
    let kk: Vec<String> = cities
        .iter()
        .map(|c| {
            let id = c["city"].as_str().unwrap_or("");
            let name = fieldwork.settings.city(id).map_or(id.to_string(), |s| s.name.get(lang.code()).to_string());
            format!("{name} {:.1} %", c["kazakh_share"].as_f64().unwrap_or(0.0) * 100.0)
        })
        .collect();
    println!(
        "{}",
        lang.pick(format!(
                "Домохозяйств опрошено при отборе: {screened}, средний размер {:.2}; респондентов-мигрантов {:.1} %; интервью на казахском: {}",
                share(members, screened),
                share(moved, completes) * 100.0,
                kk.join(", ")
            ), format!(
                "Іріктеуде тізімделген үй шаруашылығы: {screened}, орташа мөлшері {:.2}; көшіп келген респонденттер {:.1} %; қазақ тіліндегі сұхбаттар: {}",
                share(members, screened),
                share(moved, completes) * 100.0,
                kk.join(", ")
            ), format!("Households screened: {screened}, mean size {:.2}; respondents who moved to the city {:.1} %; Kazakh interviews: {}", share(members, screened), share(moved, completes) * 100.0, kk.join(", ")))
    );
    println!(
        "{}",
        lang.pick(
            format!(
                "Поле: {} – {}; время работы {run_s:.1} с",
                summary["fieldwork_from"].as_str().unwrap_or("—"),
                summary["fieldwork_to"].as_str().unwrap_or("—")
            ),
            format!(
                "Далалық кезең: {} – {}; жұмыс уақыты {run_s:.1} с",
                summary["fieldwork_from"].as_str().unwrap_or("—"),
                summary["fieldwork_to"].as_str().unwrap_or("—")
            ),
            format!(
                "Fieldwork: {} – {}; run time {run_s:.1} s",
                summary["fieldwork_from"].as_str().unwrap_or("—"),
                summary["fieldwork_to"].as_str().unwrap_or("—")
            )
        )
    );
    Ok(())
}

fn packages_without_to(lang: Lang) -> String {
    lang.pick(
        "С --packages нужен хотя бы один получатель: --to <ключ.pub>.",
        "--packages үшін кемінде бір алушы керек: --to <кілт.pub>.",
        "--packages needs at least one recipient: --to <key.pub>.",
    )
    .to_string()
}

fn to_without_packages(lang: Lang) -> String {
    lang.pick(
        "--to задаёт получателей пакетов и нужен только вместе с --packages <папка>.",
        "--to пакеттердің алушыларын көрсетеді және тек --packages <қалта> бірге керек.",
        "--to names the packages' recipients and is only used with --packages <folder>.",
    )
    .to_string()
}

/// Writes `<dir>/device-NN.dala` for each device database `device-NN.sqlite`, signed with a new
/// interviewer key pair `<dir>/keys/device-NN.key` (and `.pub`) and encrypted to `to`; the devices are
/// exported by `workers` threads. Returns the package paths in the order of `databases`.
fn write_packages(
    databases: &[PathBuf],
    dir: &Path,
    to: &[PublicKey],
    study: (&str, &str),
    workers: usize,
    lang: Lang,
) -> Result<Vec<PathBuf>, Failure> {
    let keys = dir.join("keys");
    let out: Vec<PathBuf> = databases
        .iter()
        .map(|db| dir.join(format!("{}.dala", db.file_stem().map_or_else(|| "device".into(), |s| s.to_string_lossy()))))
        .collect();
    let next = AtomicUsize::new(0);
    let one = |i: usize| -> Result<(), Failure> {
        let db = &databases[i];
        let name = db.file_stem().map_or_else(|| "device".to_string(), |s| s.to_string_lossy().to_string());
        let failed = |m: String| Failure::runtime(package_failed(&name, &m, lang));
        let mut seed = [0u8; 32];
        rand::rng().fill(&mut seed);
        let (key_path, _) = init_keys(Role::Interviewer, &name, &keys, seed).map_err(|e| failed(e.message().get(lang).to_string()))?;
        let key = read_secret(&key_path).map_err(|e| failed(e.message().get(lang).to_string()))?;
        let now = chrono::Utc::now();
        let mut store = crate::dbkey::open_store(db).map_err(|e| failed(e.message(lang)))?;
        export_package(&mut store, &key, to, &out[i], false, Some(study), now).map_err(|e| failed(e.message().get(lang).to_string()))?;
        Ok(())
    };
    std::fs::create_dir_all(dir).map_err(|e| Failure::runtime(package_failed(&dir.display().to_string(), &e.to_string(), lang)))?;
    let results: Vec<Result<(), Failure>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers.clamp(1, databases.len().max(1)))
            .map(|_| {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= databases.len() {
                        return Ok(());
                    }
                    one(i)?;
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a package thread does not panic")).collect()
    });
    results.into_iter().collect::<Result<(), Failure>>()?;
    Ok(out)
}

fn package_failed(what: &str, why: &str, lang: Lang) -> String {
    lang.pick(
        format!("Не удалось записать пакет синхронизации для {what}: {why}"),
        format!("{what} үшін синхрондау пакеті жазылмады: {why}"),
        format!("Could not write the sync package of {what}: {why}"),
    )
}
