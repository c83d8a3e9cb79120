//! The `dala` command: glue between the command line and the library crates.
//!
//! - `dala check <study-dir> [--json]`: load a study and print every diagnostic.
//! - `dala interview --study <dir> --db <file> --script <file.json> [--json] [--ack]`: run a scripted
//!   interview headless through the same session (engine + store) the app uses.
//! - `dala bench --study <dir> [--members n]...`: per-answer cost of the engine plus the durable write.
//!
//! Messages to people follow `--lang` (or the `LANG` environment variable): ru, kk or en.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dala_questionnaire::Lang;

mod bench;
mod check;
mod script;

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
    };
    let _ = std::io::stdout().flush();
    result
}
