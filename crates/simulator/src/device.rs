//! One simulated device: its database, its routes, and every visit an interviewer makes on them.
//!
//! Everything goes through the session API the app uses: the route draw, the assignment, the walk
//! (`Session::walk` with building descriptions and continuation points), visits (`log_visit`),
//! screening and the app's respondent selection (`screen_household`), the interview (`start_interview`,
//! then the whole questionnaire through `autofill::fill_at` with the household's answers as overrides,
//! then `complete_only`, which closes the address as 1.1 and counts the quota), and closing addresses
//! (`close_address`, which refuses a non-response before the minimum visits).
//!
//! Time is a simulated clock: the interviewer starts on Monday 18 October 2010 at 10:00 local time,
//! walks new addresses between 10:00 and 20:30, and makes call-backs at the times they were scheduled
//! (an evening visit from 18:00 and a weekend visit while the minimum-visits rule still needs them).
//! The journal's UTC times are the simulated local times converted by the machine's time zone, so the
//! app's own conversion back (the complete visit) lands on the simulated local time.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use dala_fieldwork::draw::Route;
use dala_fieldwork::frame::BuildingType;
use dala_fieldwork::rng::{derive_seed, stream};
use dala_fieldwork::walk::DwellingType;
use dala_fieldwork::Sex;
use dala_questionnaire::{AnswerKey, Lang, Questionnaire};
use dala_session::field::{
    AddressView, BuildingInput, Fieldwork, GuidanceKind, ProposalAction, ProposalOutcome, RouteView, VisitInput, WalkAction, When,
};
use dala_session::{Session, SessionError};
use dala_store::Store;
use rand::{Rng, RngCore};
use rand_chacha::ChaCha20Rng;
use serde_json::Value as Json;

use crate::household::{generic_questions, override_for, pick, CityProfile, Generic, Household, InterviewPlan};
use crate::model::{Resolved, SimulationFile};

/// The outcome model, calibrated so that a KMRS-size run gives RR1 ≈ 45 % with refusals ≈ 45 % and
/// "no one opened" ≈ 40 % of the non-interviews (see `docs/simulator.md`).
mod calibration {
    /// Households that refuse outright (hard refusal, 44: closes at once) and softly (41: call-backs).
    pub const HARD: f64 = 0.12;
    pub const SOFT: f64 = 0.21;
    /// At a later contact a soft refusal converts, or hardens.
    pub const CONVERT: f64 = 0.25;
    pub const HARDEN: f64 = 0.2;
    /// Households almost never at home, and their chance to open at a visit.
    pub const HARD_TO_REACH: f64 = 0.13;
    pub const OPEN_HARD_TO_REACH: f64 = 0.08;
    /// Chance that someone opens: weekday daytime, weekday daytime when every adult works, evening or weekend.
    pub const OPEN_DAY: f64 = 0.55;
    pub const OPEN_DAY_ALL_WORK: f64 = 0.30;
    pub const OPEN_OFF_HOURS: f64 = 0.75;
    /// Signs of occupancy seen at a visit nobody answered.
    pub const EVIDENCE: f64 = 0.55;
    /// Locked entrance door of a block at a visit.
    pub const LOCKED: f64 = 0.04;
    /// Language barrier (51) and illness (52) at contact.
    pub const LANGUAGE: f64 = 0.01;
    pub const ILL: f64 = 0.025;
    /// The selected respondent refuses (42), and again after a first refusal.
    pub const RESPONDENT_REFUSES: f64 = 0.05;
    pub const RESPONDENT_REFUSES_AGAIN: f64 = 0.75;
    /// An absent respondent is at home at the agreed time.
    pub const KEEPS_APPOINTMENT: f64 = 0.8;
}
use calibration as cal;

/// Shared, read-only inputs of every device.
pub struct Shared<'a> {
    pub study: &'a Questionnaire,
    pub fieldwork: &'a Fieldwork,
    pub seed: u64,
    /// Routes per city (in settings order) to draw.
    pub routes_per_city: Vec<(String, u32)>,
    pub out: PathBuf,
    pub generic: HashMap<String, Generic>,
    /// The study's `simulation.toml`, if any, and its variables resolved against the questionnaire.
    pub file: Option<SimulationFile>,
    pub model: Resolved,
    /// The language of interviews of respondents who do not choose Kazakh: Russian when the study has
    /// it, else its default language; Kazakh only when the study has it.
    pub main_lang: Lang,
    pub has_kazakh: bool,
    /// See `Config::encrypt`.
    pub encrypt: Option<crate::Encrypt>,
    /// See [`crate::Config::on_disk`].
    pub on_disk: bool,
}

impl Shared<'_> {
    pub fn new<'a>(
        study: &'a Questionnaire,
        fieldwork: &'a Fieldwork,
        seed: u64,
        routes_per_city: Vec<(String, u32)>,
        out: PathBuf,
        file: Option<SimulationFile>,
        model: Resolved,
    ) -> Shared<'a> {
        let blocks = file.as_ref().and_then(|f| f.generic_blocks.clone());
        let mut generic = generic_questions(study, blocks.as_deref());
        generic.retain(|id, _| !model.modelled_questions.contains(id));
        let main_lang = if study.languages.contains(&Lang::Ru) { Lang::Ru } else { study.default_language };
        let has_kazakh = study.languages.contains(&Lang::Kk);
        Shared { study, fieldwork, seed, routes_per_city, out, generic, file, model, main_lang, has_kazakh, encrypt: None, on_disk: false }
    }
}

