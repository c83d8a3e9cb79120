//! `dala walk`: a scripted walk of a stored route through the session, the same calls as the app.
//!
//! The script (`walk.json`, format in `docs/fieldwork.md`, "Scripted walks") describes the buildings
//! as the interviewer finds them (single houses, apartment blocks with entrances, floors and flats per
//! floor, blocks that cannot be entered, shops, missing numbers) and the visits each approached
//! address gets, in the order the walk reaches the addresses. The command answers the walk's guidance
//! with those descriptions, logs the visits, closes each address when its visits allow, and prints the
//! selected addresses with their selection chance and disposition (`--json`: one JSON object).
//!
//! Exit codes: 0 done; 1 the study or the database cannot be read; 2 bad arguments, a malformed
//! script, an unknown route, or a step the session refuses (the steps before it stay stored).

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDateTime;
use dala_fieldwork::house::HouseNumber;
use dala_questionnaire::Lang;
use dala_session::field::{AddressStatus, AddressView, BuildingInput, GuidanceKind, VisitInput, WalkAction, When};
use dala_session::SessionError;
use serde::Deserialize;
use serde_json::{json, Value as Json};

use crate::fieldcmd::Failure;

/// A building as the interviewer describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Building {
    /// The house number on the route's first street: a whole number, or text with a letter, fraction or
    /// корпус (`"15А"`, `"15/1"`, `"15 корп. 2"`) for a building next to a whole number. Not needed in
    /// `default_building`.
    #[serde(default)]
    house: Option<Json>,
    /// `single_house`, `apartment_block`, `non_residential` or `no_such_number`.
    kind: String,
    #[serde(default)]
    entrances: Option<u32>,
    #[serde(default)]
    floors: Option<u32>,
    #[serde(default)]
    flats_per_floor: Option<u32>,
    #[serde(default)]
    flats_per_entrance: Option<Vec<u32>>,
    /// `[first, last]`: the flat numbers on the signs, when the entrances are not known.
    #[serde(default)]
    flats: Option<[u32; 2]>,
    #[serde(default)]
    first_flat: Option<u32>,
    /// The block cannot be entered (locked entrance, intercom, guard).
    #[serde(default)]
    locked: bool,
}

/// One visit, as the interviewer logs it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptVisit {
    /// Local date-time, "2010-10-18T10:05".
    at: String,
    outcome: u16,
    #[serde(default)]
    evidence_of_occupancy: bool,
    #[serde(default)]
    households: Option<u32>,
    #[serde(default)]
    appointment: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    #[serde(default)]
    language: Option<String>,
    /// The local time of walk actions before the first visit (default 2010-10-18T09:00).
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    buildings: Vec<Building>,
    /// What a building the script does not list is (default: the walk stops there).
    #[serde(default)]
    default_building: Option<Building>,
    /// The visits of each approached address, in the order the walk reaches them.
    #[serde(default)]
    visits: Vec<Vec<ScriptVisit>>,
    /// The visits of addresses beyond the `visits` list.
    #[serde(default)]
    default_visits: Vec<ScriptVisit>,
    /// Stop after approaching this many addresses (default: 100).
    #[serde(default)]
    addresses: Option<u32>,
    /// Close each address when its visits allow it (default true).
    #[serde(default)]
    close: Option<bool>,
}

fn usage(lang: Lang, ru: String, kk: String, en: String) -> Failure {
    Failure::usage(lang.pick(ru, kk, en))
}

fn parse_local(s: &str, lang: Lang) -> Result<NaiveDateTime, Failure> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")).map_err(|_| {
        usage(
            lang,
            format!("Неверное время «{s}»: нужно ГГГГ-ММ-ДДTчч:мм, например 2010-10-18T18:30."),
            format!("«{s}» уақыты қате: ЖЖЖЖ-АА-ККTсс:мм керек, мысалы 2010-10-18T18:30."),
            format!("Bad time \"{s}\": expected YYYY-MM-DDThh:mm, e.g. 2010-10-18T18:30."),
        )
    })
}

fn when(local: NaiveDateTime) -> When {
    When { utc: local.and_utc(), local }
}

/// How a script gives a block's flats.
enum Flats {
    PerEntrance(Vec<u32>),
    Range(u32, u32),
}

