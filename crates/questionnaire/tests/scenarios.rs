//! Engine scenario tests on small inline questionnaires, driven step by step like an interviewer.

use dala_questionnaire::engine::{slot_of, Interview, Invalid, IssueKind, Slot};
use dala_questionnaire::expr::{Missing, Val};
use dala_questionnaire::load::{load_study, MemorySource, Severity};
use dala_questionnaire::{Answer, AnswerError, AnswerKey, Lang, Questionnaire};
use serde_json::{json, Value as Json};

const STUDY: &str = r#"
id = "t"
version = "1"
title = { en = "T", ru = "Т", kk = "Т" }
languages = ["ru", "kk", "en"]
blocks = ["b.toml"]
[constants]
SURVEY_YEAR = 2010
"#;

fn t3(s: &str) -> String {
    format!("{{ en = \"{s}\", ru = \"{s}\", kk = \"{s}\" }}")
}

struct Scenario {
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

impl Scenario {
    fn new(block: &str) -> Scenario {
        let mut src = MemorySource::default();
        src.insert("study.toml", STUDY);
        src.insert("b.toml", &format!("id = \"B1\"\nnumber = 1\ntitle = {}\n{block}", t3("Block")));
        let (q, diags) = load_study(&src);
        assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
        let q = q.unwrap();
        let iv = Interview::new(&q);
        Scenario { q, iv }
    }
    fn slot(&self, k: &str) -> Slot {
        slot_of(&self.q, &key(k)).unwrap()
    }
    fn answer(&mut self, k: &str, v: Json) -> Result<usize, AnswerError> {
        let slot = slot_of(&self.q, &key(k))?;
        let a = Answer::from_json(&self.q.questions[slot.question], &v)?;
        self.iv.apply(&self.q, slot, a).map(|applied| applied.evaluated)
    }
    fn relevant(&self, k: &str) -> bool {
        self.iv.is_relevant(&self.slot(k))
    }
    fn value(&self, k: &str) -> Val {
        self.iv.value(&self.q, &self.slot(k))
    }
}

fn household(extra: &str) -> String {
    format!(
        r#"
[[roster]]
id = "members"
title = {t}
size = "Q101"
label = "Q102"
[[calculate]]
id = "AGE"
roster = "members"
expr = "if(Q105 > 0, SURVEY_YEAR - Q105, null)"
label = {t}
[[question]]
id = "Q101"
type = "integer"
min = 1
max = 200
text = {t}
[[question]]
id = "Q102"
type = "text"
roster = "members"
text = {t}
[[question]]
id = "Q105"
type = "year"
roster = "members"
min = 1900
max = 2010
special = ["dk"]
text = {t}
[[question]]
id = "Q106"
type = "single"
roster = "members"
relevant = "AGE >= 16"
options = [{{ code = 1, en = "a", ru = "a", kk = "a" }}, {{ code = 2, en = "b", ru = "b", kk = "b" }}]
text = {t}
{extra}
"#,
        t = t3("x")
    )
}

#[test]
fn roster_rows_follow_the_count_and_keep_answers_when_shrunk() {
    let mut s = Scenario::new(&household(""));
    s.answer("Q101", json!(3)).unwrap();
    s.answer("Q102[3]", json!("Айгуль")).unwrap();
    assert!(s.relevant("Q102[3]"));
    s.answer("Q101", json!(2)).unwrap();
    assert!(!s.relevant("Q102[3]"), "row 3 is gone");
    assert_eq!(s.value("Q102[3]"), Val::Null);
    assert!(matches!(s.answer("Q102[3]", json!("x")), Err(AnswerError::NoSuchRow { .. })));
    s.answer("Q101", json!(3)).unwrap();
    assert_eq!(s.value("Q102[3]"), Val::Text("Айгуль".into()), "the answer is back with the row");
}

#[test]
fn relevance_reads_a_calculation_and_skipped_answers_read_as_not_applicable() {
    let mut s = Scenario::new(&household(""));
    s.answer("Q101", json!(1)).unwrap();
    assert!(!s.relevant("Q106[1]"), "AGE unknown: not asked");
    s.answer("Q105[1]", json!(1980)).unwrap();
    assert!(s.relevant("Q106[1]"));
    s.answer("Q106[1]", json!(2)).unwrap();
    s.answer("Q105[1]", json!(2000)).unwrap();
    assert!(!s.relevant("Q106[1]"));
    assert_eq!(s.value("Q106[1]"), Val::Missing(Missing::NotApplicable));
    assert!(matches!(s.answer("Q106[1]", json!(1)), Err(AnswerError::NotRelevant { .. })));
    s.answer("Q105[1]", json!(1980)).unwrap();
    assert_eq!(s.value("Q106[1]"), Val::Num(2.0), "kept answer returns");
    s.answer("Q105[1]", json!(-98)).unwrap();
    assert!(!s.relevant("Q106[1]"), "don't know leaves AGE unknown");
}

#[test]
fn bounds_codes_and_missing_codes_are_checked() {
    let mut s = Scenario::new(&household(""));
    assert!(matches!(s.answer("Q101", json!(0)), Err(AnswerError::OutOfRange { .. })));
    assert!(matches!(s.answer("Q101", json!("three")), Err(AnswerError::WrongType { .. })));
    assert!(matches!(s.answer("Q101", json!(-98)), Err(AnswerError::MissingNotAllowed { .. })));
    assert!(matches!(s.answer("Q101", json!(-97)), Err(AnswerError::NotApplicableEntered { .. })));
    assert!(matches!(s.answer("Q999", json!(1)), Err(AnswerError::UnknownQuestion { .. })));
    s.answer("Q101", json!(1)).unwrap();
    s.answer("Q105[1]", json!(1970)).unwrap();
    assert!(matches!(s.answer("Q106[1]", json!(7)), Err(AnswerError::UnknownOption { .. })));
    assert!(matches!(s.answer("Q105[2]", json!(1970)), Err(AnswerError::NoSuchRow { .. })));
    assert!(matches!(s.answer("Q105", json!(1970)), Err(AnswerError::NoSuchRow { .. })));
}

#[test]
fn hard_rules_refuse_soft_rules_need_confirmation_again_after_a_change() {
    let extra = format!(
        r#"
[[question]]
id = "Q113"
type = "integer"
min = 1
max = 200
text = {t}
[[question.validation]]
rule = ". <= Q101"
message = {t}
[[question.validation]]
rule = "at(members, ., AGE) >= 18"
message = {t}
[[question]]
id = "Q312"
type = "money"
special = ["dk", "rf"]
text = {t}
[[question.validation]]
rule = ". <= 1000000"
severity = "warning"
message = {t}
[[question]]
id = "Q313"
type = "single"
relevant = "Q312 in (-98, -99)"
options = [{{ code = 1, en = "a", ru = "a", kk = "a" }}]
text = {t}
"#,
        t = t3("x")
    );
    let mut s = Scenario::new(&household(&extra));
    s.answer("Q101", json!(2)).unwrap();
    s.answer("Q105[1]", json!(1970)).unwrap();
    s.answer("Q105[2]", json!(2000)).unwrap();
    match s.answer("Q113", json!(3)) {
        Err(AnswerError::Rule { rule, .. }) => assert_eq!(rule, ". <= Q101"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.answer("Q113", json!(2)), Err(AnswerError::Rule { .. })), "member 2 is 10");
    s.answer("Q113", json!(1)).unwrap();
    s.answer("Q312", json!(2_000_000)).unwrap();
    let slot = s.slot("Q312");
    assert_eq!(s.iv.failing(&slot), &[0]);
    assert!(s.iv.issues(&s.q).iter().any(|i| i.slot == slot && i.kind == IssueKind::Warning));
    assert!(s.iv.confirm(&s.q, slot, 0));
    assert!(!s.iv.issues(&s.q).iter().any(|i| i.slot == slot));
    s.answer("Q312", json!(3_000_000)).unwrap();
    assert!(s.iv.issues(&s.q).iter().any(|i| i.slot == slot && i.kind == IssueKind::Warning), "a new value needs a new confirmation");
    assert!(!s.relevant("Q313"));
    s.answer("Q312", json!(-98)).unwrap();
    assert!(s.relevant("Q313"), "don't know routes to the bracket question");
    assert!(s.iv.failing(&slot).is_empty(), "rules do not apply to a missing answer");
}

#[test]
fn choice_filter_and_exclusive_options() {
    let opts = "[{ code = 0, en = \"none\", ru = \"нет\", kk = \"жоқ\", exclusive = true }, { code = 12, en = \"a\", ru = \"a\", kk = \"a\" }, { code = 21, en = \"b\", ru = \"b\", kk = \"b\" }, { code = 31, en = \"c\", ru = \"c\", kk = \"c\" }]";
    let block = format!(
        r#"
[[question]]
id = "Q512"
type = "multiple"
options = {opts}
text = {t}
[[question]]
id = "Q513"
type = "single"
options = {opts}
choice_filter = "selected(Q512, choice)"
text = {t}
"#,
        t = t3("x")
    );
    let mut s = Scenario::new(&block);
    assert!(matches!(s.answer("Q512", json!([0, 12])), Err(AnswerError::ExclusiveCombined { code: 0, .. })));
    s.answer("Q512", json!([31, 12])).unwrap();
    assert!(matches!(s.answer("Q513", json!(21)), Err(AnswerError::FilteredOption { code: 21, .. })));
    s.answer("Q513", json!(31)).unwrap();
    let view = dala_questionnaire::client::question_view(&s.q, &s.iv, s.slot("Q513"), dala_questionnaire::Lang::Ru);
    assert_eq!(view.options.iter().map(|o| o.code).collect::<Vec<_>>(), vec![12, 31]);
}

#[test]
fn list_roster_and_one_level_of_nesting() {
    let block = format!(
        r#"
[[roster]]
id = "away"
title = {t}
source = "Q531"
[[roster]]
id = "trips"
title = {t}
parent = "away"
size = "Q540"
[[question]]
id = "Q531"
type = "list"
text = {t}
[[question]]
id = "Q540"
type = "integer"
roster = "away"
min = 0
max = 5
text = {t}
[[question]]
id = "Q541"
type = "integer"
roster = "trips"
min = 1900
max = 2010
text = {t}
[[question]]
id = "Q550"
type = "integer"
text = {t}
[[question.validation]]
rule = ". == sum(away, Q540)"
message = {t}
"#,
        t = t3("x")
    );
    let mut s = Scenario::new(&block);
    s.answer("Q531", json!(["Марат", "Әлия"])).unwrap();
    s.answer("Q540[1]", json!(2)).unwrap();
    s.answer("Q540[2]", json!(1)).unwrap();
    s.answer("Q541[1,2]", json!(2005)).unwrap();
    s.answer("Q541[2,1]", json!(2007)).unwrap();
    assert!(matches!(s.answer("Q541[2,2]", json!(2007)), Err(AnswerError::NoSuchRow { .. })));
    assert!(matches!(s.answer("Q550", json!(4)), Err(AnswerError::Rule { .. })));
    s.answer("Q550", json!(3)).unwrap();
    let order: Vec<String> = s.iv.instances(&s.q).iter().map(|sl| sl.key(&s.q).to_string()).collect();
    assert_eq!(order, ["Q531", "Q540[1]", "Q541[1,1]", "Q541[1,2]", "Q540[2]", "Q541[2,1]", "Q550"]);
    let label = dala_questionnaire::client::row_label(
        &s.q,
        &s.iv,
        s.q.roster_index("away").unwrap(),
        dala_questionnaire::answer::RowPath::from_slice(&[2]).unwrap(),
        dala_questionnaire::Lang::Kk,
    );
    assert_eq!(label.as_deref(), Some("Әлия"));
    s.answer("Q531", json!(["Марат"])).unwrap();
    let slot = s.slot("Q550");
    assert_eq!(s.iv.failing(&slot), &[0], "fewer people away: the sum no longer matches");
}

#[test]
fn navigation_goes_member_by_member_and_resumes_at_the_first_gap() {
    let mut s = Scenario::new(&household(""));
    s.answer("Q101", json!(2)).unwrap();
    let order: Vec<String> = s.iv.instances(&s.q).iter().map(|sl| sl.key(&s.q).to_string()).collect();
    assert_eq!(order, ["Q101", "Q102[1]", "Q105[1]", "Q106[1]", "Q102[2]", "Q105[2]", "Q106[2]"]);
    let first = s.iv.next(&s.q, None).unwrap();
    let second = s.iv.next(&s.q, Some(first)).unwrap();
    assert_eq!(second.key(&s.q).to_string(), "Q102[1]");
    let third = s.iv.next(&s.q, Some(second)).unwrap();
    let fourth = s.iv.next(&s.q, Some(third)).unwrap();
    assert_eq!(fourth.key(&s.q).to_string(), "Q102[2]", "Q106[1] is skipped while AGE is unknown");
    assert_eq!(s.iv.previous(&s.q, fourth), Some(third));
    assert_eq!(s.iv.first_unanswered(&s.q).unwrap().key(&s.q).to_string(), "Q102[1]");
    assert!(!s.iv.is_reached(&s.q, &s.slot("Q105[2]")));
    assert!(s.iv.is_reached(&s.q, &s.slot("Q102[1]")));
}

#[test]
fn work_per_answer_does_not_grow_with_the_roster() {
    let extra = format!(
        r#"
[[question]]
id = "Q103"
type = "single"
roster = "members"
options = [{{ code = 1, en = "head", ru = "глава", kk = "басшы" }}, {{ code = 3, en = "child", ru = "ребёнок", kk = "баласы" }}]
text = {t}
[[question.validation]]
rule = "count(members, Q103 == 1) <= 1"
message = {t}
"#,
        t = t3("x")
    );
    let work = |n: usize| {
        let mut s = Scenario::new(&household(&extra));
        s.answer("Q101", json!(n)).unwrap();
        for m in 1..=n {
            s.answer(&format!("Q102[{m}]"), json!("A")).unwrap();
        }
        // Answering one member's own question touches that member only.
        let own = s.answer(&format!("Q105[{}]", n / 2), json!(1970)).unwrap();
        let agg = s.answer(&format!("Q103[{}]", n / 2), json!(3)).unwrap();
        (own, agg)
    };
    let (own10, agg10) = work(10);
    let (own100, agg100) = work(100);
    assert_eq!(own10, own100, "a member's own answer re-evaluates the same work at 10 and 100 members");
    assert!(agg100 <= agg10 * 12, "an aggregate answer grows at most linearly: {agg10} at 10, {agg100} at 100");
}

#[test]
fn the_loader_reports_every_problem_at_once_with_places_and_hints() {
    let mut src = MemorySource::default();
    src.insert("study.toml", STUDY);
    src.insert(
        "b.toml",
        r#"
id = "B1"
number = 1
title = { en = "B", ru = "Б" }
[codelist.L_X]
options = [{ code = 1, en = "a", ru = "a", kk = "a" }, { code = 1, en = "b", ru = "b", kk = "b" }]
[[calculate]]
id = "A"
expr = "B + 1"
label = { en = "a", ru = "a", kk = "a" }
[[calculate]]
id = "B"
expr = "A * 2"
label = { en = "b", ru = "b", kk = "b" }
[[question]]
id = "Q1"
type = "single"
codelist = "L_Y"
text = { en = "q", ru = "в", kk = "с" }
relevant = "Q2 == 1 and (Q1 > "
[[question]]
id = "Q2"
type = "integer"
text = { en = "q", ru = "в", kk = "с" }
[[question.validation]]
rule = "Q9 < 3"
message = { en = "m", ru = "м", kk = "м" }
"#,
    );
    let (q, diags) = load_study(&src);
    assert!(q.is_none());
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    for c in ["S004", "S003", "S006", "S007", "S008", "S005"] {
        assert!(codes.contains(&c), "missing {c} in {diags:#?}");
    }
    let parse = diags.iter().find(|d| d.code == "S006").unwrap();
    assert_eq!(parse.location, "Q1.relevant");
    assert!(parse.message.en.contains("column"), "{}", parse.message);
    // Every diagnostic speaks all three languages; the Kazakh is Cyrillic with і, not Latin i.
    for d in &diags {
        for (l, text) in [("ru", &d.message.ru), ("kk", &d.message.kk)] {
            assert!(!text.is_empty(), "{l} message missing in {d:#?}");
            assert_ne!(text, &d.message.en, "{l} message is not translated in {d:#?}");
        }
    }
    assert!(parse.message.ru.contains("выражение"), "{}", parse.message.ru);
    assert!(parse.message.kk.contains("өрнек"), "{}", parse.message.kk);
    assert_eq!(parse.message.get(Lang::Kk), parse.message.kk);
    assert!(parse.render(Lang::Ru).starts_with("ошибка[S006] b.toml: Q1.relevant: "), "{}", parse.render(Lang::Ru));
    assert!(parse.render(Lang::Kk).starts_with("қате[S006]"), "{}", parse.render(Lang::Kk));
    assert_eq!(parse.to_string(), parse.render(Lang::En));
    let unknown = diags.iter().find(|d| d.code == "S007").unwrap();
    assert_eq!((unknown.file.as_str(), unknown.location.as_str()), ("b.toml", "Q2.validation[0].rule"));
    assert!(unknown.hint.as_ref().is_some_and(|h| h.en.contains("Q1")) || unknown.hint.is_some());
    let missing_kk = diags.iter().find(|d| d.code == "S005").unwrap();
    assert_eq!(missing_kk.severity, Severity::Warning);
    assert!(missing_kk.render(Lang::Ru).starts_with("предупреждение[S005]"), "{}", missing_kk.render(Lang::Ru));
    assert!(missing_kk.render(Lang::Kk).starts_with("ескерту[S005]"), "{}", missing_kk.render(Lang::Kk));
}

#[test]
fn shared_aggregates_stay_correct_as_rows_change() {
    let extra = format!(
        r#"
[[question]]
id = "Q103"
type = "single"
roster = "members"
options = [{{ code = 1, en = "head", ru = "глава", kk = "басшы" }}, {{ code = 3, en = "child", ru = "ребёнок", kk = "баласы" }}]
text = {t}
[[question.validation]]
rule = "count(members, Q103 == 1) <= 1"
severity = "warning"
message = {t}
[[question.validation]]
rule = "count(members, Q103 == .) >= 1"
message = {t}
"#,
        t = t3("x")
    );
    let mut s = Scenario::new(&household(&extra));
    s.answer("Q101", json!(3)).unwrap();
    s.answer("Q103[1]", json!(1)).unwrap();
    s.answer("Q103[2]", json!(1)).unwrap();
    assert_eq!(s.iv.failing(&s.slot("Q103[1]")), &[0], "two heads: member 1 warned");
    assert_eq!(s.iv.failing(&s.slot("Q103[2]")), &[0], "two heads: member 2 warned");
    s.answer("Q103[2]", json!(3)).unwrap();
    assert!(s.iv.failing(&s.slot("Q103[1]")).is_empty(), "one head again");
    s.answer("Q103[3]", json!(1)).unwrap();
    assert_eq!(s.iv.failing(&s.slot("Q103[3]")), &[0]);
    s.answer("Q101", json!(2)).unwrap();
    assert!(s.iv.failing(&s.slot("Q103[1]")).is_empty(), "row 3 removed: one head");
}

#[test]
fn other_specify_text_goes_with_its_option_only() {
    let opts = "[{ code = 1, en = \"a\", ru = \"a\", kk = \"a\" }, { code = 96, en = \"Other\", ru = \"Другое\", kk = \"Басқа\", specify = true }]";
    let block = format!(
        r#"
[[question]]
id = "Q107"
type = "single"
options = {opts}
text = {t}
[[question]]
id = "Q207"
type = "multiple"
options = {opts}
text = {t}
"#,
        t = t3("x")
    );
    let mut s = Scenario::new(&block);
    s.answer("Q107", json!({"code": 96, "other": "  Дунган  "})).unwrap();
    let stored = s.iv.answer(&s.slot("Q107")).unwrap().clone();
    assert_eq!(stored.to_json(), json!({"code": 96, "other": "Дунган"}), "trimmed and kept");
    assert_eq!(s.value("Q107"), Val::Num(96.0), "expressions see the code");
    assert!(matches!(s.answer("Q107", json!({"code": 1, "other": "x"})), Err(AnswerError::OtherWithoutSpecify { .. })));
    s.answer("Q107", json!(1)).unwrap();
    assert_eq!(s.iv.answer(&s.slot("Q107")).unwrap().to_json(), json!(1), "a plain code stays plain");
    s.answer("Q207", json!({"codes": [96, 1], "other": "соседи"})).unwrap();
    assert_eq!(s.iv.answer(&s.slot("Q207")).unwrap().to_json(), json!({"codes": [1, 96], "other": "соседи"}));
    assert!(matches!(s.answer("Q207", json!({"codes": [1], "other": "x"})), Err(AnswerError::OtherWithoutSpecify { .. })));
    let restored = Answer::from_json(&s.q.questions[s.slot("Q207").question], &json!({"codes": [1, 96], "other": "соседи"})).unwrap();
    assert_eq!(restored, Answer::Codes(vec![1, 96], Some("соседи".into())), "the stored form reads back");
}

#[test]
fn a_numeric_filter_rechecks_the_answer_when_the_number_it_reads_changes() {
    // Q2 offers only as many options as Q1 says: a filter of another shape than `selected`.
    let opts = (1..=5).map(|c| format!("{{ code = {c}, en = \"o{c}\", ru = \"о{c}\", kk = \"о{c}\" }}")).collect::<Vec<_>>().join(", ");
    let block = format!(
        r#"
[[question]]
id = "Q1"
type = "integer"
min = 1
max = 5
text = {t}
[[question]]
id = "Q2"
type = "single"
options = [{opts}]
choice_filter = "choice <= Q1"
text = {t}
[[question]]
id = "Q3"
type = "multiple"
options = [{opts}]
choice_filter = "choice <= Q1"
text = {t}
[[question]]
id = "Q4"
type = "single"
options = [{opts}]
choice_filter = "choice != 5"
text = {t}
"#,
        t = t3("x")
    );
    let mut s = Scenario::new(&block);
    s.answer("Q1", json!(5)).unwrap();
    s.answer("Q2", json!(4)).unwrap();
    s.answer("Q3", json!([1, 4, 5])).unwrap();
    s.answer("Q4", json!(1)).unwrap();
    assert!(s.iv.is_complete(&s.q));

    s.answer("Q1", json!(3)).unwrap();
    assert_eq!(s.iv.invalid(&s.slot("Q2")), Some(&Invalid::Filtered { codes: vec![4] }));
    assert_eq!(s.iv.invalid(&s.slot("Q3")), Some(&Invalid::Filtered { codes: vec![4, 5] }), "only the options no longer offered");
    let kinds: Vec<(String, IssueKind)> =
        s.iv.issues(&s.q).into_iter().map(|i| (s.q.questions[i.slot.question].id.clone(), i.kind)).collect();
    assert_eq!(kinds, vec![("Q2".to_string(), IssueKind::Invalid), ("Q3".to_string(), IssueKind::Invalid)]);
    assert!(!s.iv.is_complete(&s.q), "completion is refused while the answers contradict Q1");
    let view = dala_questionnaire::client::question_view(&s.q, &s.iv, s.slot("Q3"), Lang::En);
    assert_eq!(view.invalid.as_deref(), Some("The answers «o4», «o5» no longer fit the answer to Q1. Choose again here or change Q1."));
    let ru = dala_questionnaire::client::question_view(&s.q, &s.iv, s.slot("Q2"), Lang::Ru).invalid.unwrap();
    assert_eq!(ru, "Ответ «о4» больше не соответствует ответу на Q1. Выберите заново или измените Q1.");

    // Entering a hidden option is refused with what the filter requires, not "not chosen earlier".
    let err = s.answer("Q2", json!(5)).unwrap_err();
    assert_eq!(err.message(Lang::En), "Q2: option 5 is not offered with the answer given in Q1.");
    let err = s.answer("Q4", json!(5)).unwrap_err();
    assert_eq!(err.message(Lang::En), "Q4: option 5 is not offered in this question.");
    assert_eq!(err.message(Lang::Kk), "Q4: 5 нұсқасы бұл сұрақта ұсынылмайды.");

    // Resolved one by one: a new choice for Q2, a larger Q1 for Q3.
    s.answer("Q2", json!(2)).unwrap();
    assert_eq!(s.iv.invalid(&s.slot("Q2")), None);
    s.answer("Q1", json!(5)).unwrap();
    assert_eq!(s.iv.invalid(&s.slot("Q3")), None);
    assert!(s.iv.is_complete(&s.q));
}

#[test]
fn a_filter_in_a_roster_marks_only_the_rows_it_contradicts() {
    let block = household(&format!(
        r#"
[[question]]
id = "Q120"
type = "single"
roster = "members"
options = [{{ code = 1, en = "a", ru = "a", kk = "a" }}, {{ code = 2, en = "b", ru = "b", kk = "b" }}]
choice_filter = "choice == 1 or AGE >= 16"
text = {t}
"#,
        t = t3("x")
    ));
    let mut s = Scenario::new(&block);
    s.answer("Q101", json!(2)).unwrap();
    s.answer("Q105[1]", json!(1960)).unwrap();
    s.answer("Q105[2]", json!(1970)).unwrap();
    s.answer("Q120[1]", json!(2)).unwrap();
    s.answer("Q120[2]", json!(2)).unwrap();
    // Member 2 was born in 2000 after all: 10 years old, option 2 is for adults only.
    s.answer("Q105[2]", json!(2000)).unwrap();
    assert_eq!(s.iv.invalid(&s.slot("Q120[1]")), None);
    assert_eq!(s.iv.invalid(&s.slot("Q120[2]")), Some(&Invalid::Filtered { codes: vec![2] }));
    let issues: Vec<AnswerKey> = s.iv.issues(&s.q).into_iter().filter(|i| i.kind == IssueKind::Invalid).map(|i| i.slot.key(&s.q)).collect();
    assert_eq!(issues, vec![key("Q120[2]")]);
    let view = dala_questionnaire::client::roster_view(&s.q, &s.iv, s.slot("Q120[2]"), Lang::En).unwrap();
    assert_eq!(view.rows.iter().map(|r| r.errors).collect::<Vec<_>>(), vec![0, 1], "the roster table counts the open error");
}

#[test]
fn a_restored_answer_outside_the_bounds_is_an_open_error() {
    // Stored by an earlier version of the study whose Q1 allowed up to 10.
    let block = format!("[[question]]\nid = \"Q1\"\ntype = \"integer\"\nmin = 1\nmax = 5\ntext = {}\n", t3("x"));
    let s = Scenario::new(&block);
    let slot = s.slot("Q1");
    let iv = Interview::restore(&s.q, [(slot, Answer::Int(8))], []);
    assert_eq!(iv.answer(&slot), Some(&Answer::Int(8)), "kept");
    assert_eq!(iv.invalid(&slot), Some(&Invalid::OutOfRange));
    assert_eq!(iv.issues(&s.q).into_iter().map(|i| i.kind).collect::<Vec<_>>(), vec![IssueKind::Invalid]);
    let issue = dala_questionnaire::client::issues_view(&s.q, &iv, Lang::En).remove(0);
    assert_eq!(issue.message, "Q1: the value must be between 1 and 5.");
}

#[test]
fn implies_and_currency_load_and_a_broken_rule_is_reported_at_its_token() {
    let money = |rule: &str| {
        format!(
            "[[question]]\nid = \"Q1\"\ntype = \"money\"\ncurrencies = [\"KZT\", \"USD\"]\ntext = {t}\n[[question.validation]]\nrule = \"{rule}\"\nseverity = \"warning\"\nmessage = {t}\n",
            t = t3("x")
        )
    };
    let load = |block: String| {
        let mut src = MemorySource::default();
        src.insert("study.toml", STUDY);
        src.insert("b.toml", &format!("id = \"B1\"\nnumber = 1\ntitle = {}\n{block}", t3("Block")));
        load_study(&src)
    };
    let (q, diags) = load(money("currency(.) == 'KZT' implies . <= 5000000"));
    assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
    let q = q.unwrap();
    let mut iv = Interview::new(&q);
    let slot = Slot { question: 0, path: Default::default() };
    iv.apply(&q, slot, Answer::from_json(&q.questions[0], &json!({"amount": 6_000_000, "currency": "USD"})).unwrap()).unwrap();
    assert!(iv.failing(&slot).is_empty(), "dollars: the tenge limit does not apply");
    iv.apply(&q, slot, Answer::from_json(&q.questions[0], &json!({"amount": 6_000_000, "currency": "KZT"})).unwrap()).unwrap();
    assert_eq!(iv.failing(&slot), &[0]);
    // A bare number is read in the question's default currency, as stored answers always were.
    iv.apply(&q, slot, Answer::from_json(&q.questions[0], &json!(6_000_000)).unwrap()).unwrap();
    assert_eq!(iv.answer(&slot), Some(&Answer::Money { amount: 6_000_000.0, currency: "KZT".into() }));
    assert_eq!(iv.failing(&slot), &[0]);

    let (_, diags) = load(money(". > 0 implies . < 10 implies . < 5"));
    let d = diags.iter().find(|d| d.code == "S006").expect("a parse error");
    assert_eq!(d.location, "Q1.validation[0].rule");
    assert!(
        d.message.get(Lang::En).contains("column 22") && d.message.get(Lang::En).contains("`implies` cannot be chained"),
        "{}",
        d.render(Lang::En)
    );
}
