//! Tests of the expression language: table-driven tests of precedence, functions, missing values,
//! aggregates, parse errors and references, tests that deep input fails cleanly, and property tests
//! that no input makes the parser or the evaluator panic.
//!
//! The tests evaluate against a small in-memory household of the KMRS kind: household-level
//! answers, a `members` roster of three rows (the second of which is mostly unanswered) and an
//! empty `away` roster.

use std::collections::HashMap;

use proptest::prelude::*;

use super::{parse, Env, Missing, RefKind, Reference, Val, MAX_NESTING};

/// The answers of one test household.
struct Survey {
    household: HashMap<&'static str, Val>,
    members: Vec<HashMap<&'static str, Val>>,
}

/// A context in the test household: the household level (`row == None`) or one member.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    survey: &'a Survey,
    row: Option<usize>,
}

impl Env for Ctx<'_> {
    fn lookup(&self, name: &str) -> Val {
        let member = self.row.and_then(|r| self.survey.members.get(r - 1));
        member.and_then(|values| values.get(name)).or_else(|| self.survey.household.get(name)).cloned().unwrap_or(Val::Null)
    }

    fn roster_len(&self, roster: &str) -> Option<usize> {
        match roster {
            "members" => Some(self.survey.members.len()),
            "away" => Some(0),
            _ => None,
        }
    }

    fn row(&self, roster: &str, position: usize) -> Option<Self> {
        (roster == "members" && (1..=self.survey.members.len()).contains(&position))
            .then_some(Ctx { survey: self.survey, row: Some(position) })
    }

    fn position(&self) -> Option<usize> {
        self.row
    }

    /// Q518 was paid in tenge, Q604 received in dollars; `.` is a rouble amount.
    fn currency(&self, name: &str) -> Val {
        match name {
            "Q518" => text("KZT"),
            "Q604" => text("USD"),
            "." => text("RUB"),
            _ => Val::Null,
        }
    }
}

fn num(n: f64) -> Val {
    Val::Num(n)
}

fn text(s: &str) -> Val {
    Val::Text(s.to_owned())
}

const DK: Val = Val::Missing(Missing::DontKnow);
const RF: Val = Val::Missing(Missing::Refused);
const NA: Val = Val::Missing(Missing::NotApplicable);
const NULL: Val = Val::Null;
const T: Val = Val::Bool(true);
const F: Val = Val::Bool(false);

/// Builds the test household. Q999 is never answered.
fn survey() -> Survey {
    let household = HashMap::from([
        ("Q101", num(3.0)),
        ("SURVEY_YEAR", num(2010.0)),
        ("Q311", RF),
        ("Q312", DK),
        ("Q313", num(3.0)),
        ("Q314", NA),
        ("Q512", Val::List(vec![1.0, 3.0, 7.0])),
        ("Q531", Val::TextList(vec!["Айгуль".to_owned(), "Ерлан".to_owned()])),
        ("NAME", text("Айгуль")),
        ("DATE", text("2010-10-15")),
        (".", num(1985.0)),
        ("choice", num(3.0)),
    ]);
    let member = |name: &str, rel: f64, born: Val, age: Val, q502: Val, q113: Val, income: Val| {
        HashMap::from([
            ("Q102", text(name)),
            ("Q103", num(rel)),
            ("Q105", born),
            ("AGE", age),
            ("Q502", q502),
            ("Q113", q113),
            ("INC", income),
        ])
    };
    Survey {
        household,
        members: vec![
            member("Айгуль", 1.0, num(1960.0), num(50.0), num(1.0), num(3.0), num(1000.0)),
            member("Ерлан", 2.0, NULL, NULL, DK, NULL, NULL),
            member("Дана", 3.0, num(2000.0), num(10.0), num(2.0), num(1.0), num(500.0)),
        ],
    }
}

