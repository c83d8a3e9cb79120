//! Design and respondent weights from the selection probabilities the fieldwork recorded.
//!
//! A household interviewed on a random route was selected in four steps, and each step's probability
//! is known or recorded (derivation and worked example in `docs/weights.md`):
//!
//! 1. **The route's street** was drawn for the city ([`crate::draw::draw_routes`]): uniformly without
//!    replacement (exactly `k / N`), or with probability proportional to its dwellings, street after
//!    street without replacement ("successive sampling"), whose first-order inclusion probabilities
//!    [`successive_pps_inclusion`] computes from an exact integral ([`street_inclusion`] gives both
//!    for every street of a city's frame).
//! 2. **The route's share of its street**: a route stops when its quota cell is full, so it walks only
//!    part of a long street. With a start house drawn uniformly, a dwelling of the street lies on the
//!    walked stretch with probability ≈ walked dwellings / the street's dwellings in the frame
//!    ([`route_share`]); 1 when the frame gives no dwellings (an approximation, flagged). Multiplied by
//!    step 1 this is the route's share of its city: for a draw by size, `k × walked / city dwellings`.
//! 3. **The address** was selected on the walk with its recorded [`Chance`] (house or flat interval,
//!    clustering caps; skipped buildings are not counted and change nothing).
//! 4. **The household** was drawn among the `households` living at the address: `1 / households`.
//!
//! The **design weight** is the inverse of the product ([`DesignInputs::weight`]). The **respondent
//! weight** multiplies it by the number of eligible adults the respondent was drawn from
//! ([`selection_pool`]) and by a factor per city and sex ([`calibrate_sex`]) that makes the weighted
//! female share of each city's completes the population share its quota was built from
//! (`female_share_percent` in the fieldwork settings), keeping the city's weighted total.
//!
//! The module is pure like the crate: no IO, no clock, no randomness (the inclusion probabilities are
//! computed, not simulated).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::draw::draw_pool;
use crate::error::FieldworkError;
use crate::frame::Frame;
use crate::selection::{Adult, Selection};
use crate::settings::FieldworkSettings;
use crate::text::Localized;
use crate::walk::{Chance, WalkTally};
use crate::Sex;

/// A street of a city's frame and its probability of being one of the `k` streets a route draw
/// starts routes on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetInclusion {
    /// The street's frame line ([`crate::draw::Route::frame_line`] of a route drawn on it).
    pub line: u64,
    pub street_ru: String,
    pub dwellings: Option<u32>,
    /// The first-order inclusion probability (0 for a street a draw by size leaves out: 0 dwellings).
    pub probability: f64,
}

/// The inclusion probability of every street of `city` (in frame order) in
/// `draw_routes(frame, city, _, k, weighted)`, whatever the seed.
///
/// Uniform: `k / N` for each of the `N` streets of the pool. By size: [`successive_pps_inclusion`]
/// over the pool's dwellings. The pool and its errors are the draw's own (unknown city, dwellings
/// missing for a draw by size, fewer streets than routes).
pub fn street_inclusion(frame: &Frame, city: &str, k: u32, weighted: bool) -> Result<Vec<StreetInclusion>, FieldworkError> {
    let pool = draw_pool(frame, city, k, weighted)?;
    let probabilities: Vec<f64> = if weighted {
        let sizes: Vec<u64> = pool.iter().map(|s| u64::from(s.dwellings.unwrap_or(0))).collect();
        successive_pps_inclusion(&sizes, k)
    } else {
        vec![f64::from(k) / pool.len() as f64; pool.len()]
    };
    let by_line: BTreeMap<u64, f64> = pool.iter().map(|s| s.line).zip(probabilities).collect();
    Ok(frame
        .streets
        .iter()
        .filter(|s| s.city == city)
        .map(|s| StreetInclusion {
            line: s.line,
            street_ru: s.street_ru.clone(),
            dwellings: s.dwellings,
            probability: by_line.get(&s.line).copied().unwrap_or(0.0),
        })
        .collect())
}

