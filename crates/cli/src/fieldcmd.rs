//! Fieldwork commands: `dala routes draw`, `dala quota plan` and `dala report`.
//!
//! Thin adapters over the fieldwork domain (`dala-fieldwork`) and the session: the route draw is
//! `draw_routes(...).to_json()` (or `Session::draw_city_routes` when the routes go into a database),
//! the quota plan is `plan_quotas`, and the report is `build_report` over the address records of one
//! or several device databases (a coordinator merges devices by naming each with `--db`). Completes
//! are never refused, so a route cell can end up over-filled: the report lists such cells (`overfilled`
//! and `routes[].over_female` / `over_male` in JSON, a line for the supervisor in text).
//!
//! Exit codes: 0 done; 1 the study or a database cannot be read; 2 bad arguments (unknown city,
//! a seed that is not a whole number, a database file that does not exist).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dala_fieldwork::contact::ContactLog;
use dala_fieldwork::draw::{draw_routes, Direction};
use dala_fieldwork::report::{build_report, AddressSummary, FieldReport};
use dala_fieldwork::Sex;
use dala_questionnaire::Lang;
use dala_session::field::{load_fieldwork, Fieldwork, When};
use dala_session::{Session, SessionError};
use serde_json::json;

/// A failed command: the message (already in the message language) and the exit code.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: String) -> Failure {
        Failure { code: 2, message }
    }
    pub fn runtime(message: String) -> Failure {
        Failure { code: 1, message }
    }
    pub fn exit(self) -> ExitCode {
        eprintln!("{}", self.message);
        ExitCode::from(self.code)
    }
}

/// Where the study is when `--study` is not given: `schema/kmrs-2010` in the working folder or one of
/// its parents, else next to the executable or one of its parents (an installed copy). No path of the
/// build machine is compiled in.
pub fn default_study() -> PathBuf {
    let here = std::env::current_dir().ok();
    let exe = std::env::current_exe().ok();
    let candidates: Vec<PathBuf> = here
        .iter()
        .flat_map(|d| d.ancestors())
        .chain(exe.iter().filter_map(|e| e.parent()).flat_map(|d| d.ancestors()))
        .map(|d| d.join("schema/kmrs-2010"))
        .collect();
    candidates.into_iter().find(|c| c.join("study.toml").is_file()).unwrap_or_else(|| PathBuf::from("schema/kmrs-2010"))
}

/// The study's fieldwork (settings, frames, quota plan), or a failure in `lang`.
pub fn fieldwork_of(study: &Path, lang: Lang) -> Result<Fieldwork, Failure> {
    if !study.join("study.toml").is_file() {
        return Err(Failure::usage(SessionError::StudyNotFound(study.display().to_string()).message(lang)));
    }
    match load_fieldwork(study) {
        Ok(Some(fw)) => Ok(fw),
        Ok(None) => Err(Failure::usage(SessionError::NoFieldwork.message(lang))),
        Err(SessionError::Study(diagnostics)) => {
            // The message names the first problem; the others follow it.
            let mut message = SessionError::Study(diagnostics.clone()).message(lang);
            for d in diagnostics.iter().skip(1) {
                message.push('\n');
                message.push_str(&d.render(lang));
            }
            Err(Failure::runtime(message))
        }
        Err(e) => Err(Failure::runtime(e.message(lang))),
    }
}

/// Parses a seed: a whole number 0 ..= 2^64 − 1.
pub fn parse_seed(text: &str, lang: Lang) -> Result<u64, Failure> {
    text.trim().parse::<u64>().map_err(|_| {
        Failure::usage(lang.pick(
            format!("Неверное зерно «{text}»: нужно целое число от 0 до 18446744073709551615."),
            format!("«{text}» бастапқы саны қате: 0-ден 18446744073709551615-ке дейінгі бүтін сан керек."),
            format!("Bad seed `{text}`: expected a whole number from 0 to 18446744073709551615."),
        ))
    })
}

fn unknown_city(city: &str, fw: &Fieldwork, lang: Lang) -> Failure {
    let known = fw.settings.cities.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ");
    Failure::usage(lang.pick(
        format!("Неизвестный город «{city}». Города исследования: {known}."),
        format!("«{city}» қаласы белгісіз. Зерттеу қалалары: {known}."),
        format!("Unknown city `{city}`. The study's cities: {known}."),
    ))
}

