//! The field simulator (issue 3, item 10; issue 7; described in `docs/simulator.md`).
//!
//! It produces, per simulated device, the SQLite database real fieldwork would leave
//! (`<out>/device-01.sqlite`, …): the supervisor's route draw of every city (seeded), the device's
//! routes (assigned round-robin over all routes of all cities), and on each route every visit,
//! screening, selection and complete interview, all through the session API the app uses. Every random
//! choice comes from ChaCha20 streams derived from the seed, per route and per address, and times come
//! from a simulated clock: the same seed gives the same database content apart from the UUIDs (device,
//! interviews, journal entries). Devices run in parallel threads; each is simulated in an in-memory
//! database that is written to its file with SQLite's backup API when the device is done.
//!
//! What the household model answers is the study's choice (`simulation.toml`, [`model`]); every other
//! question is answered generically. A study larger than its frames (`scale` above 1) gets generated
//! streets, marked synthetic ([`synthetic`]).

pub mod device;
pub mod household;
pub mod model;
pub mod synthetic;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use dala_fieldwork::draw::route_id;
use dala_questionnaire::{Lang, Questionnaire};
use dala_session::field::Fieldwork;

pub use device::DeviceStats;
use device::{simulate_device, Shared};

/// The largest scale: 50 × KMRS is about 100 000 interviews.
pub const MAX_SCALE: f64 = 50.0;

/// How to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub devices: u32,
    /// Share of the study's plan: `round(routes × scale)` routes per city, at least 1 (0 < scale ≤ 50).
    pub scale: f64,
    pub out: PathBuf,
    /// Worker threads (default: the CPU cores).
    pub threads: Option<usize>,
    /// Encrypt each device database as the app would (issue 10): called with a device database's path
    /// before it is written, it makes that database's keyring and returns its key. `None`: plain files.
    pub encrypt: Option<Encrypt>,
    /// Write each device's actions straight into its database file as they happen, as the app does (one
    /// committed transaction per action, `synchronous = FULL`): much slower; for the tests that kill a
    /// fieldwork day. Off: each device runs in memory and is written to its file at the end.
    pub on_disk: bool,
}

/// Makes a device database's keyring and returns its key (see [`Config::encrypt`]).
pub type KeyFor = dyn Fn(&Path) -> Result<[u8; 32], String> + Send + Sync;

/// See [`Config::encrypt`].
#[derive(Clone)]
pub struct Encrypt(pub std::sync::Arc<KeyFor>);

impl std::fmt::Debug for Encrypt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Encrypt(…)")
    }
}

/// What a run did.
#[derive(Debug)]
pub struct Outcome {
    /// The fieldwork simulated: the study's, or at a scale above 1 the scaled plan on the extended frame.
    pub fieldwork: Fieldwork,
    pub stats: Vec<DeviceStats>,
    pub paths: Vec<PathBuf>,
    pub routes: usize,
    pub threads: usize,
    /// Generated streets per city (empty when the study's frames were large enough).
    pub synthetic_streets: BTreeMap<String, usize>,
    /// The generated frame, when there is one (`<out>/synthetic-frame.csv`).
    pub synthetic_frame: Option<PathBuf>,
    /// Whether the study has a `simulation.toml`.
    pub modelled: bool,
    /// Variables of `simulation.toml` the study cannot take (answered generically), with the reason.
    pub unmodelled: BTreeMap<String, String>,
    /// Cities simulated with the neutral defaults (no parameters in `simulation.toml`).
    pub generic_cities: Vec<String>,
    pub seconds: f64,
}

/// Why a run failed.
#[derive(Debug)]
pub enum SimError {
    /// A bad argument (exit code 2).
    Usage(String),
    /// Anything else (exit code 1).
    Runtime(String),
}

/// Checks the arguments, in the user's language.
pub fn check_config(cfg: &Config, lang: Lang) -> Result<(), SimError> {
    let scale = cfg.scale;
    if !(scale > 0.0 && scale <= MAX_SCALE) {
        return Err(SimError::Usage(lang.pick(
            format!("Неверный масштаб {scale}: нужно число больше 0 и не больше 50 (доля плана исследования; выше 1 недостающие улицы порождаются и помечаются как синтетические)."),
            format!("{scale} масштабы қате: 0-ден үлкен және 50-ден аспайтын сан керек (зерттеу жоспарының үлесі; 1-ден жоғары болса, жетпейтін көшелер жасалып, синтетикалық деп белгіленеді)."),
            format!("Bad scale {scale}: expected a number above 0 and at most 50 (a share of the study's plan; above 1 the missing streets are generated and marked synthetic)."),
        )));
    }
    if cfg.devices == 0 || cfg.devices > 999 {
        return Err(SimError::Usage(
            lang.pick(
                "Число устройств должно быть от 1 до 999.",
                "Құрылғылар саны 1-ден 999-ға дейін болуы керек.",
                "The number of devices must be from 1 to 999.",
            )
            .to_string(),
        ));
    }
    Ok(())
}

