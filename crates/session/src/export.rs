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
    let store = Store::open_read_only(db)?;
    let mut weights = HashMap::new();
    if let Some(fw) = load_fieldwork(study_dir)? {
        for w in crate::weights::weights(&store, &fw)?.interviews {
            weights.insert(w.interview_id.clone(), dala_export::Weights { design: w.design_weight, respondent: w.respondent_weight });
        }
    }
    dala_export::export(store.connection(), &q, &settings, &weights, opts, out, progress).map_err(|e| SessionError::Export(e.message()))
}
