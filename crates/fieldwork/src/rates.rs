//! AAPOR outcome rates from final disposition counts (Part 3.5 of the protocol).
//!
//! The counts are I (complete), P (partial), R (refusal and break-off), NC (non-contact), O (other
//! eligible non-interview), UH and UO (unknown eligibility: household unknown, other) and NE (not
//! eligible, which only enters the computed `e`). With `U = UH + UO` and `E = (I+P) + (R+NC+O)`:
//!
//! - RR1 = I / (E + U), RR2 = (I+P) / (E + U), RR3 = I / (E + e·U), RR4 = (I+P) / (E + e·U),
//!   RR5 = I / E, RR6 = (I+P) / E;
//! - COOP1 = I / ((I+P)+R+O), COOP2 = (I+P) / ((I+P)+R+O), COOP3 = I / ((I+P)+R), COOP4 = (I+P) / ((I+P)+R);
//! - REF1 = R / (E + U), REF2 = R / (E + e·U), REF3 = R / E;
//! - CON1 = ((I+P)+R+O) / (E + U), CON2 = ((I+P)+R+O) / (E + e·U), CON3 = ((I+P)+R+O) / E.
//!
//! `e` is a study setting: fixed, or computed as the eligible share of the cases whose eligibility is
//! known, `E / (E + NE)`. A rate whose denominator is zero (or whose `e` cannot be computed) is `None`.

use serde::{Deserialize, Serialize};

use crate::contact::{Disposition, OutcomeClass};

/// How `e`, the share of unknown-eligibility cases assumed eligible, is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EligibilityEstimate {
    /// The proportion eligible among cases of known eligibility: `E / (E + NE)`.
    Computed,
    /// A fixed proportion between 0 and 1.
    Fixed(f64),
}

/// Final dispositions counted by outcome class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionCounts {
    pub i: u64,
    pub p: u64,
    pub r: u64,
    pub nc: u64,
    pub o: u64,
    pub uh: u64,
    pub uo: u64,
    pub ne: u64,
    /// Of `ne`, the cases closed as quota filled (4.80): eligible households the quota turned away.
    #[serde(default)]
    pub quota_filled: u64,
}

impl DispositionCounts {
    /// Counts a list of final dispositions.
    pub fn from_dispositions<'a>(dispositions: impl IntoIterator<Item = &'a Disposition>) -> DispositionCounts {
        let mut c = DispositionCounts::default();
        for d in dispositions {
            c.add(*d);
        }
        c
    }

    /// Counts one more disposition.
    pub fn add(&mut self, d: Disposition) {
        let slot = match d.class() {
            OutcomeClass::I => &mut self.i,
            OutcomeClass::P => &mut self.p,
            OutcomeClass::R => &mut self.r,
            OutcomeClass::NC => &mut self.nc,
            OutcomeClass::O => &mut self.o,
            OutcomeClass::UH => &mut self.uh,
            OutcomeClass::UO => &mut self.uo,
            OutcomeClass::NE => &mut self.ne,
        };
        *slot += 1;
        if d == Disposition::QuotaFilled {
            self.quota_filled += 1;
        }
    }

    /// Adds another set of counts (a city's routes, several devices).
    pub fn merge(&mut self, other: &DispositionCounts) {
        self.i += other.i;
        self.p += other.p;
        self.r += other.r;
        self.nc += other.nc;
        self.o += other.o;
        self.uh += other.uh;
        self.uo += other.uo;
        self.ne += other.ne;
        self.quota_filled += other.quota_filled;
    }

    /// All cases counted.
    pub fn total(&self) -> u64 {
        self.i + self.p + self.r + self.nc + self.o + self.uh + self.uo + self.ne
    }
}

/// The AAPOR rates as proportions (0.454 for 45.4 %), `None` where undefined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// The `e` used for RR3, RR4, REF2 and CON2.
    pub e: Option<f64>,
    #[serde(rename = "RR1")]
    pub rr1: Option<f64>,
    #[serde(rename = "RR2")]
    pub rr2: Option<f64>,
    #[serde(rename = "RR3")]
    pub rr3: Option<f64>,
    #[serde(rename = "RR4")]
    pub rr4: Option<f64>,
    #[serde(rename = "RR5")]
    pub rr5: Option<f64>,
    #[serde(rename = "RR6")]
    pub rr6: Option<f64>,
    #[serde(rename = "COOP1")]
    pub coop1: Option<f64>,
    #[serde(rename = "COOP2")]
    pub coop2: Option<f64>,
    #[serde(rename = "COOP3")]
    pub coop3: Option<f64>,
    #[serde(rename = "COOP4")]
    pub coop4: Option<f64>,
    #[serde(rename = "REF1")]
    pub ref1: Option<f64>,
    #[serde(rename = "REF2")]
    pub ref2: Option<f64>,
    #[serde(rename = "REF3")]
    pub ref3: Option<f64>,
    #[serde(rename = "CON1")]
    pub con1: Option<f64>,
    #[serde(rename = "CON2")]
    pub con2: Option<f64>,
    #[serde(rename = "CON3")]
    pub con3: Option<f64>,
}

