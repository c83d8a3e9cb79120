//! Rules the KMRS 2010 study keeps over every question (schema/kmrs-2010/TRANSLATION.md): the
//! don't-know/refused rule, show cards numbered consistently, texts as of 2010, the members-away part
//! on the household roster.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use dala_questionnaire::expr::Missing;
use dala_questionnaire::model::{Question, QuestionType};
use dala_questionnaire::{Lang, Questionnaire};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn kmrs() -> Questionnaire {
    dala_session::load_study(&dir()).expect("the KMRS study loads")
}

/// The questions of the numbered content blocks 1–9.
fn content(q: &Questionnaire) -> Vec<&Question> {
    q.questions.iter().filter(|x| (1..=9).contains(&q.blocks[x.block].number)).collect()
}

/// The ids listed (in backticks) in TRANSLATION.md's section on don't know and refused, before the
/// paragraph that says where the list ends.
fn documented_exceptions() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(dir().join("TRANSLATION.md")).unwrap();
    let start = doc.find("## Don't know and refused: one rule").expect("the rule is documented");
    let section = &doc[start..];
    let end = section.find("The list above is read by the test").expect("end of the list");
    let mut ids = BTreeSet::new();
    for part in section[..end].split('`').skip(1).step_by(2) {
        if part.starts_with('Q') && part.chars().all(|c| c.is_ascii_alphanumeric()) {
            ids.insert(part.to_string());
        }
    }
    ids
}

#[test]
fn every_question_follows_the_one_documented_dont_know_refused_rule() {
    let q = kmrs();
    let exceptions = documented_exceptions();
    assert!(exceptions.contains("Q101") && exceptions.contains("Q807"), "{exceptions:?}");
    let mut wrong = Vec::new();
    for x in content(&q) {
        let has = |m: Missing| x.special.contains(&m);
        let ok = if exceptions.contains(&x.id) { x.special.is_empty() } else { has(Missing::DontKnow) && has(Missing::Refused) };
        if !ok {
            wrong.push(format!("{} {:?}", x.id, x.special));
        }
    }
    assert!(wrong.is_empty(), "questions breaking the DK/RF rule of TRANSLATION.md: {wrong:?}");
    for id in &exceptions {
        assert!(q.question_index(id).is_some(), "{id} is listed in TRANSLATION.md but is not a question");
    }
    // The proxy language grids allow don't know.
    for id in ["Q208", "Q209", "Q210"] {
        assert!(q.questions[q.question_index(id).unwrap()].special.contains(&Missing::DontKnow), "{id}");
    }
}

fn card_words(n: u32, lang: Lang) -> String {
    lang.pick(format!("карточку {n}"), format!("{n}-карточканы көрсетіңіз"), format!("Hand card {n}"))
}

#[test]
fn show_cards_are_numbered_consistently() {
    let q = kmrs();
    let mut cards: BTreeMap<u32, Vec<&Question>> = BTreeMap::new();
    for x in &q.questions {
        if let Some(n) = x.show_card {
            cards.entry(n).or_default().push(x);
            let instruction = x.instruction.as_ref().unwrap_or_else(|| panic!("{} hands card {n} without an instruction", x.id));
            for lang in Lang::ALL {
                let text = instruction.get(lang);
                assert!(text.contains(&card_words(n, lang)), "{} ({}) should say \"{}\": {text}", x.id, lang.code(), card_words(n, lang));
            }
        }
    }
    // One number, one list: the same options (or the same scale) wherever a card is used.
    for (n, qs) in &cards {
        let shape = |x: &Question| match x.kind {
            QuestionType::Scale => format!("scale {:?}..{:?}", x.min, x.max),
            _ => format!("{:?}", x.options.iter().map(|o| (o.code, o.label.get(Lang::En).to_string())).collect::<Vec<_>>()),
        };
        let first = shape(qs[0]);
        for x in qs {
            assert_eq!(shape(x), first, "card {n}: {} and {} differ", qs[0].id, x.id);
        }
    }
    // No instruction anywhere names a card by a lettered number ("8b").
    for x in &q.questions {
        if let Some(i) = &x.instruction {
            for lang in Lang::ALL {
                let t = i.get(lang);
                assert!(!t.contains("8b") && !t.contains("8б"), "{}: {t}", x.id);
            }
        }
    }
}

