//! The supervisor dashboard: routes, quotas, outcome rates and interviewers' paradata from one database.
//!
//! On a supervisor's machine the database holds the merged data of many devices; its tables are a
//! device's own (interviews, answers, journal, routes, addresses, visits, field_journal), so the same
//! [`dashboard`] reads either. Everything the dashboard shows is computed here, in the interface
//! language, so the UI only draws it: per-route progress with the reasons a route is at risk, quota
//! completion by sex per city, AAPOR dispositions and rates per city, route and interviewer (the
//! fieldwork crate's [`build_report_in`] and [`compute_rates`], over the same address summaries
//! `dala report` counts), and per interviewer the completes per day, the median interview length and
//! flags from the journal's paradata, each naming the interviews concerned. The thresholds are the
//! constants below; `docs/dashboard.md` explains every figure and flag.
//!
//! Times: the journal and interviews are stored in UTC, visits in the interviewer's local time. An
//! interview's local time is taken from the device's own clock as the study recorded it (its `auto`
//! interview date and start time); a study without those falls back to [`DEFAULT_UTC_OFFSET_HOURS`].
//! The fieldwork settings carry no time zone and no fieldwork period, hence that constant and
//! [`ROUTE_PLANNED_DAYS`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use dala_fieldwork::contact::{pending_appointment, AddressStatus, ContactLog};
use dala_fieldwork::rates::{compute_rates, DispositionCounts};
use dala_fieldwork::report::{build_report_in, AddressSummary, ReportMode};
use dala_questionnaire::expr::Missing;
use dala_questionnaire::model::AutoKind;
use dala_questionnaire::{Lang, Questionnaire};
use dala_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::field::{address_summary, from_doc, Fieldwork};
use crate::{Session, SessionError};

/// A route with no fieldwork activity (visit, address update, interview entry) for this many days,
/// while short of its target, is at risk.
pub const NO_ACTIVITY_DAYS: i64 = 2;
/// The days a route is planned to take, counted from its first activity: the settings carry no
/// fieldwork period, so the pro-rata pace of a route is its target spread over these days.
pub const ROUTE_PLANNED_DAYS: i64 = 14;
/// A route is behind its pace when its completes are below this share of the pro-rata expectation.
pub const PACE_SHARE: f64 = 0.5;
/// No pace is judged in a route's first days (the first call-backs are still due).
pub const PACE_GRACE_DAYS: i64 = 3;
/// A completed interview shorter than this share of the study's median length is very short.
pub const SHORT_SHARE: f64 = 0.4;
/// A completed interview with more than this share of don't-know (−98) and refusal (−99) answers is flagged...
pub const MISSING_SHARE: f64 = 0.2;
/// ...provided it has at least this many answers (a short interview proves little either way).
pub const MISSING_MIN_ANSWERS: u32 = 10;
/// A gap longer than this between two consecutive journal entries of an interview is a long pause.
pub const LONG_PAUSE_MINUTES: i64 = 20;
/// An interview starting before this local hour is at an implausible hour...
pub const EARLIEST_HOUR: u32 = 8;
/// ...and so is one ending at or after this local hour (or after midnight).
pub const LATEST_HOUR: u32 = 22;
/// The UTC offset assumed for an interview whose study records no local date and start time: UTC+6,
/// the time of the four KMRS cities in 2010.
pub const DEFAULT_UTC_OFFSET_HOURS: i64 = 6;

/// What the supervisor narrows the dashboard to; every field empty shows everything.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DashboardFilter {
    /// A city id (`almaty`).
    pub city: Option<String>,
    /// A route id.
    pub route: Option<String>,
    /// An interviewer: a route's `assigned_to` or a device id.
    pub interviewer: Option<String>,
    /// First local day included (visits by their day, interviews by the day they started).
    pub from_date: Option<NaiveDate>,
    /// Last local day included.
    pub to_date: Option<NaiveDate>,
    /// Count open addresses with their provisional disposition in the rates (else closed ones only).
    #[serde(default)]
    pub provisional: bool,
}

impl DashboardFilter {
    fn has_dates(&self) -> bool {
        self.from_date.is_some() || self.to_date.is_some()
    }

    fn day_in(&self, day: NaiveDate) -> bool {
        self.from_date.is_none_or(|f| day >= f) && self.to_date.is_none_or(|t| day <= t)
    }
}

/// A city to choose in the filter.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CityOption {
    pub id: String,
    pub name: String,
}

/// Final dispositions by AAPOR outcome class (see `dala_fieldwork::rates`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DispositionsView {
    pub i: u32,
    pub p: u32,
    pub r: u32,
    pub nc: u32,
    pub o: u32,
    pub uh: u32,
    pub uo: u32,
    pub ne: u32,
    /// Of `ne`, the quota-filled cases (4.80).
    pub quota_filled: u32,
}