/// `e`, the share of unknown-eligibility cases assumed eligible, computed from the cases of known
/// eligibility with and without the quota-filled cases (4.80). A quota-filled household is occupied
/// and has eligible adults; it is "not eligible" only because its sex's places on the route were
/// taken, a matter of the design rather than of the population. Counting it in NE lowers `e` as the
/// routes fill; leaving it out gives the share eligible among households as the population has them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EligibleShare {
    /// `E / (E + NE)`, the quota-filled cases counted as not eligible (what `Computed` uses).
    pub with_quota_filled: Option<f64>,
    /// `E / (E + NE − quota filled)`, the quota-filled cases left out.
    pub without_quota_filled: Option<f64>,
    /// The quota-filled cases (4.80) the two differ by.
    pub quota_filled: u64,
}

/// Both computed values of `e` for a set of counts; `None` where no case has a known eligibility.
pub fn eligible_share(c: &DispositionCounts) -> EligibleShare {
    let eligible = (c.i + c.p + c.r + c.nc + c.o) as f64;
    let quota_filled = c.quota_filled.min(c.ne);
    EligibleShare {
        with_quota_filled: ratio(eligible, eligible + c.ne as f64),
        without_quota_filled: ratio(eligible, eligible + (c.ne - quota_filled) as f64),
        quota_filled,
    }
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

/// Computes every rate from the counts and the eligibility estimate.
pub fn compute_rates(c: &DispositionCounts, estimate: EligibilityEstimate) -> Rates {
    let f = |n: u64| n as f64;
    let (i, ip, r, o) = (f(c.i), f(c.i + c.p), f(c.r), f(c.o));
    let eligible = f(c.i + c.p + c.r + c.nc + c.o);
    let unknown = f(c.uh + c.uo);
    let e = match estimate {
        EligibilityEstimate::Fixed(e) => Some(e),
        EligibilityEstimate::Computed => ratio(eligible, eligible + f(c.ne)),
    };
    let all = eligible + unknown;
    let with_e = e.map(|e| eligible + e * unknown);
    let by_e = |numerator: f64| with_e.and_then(|d| ratio(numerator, d));
    let contacted = ip + r + o;
    Rates {
        e,
        rr1: ratio(i, all),
        rr2: ratio(ip, all),
        rr3: by_e(i),
        rr4: by_e(ip),
        rr5: ratio(i, eligible),
        rr6: ratio(ip, eligible),
        coop1: ratio(i, ip + r + o),
        coop2: ratio(ip, ip + r + o),
        coop3: ratio(i, ip + r),
        coop4: ratio(ip, ip + r),
        ref1: ratio(r, all),
        ref2: by_e(r),
        ref3: ratio(r, eligible),
        con1: ratio(contacted, all),
        con2: by_e(contacted),
        con3: ratio(contacted, eligible),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<f64>, expected: f64) {
        let a = actual.expect("a defined rate");
        assert!((a - expected).abs() < 1e-9, "{a} != {expected}");
    }

    #[test]
    fn the_kmrs_check_rr1_is_45_4_percent() {
        // 4907 attempts, 2227 completes; of the 2680 non-interviews 45 % refused (1206) and 40 % did not
        // open (1072); the other 402 are counted as other eligible non-interviews.
        let c = DispositionCounts { i: 2227, r: 1206, nc: 1072, o: 402, ..Default::default() };
        assert_eq!(c.total(), 4907);
        let rates = compute_rates(&c, EligibilityEstimate::Computed);
        close(rates.rr1, 2227.0 / 4907.0);
        assert_eq!((rates.rr1.unwrap() * 1000.0).round() / 10.0, 45.4);
        // Without unknowns every response rate is the same.
        close(rates.rr3, 2227.0 / 4907.0);
        close(rates.rr5, 2227.0 / 4907.0);
        close(rates.e, 1.0);
        // COOP1 = 2227 / (2227 + 1206 + 402) = 2227 / 3835.
        close(rates.coop1, 2227.0 / 3835.0);
        close(rates.coop3, 2227.0 / 3433.0);
        close(rates.ref1, 1206.0 / 4907.0);
        close(rates.con1, 3835.0 / 4907.0);
    }

    #[test]
    fn every_rate_against_a_hand_calculation() {
        // I=40, P=10, R=20, NC=15, O=5, UH=6, UO=4, NE=25. E = 90, U = 10, known = 115.
        let c = DispositionCounts { i: 40, p: 10, r: 20, nc: 15, o: 5, uh: 6, uo: 4, ne: 25, quota_filled: 0 };
        let rates = compute_rates(&c, EligibilityEstimate::Computed);
        // e = 90 / 115; E + e·U = 90 + 900/115 = 11250/115.
        close(rates.e, 90.0 / 115.0);
        let with_e = 11250.0 / 115.0;
        close(rates.rr1, 40.0 / 100.0);
        close(rates.rr2, 50.0 / 100.0);
        close(rates.rr3, 40.0 / with_e);
        close(rates.rr4, 50.0 / with_e);
        close(rates.rr5, 40.0 / 90.0);
        close(rates.rr6, 50.0 / 90.0);
        close(rates.coop1, 40.0 / 75.0);
        close(rates.coop2, 50.0 / 75.0);
        close(rates.coop3, 40.0 / 70.0);
        close(rates.coop4, 50.0 / 70.0);
        close(rates.ref1, 20.0 / 100.0);
        close(rates.ref2, 20.0 / with_e);
        close(rates.ref3, 20.0 / 90.0);
        close(rates.con1, 75.0 / 100.0);
        close(rates.con2, 75.0 / with_e);
        close(rates.con3, 75.0 / 90.0);
        // A fixed e = 0.5: RR3 = 40 / (90 + 5).
        let fixed = compute_rates(&c, EligibilityEstimate::Fixed(0.5));
        close(fixed.rr3, 40.0 / 95.0);
        assert_eq!(fixed.rr1, rates.rr1);
    }

    #[test]
    fn empty_denominators_give_none() {
        let rates = compute_rates(&DispositionCounts::default(), EligibilityEstimate::Computed);
        assert_eq!((rates.e, rates.rr1, rates.rr3, rates.coop1, rates.con3), (None, None, None, None, None));
        // Only ineligible cases: e = 0 but every denominator is still 0.
        let rates = compute_rates(&DispositionCounts { ne: 5, ..Default::default() }, EligibilityEstimate::Computed);
        assert_eq!((rates.e, rates.rr1, rates.rr3), (Some(0.0), None, None));
        // Only unknowns with e = 0: RR1 is 0, RR3 has no denominator.
        let rates = compute_rates(&DispositionCounts { uh: 3, ne: 1, ..Default::default() }, EligibilityEstimate::Computed);
        assert_eq!((rates.rr1, rates.rr3), (Some(0.0), None));
    }

    #[test]
    fn counts_come_from_dispositions_and_serialize_with_aapor_names() {
        let ds = [
            Disposition::Complete,
            Disposition::Complete,
            Disposition::HouseholdRefusal,
            Disposition::NoOneAtResidence,
            Disposition::UnknownIfOccupied,
            Disposition::OtherUnknown,
            Disposition::QuotaFilled,
        ];
        let c = DispositionCounts::from_dispositions(&ds);
        assert_eq!(c, DispositionCounts { i: 2, p: 0, r: 1, nc: 1, o: 0, uh: 1, uo: 1, ne: 1, quota_filled: 1 });
        let json = serde_json::to_value(compute_rates(&c, EligibilityEstimate::Computed)).unwrap();
        assert_eq!(json["RR1"], serde_json::json!(2.0 / 6.0));
        assert!(json["COOP4"].is_number() && json["CON3"].is_number() && json["e"].is_number());
    }

    #[test]
    fn e_with_and_without_the_quota_filled_cases() {
        // E = 40 + 10 + 20 + 15 + 5 = 90; NE = 25 of which 15 quota filled (4.80).
        // With them: 90 / 115 = 0.7826...; without: 90 / (90 + 10) = 0.9.
        let c = DispositionCounts { i: 40, p: 10, r: 20, nc: 15, o: 5, uh: 6, uo: 4, ne: 25, quota_filled: 15 };
        let share = eligible_share(&c);
        close(share.with_quota_filled, 90.0 / 115.0);
        close(share.without_quota_filled, 0.9);
        assert_eq!(share.quota_filled, 15);
        // The rates' computed e is the one with them, as before.
        close(compute_rates(&c, EligibilityEstimate::Computed).e, 90.0 / 115.0);
        // Only quota-filled cases known: e is 0 with them and undefined without.
        let only = eligible_share(&DispositionCounts { uh: 2, ne: 3, quota_filled: 3, ..Default::default() });
        assert_eq!((only.with_quota_filled, only.without_quota_filled), (Some(0.0), None));
        // Counting a 4.80 disposition counts it in both NE and quota_filled.
        let mut d = DispositionCounts::default();
        d.add(Disposition::QuotaFilled);
        d.add(Disposition::VacantUnit);
        assert_eq!((d.ne, d.quota_filled), (2, 1));
        let mut m = d;
        m.merge(&c);
        assert_eq!((m.ne, m.quota_filled, m.i), (27, 16, 40));
    }
}
