//! `dala report --html <file>`: the fieldwork report as one self-contained HTML file.
//!
//! Glue only: the databases are merged into one (`fieldcmd::merged_store`, every record, as a
//! supervisor's database holds them after importing the devices' packages), the figures are computed
//! by `dala_session::report_data` and the page is rendered by `dala_report::render_html` in the
//! `--lang` language. The file is written whole or not at all (a temporary file renamed into place).

use std::path::{Path, PathBuf};

use dala_fieldwork::report::ReportMode;
use dala_questionnaire::Lang;

use crate::fieldcmd::{fieldwork_of, merged_store, Failure};

/// Writes the report of `dbs` for `study` to `out` in `lang`.
pub fn run(study: &Path, dbs: &[PathBuf], out: &Path, mode: ReportMode, lang: Lang) -> Result<(), Failure> {
    let fw = fieldwork_of(study, lang)?;
    // The fieldwork loaded, the study loads too (its problems were worded there).
    let q = dala_session::load_study(study).map_err(|e| Failure::runtime(e.message(lang)))?;
    let (store, _) = merged_store(dbs, dala_store::sync::Scope::All, lang)?;
    let data = dala_session::report_data::report_data(&store, &fw, &q, mode, dbs.len(), chrono::Utc::now(), lang)
        .map_err(|e| Failure::runtime(e.message(lang)))?;
    let html = dala_report::render_html(&data, lang);
    let tmp = out.with_extension("html.part");
    let written = std::fs::write(&tmp, html.as_bytes()).and_then(|()| std::fs::rename(&tmp, out));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Failure::runtime(lang.pick(
            format!("Не удалось записать {}: {e}", out.display()),
            format!("{} жазылмады: {e}", out.display()),
            format!("Cannot write {}: {e}", out.display()),
        ))
    })?;
    println!(
        "{}",
        lang.pick(
            format!("Отчёт записан в {} (интервью: {}).", out.display(), data.totals.completes),
            format!("Есеп {} ішіне жазылды (сұхбат: {}).", out.display(), data.totals.completes),
            format!("Report written to {} ({} completes).", out.display(), data.totals.completes),
        )
    );
    Ok(())
}
