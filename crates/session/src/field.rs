//! Random-route fieldwork in a session: routes, walk guidance, visits, screening and selection, quotas.
//!
//! This is the application layer over the pure `dala-fieldwork` crate and the store's fieldwork
//! tables. Each call loads the documents it needs (route, walk state, quota cell, contact log),
//! applies one domain operation, and writes the result back in one transaction with a journal entry.
//! Views are built in the interviewer's language for the UI and the CLI.
//!
//! An interview started from a selected household is linked to its address, in the transaction that
//! creates it and stores the answers fieldwork fills in. While it is in progress it holds a place of
//! its respondent's sex in the route's quota cell: screening elsewhere on the route never proposes a
//! respondent for that place. Completing it records the complete visit (interim 11), closes the
//! address (AAPOR 1.1) and counts the respondent in the cell, all in the transaction that marks it
//! completed; a complete is never refused (an over-filled cell is counted and flagged for the
//! supervisor). Breaking it off records visit 43 (AAPOR 2.12 when the address closes) and frees the
//! place, in one transaction too.

use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use dala_fieldwork::contact::{ContactLog, InterimCode, Mode, Refuser, Visit};
use dala_fieldwork::draw::{draw_routes, Direction, RouteDraw};
use dala_fieldwork::frame::{parse_frame, Frame};
use dala_fieldwork::house::HouseNumber;
use dala_fieldwork::quota::{plan_quotas, Counted, Holds, QuotaPlan, RouteQuota};
use dala_fieldwork::report::{build_report_in, AddressSummary, FieldReport, ReportMode};
use dala_fieldwork::rng::derive_seed;
use dala_fieldwork::screening::HouseholdScreening;
use dala_fieldwork::selection::{override_respondent, Adult, Eligibility, Ineligibility, Proposal, Selection};
use dala_fieldwork::settings::FieldworkSettings;
use dala_fieldwork::turn::{continuation, Continuation};
use dala_fieldwork::walk::{Address, BuildingKind, BuildingLayout, DwellingType, Guidance, Segment, WalkState};
use dala_fieldwork::{FieldworkError, Sex};
use dala_questionnaire::engine::{slot_of, Interview};
use dala_questionnaire::{Answer, AnswerKey, Lang, Questionnaire};
use dala_store::{AddressRow, InterviewStatus, NewRoute, VisitRow};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use ts_rs::TS;

use crate::{Open, Screen, Session, SessionError};

/// The moment of an action: UTC for the journal, local wall-clock time for the visit rules
/// (an evening visit is one after 18:00 where the interviewer stands).
#[derive(Copy, Clone, Debug)]
pub struct When {
    pub utc: DateTime<Utc>,
    pub local: NaiveDateTime,
}

impl When {
    /// The device clock (the shell and the CLI call this; domain code never does).
    pub fn now() -> When {
        When { utc: Utc::now(), local: chrono::Local::now().naive_local() }
    }
}

/// A study's fieldwork: settings, the sampling frames and the quota plan.
#[derive(Clone, Debug)]
pub struct Fieldwork {
    pub settings: FieldworkSettings,
    pub frame: Frame,
    pub plan: QuotaPlan,
    /// Per city id, the SHA-256 (lowercase hex) of its frame file's bytes; stored with each draw.
    pub frame_sha256: std::collections::BTreeMap<String, String>,
}

/// The SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads `fieldwork = "..."` of a study folder, with every frame it names; `None` when the study has none.
pub fn load_fieldwork(study_dir: &Path) -> Result<Option<Fieldwork>, SessionError> {
    let read = |rel: &str| {
        std::fs::read_to_string(study_dir.join(rel)).map_err(|e| SessionError::Io(format!("{}: {e}", study_dir.join(rel).display())))
    };
    // A study.toml that does not parse is reported by the loader: located and worded in ru/kk/en.
    let study: toml::Value = match toml::from_str(&read("study.toml")?) {
        Ok(v) => v,
        Err(_) => {
            return Err(SessionError::Study(
                crate::check_study(study_dir)
                    .diagnostics
                    .into_iter()
                    .filter(|d| d.severity == dala_questionnaire::load::Severity::Error)
                    .collect(),
            ))
        }
    };
    let Some(file) = study.get("fieldwork").and_then(|v| v.as_str()) else { return Ok(None) };
    let settings = FieldworkSettings::from_toml(&read(file)?).map_err(|errors| SessionError::Field(FieldworkError::Settings(errors)))?;
    let mut frame = Frame { streets: Vec::new() };
    let mut frame_sha256 = std::collections::BTreeMap::new();
    for city in &settings.cities {
        if let Some(path) = &city.frame {
            let text = read(path)?;
            frame_sha256.insert(city.id.clone(), sha256_hex(text.as_bytes()));
            let f = parse_frame(&text).map_err(|rows| SessionError::Field(FieldworkError::Frame(rows)))?;
            frame.streets.extend(f.streets);
        }
    }
    let plan = plan_quotas(&settings)?;
    Ok(Some(Fieldwork { settings, frame, plan, frame_sha256 }))
}

// ---- views -------------------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct QuotaView {
    pub target_female: u32,
    pub target_male: u32,
    pub female: u32,
    pub male: u32,
    /// Places held by interviews in progress (started, neither completed nor broken off).
    pub held_female: u32,
    pub held_male: u32,
    /// Completes beyond the target (an over-filled cell; completes are never refused).
    pub over_female: u32,
    pub over_male: u32,
    /// The sexes with a free place (neither achieved nor held): what screening may still propose.
    pub open: Vec<Sex>,
    /// For the supervisor, in the interviewer's language, when the cell is over-filled.
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct RouteSummaryView {
    pub id: String,
    pub city: String,
    pub city_name: String,
    pub street: String,
    pub start_house: u32,
    /// Ascending or descending house numbers.
    pub direction: Direction,
    pub assigned_to: Option<String>,
    pub quota: QuotaView,
    pub addresses: u32,
    pub visits: u32,
    pub completes: u32,
    pub appointments: u32,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct VisitView {
    pub n: u32,
    pub at: String,
    pub outcome: u16,
    pub outcome_label: String,
    pub appointment: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct AddressView {
    pub key: String,
    pub route: String,
    pub label: String,
    pub dwelling: DwellingType,
    pub status: AddressStatus,
    pub visits: Vec<VisitView>,
    /// The AAPOR code when closed ("2.111"), or the provisional one while open.
    pub disposition: Option<String>,
    pub disposition_label: Option<String>,
    /// What closing it as a non-response still needs, in words; `None` when it may close.
    pub shortfall: Option<String>,
    pub can_close: bool,
    pub interview_id: Option<String>,
    /// The household drawn at the address (screening's first step), once drawn.
    pub household: Option<HouseholdView>,
    /// The respondent proposed for the drawn household, once its adults are listed.
    pub proposal: Option<ProposalView>,
    /// A flat of a block that could not be entered: visits may end in 32 (entrance locked) or 33 (guard).
    pub locked: bool,
    /// The address's selection probability within its route as an exact fraction ("3/80"); `None` for
    /// addresses stored before it was recorded.
    pub chance: Option<String>,
}

/// The household drawn at an address, shown before its adults are listed.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct HouseholdView {
    pub households: u32,
    pub chosen: u32,
    /// What to do, in the interviewer's language ("List the adults of household 2 of 3 ...").
    pub text: String,
    /// The adults of the drawn household were listed (a proposal exists).
    pub listed: bool,
    /// Every re-screening (flagged for the supervisor), in order.
    pub rescreens: Vec<RescreenView>,
}

/// One re-screening of a household: when and why.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct RescreenView {
    pub at: String,
    pub reason: String,
}

/// Where an address is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AddressStatus {
    NotVisited,
    Open,
    Closed,
}

/// What the route's guidance card asks of the interviewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GuidanceKind {
    /// Go to this address.
    Approach,
    /// Say what the building at this house number is.
    DescribeBuilding,
    /// The street ran out: the supervisor's continuation is needed.
    NeedsContinuation,
}

