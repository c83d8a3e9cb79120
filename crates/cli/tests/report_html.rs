//! `dala report --html`: on a small simulated fieldwork (two devices merged) the HTML report's counts
//! and AAPOR rates are those of `dala report --json` on the same databases, every figure is drawn,
//! the page is worded in the `--lang` language and holds no URL; a study that does not name the
//! questions of some figures gets those figures replaced by a sentence, not a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stdout).unwrap()
}

/// Two simulated devices' databases (seeded, a few routes per city).
fn simulate(dir: &Path) -> Vec<PathBuf> {
    ok(dala()
        .args(["simulate", "--study"])
        .arg(kmrs())
        .args(["--seed", "2026", "--devices", "2", "--scale", "0.03", "--out"])
        .arg(dir)
        .output()
        .unwrap());
    let mut dbs: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "sqlite")).collect();
    dbs.sort();
    assert_eq!(dbs.len(), 2, "{dbs:?}");
    dbs
}

fn report_json(study: &Path, dbs: &[PathBuf]) -> Json {
    let mut c = dala();
    c.args(["report", "--json", "--study"]).arg(study);
    for db in dbs {
        c.arg("--db").arg(db);
    }
    serde_json::from_str(&ok(c.output().unwrap())).unwrap()
}

fn report_html(study: &Path, dbs: &[PathBuf], lang: &str, out: &Path) -> String {
    let mut c = dala();
    c.args(["--lang", lang, "report", "--study"]).arg(study).arg("--html").arg(out);
    for db in dbs {
        c.arg("--db").arg(db);
    }
    ok(c.output().unwrap());
    std::fs::read_to_string(out).unwrap()
}

/// The inside of the table marked `data-table="<id>"`.
fn table<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("data-table=\"{id}\"")).unwrap_or_else(|| panic!("no table {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</table>").unwrap()]
}

/// The cells `<td data-k="<key>">…</td>` of a table, in order.
fn cells(table: &str, key: &str) -> Vec<String> {
    let open = format!("<td data-k=\"{key}\">");
    table.match_indices(&open).map(|(i, _)| table[i + open.len()..].split("</td>").next().unwrap().to_string()).collect()
}

/// A JSON proportion as the report writes it.
fn pct(v: &Json) -> String {
    v.as_f64().map_or_else(|| "—".to_string(), |x| format!("{:.1} %", x * 100.0))
}

fn share(v: &Json) -> String {
    v.as_f64().map_or_else(|| "—".to_string(), |x| format!("{x:.3}"))
}

/// The count cells `data-n` of row `n` (from 0) of a table's body.
fn row_counts(table: &str, n: usize) -> Vec<u64> {
    let body = &table[table.find("<tbody>").unwrap()..];
    let row = body.split("</tr>").nth(n).unwrap();
    row.match_indices("data-n=\"").map(|(i, m)| row[i + m.len()..].split('"').next().unwrap().parse().unwrap()).collect()
}

fn first_row_counts(table: &str) -> Vec<u64> {
    row_counts(table, 0)
}

/// The sum of the counts of every body row but the total.
fn body_total(table: &str) -> u64 {
    let rows = table[table.find("<tbody>").unwrap()..].matches("<tr>").count();
    (0..rows).map(|i| row_counts(table, i).iter().sum::<u64>()).sum()
}