#[test]
fn parts_of_a_date() {
    check(
        &[
            ("year(DATE)", num(2010.0)),
            ("month(DATE)", num(10.0)),
            ("day(DATE)", num(15.0)),
            ("year('2008-02-29')", num(2008.0)),
            ("day('2008-02-29')", num(29.0)),
            // Not a date, or no date at all: unknown, never an error.
            ("year('2010-02-30')", NULL),
            ("month('15.10.2010')", NULL),
            ("day('')", NULL),
            ("year(NAME)", NULL),
            ("year(Q999)", NULL),
            ("year(Q312)", NULL),
            ("month(Q101)", NULL),
            ("year(Q512)", NULL),
            ("year(true)", NULL),
            // Exact age in whole years on the interview date, from a birth year and month.
            ("year(DATE) - 1985 - if(month(DATE) < 11, 1, 0)", num(24.0)),
            ("year(DATE) - 1985 - if(month(DATE) < 10, 1, 0)", num(25.0)),
            // Born in October 1992: 18 in October 2010; born in November 1992: still 17.
            ("year(DATE) - 1992 - if(month(DATE) < 10, 1, 0) >= 18", T),
            ("year(DATE) - 1992 - if(month(DATE) < 11, 1, 0) >= 18", F),
            ("year(Q999) - 1985 >= 18", NULL),
        ],
        None,
    );
    check(
        &[
            ("digits('+7 (727) 250-13-13')", num(11.0)),
            ("digits('25 13 13')", num(6.0)),
            ("digits(NAME)", num(0.0)),
            ("len('+7 727 2501313') - digits('+7 727 2501313')", num(3.0)),
            ("digits(Q101)", NULL),
            ("digits(Q999)", NULL),
        ],
        None,
    );
    for bad in ["year()", "year(DATE, 1)", "month(1, 2)", "day()", "digits()"] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}

/// Parses and evaluates every case in the household context, or in member `row` when given.
fn check(cases: &[(&str, Val)], row: Option<usize>) {
    let survey = survey();
    let ctx = Ctx { survey: &survey, row };
    for (src, expected) in cases {
        let expr = parse(src).unwrap_or_else(|e| panic!("{src:?} does not parse: {e}"));
        assert_eq!(&expr.eval(&ctx), expected, "{src:?} in row {row:?}");
    }
}

#[test]
fn precedence_and_associativity() {
    check(
        &[
            ("1 + 2 * 3", num(7.0)),
            ("(1 + 2) * 3", num(9.0)),
            ("-2 * 3", num(-6.0)),
            ("-(2 + 3)", num(-5.0)),
            ("--3", num(3.0)),
            ("2 - -3", num(5.0)),
            ("10 - 4 - 3", num(3.0)),
            ("12 / 4 / 3", num(1.0)),
            ("7 % 4 * 2", num(6.0)),
            ("2 * 3 % 4", num(2.0)),
            ("54.5 * 2", num(109.0)),
            (".5 + .25", num(0.75)),
            ("1 + 2 == 3", T),
            ("Q101 + 1 in (4, 5)", T),
            ("not 1 == 2", T),
            ("not true and false", F),
            ("not (true and false)", T),
            ("true or false and false", T),
            ("(true or false) and false", F),
            ("false and true or true", T),
            ("not not true", T),
            ("1 in (1, 2) and 3 not in (1, 2)", T),
            ("'a' == \"a\"", T),
            ("'it\\'s' == \"it's\"", T),
            ("Q101 >= 3 and Q101 <= 3", T),
            ("1 - (2 - 3)", num(2.0)),
            ("(1 - 2) - 3", num(-4.0)),
            ("2 * (3 - 1) - 4 / 2", num(2.0)),
            ("1 + 2 * 3 - 4 % 3", num(6.0)),
            ("-2 - -2", num(0.0)),
            ("- Q101 * 2", num(-6.0)),
            ("2 * 3 in (6)", T),
            ("not -1", F),
            ("not Q101 == 3 or true", T),
            ("not Q101 == 4 and Q101 == 3", T),
            ("true and not false and true", T),
            ("Q101 == 3 and Q101 in (1, 3) or false", T),
            ("false or Q101 not in (1, 2) and Q101 > 2", T),
        ],
        None,
    );
}