/// What one device did, for the summary (the report itself is read back from the databases).
#[derive(Debug, Default, Clone)]
pub struct DeviceStats {
    pub device: u32,
    pub path: PathBuf,
    pub routes: u32,
    pub completes: u64,
    /// Per city: completes in Kazakh, completes in Russian.
    pub languages: BTreeMap<String, (u64, u64)>,
    pub screened: u64,
    pub members: u64,
    pub respondents_moved: u64,
    pub answers: u64,
    /// Interviews whose first fill left a required question or an error open (answered again without overrides).
    pub repaired: u64,
    /// Addresses that could not be given a final disposition.
    pub left_open: u64,
    pub routes_exhausted: u64,
    /// Households reached at a call-back after their route's cell was full (recorded as quota filled).
    pub quota_filled_late: u64,
    pub continuations: u64,
    pub first: Option<NaiveDateTime>,
    pub last: Option<NaiveDateTime>,
}

/// The moment of an action on the simulated clock (see the module doc).
fn when(local: NaiveDateTime) -> When {
    let utc = chrono::Local
        .from_local_datetime(&local)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local));
    When { utc, local }
}

fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("a valid time"))
}

/// The first day of fieldwork: Monday 18 October 2010.
pub fn fieldwork_start() -> NaiveDateTime {
    at(NaiveDate::from_ymd_opt(2010, 10, 18).expect("a valid date"), 10, 0)
}

fn visit(code: u16) -> VisitInput {
    VisitInput {
        outcome: code,
        evidence_of_occupancy: false,
        households: None,
        appointment: None,
        refuser_sex: None,
        refuser_age: None,
        reason: None,
        note: None,
        mode: None,
    }
}

