//! The study's fieldwork settings, read from TOML text (`schema/<study>/fieldwork.toml`).
//!
//! Every number of the random-route protocol is a setting here, not code: the cities with their
//! planned households and female population shares, the interviews per route, the selection
//! intervals, the clustering caps, the minimum visits before a final non-response, the respondent's
//! eligibility, the AAPOR eligibility estimate `e` and the allowed quota cell shapes.
//! [`FieldworkSettings::from_toml`] checks the whole text and reports every problem at once, each with
//! its line, column and key path (`city[2].female_share_percent`) and worded in Russian, Kazakh and
//! English, like the questionnaire loader does and through the same walk (`dala-tomlcheck`): every
//! unknown key is its own problem with the nearest valid key, each table and each city is read with
//! serde on its own, then the values are checked against the protocol's ranges. The format is
//! described in `docs/fieldwork.md`; the settings types that belong to one concern (visit rules,
//! eligibility, walk rules, quota shapes) live in the module of that concern.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveTime, Weekday};
use dala_tomlcheck::{self as tomlcheck, Position, ProblemKind, Walk};
use serde::{Deserialize, Serialize};

use crate::contact::{InterimCode, VisitRules};
use crate::quota::{CellShape, QuotaSettings};
use crate::rates::EligibilityEstimate;
use crate::selection::Eligibility;
use crate::text::Localized;
use crate::walk::WalkRules;

/// One problem in the settings text: where it is and what is wrong, in three languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsError {
    /// The key path, `city[2].female_share_percent`; empty for a problem of the whole text.
    pub path: String,
    /// The line and column in the text, when known.
    pub position: Option<Position>,
    pub message: Localized,
}

impl SettingsError {
    /// `fieldwork.toml:12:3: city[0].id: message` in a language (`ru`, `kk`, `en`).
    pub fn render(&self, lang: &str) -> String {
        let mut out = String::from("fieldwork.toml");
        if let Some(p) = self.position {
            out.push_str(&format!(":{p}"));
        }
        if !self.path.is_empty() {
            out.push_str(": ");
            out.push_str(&self.path);
        }
        out.push_str(": ");
        out.push_str(self.message.get(lang));
        out
    }
}

/// The English rendering.
impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render("en"))
    }
}

/// One city of the study: who it is, how many households it plans and how they are split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitySettings {
    /// A stable lowercase id, `almaty`; it prefixes the route ids (`almaty-R01`).
    pub id: String,
    pub name: Localized,
    pub planned_households: u32,
    /// The female share of the city's population in basis points (54.6 % is 5460), so that the
    /// female target is computed in exact integer arithmetic.
    pub female_share_bp: u32,
    pub interviews_per_route: u32,
    /// The number of routes: given in the settings, or the planned households divided by the
    /// interviews per route, rounded up.
    pub routes: u32,
    /// The sampling frame's path relative to the study folder, for the CLI; this crate reads no file.
    pub frame: Option<String>,
}

impl CitySettings {
    /// The female share in percent, as written in the settings.
    pub fn female_share_percent(&self) -> f64 {
        f64::from(self.female_share_bp) / 100.0
    }

    /// The city's female target: `round(planned × share)`, halves rounded up, in exact integers.
    pub fn female_target(&self) -> u32 {
        let product = u64::from(self.planned_households) * u64::from(self.female_share_bp);
        ((product + 5_000) / 10_000) as u32
    }

    /// The city's male target: the planned households less the female target.
    pub fn male_target(&self) -> u32 {
        self.planned_households - self.female_target()
    }
}

/// The selection intervals of the walking rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intervals {
    /// Every n-th single house after the start house (KMRS: 2).
    pub single_house: u32,
    /// Every n-th flat, counted through entrances and buildings (KMRS: 5).
    pub flat: u32,
}

/// The clustering caps for apartment blocks; a cap left out (or the whole `[clustering]` table) is no
/// cap. KMRS has none: the report selects "every fifth apartment". When a cap binds, the flats kept are
/// drawn at random among the interval's picks ([`crate::walk`]), so every flat keeps a known chance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Clustering {
    /// At most this many selected flats per building.
    #[serde(default)]
    pub max_per_building: Option<u32>,
    /// At most this many selected flats per entrance (applied when the entrances are known).
    #[serde(default)]
    pub max_per_entrance: Option<u32>,
}

/// The AAPOR settings: how the share `e` of unknown-eligibility cases that are eligible is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AaporSettings {
    pub e: EligibilityEstimate,
}

/// Back-checks (issue 8): the share of each interviewer's completes the supervisor re-contacts, and what
/// the short back-check questionnaire compares with the interview (besides whether the household was
/// visited and who answered): the household size question and a few key answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackcheckSettings {
    /// Percent of each interviewer's completes drawn for re-contact (default 10).
    pub share_percent: u32,
    /// The question holding the household size, compared as reported at the back-check.
    pub household_size: Option<String>,
    /// Key answers asked again and compared.
    pub compare: Vec<String>,
}