#[test]
fn functions() {
    check(
        &[
            ("selected(Q512, 3)", T),
            ("selected(Q512, 2)", F),
            ("selected(Q101, 3)", T),
            ("selected(Q101, 2)", F),
            ("selected(Q312, -98)", T),
            ("selected(Q312, 1)", F),
            ("selected(Q999, 1)", NULL),
            ("selected(Q512, Q999)", NULL),
            ("selected(Q512, choice)", T),
            ("count_selected(Q512)", num(3.0)),
            ("count_selected(Q101)", num(1.0)),
            ("count_selected(Q999)", NULL),
            ("count_selected(Q312)", NULL),
            ("answered(Q101)", T),
            ("answered(Q312)", T),
            ("answered(Q311)", T),
            ("answered(Q314)", F),
            ("answered(Q999)", F),
            ("dk(Q312)", T),
            ("dk(Q311)", F),
            ("dk(Q999)", F),
            ("refused(Q311)", T),
            ("refused(Q312)", F),
            ("missing(Q312)", T),
            ("missing(Q311)", T),
            ("missing(Q314)", T),
            ("missing(Q101)", F),
            ("missing(Q999)", F),
            ("if(Q101 > 2, 'big', 'small')", text("big")),
            ("if(Q101 > 5, 'big', 'small')", text("small")),
            ("if(Q999 > 2, 1, 2)", num(2.0)),
            ("if(0, 1, 2)", num(2.0)),
            ("if(5, 1, 2)", num(1.0)),
            ("coalesce(Q999, Q312, Q313)", num(3.0)),
            ("coalesce(Q999, Q312)", NULL),
            ("coalesce(0, 1)", num(0.0)),
            ("coalesce(null, 'x')", text("x")),
            ("min(3, 1, 2)", num(1.0)),
            ("max(3, 1, 2)", num(3.0)),
            ("min(1, Q999)", NULL),
            ("max(1, Q312)", NULL),
            ("min(1, 'a')", NULL),
            ("abs(-3.5)", num(3.5)),
            ("abs(Q999)", NULL),
            ("round(2.5)", num(3.0)),
            ("round(-2.5)", num(-3.0)),
            ("round(2.4)", num(2.0)),
            ("round(Q312)", NULL),
            ("floor(2.7)", num(2.0)),
            ("floor(-2.5)", num(-3.0)),
            ("floor('a')", NULL),
            ("len('Айгуль')", num(6.0)),
            ("len(NAME)", num(6.0)),
            ("len(Q512)", num(3.0)),
            ("len(Q531)", num(2.0)),
            ("len(Q101)", NULL),
            ("len(Q999)", NULL),
            ("position()", NULL),
        ],
        None,
    );
    check(&[("position()", num(2.0)), ("position() * 10", num(20.0))], Some(2));
}

#[test]
fn missing_values_and_null() {
    check(
        &[
            // A missing answer equals its own code and no other number.
            ("Q312 == -98", T),
            ("-98 == Q312", T),
            ("Q312 == -99", F),
            ("Q312 != -98", F),
            ("Q312 != 1", T),
            ("Q312 == 5", F),
            ("Q312 in (-98, -99)", T),
            ("Q311 in (-98, -99)", T),
            ("Q313 in (-98, -99)", F),
            ("Q312 not in (-98, -99)", F),
            ("Q313 not in (-98, -99)", T),
            ("Q314 == -97", T),
            // Otherwise missing and unanswered values are unknown.
            ("Q312 > 0", NULL),
            ("Q312 <= 0", NULL),
            ("Q312 + 1", NULL),
            ("-Q312", NULL),
            ("Q312 == Q311", NULL),
            ("Q312 == 'a'", NULL),
            ("Q999 + 1", NULL),
            ("Q999 * 0", NULL),
            ("Q999 == 1", NULL),
            ("Q999 != 1", NULL),
            ("Q999 < 1", NULL),
            ("Q999 in (1, 2)", NULL),
            ("Q999 not in (1, 2)", NULL),
            ("null == null", NULL),
            ("Q312 in (1, Q999)", NULL),
            ("Q312 in (-98, Q999)", T),
            // Arithmetic that cannot be done is unknown.
            ("1 / 0", NULL),
            ("5 % 0", NULL),
            ("7 % 4", num(3.0)),
            ("-7 % 4", num(-3.0)),
            ("'a' + 1", NULL),
            ("true + 1", NULL),
            ("Q512 + 1", NULL),
            // Kleene logic.
            ("false and Q999", F),
            ("Q999 and false", F),
            ("true and Q999", NULL),
            ("true or Q999", T),
            ("Q999 or true", T),
            ("false or Q999", NULL),
            ("not Q999", NULL),
            ("not Q312", NULL),
            ("Q312 > 0 or true", T),
            ("Q312 > 0 and false", F),
            ("Q312 > 0 or Q999 > 0", NULL),
            ("2 and true", T),
            ("0 or false", F),
            ("'text' and true", NULL),
            // Values of other types.
            ("NAME == 'Айгуль'", T),
            ("NAME != 'Ерлан'", T),
            ("DATE < '2011-01-01'", T),
            ("DATE >= '2010-10-16'", F),
            ("'a' < 1", NULL),
            ("1 == 'a'", F),
            ("1 != 'a'", T),
            ("true == true", T),
            ("true == 1", F),
            ("Q512 == Q512", T),
            ("Q531 == Q531", T),
            ("null == 1", NULL),
        ],
        None,
    );
}

#[test]
fn overflow_gives_null() {
    let big = "9".repeat(300);
    check(&[(&format!("{big} * {big}"), NULL), (&format!("{big} * {big} > 0"), NULL)], None);
    let huge = "9".repeat(400);
    check(&[(&format!("{huge} - {huge}"), NULL), (&format!("abs({huge})"), NULL)], None);
    check(&[(&format!("at(members, {huge}, AGE)"), NULL)], None);
}

