//! The `dala` command: glue between the command line and the library crates.
//!
//! - `dala check <study-dir> [--json]`: load a study and print every diagnostic.
//! - `dala interview --study <dir> --db <file> --script <file.json> [--json] [--ack]`: run a scripted
//!   interview headless through the same session (engine + store) the app uses.
//! - `dala bench --study <dir> [--members n]...`: per-answer cost of the engine plus the durable write.
//! - `dala routes draw --study <dir> --city <id> --seed <n> [--routes k] [--weighted] [--json] [--db file]`:
//!   the seeded random-route draw of a city (stored in a device database with `--db`).
//! - `dala quota plan --study <dir> [--json]`: the gender quota cells of every route.
//! - `dala report --db <file> [--db <file>]... [--study <dir>] [--json]`: attempts, dispositions, AAPOR
//!   rates and completes against the quota, over one or several device databases.
//! - `dala simulate --study <dir> --seed <n> [--devices d] [--scale x] --out <dir> [--json]`: the field
//!   simulator (see `docs/simulator.md`).
//!
//! Messages to people follow `--lang` (or the `LANG` environment variable): ru, kk or en.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dala_questionnaire::Lang;

mod bench;
mod check;
mod fieldcmd;
mod script;
mod simulate;

#[derive(Parser)]
#[command(name = "dala", version, about = "Dala: offline bilingual survey interviewing (CAPI)")]
struct Cli {
    /// Language of messages: ru, kk or en (default: from LANG, else en).
    #[arg(long, global = true)]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load a study folder and print its summary and every problem found.
    Check {
        /// The study folder (with study.toml), e.g. schema/kmrs-2010.
        study: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run a scripted interview headless through the engine and the store.
    Interview {
        #[arg(long)]
        study: PathBuf,
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        script: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Print `ack <step>` on stdout after each step is durably stored.
        #[arg(long)]
        ack: bool,
        /// Continue this interview instead of starting a new one.
        #[arg(long)]
        interview: Option<String>,
    },
    /// Measure the per-answer cost (engine + durable SQLite write) for households of given sizes.
    Bench {
        #[arg(long)]
        study: PathBuf,
        /// Household sizes to measure.
        #[arg(long, num_args = 1.., default_values_t = [14usize, 100])]
        members: Vec<usize>,
        /// Where to put the benchmark databases (default: a temporary folder).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Random routes: draw a city's routes.
    Routes {
        #[command(subcommand)]
        command: RoutesCommand,
    },
    /// Gender quotas: the cells of every route.
    Quota {
        #[command(subcommand)]
        command: QuotaCommand,
    },
    /// The fieldwork report of one or several device databases: visits, dispositions, AAPOR rates, quotas.
    Report {
        /// A device database; repeat to merge several devices.
        #[arg(long, required = true)]
        db: Vec<PathBuf>,
        /// The study folder (default: schema/kmrs-2010).
        #[arg(long)]
        study: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// In text mode, list every route of the plan, not only those worked.
        #[arg(long)]
        all_routes: bool,
    },
    /// Simulate the fieldwork of a study: one database per device, as real fieldwork would leave.
    Simulate {
        /// The study folder with its fieldwork settings, e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        /// The seed of every random choice (a whole number).
        #[arg(long, allow_hyphen_values = true)]
        seed: String,
        /// Number of devices (interviewers); routes are assigned to them round-robin.
        #[arg(long, default_value_t = 25)]
        devices: u32,
        /// Share of the study's plan to simulate (0 < x <= 1): the number of routes per city.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Folder for device-01.sqlite, device-02.sqlite, …
        #[arg(long)]
        out: PathBuf,
        /// Worker threads (default: the number of CPU cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum RoutesCommand {
    /// Draw a city's routes: seeded and reproducible (the same seed gives the same output).
    Draw {
        /// The study folder with its fieldwork settings, e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        #[arg(long)]
        city: String,
        /// The seed (a whole number); stored with the routes.
        #[arg(long, allow_hyphen_values = true)]
        seed: String,
        /// Number of routes (default: the city's routes in the study settings).
        #[arg(long)]
        routes: Option<u32>,
        /// Draw streets with probability proportional to their dwellings.
        #[arg(long)]
        weighted: bool,
        #[arg(long)]
        json: bool,
        /// Also store the routes (with the seed and their quota cells) in this database.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Assign stored routes to an interviewer (or device) in a database: the device then knows its
    /// routes and quota cells offline.
    Assign {
        #[arg(long)]
        study: PathBuf,
        #[arg(long)]
        db: PathBuf,
        /// The interviewer or device id.
        #[arg(long)]
        to: String,
        /// Route ids, e.g. almaty-R01 almaty-R02.
        #[arg(required = true)]
        routes: Vec<String>,
    },
}

#[derive(Subcommand)]
enum QuotaCommand {
    /// The allocation of each city's gender targets to per-route cells.
    Plan {
        /// The study folder with its fieldwork settings, e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// The language for messages: `--lang`, else `LANG`, else English.
fn message_lang(flag: Option<&str>) -> Lang {
    if let Some(l) = flag.and_then(Lang::parse) {
        return l;
    }
    let env = std::env::var("LANG").unwrap_or_default();
    Lang::parse(env.get(..2).unwrap_or("")).unwrap_or(Lang::En)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let flag = std::env::args().skip_while(|a| a != "--lang").nth(1);
            let lang = message_lang(flag.as_deref());
            let lead = match lang {
                Lang::Ru => "Неверные аргументы команды (см. dala --help):",
                Lang::Kk => "Команда аргументтері қате (dala --help қараңыз):",
                Lang::En => "Wrong command arguments (see dala --help):",
            };
            eprintln!("{lead}\n{e}");
            return ExitCode::from(64);
        }
    };
    let lang = message_lang(cli.lang.as_deref());
    let result = match cli.command {
        Command::Check { study, json } => check::run(&study, json, lang),
        Command::Interview { study, db, script, json, ack, interview } => script::run(&study, &db, &script, json, ack, interview.as_deref(), lang),
        Command::Bench { study, members, dir, json } => bench::run(&study, &members, dir.as_deref(), json, lang),
        Command::Routes { command: RoutesCommand::Draw { study, city, seed, routes, weighted, json, db } } => fieldcmd::routes_draw(&study, &city, &seed, routes, weighted, json, db.as_deref(), lang),
        Command::Routes { command: RoutesCommand::Assign { study, db, to, routes } } => fieldcmd::routes_assign(&study, &db, &to, &routes, lang),
        Command::Quota { command: QuotaCommand::Plan { study, json } } => fieldcmd::quota_plan(&study, json, lang),
        Command::Report { db, study, json, all_routes } => fieldcmd::report(&study.unwrap_or_else(fieldcmd::default_study), &db, json, all_routes, lang),
        Command::Simulate { study, seed, devices, scale, out, threads, json } => simulate::run(&study, &seed, devices, scale, &out, threads, json, lang),
    };
    let _ = std::io::stdout().flush();
    result
}
