//! The study's fieldwork settings, read from TOML text (`schema/<study>/fieldwork.toml`).
//!
//! Every number of the random-route protocol is a setting here, not code: the cities with their
//! planned households and female population shares, the interviews per route, the selection
//! intervals, the clustering caps, the minimum visits before a final non-response, the respondent's
//! eligibility, the AAPOR eligibility estimate `e` and the allowed quota cell shapes.
//! [`FieldworkSettings::from_toml`] checks the whole text and reports every problem at once, each with
//! its location (`city[2].female_share_percent`), like the questionnaire loader does. The format is
//! described in `docs/fieldwork.md`; the settings types that belong to one concern (visit rules,
//! eligibility, walk rules, quota shapes) live in the module of that concern.

use std::collections::BTreeSet;

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::contact::{InterimCode, VisitRules};
use crate::quota::{CellShape, QuotaSettings};
use crate::rates::EligibilityEstimate;
use crate::selection::Eligibility;
use crate::text::Localized;
use crate::walk::WalkRules;

/// One problem in the settings text: where it is and what is wrong (in English, for study authors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsError {
    /// The key path, `city[2].female_share_percent`; empty for a problem of the whole text.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
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

/// The clustering caps for apartment blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clustering {
    /// At most this many selected flats per building (KMRS: 3).
    pub max_per_building: u32,
    /// At most this many selected flats per entrance (KMRS: 1).
    pub max_per_entrance: u32,
}

/// The AAPOR settings: how the share `e` of unknown-eligibility cases that are eligible is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AaporSettings {
    pub e: EligibilityEstimate,
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
}

impl FieldworkSettings {
    /// Parses and checks the settings text; on failure every problem found is returned.
    pub fn from_toml(text: &str) -> Result<FieldworkSettings, Vec<SettingsError>> {
        let root: Table = match text.parse::<Table>() {
            Ok(t) => t,
            Err(e) => {
                return Err(vec![SettingsError { path: String::new(), message: format!("not valid TOML: {}", e.message()) }]);
            }
        };
        let mut r = Reader { errors: Vec::new() };
        r.unknown_keys(&root, "", &["study", "routes", "intervals", "clustering", "visits", "eligibility", "aapor", "quota", "city"]);

        let study = r.string(&root, "", "study").unwrap_or_default();

        // The `[routes]` table is optional when every city gives its own interviews per route.
        let default_per_route = match root.get("routes") {
            None => None,
            Some(_) => r.table(&root, "", "routes").and_then(|t| {
                r.unknown_keys(t, "routes", &["interviews_per_route"]);
                r.uint(t, "routes", "interviews_per_route", 1, 1_000)
            }),
        };

        let intervals = r.table(&root, "", "intervals").map(|t| {
            r.unknown_keys(t, "intervals", &["single_house", "flat"]);
            (r.uint(t, "intervals", "single_house", 1, 1_000), r.uint(t, "intervals", "flat", 1, 1_000))
        });

        let clustering = r.table(&root, "", "clustering").map(|t| {
            r.unknown_keys(t, "clustering", &["max_per_building", "max_per_entrance"]);
            (r.uint(t, "clustering", "max_per_building", 1, 10_000), r.uint(t, "clustering", "max_per_entrance", 1, 10_000))
        });

        let visits = r.table(&root, "", "visits").map(|t| r.visits(t));
        let eligibility = r.table(&root, "", "eligibility").map(|t| {
            r.unknown_keys(t, "eligibility", &["permanent_member", "min_age", "head_or_co_decision_maker"]);
            (
                r.boolean(t, "eligibility", "permanent_member"),
                r.uint(t, "eligibility", "min_age", 0, 130),
                r.boolean(t, "eligibility", "head_or_co_decision_maker"),
            )
        });

        let e = match root.get("aapor") {
            None => Some(EligibilityEstimate::Computed),
            Some(_) => r.table(&root, "", "aapor").and_then(|t| {
                r.unknown_keys(t, "aapor", &["e"]);
                r.estimate(t)
            }),
        };

        let shapes = match root.get("quota") {
            None => Some(None),
            Some(_) => r.table(&root, "", "quota").and_then(|t| {
                r.unknown_keys(t, "quota", &["shapes"]);
                r.shapes(t)
            }),
        };

        let cities = r.cities(&root, default_per_route);

        let mut errors = r.errors;

        match (intervals, clustering, visits, eligibility, e, shapes, cities) {
            (
                Some((Some(single_house), Some(flat))),
                Some((Some(max_per_building), Some(max_per_entrance))),
                Some(Some(visits)),
                Some((Some(permanent_member), Some(min_age), Some(head_or_co_decision_maker))),
                Some(e),
                Some(shapes),
                Some(cities),
            ) if errors.is_empty() => Ok(FieldworkSettings {
                study,
                cities,
                intervals: Intervals { single_house, flat },
                clustering: Clustering { max_per_building, max_per_entrance },
                visits,
                eligibility: Eligibility { permanent_member, min_age, head_or_co_decision_maker },
                aapor: AaporSettings { e },
                quota: QuotaSettings { shapes },
            }),
            _ => {
                if errors.is_empty() {
                    // Unreachable by construction: every missing value above has recorded an error.
                    errors.push(SettingsError { path: String::new(), message: "incomplete settings".into() });
                }
                Err(errors)
            }
        }
    }

