//! Loader tests on small inline studies: ids, unknown fields, syntax errors and the wording of every
//! diagnostic in the three languages.

use super::*;
use crate::expr;
use crate::model::{AutoKind, EndOutcome};

const STUDY: &str = r#"
id = "t"
version = "1"
title = { en = "T", ru = "Т", kk = "Т" }
languages = ["ru", "kk", "en"]
blocks = ["b.toml"]
"#;

fn load_block(block: &str) -> (Option<Questionnaire>, Vec<Diagnostic>) {
    let mut src = MemorySource::default();
    src.insert("study.toml", STUDY);
    src.insert("b.toml", block);
    load_study(&src)
}

fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.severity == Severity::Error).collect()
}

const HEAD: &str = "id = \"B1\"\nnumber = 1\ntitle = { en = \"B\", ru = \"Б\", kk = \"Б\" }\n";

#[test]
fn a_study_keeps_its_own_variable_names() {
    let block = format!(
        r#"{HEAD}
[[roster]]
id = "people"
title = {{ en = "P", ru = "Л", kk = "А" }}
size = "A1"

[[calculate]]
id = "age_next"
roster = "people"
expr = "q4_age + 1"
label = {{ en = "A", ru = "В", kk = "Ж" }}

[[question]]
id = "A1"
type = "integer"
min = 1
max = 9
text = {{ en = "How many?", ru = "Сколько?", kk = "Қанша?" }}

[[question]]
id = "q4_age"
type = "integer"
roster = "people"
text = {{ en = "Age?", ru = "Возраст?", kk = "Жасы?" }}

[[question]]
id = "B2a"
type = "single"
relevant = "count(people, q4_age >= 18) > 0 and A1 > 0"
options = [{{ code = 1, en = "Yes", ru = "Да", kk = "Иә" }}, {{ code = 2, en = "No", ru = "Нет", kk = "Жоқ" }}]
text = {{ en = "Any adult?", ru = "Есть взрослые?", kk = "Ересек бар ма?" }}
"#
    );
    let (q, d) = load_block(&block);
    assert!(errors(&d).is_empty(), "{d:#?}");
    let q = q.unwrap();
    for id in ["A1", "q4_age", "B2a"] {
        assert!(q.question(id).is_some(), "{id}");
    }
}

#[test]
fn ids_differing_only_in_case_are_refused_naming_both() {
    let block = format!(
        "{HEAD}\n[[question]]\nid = \"A1\"\ntype = \"integer\"\ntext = {{ en = \"A\", ru = \"А\", kk = \"А\" }}\n\n\
         [[question]]\nid = \"a1\"\ntype = \"integer\"\ntext = {{ en = \"A\", ru = \"А\", kk = \"А\" }}\n"
    );
    let (q, d) = load_block(&block);
    assert!(q.is_none());
    let dup = d.iter().find(|d| d.code == "S002").expect("S002");
    assert_eq!(dup.location, "a1");
    assert!(dup.message.en.contains("`A1`") && dup.message.en.contains("b.toml"), "{}", dup.message.en);
    assert!(dup.message.ru.contains("`A1`"), "{}", dup.message.ru);
}

#[test]
fn reserved_words_cannot_be_ids() {
    for id in ["count", "and", "BY", "str80", "long", "choice"] {
        let block = format!("{HEAD}\n[[question]]\nid = \"{id}\"\ntype = \"integer\"\ntext = {{ en = \"A\", ru = \"А\", kk = \"А\" }}\n");
        let (_, d) = load_block(&block);
        assert!(d.iter().any(|d| d.code == "S013" && d.location == id), "{id}: {d:#?}");
    }
}

#[test]
fn an_unknown_field_is_located_and_the_rest_of_the_file_still_checked() {
    let block = format!(
        r#"{HEAD}
[[question]]
id = "M1"
type = "money"
currency_by = ["KZT"]
text = {{ en = "How much?", ru = "Сколько?", kk = "Қанша?" }}

[[question]]
id = "M2"
type = "single"
codelist = "L_NOPE"
text = {{ en = "Which?", ru = "Какой?", kk = "Қайсы?" }}
"#
    );
    let (q, d) = load_block(&block);
    assert!(q.is_none());
    let unknown = d.iter().find(|d| d.code == "S014").expect("S014");
    assert_eq!((unknown.file.as_str(), unknown.location.as_str()), ("b.toml", "M1.currency_by"));
    assert_eq!(unknown.position, Some(Position { line: 8, column: 1 }));
    assert!(unknown.hint.as_ref().unwrap().en.contains("`currencies`"), "{unknown:#?}");
    assert!(
        unknown.render(Lang::Ru).starts_with("ошибка[S014] b.toml:8:1: M1.currency_by: неизвестное поле `currency_by` вопроса"),
        "{}",
        unknown.render(Lang::Ru)
    );
    // The unrelated error further down is found too.
    assert!(d.iter().any(|d| d.code == "S003" && d.location == "M2.codelist"), "{d:#?}");
}

