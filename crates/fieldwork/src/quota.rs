//! Gender quotas: city targets allocated exactly to per-route cells, and each route's quota state.
//!
//! A city's female target is `round(planned × female share)` (see
//! [`crate::settings::CitySettings::female_target`]); the male target is the rest. The planned
//! households are spread over the routes as evenly as whole numbers allow, and so is the female
//! target: every route gets `floor(F × n_i / N)` women, and the remaining `r` women go one each to the
//! routes `i` where `floor((i+1)·r/R)` steps up, which spaces them evenly along the route list. The
//! cells therefore sum exactly to the targets, and two routes of the same size never differ by more
//! than one woman.
//! For KMRS this reproduces the protocol's table (Almaty 550 = 25 routes of 6F/4M + 30 of 5F/5M).
//! A cell is keyed by its route id (`almaty-R07`), so a device knows its cells without any network.
//!
//! On the route, a cell has three kinds of places: achieved (completes counted in [`RouteQuota`]),
//! held ([`Holds`]: interviews started and neither completed nor broken off, which the caller counts
//! from its store) and free. Screening proposes only sexes with a free place, so two households are
//! never both sent towards the last place. A complete is always counted: if a cell is over-filled
//! anyway (an override, an interview started before its place was held elsewhere), the excess is
//! visible ([`RouteQuota::over`]) for the supervisor instead of the complete being refused.

use serde::{Deserialize, Serialize};

use crate::draw::route_id;
use crate::error::FieldworkError;
use crate::settings::{CitySettings, FieldworkSettings};
use crate::Sex;

/// A route's quota: how many women and men it must interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellShape {
    pub female: u32,
    pub male: u32,
}

/// The quota settings: the only cell shapes the allocation may produce, if listed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QuotaSettings {
    pub shapes: Option<Vec<CellShape>>,
}

/// One route's cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaCell {
    pub route: String,
    pub female: u32,
    pub male: u32,
}

/// How many routes share one shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeCount {
    pub female: u32,
    pub male: u32,
    pub routes: u32,
}

/// A city's allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityQuota {
    pub city: String,
    pub planned: u32,
    pub female: u32,
    pub male: u32,
    pub routes: u32,
    /// The shapes used, the most female first, with how many routes have each.
    pub shapes: Vec<ShapeCount>,
    pub cells: Vec<QuotaCell>,
}

/// The allocation of every city of the study: what `dala quota plan --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaPlan {
    pub cities: Vec<CityQuota>,
}

impl QuotaPlan {
    /// The cell of a route, wherever it is in the plan.
    pub fn cell(&self, route: &str) -> Option<&QuotaCell> {
        self.cities.iter().flat_map(|c| &c.cells).find(|c| c.route == route)
    }
}

/// `floor((i+1)·total/parts) − floor(i·total/parts)`: 0 or 1 (or more when total > parts) for each i,
/// summing to `total` over `0..parts` and spread evenly.
fn spread(total: u64, parts: u64, i: u64) -> u64 {
    (i + 1) * total / parts - i * total / parts
}