fn err(context: &str, e: SessionError) -> String {
    format!("{context}: {} ({})", e.message(Lang::En), e.kind())
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Truth {
    Occupied,
    Vacant,
    NotDwelling,
    Seasonal,
    NotFound,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Attitude {
    Cooperative,
    Soft,
    Hard,
}

/// Where an open address stands in the simulation.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Stage {
    /// Nobody has opened yet (or nobody at the last visits).
    NotContacted,
    /// The household refused softly; the interviewer comes back.
    SoftRefused,
    /// A respondent was selected (absent: an appointment; or refused once).
    Selected,
    /// Nobody in the household speaks Russian or Kazakh well enough; the interviewer comes back.
    Language,
}

struct Addr {
    flat: bool,
    truth: Truth,
    household: Household,
    attitude: Attitude,
    hard_to_reach: bool,
    language_barrier: bool,
    ill: bool,
    households: u32,
    stage: Stage,
    /// The selected respondent refused once (a second refusal is likely).
    respondent_refused: bool,
    /// The visits made (local times).
    visits: Vec<NaiveDateTime>,
    /// Visits after which the interviewer closes a non-response (3 or 4).
    patience: usize,
    rng: ChaCha20Rng,
}

/// What a visit led to.
enum After {
    Closed,
    /// Come back at this time.
    Again(NaiveDateTime),
    Completed,
}

/// The device: the session on its database, the shared inputs and the counters.
struct Dev<'s, 'a> {
    shared: &'s Shared<'a>,
    /// The streets of every city's drawn routes (no continuation point goes there).
    taken: HashMap<String, HashSet<String>>,
    session: &'s mut Session,
    stats: &'s mut DeviceStats,
}

/// One route on the device: its walk, its addresses and their call-backs.
struct RouteRun {
    route: Route,
    city: CityProfile,
    rng: ChaCha20Rng,
    route_seed: u64,
    addresses: BTreeMap<String, Addr>,
    /// Call-backs: (time, address key).
    pending: Vec<(NaiveDateTime, String)>,
    /// The sexes the route's quota cell still needs (read from the app when the walk starts and after each complete).
    open_sexes: Vec<Sex>,
    /// Interviews the cell still needs.
    remaining: u32,
    /// New addresses are still being approached (the cell is not full and the walk has not run out).
    walking: bool,
    started: bool,
    view: Option<RouteView>,
    continuations: u32,
    street: String,
}

pub fn simulate_device(shared: &Shared, device: u32, route_ids: &[String]) -> Result<DeviceStats, String> {
    let path = shared.out.join(format!("device-{device:02}.sqlite"));
    let interviewer = format!("int-{device:02}");
    let start = fieldwork_start();
    // The device is simulated in memory and written to its file at the end (SQLite's backup API), or
    // (on disk) in its file, every action committed as the app commits it.
    let store = if shared.on_disk {
        let key = match shared.encrypt.as_ref() {
            Some(encrypt) => Some(zeroize::Zeroizing::new((encrypt.0)(&path)?)),
            None => None,
        };
        Store::open_keyed(&path, dala_store::Durability::Full, when(start).utc, key.as_deref())
            .map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        Store::open_in_memory(when(start).utc).map_err(|e| format!("in-memory database: {e}"))?
    };
    let mut session = Session::with_parts(shared.study.clone(), store).with_fieldwork(Some(shared.fieldwork.clone()));
    let mut stats = DeviceStats { device, path: path.clone(), ..Default::default() };
    // The supervisor's draw for every city, as every device receives it; then this device's routes.
    let setup = start - Duration::hours(1);
    let mut routes: BTreeMap<String, (Route, String)> = BTreeMap::new();
    for (city, k) in &shared.routes_per_city {
        let draw =
            session.draw_city_routes(city, shared.seed, Some(*k), false, when(setup)).map_err(|e| err(&format!("draw {city}"), e))?;
        for r in draw.routes {
            routes.insert(r.id.clone(), (r, city.clone()));
        }
    }
    session.assign_routes(route_ids, Some(&interviewer), when(setup)).map_err(|e| err("assign", e))?;
    let mut runs = Vec::new();
    for id in route_ids {
        let (route, city) = routes.get(id).cloned().ok_or_else(|| format!("route {id} was not drawn"))?;
        let route_seed = derive_seed(shared.seed, id);
        let city = CityProfile::of(&city, shared.file.as_ref());
        let street = route.street.clone();
        runs.push(RouteRun {
            route,
            city,
            rng: stream(route_seed),
            route_seed,
            addresses: BTreeMap::new(),
            pending: Vec::new(),
            open_sexes: Vec::new(),
            remaining: 10,
            walking: true,
            started: false,
            view: None,
            continuations: 0,
            street,
        });
    }
    stats.routes = runs.len() as u32;
    let mut taken: HashMap<String, HashSet<String>> = HashMap::new();
    for (route, city) in routes.values() {
        taken.entry(city.clone()).or_default().insert(route.street.clone());
    }
    let mut dev = Dev { shared, taken, session: &mut session, stats: &mut stats };
    schedule(&mut dev, &mut runs, start)?;
    if !shared.on_disk {
        write_out(&session, &path, shared.encrypt.as_ref())?;
    }
    Ok(stats)
}

/// Writes the in-memory database to `path` with SQLite's backup API (or, encrypted, with SQLCipher's
/// export), then switches the file to WAL as the app's store keeps it.
fn write_out(session: &Session, path: &std::path::Path, encrypt: Option<&crate::Encrypt>) -> Result<(), String> {
    let fail = |e: rusqlite::Error| format!("{}: {e}", path.display());
    if let Some(encrypt) = encrypt {
        let key = zeroize::Zeroizing::new((encrypt.0)(path)?);
        session.store().write_copy(path, Some(&key)).map_err(|e| format!("{}: {e}", path.display()))?;
        // Reopened through the store, which checks the key and switches the file to WAL.
        dala_store::Store::open_keyed(path, dala_store::Durability::Full, chrono::Utc::now(), Some(&key))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let mut file = rusqlite::Connection::open(path).map_err(fail)?;
    {
        let backup = rusqlite::backup::Backup::new(session.store().connection(), &mut file).map_err(fail)?;
        backup.run_to_completion(4096, std::time::Duration::ZERO, None).map_err(fail)?;
    }
    file.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
    Ok(())
}

/// The interviewer's days: routes are walked one after the other (the next one from the morning after
/// the previous one's cell filled), and the call-backs of every route are made at their times in
/// between. Every action happens in time order, so the journal's times only go forward.
fn schedule(dev: &mut Dev, runs: &mut [RouteRun], start: NaiveDateTime) -> Result<(), String> {
    let mut clock = start;
    let mut rng = stream(derive_seed(dev.shared.seed, &format!("device-{}", dev.stats.device)));
    // New addresses per day: an interviewer's day also holds the call-backs and the interviews.
    let mut day = (start.date(), 0u32, rng.random_range(8..=14));
    let mut walked: Option<usize> = None;
    loop {
        let walk = runs.iter().position(|r| r.walking);
        let mut next_new = working_hours(clock, &mut rng);
        if walk.is_some() && walked.is_some() && walk != walked && next_new.date() == clock.date() {
            // A new street: from the next morning.
            next_new = morning(&mut rng, clock.date() + Duration::days(1));
        }
        // Near the end of a route the interviewer opens only as many new addresses as the cell still
        // seems to need (about two and a half per interview), and waits for the call-backs.
        let need = walk.map_or(u32::MAX, |w| if runs[w].started { (runs[w].remaining * 5).div_ceil(2).max(2) } else { u32::MAX });
        if next_new.date() == day.0 && day.1 >= day.2.min(need) {
            next_new = morning(&mut rng, next_new.date() + Duration::days(1));
        }
        let next_call = runs
            .iter()
            .enumerate()
            .flat_map(|(r, run)| run.pending.iter().enumerate().map(move |(i, (t, k))| (*t, k.clone(), r, i)))
            .min_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)))
            .map(|(t, _, r, i)| (t.max(clock), r, i));
        match (walk, next_call) {
            (Some(w), call) if call.is_none_or(|(t, _, _)| next_new <= t) => {
                if next_new.date() != day.0 {
                    day = (next_new.date(), 0, rng.random_range(8..=14));
                }
                day.1 += 1;
                walked = Some(w);
                if let Some(done) = runs[w].approach_next(dev, next_new)? {
                    clock = done + Duration::minutes(rng.random_range(4..=14));
                }
            }
            (_, Some((t, r, i))) => {
                let (_, key) = runs[r].pending.remove(i);
                // A call-back delayed past 21:30 (the interviewer was busy) moves to the next evening.
                if t.time() > NaiveTime::from_hms_opt(21, 30, 0).expect("valid") {
                    runs[r].pending.push((at(t.date() + Duration::days(1), 18, rng.random_range(0..50)), key));
                    continue;
                }
                let after = runs[r].call_back(dev, &key, t)?;
                let done = runs[r].finish(dev, &key, after, t)?;
                clock = done + Duration::minutes(rng.random_range(3..=10));
            }
            _ => break,
        }
    }
    Ok(())
}