impl From<&DispositionCounts> for DispositionsView {
    fn from(c: &DispositionCounts) -> Self {
        let n = |x: u64| x as u32;
        DispositionsView {
            i: n(c.i),
            p: n(c.p),
            r: n(c.r),
            nc: n(c.nc),
            o: n(c.o),
            uh: n(c.uh),
            uo: n(c.uo),
            ne: n(c.ne),
            quota_filled: n(c.quota_filled),
        }
    }
}

/// Dispositions and the AAPOR rates of one city, route or interviewer (proportions, `None` where undefined).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OutcomeView {
    pub id: String,
    pub label: String,
    pub dispositions: DispositionsView,
    pub rr1: Option<f64>,
    pub coop1: Option<f64>,
    pub ref1: Option<f64>,
    pub con1: Option<f64>,
}

/// Why a route is at risk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RiskKind {
    /// No activity for [`NO_ACTIVITY_DAYS`] days while short of target.
    NoActivity,
    /// Completes below [`PACE_SHARE`] of the pro-rata pace.
    BehindPace,
    /// More completes of a sex than the route's cell holds.
    Overfilled,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RiskView {
    pub kind: RiskKind,
    pub message: String,
}

/// One route's progress.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DashboardRoute {
    pub id: String,
    pub city: String,
    pub city_name: String,
    /// The route's `assigned_to`, else the device that made most of its interviews.
    pub interviewer: Option<String>,
    pub target: u32,
    pub completes: u32,
    pub female: u32,
    pub male: u32,
    pub target_female: u32,
    pub target_male: u32,
    pub visits: u32,
    pub addresses: u32,
    /// Open addresses owing an appointment or still short of the minimum visits.
    pub awaiting_callback: u32,
    /// The latest fieldwork activity on the route (UTC, RFC 3339).
    pub last_activity: Option<String>,
    pub at_risk: bool,
    pub risks: Vec<RiskView>,
}

/// A city's completes by sex against its targets (the targets of the routes shown).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CityQuotaView {
    pub city: String,
    pub name: String,
    pub target: u32,
    pub completes: u32,
    pub target_female: u32,
    pub target_male: u32,
    pub female: u32,
    pub male: u32,
}

/// A paradata flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FlagKind {
    /// Shorter than [`SHORT_SHARE`] of the study's median length.
    Short,
    /// More than [`MISSING_SHARE`] of the answers are don't-know or refusal.
    DontKnowRefusal,
    /// A gap of more than [`LONG_PAUSE_MINUTES`] between journal entries.
    LongPause,
    /// An answer changed or cleared after the interview was completed.
    ChangedAfterCompletion,
    /// Started before [`EARLIEST_HOUR`] or ended at or after [`LATEST_HOUR`], local time.
    ImplausibleHours,
    /// A back-check found the interview different from what was recorded (not visited, another
    /// respondent, another household size or key answer).
    BackcheckMismatch,
}

/// One flagged interview and what was seen in it ("3 min", "35 %", "Q101").
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FlaggedInterview {
    pub id: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FlagView {
    pub kind: FlagKind,
    /// The flag and its threshold, in the interface language.
    pub message: String,
    pub interviews: Vec<FlaggedInterview>,
}

/// Completes on one local day.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DayCount {
    pub date: NaiveDate,
    pub completes: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InterviewerView {
    pub id: String,
    /// Interviews started (any status).
    pub interviews: u32,
    pub completes: u32,
    pub per_day: Vec<DayCount>,
    /// Median length of the completed interviews, minutes.
    pub median_minutes: Option<f64>,
    pub flags: Vec<FlagView>,
}

/// Everything the supervisor dashboard shows, in one language.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DashboardView {
    pub filter: DashboardFilter,
    /// When the view was computed (UTC, RFC 3339).
    pub generated_at: String,
    pub cities_available: Vec<CityOption>,
    pub routes_available: Vec<String>,
    pub interviewers_available: Vec<String>,
    /// Sums over the routes shown.
    pub target: u32,
    pub completes: u32,
    pub visits: u32,
    pub awaiting_callback: u32,
    pub routes_at_risk: u32,
    /// The median length of every completed interview in the database (the base of the short flag), minutes.
    pub study_median_minutes: Option<f64>,
    pub overall: OutcomeView,
    pub routes: Vec<DashboardRoute>,
    pub cities: Vec<CityQuotaView>,
    pub outcomes_by_city: Vec<OutcomeView>,
    pub outcomes_by_route: Vec<OutcomeView>,
    pub outcomes_by_interviewer: Vec<OutcomeView>,
    pub interviewers: Vec<InterviewerView>,
    /// Every day with a complete, in order (the x axis of completes per day).
    pub days: Vec<NaiveDate>,
    /// Devices whose journal entries arrived with numbers missing: a package lost or not yet carried.
    pub gaps: Vec<GapView>,
}

