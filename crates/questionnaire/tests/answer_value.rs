//! The typed answer value that crosses to the interface: every JSON form of docs/study-format.md is
//! one of its shapes and comes back unchanged (a whole number stays whole, an "other" text stays with
//! its code), and what is no answer form is refused.

use dala_questionnaire::AnswerValue;
use serde_json::json;

#[test]
fn every_answer_form_round_trips_through_its_shape() {
    let forms = [
        (json!(3), "Number"),
        (json!(-98), "Number"),
        (json!(1.5), "Number"),
        (json!("Айгуль"), "Text"),
        (json!("2010-10-15"), "Text"),
        (json!([1, 96]), "Codes"),
        (json!(["Ерлан", "Айгуль"]), "List"),
        (json!({"code": 96, "other": "сосед"}), "Other"),
        (json!({"codes": [1, 96], "other": "сосед"}), "CodesOther"),
        (json!({"amount": 150000, "currency": "KZT"}), "Money"),
        (json!({"amount": 150000.5, "currency": "USD"}), "Money"),
        (json!({"r1": 1, "r2": -98}), "Grid"),
    ];
    for (form, shape) in forms {
        let v = AnswerValue::from_json(&form).unwrap_or_else(|| panic!("{form} is an answer form"));
        let got = format!("{v:?}");
        assert!(got.starts_with(shape), "{form} read as {got}, expected {shape}");
        assert_eq!(v.to_json(), form, "{form} comes back unchanged");
    }
    assert_eq!(AnswerValue::from_json(&json!(3)).unwrap().to_json().as_i64(), Some(3), "a code stays a whole number");
    for not_an_answer in [json!(null), json!(true), json!({"code": "x"})] {
        assert_eq!(AnswerValue::from_json(&not_an_answer), None, "{not_an_answer}");
    }
}