impl RouteRun {
    fn id(&self) -> String {
        self.route.id.clone()
    }

    /// Approaches the next new address of the route at `t`; `None` (and the walk ends) when the cell
    /// is already full or the walk has run out. Returns when the visit ended.
    fn approach_next(&mut self, dev: &mut Dev, t: NaiveDateTime) -> Result<Option<NaiveDateTime>, String> {
        if !self.started {
            self.started = true;
            self.refresh_quota(dev)?;
            if self.open_sexes.is_empty() {
                self.walking = false;
                return Ok(None);
            }
        }
        let mut view = self.view.take();
        let Some(address) = self.next_target(dev, &mut view, t)? else {
            self.walking = false;
            dev.stats.routes_exhausted += 1;
            return Ok(None);
        };
        let after = self.first_visit(dev, &address, t)?;
        let done = self.finish(dev, &address.key, after, t)?;
        self.view = Some(dev.session.walk(&self.id(), WalkAction::NextAddress, when(done), Lang::En).map_err(|e| err("next address", e))?);
        if self.open_sexes.is_empty() {
            self.walking = false;
        }
        Ok(Some(done))
    }

    /// Books the result of a visit: a call-back, or nothing more. Returns when the visit ended.
    fn finish(&mut self, dev: &mut Dev, key: &str, after: After, t: NaiveDateTime) -> Result<NaiveDateTime, String> {
        let a = self.addresses.get_mut(key).expect("a visited address is known");
        let mut end = t + Duration::minutes(a.rng.random_range(3..=9));
        match after {
            After::Closed => {}
            After::Completed => {
                end = *a.visits.last().unwrap_or(&t);
                self.refresh_quota(dev)?;
            }
            After::Again(next) => self.pending.push((next, key.to_string())),
        }
        dev.stats.first = Some(dev.stats.first.map_or(t, |f| f.min(t)));
        dev.stats.last = Some(dev.stats.last.map_or(end, |l| l.max(end)));
        Ok(end)
    }

    fn refresh_quota(&mut self, dev: &mut Dev) -> Result<(), String> {
        let v = dev.session.route_view(&self.id(), Lang::En).map_err(|e| err("route view", e))?;
        let q = &v.route.quota;
        self.remaining = (q.target_female.saturating_sub(q.female)) + (q.target_male.saturating_sub(q.male));
        self.open_sexes = v.route.quota.open;
        Ok(())
    }

    /// The next address the walk points at, describing buildings and asking for continuation points
    /// as needed; `None` when the route has run out.
    fn next_target(&mut self, dev: &mut Dev, view: &mut Option<RouteView>, t: NaiveDateTime) -> Result<Option<AddressView>, String> {
        for _ in 0..2000 {
            let v = match view.take() {
                Some(v) => v,
                None => dev.session.route_view(&self.id(), Lang::En).map_err(|e| err("route view", e))?,
            };
            match v.guidance.kind {
                GuidanceKind::Approach => {
                    let address = v.guidance.address.clone().ok_or("approach without an address")?;
                    *view = Some(v);
                    return Ok(Some(address));
                }
                GuidanceKind::DescribeBuilding => {
                    let house = v.guidance.house.ok_or("describe_building without a house")?;
                    let building = describe(&mut self.rng, self.route.building_type);
                    let next = dev
                        .session
                        .walk(&self.id(), WalkAction::DescribeBuilding { house, building }, when(t), Lang::En)
                        .map_err(|e| err("describe building", e))?;
                    *view = Some(next);
                }
                GuidanceKind::NeedsContinuation => {
                    // The supervisor's continuation point: the next street of the frame that is not
                    // another route's, from a drawn house, upwards. At most two per route.
                    if self.continuations >= 2 {
                        return Ok(None);
                    }
                    let Some(action) = self.continuation(dev) else { return Ok(None) };
                    self.continuations += 1;
                    dev.stats.continuations += 1;
                    let next = dev.session.walk(&self.id(), action, when(t), Lang::En).map_err(|e| err("continue", e))?;
                    *view = Some(next);
                }
            }
        }
        Err(format!("{}: no address after 2000 buildings", self.route.id))
    }

    fn continuation(&mut self, dev: &mut Dev) -> Option<WalkAction> {
        let city = self.city.id.clone();
        let taken = dev.taken.get(&city)?;
        let streets: Vec<_> = dev.shared.fieldwork.frame.city(&city).collect();
        let here = streets.iter().position(|s| s.street_ru == self.street).unwrap_or(0);
        for step in 1..streets.len() {
            let s = streets[(here + step) % streets.len()];
            if taken.contains(&s.street_ru) || s.odd_side.is_none() != self.route.odd_side.is_none() {
                continue;
            }
            let start = self.rng.random_range(s.from_number..=s.to_number.max(s.from_number));
            self.street = s.street_ru.clone();
            return Some(WalkAction::ContinueFrom {
                street_ru: s.street_ru.clone(),
                street_kk: s.street_kk.clone(),
                from_number: s.from_number,
                to_number: s.to_number,
                start_house: start,
                ascending: true,
            });
        }
        None
    }

