//! Where the study and the database are, and whether there is a display to open a window on.
//!
//! - `DALA_STUDY`: the study folder. Default: `schema/kmrs-2010`, looked for next to the
//!   executable and its parent folders (`target/debug/dala-app` → the repository), then in the
//!   current folder and its parents. No path of the build machine is compiled into the binary: a
//!   copied binary finds its study where it is installed, never in the tree it was built from.
//! - `DALA_DB`: the SQLite file. Default: the OS data folder, `~/.local/share/dala/dala.sqlite`
//!   on Linux; its folder is created when missing.
//! - `DALA_DURABILITY`: `full` (default: every answer fsynced, safe against a power cut) or `normal`
//!   (every answer safe when the app is killed; for very slow storage).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The study every interviewer uses unless `DALA_STUDY` says otherwise.
pub const DEFAULT_STUDY: &str = "schema/kmrs-2010";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub study_dir: PathBuf,
    pub db_path: PathBuf,
    pub durability: dala_store::Durability,
}

/// `DALA_DURABILITY`: `normal` chooses WAL without an fsync per answer; anything else keeps `full`.
pub fn durability(value: Option<&str>) -> dala_store::Durability {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        Some(v) if v == "normal" => dala_store::Durability::Normal,
        _ => dala_store::Durability::Full,
    }
}

impl Config {
    /// Reads `DALA_STUDY`, `DALA_DB` and `DALA_DURABILITY`, filling in the defaults.
    pub fn from_env() -> Config {
        let durability = durability(std::env::var("DALA_DURABILITY").ok().as_deref());
        let config = Config::resolve(
            std::env::var_os("DALA_STUDY"),
            std::env::var_os("DALA_DB"),
            std::env::current_exe().ok().as_deref(),
            std::env::current_dir().ok().as_deref(),
            dirs::data_dir(),
        );
        Config { durability, ..config }
    }

    /// The pure part of [`Config::from_env`], for tests.
    pub fn resolve(
        study: Option<OsString>,
        db: Option<OsString>,
        exe: Option<&Path>,
        cwd: Option<&Path>,
        data_dir: Option<PathBuf>,
    ) -> Config {
        let study_dir = match study.filter(|s| !s.is_empty()) {
            Some(s) => PathBuf::from(s),
            None => default_study_dir(exe, cwd),
        };
        let db_path = match db.filter(|s| !s.is_empty()) {
            Some(s) => PathBuf::from(s),
            None => data_dir.unwrap_or_else(|| PathBuf::from(".")).join("dala").join("dala.sqlite"),
        };
        Config { study_dir, db_path, durability: dala_store::Durability::Full }
    }
}

/// The first `schema/kmrs-2010` holding a `study.toml`, searched from the executable upwards, then
/// from the current folder upwards. When there is none, the first candidate is returned and opening it
/// fails with the session's "no study" message.
pub fn default_study_dir(exe: Option<&Path>, cwd: Option<&Path>) -> PathBuf {
    let from_exe = exe.and_then(Path::parent).into_iter().flat_map(Path::ancestors);
    let from_cwd = cwd.into_iter().flat_map(Path::ancestors);
    // An installed package (scripts/package.sh) keeps the study among its resources:
    // /usr/bin/dala-app → /usr/lib/Dala/schema/kmrs-2010.
    let installed = exe.and_then(Path::parent).and_then(Path::parent).map(|prefix| prefix.join("lib/Dala"));
    let candidates: Vec<PathBuf> =
        from_exe.chain(from_cwd).map(|dir| dir.join(DEFAULT_STUDY)).chain(installed.map(|dir| dir.join(DEFAULT_STUDY))).collect();
    candidates
        .iter()
        .find(|candidate| candidate.join("study.toml").is_file())
        .cloned()
        .unwrap_or_else(|| candidates.into_iter().next().unwrap_or_else(|| PathBuf::from(DEFAULT_STUDY)))
}