/// Every text of the study in every language: questions, instructions, labels, options, rows, messages.
fn all_texts(q: &Questionnaire) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |id: &str, t: &dala_questionnaire::model::Text| {
        for l in Lang::ALL {
            if let Some(s) = t.get_exact(l) {
                out.push((id.to_string(), s.to_string()));
            }
        }
    };
    for x in &q.questions {
        push(&x.id, &x.text);
        if let Some(i) = &x.instruction {
            push(&x.id, i);
        }
        for o in &x.options {
            push(&x.id, &o.label);
        }
        for r in &x.rows {
            push(&x.id, &r.label);
        }
        for v in &x.validations {
            push(&x.id, &v.message);
        }
    }
    for (id, list) in &q.codelists {
        for o in &list.options {
            push(id, &o.label);
        }
    }
    out
}

#[test]
fn texts_regions_and_channels_are_those_of_2010() {
    let q = kmrs();
    for (id, t) in all_texts(&q) {
        let low = t.to_lowercase();
        for later in
            ["қандас", "кандас", "kandas", "card-to-card", "с карты на карту", "картадан картаға", "мобильный банкинг", "mobile banking"]
        {
            assert!(!low.contains(later), "{id} uses a term of after 2010 ({later}): {t}");
        }
        for region in [
            "Turkistan oblast",
            "Туркестанская",
            "Түркістан облысы",
            "Abai oblast",
            "Абайская",
            "Zhetisu",
            "Жетысу",
            "Жетісу",
            "Ulytau",
            "Улытау",
            "Ұлытау",
        ] {
            assert!(!t.contains(region), "{id} names a region created after 2010 ({region}): {t}");
        }
    }
    let obl = &q.codelists["L_OBL"];
    let codes: BTreeSet<i64> = obl.options.iter().map(|o| o.code).collect();
    let expected: BTreeSet<i64> = (1..=16).chain(21..=25).collect();
    assert_eq!(codes, expected, "L_OBL: the 2010 oblasts and cities, and the five oblasts of 1991");
    for x in &q.questions {
        if x.options.iter().any(|o| o.code == 21) && x.options.iter().any(|o| o.code == 16) && x.options.len() == obl.options.len() {
            assert!(x.choice_filter.is_some(), "{} offers L_OBL without restricting it to one date", x.id);
        }
    }
    let q503a = &q.questions[q.question_index("Q503A").unwrap()];
    assert!(q503a.choice_filter.is_some(), "Q503A offers the 2010 oblasts only");
}

#[test]
fn members_away_are_the_household_roster_not_retyped_names() {
    let q = kmrs();
    assert!(q.roster_index("away").is_none());
    let members = q.roster_index("members").unwrap();
    for id in ["Q534", "Q535", "Q535A", "Q536", "Q536A", "Q537", "Q538", "Q539", "Q540", "Q540A", "Q540B", "Q541", "Q541A", "Q542", "Q542A"]
    {
        let x = &q.questions[q.question_index(id).unwrap_or_else(|| panic!("{id}"))];
        assert_eq!(x.roster, Some(members), "{id} is asked on the household roster");
        let relevant = x.relevant.as_ref().map(|e| e.source().to_string()).unwrap_or_default();
        assert!(relevant.contains("Q110"), "{id} is asked of the members living away only: {relevant}");
    }
    for gone in ["Q531", "Q531A", "Q532", "Q532A", "Q533", "Q510"] {
        assert!(q.question_index(gone).is_none(), "{gone} asked again what blocks 1, 2 and 4 ask");
    }
    // Q536 uses its own list of reasons for leaving, not L_MOT (reasons for coming here).
    let q536 = &q.questions[q.question_index("Q536").unwrap()];
    let mot: Vec<i64> = q.codelists["L_MOT"].options.iter().map(|o| o.code).collect();
    let away: Vec<i64> = q536.options.iter().map(|o| o.code).collect();
    assert_ne!(away, mot);
}

#[test]
fn kazakh_lists_about_other_people_are_not_in_the_first_person() {
    let q = kmrs();
    for list in ["L_MOT", "L_MOT_AWAY", "L_ACT", "L_FIN"] {
        for o in &q.codelists[list].options {
            let kk = o.label.get(Lang::Kk);
            for first in ["таптым", "бизнесім", "оқуым", "Отбасыммен", "Туыстарыма", "көштім", "жинақтарым", "Ата-анам"]
            {
                assert!(!kk.contains(first), "{list} {}: {kk}", o.code);
            }
        }
    }
}

#[test]
fn russian_texts_keep_an_inserted_name_in_the_nominative() {
    let q = kmrs();
    // A name after a noun that governs the genitive would have to be declined («положение Ерлана»).
    for x in &q.questions {
        let ru = x.text.get(Lang::Ru);
        for noun in [
            "положение {Q102}",
            "лет {Q102}",
            "рождения {Q102}",
            "статус {Q102}",
            "труда {Q102}",
            "проживания {Q102}",
            "образование {Q102}",
        ] {
            assert!(!ru.contains(noun), "{}: {ru}", x.id);
        }
    }
}