/// The groups of the visit outcome buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutcomeGroup {
    Interview,
    Contact,
    NoContact,
    Refusal,
    Unable,
    Ineligible,
    Other,
}

/// What screening proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProposalOutcome {
    Respondent,
    QuotaFilled,
    NoEligible,
}

/// What to do with the proposed respondent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProposalAction {
    Interview,
    Appointment,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct GuidanceView {
    pub kind: GuidanceKind,
    pub text: String,
    /// A walking hint to show beside the address ("cross to the other side of the street").
    pub hint: Option<String>,
    pub address: Option<AddressView>,
    pub house: Option<u32>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct RouteView {
    pub route: RouteSummaryView,
    pub guidance: GuidanceView,
    pub addresses: Vec<AddressView>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct OutcomeOption {
    pub code: u16,
    pub label: String,
    /// For grouping the buttons.
    pub group: OutcomeGroup,
    /// Whether the interviewer logs it by hand; a complete (11) is recorded by completing the
    /// interview started from the address.
    pub manual: bool,
}

/// One adult as listed at screening, with the study's eligibility verdict.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListedAdultView {
    pub line: u32,
    pub name: String,
    pub sex: Sex,
    pub age: u32,
    pub permanent: bool,
    pub head: bool,
    pub co_decision_maker: bool,
    pub present: bool,
    pub eligible: bool,
    /// Why not eligible, in words; `None` when eligible.
    pub why_not: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProposalView {
    pub outcome: ProposalOutcome,
    pub line: Option<u32>,
    pub name: Option<String>,
    pub sex: Option<Sex>,
    pub action: Option<ProposalAction>,
    pub flagged: bool,
    pub text: String,
    pub households: u32,
    pub chosen_household: u32,
    /// The adults as listed, each marked eligible or not (the override chooses among the eligible).
    #[serde(default)]
    pub adults: Vec<ListedAdultView>,
}

// ---- inputs ------------------------------------------------------------------------------------

/// What the interviewer reports on the walk.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export)]
pub enum WalkAction {
    /// The current address is dealt with: go on.
    NextAddress,
    /// What the building at `house` is.
    DescribeBuilding { house: u32, building: BuildingInput },
    /// A building whose number is not a whole number («15А», «15/1», «15 корп. 2», «15к2»), next to its
    /// whole number on the current street: added to the walk in house-number order.
    DescribeExtraBuilding { number: String, building: BuildingInput },
    /// The street ends in a dead end here.
    DeadEnd,
    /// The supervisor's continuation start point.
    ContinueFrom { street_ru: String, street_kk: String, from_number: u32, to_number: u32, start_house: u32, ascending: bool },
}

#[derive(Clone, Debug, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum BuildingInput {
    SingleHouse,
    /// Flats per entrance, in entrance order (e.g. [20, 20, 20]), numbered from `first_flat`.
    ApartmentBlock {
        flats_per_entrance: Vec<u32>,
        first_flat: Option<u32>,
    },
    /// Only the range of flat numbers is known.
    FlatRange {
        first: u32,
        last: u32,
    },
    NonResidential,
    /// A block that cannot be entered, with nothing known of its flats: refused
    /// (`LockedBlockNeedsFlats`); give its flats with `locked_block` or `locked_flat_range`.
    RefusedAccess,
    NoSuchNumber,
    /// A block that cannot be entered (locked entrance, intercom, guard), its flats per entrance as
    /// counted from outside or read from the entrance signs: its selected flats become addresses.
    LockedBlock {
        flats_per_entrance: Vec<u32>,
        first_flat: Option<u32>,
    },
    /// A block that cannot be entered, with the range of flat numbers on its signs.
    LockedFlatRange {
        first: u32,
        last: u32,
    },
}

#[derive(Clone, Debug, Deserialize, TS)]
#[ts(export)]
pub struct VisitInput {
    /// The interim outcome code (11 complete … 99 other).
    pub outcome: u16,
    #[serde(default)]
    pub evidence_of_occupancy: bool,
    pub households: Option<u32>,
    /// Local date-time of the appointment, "2010-10-21T18:30".
    pub appointment: Option<String>,
    pub refuser_sex: Option<Sex>,
    pub refuser_age: Option<u32>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// How the household was reached (the door when not given).
    pub mode: Option<Mode>,
}

#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdultInput {
    pub line: u32,
    pub name: String,
    pub sex: Sex,
    pub age: u32,
    pub permanent: bool,
    pub head: bool,
    pub co_decision_maker: bool,
    pub present: bool,
}

/// What is stored per screened household: the household draw (first), the drawn household's adults,
/// the proposal, the selection and every re-screening (`dala_fieldwork::screening`).
type ScreeningDoc = HouseholdScreening;

fn parse_sex(s: &str) -> Result<Sex, SessionError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "female" | "f" | "2" => Ok(Sex::Female),
        "male" | "m" | "1" => Ok(Sex::Male),
        other => Err(SessionError::BadInput(format!("sex `{other}`"))),
    }
}

