//! The `dala` command: glue between the command line and the library crates.
//!
//! - `dala check <study-dir> [--json]`: load a study and print every diagnostic.
//! - `dala interview --study <dir> --db <file> --script <file.json> [--json] [--ack]`: run a scripted
//!   interview headless through the same session (engine + store) the app uses.
//! - `dala bench --study <dir> [--members n]...`: per-answer cost of the engine plus the durable write.
//! - `dala routes draw --study <dir> --city <id> --seed <n> [--routes k] [--weighted] [--json] [--db file]`:
//!   the seeded random-route draw of a city (stored in a device database with `--db`).
//! - `dala quota plan --study <dir> [--json]`: the gender quota cells of every route.
//! - `dala report --db <file> [--db <file>]... [--study <dir>] [--json] [--provisional]`: attempts,
//!   dispositions, AAPOR rates and completes against the quota, over one or several device databases
//!   (closed addresses only, or with `--provisional` open ones with their provisional disposition).
//!   With `--html <file>` the same figures and the sample's (languages, sex, age, household size,
//!   visits, hours of contact) as one self-contained HTML file with charts (`reporthtml.rs`).
//! - `dala walk --study <dir> --db <file> --route <id> --script <walk.json> [--json]`: a scripted walk of a
//!   stored route (buildings, visits) through the session, printing the selected addresses with their
//!   selection chance and disposition (`walkcmd`; the script format is in `docs/fieldwork.md`).
//! - `dala simulate --study <dir> --seed <n> [--devices d] [--scale x] --out <dir> [--packages <dir> --to
//!   <.pub>...] [--json]`: the field simulator (see `docs/simulator.md`), optionally writing each device's
//!   sync package as well.
//! - `dala cards --study <dir> --lang ru|kk|en [--bilingual] --out cards.html`: the study's show cards as a
//!   printable A4 booklet (`cards.rs`).
//!
//! - `dala keys init --role interviewer|supervisor|coordinator --name <name> --out <dir>`: a user's key
//!   pair (`<name>.key`, secret; `<name>.pub`, public).
//! - `dala sync export --db <file> --key <.key> --to <.pub>... --out <package> [--since-last]` and
//!   `dala sync import --db <file> --key <.key> --trust <.pub or folder>... <package>... [--json]`: signed,
//!   encrypted packages between devices, supervisors and coordinators (`synccmd.rs`, docs/sync.md).
//!
//! - `dala export --db <file> --format sav|zsav|dta|csv|parquet [--lang ru|kk|en] [--anonymise] --out <dir>
//!   [--json]`: labelled datasets (`exportcmd.rs`, docs/export.md).
//! - `dala db status|encrypt|change-pin|recover --db <file> …`: encryption at rest (`dbcmd.rs`). Every
//!   command that opens a database takes its PIN from `--pin-file <file>` or `DALA_PIN`; a new database is
//!   encrypted unless `--unencrypted` (`dbkey.rs`, docs/robustness.md).
//! - `dala audit verify --db <file> [--json]`: the journal's hash chains and the answers checked against
//!   the journal; exit 1 naming the first broken link (`auditcmd.rs`, docs/robustness.md).
//! - `dala backcheck --db <file> draw --seed n | list | record …`: back-checks (`backcheckcmd.rs`).
//! - `dala review --db <file> list|approve|reject|comment|conflicts|resolve …`: the supervisor's review
//!   loop (`reviewcmd.rs`).
//!
//! Messages to people follow `--lang` (or the `LANG` environment variable): ru, kk or en.

/// mimalloc instead of glibc's allocator: the field simulator grows one in-memory SQLite database per
/// device thread to hundreds of megabytes, and with glibc's allocator that took 15 % more CPU time
/// (BENCHMARKS.md, field simulator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use dala_questionnaire::Lang;

mod auditcmd;
mod backcheckcmd;
mod bench;
mod cards;
mod check;
mod dbcmd;
mod dbkey;
mod exportcmd;
mod fieldcmd;
mod help;
mod reporthtml;
mod reviewcmd;
mod script;
mod simulate;
mod synccmd;
mod walkcmd;

