//! The fieldwork report: attempts, addresses, completes, AAPOR rates and quota progress by city and route.
//!
//! Storage reads its contact logs and selections and hands one [`AddressSummary`] per address to
//! [`build_report`] (or [`build_report_in`] with a [`ReportMode`]), together with the study's
//! [`QuotaPlan`]; the result serializes to the JSON that `dala report --json` prints (issue 3):
//! `{"mode", "attempts", "addresses", "open", "provisional", "completes", "dispositions", "rates": {"RR1", ...},
//! "e": {"with_quota_filled", "without_quota_filled", "quota_filled"},
//! "cities": [{"city", "completes", "female", "male", "target_female", "target_male", "addresses", "dispositions", "e"}],
//! "routes": [{"id", "completes", "target", "female", "male", "visits", "rescreened"}], "overfilled", "rescreened"}`.
//! Attempts are visits; a complete counts for its respondent's sex. A route whose completes of a sex
//! exceed its cell (an over-filled cell: completes are never refused) reports the excess in
//! `over_female` / `over_male` and is listed in `overfilled`, for the supervisor.
//!
//! Open addresses: in the [`ReportMode::Final`] report an address still open (no final disposition)
//! counts as an address and for its visits, but not in the rates. At the end of fieldwork that drops
//! every open case out of RR1's denominator, so the [`ReportMode::Provisional`] report counts each open
//! address with the disposition its visits so far lead to ([`ContactLog::provisional`]), as AAPOR
//! assigns final codes to the cases still open when fieldwork ends; `provisional` says how many. An
//! open address with no visit (an interview started at the door and still in progress) has no
//! disposition in either mode.

use serde::{Deserialize, Serialize};

use crate::contact::{ContactLog, Disposition};
use crate::quota::QuotaPlan;
use crate::rates::{compute_rates, eligible_share, DispositionCounts, EligibilityEstimate, EligibleShare, Rates};
use crate::Sex;

/// Which dispositions the rates count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportMode {
    /// Only closed addresses, with their final dispositions.
    #[default]
    Final,
    /// Closed addresses with their final dispositions and open ones with their provisional disposition.
    Provisional,
}

/// What the report needs to know about one address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressSummary {
    pub route: String,
    pub visits: u32,
    /// The disposition counted: the final one, or in a provisional report an open address's
    /// provisional one (then `provisional` is true); `None` while open in a final report.
    pub disposition: Option<Disposition>,
    /// The respondent's sex for a complete or partial interview.
    pub respondent_sex: Option<Sex>,
    /// `disposition` is an open address's provisional disposition.
    #[serde(default)]
    pub provisional: bool,
    /// The address key, for the lists the supervisor reads (re-screened households).
    #[serde(default)]
    pub key: String,
    /// The interviewer's reason for each re-screening of the household (the first draw is kept).
    #[serde(default)]
    pub rescreen_reasons: Vec<String>,
}

impl AddressSummary {
    /// The summary of a contact log, with the closed disposition (or `None` while open).
    pub fn of_log(log: &ContactLog, respondent_sex: Option<Sex>) -> AddressSummary {
        AddressSummary::of_log_in(log, respondent_sex, ReportMode::Final)
    }

    /// The summary of a contact log for a report of the given mode.
    pub fn of_log_in(log: &ContactLog, respondent_sex: Option<Sex>, mode: ReportMode) -> AddressSummary {
        let closed = log.closed.as_ref().map(|c| c.disposition);
        let provisional = match (closed, mode) {
            (None, ReportMode::Provisional) => log.provisional(),
            _ => None,
        };
        AddressSummary {
            route: log.route.clone(),
            visits: log.visits.len() as u32,
            disposition: closed.or(provisional),
            respondent_sex,
            provisional: provisional.is_some(),
            key: log.address.clone(),
            rescreen_reasons: Vec::new(),
        }
    }
}

