//! Walk guidance: the next address to approach on a route, step by step, offline.
//!
//! The interviewer stands at the route's start house, which is not interviewed, and walks the start
//! side in the route's direction. Single houses are counted and every `house_interval`-th one is
//! selected (KMRS: every 2nd). Each apartment block met on the way is entered: its flats are counted
//! from flat 1 of entrance 1 through the entrances, every `flat_interval`-th flat is selected (KMRS:
//! every 5th), and the count carries over from one block to the next. A selection that would exceed a
//! clustering cap (KMRS: 3 per building, 1 per entrance) is dropped and counting simply goes on, so the
//! systematic interval is kept. Non-residential buildings, blocks the interviewer cannot enter and
//! numbers that do not exist are skipped without counting and are tallied. At the end of the side
//! (or at a dead end, river or railway reported by the interviewer) the walk crosses the street and
//! comes back on the other side; when that side ends too the route needs a continuation start point
//! from the supervisor, which is a typed outcome ([`Guidance::NeedsContinuation`]).
//! A microdistrict without sides is walked in ascending building numbers and then from its first
//! building up to the start.
//!
//! The walk knows the street only from the frame: it assumes house numbers step by 2 on a side (by 1
//! in a microdistrict) and that every building on a `houses` street is a single house. The interviewer
//! corrects what is really there with [`WalkState::describe_building`] before moving on; on `flats`
//! and `mixed` streets the walk stops at every building and asks ([`Guidance::DescribeBuilding`]).
//!
//! The state is a plain serializable value. [`WalkState::current`] is a pure function of it, so the
//! UI can show the guidance at any time, and [`WalkState::next_address`] commits the current target
//! (the interviewer has dealt with it) and moves on.

use serde::{Deserialize, Serialize};

use crate::draw::{Direction, Parity, Route};
use crate::error::FieldworkError;
use crate::frame::{BuildingType, Hand};
use crate::house::HouseNumber;
use crate::rng;

/// The intervals and caps the walk follows (from [`crate::settings::FieldworkSettings::walk_rules`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkRules {
    pub house_interval: u32,
    pub flat_interval: u32,
    pub max_per_building: u32,
    pub max_per_entrance: u32,
}

/// One stretch of street walked from a start point: the route's own street, or a supervisor's
/// continuation start point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub street_ru: String,
    pub street_kk: String,
    pub from_number: u32,
    pub to_number: u32,
    /// The hand of the odd numbers when walking in ascending order; `None` for a microdistrict.
    pub odd_side: Option<Hand>,
    pub building_type: BuildingType,
    /// The start house: not interviewed; its parity gives the start side.
    pub start_house: u32,
    pub direction: Direction,
}

impl Segment {
    /// The segment a drawn route starts with.
    pub fn of_route(route: &Route) -> Segment {
        Segment {
            street_ru: route.street.clone(),
            street_kk: route.street_kk.clone(),
            from_number: route.from_number,
            to_number: route.to_number,
            odd_side: route.odd_side,
            building_type: route.building_type,
            start_house: route.start_house,
            direction: route.direction,
        }
    }
}

/// How the flats of an apartment block are numbered, as the interviewer enters them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "layout", rename_all = "snake_case")]
pub enum BuildingLayout {
    /// Entrances in order with their numbers of flats, numbered on from `first_flat` (usually 1).
    Entrances { flats_per_entrance: Vec<u32>, first_flat: u32 },
    /// Only the range of flat numbers is known; the per-entrance cap cannot be applied.
    FlatRange { first: u32, last: u32 },
}

/// What a building on the route turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BuildingKind {
    /// A single-family house: counted with the house interval.
    SingleHouse,
    /// An apartment block: its flats are counted with the flat interval.
    ApartmentBlock(BuildingLayout),
    /// A shop, office, school or other building without dwellings: skipped, not counted.
    NonResidential,
    /// An apartment block the interviewer cannot enter (locked entrance, intercom, guard), with its flats
    /// as far as they are known (the flat ranges on the entrance signs, or the entrances and flats counted
    /// from outside): counted like any block; its selected flats are cases whose visits may end in 32/33.
    LockedBlock(BuildingLayout),
    /// Kept only to read walks stored before locked blocks became cases: a block that could not be
    /// entered, skipped without counting. [`WalkState::describe_building`] refuses it now
    /// ([`FieldworkError::LockedBlockNeedsFlats`]): a locked block is described with its flats.
    RefusedAccess,
    /// The house number does not exist on the street: skipped, not counted.
    NoSuchNumber,
}

/// Why a building was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    NonResidential,
    RefusedAccess,
    NoSuchNumber,
}

/// The kind of dwelling an address is, which the design weights need (the intervals differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DwellingType {
    SingleHouse,
    Flat,
}

/// A selection probability as an exact fraction `num / den` (both ≥ 1, reduced), so that it is stored
/// and compared without rounding; [`Chance::value`] gives it as a number for the design weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Chance {
    pub num: u64,
    pub den: u64,
}

impl Chance {
    /// `num / den` reduced; `den` must not be 0.
    pub fn new(num: u64, den: u64) -> Chance {
        fn gcd(a: u64, b: u64) -> u64 {
            if b == 0 {
                a
            } else {
                gcd(b, a % b)
            }
        }
        let g = gcd(num, den).max(1);
        Chance { num: num / g, den: den / g }
    }

    /// The probability as a floating-point number.
    pub fn value(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

/// An address to approach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// A stable key within the study: `almaty-R07/s0/h19` or `almaty-R07/s0/h17/f25` (route, segment,
    /// house, flat). Storage keys the contact log by it.
    pub key: String,
    pub route: String,
    pub segment: usize,
    pub street_ru: String,
    pub street_kk: String,
    pub house: u32,
    pub entrance: Option<u32>,
    pub flat: Option<u32>,
    pub dwelling: DwellingType,
    /// The address's selection probability within its route, given the buildings the walk met (see
    /// `docs/fieldwork.md`, "Selection probabilities"): a flat's chance of being on the flat interval
    /// times its chance of surviving the clustering caps; a single house `1 / house interval`.
    /// `None` in addresses stored before the probability was recorded.
    #[serde(default)]
    pub chance: Option<Chance>,
    /// The building's number when it is not a whole number («15А», «15/1», «15 корп. 2»): an extra
    /// building the interviewer added next to `house`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<HouseNumber>,
    /// True for a flat of a block the interviewer could not enter (locked entrance, intercom, guard):
    /// it is a case like any other, whose visits may end in 32 (entrance locked) or 33 (guard).
    #[serde(default)]
    pub locked: bool,
}

/// Where the interviewer walks: the side, the hand it is on, the direction, and what was passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkNote {
    /// Buildings walked past since the last target (counted houses, skipped buildings, blocks with
    /// no selected flat), in walking order.
    pub passed: Vec<u32>,
    /// True when the walk crossed the street since the last target.
    pub crossed: bool,
    /// The side being walked; `None` in a microdistrict.
    pub side: Option<Parity>,
    /// The hand that side is on in the walking direction.
    pub hand: Option<Hand>,
    pub direction: Direction,
}

/// An end of a street: below its lowest number or above its highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreetEnd {
    Low,
    High,
}

/// Why the route cannot go on without the supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinuationReason {
    /// Both sides of the street (or the whole microdistrict) have been walked.
    StreetExhausted,
    /// A dead end was reported on the way back.
    DeadEnd,
}

/// What the interviewer should do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Guidance {
    /// Go to this address and contact the household (log the visit in [`crate::contact`]).
    Approach { address: Address, walk: WalkNote },
    /// Go to this building and tell the app what it is ([`WalkState::describe_building`]).
    DescribeBuilding { segment: usize, street_ru: String, street_kk: String, house: u32, walk: WalkNote },
    /// The route has run out: the supervisor must issue a continuation start point
    /// ([`WalkState::continue_from`]).
    NeedsContinuation { reason: ContinuationReason },
}

/// A selected or dropped flat of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlatPick {
    /// The entrance (1-based); `None` when only the flat range was given.
    pub entrance: Option<u32>,
    pub flat: u32,
    /// The flat's selection probability (for a selected flat; `None` for a dropped one and in walks
    /// stored before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chance: Option<Chance>,
}

/// One thing that happened on the walk, kept as paradata and for the design weights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum WalkStep {
    /// A single house counted but not selected (`number`: an extra building's number, as in the steps below).
    PassedHouse {
        segment: usize,
        house: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<HouseNumber>,
    },
    /// A single house selected.
    SelectedHouse {
        segment: usize,
        house: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<HouseNumber>,
    },
    /// An apartment block counted through: its flats, the selected flats and those dropped by a cap.
    /// `locked`: the block could not be entered; its selected flats are cases all the same.
    Block {
        segment: usize,
        house: u32,
        flats: u32,
        selected: Vec<FlatPick>,
        dropped_by_cap: Vec<FlatPick>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        locked: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<HouseNumber>,
    },
    /// A selected flat approached.
    SelectedFlat { segment: usize, house: u32, pick: FlatPick },
    /// A building skipped without counting.
    Skipped {
        segment: usize,
        house: u32,
        reason: SkipReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<HouseNumber>,
    },
    /// The walk crossed to the other side (or wrapped round a microdistrict).
    Crossed { segment: usize, dead_end: bool },
    /// The supervisor's continuation start point began a new segment.
    Continued { segment: usize },
}