impl Default for BackcheckSettings {
    fn default() -> BackcheckSettings {
        BackcheckSettings { share_percent: 10, household_size: None, compare: Vec::new() }
    }
}

/// All fieldwork settings of a study, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldworkSettings {
    /// The study id the settings belong to (`kmrs-2010`).
    pub study: String,
    pub cities: Vec<CitySettings>,
    pub intervals: Intervals,
    pub clustering: Clustering,
    pub visits: VisitRules,
    pub eligibility: Eligibility,
    pub aapor: AaporSettings,
    pub quota: QuotaSettings,
    #[serde(default)]
    pub backcheck: BackcheckSettings,
}

/// `l!("english {x}", "русский {x}", "қазақша {x}")`: a [`Localized`] of three `format!` strings.
macro_rules! l {
    ($en:literal, $ru:literal, $kk:literal $(,)?) => {
        Localized::new(format!($ru), format!($kk), format!($en))
    };
}

/// Where the format is described, named in hints.
const DOCS: &str = "docs/fieldwork.md";

// The file as serde sees it. Tables the crate's own types describe exactly are read into them.

#[derive(Deserialize)]
struct RawRoutes {
    interviews_per_route: u32,
}

#[derive(Deserialize)]
struct RawVisits {
    minimum: u32,
    evening_from: String,
    evening_visits: u32,
    weekend_visits: u32,
    #[serde(default)]
    weekend_days: Option<Vec<String>>,
    #[serde(default)]
    final_without_minimum: Vec<i64>,
    #[serde(default)]
    different_days: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawEstimate {
    Word(String),
    Number(f64),
}

#[derive(Deserialize)]
struct RawBackcheck {
    #[serde(default)]
    share_percent: Option<u32>,
    #[serde(default)]
    household_size: Option<String>,
    #[serde(default)]
    compare: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawAapor {
    #[serde(default)]
    e: Option<RawEstimate>,
}

#[derive(Deserialize)]
struct RawQuota {
    #[serde(default)]
    shapes: Option<Vec<CellShape>>,
}

#[derive(Deserialize)]
struct RawCity {
    id: String,
    name: RawName,
    planned_households: u32,
    female_share_percent: f64,
    #[serde(default)]
    interviews_per_route: Option<u32>,
    #[serde(default)]
    routes: Option<u32>,
    #[serde(default)]
    frame: Option<String>,
}

/// Each language optional to serde, so that a missing one is reported with the city's other checks.
#[derive(Deserialize)]
struct RawName {
    #[serde(default)]
    ru: Option<String>,
    #[serde(default)]
    kk: Option<String>,
    #[serde(default)]
    en: Option<String>,
}

const ROOT_KEYS: &[&str] = &["study", "routes", "intervals", "clustering", "visits", "eligibility", "aapor", "quota", "backcheck", "city"];

/// The keys of each table, by its key at the top level.
fn keys_of(table: &str) -> &'static [&'static str] {
    match table {
        "routes" => &["interviews_per_route"],
        "intervals" => &["single_house", "flat"],
        "clustering" => &["max_per_building", "max_per_entrance"],
        "visits" => {
            &["minimum", "evening_from", "evening_visits", "weekend_visits", "weekend_days", "final_without_minimum", "different_days"]
        }
        "eligibility" => &["permanent_member", "min_age", "head_or_co_decision_maker"],
        "aapor" => &["e"],
        "quota" => &["shapes"],
        "backcheck" => &["share_percent", "household_size", "compare"],
        "city" => &["id", "name", "planned_households", "female_share_percent", "interviews_per_route", "routes", "frame"],
        _ => &[],
    }
}

fn table_words(key: &str) -> Localized {
    if key.is_empty() {
        dala_i18n::msg!("of the fieldwork settings", "настроек полевого этапа", "далалық кезең баптауларының")
    } else {
        dala_i18n::msg!("of [{key}]", "раздела `[{key}]`", "`[{key}]` бөлімінің")
    }
}

impl FieldworkSettings {
    /// Parses and checks the settings text; on failure every problem found is returned.
    pub fn from_toml(text: &str) -> Result<FieldworkSettings, Vec<SettingsError>> {
        let mut root = match tomlcheck::parse(text) {
            Ok(t) => t,
            Err(p) => return Err(vec![from_problem(*p)]),
        };
        let positions = tomlcheck::key_positions(text, &root);
        let mut w = Walk::new(text);

        // Unknown keys, each on its own, with the nearest valid key.
        w.keep_known(&mut root, "", table_words(""), ROOT_KEYS, None);
        for key in ["routes", "intervals", "clustering", "visits", "eligibility", "aapor", "quota", "backcheck"] {
            if let Some(t) = w.table_of(&mut root, key) {
                w.keep_known(t, key, table_words(key), keys_of(key), None);
            }
        }
        if let Some(t) = w.table_of(&mut root, "quota") {
            for (i, cell, _) in w.tables_of(t, "quota", "shapes") {
                w.keep_known(
                    cell,
                    &format!("quota.shapes[{i}]"),
                    dala_i18n::msg!("of a cell shape", "формы квоты", "квота пішінінің"),
                    &["female", "male"],
                    None,
                );
            }
        }
        for (i, city, _) in w.tables_of(&mut root, "", "city") {
            let at = format!("city[{i}]");
            w.keep_known(city, &at, table_words("city"), keys_of("city"), None);
            if let Some(name) = w.table_of(city, "name") {
                w.keep_known(name, &format!("{at}.name"), dala_i18n::msg!("of a name", "названия", "атауының"), &["ru", "kk", "en"], None);
            }
        }

        // Each table on its own, so one with a wrong value leaves the others read and checked.
        let study = read_required::<String>(&mut w, &mut root, "study");
        let routes = root.remove("routes").map(|v| w.read::<RawRoutes>(v, "routes"));
        let intervals = read_required::<Intervals>(&mut w, &mut root, "intervals");
        let clustering = root.remove("clustering").map(|v| w.read::<Clustering>(v, "clustering"));
        let visits = read_required::<RawVisits>(&mut w, &mut root, "visits");
        let eligibility = read_required::<Eligibility>(&mut w, &mut root, "eligibility");
        let aapor = root.remove("aapor").map(|v| w.read::<RawAapor>(v, "aapor"));
        let quota = root.remove("quota").map(|v| w.read::<RawQuota>(v, "quota"));
        let backcheck = root.remove("backcheck").map(|v| w.read::<RawBackcheck>(v, "backcheck"));
        let city_present = root.contains_key("city");
        let mut cities_raw = Vec::new();
        for (i, item) in tomlcheck::take_items(&mut root, "city").into_iter().enumerate() {
            cities_raw.push(w.read::<RawCity>(item, &format!("city[{i}]")));
        }
        let mut errors: Vec<SettingsError> = w.problems.into_iter().map(from_problem).collect();
        if cities_raw.is_empty() && !(city_present && errors.iter().any(|e| e.path == "city")) {
            errors.push(SettingsError {
                path: "city".into(),
                position: None,
                message: l!(
                    "at least one [[city]] is needed",
                    "нужен хотя бы один раздел `[[city]]`",
                    "кемінде бір `[[city]]` бөлімі керек"
                ),
            });
        }

        // The values against the protocol's ranges and each other.
        let mut c = Checker { errors, positions };
        let study = study.and_then(|s| c.non_empty("study", &s));
        let default_per_route = match routes {
            None => Some(None),
            Some(r) => r.and_then(|r| c.range("routes.interviews_per_route", r.interviews_per_route, 1, 1_000)).map(Some),
        };
        let intervals = intervals.and_then(|i| {
            let single_house = c.range("intervals.single_house", i.single_house, 1, 1_000);
            let flat = c.range("intervals.flat", i.flat, 1, 1_000);
            Some(Intervals { single_house: single_house?, flat: flat? })
        });
        let clustering = match clustering {
            None => Some(Clustering::default()),
            Some(k) => k.and_then(|k| {
                let b = k.max_per_building.map(|b| c.range("clustering.max_per_building", b, 1, 10_000));
                let e = k.max_per_entrance.map(|e| c.range("clustering.max_per_entrance", e, 1, 10_000));
                // A cap given with a wrong value has recorded its error; the others stay read.
                if b.is_some_and(|b| b.is_none()) || e.is_some_and(|e| e.is_none()) {
                    return None;
                }
                Some(Clustering { max_per_building: b.flatten(), max_per_entrance: e.flatten() })
            }),
        };
        let visits = visits.and_then(|v| c.visits(v));
        let eligibility = eligibility.and_then(|e| c.range("eligibility.min_age", e.min_age, 0, 130).map(|_| e));
        let e = match aapor {
            None => Some(EligibilityEstimate::Computed),
            Some(a) => a.and_then(|a| c.estimate(a.e)),
        };
        let shapes = match quota {
            None => Some(None),
            Some(q) => q.and_then(|q| c.shapes(q.shapes)),
        };
        let cities = c.cities(cities_raw, default_per_route);
        let backcheck = match backcheck {
            None => Some(BackcheckSettings::default()),
            Some(b) => b.and_then(|b| {
                let share_percent = c.range("backcheck.share_percent", b.share_percent.unwrap_or(10), 1, 100)?;
                Some(BackcheckSettings { share_percent, household_size: b.household_size, compare: b.compare.unwrap_or_default() })
            }),
        };

        match (study, intervals, clustering, visits, eligibility, e, shapes, cities, backcheck) {
            (
                Some(study),
                Some(intervals),
                Some(clustering),
                Some(visits),
                Some(eligibility),
                Some(e),
                Some(shapes),
                Some(cities),
                Some(backcheck),
            ) if c.errors.is_empty() => Ok(FieldworkSettings {
                study,
                cities,
                intervals,
                clustering,
                visits,
                eligibility,
                aapor: AaporSettings { e },
                quota: QuotaSettings { shapes },
                backcheck,
            }),
            _ => {
                if c.errors.is_empty() {
                    // Unreachable by construction: every missing value above has recorded an error.
                    c.errors.push(SettingsError {
                        path: String::new(),
                        position: None,
                        message: l!("incomplete settings", "настройки неполны", "баптаулар толық емес"),
                    });
                }
                Err(c.errors)
            }
        }
    }

