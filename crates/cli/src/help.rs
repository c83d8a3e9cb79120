//! The command line's help in the user's language. clap's derive gives the English text (the doc
//! comments of `main.rs`); `help.toml` gives each string in Russian and Kazakh; [`localize`] swaps them
//! into the built command tree before the arguments are parsed, with clap's own words (the headings,
//! "Print help", "default", "possible values") in the same language. English is left as clap makes it.
//! A test checks that every string of the tree is in the catalogue, so a new option without its
//! translations fails the tests instead of showing English to a Kazakh-speaking coordinator.

use std::collections::HashMap;

use clap::builder::{PossibleValue, StyledStr};
use clap::{Arg, Command};
use dala_questionnaire::Lang;
use serde::Deserialize;

/// The catalogue: one entry per English string, with its Russian and Kazakh.
const CATALOG: &str = include_str!("help.toml");

#[derive(Deserialize)]
struct Catalog {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    en: String,
    ru: String,
    kk: String,
}

/// clap's own words, in each language.
struct Words {
    usage: &'static str,
    commands: &'static str,
    options: &'static str,
    arguments: &'static str,
    /// The usage line's `[OPTIONS]` and `<COMMAND>`.
    options_tag: &'static str,
    command_tag: &'static str,
    default: &'static str,
    possible: &'static str,
}

fn words(lang: Lang) -> Option<Words> {
    match lang {
        Lang::En => None,
        Lang::Ru => Some(Words {
            usage: "Использование:",
            commands: "Команды",
            options: "Параметры",
            arguments: "Аргументы",
            options_tag: "[ПАРАМЕТРЫ]",
            command_tag: "<КОМАНДА>",
            default: "по умолчанию",
            possible: "возможные значения",
        }),
        Lang::Kk => Some(Words {
            usage: "Қолданылуы:",
            commands: "Командалар",
            options: "Параметрлер",
            arguments: "Аргументтер",
            options_tag: "[ПАРАМЕТРЛЕР]",
            command_tag: "<КОМАНДА>",
            default: "әдепкі",
            possible: "мүмкін мәндер",
        }),
    }
}

/// The English → `lang` table of the catalogue (None for English). A damaged catalogue is a build
/// defect the tests catch; at run time it leaves the help in English rather than failing the command.
fn table(lang: Lang) -> Option<HashMap<String, String>> {
    if lang == Lang::En {
        return None;
    }
    let catalog: Catalog = toml::from_str(CATALOG).ok()?;
    Some(
        catalog
            .entry
            .into_iter()
            .map(|e| {
                let text = if lang == Lang::Ru { e.ru } else { e.kk };
                (normalize(&e.en), text)
            })
            .collect(),
    )
}

/// The key of a string: its words, whitespace collapsed (clap keeps the doc comments' line breaks in
/// long help).
fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `cmd` (built: clap's generated `--help`, `--version` and `help` are in it) with every about and
/// help text, heading and clap word in `lang`. Strings missing from the catalogue stay English.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    let (Some(table), Some(words)) = (table(lang), words(lang)) else { return cmd };
    localize_with(cmd, &table, &words)
}

fn localize_with(mut cmd: Command, table: &HashMap<String, String>, w: &Words) -> Command {
    let tr = |s: &StyledStr| table.get(&normalize(&s.to_string())).cloned();
    if let Some(t) = cmd.get_about().and_then(tr) {
        cmd = cmd.about(t);
    }
    if let Some(t) = cmd.get_long_about().and_then(tr) {
        cmd = cmd.long_about(t);
    }
    cmd = cmd
        .help_template(format!("{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}", w.usage))
        .subcommand_help_heading(w.commands);
    // The usage line as clap makes it (the tree is built: it names the parents), its two English tags
    // put in `lang`.
    let usage = cmd.render_usage().to_string();
    let usage = usage.split_once(": ").map_or(usage.as_str(), |(_, u)| u).trim().to_string();
    cmd = cmd.override_usage(usage.replace("[OPTIONS]", w.options_tag).replace("<COMMAND>", w.command_tag));
    let ids: Vec<_> = cmd.get_arguments().map(|a| a.get_id().clone()).collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| localize_arg(a, table, w));
    }
    for sub in cmd.get_subcommands_mut() {
        let taken = std::mem::take(sub);
        *sub = localize_with(taken, table, w);
    }
    cmd
}