/// `dala routes draw`.
#[allow(clippy::too_many_arguments)]
pub fn routes_draw(
    study: &Path,
    city: &str,
    seed: &str,
    routes: Option<u32>,
    weighted: bool,
    as_json: bool,
    db: Option<&Path>,
    lang: Lang,
) -> ExitCode {
    match routes_draw_inner(study, city, seed, routes, weighted, as_json, db, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.exit(),
    }
}

#[allow(clippy::too_many_arguments)]
fn routes_draw_inner(
    study: &Path,
    city: &str,
    seed: &str,
    routes: Option<u32>,
    weighted: bool,
    as_json: bool,
    db: Option<&Path>,
    lang: Lang,
) -> Result<(), Failure> {
    let seed = parse_seed(seed, lang)?;
    let fw = fieldwork_of(study, lang)?;
    let Some(settings) = fw.settings.city(city) else { return Err(unknown_city(city, &fw, lang)) };
    if routes == Some(0) {
        return Err(Failure::usage(
            lang.pick(
                "Число маршрутов должно быть не меньше 1.",
                "Маршрут саны кемінде 1 болуы керек.",
                "The number of routes must be at least 1.",
            )
            .to_string(),
        ));
    }
    let k = routes.unwrap_or(settings.routes);
    let draw = match db {
        // Stored through the session, exactly as the app stores a draw.
        Some(db) => {
            let mut session = Session::open(study, db).map_err(|e| Failure::runtime(e.message(lang)))?;
            session
                .draw_city_routes(city, seed, Some(k), weighted, When::now())
                .map_err(|e| Failure { code: if matches!(e, SessionError::Field(_)) { 2 } else { 1 }, message: e.message(lang) })?
        }
        None => draw_routes(&fw.frame, city, seed, k, weighted).map_err(|e| Failure::usage(e.localized().get(lang.code()).to_string()))?,
    };
    if as_json {
        println!("{}", draw.to_json());
        return Ok(());
    }
    let name = settings.name.get(lang.code());
    println!(
        "{}",
        lang.pick(
            format!(
                "{name}: маршрутов {}, зерно {seed}{}",
                draw.routes.len(),
                if weighted { ", с вероятностью, пропорциональной числу жилищ" } else { "" }
            ),
            format!(
                "{name}: {} маршрут, бастапқы сан {seed}{}",
                draw.routes.len(),
                if weighted { ", тұрғын үй санына пропорционал" } else { "" }
            ),
            format!("{name}: {} routes, seed {seed}{}", draw.routes.len(), if weighted { ", weighted by dwellings" } else { "" })
        )
    );
    let (h_id, h_street, h_start, h_dir) = lang.pick(
        ("маршрут", "улица", "старт", "направление"),
        ("маршрут", "көше", "бастау", "бағыт"),
        ("route", "street", "start", "direction"),
    );
    println!("{h_id:<14} {h_street:<40} {h_start:>6}  {h_dir}");
    for r in &draw.routes {
        let street = if lang == Lang::Kk { &r.street_kk } else { &r.street };
        let dir = match (r.direction, lang) {
            (Direction::Ascending, Lang::Ru) => "по возрастанию номеров",
            (Direction::Descending, Lang::Ru) => "по убыванию номеров",
            (Direction::Ascending, Lang::Kk) => "нөмірлер өсу бойынша",
            (Direction::Descending, Lang::Kk) => "нөмірлер кему бойынша",
            (Direction::Ascending, Lang::En) => "ascending numbers",
            (Direction::Descending, Lang::En) => "descending numbers",
        };
        println!("{:<14} {:<40} {:>6}  {dir}", r.id, street, r.start_house);
    }
    if let Some(db) = db {
        println!(
            "{}",
            lang.pick(
                format!("Маршруты сохранены в {}.", db.display()),
                format!("Маршруттар {} ішіне сақталды.", db.display()),
                format!("Routes stored in {}.", db.display())
            )
        );
    }
    Ok(())
}

