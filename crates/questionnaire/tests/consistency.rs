//! Answers stay consistent when an earlier answer changes, on the real KMRS 2010 study.
//!
//! Each test gives answers through the engine as an interviewer would, then changes an answer that
//! a later one depends on (the reasons of Q512 behind Q513, the place of Q403 behind the country of
//! Q404, the currency of Q518 behind the year of Q518A) and checks that the later answer is kept,
//! becomes an open error with a message that says what the filter or rule requires, and stops
//! being one when either answer is fixed.

use std::path::PathBuf;

use dala_questionnaire::client::{issues_view, question_view, IssueKindView};
use dala_questionnaire::engine::{slot_of, Interview, Invalid, IssueKind, Slot};
use dala_questionnaire::load::{load_study, StudySource};
use dala_questionnaire::{Answer, AnswerError, AnswerKey, Lang, Questionnaire};
use serde_json::{json, Value as Json};

struct Dir(PathBuf);

impl StudySource for Dir {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn kmrs() -> Questionnaire {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010");
    let (q, diags) = load_study(&Dir(dir));
    q.unwrap_or_else(|| panic!("KMRS does not load: {diags:#?}"))
}

struct Kmrs {
    q: Questionnaire,
    iv: Interview,
}

fn key(k: &str) -> AnswerKey {
    match k.split_once('[') {
        None => AnswerKey { question: k.into(), roster: vec![] },
        Some((q, rest)) => {
            AnswerKey { question: q.into(), roster: rest.trim_end_matches(']').split(',').map(|x| x.trim().parse().unwrap()).collect() }
        }
    }
}

impl Kmrs {
    /// A one-person household whose respondent (member 1) moved to this city.
    fn migrant() -> Kmrs {
        let q = kmrs();
        let iv = Interview::new(&q);
        let mut k = Kmrs { q, iv };
        k.answer("Q101", json!(1)).unwrap();
        k.answer("Q103[1]", json!(1)).unwrap();
        k.answer("Q105[1]", json!(1960)).unwrap();
        k.answer("Q113", json!(1)).unwrap();
        k.answer("Q401", json!(2)).unwrap();
        k
    }
    fn slot(&self, k: &str) -> Slot {
        slot_of(&self.q, &key(k)).unwrap()
    }
    fn answer(&mut self, k: &str, v: Json) -> Result<usize, AnswerError> {
        let slot = slot_of(&self.q, &key(k))?;
        let a = Answer::from_json(&self.q.questions[slot.question], &v)?;
        self.iv.apply(&self.q, slot, a).map(|applied| applied.evaluated)
    }
    fn issues_of(&self, k: &str) -> Vec<IssueKind> {
        let slot = self.slot(k);
        self.iv.issues(&self.q).into_iter().filter(|i| i.slot == slot).map(|i| i.kind).collect()
    }
    /// The message of the open "invalid answer" error of `k` on the completion list, in `lang`.
    fn invalid_message(&self, k: &str, lang: Lang) -> Option<String> {
        issues_view(&self.q, &self.iv, lang).into_iter().find(|i| i.key == key(k) && i.kind == IssueKindView::Invalid).map(|i| i.message)
    }
}

#[test]
fn changing_the_reasons_of_q512_makes_the_main_reason_q513_an_open_error() {
    let mut k = Kmrs::migrant();
    k.answer("Q512", json!([11, 12])).unwrap();
    k.answer("Q513", json!(12)).unwrap();
    assert!(k.issues_of("Q513").is_empty());

    // The interviewer goes back and corrects the reasons: 12 is no longer among them.
    k.answer("Q512", json!([11, 13])).unwrap();
    assert_eq!(k.iv.answer(&k.slot("Q513")), Some(&Answer::Code(12, None)), "the answer is kept");
    assert_eq!(k.iv.invalid(&k.slot("Q513")), Some(&Invalid::Filtered { codes: vec![12] }));
    assert_eq!(k.issues_of("Q513"), vec![IssueKind::Invalid]);
    assert!(!k.iv.is_complete(&k.q));
    let en = k.invalid_message("Q513", Lang::En).expect("listed on the completion screen");
    assert!(en.contains("Better-paid work") && en.contains("only the options chosen in Q512"), "{en}");
    let ru = k.invalid_message("Q513", Lang::Ru).unwrap();
    assert!(ru.contains("Более высокооплачиваемая работа") && ru.contains("отмеченные в Q512"), "{ru}");
    let kk = k.invalid_message("Q513", Lang::Kk).unwrap();
    assert!(kk.contains("Q512 сұрағында белгіленген"), "{kk}");
    let view = question_view(&k.q, &k.iv, k.slot("Q513"), Lang::En);
    assert_eq!(view.invalid.as_deref(), Some(en.as_str()), "the question itself shows the error");
    assert_eq!(view.value.map(|v| v.to_json()), Some(json!(12)));

    // Fixed by choosing again among the offered reasons.
    k.answer("Q513", json!(13)).unwrap();
    assert!(k.issues_of("Q513").is_empty());
    assert_eq!(question_view(&k.q, &k.iv, k.slot("Q513"), Lang::En).invalid, None);

    // Broken again, then fixed by changing Q512 back.
    k.answer("Q512", json!([11])).unwrap();
    assert_eq!(k.issues_of("Q513"), vec![IssueKind::Invalid]);
    k.answer("Q512", json!([11, 13])).unwrap();
    assert!(k.issues_of("Q513").is_empty());

    // Broken again, then resolved by clearing the answer.
    k.answer("Q512", json!([11])).unwrap();
    assert_eq!(k.issues_of("Q513"), vec![IssueKind::Invalid]);
    k.iv.clear(&k.q, k.slot("Q513"));
    assert!(!k.issues_of("Q513").contains(&IssueKind::Invalid));
}

#[test]
fn a_refused_option_is_described_by_what_the_filter_requires() {
    let mut k = Kmrs::migrant();
    k.answer("Q512", json!([11, 12])).unwrap();
    let err = k.answer("Q513", json!(14)).unwrap_err();
    assert!(matches!(err, AnswerError::FilteredOption { code: 14, .. }), "{err:?}");
    assert_eq!(err.message(Lang::En), "Q513: option 14 is not offered here: only the options chosen in Q512 are.");

    // Q404's filter is not of the "chosen in" shape: the countries depend on the answer to Q403.
    k.answer("Q403", json!(5)).unwrap();
    let err = k.answer("Q404", json!(643)).unwrap_err();
    let en = err.message(Lang::En);
    assert_eq!(en, "Q404: option 643 is not offered with the answer given in Q403.");
    for lang in Lang::ALL {
        let m = err.message(lang);
        assert!(m.contains("Q403"), "{m}");
        assert!(!m.contains("earlier question") && !m.contains("предыдущем вопросе") && !m.contains("алдыңғы сұрақта"), "{m}");
    }
    // A filter that reads no answer: the option is simply not offered in this question.
    k.answer("Q403", json!(2)).unwrap();
    let err = k.answer("Q404B", json!(21)).unwrap_err();
    assert_eq!(err.message(Lang::En), "Q404B: option 21 is not offered in this question.");
}

#[test]
fn changing_the_place_of_q403_makes_the_country_of_q404_an_open_error() {
    let mut k = Kmrs::migrant();
    k.answer("Q403", json!(4)).unwrap();
    k.answer("Q404", json!(643)).unwrap();
    assert!(k.issues_of("Q404").is_empty());

    // Russia was a Soviet republic; "outside the USSR" does not offer it.
    k.answer("Q403", json!(5)).unwrap();
    assert_eq!(k.issues_of("Q404"), vec![IssueKind::Invalid]);
    let en = k.invalid_message("Q404", Lang::En).unwrap();
    assert!(en.contains("no longer fits the answer to Q403"), "{en}");
    assert!(!en.contains("chosen in"), "{en}");

    // A non-relevant answer is not an error: routing keeps it and it reads as not applicable.
    k.answer("Q403", json!(1)).unwrap();
    assert!(!k.iv.is_relevant(&k.slot("Q404")));
    assert!(k.issues_of("Q404").is_empty());
    assert_eq!(k.iv.invalid(&k.slot("Q404")), None);

    // Relevant again with the contradiction: the error is back; the original place fixes it.
    k.answer("Q403", json!(5)).unwrap();
    assert_eq!(k.issues_of("Q404"), vec![IssueKind::Invalid]);
    k.answer("Q403", json!(4)).unwrap();
    assert!(k.issues_of("Q404").is_empty());
}

#[test]
fn changing_an_earlier_answer_breaks_the_hard_rules_of_later_ones() {
    let mut k = Kmrs::migrant();
    k.answer("Q403", json!(4)).unwrap();
    assert!(k.issues_of("Q403").is_empty());

    // The birth year is corrected to 1992: a place at the end of 1991 contradicts it.
    k.answer("Q105[1]", json!(1992)).unwrap();
    assert_eq!(k.issues_of("Q403"), vec![IssueKind::Error]);
    assert_eq!(k.iv.answer(&k.slot("Q403")), Some(&Answer::Code(4, None)), "the answer is kept");
    let view = question_view(&k.q, &k.iv, k.slot("Q403"), Lang::En);
    assert!(view.rules.iter().any(|r| r.message.contains("born after 1991")), "{:?}", view.rules);
    assert!(!k.iv.is_complete(&k.q));

    // Q403 follows ("not yet born"); back to 1960, "not yet born" is the contradiction.
    k.answer("Q403", json!(6)).unwrap();
    assert!(k.issues_of("Q403").is_empty());
    k.answer("Q105[1]", json!(1960)).unwrap();
    assert_eq!(k.issues_of("Q403"), vec![IssueKind::Error]);
    k.answer("Q403", json!(1)).unwrap();
    assert!(k.issues_of("Q403").is_empty());
}

#[test]
fn tenge_only_from_1993_reads_the_currency_of_q518() {
    let mut k = Kmrs::migrant();
    k.answer("Q516", json!([1])).unwrap();
    k.answer("Q518", json!({"amount": 2000, "currency": "SUR"})).unwrap();
    k.answer("Q518A", json!(1990)).unwrap();
    assert!(!k.issues_of("Q518A").contains(&IssueKind::Error), "roubles in 1990 are right");

    // Recorded in tenge instead: a tenge amount from 1990 is impossible.
    k.answer("Q518", json!({"amount": 2000, "currency": "KZT"})).unwrap();
    assert!(k.issues_of("Q518A").contains(&IssueKind::Error), "{:?}", k.issues_of("Q518A"));
    k.answer("Q518", json!({"amount": 2000, "currency": "RUB"})).unwrap();
    assert!(!k.issues_of("Q518A").contains(&IssueKind::Error));

    // Entered in that order, the year is refused at once.
    k.answer("Q518", json!({"amount": 150000, "currency": "KZT"})).unwrap();
    let err = k.answer("Q518A", json!(1991)).unwrap_err();
    assert!(matches!(err, AnswerError::Rule { .. }), "{err:?}");
    k.answer("Q518A", json!(1995)).unwrap();
    assert!(!k.issues_of("Q518A").contains(&IssueKind::Error));
}

#[test]
fn the_five_million_tenge_check_applies_to_tenge_only() {
    let mut k = Kmrs::migrant();
    k.answer("Q601", json!(1)).unwrap();
    let warned = |k: &Kmrs| k.issues_of("Q604").contains(&IssueKind::Warning);
    k.answer("Q604", json!({"amount": 6_000_000, "currency": "KZT"})).unwrap();
    assert!(warned(&k), "6 million tenge is unusual");
    k.answer("Q604", json!({"amount": 6_000_000, "currency": "RUB"})).unwrap();
    assert!(!warned(&k), "the tenge limit says nothing about roubles");
    k.answer("Q604", json!({"amount": 4_000_000, "currency": "KZT"})).unwrap();
    assert!(!warned(&k));
    k.answer("Q604", json!(-98)).unwrap();
    assert!(!warned(&k), "don't know has no currency and no amount");

    k.answer("Q609", json!(1)).unwrap();
    k.answer("Q611", json!({"amount": 5_500_000, "currency": "KZT"})).unwrap();
    assert!(k.issues_of("Q611").contains(&IssueKind::Warning));
    k.answer("Q611", json!({"amount": 5_500_000, "currency": "USD"})).unwrap();
    assert!(!k.issues_of("Q611").contains(&IssueKind::Warning));
}

#[test]
fn work_after_a_change_stays_bounded_by_the_readers() {
    let mut k = Kmrs::migrant();
    k.answer("Q512", json!([11, 12])).unwrap();
    k.answer("Q513", json!(12)).unwrap();
    let evaluated = k.answer("Q512", json!([11])).unwrap();
    assert!(evaluated < 20, "re-checking Q513 evaluates Q512's readers only, not the study: {evaluated}");
    assert_eq!(k.issues_of("Q513"), vec![IssueKind::Invalid]);
}