/// The first-order inclusion probabilities of `k` draws without replacement, each draw choosing among
/// the units not yet drawn with probability proportional to `sizes` (all > 0): the route draw by size.
///
/// Method (exact up to the quadrature): successive sampling is the order in which independent
/// exponential clocks ring, unit `j` ringing at rate `w_j = size_j / Σ size` (the first clock to ring
/// is unit `j` with probability `w_j / Σ w` among those left, and the clocks are memoryless). Unit `i`
/// is drawn iff fewer than `k` other clocks ring before its own, so
///
/// `π_i = ∫₀^∞ w_i e^{−w_i t} · P(N_{−i}(t) ≤ k − 1) dt`,
///
/// where `N_{−i}(t)` counts the other units with `p_j(t) = 1 − e^{−w_j t}` (a Poisson-binomial
/// variable, computed by prefix and suffix convolutions truncated at `k`). The integral is taken by
/// 8-point Gauss–Legendre on panels of width 1 (the total rate being 1) growing by 2 % beyond
/// `t = 50`, up to a `T` where `P(N(T) ≤ k) < 1e−16` (the neglected tail is below that). Cost: a few
/// thousand nodes × `O(N k)` (the 70 Almaty streets: milliseconds); tests check `Σ π_i = k` and agreement with an exact enumeration of the
/// ordered draws to 1e−9, and the real draw's frequencies over many seeds.
pub fn successive_pps_inclusion(sizes: &[u64], k: u32) -> Vec<f64> {
    let n = sizes.len();
    let k = k as usize;
    assert!(sizes.iter().all(|&s| s > 0), "every unit of a draw by size has a positive size");
    if k == 0 {
        return vec![0.0; n];
    }
    if k >= n {
        return vec![1.0; n];
    }
    let total: f64 = sizes.iter().map(|&s| s as f64).sum();
    let w: Vec<f64> = sizes.iter().map(|&s| s as f64 / total).collect();
    let w_max = w.iter().copied().fold(0.0, f64::max);

    // Upper limit: beyond T every unit's integrand is below P(N(T) ≤ k) ≤ 1e-16 in total.
    let mut upper = 1.0 / w_max;
    while at_most(&w, upper, k) > 1e-16 && upper < 1e200 {
        upper *= 2.0;
    }
    const NODES: [f64; 4] = [0.183_434_642_495_649_8, 0.525_532_409_916_329, 0.796_666_477_413_626_7, 0.960_289_856_497_536_3];
    const WEIGHTS: [f64; 4] = [0.362_683_783_378_362, 0.313_706_645_877_887_3, 0.222_381_034_453_374_5, 0.101_228_536_290_376_3];
    // The clocks' total rate is 1, so nothing in the integrand changes faster than on a time scale of
    // 1: panels of width 1, then 2 % of `t` once that is wider (a panel of width 1 leaves a
    // Gauss–Legendre error far below 1e-15; one of width 8 was measured at 2e-9).
    let base = 1.0;
    let mut pi = vec![0.0; n];
    let mut scratch = Scratch::new(n, k);
    let mut a = 0.0;
    while a < upper {
        let width = if a < 50.0 { base } else { 0.02 * a };
        let b = (a + width).min(upper);
        let (mid, half) = ((a + b) / 2.0, (b - a) / 2.0);
        for (x, wt) in NODES.iter().zip(WEIGHTS) {
            for t in [mid - half * x, mid + half * x] {
                scratch.others_below_k(&w, t);
                for (i, p) in pi.iter_mut().enumerate() {
                    *p += half * wt * w[i] * (-w[i] * t).exp() * scratch.f[i];
                }
            }
        }
        a = b;
    }
    pi.iter().map(|p| p.clamp(0.0, 1.0)).collect()
}

/// `P(N(t) ≤ k)` over all units.
fn at_most(w: &[f64], t: f64, k: usize) -> f64 {
    let mut d = vec![0.0; k + 1];
    d[0] = 1.0;
    for &wj in w {
        let p = -(-wj * t).exp_m1();
        for m in (0..=k).rev() {
            d[m] = d[m] * (1.0 - p) + if m > 0 { d[m - 1] * p } else { 0.0 };
        }
    }
    d.iter().sum()
}

/// Prefix and suffix distributions of the number of clocks rung, truncated below `k`.
struct Scratch {
    n: usize,
    k: usize,
    prefix: Vec<f64>,
    suffix: Vec<f64>,
    /// Per unit, `P(N_{−i}(t) ≤ k − 1)`.
    f: Vec<f64>,
}

impl Scratch {
    fn new(n: usize, k: usize) -> Scratch {
        Scratch { n, k, prefix: vec![0.0; (n + 1) * k], suffix: vec![0.0; (n + 1) * k], f: vec![0.0; n] }
    }

    fn others_below_k(&mut self, w: &[f64], t: f64) {
        let (n, k) = (self.n, self.k);
        let p: Vec<f64> = w.iter().map(|wj| -(-wj * t).exp_m1()).collect();
        // prefix[j]: units 0..j; suffix[j]: units j..n; counts 0..k-1 (mass reaching k is dropped).
        self.prefix[..k].fill(0.0);
        self.prefix[0] = 1.0;
        for j in 0..n {
            let (done, rest) = self.prefix.split_at_mut((j + 1) * k);
            let (from, to) = (&done[j * k..], &mut rest[..k]);
            for m in 0..k {
                to[m] = from[m] * (1.0 - p[j]) + if m > 0 { from[m - 1] * p[j] } else { 0.0 };
            }
        }
        self.suffix[n * k..].fill(0.0);
        self.suffix[n * k] = 1.0;
        for j in (0..n).rev() {
            let (head, tail) = self.suffix.split_at_mut((j + 1) * k);
            let (to, from) = (&mut head[j * k..], &tail[..k]);
            for m in 0..k {
                to[m] = from[m] * (1.0 - p[j]) + if m > 0 { from[m - 1] * p[j] } else { 0.0 };
            }
        }
        let mut cumulative = vec![0.0; k];
        for i in 0..n {
            let suffix = &self.suffix[(i + 1) * k..(i + 2) * k];
            let mut sum = 0.0;
            for (m, c) in cumulative.iter_mut().enumerate() {
                sum += suffix[m];
                *c = sum;
            }
            let prefix = &self.prefix[i * k..(i + 1) * k];
            self.f[i] = (0..k).map(|a| prefix[a] * cumulative[k - 1 - a]).sum();
        }
    }
}