/// Counts over the walk so far, for the route sheet and the supervisor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkTally {
    pub houses_counted: u32,
    pub houses_selected: u32,
    pub blocks: u32,
    pub flats_counted: u32,
    pub flats_selected: u32,
    pub flats_dropped_by_cap: u32,
    pub non_residential: u32,
    pub refused_access: u32,
    pub no_such_number: u32,
}

/// A building the interviewer has described ahead of the walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Described {
    segment: usize,
    /// The whole number (the base of an extra building).
    house: u32,
    kind: BuildingKind,
    /// An extra building next to `house` («15А», «15/1», «15 корп. 2»); `None` for the whole number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<HouseNumber>,
}

/// Where the walk stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    segment: usize,
    /// 0: the start side in the route's direction; 1: the way back on the other side (or the wrap
    /// round a microdistrict); 2: done.
    leg: u8,
    /// The last building processed on the current leg; `None` at the start of the leg.
    last: Option<u32>,
    /// When the last building processed was an extra building of `last` («15А»), its number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_extra: Option<HouseNumber>,
    /// Where the way back starts after a dead end, instead of the far end of the other side.
    back_from: Option<u32>,
    /// Whether leg 2 was reached through a dead end.
    dead_end: bool,
    block: Option<BlockCursor>,
    house_count: u32,
    flat_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct BlockCursor {
    house: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    number: Option<HouseNumber>,
    picks: Vec<FlatPick>,
    #[serde(default)]
    locked: bool,
    /// How many of the picks have been approached.
    next: usize,
}

/// A leg's building numbers: `lo..=hi` by `step`, walked downwards when `descending`.
#[derive(Debug, Clone, Copy)]
struct Span {
    lo: u32,
    hi: u32,
    step: u32,
    descending: bool,
    side: Option<Parity>,
}

impl Span {
    fn next_after(&self, last: Option<u32>) -> Option<u32> {
        if self.lo > self.hi {
            return None;
        }
        let n = match (last, self.descending) {
            (None, false) => self.lo,
            (None, true) => self.hi,
            (Some(l), false) => l.checked_add(self.step)?,
            (Some(l), true) => l.checked_sub(self.step)?,
        };
        (self.lo..=self.hi).contains(&n).then_some(n)
    }

    /// Whether a whole number lies on this leg (within its range, of its parity).
    fn holds(&self, n: u32) -> bool {
        self.lo <= self.hi && (self.lo..=self.hi).contains(&n) && (self.step == 1 || Parity::of(n) == Parity::of(self.lo))
    }

    fn direction(&self) -> Direction {
        if self.descending {
            Direction::Descending
        } else {
            Direction::Ascending
        }
    }
}

/// The smallest number `>= at_least` with the parity, or `None` if above `max`.
fn first_with(parity: Parity, at_least: u32, max: u32) -> Option<u32> {
    let n = if Parity::of(at_least) == parity { at_least } else { at_least + 1 };
    (n <= max).then_some(n)
}

/// The largest number `<= at_most` with the parity, or `None` if below `min`.
fn last_with(parity: Parity, at_most: u32, min: u32) -> Option<u32> {
    let n = if Parity::of(at_most) == parity { at_most } else { at_most.checked_sub(1)? };
    (n >= min && n >= 1).then_some(n)
}

const EMPTY: Span = Span { lo: 1, hi: 0, step: 1, descending: false, side: None };

fn span(seg: &Segment, leg: u8, back_from: Option<u32>) -> Span {
    let (from, to, start) = (seg.from_number.max(1), seg.to_number, seg.start_house);
    let descending = seg.direction == Direction::Descending;
    match seg.odd_side {
        None => {
            // A microdistrict: leg 0 from the start to the end in the walking direction, leg 1 the
            // wrap from the other end up to the start.
            let ahead = (start.saturating_add(1), to);
            let behind = (from, start.saturating_sub(1));
            let (lo, hi) = match (leg, descending) {
                (0, false) | (1, true) => ahead,
                (0, true) | (1, false) => behind,
                _ => return EMPTY,
            };
            Span { lo, hi, step: 1, descending, side: None }
        }
        Some(_) => {
            let own = Parity::of(start);
            match leg {
                0 => {
                    let (lo, hi) = if descending {
                        (first_with(own, from, to), start.checked_sub(2))
                    } else {
                        (start.checked_add(2), last_with(own, to, from))
                    };
                    match (lo, hi) {
                        (Some(lo), Some(hi)) => Span { lo, hi, step: 2, descending, side: Some(own) },
                        _ => EMPTY,
                    }
                }
                1 => {
                    let other = own.other();
                    // The way back runs against the route's direction, from the far end of the
                    // other side or from the point opposite a dead end.
                    let (lo, hi) = if descending {
                        (first_with(other, back_from.unwrap_or(from).max(from), to), last_with(other, to, from))
                    } else {
                        (first_with(other, from, to), last_with(other, back_from.unwrap_or(to).min(to), from))
                    };
                    match (lo, hi) {
                        (Some(lo), Some(hi)) => Span { lo, hi, step: 2, descending: !descending, side: Some(other) },
                        _ => EMPTY,
                    }
                }
                _ => EMPTY,
            }
        }
    }
}

fn hand(seg: &Segment, side: Option<Parity>, direction: Direction) -> Option<Hand> {
    let odd = seg.odd_side?;
    let ascending_hand = if side? == Parity::Odd { odd } else { odd.other() };
    Some(if direction == Direction::Ascending { ascending_hand } else { ascending_hand.other() })
}

/// The selected and dropped flats of a block, counting on from `flat_count`.
///
/// Every `flat_interval`-th flat counted from flat 1 of entrance 1 (the count carrying over from the
/// previous block) is a candidate. When the candidates exceed a clustering cap, the flats kept are
/// drawn at random from the candidates with the ChaCha20 stream of `seed`: first `max_per_entrance` in
/// each entrance (when the entrances are known), then `max_per_building` among those; the rest are
/// dropped. Keeping the first candidates instead would give the later flats of an entrance and the
/// later entrances of a building no chance at all.
///
/// The chance recorded with each selected flat: the walk starts each segment's flat count at a random
/// point, so the count entering any block is uniform over the interval and a flat is a candidate with
/// probability `1 / flat_interval`; it is then kept with probability `min(1, m / n_e) × min(1, M / T)`
/// (`n_e` candidates in its entrance, `T` kept in the building after the entrance cap, caps `m`, `M`).
fn count_block(layout: &BuildingLayout, rules: &WalkRules, flat_count: &mut u32, seed: u64) -> (u32, Vec<FlatPick>, Vec<FlatPick>) {
    let mut candidates: Vec<FlatPick> = Vec::new();
    let mut flats = 0;
    let mut visit = |entrance: Option<u32>, flat: u32| {
        flats += 1;
        *flat_count += 1;
        if *flat_count >= rules.flat_interval {
            *flat_count = 0;
            candidates.push(FlatPick { entrance, flat, chance: None });
        }
    };
    match layout {
        BuildingLayout::Entrances { flats_per_entrance, first_flat } => {
            let mut flat = *first_flat;
            for (i, n) in flats_per_entrance.iter().enumerate() {
                for _ in 0..*n {
                    visit(Some(i as u32 + 1), flat);
                    flat += 1;
                }
            }
        }
        BuildingLayout::FlatRange { first, last } => {
            for flat in *first..=*last {
                visit(None, flat);
            }
        }
    }
    let mut stream = rng::stream(seed);
    // Draws `keep` of the positions `items` uniformly (a partial Fisher–Yates shuffle), in their order.
    let mut choose = |mut items: Vec<usize>, keep: usize| -> Vec<usize> {
        if items.len() <= keep {
            return items;
        }
        for i in 0..keep {
            let j = i + rng::below(&mut stream, (items.len() - i) as u64) as usize;
            items.swap(i, j);
        }
        items.truncate(keep);
        items.sort_unstable();
        items
    };
    // Stage 1: the entrance cap, entrance by entrance (all candidates form one group without entrances).
    let mut groups: Vec<(Option<u32>, Vec<usize>)> = Vec::new();
    for (i, p) in candidates.iter().enumerate() {
        match groups.iter_mut().find(|g| g.0 == p.entrance) {
            Some(g) => g.1.push(i),
            None => groups.push((p.entrance, vec![i])),
        }
    }
    let mut factor: Vec<(u64, u64)> = vec![(1, 1); candidates.len()];
    let mut kept: Vec<usize> = Vec::new();
    for (entrance, members) in groups {
        let n = members.len();
        let m = if entrance.is_some() { (rules.max_per_entrance as usize).min(n) } else { n };
        for i in choose(members, m) {
            factor[i] = (m as u64, n as u64);
            kept.push(i);
        }
    }
    kept.sort_unstable();
    // Stage 2: the building cap among the flats the entrance cap kept.
    let t = kept.len();
    let big_m = (rules.max_per_building as usize).min(t);
    let kept = choose(kept, big_m);
    let k = u64::from(rules.flat_interval.max(1));
    let mut selected = Vec::new();
    let mut dropped = Vec::new();
    for (i, mut pick) in candidates.into_iter().enumerate() {
        if kept.binary_search(&i).is_ok() {
            let (m, n) = factor[i];
            pick.chance = Some(Chance::new(m * big_m as u64, k * n * t as u64));
            selected.push(pick);
        } else {
            dropped.push(pick);
        }
    }
    (flats, selected, dropped)
}