#[test]
fn aggregates() {
    check(
        &[
            ("count(members)", num(3.0)),
            ("count(members, Q103 == 1)", num(1.0)),
            ("count(members, Q103 == 1) == 1", T),
            ("count(members, AGE >= 16)", num(1.0)),
            ("count(members, Q105 < SURVEY_YEAR - 16)", num(1.0)),
            ("count(members, position() > 1)", num(2.0)),
            ("count(members, Q103 <= count(members))", num(3.0)),
            ("count(away)", num(0.0)),
            ("count(nosuch)", NULL),
            ("count(nosuch, true)", NULL),
            ("sum(members, INC)", num(1500.0)),
            ("sum(members, AGE)", num(60.0)),
            ("sum(members, Q502)", num(3.0)),
            ("sum(members, Q999)", num(0.0)),
            ("sum(away, INC)", num(0.0)),
            ("sum(nosuch, INC)", NULL),
            ("any(members, AGE < 16)", T),
            ("any(members, AGE > 60)", NULL),
            ("any(members, Q103 == 9)", F),
            ("any(away, true)", F),
            ("all(members, Q103 > 0)", T),
            ("all(members, AGE >= 16)", F),
            ("all(members, AGE >= 5)", NULL),
            ("all(away, false)", T),
            ("min_of(members, AGE)", num(10.0)),
            ("max_of(members, AGE)", num(50.0)),
            ("max_of(members, Q502)", num(2.0)),
            ("min_of(away, AGE)", NULL),
            ("max_of(members, Q999)", NULL),
            ("at(members, 1, Q102)", text("Айгуль")),
            ("at(members, 3, AGE)", num(10.0)),
            ("at(members, 2, position())", num(2.0)),
            ("at(members, 2, Q502)", DK),
            ("at(members, 4, AGE)", NULL),
            ("at(members, 0, AGE)", NULL),
            ("at(members, -1, AGE)", NULL),
            ("at(members, 1.5, AGE)", NULL),
            ("at(members, Q999, AGE)", NULL),
            ("at(members, Q312, AGE)", NULL),
            ("at(nosuch, 1, AGE)", NULL),
            ("at(away, 1, AGE)", NULL),
        ],
        None,
    );
}

#[test]
fn row_contexts() {
    // The row number of `at` is read in the member's own row: member 1 points at member 3.
    check(
        &[
            ("at(members, Q113, Q502)", num(2.0)),
            ("Q102", text("Айгуль")),
            ("SURVEY_YEAR - Q105", num(50.0)),
            ("position()", num(1.0)),
            ("count(members, Q103 == 1)", num(1.0)),
        ],
        Some(1),
    );
    check(&[("at(members, Q113, Q502)", NULL), ("Q102", text("Ерлан"))], Some(2));
    check(&[("at(members, Q113, Q502)", num(1.0)), ("position()", num(3.0))], Some(3));
}

#[test]
fn validation_and_choice_filter_names() {
    check(
        &[(". <= SURVEY_YEAR", T), (". >= SURVEY_YEAR - 120 and . <= SURVEY_YEAR", T), ("selected(Q512, choice)", T), ("choice != 7", T)],
        None,
    );
}

