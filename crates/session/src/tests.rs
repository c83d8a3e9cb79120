//! Session tests on a small inline study and a real database file.

use super::*;
use chrono::TimeZone;
use dala_questionnaire::load::MemorySource;
use serde_json::json;

fn t(sec: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_288_000_000 + sec, 0).unwrap()
}

fn study() -> Questionnaire {
    let mut src = MemorySource::default();
    src.insert(
        "study.toml",
        r#"
        id = "mini"
        version = "1"
        title = { en = "Mini", ru = "Мини", kk = "Шағын" }
        languages = ["ru", "kk", "en"]
        blocks = ["b1.toml"]
    "#,
    );
    src.insert(
        "b1.toml",
        r#"
        id = "B1"
        number = 1
        title = { en = "Household", ru = "Домохозяйство", kk = "Үй шаруашылығы" }
        [[roster]]
        id = "members"
        title = { en = "Members", ru = "Члены", kk = "Мүшелер" }
        size = "Q101"
        label = "Q102"
        [[question]]
        id = "Q101"
        type = "integer"
        min = 1
        max = 30
        text = { en = "How many people?", ru = "Сколько человек?", kk = "Неше адам?" }
        [[question]]
        id = "Q102"
        type = "text"
        roster = "members"
        text = { en = "Name of member", ru = "Имя", kk = "Есімі" }
        [[question]]
        id = "Q103"
        type = "money"
        special = ["dk", "rf"]
        text = { en = "Income?", ru = "Доход?", kk = "Табыс?" }
        [[question.validation]]
        rule = ". <= 1000000"
        severity = "warning"
        message = { en = "Very high income: confirm", ru = "Очень высокий доход: подтвердите", kk = "Табыс өте жоғары: растаңыз" }
    "#,
    );
    let (q, d) = dala_questionnaire::load::load_study(&src);
    assert!(d.is_empty(), "{d:?}");
    q.unwrap()
}

fn k(q: &str, r: &[u32]) -> AnswerKey {
    AnswerKey { question: q.into(), roster: r.to_vec() }
}

#[test]
fn an_interview_resumes_after_restart_at_the_last_answer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    let id;
    {
        let mut s = Session::with_parts(study(), Store::open(&db, t(0)).unwrap());
        id = s.create(Lang::Ru, t(1)).unwrap();
        s.record(&id, &k("Q101", &[]), &json!(2), t(2)).unwrap();
        s.record(&id, &k("Q102", &[1]), &json!("Айгуль"), t(3)).unwrap();
        s.switch_language(&id, Lang::Kk, t(4)).unwrap();
        s.record(&id, &k("Q102", &[2]), &json!("Ерлан"), t(5)).unwrap();
    }
    let mut s = Session::with_parts(study(), Store::open(&db, t(10)).unwrap());
    let screen = s.open_interview(&id, t(11)).unwrap();
    let cur = screen.current.unwrap();
    assert_eq!(cur.key, k("Q102", &[2]));
    assert_eq!(cur.value, Some(dala_questionnaire::AnswerValue::Text("Ерлан".into())));
    assert_eq!(cur.text, "Есімі", "the interview language (kk) is kept");
    assert_eq!(screen.interview.language, Lang::Kk);
    let roster = screen.roster.unwrap();
    assert_eq!(roster.rows.len(), 2);
    assert_eq!(roster.rows[0].label.as_deref(), Some("Айгуль"));
    let kinds: Vec<String> = s.store().journal_of(&id).unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["interview_created", "answer_set", "answer_set", "language_switched", "answer_set", "interview_opened"]);
}

#[test]
fn a_refused_answer_is_not_stored_and_is_explained_in_the_language() {
    let mut s = Session::with_parts(study(), Store::open_in_memory(t(0)).unwrap());
    let id = s.create(Lang::Kk, t(1)).unwrap();
    let err = s.record(&id, &k("Q101", &[]), &json!(31), t(2)).unwrap_err();
    assert_eq!(err.kind(), "answer_refused");
    assert_eq!(err.message(Lang::Kk), "Q101: мән 1 мен 30 аралығында болуы керек.");
    assert!(s.store().answers(&id).unwrap().is_empty());
    let err = s.record(&id, &k("Q101", &[]), &json!(-98), t(3)).unwrap_err();
    assert!(err.message(Lang::Ru).contains("Затрудняюсь ответить"), "{}", err.message(Lang::Ru));
}

#[test]
fn warnings_must_be_confirmed_before_completion() {
    let mut s = Session::with_parts(study(), Store::open_in_memory(t(0)).unwrap());
    let id = s.create(Lang::En, t(1)).unwrap();
    s.record(&id, &k("Q101", &[]), &json!(1), t(2)).unwrap();
    s.record(&id, &k("Q102", &[1]), &json!("A"), t(3)).unwrap();
    s.record(&id, &k("Q103", &[]), &json!({"amount": 2000000, "currency": "KZT"}), t(4)).unwrap();
    let err = s.complete_only(&id, t(5)).unwrap_err();
    assert_eq!(err.kind(), "not_complete");
    assert_eq!(s.open_warnings(&id, &k("Q103", &[])).unwrap(), vec![0]);
    let screen = s.confirm(&id, k("Q103", &[]), 0, t(6)).unwrap();
    assert!(screen.can_complete);
    let screen = s.complete(&id, t(7)).unwrap();
    assert_eq!(screen.interview.status, InterviewStatus::Completed);
    assert_eq!(s.record(&id, &k("Q101", &[]), &json!(2), t(8)).unwrap_err().kind(), "completed");
}