    /// The first approach to a new address.
    fn first_visit(&mut self, dev: &mut Dev, address: &AddressView, t: NaiveDateTime) -> Result<After, String> {
        let key = address.key.clone();
        let flat = address.dwelling == DwellingType::Flat;
        let mut rng = stream(derive_seed(self.route_seed, &key));
        let truth = if flat {
            pick(
                &mut rng,
                &[
                    (Truth::Occupied, 0.962),
                    (Truth::Vacant, 0.03),
                    (Truth::NotDwelling, 0.005),
                    (Truth::Seasonal, 0.002),
                    (Truth::NotFound, 0.001),
                ],
            )
        } else {
            pick(
                &mut rng,
                &[
                    (Truth::Occupied, 0.942),
                    (Truth::Vacant, 0.03),
                    (Truth::NotDwelling, 0.02),
                    (Truth::Seasonal, 0.005),
                    (Truth::NotFound, 0.003),
                ],
            )
        };
        let household = Household::generate(&mut rng, &self.city, flat);
        let attitude = pick(
            &mut rng,
            &[(Attitude::Cooperative, 1.0 - cal::SOFT - cal::HARD), (Attitude::Soft, cal::SOFT), (Attitude::Hard, cal::HARD)],
        );
        let a = Addr {
            flat,
            truth,
            household,
            attitude,
            hard_to_reach: rng.random_bool(cal::HARD_TO_REACH),
            language_barrier: rng.random_bool(cal::LANGUAGE),
            ill: rng.random_bool(cal::ILL),
            households: if rng.random_bool(0.03) { 2 } else { 1 },
            stage: Stage::NotContacted,
            respondent_refused: false,
            visits: Vec::new(),
            patience: if rng.random_bool(0.7) { 3 } else { 4 },
            rng,
        };
        self.addresses.insert(key.clone(), a);
        self.contact(dev, &key, t)
    }

    fn call_back(&mut self, dev: &mut Dev, key: &str, t: NaiveDateTime) -> Result<After, String> {
        self.contact(dev, key, t)
    }

    fn log(&mut self, dev: &mut Dev, key: &str, input: VisitInput, t: NaiveDateTime) -> Result<AddressView, String> {
        let v = dev.session.log_visit(key, &input, when(t), Lang::En).map_err(|e| err(&format!("visit {key}"), e))?;
        self.addresses.get_mut(key).expect("known").visits.push(t);
        Ok(v)
    }

    fn close(&mut self, dev: &mut Dev, key: &str, t: NaiveDateTime) -> Result<After, String> {
        dev.session.close_address(key, when(t), Lang::En).map_err(|e| err(&format!("close {key}"), e))?;
        Ok(After::Closed)
    }

    /// After an unsuccessful visit: close when the rules allow and the interviewer has tried enough,
    /// else schedule the next call-back where the minimum-visits rule still needs it.
    fn again_or_close(&mut self, dev: &mut Dev, key: &str, view: &AddressView, t: NaiveDateTime) -> Result<After, String> {
        let a = self.addresses.get_mut(key).expect("known");
        if view.can_close && (a.visits.len() >= a.patience || a.visits.len() >= 6) {
            return self.close(dev, key, t);
        }
        if a.visits.len() >= 9 {
            dev.stats.left_open += 1;
            return Ok(After::Closed);
        }
        let rules = &dev.shared.fieldwork.settings.visits;
        let evening = a.visits.iter().filter(|v| v.time() >= rules.evening_from).count() as u32 >= rules.evening_visits;
        let weekend = a.visits.iter().filter(|v| rules.weekend_days.contains(&v.weekday())).count() as u32 >= rules.weekend_visits;
        Ok(After::Again(next_call(&mut a.rng, t, evening, weekend, rules)))
    }