/// A device with journal entries missing (`dala_store::sync::JournalGap`), with its interviewer if known.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GapView {
    pub device: String,
    pub interviewer: Option<String>,
    #[ts(type = "number")]
    pub missing: u64,
    #[ts(type = "number")]
    pub first_missing: u64,
    #[ts(type = "number")]
    pub last_held: u64,
}

impl Session {
    /// The dashboard over this session's database and study (see [`dashboard`]).
    pub fn dashboard(&self, filter: &DashboardFilter, now: DateTime<Utc>, lang: Lang) -> Result<DashboardView, SessionError> {
        dashboard(&self.store, self.fw()?, &self.study, filter, now, lang)
    }
}

/// A route as the dashboard knows it.
struct RouteInfo {
    city: String,
    interviewer: Option<String>,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
}

/// An interview as the paradata needs it.
struct InterviewFacts {
    id: String,
    completed: bool,
    route: Option<String>,
    interviewer: String,
    /// Local start and end.
    start: NaiveDateTime,
    end: Option<NaiveDateTime>,
    minutes: Option<f64>,
}

fn parse_utc(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 })
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn outcome(id: String, label: String, counts: &DispositionCounts, fw: &Fieldwork) -> OutcomeView {
    let rates = compute_rates(counts, fw.settings.aapor.e);
    OutcomeView { id, label, dispositions: counts.into(), rr1: rates.rr1, coop1: rates.coop1, ref1: rates.ref1, con1: rates.con1 }
}