    /// The settings of one city.
    pub fn city(&self, id: &str) -> Option<&CitySettings> {
        self.cities.iter().find(|c| c.id == id)
    }

    /// The walking rules (intervals and caps) that [`crate::walk::WalkState`] follows; a cap not set
    /// is `u32::MAX` (no cap).
    pub fn walk_rules(&self) -> WalkRules {
        WalkRules {
            house_interval: self.intervals.single_house,
            flat_interval: self.intervals.flat,
            max_per_building: self.clustering.max_per_building.unwrap_or(u32::MAX),
            max_per_entrance: self.clustering.max_per_entrance.unwrap_or(u32::MAX),
        }
    }
}

/// Reads the required top-level `key`, reporting it missing when absent.
fn read_required<T: serde::de::DeserializeOwned>(w: &mut Walk<'_>, root: &mut tomlcheck::Table<'_>, key: &str) -> Option<T> {
    match root.remove(key) {
        Some(v) => w.read::<T>(v, key),
        None => {
            w.push(None, key, ProblemKind::MissingField { field: key.to_string() });
            None
        }
    }
}

fn from_problem(p: tomlcheck::Problem) -> SettingsError {
    let (m, h) = p.message(DOCS);
    let message = match h {
        Some(h) => Localized::new(format!("{}; {}", m.ru, h.ru), format!("{}; {}", m.kk, h.kk), format!("{}; {}", m.en, h.en)),
        None => Localized::new(m.ru, m.kk, m.en),
    };
    SettingsError { path: p.path, position: p.position, message }
}

/// Checks values read by serde against the protocol and records every problem with its position.
struct Checker {
    errors: Vec<SettingsError>,
    /// Key path → where the key is written.
    positions: HashMap<String, Position>,
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, message: Localized) {
        let path = path.into();
        // An item's own position when the key is not written (a missing key of a city).
        let position = self.positions.get(&path).or_else(|| path.rsplit_once('.').and_then(|(p, _)| self.positions.get(p))).copied();
        self.errors.push(SettingsError { path, position, message });
    }

