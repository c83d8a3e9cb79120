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
use dala_questionnaire::model::RosterSize;
use dala_questionnaire::{Lang, Questionnaire};
use dala_session::Session;
use serde_json::json;

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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// `durability` None = an in-memory database: the engine and SQLite without any disk.
pub fn measure(
    study: &Questionnaire,
    members: usize,
    dir: &Path,
    durability: Option<dala_store::Durability>,
    lang: Lang,
) -> anyhow::Result<Figures> {
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
        // With a PIN (`--pin-file` or DALA_PIN) the benchmark database is encrypted, as a device's is.
        Some(d) => match crate::dbkey::pin() {
            Some(pin) => {
                let _ = std::fs::remove_file(dala_session::vault::keyring_path(&db));
                let key = dala_session::vault::create_keyring(&db, "bench", None, pin, crate::dbkey::fresh(), &[])
                    .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
                dala_store::Store::open_keyed(&db, d, Utc::now(), Some(key.as_bytes()))?
            }
            None => dala_store::Store::open_with(&db, d, Utc::now())?,
        },
        None => dala_store::Store::open_in_memory(Utc::now())?,
    };
    let mut session = Session::with_parts(q, store);
    let id = session.create(Lang::Ru, Utc::now())?;
    let t0 = Instant::now();
    let report = dala_session::autofill::fill(&mut session, &id, members, &|_| None)?;
    if std::env::var_os("DALA_BENCH_TRACE").is_some() {
        for (k, us) in report.answered.iter().filter(|(_, us)| *us > 1000.0) {
            eprintln!(
                "{}",
                lang.pick(
                    format!("медленный ответ {k}: {us:.0} мкс"),
                    format!("баяу жауап {k}: {us:.0} мкс"),
                    format!("slow answer {k}: {us:.0} µs")
                )
            );
        }
    }
    let roster_build = report.roster_build_us;
    let mut times: Vec<f64> = report.answered.iter().map(|(_, us)| *us).collect();
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
            match measure(&study, m, &dir, d, lang) {
                Ok(f) => all.push(f),
                Err(e) => {
                    eprintln!(
                        "{}",
                        lang.pick(
                            format!("замер прерван на домохозяйстве из {m} человек: {e}"),
                            format!("өлшеу {m} адамнан тұратын үй шаруашылығында тоқтады: {e}"),
                            format!("bench failed at {m} members: {e}")
                        )
                    );
                    return ExitCode::from(1);
                }
            }
        }
    }
    if as_json {
        println!("{}", json!({ "load_and_validate_ms": load_ms, "households": all }));
    } else {
        let (load, head) = lang.pick(
            (
                "загрузка и проверка исследования, мс",
                ["запись", "членов", "ответов", "медиана мкс", "p99 мкс", "макс мкс", "список мкс", "всего мс"],
            ),
            (
                "зерттеуді жүктеу және тексеру, мс",
                ["жазу", "мүшелер", "жауаптар", "медиана мкс", "p99 мкс", "макс мкс", "тізім мкс", "барлығы мс"],
            ),
            ("load and validate the study, ms", ["sync", "members", "answers", "median µs", "p99 µs", "max µs", "roster µs", "total ms"]),
        );
        println!("{load}: {load_ms:.1}");
        println!(
            "{:>7} {:>8} {:>8} {:>12} {:>10} {:>10} {:>14} {:>10}",
            head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7]
        );
        for f in &all {
            println!(
                "{:>7} {:>8} {:>8} {:>12.0} {:>10.0} {:>10.0} {:>14.0} {:>10.0}",
                f.sync, f.members, f.answers, f.median_us, f.p99_us, f.max_us, f.roster_build_us, f.total_ms
            );
        }
    }
    ExitCode::SUCCESS
}