fn check_layout(house: u32, layout: &BuildingLayout) -> Result<(), FieldworkError> {
    let total: u64 = match layout {
        BuildingLayout::Entrances { flats_per_entrance, first_flat } => {
            if flats_per_entrance.is_empty() || flats_per_entrance.contains(&0) || *first_flat == 0 {
                return Err(FieldworkError::InvalidLayout { house });
            }
            flats_per_entrance.iter().map(|n| u64::from(*n)).sum()
        }
        BuildingLayout::FlatRange { first, last } => {
            if first > last || *first == 0 {
                return Err(FieldworkError::InvalidLayout { house });
            }
            u64::from(last - first) + 1
        }
    };
    // No real building has more; the bound keeps a typing slip from stalling the device.
    if total > 10_000 {
        return Err(FieldworkError::InvalidLayout { house });
    }
    Ok(())
}

/// The walk along one route: serializable, so storage can keep it between app sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkState {
    route: String,
    rules: WalkRules,
    /// The seed of the walk's random choices (each segment's flat-count start, the flats kept under a
    /// clustering cap); the session derives it from the route draw's seed. 0 in walks stored before.
    #[serde(default)]
    seed: u64,
    segments: Vec<Segment>,
    described: Vec<Described>,
    cursor: Cursor,
    log: Vec<WalkStep>,
}

/// The result of walking from a cursor to the next stop.
struct Run {
    guidance: Guidance,
    after: Cursor,
    steps: Vec<WalkStep>,
}

impl WalkState {
    /// Starts the walk of a drawn route at its start house. `seed` drives the walk's random choices
    /// (store it: the session uses `derive_seed(draw seed, route id)`).
    pub fn new(route: &Route, rules: WalkRules, seed: u64) -> WalkState {
        WalkState::from_segment(&route.id, Segment::of_route(route), rules).seeded(seed)
    }

    /// Starts a walk from any segment (a route rebuilt by storage, or a test), with seed 0.
    pub fn from_segment(route: &str, segment: Segment, rules: WalkRules) -> WalkState {
        let mut w = WalkState {
            route: route.to_string(),
            rules,
            seed: 0,
            segments: vec![segment],
            described: Vec::new(),
            cursor: Cursor {
                segment: 0,
                leg: 0,
                last: None,
                last_extra: None,
                back_from: None,
                dead_end: false,
                block: None,
                house_count: 0,
                flat_count: 0,
            },
            log: Vec::new(),
        };
        w.cursor.flat_count = w.flat_start(0);
        w
    }

    /// The same walk, not yet begun, with another seed.
    pub fn seeded(mut self, seed: u64) -> WalkState {
        self.seed = seed;
        if self.log.is_empty() && self.cursor.segment == 0 && self.cursor.last.is_none() && self.cursor.leg == 0 {
            self.cursor.flat_count = self.flat_start(0);
        }
        self
    }

    /// The walk's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Where a segment's flat count starts: uniform in `0..flat_interval`, so that the first selected
    /// flat is uniform among the first `flat_interval` flats and every flat has the same chance of
    /// being on the interval (a systematic sample with a random start).
    fn flat_start(&self, segment: usize) -> u32 {
        let k = u64::from(self.rules.flat_interval.max(1));
        let mut stream = rng::stream(rng::derive_seed(self.seed, &format!("{}/s{segment}/flat-start", self.route)));
        rng::below(&mut stream, k) as u32
    }

    /// The rules the walk follows.
    pub fn rules(&self) -> WalkRules {
        self.rules
    }

    /// The route id.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// The segments walked so far: the route's street, then any continuation start points.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// What to do now. A pure function of the state: showing it twice changes nothing.
    pub fn current(&self) -> Guidance {
        self.run().guidance
    }

    /// The current target has been dealt with (visited, whatever the outcome): commit it and return the
    /// next thing to do. Fails while a building waits to be described or the route has run out.
    pub fn next_address(&mut self) -> Result<Guidance, FieldworkError> {
        let run = self.run();
        match run.guidance {
            Guidance::Approach { .. } => {
                self.cursor = run.after;
                self.log.extend(run.steps);
                Ok(self.current())
            }
            Guidance::DescribeBuilding { house, .. } => Err(FieldworkError::BuildingNotDescribed { house }),
            Guidance::NeedsContinuation { .. } => Err(FieldworkError::RouteExhausted { route: self.route.clone() }),
        }
    }

    /// Says what a building ahead on the current segment is: the answer to
    /// [`Guidance::DescribeBuilding`], or a correction of an assumed single house before moving on.
    /// A building already walked past (committed) cannot be changed.
    pub fn describe_building(&mut self, house: u32, kind: BuildingKind) -> Result<Guidance, FieldworkError> {
        match &kind {
            BuildingKind::ApartmentBlock(layout) | BuildingKind::LockedBlock(layout) => check_layout(house, layout)?,
            BuildingKind::RefusedAccess => return Err(FieldworkError::LockedBlockNeedsFlats { house }),
            _ => {}
        }
        if !self.is_ahead(house) {
            return Err(FieldworkError::BuildingNotAhead { house });
        }
        let segment = self.cursor.segment;
        self.described.retain(|d| !(d.segment == segment && d.house == house && d.number.is_none()));
        self.described.push(Described { segment, house, kind, number: None });
        Ok(self.current())
    }

    /// Adds a building whose number is not a whole number («15А», «15/1», «15 корп. 2») next to its
    /// whole number on the current segment, or corrects one added before. The walk meets it in the
    /// order of [`HouseNumber`] (after «15» walking up, before it walking down), counts it like any
    /// building of its kind, and keys its addresses by the full number (`…/h15А`, `…/h15_1`, `…/h15к2/f3`).
    /// A whole number is the same as [`WalkState::describe_building`].
    pub fn describe_extra_building(&mut self, number: HouseNumber, kind: BuildingKind) -> Result<Guidance, FieldworkError> {
        if number.is_plain() {
            return self.describe_building(number.number, kind);
        }
        let house = number.number;
        match &kind {
            BuildingKind::ApartmentBlock(layout) | BuildingKind::LockedBlock(layout) => check_layout(house, layout)?,
            BuildingKind::RefusedAccess => return Err(FieldworkError::LockedBlockNeedsFlats { house }),
            _ => {}
        }
        if !self.is_ahead_number(number) {
            return Err(FieldworkError::BuildingNotAhead { house });
        }
        let segment = self.cursor.segment;
        self.described.retain(|d| !(d.segment == segment && d.number == Some(number)));
        self.described.push(Described { segment, house, kind, number: Some(number) });
        Ok(self.current())
    }

    /// The street ends here (dead end, river, railway) before the frame's last number: cross and come
    /// back on the other side from the point opposite the last building dealt with; on the way back,
    /// the route needs a continuation start point.
    pub fn report_dead_end(&mut self) -> Result<Guidance, FieldworkError> {
        if self.cursor.block.as_ref().is_some_and(|b| b.next < b.picks.len()) {
            return Err(FieldworkError::BlockInProgress);
        }
        let seg = &self.segments[self.cursor.segment];
        match self.cursor.leg {
            0 => {
                let here = self.cursor.last.unwrap_or(seg.start_house);
                let opposite = match (seg.odd_side, seg.direction) {
                    (None, _) => None,
                    (Some(_), Direction::Ascending) => Some(here + 1),
                    (Some(_), Direction::Descending) => Some(here.saturating_sub(1)),
                };
                self.cursor = Cursor { leg: 1, last: None, last_extra: None, back_from: opposite, block: None, ..self.cursor.clone() };
                self.log.push(WalkStep::Crossed { segment: self.cursor.segment, dead_end: true });
            }
            _ => {
                self.cursor = Cursor { leg: 2, last: None, last_extra: None, dead_end: true, block: None, ..self.cursor.clone() };
            }
        }
        Ok(self.current())
    }

