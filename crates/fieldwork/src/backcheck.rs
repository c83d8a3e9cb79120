//! Back-checks (issue 8): the supervisor re-contacts a seeded sample of each interviewer's completes and
//! compares a short re-interview with what was recorded.
//!
//! **The draw.** For each interviewer, their completes are sorted by interview id and `ceil(share × n)`
//! of them (at least one when they have any) are drawn without replacement by a partial Fisher–Yates
//! shuffle on the ChaCha20 stream of `derive_seed(seed, "backcheck/<interviewer>")` ([`crate::rng`]).
//! The sample of one interviewer does not depend on the others', and the same seed and completes give
//! the same sample anywhere. An interview already drawn stays drawn; a later draw (more completes)
//! adds to it.
//!
//! **The comparison.** The back-check records whether the household was visited, whether the person
//! who answered was the respondent, the household size and the key answers asked again; each differs
//! from the interview or not. Any difference is a mismatch that flags the interviewer.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::rng::{below, derive_seed, stream};

/// The interviews drawn for back-checks, per interviewer (interview ids, sorted).
pub fn draw(completes: &[(String, String)], share_percent: u32, seed: u64) -> BTreeMap<String, Vec<String>> {
    let mut by_interviewer: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (interviewer, interview) in completes {
        by_interviewer.entry(interviewer.as_str()).or_default().push(interview.as_str());
    }
    let mut out = BTreeMap::new();
    for (interviewer, mut ids) in by_interviewer {
        ids.sort_unstable();
        ids.dedup();
        let n = ids.len();
        let k = ((n as u64 * share_percent as u64).div_ceil(100) as usize).clamp(usize::from(n > 0), n);
        let mut rng = stream(derive_seed(seed, &format!("backcheck/{interviewer}")));
        for i in 0..k {
            let j = i + below(&mut rng, (n - i) as u64) as usize;
            ids.swap(i, j);
        }
        let mut chosen: Vec<String> = ids[..k].iter().map(|s| s.to_string()).collect();
        chosen.sort();
        out.insert(interviewer.to_string(), chosen);
    }
    out
}

/// What the back-check found at the door.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BackcheckOutcome {
    /// The household confirms an interviewer came.
    pub visited: bool,
    /// The person who answered then is the respondent recorded.
    pub same_respondent: bool,
    /// The household size now reported.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub household_size: Option<i64>,
    /// Key answers asked again, by question id (JSON values as the interview stores them).
    #[serde(default)]
    #[ts(type = "Record<string, unknown>")]
    pub answers: BTreeMap<String, serde_json::Value>,
}

/// One difference between the back-check and the interview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mismatch {
    /// `visited`, `same_respondent`, `household_size` or a question id.
    pub item: String,
    pub recorded: Option<serde_json::Value>,
    pub found: Option<serde_json::Value>,
}

/// Compares a back-check with the interview's stored answers (`recorded`, by question id; the household
/// size under `household_size`'s question id).
pub fn compare(outcome: &BackcheckOutcome, household_size: Option<&str>, recorded: &BTreeMap<String, serde_json::Value>) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if !outcome.visited {
        out.push(Mismatch { item: "visited".into(), recorded: Some(true.into()), found: Some(false.into()) });
    }
    if !outcome.same_respondent {
        out.push(Mismatch { item: "same_respondent".into(), recorded: Some(true.into()), found: Some(false.into()) });
    }
    if let (Some(q), Some(size)) = (household_size, outcome.household_size) {
        let stored = recorded.get(q).cloned();
        if stored.as_ref().and_then(|v| v.as_f64()) != Some(size as f64) {
            out.push(Mismatch { item: "household_size".into(), recorded: stored, found: Some(size.into()) });
        }
    }
    let asked: BTreeSet<&String> = outcome.answers.keys().collect();
    for q in asked {
        let found = &outcome.answers[q];
        let stored = recorded.get(q);
        let same = match (stored, found) {
            (Some(a), b) if a.is_number() && b.is_number() => a.as_f64() == b.as_f64(),
            (Some(a), b) => a == b,
            (None, _) => false,
        };
        if !same {
            out.push(Mismatch { item: q.clone(), recorded: stored.cloned(), found: Some(found.clone()) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn completes(per: &[(&str, usize)]) -> Vec<(String, String)> {
        per.iter().flat_map(|(who, n)| (0..*n).map(move |i| (who.to_string(), format!("{who}-{i:03}")))).collect()
    }

    #[test]
    fn each_interviewer_gets_the_share_rounded_up_reproducibly_and_independently() {
        let c = completes(&[("ann", 40), ("bob", 7), ("cat", 1), ("dan", 0)]);
        let d = draw(&c, 12, 2010);
        assert_eq!(d["ann"].len(), 5); // ceil(4.8)
        assert_eq!(d["bob"].len(), 1); // ceil(0.84)
        assert_eq!(d["cat"].len(), 1);
        assert!(!d.contains_key("dan"));
        assert_eq!(d, draw(&c, 12, 2010), "the same seed, the same sample");
        assert_ne!(draw(&c, 12, 2011)["ann"], d["ann"], "another seed, another sample");
        // Bob's sample does not depend on Ann's completes or their order.
        let mut other = completes(&[("bob", 7), ("ann", 3)]);
        other.reverse();
        assert_eq!(draw(&other, 12, 2010)["bob"], d["bob"]);
        for ids in d.values() {
            let unique: BTreeSet<_> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len());
        }
    }

    #[test]
    fn every_interview_can_be_drawn() {
        let c = completes(&[("ann", 10)]);
        let mut seen = BTreeSet::new();
        for seed in 0..200 {
            seen.extend(draw(&c, 10, seed)["ann"].clone());
        }
        assert_eq!(seen.len(), 10);
    }

    #[test]
    fn differences_are_mismatches_and_agreement_is_not() {
        let recorded: BTreeMap<String, serde_json::Value> =
            [("Q101".into(), json!(4)), ("Q401".into(), json!(1)), ("Q601".into(), json!(2))].into();
        let same = BackcheckOutcome {
            visited: true,
            same_respondent: true,
            household_size: Some(4),
            answers: [("Q401".into(), json!(1)), ("Q601".into(), json!(2.0))].into(),
        };
        assert!(compare(&same, Some("Q101"), &recorded).is_empty());
        let off = BackcheckOutcome {
            visited: false,
            same_respondent: false,
            household_size: Some(5),
            answers: [("Q401".into(), json!(2)), ("Q609".into(), json!(1))].into(),
        };
        let m = compare(&off, Some("Q101"), &recorded);
        let items: Vec<&str> = m.iter().map(|m| m.item.as_str()).collect();
        assert_eq!(items, ["visited", "same_respondent", "household_size", "Q401", "Q609"]);
    }
}
