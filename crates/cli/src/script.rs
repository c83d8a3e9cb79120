//! `dala interview`: a scripted interview through the session (the same engine and store as the app).
//!
//! A script is `{"language": "ru", "at": "2010-10-20T14:30:00Z", "steps": [...]}` (`at` is optional:
//! the interview then happens at that instant, each step 10 seconds after the one before, so the
//! values the app records itself (date, start and end time) and everything computed from them, such as
//! an age on the interview date, are the same on every run; without it the device clock is used. The
//! recorded date and times are that instant in the device's time zone, as in the app) with steps
//! `{"q": "Q104", "roster": [2], "value": 1}` (optionally `"confirm": true` to confirm the soft
//! warnings the answer raises, or `"end": true` to confirm that an answer which ends the interview,
//! such as consent "no", does: the interview ends there, as the study's `[question.end]` says), `{"q": "Q104", "roster": [2], "clear": true}`, `{"language": "kk"}`
//! and `{"complete": true}`. A number question may take the text an interviewer would type instead
//! of a value, `{"q": "Q309", "typed": "150 000,50", "currency": "KZT"}`: it is read in the
//! interview's current language by the app's rules (docs/number-input.md), and an ambiguous text
//! ("150,000" in Russian) stops the run like any refused answer. The run stops at the first step the engine refuses, with exit code 2
//! and a message in the script's current language; the steps before it stay stored. At the end an
//! interview with no open issues is marked completed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use std::cell::Cell;

use chrono::{DateTime, Duration, Utc};
use dala_questionnaire::script::Step;
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::{Session, SessionError};
use serde_json::{json, Value as Json};

pub fn run(study: &Path, db: &Path, script: &Path, as_json: bool, ack: bool, resume: Option<&str>, msg_lang: Lang) -> ExitCode {
    let text = match std::fs::read_to_string(script) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "{}",
                msg_lang.pick(
                    format!("Не удалось прочитать сценарий {}: {e}", script.display()),
                    format!("{} сценарийін оқу мүмкін болмады: {e}", script.display()),
                    format!("Cannot read the script {}: {e}", script.display())
                )
            );
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let dala_questionnaire::script::Script { language: mut lang, at: start, steps } =
        match dala_questionnaire::script::parse_script(&text, msg_lang) {
            Ok(script) => script,
            Err(m) => {
                eprintln!("{m}");
                return ExitCode::from(crate::EXIT_USAGE);
            }
        };
    // The script's clock: from `at`, 10 seconds a step; else the device clock.
    let clock = Cell::new(start);
    let now = || match clock.get() {
        Some(t) => {
            clock.set(Some(t + Duration::seconds(10)));
            t
        }
        None => Utc::now(),
    };
    let when = |utc: DateTime<Utc>| dala_session::field::When { utc, local: utc.with_timezone(&chrono::Local).naive_local() };
    let mut session = match crate::dbkey::open_session(study, db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", e.message(lang.unwrap_or(msg_lang)));
            if let SessionError::Study(diags) = &e {
                for d in diags {
                    eprintln!("{d}");
                }
            }
            return ExitCode::from(1);
        }
    };
    let lang_now = lang.unwrap_or(session.study().default_language);
    lang = Some(lang_now);
    let id = match resume {
        Some(id) => match session.open_interview(id, now()) {
            Ok(_) => id.to_string(),
            Err(e) => {
                eprintln!("{}", e.message(lang_now));
                return ExitCode::from(1);
            }
        },
        None => match session.create(lang_now, now()) {
            Ok(id) => id,
            Err(e) => {
                eprintln!("{}", e.message(lang_now));
                return ExitCode::from(1);
            }
        },
    };
    if resume.is_some() {
        if let Err(e) = session.switch_language(&id, lang_now, now()) {
            eprintln!("{}", e.message(lang_now));
            return ExitCode::from(1);
        }
    }
    let mut failure: Option<(usize, String, String, String)> = None;
    let stdout = std::io::stdout();
    for (i, step) in steps.iter().enumerate() {
        let n = i + 1;
        let cur = lang.unwrap_or(lang_now);
        let result: Result<(), SessionError> = match step {
            Step::Language(l) => match Lang::parse(l) {
                Some(l2) => session.switch_language(&id, l2, now()).map(|_| lang = Some(l2)),
                None => Err(SessionError::Language(l.clone())),
            },
            Step::Answer { key, value, confirm } => record(&mut session, &id, key, value, *confirm, now()),
            Step::End { key, value } => session.end_interview(&id, key, value, when(now())).map(|_| ()),
            Step::Typed { key, text, currency, confirm } => session
                .read_number(&id, key, text, currency.as_deref())
                .and_then(|reading| record(&mut session, &id, key, &reading.answer, *confirm, now())),
            Step::Clear { key } => session.clear(&id, key.clone(), now()).map(|_| ()),
            Step::Complete => session.complete_only(&id, now()),
        };
        if let Err(e) = result {
            let what = match step {
                Step::Answer { key, .. } | Step::End { key, .. } | Step::Typed { key, .. } | Step::Clear { key } => key.to_string(),
                Step::Language(l) => format!("language {l}"),
                Step::Complete => "complete".to_string(),
            };
            let msg = e.message(cur);
            failure = Some((n, what, e.kind().to_string(), msg));
            break;
        }
        if ack {
            let mut out = stdout.lock();
            let _ = writeln!(out, "ack {n}");
            let _ = out.flush();
        }
    }
    // An interview that ended early (a refusal) is not completed afterwards.
    let ended = matches!(session.status(&id), Ok((dala_store::InterviewStatus::Refused, _, _)));
    if failure.is_none() && !ended && session.is_complete(&id).unwrap_or(false) {
        if let Err(e) = session.complete_only(&id, now()) {
            failure = Some((steps.len() + 1, "complete".into(), e.kind().to_string(), e.message(lang.unwrap_or(lang_now))));
        }
    }
    let (status, last_lang, answers) = match session.status(&id) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", e.message(lang.unwrap_or(lang_now)));
            return ExitCode::from(1);
        }
    };
    let mut out = json!({ "interview": id, "status": status, "answers": answers, "language": last_lang });
    if let Some((n, what, kind, msg)) = &failure {
        let cur = lang.unwrap_or(lang_now);
        eprintln!(
            "{}",
            cur.pick(
                format!("Шаг {n} ({what}) отклонён: {msg}"),
                format!("{n}-қадам ({what}) қабылданбады: {msg}"),
                format!("Step {n} ({what}) was refused: {msg}")
            )
        );
        out["error"] = json!({ "step": n, "target": what, "kind": kind, "message": msg });
    }
    if as_json {
        println!("{out}");
    } else {
        println!("{} {} {} {}", out["interview"].as_str().unwrap_or(""), status.as_str(), answers, last_lang);
    }
    if failure.is_some() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Records one answer and, with `confirm`, confirms the soft warnings it raises.
fn record(session: &mut Session, id: &str, key: &AnswerKey, value: &Json, confirm: bool, now: DateTime<Utc>) -> Result<(), SessionError> {
    session.record(id, key, value, now)?;
    if confirm {
        for rule in session.open_warnings(id, key)? {
            session.confirm_only(id, key, rule, now)?;
        }
    }
    Ok(())
}