    /// Continues the route from the supervisor's start point: a new segment whose start house is not
    /// interviewed and from which both counts start afresh.
    pub fn continue_from(&mut self, segment: Segment) -> Result<Guidance, FieldworkError> {
        if segment.from_number > segment.to_number || !(segment.from_number..=segment.to_number).contains(&segment.start_house) {
            return Err(FieldworkError::InvalidContinuation {
                start_house: segment.start_house,
                from_number: segment.from_number,
                to_number: segment.to_number,
            });
        }
        self.segments.push(segment);
        let index = self.segments.len() - 1;
        let flat_count = self.flat_start(index);
        self.cursor = Cursor {
            segment: index,
            leg: 0,
            last: None,
            last_extra: None,
            back_from: None,
            dead_end: false,
            block: None,
            house_count: 0,
            flat_count,
        };
        self.log.push(WalkStep::Continued { segment: index });
        Ok(self.current())
    }

    /// The end of the current segment's street the walker leaves by when the route has run out: the
    /// low end when the last leg walked towards lower numbers, the high end otherwise. `None` while the
    /// route goes on, after a dead end, and in a microdistrict (no crossing to turn at).
    pub fn exit_end(&self) -> Option<StreetEnd> {
        let run = self.run();
        if !matches!(run.guidance, Guidance::NeedsContinuation { .. }) {
            return None;
        }
        let c = &run.after;
        let seg = &self.segments[c.segment];
        if c.leg < 2 || c.dead_end || seg.odd_side.is_none() {
            return None;
        }
        // The way back (leg 1) runs against the segment's direction.
        Some(if seg.direction == Direction::Ascending { StreetEnd::Low } else { StreetEnd::High })
    }

    /// Everything committed so far, in order.
    pub fn log(&self) -> &[WalkStep] {
        &self.log
    }

    /// Counts over the committed walk.
    pub fn tally(&self) -> WalkTally {
        let mut t = WalkTally::default();
        for step in &self.log {
            match step {
                WalkStep::PassedHouse { .. } => t.houses_counted += 1,
                WalkStep::SelectedHouse { .. } => {
                    t.houses_counted += 1;
                    t.houses_selected += 1;
                }
                WalkStep::Block { flats, selected, dropped_by_cap, locked, .. } => {
                    t.blocks += 1;
                    t.refused_access += u32::from(*locked);
                    t.flats_counted += flats;
                    t.flats_selected += selected.len() as u32;
                    t.flats_dropped_by_cap += dropped_by_cap.len() as u32;
                }
                WalkStep::Skipped { reason, .. } => match reason {
                    SkipReason::NonResidential => t.non_residential += 1,
                    SkipReason::RefusedAccess => t.refused_access += 1,
                    SkipReason::NoSuchNumber => t.no_such_number += 1,
                },
                WalkStep::SelectedFlat { .. } | WalkStep::Crossed { .. } | WalkStep::Continued { .. } => {}
            }
        }
        t
    }

    /// Whether the house is a building not yet walked past on the current segment.
    fn is_ahead(&self, house: u32) -> bool {
        self.is_ahead_number(HouseNumber::plain(house))
    }

    /// The position of the cursor on its leg: the last building processed.
    fn position(c: &Cursor) -> Option<HouseNumber> {
        c.last.map(|l| c.last_extra.unwrap_or(HouseNumber::plain(l)))
    }

    /// Whether the extra buildings of whole number `house` («15А», «15/1») lie on a leg: those of the
    /// leg's numbers, and on the first leg walked upwards those of the start house too («15А» comes
    /// after the start house 15 and before 17; walking down it lies behind the start).
    fn holds_extra_of(&self, segment: usize, leg: u8, s: &Span, house: u32) -> bool {
        let seg = &self.segments[segment];
        s.holds(house) || (leg == 0 && seg.direction == Direction::Ascending && house == seg.start_house)
    }

    /// Whether a building (a whole number or an extra one) is not yet walked past on the current segment.
    fn is_ahead_number(&self, n: HouseNumber) -> bool {
        let c = &self.cursor;
        let seg = &self.segments[c.segment];
        let extra = (!n.is_plain()).then_some(n);
        if c.block.as_ref().is_some_and(|b| b.house == n.number && b.number == extra) {
            return false;
        }
        for leg in c.leg..2 {
            let s = span(seg, leg, c.back_from);
            let pos = if leg == c.leg { Self::position(c) } else { None };
            let not_passed = match (pos, s.descending) {
                (None, _) => true,
                (Some(p), false) => n > p,
                (Some(p), true) => n < p,
            };
            let held = if extra.is_some() { self.holds_extra_of(c.segment, leg, &s, n.number) } else { s.holds(n.number) };
            if held && not_passed {
                return true;
            }
        }
        false
    }

    /// The next building of the leg after the cursor: whole numbers and extra buildings in walking order.
    fn next_building(&self, c: &Cursor, s: &Span) -> Option<(u32, Option<HouseNumber>)> {
        let pos = Self::position(c);
        let base = match (c.last, c.last_extra, s.descending) {
            // Walking down, the extra buildings of a number come before it.
            (Some(l), Some(_), true) => s.holds(l).then_some(l),
            _ => s.next_after(c.last),
        };
        let extra = self
            .described
            .iter()
            .filter(|d| d.segment == c.segment && self.holds_extra_of(c.segment, c.leg, s, d.house))
            .filter_map(|d| d.number)
            .filter(|n| match (pos, s.descending) {
                (None, _) => true,
                (Some(p), false) => *n > p,
                (Some(p), true) => *n < p,
            })
            .reduce(|a, b| if s.descending { a.max(b) } else { a.min(b) });
        match (base, extra) {
            (None, None) => None,
            (Some(b), None) => Some((b, None)),
            (None, Some(e)) => Some((e.number, Some(e))),
            (Some(b), Some(e)) => {
                let first = if s.descending { e > HouseNumber::plain(b) } else { e < HouseNumber::plain(b) };
                Some(if first { (e.number, Some(e)) } else { (b, None) })
            }
        }
    }

    fn kind_of(&self, segment: usize, house: u32) -> Option<BuildingKind> {
        if let Some(d) = self.described.iter().find(|d| d.segment == segment && d.house == house && d.number.is_none()) {
            return Some(d.kind.clone());
        }
        match self.segments[segment].building_type {
            BuildingType::Houses => Some(BuildingKind::SingleHouse),
            BuildingType::Flats | BuildingType::Mixed => None,
        }
    }

    fn address(&self, segment: usize, house: u32, number: Option<HouseNumber>, pick: Option<FlatPick>, locked: bool) -> Address {
        let seg = &self.segments[segment];
        // «15 корп. 2» is keyed `h15к2` and «15/1» `h15_1`: no spaces, and `/` separates the key's parts.
        let label = number.map_or_else(|| house.to_string(), |n| n.to_string().replace(" корп. ", "к").replace('/', "_"));
        let mut key = format!("{}/s{segment}/h{label}", self.route);
        if let Some(p) = pick {
            key.push_str(&format!("/f{}", p.flat));
        }
        Address {
            key,
            route: self.route.clone(),
            segment,
            street_ru: seg.street_ru.clone(),
            street_kk: seg.street_kk.clone(),
            house,
            entrance: pick.and_then(|p| p.entrance),
            flat: pick.map(|p| p.flat),
            dwelling: if pick.is_some() { DwellingType::Flat } else { DwellingType::SingleHouse },
            chance: match pick {
                Some(p) => p.chance,
                None => Some(Chance::new(1, u64::from(self.rules.house_interval.max(1)))),
            },
            locked,
            number,
        }
    }