#[derive(Parser)]
#[command(name = "dala", version, about = "Dala: offline bilingual survey interviewing (CAPI)")]
struct Cli {
    /// Language of messages: ru, kk or en (default: from LANG, else en).
    #[arg(long, global = true)]
    lang: Option<String>,
    /// The database's PIN: the first line of this file (else the DALA_PIN environment variable).
    #[arg(long, global = true)]
    pin_file: Option<PathBuf>,
    /// Make a new database unencrypted (without it a new database is encrypted with the PIN).
    #[arg(long, global = true)]
    unencrypted: bool,
    /// The user whose PIN this is (a new database's first user; default: admin).
    #[arg(long, global = true)]
    user: Option<String>,
    /// A coordinator's public key (.pub) that can recover a new or newly encrypted database; repeatable.
    #[arg(long, global = true)]
    recovery: Vec<PathBuf>,
    /// Open encrypted databases with this coordinator's secret key (.key) instead of a PIN.
    #[arg(long, global = true)]
    recovery_key: Option<PathBuf>,
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
        /// The study folder (with study.toml), e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        /// The database to store the interview in (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// The script of the interview: the answers and moves to play, in order (JSON).
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
        /// The study folder (with study.toml), e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        /// Household sizes to measure.
        #[arg(long, num_args = 1.., default_values_t = [14usize, 100])]
        members: Vec<usize>,
        /// Where to put the benchmark databases (default: a temporary folder).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Print the result as JSON.
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
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// In text mode, list every route of the plan, not only those worked.
        #[arg(long)]
        all_routes: bool,
        /// Count every open address with the provisional disposition of its visits so far (as at the
        /// end of fieldwork); by default the rates count closed addresses only.
        #[arg(long)]
        provisional: bool,
        /// Write the report with its charts as one self-contained HTML file (in the `--lang` language).
        #[arg(long, conflicts_with = "json")]
        html: Option<PathBuf>,
    },
    /// Print the study's show cards as an A4 booklet (one HTML file, one card per page) in the `--lang`
    /// language (default: the study's default language).
    Cards {
        /// The study folder, e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        /// Print a second language on every card (ru with kk, kk with ru, en with ru).
        #[arg(long)]
        bilingual: bool,
        /// The HTML file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Walk a stored route by a script (buildings and visits) through the session, as the app would.
    Walk {
        /// The study folder with its fieldwork settings, e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        /// The device database holding the route (see `dala routes draw --db`).
        #[arg(long)]
        db: PathBuf,
        /// The route id, e.g. almaty-R01.
        #[arg(long)]
        route: String,
        /// The walk script (JSON; docs/fieldwork.md, "Scripted walks").
        #[arg(long)]
        script: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The supervisor's review: approve, reject, comment, resolve conflicts.
    Review {
        /// The supervisor's database (the devices' packages imported into it).
        #[arg(long)]
        db: PathBuf,
        /// The study folder (default: schema/kmrs-2010).
        #[arg(long)]
        study: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// Labelled datasets for analysis: households, rosters, addresses, visits, paradata (docs/export.md).
    Export {
        /// The database to export: a device's, or the supervisor's with every device merged.
        #[arg(long)]
        db: PathBuf,
        /// The study folder (default: schema/kmrs-2010).
        #[arg(long)]
        study: Option<PathBuf>,
        /// sav, zsav, dta, csv or parquet.
        #[arg(long)]
        format: String,
        /// The language of the labels (ru, kk, en); default: the message language.
        #[arg(long = "data-lang", alias = "labels")]
        data_lang: Option<String>,
        /// Drop identifying variables, coarsen quasi-identifying ones, pseudonymise the keys.
        #[arg(long, alias = "anonymize")]
        anonymise: bool,
        /// The folder for the files (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Back-checks: re-contact a seeded sample of each interviewer's completes.
    Backcheck {
        /// The supervisor's database (the devices' packages imported into it).
        #[arg(long)]
        db: PathBuf,
        /// The study folder (default: schema/kmrs-2010).
        #[arg(long)]
        study: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        command: BackcheckCommand,
    },
    /// Keys for sync packages.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// A database's encryption at rest: status, encrypt, change a PIN, recover a lost PIN.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// The tamper-evident journal: check a database's hash chains and its answers against its journal.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Sync packages: export a database's data, import others'.
    Sync {
        #[command(subcommand)]
        command: SyncCommand,
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
        /// Share of the study's plan to simulate (0 < x <= 50): the number of routes per city; above 1 with generated (synthetic) streets where the frames are too small.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Folder for device-01.sqlite, device-02.sqlite, …
        #[arg(long)]
        out: PathBuf,
        /// Worker threads (default: the number of CPU cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Also write each device's sync package into this folder (device-01.dala, …), with a new
        /// interviewer key pair per device in <packages>/keys (device-01.key/.pub, …).
        #[arg(long)]
        packages: Option<PathBuf>,
        /// A recipient's public key (.pub) for the packages; repeat for several (needed with --packages).
        #[arg(long)]
        to: Vec<PathBuf>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Write every action into the device files as it happens, as the app does (much slower; the
        /// durability tests kill fieldwork days with it).
        #[arg(long)]
        on_disk: bool,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a user's key pair: <out>/<name>.key (secret, stays on the device) and <out>/<name>.pub.
    Init {
        /// interviewer, supervisor or coordinator.
        #[arg(long)]
        role: String,
        /// The user's name (also the file name).
        #[arg(long)]
        name: String,
        /// The folder to write the two files to.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum BackcheckCommand {
    /// Draw the seeded share of each interviewer's completes (the study's [backcheck] settings).
    Draw {
        /// The seed (a whole number); stored with the draw.
        #[arg(long, allow_hyphen_values = true)]
        seed: String,
    },
    /// The interviews drawn, with what their back-checks found.
    List,
    /// Record a back-check: was the household visited, was it the same respondent, and the answers asked again.
    Record {
        /// The interview's id.
        #[arg(long)]
        interview: String,
        /// yes or no.
        #[arg(long)]
        visited: String,
        /// yes or no.
        #[arg(long)]
        same_respondent: String,
        /// The household size the back-check found.
        #[arg(long)]
        household_size: Option<i64>,
        /// A key answer asked again, QUESTION=value (repeat).
        #[arg(long)]
        answer: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ReviewCommand {
    /// Interviews with their status, review and conflicts.
    List,
    /// Approve a completed interview.
    Approve {
        /// The interview's id.
        #[arg(long)]
        interview: String,
        /// A comment kept with the decision.
        #[arg(long)]
        comment: Option<String>,
    },
    /// Send a completed interview back to its interviewer for correction (with the reason).
    Reject {
        /// The interview's id.
        #[arg(long)]
        interview: String,
        /// Why it is sent back: the interviewer reads it on the device.
        #[arg(long)]
        comment: String,
    },
    /// Comment on an answer (or, without --question, on the whole interview).
    Comment {
        /// The interview's id.
        #[arg(long)]
        interview: String,
        /// The question's id, e.g. Q103 (without it: the whole interview).
        #[arg(long)]
        question: Option<String>,
        /// Roster rows, e.g. 2 or 2.1.
        #[arg(long)]
        roster: Option<String>,
        /// The comment.
        #[arg(long)]
        text: String,
    },
    /// Answers changed on two devices with different values.
    Conflicts,
    /// Decide an answer in conflict: the chosen value (JSON) replaces every version.
    Resolve {
        /// The interview's id.
        #[arg(long)]
        interview: String,
        /// The question's id, e.g. Q103.
        #[arg(long)]
        question: String,
        /// Roster rows, e.g. 2 or 2.1.
        #[arg(long)]
        roster: Option<String>,
        /// The chosen value as JSON, e.g. 2 or "text".
        #[arg(long, allow_hyphen_values = true)]
        value: String,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Whether the database is encrypted, its users with a PIN and the coordinators who can recover it.
    Status {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Encrypt a plain database in place with the PIN (--pin-file or DALA_PIN).
    Encrypt {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
    },
    /// Set a new PIN (the current one from --pin-file or DALA_PIN); a new --user is added.
    ChangePin {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
        /// The new PIN: the first line of this file.
        #[arg(long)]
        new_pin_file: PathBuf,
    },
    /// A lost PIN: open the key with the coordinator's secret key and set a new PIN.
    Recover {
        /// The database file.
        #[arg(long)]
        db: PathBuf,
        /// The coordinator's secret key (.key).
        #[arg(long)]
        key: PathBuf,
        /// The new PIN: the first line of this file.
        #[arg(long)]
        new_pin_file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Exit 0 when every journal entry still gives its hash and links to the one before it and every stored
    /// answer is what the journal gives; else exit 1 naming the first broken link.
    Verify {
        /// The database to check.
        #[arg(long)]
        db: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Write a package of this database's data, signed with --key and encrypted to each --to.
    Export {
        /// The database whose data goes into the package.
        #[arg(long)]
        db: PathBuf,
        /// The sender's secret key (.key).
        #[arg(long)]
        key: PathBuf,
        /// A recipient's public key (.pub); repeat for several (e.g. the supervisor and the coordinator).
        #[arg(long, required = true)]
        to: Vec<PathBuf>,
        /// The package file to write.
        #[arg(long)]
        out: PathBuf,
        /// Only what changed since the last export to the same recipients.
        #[arg(long)]
        since_last: bool,
        /// The study (only needed when the database holds no interview yet, e.g. routes to assign).
        #[arg(long)]
        study: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import packages into a database (created if missing), each checked whole first.
    Import {
        /// The database to import into (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// The recipient's secret key (.key).
        #[arg(long)]
        key: PathBuf,
        /// A trusted sender's public key (.pub) or a folder of them; repeat for several.
        #[arg(long, required = true)]
        trust: Vec<PathBuf>,
        /// The package files.
        #[arg(required = true)]
        packages: Vec<PathBuf>,
        /// Print the result as JSON.
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
        /// The city, as the study's fieldwork settings name it.
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
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Also store the routes (with the seed and their quota cells) in this database.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Assign stored routes to an interviewer (or device) in a database: the device then knows its
    /// routes and quota cells offline.
    Assign {
        /// The study folder with its fieldwork settings, e.g. schema/kmrs-2010.
        #[arg(long)]
        study: PathBuf,
        /// The database holding the routes.
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
        /// Print the result as JSON.
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

/// Exit codes of every `dala` command: 0 success, 1 the work failed (an invalid study, a database
/// error), 2 the command was used wrongly (bad arguments, a malformed script, a refused step).
pub const EXIT_USAGE: u8 = 2;

/// A clap error in the message language: clap's own text is English only, so the sentence is ours and
/// only the argument or value it is about is taken from clap.
fn usage_message(e: &clap::Error, lang: Lang) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let sub = ctx(ContextKind::InvalidSubcommand);
    let valid = ctx(ContextKind::ValidValue);
    let suggested = ctx(ContextKind::SuggestedArg);
    let suggested_sub = ctx(ContextKind::SuggestedSubcommand);
    let s = |ru: String, kk: String, en: String| lang.pick(ru, kk, en);
    let mut msg = match e.kind() {
        ErrorKind::UnknownArgument => {
            s(format!("Неизвестный аргумент {arg}."), format!("Белгісіз аргумент {arg}."), format!("Unknown argument {arg}."))
        }
        ErrorKind::InvalidSubcommand => {
            s(format!("Неизвестная команда {sub}."), format!("Белгісіз команда {sub}."), format!("Unknown command {sub}."))
        }
        ErrorKind::MissingRequiredArgument => s(
            format!("Не хватает обязательного аргумента: {arg}."),
            format!("Міндетті аргумент жетіспейді: {arg}."),
            format!("A required argument is missing: {arg}."),
        ),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            s("Не указана команда.".into(), "Команда көрсетілмеген.".into(), "No command was given.".into())
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            s(format!("Для {arg} нужно значение."), format!("{arg} үшін мән керек."), format!("{arg} needs a value."))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::InvalidUtf8 => s(
            format!("Недопустимое значение «{value}» для {arg}."),
            format!("{arg} үшін «{value}» мәні жарамсыз."),
            format!("Invalid value \"{value}\" for {arg}."),
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => s(
            format!("Неверное число значений для {arg}."),
            format!("{arg} үшін мәндер саны қате."),
            format!("Wrong number of values for {arg}."),
        ),
        ErrorKind::ArgumentConflict => s(
            format!("Аргумент {arg} нельзя использовать вместе с другим указанным."),
            format!("{arg} аргументін көрсетілген басқа аргументпен бірге қолдануға болмайды."),
            format!("The argument {arg} cannot be used with another one given."),
        ),
        ErrorKind::NoEquals => s(
            format!("Значение {arg} пишется через «=»."),
            format!("{arg} мәні «=» арқылы жазылады."),
            format!("The value of {arg} must be given with \"=\"."),
        ),
        _ => s("Неверные аргументы команды.".into(), "Команда аргументтері қате.".into(), "Wrong command arguments.".into()),
    };
    if !valid.is_empty() {
        msg.push(' ');
        msg.push_str(&s(format!("Допустимо: {valid}."), format!("Рұқсат етілгені: {valid}."), format!("Possible values: {valid}.")));
    }
    let hint = if !suggested.is_empty() { suggested } else { suggested_sub };
    if !hint.is_empty() {
        msg.push(' ');
        msg.push_str(&s(
            format!("Возможно, имелось в виду {hint}?"),
            format!("Мүмкін, {hint} дегіңіз келді ме?"),
            format!("Did you mean {hint}?"),
        ));
    }
    msg.push(' ');
    msg.push_str(&s("См. dala --help.".into(), "dala --help қараңыз.".into(), "See dala --help.".into()));
    msg
}

/// Output into a closed pipe (`dala check ... | head`) ends the program quietly, as for any Unix tool,
/// instead of a panic in `println!`.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts; no handler runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    // The language of the help and of a usage error, before the arguments are parsed.
    let args: Vec<String> = std::env::args().collect();
    let flag = args
        .iter()
        .position(|a| a == "--lang")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| args.iter().find_map(|a| a.strip_prefix("--lang=").map(str::to_string)));
    let early = message_lang(flag.as_deref());
    let mut command = Cli::command();
    command.build();
    let parsed = help::localize(command, early).try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let lang = early;
            eprintln!("{}", usage_message(&e, lang));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let lang = message_lang(cli.lang.as_deref());
    if let Err(e) = dbkey::init(dbkey::Options {
        pin_file: cli.pin_file.as_deref(),
        unencrypted: cli.unencrypted,
        user: cli.user.clone(),
        recovery: &cli.recovery,
        recovery_key: cli.recovery_key.as_deref(),
    }) {
        eprintln!("{}", e.message(lang));
        return ExitCode::from(EXIT_USAGE);
    }
    let result = match cli.command {
        Command::Check { study, json } => check::run(&study, json, lang),
        Command::Interview { study, db, script, json, ack, interview } => {
            script::run(&study, &db, &script, json, ack, interview.as_deref(), lang)
        }
        Command::Bench { study, members, dir, json } => bench::run(&study, &members, dir.as_deref(), json, lang),
        Command::Routes { command: RoutesCommand::Draw { study, city, seed, routes, weighted, json, db } } => {
            fieldcmd::routes_draw(&study, &city, &seed, routes, weighted, json, db.as_deref(), lang)
        }
        Command::Routes { command: RoutesCommand::Assign { study, db, to, routes } } => {
            fieldcmd::routes_assign(&study, &db, &to, &routes, lang)
        }
        Command::Quota { command: QuotaCommand::Plan { study, json } } => fieldcmd::quota_plan(&study, json, lang),
        Command::Report { db, study, json, all_routes, provisional, html } => {
            let mode =
                if provisional { dala_fieldwork::report::ReportMode::Provisional } else { dala_fieldwork::report::ReportMode::Final };
            let study = study.unwrap_or_else(fieldcmd::default_study);
            match html {
                Some(out) => fieldcmd::exit_with(reporthtml::run(&study, &db, &out, mode, lang)),
                None => fieldcmd::report(&study, &db, json, all_routes, mode, lang),
            }
        }
        Command::Cards { study, bilingual, out } => cards::run(&study, cli.lang.as_deref(), lang, bilingual, &out),
        Command::Walk { study, db, route, script, json } => walkcmd::run(&study, &db, &route, &script, json, lang),
        Command::Review { db, study, json, command } => {
            let action = match command {
                ReviewCommand::List => reviewcmd::Action::List,
                ReviewCommand::Approve { interview, comment } => reviewcmd::Action::Approve { interview, comment },
                ReviewCommand::Reject { interview, comment } => reviewcmd::Action::Reject { interview, comment },
                ReviewCommand::Comment { interview, question, roster, text } => {
                    reviewcmd::Action::Comment { interview, question, roster, text }
                }
                ReviewCommand::Conflicts => reviewcmd::Action::Conflicts,
                ReviewCommand::Resolve { interview, question, roster, value } => {
                    reviewcmd::Action::Resolve { interview, question, roster, value }
                }
            };
            reviewcmd::run(&study.unwrap_or_else(fieldcmd::default_study), &db, action, json, lang)
        }
        Command::Export { db, study, format, data_lang, anonymise, out, json } => fieldcmd::exit_with(exportcmd::run(
            &study.unwrap_or_else(fieldcmd::default_study),
            &db,
            &format,
            data_lang.as_deref(),
            anonymise,
            &out,
            json,
            lang,
        )),
        Command::Backcheck { db, study, json, command } => {
            let action = match command {
                BackcheckCommand::Draw { seed } => backcheckcmd::Action::Draw { seed },
                BackcheckCommand::List => backcheckcmd::Action::List,
                BackcheckCommand::Record { interview, visited, same_respondent, household_size, answer } => {
                    backcheckcmd::Action::Record { interview, visited, same_respondent, household_size, answers: answer }
                }
            };
            backcheckcmd::run(&study.unwrap_or_else(fieldcmd::default_study), &db, action, json, lang)
        }
        Command::Keys { command: KeysCommand::Init { role, name, out } } => synccmd::keys_init(&role, &name, &out, lang),
        Command::Audit { command: AuditCommand::Verify { db, json } } => auditcmd::verify(&db, json, lang),
        Command::Db { command: DbCommand::Status { db, json } } => dbcmd::status(&db, json, lang),
        Command::Db { command: DbCommand::Encrypt { db } } => dbcmd::encrypt(&db, lang),
        Command::Db { command: DbCommand::ChangePin { db, new_pin_file } } => dbcmd::set_pin(&db, &new_pin_file, None, lang),
        Command::Db { command: DbCommand::Recover { db, key, new_pin_file } } => dbcmd::set_pin(&db, &new_pin_file, Some(&key), lang),
        Command::Sync { command: SyncCommand::Export { db, key, to, out, since_last, study, json } } => {
            synccmd::export(&db, &key, &to, &out, since_last, study.as_deref(), json, lang)
        }
        Command::Sync { command: SyncCommand::Import { db, key, trust, packages, json } } => {
            synccmd::import(&db, &key, &trust, &packages, json, lang)
        }
        Command::Simulate { study, seed, devices, scale, out, threads, packages, to, json, on_disk } => {
            let run = simulate::Run { threads, on_disk };
            fieldcmd::exit_with(simulate::run(&study, &seed, devices, scale, &out, run, packages.as_deref(), &to, json, lang))
        }
    };
    let _ = std::io::stdout().flush();
    result
}
