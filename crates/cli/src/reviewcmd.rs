//! `dala review …`: the supervisor's review loop from the command line (the app offers the same
//! actions): list interviews with their review state, comment on answers, approve or reject, list and
//! resolve merge conflicts. Every action is a journal entry that travels in the next package.

use std::path::Path;
use std::process::ExitCode;

use dala_questionnaire::{AnswerKey, Lang};
use dala_session::SessionError;
use serde_json::json;

use crate::fieldcmd::{exit_with, open_existing, Failure};

pub enum Action {
    List,
    Approve { interview: String, comment: Option<String> },
    Reject { interview: String, comment: String },
    Comment { interview: String, question: Option<String>, roster: Option<String>, text: String },
    Conflicts,
    Resolve { interview: String, question: String, roster: Option<String>, value: String },
}

fn roster_of(text: Option<&str>, lang: Lang) -> Result<Vec<u32>, Failure> {
    match text {
        None | Some("") => Ok(Vec::new()),
        Some(t) => t.split('.').map(|p| p.parse::<u32>()).collect::<Result<Vec<_>, _>>().map_err(|_| {
            Failure::usage(lang.pick(
                format!("Строки ростера «{t}» записываются числами через точку, например 2 или 2.1."),
                format!("«{t}» ростер жолдары нүкте арқылы сандармен жазылады, мысалы 2 немесе 2.1."),
                format!("Roster rows \"{t}\" are numbers separated by dots, e.g. 2 or 2.1."),
            ))
        }),
    }
}

/// Says what a review action did: one line for people, or `{"done": .., "interview": ..}` with --json.
fn done(as_json: bool, what: &str, interview: &str, text: &str) {
    if as_json {
        println!("{}", json!({"done": what, "interview": interview}));
    } else {
        println!("{text}");
    }
}

pub fn run(study: &Path, db: &Path, action: Action, as_json: bool, lang: Lang) -> ExitCode {
    exit_with(run_inner(study, db, action, as_json, lang))
}

fn run_inner(study: &Path, db: &Path, action: Action, as_json: bool, lang: Lang) -> Result<(), Failure> {
    let runtime = |e: SessionError| Failure::runtime(e.message(lang));
    let mut session = open_existing(study, db, lang)?;
    let now = chrono::Utc::now();
    match action {
        Action::List => {
            let rows = session.store().interviews().map_err(|e| runtime(e.into()))?;
            let conflicts = session.store().conflicts().map_err(|e| runtime(e.into()))?;
            let list: Vec<_> = rows
                .iter()
                .map(|r| {
                    json!({"id": r.id, "status": r.status.as_str(), "review": r.review, "device": r.device_id, "answers": r.answers,
                        "completed_at": r.completed_at, "conflicts": conflicts.iter().filter(|c| c.0 == r.id).count()})
                })
                .collect();
            if as_json {
                println!("{}", serde_json::to_string_pretty(&list).expect("serializes"));
            } else {
                for r in &rows {
                    println!("{}\t{}\t{}\t{}", r.id, r.status.as_str(), r.review.as_deref().unwrap_or("-"), r.device_id);
                }
            }
        }
        Action::Approve { interview, comment } => {
            session.review_interview(&interview, dala_store::Review::Approve, comment.as_deref(), now).map_err(runtime)?;
            done(as_json, "approved", &interview, lang.pick("Интервью одобрено.", "Сұхбат мақұлданды.", "Interview approved."));
        }
        Action::Reject { interview, comment } => {
            if comment.trim().is_empty() {
                return Err(Failure::usage(lang.pick(
                    "Возвращая интервью, напишите причину (--comment).".into(),
                    "Сұхбатты қайтарғанда себебін жазыңыз (--comment).".into(),
                    "Say why the interview is rejected (--comment).".to_string(),
                )));
            }
            session.review_interview(&interview, dala_store::Review::Reject, Some(&comment), now).map_err(runtime)?;
            done(
                as_json,
                "rejected",
                &interview,
                lang.pick(
                    "Интервью возвращено: оно уйдёт к интервьюеру со следующим пакетом.",
                    "Сұхбат қайтарылды: ол келесі пакетпен сауалнамашыға жіберіледі.",
                    "Interview rejected: it goes back to its interviewer with the next package.",
                ),
            );
        }
        Action::Comment { interview, question, roster, text } => {
            let key = match question {
                Some(q) => Some(AnswerKey { question: q, roster: roster_of(roster.as_deref(), lang)? }),
                None => None,
            };
            session.comment(&interview, key.as_ref(), &text, now).map_err(runtime)?;
            done(as_json, "commented", &interview, lang.pick("Комментарий записан.", "Түсініктеме жазылды.", "Comment recorded."));
        }
        Action::Conflicts => {
            let conflicts = session.store().conflicts().map_err(|e| runtime(e.into()))?;
            let list: Vec<_> = conflicts
                .iter()
                .map(|(i, q, r, heads)| {
                    json!({"interview": i, "question": q, "roster": r, "versions": heads.iter().map(|(v, val)| {
                        let (hlc, device) = v.split_once('@').unwrap_or((v, ""));
                        json!({"device": device, "stamp": hlc, "value": val.as_ref().map(|t| serde_json::from_str::<serde_json::Value>(t).unwrap_or(serde_json::Value::Null))})
                    }).collect::<Vec<_>>()})
                })
                .collect();
            if as_json {
                println!("{}", serde_json::to_string_pretty(&list).expect("serializes"));
            } else {
                for c in &list {
                    println!("{c}");
                }
            }
        }
        Action::Resolve { interview, question, roster, value } => {
            let value: serde_json::Value = serde_json::from_str(&value).map_err(|_| {
                Failure::usage(lang.pick(
                    format!("Значение «{value}» не читается как JSON (число, \"текст\", [1,2])."),
                    format!("«{value}» мәні JSON ретінде оқылмайды (сан, \"мәтін\", [1,2])."),
                    format!("The value \"{value}\" is not JSON (a number, \"text\", [1,2])."),
                ))
            })?;
            let key = AnswerKey { question, roster: roster_of(roster.as_deref(), lang)? };
            session.resolve_conflict(&interview, &key, &value, now).map_err(runtime)?;
            done(as_json, "resolved", &interview, lang.pick("Конфликт решён.", "Қайшылық шешілді.", "Conflict resolved."));
        }
    }
    Ok(())
}
