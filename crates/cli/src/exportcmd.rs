//! `dala export --db <file> --format sav|zsav|dta|csv|parquet --lang ru|kk|en [--anonymise] --out <dir>`:
//! labelled datasets through `dala_session::export` (docs/export.md). Progress goes to stderr.
//!
//! Exit codes: 0 written; 1 the study, the database or a file failed (nothing is left half-written
//! in `--out`); 2 bad arguments.

use std::io::Write;
use std::path::Path;

use dala_export::{Format, Options};
use dala_questionnaire::Lang;

use crate::fieldcmd::Failure;

#[allow(clippy::too_many_arguments)]
pub fn run(
    study: &Path,
    db: &Path,
    format: &str,
    data_lang: Option<&str>,
    anonymise: bool,
    out: &Path,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let Some(format) = Format::parse(format) else {
        return Err(Failure::usage(lang.pick(
            format!("Неизвестный формат «{format}»: укажите sav, zsav, dta, csv или parquet."),
            format!("«{format}» пішімі белгісіз: sav, zsav, dta, csv немесе parquet көрсетіңіз."),
            format!("Unknown format \"{format}\": use sav, zsav, dta, csv or parquet."),
        )));
    };
    let data_lang = match data_lang {
        None => lang,
        Some(code) => Lang::parse(code).ok_or_else(|| {
            Failure::usage(lang.pick(
                format!("Неизвестный язык «{code}»: укажите ru, kk или en."),
                format!("«{code}» тілі белгісіз: ru, kk немесе en көрсетіңіз."),
                format!("Unknown language \"{code}\": use ru, kk or en."),
            ))
        })?,
    };
    if !db.is_file() {
        return Err(Failure::no_database(db, lang));
    }
    let key = crate::dbkey::existing(db).map_err(|e| Failure::runtime(e.message(lang)))?;
    // A fresh secret per anonymised export: its pseudonyms link its own files and nothing else.
    let anonymise = anonymise.then(|| uuid::Uuid::new_v4().to_string());
    let opts = Options { format, lang: data_lang, anonymise };
    let mut last = u64::MAX;
    let mut stderr = std::io::stderr();
    // On a terminal one line updated in place; into a file or a pipe a line every 10 %.
    let terminal = std::io::IsTerminal::is_terminal(&stderr);
    let summary = dala_session::export::export_database(study, db, key.as_ref().map(|k| k.as_bytes()), &opts, out, &mut |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        let step = if terminal { pct } else { pct / 10 * 10 };
        if step != last {
            last = step;
            let text = lang.pick(format!("экспорт: {step} %"), format!("экспорт: {step} %"), format!("export: {step} %"));
            let _ = if terminal { write!(stderr, "\r{text}") } else { writeln!(stderr, "{text}") };
            let _ = stderr.flush();
        }
    })
    .map_err(|e| Failure::runtime(e.message(lang)))?;
    if terminal {
        let _ = writeln!(stderr);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&summary).unwrap_or_default());
    } else {
        println!(
            "{}",
            lang.pick(
                format!("Экспортировано интервью: {}. Файлы в {}:", summary.interviews, out.display()),
                format!("Экспортталған сұхбаттар: {}. Файлдар {} ішінде:", summary.interviews, out.display()),
                format!("Exported {} interviews. Files in {}:", summary.interviews, out.display()),
            )
        );
        for d in &summary.documents {
            println!("  {}", d.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
        }
        for f in &summary.files {
            println!(
                "  {}  {}",
                f.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                lang.pick(
                    format!("{} строк, {} переменных", f.rows, f.variables),
                    format!("{} жол, {} айнымалы", f.rows, f.variables),
                    format!("{} rows, {} variables", f.rows, f.variables),
                )
            );
        }
    }
    Ok(())
}
