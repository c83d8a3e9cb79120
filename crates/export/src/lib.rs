//! Analysis-ready, labelled datasets from a Dala database (a device's or a merged one): households,
//! one file per roster and per declared subset, addresses, visits and paradata, in SPSS `.sav` /
//! `.zsav`, Stata `.dta` 118, CSV or Parquet, labelled in one language (docs/export.md).
//!
//! **Invariant:** an export is whole or absent. Files are written into a fresh temporary folder
//! inside the output folder and moved into place only when every file is complete; an error
//! leaves the output folder as it was.

pub mod codebook;
pub mod ddi;
pub mod dict;
pub mod error;
pub mod names;
pub mod rows;
pub mod sav;
pub mod settings;
pub mod sink;
pub mod spill;
pub mod stats;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use dala_i18n::Lang;
use dala_questionnaire::Questionnaire;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub use dict::{FileDef, Kind, Privacy, Source, Sys, Unit, Variable};
pub use error::ExportError;
pub use rows::{Cell, Weights};
pub use settings::ExportSettings;
pub use sink::Format;

/// What to export and how.
#[derive(Clone, Debug)]
pub struct Options {
    pub format: Format,
    pub lang: Lang,
    /// `Some(secret)`: drop identifying variables, coarsen quasi-identifying ones and replace the
    /// keys by pseudonyms derived from the secret (the same key gives the same pseudonym in every
    /// file of the export; a new secret, unlinkable ones).
    pub anonymise: Option<String>,
}

/// What an export wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Summary {
    pub files: Vec<FileSummary>,
    pub interviews: u64,
    /// The codebook (HTML) and its DDI-Codebook XML.
    pub documents: Vec<PathBuf>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct FileSummary {
    pub name: String,
    pub path: PathBuf,
    pub rows: u64,
    pub variables: usize,
}

/// The dictionary of an export: the files and variables, after anonymisation when asked for.
pub fn dictionary(q: &Questionnaire, settings: &ExportSettings, opts: &Options) -> Vec<FileDef> {
    let mut files = dict::build(q, settings, opts.lang);
    if opts.anonymise.is_some() {
        for f in &mut files {
            f.vars.retain(|v| match v.privacy {
                Privacy::Open => true,
                Privacy::Identifying => is_key(v),
                Privacy::Quasi => is_key(v) || v.kind == Kind::Date,
            });
            for v in &mut f.vars {
                if v.privacy == Privacy::Quasi && v.kind == Kind::Date {
                    v.kind = Kind::Int;
                    v.name = format!("{}_year", v.name);
                }
            }
        }
    }
    files
}

fn is_key(v: &Variable) -> bool {
    matches!(v.source, Source::System(Sys::Hhid | Sys::AddressKey))
}