/// `dala routes assign`.
pub fn routes_assign(study: &Path, db: &Path, to: &str, routes: &[String], lang: Lang) -> ExitCode {
    if !db.is_file() {
        let d = db.display();
        return Failure::usage(lang.pick(
            format!("Нет базы данных {d}."),
            format!("{d} дерекқоры жоқ."),
            format!("There is no database {d}."),
        ))
        .exit();
    }
    let result = Session::open(study, db).and_then(|mut s| s.assign_routes(routes, Some(to), When::now()));
    match result {
        Ok(()) => {
            let n = routes.len();
            println!(
                "{}",
                lang.pick(
                    format!("Маршрутов назначено {to}: {n}."),
                    format!("{to} үшін {n} маршрут тағайындалды."),
                    format!("{n} route(s) assigned to {to}.")
                )
            );
            ExitCode::SUCCESS
        }
        Err(e) => Failure {
            code: if matches!(e, SessionError::Store(dala_store::StoreError::NoRoute(_))) { 2 } else { 1 },
            message: e.message(lang),
        }
        .exit(),
    }
}

/// `dala quota plan`.
pub fn quota_plan(study: &Path, as_json: bool, lang: Lang) -> ExitCode {
    let fw = match fieldwork_of(study, lang) {
        Ok(f) => f,
        Err(f) => return f.exit(),
    };
    if as_json {
        println!("{}", serde_json::to_string_pretty(&fw.plan).expect("a quota plan serializes"));
        return ExitCode::SUCCESS;
    }
    let head = lang.pick(
        ["город", "домохозяйств", "женщин", "мужчин", "маршрутов", "ячейки маршрутов (Ж/М × число)"],
        ["қала", "үй шаруашылығы", "әйел", "ер", "маршрут", "маршрут ұяшықтары (Ә/Е × саны)"],
        ["city", "households", "female", "male", "routes", "route cells (F/M × routes)"],
    );
    println!("{:<12} {:>13} {:>7} {:>7} {:>9}  {}", head[0], head[1], head[2], head[3], head[4], head[5]);
    let mut total = (0, 0, 0, 0);
    for c in &fw.plan.cities {
        let name = fw.settings.city(&c.city).map(|s| s.name.get(lang.code()).to_string()).unwrap_or_else(|| c.city.clone());
        let shapes = c.shapes.iter().map(|s| format!("{}/{} × {}", s.female, s.male, s.routes)).collect::<Vec<_>>().join(", ");
        println!("{:<12} {:>13} {:>7} {:>7} {:>9}  {shapes}", name, c.planned, c.female, c.male, c.routes);
        total = (total.0 + c.planned, total.1 + c.female, total.2 + c.male, total.3 + c.routes);
    }
    let all = lang.pick("всего", "барлығы", "total").to_string();
    println!("{:<12} {:>13} {:>7} {:>7} {:>9}", all, total.0, total.1, total.2, total.3);
    ExitCode::SUCCESS
}

/// The merged report of several device databases, and how many address records were found twice.
pub struct Merged {
    pub report: FieldReport,
    /// Final dispositions by AAPOR code ("2.111" → n).
    pub codes: BTreeMap<String, u64>,
    pub databases: usize,
    pub duplicates: usize,
}

/// Reads every address of every database (through a session on the study) and builds one report.
/// An address found in two databases (the same file named twice, or a copy) counts once: the record
/// with a final disposition, else the one with more visits.
pub fn merged_report(study: &Path, dbs: &[PathBuf], lang: Lang) -> Result<Merged, Failure> {
    merged_report_with(&fieldwork_of(study, lang)?, dbs, lang)
}