/// Builds the dashboard from `store` for the study's fieldwork `fw` and questionnaire `q`, narrowed by
/// `filter`, at `now`, in `lang`.
pub fn dashboard(
    store: &Store,
    fw: &Fieldwork,
    q: &Questionnaire,
    filter: &DashboardFilter,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<DashboardView, SessionError> {
    let conn = store.connection();
    let mode = if filter.provisional { ReportMode::Provisional } else { ReportMode::Final };
    let city_name = |id: &str| fw.settings.city(id).map_or_else(|| id.to_string(), |c| c.name.get(lang.code()).to_string());

    // ---- interviews: who made them, where, when (local) ----------------------------------------
    let auto_of = |kind: AutoKind| q.questions.iter().find(|x| x.auto == Some(kind) && x.roster.is_none()).map(|x| x.id.clone());
    let (date_q, start_q) = (auto_of(AutoKind::InterviewDate), auto_of(AutoKind::StartTime));
    let mut local_start: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
    if let (Some(dq), Some(sq)) = (&date_q, &start_q) {
        let mut stmt =
            conn.prepare("SELECT interview_id, question, value FROM answers WHERE question IN (?1, ?2)").map_err(StoreError::from)?;
        let rows = stmt
            .query_map([dq, sq], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map_err(StoreError::from)?;
        for row in rows {
            let (id, question, value) = row.map_err(StoreError::from)?;
            let text = serde_json::from_str::<String>(&value).ok();
            let e = local_start.entry(id).or_default();
            if &question == dq {
                e.0 = text;
            } else {
                e.1 = text;
            }
        }
    }
    let routes_rows = store.routes()?;
    let mut routes: BTreeMap<String, RouteInfo> = routes_rows
        .iter()
        .map(|r| (r.id.clone(), RouteInfo { city: r.city.clone(), interviewer: r.assigned_to.clone(), first: None, last: None }))
        .collect();
    for c in &fw.plan.cities {
        for cell in &c.cells {
            routes.entry(cell.route.clone()).or_insert(RouteInfo { city: c.city.clone(), interviewer: None, first: None, last: None });
        }
    }
    struct RawInterview {
        id: String,
        device: String,
        status: String,
        created: String,
        completed: Option<String>,
        route: Option<String>,
    }
    let raw: Vec<RawInterview> = {
        let mut stmt = conn
            .prepare(
                "SELECT i.id, i.device_id, i.status, i.created_at, i.completed_at, a.route_id
                 FROM interviews i LEFT JOIN addresses a ON a.interview_id = i.id ORDER BY i.created_at, i.id",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RawInterview {
                    id: r.get(0)?,
                    device: r.get(1)?,
                    status: r.get(2)?,
                    created: r.get(3)?,
                    completed: r.get(4)?,
                    route: r.get(5)?,
                })
            })
            .map_err(StoreError::from)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)?
    };
    // A route not assigned to anyone is the work of the device that made most of its interviews.
    let mut devices_of_route: HashMap<&str, BTreeMap<&str, u32>> = HashMap::new();
    for iv in &raw {
        if let Some(r) = &iv.route {
            *devices_of_route.entry(r).or_default().entry(&iv.device).or_default() += 1;
        }
    }
    for (id, info) in routes.iter_mut() {
        if info.interviewer.is_none() {
            if let Some(devices) = devices_of_route.get(id.as_str()) {
                info.interviewer = devices.iter().max_by_key(|(d, n)| (**n, std::cmp::Reverse(**d))).map(|(d, _)| d.to_string());
            }
        }
    }
    let default_offset = Duration::hours(DEFAULT_UTC_OFFSET_HOURS);
    let mut interviews: Vec<InterviewFacts> = Vec::new();
    for iv in &raw {
        let Some(created) = parse_utc(&iv.created) else { continue };
        let completed_at = iv.completed.as_deref().and_then(parse_utc);
        // The device's wall clock at creation, as the study recorded it, gives the interview's offset
        // (rounded to a quarter of an hour: the start time has minutes only).
        let offset = local_start
            .get(&iv.id)
            .and_then(|(d, s)| NaiveDateTime::parse_from_str(&format!("{} {}", d.as_deref()?, s.as_deref()?), "%Y-%m-%d %H:%M").ok())
            .map(|local| {
                let minutes = (local - created.naive_utc()).num_seconds() as f64 / 60.0;
                Duration::minutes(((minutes / 15.0).round() * 15.0) as i64)
            })
            .unwrap_or(default_offset);
        let interviewer =
            iv.route.as_ref().and_then(|r| routes.get(r)).and_then(|r| r.interviewer.clone()).unwrap_or_else(|| iv.device.clone());
        let completed = iv.status == "completed";
        interviews.push(InterviewFacts {
            id: iv.id.clone(),
            completed,
            route: iv.route.clone(),
            interviewer,
            start: created.naive_utc() + offset,
            end: completed_at.map(|t| t.naive_utc() + offset),
            minutes: completed_at.filter(|_| completed).map(|t| (t - created).num_seconds() as f64 / 60.0),
        });
    }
    let mut all_lengths: Vec<f64> = interviews.iter().filter_map(|i| i.minutes).collect();
    let study_median = median(&mut all_lengths);

    // ---- route activity: field journal (addresses, routes) and interview journals ----------------
    let mut address_route: HashMap<String, String> = HashMap::new();
    let address_rows = store.addresses(None)?;
    for a in &address_rows {
        address_route.insert(a.key.clone(), a.route_id.clone());
    }
    let touch = |routes: &mut BTreeMap<String, RouteInfo>, route: &str, first: &str, last: &str| {
        if let Some(info) = routes.get_mut(route) {
            if let Some(f) = parse_utc(first) {
                info.first = Some(info.first.map_or(f, |x| x.min(f)));
            }
            if let Some(l) = parse_utc(last) {
                info.last = Some(info.last.map_or(l, |x| x.max(l)));
            }
        }
    };
    {
        let mut stmt = conn
            .prepare(
                "SELECT subject, min(at), max(at) FROM field_journal WHERE kind NOT IN ('routes_drawn', 'route_assigned') GROUP BY subject",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map_err(StoreError::from)?;
        for row in rows {
            let (subject, first, last) = row.map_err(StoreError::from)?;
            let route = address_route.get(&subject).cloned().unwrap_or(subject);
            touch(&mut routes, &route, &first, &last);
        }
        let mut stmt = conn
            .prepare(
                "SELECT a.route_id, min(j.at), max(j.at) FROM journal j JOIN addresses a ON a.interview_id = j.interview_id GROUP BY a.route_id",
            )
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map_err(StoreError::from)?;
        for row in rows {
            let (route, first, last) = row.map_err(StoreError::from)?;
            touch(&mut routes, &route, &first, &last);
        }
    }

    // ---- which routes are shown ---------------------------------------------------------------
    let shown = |id: &str, info: &RouteInfo| {
        filter.city.as_deref().is_none_or(|c| c == info.city)
            && filter.route.as_deref().is_none_or(|r| r == id)
            && filter.interviewer.as_deref().is_none_or(|w| info.interviewer.as_deref() == Some(w))
    };

    // ---- addresses: summaries (all time, and within the dates), call-backs ------------------------
    let rules = &fw.settings.visits;
    let mut all_time: Vec<AddressSummary> = Vec::new();
    let mut in_dates: Vec<AddressSummary> = Vec::new();
    let mut awaiting: HashMap<String, u32> = HashMap::new();
    for row in &address_rows {
        let Some(info) = routes.get(&row.route_id) else { continue };
        if !shown(&row.route_id, info) {
            continue;
        }
        let log: ContactLog = from_doc("contact log", &row.log)?;
        let summary = address_summary(row, mode)?;
        let waiting = log.closed.is_none()
            && (pending_appointment(&log.visits).is_some() || matches!(log.status(rules), AddressStatus::Open { shortfall: Some(_), .. }));
        if waiting {
            *awaiting.entry(row.route_id.clone()).or_default() += 1;
        }
        all_time.push(summary.clone());
        if filter.has_dates() {
            let days: Vec<NaiveDate> = log.visits.iter().map(|v| v.at.date()).collect();
            // An address counts in a period when its latest visit falls in it; its visits in the period are counted.
            if days.last().is_some_and(|d| filter.day_in(*d)) {
                in_dates.push(AddressSummary { visits: days.iter().filter(|d| filter.day_in(**d)).count() as u32, ..summary });
            }
        } else {
            in_dates.push(summary);
        }
    }
    let report = build_report_in(&in_dates, &fw.plan, fw.settings.aapor.e, mode);
    let whole = build_report_in(&all_time, &fw.plan, fw.settings.aapor.e, mode);

    // ---- route rows ----------------------------------------------------------------------------
    let mut route_rows: Vec<DashboardRoute> = Vec::new();
    for r in &report.routes {
        let Some(info) = routes.get(&r.id) else { continue };
        if !shown(&r.id, info) {
            continue;
        }
        let w = whole.routes.iter().find(|x| x.id == r.id).unwrap_or(r);
        let mut risks = Vec::new();
        // Risks are judged on the route's whole fieldwork, whatever the dates shown.
        if let Some(last) = info.last {
            let idle = (now - last).num_days();
            if idle >= NO_ACTIVITY_DAYS && w.completes < u64::from(w.target) {
                risks.push(RiskView {
                    kind: RiskKind::NoActivity,
                    message: lang.pick(
                        format!("Нет активности {idle} дн."),
                        format!("{idle} күн бойы белсенділік жоқ"),
                        format!("No activity for {idle} days"),
                    ),
                });
            }
        }
        if let Some(first) = info.first {
            let days = (now - first).num_days();
            if days >= PACE_GRACE_DAYS && w.target > 0 {
                let expected = f64::from(w.target) * days.min(ROUTE_PLANNED_DAYS) as f64 / ROUTE_PLANNED_DAYS as f64;
                if (w.completes as f64) < PACE_SHARE * expected {
                    let expected = expected.round() as u64;
                    risks.push(RiskView {
                        kind: RiskKind::BehindPace,
                        message: lang.pick(
                            format!("Отстаёт от темпа: {} из ожидаемых {expected} за {days} дн.", w.completes),
                            format!("Қарқыннан қалып барады: {days} күнде күтілген {expected} орнына {}", w.completes),
                            format!("Behind pace: {} of the {expected} expected after {days} days", w.completes),
                        ),
                    });
                }
            }
        }
        if w.over_female + w.over_male > 0 {
            risks.push(RiskView {
                kind: RiskKind::Overfilled,
                message: lang.pick(
                    format!("Ячейка квоты переполнена: женщины +{}, мужчины +{}", w.over_female, w.over_male),
                    format!("Квота ұяшығы асып кетті: әйелдер +{}, ерлер +{}", w.over_female, w.over_male),
                    format!("Quota cell over-filled: women +{}, men +{}", w.over_female, w.over_male),
                ),
            });
        }
        route_rows.push(DashboardRoute {
            id: r.id.clone(),
            city: info.city.clone(),
            city_name: city_name(&info.city),
            interviewer: info.interviewer.clone(),
            target: r.target,
            completes: r.completes as u32,
            female: r.female as u32,
            male: r.male as u32,
            target_female: r.target_female,
            target_male: r.target_male,
            visits: r.visits as u32,
            addresses: r.addresses as u32,
            awaiting_callback: awaiting.get(&r.id).copied().unwrap_or(0),
            last_activity: info.last.map(rfc),
            at_risk: !risks.is_empty(),
            risks,
        });
    }

    // ---- cities: quota totals of the routes shown ---------------------------------------------------
    let mut cities: Vec<CityQuotaView> = Vec::new();
    for r in &route_rows {
        let i = match cities.iter().position(|c| c.city == r.city) {
            Some(i) => i,
            None => {
                cities.push(CityQuotaView {
                    city: r.city.clone(),
                    name: r.city_name.clone(),
                    target: 0,
                    completes: 0,
                    target_female: 0,
                    target_male: 0,
                    female: 0,
                    male: 0,
                });
                cities.len() - 1
            }
        };
        let c = &mut cities[i];
        c.target += r.target;
        c.completes += r.completes;
        c.target_female += r.target_female;
        c.target_male += r.target_male;
        c.female += r.female;
        c.male += r.male;
    }

    // ---- dispositions and rates ------------------------------------------------------------------------
    let mut by_city: BTreeMap<String, DispositionCounts> = BTreeMap::new();
    let mut by_route: BTreeMap<String, DispositionCounts> = BTreeMap::new();
    let mut by_interviewer: BTreeMap<String, DispositionCounts> = BTreeMap::new();
    let mut overall = DispositionCounts::default();
    for a in &in_dates {
        let Some(d) = a.disposition else { continue };
        let Some(info) = routes.get(&a.route) else { continue };
        overall.add(d);
        by_city.entry(info.city.clone()).or_default().add(d);
        by_route.entry(a.route.clone()).or_default().add(d);
        if let Some(w) = &info.interviewer {
            by_interviewer.entry(w.clone()).or_default().add(d);
        }
    }
    let all_label = lang.pick("Все", "Барлығы", "All").to_string();
    let outcomes_by_city = by_city.iter().map(|(id, c)| outcome(id.clone(), city_name(id), c, fw)).collect();
    let outcomes_by_route = by_route.iter().map(|(id, c)| outcome(id.clone(), id.clone(), c, fw)).collect();
    let outcomes_by_interviewer = by_interviewer.iter().map(|(id, c)| outcome(id.clone(), id.clone(), c, fw)).collect();

    // ---- interviewers: completes per day, lengths, paradata flags ------------------------------------
    let in_scope = |iv: &InterviewFacts| {
        let route_ok = match &iv.route {
            Some(r) => routes.get(r).is_some_and(|info| shown(r, info)),
            // An interview not started from an address belongs to no city or route.
            None => filter.city.is_none() && filter.route.is_none(),
        };
        route_ok && filter.interviewer.as_deref().is_none_or(|w| w == iv.interviewer) && filter.day_in(iv.start.date())
    };
    let scoped: Vec<&InterviewFacts> = interviews.iter().filter(|iv| in_scope(iv)).collect();
    let flagged_ids: BTreeSet<&str> = scoped.iter().filter(|iv| iv.completed).map(|iv| iv.id.as_str()).collect();
    let shares = missing_shares(store)?;
    let journal = journal_paradata(store, &flagged_ids)?;
    let mut per: BTreeMap<String, Vec<&InterviewFacts>> = BTreeMap::new();
    for iv in &scoped {
        per.entry(iv.interviewer.clone()).or_default().push(iv);
    }
    let mut days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut interviewers = Vec::new();
    for (id, ivs) in &per {
        let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        for iv in ivs.iter().filter(|iv| iv.completed) {
            if let Some(end) = iv.end {
                *per_day.entry(end.date()).or_default() += 1;
                days.insert(end.date());
            }
        }
        let mut lengths: Vec<f64> = ivs.iter().filter_map(|iv| iv.minutes).collect();
        let flags = flags_of(ivs, study_median, &shares, &journal, lang);
        interviewers.push(InterviewerView {
            id: id.clone(),
            interviews: ivs.len() as u32,
            completes: ivs.iter().filter(|iv| iv.completed).count() as u32,
            per_day: per_day.into_iter().map(|(date, completes)| DayCount { date, completes }).collect(),
            median_minutes: median(&mut lengths),
            flags,
        });
    }

    // ---- filter choices ---------------------------------------------------------------------------
    let cities_available =
        fw.settings.cities.iter().map(|c| CityOption { id: c.id.clone(), name: c.name.get(lang.code()).to_string() }).collect();
    let routes_available =
        routes.iter().filter(|(_, info)| filter.city.as_deref().is_none_or(|c| c == info.city)).map(|(id, _)| id.clone()).collect();
    let interviewers_available: BTreeSet<String> =
        routes.values().filter_map(|r| r.interviewer.clone()).chain(interviews.iter().map(|i| i.interviewer.clone())).collect();

    let gaps = store
        .journal_gaps()?
        .into_iter()
        .map(|g| GapView {
            interviewer: raw
                .iter()
                .find(|r| r.device == g.device)
                .and_then(|r| interviews.iter().find(|i| i.id == r.id))
                .map(|i| i.interviewer.clone()),
            device: g.device,
            missing: g.missing,
            first_missing: g.first_missing,
            last_held: g.last_held,
        })
        .collect();

    Ok(DashboardView {
        filter: filter.clone(),
        generated_at: rfc(now),
        cities_available,
        routes_available,
        interviewers_available: interviewers_available.into_iter().collect(),
        target: route_rows.iter().map(|r| r.target).sum(),
        completes: route_rows.iter().map(|r| r.completes).sum(),
        visits: route_rows.iter().map(|r| r.visits).sum(),
        awaiting_callback: route_rows.iter().map(|r| r.awaiting_callback).sum(),
        routes_at_risk: route_rows.iter().filter(|r| r.at_risk).count() as u32,
        study_median_minutes: study_median,
        overall: outcome(String::new(), all_label, &overall, fw),
        routes: route_rows,
        cities,
        outcomes_by_city,
        outcomes_by_route,
        outcomes_by_interviewer,
        interviewers,
        days: days.into_iter().collect(),
        gaps,
    })
}