/// Simulates the fieldwork of a study (`study_dir` holds its optional `simulation.toml`).
pub fn simulate(
    study_dir: &Path,
    questionnaire: &Questionnaire,
    fieldwork: &Fieldwork,
    cfg: &Config,
    lang: Lang,
) -> Result<Outcome, SimError> {
    let t0 = Instant::now();
    check_config(cfg, lang)?;
    quiet_sqlite_memory_statistics();
    let file = model::load(study_dir).map_err(|e| SimError::Runtime(e.message(lang)))?;
    let (fieldwork, synthetic_streets) = synthetic::scaled(fieldwork, cfg.scale, cfg.seed).map_err(SimError::Runtime)?;
    let out = &cfg.out;
    std::fs::create_dir_all(out).map_err(|e| SimError::Runtime(format!("{}: {e}", out.display())))?;
    // The databases of an earlier run are replaced.
    for d in 1..=cfg.devices.max(99) {
        for suffix in ["", "-wal", "-shm", "-journal", ".keyring", ".lock"] {
            let _ = std::fs::remove_file(out.join(format!("device-{d:02}.sqlite{suffix}")));
        }
    }
    let synthetic_path = out.join("synthetic-frame.csv");
    let _ = std::fs::remove_file(&synthetic_path);
    let synthetic_frame = if synthetic_streets.values().any(|n| *n > 0) {
        let text = synthetic::frame_csv(&fieldwork.frame, cfg.seed, cfg.scale);
        std::fs::write(&synthetic_path, text).map_err(|e| SimError::Runtime(format!("{}: {e}", synthetic_path.display())))?;
        Some(synthetic_path)
    } else {
        None
    };
    // Routes per city: the plan's routes (scaled above 1) times the scale (at most 1 here), at least one.
    let factor = cfg.scale.min(1.0);
    let routes_per_city: Vec<(String, u32)> = fieldwork
        .settings
        .cities
        .iter()
        .map(|c| (c.id.clone(), ((f64::from(c.routes) * factor).round() as u32).clamp(1, c.routes)))
        .collect();
    let all: Vec<String> = routes_per_city.iter().flat_map(|(city, k)| (0..*k as usize).map(move |i| route_id(city, i))).collect();
    let devices = cfg.devices as usize;
    let mut assignment: Vec<Vec<String>> = vec![Vec::new(); devices];
    for (i, r) in all.iter().enumerate() {
        assignment[i % devices].push(r.clone());
    }
    let resolved = model::Resolved::new(file.as_ref(), questionnaire);
    let generic_cities: Vec<String> = fieldwork
        .settings
        .cities
        .iter()
        .filter(|c| file.as_ref().is_none_or(|f| !f.cities.contains_key(&c.id)))
        .map(|c| c.id.clone())
        .collect();
    let mut shared = Shared::new(questionnaire, &fieldwork, cfg.seed, routes_per_city, out.clone(), file.clone(), resolved.clone());
    shared.encrypt = cfg.encrypt.clone();
    shared.on_disk = cfg.on_disk;
    let workers = cfg.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).clamp(1, devices);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<DeviceStats, String>>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= assignment.len() {
                    break;
                }
                let r = simulate_device(&shared, i as u32 + 1, &assignment[i]).map_err(|e| format!("device {:02}: {e}", i + 1));
                results.lock().expect("no worker panicked").push(r);
            });
        }
    });
    let mut stats: Vec<DeviceStats> = Vec::new();
    let mut failures = Vec::new();
    for r in results.into_inner().expect("no worker panicked") {
        match r {
            Ok(s) => stats.push(s),
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        failures.sort();
        return Err(SimError::Runtime(failures.join("\n")));
    }
    stats.sort_by_key(|s| s.device);
    let paths: Vec<PathBuf> = stats.iter().map(|s| s.path.clone()).collect();
    Ok(Outcome {
        fieldwork,
        stats,
        paths,
        routes: all.len(),
        threads: workers,
        synthetic_streets,
        synthetic_frame,
        modelled: file.is_some(),
        unmodelled: resolved.unmodelled.clone(),
        generic_cities,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// SQLite counts every allocation in global statistics behind one process-wide mutex
/// (`SQLITE_CONFIG_MEMSTATUS`, on by default); with the devices' in-memory databases on several
/// threads that mutex kept two cores at about 165 %. The simulator never reads those statistics, so
/// it turns them off, once, before SQLite is initialised (when SQLite is already initialised the call
/// is refused with `SQLITE_MISUSE` and nothing changes: the run is only slower).
fn quiet_sqlite_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` with SQLITE_CONFIG_MEMSTATUS takes one int argument; it is called
        // before any connection of this process is opened (the simulator opens the first ones), and
        // SQLite itself refuses it once initialised.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::os::raw::c_int);
        }
    });
}
