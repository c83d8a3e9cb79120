//! Design and respondent weights of every interview in one database (a device's or the merged one).
//!
//! [`weights`] reads what the fieldwork stored: each city's route draw (replayed from the study's
//! frame to prove the frame is the one drawn from), each route's street, walk and quota cell, and for
//! each interview started from an address its recorded selection chance, household draw and
//! respondent selection. The probabilities are the fieldwork crate's ([`dala_fieldwork::weights`]);
//! the derivation, a worked example and what is approximated are in `docs/weights.md`.
//!
//! ```text
//! design weight      d = households / (π_route × route share × chance)
//! respondent weight  r = d × selection pool × sex factor(city, sex)       (completed interviews)
//! normalized         d / mean d, r / mean r over the city's completes with a weight
//! ```
//!
//! An interview without an address (not started from fieldwork), or whose inputs are missing, gets
//! `None` with a [`NoWeight`] reason; respondent weights are given to completed interviews only.
//!
//! ```no_run
//! # fn main() -> Result<(), dala_session::SessionError> {
//! use std::path::Path;
//! let study = Path::new("schema/kmrs-2010");
//! let store = dala_store::Store::open_read_only(Path::new("merged.sqlite"))?;
//! let fw = dala_session::field::load_fieldwork(study)?.expect("the study has fieldwork");
//! let w = dala_session::weights::weights(&store, &fw)?;
//! for iw in &w.interviews {
//!     println!("{} {:?} {:?}", iw.interview_id, iw.design_weight, iw.respondent_weight);
//! }
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};

use dala_fieldwork::draw::{draw_routes, Route, RouteDraw};
use dala_fieldwork::quota::RouteQuota;
use dala_fieldwork::screening::HouseholdScreening;
use dala_fieldwork::walk::{Address, DwellingType, WalkState};
use dala_fieldwork::weights::{calibrate_sex, route_share, selection_pool, street_inclusion, DesignInputs, RouteShare, SexCalibration};
use dala_fieldwork::Sex;
use dala_store::{InterviewStatus, Store, StoreError};
use serde::Serialize;

pub use dala_fieldwork::weights::NoWeight;

use crate::field::{from_doc, Fieldwork};
use crate::{Session, SessionError};

/// One interview's weight inputs and weights. Probabilities are proportions (0..1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InterviewWeight {
    pub interview_id: String,
    pub status: InterviewStatus,
    /// The city id of the interview's route (`None` without an address).
    pub city: Option<String>,
    pub route_id: Option<String>,
    pub address_key: Option<String>,
    pub dwelling: Option<DwellingType>,
    /// The inclusion probability of the route's street in the city's route draw.
    pub route_probability: Option<f64>,
    /// The dwellings the route's walk counted (single houses and the flats of the blocks counted through).
    pub walked_dwellings: Option<u32>,
    /// The route street's dwellings in the frame, when the frame gives them.
    pub street_dwellings: Option<u32>,
    /// The route's share of its street: `min(1, walked / street)`, or 1 when the street's dwellings
    /// are unknown (then `route_share_known` is false).
    pub route_share: Option<f64>,
    pub route_share_known: Option<bool>,
    /// The address's recorded selection chance `chance_num / chance_den` and its value.
    pub chance_num: Option<u64>,
    pub chance_den: Option<u64>,
    pub chance: Option<f64>,
    /// The households at the address (one was drawn).
    pub households: Option<u32>,
    /// The eligible adults listed in the drawn household.
    pub eligible_adults: Option<u32>,
    /// The eligible adults the respondent was drawn from (those of a sex with a free place).
    pub selection_pool: Option<u32>,
    /// The respondent's sex: the quota cell the complete counts in.
    pub sex: Option<Sex>,
    /// The route's quota cell (women, men).
    pub cell_female: Option<u32>,
    pub cell_male: Option<u32>,
    /// The city's calibration factor for the respondent's sex.
    pub sex_factor: Option<f64>,
    pub design_weight: Option<f64>,
    pub respondent_weight: Option<f64>,
    /// The weights divided by their mean over the city's completes that have one (mean 1 per city).
    pub design_weight_normalized: Option<f64>,
    pub respondent_weight_normalized: Option<f64>,
    /// Why there is no design weight.
    pub no_design_weight: Option<NoWeight>,
    /// Why there is no respondent weight.
    pub no_respondent_weight: Option<NoWeight>,
}