#[test]
fn max_on_a_multiple_choice_suggests_max_choices() {
    let block = format!(
        "{HEAD}\n[[question]]\nid = \"M1\"\ntype = \"multiple\"\nmax = 2\noptions = [{{ code = 1, en = \"A\", ru = \"А\", kk = \"А\" }}]\n\
         text = {{ en = \"A\", ru = \"А\", kk = \"А\" }}\n"
    );
    let (_, d) = load_block(&block);
    let e = errors(&d);
    assert_eq!(e.len(), 1, "{d:#?}");
    assert_eq!((e[0].code, e[0].location.as_str()), ("S014", "M1.max"));
    assert_eq!(e[0].message.en, "field `max` does not apply to a `multiple` question");
    assert_eq!(e[0].hint.as_ref().unwrap().ru, "возможно, имелось в виду `max_choices`?");
}

#[test]
fn every_unknown_field_is_its_own_diagnostic() {
    let block = format!(
        "{HEAD}colour = 1\n\n[[question]]\nid = \"Q1\"\ntype = \"integer\"\nrange = [1, 5]\ndk = true\n\
         text = {{ en = \"A\", ru = \"А\", kk = \"А\", de = \"A\" }}\n\n[[question.validation]]\nrule = \". > 0\"\nlevel = \"error\"\n\
         message = {{ en = \"M\", ru = \"М\", kk = \"М\" }}\n"
    );
    let (_, d) = load_block(&block);
    let unknown: Vec<(&str, Option<String>)> =
        d.iter().filter(|d| d.code == "S014").map(|d| (d.location.as_str(), d.hint.as_ref().map(|h| h.en.clone()))).collect();
    let locations: Vec<&str> = unknown.iter().map(|(l, _)| *l).collect();
    for l in ["colour", "Q1.range", "Q1.dk", "Q1.text.de", "Q1.validation[0].level"] {
        assert!(locations.contains(&l), "{l} missing: {unknown:#?}");
    }
    let hint = |loc: &str| unknown.iter().find(|(l, _)| *l == loc).and_then(|(_, h)| h.clone()).unwrap();
    assert!(hint("Q1.dk").contains("`special`"));
    assert!(hint("Q1.range").contains("`min`"));
    assert!(hint("Q1.validation[0].level").contains("remove it"), "no near field: {}", hint("Q1.validation[0].level"));
}

#[test]
fn a_wrong_value_in_one_question_leaves_the_others_checked() {
    let block = format!(
        "{HEAD}\n[[question]]\nid = \"Q1\"\ntype = \"integer\"\nmin = \"one\"\ntext = {{ en = \"A\", ru = \"А\", kk = \"А\" }}\n\n\
         [[question]]\nid = \"Q2\"\ntype = \"integer\"\nrelevant = \"Q9 > 1\"\ntext = {{ en = \"A\", ru = \"А\", kk = \"А\" }}\n"
    );
    let (_, d) = load_block(&block);
    let bad = d.iter().find(|d| d.code == "S001").expect("S001");
    assert_eq!(bad.location, "Q1.min");
    assert_eq!(bad.position.map(|p| p.line), Some(8), "{bad:#?}");
    assert_eq!(bad.message.ru, "ожидается число");
    assert!(d.iter().any(|d| d.code == "S007" && d.location == "Q2.relevant"), "{d:#?}");
}

#[test]
fn a_toml_syntax_error_is_located_and_worded_in_each_language() {
    let (q, d) = load_block(&format!("{HEAD}\n[[question]]\nid = \"Q1\ntype = \"integer\"\n"));
    assert!(q.is_none());
    assert_eq!(d.len(), 1, "{d:#?}");
    let e = &d[0];
    assert_eq!((e.code, e.file.as_str()), ("S001", "b.toml"));
    assert_eq!(e.position.map(|p| p.line), Some(6), "{e:#?}");
    for lang in [Lang::Ru, Lang::Kk] {
        assert_no_english(&e.render(lang));
    }
    assert!(e.render(Lang::Kk).starts_with("қате[S001] b.toml:6:"), "{}", e.render(Lang::Kk));
}

