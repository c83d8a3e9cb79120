//! Numbers as interviewers type them: one set of rules, in Rust, for every interface.
//!
//! An amount typed on a tablet is the most expensive thing to get silently wrong: "150,000" read
//! as 150 or "1.500.000" read as 1.5 corrupts an income without anybody noticing. [`read_number`]
//! therefore reads a typed text by fixed rules per interface language and *refuses* what could mean
//! two different numbers, with a message (ru/kk/en) that says how to type it; [`format_number`]
//! writes a value back the way the interviewer reads it ("150 000", "150,000.5"), so the screen can
//! show what will be stored before the interviewer moves on. The rules are documented in
//! `docs/number-input.md`:
//!
//! - spaces (ASCII, no-break U+00A0, narrow no-break U+202F, thin U+2009) only group digits, and
//!   groups after the first have exactly three digits: "1 500", "150 000";
//! - a point or a comma appearing several times groups digits: "1.500.000" and "1,500,000" are
//!   1 500 000 in every language;
//! - a point and a comma together: the last one is the decimal mark, the other groups:
//!   "1.500,5" and "1,500.5" are both 1 500,5;
//! - one point or comma followed by anything but three digits is the decimal mark: "1,5", "0.75",
//!   "150 000,50";
//! - one point or comma followed by exactly three digits is the decimal mark after a zero integer
//!   part ("0,500"), groups digits when it is the language's own group mark (the comma in English:
//!   "150,000" is 150 000), and is refused as ambiguous otherwise (Russian and Kazakh "150,000"
//!   and "1.500", English "1.500");
//! - whole-number questions take no decimal mark at all; grouping is fine ("1,500" in English);
//! - a single leading minus ("-" or "−") or plus sign; anything else (letters, a second sign,
//!   separators side by side) is refused, as are more than 15 digits.
//!
//! ```
//! use dala_questionnaire::number::{format_number, read_number};
//! use dala_questionnaire::Lang;
//! assert_eq!(read_number("150 000,50", Lang::Ru, false), Ok(150_000.5));
//! assert_eq!(read_number("150,000", Lang::En, true), Ok(150_000.0));
//! assert!(read_number("150,000", Lang::Ru, false).is_err(), "ambiguous in Russian");
//! assert_eq!(format_number(150_000.5, Lang::Ru, true), "150\u{a0}000,5");
//! ```

use crate::model::Lang;

/// The most digits a typed number may have: beyond this an f64 no longer holds every digit.
pub const MAX_DIGITS: usize = 15;

/// Why a typed text is not a number for this question. Each variant carries what its message
/// needs; [`NumberInputError::message`] words it in the interviewer's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberInputError {
    /// Nothing typed but spaces.
    #[error("empty")]
    Empty,
    /// A sign, marks or spaces but no digit.
    #[error("{text}: no digits")]
    NoDigits { text: String },
    /// A character that has no place in a number (a letter, a second or misplaced sign).
    #[error("{text}: {ch:?} cannot be part of a number")]
    BadCharacter { text: String, ch: char },
    /// Separators side by side, a space after the decimal mark, a decimal mark used twice.
    #[error("{text}: separators out of place")]
    Misplaced { text: String },
    /// Digit groups after the first that are not three digits long ("1 50 000", "15,00,000").
    #[error("{text}: digit groups are not of three digits")]
    BadGroups { text: String },
    /// One mark followed by three digits that may group thousands or start a fraction.
    #[error("{text}: ambiguous ({thousands} or {fraction})")]
    Ambiguous {
        text: String,
        /// The thousands reading, as it should be typed in this language ("150 000").
        thousands: String,
        /// The fraction reading, as it should be typed in this language ("150,0").
        fraction: String,
    },
    /// A decimal mark in a whole-number question.
    #[error("{text}: a whole number is needed")]
    NotWhole { text: String },
    /// More than [`MAX_DIGITS`] digits.
    #[error("{text}: more than {MAX_DIGITS} digits")]
    TooLong { text: String },
}

