//! Screening and respondent selection at the door, under the route's gender quota.
//!
//! The interviewer lists the household's adults (name, sex, age, permanent member or not, head or
//! co-decision-maker, present now). The app applies the study's eligibility (KMRS: a permanent member
//! aged 18+ who is the head or takes the main decisions with the head) and the route's quota state:
//! among the eligible persons of a sex with a free place on the route (neither achieved nor held by an
//! interview in progress, see [`crate::quota::Holds`]), one is proposed, by a seeded draw when
//! there are several; if that person is not at home the proposal is an appointment. The draw includes
//! absent candidates on purpose: choosing only among those at home would favour people who are at home
//! more often, the very bias the gender quota was introduced against. If every eligible person is of a
//! sex whose cell is full or held, the outcome is "quota filled" (interim 65, AAPOR 4.80); if nobody is
//! eligible, "no eligible person" (64, 4.70). The interviewer may override the proposal with a reason;
//! the selection is then flagged for the supervisor. Several households at one address: one is drawn
//! and the number of households is recorded.

use serde::{Deserialize, Serialize};

use crate::contact::InterimCode;
use crate::error::FieldworkError;
use crate::quota::{Holds, RouteQuota};
use crate::rng;
use crate::Sex;

/// Who may be the respondent (from the study settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Only permanent household members.
    pub permanent_member: bool,
    pub min_age: u32,
    /// Only the head of household or a co-decision-maker.
    pub head_or_co_decision_maker: bool,
}

/// Why a person is not eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ineligibility {
    Underage,
    NotPermanent,
    NotHeadOrCoDecisionMaker,
}

/// One adult listed at screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adult {
    /// The line in the household roster (the questionnaire's Q113 takes it).
    pub line: u32,
    pub name: String,
    pub sex: Sex,
    pub age: u32,
    pub permanent: bool,
    pub head: bool,
    pub co_decision_maker: bool,
    /// At home now, able to be interviewed today.
    pub present: bool,
}

impl Eligibility {
    /// Every reason the person is not eligible; empty if eligible.
    pub fn check(&self, adult: &Adult) -> Vec<Ineligibility> {
        let mut why = Vec::new();
        if adult.age < self.min_age {
            why.push(Ineligibility::Underage);
        }
        if self.permanent_member && !adult.permanent {
            why.push(Ineligibility::NotPermanent);
        }
        if self.head_or_co_decision_maker && !(adult.head || adult.co_decision_maker) {
            why.push(Ineligibility::NotHeadOrCoDecisionMaker);
        }
        why
    }

    /// Whether the person may be the respondent.
    pub fn is_eligible(&self, adult: &Adult) -> bool {
        self.check(adult).is_empty()
    }
}

/// The screening of a household: who is eligible and why the others are not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    pub eligible: Vec<u32>,
    pub ineligible: Vec<(u32, Vec<Ineligibility>)>,
}

/// Checks the list and sorts the adults into eligible and not, by line.
pub fn screen(adults: &[Adult], rules: &Eligibility) -> Result<Screening, FieldworkError> {
    let mut lines: Vec<u32> = adults.iter().map(|a| a.line).collect();
    lines.sort_unstable();
    if let Some(w) = lines.windows(2).find(|w| w[0] == w[1]) {
        return Err(FieldworkError::DuplicateLine { line: w[0] });
    }
    let mut s = Screening { eligible: Vec::new(), ineligible: Vec::new() };
    let mut sorted: Vec<&Adult> = adults.iter().collect();
    sorted.sort_by_key(|a| a.line);
    for a in sorted {
        let why = rules.check(a);
        if why.is_empty() {
            s.eligible.push(a.line);
        } else {
            s.ineligible.push((a.line, why));
        }
    }
    Ok(s)
}

/// What to do with the chosen person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Interview now.
    Interview,
    /// The person is not at home: make an appointment (interim 21).
    Appointment,
}