/// A city's completes against its targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CityReport {
    pub city: String,
    pub completes: u64,
    pub female: u64,
    pub male: u64,
    pub target_female: u32,
    pub target_male: u32,
    pub addresses: u64,
    /// The city's counted dispositions (as the report's mode counts them).
    pub dispositions: DispositionCounts,
    /// The city's `e`, with and without its quota-filled cases.
    pub e: EligibleShare,
}

/// A household screened more than once: the first household draw was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescreenedAddress {
    pub address: String,
    pub route: String,
    /// The interviewer's reason for each re-screening, in order.
    pub reasons: Vec<String>,
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
    /// Households of the route screened again (flagged for the supervisor).
    pub rescreened: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldReport {
    /// Whether open addresses are counted with their provisional disposition.
    pub mode: ReportMode,
    /// Visits made (contact attempts).
    pub attempts: u64,
    pub addresses: u64,
    /// Addresses without a final disposition.
    pub open: u64,
    /// Of the open addresses, those counted in the rates with their provisional disposition (0 in a
    /// final report).
    pub provisional: u64,
    pub completes: u64,
    pub dispositions: DispositionCounts,
    pub rates: Rates,
    /// `e` computed with and without the quota-filled cases (the rates use the study's setting).
    pub e: EligibleShare,
    pub cities: Vec<CityReport>,
    pub routes: Vec<RouteReport>,
    /// The ids of the routes with an over-filled cell, in route order.
    pub overfilled: Vec<String>,
    /// The households screened more than once, with the interviewers' reasons.
    pub rescreened: Vec<RescreenedAddress>,
}

/// Builds the final report (closed addresses only in the rates); see [`build_report_in`].
pub fn build_report(addresses: &[AddressSummary], plan: &QuotaPlan, e: EligibilityEstimate) -> FieldReport {
    build_report_in(addresses, plan, e, ReportMode::Final)
}