/// A city's weights at a glance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CityWeights {
    pub city: String,
    /// The routes of the city's draw and whether the frame at hand reproduces it.
    pub routes_drawn: u32,
    pub weighted_draw: bool,
    pub draw_replays: bool,
    /// Completed interviews from the city's addresses, and how many of them have a respondent weight.
    pub completes: u32,
    pub completes_weighted: u32,
    /// Sums over the completes with a respondent weight (design weights of the same completes).
    pub design_sum: f64,
    pub respondent_sum: f64,
    /// The population female share the quota was built from, and the weighted female share of the
    /// completes before (design × pool) and after the sex factors.
    pub female_target: Option<f64>,
    pub female_share_before: Option<f64>,
    pub female_share_after: Option<f64>,
    /// False when the sex shares could not be matched (completes of one sex only): factors 1.
    pub calibrated: bool,
    /// Routes with an interview whose share of their street is unknown (the frame has no dwellings).
    pub routes_share_unknown: u32,
}

/// The weights of every interview of a database, and per city.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Weights {
    /// One entry per interview, in interview id order.
    pub interviews: Vec<InterviewWeight>,
    /// One entry per city with a stored route draw, in city id order.
    pub cities: Vec<CityWeights>,
}

impl Weights {
    /// The entry of one interview.
    pub fn get(&self, interview_id: &str) -> Option<&InterviewWeight> {
        self.interviews.binary_search_by(|w| w.interview_id.as_str().cmp(interview_id)).ok().map(|i| &self.interviews[i])
    }
}

impl Session {
    /// The weights over this session's database and study (see [`weights`]).
    pub fn weights(&self) -> Result<Weights, SessionError> {
        weights(&self.store, self.fw()?)
    }
}

/// A city's draw as the weights need it: the street probabilities by frame line, or why there are none.
struct CityDraw {
    k: u32,
    weighted: bool,
    probabilities: Result<HashMap<u64, f64>, NoWeight>,
}

/// A route's documents, parsed once.
/// What the weights need of a route, computed once per route (its walk log is not kept).
struct RouteFacts {
    city: String,
    target_female: u32,
    target_male: u32,
    share: RouteShare,
    frame_line: u64,
}