/// Per interview: (answers, don't-know and refusal answers).
fn missing_shares(store: &Store) -> Result<HashMap<String, (u32, u32)>, SessionError> {
    let codes = [Missing::DontKnow.code(), Missing::Refused.code()];
    let mut stmt = store
        .connection()
        .prepare("SELECT interview_id, count(*), sum(CASE WHEN value IN (?1, ?2) THEN 1 ELSE 0 END) FROM answers GROUP BY interview_id")
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([codes[0].to_string(), codes[1].to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))
        .map_err(StoreError::from)?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, n, missing) = row.map_err(StoreError::from)?;
        out.insert(id, (n as u32, missing as u32));
    }
    Ok(out)
}

/// What an interview's journal shows.
#[derive(Default)]
struct JournalFacts {
    /// The longest gap between consecutive entries up to completion, minutes.
    longest_pause: i64,
    /// The questions whose answers changed or were cleared after completion (not while the supervisor
    /// had sent the interview back for correction).
    changed_after: Vec<String>,
    /// The mismatches the latest back-check found ("visited", "Q101", …), if any.
    backcheck_mismatches: Vec<String>,
}

/// Reads the journal of the `wanted` interviews (one pass in index order), entries ordered by time.
fn journal_paradata(store: &Store, wanted: &BTreeSet<&str>) -> Result<HashMap<String, JournalFacts>, SessionError> {
    let mut out: HashMap<String, JournalFacts> = HashMap::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let mut stmt = store
        .connection()
        .prepare(
            "SELECT interview_id, at, kind, coalesce(question, CASE WHEN kind = 'backcheck_recorded' THEN new_value END) FROM journal ORDER BY interview_id, seq",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)))
        .map_err(StoreError::from)?;
    let mut current: Option<String> = None;
    let mut entries: Vec<(DateTime<Utc>, String, Option<String>)> = Vec::new();
    let mut finish = |id: Option<String>, entries: &mut Vec<(DateTime<Utc>, String, Option<String>)>| {
        let Some(id) = id else { return };
        // Merged data may hold entries of several devices: time orders them, not the local sequence.
        entries.sort_by_key(|e| e.0);
        let completed = entries.iter().find(|e| e.1 == "interview_completed").map(|e| e.0);
        let mut facts = JournalFacts::default();
        let before: Vec<&DateTime<Utc>> = entries.iter().filter(|e| completed.is_none_or(|c| e.0 <= c)).map(|e| &e.0).collect();
        for pair in before.windows(2) {
            facts.longest_pause = facts.longest_pause.max((*pair[1] - *pair[0]).num_minutes());
        }
        // Changes after a completion count until the supervisor sends the interview back; a correction
        // made then is what was asked for.
        let mut closed = false;
        for e in entries.iter() {
            match e.1.as_str() {
                "interview_completed" => closed = true,
                "interview_rejected" => closed = false,
                "answer_changed" | "answer_cleared" | "answer_set" | "conflict_resolved" if closed => {
                    if let Some(qid) = &e.2 {
                        if !facts.changed_after.contains(qid) {
                            facts.changed_after.push(qid.clone());
                        }
                    }
                }
                "backcheck_recorded" => {
                    let found: Option<serde_json::Value> = e.2.as_deref().and_then(|t| serde_json::from_str(t).ok());
                    facts.backcheck_mismatches = found
                        .and_then(|v| v.get("mismatches").and_then(|m| m.as_array()).cloned())
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|m| m.get("item").and_then(|i| i.as_str()).map(str::to_string))
                        .collect();
                }
                _ => {}
            }
        }
        out.insert(id, facts);
        entries.clear();
    };
    for row in rows {
        let (id, at, kind, question) = row.map_err(StoreError::from)?;
        if !wanted.contains(id.as_str()) {
            continue;
        }
        if current.as_deref() != Some(id.as_str()) {
            finish(current.take(), &mut entries);
            current = Some(id);
        }
        if let Some(at) = parse_utc(&at) {
            entries.push((at, kind, question));
        }
    }
    finish(current.take(), &mut entries);
    Ok(out)
}