impl NumberInputError {
    /// What is wrong and how to type it, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use NumberInputError::*;
        let (ru, kk, en) = match self {
            Empty => ("Введите число.".to_string(), "Санды енгізіңіз.".to_string(), "Type a number.".to_string()),
            NoDigits { text } => (
                format!("«{text}»: в записи нет цифр."),
                format!("«{text}»: жазбада цифр жоқ."),
                format!("\"{text}\": there are no digits."),
            ),
            BadCharacter { text, ch } => (
                format!("«{text}»: знак «{ch}» не может быть частью числа. Набирайте цифры, например «150 000» или «1,5»."),
                format!("«{text}»: «{ch}» таңбасы санның бөлігі бола алмайды. Цифрларды теріңіз, мысалы «150 000» немесе «1,5»."),
                format!("\"{text}\": \"{ch}\" cannot be part of a number. Type digits, e.g. \"150,000\" or \"1.5\"."),
            ),
            Misplaced { text } => (
                format!("«{text}»: разделители стоят не на своих местах. Тысячи отделяйте пробелом, дробную часть — запятой: «150 000,5»."),
                format!("«{text}»: бөлгіштер өз орнында емес. Мыңдықтарды бос орынмен, бөлшек бөлігін үтірмен бөліңіз: «150 000,5»."),
                format!("\"{text}\": the separators are out of place. Group thousands with commas and put the decimal point last: \"150,000.5\"."),
            ),
            BadGroups { text } => (
                format!("«{text}»: цифры после первой группы отделяются по три, например «1 500 000». Проверьте, сколько цифр в числе."),
                format!("«{text}»: бірінші топтан кейінгі цифрлар үш-үштен бөлінеді, мысалы «1 500 000». Сандағы цифрлар санын тексеріңіз."),
                format!("\"{text}\": after the first group, digits are grouped in threes, e.g. \"1,500,000\". Check how many digits the number has."),
            ),
            Ambiguous { text, thousands, fraction } => (
                format!("«{text}» можно понять двояко: {thousands} или {fraction}. Наберите «{thousands}» (тысячи отделяются пробелом) или «{fraction}» (дробная часть — после запятой)."),
                format!("«{text}» екі түрлі оқылады: {thousands} немесе {fraction}. «{thousands}» (мыңдықтар бос орынмен бөлінеді) немесе «{fraction}» (бөлшек бөлігі үтірден кейін) деп теріңіз."),
                format!("\"{text}\" can be read two ways: {thousands} or {fraction}. Type \"{thousands}\" (commas group thousands) or \"{fraction}\" (the point is the decimal mark)."),
            ),
            NotWhole { text } => (
                format!("«{text}»: здесь нужно целое число, без дробной части."),
                format!("«{text}»: мұнда бөлшек бөлігі жоқ бүтін сан керек."),
                format!("\"{text}\": a whole number is needed here, without a fractional part."),
            ),
            TooLong { text } => (
                format!("«{text}»: слишком длинное число (больше {MAX_DIGITS} цифр)."),
                format!("«{text}»: сан тым ұзын ({MAX_DIGITS} цифрдан көп)."),
                format!("\"{text}\": the number is too long (more than {MAX_DIGITS} digits)."),
            ),
        };
        lang.pick(ru, kk, en)
    }
}

/// Characters that group digits and nothing else: the space, the no-break space (what a
/// formatted number holds), the narrow no-break space and the thin space.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// The mark this language writes between thousands, if it is a point or a comma.
fn group_mark(lang: Lang) -> Option<char> {
    match lang {
        Lang::En => Some(','),
        Lang::Ru | Lang::Kk => None,
    }
}

/// What separates thousands on screen: a no-break space (ru, kk) or a comma (en).
fn group_separator(lang: Lang) -> char {
    match lang {
        Lang::En => ',',
        Lang::Ru | Lang::Kk => '\u{00A0}',
    }
}