/// Builds the report from address summaries (made with [`AddressSummary::of_log_in`] in the same
/// mode) and the quota plan. Every route of the plan is listed (unworked ones with zeros), in plan
/// order; routes not in the plan follow, in order of appearance.
pub fn build_report_in(addresses: &[AddressSummary], plan: &QuotaPlan, e: EligibilityEstimate, mode: ReportMode) -> FieldReport {
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
            rescreened: 0,
        })
        .collect();
    let mut counts = DispositionCounts::default();
    let mut by_route: Vec<DispositionCounts> = vec![DispositionCounts::default(); routes.len()];
    let mut open = 0;
    let mut provisional = 0;
    let mut rescreened = Vec::new();
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
                    rescreened: 0,
                });
                by_route.push(DispositionCounts::default());
                routes.len() - 1
            }
        };
        let r = &mut routes[index];
        r.visits += u64::from(a.visits);
        r.addresses += 1;
        if !a.rescreen_reasons.is_empty() {
            r.rescreened += 1;
            rescreened.push(RescreenedAddress { address: a.key.clone(), route: a.route.clone(), reasons: a.rescreen_reasons.clone() });
        }
        if a.disposition.is_none() || a.provisional {
            open += 1;
        }
        provisional += u64::from(a.provisional);
        match a.disposition {
            None => {}
            Some(d) => {
                counts.add(d);
                by_route[index].add(d);
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
            let mine: Vec<usize> = (0..routes.len()).filter(|&i| c.cells.iter().any(|cell| cell.route == routes[i].id)).collect();
            let (completes, female, male, addresses) = mine
                .iter()
                .map(|&i| &routes[i])
                .fold((0, 0, 0, 0), |acc, r| (acc.0 + r.completes, acc.1 + r.female, acc.2 + r.male, acc.3 + r.addresses));
            let mut dispositions = DispositionCounts::default();
            for &i in &mine {
                dispositions.merge(&by_route[i]);
            }
            CityReport {
                city: c.city.clone(),
                completes,
                female,
                male,
                target_female: c.female,
                target_male: c.male,
                addresses,
                dispositions,
                e: eligible_share(&dispositions),
            }
        })
        .collect();
    FieldReport {
        mode,
        attempts: addresses.iter().map(|a| u64::from(a.visits)).sum(),
        addresses: addresses.len() as u64,
        open,
        provisional,
        completes: counts.i,
        dispositions: counts,
        rates: compute_rates(&counts, e),
        e: eligible_share(&counts),
        cities,
        routes,
        overfilled,
        rescreened,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::plan_quotas;
    use crate::settings::FieldworkSettings;

    fn summary(route: &str, visits: u32, disposition: Option<Disposition>, sex: Option<Sex>) -> AddressSummary {
        AddressSummary { route: route.into(), visits, disposition, respondent_sex: sex, ..Default::default() }
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

    fn plan() -> QuotaPlan {
        plan_quotas(&FieldworkSettings::from_toml(crate::settings::tests::KMRS).unwrap()).unwrap()
    }

    fn at(day: u32, hour: u32) -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2010, 10, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    /// Four addresses of almaty-R01 at the end of fieldwork: a complete (closed), a refusal closed
    /// after three visits, and two still open: a soft refusal with one visit and a flat where nobody
    /// opened twice but a neighbour said it is lived in.
    fn end_of_fieldwork() -> Vec<ContactLog> {
        use crate::contact::{InterimCode as C, Visit};
        use crate::walk::DwellingType;
        let rules = FieldworkSettings::from_toml(crate::settings::tests::KMRS).unwrap().visits;
        let log = |key: &str, visits: Vec<Visit>, close: bool| {
            let mut l = ContactLog::new(key, "almaty-R01", DwellingType::Flat);
            for v in visits {
                l.record_visit(v).unwrap();
            }
            if close {
                l.close(&rules).unwrap();
            }
            l
        };
        vec![
            log("a1", vec![Visit::new(at(11, 19), C::Complete)], true),
            log(
                "a2",
                vec![Visit::new(at(11, 10), C::HouseholdRefusal), Visit::new(at(12, 19), C::NoAnswer), Visit::new(at(16, 12), C::NoAnswer)],
                true,
            ),
            log("a3", vec![Visit::new(at(13, 19), C::HouseholdRefusal)], false),
            log(
                "a4",
                vec![Visit::new(at(13, 10), C::NoAnswer), Visit { evidence_of_occupancy: true, ..Visit::new(at(14, 19), C::NoAnswer) }],
                false,
            ),
        ]
    }

    #[test]
    fn a_final_report_leaves_open_addresses_out_of_the_rates_and_says_so() {
        let logs = end_of_fieldwork();
        let summaries: Vec<AddressSummary> = logs.iter().map(|l| AddressSummary::of_log(l, None)).collect();
        let r = build_report(&summaries, &plan(), EligibilityEstimate::Computed);
        assert_eq!((r.mode, r.addresses, r.open, r.provisional), (ReportMode::Final, 4, 2, 0));
        // RR1 = I / (E + U) = 1 / 2 over the two closed addresses.
        assert_eq!(r.rates.rr1, Some(0.5));
        assert_eq!(serde_json::to_value(&r).unwrap()["mode"], "final");
    }

    #[test]
    fn a_provisional_report_counts_open_addresses_with_their_provisional_disposition() {
        let logs = end_of_fieldwork();
        let summaries: Vec<AddressSummary> = logs.iter().map(|l| AddressSummary::of_log_in(l, None, ReportMode::Provisional)).collect();
        assert_eq!(summaries[2].disposition, Some(Disposition::HouseholdRefusal));
        assert_eq!(summaries[3].disposition, Some(Disposition::NoOneAtResidence));
        assert!(!summaries[0].provisional && summaries[2].provisional && summaries[3].provisional);
        let r = build_report_in(&summaries, &plan(), EligibilityEstimate::Computed, ReportMode::Provisional);
        assert_eq!((r.mode, r.addresses, r.open, r.provisional), (ReportMode::Provisional, 4, 2, 2));
        // I = 1, R = 2 (one closed, one provisional), NC = 1: RR1 = 1 / 4.
        assert_eq!((r.dispositions.i, r.dispositions.r, r.dispositions.nc), (1, 2, 1));
        assert_eq!(r.rates.rr1, Some(0.25));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!((v["mode"].as_str(), v["provisional"].as_u64(), v["open"].as_u64()), (Some("provisional"), Some(2), Some(2)));
    }

    #[test]
    fn e_is_reported_with_and_without_quota_filled_cases_and_per_city() {
        // Almaty: I 2, R 1, NC 1 (E = 4); NE: vacant 1, quota filled 2 (NE = 3); UH 1.
        //   e with 4.80 = 4 / 7; without = 4 / (4 + 1) = 0.8.
        // Pavlodar: I 1, quota filled 1: e with = 1 / 2, without = 1 / 1.
        // All: E = 5, NE = 4 of which 3 quota filled: e with = 5 / 9, without = 5 / 6.
        let d = |route: &str, disposition| summary(route, 1, Some(disposition), None);
        let addresses = [
            summary("almaty-R01", 1, Some(Disposition::Complete), Some(Sex::Female)),
            summary("almaty-R02", 1, Some(Disposition::Complete), Some(Sex::Male)),
            d("almaty-R01", Disposition::HouseholdRefusal),
            d("almaty-R01", Disposition::NoOneAtResidence),
            d("almaty-R01", Disposition::VacantUnit),
            d("almaty-R01", Disposition::QuotaFilled),
            d("almaty-R02", Disposition::QuotaFilled),
            d("almaty-R02", Disposition::UnknownIfOccupied),
            summary("pavlodar-R01", 1, Some(Disposition::Complete), Some(Sex::Female)),
            d("pavlodar-R01", Disposition::QuotaFilled),
        ];
        let r = build_report(&addresses, &plan(), EligibilityEstimate::Computed);
        let near = |a: Option<f64>, b: f64| assert!((a.unwrap() - b).abs() < 1e-12, "{a:?} != {b}");
        near(r.e.with_quota_filled, 5.0 / 9.0);
        near(r.e.without_quota_filled, 5.0 / 6.0);
        assert_eq!(r.e.quota_filled, 3);
        near(r.rates.e, 5.0 / 9.0);
        let almaty = &r.cities[0];
        assert_eq!((almaty.city.as_str(), almaty.addresses, almaty.dispositions.ne, almaty.dispositions.quota_filled), ("almaty", 8, 3, 2));
        near(almaty.e.with_quota_filled, 4.0 / 7.0);
        near(almaty.e.without_quota_filled, 0.8);
        let pavlodar = r.cities.iter().find(|c| c.city == "pavlodar").unwrap();
        near(pavlodar.e.with_quota_filled, 0.5);
        near(pavlodar.e.without_quota_filled, 1.0);
        let astana = r.cities.iter().find(|c| c.city == "astana").unwrap();
        assert_eq!((astana.e.with_quota_filled, astana.e.without_quota_filled), (None, None));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["e"]["quota_filled"], 3);
        assert_eq!(v["cities"][0]["e"]["without_quota_filled"], 0.8);
    }

    #[test]
    fn re_screened_households_are_listed_for_the_supervisor() {
        let a = AddressSummary {
            key: "almaty-R01/s0/h19".into(),
            rescreen_reasons: vec!["list was incomplete".into()],
            ..summary("almaty-R01", 2, None, None)
        };
        let r = build_report(&[a, summary("almaty-R01", 1, None, None)], &plan(), EligibilityEstimate::Computed);
        assert_eq!(r.routes[0].rescreened, 1);
        assert_eq!(
            r.rescreened,
            [RescreenedAddress {
                address: "almaty-R01/s0/h19".into(),
                route: "almaty-R01".into(),
                reasons: vec!["list was incomplete".into()]
            }]
        );
    }
}