/// The paradata flags of one interviewer's completed interviews.
fn flags_of(
    ivs: &[&InterviewFacts],
    study_median: Option<f64>,
    shares: &HashMap<String, (u32, u32)>,
    journal: &HashMap<String, JournalFacts>,
    lang: Lang,
) -> Vec<FlagView> {
    let mut found: BTreeMap<FlagKind, Vec<FlaggedInterview>> = BTreeMap::new();
    let mut add =
        |kind: FlagKind, id: &str, detail: String| found.entry(kind).or_default().push(FlaggedInterview { id: id.to_string(), detail });
    let min = lang.pick("мин", "мин", "min");
    for iv in ivs.iter().filter(|iv| iv.completed) {
        if let (Some(m), Some(median)) = (iv.minutes, study_median) {
            if m < SHORT_SHARE * median {
                add(FlagKind::Short, &iv.id, format!("{m:.0} {min}"));
            }
        }
        if let Some(&(n, missing)) = shares.get(&iv.id) {
            if n >= MISSING_MIN_ANSWERS && f64::from(missing) > MISSING_SHARE * f64::from(n) {
                add(FlagKind::DontKnowRefusal, &iv.id, format!("{:.0} % ({missing}/{n})", 100.0 * f64::from(missing) / f64::from(n)));
            }
        }
        if let Some(j) = journal.get(&iv.id) {
            if j.longest_pause > LONG_PAUSE_MINUTES {
                add(FlagKind::LongPause, &iv.id, format!("{} {min}", j.longest_pause));
            }
            if !j.changed_after.is_empty() {
                add(FlagKind::ChangedAfterCompletion, &iv.id, j.changed_after.join(", "));
            }
            if !j.backcheck_mismatches.is_empty() {
                add(FlagKind::BackcheckMismatch, &iv.id, j.backcheck_mismatches.join(", "));
            }
        }
        let early = iv.start.hour() < EARLIEST_HOUR;
        let late = iv.end.is_some_and(|e| e.hour() >= LATEST_HOUR || e.date() > iv.start.date());
        if early || late {
            let end = iv.end.map(|e| e.format("%H:%M").to_string()).unwrap_or_default();
            add(FlagKind::ImplausibleHours, &iv.id, format!("{}–{end}", iv.start.format("%H:%M")));
        }
    }
    found.into_iter().map(|(kind, interviews)| FlagView { kind, message: flag_message(kind, lang), interviews }).collect()
}