/// Allocates one city's targets to its routes.
pub fn allocate_city(city: &CitySettings, settings: &QuotaSettings) -> Result<CityQuota, FieldworkError> {
    let planned = u64::from(city.planned_households);
    let routes = u64::from(city.routes);
    if routes == 0 || routes > planned {
        return Err(FieldworkError::ImpossibleAllocation { city: city.id.clone(), planned: city.planned_households, routes: city.routes });
    }
    let female = u64::from(city.female_target());
    let sizes: Vec<u64> = (0..routes).map(|i| spread(planned, routes, i)).collect();
    let mut females: Vec<u64> = sizes.iter().map(|n| female * n / planned).collect();
    let rest = female - females.iter().sum::<u64>();
    // The remainder is below the number of routes (each floor loses less than one), and a route with
    // n interviews has at most n − 1 women before this step unless every interview is female, so one
    // more woman always fits.
    for (i, f) in females.iter_mut().enumerate() {
        *f += spread(rest, routes, i as u64);
    }
    let mut cells = Vec::with_capacity(routes as usize);
    let mut shapes: Vec<ShapeCount> = Vec::new();
    for (i, (n, f)) in sizes.iter().zip(&females).enumerate() {
        let shape = CellShape { female: *f as u32, male: (n - f) as u32 };
        if let Some(allowed) = &settings.shapes {
            if !allowed.contains(&shape) {
                return Err(FieldworkError::ShapeNotAllowed { city: city.id.clone(), female: shape.female, male: shape.male });
            }
        }
        match shapes.iter_mut().find(|s| s.female == shape.female && s.male == shape.male) {
            Some(s) => s.routes += 1,
            None => shapes.push(ShapeCount { female: shape.female, male: shape.male, routes: 1 }),
        }
        cells.push(QuotaCell { route: route_id(&city.id, i), female: shape.female, male: shape.male });
    }
    shapes.sort_by(|a, b| b.female.cmp(&a.female).then(a.male.cmp(&b.male)));
    Ok(CityQuota {
        city: city.id.clone(),
        planned: city.planned_households,
        female: female as u32,
        male: city.planned_households - female as u32,
        routes: city.routes,
        shapes,
        cells,
    })
}

/// Allocates every city of the study.
pub fn plan_quotas(settings: &FieldworkSettings) -> Result<QuotaPlan, FieldworkError> {
    let cities = settings.cities.iter().map(|c| allocate_city(c, &settings.quota)).collect::<Result<Vec<_>, _>>()?;
    Ok(QuotaPlan { cities })
}

/// Places of a route's cell held by interviews in progress, by sex (counted by the caller).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holds {
    pub female: u32,
    pub male: u32,
}

impl Holds {
    /// The places held for a sex.
    pub fn of(&self, sex: Sex) -> u32 {
        match sex {
            Sex::Female => self.female,
            Sex::Male => self.male,
        }
    }
}

/// A route's quota state on the device: targets and achieved completes by sex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteQuota {
    pub route: String,
    pub target_female: u32,
    pub target_male: u32,
    pub female: u32,
    pub male: u32,
    /// Completes recorded beyond a full cell through a supervisor-flagged override.
    pub overrides: u32,
}

/// How [`RouteQuota::record_complete`] counted a complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// Within the cell's target.
    WithinTarget,
    /// Beyond a full cell: counted all the same, and shown to the supervisor.
    OverTarget,
}

impl RouteQuota {
    /// A fresh state for a cell.
    pub fn new(cell: &QuotaCell) -> RouteQuota {
        RouteQuota { route: cell.route.clone(), target_female: cell.female, target_male: cell.male, female: 0, male: 0, overrides: 0 }
    }

    /// The target for a sex.
    pub fn target(&self, sex: Sex) -> u32 {
        match sex {
            Sex::Female => self.target_female,
            Sex::Male => self.target_male,
        }
    }

    /// The completes achieved for a sex.
    pub fn achieved(&self, sex: Sex) -> u32 {
        match sex {
            Sex::Female => self.female,
            Sex::Male => self.male,
        }
    }

    /// The completes still needed for a sex.
    pub fn remaining(&self, sex: Sex) -> u32 {
        self.target(sex).saturating_sub(self.achieved(sex))
    }

    /// The sexes still needed, female first.
    pub fn open_sexes(&self) -> Vec<Sex> {
        Sex::ALL.into_iter().filter(|s| self.remaining(*s) > 0).collect()
    }

    /// The places of a sex neither achieved nor held: what screening may still send an interviewer to.
    pub fn free(&self, sex: Sex, holds: Holds) -> u32 {
        self.remaining(sex).saturating_sub(holds.of(sex))
    }

    /// The sexes with a free place under `holds`, female first.
    pub fn free_sexes(&self, holds: Holds) -> Vec<Sex> {
        Sex::ALL.into_iter().filter(|s| self.free(*s, holds) > 0).collect()
    }

    /// The completes of a sex beyond its target (an over-filled cell).
    pub fn over(&self, sex: Sex) -> u32 {
        self.achieved(sex).saturating_sub(self.target(sex))
    }