#[test]
fn parse_error_columns() {
    let cases: &[(&str, usize, &str)] = &[
        ("(Q101 + 2", 10, "expected ')' to close '(' opened at column 1"),
        ("Q101 + (2 * 3", 14, "opened at column 8"),
        ("Q102 == 'Айгуль' an Q103", 18, "unexpected 'an'"),
        ("Q102 == 'Айгуль' = 1", 18, "'=' is not an operator"),
        ("'Алматы' + )", 12, "expected a value"),
        ("sumof(members, Q1)", 1, "unknown function 'sumof'"),
        ("AGE >= 16 and cnt(members) > 0", 15, "unknown function 'cnt'"),
        ("if(Q101 > 2, 1)", 1, "'if' takes 3 arguments, but 2 were given"),
        ("1 + count()", 5, "'count' takes 1 or 2 arguments, but 0 were given"),
        ("position(1)", 1, "'position' takes 0 arguments"),
        ("min(AGE)", 1, "'min' takes at least 2 arguments"),
        ("Q1 < Q2 < Q3", 9, "cannot be chained"),
        ("Q1 == 1 in (1, 2)", 9, "cannot be chained"),
        ("Q1 in (1) == 2", 11, "cannot be chained"),
        ("Q1 == 1 + 2 != 3", 13, "cannot be chained"),
        ("not Q1 == 1 == 2", 13, "cannot be chained"),
        ("1 + not Q1", 5, "'not' cannot stand here"),
        ("Q1 == not Q2", 7, "'not' cannot stand here"),
        ("count(members + 1, Q1)", 7, "must be the id of a roster"),
        ("sum(3, Q1)", 5, "must be the id of a roster, found the number 3"),
        ("count(members", 14, "in the call of 'count' opened at column 6"),
        ("count(members Q1)", 7, "must be the id of a roster alone"),
        ("'abc", 1, "never closed"),
        ("Q102 == 'Айгуль", 9, "never closed"),
        ("Q312 in -98", 9, "expected '(' after 'in'"),
        ("Q312 in ()", 10, "the list after 'in' is empty"),
        ("Q312 in (-98, -99", 18, "to close the list opened at column 9"),
        ("Q1 not 3", 4, "'not' after a value"),
        ("(Q1 not 3)", 5, "'not' after a value"),
        ("", 1, "empty"),
        ("   ", 1, "empty"),
        ("Q1 )", 4, "closes no '('"),
        ("Q1 && Q2", 4, "'&&' is not an operator"),
        ("Q1 || Q2", 4, "'||' is not an operator"),
        ("!Q1", 1, "'!' is not an operator"),
        ("Q1 <> 2", 4, "'<>' is not an operator"),
        ("Q1\u{41E}5 == 1", 3, "cannot appear outside quotes"),
        ("Q102 == Айгуль", 9, "cannot appear outside quotes"),
        ("Q1 AND Q2", 4, "unexpected 'AND'"),
        ("12. + 1", 3, "digits after the decimal point"),
        ("12abc", 3, "cannot run into a name"),
        ("count", 1, "is a function"),
        ("Q1 +", 5, "ends where a value was expected"),
        ("abs(1,", 7, "ends where a value was expected"),
        ("abs(1 2)", 7, "in the call of 'abs' opened at column 4"),
        ("'a\\q'", 3, "unknown escape"),
        ("Q1 # 2", 4, "unexpected character '#'"),
        ("Q1 ^ 2", 4, "'^' is not an operator"),
        ("count(members, count(members, count(members, count(members, true))))", 46, "nested at most 3 deep"),
    ];
    for (src, column, fragment) in cases {
        let error = parse(src).expect_err(src);
        assert_eq!(error.column, *column, "column of the error in {src:?}: {error}");
        assert!(error.message.contains(fragment), "message of {src:?} lacks {fragment:?}: {error}");
    }
}

#[test]
fn implies_is_not_a_or_b_in_three_valued_logic() {
    check(
        &[
            // The truth table, with unknown (`null`) on either side.
            ("true implies true", T),
            ("true implies false", F),
            ("false implies true", T),
            ("false implies false", T),
            ("false implies null", T),
            ("null implies true", T),
            ("true implies null", NULL),
            ("null implies false", NULL),
            ("null implies null", NULL),
            // A don't-know answer equals only its code; ordered, it is unknown.
            ("Q312 == 1 implies false", T),
            ("Q312 == -98 implies false", F),
            ("Q312 > 1 implies false", NULL),
            ("Q999 == 1 implies false", NULL),
            ("Q999 == 1 implies true", T),
            // `implies` binds more loosely than `or`, `and`, `not` and comparisons.
            ("false or true implies false", F),
            ("true implies false or true", T),
            ("not true implies false", T),
            ("Q101 == 3 and SURVEY_YEAR == 2010 implies Q313 > 2", T),
            ("Q101 == 3 implies Q313 > 5 or Q313 == 3", T),
            ("(true implies false) implies false", T),
            ("true implies (false implies false)", T),
            ("if(true implies false, 1, 2)", num(2.0)),
        ],
        None,
    );
}

#[test]
fn currency_reads_the_currency_of_an_answer() {
    check(
        &[
            ("currency(Q518)", text("KZT")),
            ("currency(Q518) == 'KZT'", T),
            ("currency(Q604) == 'KZT'", F),
            ("currency(.)", text("RUB")),
            ("currency(Q999)", NULL),
            ("currency(Q999) == 'KZT'", NULL),
            // The tenge plausibility check applies to tenge amounts only.
            ("currency(Q604) == 'KZT' implies 6000000 <= 5000000", T),
            ("currency(Q518) == 'KZT' implies 6000000 <= 5000000", F),
            // Unknown currency: unknown, which a rule does not count as failing.
            ("currency(Q999) == 'KZT' implies 6000000 <= 5000000", NULL),
        ],
        None,
    );
    let refs = parse("currency(Q518) == 'KZT' implies . >= 1993").unwrap().references();
    let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Q518", "."], "the question whose currency is read is a dependency");
}

