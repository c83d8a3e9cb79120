//! The fieldwork report: attempts, addresses, completes, AAPOR rates and quota progress by city and route.
//!
//! Storage reads its contact logs and selections and hands one [`AddressSummary`] per address to
//! [`build_report`], together with the study's [`QuotaPlan`]; the result serializes to the JSON that
//! `dala report --json` prints (issue 3): `{"attempts", "addresses", "completes", "rates": {"RR1", ...},
//! "cities": [{"city", "completes", "female", "male", "target_female", "target_male"}],
//! "routes": [{"id", "completes", "target", "female", "male", "visits"}]}`. Attempts are visits; an
//! address still open (no disposition given) counts as an address and for its visits but not in the
//! rates; a complete counts for its respondent's sex. A route whose completes of a sex exceed its cell
//! (an over-filled cell: completes are never refused) reports the excess in `over_female` /
//! `over_male` and is listed in `overfilled`, for the supervisor.

use serde::{Deserialize, Serialize};

use crate::contact::{ContactLog, Disposition};
use crate::quota::QuotaPlan;
use crate::rates::{compute_rates, DispositionCounts, EligibilityEstimate, Rates};
use crate::Sex;

/// What the report needs to know about one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressSummary {
    pub route: String,
    pub visits: u32,
    /// The final disposition; `None` while the address is open. At the end of fieldwork a caller may
    /// pass [`ContactLog::provisional`] for addresses that were never closed.
    pub disposition: Option<Disposition>,
    /// The respondent's sex for a complete or partial interview.
    pub respondent_sex: Option<Sex>,
}

impl AddressSummary {
    /// The summary of a contact log, with the closed disposition (or `None` while open).
    pub fn of_log(log: &ContactLog, respondent_sex: Option<Sex>) -> AddressSummary {
        AddressSummary {
            route: log.route.clone(),
            visits: log.visits.len() as u32,
            disposition: log.closed.as_ref().map(|c| c.disposition),
            respondent_sex,
        }
    }
}

/// A city's completes against its targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityReport {
    pub city: String,
    pub completes: u64,
    pub female: u64,
    pub male: u64,
    pub target_female: u32,
    pub target_male: u32,
}

/// A route's completes against its cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteReport {
    pub id: String,
    pub completes: u64,
    pub target: u32,
    pub female: u64,
    pub male: u64,
    pub target_female: u32,
    pub target_male: u32,
    pub visits: u64,
    pub addresses: u64,
    /// Completes of women beyond the cell's target (0 unless the cell is over-filled).
    pub over_female: u64,
    /// Completes of men beyond the cell's target.
    pub over_male: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldReport {
    /// Visits made (contact attempts).
    pub attempts: u64,
    pub addresses: u64,
    /// Addresses without a final disposition.
    pub open: u64,
    pub completes: u64,
    pub dispositions: DispositionCounts,
    pub rates: Rates,
    pub cities: Vec<CityReport>,
    pub routes: Vec<RouteReport>,
    /// The ids of the routes with an over-filled cell, in route order.
    pub overfilled: Vec<String>,
}