/// A chosen respondent and how they were chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// The respondent's roster line (the questionnaire's Q113).
    pub line: u32,
    pub sex: Sex,
    pub action: Action,
    /// Every eligible person, by line.
    pub eligible: Vec<u32>,
    /// The eligible persons of a needed sex the respondent was drawn from.
    pub candidates: Vec<u32>,
    /// The sexes with a free place on the route (not achieved, not held by an interview in progress).
    pub needed: Vec<Sex>,
    /// The seed of the draw among the candidates.
    pub seed: u64,
    /// The interviewer's reason when the proposal was overridden.
    pub override_reason: Option<String>,
    /// Shown to the supervisor: the respondent was not the app's proposal.
    pub flagged: bool,
}

/// The app's proposal after screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Proposal {
    /// Interview this person, or make an appointment with them.
    Respondent(Selection),
    /// Every eligible person is of a sex whose cell is full (interim 65, AAPOR 4.80).
    QuotaFilled { eligible: Vec<u32>, needed: Vec<Sex> },
    /// Nobody in the household is eligible (interim 64, AAPOR 4.70).
    NoEligible { screening: Screening },
}

impl Proposal {
    /// The interim code the visit ends with when there is no interview now.
    pub fn interim_code(&self) -> Option<InterimCode> {
        match self {
            Proposal::Respondent(s) if s.action == Action::Appointment => Some(InterimCode::Appointment),
            Proposal::Respondent(_) => None,
            Proposal::QuotaFilled { .. } => Some(InterimCode::QuotaFilled),
            Proposal::NoEligible { .. } => Some(InterimCode::NoEligiblePerson),
        }
    }
}

/// Proposes the respondent for a household under the route's quota state and the places `holds`
/// keeps for interviews in progress elsewhere on the route. `seed` decides among several candidates;
/// derive it per household, e.g. `rng::derive_seed(route_seed, &address_key)`.
pub fn propose_respondent(
    adults: &[Adult],
    rules: &Eligibility,
    quota: &RouteQuota,
    holds: Holds,
    seed: u64,
) -> Result<Proposal, FieldworkError> {
    let screening = screen(adults, rules)?;
    if screening.eligible.is_empty() {
        return Ok(Proposal::NoEligible { screening });
    }
    let needed = quota.free_sexes(holds);
    let person = |line: u32| adults.iter().find(|a| a.line == line).expect("screened lines come from the list");
    let candidates: Vec<u32> = screening.eligible.iter().copied().filter(|l| needed.contains(&person(*l).sex)).collect();
    if candidates.is_empty() {
        return Ok(Proposal::QuotaFilled { eligible: screening.eligible, needed });
    }
    let index = if candidates.len() == 1 { 0 } else { rng::below(&mut rng::stream(seed), candidates.len() as u64) as usize };
    let chosen = person(candidates[index]);
    Ok(Proposal::Respondent(Selection {
        line: chosen.line,
        sex: chosen.sex,
        action: if chosen.present { Action::Interview } else { Action::Appointment },
        eligible: screening.eligible,
        candidates,
        needed,
        seed,
        override_reason: None,
        flagged: false,
    }))
}

/// Overrides the proposal with another eligible person, for a stated reason; the selection is flagged.
pub fn override_respondent(
    adults: &[Adult],
    rules: &Eligibility,
    quota: &RouteQuota,
    holds: Holds,
    line: u32,
    reason: &str,
) -> Result<Selection, FieldworkError> {
    if reason.trim().is_empty() {
        return Err(FieldworkError::OverrideWithoutReason);
    }
    let screening = screen(adults, rules)?;
    let chosen = adults.iter().find(|a| a.line == line).ok_or(FieldworkError::NoSuchPerson { line })?;
    let why = rules.check(chosen);
    if !why.is_empty() {
        return Err(FieldworkError::NotEligible { line, reasons: why });
    }
    let needed = quota.free_sexes(holds);
    let candidates =
        screening.eligible.iter().copied().filter(|l| adults.iter().any(|a| a.line == *l && needed.contains(&a.sex))).collect();
    Ok(Selection {
        line,
        sex: chosen.sex,
        action: if chosen.present { Action::Interview } else { Action::Appointment },
        eligible: screening.eligible,
        candidates,
        needed,
        seed: 0,
        override_reason: Some(reason.trim().to_string()),
        flagged: true,
    })
}

/// The household drawn at an address with several households.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdDraw {
    /// How many households the address has (recorded for the design weights).
    pub households: u32,
    /// The drawn household, 1-based in the order the interviewer listed them.
    pub chosen: u32,
    pub seed: u64,
}