/// The route's share of its street: the probability that a dwelling of the street lies on the stretch
/// the route walked, taken as walked dwellings / the street's dwellings (capped at 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RouteShare {
    /// Dwellings the walk counted: single houses counted (selected or not) and the flats of every block
    /// counted through, on every segment ([`WalkTally`]).
    pub walked_dwellings: u32,
    /// The route street's dwellings in the frame, when known.
    pub street_dwellings: Option<u32>,
    /// `min(1, walked / street)`, or 1 when the street's dwellings are unknown.
    pub share: f64,
    /// False when the share could not be computed and 1 was used.
    pub known: bool,
}

/// The route's share of its street from its walk's tally and the frame's dwellings of the street.
///
/// Approximation (see `docs/weights.md`): the start house is uniform on the street, so a dwelling of
/// the street is on a stretch of `W` of its `M` dwellings with probability about `W / M`; a walk that
/// ran past its street onto continuation streets has walked the whole street (share 1), and the
/// dwellings of those streets are counted as the route's. Without `M` (a frame without dwellings) the
/// share is 1: the route is taken to stand for its whole street.
pub fn route_share(tally: &WalkTally, street_dwellings: Option<u32>) -> RouteShare {
    let walked = tally.houses_counted + tally.flats_counted;
    match street_dwellings {
        Some(m) if m > 0 && walked > 0 => {
            RouteShare { walked_dwellings: walked, street_dwellings, share: (f64::from(walked) / f64::from(m)).min(1.0), known: true }
        }
        _ => RouteShare { walked_dwellings: walked, street_dwellings, share: 1.0, known: false },
    }
}

/// The probabilities that make a household's design weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignInputs {
    /// The inclusion probability of the route's street in the city's draw ([`street_inclusion`]).
    pub route_probability: f64,
    /// The route's share of its street ([`route_share`]).
    pub route_share: f64,
    /// The address's recorded selection chance on the walk.
    pub chance: Chance,
    /// The households living at the address (one was drawn).
    pub households: u32,
}

impl DesignInputs {
    /// The household's selection probability `π_route × share × chance / households`; `None` when an
    /// input is out of range (a probability outside (0, 1], no household).
    pub fn probability(&self) -> Option<f64> {
        let in_unit = |p: f64| p.is_finite() && p > 0.0 && p <= 1.0 + 1e-12;
        let c = self.chance.value();
        if !in_unit(self.route_probability) || !in_unit(self.route_share) || !in_unit(c) || self.households == 0 {
            return None;
        }
        Some(self.route_probability * self.route_share * c / f64::from(self.households))
    }

    /// The design weight, the inverse of [`DesignInputs::probability`].
    pub fn weight(&self) -> Option<f64> {
        self.probability().map(|p| 1.0 / p)
    }
}

/// The number of eligible adults the respondent was drawn from: the selection's candidates (the
/// eligible persons of a sex with a free place on the route; all eligible adults when both sexes had
/// one). When the respondent is not among them (an override with a reason), the eligible adults of the
/// respondent's sex, as if the respondent had been drawn among them; at least 1.
///
/// Why candidates and not every eligible adult: when only one sex had a free place, the adults of the
/// other sex had no chance; counting them would make the respondent stand for people who could not
/// be chosen. They are represented through the sex calibration ([`calibrate_sex`]).
pub fn selection_pool(selection: &Selection, adults: &[Adult]) -> u32 {
    if selection.candidates.contains(&selection.line) {
        return selection.candidates.len() as u32;
    }
    let same_sex = selection.eligible.iter().filter(|l| adults.iter().any(|a| a.line == **l && a.sex == selection.sex)).count();
    (same_sex as u32).max(1)
}

/// The sex adjustment of one city's respondent weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SexCalibration {
    pub city: String,
    /// The population's female share the quota was built from (`female_share_percent / 100`).
    pub female_target: Option<f64>,
    /// The weighted female share of the city's completes before the adjustment.
    pub female_before: Option<f64>,
    pub female_factor: f64,
    pub male_factor: f64,
    /// False when the shares could not be matched (a city not in the settings, or completes of one
    /// sex only): both factors are then 1.
    pub calibrated: bool,
}