#[test]
fn implies_and_currency_errors_point_at_the_offending_token() {
    let cases: &[(&str, usize, &str)] = &[
        ("Q1 implies", 11, "ends where a value was expected"),
        ("implies Q1", 1, "expected a value"),
        ("Q1 implies Q2 implies Q3", 15, "'implies' cannot be chained"),
        ("Q1 or Q2 implies Q3 and Q4 implies Q5", 28, "'implies' cannot be chained"),
        ("Q1 == 1 impliess Q2 == 2", 9, "unexpected 'impliess'"),
        ("Q1 == 1 IMPLIES Q2 == 2", 9, "unexpected 'IMPLIES'"),
        ("Q1 == 1 => Q2 == 2", 9, "'=>' is not an operator"),
        ("Q1 == 1 -> Q2 == 2", 9, "'->' is not an operator"),
        ("(Q1 implies Q2", 15, "expected ')' to close '('"),
        ("currency(1)", 10, "must be the id of a money question"),
        ("currency(Q518 + 1)", 15, "must be a question id alone"),
        ("currency()", 10, "must be the id of a money question"),
        ("currency(Q518, Q604)", 1, "'currency' takes 1 argument"),
        ("currency", 1, "is a function"),
        ("currency(Q518", 14, "in the call of 'currency'"),
    ];
    for (src, column, fragment) in cases {
        let error = parse(src).expect_err(src);
        assert_eq!(error.column, *column, "column of the error in {src:?}: {error}");
        assert!(error.message.contains(fragment), "message of {src:?} lacks {fragment:?}: {error}");
    }
    let hint = |src: &str| parse(src).expect_err(src).hint.unwrap_or_default();
    assert!(hint("Q1 => Q2").contains("implies"));
    assert!(hint("Q1 IMPLIES Q2").contains("lowercase"));
}

#[test]
fn parse_error_hints_and_display() {
    let hint = |src: &str| parse(src).expect_err(src).hint.unwrap_or_default();
    assert!(hint("sumof(members, Q1)").contains("sum"));
    assert!(hint("cnt(members)").contains("count"));
    assert!(hint("count_selectd(Q512)").contains("count_selected"));
    assert!(hint("xyzzy(1)").contains("coalesce"), "an unrelated name lists every function");
    assert!(hint("min(AGE)").contains("min_of"));
    assert!(hint("if(1, 2)").contains("if(condition"));
    assert!(hint("Q1 = 2").contains("=="));
    assert!(hint("Q1 && Q2").contains("and"));
    assert!(hint("Q1 AND Q2").contains("'and'"));
    assert!(hint("Q1\u{41E}5 == 1").contains("Cyrillic"));
    assert!(hint("\u{410}GE >= 16").contains("Cyrillic"), "a Cyrillic A in AGE");
    assert!(hint("Q102 == Айгуль").contains("quotes"));
    assert!(hint("Q1Ж == 1").contains("Latin letters"));
    assert!(hint(&"(".repeat(200)).contains("split it into calculations"));

    let error = parse("(1").expect_err("unclosed");
    assert_eq!(error.to_string(), "column 3: expected ')' to close '(' opened at column 1, found the end of the expression");
    let error = parse("cnt(members)").expect_err("unknown");
    assert_eq!(error.to_string(), "column 1: unknown function 'cnt' (hint: did you mean count, count_selected?)");
}

#[test]
fn references() {
    fn name(n: &str, through: Option<&str>) -> Reference {
        Reference { name: n.to_owned(), through_roster: through.map(str::to_owned), kind: RefKind::Name }
    }
    fn roster(n: &str, through: Option<&str>) -> Reference {
        Reference { kind: RefKind::Roster, ..name(n, through) }
    }
    let cases: Vec<(&str, Vec<Reference>)> = vec![
        ("AGE >= 16", vec![name("AGE", None)]),
        ("1 + 2", vec![]),
        (". <= SURVEY_YEAR", vec![name(".", None), name("SURVEY_YEAR", None)]),
        ("selected(Q512, choice)", vec![name("Q512", None), name("choice", None)]),
        ("count(members, Q103 == 1) == 1", vec![roster("members", None), name("Q103", Some("members"))]),
        ("Q101 > 0 and sum(members, Q312) > Q101", vec![name("Q101", None), roster("members", None), name("Q312", Some("members"))]),
        ("at(members, Q113, Q502)", vec![roster("members", None), name("Q113", None), name("Q502", Some("members"))]),
        ("Q1 + count(members, Q1 > 0)", vec![name("Q1", None), roster("members", None), name("Q1", Some("members"))]),
        (
            "count(members, any(away, Q532 == Q102) or AGE > 60)",
            vec![
                roster("members", None),
                roster("away", Some("members")),
                name("Q532", Some("away")),
                name("Q102", Some("away")),
                name("AGE", Some("members")),
            ],
        ),
        ("count(members)", vec![roster("members", None)]),
        ("if(dk(Q312), Q313, Q312 in (-98, -99))", vec![name("Q312", None), name("Q313", None)]),
    ];
    for (src, expected) in cases {
        let expr = parse(src).expect(src);
        assert_eq!(expr.references(), expected, "{src}");
        assert_eq!(expr.source(), src);
    }
}

