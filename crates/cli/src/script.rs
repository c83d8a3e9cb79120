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
use dala_questionnaire::{AnswerKey, Lang};
use dala_session::{Session, SessionError};
use serde_json::{json, Value as Json};

enum Step {
    Answer {
        key: AnswerKey,
        value: Json,
        confirm: bool,
    },
    /// An answer that ends the interview, confirmed.
    End {
        key: AnswerKey,
        value: Json,
    },
    /// A number as typed, read by the session before it is recorded.
    Typed {
        key: AnswerKey,
        text: String,
        currency: Option<String>,
        confirm: bool,
    },
    Clear {
        key: AnswerKey,
    },
    Language(String),
    Complete,
}

fn parse_step(i: usize, v: &Json, lang: Lang) -> Result<Step, String> {
    let bad = |why_ru: &str, why_kk: &str, why_en: &str| {
        lang.pick(format!("Шаг {i}: {why_ru}"), format!("{i}-қадам: {why_kk}"), format!("Step {i}: {why_en}"))
    };
    let obj = v.as_object().ok_or_else(|| bad("ожидается объект JSON", "JSON нысаны күтіледі", "expected a JSON object"))?;
    if let Some(l) = obj.get("language") {
        return l
            .as_str()
            .map(|s| Step::Language(s.to_string()))
            .ok_or_else(|| bad("язык должен быть строкой", "тіл жол болуы керек", "language must be a string"));
    }
    if obj.get("complete").and_then(Json::as_bool) == Some(true) {
        return Ok(Step::Complete);
    }
    let q = obj
        .get("q")
        .and_then(Json::as_str)
        .ok_or_else(|| bad("нет поля \"q\" (код вопроса)", "\"q\" өрісі (сұрақ коды) жоқ", "missing \"q\" (question id)"))?;
    let roster = match obj.get("roster") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(a)) => a
            .iter()
            .map(|x| x.as_u64().filter(|n| *n >= 1 && *n <= u32::MAX as u64).map(|n| n as u32))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| {
                bad(
                    "\"roster\" — список номеров строк от 1",
                    "\"roster\" — 1-ден басталатын жол нөмірлерінің тізімі",
                    "\"roster\" must be a list of row numbers from 1",
                )
            })?,
        Some(_) => {
            return Err(bad(
                "\"roster\" — список номеров строк от 1",
                "\"roster\" — 1-ден басталатын жол нөмірлерінің тізімі",
                "\"roster\" must be a list of row numbers from 1",
            ))
        }
    };
    let key = AnswerKey { question: q.to_string(), roster };
    if obj.get("clear").and_then(Json::as_bool) == Some(true) {
        return Ok(Step::Clear { key });
    }
    let confirm = obj.get("confirm").and_then(Json::as_bool).unwrap_or(false);
    if let Some(typed) = obj.get("typed") {
        let text = typed.as_str().ok_or_else(|| {
            bad("\"typed\" — текст, как его набирают", "\"typed\" — терілетін мәтін", "\"typed\" must be a text as typed")
        })?;
        let currency = obj.get("currency").and_then(Json::as_str).map(str::to_string);
        return Ok(Step::Typed { key, text: text.to_string(), currency, confirm });
    }
    let value = obj.get("value").cloned().ok_or_else(|| bad("нет поля \"value\"", "\"value\" өрісі жоқ", "missing \"value\""))?;
    if obj.get("end").and_then(Json::as_bool) == Some(true) {
        return Ok(Step::End { key, value });
    }
    Ok(Step::Answer { key, value, confirm })
}

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
    let doc: Json = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "{}",
                msg_lang.pick(
                    format!("Сценарий не является корректным JSON: {e}"),
                    format!("Сценарий дұрыс JSON емес: {e}"),
                    format!("The script is not valid JSON: {e}")
                )
            );
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let mut lang = match doc.get("language").and_then(Json::as_str) {
        None => None,
        Some(l) => match Lang::parse(l) {
            Some(l) => Some(l),
            None => {
                eprintln!("{}", SessionError::Language(l.to_string()).message(msg_lang));
                return ExitCode::from(crate::EXIT_USAGE);
            }
        },
    };
    let start: Option<DateTime<Utc>> = match doc.get("at") {
        None | Some(Json::Null) => None,
        Some(v) => match v.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
            Some(t) => Some(t.with_timezone(&Utc)),
            None => {
                let cur = lang.unwrap_or(msg_lang);
                eprintln!(
                    "{}",
                    cur.pick(
                        format!("Поле \"at\" сценария должно быть моментом RFC 3339, например \"2010-10-20T14:30:00+06:00\"; получено {v}."),
                        format!("Сценарийдің \"at\" өрісі RFC 3339 уақыт сәті болуы керек, мысалы \"2010-10-20T14:30:00+06:00\"; берілгені: {v}."),
                        format!("The script's \"at\" must be an RFC 3339 instant such as \"2010-10-20T14:30:00+06:00\"; got {v}."),
                    )
                );
                return ExitCode::from(crate::EXIT_USAGE);
            }
        },
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
    let steps_json = doc.get("steps").and_then(Json::as_array).cloned().unwrap_or_default();
    let mut steps = Vec::new();
    for (i, s) in steps_json.iter().enumerate() {
        match parse_step(i + 1, s, lang.unwrap_or(msg_lang)) {
            Ok(st) => steps.push(st),
            Err(m) => {
                eprintln!("{m}");
                return ExitCode::from(crate::EXIT_USAGE);
            }
        }
    }
    let mut session = match Session::open(study, db) {
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
