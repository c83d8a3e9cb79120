//! Fieldwork commands: `dala routes draw`, `dala quota plan` and `dala report`.
//!
//! Thin adapters over the fieldwork domain (`dala-fieldwork`) and the session: the route draw is
//! `draw_routes(...).to_json()` (or `Session::draw_city_routes` when the routes go into a database),
//! the quota plan is `plan_quotas`, and the report is `build_report` over the address records of one
//! or several device databases (a coordinator merges devices by naming each with `--db`). Completes
//! are never refused, so a route cell can end up over-filled: the report lists such cells (`overfilled`
//! and `routes[].over_female` / `over_male` in JSON, a line for the supervisor in text). The report
//! counts closed addresses only (`"mode": "final"`), or with `--provisional` every open address with
//! the disposition its visits so far lead to (`"mode": "provisional"`, as at the end of fieldwork);
//! the text report says which in its first line. It also gives `e` with and without the quota-filled
//! cases (4.80), overall and per city, and lists the households screened again with their reasons.
//! `dala report --html` (`reporthtml.rs`) merges the databases the same way ([`merged_store`]), with
//! every record rather than the fieldwork's only, since its figures read the interviews' answers too.
//!
//! Exit codes: 0 done; 1 the study or a database cannot be read; 2 bad arguments (unknown city,
//! a seed that is not a whole number, a database file that does not exist).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dala_fieldwork::contact::ContactLog;
use dala_fieldwork::draw::{draw_routes, Direction};
use dala_fieldwork::rates::EligibleShare;
use dala_fieldwork::report::{build_report_in, AddressSummary, FieldReport, ReportMode};
use dala_fieldwork::screening::HouseholdScreening;
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
    /// The database file named on the command line is not there.
    pub fn no_database(db: &Path, lang: Lang) -> Failure {
        Failure::usage(lang.pick(
            format!("Файл базы данных {} не найден.", db.display()),
            format!("{} дерекқор файлы табылмады.", db.display()),
            format!("The database file {} does not exist.", db.display()),
        ))
    }
}

/// Success, or the failure's message on stderr and its exit code.
pub fn exit_with(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.exit(),
    }
}