    fn range(&mut self, path: &str, n: u32, min: u32, max: u32) -> Option<u32> {
        if n >= min && n <= max {
            Some(n)
        } else {
            self.err(
                path,
                l!("{n} is out of range {min}..={max}", "{n} вне допустимых значений {min}–{max}", "{n} мәні {min}–{max} аралығынан тыс"),
            );
            None
        }
    }

    fn non_empty(&mut self, path: &str, s: &str) -> Option<String> {
        if s.trim().is_empty() {
            self.err(path, l!("must not be empty", "не может быть пустым", "бос болмауы керек"));
            None
        } else {
            Some(s.trim().to_string())
        }
    }

    /// A required text: missing or empty is reported.
    fn present(&mut self, path: &str, s: Option<&str>) -> Option<String> {
        match s {
            Some(s) => self.non_empty(path, s),
            None => {
                let key = path.rsplit('.').next().unwrap_or(path);
                self.err(path, l!("required field `{key}` is missing", "нет обязательного поля `{key}`", "міндетті `{key}` өрісі жоқ"));
                None
            }
        }
    }

    fn visits(&mut self, v: RawVisits) -> Option<VisitRules> {
        let p = "visits";
        let minimum = self.range("visits.minimum", v.minimum, 1, 100);
        let evening_from = match NaiveTime::parse_from_str(v.evening_from.trim(), "%H:%M") {
            Ok(time) => Some(time),
            Err(_) => {
                let s = &v.evening_from;
                self.err("visits.evening_from", l!("\"{s}\" is not a time HH:MM", "«{s}» — не время ЧЧ:ММ", "«{s}» — СС:ММ уақыты емес"));
                None
            }
        };
        let evening_visits = self.range("visits.evening_visits", v.evening_visits, 0, 100);
        let weekend_visits = self.range("visits.weekend_visits", v.weekend_visits, 0, 100);
        let weekend_days = match v.weekend_days {
            None => Some(vec![Weekday::Sat, Weekday::Sun]),
            Some(items) => {
                let mut days = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match parse_weekday(item) {
                        Some(d) if !days.contains(&d) => days.push(d),
                        Some(_) => {
                            self.err(format!("{p}.weekend_days[{i}]"), l!("listed twice", "указан дважды", "екі рет көрсетілген"));
                            ok = false;
                        }
                        None => {
                            self.err(
                                format!("{p}.weekend_days[{i}]"),
                                l!(
                                    "expected a day: mon, tue, wed, thu, fri, sat or sun",
                                    "ожидается день недели: `mon`, `tue`, `wed`, `thu`, `fri`, `sat` или `sun`",
                                    "апта күні күтіледі: `mon`, `tue`, `wed`, `thu`, `fri`, `sat` немесе `sun`"
                                ),
                            );
                            ok = false;
                        }
                    }
                }
                ok.then_some(days)
            }
        };
        let mut codes = Vec::new();
        let mut codes_ok = true;
        for (i, n) in v.final_without_minimum.iter().enumerate() {
            match u16::try_from(*n).ok().and_then(|n| InterimCode::try_from(n).ok()) {
                Some(code) => codes.push(code),
                None => {
                    self.err(
                        format!("{p}.final_without_minimum[{i}]"),
                        l!(
                            "expected an interim outcome code of the contact record (11, 12, 21, ..., 99)",
                            "ожидается промежуточный код результата контакта (11, 12, 21, ..., 99)",
                            "байланыс нәтижесінің аралық коды күтіледі (11, 12, 21, ..., 99)"
                        ),
                    );
                    codes_ok = false;
                }
            }
        }
        if let (Some(m), Some(ev)) = (minimum, evening_visits) {
            if ev > m {
                self.err(
                    "visits.evening_visits",
                    l!(
                        "{ev} evening visits cannot be required within a minimum of {m} visits",
                        "нельзя требовать {ev} вечерних визитов при минимуме в {m} визитов",
                        "ең аз {m} бару ішінде {ev} кешкі баруды талап етуге болмайды"
                    ),
                );
            }
        }
        if let (Some(m), Some(we)) = (minimum, weekend_visits) {
            if we > m {
                self.err(
                    "visits.weekend_visits",
                    l!(
                        "{we} weekend visits cannot be required within a minimum of {m} visits",
                        "нельзя требовать {we} визитов в выходные при минимуме в {m} визитов",
                        "ең аз {m} бару ішінде демалыс күнгі {we} баруды талап етуге болмайды"
                    ),
                );
            }
        }
        if let (Some(we), Some(days)) = (weekend_visits, &weekend_days) {
            if we > 0 && days.is_empty() {
                self.err(
                    "visits.weekend_days",
                    l!(
                        "weekend visits are required but no weekend day is listed",
                        "визиты в выходные требуются, но выходные дни не указаны",
                        "демалыс күнгі бару талап етіледі, бірақ демалыс күндері көрсетілмеген"
                    ),
                );
            }
        }
        Some(VisitRules {
            minimum: minimum?,
            evening_from: evening_from?,
            evening_visits: evening_visits?,
            weekend_visits: weekend_visits?,
            weekend_days: weekend_days?,
            final_without_minimum: codes_ok.then_some(codes)?,
            different_days: v.different_days.unwrap_or(true),
        })
    }

    fn estimate(&mut self, e: Option<RawEstimate>) -> Option<EligibilityEstimate> {
        match e {
            None => Some(EligibilityEstimate::Computed),
            Some(RawEstimate::Word(w)) if w == "computed" => Some(EligibilityEstimate::Computed),
            Some(RawEstimate::Number(x)) if (0.0..=1.0).contains(&x) => Some(EligibilityEstimate::Fixed(x)),
            Some(RawEstimate::Number(x)) => {
                self.err(
                    "aapor.e",
                    l!("{x} is not a proportion between 0 and 1", "{x} — не доля от 0 до 1", "{x} — 0 мен 1 аралығындағы үлес емес"),
                );
                None
            }
            Some(RawEstimate::Word(_)) => {
                self.err(
                    "aapor.e",
                    l!(
                        "expected \"computed\" or a proportion between 0 and 1",
                        "ожидается `\"computed\"` или доля от 0 до 1",
                        "`\"computed\"` немесе 0 мен 1 аралығындағы үлес күтіледі"
                    ),
                );
                None
            }
        }
    }

    /// The allowed cell shapes: `Some(None)` when none are listed, `None` when the list is wrong.
    fn shapes(&mut self, shapes: Option<Vec<CellShape>>) -> Option<Option<Vec<CellShape>>> {
        let Some(items) = shapes else { return Some(None) };
        let mut out = Vec::new();
        for (i, shape) in items.into_iter().enumerate() {
            let at = format!("quota.shapes[{i}]");
            let female = self.range(&format!("{at}.female"), shape.female, 0, 1_000);
            let male = self.range(&format!("{at}.male"), shape.male, 0, 1_000);
            if female.is_none() || male.is_none() {
                continue;
            }
            if shape.female + shape.male == 0 {
                self.err(
                    at,
                    l!(
                        "a cell shape needs at least one interview",
                        "в форме квоты нужно хотя бы одно интервью",
                        "квота пішінінде кемінде бір сұхбат болуы керек"
                    ),
                );
            } else if out.contains(&shape) {
                self.err(
                    at,
                    l!("the same shape is listed twice", "эта форма квоты указана дважды", "бұл квота пішіні екі рет көрсетілген"),
                );
            } else {
                out.push(shape);
            }
        }
        Some(Some(out))
    }

    fn cities(&mut self, raw: Vec<Option<RawCity>>, default_per_route: Option<Option<u32>>) -> Option<Vec<CitySettings>> {
        if raw.is_empty() {
            return None;
        }
        let mut cities = Vec::new();
        let mut ids = BTreeSet::new();
        let mut complete = true;
        for (i, city) in raw.into_iter().enumerate() {
            let at = format!("city[{i}]");
            let Some(city) = city else {
                complete = false;
                continue;
            };
            let id = self.non_empty(&format!("{at}.id"), &city.id);
            if let Some(id) = &id {
                if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
                    self.err(
                        format!("{at}.id"),
                        l!(
                            "\"{id}\" must use lowercase Latin letters, digits, - or _",
                            "`{id}`: допустимы только строчные латинские буквы, цифры, `-` и `_`",
                            "`{id}`: тек кіші латын әріптері, цифрлар, `-` және `_` болады"
                        ),
                    );
                }
                if !ids.insert(id.clone()) {
                    self.err(
                        format!("{at}.id"),
                        l!("the city \"{id}\" is listed twice", "город `{id}` указан дважды", "`{id}` қаласы екі рет көрсетілген"),
                    );
                }
            }
            let ru = self.present(&format!("{at}.name.ru"), city.name.ru.as_deref());
            let kk = self.present(&format!("{at}.name.kk"), city.name.kk.as_deref());
            let en = self.present(&format!("{at}.name.en"), city.name.en.as_deref());
            let name = match (ru, kk, en) {
                (Some(ru), Some(kk), Some(en)) => Some(Localized::new(ru, kk, en)),
                _ => None,
            };
            let planned = self.range(&format!("{at}.planned_households"), city.planned_households, 1, 1_000_000);
            let share = self.share(&format!("{at}.female_share_percent"), city.female_share_percent);
            let per_route = match (city.interviews_per_route, default_per_route) {
                (Some(n), _) => self.range(&format!("{at}.interviews_per_route"), n, 1, 1_000),
                (None, Some(Some(d))) => Some(d),
                // The [routes] default is wrong and reported already.
                (None, None) => None,
                (None, Some(None)) => {
                    self.err(
                        format!("{at}.interviews_per_route"),
                        l!(
                            "missing, and no [routes] interviews_per_route default is set",
                            "не указано, и значение по умолчанию `interviews_per_route` в `[routes]` не задано",
                            "көрсетілмеген, әрі `[routes]` ішінде әдепкі `interviews_per_route` мәні берілмеген"
                        ),
                    );
                    None
                }
            };
            let routes = match city.routes {
                Some(n) => self.range(&format!("{at}.routes"), n, 1, 100_000).map(Some),
                None => Some(None),
            };
            let frame = match &city.frame {
                None => Some(None),
                Some(f) => self.non_empty(&format!("{at}.frame"), f).map(Some),
            };
            let (Some(id), Some(name), Some(planned), Some(share), Some(per_route), Some(routes), Some(frame)) =
                (id, name, planned, share, per_route, routes, frame)
            else {
                complete = false;
                continue;
            };
            let routes = routes.unwrap_or(planned.div_ceil(per_route));
            if routes > planned {
                self.err(
                    format!("{at}.routes"),
                    l!(
                        "{routes} routes cannot share {planned} planned households",
                        "{routes} маршрутов не могут поделить {planned} запланированных домохозяйств",
                        "{routes} маршрут жоспарланған {planned} үй шаруашылығын бөлісе алмайды"
                    ),
                );
            }
            cities.push(CitySettings {
                id,
                name,
                planned_households: planned,
                female_share_bp: share,
                interviews_per_route: per_route,
                routes,
                frame,
            });
        }
        complete.then_some(cities)
    }

    /// The female share in percent with at most two decimals, kept as basis points.
    fn share(&mut self, at: &str, x: f64) -> Option<u32> {
        if !(0.0..=100.0).contains(&x) {
            self.err(
                at,
                l!("{x} is not a percentage between 0 and 100", "{x} — не процент от 0 до 100", "{x} — 0 мен 100 аралығындағы пайыз емес"),
            );
            return None;
        }
        let bp = (x * 100.0).round();
        if (x * 100.0 - bp).abs() > 1e-6 {
            self.err(
                at,
                l!(
                    "{x} has more than two decimals",
                    "в {x} больше двух знаков после запятой",
                    "{x} санында үтірден кейін екі таңбадан артық"
                ),
            );
            return None;
        }
        Some(bp as u32)
    }
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    match s.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" => Some(Weekday::Mon),
        "tue" | "tuesday" => Some(Weekday::Tue),
        "wed" | "wednesday" => Some(Weekday::Wed),
        "thu" | "thursday" => Some(Weekday::Thu),
        "fri" | "friday" => Some(Weekday::Fri),
        "sat" | "saturday" => Some(Weekday::Sat),
        "sun" | "sunday" => Some(Weekday::Sun),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The shipped KMRS settings, read at compile time (the crate itself reads no file).
    pub(crate) const KMRS: &str = include_str!("../../../schema/kmrs-2010/fieldwork.toml");

    #[test]
    fn kmrs_settings_parse_with_the_protocol_values() {
        let s = FieldworkSettings::from_toml(KMRS).unwrap();
        assert_eq!(s.study, "kmrs-2010");
        let ids: Vec<&str> = s.cities.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["almaty", "astana", "karaganda", "pavlodar"]);
        let planned: Vec<u32> = s.cities.iter().map(|c| c.planned_households).collect();
        assert_eq!(planned, [550, 550, 450, 450]);
        let shares: Vec<u32> = s.cities.iter().map(|c| c.female_share_bp).collect();
        assert_eq!(shares, [5460, 5080, 5470, 5440]);
        let routes: Vec<u32> = s.cities.iter().map(|c| c.routes).collect();
        assert_eq!(routes, [50, 50, 45, 45], "the report's routes");
        let per_route: Vec<u32> = s.cities.iter().map(|c| c.interviews_per_route).collect();
        assert_eq!(per_route, [11, 11, 10, 10], "550 on 50 routes, 450 on 45");
        let karaganda = s.city("karaganda").unwrap();
        assert_eq!(karaganda.name, Localized::new("Караганда", "Қарағанды", "Karaganda"));
        assert_eq!(karaganda.frame.as_deref(), Some("frames/karaganda.csv"));
        assert_eq!(s.intervals, Intervals { single_house: 2, flat: 5 });
        // The report's "every fifth apartment": no clustering caps.
        assert_eq!(s.clustering, Clustering::default());
        assert_eq!((s.walk_rules().max_per_building, s.walk_rules().max_per_entrance), (u32::MAX, u32::MAX));
        let capped = KMRS.replace("# [clustering]", "[clustering]\nmax_per_building = 3\nmax_per_entrance = 1\n");
        let capped = FieldworkSettings::from_toml(&capped).unwrap();
        assert_eq!(capped.clustering, Clustering { max_per_building: Some(3), max_per_entrance: Some(1) });
        assert_eq!((capped.walk_rules().max_per_building, capped.walk_rules().max_per_entrance), (3, 1));
        assert_eq!(s.visits.minimum, 3);
        assert_eq!(s.visits.evening_from, NaiveTime::from_hms_opt(18, 0, 0).unwrap());
        assert_eq!((s.visits.evening_visits, s.visits.weekend_visits), (1, 1));
        assert_eq!(s.visits.weekend_days, [Weekday::Sat, Weekday::Sun]);
        assert!(s.visits.different_days);
        assert_eq!(s.eligibility, Eligibility { permanent_member: true, min_age: 18, head_or_co_decision_maker: true });
        assert_eq!(s.aapor.e, EligibilityEstimate::Computed);
        assert_eq!(
            s.quota.shapes,
            Some(vec![
                CellShape { female: 6, male: 4 },
                CellShape { female: 5, male: 5 },
                CellShape { female: 6, male: 5 },
                CellShape { female: 5, male: 6 }
            ])
        );
    }

    #[test]
    fn female_targets_round_the_population_share() {
        let s = FieldworkSettings::from_toml(KMRS).unwrap();
        let targets: Vec<(u32, u32)> = s.cities.iter().map(|c| (c.female_target(), c.male_target())).collect();
        // 550 × 54.6 % = 300.3; 550 × 50.8 % = 279.4; 450 × 54.7 % = 246.15; 450 × 54.4 % = 244.8.
        assert_eq!(targets, [(300, 250), (279, 271), (246, 204), (245, 205)]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = r#"
study = "x"
colour = "blue"
[routes]
interviews_per_route = 0
[intervals]
single_house = 2
[clustering]
max_per_building = 3
max_per_entrance = "one"
[visits]
minimum = 2
evening_from = "6 pm"
evening_visits = 3
weekend_visits = 1
final_without_minimum = [44, 45]
[eligibility]
permanent_member = true
min_age = 18
head_or_co_decision_maker = true
[aapor]
e = 1.5
[[city]]
id = "Almaty"
name = { ru = "Алматы", kk = "Алматы" }
planned_households = 550
female_share_percent = 154.6
[[city]]
id = "astana"
name = { ru = "Астана", kk = "Астана", en = "Astana" }
planned_households = 550
female_share_percent = 50.855
interviews_per_route = 10
"#;
        let errors = FieldworkSettings::from_toml(text).unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        // Located, and worded in each language.
        let colour = errors.iter().find(|e| e.path == "colour").unwrap();
        assert_eq!(colour.position, Some(Position { line: 3, column: 1 }));
        let share = errors.iter().find(|e| e.path == "city[1].female_share_percent").unwrap();
        assert_eq!(share.position.map(|p| p.line), Some(32), "{share:#?}");
        assert_eq!(share.message.ru, "в 50.855 больше двух знаков после запятой");
        for expected in [
            "colour",
            "routes.interviews_per_route",
            "intervals.flat",
            "clustering.max_per_entrance",
            "visits.evening_from",
            "visits.evening_visits",
            "visits.final_without_minimum[1]",
            "aapor.e",
            "city[0].id",
            "city[0].name.en",
            "city[0].female_share_percent",
            "city[1].female_share_percent",
        ] {
            assert!(paths.contains(&expected), "{expected} not reported; got {errors:#?}");
        }
    }

    #[test]
    fn syntax_errors_are_reported_without_panicking() {
        let errors = FieldworkSettings::from_toml("[[city]\nid = ").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.en.starts_with("not valid TOML"), "{errors:?}");
        assert!(errors[0].message.ru.starts_with("ошибка синтаксиса TOML"), "{errors:?}");
        assert_eq!(errors[0].position.map(|p| p.line), Some(1));
    }

    #[test]
    fn every_unknown_key_is_located_with_the_nearest_key_and_the_rest_still_checked() {
        let text = KMRS
            .replace("minimum = 3", "minimun = 3")
            .replace("flat = 5", "flat = 5\nflats = 4")
            .replace("planned_households = 450\n", "planned_households = 450\nfemale_share = 50\n");
        let errors = FieldworkSettings::from_toml(&text).unwrap_err();
        let find = |path: &str| errors.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("{path}: {errors:#?}"));
        let typo = find("visits.minimun");
        assert!(typo.position.is_some());
        assert!(typo.message.en.contains("`minimum`"), "{typo:#?}");
        assert!(typo.message.ru.starts_with("неизвестное поле `minimun` раздела `[visits]`"), "{typo:#?}");
        assert!(find("intervals.flats").message.kk.contains("`flat`"));
        assert!(find("city[2].female_share").message.en.contains("`female_share_percent`"));
        assert!(find("city[3].female_share").position.is_some());
        // The misspelt key is dropped, so `minimum` itself is reported missing: the rest is read.
        find("visits.minimum");
        for e in &errors {
            for lang in ["ru", "kk"] {
                let shown = e.render(lang);
                let words: Vec<&str> = shown.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 2).collect();
                let known = [
                    "toml",
                    "fieldwork",
                    "visits",
                    "minimun",
                    "minimum",
                    "intervals",
                    "flats",
                    "flat",
                    "city",
                    "female",
                    "share",
                    "percent",
                    "docs",
                    "md",
                ];
                assert!(words.iter().all(|w| known.contains(w)), "{lang}: {}", e.render(lang));
            }
        }
    }

    #[test]
    fn e_can_be_fixed_and_routes_given() {
        let text = KMRS.replace("e = \"computed\"", "e = 0.8").replacen("routes = 50\n", "routes = 55\n", 1);
        let s = FieldworkSettings::from_toml(&text).unwrap();
        assert_eq!(s.aapor.e, EligibilityEstimate::Fixed(0.8));
        assert_eq!(s.city("almaty").unwrap().routes, 55);
        assert_eq!(s.city("astana").unwrap().routes, 50);
        assert_eq!(s.city("karaganda").unwrap().routes, 45);
    }
}
