//! `dala check`: the study summary and all diagnostics; exit code 1 when any is an error.

use std::path::Path;
use std::process::ExitCode;

use dala_questionnaire::load::{Diagnostic, Severity};
use dala_questionnaire::Lang;
use serde_json::{json, Value};

/// One diagnostic for `--json`: `message`/`hint` in `lang`, and the message in all three languages.
fn diagnostic_json(d: &Diagnostic, lang: Lang) -> Value {
    json!({
        "code": d.code,
        "severity": d.severity,
        "file": d.file,
        "location": d.location,
        "line": d.position.map(|p| p.line),
        "column": d.position.map(|p| p.column),
        "message": d.message.get(lang),
        "hint": d.hint.as_ref().map(|h| h.get(lang)),
        "messages": { "ru": d.message.ru, "kk": d.message.kk, "en": d.message.en },
    })
}

pub fn run(dir: &Path, as_json: bool, lang: Lang) -> ExitCode {
    let loaded = dala_session::check_study(dir);
    let (blocks, questions, cover) = match &loaded.questionnaire {
        Some(q) => {
            let content: Vec<usize> = q.blocks.iter().enumerate().filter(|(_, b)| b.number > 0).map(|(i, _)| i).collect();
            let n = q.questions.iter().filter(|qq| content.contains(&qq.block)).count();
            (content.len(), n, q.questions.len() - n)
        }
        None => (0, 0, 0),
    };
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    let warnings: Vec<_> = loaded.diagnostics.iter().filter(|d| d.severity == Severity::Warning).collect();
    let share = |l: Lang| (loaded.coverage.share(l) * 10000.0).round() / 10000.0;
    if as_json {
        let out = json!({
            "study": loaded.questionnaire.as_ref().map(|q| q.id.clone()),
            "version": loaded.questionnaire.as_ref().map(|q| q.version.clone()),
            "blocks": blocks,
            "questions": questions,
            "cover_questions": cover,
            "languages": { "ru": share(Lang::Ru), "kk": share(Lang::Kk), "en": share(Lang::En) },
            "errors": errors.iter().map(|d| diagnostic_json(d, lang)).collect::<Vec<_>>(),
            "warnings": warnings.iter().map(|d| diagnostic_json(d, lang)).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        let pct = |l: Lang| format!("{} {:.1}%", l.code(), share(l) * 100.0);
        match (&loaded.questionnaire, lang) {
            (Some(q), Lang::Ru) => println!(
                "{} {}: блоков {blocks}, вопросов {questions} (+{cover} на титульном листе); переводы: {}, {}, {}",
                q.id,
                q.version,
                pct(Lang::Ru),
                pct(Lang::Kk),
                pct(Lang::En)
            ),
            (Some(q), Lang::Kk) => println!(
                "{} {}: {blocks} блок, {questions} сұрақ (+{cover} титул парағында); аудармалар: {}, {}, {}",
                q.id,
                q.version,
                pct(Lang::Ru),
                pct(Lang::Kk),
                pct(Lang::En)
            ),
            (Some(q), Lang::En) => println!(
                "{} {}: {blocks} blocks, {questions} questions (+{cover} on the cover sheet); translations: {}, {}, {}",
                q.id,
                q.version,
                pct(Lang::Ru),
                pct(Lang::Kk),
                pct(Lang::En)
            ),
            (None, Lang::Ru) => println!("{}: исследование не загружено", dir.display()),
            (None, Lang::Kk) => println!("{}: зерттеу жүктелмеді", dir.display()),
            (None, Lang::En) => println!("{}: the study could not be loaded", dir.display()),
        }
        for d in &loaded.diagnostics {
            println!("{}", d.render(lang));
        }
        let (e, w) = (errors.len(), warnings.len());
        println!(
            "{}",
            lang.pick(
                format!("ошибок: {e}, предупреждений: {w}"),
                format!("қателер: {e}, ескертулер: {w}"),
                format!("{e} error(s), {w} warning(s)")
            )
        );
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