#[test]
fn missing_codes_round_trip() {
    for m in Missing::ALL {
        assert_eq!(Missing::from_code(m.code()), Some(m));
    }
    assert_eq!(Missing::DontKnow.code(), -98);
    assert_eq!(Missing::from_code(-96), None);
    assert_eq!(Missing::from_code(0), None);
}

#[test]
fn values_display_for_texts() {
    assert_eq!(num(1985.0).to_string(), "1985");
    assert_eq!(num(54.5).to_string(), "54.5");
    assert_eq!(DK.to_string(), "-98");
    assert_eq!(NULL.to_string(), "");
    assert_eq!(Val::List(vec![1.0, 3.0]).to_string(), "1, 3");
    assert_eq!(Val::TextList(vec!["Айгуль".into(), "Ерлан".into()]).to_string(), "Айгуль, Ерлан");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = |open: &str, close: &str| format!("{}1{}", open.repeat(10_000), close.repeat(10_000));
    for src in [deep("(", ")"), deep("-", ""), deep("not ", ""), deep("abs(", ")"), deep("-(", ")"), deep("1 in (", ")"), deep("(", "")] {
        let error = parse(&src).expect_err("10,000 levels must be rejected");
        assert!(error.message.contains("nests too deeply"), "{error}");
    }
    let exactly = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
    assert!(parse(&exactly(MAX_NESTING - 1)).is_ok());
    assert!(parse(&exactly(100)).is_err());
}

#[test]
fn long_flat_chains_parse_and_evaluate() {
    let survey = survey();
    let ctx = Ctx { survey: &survey, row: None };
    let sum = vec!["1"; 10_000].join(" + ");
    assert_eq!(parse(&sum).expect("sum").eval(&ctx), num(10_000.0));
    let ors = vec!["Q999"; 10_000].join(" or ") + " or true";
    assert_eq!(parse(&ors).expect("or").eval(&ctx), T);
    let ands = vec!["Q101 == 3"; 10_000].join(" and ");
    assert_eq!(parse(&ands).expect("and").eval(&ctx), T);
}

#[test]
fn deepest_accepted_expression_evaluates() {
    // Wrap an expression in every kind of nesting, as deep as the parser accepts, and parse and
    // evaluate it on a thread with a 1 MiB stack, half the default of a spawned thread. (Measured
    // on x86-64: an unoptimised build needs under 500 KiB for the worst kind of nesting, a chain of
    // calls, and an optimised one under 64 KiB.)
    let layers = [
        "abs(X)",
        "Q999 or Q101 and not (Q101 == Q101 + Q101 * abs(-(X)))",
        "sum(members, if(X, AGE, 0))",
        "coalesce(Q999, min(1, X in (1, 2)))",
        "at(members, 1, X)",
        "Q101 in (X)",
    ];
    let mut src = "1".to_owned();
    let mut grown = true;
    while grown {
        grown = false;
        for layer in layers {
            let next = layer.replace('X', &src);
            if parse(&next).is_ok() {
                src = next;
                grown = true;
            }
        }
    }
    // The loop stops only once even the shallowest layer no longer fits.
    assert!(parse(&format!("({src})")).is_err());
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let expr = parse(&src).expect("parses again");
            let survey = survey();
            for row in [None, Some(1)] {
                let _ = expr.eval(&Ctx { survey: &survey, row });
            }
            drop(expr);
        })
        .expect("spawn")
        .join()
        .expect("parsing and evaluating the deepest expression must not overflow the stack");
}

