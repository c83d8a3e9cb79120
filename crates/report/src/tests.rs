//! The page as a reader gets it: every figure drawn, every label in the report's language, no URL.

use super::*;

fn outcome(label: &str, i: u64, r: u64) -> Outcome {
    Outcome {
        label: label.into(),
        dispositions: Dispositions { i, p: 0, r, nc: 3, o: 1, uh: 2, uo: 1, ne: 4, quota_filled: 2 },
        rates: Rates {
            rr1: Some(0.4567),
            rr3: Some(0.5),
            rr5: Some(0.61),
            coop1: Some(0.7),
            ref1: Some(0.2),
            con1: Some(0.9),
            e: Some(0.8),
        },
    }
}

/// A small report with every figure present.
fn sample() -> ReportData {
    let cities = vec!["Алматы".to_string(), "Қарағанды".to_string()];
    ReportData {
        title: "KMRS <2010>".into(),
        study: "kmrs-2010 1.0.0".into(),
        generated_at: "2026-12-03 09:30 UTC".into(),
        databases: 2,
        provisional: false,
        totals: Totals { addresses: 40, open: 3, visits: 77, completes: 21 },
        overall: outcome("", 21, 9),
        e_without_quota_filled: Some(0.85),
        cities: vec![
            CitySample {
                name: cities[0].clone(),
                completes: 12,
                planned: 22,
                female: 7,
                male: 5,
                target_female: 12,
                target_male: 10,
                population_female_percent: 54.6,
            },
            CitySample {
                name: cities[1].clone(),
                completes: 9,
                planned: 20,
                female: 5,
                male: 4,
                target_female: 11,
                target_male: 9,
                population_female_percent: 54.7,
            },
        ],
        interview_language: Ok(Crosstab {
            rows: cities.clone(),
            columns: vec!["русский".into(), "казахский".into()],
            counts: vec![vec![10, 2], vec![9, 0]],
        }),
        language_best: Ok(Crosstab {
            rows: cities.clone(),
            columns: vec!["Казахским".into(), "Русским".into(), "Другим языком (укажите)".into()],
            counts: vec![vec![4, 8, 0], vec![1, 7, 1]],
        }),
        members_sex: Ok(Crosstab {
            rows: vec!["Члены".into()],
            columns: vec!["Мужской".into(), "Женский".into()],
            counts: vec![vec![30, 36]],
        }),
        age: Ok(Crosstab {
            rows: vec!["Респонденты".into(), "Все члены".into()],
            columns: vec!["0–14".into(), "15–17".into(), "18–29".into(), "65+".into()],
            counts: vec![vec![0, 0, 10, 11], vec![12, 3, 25, 26]],
        }),
        household_size: Ok(Crosstab {
            rows: vec!["hh".into()],
            columns: vec!["1".into(), "2".into(), "3".into()],
            counts: vec![vec![5, 9, 7]],
        }),
        outcomes_by_city: vec![outcome(&cities[0], 12, 5), outcome(&cities[1], 9, 4)],
        outcomes_by_route: vec![outcome("almaty-R01", 12, 5), outcome("karaganda-R07", 9, 4)],
        outcomes_by_interviewer: vec![outcome("int-01", 21, 9)],
        visits_per_complete: Crosstab {
            rows: vec!["c".into()],
            columns: vec!["1".into(), "2".into(), "5+".into()],
            counts: vec![vec![10, 8, 3]],
        },
        contact_hours: Crosstab {
            rows: vec!["interview".into(), "contact".into(), "none".into()],
            columns: (9..21).map(|h| format!("{h:02}")).collect(),
            counts: vec![vec![1; 12], vec![2; 12], vec![3; 12]],
        },
    }
}

