//! `dala bench`: the per-answer cost of the engine plus the durable SQLite write, on a real study.
//!
//! For each household size the benchmark opens a fresh database on disk, creates an interview and
//! answers every relevant question in interview order (a household of `n` members: the count
//! question of the first roster is set to `n`), timing each `Session::record` call: engine checks,
//! incremental re-evaluation and the committed transaction with its journal entry. The bounds of the
//! roster's count question are widened when `n` exceeds them (KMRS allows 30 members).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use chrono::Utc;
use dala_questionnaire::engine::Slot;
use dala_questionnaire::model::{QuestionType, RosterSize};
use dala_questionnaire::{Lang, Questionnaire};
use dala_session::Session;
use serde_json::{json, Value as Json};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Figures {
    pub sync: String,
    pub members: usize,
    pub answers: usize,
    pub median_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub roster_build_us: f64,
    pub total_ms: f64,
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
            if row > 1 && codes.first() == Some(&1) && question.id == "Q103" {
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
            for y in [1975i64, 1990, 2000, 2005, 2009, 1960, 1950] {
                if question.min.is_none_or(|m| y as f64 >= m) && question.max.is_none_or(|m| y as f64 <= m) {
                    out.push(json!(y));
                }
            }
        }
        QuestionType::Money => {
            for a in [50_000i64, 0, 1000] {
                out.push(json!({"amount": a, "currency": question.currencies.first().cloned().unwrap_or_else(|| "KZT".into())}));
            }
        }
        QuestionType::Date => out.push(json!("2010-10-15")),
        QuestionType::Text => out.push(json!(format!("Член {row}"))),
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

/// Answers every reachable question; returns per-answer durations in microseconds.
pub fn fill(session: &mut Session, id: &str, members: usize) -> anyhow::Result<(Vec<f64>, f64)> {
    let mut times = Vec::new();
    let mut roster_build = 0.0;
    let mut skipped: std::collections::HashSet<Slot> = Default::default();
    loop {
        session.engine(id)?;
        let (q, engine) = session.peek(id).ok_or_else(|| anyhow::anyhow!("interview not open"))?;
        let next = engine.instances(q).into_iter().find(|s| engine.is_relevant(s) && !engine.is_answered(q, s) && !skipped.contains(s));
        let Some(slot) = next else { break };
        let key = slot.key(q);
        let is_size = q.rosters.iter().any(|r| matches!(r.size, RosterSize::Count(s) if s == slot.question));
        let values = candidates(q, slot, members);
        let mut done = false;
        for value in values {
            let t0 = Instant::now();
            let r = session.record(id, &key, &value, Utc::now());
            let us = t0.elapsed().as_secs_f64() * 1e6;
            if r.is_ok() {
                if std::env::var_os("DALA_BENCH_TRACE").is_some() && us > 2000.0 {
                    eprintln!("slow answer {key}: {us:.0} µs");
                }
                times.push(us);
                if is_size {
                    roster_build = us;
                }
                for rule in session.open_warnings(id, &key)? {
                    session.confirm_only(id, &key, rule, Utc::now())?;
                }
                done = true;
                break;
            }
        }
        if !done {
            skipped.insert(slot);
        }
    }
    Ok((times, roster_build))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// `durability` None = an in-memory database: the engine and SQLite without any disk.
pub fn measure(study: &Questionnaire, members: usize, dir: &Path, durability: Option<dala_store::Durability>) -> anyhow::Result<Figures> {
    let mut q = study.clone();
    for r in &q.rosters.clone() {
        if let RosterSize::Count(sq) = r.size {
            let max = &mut q.questions[sq].max;
            if max.is_some_and(|m| m < members as f64) {
                *max = Some(members as f64);
            }
        }
    }
    let db = dir.join(format!("bench-{members}.sqlite"));
    let _ = std::fs::remove_file(&db);
    let store = match durability {
        Some(d) => dala_store::Store::open_with(&db, d, Utc::now())?,
        None => dala_store::Store::open_in_memory(Utc::now())?,
    };
    let mut session = Session::with_parts(q, store);
    let id = session.create(Lang::Ru, Utc::now())?;
    let t0 = Instant::now();
    let (mut times, roster_build) = fill(&mut session, &id, members)?;
    let total_ms = t0.elapsed().as_secs_f64() * 1e3;
    times.sort_by(|a, b| a.total_cmp(b));
    Ok(Figures {
        sync: durability.map_or("memory".to_string(), |d| format!("{d:?}").to_lowercase()),
        members,
        answers: times.len(),
        median_us: percentile(&times, 0.5),
        p99_us: percentile(&times, 0.99),
        max_us: times.last().copied().unwrap_or(0.0),
        roster_build_us: roster_build,
        total_ms,
    })
}

pub fn run(study_dir: &Path, members: &[usize], dir: Option<&Path>, as_json: bool, lang: Lang) -> ExitCode {
    let t0 = Instant::now();
    let study = match dala_session::load_study(study_dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", e.message(lang));
            return ExitCode::from(1);
        }
    };
    let load_ms = t0.elapsed().as_secs_f64() * 1e3;
    let tmp;
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => {
            tmp = std::env::temp_dir().join(format!("dala-bench-{}", std::process::id()));
            let _ = std::fs::create_dir_all(&tmp);
            tmp.clone()
        }
    };
    let mut all = Vec::new();
    // Both durability modes, interleaved per size, so the two are measured side by side.
    for &m in members {
        for d in [Some(dala_store::Durability::Full), Some(dala_store::Durability::Normal), None] {
            match measure(&study, m, &dir, d) {
                Ok(f) => all.push(f),
                Err(e) => {
                    eprintln!("bench failed at {m} members: {e}");
                    return ExitCode::from(1);
                }
            }
        }
    }
    if as_json {
        println!("{}", json!({ "load_and_validate_ms": load_ms, "households": all }));
    } else {
        println!("load and validate the study: {load_ms:.1} ms");
        println!("{:>7} {:>8} {:>8} {:>10} {:>10} {:>10} {:>14} {:>10}", "sync", "members", "answers", "median µs", "p99 µs", "max µs", "roster µs", "total ms");
        for f in &all {
            println!("{:>7} {:>8} {:>8} {:>10.0} {:>10.0} {:>10.0} {:>14.0} {:>10.0}", f.sync, f.members, f.answers, f.median_us, f.p99_us, f.max_us, f.roster_build_us, f.total_ms);
        }
    }
    ExitCode::SUCCESS
}