    /// A visit: whether someone opens, and what follows.
    fn contact(&mut self, dev: &mut Dev, key: &str, t: NaiveDateTime) -> Result<After, String> {
        let rules_evening = dev.shared.fieldwork.settings.visits.evening_from;
        let weekend_days = dev.shared.fieldwork.settings.visits.weekend_days.clone();
        let a = self.addresses.get_mut(key).expect("known");
        let off_hours = t.time() >= rules_evening || weekend_days.contains(&t.weekday());
        match a.truth {
            Truth::NotFound => {
                self.log(dev, key, visit(63), t)?;
                return self.close(dev, key, t);
            }
            Truth::NotDwelling => {
                self.log(dev, key, visit(61), t)?;
                return self.close(dev, key, t);
            }
            Truth::Seasonal => {
                self.log(dev, key, visit(66), t)?;
                return self.close(dev, key, t);
            }
            Truth::Vacant => {
                if a.rng.random_bool(if a.visits.is_empty() { 0.6 } else { 0.5 }) {
                    self.log(dev, key, VisitInput { note: Some("соседи: квартира пустует".into()), ..visit(62) }, t)?;
                    return self.close(dev, key, t);
                }
                let v = self.log(dev, key, visit(31), t)?;
                return self.again_or_close(dev, key, &v, t);
            }
            Truth::Occupied => {}
        }
        // The entrance door of a block is locked now and then.
        if a.flat && a.rng.random_bool(cal::LOCKED) {
            let v = self.log(dev, key, visit(32), t)?;
            return self.again_or_close(dev, key, &v, t);
        }
        let all_work = a.household.members.iter().filter(|p| p.away == 1).all(|p| !p.home_by_day);
        let p_open = if a.hard_to_reach {
            cal::OPEN_HARD_TO_REACH
        } else if off_hours {
            cal::OPEN_OFF_HOURS
        } else if all_work {
            cal::OPEN_DAY_ALL_WORK
        } else {
            cal::OPEN_DAY
        };
        if !a.rng.random_bool(p_open) {
            let evidence = a.rng.random_bool(cal::EVIDENCE);
            let v = self.log(dev, key, VisitInput { evidence_of_occupancy: evidence, ..visit(31) }, t)?;
            return self.again_or_close(dev, key, &v, t);
        }
        // Someone opens.
        if a.language_barrier {
            a.stage = Stage::Language;
            let v = self.log(dev, key, visit(51), t)?;
            return self.again_or_close(dev, key, &v, t);
        }
        if a.ill {
            self.log(dev, key, visit(52), t)?;
            return self.close(dev, key, t);
        }
        // The route's cell filled since the last visit: the interviewer, who sees the quota state,
        // does not list the household any more and records "quota filled" (65, AAPOR 4.80).
        if self.open_sexes.is_empty() && matches!(a.stage, Stage::NotContacted | Stage::Selected) {
            self.log(dev, key, VisitInput { note: Some("квота маршрута выполнена".into()), ..visit(65) }, t)?;
            dev.stats.quota_filled_late += 1;
            return self.close(dev, key, t);
        }
        match a.stage {
            Stage::Language | Stage::NotContacted => {}
            Stage::Selected => return self.selected_again(dev, key, t),
            Stage::SoftRefused => {
                // A second approach converts some soft refusals; some harden.
                if a.rng.random_bool(cal::CONVERT) {
                    a.attitude = Attitude::Cooperative;
                } else if a.rng.random_bool(cal::HARDEN) {
                    a.attitude = Attitude::Hard;
                }
            }
        }
        let a = self.addresses.get_mut(key).expect("known");
        let refuser = a.household.members.iter().find(|p| p.away == 1 && p.age() >= 18).map(|p| (p.female, p.age()));
        let refusal = |code: u16| VisitInput {
            refuser_sex: refuser.map(|(f, _)| if f { Sex::Female } else { Sex::Male }),
            refuser_age: refuser.map(|(_, age)| (age as u32 / 5) * 5),
            reason: Some(if code == 44 { "не интересуется опросами".into() } else { "нет времени".into() }),
            ..visit(code)
        };
        match a.attitude {
            Attitude::Hard => {
                self.log(dev, key, refusal(44), t)?;
                self.close(dev, key, t)
            }
            Attitude::Soft => {
                a.stage = Stage::SoftRefused;
                let v = self.log(dev, key, refusal(41), t)?;
                self.again_or_close(dev, key, &v, t)
            }
            Attitude::Cooperative => self.screen(dev, key, t),
        }
    }

    /// Screening: the household lists its adults and the app proposes the respondent.
    fn screen(&mut self, dev: &mut Dev, key: &str, t: NaiveDateTime) -> Result<After, String> {
        let rules_evening = dev.shared.fieldwork.settings.visits.evening_from;
        let weekend_days = dev.shared.fieldwork.settings.visits.weekend_days.clone();
        let off_hours = t.time() >= rules_evening || weekend_days.contains(&t.weekday());
        let a = self.addresses.get_mut(key).expect("known");
        let draws: Vec<f64> = a.household.members.iter().map(|_| a.rng.random::<f64>()).collect();
        let present = |p: &super::household::Person| {
            let x = draws[p.line as usize - 1];
            x < if off_hours {
                0.8
            } else if p.home_by_day {
                0.85
            } else {
                0.25
            }
        };
        let adults = a.household.adults(&present);
        let households = a.households;
        // A household listed before (its respondent's sex filled since) is listed again with a reason;
        // the household draw is kept.
        let v = if a.stage == Stage::Selected {
            dev.session.list_adults(key, &adults, Some("the selected respondent's sex filled on the route"), when(t), Lang::En)
        } else {
            dev.session.screen_household(key, &adults, households, when(t), Lang::En)
        }
        .map_err(|e| err(&format!("screen {key}"), e))?;
        dev.stats.screened += 1;
        dev.stats.members += a.household.size() as u64;
        let proposal = v.proposal.clone().ok_or("screening without a proposal")?;
        match proposal.outcome {
            ProposalOutcome::NoEligible | ProposalOutcome::QuotaFilled => {
                self.addresses.get_mut(key).expect("known").visits.push(t);
                self.close(dev, key, t)
            }
            ProposalOutcome::Respondent => {
                let a = self.addresses.get_mut(key).expect("known");
                a.stage = Stage::Selected;
                if proposal.action == Some(ProposalAction::Appointment) {
                    // The app logged the appointment visit (21); the interviewer comes back as agreed.
                    a.visits.push(t);
                    let next = appointment(&mut a.rng, t);
                    return Ok(After::Again(next));
                }
                self.respondent(dev, key, proposal.line.unwrap_or(1), proposal.sex.unwrap_or(Sex::Female), t)
            }
        }
    }