#[test]
fn navigation_walks_members_and_refuses_unreached_jumps() {
    let mut s = Session::with_parts(study(), Store::open_in_memory(t(0)).unwrap());
    let id = s.create(Lang::Ru, t(1)).unwrap();
    let sc = s.screen(&id).unwrap();
    assert_eq!(sc.current.unwrap().key, k("Q101", &[]));
    assert_eq!(s.go(&id, Nav::To(k("Q103", &[])), t(2)).unwrap_err().kind(), "not_reached");
    s.answer(&id, k("Q101", &[]), json!(2), t(3)).unwrap();
    let sc = s.go(&id, Nav::Next, t(4)).unwrap();
    let cur = sc.current.unwrap();
    assert_eq!(cur.key, k("Q102", &[1]));
    assert_eq!(cur.roster[0].of, 2);
    let sc = s.go(&id, Nav::Previous, t(5)).unwrap();
    assert_eq!(sc.current.unwrap().key, k("Q101", &[]));
}

#[test]
fn typed_numbers_are_read_in_the_interview_language_and_ambiguous_ones_refused() {
    let mut s = Session::with_parts(study(), Store::open_in_memory(t(0)).unwrap());
    let id = s.create(Lang::Ru, t(1)).unwrap();
    let q101 = k("Q101", &[]);
    let q103 = k("Q103", &[]);

    // A whole-number question takes no decimal mark; grouping is fine.
    let err = s.read_number(&id, &q101, "1,5", None).unwrap_err();
    assert_eq!(err.kind(), "number_refused");
    assert!(err.message(Lang::Ru).contains("целое число"), "{}", err.message(Lang::Ru));
    let r = s.read_number(&id, &q101, "2", None).unwrap();
    assert_eq!((r.answer.clone(), r.display.as_str()), (json!(2), "2"));
    s.record(&id, &q101, &r.answer, t(2)).unwrap();
    s.record(&id, &k("Q102", &[1]), &json!("Айгуль"), t(3)).unwrap();
    s.record(&id, &k("Q102", &[2]), &json!("Ерлан"), t(4)).unwrap();

    // Russian: "150,000" could be 150 000 or 150,0, so it is refused with both readings.
    let err = s.read_number(&id, &q103, "150,000", None).unwrap_err();
    assert_eq!(err.kind(), "number_refused");
    let message = err.message(Lang::Ru);
    assert!(message.contains("двояко") && message.contains("150\u{a0}000") && message.contains("150,0"), "{message}");
    let r = s.read_number(&id, &q103, "1.500.000", None).unwrap();
    assert_eq!(r.answer, json!({ "amount": 1_500_000.0, "currency": "KZT" }));
    assert_eq!(r.display, "1\u{a0}500\u{a0}000\u{a0}₸");
    let r = s.read_number(&id, &q103, "150 000,50", None).unwrap();
    assert_eq!(r.value, 150_000.5);
    assert_eq!(r.display, "150\u{a0}000,50\u{a0}₸");
    assert_eq!(r.text, "150\u{a0}000,5");
    let r = s.read_number(&id, &q103, "1 500", Some("USD")).unwrap();
    assert_eq!((r.answer.clone(), r.display.as_str()), (json!({ "amount": 1500.0, "currency": "USD" }), "1\u{a0}500\u{a0}$"));

    // Not a number question: the engine's own "enter a text" message.
    assert_eq!(s.read_number(&id, &k("Q102", &[1]), "5", None).unwrap_err().kind(), "answer_refused");

    // What was read is what is stored; the screen writes it back for the field.
    let r = s.read_number(&id, &q103, "150 000,50", None).unwrap();
    let screen = s.answer(&id, q103.clone(), r.answer, t(5)).unwrap();
    assert_eq!(
        s.store().answers(&id).unwrap().into_iter().find(|a| a.key == q103).unwrap().value,
        json!({ "amount": 150_000.5, "currency": "KZT" })
    );
    let shown = screen.current_number.expect("the stored amount");
    assert_eq!((shown.text.as_str(), shown.display.as_str()), ("150\u{a0}000,5", "150\u{a0}000,50\u{a0}₸"));

    // English: the comma groups thousands, so the same text is 150 000.
    let screen = s.set_language(&id, Lang::En, t(6)).unwrap();
    assert_eq!(screen.current_number.unwrap().text, "150,000.5");
    let r = s.read_number(&id, &q103, "150,000", None).unwrap();
    assert_eq!((r.value, r.display.as_str()), (150_000.0, "150,000\u{a0}₸"));
    let err = s.read_number(&id, &q103, "1.500", None).unwrap_err();
    assert!(err.message(Lang::En).contains("two ways"), "{}", err.message(Lang::En));
    assert!(s.screen(&id).unwrap().suggested_number.is_none());
}