    /// Walks from the committed cursor to the next stop without changing the state.
    fn run(&self) -> Run {
        let mut c = self.cursor.clone();
        let mut steps = Vec::new();
        let mut passed = Vec::new();
        let mut crossed = false;
        loop {
            let seg = &self.segments[c.segment];
            let s = span(seg, c.leg, c.back_from);
            let note = |passed: &Vec<u32>, crossed: bool| WalkNote {
                passed: passed.clone(),
                crossed,
                side: s.side,
                hand: hand(seg, s.side, s.direction()),
                direction: s.direction(),
            };
            if let Some(block) = &mut c.block {
                if block.next < block.picks.len() {
                    let pick = block.picks[block.next];
                    let (house, locked, number) = (block.house, block.locked, block.number);
                    block.next += 1;
                    steps.push(WalkStep::SelectedFlat { segment: c.segment, house, pick });
                    let address = self.address(c.segment, house, number, Some(pick), locked);
                    let guidance = Guidance::Approach { address, walk: note(&passed, crossed) };
                    return Run { guidance, after: c, steps };
                }
                c.block = None;
            }
            if c.leg >= 2 {
                let reason = if c.dead_end { ContinuationReason::DeadEnd } else { ContinuationReason::StreetExhausted };
                return Run { guidance: Guidance::NeedsContinuation { reason }, after: c, steps };
            }
            let Some((house, number)) = self.next_building(&c, &s) else {
                c.leg += 1;
                c.last = None;
                c.last_extra = None;
                if c.leg < 2 {
                    crossed = true;
                    steps.push(WalkStep::Crossed { segment: c.segment, dead_end: false });
                }
                continue;
            };
            let described = match number {
                None => self.kind_of(c.segment, house),
                Some(n) => self.described.iter().find(|d| d.segment == c.segment && d.number == Some(n)).map(|d| d.kind.clone()),
            };
            let Some(kind) = described else {
                let guidance = Guidance::DescribeBuilding {
                    segment: c.segment,
                    street_ru: seg.street_ru.clone(),
                    street_kk: seg.street_kk.clone(),
                    house,
                    walk: note(&passed, crossed),
                };
                return Run { guidance, after: c, steps };
            };
            c.last = Some(house);
            c.last_extra = number;
            let locked = matches!(kind, BuildingKind::LockedBlock(_));
            match kind {
                BuildingKind::SingleHouse => {
                    c.house_count += 1;
                    if c.house_count >= self.rules.house_interval {
                        c.house_count = 0;
                        steps.push(WalkStep::SelectedHouse { segment: c.segment, house, number });
                        let address = self.address(c.segment, house, number, None, false);
                        let guidance = Guidance::Approach { address, walk: note(&passed, crossed) };
                        return Run { guidance, after: c, steps };
                    }
                    steps.push(WalkStep::PassedHouse { segment: c.segment, house, number });
                    passed.push(house);
                }
                BuildingKind::ApartmentBlock(layout) | BuildingKind::LockedBlock(layout) => {
                    let at = number.map_or_else(|| house.to_string(), |n| n.to_string());
                    let seed = rng::derive_seed(self.seed, &format!("{}/s{}/h{at}/caps", self.route, c.segment));
                    let (flats, selected, dropped_by_cap) = count_block(&layout, &self.rules, &mut c.flat_count, seed);
                    let block =
                        WalkStep::Block { segment: c.segment, house, flats, selected: selected.clone(), dropped_by_cap, locked, number };
                    steps.push(block);
                    if selected.is_empty() {
                        passed.push(house);
                    } else {
                        c.block = Some(BlockCursor { house, number, picks: selected, locked, next: 0 });
                    }
                }
                BuildingKind::NonResidential | BuildingKind::RefusedAccess | BuildingKind::NoSuchNumber => {
                    let reason = match kind {
                        BuildingKind::NonResidential => SkipReason::NonResidential,
                        BuildingKind::RefusedAccess => SkipReason::RefusedAccess,
                        _ => SkipReason::NoSuchNumber,
                    };
                    steps.push(WalkStep::Skipped { segment: c.segment, house, reason, number });
                    passed.push(house);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KMRS_RULES: WalkRules = WalkRules { house_interval: 2, flat_interval: 5, max_per_building: 3, max_per_entrance: 1 };

    fn street(kind: BuildingType, from: u32, to: u32, odd: Option<Hand>, start: u32, direction: Direction) -> Segment {
        Segment {
            street_ru: "улица Розыбакиева".into(),
            street_kk: "Розыбакиев көшесі".into(),
            from_number: from,
            to_number: to,
            odd_side: odd,
            building_type: kind,
            start_house: start,
            direction,
        }
    }

    /// Commits targets until the route runs out and returns the houses (and flats) approached.
    fn walk_all(w: &mut WalkState) -> Vec<(u32, Option<u32>)> {
        let mut out = Vec::new();
        loop {
            match w.current() {
                Guidance::Approach { address, .. } => {
                    out.push((address.house, address.flat));
                    w.next_address().unwrap();
                }
                _ => return out,
            }
        }
    }

    fn houses(v: &[(u32, Option<u32>)]) -> Vec<u32> {
        v.iter().map(|(h, _)| *h).collect()
    }

    #[test]
    fn single_houses_every_second_then_back_on_the_other_side() {
        // Houses 1–41, start 15 ascending on the odd side. The start is not interviewed: 17 is the 1st
        // house, 19 the 2nd (selected), 21, 23 (selected) … 39 (selected), 41 (1st). The side ends at
        // 41: cross and walk back on the even side from 40, the count carrying over: 40 is the 2nd
        // (selected), 38, 36 (selected) … 4 (selected), 2 (1st). Then the street is exhausted.
        let mut w = WalkState::from_segment(
            "almaty-R01",
            street(BuildingType::Houses, 1, 41, Some(Hand::Left), 15, Direction::Ascending),
            KMRS_RULES,
        );
        let first = w.current();
        let Guidance::Approach { address, walk } = &first else { panic!("{first:?}") };
        assert_eq!((address.house, address.dwelling, address.key.as_str()), (19, DwellingType::SingleHouse, "almaty-R01/s0/h19"));
        assert_eq!(walk.passed, [17]);
        assert_eq!(
            (walk.side, walk.hand, walk.direction, walk.crossed),
            (Some(Parity::Odd), Some(Hand::Left), Direction::Ascending, false)
        );
        assert_eq!(w.current(), first, "looking at the guidance changes nothing");

        let all = walk_all(&mut w);
        assert_eq!(houses(&all), [19, 23, 27, 31, 35, 39, 40, 36, 32, 28, 24, 20, 16, 12, 8, 4]);
        assert_eq!(w.current(), Guidance::NeedsContinuation { reason: ContinuationReason::StreetExhausted });
        assert!(matches!(w.next_address(), Err(FieldworkError::RouteExhausted { .. })));
        let t = w.tally();
        // Counted: the 13 odd houses 17–41 and the 19 even houses 40–4; house 2 is walked past only in
        // the look-ahead that finds the street exhausted, which is never committed.
        assert_eq!((t.houses_selected, t.houses_counted), (16, 13 + 19));
        assert!(w.log().contains(&WalkStep::Crossed { segment: 0, dead_end: false }));
    }

    #[test]
    fn crossing_is_announced_with_the_new_side_and_hand() {
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 41, Some(Hand::Left), 15, Direction::Ascending), KMRS_RULES);
        for _ in 0..6 {
            w.next_address().unwrap();
        }
        let Guidance::Approach { address, walk } = w.current() else { panic!() };
        assert_eq!(address.house, 40);
        assert_eq!(walk.passed, [41]);
        assert!(walk.crossed);
        // Even numbers are on the right walking up; walking back down they are on the left.
        assert_eq!((walk.side, walk.hand, walk.direction), (Some(Parity::Even), Some(Hand::Left), Direction::Descending));
    }

    #[test]
    fn descending_walk_on_the_even_side() {
        // Houses 2–30 (and odd 1–29), start 20 descending: 18 (1st), 16 (sel), 14, 12 (sel), 10, 8 (sel),
        // 6, 4 (sel), 2 (1st); cross, odd side ascending from 1: 1 (sel), 3, 5 (sel) … 29 (sel).
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 30, Some(Hand::Right), 20, Direction::Descending), KMRS_RULES);
        assert_eq!(houses(&walk_all(&mut w)), [16, 12, 8, 4, 1, 5, 9, 13, 17, 21, 25, 29]);
    }