fn localize_arg(mut a: Arg, table: &HashMap<String, String>, w: &Words) -> Arg {
    let tr = |s: &StyledStr| table.get(&normalize(&s.to_string())).cloned();
    // clap prints "[default: …]" and "[possible values: …]" in English: they are written here instead.
    let mut extra = String::new();
    let defaults: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() && a.get_action().takes_values() {
        extra.push_str(&format!(" [{}: {}]", w.default, defaults.join(", ")));
        a = a.hide_default_value(true);
    }
    let possible: Vec<String> =
        a.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(PossibleValue::get_name).map(str::to_string).collect();
    if !possible.is_empty() && !a.is_hide_possible_values_set() && a.get_action().takes_values() {
        extra.push_str(&format!(" [{}: {}]", w.possible, possible.join(", ")));
        a = a.hide_possible_values(true);
    }
    if let Some(t) = a.get_help().and_then(tr) {
        a = a.help(format!("{t}{extra}"));
    } else if !extra.is_empty() {
        let base = a.get_help().map(|h| h.to_string()).unwrap_or_default();
        a = a.help(format!("{base}{extra}"));
    }
    if let Some(t) = a.get_long_help().and_then(tr) {
        a = a.long_help(format!("{t}{extra}"));
    }
    let heading = if a.is_positional() { w.arguments } else { w.options };
    if a.get_help_heading().is_none() {
        a = a.help_heading(heading);
    }
    a
}

/// Every English string of the tree that the catalogue must hold (abouts and helps, once each).
#[cfg(test)]
fn strings(cmd: &Command) -> Vec<String> {
    let mut out = Vec::new();
    collect(cmd, &mut out);
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

#[cfg(test)]
fn collect(cmd: &Command, out: &mut Vec<String>) {
    for s in [cmd.get_about(), cmd.get_long_about()].into_iter().flatten() {
        out.push(normalize(&s.to_string()));
    }
    for a in cmd.get_arguments() {
        for s in [a.get_help(), a.get_long_help()].into_iter().flatten() {
            out.push(normalize(&s.to_string()));
        }
    }
    for sub in cmd.get_subcommands() {
        collect(sub, out);
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::Cli;

    fn built() -> Command {
        let mut cmd = Cli::command();
        cmd.build();
        cmd
    }

    #[test]
    fn the_catalogue_parses_and_every_entry_is_translated() {
        let catalog: Catalog = toml::from_str(CATALOG).expect("help.toml parses");
        for e in &catalog.entry {
            assert!(!e.ru.trim().is_empty() && !e.kk.trim().is_empty(), "untranslated: {}", e.en);
            // Kazakh in Cyrillic: the Cyrillic і (U+0456), never a Latin i inside a Cyrillic word.
            for word in e.kk.split(|c: char| !c.is_alphabetic()) {
                let cyrillic = word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
                assert!(!(cyrillic && word.contains('i')), "Latin i in the Kazakh word {word:?}: {}", e.kk);
            }
        }
    }

    #[test]
    fn every_help_string_of_the_command_line_is_in_the_catalogue() {
        let catalog: Catalog = toml::from_str(CATALOG).expect("help.toml parses");
        let known: std::collections::HashSet<String> = catalog.entry.iter().map(|e| normalize(&e.en)).collect();
        let missing: Vec<String> = strings(&built()).into_iter().filter(|s| !known.contains(s)).collect();
        if let Ok(path) = std::env::var("DALA_HELP_MISSING") {
            std::fs::write(path, missing.join("\n")).unwrap();
        }
        assert!(missing.is_empty(), "{} help strings are not in crates/cli/src/help.toml:\n{}", missing.len(), missing.join("\n"));
    }

    #[test]
    fn help_is_shown_in_russian_and_kazakh_with_clap_words_too() {
        for (lang, usage, options, word) in
            [(Lang::Ru, "Использование:", "Параметры:", "по умолчанию: 25"), (Lang::Kk, "Қолданылуы:", "Параметрлер:", "әдепкі: 25")]
        {
            let mut top = localize(built(), lang);
            let text = top.render_help().to_string();
            assert!(text.contains(usage) && text.contains(options), "{text}");
            assert!(!text.contains("Usage:") && !text.contains("Options:") && !text.contains("Print help"), "{text}");
            assert!(!text.contains("[OPTIONS]") && !text.contains("<COMMAND>"), "{text}");
            let sim = top.find_subcommand_mut("simulate").expect("simulate");
            let text = sim.render_help().to_string();
            assert!(text.contains(usage), "{text}");
            assert!(!text.contains("[default:"), "clap's English word left: {text}");
            assert!(text.contains(word), "the devices' default in {lang:?}: {text}");
        }
    }

    /// Every option and argument says what it is for (in English first: the catalogue follows).
    #[test]
    fn every_argument_has_a_help_text() {
        fn walk(cmd: &Command, path: &str, out: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                if a.get_help().is_none_or(|h| h.to_string().trim().is_empty()) && !a.is_hide_set() {
                    out.push(format!("{path} {}", a.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), out);
            }
        }
        let mut out = Vec::new();
        walk(&built(), "dala", &mut out);
        if let Ok(path) = std::env::var("DALA_HELP_UNDOCUMENTED") {
            std::fs::write(path, out.join("\n")).unwrap();
        }
        assert!(out.is_empty(), "{} arguments without a help text:\n{}", out.len(), out.join("\n"));
    }

    #[test]
    fn english_help_is_clap_s_own() {
        let text = localize(built(), Lang::En).render_help().to_string();
        assert!(text.contains("Usage:") && text.contains("Print help"), "{text}");
    }
}