impl Building {
    /// The building's number: a whole number, or an extra building's number; `None` when not given.
    fn number(&self, lang: Lang) -> Result<Option<HouseNumber>, Failure> {
        let text = match &self.house {
            None => return Ok(None),
            Some(Json::Number(n)) => n.to_string(),
            Some(Json::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        HouseNumber::parse_near(&text, None).map(Some).map_err(|e| Failure::usage(e.get(lang.code()).to_string()))
    }

    fn input(&self, lang: Lang) -> Result<BuildingInput, Failure> {
        let house = self.house.as_ref().map_or_else(String::new, |h| h.as_str().map_or_else(|| h.to_string(), str::to_string));
        let bad = |ru: &str, kk: &str, en: &str| {
            usage(
                lang,
                format!("Дом {house} в сценарии: {ru}"),
                format!("Сценарийдегі {house} үй: {kk}"),
                format!("House {house} in the script: {en}"),
            )
        };
        let block = || -> Result<Flats, Failure> {
            match (&self.flats_per_entrance, self.flats, self.entrances, self.floors, self.flats_per_floor) {
                (Some(v), None, None, None, None) => Ok(Flats::PerEntrance(v.clone())),
                (None, Some([first, last]), None, None, None) => Ok(Flats::Range(first, last)),
                (None, None, Some(e), Some(f), Some(p)) => Ok(Flats::PerEntrance(vec![f.saturating_mul(p); e.min(100) as usize])),
                _ => Err(bad(
                    "для многоквартирного дома укажите entrances, floors и flats_per_floor, или flats_per_entrance, или flats [первая, последняя].",
                    "көппәтерлі үй үшін entrances, floors және flats_per_floor, немесе flats_per_entrance, немесе flats [бірінші, соңғы] көрсетіңіз.",
                    "an apartment block needs entrances, floors and flats_per_floor, or flats_per_entrance, or flats [first, last].",
                )),
            }
        };
        Ok(match self.kind.as_str() {
            "single_house" => BuildingInput::SingleHouse,
            "non_residential" => BuildingInput::NonResidential,
            "no_such_number" => BuildingInput::NoSuchNumber,
            "apartment_block" => match (block()?, self.locked) {
                (Flats::PerEntrance(v), false) => BuildingInput::ApartmentBlock { flats_per_entrance: v, first_flat: self.first_flat },
                (Flats::PerEntrance(v), true) => BuildingInput::LockedBlock { flats_per_entrance: v, first_flat: self.first_flat },
                (Flats::Range(first, last), false) => BuildingInput::FlatRange { first, last },
                (Flats::Range(first, last), true) => BuildingInput::LockedFlatRange { first, last },
            },
            other => {
                return Err(usage(
                    lang,
                    format!("Дом {house} в сценарии: неизвестный вид здания «{other}» (single_house, apartment_block, non_residential, no_such_number)."),
                    format!("Сценарийдегі {house} үй: «{other}» ғимарат түрі белгісіз (single_house, apartment_block, non_residential, no_such_number)."),
                    format!("House {house} in the script: unknown building kind \"{other}\" (single_house, apartment_block, non_residential, no_such_number)."),
                ))
            }
        })
    }
}

impl ScriptVisit {
    fn input(&self) -> VisitInput {
        VisitInput {
            outcome: self.outcome,
            evidence_of_occupancy: self.evidence_of_occupancy,
            households: self.households,
            appointment: self.appointment.clone(),
            refuser_sex: None,
            refuser_age: None,
            reason: self.reason.clone(),
            note: self.note.clone(),
            mode: None,
        }
    }
}

/// `dala walk`.
pub fn run(study: &Path, db: &Path, route: &str, script: &Path, as_json: bool, lang: Lang) -> ExitCode {
    match run_inner(study, db, route, script, as_json, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.exit(),
    }
}

fn refused(step: &str, e: &SessionError, lang: Lang) -> Failure {
    let msg = e.message(lang);
    let code = if matches!(e, SessionError::Store(dala_store::StoreError::Sqlite(_)) | SessionError::Io(_)) { 1 } else { 2 };
    Failure {
        code,
        message: lang.pick(
            format!("Шаг «{step}» отклонён: {msg}"),
            format!("«{step}» қадамы қабылданбады: {msg}"),
            format!("Step \"{step}\" was refused: {msg}"),
        ),
    }
}

fn run_inner(study: &Path, db: &Path, route: &str, script_path: &Path, as_json: bool, msg_lang: Lang) -> Result<(), Failure> {
    let text = std::fs::read_to_string(script_path).map_err(|e| {
        let p = script_path.display();
        usage(
            msg_lang,
            format!("Не удалось прочитать сценарий обхода {p}: {e}"),
            format!("{p} жүріп өту сценарийін оқу мүмкін болмады: {e}"),
            format!("Cannot read the walk script {p}: {e}"),
        )
    })?;
    let script: Script = serde_json::from_str(&text).map_err(|e| {
        usage(
            msg_lang,
            format!("Сценарий обхода не прочитан (строка {}, столбец {}): {e}", e.line(), e.column()),
            format!("Жүріп өту сценарийі оқылмады ({}-жол, {}-баған): {e}", e.line(), e.column()),
            format!("The walk script cannot be read (line {}, column {}): {e}", e.line(), e.column()),
        )
    })?;
    let lang = match script.language.as_deref() {
        None => msg_lang,
        Some(l) => Lang::parse(l).ok_or_else(|| Failure::usage(SessionError::Language(l.to_string()).message(msg_lang)))?,
    };
    if !db.is_file() {
        let d = db.display();
        return Err(usage(lang, format!("Нет базы данных {d}."), format!("{d} дерекқоры жоқ."), format!("There is no database {d}.")));
    }
    let mut inputs = Vec::new();
    for b in &script.buildings {
        let Some(number) = b.number(lang)? else {
            return Err(usage(
                lang,
                "Здание в сценарии без номера дома (house).".into(),
                "Сценарийдегі ғимараттың үй нөмірі (house) жоқ.".into(),
                "A building in the script has no house number (house).".into(),
            ));
        };
        inputs.push((number, b.input(lang)?));
    }
    let default_building = script.default_building.as_ref().map(|b| b.input(lang)).transpose()?;
    let mut visits: Vec<Vec<(NaiveDateTime, VisitInput)>> = Vec::new();
    for list in &script.visits {
        visits.push(list.iter().map(|v| Ok((parse_local(&v.at, lang)?, v.input()))).collect::<Result<_, Failure>>()?);
    }
    let default_visits: Vec<(NaiveDateTime, VisitInput)> =
        script.default_visits.iter().map(|v| Ok((parse_local(&v.at, lang)?, v.input()))).collect::<Result<_, Failure>>()?;
    let mut now = parse_local(script.start.as_deref().unwrap_or("2010-10-18T09:00"), lang)?;
    let max = script.addresses.unwrap_or(100);
    let close = script.close.unwrap_or(true);

    let mut session = crate::dbkey::open_session(study, db).map_err(|e| Failure::runtime(e.message(lang)))?;
    let view = session.route_view(route, lang).map_err(|e| match e {
        SessionError::Store(dala_store::StoreError::NoRoute(_)) => Failure::usage(e.message(lang)),
        e => Failure::runtime(e.message(lang)),
    })?;
    // The buildings of the route's first street, described ahead as the interviewer would correct them.
    for (house, input) in &inputs {
        let action = if house.is_plain() {
            WalkAction::DescribeBuilding { house: house.number, building: input.clone() }
        } else {
            WalkAction::DescribeExtraBuilding { number: house.to_string(), building: input.clone() }
        };
        match session.walk(route, action, when(now), lang) {
            Ok(_) => {}
            // Not on this street's walk (e.g. a number on the wrong side): the interviewer meets it never.
            Err(SessionError::Field(dala_fieldwork::FieldworkError::BuildingNotAhead { .. })) => {}
            Err(e) => return Err(refused(&format!("house {house}"), &e, lang)),
        }
    }
    let street = view.route.street.clone();
    let mut done: Vec<AddressView> = Vec::new();
    let stopped;
    loop {
        if done.len() as u32 >= max {
            stopped = "addresses";
            break;
        }
        let view = session.route_view(route, lang).map_err(|e| refused("route", &e, lang))?;
        let g = view.guidance;
        match g.kind {
            GuidanceKind::DescribeBuilding => {
                let house = g.house.unwrap_or(0);
                let Some(input) = default_building.clone() else {
                    stopped = "undescribed_building";
                    break;
                };
                session
                    .walk(route, WalkAction::DescribeBuilding { house, building: input }, when(now), lang)
                    .map_err(|e| refused(&format!("house {house}"), &e, lang))?;
            }
            GuidanceKind::NeedsContinuation => {
                stopped = "route_exhausted";
                break;
            }
            GuidanceKind::Approach => {
                let Some(address) = g.address else { return Err(Failure::runtime("approach without an address".into())) };
                let list = visits.get(done.len()).unwrap_or(&default_visits);
                let mut last = None;
                for (at, input) in list {
                    now = now.max(*at);
                    last = Some(session.log_visit(&address.key, input, when(*at), lang).map_err(|e| refused(&address.key, &e, lang))?);
                }
                let mut shown = last.unwrap_or(address);
                if close && shown.can_close {
                    shown = session.close_address(&shown.key, when(now), lang).map_err(|e| refused(&shown.key, &e, lang))?;
                }
                done.push(shown);
                session.walk(route, WalkAction::NextAddress, when(now), lang).map_err(|e| refused("next", &e, lang))?;
            }
        }
    }
    print(route, &street, &done, stopped, as_json, lang);
    Ok(())
}

fn status_word(s: AddressStatus) -> &'static str {
    match s {
        AddressStatus::NotVisited => "not_visited",
        AddressStatus::Open => "open",
        AddressStatus::Closed => "closed",
    }
}

fn probability(chance: Option<&str>) -> Option<f64> {
    let (n, d) = chance?.split_once('/')?;
    Some(n.parse::<f64>().ok()? / d.parse::<f64>().ok()?)
}

fn print(route: &str, street: &str, done: &[AddressView], stopped: &str, as_json: bool, lang: Lang) {
    if as_json {
        let addresses: Vec<Json> = done
            .iter()
            .map(|a| {
                json!({
                    "key": a.key, "label": a.label, "dwelling": a.dwelling, "locked": a.locked,
                    "chance": a.chance, "probability": probability(a.chance.as_deref()),
                    "visits": a.visits.len(), "status": status_word(a.status),
                    "disposition": a.disposition, "disposition_label": a.disposition_label,
                })
            })
            .collect();
        println!("{}", json!({"route": route, "addresses": addresses, "stopped": stopped}));
        return;
    }
    println!(
        "{}",
        lang.pick(
            format!("Маршрут {route} ({street}): адресов {}", done.len()),
            format!("{route} маршруты ({street}): {} мекенжай", done.len()),
            format!("Route {route} ({street}): {} addresses", done.len())
        )
    );
    for a in done {
        let locked = if a.locked { lang.pick(" [дом закрыт]", " [үй жабық]", " [locked block]") } else { "" };
        let chance = a.chance.as_deref().unwrap_or("?");
        let state = match a.status {
            AddressStatus::Closed => lang.pick("итог", "қорытынды", "final"),
            _ => lang.pick("предварительно", "алдын ала", "provisional"),
        };
        let disp = match (&a.disposition, &a.disposition_label) {
            (Some(c), Some(l)) => format!("{c} {l} ({state})"),
            _ => lang.pick("не посещён", "барылмаған", "not visited").to_string(),
        };
        let visits = lang.pick("визитов", "бару", "visits");
        println!("{:<28} {}{locked}  p={chance}  {visits}: {}  {disp}", a.key, a.label, a.visits.len());
    }
    let why = match stopped {
        "addresses" => {
            lang.pick("достигнуто число адресов сценария", "сценарийдегі мекенжай санына жетті", "the script's number of addresses reached")
        }
        "undescribed_building" => lang.pick(
            "следующее здание в сценарии не описано",
            "келесі ғимарат сценарийде сипатталмаған",
            "the next building is not described in the script",
        ),
        _ => lang.pick(
            "маршрут пройден, а улиц для продолжения не осталось",
            "маршрут жүріп өтілді, жалғастыруға көше қалмады",
            "the route has run out and no street is left to continue on",
        ),
    };
    println!("{}", lang.pick(format!("Остановлено: {why}."), format!("Тоқтатылды: {why}."), format!("Stopped: {why}.")));
}