fn flag_message(kind: FlagKind, lang: Lang) -> String {
    let short = (SHORT_SHARE * 100.0).round();
    let share = (MISSING_SHARE * 100.0).round();
    match kind {
        FlagKind::Short => lang.pick(
            format!("Очень короткие интервью (менее {short} % медианы исследования)"),
            format!("Өте қысқа сұхбаттар (зерттеу медианасының {short} %-ынан аз)"),
            format!("Very short interviews (under {short} % of the study median)"),
        ),
        FlagKind::DontKnowRefusal => lang.pick(
            format!("Много ответов «не знаю» / «отказ» (более {share} %)"),
            format!("«Білмеймін» / «жауап беруден бас тарту» жауаптары көп ({share} %-дан астам)"),
            format!("Many don't-know / refusal answers (over {share} %)"),
        ),
        FlagKind::LongPause => lang.pick(
            format!("Долгие паузы (более {LONG_PAUSE_MINUTES} мин между записями)"),
            format!("Ұзақ үзілістер (жазбалар арасында {LONG_PAUSE_MINUTES} минуттан астам)"),
            format!("Long pauses (over {LONG_PAUSE_MINUTES} min between entries)"),
        ),
        FlagKind::ChangedAfterCompletion => lang.pick(
            "Ответы изменены после завершения".to_string(),
            "Сұхбат аяқталғаннан кейін жауаптар өзгертілген".to_string(),
            "Answers changed after completion".to_string(),
        ),
        FlagKind::BackcheckMismatch => lang.pick(
            "Контрольный визит не подтвердил интервью".to_string(),
            "Бақылау сапары сұхбатты растамады".to_string(),
            "Back-check did not confirm the interview".to_string(),
        ),
        FlagKind::ImplausibleHours => lang.pick(
            format!("Интервью в неправдоподобное время (до {EARLIEST_HOUR}:00 или после {LATEST_HOUR}:00)"),
            format!("Сұхбат күмәнді уақытта (сағат {EARLIEST_HOUR}:00-ге дейін немесе {LATEST_HOUR}:00-ден кейін)"),
            format!("Interviews at implausible hours (before {EARLIEST_HOUR}:00 or after {LATEST_HOUR}:00)"),
        ),
    }
}
