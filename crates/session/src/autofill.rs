//! Answers a whole interview automatically: for benchmarks, tests and demo data.
//!
//! The filler walks the interview in order and gives each relevant, unanswered question the first
//! value the engine accepts from a list of plausible candidates (or the value a caller's override
//! picks), confirming the soft warnings it raises, exactly as an interviewer would through
//! [`Session::record`]. It knows nothing about any particular study.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{DateTime, Utc};
use dala_questionnaire::engine::Slot;
use dala_questionnaire::model::{QuestionType, RosterSize, RuleSeverity};
use dala_questionnaire::{AnswerKey, Questionnaire};
use serde_json::{json, Value as Json};

use crate::{Session, SessionError};

/// What a fill did: each answer with the time `Session::record` took, and what it had to skip.
#[derive(Debug, Default)]
pub struct FillReport {
    pub answered: Vec<(AnswerKey, f64)>,
    pub skipped: Vec<AnswerKey>,
    /// Time of the answer that sized the first count roster.
    pub roster_build_us: f64,
}

/// True when a hard rule of a roster question reads the question over its own roster
/// (`count(members, Q103 == 1) <= 1`: one head of household), so that later rows should try other
/// codes first. Recognised by shape, not by id, so it works for any study.
fn limits_its_rows(q: &Questionnaire, question: usize) -> bool {
    let question = &q.questions[question];
    let Some(roster) = question.roster.map(|r| q.rosters[r].id.as_str()) else { return false };
    question
        .validations
        .iter()
        .filter(|v| v.severity == RuleSeverity::Error)
        .any(|v| v.rule.references().iter().any(|r| r.name == question.id && r.through_roster.as_deref() == Some(roster)))
}

/// A plausible value for a question instance, trying alternatives in order.
pub fn candidates(q: &Questionnaire, slot: Slot, members: usize) -> Vec<Json> {
    let question = &q.questions[slot.question];
    let row = slot.path.as_slice().first().copied().unwrap_or(1);
    let is_size = q.rosters.iter().any(|r| matches!(r.size, RosterSize::Count(s) if s == slot.question));
    let mut out = Vec::new();
    match question.kind {
        QuestionType::Integer if is_size => out.push(json!(members)),
        QuestionType::Single => {
            // Relationship-style lists: the first row is the head (code 1), others a later code.
            let mut codes: Vec<i64> = question.options.iter().map(|o| o.code).collect();
            if row > 1 && codes.first() == Some(&1) && limits_its_rows(q, slot.question) {
                codes.rotate_left(2);
            }
            out.extend(codes.into_iter().map(Json::from));
        }
        QuestionType::Multiple => {
            for o in &question.options {
                out.push(json!([o.code]));
            }
        }
        QuestionType::Integer | QuestionType::Scale | QuestionType::Decimal => {
            let lo = question.min.unwrap_or(0.0);
            let hi = question.max.unwrap_or(lo + 100.0);
            for v in [1.0f64, lo, (lo + hi) / 2.0, hi] {
                if v >= lo && v <= hi {
                    out.push(json!(v.round() as i64));
                }
            }
        }
        QuestionType::Year => {
            // The first roster row (usually the head) is the oldest, so family age gaps hold.
            let years: &[i64] =
                if row == 1 { &[1960, 1975, 1990, 2000, 2005, 2009, 1950] } else { &[1988, 1975, 1995, 2000, 2005, 2009, 1960] };
            for &y in years {
                if question.min.is_none_or(|m| y as f64 >= m) && question.max.is_none_or(|m| y as f64 <= m) {
                    out.push(json!(y));
                }
            }
        }
        QuestionType::Money => {
            // The default currency first; the others after it, for rules that read `currency(.)`
            // (an amount in tenge cannot be from before 1993).
            let default = vec!["KZT".to_string()];
            let currencies = if question.currencies.is_empty() { &default } else { &question.currencies };
            for c in currencies {
                for a in [50_000i64, 0, 1000] {
                    out.push(json!({"amount": a, "currency": c}));
                }
            }
        }
        QuestionType::Date => out.push(json!("2010-10-15")),
        QuestionType::Time => out.push(json!("10:30")),
        // A name first; then a text of digits, for texts whose rules want a number (a telephone).
        QuestionType::Text => out.extend([json!(format!("Член {row}")), json!("8 701 234 56 78")]),
        QuestionType::List => out.push(json!(["Айгуль", "Ерлан"])),
        QuestionType::Grid => {
            if let Some(first) = question.options.first() {
                out.push(Json::Object(question.rows.iter().map(|r| (r.id.clone(), json!(first.code))).collect()));
            }
        }
    }
    for m in &question.special {
        out.push(json!(m.code()));
    }
    out
}

