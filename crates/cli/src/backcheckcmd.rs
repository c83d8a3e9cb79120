//! `dala backcheck draw|list|record`: the supervisor's back-checks from the command line (glue over
//! `dala_session::backcheck`).

use std::path::Path;
use std::process::ExitCode;

use dala_fieldwork::backcheck::BackcheckOutcome;
use dala_questionnaire::Lang;
use dala_session::SessionError;
use serde_json::json;

use crate::fieldcmd::{exit_with, open_existing, parse_seed, Failure};

pub enum Action {
    Draw { seed: String },
    List,
    Record { interview: String, visited: String, same_respondent: String, household_size: Option<i64>, answers: Vec<String> },
}

fn yes_no(text: &str, what: &str, lang: Lang) -> Result<bool, Failure> {
    match text {
        "yes" | "да" | "иә" => Ok(true),
        "no" | "нет" | "жоқ" => Ok(false),
        other => Err(Failure::usage(lang.pick(
            format!("{what}: ожидается yes или no, а не «{other}»."),
            format!("{what}: yes немесе no күтіледі, «{other}» емес."),
            format!("{what}: expected yes or no, not \"{other}\"."),
        ))),
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
        Action::Draw { seed } => {
            let seed = parse_seed(&seed, lang)?;
            let drawn = session.draw_backchecks(seed, now).map_err(runtime)?;
            if as_json {
                println!("{}", json!({"drawn": drawn}));
            } else {
                for id in &drawn {
                    println!("{id}");
                }
            }
        }
        Action::List => {
            let list = session.backchecks().map_err(runtime)?;
            if as_json {
                println!("{}", serde_json::to_string_pretty(&list).expect("serializes"));
            } else {
                for b in &list {
                    let state = match (&b.outcome, b.mismatches.len()) {
                        (None, _) => lang.pick("не проверено", "тексерілмеген", "not checked").to_string(),
                        (Some(_), 0) => lang.pick("совпадает", "сәйкес", "matches").to_string(),
                        (Some(_), n) => lang.pick(format!("расхождений: {n}"), format!("сәйкессіздік: {n}"), format!("mismatches: {n}")),
                    };
                    println!("{}\t{}\t{}", b.interview, b.interviewer, state);
                }
            }
        }
        Action::Record { interview, visited, same_respondent, household_size, answers } => {
            let mut outcome = BackcheckOutcome {
                visited: yes_no(&visited, "--visited", lang)?,
                same_respondent: yes_no(&same_respondent, "--same-respondent", lang)?,
                household_size,
                answers: Default::default(),
            };
            for a in answers {
                let Some((q, v)) = a.split_once('=') else {
                    return Err(Failure::usage(lang.pick(
                        format!("--answer пишется как ВОПРОС=значение (например Q401=1), а не «{a}»."),
                        format!("--answer СҰРАҚ=мән түрінде жазылады (мысалы Q401=1), «{a}» емес."),
                        format!("--answer is QUESTION=value (e.g. Q401=1), not \"{a}\"."),
                    )));
                };
                let value = serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.to_string()));
                outcome.answers.insert(q.to_string(), value);
            }
            let mismatches = session.record_backcheck(&interview, &outcome, now).map_err(runtime)?;
            if as_json {
                println!("{}", json!({"interview": interview, "mismatches": mismatches}));
            } else if mismatches.is_empty() {
                println!("{}", lang.pick("Расхождений нет.", "Сәйкессіздік жоқ.", "No mismatch."));
            } else {
                for m in &mismatches {
                    println!("{}\t{}\t{}", m.item, m.recorded.clone().unwrap_or_default(), m.found.clone().unwrap_or_default());
                }
            }
        }
    }
    Ok(())
}