/// The decimal mark of the language: a comma (ru, kk) or a point (en).
pub fn decimal_mark(lang: Lang) -> char {
    match lang {
        Lang::En => '.',
        Lang::Ru | Lang::Kk => ',',
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Digits(String),
    Space,
    Mark(char),
}

/// Reads a number typed in `lang`; `whole` questions (integer, year, scale) take no decimal mark.
///
/// Returns the value or the reason it was refused; see the module documentation for the rules.
/// The range of the question is not checked here (the engine does that).
pub fn read_number(text: &str, lang: Lang, whole: bool) -> Result<f64, NumberInputError> {
    let shown = text.trim_matches(|c: char| c.is_whitespace()).to_string();
    if shown.is_empty() {
        return Err(NumberInputError::Empty);
    }
    let mut rest = shown.as_str();
    let mut negative = false;
    if let Some(c) = rest.chars().next() {
        if matches!(c, '-' | '\u{2212}' | '+') {
            negative = c != '+';
            rest = &rest[c.len_utf8()..];
        }
    }

    // The text as pieces: runs of digits, spaces (runs collapsed), single marks.
    let mut pieces: Vec<Piece> = Vec::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            match pieces.last_mut() {
                Some(Piece::Digits(d)) => d.push(c),
                _ => pieces.push(Piece::Digits(c.to_string())),
            }
        } else if is_group_space(c) {
            if pieces.last() != Some(&Piece::Space) {
                pieces.push(Piece::Space);
            }
        } else if c == '.' || c == ',' {
            pieces.push(Piece::Mark(c));
        } else {
            return Err(NumberInputError::BadCharacter { text: shown.clone(), ch: c });
        }
    }
    let all_digits: String = pieces.iter().filter_map(|p| if let Piece::Digits(d) = p { Some(d.as_str()) } else { None }).collect();
    if all_digits.is_empty() {
        return Err(NumberInputError::NoDigits { text: shown });
    }
    if all_digits.trim_start_matches('0').len() > MAX_DIGITS {
        return Err(NumberInputError::TooLong { text: shown });
    }
    // A separator sits between two digit runs; only a decimal mark may open (".5") or close
    // ("150,") the number, which is checked once the decimal mark is known.
    for pair in pieces.windows(2) {
        if !matches!(pair[0], Piece::Digits(_)) && !matches!(pair[1], Piece::Digits(_)) {
            return Err(NumberInputError::Misplaced { text: shown });
        }
    }
    if matches!(pieces.first(), Some(Piece::Space)) || matches!(pieces.last(), Some(Piece::Space)) {
        return Err(NumberInputError::Misplaced { text: shown });
    }

    // Which mark, if any, is the decimal mark.
    let marks: Vec<(usize, char)> =
        pieces.iter().enumerate().filter_map(|(i, p)| if let Piece::Mark(c) = p { Some((i, *c)) } else { None }).collect();
    let count = |m: char| marks.iter().filter(|(_, c)| *c == m).count();
    let digits_before = |at: usize| -> String {
        pieces[..at].iter().filter_map(|p| if let Piece::Digits(d) = p { Some(d.as_str()) } else { None }).collect()
    };
    let digits_after = |at: usize| -> String {
        match pieces.get(at + 1) {
            Some(Piece::Digits(d)) => d.clone(),
            _ => String::new(),
        }
    };
    let decimal_at: Option<usize> = match marks.as_slice() {
        [] => None,
        [(at, mark)] => {
            let before = digits_before(*at);
            let after = digits_after(*at);
            // More after the three digits ("1,500 000"): a fraction cannot go on, so it groups.
            let more = pieces.len() > at + 2;
            if after.len() != 3 || before.chars().all(|c| c == '0') {
                Some(*at)
            } else if Some(*mark) == group_mark(lang) || more {
                None
            } else {
                let fraction_digits = after.trim_end_matches('0');
                // A fraction of exactly three digits would be ambiguous again: suggest one more zero.
                let fraction_digits = match fraction_digits.len() {
                    0 => "0".to_string(),
                    3 => format!("{fraction_digits}0"),
                    _ => fraction_digits.to_string(),
                };
                let whole_part: u64 = before.parse().unwrap_or(0);
                let thousands: u64 = format!("{before}{after}").parse().unwrap_or(0);
                let sign = if negative { "-" } else { "" };
                return Err(NumberInputError::Ambiguous {
                    text: shown,
                    thousands: format!("{sign}{}", group_digits(&thousands.to_string(), group_separator(lang))),
                    fraction: format!(
                        "{sign}{}{}{fraction_digits}",
                        group_digits(&whole_part.to_string(), group_separator(lang)),
                        decimal_mark(lang)
                    ),
                });
            }
        }
        _ => {
            let (at, last) = *marks.last().expect("several marks");
            let other = if last == '.' { ',' } else { '.' };
            if count(other) > 0 {
                // Both kinds: the last one is the decimal mark and appears once.
                if count(last) > 1 {
                    return Err(NumberInputError::Misplaced { text: shown });
                }
                Some(at)
            } else {
                // One kind several times: it groups.
                None
            }
        }
    };

    // Split at the decimal mark: the integer part may be grouped, the fraction is digits only.
    let (integer_pieces, fraction) = match decimal_at {
        Some(at) => {
            let after = &pieces[at + 1..];
            let fraction = match after {
                [] => String::new(),
                [Piece::Digits(d)] => d.clone(),
                _ => return Err(NumberInputError::Misplaced { text: shown }),
            };
            (&pieces[..at], Some(fraction))
        }
        None => {
            if matches!(pieces.first(), Some(Piece::Mark(_))) || matches!(pieces.last(), Some(Piece::Mark(_))) {
                return Err(NumberInputError::Misplaced { text: shown });
            }
            (&pieces[..], None)
        }
    };
    if whole && fraction.is_some() {
        return Err(NumberInputError::NotWhole { text: shown });
    }
    let groups: Vec<&str> = integer_pieces.iter().filter_map(|p| if let Piece::Digits(d) = p { Some(d.as_str()) } else { None }).collect();
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(NumberInputError::BadGroups { text: shown });
    }
    let integer: String = groups.concat();
    let fraction = fraction.unwrap_or_default();
    if integer.is_empty() && fraction.is_empty() {
        return Err(NumberInputError::NoDigits { text: shown });
    }
    let plain = format!("{}.{}", if integer.is_empty() { "0" } else { &integer }, if fraction.is_empty() { "0" } else { &fraction });
    let value: f64 = plain.parse().map_err(|_| NumberInputError::NoDigits { text: shown.clone() })?;
    // -0 is 0: a stored "-0" would only puzzle whoever reads the data.
    Ok(if negative && value != 0.0 { -value } else { value })
}