/// Latin words left once ids, fields and file names in backticks, codes and positions are removed.
pub(crate) fn english_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut in_ticks = false;
    for c in text.chars() {
        if c == '`' {
            in_ticks = !in_ticks;
            plain.push(' ');
        } else if !in_ticks {
            plain.push(c);
        }
    }
    // Names of things that are the same in every language.
    const KEEP: [&str; 9] = ["TOML", "id", "docs", "expressions", "md", "study", "format", "Stata", "SPSS"];
    plain
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2 && !KEEP.contains(w))
        // Error codes (S014), file names (b.toml) and language codes are split into such pieces.
        .filter(|w| !["toml", "ru", "kk", "en"].contains(w))
        .map(String::from)
        .collect()
}

fn assert_no_english(text: &str) {
    let words = english_words(text);
    assert!(words.is_empty(), "English {words:?} in: {text}");
}

#[test]
fn every_expression_error_has_a_kind_and_no_english_in_russian_or_kazakh() {
    let bad = [
        "",
        "Q1 = 1",
        "Q1 <> 1",
        "!Q1",
        "Q1 && Q2",
        "Q1 || Q2",
        "Q1 ^ 2",
        "Q1 # 2",
        "Q1 == Тест",
        "Q1 == Qа1",
        "1.",
        "12abc",
        "'a\\q'",
        "'open",
        "1 < 2 < 3",
        "Q1 not 3",
        "Q1 in 3",
        "Q1 in ()",
        "Q1 in (1, 2",
        "(1 + 2",
        "count(members, 1",
        "Q1 == not Q2",
        "Q1 == )",
        "count",
        "count(1)",
        "count(members + 1)",
        "if(1)",
        "Q1 == 1)",
        "Q1 == 1 AND Q2 == 2",
        "Q1 == 1 Q2",
        "cnt(members)",
        "Q1 == *",
    ];
    for src in bad {
        let e = expr::parse(src).expect_err(src);
        assert_ne!(*e.kind, expr::ErrorKind::Other, "{src}: {e}");
        let (m, h) = expressions::describe(&e, src);
        for lang in [Lang::Ru, Lang::Kk] {
            // The expression itself is quoted verbatim; the rest must be in the language.
            let text = format!("{} {}", m.get(lang), h.get(lang)).replace(&format!("`{src}`"), "");
            assert_no_english(&text);
        }
    }
    let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    let e = expr::parse(&deep).unwrap_err();
    assert_eq!(*e.kind, expr::ErrorKind::TooDeep { max: expr::MAX_NESTING });
}

#[test]
fn currency_reads_only_money_questions() {
    let t = "{ en = \"x\", ru = \"х\", kk = \"х\" }";
    let question = |id: &str, kind: &str, rule: &str| {
        let currencies = if kind == "money" { "currencies = [\"KZT\", \"USD\"]\n" } else { "" };
        format!("[[question]]\nid = \"{id}\"\ntype = \"{kind}\"\n{currencies}text = {t}\n[[question.validation]]\nrule = \"{rule}\"\nmessage = {t}\n")
    };
    // A money question reading its own currency and another money question's: no problem.
    let fine = format!(
        "{HEAD}{}{}",
        question("amount", "money", "currency(.) == 'KZT' implies . <= 5000000"),
        question("sent", "money", "currency(sent) == currency(amount)")
    );
    let (q, d) = load_block(&fine);
    assert!(errors(&d).is_empty(), "{d:#?}");
    assert!(q.is_some());
    // `currency(.)` on a whole number, and `currency(n)` of a whole number from a money question.
    let wrong =
        format!("{HEAD}{}{}", question("n", "integer", "currency(.) == 'KZT'"), question("amount", "money", "currency(n) == 'KZT'"));
    let (_, d) = load_block(&wrong);
    let s015: Vec<&Diagnostic> = d.iter().filter(|d| d.code == "S015").collect();
    assert_eq!(s015.len(), 2, "{d:#?}");
    assert_eq!(s015[0].location, "n.validation[0].rule");
    assert!(s015[0].message.get(Lang::En).contains("`n` is not a money question"), "{}", s015[0].render(Lang::En));
    assert_eq!(s015[1].location, "amount.validation[0].rule");
    assert!(s015[1].message.get(Lang::Kk).contains("`n` ақшалай сұрақ емес"), "{}", s015[1].render(Lang::Kk));
}

