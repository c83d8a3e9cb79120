//! The screening record of one address, in the order the protocol asks for it: first the household
//! is drawn among the households living at the address (the cover's Q010 count), seeded, and the draw
//! is stored and shown; only then does the interviewer list THAT household's adults, and the
//! respondent is proposed under the route's quota ([`crate::selection::propose_respondent`]).
//!
//! Drawing first is what makes the draw a draw: when the adults were asked for before the draw was
//! shown, the interviewer, who already stood in one household, in practice chose it. For the same
//! reason the draw is never made again: listing the adults a second time (a list found wrong, the
//! selected person's sex filled since) keeps the first draw, needs the interviewer's reason, and is
//! recorded ([`Rescreen`]) so the supervisor and the field report see it.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::error::FieldworkError;
use crate::quota::{Holds, RouteQuota};
use crate::selection::{draw_household, propose_respondent, Adult, Eligibility, HouseholdDraw, Proposal, Selection};

/// One re-screening of a household: when, why, and what the earlier listing had proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rescreen {
    /// Local time of the re-screening.
    pub at: NaiveDateTime,
    /// The interviewer's reason, required.
    pub reason: String,
    /// The adults listed before.
    pub previous_adults: Vec<Adult>,
    /// What the earlier listing proposed.
    pub previous: Option<Proposal>,
}

/// Everything screening records at one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdScreening {
    /// The household drawn among those at the address (stored before any adult is listed).
    pub household_draw: HouseholdDraw,
    /// The drawn household's adults, as last listed; empty until listed.
    #[serde(default)]
    pub adults: Vec<Adult>,
    /// The proposal of the last listing; `None` until the adults are listed.
    #[serde(default)]
    pub proposal: Option<Proposal>,
    /// The respondent the interview was started with (the proposal, or an override).
    #[serde(default)]
    pub selection: Option<Selection>,
    /// Every listing after the first, in order.
    #[serde(default)]
    pub rescreens: Vec<Rescreen>,
}

impl HouseholdScreening {
    /// Draws one of `households` households (`seed` from the route's seed and the address key).
    pub fn draw(households: u32, seed: u64) -> Result<HouseholdScreening, FieldworkError> {
        Ok(HouseholdScreening {
            household_draw: draw_household(households, seed)?,
            adults: Vec::new(),
            proposal: None,
            selection: None,
            rescreens: Vec::new(),
        })
    }

    /// The household draw of this record for `households` households: the stored one. A different
    /// count after the draw is refused ([`FieldworkError::HouseholdAlreadyDrawn`]): the draw stands.
    pub fn check_draw(&self, households: u32) -> Result<HouseholdDraw, FieldworkError> {
        let d = self.household_draw;
        if d.households != households {
            return Err(FieldworkError::HouseholdAlreadyDrawn { households: d.households, chosen: d.chosen });
        }
        Ok(d)
    }

    /// Whether the adults were listed at least once.
    pub fn is_listed(&self) -> bool {
        self.proposal.is_some()
    }

    /// Lists the drawn household's adults and proposes the respondent. The first listing needs no
    /// reason; every later one does (`rescreen_reason`, [`FieldworkError::RescreenWithoutReason`]),
    /// keeps the household draw, and is recorded as a [`Rescreen`] with the earlier list and
    /// proposal. A new listing clears a selection the earlier one led to.
    #[allow(clippy::too_many_arguments)]
    pub fn list(
        &mut self,
        adults: Vec<Adult>,
        rules: &Eligibility,
        quota: &RouteQuota,
        holds: Holds,
        seed: u64,
        rescreen_reason: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<&Proposal, FieldworkError> {
        let rescreen = match (self.is_listed(), rescreen_reason.map(str::trim).filter(|r| !r.is_empty())) {
            (false, _) => None,
            (true, None) => return Err(FieldworkError::RescreenWithoutReason),
            (true, Some(reason)) => Some(reason.to_string()),
        };
        let proposal = propose_respondent(&adults, rules, quota, holds, seed)?;
        if let Some(reason) = rescreen {
            self.rescreens.push(Rescreen { at, reason, previous_adults: std::mem::take(&mut self.adults), previous: self.proposal.take() });
            self.selection = None;
        }
        self.adults = adults;
        Ok(self.proposal.insert(proposal))
    }

    /// Shown to the supervisor: the household was screened more than once.
    pub fn flagged(&self) -> bool {
        !self.rescreens.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::QuotaCell;
    use crate::Sex;
    use chrono::NaiveDate;

    const KMRS: Eligibility = Eligibility { permanent_member: true, min_age: 18, head_or_co_decision_maker: true };

    fn adult(line: u32, name: &str, sex: Sex) -> Adult {
        Adult { line, name: name.into(), sex, age: 40, permanent: true, head: line == 1, co_decision_maker: line != 1, present: true }
    }

    fn at(hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2010, 10, 12).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    #[test]
    fn the_draw_comes_first_and_stays() {
        let quota = RouteQuota::new(&QuotaCell { route: "almaty-R01".into(), female: 5, male: 5 });
        let mut s = HouseholdScreening::draw(3, 2010).unwrap();
        let drawn = s.household_draw;
        assert_eq!(drawn, draw_household(3, 2010).unwrap());
        assert!(!s.is_listed() && s.proposal.is_none() && s.adults.is_empty());
        assert!(matches!(HouseholdScreening::draw(0, 1), Err(FieldworkError::NoHouseholds)));
        // The same count returns the stored draw; another count is refused.
        assert_eq!(s.check_draw(3), Ok(drawn));
        assert_eq!(s.check_draw(2), Err(FieldworkError::HouseholdAlreadyDrawn { households: 3, chosen: drawn.chosen }));

        let first = s.list(vec![adult(1, "Серик", Sex::Male)], &KMRS, &quota, Holds::default(), 7, None, at(18)).unwrap().clone();
        assert!(matches!(first, Proposal::Respondent(ref sel) if sel.line == 1));
        assert!(!s.flagged());
        // A second list without a reason is refused and changes nothing.
        let before = s.clone();
        let couple = vec![adult(1, "Айгуль", Sex::Female), adult(2, "Серик", Sex::Male)];
        assert_eq!(
            s.list(couple.clone(), &KMRS, &quota, Holds::default(), 7, Some("  "), at(19)),
            Err(FieldworkError::RescreenWithoutReason)
        );
        assert_eq!(s, before);
        // With a reason: the draw is kept, the earlier list and proposal are recorded, the flag is up.
        s.list(couple.clone(), &KMRS, &quota, Holds::default(), 7, Some("список был неполным"), at(19)).unwrap();
        assert_eq!(s.household_draw, drawn);
        assert_eq!(s.adults, couple);
        assert!(s.flagged());
        assert_eq!(
            s.rescreens,
            [Rescreen {
                at: at(19),
                reason: "список был неполным".into(),
                previous_adults: vec![adult(1, "Серик", Sex::Male)],
                previous: Some(first)
            }]
        );
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<HouseholdScreening>(&json).unwrap(), s);
    }

    #[test]
    fn a_record_of_an_older_dala_still_reads() {
        // Stored before the draw came first: adults, draw and proposal in one document, no rescreens.
        let old = r#"{"adults":[],"household_draw":{"households":1,"chosen":1,"seed":5},
            "proposal":{"outcome":"no_eligible","screening":{"eligible":[],"ineligible":[]}},"selection":null}"#;
        let s: HouseholdScreening = serde_json::from_str(old).unwrap();
        assert!(s.is_listed() && !s.flagged());
    }
}
