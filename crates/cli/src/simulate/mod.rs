//! `dala simulate`: the field simulator (issue 3, item 10; described in `docs/simulator.md`).
//!
//! It produces, per simulated device, the SQLite database real fieldwork would leave
//! (`<out>/device-01.sqlite`, …): the supervisor's route draw of every city (seeded with `--seed`),
//! the device's routes (assigned round-robin over all routes of all cities), and on each route every
//! visit, screening, selection and complete interview, all through the session API the app uses.
//! Every random choice comes from ChaCha20 streams derived from the seed, per route and per address, and
//! times come from a simulated clock: the same seed gives the same database content apart from the
//! UUIDs (device, interviews, journal entries). Devices run in parallel threads (one database each).

mod device;
pub mod household;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use dala_fieldwork::draw::route_id;
use dala_questionnaire::Lang;
use serde_json::json;

use crate::fieldcmd::{fieldwork_of, merged_report, parse_seed, print_report, Failure, RouteList};
use device::{simulate_device, DeviceStats, Shared};

/// The non-interviews among the eligible and unknown cases (E + U − I), split as the KMRS report
/// describes them: refusals (2.1x), no one opened (2.23, 2.24, 3.10, 3.17) and the other ones.
fn non_interviews(codes: &std::collections::BTreeMap<String, u64>) -> serde_json::Value {
    let count = |f: &dyn Fn(&str) -> bool| codes.iter().filter(|(c, _)| f(c)).map(|(_, n)| *n).sum::<u64>();
    let refusals = count(&|c| c.starts_with("2.1"));
    let no_one = count(&|c| matches!(c, "2.23" | "2.24" | "3.10" | "3.17"));
    let all = count(&|c| c.starts_with('2') || c.starts_with('3'));
    let share = |n: u64| if all == 0 { 0.0 } else { n as f64 / all as f64 };
    json!({"all": all, "refusals": refusals, "no_one_opened": no_one, "other": all - refusals - no_one,
           "refusals_share": share(refusals), "no_one_opened_share": share(no_one), "other_share": share(all - refusals - no_one)})
}

#[allow(clippy::too_many_arguments)]
pub fn run(study: &Path, seed: &str, devices: u32, scale: f64, out: &Path, threads: Option<usize>, as_json: bool, lang: Lang) -> ExitCode {
    match run_inner(study, seed, devices, scale, out, threads, as_json, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.exit(),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_inner(
    study: &Path,
    seed: &str,
    devices: u32,
    scale: f64,
    out: &Path,
    threads: Option<usize>,
    as_json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let t0 = Instant::now();
    let seed = parse_seed(seed, lang)?;
    if !(scale > 0.0 && scale <= 1.0) {
        return Err(Failure::usage(lang.pick(format!("Неверный масштаб {scale}: нужно число больше 0 и не больше 1 (доля плана исследования; маршруты выбираются без возвращения, больше улиц в списке нет)."), format!("{scale} масштабы қате: 0-ден үлкен және 1-ден аспайтын сан керек (зерттеу жоспарының үлесі; маршруттар қайтарусыз таңдалады)."), format!("Bad scale {scale}: expected a number above 0 and at most 1 (a share of the study's plan; routes are drawn without replacement, and the frames have no more streets)."))));
    }
    if devices == 0 || devices > 999 {
        return Err(Failure::usage(
            lang.pick(
                "Число устройств должно быть от 1 до 999.",
                "Құрылғылар саны 1-ден 999-ға дейін болуы керек.",
                "The number of devices must be from 1 to 999.",
            )
            .to_string(),
        ));
    }
    let fieldwork = fieldwork_of(study, lang)?;
    let questionnaire = dala_session::load_study(study).map_err(|e| Failure::runtime(e.message(lang)))?;
    std::fs::create_dir_all(out).map_err(|e| Failure::runtime(format!("{}: {e}", out.display())))?;
    // The databases of an earlier run are replaced.
    for d in 1..=devices.max(99) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(out.join(format!("device-{d:02}.sqlite{suffix}")));
        }
    }
    // Routes per city: the plan's routes times the scale (at least one), in the plan's order.
    let routes_per_city: Vec<(String, u32)> = fieldwork
        .settings
        .cities
        .iter()
        .map(|c| (c.id.clone(), ((f64::from(c.routes) * scale).round() as u32).clamp(1, c.routes)))
        .collect();
    let all: Vec<String> = routes_per_city.iter().flat_map(|(city, k)| (0..*k as usize).map(move |i| route_id(city, i))).collect();
    let mut assignment: Vec<Vec<String>> = vec![Vec::new(); devices as usize];
    for (i, r) in all.iter().enumerate() {
        assignment[i % devices as usize].push(r.clone());
    }
    let shared = Shared::new(&questionnaire, &fieldwork, seed, routes_per_city.clone(), out.to_path_buf());
    let workers = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).clamp(1, devices as usize);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<DeviceStats, String>>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= assignment.len() {
                    break;
                }
                let r = simulate_device(&shared, i as u32 + 1, &assignment[i]).map_err(|e| format!("device {:02}: {e}", i + 1));
                results.lock().expect("no worker panicked").push(r);
            });
        }
    });
    let mut stats: Vec<DeviceStats> = Vec::new();
    let mut failures = Vec::new();
    for r in results.into_inner().expect("no worker panicked") {
        match r {
            Ok(s) => stats.push(s),
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        return Err(Failure::runtime(failures.join("\n")));
    }
    stats.sort_by_key(|s| s.device);
    let simulated_s = t0.elapsed().as_secs_f64();
    let paths: Vec<PathBuf> = stats.iter().map(|s| s.path.clone()).collect();
    let merged = merged_report(study, &paths, lang)?;
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
    let run_s = t0.elapsed().as_secs_f64();
    let summary = json!({
        "seed": seed,
        "devices": devices,
        "threads": workers,
        "scale": scale,
        "routes": all.len(),
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
        "run_seconds": run_s,
    });
    if as_json {
        println!("{}", serde_json::to_string_pretty(&summary).expect("a summary serializes"));
        return Ok(());
    }
    println!(
        "{}",
        lang.pick(
            format!(
                "Симуляция: зерно {seed}, устройств {devices} (потоков {workers}), масштаб {scale}, маршрутов {}; базы в {}",
                all.len(),
                out.display()
            ),
            format!(
                "Симуляция: бастапқы сан {seed}, {devices} құрылғы ({workers} ағын), масштаб {scale}, {} маршрут; дерекқорлар {} ішінде",
                all.len(),
                out.display()
            ),
            format!(
                "Simulation: seed {seed}, {devices} devices ({workers} threads), scale {scale}, {} routes; databases in {}",
                all.len(),
                out.display()
            )
        )
    );
    print_report(report, &fieldwork, RouteList::None, lang);
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