/// `Some(message)` when there is no display to open the window on (Linux/BSD without
/// `DISPLAY` or `WAYLAND_DISPLAY`); the message says so in Russian, Kazakh and English.
pub fn missing_display(display: Option<OsString>, wayland: Option<OsString>) -> Option<String> {
    let set = |v: Option<OsString>| v.is_some_and(|v| !v.is_empty());
    if cfg!(any(target_os = "windows", target_os = "macos")) || set(display) || set(wayland) {
        return None;
    }
    Some(no_display_message())
}

/// What to print when GTK cannot reach a display (unset, or set to a display that is gone).
pub fn no_display_message() -> String {
    [
        "Dala: дисплей не найден (переменные DISPLAY и WAYLAND_DISPLAY не заданы или дисплей недоступен), окно открыть негде.",
        "      Запустите Dala в графическом сеансе или на виртуальном дисплее: xvfb-run -a scripts/app.sh",
        "Dala: дисплей табылмады (DISPLAY және WAYLAND_DISPLAY айнымалылары берілмеген немесе дисплей қолжетімсіз), терезені ашатын жер жоқ.",
        "      Dala-ны графикалық сеанста немесе виртуалды дисплейде іске қосыңыз: xvfb-run -a scripts/app.sh",
        "Dala: no display found (DISPLAY and WAYLAND_DISPLAY are not set, or the display is unreachable), so there is nowhere to open the window.",
        "      Run Dala in a graphical session, or on a virtual display: xvfb-run -a scripts/app.sh",
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_wins_over_defaults() {
        let c = Config::resolve(Some("/s".into()), Some("/d/x.sqlite".into()), None, None, None);
        assert_eq!(c, Config { study_dir: "/s".into(), db_path: "/d/x.sqlite".into(), durability: dala_store::Durability::Full });
    }

    #[test]
    fn database_defaults_to_the_data_folder() {
        let c = Config::resolve(None, Some("".into()), None, None, Some("/home/u/.local/share".into()));
        assert_eq!(c.db_path, PathBuf::from("/home/u/.local/share/dala/dala.sqlite"));
    }

    #[test]
    fn study_is_found_from_the_executable_in_target() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let exe = repo.join("target/debug/dala-app");
        let found = default_study_dir(Some(&exe), Some(Path::new("/")));
        assert!(found.join("study.toml").is_file(), "{}", found.display());
        // Nothing is found from elsewhere: no build-machine path is a fallback.
        let elsewhere = default_study_dir(Some(Path::new("/opt/dala/bin/dala-app")), Some(Path::new("/")));
        // An installed package's study: /usr/bin/dala-app finds /usr/lib/Dala/schema/kmrs-2010 when it is there.
        let prefix = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(prefix.path().join("lib/Dala/schema/kmrs-2010")).unwrap();
        std::fs::write(prefix.path().join("lib/Dala/schema/kmrs-2010/study.toml"), "").unwrap();
        let installed = default_study_dir(Some(&prefix.path().join("bin/dala-app")), Some(Path::new("/")));
        assert_eq!(installed, prefix.path().join("lib/Dala/schema/kmrs-2010"));
        assert_eq!(elsewhere, PathBuf::from("/opt/dala/bin/schema/kmrs-2010"));
        assert!(!elsewhere.join("study.toml").is_file());
    }

    #[test]
    fn no_display_is_explained_in_three_languages() {
        let message = missing_display(None, Some("".into())).expect("no display");
        assert!(message.contains("дисплей не найден") && message.contains("дисплей табылмады") && message.contains("no display found"));
        assert!(message.contains("xvfb-run"));
        assert_eq!(missing_display(Some(":99".into()), None), None);
    }

    #[test]
    fn durability_is_full_unless_normal_is_asked_for() {
        assert_eq!(durability(None), dala_store::Durability::Full);
        assert_eq!(durability(Some("NORMAL ")), dala_store::Durability::Normal);
        assert_eq!(durability(Some("fast")), dala_store::Durability::Full);
    }
}