    /// A call-back to a household whose respondent was selected before.
    fn selected_again(&mut self, dev: &mut Dev, key: &str, t: NaiveDateTime) -> Result<After, String> {
        let row = dev.session.store().address(key).map_err(|e| format!("{key}: {e}"))?.ok_or("selected address not stored")?;
        let screening: Json = serde_json::from_str(row.screening.as_deref().unwrap_or("null")).map_err(|e| e.to_string())?;
        let line = screening["selection"]["line"].as_u64().or_else(|| screening["proposal"]["line"].as_u64()).unwrap_or(1) as u32;
        let sex = if screening["selection"]["sex"].as_str().or_else(|| screening["proposal"]["sex"].as_str()) == Some("male") {
            Sex::Male
        } else {
            Sex::Female
        };
        // The cell may have filled since: the household is screened again under the quota as it is now.
        if !self.open_sexes.contains(&sex) {
            return self.screen(dev, key, t);
        }
        let a = self.addresses.get_mut(key).expect("known");
        if !a.rng.random_bool(cal::KEEPS_APPOINTMENT) {
            let v = self.log(dev, key, visit(22), t)?;
            return self.again_or_close(dev, key, &v, t);
        }
        self.respondent(dev, key, line, sex, t)
    }

    /// The selected respondent is at home: a refusal, or the interview.
    fn respondent(&mut self, dev: &mut Dev, key: &str, line: u32, sex: Sex, t: NaiveDateTime) -> Result<After, String> {
        let a = self.addresses.get_mut(key).expect("known");
        if a.rng.random_bool(if a.respondent_refused { cal::RESPONDENT_REFUSES_AGAIN } else { cal::RESPONDENT_REFUSES }) {
            a.respondent_refused = true;
            let age = a.household.members.get(line as usize - 1).map(|p| p.age() as u32);
            let v = self.log(
                dev,
                key,
                VisitInput {
                    refuser_sex: Some(sex),
                    refuser_age: age.map(|x| x / 5 * 5),
                    reason: Some("отказ выбранного респондента".into()),
                    ..visit(42)
                },
                t,
            )?;
            return self.again_or_close(dev, key, &v, t);
        }
        self.interview(dev, key, line, t)
    }