/// Every word of the report's own in `lang` (the study's texts aside).
fn own_words(lang: Lang) -> Vec<String> {
    let w = Words::of(lang);
    let mut all: Vec<String> = [
        w.report,
        w.study,
        w.generated,
        w.databases,
        w.summary,
        w.completes,
        w.addresses,
        w.open,
        w.visits,
        w.visits_per_complete_all,
        w.total,
        w.city,
        w.route,
        w.interviewer,
        w.planned,
        w.of_plan,
        w.households,
        w.members,
        w.sample_by_city,
        w.sample_note,
        w.interview_language,
        w.interview_language_note,
        w.language_best,
        w.sex,
        w.sex_note,
        w.respondents,
        w.population,
        w.quota_target,
        w.percent_female,
        w.female,
        w.male,
        w.target_female,
        w.target_male,
        w.members_sex,
        w.age,
        w.age_note,
        w.years,
        w.household_size,
        w.outcomes,
        w.by_city,
        w.by_route,
        w.by_interviewer,
        w.visits_per_complete,
        w.visits_per_complete_note,
        w.visits_axis,
        w.contact_hours,
        w.contact_hours_note,
        w.hour,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.extend(w.classes.iter().chain(w.rates.iter()).map(|s| s.to_string()));
    all.push(w.mode_final(3));
    all.push(w.e_line(Some(0.8), Some(0.85), 2));
    all.push(w.household_mean(21, 44, "2.10"));
    all
}

#[test]
fn every_figure_is_drawn_with_its_labels_in_each_language() {
    for lang in [Lang::Ru, Lang::Kk, Lang::En] {
        let html = render_html(&sample(), lang);
        // Summary cards aside, the charts: sample, language, language best, sex, members' sex, age,
        // household size, rates by city, rates by interviewer, visits per complete, hours.
        assert_eq!(html.matches("<svg").count(), 11, "{lang:?}");
        for word in own_words(lang) {
            assert!(html.contains(&esc(&word)), "{lang:?}: `{word}` missing");
        }
        for study_text in ["Қарағанды", "Казахским", "Другим языком (укажите)", "Мужской", "almaty-R01", "int-01", "KMRS &lt;2010&gt;"]
        {
            assert!(html.contains(study_text), "{lang:?}: {study_text}");
        }
        assert!(!html.contains("data-absent"), "{lang:?}: every figure has its data");
        assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
    }
}

#[test]
fn the_words_of_one_language_do_not_leak_into_another() {
    let (ru, kk, en) = (render_html(&sample(), Lang::Ru), render_html(&sample(), Lang::Kk), render_html(&sample(), Lang::En));
    for word in own_words(Lang::En) {
        if own_words(Lang::Ru).contains(&word) {
            continue;
        }
        assert!(!ru.contains(&esc(&word)) || word.len() < 4, "ru has the English `{word}`");
        assert!(!kk.contains(&esc(&word)) || word.len() < 4, "kk has the English `{word}`");
    }
    assert!(!en.contains(Words::of(Lang::Ru).sample_by_city));
    assert!(!ru.contains(Words::of(Lang::Kk).sample_by_city));
}

#[test]
fn kazakh_words_are_in_cyrillic_with_the_kazakh_letters() {
    let mut kk = own_words(Lang::Kk).join(" ");
    for label in [
        RowLabel::UnknownCity,
        RowLabel::Respondents,
        RowLabel::AllMembers,
        RowLabel::Households,
        RowLabel::Completes,
        RowLabel::Interview,
        RowLabel::ContactNoInterview,
        RowLabel::NoContact,
    ] {
        kk.push(' ');
        kk.push_str(label.get(Lang::Kk));
    }
    for code in ["ru", "kk", "en"] {
        kk.push(' ');
        kk.push_str(&language_name(code, Lang::Kk));
    }
    // Latin letters only in the AAPOR abbreviations, the quota code 4.80 and file names: never inside
    // a Cyrillic word (a Latin `i` typed for the Kazakh `і` would be).
    let chars: Vec<char> = kk.chars().collect();
    for pair in chars.windows(2) {
        let cyr = |c: char| ('\u{0400}'..='\u{04FF}').contains(&c);
        let mixed = (cyr(pair[0]) && pair[1].is_ascii_alphabetic()) || (pair[0].is_ascii_alphabetic() && cyr(pair[1]));
        assert!(!mixed, "{pair:?}");
    }
    for letter in ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і'] {
        assert!(kk.contains(letter), "no {letter}");
    }
    assert!(kk.contains('\u{0456}'));
}

#[test]
fn the_page_is_self_contained() {
    for lang in [Lang::Ru, Lang::Kk, Lang::En] {
        let html = render_html(&sample(), lang);
        let lower = html.to_lowercase();
        for banned in ["http", "<script", "<link", "@import", "url(", "src="] {
            assert!(!lower.contains(banned), "{lang:?}: {banned}");
        }
        assert!(html.contains("@media print") && html.contains("@page"));
    }
}

#[test]
fn an_absent_source_is_said_not_failed() {
    let mut d = sample();
    d.language_best = Err(Absent::NoLink("language_best".into()));
    d.age = Err(Absent::NoData);
    d.household_size = Ok(Crosstab::default());
    for lang in [Lang::Ru, Lang::Kk, Lang::En] {
        let html = render_html(&d, lang);
        assert_eq!(html.matches("data-absent").count(), 3, "{lang:?}");
        assert!(html.contains(&esc(&Words::of(lang).no_link("language_best"))));
        assert!(html.contains(&esc(Words::of(lang).no_data)));
        assert_eq!(html.matches("<svg").count(), 8);
    }
    // An empty report (no data at all) still renders, saying so.
    let empty = render_html(&ReportData::default(), Lang::En);
    assert!(empty.contains("Fieldwork report") && empty.contains("data-absent"));
}

#[test]
fn tables_carry_the_rates_and_counts_to_compare() {
    let html = render_html(&sample(), Lang::En);
    let overall = &html[html.find("data-table=\"overall\"").unwrap()..];
    let overall = &overall[..overall.find("</table>").unwrap()];
    assert!(overall.contains("<td data-k=\"I\">21</td>") && overall.contains("<td data-k=\"RR1\">45.7 %</td>"), "{overall}");
    assert!(overall.contains("<td data-k=\"e\">0.800</td>"));
    assert!(html.contains("data-e-without=\"0.850\""));
    // Row percentages of the interview language: Almaty 10 of 12 in Russian.
    assert!(html.contains("<td data-n=\"10\">83.3</td>"));
    // Respondents are members too: the age table has no total row; the language table has one.
    let table = |id: &str| {
        let t = &html[html.find(&format!("data-table=\"{id}\"")).unwrap()..];
        t[..t.find("</table>").unwrap()].to_string()
    };
    assert!(!table("age").contains("class=\"total\""));
    assert!(table("interview_language").contains("class=\"total\""));
    // Household size: 21 households, 5·1 + 9·2 + 7·3 = 44 members.
    assert!(html.contains("Households: 21; household members: 44; on average 2.10 persons per household."));
}
