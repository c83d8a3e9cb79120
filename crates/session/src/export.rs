//! Exports of a database (a device's or a merged one) through `dala-export`, with the study's
//! export settings (`export.toml`) and the fieldwork's weights: what `dala export` and the app's
//! export screen both call.

use std::collections::HashMap;
use std::path::Path;

use dala_export::{ExportSettings, Options, Summary};
use dala_store::Store;

use crate::field::load_fieldwork;
use crate::{load_study, SessionError};

/// Exports the study's data in the database `db` into the folder `out`; `progress(done, total)`
/// counts interviews. The database is opened read-only and never changed.
pub fn export_database(
    study_dir: &Path,
    db: &Path,
    key: Option<&[u8; 32]>,
    opts: &Options,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Summary, SessionError> {
    let q = load_study(study_dir)?;
    let settings_path = study_dir.join("export.toml");
    let text = match std::fs::read_to_string(&settings_path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(SessionError::Io(format!("{}: {e}", settings_path.display()))),
    };
    let settings = ExportSettings::parse(text.as_deref(), &q).map_err(|e| SessionError::Export(e.message()))?;
    let store = Store::open_read_only_keyed(db, key)?;
    let mut weights = HashMap::new();
    if let Some(fw) = load_fieldwork(study_dir)? {
        for w in crate::weights::weights(&store, &fw)?.interviews {
            weights.insert(w.interview_id.clone(), dala_export::Weights { design: w.design_weight, respondent: w.respondent_weight });
        }
    }
    dala_export::export(store.connection(), &q, &settings, &weights, opts, out, progress).map_err(|e| SessionError::Export(e.message()))
}

/// An export running on its own thread, for the app: the interface polls [`ExportJob::progress`].
#[derive(Clone)]
pub struct ExportJob {
    state: std::sync::Arc<std::sync::Mutex<ExportProgress>>,
}

/// Where an export stands, for the interface.
#[derive(Clone, Debug, Default, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportProgress {
    pub running: bool,
    /// Interviews written of `total`.
    pub done: u32,
    pub total: u32,
    /// The folder the files go to.
    pub folder: String,
    /// The files written, when finished: name, rows, variables.
    pub files: Vec<ExportedFile>,
    /// Why it failed, in the interface's language.
    pub error: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportedFile {
    pub file: String,
    pub rows: u32,
    pub variables: u32,
}

impl ExportJob {
    pub fn progress(&self) -> ExportProgress {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }
    pub fn running(&self) -> bool {
        self.progress().running
    }
}

impl crate::Session {
    /// Starts an export of this session's database on a thread of its own (the database is read
    /// through a read-only connection of its own, so interviewing can go on meanwhile).
    pub fn start_export(&self, opts: Options, out: &Path, lang: dala_i18n::Lang) -> Result<ExportJob, SessionError> {
        let (Some(study), Some(db)) = (self.study_dir.clone(), self.db_path.clone()) else {
            return Err(SessionError::Io("export needs a study folder and a database file".into()));
        };
        let out = out.to_path_buf();
        let key = self.store.key().map(|k| zeroize::Zeroizing::new(*k));
        let state = std::sync::Arc::new(std::sync::Mutex::new(ExportProgress {
            running: true,
            folder: out.display().to_string(),
            ..Default::default()
        }));
        let job = ExportJob { state: state.clone() };
        std::thread::spawn(move || {
            let result = export_database(&study, &db, key.as_deref(), &opts, &out, &mut |done, total| {
                if let Ok(mut s) = state.lock() {
                    s.done = done as u32;
                    s.total = total as u32;
                }
            });
            if let Ok(mut s) = state.lock() {
                s.running = false;
                match result {
                    Ok(summary) => {
                        s.files = summary
                            .files
                            .iter()
                            .map(|f| ExportedFile {
                                file: f.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                                rows: f.rows as u32,
                                variables: f.variables as u32,
                            })
                            .collect();
                    }
                    Err(e) => s.error = Some(e.message(lang)),
                }
            }
        });
        Ok(job)
    }
}