/// Answers every reachable question the interviewer answers (not those recorded automatically); returns per-answer durations in microseconds.
pub fn fill(
    session: &mut Session,
    id: &str,
    members: usize,
    overrides: &dyn Fn(&AnswerKey) -> Option<Json>,
) -> Result<FillReport, SessionError> {
    fill_at(session, id, members, overrides, &Utc::now)
}

/// [`fill`] with the time of each answer and confirmation taken from `now` (called once per
/// attempted answer and per confirmation): a simulation passes its own clock so that even the stored
/// times replay.
pub fn fill_at(
    session: &mut Session,
    id: &str,
    members: usize,
    overrides: &dyn Fn(&AnswerKey) -> Option<Json>,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<FillReport, SessionError> {
    let mut report = FillReport::default();
    let mut skipped: HashSet<Slot> = HashSet::new();
    // The filler goes forward from the slot it answered last, as an interviewer does, and comes back
    // for anything an answer opened earlier in the questionnaire once it reaches the end (scanning
    // from the start at every answer made an interview cost the square of its length).
    let mut last: Option<Slot> = None;
    loop {
        session.engine(id)?;
        let (q, engine) = session.peek(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        // Values the session records itself (the end time, at completion) are not the filler's.
        let open =
            |s: &Slot| engine.is_relevant(s) && q.questions[s.question].auto.is_none() && !engine.is_answered(q, s) && !skipped.contains(s);
        let all = engine.instances(q);
        let from = last.and_then(|l| all.iter().position(|s| *s == l)).map_or(0, |i| i + 1);
        let next = all[from..].iter().chain(all[..from].iter()).find(|s| open(s)).copied();
        let Some(slot) = next else { break };
        last = Some(slot);
        let key = slot.key(q);
        let is_size = q.rosters.iter().any(|r| matches!(r.size, RosterSize::Count(s) if s == slot.question));
        let values = match overrides(&key).or_else(|| session.preset(id, &key)) {
            Some(v) => vec![v],
            None => {
                // A prefilled value is what an interviewer confirms first.
                let prefill =
                    dala_questionnaire::client::question_view(q, engine, slot, dala_questionnaire::Lang::En).prefill.map(|p| p.to_json());
                prefill.into_iter().chain(candidates(q, slot, members)).collect()
            }
        };
        let mut done = false;
        for value in values {
            let t0 = Instant::now();
            let r = session.record(id, &key, &value, now());
            let us = t0.elapsed().as_secs_f64() * 1e6;
            if r.is_ok() {
                if is_size && report.roster_build_us == 0.0 {
                    report.roster_build_us = us;
                }
                report.answered.push((key.clone(), us));
                for rule in session.open_warnings(id, &key)? {
                    session.confirm_only(id, &key, rule, now())?;
                }
                done = true;
                break;
            }
        }
        if !done {
            skipped.insert(slot);
            report.skipped.push(key);
        }
    }
    // Warnings raised by later answers on earlier questions are confirmed at the end, as an
    // interviewer does from the completion list.
    let open: Vec<(AnswerKey, usize)> = {
        let (q, engine) = session.peek(id).ok_or_else(|| SessionError::NoInterview(id.to_string()))?;
        engine
            .issues(q)
            .into_iter()
            .filter(|i| i.kind == dala_questionnaire::engine::IssueKind::Warning)
            .filter_map(|i| i.rule.map(|r| (i.slot.key(q), r)))
            .collect()
    };
    for (key, rule) in open {
        session.confirm_only(id, &key, rule, now())?;
    }
    Ok(report)
}