/// A block with a consent question that ends the interview and the four automatic values.
const COVER: &str = r#"
[[question]]
id = "D1"
type = "date"
auto = "interview_date"
text = { en = "Date", ru = "Дата", kk = "Күні" }

[[question]]
id = "T1"
type = "time"
auto = "start_time"
text = { en = "Start", ru = "Начало", kk = "Басы" }

[[question]]
id = "T2"
type = "time"
auto = "end_time"
text = { en = "End", ru = "Конец", kk = "Соңы" }

[[question]]
id = "V1"
type = "integer"
auto = "visit_number"
text = { en = "Visit", ru = "Визит", kk = "Бару" }

[[question]]
id = "C1"
type = "single"
options = [{ code = 1, en = "Yes", ru = "Да", kk = "Иә" }, { code = 2, en = "No", ru = "Нет", kk = "Жоқ" }]
text = { en = "Agree?", ru = "Согласны?", kk = "Келісесіз бе?" }

[question.end]
when = ". == 2"
outcome = "refused"
"#;

#[test]
fn automatic_values_and_an_interview_end_load() {
    let (q, d) = load_block(&format!("{HEAD}{COVER}"));
    assert!(errors(&d).is_empty(), "{d:#?}");
    let q = q.unwrap();
    let auto = |id: &str| q.question(id).unwrap().auto;
    assert_eq!(
        [auto("D1"), auto("T1"), auto("T2"), auto("V1"), auto("C1")],
        [Some(AutoKind::InterviewDate), Some(AutoKind::StartTime), Some(AutoKind::EndTime), Some(AutoKind::VisitNumber), None]
    );
    let end = q.question("C1").unwrap().end.as_ref().unwrap();
    assert_eq!((end.outcome, end.when.source()), (EndOutcome::Refused, ". == 2"));
    // The engine reads the condition with `.` bound to the answer.
    let iv = crate::engine::Interview::new(&q);
    let slot = crate::engine::Slot { question: q.question_index("C1").unwrap(), path: crate::answer::RowPath::ROOT };
    assert_eq!(iv.ends_with(&q, &slot, &crate::Answer::Code(2, None)), Some(EndOutcome::Refused));
    assert_eq!(iv.ends_with(&q, &slot, &crate::Answer::Code(1, None)), None);
    assert_eq!(iv.ending(&q), None);
    // Inline table form too.
    let inline = format!(
        "{HEAD}{}",
        COVER.replace("[question.end]\nwhen = \". == 2\"\noutcome = \"refused\"", "end = { when = \". == 2\", outcome = \"refused\" }")
    );
    let (q, d) = load_block(&inline);
    assert!(errors(&d).is_empty() && q.unwrap().question("C1").unwrap().end.is_some(), "{d:#?}");
}

/// The S011/S014/S006 diagnostics of a block, as (code, location), each worded without English in ru and kk.
fn problems(block: &str) -> Vec<(&'static str, String)> {
    let (q, d) = load_block(&format!("{HEAD}{block}"));
    assert!(q.is_none(), "a study with these errors does not load: {d:#?}");
    for e in errors(&d) {
        for text in [&e.message.ru, &e.message.kk].into_iter().chain(e.hint.iter().flat_map(|h| [&h.ru, &h.kk])) {
            assert_no_english(text);
        }
    }
    errors(&d).into_iter().map(|e| (e.code, e.location.clone())).collect()
}