/// "1500000" → "1 500 000" with `separator` between groups of three.
fn group_digits(digits: &str, separator: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A value written as the interviewer of `lang` reads it: "150 000,5" (ru, kk: no-break spaces and
/// a decimal comma), "150,000.5" (en). `grouped` separates thousands (amounts, counts); years and
/// codes are written plain. Every digit of the value is kept; nothing is rounded.
pub fn format_number(value: f64, lang: Lang, grouped: bool) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    // Rust writes the shortest text that reads back as the same f64, and never an exponent.
    let plain = format!("{}", value.abs());
    let (integer, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::new();
    if value < 0.0 {
        out.push('-');
    }
    if grouped {
        out.push_str(&group_digits(integer, group_separator(lang)));
    } else {
        out.push_str(integer);
    }
    if !fraction.is_empty() {
        out.push(decimal_mark(lang));
        out.push_str(fraction);
    }
    out
}

/// An amount of money: like [`format_number`] (grouped), with kopecks / tiyn / cents always as two
/// digits when there are any ("150 000,50").
pub fn format_amount(value: f64, lang: Lang) -> String {
    let text = format_number(value, lang, true);
    match text.rsplit_once(decimal_mark(lang)) {
        Some((_, fraction)) if fraction.len() == 1 => format!("{text}0"),
        _ => text,
    }
}

/// The text to put back into an input field for a stored value: [`format_number`], made
/// unambiguous if needed ("150,125" in Russian would be refused, so it becomes "150,1250"), so
/// that reading the field again gives the same value.
pub fn editable_number(value: f64, lang: Lang, grouped: bool, whole: bool) -> String {
    let text = format_number(value, lang, grouped);
    if read_number(&text, lang, whole) == Ok(value) {
        return text;
    }
    let padded = format!("{text}0");
    if read_number(&padded, lang, whole) == Ok(value) {
        padded
    } else {
        text
    }
}

/// The sign of a currency code for display ("KZT" → "₸"); unknown codes are shown as they are.
pub fn currency_sign(code: &str) -> &str {
    match code {
        "KZT" => "₸",
        "RUB" => "₽",
        "USD" => "$",
        "EUR" => "€",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Lang::{En, Kk, Ru};

    /// What a row of the table expects.
    #[derive(Debug)]
    enum Want {
        Value(f64),
        Ambiguous,
        NotWhole,
        BadGroups,
        BadCharacter,
        Misplaced,
        NoDigits,
        Empty,
        TooLong,
    }
    use Want::*;

    /// Text, language, whole-number question, expected reading.
    const TABLE: &[(&str, Lang, bool, Want)] = &[
        // Plain digits, signs and spaces: the same in every language.
        ("0", Ru, true, Value(0.0)),
        ("42", Kk, true, Value(42.0)),
        ("  42  ", En, true, Value(42.0)),
        ("-5", Ru, true, Value(-5.0)),
        ("\u{2212}5", Kk, false, Value(-5.0)),
        ("+7", En, true, Value(7.0)),
        ("-0", Ru, true, Value(0.0)),
        ("1 500", Ru, true, Value(1500.0)),
        ("1 500", Kk, true, Value(1500.0)),
        ("1 500", En, true, Value(1500.0)),
        ("150\u{a0}000", Ru, false, Value(150_000.0)),
        ("150\u{202f}000", Kk, false, Value(150_000.0)),
        ("1\u{2009}500\u{2009}000", En, false, Value(1_500_000.0)),
        ("1  500", Ru, true, Value(1500.0)),
        ("150 000,50", Ru, false, Value(150_000.5)),
        ("150 000,50", Kk, false, Value(150_000.5)),
        ("150 000,50", En, false, Value(150_000.5)),
        ("150 000.50", Ru, false, Value(150_000.5)),
        // One kind of mark several times groups digits, in every language.
        ("1.500.000", Ru, false, Value(1_500_000.0)),
        ("1.500.000", Kk, true, Value(1_500_000.0)),
        ("1.500.000", En, false, Value(1_500_000.0)),
        ("1,500,000", Ru, false, Value(1_500_000.0)),
        ("1,500,000", Kk, true, Value(1_500_000.0)),
        ("1,500,000", En, true, Value(1_500_000.0)),
        // Both marks: the last one is the decimal mark.
        ("1.500,5", Ru, false, Value(1500.5)),
        ("1.500,5", En, false, Value(1500.5)),
        ("1,500.5", Ru, false, Value(1500.5)),
        ("1,500.5", Kk, false, Value(1500.5)),
        ("1,500.25", En, false, Value(1500.25)),
        ("1,500,000.75", En, false, Value(1_500_000.75)),
        ("1.500.000,75", Kk, false, Value(1_500_000.75)),
        // One mark, not followed by three digits: the decimal mark, whichever it is.
        ("1,5", Ru, false, Value(1.5)),
        ("1.5", Ru, false, Value(1.5)),
        ("1,5", Kk, false, Value(1.5)),
        ("1.5", En, false, Value(1.5)),
        ("1,5", En, false, Value(1.5)),
        ("54,5", Ru, false, Value(54.5)),
        ("0.75", Kk, false, Value(0.75)),
        ("0,7500", Ru, false, Value(0.75)),
        (",5", Ru, false, Value(0.5)),
        (".5", En, false, Value(0.5)),
        ("150,", Ru, false, Value(150.0)),
        ("1500,1250", Ru, false, Value(1500.125)),
        // One mark, three digits after a zero integer part: a fraction.
        ("0,500", Ru, false, Value(0.5)),
        ("0.500", En, false, Value(0.5)),
        // One mark, three digits: the English comma groups ...
        ("150,000", En, false, Value(150_000.0)),
        ("150,000", En, true, Value(150_000.0)),
        ("1,500", En, true, Value(1500.0)),
        ("-2,000", En, true, Value(-2000.0)),
        // ... everything else is ambiguous and refused.
        ("150,000", Ru, false, Ambiguous),
        ("150,000", Kk, false, Ambiguous),
        ("150,000", Ru, true, Ambiguous),
        ("1.500", Ru, false, Ambiguous),
        ("1.500", Kk, true, Ambiguous),
        ("1.500", En, false, Ambiguous),
        ("150.000", En, true, Ambiguous),
        ("1 500,000", Ru, false, Ambiguous),
        ("1,500 000", Ru, false, Value(1_500_000.0)),
        // Whole-number questions take no decimal mark.
        ("1,5", Ru, true, NotWhole),
        ("1.5", En, true, NotWhole),
        ("150 000,50", Kk, true, NotWhole),
        ("150,", Ru, true, NotWhole),
        ("1,500.0", En, true, NotWhole),
        // Groups after the first have three digits.
        ("1 50", Ru, true, BadGroups),
        ("1 50 000", Kk, false, BadGroups),
        ("15,00,000", En, false, BadGroups),
        ("1.50.000", Ru, false, BadGroups),
        ("1500 000", Ru, false, BadGroups),
        ("1,5,5", En, false, BadGroups),
        // Letters, second signs, misplaced separators, nothing at all.
        ("12a", Ru, false, BadCharacter),
        ("1e5", En, false, BadCharacter),
        ("--5", Ru, true, BadCharacter),
        ("5-", Kk, true, BadCharacter),
        ("150 000 ₸", Ru, false, BadCharacter),
        ("1,500.000,5", En, false, Misplaced),
        ("1 ,5", Ru, false, Misplaced),
        ("1.,5", Ru, false, Misplaced),
        ("0,123 456", Ru, false, Misplaced),
        ("- 5", Ru, false, Misplaced),
        ("1.500.", Ru, false, Misplaced),
        ("-", Ru, false, NoDigits),
        (",", En, false, NoDigits),
        ("", Ru, false, Empty),
        ("   ", Kk, false, Empty),
        ("1234567890123456", Ru, true, TooLong),
        ("123456789012345", Ru, true, Value(123_456_789_012_345.0)),
    ];

    #[test]
    fn the_table_of_typed_numbers() {
        assert!(TABLE.len() >= 80);
        let mut wrong = Vec::new();
        for (text, lang, whole, want) in TABLE {
            let got = read_number(text, *lang, *whole);
            let ok = match (want, &got) {
                (Value(v), Ok(g)) => v == g,
                (Ambiguous, Err(NumberInputError::Ambiguous { .. })) => true,
                (NotWhole, Err(NumberInputError::NotWhole { .. })) => true,
                (BadGroups, Err(NumberInputError::BadGroups { .. })) => true,
                (BadCharacter, Err(NumberInputError::BadCharacter { .. })) => true,
                (Misplaced, Err(NumberInputError::Misplaced { .. })) => true,
                (NoDigits, Err(NumberInputError::NoDigits { .. })) => true,
                (Empty, Err(NumberInputError::Empty)) => true,
                (TooLong, Err(NumberInputError::TooLong { .. })) => true,
                _ => false,
            };
            if !ok {
                wrong.push(format!("{text:?} ({lang}, whole: {whole}): expected {want:?}, got {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{} row(s) wrong:\n{}", wrong.len(), wrong.join("\n"));
    }

    #[test]
    fn an_ambiguous_text_is_explained_with_both_readings_in_the_language() {
        let e = read_number("150,000", Ru, false).unwrap_err();
        assert_eq!(e, NumberInputError::Ambiguous { text: "150,000".into(), thousands: "150\u{a0}000".into(), fraction: "150,0".into() });
        let ru = e.message(Ru);
        assert!(ru.contains("двояко") && ru.contains("«150\u{a0}000»") && ru.contains("«150,0»"), "{ru}");
        let kk = e.message(Kk);
        assert!(kk.contains("екі түрлі") && kk.contains("«150,0»"), "{kk}");

        let e = read_number("1.500", En, false).unwrap_err();
        assert_eq!(e, NumberInputError::Ambiguous { text: "1.500".into(), thousands: "1,500".into(), fraction: "1.5".into() });
        assert!(e.message(En).contains("\"1,500\"") && e.message(En).contains("\"1.5\""), "{}", e.message(En));

        // The suggested texts are themselves read as meant.
        for (text, lang) in [("150,000", Ru), ("1.500", Kk), ("2.125", En), ("-1.500", Ru), ("150,125", Ru)] {
            let Err(NumberInputError::Ambiguous { thousands, fraction, .. }) = read_number(text, lang, false) else {
                panic!("{text} {lang}")
            };
            let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
            let plain: f64 = text.trim_start_matches('-').replace(',', ".").parse().unwrap();
            assert_eq!(read_number(&thousands, lang, false), Ok(sign * plain * 1000.0), "{thousands}");
            assert_eq!(read_number(&fraction, lang, false), Ok(sign * plain), "{fraction}");
        }
    }

    #[test]
    fn every_message_exists_in_three_languages_and_quotes_the_text() {
        let errors = [
            read_number("12a", Ru, false),
            read_number("1 ,5", Ru, false),
            read_number("1 50", Ru, false),
            read_number("1.500", Ru, false),
            read_number("1,5", Ru, true),
            read_number("1234567890123456", Ru, true),
            read_number("-", Ru, true),
        ];
        for e in errors {
            let e = e.unwrap_err();
            let (ru, kk, en) = (e.message(Ru), e.message(Kk), e.message(En));
            assert!(ru != kk && kk != en && ru != en, "{e:?}");
            assert!(ru.contains('«') && kk.contains('«') && en.contains('"'), "{e:?}");
            assert!(!kk.contains('i'), "Kazakh uses Cyrillic і, never Latin i: {kk}");
        }
        assert_eq!(NumberInputError::Empty.message(En), "Type a number.");
    }

    #[test]
    fn formatted_numbers_read_back_as_the_same_value() {
        assert_eq!(format_number(150_000.0, Ru, true), "150\u{a0}000");
        assert_eq!(format_number(150_000.5, Kk, true), "150\u{a0}000,5");
        assert_eq!(format_number(1_500_000.25, En, true), "1,500,000.25");
        assert_eq!(format_number(-1500.0, En, true), "-1,500");
        assert_eq!(format_number(2010.0, Ru, false), "2010");
        assert_eq!(format_number(999.0, Ru, true), "999");
        assert_eq!(format_amount(150_000.5, Ru), "150\u{a0}000,50");
        assert_eq!(format_amount(150_000.0, En), "150,000");
        assert_eq!(format_amount(0.25, En), "0.25");
        for lang in Lang::ALL {
            for value in [0.0_f64, 7.0, 54.5, 999.0, 1000.0, 1500.125, 150_000.5, -2_000_000.0, 0.001, 150.125, 123_456_789.75] {
                let whole = value.fract() == 0.0;
                let text = editable_number(value, lang, true, whole);
                assert_eq!(read_number(&text, lang, whole), Ok(value), "{value} in {lang} as {text:?}");
            }
        }
        assert_eq!(editable_number(150.125, Ru, true, false), "150,1250");
    }

    #[test]
    fn range_messages_write_their_bounds_the_languages_way() {
        let e = crate::answer::AnswerError::OutOfRange { question: "Q309".into(), min: Some(0.0), max: Some(150_000.0) };
        assert_eq!(crate::i18n::answer_error(&e, En), "Q309: the value must be between 0 and 150,000.");
        assert_eq!(crate::i18n::answer_error(&e, Ru), "Q309: значение должно быть от 0 до 150\u{a0}000.");
        let years = crate::answer::AnswerError::OutOfRange { question: "Q105".into(), min: Some(1900.0), max: Some(2010.0) };
        assert!(crate::i18n::answer_error(&years, En).ends_with("between 1900 and 2010."));
    }

    #[test]
    fn currency_signs() {
        assert_eq!(currency_sign("KZT"), "₸");
        assert_eq!(currency_sign("USD"), "$");
        assert_eq!(currency_sign("CNY"), "CNY");
    }
}