/// The weights of every interview in `store` for the study's fieldwork `fw` (its settings and the
/// frame the routes were drawn from: the study's frames, or the simulator's `synthetic-frame.csv` for
/// a run with generated streets). Works on a device database and on a merged one alike: it reads the
/// route draws, routes, addresses and interviews, which both hold. A database without fieldwork gives
/// every interview `None` ([`NoWeight::NotFromFieldwork`]).
pub fn weights(store: &Store, fw: &Fieldwork) -> Result<Weights, SessionError> {
    // ---- each city's draw, replayed from the frame, and its street probabilities -----------------
    let mut draws: BTreeMap<String, CityDraw> = BTreeMap::new();
    for row in store.route_draws()? {
        let Some(doc) = store.route_draw_document(&row.city)? else { continue };
        let stored: RouteDraw = from_doc("route draw", &doc)?;
        let k = stored.routes.len() as u32;
        let replays = draw_routes(&fw.frame, &row.city, stored.seed, k, stored.weighted).is_ok_and(|d| d.routes == stored.routes);
        let probabilities = if replays {
            street_inclusion(&fw.frame, &row.city, k, stored.weighted)
                .map(|streets| streets.into_iter().map(|s| (s.line, s.probability)).collect())
                .map_err(|_| NoWeight::FrameDiffers)
        } else {
            Err(NoWeight::FrameDiffers)
        };
        draws.insert(row.city.clone(), CityDraw { k, weighted: stored.weighted, probabilities });
    }
    let mut routes: HashMap<String, RouteFacts> = HashMap::new();

    // ---- each interview's inputs and design weight ----------------------------------------------
    let mut out: Vec<InterviewWeight> = Vec::new();
    // Streamed: an address row carries its documents (some kilobytes); 100 000 of them held at once were 400 MB.
    store.for_each_interview_address(|row| -> Result<(), SessionError> {
        if out.last().is_some_and(|w| w.interview_id == row.interview_id) {
            return Ok(()); // an interview linked from a second address: the first (by key) counts
        }
        let mut w = InterviewWeight::empty(row.interview_id, row.status);
        let Some(a) = row.address else {
            w.no_design_weight = Some(NoWeight::NotFromFieldwork);
            w.no_respondent_weight = Some(NoWeight::NotFromFieldwork);
            out.push(w);
            return Ok(());
        };
        w.address_key = Some(a.key.clone());
        w.route_id = Some(a.route_id.clone());
        let address: Address = from_doc("address", &a.address)?;
        w.dwelling = Some(address.dwelling);
        if let Some(c) = address.chance {
            (w.chance_num, w.chance_den, w.chance) = (Some(c.num), Some(c.den), Some(c.value()));
        }
        let screening: Option<HouseholdScreening> = a.screening.as_deref().map(|s| from_doc("screening", s)).transpose()?;
        if let Some(s) = &screening {
            w.households = Some(s.household_draw.households);
            if let Some(sel) = &s.selection {
                w.eligible_adults = Some(sel.eligible.len() as u32);
                w.selection_pool = Some(selection_pool(sel, &s.adults));
                w.sex = Some(sel.sex);
            }
        }
        if w.sex.is_none() {
            w.sex = match a.respondent_sex.as_deref() {
                Some("female") => Some(Sex::Female),
                Some("male") => Some(Sex::Male),
                _ => None,
            };
        }
        if !routes.contains_key(&a.route_id) {
            // Read when first needed: the routes' walk logs held at once were most of the memory.
            let r = match store.route(&a.route_id) {
                Ok(r) => Some(r),
                Err(StoreError::NoRoute(_)) => None,
                Err(e) => return Err(e.into()),
            };
            if let Some(r) = r {
                let route: Route = from_doc("route", &r.route)?;
                let walk: WalkState = from_doc("walk", &r.walk)?;
                let quota: RouteQuota = from_doc("quota", &r.quota)?;
                let facts = RouteFacts {
                    city: r.city.clone(),
                    target_female: quota.target_female,
                    target_male: quota.target_male,
                    share: route_share(&walk.tally(), route.dwellings),
                    frame_line: route.frame_line,
                };
                routes.insert(a.route_id.clone(), facts);
            }
        }
        let route = routes.get(&a.route_id);
        if let Some(r) = route {
            w.city = Some(r.city.clone());
            (w.cell_female, w.cell_male) = (Some(r.target_female), Some(r.target_male));
            let share = r.share;
            w.walked_dwellings = Some(share.walked_dwellings);
            w.street_dwellings = share.street_dwellings;
            w.route_share = Some(share.share);
            w.route_share_known = Some(share.known);
        }
        let probability = match route.and_then(|r| draws.get(&r.city).map(|d| (r, d))) {
            None => Err(NoWeight::NoRouteDraw),
            Some((r, d)) => {
                d.probabilities.as_ref().map_err(|e| *e).and_then(|p| p.get(&r.frame_line).copied().ok_or(NoWeight::FrameDiffers))
            }
        };
        w.no_design_weight = match (probability, address.chance, w.households, w.route_share) {
            (Err(e), ..) => Some(e),
            (_, None, ..) => Some(NoWeight::NoChance),
            (_, _, None, _) => Some(NoWeight::NoHouseholdDraw),
            (Ok(pi), Some(chance), Some(households), Some(share)) => {
                w.route_probability = Some(pi);
                let inputs = DesignInputs { route_probability: pi, route_share: share, chance, households };
                w.design_weight = inputs.weight();
                w.design_weight.is_none().then_some(NoWeight::InvalidProbability)
            }
            (Ok(_), _, _, None) => Some(NoWeight::NoRouteDraw),
        };
        w.no_respondent_weight = if w.no_design_weight.is_some() {
            w.no_design_weight
        } else if w.status != InterviewStatus::Completed {
            Some(NoWeight::NotCompleted)
        } else if w.selection_pool.is_none() || w.sex.is_none() {
            Some(NoWeight::NoSelection)
        } else {
            None
        };
        out.push(w);
        Ok(())
    })?;

    // ---- the sex calibration over the completes, then the respondent weights ------------------
    let base = |w: &InterviewWeight| -> Option<(String, Sex, f64)> {
        if w.no_respondent_weight.is_some() {
            return None;
        }
        Some((w.city.clone()?, w.sex?, w.design_weight? * f64::from(w.selection_pool?)))
    };
    let bases: Vec<(String, Sex, f64)> = out.iter().filter_map(base).collect();
    let calibration: BTreeMap<String, SexCalibration> =
        calibrate_sex(bases.iter().map(|(c, s, b)| (c.as_str(), *s, *b)), &fw.settings).into_iter().map(|c| (c.city.clone(), c)).collect();
    for w in &mut out {
        if let Some((city, sex, b)) = base(w) {
            let factor = calibration.get(&city).map_or(1.0, |c| c.factor(sex));
            w.sex_factor = Some(factor);
            w.respondent_weight = Some(b * factor);
        }
    }

    // ---- per city: sums, shares, means for the normalized weights ------------------------------
    let mut cities: BTreeMap<String, CityWeights> = draws
        .iter()
        .map(|(city, d)| {
            let cal = calibration.get(city);
            (
                city.clone(),
                CityWeights {
                    city: city.clone(),
                    routes_drawn: d.k,
                    weighted_draw: d.weighted,
                    draw_replays: d.probabilities.is_ok(),
                    completes: 0,
                    completes_weighted: 0,
                    design_sum: 0.0,
                    respondent_sum: 0.0,
                    female_target: fw.settings.city(city).map(|c| c.female_share_percent() / 100.0),
                    female_share_before: cal.and_then(|c| c.female_before),
                    female_share_after: None,
                    calibrated: cal.is_some_and(|c| c.calibrated),
                    routes_share_unknown: 0,
                },
            )
        })
        .collect();
    let mut female_after: BTreeMap<String, f64> = BTreeMap::new();
    let mut unknown_share_routes: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for w in &out {
        let Some(city) = w.city.as_ref() else { continue };
        let Some(c) = cities.get_mut(city) else { continue };
        if w.route_share_known == Some(false) {
            unknown_share_routes.entry(city.clone()).or_default().extend(w.route_id.clone());
        }
        if w.status == InterviewStatus::Completed {
            c.completes += 1;
        }
        if let (Some(d), Some(r)) = (w.design_weight, w.respondent_weight) {
            c.completes_weighted += 1;
            c.design_sum += d;
            c.respondent_sum += r;
            if w.sex == Some(Sex::Female) {
                *female_after.entry(city.clone()).or_default() += r;
            }
        }
    }
    for c in cities.values_mut() {
        if c.respondent_sum > 0.0 {
            c.female_share_after = Some(female_after.get(&c.city).copied().unwrap_or(0.0) / c.respondent_sum);
        }
        c.routes_share_unknown = unknown_share_routes.get(&c.city).map_or(0, |s| s.len() as u32);
    }
    for w in &mut out {
        let Some(c) = w.city.as_ref().and_then(|city| cities.get(city)) else { continue };
        if c.completes_weighted == 0 {
            continue;
        }
        let n = f64::from(c.completes_weighted);
        w.design_weight_normalized = w.design_weight.map(|d| d / (c.design_sum / n));
        w.respondent_weight_normalized = w.respondent_weight.map(|r| r / (c.respondent_sum / n));
    }
    Ok(Weights { interviews: out, cities: cities.into_values().collect() })
}

impl InterviewWeight {
    fn empty(interview_id: String, status: InterviewStatus) -> InterviewWeight {
        InterviewWeight {
            interview_id,
            status,
            city: None,
            route_id: None,
            address_key: None,
            dwelling: None,
            route_probability: None,
            walked_dwellings: None,
            street_dwellings: None,
            route_share: None,
            route_share_known: None,
            chance_num: None,
            chance_den: None,
            chance: None,
            households: None,
            eligible_adults: None,
            selection_pool: None,
            sex: None,
            cell_female: None,
            cell_male: None,
            sex_factor: None,
            design_weight: None,
            respondent_weight: None,
            design_weight_normalized: None,
            respondent_weight_normalized: None,
            no_design_weight: None,
            no_respondent_weight: None,
        }
    }
}