    /// The settings of one city.
    pub fn city(&self, id: &str) -> Option<&CitySettings> {
        self.cities.iter().find(|c| c.id == id)
    }

    /// The walking rules (intervals and caps) that [`crate::walk::WalkState`] follows.
    pub fn walk_rules(&self) -> WalkRules {
        WalkRules {
            house_interval: self.intervals.single_house,
            flat_interval: self.intervals.flat,
            max_per_building: self.clustering.max_per_building,
            max_per_entrance: self.clustering.max_per_entrance,
        }
    }
}

/// Walks the TOML tables and records every problem instead of stopping at the first.
struct Reader {
    errors: Vec<SettingsError>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

impl Reader {
    fn err(&mut self, path: String, message: impl Into<String>) {
        self.errors.push(SettingsError { path, message: message.into() });
    }

    fn unknown_keys(&mut self, t: &Table, path: &str, allowed: &[&str]) {
        for key in t.keys() {
            if !allowed.contains(&key.as_str()) {
                self.err(join(path, key), format!("unknown key; expected one of: {}", allowed.join(", ")));
            }
        }
    }

    fn get<'t>(&mut self, t: &'t Table, path: &str, key: &str) -> Option<&'t Value> {
        let v = t.get(key);
        if v.is_none() {
            self.err(join(path, key), "missing");
        }
        v
    }

    fn table<'t>(&mut self, t: &'t Table, path: &str, key: &str) -> Option<&'t Table> {
        match self.get(t, path, key)? {
            Value::Table(inner) => Some(inner),
            other => {
                self.err(join(path, key), format!("expected a table, found {}", type_name(other)));
                None
            }
        }
    }

    fn string(&mut self, t: &Table, path: &str, key: &str) -> Option<String> {
        match self.get(t, path, key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::String(_) => {
                self.err(join(path, key), "must not be empty");
                None
            }
            other => {
                self.err(join(path, key), format!("expected a string, found {}", type_name(other)));
                None
            }
        }
    }

    fn boolean(&mut self, t: &Table, path: &str, key: &str) -> Option<bool> {
        match self.get(t, path, key)? {
            Value::Boolean(b) => Some(*b),
            other => {
                self.err(join(path, key), format!("expected true or false, found {}", type_name(other)));
                None
            }
        }
    }

    fn uint(&mut self, t: &Table, path: &str, key: &str, min: u32, max: u32) -> Option<u32> {
        let v = self.get(t, path, key)?;
        self.uint_value(v, join(path, key), min, max)
    }

    fn uint_value(&mut self, v: &Value, at: String, min: u32, max: u32) -> Option<u32> {
        match v {
            Value::Integer(i) if *i >= i64::from(min) && *i <= i64::from(max) => Some(*i as u32),
            Value::Integer(i) => {
                self.err(at, format!("{i} is out of range {min}..={max}"));
                None
            }
            other => {
                self.err(at, format!("expected a whole number, found {}", type_name(other)));
                None
            }
        }
    }

    fn visits(&mut self, t: &Table) -> Option<VisitRules> {
        let p = "visits";
        self.unknown_keys(t, p, &["minimum", "evening_from", "evening_visits", "weekend_visits", "weekend_days", "final_without_minimum"]);
        let minimum = self.uint(t, p, "minimum", 1, 100);
        let evening_from = self.string(t, p, "evening_from").and_then(|s| match NaiveTime::parse_from_str(&s, "%H:%M") {
            Ok(time) => Some(time),
            Err(_) => {
                self.err(join(p, "evening_from"), format!("\"{s}\" is not a time HH:MM"));
                None
            }
        });
        let evening_visits = self.uint(t, p, "evening_visits", 0, 100);
        let weekend_visits = self.uint(t, p, "weekend_visits", 0, 100);
        let weekend_days = match t.get("weekend_days") {
            None => Some(vec![Weekday::Sat, Weekday::Sun]),
            Some(Value::Array(items)) => {
                let mut days = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match item.as_str().and_then(parse_weekday) {
                        Some(d) if !days.contains(&d) => days.push(d),
                        Some(_) => {
                            self.err(format!("{p}.weekend_days[{i}]"), "listed twice");
                            ok = false;
                        }
                        None => {
                            self.err(format!("{p}.weekend_days[{i}]"), "expected a day: mon, tue, wed, thu, fri, sat or sun");
                            ok = false;
                        }
                    }
                }
                ok.then_some(days)
            }
            Some(other) => {
                self.err(join(p, "weekend_days"), format!("expected a list of days, found {}", type_name(other)));
                None
            }
        };
        let final_without_minimum = match t.get("final_without_minimum") {
            None => Some(Vec::new()),
            Some(Value::Array(items)) => {
                let mut codes = Vec::new();
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match item.as_integer().and_then(|n| u16::try_from(n).ok()).and_then(|n| InterimCode::try_from(n).ok()) {
                        Some(code) => codes.push(code),
                        None => {
                            self.err(format!("{p}.final_without_minimum[{i}]"), "expected an interim outcome code of the contact record (11, 12, 21, ..., 99)");
                            ok = false;
                        }
                    }
                }
                ok.then_some(codes)
            }
            Some(other) => {
                self.err(join(p, "final_without_minimum"), format!("expected a list of codes, found {}", type_name(other)));
                None
            }
        };
        if let (Some(m), Some(ev)) = (minimum, evening_visits) {
            if ev > m {
                self.err(join(p, "evening_visits"), format!("{ev} evening visits cannot be required within a minimum of {m} visits"));
            }
        }
        if let (Some(m), Some(we)) = (minimum, weekend_visits) {
            if we > m {
                self.err(join(p, "weekend_visits"), format!("{we} weekend visits cannot be required within a minimum of {m} visits"));
            }
        }
        if let (Some(we), Some(days)) = (weekend_visits, &weekend_days) {
            if we > 0 && days.is_empty() {
                self.err(join(p, "weekend_days"), "weekend visits are required but no weekend day is listed");
            }
        }
        Some(VisitRules {
            minimum: minimum?,
            evening_from: evening_from?,
            evening_visits: evening_visits?,
            weekend_visits: weekend_visits?,
            weekend_days: weekend_days?,
            final_without_minimum: final_without_minimum?,
        })
    }

    fn estimate(&mut self, t: &Table) -> Option<EligibilityEstimate> {
        match t.get("e") {
            None => Some(EligibilityEstimate::Computed),
            Some(Value::String(s)) if s == "computed" => Some(EligibilityEstimate::Computed),
            Some(v @ (Value::Float(_) | Value::Integer(_))) => {
                let x = match v {
                    Value::Float(f) => *f,
                    Value::Integer(i) => *i as f64,
                    _ => unreachable!(),
                };
                if (0.0..=1.0).contains(&x) {
                    Some(EligibilityEstimate::Fixed(x))
                } else {
                    self.err("aapor.e".into(), format!("{x} is not a proportion between 0 and 1"));
                    None
                }
            }
            Some(_) => {
                self.err("aapor.e".into(), "expected \"computed\" or a proportion between 0 and 1");
                None
            }
        }
    }

    /// The allowed cell shapes: `Some(None)` when none are listed, `None` when the list is wrong.
    fn shapes(&mut self, t: &Table) -> Option<Option<Vec<CellShape>>> {
        let items = match t.get("shapes") {
            None => return Some(None),
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.err("quota.shapes".into(), format!("expected a list of {{ female = n, male = n }}, found {}", type_name(other)));
                return None;
            }
        };
        let mut shapes = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("quota.shapes[{i}]");
            let Value::Table(cell) = item else {
                self.err(at, "expected { female = n, male = n }");
                continue;
            };
            self.unknown_keys(cell, &at, &["female", "male"]);
            let female = self.uint(cell, &at, "female", 0, 1_000);
            let male = self.uint(cell, &at, "male", 0, 1_000);
            if let (Some(female), Some(male)) = (female, male) {
                let shape = CellShape { female, male };
                if female + male == 0 {
                    self.err(at, "a cell shape needs at least one interview");
                } else if shapes.contains(&shape) {
                    self.err(at, "the same shape is listed twice");
                } else {
                    shapes.push(shape);
                }
            }
        }
        Some(Some(shapes))
    }

    fn cities(&mut self, root: &Table, default_per_route: Option<u32>) -> Option<Vec<CitySettings>> {
        let items = match self.get(root, "", "city")? {
            Value::Array(items) if !items.is_empty() => items,
            Value::Array(_) => {
                self.err("city".into(), "at least one [[city]] is needed");
                return None;
            }
            other => {
                self.err("city".into(), format!("expected [[city]] tables, found {}", type_name(other)));
                return None;
            }
        };
        let mut cities = Vec::new();
        let mut ids = BTreeSet::new();
        let mut complete = true;
        for (i, item) in items.iter().enumerate() {
            let at = format!("city[{i}]");
            let Value::Table(t) = item else {
                self.err(at, "expected a [[city]] table");
                complete = false;
                continue;
            };
            self.unknown_keys(t, &at, &["id", "name", "planned_households", "female_share_percent", "interviews_per_route", "routes", "frame"]);
            let id = self.string(t, &at, "id");
            if let Some(id) = &id {
                if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
                    self.err(join(&at, "id"), format!("\"{id}\" must use lowercase Latin letters, digits, - or _"));
                }
                if !ids.insert(id.clone()) {
                    self.err(join(&at, "id"), format!("the city \"{id}\" is listed twice"));
                }
            }
            let name = self.table(t, &at, "name").and_then(|n| {
                let np = join(&at, "name");
                self.unknown_keys(n, &np, &["ru", "kk", "en"]);
                let ru = self.string(n, &np, "ru");
                let kk = self.string(n, &np, "kk");
                let en = self.string(n, &np, "en");
                Some(Localized::new(ru?, kk?, en?))
            });
            let planned = self.uint(t, &at, "planned_households", 1, 1_000_000);
            let share = self.share(t, &at);
            let per_route = match t.get("interviews_per_route") {
                Some(v) => self.uint_value(v, join(&at, "interviews_per_route"), 1, 1_000),
                None => {
                    if default_per_route.is_none() && root.get("routes").is_some() {
                        // The missing default has been reported already.
                        None
                    } else if default_per_route.is_none() {
                        self.err(join(&at, "interviews_per_route"), "missing, and no [routes] interviews_per_route default is set");
                        None
                    } else {
                        default_per_route
                    }
                }
            };
            let routes = match t.get("routes") {
                Some(v) => self.uint_value(v, join(&at, "routes"), 1, 100_000).map(Some),
                None => Some(None),
            };
            let frame = match t.get("frame") {
                None => Some(None),
                Some(_) => self.string(t, &at, "frame").map(Some),
            };
            let (Some(id), Some(name), Some(planned), Some(share), Some(per_route), Some(routes), Some(frame)) =
                (id, name, planned, share, per_route, routes, frame)
            else {
                complete = false;
                continue;
            };
            let routes = routes.unwrap_or(planned.div_ceil(per_route));
            if routes > planned {
                self.err(join(&at, "routes"), format!("{routes} routes cannot share {planned} planned households"));
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
    fn share(&mut self, t: &Table, path: &str) -> Option<u32> {
        let at = join(path, "female_share_percent");
        let x = match self.get(t, path, "female_share_percent")? {
            Value::Float(f) => *f,
            Value::Integer(i) => *i as f64,
            other => {
                self.err(at, format!("expected a percentage, found {}", type_name(other)));
                return None;
            }
        };
        if !(0.0..=100.0).contains(&x) {
            self.err(at, format!("{x} is not a percentage between 0 and 100"));
            return None;
        }
        let bp = (x * 100.0).round();
        if (x * 100.0 - bp).abs() > 1e-6 {
            self.err(at, format!("{x} has more than two decimals"));
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
        assert_eq!(routes, [55, 55, 45, 45]);
        assert!(s.cities.iter().all(|c| c.interviews_per_route == 10));
        let karaganda = s.city("karaganda").unwrap();
        assert_eq!(karaganda.name, Localized::new("Караганда", "Қарағанды", "Karaganda"));
        assert_eq!(karaganda.frame.as_deref(), Some("frames/karaganda.csv"));
        assert_eq!(s.intervals, Intervals { single_house: 2, flat: 5 });
        assert_eq!(s.clustering, Clustering { max_per_building: 3, max_per_entrance: 1 });
        assert_eq!(s.visits.minimum, 3);
        assert_eq!(s.visits.evening_from, NaiveTime::from_hms_opt(18, 0, 0).unwrap());
        assert_eq!((s.visits.evening_visits, s.visits.weekend_visits), (1, 1));
        assert_eq!(s.visits.weekend_days, [Weekday::Sat, Weekday::Sun]);
        assert_eq!(s.eligibility, Eligibility { permanent_member: true, min_age: 18, head_or_co_decision_maker: true });
        assert_eq!(s.aapor.e, EligibilityEstimate::Computed);
        assert_eq!(s.quota.shapes, Some(vec![CellShape { female: 6, male: 4 }, CellShape { female: 5, male: 5 }]));
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
        assert!(errors[0].message.starts_with("not valid TOML"));
    }

    #[test]
    fn e_can_be_fixed_and_routes_given() {
        let text = KMRS.replace("e = \"computed\"", "e = 0.8").replace("planned_households = 550\n", "planned_households = 550\nroutes = 50\n");
        let s = FieldworkSettings::from_toml(&text).unwrap();
        assert_eq!(s.aapor.e, EligibilityEstimate::Fixed(0.8));
        assert_eq!(s.city("almaty").unwrap().routes, 50);
        assert_eq!(s.city("karaganda").unwrap().routes, 45);
    }
}