/// Builds the report from address summaries and the quota plan. Every route of the plan is listed
/// (unworked ones with zeros), in plan order; routes not in the plan follow, in order of appearance.
pub fn build_report(addresses: &[AddressSummary], plan: &QuotaPlan, e: EligibilityEstimate) -> FieldReport {
    let mut routes: Vec<RouteReport> = plan
        .cities
        .iter()
        .flat_map(|c| &c.cells)
        .map(|cell| RouteReport {
            id: cell.route.clone(),
            completes: 0,
            target: cell.female + cell.male,
            female: 0,
            male: 0,
            target_female: cell.female,
            target_male: cell.male,
            visits: 0,
            addresses: 0,
            over_female: 0,
            over_male: 0,
        })
        .collect();
    let mut counts = DispositionCounts::default();
    let mut open = 0;
    for a in addresses {
        let index = match routes.iter().position(|r| r.id == a.route) {
            Some(i) => i,
            None => {
                routes.push(RouteReport {
                    id: a.route.clone(),
                    completes: 0,
                    target: 0,
                    female: 0,
                    male: 0,
                    target_female: 0,
                    target_male: 0,
                    visits: 0,
                    addresses: 0,
                    over_female: 0,
                    over_male: 0,
                });
                routes.len() - 1
            }
        };
        let r = &mut routes[index];
        r.visits += u64::from(a.visits);
        r.addresses += 1;
        match a.disposition {
            None => open += 1,
            Some(d) => {
                counts.add(d);
                if d == Disposition::Complete {
                    r.completes += 1;
                    match a.respondent_sex {
                        Some(Sex::Female) => r.female += 1,
                        Some(Sex::Male) => r.male += 1,
                        None => {}
                    }
                }
            }
        }
    }
    // A route outside the plan has no cell to over-fill.
    for r in routes.iter_mut().filter(|r| r.target > 0) {
        r.over_female = r.female.saturating_sub(u64::from(r.target_female));
        r.over_male = r.male.saturating_sub(u64::from(r.target_male));
    }
    let overfilled = routes.iter().filter(|r| r.over_female + r.over_male > 0).map(|r| r.id.clone()).collect();
    let cities = plan
        .cities
        .iter()
        .map(|c| {
            let mine = routes.iter().filter(|r| c.cells.iter().any(|cell| cell.route == r.id));
            let (completes, female, male) = mine.fold((0, 0, 0), |acc, r| (acc.0 + r.completes, acc.1 + r.female, acc.2 + r.male));
            CityReport { city: c.city.clone(), completes, female, male, target_female: c.female, target_male: c.male }
        })
        .collect();
    FieldReport {
        attempts: addresses.iter().map(|a| u64::from(a.visits)).sum(),
        addresses: addresses.len() as u64,
        open,
        completes: counts.i,
        dispositions: counts,
        rates: compute_rates(&counts, e),
        cities,
        routes,
        overfilled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::plan_quotas;
    use crate::settings::FieldworkSettings;

    fn summary(route: &str, visits: u32, disposition: Option<Disposition>, sex: Option<Sex>) -> AddressSummary {
        AddressSummary { route: route.into(), visits, disposition, respondent_sex: sex }
    }

    #[test]
    fn the_report_counts_and_has_the_issue_shape() {
        let settings = FieldworkSettings::from_toml(crate::settings::tests::KMRS).unwrap();
        let plan = plan_quotas(&settings).unwrap();
        let addresses = [
            summary("almaty-R01", 1, Some(Disposition::Complete), Some(Sex::Female)),
            summary("almaty-R01", 3, Some(Disposition::HouseholdRefusal), None),
            summary("almaty-R01", 2, None, None),
            summary("almaty-R02", 1, Some(Disposition::Complete), Some(Sex::Male)),
            summary("pavlodar-R45", 4, Some(Disposition::NoOneAtResidence), None),
        ];
        let report = build_report(&addresses, &plan, EligibilityEstimate::Computed);
        assert_eq!((report.attempts, report.addresses, report.open, report.completes), (11, 5, 1, 2));
        assert_eq!(report.rates.rr1, Some(0.5));
        assert_eq!(report.routes.len(), 50 + 50 + 45 + 45);
        let r1 = &report.routes[0];
        assert_eq!(
            (r1.id.as_str(), r1.completes, r1.target, r1.female, r1.male, r1.visits, r1.addresses),
            ("almaty-R01", 1, 11, 1, 0, 6, 3)
        );
        let almaty = &report.cities[0];
        assert_eq!((almaty.completes, almaty.female, almaty.male, almaty.target_female, almaty.target_male), (2, 1, 1, 300, 250));

        let v = serde_json::to_value(&report).unwrap();
        for key in ["attempts", "addresses", "completes", "rates", "cities", "routes"] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["rates"]["RR1"], 0.5);
        for key in ["city", "completes", "female", "male", "target_female", "target_male"] {
            assert!(v["cities"][0].get(key).is_some(), "cities[].{key}");
        }
        for key in ["id", "completes", "target", "female", "male", "visits"] {
            assert!(v["routes"][0].get(key).is_some(), "routes[].{key}");
        }
    }

    #[test]
    fn an_over_filled_cell_is_counted_and_listed() {
        let settings = FieldworkSettings::from_toml(crate::settings::tests::KMRS).unwrap();
        let plan = plan_quotas(&settings).unwrap();
        let target_male = plan.cell("almaty-R02").unwrap().male;
        let men: Vec<AddressSummary> =
            (0..=target_male).map(|_| summary("almaty-R02", 1, Some(Disposition::Complete), Some(Sex::Male))).collect();
        let report = build_report(&men, &plan, EligibilityEstimate::Computed);
        let r2 = report.routes.iter().find(|r| r.id == "almaty-R02").unwrap();
        assert_eq!((r2.male, r2.over_male, r2.over_female), (u64::from(target_male) + 1, 1, 0));
        assert_eq!(report.overfilled, ["almaty-R02"]);
        assert_eq!(report.completes, u64::from(target_male) + 1, "every complete is counted");
        let v = serde_json::to_value(&report).unwrap();
        assert_eq!(v["overfilled"], serde_json::json!(["almaty-R02"]));
    }

    #[test]
    fn a_route_outside_the_plan_is_still_reported() {
        let plan = QuotaPlan { cities: vec![] };
        let report =
            build_report(&[summary("test-R01", 2, Some(Disposition::Complete), Some(Sex::Male))], &plan, EligibilityEstimate::Fixed(1.0));
        assert_eq!(report.routes[0].id, "test-R01");
        assert_eq!((report.routes[0].completes, report.routes[0].target), (1, 0));
    }
}