impl SexCalibration {
    /// The factor for a respondent of `sex`.
    pub fn factor(&self, sex: Sex) -> f64 {
        match sex {
            Sex::Female => self.female_factor,
            Sex::Male => self.male_factor,
        }
    }
}

/// The quota-cell adjustment: for each city, factors per sex that give the completes' weighted female
/// share the population share of the settings, keeping the city's weighted total.
///
/// `respondents` are the city, sex and base weight (design weight × [`selection_pool`]) of each
/// complete. With `B` the city's total base weight, `B_f` and `B_m` those of women and men and `s` the
/// female share: `g_f = s·B / B_f`, `g_m = (1 − s)·B / B_m`. Then `Σ g·base = B` and the women's part
/// is `s·B`. Cities come out in id order.
pub fn calibrate_sex<'a>(respondents: impl IntoIterator<Item = (&'a str, Sex, f64)>, settings: &FieldworkSettings) -> Vec<SexCalibration> {
    let mut sums: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for (city, sex, base) in respondents {
        let e = sums.entry(city).or_default();
        match sex {
            Sex::Female => e.0 += base,
            Sex::Male => e.1 += base,
        }
    }
    sums.into_iter()
        .map(|(city, (f, m))| {
            let target = settings.city(city).map(|c| c.female_share_percent() / 100.0);
            let total = f + m;
            let before = (total > 0.0).then(|| f / total);
            match target {
                Some(s) if f > 0.0 && m > 0.0 => SexCalibration {
                    city: city.to_string(),
                    female_target: Some(s),
                    female_before: before,
                    female_factor: s * total / f,
                    male_factor: (1.0 - s) * total / m,
                    calibrated: true,
                },
                _ => SexCalibration {
                    city: city.to_string(),
                    female_target: target,
                    female_before: before,
                    female_factor: 1.0,
                    male_factor: 1.0,
                    calibrated: false,
                },
            }
        })
        .collect()
}

/// Why an interview has no design or no respondent weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoWeight {
    /// The interview was not started from a fieldwork address (a free interview: no selection).
    NotFromFieldwork,
    /// The address's route, or its city's route draw, is not in the database.
    NoRouteDraw,
    /// The frame at hand does not reproduce the stored route draw, so the street probabilities would be
    /// those of another frame.
    FrameDiffers,
    /// The address was stored before its selection chance was recorded.
    NoChance,
    /// The address has no household draw (the number of households is unknown).
    NoHouseholdDraw,
    /// A probability is out of range (0 or above 1).
    InvalidProbability,
    /// The interview is not completed (respondent weights are for completes).
    NotCompleted,
    /// No respondent selection, or no respondent sex, is recorded.
    NoSelection,
}

impl NoWeight {
    /// The reason in Russian, Kazakh and English.
    pub fn localized(self) -> Localized {
        use dala_i18n::msg;
        match self {
            NoWeight::NotFromFieldwork => msg!(
                "the interview was not started from a fieldwork address",
                "интервью начато не с адреса маршрута",
                "сұхбат маршрут мекенжайынан басталмаған"
            ),
            NoWeight::NoRouteDraw => msg!(
                "the address's route or its city's route draw is not in the database",
                "маршрута адреса или жеребьёвки маршрутов его города нет в базе",
                "мекенжай маршруты немесе оның қаласының маршрут жеребесі базада жоқ"
            ),
            NoWeight::FrameDiffers => msg!(
                "the list of streets does not reproduce the stored route draw",
                "список улиц не воспроизводит сохранённую жеребьёвку маршрутов",
                "көшелер тізімі сақталған маршрут жеребесін қайталамайды"
            ),
            NoWeight::NoChance => msg!(
                "the address was stored without its selection probability",
                "адрес сохранён без вероятности отбора",
                "мекенжай іріктеу ықтималдығынсыз сақталған"
            ),
            NoWeight::NoHouseholdDraw => msg!(
                "the number of households at the address is not recorded",
                "число домохозяйств по адресу не записано",
                "мекенжайдағы үй шаруашылықтарының саны жазылмаған"
            ),
            NoWeight::InvalidProbability => msg!(
                "a selection probability is out of range",
                "вероятность отбора вне допустимых пределов",
                "іріктеу ықтималдығы рұқсат етілген шектен тыс"
            ),
            NoWeight::NotCompleted => msg!("the interview is not completed", "интервью не завершено", "сұхбат аяқталмаған"),
            NoWeight::NoSelection => {
                msg!("no respondent selection is recorded", "выбор респондента не записан", "респондентті таңдау жазылмаған")
            }
        }
    }
}

#[cfg(test)]
mod tests;