    /// The whole interview through the session, then completion (1.1 and the quota count).
    fn interview(&mut self, dev: &mut Dev, key: &str, line: u32, t: NaiveDateTime) -> Result<After, String> {
        let a = self.addresses.get_mut(key).expect("known");
        let respondent = a.household.members[line as usize - 1].clone();
        let kazakh = a.rng.random_bool(self.city.kazakh_given_kazakh());
        let lang = if dev.shared.has_kazakh && respondent.ethnic == 1 && kazakh { Lang::Kk } else { dev.shared.main_lang };
        let screen = dev.session.start_interview(key, None, None, lang, when(t)).map_err(|e| err(&format!("start {key}"), e))?;
        let id = screen.interview.id.clone();
        let stored = dev.session.store().answers(&id).map_err(|e| e.to_string())?;
        let model = &dev.shared.model;
        let has = |var: &str| model.question(var).is_some_and(|q| stored.iter().any(|s| s.key.question == q));
        let plan = InterviewPlan {
            household: &a.household,
            respondent: line,
            lang,
            city: &self.city,
            has_entrance: has("Q007"),
            has_flat: has("Q008"),
            away_by_line: model.away_by_line(),
        };
        // The household model's answers, as the study's answer keys (only the variables the study maps).
        let fixed = if dev.shared.file.is_some() { model.translate(plan.answers(&mut a.rng)) } else { HashMap::new() };
        let seed = a.rng.next_u64();
        let step = a.rng.random_range(7..=11);
        let clock = Cell::new(when(t).utc + Duration::minutes(3));
        let tick = || {
            let now = clock.get();
            clock.set(now + Duration::seconds(step));
            now
        };
        let generic = &dev.shared.generic;
        let overrides = |k: &AnswerKey| override_for(k, &fixed, generic, seed);
        let members = a.household.size();
        let report =
            dala_session::autofill::fill_at(dev.session, &id, members, &overrides, &tick).map_err(|e| err(&format!("fill {key}"), e))?;
        dev.stats.answers += report.answered.len() as u64;
        let required_skipped = report.skipped.iter().any(|k| dev.shared.study.question(&k.question).is_some_and(|q| q.required));
        let mut done = dev.session.complete_only(&id, tick());
        if required_skipped || done.is_err() {
            // Whatever the household model could not answer, the filler answers with its own values.
            dev.stats.repaired += 1;
            let report = dala_session::autofill::fill_at(dev.session, &id, members, &|_| None, &tick)
                .map_err(|e| err(&format!("refill {key}"), e))?;
            dev.stats.answers += report.answered.len() as u64;
            done = dev.session.complete_only(&id, tick());
        }
        done.map_err(|e| err(&format!("complete {key}"), e))?;
        let end_utc: DateTime<Utc> = clock.get();
        let end_local = t + (end_utc - when(t).utc);
        let a = self.addresses.get_mut(key).expect("known");
        a.visits.push(end_local);
        dev.stats.completes += 1;
        if respondent.moved {
            dev.stats.respondents_moved += 1;
        }
        let e = dev.stats.languages.entry(self.city.id.clone()).or_default();
        if lang == Lang::Kk {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
        Ok(After::Completed)
    }
}

/// When the interviewer starts walking on a day: from 10:00, some days later.
fn morning(rng: &mut ChaCha20Rng, d: NaiveDate) -> NaiveDateTime {
    at(d, pick(rng, &[(10, 0.35), (11, 0.25), (12, 0.15), (13, 0.15), (14, 0.10)]), rng.random_range(0..60))
}

/// New addresses are approached between the morning start and 20:30.
fn working_hours(t: NaiveDateTime, rng: &mut ChaCha20Rng) -> NaiveDateTime {
    let open = NaiveTime::from_hms_opt(10, 0, 0).expect("valid");
    let close = NaiveTime::from_hms_opt(20, 30, 0).expect("valid");
    if t.time() < open {
        morning(rng, t.date())
    } else if t.time() > close {
        morning(rng, t.date() + Duration::days(1))
    } else {
        t
    }
}

/// The next call-back: an evening visit and a weekend visit while the rule still needs them.
fn next_call(
    rng: &mut ChaCha20Rng,
    t: NaiveDateTime,
    evening_done: bool,
    weekend_done: bool,
    rules: &dala_fieldwork::contact::VisitRules,
) -> NaiveDateTime {
    let from = rules.evening_from;
    let evening = |rng: &mut ChaCha20Rng, d: NaiveDate| d.and_time(from) + Duration::minutes(rng.random_range(0..150));
    let daytime = |rng: &mut ChaCha20Rng, d: NaiveDate| at(d, rng.random_range(10..=17), rng.random_range(0..60));
    let next_weekend = |d: NaiveDate| {
        let mut d = d;
        while !rules.weekend_days.contains(&d.weekday()) {
            d += Duration::days(1);
        }
        d
    };
    let tomorrow = t.date() + Duration::days(1);
    match (evening_done, weekend_done) {
        (false, false) if rng.random_bool(0.5) => evening(rng, next_weekend(tomorrow)),
        (false, _) => {
            let d = tomorrow + Duration::days(rng.random_range(0..=1));
            evening(rng, d)
        }
        (true, false) => {
            let d = next_weekend(tomorrow);
            if rng.random_bool(0.5) {
                daytime(rng, d)
            } else {
                evening(rng, d)
            }
        }
        (true, true) => {
            let d = tomorrow + Duration::days(rng.random_range(0..=2));
            if rng.random_bool(0.5) {
                daytime(rng, d)
            } else {
                evening(rng, d)
            }
        }
    }
}

/// The time agreed with an absent respondent: an evening in the next days, or the weekend.
fn appointment(rng: &mut ChaCha20Rng, t: NaiveDateTime) -> NaiveDateTime {
    let d = t.date() + Duration::days(rng.random_range(1..=3));
    if d.weekday().number_from_monday() >= 6 {
        at(d, rng.random_range(11..=18), 0)
    } else {
        at(d, rng.random_range(18..=20), if rng.random_bool(0.5) { 0 } else { 30 })
    }
}

/// What a building on a flats or mixed street is, as the interviewer reports it.
fn describe(rng: &mut ChaCha20Rng, kind: BuildingType) -> BuildingInput {
    let x = rng.random::<f64>();
    match kind {
        BuildingType::Houses => BuildingInput::SingleHouse,
        BuildingType::Flats => {
            if x < 0.07 {
                BuildingInput::NonResidential
            } else if x < 0.09 {
                // A block that cannot be entered is described by the flat range on its signs (issue 7:
                // its selected flats are cases, not replaced by the next block's).
                BuildingInput::LockedFlatRange { first: 1, last: 60 }
            } else if x < 0.10 {
                BuildingInput::NoSuchNumber
            } else {
                let entrances = pick(rng, &[(1u32, 0.08), (2, 0.12), (3, 0.15), (4, 0.22), (5, 0.13), (6, 0.15), (8, 0.10), (10, 0.05)]);
                let floors = pick(rng, &[(5u32, 0.45), (9, 0.35), (4, 0.08), (12, 0.07), (16, 0.05)]);
                let per_floor = pick(rng, &[(4u32, 0.6), (3, 0.3), (2, 0.1)]);
                if x < 0.16 {
                    BuildingInput::FlatRange { first: 1, last: entrances * floors * per_floor }
                } else {
                    BuildingInput::ApartmentBlock { flats_per_entrance: vec![floors * per_floor; entrances as usize], first_flat: Some(1) }
                }
            }
        }
        BuildingType::Mixed => {
            if x < 0.12 {
                BuildingInput::NonResidential
            } else if x < 0.14 {
                BuildingInput::NoSuchNumber
            } else if x < 0.16 {
                BuildingInput::LockedFlatRange { first: 1, last: 40 }
            } else if x < 0.58 {
                BuildingInput::SingleHouse
            } else {
                let entrances = pick(rng, &[(1u32, 0.25), (2, 0.35), (3, 0.25), (4, 0.15)]);
                let floors = pick(rng, &[(2u32, 0.15), (3, 0.2), (4, 0.25), (5, 0.4)]);
                BuildingInput::ApartmentBlock { flats_per_entrance: vec![floors * 4; entrances as usize], first_flat: Some(1) }
            }
        }
    }
}