/// Draws one of `households` households at an address.
pub fn draw_household(households: u32, seed: u64) -> Result<HouseholdDraw, FieldworkError> {
    if households == 0 {
        return Err(FieldworkError::NoHouseholds);
    }
    let chosen = if households == 1 { 1 } else { rng::below(&mut rng::stream(seed), u64::from(households)) as u32 + 1 };
    Ok(HouseholdDraw { households, chosen, seed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quota::QuotaCell;

    const KMRS: Eligibility = Eligibility { permanent_member: true, min_age: 18, head_or_co_decision_maker: true };

    fn adult(line: u32, name: &str, sex: Sex, age: u32, head: bool, co: bool, present: bool) -> Adult {
        Adult { line, name: name.into(), sex, age, permanent: true, head, co_decision_maker: co, present }
    }

    /// A household of five: the head Serik, his wife Aigul (co-decision-maker), his mother Raisa (not a
    /// decision-maker), their son Nurlan aged 17, and a lodger Pavel who decides with them but is not a
    /// permanent member.
    fn family() -> Vec<Adult> {
        vec![
            adult(1, "Серик", Sex::Male, 45, true, false, true),
            adult(2, "Айгуль", Sex::Female, 42, false, true, false),
            adult(3, "Раиса", Sex::Female, 70, false, false, true),
            adult(4, "Нурлан", Sex::Male, 17, false, true, true),
            Adult { permanent: false, ..adult(5, "Павел", Sex::Male, 30, false, true, true) },
        ]
    }

    fn quota(female_done: u32, male_done: u32) -> RouteQuota {
        RouteQuota {
            female: female_done,
            male: male_done,
            ..RouteQuota::new(&QuotaCell { route: "almaty-R01".into(), female: 6, male: 4 })
        }
    }

    #[test]
    fn screening_gives_every_reason() {
        let s = screen(&family(), &KMRS).unwrap();
        assert_eq!(s.eligible, [1, 2]);
        assert_eq!(
            s.ineligible,
            [
                (3, vec![Ineligibility::NotHeadOrCoDecisionMaker]),
                (4, vec![Ineligibility::Underage]),
                (5, vec![Ineligibility::NotPermanent])
            ]
        );
        let mut twice = family();
        twice[1].line = 1;
        assert!(matches!(screen(&twice, &KMRS), Err(FieldworkError::DuplicateLine { line: 1 })));
    }

    #[test]
    fn the_needed_sex_is_proposed_and_an_absent_person_gets_an_appointment() {
        // Both sexes open: the draw is among Serik and Aigul.
        let Proposal::Respondent(s) = propose_respondent(&family(), &KMRS, &quota(0, 0), Holds::default(), 11).unwrap() else { panic!() };
        assert_eq!(s.candidates, [1, 2]);
        // Men full (4 of 4): only Aigul, who is out, so an appointment with her.
        let p = propose_respondent(&family(), &KMRS, &quota(2, 4), Holds::default(), 11).unwrap();
        let Proposal::Respondent(s) = &p else { panic!() };
        assert_eq!((s.line, s.sex, s.action, s.flagged), (2, Sex::Female, Action::Appointment, false));
        assert_eq!((s.candidates.as_slice(), s.needed.as_slice()), (&[2][..], &[Sex::Female][..]));
        assert_eq!(p.interim_code(), Some(InterimCode::Appointment));
        // Women full (6 of 6): Serik, present, is interviewed now.
        let p = propose_respondent(&family(), &KMRS, &quota(6, 1), Holds::default(), 11).unwrap();
        let Proposal::Respondent(s) = &p else { panic!() };
        assert_eq!((s.line, s.action), (1, Action::Interview));
        assert_eq!(p.interim_code(), None);
    }

    #[test]
    fn a_place_held_by_an_interview_in_progress_is_not_proposed_again() {
        // One place left for a woman (5 of 6), and another household's woman is being interviewed.
        let couple = [adult(1, "Серик", Sex::Male, 45, true, false, true), adult(2, "Айгуль", Sex::Female, 42, false, true, true)];
        let held = Holds { female: 1, male: 0 };
        for seed in 0..50 {
            let Proposal::Respondent(s) = propose_respondent(&couple, &KMRS, &quota(5, 0), held, seed).unwrap() else { panic!() };
            assert_eq!((s.line, s.sex, s.needed.as_slice()), (1, Sex::Male, &[Sex::Male][..]));
        }
        let alone = [adult(1, "Галина", Sex::Female, 66, true, false, true)];
        assert_eq!(
            propose_respondent(&alone, &KMRS, &quota(5, 0), held, 5).unwrap(),
            Proposal::QuotaFilled { eligible: vec![1], needed: vec![Sex::Male] }
        );
    }

    #[test]
    fn only_full_quota_genders_eligible_means_quota_filled() {
        // A widow living alone, head of household; the route's women are all done.
        let alone = [adult(1, "Галина", Sex::Female, 66, true, false, true)];
        let p = propose_respondent(&alone, &KMRS, &quota(6, 2), Holds::default(), 5).unwrap();
        assert_eq!(p, Proposal::QuotaFilled { eligible: vec![1], needed: vec![Sex::Male] });
        assert_eq!(p.interim_code(), Some(InterimCode::QuotaFilled));
        let nobody = [adult(1, "Дана", Sex::Female, 16, true, false, true)];
        let p = propose_respondent(&nobody, &KMRS, &quota(0, 0), Holds::default(), 5).unwrap();
        assert!(matches!(p, Proposal::NoEligible { .. }));
        assert_eq!(p.interim_code(), Some(InterimCode::NoEligiblePerson));
    }

    #[test]
    fn several_candidates_are_drawn_reproducibly_and_all_can_be_drawn() {
        let adults: Vec<Adult> = (1..=4).map(|l| adult(l, "Ж", Sex::Female, 30 + l, l == 1, l != 1, true)).collect();
        let mut seen = [false; 5];
        for seed in 0..200 {
            let Proposal::Respondent(a) = propose_respondent(&adults, &KMRS, &quota(0, 0), Holds::default(), seed).unwrap() else {
                panic!()
            };
            let Proposal::Respondent(b) = propose_respondent(&adults, &KMRS, &quota(0, 0), Holds::default(), seed).unwrap() else {
                panic!()
            };
            assert_eq!(a, b, "the same seed gives the same respondent");
            assert_eq!(a.seed, seed);
            seen[a.line as usize] = true;
        }
        assert_eq!(seen, [false, true, true, true, true]);
    }

    #[test]
    fn an_override_needs_a_reason_and_an_eligible_person_and_is_flagged() {
        let q = quota(6, 0);
        assert!(matches!(override_respondent(&family(), &KMRS, &q, Holds::default(), 2, "  "), Err(FieldworkError::OverrideWithoutReason)));
        assert!(matches!(
            override_respondent(&family(), &KMRS, &q, Holds::default(), 9, "x"),
            Err(FieldworkError::NoSuchPerson { line: 9 })
        ));
        assert!(matches!(
            override_respondent(&family(), &KMRS, &q, Holds::default(), 3, "x"),
            Err(FieldworkError::NotEligible { line: 3, .. })
        ));
        let s = override_respondent(&family(), &KMRS, &q, Holds::default(), 2, "Муж отказался, жена согласна").unwrap();
        assert_eq!((s.line, s.sex, s.flagged, s.action), (2, Sex::Female, true, Action::Appointment));
        assert_eq!(s.override_reason.as_deref(), Some("Муж отказался, жена согласна"));
        assert_eq!(s.candidates, [1], "the proposal would have been the man");
    }

    #[test]
    fn one_of_several_households_is_drawn_and_the_count_recorded() {
        assert!(matches!(draw_household(0, 1), Err(FieldworkError::NoHouseholds)));
        assert_eq!(draw_household(1, 99).unwrap(), HouseholdDraw { households: 1, chosen: 1, seed: 99 });
        let d = draw_household(3, 2010).unwrap();
        assert_eq!(d, draw_household(3, 2010).unwrap());
        assert!((1..=3).contains(&d.chosen));
        let chosen: std::collections::BTreeSet<u32> = (0..100).map(|s| draw_household(3, s).unwrap().chosen).collect();
        assert_eq!(chosen.into_iter().collect::<Vec<_>>(), [1, 2, 3]);
    }
}