/// A session on an existing database (never creates one: a mistyped path is an error, not a new file).
pub fn open_existing(study: &Path, db: &Path, lang: Lang) -> Result<Session, Failure> {
    if !db.is_file() {
        return Err(Failure::no_database(db, lang));
    }
    crate::dbkey::open_session(study, db).map_err(|e| Failure::runtime(e.message(lang)))
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
            let mut session = crate::dbkey::open_session(study, db).map_err(|e| Failure::runtime(e.message(lang)))?;
            session
                .draw_city_routes(city, seed, Some(k), weighted, When::now())
                .map_err(|e| Failure { code: if matches!(e, SessionError::Field(_)) { 2 } else { 1 }, message: e.message(lang) })?
        }
        None => {
            let mut draw =
                draw_routes(&fw.frame, city, seed, k, weighted).map_err(|e| Failure::usage(e.localized().get(lang.code()).to_string()))?;
            draw.frame_sha256 = fw.frame_sha256.get(city).cloned();
            draw
        }
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
    if let Some(hash) = &draw.frame_sha256 {
        println!(
            "{}",
            lang.pick(
                format!("Список улиц (SHA-256): {hash}"),
                format!("Көшелер тізімі (SHA-256): {hash}"),
                format!("Street list (SHA-256): {hash}")
            )
        );
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
    let result = crate::dbkey::open_session(study, db).and_then(|mut s| s.assign_routes(routes, Some(to), When::now()));
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
/// In `Provisional` mode open addresses count with their provisional disposition.
/// in a mode: `Provisional` counts open addresses with their provisional disposition.
pub fn merged_report_in(study: &Path, dbs: &[PathBuf], mode: ReportMode, lang: Lang) -> Result<Merged, Failure> {
    merged_report_with(&fieldwork_of(study, lang)?, dbs, mode, lang)
}

/// [`merged_report_in`] against a given fieldwork (the simulator's scaled plan).
pub fn merged_report_with(fw: &Fieldwork, dbs: &[PathBuf], mode: ReportMode, lang: Lang) -> Result<Merged, Failure> {
    let (merged, rows_seen) = merged_store(dbs, dala_store::sync::Scope::Fieldwork, lang)?;
    let open_err =
        |db: &Path, e: dala_store::StoreError| Failure::runtime(format!("{}: {}", db.display(), SessionError::from(e).message(lang)));
    let rows = merged.addresses(None).map_err(|e| open_err(&dbs[0], e))?;
    let duplicates = if dbs.len() == 1 { 0 } else { rows_seen.saturating_sub(rows.len()) };
    let mut by_key: BTreeMap<String, (ContactLog, Option<Sex>, Vec<String>)> = BTreeMap::new();
    for row in rows {
        let db = &dbs[0];
        let log: ContactLog =
            serde_json::from_str(&row.log).map_err(|e| Failure::runtime(format!("{}: {}: {e}", db.display(), row.key)))?;
        let sex = match row.respondent_sex.as_deref() {
            Some("female") => Some(Sex::Female),
            Some("male") => Some(Sex::Male),
            _ => None,
        };
        let rescreens = match row.screening.as_deref().map(serde_json::from_str::<HouseholdScreening>).transpose() {
            Ok(doc) => doc.map(|d| d.rescreens.into_iter().map(|r| r.reason).collect()).unwrap_or_default(),
            Err(e) => return Err(Failure::runtime(format!("{}: {}: {e}", db.display(), row.key))),
        };
        by_key.insert(row.key.clone(), (log, sex, rescreens));
    }
    let summaries: Vec<AddressSummary> = by_key
        .values()
        .map(|(log, sex, reasons)| AddressSummary { rescreen_reasons: reasons.clone(), ..AddressSummary::of_log_in(log, *sex, mode) })
        .collect();
    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
    for s in &summaries {
        if let Some(d) = s.disposition {
            *codes.entry(d.code().to_string()).or_default() += 1;
        }
    }
    Ok(Merged { report: build_report_in(&summaries, &fw.plan, fw.settings.aapor.e, mode), codes, databases: dbs.len(), duplicates })
}

/// One database over `dbs`: the file itself (read only) when there is one, else an in-memory
/// database into which every file's records of `scope` are imported by the sync rules, and how many
/// address records were read in all (to count the duplicates).
pub fn merged_store(dbs: &[PathBuf], scope: dala_store::sync::Scope, lang: Lang) -> Result<(dala_store::Store, usize), Failure> {
    if let Some(db) = dbs.iter().find(|db| !db.is_file()) {
        return Err(Failure::no_database(db, lang));
    }
    // Several devices' databases are merged by the sync rules (docs/sync.md) into one in memory, as a
    // supervisor's database would hold them after importing their packages: each address once, in its
    // latest version. The report then reads the merged addresses.
    let open_err =
        |db: &Path, e: dala_store::StoreError| Failure::runtime(format!("{}: {}", db.display(), SessionError::from(e).message(lang)));
    let now = chrono::Utc::now();
    let mut merged: Option<dala_store::Store> = None;
    let mut rows_seen = 0usize;
    for db in dbs {
        // Read only: a report never migrates or writes a device's database.
        let mut store = crate::dbkey::open_read_only(db).map_err(|e| Failure::runtime(format!("{}: {}", db.display(), e.message(lang))))?;
        if dbs.len() == 1 {
            merged = Some(store);
            break;
        }
        let target = match &mut merged {
            Some(m) => m,
            None => merged.insert(dala_store::Store::open_in_memory(now).map_err(|e| open_err(db, e))?),
        };
        let mut importer = target.importer(now).map_err(|e| open_err(db, e))?;
        let import_err = |e: &dala_store::sync::ImportError| {
            Failure::runtime(format!("{}: {}", db.display(), dala_session::sync::import_message(e).get(lang)))
        };
        let mut failure: Option<dala_store::sync::ImportError> = None;
        store
            .export_scoped(None, now, scope, |r| {
                if let dala_store::sync::Record::Address { .. } = r {
                    rows_seen += 1;
                }
                importer.add(r.clone()).map_err(|e| {
                    let m = e.to_string();
                    failure = Some(e);
                    m
                })
            })
            .map_err(|e| match (&failure, e) {
                (Some(f), _) => import_err(f),
                (None, dala_store::sync::ExportError::Store(e)) => open_err(db, e),
                (None, dala_store::sync::ExportError::Sink(m)) => Failure::runtime(format!("{}: {m}", db.display())),
            })?;
        importer.finish("report", &db.display().to_string(), json!({})).map_err(|e| import_err(&e))?;
    }
    Ok((merged.expect("at least one database"), rows_seen))
}

/// `dala report`.
pub fn report(study: &Path, dbs: &[PathBuf], as_json: bool, all_routes: bool, mode: ReportMode, lang: Lang) -> ExitCode {
    let merged = match merged_report_in(study, dbs, mode, lang) {
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
        v["draws"] = json!(draws_of(dbs)
            .iter()
            .map(|d| json!({"city": d.city, "seed": d.seed, "weighted": d.weighted, "frame_sha256": d.frame_sha256}))
            .collect::<Vec<_>>());
        println!("{}", serde_json::to_string_pretty(&v).expect("a report serializes"));
        return ExitCode::SUCCESS;
    }
    let fw = match fieldwork_of(study, lang) {
        Ok(f) => f,
        Err(f) => return f.exit(),
    };
    print_report(&merged.report, &fw, if all_routes { RouteList::All } else { RouteList::Worked }, lang);
    print_draws(&draws_of(dbs), &fw, lang);
    ExitCode::SUCCESS
}

/// The route draws stored in the databases (each city, seed and frame hash once).
fn draws_of(dbs: &[PathBuf]) -> Vec<dala_store::DrawRow> {
    let mut out: Vec<dala_store::DrawRow> = Vec::new();
    for db in dbs {
        let Ok(store) = crate::dbkey::open_read_only(db) else { continue };
        for d in store.route_draws().unwrap_or_default() {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// One line per draw with its frame's SHA-256, and a warning when the study's frame file has changed since.
fn print_draws(draws: &[dala_store::DrawRow], fw: &Fieldwork, lang: Lang) {
    for d in draws {
        let hash = d.frame_sha256.as_deref().unwrap_or("—");
        println!(
            "{}",
            lang.pick(
                format!("Отбор маршрутов {}: зерно {}, список улиц SHA-256 {hash}", d.city, d.seed),
                format!("{} маршруттарын іріктеу: бастапқы сан {}, көшелер тізімі SHA-256 {hash}", d.city, d.seed),
                format!("Route draw {}: seed {}, street list SHA-256 {hash}", d.city, d.seed)
            )
        );
        if let (Some(stored), Some(now)) = (&d.frame_sha256, fw.frame_sha256.get(&d.city)) {
            if stored != now {
                println!(
                    "{}",
                    lang.pick(
                        format!("  Внимание: список улиц {} изменился после отбора (сейчас {now}).", d.city),
                        format!("  Назар аударыңыз: {} көшелер тізімі іріктеуден кейін өзгерді (қазір {now}).", d.city),
                        format!("  Warning: the street list of {} has changed since the draw (now {now}).", d.city)
                    )
                );
            }
        }
    }
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

/// The first line of the text report: which dispositions the rates count.
pub fn mode_line(r: &FieldReport, lang: Lang) -> String {
    match r.mode {
        ReportMode::Final => lang.pick(
            format!(
                "Итоговый отчёт: показатели по закрытым адресам; открытые адреса ({}) не учтены (--provisional учтёт их предварительно).",
                r.open
            ),
            format!(
                "Қорытынды есеп: көрсеткіштер жабылған мекенжайлар бойынша; ашық мекенжайлар ({}) есептелмеді (--provisional оларды алдын ала есептейді).",
                r.open
            ),
            format!("Final report: rates over closed addresses; open addresses ({}) are left out (--provisional counts them).", r.open),
        ),
        ReportMode::Provisional => lang.pick(
            format!(
                "Предварительный отчёт: открытые адреса ({}) учтены с предварительным кодом по визитам на сегодня, как в конце полевого этапа.",
                r.provisional
            ),
            format!(
                "Алдын ала есеп: ашық мекенжайлар ({}) бүгінгі барулар бойынша алдын ала кодпен есептелді, далалық кезеңнің соңындағыдай.",
                r.provisional
            ),
            format!(
                "Provisional report: open addresses ({}) are counted with the provisional disposition of their visits so far, as at the end of fieldwork.",
                r.provisional
            ),
        ),
    }
}

fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |e| format!("{e:.3}"))
}

/// `e` with and without the quota-filled cases, for one line of text.
pub fn e_line(e: &EligibleShare, lang: Lang) -> String {
    let (with, without) = (share(e.with_quota_filled), share(e.without_quota_filled));
    let n = e.quota_filled;
    lang.pick(
        format!("e (доля пригодных среди неизвестных) {with}; без случаев «квота заполнена» (4.80, {n}): {without}"),
        format!("e (белгісіздер ішіндегі сәйкестер үлесі) {with}; «квота толды» жағдайларынсыз (4.80, {n}): {without}"),
        format!("e (share of unknowns assumed eligible) {with}; without the quota-filled cases (4.80, {n}): {without}"),
    )
}

/// The households screened more than once, for the supervisor (none: `None`).
pub fn rescreen_lines(r: &FieldReport, lang: Lang) -> Vec<String> {
    if r.rescreened.is_empty() {
        return Vec::new();
    }
    let mut out = vec![lang.pick(
        format!("Повторный отбор в домохозяйстве (выбор домохозяйства сохранён; проверьте): {}", r.rescreened.len()),
        format!("Үй шаруашылығында қайта іріктеу (үй шаруашылығын таңдау сақталды; тексеріңіз): {}", r.rescreened.len()),
        format!("Households screened again (the household draw was kept; check them): {}", r.rescreened.len()),
    )];
    for x in &r.rescreened {
        out.push(format!("  {}: {}", x.address, x.reasons.join("; ")));
    }
    out
}

/// The report as text tables.
pub fn print_report(r: &FieldReport, fw: &Fieldwork, routes: RouteList, lang: Lang) {
    println!("{}", mode_line(r, lang));
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
    for line in rescreen_lines(r, lang) {
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
    println!("{}", e_line(&r.e, lang));
    let head = lang.pick(
        ["город", "интервью", "женщин", "цель Ж", "мужчин", "цель М", "e", "e без 4.80"],
        ["қала", "сұхбат", "әйел", "мақсат Ә", "ер", "мақсат Е", "e", "e 4.80-сыз"],
        ["city", "completes", "female", "target F", "male", "target M", "e", "e w/o 4.80"],
    );
    println!("{:<12} {:>9} {:>7} {:>9} {:>7} {:>9} {:>6} {:>11}", head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7]);
    for c in &r.cities {
        let name = fw.settings.city(&c.city).map(|s| s.name.get(lang.code()).to_string()).unwrap_or_else(|| c.city.clone());
        println!(
            "{:<12} {:>9} {:>7} {:>9} {:>7} {:>9} {:>6} {:>11}",
            name,
            c.completes,
            c.female,
            c.target_female,
            c.male,
            c.target_male,
            share(c.e.with_quota_filled),
            share(c.e.without_quota_filled)
        );
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
    use dala_fieldwork::report::build_report;

    #[test]
    fn over_filled_cells_get_a_line_in_every_language() {
        let Ok(fw) = fieldwork_of(&default_study(), Lang::En) else { panic!("the KMRS study has fieldwork") };
        let complete = |route: &str, sex| AddressSummary {
            route: route.into(),
            visits: 1,
            disposition: Some(Disposition::Complete),
            respondent_sex: Some(sex),
            ..Default::default()
        };
        // Almaty R01 is a 6F/5M cell: a seventh woman over-fills it.
        let mut addresses: Vec<AddressSummary> = (0..7).map(|_| complete("almaty-R01", Sex::Female)).collect();
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

    #[test]
    fn the_text_report_states_its_mode_and_e_in_every_language() {
        let Ok(fw) = fieldwork_of(&default_study(), Lang::En) else { panic!("the KMRS study has fieldwork") };
        let d = |disposition, provisional| AddressSummary {
            route: "almaty-R01".into(),
            visits: 1,
            disposition: Some(disposition),
            provisional,
            ..Default::default()
        };
        let open = AddressSummary { route: "almaty-R01".into(), visits: 1, ..Default::default() };
        let fin = build_report_in(&[d(Disposition::Complete, false), open], &fw.plan, EligibilityEstimate::Computed, ReportMode::Final);
        assert!(mode_line(&fin, Lang::En).starts_with("Final report: rates over closed addresses; open addresses (1)"));
        assert!(mode_line(&fin, Lang::Ru).contains("открытые адреса (1) не учтены"));
        assert!(mode_line(&fin, Lang::Kk).contains("ашық мекенжайлар (1) есептелмеді"));
        let prov = build_report_in(
            &[
                d(Disposition::Complete, false),
                d(Disposition::HouseholdRefusal, true),
                d(Disposition::QuotaFilled, false),
                d(Disposition::VacantUnit, false),
            ],
            &fw.plan,
            EligibilityEstimate::Computed,
            ReportMode::Provisional,
        );
        assert!(mode_line(&prov, Lang::En).starts_with("Provisional report: open addresses (1) are counted"));
        assert!(mode_line(&prov, Lang::Kk).contains("алдын ала кодпен"));
        // E = 2, NE = 2 of which one 4.80: e = 2/4 with, 2/3 without.
        assert_eq!(
            e_line(&prov.e, Lang::En),
            "e (share of unknowns assumed eligible) 0.500; without the quota-filled cases (4.80, 1): 0.667"
        );
        assert!(e_line(&prov.e, Lang::Ru).contains("«квота заполнена» (4.80, 1): 0.667"));
        assert!(rescreen_lines(&prov, Lang::En).is_empty());
    }
}
