//! `dala simulate`: thin glue over the `dala-simulator` crate (described in `docs/simulator.md`).
//!
//! The crate simulates the devices; this module parses the arguments, merges the device databases into
//! the report `dala report` prints (against the simulated plan, which differs from the study's at a
//! scale above 1), and prints the summary.

use std::path::Path;
use std::process::ExitCode;

use dala_questionnaire::Lang;
use dala_simulator::{Config, DeviceStats, SimError};
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
    let seed = parse_seed(seed, lang)?;
    let cfg = Config { seed, devices, scale, out: out.to_path_buf(), threads };
    let sim_err = |e: SimError| match e {
        SimError::Usage(m) => Failure::usage(m),
        SimError::Runtime(m) => Failure::runtime(m),
    };
    dala_simulator::check_config(&cfg, lang).map_err(sim_err)?;
    let fieldwork = fieldwork_of(study, lang)?;
    let questionnaire = dala_session::load_study(study).map_err(|e| Failure::runtime(e.message(lang)))?;
    let outcome = dala_simulator::simulate(study, &questionnaire, &fieldwork, &cfg, lang).map_err(sim_err)?;
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
