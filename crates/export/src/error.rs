use dala_i18n::{msg, Localized};

/// Why an export failed, worded in ru/kk/en. Nothing is left half-written: files are written to a
/// temporary folder next to the output and moved into place only when every file is complete.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}", .0.en)]
    Settings(Localized),
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("file {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{format}: {detail}")]
    Format { format: &'static str, detail: String },
    #[error("the database holds no interviews of the study {0}")]
    NoInterviews(String),
}

impl ExportError {
    pub fn message(&self) -> Localized {
        match self {
            ExportError::Settings(m) => {
                let m = m.clone();
                msg!("Export settings: {}", "Настройки экспорта: {}", "Экспорт баптаулары: {}", m.en, m.ru, m.kk)
            }
            ExportError::Database(e) => {
                msg!("The database could not be read: {e}", "Не удалось прочитать базу данных: {e}", "Дерекқорды оқу мүмкін болмады: {e}")
            }
            ExportError::Io { path, error } => msg!(
                "The file {path} could not be written: {error}",
                "Не удалось записать файл {path}: {error}",
                "{path} файлын жазу мүмкін болмады: {error}"
            ),
            ExportError::Format { format, detail } => msg!(
                "The {format} file could not be written: {detail}",
                "Не удалось записать файл {format}: {detail}",
                "{format} файлын жазу мүмкін болмады: {detail}"
            ),
            ExportError::NoInterviews(study) => msg!(
                "The database holds no interviews of the study {study}: nothing to export.",
                "В базе данных нет интервью исследования {study}: экспортировать нечего.",
                "Дерекқорда {study} зерттеуінің сұхбаттары жоқ: экспорттайтын ештеңе жоқ."
            ),
        }
    }

    pub fn io(path: &std::path::Path, error: std::io::Error) -> ExportError {
        ExportError::Io { path: path.display().to_string(), error }
    }
}