/// [`merged_report`] against a given fieldwork (the simulator's scaled plan).
pub fn merged_report_with(fw: &Fieldwork, dbs: &[PathBuf], lang: Lang) -> Result<Merged, Failure> {
    for db in dbs {
        if !db.is_file() {
            return Err(Failure::usage(lang.pick(
                format!("Файл базы данных {} не найден.", db.display()),
                format!("{} дерекқор файлы табылмады.", db.display()),
                format!("The database file {} does not exist.", db.display()),
            )));
        }
    }
    let mut by_key: BTreeMap<String, (ContactLog, Option<Sex>)> = BTreeMap::new();
    let mut duplicates = 0;
    for db in dbs {
        // Read only: a report never migrates or writes a device's database.
        let store = dala_store::Store::open_read_only(db)
            .map_err(|e| Failure::runtime(format!("{}: {}", db.display(), SessionError::from(e).message(lang))))?;
        let rows =
            store.addresses(None).map_err(|e| Failure::runtime(format!("{}: {}", db.display(), SessionError::from(e).message(lang))))?;
        for row in rows {
            let log: ContactLog =
                serde_json::from_str(&row.log).map_err(|e| Failure::runtime(format!("{}: {}: {e}", db.display(), row.key)))?;
            let sex = match row.respondent_sex.as_deref() {
                Some("female") => Some(Sex::Female),
                Some("male") => Some(Sex::Male),
                _ => None,
            };
            match by_key.get(&row.key) {
                None => {
                    by_key.insert(row.key.clone(), (log, sex));
                }
                Some((old, _)) => {
                    duplicates += 1;
                    let better = (log.closed.is_some(), log.visits.len()) > (old.closed.is_some(), old.visits.len());
                    if better {
                        by_key.insert(row.key.clone(), (log, sex));
                    }
                }
            }
        }
    }
    let summaries: Vec<AddressSummary> = by_key.values().map(|(log, sex)| AddressSummary::of_log(log, *sex)).collect();
    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
    for s in &summaries {
        if let Some(d) = s.disposition {
            *codes.entry(d.code().to_string()).or_default() += 1;
        }
    }
    Ok(Merged { report: build_report(&summaries, &fw.plan, fw.settings.aapor.e), codes, databases: dbs.len(), duplicates })
}

/// `dala report`.
pub fn report(study: &Path, dbs: &[PathBuf], as_json: bool, all_routes: bool, lang: Lang) -> ExitCode {
    let merged = match merged_report(study, dbs, lang) {
        Ok(m) => m,
        Err(f) => return f.exit(),
    };
    if merged.duplicates > 0 {
        eprintln!(
            "{}",
            lang.pick(
                format!("Внимание: {} адресов найдены в нескольких базах; каждый учтён один раз.", merged.duplicates),
                format!("Назар аударыңыз: {} мекенжай бірнеше дерекқорда табылды; әрқайсысы бір рет есептелді.", merged.duplicates),
                format!("Note: {} addresses were found in more than one database; each is counted once.", merged.duplicates)
            )
        );
    }
    if as_json {
        let mut v = serde_json::to_value(&merged.report).expect("a report serializes");
        v["databases"] = json!(merged.databases);
        v["disposition_codes"] = json!(merged.codes);
        println!("{}", serde_json::to_string_pretty(&v).expect("a report serializes"));
        return ExitCode::SUCCESS;
    }
    let fw = match fieldwork_of(study, lang) {
        Ok(f) => f,
        Err(f) => return f.exit(),
    };
    print_report(&merged.report, &fw, if all_routes { RouteList::All } else { RouteList::Worked }, lang);
    ExitCode::SUCCESS
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{:.1} %", v * 100.0))
}

/// Which routes the text report lists.
#[derive(Clone, Copy, PartialEq)]
pub enum RouteList {
    None,
    Worked,
    All,
}

/// The supervisor's line about over-filled cells ("almaty-R01 (F +1)"), if there is any.
pub fn overfill_line(r: &FieldReport, lang: Lang) -> Option<String> {
    if r.overfilled.is_empty() {
        return None;
    }
    let (f, m) = lang.pick(("Ж", "М"), ("Ә", "Е"), ("F", "M"));
    let cells: Vec<String> = r
        .routes
        .iter()
        .filter(|x| r.overfilled.contains(&x.id))
        .map(|x| {
            let mut over = Vec::new();
            if x.over_female > 0 {
                over.push(format!("{f} +{}", x.over_female));
            }
            if x.over_male > 0 {
                over.push(format!("{m} +{}", x.over_male));
            }
            format!("{} ({})", x.id, over.join(", "))
        })
        .collect();
    let cells = cells.join("; ");
    Some(lang.pick(
        format!("Переполненные ячейки квоты (все интервью учтены, проверьте отбор): {cells}"),
        format!("Асып кеткен квота ұяшықтары (барлық сұхбат есептелді, іріктеуді тексеріңіз): {cells}"),
        format!("Over-filled quota cells (every complete is counted; check the selection): {cells}"),
    ))
}