/// A key's pseudonym: the first 16 hex digits of SHA-256(secret, 0, key).
pub fn pseudonym(secret: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(secret.as_bytes());
    h.update([0]);
    h.update(key.as_bytes());
    h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Exports the study's data in `conn` into `out` (created if missing). `progress(done, total)` is
/// called after each interview.
///
/// One walk over the database feeds the writers. SPSS and Stata must know every text variable's
/// width before their first row: for them the walk measures the widths and spills the rows into
/// the temporary folder ([`spill`]), and the writers read them back one file at a time. Memory
/// holds a row (and for SPSS a chunk of [`sav::CHUNK_ROWS`] rows), never a file.
pub fn export(
    conn: &Connection,
    q: &Questionnaire,
    settings: &ExportSettings,
    weights: &HashMap<String, Weights>,
    opts: &Options,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Summary, ExportError> {
    let mut files = dictionary(q, settings, opts);
    let total = rows::Rows { q, files: &files, conn, weights, lang: opts.lang }.interview_count()?;
    if total == 0 {
        return Err(ExportError::NoInterviews(q.id.clone()));
    }
    std::fs::create_dir_all(out).map_err(|e| ExportError::io(out, e))?;
    let tmp = out.join(format!(".dala-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).map_err(|e| ExportError::io(&tmp, e))?;
    let result = write_all(conn, q, &mut files, weights, opts, &tmp, total, progress);
    let counts = match result {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let mut summary = Summary { files: Vec::new(), interviews: total, documents: Vec::new() };
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(&tmp).map_err(|e| ExportError::io(&tmp, e))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    // A folder in the way of a file would stop the moves half-way: refuse before moving anything.
    if let Some(blocked) = entries.iter().map(|f| out.join(f.file_name().unwrap_or_default())).find(|to| to.is_dir()) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(ExportError::io(&blocked, std::io::Error::new(std::io::ErrorKind::IsADirectory, "a folder has this name")));
    }
    for from in entries {
        if from.extension().is_some_and(|e| e == "html" || e == "xml") {
            summary.documents.push(out.join(from.file_name().unwrap_or_default()));
        }
        let to = out.join(from.file_name().unwrap_or_default());
        std::fs::rename(&from, &to).map_err(|e| ExportError::io(&to, e))?;
    }
    let _ = std::fs::remove_dir(&tmp);
    for (f, n) in files.iter().zip(counts) {
        summary.files.push(FileSummary {
            name: f.name.clone(),
            path: out.join(format!("{}.{}", f.name, opts.format.extension())),
            rows: n,
            variables: f.vars.len(),
        });
    }
    progress(total, total);
    Ok(summary)
}

/// Where the walk's rows go: straight into the writers, or (SPSS, Stata) into spill files while
/// the text widths are measured.
enum Target {
    Direct(Vec<Box<dyn sink::Sink>>),
    Spill(Vec<spill::SpillWriter>, Vec<sink::Widths>),
}

/// Writes every data file and the documents into `tmp`; returns the rows per file.
#[allow(clippy::too_many_arguments)]
fn write_all(
    conn: &Connection,
    q: &Questionnaire,
    files: &mut [FileDef],
    weights: &HashMap<String, Weights>,
    opts: &Options,
    tmp: &Path,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<u64>, ExportError> {
    let label = q.title.get(opts.lang).to_string();
    let two_phase = opts.format.needs_widths();
    let mut target = if two_phase {
        let spills = files
            .iter()
            .enumerate()
            .map(|(i, _)| spill::SpillWriter::create(&tmp.join(format!(".spill-{i}"))))
            .collect::<Result<Vec<_>, _>>()?;
        Target::Spill(spills, files.iter().map(|f| sink::Widths(vec![1; f.vars.len()])).collect())
    } else {
        Target::Direct(files.iter().map(|f| sink::open(opts.format, f, tmp, &label)).collect::<Result<Vec<_>, _>>()?)
    };
    let mut counts = vec![0u64; files.len()];
    // The codebook's statistics, gathered in this same walk from the rows as written.
    let mut figures = stats::Stats::new(files);
    {
        let files: &[FileDef] = files;
        let rows = rows::Rows { q, files, conn, weights, lang: opts.lang };
        let mut buf = Vec::new();
        rows.walk(
            &mut |fi, cells| {
                let row: &[rows::Cell] = match &opts.anonymise {
                    Some(secret) => {
                        anonymise(secret, &files[fi], cells, &mut buf);
                        &buf
                    }
                    None => cells,
                };
                counts[fi] += 1;
                #[cfg(test)]
                tests::fault(counts.iter().sum())?;
                figures.row(fi, row);
                match &mut target {
                    Target::Direct(sinks) => sinks[fi].row(row),
                    Target::Spill(spills, widths) => {
                        widths[fi].row(row);
                        spills[fi].row(row)
                    }
                }
            },
            &mut |done| progress(if two_phase { done / 2 } else { done }, total),
        )?;
    }
    match target {
        Target::Direct(sinks) => {
            for s in sinks {
                s.finish()?;
            }
        }
        Target::Spill(spills, widths) => {
            for (f, w) in files.iter_mut().zip(&widths) {
                for (v, w) in f.vars.iter_mut().zip(&w.0) {
                    v.width = (*w).max(1);
                }
            }
            let all: u64 = counts.iter().sum::<u64>().max(1);
            let mut written = 0u64;
            let mut row = Vec::new();
            for (f, s) in files.iter().zip(spills) {
                let mut reader = s.into_reader(f.vars.len())?;
                let mut out = sink::open(opts.format, f, tmp, &label)?;
                let result = (|| {
                    while reader.next(&mut row)? {
                        out.row(&row)?;
                        written += 1;
                        if written.is_multiple_of(4096) {
                            progress(total / 2 + total * written / all / 2, total);
                        }
                    }
                    out.finish()
                })();
                reader.remove();
                result?;
            }
        }
    }
    codebook::write(tmp, q, files, &figures, opts.format.extension(), opts.lang)?;
    ddi::write(tmp, q, files, &figures, opts.format.extension(), opts.lang)?;
    Ok(counts)
}

/// An anonymised row: keys replaced by pseudonyms, quasi-identifying dates by their year.
fn anonymise(secret: &str, file: &FileDef, cells: &[rows::Cell], buf: &mut Vec<rows::Cell>) {
    buf.clear();
    buf.extend_from_slice(cells);
    for (v, c) in file.vars.iter().zip(buf.iter_mut()) {
        if is_key(v) {
            if let rows::Cell::Text(s) = c {
                *s = pseudonym(secret, s);
            }
        } else if v.privacy == Privacy::Quasi {
            if let rows::Cell::Date(d) = c {
                *c = rows::Cell::Int(chrono::Datelike::year(d) as i64);
            }
        }
    }
}