#[test]
fn a_wrong_automatic_value_or_interview_end_is_located() {
    let text = r#"text = { en = "A", ru = "А", kk = "А" }"#;
    let yes_no = r#"options = [{ code = 1, en = "Yes", ru = "Да", kk = "Иә" }, { code = 2, en = "No", ru = "Нет", kk = "Жоқ" }]"#;
    // An unknown kind, named with the known ones.
    let p = problems(&format!("[[question]]\nid = \"D1\"\ntype = \"date\"\nauto = \"interview_day\"\n{text}\n"));
    assert_eq!(p, [("S011", "D1.auto".to_string())]);
    let (_, d) = load_block(&format!("{HEAD}[[question]]\nid = \"D1\"\ntype = \"date\"\nauto = \"interview_day\"\n{text}\n"));
    assert!(d[0].hint.as_ref().unwrap().ru.contains("`\"interview_date\"`"), "{:?}", d[0].hint);
    // The kind on a question of the wrong type; in a roster; with a prefill.
    let p = problems(&format!("[[question]]\nid = \"T1\"\ntype = \"text\"\nauto = \"start_time\"\n{text}\n"));
    assert_eq!(p, [("S011", "T1.auto".to_string())]);
    let p = problems(&format!(
        "[[roster]]\nid = \"people\"\ntitle = {{ en = \"P\", ru = \"Л\", kk = \"А\" }}\nsize = \"N\"\n\n\
         [[question]]\nid = \"N\"\ntype = \"integer\"\n{text}\n\n\
         [[question]]\nid = \"V1\"\ntype = \"integer\"\nroster = \"people\"\nauto = \"visit_number\"\nprefill = \"1\"\n{text}\n"
    ));
    assert_eq!(p, [("S011", "V1.auto".to_string()), ("S011", "V1.auto".to_string())], "roster and prefill");

    // `end` where it makes no sense: a text or date question, a roster question, an automatic value.
    let end = "[question.end]\nwhen = \". == 2\"\noutcome = \"refused\"\n";
    let p = problems(&format!("[[question]]\nid = \"X\"\ntype = \"text\"\n{text}\n{end}"));
    assert_eq!(p, [("S011", "X.end".to_string())]);
    let p = problems(&format!("[[question]]\nid = \"D1\"\ntype = \"date\"\nauto = \"interview_date\"\n{text}\n{end}"));
    assert_eq!(p, [("S011", "D1.auto".to_string()), ("S011", "D1.end".to_string())]);
    let p = problems(&format!(
        "[[roster]]\nid = \"people\"\ntitle = {{ en = \"P\", ru = \"Л\", kk = \"А\" }}\nsize = \"N\"\n\n\
         [[question]]\nid = \"N\"\ntype = \"integer\"\n{text}\n\n\
         [[question]]\nid = \"C1\"\ntype = \"single\"\nroster = \"people\"\n{yes_no}\n{text}\n{end}"
    ));
    assert_eq!(p, [("S011", "C1.end".to_string())]);
    // An unknown outcome; a condition that does not parse; a field `end` does not have; a name it does not know.
    let p = problems(&format!(
        "[[question]]\nid = \"C1\"\ntype = \"single\"\n{yes_no}\n{text}\n[question.end]\nwhen = \". == 2\"\noutcome = \"declined\"\n"
    ));
    assert_eq!(p, [("S011", "C1.end.outcome".to_string())]);
    let p = problems(&format!(
        "[[question]]\nid = \"C1\"\ntype = \"single\"\n{yes_no}\n{text}\n[question.end]\nwhen = \". = 2\"\noutcome = \"refused\"\n"
    ));
    assert_eq!(p, [("S006", "C1.end.when".to_string())]);
    let p = problems(&format!(
        "[[question]]\nid = \"C1\"\ntype = \"single\"\n{yes_no}\n{text}\n[question.end]\nwhen = \". == 2\"\noutcome = \"refused\"\nmessage = \"x\"\n"
    ));
    assert_eq!(p, [("S014", "C1.end.message".to_string())]);
    let p = problems(&format!(
        "[[question]]\nid = \"C1\"\ntype = \"single\"\n{yes_no}\n{text}\n[question.end]\nwhen = \"C9 == 2\"\noutcome = \"refused\"\n"
    ));
    assert_eq!(p, [("S007", "C1.end.when".to_string())]);
}

#[test]
fn a_time_answer_is_hours_and_minutes() {
    use crate::answer::parse_time;
    assert_eq!(parse_time("09:05").map(|t| t.to_string()), Some("09:05:00".into()));
    assert_eq!(parse_time(" 9:05 ").map(|t| t.to_string()), Some("09:05:00".into()));
    assert_eq!(parse_time("23:59").map(|t| t.to_string()), Some("23:59:00".into()));
    for bad in ["24:00", "12:60", "12:5", "1205", "12:05:00", "", ":", "-1:00", "12:0a", "１２:05", "123:00"] {
        assert_eq!(parse_time(bad), None, "{bad}");
    }
    let (q, _) = load_block(&format!("{HEAD}{COVER}"));
    let q = q.unwrap();
    let t1 = q.question("T1").unwrap();
    assert_eq!(crate::Answer::from_json(t1, &serde_json::json!("7:30")).unwrap().to_json(), serde_json::json!("07:30"));
    let err = crate::Answer::from_json(t1, &serde_json::json!("7.30")).unwrap_err();
    assert!(err.message(Lang::Kk).contains("СС:ММ"), "{}", err.message(Lang::Kk));
}