/// The report as text tables.
pub fn print_report(r: &FieldReport, fw: &Fieldwork, routes: RouteList, lang: Lang) {
    println!(
        "{}",
        lang.pick(
            format!(
                "Визитов (попыток контакта): {}; адресов: {} (открытых {}); интервью: {}",
                r.attempts, r.addresses, r.open, r.completes
            ),
            format!("Бару (байланыс әрекеті): {}; мекенжай: {} (ашық {}); сұхбат: {}", r.attempts, r.addresses, r.open, r.completes),
            format!("Visits (contact attempts): {}; addresses: {} ({} open); completes: {}", r.attempts, r.addresses, r.open, r.completes)
        )
    );
    if let Some(line) = overfill_line(r, lang) {
        println!("{line}");
    }
    let d = &r.dispositions;
    println!("I {}  P {}  R {}  NC {}  O {}  UH {}  UO {}  NE {}", d.i, d.p, d.r, d.nc, d.o, d.uh, d.uo, d.ne);
    let x = &r.rates;
    println!(
        "RR1 {}  RR3 {}  RR5 {}  COOP1 {}  REF1 {}  CON1 {}  e {}",
        pct(x.rr1),
        pct(x.rr3),
        pct(x.rr5),
        pct(x.coop1),
        pct(x.ref1),
        pct(x.con1),
        x.e.map_or("—".into(), |e| format!("{e:.3}"))
    );
    let head = lang.pick(
        ["город", "интервью", "женщин", "цель Ж", "мужчин", "цель М"],
        ["қала", "сұхбат", "әйел", "мақсат Ә", "ер", "мақсат Е"],
        ["city", "completes", "female", "target F", "male", "target M"],
    );
    println!("{:<12} {:>9} {:>7} {:>9} {:>7} {:>9}", head[0], head[1], head[2], head[3], head[4], head[5]);
    for c in &r.cities {
        let name = fw.settings.city(&c.city).map(|s| s.name.get(lang.code()).to_string()).unwrap_or_else(|| c.city.clone());
        println!("{:<12} {:>9} {:>7} {:>9} {:>7} {:>9}", name, c.completes, c.female, c.target_female, c.male, c.target_male);
    }
    let worked: Vec<_> = r.routes.iter().filter(|x| routes == RouteList::All || (routes == RouteList::Worked && x.addresses > 0)).collect();
    if worked.is_empty() {
        return;
    }
    let head = lang.pick(
        ["маршрут", "интервью", "цель", "Ж", "М", "визитов", "адресов"],
        ["маршрут", "сұхбат", "мақсат", "Ә", "Е", "бару", "мекенжай"],
        ["route", "completes", "target", "F", "M", "visits", "addresses"],
    );
    println!("{:<16} {:>9} {:>7} {:>4} {:>4} {:>8} {:>9}", head[0], head[1], head[2], head[3], head[4], head[5], head[6]);
    for x in worked {
        println!("{:<16} {:>9} {:>7} {:>4} {:>4} {:>8} {:>9}", x.id, x.completes, x.target, x.female, x.male, x.visits, x.addresses);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dala_fieldwork::contact::Disposition;
    use dala_fieldwork::rates::EligibilityEstimate;

    #[test]
    fn over_filled_cells_get_a_line_in_every_language() {
        let Ok(fw) = fieldwork_of(&default_study(), Lang::En) else { panic!("the KMRS study has fieldwork") };
        let complete = |route: &str, sex| AddressSummary {
            route: route.into(),
            visits: 1,
            disposition: Some(Disposition::Complete),
            respondent_sex: Some(sex),
        };
        let mut addresses: Vec<AddressSummary> = (0..6).map(|_| complete("almaty-R01", Sex::Female)).collect();
        addresses.push(complete("almaty-R02", Sex::Male));
        let report = build_report(&addresses, &fw.plan, EligibilityEstimate::Computed);
        assert_eq!(
            overfill_line(&report, Lang::En).as_deref(),
            Some("Over-filled quota cells (every complete is counted; check the selection): almaty-R01 (F +1)")
        );
        assert!(overfill_line(&report, Lang::Ru).unwrap().ends_with("almaty-R01 (Ж +1)"));
        assert!(overfill_line(&report, Lang::Kk).unwrap().ends_with("almaty-R01 (Ә +1)"));
        let within = build_report(&addresses[1..], &fw.plan, EligibilityEstimate::Computed);
        assert_eq!(overfill_line(&within, Lang::Ru), None);
    }
}