    /// Whether the cell holds more completes than its target in either sex.
    pub fn is_overfilled(&self) -> bool {
        Sex::ALL.into_iter().any(|s| self.over(s) > 0)
    }

    /// Whether the route has reached its target in both sexes.
    pub fn is_complete(&self) -> bool {
        self.open_sexes().is_empty()
    }

    /// Counts a complete interview. A completed interview is never refused: beyond a full cell it is
    /// counted all the same ([`Counted::OverTarget`], visible through [`RouteQuota::over`]); an
    /// override's excess is also counted in `overrides`.
    pub fn record_complete(&mut self, sex: Sex, overridden: bool) -> Counted {
        let counted = if self.remaining(sex) == 0 {
            if overridden {
                self.overrides += 1;
            }
            Counted::OverTarget
        } else {
            Counted::WithinTarget
        };
        match sex {
            Sex::Female => self.female += 1,
            Sex::Male => self.male += 1,
        }
        counted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::FieldworkSettings;

    fn kmrs() -> FieldworkSettings {
        FieldworkSettings::from_toml(crate::settings::tests::KMRS).unwrap()
    }

    #[test]
    fn kmrs_allocation_matches_the_protocol_table() {
        let plan = plan_quotas(&kmrs()).unwrap();
        // City, planned, female, male, interviews per route, then the cell shapes (F, M, routes): the report's
        // 50 routes in Almaty and Astana (11 interviews each) and 45 in Karaganda and Pavlodar (10 each).
        let six_five = |n| ShapeCount { female: 6, male: 5, routes: n };
        let table = [
            ("almaty", 550, 300, 250, 11, vec![six_five(50)]),
            ("astana", 550, 279, 271, 11, vec![six_five(29), ShapeCount { female: 5, male: 6, routes: 21 }]),
            (
                "karaganda",
                450,
                246,
                204,
                10,
                vec![ShapeCount { female: 6, male: 4, routes: 21 }, ShapeCount { female: 5, male: 5, routes: 24 }],
            ),
            (
                "pavlodar",
                450,
                245,
                205,
                10,
                vec![ShapeCount { female: 6, male: 4, routes: 20 }, ShapeCount { female: 5, male: 5, routes: 25 }],
            ),
        ];
        for (city, (id, planned, female, male, per_route, shapes)) in plan.cities.iter().zip(table) {
            assert_eq!((city.city.as_str(), city.planned, city.female, city.male), (id, planned, female, male));
            assert_eq!(city.routes, shapes.iter().map(|s| s.routes).sum::<u32>());
            assert_eq!(city.shapes, shapes);
            // The cells sum exactly to the targets.
            assert_eq!(city.cells.iter().map(|c| c.female).sum::<u32>(), female);
            assert_eq!(city.cells.iter().map(|c| c.male).sum::<u32>(), male);
            assert!(city.cells.iter().all(|c| c.female + c.male == per_route));
            assert_eq!(city.cells[0].route, format!("{id}-R01"));
        }
    }

    #[test]
    fn the_heavier_cells_are_spread_along_the_routes() {
        let plan = plan_quotas(&kmrs()).unwrap();
        let pavlodar = &plan.cities[3];
        let six: Vec<&str> = pavlodar.cells.iter().filter(|c| c.female == 6).map(|c| c.route.as_str()).collect();
        // r = 20 extra women over 45 routes: i where floor((i+1)·20/45) steps up: i = 2, 4, 6, 8, 11, 13, ...
        assert_eq!(six.len(), 20);
        assert_eq!(six[..6], ["pavlodar-R03", "pavlodar-R05", "pavlodar-R07", "pavlodar-R09", "pavlodar-R12", "pavlodar-R14"]);
        assert_eq!(six[19], "pavlodar-R45");
        assert_eq!(plan.cell("pavlodar-R03"), Some(&QuotaCell { route: "pavlodar-R03".into(), female: 6, male: 4 }));
    }

    #[test]
    fn the_plan_json_has_the_documented_shape() {
        let plan = plan_quotas(&kmrs()).unwrap();
        let v: serde_json::Value = serde_json::to_value(&plan).unwrap();
        let almaty = &v["cities"][0];
        assert_eq!(almaty["city"], "almaty");
        assert_eq!(
            (almaty["planned"].as_u64(), almaty["female"].as_u64(), almaty["male"].as_u64(), almaty["routes"].as_u64()),
            (Some(550), Some(300), Some(250), Some(50))
        );
        assert_eq!(almaty["cells"][0], serde_json::json!({"route": "almaty-R01", "female": 6, "male": 5}));
    }

    #[test]
    fn uneven_route_sizes_still_sum_exactly() {
        // 550 households over 50 routes (the report's number) gives 11 per route; 503 over 50 gives
        // 3 routes of 11 and 47 of 10.
        let mut s = kmrs();
        for (planned, routes) in [(550, 50), (503, 50), (7, 3), (1, 1)] {
            let city = CitySettings { planned_households: planned, routes, ..s.cities[0].clone() };
            let q = allocate_city(&city, &QuotaSettings { shapes: None }).unwrap();
            assert_eq!(q.cells.len() as u32, routes);
            assert_eq!(q.cells.iter().map(|c| c.female + c.male).sum::<u32>(), planned);
            assert_eq!(q.cells.iter().map(|c| c.female).sum::<u32>(), city.female_target());
            for size in [planned / routes, planned / routes + 1] {
                let same: Vec<u32> = q.cells.iter().filter(|c| c.female + c.male == size).map(|c| c.female).collect();
                if let (Some(max), Some(min)) = (same.iter().max(), same.iter().min()) {
                    assert!(max - min <= 1, "{planned}/{routes}: routes of {size} differ by more than one woman");
                }
            }
        }
        // With the KMRS shapes only (10 and 11 interviews), 14-interview routes are refused.
        s.cities[0].routes = 40;
        assert!(matches!(plan_quotas(&s), Err(FieldworkError::ShapeNotAllowed { .. })));
    }

    #[test]
    fn a_route_quota_tracks_open_genders_and_counts_an_over_filled_cell() {
        let mut q = RouteQuota::new(&QuotaCell { route: "pavlodar-R01".into(), female: 6, male: 4 });
        assert_eq!(q.open_sexes(), [Sex::Female, Sex::Male]);
        for _ in 0..4 {
            assert_eq!(q.record_complete(Sex::Male, false), Counted::WithinTarget);
        }
        assert_eq!(q.open_sexes(), [Sex::Female]);
        assert!(!q.is_overfilled());
        // A complete beyond the full cell is counted, not refused, and shows as over-fill.
        assert_eq!(q.record_complete(Sex::Male, false), Counted::OverTarget);
        assert_eq!((q.male, q.overrides, q.over(Sex::Male)), (5, 0, 1));
        assert_eq!(q.record_complete(Sex::Male, true), Counted::OverTarget);
        assert_eq!((q.male, q.overrides, q.over(Sex::Male)), (6, 1, 2));
        assert!(q.is_overfilled());
        for _ in 0..6 {
            q.record_complete(Sex::Female, false);
        }
        assert!(q.is_complete());
        assert_eq!((q.remaining(Sex::Female), q.over(Sex::Female)), (0, 0));
    }

    #[test]
    fn held_places_are_not_free() {
        let mut q = RouteQuota::new(&QuotaCell { route: "almaty-R01".into(), female: 6, male: 4 });
        q.female = 5;
        let one_woman_held = Holds { female: 1, male: 0 };
        assert_eq!(q.remaining(Sex::Female), 1);
        assert_eq!(q.free(Sex::Female, one_woman_held), 0, "the last place for a woman is held");
        assert_eq!(q.free_sexes(one_woman_held), [Sex::Male]);
        assert_eq!(q.free_sexes(Holds::default()), [Sex::Female, Sex::Male]);
        // More holds than places (an over-filled route on its way) never underflow.
        assert_eq!(q.free(Sex::Male, Holds { female: 0, male: 9 }), 0);
    }
}
