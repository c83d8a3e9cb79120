//! `dala cards`: the study's show cards as a printable A4 booklet, and its errors in the user's language.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn card_numbers() -> BTreeSet<u32> {
    let q = dala_session::load_study(&kmrs()).unwrap();
    q.questions.iter().filter_map(|x| x.show_card).collect()
}

fn render(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cards.html");
    let run = dala().arg("cards").arg("--study").arg(kmrs()).args(args).arg("--out").arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::read_to_string(&out).unwrap()
}

/// The card numbers of a booklet, in order.
fn cards_in(html: &str) -> Vec<u32> {
    html.split("data-card=\"").skip(1).map(|s| s[..s.find('"').unwrap()].parse().unwrap()).collect()
}

#[test]
fn one_a4_page_per_distinct_show_card() {
    let html = render(&["--lang", "ru"]);
    let numbers = card_numbers();
    assert!(numbers.len() >= 20, "{numbers:?}");
    assert_eq!(cards_in(&html), numbers.iter().copied().collect::<Vec<_>>(), "every card once, in number order");
    assert_eq!(html.matches("<section class=\"card").count(), numbers.len());
    assert!(html.contains("@page { size: A4"), "printable on A4");
    assert!(html.contains("page-break-after: always"), "one card per page");
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained");
    assert!(html.contains("Карточка 12"), "Russian card title");
    assert!(html.contains("Супруг(а) / партнёр"), "card 1 lists L_REL in Russian");
    assert!(html.contains("<td class=\"code\">96</td>"), "codes are printed");
}

#[test]
fn a_kazakh_card_has_kazakh_text() {
    let html = render(&["--lang", "kk"]);
    assert!(html.contains("<html lang=\"kk\">"));
    assert!(html.contains("12-карточка"), "Kazakh card title");
    assert!(html.contains("Үй шаруашылығының басшысы"), "card 1 in Kazakh");
    assert!(html.contains("Өз оқуы"), "card 12 in Kazakh");
    assert!(!html.contains("Глава домохозяйства"), "no Russian without --bilingual");
    // Every option cell is Kazakh text, not a fallback to English.
    assert!(!html.contains(">Head of household<"));
}

#[test]
fn bilingual_cards_print_two_languages_on_each_card() {
    let html = render(&["--lang", "kk", "--bilingual"]);
    assert!(html.contains("12-карточка") && html.contains("Карточка 12"));
    assert!(html.contains("Үй шаруашылығының басшысы") && html.contains("Глава домохозяйства"));
    assert_eq!(cards_in(&html).len(), card_numbers().len(), "still one page per card");
}

#[test]
fn scale_cards_show_the_points_and_their_ends() {
    let html = render(&["--lang", "en"]);
    let card18 = &html[html.find("data-card=\"18\"").unwrap()..];
    let card18 = &card18[..card18.find("</section>").unwrap()];
    for p in 0..=10 {
        assert!(card18.contains(&format!("<td class=\"point\">{p}</td>")), "point {p}");
    }
    assert!(card18.contains("Bad for the economy") && card18.contains("A better place to live"), "{card18}");
}

#[test]
fn errors_are_in_the_users_language_with_the_cli_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    // An unknown study: exit 1, in Russian.
    let out = dala()
        .args(["cards", "--lang", "ru", "--study"])
        .arg(dir.path().join("nosuch"))
        .arg("--out")
        .arg(dir.path().join("c.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.chars().any(|c| ('а'..='я').contains(&c)), "Russian message: {err}");
    // A language that is not ru, kk or en: exit 2.
    let out = dala().args(["cards", "--lang", "de", "--study"]).arg(kmrs()).arg("--out").arg(dir.path().join("c.html")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"de\""));
    // An --out in a folder that does not exist: exit 1, in Kazakh, and nothing written.
    let bad = dir.path().join("no/such/folder/cards.html");
    let out = dala().args(["cards", "--lang", "kk", "--study"]).arg(kmrs()).arg("--out").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("қалта жоқ"), "{err}");
    assert!(!bad.exists());
    // A missing --out: exit 2 (usage).
    let out = dala().args(["cards", "--study"]).arg(kmrs()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