fn sex_word(s: Sex) -> &'static str {
    match s {
        Sex::Female => "female",
        Sex::Male => "male",
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> SessionError {
    SessionError::Store(dala_store::StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn from_doc<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, SessionError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn to_doc<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("fieldwork documents serialise")
}

/// "ул. Жандосова, 19, кв. 25" in the interviewer's language.
fn address_label(a: &Address, lang: Lang) -> String {
    let street = if lang == Lang::Kk { &a.street_kk } else { &a.street_ru };
    let house = a.number.map_or_else(|| a.house.to_string(), |n| n.to_string());
    let mut s = lang.pick(format!("{street}, дом {house}"), format!("{street}, {house}-үй"), format!("{street}, house {house}"));
    if let Some(e) = a.entrance {
        s += &lang.pick(format!(", подъезд {e}"), format!(", {e}-кіреберіс"), format!(", entrance {e}"));
    }
    if let Some(f) = a.flat {
        s += &lang.pick(format!(", кв. {f}"), format!(", {f}-пәтер"), format!(", flat {f}"));
    }
    s
}

impl Session {
    pub fn fieldwork(&self) -> Option<&Fieldwork> {
        self.field.as_ref()
    }

    pub(crate) fn fw(&self) -> Result<&Fieldwork, SessionError> {
        self.field.as_ref().ok_or(SessionError::NoFieldwork)
    }

    /// Draws a city's routes (seeded, reproducible), stores them with the seed and their quota cells.
    pub fn draw_city_routes(
        &mut self,
        city: &str,
        seed: u64,
        routes: Option<u32>,
        weighted: bool,
        when: When,
    ) -> Result<RouteDraw, SessionError> {
        let fw = self.fw()?;
        let settings = fw.settings.city(city).ok_or_else(|| SessionError::Field(FieldworkError::UnknownCity { city: city.to_string() }))?;
        let k = routes.unwrap_or(settings.routes);
        let mut draw = draw_routes(&fw.frame, city, seed, k, weighted)?;
        draw.frame_sha256 = fw.frame_sha256.get(city).cloned();
        let rules = fw.settings.walk_rules();
        let mut rows = Vec::new();
        for r in &draw.routes {
            // Routes beyond the plan (a larger k) get no cell until the supervisor plans them.
            let quota = fw.plan.cell(&r.id).map(RouteQuota::new).unwrap_or(RouteQuota {
                route: r.id.clone(),
                target_female: 0,
                target_male: 0,
                female: 0,
                male: 0,
                overrides: 0,
            });
            let mut walk = WalkState::new(r, rules, derive_seed(seed, &r.id));
            auto_continue(&fw.frame, city, &mut walk);
            rows.push((r.id.clone(), r.street.clone(), to_doc(r), to_doc(&quota), to_doc(&walk)));
        }
        let new: Vec<NewRoute> = rows
            .iter()
            .map(|(id, street, route, quota, walk)| NewRoute { id, street, route: route.clone(), quota: quota.clone(), walk: walk.clone() })
            .collect();
        self.store.save_route_draw(city, seed, weighted, &draw.to_json(), draw.frame_sha256.as_deref(), &new, when.utc)?;
        Ok(draw)
    }

    pub fn assign_routes(&mut self, ids: &[String], to: Option<&str>, when: When) -> Result<(), SessionError> {
        Ok(self.store.assign_routes(ids, to, when.utc)?)
    }

    /// The routes on this device (all, or those assigned to `to`), with their quota state.
    pub fn routes_view(&self, assigned_to: Option<&str>, lang: Lang) -> Result<Vec<RouteSummaryView>, SessionError> {
        let addresses = self.store.addresses(None)?;
        let mut out = Vec::new();
        for row in self.store.routes()? {
            if assigned_to.is_some() && row.assigned_to.as_deref() != assigned_to {
                continue;
            }
            let mine: Vec<&AddressRow> = addresses.iter().filter(|a| a.route_id == row.id).collect();
            out.push(self.route_summary(&row, &mine, lang)?);
        }
        Ok(out)
    }

    fn route_summary(&self, row: &dala_store::RouteRow, addresses: &[&AddressRow], lang: Lang) -> Result<RouteSummaryView, SessionError> {
        let route: dala_fieldwork::draw::Route = from_doc("route", &row.route)?;
        let quota: RouteQuota = from_doc("quota", &row.quota)?;
        let held = self.holds(&row.id, None)?;
        let city_name = self
            .fw()
            .ok()
            .and_then(|f| f.settings.city(&row.city))
            .map(|c| c.name.get(lang.code()).to_string())
            .unwrap_or_else(|| row.city.clone());
        let mut appointments = 0;
        for a in addresses {
            let log: ContactLog = from_doc("contact log", &a.log)?;
            if log.closed.is_none() && log.visits.last().is_some_and(|v| v.outcome == InterimCode::Appointment) {
                appointments += 1;
            }
        }
        Ok(RouteSummaryView {
            id: row.id.clone(),
            city: row.city.clone(),
            city_name,
            street: if lang == Lang::Kk { route.street_kk.clone() } else { route.street.clone() },
            start_house: route.start_house,
            direction: route.direction,
            assigned_to: row.assigned_to.clone(),
            quota: quota_view(&quota, held, lang),
            addresses: addresses.len() as u32,
            visits: addresses.iter().map(|a| a.visits).sum(),
            completes: addresses.iter().filter(|a| a.disposition.as_deref() == Some("1.1")).count() as u32,
            appointments,
        })
    }

    /// One route: its quota, what to do next, and every address approached so far.
    pub fn route_view(&self, route_id: &str, lang: Lang) -> Result<RouteView, SessionError> {
        let row = self.store.route(route_id)?;
        let addresses = self.store.addresses(Some(route_id))?;
        let refs: Vec<&AddressRow> = addresses.iter().collect();
        let walk: WalkState = from_doc("walk", &row.walk)?;
        let guidance = self.guidance_view(&walk.current(), lang)?;
        let mut views = Vec::new();
        for a in &addresses {
            views.push(self.address_view(a, lang)?);
        }
        Ok(RouteView { route: self.route_summary(&row, &refs, lang)?, guidance, addresses: views })
    }

    fn guidance_view(&self, g: &Guidance, lang: Lang) -> Result<GuidanceView, SessionError> {
        Ok(match g {
            Guidance::Approach { address, walk } => {
                let label = address_label(address, lang);
                let mut text = lang.pick(
                    format!("Следующий адрес: {label}."),
                    format!("Келесі мекенжай: {label}."),
                    format!("Next address: {label}."),
                );
                let mut hint = walk.crossed.then(|| {
                    lang.pick("Перейдите на другую сторону улицы.", "Көшенің арғы бетіне өтіңіз.", "Cross to the other side of the street.")
                        .to_string()
                });
                if address.locked {
                    let locked = lang.pick(
                        "В этот дом не попасть: позвоните в квартиру по домофону или дождитесь жильца. Если не впустили, отметьте визит 32 (подъезд закрыт) или 33 (охрана не пустила) и отметьте признаки проживания; приходите снова, как на любой адрес.",
                        "Бұл үйге кіру мүмкін емес: пәтерге домофон арқылы қоңырау шалыңыз немесе тұрғынды күтіңіз. Кіргізбесе, 32 (кіреберіс жабық) немесе 33 (күзет кіргізбеді) келуін белгілеп, тұрғын бар екенінің белгілерін көрсетіңіз; кез келген мекенжайдағыдай қайта келіңіз.",
                        "This block cannot be entered: ring the flat on the intercom or wait for a resident. If no one lets you in, log visit 32 (entrance locked) or 33 (guard refused entry) and mark any evidence that the flat is lived in; come back as for any address.",
                    );
                    hint = Some(match hint {
                        Some(h) => format!("{h} {locked}"),
                        None => locked.to_string(),
                    });
                }
                if let Some(h) = &hint {
                    text.push(' ');
                    text.push_str(h);
                }
                let view = match self.store.address(&address.key)? {
                    Some(row) => self.address_view(&row, lang)?,
                    None => self.new_address_view(address, lang),
                };
                GuidanceView { kind: GuidanceKind::Approach, text, hint, address: Some(view), house: Some(address.house) }
            }
            Guidance::DescribeBuilding { street_ru, street_kk, house, .. } => {
                let street = if lang == Lang::Kk { street_kk } else { street_ru };
                let text = lang.pick(format!("Дойдите до здания {street}, {house} и укажите, что это: частный дом, многоквартирный дом (подъезды и квартиры) или нежилое здание. Если в дом не попасть, укажите его квартиры по табличкам на подъездах или число подъездов и квартир: отобранные квартиры станут адресами."), format!("{street}, {house} ғимаратына барып, оның не екенін көрсетіңіз: жеке үй, көппәтерлі үй (кіреберістер мен пәтерлер) немесе тұрғын емес ғимарат. Үйге кіру мүмкін болмаса, оның пәтерлерін кіреберіс тақтайшалары бойынша немесе кіреберістер мен пәтерлер санымен көрсетіңіз: таңдалған пәтерлер мекенжай болады."), format!("Walk to {street} {house} and say what it is: a single house, an apartment block (entrances and flats) or a non-residential building. If the block cannot be entered, give its flats from the entrance signs or the number of entrances and flats: the selected flats become addresses."));
                GuidanceView { kind: GuidanceKind::DescribeBuilding, text, hint: None, address: None, house: Some(*house) }
            }
            Guidance::NeedsContinuation { .. } => GuidanceView {
                kind: GuidanceKind::NeedsContinuation,
                text: lang
                    .pick(
                        "Маршрут пройден до конца. Попросите у супервайзера точку продолжения маршрута.",
                        "Маршрут соңына дейін жүріп өтілді. Супервайзерден маршрутты жалғастыру нүктесін сұраңыз.",
                        "The route has run out. Ask your supervisor for a continuation start point.",
                    )
                    .into(),
                hint: None,
                address: None,
                house: None,
            },
        })
    }

    fn new_address_view(&self, a: &Address, lang: Lang) -> AddressView {
        AddressView {
            key: a.key.clone(),
            route: a.route.clone(),
            label: address_label(a, lang),
            dwelling: a.dwelling,
            status: AddressStatus::NotVisited,
            visits: Vec::new(),
            disposition: None,
            disposition_label: None,
            shortfall: None,
            can_close: false,
            interview_id: None,
            household: None,
            proposal: None,
            locked: a.locked,
            chance: a.chance.map(|c| format!("{}/{}", c.num, c.den)),
        }
    }

    fn address_view(&self, row: &AddressRow, lang: Lang) -> Result<AddressView, SessionError> {
        let fw = self.fw()?;
        let address: Address = from_doc("address", &row.address)?;
        let log: ContactLog = from_doc("contact log", &row.log)?;
        let mut view = self.new_address_view(&address, lang);
        view.visits = log
            .visits
            .iter()
            .enumerate()
            .map(|(i, v)| VisitView {
                n: i as u32 + 1,
                at: v.at.format("%Y-%m-%d %H:%M").to_string(),
                outcome: v.outcome.code(),
                outcome_label: v.outcome.label().get(lang.code()).to_string(),
                appointment: v.appointment.map(|a| a.format("%Y-%m-%d %H:%M").to_string()),
                note: v.note.clone(),
            })
            .collect();
        let (disp, can_close, shortfall) = match (&log.closed, log.can_close(&fw.settings.visits)) {
            (Some(c), _) => (Some(c.disposition), false, None),
            (None, Ok(d)) => (Some(d), true, None),
            (None, Err(e)) => {
                (log.provisional(), false, if log.visits.is_empty() { None } else { Some(e.localized().get(lang.code()).to_string()) })
            }
        };
        // A household screened at the address (an interview under way) counts as visited.
        view.status = if log.closed.is_some() {
            AddressStatus::Closed
        } else if log.visits.is_empty() && row.screening.is_none() {
            AddressStatus::NotVisited
        } else {
            AddressStatus::Open
        };
        view.disposition = disp.map(|d| d.code().to_string());
        view.disposition_label = disp.map(|d| d.label().get(lang.code()).to_string());
        view.can_close = can_close;
        view.shortfall = shortfall;
        view.interview_id = row.interview_id.clone();
        if let Some(s) = &row.screening {
            let doc: ScreeningDoc = from_doc("screening", s)?;
            view.household = Some(household_view(&doc, lang));
            view.proposal = doc.is_listed().then(|| proposal_view(&doc, &fw.settings.eligibility, lang));
        }
        Ok(view)
    }

    /// The interim outcome codes a visit can end with, labelled.
    pub fn outcome_options(&self, lang: Lang) -> Vec<OutcomeOption> {
        InterimCode::ALL
            .iter()
            .map(|c| {
                let group = match c.code() {
                    11 | 12 => OutcomeGroup::Interview,
                    21 | 22 => OutcomeGroup::Contact,
                    31..=34 => OutcomeGroup::NoContact,
                    41..=44 => OutcomeGroup::Refusal,
                    51..=53 => OutcomeGroup::Unable,
                    61..=66 => OutcomeGroup::Ineligible,
                    _ => OutcomeGroup::Other,
                };
                OutcomeOption { code: c.code(), label: c.label().get(lang.code()).to_string(), group, manual: *c != InterimCode::Complete }
            })
            .collect()
    }

    /// Reports progress on the walk and returns the route with its new guidance.
    pub fn walk(&mut self, route_id: &str, action: WalkAction, when: When, lang: Lang) -> Result<RouteView, SessionError> {
        let row = self.store.route(route_id)?;
        let mut walk: WalkState = from_doc("walk", &row.walk)?;
        let (kind, mut detail) = match &action {
            WalkAction::NextAddress => {
                walk.next_address()?;
                ("walk_next", json!({}))
            }
            WalkAction::DescribeBuilding { house, building } => {
                let kind = building_kind(building);
                walk.describe_building(*house, kind.clone())?;
                ("walk_building", json!({"house": house, "building": kind}))
            }
            WalkAction::DescribeExtraBuilding { number, building } => {
                let n = HouseNumber::parse_near(number, None)
                    .map_err(|_| SessionError::Field(FieldworkError::BadHouseNumber { text: number.clone() }))?;
                let kind = building_kind(building);
                walk.describe_extra_building(n, kind.clone())?;
                ("walk_building", json!({"house": n.number, "number": n, "building": kind}))
            }
            WalkAction::DeadEnd => {
                walk.report_dead_end()?;
                ("walk_dead_end", json!({}))
            }
            WalkAction::ContinueFrom { street_ru, street_kk, from_number, to_number, start_house, ascending } => {
                let current = walk.segments().last().cloned().ok_or_else(|| corrupt("walk", "no segment"))?;
                let segment = Segment {
                    street_ru: street_ru.clone(),
                    street_kk: street_kk.clone(),
                    from_number: *from_number,
                    to_number: *to_number,
                    start_house: *start_house,
                    direction: if *ascending { Direction::Ascending } else { Direction::Descending },
                    ..current
                };
                walk.continue_from(segment.clone())?;
                ("walk_continued", serde_json::to_value(&segment).unwrap_or(Json::Null))
            }
        };
        // A route that has run out goes on by the crossing rule or a seeded street draw, stored in the
        // walk (its segments) and journalled with how it was found.
        let continued = auto_continue(&self.fw()?.frame, &row.city, &mut walk);
        if !continued.is_empty() {
            if let Json::Object(map) = &mut detail {
                map.insert("continued".into(), serde_json::to_value(&continued).unwrap_or(Json::Null));
            }
        }
        self.store.update_route(route_id, None, Some(&to_doc(&walk)), kind, Some(&detail.to_string()), when.utc)?;
        self.route_view(route_id, lang)
    }

    fn address_row_for(&self, key: &str) -> Result<(AddressRow, Address, ContactLog), SessionError> {
        if let Some(row) = self.store.address(key)? {
            let address: Address = from_doc("address", &row.address)?;
            let log: ContactLog = from_doc("contact log", &row.log)?;
            return Ok((row, address, log));
        }
        // A new address must be the one the walk is pointing at on its route. Its key starts with the
        // route's id and a `/` (`almaty-R01/s0/h12`), so only that route is read, not every route of the
        // device (a device may hold thousands).
        let candidates = key.match_indices('/').map(|(i, _)| &key[..i]);
        for route_id in candidates {
            let route = match self.store.route(route_id) {
                Ok(r) => r,
                Err(dala_store::StoreError::NoRoute(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let walk: WalkState = from_doc("walk", &route.walk)?;
            if let Guidance::Approach { address, .. } = walk.current() {
                if address.key == key {
                    let log = ContactLog::new(&address.key, &address.route, address.dwelling);
                    let row = AddressRow {
                        key: address.key.clone(),
                        route_id: address.route.clone(),
                        address: to_doc(&address),
                        log: to_doc(&log),
                        visits: 0,
                        disposition: None,
                        screening: None,
                        interview_id: None,
                        respondent_sex: None,
                    };
                    return Ok((row, address, log));
                }
            }
        }
        Err(SessionError::NoAddress(key.to_string()))
    }

    /// Logs a visit to an address (the walk's current target, or one visited before).
    pub fn log_visit(&mut self, key: &str, input: &VisitInput, when: When, lang: Lang) -> Result<AddressView, SessionError> {
        let (mut row, _address, mut log) = self.address_row_for(key)?;
        let mut visit = visit_from_input(input, when)?;
        self.visit_context(&row, &mut visit)?;
        self.save_visit(&mut row, &mut log, visit, when)?;
        self.address_view(&row, lang)
    }

    /// What the visit log records besides the outcome, for the AAPOR sub-codes: whether the
    /// household's respondent had been chosen, and which sexes had no free place on the route.
    fn visit_context(&self, row: &AddressRow, visit: &mut Visit) -> Result<(), SessionError> {
        let doc: Option<ScreeningDoc> = row.screening.as_deref().map(|s| from_doc("screening", s)).transpose()?;
        visit.respondent_chosen = doc.is_some_and(|d| d.selection.is_some() || matches!(d.proposal, Some(Proposal::Respondent(_))));
        let route = self.store.route(&row.route_id)?;
        let quota: RouteQuota = from_doc("quota", &route.quota)?;
        let holds = self.holds(&route.id, Some(&row.key))?;
        visit.full_sexes = Sex::ALL.into_iter().filter(|s| quota.free(*s, holds) == 0).collect();
        Ok(())
    }

    fn save_visit(&mut self, row: &mut AddressRow, log: &mut ContactLog, visit: Visit, when: When) -> Result<(), SessionError> {
        let n = log.record_visit(visit.clone())?;
        row.visits = log.visits.len() as u32;
        row.log = to_doc(log);
        let vr = visit_row(n, &visit);
        self.store.save_address(
            row,
            Some(&vr),
            None,
            "visit_logged",
            Some(&json!({"n": n, "outcome": visit.outcome.code()}).to_string()),
            when.utc,
        )?;
        Ok(())
    }

    /// Sets the time of the appointment made at the last visit (outcome 21): screening proposes an
    /// appointment when the chosen respondent is out, and the interviewer then agrees the time.
    pub fn set_appointment(&mut self, key: &str, appointment: &str, when: When, lang: Lang) -> Result<AddressView, SessionError> {
        let (mut row, _a, mut log) = self.address_row_for(key)?;
        let t = parse_local(appointment)?;
        if log.closed.is_some() {
            return Err(SessionError::Field(FieldworkError::AddressClosed { address: key.to_string() }));
        }
        let n = log.visits.len() as u32;
        let last = log.visits.last_mut().filter(|v| v.outcome == InterimCode::Appointment).ok_or(SessionError::NoAppointmentVisit)?;
        if t <= last.at {
            return Err(SessionError::Field(FieldworkError::AppointmentNotAfterVisit { at: last.at, appointment: t }));
        }
        last.appointment = Some(t);
        let visit = last.clone();
        row.log = to_doc(&log);
        let vr = visit_row(n, &visit);
        self.store.amend_visit(&row, &vr, when.utc)?;
        self.address_view(&row, lang)
    }

    /// Gives an address its final disposition (refused before the minimum visits for a non-response).
    pub fn close_address(&mut self, key: &str, when: When, lang: Lang) -> Result<AddressView, SessionError> {
        let visits_rules = self.fw()?.settings.visits.clone();
        let (mut row, _a, mut log) = self.address_row_for(key)?;
        self.no_interview_in_progress(&row)?;
        let d = log.close(&visits_rules)?;
        row.log = to_doc(&log);
        row.disposition = Some(d.code().to_string());
        self.store.save_address(&row, None, None, "address_closed", Some(&json!({"disposition": d.code()}).to_string()), when.utc)?;
        self.address_view(&row, lang)
    }

    /// Screening, step 1: draws one of the `households` households at the address (the cover's Q010),
    /// seeded from the route's seed and the address key, and stores the draw before any adult is
    /// listed. Drawing again with the same count returns the stored draw; another count is refused
    /// (`HouseholdAlreadyDrawn`): the draw stands.
    pub fn draw_household(&mut self, key: &str, households: u32, when: When, lang: Lang) -> Result<AddressView, SessionError> {
        let (mut row, _a, log) = self.address_row_for(key)?;
        if let Some(text) = &row.screening {
            let doc: ScreeningDoc = from_doc("screening", text)?;
            doc.check_draw(households)?;
            return self.address_view(&row, lang);
        }
        if log.closed.is_some() {
            return Err(SessionError::Field(FieldworkError::AddressClosed { address: key.to_string() }));
        }
        let route = self.store.route(&row.route_id)?;
        let seed = dala_fieldwork::rng::derive_seed(route.seed as u64, key);
        let doc = HouseholdScreening::draw(households, dala_fieldwork::rng::derive_seed(seed, "household"))?;
        row.screening = Some(to_doc(&doc));
        self.store.save_address(&row, None, None, "household_drawn", Some(&to_doc(&doc.household_draw)), when.utc)?;
        self.address_view(&row, lang)
    }

    /// Screening, step 2: lists the drawn household's adults and proposes the respondent under the
    /// route's quota. "Quota filled" and "no eligible person" end the visit with their interim code,
    /// an absent respondent with an appointment. Listing again (a re-screening) keeps the household
    /// draw, needs `rescreen_reason`, and is stored with the earlier list and journaled
    /// (`household_rescreened`) for the supervisor.
    pub fn list_adults(
        &mut self,
        key: &str,
        adults: &[AdultInput],
        rescreen_reason: Option<&str>,
        when: When,
        lang: Lang,
    ) -> Result<AddressView, SessionError> {
        let (mut row, _a, mut log) = self.address_row_for(key)?;
        self.no_interview_in_progress(&row)?;
        if log.closed.is_some() {
            return Err(SessionError::Field(FieldworkError::AddressClosed { address: key.to_string() }));
        }
        let text = row.screening.clone().ok_or(SessionError::Field(FieldworkError::HouseholdNotDrawn))?;
        let mut doc: ScreeningDoc = from_doc("screening", &text)?;
        let route = self.store.route(&row.route_id)?;
        let quota: RouteQuota = from_doc("quota", &route.quota)?;
        // Places held by interviews in progress at the route's other addresses are not offered again.
        let holds = self.holds(&route.id, Some(key))?;
        let adults: Vec<Adult> = adults
            .iter()
            .map(|a| Adult {
                line: a.line,
                name: a.name.trim().to_string(),
                sex: a.sex,
                age: a.age,
                permanent: a.permanent,
                head: a.head,
                co_decision_maker: a.co_decision_maker,
                present: a.present,
            })
            .collect();
        let seed = dala_fieldwork::rng::derive_seed(route.seed as u64, key);
        let again = doc.is_listed();
        let proposal = doc.list(adults, &self.fw()?.settings.eligibility, &quota, holds, seed, rescreen_reason, when.local)?.clone();
        row.screening = Some(to_doc(&doc));
        let (kind, detail) = match doc.rescreens.last().filter(|_| again) {
            Some(r) => ("household_rescreened", json!({"reason": r.reason, "proposal": proposal, "previous": r.previous}).to_string()),
            None => ("household_screened", to_doc(&proposal)),
        };
        // The listing and the visit it ends with (65, 64 or 21) are one transaction.
        let visit = match proposal.interim_code() {
            Some(code) => {
                let mut visit = Visit { households: Some(doc.household_draw.households), ..Visit::new(when.local, code) };
                self.visit_context(&row, &mut visit)?;
                let n = log.record_visit(visit.clone())?;
                Some(visit_row(n, &visit))
            }
            None => None,
        };
        let mut batch = self.store.batch(when.utc)?;
        batch.save_address(&row, None, None, kind, Some(&detail))?;
        if let Some(vr) = &visit {
            row.visits = log.visits.len() as u32;
            row.log = to_doc(&log);
            batch.save_address(&row, Some(vr), None, "visit_logged", Some(&json!({"n": vr.n, "outcome": vr.outcome}).to_string()))?;
        }
        batch.commit()?;
        self.address_view(&row, lang)
    }

    /// Both screening steps for a script (the CLI, the simulator, tests): draws the household if it
    /// is not drawn yet (stored first, as in the app), then lists its adults. A household listed
    /// before needs [`Session::list_adults`] with a reason.
    pub fn screen_household(
        &mut self,
        key: &str,
        adults: &[AdultInput],
        households: u32,
        when: When,
        lang: Lang,
    ) -> Result<AddressView, SessionError> {
        self.draw_household(key, households, when, lang)?;
        self.list_adults(key, adults, None, when, lang)
    }

    /// Starts the interview with the selected respondent (or, with a reason, another eligible adult:
    /// flagged for the supervisor). The cover sheet and the respondent line are filled from fieldwork.
    ///
    /// One transaction creates the interview, stores the answers fieldwork fills in and links the
    /// interview to its address (which from then on holds the respondent's place in the route's
    /// cell): a failure leaves no interview without an address and no address pointing nowhere. A
    /// value the engine does not take yet (Q113 before the roster exists) stays a suggestion, shown
    /// when the question comes up; a database error fails the whole start.
    pub fn start_interview(
        &mut self,
        key: &str,
        override_line: Option<u32>,
        override_reason: Option<&str>,
        lang: Lang,
        when: When,
    ) -> Result<Screen, SessionError> {
        let (mut row, address, log) = self.address_row_for(key)?;
        if let Some(existing) = &row.interview_id {
            return self.open_interview(&existing.clone(), when.utc);
        }
        let text = row.screening.clone().ok_or(SessionError::NotScreened)?;
        let mut doc: ScreeningDoc = from_doc("screening", &text)?;
        let route = self.store.route(&row.route_id)?;
        let quota: RouteQuota = from_doc("quota", &route.quota)?;
        let holds = self.holds(&route.id, Some(key))?;
        let selection = match (override_line, &doc.proposal) {
            (Some(line), _) => {
                override_respondent(&doc.adults, &self.fw()?.settings.eligibility, &quota, holds, line, override_reason.unwrap_or(""))?
            }
            (None, Some(Proposal::Respondent(s))) => s.clone(),
            (None, _) => return Err(SessionError::NoRespondent),
        };
        // The proposal was made at screening; another household's interview may have taken the place
        // since. Only an override (flagged for the supervisor) goes beyond the free places.
        if !selection.flagged && quota.free(selection.sex, holds) == 0 {
            return Err(SessionError::PlaceTaken { route: route.id.clone(), female: selection.sex == Sex::Female });
        }
        self.check_language(lang)?;
        self.store.checkpoint()?;
        doc.selection = Some(selection.clone());
        row.screening = Some(to_doc(&doc));
        row.respondent_sex = Some(sex_word(selection.sex).into());
        let all = prefills(&self.study, &route.city, &route.id, route.assigned_to.as_deref(), &address, &doc, &selection);

        // The engine checks the values first; only those it takes are stored.
        let q = &self.study;
        let mut engine = Interview::new(q);
        let mut position = engine.next(q, None);
        let mut answers: Vec<(&AnswerKey, Json, Option<Json>)> = Vec::new();
        for (k, value) in &all {
            let Ok(slot) = slot_of(q, k) else { continue };
            let Ok(answer) = Answer::from_json(&q.questions[slot.question], value) else { continue };
            let json = answer.to_json();
            let Ok(applied) = engine.apply(q, slot, answer) else { continue };
            let previous = applied.previous.as_ref().map(Answer::to_json);
            if previous.as_ref() != Some(&json) {
                answers.push((k, json, previous));
            }
            position = Some(slot);
        }
        // The values the session records itself (date, start time, the visit it is held at).
        let visit = crate::visit_number(log.visits.iter().map(|v| v.at), when.local);
        let autos = crate::auto_start(q, &mut engine, when.local, visit);
        let mut batch = self.store.batch(when.utc)?;
        let id = batch.create_interview(&q.id, &q.version, lang.code())?;
        for (k, json, previous) in answers.iter().map(|(k, j, p)| (*k, j, p)).chain(autos.iter().map(|(k, j, p)| (k, j, p))) {
            batch.save_answer(&id, k, json, previous.as_ref())?;
        }
        row.interview_id = Some(id.clone());
        batch.save_address(
            &row,
            None,
            None,
            "interview_started",
            Some(&json!({"interview": id, "line": selection.line, "flagged": selection.flagged}).to_string()),
        )?;
        batch.commit()?;

        // The interviewer goes on with whatever the cover sheet still needs.
        let position = engine.first_unanswered(q).or(position);
        self.open.insert(
            id.clone(),
            Open {
                engine,
                language: lang,
                status: InterviewStatus::InProgress,
                position,
                presets: all.into_iter().collect(),
                route: Some(route.id.clone()),
                review: (None, Vec::new()),
            },
        );
        self.screen(&id)
    }

    /// Records that the respondent broke the interview off: the interview keeps its answers and takes
    /// no more, its address gets visit 43 (AAPOR 2.12 once the address is closed under the visit
    /// rules) and its place in the route's cell is freed, in one transaction. Returns the address.
    pub fn break_off_interview(
        &mut self,
        id: &str,
        reason: Option<&str>,
        when: When,
        lang: Lang,
    ) -> Result<Option<AddressView>, SessionError> {
        self.load(id)?;
        let status = self.open.get(id).map(|o| o.status).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        crate::writable(status)?;
        let mut field = None;
        if let Some(mut row) = self.store.address_of_interview(id)? {
            let mut log: ContactLog = from_doc("contact log", &row.log)?;
            let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
            let visit = Visit { reason, ..Visit::new(when.local, InterimCode::BreakOff) };
            let n = log.record_visit(visit.clone())?;
            row.visits = log.visits.len() as u32;
            row.log = to_doc(&log);
            field = Some((row, visit_row(n, &visit)));
        }
        let mut batch = self.store.batch(when.utc)?;
        batch.break_off(id)?;
        if let Some((row, visit)) = &field {
            batch.save_address(
                row,
                Some(visit),
                None,
                "interview_broken_off",
                Some(&json!({"interview": id, "n": visit.n}).to_string()),
            )?;
        }
        batch.commit()?;
        if let Some(open) = self.open.get_mut(id) {
            open.status = InterviewStatus::BrokenOff;
        }
        field.map(|(row, _)| self.address_view(&row, lang)).transpose()
    }

    /// What a refusal of an interview started from a household writes to its address (`None`
    /// otherwise): visit 42 (the selected respondent refused), logged no earlier than the last visit.
    /// Reads only; `Session::end_interview` writes it with the refusal in one transaction.
    pub(crate) fn fieldwork_refusal(&self, interview: &str, when: When) -> Result<Option<(AddressRow, VisitRow)>, SessionError> {
        let Some(mut row) = self.store.address_of_interview(interview)? else { return Ok(None) };
        let mut log: ContactLog = from_doc("contact log", &row.log)?;
        let at = when.local.max(log.visits.last().map_or(when.local, |v| v.at));
        // The refuser is the selected respondent, whose sex the selection recorded.
        let refuser = Refuser { sex: row.respondent_sex.as_deref().and_then(|s| parse_sex(s).ok()), approximate_age: None };
        let visit = Visit { refuser: Some(refuser), ..Visit::new(at, InterimCode::SelectedRespondentRefused) };
        let n = log.record_visit(visit.clone())?;
        row.visits = log.visits.len() as u32;
        row.log = to_doc(&log);
        Ok(Some((row, visit_row(n, &visit))))
    }

    /// The places of a route's cell held by interviews in progress (leaving out one address).
    fn holds(&self, route: &str, except: Option<&str>) -> Result<Holds, SessionError> {
        let held = self.store.held_places(route, except)?;
        Ok(Holds { female: held.female, male: held.male })
    }

    /// Refuses to close or re-screen an address while the interview started there is in progress.
    fn no_interview_in_progress(&self, row: &AddressRow) -> Result<(), SessionError> {
        if let Some(id) = &row.interview_id {
            if self.store.interview(id)?.status == InterviewStatus::InProgress {
                return Err(SessionError::InterviewInProgress(row.key.clone()));
            }
        }
        Ok(())
    }

    /// The fieldwork values of an interview started from a household (empty otherwise).
    pub(crate) fn presets_of_interview(&self, interview: &str) -> Result<Vec<(AnswerKey, Json)>, SessionError> {
        let Some(row) = self.store.address_of_interview(interview)? else { return Ok(Vec::new()) };
        let Some(text) = &row.screening else { return Ok(Vec::new()) };
        let doc: ScreeningDoc = from_doc("screening", text)?;
        let Some(selection) = doc.selection.clone() else { return Ok(Vec::new()) };
        let address: Address = from_doc("address", &row.address)?;
        let route = self.store.route(&row.route_id)?;
        Ok(prefills(&self.study, &route.city, &route.id, route.assigned_to.as_deref(), &address, &doc, &selection))
    }

    /// What completing an interview writes to its address and route (`None` when the interview was
    /// not started from a household, or its address is closed already): the complete visit (11), the
    /// disposition 1.1 and the quota cell with the respondent counted. Reads only; the caller writes
    /// it in the transaction that completes the interview.
    pub(crate) fn fieldwork_completion(&self, interview: &str, when: DateTime<Utc>) -> Result<Option<FieldCompletion>, SessionError> {
        let Some(mut row) = self.store.address_of_interview(interview)? else { return Ok(None) };
        let mut log: ContactLog = from_doc("contact log", &row.log)?;
        if log.closed.is_some() {
            return Ok(None);
        }
        let route = self.store.route(&row.route_id)?;
        let mut quota: RouteQuota = from_doc("quota", &route.quota)?;
        let doc: Option<ScreeningDoc> = row.screening.as_deref().map(|s| from_doc("screening", s)).transpose()?;
        let selection = doc.and_then(|d| d.selection);
        // The visit rules read local wall-clock time; the device's time zone converts it.
        let local = when.with_timezone(&chrono::Local).naive_local();
        let visit = Visit::new(local.max(log.visits.last().map_or(local, |v| v.at)), InterimCode::Complete);
        let n = log.record_visit(visit.clone())?;
        let rules = self.fw()?.settings.visits.clone();
        let d = log.close(&rules)?;
        // Never refused: beyond a full cell the complete is counted and the cell shows as over-filled.
        let counted = selection.as_ref().map(|s| quota.record_complete(s.sex, s.flagged));
        row.visits = log.visits.len() as u32;
        row.log = to_doc(&log);
        row.disposition = Some(d.code().to_string());
        let detail = json!({"interview": interview, "over_target": counted == Some(Counted::OverTarget)}).to_string();
        Ok(Some(FieldCompletion { visit: visit_row(n, &visit), row, quota: to_doc(&quota), detail }))
    }

    /// The fieldwork report: attempts, completes, AAPOR rates, completes against quota per city and
    /// route; closed addresses only in the rates.
    pub fn field_report(&self) -> Result<FieldReport, SessionError> {
        self.field_report_in(ReportMode::Final)
    }

    /// The fieldwork report in a mode: `Provisional` counts each open address with its provisional
    /// disposition, as at the end of fieldwork.
    pub fn field_report_in(&self, mode: ReportMode) -> Result<FieldReport, SessionError> {
        let fw = self.fw()?;
        let mut summaries = Vec::new();
        for a in self.store.addresses(None)? {
            summaries.push(address_summary(&a, mode)?);
        }
        Ok(build_report_in(&summaries, &fw.plan, fw.settings.aapor.e, mode))
    }
}

/// The report's summary of a stored address: its contact log in the report's mode, the respondent's
/// sex and the reasons of any re-screening.
pub fn address_summary(row: &AddressRow, mode: ReportMode) -> Result<AddressSummary, SessionError> {
    let log: ContactLog = from_doc("contact log", &row.log)?;
    let sex = row.respondent_sex.as_deref().map(parse_sex).transpose()?;
    let mut summary = AddressSummary::of_log_in(&log, sex, mode);
    if let Some(text) = &row.screening {
        let doc: ScreeningDoc = from_doc("screening", text)?;
        summary.rescreen_reasons = doc.rescreens.into_iter().map(|r| r.reason).collect();
    }
    Ok(summary)
}

/// The writes of a complete to its address and route, for the completing transaction.
pub(crate) struct FieldCompletion {
    pub row: AddressRow,
    pub visit: VisitRow,
    pub quota: String,
    pub detail: String,
}

/// The `visits` table row of a visit (the SQL-queryable copy of the contact log's entry).
fn visit_row(n: u32, visit: &Visit) -> VisitRow {
    VisitRow { n, at: visit.at.format("%Y-%m-%dT%H:%M:%S").to_string(), outcome: visit.outcome.code(), visit: to_doc(visit) }
}

fn dwelling_word(d: DwellingType) -> &'static str {
    match d {
        DwellingType::SingleHouse => "single_house",
        DwellingType::Flat => "flat",
    }
}

fn quota_view(q: &RouteQuota, held: Holds, lang: Lang) -> QuotaView {
    let (over_female, over_male) = (q.over(Sex::Female), q.over(Sex::Male));
    let note = q.is_overfilled().then(|| {
        let mut parts = Vec::new();
        for (sex, over) in [(Sex::Female, over_female), (Sex::Male, over_male)] {
            if over > 0 {
                let word = sex.label();
                parts.push(format!("{} +{over}", word.get(lang.code())));
            }
        }
        let parts = parts.join(", ");
        lang.pick(
            format!("Ячейка квоты переполнена ({parts}): все интервью учтены; сообщите супервайзеру."),
            format!("Квота ұяшығы асып кетті ({parts}): барлық сұхбат есептелді; супервайзерге хабарлаңыз."),
            format!("The quota cell is over-filled ({parts}): every complete is counted; tell your supervisor."),
        )
    });
    QuotaView {
        target_female: q.target_female,
        target_male: q.target_male,
        female: q.female,
        male: q.male,
        held_female: held.female,
        held_male: held.male,
        over_female,
        over_male,
        open: q.free_sexes(held),
        note,
    }
}

fn building_kind(b: &BuildingInput) -> BuildingKind {
    match b {
        BuildingInput::SingleHouse => BuildingKind::SingleHouse,
        BuildingInput::ApartmentBlock { flats_per_entrance, first_flat } => BuildingKind::ApartmentBlock(BuildingLayout::Entrances {
            flats_per_entrance: flats_per_entrance.clone(),
            first_flat: first_flat.unwrap_or(1),
        }),
        BuildingInput::FlatRange { first, last } => BuildingKind::ApartmentBlock(BuildingLayout::FlatRange { first: *first, last: *last }),
        BuildingInput::NonResidential => BuildingKind::NonResidential,
        BuildingInput::RefusedAccess => BuildingKind::RefusedAccess,
        BuildingInput::NoSuchNumber => BuildingKind::NoSuchNumber,
        BuildingInput::LockedBlock { flats_per_entrance, first_flat } => BuildingKind::LockedBlock(BuildingLayout::Entrances {
            flats_per_entrance: flats_per_entrance.clone(),
            first_flat: first_flat.unwrap_or(1),
        }),
        BuildingInput::LockedFlatRange { first, last } => {
            BuildingKind::LockedBlock(BuildingLayout::FlatRange { first: *first, last: *last })
        }
    }
}

/// Continues a walk whose route has run out ([`dala_fieldwork::turn::continuation`]) with the seed
/// `derive_seed(walk seed, "<route>/continuation/<segment index>")`, again while a new street has no
/// address either (at most 16 streets at once). Empty when the route goes on; the walk still needs the
/// supervisor's continuation when every street of the city has been walked.
pub fn auto_continue(frame: &Frame, city: &str, walk: &mut WalkState) -> Vec<Continuation> {
    let mut out = Vec::new();
    while out.len() < 16 && matches!(walk.current(), Guidance::NeedsContinuation { .. }) {
        let seed = derive_seed(walk.seed(), &format!("{}/continuation/{}", walk.route(), walk.segments().len()));
        let Ok(c) = continuation(frame, city, walk, seed) else { break };
        if walk.continue_from(c.segment.clone()).is_err() {
            break;
        }
        out.push(c);
    }
    out
}

/// A local date-time as the interface sends it: "2010-10-21T18:30" (or with a space).
fn parse_local(s: &str) -> Result<NaiveDateTime, SessionError> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .map_err(|_| SessionError::BadInput(format!("appointment `{s}`")))
}

fn visit_from_input(input: &VisitInput, when: When) -> Result<Visit, SessionError> {
    let outcome = InterimCode::try_from(input.outcome).map_err(|n| SessionError::BadInput(format!("outcome code {n}")))?;
    let appointment = match input.appointment.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(parse_local(s)?),
    };
    let refuser = match (&input.refuser_sex, input.refuser_age) {
        (None, None) => None,
        (sex, age) => Some(Refuser { sex: *sex, approximate_age: age }),
    };
    let mode = input.mode.unwrap_or_default();
    Ok(Visit {
        mode,
        evidence_of_occupancy: input.evidence_of_occupancy,
        households: input.households,
        appointment,
        refuser,
        reason: input.reason.clone().filter(|s| !s.trim().is_empty()),
        note: input.note.clone().filter(|s| !s.trim().is_empty()),
        ..Visit::new(when.local, outcome)
    })
}

/// The listed adults with the eligibility verdict, in words.
fn listed_adults(doc: &ScreeningDoc, rules: &Eligibility, lang: Lang) -> Vec<ListedAdultView> {
    let mut adults: Vec<&Adult> = doc.adults.iter().collect();
    adults.sort_by_key(|a| a.line);
    adults
        .into_iter()
        .map(|a| {
            let min = rules.min_age;
            let why: Vec<String> = rules
                .check(a)
                .into_iter()
                .map(|w| match w {
                    Ineligibility::Underage => {
                        lang.pick(format!("моложе {min} лет"), format!("{min} жасқа толмаған"), format!("under {min}"))
                    }
                    Ineligibility::NotPermanent => lang
                        .pick("не постоянный член домохозяйства", "үй шаруашылығының тұрақты мүшесі емес", "not a permanent member")
                        .to_string(),
                    Ineligibility::NotHeadOrCoDecisionMaker => lang
                        .pick(
                            "не глава и не принимает решения вместе с главой",
                            "басшы емес және шешімдерді басшымен бірге қабылдамайды",
                            "neither the head nor a co-decision-maker",
                        )
                        .to_string(),
                })
                .collect();
            ListedAdultView {
                line: a.line,
                name: a.name.clone(),
                sex: a.sex,
                age: a.age,
                permanent: a.permanent,
                head: a.head,
                co_decision_maker: a.co_decision_maker,
                present: a.present,
                eligible: why.is_empty(),
                why_not: (!why.is_empty()).then(|| why.join("; ")),
            }
        })
        .collect()
}

fn proposal_view(doc: &ScreeningDoc, rules: &Eligibility, lang: Lang) -> ProposalView {
    let adults = listed_adults(doc, rules, lang);
    let households = doc.household_draw.households;
    let chosen_household = doc.household_draw.chosen;
    let chosen = doc.selection.as_ref().or(match &doc.proposal {
        Some(Proposal::Respondent(s)) => Some(s),
        _ => None,
    });
    match (&doc.proposal, chosen) {
        (_, Some(s)) => {
            let name = doc.adults.iter().find(|a| a.line == s.line).map(|a| a.name.clone());
            let who = name.clone().unwrap_or_else(|| format!("#{}", s.line));
            let appointment = s.action == dala_fieldwork::selection::Action::Appointment;
            let text = match (lang, appointment) {
                (Lang::Ru, false) => format!("Респондент: {who} (строка {}). Проведите интервью.", s.line),
                (Lang::Ru, true) => format!("Респондент: {who} (строка {}). Его/её нет дома: договоритесь о встрече.", s.line),
                (Lang::Kk, false) => format!("Респондент: {who} ({}-жол). Сұхбат жүргізіңіз.", s.line),
                (Lang::Kk, true) => format!("Респондент: {who} ({}-жол). Ол үйде жоқ: кездесу уақытын келісіңіз.", s.line),
                (Lang::En, false) => format!("Respondent: {who} (line {}). Interview this person.", s.line),
                (Lang::En, true) => format!("Respondent: {who} (line {}). Not at home: make an appointment.", s.line),
            };
            ProposalView {
                outcome: ProposalOutcome::Respondent,
                line: Some(s.line),
                name,
                sex: Some(s.sex),
                action: Some(if appointment { ProposalAction::Appointment } else { ProposalAction::Interview }),
                flagged: s.flagged,
                text,
                households,
                chosen_household,
                adults,
            }
        }
        (Some(Proposal::QuotaFilled { .. }), None) => ProposalView {
            outcome: ProposalOutcome::QuotaFilled,
            line: None,
            name: None,
            sex: None,
            action: None,
            flagged: false,
            text: lang.pick("Для пола каждого подходящего члена квота маршрута уже выполнена или её места заняты начатыми интервью (код 65, AAPOR 4.80).", "Әрбір лайықты мүшенің жынысы бойынша маршрут квотасы толған немесе оның орындарын басталған сұхбаттар алған (65-код, AAPOR 4.80).", "For every eligible person's sex the route's quota is full or its places are held by interviews in progress (code 65, AAPOR 4.80).")
            .into(),
            households,
            chosen_household,
            adults,
        },
        _ => ProposalView {
            outcome: ProposalOutcome::NoEligible,
            line: None,
            name: None,
            sex: None,
            action: None,
            flagged: false,
            text: lang.pick("В домохозяйстве нет подходящего респондента (код 64, AAPOR 4.70).", "Үй шаруашылығында лайықты респондент жоқ (64-код, AAPOR 4.70).", "No eligible person in the household (code 64, AAPOR 4.70).").into(),
            households,
            chosen_household,
            adults,
        },
    }
}

/// The drawn household, in words, with the re-screenings.
fn household_view(doc: &ScreeningDoc, lang: Lang) -> HouseholdView {
    let (n, k) = (doc.household_draw.households, doc.household_draw.chosen);
    let text = if n == 1 {
        lang.pick(
            "По адресу одно домохозяйство: перечислите его взрослых.",
            "Мекенжайда бір үй шаруашылығы бар: оның ересектерін тізімдеңіз.",
            "One household lives at the address: list its adults.",
        )
        .to_string()
    } else {
        lang.pick(
            format!("Выбрано домохозяйство № {k} из {n} (в том порядке, в каком вы их пронумеровали): перечислите взрослых ЭТОГО домохозяйства."),
            format!("{n} үй шаруашылығының № {k} таңдалды (сіз нөмірлеген ретпен): ОСЫ үй шаруашылығының ересектерін тізімдеңіз."),
            format!("Household No. {k} of {n} was drawn (in the order you numbered them): list the adults of THIS household."),
        )
    };
    HouseholdView {
        households: n,
        chosen: k,
        text,
        listed: doc.is_listed(),
        rescreens: doc
            .rescreens
            .iter()
            .map(|r| RescreenView { at: r.at.format("%Y-%m-%d %H:%M").to_string(), reason: r.reason.clone() })
            .collect(),
    }
}

/// The answers fieldwork fills in, per the study's `[fieldwork_links]`.
fn prefills(
    q: &Questionnaire,
    city: &str,
    route: &str,
    interviewer: Option<&str>,
    a: &Address,
    doc: &ScreeningDoc,
    s: &Selection,
) -> Vec<(AnswerKey, Json)> {
    let links = &q.field_links;
    let mut out: Vec<(Option<&String>, Json)> = vec![
        (links.respondent_line.as_ref(), json!(s.line)),
        (links.route.as_ref(), json!(route)),
        (links.street.as_ref(), json!(a.street_ru)),
        (links.house.as_ref(), json!(a.house.to_string())),
        (links.households.as_ref(), json!(doc.household_draw.households)),
    ];
    if let Some(code) = links.city_codes.get(city) {
        out.push((links.city.as_ref(), json!(code)));
    }
    if let Some(code) = links.dwelling_codes.get(dwelling_word(a.dwelling)) {
        out.push((links.dwelling.as_ref(), json!(code)));
    }
    if let Some(i) = interviewer {
        out.push((links.interviewer.as_ref(), json!(i)));
    }
    if let Some(e) = a.entrance {
        out.push((links.entrance.as_ref(), json!(e.to_string())));
    }
    if let Some(f) = a.flat {
        out.push((links.flat.as_ref(), json!(f.to_string())));
    }
    out.into_iter()
        .filter_map(|(qid, v)| {
            let qid = qid?;
            let question = q.question(qid)?;
            // Text questions take the text form of numbers.
            let v = match (question.kind, &v) {
                (dala_questionnaire::model::QuestionType::Text, Json::Number(n)) => json!(n.to_string()),
                _ => v,
            };
            Some((AnswerKey { question: qid.clone(), roster: vec![] }, v))
        })
        .collect()
}