/// Pieces of expressions, valid and not, for the token-soup property test.
const SOUP: &[&str] = &[
    "(",
    ")",
    ",",
    ".",
    "+",
    "-",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
    "not",
    "in",
    "implies",
    "currency",
    "=>",
    "true",
    "false",
    "null",
    "0",
    "1",
    "-98",
    "54.5",
    "1e9",
    "'Айгуль'",
    "\"Ерлан\"",
    "'",
    "\"",
    "Q101",
    "Q312",
    "Q512",
    "Q531",
    "AGE",
    "SURVEY_YEAR",
    "choice",
    "members",
    "away",
    "nosuch",
    "count",
    "sum",
    "any",
    "all",
    "min_of",
    "max_of",
    "at",
    "selected",
    "count_selected",
    "answered",
    "dk",
    "refused",
    "missing",
    "if",
    "coalesce",
    "min",
    "max",
    "abs",
    "round",
    "floor",
    "len",
    "position",
    "year",
    "month",
    "day",
    "digits",
    "Қ",
    "О",
    "=",
    "&&",
    "\\",
    "\u{0}",
    "🙂",
    "9999999999999999999999999999999",
];

/// Well-formed expressions over the names of the test household, built from the grammar.
fn well_formed() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "Q101",
            "Q312",
            "Q311",
            "Q314",
            "Q512",
            "Q531",
            "Q999",
            "AGE",
            "Q102",
            "NAME",
            "DATE",
            ".",
            "choice",
            "true",
            "false",
            "null",
            "0",
            "-98",
            "2.5",
            "'Айгуль'",
            "position()",
            "currency(Q518)",
            "currency(.)",
        ])
        .prop_map(str::to_owned),
        any::<i32>().prop_map(|n| n.to_string()),
    ];
    leaf.prop_recursive(5, 48, 3, |inner| {
        let binary = prop::sample::select(vec!["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "implies"]);
        let unary = prop::sample::select(vec!["-", "not "]);
        let one = prop::sample::select(vec![
            "count_selected",
            "answered",
            "dk",
            "refused",
            "missing",
            "abs",
            "round",
            "floor",
            "len",
            "year",
            "month",
            "day",
            "digits",
        ]);
        let many = prop::sample::select(vec!["coalesce", "min", "max"]);
        let agg = prop::sample::select(vec!["count", "sum", "any", "all", "min_of", "max_of"]);
        let roster = prop::sample::select(vec!["members", "away", "nosuch"]);
        prop_oneof![
            (inner.clone(), binary, inner.clone()).prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            (unary, inner.clone()).prop_map(|(op, a)| format!("{op}({a})")),
            (one, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            (many, prop::collection::vec(inner.clone(), 2..4)).prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| format!("if({c}, {a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(q, c)| format!("selected({q}, {c})")),
            (inner.clone(), prop::collection::vec(inner.clone(), 1..4), any::<bool>())
                .prop_map(|(v, items, neg)| { format!("({v}) {}in ({})", if neg { "not " } else { "" }, items.join(", ")) }),
            (agg, roster.clone(), inner.clone()).prop_map(|(f, r, e)| format!("{f}({r}, {e})")),
            (roster.clone(), inner.clone(), inner.clone()).prop_map(|(r, n, e)| format!("at({r}, {n}, {e})")),
            roster.prop_map(|r| format!("count({r})")),
        ]
    })
}

/// Evaluates `src` in every context of the test household if it parses, and touches the rest of
/// the API; the point is that nothing panics.
fn exercise(src: &str) -> Result<(), super::ParseError> {
    let survey = survey();
    let expr = parse(src)?;
    for row in [None, Some(1), Some(2), Some(3)] {
        let _ = expr.eval(&Ctx { survey: &survey, row });
    }
    let _ = expr.references();
    assert_eq!(expr.source(), src);
    Ok(())
}

// Each property runs proptest's default number of cases; set PROPTEST_CASES for a longer run.
proptest! {
    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        if let Err(error) = exercise(&src) {
            // An error always points inside the text or just past its end.
            prop_assert!(error.column >= 1 && error.column <= src.chars().count() + 1, "{error}");
            let _ = error.to_string();
        }
    }

    #[test]
    fn printable_text_never_panics(src in "[ -~АаЙйҚқӘә]{0,60}") {
        if let Err(error) = exercise(&src) {
            prop_assert!(error.column >= 1 && error.column <= src.chars().count() + 1, "{error}");
        }
    }

    #[test]
    fn token_soup_never_panics(
        tokens in prop::collection::vec(prop::sample::select(SOUP), 0..40),
        spaced in any::<bool>(),
    ) {
        let src = tokens.join(if spaced { " " } else { "" });
        if let Err(error) = exercise(&src) {
            prop_assert!(error.column >= 1 && error.column <= src.chars().count() + 1, "{error}");
        }
    }

    #[test]
    fn well_formed_expressions_parse_and_evaluate(src in well_formed()) {
        match exercise(&src) {
            Ok(()) => {}
            // The generator may nest aggregates deeper than the parser allows.
            Err(error) => prop_assert!(error.message.contains("nested at most"), "{src}: {error}"),
        }
    }
}