    #[test]
    fn a_corrected_house_is_not_counted() {
        // Start 15 ascending; 17 turns out to be a shop and 21 does not exist. Counted houses: 19 (1st),
        // 23 (2nd, selected), 25, 27 (selected).
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 41, Some(Hand::Left), 15, Direction::Ascending), KMRS_RULES);
        w.describe_building(17, BuildingKind::NonResidential).unwrap();
        let g = w.describe_building(21, BuildingKind::NoSuchNumber).unwrap();
        let Guidance::Approach { address, walk } = g else { panic!() };
        assert_eq!((address.house, walk.passed), (23, vec![17, 19, 21]));
        assert_eq!(houses(&walk_all(&mut w))[..2], [23, 27]);
        let t = w.tally();
        assert_eq!((t.non_residential, t.no_such_number), (1, 1));
        // A building already walked past cannot be changed.
        assert!(matches!(w.describe_building(19, BuildingKind::NonResidential), Err(FieldworkError::BuildingNotAhead { house: 19 })));
        assert!(matches!(w.describe_building(18, BuildingKind::NonResidential), Err(FieldworkError::BuildingNotAhead { .. })));
    }

    #[test]
    fn a_dead_end_sends_the_walk_back_from_the_opposite_point() {
        // Start 15 ascending; after 19 the interviewer finds a dead end (the frame said up to 41). Walk
        // back on the even side from 20: 20 (1st), 18 (sel), 16, 14 (sel), 12, 10 (sel), 8, 6 (sel), 4, 2
        // (sel). A dead end on the way back ends the route.
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 41, Some(Hand::Left), 15, Direction::Ascending), KMRS_RULES);
        w.next_address().unwrap();
        let Guidance::Approach { address, walk } = w.report_dead_end().unwrap() else { panic!() };
        assert_eq!((address.house, walk.passed), (18, vec![20]));
        w.next_address().unwrap();
        assert_eq!(w.report_dead_end().unwrap(), Guidance::NeedsContinuation { reason: ContinuationReason::DeadEnd });
    }

    /// The walk with its flat count started at 0 (as if the random start had drawn 0), for tests that
    /// follow the count by hand.
    fn count_from_zero(mut w: WalkState) -> WalkState {
        w.cursor.flat_count = 0;
        w
    }

    fn entrances(n: Vec<u32>) -> BuildingKind {
        BuildingKind::ApartmentBlock(BuildingLayout::Entrances { flats_per_entrance: n, first_flat: 1 })
    }

    #[test]
    fn flats_every_fifth_with_the_count_carrying_over_and_caps() {
        // A flats street: the walk asks for each building. House 5 has 3 entrances of 12 flats (1–36),
        // house 7 has 2 entrances of 8 flats (1–16). Counting from flat 1 of entrance 1, every 5th flat
        // is a candidate: house 5: 5, 10 (entrance 1), 15, 20 (entrance 2), 25, 30, 35 (entrance 3);
        // flat 36 is the 1st of the next count; house 7: 4 (entrance 1), 9, 14 (entrance 2); flats 15,
        // 16 carry 2 into the next building. The caps (1 per entrance, 3 per building) keep one flat of
        // each entrance drawn at random among its candidates.
        let seg = street(BuildingType::Flats, 1, 9, Some(Hand::Left), 3, Direction::Ascending);
        let mut w = count_from_zero(WalkState::from_segment("astana-R02", seg, KMRS_RULES));
        let Guidance::DescribeBuilding { house, .. } = w.current() else { panic!() };
        assert_eq!(house, 5);
        assert!(matches!(w.next_address(), Err(FieldworkError::BuildingNotDescribed { house: 5 })));
        let g = w.describe_building(5, entrances(vec![12, 12, 12])).unwrap();
        let Guidance::Approach { address, .. } = g else { panic!("{g:?}") };
        assert_eq!((address.entrance, address.dwelling), (Some(1), DwellingType::Flat));
        assert!([5, 10].contains(&address.flat.unwrap()), "{address:?}");
        assert_eq!(address.key, format!("astana-R02/s0/h5/f{}", address.flat.unwrap()));
        // Entrance 1 has 2 candidates, one kept: 1/5 × 1/2; no building cap binds (3 kept of 3).
        assert_eq!(address.chance, Some(Chance::new(1, 10)));
        w.next_address().unwrap();
        w.next_address().unwrap();
        let Guidance::DescribeBuilding { house, .. } = w.next_address().unwrap() else { panic!() };
        assert_eq!(house, 7);
        w.describe_building(7, entrances(vec![8, 8])).unwrap();
        let mut approached = Vec::new();
        while let Guidance::Approach { address, .. } = w.current() {
            approached.push((address.house, address.entrance, address.flat.unwrap(), address.chance.unwrap()));
            w.next_address().unwrap();
        }
        assert_eq!(approached.len(), 2);
        assert_eq!(approached[0], (7, Some(1), 4, Chance::new(1, 5)));
        assert!(matches!(approached[1], (7, Some(2), 9 | 14, c) if c == Chance::new(1, 10)), "{approached:?}");
        // House 9 is a flat range without entrances (flats 1–12): the count stands at 2, so flat 3 is
        // the 5th, then 8 (the entrance cap does not apply); 9 is the last building of the side, and the
        // walk crosses to the even side.
        let Guidance::DescribeBuilding { house: 9, .. } = w.current() else { panic!() };
        w.describe_building(9, BuildingKind::ApartmentBlock(BuildingLayout::FlatRange { first: 1, last: 12 })).unwrap();
        let rest = walk_all(&mut w);
        assert_eq!(rest, [(9, Some(3)), (9, Some(8))]);
        let Guidance::DescribeBuilding { house, walk, .. } = w.current() else { panic!() };
        assert_eq!((house, walk.crossed, walk.side), (8, true, Some(Parity::Even)));

        let t = w.tally();
        assert_eq!((t.blocks, t.flats_counted, t.flats_selected, t.flats_dropped_by_cap), (3, 64, 7, 5));
    }

    #[test]
    fn capped_picks_are_drawn_at_random_and_respect_the_caps() {
        // 4 entrances of 20 flats, every 5th: 16 candidates, 4 per entrance. With 1 per entrance and 3
        // per building, 3 flats are kept, from 3 different entrances, and over seeds every candidate
        // (not only the first of each entrance) is kept sometimes.
        let layout = BuildingLayout::Entrances { flats_per_entrance: vec![20; 4], first_flat: 1 };
        let mut kept_ever = std::collections::BTreeSet::new();
        for seed in 0..400 {
            let mut count = 0;
            let (flats, selected, dropped) = count_block(&layout, &KMRS_RULES, &mut count, seed);
            assert_eq!((flats, selected.len(), dropped.len()), (80, 3, 13));
            let mut es: Vec<_> = selected.iter().map(|p| p.entrance.unwrap()).collect();
            es.dedup();
            assert_eq!(es.len(), 3, "one per entrance: {selected:?}");
            assert!(selected.iter().all(|p| p.flat % 5 == 0 && p.chance == Some(Chance::new(3, 80))));
            assert!(selected.windows(2).all(|w| w[0].flat < w[1].flat), "in walking order");
            kept_ever.extend(selected.iter().map(|p| p.flat));
        }
        assert_eq!(kept_ever.len(), 16, "{kept_ever:?}");
    }

    #[test]
    fn without_caps_every_fifth_flat_is_selected() {
        let rules = WalkRules { max_per_building: u32::MAX, max_per_entrance: u32::MAX, ..KMRS_RULES };
        let mut count = 0;
        let layout = BuildingLayout::Entrances { flats_per_entrance: vec![12, 12, 12], first_flat: 1 };
        let (flats, selected, dropped) = count_block(&layout, &rules, &mut count, 7);
        assert_eq!(flats, 36);
        assert_eq!(selected.iter().map(|p| p.flat).collect::<Vec<_>>(), [5, 10, 15, 20, 25, 30, 35]);
        assert!(selected.iter().all(|p| p.chance == Some(Chance::new(1, 5))));
        assert!(dropped.is_empty());
        assert_eq!(count, 1, "flat 36 starts the next count");
        let layout = BuildingLayout::Entrances { flats_per_entrance: vec![8, 8], first_flat: 1 };
        let (_, selected, _) = count_block(&layout, &rules, &mut count, 7);
        assert_eq!(selected.iter().map(|p| (p.entrance, p.flat)).collect::<Vec<_>>(), [(Some(1), 4), (Some(2), 9), (Some(2), 14)]);
    }

    /// Walks a route whose first building is the block, over many seeds, and counts how often each flat
    /// is selected; returns (selections per flat, recorded chance per flat, seeds).
    fn selection_frequencies(rules: WalkRules, per_entrance: Vec<u32>, seeds: u64) -> (Vec<u64>, Vec<Option<Chance>>) {
        let total: u32 = per_entrance.iter().sum();
        let mut hits = vec![0u64; total as usize + 1];
        let mut chance: Vec<Option<Chance>> = vec![None; total as usize + 1];
        for seed in 0..seeds {
            let seg = street(BuildingType::Flats, 1, 9, Some(Hand::Left), 3, Direction::Ascending);
            let mut w = WalkState::from_segment("almaty-R11", seg, rules).seeded(seed);
            w.describe_building(5, entrances(per_entrance.clone())).unwrap();
            while let Guidance::Approach { address, .. } = w.current() {
                let f = address.flat.unwrap() as usize;
                hits[f] += 1;
                let c = address.chance.unwrap();
                assert!(chance[f].is_none_or(|x| x == c), "flat {f}: the recorded chance depends on the start");
                chance[f] = Some(c);
                w.next_address().unwrap();
            }
        }
        (hits, chance)
    }

    /// Pearson's chi-square of the counts against `n × p` per flat; `p` of a flat never selected is
    /// taken from `expected`.
    fn chi_square(hits: &[u64], p: &[f64], n: u64) -> f64 {
        hits.iter().zip(p).skip(1).map(|(h, p)| (*h as f64 - n as f64 * p).powi(2) / (n as f64 * p)).sum()
    }

    #[test]
    fn every_flat_of_an_80_flat_block_is_selected_as_often_as_its_recorded_chance_says() {
        // 4 entrances × 5 floors × 4 flats. Under the KMRS caps (3 per building, 1 per entrance) every
        // flat's chance is 1/5 × 1/4 × 3/4 = 3/80; without caps (the report's "every fifth apartment")
        // it is 1/5. Over 8000 seeds each flat's frequency must match: Pearson's chi-square over the 80
        // flats (79 degrees of freedom) stays below 130 (p ≈ 0.0003 under the null).
        let n = 8000;
        for (rules, p) in
            [(KMRS_RULES, 3.0 / 80.0), (WalkRules { max_per_building: u32::MAX, max_per_entrance: u32::MAX, ..KMRS_RULES }, 0.2)]
        {
            let (hits, chance) = selection_frequencies(rules, vec![20; 4], n);
            for (f, c) in chance.iter().enumerate().skip(1) {
                assert_eq!(c.map(Chance::value), Some(p), "flat {f}");
            }
            let floors: std::collections::BTreeSet<u32> =
                (1..=80u32).filter(|f| hits[*f as usize] > 0).map(|f| ((f - 1) % 20) / 4 + 1).collect();
            assert_eq!(floors.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4, 5], "flats on every floor");
            let chi = chi_square(&hits, &vec![p; 81], n);
            assert!(chi < 130.0, "chi-square {chi:.1} over 79 df: frequencies do not match {p}");
        }
    }

    #[test]
    fn unequal_entrances_get_unequal_but_known_chances() {
        // Entrances of 12, 20 and 8 flats: 12/5 → candidates 2 or 3 per entrance depending on the start,
        // so the chances differ from flat to flat; the recorded chance must still match the frequency.
        let n = 12_000;
        let (hits, chance) = selection_frequencies(KMRS_RULES, vec![12, 20, 8], n);
        let p: Vec<f64> = chance.iter().map(|c| c.map_or(1e-9, Chance::value)).collect();
        assert!(chance.iter().skip(1).all(Option::is_some), "every flat can be selected");
        let distinct: std::collections::HashSet<Chance> = chance.iter().flatten().copied().collect();
        assert!(distinct.len() > 1, "{distinct:?}");
        let chi = chi_square(&hits, &p, n);
        // 40 flats, 39 df: p ≈ 0.0003 at 76.
        assert!(chi < 76.0, "chi-square {chi:.1}");
        // A wrong claim is caught: pretending every flat has 1/5 × 3/… the same chance fails.
        let flat: Vec<f64> = vec![p.iter().skip(1).sum::<f64>() / 40.0; 41];
        assert!(chi_square(&hits, &flat, n) > 76.0, "the test can fail");
    }

    #[test]
    fn a_locked_block_yields_its_selected_flats_as_cases() {
        let seg = street(BuildingType::Flats, 1, 9, Some(Hand::Left), 3, Direction::Ascending);
        let mut w = count_from_zero(WalkState::from_segment("r", seg, KMRS_RULES));
        // Without its flats the locked block is refused: it would otherwise be replaced by the next.
        assert!(matches!(w.describe_building(5, BuildingKind::RefusedAccess), Err(FieldworkError::LockedBlockNeedsFlats { house: 5 })));
        let g = w.describe_building(5, BuildingKind::LockedBlock(BuildingLayout::FlatRange { first: 1, last: 10 })).unwrap();
        let Guidance::Approach { address, .. } = g else { panic!("{g:?}") };
        assert_eq!((address.flat, address.locked, address.key.as_str()), (Some(5), true, "r/s0/h5/f5"));
        w.next_address().unwrap();
        let Guidance::Approach { address, .. } = w.current() else { panic!() };
        assert_eq!((address.flat, address.locked), (Some(10), true));
        w.next_address().unwrap();
        // The next block's count goes on after the locked block's 10 flats.
        w.describe_building(7, entrances(vec![10])).unwrap();
        let Guidance::Approach { address, .. } = w.current() else { panic!() };
        assert_eq!((address.flat, address.locked), (Some(5), false));
        let t = w.tally();
        assert_eq!((t.refused_access, t.blocks, t.flats_counted), (1, 1, 10), "the open block is not committed yet");
    }

    fn keys(w: &mut WalkState) -> Vec<String> {
        let mut out = Vec::new();
        while let Guidance::Approach { address, .. } = w.current() {
            out.push(address.key.rsplit('/').next().unwrap().to_string());
            w.next_address().unwrap();
        }
        out
    }

    #[test]
    fn extra_buildings_with_letters_fractions_and_korpus_are_walked_in_house_number_order() {
        // Start 15 ascending on the odd side of a houses street. The interviewer finds 17А, 19/1 and
        // 21 корп. 2 besides the whole numbers: 17 (1st), 17А (sel), 19 (1st), 19/1 (sel), 21 (1st),
        // 21 корп. 2 (sel), 23 (1st), 25 (sel).
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 25, Some(Hand::Left), 15, Direction::Ascending), KMRS_RULES);
        for n in ["21 корп. 2", "19/1", "17а"] {
            w.describe_extra_building(n.parse().unwrap(), BuildingKind::SingleHouse).unwrap();
        }
        let Guidance::Approach { address, walk } = w.current() else { panic!() };
        assert_eq!((address.house, address.number.map(|n| n.to_string()), walk.passed), (17, Some("17А".into()), vec![17]));
        assert_eq!(keys(&mut w)[..4], ["h17А", "h19_1", "h21к2", "h25"]);
        // A building already walked past cannot be added.
        assert!(matches!(
            w.describe_extra_building("19Б".parse().unwrap(), BuildingKind::SingleHouse),
            Err(FieldworkError::BuildingNotAhead { house: 19 })
        ));
        // Walking down, the extra buildings of a number come before it: 28 (1st), 26Б (sel), 26А,
        // 26 (sel), 24, 22 (sel).
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 30, Some(Hand::Right), 30, Direction::Descending), KMRS_RULES);
        for n in ["26А", "26Б"] {
            w.describe_extra_building(n.parse().unwrap(), BuildingKind::SingleHouse).unwrap();
        }
        assert_eq!(keys(&mut w)[..3], ["h26Б", "h26", "h22"]);
    }

    #[test]
    fn an_extra_building_next_to_the_start_house_is_walked_upwards_and_behind_downwards() {
        // Start 15 ascending: «15А» stands between the start house (not interviewed) and 17. It is
        // the first building walked: 15А (1st), 17 (sel), 19 (1st), 21 (sel).
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 25, Some(Hand::Left), 15, Direction::Ascending), KMRS_RULES);
        w.describe_extra_building("15А".parse().unwrap(), BuildingKind::SingleHouse).unwrap();
        let Guidance::Approach { walk, .. } = w.current() else { panic!("{:?}", w.current()) };
        assert_eq!(walk.passed, vec![15], "15А is counted first, then 17 is selected: {walk:?}");
        assert_eq!(keys(&mut w)[..2], ["h17", "h21"]);
        // Start 15 descending: 15А lies behind the start, on the part of the street not walked.
        let mut w =
            WalkState::from_segment("r", street(BuildingType::Houses, 1, 25, Some(Hand::Left), 15, Direction::Descending), KMRS_RULES);
        assert!(matches!(
            w.describe_extra_building("15А".parse().unwrap(), BuildingKind::SingleHouse),
            Err(FieldworkError::BuildingNotAhead { house: 15 })
        ));
    }

    #[test]
    fn an_extra_building_can_be_a_block_and_its_flats_are_keyed_by_its_number() {
        let seg = street(BuildingType::Flats, 1, 9, Some(Hand::Left), 3, Direction::Ascending);
        let mut w = count_from_zero(WalkState::from_segment("r", seg, KMRS_RULES));
        w.describe_building(5, BuildingKind::NonResidential).unwrap();
        w.describe_extra_building("5/1".parse().unwrap(), entrances(vec![10])).unwrap();
        let Guidance::Approach { address, .. } = w.current() else { panic!("{:?}", w.current()) };
        // Flats 5 and 10 are picks of the one entrance; the entrance cap keeps one of them at random.
        let flat = address.flat.unwrap();
        assert!([5, 10].contains(&flat));
        assert_eq!(address.key, format!("r/s0/h5_1/f{flat}"));
        assert!(matches!(
            w.describe_extra_building("5/2".parse().unwrap(), BuildingKind::RefusedAccess),
            Err(FieldworkError::LockedBlockNeedsFlats { .. })
        ));
        let json = serde_json::to_string(&w).unwrap();
        assert_eq!(serde_json::from_str::<WalkState>(&json).unwrap(), w, "extra buildings survive a JSON round trip");
    }

    #[test]
    fn walks_and_addresses_stored_before_issue_7_still_load() {
        // A walk state as stored before: no seed, no chances, no locked flags; its flat count goes on.
        let old = r#"{"route":"r","rules":{"house_interval":2,"flat_interval":5,"max_per_building":3,"max_per_entrance":1},
            "segments":[{"street_ru":"улица Абая","street_kk":"Абай көшесі","from_number":1,"to_number":9,"odd_side":"left",
            "building_type":"flats","start_house":3,"direction":"ascending"}],
            "described":[{"segment":0,"house":5,"kind":{"kind":"refused_access"}}],
            "cursor":{"segment":0,"leg":0,"last":null,"back_from":null,"dead_end":false,"block":null,"house_count":0,"flat_count":2},
            "log":[]}"#;
        let w: WalkState = serde_json::from_str(old).unwrap();
        assert_eq!(w.seed(), 0);
        // The old refused-access block is still skipped as it was; the next building is asked for.
        let Guidance::DescribeBuilding { house: 7, .. } = w.current() else { panic!("{:?}", w.current()) };
        let address = r#"{"key":"r/s0/h5/f5","route":"r","segment":0,"street_ru":"улица Абая","street_kk":"Абай көшесі",
            "house":5,"entrance":1,"flat":5,"dwelling":"flat"}"#;
        let a: Address = serde_json::from_str(address).unwrap();
        assert_eq!((a.chance, a.locked, a.number), (None, false, None));
    }

    #[test]
    fn a_segment_starts_its_flat_count_at_random() {
        // The first selected flat of a route's first block is uniform among flats 1–5 over seeds.
        let mut first = [0u32; 6];
        for seed in 0..500 {
            let seg = street(BuildingType::Flats, 1, 9, Some(Hand::Left), 3, Direction::Ascending);
            let mut w =
                WalkState::from_segment("r", seg, WalkRules { max_per_building: u32::MAX, max_per_entrance: u32::MAX, ..KMRS_RULES })
                    .seeded(seed);
            let Guidance::Approach { address, .. } = w.describe_building(5, entrances(vec![20])).unwrap() else { panic!() };
            first[address.flat.unwrap() as usize] += 1;
        }
        assert_eq!(first[0], 0);
        assert!(first[1..].iter().all(|n| (70..=130).contains(n)), "{first:?}");
    }

    #[test]
    fn mixed_street_counts_houses_and_flats_separately() {
        // Start 2 ascending on the even side of a mixed street. 4: house (1st); 6: block of 10 flats
        // (flats 5 and 10 are the 5th and 10th, but one entrance holds only one: 5 or 10, at random);
        // 8: house (2nd, selected); 10: shop; 12: house (1st); 14: house (selected).
        let mut w = count_from_zero(WalkState::from_segment(
            "pavlodar-R03",
            street(BuildingType::Mixed, 1, 14, Some(Hand::Right), 2, Direction::Ascending),
            KMRS_RULES,
        ));
        w.describe_building(4, BuildingKind::SingleHouse).unwrap();
        w.describe_building(6, BuildingKind::ApartmentBlock(BuildingLayout::Entrances { flats_per_entrance: vec![10], first_flat: 1 }))
            .unwrap();
        w.describe_building(8, BuildingKind::SingleHouse).unwrap();
        w.describe_building(10, BuildingKind::NonResidential).unwrap();
        w.describe_building(12, BuildingKind::SingleHouse).unwrap();
        w.describe_building(14, BuildingKind::SingleHouse).unwrap();
        let got = walk_all(&mut w);
        assert!(matches!(got[0], (6, Some(5 | 10))), "{got:?}");
        assert_eq!(got[1..], [(8, None), (14, None)]);
        let Guidance::DescribeBuilding { house: 13, walk, .. } = w.current() else { panic!("{:?}", w.current()) };
        assert!(walk.crossed);
    }

    #[test]
    fn a_microdistrict_is_walked_in_ascending_numbers_then_from_its_first_building() {
        // Buildings 1–9 without sides, start 6: 7 (1st), 8 (sel), 9 (1st); wrap: 1 (sel), 2, 3 (sel),
        // 4, 5 (sel); then the start is reached.
        let mut w = WalkState::from_segment("r", street(BuildingType::Houses, 1, 9, None, 6, Direction::Ascending), KMRS_RULES);
        assert_eq!(houses(&walk_all(&mut w)), [8, 1, 3, 5]);
        assert_eq!(w.current(), Guidance::NeedsContinuation { reason: ContinuationReason::StreetExhausted });
    }

    #[test]
    fn the_supervisor_continues_the_route_on_a_new_street() {
        let mut w = WalkState::from_segment(
            "karaganda-R05",
            street(BuildingType::Houses, 1, 6, Some(Hand::Left), 1, Direction::Ascending),
            KMRS_RULES,
        );
        // 3 (1st), 5 (sel); cross: 6 (1st), 4 (sel), 2 (1st).
        assert_eq!(houses(&walk_all(&mut w)), [5, 4]);
        let bad = Segment { start_house: 99, ..street(BuildingType::Houses, 1, 20, Some(Hand::Left), 1, Direction::Ascending) };
        assert!(matches!(w.continue_from(bad), Err(FieldworkError::InvalidContinuation { start_house: 99, .. })));
        let next = Segment {
            street_ru: "улица Гоголя".into(),
            street_kk: "Гоголь көшесі".into(),
            ..street(BuildingType::Houses, 1, 20, Some(Hand::Right), 10, Direction::Descending)
        };
        let Guidance::Approach { address, walk } = w.continue_from(next).unwrap() else { panic!() };
        // A fresh count from the new start house 10: 8 (1st), 6 (sel).
        assert_eq!((address.house, address.segment, address.key.as_str()), (6, 1, "karaganda-R05/s1/h6"));
        assert_eq!(walk.passed, [8]);
        assert_eq!(address.street_ru, "улица Гоголя");
    }

    #[test]
    fn invalid_layouts_are_refused() {
        let mut w = WalkState::from_segment("r", street(BuildingType::Flats, 1, 9, Some(Hand::Left), 1, Direction::Ascending), KMRS_RULES);
        for layout in [
            BuildingLayout::Entrances { flats_per_entrance: vec![], first_flat: 1 },
            BuildingLayout::Entrances { flats_per_entrance: vec![4, 0], first_flat: 1 },
            BuildingLayout::FlatRange { first: 10, last: 1 },
            BuildingLayout::FlatRange { first: 1, last: 50_000 },
        ] {
            assert!(matches!(
                w.describe_building(3, BuildingKind::ApartmentBlock(layout)),
                Err(FieldworkError::InvalidLayout { house: 3 })
            ));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_walk_ends_and_never_repeats_an_address(
            from in 1u32..40,
            len in 0u32..80,
            start_offset in 0u32..80,
            sides in 0u8..3,
            kind in 0u8..3,
            descending in proptest::bool::ANY,
            house_interval in 1u32..4,
            flat_interval in 1u32..8,
            max_per_building in 1u32..4,
            max_per_entrance in 1u32..3,
            buildings in proptest::collection::vec((0u8..6, 1u32..5, 1u32..30), 1..40),
            extras in proptest::collection::vec((0u32..80, 0u8..3, 0u8..2), 0..6),
        ) {
            let to = from + len;
            let start = from + start_offset % (len + 1);
            let odd_side = [Some(Hand::Left), Some(Hand::Right), None][sides as usize];
            let building_type = [BuildingType::Houses, BuildingType::Flats, BuildingType::Mixed][kind as usize];
            let direction = if descending { Direction::Descending } else { Direction::Ascending };
            let rules = WalkRules { house_interval, flat_interval, max_per_building, max_per_entrance };
            let segment = street(building_type, from, to, odd_side, start, direction);
            let mut w = WalkState::from_segment("p", segment, rules).seeded(u64::from(from));
            // Extra buildings («NА», «N/1», «N корп. 1») next to numbers of the street; one not ahead is refused.
            for (offset, form, kind) in &extras {
                let base = HouseNumber::plain(from + offset % (len + 1));
                let number = match form {
                    0 => HouseNumber { letter: Some('А'), ..base },
                    1 => HouseNumber { fraction: Some(1), ..base },
                    _ => HouseNumber { korpus: Some(1), ..base },
                };
                let kind = if *kind == 0 {
                    BuildingKind::SingleHouse
                } else {
                    BuildingKind::ApartmentBlock(BuildingLayout::FlatRange { first: 1, last: 12 })
                };
                let _ = w.describe_extra_building(number, kind);
            }
            let mut seen = std::collections::BTreeSet::new();
            let mut ended = false;
            for _ in 0..20_000 {
                match w.current() {
                    Guidance::Approach { address, .. } => {
                        proptest::prop_assert!(seen.insert(address.key.clone()), "{} approached twice", address.key);
                        // The start house itself is never interviewed; an extra building next to it («15А») may be.
                        let extra = address.number.is_some_and(|n| !n.is_plain());
                        proptest::prop_assert!((from..=to).contains(&address.house) && (address.house != start || extra));
                        w.next_address().unwrap();
                    }
                    Guidance::DescribeBuilding { house, .. } => {
                        let (k, entrances, flats) = buildings[house as usize % buildings.len()];
                        let kind = match k {
                            0 => BuildingKind::SingleHouse,
                            1 => BuildingKind::ApartmentBlock(BuildingLayout::Entrances { flats_per_entrance: vec![flats; entrances as usize], first_flat: 1 }),
                            2 => BuildingKind::ApartmentBlock(BuildingLayout::FlatRange { first: 1, last: flats }),
                            3 => BuildingKind::LockedBlock(BuildingLayout::FlatRange { first: 1, last: flats }),
                            5 => BuildingKind::NonResidential,
                            _ => BuildingKind::NoSuchNumber,
                        };
                        w.describe_building(house, kind).unwrap();
                    }
                    Guidance::NeedsContinuation { .. } => {
                        ended = true;
                        break;
                    }
                }
            }
            proptest::prop_assert!(ended, "the walk did not end");
        }
    }

    #[test]
    fn the_state_survives_a_json_round_trip() {
        let mut w = WalkState::from_segment("r", street(BuildingType::Mixed, 1, 30, Some(Hand::Left), 1, Direction::Ascending), KMRS_RULES);
        w.describe_building(3, BuildingKind::ApartmentBlock(BuildingLayout::Entrances { flats_per_entrance: vec![20, 20], first_flat: 1 }))
            .unwrap();
        w.next_address().unwrap();
        let json = serde_json::to_string(&w).unwrap();
        let back: WalkState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, w);
        assert_eq!(back.current(), w.current());
    }
}