#[test]
fn the_html_report_has_the_figures_of_the_json_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dbs = simulate(&tmp.path().join("sim"));
    let json = report_json(&kmrs(), &dbs);
    let html = report_html(&kmrs(), &dbs, "en", &tmp.path().join("report.html"));

    // Totals.
    let total = |key: &str| {
        let mark = format!("data-total=\"{key}\">");
        let i = html.find(&mark).unwrap_or_else(|| panic!("no total {key}"));
        html[i + mark.len()..].split('<').next().unwrap().to_string()
    };
    assert!(json["completes"].as_u64().unwrap() > 10, "a fieldwork worth reporting: {json}");
    assert_eq!(total("completes"), json["completes"].to_string());
    assert_eq!(total("addresses"), json["addresses"].to_string());
    assert_eq!(total("open"), json["open"].to_string());
    assert_eq!(total("visits"), json["attempts"].to_string());

    // The overall dispositions and rates.
    let overall = table(&html, "overall");
    for key in ["i", "p", "r", "nc", "o", "uh", "uo", "ne"] {
        assert_eq!(cells(overall, &key.to_uppercase()), vec![json["dispositions"][key].to_string()], "{key}");
    }
    for key in ["RR1", "RR3", "RR5", "COOP1", "REF1", "CON1"] {
        assert_eq!(cells(overall, key), vec![pct(&json["rates"][key])], "{key}");
    }
    assert_eq!(cells(overall, "e"), vec![share(&json["rates"]["e"])]);
    assert!(html.contains(&format!("data-e-without=\"{}\"", share(&json["e"]["without_quota_filled"]))));

    // Per city: completes in the sample table, dispositions in the outcomes table (cities with addresses).
    let cities = json["cities"].as_array().unwrap();
    let sample = table(&html, "cities");
    let completes: Vec<String> = cities.iter().map(|c| c["completes"].to_string()).collect();
    assert_eq!(cells(sample, "completes"), completes);
    let by_city = table(&html, "outcomes_by_city");
    let worked: Vec<&Json> = cities.iter().filter(|c| c["addresses"].as_u64().unwrap() > 0).collect();
    assert_eq!(cells(by_city, "I"), worked.iter().map(|c| c["dispositions"]["i"].to_string()).collect::<Vec<_>>());
    assert_eq!(cells(by_city, "R"), worked.iter().map(|c| c["dispositions"]["r"].to_string()).collect::<Vec<_>>());
    // Per route: the completes add up to I.
    let by_route: u64 = cells(table(&html, "outcomes_by_route"), "I").iter().map(|x| x.parse::<u64>().unwrap()).sum();
    assert_eq!(by_route, json["dispositions"]["i"].as_u64().unwrap());
    let by_interviewer: u64 = cells(table(&html, "outcomes_by_interviewer"), "I").iter().map(|x| x.parse::<u64>().unwrap()).sum();
    assert_eq!(by_interviewer, json["dispositions"]["i"].as_u64().unwrap());

    // Visits per complete: one count per complete.
    let visits: u64 = first_row_counts(table(&html, "visits_per_complete")).iter().sum();
    assert_eq!(visits, json["dispositions"]["i"].as_u64().unwrap());

    // Every figure is drawn from the simulated answers; nothing is absent; no URL, no script.
    assert!(!html.contains("data-absent"), "a figure is missing");
    assert_eq!(html.matches("<svg").count(), 11);
    for t in ["interview_language", "language_best", "members_sex", "age", "household_size", "contact_hours"] {
        table(&html, t);
    }
    // Household sizes: one household per completed interview.
    let households: u64 = first_row_counts(table(&html, "household_size")).iter().sum();
    let interviews = body_total(table(&html, "interview_language"));
    assert!(households > 0 && households == interviews, "{households} households, {interviews} interviews");
    // Members: the household sizes add up to the members counted by age and by sex; respondents are
    // adults (the age is the study's calculation, evaluated by the engine on the stored answers).
    let sizes = first_row_counts(table(&html, "household_size"));
    let members: u64 = sizes.iter().enumerate().map(|(i, n)| (i as u64 + 1) * n).sum();
    let age = table(&html, "age");
    let (respondents, all) = (row_counts(age, 0), row_counts(age, 1));
    assert_eq!(all.iter().sum::<u64>(), members);
    assert_eq!(respondents.iter().sum::<u64>(), interviews);
    assert_eq!((respondents[0], respondents[1]), (0, 0), "no respondent under 18: {respondents:?}");
    assert!(all[0] > 0, "children are members: {all:?}");
    assert_eq!(body_total(table(&html, "members_sex")), members);
    let lower = html.to_lowercase();
    for banned in ["http", "<script", "<link", "url("] {
        assert!(!lower.contains(banned), "{banned}");
    }
    assert!(html.contains("Fieldwork report") && html.contains("Almaty"));

    // In Kazakh and Russian, the same figures with the report's words in that language.
    let kk = report_html(&kmrs(), &dbs, "kk", &tmp.path().join("report-kk.html"));
    assert!(kk.contains("Далалық кезең туралы есеп") && kk.contains("<html lang=\"kk\">") && !kk.contains("Fieldwork report"));
    assert_eq!(cells(table(&kk, "overall"), "RR1"), vec![pct(&json["rates"]["RR1"])]);
    let ru = report_html(&kmrs(), &dbs, "ru", &tmp.path().join("report-ru.html"));
    assert!(ru.contains("Отчёт о полевом этапе") && ru.contains("Алматы"));
}

#[test]
fn a_study_without_the_report_links_gets_sentences_instead_of_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dbs = simulate(&tmp.path().join("sim"));
    // A copy of the study without the three links the report reads.
    let study = tmp.path().join("study");
    copy_dir(&kmrs(), &study);
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    let stripped: String = toml
        .lines()
        .filter(|l| !["language_best", "member_sex", "member_age"].iter().any(|k| l.starts_with(k)))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(toml, stripped, "the KMRS study names the links");
    std::fs::write(study.join("study.toml"), stripped).unwrap();
    let html = report_html(&study, &dbs, "en", &tmp.path().join("r.html"));
    // Language known best, members' sex and age are absent; the rest is drawn.
    assert_eq!(html.matches("data-absent").count(), 3, "{html}");
    for link in ["language_best", "member_sex", "member_age"] {
        assert!(html.contains(&format!("key {link} of [fieldwork_links]")), "{link}");
    }
    // The household size still comes from the roster sized by the back-check's household size question.
    table(&html, "household_size");
    table(&html, "interview_language");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
